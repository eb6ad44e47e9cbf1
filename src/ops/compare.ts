// Comparisons and elementwise tests (zero-gradient: constants on every tape),
// and `where`, which selects between two differentiable operands.
// Comparison kernels are op codes of assembly/binary.ts; isnan, isfinite and
// where are in assembly/compare.ts.

import { Tensor, checkLive, empty, type TensorLike } from '../runtime/tensor';
import { castCopy } from '../runtime/create';
import { type DType } from '../runtime/dtype';
import { primitive, zerograd } from '../core/primitive';
import { DTypeError, ShapeError } from '../runtime/errors';
import { broadcastShapes, broadcastStrides, collapseAxes, contiguousStrides, shapeString } from '../runtime/shape';
import { kernelFor } from '../wasm/index';
import { MAX_KERNEL_RANK, asTensor, binaryForward, checkTensor, coercePair, composite, temporary, unaryForward, writeInts } from './util';
import { unbroadcast } from './broadcast';

/** The shape of a tensor-or-number argument (a number is 0-d); checks tensors are live. */
function shapeOfArg(op: string, x: unknown, name: string): readonly number[] {
  return typeof x === 'number' ? [] : checkTensor(op, x, name).shape;
}

function comparison(name: string, kernelName: string): (a: TensorLike, b: TensorLike) => Tensor {
  const op = zerograd(name, (a: Tensor, b: Tensor) => binaryForward(name, a, b, kernelName));
  return (a, b) => op(...coercePair(name, a, b));
}

const equalOp = comparison('equal', 'equal');
const notEqualOp = comparison('notEqual', 'not_equal');
const lessOp = comparison('less', 'less');
const lessEqualOp = comparison('lessEqual', 'less_equal');
const greaterOp = comparison('greater', 'greater');
const greaterEqualOp = comparison('greaterEqual', 'greater_equal');
const isnanOp = zerograd('isnan', (x: Tensor) => unaryForward('isnan', 'isnan', x));
const isfiniteOp = zerograd('isfinite', (x: Tensor) => unaryForward('isfinite', 'isfinite', x));

/**
 * Elementwise `a == b` with numpy broadcasting: 1 where equal, 0 elsewhere, in
 * the operands' dtype; NaN equals nothing, itself included. Zero gradient.
 *
 * @example
 * ag.equal(ag.tensor([1, 2, NaN]), ag.tensor([1, 3, NaN])).toArray(); // [1, 0, 0]
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return equalOp(a, b);
}

/**
 * Elementwise `a != b` with numpy broadcasting: 1 where different, 0 elsewhere;
 * NaN differs from everything, itself included. Zero gradient.
 *
 * @example
 * ag.notEqual(ag.tensor([1, 2, NaN]), 1).toArray(); // [0, 1, 1]
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return notEqualOp(a, b);
}

/**
 * Elementwise `a < b` with numpy broadcasting, as 1/0 in the operands' dtype
 * (0 where either is NaN). Zero gradient.
 *
 * @example
 * ag.less(ag.tensor([1, 2, 3]), 2).toArray(); // [1, 0, 0]
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return lessOp(a, b);
}

/**
 * Elementwise `a <= b` with numpy broadcasting, as 1/0 in the operands' dtype
 * (0 where either is NaN). Zero gradient.
 *
 * @example
 * ag.lessEqual(ag.tensor([1, 2, 3]), 2).toArray(); // [1, 1, 0]
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return lessEqualOp(a, b);
}

/**
 * Elementwise `a > b` with numpy broadcasting, as 1/0 in the operands' dtype
 * (0 where either is NaN). Zero gradient.
 *
 * @example
 * ag.greater(ag.tensor([1, 2, 3]), 2).toArray(); // [0, 0, 1]
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return greaterOp(a, b);
}

/**
 * Elementwise `a >= b` with numpy broadcasting, as 1/0 in the operands' dtype
 * (0 where either is NaN). Zero gradient.
 *
 * @example
 * ag.greaterEqual(ag.tensor([1, 2, 3]), 2).toArray(); // [0, 1, 1]
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return greaterEqualOp(a, b);
}

/**
 * Elementwise test for NaN: 1 where `x` is NaN, 0 elsewhere, in `x`'s dtype.
 * Zero gradient.
 *
 * @example
 * ag.isnan(ag.tensor([1, NaN, Infinity])).toArray(); // [0, 1, 0]
 */
