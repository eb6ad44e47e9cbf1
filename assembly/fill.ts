// Filling, casting and strided copies. Strided copies gather any N-D view
// (transposes, broadcasts) into a contiguous row-major output.

import { STRIDED_MAX_RANK } from "./strided";

@inline function fill<T>(ptr: usize, n: i32, value: T): void {
  const lanes = 16 / sizeof<T>();
  const v = v128.splat<T>(value);
  let i = 0;
  for (; i + lanes <= n; i += lanes) v128.store(ptr + (<usize>i << alignof<T>()), v);
  for (; i < n; i++) store<T>(ptr + (<usize>i << alignof<T>()), value);
}

export function fill_f32(ptr: usize, n: i32, value: f32): void { fill<f32>(ptr, n, value); }
export function fill_f64(ptr: usize, n: i32, value: f64): void { fill<f64>(ptr, n, value); }

export function cast_f32_f64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    v128.store(dst + (<usize>i << 3), v128.promote_low<f32>(v128.load64_zero(src + (<usize>i << 2))));
  }
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
}

export function cast_f64_f32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    v128.store64_lane(dst + (<usize>i << 2), v128.demote_zero<f64>(v128.load(src + (<usize>i << 3))), 0);
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}

// out[...] = src[sum(index[d] * strides[d])], over `shape`, strides in elements.
@inline function copyStrided<T>(src: usize, out: usize, ndim: i32, shape: usize, strides: usize): void {
  if (ndim == 0) { store<T>(out, load<T>(src)); return; }
  const last = ndim - 1;
  const n = load<i32>(shape + (<usize>last << 2));
  const stride = load<i32>(strides + (<usize>last << 2));
  let outer = 1;
  for (let d = 0; d < last; d++) outer *= load<i32>(shape + (<usize>d << 2));
  if (outer == 0 || n == 0) return;
  const index = memory.data(STRIDED_MAX_RANK * 4);
  for (let d = 0; d < last; d++) store<i32>(index + (<usize>d << 2), 0);
  let offset = 0;
  let dst = out;
  for (let row = 0; row < outer; row++) {
    let p = src + (<usize>offset << alignof<T>());
    if (stride == 1) {
      memory.copy(dst, p, <usize>n << alignof<T>());
    } else {
      const step = <usize>stride << alignof<T>();
      for (let i = 0; i < n; i++) {
        store<T>(dst + (<usize>i << alignof<T>()), load<T>(p));
        p += step;
      }
    }
    dst += <usize>n << alignof<T>();
    // advance the multi-index over the outer dimensions, carrying leftwards
    for (let d = last - 1; d >= 0; d--) {
      const at = index + (<usize>d << 2);
      const k = load<i32>(at) + 1;
      const dimStride = load<i32>(strides + (<usize>d << 2));
      if (k < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(at, k);
        offset += dimStride;
        break;
      }
      store<i32>(at, 0);
      offset -= dimStride * (k - 1);
    }
  }
}

export function copy_strided_f32(src: usize, out: usize, ndim: i32, shape: usize, strides: usize): void {
  copyStrided<f32>(src, out, ndim, shape, strides);
}
export function copy_strided_f64(src: usize, out: usize, ndim: i32, shape: usize, strides: usize): void {
  copyStrided<f64>(src, out, ndim, shape, strides);
}

// Anomaly mode: how many entries are NaN or Infinity (x - x is NaN exactly for those).
@inline function countNonFinite<T>(ptr: usize, n: i32): i32 {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let count = 0;
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const v = v128.load(ptr + (<usize>i << shift));
    const d = v128.sub<T>(v, v);
    if (v128.any_true(v128.ne<T>(d, d))) {
      for (let l = 0; l < lanes; l++) {
        const x = load<T>(ptr + (<usize>(i + l) << shift));
        if (x - x != x - x) count++;
      }
    }
  }
  for (; i < n; i++) {
    const x = load<T>(ptr + (<usize>i << shift));
    if (x - x != x - x) count++;
  }
  return count;
}

export function count_nonfinite_f32(ptr: usize, n: i32): i32 { return countNonFinite<f32>(ptr, n); }
export function count_nonfinite_f64(ptr: usize, n: i32): i32 { return countNonFinite<f64>(ptr, n); }

// Box-Muller in place over pairs of uniforms in (0, 1]: the same bits on
// every engine, because these log/sin/cos are compiled into the module
// rather than taken from the host's Math.
export function normal_from_uniform(ptr: usize, pairs: i32): void {
  for (let i = 0; i < pairs; i++) {
    const p = ptr + (<usize>i << 4);
    const u = load<f64>(p);
    const v = load<f64>(p, 8);
    const r = Math.sqrt(-2.0 * Math.log(u));
    const angle = 2.0 * Math.PI * v;
    store<f64>(p, r * Math.cos(angle));
    store<f64>(p, r * Math.sin(angle), 8);
  }
}
