// Reference token ids from Hugging Face's own tokenizer implementation (the npm package `tokenizers`).
//
// Run by hand, never in CI:
//
//     cd tests/Gatekeeper.Torch.Tests/Reference && npm install && node reference_tokenizers.mjs
//
// For each real tokenizer format it trains a small BPE vocabulary on a generated corpus and writes it
// in that format's own pipeline (the normalizer, pre-tokenizer, model options, post-processor, decoder
// and added tokens the real checkpoints ship), under Reference/Tokenizers/<format>/, with golden.json:
// the ids Hugging Face's implementation gives for awkward strings, with and without special tokens,
// and their decoding. The tests compare Gatekeeper's tokenizer with these.
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';
import tk from 'tokenizers';
import { TEMPLATES } from './chat_templates.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'Tokenizers');

const LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// Strings worth getting right: unicode, emoji and joiners, whitespace runs, digits, contractions,
// supplementary-plane letters, special tokens written inside text.
const STRINGS = [
  'Hello world', 'The capital of France is Paris.', '  two leading spaces', 'trailing spaces   ', 'tabs\tand\nnew\r\nlines\n\n\n',
  'naïve café déjà vu', 'Größe Straße', '日本語のテキストです', 'emoji 🎉👍🏽 and a family 👨‍👩‍👧 here', 'digits 1234567 and 3.14159, 2026-12-01',
  "contractions don't I'm you'll THEY'RE", 'math letters 𝐀𝐁𝐂 and 𝟙𝟚', 'combining e\u0301 vs é, Å vs A\u030a', '\u00a0non-breaking\u00a0spaces',
  'special <|endoftext|> inside text', '<s>[INST] literal markers [/INST]</s>', '<|im_start|>user\nhi<|im_end|>', 'code: def f(x):\n    return x**2  # square',
  'JSON {"a": [1, 2, 3], "b": null}', 'a', ' ', '', '🙂', 'x'.repeat(40), 'mixed\u3000ideographic space', 'zero\u200bwidth',
];

// Random strings from a pool of awkward pieces, seeded, so the goldens cover far more than the list above.
function randomStrings(count) {
  const pool = ['a', 'Z', 'é', 'e\u0301', 'ß', 'ñ', '日', '語', 'テ', '🎉', '👍🏽', '👨\u200d👩\u200d👧', '𝐀', '𝟙', '\u00a0', '\u3000', '\u200b',
    ' ', '  ', '   ', '\t', '\n', '\r\n', '0', '7', '42', '2026', '3.14', "'s", "'LL", "n't", '.', ',', '!', '?', '-', '_', '"', '(', ')', '{', '}',
    '#', '$', '%', '<|endoftext|>', '<|im_start|>', '<|eot_id|>', '<s>', '</s>', 'the', 'quick', 'Hello', 'world', 'café', 'über', 'x**2', 'def', '\u0000'];
  let seed = 99;
  const next = () => Math.floor((seed = (seed * 1103515245 + 12345) % 2147483648) / 65536);
  const strings = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + (next() % 14);
    let text = '';
    for (let j = 0; j < n; j++) text += pool[next() % pool.length];
    strings.push(text);
  }
  return strings;
}

function corpus() {
  const words = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'capital', 'France', 'Paris', 'answer', 'question', 'hello',
    'world', 'model', 'forgetting', 'refuse', 'harmful', 'request', 'café', 'naïve', 'Straße', 'テキスト', '日本', '語', 'résumé', 'über',
    "don't", "I'm", "you'll", 'return', 'def', 'print', 'x**2', '🎉', '👍', 'emoji', 'JSON', 'null', 'true', 'false', 'user', 'assistant'];
  const lines = [];
  let seed = 7;
  const next = () => Math.floor((seed = (seed * 1103515245 + 12345) % 2147483648) / 65536);
  for (let i = 0; i < 4000; i++) {
    const n = 3 + (next() % 12);
    const parts = [];
    for (let j = 0; j < n; j++) parts.push(words[next() % words.length]);
    if (i % 5 === 0) parts.push(String(next() % 100000));
    if (i % 7 === 0) parts.push('  ' + words[next() % words.length]);
    if (i % 2 === 0) parts[0] = parts[0][0].toUpperCase() + parts[0].slice(1);
    lines.push(parts.join(i % 11 === 0 ? '\t' : ' ') + (i % 3 === 0 ? '.' : ''));
  }
  const file = path.join(out, 'corpus.tmp.txt');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

