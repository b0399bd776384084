/**
 * The parameter and meter tables of the engine. They mirror the C tables
 * (WM_ENGINE_PARAMS and wm_meter_id in dsp/wm_engine.h); a Node test checks
 * that the two agree, entry by entry, through the WASM exports.
 * @module
 */

/** @typedef {{id: number, name: string, min: number, max: number, default: number, unit: string}} ParamInfo */

/** @type {readonly ParamInfo[]} */
export const PARAMS = Object.freeze([
  { id: 0, name: 'gain_db', min: -96, max: 24, default: 0, unit: 'dB' },
  { id: 1, name: 'filter_type', min: 0, max: 7, default: 5, unit: '' },
  { id: 2, name: 'filter_freq_hz', min: 20, max: 20000, default: 1000, unit: 'Hz' },
  { id: 3, name: 'filter_q', min: 0.1, max: 24, default: 0.7071, unit: '' },
  { id: 4, name: 'filter_gain_db', min: -24, max: 24, default: 0, unit: 'dB' },
  { id: 5, name: 'analyzer_fft_size', min: 32, max: 32768, default: 2048, unit: '' },
  { id: 6, name: 'analyzer_smoothing', min: 0, max: 1, default: 0.8, unit: '' },
  { id: 7, name: 'analyzer_min_db', min: -300, max: 300, default: -100, unit: 'dB' },
  { id: 8, name: 'analyzer_max_db', min: -300, max: 300, default: -30, unit: 'dB' },
].map(Object.freeze));

/** Filter types, the values of `filter_type` (RBJ cookbook designs). */
export const FILTER_TYPES = Object.freeze([
  'lowpass', 'highpass', 'bandpass', 'notch', 'allpass', 'peaking', 'lowshelf', 'highshelf',
]);

/** Names of the meter block's entries, in order. */
export const METERS = Object.freeze([
  'peak_db_l', 'peak_db_r', 'rms_db_l', 'rms_db_r', 'nonfinite', 'param_errors',
]);

/** Floats in the analysis block: a spectrum and a waveform of the largest fft size. */
export const ANALYSIS_FLOATS = 32768 / 2 + 32768;

/** Level that meters report for digital silence (never -Infinity). */
export const SILENCE_DB = -120;

/**
 * Looks a parameter up by name or id.
 * @param {string|number} key
 * @returns {ParamInfo}
 * @throws {RangeError} for an unknown name or id
 */
export function paramInfo(key) {
  const info = typeof key === 'number' ? PARAMS[key] : PARAMS.find((p) => p.name === key);
  if (!info) throw new RangeError(`wamix: unknown parameter ${JSON.stringify(key)}`);
  return info;
}
