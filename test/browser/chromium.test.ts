// The built bundles in headless Chromium: the <script> bundle (global
// AutoGrad), the ES module, and the <script> bundle inside a Web Worker each
// run the reference computation (test/fixtures/computation.mjs) and must get
// exactly the numbers Node gets from dist/autograd.mjs. A call made before
// `ready` resolves must either work or throw the NotReadyError that tells the
// user to `await ag.ready`. Chromium compiles the kernels synchronously on
// the main thread today, so the pages are also loaded with synchronous
// compilation refused (?sync-compile-limit, see pages/probe.js): there the
// early call must throw that NotReadyError and the numbers must still match.
// Pages live in test/browser/pages/; the server serves the repository root,
// so they load /dist/... and /test/fixtures/...
//
// Chromium is /usr/bin/chromium (.ci/run installs it); if it is missing the
// tests fail with that message rather than skip.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { compute, draws, firstDifference, type Draws, type ReferenceResult } from '../fixtures/computation.mjs';
import { launchChromium, root, serve, type StaticServer } from './harness';

interface Probe {
  threw: boolean;
  value?: number;
  name?: string;
  message?: string;
  isNotReadyError?: boolean;
  isAutogradError?: boolean;
}

interface PageOutcome {
  earlyCall: Probe | undefined;
  result: { ok: true; afterReady: Probe; value: ReferenceResult; draws: Draws } | { ok: false; error: string } | undefined;
  pageErrors: string[];
}

interface Env {
  browser: Browser;
  server: StaticServer;
  /** The reference numbers Node computes with dist/autograd.mjs. */
  expected: ReferenceResult;
  /** The seeded draws Node gets from dist/autograd.mjs. */
  expectedDraws: Draws;
}

const PAGE_TIMEOUT = 20_000;

const SCRIPT = '/test/browser/pages/script-tag.html';
const MODULE = '/test/browser/pages/module.html';
const WORKER = '/test/browser/pages/worker.html';
/** The same pages with synchronous compilation refused (see pages/probe.js), forcing the async path. */
const LIMIT = '?sync-compile-limit=4096';
const PAGES = [SCRIPT, MODULE, WORKER, SCRIPT + LIMIT, MODULE + LIMIT];

let env: Env | null = null;
let setupError: unknown = null;
let browser: Browser | null = null;
let server: StaticServer | null = null;
const outcomes = new Map<string, Promise<PageOutcome>>();

/** The shared browser and server, or the reason there are none (each test then fails with it). */
function ready(): Env {
  if (setupError !== null) throw setupError;
  if (env === null) throw new Error('the browser suite was not set up');
  return env;
}

const browserSuite = suite('browser: Chromium');

browserSuite.before(async () => {
  try {
    const esmPath = join(root, 'dist', 'autograd.mjs');
    for (const f of ['autograd.mjs', 'autograd.min.js']) {
      if (!existsSync(join(root, 'dist', f))) {
        throw new Error(`dist/${f} is missing: run \`npm run build\` before the browser tests (they load the built bundles).`);
      }
    }
    const ag = await import(pathToFileURL(esmPath).href);
    const expected = compute(ag);
    const expectedDraws = draws(ag);
    server = await serve();
    browser = await launchChromium();
    env = { browser, server, expected, expectedDraws };
    // Load every page at once; each test awaits its own (failures surface there).
    for (const path of PAGES) open(path).catch(() => {});
  } catch (error) {
    setupError = error;
  }
});

browserSuite.after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
  browser = null;
  server = null;
  env = null;
});

/** Loads a page once and waits for it to store its result; later calls reuse the outcome. */
function open(path: string): Promise<PageOutcome> {
  let outcome = outcomes.get(path);
  if (outcome === undefined) {
    outcome = load(path);
    outcomes.set(path, outcome);
  }
  return outcome;
}