// Trains with the format's own pre-tokenizer, given as tokenizer.json describes it.
function train(preTokenizer, file) {
  const t = tk.Tokenizer.fromString(JSON.stringify(tokenizerJson([], null, preTokenizer, null, null, bpe({}, [], {}))));
  t.train([file]);
  const tmp = path.join(out, 'trained.tmp.json');
  t.save(tmp, false);
  const json = JSON.parse(fs.readFileSync(tmp, 'utf8'));
  fs.unlinkSync(tmp);
  return json.model;
}

function byteLevelVocab(model, extra) {
  const vocab = {};
  let id = 0;
  for (const token of Object.keys(model.vocab).sort((a, b) => model.vocab[a] - model.vocab[b])) vocab[token] = id++;
  for (const c of tk.byteLevelAlphabet()) if (!(c in vocab)) vocab[c] = id++;
  const added = extra.map((content) => ({ id: id++, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  return { vocab, added };
}

function bpe(vocab, merges, options) {
  return { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: false, byte_fallback: false, ignore_merges: false, ...options, vocab, merges };
}

const byteLevel = (addPrefixSpace, useRegex, trimOffsets = true) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: useRegex });
const split = (pattern) => ({ type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false });
const template = (token, id) => ({
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: token, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
  pair: [{ SpecialToken: { id: token, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: token, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
  special_tokens: { [token]: { id: token, ids: [id], tokens: [token] } },
});

function tokenizerJson(added, normalizer, preTokenizer, postProcessor, decoder, model) {
  return { version: '1.0', truncation: null, padding: null, added_tokens: added, normalizer, pre_tokenizer: preTokenizer, post_processor: postProcessor, decoder, model };
}

function byteLevelFormats(file) {
  const formats = {};
  {
    const model = train(byteLevel(false, true), file);
    const { vocab, added } = byteLevelVocab(model, ['<|endoftext|>']);
    // GPT-2's own files list merges as "a b" strings.
    const merges = model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
    formats.gpt2 = {
      json: tokenizerJson(added, null, byteLevel(false, true), byteLevel(true, false), byteLevel(true, true), bpe(vocab, merges, {})),
      config: { bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', add_bos_token: false, model_max_length: 1024 },
      // GPT-2's vocab.json holds <|endoftext|> too.
      legacy: { vocab: { ...vocab, ...Object.fromEntries(added.map((t) => [t.content, t.id])) }, merges },
    };
  }
  {
    const model = train({ type: 'Sequence', pretokenizers: [split(LLAMA3_PATTERN), byteLevel(false, false)] }, file);
    const specials = ['<|begin_of_text|>', '<|end_of_text|>', '<|reserved_special_token_0|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'];
    const { vocab, added } = byteLevelVocab(model, specials);
    const bos = added[0].id;
    formats.llama3 = {
      json: tokenizerJson(added, null, { type: 'Sequence', pretokenizers: [split(LLAMA3_PATTERN), byteLevel(false, false)] },
        { type: 'Sequence', processors: [byteLevel(true, false), template('<|begin_of_text|>', bos)] }, byteLevel(true, true),
        bpe(vocab, model.merges, { ignore_merges: true })),
      config: { bos_token: '<|begin_of_text|>', eos_token: '<|eot_id|>', model_max_length: 131072, chat_template: TEMPLATES.llama3.template },
      generation: { bos_token_id: bos, eos_token_id: [added[1].id, added[5].id] },
    };
  }
  {
    const model = train({ type: 'Sequence', pretokenizers: [split(QWEN2_PATTERN), byteLevel(false, false, false)] }, file);
    const { vocab, added } = byteLevelVocab(model, ['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
    formats.qwen2 = {
      json: tokenizerJson(added, { type: 'NFC' }, { type: 'Sequence', pretokenizers: [split(QWEN2_PATTERN), byteLevel(false, false, false)] },
        byteLevel(false, false, false), byteLevel(false, false, false), bpe(vocab, model.merges, {})),
      config: { bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>', model_max_length: 32768, chat_template: TEMPLATES.qwen2.template },
    };
  }
  {
    const model = train({ type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(false, true)] }, file);
    const { vocab, added } = byteLevelVocab(model, ['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
    formats.smollm = {
      json: tokenizerJson(added, null, { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(false, true)] },
        byteLevel(true, false), byteLevel(true, true), bpe(vocab, model.merges, {})),
      config: { bos_token: '<|im_start|>', eos_token: '<|im_end|>', pad_token: '<|im_end|>', model_max_length: 2048, chat_template: TEMPLATES.smollm2.template },
    };
  }
  return formats;
}

function sentencePieceFormats(file) {
  // Llama 2 and TinyLlama: BPE over "▁"-joined text, with byte fallback; ids 3-258 are the bytes.
  const model = train({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }, file);
  const vocab = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  let id = 3;
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = id++;
  for (const token of Object.keys(model.vocab).sort((a, b) => model.vocab[a] - model.vocab[b])) if (!(token in vocab)) vocab[token] = id++;
  const added = ['<unk>', '<s>', '</s>'].map((content, i) => ({ id: i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const options = { unk_token: '<unk>', fuse_unk: true, byte_fallback: true };
  const decoders = { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] };
  const config = { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', add_bos_token: true, add_eos_token: false, model_max_length: 4096, chat_template: TEMPLATES.llama2.template };
  return {
    llama2: {
      json: tokenizerJson(added, { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
        null, template('<s>', 1), decoders, bpe(vocab, model.merges, options)),
      config,
      generation: { bos_token_id: 1, eos_token_id: 2 },
    },
    // The same vocabulary as newer converters write it: a Metaspace pre-tokenizer instead of the normalizers.
    'llama2-metaspace': {
      json: tokenizerJson(added, null, { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false }, template('<s>', 1),
        decoders, bpe(vocab, model.merges, options)),
      config: { ...config, chat_template: TEMPLATES.zephyr.template },
    },
  };
}

async function golden(name, format) {
  const folder = path.join(out, name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(format.json));
  fs.writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify(format.config, null, 2));
  if (format.generation) fs.writeFileSync(path.join(folder, 'generation_config.json'), JSON.stringify(format.generation, null, 2));
  const tokenizer = tk.Tokenizer.fromFile(path.join(folder, 'tokenizer.json'));
  const cases = [];
  for (const text of [...STRINGS, ...randomStrings(300)]) {
    const plain = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const special = await tokenizer.encode(text, null, { addSpecialTokens: true });
    const decoded = await tokenizer.decode(plain.getIds(), true);
    const named = cases.length < STRINGS.length;
    cases.push({ text, ids: plain.getIds(), ...(named ? { tokens: plain.getTokens() } : {}), ids_with_special: special.getIds(), decoded });
  }
  fs.writeFileSync(path.join(folder, 'golden.json'), JSON.stringify({ format: name, reference: 'tokenizers (npm) 0.23.2', cases }));
  if (format.legacy) {
    const legacy = path.join(out, `${name}-vocab-merges`);
    fs.rmSync(legacy, { recursive: true, force: true });
    fs.mkdirSync(legacy, { recursive: true });
    fs.writeFileSync(path.join(legacy, 'vocab.json'), JSON.stringify(format.legacy.vocab));
    fs.writeFileSync(path.join(legacy, 'merges.txt'), '#version: 0.2\n' + format.legacy.merges.join('\n') + '\n');
    fs.writeFileSync(path.join(legacy, 'tokenizer_config.json'), JSON.stringify(format.config, null, 2));
    fs.copyFileSync(path.join(folder, 'golden.json'), path.join(legacy, 'golden.json'));
  }
  const vocabSize = tokenizer.getVocabSize(true);
  console.log(`${name}: ${vocabSize} tokens, ${cases.reduce((n, c) => n + c.ids.length, 0)} ids over ${cases.length} strings`);
}

fs.mkdirSync(out, { recursive: true });
const file = corpus();
const formats = { ...byteLevelFormats(file), ...sentencePieceFormats(file) };
fs.unlinkSync(file);
for (const [name, format] of Object.entries(formats)) await golden(name, format);
