// Plain-JavaScript references for the op library (src/ops/*), used by the
// property suites (test/property*.test.ts). Like ./index.ts: obviously
// correct rather than fast — explicit loops over flat row-major float64
// arrays and their shapes, Math.* for the transcendentals, numpy's
// semantics for broadcasting, reductions, slicing and matmul.

import { broadcastOffset, broadcastShape, sizeOf, stridesOf, unravel, type Flat, type NdArray, type Shape } from './index';

export type { NdArray, Shape, Flat } from './index';

// ---- elementwise ----

/** numpy's remainder: the result takes the sign of b (Python's %); NaN for b = 0. */
export function numpyMod(a: number, b: number): number {
  if (b === 0) return NaN;
  let m = a % b; // fmod: exact
  if (m !== 0 && m < 0 !== b < 0) m += b;
  return m;
}

/** Round half to even (numpy's round, IEEE roundTiesToEven). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f; // exact for |x| < 2^52
  let r: number;
  if (d < 0.5) r = f;
  else if (d > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  // keep the sign of zero as the hardware does: round(-0.4) = -0
  return r === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : r;
}

/**
 * erf by its everywhere-convergent series of positive terms,
 * erf(x) = 2/√π e^{-x²} Σ 2^n x^{2n+1} / (1·3·…·(2n+1)), no cancellation.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  if (x > 6) return 1;
  let term = x;
  let s = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    s += term;
    if (term < s * 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * s;
}

/**
 * erfc with full relative accuracy in the upper tail: 1 - erf below 1, the
 * continued fraction erfc(x) = e^{-x²}/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
 * (evaluated bottom-up) above.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 1) return 1 - erf(x); // >= 0.157: no cancellation to speak of
  let k = 0;
  for (let n = 300; n >= 1; n--) k = n / 2 / (x + k);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + k);
}

/** The standard normal CDF Φ. */
export function normalCdf(x: number): number {
  return x < 0 ? erfc(-x / Math.SQRT2) / 2 : 1 - erfc(x / Math.SQRT2) / 2;
}

/** Elementwise references of the binary ops, numpy semantics. */
export const binaryRef: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
  atan2: (a, b) => Math.atan2(a, b),
  hypot: (a, b) => Math.hypot(a, b),
  mod: numpyMod,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

/** Elementwise references of the unary ops (Math.* where there is one). */
export const unaryRef: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  abs2: (x) => x * x,
  abs: Math.abs,
  sign: Math.sign,
  cbrt: Math.cbrt,
  exp2: (x) => Math.pow(2, x),
  expm1: Math.expm1,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : 0),
  // log(1 + e^x), written so that neither branch overflows or rounds 1 + tiny
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  gelu: (x) => x * normalCdf(x),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
};

/** A broadcasting binary op: f applied at every index of the broadcast shape. */
export function broadcastMap(f: (a: number, b: number) => number, a: Flat, aShape: Shape, b: Flat, bShape: Shape): NdArray {
  const shape = broadcastShape(aShape, bShape);
  const n = sizeOf(shape);
  const data = new Float64Array(n);
  for (let flat = 0; flat < n; flat++) {
    const index = unravel(flat, shape);
    data[flat] = f(a[broadcastOffset(aShape, index)], b[broadcastOffset(bShape, index)]);
  }
  return { data, shape };
}

export function map(f: (x: number) => number, x: Flat): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

// ---- reductions ----

/** Axes as numpy takes them: undefined is all, a number one axis, negatives count from the end; sorted, checked. */
export function resolveAxes(axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = list.map((a) => (a < 0 ? a + ndim : a));
  for (const a of out) if (a < 0 || a >= ndim) throw new Error(`reference: axis out of range for rank ${ndim}`);
  if (new Set(out).size !== out.length) throw new Error('reference: repeated axis');
  return out.sort((p, q) => p - q);
}

/** The shape after reducing `axes` (sorted, non-negative). */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * The groups a reduction over `axes` combines: for each output element (row
 * major), its inputs in row-major order (so along one axis, in index order).
 */
