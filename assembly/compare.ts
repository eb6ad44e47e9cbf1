// Kernels for src/ops/compare.ts. The broadcasting comparisons (equal_f32,
// less_f64...) are op codes of the binary kernel in ./binary.ts, the
// elementwise tests (isnan, isfinite) ops of the SIMD map in ./unary.ts;
// here is the ternary select behind `where`.

import { lanes } from "./simd";
import { offA, offB, offC, rowLength, rowStride, step, walkRows } from "./strided";

// One contiguous output row of where: out = cond != 0 ? a : b (NaN counts as
// true, like numpy's bool(nan)). Strides are element strides; operands with
// stride 0 or 1 all along the row take the SIMD path.
@inline function whereRow<T>(
  c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32,
): void {
  const shift = alignof<T>();
  let i = 0;
  if (<u32>sc <= 1 && <u32>sa <= 1 && <u32>sb <= 1) {
    const zero = v128.splat<T>(0);
    const vc0 = v128.splat<T>(load<T>(c));
    const va0 = v128.splat<T>(load<T>(a));
    const vb0 = v128.splat<T>(load<T>(b));
    for (; i + lanes<T>() <= n; i += lanes<T>()) {
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

// where over collapsed broadcast shapes (./strided.ts): `shape` has `ndim`
// axes, each operand its element strides; out is contiguous.
@inline function where<T>(
  c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesC: usize, stridesA: usize, stridesB: usize,
): void {
  if (ndim == 0) {
    store<T>(out, load<T>(c) != 0 ? load<T>(a) : load<T>(b));
    return;
  }
  const shift = alignof<T>();
  const n = rowLength(ndim, shape);
  const sc = rowStride(ndim, stridesC);
  const sa = rowStride(ndim, stridesA);
  const sb = rowStride(ndim, stridesB);
  const rows = walkRows(ndim, shape);
  let po = out;
  for (let r = 0; r < rows; r++) {
    whereRow<T>(c + (<usize>offC << shift), sc, a + (<usize>offA << shift), sa, b + (<usize>offB << shift), sb, po, n);
    po += <usize>n << shift;
    step(ndim - 1, shape, 3, stridesA, stridesB, stridesC);
  }
}

export function where_f32(c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  where<f32>(c, a, b, out, ndim, shape, sc, sa, sb);
}
export function where_f64(c: usize, a: usize, b: usize, out: usize, ndim: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  where<f64>(c, a, b, out, ndim, shape, sc, sa, sb);
}
