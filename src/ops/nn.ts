// Neural-network ops: softmax and log-softmax, losses, dropout,
// normalization and embedding (convolution and pooling are in conv.ts). Each
// rule is written with differentiable ops; the embedding pair are each
// other's adjoints, so gradients of any order work.

import { Tensor, alias, empty, markTemporary, type TensorLike } from '../runtime/tensor';
import { tensor } from '../runtime/create';
import { isFloat, type DType } from '../runtime/dtype';
import { kernelFor, kernels } from '../wasm/index';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { broadcastShapes, normalizeAxes, normalizeAxis, sameShape, shapeSize, shapeString } from '../runtime/shape';
import { nextDouble } from '../runtime/random';
import { castTemp, checkAnyTensor, checkTensor, coerceFloatPair, readInts, type IntList } from './args';
import { compose, custom, op, tensorArg } from './define';
import { binaryForward, fill, withInts } from './kernels';
import { raw } from './raw';
import { axpy } from './inplace';
import { activeTapes } from '../core/tape';
import { pickedRows } from '../runtime/sparse';

function optionsObject(op: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${op}: options must be an object, got ${describe(options)}`);
  }
  return options as Record<string, unknown>;
}

/**
 * Integers from a number, a (nested) array of numbers or an integer-valued
 * tensor; each must lie in [0, bound). `what` names them in errors.
 */
function parseInts(op: string, what: string, input: unknown, bound: number, boundText: string): IntList {
  return readInts(op, what, input, (v, i) => {
    if (v < 0 || v >= bound) {
      throw new ArgumentError(`${op}: ${what} value ${v} at position ${i} is out of range for ${boundText} (valid: 0..${bound - 1})`);
    }
    return v;
  });
}

// ---------------------------------------------------------------------------
// softmax and log-softmax

type AxisKernel = (x: number, out: number, outer: number, n: number, inner: number) => void;

/** softmax or log-softmax of x along `axis` (non-negative). */
function softmaxForward(op: 'softmax' | 'logSoftmax', x: Tensor, axis: number): Tensor {
  const out = empty(x.shape.slice(), x.dtype, op);
  if (out.size === 0) return out;
  const outer = shapeSize(x.shape.slice(0, axis));
  const inner = shapeSize(x.shape.slice(axis + 1));
  const name = op === 'softmax' ? 'softmax' : 'log_softmax';
  kernelFor<AxisKernel>(`${name}`, x.dtype)(x._ptr, out._ptr, outer, x.shape[axis], inner);
  return out;
}

function axisArgs(op: string, x: Tensor, axis: number = -1): [Tensor, number] {
  checkTensor(op, x);
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); it has no axis to normalize along`);
  return [x, normalizeAxis(op, axis, x.ndim)];
}

/**
 * exp(x) normalized to sum to 1 along `axis` (default -1, the last),
 * computed stably (the maximum of each slice is subtracted first, so logits
 * of 1000 give finite probabilities). Gradient `y ⊙ (dy − Σ dy ⊙ y)`.
 *
 * @example
 * ag.softmax(ag.tensor([1, 2, 3])).toArray();           // [0.0900, 0.2447, 0.6652]
 * ag.softmax(ag.tensor([[1000, 1000]]), -1).toArray();  // [[0.5, 0.5]]
 */
export const softmax = op({ name: 'softmax', args: custom(axisArgs), forward: (x, axis) => softmaxForward('softmax', x, axis) })
  // y ⊙ (dy − Σ dy ⊙ y)
  .grads((dy, y, _x, axis) => raw.mul(y, raw.sub(dy, raw.sum(raw.mul(dy, y), [axis], true))), null);

/**
 * log(softmax(x)) along `axis` (default -1), computed as x − max − log Σ
 * exp(x − max): stable for large logits and exact in the tails where
 * softmax underflows to 0. Gradient `dy − softmax(x) ⊙ Σ dy`.
 *
 * @example
 * ag.logSoftmax(ag.tensor([0, 0])).toArray(); // [-0.6931, -0.6931]
 */
