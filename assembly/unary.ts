// Elementwise unary ops over contiguous arrays, each written once for both
// dtypes. neg, sqrt, abs, rounding, reciprocal, relu and clamp (and the masks
// behind the gradients of relu and clamp) are a SIMD instruction or two per
// vector; exp, log, tanh, sigmoid, expm1, log1p, softplus and elu are
// vectorized range reduction + polynomial (the section "Vectorized
// transcendentals" below, with their error bounds); the other
// transcendentals call the standard library per element (musl's
// algorithms). erf, erfc, the normal CDF and gelu: float32 vectorized here,
// float64 through assembly/erf.ts (shared with special.ts).

import { erf64, erfc64 } from "./erf";
import {
  lanes, splat, byType, pick, ipick, isplat, iadd, isub, ishl, ishrS, iltS,
  signBits, mantissaBits, exponentBias, madd, poly,
} from "./simd";

// ---------------------------------------------------------------------------
// Ops that are one SIMD instruction (or a few) per vector. One generic loop
// serves them all; `op` is a compile-time constant at each call site, so
// every exported kernel is a straight loop. (The elementwise tests of
// src/ops/compare.ts, isnan and isfinite, give bool: they are in ./compare.ts.)

const NEG = 0;
const SQRT = 1;
const ABS = 2;
const FLOOR = 3;
const CEIL = 4;
const ROUND = 5; // half to even (wasm `nearest`), like numpy
const TRUNC = 6;
const RECIPROCAL = 7;
const RELU = 8;
const RELU_MASK = 9; // 1 where x > 0, else 0: the derivative of relu
// clamp: min(max(x, lo), hi), NaN stays NaN; the front end passes -Infinity
// or Infinity for a missing bound. clamp_mask is its derivative, 1 where
// lo < x < hi, else 0.
const CLAMP = 10;
const CLAMP_MASK = 11;

@inline function vectorOp<T>(op: i32, v: v128, lo: v128, hi: v128): v128 {
  const zero = splat<T>(0);
  const one = splat<T>(1);
  if (op == NEG) return v128.neg<T>(v);
  if (op == SQRT) return v128.sqrt<T>(v);
  if (op == ABS) return v128.abs<T>(v);
  if (op == FLOOR) return v128.floor<T>(v);
  if (op == CEIL) return v128.ceil<T>(v);
  if (op == ROUND) return v128.nearest<T>(v);
  if (op == TRUNC) return v128.trunc<T>(v);
  if (op == RECIPROCAL) return v128.div<T>(one, v);
  if (op == RELU) return v128.max<T>(v, zero);
  if (op == RELU_MASK) return v128.and(v128.gt<T>(v, zero), one);
  if (op == CLAMP) return v128.min<T>(v128.max<T>(v, lo), hi);
  return v128.and(v128.and(v128.gt<T>(v, lo), v128.lt<T>(v, hi)), one);
}

@inline function scalarOp<T>(op: i32, v: T, lo: T, hi: T): T {
  if (op == NEG) return -v;
  if (op == SQRT) return sqrt<T>(v);
  if (op == ABS) return abs<T>(v);
  if (op == FLOOR) return floor<T>(v);
  if (op == CEIL) return ceil<T>(v);
  if (op == ROUND) return nearest<T>(v);
  if (op == TRUNC) return trunc<T>(v);
  if (op == RECIPROCAL) return <T>1 / v;
  if (op == RELU) return max<T>(v, <T>0);
  if (op == RELU_MASK) return select<T>(<T>1, <T>0, v > <T>0);
  if (op == CLAMP) return min<T>(max<T>(v, lo), hi);
  return select<T>(<T>1, <T>0, v > lo && v < hi);
}

@inline function simdMap<T>(op: i32, x: usize, out: usize, n: i32, lo: T = 0, hi: T = 0): void {
  const shift = alignof<T>();
  const vlo = v128.splat<T>(lo);
  const vhi = v128.splat<T>(hi);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const off = <usize>i << shift;
    v128.store(out + off, vectorOp<T>(op, v128.load(x + off), vlo, vhi));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, scalarOp<T>(op, load<T>(x + off), lo, hi));
  }
}

export function neg_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(NEG, x, out, n); }
export function neg_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(NEG, x, out, n); }
export function sqrt_f32(x: usize, out: usize, n: i32): void { simdMap<f32>(SQRT, x, out, n); }
export function sqrt_f64(x: usize, out: usize, n: i32): void { simdMap<f64>(SQRT, x, out, n); }
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
export function clamp_f32(x: usize, out: usize, n: i32, lo: f32, hi: f32): void { simdMap<f32>(CLAMP, x, out, n, lo, hi); }
export function clamp_f64(x: usize, out: usize, n: i32, lo: f64, hi: f64): void { simdMap<f64>(CLAMP, x, out, n, lo, hi); }
export function clamp_mask_f32(x: usize, out: usize, n: i32, lo: f32, hi: f32): void { simdMap<f32>(CLAMP_MASK, x, out, n, lo, hi); }
export function clamp_mask_f64(x: usize, out: usize, n: i32, lo: f64, hi: f64): void { simdMap<f64>(CLAMP_MASK, x, out, n, lo, hi); }

