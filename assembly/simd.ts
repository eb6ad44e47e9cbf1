// The vocabulary every kernel is written in, once for both dtypes: T is f32
// or f64, and each `sizeof<T>()` test is a compile-time constant, so an
// instance is the straight code of its dtype. Integer lanes of the same
// width (i32x4 / i64x2) act on a float vector's bit patterns, for the
// exponent tricks of the transcendentals. Below them, the contiguous loops
// several kernels share: SIMD main loop, scalar tail.

/** Elements per v128. */
@inline export function lanes<T>(): i32 { return 16 / sizeof<T>(); }

/** Every lane `c`, rounded to T (exact for constants written as floats of T). */
@inline export function splat<T>(c: f64): v128 { return v128.splat<T>(<T>c); }

/** The float32 or the float64 constant, by T. */
@inline export function byType<T>(c32: f64, c64: f64): f64 { return sizeof<T>() == 4 ? c32 : c64; }

/** The float32 or the float64 constant, by T, in every lane. */
@inline export function pick<T>(c32: f64, c64: f64): v128 { return splat<T>(byType<T>(c32, c64)); }

/** The integer constant for float32 or float64 lanes, by T, in every lane. */
@inline export function ipick<T>(c32: i64, c64: i64): v128 { return isplat<T>(sizeof<T>() == 4 ? c32 : c64); }

/** Bits of a float of T: mantissa width and exponent bias. */
@inline export function mantissaBits<T>(): i32 { return sizeof<T>() == 4 ? 23 : 52; }
@inline export function exponentBias<T>(): i64 { return sizeof<T>() == 4 ? 127 : 1023; }

// Integer lanes as wide as T's.
@inline export function isplat<T>(c: i64): v128 { return sizeof<T>() == 4 ? i32x4.splat(<i32>c) : i64x2.splat(c); }
@inline export function iadd<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? i32x4.add(a, b) : i64x2.add(a, b); }
@inline export function isub<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? i32x4.sub(a, b) : i64x2.sub(a, b); }
@inline export function ishl<T>(a: v128, n: i32): v128 { return sizeof<T>() == 4 ? i32x4.shl(a, n) : i64x2.shl(a, n); }
@inline export function ishrS<T>(a: v128, n: i32): v128 { return sizeof<T>() == 4 ? i32x4.shr_s(a, n) : i64x2.shr_s(a, n); }
@inline export function iltS<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? i32x4.lt_s(a, b) : i64x2.lt_s(a, b); }
/** The sign bit of every lane. */
@inline export function signBits<T>(): v128 { return ipick<T>(0x80000000, 0x8000000000000000); }

/** a * b + c, c a constant. */
@inline export function madd<T>(a: v128, b: v128, c: f64): v128 { return v128.add<T>(v128.mul<T>(a, b), splat<T>(c)); }

/**
 * c0 + c1 x + ... + c(n-1) x^(n-1), 3 <= n <= 10, by Horner's rule. n and the coefficients
 * are constants at every call site: the terms past n fold away, leaving the
 * chain of multiply-adds.
 */
@inline export function poly<T>(
  x: v128, n: i32, c0: f64, c1: f64, c2: f64,
  c3: f64 = 0, c4: f64 = 0, c5: f64 = 0, c6: f64 = 0, c7: f64 = 0, c8: f64 = 0, c9: f64 = 0,
): v128 {
  let p = splat<T>(c9);
  p = n > 9 ? madd<T>(x, p, c8) : splat<T>(c8);
  p = n > 8 ? madd<T>(x, p, c7) : splat<T>(c7);
  p = n > 7 ? madd<T>(x, p, c6) : splat<T>(c6);
  p = n > 6 ? madd<T>(x, p, c5) : splat<T>(c5);
  p = n > 5 ? madd<T>(x, p, c4) : splat<T>(c4);
  p = n > 4 ? madd<T>(x, p, c3) : splat<T>(c3);
  p = n > 3 ? madd<T>(x, p, c2) : splat<T>(c2);
  p = madd<T>(x, p, c1);
  return madd<T>(x, p, c0);
}

/** Two elements at p as f64x2: float32 widened (exactly), float64 as it is. */
@inline export function loadWide<T>(p: usize): v128 {
  return sizeof<T>() == 4 ? v128.promote_low<f32>(v128.load64_zero(p)) : v128.load(p);
}

/** Two f64 lanes stored at p as two elements of T (float32 rounded once). */
@inline export function storeWide<T>(p: usize, v: v128): void {
  if (sizeof<T>() == 4) v128.store64_lane(p, v128.demote_zero<f64>(v), 0);
  else v128.store(p, v);
}

/** Horizontal sum of the lanes, in float64. */
@inline export function laneSum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return <f64>v128.extract_lane<f32>(v, 0) + <f64>v128.extract_lane<f32>(v, 1)
      + <f64>v128.extract_lane<f32>(v, 2) + <f64>v128.extract_lane<f32>(v, 3);
  }
  return v128.extract_lane<f64>(v, 0) + v128.extract_lane<f64>(v, 1);
}

// ---- contiguous loops ----
// Short runs (an image row, an embedding) go through these rather than
// memory.copy / memory.fill, which call out of wasm in V8 at a cost above
// the few elements such a run holds.

/** dst[0..n) = value. */
@inline export function fillRun<T>(dst: usize, n: i32, value: T): void {
  const shift = alignof<T>();
  const v = v128.splat<T>(value);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) v128.store(dst + (<usize>i << shift), v);
  for (; i < n; i++) store<T>(dst + (<usize>i << shift), value);
}

/** dst[0..n) = src[0..n) (not overlapping). */
@inline export function copyRun<T>(dst: usize, src: usize, n: i32): void {
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const off = <usize>i << shift;
    v128.store(dst + off, v128.load(src + off));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(dst + off, load<T>(src + off));
  }
}

/** dst[0..n) += src[0..n). */
@inline export function addRun<T>(dst: usize, src: usize, n: i32): void {
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const off = <usize>i << shift;
    v128.store(dst + off, v128.add<T>(v128.load(dst + off), v128.load(src + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(dst + off, load<T>(dst + off) + load<T>(src + off));
  }
}

/** y[0..n) += alpha * x[0..n). */
@inline export function axpyRun<T>(alpha: T, x: usize, y: usize, n: i32): void {
  const shift = alignof<T>();
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const off = <usize>i << shift;
    v128.store(y + off, v128.add<T>(v128.load(y + off), v128.mul<T>(va, v128.load(x + off))));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(y + off, load<T>(y + off) + alpha * load<T>(x + off));
  }
}
