/**
 * The reference mix written by hand in plain JavaScript, the way a page
 * would write it in one AudioWorkletProcessor: per track a looping read of
 * its noise, five biquads (direct form I), a compressor with wamix's static
 * curve and ballistics (dsp/wm_compressor.c: power detection, linked,
 * quadratic knee, attack/release one-poles on the gain reduction in dB),
 * the StereoPannerNode pan law and the fader, summed into a lookahead
 * limiter (sliding minimum of the needed gain over 2 ms, averaged over the
 * same window, exponential release). Block-wise, Float32Array state, no
 * allocation per block.
 * @module
 */
import {
  RATE, QUANTUM, SAMPLES, LOOP_FRAMES, LOW_CUT_HZ, BANDS, COMP, LIMITER, trackLayout, noise, planar, peaking,
  highpass,
} from './refmix.js';

const STAGES = 1 + BANDS.length;
const onePole = (ms) => 1 - Math.exp(-1 / ((ms / 1000) * RATE));

class Track {
  constructor(t, tracks, channels, sources) {
    const { sample, offset, pan, gain } = trackLayout(t, tracks);
    this.source = sources[sample];
    this.offset = offset;
    this.channels = channels;
    // Pan law of StereoPannerNode, times the fader.
    if (channels === 1) {
      const x = ((pan + 1) / 2) * (Math.PI / 2);
      this.m = [Math.cos(x) * gain, 0, Math.sin(x) * gain, 0]; // L = m0 in, R = m2 in
    } else if (pan <= 0) {
      const x = (pan + 1) * (Math.PI / 2);
      this.m = [gain, Math.cos(x) * gain, 0, Math.sin(x) * gain]; // L = m0 l + m1 r, R = m2 l + m3 r
    } else {
      const x = pan * (Math.PI / 2);
      this.m = [Math.cos(x) * gain, 0, Math.sin(x) * gain, gain];
    }
    this.buf = Array.from({ length: channels }, () => new Float32Array(QUANTUM));
    this.z = Array.from({ length: channels }, () => new Float64Array(4 * STAGES)); // x1 x2 y1 y2 per stage
    this.gr = 0; // gain reduction, dB
  }
}

export class PlainMix {
  constructor(tracks, channels) {
    const sources = [];
    for (let k = 0; k < Math.min(SAMPLES, tracks); k++) sources.push(planar(noise(k, channels), channels));
    this.tracks = Array.from({ length: tracks }, (_, t) => new Track(t, tracks, channels, sources));
    this.coefs = [highpass(LOW_CUT_HZ, Math.SQRT1_2), ...BANDS.map(([hz, q, db]) => peaking(hz, q, db))];
    this.frame = 0;
    this.slope = 1 - 1 / COMP.ratio;
    this.ka = onePole(COMP.attackMs);
    this.kr = onePole(COMP.releaseMs);
    this.mix = [new Float32Array(QUANTUM), new Float32Array(QUANTUM)];
    this.limiter = new Limiter();
  }

  /** Renders one quantum into out[0], out[1]. */
  process(out) {
    const [mixL, mixR] = this.mix;
    mixL.fill(0);
    mixR.fill(0);
    const start = this.frame % LOOP_FRAMES;
    for (const track of this.tracks) {
      for (let c = 0; c < track.channels; c++) {
        const src = track.source[c], buf = track.buf[c];
        for (let i = 0, p = start; i < QUANTUM; i++, p = p + 1 === LOOP_FRAMES ? 0 : p + 1) buf[i] = src[track.offset + p];
        for (let s = 0; s < STAGES; s++) this.biquad(this.coefs[s], track.z[c], 4 * s, buf);
      }
      this.compress(track);
      const [m0, m1, m2, m3] = track.m;
      const l = track.buf[0], r = track.channels === 2 ? track.buf[1] : track.buf[0];
      for (let i = 0; i < QUANTUM; i++) {
        mixL[i] += m0 * l[i] + m1 * r[i];
        mixR[i] += m2 * l[i] + m3 * r[i];
      }
    }
    this.frame += QUANTUM;
    this.limiter.process(mixL, mixR, out[0], out[1]);
  }