// ---------------------------------------------------------------------------
// Vectorized transcendentals: exp log tanh sigmoid expm1 log1p softplus elu.
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
// not depend on its position. The careful body is one function per dtype
// (it runs on rare blocks and on tails); the fast body is inlined four times
// into each kernel's loop.
//
// Described for float32; float64 differs in its constants (below).
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
//
// float64: the same algorithms with longer polynomials (our own Remez fits in
// mpmath, same weights and intervals as float32): e^r - 1 - r = r² Q(r) with
// Q of degree 9 (relative error 0.03 ulp), R of degree 6 for log (0.011 ulp),
// tanh's odd polynomial of degree 7 in x² on |x| < 0.3 (0.006 ulp); ln2 split
// as in fdlibm. k as a float comes from the exponent bits by the 2^52 trick
// (wasm SIMD converts no i64 lanes to f64). The fast bodies take |x| <= 708
// (exp family) and normal positive numbers (log family); the careful exp
// clamps x to [-746, 710] and scales by 2^(n/2) twice; tanh is clamped at 20.
// Max error against mpmath on 30,000 inputs each (both tails and |x| < 1.5):
// exp 0.98 ulp, log 0.68, tanh 1.44, sigmoid 1.72, expm1 1.60, log1p 0.75,
// softplus 1.40 (V8's Math.tanh is 1.9 ulp off on the same inputs).

const V_EXP = 0;
const V_LOG = 1;
const V_TANH = 2;
const V_SIGMOID = 3;
const V_EXPM1 = 4;
const V_LOG1P = 5;
const V_SOFTPLUS = 6;
const V_ELU = 7; // x for x > 0, alpha (e^x - 1) otherwise

// ---- constants, float32 (_F) and float64 (_D) ----

const LOG2E_F: f32 = 1.44269504;
const LOG2E_D: f64 = 1.4426950408889634;
// 1.5 * 2^23 (2^52): x + ROUND rounds x to an integer in the low bits
const ROUND_F: f32 = 12582912.0;
const ROUND_D: f64 = 6755399441055744.0;
// ln2 = LN2HI + LN2LO, n * LN2HI exact: 9 significant bits (float32); fdlibm's
// split, 32 trailing zero bits (float64)
const LN2HI_F: f32 = 0.693359375;
const LN2LO_F: f32 = -2.12194440e-4;
const LN2HI_D: f64 = 6.93147180369123816490e-1;
const LN2LO_D: f64 = 1.90821492927058770002e-10;
// e^r ≈ 1 + r + r² (Q0 + Q1 r + ... ) on |r| <= ln2/2: degree 4 (relative error 3.0e-9), degree 9
const EXPQ0_F: f32 = 0.4999999403953552;
const EXPQ1_F: f32 = 0.1666652113199234;
const EXPQ2_F: f32 = 0.04166838154196739;
const EXPQ3_F: f32 = 0.00836864672601223;
const EXPQ4_F: f32 = 0.0013814747799187899;
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
// log(1+f) = f - f²/2 + s (f²/2 + z (L1 + L2 z + ...)), s = f/(2+f), z = s², |s| <= 0.1716
const LOGL1_F: f32 = 0.6666677594184875;
const LOGL2_F: f32 = 0.3997756540775299;
const LOGL3_F: f32 = 0.29871055483818054;
const LOGL1_D: f64 = 0.6666666666666734;
const LOGL2_D: f64 = 0.39999999999416425;
const LOGL3_D: f64 = 0.28571428741957855;
const LOGL4_D: f64 = 0.22222198621211217;
const LOGL5_D: f64 = 0.1818356164005238;
const LOGL6_D: f64 = 0.1531412386293639;
const LOGL7_D: f64 = 0.1479517247404943;
// k ln2 for log: musl's split (float32), fdlibm's (float64, as for exp)
const LOG_LN2HI_F: f32 = 6.9313812256e-1;
const LOG_LN2LO_F: f32 = 9.0580006145e-6;
// tanh(x) ≈ x + x³ (T0 + T1 x² + ...) on |x| < 0.3 (relative error 1.2e-8 for float32)
const TANH_SMALL_F: f32 = 0.3;
const TANH_SMALL_D: f64 = 0.3;
const TANHT0_F: f32 = -0.33333060145378113;
const TANHT1_F: f32 = 0.13314850628376007;
const TANHT2_F: f32 = -0.05036795511841774;
const TANHT0_D: f64 = -0.3333333333333326;
const TANHT1_D: f64 = 0.13333333333306907;
const TANHT2_D: f64 = -0.053968253935625106;
const TANHT3_D: f64 = 0.021869486585386073;
const TANHT4_D: f64 = -0.00886317088339461;
const TANHT5_D: f64 = 0.0035908755642637597;
const TANHT6_D: f64 = -0.001441667721957158;
const TANHT7_D: f64 = 0.000502492887764375;

// ---- exp ----

/** x log2e + ROUND: as a float, n + ROUND; its low mantissa bits hold n = round(x log2e). */
@inline function expRound<T>(x: v128): v128 {
  return madd<T>(x, pick<T>(LOG2E_F, LOG2E_D), byType<T>(ROUND_F, ROUND_D));
}

/** r = x - n ln2 in two steps, given t from expRound. */
@inline function expReduce<T>(x: v128, t: v128): v128 {
  const n = v128.sub<T>(t, pick<T>(ROUND_F, ROUND_D));
  const hi = v128.mul<T>(n, pick<T>(LN2HI_F, LN2HI_D));
  return v128.sub<T>(v128.sub<T>(x, hi), v128.mul<T>(n, pick<T>(LN2LO_F, LN2LO_D)));
}

/** e^r - 1 = r + r² Q(r), accurate relative to itself for |r| <= ln2/2. */
@inline function expm1Poly<T>(r: v128): v128 {
  const q = sizeof<T>() == 4
    ? poly<T>(r, 5, EXPQ0_F, EXPQ1_F, EXPQ2_F, EXPQ3_F, EXPQ4_F)
    : poly<T>(r, 10, EXPQ0_D, EXPQ1_D, EXPQ2_D, EXPQ3_D, EXPQ4_D, EXPQ5_D, EXPQ6_D, EXPQ7_D, EXPQ8_D, EXPQ9_D);
  return v128.add<T>(v128.mul<T>(v128.mul<T>(r, r), q), r);
}

