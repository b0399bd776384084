// One channel strip of the demo page: its controls (labelled, keyboard
// reachable) bound to a wamix Strip's parameters, and its drawings: a level
// meter with the compressor's gain reduction, an EQ curve drawn from the
// engine's own coefficients, and a waveform overview.
import { cascadeResponseDb } from './tools.js';

const OFF_DB = -60; // sliders at their bottom send -96 dB: off
const METER_FLOOR = -60;
const EQ_BANDS = [ // the strip's three bands on the page: engine band, type, frequency, label
  { band: 0, type: 1, hz: 120, label: 'Low' },
  { band: 3, type: 0, hz: 1000, label: 'Mid' },
  { band: 7, type: 2, hz: 8000, label: 'High' },
];
const CURVE_HZ = Array.from({ length: 96 }, (_, i) => 20 * 1000 ** (i / 95)); // 20 Hz .. 20 kHz, log
const EQ_SETTLE_MS = 150; // the EQ glides (20 ms time constant): ask again once it has arrived

const dbText = (db) => (db <= -96 ? '-inf' : `${db.toFixed(1)} dB`);
const element = (tag, props = {}, children = []) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/** A labelled range input with its value shown; onInput(value) on change. */
function slider(label, { min, max, step, value, format = dbText, onInput }) {
  const input = element('input', { type: 'range', min, max, step, value });
  const output = element('output', { value: format(value) });
  input.addEventListener('input', () => {
    const v = Number(input.value);
    output.value = format(v);
    onInput(v);
  });
  return element('label', { className: 'slider' }, [element('span', { textContent: label }), input, output]);
}

/** A toggle button (aria-pressed) bound to a 0/1 parameter. */
function toggle(text, title, param, onChange) {
  const button = element('button', { type: 'button', textContent: text, title, className: `toggle ${text.toLowerCase()}` });
  button.setAttribute('aria-pressed', 'false');
  button.addEventListener('click', () => {
    const on = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(on));
    param.value = on ? 1 : 0;
    onChange?.(on);
  });
  return button;
}

export class StripView {
  /**
   * @param {import('/js/index.js').Strip} strip
   * @param {{name: string, eq?: boolean, comp?: boolean, send?: boolean, waveform?: boolean}} options
   */
  constructor(strip, { name, eq = true, comp = true, send = true, waveform = true }) {
    this.strip = strip;
    this.rate = strip.mixer.sampleRate;
    this.curve = null;
    this.eqTimer = 0;
    const p = strip.params;
    const title = element('h3', { textContent: name });
    this.mute = toggle('M', `Mute ${name}`, p.mute);
    this.solo = toggle('S', `Solo ${name}`, p.solo);
    this.meter = element('canvas', { width: 44, height: 120, className: 'meter' });
    this.meter.setAttribute('role', 'img');
    this.meter.setAttribute('aria-label', `${name} level${comp ? ' and compressor gain reduction' : ''}`);
    const controls = [
      slider('Fader', { min: OFF_DB, max: 6, step: 0.5, value: p.fader_db.value, onInput: (v) => { p.fader_db.value = v <= OFF_DB ? -96 : v; } }),
      slider('Pan', { min: -1, max: 1, step: 0.05, value: p.pan.value, format: (v) => (v === 0 ? 'C' : `${v < 0 ? 'L' : 'R'}${Math.round(Math.abs(v) * 100)}`), onInput: (v) => { p.pan.value = v; } }),
    ];
    if (send) {
      controls.push(slider('Reverb', { min: OFF_DB, max: 0, step: 0.5, value: Math.max(OFF_DB, p.send0_db.value),
        onInput: (v) => { p.send0_db.value = v <= OFF_DB ? -96 : v; } }));
    }
    this.root = element('article', { className: 'strip' }, [
      element('header', {}, [title, this.mute, this.solo]),
    ]);
    this.root.setAttribute('aria-label', name);
    if (waveform) {
      this.wave = element('canvas', { width: 220, height: 40, className: 'wave' });
      this.wave.setAttribute('role', 'img');
      this.wave.setAttribute('aria-label', `${name} waveform`);
      this.progress = element('progress', { max: 1, value: 0, hidden: true });
      this.progress.setAttribute('aria-label', `Loading ${name}`);
      this.root.append(this.wave, this.progress);
    }
    const body = element('div', { className: 'strip-body' }, [this.meter, element('div', { className: 'controls' }, controls)]);
    this.root.append(body);
    if (eq) this.root.append(this.eqSection(name));
    if (comp) this.root.append(this.compSection());
  }

