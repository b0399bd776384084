// The demo's built-in material: eight tracks of a four-bar loop, synthesized
// deterministically (a seeded PRNG, no files) at the context's sample rate,
// and the reverb's impulse response (decaying stereo noise). Plain functions
// over Float32Arrays: about 8 s x 8 tracks of stereo, tens of milliseconds.

export const BPM = 120;
export const BARS = 4;
const BEAT = 60 / BPM;
export const LOOP_SECONDS = BARS * 4 * BEAT;

/** xorshift32: the same numbers on every machine. */
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296 * 2 - 1;
  };
}

const midiHz = (note) => 440 * 2 ** ((note - 69) / 12);

/** A stereo buffer of `seconds` at `rate`, and a voice adder onto it. */
function canvas(rate, seconds = LOOP_SECONDS) {
  const frames = Math.round(seconds * rate);
  const planes = [new Float32Array(frames), new Float32Array(frames)];
  return {
    rate, frames, planes,
    /** Adds voice(t, i) (t seconds since the voice's start) from `start` for `length` seconds, panned. */
    add(start, length, voice, gain = 1, pan = 0) {
      const first = Math.round(start * rate), n = Math.min(Math.round(length * rate), frames - first);
      const gl = gain * Math.cos((pan + 1) * Math.PI / 4), gr = gain * Math.sin((pan + 1) * Math.PI / 4);
      for (let i = 0; i < n; i++) {
        const v = voice(i / rate, i);
        planes[0][first + i] += v * gl;
        planes[1][first + i] += v * gr;
      }
    },
  };
}

const env = (t, attack, decay) => (t < attack ? t / attack : Math.exp(-(t - attack) / decay));

function kick(rate) {
  const c = canvas(rate);
  for (let beat = 0; beat < BARS * 4; beat++) {
    c.add(beat * BEAT, 0.45, (t) => {
      const phase = 2 * Math.PI * (45 * t + (110 / 30) * (1 - Math.exp(-30 * t)));
      return Math.sin(phase) * env(t, 0.002, 0.12);
    }, 0.9);
  }
  return c.planes;
}

function snare(rate) {
  const c = canvas(rate), noise = prng(7);
  for (let beat = 1; beat < BARS * 4; beat += 2) {
    c.add(beat * BEAT, 0.3, (t) => 0.6 * noise() * env(t, 0.001, 0.06) + 0.4 * Math.sin(2 * Math.PI * 185 * t) * env(t, 0.001, 0.04), 0.7);
  }
  return c.planes;
}

function hats(rate) {
  const c = canvas(rate), noise = prng(11);
  let last = 0;
  for (let step = 0; step < BARS * 16; step += 2) {
    const open = step % 8 === 6;
    c.add(step * BEAT / 4, open ? 0.25 : 0.06, (t) => {
      const x = noise(), hp = x - last; // a first difference: the noise's highs
      last = x;
      return hp * env(t, 0.0005, open ? 0.08 : 0.015);
    }, step % 4 === 0 ? 0.35 : 0.25, 0.3);
  }
  return c.planes;
}

const PROGRESSION = [[57, 60, 64], [53, 57, 60], [48, 52, 55], [55, 59, 62]]; // Am F C G

function bass(rate) {
  const c = canvas(rate);
  const roots = [45, 41, 36, 43];
  for (let bar = 0; bar < BARS; bar++) {
    for (let eighth = 0; eighth < 8; eighth++) {
      const hz = midiHz(roots[bar] + (eighth === 6 ? 12 : 0));
      c.add(bar * 4 * BEAT + eighth * BEAT / 2, BEAT / 2, (t) => {
        const saw = 2 * ((hz * t) % 1) - 1;
        return (0.6 * Math.sin(2 * Math.PI * hz * t) + 0.25 * saw) * env(t, 0.004, 0.18);
      }, 0.55);
    }
  }
  return c.planes;
}

