// The built files in dist/, under Node: the ES module, the CommonJS file and
// the minified <script> bundle (evaluated in a fresh vm context that has only
// browser globals, then read from its global `AutoGrad`) must each compute
// the reference computation (test/fixtures/computation.mjs) to exactly the
// numbers src/ computes, expose the same API, print tensors alike, tell
// each other's tensors apart with a clear error, and be reachable through
// package.json's "exports". dist/ is never skipped: if it is missing these
// tests fail and say to run `npm run build`. (test/package.test.ts checks
// the packed tarball as consumers install it.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { inspect } from 'node:util';
import ts from 'typescript';
import * as src from '../src/index';
import { compute, draws, firstDifference, type ReferenceResult } from './fixtures/computation.mjs';

type Lib = typeof src;

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const files = {
  esm: join(dist, 'autograd.mjs'),
  cjs: join(dist, 'autograd.cjs'),
  iife: join(dist, 'autograd.min.js'),
  map: join(dist, 'autograd.min.js.map'),
  dts: join(dist, 'autograd.d.ts'),
  dcts: join(dist, 'autograd.d.cts'),
};
const require = createRequire(import.meta.url);

/** Throws the "run npm run build" error when a built file is missing. */
function requireBuilt(): void {
  const missing = Object.values(files).filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `dist/ is not built: missing ${missing.map((f) => f.slice(root.length)).join(', ')}. ` +
        'Run `npm run build` before `npm test` (the bundle tests check the built files, they never skip).',
    );
  }
}

/** A hint added to mismatch messages when dist/ is older than a source file. */
function staleHint(): string {
  const newest = (dir: string): number => {
    let t = 0;
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, name.name);
      t = Math.max(t, name.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }
    return t;
  };
  const built = Math.min(...Object.values(files).map((f) => statSync(f).mtimeMs));
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'assembly')));
  return sources > built ? ' (dist/ is older than src/ or assembly/: run `npm run build`)' : '';
}

/**
 * Evaluates the <script> bundle the way a page does, in a fresh realm whose
 * globals are only what browsers also have (no process, require, Buffer),
 * and returns that realm's global object.
 */
function evaluateScriptBundle(): vm.Context {
  const sandbox: Record<string, unknown> = {
    atob, btoa, console, TextDecoder, TextEncoder, performance,
    setTimeout, clearTimeout, queueMicrotask,
  };
  const context = vm.createContext(sandbox);
  vm.runInContext(readFileSync(files.iife, 'utf8'), context, { filename: 'dist/autograd.min.js' });
  return context;
}

interface Bundles {
  esm: Lib;
  cjs: Lib;
  iife: Lib;
  /** Names of the iife realm's globals the bundle added. */
  iifeGlobals: string[];
}

let loaded: Promise<Bundles> | null = null;
function bundles(): Promise<Bundles> {
  loaded ??= (async () => {
    requireBuilt();
    const esm = (await import(pathToFileURL(files.esm).href)) as Lib;
    const cjs = require(files.cjs) as Lib;
    const context = evaluateScriptBundle();
    const before = new Set(['atob', 'btoa', 'console', 'TextDecoder', 'TextEncoder', 'performance', 'setTimeout', 'clearTimeout', 'queueMicrotask']);
    const iifeGlobals = Object.keys(context).filter((k) => !before.has(k));
    const iife = (context as { AutoGrad?: Lib }).AutoGrad;
    if (iife === undefined) throw new Error('dist/autograd.min.js did not define the global `AutoGrad`');
    return { esm, cjs, iife, iifeGlobals };
  })();
  return loaded;
}

let reference: ReferenceResult | null = null;
/** The reference numbers, from src/. */
function expected(): ReferenceResult {
  reference ??= compute(src);
  return reference;
}

function assertSameAsSrc(name: string, got: ReferenceResult): void {
  const d = firstDifference(got, expected());
  assert.ok(d === null, `${name} differs from src/ at ${d} (${name} vs src)${d === null ? '' : staleHint()}`);
}

const bundlesSuite = suite('bundles');

bundlesSuite('dist/ holds the six built files', () => {
  requireBuilt();
});

bundlesSuite('the reference computation is deterministic and leaks nothing (src/)', () => {
  const a = compute(src);
  const b = compute(src);
  assert.is(firstDifference(a, b), null);
  for (const dtype of ['float32', 'float64'] as const) {
    assert.equal(a[dtype].leaked, { tensors: 0, bytes: 0 }, `${dtype}: the reference computation leaked`);
    assert.ok(Number.isFinite(a[dtype].loss) && a[dtype].grad.length === 15, `${dtype}: implausible result`);
  }
  // float32 results are float32 numbers; float64 ones are not all representable in float32.
  assert.ok(a.float32.grad.every((v) => Math.fround(v) === v), 'float32 gradients should be float32 values');
  assert.ok(a.float64.grad.some((v) => Math.fround(v) !== v), 'float64 gradients look like float32 values');
});

