// Kernels for src/ops/indexing.ts and the strided ops of src/ops/shape.ts.
//
// Strided copies from a start offset: one side is a strided view of a
// buffer (a slice, a flip, the interior of a pad, one block of a concat),
// the other is contiguous row-major. Strides are in elements and may be
// negative (flips, negative slice steps); the offset is the element index of
// the view's first element, and every position the view covers is inside
// its buffer.
//
// Gather and scatter-add along one axis: the array is viewed as
// [outer, n, inner] and an int32 index list (validated by the front end, all
// in 0..n-1) picks rows of `inner` elements.
//
// Copies only move bits, so the f32 instances serve int32 too (exported
// again under _i32 names); bool (u8) has its own. Adding needs the i32
// instances of its own.

import { addRun } from "./simd";
import { offA, rowLength, rowStride, step, walkRows } from "./strided";

const READ = 0; // contiguous[...] = view[...]
const WRITE = 1; // view[...] = contiguous[...]
const ADD = 2; // view[...] += contiguous[...]

// One row: `n` elements of the view from element `at` with `stride`, and `n`
// contiguous elements at `row`.
@inline function stridedRow<T>(mode: i32, view: usize, at: i32, stride: i32, row: usize, n: i32): void {
  const shift = alignof<T>();
  const start = view + (<usize>at << shift);
  if (stride == 1) {
    if (mode == READ) memory.copy(row, start, <usize>n << shift);
    else if (mode == WRITE) memory.copy(start, row, <usize>n << shift);
    else addRun<T>(start, row, n);
    return;
  }
  const step = <usize>stride << shift;
  let p = start;
  for (let i = 0; i < n; i++) {
    const q = row + (<usize>i << shift);
    if (mode == READ) store<T>(q, load<T>(p));
    else if (mode == WRITE) store<T>(p, load<T>(q));
    else store<T>(p, load<T>(p) + load<T>(q));
    p += step;
  }
}

// Walks `shape` row by row (./strided.ts): the view's row starts at
// offset + sum(index[d] * strides[d]), the contiguous rows follow each other.
@inline function strided<T>(mode: i32, view: usize, contiguous: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  const shift = alignof<T>();
  const n = rowLength(ndim, shape);
  const stride = rowStride(ndim, strides);
  const rows = walkRows(ndim, shape);
  let row = contiguous;
  for (let r = 0; r < rows; r++) {
    stridedRow<T>(mode, view, offset + offA, stride, row, n);
    row += <usize>n << shift;
    step(ndim - 1, shape, 1, strides);
  }
}

// out (contiguous, `shape`) = src viewed from `offset` with `strides`;
// copy_strided is the same from offset 0 (any N-d view, transposes and
// broadcasts included, gathered into a contiguous row-major output).
export function slice_copy_f32(src: usize, out: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<f32>(READ, src, out, ndim, shape, strides, offset);
}
export function slice_copy_f64(src: usize, out: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<f64>(READ, src, out, ndim, shape, strides, offset);
}

export function slice_copy_u8(src: usize, out: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<u8>(READ, src, out, ndim, shape, strides, offset);
}

export function copy_strided_f32(src: usize, out: usize, ndim: i32, shape: usize, strides: usize): void {
  strided<f32>(READ, src, out, ndim, shape, strides, 0);
}
export function copy_strided_f64(src: usize, out: usize, ndim: i32, shape: usize, strides: usize): void {
  strided<f64>(READ, src, out, ndim, shape, strides, 0);
}

export function copy_strided_u8(src: usize, out: usize, ndim: i32, shape: usize, strides: usize): void {
  strided<u8>(READ, src, out, ndim, shape, strides, 0);
}

// dst viewed from `offset` with `strides` = src (contiguous, `shape`).
export function slice_write_f32(dst: usize, src: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<f32>(WRITE, dst, src, ndim, shape, strides, offset);
}
export function slice_write_f64(dst: usize, src: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<f64>(WRITE, dst, src, ndim, shape, strides, offset);
}

export function slice_write_u8(dst: usize, src: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<u8>(WRITE, dst, src, ndim, shape, strides, offset);
}

