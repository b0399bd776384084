// Runs the real AudioWorkletProcessor (js/worklet-processor.js) in Node:
// the globals of an AudioWorkletGlobalScope (AudioWorkletProcessor with a
// port, registerProcessor, sampleRate, currentFrame) are provided here, and
// the page's side is a MessageChannel port plus the shared blocks.
import { MessageChannel } from 'node:worker_threads';

let registered = null;

/** Loads the processor class once, with the scope's globals in place. */
export async function loadProcessor(rate = 48000) {
  if (registered) return registered;
  globalThis.sampleRate = rate;
  globalThis.currentFrame = 0;
  globalThis.AudioWorkletProcessor = class {
    constructor() {
      const channel = new MessageChannel();
      this.port = channel.port1;
      this.pagePort = channel.port2;
    }
  };
  globalThis.registerProcessor = (name, cls) => { registered = cls; };
  await import('../../js/worklet-processor.js');
  return registered;
}

/** Calls process() for one quantum into `out` (two 128-float channels), advancing currentFrame. */
export function renderQuantum(processor, out) {
  const ok = processor.process([], [out]);
  globalThis.currentFrame += 128;
  return ok;
}

/** Closes both ends of the processor's port, so the process can exit. */
export function closePorts(processor) {
  processor.port.close();
  processor.pagePort.close();
}
