/**
 * Tracks, buses and the master as objects, and their parameters with the
 * AudioParam interface. Every value and every automation event becomes a
 * command record for the session (js/commands.js); the C core validates,
 * clamps, smooths and times them. Main thread.
 * @module
 */
import { AUTOMATION } from './commands.js';

const MIXER_TARGET = -1; // automate(): a mixer parameter, not a strip's

function finite(name, what, x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new TypeError(`wamix: ${name}: ${what} must be a finite number, got ${x}`);
  return x;
}

function nonNegative(name, what, x) {
  if (finite(name, what, x) < 0) throw new RangeError(`wamix: ${name}: ${what} must be >= 0, got ${x}`);
  return x;
}

/**
 * One parameter of a strip or of the mixer, with the AudioParam methods.
 * Times are AudioContext times in seconds; the engine runs each event on
 * its exact frame with the Web Audio formulas. `value` reads back the last
 * value set through it (the engine's smoothed value is not sent back).
 */
export class WamixParam {
  /** @param {import('./mixer.js').Mixer} mixer @param {number} target strip index, or -1 @param {import('./param-table.js').ParamInfo} info */
  constructor(mixer, target, info) {
    this.mixer = mixer;
    this.target = target;
    this.info = info;
    this.name = info.name;
    this.unit = info.unit;
    this.minValue = info.min;
    this.maxValue = info.max;
    this.defaultValue = info.default;
    this.current = info.default;
  }

  get value() {
    return this.current;
  }

  /** Sets the value now; the engine glides to it. Out of range: clamped. */
  set value(v) {
    finite(this.name, 'value', v);
    this.current = Math.min(this.maxValue, Math.max(this.minValue, v));
    const commands = this.mixer.commands;
    if (this.target === MIXER_TARGET) commands.setMixerParam(this.info.id, v);
    else commands.setStripParam(this.target, this.info.id, v);
  }

  schedule(kind, time, value = 0, timeConstant = 0) {
    nonNegative(this.name, 'time', time);
    const rate = this.mixer.sampleRate;
    this.mixer.commands.automate(this.target, this.info.id, kind, this.mixer.engineFrame(time), value, timeConstant * rate);
    return this;
  }

  setValueAtTime(value, startTime) {
    return this.schedule(AUTOMATION.SET_VALUE, startTime, finite(this.name, 'value', value));
  }

  linearRampToValueAtTime(value, endTime) {
    return this.schedule(AUTOMATION.LINEAR, endTime, finite(this.name, 'value', value));
  }

  exponentialRampToValueAtTime(value, endTime) {
    if (finite(this.name, 'value', value) === 0) throw new RangeError(`wamix: ${this.name}: an exponential ramp cannot reach 0`);
    return this.schedule(AUTOMATION.EXPONENTIAL, endTime, value);
  }

  setTargetAtTime(target, startTime, timeConstant) {
    nonNegative(this.name, 'timeConstant', timeConstant);
    return this.schedule(AUTOMATION.TARGET, startTime, finite(this.name, 'target', target), timeConstant);
  }

  cancelScheduledValues(cancelTime) {
    return this.schedule(AUTOMATION.CANCEL, cancelTime);
  }

  cancelAndHoldAtTime(cancelTime) {
    return this.schedule(AUTOMATION.CANCEL_AND_HOLD, cancelTime);
  }
}

/**
 * A bus reverb's parameter (dsp/wm_busverb.h: reverb_wet_db, reverb_dry_db,
 * reverb_predelay_ms): `value` as on an AudioParam; the engine glides to it.
 * It takes no automation events.
 */
export class ReverbParam extends WamixParam {
  get value() {
    return this.current;
  }

  set value(v) {
    finite(this.name, 'value', v);
    this.current = Math.min(this.maxValue, Math.max(this.minValue, v));
    this.mixer.commands.reverbParam(this.target, this.info.id, v);
  }

  schedule() {
    throw new TypeError(`wamix: ${this.name} takes no automation`);
  }
}

