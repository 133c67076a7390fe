#!/usr/bin/env bash
# Builds the .deb with cpack from BUILD_DIR and checks it the way a user meets it: its control
# data and file list, the desktop entry and AppStream metainfo (validated), then unpacked into a
# throwaway root, corral-train validates the shipped demo preset and `corral run --headless`
# trains two steps using only what the package installed (no CORRAL_TRAIN, no source tree).
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/out/corral_*_amd64.deb)
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

control=$(dpkg-deb -f "$deb")
echo "$control" | grep -q '^Package: corral$' || fail "package name"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libtorch1.13 libqt6core6 libqt6charts6 libssh-4 libopenblas0-pthread libqt6sql6-sqlite qt6-qpa-plugins; do
  [[ "$depends" == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done

files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/corral ./usr/bin/corral-train ./usr/share/applications/org.corral.Corral.desktop \
         ./usr/share/metainfo/org.corral.Corral.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/org.corral.Corral.svg \
         ./usr/share/corral/presets/tiny-demo.yaml ./usr/share/corral/demo/corpus.txt ./usr/share/corral/slurm/job.sbatch.in; do
  grep -qxF "$f" <<<"$files" || fail "the package lacks $f"
done
if grep -q '\.corral-cache' <<<"$files"; then fail "a data cache was packaged"; fi

root="$work/root"
dpkg-deb -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/org.corral.Corral.desktop" || fail "desktop entry"
appstreamcli validate --no-net --pedantic "$root/usr/share/metainfo/org.corral.Corral.metainfo.xml" || fail "metainfo"

env -u CORRAL_TRAIN -u CORRAL_RESOURCES "$root/usr/bin/corral-train" validate \
  --config "$root/usr/share/corral/presets/tiny-demo.yaml" || fail "installed corral-train refused the shipped preset"
env -u CORRAL_TRAIN -u CORRAL_RESOURCES -u DISPLAY QT_QPA_PLATFORM=offscreen CORRAL_RUNS_DIR="$work/runs" \
  "$root/usr/bin/corral" run "$root/usr/share/corral/presets/tiny-demo.yaml" --profile local --headless \
  --output "$work/run" --set train.max_steps=2 --set train.eval_interval=2 --set train.warmup_steps=1 \
  >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "installed corral could not run the demo"; }
[ -d "$work/run/checkpoints/step-00000002" ] || { cat "$work/run.log"; fail "no checkpoint from the installed run"; }
echo "OK: control, files, desktop entry, metainfo, and a 2-step demo run from the unpacked package"
