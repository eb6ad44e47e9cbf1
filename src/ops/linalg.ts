// Linear algebra: matmul (numpy rules, batched), dot, outer, kron, diag,
// trace, tril/triu, and the LU-based inv, det, logdet, solve. Forward passes
// call the kernels of assembly/matmul.ts and assembly/linalg.ts; every
// gradient rule is written with the differentiable ops below, so gradients of
// gradients work.

import { Tensor, alias, empty, type TensorLike } from '../runtime/tensor';
import { bytesPerElement } from '../runtime/dtype';
import { kernels, kernelFor } from '../wasm/index';
import { allocBytes, freeBytes } from '../runtime/storage';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { broadcastStrides, collapseAxes, contiguousStrides, sameShape, shapeSize, shapeString, tryBroadcastShapes } from '../runtime/shape';
import { checkTensor, coercePair } from './args';
import { compose, custom, op, pair } from './define';
import { binaryForward, fill, stridedCopy, writeInts } from './kernels';
import { raw } from './raw';

type Ptr = number;

// ---- private helpers ----

function checkSameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `${op}: operands have different dtypes (${a.dtype} ${shapeString(a.shape)} and ${b.dtype} ${shapeString(b.shape)}); ` +
        'cast one with ag.cast(x, dtype) first',
    );
  }
}

function checkInteger(op: string, name: string, k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k)) {
    throw new ArgumentError(`${op}: ${name} must be an integer, got ${describe(k)}`);
  }
  return k;
}

/** `x` with its last two axes swapped (a differentiable copy). */
function transposeLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.ndim - 2] = x.ndim - 1;
  perm[x.ndim - 1] = x.ndim - 2;
  return raw.transpose(x, perm);
}

// ---- matmul ----

/** The batched kernel's multi-index holds this many axes (before collapsing). */
const MAX_BATCH_RANK = 32;

// C = op(A) op(B) over the last two axes, with numpy broadcasting of the
// leading (batch) axes; op transposes the stored matrices when its flag is
// set, so the gradients below never materialize a transpose. 2-D operands go
// straight to the 2-D kernel; batches loop over it with per-operand batch
// strides (0 where broadcast), so broadcast operands are never copied.
function matmulForward(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const ra = a.ndim;
  const rb = b.ndim;
  const m = transA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = a.shape.slice(0, ra - 2);
  const batchB = b.shape.slice(0, rb - 2);
  const batch = tryBroadcastShapes(batchA, batchB)!;
  const out = empty([...batch, m, n], a.dtype, 'matmul');
  if (out.size === 0) return out;
  if (k === 0) {
    fill(out, 0);
    return out;
  }
  const f32 = a.dtype === 'float32';
  const count = shapeSize(batch);
  const stA = broadcastStrides(batchA, batch).map((s) => s * m * k);
  const stB = broadcastStrides(batchB, batch).map((s) => s * k * n);
  const flagA = transA ? 1 : 0;
  const flagB = transB ? 1 : 0;
  // One 2-D product: a single matrix pair, or a stack of A rows against one
  // shared B (rows of [..., m, k] are contiguous, so the stack is [count*m, k]).
  const bShared = stB.every((s) => s === 0);
  const aFull = sameShape(batchA, batch);
  if (count === 1 || (bShared && aFull && !transA)) {
    const fn = f32 ? kernels().matmul_f32 : kernels().matmul_f64;
    fn(a._ptr, b._ptr, out._ptr, count === 1 ? m : count * m, n, k, count === 1 ? flagA : 0, flagB);
    return out;
  }
  const c = collapseAxes(batch, [stA, stB, contiguousStrides(batch)]);
  const [pShape, pA, pB] = writeInts(c.shape, c.strides[0], c.strides[1]);
  const fn = kernelFor<(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, tA: number, tB: number,
    ndim: number, shape: Ptr, sA: Ptr, sB: Ptr) => void>('matmul_batched', a.dtype);
  fn(a._ptr, b._ptr, out._ptr, m, n, k, flagA, flagB, c.shape.length, pShape, pA, pB);
  return out;
}

