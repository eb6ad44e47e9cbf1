// In-place updates: not differentiable, never recorded.

import type { Tensor } from '../runtime/tensor';
import { kernels } from '../wasm/index';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { sameShape, shapeString } from '../runtime/shape';
import { checkTensor } from './args';

/**
 * `y += a * x` in place, in WebAssembly (AutoGrad.jl's `axpy!`): the plain
 * SGD step. `y` may be a Param. Returns `y`.
 *
 * @example
 * const w = ag.Param([1, 2]);
 * ag.axpy(-0.1, ag.tensor([10, 10]), w); // w is now [0, 1]
 */
export function axpy(a: number, x: Tensor, y: Tensor): Tensor {
  if (typeof a !== 'number') throw new ArgumentError(`axpy: a must be a number, got ${describe(a)}`);
  checkTensor('axpy', x, 'x');
  checkTensor('axpy', y, 'y');
  if (x.dtype !== y.dtype) throw new DTypeError(`axpy: x is ${x.dtype} but y is ${y.dtype}`);
  if (!sameShape(x.shape, y.shape)) {
    throw new ShapeError(`axpy: x has shape ${shapeString(x.shape)} but y has shape ${shapeString(y.shape)}; they must match`);
  }
  if (y.dtype === 'float32') kernels().axpy_f32(a, x._ptr, y._ptr, y.size);
  else kernels().axpy_f64(a, x._ptr, y._ptr, y.size);
  y._storage.markWritten();
  return y;
}
