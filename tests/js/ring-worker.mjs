// One end of a ring for tests/js/ring.test.mjs, and the sequences both ends
// share with tests/c/test_ring.c and tests/wasm/ring_probe.c.
//
// As a module it exports the sequence functions and runSide(), which the
// test also runs on the main thread. Started as a worker_threads Worker with
// workerData {ringWorker: true, role, buffer | memory, byteOffset, ...} it
// attaches to the ring, posts {ready: true}, runs its side and posts the
// result of runSide().
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { SharedRing } from '../../js/ring.js';
import { mulberry32 } from './helpers.mjs';

/** A 32-bit integer hash (lowbias32), as mix32() in the C files. */
export function mix32(x) {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Sample s of the sequence: 1 + k / 2^23, k the top 23 bits of a hash: exact in float32. */
export function seqValue(s, seed) {
  return 1 + (mix32((s + Math.imul(seed, 0x9e3779b9)) >>> 0) >>> 9) * 2 ** -23;
}

/** Length of record k, 1 .. maxLen. */
export function recLen(k, seed, maxLen) {
  return 1 + (mix32((k ^ Math.imul(seed, 0x85ebca6b)) >>> 0) % maxLen);
}

/** Byte j of record k. */
export function recByte(k, j) {
  return ((mix32(k) >>> ((j & 3) * 8)) + j) & 0xff;
}

let sink = 0;
const napCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Called with the number of calls in a row that moved nothing: after a
 * few dozen, sleep ~50 us so that a peer that lost its CPU (two cores,
 * other jobs) gets it back, instead of spinning out our time slice.
 */
export function backoff(idle) {
  if (idle > 64) Atomics.wait(napCell, 0, 0, 0.05);
}

/** Random rates: now and then stop for a random while. */
export function randomPause(random) {
  if (random() < 1 / 32) {
    const n = (random() * 4000) | 0;
    for (let i = 0; i < n; i++) sink = (sink + i) | 0;
  }
}

/**
 * Runs one end of a ring until `total` frames (or records) have moved or
 * the deadline passes. Roles: 'produce' / 'consume' (the sequence, random
 * chunk sizes 1..maxChunk and random pauses), 'produce-flat' /
 * 'consume-flat' (128-frame blocks, no pauses, a counter as the signal:
 * the throughput ceiling), 'produce-records' / 'consume-records'.
 * The consumer verifies every sample or byte and counts mismatches in
 * `bad`, and checks that pop never writes past the frames it returns.
 * @returns {{moved: number, bad: number, firstBad: number, ms: number, status: number, overruns: number, underruns: number, sink: number}}
 */
export function runSide(ring, { role, total, seed, maxChunk = 256, maxLen = 64, deadlineMs = 45000 }) {
  const random = mulberry32(seed ^ (role.startsWith('produce') ? 0x1234567 : 0x7654321));
  const ch = ring.channels;
  const frames = new Float32Array((Math.max(maxChunk, 128) + 1) * ch);
  const bytes = new Uint8Array(ring.maxRecordBytes || 1);
  let moved = 0, bad = 0, firstBad = -1;
  const fail = (where) => {
    if (bad++ === 0) firstBad = where;
  };
  const t0 = performance.now();
  const deadline = t0 + deadlineMs;
  let spins = 0, idle = 0;
  while (moved < total) {
    const before = moved;
    // Give up early on a ring that reports corruption, or at the deadline.
    if ((++spins & 1023) === 0 && (ring.status !== 0 || performance.now() > deadline)) break;
    switch (role) {
      case 'produce': {
        const want = Math.min(1 + ((random() * maxChunk) | 0), total - moved);
        const base = moved * ch;
        for (let i = 0; i < want * ch; i++) frames[i] = seqValue(base + i, seed);
        moved += ring.push(frames, want);
        randomPause(random);
        break;
      }
      case 'consume': {
        const want = 1 + ((random() * maxChunk) | 0);
        for (let c = 0; c < ch; c++) frames[want * ch + c] = -9; // the frame after the request
        const n = ring.pop(frames, want);
        const base = moved * ch;
        for (let i = 0; i < n * ch; i++) if (frames[i] !== seqValue(base + i, seed)) fail(base + i);
        for (let c = 0; c < ch; c++) if (frames[want * ch + c] !== -9) fail(-2);
        moved += n;
        randomPause(random);
        break;
      }
      case 'produce-flat': {
        const want = Math.min(128, total - moved);
        for (let i = 0; i < want * ch; i++) frames[i] = moved + ((i / ch) | 0);
        moved += ring.push(frames, want);
        break;
      }
      case 'consume-flat': {
        const n = ring.pop(frames, 128);
        for (let i = 0; i < n * ch; i++) if (frames[i] !== moved + ((i / ch) | 0)) fail(moved * ch + i);
        moved += n;
        break;
      }
      case 'produce-records': {
        const len = recLen(moved, seed, maxLen);
        for (let j = 0; j < len; j++) bytes[j] = recByte(moved, j);
        if (ring.pushRecord(bytes, len) === 1) moved++;
        randomPause(random);
        break;
      }
      case 'consume-records': {
        const len = ring.popRecord(bytes);
        if (len < 0) fail(moved);
        if (len > 0) {
          let ok = len === recLen(moved, seed, maxLen);
          for (let j = 0; ok && j < len; j++) ok = bytes[j] === recByte(moved, j);
          if (!ok) fail(moved);
          moved++;
        }
        randomPause(random);
        break;
      }
      default:
        throw new Error(`unknown role ${role}`);
    }
    idle = moved === before ? idle + 1 : 0;
    backoff(idle);
  }
  return {
    moved, bad, firstBad, ms: performance.now() - t0, status: ring.status, overruns: ring.overruns, underruns: ring.underruns, sink,
  };
}

if (!isMainThread && workerData?.ringWorker) {
  const buffer = workerData.memory ? workerData.memory.buffer : workerData.buffer;
  const ring = new SharedRing(buffer, workerData.byteOffset);
  parentPort.postMessage({ ready: true });
  parentPort.postMessage(runSide(ring, workerData));
}
