/**
 * The command protocol between the page and the engine: records of 32-bit
 * little-endian words pushed into the session's command ring (js/ring.js),
 * and replies read from its reply ring. The layout is defined in
 * dsp/wm_session.h; the C side validates every field it reads.
 *
 * CommandWriter builds each record in one preallocated buffer: no
 * allocation per command. Any thread that owns the producer side of the
 * ring (one at a time).
 * @module
 */

/** Opcodes, word 0 of every record. */
export const OP = Object.freeze({
  SET_STRIP_PARAM: 1,
  SET_MIXER_PARAM: 2,
  TRANSPORT: 3,
  SEEK: 4,
  LOOP: 5,
  CLIP_ADD: 6,
  CLIP_REMOVE: 7,
  POOL_ALLOC: 8,
  POOL_COMMIT: 9,
  POOL_COMPLETE: 10,
  POOL_FREE: 11,
  AUTOMATE: 12,
  REVERB_LOAD: 17,
  REVERB_PARAM: 18,
});


/** Transport actions of OP.TRANSPORT. */
export const TRANSPORT = Object.freeze({ PLAY: 0, PAUSE: 1, STOP: 2 });

/**
 * Automation methods of OP.AUTOMATE, as on an AudioParam: setValueAtTime,
 * linearRampToValueAtTime, exponentialRampToValueAtTime, setTargetAtTime,
 * cancelScheduledValues, cancelAndHoldAtTime.
 */
export const AUTOMATION = Object.freeze({ SET_VALUE: 0, LINEAR: 1, EXPONENTIAL: 2, TARGET: 3, CANCEL: 4, CANCEL_AND_HOLD: 5 });

const MAX_WORDS = 64;
const TWO_32 = 2 ** 32;

export class CommandWriter {
  /** @param {import('./ring.js').SharedRing} ring the session's command ring */
  constructor(ring) {
    this.ring = ring;
    this.bytes = new Uint8Array(MAX_WORDS * 4);
    this.u32 = new Uint32Array(this.bytes.buffer);
    this.f32 = new Float32Array(this.bytes.buffer);
    this.view = new DataView(this.bytes.buffer);
    this.nextRequest = 1;
  }

  /** Writes `frame` (a safe integer >= 0) as two words at `at`. */
  frame(at, frame) {
    this.u32[at] = frame % TWO_32;
    this.u32[at + 1] = Math.floor(frame / TWO_32);
  }

  /** Pushes the first `words` words; returns true when the ring took it. */
  send(words) {
    return this.ring.pushRecord(this.bytes, words * 4) === 1;
  }

  /** A new request id, for commands that get a reply. */
  request() {
    const id = this.nextRequest;
    this.nextRequest = (this.nextRequest % 0x7fffffff) + 1;
    return id;
  }

  setStripParam(strip, param, value) {
    this.u32[0] = OP.SET_STRIP_PARAM;
    this.u32[1] = strip;
    this.u32[2] = param;
    this.f32[3] = value;
    return this.send(4);
  }

  setMixerParam(param, value) {
    this.u32[0] = OP.SET_MIXER_PARAM;
    this.u32[1] = param;
    this.f32[2] = value;
    return this.send(3);
  }

  transport(action) {
    this.u32[0] = OP.TRANSPORT;
    this.u32[1] = action;
    return this.send(2);
  }

  seek(frame) {
    this.u32[0] = OP.SEEK;
    this.frame(1, frame);
    return this.send(3);
  }

  loop(start, end, on) {
    this.u32[0] = OP.LOOP;
    this.frame(1, start);
    this.frame(3, end);
    this.u32[5] = on ? 1 : 0;
    return this.send(6);
  }