export const logSoftmax = op({ name: 'logSoftmax', args: custom(axisArgs), forward: (x, axis) => softmaxForward('logSoftmax', x, axis) })
  // dy − softmax(x) ⊙ Σ dy
  .grads((dy, _y, x, axis) => raw.sub(dy, raw.mul(raw.softmax(x, axis), raw.sum(dy, [axis], true))), null);

// ---------------------------------------------------------------------------
// Classification losses

/** How a loss reduces its per-element (or per-example) values: PyTorch's `reduction`. */
export interface LossOptions {
  /** 'mean' (the default), 'sum', or 'none' (the unreduced losses). */
  reduction?: 'mean' | 'sum' | 'none';
}
type Reduction = 'mean' | 'sum' | 'none';

function reductionOf(op: string, options: unknown): Reduction {
  const r = optionsObject(op, options).reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describe(r)}`);
  return r;
}

/** The losses l reduced as asked. */
function reduceLoss(l: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return l;
  const all = l.shape.map((_, i) => i);
  return reduction === 'sum' ? raw.sum(l, all, false) : raw.mean(l, all, false);
}

type RowsKernel = (z: number, labels: number, rows: number, c: number) => number;

function scalarOf(value: number, dtype: DType, op: string): Tensor {
  const out = empty([], dtype, op);
  if (dtype === 'float32') kernels().fill_f32(out._ptr, 1, value);
  else kernels().fill_f64(out._ptr, 1, value);
  return out;
}

/** mean over rows of logsumexp(z[r]) - z[r, label[r]]: cross-entropy of logits z [rows, c]. */
function crossEntropyForward(z: Tensor, labels: IntList): Tensor {
  const [rows, c] = z.shape;
  const total = rows === 0 ? 0 : withInts('crossEntropy', labels.data, (ptr) => kernelFor<RowsKernel>('cross_entropy', z.dtype)(z._ptr, ptr, rows, c));
  return scalarOf(total / rows, z.dtype, 'crossEntropy');
}

/** -mean over rows of logp[r, label[r]]. */
function nllForward(logp: Tensor, labels: IntList): Tensor {
  const [rows, c] = logp.shape;
  const total = rows === 0 ? 0 : withInts('nll', labels.data, (ptr) => kernelFor<RowsKernel>('nn_pick_sum', logp.dtype)(logp._ptr, ptr, rows, c));
  return scalarOf(-total / rows, logp.dtype, 'nll');
}

/** A [rows, c] matrix of zeros with `value` at (r, label[r]): a constant, never recorded. */
function oneHot(labels: IntList, c: number, dtype: DType, value: number): Tensor {
  const rows = labels.data.length;
  const out = empty([rows, c], dtype, 'oneHot');
  if (out.size === 0) return out;
  withInts('oneHot', labels.data, (ptr) =>
    kernelFor<(labels: number, out: number, rows: number, c: number, value: number) => void>('nn_one_hot', dtype)(ptr, out._ptr, rows, c, value),
  );
  return out;
}

/** Class labels: integers (a JS array or an integer-valued tensor [N]), or a tensor [N, C] of probabilities. */
export type Labels = readonly number[] | Tensor;

type ParsedLabels = { kind: 'index'; ints: IntList } | { kind: 'dense'; p: Tensor };

function parseLabels(op: string, scores: Tensor, labels: unknown, what: string): ParsedLabels {
  if (scores.ndim !== 2) {
    throw new ShapeError(`${op}: ${what} must be a matrix [N, C] (one row of C class scores per example), got shape ${shapeString(scores.shape)}`);
  }
  const [n, c] = scores.shape;
  if (labels instanceof Tensor && labels.ndim === 2) {
    checkAnyTensor(op, labels, 'labels');
    if (!sameShape(labels.shape, scores.shape)) {
      throw new ShapeError(`${op}: probability labels must have the shape of ${what} ${shapeString(scores.shape)}, got ${shapeString(labels.shape)}`);
    }
    // A bool or int32 one-hot matrix is a constant of the scores' dtype.
    if (!isFloat(labels.dtype)) return { kind: 'dense', p: castTemp(labels, scores.dtype) };
    if (labels.dtype !== scores.dtype) {
      throw new DTypeError(`${op}: ${what} are ${scores.dtype} but the probability labels are ${labels.dtype}; cast one with ag.cast(x, dtype) first`);
    }
    return { kind: 'dense', p: labels };
  }
  if (!(labels instanceof Tensor) && !Array.isArray(labels)) {
    throw new ArgumentError(
      `${op}: labels must be an array of integer class labels, an integer-valued tensor [N] or a probability tensor [N, C], got ${describe(labels)}`,
    );
  }
  const ints = parseInts(op, 'labels', labels, c, `${c} classes`);
  if (ints.shape.length !== 1 || ints.shape[0] !== n) {
    throw new ShapeError(
      `${op}: integer labels must be one class per row of ${what} ${shapeString(scores.shape)}, i.e. shape [${n}], got shape ${shapeString(ints.shape)}`,
    );
  }
  return { kind: 'index', ints };
}

const crossEntropyIndex = op({
  name: 'crossEntropy', internal: true,
  args: custom((_op: string, z: Tensor, labels: IntList): [Tensor, IntList] => [z, labels]),
  forward: crossEntropyForward,
}).grads(
  // (softmax(z) − onehot) / N
  (dy, _y, z, labels) => raw.mul(raw.sub(raw.softmax(z, 1), oneHot(labels, z.shape[1], z.dtype, 1)), raw.mul(dy, 1 / z.shape[0])),
  null,
);

const nllIndex = op({
  name: 'nll', internal: true,
  args: custom((_op: string, logp: Tensor, labels: IntList): [Tensor, IntList] => [logp, labels]),
  forward: nllForward,
}).grads((dy, _y, logp, labels) => raw.mul(oneHot(labels, logp.shape[1], logp.dtype, -1 / logp.shape[0]), dy), null);

/**
 * Mean cross-entropy of a batch of logits [N, C] against `labels`: integer
 * class labels (a JS array, or an integer-valued tensor of shape [N]) give
 * mean_i −log softmax(logits_i)[label_i], computed in one fused, stable
 * kernel; a probability (or one-hot) tensor [N, C] gives mean_i −Σ_c p_ic log
 * softmax(logits_i)_c and is differentiable in the probabilities too. The
 * gradient for the logits is (softmax − labels) / N. The last argument
 * `{ reduction }` is 'mean' (the default), 'sum' or 'none' (the loss of each
 * row, [N]).
 *
 * @example
 * const logits = ag.tensor([[2, 0, 0], [0, 0, 5]]);
 * ag.crossEntropy(logits, [0, 2]).item();                            // 0.1265...
 * ag.crossEntropy(logits, ag.tensor([[1, 0, 0], [0, 0, 1]])).item(); // the same
 */
export const crossEntropy = compose({
  name: 'crossEntropy',
  args: custom((op: string, logits: Tensor, labels: Labels, options?: LossOptions): [Tensor, ParsedLabels, Reduction] =>
    [checkTensor(op, logits, 'logits'), parseLabels(op, logits, labels, 'logits'), reductionOf(op, options)]),
}).as((logits, l, reduction) => {
  if (l.kind === 'index' && reduction !== 'none') {
    const m = crossEntropyIndex(logits, l.ints);
    return reduction === 'mean' ? m : raw.mul(m, logits.shape[0]);
  }
  const p = l.kind === 'index' ? oneHot(l.ints, logits.shape[1], logits.dtype, 1) : l.p;
  return reduceLoss(raw.neg(raw.sum(raw.mul(p, raw.logSoftmax(logits, 1)), [1], false)), reduction);
});

/**
 * Negative log-likelihood of log-probabilities [N, C] (for instance the
 * output of `logSoftmax`), averaged over the batch: −mean_i logProbs[i,
 * label_i] for integer labels (a JS array or an integer-valued tensor [N]),
 * or −mean_i Σ_c p_ic logProbs_ic for a probability tensor [N, C].
 * `nll(logSoftmax(z), labels)` equals `crossEntropy(z, labels)`. The last
 * argument `{ reduction }` is 'mean' (the default), 'sum' or 'none' ([N]).
 *
 * @example
 * ag.nll(ag.log(ag.tensor([[0.5, 0.5], [0.1, 0.9]])), [0, 1]).item(); // 0.3992...
 */
export const nll = compose({
  name: 'nll',
  args: custom((op: string, logProbs: Tensor, labels: Labels, options?: LossOptions): [Tensor, ParsedLabels, Reduction] =>
    [checkTensor(op, logProbs, 'logProbs'), parseLabels(op, logProbs, labels, 'logProbs'), reductionOf(op, options)]),
}).as((logp, l, reduction) => {
  if (l.kind === 'index' && reduction !== 'none') {
    const m = nllIndex(logp, l.ints);
    return reduction === 'mean' ? m : raw.mul(m, logp.shape[0]);
  }
  const p = l.kind === 'index' ? oneHot(l.ints, logp.shape[1], logp.dtype, 1) : l.p;
  return reduceLoss(raw.neg(raw.sum(raw.mul(p, logp), [1], false)), reduction);
});

/**
 * Mean squared error: the mean of (a − b)² over the broadcast shape of `a`
 * and `b` (numpy broadcasting; numbers are accepted). Mind shapes: [N, 1]
 * against [N] broadcasts to [N, N]. The last argument `{ reduction }` is
 * 'mean' (the default), 'sum' or 'none' (the squared errors themselves).
 *
 * @example
 * ag.mse(ag.tensor([1, 2, 3]), ag.tensor([1, 2, 5])).item(); // 1.3333...
 * ag.mse(ag.tensor([1, 2, 3]), ag.tensor([1, 2, 5]), { reduction: 'none' }).toArray(); // [0, 0, 4]
 */
export const mse = compose({
  name: 'mse',
  args: custom((op: string, a: TensorLike, b: TensorLike, options?: LossOptions): [Tensor, Tensor, Reduction] => {
    const reduction = reductionOf(op, options);
    const [ta, tb] = coerceFloatPair(op, a, b);
    broadcastShapes(op, ta.shape, tb.shape);
    return [ta, tb, reduction];
  }),
}).as((a, b, reduction) => reduceLoss(raw.abs2(raw.sub(a, b)), reduction));

function bceArgs(op: string, logits: Tensor, targets: TensorLike, options?: LossOptions): [Tensor, Tensor, Reduction] {
  checkTensor(op, logits, 'logits');
  const reduction = reductionOf(op, options);
  if (targets instanceof Tensor) {
    // bool and int32 targets (a comparison's result) meet the logits' dtype below
    checkAnyTensor(op, targets, 'targets');
    if (targets.ndim > 0 && !sameShape(targets.shape, logits.shape)) {
      throw new ShapeError(`${op}: targets must have the shape of logits ${shapeString(logits.shape)} (or be a number), got ${shapeString(targets.shape)}`);
    }
  } else if (typeof targets !== 'number') {
    throw new ArgumentError(`${op}: targets must be a Tensor or a number, got ${describe(targets)}`);
  }
  return [...coerceFloatPair(op, logits, targets), reduction];
}

/**
 * Mean binary cross-entropy of logits z against targets t in [0, 1] (a
 * tensor of z's shape, or a number), computed from the logits in the stable
 * form mean(max(z, 0) − z t + log1p(exp(−|z|))) = mean(softplus(z) − z t):
 * no overflow for large |z| and exact gradients (sigmoid(z) − t) / n,
 * including at z = 0. The last argument `{ reduction }` is 'mean' (the
 * default), 'sum' or 'none' (one loss per logit).
 *
 * @example
 * ag.binaryCrossEntropy(ag.tensor([0, 100, -100]), ag.tensor([1, 1, 0])).item(); // 0.2310...
 */
export const binaryCrossEntropy = compose({ name: 'binaryCrossEntropy', args: custom(bceArgs) })
  .as((z, t, reduction) => reduceLoss(raw.sub(raw.softplus(z), raw.mul(z, t)), reduction));

// ---------------------------------------------------------------------------
// Dropout

const dropMask = op({
  name: 'dropout', internal: true,
  args: custom((_op: string, x: Tensor, mask: Tensor): [Tensor, Tensor] => [x, mask]),
  forward: (x, mask) => binaryForward('mul', x, mask),
}).grads((dy, _y, _x, mask) => raw.mul(dy, mask), null);

// Not training, or p = 0: the same values in a new handle (no copy).
const dropNothing = op({ name: 'dropout', internal: true, args: tensorArg, forward: (x) => x }).grads((dy) => dy);

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Drop entries (default true); when false dropout is the identity. */
  training?: boolean;
}

function dropoutArgs(op: string, x: Tensor, p: number, options?: DropoutOptions): [Tensor, number, boolean] {
  checkTensor(op, x);
  const o = optionsObject(op, options);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError(`${op}: p must be a probability in [0, 1], got ${describe(p)}`);
  const training = o.training ?? true;
  if (typeof training !== 'boolean') throw new ArgumentError(`${op}: training must be a boolean, got ${describe(training)}`);
  return [x, p, training];
}

/**
 * While training (the default), zeroes each entry of x independently with
 * probability `p` and scales the survivors by 1 / (1 − p), so the mean is
 * preserved in expectation; with `{ training: false }` or p = 0 it is the
 * identity. p = 1 drops everything: the result is all zeros (and so is the
 * gradient). The random mask comes from the library's seeded generator
 * (`ag.seed` makes it reproducible) and is a constant on the tape: the
 * gradient is dy times the same mask.
 *
 * @example
 * ag.seed(0);
 * ag.dropout(ag.ones([6]), 0.5).toArray();                       // [2, 0, 0, 0, 2, 2]
 * ag.dropout(ag.ones([3]), 0.5, { training: false }).toArray();  // [1, 1, 1]
 */
export const dropout = compose({ name: 'dropout', args: custom(dropoutArgs) }).as((x, p, training) => {
  if (!training || p === 0) return dropNothing(x);
  const n = x.size;
  const values = x.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  if (p < 1) {
    const scale = 1 / (1 - p);
    for (let i = 0; i < n; i++) values[i] = nextDouble() < p ? 0 : scale;
  }
  return dropMask(x, markTemporary(tensor(values, { shape: x.shape.slice(), dtype: x.dtype })));
});

// ---------------------------------------------------------------------------
// Normalization

function checkEps(op: string, eps: unknown): number {
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) {
    throw new ArgumentError(`${op}: eps must be a finite number >= 0, got ${describe(eps)}`);
  }
  return eps;
}

/** (x − mean) / sqrt(var + eps) over `axes`, with the biased variance; also returns the statistics. */
function standardize(x: Tensor, axes: number[], eps: number): { y: Tensor; mu: Tensor; v: Tensor } {
  const mu = raw.mean(x, axes, true);
  const xc = raw.sub(x, mu);
  const v = raw.mean(raw.abs2(xc), axes, true);
  return { y: raw.div(xc, raw.sqrt(raw.add(v, eps))), mu, v };
}

function layerNormArgs(op: string, x: Tensor, axis: number | readonly number[] = -1, eps: number = 1e-5): [Tensor, number[], number] {
  checkTensor(op, x);
  checkEps(op, eps);
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); it has no axis to normalize over`);
  const axes = normalizeAxes(op, axis, x.ndim);
  if (axes.length === 0) throw new ArgumentError(`${op}: axis must name at least one axis`);
  return [x, axes, eps];
}

