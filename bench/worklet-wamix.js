/**
 * Benchmark worklet: wamix's WASM module (dist/wamix.wasm, SIMD128) driving
 * the reference mix through js/session.js, one render quantum per
 * process(). The session is configured in the constructor, through the
 * command ring as a page would; the processor posts {ready, rejected,
 * clamped} when it is done, or {error}.
 * processorOptions: {module: WebAssembly.Module, tracks, channels}
 */
import { instantiate } from '../js/wamix-core.js';
import { createMemory } from '../js/memory.js';
import { Session } from '../js/session.js';
import { configureSession, SAMPLES, SAMPLE_FRAMES, QUANTUM } from './refmix.js';

const POOL_PAGE_BYTES = 16384;

class BenchWamix extends AudioWorkletProcessor {
  constructor(options) {
    super();
    try {
      const { module, tracks, channels } = options.processorOptions;
      const poolBytes = SAMPLES * Math.ceil((SAMPLE_FRAMES * channels * 4) / POOL_PAGE_BYTES) * POOL_PAGE_BYTES;
      const exports = instantiate(module, createMemory()); // 64 MiB: 256 stereo tracks take 22
      this.session = new Session(exports, { sampleRate, maxBlock: QUANTUM, tracks, channels, clipsPerTrack: 2, poolBytes });
      const result = configureSession(this.session, tracks, channels);
      this.port.postMessage({ ready: true, ...result });
    } catch (error) {
      this.session = null;
      this.port.postMessage({ error: String((error && error.stack) || error) });
    }
  }

  process(inputs, outputs) {
    const out = outputs[0];
    if (!this.session) return true;
    this.session.process(QUANTUM);
    out[0].set(this.session.outputs[0]);
    out[1].set(this.session.outputs[1]);
    return true;
  }
}

registerProcessor('bench-wamix', BenchWamix);