export function reductionGroups(x: Flat, shape: Shape, axes: readonly number[]): number[][] {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept);
  const groups: number[][] = Array.from({ length: sizeOf(kept) }, () => []);
  for (let flat = 0; flat < x.length; flat++) {
    const index = unravel(flat, shape);
    let o = 0;
    for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) o += index[i] * keptStrides[i];
    groups[o].push(x[flat]);
  }
  return groups;
}

/** Neumaier-compensated sum (exact to float64 rounding for these sizes). */
export function accurateSum(values: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const v of values) {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

export function variance(g: readonly number[], ddof: number): number {
  const m = accurateSum(g) / g.length;
  return accurateSum(g.map((v) => (v - m) * (v - m))) / Math.max(g.length - ddof, 0);
}

/** Per-group references of the reductions; they throw where numpy refuses (max of nothing). */
export const groupRef = {
  sum: (g: readonly number[]) => accurateSum(g),
  mean: (g: readonly number[]) => accurateSum(g) / g.length,
  prod: (g: readonly number[]) => g.reduce((p, v) => p * v, 1),
  max: (g: readonly number[]) => {
    if (g.length === 0) throw new Error('reference: max of no elements');
    return g.reduce((p, v) => (v > p || Number.isNaN(v) ? v : p), -Infinity);
  },
  min: (g: readonly number[]) => {
    if (g.length === 0) throw new Error('reference: min of no elements');
    return g.reduce((p, v) => (v < p || Number.isNaN(v) ? v : p), Infinity);
  },
  logsumexp: (g: readonly number[]) => {
    if (g.length === 0) return -Infinity;
    const m = Math.max(...g);
    if (!Number.isFinite(m)) return m;
    return m + Math.log(accurateSum(g.map((v) => Math.exp(v - m))));
  },
  variance: (g: readonly number[], ddof = 0) => variance(g, ddof),
  std: (g: readonly number[], ddof = 0) => Math.sqrt(variance(g, ddof)),
  norm: (g: readonly number[], p = 2) => {
    if (p === 1) return accurateSum(g.map(Math.abs));
    if (p === Infinity) {
      if (g.length === 0) throw new Error('reference: max |x| of no elements');
      return Math.max(...g.map(Math.abs));
    }
    // scaled by the largest |x| so that |x|^p neither underflows nor overflows
    const m = Math.max(0, ...g.map(Math.abs));
    if (m === 0 || !Number.isFinite(m)) return m;
    return m * Math.pow(accurateSum(g.map((v) => Math.pow(Math.abs(v) / m, p))), 1 / p);
  },
};

/** A reduction: `f` of each group, with the output shape numpy gives. */
export function reduce(
  f: (g: number[]) => number, x: Flat, shape: Shape, axis: number | readonly number[] | undefined, keepdims: boolean,
): NdArray & { groups: number[][] } {
  const axes = resolveAxes(axis, shape.length);
  const groups = reductionGroups(x, shape, axes);
  return { data: Float64Array.from(groups.map(f)), shape: reducedShape(shape, axes, keepdims), groups };
}

/** argmax / argmin along one axis or of the flattened array: first occurrence wins ties. */
export function argReduce(which: 'max' | 'min', x: Flat, shape: Shape, axis: number | undefined, keepdims: boolean): NdArray {
  const pick = (g: readonly number[]): number => {
    if (g.length === 0) throw new Error(`reference: arg${which} of no elements`);
    let best = 0;
    for (let i = 1; i < g.length; i++) {
      if (Number.isNaN(g[best])) break;
      if (Number.isNaN(g[i]) || (which === 'max' ? g[i] > g[best] : g[i] < g[best])) best = i;
    }
    return best;
  };
  if (axis === undefined) {
    return { data: Float64Array.of(pick(Array.from(x))), shape: keepdims ? shape.map(() => 1) : [] };
  }
  const axes = resolveAxes(axis, shape.length);
  const groups = reductionGroups(x, shape, axes);
  return { data: Float64Array.from(groups.map(pick)), shape: reducedShape(shape, axes, keepdims) };
}

// ---- indexing and joining ----

/** Python's slice semantics: the indices start:stop:step picks from 0..n-1. */
export function sliceIndices(n: number, start: number | null, stop: number | null, step: number | null): number[] {
  const s = step ?? 1;
  if (s === 0) throw new Error('reference: slice step 0');
  const out: number[] = [];
  if (s > 0) {
    let lo = start ?? 0;
    let hi = stop ?? n;
    if (lo < 0) lo = Math.max(lo + n, 0);
    if (hi < 0) hi = Math.max(hi + n, 0);
    lo = Math.min(lo, n);
    hi = Math.min(hi, n);
    for (let i = lo; i < hi; i += s) out.push(i);
  } else {
    let hi = start ?? n - 1;
    let lo = stop ?? -1; // exclusive; -1 here means "past the front"
    if (start !== null && hi < 0) hi = Math.max(hi + n, -1);
    if (stop !== null && lo < 0) lo = Math.max(lo + n, -1);
    hi = Math.min(hi, n - 1);
    lo = Math.min(lo, n - 1);
    for (let i = hi; i > lo; i += s) out.push(i);
  }
  return out;
}

export type SliceSpec = number | null | readonly [number | null, number | null] | readonly [number | null, number | null, number | null];

/** Basic indexing, one spec per leading axis: an integer drops its axis, a range keeps it, null keeps it whole. */
export function slice(x: Flat, shape: Shape, specs: readonly SliceSpec[]): NdArray {
  const picks: number[][] = [];
  const outShape: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    const spec = specs[d];
    if (spec === null || spec === undefined) {
      picks.push(Array.from({ length: n }, (_, i) => i));
      outShape.push(n);
    } else if (typeof spec === 'number') {
      if (spec < -n || spec >= n) throw new Error(`reference: index ${spec} out of range for size ${n}`);
      picks.push([spec < 0 ? spec + n : spec]);
    } else {
      const p = sliceIndices(n, spec[0], spec[1], spec.length === 3 ? spec[2] : null);
      picks.push(p);
      outShape.push(p.length);
    }
  }
  const counts = picks.map((p) => p.length);
  const strides = stridesOf(shape);
  const total = sizeOf(counts);
  const data = new Float64Array(total);
  for (let flat = 0; flat < total; flat++) {
    const index = unravel(flat, counts);
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += picks[d][index[d]] * strides[d];
    data[flat] = x[src];
  }
  return { data, shape: outShape };
}

