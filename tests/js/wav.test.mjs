// WAV reading (in the WASM module) and writing (JavaScript), and resampling
// through the module: round trips against the quantisation formula, the
// writer's bytes against the format, every corruption with its message,
// every truncation, seeded mutations, the arena left as it was, and a sine
// resampled against the analytic one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTools, readWav, readWavInfo, writeWav, WavError, resampledLength } from '../../js/node.js';
import { resample } from '../../js/resample.js';
import { mulberry32, SEED } from './helpers.mjs';

const exports = await loadTools();
const FORMATS = ['pcm16', 'pcm24', 'pcm32', 'float32'];

/** A signal with full scale, beyond it, NaN and zeros in it. */
function signal(channels, frames, seed) {
  const random = mulberry32(seed);
  const special = [1, -1, 1.5, -1.5, NaN, 0, -0, 2 ** -30, 0.999999];
  return Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames },
    (_, i) => (i < special.length ? special[(i + c) % special.length] : random() * 2 - 1)));
}

/** What a file of `format` stores for x, read back as float: the formula of js/wav.js's documentation. */
function quantised(x, format) {
  if (format === 'float32') return x;
  const scale = 2 ** (Number(format.slice(3)) - 1);
  if (Number.isNaN(x)) return 0;
  return Math.fround(Math.min(scale - 1, Math.max(-scale, Math.round(x * scale))) / scale);
}

test('round trip: every format x 1..8 channels x odd rates, exact to the quantisation formula', () => {
  const rates = [1, 7919, 11025, 44100, 96001, 768000];
  let cases = 0;
  for (const format of FORMATS) {
    for (let channels = 1; channels <= 8; channels++) {
      const rate = rates[(channels + cases) % rates.length];
      const input = signal(channels, 257 + channels, cases);
      const wav = readWav(writeWav(input, { sampleRate: rate, format }), exports);
      assert.equal(wav.sampleRate, rate);
      assert.equal(wav.channelCount, channels);
      assert.equal(wav.format, format);
      assert.equal(wav.extensible, channels > 2);
      for (let c = 0; c < channels; c++) {
        for (let i = 0; i < input[c].length; i++) {
          const want = quantised(input[c][i], format);
          if (!Object.is(wav.channels[c][i], want) && !(want === 0 && wav.channels[c][i] === 0)) {
            assert.fail(`${format} ${channels} ch, channel ${c} frame ${i}: ${wav.channels[c][i]} for ${input[c][i]}, want ${want}`);
          }
        }
      }
      cases++;
    }
  }
  assert.equal(exports.wamix_arena_used(), 0, 'the scratch buffers are returned');
});

test('the writer writes the format: a stereo pcm16 file byte by byte', () => {
  const bytes = writeWav([Float32Array.of(0.5, -1), Float32Array.of(-0.5, 1)], { sampleRate: 44100, format: 'pcm16' });
  const expected = [
    ...'RIFF'.split('').map((c) => c.charCodeAt(0)), 44, 0, 0, 0, ...'WAVEfmt '.split('').map((c) => c.charCodeAt(0)),
    16, 0, 0, 0, 1, 0, 2, 0, 0x44, 0xac, 0, 0, 0x10, 0xb1, 2, 0, 4, 0, 16, 0,
    ...'data'.split('').map((c) => c.charCodeAt(0)), 8, 0, 0, 0,
    0x00, 0x40, 0x00, 0xc0, 0x00, 0x80, 0xff, 0x7f, // 16384, -16384; -32768, 32767 (1.0 clipped)
  ];
  assert.deepEqual([...bytes], expected);
  const float = writeWav([Float32Array.of(0.25)], { sampleRate: 8000, format: 'float32' });
  assert.equal(new DataView(float.buffer).getUint16(20, true), 3, 'float: format tag 3');
  assert.ok(new TextDecoder().decode(float).includes('fact'), 'float: with a fact chunk');
  assert.throws(() => writeWav([new Float32Array(1)], { sampleRate: 48000, format: 'pcm12' }), RangeError);
  assert.throws(() => writeWav(Array.from({ length: 9 }, () => new Float32Array(1)), { sampleRate: 48000 }), RangeError);
});

