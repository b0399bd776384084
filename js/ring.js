/**
 * A wait-free single-producer single-consumer ring buffer in shared memory:
 * the JavaScript twin of the C ring (dsp/wm_ring.h), over the same bytes.
 *
 * One thread pushes, one thread pops, neither ever waits. The ring lives in
 * a SharedArrayBuffer, or in the WASM module's shared linear memory
 * (`memory.buffer`), so a ring can have C at one end and JavaScript at the
 * other, on different threads. Two kinds:
 * - frames: audio, interleaved float32 frames of `channels` samples;
 * - records: commands, variable-length byte records.
 *
 * LAYOUT (identical in dsp/wm_ring.h and js/ring.js; a test compares them)
 * A ring is one block of shared memory that starts on a 64-byte boundary:
 * a 192-byte header of little-endian 32-bit unsigned words, then the data.
 *
 * byte  word  field        written by    meaning
 *    0     0  magic        owner         0x474E5257 (the bytes "WRNG")
 *    4     1  version      owner         1
 *    8     2  kind         owner         1 = frames (float32), 2 = records (uint32 words)
 *   12     3  channels     owner         floats per frame (records: 1)
 *   16     4  elem_bytes   owner         bytes per element: 4 * channels (records: 4)
 *   20     5  capacity     owner         elements (frames or words), a power of two
 *   24     6  data_offset  owner         192: bytes from the start of the ring to its data
 *   28     7  data_bytes   owner         capacity * elem_bytes
 *   32     8  status       either side   sticky error bits, cleared only by reset:
 *                                        1 index, 2 geometry, 4 record
 *   36-63     zero
 *   64    16  write_index  producer      elements ever written, modulo 2^32
 *   68    17  overruns     producer      pushes refused or truncated for lack of room
 *   72-127    zero
 *  128    32  read_index   consumer      elements ever read, modulo 2^32
 *  132    33  underruns    consumer      frame pops that found fewer frames than asked
 *  136-191    zero
 *  192        data         capacity * elem_bytes bytes
 *
 * The owner writes words 0-8 at init and at reset, nobody else does; the
 * write index and the read index each sit alone on a 64-byte cache line
 * with the counter of the side that owns it, so the two threads never
 * write to the same line.
 * Indices run freely modulo 2^32 and element i lives in slot
 * i & (capacity - 1): used = write_index - read_index (mod 2^32) is 0 when
 * empty and capacity when full, and anything larger is corruption. No slot
 * is sacrificed to tell full from empty.
 * Frames: the samples of a frame are interleaved and a frame is never
 * split: the wrap falls between frames, and push and pop move whole frames.
 * Records: one word holding the payload length in bytes (1 to
 * 4 * (capacity - 1)), then the payload, zero-padded to whole words. A
 * record may wrap around the end of the data; pop_record reassembles it.
 * It is published whole: the write index moves past it in one store.
 * Ordering: a side writes (or reads) the data, then stores its index with
 * release; the other side loads that index with acquire before touching
 * the data.
 * LAYOUT END
 *
 * Validation, as in C: each side keeps its own copy of the geometry from
 * create/attach and never takes a size from shared memory afterwards; every
 * index and record length read from the header or the data is checked
 * before use. A failed check sets a status bit (RING_BAD_*); from then on
 * every push and pop moves nothing (the reader sees an empty ring, the
 * writer a full one) until the owner calls reset(). JavaScript cannot write
 * out of bounds anyway, but a corrupt header must not make it deliver
 * garbage, loop, or throw on the audio thread.
 *
 * Ordering: the index loads and stores go through Atomics (sequentially
 * consistent: stronger than the acquire/release the protocol needs). The
 * data is copied with plain index loops over views made once at
 * construction: push, pop, pushRecord and popRecord never allocate and
 * never throw. Little-endian hosts only (every WASM host is).
 * @module
 */

