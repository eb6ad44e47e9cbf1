// Kernels for the matrix factorizations: Cholesky, triangular solve,
// symmetric eigendecomposition, thin SVD, reduced QR, and the sign of a
// determinant from LU (for slogdet). Each is written once over T = f32 | f64.
//
// Conventions shared by every kernel here:
// - Matrices are row-major and come in batches of `count` contiguous blocks
//   (count x rows x cols); one call factors the whole batch.
// - Kernels never allocate: the caller passes `work`, a scratch buffer of
//   the number of elements (of T) that the matching `*_work` function
//   returns. The same scratch serves every matrix of the batch in turn.
// - Kernels never throw. Failure is a return value (0 = success), and the
//   failed matrix's outputs are filled with NaN so that nothing readable is
//   left there by accident; the other matrices of the batch are computed.
// - Inputs are read-only unless an output is allowed to alias them (said
//   per kernel).
//
// Blocking: Cholesky and the triangular solve move all but O(n^2 * NB) of
// their flops into matmul (assembly/matmul.ts), which takes contiguous
// operands: the blocks they need are copied into `work` first, an O(n^2)
// cost against the O(n^3) products. qr and eigh are unblocked (Householder
// reflections and rotations applied row by row, SIMD along rows); svd uses
// matmul for its preconditioner and its final products, and rotations
// otherwise. Accuracy came first there: see the tests for the figures.

import { matmul_f32, matmul_f64 } from "./matmul";
import { laneSum } from "./simd";

/** Panel width of the blocked Cholesky and triangular solve. */
const NB: i32 = 64;
/** QR steps allowed per eigenvalue, and Jacobi sweeps, before giving up. */
const MAX_QR_STEPS: i32 = 30;
const MAX_SWEEPS: i32 = 60;

// ---- small helpers ----

@inline function at<T>(p: usize, i: usize): usize {
  return p + (i << alignof<T>());
}

@inline function el<T>(p: usize, r: i32, ld: i32, c: i32): usize {
  return p + ((<usize>r * <usize>ld + <usize>c) << alignof<T>());
}

@inline function epsilon<T>(): T {
  if (sizeof<T>() == 4) return <T>1.1920928955078125e-7;
  return <T>2.220446049250313e-16;
}

// Values below this (in the matrices eigh and svd scale to a largest entry of
// one) are treated as zero: their squares would underflow.
@inline function tiny<T>(): T {
  if (sizeof<T>() == 4) return <T>1e-18;
  return <T>1e-150;
}

@inline function gemm<T>(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  if (sizeof<T>() == 4) matmul_f32(a, b, c, m, n, k, transA, transB);
  else matmul_f64(a, b, c, m, n, k, transA, transB);
}

/** sqrt(x² + y²) without overflow or underflow of the squares. */
@inline function hypot<T>(x: T, y: T): T {
  const ax = abs<T>(x);
  const ay = abs<T>(y);
  const big = max<T>(ax, ay);
  if (big == 0) return 0;
  const small = min<T>(ax, ay) / big;
  return big * sqrt<T>(<T>1 + small * small);
}

/** sum of x[i] y[i] for i < len. */
function dot<T>(x: usize, y: usize, len: i32): T {
  const lanes = <i32>(16 / sizeof<T>());
  let s0 = v128.splat<T>(0);
  let s1 = v128.splat<T>(0);
  let i = 0;
  for (; i + 2 * lanes <= len; i += 2 * lanes) {
    const o = <usize>i << alignof<T>();
    s0 = v128.add<T>(s0, v128.mul<T>(v128.load(x + o), v128.load(y + o)));
    s1 = v128.add<T>(s1, v128.mul<T>(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  let s = <T>laneSum<T>(v128.add<T>(s0, s1));
  for (; i < len; i++) s += load<T>(at<T>(x, i)) * load<T>(at<T>(y, i));
  return s;
}

/** y[0..len) += alpha x[0..len). */
function axpy<T>(y: usize, x: usize, alpha: T, len: i32): void {
  const lanes = <i32>(16 / sizeof<T>());
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + 2 * lanes <= len; i += 2 * lanes) {
    const o = <usize>i << alignof<T>();
    v128.store(y + o, v128.add<T>(v128.load(y + o), v128.mul<T>(va, v128.load(x + o))));
    v128.store(y + o, v128.add<T>(v128.load(y + o, 16), v128.mul<T>(va, v128.load(x + o, 16))), 16);
  }
  for (; i < len; i++) store<T>(at<T>(y, i), load<T>(at<T>(y, i)) + alpha * load<T>(at<T>(x, i)));
}

/** y[0..len) -= x[0..len). */
function subInto<T>(y: usize, x: usize, len: i32): void {
  const lanes = <i32>(16 / sizeof<T>());
  let i = 0;
  for (; i + lanes <= len; i += lanes) {
    const o = <usize>i << alignof<T>();
    v128.store(y + o, v128.sub<T>(v128.load(y + o), v128.load(x + o)));
  }
  for (; i < len; i++) store<T>(at<T>(y, i), load<T>(at<T>(y, i)) - load<T>(at<T>(x, i)));
}

/** x[0..len) *= alpha. */
function scale<T>(x: usize, alpha: T, len: i32): void {
  const lanes = <i32>(16 / sizeof<T>());
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + lanes <= len; i += lanes) {
    const o = <usize>i << alignof<T>();
    v128.store(x + o, v128.mul<T>(va, v128.load(x + o)));
  }
  for (; i < len; i++) store<T>(at<T>(x, i), alpha * load<T>(at<T>(x, i)));
}

/** (x, y) = (c x - s y, s x + c y), elementwise over len. */
function rotate<T>(x: usize, y: usize, c: T, s: T, len: i32): void {
  const lanes = <i32>(16 / sizeof<T>());
  const vc = v128.splat<T>(c);
  const vs = v128.splat<T>(s);
  let i = 0;
  for (; i + lanes <= len; i += lanes) {
    const o = <usize>i << alignof<T>();
    const vx = v128.load(x + o);
    const vy = v128.load(y + o);
    v128.store(x + o, v128.sub<T>(v128.mul<T>(vc, vx), v128.mul<T>(vs, vy)));
    v128.store(y + o, v128.add<T>(v128.mul<T>(vs, vx), v128.mul<T>(vc, vy)));
  }
  for (; i < len; i++) {
    const px = at<T>(x, i);
    const py = at<T>(y, i);
    const vx = load<T>(px);
    const vy = load<T>(py);
    store<T>(px, c * vx - s * vy);
    store<T>(py, s * vx + c * vy);
  }
}

function swapRows<T>(x: usize, y: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const px = at<T>(x, i);
    const py = at<T>(y, i);
    const t = load<T>(px);
    store<T>(px, load<T>(py));
    store<T>(py, t);
  }
}

