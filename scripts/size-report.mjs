// Prints the size of what a browser downloads (the audio module, the tools
// module and the package's JavaScript), raw and gzip, against the project's
// budgets. Exits non-zero when over budget, so the test run enforces it.
// The audio module is what every page loads; the tools module
// (resampling, WAV reading, waveform peaks) only when it is used.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const BUDGET_GZIP = { wasm: 48 * 1024, tools: 12 * 1024, js: 20 * 1024 };

/** The JavaScript a browser loads: the page's bundle and the worklet's (scripts/build.sh). */
export const BROWSER_JS = ['dist/wamix.js', 'dist/wamix-worklet.js'];

export function measure(files) {
  return files.map((file) => {
    const bytes = readFileSync(ROOT + file);
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wasm = measure(['dist/wamix.wasm']);
  const tools = measure(['dist/wamix-tools.wasm']);
  const js = measure(BROWSER_JS);
  const sum = (rows, key) => rows.reduce((s, r) => s + r[key], 0);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
  console.log('size report                     raw      gzip');
  for (const r of [...wasm, ...tools, ...js]) console.log(`  ${r.file.padEnd(26)}${kb(r.raw)}${kb(r.gzip)}`);
  const totals = [['wasm', wasm], ['tools', tools], ['js', js]].map(([name, rows]) => [name, sum(rows, 'raw'), sum(rows, 'gzip')]);
  let over = false;
  for (const [name, raw, gzip] of totals) {
    const ok = gzip <= BUDGET_GZIP[name];
    over ||= !ok;
    console.log(`  total ${name.padEnd(20)}${kb(raw)}${kb(gzip)}  budget ${kb(BUDGET_GZIP[name]).trim()} gzip ${ok ? 'ok' : 'OVER'}`);
  }
  process.exitCode = over ? 1 : 0;
}