/** Kind of a ring of interleaved float32 frames. */
export const RING_FRAMES = 1;
/** Kind of a ring of variable-length byte records (32-bit words). */
export const RING_RECORDS = 2;
/** Header word 0 of every ring: the bytes "WRNG". */
export const RING_MAGIC = 0x474e5257;
/** Header word 1: the layout version this file speaks. */
export const RING_VERSION = 1;
/** Rings start on this boundary (a cache line). */
export const RING_ALIGN = 64;
/** Header bytes, = the data offset. */
export const RING_HEADER_BYTES = 192;
/** Most floats per frame. */
export const RING_MAX_CHANNELS = 32;
/** Largest capacity, in elements. */
export const RING_MAX_CAPACITY = 1 << 24;
/** Largest data region, in bytes (256 MiB). */
export const RING_MAX_DATA_BYTES = 1 << 28;
/** Status bit: write_index - read_index > capacity. */
export const RING_BAD_INDEX = 1;
/** Status bit: magic, capacity or element size changed under us. */
export const RING_BAD_GEOMETRY = 2;
/** Status bit: a record length is 0, too large, or longer than what was published. */
export const RING_BAD_RECORD = 4;
/** Returned for a call on the wrong kind of ring or a bad argument (WM_ERR_ARG). */
export const RING_ERR_ARG = -1;
/** Returned by popRecord when the next record does not fit (WM_ERR_RANGE). */
export const RING_ERR_RANGE = -3;

// Word indices in the header.
const MAGIC = 0, VERSION = 1, KIND = 2, CHANNELS = 3, ELEM_BYTES = 4, CAPACITY = 5;
const DATA_OFFSET = 6, DATA_BYTES = 7, STATUS = 8;
const WRITE = 16, OVERRUNS = 17, READ = 32, UNDERRUNS = 33;
const HEADER_WORDS = RING_HEADER_BYTES / 4;

function isPow2(x) {
  return x > 0 && (x & (x - 1)) === 0;
}

/** Bytes per element for a valid geometry, 0 otherwise. */
function elemBytesOf(kind, capacity, channels) {
  if (kind !== RING_FRAMES && kind !== RING_RECORDS) return 0;
  if (!Number.isInteger(capacity) || capacity < 2 || capacity > RING_MAX_CAPACITY || !isPow2(capacity)) return 0;
  if (!Number.isInteger(channels)) return 0;
  if (kind === RING_RECORDS ? channels !== 1 : channels < 1 || channels > RING_MAX_CHANNELS) return 0;
  const elem = 4 * channels;
  return capacity * elem > RING_MAX_DATA_BYTES ? 0 : elem;
}

/**
 * A ring in shared memory, as seen by one side. Construct it with
 * {@link SharedRing.create} (format a new ring: you are its owner) or
 * `new SharedRing(buffer, byteOffset)` (attach to one the other side made,
 * in C or in JavaScript). Each thread makes its own SharedRing over the
 * same buffer; one of them only pushes, one only pops.
 */
export class SharedRing {
  /**
   * Bytes a ring takes (header and data), 0 for a geometry create() would
   * refuse. Any thread; allocates nothing.
   * @param {number} kind RING_FRAMES or RING_RECORDS
   * @param {number} capacity elements (frames or words), a power of two, 2 .. 2^24
   * @param {number} [channels] floats per frame, 1 .. 32 (records: 1)
   */
  static bytes(kind, capacity, channels = 1) {
    const elem = elemBytesOf(kind, capacity, channels);
    return elem ? RING_HEADER_BYTES + capacity * elem : 0;
  }

  /** Words a record of `bytes` payload bytes takes, length word included. Any thread. */
  static recordWords(bytes) {
    return 1 + ((bytes + 3) >>> 2);
  }

