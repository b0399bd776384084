/**
 * Benchmark worklet: the reference mix written by hand in plain JavaScript
 * (bench/plain-mix.js) in one AudioWorkletProcessor. Posts {ready} once its
 * tracks are set up. processorOptions: {tracks, channels}
 */
import { PlainMix } from './plain-mix.js';

class BenchPlainJs extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { tracks, channels } = options.processorOptions;
    this.mix = new PlainMix(tracks, channels);
    this.port.postMessage({ ready: true });
  }

  process(inputs, outputs) {
    this.mix.process(outputs[0]);
    return true;
  }
}

registerProcessor('bench-plainjs', BenchPlainJs);
