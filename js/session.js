/**
 * A mixing session on the WASM module: the mixer, the sample pool, and the
 * command and reply rings the page drives them through (js/commands.js).
 * This file wraps the session's exports for any thread that owns the
 * module instance: the worklet, or Node for offline rendering.
 * @module
 */
import { SharedRing } from './ring.js';
import { CommandWriter, ReplyReader, TRANSPORT } from './commands.js';
import { check } from './wamix-core.js';
import { bindStream, unbindStream, recordMaster } from './stream.js';

const POOL_PAGE_BYTES = 16384; // the pool's default page: 4096 floats
const COMMAND_RING_BYTES = 65536;
/** Word offsets of the status block (dsp/wm_session.h, WM_SESSION_ST_*). */
export const STATUS = Object.freeze({
  WORDS: 24, SEQ: 0, POSITION_LO: 1, POSITION_HI: 2, STATE: 3, APPLIED: 4, REJECTED: 5, LAST_ERROR: 6,
  LAST_REJECTED_OP: 7, REPLIES_DROPPED: 8, CLAMPED: 9, BLOCKS: 10, LATENCY: 11, RING_STATUS: 12,
  PENDING_WORDS: 13, LOOP_ON: 14, LANES: 15, STREAM_UNDERRUNS: 16, STREAM_SILENT_FRAMES: 17, RECORD_OVERRUNS: 18,
  RECORD_DROPPED_FRAMES: 19, RECORDED_LO: 20, RECORDED_HI: 21, RECORDING: 22, STREAM_RING_STATUS: 23,
});

/**
 * The level region (dsp/wm_session.h, WM_SESSION_LV_*): STRIP floats per
 * strip (peak L, R, RMS L, R in dB, compressor reduction), then the
 * master's extras at STRIP * strips + MASTER.*.
 */
export const LEVELS = Object.freeze({
  STRIP: 5,
  MASTER: Object.freeze({ MOMENTARY: 0, SHORT_TERM: 1, INTEGRATED: 2, LIMITER_GR: 3, TRUE_PEAK_L: 4, TRUE_PEAK_R: 5 }),
  MASTER_COUNT: 6,
});

const nextPowerOfTwo = (n) => 2 ** Math.ceil(Math.log2(n));

/**
 * Copies the status block (a sequence lock: word 0 odd while the audio
 * thread rewrites it) into `target` consistently; any thread. Returns target.
 * @param {Uint32Array} words the status block @param {Uint32Array} target
 */
export function readStatus(words, target) {
  for (;;) {
    const before = Atomics.load(words, 0);
    if (before & 1) continue;
    target.set(words);
    if (Atomics.load(words, 0) === before) return target;
  }
}

export class Session {
  /**
   * @param {WebAssembly.Exports & {memory: WebAssembly.Memory}} exports from instantiate()
   * @param {{sampleRate: number, maxBlock?: number, tracks: number, channels?: 1|2|number[], buses?: number,
   *          clipsPerTrack?: number, poolBytes?: number, streams?: number, streamFrames?: number,
   *          recordFrames?: number, reverbSeconds?: number}} config  tracks: how many, all with
   *          `channels` or with channels[t] each; streams: stereo stream rings (0..64) of
   *          streamFrames frames each (a power of two >= maxBlock, default 65536); recordFrames: the
   *          record ring's frames (a power of two >= maxBlock; 0: none); reverbSeconds > 0 puts a
   *          convolution reverb on every bus for IRs up to that long
   */
  constructor(exports, { sampleRate, maxBlock = 128, tracks, channels = 2, buses = 0, clipsPerTrack = 64,
    poolBytes = 16 << 20, streams = 0, streamFrames = 0, recordFrames = 0, reverbSeconds = 0 }) {
    this.exports = exports;
    this.sampleRate = sampleRate;
    this.maxBlock = maxBlock;
    const pages = Math.ceil(poolBytes / POOL_PAGE_BYTES);
    // The reply to a pool allocation lists one span per page at worst.
    const replyBytes = nextPowerOfTwo(Math.max(16384, 4 * (4 + 3 * pages)));
    // Channels per track: one count for all, or a list the module holds for us.
    const list = Array.isArray(channels) ? exports.wamix_track_channels() : 0;
    if (list) new Uint8Array(exports.memory.buffer, list, tracks).set(channels);
    this.handle = check(exports, exports.wamix_session_create(sampleRate, maxBlock, tracks, list,
      list ? 0 : channels, buses, clipsPerTrack, pages, 0, COMMAND_RING_BYTES, replyBytes, streams, streamFrames,
      recordFrames, Math.ceil(reverbSeconds * sampleRate)));
    this.hasReverb = reverbSeconds > 0 && buses > 0;
    const buffer = exports.memory.buffer;
    this.commands = new CommandWriter(new SharedRing(buffer, exports.wamix_session_command_ring(this.handle)));
    this.replies = new ReplyReader(new SharedRing(buffer, exports.wamix_session_reply_ring(this.handle)));
    this.outputs = [0, 1].map((c) => new Float32Array(buffer, exports.wamix_session_output(this.handle, c), maxBlock));
    this.status = new Uint32Array(buffer, exports.wamix_session_status(this.handle), STATUS.WORDS);
    this.trackCount = tracks;
    this.busCount = buses;
    this.levelView = new Float32Array(buffer, exports.wamix_session_levels(this.handle),
      exports.wamix_session_level_count(this.handle));
    /** Written by {@link analyze}: fftSize/2 dB values, then fftSize samples. */
    this.analysis = new Float32Array(buffer, exports.wamix_session_analysis(this.handle), exports.wamix_analysis_floats());
    this.poolRegion = exports.wamix_session_pool_region(this.handle);
    this.poolBytes = exports.wamix_session_pool_bytes(this.handle);
    this.streamCount = streams;
  }