  /**
   * Formats a new, empty ring at `byteOffset` in `buffer` and returns the
   * owner's view of it. Zeroes the block and writes the magic word last.
   * Hand `buffer` and `byteOffset` to the other side (postMessage) to
   * attach. Setup time, any thread; allocates (views); throws RangeError
   * for a bad geometry, a misaligned offset or a block that does not fit.
   * @param {SharedArrayBuffer|ArrayBuffer} buffer
   * @param {number} byteOffset multiple of 64
   * @param {{kind?: number, capacity: number, channels?: number}} geometry
   * @returns {SharedRing}
   */
  static create(buffer, byteOffset, { kind = RING_FRAMES, capacity, channels = 1 }) {
    const bytes = SharedRing.bytes(kind, capacity, channels);
    if (!bytes) throw new RangeError(`wamix ring: invalid geometry (kind ${kind}, capacity ${capacity}, channels ${channels})`);
    checkPlace(buffer, byteOffset, bytes);
    new Uint8Array(buffer, byteOffset, bytes).fill(0);
    const header = new Uint32Array(buffer, byteOffset, HEADER_WORDS);
    writeHeader(header, kind, channels, 4 * channels, capacity);
    return new SharedRing(buffer, byteOffset);
  }

  /**
   * The same as `new SharedRing(buffer, byteOffset)`: attach to an existing
   * ring. Setup time, any thread; allocates; throws RangeError.
   * @param {SharedArrayBuffer|ArrayBuffer} buffer
   * @param {number} byteOffset
   * @returns {SharedRing}
   */
  static attach(buffer, byteOffset) {
    return new SharedRing(buffer, byteOffset);
  }

  /**
   * Attaches to the ring at `byteOffset` in `buffer`, formatted by either
   * side, after checking its whole geometry. Setup time, any thread;
   * allocates (views); throws RangeError when there is no valid ring there.
   * A ring whose status is already set attaches: `status` says why it
   * moves nothing.
   * @param {SharedArrayBuffer|ArrayBuffer} buffer e.g. `memory.buffer` of a shared WebAssembly.Memory
   * @param {number} byteOffset multiple of 64
   */
  constructor(buffer, byteOffset) {
    checkPlace(buffer, byteOffset, RING_HEADER_BYTES);
    const header = new Uint32Array(buffer, byteOffset, HEADER_WORDS);
    const fail = (why) => new RangeError(`wamix ring: no valid ring at offset ${byteOffset}: ${why}`);
    if (Atomics.load(header, MAGIC) !== RING_MAGIC) throw fail('bad magic');
    if (Atomics.load(header, VERSION) !== RING_VERSION) throw fail('unknown version');
    const kind = Atomics.load(header, KIND), channels = Atomics.load(header, CHANNELS);
    const capacity = Atomics.load(header, CAPACITY), elemBytes = Atomics.load(header, ELEM_BYTES);
    const expected = elemBytesOf(kind, capacity, channels);
    if (!expected || elemBytes !== expected) throw fail('bad geometry');
    if (Atomics.load(header, DATA_OFFSET) !== RING_HEADER_BYTES) throw fail('bad data offset');
    if (Atomics.load(header, DATA_BYTES) !== capacity * elemBytes) throw fail('bad data size');
    if (byteOffset + RING_HEADER_BYTES + capacity * elemBytes > buffer.byteLength) throw fail('does not fit in the buffer');

    /** The buffer and offset: what to send to the other side. */
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    /** Bytes of the ring, header and data. */
    this.byteLength = RING_HEADER_BYTES + capacity * elemBytes;
    /** RING_FRAMES or RING_RECORDS. */
    this.kind = kind;
    /** Floats per frame (records: 1). */
    this.channels = channels;
    /** Elements: frames, or record words. */
    this.capacity = capacity;
    this.elemBytes = elemBytes;
    /** Largest record payload in bytes (frames rings: 0). */
    this.maxRecordBytes = kind === RING_RECORDS ? 4 * (capacity - 1) : 0;
    this._mask = capacity - 1;
    this._header = header;
    const data = byteOffset + RING_HEADER_BYTES;
    // Views made once, used by every call: the hot path never makes one.
    this._f32 = kind === RING_FRAMES ? new Float32Array(buffer, data, capacity * channels) : null;
    this._u32 = kind === RING_RECORDS ? new Uint32Array(buffer, data, capacity) : null;
    this._u8 = kind === RING_RECORDS ? new Uint8Array(buffer, data, capacity * 4) : null;
    this._nextRead = 0;
  }

