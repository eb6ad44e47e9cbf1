// The package as consumers get it. `npm pack` makes the tarball from the
// built dist/ (nothing runs at pack or install time); then, on that tarball:
//   - publint --strict and @arethetypeswrong/cli report nothing;
//   - its contents and package.json metadata are complete, with no
//     install-time script, and `npm install` of it (offline: the package has
//     no dependencies) prints no warning;
//   - in a fresh temporary project where it is installed: Node ESM and CJS
//     import it and compute, resolve its subpaths, and a tensor passed from
//     one build to the other is reported as another copy; TypeScript --strict
//     compiles test/types/api.ts as ESM and CommonJS under node16 and
//     nodenext resolution and as a bundler project (no DOM, no @types/node);
//     a rollup build of a small app runs in Chromium under a strict
//     Content-Security-Policy with 'wasm-unsafe-eval'.
// Everything comes from this repository's node_modules (rollup, typescript,
// publint, attw, playwright-core): no network. About 6-8 s of the suite.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { rollup } from 'rollup';
import nodeResolve from '@rollup/plugin-node-resolve';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser/harness';
import { serveWithPolicies } from './browser/csp-server';
import { notices } from '../scripts/third-party-notices.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, without a shell. */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The path of a devDependency's command-line script (its package.json "bin"). */
function bin(name: string, command: string): string {
  const manifest = join(root, 'node_modules', name, 'package.json');
  const field = JSON.parse(readFileSync(manifest, 'utf8')).bin;
  return join(dirname(manifest), typeof field === 'string' ? field : field[command]);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Packed {
  dir: string;
  tarball: string;
  files: string[];
  manifest: Record<string, unknown> & { scripts?: Record<string, string> };
  install: Run;
  /** the temporary consumer project, with the tarball installed */
  project: string;
  // Still running while the consumer tests run (attw takes the longest):
  // the tests that need them come last and wait.
  publint: Promise<Run>;
  attw: Promise<Run>;
}

let packed: Promise<Packed> | null = null;
/** The temporary directory (tarball, consumer project), removed after the suite. */
let scratch: string | null = null;

function consumerFiles(project: string): void {
  writeFileSync(
    join(project, 'esm.mjs'),
    `import * as ag from 'autograd-wasm';
import { createRequire } from 'node:module';
const out = {};
const x = ag.Param([1, 2, 3]);
const tape = ag.diff(() => ag.sum(ag.mul(x, x)));
out.grad = Array.from(ag.grad(tape, x).data());
out.main = import.meta.resolve('autograd-wasm');
out.script = import.meta.resolve('autograd-wasm/dist/autograd.min.js');
out.text = String(ag.tensor([1, 2]));
const cjs = createRequire(import.meta.url)('autograd-wasm');
try { ag.add(ag.tensor([1]), cjs.tensor([1])); } catch (e) { out.mixed = e.message; }
console.log(JSON.stringify(out));
`,
  );
  writeFileSync(
    join(project, 'cjs.cjs'),
    `const ag = require('autograd-wasm');
const [g, loss] = ag.gradloss((w) => ag.sum(ag.mul(w, w)))(ag.tensor([3, 4]));
console.log(JSON.stringify({
  grad: Array.from(g.data()), loss,
  main: require.resolve('autograd-wasm'),
  script: require.resolve('autograd-wasm/dist/autograd.min.js'),
  version: require('autograd-wasm/package.json').version,
}));
`,
  );
  const spec = readFileSync(join(root, 'test', 'types', 'api.ts'), 'utf8');
  for (const name of ['api.mts', 'api.cts', 'api.ts']) writeFileSync(join(project, name), spec);
  writeFileSync(
    join(project, 'app.js'),
    `import * as ag from 'autograd-wasm';
await ag.ready;
const x = ag.Param([1, 2, 3]);
const tape = ag.diff(() => ag.sum(ag.mul(x, x)));
globalThis.result = { grad: Array.from(ag.grad(tape, x).data()), text: String(ag.tensor([1, 2])) };
`,
  );
  writeFileSync(join(project, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="bundle.js"></script>');
}

function setUp(): Promise<Packed> {
  packed ??= (async () => {
    for (const f of ['autograd.mjs', 'autograd.cjs', 'autograd.min.js', 'autograd.d.ts', 'autograd.d.cts']) {
      if (!existsSync(join(root, 'dist', f))) throw new Error(`dist/${f} is missing: run \`npm run build\``);
    }
    const dir = mkdtempSync(join(tmpdir(), 'autograd-wasm-package-'));
    scratch = dir;
    const pack = await run(npm, ['pack', '--json', '--pack-destination', dir], root);
    if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    const report = JSON.parse(pack.stdout)[0] as { filename: string; files: { path: string }[] };
    const tarball = join(dir, report.filename);
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // Independent of each other: run side by side.
    const publint = run(process.execPath, [bin('publint', 'publint'), 'run', tarball, '--strict'], dir);
    const attw = run(process.execPath, [bin('@arethetypeswrong/cli', 'attw'), tarball, '--format', 'json'], dir);
    const install = await run(npm, ['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel', 'warn'], project);
    if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
    consumerFiles(project);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'autograd-wasm', 'package.json'), 'utf8'));
    return { dir, tarball, files: report.files.map((f) => f.path).sort(), manifest, publint, attw, install, project };
  })();
  return packed;
}

