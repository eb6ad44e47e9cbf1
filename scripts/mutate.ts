// Mutation testing, as a reviewer would do it by hand: put one small bug into
// a copy of the code, run the tests that should notice, and see whether they
// do. `npm run mutate` (not part of CI: it rebuilds the kernels for every
// mutation of assembly/ and takes several minutes) runs the list below on a
// scratch copy of the working tree and prints a table: which mutations the
// suite caught, by which tests, and which survived.
//
//   npm run mutate                     every mutation
//   npm run mutate -- --only col2im    those whose id contains "col2im"
//   npm run mutate -- --list           the list, without running anything
//   npm run mutate -- --keep           keep the scratch copy (its path is printed)
//
// Each mutation names the test expected to catch it ("expect"): the table
// says whether that test failed, so a mutation caught only by accident (a
// crash elsewhere) shows. A mutation whose text no longer matches the code
// is reported as stale, not silently skipped.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Mutation {
  id: string;
  /** The bug, in a few words. */
  what: string;
  file: string;
  /** [original, mutated] text pairs; each original must occur exactly once in the file. */
  edits: [string, string][];
  /** Test-file filters for test/run.ts (default: every suite but the slow ones that need dist/ or a browser). */
  tests?: string[];
  /** The test (uvu test name, or a fragment of it) expected to fail. */
  expect: string;
  /** Set for a change that is not a bug (why): it should survive, and the table says so. */
  equivalent?: string;
}

