/**
 * The benchmark issue's reference mix, for every JavaScript form of it:
 * the constants (the same as bench/bench_refmix.h, which the C forms use),
 * the pool noise, a wamix session configured through the command protocol,
 * the graph of Chromium's own nodes, and the whole chain written by hand in
 * plain JavaScript. Runs in a page, in an AudioWorkletGlobalScope and in
 * Node (no DOM, no TextDecoder).
 * @module
 */

export const RATE = 48000;
export const QUANTUM = 128;
/** Pool layout: 16 noise samples of 3 s; track t plays sample t % 16 from
    frame (t >> 4) * 6000 for 1 s, looped: every track has its own noise. */
export const SAMPLES = 16;
export const SAMPLE_FRAMES = 144000;
export const LOOP_FRAMES = 48000;
export const OFFSET_STEP = 6000;
export const LOW_CUT_HZ = 80;
/** [frequency Hz, Q, gain dB] of the four peaking bands. */
export const BANDS = [[200, 1, -3], [1000, 0.7, 2], [3000, 2, -2], [8000, 0.7, 4]];
export const COMP = { thresholdDb: -24, ratio: 4, attackMs: 5, releaseMs: 100, kneeDb: 6 };
export const LIMITER = { ceilingDb: -1, lookaheadMs: 2, releaseMs: 100 }; // dsp/wm_mixer.h's limiter

/** What track t of n plays and where it sits. */
export function trackLayout(t, n) {
  return {
    sample: t % SAMPLES,
    offset: (t >> 4) * OFFSET_STEP,
    pan: n > 1 ? -1 + (2 * t) / (n - 1) : 0,
    gain: 1 / Math.sqrt(n),
  };
}

/** Noise sample `index`, interleaved: xorshift32, uniform in [-0.5, 0.5),
    bit for bit the values of bench/bench_refmix.c. */