  /** The sticky RING_BAD_* bits, 0 when healthy. Any thread; no allocation. */
  get status() {
    return Atomics.load(this._header, STATUS);
  }

  /** Pushes refused or truncated for lack of room (wraps at 2^32). Any thread. */
  get overruns() {
    return Atomics.load(this._header, OVERRUNS);
  }

  /** Frame pops that found fewer frames than asked (wraps at 2^32). Any thread. */
  get underruns() {
    return Atomics.load(this._header, UNDERRUNS);
  }

  /**
   * Elements (frames, or record words) published and not yet read; 0 when
   * the ring is corrupt. Any thread (exact on the consumer); no allocation.
   * @returns {number}
   */
  availableRead() {
    if (!this._healthy()) return 0;
    const h = this._header;
    const used = (Atomics.load(h, WRITE) - Atomics.load(h, READ)) >>> 0;
    return this._checkUsed(used) ? used : 0;
  }

  /**
   * Elements of free room; 0 when the ring is corrupt. Any thread (exact
   * on the producer); no allocation.
   * @returns {number}
   */
  availableWrite() {
    if (!this._healthy()) return 0;
    const h = this._header;
    const used = (Atomics.load(h, WRITE) - Atomics.load(h, READ)) >>> 0;
    return this._checkUsed(used) ? this.capacity - used : 0;
  }

  /**
   * Copies up to `frames` whole frames from `src` (interleaved, starting at
   * frame `offset`) into the ring. Producer thread only; no allocation, no
   * throw: realtime safe.
   * @param {Float32Array|ArrayLike<number>} src
   * @param {number} [frames] default: all whole frames of src after offset
   * @param {number} [offset] first frame of src to copy
   * @returns {number} frames moved: fewer than asked when the ring has less
   *   room (one overrun is counted), 0 when it is corrupt; RING_ERR_ARG on a
   *   records ring
   */
  push(src, frames = Infinity, offset = 0) {
    if (this.kind !== RING_FRAMES) return RING_ERR_ARG;
    const ch = this.channels;
    const limit = Math.floor(src.length / ch) - offset;
    if (frames > limit) frames = limit;
    frames = Math.floor(frames);
    if (!(frames > 0) || !this._healthy()) return 0;
    const h = this._header;
    const w = Atomics.load(h, WRITE);
    const used = (w - Atomics.load(h, READ)) >>> 0;
    if (!this._checkUsed(used)) return 0;
    const room = this.capacity - used;
    let n = frames;
    if (n > room) {
      n = room;
      Atomics.store(h, OVERRUNS, Atomics.load(h, OVERRUNS) + 1);
    }
    if (n === 0) return 0;
    const data = this._f32;
    const at = (w & this._mask) * ch;
    const total = n * ch;
    const first = Math.min(total, data.length - at);
    const s = offset * ch;
    for (let i = 0; i < first; i++) data[at + i] = src[s + i];
    for (let i = first; i < total; i++) data[i - first] = src[s + i];
    Atomics.store(h, WRITE, (w + n) >>> 0);
    return n;
  }