/**
 * Layer normalization: (x − mean) / sqrt(var + eps) with the mean and the
 * biased variance taken over `axis` (a number or an array, usually the
 * trailing axes; default -1) for each position of the other axes. There are
 * no affine parameters: multiply by your own gamma and add your own beta.
 * Written with differentiable ops, so every order of gradient works.
 *
 * @example
 * ag.layerNorm(ag.tensor([[1, 2, 3]]), -1, 0).toArray(); // [[-1.2247, 0, 1.2247]]
 */
export const layerNorm = compose({ name: 'layerNorm', args: custom(layerNormArgs) }).as((x, axes, eps) => standardize(x, axes, eps).y);

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** The channel axis (default 1, as in NCHW and [N, C]). */
  axis?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Batch statistics (default true) or, when false, the running statistics. */
  training?: boolean;
  /** Running mean [C]: updated in place while training, used when not. */
  runningMean?: Tensor;
  /** Running (unbiased) variance [C]: updated in place while training, used when not. */
  runningVar?: Tensor;
  /** Weight of the new batch statistic in the running update (default 0.1). */
  momentum?: number;
}

interface BatchNormPlan {
  axis: number;
  eps: number;
  training: boolean;
  momentum: number;
  rm: Tensor | null;
  rv: Tensor | null;
}

