// The factorization kernels of assembly/factor.ts (cholesky, solve_triangular,
// qr, eigh, svd, lu_sign), called directly on wasm memory and checked in
// plain-JavaScript float64 arithmetic: reconstructions (L Lᵀ, op(A) X, Q R,
// V Λ Vᵀ, U S Vᵀ) and orthogonality relative to the size of the data, known
// eigenvalues and singular values of matrices built from them, the promised
// structure (triangles, signs, order), and the failure codes.
//
// Tolerances: float64 results within 1e-12 (relative to max |A|), float32
// within 1e-5 — at n <= 100; larger matrices get the same per-element budget
// times n / 100, the growth of a sum of n rounding errors.
//
// Every buffer a kernel is given sits between guard zones, and `work` is
// exactly the size its *_work function reports, poisoned with NaN: a kernel
// that reads scratch it did not write, writes outside its outputs, or needs
// more scratch than it says fails here.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { heapF32, heapF64, kernel, kernels } from '../src/wasm/index';

type DType = 'float32' | 'float64';
const DTYPES: readonly DType[] = ['float32', 'float64'];
const TOL: Record<DType, number> = { float32: 1e-5, float64: 1e-12 };
const sfx = (dt: DType) => (dt === 'float32' ? 'f32' : 'f64');

// ---- wasm buffers with guard zones ----

const GUARD = 8;
const GUARD_VALUE = 12345.5;

interface Buf { ptr: number; len: number; dtype: DType; base: number }

function heap(dt: DType): Float32Array | Float64Array {
  return dt === 'float32' ? heapF32() : heapF64();
}

/** A buffer of `len` elements filled from `values` (or NaN), with GUARD sentinels either side. */
function buffer(dt: DType, len: number, values?: ArrayLike<number>): Buf {
  const size = dt === 'float32' ? 4 : 8;
  const base = kernels().alloc((len + 2 * GUARD) * size + 16);
  const ptr = base + GUARD * size;
  const h = heap(dt);
  const at = ptr / size;
  for (let i = -GUARD; i < len + GUARD; i++) h[at + i] = i < 0 || i >= len ? GUARD_VALUE : values ? values[i] : NaN;
  return { ptr, len, dtype: dt, base };
}

function read(b: Buf): Float64Array {
  const size = b.dtype === 'float32' ? 4 : 8;
  const h = heap(b.dtype);
  const at = b.ptr / size;
  for (let i = 1; i <= GUARD; i++) {
    if (h[at - i] !== GUARD_VALUE || h[at + b.len - 1 + i] !== GUARD_VALUE) {
      throw new Error(`a kernel wrote outside a buffer of ${b.len} elements`);
    }
  }
  return Float64Array.from(h.subarray(at, at + b.len));
}

function release(...bufs: Buf[]): void {
  for (const b of bufs) kernels().free(b.base);
}

/** The values a kernel of dtype `dt` sees. */
function rounded(x: Float64Array, dt: DType): Float64Array {
  return dt === 'float32' ? Float64Array.from(Float32Array.from(x)) : x;
}

// ---- plain-JS matrices (row-major Float64Array) ----

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randn(next: () => number, len: number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = next() * 2 - 1;
  return out;
}

/** a (m x k) times b (k x n), optionally with a or b transposed as stored. */
function mul(a: Float64Array, b: Float64Array, m: number, k: number, n: number, ta = false, tb = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = ta ? a[p * m + i] : a[i * k + p];
      if (x === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += x * (tb ? b[j * k + p] : b[p * n + j]);
    }
  }
  return c;
}

function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;
  }
  return m;
}

/** A random m x n matrix with orthonormal columns (m >= n): Gram-Schmidt, twice. */
function orthonormal(next: () => number, m: number, n: number): Float64Array {
  const q = transpose(randn(next, m * n), m, n); // rows = columns
  for (let j = 0; j < n; j++) {
    const qj = q.subarray(j * m, (j + 1) * m);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const qi = q.subarray(i * m, (i + 1) * m);
        let d = 0;
        for (let r = 0; r < m; r++) d += qi[r] * qj[r];
        for (let r = 0; r < m; r++) qj[r] -= d * qi[r];
      }
    }
    let norm = 0;
    for (let r = 0; r < m; r++) norm += qj[r] * qj[r];
    norm = Math.sqrt(norm);
    for (let r = 0; r < m; r++) qj[r] /= norm;
  }
  return transpose(q, n, m);
}

/** Q diag(values) Qᵀ for a random orthogonal Q. */
function symmetricWith(next: () => number, values: readonly number[]): Float64Array {
  const n = values.length;
  const q = orthonormal(next, n, n);
  const qd = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qd[i * n + j] = q[i * n + j] * values[j];
  const a = mul(qd, q, n, n, n, false, true);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i] = (a[i * n + j] + a[j * n + i]) / 2;
  return a;
}

/** U diag(s) Vᵀ for random orthonormal U (m x k), V (n x k). */
function matrixWith(next: () => number, m: number, n: number, s: readonly number[]): Float64Array {
  const k = s.length;
  const u = orthonormal(next, m, k);
  const v = orthonormal(next, n, k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) u[i * k + j] *= s[j];
  return mul(u, v, m, k, n, false, true);
}

function logspace(n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, i) => 10 ** (from + ((to - from) * i) / Math.max(1, n - 1)));
}

/** Largest |entry| of XᵀX - I for X m x k (orthonormal columns). */
function orthogonality(x: Float64Array, m: number, k: number): number {
  return maxDiff(mul(x, x, k, m, k, true, false), identityMatrix(k));
}