// With C = A B: dA = dC Bᵀ, dB = Aᵀ dC; the transposed cases follow by
// transposing both sides. unbroadcast sums over broadcast batch axes (and is
// the identity for 2-D operands).
const mm = op({
  name: 'matmul', internal: true, forward: matmulForward, tangent: 'bilinear',
  args: custom((_op: string, a: Tensor, b: Tensor, transA: boolean, transB: boolean): [Tensor, Tensor, boolean, boolean] => [a, b, transA, transB]),
}).grads(
  (dy, _y, a, b, transA, transB) =>
    raw.unbroadcast(a, !transA ? mm(dy, b, false, !transB) : transB ? mm(b, dy, true, true) : mm(b, dy, false, true)),
  (dy, _y, a, b, transA, transB) => {
    if (b.ndim === 2 && a.ndim > 2 && !transA) {
      // One B shared by a stack of A: the sum over the batch of Aᵀ dC is a
      // single product of the stacked rows, [batch*m, k]ᵀ [batch*m, n].
      const rows = shapeSize(a.shape.slice(0, a.ndim - 1));
      const a2 = raw.reshape(a, [rows, a.shape[a.ndim - 1]]);
      const d2 = raw.reshape(dy, [rows, dy.shape[dy.ndim - 1]]);
      return !transB ? mm(a2, d2, true, false) : mm(d2, a2, true, false);
    }
    return raw.unbroadcast(b, !transB ? mm(a, dy, !transA, false) : transA ? mm(dy, a, true, true) : mm(dy, a, true, false));
  },
  null,
  null,
);

/** What matmul multiplies: the operands as matrices (1-D ones as a row or a column) and where the result's shape comes from. */
type Product = [a: Tensor, b: Tensor, transA: boolean, transB: boolean];

/**
 * Matrix product with numpy's `matmul` rules: 2-D operands multiply as
 * matrices; N-D operands are stacks of matrices in the last two axes, with
 * the leading (batch) axes broadcast (`[2,1,3,4] @ [5,4,6]` is `[2,5,3,6]`);
 * a 1-D operand is a row on the left or a column on the right, and that axis
 * is dropped from the result (`1-D @ 1-D` is a 0-d dot product).
 * `transposeA`/`transposeB` multiply by the transpose of the last two axes
 * without copying it (they are ignored for 1-D operands).
 *
 * @example
 * ag.matmul(ag.tensor([[1, 2], [3, 4]]), ag.tensor([1, 1])).toArray(); // [3, 7]
 * ag.matmul(ag.ones([2, 1, 3, 4]), ag.ones([5, 4, 6])).shape;          // [2, 5, 3, 6]
 */
export const matmul = compose({ name: 'matmul', args: custom(matmulArgs) }).as((a, b, transA, transB) => {
  if (a.ndim > 1 && b.ndim > 1) return mm(a, b, transA, transB);
  // A vector on the right is stored as a row and multiplied transposed, so
  // matrix-vector products run as contiguous (SIMD) dot products.
  const bRow = b.ndim === 1 && !transA;
  const c = mm(
    a.ndim === 1 ? raw.reshape(a, [1, a.shape[0]]) : a,
    b.ndim === 1 ? raw.reshape(b, bRow ? [1, b.shape[0]] : [b.shape[0], 1]) : b,
    transA,
    transB || bRow,
  );
  const shape = c.shape.slice();
  if (b.ndim === 1) shape.splice(shape.length - 1, 1);
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return raw.reshape(c, shape);
});

