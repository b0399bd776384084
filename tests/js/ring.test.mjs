// The shared-memory ring's JavaScript twin (js/ring.js): the layout it
// shares with dsp/wm_ring.h; a sequence verified call by call against a
// model across ~100x the capacity (frames and records, indices wrapping past
// 2^32, canaries around the ring and behind every destination); corrupted
// headers and record lengths, one by one and as a random fuzz; two threads
// (a producer Worker, the consumer on the main thread) moving ten million
// samples; and the pairing with C: a WASM module (tests/wasm/ring_probe.c,
// the C ring inside) instantiated on a shared WebAssembly.Memory, with the
// JavaScript twin in a Worker at the other end, ten million samples each
// way, records, and the C side facing a header corrupted from JavaScript.
// SEED=n changes every sequence, chunk size and pause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  SharedRing, RING_FRAMES, RING_RECORDS, RING_MAGIC, RING_HEADER_BYTES, RING_ALIGN, RING_MAX_CHANNELS,
  RING_MAX_CAPACITY, RING_MAX_DATA_BYTES, RING_BAD_INDEX, RING_BAD_GEOMETRY, RING_BAD_RECORD, RING_ERR_ARG,
  RING_ERR_RANGE,
} from '../../js/ring.js';
import { ROOT, SEED, mulberry32 } from './helpers.mjs';
import { runSide, randomPause, backoff, seqValue, recLen, recByte } from './ring-worker.mjs';

const GUARD = 256;
const CANARY = 0xa5;
const WORKER = new URL('./ring-worker.mjs', import.meta.url);
const seedNote = `(SEED=${SEED})`;

/** A buffer with GUARD canary bytes before and after a ring of `bytes`. */
function guarded(bytes, Buffer = SharedArrayBuffer) {
  const buffer = new Buffer(GUARD * 2 + bytes);
  const u8 = new Uint8Array(buffer);
  u8.fill(CANARY);
  return {
    buffer,
    offset: GUARD,
    intact: () => u8.subarray(0, GUARD).every((b) => b === CANARY) &&
      u8.subarray(GUARD + bytes).every((b) => b === CANARY),
  };
}

function words(buffer, offset) {
  return new Uint32Array(buffer, offset, RING_HEADER_BYTES / 4);
}

test('the layout block is the same text in dsp/wm_ring.h and js/ring.js', () => {
  const block = (file, prefix) => {
    const text = readFileSync(`${ROOT}${file}`, 'utf8').split('\n');
    const from = text.findIndex((l) => l.includes('LAYOUT ('));
    const to = text.findIndex((l) => l.includes('LAYOUT END'));
    assert.ok(from > 0 && to > from, `${file} has a LAYOUT ... LAYOUT END block`);
    return text.slice(from, to + 1).map((l) => l.replace(prefix, '').trimEnd());
  };
  const c = block('dsp/wm_ring.h', /^ {3}/);
  const js = block('js/ring.js', /^ \* ?/);
  assert.deepEqual(js, c);
  console.log(`ring layout: ${c.length} lines, identical in C and JS`);
});

