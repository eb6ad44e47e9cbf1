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
// `out` (4 bytes for 32-bit lanes, 2 for 64-bit ones): the isnan/isfinite tails.
@inline function storeMask<T>(out: usize, mask: v128): void {
  const one = i8x16.splat(1);
  if (sizeof<T>() == 4) {
    v128.store32_lane(out, v128.and(i8x16.shuffle(mask, mask, 0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), one), 0);
  } else {
    v128.store16_lane(out, v128.and(i8x16.shuffle(mask, mask, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), one), 0);
  }
}

// How the operands of a SIMD run move: both walk, or b stays put (a
// broadcast scalar; a staying put is the mirrored comparison, b op a).
const BOTH = 0;
const B_STAYS = 1;

/** The op with its operands swapped: a < b is b > a. */
@inline function mirrored(op: i32): i32 {
  return op == LT ? GT : op == GT ? LT : op == LE ? GE : op == GE ? LE : op;
}

/** The masks of 4 elements of T as one i32x4 (two f64x2 masks joined), from byte offset `off`. */
@inline function mask4<T>(op: i32, mode: i32, a: usize, b: usize, off: usize, vb: v128): v128 {
  const x = v128.load(a + off);
  const y = mode == B_STAYS ? vb : v128.load(b + off);
  if (sizeof<T>() == 4) return compareVector<T>(op, x, y);
  const x2 = v128.load(a + off + 16);
  const y2 = mode == B_STAYS ? vb : v128.load(b + off + 16);
  const lo = compareVector<T>(op, x, y);
  const hi = compareVector<T>(op, x2, y2);
  return i8x16.shuffle(lo, hi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
}

// 16 results at a time: four i32x4 masks narrowed to 16 bytes, one store.
// Returns how many elements it did.
@inline function compareRun<T>(op: i32, mode: i32, a: usize, b: usize, out: usize, n: i32): i32 {
  const shift = alignof<T>();
  const vb = v128.splat<T>(load<T>(b));
  const one = i8x16.splat(1);
  const quarter = <usize>(4 << shift); // bytes of 4 elements
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const off = <usize>i << shift;
    const m0 = mask4<T>(op, mode, a, b, off, vb);
    const m1 = mask4<T>(op, mode, a, b, off + quarter, vb);
    const m2 = mask4<T>(op, mode, a, b, off + 2 * quarter, vb);
    const m3 = mask4<T>(op, mode, a, b, off + 3 * quarter, vb);
    const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
    v128.store(out + <usize>i, v128.and(bytes, one));
  }
  return i;
}