const MUTATIONS: Mutation[] = [
  // ---- found by hand in review (issue 16): float32-only kernels, layers, a small rule error ----
  {
    id: 'col2im-f32-lanes',
    what: 'col2im steps by the float64 lane count: the float32 conv2d input gradient adds some columns twice',
    file: 'assembly/nn.ts',
    edits: [['const lanes = 16 / sizeof<T>();\n  const p = <usize>ho * <usize>wo;', 'const lanes = 2;\n  const p = <usize>ho * <usize>wo;']],
    tests: ['ops/nn', 'backward-kernels'],
    expect: 'conv2d: float32 gradients agree with float64',
  },
  {
    id: 'conv2d-layer-no-bias',
    what: 'nn.Conv2d ignores its bias',
    file: 'src/nn/index.ts',
    edits: [['return this.b === null ? y : add(y, reshape(this.b, [1, this.b.shape[0], 1, 1]));', 'return y;']],
    tests: ['nn.test'],
    expect: 'Conv2d: value',
  },
  {
    id: 'layernorm-layer-no-gamma',
    what: 'nn.LayerNorm ignores gamma',
    file: 'src/nn/index.ts',
    edits: [['add(mul(layerNorm(x, -1, this.options.eps ?? 1e-5), this.gamma), this.beta)', 'add(layerNorm(x, -1, this.options.eps ?? 1e-5), this.beta)']],
    tests: ['nn.test'],
    expect: 'LayerNorm: value',
  },
  {
    id: 'linear-layer-no-bias',
    what: 'nn.Linear ignores its bias',
    file: 'src/nn/index.ts',
    edits: [['return this.b === null ? y : add(y, this.b);', 'return y;']],
    tests: ['nn.test'],
    expect: 'Linear: value',
  },
  {
    id: 'logsumexp-grad-1e-5',
    what: 'logsumexp gradient off by a relative 1e-5',
    file: 'src/ops/reduce.ts',
    edits: [[
      'mul(expand(dy, x, axes, keepdims), exp(sub(x, expand(y, x, axes, keepdims)))),',
      'mul(mul(expand(dy, x, axes, keepdims), exp(sub(x, expand(y, x, axes, keepdims)))), 1 + 1e-5),',
    ]],
    tests: ['ops/reduce'],
    expect: 'logsumexp: gradcheck order 2',
  },
  // ---- caught before issue 16 (kept so they stay caught) ----
  {
    id: 'tanh-half-second-order',
    what: "tanh's rule differentiates only one factor of y²: the second derivative is halved",
    file: 'src/ops/unary.ts',
    edits: [
      ["import { primitive, zerograd } from '../core/primitive';", "import { primitive, zerograd } from '../core/primitive';\nimport { value } from '../core/diff';"],
      ['(dy, y) => mul(dy, sub(1, mul(y, y))));', '(dy, y) => mul(dy, sub(1, mul(y, value(y)))));'],
    ],
    tests: ['ops/basic'],
    expect: 'tanh: gradcheck order 2',
  },
  {
    id: 'logsumexp-no-hessian',
    what: "logsumexp's gradient is a constant on the tape (no second-order term)",
    file: 'src/ops/reduce.ts',
    edits: [
      ["import { primitive, zerograd } from '../core/primitive';", "import { primitive, zerograd } from '../core/primitive';\nimport { value } from '../core/diff';"],
      [
        'mul(expand(dy, x, axes, keepdims), exp(sub(x, expand(y, x, axes, keepdims)))),',
        'mul(expand(dy, x, axes, keepdims), value(exp(sub(x, expand(y, x, axes, keepdims))))),',
      ],
    ],
    tests: ['ops/reduce'],
    expect: 'logsumexp: gradcheck order 2',
  },
  {
    id: 'conv2d-weight-grad-group-offset',
    what: "conv2d's weight gradient reads each group's input channels at the output channels' offset",
    file: 'src/ops/nn-impl.ts',
    edits: [[
      'const xg = x._ptr + (b * q.cin + g * q.cg) * q.h * q.w * q.bytes;\n        if (!q.direct) runIm2col(q, spec, q.im2col, xg, cols);\n        const dyg',
      'const xg = x._ptr + (b * q.cin + g * q.coutg) * q.h * q.w * q.bytes;\n        if (!q.direct) runIm2col(q, spec, q.im2col, xg, cols);\n        const dyg',
    ]],
    tests: ['ops/nn'],
    expect: 'conv2d: gradcheck order 2',
  },
  {
    id: 'layernorm-variance-detached',
    what: "layerNorm's variance is a constant on the tape",
    file: 'src/ops/nn.ts',
    edits: [['const v = mean(abs2(xc), axes, true);', 'const v = value(mean(abs2(xc), axes, true));']],
    tests: ['ops/nn'],
    expect: 'layerNorm: gradcheck order 2',
  },
  {
    id: 'solve-grad-untransposed',
    what: "solve's gradient for b solves with a instead of aᵀ",
    file: 'src/ops/linalg.ts',
    edits: [['(dy, _x, a: Tensor, b: Tensor, vector: boolean) => unbroadcast(b, solveOp(transposeLast(a), dy, vector)),', '(dy, _x, a: Tensor, b: Tensor, vector: boolean) => unbroadcast(b, solveOp(a, dy, vector)),']],
    tests: ['ops/linalg'],
    expect: 'solve: gradcheck order 2',
  },
  {
    id: 'sqrt-no-half',
    what: "sqrt's gradient without its 1/2",
    file: 'src/ops/unary.ts',
    edits: [["const sqrtOp = primitive('sqrt', unary('sqrt'), (dy, y) => div(dy, mul(y, 2)));", "const sqrtOp = primitive('sqrt', unary('sqrt'), (dy, y) => div(dy, y));"]],
    tests: ['ops/basic'],
    expect: 'sqrt: gradcheck order 2',
  },
  // ---- more float32-only kernel bugs of the kinds gradcheck cannot see ----
  {
    id: 'maxpool-scatter-f32-lane',
    what: 'the float32 max-pool gradient sends the 4th window of each vector to the 3rd one\'s position',
    file: 'assembly/nn.ts',
    edits: [['visitArgmax<T>(src, out, base, q + 3, i32x4.extract_lane(at, 3), scatter);', 'visitArgmax<T>(src, out, base, q + 3, i32x4.extract_lane(at, 2), scatter);']],
    tests: ['ops/nn', 'backward-kernels'],
    expect: 'maxPool2d: float32 gradients agree with float64',
  },
  {
    id: 'embedding-scatter-tail',
    what: 'the embedding gradient drops the last element of rows whose width is not a multiple of the lanes',
    file: 'assembly/nn.ts',
    edits: [['    for (; k < d; k++) {\n      const o = <usize>k << shift;\n      store<T>(a + o, load<T>(a + o) + load<T>(b + o));', '    for (; k < d - 1; k++) {\n      const o = <usize>k << shift;\n      store<T>(a + o, load<T>(a + o) + load<T>(b + o));']],
    tests: ['ops/nn', 'backward-kernels'],
    expect: 'embedding_scatter_add',
  },
  {
    id: 'adam-f32-lanes',
    what: 'the float32 Adam update steps by the float64 lane count (moments updated twice)',
    file: 'assembly/optim.ts',
    edits: [['  const lanes = 16 / sizeof<T>();\n  let i = 0;\n  if (!decoupled && wd == 0) {', '  const lanes = 2;\n  let i = 0;\n  if (!decoupled && wd == 0) {']],
    tests: ['optim', 'backward-kernels'],
    expect: 'adam and AdamW',
  },
  {
    id: 'eq-mask-f32-skip',
    what: 'the float32 tie mask of max/min gradients skips one element after each vector (left unwritten)',
    file: 'assembly/reduce.ts',
    edits: [[
      '  for (; i + lanes <= n; i += lanes) {\n    const off = <usize>i << shift;\n    const va = v128.load(a + off);',
      '  for (; i + lanes <= n; i += lanes + (sizeof<T>() == 4 ? 1 : 0)) {\n    const off = <usize>i << shift;\n    const va = v128.load(a + off);',
    ]],
    tests: ['ops/reduce', 'backward-kernels'],
    expect: 'reduce_eq_mask',
  },
  {
    id: 'scatter-add-row-tail',
    what: 'the gather gradient drops the scalar tail of each row',
    file: 'assembly/indexing.ts',
    edits: [['  for (; i < n; i++) {\n    const off = <usize>i << shift;\n    store<T>(dst + off, load<T>(dst + off) + load<T>(src + off));', '  for (; i < n - 1; i++) {\n    const off = <usize>i << shift;\n    store<T>(dst + off, load<T>(dst + off) + load<T>(src + off));']],
    tests: ['ops/indexing', 'backward-kernels'],
    expect: 'scatter_add',
  },
  // ---- rules: small slips that a loose gradcheck passes ----
  {
    id: 'crossentropy-grad-1e-6',
    what: "crossEntropy's gradient off by a relative 1e-6",
    file: 'src/ops/nn.ts',
    edits: [['mul(sub(softmax(z, 1), oneHot(labels, z.shape[1], z.dtype, 1)), mul(dy, 1 / z.shape[0])),', 'mul(sub(softmax(z, 1), oneHot(labels, z.shape[1], z.dtype, 1)), mul(dy, (1 + 1e-6) / z.shape[0])),']],
    tests: ['ops/nn'],
    expect: 'crossEntropy: gradcheck order 2',
  },
  {
    id: 'sigmoid-grad-1e-6',
    what: "sigmoid's gradient off by a relative 1e-6",
    file: 'src/ops/unary.ts',
    edits: [["const sigmoidOp = primitive('sigmoid', unary('sigmoid'), (dy, y) => mul(dy, mul(y, sub(1, y))));", "const sigmoidOp = primitive('sigmoid', unary('sigmoid'), (dy, y) => mul(dy, mul(mul(y, sub(1, y)), 1 + 1e-6)));"]],
    tests: ['ops/unary'],
    expect: 'sigmoid: gradcheck order 2',
  },
  // ---- layers and the parameters they report ----
  {
    id: 'layernorm-layer-beta-not-param',
    what: "nn.LayerNorm's beta is a plain tensor: params(layer) misses a parameter the formula uses",
    file: 'src/nn/index.ts',
    edits: [['this.beta = Param(zeros([features], { dtype }));', 'this.beta = keep(zeros([features], { dtype }));'], ["import { Tensor, rand, zeros, ones, type DType } from '../tensor';", "import { Tensor, keep, rand, zeros, ones, type DType } from '../tensor';"]],
    tests: ['nn.test'],
    expect: 'LayerNorm: params',
  },
  // ---- optimizers and statistics, in both dtypes (the twin test cannot see these) ----
  {
    id: 'rmsprop-momentum-damped',
    what: "RMSprop's momentum buffer damps the new step by (1 − momentum)",
    file: 'assembly/optim.ts',
    edits: [['      step = momentum * load<T>(buf + off) + step;', '      step = momentum * load<T>(buf + off) + (1 - momentum) * step;']],
    tests: ['optim'],
    expect: 'every optimizer and option',
  },
  {
    id: 'adam-l2-decay-dropped',
    what: "Adam's (coupled, L2) weight decay is never added to the gradient",
    file: 'assembly/optim.ts',
    edits: [['    if (!decoupled) gi += wd * w;', '    if (!decoupled) gi += 0 * wd * w;']],
    tests: ['optim'],
    expect: 'every optimizer and option',
  },
  {
    id: 'batchnorm-running-var-biased',
    what: "batchNorm's running variance is updated with the biased batch variance",
    file: 'src/ops/nn.ts',
    edits: [['sub(mul(reshape(value(v), [c]), count / (count - 1)), rv)', 'sub(reshape(value(v), [c]), rv)']],
    tests: ['ops/nn'],
    expect: 'running',
  },
  // ---- the checker itself ----
  {
    id: 'gradcheck-no-richardson',
    what: 'gradcheck uses the plain central difference at its smallest step instead of the extrapolated one',
    file: 'src/debug/gradcheck.ts',
    edits: [['return { value: fine, error: Math.abs(fine - coarse) };', 'return { value: d[2], error: Math.abs(fine - coarse) };']],
    tests: ['core.test'],
    expect: 'Richardson-extrapolated differences are accurate',
  },
  {
    id: 'gradcheck-no-error-estimate',
    what: "gradcheck ignores its differences' own error estimate (false failures near kinks)",
    file: 'src/debug/gradcheck.ts',
    edits: [['if (close(a, n.value, o.atol + n.error, o.rtol)) return;', 'if (close(a, n.value, o.atol, o.rtol)) return;']],
    tests: ['core.test'],
    expect: 'gradcheck near a kink',
  },
  // ---- not a bug: the same numbers by a slower path (reported as a survivor; no test asserts speed) ----
  {
    id: 'conv2d-no-direct-path',
    what: '1x1 stride-1 convolutions copy the image through im2col instead of using it as the column matrix',
    file: 'src/ops/nn-impl.ts',
    edits: [['direct: kh === 1 && kw === 1 && spec.sh === 1 && spec.sw === 1 && spec.ph === 0 && spec.pw === 0,', 'direct: false,']],
    tests: ['ops/nn', 'nn.test'],
    expect: '',
    equivalent: 'the same products on the same numbers, only slower: tests never assert speed (npm run bench would show it)',
  },
  // ---- README claims ----
  {
    id: 'readme-perf-figure',
    what: 'a README performance figure no longer matches bench/results/latest.json',
    file: 'README.md',
    edits: [['| exp, 1M elements | 613 M/s |', '| exp, 1M elements | 650 M/s |']],
    tests: ['readme-claims'],
    expect: 'README performance section: generated',
  },
  {
    id: 'readme-tfjs-hvp-claim',
    what: 'the README says TF.js cannot compute Hessian-vector products at all',
    file: 'README.md',
    edits: [['computes Hessian-vector products by nested `tf.grad` for `x³`, `sin(Wx)`, `softplus(Wx)`, `relu(Wx)²` and `meanSquaredError`; it throws', 'computes no Hessian-vector products by nested `tf.grad`; it throws']],
    tests: ['readme-claims'],
    expect: 'README performance section: generated',
  },
  {
    id: 'readme-mnist-count',
    what: 'the MNIST prose says 2,000 held-out digits where the example prints 2004',
    file: 'README.md',
    edits: [['7,996 of the 10,000 digits', '8,000 of the 10,000 digits'], ['tested on the other 2,004', 'tested on the other 2,000']],
    tests: ['readme-claims'],
    expect: 'the MNIST prose counts',
  },
  {
    id: 'readme-npm-start',
    what: 'the Development section says npm start runs the tour',
    file: 'README.md',
    edits: [['npm start trains MNIST (examples/mnist.ts)', 'npm start runs examples/tour.ts']],
    tests: ['readme-claims'],
    expect: 'npm start',
  },
];