function fillValue<T>(p: usize, value: T, len: usize): void {
  for (let i: usize = 0; i < len; i++) store<T>(at<T>(p, i), value);
}

function identity<T>(p: usize, rows: i32, cols: i32): void {
  memory.fill(p, 0, (<usize>rows * <usize>cols) << alignof<T>());
  const d = min(rows, cols);
  for (let i = 0; i < d; i++) store<T>(el<T>(p, i, cols, i), <T>1);
}

/** Largest |x| over len elements; NaN if any is NaN. */
function maxAbs<T>(x: usize, len: usize): T {
  let m: T = 0;
  for (let i: usize = 0; i < len; i++) {
    const v = abs<T>(load<T>(at<T>(x, i)));
    if (!(v <= m)) m = v; // NaN sticks: no later v compares <= NaN
  }
  return m;
}

// ---- Cholesky ----

// Unblocked, row by row: L[j, i] = (A[j, i] - L[j, :i] . L[i, :i]) / L[i, i],
// then L[j, j] = sqrt(A[j, j] - |L[j, :j]|²). Rows are contiguous, so both are
// dot products along rows, and only the lower triangle is read. Returns 0,
// or 1 + the first j whose pivot is not positive (or NaN).
function choleskyUnblocked<T>(a: usize, lda: i32, n: i32): i32 {
  for (let j = 0; j < n; j++) {
    const rj = el<T>(a, j, lda, 0);
    for (let i = 0; i < j; i++) {
      const ri = el<T>(a, i, lda, 0);
      const p = at<T>(rj, i);
      store<T>(p, (load<T>(p) - dot<T>(rj, ri, i)) / load<T>(at<T>(ri, i)));
    }
    const p = at<T>(rj, j);
    const d = load<T>(p) - dot<T>(rj, rj, j);
    if (!(d > 0)) return j + 1;
    store<T>(p, sqrt<T>(d));
  }
  return 0;
}

// Right-looking, NB columns at a time. For the panel at k (width b, m rows
// below it): factor the diagonal block; solve L21 L11ᵀ = A21 as
// L11 L21ᵀ = A21ᵀ, on the transpose so that the substitution runs along rows
// of length m; then A22 -= L21 L21ᵀ, lower triangle only, by block rows of
// NB: each block row is one matmul of [NB x b] by [b x (columns up to its
// diagonal)], so the update costs m² b flops, as the triangle needs.
// Work: P (m x b, the panel, contiguous) and Pt (b x m), whose space the
// update's products reuse: 2 NB n elements.
function choleskyOne<T>(a: usize, n: i32, work: usize): i32 {
  if (n <= NB) return choleskyUnblocked<T>(a, n, n);
  const P = work;
  const Pt = at<T>(work, <usize>NB * <usize>n);
  for (let k = 0; k < n; k += NB) {
    const b = min(NB, n - k);
    const diag = el<T>(a, k, n, k);
    const info = choleskyUnblocked<T>(diag, n, b);
    if (info != 0) return k + info;
    const m = n - k - b;
    if (m == 0) break;
    const a21 = el<T>(a, k + b, n, k);
    for (let i = 0; i < m; i++) {
      const row = el<T>(a21, i, n, 0);
      for (let r = 0; r < b; r++) store<T>(el<T>(Pt, r, m, i), load<T>(at<T>(row, r)));
    }
    triangularBlock<T>(diag, n, Pt, m, 0, b, true, false, false);
    for (let i = 0; i < m; i++) {
      const row = el<T>(a21, i, n, 0);
      const prow = el<T>(P, i, b, 0);
      for (let r = 0; r < b; r++) {
        const v = load<T>(el<T>(Pt, r, m, i));
        store<T>(at<T>(prow, r), v);
        store<T>(at<T>(row, r), v);
      }
    }
    const C = Pt;
    for (let j0 = 0; j0 < m; j0 += NB) {
      const bj = min(NB, m - j0);
      const w = j0 + bj;
      gemm<T>(el<T>(P, j0, b, 0), P, C, bj, w, b, false, true);
      for (let r = 0; r < bj; r++) {
        subInto<T>(el<T>(a, k + b + j0 + r, n, k + b), el<T>(C, r, w, 0), j0 + r + 1);
      }
    }
  }
  return 0;
}

@inline function cholesky<T>(a: usize, l: usize, n: i32, count: i32, work: usize): i32 {
  const size = <usize>n * <usize>n;
  const bytes = size << alignof<T>();
  let failed = 0;
  for (let q = 0; q < count; q++) {
    const src = a + <usize>q * bytes;
    const dst = l + <usize>q * bytes;
    if (src != dst) memory.copy(dst, src, bytes);
    const info = choleskyOne<T>(dst, n, work);
    if (info != 0) {
      fillValue<T>(dst, <T>NaN, size);
      if (failed == 0) failed = q * n + info;
      continue;
    }
    for (let i = 0; i + 1 < n; i++) memory.fill(el<T>(dst, i, n, i + 1), 0, <usize>(n - i - 1) << alignof<T>());
  }
  return failed;
}

/** Elements of `work` that cholesky_f32/f64 need for n x n matrices. */
export function cholesky_work(n: i32): i32 {
  return n <= NB ? 0 : 2 * NB * n;
}

/**
 * Lower Cholesky factors: l[q] = L with a[q] = L Lᵀ, for q < count, n x n
 * each; only the lower triangle of a is read, and l's strict upper triangle
 * is zeroed. l may be a (in place). work: cholesky_work(n) elements.
 * Returns 0, or 1 + q n + j for the first matrix q that is not positive
 * definite, j being its first non-positive (or NaN) pivot, i.e. its leading
 * minor of order j + 1 is not positive; that matrix's l is all NaN.
 */
export function cholesky_f32(a: usize, l: usize, n: i32, count: i32, work: usize): i32 { return cholesky<f32>(a, l, n, count, work); }
export function cholesky_f64(a: usize, l: usize, n: i32, count: i32, work: usize): i32 { return cholesky<f64>(a, l, n, count, work); }

// ---- triangular solve ----

// op(A)[r, c]: A itself, or its transpose.
@inline function tri<T>(a: usize, lda: i32, r: i32, c: i32, trans: bool): T {
  return trans ? load<T>(el<T>(a, c, lda, r)) : load<T>(el<T>(a, r, lda, c));
}