/** 2^n as a float from t of expRound (n in the normal exponent range). */
@inline function pow2From<T>(t: v128): v128 {
  return iadd<T>(ishl<T>(t, mantissaBits<T>()), isplat<T>(exponentBias<T>() << mantissaBits<T>()));
}

/** e^x where the result is normal (|x| <= 87.3, 708): 2^n goes straight into the exponent bits. */
@inline function expFast<T>(x: v128): v128 {
  const t = expRound<T>(x);
  const p = v128.add<T>(expm1Poly<T>(expReduce<T>(x, t)), splat<T>(1));
  return iadd<T>(p, ishl<T>(t, mantissaBits<T>()));
}

/** e^x for every x, NaN included. */
@inline function expFull<T>(x: v128): v128 {
  x = v128.pmax<T>(v128.pmin<T>(x, pick<T>(89, 710)), pick<T>(-104, -746)); // pmin/pmax pass NaN through
  const t = expRound<T>(x);
  const p = v128.add<T>(expm1Poly<T>(expReduce<T>(x, t)), splat<T>(1));
  const n = isub<T>(t, pick<T>(ROUND_F, ROUND_D)); // the bits of ROUND
  const half = ishrS<T>(n, 1);
  const bias = isplat<T>(exponentBias<T>());
  const s1 = ishl<T>(iadd<T>(half, bias), mantissaBits<T>());
  const s2 = ishl<T>(iadd<T>(isub<T>(n, half), bias), mantissaBits<T>());
  return v128.mul<T>(v128.mul<T>(p, s1), s2);
}

/** e^x - 1 where e^x is normal (sign of zero not kept: callers copy x's sign, as e^x - 1 has it). */
@inline function expm1Fast<T>(x: v128): v128 {
  const t = expRound<T>(x);
  const u = expm1Poly<T>(expReduce<T>(x, t));
  const s = pow2From<T>(t);
  return v128.add<T>(v128.sub<T>(s, splat<T>(1)), v128.mul<T>(s, u));
}

// ---- log ----

/**
 * log(1 + f) + k ln2 (+ c) for f = m - 1, m in [√½, √2), arranged as in
 * musl's logf so that the small terms are summed first; c is log1p's
 * correction for the rounding of 1 + x (omitted for log).
 */
@inline function logCore<T>(f: v128, k: v128, c: v128, withC: bool): v128 {
  const s = v128.div<T>(f, v128.add<T>(f, splat<T>(2)));
  const z = v128.mul<T>(s, s);
  const r = v128.mul<T>(sizeof<T>() == 4
    ? poly<T>(z, 3, LOGL1_F, LOGL2_F, LOGL3_F)
    : poly<T>(z, 7, LOGL1_D, LOGL2_D, LOGL3_D, LOGL4_D, LOGL5_D, LOGL6_D, LOGL7_D), z);
  const hfsq = v128.mul<T>(v128.mul<T>(f, splat<T>(0.5)), f);
  let lo = v128.mul<T>(k, pick<T>(LOG_LN2LO_F, LN2LO_D));
  if (withC) lo = v128.add<T>(lo, c);
  let y = v128.add<T>(v128.mul<T>(s, v128.add<T>(hfsq, r)), lo);
  y = v128.add<T>(v128.sub<T>(y, hfsq), f);
  return v128.add<T>(y, v128.mul<T>(k, pick<T>(LOG_LN2HI_F, LN2HI_D)));
}

// The bits of √½ (rounded); the bits of a positive normal float plus
// (1.0 - √½ in bits) have the exponent field k + bias, with the mantissa
// m = x 2^-k in [√½, √2).
@inline function sqrtHalfBits<T>(): v128 { return ipick<T>(0x3F3504F3, 0x3FE6A09E667F3BCD); }
@inline function logShift<T>(ix: v128): v128 {
  return iadd<T>(ix, isub<T>(isplat<T>(exponentBias<T>() << mantissaBits<T>()), sqrtHalfBits<T>()));
}
@inline function logK<T>(shifted: v128): v128 {
  if (sizeof<T>() == 4) return f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(shifted, 23), i32x4.splat(127)));
  // the exponent field (k + 1023) as the low bits of 2^52's mantissa
  const e = v128.or(i64x2.shr_u(shifted, 52), i64x2.splat(0x4330000000000000));
  return f64x2.sub(e, f64x2.splat(4503599627370496.0 + 1023));
}
@inline function logF<T>(shifted: v128): v128 {
  const m = v128.and(shifted, ipick<T>(0x007FFFFF, 0x000FFFFFFFFFFFFF));
  return v128.sub<T>(iadd<T>(m, sqrtHalfBits<T>()), splat<T>(1));
}

@inline function logFast<T>(x: v128): v128 {
  const sh = logShift<T>(x);
  return logCore<T>(logF<T>(sh), logK<T>(sh), x, false);
}

@inline function logFull<T>(x: v128): v128 {
  // subnormals scaled by 2^23 (2^54) first; zero and negatives are replaced below
  const tiny = v128.lt<T>(x, pick<T>(1.17549435e-38, 2.2250738585072014e-308));
  const sh = logShift<T>(v128.bitselect(v128.mul<T>(x, pick<T>(8388608.0, 18014398509481984.0)), x, tiny));
  const k = v128.sub<T>(logK<T>(sh), v128.and(tiny, pick<T>(23, 54)));
  let y = logCore<T>(logF<T>(sh), k, x, false);
  y = v128.bitselect(splat<T>(-Infinity), y, v128.eq<T>(x, splat<T>(0)));
  const d = v128.sub<T>(x, x); // NaN for ±Infinity and NaN: log(Infinity) = Infinity, NaN stays NaN
  y = v128.bitselect(x, y, v128.ne<T>(d, d));
  return v128.bitselect(splat<T>(NaN), y, v128.lt<T>(x, splat<T>(0)));
}

