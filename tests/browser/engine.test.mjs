// The engine in a real browser: the demo page served with COOP/COEP by the
// project's own server, opened in headless Chromium. The worklet runs the C
// engine, a gain set from the main thread moves the level that the shared
// meter block reports, and the console stays clean. The same page without
// cross-origin isolation falls back to the MessagePort and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../web/serve.mjs';
import { launch } from './browser.mjs';

/** Waits until the page's engine has published meters for `seconds` more of audio. */
async function settle(page, seconds) {
  await page.evaluate(async (s) => {
    const { engine, context } = window.wamixDemo;
    const target = engine.mode === 'shared'
      ? engine.quantaRendered + Math.ceil((s * context.sampleRate) / 128)
      : null;
    const start = context.currentTime;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      if (target !== null ? engine.quantaRendered >= target : context.currentTime - start >= s) return;
    }
  }, seconds);
}

const rmsDb = (page) => page.evaluate(() => window.wamixDemo.engine.readMeters().rms_db_l);

/** Reads the engine's analyser as a page would at display rate; returns the
    peak frequency, the peak level and the waveform's range. */
const readAnalyser = (page) => page.evaluate(async () => {
  const { engine, context } = window.wamixDemo;
  const a = engine.analyser;
  a.fftSize = 4096;
  const db = new Float32Array(a.frequencyBinCount), bytes = new Uint8Array(a.frequencyBinCount);
  const wave = new Float32Array(a.fftSize);
  for (let frame = 0; frame < 10; frame++) { // ask, then read what came back
    a.getFloatFrequencyData(db);
    await new Promise((r) => requestAnimationFrame(r));
  }
  a.getByteFrequencyData(bytes);
  a.getFloatTimeDomainData(wave);
  let peak = 0;
  for (let k = 1; k < db.length; k++) if (db[k] > db[peak]) peak = k;
  return {
    peakHz: (peak * context.sampleRate) / a.fftSize,
    peakDb: db[peak],
    maxByte: Math.max(...bytes),
    waveMin: Math.min(...wave),
    waveMax: Math.max(...wave),
  };
});

async function setSlider(page, id, value) {
  await page.evaluate(([i, v]) => {
    const el = document.getElementById(i);
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, [id, value]);
}

async function openDemo(t, isolation) {
  const server = await startServer({ port: 0, isolation });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  await browser.page.goto(server.url);
  return browser;
}

test('demo page: isolated, the worklet runs the engine, gain moves the meter', { timeout: 60000 }, async (t) => {
  const { page, errors } = await openDemo(t, true);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is cross-origin isolated');

  await page.click('#start');
  await page.waitForFunction(() => window.wamixDemo?.engine, null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.wamixDemo.engine.mode), 'shared');
  assert.equal(await page.evaluate(() => window.wamixDemo.context.state), 'running');

  await settle(page, 2);
  const quanta = await page.evaluate(() => window.wamixDemo.engine.quantaRendered);
  assert.ok(quanta > 500, `the worklet rendered ${quanta} quanta`);
  const before = await rmsDb(page);
  assert.ok(before > -40 && before < 0, `the tone is audible at -12 dB gain: rms ${before} dB`);

  await setSlider(page, 'gain', -32); // 20 dB down, from the page's own control
  await settle(page, 2.5);
  const after = await rmsDb(page);
  assert.ok(Math.abs(after - before + 20) < 0.3, `gain -20 dB moved the meter by ${(after - before).toFixed(2)} dB`);

  // The tone is two sawtooths at 110 and 165 Hz: their fundamentals lead.
  const spectrum = await readAnalyser(page);
  assert.ok(spectrum.peakHz > 95 && spectrum.peakHz < 180, `analyser peak at ${spectrum.peakHz} Hz`);
  assert.ok(spectrum.peakDb > -100 && spectrum.maxByte > 0, JSON.stringify(spectrum));
  assert.ok(spectrum.waveMax > 0.005 && spectrum.waveMin < -0.005, JSON.stringify(spectrum));

  const meters = await page.evaluate(() => window.wamixDemo.engine.readMeters());
  assert.equal(meters.nonfinite, 0, JSON.stringify(meters));
  assert.equal(meters.param_errors, 0, JSON.stringify(meters));
  assert.deepEqual(errors, [], 'no console errors');
});

test('demo page without isolation: runs over the MessagePort and says why', { timeout: 60000 }, async (t) => {
  const { page, errors } = await openDemo(t, false);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'undefined');
  await page.click('#start');
  await page.waitForFunction(() => window.wamixDemo?.engine, null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.wamixDemo.engine.mode), 'message');
  assert.match(await page.textContent('#status'), /cross-origin isolated/);

  await settle(page, 2);
  const before = await rmsDb(page);
  assert.ok(before > -40, `meters arrive over the port: rms ${before} dB`);
  await setSlider(page, 'gain', -32);
  await settle(page, 2.5);
  const after = await rmsDb(page);
  assert.ok(Math.abs(after - before + 20) < 0.5, `gain moved the meter by ${(after - before).toFixed(2)} dB`);
  const spectrum = await readAnalyser(page);
  assert.ok(spectrum.peakHz > 95 && spectrum.peakHz < 180, `analyser peak at ${spectrum.peakHz} Hz over the port`);
  assert.deepEqual(errors, [], 'no console errors');
});
