// Kernel plumbing shared by op families: small int arrays for kernels,
// broadcasting binary and elementwise unary forwards, strided copies, and
// temporary int32 buffers.

import { Tensor, checkLive, empty } from '../runtime/tensor';
import type { DType } from '../runtime/dtype';
import { kernelFor, kernels, heapI32 } from '../wasm/index';
import { allocBytes, freeBytes, scratchInts } from '../runtime/storage';
import { DTypeError, ShapeError } from '../runtime/errors';
import { broadcastShapes, broadcastStrides, collapseAxes, contiguousStrides, sameShape } from '../runtime/shape';

export function suffix(dtype: DType): 'f32' | 'f64' {
  return dtype === 'float32' ? 'f32' : 'f64';
}

/** Sets every element of `t` to `value`. */
export function fill(t: Tensor, value: number): void {
  if (t.size === 0) return;
  if (t.dtype === 'float32') kernels().fill_f32(t._ptr, t.size, value);
  else kernels().fill_f64(t._ptr, t.size, value);
}

/** Writes small int arrays into the kernel scratch block; returns their pointers. */
export function writeInts(...arrays: number[][]): number[] {
  const base = scratchInts();
  const view = heapI32();
  const ptrs: number[] = [];
  let offset = base >>> 2;
  for (const arr of arrays) {
    ptrs.push(offset << 2);
    for (let i = 0; i < arr.length; i++) view[offset + i] = arr[i];
    offset += 64;
  }
  return ptrs;
}

// The same-shape case of binary kernels: a shape [n] and unit strides, in a
// block of their own (writeInts reuses the shared one), so a call writes n only.
let flatShape = 0;
function flatRow(n: number): number {
  if (flatShape === 0) {
    flatShape = kernels().alloc(16); // once, like the scratch block: not a tensor's memory
    heapI32().set([0, 1, 1], flatShape >>> 2);
  }
  heapI32()[flatShape >>> 2] = n;
  return flatShape;
}

/** Largest rank the strided kernels accept after collapsing axes. */
export const MAX_KERNEL_RANK = 32;

type StridedBinary = (a: number, b: number, out: number, ndim: number, shape: number, sa: number, sb: number) => void;

/**
 * The forward computation of a broadcasting binary kernel
 * `<kernelName>_f32|f64` (assembly/binary.ts; op codes there cover
 * arithmetic, maximum/minimum, pow, atan2, hypot, mod and comparisons).
 * Validates everything before allocating the result.
 */
export function binaryForward(op: string, a: Tensor, b: Tensor, kernelName: string = op): Tensor {
  checkLive(a, op);
  checkLive(b, op);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: operands have different dtypes (${a.dtype} and ${b.dtype})`);
  const fn = kernelFor<StridedBinary>(kernelName, a.dtype);
  if (sameShape(a.shape, b.shape)) {
    // The common case: one flat row, and the result shares a's shape array
    // (shapes are never written after a tensor is made).
    const out = empty(a.shape, a.dtype, op);
    if (out.size === 0) return out;
    const p = flatRow(out.size);
    fn(a._ptr, b._ptr, out._ptr, 1, p, p + 4, p + 8);
    return out;
  }
  const outShape = broadcastShapes(op, a.shape, b.shape);
  const c = collapseAxes(outShape, [
    broadcastStrides(a.shape, outShape),
    broadcastStrides(b.shape, outShape),
    contiguousStrides(outShape),
  ]);
  if (c.shape.length > MAX_KERNEL_RANK) {
    throw new ShapeError(`${op}: broadcasting over ${c.shape.length} non-mergeable axes is more than the ${MAX_KERNEL_RANK} supported`);
  }
  const out = empty(outShape, a.dtype, op);
  if (out.size === 0) return out;
  const [pShape, pA, pB] = writeInts(c.shape, c.strides[0], c.strides[1]);
  fn(a._ptr, b._ptr, out._ptr, c.shape.length, pShape, pA, pB);
  return out;
}

/** A contiguous copy of `x` read through `strides` as `shape` (broadcasts, transposes). */
export function stridedCopy(op: string, x: Tensor, shape: number[], strides: number[]): Tensor {
  const out = empty(shape, x.dtype, op);
  if (out.size === 0) return out;
  const c = collapseAxes(shape, [strides, contiguousStrides(shape)]);
  if (c.shape.length > MAX_KERNEL_RANK) {
    out.dispose();
    throw new ShapeError(`${op}: ${c.shape.length} non-mergeable axes is more than the ${MAX_KERNEL_RANK} supported`);
  }
  const [pShape, pStrides] = writeInts(c.shape, c.strides[0]);
  const k = kernels();
  if (x.dtype === 'float32') k.copy_strided_f32(x._ptr, out._ptr, c.shape.length, pShape, pStrides);
  else k.copy_strided_f64(x._ptr, out._ptr, c.shape.length, pShape, pStrides);
  return out;
}

/** The forward computation of an elementwise unary kernel. */
export function unaryForward(op: string, kernelName: string, x: Tensor): Tensor {
  checkLive(x, op);
  const out = empty(x.shape, x.dtype, op); // shapes are never written: the result shares x's
  const fn = kernelFor<(x: number, out: number, n: number) => void>(kernelName, x.dtype);
  fn(x._ptr, out._ptr, x.size);
  return out;
}

/** Runs `fn` with `ints` copied into a temporary int32 buffer in wasm memory. */
export function withInts<T>(op: string, ints: Int32Array, fn: (ptr: number) => T): T {
  const bytes = ints.length * 4;
  const ptr = allocBytes(bytes, op);
  try {
    heapI32().set(ints, ptr >>> 2);
    return fn(ptr);
  } finally {
    freeBytes(ptr, bytes);
  }
}
