/**
 * wamix on the main thread of a web page: a mixer (tracks, buses, master,
 * sample pool, transport) running in an AudioWorkletNode on an
 * AudioContext. With cross-origin isolation the page and the worklet share
 * the module's memory: commands go straight into the session's command
 * ring, status and levels are read back from shared blocks. Without it the
 * same API works over the node's MessagePort, and `mode` says so.
 * @module
 */
import { SeqBlock } from './shared-blocks.js';
import { SharedRing } from './ring.js';
import { CommandWriter, TRANSPORT } from './commands.js';
import { readStatus, STATUS, LEVELS } from './session.js';
import { WamixError } from './wamix-core.js';
import { fetchTools } from './tools.js';
import { resample } from './resample.js';
import { createMemory, unshareMemoryImport } from './memory.js';
import { BufferedRing, PortRing, Replies } from './links.js';
import { STREAM_MODE, bindStream, unbindStream, recordMaster } from './stream.js';
import { Track, Strip, Master } from './strips.js';
import { Analyser } from './analyser.js';
import { PROCESSOR_NAME, MSG, CLOCK } from './protocol.js';

const ANALYSIS_FLOATS = 32768 / 2 + 32768;
const LOAD_CHUNK_FRAMES = 1 << 16; // frames per step of loadSample
const EVENT_HZ = 30; // how often meters/position events fire while listened to
const POOL_PAGE_BYTES = 16384;
const REVERB_BYTES_PER_SECOND = 3 << 20; // arena per second of reverb IR per bus, rounded up (wm_busverb)
const STATES = ['stopped', 'playing', 'paused'];

// Relative to js/ and to dist/ alike (dist/../dist/ is dist/), so these
// resolve from the sources and from the bundle; bundlers see the pattern
// and ship both files.
export const WORKLET_URL = new URL('../dist/wamix-worklet.js', import.meta.url);
export const WASM_URL = new URL('../dist/wamix.wasm', import.meta.url);

const workletModules = new WeakMap(); // BaseAudioContext -> Promise<void>

/** Registers the processor once per context, however often it is asked. */
function registerWorklet(context, url) {
  if (!workletModules.has(context)) workletModules.set(context, context.audioWorklet.addModule(url));
  return workletModules.get(context);
}

/** True when this page can share memory with the audio thread. */
export function canShareMemory() {
  return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}

/**
 * Fetches and compiles the WASM module on the main thread (the worklet
 * scope cannot fetch). Compile once and pass it to several mixers.
 * @param {string|URL} [url] where wamix.wasm is served
 * @param {{shared?: boolean}} [options] shared: false compiles the variant
 *   that imports an ordinary memory (pages without cross-origin isolation)
 */