function matmulArgs(op: string, a: Tensor, b: Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}): Product {
  checkTensor(op, a, 'a');
  checkTensor(op, b, 'b');
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(`${op}: options must be an object like { transposeA: true }, got ${describe(options)}`);
  }
  checkSameDType(op, a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `${op}: expected operands of rank 1 or more, got ${shapeString(a.shape)} and ${shapeString(b.shape)} (use mul for scalars)`,
    );
  }
  const transA = options.transposeA === true && a.ndim >= 2;
  // A vector on the right is stored as a row and multiplied transposed, so
  // matrix-vector products run as contiguous (SIMD) dot products.
  const bRow = b.ndim === 1 && !transA;
  const transB = bRow || (options.transposeB === true && b.ndim >= 2);
  const aShape = a.ndim === 1 ? [1, a.shape[0]] : a.shape.slice();
  const bShape = b.ndim === 1 ? (bRow ? [1, b.shape[0]] : [b.shape[0], 1]) : b.shape.slice();
  const ra = aShape.length;
  const rb = bShape.length;
  const ka = transA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transB ? bShape[rb - 1] : bShape[rb - 2];
  const shapes = `${shapeString(a.shape)}${transA ? 'ᵀ' : ''} times ${shapeString(b.shape)}${transB && !bRow ? 'ᵀ' : ''}`;
  if (ka !== kb) throw new ShapeError(`matmul: inner dimensions differ: ${shapes} (${ka} vs ${kb})`);
  const batchA = aShape.slice(0, ra - 2);
  const batchB = bShape.slice(0, rb - 2);
  const batch = tryBroadcastShapes(batchA, batchB);
  if (batch === null) {
    throw new ShapeError(
      `matmul: batch dimensions ${shapeString(batchA)} and ${shapeString(batchB)} cannot be broadcast together: ${shapes}`,
    );
  }
  if (batch.length > MAX_BATCH_RANK) {
    throw new ShapeError(`matmul: ${batch.length} batch axes is more than the ${MAX_BATCH_RANK} supported: ${shapes}`);
  }
  // the 1-D cases' transposes are decided by the body (bRow)
  return [a, b, transA, transB && !bRow];
}

/**
 * Inner product of two vectors of the same length, as a 0-d tensor. Only
 * 1-D operands are accepted (use `matmul` for matrices, `sum(mul(a, b))` for
 * elementwise products of higher rank).
 *
 * @example
 * ag.dot(ag.tensor([1, 2, 3]), ag.tensor([4, 5, 6])).item(); // 32
 */
export const dot = compose({
  name: 'dot',
  args: custom((op: string, a: Tensor, b: Tensor): [Tensor, Tensor] => {
    checkTensor(op, a, 'a');
    checkTensor(op, b, 'b');
    if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
      throw new ShapeError(
        `${op}: expected two 1-D tensors of the same length, got ${shapeString(a.shape)} and ${shapeString(b.shape)} (use matmul for matrices)`,
      );
    }
    checkSameDType(op, a, b);
    return [a, b];
  }),
}).as((a, b) => raw.matmul(a, b, false, false));

/**
 * Outer product: `outer(a, b)[i, j] = a[i] * b[j]`. Inputs of any rank are
 * flattened first, as in numpy (a number is a one-element vector).
 *
 * @example
 * ag.outer(ag.tensor([1, 2]), ag.tensor([1, 10, 100])).toArray(); // [[1, 10, 100], [2, 20, 200]]
 */
export const outer = compose({ name: 'outer', args: custom((op: string, a: TensorLike, b: TensorLike) => coercePair(op, a, b)) })
  .as((a, b) => raw.mul(raw.reshape(a, [a.size, 1]), raw.reshape(b, [1, b.size])));

// ---- kron ----

