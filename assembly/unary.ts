// Elementwise unary ops over contiguous arrays. neg, sqrt, abs, rounding,
// reciprocal, relu and clamp (and the masks behind the gradients of relu and
// clamp) are a SIMD instruction or two per vector; exp, log, tanh, sigmoid,
// expm1, log1p and softplus are vectorized range reduction + polynomial (the
// section "Vectorized transcendentals" below, with their error bounds); the
// other transcendentals call the standard library per element (musl's
// algorithms). gelu's erfc is shared with special.ts (assembly/erf.ts).

import { erfc64 } from "./erf";

@inline function mapScalar<T>(x: usize, out: usize, n: i32, f: (v: T) => T): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, f(load<T>(x + off)));
  }
}

@inline function negKernel<T>(x: usize, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    v128.store(out + off, v128.neg<T>(v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, -load<T>(x + off));
  }
}

@inline function sqrtKernel<T>(x: usize, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    v128.store(out + off, v128.sqrt<T>(v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, sqrt<T>(load<T>(x + off)));
  }
}

export function neg_f32(x: usize, out: usize, n: i32): void { negKernel<f32>(x, out, n); }
export function neg_f64(x: usize, out: usize, n: i32): void { negKernel<f64>(x, out, n); }
export function sqrt_f32(x: usize, out: usize, n: i32): void { sqrtKernel<f32>(x, out, n); }
export function sqrt_f64(x: usize, out: usize, n: i32): void { sqrtKernel<f64>(x, out, n); }


// ---------------------------------------------------------------------------
// Elementwise ops that are one SIMD instruction (or a few) per vector. One
// generic loop serves them all; `op` is a compile-time constant at each call
// site, so every exported kernel is a straight loop.

const ABS = 0;
const FLOOR = 1;
const CEIL = 2;
const ROUND = 3; // half to even (wasm `nearest`), like numpy
const TRUNC = 4;
const RECIPROCAL = 5;
const RELU = 6;
const RELU_MASK = 7; // 1 where x > 0, else 0: the derivative of relu

@inline function vectorOp<T>(op: i32, v: v128): v128 {
  if (op == ABS) return v128.abs<T>(v);
  if (op == FLOOR) return v128.floor<T>(v);
  if (op == CEIL) return v128.ceil<T>(v);
  if (op == ROUND) return v128.nearest<T>(v);
  if (op == TRUNC) return v128.trunc<T>(v);
  if (op == RECIPROCAL) return v128.div<T>(v128.splat<T>(1), v);
  if (op == RELU) return v128.max<T>(v, v128.splat<T>(0));
  return v128.and(v128.gt<T>(v, v128.splat<T>(0)), v128.splat<T>(1));
}

@inline function scalarOp<T>(op: i32, v: T): T {
  if (op == ABS) return abs<T>(v);
  if (op == FLOOR) return floor<T>(v);
  if (op == CEIL) return ceil<T>(v);
  if (op == ROUND) return nearest<T>(v);
  if (op == TRUNC) return trunc<T>(v);
  if (op == RECIPROCAL) return <T>1 / v;
  if (op == RELU) return max<T>(v, <T>0);
  return select<T>(<T>1, <T>0, v > <T>0);
}

@inline function simdMap<T>(op: i32, x: usize, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    v128.store(out + off, vectorOp<T>(op, v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, scalarOp<T>(op, load<T>(x + off)));
  }
}

export function abs_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(ABS, x, out, n); }
export function abs_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(ABS, x, out, n); }
export function floor_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(FLOOR, x, out, n); }
export function floor_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(FLOOR, x, out, n); }
export function ceil_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(CEIL, x, out, n); }
export function ceil_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(CEIL, x, out, n); }
export function round_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(ROUND, x, out, n); }
export function round_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(ROUND, x, out, n); }
export function trunc_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(TRUNC, x, out, n); }
export function trunc_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(TRUNC, x, out, n); }
export function reciprocal_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(RECIPROCAL, x, out, n); }
export function reciprocal_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(RECIPROCAL, x, out, n); }
export function relu_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(RELU, x, out, n); }
export function relu_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(RELU, x, out, n); }
export function relu_mask_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(RELU_MASK, x, out, n); }
export function relu_mask_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(RELU_MASK, x, out, n); }

// clamp: min(max(x, lo), hi), NaN stays NaN; the front end passes -Infinity
// or Infinity for a missing bound. clamp_mask is its derivative, 1 where
// lo < x < hi, else 0.
@inline function clampBody<T>(x: usize, out: usize, n: i32, lo: T, hi: T, mask: bool): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  const vlo = v128.splat<T>(lo);
  const vhi = v128.splat<T>(hi);
  const one = v128.splat<T>(1);
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    const v = v128.load(x + off);
    const r = mask
      ? v128.and(v128.and(v128.gt<T>(v, vlo), v128.lt<T>(v, vhi)), one)
      : v128.min<T>(v128.max<T>(v, vlo), vhi);
    v128.store(out + off, r);
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    const v = load<T>(x + off);
    store<T>(out + off, mask ? select<T>(<T>1, <T>0, v > lo && v < hi) : min<T>(max<T>(v, lo), hi));
  }
}

export function clamp_f32(x: usize, out: usize, n: i32, lo: f32, hi: f32): void { clampBody<f32>(x, out, n, lo, hi, false); }
export function clamp_f64(x: usize, out: usize, n: i32, lo: f64, hi: f64): void { clampBody<f64>(x, out, n, lo, hi, false); }
export function clamp_mask_f32(x: usize, out: usize, n: i32, lo: f32, hi: f32): void { clampBody<f32>(x, out, n, lo, hi, true); }
export function clamp_mask_f64(x: usize, out: usize, n: i32, lo: f64, hi: f64): void { clampBody<f64>(x, out, n, lo, hi, true); }

