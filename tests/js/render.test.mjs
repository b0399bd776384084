// Offline rendering of session descriptions, checked against the signal
// computed here: the pan law, fader gains, clip offsets, gains and fades
// by the formulas of docs/mixer.md and dsp/wm_clips.h, sends, the limiter's
// ceiling, a 44.1 kHz file resampled into a 48 kHz session, the loudness
// of a known sine; and the errors of files and clips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWamix, loadTools, renderSession, renderToWav, readWav, writeWav, DescriptionError } from '../../js/node.js';

const module = await loadWamix();
const dir = mkdtempSync(join(tmpdir(), 'wamix-render-'));
const RATE = 48000;
const CENTRE = Math.SQRT1_2; // a mono track at pan 0: cos(pi/4) on each side (StereoPannerNode)
const HALF_DB = 20 * Math.log10(0.5); // -6.0206

function wav(name, channels, { sampleRate = RATE, format = 'float32' } = {}) {
  writeFileSync(join(dir, name), writeWav(channels, { sampleRate, format }));
  return name;
}
const render = (description, options) => renderSession(description, { baseDir: dir, module, ...options });

function maxError(actual, expected, from = 0, to = actual.length) {
  let error = 0;
  for (let i = from; i < to; i++) error = Math.max(error, Math.abs(actual[i] - expected(i)));
  return error;
}

const dc = wav('dc.wav', [new Float32Array(RATE).fill(0.5)]);

test('a DC clip on a neutral mono track starts at its frame, at the pan law; a fader at -6.0206 dB halves it', async () => {
  const start = 12000;
  const neutral = await render({ sampleRate: RATE, duration: 1.5, tracks: [{ channels: 1, clips: [{ file: dc, start: start / RATE }] }] });
  const expected = (i) => (i >= start && i < start + RATE ? 0.5 * CENTRE : 0);
  for (const channel of neutral.channels) assert.ok(maxError(channel, expected) < 1e-6, `${maxError(channel, expected)}`);
  assert.equal(neutral.channels[0].length, 1.5 * RATE);
  const halved = await render({ sampleRate: RATE, duration: 1.5,
    tracks: [{ channels: 1, clips: [{ file: dc, start: start / RATE }], params: { fader_db: HALF_DB } }] });
  assert.ok(maxError(halved.channels[0], (i) => expected(i) / 2) < 1e-6, 'from the first frame: the glide settled before it');
  const { summary } = halved;
  assert.equal(summary.duration, 1.5);
  assert.ok(Math.abs(summary.peakDb - 20 * Math.log10(0.25 * CENTRE)) < 1e-4, `peak ${summary.peakDb}`);
  assert.ok(summary.renderSeconds > 0 && summary.speed > 0);
});

test('stereo impulses land on their frames; offset, length, gain and fades follow the clip formulas', async () => {
  const left = new Float32Array(4000), right = new Float32Array(4000);
  left[100] = 0.75;
  right[2500] = -0.5;
  const impulses = wav('impulses.wav', [left, right], { format: 'pcm24' });
  const out = await render({ sampleRate: RATE, duration: 0.2, tracks: [{ clips: [{ file: impulses, start: 1000 / RATE }] }] });
  assert.ok(maxError(out.channels[0], (i) => (i === 1100 ? 0.75 : 0)) < 1e-6, 'a stereo track at pan 0 passes L through');
  assert.ok(maxError(out.channels[1], (i) => (i === 3500 ? -0.5 : 0)) < 1e-6, 'and R');

  const ramp = Float32Array.from({ length: 20000 }, (_, i) => (i % 1000) / 1000);
  const file = wav('ramp.wav', [ramp]);
  const clip = { start: 480, offset: 960, length: 4800, fadeIn: 96, fadeOut: 48 };
  const fades = await render({ sampleRate: RATE, duration: 0.2, tracks: [{ channels: 1, clips: [{ file,
    start: clip.start / RATE, offset: clip.offset / RATE, length: clip.length / RATE, gain_db: HALF_DB,
    fade_in: clip.fadeIn / RATE, fade_out: clip.fadeOut / RATE }] }] });
  const expected = (t) => {
    const k = t - clip.start;
    if (k < 0 || k >= clip.length) return 0;
    let gain = 0.5 * CENTRE;
    if (k < clip.fadeIn) gain *= k / clip.fadeIn;
    if (k >= clip.length - clip.fadeOut) gain *= (clip.length - 1 - k) / clip.fadeOut;
    return ramp[clip.offset + k] * gain;
  };
  const error = maxError(fades.channels[0], expected);
  assert.ok(error < 1e-6, `clip formula: ${error}`);
});

