/**
 * The master's spectrum analyzer with the interface of the Web Audio
 * AnalyserNode (fftSize, frequencyBinCount, smoothingTimeConstant,
 * minDecibels, maxDecibels and the four get*Data methods). The worklet
 * computes a spectrum only when asked: each get*Data call returns the
 * newest spectrum and asks for the next, so reading at display rate costs
 * one FFT per frame and an idle page costs nothing. Main thread.
 * @module
 */
import { MSG } from './protocol.js';

export class Analyser {
  /** @param {import('./mixer.js').Mixer} mixer @param {import('./shared-blocks.js').SeqBlock} block */
  constructor(mixer, block) {
    this.mixer = mixer;
    this.block = block;
    this.snapshot = new Float32Array(block.count);
    this.size = 0; // fft size of the snapshot; 0 before the first one
    this.settings = { fftSize: 2048, smoothing: 0.8, minDb: -100, maxDb: -30 };
  }

  configure(changes) {
    const next = { ...this.settings, ...changes };
    if (!(next.minDb < next.maxDb)) {
      throw new RangeError(`wamix: minDecibels (${next.minDb}) must be below maxDecibels (${next.maxDb})`);
    }
    this.settings = next;
    this.mixer.node.port.postMessage({ type: MSG.ANALYSER, ...next });
  }

  get fftSize() { return this.settings.fftSize; }

  /** A power of two from 32 to 32768, as the AnalyserNode requires. */
  set fftSize(size) {
    if (!Number.isInteger(size) || size < 32 || size > 32768 || (size & (size - 1)) !== 0) {
      throw new RangeError(`wamix: fftSize must be a power of two from 32 to 32768, got ${size}`);
    }
    this.configure({ fftSize: size });
  }

  get frequencyBinCount() { return this.fftSize / 2; }
  get smoothingTimeConstant() { return this.settings.smoothing; }

  set smoothingTimeConstant(value) {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`wamix: smoothingTimeConstant must be in [0, 1], got ${value}`);
    this.configure({ smoothing: value });
  }

  get minDecibels() { return this.settings.minDb; }
  set minDecibels(value) { this.configure({ minDb: value }); }
  get maxDecibels() { return this.settings.maxDb; }
  set maxDecibels(value) { this.configure({ maxDb: value }); }

  /** Message mode: a snapshot that came over the port. */
  receive(fftSize, values) {
    this.snapshot.set(values);
    this.size = fftSize;
  }

  /** Takes the newest snapshot and asks for the next one. */
  refresh() {
    if (this.mixer.mode === 'shared') {
      if (this.block.read(this.snapshot) >= 0 && this.block.writes > 0) this.size = this.block.tag;
      this.block.request();
    } else {
      this.mixer.requestSnapshot({ spectrum: true });
    }
    return this.size;
  }

  /** Copies the spectrum in dB (frequencyBinCount values at most). */
  getFloatFrequencyData(array) {
    const bins = this.refresh() / 2;
    for (let k = 0; k < Math.min(array.length, bins); k++) array[k] = this.snapshot[k];
  }

  /** The spectrum mapped to 0..255 between minDecibels and maxDecibels. */
  getByteFrequencyData(array) {
    const bins = this.refresh() / 2, min = this.minDecibels, scale = 255 / (this.maxDecibels - min);
    for (let k = 0; k < Math.min(array.length, bins); k++) {
      array[k] = Math.max(0, Math.min(255, Math.floor(scale * (this.snapshot[k] - min))));
    }
  }

  /** Copies the newest fftSize samples of the master (down-mixed to mono). */
  getFloatTimeDomainData(array) {
    const size = this.refresh();
    for (let i = 0; i < Math.min(array.length, size); i++) array[i] = this.snapshot[size / 2 + i];
  }

  /** The waveform mapped to 0..255 (128 is silence). */
  getByteTimeDomainData(array) {
    const size = this.refresh();
    for (let i = 0; i < Math.min(array.length, size); i++) {
      array[i] = Math.max(0, Math.min(255, Math.floor(128 * (1 + this.snapshot[size / 2 + i]))));
    }
  }
}