// Rows r0 .. r1 of X (rows of k values, ldx apart) solved against the
// diagonal block [r0, r1) of T = op(A), by substitution: forward when T is
// lower, backward when upper. The rows of X outside the block must already
// have been eliminated from these.
function triangularBlock<T>(
  a: usize, lda: i32, x: usize, k: i32, r0: i32, r1: i32, lowerT: bool, trans: bool, unit: bool,
): void {
  if (lowerT) {
    for (let r = r0; r < r1; r++) {
      const xr = el<T>(x, r, k, 0);
      for (let c = r0; c < r; c++) {
        const t = tri<T>(a, lda, r, c, trans);
        if (t != 0) axpy<T>(xr, el<T>(x, c, k, 0), -t, k);
      }
      if (!unit) scale<T>(xr, <T>1 / tri<T>(a, lda, r, r, trans), k);
    }
  } else {
    for (let r = r1 - 1; r >= r0; r--) {
      const xr = el<T>(x, r, k, 0);
      for (let c = r + 1; c < r1; c++) {
        const t = tri<T>(a, lda, r, c, trans);
        if (t != 0) axpy<T>(xr, el<T>(x, c, k, 0), -t, k);
      }
      if (!unit) scale<T>(xr, <T>1 / tri<T>(a, lda, r, r, trans), k);
    }
  }
}

// Left-looking by blocks of NB rows of X, in the order substitution needs
// (top down for a lower T, bottom up for an upper one): a block first takes
// the contribution of every row solved before it in one matmul, then is
// solved against its diagonal block. The block row of T is copied into W
// (NB x n at most) as rows of A, so that with transpose it is simply
// matmul's transposed A operand; the product goes to C (NB x k).
function triangularOne<T>(a: usize, x: usize, n: i32, k: i32, lowerT: bool, trans: bool, unit: bool, work: usize): void {
  if (n <= NB) {
    triangularBlock<T>(a, n, x, k, 0, n, lowerT, trans, unit);
    return;
  }
  const W = work;
  const C = at<T>(work, <usize>NB * <usize>n);
  const blocks = (n + NB - 1) / NB;
  for (let q = 0; q < blocks; q++) {
    const r0 = (lowerT ? q : blocks - 1 - q) * NB;
    const r1 = min(n, r0 + NB);
    const b = r1 - r0;
    const c0 = lowerT ? 0 : r1;
    const t = lowerT ? r0 : n - r1;
    if (t > 0) {
      if (!trans) {
        for (let r = 0; r < b; r++) memory.copy(el<T>(W, r, t, 0), el<T>(a, r0 + r, n, c0), <usize>t << alignof<T>());
      } else {
        for (let c = 0; c < t; c++) memory.copy(el<T>(W, c, b, 0), el<T>(a, c0 + c, n, r0), <usize>b << alignof<T>());
      }
      gemm<T>(W, el<T>(x, c0, k, 0), C, b, k, t, trans, false);
      for (let r = 0; r < b; r++) subInto<T>(el<T>(x, r0 + r, k, 0), el<T>(C, r, k, 0), k);
    }
    triangularBlock<T>(a, n, x, k, r0, r1, lowerT, trans, unit);
  }
}

@inline function solveTriangular<T>(
  a: usize, b: usize, x: usize, n: i32, k: i32, count: i32, lower: bool, transpose: bool, unitDiagonal: bool, work: usize,
): i32 {
  const aSize = <usize>n * <usize>n;
  const xSize = <usize>n * <usize>k;
  const lowerT = lower != transpose;
  let failed = 0;
  for (let q = 0; q < count; q++) {
    const aq = at<T>(a, <usize>q * aSize);
    const bq = at<T>(b, <usize>q * xSize);
    const xq = at<T>(x, <usize>q * xSize);
    let zero = -1;
    if (!unitDiagonal) {
      for (let j = 0; j < n; j++) {
        if (load<T>(el<T>(aq, j, n, j)) == 0) {
          zero = j;
          break;
        }
      }
    }
    if (zero >= 0) {
      fillValue<T>(xq, <T>NaN, xSize);
      if (failed == 0) failed = q * n + zero + 1;
      continue;
    }
    if (bq != xq) memory.copy(xq, bq, xSize << alignof<T>());
    triangularOne<T>(aq, xq, n, k, lowerT, transpose, unitDiagonal, work);
  }
  return failed;
}

/** Elements of `work` that solve_triangular_f32/f64 need for an n x n A and k right-hand sides. */
export function solve_triangular_work(n: i32, k: i32): i32 {
  return n <= NB ? 0 : NB * (n + k);
}

/**
 * x[q] = op(A)⁻¹ b[q] for q < count: A = a[q] is n x n triangular (only its
 * lower triangle is read when `lower`, else its upper; with `unitDiagonal`
 * the diagonal is taken as ones and not read), op(A) = Aᵀ when `transpose`;
 * b[q] and x[q] are n x k. x may be b (in place). work:
 * solve_triangular_work(n, k) elements. Returns 0, or 1 + q n + j for the
 * first matrix q with a zero diagonal entry A[j, j] (not with
 * `unitDiagonal`); that matrix's x is all NaN.
 */
export function solve_triangular_f32(
  a: usize, b: usize, x: usize, n: i32, k: i32, count: i32, lower: bool, transpose: bool, unitDiagonal: bool, work: usize,
): i32 {
  return solveTriangular<f32>(a, b, x, n, k, count, lower, transpose, unitDiagonal, work);
}
export function solve_triangular_f64(
  a: usize, b: usize, x: usize, n: i32, k: i32, count: i32, lower: bool, transpose: bool, unitDiagonal: bool, work: usize,
): i32 {
  return solveTriangular<f64>(a, b, x, n, k, count, lower, transpose, unitDiagonal, work);
}

// ---- Householder reflections ----

// The reflector H = I - tau v vᵀ (v[0] = 1) with H x = beta e1, for the len
// values x[0], x[stride], ... (stride in bytes). Overwrites x[0] with beta
// and x[1..] with v[1..]; returns tau (0: H = I).
// beta = +||x|| (not the usual -sign(x[0]) ||x||): R then has a non-negative
// diagonal with no sign-fixing pass, as our qr promises. The cancellation in
// x[0] - beta for x[0] > 0 is avoided by computing it as
// -|x[1..]|² / (x[0] + beta). When |x[1..]| <= eps |x[0]| and x[0] >= 0 the
// reflection is skipped (H = I, an error below rounding of x[0]): the
// formula would divide by a near-underflowing x[0] - beta.
// Sums of squares are taken on x / max |x|, so no square overflows.
function householder<T>(x: usize, stride: usize, len: i32): T {
  const big = maxAbsStrided<T>(x, stride, len);
  if (big == 0) return 0;
  const inv = <T>1 / big;
  let tail: T = 0;
  for (let i = 1; i < len; i++) {
    const v = load<T>(x + <usize>i * stride) * inv;
    tail += v * v;
  }
  const alpha = load<T>(x) * inv;
  const eps = epsilon<T>();
  if (alpha >= 0 && tail <= eps * eps * alpha * alpha) return 0;
  const beta = sqrt<T>(alpha * alpha + tail);
  const v0 = alpha <= 0 ? alpha - beta : -tail / (alpha + beta);
  const f = <T>1 / (v0 * big);
  for (let i = 1; i < len; i++) {
    const p = x + <usize>i * stride;
    store<T>(p, load<T>(p) * f);
  }
  store<T>(x, beta * big);
  return -v0 / beta; // = (beta - alpha) / beta, without its cancellation
}

