// A change measured side by side: the reference mix rendered by this tree's
// builds and another checkout's (built with `npm run build`), alternating
// run by run in one process, so that machine noise hits both alike.
//   node bench/compare.mjs <other checkout> [tracks 128] [channels 1] [seconds 3] [runs 5]
// Prints the median (and every run's) realtime factor of the native build
// (wamix_bench_modules --mix) and the WASM SIMD harness in Node (bench_mix_run).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, WASM_BUILDS, loadWasmHarness } from './harness.mjs';

const [other, tracks = 128, channels = 1, seconds = 3, runs = 5] = process.argv.slice(2);
if (!other) {
  console.error('usage: node bench/compare.mjs <other checkout> [tracks] [channels] [seconds] [runs]');
  process.exit(1);
}
const trees = { this: ROOT, other: `${resolve(other)}/` };
const native = (tree) => `${tree}build/native/wamix_bench_modules`;
const wasm = (tree) => `${tree}build/wasm/wamix_bench_simd.wasm`;
for (const tree of Object.values(trees))
  for (const file of [native(tree), wasm(tree)])
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build in ${tree}`);

const harness = {};
for (const [name, tree] of Object.entries(trees)) {
  WASM_BUILDS.simd = wasm(tree);
  harness[name] = loadWasmHarness('simd');
}
const factors = {};
const record = (key, wall) => (factors[key] ??= []).push(Number(seconds) / wall);
for (let r = 0; r < Number(runs); r++)
  for (const [name, tree] of Object.entries(trees)) {
    const args = ['--mix', String(tracks), String(channels), String(seconds), '1'];
    record(`native, ${name}`, Number(execFileSync(native(tree), args, { encoding: 'utf8' }).split(' ')[0]));
    record(`WASM, ${name}`, harness[name].mix(Number(tracks), Number(channels), Number(seconds)).wall);
  }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`reference mix, ${tracks} ${Number(channels) === 1 ? 'mono' : 'stereo'} tracks, ${seconds} s, ${runs} runs`);
console.log('| build | median realtime factor | every run |\n|-------|------:|-------|');
for (const [key, xs] of Object.entries(factors))
  console.log(`| ${key} | ${median(xs).toFixed(2)}x | ${xs.map((x) => x.toFixed(2)).join(' ')} |`);
