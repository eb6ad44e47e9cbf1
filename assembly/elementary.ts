// Kernels for the elementary functions of src/ops/unary.ts that need more
// than a composition of existing ops: sinpi, cospi and sinc with exact
// argument reduction, exp10 by pow (exact at integers), and the broadcasting
// binary functions rem, copysign, logaddexp and xlogy. Every value is
// computed in float64 and rounded once to the kernel's dtype, so the float32
// kernels are correctly rounded but for the float64 error, which is far below
// half a float32 ulp.

import { cospi64, sinpi64 } from "./mathcore";
import { offA, offB, rowLength, rowStride, step, walkRows } from "./strided";

// ---------------------------------------------------------------------------
// sin(πx)/(πx), 1 at 0 and 0 at ±Infinity (the limits).
@inline function sinc64(x: f64): f64 {
  if (x == 0) return 1;
  if (!isFinite(x)) return x != x ? x : 0;
  return sinpi64(x) / (Math.PI * x);
}

const SINPI = 0;
const COSPI = 1;
const SINC = 2;
const EXP10 = 3;

@inline function elementary64(op: i32, x: f64): f64 {
  if (op == SINPI) return sinpi64(x);
  if (op == COSPI) return cospi64(x);
  if (op == SINC) return sinc64(x);
  return Math.pow(10, x);
}

@inline function elementaryMap<T>(op: i32, x: usize, out: usize, n: i32): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, <T>elementary64(op, <f64>load<T>(x + off)));
  }
}

export function sinpi_f32(x: usize, out: usize, n: i32): void { elementaryMap<f32>(SINPI, x, out, n); }
export function sinpi_f64(x: usize, out: usize, n: i32): void { elementaryMap<f64>(SINPI, x, out, n); }
export function cospi_f32(x: usize, out: usize, n: i32): void { elementaryMap<f32>(COSPI, x, out, n); }
export function cospi_f64(x: usize, out: usize, n: i32): void { elementaryMap<f64>(COSPI, x, out, n); }
export function sinc_f32(x: usize, out: usize, n: i32): void { elementaryMap<f32>(SINC, x, out, n); }
export function sinc_f64(x: usize, out: usize, n: i32): void { elementaryMap<f64>(SINC, x, out, n); }
export function exp10_f32(x: usize, out: usize, n: i32): void { elementaryMap<f32>(EXP10, x, out, n); }
export function exp10_f64(x: usize, out: usize, n: i32): void { elementaryMap<f64>(EXP10, x, out, n); }

// ---------------------------------------------------------------------------
// Broadcasting binary functions, over the collapsed shapes and strides of
// ./strided.ts (as in ./binary.ts), scalar: each is a handful of branches.

const REM = 0;
const COPYSIGN = 1;
const LOGADDEXP = 2;
const XLOGY = 3;

// log(e^a + e^b) = max + log1p(e^-|a - b|): no overflow, and exact where one
// term is negligible. Equal arguments (±Infinity included) give a + log 2,
// two -Infinity give -Infinity; NaN propagates.
@inline function logaddexp64(a: f64, b: f64): f64 {
  if (a == b) return a == -Infinity ? a : a + Math.LN2;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

@inline function binary64(op: i32, a: f64, b: f64): f64 {
  // The remainder of the division truncated toward zero (C's fmod, Julia's
  // rem, JavaScript's %): exact, with the sign of a.
  if (op == REM) return a % b;
  if (op == COPYSIGN) return copysign<f64>(a, b);
  if (op == LOGADDEXP) return logaddexp64(a, b);
  // x log y, 0 where x is 0 (whatever y but NaN), as scipy's xlogy.
  return a == 0 && b == b ? 0 : a * Math.log(b);
}

@inline function binaryMap<T>(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesA: usize, stridesB: usize): void {
  const shift = alignof<T>();
  if (ndim == 0) {
    store<T>(out, <T>binary64(op, <f64>load<T>(a), <f64>load<T>(b)));
    return;
  }
  const n = rowLength(ndim, shape);
  const stepA = <usize>rowStride(ndim, stridesA) << shift;
  const stepB = <usize>rowStride(ndim, stridesB) << shift;
  const rows = walkRows(ndim, shape);
  let po = out;
  for (let r = 0; r < rows; r++) {
    let pa = a + (<usize>offA << shift);
    let pb = b + (<usize>offB << shift);
    for (let i = 0; i < n; i++) {
      store<T>(po, <T>binary64(op, <f64>load<T>(pa), <f64>load<T>(pb)));
      po += sizeof<T>();
      pa += stepA;
      pb += stepB;
    }
    step(ndim - 1, shape, 2, stridesA, stridesB);
  }
}

export function rem_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f32>(REM, a, b, out, ndim, shape, sa, sb); }
export function rem_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f64>(REM, a, b, out, ndim, shape, sa, sb); }
export function copysign_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f32>(COPYSIGN, a, b, out, ndim, shape, sa, sb); }
export function copysign_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f64>(COPYSIGN, a, b, out, ndim, shape, sa, sb); }
export function logaddexp_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f32>(LOGADDEXP, a, b, out, ndim, shape, sa, sb); }
export function logaddexp_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f64>(LOGADDEXP, a, b, out, ndim, shape, sa, sb); }
export function xlogy_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f32>(XLOGY, a, b, out, ndim, shape, sa, sb); }
export function xlogy_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binaryMap<f64>(XLOGY, a, b, out, ndim, shape, sa, sb); }
