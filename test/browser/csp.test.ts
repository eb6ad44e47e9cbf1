// The built bundles under a strict Content-Security-Policy, in headless
// Chromium, with the policy sent as an HTTP header on every response (the
// page, its scripts, the worker). Under `script-src 'self'` WebAssembly may
// not compile: the library must say that 'wasm-unsafe-eval' is what
// script-src needs (not the browser's 'unsafe-eval'), in the call made right
// after loading, in `ready`'s rejection and in every later call, and must
// not raise an uncaught error or unhandled rejection of its own. Under
// `script-src 'self' 'wasm-unsafe-eval'` (the advice) everything works.
// Pages: test/browser/pages/csp/ (no inline scripts: the policy forbids them).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { launchChromium, root } from './harness';
import { serveWithPolicies, type PolicyServer } from './csp-server';

interface Attempt {
  threw: boolean;
  value?: number;
  name?: string;
  message?: string;
  isNotReadyError?: boolean;
}
interface Outcome {
  early: Attempt;
  ready: { rejected: boolean; name?: string; message?: string; isNotReadyError?: boolean };
  later: Attempt;
}

const POLICIES = {
  strict: "script-src 'self'",
  wasm: "script-src 'self' 'wasm-unsafe-eval'",
};
const PAGES = ['classic.html', 'module.html', 'worker.html'];
const TIMEOUT = 20_000;

let browser: Browser | null = null;
let server: PolicyServer | null = null;
let setupError: unknown = null;

const csp = suite('browser: Content-Security-Policy');

csp.before(async () => {
  try {
    server = await serveWithPolicies(root, POLICIES);
    browser = await launchChromium();
  } catch (error) {
    setupError = error;
  }
});

csp.after(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
});

async function visit(policy: keyof typeof POLICIES, page: string): Promise<{ outcome: Outcome; errors: string[] }> {
  if (setupError !== null) throw setupError;
  const tab = await browser!.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  try {
    const url = `${server!.origin}/${policy}/test/browser/pages/csp/${page}`;
    const response = await tab.goto(url, { timeout: TIMEOUT });
    assert.is(response?.headers()['content-security-policy'], POLICIES[policy], 'the page should be served with the policy');
    try {
      await tab.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, { timeout: TIMEOUT });
    } catch {
      throw new Error(`${url} did not finish; requests:\n  ${server!.log.join('\n  ')}`);
    }
    const { outcome, pageErrors } = await tab.evaluate(() => {
      const g = globalThis as unknown as { result: Outcome; pageErrors: string[] };
      return { outcome: g.result, pageErrors: g.pageErrors };
    });
    return { outcome, errors: [...errors, ...pageErrors] };
  } finally {
    await tab.close();
  }
}

/** The reason the library must give, whatever the call. */
function assertPolicyReason(where: string, message: string | undefined): void {
  assert.type(message, 'string', `${where}: no message`);
  assert.ok(message!.includes("Add 'wasm-unsafe-eval' to script-src"), `${where}: the error should say to add 'wasm-unsafe-eval' to script-src: ${message}`);
  assert.ok(message!.includes(`("${POLICIES.strict}")`), `${where}: the error should quote the page's directive: ${message}`);
  assert.ok(message!.includes("'unsafe-eval', which the browser's message names, is not needed"), `${where}: ${message}`);
  assert.not.match(message!, /await ag\.ready/, `${where}: the real failure must not be hidden behind "await ag.ready"`);
}

for (const page of PAGES) {
  csp(`${page} under script-src 'self': every call and ready say to add 'wasm-unsafe-eval', nothing uncaught`, async () => {
    const { outcome, errors } = await visit('strict', page);
    const { early, ready, later } = outcome;
    assert.ok(early.threw, `${page}: the call right after loading returned ${early.value}`);
    assert.ok(early.isNotReadyError, `${page}: the early call threw ${early.name}, expected NotReadyError`);
    assertPolicyReason(`${page}, early call`, early.message);
    assert.ok(ready.rejected, `${page}: ready should reject`);
    assert.ok(ready.isNotReadyError, `${page}: ready rejected with ${ready.name}`);
    assertPolicyReason(`${page}, ready`, ready.message);
    assert.ok(later.threw && later.isNotReadyError, `${page}: a call after ready rejected should throw NotReadyError`);
    assert.is(later.message, ready.message, `${page}: later calls repeat the reason`);
    assert.equal(errors, [], `${page}: uncaught errors or unhandled rejections`);
  });

  csp(`${page} under script-src 'self' 'wasm-unsafe-eval' (the advice): the library works`, async () => {
    const { outcome, errors } = await visit('wasm', page);
    assert.ok(!outcome.ready.rejected, `${page}: ready rejected: ${outcome.ready.message}`);
    if (outcome.early.threw) assert.match(outcome.early.message!, /await ag\.ready/, `${page}: early call: ${outcome.early.message}`);
    else assert.is(outcome.early.value, 6);
    assert.is(outcome.later.value, 6, `${page}: ${outcome.later.message}`);
    assert.equal(errors, [], `${page}: errors in the page`);
  });
}

csp.run();
