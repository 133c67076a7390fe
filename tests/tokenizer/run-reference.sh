#!/bin/sh
# The reference test (ctest: tokenizer_reference): installs npm llama3-tokenizer-js into
# WORK_DIR (once; later runs reuse it, offline too) and runs reference.mjs there.
#   run-reference.sh CORRAL_TRAIN WORK_DIR
# Exits 77, which ctest reports as skipped, with the reason on stdout and stderr, when node or
# npm is missing or the package cannot be installed (no network). With
# CORRAL_REQUIRE_TOKENIZER_REFERENCE=1 (CI sets it: CI reaches the npm registry) those are
# failures instead, so the 100 % match is never skipped silently where it can be checked.
set -u
here=$(cd "$(dirname "$0")" && pwd)
trainer=$1
work=$2
version=$(sed -n 's/.*"llama3-tokenizer-js": *"\([^"]*\)".*/\1/p' "$here/package.json")

skip() {
    if [ "${CORRAL_REQUIRE_TOKENIZER_REFERENCE:-}" = 1 ]; then
        echo "tokenizer_reference: FAILED, required here (CORRAL_REQUIRE_TOKENIZER_REFERENCE=1): $*" >&2
        exit 1
    fi
    echo "SKIPPED tokenizer_reference: $*"
    echo "SKIPPED tokenizer_reference: $*" >&2
    exit 77
}

command -v node >/dev/null 2>&1 || skip "node is not installed (packaging/install-deps installs nodejs and npm)"
[ -x "$trainer" ] || { echo "tokenizer_reference: $trainer is not built" >&2; exit 1; }

installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$work/node_modules/llama3-tokenizer-js/package.json" 2>/dev/null)
if [ "$installed" != "$version" ]; then
    command -v npm >/dev/null 2>&1 || skip "npm is not installed (packaging/install-deps installs nodejs and npm)"
    mkdir -p "$work" && cp "$here/package.json" "$work/package.json" || exit 1
    echo "installing llama3-tokenizer-js $version into $work"
    if ! (cd "$work" && npm install --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=60000); then
        skip "npm install llama3-tokenizer-js@$version failed (no access to the npm registry?)"
    fi
fi
exec node "$here/reference.mjs" "$trainer" "$work"
