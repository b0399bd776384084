/**
 * The WASM module's flat C ABI wrapped for JavaScript: used by the
 * AudioWorkletProcessor and by the Node offline renderer alike. Everything
 * here that runs per block (process, the views) allocates nothing; creating
 * and disposing engines may.
 * @module
 */
import { PARAMS, METERS, ANALYSIS_FLOATS, paramInfo } from './params.js';
import { createMemory } from './memory.js';

/** An error code from the C core with its message. */
export class WamixError extends Error {
  /** @param {number} code negative WM_ERR_* code @param {string} message */
  constructor(code, message) {
    super(`wamix: ${message} (code ${code})`);
    this.name = 'WamixError';
    this.code = code;
  }
}

/**
 * Instantiates the standalone module synchronously (a worklet has no
 * fetch and may not await). The module imports only its memory.
 * @param {WebAssembly.Module} module
 * @param {WebAssembly.Memory} [memory] shared if the module's import is
 *   shared (see js/memory.js); a new default-sized one if omitted
 * @returns {WebAssembly.Exports & {memory: WebAssembly.Memory}} the exports, with `memory`
 */
export function instantiate(module, memory = createMemory()) {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = { ...instance.exports, memory };
  if (typeof exports._initialize === 'function') exports._initialize();
  return exports;
}

/**
 * Reads a NUL-terminated ASCII string out of linear memory by hand:
 * TextDecoder is missing from some worklet scopes.
 * @param {WebAssembly.Exports} exports @param {number} pointer
 */
export function readCString(exports, pointer) {
  if (!pointer) return '';
  const bytes = new Uint8Array(exports.memory.buffer);
  let text = '';
  for (let i = pointer; i < bytes.length && bytes[i] !== 0; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/** Throws a WamixError for a negative WM_ERR_* code; returns the code otherwise. */
export function check(exports, code) {
  if (code < 0) throw new WamixError(code, readCString(exports, exports.wamix_strerror(code)));
  return code;
}

/**
 * One engine inside one module instance. Linear memory has a fixed size and
 * never grows, so the views made here stay valid for the engine's life.
 */
export class WamixEngine {
  /**
   * @param {WebAssembly.Exports} exports from {@link instantiate}
   * @param {{sampleRate: number, channels?: number, maxBlock?: number}} config
   * @throws {WamixError} when the configuration is invalid or does not fit
   */
  constructor(exports, { sampleRate, channels = 2, maxBlock = 128 }) {
    this.exports = exports;
    this.handle = check(exports, exports.wamix_engine_create(sampleRate, channels, maxBlock));
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.maxBlock = maxBlock;
    const buffer = exports.memory.buffer;
    const view = (pointer, length) => new Float32Array(buffer, pointer, length);
    /** Planar input buffers, maxBlock frames each. */
    this.inputs = [];
    /** Planar output buffers, maxBlock frames each. */
    this.outputs = [];
    for (let c = 0; c < channels; c++) {
      this.inputs.push(view(exports.wamix_engine_input(this.handle, c), maxBlock));
      this.outputs.push(view(exports.wamix_engine_output(this.handle, c), maxBlock));
    }
    /** Staging block: write values, then call {@link applyParams}. */
    this.paramBlock = view(exports.wamix_engine_param_block(this.handle), PARAMS.length);
    /** Meter block, refreshed by every {@link process}; see METERS. */
    this.meterBlock = view(exports.wamix_engine_meter_block(this.handle), METERS.length);
    /** Analysis block, written by {@link analyze}: fftSize/2 dB values, then fftSize samples. */
    this.analysis = view(exports.wamix_engine_analysis(this.handle), ANALYSIS_FLOATS);
  }

  /**
   * Computes one spectrum of the newest output samples into `analysis`
   * (AnalyserNode behaviour; settings are the analyzer_* parameters).
   * Audio thread safe, but meant for display rate. @returns {number} the fft size
   */
  analyze() {
    return check(this.exports, this.exports.wamix_engine_analyze(this.handle));
  }

  /**
   * Sets one parameter's target (smoothed in C). Audio thread safe.
   * @param {string|number} key name or id
   * @param {number} value
   * @returns {number} 0, or a negative code: the value was rejected (NaN)
   *   or clamped into range (WM_ERR_RANGE, -3)
   */
  setParam(key, value) {
    return this.exports.wamix_engine_set_param(this.handle, paramInfo(key).id, value);
  }

  /** Applies the staging block; returns how many values were rejected or clamped. */
  applyParams() {
    return this.exports.wamix_engine_apply_params(this.handle);
  }

  /** Renders `frames` (<= maxBlock) frames from inputs to outputs. Audio thread safe. */
  process(frames) {
    check(this.exports, this.exports.wamix_engine_process(this.handle, frames));
  }

  /** Clears the signal state; parameters are kept. */
  reset() {
    check(this.exports, this.exports.wamix_engine_reset(this.handle));
  }

  /** The meter block as an object keyed by METERS names. Allocates: not for the audio thread. */
  meters() {
    return Object.fromEntries(METERS.map((name, i) => [name, this.meterBlock[i]]));
  }

  /** Returns the engine's memory to the arena; the engine is unusable afterwards. */
  dispose() {
    if (this.handle > 0) this.exports.wamix_engine_destroy(this.handle);
    this.handle = 0;
  }
}