function batchNormArgs(op: string, x: Tensor, options?: BatchNormOptions): [Tensor, BatchNormPlan] {
  checkTensor(op, x);
  const o = optionsObject(op, options);
  if (x.ndim < 2) throw new ShapeError(`${op}: x must have a batch axis and a channel axis (rank >= 2), got shape ${shapeString(x.shape)}`);
  const axis = normalizeAxis(op, (o.axis ?? 1) as number, x.ndim);
  const eps = checkEps(op, o.eps ?? 1e-5);
  const training = o.training ?? true;
  if (typeof training !== 'boolean') throw new ArgumentError(`${op}: training must be a boolean, got ${describe(training)}`);
  const momentum = o.momentum ?? 0.1;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new ArgumentError(`${op}: momentum must be a number in [0, 1], got ${describe(momentum)}`);
  }
  const c = x.shape[axis];
  const stat = (name: string, t: unknown): Tensor | null => {
    if (t === undefined || t === null) return null;
    const s = checkTensor(op, t, name);
    if (!sameShape(s.shape, [c])) {
      throw new ShapeError(`${op}: ${name} must have shape [${c}] (the size of channel axis ${axis} of x ${shapeString(x.shape)}), got ${shapeString(s.shape)}`);
    }
    if (s.dtype !== x.dtype) throw new DTypeError(`${op}: x is ${x.dtype} but ${name} is ${s.dtype}`);
    return s;
  };
  const rm = stat('runningMean', o.runningMean);
  const rv = stat('runningVar', o.runningVar);
  if (!training && (rm === null || rv === null)) {
    throw new ArgumentError(`${op}: inference (training: false) needs both runningMean and runningVar`);
  }
  if (training && x.size / Math.max(c, 1) <= 1) {
    throw new ShapeError(`${op}: training needs more than one value per channel, got x ${shapeString(x.shape)} with channel axis ${axis}`);
  }
  return [x, { axis, eps, training, momentum, rm, rv }];
}

