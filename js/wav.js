/**
 * WAV files: the reader runs in the WASM module (dsp/wm_wav.c, the same
 * code the fuzz target exercises), the writer is plain JavaScript.
 *
 * Reading: PCM 8 (unsigned), 16, 24, 32-bit and IEEE float 32, 64-bit,
 * plain or WAVE_FORMAT_EXTENSIBLE, 1 to 8 channels, 1 to 768000 Hz. The
 * bytes go through the module in windows of 64 KiB, so only the samples
 * (as Float32Array) are ever held in full. A file that is not a WAV the
 * reader takes, is cut short or contradicts itself throws a WavError whose
 * message names the fault and its numbers.
 *
 * Writing: 'pcm16', 'pcm24', 'pcm32' or 'float32'. Integers are rounded to
 * the nearest step (ties upward), without dither; samples beyond full scale
 * are clipped to the largest and smallest codes, NaN is written as 0.
 * Floats are written as they are. Files of more than 2 channels use
 * WAVE_FORMAT_EXTENSIBLE with the usual speaker mask for their count.
 * @module
 */
import { check } from './wamix-core.js';

const INFO_BYTES = 64; // wm_wav_info: 16 uint32 (dsp/wm_wav.h)
const WINDOW = 65536; // bytes of the file in the module at a time
const MORE = 1;
const I = Object.freeze({ FORMAT: 0, CHANNELS: 1, RATE: 2, BITS: 3, ALIGN: 4, TAG: 5, DATA_OFFSET: 6,
  DATA_BYTES: 7, FRAMES: 8, NEXT: 10, DETAIL: 12 });

/** The formats writeWav takes, with their bits and format tag. */
export const WAV_FORMATS = Object.freeze({
  pcm16: { bits: 16, tag: 1 }, pcm24: { bits: 24, tag: 1 }, pcm32: { bits: 32, tag: 1 }, float32: { bits: 32, tag: 3 },
});

/** A file the reader does not take; `code` is the WM_WAV_ERR_* code. */
export class WavError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'WavError';
    this.code = code;
  }
}

/**
 * Runs fn(address) with a scratch buffer of `bytes` in the module's
 * arena, and releases it afterwards, whatever happens.
 */
export function withScratch(exports, bytes, fn) {
  const handle = check(exports, exports.wamix_buffer_create(bytes));
  try {
    return fn(exports.wamix_buffer_data(handle));
  } finally {
    exports.wamix_tool_destroy(handle);
  }
}

const fourcc = (v) => {
  const s = String.fromCharCode(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24);
  return /^[\x20-\x7e]{4}$/.test(s) ? `"${s}"` : `0x${v.toString(16).padStart(8, '0')}`;
};
const TAG_NAMES = { 2: 'Microsoft ADPCM', 6: 'A-law', 7: 'µ-law', 17: 'IMA ADPCM', 85: 'MPEG Layer 3', 0xfffe: 'EXTENSIBLE' };