function maxAbsStrided<T>(x: usize, stride: usize, len: i32): T {
  let m: T = 0;
  for (let i = 0; i < len; i++) {
    const v = abs<T>(load<T>(x + <usize>i * stride));
    if (!(v <= m)) m = v;
  }
  return m;
}

// C = H C for H = I - tau v vᵀ, on `rows` rows of C (ldc apart) and `len`
// columns: tmp = vᵀ C (sums of scaled rows), then C -= tau v tmp. v[0] = 1 is
// implicit; v[1..] are at v1, v1 + vstride (bytes), ...
function reflectRows<T>(v1: usize, vstride: usize, tau: T, c: usize, ldc: i32, rows: i32, len: i32, tmp: usize): void {
  if (len <= 0) return;
  memory.copy(tmp, c, <usize>len << alignof<T>());
  for (let i = 1; i < rows; i++) {
    const vi = load<T>(v1 + <usize>(i - 1) * vstride);
    if (vi != 0) axpy<T>(tmp, el<T>(c, i, ldc, 0), vi, len);
  }
  axpy<T>(c, tmp, -tau, len);
  for (let i = 1; i < rows; i++) {
    const vi = load<T>(v1 + <usize>(i - 1) * vstride);
    if (vi != 0) axpy<T>(el<T>(c, i, ldc, 0), tmp, -tau * vi, len);
  }
}

// In place on w (m x n): R in the upper triangle, reflector j's v[1..] below
// the diagonal of column j, tau[j]; k = min(m, n) reflectors. tmp: n.
function qrFactor<T>(w: usize, m: i32, n: i32, tau: usize, tmp: usize): void {
  const k = min(m, n);
  const stride = <usize>n << alignof<T>();
  for (let j = 0; j < k; j++) {
    const col = el<T>(w, j, n, j);
    const t = householder<T>(col, stride, m - j);
    store<T>(at<T>(tau, j), t);
    if (t != 0) reflectRows<T>(col + stride, stride, t, at<T>(col, 1), n, m - j, n - j - 1, tmp);
  }
}

// q (m x k, k <= min(m, n)) = the first k columns of H0 H1 ... H(k-1), from
// qrFactor's w (m x n) and tau, accumulated backwards: applying H(j) last
// but one touches rows and columns >= j only. tmp: k.
function qrFormQ<T>(w: usize, m: i32, n: i32, k: i32, tau: usize, q: usize, tmp: usize): void {
  identity<T>(q, m, k);
  const stride = <usize>n << alignof<T>();
  for (let j = k - 1; j >= 0; j--) {
    const t = load<T>(at<T>(tau, j));
    if (t != 0) reflectRows<T>(el<T>(w, j + 1, n, j), stride, t, el<T>(q, j, k, j), k, m - j, k - j, tmp);
  }
}

// ---- QR ----

@inline function qr<T>(a: usize, q: usize, r: usize, m: i32, n: i32, count: i32, work: usize): void {
  const k = min(m, n);
  const size = <usize>m * <usize>n;
  const W = work;
  const tau = at<T>(W, size);
  const tmp = at<T>(tau, <usize>k);
  for (let b = 0; b < count; b++) {
    memory.copy(W, at<T>(a, <usize>b * size), size << alignof<T>());
    qrFactor<T>(W, m, n, tau, tmp);
    const rb = at<T>(r, <usize>b * <usize>k * <usize>n);
    for (let i = 0; i < k; i++) {
      memory.fill(el<T>(rb, i, n, 0), 0, <usize>i << alignof<T>());
      memory.copy(el<T>(rb, i, n, i), el<T>(W, i, n, i), <usize>(n - i) << alignof<T>());
    }
    qrFormQ<T>(W, m, n, k, tau, at<T>(q, <usize>b * <usize>m * <usize>k), tmp);
  }
}

/** Elements of `work` that qr_f32/f64 need for m x n matrices. */
export function qr_work(m: i32, n: i32): i32 {
  return m * n + min(m, n) + n;
}

/**
 * Reduced QR by Householder reflections: a[b] (m x n) = Q R for b < count,
 * with k = min(m, n), q[b] m x k with orthonormal columns and r[b] k x n
 * upper triangular with a non-negative diagonal (for a of full column rank
 * this makes the factorization unique). a is not modified. work:
 * qr_work(m, n) elements. Cannot fail (NaN in, NaN out).
 */
export function qr_f32(a: usize, q: usize, r: usize, m: i32, n: i32, count: i32, work: usize): void { qr<f32>(a, q, r, m, n, count, work); }
export function qr_f64(a: usize, q: usize, r: usize, m: i32, n: i32, count: i32, work: usize): void { qr<f64>(a, q, r, m, n, count, work); }

// ---- symmetric eigendecomposition ----

// Householder tridiagonalization of the full symmetric s (n x n, stored in
// full so that every access is along a row): for j < n - 2 the reflector of
// row j's part right of the diagonal (= column j below it) makes it
// beta e1, and the trailing block S becomes H S H = S - u wᵀ - w uᵀ with
// p = tau S u, w = p - (tau / 2)(pᵀ u) u. d gets the diagonal, e the
// off-diagonal. Row j keeps the reflector (u[0] = 1 stored at (j, j + 1))
// for eighFormQ. p: n.
function tridiagonalize<T>(s: usize, n: i32, d: usize, e: usize, tau: usize, p: usize): void {
  for (let j = 0; j + 2 < n; j++) {
    const len = n - j - 1;
    const u = el<T>(s, j, n, j + 1);
    const t = householder<T>(u, sizeof<T>(), len);
    store<T>(at<T>(d, j), load<T>(el<T>(s, j, n, j)));
    store<T>(at<T>(e, j), load<T>(u));
    store<T>(at<T>(tau, j), t);
    if (t == 0) continue;
    store<T>(u, <T>1);
    const sub = el<T>(s, j + 1, n, j + 1);
    for (let r = 0; r < len; r++) store<T>(at<T>(p, r), t * dot<T>(el<T>(sub, r, n, 0), u, len));
    const kk = -t * <T>0.5 * dot<T>(p, u, len);
    axpy<T>(p, u, kk, len);
    for (let r = 0; r < len; r++) {
      const row = el<T>(sub, r, n, 0);
      axpy<T>(row, p, -load<T>(at<T>(u, r)), len);
      axpy<T>(row, u, -load<T>(at<T>(p, r)), len);
    }
  }
  const last = n >= 2 ? n - 2 : 0;
  for (let j = last; j < n; j++) store<T>(at<T>(d, j), load<T>(el<T>(s, j, n, j)));
  if (n >= 2) store<T>(at<T>(e, n - 2), load<T>(el<T>(s, n - 1, n, n - 2)));
}

