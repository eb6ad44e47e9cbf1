// Reductions: sum, mean, prod, max, min, logsumexp, variance, std, norm,
// argmax, argmin. Every one takes `axis` (a number or an array of numbers,
// negative from the end; all axes when omitted) and `keepdims`; sum, mean,
// max and min also take a function first, like AutoGrad.jl's `sum(abs2, x)`.

import { Tensor, alias, empty, type TensorLike } from '../runtime/tensor';
import { ones } from '../runtime/create';
import { kernelFor, kernels } from '../wasm/index';
import { ArgumentError, ShapeError, describe } from '../runtime/errors';
import { broadcastStrides, contiguousStrides, normalizeAxes, normalizeAxis, reducedShape, shapeSize, shapeString } from '../runtime/shape';
import { asTensor, checkAnyTensor, checkTensor } from './args';
import { compose, custom, op, type OpFn } from './define';
import { binaryForward, stridedCopy } from './kernels';
import { raw } from './raw';

export type Axis = number | readonly number[];
export type ElementwiseFn = (x: Tensor) => Tensor;

// ---- forward plumbing ----

function sumForward(x: Tensor, axes: number[], keepdims: boolean): Tensor {
  const k = kernels();
  const f32 = x.dtype === 'float32';
  const outShape = reducedShape(x.shape, axes, keepdims);
  if (axes.length === x.ndim || x.size === 0) {
    const out = empty(outShape, x.dtype, 'sum');
    const total = x.size === 0 ? 0 : f32 ? k.sum_f32(x._ptr, x.size) : k.sum_f64(x._ptr, x.size);
    if (out.size > 0) {
      if (f32) k.fill_f32(out._ptr, out.size, total);
      else k.fill_f64(out._ptr, out.size, total);
    }
    return out;
  }
  // Reduce runs of adjacent axes one kernel call each, from the last run to
  // the first, so earlier runs keep their positions.
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  let current = x;
  let shape = x.shape.slice();
  for (let r = runs.length - 1; r >= 0; r--) {
    const [from, to] = runs[r];
    const next = shape.slice(0, from).concat(shape.slice(to));
    const out = empty(next, x.dtype, 'sum');
    const [outer, n, inner] = around(shape, from, to);
    if (f32) k.sum_axis_f32(current._ptr, out._ptr, outer, n, inner);
    else k.sum_axis_f64(current._ptr, out._ptr, outer, n, inner);
    if (current !== x) current.dispose();
    current = out;
    shape = next;
  }
  if (!keepdims || current === x) return current; // no axes: the door gives the result a handle of its own
  const kept = alias(current, outShape);
  current.dispose();
  return kept;
}

/** Whether sorted axes are adjacent (a run [first, last]). */
function isRun(axes: readonly number[]): boolean {
  return axes.length === 0 || axes[axes.length - 1] - axes[0] + 1 === axes.length;
}

/** Sizes of x viewed as [outer, n, inner] around the axes from..to-1. */
function around(shape: readonly number[], from: number, to: number): [number, number, number] {
  return [shapeSize(shape.slice(0, from)), shapeSize(shape.slice(from, to)), shapeSize(shape.slice(to))];
}

/**
 * Runs a kernel `(x, out, outer, n, inner, ...extra)` that reduces the middle
 * axis of [outer, n, inner]. Reduced axes that are not adjacent are first
 * gathered at the end by a transposing copy.
 */
function reduceForward(op: string, kernel: string, x: Tensor, axes: number[], keepdims: boolean, ...extra: number[]): Tensor {
  const fn = kernelFor<(x: number, out: number, outer: number, n: number, inner: number, ...extra: number[]) => void>(kernel, x.dtype);
  const outShape = reducedShape(x.shape, axes, keepdims);
  if (shapeSize(outShape) === 0) return empty(outShape, x.dtype, op);
  let src = x;
  let outer: number;
  let n: number;
  let inner: number;
  if (axes.length === 0) [outer, n, inner] = [x.size, 1, 1];
  else if (isRun(axes)) [outer, n, inner] = around(x.shape, axes[0], axes[axes.length - 1] + 1);
  else {
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = kept.concat(axes);
    const strides = contiguousStrides(x.shape);
    src = stridedCopy(op, x, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]));
    [outer, n, inner] = [shapeSize(kept.map((i) => x.shape[i])), shapeSize(axes.map((i) => x.shape[i])), 1];
  }
  const out = empty(outShape, x.dtype, op);
  fn(src._ptr, out._ptr, outer, n, inner, ...extra);
  if (src !== x) src.dispose();
  return out;
}

