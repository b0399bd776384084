// Type declarations of wamix in Node (js/node.js): the same WASM module, offline.

export { WamixError, ParamInfo } from './index.js';
import type { ParamInfo } from './index.js';

export type WamixExports = WebAssembly.Exports & { memory: WebAssembly.Memory };

/** Compiles dist/wamix.wasm (or `path`). */
export declare function loadWamix(path?: string | URL): Promise<WebAssembly.Module>;
/** Instantiates the module on a fixed-size memory (a new 64 MiB one by default). */
export declare function instantiate(module: WebAssembly.Module, memory?: WebAssembly.Memory): WamixExports;
/** The strip and mixer parameter tables, read out of the module. */
export declare function readParamTables(exports: WamixExports): { strip: ParamInfo[]; mixer: ParamInfo[] };

/** Word offsets of the session's status block. */
export declare const STATUS: Readonly<Record<string, number>>;

export interface SessionOptions {
  sampleRate: number;
  maxBlock?: number;
  tracks: number;
  channels?: 1 | 2;
  buses?: number;
  clipsPerTrack?: number;
  poolBytes?: number;
}

export interface ClipFrames {
  start: number;
  offset?: number;
  length: number;
  gainDb?: number;
  fadeIn?: number;
  fadeOut?: number;
}

/** A mixing session on one module instance, driven block by block (frames, not seconds). */
export declare class Session {
  constructor(exports: WamixExports, options: SessionOptions);
  readonly sampleRate: number;
  readonly maxBlock: number;
  readonly trackCount: number;
  readonly busCount: number;
  readonly applied: number;
  readonly rejected: number;
  readonly latency: number;
  /** The command writer: setStripParam, setMixerParam, transport, seek, loop, automate, ... */
  readonly commands: any;
  strip(kind: 'track' | 'bus' | 'master', index?: number): number;
  process(frames: number): void;
  loadSample(interleaved: Float32Array, channels: number): number;
  addClip(track: number, sample: number, clip: ClipFrames): number;
  play(): void;
  render(frames: number): [Float32Array, Float32Array];
  levels(): Float32Array;
  dispose(): void;
}