/**
 * Batch normalization over every axis but the channel axis (`axis`, default
 * 1), without affine parameters (apply your own gamma and beta). Training
 * (the default): y = (x − mean) / sqrt(var + eps) with the batch mean and
 * biased variance, and `runningMean` / `runningVar` (tensors [C], if given)
 * are updated in place as r ← (1 − momentum) r + momentum s, with the
 * unbiased batch variance for `runningVar` (as PyTorch). Inference
 * (`training: false`): y = (x − runningMean) / sqrt(runningVar + eps), both
 * required. Gradients flow through the batch statistics (training) and are
 * differentiable to any order.
 *
 * @example
 * const rm = ag.zeros([2]), rv = ag.ones([2]);
 * const x = ag.tensor([[1, 10], [3, 30]]);
 * ag.batchNorm(x, { runningMean: rm, runningVar: rv, eps: 0 }).toArray(); // [[-1, -1], [1, 1]]
 * rm.toArray(); // [0.2, 2]
 * ag.batchNorm(x, { training: false, runningMean: rm, runningVar: rv }); // uses rm, rv
 */
export const batchNorm = compose({ name: 'batchNorm', args: custom(batchNormArgs) }).as((x, o) => {
  const { axis, eps, rm, rv, momentum } = o;
  const c = x.shape[axis];
  const statShape = x.shape.map((d, i) => (i === axis ? d : 1));
  if (!o.training) return raw.div(raw.sub(x, raw.reshape(rm!, statShape)), raw.sqrt(raw.add(raw.reshape(rv!, statShape), eps)));
  const count = x.size / Math.max(c, 1);
  const { y, mu, v } = standardize(x, x.shape.map((_, i) => i).filter((i) => i !== axis), eps);
  if (rm !== null || rv !== null) {
    // The running statistics are plain numbers, not part of any gradient:
    // computed from untracked views (aliases no tape knows), both before
    // either is written, so a failure leaves them as they were.
    const newMean = rm === null ? null : raw.sub(raw.reshape(alias(mu, mu.shape), [c]), rm);
    const newVar = rv === null ? null : raw.sub(raw.mul(raw.reshape(alias(v, v.shape), [c]), count / (count - 1)), rv);
    if (rm !== null) axpy(momentum, newMean!, rm);
    if (rv !== null) axpy(momentum, newVar!, rv);
  }
  return y;
});

