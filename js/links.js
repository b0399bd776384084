/**
 * How the page reaches the worklet's session: the command path and the
 * reply path, in the two modes.
 *
 * Shared mode: the page writes the session's command ring and reads its
 * reply ring directly in the module's shared memory. A command the ring
 * has no room for waits in a local backlog (in order) and is retried a few
 * milliseconds later: nothing is dropped.
 *
 * Message mode (no SharedArrayBuffer): records are batched and posted to
 * the worklet once per task; replies come back as messages.
 * Main thread.
 * @module
 */
import { SharedRing } from './ring.js';
import { ReplyReader } from './commands.js';
import { MSG } from './protocol.js';

const RETRY_MS = 4;

/** The command ring as the page writes it in shared mode. */
export class BufferedRing {
  /** @param {SharedRing} ring */
  constructor(ring) {
    this.ring = ring;
    this.backlog = [];
    this.timer = 0;
  }

  /** Takes every record: into the ring, or after the ones already waiting. */
  pushRecord(src, bytes = src.length) {
    if (this.backlog.length === 0 && this.ring.pushRecord(src, bytes) === 1) return 1;
    this.backlog.push(Uint8Array.from(src.subarray(0, bytes)));
    if (!this.timer) this.timer = setTimeout(() => this.retry(), RETRY_MS);
    return 1;
  }

  retry() {
    this.timer = 0;
    while (this.backlog.length > 0 && this.ring.pushRecord(this.backlog[0]) === 1) this.backlog.shift();
    if (this.backlog.length > 0) this.timer = setTimeout(() => this.retry(), RETRY_MS);
  }

  close() {
    clearTimeout(this.timer);
  }
}

/** The command "ring" in message mode: records batched per task onto the port. */
export class PortRing {
  /** @param {MessagePort} port */
  constructor(port) {
    this.port = port;
    this.words = [];
  }

  pushRecord(src, bytes = src.length) {
    const padded = new Uint8Array(4 + ((bytes + 3) & ~3));
    new DataView(padded.buffer).setUint32(0, bytes, true);
    padded.set(src.subarray(0, bytes), 4);
    if (this.words.length === 0) queueMicrotask(() => this.flush());
    this.words.push(padded);
    return 1;
  }

  flush() {
    const total = this.words.reduce((n, w) => n + w.length, 0);
    const records = new Uint8Array(total);
    let at = 0;
    for (const w of this.words) {
      records.set(w, at);
      at += w.length;
    }
    this.words = [];
    this.port.postMessage({ type: MSG.COMMANDS, records }, [records.buffer]);
  }

  close() {}
}

/**
 * Matches replies to the requests waiting for them. In shared mode it
 * polls the reply ring while anything waits; in message mode the mixer
 * hands it the records that arrive.
 */
export class Replies {
  /** @param {ArrayBuffer|SharedArrayBuffer|null} buffer the module's memory (shared mode) @param {number} address */
  constructor(buffer, address) {
    this.reader = buffer ? new ReplyReader(new SharedRing(buffer, address)) : null;
    this.waiting = new Map(); // request id -> resolve
    this.timer = 0;
  }

  /** @returns {Promise<{result: number, payload: Int32Array}>} */
  wait(request) {
    return new Promise((resolve) => {
      this.waiting.set(request, resolve);
      if (this.reader && !this.timer) this.timer = setTimeout(() => this.poll(), RETRY_MS);
    });
  }

  poll() {
    this.timer = 0;
    for (let r = this.reader.next(); r; r = this.reader.next()) this.deliver(r.request, r.result, r.payload);
    if (this.waiting.size > 0) this.timer = setTimeout(() => this.poll(), RETRY_MS);
  }

  /** Message mode: records [request, result, payload...] from the worklet. */
  receive(records) {
    for (const r of records) this.deliver(r[0], r[1], r.subarray(2));
  }

  deliver(request, result, payload) {
    const resolve = this.waiting.get(request);
    this.waiting.delete(request);
    if (resolve) resolve({ result, payload });
  }

  close() {
    clearTimeout(this.timer);
  }
}