  eqSection(name) {
    const p = this.strip.params;
    this.eqCanvas = element('canvas', { width: 220, height: 60, className: 'eq' });
    this.eqCanvas.setAttribute('role', 'img');
    this.eqCanvas.setAttribute('aria-label', `${name} EQ response, from the engine's coefficients`);
    const bands = EQ_BANDS.map(({ band, type, hz, label }) => {
      p[`eq${band}_type`].value = type;
      p[`eq${band}_freq_hz`].value = hz;
      return slider(`${label} ${hz >= 1000 ? `${hz / 1000}k` : hz}`, { min: -12, max: 12, step: 0.5, value: 0, onInput: (v) => {
        p[`eq${band}_on`].value = v === 0 ? 0 : 1;
        p[`eq${band}_gain_db`].value = v;
        this.refreshEq();
      } });
    });
    return element('fieldset', { className: 'eq' }, [element('legend', { textContent: 'EQ' }), this.eqCanvas, ...bands]);
  }

  compSection() {
    const p = this.strip.params;
    const on = element('input', { type: 'checkbox', checked: p.comp_on.value === 1 });
    on.addEventListener('change', () => { p.comp_on.value = on.checked ? 1 : 0; });
    return element('fieldset', { className: 'comp' }, [
      element('legend', { textContent: 'Compressor' }),
      element('label', { className: 'inline' }, [on, ' On']),
      slider('Threshold', { min: -40, max: 0, step: 0.5, value: p.comp_threshold_db.value, onInput: (v) => { p.comp_threshold_db.value = v; } }),
      slider('Ratio', { min: 1, max: 10, step: 0.5, value: p.comp_ratio.value, format: (v) => `${v}:1`, onInput: (v) => { p.comp_ratio.value = v; } }),
    ]);
  }

  /** Asks the engine for its coefficients now and once the glide has settled; redraws on each answer. */
  refreshEq() {
    if (!this.eqCanvas) return;
    const ask = () => this.strip.eqCoefficients().then((sections) => {
      this.curve = cascadeResponseDb(sections, CURVE_HZ, this.rate);
      this.drawEq();
    });
    clearTimeout(this.eqTimer);
    ask();
    this.eqTimer = setTimeout(ask, EQ_SETTLE_MS);
  }

  drawEq() {
    const g = this.eqCanvas.getContext('2d'), { width: w, height: h } = this.eqCanvas;
    g.clearRect(0, 0, w, h);
    g.strokeStyle = '#555';
    g.beginPath();
    g.moveTo(0, h / 2);
    g.lineTo(w, h / 2);
    g.stroke();
    if (!this.curve) return;
    g.strokeStyle = '#6cf';
    g.lineWidth = 2;
    g.beginPath();
    this.curve.forEach((db, i) => {
      const x = (i / (this.curve.length - 1)) * w, y = h / 2 - (Math.max(-15, Math.min(15, db)) / 15) * (h / 2 - 2);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }

  /** Draws min/max pairs (one per bucket) as the overview. */
  drawWaveform(minmax) {
    const g = this.wave.getContext('2d'), { width: w, height: h } = this.wave;
    const buckets = minmax.length / 2;
    g.clearRect(0, 0, w, h);
    g.fillStyle = '#8c8';
    for (let b = 0; b < buckets; b++) {
      const x = (b / buckets) * w, lo = minmax[2 * b], hi = minmax[2 * b + 1];
      const y0 = h / 2 - hi * (h / 2), y1 = h / 2 - lo * (h / 2);
      g.fillRect(x, y0, Math.max(1, w / buckets), Math.max(1, y1 - y0));
    }
  }

  /** Draws the level meter (peak and RMS per channel) and the gain reduction. */
  drawLevels({ peakDb, rmsDb, compReductionDb }) {
    drawMeter(this.meter, peakDb, rmsDb, compReductionDb);
  }
}

/** Peak (thin bar) and RMS (wide bar) for L and R from METER_FLOOR to 0 dB; gain reduction from the top, if given. */
export function drawMeter(canvas, peakDb, rmsDb, reductionDb) {
  const g = canvas.getContext('2d'), { width: w, height: h } = canvas;
  const y = (db) => h * (Math.min(0, Math.max(METER_FLOOR, db)) / METER_FLOOR);
  const columns = reductionDb === undefined ? 2 : 3, cw = w / columns;
  g.fillStyle = '#111';
  g.fillRect(0, 0, w, h);
  for (let c = 0; c < 2; c++) {
    const x = c * cw + 2;
    g.fillStyle = rmsDb[c] > -6 ? '#e94' : '#4c6';
    g.fillRect(x, y(rmsDb[c]), cw - 4, h - y(rmsDb[c]));
    g.fillStyle = peakDb[c] > -1 ? '#f44' : '#cfc';
    g.fillRect(x, y(peakDb[c]), cw - 4, 2);
  }
  if (reductionDb !== undefined) {
    g.fillStyle = '#fa3';
    g.fillRect(2 * cw + 2, 0, cw - 4, (Math.min(24, reductionDb) / 24) * h); // 0..24 dB down from the top
  }
  g.fillStyle = '#444';
  for (let db = -6; db > METER_FLOOR; db -= 6) g.fillRect(0, y(db), w, 1);
}