// ---------------------------------------------------------------------------
// Vectorized transcendentals: exp log tanh sigmoid expm1 log1p softplus.
//
// Every kernel runs blocks of four vectors (16 float32 or 8 float64 elements):
// four independent polynomial chains in flight run about twice as fast as one
// vector per iteration (each chain is a long run of dependent multiply-adds).
// One cheap test on the block's bit patterns picks the fast body, valid when
// no lane needs special handling (|x| <= 87.3 for exp, a normal positive
// number for log, ...), else the careful body, still vectorized, which
// handles everything: ±0, ±Infinity, NaN (any payload), overflow, gradual
// underflow, subnormal inputs. What is left after the blocks goes through the
// careful body, the last partial vector padded, so an element's result does
// not depend on its position.
//
// exp: x = n ln2 + r with n = round(x log2e) (added to 1.5·2^23 so that the
// float's low bits hold n, no conversion needed), r in two steps (Cody-Waite:
// ln2 = LN2HI + LN2LO, n·LN2HI exact), e^r = 1 + r + r² Q(r) with Q a minimax
// polynomial on |r| <= ln2/2 (our own fit, Remez exchange in mpmath: degree 4,
// relative error 3.0e-9 = 0.05 ulp), then 2^n added to the exponent bits. The
// careful body clamps x to [-104, 89] (beyond, the float32 result is 0 or
// Infinity anyway) and scales by 2^(n/2) twice, so results that overflow
// become Infinity and subnormal results are rounded once, correctly.
//
// log: x = 2^k m with m in [√½, √2) by integer ops on the bits, f = m - 1,
// s = f/(2 + f), log(1 + f) = f - f²/2 + s (f²/2 + R(s²)) as in FreeBSD's
// e_logf.c (musl logf), with our own minimax R of degree 3 (error 0.014 ulp).
// The careful body scales subnormals by 2^23 first.
//
// tanh: |x| < 0.3: x + x³ P(x²) (minimax, degree 2, 0.2 ulp); beyond,
// em1/(em1 + 2) with em1 = e^{2|x|} - 1 = (2^n - 1) + 2^n (r + r² Q(r)), which
// keeps its accuracy where 1 - 2/(e^{2x} + 1) would cancel; |x| is clamped at
// 9.5 (tanh = 1 in float32 from 9.01 on), the sign copied back (so tanh(-0) = -0).
//
// sigmoid: e = e^{-|x|}, then 1/(1 + e) for x >= 0 and e/(1 + e) for x < 0,
// so nothing overflows and the left tail keeps its relative accuracy.
//
// expm1: (2^n - 1) + 2^n (r + r² Q(r)) (exact 2^n - 1, one rounding); x > 20
// takes exp (e^x - 1 = e^x in float32 there). log1p: musl's log1pf: u = 1 + x
// rounded, the rounding error c = x - (u - 1) (or 1 - (u - x) for u >= 2)
// added back as c/u. softplus: max(x, 0) + log1p(e^{-|x|}).
//
// elu: x for x > 0, alpha expm1(min(x, 0)) otherwise.
//
// Max error in float32, measured against the correctly rounded result for
// every float32 input in the range where the result is not a constant (2.2e9
// inputs for most; log and log1p over their whole domain):
//   exp     1 ulp  (x in [-105, 90]; 0.8% of the inputs 1 ulp off)
//   log     1 ulp  (every positive float, subnormals included)
//   tanh    1 ulp  (|x| <= 9.6; odd by construction)
//   sigmoid 2 ulp  (x in [-105, 20]; 1 input in 9000 is 2 ulp off)
//   expm1   2 ulp  (x in [-20, 90]; 56 inputs are 2 ulp off)
//   log1p   1 ulp  (every x > -1)
//   softplus 2 ulp (x in [-105, 20]; 1477 inputs are 2 ulp off)
//   elu     2 ulp  (expm1 and one rounding of the product with alpha)
// test/math-accuracy.test.ts holds the kernels to these bounds on a dense
// sweep, 1.5 million bit patterns and random inputs per kernel, and edge
// values (±0, ±Infinity, NaN payloads, overflow and underflow boundaries,
// subnormals), through the fast, careful and tail paths.

const V_EXP = 0;
const V_LOG = 1;
const V_TANH = 2;
const V_SIGMOID = 3;
const V_EXPM1 = 4;
const V_LOG1P = 5;
const V_SOFTPLUS = 6;
const V_ELU = 7; // x for x > 0, alpha (e^x - 1) otherwise

// ---- float32 ----