/** The message for a WM_WAV_ERR_* code and its details [a, b, c]. */
function explain(code, [a, b, c]) {
  switch (code) {
    case -100:
      if (a === 0x58464952) return 'big-endian RIFX files are not supported';
      if (a === 0x34364652) return 'RF64 (WAV over 4 GiB) is not supported';
      return `not a WAV file: it starts with ${fourcc(a)}, not "RIFF"`;
    case -101: return `not a WAV file: a RIFF file of type ${fourcc(a)}, not "WAVE"`;
    case -102: return `file too short to be a WAV: ${a} bytes (a header takes 12)`;
    case -103: return 'no "fmt " chunk: the file does not say what its samples are';
    case -104: return 'no "data" chunk: the file holds no audio';
    case -105: return `"fmt " chunk too short: ${a} bytes, its format needs at least ${b}`;
    case -106: return `unsupported format tag ${a}${TAG_NAMES[a] ? ` (${TAG_NAMES[a]})` : ''}: `
      + 'PCM (1) and IEEE float (3) are read, plain or EXTENSIBLE';
    case -107: return 'unsupported EXTENSIBLE sub-format: its GUID is neither PCM nor IEEE float';
    case -108: return `unsupported bits per sample: ${a} for ${b === 3 ? 'float (32 or 64 are read)'
      : 'PCM (8, 16, 24 or 32 are read)'}`;
    case -109: return `unsupported channel count ${a}: 1 to 8 are read`;
    case -110: return `invalid sample rate ${a} Hz: 1 to 768000 are read`;
    case -111: return `block align mismatch: the file declares ${a} bytes per frame, its channels and bits take ${b}`;
    case -112: return `${fourcc(a)} chunk truncated: declares ${b} bytes, the file has ${c}`;
    case -113: return `data chunk truncated: declares ${a} bytes, the file has ${b}`;
    case -114: return `data chunk of ${a} bytes is not a whole number of ${b}-byte frames`;
    default: return `the WAV reader failed (code ${code})`;
  }
}

const FORMAT_NAMES = { 1: { 8: 'pcm8', 16: 'pcm16', 24: 'pcm24', 32: 'pcm32' }, 3: { 32: 'float32', 64: 'float64' } };

/** Walks the header in windows; returns the info words (a copy). */
function parseHeader(exports, bytes, info, name) {
  const prefix = name ? `${name}: ` : '';
  if (bytes.length > 0xffffffff) throw new WavError(-100, `${prefix}over 4 GiB: RF64 is not supported`);
  const words = () => new Uint32Array(exports.memory.buffer, info, INFO_BYTES / 4);
  check(exports, exports.wamix_wav_begin(info, bytes.length));
  const window = info + INFO_BYTES;
  for (;;) {
    const next = words()[I.NEXT];
    const part = bytes.subarray(next, next + WINDOW);
    new Uint8Array(exports.memory.buffer, window, part.length).set(part);
    const result = exports.wamix_wav_parse(info, window, part.length);
    if (result < 0) throw new WavError(result, prefix + explain(result, words().slice(I.DETAIL, I.DETAIL + 3)));
    if (result !== MORE) return words().slice();
    if (words()[I.NEXT] === next) throw new Error(`${prefix}the WAV reader made no progress`);
  }
}

function describe(w) {
  return { sampleRate: w[I.RATE], channelCount: w[I.CHANNELS], frames: w[I.FRAMES], format: FORMAT_NAMES[w[I.FORMAT]][w[I.BITS]],
    extensible: w[I.TAG] === 0xfffe };
}

/**
 * The header of a WAV file, without its samples.
 * @param {Uint8Array} bytes the whole file
 * @param {WebAssembly.Exports} exports a module instance (js/wamix-core.js instantiate)
 * @param {string} [name] put in front of error messages
 * @returns {{sampleRate: number, channelCount: number, frames: number, format: string, extensible: boolean}}
 */
export function readWavInfo(bytes, exports, name) {
  return withScratch(exports, INFO_BYTES + WINDOW, (info) => describe(parseHeader(exports, bytes, info, name)));
}

/**
 * Decodes a WAV file into planar Float32Array channels.
 * @param {Uint8Array} bytes the whole file
 * @param {WebAssembly.Exports} exports a module instance
 * @param {string} [name] put in front of error messages
 * @returns {{sampleRate: number, channels: Float32Array[], format: string, frames: number, channelCount: number}}
 * @throws {WavError}
 */
