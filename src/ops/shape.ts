// Shape ops: reshape, flatten, squeeze, expandDims (zero-copy views),
// broadcastTo, tile, repeat, transpose, cast.

import { Tensor, alias } from '../runtime/tensor';
import { castCopy } from '../runtime/create';
import { type DType } from '../runtime/dtype';
import { primitive } from '../core/primitive';
import { ArgumentError, ShapeError, describe } from '../runtime/errors';
import { broadcastShapes, broadcastStrides, contiguousStrides, normalizeAxis, sameShape, shapeSize, shapeString } from '../runtime/shape';
import { checkTensor, setCastOp, stridedCopy } from './util';
import { unbroadcast } from './broadcast';
import { sum } from './reduce';

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

const reshapeOp = primitive(
  'reshape',
  (x: Tensor, shape: number[]) => alias(x, shape),
  (dy, _y, x: Tensor) => reshape(dy, x.shape.slice()),
);

/**
 * The same data with a new shape (no copy); one entry may be -1 to infer it.
 *
 * @example
 * ag.arange(6).reshape([2, -1]).shape; // [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', x);
  const s = resolveShape('reshape', x, shape);
  return reshapeOp(x, s);
}

// flatten, squeeze and expandDims share the buffer like reshape; each is its
// own primitive so the tape names it, and each gradient is a reshape back.
function viewOp(name: string): (x: Tensor, shape: number[]) => Tensor {
  return primitive(
    name,
    (x: Tensor, shape: number[]) => alias(x, shape),
    (dy, _y, x: Tensor) => reshape(dy, x.shape.slice()),
  );
}
const flattenOp = viewOp('flatten');
const squeezeOp = viewOp('squeeze');
const expandDimsOp = viewOp('expandDims');

/** Normalised axes (number or array) against rank `ndim`, no repeats; `undefined` when not given. */
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
export function flatten(x: Tensor): Tensor {
  checkTensor('flatten', x);
  return flattenOp(x, [x.size]);
}

/**
 * Removes size-1 axes (no copy): all of them, or those named by `axis` (a
 * number or an array, negative from the end), which must have size 1.
 *
 * @example
 * ag.squeeze(ag.zeros([1, 3, 1])).shape;     // [3]
 * ag.squeeze(ag.zeros([1, 3, 1]), -1).shape; // [1, 3]
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor('squeeze', x);
  let drop: number[];
  if (axis === undefined || axis === null) drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    drop = axisList('squeeze', axis, x.ndim);
    for (const a of drop) {
      if (x.shape[a] !== 1) {
        throw new ShapeError(`squeeze: cannot remove axis ${a} of shape ${shapeString(x.shape)}: it has size ${x.shape[a]}, not 1`);
      }
    }
  }
  return squeezeOp(x, x.shape.filter((_, i) => !drop.includes(i)));
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
export function expandDims(x: Tensor, axis: number | readonly number[]): Tensor {
  checkTensor('expandDims', x);
  const rank = x.ndim + (Array.isArray(axis) ? axis.length : 1);
  const added = axisList('expandDims', axis, rank);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(added.includes(i) ? 1 : x.shape[k++]);
  return expandDimsOp(x, shape);
}

const broadcastToOp = primitive(
  'broadcastTo',
  (x: Tensor, shape: number[]) => stridedCopy('broadcastTo', x, shape, broadcastStrides(x.shape, shape)),
  (dy, _y, x: Tensor) => unbroadcast(x, dy),
);

/**
 * `x` repeated along size-1 (or missing leading) axes to `shape`, numpy style.
 *
 * @example
 * ag.broadcastTo(ag.tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', x);
  if (!Array.isArray(shape)) throw new ArgumentError(`broadcastTo: shape must be an array, got ${describe(shape)}`);
  const out = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(out, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${shapeString(x.shape)} to ${shapeString(shape)}`);
  }
  return broadcastToOp(x, shape.slice());
}

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

const tileOp = primitive(
  'tile',
  (x: Tensor, reps: number[]) => {
    const p = tilePlan(x, reps);
    return expandCopy('tile', x, p.expanded, p.strides, p.out);
  },
  // Each copy of x contributes: sum dy over the repetition axes.
  (dy, _y, x: Tensor, reps: number[]) => {
    const p = tilePlan(x, reps);
    const axes = p.out.map((_, i) => 2 * i);
    return reshape(sum(reshape(dy, p.expanded), axes), x.shape.slice());
  },
);

/**
 * `x` repeated `reps[i]` times along each axis, like numpy's `tile`: when
 * `reps` is shorter than `x.shape` it is padded with leading 1s, when longer
 * `x` gains leading axes. A number means `[n]`.
 *
 * @example
 * ag.tile(ag.tensor([1, 2]), 2).toArray();      // [1, 2, 1, 2]
 * ag.tile(ag.tensor([1, 2]), [2, 1]).toArray(); // [[1, 2], [1, 2]]
 */
