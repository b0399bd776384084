// The sequence-locked blocks that carry parameters and meters between
// threads: under continuous concurrent writes from a worker, a reader never
// sees a torn snapshot (values from two different writes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { SeqBlock } from '../../js/shared-blocks.js';

const WRITER = `
  import { workerData, parentPort } from 'node:worker_threads';
  import { SeqBlock } from ${JSON.stringify(new URL('../../js/shared-blocks.js', import.meta.url).href)};
  const block = new SeqBlock(workerData.buffer);
  const group = new Float32Array(block.count);
  const stop = new Int32Array(workerData.stop);
  let n = 0;
  while (Atomics.load(stop, 0) === 0) {
    n++;
    // A group like an EQ band: every value derived from the same write
    // (kept below 2^24, where float32 holds every integer exactly).
    for (let i = 0; i < group.length; i++) group[i] = (n % 65536) * 64 + i;
    block.write(group, group.length, n);
  }
  parentPort.postMessage(n);
`;

test('a parameter group is never seen torn under concurrent writes', async () => {
  const block = new SeqBlock(64, { shared: true });
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WRITER)}`), {
    workerData: { buffer: block.buffer, stop },
  });
  const snapshot = new Float32Array(block.count);
  let reads = 0, consistent = 0, busy = 0;
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    reads++;
    if (block.read(snapshot) < 0) {
      busy++;
      continue;
    }
    if (block.writes === 0) continue;
    const n = block.tag;
    for (let i = 0; i < snapshot.length; i++) {
      assert.equal(snapshot[i], (n % 65536) * 64 + i, `value ${i} of snapshot ${n} is from another write`);
    }
    consistent++;
  }
  Atomics.store(new Int32Array(stop), 0, 1);
  const writes = await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
  assert.ok(consistent > 1000, `${consistent} consistent snapshots checked`);
  assert.ok(writes > 1000, `${writes} writes`);
  console.log(`seqlock: ${writes} writes, ${reads} reads: ${consistent} consistent snapshots checked, ` +
    `${busy} retried (writer busy), 0 torn`);
});