// ---- built on exp and log ----

@inline function tanhV<T>(x: v128): v128 {
  const sign = v128.and(x, signBits<T>());
  const a = v128.pmin<T>(v128.xor(x, sign), pick<T>(9.5, 20)); // |x|, NaN passes
  // |x| >= 0.3: em1 / (em1 + 2), em1 = e^{2|x|} - 1
  const em1 = expm1Fast<T>(v128.add<T>(a, a));
  const big = v128.div<T>(em1, v128.add<T>(em1, splat<T>(2)));
  // |x| < 0.3 (and NaN): the odd polynomial
  const z = v128.mul<T>(a, a);
  const p = sizeof<T>() == 4
    ? poly<T>(z, 3, TANHT0_F, TANHT1_F, TANHT2_F)
    : poly<T>(z, 8, TANHT0_D, TANHT1_D, TANHT2_D, TANHT3_D, TANHT4_D, TANHT5_D, TANHT6_D, TANHT7_D);
  const small = v128.add<T>(v128.mul<T>(v128.mul<T>(a, z), p), a);
  return v128.or(v128.bitselect(big, small, v128.ge<T>(a, pick<T>(TANH_SMALL_F, TANH_SMALL_D))), sign);
}

@inline function sigmoidV<T>(x: v128, careful: bool): v128 {
  const na = v128.or(x, signBits<T>()); // -|x|
  const e = careful ? expFull<T>(na) : expFast<T>(na);
  const num = v128.bitselect(e, splat<T>(1), iltS<T>(x, isplat<T>(0))); // e where x < 0 (sign bit), else 1
  return v128.div<T>(num, v128.add<T>(e, splat<T>(1)));
}

@inline function expm1V<T>(x: v128, careful: bool): v128 {
  const sign = v128.and(x, signBits<T>()); // e^x - 1 has the sign of x: expm1(-0) = -0
  if (!careful) return v128.or(expm1Fast<T>(x), sign);
  const lim = pick<T>(20, 40); // beyond, e^x - 1 rounds to e^x
  const y = v128.or(expm1Fast<T>(v128.pmax<T>(v128.pmin<T>(x, lim), pick<T>(-20, -40))), sign);
  return v128.bitselect(expFull<T>(x), y, v128.gt<T>(x, lim));
}

/** log(u) + c/u for u = 1 + x rounded, c = the rounding error. */
@inline function log1pOf<T>(x: v128, u: v128, largeU: bool): v128 {
  const sh = logShift<T>(u);
  const k = logK<T>(sh);
  let c = v128.sub<T>(x, v128.sub<T>(u, splat<T>(1)));
  if (largeU) c = v128.bitselect(v128.sub<T>(splat<T>(1), v128.sub<T>(u, x)), c, v128.ge<T>(k, splat<T>(2)));
  return logCore<T>(logF<T>(sh), k, v128.div<T>(c, u), true);
}

@inline function log1pV<T>(x: v128, careful: bool): v128 {
  const sign = v128.and(x, signBits<T>()); // log1p(-0) = -0; other negative x give negative results anyway
  const y = v128.or(log1pOf<T>(x, v128.add<T>(x, splat<T>(1)), true), sign);
  if (!careful) return y;
  const d = v128.sub<T>(x, x);
  let r = v128.bitselect(x, y, v128.ne<T>(d, d)); // Infinity, NaN
  r = v128.bitselect(splat<T>(-Infinity), r, v128.eq<T>(x, splat<T>(-1)));
  return v128.bitselect(splat<T>(NaN), r, v128.lt<T>(x, splat<T>(-1)));
}

@inline function softplusV<T>(x: v128, careful: bool): v128 {
  const na = v128.or(x, signBits<T>());
  const e = careful ? expFull<T>(na) : expFast<T>(na); // e^{-|x|} in [0, 1]
  return v128.add<T>(v128.pmax<T>(x, splat<T>(0)), log1pOf<T>(e, v128.add<T>(e, splat<T>(1)), false)); // pmax keeps NaN
}

@inline function eluV<T>(x: v128, alpha: v128, careful: bool): v128 {
  const e = expm1V<T>(v128.pmin<T>(x, splat<T>(0)), careful); // pmin keeps NaN
  return v128.bitselect(x, v128.mul<T>(alpha, e), v128.gt<T>(x, splat<T>(0)));
}

// ---- the kernels ----