function identityMatrix(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

/** The budget for an n-term computation: tol at n <= 100, growing like n beyond. */
function budget(dt: DType, n: number): number {
  return TOL[dt] * Math.max(1, n / 100);
}

/** With FACTOR_REPORT=1 in the environment, the largest error of each kind is printed at the end. */
const report = new Map<string, [number, string]>();

function close(what: string, err: number, limit: number): void {
  assert.ok(err <= limit, `${what}: error ${err.toExponential(2)} > ${limit.toExponential(1)}`);
  const kind = what.replace(/ .*: /, ': ');
  if (!(err <= (report.get(kind)?.[0] ?? -1))) report.set(kind, [err, what]);
}

/** ‖A‖₂ of an m x n matrix, by power iteration on AᵀA (a few digits are all a scale needs). */
function norm2(a: Float64Array, m: number, n: number): number {
  const big = maxAbs(a);
  if (big === 0) return 0;
  if (big < 1e-100 || big > 1e100) return big * norm2(a.map((x) => x / big), m, n);
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let s = 0;
  for (let it = 0; it < 60; it++) {
    const w = mul(a, mul(a, v, m, n, 1), n, m, 1, true);
    s = Math.sqrt(Math.sqrt(w.reduce((t, x) => t + x * x, 0)));
    if (s === 0) return 0;
    v = w.map((x) => x / (s * s));
  }
  return s;
}

// ---- kernel calls ----

type Fn = (...args: number[]) => number;
const call = (name: string, dt: DType, ...args: number[]): number => kernel<Fn>(`${name}_${sfx(dt)}`)(...args);
const workSize = (name: string, ...args: number[]): number => kernel<Fn>(`${name}_work`)(...args);

function runCholesky(dt: DType, a: Float64Array, n: number, count: number, inPlace = false) {
  const A = buffer(dt, a.length, a);
  const L = inPlace ? A : buffer(dt, a.length);
  const W = buffer(dt, workSize('cholesky', n));
  const info = call('cholesky', dt, A.ptr, L.ptr, n, count, W.ptr);
  const l = read(L);
  read(W);
  const input = inPlace ? null : read(A);
  release(...(inPlace ? [A, W] : [A, L, W]));
  return { info, l, input };
}

function runSolve(dt: DType, a: Float64Array, b: Float64Array, n: number, k: number, count: number, lower: boolean, trans: boolean, unit: boolean, inPlace = false) {
  const A = buffer(dt, a.length, a);
  const B = buffer(dt, b.length, b);
  const X = inPlace ? B : buffer(dt, b.length);
  const W = buffer(dt, workSize('solve_triangular', n, k));
  const info = call('solve_triangular', dt, A.ptr, B.ptr, X.ptr, n, k, count, +lower, +trans, +unit, W.ptr);
  const x = read(X);
  read(W);
  assert.equal(Array.from(read(A)), Array.from(rounded(a, dt)), 'solve_triangular: a modified');
  release(...(inPlace ? [A, B, W] : [A, B, X, W]));
  return { info, x };
}

function runQr(dt: DType, a: Float64Array, m: number, n: number, count: number) {
  const k = Math.min(m, n);
  const A = buffer(dt, a.length, a);
  const Q = buffer(dt, count * m * k);
  const R = buffer(dt, count * k * n);
  const W = buffer(dt, workSize('qr', m, n));
  call('qr', dt, A.ptr, Q.ptr, R.ptr, m, n, count, W.ptr);
  const out = { q: read(Q), r: read(R) };
  read(W);
  assert.equal(Array.from(read(A)), Array.from(rounded(a, dt)), 'qr: a modified');
  release(A, Q, R, W);
  return out;
}

function runEigh(dt: DType, a: Float64Array, n: number, count: number, inPlace = false) {
  const A = buffer(dt, a.length, a);
  const w = buffer(dt, count * n);
  const V = inPlace ? A : buffer(dt, a.length);
  const W = buffer(dt, workSize('eigh', n));
  const info = call('eigh', dt, A.ptr, w.ptr, V.ptr, n, count, W.ptr);
  const out = { info, w: read(w), v: read(V) };
  read(W);
  release(...(inPlace ? [A, w, W] : [A, w, V, W]));
  return out;
}

function runSvd(dt: DType, a: Float64Array, m: number, n: number, count: number) {
  const k = Math.min(m, n);
  const A = buffer(dt, a.length, a);
  const U = buffer(dt, count * m * k);
  const S = buffer(dt, count * k);
  const Vt = buffer(dt, count * k * n);
  const W = buffer(dt, workSize('svd', m, n));
  const info = call('svd', dt, A.ptr, U.ptr, S.ptr, Vt.ptr, m, n, count, W.ptr);
  const out = { info, u: read(U), s: read(S), vt: read(Vt) };
  read(W);
  assert.equal(Array.from(read(A)), Array.from(rounded(a, dt)), 'svd: a modified');
  release(A, U, S, Vt, W);
  return out;
}

// ---- checks of one result ----

function checkCholesky(what: string, dt: DType, a: Float64Array, l: Float64Array, n: number): void {
  const seen = rounded(a, dt);
  // Only the lower triangle is read: the reconstruction matches the symmetric matrix it defines.
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = i >= j ? seen[i * n + j] : seen[j * n + i];
  for (let i = 0; i < n; i++) {
    assert.ok(l[i * n + i] > 0, `${what}: L[${i},${i}] = ${l[i * n + i]}`);
    for (let j = i + 1; j < n; j++) assert.is(l[i * n + j], 0, `${what}: L[${i},${j}] above the diagonal`);
  }
  close(`${what}: L Lᵀ - A`, maxDiff(mul(l, l, n, n, n, false, true), sym) / Math.max(norm2(sym, n, n), Number.MIN_VALUE), budget(dt, n));
}

function checkEigh(what: string, dt: DType, a: Float64Array, w: Float64Array, v: Float64Array, n: number, known?: readonly number[]): void {
  const seen = rounded(a, dt);
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = i >= j ? seen[i * n + j] : seen[j * n + i];
  const scale = Math.max(norm2(sym, n, n), Number.MIN_VALUE);
  for (let i = 1; i < n; i++) assert.ok(w[i - 1] <= w[i], `${what}: eigenvalues not ascending at ${i}`);
  const vd = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vd[i * n + j] = v[i * n + j] * w[j];
  close(`${what}: V Λ Vᵀ - A`, maxDiff(mul(vd, v, n, n, n, false, true), sym) / scale, budget(dt, n));
  close(`${what}: VᵀV - I`, orthogonality(v, n, n), budget(dt, n));
  for (let j = 0; j < n; j++) {
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(v[i * n + j]) > Math.abs(big)) big = v[i * n + j];
    assert.ok(big > 0, `${what}: column ${j}'s largest entry is negative`);
  }
  if (known) {
    const sorted = [...known].sort((x, y) => x - y);
    close(`${what}: eigenvalues vs known`, maxDiff(w, sorted) / scale, budget(dt, n));
  }
}