/** A track, a bus or the master: its parameters by name (see `params`). */
export class Strip {
  /**
   * @param {import('./mixer.js').Mixer} mixer
   * @param {'track'|'bus'|'master'} kind @param {number} index within its kind
   * @param {number} strip the command numbering: tracks, then buses, then the master
   */
  constructor(mixer, kind, index, strip) {
    this.mixer = mixer;
    this.kind = kind;
    this.index = index;
    this.strip = strip;
    /** @type {Record<string, WamixParam>} every parameter of dsp/wm_strip.h by name */
    this.params = Object.fromEntries(mixer.paramTables.strip.map((info) => [info.name, new WamixParam(mixer, strip, info)]));
    if (kind === 'bus' && mixer.hasReverb) {
      for (const info of mixer.paramTables.reverb) this.params[info.name] = new ReverbParam(mixer, index, info);
    }
  }

  /** The EQ's biquad sections as the engine runs them now: see {@link Mixer#eqCoefficients}. */
  eqCoefficients() {
    return this.mixer.eqCoefficients(this.strip);
  }

  /**
   * Bus with a reverb only: replaces its impulse response with a sample of
   * the pool, crossfading over fadeMs; resolves once the new IR plays. The
   * reverb keeps its own copy: the sample may be freed afterwards.
   * @param {import('./mixer.js').Sample} sample mono or stereo, at most createMixer's reverbSeconds
   */
  async loadReverb(sample, { fadeMs = 100 } = {}) {
    if (this.kind !== 'bus' || !this.mixer.hasReverb) throw new TypeError('wamix: only buses of a mixer made with reverbSeconds have a reverb');
    await this.mixer.request(this.mixer.commands.reverbLoad(this.index, sample.handle, finite('reverb', 'fadeMs', fadeMs)));
  }

  get fader() { return this.params.fader_db; }
  get pan() { return this.params.pan; }
  get width() { return this.params.width; }
  get mute() { return this.params.mute; }
  get solo() { return this.params.solo; }

  /** Send k (to bus k): {level: dB param, pre: 0/1 param (1: pre-fader)}. */
  send(k) {
    const level = this.params[`send${k}_db`];
    if (!level) throw new RangeError(`wamix: there is no send ${k}`);
    return { level, pre: this.params[`send${k}_pre`] };
  }

  /** Peak and RMS (dB, per channel) from the newest level snapshot. */
  get levels() {
    return this.mixer.stripLevels(this.strip);
  }
}

/** A track: a strip that plays clips from the sample pool. */
export class Track extends Strip {
  /**
   * Places a clip of `sample` on the transport's timeline. Seconds, rounded
   * to the nearest frame. Resolves to the clip's id.
   * @param {import('./mixer.js').Sample} sample
   * @param {{start?: number, offset?: number, length?: number, gainDb?: number, fadeIn?: number, fadeOut?: number}} [clip]
   */
  async addClip(sample, { start = 0, offset = 0, length, gainDb = 0, fadeIn = 0, fadeOut = 0 } = {}) {
    const frames = (s, what) => Math.round(nonNegative('clip', what, s) * this.mixer.sampleRate);
    const first = frames(offset, 'offset');
    const clip = {
      start: frames(start, 'start'),
      offset: first,
      length: length === undefined ? sample.frames - first : frames(length, 'length'),
      gainDb: finite('clip', 'gainDb', gainDb),
      fadeIn: frames(fadeIn, 'fadeIn'),
      fadeOut: frames(fadeOut, 'fadeOut'),
    };
    return this.mixer.request(this.mixer.commands.addClip(this.index, sample.handle, clip));
  }

  removeClip(clipId) {
    this.mixer.commands.removeClip(this.index, clipId);
  }
}

/** The master: its strip parameters plus the mixer's (the limiter). */
export class Master extends Strip {
  constructor(mixer, strip) {
    super(mixer, 'master', 0, strip);
    for (const info of mixer.paramTables.mixer) this.params[info.name] = new WamixParam(mixer, MIXER_TARGET, info);
  }

  get limiter() {
    return { on: this.params.limiter_on, ceiling: this.params.limiter_ceiling_db, release: this.params.limiter_release_ms };
  }
}