// ---------------------------------------------------------------------------
// Embedding

function embeddingForward(table: Tensor, ids: IntList): Tensor {
  const d = table.shape[1];
  const out = empty([...ids.shape, d], table.dtype, 'embedding');
  if (out.size === 0) return out;
  try {
    withInts('embedding', ids.data, (ptr) =>
      kernelFor<(t: number, ids: number, out: number, count: number, d: number) => void>('embedding_gather', table.dtype)(
        table._ptr, ptr, out._ptr, ids.data.length, d,
      ),
    );
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/** dy [...ids.shape, d] added row by row into zeros [v, d]: repeated ids accumulate. */
function embeddingScatterForward(dy: Tensor, ids: IntList, v: number): Tensor {
  const d = dy.shape[dy.ndim - 1];
  const out = empty([v, d], dy.dtype, 'embeddingBackward');
  if (out.size === 0) return out;
  if (ids.data.length === 0) {
    fill(out, 0);
    return out;
  }
  try {
    withInts('embeddingBackward', ids.data, (ptr) =>
      kernelFor<(src: number, ids: number, out: number, count: number, v: number, d: number) => void>('embedding_scatter_add', dy.dtype)(
        dy._ptr, ptr, out._ptr, ids.data.length, v, d,
      ),
    );
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

// A gather of rows and its transpose, a scatter-add (repeated ids accumulate).
const embeddingScatter = op({
  name: 'embeddingBackward', internal: true,
  args: custom((_op: string, dy: Tensor, ids: IntList, v: number): [Tensor, IntList, number] => [dy, ids, v]),
  forward: embeddingScatterForward,
}).grads((g, _y, _dy, ids) => raw.embedding(g, ids), null, null);

/** Integer ids: a number, a (nested) array of numbers, or an integer-valued tensor. */
export type Ids = number | readonly Ids[] | Tensor;

function embeddingArgs(op: string, table: Tensor, ids: Ids): [Tensor, IntList] {
  checkTensor(op, table, 'table');
  if (table.ndim !== 2) throw new ShapeError(`${op}: table must be a matrix [V, D], got shape ${shapeString(table.shape)}`);
  return [table, parseInts(op, 'ids', ids, table.shape[0], `a table of ${table.shape[0]} rows`)];
}

/**
 * Rows of `table` [V, D] picked by integer `ids` in [0, V) (a number, a
 * nested array or an integer-valued tensor of any shape), giving
 * ids.shape + [D]. The gradient for the table is a scatter-add: rows picked
 * several times accumulate every contribution. It is kept sparse (the rows
 * picked and their ids) until something needs it dense: `grad(tape, table,
 * { sparse: true })` gives it as it is, and optimizers update only those rows.
 *
 * @example
 * const table = ag.tensor([[0, 0], [1, 1], [2, 2]]);
 * ag.embedding(table, [[2, 0], [2, 2]]).toArray(); // [[[2, 2], [0, 0]], [[2, 2], [2, 2]]]
 */
export const embedding = op({ name: 'embedding', args: custom(embeddingArgs), forward: embeddingForward })
  .grads((dy, _y, table, ids) => (activeTapes.length === 0
    ? pickedRows(table.shape, ids.data, dy) // kept sparse while nothing records (higher orders need the op)
    : embeddingScatter(dy, ids, table.shape[0])), null);
