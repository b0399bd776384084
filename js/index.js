/**
 * wamix on the main thread of a web page: creates the engine on an
 * AudioContext as an AudioWorkletNode, sets parameters and reads meters
 * through SharedArrayBuffer blocks (or, without cross-origin isolation,
 * through the node's MessagePort, and says so in `engine.mode`).
 *
 * @example
 *   import { createEngine } from 'wamix';
 *   const context = new AudioContext();
 *   const engine = await createEngine(context);
 *   source.connect(engine.node).connect(context.destination);
 *   engine.setParam('gain_db', -6);
 *   const { rms_db_l } = engine.readMeters();
 * @module
 */
import { SeqBlock } from './shared-blocks.js';
import { PARAMS, METERS, ANALYSIS_FLOATS, paramInfo } from './params.js';
import { PROCESSOR_NAME, MSG } from './protocol.js';
import { createMemory, unshareMemoryImport } from './memory.js';

export { PARAMS, METERS, FILTER_TYPES, SILENCE_DB, paramInfo } from './params.js';
export { VERSION } from './protocol.js';

const workletModules = new WeakMap(); // AudioContext -> Promise<void>

/** Registers the processor once per context, however often it is asked. */
function registerWorklet(context, url) {
  if (!workletModules.has(context)) workletModules.set(context, context.audioWorklet.addModule(url));
  return workletModules.get(context);
}

/**
 * Fetches and compiles the WASM module on the main thread (the worklet
 * scope cannot fetch). Compile once and pass the result to several
 * {@link createEngine} calls to save the work.
 * @param {string|URL} [url] where wamix.wasm is served
 * @param {{shared?: boolean}} [options] shared: false compiles the variant
 *   that imports an ordinary memory (for pages without cross-origin isolation)
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileWamix(url = new URL('../dist/wamix.wasm', import.meta.url), { shared = canShareMemory() } = {}) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`wamix: cannot load ${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  return WebAssembly.compile(shared ? bytes : unshareMemoryImport(bytes));
}

/** True when this page can share memory with the audio thread. */
export function canShareMemory() {
  return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}

/**
 * Creates an engine on `context`. Main thread only.
 * @param {BaseAudioContext} context
 * @param {{module?: WebAssembly.Module, wasmUrl?: string|URL, workletUrl?: string|URL, memoryBytes?: number}} [options]
 *   module: a module from {@link compileWamix} (with the same `shared` as this page can do)
 * @returns {Promise<Engine>}
 */
export async function createEngine(context, options = {}) {
  const workletUrl = options.workletUrl ?? new URL('./worklet-processor.js', import.meta.url);
  const shared = canShareMemory();
  const [module] = await Promise.all([
    options.module ?? compileWamix(options.wasmUrl, { shared }),
    registerWorklet(context, workletUrl),
  ]);
  // A shared memory is made here and handed over, so this thread can reach
  // it too; without sharing, the worklet makes its own.
  const memory = shared ? createMemory({ bytes: options.memoryBytes, shared }) : undefined;
  const params = new SeqBlock(PARAMS.length, { shared });
  const meters = new SeqBlock(METERS.length, { shared });
  const spectrum = new SeqBlock(ANALYSIS_FLOATS, { shared });
  params.write(PARAMS.map((p) => p.default));
  const node = new AudioWorkletNode(context, PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    processorOptions: {
      module, memory, memoryBytes: options.memoryBytes,
      params: params.buffer, meters: meters.buffer, spectrum: spectrum.buffer,
    },
  });
  const mode = await new Promise((resolve, reject) => {
    node.port.onmessage = ({ data }) => {
      if (data.type === MSG.READY) resolve(data.mode);
      else if (data.type === MSG.ERROR) reject(new Error(`wamix worklet: ${data.message}`));
    };
    node.onprocessorerror = () => reject(new Error('wamix worklet: the processor failed to start'));
  });
  return new Engine(node, { params, meters, spectrum }, mode);
}

/** Reasons the engine runs in its slower message mode, for people to read. */
const MESSAGE_MODE_REASON =
  'SharedArrayBuffer is unavailable (the page is not cross-origin isolated: serve it with ' +
  '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"); ' +
  'parameters and meters travel over the MessagePort instead, with more latency.';

/** A running engine. Create it with {@link createEngine}. */
export class Engine extends EventTarget {
  constructor(node, { params, meters, spectrum }, mode) {
    super();
    /** The AudioWorkletNode: connect sources into it and it into the graph. */
    this.node = node;
    /** 'shared' (SharedArrayBuffer) or 'message' (MessagePort fallback). */
    this.mode = mode;
    /** Why the mode is 'message', or '' when it is 'shared'. */
    this.modeReason = mode === 'shared' ? '' : MESSAGE_MODE_REASON;
    this.params = params;
    this.meters = meters;
    this.paramValues = Float32Array.from(params.values);
    this.meterValues = new Float32Array(METERS.length);
    /** The output's spectrum analyzer, with the AnalyserNode's interface. */
    this.analyser = new Analyser(this, spectrum);
    node.port.onmessage = ({ data }) => this.onMessage(data);
  }

  onMessage(data) {
    if (data.type === MSG.METERS) this.meterValues.set(data.values);
    else if (data.type === MSG.SPECTRUM) this.analyser.receive(data.fftSize, data.values);
    else if (data.type === MSG.ERROR) {
      const event = new Event('error');
      event.message = data.message;
      this.dispatchEvent(event);
    }
  }

