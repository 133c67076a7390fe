// The reference test's text: several thousand lines of every kind a tokenizer meets, drawn
// from a seeded generator, so every run (and every Node.js version) tests the same lines.
// Random characters come from blocks assigned long before Unicode 15, whose classes are the
// same in every Node.js the test may run on.

// mulberry32: small, fast, and the same on every platform.
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const WORDS = `the a of and to in is was for on that with as by at from it this be are or an have had not but
what all were when we there can which their said if will each about how up out them then she many some so these
would other into has more her two like him see time could no make than first been its who now people my made over
did down only way find use may water long little very after words called just where most know ranch cattle horse
fence river morning evening rider saddle barn winter summer herd trail dust rain Monday Tuesday London Paris Texas
Alice Bob Corral LLaMA tokenizer gradient learning rate checkpoint adapter cluster GPU NVIDIA PyTorch JSON`.split(/\s+/);
const CONTRACTIONS = ["don't", "I'm", "I'M", "you're", "YOU'RE", "we've", "WE'VE", "they'll", "THEY'LL", "she'd",
    "SHE'D", "it's", "IT'S", "can't", "won't", "'tis", "rock'n'roll", "O'Neil", "y'all", "Ma'am", "We'Re", "i'Ll",
    "it'S", "'s", "''s", "'re'", "don’t", "it’s"];
const PUNCT = ['.', ',', '!', '?', ';', ':', '...', '!!!', '?!', '—', '–', '-', '(', ')', '[', ']', '{', '}', '"', "'",
    '«', '»', '“', '”', '‘', '’', '/', '\\', '@', '#', '$', '%', '^', '&', '*', '+', '=', '<', '>', '|', '~', '`', '_',
    '·', '•', '…', '¿', '¡', '§', '¶', '†', '€', '£', '¥', '©', '®', '™', '°', '±', '×', '÷', '→', '⇒', '∀', '∑'];
const CODE = [
    'int main(int argc, char **argv) {\n    return 0;\n}',
    'for (size_t i = 0; i < n; ++i) {\n\tsum += a[i] * b[i];\n}',
    'def tokenize(text: str) -> list[int]:\n    """Split text."""\n    return [ord(c) for c in text]\n',
    'const x = await fetch(`https://example.com/api?q=${encodeURIComponent(q)}&n=10`);',
    '{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}}, "merges": [["a", "b"]]}',
    'SELECT id, name FROM runs WHERE state = \'RUNNING\' ORDER BY submitted_at DESC LIMIT 20;',
    '#!/usr/bin/env bash\nset -euo pipefail\nfor f in *.jsonl; do wc -l "$f"; done',
    'if x != nil && len(x.Items) > 0 {\n\t\treturn x.Items[0], nil\n\t}',
    '<div class="row"><span id=\'a1\'>&nbsp;&lt;tag&gt;</span></div>',
    'std::vector<std::pair<int, std::string>> v{{1, "one"}, {2, "two"}};',
    'x = torch.randn(8, 128, 4096, dtype=torch.bfloat16)  # [B, T, C]',
    'fn main() { let v: Vec<u8> = (0..=255).collect(); println!("{:?}", &v[..4]); }',
    '    \n        \n\t\t\n',
    '/* comment */ // another\n#include <iostream>\n#define MAX(a, b) ((a) > (b) ? (a) : (b))',
    'a+=1;b-=2;c*=3;d/=4;e%=5;f**=6;g//=7;h<<=1;i>>=2;j&=k|l^m;',
];
const CJK = ['我们今天去公园散步，天气非常好。', '机器学习模型需要大量的训练数据。', '東京は日本の首都です。', 'ひらがなとカタカナ、そして漢字。',
    'トークナイザーのテストを書きました！', '한국어 문장도 토큰화해야 합니다.', '안녕하세요, 세계!', '中文、日本語、한국어：混合テキスト。',
    '「引用」と『二重引用』', '全角ＡＢＣ１２３！？', '龍鳳麒麟', '繁體中文與简体中文', '第１章　はじめに'];
