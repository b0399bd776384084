// The demo page (web/) in headless Chromium, served by the project's own
// server: cross-origin isolated, the engine starts on a click and plays the
// built-in material, meters move, the page idles without drawing once
// stopped. A WAV file written here (a stereo 441 Hz sine, a whole number of
// periods per second, at the context's rate) is dropped on the page and
// becomes a track whose level is known: RMS = amplitude / sqrt(2). Against
// it: solo isolates it (master = its level), its fader moves both by the
// fader's amount, muting the eight material tracks leaves the master at its
// level. The EQ curve comes from the engine's coefficients. No console
// errors; a screenshot goes to tests/out/demo.png. Without isolation the page
// still runs, over the MessagePort, and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../web/serve.mjs';
import { launch } from './browser.mjs';

const OUT = fileURLToPath(new URL('../out/', import.meta.url));
const SINE_HZ = 441, AMPLITUDE = 0.5;
const SINE_RMS_DB = 20 * Math.log10(AMPLITUDE / Math.SQRT2); // stereo track at pan 0: unchanged
const MATERIAL_TRACKS = 8;
// The RMS meters average with a 300 ms time constant: after 3 s the energy
// of what was there before is e^-10 of it, and the reverb's tail (1.8 s,
// -60 dB at its end) has gone too.
const SETTLE_S = 3;

/** A 16-bit stereo PCM WAV of `seconds` of the sine at `rate`, as bytes. */
function sineWav(rate, seconds = 1) {
  const frames = Math.round(rate * seconds), data = frames * 4;
  const bytes = Buffer.alloc(44 + data);
  bytes.write('RIFF', 0);
  bytes.writeUInt32LE(36 + data, 4);
  bytes.write('WAVEfmt ', 8);
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(1, 20); // PCM
  bytes.writeUInt16LE(2, 22); // stereo
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(rate * 4, 28);
  bytes.writeUInt16LE(4, 32);
  bytes.writeUInt16LE(16, 34);
  bytes.write('data', 36);
  bytes.writeUInt32LE(data, 40);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(32767 * AMPLITUDE * Math.sin((2 * Math.PI * SINE_HZ * i) / rate));
    bytes.writeInt16LE(v, 44 + 4 * i);
    bytes.writeInt16LE(v, 46 + 4 * i);
  }
  return bytes;
}

/** Starts the page with a click and waits for the material to play. */
async function startPage(page, url) {
  await page.goto(url);
  await page.click('#start');
  await page.waitForFunction(() => window.demo.ready, null, { timeout: 30000 });
  return page.evaluate(async () => {
    await window.demo.ready;
    const { mixer } = window.demo;
    return { mode: mixer.mode, rate: mixer.sampleRate, isolated: globalThis.crossOriginIsolated, tracks: window.demo.views.length };
  });
}

/** The levels after `seconds` more of audio (read twice: the first read asks for a fresh snapshot). */
const levelsAfter = (page, seconds) => page.evaluate(async (s) => {
  const { context, mixer } = window.demo;
  const until = context.currentTime + s;
  while (context.currentTime < until) await new Promise((r) => setTimeout(r, 30));
  mixer.levels();
  await new Promise((r) => setTimeout(r, 100));
  return mixer.levels();
}, seconds);

/** Clicks the mute or solo button of track `i` (M or S). */
const press = (page, i, which) => page.evaluate(([track, label]) => {
  [...window.demo.views[track].root.querySelectorAll('button')].find((b) => b.textContent === label).click();
}, [i, which]);

/** Moves the range input labelled `label` in track i's strip to `value`, as a user would. */
const setRange = (page, i, label, value) => page.evaluate(([track, text, v]) => {
  const row = [...window.demo.views[track].root.querySelectorAll('label')].find((l) => l.firstChild.textContent === text);
  const input = row.querySelector('input');
  input.value = String(v);
  input.dispatchEvent(new Event('input'));
}, [i, label, value]);