/** A file built byte by byte: RIFF header, then chunks [id, bytes]. */
function riff(chunks, { form = 'WAVE' } = {}) {
  const parts = [];
  for (const [id, body, declared = body.length] of chunks) {
    const head = new Uint8Array(8);
    head.set([...id].map((c) => c.charCodeAt(0)));
    new DataView(head.buffer).setUint32(4, declared, true);
    parts.push(head, body, body.length % 2 ? new Uint8Array(1) : new Uint8Array(0));
  }
  const size = parts.reduce((n, p) => n + p.length, 4);
  const out = new Uint8Array(8 + size);
  out.set([...'RIFF'].map((c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, size, true);
  out.set([...form].map((c) => c.charCodeAt(0)), 8);
  let at = 12;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function fmt({ tag = 1, channels = 2, rate = 48000, bits = 16, align = (channels * bits) / 8, size = 16 } = {}) {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  if (size >= 16) {
    v.setUint16(0, tag, true); v.setUint16(2, channels, true); v.setUint32(4, rate, true);
    v.setUint32(8, rate * align, true); v.setUint16(12, align, true); v.setUint16(14, bits, true);
  }
  return b;
}

test('corrupt files: each fault named with its numbers', () => {
  const data = new Uint8Array(16);
  const cases = [
    [new TextEncoder().encode('ID3\x03 not a wav file'), 'not a WAV file: it starts with 0x03334449, not "RIFF"'],
    [riff([['fmt ', fmt()], ['data', data]], { form: 'AVI ' }), 'not a WAV file: a RIFF file of type "AVI ", not "WAVE"'],
    [new TextEncoder().encode('RIFF'), 'file too short to be a WAV: 4 bytes (a header takes 12)'],
    [riff([['data', data]]), 'no "fmt " chunk'],
    [riff([['fmt ', fmt()], ['LIST', new Uint8Array(3)]]), 'no "data" chunk'],
    [riff([['fmt ', fmt({ size: 14 })], ['data', data]]), '"fmt " chunk too short: 14 bytes, its format needs at least 16'],
    [riff([['fmt ', fmt({ tag: 2, bits: 4 })], ['data', data]]), 'unsupported format tag 2 (Microsoft ADPCM)'],
    [riff([['fmt ', fmt({ tag: 0x55, bits: 0, align: 1 })], ['data', data]]), 'unsupported format tag 85 (MPEG Layer 3)'],
    [riff([['fmt ', fmt({ tag: 0xfffe, size: 40 })], ['data', data]]), 'unsupported EXTENSIBLE sub-format'],
    [riff([['fmt ', fmt({ bits: 12, align: 4 })], ['data', data]]), 'unsupported bits per sample: 12 for PCM (8, 16, 24 or 32 are read)'],
    [riff([['fmt ', fmt({ tag: 3, bits: 16 })], ['data', data]]), 'unsupported bits per sample: 16 for float (32 or 64 are read)'],
    [riff([['fmt ', fmt({ channels: 9 })], ['data', data]]), 'unsupported channel count 9: 1 to 8 are read'],
    [riff([['fmt ', fmt({ channels: 0, align: 2 })], ['data', data]]), 'unsupported channel count 0'],
    [riff([['fmt ', fmt({ rate: 0 })], ['data', data]]), 'invalid sample rate 0 Hz'],
    [riff([['fmt ', fmt({ rate: 1000000 })], ['data', data]]), 'invalid sample rate 1000000 Hz'],
    [riff([['fmt ', fmt({ align: 3 })], ['data', data]]), 'block align mismatch: the file declares 3 bytes per frame, its channels and bits take 4'],
    [riff([['fmt ', fmt()], ['data', data, 4000]]), 'data chunk truncated: declares 4000 bytes, the file has 16'],
    [riff([['fmt ', fmt()], ['data', data, 0xffffffff]]), 'data chunk truncated: declares 4294967295 bytes, the file has 16'],
    [riff([['LIST', new Uint8Array(10), 0xfffffff0], ['fmt ', fmt()]]), '"LIST" chunk truncated: declares 4294967280 bytes, the file has'],
    [riff([['fmt ', fmt()], ['data', new Uint8Array(6)]]), 'data chunk of 6 bytes is not a whole number of 4-byte frames'],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => readWav(bytes, exports, 'bad.wav'), (e) => {
      assert.ok(e instanceof WavError, `${message}: ${e}`);
      assert.ok(e.message.startsWith(`bad.wav: ${message}`), `got "${e.message}", expected "${message}"`);
      return true;
    });
  }
  const rifx = riff([['fmt ', fmt()], ['data', data]]);
  rifx[3] = 'X'.charCodeAt(0);
  assert.throws(() => readWav(rifx, exports), /big-endian RIFX files are not supported/);
  assert.equal(exports.wamix_arena_used(), 0, 'no scratch buffer left behind by an error');
});

test('files the reader takes: chunks around, data before fmt, a header over many windows', () => {
  const samples = new Uint8Array(8);
  new DataView(samples.buffer).setInt16(0, 16384, true);
  new DataView(samples.buffer).setInt16(6, -32768, true);
  const junk = new Uint8Array(200001); // odd: a pad byte follows; spans several 64 KiB windows
  const file = riff([['data', samples], ['junk', junk], ['fmt ', fmt({ channels: 1, rate: 22050 })], ['cue ', new Uint8Array(4)]]);
  const wav = readWav(file, exports);
  assert.deepEqual([...wav.channels[0]], [0.5, 0, 0, -1]);
  assert.equal(readWavInfo(file, exports).frames, 4);
});

test('every truncation of a file, and 3,000 mutations: a WavError or a file, never anything else', () => {
  const good = writeWav(signal(3, 40, 1), { sampleRate: 44100, format: 'pcm24' });
  for (let n = 0; n < good.length; n++) assert.throws(() => readWav(good.subarray(0, n), exports), WavError, `${n} bytes`);
  const random = mulberry32(SEED);
  let valid = 0;
  for (let round = 0; round < 3000; round++) {
    const bytes = good.slice(0, random() < 0.2 ? Math.floor(random() * good.length) : good.length);
    for (let e = 0; e < 1 + random() * 4; e++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    try {
      const wav = readWav(bytes, exports);
      valid++;
      assert.ok(wav.channels.every((c) => c.length === wav.frames));
    } catch (error) {
      if (!(error instanceof WavError)) assert.fail(`round ${round} (SEED=${SEED}): ${error.stack}`);
    }
  }
  assert.equal(exports.wamix_arena_used(), 0);
  console.log(`wav: ${good.length} truncations rejected; 3000 mutations, ${valid} still valid (SEED=${SEED})`);
});

test('resampling: a 1 kHz sine at 44.1 kHz comes out at 48 kHz as the analytic sine', () => {
  const n = 44100;
  const sine = (rate, phase) => Float32Array.from({ length: Math.ceil((n * rate) / 44100) }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / rate + phase));
  const input = [sine(44100, 0), sine(44100, 1), sine(44100, 2)];
  const output = resample(exports, input, 44100, 48000);
  assert.equal(output.length, 3);
  assert.equal(output[0].length, resampledLength(n, 44100, 48000));
  assert.equal(output[0].length, 48000);
  for (let c = 0; c < 3; c++) {
    const want = sine(48000, c);
    let error = 0;
    for (let i = 200; i < 48000 - 200; i++) error = Math.max(error, Math.abs(output[c][i] - want[i]));
    assert.ok(error < 1e-4, `channel ${c}: ${error}`);
  }
  assert.equal(resample(exports, input, 44100, 44100), input, 'equal rates: the input itself');
  assert.equal(resample(exports, [new Float32Array(1000)], 96000, 8000)[0].length, 84);
  assert.throws(() => resample(exports, input, 500, 48000), /rates must be whole numbers from 1000/);
  assert.throws(() => resample(exports, input, 768000, 8000), /more than 64 times down/);
  assert.equal(exports.wamix_arena_used(), 0);
});