/** `t` (reduced over `axes` of x) with the reduced axes back as size 1, so it broadcasts against x. */
function expand(t: Tensor, x: Tensor, axes: number[], keepdims: boolean): Tensor {
  return keepdims ? t : raw.reshape(t, reducedShape(x.shape, axes, true));
}

function countOf(x: Tensor, axes: number[]): number {
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  return count;
}

// ---- arguments (checked before anything is allocated) ----

type Reduced = [x: Tensor, axes: number[], keepdims: boolean];

function checkKeepdims(op: string, keepdims: unknown): boolean {
  if (keepdims !== undefined && typeof keepdims !== 'boolean') {
    throw new ArgumentError(`${op}: keepdims must be a boolean, got ${describe(keepdims)}`);
  }
  return keepdims === true;
}

/** A tensor-or-number, its axes and keepdims; numbers become 0-d float64 tensors last. */
function reduction(op: string, x: TensorLike, axis?: Axis, keepdims?: boolean): Reduced {
  const ndim = typeof x === 'number' ? 0 : checkAnyTensor(op, x).ndim;
  const kd = checkKeepdims(op, keepdims);
  const axes = normalizeAxes(op, axis, ndim);
  return [asTensor(op, x, 'float64'), axes, kd];
}

/** The function-first form `op(f, x, axis?, keepdims?)`, or the plain `op(x, axis?, keepdims?)`. */
function reductionMaybeFn(op: string, args: unknown[]): Reduced {
  const [a, b, c, d] = args;
  if (typeof a !== 'function') return reduction(op, a as TensorLike, b as Axis | undefined, c as boolean | undefined);
  // Check everything before f runs, so a bad axis allocates nothing.
  const ndim = typeof b === 'number' ? 0 : checkAnyTensor(op, b).ndim;
  checkKeepdims(op, d);
  normalizeAxes(op, c as Axis | undefined, ndim);
  return reduction(op, (a as ElementwiseFn)(asTensor(op, b, 'float64')), c as Axis | undefined, d as boolean | undefined);
}

/** numpy refuses max/min/argmax of no elements: so do we, naming the axis. */
function checkNonEmpty(op: string, x: Tensor, axes: number[], what: string): void {
  for (const a of axes) {
    if (x.shape[a] === 0) {
      throw new ShapeError(`${op}: cannot reduce axis ${a} of length 0 (shape ${shapeString(x.shape)}): the ${what} of no elements is undefined`);
    }
  }
}

const plain = { parse: (op: string, args: [x: TensorLike, axis?: Axis, keepdims?: boolean]) => reduction(op, ...args), raw: null };
const maybeFn = { parse: reductionMaybeFn as (op: string, args: [x: TensorLike, axis?: Axis, keepdims?: boolean]) => Reduced, raw: null };
const nonEmpty = (what: string) => ({
  parse: (op: string, args: [x: TensorLike, axis?: Axis, keepdims?: boolean]): Reduced => {
    const r = reductionMaybeFn(op, args);
    checkNonEmpty(op, r[0], r[1], what);
    return r;
  },
  raw: null,
});

/** The type of a reduction that also takes a function first: `sum(abs2, x)`. */
type AlsoFnFirst<F> = F extends OpFn<[x: TensorLike, ...infer Rest], infer R>
  ? ((f: ElementwiseFn, x: TensorLike, ...rest: Rest) => Tensor) & OpFn<[x: TensorLike, ...Rest], R>
  : never;
const alsoFnFirst = <F>(f: F) => f as AlsoFnFirst<F>;