// m = Qᵀ = H(n-3) ... H1 H0 for the reflectors tridiagonalize left in s,
// built as I H(n-3) ... H0, right-multiplying: when H(j) is applied only
// rows and columns > j are not yet identity, so each step is a dot and an
// axpy per row, along rows.
function eighFormQt<T>(s: usize, n: i32, tau: usize, m: usize): void {
  identity<T>(m, n, n);
  for (let j = n - 3; j >= 0; j--) {
    const t = load<T>(at<T>(tau, j));
    if (t == 0) continue;
    const len = n - j - 1;
    const u = el<T>(s, j, n, j + 1);
    for (let r = j + 1; r < n; r++) {
      const row = el<T>(m, r, n, j + 1);
      axpy<T>(row, u, -t * dot<T>(row, u, len), len);
    }
  }
}

@inline function negligible<T>(e: T, d0: T, d1: T): bool {
  const ae = abs<T>(e);
  return ae <= epsilon<T>() * (abs<T>(d0) + abs<T>(d1)) || ae <= tiny<T>();
}

// Implicit symmetric QR steps with Wilkinson shifts on the tridiagonal
// (d, e): the bottom of the active block deflates when its off-diagonal is
// negligible against its neighbours. Each rotation G of rows/columns
// (k, k + 1), T <- Gᵀ T G, is applied to the eigenvector matrix as V <- V G,
// here to the rows of vt = Vᵀ (contiguous). Returns false after
// MAX_QR_STEPS n steps without converging.
function tridiagonalQR<T>(d: usize, e: usize, vt: usize, n: i32): bool {
  let hi = n - 1;
  let steps = 0;
  while (hi > 0) {
    if (negligible<T>(load<T>(at<T>(e, hi - 1)), load<T>(at<T>(d, hi - 1)), load<T>(at<T>(d, hi)))) {
      store<T>(at<T>(e, hi - 1), 0);
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && !negligible<T>(load<T>(at<T>(e, lo - 1)), load<T>(at<T>(d, lo - 1)), load<T>(at<T>(d, lo)))) lo--;
    if (lo > 0) store<T>(at<T>(e, lo - 1), 0);
    if (++steps > MAX_QR_STEPS * n) return false;
    // Wilkinson shift: the eigenvalue of the trailing 2 x 2 closer to d[hi].
    const dh = load<T>(at<T>(d, hi));
    const eh = load<T>(at<T>(e, hi - 1));
    const delta = (load<T>(at<T>(d, hi - 1)) - dh) * <T>0.5;
    const root = hypot<T>(delta, eh);
    const mu = dh - eh * (eh / (delta >= 0 ? delta + root : delta - root));
    let x = load<T>(at<T>(d, lo)) - mu;
    let z = load<T>(at<T>(e, lo));
    for (let k = lo; k < hi; k++) {
      const r = hypot<T>(x, z);
      let c: T = 1;
      let s: T = 0;
      if (r != 0) {
        c = x / r;
        s = z / r;
      }
      if (k > lo) store<T>(at<T>(e, k - 1), r);
      const a0 = load<T>(at<T>(d, k));
      const b0 = load<T>(at<T>(e, k));
      const c0 = load<T>(at<T>(d, k + 1));
      const cs = c * s;
      store<T>(at<T>(d, k), c * c * a0 + <T>2 * cs * b0 + s * s * c0);
      store<T>(at<T>(d, k + 1), s * s * a0 - <T>2 * cs * b0 + c * c * c0);
      const ek = cs * (c0 - a0) + (c * c - s * s) * b0;
      store<T>(at<T>(e, k), ek);
      if (k + 1 < hi) {
        const next = load<T>(at<T>(e, k + 1));
        z = s * next;
        store<T>(at<T>(e, k + 1), c * next);
        x = ek;
      }
      rotate<T>(el<T>(vt, k, n, 0), el<T>(vt, k + 1, n, 0), c, -s, n);
    }
  }
  return true;
}

// One matrix: w ascending, v's columns the eigenvectors, each with its
// largest |entry| positive (the first such if tied), so that float32 and
// float64 agree on signs. The matrix is scaled to a largest entry of one
// first, so no square over- or underflows on the way. Returns false for
// non-finite input or no convergence.
function eighOne<T>(a: usize, w: usize, v: usize, n: i32, work: usize): bool {
  const nn = <usize>n * <usize>n;
  const m = work;
  const d = at<T>(m, nn);
  const e = at<T>(d, <usize>n);
  const tau = at<T>(e, <usize>n);
  const p = at<T>(tau, <usize>n);
  let big: T = 0;
  for (let i = 0; i < n; i++) {
    const rowMax = maxAbs<T>(el<T>(a, i, n, 0), <usize>i + 1);
    if (!(rowMax <= big)) big = rowMax;
  }
  if (!(big - big == 0)) return false; // NaN or infinity
  if (big == 0) big = 1;
  const inv = <T>1 / big;
  // Full symmetric copy from the lower triangle; safe when v == a (the upper
  // entries written are never read).
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = load<T>(el<T>(a, i, n, j)) * inv;
      store<T>(el<T>(v, i, n, j), x);
      store<T>(el<T>(v, j, n, i), x);
    }
  }
  tridiagonalize<T>(v, n, d, e, tau, p);
  eighFormQt<T>(v, n, tau, m);
  if (!tridiagonalQR<T>(d, e, m, n)) return false;
  // The rotations' rounding drifts the lengths of the eigenvectors (by up to
  // ~n u: 2e-5 at n = 256 in float32), not their directions: rescale.
  for (let i = 0; i < n; i++) {
    const row = el<T>(m, i, n, 0);
    scale<T>(row, <T>1 / sqrt<T>(dot<T>(row, row, n)), n);
  }
  for (let i = 0; i + 1 < n; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if (load<T>(at<T>(d, j)) < load<T>(at<T>(d, best))) best = j;
    if (best != i) {
      const t = load<T>(at<T>(d, i));
      store<T>(at<T>(d, i), load<T>(at<T>(d, best)));
      store<T>(at<T>(d, best), t);
      swapRows<T>(el<T>(m, i, n, 0), el<T>(m, best, n, 0), n);
    }
  }
  for (let c = 0; c < n; c++) {
    store<T>(at<T>(w, c), load<T>(at<T>(d, c)) * big);
    const row = el<T>(m, c, n, 0);
    const sign: T = load<T>(at<T>(row, largestAt<T>(row, sizeof<T>(), n))) < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) store<T>(el<T>(v, r, n, c), sign * load<T>(at<T>(row, r)));
  }
  return true;
}

