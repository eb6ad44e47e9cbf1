// C[M, N] = op(A)[M, K] * op(B)[K, N], row-major, where op transposes the
// stored operand when its flag is set (A stored [K, M], B stored [N, K]), so
// backward passes never materialize a transpose. Correct and vectorized
// along contiguous rows; the performance work replaces the inner loops with a
// packed, register-blocked micro-kernel.

import { STRIDED_MAX_RANK, laneSum } from "./strided";

@inline function matmul<T>(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  if (!transB) {
    // rows of B are contiguous: C[i, :] += A[i, p] * B[p, :]
    for (let i = 0; i < m; i++) {
      const crow = c + (<usize>(i * n) << shift);
      memory.fill(crow, 0, <usize>n << shift);
      for (let p = 0; p < k; p++) {
        const aip = transA ? load<T>(a + (<usize>(p * m + i) << shift)) : load<T>(a + (<usize>(i * k + p) << shift));
        const va = v128.splat<T>(aip);
        const brow = b + (<usize>(p * n) << shift);
        let j = 0;
        for (; j + lanes <= n; j += lanes) {
          const off = <usize>j << shift;
          v128.store(crow + off, v128.add<T>(v128.load(crow + off), v128.mul<T>(va, v128.load(brow + off))));
        }
        for (; j < n; j++) {
          const off = <usize>j << shift;
          store<T>(crow + off, load<T>(crow + off) + aip * load<T>(brow + off));
        }
      }
    }
  } else if (!transA) {
    // rows of A and rows of stored B are contiguous along k: dot products
    for (let i = 0; i < m; i++) {
      const arow = a + (<usize>(i * k) << shift);
      for (let j = 0; j < n; j++) {
        const brow = b + (<usize>(j * k) << shift);
        let acc = v128.splat<T>(0);
        let p = 0;
        for (; p + lanes <= k; p += lanes) {
          const off = <usize>p << shift;
          acc = v128.add<T>(acc, v128.mul<T>(v128.load(arow + off), v128.load(brow + off)));
        }
        let s = <T>laneSum<T>(acc);
        for (; p < k; p++) {
          const off = <usize>p << shift;
          s += load<T>(arow + off) * load<T>(brow + off);
        }
        store<T>(c + (<usize>(i * n + j) << shift), s);
      }
    }
  } else {
    // both transposed: C[i, j] = sum_p A[p, i] * B[j, p]; rows of stored A are
    // contiguous along i, so accumulate column j of C from them.
    memory.fill(c, 0, <usize>(m * n) << shift);
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        const bjp = load<T>(b + (<usize>(j * k + p) << shift));
        const arow = a + (<usize>(p * m) << shift);
        for (let i = 0; i < m; i++) {
          const at = c + (<usize>(i * n + j) << shift);
          store<T>(at, load<T>(at) + bjp * load<T>(arow + (<usize>i << shift)));
        }
      }
    }
  }
}

export function matmul_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  matmul<f32>(a, b, c, m, n, k, transA, transB);
}
export function matmul_f64(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  matmul<f64>(a, b, c, m, n, k, transA, transB);
}

// Batched: for every index of the (collapsed) batch shape `shape[ndim]`,
// C[batch] = op(A at offA) op(B at offB), with the 2-D body above. Batch
// strides are in elements, per operand, 0 along broadcast axes, so broadcast
// batches are read in place, never copied; C is contiguous ([...batch, m, n]).
@inline function matmulBatched<T>(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  ndim: i32, shape: usize, stridesA: usize, stridesB: usize,
): void {
  const shift = alignof<T>();
  let count = 1;
  for (let d = 0; d < ndim; d++) count *= load<i32>(shape + (<usize>d << 2));
  if (count == 0) return;
  const index = memory.data(STRIDED_MAX_RANK * 4);
  for (let d = 0; d < ndim; d++) store<i32>(index + (<usize>d << 2), 0);
  const stepC = <usize>(m * n) << shift;
  let offA = 0;
  let offB = 0;
  let pc = c;
  for (let r = 0; r < count; r++) {
    matmul<T>(a + (<usize>offA << shift), b + (<usize>offB << shift), pc, m, n, k, transA, transB);
    pc += stepC;
    for (let d = ndim - 1; d >= 0; d--) {
      const at = index + (<usize>d << 2);
      const i = load<i32>(at) + 1;
      const dA = load<i32>(stridesA + (<usize>d << 2));
      const dB = load<i32>(stridesB + (<usize>d << 2));
      if (i < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(at, i);
        offA += dA;
        offB += dB;
        break;
      }
      store<i32>(at, 0);
      offA -= dA * (i - 1);
      offB -= dB * (i - 1);
    }
  }
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
