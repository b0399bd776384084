// The npm package in Node as a user gets it: the packed tarball installed
// into a fresh project, a session with a WAV clip rendered to WAV through
// the public API (`wamix/node`) and through the command line (`npx wamix`),
// both checked sample by sample against the expected signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPacked, run } from './pack.mjs';
import { loadTools, readWav, writeWav } from '../../js/node.js';

const RATE = 48000, START = 0.25, AMPLITUDE = 0.5;

/** A 1 kHz sine clip of 0.5 s on a mono track at centre pan, faded -6.0206 dB (x 0.5). */
const SESSION = {
  sampleRate: RATE, duration: 1,
  tracks: [{ channels: 1, clips: [{ file: 'sine.wav', start: START }], params: { fader_db: -6.0206 } }],
};
const sine = Float32Array.from({ length: RATE / 2 }, (_, i) => AMPLITUDE * Math.sin((2 * Math.PI * 1000 * i) / RATE));

function checkSignal(wav, tolerance) {
  assert.equal(wav.sampleRate, RATE);
  assert.equal(wav.frames, RATE);
  const gain = 0.5 * Math.SQRT1_2; // the fader, then the pan law's -3 dB
  let worst = 0;
  for (const channel of wav.channels) {
    for (let i = 0; i < wav.frames; i++) {
      const k = i - START * RATE;
      const want = k >= 0 && k < sine.length ? gain * sine[k] : 0;
      worst = Math.max(worst, Math.abs(channel[i] - want));
    }
  }
  assert.ok(worst <= tolerance, `worst difference ${worst}`);
}

test('the installed package renders a session to WAV, from its API and its command line', { timeout: 180000 }, async (t) => {
  const dir = installPacked(t, 'node-app');
  writeFileSync(join(dir, 'sine.wav'), writeWav([sine], { sampleRate: RATE, format: 'float32' }));
  writeFileSync(join(dir, 'session.json'), JSON.stringify(SESSION));
  writeFileSync(join(dir, 'render.mjs'), `
    import { readFileSync } from 'node:fs';
    import { renderToWav } from 'wamix/node';
    await renderToWav(JSON.parse(readFileSync('session.json', 'utf8')), 'api.wav', { format: 'float32' });
  `);
  run(process.execPath, ['render.mjs'], dir);
  const tools = await loadTools();
  checkSignal(readWav(readFileSync(join(dir, 'api.wav')), tools), 1e-6);

  const out = run('npx', ['--no-install', 'wamix', 'render', 'session.json', '-o', 'cli.wav'], dir);
  assert.match(out, /wrote cli\.wav: 1\.000 s, 48000 Hz, stereo, pcm24/);
  checkSignal(readWav(readFileSync(join(dir, 'cli.wav')), tools), 2 ** -22);
  assert.match(run('npx', ['--no-install', 'wamix', 'info', 'cli.wav'], dir), /48000 Hz/);
});
