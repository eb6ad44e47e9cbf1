// Matrix factorizations and what is built on them: cholesky, solveTriangular,
// eigh, svd, qr, slogdet, pinv, lstsq, matrixPower, expm. All work on the
// last two axes, batched over the leading ones, in float32 and float64; the
// kernels are in assembly/factor.ts (and LU in assembly/linalg.ts). Every
// gradient rule is written with differentiable ops (`raw.*`), so second
// derivatives work; the formulas are the standard ones (Murray 2016 for
// Cholesky, Giles 2008 for eigh, Townsend 2016 for the thin SVD, Walter and
// Lehmann 2018 for QR) and each is derived in a line above its rule.
//
// eigh and svd's vector gradients divide by differences of eigenvalues
// (squared singular values): they are defined where those are distinct and
// are Infinity or NaN where two are equal, as in PyTorch and JAX. Gradients
// of the values alone are defined everywhere.

import { Tensor, empty } from '../runtime/tensor';
import { eye } from '../runtime/create';
import { bytesPerElement, type DType } from '../runtime/dtype';
import { heapF32, heapF64, kernel, kernelFor, kernels } from '../wasm/index';
import { allocBytes, freeBytes } from '../runtime/storage';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { broadcastStrides, sameShape, shapeSize, shapeString, tryBroadcastShapes } from '../runtime/shape';
import { checkTensor } from './args';
import { compose, custom, multiOp, op } from './define';
import { fill, stridedCopy } from './kernels';
import { raw } from './raw';

type Ptr = number;

// ---- checks ----

/** `a`, checked to be a live (batch of) matrices `[..., m, n]`; `square` also m = n. */
function matrix(op: string, a: unknown, square: boolean, name = 'a'): Tensor {
  const t = checkTensor(op, a, name);
  if (t.ndim < 2 || (square && t.shape[t.ndim - 1] !== t.shape[t.ndim - 2])) {
    throw new ShapeError(
      `${op}: expected ${name} to be ${square ? 'a square matrix [n, n]' : 'a matrix [m, n]'} (or a batch [..., ${square ? 'n, n' : 'm, n'}]), ` +
        `got shape ${shapeString(t.shape)}`,
    );
  }
  return t;
}

function sameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `${op}: a and b have different dtypes (${a.dtype} ${shapeString(a.shape)} and ${b.dtype} ${shapeString(b.shape)}); ` +
        'cast one with ag.cast(x, dtype) first',
    );
  }
}

function options<T extends object>(op: string, given: unknown, keys: readonly string[], example: string): Partial<T> {
  if (given === undefined) return {};
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new ArgumentError(`${op}: options must be an object like ${example}, got ${describe(given)}`);
  }
  for (const k of Object.keys(given)) {
    if (!keys.includes(k)) throw new ArgumentError(`${op}: unknown option ${JSON.stringify(k)} (expected ${keys.join(', ')})`);
  }
  return given as Partial<T>;
}