const LOG2E_F: f32 = 1.44269504;
const ROUND_F: f32 = 12582912.0; // 1.5 * 2^23: x + ROUND_F rounds x to an integer in the low bits
const LN2HI_F: f32 = 0.693359375; // 9 significant bits: n * LN2HI_F is exact
const LN2LO_F: f32 = -2.12194440e-4; // ln2 - LN2HI_F
// e^r ≈ 1 + r + r² (Q0 + Q1 r + ... + Q4 r⁴) on |r| <= ln2/2 (relative error 3.0e-9)
const EXPQ0_F: f32 = 0.4999999403953552;
const EXPQ1_F: f32 = 0.1666652113199234;
const EXPQ2_F: f32 = 0.04166838154196739;
const EXPQ3_F: f32 = 0.00836864672601223;
const EXPQ4_F: f32 = 0.0013814747799187899;
// log(1+f) = f - f²/2 + s (f²/2 + z (L1 + L2 z + L3 z²)), s = f/(2+f), z = s², |s| <= 0.1716
const LOGL1_F: f32 = 0.6666677594184875;
const LOGL2_F: f32 = 0.3997756540775299;
const LOGL3_F: f32 = 0.29871055483818054;
const LOG_LN2HI_F: f32 = 6.9313812256e-1; // musl's split of ln2 for k ln2
const LOG_LN2LO_F: f32 = 9.0580006145e-6;
// tanh(x) ≈ x + x³ (T0 + T1 x² + T2 x⁴) on |x| < 0.3 (relative error 1.2e-8)
const TANH_SMALL_F: f32 = 0.3;
const TANHT0_F: f32 = -0.33333060145378113;
const TANHT1_F: f32 = 0.13314850628376007;
const TANHT2_F: f32 = -0.05036795511841774;

@inline function f32s(c: f32): v128 { return f32x4.splat(c); }
@inline function i32s(c: i32): v128 { return i32x4.splat(c); }

/** x + ROUND_F: as a float, n + ROUND_F; its low mantissa bits hold n = round(x log2e). */
@inline function expRound32(x: v128): v128 {
  return f32x4.add(f32x4.mul(x, f32s(LOG2E_F)), f32s(ROUND_F));
}

/** r = x - n ln2 in two steps, given t from expRound32. */
@inline function expReduce32(x: v128, t: v128): v128 {
  const n = f32x4.sub(t, f32s(ROUND_F));
  return f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32s(LN2HI_F))), f32x4.mul(n, f32s(LN2LO_F)));
}

/** e^r - 1 = r + r² Q(r), accurate relative to itself for |r| <= ln2/2. */
@inline function expm1Poly32(r: v128): v128 {
  let q = f32x4.add(f32x4.mul(r, f32s(EXPQ4_F)), f32s(EXPQ3_F));
  q = f32x4.add(f32x4.mul(r, q), f32s(EXPQ2_F));
  q = f32x4.add(f32x4.mul(r, q), f32s(EXPQ1_F));
  q = f32x4.add(f32x4.mul(r, q), f32s(EXPQ0_F));
  return f32x4.add(f32x4.mul(f32x4.mul(r, r), q), r);
}

/** 2^n as a float from t of expRound32 (n in [-126, 127]). */
@inline function pow2From32(t: v128): v128 {
  return i32x4.add(i32x4.shl(t, 23), i32s(0x3F800000));
}

/** e^x for |x| <= 87.3: the result is normal, 2^n goes straight into the exponent bits. */
@inline function expFast32(x: v128): v128 {
  const t = expRound32(x);
  const p = f32x4.add(expm1Poly32(expReduce32(x, t)), f32s(1));
  return i32x4.add(p, i32x4.shl(t, 23));
}

/** e^x for every x, NaN included. */
@inline function expFull32(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32s(89)), f32s(-104)); // pmin/pmax pass NaN through
  const t = expRound32(x);
  const p = f32x4.add(expm1Poly32(expReduce32(x, t)), f32s(1));
  const n = i32x4.sub(t, i32s(0x4B400000)); // bits of ROUND_F
  const half = i32x4.shr_s(n, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32s(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(n, half), i32s(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** e^x - 1 for |x| <= 87.3 (sign of zero not kept: callers copy x's sign, as e^x - 1 has it). */
@inline function expm1Fast32(x: v128): v128 {
  const t = expRound32(x);
  const u = expm1Poly32(expReduce32(x, t));
  const s = pow2From32(t);
  return f32x4.add(f32x4.sub(s, f32s(1)), f32x4.mul(s, u));
}

/**
 * log(1 + f) + k ln2 (+ c) for f = m - 1, m in [√½, √2), arranged as in
 * musl's logf so that the small terms are summed first; c is log1p's
 * correction for the rounding of 1 + x (omitted for log).
 */
@inline function logCore32(f: v128, k: v128, c: v128, withC: bool): v128 {
  const s = f32x4.div(f, f32x4.add(f, f32s(2)));
  const z = f32x4.mul(s, s);
  let r = f32x4.add(f32x4.mul(z, f32s(LOGL3_F)), f32s(LOGL2_F));
  r = f32x4.mul(f32x4.add(f32x4.mul(z, r), f32s(LOGL1_F)), z);
  const hfsq = f32x4.mul(f32x4.mul(f, f32s(0.5)), f);
  let lo = f32x4.mul(k, f32s(LOG_LN2LO_F));
  if (withC) lo = f32x4.add(lo, c);
  let y = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, r)), lo);
  y = f32x4.add(f32x4.sub(y, hfsq), f);
  return f32x4.add(y, f32x4.mul(k, f32s(LOG_LN2HI_F)));
}

// The bits of a positive normal float plus (1.0 - √½) in the bits: the
// exponent field is then k + 127 with the mantissa m = x 2^-k in [√½, √2).
@inline function logShift32(ix: v128): v128 { return i32x4.add(ix, i32s(0x3F800000 - 0x3F3504F3)); }
@inline function logK32(shifted: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(shifted, 23), i32s(127)));
}
@inline function logF32(shifted: v128): v128 {
  return f32x4.sub(i32x4.add(v128.and(shifted, i32s(0x007FFFFF)), i32s(0x3F3504F3)), f32s(1));
}

@inline function logFast32(x: v128): v128 {
  const sh = logShift32(x);
  return logCore32(logF32(sh), logK32(sh), x, false);
}

