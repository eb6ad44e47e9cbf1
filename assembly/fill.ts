// Filling, casting, the anomaly-mode count and the normal sampler. (Strided
// copies are in ./indexing.ts.)

import { fillRun } from "./simd";

export function fill_f32(ptr: usize, n: i32, value: f32): void { fillRun<f32>(ptr, n, value); }
export function fill_f64(ptr: usize, n: i32, value: f64): void { fillRun<f64>(ptr, n, value); }

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