/** Index of the first entry of largest |value| among len values stride bytes apart. */
function largestAt<T>(x: usize, stride: usize, len: i32): i32 {
  let best = 0;
  let top: T = -1;
  for (let i = 0; i < len; i++) {
    const v = abs<T>(load<T>(x + <usize>i * stride));
    if (v > top) {
      top = v;
      best = i;
    }
  }
  return best;
}

@inline function eigh<T>(a: usize, w: usize, v: usize, n: i32, count: i32, work: usize): i32 {
  const nn = <usize>n * <usize>n;
  let failed = 0;
  for (let q = 0; q < count; q++) {
    const wq = at<T>(w, <usize>q * <usize>n);
    const vq = at<T>(v, <usize>q * nn);
    if (!eighOne<T>(at<T>(a, <usize>q * nn), wq, vq, n, work)) {
      fillValue<T>(wq, <T>NaN, <usize>n);
      fillValue<T>(vq, <T>NaN, nn);
      if (failed == 0) failed = q + 1;
    }
  }
  return failed;
}

/** Elements of `work` that eigh_f32/f64 need for n x n matrices. */
export function eigh_work(n: i32): i32 {
  return n * n + 4 * n;
}

/**
 * Symmetric eigendecomposition a[q] = V diag(w) Vᵀ for q < count (n x n;
 * only the lower triangle of a is read): w[q] (n) ascending, v[q] (n x n)
 * orthonormal eigenvectors in its columns, each column's largest |entry|
 * positive. Householder tridiagonalization, then implicit QR with Wilkinson
 * shifts. v may be a (in place). work: eigh_work(n) elements. Returns 0, or
 * 1 + the first q whose matrix has a NaN or infinite entry (or, never seen,
 * did not converge); its w and v are NaN.
 */
export function eigh_f32(a: usize, w: usize, v: usize, n: i32, count: i32, work: usize): i32 { return eigh<f32>(a, w, v, n, count, work); }
export function eigh_f64(a: usize, w: usize, v: usize, n: i32, count: i32, work: usize): i32 { return eigh<f64>(a, w, v, n, count, work); }

// ---- singular value decomposition ----

// Sums of squares of the two rows rotateMeasured just wrote.
let measuredX: f64 = 0;
let measuredY: f64 = 0;

/** rotate(), also leaving |x'|² and |y'|² in measuredX / measuredY. */
function rotateMeasured<T>(x: usize, y: usize, c: T, s: T, len: i32): void {
  const lanes = <i32>(16 / sizeof<T>());
  const vc = v128.splat<T>(c);
  const vs = v128.splat<T>(s);
  let sx = v128.splat<T>(0);
  let sy = v128.splat<T>(0);
  let i = 0;
  for (; i + lanes <= len; i += lanes) {
    const o = <usize>i << alignof<T>();
    const vx = v128.load(x + o);
    const vy = v128.load(y + o);
    const nx = v128.sub<T>(v128.mul<T>(vc, vx), v128.mul<T>(vs, vy));
    const ny = v128.add<T>(v128.mul<T>(vs, vx), v128.mul<T>(vc, vy));
    v128.store(x + o, nx);
    v128.store(y + o, ny);
    sx = v128.add<T>(sx, v128.mul<T>(nx, nx));
    sy = v128.add<T>(sy, v128.mul<T>(ny, ny));
  }
  let tx = <T>laneSum<T>(sx);
  let ty = <T>laneSum<T>(sy);
  for (; i < len; i++) {
    const px = at<T>(x, i);
    const py = at<T>(y, i);
    const vx = load<T>(px);
    const vy = load<T>(py);
    const nx = c * vx - s * vy;
    const ny = s * vx + c * vy;
    store<T>(px, nx);
    store<T>(py, ny);
    tx += nx * nx;
    ty += ny * ny;
  }
  measuredX = <f64>tx;
  measuredY = <f64>ty;
}

// One-sided Jacobi on the rows of g (q x q): rotate pairs of rows until each
// pair is orthogonal to working accuracy (|g_i . g_j| <= tol |g_i| |g_j|,
// relative, so rows of any size end orthogonal), applying the same
// rotations to the rows of racc, so that racc g0 = g throughout. The squared
// row lengths are kept in norms (q), measured afresh from each rotated row,
// so a pair that needs no rotation costs one dot product. Returns false
// after MAX_SWEEPS sweeps.
function jacobiRows<T>(g: usize, racc: usize, q: i32, norms: usize): bool {
  const tol = epsilon<T>() * sqrt<T>(<T>max(q, 1));
  const small = tiny<T>() * tiny<T>();
  for (let i = 0; i < q; i++) store<T>(at<T>(norms, i), dot<T>(el<T>(g, i, q, 0), el<T>(g, i, q, 0), q));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let i = 0; i + 1 < q; i++) {
      // de Rijk's pivoting: the longest remaining row is paired next (about
      // 15% fewer rotations on random matrices).
      const gi = el<T>(g, i, q, 0);
      let best = i;
      for (let j = i + 1; j < q; j++) if (load<T>(at<T>(norms, j)) > load<T>(at<T>(norms, best))) best = j;
      if (best != i) {
        swapRows<T>(gi, el<T>(g, best, q, 0), q);
        swapRows<T>(el<T>(racc, i, q, 0), el<T>(racc, best, q, 0), q);
        const t = load<T>(at<T>(norms, i));
        store<T>(at<T>(norms, i), load<T>(at<T>(norms, best)));
        store<T>(at<T>(norms, best), t);
      }
      for (let j = i + 1; j < q; j++) {
        const gj = el<T>(g, j, q, 0);
        const alpha = load<T>(at<T>(norms, i));
        const beta = load<T>(at<T>(norms, j));
        if (alpha <= small || beta <= small) continue;
        const gamma = dot<T>(gi, gj, q);
        if (abs<T>(gamma) <= tol * sqrt<T>(alpha) * sqrt<T>(beta)) continue;
        rotated = true;
        // The rotation that diagonalizes [[alpha, gamma], [gamma, beta]]:
        // t = tan(theta), the root of t² + 2 zeta t - 1 = 0 of smaller size.
        const zeta = (beta - alpha) / (<T>2 * gamma);
        const az = abs<T>(zeta);
        const root = az > 1 ? az * sqrt<T>(<T>1 + (<T>1 / az) * (<T>1 / az)) : sqrt<T>(<T>1 + az * az);
        let t = <T>1 / (az + root);
        if (zeta < 0) t = -t;
        const c = <T>1 / sqrt<T>(<T>1 + t * t);
        const s = c * t;
        rotateMeasured<T>(gi, gj, c, s, q);
        store<T>(at<T>(norms, i), <T>measuredX);
        store<T>(at<T>(norms, j), <T>measuredY);
        rotate<T>(el<T>(racc, i, q, 0), el<T>(racc, j, q, 0), c, s, q);
      }
    }
    if (rotated) continue;
    // A computed rotation is orthogonal to rounding, but c² + s² - 1 has a
    // bias, so the thousands of rotations of an n x n matrix drift the
    // lengths of racc's rows (by ~n u at n = 256: 1e-13 in float64, 5e-5 in
    // float32) while their directions stay orthogonal (~1e-15 / ~2e-6).
    // Scaling row i of racc and of g alike keeps racc g0 = g.
    for (let i = 0; i < q; i++) {
      const ri = el<T>(racc, i, q, 0);
      const f = <T>1 / sqrt<T>(dot<T>(ri, ri, q));
      scale<T>(ri, f, q);
      scale<T>(el<T>(g, i, q, 0), f, q);
    }
    return true;
  }
  return false;
}