  /** @returns {number} the request id of the reply (0 if the ring was full) */
  addClip(track, sample, { start, offset = 0, length, gainDb = 0, fadeIn = 0, fadeOut = 0 }) {
    const id = this.request();
    this.u32[0] = OP.CLIP_ADD;
    this.u32[1] = id;
    this.u32[2] = track;
    this.u32[3] = sample;
    this.frame(4, start);
    this.u32[6] = offset;
    this.u32[7] = length;
    this.f32[8] = gainDb;
    this.u32[9] = fadeIn;
    this.u32[10] = fadeOut;
    return this.send(11) ? id : 0;
  }

  removeClip(track, clip) {
    this.u32[0] = OP.CLIP_REMOVE;
    this.u32[1] = track;
    this.u32[2] = clip;
    return this.send(3);
  }

  /** @returns {number} the request id of the reply (0 if the ring was full) */
  /**
   * One automation event for a strip parameter (strip -1: a mixer
   * parameter). Times are engine frames (frames rendered since the session
   * was created; seconds * sampleRate, not rounded), sent as float64;
   * `value` is ignored by the cancels, `timeConstantFrames` by all but
   * AUTOMATION.TARGET.
   * @param {number} strip  the SET_STRIP_PARAM numbering, or -1
   * @param {number} param  the strip's (or the mixer's) parameter id
   * @param {number} kind   AUTOMATION.*
   * @returns {boolean} true when the ring took it
   */
  automate(strip, param, kind, timeFrames, value = 0, timeConstantFrames = 0) {
    this.u32[0] = OP.AUTOMATE;
    this.u32[1] = strip; // -1 becomes 0xFFFFFFFF
    this.u32[2] = param;
    this.u32[3] = kind;
    this.view.setFloat64(16, timeFrames, true);
    this.f32[6] = value;
    this.view.setFloat64(28, timeConstantFrames, true);
    return this.send(9);
  }

  poolAlloc(frames, channels, rateHz) {
    const id = this.request();
    this.u32[0] = OP.POOL_ALLOC;
    this.u32[1] = id;
    this.u32[2] = frames;
    this.u32[3] = channels;
    this.u32[4] = rateHz;
    return this.send(5) ? id : 0;
  }

  poolCommit(handle, framesLoaded) {
    this.u32[0] = OP.POOL_COMMIT;
    this.u32[1] = handle;
    this.u32[2] = framesLoaded;
    return this.send(3);
  }

  poolComplete(handle, framesTotal) {
    this.u32[0] = OP.POOL_COMPLETE;
    this.u32[1] = handle;
    this.u32[2] = framesTotal;
    return this.send(3);
  }

  poolFree(handle) {
    this.u32[0] = OP.POOL_FREE;
    this.u32[1] = handle;
    return this.send(2);
  }

  /** @returns {number} the request id of the reply, sent once the new IR plays (0 if the ring was full) */
  reverbLoad(bus, sample, fadeMs) {
    const id = this.request();
    this.u32[0] = OP.REVERB_LOAD;
    this.u32[1] = id;
    this.u32[2] = bus;
    this.u32[3] = sample;
    this.f32[4] = fadeMs;
    return this.send(5) ? id : 0;
  }

  reverbParam(bus, param, value) {
    this.u32[0] = OP.REVERB_PARAM;
    this.u32[1] = bus;
    this.u32[2] = param;
    this.f32[3] = value;
    return this.send(4);
  }
}

/**
 * Reads replies: [request id, result, payload words...]. Allocates one
 * object per reply: replies are rare (loading samples, adding clips) and
 * read on the main thread.
 */
export class ReplyReader {
  /** @param {import('./ring.js').SharedRing} ring the session's reply ring */
  constructor(ring) {
    this.ring = ring;
    this.bytes = new Uint8Array(4096 * 4);
    this.i32 = new Int32Array(this.bytes.buffer);
  }

  /** @returns {{request: number, result: number, payload: Int32Array}|null} */
  next() {
    const length = this.ring.popRecord(this.bytes);
    if (length < 8) return null;
    return { request: this.i32[0], result: this.i32[1], payload: this.i32.slice(2, length >> 2) };
  }
}
