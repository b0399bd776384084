// Streams and recording end to end, through the WASM session (dsp/wm_streams.h,
// js/stream.js): a Worker feeds ten million samples at random chunk sizes
// and rates into a stream ring in the module's shared memory, the main
// thread renders blocks of random size on a clock (with transport pauses:
// the stream is in transport mode), a second Worker pops the record ring
// at random rates and checks every recorded sample against the model the
// main thread publishes block by block (block size, silent frames, dropped
// or not, playing or not): the recording must be the fed sequence delayed
// by the latency, with exactly the counted underrun frames as silence and
// the counted dropped blocks missing, nothing lost, duplicated or
// reordered. Samples are 1 + k / 2^23 (exact in float32, never 0), and the
// chain is neutral (fader 0 dB, pan centre, limiter off: a pure delay), so
// the comparison is exact. The file is also the Workers' script.
// SEED=n changes every chunk size, rate and stall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { StreamWriter, Recorder, STREAM_MODE } from '../../js/stream.js';
import { RING_RECORDS } from '../../js/ring.js';
import { SEED, mulberry32 } from './helpers.mjs';
import { seqValue, backoff, randomPause } from './ring-worker.mjs';

const LOG_WORDS = 4; // per block: frames, silent frames, dropped (0|1), playing (0|1)
const CTRL = { LOGGED: 0, DONE: 1, RECORDED_LO: 2, RECORDED_HI: 3 };
const nap = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(nap, 0, 0, ms);

/**
 * After a push or a pop that moved n frames: back off while nothing moves,
 * pause at random, and now and then (after a move) stall for a while.
 */
function pace(n, p, random) {
  p.idle = n === 0 ? p.idle + 1 : 0;
  backoff(p.idle);
  randomPause(random);
  if (n > 0 && random() < 1 / p.stallEvery) {
    sleep(p.stallMs[0] + random() * (p.stallMs[1] - p.stallMs[0]));
    p.stalls++;
  }
}

/** Producer: `total` frames of the sequence, chunks 1..maxChunk, random pauses and stalls. */
function produce({ memory, byteOffset, total, seed, maxChunk, stallEvery, stallMs }) {
  const writer = new StreamWriter(memory.buffer, byteOffset);
  const random = mulberry32(seed ^ 0x50);
  const chunk = new Float32Array(2 * maxChunk);
  const pacing = { idle: 0, stalls: 0, stallEvery, stallMs };
  let pushes = 0;
  while (writer.frames < total) {
    const want = Math.min(1 + ((random() * maxChunk) | 0), total - writer.frames);
    const base = writer.frames;
    for (let i = 0; i < 2 * want; i++) chunk[i] = seqValue(2 * base + i, seed);
    const n = writer.push(chunk, want);
    pushes++;
    pace(n, pacing, random);
  }
  return { frames: writer.frames, pushes, stalls: pacing.stalls, status: writer.status };
}

/**
 * Recorder: pops at random rates and checks each frame against the model:
 * output frame t of a block that was not dropped is input frame t - latency;
 * input frames of a playing block are the next fed frames, then `silent`
 * zeros; of a paused block, zeros.
 */
