// Sums. float32 data is summed in blocks of f32x4 partial sums and each block
// is added into a float64 total, so a million-element sum keeps float32
// precision instead of drifting with the length.

import { laneSum } from "./strided";

const BLOCK = 1024;

@inline function sumContiguous<T>(x: usize, n: i32): f64 {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let total: f64 = 0;
  let start = 0;
  while (start < n) {
    const end = min(start + BLOCK, n);
    let acc0 = v128.splat<T>(0);
    let acc1 = v128.splat<T>(0);
    let i = start;
    for (; i + 2 * lanes <= end; i += 2 * lanes) {
      const off = <usize>i << shift;
      acc0 = v128.add<T>(acc0, v128.load(x + off));
      acc1 = v128.add<T>(acc1, v128.load(x + off, 16));
    }
    acc0 = v128.add<T>(acc0, acc1);
    let block = laneSum<T>(acc0);
    for (; i < end; i++) block += <f64>load<T>(x + (<usize>i << shift));
    total += block;
    start = end;
  }
  return total;
}

export function sum_f32(x: usize, n: i32): f64 { return sumContiguous<f32>(x, n); }
export function sum_f64(x: usize, n: i32): f64 { return sumContiguous<f64>(x, n); }

// x viewed as [outer, n, inner]; out[o, i] = sum_k x[o, k, i].
@inline function sumAxis<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      store<T>(out + (<usize>o << shift), <T>sumContiguous<T>(x + (<usize>(o * n) << shift), n));
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const dst = out + (<usize>(o * inner) << shift);
    memory.fill(dst, 0, <usize>inner << shift);
    for (let k = 0; k < n; k++) {
      const src = x + (<usize>((o * n + k) * inner) << shift);
      let i = 0;
      for (; i + lanes <= inner; i += lanes) {
        const off = <usize>i << shift;
        v128.store(dst + off, v128.add<T>(v128.load(dst + off), v128.load(src + off)));
      }
      for (; i < inner; i++) {
        const off = <usize>i << shift;
        store<T>(dst + off, load<T>(dst + off) + load<T>(src + off));
      }
    }
  }
}

export function sum_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { sumAxis<f32>(x, out, outer, n, inner); }
export function sum_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { sumAxis<f64>(x, out, outer, n, inner); }