function flag(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: ${name} must be true or false, got ${describe(v)}`);
  return v;
}

/** Where a batch's matrix number `q` sits, for error messages. */
function which(shape: readonly number[], q: number): string {
  const batch = shape.slice(0, shape.length - 2);
  if (batch.length === 0) return `the ${shapeString(shape)} matrix`;
  const index: number[] = [];
  for (let d = batch.length - 1; d >= 0; d--) {
    index.unshift(q % batch[d]);
    q = Math.floor(q / batch[d]);
  }
  return `the matrix at batch index [${index.join(', ')}] of ${shapeString(shape)}`;
}

// ---- kernel plumbing ----

/** The scratch (elements) that kernel `name` needs for these sizes (its `<name>_work` export). */
const workSize = (name: string, ...sizes: number[]): number => kernel<(...sizes: number[]) => number>(`${name}_work`)(...sizes);

/** Runs `body` with `elements` of scratch of `dtype` in wasm memory, freed after, whether it returns or throws. */
function withWork<R>(op: string, dtype: DType, elements: number, body: (work: Ptr) => R): R {
  const bytes = Math.max(1, elements) * bytesPerElement(dtype);
  const work = allocBytes(bytes, op);
  try {
    return body(work);
  } finally {
    freeBytes(work, bytes);
  }
}

/** Matrices a [..., n, n] may be this far from symmetric (relative to their largest entry) and still be taken as symmetric. */
const SYMMETRY_RTOL = 1e-3;

/**
 * out = (a + aᵀ) / 2 for each matrix. cholesky and eigh factor this
 * symmetric part, so that they are functions of every entry whose gradients
 * are symmetric (as in JAX); a matrix further than SYMMETRY_RTOL from
 * symmetric is a mistake, not a rounding error, and is refused.
 */
function symmetricPart(op: string, a: Tensor, out: Tensor): void {
  // The symmetry kernel's ratio misses a NaN alone on the diagonal (it
  // compares a[i][j] with a[j][i], which is itself there): counted first.
  checkFinite(op, a);
  const n = a.shape[a.ndim - 1];
  const ratio = kernelFor<(a: Ptr, out: Ptr, n: number, count: number) => number>('symmetrize', a.dtype)(a._ptr, out._ptr, n, a.size / (n * n));
  if (Number.isNaN(ratio)) throw new ArgumentError(`${op}: a has NaN or infinite entries (shape ${shapeString(a.shape)})`);
  if (ratio > SYMMETRY_RTOL) {
    throw new ArgumentError(
      `${op}: a is not symmetric: max |a - aᵀ| is ${ratio.toPrecision(3)} of max |a| (shape ${shapeString(a.shape)}); ` +
        `${op} factors symmetric matrices (it reads (a + aᵀ) / 2, and refuses asymmetry beyond ${SYMMETRY_RTOL} of max |a|)`,
    );
  }
}

function checkFinite(op: string, a: Tensor, name = 'a'): void {
  if (a.size === 0) return;
  const bad = kernelFor<(p: Ptr, n: number) => number>('count_nonfinite', a.dtype)(a._ptr, a.size);
  if (bad > 0) throw new ArgumentError(`${op}: ${name} has ${bad} NaN or infinite entr${bad === 1 ? 'y' : 'ies'} (shape ${shapeString(a.shape)})`);
}

// ---- helpers for the rules (differentiable) ----

/** `x` with its last two axes swapped. */
function T(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.ndim - 2] = x.ndim - 1;
  perm[x.ndim - 1] = x.ndim - 2;
  return raw.transpose(x, perm);
}

const mm = (a: Tensor, b: Tensor, transA = false, transB = false): Tensor => raw.matmul(a, b, transA, transB);

/** (x + xᵀ) / 2 over the last two axes. */
const sym = (x: Tensor): Tensor => raw.mul(raw.add(x, T(x)), 0.5);

/** The vectors w [..., n] on the diagonals of [..., n, n] matrices. */
const diagEmbed = (w: Tensor): Tensor => raw.mul(raw.reshape(w, [...w.shape, 1]), eye(w.shape[w.ndim - 1], { dtype: w.dtype }));

/** Scales the columns of x [..., m, k] by s [..., k]: x diag(s). */
const scaleColumns = (x: Tensor, s: Tensor): Tensor => raw.mul(x, raw.reshape(s, [...s.shape.slice(0, s.ndim - 1), 1, s.shape[s.ndim - 1]]));
/** Scales the rows of x [..., k, n] by s [..., k]: diag(s) x. */
const scaleRows = (x: Tensor, s: Tensor): Tensor => raw.mul(x, raw.reshape(s, [...s.shape, 1]));

/**
 * F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it, for w [..., n]:
 * the coefficients of the first-order perturbation of eigenvectors. The
 * identity added to the differences keeps the diagonal finite (1 / 1, then
 * masked to 0), so F is differentiable wherever the w are distinct.
 */
function gaps(w: Tensor): Tensor {
  const n = w.shape[w.ndim - 1];
  const batch = w.shape.slice(0, w.ndim - 1);
  const diff = raw.sub(raw.reshape(w, [...batch, 1, n]), raw.reshape(w, [...batch, n, 1]));
  const id = eye(n, { dtype: w.dtype });
  return raw.div(raw.sub(1, id), raw.add(diff, id));
}

// ---- cholesky ----

function choleskyForward(a: Tensor): Tensor {
  const n = a.shape[a.ndim - 1];
  const out = empty(a.shape.slice(), a.dtype, 'cholesky');
  if (out.size === 0) return out;
  symmetricPart('cholesky', a, out);
  const count = a.size / (n * n);
  const info = withWork('cholesky', a.dtype, workSize('cholesky', n), (work) =>
    kernelFor<(a: Ptr, l: Ptr, n: number, count: number, work: Ptr) => number>('cholesky', a.dtype)(out._ptr, out._ptr, n, count, work));
  if (info !== 0) {
    const q = Math.floor((info - 1) / n);
    const j = (info - 1) % n;
    throw new ArgumentError(
      `cholesky: ${which(a.shape, q)} is not positive definite: its leading minor of order ${j + 1} is not positive ` +
        `(pivot ${j + 1} of ${n}); a covariance matrix may need a small multiple of the identity added (jitter)`,
    );
  }
  return out;
}

// With A = L Lᵀ (A symmetric): dA = dL Lᵀ + L dLᵀ, so L⁻¹ dA L⁻ᵀ = M + Mᵀ
// for the lower triangular M = L⁻¹ dL, i.e. M = Φ(L⁻¹ dA L⁻ᵀ) where Φ takes
// the lower triangle and halves the diagonal. Hence ⟨L̄, dL⟩ =
// ⟨L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, dA⟩, and A's symmetric part makes Ā the symmetric part
// of that (Murray 2016). Two triangular solves, no inverse formed.
/**
 * The Cholesky factor of a symmetric positive definite matrix (or of each
 * matrix of a batch `[..., n, n]`): the lower triangular `L` with positive
 * diagonal and `a = L Lᵀ`. It factors the symmetric part `(a + aᵀ) / 2`, so
 * its gradient is symmetric; a matrix that is not symmetric (beyond 1e-3 of
 * its largest entry), has NaN or infinite entries, or is not positive
 * definite is refused with an ArgumentError naming the pivot that failed.
 * Blocked: most of the work is matrix products.
 *
 * @example
 * ag.cholesky(ag.tensor([[4, 2], [2, 5]])).toArray(); // [[2, 0], [1, 2]]
 */
export const cholesky = op({
  name: 'cholesky', forward: choleskyForward,
  args: custom((op: string, a: Tensor): [Tensor] => [matrix(op, a, true)]),
}).grads((dL, L) => {
  const n = L.shape[L.ndim - 1];
  const halfDiagonal = raw.sub(1, raw.mul(eye(n, { dtype: L.dtype }), 0.5));
  const phi = raw.mul(raw.tril(mm(L, dL, true, false), 0), halfDiagonal);
  const z = raw.solveTriangular(L, phi, true, true, false, false); // L⁻ᵀ Φ
  const p = T(raw.solveTriangular(L, T(z), true, true, false, false)); // L⁻ᵀ Φ L⁻¹
  return sym(p);
});

// ---- solveTriangular ----

interface TriangularOptions {
  /** `a` is lower triangular (the default); false for upper. Only that triangle is read. */
  lower?: boolean;
  /** Solve `aᵀ x = b` instead. */
  transpose?: boolean;
  /** Take the diagonal of `a` as ones (it is not read). */
  unitDiagonal?: boolean;
}

type TriangularArgs = [a: Tensor, b: Tensor, lower: boolean, transpose: boolean, unitDiagonal: boolean, vector: boolean];

function triangularArgs(op: string, a: Tensor, b: Tensor, opts?: TriangularOptions): TriangularArgs {
  matrix(op, a, true);
  checkTensor(op, b, 'b');
  sameDType(op, a, b);
  const o = options<TriangularOptions>(op, opts, ['lower', 'transpose', 'unitDiagonal'], '{ lower: false, transpose: true }');
  const n = a.shape[a.ndim - 1];
  const vector = b.ndim === 1;
  if (vector ? b.shape[0] !== n : b.ndim < 2 || b.shape[b.ndim - 2] !== n) {
    throw new ShapeError(`${op}: b must be [${n}] or [..., ${n}, k] to fit a of shape ${shapeString(a.shape)}, got ${shapeString(b.shape)}`);
  }
  const batchB = vector ? [] : b.shape.slice(0, b.ndim - 2);
  if (tryBroadcastShapes(a.shape.slice(0, a.ndim - 2), batchB) === null) {
    throw new ShapeError(
      `${op}: batch dimensions ${shapeString(a.shape.slice(0, a.ndim - 2))} and ${shapeString(batchB)} of a ${shapeString(a.shape)} ` +
        `and b ${shapeString(b.shape)} cannot be broadcast together`,
    );
  }
  return [a, b, flag(op, 'lower', o.lower, true), flag(op, 'transpose', o.transpose, false), flag(op, 'unitDiagonal', o.unitDiagonal, false), vector];
}

function triangularForward(a: Tensor, b: Tensor, lower: boolean, transpose: boolean, unit: boolean, vector: boolean): Tensor {
  const n = a.shape[a.ndim - 1];
  const k = vector ? 1 : b.shape[b.ndim - 1];
  const batchA = a.shape.slice(0, a.ndim - 2);
  const batch = tryBroadcastShapes(batchA, vector ? [] : b.shape.slice(0, b.ndim - 2))!;
  const outShape = vector ? [...batch, n] : [...batch, n, k];
  // The kernel pairs the i-th a with the i-th b: a batch broadcast against
  // b's is copied out (b's is copied anyway: the solve is in place).
  const aFull = [...batch, n, n];
  const aIn = sameShape(aFull, a.shape) ? a : stridedCopy('solveTriangular', a, aFull, broadcastStrides(a.shape, aFull));
  try {
    const out = stridedCopy('solveTriangular', b, outShape, broadcastStrides(b.shape, outShape));
    if (out.size === 0 || n === 0) return out;
    const count = shapeSize(batch);
    const info = withWork('solveTriangular', a.dtype, workSize('solve_triangular', n, k), (work) =>
      kernelFor<(a: Ptr, b: Ptr, x: Ptr, n: number, k: number, count: number, lower: number, trans: number, unit: number, work: Ptr) => number>(
        'solve_triangular', a.dtype,
      )(aIn._ptr, out._ptr, out._ptr, n, k, count, lower ? 1 : 0, transpose ? 1 : 0, unit ? 1 : 0, work));
    if (info !== 0) {
      const q = Math.floor((info - 1) / n);
      const j = (info - 1) % n;
      throw new ArgumentError(`solveTriangular: ${which(aFull, q)} is singular: its diagonal entry [${j}, ${j}] is 0`);
    }
    return out;
  } finally {
    if (aIn !== a) aIn.dispose();
  }
}

// X = op(A)⁻¹ B: dB = op(A)⁻ᵀ dX; dA = -op(A)⁻ᵀ dX Xᵀ = -dB Xᵀ when op(A) = A,
// and its transpose, -X dBᵀ, when op(A) = Aᵀ; only A's triangle is read,
// so its gradient is that triangle (without the diagonal when unit).
/**
 * The solution `x` of `a x = b` for a triangular `a` (lower by default;
 * only that triangle is read), by substitution, blocked. Options: `lower`
 * (default true), `transpose` (solve `aᵀ x = b`), `unitDiagonal` (the
 * diagonal is taken as ones and not read). `b` is a vector `[n]` or
 * `[..., n, k]`; batch axes of `a` and `b` broadcast. A zero on the
 * diagonal is an ArgumentError; NaN entries give NaN results.
 *
 * @example
 * const L = ag.tensor([[2, 0], [1, 1]]);
 * ag.solveTriangular(L, ag.tensor([2, 3])).toArray();                      // [1, 2]
 * ag.solveTriangular(L, ag.tensor([4, 2]), { transpose: true }).toArray(); // [1, 2]
 */
export const solveTriangular = op({ name: 'solveTriangular', args: custom(triangularArgs), forward: triangularForward }).grads(
  (dx, x, a, _b, lower, transpose, unit, vector) => {
    const db = raw.solveTriangular(a, dx, lower, !transpose, unit, vector);
    const col = (t: Tensor) => (vector ? raw.reshape(t, [...t.shape, 1]) : t);
    const outer = transpose ? mm(col(x), col(db), false, true) : mm(col(db), col(x), false, true);
    const k = unit ? (lower ? -1 : 1) : 0;
    const masked = lower ? raw.tril(outer, k) : raw.triu(outer, k);
    return raw.unbroadcast(a, raw.neg(masked));
  },
  (dx, _x, a, b, lower, transpose, unit, vector) => raw.unbroadcast(b, raw.solveTriangular(a, dx, lower, !transpose, unit, vector)),
  null, null, null, null,
);

// ---- eigh ----

function eighForward(a: Tensor): [Tensor, Tensor] {
  const n = a.shape[a.ndim - 1];
  const w = empty(a.shape.slice(0, a.ndim - 1), a.dtype, 'eigh');
  const v = empty(a.shape.slice(), a.dtype, 'eigh');
  if (v.size === 0) return [w, v];
  symmetricPart('eigh', a, v);
  const count = a.size / (n * n);
  const info = withWork('eigh', a.dtype, workSize('eigh', n), (work) =>
    kernelFor<(a: Ptr, w: Ptr, v: Ptr, n: number, count: number, work: Ptr) => number>('eigh', a.dtype)(v._ptr, w._ptr, v._ptr, n, count, work));
  if (info !== 0) throw new ArgumentError(`eigh: the eigenvalue iteration did not converge for ${which(a.shape, info - 1)}`);
  return [w, v];
}

// A = V diag(w) Vᵀ: dw = diag(Vᵀ dA V) and dV = V (F ∘ Vᵀ dA V) with
// F[i, j] = 1 / (w[j] - w[i]) (F's diagonal 0), so
// Ā = V (diag(w̄) + F ∘ Vᵀ V̄) Vᵀ, made symmetric as A's symmetric part is
// what was factored (Giles 2008). Only a used result contributes.
/**
 * The eigenvalues and eigenvectors of a symmetric matrix (or of each matrix
 * of a batch `[..., n, n]`): `[values, vectors]` with `values [..., n]`
 * ascending and `vectors [..., n, n]` orthonormal, in columns
 * (`a = V diag(values) Vᵀ`); each vector's largest entry is positive. It
 * factors the symmetric part `(a + aᵀ) / 2` (a matrix further than 1e-3 of
 * its largest entry from symmetric is refused, as are NaN and infinite
 * entries). The gradient of the values is defined everywhere; that of the
 * vectors only where the eigenvalues are distinct (at repeated ones it is
 * Infinity or NaN: use only losses that do not depend on the basis of an
 * eigenspace there).
 *
 * @example
 * const [w, v] = ag.eigh(ag.tensor([[2, 1], [1, 2]]));
 * w.toArray(); // [1, 3]
 * v.toArray(); // [[0.7071, 0.7071], [-0.7071, 0.7071]]
 */
export const eigh = multiOp({
  name: 'eigh', forward: eighForward,
  args: custom((op: string, a: Tensor): [Tensor] => [matrix(op, a, true)]),
}).grads(([dw, dv], [w, v]) => {
  let inner = dw === null ? null : diagEmbed(dw);
  if (dv !== null) {
    const term = raw.mul(gaps(w), mm(v, dv, true, false));
    inner = inner === null ? term : raw.add(inner, term);
  }
  return sym(mm(mm(v, inner!), v, false, true));
});

// ---- svd ----

function svdForward(a: Tensor): [Tensor, Tensor, Tensor] {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const batch = a.shape.slice(0, a.ndim - 2);
  const u = empty([...batch, m, k], a.dtype, 'svd');
  const s = empty([...batch, k], a.dtype, 'svd');
  const vt = empty([...batch, k, n], a.dtype, 'svd');
  if (a.size === 0) return [u, s, vt];
  checkFinite('svd', a);
  const info = withWork('svd', a.dtype, workSize('svd', m, n), (work) =>
    kernelFor<(a: Ptr, u: Ptr, s: Ptr, vt: Ptr, m: number, n: number, count: number, work: Ptr) => number>('svd', a.dtype)(
      a._ptr, u._ptr, s._ptr, vt._ptr, m, n, shapeSize(batch), work));
  if (info !== 0) throw new ArgumentError(`svd: the iteration did not converge for ${which(a.shape, info - 1)}`);
  return [u, s, vt];
}

// A = U diag(s) Vᵀ, thin (k = min(m, n)), F[i, j] = 1 / (s[j]² - s[i]²):
// Ā = U [diag(s̄) + (F ∘ (UᵀŪ - ŪᵀU)) S + S (F ∘ (VᵀV̄ - V̄ᵀV))] Vᵀ
//     + (I - UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I - VVᵀ)     (Townsend 2016),
// the last two terms only where U (V) has more rows than columns, where
// they are not zero. Here V̄ᵀ is the gradient of vt itself.
/**
 * The thin singular value decomposition of a matrix (or of each matrix of a
 * batch `[..., m, n]`): `[u, s, vt]` with `a = u diag(s) vt`, `k = min(m, n)`,
 * `u [..., m, k]` and `vt [..., k, n]` with orthonormal columns / rows, and
 * `s [..., k]` non-negative and descending (numpy's `full_matrices=False`);
 * each column of `u` has its largest entry positive. The gradient of `s` is
 * defined everywhere; those of `u` and `vt` where the singular values are
 * distinct and (for non-square matrices) non-zero; elsewhere they are
 * Infinity or NaN. NaN or infinite entries are an ArgumentError.
 *
 * @example
 * const [u, s, vt] = ag.svd(ag.tensor([[3, 0], [0, -2]]));
 * s.toArray(); // [3, 2]
 */
export const svd = multiOp({
  name: 'svd', forward: svdForward,
  args: custom((op: string, a: Tensor): [Tensor] => [matrix(op, a, false)]),
}).grads(([du, ds, dvt], [u, s, vt]) => {
  const m = u.shape[u.ndim - 2];
  const n = vt.shape[vt.ndim - 1];
  const k = s.shape[s.ndim - 1];
  const f = du === null && dvt === null ? null : gaps(raw.mul(s, s));
  let inner: Tensor | null = ds === null ? null : diagEmbed(ds);
  const add = (t: Tensor) => (inner = inner === null ? t : raw.add(inner, t));
  if (du !== null) {
    const j = mm(u, du, true, false); // UᵀŪ
    add(scaleColumns(raw.mul(f!, raw.sub(j, T(j))), s));
  }
  if (dvt !== null) {
    const j = mm(vt, dvt, false, true); // VᵀV̄
    add(scaleRows(raw.mul(f!, raw.sub(j, T(j))), s));
  }
  let da = mm(mm(u, inner!), vt);
  if (du !== null && m > k) {
    const rest = raw.sub(du, mm(u, mm(u, du, true, false))); // (I - UUᵀ) Ū
    da = raw.add(da, mm(raw.div(rest, raw.reshape(s, [...s.shape.slice(0, s.ndim - 1), 1, k])), vt));
  }
  if (dvt !== null && n > k) {
    const rest = raw.sub(dvt, mm(mm(dvt, vt, false, true), vt)); // V̄ᵀ (I - VVᵀ)
    da = raw.add(da, mm(u, raw.div(rest, raw.reshape(s, [...s.shape, 1]))));
  }
  return da;
});

// ---- qr ----

function qrForward(a: Tensor): [Tensor, Tensor] {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const batch = a.shape.slice(0, a.ndim - 2);
  const q = empty([...batch, m, k], a.dtype, 'qr');
  const r = empty([...batch, k, n], a.dtype, 'qr');
  if (a.size === 0) {
    fill(r, 0);
    return [q, r];
  }
  checkFinite('qr', a);
  withWork('qr', a.dtype, workSize('qr', m, n), (work) =>
    kernelFor<(a: Ptr, q: Ptr, r: Ptr, m: number, n: number, count: number, work: Ptr) => void>('qr', a.dtype)(
      a._ptr, q._ptr, r._ptr, m, n, shapeSize(batch), work));
  return [q, r];
}

/**
 * The QR gradient for a square or tall A (R square, invertible):
 * Ā = (Q̄ + Q copyltu(M)) R⁻ᵀ with M = R R̄ᵀ - Q̄ᵀ Q, where copyltu makes a
 * symmetric matrix of M's lower triangle (Walter and Lehmann 2018).
 */
function qrTallGradient(q: Tensor, r: Tensor, dq: Tensor | null, dr: Tensor | null): Tensor {
  let mt: Tensor | null = dr === null ? null : mm(r, dr, false, true);
  if (dq !== null) mt = mt === null ? raw.neg(mm(dq, q, true, false)) : raw.sub(mt, mm(dq, q, true, false));
  const copyltu = raw.add(raw.tril(mt!, 0), T(raw.tril(mt!, -1)));
  const b = dq === null ? mm(q, copyltu) : raw.add(dq, mm(q, copyltu));
  // B R⁻ᵀ = (R⁻¹ Bᵀ)ᵀ
  return T(raw.solveTriangular(r, T(b), false, false, false, false));
}

// A wide matrix A = [X | Y] (X square) has Q R1 = X and R2 = Qᵀ Y, so
// Ȳ = Q R̄2 and X sees Q̄ + Y R̄2ᵀ, with the square rule above for the rest.
/**
 * The reduced QR decomposition of a matrix (or of each matrix of a batch
 * `[..., m, n]`): `[q, r]` with `a = q r`, `k = min(m, n)`, `q [..., m, k]`
 * with orthonormal columns and `r [..., k, n]` upper triangular with a
 * non-negative diagonal (so it is unique for a matrix of full rank), by
 * Householder reflections. The gradient needs the leading k x k block of `r`
 * invertible (full rank); NaN or infinite entries are an ArgumentError.
 *
 * @example
 * const [q, r] = ag.qr(ag.tensor([[3, 1], [4, 2]]));
 * r.toArray(); // [[5, 2.2], [0, 0.4]]
 */
export const qr = multiOp({
  name: 'qr', forward: qrForward,
  args: custom((op: string, a: Tensor): [Tensor] => [matrix(op, a, false)]),
}).grads(([dq, dr], [q, r], a) => {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  if (m >= n) return qrTallGradient(q, r, dq, dr);
  const last = a.ndim - 1;
  const [, y] = raw.split(a, last, [m, n - m]);
  const [r1, ] = raw.split(r, last, [m, n - m]);
  const [dr1, dr2] = dr === null ? [null, null] : raw.split(dr, last, [m, n - m]);
  let dqx = dq;
  if (dr2 !== null) dqx = dqx === null ? mm(y, dr2, false, true) : raw.add(dqx, mm(y, dr2, false, true));
  const dx = dqx === null && dr1 === null ? null : qrTallGradient(q, r1, dqx, dr1);
  const full = a.shape.slice();
  const zeros = a.shape.map(() => 0);
  let da: Tensor | null = dx === null ? null : raw.pad(dx, zeros, full, 0);
  if (dr2 !== null) {
    const before = zeros.slice();
    before[last] = m;
    const dy = raw.pad(mm(q, dr2), before, full, 0);
    da = da === null ? dy : raw.add(da, dy);
  }
  return da;
});

// ---- slogdet ----

function slogdetForward(a: Tensor): [Tensor, Tensor] {
  const n = a.shape[a.ndim - 1];
  const batch = a.shape.slice(0, a.ndim - 2);
  const sign = empty(batch, a.dtype, 'slogdet');
  const logabs = empty(batch, a.dtype, 'slogdet');
  if (sign.size === 0) return [sign, logabs];
  if (n === 0) {
    fill(sign, 1);
    fill(logabs, 0);
    return [sign, logabs];
  }
  const count = sign.size;
  const lu = empty(a.shape.slice(), a.dtype, 'slogdet');
  try {
    kernels().copy_bytes(lu._ptr, a._ptr, a.size * bytesPerElement(a.dtype));
    const pivBytes = count * n * 4;
    const piv = allocBytes(pivBytes, 'slogdet');
    try {
      kernelFor<(a: Ptr, piv: Ptr, n: number, count: number) => number>('lu', a.dtype)(lu._ptr, piv, n, count);
      kernelFor<(f: Ptr, piv: Ptr, out: Ptr, n: number, count: number) => void>('lu_sign', a.dtype)(lu._ptr, piv, sign._ptr, n, count);
      kernelFor<(f: Ptr, out: Ptr, n: number, count: number) => void>('lu_logabsdet', a.dtype)(lu._ptr, logabs._ptr, n, count);
    } finally {
      freeBytes(piv, pivBytes);
    }
  } finally {
    lu.dispose();
  }
  return [sign, logabs];
}

// sign is piecewise constant (no gradient); d log|det A| = tr(A⁻¹ dA), so
// Ā = logabsdet̄ A⁻ᵀ.
/**
 * The sign and the log of the absolute value of the determinant of a square
 * matrix (or of each matrix of a batch `[..., n, n]`), `[sign, logabsdet]`
 * with `det = sign * exp(logabsdet)`, from one LU decomposition: neither
 * overflows where `det` would. A singular matrix gives sign 0 and
 * logabsdet -Infinity (as numpy), and its gradient throws. The sign has no
 * gradient; logabsdet's is `inv(a)ᵀ`.
 *
 * @example
 * const [sign, logabsdet] = ag.slogdet(ag.tensor([[1, 2], [3, 4]]));
 * sign.item();      // -1
 * logabsdet.item(); // Math.log(2)
 */
export const slogdet = multiOp({
  name: 'slogdet', forward: slogdetForward,
  args: custom((op: string, a: Tensor): [Tensor] => [matrix(op, a, true)]),
}).grads(([, dlog], [, logabs], a) =>
  dlog === null ? null : raw.mul(raw.reshape(dlog, [...logabs.shape, 1, 1]), T(raw.inv(a, 'slogdet (gradient)'))));

// ---- pinv and lstsq ----

interface PinvOptions {
  /**
   * Singular values at or below `rtol` times the largest are treated as zero
   * (default `max(m, n)` times the dtype's machine epsilon, as numpy 2).
   */
  rtol?: number;
}

function rtolOf(op: string, a: Tensor, opts: unknown): number {
  const o = options<PinvOptions>(op, opts, ['rtol'], '{ rtol: 1e-10 }');
  if (o.rtol === undefined) {
    const eps = a.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
    return Math.max(a.shape[a.ndim - 1], a.shape[a.ndim - 2]) * eps;
  }
  if (typeof o.rtol !== 'number' || !(o.rtol >= 0)) throw new ArgumentError(`${op}: rtol must be a non-negative number, got ${describe(o.rtol)}`);
  return o.rtol;
}

function pinvForward(a: Tensor, rtol: number): Tensor {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const batch = a.shape.slice(0, a.ndim - 2);
  if (a.size === 0) {
    const out = empty([...batch, n, m], a.dtype, 'pinv');
    fill(out, 0);
    return out;
  }
  const [u, s, vt] = svdForward(a);
  try {
    // s⁺: 1 / s above the cut (rtol times each matrix's largest), 0 below.
    const k = Math.min(m, n);
    const heap = s.dtype === 'float32' ? heapF32() : heapF64();
    const start = s._ptr / bytesPerElement(s.dtype);
    for (let q = start; q < start + s.size; q += k) {
      const cut = rtol * heap[q];
      for (let i = q; i < q + k; i++) heap[i] = heap[i] > cut ? 1 / heap[i] : 0;
    }
    const scaled = raw.mul(vt, raw.reshape(s, [...batch, k, 1])); // diag(s⁺) Vᵀ
    try {
      return raw.matmul(scaled, u, true, true); // V diag(s⁺) Uᵀ
    } finally {
      scaled.dispose();
    }
  } finally {
    u.dispose();
    s.dispose();
    vt.dispose();
  }
}

// X = A⁺ (of locally constant rank): dX = -X dA X + X Xᵀ dAᵀ (I - A X)
// + (I - X A) dAᵀ Xᵀ X (Golub and Pereyra 1973), whose adjoint is
// Ā = -Xᵀ X̄ Xᵀ + (I - A X) X̄ᵀ X Xᵀ + Xᵀ X X̄ᵀ (I - X A).
/**
 * The Moore-Penrose pseudo-inverse `[..., n, m]` of a matrix (or of each
 * matrix of a batch `[..., m, n]`), from its SVD: singular values at or
 * below `rtol` times the largest (default `max(m, n)` times machine
 * epsilon) count as zero. Its gradient is that of the pseudo-inverse at
 * constant rank, so it is defined for rank-deficient matrices too (but
 * jumps where the rank changes).
 *
 * @example
 * ag.pinv(ag.tensor([[1, 0], [0, 0]])).toArray(); // [[1, 0], [0, 0]]
 * ag.pinv(ag.tensor([[1], [1]])).toArray();       // [[0.5, 0.5]]
 */
export const pinv = op({
  name: 'pinv', forward: pinvForward,
  args: custom((op: string, a: Tensor, opts?: PinvOptions): [Tensor, number] => {
    matrix(op, a, false);
    checkFinite(op, a); // (else the SVD inside would report it under its own name)
    return [a, rtolOf(op, a, opts)];
  }),
}).grads((dx, x, a) => {
  const first = raw.neg(mm(mm(x, dx, true, false), x, false, true));
  const w = mm(mm(dx, x, true, false), x, false, true); // X̄ᵀ X Xᵀ
  const second = raw.sub(w, mm(a, mm(x, w)));
  const v = mm(mm(x, x, true, false), dx, false, true); // Xᵀ X X̄ᵀ
  const third = raw.sub(v, mm(mm(v, x), a));
  return raw.add(first, raw.add(second, third));
}, null);

/**
 * The least-squares solution `x` minimizing `|a x - b|` (the minimum-norm
 * one when `a` is rank-deficient or wide), as numpy's `lstsq(a, b)[0]`:
 * `pinv(a, { rtol }) b`. `a` is `[..., m, n]`; `b` is `[m]` (the result is
 * `[..., n]`) or `[..., m, k]` (the result `[..., n, k]`); batch axes
 * broadcast. Differentiable in both, through pinv.
 *
 * @example
 * // the line through (0, 1), (1, 3), (2, 5): intercept 1, slope 2
 * ag.lstsq(ag.tensor([[1, 0], [1, 1], [1, 2]]), ag.tensor([1, 3, 5])).toArray(); // [1, 2]
 */
export const lstsq = compose({
  name: 'lstsq',
  args: custom((op: string, a: Tensor, b: Tensor, opts?: PinvOptions): [Tensor, Tensor, number] => {
    matrix(op, a, false);
    checkTensor(op, b, 'b');
    sameDType(op, a, b);
    checkFinite(op, a);
    const m = a.shape[a.ndim - 2];
    if (b.ndim === 1 ? b.shape[0] !== m : b.shape[b.ndim - 2] !== m) {
      throw new ShapeError(`${op}: b must be [${m}] or [..., ${m}, k] to fit a of shape ${shapeString(a.shape)}, got ${shapeString(b.shape)}`);
    }
    if (b.ndim > 1 && tryBroadcastShapes(a.shape.slice(0, a.ndim - 2), b.shape.slice(0, b.ndim - 2)) === null) {
      throw new ShapeError(`${op}: batch dimensions of a ${shapeString(a.shape)} and b ${shapeString(b.shape)} cannot be broadcast together`);
    }
    return [a, b, rtolOf(op, a, opts)];
  }),
}).as((a, b, rtol) => raw.matmul(raw.pinv(a, rtol), b, false, false));

// ---- matrixPower and expm ----

/**
 * `a` multiplied by itself `k` times (an integer; `k = 0` gives the identity,
 * negative `k` powers of `inv(a)`), for a square matrix or a batch
 * `[..., n, n]`, by repeated squaring (about 2 log2 |k| products).
 *
 * @example
 * ag.matrixPower(ag.tensor([[1, 1], [0, 1]]), 3).toArray(); // [[1, 3], [0, 1]]
 */
export const matrixPower = compose({
  name: 'matrixPower',
  args: custom((op: string, a: Tensor, k: number): [Tensor, number] => {
    matrix(op, a, true);
    if (typeof k !== 'number' || !Number.isInteger(k)) throw new ArgumentError(`${op}: k must be an integer, got ${describe(k)}`);
    return [a, k];
  }),
}).as((a, k) => {
  const n = a.shape[a.ndim - 1];
  // a * 0 + I keeps a's batch shape (and a zero gradient) for k = 0.
  if (k === 0) return raw.add(raw.mul(a, 0), eye(n, { dtype: a.dtype }));
  let base = k < 0 ? raw.inv(a, 'matrixPower') : a;
  let e = Math.abs(k);
  let result: Tensor | null = null;
  for (;;) {
    if (e & 1) result = result === null ? base : mm(result, base);
    e = Math.floor(e / 2);
    if (e === 0) break;
    base = mm(base, base);
  }
  return result === a ? raw.mul(a, 1) : result!;
});

/** Padé (6, 6) coefficients c_j = (12 - j)! 6! / (12! j! (6 - j)!). */
const PADE6 = [1, 1 / 2, 5 / 44, 1 / 66, 1 / 792, 1 / 15840, 1 / 665280];

/**
 * The matrix exponential `I + a + a²/2 + a³/6 + ...` of a square matrix (or
 * of each of a batch `[..., n, n]`), by scaling and squaring with a
 * (6, 6) Padé approximant: `a / 2^s` is brought to a 1-norm of at most 1/2
 * (where the approximant is exact to float64 rounding), then squared back
 * s times. Made of matmul and solve, so it is differentiable to any order.
 *
 * @example
 * ag.expm(ag.tensor([[0, 1], [0, 0]])).toArray(); // [[1, 1], [0, 1]]
 */
export const expm = compose({
  name: 'expm',
  args: custom((op: string, a: Tensor): [Tensor] => {
    matrix(op, a, true);
    checkFinite(op, a);
    return [a];
  }),
}).as((a) => {
  const n = a.shape[a.ndim - 1];
  // The scaling is chosen from the values (a constant on the tape): the
  // largest 1-norm (maximum column sum) over the batch.
  const values = a.data();
  let norm = 0;
  for (let q = 0; q < values.length; q += n * n) {
    for (let j = 0; j < n; j++) {
      let col = 0;
      for (let i = 0; i < n; i++) col += Math.abs(values[q + i * n + j]);
      norm = Math.max(norm, col);
    }
  }
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const x = s === 0 ? a : raw.mul(a, 2 ** -s);
  const id = eye(n, { dtype: a.dtype });
  // p(x) = Σ c_j x^j, q(x) = p(-x): the even powers shared.
  let even = raw.mul(id, PADE6[0]);
  let odd: Tensor | null = null;
  let power: Tensor = x;
  for (let j = 1; j <= 6; j++) {
    if (j > 1) power = mm(power, x);
    const term = raw.mul(power, PADE6[j]);
    if (j % 2 === 0) even = raw.add(even, term);
    else odd = odd === null ? term : raw.add(odd, term);
  }
  let r = raw.solve(raw.sub(even, odd!), raw.add(even, odd!), false);
  for (let i = 0; i < s; i++) r = mm(r, r);
  return r;
});
