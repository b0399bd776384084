// Main-thread tools for the demo page: waveform overviews computed by the
// engine's own reducer (dsp/wm_peaks.h) in the tools module (js/tools.js),
// and the EQ's frequency response evaluated from the coefficients the
// engine runs.
import { check } from '/js/wamix-core.js';
import { fetchTools } from '/js/tools.js';

let tools = null;

/** The tools module (dist/wamix-tools.wasm), instantiated once. */
async function toolExports() {
  tools ??= fetchTools();
  return tools;
}

/**
 * A waveform overview built while a sample loads: feed it each interleaved
 * chunk (Mixer.loadSample's onChunk), then read min/max per bucket. Memory
 * in the module: `buckets` pairs and one chunk, whatever the file's length.
 */
export class Overview {
  static async create(buckets, totalFrames, channels) {
    const e = await toolExports();
    return new Overview(e, check(e, e.wamix_peaks_create(buckets, totalFrames, channels)), buckets, channels);
  }

  constructor(exports, handle, buckets, channels) {
    Object.assign(this, { exports, handle, buckets, channels });
    this.chunkFrames = exports.wamix_peaks_chunk_frames();
  }

  /** Takes interleaved frames, in pieces of at most one module chunk. */
  add(interleaved) {
    const e = this.exports, frames = interleaved.length / this.channels;
    const input = new Float32Array(e.memory.buffer, e.wamix_peaks_input(this.handle), this.chunkFrames * this.channels);
    for (let at = 0; at < frames; at += this.chunkFrames) {
      const n = Math.min(this.chunkFrames, frames - at);
      input.set(interleaved.subarray(at * this.channels, (at + n) * this.channels));
      check(e, e.wamix_peaks_process(this.handle, n));
    }
  }

  /** [min, max] pairs, one per bucket (a copy), and frees the module's memory. */
  finish() {
    const e = this.exports;
    const result = new Float32Array(e.memory.buffer, e.wamix_peaks_result(this.handle), 2 * this.buckets).slice();
    e.wamix_tool_destroy(this.handle);
    return result;
  }
}

/**
 * |H(e^jw)| in dB of a cascade of biquads (b0 b1 b2 a1 a2, a0 = 1) at each
 * frequency of `hz`, at sample rate `rate`.
 */
export function cascadeResponseDb(sections, hz, rate) {
  return hz.map((f) => {
    const w = (2 * Math.PI * f) / rate, c1 = Math.cos(w), s1 = Math.sin(w), c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
    let power = 1;
    for (const [b0, b1, b2, a1, a2] of sections) {
      const nr = b0 + b1 * c1 + b2 * c2, ni = -(b1 * s1 + b2 * s2);
      const dr = 1 + a1 * c1 + a2 * c2, di = -(a1 * s1 + a2 * s2);
      power *= (nr * nr + ni * ni) / (dr * dr + di * di);
    }
    return 10 * Math.log10(power);
  });
}