/** Whether the fast body is valid for all four vectors of a block. */
@inline function fastOk<T>(kind: i32, a: v128, b: v128, c: v128, d: v128): bool {
  if (kind == V_TANH) return true;
  if (kind == V_LOG || kind == V_LOG1P) {
    if (kind == V_LOG1P) {
      const one = splat<T>(1);
      a = v128.add<T>(a, one); b = v128.add<T>(b, one); c = v128.add<T>(c, one); d = v128.add<T>(d, one);
    }
    // positive normal finite: bits - MIN_NORMAL < INFINITY - MIN_NORMAL, unsigned
    if (sizeof<T>() == 4) {
      const o = i32x4.splat(0x00800000);
      const m = i32x4.max_u(i32x4.max_u(i32x4.sub(a, o), i32x4.sub(b, o)), i32x4.max_u(i32x4.sub(c, o), i32x4.sub(d, o)));
      return !v128.any_true(i32x4.ge_u(m, i32x4.splat(0x7F000000)));
    }
    // (float64: compared signed after flipping the sign bits, as wasm has no
    // unsigned i64x2 compare: o = MIN_NORMAL + sign bit, lim the flipped bound)
    const o = i64x2.splat(0x8010000000000000);
    const lim = i64x2.splat(<i64>0xFFE0000000000000);
    const bad = v128.or(
      v128.or(i64x2.ge_s(i64x2.sub(a, o), lim), i64x2.ge_s(i64x2.sub(b, o), lim)),
      v128.or(i64x2.ge_s(i64x2.sub(c, o), lim), i64x2.ge_s(i64x2.sub(d, o), lim)),
    );
    return !v128.any_true(bad);
  }
  // |x| <= 87.3 (708) as integers: NaN and ±Infinity fail (float32 takes the
  // lanes' maximum first, float64 has no i64x2.max)
  const abs = v128.not(signBits<T>());
  const lim = ipick<T>(0x42AE999A, 0x4086200000000000);
  if (sizeof<T>() == 4) {
    const m = i32x4.max_s(i32x4.max_s(v128.and(a, abs), v128.and(b, abs)), i32x4.max_s(v128.and(c, abs), v128.and(d, abs)));
    return !v128.any_true(i32x4.gt_s(m, lim));
  }
  const bad = v128.or(
    v128.or(i64x2.gt_s(v128.and(a, abs), lim), i64x2.gt_s(v128.and(b, abs), lim)),
    v128.or(i64x2.gt_s(v128.and(c, abs), lim), i64x2.gt_s(v128.and(d, abs), lim)),
  );
  return !v128.any_true(bad);
}

@inline function vec<T>(kind: i32, x: v128, careful: bool, arg: v128): v128 {
  if (kind == V_ELU) return eluV<T>(x, arg, careful);
  if (kind == V_EXP) return careful ? expFull<T>(x) : expFast<T>(x);
  if (kind == V_LOG) return careful ? logFull<T>(x) : logFast<T>(x);
  if (kind == V_TANH) return tanhV<T>(x);
  if (kind == V_SIGMOID) return sigmoidV<T>(x, careful);
  if (kind == V_EXPM1) return expm1V<T>(x, careful);
  if (kind == V_LOG1P) return log1pV<T>(x, careful);
  return softplusV<T>(x, careful);
}

/**
 * The careful body over n elements, the last n mod lanes as one vector
 * padded with its first element.
 */
@inline function careful<T>(kind: i32, x: usize, out: usize, n: i32, arg: v128): void {
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const off = <usize>i << shift;
    v128.store(out + off, vec<T>(kind, v128.load(x + off), true, arg));
  }
  const rest = n - i;
  if (rest > 0) {
    const p = x + (<usize>i << shift);
    const q = out + (<usize>i << shift);
    let v = v128.splat<T>(load<T>(p));
    if (sizeof<T>() == 4) {
      if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
      if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    }
    v = vec<T>(kind, v, true, arg);
    store<T>(q, v128.extract_lane<T>(v, 0));
    if (sizeof<T>() == 4) {
      if (rest > 1) store<f32>(q, f32x4.extract_lane(v, 1), 4);
      if (rest > 2) store<f32>(q, f32x4.extract_lane(v, 2), 8);
    }
  }
}

@inline function transcendental<T>(kind: i32, x: usize, out: usize, n: i32, param: f64 = 0): void {
  const shift = alignof<T>();
  const arg = splat<T>(param);
  const block = 4 * lanes<T>();
  let i = 0;
  for (; i + block <= n; i += block) {
    const p = x + (<usize>i << shift);
    const q = out + (<usize>i << shift);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const c = v128.load(p, 32);
    const d = v128.load(p, 48);
    if (fastOk<T>(kind, a, b, c, d)) {
      v128.store(q, vec<T>(kind, a, false, arg));
      v128.store(q, vec<T>(kind, b, false, arg), 16);
      v128.store(q, vec<T>(kind, c, false, arg), 32);
      v128.store(q, vec<T>(kind, d, false, arg), 48);
    } else {
      careful<T>(kind, p, q, block, arg);
    }
  }
  careful<T>(kind, x + (<usize>i << shift), out + (<usize>i << shift), n - i, arg);
}

export function exp_f32(x: usize, out: usize, n: i32): void { transcendental<f32>(V_EXP, x, out, n); }
export function exp_f64(x: usize, out: usize, n: i32): void { transcendental<f64>(V_EXP, x, out, n); }
export function log_f32(x: usize, out: usize, n: i32): void { transcendental<f32>(V_LOG, x, out, n); }
export function log_f64(x: usize, out: usize, n: i32): void { transcendental<f64>(V_LOG, x, out, n); }
export function tanh_f32(x: usize, out: usize, n: i32): void { transcendental<f32>(V_TANH, x, out, n); }
export function tanh_f64(x: usize, out: usize, n: i32): void { transcendental<f64>(V_TANH, x, out, n); }
export function sigmoid_f32(x: usize, out: usize, n: i32): void { transcendental<f32>(V_SIGMOID, x, out, n); }
export function sigmoid_f64(x: usize, out: usize, n: i32): void { transcendental<f64>(V_SIGMOID, x, out, n); }
export function expm1_f32(x: usize, out: usize, n: i32): void { transcendental<f32>(V_EXPM1, x, out, n); }
export function expm1_f64(x: usize, out: usize, n: i32): void { transcendental<f64>(V_EXPM1, x, out, n); }
export function log1p_f32(x: usize, out: usize, n: i32): void { transcendental<f32>(V_LOG1P, x, out, n); }
export function log1p_f64(x: usize, out: usize, n: i32): void { transcendental<f64>(V_LOG1P, x, out, n); }
export function softplus_f32(x: usize, out: usize, n: i32): void { transcendental<f32>(V_SOFTPLUS, x, out, n); }
export function softplus_f64(x: usize, out: usize, n: i32): void { transcendental<f64>(V_SOFTPLUS, x, out, n); }
export function elu_f32(x: usize, out: usize, n: i32, alpha: f32): void { transcendental<f32>(V_ELU, x, out, n, alpha); }
export function elu_f64(x: usize, out: usize, n: i32, alpha: f64): void { transcendental<f64>(V_ELU, x, out, n, alpha); }

