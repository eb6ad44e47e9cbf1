// Comparisons and elementwise tests, whose results are bool tensors
// (constants on every tape), and `where`, which selects between two
// differentiable operands by a bool condition. Kernels in assembly/compare.ts.

import { Tensor, empty, type TensorLike } from '../runtime/tensor';
import { castCopy } from '../runtime/create';
import { isFloat, type DType } from '../runtime/dtype';
import { DTypeError, ShapeError } from '../runtime/errors';
import { broadcastShapes, broadcastStrides, collapseAxes, contiguousStrides, shapeString } from '../runtime/shape';
import { kernel, kernelFor } from '../wasm/index';
import { checkAnyTensor, coercePair, numberDType, temporary } from './args';
import { op, pair, unary, type Args } from './define';
import { MAX_KERNEL_RANK, broadcastInto, writeInts } from './kernels';
import { raw } from './raw';

type Compare = (a: number, b: number, out: number, ndim: number, shape: number, sa: number, sb: number) => void;
type CompareInt = (code: number, a: number, b: number, out: number, ndim: number, shape: number, sa: number, sb: number) => void;

/** The kernels by op (`less_f32`...) and, for int32, the op's code in assembly/compare.ts. */
const KERNELS = ['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal'] as const;

/** a <op> b elementwise into a new bool tensor; operands of one dtype (bool ones compare as int32). */
function compareForward(op: string, code: number, a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: operands have different dtypes (${a.dtype} and ${b.dtype})`);
  if (a.dtype === 'bool') {
    broadcastShapes(op, a.shape, b.shape);
    const ia = castCopy(a, 'int32');
    try {
      const ib = castCopy(b, 'int32');
      try {
        return compareForward(op, code, ia, ib);
      } finally {
        ib.dispose();
      }
    } finally {
      ia.dispose();
    }
  }
  if (a.dtype === 'int32') {
    const fn = kernel<CompareInt>('compare_i32');
    return broadcastInto(op, a, b, 'bool', (pa, pb, out, ndim, shape, sa, sb) => fn(code, pa, pb, out, ndim, shape, sa, sb));
  }
  return broadcastInto(op, a, b, 'bool', kernelFor<Compare>(KERNELS[code], a.dtype));
}

const comparison = (name: string, code: number) => (a: Tensor, b: Tensor) => compareForward(name, code, a, b);

/**
 * Elementwise `a == b` with numpy broadcasting, as a bool tensor; NaN equals
 * nothing, itself included. Operands of different dtypes meet as in `add`
 * (`equal(ids, 1.5)` compares as float64). Zero gradient.
 *
 * @example
 * ag.equal(ag.tensor([1, 2, NaN]), ag.tensor([1, 3, NaN])).toArray(); // [1, 0, 0]  (bool: true, false, false)
 */
export const equal = op({ name: 'equal', args: pair, forward: comparison('equal', 0) }).constant();

/**
 * Elementwise `a != b` with numpy broadcasting, as a bool tensor; NaN differs
 * from everything, itself included. Zero gradient.
 *
 * @example
 * ag.notEqual(ag.tensor([1, 2, NaN]), 1).toArray(); // [0, 1, 1]
 */
export const notEqual = op({ name: 'notEqual', args: pair, forward: comparison('notEqual', 1) }).constant();

/**
 * Elementwise `a < b` with numpy broadcasting, as a bool tensor (false where
 * either is NaN). Zero gradient.
 *
 * @example
 * ag.less(ag.tensor([1, 2, 3]), 2).toArray(); // [1, 0, 0]
 */
export const less = op({ name: 'less', args: pair, forward: comparison('less', 2) }).constant();

/**
 * Elementwise `a <= b` with numpy broadcasting, as a bool tensor (false where
 * either is NaN). Zero gradient.
 *
 * @example
 * ag.lessEqual(ag.tensor([1, 2, 3]), 2).toArray(); // [1, 1, 0]
 */
export const lessEqual = op({ name: 'lessEqual', args: pair, forward: comparison('lessEqual', 3) }).constant();

/**
 * Elementwise `a > b` with numpy broadcasting, as a bool tensor (false where
 * either is NaN). Zero gradient.
 *
 * @example
 * ag.greater(ag.tensor([1, 2, 3]), 2).toArray(); // [0, 0, 1]
 */
export const greater = op({ name: 'greater', args: pair, forward: comparison('greater', 4) }).constant();

/**
 * Elementwise `a >= b` with numpy broadcasting, as a bool tensor (false where
 * either is NaN). Zero gradient.
 *
 * @example
 * ag.greaterEqual(ag.tensor([1, 2, 3]), 2).toArray(); // [0, 1, 1]
 */
export const greaterEqual = op({ name: 'greaterEqual', args: pair, forward: comparison('greaterEqual', 5) }).constant();

/** isnan or isfinite of a float tensor into a new bool tensor. */
function testForward(name: 'isnan' | 'isfinite', x: Tensor): Tensor {
  const out = empty(x.shape.slice(), 'bool', name);
  if (out.size > 0) kernelFor<(x: number, out: number, n: number) => void>(name, x.dtype)(x._ptr, out._ptr, x.size);
  return out;
}

/**
 * Elementwise test for NaN, as a bool tensor (int32 and bool inputs are
 * never NaN). Zero gradient.
 *
 * @example
 * ag.isnan(ag.tensor([1, NaN, Infinity])).toArray(); // [0, 1, 0]
 */
export const isnan = op({ name: 'isnan', args: unary, forward: (x) => testForward('isnan', x) }).constant();

/**
 * Elementwise test for finite numbers, as a bool tensor: false where `x` is
 * NaN, Infinity or -Infinity. Zero gradient.
 *
 * @example
 * ag.isfinite(ag.tensor([1, NaN, -Infinity])).toArray(); // [1, 0, 0]
 */
export const isfinite = op({ name: 'isfinite', args: unary, forward: (x) => testForward('isfinite', x) }).constant();

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
  const cnd = cond.dtype === 'bool' ? cond : castCopy(cond, 'bool');
  const [pShape, pC, pA, pB] = writeInts(c.shape, c.strides[0], c.strides[1], c.strides[2]);
  kernelFor<StridedTernary>('where', a.dtype)(cnd._ptr, a._ptr, b._ptr, out._ptr, c.shape.length, pShape, pC, pA, pB);
  if (cnd !== cond) cnd.dispose();
  return out;
}

/** The shape of a tensor-or-number argument (a number is 0-d); checks tensors are live. */
function shapeOfArg(op: string, x: unknown, name: string): readonly number[] {
  return typeof x === 'number' ? [] : checkAnyTensor(op, x, name).shape;
}

/**
 * Two numbers for a and b take a float cond's dtype; with a bool or int32
 * cond, int32 if both are integers and float64 otherwise (as numpy); with a
 * number cond, float64. Otherwise a and b meet as in `add`.
 */
function whereArgs(op: string, cond: TensorLike, a: TensorLike, b: TensorLike): [Tensor, Tensor, Tensor] {
  whereShape(shapeOfArg(op, cond, 'cond'), shapeOfArg(op, a, 'a'), shapeOfArg(op, b, 'b'));
  let ta: Tensor;
  let tb: Tensor;
  if (typeof a === 'number' && typeof b === 'number') {
    const dtype: DType = typeof cond === 'number' ? 'float64'
      : isFloat(cond.dtype) ? cond.dtype
      : numberDType(a, 'int32') === 'int32' && numberDType(b, 'int32') === 'int32' ? 'int32' : 'float64';
    ta = temporary(a, dtype);
    tb = temporary(b, dtype);
  } else {
    [ta, tb] = coercePair(op, a, b);
  }
  return [typeof cond === 'number' ? temporary(cond, 'bool') : cond, ta, tb];
}

const whereArgKind: Args<[cond: TensorLike, a: TensorLike, b: TensorLike], [Tensor, Tensor, Tensor], [cond: Tensor, a: TensorLike, b: TensorLike]> = {
  parse: (op, args) => whereArgs(op, args[0], args[1], args[2]),
  // from rules: cond is a tensor; a number operand takes the other's dtype
  raw: (_op, [cond, a, b]) => [
    cond,
    typeof a === 'number' ? temporary(a, (b as Tensor).dtype) : a,
    typeof b === 'number' ? temporary(b, (a as Tensor).dtype) : b,
  ],
};

/**
 * Elementwise selection, numpy's `where`: `a` where `cond` is true, `b`
 * elsewhere, with the three broadcast together. `cond` is a bool tensor such
 * as a comparison's result (a tensor of another dtype counts as true where
 * nonzero, NaN included); it gets no gradient, and the gradient flows to `a`
 * where `cond` is true and to `b` elsewhere. Numbers are accepted for any
 * argument; `a` and `b` share a dtype as in `add` (two numbers take a float
 * `cond`'s dtype, else int32 if both are integers and float64 if not), and
 * the result has it. The branch not taken
 * gets a zero gradient, which is NaN if its own derivative is infinite there
 * (`0 * Infinity`): keep its input finite, e.g. `log(where(c, 1, x))`.
 *
 * @example
 * const x = ag.tensor([-2, 3]);
 * ag.where(ag.greater(x, 0), x, 0).toArray(); // [0, 3]  (relu)
 */
export const where = op({ name: 'where', args: whereArgKind, forward: whereForward }).grads(
  null,
  (dy, _y, cond, a) => raw.unbroadcast(a, raw.where(cond, dy, 0)),
  (dy, _y, cond, _a, b) => raw.unbroadcast(b, raw.where(cond, 0, dy)),
);