const ACCENTED = ['café', 'naïve', 'Zürich', 'São Paulo', 'Ångström', 'façade', 'crème brûlée', 'Dvořák', 'Łódź',
    'Tiếng Việt có dấu', 'Ελληνικά γράμματα', 'Привет, как дела?', 'Ärger über Öl', 'smörgåsbord', 'İstanbul ıi',
    'e\u0301te\u0301', 'n\u0303o', 'a\u030a', 'Z\u0351\u0353a\u0300l\u0352g\u0316o\u035c', 'עברית ושלום', 'العربية جميلة',
    'हिन्दी भाषा', 'ภาษาไทย', 'ქართული', 'Հայերեն', 'ß ẞ ŉ ǅ ǈ', 'ﬁ ﬂ ﬃ', 'Ⅻ Ⅳ ⅷ', 'x² y³ ½ ¾ ⁴'];
const EMOJI = ['😀', '🦙', '🤖', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🧑🏿‍💻', '❤️', '🇫🇷', '🇯🇵🇺🇸', '1️⃣', '#️⃣', '☕', '✨', '🔥🔥🔥',
    '👩‍❤️‍💋‍👨', '🐕‍🦺', '⚠️', '©️', '🫠', '🪿'];
const SPACES = [' ', '  ', '   ', '\t', '\t\t', ' \t ', '\n', '\n\n', '\r\n', '\r', '\n\n\n', ' \n', '\n ', '  \n  ',
    '\u00a0', '\u3000', '\u2003', '\u2009', '\u202f', '\u200b', '\ufeff', '\u0085', '\u2028', '\u000b', '\u000c',
    '\u001c', '\u180e', ' \u00a0 '];
const SPECIAL = ['<|begin_of_text|>', '<|end_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>',
    '<|eom_id|>', '<|python_tag|>', '<|finetune_right_pad_id|>', '<|reserved_special_token_0|>',
    '<|reserved_special_token_247|>', '<|reserved_special_token_248|>', '<|eot_id|', '<|EOT_ID|>', '<eot_id>', '<||>'];
// [first, last] code-point blocks for random characters (assigned by Unicode 6 or earlier, unassigned
// holes included: they are stable too), and private use, which never changes.
const BLOCKS = [[0x20, 0x7e], [0xa0, 0x24f], [0x250, 0x2ff], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff],
    [0x530, 0x58f], [0x590, 0x5ff], [0x600, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f], [0x10a0, 0x10ff], [0x1100, 0x11ff],
    [0x2000, 0x206f], [0x2070, 0x209f], [0x20a0, 0x20b5], [0x2100, 0x218f], [0x2190, 0x21ff], [0x2200, 0x22ff],
    [0x2460, 0x24ff], [0x2500, 0x257f], [0x3000, 0x303f], [0x3040, 0x309f], [0x30a0, 0x30ff], [0x4e00, 0x9fa5],
    [0xac00, 0xd7a3], [0xe000, 0xe0ff], [0xff00, 0xffef], [0x1d400, 0x1d7ff], [0x1f300, 0x1f5ff], [0x1f600, 0x1f64f],
    [0x0, 0x1f]];

