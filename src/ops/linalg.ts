// Linear algebra.

import { Tensor, empty } from '../tensor';
import { kernels } from '../wasm/index';
import { primitive } from '../core/primitive';
import { DTypeError, ShapeError } from '../errors';
import { shapeString } from '../shape';
import { checkTensor } from './util';
import { reshape } from './shape';

// C = op(A) op(B) for 2-D operands; op transposes the stored matrix when its
// flag is set, so the gradients below never materialize a transpose.
const matmul2d: (a: Tensor, b: Tensor, transA: boolean, transB: boolean) => Tensor = primitive(
  'matmul',
  (a: Tensor, b: Tensor, transA: boolean, transB: boolean) => {
    const m = transA ? a.shape[1] : a.shape[0];
    const k = transA ? a.shape[0] : a.shape[1];
    const n = transB ? b.shape[0] : b.shape[1];
    const out = empty([m, n], a.dtype, 'matmul');
    if (out.size === 0) return out;
    if (k === 0) {
      if (a.dtype === 'float32') kernels().fill_f32(out._ptr, out.size, 0);
      else kernels().fill_f64(out._ptr, out.size, 0);
      return out;
    }
    const fn = a.dtype === 'float32' ? kernels().matmul_f32 : kernels().matmul_f64;
    fn(a._ptr, b._ptr, out._ptr, m, n, k, transA ? 1 : 0, transB ? 1 : 0);
    return out;
  },
  // dA: with C = A B, dA = dC B^T; the other cases follow by transposing.
  (dy, _y, _a: Tensor, b: Tensor, transA: boolean, transB: boolean) =>
    !transA
      ? matmul2d(dy, b, false, !transB)
      : transB ? matmul2d(b, dy, true, true) : matmul2d(b, dy, false, true),
  (dy, _y, a: Tensor, _b: Tensor, transA: boolean, transB: boolean) =>
    !transB
      ? matmul2d(a, dy, !transA, false)
      : transA ? matmul2d(dy, a, true, true) : matmul2d(dy, a, true, false),
);

/**
 * Matrix product with numpy's rules for 1-D operands: a vector on the left
 * is a row, on the right a column, and that axis is dropped from the result.
 * `transposeA`/`transposeB` multiply by a transpose without copying it.
 *
 * @example
 * ag.matmul(ag.tensor([[1, 2], [3, 4]]), ag.tensor([1, 1])).toArray(); // [3, 7]
 */
export function matmul(a: Tensor, b: Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
  checkTensor('matmul', a, 'a');
  checkTensor('matmul', b, 'b');
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`matmul: operands have different dtypes (${a.dtype} and ${b.dtype}); cast one first`);
  }
  if (a.ndim === 0 || b.ndim === 0 || a.ndim > 2 || b.ndim > 2) {
    throw new ShapeError(
      `matmul: expected 1-D or 2-D operands, got ${shapeString(a.shape)} and ${shapeString(b.shape)} ` +
        '(use mul for scalars)',
    );
  }
  const transA = options.transposeA === true && a.ndim === 2;
  const transB = options.transposeB === true && b.ndim === 2;
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const ka = transA ? a2.shape[0] : a2.shape[1];
  const kb = transB ? b2.shape[1] : b2.shape[0];
  if (ka !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${shapeString(a.shape)}${transA ? 'ᵀ' : ''} times ${shapeString(b.shape)}${transB ? 'ᵀ' : ''} ` +
        `(${ka} vs ${kb})`,
    );
  }
  const c = matmul2d(a2, b2, transA, transB);
  if (a.ndim === 1 && b.ndim === 1) return reshape(c, []);
  if (a.ndim === 1) return reshape(c, [c.shape[1]]);
  if (b.ndim === 1) return reshape(c, [c.shape[0]]);
  return c;
}