test('create, attach and their refusals', () => {
  assert.equal(SharedRing.bytes(RING_FRAMES, 64, 2), 192 + 64 * 8);
  assert.equal(SharedRing.bytes(RING_RECORDS, 1024), 192 + 4096);
  for (const [kind, cap, ch] of [[RING_FRAMES, 0, 1], [RING_FRAMES, 3, 1], [RING_FRAMES, 96, 2], [RING_FRAMES, 2 ** 25, 1],
    [RING_FRAMES, 64, 0], [RING_FRAMES, 64, 33], [RING_FRAMES, 64, 1.5], [RING_RECORDS, 64, 2], [0, 64, 1],
    [RING_FRAMES, 2 ** 24, 32]]) {
    assert.equal(SharedRing.bytes(kind, cap, ch), 0, `${kind} ${cap} ${ch}`);
  }
  const bytes = SharedRing.bytes(RING_FRAMES, 64, 3);
  const g = guarded(bytes + 64);
  assert.throws(() => SharedRing.create(g.buffer, g.offset + 4, { capacity: 64, channels: 3 }), /multiple of 64/);
  assert.throws(() => SharedRing.create(g.buffer, g.offset, { capacity: 63, channels: 3 }), /invalid geometry/);
  assert.throws(() => SharedRing.create(g.buffer, g.buffer.byteLength - 64, { capacity: 64, channels: 3 }), /do not fit/);
  assert.throws(() => new SharedRing(g.buffer, g.offset), /bad magic/);
  const p = SharedRing.create(g.buffer, g.offset, { capacity: 64, channels: 3 });
  const h = words(g.buffer, g.offset);
  assert.deepEqual([...h.subarray(0, 9)], [RING_MAGIC, 1, RING_FRAMES, 3, 12, 64, 192, 768, 0]);
  assert.equal(new TextDecoder().decode(new Uint8Array(g.buffer, g.offset, 4)), 'WRNG');
  assert.equal(p.push(Float32Array.of(1, 2, 3, 4, 5, 6)), 2);
  assert.equal(h[16], 2);
  assert.deepEqual([...new Float32Array(g.buffer, g.offset + 192, 6)], [1, 2, 3, 4, 5, 6]);
  const c = new SharedRing(g.buffer, g.offset);
  assert.equal(c.capacity, 64);
  assert.equal(c.channels, 3);
  assert.equal(c.availableRead(), 2);
  const out = new Float32Array(15);
  assert.equal(c.pop(out, 5), 2);
  assert.deepEqual([...out.subarray(0, 6)], [1, 2, 3, 4, 5, 6]);
  assert.equal(h[32], 2);
  assert.equal(c.underruns, 1);
  assert.equal(h[33], 1);
  // Wrong kind, fields checked only at attach.
  assert.equal(p.pushRecord(new Uint8Array(4)), RING_ERR_ARG);
  assert.equal(c.popRecord(new Uint8Array(4)), RING_ERR_ARG);
  assert.equal(c.nextRecordBytes(), RING_ERR_ARG);
  for (const word of [1, 2, 3, 6, 7]) {
    const keep = h[word];
    h[word] = keep + 1;
    assert.throws(() => new SharedRing(g.buffer, g.offset), RangeError, `word ${word}`);
    h[word] = keep;
  }
  h[5] = 1 << 20;
  assert.throws(() => new SharedRing(g.buffer, g.offset), /does not fit|bad geometry|data size/);
  h[5] = 64;
  assert.equal(new SharedRing(g.buffer, g.offset).capacity, 64);
  assert.ok(g.intact());
  // A plain ArrayBuffer works too (one thread, or the MessagePort fallback).
  const plain = SharedRing.create(new ArrayBuffer(SharedRing.bytes(RING_RECORDS, 16)), 0, { kind: RING_RECORDS, capacity: 16 });
  assert.equal(plain.maxRecordBytes, 60);
  assert.equal(plain.pushRecord(Uint8Array.of(7, 8, 9)), 1);
  const rec = new Uint8Array(8);
  assert.equal(plain.popRecord(rec), 3);
  assert.deepEqual([...rec.subarray(0, 3)], [7, 8, 9]);
});

function framesAgainstModel(channels, startIndex, seed) {
  const CAP = 64, MAXCHUNK = 2 * CAP + 1, TAIL = 4, SENTINEL = -7;
  const bytes = SharedRing.bytes(RING_FRAMES, CAP, channels);
  const g = guarded(bytes);
  const p = SharedRing.create(g.buffer, g.offset, { capacity: CAP, channels });
  const c = new SharedRing(g.buffer, g.offset);
  const h = words(g.buffer, g.offset);
  h[16] = startIndex; // both indices just short of 2^32: the run crosses the wrap
  h[32] = startIndex;
  const random = mulberry32(seed);
  const src = new Float32Array(MAXCHUNK * channels), dst = new Float32Array((MAXCHUNK + TAIL) * channels);
  let written = 0, read = 0, overruns = 0, underruns = 0, bad = 0;
  while (read < 100 * CAP) {
    let used = written - read;
    let want = (random() * (MAXCHUNK + 1)) | 0;
    for (let i = 0; i < want * channels; i++) src[i] = seqValue(written * channels + i, seed);
    assert.equal(p.availableWrite(), CAP - used);
    let n = p.push(src, want);
    assert.equal(n, Math.min(want, CAP - used), `push ${seedNote}`);
    if (n < want) overruns++;
    written += n;
    used = written - read;
    want = (random() * (MAXCHUNK + 1)) | 0;
    dst.fill(SENTINEL);
    assert.equal(c.availableRead(), used);
    n = c.pop(dst, want);
    assert.equal(n, Math.min(want, used), `pop ${seedNote}`);
    if (n < want) underruns++;
    for (let i = 0; i < n * channels; i++) bad += dst[i] !== seqValue(read * channels + i, seed);
    for (let i = n * channels; i < dst.length; i++) bad += dst[i] !== SENTINEL;
    read += n;
  }
  assert.equal(bad, 0, `${bad} bad samples, ${channels} channels ${seedNote}`);
  assert.equal(p.overruns, overruns);
  assert.equal(c.underruns, underruns);
  assert.equal(h[16], (startIndex + written) >>> 0);
  assert.equal(c.status, 0);
  assert.ok(g.intact(), 'canaries around the ring');
  return read * channels;
}