function chords(rate) {
  const c = canvas(rate);
  for (let bar = 0; bar < BARS; bar++) {
    for (const hit of [0, 1.5, 3]) {
      PROGRESSION[bar].forEach((note, k) => {
        const hz = midiHz(note + 12);
        c.add(bar * 4 * BEAT + hit * BEAT, 0.6, (t) => {
          const sq = Math.sin(2 * Math.PI * hz * t) + Math.sin(6 * Math.PI * hz * t) / 3 + Math.sin(10 * Math.PI * hz * t) / 5;
          return sq * env(t, 0.005, 0.2);
        }, 0.12, (k - 1) * 0.4);
      });
    }
  }
  return c.planes;
}

function lead(rate) {
  const c = canvas(rate);
  const melody = [76, 74, 72, 74, 76, 76, 76, null, 74, 74, 74, null, 76, 79, 79, null,
    76, 74, 72, 74, 76, 76, 76, 76, 74, 74, 76, 74, 72, null, null, null];
  melody.forEach((note, i) => {
    if (note === null) return;
    const hz = midiHz(note);
    c.add(i * BEAT / 2, BEAT / 2 * 0.95, (t) => {
      const vib = 1 + 0.004 * Math.sin(2 * Math.PI * 5.5 * t);
      const x = 2 * ((hz * vib * t) % 1) - 1;
      return (0.5 * x + 0.5 * Math.sin(2 * Math.PI * hz * t)) * env(t, 0.01, 0.4);
    }, 0.2, 0.15);
  });
  return c.planes;
}

function pads(rate) {
  const c = canvas(rate);
  for (let bar = 0; bar < BARS; bar++) {
    PROGRESSION[bar].forEach((note, k) => {
      for (const detune of [-0.07, 0.07]) {
        const hz = midiHz(note) * 2 ** (detune / 12);
        const length = 4 * BEAT;
        c.add(bar * length, length, (t) => {
          const fade = Math.min(1, t / 0.3, (length - t) / 0.3);
          return (2 * ((hz * t) % 1) - 1) * 0.5 * fade;
        }, 0.07, detune > 0 ? 0.6 : -0.6);
      }
    });
  }
  return c.planes;
}

function perc(rate) {
  const c = canvas(rate);
  const pattern = [3, 7, 10, 14]; // sixteenths of each bar
  for (let bar = 0; bar < BARS; bar++) {
    for (const s of pattern) {
      const hz = s % 2 ? 520 : 780;
      c.add(bar * 4 * BEAT + s * BEAT / 4, 0.12, (t) => Math.sin(2 * Math.PI * hz * t) * env(t, 0.0005, 0.03), 0.35, s % 2 ? -0.5 : 0.5);
    }
  }
  return c.planes;
}

/** The eight tracks: name, planes, and the mix the page starts from. */
export const TRACKS = [
  { name: 'Kick', make: kick, fader: -4, send: -96, comp: true },
  { name: 'Snare', make: snare, fader: -6, send: -14 },
  { name: 'Hats', make: hats, fader: -10, send: -22, pan: 0.2 },
  { name: 'Bass', make: bass, fader: -6, send: -96, comp: true },
  { name: 'Chords', make: chords, fader: -8, send: -12 },
  { name: 'Lead', make: lead, fader: -7, send: -10 },
  { name: 'Pads', make: pads, fader: -12, send: -8 },
  { name: 'Perc', make: perc, fader: -12, send: -14 },
];

/** Synthesizes every track at `rate`: [{name, planes, ...mix}]. */
export function synthesize(rate) {
  return TRACKS.map(({ make, ...rest }) => ({ ...rest, planes: make(rate) }));
}

/** The reverb's impulse response: decaying stereo noise (60 dB down at `seconds`), two decorrelated channels. */
export function impulseResponse(rate, seconds = 1.8) {
  const frames = Math.round(seconds * rate);
  const left = prng(101), right = prng(202);
  const planes = [new Float32Array(frames), new Float32Array(frames)];
  const k = Math.log(1000) / frames; // -60 dB over the length
  let lpL = 0, lpR = 0;
  for (let i = 0; i < frames; i++) {
    const g = 0.12 * Math.exp(-k * i) * Math.min(1, i / (0.004 * rate));
    lpL += 0.6 * (left() - lpL); // a gentle low-pass: a darker tail
    lpR += 0.6 * (right() - lpR);
    planes[0][i] = g * lpL;
    planes[1][i] = g * lpR;
  }
  return planes;
}