test('sends: a pre-fader send under a silent fader, and a post-fader send added to the direct sound', async () => {
  const start = 2400, direct = (i) => (i >= start && i < start + RATE ? 0.5 * CENTRE : 0);
  const base = { sampleRate: RATE, duration: 1.2, buses: [{ name: 'fx' }] };
  const pre = await render({ ...base, tracks: [{ channels: 1, clips: [{ file: dc, start: start / RATE }],
    params: { fader_db: -96 }, sends: [{ bus: 'fx', db: 0, pre: true }] }] });
  assert.ok(maxError(pre.channels[0], direct) < 1e-6, 'the bus carries the pre-fader signal alone');
  const post = await render({ ...base, tracks: [{ channels: 1, clips: [{ file: dc, start: start / RATE }],
    sends: [{ bus: 0, db: HALF_DB }] }] });
  assert.ok(maxError(post.channels[1], (i) => 1.5 * direct(i)) < 1e-6, 'direct + half through the bus');
});

test('the master limiter holds its ceiling; a -20 dBFS 1 kHz sine on both channels reads -20 LUFS', async () => {
  const sine = (amplitude, seconds = 3) => Float32Array.from({ length: seconds * RATE }, (_, i) => amplitude * Math.sin((2 * Math.PI * 1000 * i) / RATE));
  const loud = wav('loud.wav', [sine(1), sine(1)]);
  const limited = await render({ sampleRate: RATE, tracks: [{ clips: [{ file: loud, start: 0 }] }],
    master: { limiter: { on: true, ceiling_db: -6 } } });
  assert.ok(limited.summary.peakDb <= -6 + 0.01, `peak ${limited.summary.peakDb} dBFS under a -6 dB ceiling`);
  assert.ok(limited.summary.peakDb > -7, 'and not far under it');
  // 20 s: the 400 ms blocks that straddle the start and the end pull the gated mean down by ~0.03 dB only
  const quiet = wav('quiet.wav', [sine(0.1, 20), sine(0.1, 20)]);
  const measured = await render({ sampleRate: RATE, tracks: [{ clips: [{ file: quiet, start: 0 }] }] });
  assert.ok(Math.abs(measured.summary.integratedLufs + 20) < 0.06, `${measured.summary.integratedLufs} LUFS`);
});

test('a 44.1 kHz file in a 48 kHz session is resampled: same frequency, same timing', async () => {
  const f = 1000, seconds = 1;
  const file = wav('sine44.wav', [Float32Array.from({ length: 44100 * seconds }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / 44100))],
    { sampleRate: 44100 });
  const out = await render({ sampleRate: RATE, duration: 1.1, tracks: [{ channels: 1, clips: [{ file, start: 0.05 }] }] });
  const start = 0.05 * RATE;
  const expected = (i) => 0.5 * CENTRE * Math.sin((2 * Math.PI * f * (i - start)) / RATE);
  const error = maxError(out.channels[0], expected, start + 500, start + RATE - 500);
  assert.ok(error < 1e-4, `against the analytic 48 kHz sine: ${error}`);
  assert.ok(maxError(out.channels[0], () => 0, start + RATE + 100, out.channels[0].length) < 1e-4, 'ends where the file ends');
});