@inline function logFull32(x: v128): v128 {
  const tiny = f32x4.lt(x, f32s(1.17549435e-38)); // subnormal (zero and negatives are replaced below)
  const sh = logShift32(v128.bitselect(f32x4.mul(x, f32s(8388608.0)), x, tiny)); // x 2^23
  const k = f32x4.sub(logK32(sh), v128.and(tiny, f32s(23)));
  let y = logCore32(logF32(sh), k, x, false);
  y = v128.bitselect(f32s(-Infinity), y, f32x4.eq(x, f32s(0)));
  const d = f32x4.sub(x, x); // NaN for ±Infinity and NaN: log(Infinity) = Infinity, NaN stays NaN
  y = v128.bitselect(x, y, f32x4.ne(d, d));
  return v128.bitselect(f32s(NaN), y, f32x4.lt(x, f32s(0)));
}

@inline function tanh32(x: v128): v128 {
  const sign = v128.and(x, i32s(0x80000000));
  const a = f32x4.pmin(v128.xor(x, sign), f32s(9.5)); // |x|, NaN passes
  // |x| >= 0.3: em1 / (em1 + 2), em1 = e^{2|x|} - 1
  const em1 = expm1Fast32(f32x4.add(a, a));
  const big = f32x4.div(em1, f32x4.add(em1, f32s(2)));
  // |x| < 0.3 (and NaN): the odd polynomial
  const z = f32x4.mul(a, a);
  let p = f32x4.add(f32x4.mul(z, f32s(TANHT2_F)), f32s(TANHT1_F));
  p = f32x4.add(f32x4.mul(z, p), f32s(TANHT0_F));
  const small = f32x4.add(f32x4.mul(f32x4.mul(a, z), p), a);
  return v128.or(v128.bitselect(big, small, f32x4.ge(a, f32s(TANH_SMALL_F))), sign);
}

@inline function sigmoid32(x: v128, careful: bool): v128 {
  const na = v128.or(x, i32s(0x80000000)); // -|x|
  const e = careful ? expFull32(na) : expFast32(na);
  const num = v128.bitselect(e, f32s(1), i32x4.shr_s(x, 31)); // e where x < 0, else 1
  return f32x4.div(num, f32x4.add(e, f32s(1)));
}

@inline function expm1_32(x: v128, careful: bool): v128 {
  const sign = v128.and(x, i32s(0x80000000)); // e^x - 1 has the sign of x: expm1(-0) = -0
  if (!careful) return v128.or(expm1Fast32(x), sign);
  const y = v128.or(expm1Fast32(f32x4.pmax(f32x4.pmin(x, f32s(20)), f32s(-20))), sign);
  return v128.bitselect(expFull32(x), y, f32x4.gt(x, f32s(20)));
}

/** log(u) + c/u for u = 1 + x rounded, c = the rounding error. */
@inline function log1pOf32(x: v128, u: v128, largeU: bool): v128 {
  const sh = logShift32(u);
  const k = logK32(sh);
  let c = f32x4.sub(x, f32x4.sub(u, f32s(1)));
  if (largeU) c = v128.bitselect(f32x4.sub(f32s(1), f32x4.sub(u, x)), c, f32x4.ge(k, f32s(2)));
  return logCore32(logF32(sh), k, f32x4.div(c, u), true);
}

@inline function log1p32(x: v128, careful: bool): v128 {
  const sign = v128.and(x, i32s(0x80000000)); // log1p(-0) = -0; other negative x give negative results anyway
  const y = v128.or(log1pOf32(x, f32x4.add(x, f32s(1)), true), sign);
  if (!careful) return y;
  const d = f32x4.sub(x, x);
  let r = v128.bitselect(x, y, f32x4.ne(d, d)); // Infinity, NaN
  r = v128.bitselect(f32s(-Infinity), r, f32x4.eq(x, f32s(-1)));
  return v128.bitselect(f32s(NaN), r, f32x4.lt(x, f32s(-1)));
}

@inline function softplus32(x: v128, careful: bool): v128 {
  const na = v128.or(x, i32s(0x80000000));
  const e = careful ? expFull32(na) : expFast32(na); // e^{-|x|} in [0, 1]
  return f32x4.add(f32x4.pmax(x, f32s(0)), log1pOf32(e, f32x4.add(e, f32s(1)), false)); // pmax keeps NaN
}

@inline function fastOk32(kind: i32, a: v128, b: v128, c: v128, d: v128): bool {
  if (kind == V_TANH) return true;
  if (kind == V_LOG || kind == V_LOG1P) {
    if (kind == V_LOG1P) {
      a = f32x4.add(a, f32s(1)); b = f32x4.add(b, f32s(1)); c = f32x4.add(c, f32s(1)); d = f32x4.add(d, f32s(1));
    }
    // positive normal finite: bits - 0x00800000 < 0x7F000000, unsigned
    const o = i32s(0x00800000);
    const m = i32x4.max_u(i32x4.max_u(i32x4.sub(a, o), i32x4.sub(b, o)), i32x4.max_u(i32x4.sub(c, o), i32x4.sub(d, o)));
    return !v128.any_true(i32x4.ge_u(m, i32s(0x7F000000)));
  }
  // |x| <= 87.3, compared as integers so that NaN and ±Infinity fail
  const abs = i32s(0x7FFFFFFF);
  const m = i32x4.max_s(i32x4.max_s(v128.and(a, abs), v128.and(b, abs)), i32x4.max_s(v128.and(c, abs), v128.and(d, abs)));
  return !v128.any_true(i32x4.gt_s(m, i32s(0x42AE999A)));
}