export function noise(index, channels) {
  const out = new Float32Array(SAMPLE_FRAMES * channels);
  let s = (0x12345678 ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

/** Planar copies of an interleaved sample. */
export function planar(interleaved, channels) {
  const frames = interleaved.length / channels;
  return Array.from({ length: channels }, (_, c) => {
    const ch = new Float32Array(frames);
    for (let i = 0; i < frames; i++) ch[i] = interleaved[i * channels + c];
    return ch;
  });
}

/** Strip and mixer parameter ids (the order of WM_STRIP_PARAMS in
    dsp/wm_strip.h and WM_MIXER_PARAMS in dsp/wm_mixer.h). */
const STRIP = { FADER_DB: 0, PAN: 1, LOWCUT_ON: 6, LOWCUT_FREQ_HZ: 7, EQ0_ON: 12, BAND_STRIDE: 5, COMP_ON: 52 };
const BAND = { ON: 0, FREQ_HZ: 2, Q: 3, GAIN_DB: 4 };
const MIXER = { LIMITER_ON: 0, LIMITER_CEILING_DB: 1 };
const STATUS_CLAMPED = 9;

/**
 * Configures a js/session.js Session with the reference mix through its
 * command ring, as a page would: samples into the pool, one looping clip
 * per track, every strip's parameters, the limiter, loop and play.
 * Returns the commands rejected and clamped (both must be 0).
 * @param {import('../js/session.js').Session} session
 */
export function configureSession(session, tracks, channels) {
  const handles = [];
  for (let k = 0; k < Math.min(SAMPLES, tracks); k++) handles.push(session.loadSample(noise(k, channels), channels));
  const c = session.commands;
  for (let t = 0; t < tracks; t++) {
    const { sample, offset, pan, gain } = trackLayout(t, tracks);
    session.addClip(t, handles[sample], { start: 0, offset, length: LOOP_FRAMES });
    const strip = session.strip('track', t);
    const set = (id, value) => {
      if (!c.setStripParam(strip, id, value)) throw new Error('bench: the command ring is full');
    };
    set(STRIP.LOWCUT_ON, 1);
    set(STRIP.LOWCUT_FREQ_HZ, LOW_CUT_HZ);
    BANDS.forEach(([hz, q, db], b) => {
      const base = STRIP.EQ0_ON + b * STRIP.BAND_STRIDE;
      set(base + BAND.ON, 1);
      set(base + BAND.FREQ_HZ, hz);
      set(base + BAND.Q, q);
      set(base + BAND.GAIN_DB, db);
    });
    [1, COMP.thresholdDb, COMP.ratio, COMP.attackMs, COMP.releaseMs, COMP.kneeDb]
      .forEach((v, i) => set(STRIP.COMP_ON + i, v));
    set(STRIP.PAN, pan);
    set(STRIP.FADER_DB, 20 * Math.log10(gain));
    session.process(0); // apply this track's commands: the ring holds a few tracks' worth
  }
  c.setMixerParam(MIXER.LIMITER_ON, 1);
  c.setMixerParam(MIXER.LIMITER_CEILING_DB, LIMITER.ceilingDb);
  c.loop(0, LOOP_FRAMES, true);
  session.play();
  session.process(0);
  return { rejected: session.rejected, clamped: session.status[STATUS_CLAMPED] };
}

/**
 * The mix from Chromium's own nodes in `ctx` (any BaseAudioContext): per
 * track AudioBufferSourceNode (looping) -> BiquadFilterNode x5 ->
 * DynamicsCompressorNode -> StereoPannerNode -> GainNode, into a master
 * DynamicsCompressorNode standing in for the limiter (Web Audio has none)
 * and a GainNode. DynamicsCompressorNode adds its own makeup gain (spec:
 * (1/full-range gain)^0.6); `makeup` ({track, master}, linear, measured by
 * measureMakeup) is divided out in the GainNodes so that the levels compare.
 */
export function buildNodeGraph(ctx, tracks, channels, makeup) {
  const buffers = [];
  for (let k = 0; k < Math.min(SAMPLES, tracks); k++) {
    const buffer = ctx.createBuffer(channels, SAMPLE_FRAMES, RATE);
    planar(noise(k, channels), channels).forEach((data, c) => buffer.copyToChannel(data, c));
    buffers.push(buffer);
  }
  const master = masterCompressor(ctx);
  const masterGain = new GainNode(ctx, { gain: 1 / makeup.master });
  master.connect(masterGain).connect(ctx.destination);
  for (let t = 0; t < tracks; t++) {
    const { sample, offset, pan, gain } = trackLayout(t, tracks);
    const source = new AudioBufferSourceNode(ctx, {
      buffer: buffers[sample], loop: true, loopStart: offset / RATE, loopEnd: (offset + LOOP_FRAMES) / RATE,
    });
    let node = source.connect(new BiquadFilterNode(ctx, { type: 'highpass', frequency: LOW_CUT_HZ, Q: -3.0103 }));
    for (const [hz, q, db] of BANDS) {
      node = node.connect(new BiquadFilterNode(ctx, { type: 'peaking', frequency: hz, Q: q, gain: db }));
    }
    // DynamicsCompressorNode's output is stereo even for a mono input in
    // Chromium: a mono track's panner takes it back to one channel, so that
    // it pans with the mono law (as wamix and the plain-JS form do).
    const mono = channels === 1 ? { channelCount: 1, channelCountMode: 'explicit' } : {};
    node.connect(trackCompressor(ctx))
      .connect(new StereoPannerNode(ctx, { pan, ...mono }))
      .connect(new GainNode(ctx, { gain: gain / makeup.track }))
      .connect(master);
    source.start(0, offset / RATE);
  }
}

const trackCompressor = (ctx) => new DynamicsCompressorNode(ctx, {
  threshold: COMP.thresholdDb, ratio: COMP.ratio, attack: COMP.attackMs / 1000, release: COMP.releaseMs / 1000,
  knee: COMP.kneeDb,
});
const masterCompressor = (ctx) => new DynamicsCompressorNode(ctx, {
  threshold: LIMITER.ceilingDb, ratio: 20, attack: 0, release: LIMITER.releaseMs / 1000, knee: 0,
});

/** The makeup gain each DynamicsCompressorNode adds, read off a constant
    input far below its threshold (where it does not compress). Page only. */
export async function measureMakeup() {
  const probe = async (make, level) => {
    const ctx = new OfflineAudioContext(1, RATE / 2, RATE);
    const source = new ConstantSourceNode(ctx, { offset: level });
    source.connect(make(ctx)).connect(ctx.destination);
    source.start();
    const out = (await ctx.startRendering()).getChannelData(0);
    return out[out.length - 1] / level;
  };
  return { track: await probe(trackCompressor, 1e-3), master: await probe(masterCompressor, 1e-3) };
}

/** RBJ cookbook biquads (the Web Audio spec's formulas), normalised:
    [b0, b1, b2, a1, a2]. */
export function peaking(hz, q, db) {
  const a = 10 ** (db / 40), w = (2 * Math.PI * hz) / RATE, alpha = Math.sin(w) / (2 * q), a0 = 1 + alpha / a;
  return [(1 + alpha * a) / a0, (-2 * Math.cos(w)) / a0, (1 - alpha * a) / a0, (-2 * Math.cos(w)) / a0,
    (1 - alpha / a) / a0];
}

export function highpass(hz, q) {
  const w = (2 * Math.PI * hz) / RATE, alpha = Math.sin(w) / (2 * q), cw = Math.cos(w), a0 = 1 + alpha;
  return [(1 + cw) / 2 / a0, -(1 + cw) / a0, (1 + cw) / 2 / a0, (-2 * cw) / a0, (1 - alpha) / a0];
}

/** The output's RMS is compared after this many frames (0.512 s), past the
    start where wamix's strips glide from their defaults to the settings. */
export const RMS_SKIP_FRAMES = 24576;

/** dB of the RMS of a channel after RMS_SKIP_FRAMES. */
export function rmsDb(data) {
  let sum = 0;
  for (let i = RMS_SKIP_FRAMES; i < data.length; i++) sum += data[i] * data[i];
  return 10 * Math.log10(sum / Math.max(1, data.length - RMS_SKIP_FRAMES) + 1e-30);
}
