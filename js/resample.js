/**
 * Sample-rate conversion of whole signals through the WASM module's
 * resampler (dsp/wm_resample.h: windowed sinc, exact rational ratio),
 * chunk by chunk on the calling thread. Output frame k is the input at
 * instant k * from / to: frame 0 of both is the same instant, and the
 * result has ceil(frames * to / from) frames.
 * @module
 */
import { check } from './wamix-core.js';
import { withScratch } from './wav.js';

const QUALITY = Object.freeze({ high: 0, fast: 1 });
const CHUNK = 16384; // input frames per call
const MIN_RATE = 1000, MAX_RATE = 768000, MAX_DOWN = 64;

/** Frames of a signal of `frames` frames at `from` Hz once at `to` Hz. */
export function resampledLength(frames, from, to) {
  return Math.floor((frames * to + from - 1) / from); // exact: the product stays below 2^53
}

/**
 * @param {WebAssembly.Exports} exports a module instance
 * @param {Float32Array[]} channels planar, equal lengths (any count: taken two at a time)
 * @param {number} from input rate in Hz (an integer)
 * @param {number} to output rate in Hz (an integer)
 * @param {{quality?: 'high'|'fast'}} [options]
 * @returns {Float32Array[]} new arrays; the input itself when the rates are equal
 * @throws {RangeError} for rates the resampler does not take
 */
export function resample(exports, channels, from, to, { quality = 'high' } = {}) {
  if (from === to) return channels;
  for (const rate of [from, to]) {
    if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) {
      throw new RangeError(`cannot resample from ${from} Hz to ${to} Hz: rates must be whole numbers from ${MIN_RATE} to ${MAX_RATE}`);
    }
  }
  if (from > MAX_DOWN * to) throw new RangeError(`cannot resample from ${from} Hz to ${to} Hz: more than ${MAX_DOWN} times down`);
  if (!(quality in QUALITY)) throw new RangeError(`unknown resampling quality ${JSON.stringify(quality)}`);
  const out = [];
  for (let c = 0; c < channels.length; c += 2) out.push(...group(exports, channels.slice(c, c + 2), from, to, QUALITY[quality]));
  return out;
}

/** One or two channels through one resampler. */
function group(exports, input, from, to, quality) {
  const count = input.length, frames = input[0].length;
  const total = resampledLength(frames, from, to);
  const output = input.map(() => new Float32Array(total));
  const capacity = resampledLength(CHUNK + 1, from, to) + 1;
  const handle = check(exports, exports.wamix_resampler_create(from, to, count, quality));
  try {
    withScratch(exports, 4 * count * (CHUNK + capacity), (inAt) => {
      const outAt = inAt + 4 * count * CHUNK;
      let written = 0;
      const collect = (n) => {
        const floats = new Float32Array(exports.memory.buffer, outAt, count * capacity);
        const take = Math.min(n, total - written);
        for (let c = 0; c < count; c++) output[c].set(floats.subarray(c * capacity, c * capacity + take), written);
        written += take;
      };
      for (let at = 0; at < frames; at += CHUNK) {
        const n = Math.min(CHUNK, frames - at);
        const floats = new Float32Array(exports.memory.buffer, inAt, count * n);
        for (let c = 0; c < count; c++) floats.set(input[c].subarray(at, at + n), c * n);
        collect(check(exports, exports.wamix_resampler_process(handle, inAt, n, outAt, capacity)));
      }
      for (let n = capacity; written < total && n === capacity;) {
        n = check(exports, exports.wamix_resampler_flush(handle, outAt, capacity));
        collect(n);
      }
    });
  } finally {
    exports.wamix_tool_destroy(handle);
  }
  return output;
}
