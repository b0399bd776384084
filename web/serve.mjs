// The demo's static server: serves the project root (web/, js/, dist/) with
// the cross-origin isolation headers that SharedArrayBuffer needs.
//   node web/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation]
// Also imported by the browser tests: startServer({port: 0}) picks a free port.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Maps a URL path to a file under ROOT, or null if it escapes ROOT. */
function resolvePath(urlPath) {
  const path = decodeURIComponent(urlPath.split('?')[0]);
  const file = normalize(join(ROOT, path === '/' ? 'web/index.html' : path));
  return file.startsWith(ROOT) || file + sep === ROOT ? file : null;
}

/**
 * @param {{port?: number, host?: string, isolation?: boolean}} [options]
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export function startServer({ port = 8080, host = '127.0.0.1', isolation = true } = {}) {
  const server = createServer(async (req, res) => {
    const headers = { 'Cache-Control': 'no-store' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    const file = resolvePath(req.url);
    try {
      if (!file || !(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { url } = await startServer({
    port: Number(arg('--port', process.env.PORT ?? 8080)),
    host: arg('--host', '127.0.0.1'),
    isolation: !process.argv.includes('--no-isolation'),
  });
  console.log(`wamix demo: ${url}  (Ctrl+C to stop)`);
}
