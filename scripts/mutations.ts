// The mutations `npm run mutate` applies (scripts/mutate.ts): each a small
// bug a reviewer could make, the file it goes in, and the test expected to
// catch it. test/mutations.test.ts checks that every mutation still applies
// to the code as it is, so a refactor that moves the code must move them too.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Mutation {
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

export const MUTATIONS: Mutation[] = [
  // ---- found by hand in review (issue 16): float32-only kernels, layers, a small rule error ----
  {
    id: 'col2im-f32-run',
    what: 'float32 col2im drops the last column of each stride-1 run: the float32 conv2d input gradient misses some terms',
    file: 'assembly/nn.ts',
    edits: [['if (back) addRun<T>(xs, cs, hi - lo);', 'if (back) addRun<T>(xs, cs, sizeof<T>() == 4 ? hi - lo - 1 : hi - lo);']],
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
      '(dy, y, x, axes, keepdims) => raw.mul(expand(dy, x, axes, keepdims), raw.exp(raw.sub(x, expand(y, x, axes, keepdims)))),',
      '(dy, y, x, axes, keepdims) => raw.mul(raw.mul(expand(dy, x, axes, keepdims), raw.exp(raw.sub(x, expand(y, x, axes, keepdims)))), 1 + 1e-5),',
    ]],
    tests: ['ops/reduce'],
    expect: 'logsumexp: gradcheck order 2',
  },
  // ---- caught before issue 16 (kept so they stay caught) ----
  {
    id: 'tanh-half-second-order',
    what: "the rule of tanh's fused gradient differentiates only one factor of y²: the second derivative is halved",
    file: 'src/ops/unary.ts',
    edits: [['(g, _r, dy, y) => raw.mul(raw.mul(g, dy), raw.mul(y, -2)));', '(g, _r, dy, y) => raw.mul(raw.mul(g, dy), raw.mul(y, -1)));']],
    tests: ['ops/basic'],
    expect: 'tanh: gradcheck order 2',
  },
  {
    id: 'logsumexp-no-hessian',
    what: "logsumexp's gradient is a constant on the tape (no second-order term)",
    file: 'src/ops/reduce.ts',
    edits: [
      ["import { raw } from './raw';", "import { raw } from './raw';\nimport { value } from '../core/diff';"],
      [
        '(dy, y, x, axes, keepdims) => raw.mul(expand(dy, x, axes, keepdims), raw.exp(raw.sub(x, expand(y, x, axes, keepdims)))),',
        '(dy, y, x, axes, keepdims) => raw.mul(expand(dy, x, axes, keepdims), value(raw.exp(raw.sub(x, expand(y, x, axes, keepdims))))),',
      ],
    ],
    tests: ['ops/reduce'],
    expect: 'logsumexp: gradcheck order 2',
  },
  {
    id: 'conv2d-weight-grad-group-offset',
    what: "conv2d's weight gradient reads each group's input channels at the output channels' offset",
    file: 'assembly/nn.ts',
    edits: [[
      'const xg = x + ((<usize>(b * cin + gr * cg) * plane) << shift);\n        if (!direct) im2colAt<T>(g, xg, cols, false);',
      'const xg = x + ((<usize>(b * cin + gr * coutg) * plane) << shift);\n        if (!direct) im2colAt<T>(g, xg, cols, false);',
    ]],
    tests: ['ops/nn'],
    expect: 'conv2d: gradcheck order 2',
  },
  {
    id: 'layernorm-variance-detached',
    what: "layerNorm's variance is a constant on the tape",
    file: 'src/ops/nn.ts',
    edits: [
      ["import { raw } from './raw';", "import { raw } from './raw';\nimport { value } from '../core/diff';"],
      ['const v = raw.mean(raw.abs2(xc), axes, true);', 'const v = value(raw.mean(raw.abs2(xc), axes, true));'],
    ],
    tests: ['ops/nn'],
    expect: 'layerNorm: gradcheck order 2',
  },
  {
    id: 'solve-grad-untransposed',
    what: "solve's gradient for b solves with a instead of aᵀ",
    file: 'src/ops/linalg.ts',
    edits: [['(dy, _x, a, b, vector) => raw.unbroadcast(b, raw.solve(transposeLast(a), dy, vector)),', '(dy, _x, a, b, vector) => raw.unbroadcast(b, raw.solve(a, dy, vector)),']],
    tests: ['ops/linalg'],
    expect: 'solve: gradcheck order 2',
  },
  {
    id: 'sqrt-no-half',
    what: "sqrt's gradient without its 1/2",
    file: 'src/ops/unary.ts',
    edits: [['.grads((dy, y) => raw.div(dy, raw.mul(y, 2)));', '.grads((dy, y) => raw.div(dy, y));']],
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
    what: 'the embedding gradient drops the last element of rows whose width is not a multiple of 4',
    file: 'assembly/nn.ts',
    edits: [['addRun<T>(out + id * rowBytes, src + <usize>r * rowBytes, d);', 'addRun<T>(out + id * rowBytes, src + <usize>r * rowBytes, d - (d & 3 ? 1 : 0));']],
    // Since gradients of picked rows stay sparse (issue 14), this kernel runs
    // only while an outer tape records; sparse.test compares that dense path
    // with the sparse one and with a JavaScript scatter-add.
    tests: ['ops/nn', 'backward-kernels', 'sparse'],
    expect: 'equal the dense path',
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
      'i += lanes<T>()) {\n    const off = <usize>i << shift;\n    const va = v128.load(a + off);\n    const vb = v128.load(b + off);\n    const both',
      'i += lanes<T>() + (sizeof<T>() == 4 ? 1 : 0)) {\n    const off = <usize>i << shift;\n    const va = v128.load(a + off);\n    const vb = v128.load(b + off);\n    const both',
    ]],
    tests: ['ops/reduce', 'backward-kernels'],
    expect: 'reduce_eq_mask',
  },
  {
    id: 'scatter-add-row-tail',
    what: 'the gather gradient drops the last element of each row',
    file: 'assembly/indexing.ts',
    edits: [['else addRun<T>(dst, from, inner);', 'else addRun<T>(dst, from, inner - 1);']],
    tests: ['ops/indexing', 'backward-kernels'],
    expect: 'gather: gradcheck order 2',
  },
  // ---- rules: small slips that a loose gradcheck passes ----
  {
    id: 'crossentropy-grad-1e-6',
    what: "crossEntropy's gradient off by a relative 1e-6",
    file: 'src/ops/nn.ts',
    edits: [['oneHot(labels, z.shape[1], z.dtype, 1)), raw.mul(dy, 1 / z.shape[0])),', 'oneHot(labels, z.shape[1], z.dtype, 1)), raw.mul(dy, (1 + 1e-6) / z.shape[0])),']],
    tests: ['ops/nn'],
    expect: 'crossEntropy: gradcheck order 2',
  },
  {
    id: 'sigmoid-grad-1e-6',
    what: "sigmoid's gradient off by a relative 1e-6",
    file: 'src/ops/unary.ts',
    edits: [['.grads((dy, y) => sigmoidGrad(dy, y));', '.grads((dy, y) => raw.mul(sigmoidGrad(dy, y), 1 + 1e-6));']],
    tests: ['ops/unary'],
    expect: 'sigmoid: gradcheck order 2',
  },
  // ---- layers and the parameters they report ----
  {
    id: 'layernorm-layer-beta-not-param',
    what: "nn.LayerNorm's beta is a plain tensor: params(layer) misses a parameter the formula uses",
    file: 'src/nn/index.ts',
    edits: [
      [
        '[this.gamma, this.beta] = makeParams(() => [ones([features], { dtype }), zeros([features], { dtype })] as const);',
        '[this.gamma] = makeParams(() => [ones([features], { dtype })] as const);\n    this.beta = keep(zeros([features], { dtype }));',
      ],
      ["import { makeParams } from '../core/diff';", "import { makeParams } from '../core/diff';\nimport { keep } from '../runtime/tidy';"],
    ],
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
    edits: [['raw.sub(raw.mul(raw.reshape(alias(v, v.shape), [c]), count / (count - 1)), rv)', 'raw.sub(raw.reshape(alias(v, v.shape), [c]), rv)']],
    tests: ['ops/nn'],
    expect: 'running',
  },
  // ---- the backward pass's in-place gradient sums ----
  {
    id: 'grad-sum-in-place-over-view',
    what: 'a gradient sum is formed in place even when another handle views its buffer (a reshape rule\'s view of dy)',
    file: 'src/core/tape.ts',
    edits: [['return g._owner === scope && g._gradSlots === 1 && g._storage.refs === 1 && !g._recorded;', 'return g._owner === scope && g._gradSlots === 1 && !g._recorded;']],
    tests: ['core.test'],
    expect: 'sums of gradients that share memory',
  },
  {
    id: 'grad-sum-in-place-while-recording',
    what: 'gradient sums are formed in place while an outer tape records (the sum is missing from the outer tape)',
    file: 'src/core/tape.ts',
    edits: [['} else if (activeTapes.length === 0 && canAddInPlace(parent.grad, scope)) {', '} else if (canAddInPlace(parent.grad, scope)) {']],
    tests: ['core.test'],
    expect: 'sums of gradients that share memory',
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
    file: 'src/ops/conv.ts',
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
    // Prepends a digit, so it stays a change whatever the committed figure is.
    edits: [['| exp, 1M elements | ', '| exp, 1M elements | 1']],
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
  // ---- forward mode (issue 13): the sweep's elementwise tangents ----
  {
    id: 'jvp-elementwise-first-operand-only',
    what: "forward mode pushes only the first operand's tangent through an elementwise op",
    file: 'src/core/transforms.ts',
    edits: [['if (t === null || rule === null || rule === undefined) continue;', 'if (j > 0 || t === null || rule === null || rule === undefined) continue;']],
    tests: ['forward-mode'],
    expect: 'both tangents at once',
  },
  // ---- found by the bench after issue 10 (add of 1M floats outside tidy 3x slower) ----
  {
    id: 'ballast-not-reused',
    what: 'a tensor disposed by hand keeps its ballast: every big result made outside tidy allocates fresh JavaScript memory',
    file: 'src/runtime/tensor.ts',
    edits: [['        returnBallast(this._ballast);\n', '']],
    tests: ['ownership.test'],
    expect: 'hands its ballast on',
  },
];


/** How many times each edit's original text occurs in the file under `root` (each must be 1). */
export function anchors(root: string, m: Mutation): number[] {
  if (!existsSync(join(root, m.file))) return m.edits.map(() => 0);
  const text = readFileSync(join(root, m.file), 'utf8');
  return m.edits.map(([from]) => text.split(from).length - 1);
}