/** Interleaved shapes: a as [a0, 1, a1, 1, ...], b as [1, b0, 1, b1, ...]. */
function kronShapes(a: Tensor, b: Tensor) {
  const r = Math.max(a.ndim, b.ndim);
  const pa = [...new Array<number>(r - a.ndim).fill(1), ...a.shape];
  const pb = [...new Array<number>(r - b.ndim).fill(1), ...b.shape];
  const sa: number[] = [];
  const sb: number[] = [];
  const both: number[] = [];
  const odd: number[] = [];
  const even: number[] = [];
  for (let i = 0; i < r; i++) {
    sa.push(pa[i], 1);
    sb.push(1, pb[i]);
    both.push(pa[i], pb[i]);
    even.push(2 * i);
    odd.push(2 * i + 1);
  }
  return { sa, sb, both, even, odd, out: pa.map((d, i) => d * pb[i]) };
}

// kron(a, b) viewed as [a0, b0, a1, b1, ...] is the broadcast product of the
// interleaved views; each gradient sums the blocks of dy weighted by the
// other operand.
/**
 * Kronecker product: the blocks `a[i, j] * b` laid out in a grid, of shape
 * `a.shape * b.shape` (the shorter shape is padded with leading 1s), as in
 * numpy; a number scales the other operand.
 *
 * @example
 * ag.kron(ag.tensor([[1, 2]]), ag.tensor([[1], [10]])).toArray(); // [[1, 2], [10, 20]]
 */
export const kron = op({
  name: 'kron', args: pair, tangent: 'bilinear',
  forward: (a, b) => {
    const s = kronShapes(a, b);
    const av = alias(a, s.sa);
    const bv = alias(b, s.sb);
    const p = binaryForward('mul', av, bv);
    av.dispose();
    bv.dispose();
    const out = alias(p, s.out);
    p.dispose();
    return out;
  },
}).grads(
  (dy, _y, a, b) => {
    const s = kronShapes(a, b);
    return raw.reshape(raw.sum(raw.mul(raw.reshape(dy, s.both), raw.reshape(b, s.sb)), s.odd, false), a.shape.slice());
  },
  (dy, _y, a, b) => {
    const s = kronShapes(a, b);
    return raw.reshape(raw.sum(raw.mul(raw.reshape(dy, s.both), raw.reshape(a, s.sa)), s.even, false), b.shape.slice());
  },
);

// ---- diag, trace, tril, triu ----

function diagLength(rows: number, cols: number, k: number): number {
  return Math.max(0, k >= 0 ? Math.min(rows, cols - k) : Math.min(rows + k, cols));
}

// Embedding a vector on diagonal k of a [rows, cols] matrix, and reading
// diagonal k back: each is the other's adjoint, hence the other's gradient.
const diagEmbed = op({
  name: 'diag', internal: true,
  args: custom((_op: string, x: Tensor, k: number, rows: number, cols: number): [Tensor, number, number, number] => [x, k, rows, cols]),
  forward: (x, k, rows, cols) => {
    const out = empty([rows, cols], x.dtype, 'diag');
    if (out.size === 0) return out;
    kernelFor<(x: Ptr, out: Ptr, len: number, rows: number, cols: number, k: number) => void>('diag_embed', x.dtype)(x._ptr, out._ptr, x.size, rows, cols, k);
    return out;
  },
}).grads((dy, _y, _x, k) => diagExtract(dy, k), null, null, null);

const diagExtract = op({
  name: 'diag', internal: true,
  args: custom((_op: string, x: Tensor, k: number): [Tensor, number] => [x, k]),
  forward: (x, k) => {
    const len = diagLength(x.shape[0], x.shape[1], k);
    const out = empty([len], x.dtype, 'diag');
    if (len === 0) return out;
    kernelFor<(x: Ptr, out: Ptr, len: number, cols: number, k: number) => void>('diag_extract', x.dtype)(x._ptr, out._ptr, len, x.shape[1], k);
    return out;
  },
}).grads((dy, _y, x, k) => diagEmbed(dy, k, x.shape[0], x.shape[1]), null);

