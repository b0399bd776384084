// The WASM build in Node: its ABI, its agreement with the native build,
// and its arena's refusal of what does not fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadWamix, instantiate, createOfflineEngine, renderOffline, WamixEngine, WamixError, PARAMS, METERS,
} from '../../js/node.js';
import { readCString } from '../../js/wamix-core.js';
import { createMemory, unshareMemoryImport } from '../../js/memory.js';
import { NATIVE_RENDER, SEED, testSignal } from './helpers.mjs';

const module = await loadWamix();

test('the module is standalone: it imports only its memory, which never grows', () => {
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'env', name: 'memory', kind: 'memory' }]);
  const exports = instantiate(module);
  assert.ok(exports.memory.buffer instanceof SharedArrayBuffer, 'shared where the platform allows');
  assert.equal(exports.wamix_abi_version(), 1);
  const bytes = exports.memory.buffer.byteLength;
  assert.equal(exports.memory.grow.length, 1);
  assert.throws(() => exports.memory.grow(1), RangeError, 'memory must not grow');
  assert.equal(exports.memory.buffer.byteLength, bytes);
});

test('without shared memory the patched module runs on an ordinary memory, with the same output', async () => {
  const bytes = await readFile(new URL('../../dist/wamix.wasm', import.meta.url));
  const unshared = new WebAssembly.Module(unshareMemoryImport(bytes));
  const run = (mod, memory) => {
    const engine = new WamixEngine(instantiate(mod, memory), { sampleRate: 48000, channels: 2, maxBlock: 128 });
    return renderOffline(engine, testSignal(2, 4800), { events: [{ frame: 0, param: 'gain_db', value: -6 }] });
  };
  const plain = run(unshared, createMemory({ shared: false }));
  const shared = run(module, createMemory({ shared: true }));
  assert.deepEqual(plain, shared);
  assert.throws(() => new WebAssembly.Instance(module, { env: { memory: createMemory({ shared: false }) } }), /shared/);
});

test('the JS parameter and meter tables mirror the C tables', () => {
  const exports = instantiate(module);
  assert.equal(exports.wamix_param_count(), PARAMS.length);
  assert.equal(exports.wamix_meter_count(), METERS.length);
  for (const p of PARAMS) {
    assert.equal(readCString(exports, exports.wamix_param_name(p.id)), p.name);
    assert.equal(exports.wamix_param_min(p.id), Math.fround(p.min), p.name);
    assert.equal(exports.wamix_param_max(p.id), Math.fround(p.max), p.name);
    assert.equal(exports.wamix_param_default(p.id), Math.fround(p.default), p.name);
  }
});

test('WASM output equals native output within 1e-6', (t) => {
  const channels = 2, frames = 48000, block = 128;
  const input = testSignal(channels, frames);
  const events = [
    { frame: 0, param: 1, value: 0 }, // lowpass
    { frame: 0, param: 2, value: 2000 },
    { frame: 9600, param: 0, value: -12 }, // gain glides down
    { frame: 19200, param: 2, value: 300 }, // cutoff glides
    { frame: 28800, param: 1, value: 6 }, // low shelf
    { frame: 28800, param: 4, value: 9 },
    { frame: 38400, param: 3, value: 4 },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'wamix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const planar = new Float32Array(channels * frames);
  input.forEach((x, c) => planar.set(x, c * frames));
  writeFileSync(join(dir, 'in.f32'), planar);
  execFileSync(NATIVE_RENDER, [channels, frames, block, join(dir, 'in.f32'), join(dir, 'out.f32'),
    ...events.map((e) => `${e.frame}:${e.param}:${e.value}`)].map(String));
  const nativeOut = new Float32Array(readFileSync(join(dir, 'out.f32')).buffer.slice(0));

  const engine = new WamixEngine(instantiate(module), { sampleRate: 48000, channels, maxBlock: block });
  const wasmOut = renderOffline(engine, input, { events });
  let worst = 0, energy = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < frames; i++) {
      const n = nativeOut[c * frames + i];
      worst = Math.max(worst, Math.abs(wasmOut[c][i] - n));
      energy += n * n;
    }
  }
  assert.ok(energy / (channels * frames) > 1e-3, 'the rendered signal is not silent');
  assert.ok(worst <= 1e-6, `max |wasm - native| = ${worst} (SEED=${SEED})`);
});