export function isnan(x: TensorLike): Tensor {
  return isnanOp(asTensor('isnan', x, 'float64'));
}

/**
 * Elementwise test for finite numbers: 0 where `x` is NaN, Infinity or
 * -Infinity, 1 elsewhere, in `x`'s dtype. Zero gradient.
 *
 * @example
 * ag.isfinite(ag.tensor([1, NaN, -Infinity])).toArray(); // [1, 0, 0]
 */
export function isfinite(x: TensorLike): Tensor {
  return isfiniteOp(asTensor('isfinite', x, 'float64'));
}

/** The broadcast shape of where's three operands, or a ShapeError naming all three. */
function whereShape(cond: readonly number[], a: readonly number[], b: readonly number[]): number[] {
  try {
    return broadcastShapes('where', broadcastShapes('where', cond, a), b);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new ShapeError(
      `where: shapes ${shapeString(cond)} (cond), ${shapeString(a)} (a) and ${shapeString(b)} (b) cannot be broadcast together ` +
        '(along each axis the sizes must match or be 1)',
    );
  }
}

type StridedTernary = (
  c: number, a: number, b: number, out: number, ndim: number, shape: number, sc: number, sa: number, sb: number,
) => void;

function whereForward(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  checkLive(cond, 'where');
  checkLive(a, 'where');
  checkLive(b, 'where');
  if (a.dtype !== b.dtype) throw new DTypeError(`where: a and b have different dtypes (${a.dtype} and ${b.dtype})`);
  const outShape = whereShape(cond.shape, a.shape, b.shape);
  const c = collapseAxes(outShape, [
    broadcastStrides(cond.shape, outShape),
    broadcastStrides(a.shape, outShape),
    broadcastStrides(b.shape, outShape),
    contiguousStrides(outShape),
  ]);
  if (c.shape.length > MAX_KERNEL_RANK) {
    throw new ShapeError(`where: broadcasting over ${c.shape.length} non-mergeable axes is more than the ${MAX_KERNEL_RANK} supported`);
  }
  const out = empty(outShape, a.dtype, 'where');
  if (out.size === 0) return out;
  // cond takes no gradient, so a plain (untracked) copy does for another dtype.
  const cnd = cond.dtype === a.dtype ? cond : castCopy(cond, a.dtype);
  const [pShape, pC, pA, pB] = writeInts(c.shape, c.strides[0], c.strides[1], c.strides[2]);
  kernelFor<StridedTernary>('where', a.dtype)(cnd._ptr, a._ptr, b._ptr, out._ptr, c.shape.length, pShape, pC, pA, pB);
  if (cnd !== cond) cnd.dispose();
  return out;
}

const whereOp = primitive(
  'where',
  whereForward,
  null,
  (dy, _y, cond: Tensor, a: Tensor) => unbroadcast(a, where(cond, dy, 0)),
  (dy, _y, cond: Tensor, _a: Tensor, b: Tensor) => unbroadcast(b, where(cond, 0, dy)),
);

/**
 * Elementwise selection, numpy's `where`: `a` where `cond` is nonzero (NaN
 * counts as nonzero), `b` elsewhere, with the three broadcast together. `cond`
 * is a 0/1 tensor such as a comparison's result; it gets no gradient, and the
 * gradient flows to `a` where `cond` is nonzero and to `b` elsewhere. Numbers
 * are accepted for any argument; `a` and `b` share a dtype as in `add` (two
 * numbers take `cond`'s dtype), and the result has it. The branch not taken
 * gets a zero gradient, which is NaN if its own derivative is infinite there
 * (`0 * Infinity`): keep its input finite, e.g. `log(where(c, 1, x))`.
 *
 * @example
 * const x = ag.tensor([-2, 3]);
 * ag.where(ag.greater(x, 0), x, 0).toArray(); // [0, 3]  (relu)
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  whereShape(shapeOfArg('where', cond, 'cond'), shapeOfArg('where', a, 'a'), shapeOfArg('where', b, 'b'));
  return composite(() => {
    let ta: Tensor;
    let tb: Tensor;
    if (typeof a === 'number' && typeof b === 'number') {
      const dtype: DType = typeof cond === 'number' ? 'float64' : cond.dtype;
      ta = temporary(a, dtype);
      tb = temporary(b, dtype);
    } else {
      [ta, tb] = coercePair('where', a, b);
    }
    const tc = typeof cond === 'number' ? temporary(cond, ta.dtype) : cond;
    return whereOp(tc, ta, tb);
  });
}
