// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven
// by playwright-core, a fresh profile per launch, no network beyond loopback.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.WAMIX_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Launches Chromium with a fresh profile and returns {context, page, errors, close}.
 * `errors` collects console errors and uncaught page errors as strings.
 * `args`: extra command-line flags after the defaults (the benchmark adds
 * the realtime-audio ones, bench/browser-bench.mjs).
 */
export async function launch({ args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'wamix-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, ...args],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