// ---- sum and mean ----

const sumOp = op({ name: 'sum', args: maybeFn, forward: sumForward, tangent: 'linear' })
  .grads((dy, _y, x, axes, keepdims) => raw.broadcastTo(expand(dy, x, axes, keepdims), x.shape.slice()), null, null);
/**
 * Sum of all entries, or along `axis` (a number or array, negative from the
 * end), keeping reduced axes as size 1 when `keepdims`. `sum(f, x)` sums
 * `f(x)`, like AutoGrad.jl's `sum(abs2, x)`. The sum of no elements is 0.
 *
 * @example
 * ag.sum(ag.tensor([[1, 2], [3, 4]])).item();           // 10
 * ag.sum(ag.tensor([[1, 2], [3, 4]]), 0).toArray();     // [4, 6]
 * ag.sum(ag.abs2, ag.tensor([1, 2, 3])).item();         // 14
 */
export const sum = alsoFnFirst(sumOp);

const meanOp = compose({ name: 'mean', args: maybeFn }).as((x, axes, keepdims) => raw.mul(raw.sum(x, axes, keepdims), 1 / countOf(x, axes)));
/**
 * Mean of all entries or along `axis`; `mean(f, x)` averages `f(x)`. The
 * mean of no elements is NaN, as in numpy.
 *
 * @example
 * ag.mean(ag.tensor([1, 2, 3, 4])).item();             // 2.5
 * ag.mean(ag.tensor([[1, 2], [3, 5]]), -1).toArray();  // [1.5, 4]
 */
export const mean = alsoFnFirst(meanOp);

// ---- prod: the gradient is the product of the others, without division ----

type Run = [from: number, to: number];

// A linear recurrence along the axes from..to-1 (flattened, row-major):
// s[0] = b[0], s[k] = b[k] + a[k] s[k-1] (from the end when reverse). Its
// gradients are recurrences of the same kind run the other way, so it
// differentiates to any order:
//   db = u = scan(shift(a, back), dy, !reverse),  da = u * shift(s, forward).
const scan = op({
  name: 'scan', internal: true,
  args: custom((_op: string, a: Tensor, b: Tensor, from: number, to: number, reverse: boolean): [Tensor, Tensor, number, number, boolean] => [a, b, from, to, reverse]),
  forward: (a, b, from, to, reverse) => {
    const out = empty(a.shape.slice(), a.dtype, 'prod');
    if (out.size === 0) return out;
    kernelFor<(a: number, b: number, out: number, outer: number, n: number, inner: number, reverse: number) => void>(
      'scan_axis', a.dtype,
    )(a._ptr, b._ptr, out._ptr, ...around(a.shape, from, to), reverse ? 1 : 0);
    return out;
  },
}).grads(
  (dy, s, a, _b, from, to, reverse) => raw.mul(scan(shift(a, from, to, reverse ? 1 : -1), dy, from, to, !reverse), shift(s, from, to, reverse ? -1 : 1)),
  (dy, _s, a, _b, from, to, reverse) => scan(shift(a, from, to, reverse ? 1 : -1), dy, from, to, !reverse),
  null, null, null,
);

// Shift by one along the axes from..to-1, zero filled: dir 1 moves entries
// to higher indices, -1 to lower. The adjoint shifts back.
const shift = op({
  name: 'shift', internal: true,
  args: custom((_op: string, x: Tensor, from: number, to: number, dir: 1 | -1): [Tensor, number, number, 1 | -1] => [x, from, to, dir]),
  forward: (x, from, to, dir) => {
    const out = empty(x.shape.slice(), x.dtype, 'prod');
    if (out.size === 0) return out;
    kernelFor<(x: number, out: number, outer: number, n: number, inner: number, dir: number) => void>(
      'shift_axis', x.dtype,
    )(x._ptr, out._ptr, ...around(x.shape, from, to), dir);
    return out;
  },
}).grads((dy, _y, _x, from, to, dir) => shift(dy, from, to, dir === 1 ? -1 : 1), null, null, null);