export function tile(x: Tensor, reps: number | readonly number[]): Tensor {
  checkTensor('tile', x);
  const list = typeof reps === 'number' ? [reps] : reps;
  if (!Array.isArray(list)) throw new ArgumentError(`tile: reps must be a non-negative integer or an array of them, got ${describe(reps)}`);
  const r = list.map((n) => checkCount('tile', 'each of reps', n));
  if (shapeSize(tilePlan(x, r).out) > 2 ** 31 - 1) {
    throw new ShapeError(`tile: tiling ${shapeString(x.shape)} by [${r.join(', ')}] gives more than 2^31-1 elements`);
  }
  return tileOp(x, r);
}

/** How repeat reads `x` (as `shape`, axis `axis`): `[..., n, repeats, ...]` with stride 0 along the new axis. */
function repeatPlan(shape: readonly number[], repeats: number, axis: number): { expanded: number[]; strides: number[]; out: number[] } {
  const st = contiguousStrides(shape);
  return {
    expanded: [...shape.slice(0, axis + 1), repeats, ...shape.slice(axis + 1)],
    strides: [...st.slice(0, axis + 1), 0, ...st.slice(axis + 1)],
    out: shape.map((d, i) => (i === axis ? d * repeats : d)),
  };
}

const repeatOp = primitive(
  'repeat',
  (x: Tensor, repeats: number, axis: number | null) => {
    const shape = axis === null ? [x.size] : x.shape;
    const p = repeatPlan(shape, repeats, axis ?? 0);
    return expandCopy('repeat', x, p.expanded, p.strides, p.out);
  },
  // Each element went to `repeats` consecutive places: sum them back.
  (dy, _y, x: Tensor, repeats: number, axis: number | null) => {
    const shape = axis === null ? [x.size] : x.shape;
    const p = repeatPlan(shape, repeats, axis ?? 0);
    return reshape(sum(reshape(dy, p.expanded), (axis ?? 0) + 1), x.shape.slice());
  },
);

/**
 * Each element repeated `repeats` times along `axis` (negative from the end),
 * like numpy's `repeat`; without `axis` the result is flat.
 *
 * @example
 * ag.repeat(ag.tensor([1, 2]), 2).toArray();              // [1, 1, 2, 2]
 * ag.repeat(ag.tensor([[1, 2], [3, 4]]), 2, 0).toArray(); // [[1, 2], [1, 2], [3, 4], [3, 4]]
 */
export function repeat(x: Tensor, repeats: number, axis?: number): Tensor {
  checkTensor('repeat', x);
  checkCount('repeat', 'repeats', repeats);
  const a = axis === undefined || axis === null ? null : normalizeAxis('repeat', axis, x.ndim);
  if (x.size * repeats > 2 ** 31 - 1) throw new ShapeError(`repeat: repeating ${shapeString(x.shape)} ${repeats} times gives more than 2^31-1 elements`);
  return repeatOp(x, repeats, a);
}

function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
  return inv;
}

const transposeOp: (x: Tensor, perm: number[]) => Tensor = primitive(
  'transpose',
  (x: Tensor, perm: number[]) => {
    const strides = contiguousStrides(x.shape);
    return stridedCopy('transpose', x, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]));
  },
  (dy, _y, _x: Tensor, perm: number[]) => transposeOp(dy, inversePermutation(perm)),
);

/**
 * Permutes the axes (reverses them by default, like numpy).
 *
 * @example
 * ag.tensor([[1, 2, 3]]).transpose().shape; // [3, 1]
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', x);
  let p: number[];
  if (perm === undefined) p = x.shape.map((_, i) => x.ndim - 1 - i);
  else {
    if (!Array.isArray(perm) || perm.length !== x.ndim) {
      throw new ArgumentError(`transpose: perm must list each of the ${x.ndim} axes once, got ${describe(perm)}`);
    }
    p = perm.map((a) => normalizeAxis('transpose', a, x.ndim));
    if (new Set(p).size !== p.length) throw new ArgumentError(`transpose: perm [${perm.join(', ')}] repeats an axis`);
  }
  return transposeOp(x, p);
}

const castOp: (x: Tensor, dtype: DType) => Tensor = primitive(
  'cast',
  (x: Tensor, dtype: DType) => castCopy(x, dtype),
  (dy, _y, x: Tensor) => (dy.dtype === x.dtype ? dy : castOp(dy, x.dtype)),
);
setCastOp((x, dtype) => castOp(x, dtype));

/**
 * A copy of `x` as another dtype; differentiable (the gradient is cast back).
 *
 * @example
 * ag.cast(ag.tensor([1, 2]), 'float64').dtype; // 'float64'
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', x);
  return castOp(x, dtype);
}