  /**
   * Copies up to `frames` whole frames out of the ring into `dst`
   * (interleaved, from frame `offset`); dst beyond them is untouched.
   * Consumer thread only; no allocation, no throw: realtime safe.
   * @param {Float32Array} dst
   * @param {number} [frames] default: all whole frames of dst after offset
   * @param {number} [offset] first frame of dst to fill
   * @returns {number} frames moved: fewer than asked counts one underrun;
   *   0 when the ring is corrupt; RING_ERR_ARG on a records ring
   */
  pop(dst, frames = Infinity, offset = 0) {
    if (this.kind !== RING_FRAMES) return RING_ERR_ARG;
    const ch = this.channels;
    const limit = Math.floor(dst.length / ch) - offset;
    if (frames > limit) frames = limit;
    frames = Math.floor(frames);
    if (!(frames > 0) || !this._healthy()) return 0;
    const h = this._header;
    const r = Atomics.load(h, READ);
    const used = (Atomics.load(h, WRITE) - r) >>> 0;
    if (!this._checkUsed(used)) return 0;
    let n = frames;
    if (n > used) {
      n = used;
      Atomics.store(h, UNDERRUNS, Atomics.load(h, UNDERRUNS) + 1);
    }
    if (n === 0) return 0;
    const data = this._f32;
    const at = (r & this._mask) * ch;
    const total = n * ch;
    const first = Math.min(total, data.length - at);
    const d = offset * ch;
    for (let i = 0; i < first; i++) dst[d + i] = data[at + i];
    for (let i = first; i < total; i++) dst[d + i] = data[i - first];
    Atomics.store(h, READ, (r + n) >>> 0);
    return n;
  }

  /**
   * Appends one record, all or nothing. Build records in a preallocated
   * Uint8Array; a Float32Array or Uint32Array over the same ArrayBuffer
   * writes structured fields without allocating. Producer thread only; no
   * allocation, no throw.
   * @param {Uint8Array|ArrayLike<number>} src payload bytes
   * @param {number} [bytes] payload length, 1 .. maxRecordBytes (default src.length)
   * @returns {number} 1 pushed; 0 no room for recordWords(bytes) words (one
   *   overrun counted) or the ring is corrupt; RING_ERR_ARG for a frames
   *   ring or a length out of range
   */
  pushRecord(src, bytes = src.length) {
    if (this.kind !== RING_RECORDS || !(bytes >= 1 && bytes <= this.maxRecordBytes && bytes <= src.length)) {
      return RING_ERR_ARG;
    }
    bytes = Math.floor(bytes);
    if (!this._healthy()) return 0;
    const h = this._header;
    const w = Atomics.load(h, WRITE);
    const used = (w - Atomics.load(h, READ)) >>> 0;
    if (!this._checkUsed(used)) return 0;
    const words = 1 + ((bytes + 3) >>> 2);
    if (words > this.capacity - used) {
      Atomics.store(h, OVERRUNS, Atomics.load(h, OVERRUNS) + 1);
      return 0;
    }
    const mask = this._mask;
    this._u32[w & mask] = bytes;
    this._u32[(w + words - 1) & mask] = 0; // the padding of the last word
    const u8 = this._u8;
    const at = ((w + 1) & mask) * 4;
    const first = Math.min(bytes, u8.length - at);
    for (let i = 0; i < first; i++) u8[at + i] = src[i];
    for (let i = first; i < bytes; i++) u8[i - first] = src[i];
    Atomics.store(h, WRITE, (w + words) >>> 0);
    return 1;
  }

  /**
   * Removes the oldest record and copies its payload into `dst`.
   * Consumer thread only; no allocation, no throw.
   * @param {Uint8Array} dst
   * @returns {number} its length in bytes (>= 1); 0 when there is none or
   *   the ring is corrupt (an empty poll ends every drain and is not an
   *   underrun); RING_ERR_RANGE when it is longer than dst (nothing popped,
   *   see nextRecordBytes); RING_ERR_ARG for a frames ring
   */
  popRecord(dst) {
    if (this.kind !== RING_RECORDS) return RING_ERR_ARG;
    const len = this._nextRecord();
    if (len === 0) return 0;
    if (len > dst.length) return RING_ERR_RANGE;
    const r = this._nextRead; // the index the record was validated at
    const u8 = this._u8;
    const at = ((r + 1) & this._mask) * 4;
    const first = Math.min(len, u8.length - at);
    for (let i = 0; i < first; i++) dst[i] = u8[at + i];
    for (let i = first; i < len; i++) dst[i] = u8[i - first];
    Atomics.store(this._header, READ, (r + 1 + ((len + 3) >>> 2)) >>> 0);
    return len;
  }

