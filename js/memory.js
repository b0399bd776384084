/**
 * The module's linear memory. wamix imports its memory, shared
 * (a WebAssembly.Memory over a SharedArrayBuffer) whenever the environment
 * allows it, so that other threads (the page, Workers) can reach the rings
 * and blocks the C core places in it. Where shared memory is unavailable (a
 * page without cross-origin isolation), the module is patched to import an
 * ordinary memory instead: its atomic instructions stay valid on it, and
 * the engine talks to the page over its MessagePort.
 *
 * The memory never grows: its size is chosen once, when it is created, and
 * every view made on it stays valid.
 * @module
 */

const PAGE = 65536;

/** The default memory size: room for the engine and a modest sample pool. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

/** True when this thread can create shared WebAssembly memory. */
export function canShareWasmMemory() {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * Creates the fixed-size memory to instantiate the module with.
 * Main thread or Node; allocates.
 * @param {{bytes?: number, shared?: boolean}} [options]
 * @returns {WebAssembly.Memory}
 */
export function createMemory({ bytes = DEFAULT_MEMORY_BYTES, shared = canShareWasmMemory() } = {}) {
  const pages = Math.ceil(bytes / PAGE);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
}

function readLeb(bytes, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [value >>> 0, at];
}

/**
 * Returns a copy of a WASM binary whose memory import is declared unshared
 * (limits flag 0x03 -> 0x01, same length). Throws if there is no shared
 * memory import to patch. Main thread; allocates.
 * @param {ArrayBuffer|Uint8Array} binary
 * @returns {Uint8Array}
 */
export function unshareMemoryImport(binary) {
  const bytes = new Uint8Array(binary instanceof ArrayBuffer ? binary.slice(0) : binary.slice());
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    if (id === 2) return patchImports(bytes, start);
    at = start + size;
  }
  throw new Error('wamix: the module has no import section');
}

function patchImports(bytes, start) {
  let [count, at] = readLeb(bytes, start);
  for (; count > 0; count--) {
    for (let name = 0; name < 2; name++) { // module name, field name
      const [length, next] = readLeb(bytes, at);
      at = next + length;
    }
    const kind = bytes[at++];
    if (kind === 2) { // memory: limits
      if (bytes[at] !== 0x03) throw new Error('wamix: the memory import is not shared');
      bytes[at] = 0x01;
      return bytes;
    }
    if (kind === 0) at = readLeb(bytes, at)[1]; // function: type index
    else if (kind === 1) at = skipLimits(bytes, at + 1); // table: reftype, limits
    else if (kind === 3) at += 2; // global: valtype, mutability
  }
  throw new Error('wamix: the module imports no memory');
}

function skipLimits(bytes, at) {
  const flags = bytes[at++];
  at = readLeb(bytes, at)[1];
  return flags & 1 ? readLeb(bytes, at)[1] : at;
}