/** A constant: 1 at the first (or last) position along the axes from..to-1, else 0. */
function scanSeed(x: Tensor, [from, to]: Run, last: boolean): Tensor {
  const out = empty(x.shape.slice(), x.dtype, 'prod');
  if (out.size === 0) return out;
  kernelFor<(out: number, outer: number, n: number, inner: number, last: number) => void>('scan_seed', x.dtype)(
    out._ptr, ...around(x.shape, from, to), last ? 1 : 0,
  );
  return out;
}

/** For each entry, the product of the other entries of its group along from..to-1: exclusive cumulative products from both ends. */
function prodOthersRun(x: Tensor, run: Run): Tensor {
  const [from, to] = run;
  const left = scan(shift(x, from, to, 1), scanSeed(x, run, false), from, to, false);
  const right = scan(shift(x, from, to, -1), scanSeed(x, run, true), from, to, true);
  return raw.mul(left, right);
}

function prodOthers(x: Tensor, axes: number[]): Tensor {
  if (axes.length === 0) return prodOthersRun(x, [x.ndim, x.ndim]);
  if (isRun(axes)) return prodOthersRun(x, [axes[0], axes[axes.length - 1] + 1]);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = kept.concat(axes);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return raw.transpose(prodOthersRun(raw.transpose(x, perm), [kept.length, x.ndim]), inverse);
}

/**
 * Product of all entries or along `axis`. The gradient of each entry is the
 * product of the others, computed from exclusive cumulative products (no
 * division), so it is right when entries are zero — the gradient of
 * prod([2, 0, 3]) is [0, 6, 0] — and differentiates again to any order. The
 * product of no elements is 1.
 *
 * @example
 * ag.prod(ag.tensor([[1, 2], [3, 4]])).item();          // 24
 * ag.prod(ag.tensor([[1, 2], [3, 4]]), 1).toArray();    // [2, 12]
 */
export const prod = op({ name: 'prod', args: plain, forward: (x, axes, keepdims) => reduceForward('prod', 'prod_axis', x, axes, keepdims) })
  .grads((dy, _y, x, axes, keepdims) => raw.mul(expand(dy, x, axes, keepdims), prodOthers(x, axes)), null, null);

// ---- cumulative sums and products: the scan above, so their gradients are scans too ----

function cumulativeArgs(op: string, x: TensorLike, axis?: number | null): [Tensor, number | null] {
  const ndim = typeof x === 'number' ? 0 : checkTensor(op, x).ndim;
  let a: number | null = null;
  if (axis !== undefined && axis !== null) {
    if (typeof axis !== 'number') throw new ArgumentError(`${op}: axis must be one integer (or omitted for the flattened tensor), got ${describe(axis)}`);
    a = normalizeAxis(op, axis, ndim);
  }
  return [asTensor(op, x, 'float64'), a];
}

/**
 * Cumulative sum along `axis`, or over the flattened tensor (row-major,
 * giving 1-D, as numpy) when `axis` is omitted. Its gradient is the reversed cumulative sum of the incoming
 * gradient, itself differentiable.
 *
 * @example
 * ag.cumsum(ag.tensor([[1, 2], [3, 4]]), 1).toArray(); // [[1, 3], [3, 7]]
 * ag.cumsum(ag.tensor([[1, 2], [3, 4]])).toArray();    // [1, 3, 6, 10]
 */
export const cumsum = compose({ name: 'cumsum', args: custom(cumulativeArgs) }).as((x, axis) => {
  const v = axis === null ? raw.reshape(x, [x.size]) : x;
  const a = axis ?? 0;
  return scan(ones(v.shape.slice(), { dtype: v.dtype }), v, a, a + 1, false);
});

/**
 * Cumulative product along `axis`, or over the flattened tensor (1-D, as
 * numpy) when `axis` is omitted. The gradient comes from scans, without
 * division, so it is right where entries are 0 (the gradient of
 * cumprod([2, 0, 3]) summed is [1, 8, 0]) and differentiates again.
 *
 * @example
 * ag.cumprod(ag.tensor([1, 2, 3, 4])).toArray(); // [1, 2, 6, 24]
 */