// Rows i of y (q x q) with sigma[i] == 0 replaced by unit vectors orthogonal
// to every other row: candidates e_c in turn, Gram-Schmidt twice against the
// rows kept so far, accepted when at least 1 / (2 sqrt(q)) of their length
// is left (some e_c always has 1 / sqrt(q) of it outside a proper subspace).
function completeRows<T>(y: usize, sigma: usize, q: i32): void {
  let c = 0;
  const need = <T>0.5 / sqrt<T>(<T>q);
  for (let i = 0; i < q; i++) {
    if (load<T>(at<T>(sigma, i)) != 0) continue;
    const yi = el<T>(y, i, q, 0);
    let done = false;
    for (let tries = 0; tries < q && !done; tries++, c = (c + 1) % q) {
      memory.fill(yi, 0, <usize>q << alignof<T>());
      store<T>(at<T>(yi, c), <T>1);
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < q; j++) {
          if (j == i || (load<T>(at<T>(sigma, j)) == 0 && j > i)) continue;
          const yj = el<T>(y, j, q, 0);
          axpy<T>(yi, yj, -dot<T>(yi, yj, q), q);
        }
      }
      const norm = sqrt<T>(dot<T>(yi, yi, q));
      if (norm >= need) {
        scale<T>(yi, <T>1 / norm, q);
        done = true;
      }
    }
  }
}

// One matrix. X = A (m >= n) or Aᵀ (m < n), p x q with p >= q, scaled to a
// largest entry of one, is QR-factored (X = Q R0; for a tall X this shrinks
// the rows Jacobi works on to length q), then Jacobi makes the rows of
// g = R0 orthogonal: racc R0 = g = Σ Y with orthonormal rows Y, so
// X = (Q raccᵀ) Σ Y. For A = X: u = Q raccᵀ, vt = Y; for A = Xᵀ: u = Yᵀ,
// vt = racc Qᵀ. Q is formed in whichever output has its p x q shape, the
// product lands in W and is copied back.
function svdOne<T>(a: usize, u: usize, s: usize, vt: usize, m: i32, n: i32, work: usize): bool {
  const tall = m >= n;
  const p = tall ? m : n;
  const q = tall ? n : m;
  if (q == 0) return true;
  const pq = <usize>p * <usize>q;
  const W = work;
  const g = at<T>(W, pq + <usize>(4 * q));
  const racc = at<T>(g, <usize>q * <usize>q);
  const tau = at<T>(racc, <usize>q * <usize>q);
  const tmp = at<T>(tau, <usize>q);
  const norms = at<T>(tmp, <usize>q);
  let big = maxAbs<T>(a, <usize>m * <usize>n);
  if (!(big - big == 0)) return false;
  if (big == 0) big = 1;
  const inv = <T>1 / big;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const x = load<T>(el<T>(a, i, n, j)) * inv;
      if (tall) store<T>(el<T>(W, i, n, j), x);
      else store<T>(el<T>(W, j, m, i), x);
    }
  }
  qrFactor<T>(W, p, q, tau, tmp);
  for (let i = 0; i < q; i++) {
    memory.fill(el<T>(g, i, q, 0), 0, <usize>i << alignof<T>());
    memory.copy(el<T>(g, i, q, i), el<T>(W, i, q, i), <usize>(q - i) << alignof<T>());
  }
  const Q = tall ? u : vt;
  qrFormQ<T>(W, p, q, q, tau, Q, tmp);
  // Preconditioning: with R0 R0ᵀ = E Λ Eᵀ, the rows of Eᵀ R0 are orthogonal
  // but for the rounding of eigh (and its conditioning, in directions of
  // small singular values), so Jacobi, started from g = Eᵀ R0 and
  // racc = Eᵀ, converges in two or three sweeps instead of about ten (3x
  // faster at n = 256). Jacobi's stopping test and its own rotations are
  // what make the result accurate; eigh only supplies a starting point.
  // W (p x q, free until the end) plus the 4 q after it is eigh's scratch.
  gemm<T>(g, g, racc, q, q, q, false, true);
  if (q > 1 && eighOne<T>(racc, norms, racc, q, W)) {
    gemm<T>(racc, g, W, q, q, q, true, false);
    memory.copy(g, W, (<usize>q * <usize>q) << alignof<T>());
    for (let i = 0; i < q; i++) {
      for (let j = 0; j < i; j++) {
        const x = el<T>(racc, i, q, j);
        const y = el<T>(racc, j, q, i);
        const t = load<T>(x);
        store<T>(x, load<T>(y));
        store<T>(y, t);
      }
    }
  } else {
    identity<T>(racc, q, q);
  }
  if (!jacobiRows<T>(g, racc, q, norms)) return false;
  // sigma (in s, scaled for now) descending, rows of g and racc with it.
  for (let i = 0; i < q; i++) {
    let norm = sqrt<T>(dot<T>(el<T>(g, i, q, 0), el<T>(g, i, q, 0), q));
    if (norm < tiny<T>()) norm = 0;
    store<T>(at<T>(s, i), norm);
  }
  for (let i = 0; i + 1 < q; i++) {
    let best = i;
    for (let j = i + 1; j < q; j++) if (load<T>(at<T>(s, j)) > load<T>(at<T>(s, best))) best = j;
    if (best != i) {
      const t = load<T>(at<T>(s, i));
      store<T>(at<T>(s, i), load<T>(at<T>(s, best)));
      store<T>(at<T>(s, best), t);
      swapRows<T>(el<T>(g, i, q, 0), el<T>(g, best, q, 0), q);
      swapRows<T>(el<T>(racc, i, q, 0), el<T>(racc, best, q, 0), q);
    }
  }
  for (let i = 0; i < q; i++) {
    const sigma = load<T>(at<T>(s, i));
    if (sigma != 0) scale<T>(el<T>(g, i, q, 0), <T>1 / sigma, q);
  }
  completeRows<T>(g, s, q);
  if (tall) {
    gemm<T>(Q, racc, W, p, q, q, false, true);
    memory.copy(u, W, pq << alignof<T>());
    memory.copy(vt, g, (<usize>q * <usize>q) << alignof<T>());
  } else {
    gemm<T>(racc, Q, W, q, p, q, false, true);
    memory.copy(vt, W, pq << alignof<T>());
    for (let i = 0; i < q; i++) {
      for (let r = 0; r < q; r++) store<T>(el<T>(u, r, q, i), load<T>(el<T>(g, i, q, r)));
    }
  }
  // Signs: each column of u with its largest |entry| positive.
  const k = q;
  for (let i = 0; i < k; i++) {
    store<T>(at<T>(s, i), load<T>(at<T>(s, i)) * big);
    const col = el<T>(u, 0, k, i);
    const stride = <usize>k << alignof<T>();
    if (load<T>(col + <usize>largestAt<T>(col, stride, m) * stride) < 0) {
      for (let r = 0; r < m; r++) store<T>(el<T>(u, r, k, i), -load<T>(el<T>(u, r, k, i)));
      scale<T>(el<T>(vt, i, n, 0), -1, n);
    }
  }
  return true;
}

