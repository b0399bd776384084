// Type declarations of wamix in Node (js/node.js): the same WASM module, offline.

export { WamixError, ParamInfo } from './index.js';
import type { ParamInfo } from './index.js';

export type WamixExports = WebAssembly.Exports & { memory: WebAssembly.Memory };

/** Compiles dist/wamix.wasm (or `path`). */
export declare function loadWamix(path?: string | URL): Promise<WebAssembly.Module>;
/** The tools module (dist/wamix-tools.wasm: WAV reading, resampling), instantiated. */
export declare function loadTools(path?: string | URL): Promise<WamixExports>;
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
  /** One count for every track, or one per track. */
  channels?: 1 | 2 | number[];
  buses?: number;
  clipsPerTrack?: number;
  poolBytes?: number;
  /** Stereo stream rings (js/stream.js) of streamFrames frames each (a power of two). */
  streams?: number;
  streamFrames?: number;
  /** The record ring's frames (a power of two; 0: no recording). */
  recordFrames?: number;
  /** A convolution reverb on every bus for IRs up to this long. */
  reverbSeconds?: number;
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
  streamRing(i: number): { memory: WebAssembly.Memory; byteOffset: number };
  recordRing(): { memory: WebAssembly.Memory; byteOffset: number };
  bindStream(stream: number, track: number, mode?: number): boolean;
  unbindStream(stream: number): boolean;
  record(on: boolean): boolean;
  dispose(): void;
}

// ---- Offline rendering, WAV files and resampling (docs/offline.md).

export type WavFormat = 'pcm16' | 'pcm24' | 'pcm32' | 'float32';
export declare const WAV_FORMATS: Readonly<Record<WavFormat, { bits: number; tag: number }>>;

export interface WavInfo {
  sampleRate: number;
  channelCount: number;
  frames: number;
  format: 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';
  extensible: boolean;
}
export interface Wav extends WavInfo {
  channels: Float32Array[];
}

/** A file the WAV reader does not take; the message names the fault. */
export declare class WavError extends Error {
  readonly code: number;
}
/** A description that cannot be rendered; `path` names the field (`tracks[2].clips[0].start`). */
export declare class DescriptionError extends Error {
  readonly path: string;
}

/** `exports`: the tools module's (loadTools). */
export declare function readWav(bytes: Uint8Array, exports: WamixExports, name?: string): Wav;
export declare function readWavInfo(bytes: Uint8Array, exports: WamixExports, name?: string): WavInfo;
export declare function writeWav(channels: Float32Array[], options: { sampleRate: number; format?: WavFormat }): Uint8Array;
export declare function readWavFile(path: string): Promise<Wav>;
export declare function readWavFileInfo(path: string): Promise<WavInfo>;
export declare function writeWavFile(path: string, channels: Float32Array[], options: { sampleRate: number; format?: WavFormat }): Promise<void>;
export declare function resample(channels: Float32Array[], from: number, to: number, options?: { quality?: 'high' | 'fast' }): Promise<Float32Array[]>;
export declare function resampledLength(frames: number, from: number, to: number): number;

/** The event types of automation, AudioParam's method names. */
export declare const EVENT_TYPES: readonly string[];
/** Checks a description (docs/offline.md) and returns it normalised. */
export declare function validateDescription(description: unknown, tables: { strip: ParamInfo[]; mixer: ParamInfo[] }): object;

export interface RenderOptions {
  /** Where clip files are found (default: the working directory). */
  baseDir?: string;
  onProgress?: (fraction: number) => void;
  module?: WebAssembly.Module;
}
export interface RenderSummary {
  duration: number;
  frames: number;
  peakDb: number;
  integratedLufs: number;
  /** Samples beyond full scale (clipped when written as integers). */
  overs: number;
  renderSeconds: number;
  speed: number;
}
export interface RenderResult {
  sampleRate: number;
  channels: [Float32Array, Float32Array];
  summary: RenderSummary;
}
export declare function renderSession(description: object, options?: RenderOptions): Promise<RenderResult>;
export declare function renderToWav(description: object, path: string,
  options?: RenderOptions & { format?: WavFormat }): Promise<RenderResult & { format: WavFormat }>;