export const cumprod = compose({ name: 'cumprod', args: custom(cumulativeArgs) }).as((x, axis) => {
  const v = axis === null ? raw.reshape(x, [x.size]) : x;
  const a = axis ?? 0;
  // s[0] = x[0], s[k] = x[k] s[k-1]: the scan with a = x and b = x at the first position, 0 after.
  return scan(v, raw.mul(v, scanSeed(v, [a, a + 1], false)), a, a + 1, false);
});

// ---- max and min ----

// Where the extreme value was taken, each of k tied entries weighted 1/k (a
// constant on the tape). NaN matches NaN, so a NaN result sends its gradient
// to the NaN entries.
const tieWeights = op({
  name: 'tieWeights', internal: true,
  args: custom((_op: string, x: Tensor, yKept: Tensor, axes: number[]): [Tensor, Tensor, number[]] => [x, yKept, axes]),
  forward: (x, yKept, axes) => {
    const yb = stridedCopy('max', yKept, x.shape.slice(), broadcastStrides(yKept.shape, x.shape));
    const hit = empty(x.shape.slice(), x.dtype, 'max');
    kernelFor<(a: number, b: number, out: number, n: number) => void>('reduce_eq_mask', x.dtype)(x._ptr, yb._ptr, hit._ptr, x.size);
    yb.dispose();
    const count = sumForward(hit, axes, true);
    const weights = binaryForward('div', hit, count);
    hit.dispose();
    count.dispose();
    return weights;
  },
}).constant();

const extremeRule = (dy: Tensor, y: Tensor, x: Tensor, axes: number[], keepdims: boolean): Tensor =>
  raw.mul(expand(dy, x, axes, keepdims), tieWeights(x, expand(y, x, axes, keepdims), axes));

const maxOp = op({ name: 'max', args: nonEmpty('maximum'), forward: (x, axes, keepdims) => reduceForward('max', 'max_axis', x, axes, keepdims) })
  .grads(extremeRule, null, null);
/**
 * Largest entry, overall or along `axis` (numpy's `max`, AutoGrad.jl's
 * `maximum`); `max(f, x)` is the largest entry of `f(x)`. A NaN anywhere in a
 * reduced group makes its result NaN. The gradient goes to the entries equal
 * to the maximum; when k entries tie, each receives 1/k of it (so the
 * gradient sums to the incoming gradient; AutoGrad.jl gives each the full
 * gradient instead). The maximum of no elements is an error.
 *
 * @example
 * ag.max(ag.tensor([[1, 5], [7, 2]])).item();           // 7
 * ag.max(ag.tensor([[1, 5], [7, 2]]), -1).toArray();    // [5, 7]
 */
export const max = alsoFnFirst(maxOp);

const minOp = op({ name: 'min', args: nonEmpty('minimum'), forward: (x, axes, keepdims) => reduceForward('min', 'min_axis', x, axes, keepdims) })
  .grads(extremeRule, null, null);
/**
 * Smallest entry, overall or along `axis`; `min(f, x)` is the smallest entry
 * of `f(x)`. NaN propagates; ties share the gradient equally, as in `max`.
 * The minimum of no elements is an error.
 *
 * @example
 * ag.min(ag.tensor([[1, 5], [7, 2]]), 0).toArray();     // [1, 2]
 */
export const min = alsoFnFirst(minOp);

// ---- logsumexp ----

/**
 * `log(sum(exp(x)))` over all entries or along `axis`, computed stably as
 * `m + log(sum(exp(x - m)))` with `m` the maximum, so large inputs do not
 * overflow: logsumexp([1000, 1000]) = 1000 + log 2. Its gradient is the
 * softmax of `x` along the reduced axes. The logsumexp of no elements is
 * -Infinity.
 *
 * @example
 * ag.logsumexp(ag.tensor([1000, 1000], { dtype: 'float64' })).item(); // 1000.6931...
 */