@inline function svd<T>(a: usize, u: usize, s: usize, vt: usize, m: i32, n: i32, count: i32, work: usize): i32 {
  const k = min(m, n);
  const uSize = <usize>m * <usize>k;
  const vSize = <usize>k * <usize>n;
  let failed = 0;
  for (let q = 0; q < count; q++) {
    const uq = at<T>(u, <usize>q * uSize);
    const sq = at<T>(s, <usize>q * <usize>k);
    const vq = at<T>(vt, <usize>q * vSize);
    if (!svdOne<T>(at<T>(a, <usize>q * <usize>m * <usize>n), uq, sq, vq, m, n, work)) {
      fillValue<T>(uq, <T>NaN, uSize);
      fillValue<T>(sq, <T>NaN, <usize>k);
      fillValue<T>(vq, <T>NaN, vSize);
      if (failed == 0) failed = q + 1;
    }
  }
  return failed;
}

/** Elements of `work` that svd_f32/f64 need for m x n matrices. */
export function svd_work(m: i32, n: i32): i32 {
  const k = min(m, n);
  return max(m, n) * k + 2 * k * k + 7 * k;
}

/**
 * Thin SVD a[b] = U diag(S) Vᵀ for b < count (m x n, k = min(m, n)): u[b]
 * m x k and vt[b] k x n with orthonormal columns / rows, s[b] (k) descending
 * and non-negative; each column of u has its largest |entry| positive.
 * Householder QR, then one-sided Jacobi on the rows of R, started from
 * the eigenvectors of R Rᵀ;
 * singular vectors of zero singular values are completed to an orthonormal
 * set. a is not modified. work: svd_work(m, n) elements. Returns 0, or 1 +
 * the first b whose matrix has a NaN or infinite entry (or, never seen, did
 * not converge); its u, s, vt are NaN.
 */
export function svd_f32(a: usize, u: usize, s: usize, vt: usize, m: i32, n: i32, count: i32, work: usize): i32 {
  return svd<f32>(a, u, s, vt, m, n, count, work);
}
export function svd_f64(a: usize, u: usize, s: usize, vt: usize, m: i32, n: i32, count: i32, work: usize): i32 {
  return svd<f64>(a, u, s, vt, m, n, count, work);
}

// ---- sign of a determinant ----

// (-1)^(row exchanges) times the signs of diag(U), from lu()'s factors: the
// sign slogdet needs, which det cannot give once the product over- or
// underflows. 0 for a singular matrix, NaN if U has a NaN.
@inline function luSign<T>(f: usize, piv: usize, out: usize, n: i32, count: i32): void {
  for (let q = 0; q < count; q++) {
    const base = at<T>(f, <usize>q * <usize>n * <usize>n);
    const pbase = piv + ((<usize>q * <usize>n) << 2);
    let sign: T = 1;
    for (let j = 0; j < n; j++) {
      const x = load<T>(el<T>(base, j, n, j));
      if (x != x) {
        sign = <T>NaN;
        break;
      }
      if (x == 0) {
        sign = 0;
        break;
      }
      if (x < 0) sign = -sign;
      if (load<i32>(pbase + (<usize>j << 2)) != j) sign = -sign;
    }
    store<T>(at<T>(out, q), sign);
  }
}

/** out[q] = sign of det from lu_f32/f64's factors f and pivots piv (n x n, count matrices). */
export function lu_sign_f32(f: usize, piv: usize, out: usize, n: i32, count: i32): void { luSign<f32>(f, piv, out, n, count); }
export function lu_sign_f64(f: usize, piv: usize, out: usize, n: i32, count: i32): void { luSign<f64>(f, piv, out, n, count); }

// ---- symmetric part ----

// cholesky and eigh factor (A + Aᵀ) / 2, so that their gradients are those
// of a function of every entry (symmetric, as the front end's rules give);
// the ratio lets the front end refuse a matrix far from symmetric.
@inline function symmetrize<T>(a: usize, out: usize, n: i32, count: i32): f64 {
  const size = <usize>n * <usize>n;
  let worst: f64 = 0;
  for (let q = 0; q < count; q++) {
    const src = at<T>(a, <usize>q * size);
    const dst = at<T>(out, <usize>q * size);
    const scale = <f64>maxAbs<T>(src, size);
    if (!(scale - scale == 0)) return NaN; // NaN or infinite somewhere
    let diff: f64 = 0;
    for (let i = 0; i < n; i++) {
      store<T>(el<T>(dst, i, n, i), load<T>(el<T>(src, i, n, i)));
      for (let j = 0; j < i; j++) {
        const x = load<T>(el<T>(src, i, n, j));
        const y = load<T>(el<T>(src, j, n, i));
        diff = max<f64>(diff, abs<f64>(<f64>x - <f64>y));
        const m = <T>0.5 * (x + y);
        store<T>(el<T>(dst, i, n, j), m);
        store<T>(el<T>(dst, j, n, i), m);
      }
    }
    if (scale > 0) worst = max<f64>(worst, diff / scale);
  }
  return worst;
}

/**
 * out[q] = (a[q] + a[q]ᵀ) / 2 for q < count (n x n each; out may be a).
 * Returns the largest max|a - aᵀ| / max|a| over the batch (0 for zero
 * matrices), or NaN (out then undefined) if an entry is NaN or infinite.
 */
export function symmetrize_f32(a: usize, out: usize, n: i32, count: i32): f64 { return symmetrize<f32>(a, out, n, count); }
export function symmetrize_f64(a: usize, out: usize, n: i32, count: i32): f64 { return symmetrize<f64>(a, out, n, count); }