// ---------------------------------------------------------------------------

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
const keepCopy = argv.includes('--keep');
const selected = MUTATIONS.filter((m) => only === null || m.id.includes(only));

/** Suites left out by default: they need dist/ rebuilt, a browser, or run the benchmarks. */
const SLOW = ['browser/', 'bench.test', 'bundles.test', 'readme.test', 'docs.test'];

/** The number of times each edit's original text occurs in the working tree's file (each must be 1). */
function anchors(m: Mutation): number[] {
  const text = readFileSync(join(root, m.file), 'utf8');
  return m.edits.map(([from]) => text.split(from).length - 1);
}

if (argv.includes('--list')) {
  for (const m of selected) {
    const stale = anchors(m).some((n) => n !== 1) ? ' [STALE: the text to mutate is not in the file exactly once]' : '';
    console.log(`${m.id.padEnd(32)} ${m.file.padEnd(20)} ${m.what}${stale}`);
  }
  process.exit(0);
}

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 20 * 60_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** A scratch copy of the working tree (tracked and untracked files, plus the embedded kernels), sharing node_modules. */
function makeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'autograd-mutate-'));
  const listed = sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], root);
  if (listed.status !== 0) throw new Error(`mutate: git ls-files failed: ${listed.out}`);
  const files = listed.out.split('\0').filter((f) => f.length > 0);
  files.push('src/wasm/kernels.generated.ts');
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try {
      cpSync(join(root, f), join(dir, f));
    } catch {
      // a file deleted in the working tree but still in the index
    }
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

