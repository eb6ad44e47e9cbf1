// Factorizations: cholesky, solveTriangular, eigh, svd, qr, slogdet, pinv,
// lstsq, matrixPower, expm. Ops with several results are checked through
// calls that pick or combine them; vectors only through losses that do not
// depend on their signs (eigh's and svd's vectors are defined up to sign:
// v ∘ v, u diag(c) vt), qr's directly (r's non-negative diagonal makes them
// unique). Inputs keep eigenvalues and singular values apart, where the
// vector gradients are defined.
import * as ag from '../../src/index';
import type { Tensor } from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const t64 = (x: ag.NestedArray) => ag.tensor(x, f64);
const randn = (shape: number[]) => ag.randn(shape, f64);

/** Symmetric positive definite: X Xᵀ / n + I (batched when `batch` is given). */
export const spd = (n: number, batch: number[] = []) => {
  const x = randn([...batch, n, n]);
  return ag.add(ag.div(ag.matmul(x, x, { transposeB: true }), n), ag.eye(n, f64));
};
/** Symmetric, with eigenvalues spread out: (X + Xᵀ) 0.3 plus the diagonal 0, 2, 4, ... */
export const symmetric = (n: number, batch: number[] = []) => {
  const x = randn([...batch, n, n]);
  const xt = ag.transpose(x, [...batch.map((_, i) => i), batch.length + 1, batch.length]);
  return ag.add(ag.mul(ag.add(x, xt), 0.3), ag.diag(ag.arange(0, 2 * n, 2, f64)));
};
/**
 * Triangular with a diagonal away from 0 (only one triangle is read; the
 * other is noise on purpose). The noise shrinks as 1/√n: random triangular
 * matrices are otherwise ill-conditioned exponentially in n.
 */
const triangular = (n: number, batch: number[] = []) =>
  ag.add(ag.mul(randn([...batch, n, n]), Math.min(0.5, 1 / Math.sqrt(n))), ag.mul(ag.eye(n, f64), 2));
/** A [m, n] matrix with singular values spread out: small noise plus 1, 2, 3... on the diagonal. */
const spread = (m: number, n: number, batch: number[] = []) => {
  const k = Math.min(m, n);
  return ag.add(ag.mul(randn([...batch, m, n]), 0.3), ag.pad(ag.diag(ag.arange(1, k + 1, 1, f64)), [[0, m - k], [0, n - k]]));
};

/** Weights that make each vector's entries count differently, fixed per shape. */
const weights = (shape: readonly number[], dtype: ag.DType) => ag.reshape(ag.div(ag.arange(1, shape.reduce((p, d) => p * d, 1) + 1, 1, { dtype }), 7), shape);

const A2 = [[4, 2], [2, 5]];
const A3 = [[4, 12, -16], [12, 37, -43], [-16, -43, 98]]; // L = [[2,0,0],[6,1,0],[-8,5,3]]
const S = Math.SQRT1_2;
const r5 = 1 / Math.sqrt(5);

