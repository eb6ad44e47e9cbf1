// Kernels for src/ops/compare.ts: the broadcasting comparisons and the
// elementwise tests (isnan, isfinite), whose results are bool (u8, 0 or 1),
// and the select behind `where`, whose condition is bool. int32 operands
// compare as i32; bool operands are widened to int32 by the front end first.

import { lanes } from "./simd";
import { offA, offB, offC, rowLength, rowStride, step, walkRows } from "./strided";

const EQ = 0;
const NE = 1;
const LT = 2;
const LE = 3;
const GT = 4;
const GE = 5;

// NaN compares unequal to everything, itself included: `!=` is true, the rest false.
@inline function compareScalar<T>(op: i32, a: T, b: T): bool {
  if (op == EQ) return a == b;
  if (op == NE) return a != b;
  if (op == LT) return a < b;
  if (op == LE) return a <= b;
  if (op == GT) return a > b;
  return a >= b;
}

@inline function compareVector<T>(op: i32, a: v128, b: v128): v128 {
  if (op == EQ) return v128.eq<T>(a, b);
  if (op == NE) return v128.ne<T>(a, b);
  if (op == LT) return v128.lt<T>(a, b);
  if (op == LE) return v128.le<T>(a, b);
  if (op == GT) return v128.gt<T>(a, b);
  return v128.ge<T>(a, b);
}

// The lanes' all-ones / all-zeros masks as one byte each, 0 or 1, stored at
// `out` (4 bytes for 32-bit lanes, 2 for 64-bit ones).
@inline function storeMask<T>(out: usize, mask: v128): void {
  const one = i8x16.splat(1);
  if (sizeof<T>() == 4) {
    v128.store32_lane(out, v128.and(i8x16.shuffle(mask, mask, 0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), one), 0);
  } else {
    v128.store16_lane(out, v128.and(i8x16.shuffle(mask, mask, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), one), 0);
  }
}

// One contiguous output row (u8); each operand walks with unit stride, stays
// put (a broadcast scalar) or walks with another stride. The op is loop
// invariant: its branches cost nothing next to the loads.
@inline function compareRow<T>(op: i32, a: usize, strideA: i32, b: usize, strideB: i32, out: usize, n: i32): void {
  const shift = alignof<T>();
  let i = 0;
  if (strideA == 1 && strideB == 1) {
    for (; i + lanes<T>() <= n; i += lanes<T>()) {
      const off = <usize>i << shift;
      storeMask<T>(out + <usize>i, compareVector<T>(op, v128.load(a + off), v128.load(b + off)));
    }
  } else if (strideA == 0 && strideB == 1) {
    const va = v128.splat<T>(load<T>(a));
    for (; i + lanes<T>() <= n; i += lanes<T>()) {
      storeMask<T>(out + <usize>i, compareVector<T>(op, va, v128.load(b + (<usize>i << shift))));
    }
  } else if (strideA == 1 && strideB == 0) {
    const vb = v128.splat<T>(load<T>(b));
    for (; i + lanes<T>() <= n; i += lanes<T>()) {
      storeMask<T>(out + <usize>i, compareVector<T>(op, v128.load(a + (<usize>i << shift)), vb));
    }
  }
  const stepA = <usize>strideA << shift;
  const stepB = <usize>strideB << shift;
  let pa = a + <usize>i * stepA;
  let pb = b + <usize>i * stepB;
  for (; i < n; i++) {
    store<u8>(out + <usize>i, compareScalar<T>(op, load<T>(pa), load<T>(pb)) ? 1 : 0);
    pa += stepA;
    pb += stepB;
  }
}

// Over collapsed broadcast shapes (./strided.ts); out is contiguous u8.
@inline function compare<T>(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesA: usize, stridesB: usize): void {
  if (ndim == 0) {
    store<u8>(out, compareScalar<T>(op, load<T>(a), load<T>(b)) ? 1 : 0);
    return;
  }
  const shift = alignof<T>();
  const n = rowLength(ndim, shape);
  const sa = rowStride(ndim, stridesA);
  const sb = rowStride(ndim, stridesB);
  const rows = walkRows(ndim, shape);
  let po = out;
  for (let r = 0; r < rows; r++) {
    compareRow<T>(op, a + (<usize>offA << shift), sa, b + (<usize>offB << shift), sb, po, n);
    po += <usize>n;
    step(ndim - 1, shape, 2, stridesA, stridesB);
  }
}

