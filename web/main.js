// The wamix demo mixer page: built-in material on a looping timeline,
// channel strips, a reverb bus, the master with its meters, loudness and
// spectrum, the engine's status, and tracks added by dropping audio files.
//
// Idle costs nothing: the page draws from one requestAnimationFrame loop
// that runs only while the transport plays and the page is visible; while
// stopped it draws once per change. window.demo exposes the parts (tests,
// the console).
import { createMixer } from '/js/index.js';
import { synthesize, impulseResponse, LOOP_SECONDS, BPM } from './material.js';
import { StripView, drawMeter } from './strip.js';
import { Overview } from './tools.js';

const TRACK_SLOTS = 16; // a mixer's track count is fixed when it is created: 8 for the material, 8 spare
const REVERB_SECONDS = 2; // the longest IR the bus reverb takes
const OVERVIEW_BUCKETS = 220; // the waveform canvas's width in pixels
const STATUS_MS = 500; // how often the engine panel is rewritten while playing
const SETTLE_MS = 300; // frames drawn after a command, until the engine's status shows it
const SEEK_STEP = 60 / BPM; // a beat, for the timeline's arrow keys
const $ = (id) => document.getElementById(id);

const demo = {
  context: null,
  mixer: null,
  views: [],        // StripView per track in use, by track index
  loopEnd: LOOP_SECONDS,
  raf: 0,
  settleUntil: 0,
  statusAt: 0,
  load: { quanta: 0, sum: 0, count: 0 },
  wall: null,       // for the underrun estimate without playbackStats
  ready: null,      // resolves once the material plays
};
window.demo = demo;

function say(text) {
  $('message').textContent = text;
}

// ---- Start-up: on the first click (a gesture is needed to start audio).

function start() {
  demo.ready ??= setUp().catch((error) => {
    say(`Could not start: ${error.message}`);
    console.error(error);
    throw error;
  });
  return demo.ready;
}

async function setUp() {
  $('start').disabled = true;
  say('Starting the engine...');
  const context = new AudioContext({ latencyHint: 'interactive' });
  demo.context = context;
  const resumed = context.resume();
  const mixer = await createMixer(context, { tracks: TRACK_SLOTS, buses: 1, reverbSeconds: REVERB_SECONDS });
  demo.mixer = mixer;
  mixer.connect(context.destination);
  mixer.addEventListener('error', (e) => say(`Engine: ${e.message}`));
  await resumed;
  showEngine();
  $('app').hidden = false;

  say('Synthesizing the material...');
  const rate = mixer.sampleRate;
  await setUpReverb(mixer, rate);
  setUpMaster(mixer);
  for (const track of synthesize(rate)) {
    await addTrack(track.name, { sampleRate: rate, channels: track.planes }, track);
  }
  mixer.setLoop(0, demo.loopEnd, true);
  play();
  say('Playing. Space plays and stops; drop audio files on the page to add tracks.');
}

/** The reverb bus: a stereo IR made here, loaded into the pool and handed to the bus's convolver. */
async function setUpReverb(mixer, rate) {
  const bus = mixer.buses[0];
  bus.params.solo_safe.value = 1; // soloing a track keeps its reverb
  const ir = await mixer.loadSample({ sampleRate: rate, channels: impulseResponse(rate) });
  await bus.loadReverb(ir, { fadeMs: 0 });
  ir.free(); // the reverb keeps its own copy
  const view = new StripView(bus, { name: 'Reverb bus', eq: false, comp: false, send: false, waveform: false });
  view.root.classList.add('bus');
  demo.busView = view;
  $('strips').append(view.root);
}

function setUpMaster(mixer) {
  const { limiter } = mixer.master;
  limiter.on.value = 1;
  limiter.ceiling.value = -1;
  $('limiter-on').addEventListener('change', (e) => { limiter.on.value = e.target.checked ? 1 : 0; });
  bindRange('limiter-ceiling', (v) => { limiter.ceiling.value = v; });
  bindRange('master-fader', (v) => { mixer.master.fader.value = v <= -60 ? -96 : v; });
  mixer.analyser.fftSize = 4096;
  mixer.analyser.smoothingTimeConstant = 0.7;
}