function checkSvd(what: string, dt: DType, a: Float64Array, out: { u: Float64Array; s: Float64Array; vt: Float64Array }, m: number, n: number, known?: readonly number[]): void {
  const k = Math.min(m, n);
  const seen = rounded(a, dt);
  const scale = Math.max(norm2(seen, m, n), Number.MIN_VALUE);
  const { u, s, vt } = out;
  for (let i = 0; i < k; i++) {
    assert.ok(s[i] >= 0, `${what}: s[${i}] = ${s[i]}`);
    if (i > 0) assert.ok(s[i - 1] >= s[i], `${what}: singular values not descending at ${i}`);
  }
  const us = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * k + j] * s[j];
  const size = Math.max(m, n);
  close(`${what}: U S Vᵀ - A`, maxDiff(mul(us, vt, m, k, n), seen) / scale, budget(dt, size));
  close(`${what}: UᵀU - I`, orthogonality(u, m, k), budget(dt, size));
  close(`${what}: V Vᵀ - I`, orthogonality(transpose(vt, k, n), n, k), budget(dt, size));
  for (let j = 0; j < k; j++) {
    let big = 0;
    for (let i = 0; i < m; i++) if (Math.abs(u[i * k + j]) > Math.abs(big)) big = u[i * k + j];
    assert.ok(big > 0, `${what}: column ${j} of u has a negative largest entry`);
  }
  if (known) {
    const sorted = [...known].sort((x, y) => y - x);
    close(`${what}: singular values vs known`, maxDiff(s, sorted) / scale, budget(dt, size));
  }
}

// ---- cholesky ----

const cholesky = suite('cholesky kernel');

/** A random symmetric positive definite matrix: B Bᵀ + n I. */
function spd(next: () => number, n: number): Float64Array {
  const b = randn(next, n * n);
  const a = mul(b, b, n, n, n, false, true);
  for (let i = 0; i < n; i++) a[i * n + i] += n;
  return a;
}

cholesky('random SPD matrices, around the panel width (64), both dtypes', () => {
  const next = rng(1);
  for (const dt of DTYPES) {
    for (const n of [0, 1, 2, 3, 5, 17, 63, 64, 65, 100, 129, 200]) {
      const a = spd(next, n);
      const { info, l, input } = runCholesky(dt, a, n, 1);
      assert.is(info, 0, `${dt} n=${n}: info`);
      assert.equal(Array.from(input!), Array.from(rounded(a, dt)), `${dt} n=${n}: a modified`);
      checkCholesky(`${dt} n=${n}`, dt, a, l, n);
    }
  }
});

cholesky('reads only the lower triangle; in place (l = a)', () => {
  const next = rng(2);
  for (const dt of DTYPES) {
    for (const n of [7, 90]) {
      const a = spd(next, n);
      const garbage = Float64Array.from(a);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) garbage[i * n + j] = NaN;
      const { info, l } = runCholesky(dt, garbage, n, 1, true);
      assert.is(info, 0);
      checkCholesky(`${dt} n=${n} in place`, dt, a, l, n);
    }
  }
});

cholesky('ill-conditioned: eigenvalues 1 .. 1e-10 (float64), 1 .. 1e-4 (float32); Hilbert 8 x 8', () => {
  const next = rng(3);
  for (const dt of DTYPES) {
    for (const n of [30, 130]) {
      const a = symmetricWith(next, logspace(n, 0, dt === 'float64' ? -10 : -4));
      const { info, l } = runCholesky(dt, a, n, 1);
      assert.is(info, 0, `${dt} n=${n}`);
      checkCholesky(`${dt} n=${n} ill-conditioned`, dt, a, l, n);
    }
  }
  const n = 8;
  const hilbert = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hilbert[i * n + j] = 1 / (i + j + 1);
  const { info, l } = runCholesky('float64', hilbert, n, 1);
  assert.is(info, 0);
  checkCholesky('Hilbert 8', 'float64', hilbert, l, n);
});