test('frames: a sequence against a model, ~100x the capacity, across the 2^32 wrap', () => {
  let samples = 0;
  for (const [i, ch] of [1, 2, 3, 8].entries()) {
    samples += framesAgainstModel(ch, 0, SEED + i);
    samples += framesAgainstModel(ch, 0xffffff00, SEED + 10 + i);
  }
  console.log(`ring model, frames: ${samples} samples verified call by call (1, 2, 3, 8 channels), canaries intact`);
});

test('records: a sequence against a model, ~100x the capacity, across the 2^32 wrap', () => {
  const CAP = 64, MAXREC = 4 * (CAP - 1), TAIL = 16;
  for (const startIndex of [0, 0xffffffc0]) {
    const seed = SEED + startIndex;
    const g = guarded(SharedRing.bytes(RING_RECORDS, CAP));
    const p = SharedRing.create(g.buffer, g.offset, { kind: RING_RECORDS, capacity: CAP });
    const c = new SharedRing(g.buffer, g.offset);
    const h = words(g.buffer, g.offset);
    h[16] = startIndex;
    h[32] = startIndex;
    assert.equal(c.maxRecordBytes, MAXREC);
    const random = mulberry32(seed);
    const src = new Uint8Array(MAXREC), dst = new Uint8Array(MAXREC + TAIL);
    const pending = [];
    let pushed = 0, popped = 0, used = 0, moved = 0, overruns = 0, bad = 0, refusedBig = 0;
    while (moved < 100 * CAP) {
      const len = recLen(pushed, seed, random() < 1 / 8 ? MAXREC : 24);
      for (let j = 0; j < len; j++) src[j] = recByte(pushed, j);
      const w = SharedRing.recordWords(len);
      const got = p.pushRecord(src, len);
      assert.equal(got, w <= CAP - used ? 1 : 0, seedNote);
      if (got === 1) {
        pending.push(len);
        used += w;
        pushed++;
      } else {
        overruns++;
      }
      const pops = (random() * 3) | 0;
      for (let k = 0; k < pops; k++) {
        const expectLen = pending.length ? pending[0] : 0;
        assert.equal(c.nextRecordBytes(), expectLen);
        const room = random() < 1 / 6 ? (random() * MAXREC) | 0 : MAXREC;
        dst.fill(0xee);
        const n = c.popRecord(dst.subarray(0, room)); // a view: test code may allocate
        if (!expectLen) {
          assert.equal(n, 0);
        } else if (expectLen > room) {
          assert.equal(n, RING_ERR_RANGE);
          assert.equal(c.nextRecordBytes(), expectLen, 'a refused record stays');
          refusedBig++;
        } else {
          assert.equal(n, expectLen);
          for (let j = 0; j < n; j++) bad += dst[j] !== recByte(popped, j);
          for (let j = n; j < dst.length; j++) bad += dst[j] !== 0xee;
          pending.shift();
          used -= SharedRing.recordWords(n);
          moved += SharedRing.recordWords(n);
          popped++;
        }
      }
      assert.equal(c.availableRead(), used);
    }
    assert.equal(bad, 0, seedNote);
    assert.ok(refusedBig > 0);
    assert.equal(p.overruns, overruns);
    assert.equal(c.underruns, 0, 'an empty record poll is not an underrun');
    assert.equal(c.status, 0);
    assert.ok(g.intact());
  }
  // Padding: a record that wraps, zero-padded, nothing touched beyond it.
  const g = guarded(SharedRing.bytes(RING_RECORDS, 8));
  const r = SharedRing.create(g.buffer, g.offset, { kind: RING_RECORDS, capacity: 8 });
  const h = words(g.buffer, g.offset);
  const data = new Uint32Array(g.buffer, g.offset + 192, 8);
  data.fill(0xffffffff);
  h[16] = 6;
  h[32] = 6;
  assert.equal(r.pushRecord(new TextEncoder().encode('abcdef')), 1);
  assert.equal(data[6], 6);
  assert.deepEqual([...new Uint8Array(g.buffer, g.offset + 192, 8)], [0x65, 0x66, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  assert.equal(new TextDecoder().decode(new Uint8Array(g.buffer, g.offset + 192 + 28, 4)), 'abcd');
  const out = new Uint8Array(8);
  assert.equal(r.popRecord(out), 6);
  assert.equal(new TextDecoder().decode(out.subarray(0, 6)), 'abcdef');
  assert.equal(r.pushRecord(new Uint8Array(29)), RING_ERR_ARG, 'over maxRecordBytes');
  assert.equal(r.pushRecord(new Uint8Array(0)), RING_ERR_ARG, 'empty');
  assert.equal(r.push(new Float32Array(4)), RING_ERR_ARG, 'frames on a records ring');
  assert.ok(g.intact());
});

/** A producer and a consumer over a guarded ring, for the corruption tests. */
function pair(kind, capacity, channels = 1) {
  const g = guarded(SharedRing.bytes(kind, capacity, channels));
  const p = SharedRing.create(g.buffer, g.offset, { kind, capacity, channels });
  const c = new SharedRing(g.buffer, g.offset);
  return { g, p, c, h: words(g.buffer, g.offset), data32: new Uint32Array(g.buffer, g.offset + 192, capacity * channels) };
}

function expectDead({ g, p, c }, bit, what) {
  const dst = new Float32Array(64 * 4).fill(-3);
  assert.equal(c.availableRead(), 0, what);
  assert.equal(c.pop(dst, 64), 0, what);
  assert.equal(p.push(new Float32Array(4 * 4), 1), 0, what);
  assert.equal(p.availableWrite(), 0, what);
  assert.ok(c.status & bit, `${what}: status ${c.status}`);
  assert.ok(dst.every((x) => x === -3), `${what}: dst untouched`);
  assert.ok(g.intact(), `${what}: canaries`);
}

function expectRecovers({ p, c }) {
  p.reset();
  assert.equal(c.status, 0);
  const src = Float32Array.from({ length: 8 * c.channels }, (_, i) => seqValue(i, 77));
  const dst = new Float32Array(8 * c.channels);
  assert.equal(p.push(src, 8), 8);
  assert.equal(c.pop(dst, 8), 8);
  assert.deepEqual(dst, src);
}

test('corrupted headers: nothing moves, nothing is written outside, reset recovers', () => {
  const x = pair(RING_FRAMES, 64, 4);
  x.p.push(new Float32Array(40), 10);
  const cases = [
    ['write index beyond capacity', () => { x.h[16] = x.h[32] + 65; }, RING_BAD_INDEX],
    ['read index ahead of write', () => { x.h[32] = x.h[16] + 1; }, RING_BAD_INDEX],
    ['write index far away', () => { x.h[16] = 0x80000000; }, RING_BAD_INDEX],
    ['capacity grows', () => { x.h[5] = 1 << 20; }, RING_BAD_GEOMETRY],
    ['capacity shrinks', () => { x.h[5] = 32; }, RING_BAD_GEOMETRY],
    ['element size', () => { x.h[4] = 4; }, RING_BAD_GEOMETRY],
    ['magic', () => { x.h[0] ^= 1; }, RING_BAD_GEOMETRY],
    ['a peer reported trouble', () => { x.h[8] = 0x80; }, 0x80],
  ];
  for (const [what, corrupt, bit] of cases) {
    corrupt();
    expectDead(x, bit, what);
    expectRecovers(x);
  }

  const y = pair(RING_RECORDS, 64);
  const dst = new Uint8Array(300);
  for (const len of [0, 0xffffffff, 4 * 63 + 1, 0x80000000, 13]) {
    y.p.reset();
    assert.equal(y.p.pushRecord(new TextEncoder().encode('0123456789')), 1); // 4 words
    y.data32[0] = len; // 13 bytes would need 5 words
    dst.fill(0xee);
    assert.equal(y.c.nextRecordBytes(), 0, `length ${len}`);
    assert.equal(y.c.popRecord(dst), 0, `length ${len}`);
    assert.ok(y.c.status & RING_BAD_RECORD, `length ${len}: status ${y.c.status}`);
    assert.equal(y.p.pushRecord(Uint8Array.of(1)), 0);
    assert.ok(dst.every((b) => b === 0xee));
    assert.ok(y.g.intact());
  }
  y.p.reset();
  assert.equal(y.p.pushRecord(Uint8Array.of(1, 2, 3, 4)), 1);
  assert.equal(y.c.popRecord(dst), 4);
});

test('corruption fuzz: random header and length words between random operations', () => {
  for (const kind of [RING_FRAMES, RING_RECORDS]) {
    const CAP = 64, CH = kind === RING_FRAMES ? 2 : 1, ITER = 100000;
    const x = pair(kind, CAP, CH);
    const random = mulberry32(SEED ^ kind);
    const below = (n) => (random() * n) >>> 0;
    const fsrc = new Float32Array(CAP * 2 * CH), fdst = new Float32Array((CAP * 2 + 4) * CH);
    const bsrc = new Uint8Array(4 * CAP), bdst = new Uint8Array(4 * CAP + 16);
    let corrupted = 0, deadMoves = 0, detected = 0;
    for (let it = 0; it < ITER; it++) {
      const op = below(16);
      const before = x.c.status;
      if (op < 5) {
        const want = below(CAP * 2);
        const n = kind === RING_FRAMES ? x.p.push(fsrc, want) : x.p.pushRecord(bsrc, 1 + below(4 * (CAP - 1)));
        assert.ok(n >= 0 && n <= (kind === RING_FRAMES ? want : 1), `push ${n} ${seedNote}`);
        if (before && n > 0) deadMoves++;
      } else if (op < 10) {
        const want = below(CAP * 2);
        if (kind === RING_FRAMES) {
          fdst.fill(-5);
          const n = x.c.pop(fdst, want);
          assert.ok(n >= 0 && n <= want && n <= CAP, `pop ${n} ${seedNote}`);
          for (let i = n * CH; i < fdst.length; i++) assert.equal(fdst[i], -5, seedNote);
          if (before && n > 0) deadMoves++;
        } else {
          bdst.fill(0xee);
          const room = 4 * want;
          const n = x.c.popRecord(bdst.subarray(0, room));
          assert.ok(n === RING_ERR_RANGE || (n >= 0 && n <= room && n <= 4 * (CAP - 1)), `popRecord ${n} ${seedNote}`);
          for (let j = Math.max(n, 0); j < bdst.length; j++) assert.equal(bdst[j], 0xee, seedNote);
          if (before && n > 0) deadMoves++;
        }
      } else if (op < 14) {
        assert.ok(x.c.availableRead() <= CAP);
        assert.ok(x.p.availableWrite() <= CAP);
      } else if (op === 14) {
        corrupted++;
        const v = [() => below(2 ** 32), () => below(2 * CAP), () => 0, () => 0xffffffff - below(4)][below(4)]();
        if (kind === RING_RECORDS && below(2)) x.data32[below(CAP)] = v;
        else x.h[below(RING_HEADER_BYTES / 4)] = v;
      } else if (below(8) === 0) {
        if (x.c.status) detected++;
        x.p.reset();
      }
      if (!x.g.intact()) assert.fail(`canaries hit at operation ${it} ${seedNote}`);
    }
    assert.equal(deadMoves, 0, 'a ring with its status set moves nothing');
    x.p.reset();
    if (kind === RING_FRAMES) {
      expectRecovers(x);
    } else {
      assert.equal(x.p.pushRecord(Uint8Array.of(9, 8, 7)), 1);
      assert.equal(x.c.popRecord(bdst), 3);
    }
    console.log(`ring fuzz, ${kind === RING_FRAMES ? 'frames' : 'records'}: ${ITER} operations, ${corrupted} corruptions, ` +
      `${detected} resets found the status set; canaries intact`);
  }
});

/** Starts a ring worker; resolves `ready` when it attached, `done` with its result. */
function startWorker(data) {
  const worker = new Worker(WORKER, { workerData: { ringWorker: true, ...data } });
  let onReady;
  const ready = new Promise((resolve) => { onReady = resolve; });
  const done = new Promise((resolve, reject) => {
    worker.on('message', (m) => (m.ready ? onReady() : resolve(m)));
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`ring worker exited (${code}) before its result`)));
  });
  return { worker, ready, done };
}

