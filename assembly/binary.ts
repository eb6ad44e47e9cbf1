// Elementwise binary ops with numpy broadcasting. The front end computes the
// output shape and, per operand, element strides (0 along broadcast axes) and
// merges adjacent axes that are contiguous in all three arrays, so the common
// cases reach the kernel as one flat row. Arithmetic (src/ops/arithmetic.ts)
// shares this machinery: one op code per operation, SIMD where wasm has the
// instruction, scalar otherwise. (Comparisons, whose results are bool, are
// in ./compare.ts; int32 arithmetic in ./integer.ts.)

import { axpyRun, lanes } from "./simd";
import { offA, offB, rowLength, rowStride, step, walkRows } from "./strided";
import { powScalarRow } from "./pow";

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAXIMUM = 4;
const MINIMUM = 5;
// Scalar only (no SIMD instruction): transcendentals and numpy's mod / floor division.
const POW = 6;
const ATAN2 = 7;
const HYPOT = 8;
const MOD = 9;
const FLOORDIV = 10;
// Fused backward steps of activations whose rule reuses the result y:
// dy * (1 - y²) for tanh, dy * (y (1 - y)) for sigmoid (a = dy, b = y), with
// the roundings of the unfused rules, so gradients are the same to the bit.
const TANH_GRAD = 11;
const SIGMOID_GRAD = 12;

@inline function hasVector(op: i32): bool {
  return op < POW || op >= TANH_GRAD;
}

// numpy's remainder (npy_divmod): fmod, then moved into the sign of b; a zero
// result takes the sign of b; b == 0 gives NaN.
@inline function numpyMod<T>(a: T, b: T): T {
  let m = a % b;
  if (b == 0) return m;
  if (m != 0) {
    if ((b < 0) != (m < 0)) m += b;
  } else {
    m = copysign<T>(0, b);
  }
  return m;
}

// numpy's floor_divide (npy_divmod): consistent with numpyMod, a == b * q + mod.
@inline function numpyFloorDiv<T>(a: T, b: T): T {
  const m0 = a % b;
  if (b == 0) return a / b;
  let d = (a - m0) / b;
  if (m0 != 0 && (b < 0) != (m0 < 0)) d -= 1;
  if (d != 0) {
    let q = floor<T>(d);
    if (d - q > <T>0.5) q += 1;
    return q;
  }
  return copysign<T>(0, a / b);
}

@inline function applyScalar<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == DIV) return a / b;
  if (op == MAXIMUM) return max<T>(a, b);
  if (op == MINIMUM) return min<T>(a, b);
  if (op == POW) {
    if (sizeof<T>() == 4) return <T>Mathf.pow(<f32>a, <f32>b);
    return <T>Math.pow(<f64>a, <f64>b);
  }
  if (op == ATAN2) {
    if (sizeof<T>() == 4) return <T>Mathf.atan2(<f32>a, <f32>b);
    return <T>Math.atan2(<f64>a, <f64>b);
  }
  if (op == HYPOT) {
    if (sizeof<T>() == 4) return <T>Mathf.hypot(<f32>a, <f32>b);
    return <T>Math.hypot(<f64>a, <f64>b);
  }
  if (op == MOD) return numpyMod<T>(a, b);
  if (op == TANH_GRAD) return a * (<T>1 - b * b);
  if (op == SIGMOID_GRAD) return a * (b * (<T>1 - b));
  return numpyFloorDiv<T>(a, b);
}

// Only called for ops with hasVector(op).
@inline function applyVector<T>(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return v128.add<T>(a, b);
  if (op == SUB) return v128.sub<T>(a, b);
  if (op == MUL) return v128.mul<T>(a, b);
  if (op == DIV) return v128.div<T>(a, b);
  if (op == MAXIMUM) return v128.max<T>(a, b);
  if (op == MINIMUM) return v128.min<T>(a, b);
  const one = v128.splat<T>(1);
  if (op == TANH_GRAD) return v128.mul<T>(a, v128.sub<T>(one, v128.mul<T>(b, b)));
  return v128.mul<T>(a, v128.mul<T>(b, v128.sub<T>(one, b)));
}