/** Picks along `axis` by integer indices (negative from the end): shape[:axis] + indexShape + shape[axis+1:]. */
export function gather(x: Flat, shape: Shape, indices: readonly number[], indexShape: Shape, axis: number): NdArray {
  const a = axis < 0 ? axis + shape.length : axis;
  const n = shape[a];
  const outer = sizeOf(shape.slice(0, a));
  const inner = sizeOf(shape.slice(a + 1));
  const outShape = [...shape.slice(0, a), ...indexShape, ...shape.slice(a + 1)];
  const data = new Float64Array(sizeOf(outShape));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const raw of indices) {
      if (raw < -n || raw >= n) throw new Error(`reference: index ${raw} out of range for size ${n}`);
      const k = raw < 0 ? raw + n : raw;
      for (let j = 0; j < inner; j++) data[o++] = x[(i * n + k) * inner + j];
    }
  }
  return { data, shape: outShape };
}

/** Joins along an existing axis. */
export function concat(parts: readonly NdArray[], axis: number): NdArray {
  const rank = parts[0].shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const outShape = parts[0].shape.slice();
  outShape[a] = parts.reduce((s, p) => s + p.shape[a], 0);
  const data = new Float64Array(sizeOf(outShape));
  const outer = sizeOf(outShape.slice(0, a));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const p of parts) {
      const block = sizeOf(p.shape.slice(a));
      for (let j = 0; j < block; j++) data[o++] = p.data[i * block + j];
    }
  }
  return { data, shape: outShape };
}

/** Joins same-shape arrays along a new axis (counted in the result). */
export function stack(parts: readonly NdArray[], axis: number): NdArray {
  const rank = parts[0].shape.length + 1;
  const a = axis < 0 ? axis + rank : axis;
  const expanded = parts.map((p) => ({ data: p.data, shape: [...p.shape.slice(0, a), 1, ...p.shape.slice(a)] }));
  return concat(expanded, a);
}