function record({ memory, byteOffset, log, ctrl, latency, seed, maxChunk, stallEvery, stallMs }) {
  const recorder = new Recorder(memory.buffer, byteOffset);
  const random = mulberry32(seed ^ 0x52);
  const logged = () => Atomics.load(ctrl, CTRL.LOGGED);
  const buf = new Float32Array(2 * maxChunk);
  // the input cursor: block ib, frame io in it, fed frames before block ib; `lead` zeros before input frame 0
  let ib = 0, io = 0, fedBefore = 0, lead = latency;
  const advanceInput = (k) => {
    const z = Math.min(lead, k);
    lead -= z;
    io += k - z;
    while (io > 0 && io >= log[LOG_WORDS * ib]) {
      io -= log[LOG_WORDS * ib];
      if (log[LOG_WORDS * ib + 3]) fedBefore += log[LOG_WORDS * ib] - log[LOG_WORDS * ib + 1];
      ib++;
    }
  };
  const expected = (c) => {
    if (lead > 0) return 0;
    const at = LOG_WORDS * ib;
    return log[at + 3] && io < log[at] - log[at + 1] ? seqValue(2 * (fedBefore + io) + c, seed) : 0;
  };
  // the output cursor: block ob, frame oo in it
  let ob = 0, oo = 0, popped = 0, bad = 0, firstBad = -1, fedSeen = 0, zeros = 0;
  const pacing = { idle: 0, stalls: 0, stallEvery, stallMs };
  const skipDropped = () => {
    while (ob < logged() && log[LOG_WORDS * ob + 2]) {
      advanceInput(log[LOG_WORDS * ob]);
      ob++;
    }
  };
  const target = () => Atomics.load(ctrl, CTRL.RECORDED_HI) * 2 ** 32 + Atomics.load(ctrl, CTRL.RECORDED_LO);
  for (;;) {
    if (Atomics.load(ctrl, CTRL.DONE) && popped >= target()) break;
    const n = recorder.pop(buf, 1 + ((random() * maxChunk) | 0));
    for (let f = 0; f < n; f++) {
      // the block this frame belongs to: wait until the main thread has logged it
      for (let spin = 0; ob >= logged() || (oo === 0 && log[LOG_WORDS * ob + 2]); spin++) {
        skipDropped();
        backoff(spin);
      }
      for (let c = 0; c < 2; c++) {
        const want = expected(c), got = buf[2 * f + c];
        if (got !== want && bad++ === 0) firstBad = popped + f;
        if (c === 0) (want === 0 ? zeros++ : fedSeen++);
      }
      advanceInput(1);
      if (++oo === log[LOG_WORDS * ob]) {
        ob++;
        oo = 0;
      }
    }
    popped += n;
    pace(n, pacing, random);
  }
  skipDropped();
  return {
    popped, frames: recorder.frames, bad, firstBad, fedSeen, zeros, stalls: pacing.stalls, blocksSeen: ob, status: recorder.status,
  };
}

if (!isMainThread && workerData?.streamWorker) {
  const run = workerData.role === 'produce' ? produce : record;
  parentPort.postMessage({ ready: true });
  parentPort.postMessage(run(workerData));
}

