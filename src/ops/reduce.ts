// Reductions.

import { Tensor, empty, type TensorLike } from '../tensor';
import { kernels } from '../wasm/index';
import { primitive } from '../core/primitive';
import { ArgumentError, describe } from '../errors';
import { normalizeAxes, reducedShape, shapeSize } from '../shape';
import { mul } from './arithmetic';
import { checkTensor } from './util';
import { broadcastTo, reshape } from './shape';

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
    const outer = shapeSize(shape.slice(0, from));
    const n = shapeSize(shape.slice(from, to));
    const inner = shapeSize(shape.slice(to));
    const next = shape.slice(0, from).concat(shape.slice(to));
    const out = empty(next, x.dtype, 'sum');
    if (f32) k.sum_axis_f32(current._ptr, out._ptr, outer, n, inner);
    else k.sum_axis_f64(current._ptr, out._ptr, outer, n, inner);
    if (current !== x) current.dispose();
    current = out;
    shape = next;
  }
  if (keepdims) {
    const kept = reshapeRaw(current, outShape);
    return kept;
  }
  return current;
}

function reshapeRaw(t: Tensor, shape: number[]): Tensor {
  // An intermediate of the forward pass: re-wrap the buffer, drop the old handle.
  t._storage.refs++;
  const out = new Tensor(t._storage, shape, t.dtype);
  t.dispose();
  return out;
}

const sumOp = primitive(
  'sum',
  (x: Tensor, axes: number[], keepdims: boolean) => sumForward(x, axes, keepdims),
  (dy, _y, x: Tensor, axes: number[], keepdims: boolean) =>
    broadcastTo(keepdims ? dy : reshape(dy, reducedShape(x.shape, axes, true)), x.shape.slice()),
);

export type Axis = number | number[];
export type ElementwiseFn = (x: Tensor) => Tensor;

/**
 * Sum of all entries, or along `axis` (a number or array, negative from the
 * end), keeping reduced axes as size 1 when `keepdims`. `sum(f, x)` sums
 * `f(x)`, like AutoGrad.jl's `sum(abs2, x)`.
 *
 * @example
 * ag.sum(ag.tensor([[1, 2], [3, 4]])).item();           // 10
 * ag.sum(ag.tensor([[1, 2], [3, 4]]), 0).toArray();     // [4, 6]
 * ag.sum(ag.abs2, ag.tensor([1, 2, 3])).item();         // 14
 */
export function sum(x: TensorLike, axis?: Axis, keepdims?: boolean): Tensor;
export function sum(f: ElementwiseFn, x: Tensor, axis?: Axis, keepdims?: boolean): Tensor;
export function sum(a: TensorLike | ElementwiseFn, b?: unknown, c?: unknown, d?: unknown): Tensor {
  if (typeof a === 'function') {
    const x = checkTensor('sum', b, 'x');
    return sumTensor(a(x), c as Axis | undefined, d as boolean | undefined);
  }
  return sumTensor(a, b as Axis | undefined, c as boolean | undefined);
}

function sumTensor(xIn: unknown, axis: Axis | undefined, keepdims: boolean | undefined): Tensor {
  const x = checkTensor('sum', xIn);
  if (keepdims !== undefined && typeof keepdims !== 'boolean') {
    throw new ArgumentError(`sum: keepdims must be a boolean, got ${describe(keepdims)}`);
  }
  const axes = normalizeAxes('sum', axis, x.ndim);
  return sumOp(x, axes, keepdims === true);
}

/**
 * Mean of all entries or along `axis`; `mean(f, x)` averages `f(x)`.
 *
 * @example
 * ag.mean(ag.tensor([1, 2, 3, 4])).item(); // 2.5
 */
export function mean(x: TensorLike, axis?: Axis, keepdims?: boolean): Tensor;
export function mean(f: ElementwiseFn, x: Tensor, axis?: Axis, keepdims?: boolean): Tensor;
export function mean(a: TensorLike | ElementwiseFn, b?: unknown, c?: unknown, d?: unknown): Tensor {
  let x: Tensor;
  let axis: Axis | undefined;
  let keepdims: boolean | undefined;
  if (typeof a === 'function') {
    x = a(checkTensor('mean', b, 'x'));
    axis = c as Axis | undefined;
    keepdims = d as boolean | undefined;
  } else {
    x = checkTensor('mean', a);
    axis = b as Axis | undefined;
    keepdims = c as boolean | undefined;
  }
  const axes = normalizeAxes('mean', axis, x.ndim);
  let count = 1;
  for (const ax of axes) count *= x.shape[ax];
  const s = sumTensor(x, axes, keepdims);
  return mul(s, 1 / count);
}