export function compare_f32(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void {
  compare<f32>(op, a, b, out, ndim, shape, sa, sb);
}
export function compare_f64(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void {
  compare<f64>(op, a, b, out, ndim, shape, sa, sb);
}
export function compare_i32(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void {
  compare<i32>(op, a, b, out, ndim, shape, sa, sb);
}

// ---- isnan, isfinite ----

const ISNAN = 0;
const ISFINITE = 1; // x - x is 0: not NaN, not ±Infinity

@inline function test<T>(op: i32, x: usize, out: usize, n: i32): void {
  const shift = alignof<T>();
  const zero = v128.splat<T>(0);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const v = v128.load(x + (<usize>i << shift));
    storeMask<T>(out + <usize>i, op == ISNAN ? v128.ne<T>(v, v) : v128.eq<T>(v128.sub<T>(v, v), zero));
  }
  for (; i < n; i++) {
    const v = load<T>(x + (<usize>i << shift));
    store<u8>(out + <usize>i, (op == ISNAN ? v != v : v - v == <T>0) ? 1 : 0);
  }
}

export function isnan_f32(x: usize, out: usize, n: i32): void { test<f32>(ISNAN, x, out, n); }
export function isnan_f64(x: usize, out: usize, n: i32): void { test<f64>(ISNAN, x, out, n); }
export function isfinite_f32(x: usize, out: usize, n: i32): void { test<f32>(ISFINITE, x, out, n); }
export function isfinite_f64(x: usize, out: usize, n: i32): void { test<f64>(ISFINITE, x, out, n); }

// ---- where ----

/** Lanes of T selected where the bool bytes at `c` are nonzero. */
@inline function condMask<T>(c: usize): v128 {
  if (sizeof<T>() == 1) return i8x16.ne(v128.load(c), i8x16.splat(0));
  if (sizeof<T>() == 4) {
    return i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(c))), i32x4.splat(0));
  }
  return i64x2.ne(i64x2.replace_lane(i64x2.splat(<i64>load<u8>(c)), 1, <i64>load<u8>(c, 1)), i64x2.splat(0));
}

// One contiguous output row of where: out = cond ? a : b. Strides are
// element strides (cond's in bytes); operands with stride 0 or 1 all along
// the row take the SIMD path. T only moves bits, so the f32 instance serves
// int32 too.
@inline function whereRow<T>(
  c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32,
): void {
  const shift = alignof<T>();
  let i = 0;
  if (<u32>sc <= 1 && <u32>sa <= 1 && <u32>sb <= 1) {
    const vc0 = load<u8>(c) != 0 ? i8x16.splat(-1) : i8x16.splat(0);
    const va0 = v128.splat<T>(load<T>(a));
    const vb0 = v128.splat<T>(load<T>(b));
    for (; i + lanes<T>() <= n; i += lanes<T>()) {
      const off = <usize>i << shift;
      const vc = sc != 0 ? condMask<T>(c + <usize>i) : vc0;
      const va = sa != 0 ? v128.load(a + off) : va0;
      const vb = sb != 0 ? v128.load(b + off) : vb0;
      v128.store(out + off, v128.bitselect(va, vb, vc));
    }
  }
  let pc = c + <usize>(i * sc);
  let pa = a + (<usize>(i * sa) << shift);
  let pb = b + (<usize>(i * sb) << shift);
  const stepA = <usize>sa << shift;
  const stepB = <usize>sb << shift;
  for (; i < n; i++) {
    store<T>(out + (<usize>i << shift), load<u8>(pc) != 0 ? load<T>(pa) : load<T>(pb));
    pc += <usize>sc;
    pa += stepA;
    pb += stepB;
  }
}

// where over collapsed broadcast shapes (./strided.ts): `shape` has `ndim`
// axes, each operand its element strides; out is contiguous.
@inline function where<T>(
  c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesC: usize, stridesA: usize, stridesB: usize,
): void {
  if (ndim == 0) {
    store<T>(out, load<u8>(c) != 0 ? load<T>(a) : load<T>(b));
    return;
  }
  const shift = alignof<T>();
  const n = rowLength(ndim, shape);
  const sc = rowStride(ndim, stridesC);
  const sa = rowStride(ndim, stridesA);
  const sb = rowStride(ndim, stridesB);
  const rows = walkRows(ndim, shape);
  let po = out;
  for (let r = 0; r < rows; r++) {
    whereRow<T>(c + <usize>offC, sc, a + (<usize>offA << shift), sa, b + (<usize>offB << shift), sb, po, n);
    po += <usize>n << shift;
    step(ndim - 1, shape, 3, stridesA, stridesB, stridesC);
  }
}

export function where_f32(c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  where<f32>(c, a, b, out, ndim, shape, sc, sa, sb);
}
export function where_f64(c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  where<f64>(c, a, b, out, ndim, shape, sc, sa, sb);
}
export function where_u8(c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  where<u8>(c, a, b, out, ndim, shape, sc, sa, sb);
}
export { where_f32 as where_i32 };