  /**
   * Where stream i's ring is, for a StreamWriter in any thread (js/stream.js):
   * post `memory` (or `memory.buffer`) and `byteOffset` to the Worker.
   * @returns {{memory: WebAssembly.Memory, byteOffset: number}}
   */
  streamRing(i) {
    const byteOffset = this.exports.wamix_session_stream_ring(this.handle, i);
    if (!byteOffset) throw new RangeError(`wamix: no stream ${i} (the session has ${this.streamCount})`);
    return { memory: this.exports.memory, byteOffset };
  }

  /** Where the record ring is, for a Recorder; throws when the session has none. */
  recordRing() {
    const byteOffset = this.exports.wamix_session_record_ring(this.handle);
    if (!byteOffset) throw new RangeError('wamix: the session has no record ring (recordFrames 0)');
    return { memory: this.exports.memory, byteOffset };
  }

  /** Binds a stream to a track; mode STREAM_MODE.TRANSPORT (a file) or .LIVE (js/stream.js). */
  bindStream(stream, track, mode) {
    return bindStream(this.commands, stream, track, mode);
  }

  /** Unbinds a stream and empties its ring: stop its writer first. */
  unbindStream(stream) {
    return unbindStream(this.commands, stream);
  }

  /** Starts or stops recording the master into the record ring. */
  record(on) {
    return recordMaster(this.commands, on);
  }

  /**
   * The stream and recording counters of the status block, read as one
   * consistent snapshot (retried while the audio thread rewrites it). Not
   * for the audio path: allocates the result.
   * @returns {{underruns: number, silentFrames: number, recordOverruns: number, recordDroppedFrames: number,
   *            recorded: number, recording: boolean, ringStatus: number}}
   */
  streamCounters() {
    const w = this.statusWords();
    return {
      underruns: w[STATUS.STREAM_UNDERRUNS],
      silentFrames: w[STATUS.STREAM_SILENT_FRAMES],
      recordOverruns: w[STATUS.RECORD_OVERRUNS],
      recordDroppedFrames: w[STATUS.RECORD_DROPPED_FRAMES],
      recorded: w[STATUS.RECORDED_HI] * 2 ** 32 + w[STATUS.RECORDED_LO],
      recording: w[STATUS.RECORDING] === 1,
      ringStatus: w[STATUS.STREAM_RING_STATUS],
    };
  }

  /** Commands rejected so far (bad opcode, length, index, handle or value). */
  get rejected() {
    return Atomics.load(this.status, STATUS.REJECTED);
  }

  /** Commands applied so far. */
  get applied() {
    return Atomics.load(this.status, STATUS.APPLIED);
  }

  /** Strip index of a track, a bus or the master, as commands address them. */
  strip(kind, index = 0) {
    return kind === 'track' ? index : kind === 'bus' ? this.trackCount + index : this.trackCount + this.busCount;
  }

  /** Applies pending commands and renders n frames (n may be 0). */
  process(n) {
    check(this.exports, this.exports.wamix_session_process(this.handle, n));
  }

  /** Waits (offline: by processing 0 frames) for the reply to `request`. */
  reply(request) {
    for (let tries = 0; tries < 4; tries++) {
      this.process(0);
      for (let r = this.replies.next(); r; r = this.replies.next()) {
        if (r.request === request) return r;
      }
    }
    throw new Error(`wamix: no reply to request ${request}`);
  }