@inline function elu32(x: v128, alpha: v128, careful: bool): v128 {
  const e = expm1_32(f32x4.pmin(x, f32s(0)), careful); // pmin keeps NaN
  return v128.bitselect(x, f32x4.mul(alpha, e), f32x4.gt(x, f32s(0)));
}

@inline function vec32(kind: i32, x: v128, careful: bool, arg: v128): v128 {
  if (kind == V_ELU) return elu32(x, arg, careful);
  if (kind == V_EXP) return careful ? expFull32(x) : expFast32(x);
  if (kind == V_LOG) return careful ? logFull32(x) : logFast32(x);
  if (kind == V_TANH) return tanh32(x);
  if (kind == V_SIGMOID) return sigmoid32(x, careful);
  if (kind == V_EXPM1) return expm1_32(x, careful);
  if (kind == V_LOG1P) return log1p32(x, careful);
  return softplus32(x, careful);
}

/** The careful body over n elements, the last n mod 4 as one padded vector. */
@inline function careful32(kind: i32, x: usize, out: usize, n: i32, arg: v128): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, vec32(kind, v128.load(x + off), true, arg));
  }
  const rest = n - i;
  if (rest > 0) {
    const p = x + (<usize>i << 2);
    const q = out + (<usize>i << 2);
    let v = f32x4.splat(load<f32>(p));
    if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
    if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    v = vec32(kind, v, true, arg);
    store<f32>(q, f32x4.extract_lane(v, 0));
    if (rest > 1) store<f32>(q, f32x4.extract_lane(v, 1), 4);
    if (rest > 2) store<f32>(q, f32x4.extract_lane(v, 2), 8);
  }
}

@inline function map32(kind: i32, x: usize, out: usize, n: i32, param: f32 = 0): void {
  const arg = f32x4.splat(param);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    const q = out + (<usize>i << 2);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const c = v128.load(p, 32);
    const d = v128.load(p, 48);
    if (fastOk32(kind, a, b, c, d)) {
      v128.store(q, vec32(kind, a, false, arg));
      v128.store(q, vec32(kind, b, false, arg), 16);
      v128.store(q, vec32(kind, c, false, arg), 32);
      v128.store(q, vec32(kind, d, false, arg), 48);
    } else {
      careful32(kind, p, q, 16, arg);
    }
  }
  careful32(kind, x + (<usize>i << 2), out + (<usize>i << 2), n - i, arg);
}

export function exp_f32(x: usize, out: usize, n: i32): void { map32(V_EXP, x, out, n); }
export function log_f32(x: usize, out: usize, n: i32): void { map32(V_LOG, x, out, n); }
export function tanh_f32(x: usize, out: usize, n: i32): void { map32(V_TANH, x, out, n); }
export function sigmoid_f32(x: usize, out: usize, n: i32): void { map32(V_SIGMOID, x, out, n); }
export function expm1_f32(x: usize, out: usize, n: i32): void { map32(V_EXPM1, x, out, n); }
export function log1p_f32(x: usize, out: usize, n: i32): void { map32(V_LOG1P, x, out, n); }
export function softplus_f32(x: usize, out: usize, n: i32): void { map32(V_SOFTPLUS, x, out, n); }
export function elu_f32(x: usize, out: usize, n: i32, alpha: f32): void { map32(V_ELU, x, out, n, alpha); }

// ---- float64 ----
// The same algorithms with f64x2 lanes and longer polynomials (our own Remez
// fits in mpmath, same weights and intervals as float32): e^r - 1 - r = r² Q(r)
// with Q of degree 9 (relative error 0.03 ulp), R of degree 6 for log (0.011
// ulp), tanh's odd polynomial of degree 7 in x² on |x| < 0.3 (0.006 ulp); ln2
// split as in fdlibm. k as a float comes from the exponent bits by the 2^52
// trick (wasm SIMD converts no i64 lanes to f64). The fast bodies take
// |x| <= 708 (exp family) and normal positive numbers (log family); the
// careful exp clamps x to [-746, 710] and scales by 2^(n/2) twice.
// Max error against mpmath on 30,000 inputs each (both tails and |x| < 1.5):
// exp 0.98 ulp, log 0.68, tanh 1.44, sigmoid 1.72, expm1 1.60, log1p 0.75,
// softplus 1.40 (V8's Math.tanh is 1.9 ulp off on the same inputs).

const LOG2E_D: f64 = 1.4426950408889634;
const ROUND_D: f64 = 6755399441055744.0; // 1.5 * 2^52
const LN2HI_D: f64 = 6.93147180369123816490e-1; // fdlibm: 32 trailing zero bits, n * LN2HI_D exact
const LN2LO_D: f64 = 1.90821492927058770002e-10;
const EXPQ0_D: f64 = 0.500000000000001;
const EXPQ1_D: f64 = 0.16666666666666416;
const EXPQ2_D: f64 = 0.041666666666531245;
const EXPQ3_D: f64 = 0.008333333333493119;
const EXPQ4_D: f64 = 0.0013888888943301505;
const EXPQ5_D: f64 = 0.00019841269508704383;
const EXPQ6_D: f64 = 2.4801493476772346e-5;
const EXPQ7_D: f64 = 2.755758520175199e-6;
const EXPQ8_D: f64 = 2.763010184758819e-7;
const EXPQ9_D: f64 = 2.5000197832745446e-8;
const LOGL1_D: f64 = 0.6666666666666734;
const LOGL2_D: f64 = 0.39999999999416425;
const LOGL3_D: f64 = 0.28571428741957855;
const LOGL4_D: f64 = 0.22222198621211217;
const LOGL5_D: f64 = 0.1818356164005238;
const LOGL6_D: f64 = 0.1531412386293639;
const LOGL7_D: f64 = 0.1479517247404943;
const TANH_SMALL_D: f64 = 0.3;
const TANHT0_D: f64 = -0.3333333333333326;
const TANHT1_D: f64 = 0.13333333333306907;
const TANHT2_D: f64 = -0.053968253935625106;
const TANHT3_D: f64 = 0.021869486585386073;
const TANHT4_D: f64 = -0.00886317088339461;
const TANHT5_D: f64 = 0.0035908755642637597;
const TANHT6_D: f64 = -0.001441667721957158;
const TANHT7_D: f64 = 0.000502492887764375;

