// The npm package in a real bundler: `npm pack`, the tarball installed into
// a fresh Vite project in a temporary folder, `vite build` with no
// configuration, the build served with cross-origin isolation, and in
// headless Chromium the engine plays and its meter shows signal. The same
// project's TypeScript, written against the package's declarations, type-checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../js/helpers.mjs';
import { launch } from '../browser/browser.mjs';
import { serveDirectory } from './static-server.mjs';
import { installPacked, run } from './pack.mjs';

const MAIN_TS = `
import { createMixer, doctor, type Mixer, type Levels } from 'wamix';

async function start(): Promise<Levels> {
  const context = new AudioContext();
  const mixer: Mixer = await createMixer(context, { tracks: 1, channels: 1, buses: 0, poolSeconds: 2 });
  mixer.connect(context.destination);
  const rate = context.sampleRate;
  const sine = new Float32Array(rate).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const sample = await mixer.loadSample({ sampleRate: rate, channels: [sine] });
  await mixer.tracks[0].addClip(sample, { start: 0 });
  mixer.tracks[0].fader.setValueAtTime(-6, context.currentTime);
  mixer.setLoop(0, 1);
  mixer.play();
  await context.resume();
  await new Promise((r) => setTimeout(r, 1500));
  mixer.levels();
  await new Promise((r) => setTimeout(r, 200));
  (window as any).doctor = (await doctor(context)).report;
  return mixer.levels();
}

(window as any).start = start;
`;

test('the packed package builds with Vite and plays in Chromium', { timeout: 180000 }, async (t) => {
  const dir = installPacked(t, 'vite-app');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>app</title><link rel="icon" href="data:,"><script type="module" src="/main.ts"></script>');
  writeFileSync(join(dir, 'main.ts'), MAIN_TS);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, lib: ['ES2022', 'DOM'] },
    files: ['main.ts'],
  }));
  run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
  run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], dir);
  const assets = readdirSync(join(dir, 'dist/assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `the WASM module is shipped: ${assets}`);
  assert.ok(assets.some((f) => /worklet.*\.js$/.test(f)), `the worklet is shipped: ${assets}`);

  const server = await serveDirectory(join(dir, 'dist'));
  const browser = await launch();
  t.after(async () => { await browser.close(); await server.close(); });
  await browser.page.goto(server.url);
  const levels = await browser.page.evaluate(() => window.start());
  // A mono sine of amplitude 0.5 at centre pan (-3 dB a side), faded -6 dB.
  const expected = 20 * Math.log10(0.5 / Math.SQRT2 * Math.SQRT1_2) - 6;
  assert.ok(Math.abs(levels.master.rmsDb[0] - expected) < 0.5, `master RMS ${levels.master.rmsDb[0]} dB, expected ${expected}`);
  const report = await browser.page.evaluate(() => window.doctor);
  assert.match(report, /runs in shared-memory mode/, report);
  assert.deepEqual(browser.errors, []);
});