  /**
   * Sets a parameter; the engine glides to it (no clicks). Values outside
   * the parameter's range are clamped here as in C.
   * @param {string|number} key name or id (see PARAMS)
   * @param {number} value
   * @throws {RangeError} for an unknown parameter or a value that is not a finite number
   */
  setParam(key, value) {
    const info = paramInfo(key);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`wamix: ${info.name} must be a finite number, got ${value}`);
    }
    this.paramValues[info.id] = Math.min(info.max, Math.max(info.min, value));
    if (this.mode === 'shared') this.params.write(this.paramValues);
    else this.node.port.postMessage({ type: MSG.PARAMS, values: this.paramValues });
  }

  /** The value last set (after clamping). */
  getParam(key) {
    return this.paramValues[paramInfo(key).id];
  }

  /**
   * The latest meter snapshot, keyed by METERS names. Call it at display
   * rate (requestAnimationFrame), not in a tight loop.
   */
  readMeters() {
    if (this.mode === 'shared') this.meters.read(this.meterValues);
    return Object.fromEntries(METERS.map((name, i) => [name, this.meterValues[i]]));
  }

  /** How many render quanta have published meters (shared mode), for liveness checks. */
  get quantaRendered() {
    return this.meters.writes;
  }

  /** Disconnects the node and lets the worklet go. */
  dispose() {
    this.node.disconnect();
    this.node.port.onmessage = null;
    this.node.port.close();
  }
}

/**
 * The engine's spectrum analyzer with the interface of the Web Audio
 * AnalyserNode (fftSize, frequencyBinCount, smoothingTimeConstant,
 * minDecibels, maxDecibels and the four get*Data methods). The worklet
 * computes a spectrum only when asked: each get*Data call returns the
 * newest spectrum and asks for the next, so reading at display rate costs
 * one FFT per frame and an idle page costs nothing. Main thread.
 */
export class Analyser {
  constructor(engine, block) {
    this.engine = engine;
    this.block = block;
    this.snapshot = new Float32Array(block.count);
    this.size = 0; // fft size of the snapshot; 0 before the first one
  }

  get fftSize() {
    return this.engine.getParam('analyzer_fft_size');
  }

  /** A power of two from 32 to 32768, as the AnalyserNode requires. */
  set fftSize(size) {
    if (!Number.isInteger(size) || size < 32 || size > 32768 || (size & (size - 1)) !== 0) {
      throw new RangeError(`wamix: fftSize must be a power of two from 32 to 32768, got ${size}`);
    }
    this.engine.setParam('analyzer_fft_size', size);
  }

  get frequencyBinCount() {
    return this.fftSize / 2;
  }

  get smoothingTimeConstant() {
    return this.engine.getParam('analyzer_smoothing');
  }

  set smoothingTimeConstant(value) {
    this.engine.setParam('analyzer_smoothing', value);
  }

  get minDecibels() {
    return this.engine.getParam('analyzer_min_db');
  }

  set minDecibels(value) {
    this.setRange(value, this.maxDecibels);
  }

  get maxDecibels() {
    return this.engine.getParam('analyzer_max_db');
  }

  set maxDecibels(value) {
    this.setRange(this.minDecibels, value);
  }

  setRange(min, max) {
    if (!(min < max)) throw new RangeError(`wamix: minDecibels (${min}) must be below maxDecibels (${max})`);
    this.engine.setParam('analyzer_min_db', min);
    this.engine.setParam('analyzer_max_db', max);
  }

  /** Fallback path: a snapshot that came over the port. */
  receive(fftSize, values) {
    this.snapshot.set(values);
    this.size = fftSize;
  }

  /** Takes the newest snapshot and asks for the next one. */
  refresh() {
    if (this.engine.mode === 'shared') {
      if (this.block.read(this.snapshot) >= 0 && this.block.writes > 0) this.size = this.block.tag;
      this.block.request();
    } else {
      this.engine.node.port.postMessage({ type: MSG.ANALYZE });
    }
    return this.size;
  }

  /** Copies the spectrum in dB (frequencyBinCount values at most). */
  getFloatFrequencyData(array) {
    const bins = this.refresh() / 2;
    for (let k = 0; k < Math.min(array.length, bins); k++) array[k] = this.snapshot[k];
  }

  /** The spectrum mapped to 0..255 between minDecibels and maxDecibels. */
  getByteFrequencyData(array) {
    const bins = this.refresh() / 2, min = this.minDecibels, scale = 255 / (this.maxDecibels - min);
    for (let k = 0; k < Math.min(array.length, bins); k++) {
      array[k] = Math.max(0, Math.min(255, Math.floor(scale * (this.snapshot[k] - min))));
    }
  }

  /** Copies the newest fftSize samples of the output (down-mixed to mono). */
  getFloatTimeDomainData(array) {
    const size = this.refresh();
    for (let i = 0; i < Math.min(array.length, size); i++) array[i] = this.snapshot[size / 2 + i];
  }

  /** The waveform mapped to 0..255 (128 is silence). */
  getByteTimeDomainData(array) {
    const size = this.refresh();
    for (let i = 0; i < Math.min(array.length, size); i++) {
      array[i] = Math.max(0, Math.min(255, Math.floor(128 * (1 + this.snapshot[size / 2 + i]))));
    }
  }
}