// One contiguous output row (u8); each operand walks with unit stride, stays
// put (a broadcast scalar) or walks with another stride: SIMD for the first
// two, scalar for the rest and the tail.
@inline function compareRow<T>(op: i32, a: usize, strideA: i32, b: usize, strideB: i32, out: usize, n: i32): void {
  const shift = alignof<T>();
  let i = 0;
  if (strideA == 1 && strideB == 1) i = compareRun<T>(op, BOTH, a, b, out, n);
  else if (strideA == 0 && strideB == 1) i = compareRun<T>(mirrored(op), B_STAYS, b, a, out, n);
  else if (strideA == 1 && strideB == 0) i = compareRun<T>(op, B_STAYS, a, b, out, n);
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

// One export per op for floats, so that each is a straight loop (comparisons
// sit in gradient rules: maximum, minimum, pow); int32 comparisons, rarer,
// share one export that takes the op.
type Args = usize;
export function equal_f32(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f32>(EQ, a, b, out, ndim, shape, sa, sb); }
export function equal_f64(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f64>(EQ, a, b, out, ndim, shape, sa, sb); }
export function not_equal_f32(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f32>(NE, a, b, out, ndim, shape, sa, sb); }
export function not_equal_f64(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f64>(NE, a, b, out, ndim, shape, sa, sb); }
export function less_f32(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f32>(LT, a, b, out, ndim, shape, sa, sb); }
export function less_f64(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f64>(LT, a, b, out, ndim, shape, sa, sb); }
export function less_equal_f32(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f32>(LE, a, b, out, ndim, shape, sa, sb); }
export function less_equal_f64(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f64>(LE, a, b, out, ndim, shape, sa, sb); }
export function greater_f32(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f32>(GT, a, b, out, ndim, shape, sa, sb); }
export function greater_f64(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f64>(GT, a, b, out, ndim, shape, sa, sb); }
export function greater_equal_f32(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f32>(GE, a, b, out, ndim, shape, sa, sb); }
export function greater_equal_f64(a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void { compare<f64>(GE, a, b, out, ndim, shape, sa, sb); }
export function compare_i32(op: i32, a: Args, b: Args, out: Args, ndim: i32, shape: Args, sa: Args, sb: Args): void {
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

/** out[k] = mask[k] ? a[k] : b[k] for one vector of T at byte offset `off`; a or b stay put where their stride is 0. */
@inline function select16<T>(mask: v128, a: usize, sa: i32, va0: v128, b: usize, sb: i32, vb0: v128, out: usize, off: usize): void {
  const va = sa != 0 ? v128.load(a + off) : va0;
  const vb = sb != 0 ? v128.load(b + off) : vb0;
  v128.store(out + off, v128.bitselect(va, vb, mask));
}

// One contiguous output row of where: out = cond ? a : b. Strides are
// element strides (cond's in bytes); operands with stride 0 or 1 all along
// the row take the SIMD path, 16 elements at a time: 16 condition bytes
// compared with zero at once, their masks widened to T's lanes. T only
// moves bits, so the f32 instance serves int32 too.
@inline function whereRow<T>(
  c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32,
): void {
  const shift = alignof<T>();
  let i = 0;
  if (<u32>sc <= 1 && <u32>sa <= 1 && <u32>sb <= 1) {
    const vc0 = load<u8>(c) != 0 ? i8x16.splat(-1) : i8x16.splat(0);
    const va0 = v128.splat<T>(load<T>(a));
    const vb0 = v128.splat<T>(load<T>(b));
    const vector = <usize>16;
    for (; i + 16 <= n; i += 16) {
      const off = <usize>i << shift;
      const m8 = sc != 0 ? i8x16.ne(v128.load(c + <usize>i), i8x16.splat(0)) : vc0;
      if (sizeof<T>() == 1) {
        select16<T>(m8, a, sa, va0, b, sb, vb0, out, off);
        continue;
      }
      const lo = i16x8.extend_low_i8x16_s(m8);
      const hi = i16x8.extend_high_i8x16_s(m8);
      const q0 = i32x4.extend_low_i16x8_s(lo);
      const q1 = i32x4.extend_high_i16x8_s(lo);
      const q2 = i32x4.extend_low_i16x8_s(hi);
      const q3 = i32x4.extend_high_i16x8_s(hi);
      if (sizeof<T>() == 4) {
        select16<T>(q0, a, sa, va0, b, sb, vb0, out, off);
        select16<T>(q1, a, sa, va0, b, sb, vb0, out, off + vector);
        select16<T>(q2, a, sa, va0, b, sb, vb0, out, off + 2 * vector);
        select16<T>(q3, a, sa, va0, b, sb, vb0, out, off + 3 * vector);
      } else {
        select16<T>(i64x2.extend_low_i32x4_s(q0), a, sa, va0, b, sb, vb0, out, off);
        select16<T>(i64x2.extend_high_i32x4_s(q0), a, sa, va0, b, sb, vb0, out, off + vector);
        select16<T>(i64x2.extend_low_i32x4_s(q1), a, sa, va0, b, sb, vb0, out, off + 2 * vector);
        select16<T>(i64x2.extend_high_i32x4_s(q1), a, sa, va0, b, sb, vb0, out, off + 3 * vector);
        select16<T>(i64x2.extend_low_i32x4_s(q2), a, sa, va0, b, sb, vb0, out, off + 4 * vector);
        select16<T>(i64x2.extend_high_i32x4_s(q2), a, sa, va0, b, sb, vb0, out, off + 5 * vector);
        select16<T>(i64x2.extend_low_i32x4_s(q3), a, sa, va0, b, sb, vb0, out, off + 6 * vector);
        select16<T>(i64x2.extend_high_i32x4_s(q3), a, sa, va0, b, sb, vb0, out, off + 7 * vector);
      }
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