test('renderToWav writes what renderSession returns, in the format asked for', async () => {
  const path = join(dir, 'out.wav');
  const description = { sampleRate: RATE, duration: 0.5, tracks: [{ channels: 1, clips: [{ file: dc, start: 0.1 }] }] };
  const result = await renderToWav(description, path, { baseDir: dir, module, format: 'pcm16' });
  const back = readWav(readFileSync(path), await loadTools());
  assert.equal(back.format, 'pcm16');
  assert.equal(back.sampleRate, RATE);
  assert.ok(maxError(back.channels[0], (i) => result.channels[0][i]) <= 2 ** -16);
  await assert.rejects(renderToWav(description, path, { baseDir: dir, module, format: 'mp3' }), /unknown WAV format "mp3"/);
});

test('files and clips that cannot be rendered: errors that name the clip and the fault', async () => {
  writeFileSync(join(dir, 'cut.wav'), writeWav([new Float32Array(100)], { sampleRate: RATE, format: 'pcm16' }).subarray(0, 150));
  wav('six.wav', Array.from({ length: 6 }, () => new Float32Array(10)));
  wav('tiny.wav', [new Float32Array(10)], { sampleRate: 500 });
  const clipOf = (clip) => ({ sampleRate: RATE, tracks: [{ name: 'a', clips: [] }, { clips: [{ start: 0, ...clip }] }] });
  const cases = [
    [{ file: 'missing.wav' }, 'tracks[1].clips[0].file: cannot read "missing.wav": no such file'],
    [{ file: 'cut.wav' }, 'tracks[1].clips[0].file: cut.wav: data chunk truncated: declares 200 bytes, the file has 106'],
    [{ file: 'six.wav' }, 'tracks[1].clips[0].file: "six.wav" has 6 channels: clips take mono or stereo files'],
    [{ file: 'tiny.wav' }, 'tracks[1].clips[0].file: "tiny.wav": cannot resample from 500 Hz to 48000 Hz'],
    [{ file: dc, offset: 2 }, 'tracks[1].clips[0].offset: 2 s is past the end of "dc.wav" (1.000 s)'],
    [{ file: dc, offset: 0.5, length: 0.75 }, 'tracks[1].clips[0].length: offset + length (1.250 s) runs past the end of "dc.wav" (1.000 s)'],
    [{ file: dc, fade_in: 2 }, 'tracks[1].clips[0].fade_in: longer than the clip (1.000 s)'],
    [{ file: dc, start: -2 }, 'tracks[1].clips[0].start: must be a finite number >= 0, not -2'],
  ];
  for (const [clip, message] of cases) {
    await assert.rejects(render(clipOf(clip)), (e) => {
      assert.ok(e instanceof DescriptionError, `${message}: ${e.stack}`);
      assert.ok(e.message.startsWith(message), `got "${e.message}", expected "${message}"`);
      return true;
    });
  }
});

test('automation: a linear fader ramp, or a clear refusal where the build has no AUTOMATE command', async () => {
  const { CommandWriter } = await import('../../js/commands.js');
  const description = { sampleRate: RATE, duration: 1, tracks: [{ name: 'a', channels: 1, clips: [{ file: dc, start: 0 }] }],
    automation: [{ target: 'track:a', param: 'fader_db', events: [
      { type: 'setValueAtTime', time: 0, value: 0 }, { type: 'linearRampToValueAtTime', time: 0.5, value: -20 }] }] };
  if (typeof CommandWriter.prototype.automate !== 'function') {
    await assert.rejects(render(description), /^DescriptionError: automation\[0\]: automation is not supported by this build/);
    return;
  }
  const out = await render(description);
  const db = (t) => (t >= RATE / 2 ? -20 : (-20 * t) / (RATE / 2));
  const error = maxError(out.channels[0], (t) => 0.5 * CENTRE * 10 ** (db(t) / 20), 0, RATE);
  assert.ok(error < 1e-4, `the fader follows the ramp in dB: ${error}`);
});
