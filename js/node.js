/**
 * wamix in Node: the same WASM module the browser runs, for offline work.
 * Renders session descriptions (docs/offline.md) to Float32 channels or
 * WAV files, reads and writes WAV files, resamples.
 *
 * @example
 *   import { loadWamix, instantiate, Session } from 'wamix/node';
 *   const session = new Session(instantiate(await loadWamix()), { sampleRate: 48000, tracks: 2 });
 *   session.addClip(0, session.loadSample(interleavedStereo, 2), { start: 0, length: interleavedStereo.length / 2 });
 *   session.play();
 *   const [left, right] = session.render(48000 * 10);
 *
 * @example
 *   import { renderToWav, readWavFile } from 'wamix/node';
 *   const { summary } = await renderToWav(description, 'out.wav', { baseDir: 'project/' });
 *   const { sampleRate, channels } = await readWavFile('out.wav');
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { instantiate } from './wamix-core.js';
import { loadTools } from './render.js';
import { readWav, readWavInfo, writeWav } from './wav.js';
import { resample as resampleWith } from './resample.js';

export { WamixError, instantiate } from './wamix-core.js';
export { Session, STATUS } from './session.js';
export { readParamTables } from './param-table.js';
export { loadWamix, loadTools, renderSession, renderToWav } from './render.js';
export { readWav, readWavInfo, writeWav, WavError, WAV_FORMATS } from './wav.js';
export { resampledLength } from './resample.js';
export { validate as validateDescription, DescriptionError, EVENT_TYPES } from './description.js';

let shared = null;

/** One module instance for reading files and resampling, made on first use. */
async function tools() {
  shared ??= loadTools();
  return shared;
}

/**
 * Reads and decodes a WAV file.
 * @param {string} path
 * @returns {Promise<{sampleRate: number, channels: Float32Array[], format: string, frames: number, channelCount: number}>}
 * @throws {import('./wav.js').WavError} naming the file and what is wrong with it
 */
export async function readWavFile(path) {
  return readWav(await readFile(path), await tools(), path);
}

/** The header of a WAV file: {sampleRate, channelCount, frames, format, extensible}. */
export async function readWavFileInfo(path) {
  return readWavInfo(await readFile(path), await tools(), path);
}

/**
 * Encodes and writes a WAV file.
 * @param {string} path
 * @param {Float32Array[]} channels
 * @param {{sampleRate: number, format?: 'pcm16'|'pcm24'|'pcm32'|'float32'}} options
 */
export async function writeWavFile(path, channels, options) {
  await writeFile(path, writeWav(channels, options));
}

/**
 * Resamples planar channels with the module's high-quality resampler.
 * @param {Float32Array[]} channels
 * @param {number} from Hz @param {number} to Hz
 * @param {{quality?: 'high'|'fast'}} [options]
 * @returns {Promise<Float32Array[]>}
 */
export async function resample(channels, from, to, options) {
  return resampleWith(await tools(), channels, from, to, options);
}
