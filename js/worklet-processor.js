/**
 * The AudioWorkletProcessor that runs a wamix mixing session (the C mixer,
 * its sample pool and its command protocol; js/session.js). Per render
 * quantum: the session applies the commands the page pushed into its
 * command ring and renders 128 frames; the processor copies them out,
 * answers the page's requests for levels and spectra, and rewrites the
 * clock block. process() allocates nothing, takes no lock, posts no message
 * on the shared path and never throws: a failure becomes one ERROR message
 * and silence.
 *
 * With SharedArrayBuffer the page writes the command ring and reads the
 * reply ring and the status block in the module's memory itself. Without
 * it, commands, sample data and replies travel over the port (js/protocol.js).
 *
 * processorOptions: {module: WebAssembly.Module, memory?: WebAssembly.Memory (shared;
 *   made here, unshared, when absent), memoryBytes?, session: Session options,
 *   blocks: {meters, spectrum, clock}: SeqBlock buffers}
 * @module
 */
import { instantiate, readCString } from './wamix-core.js';
import { Session } from './session.js';
import { SeqBlock } from './shared-blocks.js';
import { createMemory } from './memory.js';
import { readParamTables } from './param-table.js';
import { PROCESSOR_NAME, MSG, CLOCK } from './protocol.js';

const QUANTUM = 128;

/**
 * Splits a batch of ring records (a length word in bytes, the payload
 * padded to words, back to back) into one view per record. A length that
 * runs past the batch is cut to what is there: the C side then rejects the
 * record, whose opcode fixes its length.
 */
function splitRecords(batch) {
  if (!(batch instanceof Uint8Array) || batch.byteLength % 4 !== 0) throw new TypeError('wamix: bad command batch');
  const words = new Uint32Array(batch.buffer, batch.byteOffset, batch.byteLength >> 2);
  const records = [];
  for (let at = 0; at < words.length;) {
    const start = 4 * at + 4;
    const bytes = Math.min(words[at], batch.byteLength - start);
    if (bytes > 0) records.push(batch.subarray(start, start + bytes));
    at += 1 + ((Math.max(bytes, 0) + 3) >> 2);
  }
  return records;
}

class WamixProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.failed = false;
    try {
      const { module, memory, memoryBytes, session, blocks } = options.processorOptions;
      const exports = instantiate(module, memory ?? createMemory({ bytes: memoryBytes, shared: false }));
      this.session = new Session(exports, { ...session, sampleRate, maxBlock: QUANTUM });
      this.meters = new SeqBlock(blocks.meters);
      this.spectrum = new SeqBlock(blocks.spectrum);
      this.clock = new SeqBlock(blocks.clock, { type: Float64Array });
      this.clockValues = new Float64Array(CLOCK.COUNT);
      this.shared = this.clock.shared;
      this.engineFrames = 0;
      this.backlog = []; // fallback: command batches the ring had no room for yet
      this.snapshotWanted = null; // fallback: what the page asked for
      this.port.onmessage = (e) => this.onMessage(e.data);
      this.port.postMessage({ type: MSG.READY, mode: this.shared ? 'shared' : 'message', layout: this.layout() });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Where the page finds the session's parts, and its tables. */
  layout() {
    const s = this.session, e = s.exports;
    return {
      commandRing: e.wamix_session_command_ring(s.handle),
      replyRing: e.wamix_session_reply_ring(s.handle),
      status: e.wamix_session_status(s.handle),
      levelCount: e.wamix_session_level_count(s.handle),
      latency: s.latency,
      sampleRate,
      params: readParamTables(e),
      errors: Array.from({ length: 8 }, (_, code) => readCString(e, e.wamix_strerror(-code))), // WM_ERR_* by -code
      streamRings: Array.from({ length: s.streamCount }, (_, i) => e.wamix_session_stream_ring(s.handle, i)),
      recordRing: e.wamix_session_record_ring(s.handle),
      clockOffset: currentFrame,
      reverb: s.hasReverb,
    };
  }

  onMessage(data) {
    if (data === null || typeof data !== 'object') return; // not ours
    try {
      if (data.type === MSG.ANALYSER) {
        this.session.configureAnalyser(data);
      } else if (data.type === MSG.EQ) {
        this.port.postMessage({ type: MSG.EQ, id: data.id, sections: this.session.eqCoefficients(data.strip) });
      } else if (data.type === MSG.COMMANDS) {
        this.backlog.push({ records: splitRecords(data.records), at: 0 });
      } else if (data.type === MSG.POOL_DATA) {
        this.session.writeSamples(data.address, data.samples);
      } else if (data.type === MSG.SNAPSHOT) {
        this.snapshotWanted = data;
      }
    } catch (error) {
      this.port.postMessage({ type: MSG.ERROR, message: String((error && error.message) || error) });
    }
  }

  fail(error) {
    if (this.failed) return;
    this.failed = true;
    this.port.postMessage({ type: MSG.ERROR, message: String((error && error.stack) || error) });
  }

  /** Fallback: moves queued command records into the ring, as many as fit. */
  drainBacklog() {
    const ring = this.session.commands.ring;
    while (this.backlog.length > 0) {
      const batch = this.backlog[0];
      for (; batch.at < batch.records.length; batch.at++) {
        const record = batch.records[batch.at];
        if (ring.pushRecord(record, record.length) === 0) return; // full: the rest waits a quantum
      }
      this.backlog.shift();
    }
  }

  /** Levels and spectra only when the page asks: an idle page costs nothing. */
  answerShared() {
    if (this.meters.takeRequest()) {
      const levels = this.session.levels(); // a page's block too small for them gets what fits
      this.meters.write(levels, Math.min(levels.length, this.meters.count));
    }
    if (this.spectrum.takeRequest()) {
      const size = this.session.analyze();
      this.spectrum.write(this.session.analysis, size / 2 + size, size);
    }
  }

  /** Fallback: replies, and the snapshot the page asked for, over the port. */
  answerByMessage() {
    const replies = this.session.takeReplyRecords();
    if (replies) this.port.postMessage({ type: MSG.REPLIES, records: replies });
    const wanted = this.snapshotWanted;
    if (!wanted) return;
    this.snapshotWanted = null;
    const state = { type: MSG.STATE, status: this.session.statusWords(), clock: this.clockValues.slice() };
    if (wanted.levels) state.levels = this.session.levels().slice();
    if (wanted.spectrum) {
      state.fftSize = this.session.analyze();
      state.spectrum = this.session.analysis.slice(0, state.fftSize / 2 + state.fftSize);
    }
    this.port.postMessage(state);
  }

  process(inputs, outputs) {
    const out = outputs[0];
    if (this.failed) {
      for (let c = 0; c < out.length; c++) out[c].fill(0);
      return true;
    }
    const started = Date.now();
    try {
      if (!this.shared) this.drainBacklog();
      this.clockValues[CLOCK.OFFSET] = currentFrame - this.engineFrames;
      this.session.process(QUANTUM);
      this.engineFrames += QUANTUM;
      const rendered = this.session.outputs;
      for (let c = 0; c < out.length; c++) out[c].set(rendered[c < 2 ? c : 0]);
      if (this.shared) this.answerShared();
      else this.answerByMessage();
    } catch (error) {
      this.fail(error);
      for (let c = 0; c < out.length; c++) out[c].fill(0);
    }
    this.clockValues[CLOCK.QUANTA] += 1;
    this.clockValues[CLOCK.BUSY_MS] += Date.now() - started;
    this.clock.write(this.clockValues);
    return true;
  }
}

registerProcessor(PROCESSOR_NAME, WamixProcessor);
