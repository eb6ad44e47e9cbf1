// What the browser suites share: a static file server for the repository
// and a headless Chromium from /usr/bin/chromium (never a downloaded one).

import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.cjs': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  origin: string;
  /** Paths requested, in order, with their status codes. */
  log: string[];
  close(): Promise<void>;
}

/**
 * Serves the files under `root` on 127.0.0.1 at a random port, with
 * `headers` added to every response (e.g. COOP/COEP for a cross-origin
 * isolated page).
 */
export async function serve(dir = root, headers: Record<string, string> = {}): Promise<StaticServer> {
  const log: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path));
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      log.push(`${status} ${req.method} ${path}`);
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return send(403, 'outside the root');
    try {
      if (!(await stat(file)).isFile()) return send(404, `not a file: ${path}`);
      send(200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(404, `not found: ${path}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Launches headless Chromium from /usr/bin/chromium. Playwright makes (and
 * removes) a fresh temporary profile directory for it. Throws a clear error
 * when Chromium is not installed: the browser tests fail, they do not skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}, so the browser tests cannot run. ` +
        'Install it with `apt-get install -y chromium` (.ci/run does this on CI).',
    );
  }
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 20_000 });
  } catch (error) {
    throw new Error(`could not launch ${CHROMIUM}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