@inline function f64s(c: f64): v128 { return f64x2.splat(c); }
@inline function i64s(c: i64): v128 { return i64x2.splat(c); }
@inline function madd64(a: v128, b: v128, c: f64): v128 { return f64x2.add(f64x2.mul(a, b), f64s(c)); }

@inline function expRound64(x: v128): v128 {
  return f64x2.add(f64x2.mul(x, f64s(LOG2E_D)), f64s(ROUND_D));
}
@inline function expReduce64(x: v128, t: v128): v128 {
  const n = f64x2.sub(t, f64s(ROUND_D));
  return f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64s(LN2HI_D))), f64x2.mul(n, f64s(LN2LO_D)));
}
@inline function expm1Poly64(r: v128): v128 {
  let q = madd64(r, f64s(EXPQ9_D), EXPQ8_D);
  q = madd64(r, q, EXPQ7_D);
  q = madd64(r, q, EXPQ6_D);
  q = madd64(r, q, EXPQ5_D);
  q = madd64(r, q, EXPQ4_D);
  q = madd64(r, q, EXPQ3_D);
  q = madd64(r, q, EXPQ2_D);
  q = madd64(r, q, EXPQ1_D);
  q = madd64(r, q, EXPQ0_D);
  return f64x2.add(f64x2.mul(f64x2.mul(r, r), q), r);
}
@inline function pow2From64(t: v128): v128 {
  return i64x2.add(i64x2.shl(t, 52), i64s(0x3FF0000000000000));
}
/** e^x for |x| <= 708. */
@inline function expFast64(x: v128): v128 {
  const t = expRound64(x);
  const p = f64x2.add(expm1Poly64(expReduce64(x, t)), f64s(1));
  return i64x2.add(p, i64x2.shl(t, 52));
}
/** e^x for every x. */
@inline function expFull64(x: v128): v128 {
  x = f64x2.pmax(f64x2.pmin(x, f64s(710)), f64s(-746));
  const t = expRound64(x);
  const p = f64x2.add(expm1Poly64(expReduce64(x, t)), f64s(1));
  const n = i64x2.sub(t, i64s(0x4338000000000000)); // bits of ROUND_D
  const half = i64x2.shr_s(n, 1);
  const s1 = i64x2.shl(i64x2.add(half, i64s(1023)), 52);
  const s2 = i64x2.shl(i64x2.add(i64x2.sub(n, half), i64s(1023)), 52);
  return f64x2.mul(f64x2.mul(p, s1), s2);
}
/** e^x - 1 for |x| <= 708 (sign of zero not kept). */
@inline function expm1Fast64(x: v128): v128 {
  const t = expRound64(x);
  const u = expm1Poly64(expReduce64(x, t));
  const s = pow2From64(t);
  return f64x2.add(f64x2.sub(s, f64s(1)), f64x2.mul(s, u));
}

@inline function logCore64(f: v128, k: v128, c: v128, withC: bool): v128 {
  const s = f64x2.div(f, f64x2.add(f, f64s(2)));
  const z = f64x2.mul(s, s);
  let r = madd64(z, f64s(LOGL7_D), LOGL6_D);
  r = madd64(z, r, LOGL5_D);
  r = madd64(z, r, LOGL4_D);
  r = madd64(z, r, LOGL3_D);
  r = madd64(z, r, LOGL2_D);
  r = f64x2.mul(madd64(z, r, LOGL1_D), z);
  const hfsq = f64x2.mul(f64x2.mul(f, f64s(0.5)), f);
  let lo = f64x2.mul(k, f64s(LN2LO_D));
  if (withC) lo = f64x2.add(lo, c);
  let y = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), lo);
  y = f64x2.add(f64x2.sub(y, hfsq), f);
  return f64x2.add(y, f64x2.mul(k, f64s(LN2HI_D)));
}
@inline function logShift64(ix: v128): v128 { return i64x2.add(ix, i64s(0x3FF0000000000000 - 0x3FE6A09E667F3BCD)); }
@inline function logK64(shifted: v128): v128 {
  // the exponent field (k + 1023) as the low bits of 2^52's mantissa
  const e = v128.or(i64x2.shr_u(shifted, 52), i64s(0x4330000000000000));
  return f64x2.sub(e, f64s(4503599627370496.0 + 1023));
}
@inline function logF64(shifted: v128): v128 {
  return f64x2.sub(i64x2.add(v128.and(shifted, i64s(0x000FFFFFFFFFFFFF)), i64s(0x3FE6A09E667F3BCD)), f64s(1));
}