// ---------------------------------------------------------------------------
// erf, erfc, the normal CDF and gelu in float32 SIMD (float64 keeps the
// scalar float64 algorithm of assembly/erf.ts). For a = |x|:
// - erf(x) = x P(x²) for a < 0.921875, P of degree 6; erfc = 1 - erf for
//   a < 0.5 (erfc > 0.48: no cancellation).
// - erfc(a) = e^{-a²} erfcx(a) above those, erfcx by a polynomial of degree
//   9 in a - 1.25 on [0.5, 2) and of degree 8 in 1/a - 0.29761904 on
//   [2, 10.5], coefficients picked per lane so that one Horner chain serves
//   both; erfc(-a) = 2 - erfc(a), erf = 1 - erfc. With float32 coefficients
//   the fits are within 5.2e-8 (P), 3.7e-8 and 3.0e-8 (erfcx) relative.
//   e^{-a²} is taken without the rounding of a² (which would cost up to 100
//   ulps at a = 10): a = h + (a - h) with h the top 12 bits of a, so h² is
//   exact, and -h² enters exp's reduction (r = -h² - n ln2 - (a-h)(a+h))
//   exactly; 2^n is applied in two halves after every other factor, so a
//   subnormal result is rounded once.
// The normal CDF Φ(x) = erfc(-x/√2)/2 and gelu(x) = x Φ(x) take e^{-x²/2}
// from x itself the same way (x/√2 would be rounded), and gelu multiplies by
// x before the last scaling, so its tail keeps its relative accuracy down to
// the subnormals. Fits: our own, weighted least squares on Chebyshev nodes
// against mpmath (40 digits). Measured (test/math-accuracy.test.ts) in
// float32 ulps of the correctly rounded value: erf 2, erfc 4, Φ and gelu 5,
// at 5-10x the speed of the float64 path they replace.

const ERF_SPLIT: f32 = 0.921875;
/** erfc (and Φ) take the tail's form from here: 1 - erf would cancel a few bits past it. */
const ERFC_SPLIT: f32 = 0.5;
const ERFCX_SPLIT: f32 = 2.0;
const ERFCX_A_MID: f32 = 1.25;
const ERFCX_B_MID: f32 = 0.2976190447807312;
/** Past this erfc(a) (and erfc(a/√2) past 10.5√2) is 0 in float32; the clamp keeps 2^n normal. */
const ERFC_CLAMP: f32 = 10.5;
const ERFC_CLAMP_HALF: f32 = 14.849242404917497;
const SQRT1_2_F: f32 = 0.7071067690849304;
// P(z), z = x²
const ERFP0: f32 = 1.128379225730896;
const ERFP1: f32 = -0.3761264383792877;
const ERFP2: f32 = 0.11283695697784424;
const ERFP3: f32 = -0.026859400793910027;
const ERFP4: f32 = 0.00520103657618165;
const ERFP5: f32 = -0.0008142745937220752;
const ERFP6: f32 = 8.370249270228669e-05;

/** x P(x²) = erf(x) for |x| < 0.921875. */
@inline function erfSmall(x: v128): v128 {
  const z = f32x4.mul(x, x);
  return f32x4.mul(x, poly<f32>(z, 7, ERFP0, ERFP1, ERFP2, ERFP3, ERFP4, ERFP5, ERFP6));
}

/** The erfcx coefficient k of both intervals, per lane (inA: the lanes below 2). */
@inline function erfcxCoefficient(inA: v128, ca: f32, cb: f32): v128 {
  return v128.bitselect(f32x4.splat(ca), f32x4.splat(cb), inA);
}

/**
 * m erfc(a) (half: m erfc(a/√2)) for lanes with a >= 0.921875 (a/√2, when
 * half), a >= 0 or NaN; m is finite. Other lanes give garbage, to be
 * selected away.
 */
