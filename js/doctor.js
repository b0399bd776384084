/**
 * doctor(): why wamix runs in its slower mode, or not at all, in words a
 * developer can act on. Main thread of a page.
 * @module
 */
import { canShareMemory, MESSAGE_MODE_REASON, WORKLET_URL, WASM_URL } from './mixer.js';

// The smallest module that uses a SIMD128 instruction (v128.const, drop).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 23, 1, 21, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26, 11]);

/** Is `url` served, and with which content type? */
async function probe(url) {
  try {
    const response = await fetch(url, { method: 'HEAD' });
    return { ok: response.ok, status: response.status, type: response.headers.get('content-type') ?? '' };
  } catch (error) {
    return { ok: false, status: 0, type: '', error: String(error.message ?? error) };
  }
}

/**
 * Checks what wamix needs and reports each finding.
 * @param {BaseAudioContext} [context] the context you create mixers on, to check its state and latency
 * @param {{workletUrl?: string|URL, wasmUrl?: string|URL}} [options] where you serve the files, if not the defaults
 * @returns {Promise<{mode: 'shared'|'message'|'unavailable', checks: {name: string, ok: boolean, detail: string}[], report: string}>}
 */
export async function doctor(context, { workletUrl = WORKLET_URL, wasmUrl = WASM_URL } = {}) {
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: Boolean(ok), detail });
  check('secure context', globalThis.isSecureContext,
    globalThis.isSecureContext ? 'https or localhost' : 'AudioWorklet needs https (or localhost): serve the page over https');
  const worklet = typeof AudioWorkletNode === 'function';
  check('AudioWorklet', worklet, worklet ? 'supported' : 'this browser has no AudioWorklet: wamix cannot run here');
  const wasm = typeof WebAssembly === 'object';
  const simd = wasm && WebAssembly.validate(SIMD_PROBE);
  check('WebAssembly SIMD', simd, simd ? 'supported' : 'wamix.wasm uses SIMD128, which this browser lacks: update it');
  const shared = canShareMemory();
  check('cross-origin isolation', globalThis.crossOriginIsolated,
    globalThis.crossOriginIsolated ? 'the page is isolated' : MESSAGE_MODE_REASON);
  check('SharedArrayBuffer', typeof SharedArrayBuffer === 'function',
    typeof SharedArrayBuffer === 'function' ? 'available' : 'missing: the page is not cross-origin isolated');
  if (context) {
    const state = context.state;
    check('AudioContext state', state === 'running',
      state === 'running' ? 'running'
        : state === 'suspended' ? 'suspended: call context.resume() from a click or key press (autoplay policy)'
          : `${state}: the system took the audio device (a call, another app); resume() when it returns`);
    const latency = (context.baseLatency ?? 0) + (context.outputLatency ?? 0);
    check('sample rate and latency', true, `${context.sampleRate} Hz, about ${(latency * 1000).toFixed(1)} ms output latency`);
  }
  const workletFile = await probe(workletUrl);
  check('worklet file', workletFile.ok && /javascript/.test(workletFile.type),
    workletFile.ok ? `${workletUrl} served as ${workletFile.type || 'no content type'} (needs text/javascript)`
      : `${workletUrl} not found (HTTP ${workletFile.status}): the bundler did not ship dist/wamix-worklet.js; pass workletUrl to createMixer`);
  const wasmFile = await probe(wasmUrl);
  check('WASM file', wasmFile.ok,
    wasmFile.ok ? `${wasmUrl} served as ${wasmFile.type || 'no content type'}`
      : `${wasmUrl} not found (HTTP ${wasmFile.status}): the bundler did not ship dist/wamix.wasm; pass wasmUrl to createMixer`);
  const runs = worklet && simd && workletFile.ok && wasmFile.ok && globalThis.isSecureContext;
  const mode = !runs ? 'unavailable' : shared ? 'shared' : 'message';
  const report = [`wamix: ${mode === 'shared' ? 'runs in shared-memory mode' : mode === 'message' ? 'runs in the slower message mode' : 'cannot run'}`,
    ...checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`)].join('\n');
  return { mode, checks, report };
}