function bindRange(id, set) {
  const input = $(id), output = document.querySelector(`output[for="${id}"]`);
  input.addEventListener('input', () => {
    const v = Number(input.value);
    output.value = `${v.toFixed(1)} dB`;
    set(v);
  });
}

// ---- Tracks.

/**
 * Loads planar audio into the pool (with a progress bar and a waveform
 * overview computed from the same chunks), lays it on the timeline and
 * shows its strip. Returns the track index.
 */
async function addTrack(name, source, mix = {}) {
  const mixer = demo.mixer;
  const index = demo.views.length;
  if (index >= TRACK_SLOTS) throw new RangeError('full');
  const track = mixer.tracks[index];
  applyMix(track, mix);
  const view = new StripView(track, { name });
  demo.views.push(view);
  $('strips').insertBefore(view.root, demo.busView.root);
  updateSlots();

  const frames = source.channels[0].length, channels = source.channels.length;
  const overview = await Overview.create(OVERVIEW_BUCKETS, frames, channels);
  view.progress.hidden = false;
  const sample = await mixer.loadSample(source, {
    onProgress: (f) => { view.progress.value = f; },
    onChunk: (chunk) => overview.add(chunk),
  });
  view.progress.hidden = true;
  view.drawWaveform(overview.finish());
  await layClips(track, sample);
  view.refreshEq();
  return index;
}

/** The starting mix of a material track: fader, pan, reverb send, compressor. */
function applyMix(track, { fader = 0, pan = 0, send = -96, comp = false }) {
  const p = track.params;
  p.fader_db.value = fader;
  p.pan.value = pan;
  p.send0_db.value = send;
  if (comp) {
    p.comp_threshold_db.value = -24;
    p.comp_ratio.value = 4;
    p.comp_on.value = 1;
  }
}

/**
 * Clips of `sample` from the timeline's start: repeated to fill the loop
 * when shorter than it; a longer one stretches the loop to its length.
 */
async function layClips(track, sample) {
  const mixer = demo.mixer;
  if (sample.duration > demo.loopEnd + 1e-9) {
    demo.loopEnd = sample.duration;
    mixer.setLoop(0, demo.loopEnd, $('loop').checked);
  }
  for (let at = 0; at < demo.loopEnd - 1e-6; at += sample.duration) {
    await track.addClip(sample, { start: at, length: Math.min(sample.duration, demo.loopEnd - at) });
  }
}

function updateSlots() {
  const free = TRACK_SLOTS - demo.views.length;
  $('slots').textContent = free > 0 ? `(${demo.views.length} of ${TRACK_SLOTS}: drop files to use the ${free} free)`
    : `(all ${TRACK_SLOTS} in use: the mixer is full)`;
}

// ---- Dropped files.

async function addFiles(files) {
  await start();
  for (const file of files) {
    if (demo.views.length >= TRACK_SLOTS) {
      say(`The mixer is full: its ${TRACK_SLOTS} tracks were fixed when it was created. "${file.name}" was not added.`);
      return;
    }
    say(`Decoding ${file.name}...`);
    try {
      const decoded = await demo.context.decodeAudioData(await file.arrayBuffer());
      const planes = Array.from({ length: Math.min(2, decoded.numberOfChannels) }, (_, c) => decoded.getChannelData(c));
      await addTrack(file.name, { sampleRate: decoded.sampleRate, channels: planes });
      say(`Added ${file.name} (${decoded.duration.toFixed(1)} s) as track ${demo.views.length}.`);
    } catch (error) {
      say(`Could not add ${file.name}: ${error.message}`);
    }
  }
  requestDraw();
}

function setUpDrop() {
  const overlay = $('drop');
  let depth = 0;
  document.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; overlay.hidden = false; });
  document.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; overlay.hidden = true; } });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) addFiles(files);
  });
}

// ---- Transport.