cholesky('batches: every matrix factored, small and blocked sizes', () => {
  const next = rng(4);
  for (const dt of DTYPES) {
    for (const n of [4, 70]) {
      const count = 3;
      const mats = Array.from({ length: count }, () => spd(next, n));
      const a = new Float64Array(count * n * n);
      mats.forEach((m, q) => a.set(m, q * n * n));
      const { info, l } = runCholesky(dt, a, n, count);
      assert.is(info, 0);
      mats.forEach((m, q) => checkCholesky(`${dt} n=${n} item ${q}`, dt, m, l.subarray(q * n * n, (q + 1) * n * n), n));
    }
  }
});

cholesky('not positive definite: returns 1 + q n + j for the first failing pivot, that matrix NaN, others factored', () => {
  const next = rng(5);
  for (const dt of DTYPES) {
    for (const n of [6, 150]) {
      for (const j of [0, 3, n - 1, ...(n > 64 ? [64, 100] : [])]) {
        // SPD but for a leading minor of order j + 1 that is negative: make
        // row/column j a copy of row j - 1 scaled, minus a bit on the diagonal.
        const count = 3;
        const good = spd(next, n);
        const bad = spd(next, n);
        const l = runCholesky('float64', bad, n, 1).l;
        // Replace L's row j by zeros but for a negative square on the diagonal: A = L Lᵀ then has d_j <= 0.
        for (let c = 0; c <= j; c++) l[j * n + c] = 0;
        const lt = mul(l, l, n, n, n, false, true);
        lt[j * n + j] = -1;
        const a = new Float64Array(count * n * n);
        a.set(good, 0);
        a.set(lt, n * n);
        a.set(good, 2 * n * n);
        const out = runCholesky(dt, a, n, count);
        assert.is(out.info, 1 + 1 * n + j, `${dt} n=${n} j=${j}: info`);
        assert.ok(out.l.subarray(n * n, 2 * n * n).every(Number.isNaN), `${dt} n=${n}: failed matrix not NaN`);
        checkCholesky(`${dt} n=${n} item 0`, dt, good, out.l.subarray(0, n * n), n);
        checkCholesky(`${dt} n=${n} item 2`, dt, good, out.l.subarray(2 * n * n), n);
      }
    }
  }
  // Zero, negative, NaN.
  assert.is(runCholesky('float64', new Float64Array([0]), 1, 1).info, 1);
  assert.is(runCholesky('float64', new Float64Array([-2]), 1, 1).info, 1);
  assert.is(runCholesky('float64', new Float64Array([4, 0, NaN, 1]), 2, 1).info, 2);
  assert.is(runCholesky('float32', new Float64Array([1, 0, 2, 4]), 2, 1).info, 2); // [[1, 2], [2, 4]] is singular
});

// ---- solve_triangular ----

const solve = suite('solve_triangular kernel');

/** A well-conditioned random triangular matrix (diagonal of 2..3 in size, random sign). */
function triangular(next: () => number, n: number, lower: boolean, offScale = 1 / Math.sqrt(Math.max(n, 1))): Float64Array {
  const a = randn(next, n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) a[i * n + j] = (next() < 0.5 ? -1 : 1) * (2 + next());
      else a[i * n + j] *= offScale;
    }
  }
  return a; // the other triangle is garbage on purpose: it must not be read
}

/** op(A) X - B, relative to |op(A)| |X| + |B|, where op(A) is A's triangle (unit diagonal if asked), transposed if asked. */
function residual(a: Float64Array, x: Float64Array, b: Float64Array, n: number, k: number, lower: boolean, trans: boolean, unit: boolean): number {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const keep = i === j || (lower ? i > j : i < j);
      const v = i === j && unit ? 1 : keep ? a[i * n + j] : 0;
      if (trans) t[j * n + i] = v;
      else t[i * n + j] = v;
    }
  }
  const ax = mul(t, x, n, n, k);
  const absT = t.map(Math.abs);
  const scale = mul(absT, x.map(Math.abs), n, n, k);
  let worst = 0;
  for (let i = 0; i < n * k; i++) worst = Math.max(worst, Math.abs(ax[i] - b[i]) / (scale[i] + Math.abs(b[i]) + Number.MIN_VALUE));
  return worst;
}

solve('every flag combination, sizes around the block (64), k = 1 .. 70, both dtypes', () => {
  const next = rng(11);
  for (const dt of DTYPES) {
    for (const [n, k] of [[0, 3], [1, 1], [2, 5], [5, 1], [17, 3], [64, 64], [65, 7], [130, 1], [150, 70]]) {
      for (const lower of [true, false]) {
        for (const trans of [false, true]) {
          for (const unit of [false, true]) {
            const a = triangular(next, n, lower);
            const b = randn(next, n * k);
            const { info, x } = runSolve(dt, a, b, n, k, 1, lower, trans, unit);
            const what = `${dt} n=${n} k=${k} lower=${lower} trans=${trans} unit=${unit}: residual`;
            assert.is(info, 0, what);
            close(what, residual(rounded(a, dt), x, rounded(b, dt), n, k, lower, trans, unit), budget(dt, n));
          }
        }
      }
    }
  }
});

solve('against forward substitution in float64, exactly where the order of operations is fixed (unit, integers)', () => {
  // Small-integer data and a unit diagonal: every partial result is an
  // integer, so any correct order of summation gives identical results.
  const next = rng(12);
  const n = 140;
  const k = 9;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = next() < 0.05 ? (next() < 0.5 ? 1 : -1) : 0;
  const b = Float64Array.from({ length: n * k }, () => Math.floor(next() * 7) - 3);
  const want = Float64Array.from(b);
  for (let i = 0; i < n; i++) for (let c = 0; c < i; c++) for (let j = 0; j < k; j++) want[i * k + j] -= a[i * n + c] * want[c * k + j];
  assert.ok(maxAbs(want) < 2 ** 50, 'integers stay exact');
  const { x } = runSolve('float64', a, b, n, k, 1, true, false, true);
  assert.equal(Array.from(x), Array.from(want));
});

