// Hours of audio through the real worklet processor, in Node, with
// continuous traffic from a "page" (parameter changes, automation, clips
// added and removed, seeks, loops, level and spectrum requests) through the
// shared command ring: the arena's use never changes after set-up, the JS
// heap stays flat, the engine renders every quantum, and no command is lost
// (applied + rejected = sent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadWamix } from '../../js/node.js';
import { createMemory } from '../../js/memory.js';
import { SeqBlock } from '../../js/shared-blocks.js';
import { SharedRing } from '../../js/ring.js';
import { CommandWriter, TRANSPORT, AUTOMATION } from '../../js/commands.js';
import { readStatus, STATUS } from '../../js/session.js';
import { CLOCK } from '../../js/protocol.js';
import { loadProcessor, renderQuantum, closePorts } from './worklet-host.mjs';
import { mulberry32, SEED } from './helpers.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const HOURS = Number(process.env.WAMIX_SOAK_HOURS ?? 2); // about 3 minutes
const RATE = 48000, QUANTUM = 128, TRACKS = 4;

test(`${HOURS} h through the worklet processor with continuous traffic: arena and heap flat, nothing lost`, { timeout: 900000 }, async () => {
  const Processor = await loadProcessor(RATE);
  const module = await loadWamix();
  const memory = createMemory({ bytes: 64 << 20, shared: true });
  const blocks = { meters: new SeqBlock(1024), spectrum: new SeqBlock(32768 / 2 + 32768), clock: new SeqBlock(CLOCK.COUNT, { type: Float64Array }) };
  const processor = new Processor({ processorOptions: {
    module, memory, session: { tracks: TRACKS, channels: 2, buses: 1, clipsPerTrack: 16, poolBytes: 4 << 20 },
    blocks: { meters: blocks.meters.buffer, spectrum: blocks.spectrum.buffer, clock: blocks.clock.buffer },
  } });
  const ready = await new Promise((resolve) => { processor.pagePort.onmessage = (e) => resolve(e.data); });
  assert.equal(ready.mode, 'shared', ready.message);
  const errors = [];
  processor.pagePort.onmessage = (e) => errors.push(e.data.message);
  const writer = new CommandWriter(new SharedRing(memory.buffer, ready.layout.commandRing));
  const replies = new SharedRing(memory.buffer, ready.layout.replyRing);
  const replyBytes = new Uint8Array(4096);
  const status = new Uint32Array(memory.buffer, ready.layout.status, STATUS.WORDS);
  const words = new Uint32Array(STATUS.WORDS);
  const out = [new Float32Array(QUANTUM), new Float32Array(QUANTUM)];
  const random = mulberry32(SEED);

  // A sample for the clips: loaded through the protocol, as a page does.
  const frames = RATE;
  const alloc = writer.poolAlloc(frames, 2, RATE);
  renderQuantum(processor, out);
  const reply = new Int32Array(replyBytes.buffer, 0, replies.popRecord(replyBytes) >> 2);
  assert.equal(reply[0], alloc);
  const sample = reply[1];
  assert.ok(sample > 0, `pool handle ${sample}`);
  for (let s = 0; s < reply[2]; s++) {
    const [address, , count] = reply.subarray(3 + 3 * s, 6 + 3 * s);
    new Float32Array(memory.buffer, address, 2 * count).fill(0.25);
  }
  writer.poolCommit(sample, frames);
  writer.poolComplete(sample, frames);
  writer.transport(TRANSPORT.PLAY);
  let sent = 4; // alloc, commit, complete, play

  // The traffic of one quantum: about 2 parameter changes, and now and then
  // automation, a clip added (its reply read) or removed, a seek or a loop.
  const clips = [];
  const traffic = (q) => {
    for (let k = 0; k < 2; k++, sent++) writer.setStripParam(Math.floor(random() * (TRACKS + 2)), Math.floor(random() * 94), random() * 200 - 100);
    const roll = random();
    if (roll < 0.01) { writer.automate(Math.floor(random() * TRACKS), 0, AUTOMATION.LINEAR, (q + 50) * QUANTUM + random() * 512, -random() * 40); sent++; }
    else if (roll < 0.02) { writer.addClip(Math.floor(random() * TRACKS), sample, { start: Math.floor(random() * 4 * RATE), offset: 0, length: frames }); sent++; }
    else if (roll < 0.03 && clips.length) { const [track, clip] = clips.pop(); writer.removeClip(track, clip); sent++; }
    else if (roll < 0.031) { writer.seek(Math.floor(random() * 8 * RATE)); sent++; }
    else if (roll < 0.032) { writer.loop(0, 4 * RATE, random() < 0.5); sent++; }
    if ((q & 255) === 0) { blocks.meters.request(); blocks.spectrum.request(); }
  };
  const drainReplies = () => {
    for (let n = replies.popRecord(replyBytes); n > 0; n = replies.popRecord(replyBytes)) {
      const r = new Int32Array(replyBytes.buffer, 0, 2);
      if (r[1] > 0 && clips.length < 32) clips.push([0, r[1]]);
    }
  };

  const quanta = Math.round((HOURS * 3600 * RATE) / QUANTUM);
  const warmup = Math.min(Math.round((600 * RATE) / QUANTUM), quanta >> 2); // ten minutes at most
  let arenaAfterSetup = -1, heapAfterWarmup = 0, nonFinite = 0;
  const started = performance.now();
  for (let q = 0; q < quanta; q++) {
    traffic(q);
    assert.equal(renderQuantum(processor, out), true);
    if (!Number.isFinite(out[0][0]) || !Number.isFinite(out[1][127])) nonFinite++;
    if ((q & 63) === 0) drainReplies();
    if (q === warmup) {
      gc();
      heapAfterWarmup = process.memoryUsage().heapUsed;
      arenaAfterSetup = processor.session.exports.wamix_arena_used();
    }
  }
  renderQuantum(processor, out); // applies what the last quantum sent
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - heapAfterWarmup;
  readStatus(status, words);
  const seconds = (performance.now() - started) / 1000;
  console.log(`soak: ${HOURS} h (${quanta} quanta) in ${seconds.toFixed(0)} s; ${sent} commands sent, ` +
    `${words[STATUS.APPLIED]} applied, ${words[STATUS.REJECTED]} rejected; heap after warm-up ` +
    `${(heapAfterWarmup / 1048576).toFixed(1)} MiB, grown by ${heapGrowth} bytes since; arena ${arenaAfterSetup} bytes, now ` +
    `${processor.session.exports.wamix_arena_used()} (SEED=${SEED})`);
  await new Promise((r) => setImmediate(r));
  closePorts(processor);
  assert.deepEqual(errors, []);
  assert.equal(nonFinite, 0);
  assert.equal(processor.failed, false);
  assert.equal(words[STATUS.APPLIED] + words[STATUS.REJECTED], sent, 'every command applied or rejected');
  assert.equal(processor.session.exports.wamix_arena_used(), arenaAfterSetup, 'arena unchanged');
  assert.ok(heapGrowth < 256 * 1024, `JS heap grew ${heapGrowth} bytes over ${HOURS} h`);
  assert.equal(blocks.clock.values[CLOCK.QUANTA], quanta + 2);
});
