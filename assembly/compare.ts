// Kernels for src/ops/compare.ts. The broadcasting comparisons (equal_f32,
// less_f64...) are op codes of the binary kernel in ./binary.ts; here are the
// elementwise tests (isnan, isfinite) and the ternary select behind `where`.

import { STRIDED_MAX_RANK } from "./strided";

// 1 where x is NaN, else 0.
@inline function isnanBody<T>(x: usize, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  const one = v128.splat<T>(1);
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    const v = v128.load(x + off);
    v128.store(out + off, v128.and(v128.ne<T>(v, v), one));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    const v = load<T>(x + off);
    store<T>(out + off, select<T>(1, 0, v != v));
  }
}

// 1 where x is neither NaN nor ±Infinity (x - x is 0 exactly then), else 0.
@inline function isfiniteBody<T>(x: usize, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  const one = v128.splat<T>(1);
  const zero = v128.splat<T>(0);
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    const v = v128.load(x + off);
    v128.store(out + off, v128.and(v128.eq<T>(v128.sub<T>(v, v), zero), one));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    const v = load<T>(x + off);
    store<T>(out + off, select<T>(1, 0, v - v == 0));
  }
}

export function isnan_f32(x: usize, out: usize, n: i32): void { isnanBody<f32>(x, out, n); }
export function isnan_f64(x: usize, out: usize, n: i32): void { isnanBody<f64>(x, out, n); }
export function isfinite_f32(x: usize, out: usize, n: i32): void { isfiniteBody<f32>(x, out, n); }
export function isfinite_f64(x: usize, out: usize, n: i32): void { isfiniteBody<f64>(x, out, n); }

// One contiguous output row of where: out = cond != 0 ? a : b (NaN counts as
// true, like numpy's bool(nan)). Strides are element strides; operands with
// stride 0 or 1 all along the row take the SIMD path.
@inline function whereRow<T>(
  c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32,
): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let i = 0;
  if (<u32>sc <= 1 && <u32>sa <= 1 && <u32>sb <= 1) {
    const zero = v128.splat<T>(0);
    const vc0 = v128.splat<T>(load<T>(c));
    const va0 = v128.splat<T>(load<T>(a));
    const vb0 = v128.splat<T>(load<T>(b));
    for (; i + lanes <= n; i += lanes) {
      const off = <usize>i << shift;
      const vc = sc != 0 ? v128.load(c + off) : vc0;
      const va = sa != 0 ? v128.load(a + off) : va0;
      const vb = sb != 0 ? v128.load(b + off) : vb0;
      v128.store(out + off, v128.bitselect(va, vb, v128.ne<T>(vc, zero)));
    }
  }
  let pc = c + (<usize>(i * sc) << shift);
  let pa = a + (<usize>(i * sa) << shift);
  let pb = b + (<usize>(i * sb) << shift);
  const stepC = <usize>sc << shift;
  const stepA = <usize>sa << shift;
  const stepB = <usize>sb << shift;
  for (; i < n; i++) {
    store<T>(out + (<usize>i << shift), load<T>(pc) != 0 ? load<T>(pa) : load<T>(pb));
    pc += stepC;
    pa += stepA;
    pb += stepB;
  }
}

// where over collapsed broadcast shapes: `shape` has `ndim` axes, and each
// operand its element strides (0 along broadcast axes); out is contiguous.
@inline function whereBody<T>(
  c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesC: usize, stridesA: usize, stridesB: usize,
): void {
  if (ndim == 0) {
    store<T>(out, load<T>(c) != 0 ? load<T>(a) : load<T>(b));
    return;
  }
  const shift = alignof<T>();
  const last = ndim - 1;
  const n = load<i32>(shape + (<usize>last << 2));
  const innerC = load<i32>(stridesC + (<usize>last << 2));
  const innerA = load<i32>(stridesA + (<usize>last << 2));
  const innerB = load<i32>(stridesB + (<usize>last << 2));
  let outer = 1;
  for (let d = 0; d < last; d++) outer *= load<i32>(shape + (<usize>d << 2));
  if (outer == 0 || n == 0) return;
  const index = memory.data(STRIDED_MAX_RANK * 4);
  for (let d = 0; d < last; d++) store<i32>(index + (<usize>d << 2), 0);
  let offC = 0;
  let offA = 0;
  let offB = 0;
  let po = out;
  for (let r = 0; r < outer; r++) {
    whereRow<T>(
      c + (<usize>offC << shift), innerC, a + (<usize>offA << shift), innerA, b + (<usize>offB << shift), innerB, po, n,
    );
    po += <usize>n << shift;
    for (let d = last - 1; d >= 0; d--) {
      const at = index + (<usize>d << 2);
      const k = load<i32>(at) + 1;
      const dC = load<i32>(stridesC + (<usize>d << 2));
      const dA = load<i32>(stridesA + (<usize>d << 2));
      const dB = load<i32>(stridesB + (<usize>d << 2));
      if (k < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(at, k);
        offC += dC;
        offA += dA;
        offB += dB;
        break;
      }
      store<i32>(at, 0);
      offC -= dC * (k - 1);
      offA -= dA * (k - 1);
      offB -= dB * (k - 1);
    }
  }
}

export function where_f32(c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  whereBody<f32>(c, a, b, out, ndim, shape, sc, sa, sb);
}
export function where_f64(c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  whereBody<f64>(c, a, b, out, ndim, shape, sc, sa, sb);
}