const test = suite('package (packed tarball, consumer projects)');

test.after(async () => {
  // let the tools still running (a failed test may not have waited) finish first
  await packed?.then((p) => Promise.all([p.publint, p.attw])).catch(() => {});
  if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
});

test('the tarball holds the builds, declarations, source map, licences, changelog and README, nothing else', async () => {
  const { files } = await setUp();
  assert.equal(files, [
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'THIRD_PARTY_NOTICES.md',
    'dist/autograd.cjs',
    'dist/autograd.d.cts',
    'dist/autograd.d.ts',
    'dist/autograd.min.js',
    'dist/autograd.min.js.map',
    'dist/autograd.mjs',
    'package.json',
  ]);
});

test('the packed package.json: licence, repository, homepage, bugs, keywords, engines; no install-time script', async () => {
  const { manifest } = await setUp();
  assert.is(manifest.license, 'MIT');
  const repository = manifest.repository as { type: string; url: string };
  assert.is(repository.type, 'git');
  const web = repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  assert.is(manifest.homepage, `${web}#readme`);
  assert.equal(manifest.bugs, { url: `${web}/issues` });
  assert.ok(Array.isArray(manifest.keywords) && (manifest.keywords as string[]).includes('autograd'));
  assert.equal(manifest.engines, { node: '>=18' });
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.is(manifest.scripts?.[hook], undefined, `scripts.${hook} would run when the package is installed`);
  }
});

test('npm install of the tarball (offline) succeeds and prints no warning', async () => {
  const { install } = await setUp();
  assert.is(install.code, 0, install.stderr);
  assert.is(install.stderr.trim(), '', `npm printed: ${install.stderr}`);
});

test('LICENSE is MIT, and THIRD_PARTY_NOTICES.md carries the installed AssemblyScript NOTICE and licence (npm run notices)', () => {
  assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} /);
  assert.ok(readFileSync(join(root, 'THIRD_PARTY_NOTICES.md'), 'utf8') === notices(), 'THIRD_PARTY_NOTICES.md is out of date: run `npm run notices`');
});