interface Outcome {
  /** caught | survived | stale (the text no longer matches) | error (the build failed: a mutation that does not compile) */
  result: 'caught' | 'survived' | 'stale' | 'build error';
  failed: string[];
  expected: boolean;
  seconds: number;
}

function parseFailures(out: string): string[] {
  const names: string[] = [];
  for (const m of out.matchAll(/FAIL\s+(?:.*?\s+)?"(.+?)"\s*$/gm)) if (!names.includes(m[1])) names.push(m[1]);
  return names;
}

function summary(out: string): { passed: number; failed: number } | null {
  const m = /(\d+) passed, (\d+) failed\s*$/.exec(out.trimEnd());
  return m === null ? null : { passed: Number(m[1]), failed: Number(m[2]) };
}

function testFiles(dir: string, filters: string[] | undefined): string[] {
  const listed = sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'test'], root).out.split('\n');
  const all = listed.filter((f) => f.endsWith('.test.ts')).map((f) => f.slice('test/'.length));
  const chosen = filters === undefined ? all.filter((f) => !SLOW.some((s) => f.includes(s))) : all.filter((f) => filters.some((x) => f.includes(x)));
  return chosen;
}

function runTests(dir: string, files: string[]) {
  return sh(process.execPath, ['--import', 'tsx', 'test/run.ts', ...files], dir);
}

