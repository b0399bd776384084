// Loads the per-module harness (bench/bench_modules.c) in its three builds:
// native (a subprocess), WASM with SIMD128 and WASM scalar (in this process).
// Used by bench/bench.mjs and by tests/js/modules.test.mjs.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { instantiate, readCString } from '../js/wamix-core.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const NATIVE_BENCH = `${ROOT}build/native/wamix_bench_modules`;
export const WASM_BUILDS = { simd: `${ROOT}build/wasm/wamix_bench_simd.wasm`, scalar: `${ROOT}build/wasm/wamix_bench_scalar.wasm` };

/** One WASM build of the harness: names, setup, run, and the output views. */
export function loadWasmHarness(variant) {
  const exports = instantiate(new WebAssembly.Module(readFileSync(WASM_BUILDS[variant])));
  const count = exports.bench_module_count();
  const names = Array.from({ length: count }, (_, id) => readCString(exports, exports.bench_module_name(id)));
  return {
    names,
    channels: (id) => exports.bench_module_samples_per_frame(id),
    setup(id, block) {
      const err = exports.bench_setup(id, block);
      if (err < 0) throw new Error(`bench_setup(${names[id]}, ${block}) failed: ${err}`);
    },
    run: (id, blocks) => exports.bench_run(id, blocks),
    output: (channel, frames) => new Float32Array(exports.memory.buffer, exports.bench_output(channel), frames),
    /** Output of `blocks` consecutive blocks, laid out as the native --render writes it. */
    render(id, block, blocks) {
      this.setup(id, block);
      const channels = exports.bench_module_samples_per_frame(id);
      const out = new Float32Array(blocks * channels * block);
      for (let b = 0; b < blocks; b++) {
        exports.bench_run(id, 1);
        for (let c = 0; c < channels; c++) out.set(this.output(c, block), (b * channels + c) * block);
      }
      return out;
    },
    /** Median, p99 and max time of one block in microseconds, over `blocks` blocks. */
    blockTimes(id, block, blocks) {
      this.setup(id, block);
      const times = new Float64Array(blocks);
      for (let b = 0; b < blocks; b++) {
        const t0 = performance.now();
        exports.bench_run(id, 1);
        times[b] = (performance.now() - t0) * 1000;
      }
      times.sort();
      return { median: times[blocks >> 1], p99: times[blocks - 1 - Math.floor(blocks / 100)], max: times[blocks - 1] };
    },
    /**
     * Renders `seconds` of the reference mix (bench/bench_refmix.c) after an
     * untimed setup; returns the wall time and the master RMS per channel (dB).
     */
    mix(tracks, channels, seconds) {
      const err = exports.bench_mix_setup(tracks, channels);
      if (err < 0) throw new Error(`bench_mix_setup(${tracks}, ${channels}) failed: ${err}`);
      const blocks = Math.round((seconds * 48000) / 128);
      const t0 = performance.now();
      exports.bench_mix_run(blocks);
      const wall = (performance.now() - t0) / 1000;
      return { wall, rmsDb: [exports.bench_mix_rms_db(0), exports.bench_mix_rms_db(1)] };
    },
    /** Msamples/s of one module at one block size over `seconds` of audio (after a short warm-up). */
    time(id, block, seconds) {
      this.setup(id, block);
      exports.bench_run(id, Math.ceil(4800 / block)); // let the JIT tier up first
      const blocks = Math.floor((seconds * 48000) / block) + 1;
      const t0 = performance.now();
      exports.bench_run(id, blocks);
      const t = (performance.now() - t0) / 1000;
      return (blocks * block * exports.bench_module_samples_per_frame(id)) / t / 1e6;
    },
  };
}

/** The native build's output of a module, as raw floats. */
export function renderNative(id, block, blocks) {
  const bytes = execFileSync(NATIVE_BENCH, ['--render', String(id), String(block), String(blocks)], { maxBuffer: 1 << 28 });
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Median, p99 and max time of one block (microseconds) in the native build. */
export function blockTimesNative(id, block, blocks) {
  const out = execFileSync(NATIVE_BENCH, ['--blocks', String(id), String(block), String(blocks)], { encoding: 'utf8' });
  const [median, p99, max] = out.trim().split(' ').map(Number);
  return { median, p99, max };
}

/** Runs the native harness; returns Map "name|block" -> Msamples/s. */
export function timeNative(seconds, blocks) {
  const out = execFileSync(NATIVE_BENCH, [String(seconds), ...blocks.map(String)], { encoding: 'utf8' });
  const result = new Map();
  for (const line of out.trim().split('\n')) {
    const parts = line.split(' ');
    const value = Number(parts.pop()), block = Number(parts.pop());
    result.set(`${parts.join(' ')}|${block}`, value);
  }
  return result;
}

/** Renders the reference mix natively `runs` times; returns [{wall, rmsDb}] per run. */
export function mixNative(tracks, channels, seconds, runs) {
  const out = execFileSync(NATIVE_BENCH, ['--mix', String(tracks), String(channels), String(seconds), String(runs)],
    { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => {
    const [wall, left, right] = line.split(' ').map(Number);
    return { wall, rmsDb: [left, right] };
  });
}
