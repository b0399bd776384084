// The mixer in a real browser: headless Chromium on a page served by the
// project's own server, with and without cross-origin isolation. A sine
// sample loaded into the pool plays from a clip; the master's levels, a
// fader move, mute, the analyser, and hostile commands are checked against
// what they must be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../web/serve.mjs';
import { launch } from './browser.mjs';

const SINE_HZ = 1000, AMPLITUDE = 0.5;

/** Sets up a realtime context and a mixer with a looping sine clip on track 0. */
async function setUp(page) {
  return page.evaluate(async ({ hz, amplitude }) => {
    const { createMixer } = await import('/js/index.js');
    const context = new AudioContext();
    const mixer = await createMixer(context, { tracks: 2, buses: 1, channels: 1, poolSeconds: 4, streams: 1 });
    mixer.connect(context.destination);
    const rate = context.sampleRate, frames = rate; // one second: a whole number of periods
    const sine = new Float32Array(frames).map((_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
    let progress = 0;
    const sample = await mixer.loadSample({ sampleRate: rate, channels: [sine] }, { onProgress: (f) => { progress = f; } });
    const clip = await mixer.tracks[0].addClip(sample, { start: 0 });
    mixer.setLoop(0, 1);
    mixer.play();
    const errors = [];
    mixer.addEventListener('error', (e) => errors.push(e.message));
    window.t = { context, mixer, errors };
    await context.resume();
    return { mode: mixer.mode, reason: mixer.modeReason, progress, clip, frames: sample.frames };
  }, { hz: SINE_HZ, amplitude: AMPLITUDE });
}

/** Master RMS (left) after `seconds` more of audio, read as a page would at display rate. */
const masterRms = (page, seconds = 2) => page.evaluate(async (s) => {
  const { context, mixer } = window.t;
  const until = context.currentTime + s;
  while (context.currentTime < until) await new Promise((r) => setTimeout(r, 30));
  mixer.levels(); // ask for a fresh snapshot...
  await new Promise((r) => setTimeout(r, 100));
  return mixer.levels().master.rmsDb[0]; // ...and read it
}, seconds);

async function exercise(t, { isolation }) {
  const server = await startServer({ port: 0, isolation });
  const browser = await launch();
  t.after(async () => { await browser.close(); await server.close(); });
  const { page, errors } = browser;
  await page.goto(`${server.url}tests/browser/blank.html`);
  const setup = await setUp(page);
  assert.equal(setup.mode, isolation ? 'shared' : 'message');
  assert.equal(setup.reason === '', isolation);
  assert.equal(setup.progress, 1);
  assert.equal(setup.frames, await page.evaluate(() => window.t.context.sampleRate));

  // A mono track at centre pan feeds each side cos(pi/4): -3.01 dB; the
  // sine's RMS is amplitude / sqrt(2). The RMS meter averages with a 300 ms time constant: 2 s settle it.
  const expected = 20 * Math.log10((AMPLITUDE / Math.SQRT2) * Math.SQRT1_2);
  const level = await masterRms(page, 1);
  assert.ok(Math.abs(level - expected) < 0.3, `master RMS ${level} dB, expected ${expected.toFixed(2)} dB`);

  await page.evaluate(() => { window.t.mixer.tracks[0].fader.value = -12; });
  const lowered = await masterRms(page);
  assert.ok(Math.abs(lowered - (expected - 12)) < 0.3, `after a -12 dB fader: ${lowered} dB`);

  const peakHz = await page.evaluate(async () => {
    const { mixer, context } = window.t;
    const a = mixer.analyser;
    a.fftSize = 4096;
    const bins = new Float32Array(a.frequencyBinCount);
    for (let frame = 0; frame < 8; frame++) {
      a.getFloatFrequencyData(bins);
      await new Promise((r) => setTimeout(r, 50));
    }
    a.getFloatFrequencyData(bins);
    let best = 0;
    for (let k = 1; k < bins.length; k++) if (bins[k] > bins[best]) best = k;
    return (best * context.sampleRate) / a.fftSize;
  });
  assert.ok(Math.abs(peakHz - SINE_HZ) < 24, `spectrum peak at ${peakHz} Hz`);

  // Hostile records: an unknown opcode, a strip out of range. Rejected,
  // counted, reported as an error event; the audio keeps playing.
  const status = await page.evaluate(async () => {
    const { mixer } = window.t;
    const w = mixer.commands;
    w.u32[0] = 999; w.send(1);
    w.setStripParam(77, 0, 0);
    await new Promise((r) => setTimeout(r, 300));
    mixer.status();
    await new Promise((r) => setTimeout(r, 100));
    return mixer.status();
  });
  assert.equal(status.rejected, 2);
  assert.equal(status.state, 'playing');
  assert.ok(status.position >= 0 && status.position < 1, `looping in [0, 1): ${status.position} s`);
  assert.ok(status.quanta > 4 * 48000 / 128 * 0.9, `${status.quanta} quanta rendered`);
  assert.ok(Math.abs(await masterRms(page) - (expected - 12)) < 0.3, 'still playing after hostile commands');
  assert.ok((await page.evaluate(() => window.t.errors.length)) >= 1, 'an error event for the rejections');

  // Muted: the newest 4096 samples of the master are silence (the meter's
  // 300 ms average would take seconds to get there).
  const loudest = await page.evaluate(async () => {
    const { mixer } = window.t;
    mixer.tracks[0].mute.value = 1;
    await new Promise((r) => setTimeout(r, 500));
    const wave = new Float32Array(4096);
    for (let i = 0; i < 4; i++) {
      mixer.analyser.getFloatTimeDomainData(wave);
      await new Promise((r) => setTimeout(r, 60));
    }
    mixer.analyser.getFloatTimeDomainData(wave);
    return Math.max(...wave.map(Math.abs));
  });
  assert.equal(loudest, 0, 'muted: the master is silent');

  if (isolation) {
    // A Worker feeds a live stream into track 1 through shared memory: the
    // master then carries both sines (uncorrelated: powers add).
    const started = await page.evaluate(async () => {
      const { mixer, context } = window.t;
      mixer.tracks[0].mute.value = 0;
      const worker = new Worker('/tests/browser/stream-worker.js', { type: 'module' });
      const feeding = new Promise((r) => { worker.onmessage = (e) => r(e.data); });
      worker.postMessage({ ...mixer.streamRing(0), sampleRate: context.sampleRate });
      const answer = await feeding;
      mixer.bindStream(0, 1, { live: true });
      return answer;
    });
    assert.equal(started, 'feeding');
    const both = await masterRms(page);
    const power = (db) => 10 ** (db / 10);
    const sum = 10 * Math.log10(power(expected - 12) + power(expected));
    assert.ok(Math.abs(both - sum) < 0.3, `sine clip + streamed sine: ${both} dB, expected ${sum.toFixed(2)} dB`);
    assert.equal(await page.evaluate(() => window.t.mixer.status().streamUnderruns), 0, 'the Worker keeps ahead');
  } else {
    await assert.rejects(page.evaluate(() => window.t.mixer.streamRing(0)), /shared memory/);
  }

  await page.evaluate(() => window.t.mixer.dispose());
  assert.deepEqual(errors, []);
}

test('mixer, cross-origin isolated: shared memory', { timeout: 60000 }, (t) => exercise(t, { isolation: true }));
test('mixer without isolation: the MessagePort, and it says why', { timeout: 60000 }, (t) => exercise(t, { isolation: false }));

test('two mixers on one context, and mixers on two contexts, all play', { timeout: 60000 }, async (t) => {
  const server = await startServer({ port: 0 });
  const browser = await launch();
  t.after(async () => { await browser.close(); await server.close(); });
  await browser.page.goto(`${server.url}tests/browser/blank.html`);
  const levels = await browser.page.evaluate(async () => {
    const { createMixer } = await import('/js/index.js');
    const start = async (context, hz) => {
      const mixer = await createMixer(context, { tracks: 1, channels: 1, buses: 0, poolSeconds: 2 });
      mixer.connect(context.destination);
      const rate = context.sampleRate;
      const sine = new Float32Array(rate).map((_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));
      await mixer.tracks[0].addClip(await mixer.loadSample({ sampleRate: rate, channels: [sine] }));
      mixer.setLoop(0, 1);
      mixer.play();
      return mixer;
    };
    const one = new AudioContext(), two = new AudioContext();
    const mixers = [await start(one, 440), await start(one, 660), await start(two, 880)];
    await Promise.all([one.resume(), two.resume()]);
    await new Promise((r) => setTimeout(r, 2000));
    mixers.forEach((m) => m.levels());
    await new Promise((r) => setTimeout(r, 200));
    return mixers.map((m) => m.levels().master.rmsDb[0]);
  });
  const expected = 20 * Math.log10((0.5 / Math.SQRT2) * Math.SQRT1_2);
  for (const level of levels) assert.ok(Math.abs(level - expected) < 0.5, `levels ${levels}, expected ${expected}`);
  assert.deepEqual(browser.errors, []);
});