export const logsumexp = op({
  name: 'logsumexp', args: plain,
  forward: (x, axes, keepdims) => reduceForward('logsumexp', 'logsumexp_axis', x, axes, keepdims),
}).grads(
  // d/dx log(sum(exp(x))) = softmax(x) = exp(x - y)
  (dy, y, x, axes, keepdims) => raw.mul(expand(dy, x, axes, keepdims), raw.exp(raw.sub(x, expand(y, x, axes, keepdims)))),
  null,
  null,
);

// ---- variance and std ----

function statArgs(op: string, x: TensorLike, axis?: Axis, keepdims?: boolean, ddof: number = 0): [Tensor, number[], boolean, number] {
  if (typeof ddof !== 'number' || !Number.isFinite(ddof) || ddof < 0) {
    throw new ArgumentError(`${op}: ddof must be a finite number >= 0 (0: population, 1: sample), got ${describe(ddof)}`);
  }
  return [...reduction(op, x, axis, keepdims), ddof];
}

/** x minus its mean over `axes`, kept broadcastable. */
const centered = (x: Tensor, axes: number[]) => raw.sub(x, raw.mean(x, axes, true));

/**
 * Variance over all entries or along `axis`: `sum((x - mean)^2) / (n - ddof)`
 * with numpy's default `ddof = 0` (the population variance; `ddof = 1` gives
 * the sample variance). As in numpy, `n - ddof <= 0` divides by zero and
 * gives Infinity (or NaN when the deviations are all zero) instead of an
 * error, and the variance of no elements is NaN. Computed in two passes in
 * float64.
 *
 * @example
 * ag.variance(ag.tensor([1, 2, 3, 4])).item();                // 1.25
 * ag.variance(ag.tensor([1, 2, 3, 4]), 0, false, 1).item();   // 1.6666...
 */
export const variance = op({
  name: 'variance', args: custom(statArgs),
  forward: (x, axes, keepdims, ddof) => reduceForward('variance', 'variance_axis', x, axes, keepdims, ddof),
}).grads(
  // d/dx sum((x - mean)^2) / (n - ddof) = 2 (x - mean) / (n - ddof)
  (dy, _y, x, axes, keepdims, ddof) =>
    raw.mul(expand(dy, x, axes, keepdims), raw.mul(centered(x, axes), 2 / Math.max(countOf(x, axes) - ddof, 0))),
  null,
  null,
  null,
);

/**
 * Standard deviation, the square root of `variance(x, axis, keepdims, ddof)`
 * (numpy's `ddof = 0` default; 1 for the sample statistic). Its gradient is
 * `(x - mean) / ((n - ddof) std)`; where std is 0 (all entries equal) that is
 * 0/0 = NaN, as the square root's slope is infinite there.
 *
 * @example
 * ag.std(ag.tensor([[1, 3], [5, 5]]), 1).toArray(); // [1, 0]
 */
export const std = op({
  name: 'std', args: custom(statArgs),
  forward: (x, axes, keepdims, ddof) => {
    const out = reduceForward('std', 'variance_axis', x, axes, keepdims, ddof);
    kernelFor<(x: number, out: number, n: number) => void>('sqrt', x.dtype)(out._ptr, out._ptr, out.size);
    return out;
  },
}).grads(
  // d/dx sqrt(variance) = (x - mean) / ((n - ddof) std)
  (dy, y, x, axes, keepdims, ddof) =>
    raw.mul(expand(dy, x, axes, keepdims), raw.div(centered(x, axes), raw.mul(expand(y, x, axes, keepdims), Math.max(countOf(x, axes) - ddof, 0)))),
  null,
  null,
  null,
);

// ---- norm ----

/** y with its zeros replaced by ones: a denominator for x / y where x is 0 whenever y is. */
const nonzero = (y: Tensor): Tensor => raw.add(y, raw.sub(1, raw.abs(raw.sign(y))));

type NormArgs = [Tensor, number[], boolean, number];
const normParts = custom((_op: string, x: Tensor, axes: number[], keepdims: boolean, p: number): NormArgs => [x, axes, keepdims, p]);

