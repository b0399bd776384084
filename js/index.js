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
import { PARAMS, METERS, paramInfo } from './params.js';
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
  params.write(PARAMS.map((p) => p.default));
  const node = new AudioWorkletNode(context, PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    processorOptions: { module, memory, memoryBytes: options.memoryBytes, params: params.buffer, meters: meters.buffer },
  });
  const mode = await new Promise((resolve, reject) => {
    node.port.onmessage = ({ data }) => {
      if (data.type === MSG.READY) resolve(data.mode);
      else if (data.type === MSG.ERROR) reject(new Error(`wamix worklet: ${data.message}`));
    };
    node.onprocessorerror = () => reject(new Error('wamix worklet: the processor failed to start'));
  });
  return new Engine(node, params, meters, mode);
}

/** Reasons the engine runs in its slower message mode, for people to read. */
const MESSAGE_MODE_REASON =
  'SharedArrayBuffer is unavailable (the page is not cross-origin isolated: serve it with ' +
  '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"); ' +
  'parameters and meters travel over the MessagePort instead, with more latency.';

/** A running engine. Create it with {@link createEngine}. */
export class Engine extends EventTarget {
  constructor(node, params, meters, mode) {
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
    node.port.onmessage = ({ data }) => this.onMessage(data);
  }

  onMessage(data) {
    if (data.type === MSG.METERS) this.meterValues.set(data.values);
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
