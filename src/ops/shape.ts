// Shape ops: reshape, broadcastTo, transpose, cast.

import { Tensor, alias, castCopy, type DType } from '../tensor';
import { primitive } from '../core/primitive';
import { ArgumentError, ShapeError, describe } from '../errors';
import { broadcastShapes, broadcastStrides, contiguousStrides, normalizeAxis, sameShape, shapeSize, shapeString } from '../shape';
import { checkTensor, setCastOp, stridedCopy } from './util';
import { unbroadcast } from './broadcast';

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
export function reshape(x: Tensor, shape: number[]): Tensor {
  checkTensor('reshape', x);
  const s = resolveShape('reshape', x, shape);
  return reshapeOp(x, s);
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
export function broadcastTo(x: Tensor, shape: number[]): Tensor {
  checkTensor('broadcastTo', x);
  if (!Array.isArray(shape)) throw new ArgumentError(`broadcastTo: shape must be an array, got ${describe(shape)}`);
  const out = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(out, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${shapeString(x.shape)} to ${shapeString(shape)}`);
  }
  return broadcastToOp(x, shape.slice());
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
export function transpose(x: Tensor, perm?: number[]): Tensor {
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
