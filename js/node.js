/**
 * wamix in Node: loads the same WASM module the browser runs and renders
 * audio offline, block by block, with no AudioContext.
 *
 * @example
 *   import { createOfflineEngine, renderOffline } from 'wamix/node';
 *   const engine = await createOfflineEngine({ sampleRate: 48000 });
 *   engine.setParam('gain_db', -6);
 *   const [left, right] = renderOffline(engine, [inputL, inputR]);
 * @module
 */
import { readFile } from 'node:fs/promises';
import { instantiate, WamixEngine } from './wamix-core.js';

export { WamixEngine, WamixError, instantiate } from './wamix-core.js';
export { PARAMS, METERS, FILTER_TYPES, SILENCE_DB, paramInfo } from './params.js';

const DEFAULT_WASM = new URL('../dist/wamix.wasm', import.meta.url);

/**
 * Compiles the module from disk.
 * @param {string|URL} [path] defaults to the package's dist/wamix.wasm
 * @returns {Promise<WebAssembly.Module>}
 */
export async function loadWamix(path = DEFAULT_WASM) {
  return WebAssembly.compile(await readFile(path));
}

/**
 * A fresh module instance with one engine in it.
 * @param {{sampleRate?: number, channels?: number, maxBlock?: number, module?: WebAssembly.Module}} [options]
 * @returns {Promise<WamixEngine>}
 */
export async function createOfflineEngine({ sampleRate = 48000, channels = 2, maxBlock = 1024, module } = {}) {
  const exports = instantiate(module ?? (await loadWamix()));
  return new WamixEngine(exports, { sampleRate, channels, maxBlock });
}

/**
 * Renders planar input through the engine.
 * @param {WamixEngine} engine
 * @param {Float32Array[]} input one array per engine channel, equal lengths
 * @param {{block?: number, events?: {frame: number, param: string|number, value: number}[]}} [options]
 *   events set parameters before the first block that starts at or after `frame`
 * @returns {Float32Array[]} the output, one array per channel
 */
export function renderOffline(engine, input, { block = engine.maxBlock, events = [] } = {}) {
  if (input.length !== engine.channels) {
    throw new RangeError(`wamix: ${engine.channels} input channels expected, got ${input.length}`);
  }
  const frames = input[0].length;
  const output = input.map(() => new Float32Array(frames));
  const pending = [...events].sort((a, b) => a.frame - b.frame);
  let next = 0;
  for (let start = 0; start < frames; start += block) {
    const n = Math.min(block, frames - start);
    while (next < pending.length && pending[next].frame <= start) {
      engine.setParam(pending[next].param, pending[next].value);
      next++;
    }
    for (let c = 0; c < engine.channels; c++) engine.inputs[c].set(input[c].subarray(start, start + n));
    engine.process(n);
    for (let c = 0; c < engine.channels; c++) output[c].set(engine.outputs[c].subarray(0, n), start);
  }
  return output;
}
