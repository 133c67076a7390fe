// The reference test: corral's BpeTokenizer against npm llama3-tokenizer-js, line for line.
//   node reference.mjs CORRAL_TRAIN WORK_DIR
// WORK_DIR holds node_modules with the package (run-reference.sh installs it). This writes
// WORK_DIR/tokenizer.json from the package's own vocabulary, merges and special tokens,
// encodes the lines of corpus.mjs with the package (no BOS/EOS) and with
// `corral-train tokenize --json`, prints the match rate and exits 1 on any difference.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

import { makeLines } from './corpus.mjs';
import { LLAMA3_SPLIT_PATTERN } from './pattern.mjs';

const [trainer, work] = process.argv.slice(2);
if (!trainer || !work) {
    console.error('usage: node reference.mjs CORRAL_TRAIN WORK_DIR');
    process.exit(2);
}
const packageDir = path.join(work, 'node_modules', 'llama3-tokenizer-js');
const packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const { default: reference } = await import(pathToFileURL(path.join(packageDir, packageJson.main)).href);

// --- tokenizer.json from the package's data ------------------------------------------------
// The package keeps the vocabulary as a list (index = id), the special tokens appended at
// 128000 on (Llama 3.1's names), and the merges as a map "a b" → priority.
const firstSpecial = reference.getSpecialTokenId('<|begin_of_text|>');
const expectIds = { '<|begin_of_text|>': 128000, '<|end_of_text|>': 128001, '<|start_header_id|>': 128006,
    '<|end_header_id|>': 128007, '<|eot_id|>': 128009 };
for (const [token, id] of Object.entries(expectIds)) {
    if (reference.getSpecialTokenId(token) !== id)
        throw new Error(`the package gives ${token} id ${reference.getSpecialTokenId(token)}, not Llama 3's ${id}`);
}
const vocab = {};
for (let id = 0; id < firstSpecial; ++id)
    vocab[reference.vocabById[id]] = id;
const merges = [...reference.merges.entries()].sort((a, b) => a[1] - b[1]).map(([pair]) => pair);
const addedTokens = reference.vocabById.slice(firstSpecial).map((content, i) => ({
    id: firstSpecial + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
}));
const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
            { type: 'Split', pattern: { Regex: LLAMA3_SPLIT_PATTERN }, behavior: 'Isolated', invert: false },
            { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
        type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
        fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab, merges,
    },
};
const tokenizerPath = path.join(work, 'tokenizer.json');
fs.writeFileSync(tokenizerPath, JSON.stringify(tokenizerJson));

// --- encode with both -------------------------------------------------------------------------
const lines = makeLines();
const expected = lines.map(({ text }) => reference.encode(text, { bos: false, eos: false }));
const started = process.hrtime.bigint();
const run = spawnSync(trainer, ['tokenize', '--tokenizer', tokenizerPath, '--json'], {
    input: lines.map(({ text }) => JSON.stringify(text)).join('\n') + '\n',
    maxBuffer: 1 << 30,
    encoding: 'utf8',
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (run.error || run.status !== 0) {
    console.error(`corral-train tokenize failed (${run.error ?? 'exit ' + run.status}):\n${run.stderr}`);
    process.exit(1);
}
const got = run.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
if (got.length !== lines.length) {
    console.error(`corral-train tokenize wrote ${got.length} lines for ${lines.length}:\n${run.stderr}`);
    process.exit(1);
}

// --- compare ----------------------------------------------------------------------------------
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const mismatches = [];
let expectedTokens = 0;
let matchingTokens = 0;
const byKind = {};
lines.forEach(({ kind, text }, i) => {
    const ok = same(expected[i], got[i]);
    expectedTokens += expected[i].length;
    if (ok)
        matchingTokens += expected[i].length;
    else
        mismatches.push(i);
    byKind[kind] ??= { lines: 0, ok: 0 };
    byKind[kind].lines += 1;
    byKind[kind].ok += ok ? 1 : 0;
});
const bytes = lines.reduce((n, { text }) => n + Buffer.byteLength(text, 'utf8'), 0);
const matched = lines.length - mismatches.length;
console.log(`llama3-tokenizer-js ${packageJson.version} on Node.js ${process.version} (Unicode ${process.versions.unicode})`);
console.log(Object.entries(byKind).map(([k, v]) => `${k} ${v.ok}/${v.lines}`).join(', '));
console.log(`${matched}/${lines.length} lines match (${(100 * matched / lines.length).toFixed(2)}%), `
    + `${matchingTokens}/${expectedTokens} tokens in matching lines; ${bytes} bytes of text, `
    + `corral-train tokenize took ${seconds.toFixed(2)} s including loading tokenizer.json`);
for (const i of mismatches.slice(0, 5)) {
    const first = expected[i].findIndex((id, k) => id !== got[i][k]);
    console.log(`\nline ${i + 1} (${lines[i].kind}) differs at token ${first < 0 ? expected[i].length : first}: ${JSON.stringify(lines[i].text)}`);
    console.log(`  llama3-tokenizer-js: ${JSON.stringify(expected[i])}`);
    console.log(`  corral:              ${JSON.stringify(got[i])}`);
}
process.exit(mismatches.length === 0 ? 0 : 1);
