/**
 * wamix in a web page: a mixer of tracks, buses and a master with clip
 * playback from a sample pool, running as an AudioWorkletNode.
 *
 * @example
 *   import { createMixer } from 'wamix';
 *   const context = new AudioContext();
 *   const mixer = await createMixer(context, { tracks: 8, buses: 1 });
 *   mixer.connect(context.destination);
 *   const drums = await mixer.loadSample(await context.decodeAudioData(bytes));
 *   await mixer.tracks[0].addClip(drums, { start: 0 });
 *   mixer.tracks[0].fader.value = -6;
 *   mixer.tracks[0].fader.linearRampToValueAtTime(-24, context.currentTime + 4);
 *   mixer.play();
 *   mixer.addEventListener('meters', (e) => draw(e.levels));
 * @module
 */
export { createMixer, compileWamix, canShareMemory, Mixer, Sample, MESSAGE_MODE_REASON } from './mixer.js';
export { WamixParam, Strip, Track, Master } from './strips.js';
export { Analyser } from './analyser.js';
export { WamixError } from './wamix-core.js';
export { VERSION } from './protocol.js';
export { doctor } from './doctor.js';
