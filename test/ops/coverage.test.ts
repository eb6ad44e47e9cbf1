// The op registry (every `op(...)` / `compose(...)` declaration) is the list
// the op tables must cover: declaring an op without a table row fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import * as ops from '../../src/ops/index';
import { declared } from '../../src/ops/define';
import type { OpCase } from './harness';

/** Exports of src/ops that are helpers, not declared ops. */
const NOT_OPS = new Set(['axpy', 'assign_']);

async function listed(): Promise<Set<string>> {
  const names = new Set<string>();
  const dir = new URL('./', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.table.ts'))) {
    const mod = (await import(new URL(file, dir).href)) as { cases: OpCase[] };
    for (const c of mod.cases) names.add(c.name);
  }
  return names;
}

test('every declared op is listed in an op table', async () => {
  const inTables = await listed();
  const missing = declared.map((d) => d.name).filter((name) => !inTables.has(name));
  assert.equal(missing, [], `ops missing from test/ops/*.table.ts: ${missing.join(', ')}`);
});

test('every exported function of src/ops is a declared op (or a listed helper), under its own name', () => {
  const byFn = new Map(declared.map((d) => [d.fn, d.name]));
  const undeclared = Object.entries(ops)
    .filter(([name, value]) => typeof value === 'function' && !NOT_OPS.has(name))
    .filter(([name, value]) => byFn.get(value as (...args: unknown[]) => unknown) !== name)
    .map(([name]) => name);
  assert.equal(undeclared, []);
});

test('the registry is not empty and names are unique', () => {
  assert.ok(declared.length > 100, `${declared.length} declared ops`);
  assert.equal(new Set(declared.map((d) => d.name)).size, declared.length);
});

test.run();