const countNonzero = op({
  name: 'countNonzero', internal: true, args: normParts,
  forward: (x, axes, keepdims, _p) => reduceForward('norm', 'norm_axis', x, axes, keepdims, 0),
}).constant();

const pnorm = op({
  name: 'norm', internal: true, args: normParts,
  forward: (x, axes, keepdims, p) => reduceForward('norm', 'norm_axis', x, axes, keepdims, p),
}).grads(
  // d/dx (sum |x|^p)^(1/p) = sign(x) (|x| / y)^(p-1); 0 at the zero vector.
  (dy, y, x, axes, keepdims, p) => {
    const g = expand(dy, x, axes, keepdims);
    if (p === 1) return raw.mul(g, raw.sign(x));
    const ys = nonzero(expand(y, x, axes, keepdims));
    if (p === 2) return raw.mul(g, raw.div(x, ys));
    return raw.mul(g, raw.mul(raw.sign(x), raw.pow(raw.div(raw.abs(x), ys), p - 1)));
  },
  null,
  null,
  null,
);

function normArgs(op: string, x: TensorLike, p: number = 2, axis?: Axis, keepdims?: boolean): NormArgs {
  if (typeof p !== 'number' || !(p >= 0 || p === -Infinity)) {
    throw new ArgumentError(`${op}: p must be 0, a positive number, Infinity or -Infinity, got ${describe(p)}`);
  }
  const [t, axes, kd] = reduction(op, x, axis, keepdims);
  if (Math.abs(p) === Infinity) checkNonEmpty(op, t, axes, p > 0 ? 'largest |x|' : 'smallest |x|');
  return [t, axes, kd, p];
}

/**
 * Vector p-norm of all entries, or along `axis` (the entries of the reduced
 * axes form one vector even for two axes: no matrix norms, like numpy's
 * `linalg.vector_norm`). `p` is 2 by default; 1 sums |x|; Infinity and
 * -Infinity are the largest and smallest |x| (ties share the gradient, as in
 * `max`); 0 counts the nonzero entries (zero gradient); any other p > 0 is
 * `(sum |x|^p)^(1/p)`, computed scaled by the largest |x| so it neither
 * overflows nor underflows. Gradients: sign(x) for p = 1, x / norm for p = 2,
 * sign(x) (|x| / norm)^(p-1) in general; at the zero vector the gradient is 0
 * (a subgradient), not NaN; for p < 1 it is NaN at zero entries, where the
 * slope is infinite. The norm of no elements is 0 (an error for ±Infinity).
 *
 * @example
 * ag.norm(ag.tensor([3, -4])).item();                         // 5
 * ag.norm(ag.tensor([3, -4]), 1).item();                      // 7
 * ag.norm(ag.tensor([[3, 4], [1, 0]]), Infinity, 1).toArray(); // [4, 1]
 */
export const norm = compose({ name: 'norm', args: custom(normArgs) }).as((x, axes, keepdims, p) => {
  if (p === Infinity) return raw.max(raw.abs(x), axes, keepdims);
  if (p === -Infinity) return raw.min(raw.abs(x), axes, keepdims);
  if (p === 0) return countNonzero(x, axes, keepdims, 0);
  return pnorm(x, axes, keepdims, p);
});

// ---- argmax and argmin ----

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, axis: number | null, keepdims: boolean): Tensor {
  const fn = kernelFor<(x: number, out: number, outer: number, n: number, inner: number) => void>(`${op}_axis`, x.dtype);
  if (axis === null) {
    const out = empty(keepdims ? x.shape.map(() => 1) : [], 'int32', op);
    fn(x._ptr, out._ptr, 1, x.size, 1);
    return out;
  }
  const out = empty(reducedShape(x.shape, [axis], keepdims), 'int32', op);
  if (out.size > 0) fn(x._ptr, out._ptr, ...around(x.shape, axis, axis + 1));
  return out;
}