bundlesSuite('dist/autograd.mjs (import) computes exactly what src/ computes', async () => {
  const { esm } = await bundles();
  assertSameAsSrc('dist/autograd.mjs', compute(esm));
});

bundlesSuite('dist/autograd.cjs (require) computes exactly what src/ computes', async () => {
  const { cjs } = await bundles();
  assertSameAsSrc('dist/autograd.cjs', compute(cjs));
});

bundlesSuite('dist/autograd.min.js (global AutoGrad in a browser-like realm) computes exactly what src/ computes', async () => {
  const { iife } = await bundles();
  assertSameAsSrc('dist/autograd.min.js', compute(iife));
});

bundlesSuite('the three bundles agree with each other bit for bit', async () => {
  const { esm, cjs, iife } = await bundles();
  const r = { esm: compute(esm), cjs: compute(cjs), iife: compute(iife) };
  assert.is(firstDifference(r.cjs, r.esm), null, 'cjs vs esm');
  assert.is(firstDifference(r.iife, r.esm), null, 'min.js vs esm');
  for (const [name, result] of Object.entries(r)) {
    assert.equal(result.float32.leaked, { tensors: 0, bytes: 0 }, `${name} leaked (float32)`);
    assert.equal(result.float64.leaked, { tensors: 0, bytes: 0 }, `${name} leaked (float64)`);
  }
});

bundlesSuite('seeded rand and randn draws are the same in every bundle', async () => {
  const { esm, cjs, iife } = await bundles();
  const want = draws(src);
  for (const [name, ag] of Object.entries({ esm, cjs, iife })) {
    const d = firstDifference(draws(ag), want);
    assert.ok(d === null, `${name}: seeded draws differ from src/ at ${d}`);
  }
});

bundlesSuite('the <script> bundle defines exactly one global, AutoGrad, and is usable at once in Node', async () => {
  const { iife, iifeGlobals } = await bundles();
  assert.equal(iifeGlobals, ['AutoGrad'], 'globals added by dist/autograd.min.js');
  // A second, fresh realm: call the library synchronously right after the
  // script ran, without awaiting ready (Node compiles synchronously).
  const context = evaluateScriptBundle();
  const value = vm.runInContext('AutoGrad.sum(AutoGrad.tensor([1, 2, 3])).item()', context);
  assert.is(value, 6);
  // `ready` is a promise of the bundle's realm, already resolved.
  assert.type(iife.ready?.then, 'function', 'AutoGrad.ready should be a promise');
  await iife.ready;
});

bundlesSuite('every bundle exports the same names as src/index.ts', async () => {
  const { esm, cjs, iife } = await bundles();
  const names = (m: object) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
  const want = names(src);
  assert.equal(names(esm), want, 'dist/autograd.mjs exports');
  assert.equal(names(cjs), want, 'dist/autograd.cjs exports');
  assert.equal(names(iife), want, 'global AutoGrad of dist/autograd.min.js');
});

bundlesSuite('error classes keep their names in every bundle (minification included)', async () => {
  const { esm, cjs, iife } = await bundles();
  for (const [name, ag] of Object.entries({ src, esm, cjs, iife })) {
    let caught: unknown = null;
    try {
      ag.matmul(ag.tensor([1, 2]), ag.tensor([[1, 2, 3]]));
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof (ag.ShapeError as unknown as Function), `${name}: matmul of [2] and [1,3] should throw its ShapeError`);
    assert.ok(caught instanceof (ag.AutogradError as unknown as Function), `${name}: a ShapeError is an AutogradError`);
    const e = caught as Error;
    assert.match(e.message, /matmul/, `${name}: message names the op`);
    assert.is(e.name, 'ShapeError', `${name}: error.name`);
    assert.is(ag.NotReadyError.name, 'NotReadyError', `${name}: NotReadyError.name`);
    assert.is(ag.Tensor.name, 'Tensor', `${name}: Tensor.name`);
  }
});

bundlesSuite('dist/autograd.d.ts declares every runtime export', async () => {
  const { esm } = await bundles();
  // The compiler options of this repository's tsconfig.json, as a user's would be.
  const program = ts.createProgram([files.dts], {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
    types: [],
  });
  const file = program.getSourceFile(files.dts);
  assert.ok(file !== undefined, 'dist/autograd.d.ts could not be parsed');
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(file!);
  assert.ok(symbol !== undefined, 'dist/autograd.d.ts is not a module');
  const declared = new Set(checker.getExportsOfModule(symbol!).map((s) => s.getName()));
  const missing = Object.keys(esm).filter((k) => !declared.has(k));
  assert.equal(missing, [], 'runtime exports missing from dist/autograd.d.ts');
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  assert.equal(
    diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
    'dist/autograd.d.ts has type errors',
  );
});