function startWorker(data) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { streamWorker: true, ...data } });
  let ready;
  const readyP = new Promise((resolve) => { ready = resolve; });
  const done = new Promise((resolve, reject) => {
    worker.on('message', (m) => (m.ready ? ready() : resolve(m)));
    worker.on('error', reject);
    worker.on('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });
  return { worker, ready: readyP, done };
}

if (isMainThread) {
  const { loadWamix, instantiate } = await import('../../js/node.js');
  const { Session } = await import('../../js/session.js');
  const module = await loadWamix();
  const seedNote = `(SEED=${SEED})`;

  test('StreamWriter, Recorder and the stream commands on one thread', () => {
    const session = new Session(instantiate(module), {
      sampleRate: 48000, tracks: 2, channels: 2, poolBytes: 1 << 16, streams: 2, streamFrames: 1024, recordFrames: 2048,
    });
    const { memory } = session.streamRing(1);
    assert.throws(() => session.streamRing(2), /no stream 2/);
    assert.throws(() => new StreamWriter(memory.buffer, session.commands.ring.byteOffset), /no stereo frames ring/);
    assert.equal(session.commands.ring.kind, RING_RECORDS);
    const writer = new StreamWriter(memory.buffer, session.streamRing(1).byteOffset);
    const recorder = new Recorder(memory.buffer, session.recordRing().byteOffset);
    assert.equal(writer.room, 1024);
    const chunk = new Float32Array(2 * 300).map((_, i) => seqValue(i, SEED));
    assert.equal(writer.push(chunk), 300);
    assert.equal(writer.queued, 300);
    session.bindStream(1, 1, STREAM_MODE.LIVE);
    session.bindStream(0, 1, STREAM_MODE.LIVE); // track 1 is taken: rejected
    session.bindStream(0, 2, STREAM_MODE.LIVE); // no track 2: rejected
    session.record(true);
    const out = new Float32Array(2 * 512);
    const master = session.render(512);
    assert.equal(session.rejected, 2);
    assert.equal(recorder.pop(out), 512);
    assert.equal(recorder.pop(out), 0, 'an empty record ring pops nothing');
    assert.equal(recorder.ring.underruns, 0, '... and is not an underrun');
    const L = session.latency;
    for (let i = 0; i < 512; i++) {
      for (let c = 0; c < 2; c++) {
        assert.equal(out[2 * i + c], master[c][i], `recorded frame ${i}`);
        const t = i - L;
        assert.equal(master[c][i], t >= 0 && t < 300 ? chunk[2 * t + c] : 0, `master frame ${i}`);
      }
    }
    const counters = session.streamCounters();
    assert.deepEqual(counters, {
      underruns: 2, silentFrames: 512 - 300, recordOverruns: 0, recordDroppedFrames: 0, recorded: 512, recording: true,
      ringStatus: 0,
    });
    assert.equal(writer.underruns, 2, 'the ring counts the short pulls too (blocks of 128: 300 = 2 x 128 + 44, then 0)');
    writer.push(chunk, 100);
    session.unbindStream(1);
    session.process(0);
    assert.equal(writer.queued, 0, 'unbind empties the ring');
    assert.equal(writer.underruns, 0, 'and clears its counters');
    session.record(false);
    session.render(256);
    assert.equal(recorder.available, 0);
    assert.equal(session.streamCounters().recording, false);
    const plain = new Session(instantiate(module), { sampleRate: 48000, tracks: 1, poolBytes: 1 << 16 });
    assert.throws(() => plain.recordRing(), /no record ring/);
    assert.throws(() => plain.streamRing(0), /no stream 0/);
    plain.record(true);
    plain.process(0);
    assert.equal(plain.rejected, 1, 'RECORD without a record ring is rejected');
  });

  test('10 million samples: a Worker streams into a track, the master is recorded by another Worker, exact',
    async (t) => {
      const TOTAL = 5_000_000; // stereo frames: 10 M samples
      const RATE = 300; // frames the renderer renders per ms of wall time
      const STREAM_FRAMES = 8192, RECORD_FRAMES = 16384, MAX_BLOCK = 128;
      const session = new Session(instantiate(module), {
        sampleRate: 48000, maxBlock: MAX_BLOCK, tracks: 1, channels: 2, poolBytes: 1 << 16, streams: 1,
        streamFrames: STREAM_FRAMES, recordFrames: RECORD_FRAMES,
      });
      const stream = session.streamRing(0), rec = session.recordRing();
      const MAX_BLOCKS = 1 << 20;
      const log = new Int32Array(new SharedArrayBuffer(4 * LOG_WORDS * MAX_BLOCKS));
      const ctrl = new Int32Array(new SharedArrayBuffer(16));
      const L = session.latency;
      const producer = startWorker({
        role: 'produce', memory: stream.memory, byteOffset: stream.byteOffset, total: TOTAL, seed: SEED,
        maxChunk: 1024, stallEvery: 1000, stallMs: [5, 60],
      });
      const recorder = startWorker({
        role: 'record', memory: rec.memory, byteOffset: rec.byteOffset, log, ctrl, latency: L, seed: SEED,
        maxChunk: 2048, stallEvery: 1000, stallMs: [10, 100],
      });
      t.after(() => {
        producer.worker.terminate();
        recorder.worker.terminate();
      });
      await Promise.all([producer.ready, recorder.ready]);
      session.bindStream(0, 0, STREAM_MODE.TRANSPORT);
      session.record(true);
      session.play();
      const random = mulberry32(SEED ^ 0x4d);
      const st = session.status;
      let blocks = 0, rendered = 0, consumed = 0, tail = 0, pauseLeft = 0, paused = 0;
      let prevSilent = 0, prevDropped = 0, underrunBlocks = 0, droppedBlocks = 0, silentSum = 0, droppedFrames = 0;
      const t0 = performance.now(), deadline = t0 + 50000;
      // until everything fed came out of the ring and the delay line (then one more block)
      while (tail < L + MAX_BLOCK && performance.now() < deadline && blocks < MAX_BLOCKS) {
        if (rendered > (performance.now() - t0) * RATE) {
          sleep(1);
          continue;
        }
        if (pauseLeft === 0 && random() < 1 / 3000) {
          pauseLeft = 10 + ((random() * 50) | 0);
          session.commands.transport(1);
          paused++;
        } else if (pauseLeft > 0 && --pauseLeft === 0) {
          session.play();
        }
        const n = 1 + ((random() * MAX_BLOCK) | 0);
        session.process(n);
        const playing = Atomics.load(st, 3) === 1 ? 1 : 0;
        const c = session.streamCounters();
        const silent = c.silentFrames - prevSilent, dropped = c.recordDroppedFrames - prevDropped ? 1 : 0;
        prevSilent = c.silentFrames;
        prevDropped = c.recordDroppedFrames;
        underrunBlocks += silent > 0;
        silentSum += silent;
        droppedBlocks += dropped;
        droppedFrames += dropped * n;
        log.set([n, silent, dropped, playing], LOG_WORDS * blocks);
        Atomics.store(ctrl, CTRL.LOGGED, ++blocks);
        rendered += n;
        if (playing) consumed += n - silent;
        if (consumed === TOTAL) tail += n;
      }
      const ms = performance.now() - t0;
      session.record(false);
      session.process(0);
      const final = session.streamCounters();
      Atomics.store(ctrl, CTRL.RECORDED_LO, final.recorded % 2 ** 32);
      Atomics.store(ctrl, CTRL.RECORDED_HI, Math.floor(final.recorded / 2 ** 32));
      Atomics.store(ctrl, CTRL.DONE, 1);
      const [fed, got] = await Promise.all([producer.done, recorder.done]);
      console.log(`stream e2e: ${2 * fed.frames} samples fed by a Worker (chunks 1..1024, ${fed.stalls} stalls), ` +
        `${rendered} frames rendered in ${blocks} blocks of 1..${MAX_BLOCK} in ${(ms / 1000).toFixed(1)} s ` +
        `(${paused} pauses), ${2 * got.popped} samples recorded by a Worker (${got.stalls} stalls); ` +
        `underruns ${final.underruns} (${final.silentFrames} silent frames), record overruns ${final.recordOverruns} ` +
        `(${final.recordDroppedFrames} frames dropped); recorded samples off the model: ${got.bad} ${seedNote}`);
      assert.equal(fed.frames, TOTAL);
      assert.equal(consumed, TOTAL, `everything fed was played (deadline? ${ms.toFixed(0)} ms) ${seedNote}`);
      assert.equal(got.bad, 0, `first bad recorded frame ${got.firstBad} ${seedNote}`);
      assert.equal(got.popped, final.recorded, 'the recorder got every recorded frame');
      assert.equal(got.blocksSeen, blocks, 'and they ended with the last block');
      assert.equal(final.recorded, rendered - droppedFrames, 'recorded = rendered - dropped');
      assert.equal(final.underruns, underrunBlocks);
      assert.equal(final.silentFrames, silentSum);
      assert.equal(final.recordOverruns, droppedBlocks);
      assert.equal(final.ringStatus, 0);
      assert.equal(session.rejected, 0);
      assert.equal(new StreamWriter(stream.memory.buffer, stream.byteOffset).underruns, final.underruns,
        "the stream ring's own underrun word agrees");
      assert.ok(final.underruns > 0 && final.silentFrames > 0, 'the run had underruns to check');
      assert.ok(got.fedSeen > TOTAL / 2, `most fed frames were recorded (${got.fedSeen})`);
    });
}