function buildKernels(dir: string) {
  const asc = sh(process.execPath, ['node_modules/assemblyscript/bin/asc.js', '--target', 'release'], dir);
  if (asc.status !== 0) return asc;
  return sh(process.execPath, ['scripts/embed-wasm.mjs'], dir);
}

function main(dir: string): void {
  const started = Date.now();
  console.log(`mutate: ${selected.length} mutation(s) on a copy in ${dir}`);
  const embedded = join(dir, 'src/wasm/kernels.generated.ts');
  const pristineKernels = readFileSync(embedded, 'utf8');

  // The suites must pass unmutated, or every mutation would look caught.
  const baselineFiles = [...new Set(selected.flatMap((m) => testFiles(dir, m.tests)))];
  const base = runTests(dir, baselineFiles);
  const baseSummary = summary(base.out);
  if (baseSummary === null || baseSummary.failed > 0 || base.status !== 0) {
    console.error(`mutate: the unmutated suites fail; fix them first:\n${base.out.slice(-3000)}`);
    process.exit(2);
  }
  console.log(`baseline: ${baseSummary.passed} tests pass in ${baselineFiles.length} file(s)\n`);

  const rows: [Mutation, Outcome][] = [];
  for (const m of selected) {
    const t0 = Date.now();
    const path = join(dir, m.file);
    const original = readFileSync(path, 'utf8');
    let mutated = original;
    let stale = false;
    for (const [from, to] of m.edits) {
      const count = mutated.split(from).length - 1;
      if (count !== 1) {
        stale = true;
        break;
      }
      mutated = mutated.replace(from, () => to);
    }
    let outcome: Outcome;
    if (testFiles(dir, m.tests).length === 0) stale = true;
    if (stale) {
      outcome = { result: 'stale', failed: [], expected: false, seconds: 0 };
    } else {
      writeFileSync(path, mutated);
      try {
        const kernelsChanged = m.file.startsWith('assembly/');
        const build = kernelsChanged ? buildKernels(dir) : null;
        if (build !== null && build.status !== 0) {
          outcome = { result: 'build error', failed: [build.out.split('\n').find((l) => /ERROR/.test(l)) ?? 'asc failed'], expected: false, seconds: 0 };
        } else {
          const r = runTests(dir, testFiles(dir, m.tests));
          const s = summary(r.out);
          const failed = parseFailures(r.out);
          const caught = r.status !== 0 || s === null || s.failed > 0;
          if (caught && failed.length === 0) failed.push(s === null ? `the run did not finish (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})` : 'a suite failed to load');
          outcome = { result: caught ? 'caught' : 'survived', failed, expected: failed.some((f) => f.includes(m.expect)), seconds: 0 };
        }
      } finally {
        writeFileSync(path, original);
        if (m.file.startsWith('assembly/')) writeFileSync(embedded, pristineKernels);
      }
    }
    outcome.seconds = (Date.now() - t0) / 1000;
    rows.push([m, outcome]);
    const by = outcome.failed.length > 0 ? `: ${outcome.failed.slice(0, 2).join('; ')}${outcome.failed.length > 2 ? ` (+${outcome.failed.length - 2})` : ''}` : '';
    const tag = m.equivalent !== undefined && outcome.result === 'survived' ? 'PASSED' : outcome.result.toUpperCase();
    console.log(`${tag.padEnd(9)} ${m.id} (${outcome.seconds.toFixed(0)} s)${by}`);
  }

  console.log('\n| mutation | what | result | caught by (expected test failed?) |');
  console.log('|---|---|---|---|');
  for (const [m, o] of rows) {
    const by = m.equivalent !== undefined
      ? `${o.result === 'survived' ? 'expected to survive' : `✗ an equivalent change failed ${o.failed.slice(0, 3).join('; ')}`}: ${m.equivalent}`
      : o.result === 'caught'
        ? `${o.expected ? '✓' : '✗ not'} "${m.expect}"${o.failed.length > 1 || !o.expected ? `; ${o.failed.length} failing test(s)${o.expected ? '' : `: ${o.failed.slice(0, 3).join('; ')}`}` : ''}`
        : o.result === 'stale' ? 'the text to mutate is not in the file exactly once, or no test file matches: update the mutation'
          : o.result === 'build error' ? o.failed[0] : '—';
    console.log(`| ${m.id} | ${m.what} | ${o.result} | ${by} |`);
  }
  const bugs = rows.filter(([m]) => m.equivalent === undefined);
  const count = (r: Outcome['result']) => bugs.filter(([, o]) => o.result === r).length;
  const unexpected = bugs.filter(([, o]) => o.result === 'caught' && !o.expected).length;
  const equivalent = rows.filter(([m]) => m.equivalent !== undefined);
  const equivalentFailed = equivalent.filter(([, o]) => o.result !== 'survived').length;
  console.log(
    `\n${count('caught')} caught, ${count('survived')} survived, ${count('stale')} stale, ${count('build error')} build errors` +
      `${unexpected > 0 ? `; ${unexpected} caught but not by the expected test` : ''}` +
      `${equivalent.length > 0 ? `; ${equivalent.length - equivalentFailed} of ${equivalent.length} equivalent change(s) passed as they should` : ''}` +
      ` (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  process.exitCode = count('survived') + count('stale') + count('build error') + equivalentFailed > 0 ? 1 : 0;
}

const scratch = makeCopy();
try {
  main(scratch);
} finally {
  if (keepCopy) console.log(`scratch copy kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