bundlesSuite('package.json: import("autograd-wasm") resolves to dist/autograd.mjs (self-reference)', async () => {
  const { esm } = await bundles();
  const specifier = 'autograd-wasm'; // a variable, so tsc does not resolve it at type-check time
  assert.is(import.meta.resolve(specifier), pathToFileURL(files.esm).href);
  const self = (await import(specifier)) as Lib;
  assert.is(self, esm, 'import("autograd-wasm") should be the very module dist/autograd.mjs is');
  assertSameAsSrc('import("autograd-wasm")', compute(self));
});

bundlesSuite('package.json: require("autograd-wasm") resolves to dist/autograd.cjs (self-reference)', async () => {
  const { cjs } = await bundles();
  const specifier = 'autograd-wasm';
  assert.is(require.resolve(specifier), files.cjs);
  assert.is(require(specifier), cjs, 'require("autograd-wasm") should be the very module dist/autograd.cjs is');
});

bundlesSuite('package.json: every entry point names a built file, with its own declarations for import and require', () => {
  requireBuilt();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dot = pkg.exports?.['.'];
  const entries: Record<string, string> = {
    main: pkg.main,
    module: pkg.module,
    types: pkg.types,
    unpkg: pkg.unpkg,
    jsdelivr: pkg.jsdelivr,
    'exports["."].import.types': dot?.import?.types,
    'exports["."].import.default': dot?.import?.default,
    'exports["."].require.types': dot?.require?.types,
    'exports["."].require.default': dot?.require?.default,
  };
  for (const [field, path] of Object.entries(entries)) {
    assert.type(path, 'string', `package.json ${field} is missing`);
    assert.ok(existsSync(join(root, path)), `package.json ${field} = ${path}, which does not exist`);
  }
  // "types" must come first in each condition, or TypeScript ignores it; and
  // a .d.ts next to "require" would be read as ESM (TS1471 in .cts files).
  assert.equal(Object.keys(dot.import), ['types', 'default'], 'exports["."].import');
  assert.equal(Object.keys(dot.require), ['types', 'default'], 'exports["."].require');
  assert.is(dot.import.default, './dist/autograd.mjs');
  assert.is(dot.import.types, './dist/autograd.d.ts');
  assert.is(dot.require.default, './dist/autograd.cjs');
  assert.is(dot.require.types, './dist/autograd.d.cts');
  assert.is(pkg.types, './dist/autograd.d.cts', 'top-level "types" (node10 resolution) goes with "main", the CommonJS file');
  assert.ok(pkg.files.includes('dist'), 'package.json "files" should publish dist');
});

bundlesSuite('package.json: no install-time scripts (nothing runs when the package is installed)', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare', 'prepublish']) {
    assert.is(pkg.scripts?.[hook], undefined, `package.json scripts.${hook} would run when the package is installed`);
  }
  // ...so the repository's own scripts build first (scripts/ensure-built.mjs)
  assert.is(pkg.scripts.pretest, 'node scripts/ensure-built.mjs');
  assert.is(pkg.scripts.prestart, 'node scripts/ensure-built.mjs');
});

bundlesSuite('package.json: autograd-wasm/dist/* resolves (the classic-worker build for bundler users)', () => {
  requireBuilt();
  const specifier = 'autograd-wasm/dist/autograd.min.js';
  assert.is(import.meta.resolve(specifier), pathToFileURL(files.iife).href);
  assert.is(require.resolve(specifier), files.iife);
  assert.is(require.resolve('autograd-wasm/package.json'), join(root, 'package.json'));
});

bundlesSuite('dist/autograd.d.cts (for require) declares exactly what dist/autograd.d.ts (for import) does', () => {
  requireBuilt();
  const esm = readFileSync(files.dts, 'utf8');
  assert.ok(esm.startsWith('/// <reference lib="esnext.disposable" />\n'), 'the declarations should reference the lib that has Symbol.dispose');
  assert.ok(readFileSync(files.dcts, 'utf8') === esm, 'dist/autograd.d.cts differs from dist/autograd.d.ts');
});

/** Decodes a source map's `mappings` for one generated line: [column, source index, original line][]. */
function decodeLine(mappings: string, line: number): [number, number, number][] {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const state = [0, 0, 0, 0];
  const out: [number, number, number][] = [];
  const lines = mappings.split(';');
  for (let l = 0; l <= line; l++) {
    state[0] = 0;
    for (const segment of lines[l].split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const c of segment) {
        const digit = chars.indexOf(c);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      for (let i = 0; i < Math.min(fields.length, 4); i++) state[i] += fields[i];
      if (l === line && fields.length >= 4) out.push([state[0], state[1], state[2]]);
    }
  }
  return out;
}

