// Kernels for src/ops/linalg.ts: LU decomposition with partial pivoting and
// what is computed from it (solve, inverse, determinant, log |det|), and the
// structural kernels diag / tril / triu. Matrices are row-major and come in
// batches of `count` contiguous n x n blocks; pivots are int32, n per matrix,
// in a buffer the front end allocates (kernels never allocate). Row
// operations of the elimination (row_i -= l row_j) are axpy with -l.

import { axpyRun } from "./simd";

@inline function rowSwap<T>(x: usize, y: usize, len: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let j = 0;
  for (; j + lanes <= len; j += lanes) {
    const off = <usize>j << shift;
    const t = v128.load(x + off);
    v128.store(x + off, v128.load(y + off));
    v128.store(y + off, t);
  }
  for (; j < len; j++) {
    const off = <usize>j << shift;
    const t = load<T>(x + off);
    store<T>(x + off, load<T>(y + off));
    store<T>(y + off, t);
  }
}

@inline function rowDiv<T>(x: usize, d: T, len: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  const vd = v128.splat<T>(d);
  let j = 0;
  for (; j + lanes <= len; j += lanes) {
    const off = <usize>j << shift;
    v128.store(x + off, v128.div<T>(v128.load(x + off), vd));
  }
  for (; j < len; j++) {
    const off = <usize>j << shift;
    store<T>(x + off, load<T>(x + off) / d);
  }
}

// In place: each n x n matrix A becomes L\U with P A = L U (L unit lower, its
// ones not stored). piv[j] is the row exchanged with row j at step j (LAPACK
// getrf style, 0-based). A zero pivot (exactly singular) leaves a zero on the
// diagonal of U and its column is skipped. Returns 0, or 1 + the index of the
// first matrix with a zero pivot.
@inline function lu<T>(a: usize, piv: usize, n: i32, count: i32): i32 {
  const shift = alignof<T>();
  let singular = 0;
  for (let q = 0; q < count; q++) {
    const base = a + (<usize>q * <usize>n * <usize>n << shift);
    const pbase = piv + (<usize>q * <usize>n << 2);
    for (let j = 0; j < n; j++) {
      let p = j;
      let best = abs<T>(load<T>(base + (<usize>(j * n + j) << shift)));
      for (let i = j + 1; i < n; i++) {
        const v = abs<T>(load<T>(base + (<usize>(i * n + j) << shift)));
        if (v > best) {
          best = v;
          p = i;
        }
      }
      store<i32>(pbase + (<usize>j << 2), p);
      const rowj = base + (<usize>(j * n) << shift);
      if (p != j) rowSwap<T>(rowj, base + (<usize>(p * n) << shift), n);
      const pivot = load<T>(rowj + (<usize>j << shift));
      if (pivot == 0) {
        if (singular == 0) singular = q + 1;
        continue;
      }
      const tail = rowj + (<usize>(j + 1) << shift);
      for (let i = j + 1; i < n; i++) {
        const rowi = base + (<usize>(i * n) << shift);
        const l = load<T>(rowi + (<usize>j << shift)) / pivot;
        store<T>(rowi + (<usize>j << shift), l);
        if (l != 0) axpyRun<T>(-l, tail, rowi + (<usize>(j + 1) << shift), n - j - 1);
      }
    }
  }
  return singular;
}

