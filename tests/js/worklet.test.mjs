// The real worklet processor in Node (tests/js/worklet-host.mjs), fed what an
// untrusted page might post: sample data aimed outside the pool, command
// batches with lying lengths, values of the wrong type. None of it reaches
// outside the module's own buffers or stops the audio; a failure inside
// process() becomes one error message and silence, never an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { unshareMemoryImport } from '../../js/memory.js';
import { SeqBlock } from '../../js/shared-blocks.js';
import { CommandWriter, TRANSPORT } from '../../js/commands.js';
import { CLOCK, MSG } from '../../js/protocol.js';
import { STATUS } from '../../js/session.js';
import { loadProcessor, renderQuantum, closePorts } from './worklet-host.mjs';

// Message mode, as a page without isolation runs it: the module patched to import an ordinary memory.
const module = new WebAssembly.Module(unshareMemoryImport(await readFile(new URL('../../dist/wamix.wasm', import.meta.url))));
const settle = () => new Promise((r) => setTimeout(r, 20));

/** A processor in message mode (no memory handed over, plain blocks) and its page port's messages. */
async function start() {
  const Processor = await loadProcessor();
  const plain = { shared: false };
  const blocks = { meters: new SeqBlock(1024, plain), spectrum: new SeqBlock(49152, plain), clock: new SeqBlock(CLOCK.COUNT, { ...plain, type: Float64Array }) };
  const processor = new Processor({ processorOptions: {
    module, session: { tracks: 2, channels: 2, buses: 1, poolBytes: 1 << 20 },
    blocks: { meters: blocks.meters.buffer, spectrum: blocks.spectrum.buffer, clock: blocks.clock.buffer },
  } });
  const messages = [];
  processor.pagePort.onmessage = (e) => messages.push(e.data);
  await settle();
  return { processor, messages, send: (data) => processor.onMessage(data) };
}

/** Command records as a page's PortRing batches them. */
function batch(build) {
  const records = [];
  const writer = new CommandWriter({ pushRecord: (src, bytes) => { records.push(Uint8Array.from(src.subarray(0, bytes))); return 1; } });
  build(writer);
  const out = new Uint8Array(records.reduce((n, r) => n + 4 + ((r.length + 3) & ~3), 0));
  let at = 0;
  for (const r of records) {
    new DataView(out.buffer).setUint32(at, r.length, true);
    out.set(r, at + 4);
    at += 4 + ((r.length + 3) & ~3);
  }
  return out;
}

test('hostile messages from a page: rejected, reported, the audio goes on', async () => {
  const { processor, messages, send } = await start();
  assert.equal(messages[0].type, MSG.READY);
  assert.equal(messages[0].mode, 'message');
  const memory = new Uint8Array(processor.session.exports.memory.buffer);
  const before = memory.slice();

  // Sample data outside the pool, misaligned, of the wrong type.
  const { poolRegion, poolBytes } = processor.session;
  for (const address of [0, 8, poolRegion - 4, poolRegion + poolBytes - 4, poolRegion + 2, -4, 2 ** 40, NaN]) {
    send({ type: MSG.POOL_DATA, address, samples: new Float32Array(4).fill(1e30) });
  }
  send({ type: MSG.POOL_DATA, address: poolRegion, samples: [1, 2, 3] });
  assert.ok(memory.every((x, i) => x === before[i]), 'no byte of the module memory changed');
  // Command batches: an odd size, a length word past the end, garbage records.
  send({ type: MSG.COMMANDS, records: new Uint8Array(7) });
  send({ type: MSG.COMMANDS, records: 'not bytes' });
  const lying = new Uint8Array(16);
  new DataView(lying.buffer).setUint32(0, 4000, true);
  send({ type: MSG.COMMANDS, records: lying });
  send({ type: MSG.COMMANDS, records: batch((w) => { w.setStripParam(99, 0, 0); w.setStripParam(0, 999, 0); w.u32[0] = 77; w.send(3); }) });
  send({ type: MSG.ANALYSER, fftSize: 3000, smoothing: 2, minDb: 0, maxDb: -10 });
  send({ type: 'no such message' });
  send(null);

  const out = [new Float32Array(128), new Float32Array(128)];
  for (let q = 0; q < 8; q++) assert.equal(renderQuantum(processor, out), true);
  send({ type: MSG.SNAPSHOT, levels: true });
  renderQuantum(processor, out);
  await settle();
  const state = messages.find((m) => m.type === MSG.STATE);
  assert.ok(state, 'the snapshot asked for came back');
  assert.equal(state.status[STATUS.REJECTED], 4, 'the lying record and the three bad commands were rejected');
  const errors = messages.filter((m) => m.type === MSG.ERROR);
  assert.equal(errors.length, 12, errors.map((e) => e.message).join('\n'));
  assert.ok(errors.every((e) => /wamix/.test(e.message)));
  assert.equal(processor.failed, false, 'bad messages never stop the processor');

  // A valid command still works afterwards.
  send({ type: MSG.COMMANDS, records: batch((w) => w.transport(TRANSPORT.PLAY)) });
  renderQuantum(processor, out);
  send({ type: MSG.SNAPSHOT });
  renderQuantum(processor, out);
  await settle();
  assert.equal(messages.filter((m) => m.type === MSG.STATE).at(-1).status[STATUS.STATE], 1, 'playing');
  closePorts(processor);
});

test('a failure inside process() becomes one error message and silence, never an exception', async () => {
  const { processor, messages } = await start();
  const out = [new Float32Array(128).fill(0.5), new Float32Array(128).fill(0.5)];
  processor.session.handle = 99; // the session's exports now answer WM_ERR_HANDLE
  for (let q = 0; q < 4; q++) assert.equal(renderQuantum(processor, out), true);
  assert.ok(out.every((c) => c.every((x) => x === 0)), 'silence');
  await settle();
  const errors = messages.filter((m) => m.type === MSG.ERROR);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /invalid handle/);
  closePorts(processor);
});
