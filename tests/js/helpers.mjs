// Shared by the Node tests: a seeded PRNG (mulberry32; the seed comes from
// $SEED and is printed on failure by the tests that use it) and paths.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEED = Number(process.env.SEED ?? 0x5eed);

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A test signal: two sines plus seeded noise, planar, `channels` x `frames`. */
export function testSignal(channels, frames, seed = SEED) {
  const random = mulberry32(seed);
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      x[i] = 0.4 * Math.sin((2 * Math.PI * (220 + 110 * c) * i) / 48000) +
        0.2 * Math.sin((2 * Math.PI * 5000 * i) / 48000) + 0.2 * (random() * 2 - 1);
    }
    return x;
  });
}
