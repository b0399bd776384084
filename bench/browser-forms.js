/**
 * The browser forms of the reference mix, run in bench/bench.html (headless
 * Chromium, driven by bench/browser-bench.mjs). Each offline form builds
 * its graph, waits until any worklet has finished its setup, then times
 * OfflineAudioContext.startRendering() alone with performance.now():
 *   'wamix'  wamix's WASM in an AudioWorklet (bench/worklet-wamix.js)
 *   'nodes'  Chromium's own nodes (refmix.js buildNodeGraph)
 *   'plain'  the chain by hand in plain JavaScript (bench/worklet-plainjs.js)
 * realtime() plays the wamix worklet in a realtime AudioContext.
 * @module
 */
import { RATE, buildNodeGraph, measureMakeup, rmsDb } from './refmix.js';

let wasmModule = null;
let makeup = null;

async function wamixModule() {
  wasmModule ??= await WebAssembly.compileStreaming(fetch('/dist/wamix.wasm'));
  return wasmModule;
}

/** Creates a benchmark worklet node and resolves once its processor is set up. */
async function workletNode(ctx, form, tracks, channels) {
  const file = form === 'wamix' ? 'worklet-wamix.js' : 'worklet-plainjs.js';
  await ctx.audioWorklet.addModule(new URL(file, import.meta.url));
  const processorOptions = { tracks, channels, ...(form === 'wamix' ? { module: await wamixModule() } : {}) };
  const node = new AudioWorkletNode(ctx, `bench-${form === 'wamix' ? 'wamix' : 'plainjs'}`, {
    numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2], processorOptions,
  });
  const setup = await new Promise((resolve) => { node.port.onmessage = (e) => resolve(e.data); });
  if (setup.error) throw new Error(setup.error);
  if (setup.rejected || setup.clamped) throw new Error(`bench: ${setup.rejected} commands rejected, ${setup.clamped} clamped`);
  return node;
}

/**
 * Renders `seconds` of one form offline; returns {wall, rmsDb: [l, r]}.
 * @param {'wamix'|'nodes'|'plain'} form
 */
export async function renderOffline(form, tracks, channels, seconds) {
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: Math.round(seconds * RATE), sampleRate: RATE });
  if (form === 'nodes') {
    makeup ??= await measureMakeup();
    buildNodeGraph(ctx, tracks, channels, makeup);
  } else {
    (await workletNode(ctx, form, tracks, channels)).connect(ctx.destination);
  }
  const t0 = performance.now();
  const buffer = await ctx.startRendering();
  const wall = (performance.now() - t0) / 1000;
  return { wall, rmsDb: [rmsDb(buffer.getChannelData(0)), rmsDb(buffer.getChannelData(1))] };
}

/** The makeup gains divided out of the Chromium graph (for the report). */
export async function nodeMakeup() {
  makeup ??= await measureMakeup();
  return makeup;
}

let live = null;

/**
 * Starts the wamix worklet with `tracks` stereo tracks in a realtime
 * AudioContext and resolves once its setup is done (the setup runs on the
 * audio thread, so the context's statistics are read from here on). The
 * time per quantum is read from Chromium's trace by the caller
 * (bench/browser-bench.mjs) while it plays; stopRealtime() ends it.
 */
export async function startRealtime(tracks) {
  const ctx = new AudioContext({ sampleRate: RATE, latencyHint: 'interactive' });
  const node = await workletNode(ctx, 'wamix', tracks, 2);
  node.connect(ctx.destination);
  await ctx.resume();
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the first glides and the JIT settle
  live = { ctx, stats: ctx.playbackStats?.toJSON() ?? null, t0: performance.now(), c0: ctx.currentTime };
  return { state: ctx.state, baseLatency: ctx.baseLatency, outputLatency: ctx.outputLatency };
}

/** Stops the realtime run; returns its wall and audio time and the playback statistics over it. */
export async function stopRealtime() {
  const { ctx, stats, t0, c0 } = live;
  const end = ctx.playbackStats?.toJSON() ?? null;
  const result = { wall: (performance.now() - t0) / 1000, audio: ctx.currentTime - c0, stats0: stats, stats: end };
  await ctx.close();
  live = null;
  return result;
}
