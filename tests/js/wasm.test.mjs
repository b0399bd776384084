// The WASM build in Node: its ABI, its memory, its parameter tables and
// its arena's refusal of what does not fit. (That every module's WASM
// output equals the native build's is modules.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadWamix, instantiate, Session, WamixError, readParamTables } from '../../js/node.js';
import { LEVELS } from '../../js/session.js';
import { createMemory, unshareMemoryImport } from '../../js/memory.js';

const module = await loadWamix();
const SESSION = { sampleRate: 48000, tracks: 2, channels: 2, poolBytes: 1 << 20 };

/** A second of a 440 Hz sine on track 0, faded by `faderDb`, rendered. */
function renderSine(exports, faderDb = 0) {
  const session = new Session(exports, SESSION);
  const frames = 48000, sine = new Float32Array(2 * frames);
  for (let i = 0; i < frames; i++) sine[2 * i] = sine[2 * i + 1] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48000);
  session.addClip(0, session.loadSample(sine, 2), { start: 0, length: frames });
  session.commands.setStripParam(0, 0 /* fader_db */, faderDb);
  session.play();
  const out = session.render(frames);
  return { session, out };
}

test('the module is standalone: it imports only its memory, which never grows', () => {
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'env', name: 'memory', kind: 'memory' }]);
  const exports = instantiate(module);
  assert.ok(exports.memory.buffer instanceof SharedArrayBuffer, 'shared where the platform allows');
  assert.equal(exports.wamix_abi_version(), 1);
  const bytes = exports.memory.buffer.byteLength;
  assert.throws(() => exports.memory.grow(1), RangeError, 'memory must not grow');
  assert.equal(exports.memory.buffer.byteLength, bytes);
});

test('without shared memory the patched module runs on an ordinary memory, with the same output', async () => {
  const bytes = await readFile(new URL('../../dist/wamix.wasm', import.meta.url));
  const unshared = new WebAssembly.Module(unshareMemoryImport(bytes));
  const plain = renderSine(instantiate(unshared, createMemory({ shared: false })), -6).out;
  const shared = renderSine(instantiate(module, createMemory({ shared: true })), -6).out;
  assert.ok(plain[0].some((x) => Math.abs(x) > 0.1), 'not silent');
  assert.deepEqual(plain, shared);
  assert.throws(() => new WebAssembly.Instance(module, { env: { memory: createMemory({ shared: false }) } }), /shared/);
});

test('the parameter tables read out of the module are well formed', () => {
  const { strip, mixer } = readParamTables(instantiate(module));
  assert.equal(strip.length, 94);
  assert.equal(mixer.length, 3);
  for (const table of [strip, mixer]) {
    assert.equal(new Set(table.map((p) => p.name)).size, table.length, 'names are unique');
    for (const p of table) {
      assert.match(p.name, /^[a-z][a-z0-9_]*$/);
      assert.ok(p.min <= p.default && p.default <= p.max, `${p.name}: default inside its range`);
      if (p.stepped) assert.ok(Number.isInteger(p.min) && Number.isInteger(p.max), `${p.name}: whole bounds`);
    }
  }
  assert.deepEqual(strip[0], { id: 0, name: 'fader_db', min: -96, max: 12, default: 0, unit: 'dB', stepped: false });
});

test('the level region has the layout js/session.js reads it with', () => {
  const exports = instantiate(module);
  const session = new Session(exports, { ...SESSION, buses: 3 });
  const strips = SESSION.tracks + 3 + 1;
  assert.equal(exports.wamix_session_level_count(session.handle), LEVELS.STRIP * strips + LEVELS.MASTER_COUNT);
  assert.equal(session.levels().length, LEVELS.STRIP * strips + LEVELS.MASTER_COUNT);
});

test('a fader at -20 dB lowers the output by 20 dB', () => {
  const exports = instantiate(module);
  const rms = (x) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  const unity = rms(renderSine(exports).out[0].subarray(24000));
  const quiet = rms(renderSine(exports, -20).out[0].subarray(24000));
  assert.ok(Math.abs(20 * Math.log10(quiet / unity) + 20) < 0.01, `${20 * Math.log10(quiet / unity)} dB`);
});

test('the arena refuses what does not fit and loses nothing', () => {
  const exports = instantiate(module, createMemory({ bytes: 32 << 20 }));
  const arenaBytes = exports.wamix_arena_size(), used = exports.wamix_arena_used();
  const huge = { ...SESSION, poolBytes: 64 << 20 };
  assert.throws(() => new Session(exports, huge), (e) => e instanceof WamixError && e.code === -2 && /arena/.test(e.message));
  assert.equal(exports.wamix_arena_used(), used, 'a refused session consumes nothing');
  // Sessions of 4 MiB pools until one is refused (or the handle table is full); then free them all.
  const sessions = [];
  for (;;) {
    try {
      sessions.push(new Session(exports, { ...SESSION, poolBytes: 4 << 20 }));
    } catch (e) {
      assert.ok(e.code === -2 || e.code === -6, `refused with ${e.message}`);
      break;
    }
  }
  assert.ok(sessions.length >= 2, `${sessions.length} sessions fit in ${arenaBytes} bytes`);
  sessions.reverse().forEach((s) => s.dispose());
  assert.equal(exports.wamix_arena_used(), used, 'disposing every session returns all memory');
  const { out } = renderSine(exports);
  assert.ok(out[0].some((x) => Math.abs(x) > 0.4), 'a session still fits and plays afterwards');
});

test('invalid arguments and handles are error codes, never traps', () => {
  const exports = instantiate(module);
  for (const handle of [0, -1, 5, 99]) {
    assert.equal(exports.wamix_session_process(handle, 128), -4);
    assert.equal(exports.wamix_session_destroy(handle), -4);
    assert.equal(exports.wamix_session_analyze(handle), -4);
    assert.equal(exports.wamix_session_command_ring(handle), 0);
    assert.equal(exports.wamix_session_output(handle, 0), 0);
  }
  assert.equal(exports.wamix_session_create(NaN, 128, 2, 0, 2, 0, 8, 16, 0, 65536, 65536), -1);
  assert.equal(exports.wamix_session_create(48000, 128, 0, 0, 2, 0, 8, 16, 0, 65536, 65536), -1);
  assert.equal(exports.wamix_session_create(48000, 128, 2, 0x7ffffff0, 2, 0, 8, 16, 0, 65536, 65536), -1,
    'a track-channel table outside memory');
  const session = new Session(exports, SESSION);
  assert.throws(() => session.process(129), /invalid argument/);
  assert.throws(() => session.configureAnalyser({ fftSize: 3000, smoothing: 0.5, minDb: -100, maxDb: -30 }), WamixError);
  assert.throws(() => session.configureAnalyser({ fftSize: 2048, smoothing: 0.5, minDb: -30, maxDb: -100 }), WamixError);
  assert.throws(() => session.writeSamples(0, new Float32Array(4)), RangeError, 'outside the pool');
  assert.throws(() => session.writeSamples(session.poolRegion + session.poolBytes - 8, new Float32Array(4)), RangeError);
  session.writeSamples(session.poolRegion, new Float32Array(4));
  session.dispose();
  assert.equal(exports.wamix_session_process(session.handle, 64), -4);
});
