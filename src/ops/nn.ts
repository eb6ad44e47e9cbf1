// Neural-network ops: softmax and log-softmax, losses, 2-d convolution and
// pooling, dropout, normalization and embedding. Each rule is written with
// differentiable ops; conv2d, its two gradients, the pooling pairs and the
// embedding pair are each other's adjoints, so gradients of any order work.

import { Tensor, markTemporary, type TensorLike } from '../runtime/tensor';
import { tensor } from '../runtime/create';
import { tidy } from '../runtime/tidy';
import { primitive } from '../core/primitive';
import { value } from '../core/diff';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { broadcastShapes, normalizeAxes, normalizeAxis, sameShape, shapeString } from '../runtime/shape';
import { nextDouble } from '../runtime/random';
import { add, div, mul, neg, sub } from './arithmetic';
import { abs2, softplus, sqrt } from './unary';
import { mean, sum } from './reduce';
import { reshape } from './shape';
import { axpy } from './inplace';
import { binaryForward, checkTensor, coercePair, composite } from './util';
import {
  avgPoolBackwardForward, avgPoolForward, conv2dForward, conv2dInputGradForward, conv2dWeightGradForward,
  crossEntropyForward, embeddingForward, embeddingScatterForward, maxPoolForward, maxPoolIndexed,
  nllForward, oneHot, outLength, pair, parseInts, poolOutShape, softmaxForward,
  type ConvSpec, type IntList, type PoolSpec,
} from './nn-impl';

// ---------------------------------------------------------------------------
// softmax and log-softmax

const softmaxOp = primitive(
  'softmax',
  (x: Tensor, axis: number) => softmaxForward('softmax', x, axis),
  // y ⊙ (dy − Σ dy ⊙ y)
  (dy, y, _x: Tensor, axis: number) => mul(y, sub(dy, sum(mul(dy, y), axis, true))),
  null,
);

const logSoftmaxOp = primitive(
  'logSoftmax',
  (x: Tensor, axis: number) => softmaxForward('logSoftmax', x, axis),
  // dy − softmax(x) ⊙ Σ dy
  (dy, _y, x: Tensor, axis: number) => sub(dy, mul(softmax(x, axis), sum(dy, axis, true))),
  null,
);

/**
 * exp(x) normalized to sum to 1 along `axis` (default -1, the last),
 * computed stably (the maximum of each slice is subtracted first, so logits
 * of 1000 give finite probabilities). Gradient `y ⊙ (dy − Σ dy ⊙ y)`.
 *
 * @example
 * ag.softmax(ag.tensor([1, 2, 3])).toArray();           // [0.0900, 0.2447, 0.6652]
 * ag.softmax(ag.tensor([[1000, 1000]]), -1).toArray();  // [[0.5, 0.5]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', x);
  if (x.ndim === 0) throw new ShapeError('softmax: x is 0-d (a scalar); it has no axis to normalize along');
  return softmaxOp(x, normalizeAxis('softmax', axis, x.ndim));
}

/**
 * log(softmax(x)) along `axis` (default -1), computed as x − max − log Σ
 * exp(x − max): stable for large logits and exact in the tails where
 * softmax underflows to 0. Gradient `dy − softmax(x) ⊙ Σ dy`.
 *
 * @example
 * ag.logSoftmax(ag.tensor([0, 0])).toArray(); // [-0.6931, -0.6931]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor('logSoftmax', x);
  if (x.ndim === 0) throw new ShapeError('logSoftmax: x is 0-d (a scalar); it has no axis to normalize along');
  return logSoftmaxOp(x, normalizeAxis('logSoftmax', axis, x.ndim));
}

// ---------------------------------------------------------------------------
// Classification losses

/** Class labels: integers (a JS array or an integer-valued tensor [N]), or a tensor [N, C] of probabilities. */
export type Labels = readonly number[] | Tensor;

type ParsedLabels = { kind: 'index'; ints: IntList } | { kind: 'dense'; p: Tensor };