/**
 * Like numpy's `diag`: a 1-D `x` gives the square matrix with `x` on its
 * diagonal `k` (above the main diagonal for `k > 0`, below for `k < 0`); a
 * 2-D `x` gives its diagonal `k` as a vector.
 *
 * @example
 * ag.diag(ag.tensor([1, 2])).toArray();               // [[1, 0], [0, 2]]
 * ag.diag(ag.tensor([[1, 2], [3, 4]])).toArray();     // [1, 4]
 * ag.diag(ag.tensor([[1, 2], [3, 4]]), 1).toArray();  // [2]
 */
export const diag = compose({
  name: 'diag',
  args: custom((op: string, x: Tensor, k: number = 0): [Tensor, number] => {
    checkTensor(op, x);
    checkInteger(op, 'k', k);
    if (x.ndim !== 1 && x.ndim !== 2) throw new ShapeError(`${op}: expected a 1-D or 2-D tensor, got shape ${shapeString(x.shape)}`);
    return [x, k];
  }),
}).as((x, k) => {
  const size = x.shape[0] + Math.abs(k);
  return x.ndim === 1 ? diagEmbed(x, k, size, size) : diagExtract(x, k);
});

/**
 * Sum of the main diagonal of a 2-D tensor (square or not), as a 0-d tensor.
 * Its gradient is `dy` times the identity.
 *
 * @example
 * ag.trace(ag.tensor([[1, 2], [3, 4]])).item(); // 5
 */
export const trace = compose({
  name: 'trace',
  args: custom((op: string, x: Tensor): [Tensor] => {
    checkTensor(op, x);
    if (x.ndim !== 2) throw new ShapeError(`${op}: expected a 2-D tensor, got shape ${shapeString(x.shape)}`);
    return [x];
  }),
}).as((x) => raw.sum(diagExtract(x, 0), [0], false));

// Masking is linear and self-adjoint: the gradient is the same mask of dy.
const triangle = (upper: boolean) => (x: Tensor, k: number): Tensor => {
  const out = empty(x.shape.slice(), x.dtype, upper ? 'triu' : 'tril');
  if (out.size === 0) return out;
  const rows = x.shape[x.ndim - 2];
  const cols = x.shape[x.ndim - 1];
  kernelFor<(x: Ptr, out: Ptr, rows: number, cols: number, count: number, k: number, upper: number) => void>('tri', x.dtype)(x._ptr, out._ptr, rows, cols, x.size / (rows * cols), k, upper ? 1 : 0);
  return out;
};

const triangleArgs = custom((op: string, x: Tensor, k: number = 0): [Tensor, number] => {
  checkTensor(op, x);
  checkInteger(op, 'k', k);
  if (x.ndim < 2) throw new ShapeError(`${op}: expected a tensor of rank 2 or more (matrices in the last two axes), got shape ${shapeString(x.shape)}`);
  // |k| beyond the matrix keeps all or nothing; clamping keeps the kernel's int32 arithmetic safe.
  return [x, Math.max(-(2 ** 30), Math.min(2 ** 30, k))];
});

/**
 * The lower triangle of the matrices in the last two axes: entries with
 * `j - i <= k` are kept, the others set to 0 (`k = 0` keeps the main
 * diagonal, `k = -1` drops it), as in numpy.
 *
 * @example
 * ag.tril(ag.tensor([[1, 2], [3, 4]])).toArray(); // [[1, 0], [3, 4]]
 */
export const tril = op({ name: 'tril', args: triangleArgs, forward: triangle(false) }).grads((dy, _y, _x, k) => raw.tril(dy, k), null);

/**
 * The upper triangle of the matrices in the last two axes: entries with
 * `j - i >= k` are kept, the others set to 0, as in numpy.
 *
 * @example
 * ag.triu(ag.tensor([[1, 2], [3, 4]]), 1).toArray(); // [[0, 2], [0, 0]]
 */
export const triu = op({ name: 'triu', args: triangleArgs, forward: triangle(true) }).grads((dy, _y, _x, k) => raw.triu(dy, k), null);

// ---- LU-based: inv, det, logdet, solve ----

