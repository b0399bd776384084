/**
 * The parameter tables of a channel strip and of the mixer, read out of the
 * WASM module (dsp/wm_strip.h and dsp/wm_mixer.h are their only source).
 * The worklet reads them once and hands them to the page.
 * @module
 */
import { readCString } from './wamix-core.js';

/** @typedef {{id: number, name: string, min: number, max: number, default: number, unit: string, stepped: boolean}} ParamInfo */

/** Bytes of one wm_param_info row: name pointer, min, max, default, unit pointer, stepped. */
const ROW_BYTES = 24;

/**
 * @param {WebAssembly.Exports & {memory: WebAssembly.Memory}} exports
 * @param {(id: number) => number} rowAddress wamix_strip_param_info or wamix_mixer_param_info
 * @returns {ParamInfo[]}
 */
function readTable(exports, rowAddress) {
  const table = [];
  for (let id = 0; ; id++) {
    const row = rowAddress(id);
    if (!row) return table;
    const view = new DataView(exports.memory.buffer, row, ROW_BYTES);
    table.push({
      id,
      name: readCString(exports, view.getUint32(0, true)),
      min: view.getFloat32(4, true),
      max: view.getFloat32(8, true),
      default: view.getFloat32(12, true),
      unit: readCString(exports, view.getUint32(16, true)),
      stepped: view.getInt32(20, true) !== 0,
    });
  }
}

/** @returns {{strip: ParamInfo[], mixer: ParamInfo[], reverb: ParamInfo[]}} */
export function readParamTables(exports) {
  return {
    strip: readTable(exports, exports.wamix_strip_param_info),
    mixer: readTable(exports, exports.wamix_mixer_param_info),
    reverb: readTable(exports, exports.wamix_reverb_param_info),
  };
}