@inline function erfcTail(a: v128, half: bool, m: v128): v128 {
  a = v128.pmin<f32>(a, f32x4.splat(half ? ERFC_CLAMP_HALF : ERFC_CLAMP)); // (NaN passes)
  const b = half ? f32x4.mul(a, f32x4.splat(SQRT1_2_F)) : a;
  const inA = f32x4.lt(b, f32x4.splat(ERFCX_SPLIT));
  const u = v128.bitselect(
    f32x4.sub(b, f32x4.splat(ERFCX_A_MID)),
    f32x4.sub(f32x4.div(f32x4.splat(1), b), f32x4.splat(ERFCX_B_MID)),
    inA,
  );
  let p = erfcxCoefficient(inA, -0.00018496060511097312, 0.0);
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, 0.0005568229244090617, -0.24986207485198975));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, -0.0013181164395064116, 0.26823732256889343));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, 0.003511497750878334, -0.06367658078670502));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, -0.009081949479877949, -0.12823840975761414));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, 0.02201973646879196, 0.18519838154315948));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, -0.050218451768159866, -0.07491812855005264));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, 0.10679501295089722, -0.17474760115146637));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, -0.2088218629360199, 0.5020862817764282));
  p = f32x4.add(f32x4.mul(p, u), erfcxCoefficient(inA, 0.36782291531562805, 0.16129550337791443));
  // e^{-a²} (e^{-a²/2}): -a² = -h² - (a - h)(a + h), h² exact
  const h = v128.and(a, i32x4.splat(0xfffff000));
  let hh = f32x4.mul(h, h);
  let d = f32x4.mul(f32x4.sub(a, h), f32x4.add(a, h));
  if (half) {
    hh = f32x4.mul(hh, f32x4.splat(0.5));
    d = f32x4.mul(d, f32x4.splat(0.5));
  }
  const t = expRound<f32>(f32x4.neg(f32x4.add(hh, d)));
  const n = f32x4.sub(t, f32x4.splat(ROUND_F));
  const r = f32x4.sub(f32x4.sub(f32x4.sub(f32x4.neg(hh), f32x4.mul(n, f32x4.splat(LN2HI_F))), d), f32x4.mul(n, f32x4.splat(LN2LO_F)));
  const e = f32x4.add(expm1Poly<f32>(r), f32x4.splat(1));
  const k = i32x4.sub(t, f32x4.splat(ROUND_F)); // n, in the low bits of t's pattern
  const k1 = i32x4.shr_s(k, 1);
  const s1 = i32x4.shl(i32x4.add(k1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(k, k1), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(f32x4.mul(f32x4.mul(e, p), m), s1), s2);
}

const ERF_V = 0;
const ERFC_V = 1;
const NORMCDF_V = 2;
const GELU_V = 3;

@inline function erfFamily(op: i32, x: v128): v128 {
  const a = f32x4.abs(x);
  const one = f32x4.splat(1);
  if (op == ERF_V || op == ERFC_V) {
    const small = f32x4.lt(a, f32x4.splat(op == ERF_V ? ERF_SPLIT : ERFC_SPLIT));
    const s = erfSmall(x);
    const tail = erfcTail(a, false, one);
    if (op == ERF_V) {
      // sign(x) (1 - erfc(a))
      const big = v128.or(f32x4.sub(one, tail), v128.and(x, i32x4.splat(0x80000000)));
      return v128.bitselect(s, big, small);
    }
    const big = v128.bitselect(f32x4.sub(f32x4.splat(2), tail), tail, i32x4.lt_s(x, i32x4.splat(0)));
    return v128.bitselect(f32x4.sub(one, s), big, small);
  }
  // Φ(x) = (1 + erf(x/√2))/2 near 0; for |x|/√2 >= 0.921875, erfc(|x|/√2)/2 = Φ(-|x|)
  const y = f32x4.mul(x, f32x4.splat(SQRT1_2_F));
  const small = f32x4.lt(f32x4.abs(y), f32x4.splat(ERFC_SPLIT));
  const negative = f32x4.lt(x, f32x4.splat(0));
  const halfv = f32x4.splat(0.5);
  const phiSmall = f32x4.add(halfv, f32x4.mul(halfv, erfSmall(y)));
  if (op == NORMCDF_V) {
    const lower = erfcTail(a, true, halfv); // Φ(-|x|)
    return v128.bitselect(phiSmall, v128.bitselect(lower, f32x4.sub(one, lower), negative), small);
  }
  // gelu: x Φ(x); in the lower tail x Φ(x) with x folded in before the last scaling
  // (x kept finite there: past -14.85 the result is -0 whatever x is)
  const m = f32x4.mul(halfv, v128.pmax<f32>(x, f32x4.splat(-16)));
  const lowerTimesX = erfcTail(a, true, v128.bitselect(m, halfv, negative));
  const big = v128.bitselect(lowerTimesX, f32x4.mul(x, f32x4.sub(one, lowerTimesX)), negative);
  return v128.bitselect(f32x4.mul(x, phiSmall), big, small);
}

// The erf family over float32 arrays. Two functions shared by the four ops
// (the op a runtime argument: the code is long, and one copy of it runs all
// four): 16 elements with four independent chains in flight, and one vector
// of 1 to 4 elements (a last partial vector is padded).
function erfBlock(op: i32, x: usize, out: usize): void {
  const y0 = erfFamily(op, v128.load(x));
  const y1 = erfFamily(op, v128.load(x, 16));
  const y2 = erfFamily(op, v128.load(x, 32));
  const y3 = erfFamily(op, v128.load(x, 48));
  v128.store(out, y0);
  v128.store(out, y1, 16);
  v128.store(out, y2, 32);
  v128.store(out, y3, 48);
}

function erfVector(op: i32, x: usize, out: usize, count: i32): void {
  let v: v128;
  if (count == 4) v = v128.load(x);
  else {
    v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(x));
    if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(x, 4));
    if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(x, 8));
  }
  const y = erfFamily(op, v);
  if (count == 4) {
    v128.store(out, y);
    return;
  }
  store<f32>(out, f32x4.extract_lane(y, 0));
  if (count > 1) store<f32>(out, f32x4.extract_lane(y, 1), 4);
  if (count > 2) store<f32>(out, f32x4.extract_lane(y, 2), 8);
}

@inline function erfFamilyMap(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) erfBlock(op, x + (<usize>i << 2), out + (<usize>i << 2));
  for (; i < n; i += 4) erfVector(op, x + (<usize>i << 2), out + (<usize>i << 2), min(4, n - i));
}

// ---------------------------------------------------------------------------
// Other transcendentals, one standard-library call per element (Mathf for
// float32, Math for float64); erf, erfc, the normal CDF and gelu in float64
// (their float32 kernels are the vector ones above).