  biquad([b0, b1, b2, a1, a2], z, at, buf) {
    let x1 = z[at], x2 = z[at + 1], y1 = z[at + 2], y2 = z[at + 3];
    for (let i = 0; i < QUANTUM; i++) {
      const x = buf[i];
      const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1; x1 = x; y2 = y1; y1 = y;
      buf[i] = y;
    }
    z[at] = x1; z[at + 1] = x2; z[at + 2] = y1; z[at + 3] = y2;
  }

  compress(track) {
    const { thresholdDb, kneeDb } = COMP;
    const half = kneeDb / 2, slope = this.slope, ka = this.ka, kr = this.kr;
    const l = track.buf[0], r = track.channels === 2 ? track.buf[1] : track.buf[0];
    let y = track.gr;
    for (let i = 0; i < QUANTUM; i++) {
      const power = Math.max(l[i] * l[i], r[i] * r[i]);
      const d = 10 * Math.log10(power + 1e-30) - thresholdDb;
      const k = Math.min(Math.max(d + half, 0), kneeDb);
      const target = slope * ((k * k) / (2 * kneeDb) + Math.max(d - half, 0));
      y += (target > y ? ka : kr) * (target - y);
      const g = Math.pow(10, -y / 20);
      l[i] *= g;
      if (r !== l) r[i] *= g;
    }
    track.gr = y;
  }
}

/** Lookahead peak limiter, linked stereo, with wamix's lookahead and release. */
class Limiter {
  constructor() {
    this.look = Math.round((LIMITER.lookaheadMs / 1000) * RATE);
    const n = this.look + 1; // the window: this sample and the lookahead
    this.ceiling = 10 ** (LIMITER.ceilingDb / 20);
    this.delay = [new Float32Array(n), new Float32Array(n)];
    this.minima = new Float64Array(n).fill(1); // the last n sliding minima, for their average
    this.sum = n;
    this.dqIndex = new Float64Array(n + 1); // monotonic deque of (sample index, needed gain)
    this.dqValue = new Float64Array(n + 1);
    this.head = 0;
    this.tail = 0;
    this.index = 0;
    this.gain = 1;
    this.release = Math.exp(-1 / ((LIMITER.releaseMs / 1000) * RATE));
  }

  process(inL, inR, outL, outR) {
    const n = this.look + 1, cap = n + 1, ceiling = this.ceiling, dqI = this.dqIndex, dqV = this.dqValue;
    const [dL, dR] = this.delay;
    for (let i = 0; i < inL.length; i++) {
      const idx = this.index++;
      const peak = Math.max(Math.abs(inL[i]), Math.abs(inR[i]));
      const need = peak > ceiling ? ceiling / peak : 1;
      // the smallest needed gain over the window (sliding minimum)
      while (this.tail > this.head && dqV[(this.tail - 1) % cap] >= need) this.tail--;
      dqI[this.tail % cap] = idx;
      dqV[this.tail % cap] = need;
      this.tail++;
      if (dqI[this.head % cap] <= idx - n) this.head++;
      const min = dqV[this.head % cap];
      // averaged over the window: a ramp that lands on the peak when it leaves the delay
      const slot = idx % n;
      this.sum += min - this.minima[slot];
      this.minima[slot] = min;
      const target = this.sum / n;
      this.gain = target < this.gain ? target : target + (this.gain - target) * this.release;
      const oldest = (idx + 1) % n;
      outL[i] = Math.max(-ceiling, Math.min(ceiling, dL[oldest] * this.gain));
      outR[i] = Math.max(-ceiling, Math.min(ceiling, dR[oldest] * this.gain));
      dL[slot] = inL[i];
      dR[slot] = inR[i];
    }
  }
}
