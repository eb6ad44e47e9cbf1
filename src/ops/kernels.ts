// Kernel plumbing shared by op families: small int arrays for kernels,
// broadcasting binary and elementwise unary forwards, strided copies, and
// temporary int32 buffers.

import { Tensor, checkLive, empty } from '../runtime/tensor';
import { castCopy, fillWith } from '../runtime/create';
import type { DType } from '../runtime/dtype';
import { kernel, kernelFor, kernels, heapI32 } from '../wasm/index';
import { allocBytes, allocStatic, freeBytes, scratchInts } from '../runtime/storage';
import { ArgumentError, DTypeError, ShapeError } from '../runtime/errors';
import { broadcastShapes, broadcastStrides, collapseAxes, contiguousStrides, sameShape } from '../runtime/shape';

/** The kernel suffix of a float dtype (float ops are checked to get only those). */
export function suffix(dtype: DType): 'f32' | 'f64' {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'float64') return 'f64';
  throw new Error(`autograd-wasm internal error: a float kernel was asked for a ${dtype} tensor`);
}

/** Sets every element of `t` to `value`. */
export const fill = fillWith;

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
    flatShape = allocStatic(16, 'kernel scratch space');
    heapI32().set([0, 1, 1], flatShape >>> 2);
  }
  heapI32()[flatShape >>> 2] = n;
  return flatShape;
}

/** Largest rank the strided kernels accept after collapsing axes. */
export const MAX_KERNEL_RANK = 32;

type StridedBinary = (a: number, b: number, out: number, ndim: number, shape: number, sa: number, sb: number) => void;

/**
 * Runs a broadcasting kernel `(a, b, out, ndim, shape, sa, sb)` of
 * assembly/strided.ts's form into a new array of `dtype`: a flat row for
 * operands of one shape, collapsed strides otherwise. Validates everything
 * before allocating the result.
 */
export function broadcastInto(op: string, a: Tensor, b: Tensor, dtype: DType, fn: StridedBinary): Tensor {
  if (sameShape(a.shape, b.shape)) {
    // The common case: one flat row, and the result shares a's shape array
    // (shapes are never written after a tensor is made).
    const out = empty(a.shape, dtype, op);
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
  const out = empty(outShape, dtype, op);
  if (out.size === 0) return out;
  const [pShape, pA, pB] = writeInts(c.shape, c.strides[0], c.strides[1]);
  fn(a._ptr, b._ptr, out._ptr, c.shape.length, pShape, pA, pB);
  return out;
}

/** The op codes of assembly/integer.ts's int32 arithmetic, by kernel name. */
const INT_BINARY: Record<string, number> = { add: 0, sub: 1, mul: 2, maximum: 3, minimum: 4, mod: 5, floordiv: 6, pow: 7 };
const INT_UNARY: Record<string, number> = { neg: 0, abs: 1, sign: 2 };

type IntBinary = (code: number, a: number, b: number, out: number, ndim: number, shape: number, sa: number, sb: number) => void;

/** int32 arithmetic with numpy's semantics (assembly/integer.ts); a clear error for an op that has none. */
function intBinary(op: string, a: Tensor, b: Tensor, kernelName: string): Tensor {
  const code = INT_BINARY[kernelName];
  if (code === undefined) {
    throw new DTypeError(`${op}: int32 operands are not supported; convert them with ag.cast(x, 'float64') first`);
  }
  if (kernelName === 'pow') {
    const e = b.data();
    for (let i = 0; i < e.length; i++) {
      if (e[i] < 0) throw new ArgumentError(`${op}: integers to negative integer powers are not allowed (as in numpy); cast the base to a float dtype`);
    }
  }
  const fn = kernel<IntBinary>('int_binary_i32');
  return broadcastInto(op, a, b, 'int32', (pa, pb, out, ndim, shape, sa, sb) => fn(code, pa, pb, out, ndim, shape, sa, sb));
}

/**
 * bool arithmetic as numpy's: `+` and maximum are logical or, `*` and
 * minimum logical and, `-` is refused; the rest give int32. Computed on
 * int32 copies (bool arithmetic is rare; it gets no kernels of its own).
 */
function boolBinary(op: string, a: Tensor, b: Tensor, kernelName: string): Tensor {
  if (kernelName === 'sub') {
    throw new DTypeError(`${op}: subtracting bool tensors is not supported (as in numpy); use notEqual for exclusive or, or cast them to int32`);
  }
  const logical = kernelName === 'add' || kernelName === 'maximum' ? 'maximum' : kernelName === 'mul' || kernelName === 'minimum' ? 'minimum' : null;
  broadcastShapes(op, a.shape, b.shape);
  const made: Tensor[] = [];
  try {
    const ia = castCopy(a, 'int32');
    made.push(ia);
    const ib = castCopy(b, 'int32');
    made.push(ib);
    const y = intBinary(op, ia, ib, logical ?? kernelName);
    if (logical === null) return y;
    made.push(y);
    return castCopy(y, 'bool');
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * The forward computation of a broadcasting binary kernel
 * `<kernelName>_f32|f64` (assembly/binary.ts; op codes there cover
 * arithmetic, maximum/minimum, pow, atan2, hypot and mod); int32 and bool
 * operands take their own kernels (or an error naming the op).
 * Validates everything before allocating the result.
 */
export function binaryForward(op: string, a: Tensor, b: Tensor, kernelName: string = op): Tensor {
  checkLive(a, op);
  checkLive(b, op);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: operands have different dtypes (${a.dtype} and ${b.dtype})`);
  if (a.dtype === 'int32') return intBinary(op, a, b, kernelName);
  if (a.dtype === 'bool') return boolBinary(op, a, b, kernelName);
  return broadcastInto(op, a, b, a.dtype, kernelFor<StridedBinary>(kernelName, a.dtype));
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
  kernelFor<(x: number, out: number, ndim: number, shape: number, strides: number) => void>('copy_strided', x.dtype)(
    x._ptr, out._ptr, c.shape.length, pShape, pStrides,
  );
  return out;
}

/** The forward computation of an elementwise unary kernel (int32: neg, abs and sign only). */
export function unaryForward(op: string, kernelName: string, x: Tensor): Tensor {
  checkLive(x, op);
  const code = x.dtype === 'int32' ? INT_UNARY[kernelName] : undefined;
  if (x.dtype === 'int32' ? code === undefined : x.dtype === 'bool') {
    throw new DTypeError(`${op}: ${x.dtype} tensors are not supported; convert with ag.cast(x, 'float64') first`);
  }
  const out = empty(x.shape, x.dtype, op); // shapes are never written: the result shares x's
  if (code !== undefined) kernel<(code: number, x: number, out: number, n: number) => void>('int_unary_i32')(code, x._ptr, out._ptr, x.size);
  else kernelFor<(x: number, out: number, n: number) => void>(kernelName, x.dtype)(x._ptr, out._ptr, x.size);
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
