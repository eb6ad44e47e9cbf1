// Kernels for the integer and boolean dtypes (src/runtime/dtype.ts): casts
// between every pair of dtypes but float32 <-> float64 (./fill.ts), and
// fills. int32 is i32; bool is u8, always 0 or 1.
//
// Float to int32 truncates toward zero and saturates (NaN gives 0): wasm's
// non-trapping conversion. Anything to bool is `x != 0`, so NaN is true, as
// numpy's bool(nan).

import { fillRun } from "./simd";

@inline function convert<S, D>(x: S): D {
  if (sizeof<D>() == 1) return <D>(x != <S>0 ? 1 : 0);
  return <D>x;
}

@inline function castRun<S, D>(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<D>(dst + (<usize>i << alignof<D>()), convert<S, D>(load<S>(src + (<usize>i << alignof<S>()))));
  }
}

// int32 <-> float32 have SIMD conversions; the rest are scalar loops.
export function cast_f32_i32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), i32x4.trunc_sat_f32x4_s(v128.load(src + (<usize>i << 2))));
  castRun<f32, i32>(src + (<usize>i << 2), dst + (<usize>i << 2), n - i);
}
export function cast_i32_f32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.convert_i32x4_s(v128.load(src + (<usize>i << 2))));
  castRun<i32, f32>(src + (<usize>i << 2), dst + (<usize>i << 2), n - i);
}
export function cast_f64_i32(src: usize, dst: usize, n: i32): void { castRun<f64, i32>(src, dst, n); }
export function cast_i32_f64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(dst + (<usize>i << 3), f64x2.convert_low_i32x4_s(v128.load64_zero(src + (<usize>i << 2))));
  castRun<i32, f64>(src + (<usize>i << 2), dst + (<usize>i << 3), n - i);
}
export function cast_f32_u8(src: usize, dst: usize, n: i32): void { castRun<f32, u8>(src, dst, n); }
export function cast_f64_u8(src: usize, dst: usize, n: i32): void { castRun<f64, u8>(src, dst, n); }
export function cast_i32_u8(src: usize, dst: usize, n: i32): void { castRun<i32, u8>(src, dst, n); }
// bool masks meeting floats (`mul(x, mask)`) widen 4 bytes at a time.
export function cast_u8_f32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(dst + (<usize>i << 2), f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src + <usize>i)))));
  }
  castRun<u8, f32>(src + <usize>i, dst + (<usize>i << 2), n - i);
}
export function cast_u8_f64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src + <usize>i)));
    v128.store(dst + (<usize>i << 3), f64x2.convert_low_i32x4_u(w));
    v128.store(dst + (<usize>i << 3) + 16, f64x2.convert_low_i32x4_u(i8x16.shuffle(w, w, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0)));
  }
  castRun<u8, f64>(src + <usize>i, dst + (<usize>i << 3), n - i);
}
export function cast_u8_i32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src + <usize>i))));
  castRun<u8, i32>(src + <usize>i, dst + (<usize>i << 2), n - i);
}

export function fill_i32(ptr: usize, n: i32, value: i32): void { fillRun<i32>(ptr, n, value); }
export function fill_u8(ptr: usize, n: i32, value: u8): void { memory.fill(ptr, value, <usize>n); }