solve('ill-conditioned (unit lower with O(1) entries: cond ~ 1e15 at n = 120): small backward error', () => {
  const next = rng(13);
  for (const dt of DTYPES) {
    const n = 120;
    const k = 4;
    const a = triangular(next, n, true, 1);
    const b = randn(next, n * k);
    for (const trans of [false, true]) {
      const { x } = runSolve(dt, a, b, n, k, 1, true, trans, true);
      close(`${dt} ill-conditioned trans=${trans}: residual`, residual(rounded(a, dt), x, rounded(b, dt), n, k, true, trans, true), budget(dt, n));
    }
  }
});

solve('batches and in place (x = b)', () => {
  const next = rng(14);
  for (const dt of DTYPES) {
    for (const n of [3, 80]) {
      const count = 3;
      const k = 5;
      const as = Array.from({ length: count }, () => triangular(next, n, false));
      const bs = Array.from({ length: count }, () => randn(next, n * k));
      const a = new Float64Array(count * n * n);
      const b = new Float64Array(count * n * k);
      as.forEach((m, q) => a.set(m, q * n * n));
      bs.forEach((m, q) => b.set(m, q * n * k));
      for (const inPlace of [false, true]) {
        const { info, x } = runSolve(dt, a, b, n, k, count, false, true, false, inPlace);
        assert.is(info, 0);
        for (let q = 0; q < count; q++) {
          const xq = x.subarray(q * n * k, (q + 1) * n * k);
          close(`${dt} n=${n} item ${q} inPlace=${inPlace}: residual`, residual(rounded(as[q], dt), xq, rounded(bs[q], dt), n, k, false, true, false), budget(dt, n));
        }
      }
    }
  }
});

solve('a zero on the diagonal: returns 1 + q n + j, that x NaN, the others solved; unitDiagonal ignores it', () => {
  const next = rng(15);
  for (const dt of DTYPES) {
    for (const n of [5, 100]) {
      const k = 3;
      const count = 3;
      const as = Array.from({ length: count }, () => triangular(next, n, true));
      const j = n - 2;
      as[1][j * n + j] = 0;
      as[2][1 * n + 1] = 0; // a later failure is not the one reported
      const a = new Float64Array(count * n * n);
      as.forEach((m, q) => a.set(m, q * n * n));
      const b = randn(next, count * n * k);
      const { info, x } = runSolve(dt, a, b, n, k, count, true, false, false);
      assert.is(info, 1 + n + j, `${dt} n=${n}`);
      assert.ok(x.subarray(n * k, 2 * n * k).every(Number.isNaN));
      close(`${dt} item 0: residual`, residual(rounded(as[0], dt), x.subarray(0, n * k), rounded(b.subarray(0, n * k), dt), n, k, true, false, false), budget(dt, n));
      const unit = runSolve(dt, a, b, n, k, count, true, false, true);
      assert.is(unit.info, 0);
    }
  }
});

// ---- qr ----

const qr = suite('qr kernel');

function checkQr(what: string, dt: DType, a: Float64Array, q: Float64Array, r: Float64Array, m: number, n: number): void {
  const k = Math.min(m, n);
  const seen = rounded(a, dt);
  const scale = Math.max(norm2(seen, m, n), Number.MIN_VALUE);
  for (let i = 0; i < k; i++) {
    assert.ok(r[i * n + i] >= 0, `${what}: R[${i},${i}] = ${r[i * n + i]}`);
    for (let j = 0; j < i; j++) assert.is(r[i * n + j], 0, `${what}: R[${i},${j}] below the diagonal`);
  }
  const size = Math.max(m, n);
  close(`${what}: Q R - A`, maxDiff(mul(q, r, m, k, n), seen) / scale, budget(dt, size));
  close(`${what}: QᵀQ - I`, orthogonality(q, m, k), budget(dt, size));
}

qr('tall, wide and square, odd sizes, both dtypes', () => {
  const next = rng(21);
  for (const dt of DTYPES) {
    for (const [m, n] of [[0, 0], [0, 3], [3, 0], [1, 1], [1, 5], [5, 1], [2, 2], [7, 3], [3, 7], [33, 33], [100, 17], [17, 100], [130, 90]]) {
      const a = randn(next, m * n);
      const { q, r } = runQr(dt, a, m, n, 1);
      checkQr(`${dt} ${m}x${n}`, dt, a, q, r, m, n);
    }
  }
});

qr('rank-deficient, zero and negative columns; R diagonal non-negative; the 1 x 1 sign', () => {
  const next = rng(22);
  for (const dt of DTYPES) {
    const m = 40;
    const n = 12;
    const a = mul(randn(next, m * 3), randn(next, 3 * n), m, 3, n); // rank 3
    for (let i = 0; i < m; i++) a[i * n + 5] = 0; // a zero column
    const { q, r } = runQr(dt, a, m, n, 1);
    checkQr(`${dt} rank 3`, dt, a, q, r, m, n);
    const zero = runQr(dt, new Float64Array(6 * 4), 6, 4, 1);
    checkQr(`${dt} zero`, dt, new Float64Array(6 * 4), zero.q, zero.r, 6, 4);
    // -e1 columns: the reflection that only flips a sign.
    const neg = new Float64Array([-3, 0, 0, -2]);
    const out = runQr(dt, neg, 2, 2, 1);
    assert.equal(Array.from(out.r), [3, 0, 0, 2]);
    assert.equal(Array.from(out.q), [-1, 0, 0, -1]);
    assert.equal(Array.from(runQr(dt, new Float64Array([-5]), 1, 1, 1).r), [5]);
  }
});