  /**
   * Loads interleaved float32 PCM into the pool; returns its handle. Writes
   * straight into linear memory through the spans the pool names.
   * @param {Float32Array} interleaved
   * @param {number} channels
   */
  loadSample(interleaved, channels) {
    const frames = interleaved.length / channels;
    const { result, payload } = this.reply(this.commands.poolAlloc(frames, channels, this.sampleRate));
    check(this.exports, result);
    const memory = new Float32Array(this.exports.memory.buffer);
    for (let s = 0; s < payload[0]; s++) {
      const [offset, first, count] = payload.subarray(1 + 3 * s, 4 + 3 * s);
      memory.set(interleaved.subarray(first * channels, (first + count) * channels), offset / 4);
    }
    this.commands.poolCommit(result, frames);
    this.commands.poolComplete(result, frames);
    return result;
  }

  /** Adds a clip; returns its id. */
  addClip(track, sample, clip) {
    const { result } = this.reply(this.commands.addClip(track, sample, clip));
    return check(this.exports, result);
  }

  play() {
    this.commands.transport(TRANSPORT.PLAY);
  }

  /** Renders `frames` frames of the master (stereo) into new arrays. */
  render(frames) {
    const out = [new Float32Array(frames), new Float32Array(frames)];
    for (let at = 0; at < frames; at += this.maxBlock) {
      const n = Math.min(this.maxBlock, frames - at);
      this.process(n);
      out[0].set(this.outputs[0].subarray(0, n), at);
      out[1].set(this.outputs[1].subarray(0, n), at);
    }
    return out;
  }

  /** The mixer's output latency in frames (the master limiter's lookahead). */
  get latency() {
    return this.exports.wamix_session_latency(this.handle);
  }

  /**
   * Refreshes the level region (dsp/wm_session.h: per strip peak L/R, RMS
   * L/R in dB, then the master's loudness and limiter reduction) and
   * returns the view of it. Audio thread; allocates nothing.
   */
  levels() {
    this.exports.wamix_session_levels(this.handle);
    return this.levelView;
  }

  /** The master analyzer's settings: {fftSize, smoothing, minDb, maxDb}. */
  configureAnalyser({ fftSize, smoothing, minDb, maxDb }) {
    check(this.exports, this.exports.wamix_session_analyzer_config(this.handle, fftSize, smoothing, minDb, maxDb));
  }

  /** Computes a spectrum of the master into {@link analysis}; returns the fft size. */
  analyze() {
    return check(this.exports, this.exports.wamix_session_analyze(this.handle));
  }

  /**
   * The EQ of strip `strip` as the engine runs it now: one Float32Array
   * [b0, b1, b2, a1, a2] per biquad section in the signal path (a0 = 1).
   * On request only; allocates.
   */
  eqCoefficients(strip) {
    const e = this.exports, at = e.wamix_session_eq_coefs(this.handle, strip);
    if (!at) throw new RangeError(`wamix: no strip ${strip}`);
    const view = new Float32Array(e.memory.buffer, at, 1 + 5 * 16);
    return Array.from({ length: view[0] }, (_, i) => view.slice(1 + 5 * i, 6 + 5 * i));
  }

  /** A consistent copy of the status block (allocates). */
  statusWords() {
    return readStatus(this.status, new Uint32Array(STATUS.WORDS));
  }

  /** Every pending reply record as an Int32Array, or null when none (allocates only then). */
  takeReplyRecords() {
    let records = null;
    for (let r = this.replies.next(); r; r = this.replies.next()) {
      (records ??= []).push(Int32Array.of(r.request, r.result, ...r.payload));
    }
    return records;
  }

  /**
   * Copies samples to `address` in linear memory for a host that loads the
   * pool on the page's behalf: the range must lie inside the pool's region.
   * @throws {RangeError} otherwise
   */
  writeSamples(address, samples) {
    const end = address + 4 * (samples?.length ?? 0);
    if (!(samples instanceof Float32Array) || !Number.isInteger(address) || address % 4 !== 0 ||
        address < this.poolRegion || end > this.poolRegion + this.poolBytes) {
      throw new RangeError(`wamix: sample data for address ${address} is outside the sample pool`);
    }
    new Float32Array(this.exports.memory.buffer, address, samples.length).set(samples);
  }

  dispose() {
    if (this.handle > 0) this.exports.wamix_session_destroy(this.handle);
    this.handle = 0;
  }
}