function parseLabels(op: string, scores: Tensor, labels: unknown, what: string): ParsedLabels {
  if (scores.ndim !== 2) {
    throw new ShapeError(`${op}: ${what} must be a matrix [N, C] (one row of C class scores per example), got shape ${shapeString(scores.shape)}`);
  }
  const [n, c] = scores.shape;
  if (labels instanceof Tensor && labels.ndim === 2) {
    checkTensor(op, labels, 'labels');
    if (!sameShape(labels.shape, scores.shape)) {
      throw new ShapeError(`${op}: probability labels must have the shape of ${what} ${shapeString(scores.shape)}, got ${shapeString(labels.shape)}`);
    }
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

const crossEntropyOp = primitive(
  'crossEntropy',
  (z: Tensor, labels: IntList) => crossEntropyForward(z, labels),
  // (softmax(z) − onehot) / N
  (dy, _y, z: Tensor, labels: IntList) =>
    mul(sub(softmax(z, 1), oneHot(labels, z.shape[1], z.dtype, 1)), mul(dy, 1 / z.shape[0])),
  null,
);

const nllOp = primitive(
  'nll',
  (logp: Tensor, labels: IntList) => nllForward(logp, labels),
  (dy, _y, logp: Tensor, labels: IntList) => mul(oneHot(labels, logp.shape[1], logp.dtype, -1 / logp.shape[0]), dy),
  null,
);

/**
 * Mean cross-entropy of a batch of logits [N, C] against `labels`: integer
 * class labels (a JS array, or an integer-valued tensor of shape [N]) give
 * mean_i −log softmax(logits_i)[label_i], computed in one fused, stable
 * kernel; a probability (or one-hot) tensor [N, C] gives mean_i −Σ_c p_ic log
 * softmax(logits_i)_c and is differentiable in the probabilities too. The
 * gradient for the logits is (softmax − labels) / N.
 *
 * @example
 * const logits = ag.tensor([[2, 0, 0], [0, 0, 5]]);
 * ag.crossEntropy(logits, [0, 2]).item();                            // 0.1265...
 * ag.crossEntropy(logits, ag.tensor([[1, 0, 0], [0, 0, 1]])).item(); // the same
 */
export function crossEntropy(logits: Tensor, labels: Labels): Tensor {
  checkTensor('crossEntropy', logits, 'logits');
  const l = parseLabels('crossEntropy', logits, labels, 'logits');
  if (l.kind === 'index') return crossEntropyOp(logits, l.ints);
  return composite(() => div(neg(sum(mul(l.p, logSoftmax(logits, 1)))), logits.shape[0]));
}

/**
 * Negative log-likelihood of log-probabilities [N, C] (for instance the
 * output of `logSoftmax`), averaged over the batch: −mean_i logProbs[i,
 * label_i] for integer labels (a JS array or an integer-valued tensor [N]),
 * or −mean_i Σ_c p_ic logProbs_ic for a probability tensor [N, C].
 * `nll(logSoftmax(z), labels)` equals `crossEntropy(z, labels)`.
 *
 * @example
 * ag.nll(ag.log(ag.tensor([[0.5, 0.5], [0.1, 0.9]])), [0, 1]).item(); // 0.3992...
 */
export function nll(logProbs: Tensor, labels: Labels): Tensor {
  checkTensor('nll', logProbs, 'logProbs');
  const l = parseLabels('nll', logProbs, labels, 'logProbs');
  if (l.kind === 'index') return nllOp(logProbs, l.ints);
  return composite(() => div(neg(sum(mul(l.p, logProbs))), logProbs.shape[0]));
}

/**
 * Mean squared error: the mean of (a − b)² over the broadcast shape of `a`
 * and `b` (numpy broadcasting; numbers are accepted). Mind shapes: [N, 1]
 * against [N] broadcasts to [N, N].
 *
 * @example
 * ag.mse(ag.tensor([1, 2, 3]), ag.tensor([1, 2, 5])).item(); // 1.3333...
 */
export function mse(a: TensorLike, b: TensorLike): Tensor {
  return composite(() => {
    const [ta, tb] = coercePair('mse', a, b);
    broadcastShapes('mse', ta.shape, tb.shape);
    return mean(abs2(sub(ta, tb)));
  });
}

/**
 * Mean binary cross-entropy of logits z against targets t in [0, 1] (a
 * tensor of z's shape, or a number), computed from the logits in the stable
 * form mean(max(z, 0) − z t + log1p(exp(−|z|))) = mean(softplus(z) − z t):
 * no overflow for large |z| and exact gradients (sigmoid(z) − t) / n,
 * including at z = 0.
 *
 * @example
 * ag.binaryCrossEntropy(ag.tensor([0, 100, -100]), ag.tensor([1, 1, 0])).item(); // 0.2310...
 */
export function binaryCrossEntropy(logits: Tensor, targets: TensorLike): Tensor {
  checkTensor('binaryCrossEntropy', logits, 'logits');
  if (targets instanceof Tensor) {
    checkTensor('binaryCrossEntropy', targets, 'targets');
    if (targets.ndim > 0 && !sameShape(targets.shape, logits.shape)) {
      throw new ShapeError(
        `binaryCrossEntropy: targets must have the shape of logits ${shapeString(logits.shape)} (or be a number), got ${shapeString(targets.shape)}`,
      );
    }
  } else if (typeof targets !== 'number') {
    throw new ArgumentError(`binaryCrossEntropy: targets must be a Tensor or a number, got ${describe(targets)}`);
  }
  return composite(() => {
    const [z, t] = coercePair('binaryCrossEntropy', logits, targets);
    return mean(sub(softplus(z), mul(z, t)));
  });
}

// ---------------------------------------------------------------------------
// Convolution

/** Options of `conv2d`; each spatial option is a number or an [h, w] pair. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly [number, number];
  /** Zeros added on each side (default 0). */
  padding?: number | readonly [number, number];
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number, number];
  /** Channel groups (default 1): groups = Cin is a depthwise convolution. */
  groups?: number;
}

