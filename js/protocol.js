/**
 * Names shared by the main thread and the worklet: the processor's
 * registered name (versioned, so two versions of wamix on one page do not
 * collide), the message types on its port and the clock block's layout.
 *
 * Messages are rare: setup, errors, analyser settings, replies to requests
 * and, without SharedArrayBuffer only, the commands, the sample data and the
 * snapshots the page asks for. None is posted per render quantum.
 * @module
 */
export const VERSION = '0.1.0';
export const PROCESSOR_NAME = `wamix-mixer-${VERSION}`;

export const MSG = Object.freeze({
  READY: 'ready',         // worklet -> main: {mode, layout}
  ERROR: 'error',         // worklet -> main: {message}
  ANALYSER: 'analyser',   // main -> worklet: {fftSize, smoothing, minDb, maxDb}
  EQ: 'eq',               // main -> worklet: {id, strip}; worklet -> main: {id, sections: Float32Array[]}
  // Without SharedArrayBuffer only:
  COMMANDS: 'commands',   // main -> worklet: {records: Uint8Array} (ring records back to back)
  POOL_DATA: 'pool-data', // main -> worklet: {address, samples: Float32Array} into a pool span
  SNAPSHOT: 'snapshot',   // main -> worklet: {levels, spectrum} what to send back
  STATE: 'state',         // worklet -> main: {status, clock, levels?, spectrum?, fftSize?}
  REPLIES: 'replies',     // worklet -> main: {records: Int32Array[]}
});

/**
 * The clock block (a Float64 SeqBlock the worklet rewrites every quantum):
 * OFFSET maps context frames to engine frames (engine = context - OFFSET),
 * QUANTA counts process() calls, BUSY_MS adds up the wall time spent in
 * them (Date.now(): the only clock of the worklet scope, in 1 ms steps,
 * so only averages over many quanta mean anything).
 */
export const CLOCK = Object.freeze({ OFFSET: 0, QUANTA: 1, BUSY_MS: 2, COUNT: 3 });
