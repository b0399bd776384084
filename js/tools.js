/**
 * The tools module, dist/wamix-tools.wasm: reading WAV files, sample-rate
 * conversion and waveform overviews, for work on a host's own thread (the
 * page's main thread, a Worker, Node), away from the audio path. It is a
 * module of its own so that the one the audio thread loads stays small. It
 * has its own fixed memory and imports nothing: it instantiates the same
 * way with or without cross-origin isolation.
 * @module
 */

// Relative to js/ and to dist/ alike (see js/mixer.js).
export const TOOLS_URL = new URL('../dist/wamix-tools.wasm', import.meta.url);

/** Instantiates the compiled tools module; returns its exports (with `memory`). */
export function instantiateTools(module) {
  const exports = { ...new WebAssembly.Instance(module, {}).exports };
  if (typeof exports._initialize === 'function') exports._initialize();
  return exports;
}

/** Fetches, compiles and instantiates the tools module (a page or a Worker). */
export async function fetchTools(url = TOOLS_URL) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`wamix: cannot load ${url}: HTTP ${response.status}`);
  return instantiateTools(await WebAssembly.compile(await response.arrayBuffer()));
}
