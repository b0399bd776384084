// The browser side of the benchmark, from Node: serves the project with
// COOP/COEP (web/serve.mjs), opens bench/bench.html in headless Chromium
// (tests/browser/browser.mjs) and runs the forms of bench/browser-forms.js.
// The realtime run reads the time per quantum from Chromium's own trace
// (CDP Tracing): the AudioWorkletGlobalScope has no high-resolution clock
// (no `performance`; Date.now() in whole milliseconds).
import { startServer } from '../web/serve.mjs';
import { launch } from '../tests/browser/browser.mjs';

/** Flags for the realtime AudioContext (see docs/BENCHMARKS.md, "Real time"). */
export const REALTIME_FLAGS = ['--autoplay-policy=no-user-gesture-required'];

const TRACE_CATEGORIES = ['disabled-by-default-audio-worklet', 'webaudio', 'audio'];

export async function openBrowserBench() {
  const server = await startServer({ port: 0 });
  const browser = await launch({ args: REALTIME_FLAGS });
  const { page, context } = browser;
  await page.goto(`${server.url}bench/bench.html`);
  await page.waitForFunction(() => window.benchForms, null, { timeout: 20000 });
  const call = (name, ...args) => page.evaluate(([n, a]) => window.benchForms[n](...a), [name, args]);
  return {
    flags: REALTIME_FLAGS,
    version: await page.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? 'unknown'),
    /** {wall, rmsDb} of one offline render of form 'wamix' | 'nodes' | 'plain'. */
    render: (form, tracks, channels, seconds) => call('renderOffline', form, tracks, channels, seconds),
    nodeMakeup: () => call('nodeMakeup'),
    /** Plays `tracks` stereo tracks for `seconds` of wall time; returns timing and stats. */
    async realtime(tracks, seconds) {
      const started = await call('startRealtime', tracks);
      const cdp = await context.newCDPSession(page);
      const events = [];
      cdp.on('Tracing.dataCollected', (e) => { for (const ev of e.value) if (ev.ph === 'X') events.push(ev); });
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.start', {
        traceConfig: { includedCategories: TRACE_CATEGORIES, recordMode: 'recordContinuously' },
        transferMode: 'ReportEvents',
      });
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      await cdp.send('Tracing.end');
      await complete;
      const stopped = await call('stopRealtime');
      await cdp.detach();
      return { ...started, ...stopped, trace: summarizeTrace(events) };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function durations(events, name) {
  const d = events.filter((e) => e.name === name).map((e) => e.dur / 1000).sort((a, b) => a - b);
  return d.length ? { count: d.length, p50: percentile(d, 50), p99: percentile(d, 99), max: d[d.length - 1] } : null;
}

/**
 * Per quantum (ms): the render of the whole graph
 * (RealtimeAudioDestinationHandler::Render) and the worklet's process()
 * (AudioWorkletProcessor::Process). Per device callback
 * (AudioOutputDevice::FireRenderCallback): its period, and the callbacks
 * that took longer than one period (the device would have been starved).
 */
export function summarizeTrace(events) {
  const callbacks = events.filter((e) => e.name === 'AudioOutputDevice::FireRenderCallback').sort((a, b) => a.ts - b.ts);
  const gaps = callbacks.slice(1).map((e, i) => (e.ts - callbacks[i].ts) / 1000).sort((a, b) => a - b);
  const period = gaps.length ? percentile(gaps, 50) : null;
  return {
    quantum: durations(events, 'RealtimeAudioDestinationHandler::Render'),
    process: durations(events, 'AudioWorkletProcessor::Process'),
    callback: durations(events, 'AudioOutputDevice::FireRenderCallback'),
    callbackPeriod: period,
    lateCallbacks: period ? callbacks.filter((e) => e.dur / 1000 > period).length : null,
  };
}