// Solves A X = B in place on B ([n, nrhs] per matrix, contiguous rows) from
// the factors of lu(): row exchanges, then L (unit) forward, then U backward.
@inline function luSolveOne<T>(f: usize, piv: usize, b: usize, n: i32, nrhs: i32): void {
  const shift = alignof<T>();
  const rowBytes = <usize>nrhs << shift;
  for (let j = 0; j < n; j++) {
    const p = load<i32>(piv + (<usize>j << 2));
    if (p != j) rowSwap<T>(b + <usize>j * rowBytes, b + <usize>p * rowBytes, nrhs);
  }
  for (let i = 1; i < n; i++) {
    const bi = b + <usize>i * rowBytes;
    for (let c = 0; c < i; c++) {
      const l = load<T>(f + (<usize>(i * n + c) << shift));
      if (l != 0) axpyRun<T>(-l, b + <usize>c * rowBytes, bi, nrhs);
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const bi = b + <usize>i * rowBytes;
    for (let c = i + 1; c < n; c++) {
      const u = load<T>(f + (<usize>(i * n + c) << shift));
      if (u != 0) axpyRun<T>(-u, b + <usize>c * rowBytes, bi, nrhs);
    }
    rowDiv<T>(bi, load<T>(f + (<usize>(i * n + i) << shift)), nrhs);
  }
}

@inline function luSolve<T>(f: usize, piv: usize, b: usize, n: i32, nrhs: i32, count: i32): void {
  const shift = alignof<T>();
  for (let q = 0; q < count; q++) {
    luSolveOne<T>(
      f + (<usize>q * <usize>n * <usize>n << shift),
      piv + (<usize>q * <usize>n << 2),
      b + (<usize>q * <usize>n * <usize>nrhs << shift),
      n, nrhs,
    );
  }
}

// out (count x n x n) = inverses, by solving A X = I.
@inline function luInv<T>(f: usize, piv: usize, out: usize, n: i32, count: i32): void {
  const shift = alignof<T>();
  const bytes = <usize>n * <usize>n << shift;
  for (let q = 0; q < count; q++) {
    const o = out + <usize>q * bytes;
    memory.fill(o, 0, bytes);
    for (let i = 0; i < n; i++) store<T>(o + (<usize>(i * n + i) << shift), <T>1);
  }
  luSolve<T>(f, piv, out, n, n, count);
}

// det = (-1)^(number of exchanges) * prod diag(U), accumulated in float64.
@inline function luDet<T>(f: usize, piv: usize, out: usize, n: i32, count: i32): void {
  const shift = alignof<T>();
  for (let q = 0; q < count; q++) {
    const base = f + (<usize>q * <usize>n * <usize>n << shift);
    const pbase = piv + (<usize>q * <usize>n << 2);
    let d: f64 = 1;
    for (let j = 0; j < n; j++) {
      d *= <f64>load<T>(base + (<usize>(j * n + j) << shift));
      if (load<i32>(pbase + (<usize>j << 2)) != j) d = -d;
    }
    if (d == 0) d = 0; // a singular matrix has det +0, whatever the exchanges
    store<T>(out + (<usize>q << shift), <T>d);
  }
}

// log |det| = sum log |diag(U)|; -Infinity for a singular matrix.
@inline function luLogAbsDet<T>(f: usize, out: usize, n: i32, count: i32): void {
  const shift = alignof<T>();
  for (let q = 0; q < count; q++) {
    const base = f + (<usize>q * <usize>n * <usize>n << shift);
    let s: f64 = 0;
    for (let j = 0; j < n; j++) s += Math.log(Math.abs(<f64>load<T>(base + (<usize>(j * n + j) << shift))));
    store<T>(out + (<usize>q << shift), <T>s);
  }
}

export function lu_f32(a: usize, piv: usize, n: i32, count: i32): i32 { return lu<f32>(a, piv, n, count); }
export function lu_f64(a: usize, piv: usize, n: i32, count: i32): i32 { return lu<f64>(a, piv, n, count); }
export function lu_solve_f32(f: usize, piv: usize, b: usize, n: i32, nrhs: i32, count: i32): void { luSolve<f32>(f, piv, b, n, nrhs, count); }
export function lu_solve_f64(f: usize, piv: usize, b: usize, n: i32, nrhs: i32, count: i32): void { luSolve<f64>(f, piv, b, n, nrhs, count); }
export function lu_inv_f32(f: usize, piv: usize, out: usize, n: i32, count: i32): void { luInv<f32>(f, piv, out, n, count); }
export function lu_inv_f64(f: usize, piv: usize, out: usize, n: i32, count: i32): void { luInv<f64>(f, piv, out, n, count); }
export function lu_det_f32(f: usize, piv: usize, out: usize, n: i32, count: i32): void { luDet<f32>(f, piv, out, n, count); }
export function lu_det_f64(f: usize, piv: usize, out: usize, n: i32, count: i32): void { luDet<f64>(f, piv, out, n, count); }
export function lu_logabsdet_f32(f: usize, out: usize, n: i32, count: i32): void { luLogAbsDet<f32>(f, out, n, count); }
export function lu_logabsdet_f64(f: usize, out: usize, n: i32, count: i32): void { luLogAbsDet<f64>(f, out, n, count); }

// out [rows, cols] = zeros with x[0..len) on diagonal k (k > 0 above the main one).
@inline function diagEmbed<T>(x: usize, out: usize, len: i32, rows: i32, cols: i32, k: i32): void {
  const shift = alignof<T>();
  memory.fill(out, 0, <usize>rows * <usize>cols << shift);
  const r0 = k >= 0 ? 0 : -k;
  const c0 = k >= 0 ? k : 0;
  for (let t = 0; t < len; t++) {
    store<T>(out + (<usize>((r0 + t) * cols + c0 + t) << shift), load<T>(x + (<usize>t << shift)));
  }
}

// out[0..len) = diagonal k of x [rows, cols].
@inline function diagExtract<T>(x: usize, out: usize, len: i32, cols: i32, k: i32): void {
  const shift = alignof<T>();
  const r0 = k >= 0 ? 0 : -k;
  const c0 = k >= 0 ? k : 0;
  for (let t = 0; t < len; t++) {
    store<T>(out + (<usize>t << shift), load<T>(x + (<usize>((r0 + t) * cols + c0 + t) << shift)));
  }
}

export function diag_embed_f32(x: usize, out: usize, len: i32, rows: i32, cols: i32, k: i32): void { diagEmbed<f32>(x, out, len, rows, cols, k); }
export function diag_embed_f64(x: usize, out: usize, len: i32, rows: i32, cols: i32, k: i32): void { diagEmbed<f64>(x, out, len, rows, cols, k); }
export function diag_extract_f32(x: usize, out: usize, len: i32, cols: i32, k: i32): void { diagExtract<f32>(x, out, len, cols, k); }
export function diag_extract_f64(x: usize, out: usize, len: i32, cols: i32, k: i32): void { diagExtract<f64>(x, out, len, cols, k); }

// out = x with the entries outside the triangle zeroed, for `count` matrices
// [rows, cols]: lower keeps j - i <= k, upper keeps j - i >= k.
@inline function triangle<T>(x: usize, out: usize, rows: i32, cols: i32, count: i32, k: i32, upper: bool): void {
  const shift = alignof<T>();
  const rowBytes = <usize>cols << shift;
  for (let q = 0; q < count; q++) {
    for (let i = 0; i < rows; i++) {
      const r = <usize>(q * rows + i) * rowBytes;
      // columns [0, split) and [split, cols): lower keeps the first part.
      let split = upper ? i + k : i + k + 1;
      split = split < 0 ? 0 : split > cols ? cols : split;
      const head = <usize>split << shift;
      if (upper) {
        memory.fill(out + r, 0, head);
        memory.copy(out + r + head, x + r + head, rowBytes - head);
      } else {
        memory.copy(out + r, x + r, head);
        memory.fill(out + r + head, 0, rowBytes - head);
      }
    }
  }
}

export function tri_f32(x: usize, out: usize, rows: i32, cols: i32, count: i32, k: i32, upper: bool): void { triangle<f32>(x, out, rows, cols, count, k, upper); }
export function tri_f64(x: usize, out: usize, rows: i32, cols: i32, count: i32, k: i32, upper: bool): void { triangle<f64>(x, out, rows, cols, count, k, upper); }