@inline function logFast64(x: v128): v128 {
  const sh = logShift64(x);
  return logCore64(logF64(sh), logK64(sh), x, false);
}
@inline function logFull64(x: v128): v128 {
  const tiny = f64x2.lt(x, f64s(2.2250738585072014e-308));
  const sh = logShift64(v128.bitselect(f64x2.mul(x, f64s(18014398509481984.0)), x, tiny)); // x 2^54
  const k = f64x2.sub(logK64(sh), v128.and(tiny, f64s(54)));
  let y = logCore64(logF64(sh), k, x, false);
  y = v128.bitselect(f64s(-Infinity), y, f64x2.eq(x, f64s(0)));
  const d = f64x2.sub(x, x);
  y = v128.bitselect(x, y, f64x2.ne(d, d));
  return v128.bitselect(f64s(NaN), y, f64x2.lt(x, f64s(0)));
}

@inline function tanh64(x: v128): v128 {
  const sign = v128.and(x, i64s(0x8000000000000000));
  const a = f64x2.pmin(v128.xor(x, sign), f64s(20)); // tanh = 1 in float64 from 19.06 on
  const em1 = expm1Fast64(f64x2.add(a, a));
  const big = f64x2.div(em1, f64x2.add(em1, f64s(2)));
  const z = f64x2.mul(a, a);
  let p = madd64(z, f64s(TANHT7_D), TANHT6_D);
  p = madd64(z, p, TANHT5_D);
  p = madd64(z, p, TANHT4_D);
  p = madd64(z, p, TANHT3_D);
  p = madd64(z, p, TANHT2_D);
  p = madd64(z, p, TANHT1_D);
  p = madd64(z, p, TANHT0_D);
  const small = f64x2.add(f64x2.mul(f64x2.mul(a, z), p), a);
  return v128.or(v128.bitselect(big, small, f64x2.ge(a, f64s(TANH_SMALL_D))), sign);
}

@inline function sigmoid64(x: v128, careful: bool): v128 {
  const na = v128.or(x, i64s(0x8000000000000000));
  const e = careful ? expFull64(na) : expFast64(na);
  const num = v128.bitselect(e, f64s(1), i64x2.lt_s(x, i64s(0))); // e where x < 0 (sign bit), else 1
  return f64x2.div(num, f64x2.add(e, f64s(1)));
}

@inline function expm1_64(x: v128, careful: bool): v128 {
  const sign = v128.and(x, i64s(0x8000000000000000));
  if (!careful) return v128.or(expm1Fast64(x), sign);
  const y = v128.or(expm1Fast64(f64x2.pmax(f64x2.pmin(x, f64s(40)), f64s(-40))), sign);
  return v128.bitselect(expFull64(x), y, f64x2.gt(x, f64s(40)));
}

@inline function log1pOf64(x: v128, u: v128, largeU: bool): v128 {
  const sh = logShift64(u);
  const k = logK64(sh);
  let c = f64x2.sub(x, f64x2.sub(u, f64s(1)));
  if (largeU) c = v128.bitselect(f64x2.sub(f64s(1), f64x2.sub(u, x)), c, f64x2.ge(k, f64s(2)));
  return logCore64(logF64(sh), k, f64x2.div(c, u), true);
}

@inline function log1p64(x: v128, careful: bool): v128 {
  const sign = v128.and(x, i64s(0x8000000000000000));
  const y = v128.or(log1pOf64(x, f64x2.add(x, f64s(1)), true), sign);
  if (!careful) return y;
  const d = f64x2.sub(x, x);
  let r = v128.bitselect(x, y, f64x2.ne(d, d));
  r = v128.bitselect(f64s(-Infinity), r, f64x2.eq(x, f64s(-1)));
  return v128.bitselect(f64s(NaN), r, f64x2.lt(x, f64s(-1)));
}

@inline function softplus64(x: v128, careful: bool): v128 {
  const na = v128.or(x, i64s(0x8000000000000000));
  const e = careful ? expFull64(na) : expFast64(na);
  return f64x2.add(f64x2.pmax(x, f64s(0)), log1pOf64(e, f64x2.add(e, f64s(1)), false));
}

@inline function fastOk64(kind: i32, a: v128, b: v128, c: v128, d: v128): bool {
  if (kind == V_TANH) return true;
  if (kind == V_LOG || kind == V_LOG1P) {
    if (kind == V_LOG1P) {
      a = f64x2.add(a, f64s(1)); b = f64x2.add(b, f64s(1)); c = f64x2.add(c, f64s(1)); d = f64x2.add(d, f64s(1));
    }
    // positive normal finite: bits - 2^52 < 0x7FE0000000000000 unsigned (compared
    // signed after flipping the sign bits, as wasm has no unsigned i64x2 compare)
    const o = i64s(0x8010000000000000); // - 2^52, + 2^63
    const lim = i64s(<i64>0xFFE0000000000000); // 0x7FE0000000000000 with the sign bit flipped
    const bad = v128.or(
      v128.or(i64x2.ge_s(i64x2.sub(a, o), lim), i64x2.ge_s(i64x2.sub(b, o), lim)),
      v128.or(i64x2.ge_s(i64x2.sub(c, o), lim), i64x2.ge_s(i64x2.sub(d, o), lim)),
    );
    return !v128.any_true(bad);
  }
  // |x| <= 708 as integers (NaN and ±Infinity fail)
  const absMask = i64s(0x7FFFFFFFFFFFFFFF);
  const lim = i64s(0x4086200000000000);
  const bad = v128.or(
    v128.or(i64x2.gt_s(v128.and(a, absMask), lim), i64x2.gt_s(v128.and(b, absMask), lim)),
    v128.or(i64x2.gt_s(v128.and(c, absMask), lim), i64x2.gt_s(v128.and(d, absMask), lim)),
  );
  return !v128.any_true(bad);
}