const near = (actual, expected, tolerance, what) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual.toFixed(3)} dB, expected ${expected.toFixed(3)} +- ${tolerance}`);

test('demo page, cross-origin isolated: plays, meters, solo, mute, fader, a dropped WAV', { timeout: 180000 }, async (t) => {
  const server = await startServer({ port: 0, isolation: true });
  const browser = await launch();
  t.after(async () => { await browser.close(); await server.close(); });
  const { page, errors } = browser;
  await page.setViewportSize({ width: 1300, height: 900 });

  const started = await startPage(page, server.url);
  assert.equal(started.isolated, true);
  assert.equal(started.mode, 'shared');
  assert.equal(started.tracks, MATERIAL_TRACKS);

  // Meters move: every material track and the master have signal; the
  // reverb bus returns something; the kick's compressor is reducing.
  let levels = await levelsAfter(page, 1.5);
  for (const [i, lv] of levels.tracks.slice(0, MATERIAL_TRACKS).entries()) assert.ok(lv.peakDb[0] > -60, `track ${i} peak ${lv.peakDb[0]}`);
  assert.ok(levels.master.rmsDb[0] > -40, `master RMS ${levels.master.rmsDb[0]}`);
  assert.ok(levels.buses[0].rmsDb[0] > -60, `reverb return ${levels.buses[0].rmsDb[0]}`);
  assert.ok(levels.master.momentaryLufs > -40 && levels.master.truePeakDb[0] > -30, 'loudness and true peak read');
  const reductions = [];
  for (let i = 0; i < 10; i++) reductions.push((await levelsAfter(page, 0.1)).tracks[0].compReductionDb);
  assert.ok(Math.max(...reductions) > 0.5, `kick compressor gain reduction ${Math.max(...reductions)} dB`);
  const shown = await page.evaluate(() => document.getElementById('st-load').textContent);
  assert.match(shown, /% of the \d\.\d\d ms per quantum/);

  // Idle: stopped, the page draws nothing (no animation frames at all).
  await page.keyboard.press('Space');
  const idleFrames = await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 600)); // the frames after the command settle
    let frames = 0;
    const original = window.requestAnimationFrame;
    window.requestAnimationFrame = (f) => { frames++; return original(f); };
    await new Promise((r) => setTimeout(r, 1000));
    window.requestAnimationFrame = original;
    return { frames, state: window.demo.mixer.status().state };
  });
  assert.deepEqual(idleFrames, { frames: 0, state: 'stopped' });
  await page.keyboard.press('Space');
  await page.waitForFunction(() => window.demo.mixer.status().state === 'playing');

  // Seek by clicking the timeline's middle.
  const box = await page.locator('#timeline').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const position = await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 50));
    return { at: window.demo.mixer.status().position, loop: window.demo.loopEnd };
  });
  assert.ok(Math.abs(position.at - position.loop / 2) < 0.3, `seeked to ${position.at} s of ${position.loop}`);

  // Drop a WAV written here: it becomes track 9 and plays.
  const wav = sineWav(started.rate).toString('base64');
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'sine.wav', { type: 'audio/wav' }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, wav);
  await page.waitForFunction(() => /Added sine\.wav/.test(document.getElementById('message').textContent), null, { timeout: 20000 });
  const sine = MATERIAL_TRACKS;
  const loaded = await page.evaluate((i) => ({ tracks: window.demo.views.length, progress: window.demo.views[i].progress.hidden }), sine);
  assert.deepEqual(loaded, { tracks: MATERIAL_TRACKS + 1, progress: true });

  // Solo the sine: the master is exactly its level, and that is the sine's.
  await press(page, sine, 'S');
  levels = await levelsAfter(page, SETTLE_S);
  near(levels.tracks[sine].rmsDb[0], SINE_RMS_DB, 0.1, 'soloed sine track RMS');
  near(levels.master.rmsDb[0], levels.tracks[sine].rmsDb[0], 0.05, 'master RMS while the sine is soloed');
  near(levels.master.rmsDb[1], levels.tracks[sine].rmsDb[1], 0.05, 'master RMS (right) while the sine is soloed');

  // Its fader down 12 dB: the track and the master follow by 12 dB.
  await setRange(page, sine, 'Fader', -12);
  levels = await levelsAfter(page, SETTLE_S);
  near(levels.tracks[sine].rmsDb[0], SINE_RMS_DB - 12, 0.1, 'sine at -12 dB');
  near(levels.master.rmsDb[0], SINE_RMS_DB - 12, 0.1, 'master with the sine at -12 dB');

  // Unsolo: everything plays, louder than the sine alone; mute the eight
  // material tracks and the master falls to the sine's level.
  await press(page, sine, 'S');
  const full = (await levelsAfter(page, SETTLE_S)).master.rmsDb[0];
  assert.ok(full > SINE_RMS_DB - 12 + 1, `the whole mix (${full} dB) is louder than the sine alone`);
  for (let i = 0; i < MATERIAL_TRACKS; i++) await press(page, i, 'M');
  levels = await levelsAfter(page, SETTLE_S);
  near(levels.master.rmsDb[0], levels.tracks[sine].rmsDb[0], 0.05, 'master with the material muted');
  near(levels.master.rmsDb[0], SINE_RMS_DB - 12, 0.1, 'master with the material muted, against the sine');

  // The EQ curve is the engine's: +6 dB at 1 kHz on the sine track.
  await setRange(page, sine, 'Mid 1k', 6);
  const curve = await page.evaluate(async (i) => {
    await new Promise((r) => setTimeout(r, 600));
    return Math.max(...window.demo.views[i].curve);
  }, sine);
  near(curve, 6, 0.1, 'EQ curve peak');

  // Unmute for the picture.
  for (let i = 0; i < MATERIAL_TRACKS; i++) await press(page, i, 'M');
  await levelsAfter(page, 1);
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: `${OUT}demo.png`, fullPage: true });
  assert.deepEqual(errors, []);
});

test('demo page without isolation: runs over the MessagePort and says why', { timeout: 120000 }, async (t) => {
  const server = await startServer({ port: 0, isolation: false });
  const browser = await launch();
  t.after(async () => { await browser.close(); await server.close(); });
  const { page, errors } = browser;
  const started = await startPage(page, server.url);
  assert.equal(started.isolated, false);
  assert.equal(started.mode, 'message');
  const reason = await page.evaluate(() => {
    const p = document.getElementById('st-reason');
    return { hidden: p.hidden, text: p.textContent, mode: document.getElementById('st-mode').textContent };
  });
  assert.equal(reason.hidden, false);
  assert.match(reason.text, /SharedArrayBuffer/);
  assert.match(reason.mode, /slower/);
  const levels = await levelsAfter(page, 1.5);
  assert.ok(levels.master.rmsDb[0] > -40, `master RMS ${levels.master.rmsDb[0]}`);
  assert.deepEqual(errors, []);
});