/** Reverses the order along `axes`. */
export function flip(x: Flat, shape: Shape, axes: readonly number[]): NdArray {
  const ax = resolveAxes(axes, shape.length);
  const strides = stridesOf(shape);
  const data = new Float64Array(x.length);
  for (let flat = 0; flat < x.length; flat++) {
    const index = unravel(flat, shape);
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += (ax.includes(d) ? shape[d] - 1 - index[d] : index[d]) * strides[d];
    data[flat] = x[src];
  }
  return { data, shape: shape.slice() };
}

// ---- matmul ----

/**
 * numpy's matmul: a 1-D left operand is a row, a 1-D right operand a column
 * (and that axis is dropped from the result); N-D operands are stacks of
 * matrices in the last two axes with broadcast batch axes. `transA`/`transB`
 * mean the stored last two axes are swapped (ignored for 1-D operands).
 * Returns the product and, per element, sum_p |a_ip b_pj| (the scale of any
 * summation order's rounding error).
 */
export function matmul(
  a: Flat, aShape: Shape, b: Flat, bShape: Shape, transA = false, transB = false,
): NdArray & { abs: Float64Array } {
  if (aShape.length === 0 || bShape.length === 0) throw new Error('reference: matmul of a 0-d operand');
  const tA = transA && aShape.length >= 2;
  const tB = transB && bShape.length >= 2;
  const as = aShape.length === 1 ? [1, aShape[0]] : aShape.slice();
  const bs = bShape.length === 1 ? [bShape[0], 1] : bShape.slice();
  const ra = as.length;
  const rb = bs.length;
  const m = tA ? as[ra - 1] : as[ra - 2];
  const k = tA ? as[ra - 2] : as[ra - 1];
  const kb = tB ? bs[rb - 1] : bs[rb - 2];
  const n = tB ? bs[rb - 2] : bs[rb - 1];
  if (k !== kb) throw new Error(`reference: matmul inner dimensions ${k} and ${kb} differ`);
  const batchA = as.slice(0, ra - 2);
  const batchB = bs.slice(0, rb - 2);
  const batch = broadcastShape(batchA, batchB);
  const count = sizeOf(batch);
  const data = new Float64Array(count * m * n);
  const abs = new Float64Array(count * m * n);
  for (let t = 0; t < count; t++) {
    const index = unravel(t, batch);
    const offA = broadcastOffset(batchA, index) * m * k;
    const offB = broadcastOffset(batchB, index) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let e = 0;
        for (let p = 0; p < k; p++) {
          const av = a[offA + (tA ? p * m + i : i * k + p)];
          const bv = b[offB + (tB ? j * k + p : p * n + j)];
          s += av * bv;
          e += Math.abs(av * bv);
        }
        data[(t * m + i) * n + j] = s;
        abs[(t * m + i) * n + j] = e;
      }
    }
  }
  const shape = [...batch, m, n];
  if (bShape.length === 1) shape.splice(shape.length - 1, 1);
  if (aShape.length === 1) shape.splice(shape.length - (bShape.length === 1 ? 1 : 2), 1);
  return { data, shape, abs };
}

// ---- special functions (references for src/ops/special.ts) ----

/** sin(πx) without the rounding of πx: x is first reduced exactly to [-1/2, 1/2] (plus a sign). */
export function sinpi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let r = x - 2 * Math.round(x / 2); // exact: r in [-1, 1]
  let sign = 1;
  if (r < 0) {
    r = -r;
    sign = -1;
  }
  if (r > 0.5) r = 1 - r; // exact (Sterbenz); sin(π(1 - r)) = sin(πr)
  return r === 0 ? sign * 0 : sign * Math.sin(Math.PI * r);
}

/** cos(πx), reduced the same way. */
export function cospi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const r = Math.abs(x - 2 * Math.round(x / 2)); // [0, 1]
  if (r === 0.5) return 0;
  return r < 0.5 ? Math.cos(Math.PI * r) : -Math.cos(Math.PI * (1 - r));
}

const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330];

/** Γ(x) is +∞ at these (0, -1, -2, ...). */
const isPole = (x: number) => x <= 0 && Number.isInteger(x);

