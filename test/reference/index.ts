// Plain-JavaScript reference implementations of every kernel in assembly/.
// Obviously correct rather than fast: explicit loops over flat row-major
// arrays and shapes, computed in float64, then rounded to the dtype under
// test with `roundTo`. The kernel suite (test/kernels.test.ts) compares the
// library against these.

export type Shape = readonly number[];
export type DType = 'float32' | 'float64';
export type Flat = ArrayLike<number>;

/** A flat row-major array with its shape. */
export interface NdArray {
  data: Float64Array;
  shape: number[];
}

// ---- shapes ----

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** The multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return index;
}

/** numpy's broadcasting rule, or throws. */
export function broadcastShape(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) throw new Error(`reference: cannot broadcast [${a}] with [${b}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Flat position in an array of `shape` read at `outIndex` of a broadcast result (right-aligned, size-1 axes repeat). */
export function broadcastOffset(shape: Shape, outIndex: readonly number[]): number {
  const lead = outIndex.length - shape.length;
  const strides = stridesOf(shape);
  let offset = 0;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) offset += outIndex[i + lead] * strides[i];
  }
  return offset;
}

// ---- rounding ----

/** Rounds a float64 to the nearest value of `dtype` (ties to even, like the hardware). */
export function roundTo(dtype: DType): (v: number) => number {
  return dtype === 'float32' ? Math.fround : (v: number) => v;
}

export function roundAll(dtype: DType, values: Flat): Float64Array {
  const r = roundTo(dtype);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = r(values[i]);
  return out;
}

// ---- fill, cast, copies ----

/** `full(shape, value)`: every element is `value` rounded to the dtype. */
export function fill(shape: Shape, value: number, dtype: DType): NdArray {
  const data = new Float64Array(sizeOf(shape)).fill(roundTo(dtype)(value));
  return { data, shape: shape.slice() };
}

/** `cast(x, dtype)`: each element rounded to the target dtype. */
export function cast(x: Flat, dtype: DType): Float64Array {
  return roundAll(dtype, x);
}

/** Permutes the axes of x: out[i0..] = x[index with out axis k = x axis perm[k]]. */
export function transpose(x: Flat, shape: Shape, perm: readonly number[]): NdArray {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  const n = sizeOf(outShape);
  const data = new Float64Array(n);
  for (let flat = 0; flat < n; flat++) {
    const index = unravel(flat, outShape);
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += index[k] * inStrides[perm[k]];
    data[flat] = x[src];
  }
  return { data, shape: outShape };
}

/** numpy's broadcast_to: x repeated along its size-1 and missing leading axes. */
export function broadcastTo(x: Flat, shape: Shape, outShape: Shape): NdArray {
  const n = sizeOf(outShape);
  const data = new Float64Array(n);
  for (let flat = 0; flat < n; flat++) data[flat] = x[broadcastOffset(shape, unravel(flat, outShape))];
  return { data, shape: outShape.slice() };
}

// ---- elementwise ----

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

export const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

/**
 * A broadcasting binary op. For float32 the float64 result of one +, -, *
 * or / of two float32 values, rounded once to float32, is exactly the
 * float32 operation (float64 has more than 2*24+2 bits), so the result is
 * the exact expected output for both dtypes.
 */
export function binary(op: BinaryOp, a: Flat, aShape: Shape, b: Flat, bShape: Shape, dtype: DType): NdArray {
  const f = binaryFns[op];
  const r = roundTo(dtype);
  const outShape = broadcastShape(aShape, bShape);
  const n = sizeOf(outShape);
  const data = new Float64Array(n);
  for (let flat = 0; flat < n; flat++) {
    const index = unravel(flat, outShape);
    data[flat] = r(f(a[broadcastOffset(aShape, index)], b[broadcastOffset(bShape, index)]));
  }
  return { data, shape: outShape };
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'tanh';

export const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
};

/** An elementwise op computed in float64 and rounded to the dtype (exact for neg and sqrt). */
export function unary(op: UnaryOp, x: Flat, dtype: DType): Float64Array {
  const f = unaryFns[op];
  const r = roundTo(dtype);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = r(f(x[i]));
  return out;
}

/** `y + a*x` elementwise, rounding after each operation as the dtype's arithmetic does (no fused multiply-add). */
export function axpy(a: number, x: Flat, y: Flat, dtype: DType): Float64Array {
  const r = roundTo(dtype);
  const alpha = r(a);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = r(y[i] + r(alpha * x[i]));
  return out;
}

// ---- reductions ----

/**
 * The sum of x and the sum of |x|, both in float64 with Neumaier's
 * compensation (exact to float64 rounding for these sizes). The second is the
 * scale an error bound for a floating-point sum is proportional to.
 */
export function sumAll(x: Flat): { sum: number; abs: number } {
  let s = 0;
  let c = 0;
  let abs = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
    abs += Math.abs(v);
  }
  return { sum: s + c, abs };
}

/** Sorted non-negative axes from numbers that may be negative. */
export function normalizeAxes(axes: readonly number[], ndim: number): number[] {
  const out = axes.map((a) => (a < 0 ? a + ndim : a));
  for (const a of out) if (a < 0 || a >= ndim) throw new Error(`reference: axis out of range for rank ${ndim}`);
  if (new Set(out).size !== out.length) throw new Error('reference: repeated axis');
  return out.sort((p, q) => p - q);
}

/**
 * Sum over `axes` (undefined: all of them), keeping them as size 1 when
 * `keepdims`. Returns the sums and, per output element, the sum of |x| over
 * the same elements (the scale of the rounding error).
 */
export function sumAxes(x: Flat, shape: Shape, axes: readonly number[] | undefined, keepdims: boolean): NdArray & { abs: Float64Array } {
  const ax = axes === undefined ? shape.map((_, i) => i) : normalizeAxes(axes, shape.length);
  const keptShape = shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const outShape = keepdims ? keptShape : shape.filter((_, i) => !ax.includes(i));
  const n = sizeOf(keptShape);
  const sums = new Float64Array(n);
  const comp = new Float64Array(n);
  const abs = new Float64Array(n);
  const keptStrides = stridesOf(keptShape);
  for (let flat = 0; flat < x.length; flat++) {
    const index = unravel(flat, shape);
    let o = 0;
    for (let i = 0; i < shape.length; i++) if (!ax.includes(i)) o += index[i] * keptStrides[i];
    const v = x[flat];
    const t = sums[o] + v;
    comp[o] += Math.abs(sums[o]) >= Math.abs(v) ? sums[o] - t + v : v - t + sums[o];
    sums[o] = t;
    abs[o] += Math.abs(v);
  }
  for (let i = 0; i < n; i++) sums[i] += comp[i];
  return { data: sums, shape: outShape, abs };
}

// ---- matmul ----

/**
 * C = op(A) op(B) in float64, where op transposes when its flag is set: a
 * transposed A is stored [K, M], a transposed B is stored [N, K]. Returns C
 * [M, N] and, per element, sum_p |A[i,p]| |B[p,j]| (the scale of the
 * rounding error of any summation order).
 */
export function matmul(
  a: Flat, aShape: Shape, b: Flat, bShape: Shape, transA: boolean, transB: boolean,
): NdArray & { abs: Float64Array } {
  if (aShape.length !== 2 || bShape.length !== 2) throw new Error('reference: matmul takes 2-D operands');
  const m = transA ? aShape[1] : aShape[0];
  const k = transA ? aShape[0] : aShape[1];
  const kb = transB ? bShape[1] : bShape[0];
  const n = transB ? bShape[0] : bShape[1];
  if (k !== kb) throw new Error(`reference: matmul inner dimensions ${k} and ${kb} differ`);
  const at = (i: number, p: number): number => (transA ? a[p * m + i] : a[i * k + p]);
  const bt = (p: number, j: number): number => (transB ? b[j * k + p] : b[p * n + j]);
  const data = new Float64Array(m * n);
  const abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let e = 0;
      for (let p = 0; p < k; p++) {
        const prod = at(i, p) * bt(p, j);
        s += prod;
        e += Math.abs(prod);
      }
      data[i * n + j] = s;
      abs[i * n + j] = e;
    }
  }
  return { data, shape: [m, n], abs };
}

// ---- deterministic data ----

/** A small seeded generator (mulberry32), independent of the library's own. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** `n` values uniform in [lo, hi). */
  array(n: number, lo = -2, hi = 2): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform(lo, hi);
    return out;
  }
}

/** Every permutation of 0..n-1, in lexicographic order. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let pos = 0; pos <= rest.length; pos++) out.push([...rest.slice(0, pos), n - 1, ...rest.slice(pos)]);
  }
  return out.sort((p, q) => {
    for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return p[i] - q[i];
    return 0;
  });
}

/** Every non-empty subset of 0..n-1. */
export function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const s: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s.push(i);
    out.push(s);
  }
  return out;
}