test('the arena refuses what does not fit and loses nothing', () => {
  const exports = instantiate(module, createMemory({ bytes: 16 << 20 }));
  const arenaBytes = exports.wamix_arena_size();
  assert.ok(arenaBytes > 8 << 20, `arena is ${arenaBytes} bytes`);
  const used = exports.wamix_arena_used();
  // 2 channels x (in + out) x 2^20 frames x 4 bytes = 16 MiB: more than all of memory.
  assert.ok(exports.wamix_engine_memory_size(2, 1 << 20) > arenaBytes);
  assert.throws(() => new WamixEngine(exports, { sampleRate: 48000, channels: 2, maxBlock: 1 << 20 }),
    (e) => e instanceof WamixError && e.code === -2 && /arena exhausted/.test(e.message));
  assert.equal(exports.wamix_arena_used(), used, 'a refused engine consumes nothing');

  // Fill it with engines of 4 MiB until one is refused; then free them all.
  const big = 1 << 18;
  const engines = [];
  for (;;) {
    try {
      engines.push(new WamixEngine(exports, { sampleRate: 48000, channels: 2, maxBlock: big }));
    } catch (e) {
      assert.equal(e.code, -2);
      break;
    }
  }
  assert.equal(engines.length, Math.floor((arenaBytes - used) / exports.wamix_engine_memory_size(2, big)));
  assert.ok(exports.wamix_arena_remaining() < exports.wamix_engine_memory_size(2, big));
  engines.forEach((e) => e.dispose());
  assert.equal(exports.wamix_arena_used(), used, 'disposing every engine returns all memory');
  // And a normal engine still fits and works afterwards.
  const engine = new WamixEngine(exports, { sampleRate: 48000, channels: 2, maxBlock: 128 });
  engine.inputs[0].fill(0.5);
  engine.process(128);
  assert.ok(engine.outputs[0][127] > 0.4);
});

test('invalid arguments and handles are error codes, never traps', () => {
  const exports = instantiate(module);
  assert.equal(exports.wamix_engine_process(0, 128), -4);
  assert.equal(exports.wamix_engine_process(99, 128), -4);
  assert.equal(exports.wamix_engine_set_param(-1, 0, 1), -4);
  assert.equal(exports.wamix_engine_input(5, 0), 0);
  assert.equal(exports.wamix_engine_create(48000, 3, 128), -1);
  assert.equal(exports.wamix_engine_create(NaN, 2, 128), -1);
  const engine = new WamixEngine(exports, { sampleRate: 48000, channels: 1, maxBlock: 64 });
  assert.throws(() => engine.process(65), /invalid argument/);
  assert.equal(exports.wamix_engine_set_param(engine.handle, 99, 1), -5);
  assert.equal(engine.setParam('gain_db', NaN), -1);
  assert.equal(engine.setParam('gain_db', 1000), -3);
  assert.throws(() => engine.setParam('no_such_param', 1), RangeError);
  engine.dispose();
  assert.equal(exports.wamix_engine_process(engine.handle, 64), -4);
});

test('offline render: a -20 dB gain shows as -20 dB on the meters', async () => {
  const engine = await createOfflineEngine({ sampleRate: 48000, channels: 2, maxBlock: 512 });
  const sine = (frames) => Float32Array.from({ length: frames }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
  renderOffline(engine, [sine(96000), sine(96000)]);
  const before = engine.meters().rms_db_l;
  assert.ok(Math.abs(before - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.05, `rms ${before}`);
  engine.setParam('gain_db', -20);
  renderOffline(engine, [sine(144000), sine(144000)]);
  const after = engine.meters();
  assert.ok(Math.abs(after.rms_db_l - before + 20) < 0.05, `rms moved ${after.rms_db_l - before} dB`);
  assert.equal(after.nonfinite, 0);
});
