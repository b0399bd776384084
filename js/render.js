/**
 * Offline rendering in Node: a session description (js/description.js,
 * docs/offline.md) rendered by the same WASM module the browser runs,
 * through the same Session and command protocol as the worklet.
 *
 * Steps: validate; read every WAV file once (js/wav.js), resample it to
 * the session rate when it differs (js/resample.js, high quality); size a
 * module memory for the pool; load the samples, add the clips, set the
 * parameters and the automation through the command ring; let the glides
 * settle over a pre-roll with the transport stopped; play and render block
 * by block. Output frame t is timeline frame t: the limiter's lookahead
 * (the mixer's latency) is rendered past the end and cut from the start.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { instantiate, readCString } from './wamix-core.js';
import { createMemory } from './memory.js';
import { Session, STATUS, LEVELS } from './session.js';
import { readParamTables } from './param-table.js';
import { DescriptionError, validate } from './description.js';
import { readWav, writeWav, WAV_FORMATS } from './wav.js';
import { resample } from './resample.js';
import { instantiateTools } from './tools.js';

const DEFAULT_WASM = new URL('../dist/wamix.wasm', import.meta.url);
const TOOLS_WASM = new URL('../dist/wamix-tools.wasm', import.meta.url);
const BLOCK = 512;
const POOL_PAGE_FLOATS = 4096; // js/session.js sizes the pool in pages of 16 KiB
const MEMORY_OVERHEAD = 48 << 20; // mixer, rings and buffers beside the pool (256 stereo tracks take ~5 MiB)
const MAX_MEMORY = 1 << 30; // WAMIX_MAX_MEMORY in wasm/wasm.cmake
const PREROLL_SECONDS = 0.5; // parameter glides (10 ms ramps, 20 ms EQ smoothing) settle before frame 0

/**
 * Compiles the module from disk.
 * @param {string|URL} [path] defaults to the package's dist/wamix.wasm
 * @returns {Promise<WebAssembly.Module>}
 */
export async function loadWamix(path = DEFAULT_WASM) {
  return WebAssembly.compile(await readFile(path));
}

/** The tools module (js/tools.js: WAV reading, resampling), instantiated from disk. */
export async function loadTools(path = TOOLS_WASM) {
  return instantiateTools(await WebAssembly.compile(await readFile(path)));
}

const seconds = (frames, rate) => `${(frames / rate).toFixed(3)} s`;

/** Reads, checks and resamples one clip's file: {interleaved, channels, frames}. */
async function loadFile(tools, clip, baseDir, sampleRate) {
  let bytes;
  try {
    bytes = await readFile(resolve(baseDir, clip.file));
  } catch (error) {
    const why = error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'a directory' : error.message;
    throw new DescriptionError(`${clip.path}.file`, `cannot read ${JSON.stringify(clip.file)}: ${why}`);
  }
  let wav;
  try {
    wav = readWav(bytes, tools, clip.file);
  } catch (error) {
    if (error.name === 'WavError') throw new DescriptionError(`${clip.path}.file`, error.message);
    throw error;
  }
  if (wav.channelCount > 2) {
    throw new DescriptionError(`${clip.path}.file`, `${JSON.stringify(clip.file)} has ${wav.channelCount} channels: clips take mono or stereo files`);
  }
  let channels = wav.channels;
  if (wav.sampleRate !== sampleRate) {
    try {
      channels = resample(tools, channels, wav.sampleRate, sampleRate);
    } catch (error) {
      if (error instanceof RangeError) throw new DescriptionError(`${clip.path}.file`, `${JSON.stringify(clip.file)}: ${error.message}`);
      throw error;
    }
  }
  const frames = channels[0].length;
  let interleaved = channels[0];
  if (channels.length === 2) {
    interleaved = new Float32Array(2 * frames);
    for (let i = 0; i < frames; i++) {
      interleaved[2 * i] = channels[0][i];
      interleaved[2 * i + 1] = channels[1][i];
    }
  }
  return { interleaved, channels: channels.length, frames, file: clip.file };
}