export function makeLines(seed = 20251125) {
    const random = rng(seed);
    const int = (n) => Math.floor(random() * n);
    const pick = (list) => list[int(list.length)];
    const repeat = (n, f) => Array.from({ length: n }, f).join('');
    const number = () => {
        switch (int(8)) {
        case 0: return String(int(10));
        case 1: return String(int(1e6));
        case 2: return repeat(1 + int(25), () => String(int(10)));
        case 3: return (random() * 1000).toFixed(1 + int(6));
        case 4: return String(int(1e9)).replace(/\B(?=(\d{3})+$)/g, ',');  // 1,234,567
        case 5: return `${1900 + int(200)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`;
        case 6: return pick(['٣٤٥', '१२३४', '１２３４５', '½', '²³', 'Ⅻ', '⑦', '𝟘𝟙𝟚𝟛', '1e-5', '-42', '3.14159', '0x1F600', '100%']);
        default: return `+${int(100)} ${int(1000)} ${int(10000)}`;
        }
    };
    const word = () => {
        const w = pick(WORDS);
        const r = random();
        return r < 0.1 ? w.toUpperCase() : r < 0.25 ? w[0].toUpperCase() + w.slice(1) : w;
    };
    const sentence = () => {
        const parts = [];
        for (let i = 0, n = 3 + int(15); i < n; ++i) {
            const r = random();
            parts.push(r < 0.08 ? pick(CONTRACTIONS) : r < 0.12 ? number() : word());
            if (random() < 0.1)
                parts[parts.length - 1] += pick(PUNCT);
        }
        return parts.join(' ') + pick(['.', '!', '?', '...', '.”', '."', ':']);
    };
    const randomChars = (n) => repeat(n, () => {
        const [first, last] = pick(BLOCKS);
        return String.fromCodePoint(first + int(last - first + 1));
    });
    const chatTurn = () => `<|start_header_id|>${pick(['system', 'user', 'assistant'])}<|end_header_id|>\n\n${sentence()}<|eot_id|>`;

    const kinds = {
        prose: () => repeat(1 + int(4), () => sentence() + ' ').trimEnd(),
        contractions: () => repeat(2 + int(6), () => pick(CONTRACTIONS) + pick([' ', '', ', ', '\n'])),
        code: () => pick(CODE) + (random() < 0.5 ? '\n' + pick(CODE) : ''),
        numbers: () => repeat(1 + int(6), () => number() + pick([' ', ', ', '', 'x', ' + ', '\n', '.'])),
        whitespace: () => repeat(1 + int(6), () => pick(SPACES).repeat(1 + int(4)) + pick([word(), pick(PUNCT), number(), '']))
            + (random() < 0.5 ? pick(SPACES) : ''),
        punctuation: () => repeat(1 + int(5), () => pick(PUNCT).repeat(1 + int(5)) + pick(['', ' ', '\n', word()])),
        emoji: () => repeat(1 + int(6), () => pick(EMOJI) + pick(['', ' ', word(), '\u200d', '\ufe0f'])),
        cjk: () => repeat(1 + int(3), () => pick(CJK) + pick(['', ' ', '\n', word()])),
        accented: () => repeat(1 + int(4), () => pick(ACCENTED) + pick([' ', ', ', '', '\u0301', '\u0308'])),
        special: () => random() < 0.5 ? repeat(1 + int(3), chatTurn) : repeat(1 + int(4), () => pick(SPECIAL) + pick(['', ' ', word(), '\n'])),
        unicode: () => randomChars(1 + int(40)),
        mixed: () => repeat(2 + int(6), () => pick([sentence, () => pick(CODE), number, () => pick(EMOJI), () => pick(CJK),
            () => pick(ACCENTED), () => pick(SPACES), () => pick(SPECIAL), () => randomChars(1 + int(5))])()),
    };
    const counts = { prose: 800, contractions: 300, code: 500, numbers: 500, whitespace: 500, punctuation: 300,
        emoji: 400, cjk: 400, accented: 400, special: 300, unicode: 600, mixed: 600 };
    const lines = [];
    for (const [kind, count] of Object.entries(counts)) {
        for (let i = 0; i < count; ++i)
            lines.push({ kind, text: kinds[kind]() });
    }
    // Edges: nothing, lone characters, and long runs that must not be cut anywhere odd.
    for (const text of ['', ' ', '\n', "'", "'s", '0', '1234567', 'a', '<|eot_id|>', ' '.repeat(5000) + 'x',
        '\n'.repeat(300), '='.repeat(2000), '9'.repeat(3001), 'ab'.repeat(3000), '\t \n'.repeat(500), '🦙'.repeat(700)])
        lines.push({ kind: 'edge', text });
    return lines;
}