  /**
   * Length of the record popRecord would return next; 0 when none or
   * corrupt; RING_ERR_ARG for a frames ring. Consumer thread only; no
   * allocation.
   * @returns {number}
   */
  nextRecordBytes() {
    return this.kind === RING_RECORDS ? this._nextRecord() : RING_ERR_ARG;
  }

  /**
   * Rewrites the header from this side's geometry: empty, status and
   * counters cleared, data left as is. The way back from a corrupt header.
   * Owner only, while the other side is not inside a call (agree on it by
   * a message). No allocation.
   */
  reset() {
    writeHeader(this._header, this.kind, this.channels, this.elemBytes, this.capacity);
  }

  /** Validates the record at the read index: its length, or 0 (empty or
   * corrupt); the read index it was found at goes to _nextRead. */
  _nextRecord() {
    if (!this._healthy()) return 0;
    const h = this._header;
    const r = Atomics.load(h, READ);
    const used = (Atomics.load(h, WRITE) - r) >>> 0;
    if (!this._checkUsed(used) || used === 0) return 0;
    const len = this._u32[r & this._mask]; // read once: the checks and the copy use this value
    // len first: (len + 3) >>> 2 would wrap for lengths near 2^32.
    if (len === 0 || len > this.maxRecordBytes || 1 + ((len + 3) >>> 2) > used) {
      Atomics.or(h, STATUS, RING_BAD_RECORD);
      return 0;
    }
    this._nextRead = r;
    return len;
  }

  /** The per-call health check: status, then geometry against our copy. */
  _healthy() {
    const h = this._header;
    if (Atomics.load(h, STATUS) !== 0) return false;
    if (Atomics.load(h, MAGIC) !== RING_MAGIC || Atomics.load(h, CAPACITY) !== this.capacity ||
        Atomics.load(h, ELEM_BYTES) !== this.elemBytes) {
      Atomics.or(h, STATUS, RING_BAD_GEOMETRY);
      return false;
    }
    return true;
  }

  _checkUsed(used) {
    if (used <= this.capacity) return true;
    Atomics.or(this._header, STATUS, RING_BAD_INDEX);
    return false;
  }
}

function checkPlace(buffer, byteOffset, bytes) {
  if (!(buffer instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer))) {
    throw new TypeError('wamix ring: buffer must be a SharedArrayBuffer or ArrayBuffer');
  }
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % RING_ALIGN !== 0) {
    throw new RangeError(`wamix ring: byteOffset ${byteOffset} is not a multiple of ${RING_ALIGN}`);
  }
  if (byteOffset + bytes > buffer.byteLength) {
    throw new RangeError(`wamix ring: ${bytes} bytes at ${byteOffset} do not fit in ${buffer.byteLength}`);
  }
}

function writeHeader(h, kind, channels, elemBytes, capacity) {
  Atomics.store(h, MAGIC, 0);
  Atomics.store(h, VERSION, RING_VERSION);
  Atomics.store(h, KIND, kind);
  Atomics.store(h, CHANNELS, channels);
  Atomics.store(h, ELEM_BYTES, elemBytes);
  Atomics.store(h, CAPACITY, capacity);
  Atomics.store(h, DATA_OFFSET, RING_HEADER_BYTES);
  Atomics.store(h, DATA_BYTES, capacity * elemBytes);
  Atomics.store(h, WRITE, 0);
  Atomics.store(h, OVERRUNS, 0);
  Atomics.store(h, READ, 0);
  Atomics.store(h, UNDERRUNS, 0);
  Atomics.store(h, STATUS, 0);
  Atomics.store(h, MAGIC, RING_MAGIC);
}
