// Every DSP module's WASM build (with SIMD128 and without) gives the same
// output as its native build: the harness of bench/bench_modules.c renders
// the same deterministic input through each. The tolerance is 1e-6
// relative to max(1, |value|): meters write readings in dB, where the
// last bit of log10f differs between glibc and musl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasmHarness, renderNative } from '../../bench/harness.mjs';

const BLOCK = 128, BLOCKS = 400; // about a second at 48 kHz

for (const variant of ['simd', 'scalar']) {
  const harness = loadWasmHarness(variant);
  for (const [id, name] of harness.names.entries()) {
    test(`${name}: WASM ${variant} equals native within 1e-6`, () => {
      const native = renderNative(id, BLOCK, BLOCKS);
      const wasm = harness.render(id, BLOCK, BLOCKS);
      assert.equal(wasm.length, native.length);
      let worst = 0, energy = 0;
      for (let i = 0; i < native.length; i++) {
        worst = Math.max(worst, Math.abs(wasm[i] - native[i]) / Math.max(1, Math.abs(native[i])));
        energy += native[i] * native[i];
      }
      assert.ok(energy / native.length > 1e-6, 'the output is not silent');
      assert.ok(worst <= 1e-6, `max relative |wasm - native| = ${worst}`);
    });
  }
}