export const cases: OpCase[] = [
  // ---- cholesky ----
  {
    name: 'cholesky', fn: ag.cholesky, inputs: () => [spd(3)],
    values: [
      { label: '2x2 by hand', args: () => [t64(A2)], expected: [[2, 0], [1, 2]] },
      { label: '3x3 by hand', args: () => [t64(A3)], expected: [[2, 0, 0], [6, 1, 0], [-8, 5, 3]] },
      { label: 'float32', args: () => [ag.tensor(A3)], expected: [[2, 0, 0], [6, 1, 0], [-8, 5, 3]] },
      { label: 'batched', args: () => [t64([A2, [[9, 0], [0, 1]]])], expected: [[[2, 0], [1, 2]], [[3, 0], [0, 1]]] },
    ],
  },
  { name: 'cholesky', fn: ag.cholesky, inputs: () => [spd(4, [2])] },
  // larger than the kernel's panel (64): the blocked path, to second order
  { name: 'cholesky', fn: ag.cholesky, inputs: () => [spd(70)], order: 1 },

  // ---- solveTriangular ----
  {
    name: 'solveTriangular', fn: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b), inputs: () => [triangular(3), randn([3, 2])],
    values: [
      { label: 'lower, vector b', args: () => [t64([[2, 0], [1, 1]]), t64([2, 3])], expected: [1, 2] },
      { label: 'lower, the upper triangle is not read', args: () => [t64([[2, 99], [1, 1]]), t64([2, 3])], expected: [1, 2] },
      {
        label: 'upper', call: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b, { lower: false }),
        args: () => [t64([[2, 1], [0, 1]]), t64([[4], [2]])], expected: [[1], [2]],
      },
      {
        label: 'transposed', call: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b, { transpose: true }),
        args: () => [t64([[2, 0], [1, 1]]), t64([4, 2])], expected: [1, 2],
      },
      {
        label: 'unit diagonal (not read)', call: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b, { unitDiagonal: true }),
        args: () => [t64([[5, 0], [3, 7]]), t64([1, 5])], expected: [1, 2],
      },
      {
        label: 'a broadcast against a batch of b', args: () => [t64([[1, 0], [1, 1]]), t64([[[1], [2]], [[3], [5]]])],
        expected: [[[1], [1]], [[3], [2]]],
      },
      { label: 'float32', args: () => [ag.tensor([[4, 0], [2, 1]]), ag.tensor([8, 7])], expected: [2, 3] },
    ],
  },
  { name: 'solveTriangular', fn: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b, { lower: false, transpose: true }), inputs: () => [triangular(3), randn([3])] },
  { name: 'solveTriangular', fn: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b, { unitDiagonal: true }), inputs: () => [triangular(3, [2]), randn([2, 3, 2])] },
  { name: 'solveTriangular', fn: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b, { lower: false, unitDiagonal: true, transpose: true }), inputs: () => [triangular(3), randn([2, 3, 1])] },
  // larger than the kernel's block (64): the blocked path
  { name: 'solveTriangular', fn: (a: Tensor, b: Tensor) => ag.solveTriangular(a, b, { transpose: true }), inputs: () => [triangular(70), randn([70, 2])], order: 1 },

  // ---- eigh ----
  {
    name: 'eigh', fn: (a: Tensor) => ag.eigh(a)[0], inputs: () => [symmetric(4)],
    values: [
      { label: 'values ascending', args: () => [t64([[2, 1], [1, 2]])], expected: [1, 3] },
      {
        label: 'vectors in columns, each with its largest entry positive (the first, if tied)', call: (a: Tensor) => ag.eigh(a)[1],
        args: () => [t64([[2, 1], [1, 2]])], expected: [[S, S], [-S, S]],
      },
      { label: 'diagonal', args: () => [t64([[3, 0, 0], [0, 1, 0], [0, 0, 2]])], expected: [1, 2, 3] },
      {
        label: 'diagonal: vectors are unit vectors', call: (a: Tensor) => ag.eigh(a)[1],
        args: () => [t64([[3, 0, 0], [0, 1, 0], [0, 0, -2]])], expected: [[0, 0, 1], [0, 1, 0], [1, 0, 0]],
      },
      { label: 'repeated eigenvalues', args: () => [t64([[2, 0, 0], [0, 2, 0], [0, 0, 1]])], expected: [1, 2, 2] },
      { label: 'batched, float32', args: () => [ag.tensor([[[2, 1], [1, 2]], [[5, 0], [0, -1]]])], expected: [[1, 3], [-1, 5]] },
    ],
  },
  {
    name: 'eigh', fn: (a: Tensor) => { const v = ag.eigh(a)[1]; return ag.mul(v, v); }, inputs: () => [symmetric(4)],
    values: [{
      // [[3, 4], [4, -3]] has eigenvalues ±5
      label: 'vectors of a 3x3 by hand', call: (a: Tensor) => ag.eigh(a)[1], args: () => [t64([[2, 0, 0], [0, 3, 4], [0, 4, -3]])],
      expected: [[0, 1, 0], [-r5, 0, 2 * r5], [2 * r5, 0, r5]],
    }],
  },
  {
    // V diag(c) Vᵀ, batched: a gauge-invariant use of values and vectors together
    name: 'eigh', inputs: () => [symmetric(3, [2])],
    fn: (a: Tensor) => {
      const [w, v] = ag.eigh(a);
      return ag.matmul(ag.mul(v, ag.expandDims(ag.sin(w), -2)), v, { transposeB: true });
    },
    values: [{ label: 'values of a 3x3 by hand', args: () => [t64([[2, 0, 0], [0, 3, 4], [0, 4, -3]])], call: (a: Tensor) => ag.eigh(a)[0], expected: [-5, 2, 5] }],
  },

  // ---- svd ----
  {
    name: 'svd', fn: (a: Tensor) => ag.svd(a)[1], inputs: () => [spread(4, 3)],
    values: [
      { label: 'singular values, descending', args: () => [t64([[3, 0], [0, -2]])], expected: [3, 2] },
      { label: 'a rank-1 row', args: () => [t64([[3, 4]])], expected: [5] },
      { label: 'rank-deficient', args: () => [t64([[1, 1], [1, 1]])], expected: [2, 0] },
      { label: 'u', call: (a: Tensor) => ag.svd(a)[0], args: () => [t64([[3, 0], [0, -2]])], expected: [[1, 0], [0, 1]] },
      { label: 'vt', call: (a: Tensor) => ag.svd(a)[2], args: () => [t64([[3, 0], [0, -2]])], expected: [[1, 0], [0, -1]] },
      { label: 'vt of a row', call: (a: Tensor) => ag.svd(a)[2], args: () => [t64([[3, 4]])], expected: [[0.6, 0.8]] },
      { label: 'batched, float32', args: () => [ag.tensor([[[3, 0], [0, -2]], [[0, 1], [1, 0]]])], expected: [[3, 2], [1, 1]] },
    ],
  },
  { name: 'svd', fn: (a: Tensor) => ag.svd(a)[1], inputs: () => [spread(2, 5, [2])] },
  {
    // u diag(c) vt: gauge-invariant (each pair's signs cancel), tall
    name: 'svd', inputs: () => [spread(5, 3)],
    fn: (a: Tensor) => {
      const [u, s, vt] = ag.svd(a);
      return ag.add(ag.matmul(ag.mul(u, weights([3], a.dtype)), vt), ag.sum(ag.mul(s, s)));
    },
    values: [{ label: 'u of a tall matrix', call: (a: Tensor) => ag.svd(a)[0], args: () => [t64([[1, 0], [0, 2], [0, 0]])], expected: [[0, 1], [1, 0], [0, 0]] }],
  },
  {
    name: 'svd', inputs: () => [spread(3, 5, [2])],
    fn: (a: Tensor) => {
      const [u, , vt] = ag.svd(a);
      return ag.matmul(ag.mul(u, weights([3], a.dtype)), vt);
    },
    values: [{ label: 'vt of a wide matrix', call: (a: Tensor) => ag.svd(a)[2], args: () => [t64([[3, 0, 0], [0, 0, -2]])], expected: [[1, 0, 0], [0, 0, -1]] }],
  },
  {
    name: 'svd', fn: (a: Tensor) => { const u = ag.svd(a)[0]; return ag.mul(u, u); }, inputs: () => [spread(4, 3)],
    values: [{ label: 'singular values of a tall matrix', call: (a: Tensor) => ag.svd(a)[1], args: () => [t64([[1, 0], [0, 2], [0, 0]])], expected: [2, 1] }],
  },
  {
    name: 'svd', fn: (a: Tensor) => { const vt = ag.svd(a)[2]; return ag.mul(vt, vt); }, inputs: () => [spread(3, 4)],
    values: [{ label: 'singular values of a wide matrix', call: (a: Tensor) => ag.svd(a)[1], args: () => [t64([[3, 0, 0], [0, 0, -2]])], expected: [3, 2] }],
  },

  // ---- qr ----
  {
    name: 'qr', fn: (a: Tensor) => ag.qr(a)[0], inputs: () => [spread(4, 3)],
    values: [
      { label: 'q', args: () => [t64([[3, 1], [4, 2]])], expected: [[0.6, -0.8], [0.8, 0.6]] },
      { label: 'r, non-negative diagonal', call: (a: Tensor) => ag.qr(a)[1], args: () => [t64([[3, 1], [4, 2]])], expected: [[5, 2.2], [0, 0.4]] },
      { label: 'r of a negative column', call: (a: Tensor) => ag.qr(a)[1], args: () => [t64([[-3], [-4]])], expected: [[5]] },
      { label: 'q of a tall matrix is thin', args: () => [t64([[1, 0], [0, 1], [0, 0]])], expected: [[1, 0], [0, 1], [0, 0]] },
      { label: 'r of a wide matrix', call: (a: Tensor) => ag.qr(a)[1], args: () => [t64([[0, 2, 3]])], expected: [[0, 2, 3]] },
      { label: 'batched, float32', call: (a: Tensor) => ag.qr(a)[1], args: () => [ag.tensor([[[3, 1], [4, 2]], [[1, 0], [0, 2]]])], expected: [[[5, 2.2], [0, 0.4]], [[1, 0], [0, 2]]] },
    ],
  },
  { name: 'qr', fn: (a: Tensor) => ag.qr(a)[1], inputs: () => [spread(4, 3)] },
  {
    name: 'qr', inputs: () => [spread(3, 3, [2])],
    fn: (a: Tensor) => { const [q, r] = ag.qr(a); return ag.add(ag.sum(ag.mul(q, weights(q.shape, a.dtype))), ag.sum(ag.mul(r, weights(r.shape, a.dtype)))); },
    values: [{ label: 'q, batched', args: () => [t64([[[0, 2], [3, 0]], [[1, 0], [0, 1]]])], call: (a: Tensor) => ag.qr(a)[0], expected: [[[0, 1], [1, 0]], [[1, 0], [0, 1]]] }],
  },
  { name: 'qr', fn: (a: Tensor) => ag.qr(a)[0], inputs: () => [spread(3, 5)] },
  { name: 'qr', fn: (a: Tensor) => ag.qr(a)[1], inputs: () => [spread(2, 4, [2])] },

  // ---- slogdet ----
  {
    name: 'slogdet', fn: (a: Tensor) => ag.slogdet(a)[1], inputs: () => [ag.add(randn([3, 3]), ag.mul(ag.eye(3, f64), 3))],
    values: [
      { label: 'logabsdet', args: () => [t64([[1, 2], [3, 4]])], expected: Math.log(2) },
      { label: 'sign', call: (a: Tensor) => ag.slogdet(a)[0], args: () => [t64([[1, 2], [3, 4]])], expected: -1 },
      { label: 'sign of a permutation', call: (a: Tensor) => ag.slogdet(a)[0], args: () => [t64([[0, 1, 0], [0, 0, 1], [1, 0, 0]])], expected: 1 },
      { label: 'singular: sign 0', call: (a: Tensor) => ag.slogdet(a)[0], args: () => [t64([[1, 2], [2, 4]])], expected: 0 },
      { label: 'singular: -Infinity', args: () => [t64([[1, 2], [2, 4]])], expected: -Infinity },
      { label: 'where det underflows (1e-360)', args: () => [ag.mul(ag.eye(120, f64), 1e-3)], expected: 120 * Math.log(1e-3) },
      { label: 'batched', args: () => [t64([[[1, 2], [3, 4]], [[2, 0], [0, 4]]])], expected: [Math.log(2), Math.log(8)] },
      { label: '0x0: log 1', args: () => [ag.zeros([0, 0], f64)], expected: 0 },
    ],
  },
  { name: 'slogdet', fn: (a: Tensor) => ag.slogdet(a)[1], inputs: () => [ag.add(randn([2, 3, 3]), ag.mul(ag.eye(3, f64), -3))] },
  { name: 'slogdet', fn: (a: Tensor) => ag.slogdet(a)[0], inputs: () => [ag.add(randn([3, 3]), ag.mul(ag.eye(3, f64), 3))], order: 0 },

  // ---- pinv and lstsq ----
  {
    name: 'pinv', fn: ag.pinv, inputs: () => [spread(4, 3)],
    values: [
      { label: 'rank-deficient', args: () => [t64([[1, 0], [0, 0]])], expected: [[1, 0], [0, 0]] },
      { label: 'a column', args: () => [t64([[1], [1]])], expected: [[0.5, 0.5]] },
      { label: 'invertible: the inverse', args: () => [t64([[2, 0], [0, 4]])], expected: [[0.5, 0], [0, 0.25]] },
      { label: 'rank 1 of [[1, 1], [1, 1]]', args: () => [t64([[1, 1], [1, 1]])], expected: [[0.25, 0.25], [0.25, 0.25]] },
      {
        label: 'rtol cuts small singular values', call: (a: Tensor) => ag.pinv(a, { rtol: 1e-3 }),
        args: () => [t64([[1, 0], [0, 1e-4]])], expected: [[1, 0], [0, 0]],
      },
      { label: 'batched, float32', args: () => [ag.tensor([[[2, 0], [0, 4]], [[1, 0], [0, 0]]])], expected: [[[0.5, 0], [0, 0.25]], [[1, 0], [0, 0]]] },
    ],
  },
  { name: 'pinv', fn: ag.pinv, inputs: () => [spread(2, 4, [2])] },
  {
    name: 'lstsq', fn: (a: Tensor, b: Tensor) => ag.lstsq(a, b), inputs: () => [spread(5, 3), randn([5])],
    values: [
      { label: 'a line through three points', args: () => [t64([[1, 0], [1, 1], [1, 2]]), t64([1, 3, 5])], expected: [1, 2] },
      { label: 'least squares, not exact', args: () => [t64([[1, 0], [1, 1], [1, 2]]), t64([1, 2, 4])], expected: [5 / 6, 3 / 2] },
      { label: 'wide: the minimum-norm solution', args: () => [t64([[1, 1]]), t64([2])], expected: [1, 1] },
      { label: 'matrix b', args: () => [t64([[2, 0], [0, 4]]), t64([[2, 4], [4, 8]])], expected: [[1, 2], [1, 2]] },
    ],
  },
  { name: 'lstsq', fn: (a: Tensor, b: Tensor) => ag.lstsq(a, b), inputs: () => [spread(2, 4, [2]), randn([2, 2, 3])] },

  // ---- matrixPower and expm ----
  {
    name: 'matrixPower', fn: (a: Tensor) => ag.matrixPower(a, 3), inputs: () => [ag.mul(randn([3, 3]), 0.5)],
    values: [
      { label: 'k = 3', args: () => [t64([[1, 1], [0, 1]])], expected: [[1, 3], [0, 1]] },
      { label: 'k = 0 is the identity', call: (a: Tensor) => ag.matrixPower(a, 0), args: () => [t64([[[5, 1], [2, 3]]])], expected: [[[1, 0], [0, 1]]] },
      { label: 'k = 1 is a copy', call: (a: Tensor) => ag.matrixPower(a, 1), args: () => [t64([[5, 1], [2, 3]])], expected: [[5, 1], [2, 3]] },
      { label: 'k = -2', call: (a: Tensor) => ag.matrixPower(a, -2), args: () => [t64([[2, 0], [0, 4]])], expected: [[0.25, 0], [0, 0.0625]] },
      { label: 'k = 5, batched', call: (a: Tensor) => ag.matrixPower(a, 5), args: () => [t64([[[0, 1], [1, 0]], [[2, 0], [0, 1]]])], expected: [[[0, 1], [1, 0]], [[32, 0], [0, 1]]] },
    ],
  },
  { name: 'matrixPower', fn: (a: Tensor) => ag.matrixPower(a, -3), inputs: () => [ag.add(randn([2, 3, 3]), ag.mul(ag.eye(3, f64), 3))] },
  {
    name: 'expm', fn: ag.expm, inputs: () => [ag.mul(randn([3, 3]), 0.8)],
    values: [
      { label: 'nilpotent', args: () => [t64([[0, 1], [0, 0]])], expected: [[1, 1], [0, 1]] },
      { label: 'a rotation', args: () => [t64([[0, 1], [-1, 0]])], expected: [[Math.cos(1), Math.sin(1)], [-Math.sin(1), Math.cos(1)]] },
      { label: 'diagonal', args: () => [t64([[1, 0], [0, -2]])], expected: [[Math.E, 0], [0, Math.exp(-2)]] },
      // scipy.linalg.expm([[1, 2], [3, 4]])
      { label: 'a 2x2 that needs squaring', args: () => [t64([[1, 2], [3, 4]])], expected: [[51.968956198705, 74.73656456700311], [112.10484685050491, 164.07380304920997]], tol: 1e-12 },
      { label: 'zero', args: () => [ag.zeros([2, 2], f64)], expected: [[1, 0], [0, 1]] },
      { label: 'batched, float32', args: () => [ag.tensor([[[0, 1], [0, 0]], [[1, 0], [0, 0]]])], expected: [[[1, 1], [0, 1]], [[Math.E, 0], [0, 1]]] },
    ],
  },
  { name: 'expm', fn: ag.expm, inputs: () => [ag.mul(randn([2, 3, 3]), 2)] },
];
