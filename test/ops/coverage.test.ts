// Every exported differentiable op appears in an op table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import * as ops from '../../src/ops/index';
import type { OpCase } from './harness';

/** Exports of src/ops that are helpers, not ops. */
const NOT_OPS = new Set(['axpy']);

test('every exported op is listed in an op table', async () => {
  const listed = new Set<string>();
  const dir = new URL('./', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.table.ts'))) {
    const mod = (await import(new URL(file, dir).href)) as { cases: OpCase[] };
    for (const c of mod.cases) listed.add(c.name);
  }
  const missing = Object.entries(ops)
    .filter(([name, value]) => typeof value === 'function' && !NOT_OPS.has(name))
    .map(([name]) => name)
    .filter((name) => !listed.has(name));
  assert.equal(missing, [], `ops missing from test/ops/*.table.ts: ${missing.join(', ')}`);
});

test.run();