const msps = (samples, ms) => (samples / ms / 1000).toFixed(1);

test('JS-JS: a producer Worker and the consumer on the main thread, 10 million samples', async (t) => {
  const channels = 2, capacity = 1024, frames = 5_000_000;
  const g = guarded(SharedRing.bytes(RING_FRAMES, capacity, channels));
  const consumer = SharedRing.create(g.buffer, g.offset, { capacity, channels });
  const w = startWorker({ role: 'produce', buffer: g.buffer, byteOffset: g.offset, total: frames, seed: SEED, maxChunk: 512 });
  t.after(() => w.worker.terminate());
  await w.ready;
  const got = runSide(consumer, { role: 'consume', total: frames, seed: SEED, maxChunk: 512 });
  const sent = await w.done;
  assert.equal(sent.moved, frames, `producer ${seedNote}`);
  assert.equal(got.moved, frames, `consumer ${seedNote}`);
  assert.equal(got.bad, 0, `first bad sample ${got.firstBad} ${seedNote}`);
  assert.equal(consumer.availableRead(), 0);
  assert.equal(consumer.status, 0);
  assert.ok(g.intact());
  console.log(`ring JS-JS: ${frames * channels} samples (${channels} ch, capacity ${capacity}, chunks 1..512, random pauses) ` +
    `in ${(got.ms / 1000).toFixed(2)} s: ${msps(frames * channels, got.ms)} Msamples/s; lost/duplicated/reordered: ${got.bad}; ` +
    `overruns ${sent.overruns}, underruns ${got.underruns}`);

  // Flat out: 128-frame stereo blocks, no pauses.
  const flat = guarded(SharedRing.bytes(RING_FRAMES, capacity, channels));
  const fc = SharedRing.create(flat.buffer, flat.offset, { capacity, channels });
  const total = 8 << 20; // frames: a counter, exact in float32
  const fw = startWorker({ role: 'produce-flat', buffer: flat.buffer, byteOffset: flat.offset, total, seed: SEED });
  t.after(() => fw.worker.terminate());
  await fw.ready;
  const fgot = runSide(fc, { role: 'consume-flat', total, seed: SEED });
  await fw.done;
  assert.equal(fgot.moved, total);
  assert.equal(fgot.bad, 0);
  console.log(`ring JS-JS flat out: ${total * channels} samples in 128-frame stereo blocks in ${(fgot.ms / 1000).toFixed(2)} s: ` +
    `${msps(total * channels, fgot.ms)} Msamples/s; lost/duplicated/reordered: 0`);
});