qr('agrees with Gram-Schmidt (the unique QR with positive diagonal) on a well-conditioned matrix', () => {
  const next = rng(23);
  const m = 50;
  const n = 20;
  const a = randn(next, m * n);
  const { q } = runQr('float64', a, m, n, 1);
  // Modified Gram-Schmidt on the columns.
  const cols = transpose(a, m, n);
  for (let j = 0; j < n; j++) {
    const cj = cols.subarray(j * m, (j + 1) * m);
    for (let i = 0; i < j; i++) {
      const ci = cols.subarray(i * m, (i + 1) * m);
      let d = 0;
      for (let t = 0; t < m; t++) d += ci[t] * cj[t];
      for (let t = 0; t < m; t++) cj[t] -= d * ci[t];
    }
    let norm = 0;
    for (let t = 0; t < m; t++) norm += cj[t] * cj[t];
    for (let t = 0; t < m; t++) cj[t] /= Math.sqrt(norm);
  }
  close('Q vs Gram-Schmidt', maxDiff(q, transpose(cols, n, m)), 1e-12);
});

qr('batches', () => {
  const next = rng(24);
  for (const dt of DTYPES) {
    const [m, n, count] = [9, 4, 3];
    const a = randn(next, count * m * n);
    const { q, r } = runQr(dt, a, m, n, count);
    for (let b = 0; b < count; b++) {
      checkQr(`${dt} item ${b}`, dt, a.subarray(b * m * n, (b + 1) * m * n), q.subarray(b * m * n, (b + 1) * m * n), r.subarray(b * n * n, (b + 1) * n * n), m, n);
    }
  }
});

// ---- eigh ----

const eigh = suite('eigh kernel');

eigh('random symmetric matrices with known eigenvalues, odd sizes, both dtypes', () => {
  const next = rng(31);
  for (const dt of DTYPES) {
    for (const n of [0, 1, 2, 3, 4, 7, 16, 33, 64, 101]) {
      const values = Array.from({ length: n }, () => next() * 4 - 2);
      const a = symmetricWith(next, values);
      const { info, w, v } = runEigh(dt, a, n, 1);
      assert.is(info, 0);
      checkEigh(`${dt} n=${n}`, dt, a, w, v, n, values);
    }
  }
});

eigh('repeated, clustered, zero and graded spectra; diagonal, identity and zero matrices', () => {
  const next = rng(32);
  for (const dt of DTYPES) {
    const cases: [string, number[]][] = [
      ['repeated', [1, 1, 1, 2, 2, 3, 3, 3, 3, -1, -1, 0]],
      ['all equal', Array(9).fill(2.5)],
      ['clustered', [1, 1 + 1e-9, 1 + 2e-9, 5, 5 + 1e-12, -3]],
      ['rank 2', [0, 0, 0, 0, 0, 0, 4, -7]],
      ['graded', logspace(20, 0, -12)],
      ['wide range of signs', [-1e6, -1, -1e-6, 0, 1e-6, 1, 1e6]],
    ];
    for (const [name, values] of cases) {
      const n = values.length;
      const a = symmetricWith(next, values);
      const { info, w, v } = runEigh(dt, a, n, 1);
      assert.is(info, 0);
      checkEigh(`${dt} ${name}`, dt, a, w, v, n, values);
    }
    const diag = new Float64Array(25);
    [3, -1, 4, -1, 5].forEach((x, i) => (diag[i * 5 + i] = x));
    const d = runEigh(dt, diag, 5, 1);
    checkEigh(`${dt} diagonal`, dt, diag, d.w, d.v, 5, [3, -1, 4, -1, 5]);
    const z = runEigh(dt, new Float64Array(16), 4, 1);
    assert.equal(Array.from(z.w), [0, 0, 0, 0]);
    assert.equal(Array.from(z.v), Array.from(identityMatrix(4)));
    const one = runEigh(dt, new Float64Array([-3]), 1, 1);
    assert.equal([...one.w, ...one.v], [-3, 1]);
  }
});

eigh('Wilkinson W21+ (pairs of eigenvalues equal to 1e-14 and more) and a 1e-200-scaled matrix', () => {
  const n = 21;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = Math.abs(10 - i);
    if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = 1;
  }
  const { info, w, v } = runEigh('float64', a, n, 1);
  assert.is(info, 0);
  checkEigh('W21+', 'float64', a, w, v, n);
  close('W21+ largest eigenvalue', Math.abs(w[n - 1] - 10.746194182903393), 1e-12 * 11);
  const next = rng(33);
  const small = symmetricWith(next, [1, 2, 3, 4, 5]).map((x) => x * 1e-200);
  const s = runEigh('float64', small, 5, 1);
  checkEigh('scaled 1e-200', 'float64', small, s.w, s.v, 5, [1e-200, 2e-200, 3e-200, 4e-200, 5e-200]);
});