/** Checks `a` is a (batch of) square matrices; returns n. */
function checkSquare(op: string, a: Tensor, name = 'a'): number {
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) {
    throw new ShapeError(
      `${op}: expected ${name} to be a square matrix [n, n] (or a batch [..., n, n]), got shape ${shapeString(a.shape)}`,
    );
  }
  return a.shape[a.ndim - 1];
}

/** The LU factors of a (batch of) square matrices: scratch, freed when `withFactors` returns. */
interface Factors {
  lu: Ptr;
  piv: Ptr;
  n: number;
  count: number;
}

/**
 * Runs `body` on the LU factors (partial pivoting) of a copy of `a`
 * (broadcast to `batch` when given), then frees them, whether `body`
 * returns or throws. Throws, having freed everything, if a matrix is
 * singular and `strict`.
 */
function withFactors<R>(
  op: string, a: Tensor, strict: boolean, body: (f: Factors) => R, batch: number[] = a.shape.slice(0, a.ndim - 2),
): R {
  const f = factor(op, a, strict, batch);
  try {
    return body(f);
  } finally {
    f.release();
  }
}

function factor(op: string, a: Tensor, strict: boolean, batch: number[]): Factors & { release(): void } {
  const n = a.shape[a.ndim - 1];
  const shape = [...batch, n, n];
  const count = shapeSize(batch);
  let lu: Tensor;
  if (sameShape(shape, a.shape)) {
    lu = empty(shape, a.dtype, op);
    if (lu.size > 0) kernels().copy_bytes(lu._ptr, a._ptr, a.size * bytesPerElement(a.dtype));
  } else {
    lu = stridedCopy(op, a, shape, broadcastStrides(a.shape, shape));
  }
  const pivBytes = count * n * 4;
  let piv: Ptr;
  try {
    piv = allocBytes(pivBytes, op);
  } catch (error) {
    lu.dispose();
    throw error;
  }
  const release = (): void => {
    lu.dispose();
    freeBytes(piv, pivBytes);
  };
  if (lu.size > 0) {
    const singular = kernelFor<(a: Ptr, piv: Ptr, n: number, count: number) => number>('lu', a.dtype)(lu._ptr, piv, n, count);
    if (singular !== 0 && strict) {
      release();
      const which = shape.length > 2 ? `matrix ${singular - 1} of the batch ${shapeString(shape)}` : `matrix ${shapeString(shape)}`;
      throw new ArgumentError(`${op}: ${which} is singular (a zero pivot in its LU decomposition)`);
    }
  }
  return { lu: lu._ptr, piv, n, count, release };
}

// inv(A) = X: dA = -Xᵀ dX Xᵀ. `op` names the caller in the singular-matrix
// error (det and logdet call this in their gradients).
/**
 * The inverse of a square matrix (or of each matrix of a batch `[..., n, n]`),
 * by LU decomposition with partial pivoting. Throws an ArgumentError for an
 * exactly singular matrix (a zero pivot); nearly singular matrices give large,
 * inaccurate entries, as in numpy.
 *
 * @example
 * ag.inv(ag.tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 */
export const inv = op({
  name: 'inv',
  args: {
    parse: (op: string, [a]: [a: Tensor]): [Tensor, string] => [square(op, a), op],
    raw: null,
  },
  forward: (a: Tensor, op: string): Tensor => withFactors(op, a, true, (f) => {
    const out = empty(a.shape.slice(), a.dtype, op);
    if (out.size > 0) {
      kernelFor<(f: Ptr, piv: Ptr, out: Ptr, n: number, count: number) => void>('lu_inv', a.dtype)(
        f.lu, f.piv, out._ptr, f.n, f.count);
    }
    return out;
  }),
}).grads((dy, y) => raw.neg(mm(mm(y, dy, true, false), y, false, true)), null);

/** A checked (batch of) square matrices. */
function square(op: string, a: Tensor): Tensor {
  checkTensor(op, a, 'a');
  checkSquare(op, a);
  return a;
}
const squareArg = { parse: (op: string, [a]: [a: Tensor]): [Tensor] => [square(op, a)], raw: null };