const SIGN = 0;
const CBRT = 1;
const EXP2 = 2;
const LOG2 = 3;
const LOG10 = 4;
const SIN = 5;
const COS = 6;
const TAN = 7;
const ASIN = 8;
const ACOS = 9;
const ATAN = 10;
const SINH = 11;
const COSH = 12;
const ASINH = 13;
const ACOSH = 14;
const ATANH = 15;
const NORMCDF = 16;
const GELU = 17;
const ERF = 18;
const ERFC = 19;

// The standard normal CDF Φ(x) = erfc(-x/√2)/2, accurate in the lower tail
// where (1 + erf(x/√2))/2 would cancel; gelu(x) = x Φ(x), taken as -0 where
// Φ underflows (x < -38.5) so that gelu(-Infinity) is its limit, not NaN.
@inline function normcdf64(v: f64): f64 { return 0.5 * erfc64(-v * Math.SQRT1_2); }
@inline function gelu64(v: f64): f64 {
  const p = normcdf64(v);
  return p == 0 ? -0.0 : v * p;
}

@inline function mathOp<T>(op: i32, v: T): T {
  const single = sizeof<T>() == 4;
  const s = <f32>v;
  const d = <f64>v;
  if (op == SIGN) return v > <T>0 ? <T>1 : v < <T>0 ? <T>-1 : v; // ±1, and x itself for ±0 and NaN
  if (op == CBRT) return single ? <T>Mathf.cbrt(s) : <T>Math.cbrt(d);
  if (op == EXP2) return single ? <T>Mathf.exp2(s) : <T>Math.exp2(d);
  if (op == LOG2) return single ? <T>Mathf.log2(s) : <T>Math.log2(d);
  if (op == LOG10) return single ? <T>Mathf.log10(s) : <T>Math.log10(d);
  if (op == SIN) return single ? <T>Mathf.sin(s) : <T>Math.sin(d);
  if (op == COS) return single ? <T>Mathf.cos(s) : <T>Math.cos(d);
  if (op == TAN) return single ? <T>Mathf.tan(s) : <T>Math.tan(d);
  if (op == ASIN) return single ? <T>Mathf.asin(s) : <T>Math.asin(d);
  if (op == ACOS) return single ? <T>Mathf.acos(s) : <T>Math.acos(d);
  if (op == ATAN) return single ? <T>Mathf.atan(s) : <T>Math.atan(d);
  if (op == SINH) return single ? <T>Mathf.sinh(s) : <T>Math.sinh(d);
  if (op == COSH) return single ? <T>Mathf.cosh(s) : <T>Math.cosh(d);
  if (op == ASINH) return single ? <T>Mathf.asinh(s) : <T>Math.asinh(d);
  if (op == ACOSH) return single ? <T>Mathf.acosh(s) : <T>Math.acosh(d);
  if (op == ATANH) return single ? <T>Mathf.atanh(s) : <T>Math.atanh(d);
  if (op == NORMCDF) return <T>normcdf64(d);
  if (op == ERF) return <T>erf64(d);
  if (op == ERFC) return <T>erfc64(d);
  return <T>gelu64(d);
}

@inline function mathMap<T>(op: i32, x: usize, out: usize, n: i32): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, mathOp<T>(op, load<T>(x + off)));
  }
}

export function sign_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(SIGN, x, out, n); }
export function sign_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(SIGN, x, out, n); }
export function cbrt_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(CBRT, x, out, n); }
export function cbrt_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(CBRT, x, out, n); }
export function exp2_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(EXP2, x, out, n); }
export function exp2_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(EXP2, x, out, n); }
export function log2_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(LOG2, x, out, n); }
export function log2_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(LOG2, x, out, n); }
export function log10_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(LOG10, x, out, n); }
export function log10_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(LOG10, x, out, n); }
export function sin_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(SIN, x, out, n); }
export function sin_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(SIN, x, out, n); }
export function cos_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(COS, x, out, n); }
export function cos_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(COS, x, out, n); }
export function tan_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(TAN, x, out, n); }
export function tan_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(TAN, x, out, n); }
export function asin_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(ASIN, x, out, n); }
export function asin_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ASIN, x, out, n); }
export function acos_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(ACOS, x, out, n); }
export function acos_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ACOS, x, out, n); }
export function atan_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(ATAN, x, out, n); }
export function atan_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ATAN, x, out, n); }
export function sinh_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(SINH, x, out, n); }
export function sinh_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(SINH, x, out, n); }
export function cosh_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(COSH, x, out, n); }
export function cosh_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(COSH, x, out, n); }
export function asinh_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(ASINH, x, out, n); }
export function asinh_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ASINH, x, out, n); }
export function acosh_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(ACOSH, x, out, n); }
export function acosh_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ACOSH, x, out, n); }
export function atanh_f32(x: usize, out: usize, n: i32): void { mathMap<f32>(ATANH, x, out, n); }
export function atanh_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ATANH, x, out, n); }
export function unary_normcdf_f32(x: usize, out: usize, n: i32): void { erfFamilyMap(NORMCDF_V, x, out, n); }
export function unary_normcdf_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(NORMCDF, x, out, n); }
export function gelu_f32(x: usize, out: usize, n: i32): void { erfFamilyMap(GELU_V, x, out, n); }
export function gelu_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(GELU, x, out, n); }
// (src/ops/special.ts's erf and erfc)
export function erf_f32(x: usize, out: usize, n: i32): void { erfFamilyMap(ERF_V, x, out, n); }
export function erf_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ERF, x, out, n); }
export function erfc_f32(x: usize, out: usize, n: i32): void { erfFamilyMap(ERFC_V, x, out, n); }
export function erfc_f64(x: usize, out: usize, n: i32): void { mathMap<f64>(ERFC, x, out, n); }
