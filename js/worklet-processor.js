/**
 * The AudioWorkletProcessor that runs the C engine. Per render quantum:
 * take the latest parameter snapshot (if it changed), copy the input into
 * WASM memory, render, copy the output out, publish the meters. process()
 * allocates nothing, takes no lock, posts no message on the shared path and
 * never throws: a failure becomes one ERROR message and silence.
 *
 * processorOptions: {module: WebAssembly.Module, memory?: WebAssembly.Memory (shared; made
 *                    here, unshared, when absent), memoryBytes?: number,
 *                    params, meters, spectrum: ArrayBuffer|SharedArrayBuffer (SeqBlocks)}
 * @module
 */
import { instantiate, WamixEngine } from './wamix-core.js';
import { SeqBlock } from './shared-blocks.js';
import { createMemory } from './memory.js';
import { PROCESSOR_NAME, MSG, FALLBACK_METER_HZ } from './protocol.js';

const QUANTUM = 128;

class WamixProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.failed = false;
    try {
      const { module, memory, memoryBytes, params, meters, spectrum } = options.processorOptions;
      const exports = instantiate(module, memory ?? createMemory({ bytes: memoryBytes, shared: false }));
      this.engine = new WamixEngine(exports, { sampleRate, channels: 2, maxBlock: QUANTUM });
      this.params = new SeqBlock(params);
      this.meters = new SeqBlock(meters);
      this.spectrum = new SeqBlock(spectrum);
      this.shared = this.params.shared && this.meters.shared;
      this.lastParamSeq = 0; // sequence 0: nothing was ever written
      this.quantaPerMeterPost = Math.max(1, Math.round(sampleRate / QUANTUM / FALLBACK_METER_HZ));
      this.quanta = 0;
      if (!this.shared) this.port.onmessage = (e) => this.onFallbackMessage(e.data);
      this.port.postMessage({ type: MSG.READY, mode: this.shared ? 'shared' : 'message' });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Fallback (no SharedArrayBuffer): parameter snapshots arrive as messages. */
  onFallbackMessage(data) {
    if (data && data.type === MSG.PARAMS && data.values instanceof Float32Array) {
      this.params.write(data.values.subarray(0, this.params.count));
    } else if (data && data.type === MSG.ANALYZE) {
      this.spectrum.request();
    }
  }

  fail(error) {
    if (this.failed) return;
    this.failed = true;
    this.port.postMessage({ type: MSG.ERROR, message: String((error && error.stack) || error) });
  }

  pullParams() {
    if (this.params.sequence === this.lastParamSeq) return;
    const seq = this.params.read(this.engine.paramBlock);
    if (seq < 0) return; // the main thread is mid-write: take it next quantum
    this.lastParamSeq = seq;
    this.engine.applyParams();
  }

  /** A spectrum only when the page asked for one: an idle page costs nothing. */
  pushSpectrum() {
    if (!this.spectrum.takeRequest()) return;
    const size = this.engine.analyze();
    const length = size / 2 + size;
    this.spectrum.write(this.engine.analysis, length, size);
    if (!this.shared) {
      this.port.postMessage({ type: MSG.SPECTRUM, fftSize: size, values: this.engine.analysis.slice(0, length) });
    }
  }

  pushMeters() {
    this.meters.write(this.engine.meterBlock);
    if (!this.shared && ++this.quanta % this.quantaPerMeterPost === 0) {
      this.port.postMessage({ type: MSG.METERS, values: this.engine.meterBlock.slice() });
    }
  }

  process(inputs, outputs) {
    const out = outputs[0];
    if (this.failed) {
      for (let c = 0; c < out.length; c++) out[c].fill(0);
      return true;
    }
    try {
      const input = inputs[0];
      const engine = this.engine;
      this.pullParams();
      for (let c = 0; c < engine.channels; c++) {
        const source = input.length > c ? input[c] : input[0]; // mono feeds both sides
        if (source) engine.inputs[c].set(source);
        else engine.inputs[c].fill(0);
      }
      engine.process(QUANTUM);
      for (let c = 0; c < out.length; c++) out[c].set(engine.outputs[c < engine.channels ? c : 0]);
      this.pushMeters();
      this.pushSpectrum();
    } catch (error) {
      this.fail(error);
      for (let c = 0; c < out.length; c++) out[c].fill(0);
    }
    return true;
  }
}

registerProcessor(PROCESSOR_NAME, WamixProcessor);