// The adjugate adj(A) = det(A) inv(A), computed from LU without dividing by
// det(A) (assembly/adjugate.ts), so it exists at singular matrices: it is
// det's gradient, adj(A)ᵀ. Its own gradient, for second derivatives of det,
// d⟨G, adj⟩ = ⟨G, A⁻¹⟩ adjᵀ − adjᵀ G A⁻ᵀ, does need A⁻¹: at an exactly
// singular matrix it throws, naming det.
const adjugate = op({
  name: 'adjugate', internal: true, args: squareArg,
  forward: (a) => withFactors('det', a, false, (f) => {
    const out = empty(a.shape.slice(), a.dtype, 'det');
    if (out.size > 0) {
      kernelFor<(f: Ptr, piv: Ptr, out: Ptr, n: number, count: number) => void>('lu_adjugate', a.dtype)(
        f.lu, f.piv, out._ptr, f.n, f.count);
    }
    return out;
  }),
}).grads((g, adj, a) => {
  const ai = raw.inv(a, 'det (second derivative)');
  const adjT = transposeLast(adj);
  return raw.sub(raw.mul(raw.sum(raw.mul(g, ai), [a.ndim - 2, a.ndim - 1], true), adjT), mm(mm(adjT, g, false, false), ai, false, true));
});

// d det(A) / dA = adj(A)ᵀ (= det(A) inv(A)ᵀ where A is invertible).
/**
 * The determinant of a square matrix (or of each matrix of a batch
 * `[..., n, n]`), from its LU decomposition: the product of the pivots times
 * the sign of the row permutation. Its gradient is the transposed adjugate
 * `adj(A)ᵀ` (`det(A) inv(A)ᵀ` where A is invertible), computed without
 * dividing by det(A), so it is exact at singular matrices too; the second
 * derivative at an exactly singular matrix throws.
 *
 * @example
 * ag.det(ag.tensor([[1, 2], [3, 4]])).item(); // -2
 */
export const det = op({
  name: 'det', args: squareArg,
  forward: (a) => withFactors('det', a, false, (f) => {
    const out = empty(a.shape.slice(0, a.ndim - 2), a.dtype, 'det');
    if (out.size > 0) {
      if (f.n === 0) fill(out, 1);
      else {
        kernelFor<(f: Ptr, piv: Ptr, out: Ptr, n: number, count: number) => void>('lu_det', a.dtype)(
          f.lu, f.piv, out._ptr, f.n, f.count);
      }
    }
    return out;
  }),
}).grads((dy, y, a) => raw.mul(raw.reshape(dy, [...y.shape, 1, 1]), transposeLast(adjugate(a))));

// d log|det(A)| / dA = inv(A)ᵀ.
/**
 * The logarithm of the ABSOLUTE value of the determinant, `log |det(a)|`
 * (the first value of Julia's `logabsdet`, numpy's `slogdet(a)[1]`), of a
 * square matrix or of each matrix of a batch `[..., n, n]`. It is summed from
 * the LU pivots, so it neither overflows nor underflows where `det` would;
 * the sign of the determinant is not returned (use `det` when it matters).
 * A singular matrix gives `-Infinity` (the log of 0), and its gradient,
 * `inv(a)ᵀ`, throws.
 *
 * @example
 * ag.logdet(ag.tensor([[1, 2], [3, 4]])).item(); // Math.log(2)
 */
export const logdet = op({
  name: 'logdet', args: squareArg,
  forward: (a) => withFactors('logdet', a, false, (f) => {
    const out = empty(a.shape.slice(0, a.ndim - 2), a.dtype, 'logdet');
    if (out.size > 0) {
      kernelFor<(f: Ptr, out: Ptr, n: number, count: number) => void>('lu_logabsdet', a.dtype)(
        f.lu, out._ptr, f.n, f.count);
    }
    return out;
  }),
}).grads((dy, y, a) => raw.mul(raw.reshape(dy, [...y.shape, 1, 1]), transposeLast(raw.inv(a, 'logdet (gradient)'))));