/** A clip's fields in frames, checked against its sample. */
function clipFrames(clip, sample, rate) {
  const at = (s) => Math.round(s * rate);
  const offset = at(clip.offset);
  if (offset >= sample.frames) {
    throw new DescriptionError(`${clip.path}.offset`, `${clip.offset} s is past the end of ${JSON.stringify(sample.file)} (${seconds(sample.frames, rate)})`);
  }
  const length = clip.length === null ? sample.frames - offset : Math.max(1, at(clip.length));
  if (offset + length > sample.frames) {
    throw new DescriptionError(`${clip.path}.length`, `offset + length (${seconds(offset + length, rate)}) runs past the end of `
      + `${JSON.stringify(sample.file)} (${seconds(sample.frames, rate)})`);
  }
  const fade = (s, key) => {
    if (at(s) > length) throw new DescriptionError(`${clip.path}.${key}`, `longer than the clip (${seconds(length, rate)})`);
    return at(s);
  };
  return { start: at(clip.start), offset, length, gainDb: clip.gainDb, fadeIn: fade(clip.fadeIn, 'fade_in'),
    fadeOut: fade(clip.fadeOut, 'fade_out') };
}

/** Pushes a command, applying pending ones (process(0)) while the ring is full. */
function send(session, push) {
  for (let tries = 0; !push(); tries++) {
    if (tries > 1000) throw new Error('wamix: the command ring does not drain');
    session.process(0);
  }
}

/** Sets every parameter, sample, clip and automation event of the description. */
function setUp(session, d, samples, preroll) {
  const rate = d.sampleRate, commands = session.commands;
  const handles = new Map();
  for (const [key, sample] of samples) handles.set(key, session.loadSample(sample.interleaved, sample.channels));
  d.tracks.forEach((track, t) => {
    for (const clip of track.clips) {
      session.addClip(t, handles.get(clip.key), clipFrames(clip, samples.get(clip.key), rate));
    }
  });
  const strips = [
    ...d.tracks.map((track, i) => [session.strip('track', i), track.params]),
    ...d.buses.map((bus, i) => [session.strip('bus', i), bus.params]),
    [session.strip('master'), d.master.params],
  ];
  for (const [strip, params] of strips) for (const p of params) send(session, () => commands.setStripParam(strip, p.id, p.value));
  for (const p of d.master.mixer) send(session, () => commands.setMixerParam(p.id, p.value));
  for (const lane of d.automation) {
    if (typeof commands.automate !== 'function') {
      throw new DescriptionError(lane.path, 'automation is not supported by this build of wamix');
    }
    const strip = session.strip(lane.target.kind, lane.target.index);
    for (const e of lane.events) {
      send(session, () => commands.automate(strip, lane.param.id, e.kind, preroll + e.time * rate, e.value, e.timeConstant * rate));
    }
  }
  session.process(0);
  for (let i = 0; i < 1000 && session.statusWords()[STATUS.PENDING_WORDS] > 0; i++) session.process(0);
  if (session.rejected > 0) {
    const code = session.statusWords()[STATUS.LAST_ERROR] | 0;
    const why = readCString(session.exports, session.exports.wamix_strerror(code));
    throw new Error(`wamix: the engine rejected ${session.rejected} setup commands (the last: ${why})`);
  }
}

/**
 * Renders a description to stereo Float32 channels.
 * @param {object} description a session description (parsed JSON)
 * @param {{baseDir?: string, onProgress?: (fraction: number) => void, module?: WebAssembly.Module}} [options]
 *   baseDir: where clip files are found (default: the working directory)
 * @returns {Promise<{sampleRate: number, channels: Float32Array[], summary: {duration: number, frames: number,
 *   peakDb: number, integratedLufs: number, overs: number, renderSeconds: number, speed: number}}>}
 * @throws {DescriptionError} for a description, file or clip that cannot be rendered
 */
