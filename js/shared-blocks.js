/**
 * A block of float values that one thread writes and another reads without
 * locks, published as consistent snapshots by a sequence lock: the writer
 * makes the sequence odd, writes, and makes it even again; the reader copies
 * the values and keeps the copy only if the sequence was even and unchanged
 * around it. A torn read is simply retried at the next opportunity.
 *
 * Layout of the buffer (little-endian, as every WASM host is):
 *   Int32[0]  sequence (even: stable)
 *   Int32[1]  counter the writer bumps with every snapshot
 *   Int32[2]  request flag: the reader sets it to ask for a new snapshot
 *   Int32[3]  tag: an integer published with the values (e.g. their count)
 *   Float32[4 ..]  the values (or Float64: see the constructor's `type`)
 *
 * Backed by a SharedArrayBuffer when the page is cross-origin isolated,
 * otherwise by a plain ArrayBuffer whose snapshots travel over a MessagePort.
 * Neither read() nor write() allocates.
 * @module
 */

const HEADER_INTS = 4;

export class SeqBlock {
  /**
   * @param {number|ArrayBuffer|SharedArrayBuffer} countOrBuffer value count for a new block, or the buffer of an existing one
   * @param {{shared?: boolean, type?: Float32ArrayConstructor|Float64ArrayConstructor}} [options]
   *   shared (new blocks only): back it with a SharedArrayBuffer; type: of the values
   *   (both sides must agree), Float32Array unless given
   */
  constructor(countOrBuffer, { shared = true, type = Float32Array } = {}) {
    if (typeof countOrBuffer === 'number') {
      const bytes = HEADER_INTS * 4 + countOrBuffer * type.BYTES_PER_ELEMENT;
      this.buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    } else {
      this.buffer = countOrBuffer;
    }
    this.header = new Int32Array(this.buffer, 0, HEADER_INTS);
    this.values = new type(this.buffer, HEADER_INTS * 4);
    this.count = this.values.length;
    this.shared = typeof SharedArrayBuffer === 'function' && this.buffer instanceof SharedArrayBuffer;
  }

  /** The sequence number: it changes with every write. Any thread. */
  get sequence() {
    return this.shared ? Atomics.load(this.header, 0) : this.header[0];
  }

  /** How many snapshots were written. Any thread. */
  get writes() {
    return this.shared ? Atomics.load(this.header, 1) : this.header[1];
  }

  /**
   * Publishes `source` as one snapshot: all `count` values, or only the
   * first `length` of them, with an integer `tag`.
   * Writer thread only. Does not allocate.
   * @param {ArrayLike<number>} source
   * @param {number} [length] how many values to copy (default: all)
   * @param {number} [tag]
   */
  write(source, length = this.count, tag = 0) {
    this.bump(0); // odd: a write is under way
    if (length === this.count) this.values.set(source);
    else for (let i = 0; i < length; i++) this.values[i] = source[i];
    this.header[3] = tag;
    this.bump(1);
    this.bump(0); // even again: stable
  }

  bump(index) {
    if (this.shared) Atomics.add(this.header, index, 1);
    else this.header[index]++;
  }

  /**
   * Copies a consistent snapshot into `target` and its tag into `this.tag`.
   * Reader thread only. Does not allocate.
   * @param {Float32Array|Float64Array} target at least `count` values
   * @returns {number} the snapshot's sequence number, or -1 if the writer
   *   was busy (target then holds a torn copy: try again later)
   */
  read(target) {
    const before = this.sequence;
    if (before & 1) return -1;
    target.set(this.values);
    const tag = this.header[3];
    if (this.sequence !== before) return -1;
    this.tag = tag;
    return before;
  }

  /** Reader: asks the writer for a new snapshot. Does not allocate. */
  request() {
    if (this.shared) Atomics.store(this.header, 2, 1);
    else this.header[2] = 1;
  }

  /** Writer: true once per request (and clears it). Does not allocate. */
  takeRequest() {
    if (this.shared) return Atomics.exchange(this.header, 2, 0) === 1;
    const asked = this.header[2] === 1;
    this.header[2] = 0;
    return asked;
  }
}