export function readWav(bytes, exports, name) {
  // the window, then room for the floats of one window of 8-bit samples
  return withScratch(exports, INFO_BYTES + 5 * WINDOW, (info) => {
    const w = parseHeader(exports, bytes, info, name);
    const result = describe(w);
    const count = result.channelCount, align = w[I.ALIGN];
    const channels = Array.from({ length: count }, () => new Float32Array(result.frames));
    const src = info + INFO_BYTES, dst = src + WINDOW;
    const step = Math.floor(WINDOW / align);
    for (let at = 0; at < result.frames; at += step) {
      const n = Math.min(step, result.frames - at);
      const start = w[I.DATA_OFFSET] + at * align;
      new Uint8Array(exports.memory.buffer, src, n * align).set(bytes.subarray(start, start + n * align));
      if (exports.wamix_wav_convert(info, src, n, dst) !== n) throw new Error('wamix: the WAV converter refused its input');
      const floats = new Float32Array(exports.memory.buffer, dst, n * count);
      if (count === 1) channels[0].set(floats, at);
      else for (let c = 0; c < count; c++) for (let i = 0; i < n; i++) channels[c][at + i] = floats[i * count + c];
    }
    return { ...result, channels };
  });
}

const SPEAKER_MASKS = [0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f];
const SUBFORMAT_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/**
 * Encodes planar channels as a WAV file.
 * @param {Float32Array[]} channels 1 to 8 arrays of equal length
 * @param {{sampleRate: number, format?: 'pcm16'|'pcm24'|'pcm32'|'float32'}} options
 * @returns {Uint8Array}
 */
export function writeWav(channels, { sampleRate, format = 'float32' }) {
  const spec = WAV_FORMATS[format];
  if (!spec) throw new RangeError(`wamix: unknown WAV format ${JSON.stringify(format)} (${Object.keys(WAV_FORMATS).join(', ')})`);
  const count = channels.length, frames = count ? channels[0].length : 0;
  if (count < 1 || count > 8) throw new RangeError(`wamix: a WAV file takes 1 to 8 channels, not ${count}`);
  if (channels.some((c) => c.length !== frames)) throw new RangeError('wamix: the channels differ in length');
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 768000) {
    throw new RangeError(`wamix: invalid sample rate ${sampleRate} (1 to 768000 Hz)`);
  }
  const bytesPer = spec.bits / 8, align = count * bytesPer, dataBytes = frames * align;
  const extensible = count > 2, float = spec.tag === 3;
  const fmtBytes = extensible ? 40 : float ? 18 : 16;
  const factBytes = float ? 12 : 0;
  const total = 12 + 8 + fmtBytes + factBytes + 8 + dataBytes;
  if (total - 8 > 0xffffffff) throw new RangeError('wamix: too long for a WAV file (4 GiB)');
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const id = (s) => { for (let i = 0; i < 4; i++) out[at++] = s.charCodeAt(i); };
  const u16 = (v) => { view.setUint16(at, v, true); at += 2; };
  const u32 = (v) => { view.setUint32(at, v, true); at += 4; };
  id('RIFF'); u32(total - 8); id('WAVE');
  id('fmt '); u32(fmtBytes);
  u16(extensible ? 0xfffe : spec.tag); u16(count); u32(sampleRate); u32(sampleRate * align); u16(align); u16(spec.bits);
  if (extensible) {
    u16(22); u16(spec.bits); u32(SPEAKER_MASKS[count]); u16(spec.tag);
    for (const b of SUBFORMAT_TAIL) out[at++] = b;
  } else if (float) u16(0);
  if (float) { id('fact'); u32(4); u32(frames); }
  id('data'); u32(dataBytes);
  if (float) {
    for (let i = 0; i < frames; i++) for (let c = 0; c < count; c++, at += 4) view.setFloat32(at, channels[c][i], true);
    return out;
  }
  const scale = 2 ** (spec.bits - 1), lo = -scale, hi = scale - 1;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++, at += bytesPer) {
      const x = Math.round(channels[c][i] * scale);
      const v = x > hi ? hi : x < lo ? lo : x || 0; // NaN -> 0
      if (bytesPer === 2) view.setInt16(at, v, true);
      else if (bytesPer === 4) view.setInt32(at, v, true);
      else { out[at] = v & 255; out[at + 1] = (v >> 8) & 255; out[at + 2] = (v >> 16) & 255; }
    }
  }
  return out;
}
