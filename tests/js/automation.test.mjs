// AudioParam automation of the mixer through the WASM module: events sent
// with CommandWriter.automate into the session's command ring, a DC track,
// every output frame against the Web Audio formulas computed here in double.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWamix, instantiate } from '../../js/node.js';
import { Session } from '../../js/session.js';
import { AUTOMATION } from '../../js/commands.js';

const module = await loadWamix();
const FADER = 0; // fader_db
const PAN = 1;
const LIMITER_CEILING = 1; // a mixer parameter
const LANES_WORD = 15; // status: automation lanes in use
const LAST_ERROR_WORD = 6;
const ERR_LIMIT = -6;
const DC = 0.5;
const FRAMES = 8192;

const newSession = () => new Session(instantiate(module), { sampleRate: 48000, maxBlock: 512, tracks: 1, channels: 1 });

/** Renders `frames` frames with DC on track 0, in blocks cycling through
 * `sizes`, cut so that each command's `send` runs before the block that
 * starts at its frame. */
function render(session, frames, sizes, commands) {
  const out = [new Float32Array(frames), new Float32Array(frames)];
  const pending = [...commands].sort((a, b) => a.at - b.at);
  let maxLanes = 0;
  for (let now = 0, b = 0; now < frames; b++) {
    while (pending.length && pending[0].at <= now) assert.ok(pending.shift().send(session.commands));
    let n = Math.min(sizes[b % sizes.length], frames - now);
    if (pending.length) n = Math.min(n, pending[0].at - now);
    const input = new Float32Array(session.exports.memory.buffer, session.exports.wamix_session_track_input(session.handle, 0, 0), n);
    input.fill(DC);
    session.process(n);
    out[0].set(session.outputs[0].subarray(0, n), now);
    out[1].set(session.outputs[1].subarray(0, n), now);
    maxLanes = Math.max(maxLanes, session.status[LANES_WORD]);
    now += n;
  }
  return { out, maxLanes };
}

const at = (frame, send) => ({ at: frame, send });
const linear = (f, t0, v0, t1, v1) => v0 + ((v1 - v0) * (f - t0)) / (t1 - t0);
const expo = (f, t0, v0, t1, v1) => v0 * (v1 / v0) ** ((f - t0) / (t1 - t0));
const target = (f, t0, v0, v1, tau) => v1 + (v0 - v1) * Math.exp(-(f - t0) / tau);
const gain = (db) => (db <= -96 ? 0 : 10 ** (db / 20));

// Fader curves of a mono track at the centre: both sides DC cos(pi/4) gain(dB).
const faderCases = [
  {
    name: 'setValueAtTime',
    commands: [at(0, (w) => w.automate(0, FADER, AUTOMATION.SET_VALUE, 1000, -12)),
      at(0, (w) => w.automate(0, FADER, AUTOMATION.SET_VALUE, 1500.3, -3))],
    value: (f) => (f >= 1500.3 ? -3 : f >= 1000 ? -12 : 0),
  },
  {
    name: 'linearRampToValueAtTime',
    commands: [at(0, (w) => w.automate(0, FADER, AUTOMATION.SET_VALUE, 300, -20)),
      at(0, (w) => w.automate(0, FADER, AUTOMATION.LINEAR, 2300.5, -6))],
    value: (f) => (f >= 2300.5 ? -6 : f >= 300 ? linear(f, 300, -20, 2300.5, -6) : 0),
  },
  {
    name: 'exponentialRampToValueAtTime',
    commands: [at(0, (w) => w.automate(0, FADER, AUTOMATION.SET_VALUE, 200, -40)),
      at(0, (w) => w.automate(0, FADER, AUTOMATION.EXPONENTIAL, 3000, -2))],
    value: (f) => (f >= 3000 ? -2 : f >= 200 ? expo(f, 200, -40, 3000, -2) : 0),
  },
  {
    name: 'setTargetAtTime',
    commands: [at(0, (w) => w.automate(0, FADER, AUTOMATION.TARGET, 500, -30, 800))],
    value: (f) => (f >= 500 ? target(f, 500, 0, -30, 800) : 0),
    frames: 16384, // the lane is released once the curve is within 2^-26 of -30 dB
  },
  {
    name: 'cancelScheduledValues mid-ramp',
    commands: [at(0, (w) => w.automate(0, FADER, AUTOMATION.SET_VALUE, 100, -6)),
      at(0, (w) => w.automate(0, FADER, AUTOMATION.LINEAR, 4100, -30)),
      at(1600, (w) => w.automate(0, FADER, AUTOMATION.CANCEL, 2000))],
    value: (f) => (f >= 1600 ? -6 : f >= 100 ? linear(f, 100, -6, 4100, -30) : 0),
  },
  {
    name: 'cancelAndHoldAtTime mid-ramp',
    commands: [at(0, (w) => w.automate(0, FADER, AUTOMATION.SET_VALUE, 100, -6)),
      at(0, (w) => w.automate(0, FADER, AUTOMATION.LINEAR, 4100, -30)),
      at(1024, (w) => w.automate(0, FADER, AUTOMATION.CANCEL_AND_HOLD, 2500.5))],
    value: (f) => (f >= 100 ? linear(Math.min(f, 2500.5), 100, -6, 4100, -30) : 0),
  },
  {
    name: 'the value setter mid-ramp',
    commands: [at(0, (w) => w.automate(0, FADER, AUTOMATION.LINEAR, 4000, -24)),
      at(2048, (w) => w.setStripParam(0, FADER, -6))],
    value: (f) => (f >= 4000 ? -24 : f >= 2048 ? linear(f, 2048, -6, 4000, -24) : linear(f, 0, 0, 4000, -24)),
  },
];

