// Type declarations of wamix's browser API (js/index.js, shipped bundled as dist/wamix.js).

export declare const VERSION: string;
export declare const MESSAGE_MODE_REASON: string;

/** An error code from the C core (a negative WM_ERR_* code) with its message. */
export declare class WamixError extends Error {
  readonly code: number;
  constructor(code: number, message: string);
}

export interface ParamInfo {
  id: number;
  name: string;
  min: number;
  max: number;
  default: number;
  unit: string;
  stepped: boolean;
}

/** A parameter with the AudioParam interface; times are AudioContext seconds. */
export declare class WamixParam {
  readonly name: string;
  readonly unit: string;
  readonly minValue: number;
  readonly maxValue: number;
  readonly defaultValue: number;
  /** The last value set through this object; setting it glides there (clamped to the range). */
  value: number;
  setValueAtTime(value: number, startTime: number): this;
  linearRampToValueAtTime(value: number, endTime: number): this;
  exponentialRampToValueAtTime(value: number, endTime: number): this;
  setTargetAtTime(target: number, startTime: number, timeConstant: number): this;
  cancelScheduledValues(cancelTime: number): this;
  cancelAndHoldAtTime(cancelTime: number): this;
}

export interface StripLevels {
  /** Peak per channel in dB (-120 for silence). */
  peakDb: [number, number];
  /** RMS per channel in dB, 300 ms time constant. */
  rmsDb: [number, number];
  /** The strip's compressor gain reduction in dB (>= 0). */
  compReductionDb: number;
}

export interface MasterLevels extends StripLevels {
  momentaryLufs: number;
  shortTermLufs: number;
  integratedLufs: number;
  limiterReductionDb: number;
  /** True peak per channel in dBTP, the maximum since creation. */
  truePeakDb: [number, number];
}

export interface Levels {
  tracks: StripLevels[];
  buses: StripLevels[];
  master: MasterLevels;
}

export declare class Strip {
  readonly kind: 'track' | 'bus' | 'master';
  readonly index: number;
  /** Every parameter by name: fader_db, pan, width, mute, solo, solo_safe, lowcut_*, highcut_*,
      eq0..7_{on,type,freq,q,gain}, comp_*, sat_*, send0..15_{db,pre}. */
  readonly params: Record<string, WamixParam>;
  readonly fader: WamixParam;
  readonly pan: WamixParam;
  readonly width: WamixParam;
  readonly mute: WamixParam;
  readonly solo: WamixParam;
  send(bus: number): { level: WamixParam; pre: WamixParam };
  readonly levels: StripLevels;
  /** The EQ's biquad sections as the engine runs them now: [b0, b1, b2, a1, a2] each (a0 = 1). */
  eqCoefficients(): Promise<Float32Array[]>;
  /** Buses of a mixer made with reverbSeconds: replaces the reverb's IR; resolves once it plays. */
  loadReverb(sample: Sample, options?: { fadeMs?: number }): Promise<void>;
}

export interface ClipOptions {
  /** Seconds on the transport's timeline (default 0). */
  start?: number;
  /** Seconds into the sample (default 0). */
  offset?: number;
  /** Seconds (default: the rest of the sample). */
  length?: number;
  gainDb?: number;
  fadeIn?: number;
  fadeOut?: number;
}

export declare class Track extends Strip {
  addClip(sample: Sample, clip?: ClipOptions): Promise<number>;
  removeClip(clipId: number): void;
}

export declare class Master extends Strip {
  readonly limiter: { on: WamixParam; ceiling: WamixParam; release: WamixParam };
}

export declare class Sample {
  readonly handle: number;
  readonly frames: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly duration: number;
  free(): void;
}

export interface MixerStatus {
  state: 'stopped' | 'playing' | 'paused';
  /** Transport position in seconds (what the engine renders now). */
  position: number;
  /** What the listener hears now: the position less the engine's and the output's latency. */
  audiblePosition: number;
  applied: number;
  rejected: number;
  lastError: number;
  clamped: number;
  quanta: number;
  /** Time in process() over the quantum's duration, averaged since the last call. */
  load: number;
  latencyFrames: number;
  mode: 'shared' | 'message';
}

