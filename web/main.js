// The first demo page: a test tone (two sawtooth oscillators a fifth apart)
// through the wamix engine, with gain and filter controls, meters read from
// the engine's shared meter block and its spectrum, at display rate.
import { createEngine, FILTER_TYPES, SILENCE_DB } from '/js/index.js';

const $ = (id) => document.getElementById(id);
const freqFromSlider = (x) => 20 * 1000 ** x; // 20 Hz .. 20 kHz, logarithmic

let context = null;
let engine = null;
let frame = 0;

for (const [i, name] of FILTER_TYPES.entries()) $('filter-type').add(new Option(name, String(i), false, name === 'peaking'));

function formatDb(db) {
  return db <= SILENCE_DB ? '-inf' : `${db.toFixed(1)} dB`;
}

/** Reads every control into the engine and its label. */
function applyControls() {
  const gain = Number($('gain').value), freq = freqFromSlider(Number($('freq').value));
  const fgain = Number($('fgain').value), type = Number($('filter-type').value);
  $('gain-value').value = `${gain} dB`;
  $('freq-value').value = `${Math.round(freq)} Hz`;
  $('fgain-value').value = `${fgain} dB`;
  if (!engine) return;
  engine.setParam('gain_db', gain);
  engine.setParam('filter_type', type);
  engine.setParam('filter_freq_hz', freq);
  engine.setParam('filter_gain_db', fgain);
}

let bins = null;

/** The spectrum on a log frequency axis, 20 Hz to 20 kHz, -100 to -20 dB. */
function drawSpectrum() {
  const canvas = $('spectrum'), g = canvas.getContext('2d');
  const { width, height } = canvas;
  if (!bins || bins.length !== engine.analyser.frequencyBinCount) bins = new Float32Array(engine.analyser.frequencyBinCount);
  engine.analyser.getFloatFrequencyData(bins);
  g.clearRect(0, 0, width, height);
  g.strokeStyle = '#4cd964';
  g.beginPath();
  const hzPerBin = context.sampleRate / engine.analyser.fftSize;
  for (let x = 0; x < width; x++) {
    const k = Math.min(bins.length - 1, Math.round((20 * 1000 ** (x / width)) / hzPerBin));
    const y = height * (1 - (Math.max(-100, Math.min(-20, bins[k])) + 100) / 80);
    if (x === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.stroke();
}

/** Meters and spectrum are drawn only while playing and visible: an idle
    page costs nothing, and the engine computes no spectrum nobody looks at. */
function drawMeters() {
  frame = 0;
  if (!engine || context.state !== 'running' || document.hidden) return;
  const m = engine.readMeters();
  $('meter-l').value = m.rms_db_l;
  $('meter-r').value = m.rms_db_r;
  $('level-l').value = formatDb(m.rms_db_l);
  $('level-r').value = formatDb(m.rms_db_r);
  drawSpectrum();
  frame = requestAnimationFrame(drawMeters);
}

function scheduleMeters() {
  if (!frame) frame = requestAnimationFrame(drawMeters);
}

async function start() {
  context = new AudioContext({ latencyHint: 'interactive' });
  engine = await createEngine(context);
  engine.addEventListener('error', (e) => { $('status').textContent = `Engine error: ${e.message}`; });
  const tone = new GainNode(context, { gain: 0.5 });
  // A just fifth (3:2) is periodic, so its level is steady: meters read true.
  for (const frequency of [110, 165]) {
    const osc = new OscillatorNode(context, { type: 'sawtooth', frequency });
    osc.connect(tone);
    osc.start();
  }
  tone.connect(engine.node).connect(context.destination);
  engine.analyser.fftSize = 8192; // fine enough for the bass on a log axis
  applyControls();
  $('controls').disabled = false;
  const modeNote = engine.mode === 'shared' ? 'shared memory' : `message fallback: ${engine.modeReason}`;
  $('status').textContent = `Playing at ${context.sampleRate} Hz (${modeNote}).`;
  $('start').textContent = 'Pause';
  window.wamixDemo = { context, engine };
}

$('start').addEventListener('click', async () => {
  try {
    if (!context) await start();
    else if (context.state === 'running') {
      await context.suspend();
      $('start').textContent = 'Play test tone';
      $('status').textContent = 'Paused.';
    } else {
      await context.resume();
      $('start').textContent = 'Pause';
      $('status').textContent = 'Playing.';
    }
    scheduleMeters();
  } catch (error) {
    $('status').textContent = `Could not start: ${error.message}`;
    console.error(error);
  }
});

for (const id of ['gain', 'freq', 'fgain', 'filter-type']) $(id).addEventListener('input', applyControls);
document.addEventListener('visibilitychange', scheduleMeters);
applyControls();