for (const c of faderCases) {
  test(`fader ${c.name} matches the Web Audio formula within 1e-6 for every block split`, () => {
    let first = null;
    for (const sizes of [[128], [37], [1, 300, 64, 5]]) {
      const session = newSession();
      const frames = c.frames ?? FRAMES;
      const { out, maxLanes } = render(session, frames, sizes, c.commands);
      const latency = session.latency;
      let worst = 0;
      for (let i = latency; i < frames; i++) {
        const want = DC * Math.SQRT1_2 * gain(c.value(i - latency));
        worst = Math.max(worst, Math.abs(out[0][i] - want), Math.abs(out[1][i] - want));
      }
      assert.ok(worst <= 1e-6, `${c.name}, blocks ${sizes}: max error ${worst}`);
      assert.equal(maxLanes, 1, 'one lane while the curve runs');
      assert.equal(session.status[LANES_WORD], 0, 'released after its last event');
      assert.equal(session.rejected, 0);
      if (first) assert.deepEqual(out, first, 'the same samples for every split');
      else first = out;
      if (sizes.length === 1 && sizes[0] === 128) console.log(`automation ${c.name}: max |error| ${worst.toExponential(2)}`);
      session.dispose();
    }
  });
}

test('pan follows a linear ramp and a setTarget per frame (StereoPannerNode law)', () => {
  const session = newSession();
  const value = (f) => (f >= 3500 ? target(f, 3500, 1, -0.5, 300) : f >= 3000.5 ? 1 : f >= 1000 ? linear(f, 1000, -1, 3000.5, 1) : 0);
  const { out } = render(session, FRAMES, [128], [
    at(0, (w) => w.automate(0, PAN, AUTOMATION.SET_VALUE, 1000, -1)),
    at(0, (w) => w.automate(0, PAN, AUTOMATION.LINEAR, 3000.5, 1)),
    at(0, (w) => w.automate(0, PAN, AUTOMATION.TARGET, 3500, -0.5, 300)),
  ]);
  let worst = 0;
  for (let i = session.latency; i < FRAMES; i++) {
    const x = (value(i - session.latency) + 1) / 2;
    worst = Math.max(worst, Math.abs(out[0][i] - DC * Math.cos((x * Math.PI) / 2)),
      Math.abs(out[1][i] - DC * Math.sin((x * Math.PI) / 2)));
  }
  console.log(`automation pan: max |error| ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-6, `max error ${worst}`);
});

test('a mixer parameter (strip -1) takes a lane and gives it back', () => {
  const session = newSession();
  assert.ok(session.commands.automate(-1, LIMITER_CEILING, AUTOMATION.LINEAR, 1000, -12));
  session.process(128);
  assert.equal(session.status[LANES_WORD], 1);
  assert.equal(session.rejected, 0);
  for (let i = 0; i < 10; i++) session.process(128);
  assert.equal(session.status[LANES_WORD], 0, 'released after the ramp');
});

test('lanes exhausted: the command is rejected with WM_ERR_LIMIT and nothing changes', () => {
  const session = newSession(); // the default: 64 lanes; strips 0 (the track) and 1 (the master)
  for (let p = 0; p < 64; p++) assert.ok(session.commands.automate(p % 2, 12 + (p >> 1), AUTOMATION.SET_VALUE, 1e6, 0));
  render(session, 1024, [128], []); // settled: DC through the limiter's delay
  assert.equal(session.status[LANES_WORD], 64);
  assert.equal(session.rejected, 0);
  const { out: before } = render(session, 512, [128], []);
  session.commands.automate(0, FADER, AUTOMATION.LINEAR, 600, -40);
  const { out: after } = render(session, 512, [128], []);
  assert.equal(session.rejected, 1);
  assert.equal(session.status[LAST_ERROR_WORD] | 0, ERR_LIMIT);
  assert.equal(session.status[LANES_WORD], 64);
  assert.deepEqual(after, before, 'the fader did not move');
});

test('hostile AUTOMATE records are rejected and bind no lane', () => {
  const session = newSession();
  const w = session.commands;
  const bad = [
    () => w.automate(2, FADER, AUTOMATION.SET_VALUE, 10, -6), // 1 track + master: strips 0 and 1
    () => w.automate(-2, FADER, AUTOMATION.SET_VALUE, 10, -6),
    () => w.automate(0, 94, AUTOMATION.SET_VALUE, 10, -6),
    () => w.automate(-1, 3, AUTOMATION.SET_VALUE, 10, -6),
    () => w.automate(0, FADER, 6, 10, -6),
    () => w.automate(0, FADER, AUTOMATION.SET_VALUE, -1, -6),
    () => w.automate(0, FADER, AUTOMATION.SET_VALUE, NaN, -6),
    () => w.automate(0, FADER, AUTOMATION.SET_VALUE, Infinity, -6),
    () => w.automate(0, FADER, AUTOMATION.SET_VALUE, 10, NaN),
    () => w.automate(0, FADER, AUTOMATION.TARGET, 10, -6, -1),
    () => w.automate(0, FADER, AUTOMATION.TARGET, 10, -6, NaN),
    () => w.automate(0, FADER, AUTOMATION.EXPONENTIAL, 10, 0),
  ];
  for (const send of bad) assert.ok(send());
  w.u32[0] = 12;
  assert.ok(w.send(8)); // one word short
  session.process(128);
  assert.equal(session.rejected, bad.length + 1);
  assert.equal(session.applied, 0);
  assert.equal(session.status[LANES_WORD], 0);
  console.log(`automation: ${session.rejected} hostile records rejected, no lane bound`);
});