test("the README works on the registry page: every image is an absolute URL, every relative link a packed file", async () => {
  const { files } = await setUp();
  const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length > 0, 'the README has no image');
  for (const url of images) assert.match(url, /^https:\/\//, `image ${url} is relative: the registry page cannot show it`);
  const links = [...readme.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  for (const url of links.filter((u) => !/^(https?:|#|mailto:)/.test(u))) {
    assert.ok(files.includes(url), `link ${url} is relative and not in the package`);
  }
  // and it opens with how to install the package, not only with repository commands
  assert.match(readme.slice(0, 1500), /npm install autograd-wasm/);
});

test('Node ESM: import computes a gradient; exports and the dist/* subpath resolve; a CommonJS tensor is reported as another copy', async () => {
  const { project } = await setUp();
  const r = await run(process.execPath, ['esm.mjs'], project);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const dist = `file://${join(project, 'node_modules', 'autograd-wasm', 'dist')}`;
  assert.equal(out.grad, [2, 4, 6]);
  assert.is(out.main, `${dist}/autograd.mjs`);
  assert.is(out.script, `${dist}/autograd.min.js`);
  assert.is(out.text, 'Tensor([1, 2], dtype=float32, shape=[2])');
  assert.match(out.mixed, /^add: b must be a Tensor or a number, got a Tensor of another copy of autograd-wasm \(dist\/autograd\.cjs 0\.1\.0; this is dist\/autograd\.mjs 0\.1\.0\)/);
});

test('Node CommonJS: require computes gradloss; main and the dist/* subpath resolve', async () => {
  const { project } = await setUp();
  const r = await run(process.execPath, ['cjs.cjs'], project);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const dist = join(project, 'node_modules', 'autograd-wasm', 'dist');
  assert.equal(out.grad, [6, 8]);
  assert.is(out.loss, 25);
  assert.is(out.main, join(dist, 'autograd.cjs'));
  assert.is(out.script, join(dist, 'autograd.min.js'));
  assert.is(out.version, pkg.version);
});

/**
 * Type-checks files of the consumer project. The declarations themselves are
 * checked under node16 (as ESM and as CommonJS: skipLibCheck off), and under
 * bundler resolution by test/types.test.ts; the other runs skip them.
 */
function compile(project: string, files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(
    files.map((f) => join(project, f)),
    { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [], ...options },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined) return `TS${d.code}: ${text}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${d.file.fileName.slice(project.length + 1)}:${line + 1}: TS${d.code}: ${text}`;
  });
}

for (const [label, module, resolution, skipLibCheck] of [
  ['node16', ts.ModuleKind.Node16, ts.ModuleResolutionKind.Node16, false],
  ['nodenext', ts.ModuleKind.NodeNext, ts.ModuleResolutionKind.NodeNext, true],
] as const) {
  test(`TypeScript --strict, ${label}: the type spec compiles as ESM (.mts, import) and as CommonJS (.cts, require)`, async () => {
    const { project } = await setUp();
    assert.equal(compile(project, ['api.mts', 'api.cts'], { module, moduleResolution: resolution, skipLibCheck }), []);
  });
}

test('TypeScript --strict, bundler resolution: the type spec compiles', async () => {
  const { project } = await setUp();
  const options = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true };
  assert.equal(compile(project, ['api.ts'], options), []);
});

test("a rollup build of an app importing the package runs in Chromium under script-src 'self' 'wasm-unsafe-eval'", async () => {
  const { project } = await setUp();
  const bundle = await rollup({ input: join(project, 'app.js'), plugins: [nodeResolve({ browser: true })], logLevel: 'silent' });
  await bundle.write({ file: join(project, 'bundle.js'), format: 'es' });
  await bundle.close();
  const policy = "script-src 'self' 'wasm-unsafe-eval'";
  const server = await serveWithPolicies(project, { app: policy });
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${server.origin}/app/index.html`);
    assert.is(response?.headers()['content-security-policy'], policy);
    await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, { timeout: 20_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { result: { grad: number[]; text: string } }).result);
    assert.equal(result.grad, [2, 4, 6]);
    assert.is(result.text, 'Tensor([1, 2], dtype=float32, shape=[2])');
    assert.equal(errors, []);
  } finally {
    await browser?.close();
    await server.close();
  }
});

test('publint --strict on the tarball: no errors, warnings or suggestions', async () => {
  const publint = await (await setUp()).publint;
  assert.is(publint.code, 0, publint.stdout + publint.stderr);
  assert.match(publint.stdout, /All good!/, publint.stdout);
});

test('@arethetypeswrong/cli on the tarball: no problems under node10, node16 (CJS and ESM) and bundler', async () => {
  const attw = await (await setUp()).attw;
  const report = JSON.parse(attw.stdout) as {
    analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }> };
  };
  assert.equal(report.analysis.problems, [], 'attw problems');
  assert.is(attw.code, 0, attw.stderr);
  // and each resolution mode finds the declarations of its module format
  const resolved = Object.fromEntries(
    Object.entries(report.analysis.entrypoints['.'].resolutions).map(([mode, r]) => [mode, r.resolution?.fileName]),
  );
  assert.equal(resolved, {
    node10: '/node_modules/autograd-wasm/dist/autograd.d.cts',
    'node16-cjs': '/node_modules/autograd-wasm/dist/autograd.d.cts',
    'node16-esm': '/node_modules/autograd-wasm/dist/autograd.d.ts',
    bundler: '/node_modules/autograd-wasm/dist/autograd.d.ts',
  });
});

test.run();