export async function compileWamix(url = WASM_URL, { shared = canShareMemory() } = {}) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`wamix: cannot load ${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  return WebAssembly.compile(shared ? bytes : unshareMemoryImport(bytes));
}

/** Why a mixer runs in message mode, for people to read. */
export const MESSAGE_MODE_REASON =
  'SharedArrayBuffer is unavailable (the page is not cross-origin isolated: serve it with ' +
  '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"); ' +
  'commands, levels and sample data travel over the MessagePort instead, with more latency.';

/**
 * Creates a mixer on `context`. Main thread.
 * @param {BaseAudioContext} context
 * @param {{tracks?: number, channels?: 1|2, buses?: number, clipsPerTrack?: number, poolSeconds?: number,
 *          streams?: number, streamSeconds?: number, recordSeconds?: number, reverbSeconds?: number,
 *          memoryBytes?: number, module?: WebAssembly.Module, wasmUrl?: string|URL, workletUrl?: string|URL}} [options]
 *   tracks (default 8) of `channels` each (1 or 2, or an array of one per track); poolSeconds: stereo seconds the sample pool holds (default 120);
 *   streams: audio rings a Worker can feed tracks through (default 0), each holding streamSeconds
 *   (default 2); recordSeconds: a ring the master is recorded into (default 0: none);
 *   reverbSeconds: a convolution reverb on every bus for IRs up to this long (default 0: none)
 * @returns {Promise<Mixer>}
 */
export async function createMixer(context, options = {}) {
  const { tracks = 8, channels = 2, buses = 1, clipsPerTrack = 64, poolSeconds = 120, streams = 0,
    streamSeconds = 2, recordSeconds = 0, reverbSeconds = 0 } = options;
  const ringFrames = (seconds) => (seconds > 0 ? 2 ** Math.ceil(Math.log2(Math.max(128, seconds * context.sampleRate))) : 0);
  const streamFrames = streams > 0 ? ringFrames(streamSeconds) : 0, recordFrames = ringFrames(recordSeconds);
  const poolBytes = Math.ceil((poolSeconds * context.sampleRate * 2 * 4) / POOL_PAGE_BYTES) * POOL_PAGE_BYTES;
  const ringBytes = 8 * (streams * streamFrames + recordFrames);
  const reverbBytes = Math.ceil(buses * reverbSeconds * REVERB_BYTES_PER_SECOND * context.sampleRate / 48000);
  const memoryBytes = options.memoryBytes ??
    Math.max(64 << 20, poolBytes + ringBytes + reverbBytes + (32 << 20) + tracks * (1 << 20));
  const shared = canShareMemory();
  const [module] = await Promise.all([
    options.module ?? compileWamix(options.wasmUrl, { shared }),
    registerWorklet(context, options.workletUrl ?? WORKLET_URL),
  ]);
  // Shared memory is made here so that this thread reaches it too; without
  // sharing, the worklet makes its own.
  const memory = shared ? createMemory({ bytes: memoryBytes, shared }) : undefined;
  const strips = tracks + buses + 1;
  const blocks = {
    meters: new SeqBlock(LEVELS.STRIP * strips + LEVELS.MASTER_COUNT, { shared }),
    spectrum: new SeqBlock(ANALYSIS_FLOATS, { shared }),
    clock: new SeqBlock(CLOCK.COUNT, { shared, type: Float64Array }),
  };
  const node = new AudioWorkletNode(context, PROCESSOR_NAME, {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    processorOptions: {
      module, memory, memoryBytes,
      session: { tracks, channels, buses, clipsPerTrack, poolBytes, streams, streamFrames, recordFrames, reverbSeconds },
      blocks: Object.fromEntries(Object.entries(blocks).map(([k, b]) => [k, b.buffer])),
    },
  });
  const ready = await new Promise((resolve, reject) => {
    node.port.onmessage = ({ data }) => {
      if (data.type === MSG.READY) resolve(data);
      else if (data.type === MSG.ERROR) reject(new Error(`wamix worklet: ${data.message}`));
    };
    node.onprocessorerror = () => reject(new Error('wamix worklet: the processor failed to start'));
  });
  return new Mixer(context, node, { module, memory, blocks, ready, tracks, buses });
}

/** A sample in the pool. Free it when no clip needs it any more. */
export class Sample {
  constructor(mixer, handle, frames, channels, sampleRate) {
    Object.assign(this, { mixer, handle, frames, channels, sampleRate });
    this.duration = frames / sampleRate;
  }

  free() {
    this.mixer.commands.poolFree(this.handle);
  }
}

/** A running mixer. Create it with {@link createMixer}. */
export class Mixer extends EventTarget {
  constructor(context, node, { module, memory, blocks, ready, tracks, buses }) {
    super();
    this.module = module;
    this.toolInstance = null; // a promise of the tools module's exports, made on first use
    this.context = context;
    /** The AudioWorkletNode (stereo out): connect it into the graph, or use {@link connect}. */
    this.node = node;
    /** 'shared' (SharedArrayBuffer) or 'message' (MessagePort fallback). */
    this.mode = ready.mode;
    /** Why the mode is 'message', or '' when it is 'shared'. */
    this.modeReason = this.mode === 'shared' ? '' : MESSAGE_MODE_REASON;
    this.sampleRate = ready.layout.sampleRate;
    this.latencyFrames = ready.layout.latency;
    this.layout = ready.layout;
    this.paramTables = ready.layout.params;
    /** True when every bus has a convolution reverb (createMixer's reverbSeconds). */
    this.hasReverb = ready.layout.reverb;
    this.eqRequests = new Map(); // id -> resolve
    this.nextEqRequest = 1;
    this.blocks = blocks;
    const isShared = this.mode === 'shared';
    const buffer = isShared ? memory.buffer : null;
    this.memory = memory;
    this.commands = new CommandWriter(isShared ? new BufferedRing(new SharedRing(buffer, ready.layout.commandRing)) : new PortRing(node.port));
    this.replies = new Replies(buffer, ready.layout.replyRing);
    this.statusView = isShared ? new Uint32Array(buffer, ready.layout.status, STATUS.WORDS) : null;
    this.statusCopy = new Uint32Array(STATUS.WORDS);
    this.clockValues = new Float64Array(CLOCK.COUNT);
    this.clockValues[CLOCK.OFFSET] = ready.layout.clockOffset;
    this.levelValues = new Float32Array(blocks.meters.count).fill(-120);
    this.loadMark = { quanta: 0, busy: 0 };
    this.loop = { start: 0, end: 0, on: false };
    /** @type {Track[]} */
    this.tracks = Array.from({ length: tracks }, (_, i) => new Track(this, 'track', i, i));
    /** @type {Strip[]} */
    this.buses = Array.from({ length: buses }, (_, i) => new Strip(this, 'bus', i, tracks + i));
    this.master = new Master(this, tracks + buses);
    /** The master's spectrum, with the AnalyserNode interface. */
    this.analyser = new Analyser(this, blocks.spectrum);
    this.listening = new Map(); // event type -> listener count
    this.eventTimer = 0;
    this.lastRejected = 0;
    node.port.onmessage = ({ data }) => this.onMessage(data);
  }

  onMessage(data) {
    if (data.type === MSG.STATE) {
      this.statusCopy.set(data.status);
      this.clockValues.set(data.clock);
      if (data.levels) this.levelValues.set(data.levels);
      if (data.spectrum) this.analyser.receive(data.fftSize, data.spectrum);
      this.snapshotPending = false;
      if (this.snapshotWanted) this.requestSnapshot(); // asked for more while this one travelled
    } else if (data.type === MSG.EQ) {
      this.eqRequests.get(data.id)?.(data.sections);
      this.eqRequests.delete(data.id);
    } else if (data.type === MSG.REPLIES) {
      this.replies.receive(data.records);
    } else if (data.type === MSG.ERROR) {
      this.emitError(`worklet: ${data.message}`);
    }
  }

  emitError(message) {
    const event = new Event('error');
    event.message = message;
    this.dispatchEvent(event);
  }

  connect(destination, ...rest) {
    return this.node.connect(destination, ...rest);
  }

  disconnect(...args) {
    this.node.disconnect(...args);
  }

  /**
   * Message mode: asks the worklet for a status (and levels / a spectrum).
   * One request travels at a time; what is asked meanwhile is merged into
   * the next one, so a status read never starves levels or spectra.
   */
  requestSnapshot({ levels = false, spectrum = false } = {}) {
    const want = (this.snapshotWanted ??= { levels: false, spectrum: false });
    want.levels ||= levels;
    want.spectrum ||= spectrum;
    if (this.snapshotPending) return;
    this.snapshotPending = true;
    this.snapshotWanted = null;
    this.node.port.postMessage({ type: MSG.SNAPSHOT, ...want });
  }

  /**
   * Strip `strip`'s EQ as the engine runs it now (mid-glide too): one
   * Float32Array [b0, b1, b2, a1, a2] per biquad section in its signal path
   * (a0 = 1), for drawing the response. One message each way, on request.
   * @param {number} strip the command numbering (Strip.strip)
   * @returns {Promise<Float32Array[]>}
   */
  eqCoefficients(strip) {
    if (!Number.isInteger(strip) || strip < 0 || strip > this.tracks.length + this.buses.length) {
      return Promise.reject(new RangeError(`wamix: no strip ${strip}`));
    }
    const id = this.nextEqRequest++;
    this.node.port.postMessage({ type: MSG.EQ, id, strip });
    return new Promise((resolve) => this.eqRequests.set(id, resolve));
  }

  /** Engine frame of an AudioContext time (seconds): exact, not rounded. */
  engineFrame(time) {
    this.refreshClock();
    return Math.max(0, time * this.sampleRate - this.clockValues[CLOCK.OFFSET]);
  }

  refreshClock() {
    if (this.mode === 'shared') this.blocks.clock.read(this.clockValues);
  }

  /** Waits for the reply to a request: {result, payload}; throws a WamixError for an error code. */
  async reply(id) {
    const reply = await this.replies.wait(id);
    if (reply.result < 0) throw new WamixError(reply.result, `request ${id} failed: ${this.layout.errors[-reply.result] ?? 'error'}`);
    return reply;
  }

  /** Waits for the reply to a request; resolves to its result. */
  async request(id) {
    return (await this.reply(id)).result;
  }

  /**
   * Loads decoded audio into the sample pool, in chunks, without blocking
   * the audio thread. Resolves to a {@link Sample}.
   * @param {AudioBuffer|{sampleRate: number, channels: Float32Array[]}} source mono or stereo
   * @param {{onProgress?: (fraction: number) => void,
   *          onChunk?: (interleaved: Float32Array, channels: number) => void}} [options]
   *   onChunk sees each chunk of interleaved frames, in order, before it is sent (e.g. for a waveform overview)
   */
  async loadSample(source, { onProgress, onChunk } = {}) {
    let planes = source.channels ?? Array.from({ length: source.numberOfChannels }, (_, c) => source.getChannelData(c));
    if (planes.length < 1 || planes.length > 2) throw new RangeError(`wamix: samples are mono or stereo, got ${planes.length} channels`);
    if (source.sampleRate !== this.sampleRate) {
      // The engine's high-quality resampler, on this thread: never the audio thread's time.
      planes = resample(await this.tools(), planes, source.sampleRate, this.sampleRate);
    }
    const channels = planes.length, frames = planes[0].length;
    const { result: handle, payload: spans } = await this.reply(this.commands.poolAlloc(frames, channels, this.sampleRate));
    let loaded = 0;
    for (let s = 0; s < spans[0]; s++) {
      const [address, first, count] = spans.subarray(1 + 3 * s, 4 + 3 * s);
      for (let at = 0; at < count; at += LOAD_CHUNK_FRAMES) {
        const n = Math.min(LOAD_CHUNK_FRAMES, count - at);
        const chunk = interleave(planes, first + at, n);
        onChunk?.(chunk, channels);
        const target = address + 4 * at * channels;
        if (this.mode === 'shared') new Float32Array(this.memory.buffer, target, chunk.length).set(chunk);
        else this.node.port.postMessage({ type: MSG.POOL_DATA, address: target, samples: chunk }, [chunk.buffer]);
        loaded += n;
        this.commands.poolCommit(handle, loaded);
        onProgress?.(loaded / frames);
        await new Promise((r) => setTimeout(r, 0)); // let the page breathe between chunks
      }
    }
    this.commands.poolComplete(handle, frames);
    return new Sample(this, handle, frames, channels, this.sampleRate);
  }

  /** The tools module on this thread (js/tools.js), for work kept off the audio thread (resampling). */
  tools() {
    this.toolInstance ??= fetchTools();
    return this.toolInstance;
  }

  play() { this.commands.transport(TRANSPORT.PLAY); }
  pause() { this.commands.transport(TRANSPORT.PAUSE); }
  stop() { this.commands.transport(TRANSPORT.STOP); }

  /** Moves the transport to `seconds` (rounded to a frame). */
  seek(seconds) {
    this.commands.seek(Math.round(Math.max(0, seconds) * this.sampleRate));
  }

  /** Loops [start, end) in seconds while `on`. */
  setLoop(start, end, on = true) {
    this.loop = { start: Math.round(start * this.sampleRate), end: Math.round(end * this.sampleRate), on };
    this.commands.loop(this.loop.start, this.loop.end, on);
  }

  /**
   * Where stream `i`'s ring lives, for a StreamWriter (js/stream.js) in a
   * Worker: post it {memory, byteOffset}. Shared mode only: without shared
   * memory no other thread can reach the ring.
   */
  streamRing(i) {
    return this.ringLocation(this.layout.streamRings[i], `stream ${i} (the mixer has ${this.layout.streamRings.length})`);
  }

  /** Where the record ring lives, for a Recorder (js/stream.js). Shared mode only. */
  recordRing() {
    return this.ringLocation(this.layout.recordRing, 'record ring (create the mixer with recordSeconds)');
  }

  ringLocation(byteOffset, what) {
    if (this.mode !== 'shared') throw new Error(`wamix: streams and recording need shared memory. ${this.modeReason}`);
    if (!byteOffset) throw new RangeError(`wamix: no ${what}`);
    return { memory: this.memory, byteOffset };
  }

  /** Plays stream `i` on `track`: only while the transport plays (a long file) or, with live, always. */
  bindStream(i, track, { live = false } = {}) {
    bindStream(this.commands, i, track, live ? STREAM_MODE.LIVE : STREAM_MODE.TRANSPORT);
  }

  /** Stops stream `i` and empties its ring (stop its writer first). */
  unbindStream(i) {
    unbindStream(this.commands, i);
  }

  /** Starts or stops recording the master into the record ring. */
  record(on) {
    recordMaster(this.commands, on);
  }

  /** A consistent copy of the engine's status words (see STATUS). */
  statusWords() {
    if (this.mode === 'shared') return readStatus(this.statusView, this.statusCopy);
    this.requestSnapshot();
    return this.statusCopy;
  }

  /**
   * The engine's status: transport state and position (seconds), the
   * audible position (what the listener hears now: the position less the
   * engine's and the context's output latency), commands applied and
   * rejected, and the load since the last call (time in process() over the
   * quantum's duration, an average: the worklet's clock has 1 ms steps).
   */
  status() {
    const w = this.statusWords();
    this.refreshClock();
    const frames = w[STATUS.POSITION_LO] + w[STATUS.POSITION_HI] * 2 ** 32;
    const state = STATES[w[STATUS.STATE]] ?? 'stopped';
    const quanta = this.clockValues[CLOCK.QUANTA], busy = this.clockValues[CLOCK.BUSY_MS];
    const dq = quanta - this.loadMark.quanta;
    const load = dq > 0 ? (busy - this.loadMark.busy) / (dq * 128 * 1000 / this.sampleRate) : 0;
    this.loadMark = { quanta, busy };
    return {
      state,
      position: frames / this.sampleRate,
      audiblePosition: this.audibleFrame(frames, state) / this.sampleRate,
      applied: w[STATUS.APPLIED],
      rejected: w[STATUS.REJECTED],
      lastError: w[STATUS.LAST_ERROR] | 0,
      clamped: w[STATUS.CLAMPED],
      quanta,
      load,
      latencyFrames: this.latencyFrames,
      streamUnderruns: w[STATUS.STREAM_UNDERRUNS],
      recordOverruns: w[STATUS.RECORD_OVERRUNS],
      mode: this.mode,
    };
  }

  audibleFrame(frames, state) {
    if (state !== 'playing') return frames;
    const context = this.context;
    const outputSeconds = (context.baseLatency ?? 0) + (context.outputLatency ?? 0);
    let heard = frames - this.latencyFrames - outputSeconds * this.sampleRate;
    const { start, end, on } = this.loop;
    if (on && end > start && frames >= start && heard < start) heard += end - start; // the loop wrapped since
    return Math.max(0, heard);
  }

  /** The newest levels, and asks for the next (call at display rate). */
  levels() {
    if (this.mode === 'shared') {
      this.blocks.meters.read(this.levelValues);
      this.blocks.meters.request();
    } else {
      this.requestSnapshot({ levels: true });
    }
    const v = this.levelValues, m = LEVELS.STRIP * (this.tracks.length + this.buses.length + 1), x = LEVELS.MASTER;
    return {
      tracks: this.tracks.map((t) => this.stripLevels(t.strip)),
      buses: this.buses.map((b) => this.stripLevels(b.strip)),
      master: {
        ...this.stripLevels(this.master.strip),
        momentaryLufs: v[m + x.MOMENTARY], shortTermLufs: v[m + x.SHORT_TERM], integratedLufs: v[m + x.INTEGRATED],
        limiterReductionDb: v[m + x.LIMITER_GR], truePeakDb: [v[m + x.TRUE_PEAK_L], v[m + x.TRUE_PEAK_R]],
      },
    };
  }

  stripLevels(strip) {
    const v = this.levelValues, i = LEVELS.STRIP * strip;
    return { peakDb: [v[i], v[i + 1]], rmsDb: [v[i + 2], v[i + 3]], compReductionDb: v[i + 4] };
  }

  // 'meters', 'position' and 'error' events fire from one timer that runs
  // only while someone listens: an idle page costs nothing.
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    this.listening.set(type, (this.listening.get(type) ?? 0) + 1);
    if (!this.eventTimer) this.eventTimer = setInterval(() => this.tick(), 1000 / EVENT_HZ);
  }

  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
    this.listening.set(type, Math.max(0, (this.listening.get(type) ?? 0) - 1));
    if ([...this.listening.values()].every((n) => n === 0)) this.stopEvents();
  }

  stopEvents() {
    clearInterval(this.eventTimer);
    this.eventTimer = 0;
  }

  tick() {
    if (this.listening.get('meters')) this.dispatchEvent(Object.assign(new Event('meters'), { levels: this.levels() }));
    const status = this.status();
    if (this.listening.get('position')) this.dispatchEvent(Object.assign(new Event('position'), { status }));
    if (status.rejected > this.lastRejected) {
      this.lastRejected = status.rejected;
      this.emitError(`${status.rejected} command(s) rejected so far, the last with code ${status.lastError}`);
    }
  }

  /** Stops the events, disconnects the node and lets the worklet go. The mixer is unusable afterwards. */
  dispose() {
    this.stopEvents();
    this.commands.ring.close();
    this.replies.close();
    this.node.disconnect();
    this.node.port.onmessage = null;
    this.node.port.close();
  }
}

/** Interleaves `frames` frames of planar channels from `first` into a new array. */
function interleave(planes, first, frames) {
  const channels = planes.length, out = new Float32Array(frames * channels);
  for (let c = 0; c < channels; c++) {
    const plane = planes[c];
    for (let i = 0; i < frames; i++) out[i * channels + c] = plane[first + i];
  }
  return out;
}
