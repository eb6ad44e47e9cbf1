// The worker pool in Chromium: a page served with COOP/COEP headers
// (cross-origin isolated: SharedArrayBuffer, shared WebAssembly memory) runs
// large kernels on Workers started from the bundle itself (a Blob URL, no
// worker file), with the same bits as one thread and Node's numbers; the
// same page without those headers runs on one thread (an ordinary memory:
// the module's shared flag cleared at load), and gets the same numbers.
// The page (pages/threads.js) sees the pool through a wrapped Worker.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { compute, firstDifference, type ReferenceResult } from '../fixtures/computation.mjs';
import { launchChromium, root, serve, type StaticServer } from './harness';

interface ThreadsOutcome {
  ok: boolean;
  error?: string;
  isolated: boolean;
  threadsByDefault: number;
  granted: number;
  workers: number;
  workerUrls: string[];
  readyWorkers: number;
  jobs: number;
  same: boolean;
  value: ReferenceResult;
}

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const PAGE = '/test/browser/pages/threads.html';
const TIMEOUT = 30_000;

const test = suite('browser: threads (COOP/COEP)');
let browser: Browser | null = null;
const servers: StaticServer[] = [];
let expected: ReferenceResult | null = null;

test.before(async () => {
  const ag = await import(pathToFileURL(join(root, 'dist', 'autograd.mjs')).href);
  expected = compute(ag);
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close().catch(() => {});
  for (const s of servers) await s.close();
});

async function visit(headers: Record<string, string>): Promise<{ outcome: ThreadsOutcome; errors: string[] }> {
  const server = await serve(root, headers);
  servers.push(server);
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  try {
    await page.goto(server.origin + PAGE, { timeout: TIMEOUT });
    await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, { timeout: TIMEOUT });
    const outcome = (await page.evaluate(() => (globalThis as unknown as { result: ThreadsOutcome }).result)) as ThreadsOutcome;
    const pageErrors = (await page.evaluate(() => (globalThis as unknown as { pageErrors: string[] }).pageErrors)) as string[];
    return { outcome, errors: [...errors, ...pageErrors] };
  } finally {
    await page.close();
  }
}

test('cross-origin isolated: shared memory, Workers from a Blob URL run the big kernels, bit-identical to one thread and to Node', async () => {
  const { outcome, errors } = await visit(ISOLATION);
  assert.ok(outcome.ok, `the page failed: ${outcome.error}`);
  assert.equal(errors, []);
  assert.ok(outcome.isolated, 'the page is cross-origin isolated');
  assert.ok(outcome.threadsByDefault >= 1);
  assert.is(outcome.granted, 2, 'setThreads(2) is granted');
  assert.is(outcome.workers, 1, 'one Worker beside the main thread');
  assert.equal(outcome.workerUrls, ['blob:'], 'started from the bundle (a Blob URL), no worker file');
  assert.is(outcome.readyWorkers, 1, 'the worker instantiated the module on the shared memory');
  assert.ok(outcome.jobs > 0, 'kernels were dispatched to the pool');
  assert.ok(outcome.same, '1 and 2 threads give the same bits');
  const d = firstDifference(outcome.value, expected!);
  assert.is(d, null, `Chromium (threaded) differs from Node at ${d}`);
});

test('not isolated: one thread, no Worker, the same numbers', async () => {
  const { outcome, errors } = await visit({});
  assert.ok(outcome.ok, `the page failed: ${outcome.error}`);
  assert.equal(errors, []);
  assert.is(outcome.isolated, false);
  assert.is(outcome.threadsByDefault, 1);
  assert.is(outcome.granted, 1, 'setThreads(2) gives one thread without shared memory');
  assert.is(outcome.workers, 0);
  assert.ok(outcome.same);
  const d = firstDifference(outcome.value, expected!);
  assert.is(d, null, `Chromium (one thread) differs from Node at ${d}`);
});

test.run();
