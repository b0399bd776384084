/**
 * Names shared by the main thread and the worklet: the processor's
 * registered name (versioned, so two versions of wamix on one page do not
 * collide) and the message types on its port. Messages are rare: setup,
 * errors, and in the no-SharedArrayBuffer fallback the parameter and meter
 * snapshots, never one per render quantum on the shared path.
 * @module
 */
export const VERSION = '0.1.0';
export const PROCESSOR_NAME = `wamix-engine-${VERSION}`;

export const MSG = Object.freeze({
  READY: 'ready',   // worklet -> main: {mode}
  ERROR: 'error',   // worklet -> main: {message}
  PARAMS: 'params', // main -> worklet (fallback only): {values: Float32Array}
  METERS: 'meters', // worklet -> main (fallback only): {values: Float32Array}
  ANALYZE: 'analyze', // main -> worklet (fallback only): compute a spectrum
  SPECTRUM: 'spectrum', // worklet -> main (fallback only): {fftSize, values: Float32Array}
});

/** In the fallback, meters are posted about this often (Hz), not per quantum. */
export const FALLBACK_METER_HZ = 30;
