// The matrix-product kernels: plain, batched, and the column / row / batch
// ranges the worker pool runs on each thread (src/wasm/threaded.ts). The
// product itself (packing, micro-kernel, blocking) is assembly/gemm.ts.

import { gemm, matmul } from "./gemm";
import { offA, offB, step, walk } from "./strided";

export function matmul_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  matmul<f32>(a, b, c, m, n, k, transA, transB);
}
export function matmul_f64(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  matmul<f64>(a, b, c, m, n, k, transA, transB);
}

// Columns lo .. hi (or rows lo .. hi) of matmul's C, for the pool: only for
// m, n > 1 and k > 0, where matmul itself runs gemm over all of C.
export function matmul_cols_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, lo: i32, hi: i32): void {
  gemm<f32>(a, b, c, m, n, k, transA, transB, 0, m, lo, hi);
}
export function matmul_cols_f64(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, lo: i32, hi: i32): void {
  gemm<f64>(a, b, c, m, n, k, transA, transB, 0, m, lo, hi);
}
export function matmul_rows_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, lo: i32, hi: i32): void {
  gemm<f32>(a, b, c, m, n, k, transA, transB, lo, hi, 0, n);
}
export function matmul_rows_f64(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, lo: i32, hi: i32): void {
  gemm<f64>(a, b, c, m, n, k, transA, transB, lo, hi, 0, n);
}

// Batched: for every index of the (collapsed) batch shape `shape[ndim]`
// (walked by ./strided.ts), C[batch] = op(A at offA) op(B at offB), with the
// 2-D product (gemm.ts). Batch strides are in elements, per operand, 0 along
// broadcast axes, so broadcast batches are read in place, never copied; C is
// contiguous ([...batch, m, n]).
@inline function matmulBatched<T>(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  ndim: i32, shape: usize, stridesA: usize, stridesB: usize,
): void {
  const shift = alignof<T>();
  const stepC = (<usize>m * <usize>n) << shift;
  const count = walk(ndim, shape);
  let pc = c;
  for (let r = 0; r < count; r++) {
    matmul<T>(a + (<usize>offA << shift), b + (<usize>offB << shift), pc, m, n, k, transA, transB);
    pc += stepC;
    step(ndim, shape, 2, stridesA, stridesB);
  }
}

// Batches lo .. hi of the batched product, for the pool: batch r's offsets
// from its multi-index (row-major over `shape`, as the walk above visits it).
@inline function matmulBatchRange<T>(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  ndim: i32, shape: usize, stridesA: usize, stridesB: usize, lo: i32, hi: i32,
): void {
  const shift = alignof<T>();
  const stepC = (<usize>m * <usize>n) << shift;
  for (let r = lo; r < hi; r++) {
    let rest = r;
    let oa = 0;
    let ob = 0;
    for (let d = ndim - 1; d >= 0; d--) {
      const at = <usize>d << 2;
      const size = load<i32>(shape + at);
      const i = rest % size;
      rest /= size;
      oa += i * load<i32>(stridesA + at);
      ob += i * load<i32>(stridesB + at);
    }
    matmul<T>(a + (<usize>oa << shift), b + (<usize>ob << shift), c + <usize>r * stepC, m, n, k, transA, transB);
  }
}

export function matmul_batch_range_f32(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  ndim: i32, shape: usize, stridesA: usize, stridesB: usize, lo: i32, hi: i32,
): void {
  matmulBatchRange<f32>(a, b, c, m, n, k, transA, transB, ndim, shape, stridesA, stridesB, lo, hi);
}
export function matmul_batch_range_f64(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  ndim: i32, shape: usize, stridesA: usize, stridesB: usize, lo: i32, hi: i32,
): void {
  matmulBatchRange<f64>(a, b, c, m, n, k, transA, transB, ndim, shape, stridesA, stridesB, lo, hi);
}

export function matmul_batched_f32(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  ndim: i32, shape: usize, stridesA: usize, stridesB: usize,
): void {
  matmulBatched<f32>(a, b, c, m, n, k, transA, transB, ndim, shape, stridesA, stridesB);
}
export function matmul_batched_f64(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  ndim: i32, shape: usize, stridesA: usize, stridesB: usize,
): void {
  matmulBatched<f64>(a, b, c, m, n, k, transA, transB, ndim, shape, stridesA, stridesB);
}