/**
 * log|Γ(x)|: Stirling's series at x + n >= 20, brought down by the product
 * x (x + 1) ... (x + n - 1); reflection below 1/2. Absolute accuracy about
 * 1e-14 (relative near the zeros at 1 and 2 is not attempted).
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x) || isPole(x)) return Infinity;
  // next to 0: log|Γ(x)| = -log|x| - γx + O(x²) (the reflection would overflow π / sin(πx))
  if (Math.abs(x) < 1e-8) return -Math.log(Math.abs(x)) - 0.5772156649015329 * x;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(sinpi(x))) - lgamma(1 - x);
  let prod = 1;
  let z = x;
  while (z < 20) {
    prod *= z;
    z += 1;
  }
  let series = 0;
  let zp = z;
  for (let k = 1; k <= BERNOULLI.length; k++) {
    series += BERNOULLI[k - 1] / (2 * k * (2 * k - 1) * zp);
    zp *= z * z;
  }
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - Math.log(prod);
}

/** ψ(x) = d/dx log Γ(x): recurrence up to x >= 20, asymptotic series, reflection for x < 1/2; NaN at the poles. */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity || isPole(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x < 0.5) return digamma(1 - x) - (Math.PI * cospi(x)) / sinpi(x);
  let shift = 0;
  let z = x;
  while (z < 20) {
    shift += 1 / z;
    z += 1;
  }
  let series = 0;
  let zp = z * z;
  for (let k = 1; k <= BERNOULLI.length; k++) {
    series += BERNOULLI[k - 1] / (2 * k * zp);
    zp *= z * z;
  }
  return Math.log(z) - 1 / (2 * z) - series - shift;
}

/**
 * ψ⁽ⁿ⁾(x) for x > 0: (-1)^(n+1) n! Σ_k 1/(x + k)^(n+1), summed directly up
 * to x + N >= 20 + n and by the Euler-Maclaurin tail beyond. Trigamma
 * (n = 1) also for negative x, by reflection; +∞ at its poles.
 */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  if (Number.isNaN(x)) return NaN;
  if (n === 1 && isPole(x)) return Infinity;
  if (n === 1 && x < 0.5) {
    const s = sinpi(x);
    return (Math.PI * Math.PI) / (s * s) - polygamma(1, 1 - x);
  }
  if (!(x > 0)) return NaN;
  if (x === Infinity) return 0;
  let factorial = 1; // n!
  for (let i = 2; i <= n; i++) factorial *= i;
  let head = 0;
  let z = x;
  while (z < 20 + n) {
    head += 1 / Math.pow(z, n + 1);
    z += 1;
  }
  // Σ_{k>=0} (z + k)^-(n+1) ≈ z^-n / n + z^-(n+1) / 2 + Σ_j B_2j (n+1)(n+2)...(n+2j-1) / (2j)! z^-(n+2j)
  let tail = 1 / (n * Math.pow(z, n)) + 1 / (2 * Math.pow(z, n + 1));
  let rising = 1; // (n+1)(n+2)...(n+2j-1) / (2j)!
  for (let j = 1; j <= BERNOULLI.length; j++) {
    rising *= j === 1 ? (n + 1) / 2 : ((n + 2 * j - 2) * (n + 2 * j - 1)) / ((2 * j - 1) * (2 * j));
    tail += (BERNOULLI[j - 1] * rising) / Math.pow(z, n + 2 * j);
  }
  return (n % 2 === 1 ? 1 : -1) * factorial * (head + tail);
}

/** erf⁻¹ on [-1, 1]: Newton's method on erf (on erfc for |x| >= 1/2, where 1 - |x| is exact) from Winitzki's estimate. */
export function erfinv(x: number): number {
  if (Number.isNaN(x) || x < -1 || x > 1) return NaN;
  if (x === 1 || x === -1) return x * Infinity;
  if (x === 0) return x;
  const a = Math.abs(x);
  const l = Math.log((1 - a) * (1 + a));
  const c = 2 / (Math.PI * 0.147) + l / 2;
  let y = Math.sqrt(Math.sqrt(c * c - l / 0.147) - c);
  const slope = (v: number) => (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v);
  for (let i = 0; i < 8; i++) {
    const step = a < 0.5 ? (erf(y) - a) / slope(y) : -(erfc(y) - (1 - a)) / slope(y);
    y -= step;
    if (Math.abs(step) <= 1e-17 * y) break;
  }
  return Math.sign(x) * y;
}