export async function renderSession(description, { baseDir = '.', onProgress, module } = {}) {
  const started = performance.now();
  module ??= await loadWamix();
  const tools = await loadTools();
  const d = validate(description, readParamTables(instantiate(module, createMemory({ bytes: 16 << 20 }))));
  const rate = d.sampleRate;
  const samples = new Map();
  for (const clip of d.tracks.flatMap((t) => t.clips)) {
    clip.key = resolve(baseDir, clip.file);
    if (!samples.has(clip.key)) samples.set(clip.key, await loadFile(tools, clip, baseDir, rate));
  }
  let end = 0;
  for (const clip of d.tracks.flatMap((t) => t.clips)) {
    const { start, length } = clipFrames(clip, samples.get(clip.key), rate);
    end = Math.max(end, start + length);
  }
  const frames = d.duration !== null ? Math.max(1, Math.round(d.duration * rate)) : end;
  let pages = 1;
  for (const s of samples.values()) pages += Math.ceil((s.frames * s.channels) / POOL_PAGE_FLOATS);
  const poolBytes = pages * POOL_PAGE_FLOATS * 4;
  if (poolBytes + MEMORY_OVERHEAD > MAX_MEMORY) {
    throw new DescriptionError('tracks', `the clips' files take ${(poolBytes / 2 ** 20).toFixed(0)} MiB at ${rate} Hz; `
      + `the module's memory holds at most ${((MAX_MEMORY - MEMORY_OVERHEAD) / 2 ** 20).toFixed(0)} MiB of samples`);
  }
  const exports = instantiate(module, createMemory({ bytes: poolBytes + MEMORY_OVERHEAD }));
  const session = new Session(exports, {
    sampleRate: rate, maxBlock: BLOCK, tracks: d.tracks.length, channels: d.tracks.map((t) => t.channels),
    buses: d.buses.length, clipsPerTrack: Math.max(1, ...d.tracks.map((t) => t.clips.length)), poolBytes,
  });
  try {
    const preroll = Math.round(PREROLL_SECONDS * rate);
    setUp(session, d, samples, preroll);
    samples.clear();
    session.render(preroll);
    session.play();
    const latency = session.latency, total = frames + latency;
    const out = [new Float32Array(total), new Float32Array(total)];
    for (let at = 0, block = 0; at < total; at += BLOCK, block++) {
      const n = Math.min(BLOCK, total - at);
      session.process(n);
      out[0].set(session.outputs[0].subarray(0, n), at);
      out[1].set(session.outputs[1].subarray(0, n), at);
      if (onProgress && block % 64 === 63) onProgress(at / total);
    }
    onProgress?.(1);
    const channels = out.map((c) => c.subarray(latency));
    const levels = session.levels();
    const strips = d.tracks.length + d.buses.length + 1;
    return { sampleRate: rate, channels, summary: summarize(channels, rate, levels[LEVELS.STRIP * strips + LEVELS.MASTER.INTEGRATED], started) };
  } finally {
    session.dispose();
  }
}

function summarize(channels, rate, integratedLufs, started) {
  let peak = 0, overs = 0;
  for (const c of channels) {
    for (let i = 0; i < c.length; i++) {
      const a = Math.abs(c[i]);
      if (a > peak) peak = a;
      if (a > 1) overs++;
    }
  }
  const renderSeconds = (performance.now() - started) / 1000, duration = channels[0].length / rate;
  return { duration, frames: channels[0].length, peakDb: 20 * Math.log10(peak), integratedLufs, overs, renderSeconds,
    speed: duration / renderSeconds };
}

/**
 * Renders a description into a WAV file.
 * @param {object} description
 * @param {string} path the WAV file to write
 * @param {{format?: 'pcm16'|'pcm24'|'pcm32'|'float32', baseDir?: string, onProgress?: (fraction: number) => void,
 *   module?: WebAssembly.Module}} [options] format defaults to 'pcm24'
 * @returns {Promise<ReturnType<typeof renderSession> extends Promise<infer R> ? R & {format: string} : never>}
 */
export async function renderToWav(description, path, { format = 'pcm24', ...options } = {}) {
  if (!Object.hasOwn(WAV_FORMATS, format)) {
    throw new RangeError(`unknown WAV format ${JSON.stringify(format)} (${Object.keys(WAV_FORMATS).join(', ')})`);
  }
  const result = await renderSession(description, options);
  await writeFile(path, writeWav(result.channels, { sampleRate: result.sampleRate, format }));
  return { ...result, format };
}