test('JS-JS: records from a Worker, 200 thousand', async (t) => {
  const total = 200_000, maxLen = 64;
  const g = guarded(SharedRing.bytes(RING_RECORDS, 256));
  const consumer = SharedRing.create(g.buffer, g.offset, { kind: RING_RECORDS, capacity: 256 });
  const w = startWorker({ role: 'produce-records', buffer: g.buffer, byteOffset: g.offset, total, seed: SEED, maxLen });
  t.after(() => w.worker.terminate());
  await w.ready;
  const got = runSide(consumer, { role: 'consume-records', total, seed: SEED, maxLen });
  await w.done;
  assert.equal(got.moved, total, seedNote);
  assert.equal(got.bad, 0, `first bad record ${got.firstBad} ${seedNote}`);
  assert.ok(g.intact());
  console.log(`ring JS-JS records: ${total} records of 1..${maxLen} bytes in ${(got.ms / 1000).toFixed(2)} s: ` +
    `${(total / got.ms / 1000).toFixed(2)} Mrecords/s; lost/duplicated/reordered/damaged: 0`);
});

// ---- the pairing with C, through the WASM probe ----------------------------

const PROBE_PAGES = 64; // = WAMIX_RING_PROBE_MEMORY in tests/wasm/CMakeLists.txt

