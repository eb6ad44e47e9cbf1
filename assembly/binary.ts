// Elementwise binary ops with numpy broadcasting. The front end computes the
// output shape and, per operand, element strides (0 along broadcast axes) and
// merges adjacent axes that are contiguous in all three arrays, so the common
// cases reach the kernel as one flat row.

import { STRIDED_MAX_RANK } from "./strided";

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

@inline function applyScalar<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

@inline function applyVector<T>(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return v128.add<T>(a, b);
  if (op == SUB) return v128.sub<T>(a, b);
  if (op == MUL) return v128.mul<T>(a, b);
  return v128.div<T>(a, b);
}

// One contiguous output row; each input either walks with unit stride,
// stays put (a broadcast scalar along this row) or walks with another stride.
@inline function row<T>(op: i32, a: usize, strideA: i32, b: usize, strideB: i32, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let i = 0;
  if (strideA == 1 && strideB == 1) {
    for (; i + lanes <= n; i += lanes) {
      const off = <usize>i << shift;
      v128.store(out + off, applyVector<T>(op, v128.load(a + off), v128.load(b + off)));
    }
    for (; i < n; i++) {
      const off = <usize>i << shift;
      store<T>(out + off, applyScalar<T>(op, load<T>(a + off), load<T>(b + off)));
    }
  } else if (strideA == 0 && strideB == 1) {
    const sa = load<T>(a);
    const va = v128.splat<T>(sa);
    for (; i + lanes <= n; i += lanes) {
      const off = <usize>i << shift;
      v128.store(out + off, applyVector<T>(op, va, v128.load(b + off)));
    }
    for (; i < n; i++) {
      const off = <usize>i << shift;
      store<T>(out + off, applyScalar<T>(op, sa, load<T>(b + off)));
    }
  } else if (strideA == 1 && strideB == 0) {
    const sb = load<T>(b);
    const vb = v128.splat<T>(sb);
    for (; i + lanes <= n; i += lanes) {
      const off = <usize>i << shift;
      v128.store(out + off, applyVector<T>(op, v128.load(a + off), vb));
    }
    for (; i < n; i++) {
      const off = <usize>i << shift;
      store<T>(out + off, applyScalar<T>(op, load<T>(a + off), sb));
    }
  } else {
    const stepA = <usize>strideA << shift;
    const stepB = <usize>strideB << shift;
    let pa = a;
    let pb = b;
    for (; i < n; i++) {
      store<T>(out + (<usize>i << shift), applyScalar<T>(op, load<T>(pa), load<T>(pb)));
      pa += stepA;
      pb += stepB;
    }
  }
}

@inline function binary<T>(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesA: usize, stridesB: usize): void {
  if (ndim == 0) {
    store<T>(out, applyScalar<T>(op, load<T>(a), load<T>(b)));
    return;
  }
  const shift = alignof<T>();
  const last = ndim - 1;
  const n = load<i32>(shape + (<usize>last << 2));
  const innerA = load<i32>(stridesA + (<usize>last << 2));
  const innerB = load<i32>(stridesB + (<usize>last << 2));
  let outer = 1;
  for (let d = 0; d < last; d++) outer *= load<i32>(shape + (<usize>d << 2));
  if (outer == 0 || n == 0) return;
  const index = memory.data(STRIDED_MAX_RANK * 4);
  for (let d = 0; d < last; d++) store<i32>(index + (<usize>d << 2), 0);
  let offA = 0;
  let offB = 0;
  let po = out;
  for (let r = 0; r < outer; r++) {
    row<T>(op, a + (<usize>offA << shift), innerA, b + (<usize>offB << shift), innerB, po, n);
    po += <usize>n << shift;
    for (let d = last - 1; d >= 0; d--) {
      const at = index + (<usize>d << 2);
      const k = load<i32>(at) + 1;
      const dA = load<i32>(stridesA + (<usize>d << 2));
      const dB = load<i32>(stridesB + (<usize>d << 2));
      if (k < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(at, k);
        offA += dA;
        offB += dB;
        break;
      }
      store<i32>(at, 0);
      offA -= dA * (k - 1);
      offB -= dB * (k - 1);
    }
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

// y += alpha * x, in place (the seed's axpy!, and the SGD step).
@inline function axpy<T>(alpha: T, x: usize, y: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    v128.store(y + off, v128.add<T>(v128.load(y + off), v128.mul<T>(va, v128.load(x + off))));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(y + off, load<T>(y + off) + alpha * load<T>(x + off));
  }
}

export function axpy_f32(alpha: f32, x: usize, y: usize, n: i32): void { axpy<f32>(alpha, x, y, n); }
export function axpy_f64(alpha: f64, x: usize, y: usize, n: i32): void { axpy<f64>(alpha, x, y, n); }