async function load(path: string): Promise<PageOutcome> {
  const { browser, server } = ready();
  const page = await browser.newPage();
  const events: string[] = [];
  page.on('console', (m) => events.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => events.push(`pageerror: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => events.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) events.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  try {
    const response = await page.goto(server.origin + path, { timeout: PAGE_TIMEOUT });
    assert.ok(response?.ok(), `${path}: HTTP ${response?.status()}`);
    try {
      await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, {
        timeout: PAGE_TIMEOUT,
      });
    } catch {
      throw new Error(
        `${path} did not finish within ${PAGE_TIMEOUT / 1000} s.\n` +
          `page events:\n  ${events.join('\n  ') || '(none)'}\nserver log:\n  ${server.log.join('\n  ')}`,
      );
    }
    const outcome = (await page.evaluate(() => {
      const w = globalThis as unknown as PageOutcome;
      return { earlyCall: w.earlyCall, result: w.result, pageErrors: w.pageErrors };
    })) as PageOutcome;
    if (events.some((e) => e.startsWith('pageerror') || e.startsWith('HTTP') || e.startsWith('request failed'))) {
      outcome.pageErrors = [...outcome.pageErrors, ...events];
    }
    return outcome;
  } finally {
    await page.close();
  }
}

function succeeded(path: string, outcome: PageOutcome): Extract<PageOutcome['result'], { ok: true }> {
  const result = outcome.result!;
  if (!result.ok) assert.unreachable(`${path}: the page failed: ${result.error}`);
  return result as Extract<PageOutcome['result'], { ok: true }>;
}

function assertReference(path: string, outcome: PageOutcome): void {
  const { expected, expectedDraws } = ready();
  const result = succeeded(path, outcome);
  const d = firstDifference(result.value, expected);
  assert.ok(d === null, `${path}: Chromium's numbers differ from Node's at ${d} (Chromium vs Node)`);
  const r = firstDifference(
    { float32: result.draws.float32.rand, float64: result.draws.float64.rand },
    { float32: expectedDraws.float32.rand, float64: expectedDraws.float64.rand },
  );
  assert.ok(r === null, `${path}: seeded rand() differs from Node's at ${r} (Chromium vs Node)`);
  assert.is(result.afterReady.threw, false, `${path}: a call after ready threw ${result.afterReady.message}`);
  assert.is(result.afterReady.value, 6);
  assert.equal(outcome.pageErrors, [], `${path}: errors in the page`);
}

/** A call made before `ready` resolved must work, or throw NotReadyError telling to `await ag.ready`. */
function assertEarlyCall(path: string, outcome: PageOutcome): void {
  const early = outcome.earlyCall;
  assert.ok(early !== undefined, `${path}: the page did not record its early call`);
  if (!early!.threw) {
    assert.is(early!.value, 6, `${path}: the early call returned a wrong value`);
    return;
  }
  assert.ok(
    early!.isNotReadyError,
    `${path}: the early call threw ${early!.name}: ${early!.message}; expected the library's NotReadyError`,
  );
  assert.ok(early!.isAutogradError, `${path}: NotReadyError should be an AutogradError`);
  assert.match(early!.message!, /await ag\.ready/, `${path}: the NotReadyError should tell the user to \`await ag.ready\``);
}

/** On the async path a call before `ready` must throw the NotReadyError that says to `await ag.ready`. */
function assertNotReady(path: string, outcome: PageOutcome): void {
  const early = outcome.earlyCall;
  assert.ok(early !== undefined, `${path}: the page did not record its early call`);
  assert.ok(early!.threw, `${path}: with synchronous compilation refused, a call before ready should throw, but returned ${early!.value}`);
  assertEarlyCall(path, outcome);
}

browserSuite('<script src=autograd.min.js>: global AutoGrad computes exactly what Node computes', async () => {
  assertReference(SCRIPT, await open(SCRIPT));
});

browserSuite('<script src=autograd.min.js>: a call before `await AutoGrad.ready` works or throws NotReadyError', async () => {
  assertEarlyCall(SCRIPT, await open(SCRIPT));
});

browserSuite('<script type=module> importing autograd.mjs computes exactly what Node computes', async () => {
  assertReference(MODULE, await open(MODULE));
});

browserSuite('<script type=module>: a call before `await ag.ready` works or throws NotReadyError', async () => {
  assertEarlyCall(MODULE, await open(MODULE));
});

browserSuite('a Web Worker with importScripts(autograd.min.js) computes exactly what Node computes', async () => {
  assertReference(WORKER, await open(WORKER));
});

browserSuite('a Web Worker: a call right after importScripts works or throws NotReadyError', async () => {
  assertEarlyCall(WORKER, await open(WORKER));
});

browserSuite('<script src=autograd.min.js>, sync compile refused: NotReadyError says `await ag.ready`, then the same numbers', async () => {
  const outcome = await open(SCRIPT + LIMIT);
  assertNotReady(SCRIPT + LIMIT, outcome);
  assertReference(SCRIPT + LIMIT, outcome);
});

browserSuite('<script type=module>, sync compile refused: NotReadyError says `await ag.ready`, then the same numbers', async () => {
  const outcome = await open(MODULE + LIMIT);
  assertNotReady(MODULE + LIMIT, outcome);
  assertReference(MODULE + LIMIT, outcome);
});

browserSuite('seeded randn draws are the same bits in Chromium as in Node', async () => {
  const { expectedDraws } = ready();
  for (const path of [SCRIPT, MODULE, WORKER]) {
    const result = succeeded(path, await open(path));
    for (const dtype of ['float32', 'float64'] as const) {
      const d = firstDifference(result.draws[dtype].randn, expectedDraws[dtype].randn, `${dtype}.randn`);
      assert.ok(
        d === null,
        `${path}: ag.seed(7); ag.randn([64], {dtype: '${dtype}'}) differs from Node's at ${d} (Chromium vs Node). ` +
          'randn must not depend on the engine\'s Math.log/Math.sin/Math.cos, which differ in the last bit between V8 versions',
      );
    }
  }
});

browserSuite.run();
