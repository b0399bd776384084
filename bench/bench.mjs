// npm run bench: the same workloads through the native build and the WASM
// build (in Node), in one run, several rounds each; prints a table of
// throughput (million samples per second: median and min over the rounds)
// and the realtime factor at 48 kHz. Later issues extend the table with the
// browser's own Web Audio nodes and the full reference mix.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { loadWamix, instantiate, WamixEngine } from '../js/node.js';

const ROOT = new URL('../', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60); // of audio per round
const FS = 48000, BLOCK = 128;

function noise(n, seed) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    x[i] = seed / 4294967296 - 0.5;
  }
  return x;
}

function wasmEngineRound(module) {
  const engine = new WamixEngine(instantiate(module), { sampleRate: FS, channels: 2, maxBlock: BLOCK });
  engine.inputs[0].set(noise(BLOCK, 2));
  engine.inputs[1].set(noise(BLOCK, 3));
  engine.setParam('filter_gain_db', 6);
  engine.setParam('gain_db', -6);
  const frames = SECONDS * FS;
  const process = engine.exports.wamix_engine_process; // the raw export: no JS wrapper in the loop
  const t0 = performance.now();
  for (let done = 0; done < frames; done += BLOCK) process(engine.handle, BLOCK);
  const t = (performance.now() - t0) / 1000;
  return (2 * frames) / t / 1e6;
}

function nativeRound() {
  const out = execFileSync(`${ROOT}build/native/wamix_bench_native`, [String(SECONDS)], { encoding: 'utf8' });
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const module = await loadWamix();
const native = [], wasm = [];
for (let r = 0; r < ROUNDS; r++) { // interleaved, so drift hits both alike
  native.push(nativeRound().engine);
  wasm.push(wasmEngineRound(module));
}
const row = (name, xs) => {
  const med = median(xs), min = Math.min(...xs);
  // Stereo samples -> seconds of stereo audio per second of wall time.
  return `| ${name.padEnd(23)} | ${med.toFixed(1).padStart(17)} | ${min.toFixed(1).padStart(14)} | ${((med * 1e6) / 2 / FS).toFixed(0).padStart(14)}x |`;
};
console.log(`wamix bench: engine strip (stereo: sanitise, biquad, gain, peak/RMS meters), ${BLOCK}-frame blocks,`);
console.log(`${SECONDS} s of audio per round, ${ROUNDS} rounds; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`);
console.log('');
console.log('| build                   | Msamples/s median | Msamples/s min | realtime factor |');
console.log('|-------------------------|------------------:|---------------:|----------------:|');
console.log(row('native (gcc -O3)', native));
console.log(row('WASM in Node (emcc -O3)', wasm));
console.log('');
console.log(`WASM / native: ${(median(wasm) / median(native)).toFixed(2)}`);
