// The per-module section of `npm run bench`: every DSP module's
// throughput, the native build against the WASM build with SIMD128 and
// without, rounds interleaved so that machine noise hits every build
// alike. Prints markdown tables (Msamples/s, median of the rounds, per
// module and block size; a summary at 128 frames; the cost of each
// 128-frame block) and returns the summary values for the targets.
import { loadWasmHarness, timeNative, blockTimesNative } from './harness.mjs';

const BLOCKS = [64, 128, 256, 512, 1024, 2048, 4096];
const BUILDS = ['native', 'wasm simd', 'wasm scalar'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * @param {{rounds: number, seconds: number, blockSeconds: number}} options
 *   seconds of audio per measurement; blockSeconds of audio timed block by block
 * @returns {(build: string, name: string, block: number) => number} Msamples/s
 */
export function runModules({ rounds, seconds, blockSeconds }) {
  const simd = loadWasmHarness('simd');
  const scalar = loadWasmHarness('scalar');
  const names = simd.names;
  const samples = new Map(); // "build|name|block" -> [Msamples/s per round]
  const record = (build, name, block, value) => {
    const key = `${build}|${name}|${block}`;
    if (!samples.has(key)) samples.set(key, []);
    samples.get(key).push(value);
  };
  for (let round = 0; round < rounds; round++) {
    for (const [key, value] of timeNative(seconds, BLOCKS)) record('native', ...key.split('|'), value);
    for (const [build, harness] of [['wasm simd', simd], ['wasm scalar', scalar]]) {
      for (let id = 0; id < names.length; id++) {
        for (const block of BLOCKS) record(build, names[id], block, harness.time(id, block, seconds));
      }
    }
  }
  const value = (build, name, block) => median(samples.get(`${build}|${name}|${block}`));
  const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const width = Math.max(...names.map((n) => n.length));

  console.log(`\n## Per module: Msamples/s (samples = frames x channels), median of ${rounds} rounds,`);
  console.log(`${seconds} s of 48 kHz audio per measurement`);
  console.log('\nsummary at 128 frames\n');
  console.log(`| ${'module'.padEnd(width)} | native | wasm simd | wasm scalar | simd / scalar | wasm simd / native |`);
  console.log(`|${'-'.repeat(width + 2)}|-------:|----------:|------------:|--------------:|-------------------:|`);
  for (const name of names) {
    const [n, s, c] = BUILDS.map((b) => value(b, name, 128));
    console.log(`| ${name.padEnd(width)} | ${fmt(n).padStart(6)} | ${fmt(s).padStart(9)} | ${fmt(c).padStart(11)} | ${(s / c).toFixed(2).padStart(12)}x | ${(s / n).toFixed(2).padStart(17)}x |`);
  }
  for (const build of BUILDS) {
    console.log(`\n${build}, per block size\n`);
    console.log(`| ${'module'.padEnd(width)} | ${BLOCKS.map((b) => String(b).padStart(6)).join(' | ')} |`);
    console.log(`|${'-'.repeat(width + 2)}|${BLOCKS.map(() => '-------:').join('|')}|`);
    for (const name of names) {
      console.log(`| ${name.padEnd(width)} | ${BLOCKS.map((b) => fmt(value(build, name, b)).padStart(6)).join(' | ')} |`);
    }
  }

  // A real-time engine is bound by its worst block, not its average. The
  // budget of one 128-frame block at 48 kHz is 2667 us.
  const blocks = Math.floor((blockSeconds * 48000) / 128);
  console.log(`\ncost of one 128-frame block over ${blockSeconds} s (microseconds; budget 2667)\n`);
  console.log(`| ${'module'.padEnd(width)} | native median | p99 | max | max/median | wasm simd median | p99 | max | max/median |`);
  console.log(`|${'-'.repeat(width + 2)}|---:|---:|---:|---:|---:|---:|---:|---:|`);
  const us = (x) => x.toFixed(x < 10 ? 2 : 1);
  for (const [id, name] of names.entries()) {
    const n = blockTimesNative(id, 128, blocks);
    const w = simd.blockTimes(id, 128, blocks);
    console.log(`| ${name.padEnd(width)} | ${us(n.median)} | ${us(n.p99)} | ${us(n.max)} | ${(n.max / n.median).toFixed(1)} | ${us(w.median)} | ${us(w.p99)} | ${us(w.max)} | ${(w.max / w.median).toFixed(1)} |`);
  }
  return value;
}