/** The probe module, built with the WASM build (tests/wasm/CMakeLists.txt). */
function probeModulePath() {
  const path = process.env.WAMIX_RING_PROBE ?? `${ROOT}build/wasm/ring-probe/ring_probe.wasm`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run build' first`);
  return path;
}

let probeModule;
function loadProbe() {
  probeModule ??= new WebAssembly.Module(readFileSync(probeModulePath()));
  const memory = new WebAssembly.Memory({ initial: PROBE_PAGES, maximum: PROBE_PAGES, shared: true });
  const instance = new WebAssembly.Instance(probeModule, { env: { memory } });
  instance.exports._initialize?.();
  const probe = instance.exports;
  const region = probe.probe_region(), regionBytes = probe.probe_region_bytes(), guard = probe.probe_guard();
  const u8 = new Uint8Array(memory.buffer);
  /** The canaries around a ring of `bytes` at region + guard. */
  const intact = (bytes) => u8.subarray(region, region + guard).every((b) => b === CANARY) &&
    u8.subarray(region + guard + bytes, region + regionBytes).every((b) => b === CANARY);
  return { memory, probe, region, guard, intact };
}

test('WASM probe: the C ring agrees on the layout and the sizes', () => {
  const { memory, probe } = loadProbe();
  assert.ok(memory.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(WebAssembly.Module.imports(probeModule), [{ module: 'env', name: 'memory', kind: 'memory' }]);
  const layout = Array.from({ length: 11 }, (_, i) => probe.probe_layout(i) >>> 0);
  assert.deepEqual(layout, [RING_HEADER_BYTES, 64, 128, 32, 68, 132, RING_MAGIC, RING_MAX_CHANNELS, RING_MAX_CAPACITY,
    RING_ALIGN, RING_MAX_DATA_BYTES]);
  for (const kind of [0, RING_FRAMES, RING_RECORDS, 3]) {
    for (const cap of [0, 1, 2, 3, 64, 96, 1024, 2 ** 24, 2 ** 25]) {
      for (const ch of [0, 1, 2, 3, 8, 32, 33]) {
        assert.equal(probe.probe_memory_size(kind, cap, ch) >>> 0, SharedRing.bytes(kind, cap, ch), `${kind} ${cap} ${ch}`);
      }
    }
  }
});

test('JS-WASM: a JS Worker produces, the C ring consumes, 10 million samples', async (t) => {
  const { memory, probe, intact } = loadProbe();
  const channels = 2, capacity = 1024, frames = 5_000_000, maxChunk = 512;
  const offset = probe.probe_create(RING_FRAMES, capacity, channels, SEED, 1);
  assert.ok(offset > 0 && offset % 64 === 0, `probe_create: ${offset}`);
  const w = startWorker({ role: 'produce', memory, byteOffset: offset, total: frames, seed: SEED, maxChunk });
  t.after(() => w.worker.terminate());
  await w.ready;
  const random = mulberry32(SEED ^ 0x51);
  const t0 = performance.now(), deadline = t0 + 45000;
  let spins = 0, idle = 0;
  while (probe.probe_moved() < frames) {
    if ((++spins & 1023) === 0 && (probe.probe_status() !== 0 || performance.now() > deadline)) break;
    const n = probe.probe_consume(maxChunk);
    assert.ok(n >= 0);
    idle = n === 0 ? idle + 1 : 0;
    backoff(idle);
    randomPause(random);
  }
  const ms = performance.now() - t0;
  const sent = await w.done;
  assert.equal(sent.moved, frames, seedNote);
  assert.equal(probe.probe_moved(), frames, seedNote);
  assert.equal(probe.probe_errors(), 0, `first bad sample ${probe.probe_first_error() >>> 0} ${seedNote}`);
  assert.equal(probe.probe_status(), 0);
  assert.equal(probe.probe_available_read(), 0);
  assert.ok(intact(SharedRing.bytes(RING_FRAMES, capacity, channels)), 'canaries around the ring in WASM memory');
  console.log(`ring JS->WASM: ${frames * channels} samples (${channels} ch, capacity ${capacity}, chunks 1..${maxChunk}, ` +
    `random pauses) in ${(ms / 1000).toFixed(2)} s: ${msps(frames * channels, ms)} Msamples/s; ` +
    `lost/duplicated/reordered: 0; overruns ${sent.overruns}, underruns ${probe.probe_underruns()}`);
});

test('WASM-JS: the C ring produces into a ring JS formatted, a JS Worker consumes, 10 million samples', async (t) => {
  const { memory, probe, region, guard, intact } = loadProbe();
  const channels = 3, capacity = 1024, frames = 3_333_334, maxChunk = 512;
  probe.probe_fill_canaries();
  const offset = region + guard;
  const ring = SharedRing.create(memory.buffer, offset, { capacity, channels }); // JS formats, C attaches
  assert.equal(probe.probe_attach(offset, ring.byteLength, SEED, 1), 0);
  const w = startWorker({ role: 'consume', memory, byteOffset: offset, total: frames, seed: SEED, maxChunk });
  t.after(() => w.worker.terminate());
  await w.ready;
  const random = mulberry32(SEED ^ 0x52);
  const t0 = performance.now(), deadline = t0 + 45000;
  let spins = 0, idle = 0;
  while (probe.probe_moved() < frames) {
    if ((++spins & 1023) === 0 && (probe.probe_status() !== 0 || performance.now() > deadline)) break;
    const n = probe.probe_produce(maxChunk, frames);
    assert.ok(n >= 0);
    idle = n === 0 ? idle + 1 : 0;
    backoff(idle);
    randomPause(random);
  }
  const got = await w.done;
  const ms = performance.now() - t0;
  assert.equal(probe.probe_moved(), frames, seedNote);
  assert.equal(got.moved, frames, seedNote);
  assert.equal(got.bad, 0, `first bad sample ${got.firstBad} ${seedNote}`);
  assert.equal(ring.status, 0);
  assert.ok(intact(ring.byteLength), 'canaries around the ring in WASM memory');
  console.log(`ring WASM->JS: ${frames * channels} samples (${channels} ch, capacity ${capacity}, chunks 1..${maxChunk}, ` +
    `random pauses) in ${(ms / 1000).toFixed(2)} s: ${msps(frames * channels, ms)} Msamples/s; ` +
    `lost/duplicated/reordered: 0; overruns ${probe.probe_overruns()}, underruns ${got.underruns}`);
});

test('JS-WASM: command records from a JS Worker, drained by the C ring', async (t) => {
  const { memory, probe, intact } = loadProbe();
  const total = 200_000, maxLen = 64, capacity = 256;
  const offset = probe.probe_create(RING_RECORDS, capacity, 1, SEED, maxLen);
  assert.ok(offset > 0);
  const w = startWorker({ role: 'produce-records', memory, byteOffset: offset, total, seed: SEED, maxLen });
  t.after(() => w.worker.terminate());
  await w.ready;
  const random = mulberry32(SEED ^ 0x53);
  const t0 = performance.now(), deadline = t0 + 45000;
  let idle = 0;
  while (probe.probe_moved() < total && probe.probe_status() === 0 && performance.now() < deadline) {
    const n = probe.probe_consume_records(16);
    assert.ok(n >= 0);
    idle = n === 0 ? idle + 1 : 0;
    backoff(idle);
    randomPause(random);
  }
  const ms = performance.now() - t0;
  await w.done;
  assert.equal(probe.probe_moved(), total, seedNote);
  assert.equal(probe.probe_errors(), 0, `first bad record ${probe.probe_first_error()} ${seedNote}`);
  assert.ok(intact(SharedRing.bytes(RING_RECORDS, capacity)));
  console.log(`ring JS->WASM records: ${total} records of 1..${maxLen} bytes in ${(ms / 1000).toFixed(2)} s: ` +
    `${(total / ms / 1000).toFixed(2)} Mrecords/s; lost/duplicated/reordered/damaged: 0`);
});

test('JS-WASM: a header corrupted from JavaScript never makes the C side step outside the ring', () => {
  const { memory, probe, intact } = loadProbe();
  const channels = 2, capacity = 256;
  const bytes = SharedRing.bytes(RING_FRAMES, capacity, channels);
  const offset = probe.probe_create(RING_FRAMES, capacity, channels, SEED, 1);
  const js = new SharedRing(memory.buffer, offset); // JS is the producer
  const h = words(memory.buffer, offset);
  const src = new Float32Array(64 * channels);
  const fill = (from) => { for (let i = 0; i < src.length; i++) src[i] = seqValue(from * channels + i, SEED); };
  const cases = [
    ['write index beyond capacity', () => { h[16] = h[32] + capacity + 1; }, RING_BAD_INDEX],
    ['read index ahead', () => { h[32] = h[16] + 7; }, RING_BAD_INDEX],
    ['capacity grows', () => { h[5] = 1 << 22; }, RING_BAD_GEOMETRY],
    ['element size', () => { h[4] = 128; }, RING_BAD_GEOMETRY],
    ['magic', () => { h[0] = 0; }, RING_BAD_GEOMETRY],
  ];
  for (const [what, corrupt, bit] of cases) {
    probe.probe_reset();
    fill(0);
    assert.equal(js.push(src, 64), 64);
    corrupt();
    for (let i = 0; i < 10; i++) assert.equal(probe.probe_consume(256), 0, what);
    assert.ok(probe.probe_status() & bit, `${what}: C status ${probe.probe_status()}`);
    assert.ok(js.status & bit, `${what}: JS sees the same status`);
    assert.equal(probe.probe_available_read(), 0);
    assert.equal(js.push(src, 1), 0, `${what}: the JS producer stops too`);
    assert.equal(probe.probe_errors(), 0, `${what}: nothing was written past the frames returned`);
    assert.ok(intact(bytes), `${what}: canaries around the ring`);
    // The owner resets; the same sequence flows again.
    probe.probe_reset();
    assert.equal(js.status, 0);
    fill(0);
    assert.equal(js.push(src, 64), 64);
    let got = 0;
    while (got < 64) got += probe.probe_consume(64);
    assert.equal(probe.probe_errors(), 0, `${what}: after reset`);
  }

  const recOffset = probe.probe_create(RING_RECORDS, 64, 1, SEED, 16);
  const rjs = new SharedRing(memory.buffer, recOffset);
  const data = new Uint32Array(memory.buffer, recOffset + 192, 64);
  for (const len of [0, 0xffffffff, 4 * 63 + 1, 40]) {
    probe.probe_reset();
    const rec = new Uint8Array(recLen(0, SEED, 16));
    for (let j = 0; j < rec.length; j++) rec[j] = recByte(0, j);
    assert.equal(rjs.pushRecord(rec), 1);
    data[0] = len;
    assert.equal(probe.probe_consume_records(4), 0, `length ${len}`);
    assert.ok(probe.probe_status() & RING_BAD_RECORD, `length ${len}`);
    assert.ok(intact(SharedRing.bytes(RING_RECORDS, 64)));
  }
  probe.probe_reset();
  const rec = new Uint8Array(recLen(0, SEED, 16));
  for (let j = 0; j < rec.length; j++) rec[j] = recByte(0, j);
  assert.equal(rjs.pushRecord(rec), 1);
  assert.equal(probe.probe_consume_records(4), 1);
  assert.equal(probe.probe_errors(), 0);
  console.log('ring JS->WASM corruption: 5 header cases and 4 record lengths refused by C, canaries intact, reset recovers');
});