function setUpTransport() {
  $('play').addEventListener('click', play);
  $('stop').addEventListener('click', stop);
  $('loop').addEventListener('change', (e) => demo.mixer?.setLoop(0, demo.loopEnd, e.target.checked));
  const timeline = $('timeline');
  timeline.addEventListener('click', (e) => {
    const box = timeline.getBoundingClientRect();
    seek(((e.clientX - box.left) / box.width) * demo.loopEnd);
  });
  timeline.addEventListener('keydown', (e) => {
    const now = demo.mixer?.status().position ?? 0;
    const to = { ArrowLeft: now - SEEK_STEP, ArrowRight: now + SEEK_STEP, Home: 0, End: demo.loopEnd - SEEK_STEP }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    seek(to);
  });
  document.addEventListener('keydown', (e) => {
    if (e.code !== 'Space' || e.target.closest?.('button, input[type=checkbox], select, textarea')) return;
    e.preventDefault();
    if (!demo.mixer) return;
    if (demo.mixer.status().state === 'playing') stop(); else play();
  });
}

function play() {
  demo.mixer?.play();
  requestDraw(true);
}

function stop() {
  demo.mixer?.stop();
  requestDraw(true);
}

function seek(seconds) {
  if (!demo.mixer) return;
  demo.mixer.seek(Math.min(Math.max(0, seconds), demo.loopEnd));
  requestDraw(true);
}

// ---- Drawing: one loop while playing and visible, else one frame per change.

/**
 * Draws the next frame. After a command (`changed`), frames go on for
 * SETTLE_MS even while stopped: the engine applies commands at its next
 * quantum, and the status read right away may not show them yet.
 */
function requestDraw(changed = false) {
  if (changed) demo.settleUntil = performance.now() + SETTLE_MS;
  if (!demo.raf && demo.mixer && !document.hidden) demo.raf = requestAnimationFrame(frame);
}

function frame(now) {
  demo.raf = 0;
  const mixer = demo.mixer, status = mixer.status();
  const playing = status.state === 'playing';
  accumulateLoad(status);
  drawTimeline(status);
  $('play').setAttribute('aria-pressed', String(playing));
  if (playing) {
    drawLevels(mixer.levels());
    drawSpectrum(mixer.analyser);
  }
  if (!playing || now - demo.statusAt >= STATUS_MS) {
    demo.statusAt = now;
    showStatus(status);
  }
  if ((playing || now < demo.settleUntil) && !document.hidden) demo.raf = requestAnimationFrame(frame);
}

function drawLevels(levels) {
  levels.tracks.forEach((lv, i) => demo.views[i]?.drawLevels(lv));
  demo.busView.drawLevels({ ...levels.buses[0], compReductionDb: undefined });
  const m = levels.master;
  drawMeter($('master-meter'), m.peakDb, m.rmsDb);
  const db = (x) => (x <= -100 ? '-inf' : x.toFixed(1));
  const lufs = (x) => (x <= -70 ? '-inf' : `${x.toFixed(1)} LUFS`);
  $('m-peak').textContent = `${db(m.peakDb[0])} / ${db(m.peakDb[1])} dBFS`;
  $('m-rms').textContent = `${db(m.rmsDb[0])} / ${db(m.rmsDb[1])} dBFS`;
  $('m-tp').textContent = `${db(m.truePeakDb[0])} / ${db(m.truePeakDb[1])} dBTP`;
  $('m-lufs-m').textContent = lufs(m.momentaryLufs);
  $('m-lufs-s').textContent = lufs(m.shortTermLufs);
  $('m-lufs-i').textContent = lufs(m.integratedLufs);
  $('m-gr').textContent = `${m.limiterReductionDb.toFixed(1)} dB reduction`;
}

const spectrumBins = { data: null };
function drawSpectrum(analyser) {
  const canvas = $('spectrum'), g = canvas.getContext('2d'), { width: w, height: h } = canvas;
  if (spectrumBins.data?.length !== analyser.frequencyBinCount) spectrumBins.data = new Float32Array(analyser.frequencyBinCount);
  const bins = spectrumBins.data;
  analyser.getFloatFrequencyData(bins);
  const nyquist = demo.mixer.sampleRate / 2, lo = analyser.minDecibels, hi = analyser.maxDecibels;
  g.fillStyle = '#111';
  g.fillRect(0, 0, w, h);
  g.strokeStyle = '#6cf';
  g.beginPath();
  for (let x = 0; x < w; x++) {
    const hz = 20 * 1000 ** (x / w), k = Math.min(bins.length - 1, Math.round((hz / nyquist) * bins.length));
    const y = h - ((Math.max(lo, Math.min(hi, bins[k])) - lo) / (hi - lo)) * h;
    if (x === 0) g.moveTo(x, y); else g.lineTo(x, y);
  }
  g.stroke();
}