function argArgs(op: string, x: TensorLike, axis?: number, keepdims?: boolean): [Tensor, number | null, boolean] {
  const t = typeof x === 'number' ? null : checkTensor(op, x);
  const ndim = t === null ? 0 : t.ndim;
  const kd = checkKeepdims(op, keepdims);
  let a: number | null = null;
  if (axis !== undefined && axis !== null) {
    if (typeof axis !== 'number') {
      throw new ArgumentError(`${op}: axis must be one integer (or omitted for the flattened tensor), got ${describe(axis)}`);
    }
    a = normalizeAxis(op, axis, ndim);
  }
  if (t !== null) {
    if (a === null && t.size === 0) throw new ShapeError(`${op}: cannot take the ${op} of an empty tensor (shape ${shapeString(t.shape)})`);
    if (a !== null) checkNonEmpty(op, t, [a], op);
  }
  return [asTensor(op, x, 'float64'), a, kd];
}

/**
 * Index of the largest entry along `axis`, or in the flattened (row-major)
 * tensor when `axis` is omitted. The first occurrence wins ties; a NaN
 * counts as the largest (the first NaN wins), as in numpy. The indices come
 * back as an int32 tensor, as argsort's and topk's do. Zero gradient. An
 * empty reduction is an error.
 *
 * @example
 * ag.argmax(ag.tensor([[1, 9, 9], [4, 2, 0]])).item();        // 1
 * ag.argmax(ag.tensor([[1, 9, 9], [4, 2, 0]]), 1).toArray();  // [1, 0]
 */
export const argmax = op({ name: 'argmax', args: custom(argArgs), forward: (x, axis, keepdims) => argExtreme('argmax', x, axis, keepdims) }).constant();

/**
 * Index of the smallest entry along `axis`, or in the flattened tensor when
 * `axis` is omitted; first occurrence on ties, first NaN if any, int32
 * indices. Zero gradient.
 *
 * @example
 * ag.argmin(ag.tensor([[1, 9, 9], [4, 2, 0]]), 0).toArray();  // [0, 1, 1]
 */
export const argmin = op({ name: 'argmin', args: custom(argArgs), forward: (x, axis, keepdims) => argExtreme('argmin', x, axis, keepdims) }).constant();

// ---- all, any, count: not differentiable (bool and int32 results) ----

/** The nonzero entries of x (NaN counts) per group of `axes`, exactly, as float64. */
const nonzeroCount = (x: Tensor, axes: number[], keepdims: boolean) =>
  countNonzero(x.dtype === 'float64' ? x : raw.cast(x, 'float64'), axes, keepdims, 0);

/**
 * Whether every entry is nonzero (true), overall or along `axis` (a number
 * or an array; `keepdims` keeps reduced axes as size 1), numpy's `all`: NaN
 * counts as true, and all of no elements is true. A bool tensor. Takes any
 * dtype (bool masks included).
 *
 * @example
 * ag.all(ag.tensor([[1, 0], [2, 3]]), 1).toArray(); // [0, 1] (bool: false, true)
 */
export const all = compose({ name: 'all', args: plain })
  .as((x, axes, keepdims) => raw.equal(nonzeroCount(x, axes, keepdims), countOf(x, axes)));

/**
 * Whether any entry is nonzero, overall or along `axis`, numpy's `any`: NaN
 * counts as true, any of no elements is false. A bool tensor.
 *
 * @example
 * ag.any(ag.tensor([[1, 0], [0, 0]]), 1).toArray(); // [1, 0] (bool: true, false)
 */
export const any = compose({ name: 'any', args: plain })
  .as((x, axes, keepdims) => raw.greater(nonzeroCount(x, axes, keepdims), 0));

/**
 * The number of nonzero entries (NaN counts), overall or along `axis`,
 * numpy's `count_nonzero`, as int32 (exact; computed in float64).
 *
 * @example
 * ag.count(ag.tensor([[1, 0], [2, 3]])).item();       // 3
 * ag.count(ag.tensor([[1, 0], [2, 3]]), 0).toArray(); // [2, 1]
 */
export const count = compose({ name: 'count', args: plain })
  .as((x, axes, keepdims) => raw.cast(nonzeroCount(x, axes, keepdims), 'int32'));
