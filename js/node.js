/**
 * wamix in Node: loads the same WASM module the browser runs, for offline
 * rendering with no AudioContext.
 *
 * @example
 *   import { loadWamix, instantiate, Session } from 'wamix/node';
 *   const session = new Session(instantiate(await loadWamix()), { sampleRate: 48000, tracks: 2 });
 *   const sample = session.loadSample(interleavedStereo, 2);
 *   session.addClip(0, sample, { start: 0, length: interleavedStereo.length / 2 });
 *   session.play();
 *   const [left, right] = session.render(48000 * 10);
 * @module
 */
import { readFile } from 'node:fs/promises';

export { WamixError, instantiate } from './wamix-core.js';
export { Session, STATUS } from './session.js';
export { readParamTables } from './param-table.js';

const DEFAULT_WASM = new URL('../dist/wamix.wasm', import.meta.url);

/**
 * Compiles the module from disk.
 * @param {string|URL} [path] defaults to the package's dist/wamix.wasm
 * @returns {Promise<WebAssembly.Module>}
 */
export async function loadWamix(path = DEFAULT_WASM) {
  return WebAssembly.compile(await readFile(path));
}
