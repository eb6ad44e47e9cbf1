// The README's op reference is generated from the doc comments and op tables;
// it must be up to date (run `npm run docs`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { opReference, replaceSection } from '../scripts/op-reference';

test('the README op reference matches the code (npm run docs)', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const expected = replaceSection(readme, await opReference());
  assert.ok(readme === expected, 'README.md op reference is stale: run `npm run docs`');
});

test('every exported op has a one-line doc comment in the reference', async () => {
  const table = await opReference();
  const ops = await import('../src/ops/index');
  const missing = Object.entries(ops)
    .filter(([name, v]) => typeof v === 'function' && !['unbroadcast', 'axpy'].includes(name))
    .map(([name]) => name)
    .filter((name) => !table.includes(`| \`${name}\` |`));
  assert.equal(missing, [], `ops without a doc comment in src/ops: ${missing.join(', ')}`);
});

test.run();
