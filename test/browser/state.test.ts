// A model saved in Node reloads bit-identically in Chromium from the same
// blob: Node builds and trains the model of test/fixtures/state-model.mjs
// with dist/autograd.mjs and saves it (with its Adam state); the page builds
// the same architecture from another seed, loads the bytes, and must save
// exactly the same bytes, compute exactly the same loss, and after one more
// Adam step hold exactly the state Node holds after that step.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, lossBits, step } from '../fixtures/state-model.mjs';
import { launchChromium, root, serve } from './harness';

const test = suite('browser: a saved state reloads bit-identically in Chromium');

test('saveState in Node, loadState in Chromium', async () => {
  const ag = (await import(pathToFileURL(join(root, 'dist', 'autograd.mjs')).href)) as typeof import('../../src/index');
  const { model, opt } = build(ag, 1);
  step(ag, model, opt);
  step(ag, model, opt);
  const bytes = ag.saveState(model, opt);
  const expectedLoss = lossBits(ag, model);
  step(ag, model, opt);
  const expectedAfter = Array.from(ag.saveState(model, opt));

  const server = await serve();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.origin}/test/browser/pages/state.html`, { timeout: 20_000 });
    await page.waitForFunction(() => (globalThis as { pageReady?: boolean }).pageReady === true, undefined, { timeout: 20_000 });
    const result = await page.evaluate((b) => (globalThis as unknown as { reload: (b: number[]) => Promise<{ resaved: number[]; loss: number[]; afterStep: number[] }> }).reload(b), Array.from(bytes));
    assert.equal(errors, [], 'no page errors');
    assert.ok(result.resaved.length === bytes.length && result.resaved.every((v, i) => v === bytes[i]), 'the page saves the very bytes it loaded');
    assert.equal(result.loss, expectedLoss, 'the same loss, bit for bit');
    assert.ok(result.afterStep.length === expectedAfter.length && result.afterStep.every((v, i) => v === expectedAfter[i]), 'one more Adam step gives the same state in both');
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }
});

test.run();