bundlesSuite('dist/autograd.min.js has a source map that leads back to src/', () => {
  requireBuilt();
  const code = readFileSync(files.iife, 'utf8');
  assert.ok(code.trimEnd().endsWith('//# sourceMappingURL=autograd.min.js.map'), 'the minified file should point at its map');
  assert.ok(code.startsWith('/*! autograd-wasm '), 'the minified file should open with its licence banner');
  const map = JSON.parse(readFileSync(files.map, 'utf8')) as { version: number; sources: string[]; sourcesContent?: string[]; mappings: string };
  assert.is(map.version, 3);
  assert.ok(map.sources.some((s) => s.endsWith('src/wasm/index.ts')), `sources: ${map.sources.slice(0, 5).join(', ')}...`);
  assert.is(map.sourcesContent?.length, map.sources.length, 'the map should carry the sources (they are not in the package)');
  // The CSP message is written once, in src/wasm/index.ts: its position in
  // the minified code must map to that file, near the line that holds it.
  const index = code.indexOf("Add 'wasm-unsafe-eval' to script-src");
  assert.ok(index > 0, 'the CSP message is missing from the minified file');
  const line = code.slice(0, index).split('\n').length - 1;
  const column = index - (code.lastIndexOf('\n', index - 1) + 1);
  const segment = decodeLine(map.mappings, line).filter(([c]) => c <= column).pop();
  assert.ok(segment !== undefined, 'no mapping before the CSP message');
  const source = map.sources[segment![1]];
  assert.ok(source.endsWith('src/wasm/index.ts'), `the CSP message maps to ${source}`);
  const original = map.sourcesContent![segment![1]].split('\n');
  const holder = original.findIndex((l) => l.includes("Add 'wasm-unsafe-eval' to script-src"));
  assert.ok(Math.abs(segment![2] - holder) <= 3, `maps to line ${segment![2] + 1}, the message is on line ${holder + 1}`);
});

bundlesSuite('a tensor of the CommonJS build passed to the ES module build (and back) is reported as another copy', async () => {
  const { esm, cjs, iife } = await bundles();
  const pairs: [string, Lib, string, Lib][] = [
    ['dist/autograd.cjs', cjs, 'dist/autograd.mjs', esm],
    ['dist/autograd.mjs', esm, 'dist/autograd.cjs', cjs],
    ['dist/autograd.min.js', iife, 'dist/autograd.mjs', esm],
  ];
  for (const [fromName, from, toName, to] of pairs) {
    const foreign = from.tensor([1, 2]);
    const own = to.tensor([3, 4]);
    const before = to.memory().liveTensors;
    const ownTape = to.diff(() => to.sum(own));
    for (const call of [() => to.add(own, foreign), () => to.sum(foreign), () => to.grad(ownTape, foreign)]) {
      let caught: unknown = null;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      assert.ok(caught instanceof (to.ArgumentError as unknown as Function), `${toName}: expected an ArgumentError, got ${String(caught)}`);
      const message = (caught as Error).message;
      assert.ok(message.includes(`a Tensor of another copy of autograd-wasm (${fromName} `), message);
      assert.ok(message.includes(`this is ${toName} `), message);
      assert.match(message, /load the library one way only/);
    }
    ownTape.dispose();
    const tape = from.diff(() => from.sum(foreign));
    assert.throws(() => to.grad(tape, own), (e: Error) => e.message.includes(`a Tape of another copy of autograd-wasm (${fromName} `));
    tape.dispose();
    assert.is(to.memory().liveTensors, before, `${toName}: the failed calls left tensors allocated`);
    foreign.dispose();
    own.dispose();
  }
  // Another library's class that happens to be called Tensor is not taken for a copy.
  class Tensor {}
  assert.throws(() => esm.sum(new Tensor() as never), (e: Error) => e.message === 'sum: x must be a Tensor, got Tensor');
});

bundlesSuite('every bundle prints tensors as src/ does (toString and console.log)', async () => {
  const { esm, cjs, iife } = await bundles();
  const want = String(src.tensor([[1, 2.5], [3, 4]]));
  for (const [name, ag] of Object.entries({ esm, cjs, iife })) {
    const t = ag.tensor([[1, 2.5], [3, 4]]);
    assert.is(String(t), want, `${name}: toString`);
    assert.is(inspect(t), want, `${name}: util.inspect`);
    t.dispose();
  }
});

bundlesSuite.run();
