// The command line through child_process: render (the file it writes
// checked against the expected signal), info, and user errors: one line,
// exit code 1, no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTools, readWav, writeWav } from '../../js/node.js';
import { ROOT } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'wamix-cli-'));
const exports = await loadTools();
const wamix = (...args) => spawnSync(process.execPath, [`${ROOT}bin/wamix.js`, ...args], { cwd: dir, encoding: 'utf8' });

writeFileSync(join(dir, 'dc.wav'), writeWav([new Float32Array(4800).fill(0.5)], { sampleRate: 44100, format: 'pcm16' }));
writeFileSync(join(dir, 'session.json'), JSON.stringify({
  sampleRate: 44100, duration: 0.25, tracks: [{ channels: 1, clips: [{ file: 'dc.wav', start: 0.1 }], params: { fader_db: -6.0206 } }],
}));

test('wamix render writes the session, with a summary', () => {
  const run = wamix('render', 'session.json', '-o', 'out.wav');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^wrote out\.wav: 0\.250 s, 44100 Hz, stereo, pcm24\npeak -15\.05 dBFS, loudness -?[\d.]+ LUFS integrated\nrendered in [\d.]+ s \([\d.]+x real time\)\n$/);
  assert.equal(run.stderr, '', 'no progress bar when stderr is not a terminal');
  const out = readWav(readFileSync(join(dir, 'out.wav')), exports);
  assert.equal(out.format, 'pcm24');
  assert.equal(out.frames, 11025);
  const start = 4410, level = Math.round(0.25 * Math.SQRT1_2 * 2 ** 23) / 2 ** 23; // the pcm24 code of 0.5 / 2 at the pan law
  for (const channel of out.channels) {
    for (let i = 0; i < out.frames; i++) {
      const want = i >= start && i < start + 4800 ? level : 0;
      if (Math.abs(channel[i] - want) > 2 ** -22) assert.fail(`frame ${i}: ${channel[i]}, want ${want}`);
    }
  }
  const float = wamix('render', 'session.json', '-o', 'out32.wav', '--format', 'float32');
  assert.equal(float.status, 0, float.stderr);
  assert.equal(readWav(readFileSync(join(dir, 'out32.wav')), exports).format, 'float32');
});

test('wamix info describes a file', () => {
  const run = wamix('info', 'dc.wav');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'dc.wav: WAV pcm16, 1 channel, 44100 Hz, 4800 frames (0.109 s), peak -6.02 dBFS\n');
});

test('user errors: one line naming the problem, exit code 1, no stack', () => {
  writeFileSync(join(dir, 'bad.wav'), 'RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00');
  writeFileSync(join(dir, 'broken.json'), '{"tracks": [');
  writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ tracks: [{ clips: [{ file: 'dc.wav', start: 0, gain_db: 99 }] }] }));
  const cases = [
    [['info', 'bad.wav'], 'wamix: bad.wav: "fmt " chunk truncated: declares 16 bytes, the file has 0'],
    [['info', 'session.json'], 'wamix: session.json: not a WAV file: it starts with "{"sa", not "RIFF"'],
    [['info', 'nope.wav'], 'wamix: cannot read nope.wav: no such file'],
    [['render', 'broken.json', '-o', 'x.wav'], 'wamix: broken.json: not valid JSON'],
    [['render', 'wrong.json', '-o', 'x.wav'], 'wamix: tracks[0].clips[0].gain_db: must be a finite number from -96 to 24, not 99'],
    [['render', 'session.json'], 'wamix: render needs -o <out.wav>'],
    [['render', 'session.json', '-o', 'x.wav', '--format', 'mp3'], 'wamix: unknown format "mp3"'],
    [['mix'], 'wamix: unknown command "mix"'],
  ];
  for (const [args, message] of cases) {
    const run = wamix(...args);
    assert.equal(run.status, 1, `${args.join(' ')}: exit code`);
    assert.ok(run.stderr.startsWith(message), `${args.join(' ')}: got "${run.stderr}"`);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
  const help = wamix('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /wamix render <session\.json> -o <out\.wav>/);
});
