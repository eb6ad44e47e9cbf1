// A static file server whose responses carry a Content-Security-Policy
// header chosen by the first path segment: with { strict: "script-src
// 'self'" }, /strict/dist/autograd.min.js serves dist/autograd.min.js under
// that policy. Pages use relative URLs, so a page and everything it loads
// (scripts, modules, workers) share one policy. Used by csp.test.ts and by
// package.test.ts (a bundler build loaded under a strict policy).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface PolicyServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  origin: string;
  /** "STATUS PATH" of every request, in order */
  log: string[];
  close(): Promise<void>;
}

export async function serveWithPolicies(dir: string, policies: Record<string, string>): Promise<PolicyServer> {
  const log: string[] = [];
  const base = dir.endsWith(sep) ? dir : dir + sep;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [, prefix, ...rest] = path.split('/');
    const policy = policies[prefix];
    const file = normalize(join(dir, ...rest));
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      log.push(`${status} ${path}`);
      const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store' };
      if (policy !== undefined) headers['content-security-policy'] = policy;
      res.writeHead(status, headers);
      res.end(body);
    };
    if (policy === undefined) return send(404, `no policy named ${prefix}`);
    if (!file.startsWith(base)) return send(403, 'outside the root');
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