// A X = B: dB = solve(Aᵀ, dX), dA = -dB Xᵀ, each summed over the batch axes
// its operand was broadcast along. a is [..., n, n]; b is [..., n, k], or
// [..., n] (a stack of vectors) when `vector`; batch axes broadcast.
/**
 * The solution `x` of `a x = b` for a square, non-singular `a`, by LU
 * decomposition with partial pivoting (no inverse is formed). `b` is a vector
 * `[n]` (the result is `[..., n]`) or a matrix `[..., n, k]` of right-hand
 * sides; batch axes of `a [..., n, n]` and `b` broadcast, as in numpy 2.
 * Throws an ArgumentError for an exactly singular `a`.
 *
 * @example
 * ag.solve(ag.tensor([[2, 0], [0, 4]]), ag.tensor([2, 2])).toArray(); // [1, 0.5]
 */
export const solve = op({
  name: 'solve', args: custom(solveArgs),
  forward: (a, b, vector) => {
    const n = a.shape[a.ndim - 1];
    const batchB = b.shape.slice(0, b.ndim - (vector ? 1 : 2));
    const batch = tryBroadcastShapes(a.shape.slice(0, a.ndim - 2), batchB)!;
    const outShape = vector ? [...batch, n] : [...batch, n, b.shape[b.ndim - 1]];
    return withFactors('solve', a, true, (f) => {
      const out = stridedCopy('solve', b, outShape, broadcastStrides(b.shape, outShape));
      if (out.size > 0) {
        kernelFor<(f: Ptr, piv: Ptr, b: Ptr, n: number, nrhs: number, count: number) => void>('lu_solve', a.dtype)(
          f.lu, f.piv, out._ptr, n, vector ? 1 : outShape[outShape.length - 1], f.count);
      }
      return out;
    }, batch);
  },
}).grads(
  (dy, x, a, _b, vector) => {
    const db = raw.solve(transposeLast(a), dy, vector);
    const da = vector
      ? raw.mul(raw.reshape(db, [...db.shape, 1]), raw.reshape(x, [...x.shape.slice(0, x.ndim - 1), 1, x.shape[x.ndim - 1]]))
      : mm(db, x, false, true);
    return raw.unbroadcast(a, raw.neg(da));
  },
  (dy, _x, a, b, vector) => raw.unbroadcast(b, raw.solve(transposeLast(a), dy, vector)),
  null,
);

function solveArgs(op: string, a: Tensor, b: Tensor): [Tensor, Tensor, boolean] {
  checkTensor(op, a, 'a');
  checkTensor(op, b, 'b');
  const n = checkSquare(op, a);
  checkSameDType(op, a, b);
  const batchA = a.shape.slice(0, a.ndim - 2);
  if (b.ndim === 1) {
    if (b.shape[0] !== n) {
      throw new ShapeError(`solve: b of shape ${shapeString(b.shape)} does not fit a of shape ${shapeString(a.shape)} (expected ${n} entries)`);
    }
    return [a, b, true];
  }
  if (b.shape[b.ndim - 2] !== n) {
    throw new ShapeError(
      `solve: b must be [${n}] or [..., ${n}, k] to fit a of shape ${shapeString(a.shape)}, got ${shapeString(b.shape)}`,
    );
  }
  const batchB = b.shape.slice(0, b.ndim - 2);
  if (tryBroadcastShapes(batchA, batchB) === null) {
    throw new ShapeError(
      `solve: batch dimensions ${shapeString(batchA)} and ${shapeString(batchB)} of a ${shapeString(a.shape)} and b ${shapeString(b.shape)} cannot be broadcast together`,
    );
  }
  return [a, b, false];
}