type Conv2dFn = (x: Tensor, w: Tensor, spec: ConvSpec) => Tensor;
type InputGradFn = (dy: Tensor, w: Tensor, spec: ConvSpec, xShape: number[]) => Tensor;
type WeightGradFn = (x: Tensor, dy: Tensor, spec: ConvSpec, wShape: number[]) => Tensor;

// The three are bilinear and adjoint to each other:
//   <conv2d(x, w), dy> = <x, inputGrad(dy, w)> = <w, weightGrad(x, dy)>,
// so each one's rules are the other two.
const conv2dOp: Conv2dFn = primitive(
  'conv2d',
  (x: Tensor, w: Tensor, spec: ConvSpec) => conv2dForward(x, w, spec),
  (dy, _y, x: Tensor, w: Tensor, spec: ConvSpec) => conv2dInputGradOp(dy, w, spec, x.shape.slice()),
  (dy, _y, x: Tensor, w: Tensor, spec: ConvSpec) => conv2dWeightGradOp(x, dy, spec, w.shape.slice()),
  null,
);

const conv2dInputGradOp: InputGradFn = primitive(
  'conv2dInputGrad',
  (dy: Tensor, w: Tensor, spec: ConvSpec, xShape: number[]) => conv2dInputGradForward(dy, w, spec, xShape),
  (g, _y, _dy: Tensor, w: Tensor, spec: ConvSpec) => conv2dOp(g, w, spec),
  (g, _y, dy: Tensor, w: Tensor, spec: ConvSpec) => conv2dWeightGradOp(g, dy, spec, w.shape.slice()),
  null,
  null,
);

const conv2dWeightGradOp: WeightGradFn = primitive(
  'conv2dWeightGrad',
  (x: Tensor, dy: Tensor, spec: ConvSpec, wShape: number[]) => conv2dWeightGradForward(x, dy, spec, wShape),
  (g, _y, x: Tensor, dy: Tensor, spec: ConvSpec) => conv2dInputGradOp(dy, g, spec, x.shape.slice()),
  (g, _y, x: Tensor, _dy: Tensor, spec: ConvSpec) => conv2dOp(x, g, spec),
  null,
  null,
);