@inline function elu64(x: v128, alpha: v128, careful: bool): v128 {
  const e = expm1_64(f64x2.pmin(x, f64s(0)), careful);
  return v128.bitselect(x, f64x2.mul(alpha, e), f64x2.gt(x, f64s(0)));
}

@inline function vec64(kind: i32, x: v128, careful: bool, arg: v128): v128 {
  if (kind == V_ELU) return elu64(x, arg, careful);
  if (kind == V_EXP) return careful ? expFull64(x) : expFast64(x);
  if (kind == V_LOG) return careful ? logFull64(x) : logFast64(x);
  if (kind == V_TANH) return tanh64(x);
  if (kind == V_SIGMOID) return sigmoid64(x, careful);
  if (kind == V_EXPM1) return expm1_64(x, careful);
  if (kind == V_LOG1P) return log1p64(x, careful);
  return softplus64(x, careful);
}

@inline function careful64(kind: i32, x: usize, out: usize, n: i32, arg: v128): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const off = <usize>i << 3;
    v128.store(out + off, vec64(kind, v128.load(x + off), true, arg));
  }
  if (i < n) {
    const off = <usize>i << 3;
    store<f64>(out + off, f64x2.extract_lane(vec64(kind, f64x2.splat(load<f64>(x + off)), true, arg), 0));
  }
}

@inline function map64(kind: i32, x: usize, out: usize, n: i32, param: f64 = 0): void {
  const arg = f64x2.splat(param);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = x + (<usize>i << 3);
    const q = out + (<usize>i << 3);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const c = v128.load(p, 32);
    const d = v128.load(p, 48);
    if (fastOk64(kind, a, b, c, d)) {
      v128.store(q, vec64(kind, a, false, arg));
      v128.store(q, vec64(kind, b, false, arg), 16);
      v128.store(q, vec64(kind, c, false, arg), 32);
      v128.store(q, vec64(kind, d, false, arg), 48);
    } else {
      careful64(kind, p, q, 8, arg);
    }
  }
  careful64(kind, x + (<usize>i << 3), out + (<usize>i << 3), n - i, arg);
}

export function exp_f64(x: usize, out: usize, n: i32): void { map64(V_EXP, x, out, n); }
export function log_f64(x: usize, out: usize, n: i32): void { map64(V_LOG, x, out, n); }
export function tanh_f64(x: usize, out: usize, n: i32): void { map64(V_TANH, x, out, n); }
export function sigmoid_f64(x: usize, out: usize, n: i32): void { map64(V_SIGMOID, x, out, n); }
export function expm1_f64(x: usize, out: usize, n: i32): void { map64(V_EXPM1, x, out, n); }
export function log1p_f64(x: usize, out: usize, n: i32): void { map64(V_LOG1P, x, out, n); }
export function softplus_f64(x: usize, out: usize, n: i32): void { map64(V_SOFTPLUS, x, out, n); }
export function elu_f64(x: usize, out: usize, n: i32, alpha: f64): void { map64(V_ELU, x, out, n, alpha); }

// ---------------------------------------------------------------------------
// Other transcendentals, one standard-library call per element.

@inline function signOf<T>(v: T): T {
  // ±1, and x itself for ±0 and NaN.
  return v > <T>0 ? <T>1 : v < <T>0 ? <T>-1 : v;
}


export function sign_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => signOf<f32>(v)); }
export function sign_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => signOf<f64>(v)); }
export function cbrt_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.cbrt(v)); }
export function cbrt_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.cbrt(v)); }
export function exp2_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.exp2(v)); }
export function exp2_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.exp2(v)); }
export function log2_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.log2(v)); }
export function log2_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.log2(v)); }
export function log10_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.log10(v)); }
export function log10_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.log10(v)); }
export function sin_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.sin(v)); }
export function sin_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.sin(v)); }
export function cos_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.cos(v)); }
export function cos_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.cos(v)); }
export function tan_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.tan(v)); }
export function tan_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.tan(v)); }
export function asin_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.asin(v)); }
export function asin_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.asin(v)); }
export function acos_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.acos(v)); }
export function acos_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.acos(v)); }
export function atan_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.atan(v)); }
export function atan_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.atan(v)); }
export function sinh_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.sinh(v)); }
export function sinh_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.sinh(v)); }
export function cosh_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.cosh(v)); }
export function cosh_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.cosh(v)); }
export function asinh_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.asinh(v)); }
export function asinh_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.asinh(v)); }
export function acosh_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.acosh(v)); }
export function acosh_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.acosh(v)); }
export function atanh_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.atanh(v)); }
export function atanh_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.atanh(v)); }


// The standard normal CDF Φ(x) = erfc(-x/√2)/2, accurate in the lower tail
// where (1 + erf(x/√2))/2 would cancel; gelu(x) = x Φ(x), taken as -0 where
// Φ underflows (x < -38.5) so that gelu(-Infinity) is its limit, not NaN.
@inline function normcdf64(v: f64): f64 { return 0.5 * erfc64(-v * Math.SQRT1_2); }
@inline function gelu64(v: f64): f64 {
  const p = normcdf64(v);
  return p == 0 ? -0.0 : v * p;
}

export function unary_normcdf_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => <f32>normcdf64(<f64>v)); }
export function unary_normcdf_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => normcdf64(v)); }
export function gelu_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => <f32>gelu64(<f64>v)); }
export function gelu_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => gelu64(v)); }