/** The master's spectrum with the AnalyserNode interface. */
export declare class Analyser {
  fftSize: number;
  readonly frequencyBinCount: number;
  smoothingTimeConstant: number;
  minDecibels: number;
  maxDecibels: number;
  getFloatFrequencyData(array: Float32Array): void;
  getByteFrequencyData(array: Uint8Array): void;
  getFloatTimeDomainData(array: Float32Array): void;
  getByteTimeDomainData(array: Uint8Array): void;
}

export interface MixerOptions {
  /** Tracks (default 8), each of `channels` (default 2), or of channels[t] each. */
  tracks?: number;
  channels?: 1 | 2 | (1 | 2)[];
  /** Buses (default 1). */
  buses?: number;
  /** Audio rings a Worker feeds tracks through (default 0), each holding streamSeconds (default 2). */
  streams?: number;
  streamSeconds?: number;
  /** A ring the master is recorded into (default 0: none). */
  recordSeconds?: number;
  clipsPerTrack?: number;
  /** Stereo seconds the sample pool holds (default 120). */
  poolSeconds?: number;
  /** A convolution reverb on every bus for IRs up to this long (default 0: none). */
  reverbSeconds?: number;
  memoryBytes?: number;
  module?: WebAssembly.Module;
  wasmUrl?: string | URL;
  workletUrl?: string | URL;
}

export interface MetersEvent extends Event { levels: Levels }
export interface PositionEvent extends Event { status: MixerStatus }
export interface MixerErrorEvent extends Event { message: string }

export declare class Mixer extends EventTarget {
  readonly context: BaseAudioContext;
  readonly node: AudioWorkletNode;
  readonly mode: 'shared' | 'message';
  readonly modeReason: string;
  readonly sampleRate: number;
  readonly latencyFrames: number;
  readonly tracks: Track[];
  readonly buses: Strip[];
  readonly master: Master;
  readonly analyser: Analyser;
  connect(destination: AudioNode, output?: number, input?: number): AudioNode;
  connect(destination: AudioParam, output?: number): void;
  disconnect(): void;
  loadSample(source: AudioBuffer | { sampleRate: number; channels: Float32Array[] },
    options?: { onProgress?: (fraction: number) => void;
      onChunk?: (interleaved: Float32Array, channels: number) => void }): Promise<Sample>;
  /** Strip `strip`'s EQ sections as the engine runs them now (see Strip.eqCoefficients). */
  eqCoefficients(strip: number): Promise<Float32Array[]>;
  /** True when every bus has a reverb. */
  readonly hasReverb: boolean;
  play(): void;
  pause(): void;
  stop(): void;
  seek(seconds: number): void;
  setLoop(start: number, end: number, on?: boolean): void;
  status(): MixerStatus;
  levels(): Levels;
  /** Shared mode only: where stream i's ring is, for a StreamWriter in a Worker. */
  streamRing(i: number): { memory: WebAssembly.Memory; byteOffset: number };
  /** Shared mode only: where the record ring is, for a Recorder. */
  recordRing(): { memory: WebAssembly.Memory; byteOffset: number };
  bindStream(i: number, track: number, options?: { live?: boolean }): void;
  unbindStream(i: number): void;
  record(on: boolean): void;
  addEventListener(type: 'meters', listener: (event: MetersEvent) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: 'position', listener: (event: PositionEvent) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: 'error', listener: (event: MixerErrorEvent) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  dispose(): void;
}

export declare function createMixer(context: BaseAudioContext, options?: MixerOptions): Promise<Mixer>;
export declare function compileWamix(url?: string | URL, options?: { shared?: boolean }): Promise<WebAssembly.Module>;
export declare function canShareMemory(): boolean;

export interface DoctorReport {
  mode: 'shared' | 'message' | 'unavailable';
  checks: { name: string; ok: boolean; detail: string }[];
  /** The findings as text, one per line. */
  report: string;
}
export declare function doctor(context?: BaseAudioContext, options?: { workletUrl?: string | URL; wasmUrl?: string | URL }): Promise<DoctorReport>;