function drawTimeline(status) {
  const canvas = $('timeline'), g = canvas.getContext('2d'), { width: w, height: h } = canvas;
  const length = demo.loopEnd;
  g.fillStyle = '#1b2430';
  g.fillRect(0, 0, w, h);
  for (let beat = 0; beat * SEEK_STEP < length; beat++) {
    g.fillStyle = beat % 4 === 0 ? '#567' : '#334';
    g.fillRect((beat * SEEK_STEP / length) * w, 0, 1, h);
  }
  const at = Math.min(status.audiblePosition, length);
  g.fillStyle = '#fc4';
  g.fillRect((at / length) * w - 1, 0, 3, h);
  canvas.setAttribute('aria-valuemax', length.toFixed(1));
  canvas.setAttribute('aria-valuenow', at.toFixed(1));
  canvas.setAttribute('aria-valuetext', `${at.toFixed(1)} seconds`);
  const minutes = Math.floor(at / 60);
  $('clock').value = `${minutes}:${(at - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

// ---- Engine status.

function showEngine() {
  const { mixer, context } = demo;
  $('st-mode').textContent = mixer.mode === 'shared' ? 'shared memory (SharedArrayBuffer)' : 'message port (slower)';
  $('st-rate').textContent = `${mixer.sampleRate} Hz`;
  const engineMs = (mixer.latencyFrames / mixer.sampleRate) * 1000;
  const outputMs = ((context.baseLatency ?? 0) + (context.outputLatency ?? 0)) * 1000;
  $('st-latency').textContent = `${engineMs.toFixed(1)} ms engine (limiter lookahead) + ${outputMs.toFixed(1)} ms output`;
  if (mixer.modeReason) {
    $('st-reason').hidden = false;
    $('st-reason').textContent = `Why slower: ${mixer.modeReason}`;
  }
}

/** Load: time in process() over the quantum's duration, weighted by quanta between reads. */
function accumulateLoad(status) {
  const dq = status.quanta - demo.load.quanta;
  if (dq > 0) {
    demo.load.sum += status.load * dq;
    demo.load.count += dq;
  }
  demo.load.quanta = status.quanta;
}

function showStatus(status) {
  const { context } = demo, load = demo.load;
  if (load.count > 0) {
    const ratio = load.sum / load.count, budgetMs = (128 / demo.mixer.sampleRate) * 1000;
    $('st-load-meter').value = Math.min(1, ratio);
    $('st-load').textContent = `${(ratio * 100).toFixed(1)}% of the ${budgetMs.toFixed(2)} ms per quantum (${(ratio * budgetMs * 1000).toFixed(0)} us)`;
    load.sum = load.count = 0;
  }
  const stats = context.playbackStats;
  if (stats && 'underrunEvents' in stats) {
    $('st-underruns').textContent = `${stats.underrunEvents} (${(stats.underrunDuration * 1000).toFixed(0)} ms)`;
  } else {
    // Without playbackStats: how far the audio clock fell behind the wall clock since start.
    demo.wall ??= { wall: performance.now(), audio: context.currentTime };
    const behind = (performance.now() - demo.wall.wall) / 1000 - (context.currentTime - demo.wall.audio);
    $('st-underruns').textContent = `not reported by this browser; audio clock ${Math.max(0, behind * 1000).toFixed(0)} ms behind the wall clock`;
  }
  $('st-commands').textContent = `${status.applied} applied, ${status.rejected} rejected`;
}

// ---- Wiring.

document.addEventListener('visibilitychange', () => requestDraw());
$('start').addEventListener('click', start);
document.addEventListener('pointerdown', () => { if (!demo.ready) start(); }, { once: true });
setUpDrop();
setUpTransport();
