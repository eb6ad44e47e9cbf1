// The folders of src/ are layers (docs/ARCHITECTURE.md): each may import
// from its own layer and the ones below it, never from above. Type-only
// imports may point anywhere (they vanish at build time; the Tensor type's
// methods come from ops/ that way). Within ops/, the family files do not
// import each other: rules reach other ops through `raw`, so there is no
// import cycle among them.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const LAYERS = ['wasm|runtime', 'core', 'ops', 'nn|optim|debug', 'state|index'];
const rank = (folder: string) => LAYERS.findIndex((l) => l.split('|').includes(folder));

function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(src, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`.replace(/^\.\//, '')] : []);
}

/** Value imports of a file, as folder-relative paths under src/. */
function valueImports(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)) {
    if (m[1] !== undefined) continue;
    const target = join(file, '..', m[2]).replace(/\\/g, '/');
    out.push(target);
  }
  return out;
}

const all = files('.');

test('every file of src/ sits in a known layer', () => {
  for (const f of all) {
    const folder = f.includes('/') ? f.split('/')[0] : f.replace(/\.ts$/, '');
    assert.ok(rank(folder) >= 0, `${f}: not in a layer of ${LAYERS.join(' < ')}`);
  }
});

test('no layer imports (by value) from a layer above it', () => {
  const wrong: string[] = [];
  for (const f of all) {
    const from = f.includes('/') ? f.split('/')[0] : 'index';
    for (const target of valueImports(f)) {
      const to = target.includes('/') ? target.split('/')[0] : 'index';
      if (rank(to) > rank(from)) wrong.push(`${f} imports ${target}`);
    }
  }
  assert.equal(wrong, []);
});

test('op family files import no other family (rules call raw.*)', () => {
  const shared = new Set(['ops/define', 'ops/args', 'ops/kernels', 'ops/raw', 'ops/inplace']);
  const wrong: string[] = [];
  for (const f of all.filter((f) => f.startsWith('ops/') && !['ops/all.ts', 'ops/index.ts', 'ops/raw.ts', 'ops/methods.ts'].includes(f))) {
    for (const target of valueImports(f)) {
      if (target.startsWith('ops/') && !shared.has(target)) wrong.push(`${f} imports ${target}`);
    }
  }
  assert.equal(wrong, []);
});

test('the check sees imports (it would report a runtime/ file importing core/)', () => {
  assert.ok(valueImports('core/tape.ts').some((t) => t.startsWith('runtime/')));
  assert.ok(valueImports('ops/unary.ts').includes('ops/raw'));
});

test.run();