// dst viewed from `offset` with `strides` += src (contiguous, `shape`).
export function slice_add_f32(dst: usize, src: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<f32>(ADD, dst, src, ndim, shape, strides, offset);
}
export function slice_add_f64(dst: usize, src: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<f64>(ADD, dst, src, ndim, shape, strides, offset);
}

export function slice_add_i32(dst: usize, src: usize, ndim: i32, shape: usize, strides: usize, offset: i32): void {
  strided<i32>(ADD, dst, src, ndim, shape, strides, offset);
}

// x is [outer, n, inner], idx holds m int32 indices in 0..n-1, out is
// [outer, m, inner]: out[o, j, :] = x[o, idx[j], :].
@inline function gather<T>(x: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  const shift = alignof<T>();
  const rowBytes = <usize>inner << shift;
  let dst = out;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>n * rowBytes;
    if (inner == 1) {
      for (let j = 0; j < m; j++) {
        store<T>(dst, load<T>(base + (<usize>load<i32>(idx + (<usize>j << 2)) << shift)));
        dst += rowBytes;
      }
    } else {
      for (let j = 0; j < m; j++) {
        memory.copy(dst, base + <usize>load<i32>(idx + (<usize>j << 2)) * rowBytes, rowBytes);
        dst += rowBytes;
      }
    }
  }
}

export function gather_f32(x: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  gather<f32>(x, idx, out, outer, n, inner, m);
}
export function gather_f64(x: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  gather<f64>(x, idx, out, outer, n, inner, m);
}

export function gather_u8(x: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  gather<u8>(x, idx, out, outer, n, inner, m);
}

// The transpose of gather, adding into `out` (the caller zeroes it first):
// src is [outer, m, inner], out is [outer, n, inner],
// out[o, idx[j], :] += src[o, j, :]. Repeated indices accumulate.
@inline function scatterAdd<T>(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  const shift = alignof<T>();
  const rowBytes = <usize>inner << shift;
  let from = src;
  for (let o = 0; o < outer; o++) {
    const base = out + <usize>o * <usize>n * rowBytes;
    for (let j = 0; j < m; j++) {
      const dst = base + <usize>load<i32>(idx + (<usize>j << 2)) * rowBytes;
      if (inner == 1) store<T>(dst, load<T>(dst) + load<T>(from));
      else addRun<T>(dst, from, inner);
      from += rowBytes;
    }
  }
}

export function scatter_add_f32(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  scatterAdd<f32>(src, idx, out, outer, n, inner, m);
}
export function scatter_add_f64(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  scatterAdd<f64>(src, idx, out, outer, n, inner, m);
}
export function scatter_add_i32(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  scatterAdd<i32>(src, idx, out, outer, n, inner, m);
}

// The same with `=` for `+=`: out[o, idx[j], :] = src[o, j, :]; of repeated
// indices the last write stays (indexPut, scatter). Moves bits only.
@inline function scatterSet<T>(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  const shift = alignof<T>();
  const rowBytes = <usize>inner << shift;
  let from = src;
  for (let o = 0; o < outer; o++) {
    const base = out + <usize>o * <usize>n * rowBytes;
    for (let j = 0; j < m; j++) {
      const dst = base + <usize>load<i32>(idx + (<usize>j << 2)) * rowBytes;
      if (inner == 1) store<T>(dst, load<T>(from));
      else memory.copy(dst, from, rowBytes);
      from += rowBytes;
    }
  }
}

export function scatter_set_f32(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  scatterSet<f32>(src, idx, out, outer, n, inner, m);
}
export function scatter_set_f64(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  scatterSet<f64>(src, idx, out, outer, n, inner, m);
}
export function scatter_set_u8(src: usize, idx: usize, out: usize, outer: i32, n: i32, inner: i32, m: i32): void {
  scatterSet<u8>(src, idx, out, outer, n, inner, m);
}

export {
  slice_copy_f32 as slice_copy_i32, copy_strided_f32 as copy_strided_i32,
  slice_write_f32 as slice_write_i32, gather_f32 as gather_i32, scatter_set_f32 as scatter_set_i32,
};