eigh('reads only the lower triangle; in place (v = a); batches; NaN input fails with 1 + q', () => {
  const next = rng(34);
  for (const dt of DTYPES) {
    const n = 9;
    const count = 3;
    const mats = Array.from({ length: count }, () => symmetricWith(next, Array.from({ length: n }, () => next())));
    const a = new Float64Array(count * n * n);
    mats.forEach((m, q) => a.set(m, q * n * n));
    for (let q = 0; q < count; q++) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[q * n * n + i * n + j] = 1e30;
    const { info, w, v } = runEigh(dt, a, n, count, true);
    assert.is(info, 0);
    mats.forEach((m, q) => checkEigh(`${dt} item ${q}`, dt, m, w.subarray(q * n, (q + 1) * n), v.subarray(q * n * n, (q + 1) * n * n), n));
    const bad = Float64Array.from(a);
    bad[n * n + 3 * n + 1] = NaN;
    bad[2 * n * n + 4 * n + 4] = Infinity;
    const out = runEigh(dt, bad, n, count);
    assert.is(out.info, 2);
    assert.ok(out.w.subarray(n, 2 * n).every(Number.isNaN) && out.v.subarray(n * n, 2 * n * n).every(Number.isNaN));
    checkEigh(`${dt} item 0 beside a failure`, dt, mats[0], out.w.subarray(0, n), out.v.subarray(0, n * n), n);
  }
});

// ---- svd ----

const svd = suite('svd kernel');

svd('random tall, wide and square matrices with known singular values, both dtypes', () => {
  const next = rng(41);
  for (const dt of DTYPES) {
    for (const [m, n] of [[1, 1], [1, 4], [4, 1], [2, 2], [3, 5], [5, 3], [8, 8], [17, 9], [9, 17], [40, 40], [120, 30], [30, 120], [90, 101]]) {
      const k = Math.min(m, n);
      const s = Array.from({ length: k }, () => 0.1 + next() * 3);
      const a = matrixWith(next, m, n, s);
      const out = runSvd(dt, a, m, n, 1);
      assert.is(out.info, 0);
      checkSvd(`${dt} ${m}x${n}`, dt, a, out, m, n, s);
    }
  }
});

svd('empty shapes', () => {
  for (const dt of DTYPES) {
    for (const [m, n] of [[0, 0], [0, 3], [3, 0]]) {
      const out = runSvd(dt, new Float64Array(0), m, n, 2);
      assert.is(out.info, 0);
      assert.is(out.u.length + out.s.length + out.vt.length, 0);
    }
  }
});

svd('rank-deficient, repeated, ill-conditioned and zero: vectors stay orthonormal', () => {
  const next = rng(42);
  for (const dt of DTYPES) {
    const cases: [string, number, number, number[]][] = [
      ['rank 3 of 12', 20, 12, [5, 2, 1, ...Array(9).fill(0)]],
      ['rank 1, wide', 6, 15, [3, 0, 0, 0, 0, 0]],
      ['repeated', 10, 10, [2, 2, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5]],
      ['ill-conditioned', 25, 25, logspace(25, 0, dt === 'float64' ? -14 : -6)],
      ['zero', 5, 7, Array(5).fill(0)],
    ];
    for (const [name, m, n, s] of cases) {
      const a = matrixWith(next, m, n, s);
      const out = runSvd(dt, a, m, n, 1);
      assert.is(out.info, 0);
      checkSvd(`${dt} ${name}`, dt, a, out, m, n, s);
    }
    // Exactly rank-deficient data: a zero column and a repeated one.
    const a = randn(next, 8 * 5);
    for (let i = 0; i < 8; i++) {
      a[i * 5 + 1] = 0;
      a[i * 5 + 3] = a[i * 5 + 0];
    }
    const out = runSvd(dt, a, 8, 5, 1);
    checkSvd(`${dt} zero and repeated columns`, dt, a, out, 8, 5);
    assert.ok(out.s[4] <= TOL[dt] * out.s[0] && out.s[3] <= TOL[dt] * out.s[0], `${dt}: two zero singular values`);
  }
});

svd('extreme scales: entries near 1e-200 and 1e200 (float64), 1e-30 and 1e30 (float32)', () => {
  const next = rng(45);
  for (const dt of DTYPES) {
    for (const scale of dt === 'float64' ? [1e-200, 1e200] : [1e-30, 1e30]) {
      const s = [3, 2, 1, 0.5].map((x) => x * scale);
      const a = matrixWith(next, 7, 4, s);
      const out = runSvd(dt, a, 7, 4, 1);
      assert.is(out.info, 0);
      checkSvd(`${dt} scale ${scale}`, dt, a, out, 7, 4, s);
      const values = [-2, 1, 3].map((x) => x * scale);
      const sym = symmetricWith(next, values);
      const e = runEigh(dt, sym, 3, 1);
      assert.is(e.info, 0);
      checkEigh(`${dt} scale ${scale}`, dt, sym, e.w, e.v, 3, values);
    }
  }
});

svd('agrees with eigh of AᵀA on a well-conditioned matrix (squared singular values)', () => {
  const next = rng(43);
  const [m, n] = [30, 12];
  const a = randn(next, m * n);
  const { s } = runSvd('float64', a, m, n, 1);
  const { w } = runEigh('float64', mul(a, a, n, m, n, true, false), n, 1);
  close('s² vs eig(AᵀA)', maxDiff(Array.from(s, (x) => x * x), Array.from(w).reverse()) / (s[0] * s[0]), 1e-13);
});