function optionsObject(op: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${op}: options must be an object, got ${describe(options)}`);
  }
  return options as Record<string, unknown>;
}

/**
 * 2-d cross-correlation (a deep-learning "convolution") of images x [N, Cin,
 * H, W] (NCHW) with filters w [Cout, Cin/groups, kh, kw], giving [N, Cout,
 * Ho, Wo] with Ho = floor((H + 2 padding − dilation (kh − 1) − 1) / stride)
 * + 1 (likewise Wo). `stride`, `padding` and `dilation` are numbers or [h, w]
 * pairs; `groups` splits the channels (groups = Cin is depthwise). There is
 * no bias: add one with `ag.add(y, ag.reshape(b, [1, Cout, 1, 1]))`.
 * Computed as im2col + matrix products; the gradients are a transposed
 * convolution (for x) and a convolution of x with dy (for w), themselves
 * differentiable to any order.
 *
 * @example
 * const x = ag.randn([1, 3, 28, 28]);
 * const w = ag.randn([8, 3, 3, 3]);
 * ag.conv2d(x, w, { padding: 1 }).shape;   // [1, 8, 28, 28]
 * ag.conv2d(x, w, { stride: 2 }).shape;    // [1, 8, 13, 13]
 */
export function conv2d(x: Tensor, w: Tensor, options?: Conv2dOptions): Tensor {
  checkTensor('conv2d', x, 'x');
  checkTensor('conv2d', w, 'w');
  const o = optionsObject('conv2d', options);
  if (x.ndim !== 4) throw new ShapeError(`conv2d: x must be a batch of images [N, Cin, H, W], got shape ${shapeString(x.shape)}`);
  if (w.ndim !== 4) throw new ShapeError(`conv2d: w must be filters [Cout, Cin/groups, kh, kw], got shape ${shapeString(w.shape)}`);
  if (x.dtype !== w.dtype) throw new DTypeError(`conv2d: x is ${x.dtype} but w is ${w.dtype}; cast one with ag.cast(x, dtype) first`);
  const [sh, sw] = pair('conv2d', 'stride', o.stride ?? 1, 1);
  const [ph, pw] = pair('conv2d', 'padding', o.padding ?? 0, 0);
  const [dh, dw] = pair('conv2d', 'dilation', o.dilation ?? 1, 1);
  const groups = o.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new ArgumentError(`conv2d: groups must be a positive integer, got ${describe(groups)}`);
  }
  const [, cin, h, wd] = x.shape;
  const [cout, cg, kh, kw] = w.shape;
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new ShapeError(`conv2d: groups ${groups} must divide both Cin ${cin} (x ${shapeString(x.shape)}) and Cout ${cout} (w ${shapeString(w.shape)})`);
  }
  if (cg !== cin / groups) {
    throw new ShapeError(
      `conv2d: w ${shapeString(w.shape)} must have Cin/groups = ${cin}/${groups} = ${cin / groups} input channels (axis 1) for x ${shapeString(x.shape)}, got ${cg}`,
    );
  }
  if (kh < 1 || kw < 1) throw new ShapeError(`conv2d: the kernel size must be at least 1x1, got w ${shapeString(w.shape)}`);
  const ho = outLength(h, kh, sh, ph, dh);
  const wo = outLength(wd, kw, sw, pw, dw);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(
      `conv2d: the input ${h}x${wd} (padded by ${ph}x${pw}) is smaller than the dilated kernel ` +
        `${dh * (kh - 1) + 1}x${dw * (kw - 1) + 1}: the output would be ${ho}x${wo}`,
    );
  }
  const spec: ConvSpec = { sh, sw, ph, pw, dh, dw, groups };
  return conv2dOp(x, w, spec);
}

// ---------------------------------------------------------------------------
// Pooling

type PoolFn = (x: Tensor, spec: PoolSpec) => Tensor;
type PoolIndexedFn = (src: Tensor, x: Tensor, y: Tensor, spec: PoolSpec) => Tensor;
type PoolBackFn = (dy: Tensor, spec: PoolSpec, xShape: number[]) => Tensor;

// maxPool2d's gradient scatters dy to each window's argmax (found again from
// x and the pooled y); the transpose of that scatter is a gather from the
// same positions, and the other way round. The positions are locally
// constant in x, so x and y get no second-order term (null rules).
const maxPool2dOp: PoolFn = primitive(
  'maxPool2d',
  (x: Tensor, spec: PoolSpec) => maxPoolForward(x, spec),
  (dy, y, x: Tensor, spec: PoolSpec) => maxPoolScatterOp(dy, x, y, spec),
  null,
);

const maxPoolScatterOp: PoolIndexedFn = primitive(
  'maxPool2dBackward',
  (dy: Tensor, x: Tensor, y: Tensor, spec: PoolSpec) => maxPoolIndexed('scatter', dy, x, y, spec),
  (g, _dx, _dy: Tensor, x: Tensor, y: Tensor, spec: PoolSpec) => maxPoolGatherOp(g, x, y, spec),
  null,
  null,
  null,
);

const maxPoolGatherOp: PoolIndexedFn = primitive(
  'maxPool2dGather',
  (g: Tensor, x: Tensor, y: Tensor, spec: PoolSpec) => maxPoolIndexed('gather', g, x, y, spec),
  (h, _out, _g: Tensor, x: Tensor, y: Tensor, spec: PoolSpec) => maxPoolScatterOp(h, x, y, spec),
  null,
  null,
  null,
);

// avgPool2d is linear: its gradient spreads dy / area over each window, and
// the gradient of that is avgPool2d again.
const avgPool2dOp: PoolFn = primitive(
  'avgPool2d',
  (x: Tensor, spec: PoolSpec) => avgPoolForward(x, spec),
  (dy, _y, x: Tensor, spec: PoolSpec) => avgPoolBackwardOp(dy, spec, x.shape.slice()),
  null,
);

const avgPoolBackwardOp: PoolBackFn = primitive(
  'avgPool2dBackward',
  (dy: Tensor, spec: PoolSpec, xShape: number[]) => avgPoolBackwardForward(dy, spec, xShape),
  (g, _y, _dy: Tensor, spec: PoolSpec) => avgPool2dOp(g, spec),
  null,
  null,
);

/** Options of `maxPool2d`; each is a number or an [h, w] pair. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Implicit -Infinity padding on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number, number];
  /** Spacing between window taps (default 1). */
  dilation?: number | readonly [number, number];
}

/** Options of `avgPool2d`; each is a number or an [h, w] pair. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Zero padding on each side, at most half the kernel (default 0); the zeros count in the average. */
  padding?: number | readonly [number, number];
}

function poolSpec(op: string, x: Tensor, kernel: unknown, options: unknown, dilated: boolean): PoolSpec {
  checkTensor(op, x);
  const o = optionsObject(op, options);
  if (x.ndim !== 4) throw new ShapeError(`${op}: x must be a batch of images [N, C, H, W], got shape ${shapeString(x.shape)}`);
  const [kh, kw] = pair(op, 'kernel', kernel, 1);
  const [sh, sw] = pair(op, 'stride', o.stride ?? [kh, kw], 1);
  const [ph, pw] = pair(op, 'padding', o.padding ?? 0, 0);
  const [dh, dw] = dilated ? pair(op, 'dilation', o.dilation ?? 1, 1) : [1, 1];
  if (!dilated && o.dilation !== undefined) throw new ArgumentError(`${op}: dilation is not supported (only maxPool2d takes it)`);
  if (ph > Math.floor(kh / 2) || pw > Math.floor(kw / 2)) {
    throw new ArgumentError(`${op}: padding ${ph}x${pw} must be at most half the kernel ${kh}x${kw}`);
  }
  const spec: PoolSpec = { kh, kw, sh, sw, ph, pw, dh, dw, groups: 1 };
  const [, , ho, wo] = poolOutShape(x.shape, spec);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(
      `${op}: the input ${x.shape[2]}x${x.shape[3]} (padded by ${ph}x${pw}) is smaller than the ` +
        `${dilated ? 'dilated ' : ''}window ${dh * (kh - 1) + 1}x${dw * (kw - 1) + 1}: the output would be ${ho}x${wo}`,
    );
  }
  return spec;
}

/**
 * The maximum of each kernel window of images x [N, C, H, W] (`kernel`,
 * `stride` — default the kernel —, `padding` and `dilation` are numbers or
 * [h, w] pairs; padding never wins). The gradient goes to the position of
 * each window's maximum; on ties, to the first one in row-major window order
 * (as PyTorch), and a NaN in a window wins and propagates. The backward pass
 * finds those positions again from x and the result, so no index buffer is
 * held between the passes.
 *
 * @example
 * const x = ag.tensor([[[[1, 2], [3, 4]]]]);
 * ag.maxPool2d(x, 2).toArray(); // [[[[4]]]]
 */
export function maxPool2d(x: Tensor, kernel: number | readonly [number, number], options?: MaxPool2dOptions): Tensor {
  return maxPool2dOp(x, poolSpec('maxPool2d', x, kernel, options, true));
}

/**
 * The mean of each kernel window of images x [N, C, H, W] (`kernel`,
 * `stride` — default the kernel — and `padding` are numbers or [h, w]
 * pairs). Padding zeros count in the mean: every window is divided by kh·kw,
 * like PyTorch's count_include_pad=True. The gradient spreads dy / (kh·kw)
 * over each window.
 *
 * @example
 * const x = ag.tensor([[[[1, 2], [3, 4]]]]);
 * ag.avgPool2d(x, 2).toArray(); // [[[[2.5]]]]
 */
export function avgPool2d(x: Tensor, kernel: number | readonly [number, number], options?: AvgPool2dOptions): Tensor {
  return avgPool2dOp(x, poolSpec('avgPool2d', x, kernel, options, false));
}

// ---------------------------------------------------------------------------
// Dropout

const dropoutOp = primitive(
  'dropout',
  (x: Tensor, mask: Tensor) => binaryForward('mul', x, mask),
  (dy, _y, _x: Tensor, mask: Tensor) => mul(dy, mask),
  null,
);

// Not training, or p = 0: the same values in a new handle (no copy).
const dropoutIdentityOp = primitive('dropout', (x: Tensor) => x, (dy) => dy);

/** Options of `dropout`. */
export interface DropoutOptions {
  /** Drop entries (default true); when false dropout is the identity. */
  training?: boolean;
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
export function dropout(x: Tensor, p: number, options?: DropoutOptions): Tensor {
  checkTensor('dropout', x);
  const o = optionsObject('dropout', options);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ArgumentError(`dropout: p must be a probability in [0, 1], got ${describe(p)}`);
  }
  const training = o.training ?? true;
  if (typeof training !== 'boolean') throw new ArgumentError(`dropout: training must be a boolean, got ${describe(training)}`);
  if (!training || p === 0) return dropoutIdentityOp(x);
  const n = x.size;
  const values = x.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  if (p < 1) {
    const scale = 1 / (1 - p);
    for (let i = 0; i < n; i++) values[i] = nextDouble() < p ? 0 : scale;
  }
  const mask = tensor(values, { shape: x.shape.slice(), dtype: x.dtype });
  markTemporary(mask);
  return dropoutOp(x, mask);
}

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
  const mu = mean(x, axes, true);
  const xc = sub(x, mu);
  const v = mean(abs2(xc), axes, true);
  return { y: div(xc, sqrt(add(v, eps))), mu, v };
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
export function layerNorm(x: Tensor, axis: number | readonly number[] = -1, eps = 1e-5): Tensor {
  checkTensor('layerNorm', x);
  checkEps('layerNorm', eps);
  if (x.ndim === 0) throw new ShapeError('layerNorm: x is 0-d (a scalar); it has no axis to normalize over');
  const axes = normalizeAxes('layerNorm', axis, x.ndim);
  if (axes.length === 0) throw new ArgumentError('layerNorm: axis must name at least one axis');
  return composite(() => standardize(x, axes, eps).y);
}

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
export function batchNorm(x: Tensor, options?: BatchNormOptions): Tensor {
  checkTensor('batchNorm', x);
  const o = optionsObject('batchNorm', options);
  if (x.ndim < 2) throw new ShapeError(`batchNorm: x must have a batch axis and a channel axis (rank >= 2), got shape ${shapeString(x.shape)}`);
  const axis = normalizeAxis('batchNorm', (o.axis ?? 1) as number, x.ndim);
  const eps = checkEps('batchNorm', o.eps ?? 1e-5);
  const training = o.training ?? true;
  if (typeof training !== 'boolean') throw new ArgumentError(`batchNorm: training must be a boolean, got ${describe(training)}`);
  const momentum = o.momentum ?? 0.1;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new ArgumentError(`batchNorm: momentum must be a number in [0, 1], got ${describe(momentum)}`);
  }
  const c = x.shape[axis];
  const stat = (name: string, t: unknown): Tensor | null => {
    if (t === undefined || t === null) return null;
    checkTensor('batchNorm', t, name);
    const s = t as Tensor;
    if (!sameShape(s.shape, [c])) {
      throw new ShapeError(`batchNorm: ${name} must have shape [${c}] (the size of channel axis ${axis} of x ${shapeString(x.shape)}), got ${shapeString(s.shape)}`);
    }
    if (s.dtype !== x.dtype) throw new DTypeError(`batchNorm: x is ${x.dtype} but ${name} is ${s.dtype}`);
    return s;
  };
  const rm = stat('runningMean', o.runningMean);
  const rv = stat('runningVar', o.runningVar);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
  const statShape = x.shape.map((d, i) => (i === axis ? d : 1));
  if (!training) {
    if (rm === null || rv === null) {
      throw new ArgumentError('batchNorm: inference (training: false) needs both runningMean and runningVar');
    }
    return composite(() => div(sub(x, reshape(rm, statShape)), sqrt(add(reshape(rv, statShape), eps))));
  }
  const count = x.size / Math.max(c, 1);
  if (count <= 1) {
    throw new ShapeError(`batchNorm: training needs more than one value per channel, got x ${shapeString(x.shape)} with channel axis ${axis}`);
  }
  return composite(() => {
    const { y, mu, v } = standardize(x, axes, eps);
    if (rm !== null || rv !== null) {
      // The running statistics are plain numbers, not part of any gradient;
      // both updates are computed before either is written, so a failure
      // leaves them as they were.
      tidy(() => {
        const newMean = rm === null ? null : sub(reshape(value(mu), [c]), rm);
        const newVar = rv === null ? null : sub(mul(reshape(value(v), [c]), count / (count - 1)), rv);
        if (rm !== null) axpy(momentum, newMean!, rm);
        if (rv !== null) axpy(momentum, newVar!, rv);
      });
    }
    return y;
  });
}

// ---------------------------------------------------------------------------
// Embedding

type EmbeddingFn = (table: Tensor, ids: IntList) => Tensor;
type EmbeddingBackFn = (dy: Tensor, ids: IntList, v: number) => Tensor;

// A gather of rows and its transpose, a scatter-add (repeated ids accumulate).
const embeddingOp: EmbeddingFn = primitive(
  'embedding',
  (table: Tensor, ids: IntList) => embeddingForward(table, ids),
  (dy, _y, table: Tensor, ids: IntList) => embeddingBackwardOp(dy, ids, table.shape[0]),
  null,
);

const embeddingBackwardOp: EmbeddingBackFn = primitive(
  'embeddingBackward',
  (dy: Tensor, ids: IntList, v: number) => embeddingScatterForward(dy, ids, v),
  (g, _y, _dy: Tensor, ids: IntList) => embeddingOp(g, ids),
  null,
  null,
);

/** Integer ids: a number, a (nested) array of numbers, or an integer-valued tensor. */
export type Ids = number | readonly Ids[] | Tensor;

/**
 * Rows of `table` [V, D] picked by integer `ids` in [0, V) (a number, a
 * nested array or an integer-valued tensor of any shape), giving
 * ids.shape + [D]. The gradient for the table is a scatter-add: rows picked
 * several times accumulate every contribution.
 *
 * @example
 * const table = ag.tensor([[0, 0], [1, 1], [2, 2]]);
 * ag.embedding(table, [[2, 0], [2, 2]]).toArray(); // [[[2, 2], [0, 0]], [[2, 2], [2, 2]]]
 */
export function embedding(table: Tensor, ids: Ids): Tensor {
  checkTensor('embedding', table, 'table');
  if (table.ndim !== 2) throw new ShapeError(`embedding: table must be a matrix [V, D], got shape ${shapeString(table.shape)}`);
  const list = parseInts('embedding', 'ids', ids, table.shape[0], `a table of ${table.shape[0]} rows`);
  return embeddingOp(table, list);
}
