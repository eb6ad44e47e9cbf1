// Shape ops: reshape, flatten, squeeze, expandDims (zero-copy views),
// broadcastTo and its adjoint unbroadcast, tile, repeat, transpose, cast.

import { Tensor, alias } from '../runtime/tensor';
import { castCopy } from '../runtime/create';
import { checkDType, isFloat, type DType } from '../runtime/dtype';
import { ArgumentError, ShapeError, describe } from '../runtime/errors';
import { broadcastShapes, broadcastStrides, contiguousStrides, normalizeAxis, sameShape, shapeSize, shapeString } from '../runtime/shape';
import { checkAnyTensor, checkTensor } from './args';
import { compose, custom, op } from './define';
import { stridedCopy } from './kernels';
import { raw } from './raw';

function resolveShape(op: string, x: Tensor, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(`${op}: shape must be an array of integers, got ${describe(shape)}`);
  let inferred = -1;
  let known = 1;
  const out = shape.slice() as number[];
  for (let i = 0; i < out.length; i++) {
    const d = out[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) {
      throw new ArgumentError(`${op}: shape entries must be non-negative integers or a single -1, got ${shapeString(out)}`);
    }
    if (d === -1) {
      if (inferred >= 0) throw new ArgumentError(`${op}: only one -1 is allowed in shape ${shapeString(out)}`);
      inferred = i;
    } else known *= d;
  }
  if (inferred >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${shapeString(x.shape)} (${x.size} elements) into ${shapeString(out)}`);
    }
    out[inferred] = x.size / known;
  }
  if (shapeSize(out) !== x.size) {
    throw new ShapeError(`${op}: cannot reshape ${shapeString(x.shape)} (${x.size} elements) into ${shapeString(out)} (${shapeSize(out)} elements)`);
  }
  return out;
}

// reshape, flatten, squeeze and expandDims share the buffer; each is its own
// op so the tape names it, and each gradient is a reshape back.
const view = (x: Tensor, shape: number[]) => alias(x, shape);
const reshapeBack = (dy: Tensor, _y: Tensor, x: Tensor) => raw.reshape(dy, x.shape.slice());

/**
 * The same data with a new shape (no copy); one entry may be -1 to infer it.
 *
 * @example
 * ag.arange(6).reshape([2, -1]).shape; // [2, 3]
 */
export const reshape = op({
  name: 'reshape', forward: view, tangent: 'linear',
  args: custom((op: string, x: Tensor, shape: readonly number[]): [Tensor, number[]] => [x, resolveShape(op, checkAnyTensor(op, x), shape)]),
}).grads(reshapeBack, null);

/** Normalised axes (number or array) against rank `ndim`, no repeats. */
function axisList(op: string, axis: unknown, ndim: number): number[] {
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new ArgumentError(`${op}: axis must be an integer or an array of integers, got ${describe(axis)}`);
  const out: number[] = [];
  for (const a of list) {
    const n = normalizeAxis(op, a as number, ndim);
    if (out.includes(n)) throw new ArgumentError(`${op}: axis ${String(a)} is repeated in [${list.join(', ')}]`);
    out.push(n);
  }
  return out;
}

/**
 * The data as one axis (no copy): shape `[x.size]`.
 *
 * @example
 * ag.flatten(ag.tensor([[1, 2], [3, 4]])).toArray(); // [1, 2, 3, 4]
 */
export const flatten = op({
  name: 'flatten', forward: view,
  args: custom((op: string, x: Tensor): [Tensor, number[]] => [checkAnyTensor(op, x), [x.size]]),
}).grads(reshapeBack, null);

function squeezeArgs(op: string, x: Tensor, axis?: number | readonly number[]): [Tensor, number[]] {
  checkAnyTensor(op, x);
  let drop: number[];
  if (axis === undefined || axis === null) drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    drop = axisList(op, axis, x.ndim);
    for (const a of drop) {
      if (x.shape[a] !== 1) {
        throw new ShapeError(`${op}: cannot remove axis ${a} of shape ${shapeString(x.shape)}: it has size ${x.shape[a]}, not 1`);
      }
    }
  }
  return [x, x.shape.filter((_, i) => !drop.includes(i))];
}

/**
 * Removes size-1 axes (no copy): all of them, or those named by `axis` (a
 * number or an array, negative from the end), which must have size 1.
 *
 * @example
 * ag.squeeze(ag.zeros([1, 3, 1])).shape;     // [3]
 * ag.squeeze(ag.zeros([1, 3, 1]), -1).shape; // [1, 3]
 */
export const squeeze = op({ name: 'squeeze', args: custom(squeezeArgs), forward: view }).grads(reshapeBack, null);

function expandDimsArgs(op: string, x: Tensor, axis: number | readonly number[]): [Tensor, number[]] {
  checkAnyTensor(op, x);
  const rank = x.ndim + (Array.isArray(axis) ? axis.length : 1);
  const added = axisList(op, axis, rank);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(added.includes(i) ? 1 : x.shape[k++]);
  return [x, shape];
}

/**
 * Inserts size-1 axes (no copy) so that they sit at `axis` (a number or an
 * array, counted in the result's axes, negative from the end), like numpy's
 * `expand_dims`.
 *
 * @example
 * ag.expandDims(ag.tensor([1, 2]), 0).shape;  // [1, 2]
 * ag.expandDims(ag.tensor([1, 2]), -1).shape; // [2, 1]
 */
export const expandDims = op({ name: 'expandDims', args: custom(expandDimsArgs), forward: view }).grads(reshapeBack, null);

function broadcastToArgs(op: string, x: Tensor, shape: readonly number[]): [Tensor, number[]] {
  checkAnyTensor(op, x);
  if (!Array.isArray(shape)) throw new ArgumentError(`${op}: shape must be an array, got ${describe(shape)}`);
  const out = broadcastShapes(op, x.shape, shape);
  if (!sameShape(out, shape)) throw new ShapeError(`${op}: cannot broadcast ${shapeString(x.shape)} to ${shapeString(shape)}`);
  return [x, shape.slice()];
}

/**
 * `x` repeated along size-1 (or missing leading) axes to `shape`, numpy style.
 *
 * @example
 * ag.broadcastTo(ag.tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 */
export const broadcastTo = op({
  name: 'broadcastTo', args: custom(broadcastToArgs), tangent: 'linear',
  forward: (x, shape) => stridedCopy('broadcastTo', x, shape, broadcastStrides(x.shape, shape)),
}).grads((dy, _y, x) => raw.unbroadcast(x, dy), null);

function unbroadcastArgs(op: string, x: Tensor, dy: Tensor): [Tensor, Tensor] {
  checkTensor(op, x, 'x');
  checkTensor(op, dy, 'dy');
  if (!sameShape(broadcastShapes(op, x.shape, dy.shape), dy.shape)) {
    throw new ShapeError(`${op}: dy ${shapeString(dy.shape)} is not a broadcast of x ${shapeString(x.shape)}`);
  }
  return [x, dy];
}

/**
 * Sums `dy` down to the shape of `x` (over the leading axes `x` lacks and the
 * axes where `x` has size 1), reversing numpy broadcasting: the one helper
 * every broadcasting rule uses. Returns `dy` itself when the shapes already
 * match.
 *
 * @example
 * // in a rule for add(a, b):  (dy, y, a, b) => ag.unbroadcast(a, dy)
 */
export const unbroadcast = compose({ name: 'unbroadcast', args: custom(unbroadcastArgs) }).as((x, dy) => {
  if (sameShape(x.shape, dy.shape)) return dy;
  const lead = dy.ndim - x.ndim;
  const axes: number[] = [];
  for (let i = 0; i < dy.ndim; i++) {
    if (i < lead || (x.shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length === 0 ? dy : raw.sum(dy, axes, false);
  return sameShape(summed.shape, x.shape) ? summed : raw.reshape(summed, x.shape.slice());
});

function checkCount(op: string, what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ArgumentError(`${op}: ${what} must be a non-negative integer, got ${describe(n)}`);
  }
  return n;
}

/**
 * How tile reads `x`: as `[r0, s0, r1, s1, ...]` with stride 0 along each
 * repetition axis (`s` is x's shape padded with leading 1s to the rank of
 * the result), then merged into `[r0 * s0, r1 * s1, ...]`.
 */
function tilePlan(x: Tensor, reps: number[]): { expanded: number[]; strides: number[]; out: number[] } {
  const rank = Math.max(x.ndim, reps.length);
  const s = [...new Array<number>(rank - x.ndim).fill(1), ...x.shape];
  const r = [...new Array<number>(rank - reps.length).fill(1), ...reps];
  const st = contiguousStrides(s);
  return {
    expanded: s.flatMap((d, i) => [r[i], d]),
    strides: st.flatMap((d) => [0, d]),
    out: s.map((d, i) => d * r[i]),
  };
}

/** A strided read of `x` as `shape`/`strides`, handed back reshaped to `out` (no second copy). */
function expandCopy(op: string, x: Tensor, shape: number[], strides: number[], out: number[]): Tensor {
  const t = stridedCopy(op, x, shape, strides);
  const y = alias(t, out);
  t.dispose();
  return y;
}

function tileArgs(op: string, x: Tensor, reps: number | readonly number[]): [Tensor, number[]] {
  checkAnyTensor(op, x);
  const list = typeof reps === 'number' ? [reps] : reps;
  if (!Array.isArray(list)) throw new ArgumentError(`${op}: reps must be a non-negative integer or an array of them, got ${describe(reps)}`);
  const r = list.map((n) => checkCount(op, 'each of reps', n));
  if (shapeSize(tilePlan(x, r).out) > 2 ** 31 - 1) {
    throw new ShapeError(`${op}: tiling ${shapeString(x.shape)} by [${r.join(', ')}] gives more than 2^31-1 elements`);
  }
  return [x, r];
}

/**
 * `x` repeated `reps[i]` times along each axis, like numpy's `tile`: when
 * `reps` is shorter than `x.shape` it is padded with leading 1s, when longer
 * `x` gains leading axes. A number means `[n]`.
 *
 * @example
 * ag.tile(ag.tensor([1, 2]), 2).toArray();      // [1, 2, 1, 2]
 * ag.tile(ag.tensor([1, 2]), [2, 1]).toArray(); // [[1, 2], [1, 2]]
 */
export const tile = op({
  name: 'tile', args: custom(tileArgs),
  forward: (x, reps) => {
    const p = tilePlan(x, reps);
    return expandCopy('tile', x, p.expanded, p.strides, p.out);
  },
}).grads(
  // Each copy of x contributes: sum dy over the repetition axes.
  (dy, _y, x, reps) => {
    const p = tilePlan(x, reps);
    return raw.reshape(raw.sum(raw.reshape(dy, p.expanded), p.out.map((_, i) => 2 * i), false), x.shape.slice());
  },
  null,
);

/** How repeat reads `x` (as `shape`, axis `axis`): `[..., n, repeats, ...]` with stride 0 along the new axis. */
function repeatPlan(shape: readonly number[], repeats: number, axis: number): { expanded: number[]; strides: number[]; out: number[] } {
  const st = contiguousStrides(shape);
  return {
    expanded: [...shape.slice(0, axis + 1), repeats, ...shape.slice(axis + 1)],
    strides: [...st.slice(0, axis + 1), 0, ...st.slice(axis + 1)],
    out: shape.map((d, i) => (i === axis ? d * repeats : d)),
  };
}

function repeatArgs(op: string, x: Tensor, repeats: number, axis?: number): [Tensor, number, number | null] {
  checkAnyTensor(op, x);
  checkCount(op, 'repeats', repeats);
  const a = axis === undefined || axis === null ? null : normalizeAxis(op, axis, x.ndim);
  if (x.size * repeats > 2 ** 31 - 1) throw new ShapeError(`${op}: repeating ${shapeString(x.shape)} ${repeats} times gives more than 2^31-1 elements`);
  return [x, repeats, a];
}

/**
 * Each element repeated `repeats` times along `axis` (negative from the end),
 * like numpy's `repeat`; without `axis` the result is flat.
 *
 * @example
 * ag.repeat(ag.tensor([1, 2]), 2).toArray();              // [1, 1, 2, 2]
 * ag.repeat(ag.tensor([[1, 2], [3, 4]]), 2, 0).toArray(); // [[1, 2], [1, 2], [3, 4], [3, 4]]
 */
export const repeat = op({
  name: 'repeat', args: custom(repeatArgs),
  forward: (x, repeats, axis) => {
    const p = repeatPlan(axis === null ? [x.size] : x.shape, repeats, axis ?? 0);
    return expandCopy('repeat', x, p.expanded, p.strides, p.out);
  },
}).grads(
  // Each element went to `repeats` consecutive places: sum them back.
  (dy, _y, x, repeats, axis) => {
    const p = repeatPlan(axis === null ? [x.size] : x.shape, repeats, axis ?? 0);
    return raw.reshape(raw.sum(raw.reshape(dy, p.expanded), [(axis ?? 0) + 1], false), x.shape.slice());
  },
  null,
  null,
);

function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
  return inv;
}

function transposeArgs(op: string, x: Tensor, perm?: readonly number[]): [Tensor, number[]] {
  checkAnyTensor(op, x);
  if (perm === undefined) return [x, x.shape.map((_, i) => x.ndim - 1 - i)];
  if (!Array.isArray(perm) || perm.length !== x.ndim) {
    throw new ArgumentError(`${op}: perm must list each of the ${x.ndim} axes once, got ${describe(perm)}`);
  }
  const p = perm.map((a) => normalizeAxis(op, a, x.ndim));
  if (new Set(p).size !== p.length) throw new ArgumentError(`${op}: perm [${perm.join(', ')}] repeats an axis`);
  return [x, p];
}

/**
 * Permutes the axes (reverses them by default, like numpy).
 *
 * @example
 * ag.tensor([[1, 2, 3]]).transpose().shape; // [3, 1]
 */
export const transpose = op({
  name: 'transpose', args: custom(transposeArgs), tangent: 'linear',
  forward: (x, perm) => {
    const strides = contiguousStrides(x.shape);
    return stridedCopy('transpose', x, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]));
  },
}).grads((dy, _y, _x, perm) => raw.transpose(dy, inversePermutation(perm)), null);

/**
 * A copy of `x` as another dtype. Between floats it is differentiable (the
 * gradient is cast back); from int32 or bool there is no gradient. To int32,
 * floats are truncated toward zero, saturating at the int32 range (NaN gives
 * 0); to bool, nonzero is true (NaN included).
 *
 * @example
 * ag.cast(ag.tensor([1, 2]), 'float64').dtype;            // 'float64'
 * ag.cast(ag.tensor([-1.7, 2.9]), 'int32').toArray();     // [-1, 2]
 */
export const cast = op({
  name: 'cast', forward: castCopy,
  args: custom((op: string, x: Tensor, dtype: DType): [Tensor, DType] => [checkAnyTensor(op, x), checkDType(op, dtype)]),
}).grads((dy, _y, x) => (!isFloat(x.dtype) ? null : dy.dtype === x.dtype ? dy : raw.cast(dy, x.dtype)), null);