// One contiguous output row; each input either walks with unit stride,
// stays put (a broadcast scalar along this row) or walks with another
// stride. SIMD covers the first three where wasm has the instruction; the
// scalar loop takes the tail, other strides and the other ops.
@inline function row<T>(op: i32, a: usize, strideA: i32, b: usize, strideB: i32, out: usize, n: i32): void {
  // x ** (a scalar integer or half-integer): ./pow.ts
  if (op == POW && strideB == 0 && powScalarRow<T>(a, strideA, load<T>(b), out, n)) return;
  const shift = alignof<T>();
  let i = 0;
  if (hasVector(op)) {
    if (strideA == 1 && strideB == 1) {
      for (; i + lanes<T>() <= n; i += lanes<T>()) {
        const off = <usize>i << shift;
        v128.store(out + off, applyVector<T>(op, v128.load(a + off), v128.load(b + off)));
      }
    } else if (strideA == 0 && strideB == 1) {
      const va = v128.splat<T>(load<T>(a));
      for (; i + lanes<T>() <= n; i += lanes<T>()) {
        const off = <usize>i << shift;
        v128.store(out + off, applyVector<T>(op, va, v128.load(b + off)));
      }
    } else if (strideA == 1 && strideB == 0) {
      const vb = v128.splat<T>(load<T>(b));
      for (; i + lanes<T>() <= n; i += lanes<T>()) {
        const off = <usize>i << shift;
        v128.store(out + off, applyVector<T>(op, v128.load(a + off), vb));
      }
    }
  }
  const stepA = <usize>strideA << shift;
  const stepB = <usize>strideB << shift;
  let pa = a + <usize>i * stepA;
  let pb = b + <usize>i * stepB;
  for (; i < n; i++) {
    store<T>(out + (<usize>i << shift), applyScalar<T>(op, load<T>(pa), load<T>(pb)));
    pa += stepA;
    pb += stepB;
  }
}

// Over collapsed broadcast shapes (./strided.ts): `shape` has `ndim` axes,
// each operand its element strides; out is contiguous.
@inline function binary<T>(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesA: usize, stridesB: usize): void {
  if (ndim == 0) {
    store<T>(out, applyScalar<T>(op, load<T>(a), load<T>(b)));
    return;
  }
  const shift = alignof<T>();
  const n = rowLength(ndim, shape);
  const sa = rowStride(ndim, stridesA);
  const sb = rowStride(ndim, stridesB);
  const rows = walkRows(ndim, shape);
  let po = out;
  for (let r = 0; r < rows; r++) {
    row<T>(op, a + (<usize>offA << shift), sa, b + (<usize>offB << shift), sb, po, n);
    po += <usize>n << shift;
    step(ndim - 1, shape, 2, stridesA, stridesB);
  }
}

export function add_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(ADD, a, b, out, ndim, shape, sa, sb); }
export function sub_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(SUB, a, b, out, ndim, shape, sa, sb); }
export function mul_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(MUL, a, b, out, ndim, shape, sa, sb); }
export function div_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(DIV, a, b, out, ndim, shape, sa, sb); }
export function add_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(ADD, a, b, out, ndim, shape, sa, sb); }
export function sub_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(SUB, a, b, out, ndim, shape, sa, sb); }
export function mul_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(MUL, a, b, out, ndim, shape, sa, sb); }
export function div_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(DIV, a, b, out, ndim, shape, sa, sb); }

// Arithmetic beyond the four basic ops (src/ops/arithmetic.ts).
export function pow_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(POW, a, b, out, ndim, shape, sa, sb); }
export function pow_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(POW, a, b, out, ndim, shape, sa, sb); }
export function maximum_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(MAXIMUM, a, b, out, ndim, shape, sa, sb); }
export function maximum_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(MAXIMUM, a, b, out, ndim, shape, sa, sb); }
export function minimum_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(MINIMUM, a, b, out, ndim, shape, sa, sb); }
export function minimum_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(MINIMUM, a, b, out, ndim, shape, sa, sb); }
export function atan2_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(ATAN2, a, b, out, ndim, shape, sa, sb); }
export function atan2_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(ATAN2, a, b, out, ndim, shape, sa, sb); }
export function hypot_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(HYPOT, a, b, out, ndim, shape, sa, sb); }
export function hypot_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(HYPOT, a, b, out, ndim, shape, sa, sb); }
export function tanh_grad_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(TANH_GRAD, a, b, out, ndim, shape, sa, sb); }
export function tanh_grad_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(TANH_GRAD, a, b, out, ndim, shape, sa, sb); }
export function sigmoid_grad_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(SIGMOID_GRAD, a, b, out, ndim, shape, sa, sb); }
export function sigmoid_grad_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(SIGMOID_GRAD, a, b, out, ndim, shape, sa, sb); }
export function mod_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(MOD, a, b, out, ndim, shape, sa, sb); }
export function mod_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(MOD, a, b, out, ndim, shape, sa, sb); }
export function floordiv_f32(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f32>(FLOORDIV, a, b, out, ndim, shape, sa, sb); }
export function floordiv_f64(a: usize, b: usize, out: usize, ndim: i32, shape: usize, sa: usize, sb: usize): void { binary<f64>(FLOORDIV, a, b, out, ndim, shape, sa, sb); }

// y += alpha * x, in place (the seed's axpy!, and the SGD step).
export function axpy_f32(alpha: f32, x: usize, y: usize, n: i32): void { axpyRun<f32>(alpha, x, y, n); }
export function axpy_f64(alpha: f64, x: usize, y: usize, n: i32): void { axpyRun<f64>(alpha, x, y, n); }
