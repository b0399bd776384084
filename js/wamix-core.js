/**
 * The WASM module's flat C ABI wrapped for JavaScript: used by the
 * AudioWorkletProcessor and by the Node offline renderer alike. Everything
 * here that runs per block (process, the views) allocates nothing; creating
 * and disposing engines may.
 * @module
 */
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
