// The session over the command protocol, from JavaScript: commands go into
// the ring in WASM memory (js/commands.js over js/ring.js), samples are
// written straight into the pool's spans, and the C core renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWamix, instantiate } from '../../js/node.js';
import { Session } from '../../js/session.js';
import { mulberry32, SEED } from './helpers.mjs';

const module = await loadWamix();
const newSession = (config) => new Session(instantiate(module), { sampleRate: 48000, ...config });

test('an impulse clip loaded through the protocol lands on its frame', () => {
  const session = newSession({ tracks: 2, channels: 1, poolBytes: 1 << 20 });
  const impulse = new Float32Array(4000);
  impulse[0] = 1;
  const sample = session.loadSample(impulse, 1);
  const at = 1000 + 37;
  session.addClip(1, sample, { start: at, length: impulse.length });
  session.play();
  const [left, right] = session.render(4096);
  let peak = 0;
  for (let i = 1; i < left.length; i++) if (Math.abs(left[i]) > Math.abs(left[peak])) peak = i;
  assert.equal(peak, at + session.latency, 'the impulse arrives at its frame plus the stated latency');
  // A mono track at the centre: the StereoPannerNode law gives cos(pi/4) on each side.
  assert.ok(Math.abs(left[peak] - Math.SQRT1_2) < 1e-6 && Math.abs(right[peak] - Math.SQRT1_2) < 1e-6);
  const elsewhere = left.reduce((m, v, i) => (i === peak ? m : Math.max(m, Math.abs(v))), 0);
  assert.ok(elsewhere < 1e-6, `silence elsewhere (${elsewhere})`);
});

test('a fader command moves the level by its amount', () => {
  const session = newSession({ tracks: 1, channels: 1, poolBytes: 1 << 20 });
  const dc = new Float32Array(48000).fill(0.5);
  session.addClip(0, session.loadSample(dc, 1), { start: 0, length: dc.length });
  session.play();
  const before = session.render(9600)[0][9599];
  session.commands.setStripParam(session.strip('track', 0), 0 /* fader_db */, -12);
  const after = session.render(9600)[0][9599];
  assert.ok(Math.abs(20 * Math.log10(after / before) + 12) < 1e-3, `fader moved ${20 * Math.log10(after / before)} dB`);
});

test('hostile command records are rejected and counted; the engine keeps going', () => {
  const session = newSession({ tracks: 2, channels: 2, poolBytes: 1 << 20 });
  const random = mulberry32(SEED);
  const words = new Uint32Array(40);
  const bytes = new Uint8Array(words.buffer);
  let pushed = 0;
  for (let round = 0; round < 200; round++) {
    for (let r = 0; r < 50; r++) {
      const length = Math.floor(random() * 40) + 1;
      for (let i = 0; i < length; i++) words[i] = random() < 0.5 ? Math.floor(random() * 16) : (random() * 2 ** 32) >>> 0;
      pushed += session.commands.ring.pushRecord(bytes, length * 4);
    }
    const [left] = session.render(128);
    assert.ok(left.every(Number.isFinite), 'output stays finite');
  }
  session.render(128 * 40); // drain what is left
  assert.equal(session.applied + session.rejected, pushed, 'every record was either applied or rejected');
  assert.ok(session.rejected > pushed / 2, `${session.rejected} of ${pushed} rejected`);
  const rejected = session.rejected;
  session.commands.setMixerParam(0 /* limiter_on */, 1);
  session.render(128);
  assert.equal(session.rejected, rejected, 'a valid command after the storm is applied');
  console.log(`session: ${pushed} hostile records, ${session.rejected} rejected, ${session.applied} applied (SEED=${SEED})`);
});

test('sessions share the arena as a stack: destroying one never frees another', () => {
  const exports = instantiate(module);
  const first = new Session(exports, { sampleRate: 48000, tracks: 1, channels: 1, poolBytes: 1 << 20 });
  const session = new Session(exports, { sampleRate: 48000, tracks: 1, channels: 1, poolBytes: 1 << 20 });
  const used = exports.wamix_arena_used();
  first.dispose();
  assert.equal(exports.wamix_arena_used(), used, 'the session created after the first keeps its memory');
  const dc = new Float32Array(4800).fill(0.25);
  session.addClip(0, session.loadSample(dc, 1), { start: 0, length: dc.length });
  session.play();
  assert.ok(session.render(2048)[0][2047] > 0.1, 'and keeps working');
  session.dispose();
  assert.ok(exports.wamix_arena_used() < used / 4, 'with both gone, the arena is free again');
});
