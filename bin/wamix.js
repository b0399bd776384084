#!/usr/bin/env node
// The wamix command line:
//   wamix render session.json -o out.wav [--format pcm16|pcm24|pcm32|float32]
//   wamix info file.wav
//   wamix bench [arguments for bench/bench.mjs]
// User errors (bad arguments, files, descriptions) print one line and exit
// with 1; anything else is a bug and prints its stack.
import { readFile, access } from 'node:fs/promises';
import { dirname, basename } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { renderToWav, readWavFile, WAV_FORMATS } from '../js/node.js';

const USAGE = `usage:
  wamix render <session.json> -o <out.wav> [--format pcm16|pcm24|pcm32|float32]
  wamix info <file.wav>
  wamix bench [benchmark options]`;

class UsageError extends Error {}
const USER_ERRORS = new Set(['DescriptionError', 'WavError']);

const db = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}` : '-inf');

function parseRender(args) {
  const options = { format: 'pcm24' };
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-o' || args[i] === '--output') options.output = args[++i];
    else if (args[i] === '--format') options.format = args[++i];
    else if (args[i].startsWith('-')) throw new UsageError(`unknown option ${args[i]}`);
    else rest.push(args[i]);
  }
  if (rest.length !== 1) throw new UsageError('render takes one session file');
  if (!options.output) throw new UsageError('render needs -o <out.wav>');
  if (!Object.hasOwn(WAV_FORMATS, options.format)) {
    throw new UsageError(`unknown format ${JSON.stringify(options.format)} (${Object.keys(WAV_FORMATS).join(', ')})`);
  }
  return { ...options, session: rest[0] };
}

async function readText(path) {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  }
}

/** A progress bar on stderr, only when it is a terminal. */
function progressBar() {
  if (!process.stderr.isTTY) return undefined;
  let shown = -1;
  return (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    const width = 30, filled = Math.round(fraction * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%`);
    if (fraction >= 1) process.stderr.write('\n');
  };
}

async function render(args) {
  const options = parseRender(args);
  let description;
  try {
    description = JSON.parse(await readText(options.session));
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`${options.session}: not valid JSON: ${error.message}`);
    throw error;
  }
  const { summary, sampleRate } = await renderToWav(description, options.output, {
    format: options.format, baseDir: dirname(options.session), onProgress: progressBar(),
  });
  console.log(`wrote ${options.output}: ${summary.duration.toFixed(3)} s, ${sampleRate} Hz, stereo, ${options.format}`);
  console.log(`peak ${db(summary.peakDb)} dBFS, loudness ${db(summary.integratedLufs)} LUFS integrated`
    + (summary.overs && options.format !== 'float32' ? `, ${summary.overs} samples over full scale clipped` : ''));
  console.log(`rendered in ${summary.renderSeconds.toFixed(2)} s (${summary.speed.toFixed(1)}x real time)`);
}

async function info(args) {
  if (args.length !== 1) throw new UsageError('info takes one WAV file');
  await readText(args[0]); // a clear error for a missing file
  const wav = await readWavFile(args[0]);
  let peak = 0;
  for (const c of wav.channels) for (let i = 0; i < c.length; i++) peak = Math.max(peak, Math.abs(c[i]));
  console.log(`${basename(args[0])}: WAV ${wav.format}, ${wav.channelCount} channel${wav.channelCount > 1 ? 's' : ''}, `
    + `${wav.sampleRate} Hz, ${wav.frames} frames (${(wav.frames / wav.sampleRate).toFixed(3)} s), peak ${db(20 * Math.log10(peak))} dBFS`);
}

async function bench(args) {
  const script = fileURLToPath(new URL('../bench/bench.mjs', import.meta.url));
  try {
    await access(script);
  } catch {
    throw new UsageError('the benchmark is not shipped in this package: run `npm run bench` in a clone of the wamix repository');
  }
  const run = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
}

const COMMANDS = { render, info, bench };

async function main([command, ...args]) {
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  await COMMANDS[command](args);
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError || USER_ERRORS.has(error.name)) console.error(`wamix: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
});
