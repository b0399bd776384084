/**
 * Audio between Workers and a session (dsp/wm_streams.h): a StreamWriter
 * feeds one of the session's stream rings (a long file, or a live feed,
 * into the track the stream is bound to), a Recorder drains its record
 * ring (the master output, as heard). Both are the far end of a stereo
 * frames ring (js/ring.js) in the module's shared memory, so they run in
 * any thread given `memory.buffer` and the ring's byte offset
 * (Session#streamRing, Session#recordRing). Neither ever waits.
 *
 * The commands that bind streams and switch recording on are built here
 * too (opcodes 14-16 of the session protocol), over a CommandWriter.
 * @module
 */
import { SharedRing, RING_FRAMES } from './ring.js';

/** Opcodes of the stream commands (dsp/wm_session.h). */
export const STREAM_OP = Object.freeze({ BIND: 14, UNBIND: 15, RECORD: 16 });

/**
 * How a bound stream is pulled: TRANSPORT only while the transport plays
 * (a long file: it waits while stopped or paused), LIVE every block.
 */
export const STREAM_MODE = Object.freeze({ TRANSPORT: 0, LIVE: 1 });

/** Samples per frame of every stream and of the record ring: L, R interleaved. */
export const STREAM_CHANNELS = 2;

function stereoRing(buffer, byteOffset, what) {
  const ring = new SharedRing(buffer, byteOffset);
  if (ring.kind !== RING_FRAMES || ring.channels !== STREAM_CHANNELS) {
    throw new RangeError(`wamix ${what}: no stereo frames ring at offset ${byteOffset}`);
  }
  return ring;
}

/**
 * The producer of a stream ring. Push interleaved stereo float32 frames at
 * any pace; what does not fit is left to the caller (push returns how
 * much was taken), so a file reader pushes `room` frames whenever it wakes.
 */
export class StreamWriter {
  /**
   * Setup time; throws RangeError when there is no stereo frames ring there.
   * @param {SharedArrayBuffer} buffer the module's `memory.buffer`
   * @param {number} byteOffset the ring's address (wamix_session_stream_ring)
   */
  constructor(buffer, byteOffset) {
    this.ring = stereoRing(buffer, byteOffset, 'stream');
    /** Frames pushed by this writer so far. */
    this.frames = 0;
  }

  /** Frames of free room now (it only grows until the next push). */
  get room() {
    return this.ring.availableWrite();
  }

  /** Frames the session has not pulled yet. */
  get queued() {
    return this.ring.capacity - this.ring.availableWrite();
  }

  /**
   * Pushes up to `frames` frames of `chunk` (interleaved L, R) from frame
   * `offset`. Never waits, never allocates.
   * @param {Float32Array} chunk
   * @param {number} [frames] default: all of chunk after offset
   * @param {number} [offset]
   * @returns {number} the frames taken: fewer when the ring is short of room, 0 when it is corrupt
   */
  push(chunk, frames = Infinity, offset = 0) {
    const n = this.ring.push(chunk, frames, offset);
    if (n > 0) this.frames += n;
    return n;
  }

  /** Session pulls that found the ring short of a block (each played silence); 0 again after an unbind. */
  get underruns() {
    return this.ring.underruns;
  }

  /** The ring's RING_BAD_* bits: nonzero means it moves nothing until the stream is unbound. */
  get status() {
    return this.ring.status;
  }
}

/**
 * The consumer of the record ring: the master output, whole blocks in
 * order (a block that did not fit was dropped by the session and counted
 * in its status: record overruns and dropped frames).
 */
export class Recorder {
  /**
   * Setup time; throws RangeError when there is no stereo frames ring there.
   * @param {SharedArrayBuffer} buffer the module's `memory.buffer`
   * @param {number} byteOffset the ring's address (wamix_session_record_ring)
   */
  constructor(buffer, byteOffset) {
    this.ring = stereoRing(buffer, byteOffset, 'recorder');
    /** Frames popped by this recorder so far. */
    this.frames = 0;
  }

  /** Frames waiting to be popped. */
  get available() {
    return this.ring.availableRead();
  }

  /**
   * Pops up to `frames` frames (what is there, no more: an empty ring is
   * not an underrun) into `dst`, interleaved L, R, from frame `offset`.
   * Never waits, never allocates.
   * @param {Float32Array} dst
   * @param {number} [frames] default: as many as dst holds after offset
   * @param {number} [offset]
   * @returns {number} the frames popped
   */
  pop(dst, frames = Infinity, offset = 0) {
    const n = this.ring.pop(dst, Math.min(frames, this.ring.availableRead()), offset);
    if (n > 0) this.frames += n;
    return n;
  }

  /** The ring's RING_BAD_* bits. */
  get status() {
    return this.ring.status;
  }
}

/** Pushes [op, a, b, c] (its first `words` words) through the CommandWriter's buffer; no allocation. */
function send(commands, words, op, a, b = 0, c = 0) {
  const w = commands.u32;
  w[0] = op;
  w[1] = a;
  w[2] = b;
  w[3] = c;
  return commands.send(words);
}

/**
 * The stream commands, over a CommandWriter (js/commands.js): each returns
 * true when the command ring took it. Bind: the stream feeds the track
 * (its external input) from the next block on.
 * @param {import('./commands.js').CommandWriter} commands
 */
export function bindStream(commands, stream, track, mode = STREAM_MODE.TRANSPORT) {
  return send(commands, 4, STREAM_OP.BIND, stream, track, mode);
}

/** Stops the stream and empties its ring (stop its producer first). */
export function unbindStream(commands, stream) {
  return send(commands, 2, STREAM_OP.UNBIND, stream);
}

/** Starts (true) or stops (false) pushing the master into the record ring. */
export function recordMaster(commands, on) {
  return send(commands, 2, STREAM_OP.RECORD, on ? 1 : 0);
}