svd('batches; NaN input fails with 1 + q; the failed matrix NaN', () => {
  const next = rng(44);
  for (const dt of DTYPES) {
    for (const [m, n] of [[6, 4], [4, 6]]) {
      const count = 3;
      const a = randn(next, count * m * n);
      const out = runSvd(dt, a, m, n, count);
      assert.is(out.info, 0);
      const k = Math.min(m, n);
      for (let b = 0; b < count; b++) {
        checkSvd(`${dt} ${m}x${n} item ${b}`, dt, a.subarray(b * m * n, (b + 1) * m * n), {
          u: out.u.subarray(b * m * k, (b + 1) * m * k),
          s: out.s.subarray(b * k, (b + 1) * k),
          vt: out.vt.subarray(b * k * n, (b + 1) * k * n),
        }, m, n);
      }
      const bad = Float64Array.from(a);
      bad[2 * m * n + 5] = NaN;
      const failed = runSvd(dt, bad, m, n, count);
      assert.is(failed.info, 3);
      assert.ok(failed.s.subarray(2 * k).every(Number.isNaN) && failed.u.subarray(2 * m * k).every(Number.isNaN));
    }
  }
});

// ---- lu_sign ----

const luSign = suite('lu_sign kernel');

luSign('sign of det from LU, where det itself overflows or underflows', () => {
  const next = rng(51);
  for (const dt of DTYPES) {
    for (const [n, big] of [[1, 1], [3, 1], [6, 1], [60, 1e10], [60, 1e-10]]) {
      const count = 4;
      // A = P L U built from parts, so the sign of det is known: the signs of
      // diag(U) times that of P.
      const a = new Float64Array(count * n * n);
      const want: number[] = [];
      for (let q = 0; q < count; q++) {
        // Small off-diagonal entries keep L U well-conditioned, so its sign is not in doubt.
        const l = randn(next, n * n).map((x) => x * 0.1);
        const u = randn(next, n * n).map((x) => x * 0.1 * big);
        let sign = 1;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            if (j > i) l[i * n + j] = 0;
            if (j < i) u[i * n + j] = 0;
          }
          l[i * n + i] = 1;
          u[i * n + i] = (next() < 0.5 ? -1 : 1) * (1 + next()) * big;
          if (u[i * n + i] < 0) sign = -sign;
        }
        const lu = mul(l, u, n, n, n);
        // Swap two rows (one more sign flip) for odd q.
        if (q % 2 === 1 && n > 1) {
          for (let j = 0; j < n; j++) [lu[j], lu[n + j]] = [lu[n + j], lu[j]];
          sign = -sign;
        }
        a.set(lu, q * n * n);
        want.push(sign);
      }
      const A = buffer(dt, a.length, a);
      const size = 4;
      const piv = kernels().alloc(count * n * size + 16);
      const out = buffer(dt, count);
      call('lu', dt, A.ptr, piv, n, count);
      call('lu_sign', dt, A.ptr, piv, out.ptr, n, count);
      assert.equal(Array.from(read(out)), want, `${dt} n=${n} scale=${big}`);
      release(A, out);
      kernels().free(piv);
    }
  }
  // Singular: 0; NaN: NaN.
  const A = buffer('float64', 8, [1, 2, 2, 4, NaN, 1, 1, 1]);
  const piv = kernels().alloc(16);
  const out = buffer('float64', 2);
  call('lu', 'float64', A.ptr, piv, 2, 2);
  call('lu_sign', 'float64', A.ptr, piv, out.ptr, 2, 2);
  const got = read(out);
  assert.is(got[0], 0);
  assert.ok(Number.isNaN(got[1]));
  release(A, out);
  kernels().free(piv);
});

const symmetrize = suite('symmetrize kernel');

symmetrize('(A + Aᵀ) / 2, in place or not, and the largest asymmetry relative to max |A|', () => {
  for (const dt of DTYPES) {
    // two 3x3 matrices: the first symmetric but for a[2][0] = 5 vs a[0][2] = 3; the second exactly symmetric
    const a = [1, 2, 3, 2, -8, 4, 5, 4, 6, 1, 0, 0, 0, 2, 0, 0, 0, 3];
    for (const inPlace of [false, true]) {
      const A = buffer(dt, 18, a);
      const out = inPlace ? A : buffer(dt, 18);
      const ratio = call('symmetrize', dt, A.ptr, out.ptr, 3, 2);
      assert.is(ratio, 2 / 8, `${dt}: |5 - 3| / max |A| (8)`);
      assert.equal(Array.from(read(out)), [1, 2, 4, 2, -8, 4, 4, 4, 6, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
      release(...(inPlace ? [A] : [A, out]));
    }
    const bad = buffer(dt, 4, [1, 0, Infinity, 1]);
    assert.ok(Number.isNaN(call('symmetrize', dt, bad.ptr, bad.ptr, 2, 1)), `${dt}: infinite entry`);
    const nan = buffer(dt, 4, [1, NaN, 0, 1]);
    assert.ok(Number.isNaN(call('symmetrize', dt, nan.ptr, nan.ptr, 2, 1)), `${dt}: NaN entry`);
    const zero = buffer(dt, 4, [0, 0, 0, 0]);
    assert.is(call('symmetrize', dt, zero.ptr, zero.ptr, 2, 1), 0, `${dt}: a zero matrix is symmetric`);
    release(bad, nan, zero);
  }
});

cholesky.run();
symmetrize.run();
solve.run();
qr.run();
eigh.run();
svd.run();
luSign.run();

if (typeof process !== 'undefined' && process.env.FACTOR_REPORT) {
  const last = suite('factor kernels: largest errors');
  last('report', () => {
    for (const [kind, [err, what]] of [...report].sort()) console.log(`${kind.padEnd(36)} ${err.toExponential(2)}  (${what.replace(/: [^:]*$/, '')})`);
  });
  last.run();
}
