// Helpers shared by op families: argument coercion and kernel plumbing.

import { Tensor, checkLive, empty, markTemporary } from '../runtime/tensor';
import { tensor } from '../runtime/create';
import { type DType } from '../runtime/dtype';
import { kernelFor, kernels, heapI32 } from '../wasm/index';
import { allocBytes, freeBytes, scratchInts } from '../runtime/storage';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { broadcastShapes, broadcastStrides, collapseAxes, contiguousStrides, sameShape, shapeString } from '../runtime/shape';

export function suffix(dtype: DType): 'f32' | 'f64' {
  return dtype === 'float32' ? 'f32' : 'f64';
}

/** Checks `x` is a live Tensor; names the op and the argument otherwise. */
export function checkTensor(op: string, x: unknown, name = 'x'): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
  checkLive(x, op);
  return x;
}

/** A tensor for a tensor-or-number argument; numbers become 0-d tensors of `dtype`. */
export function asTensor(op: string, x: unknown, dtype: DType, name = 'x'): Tensor {
  if (typeof x === 'number') return temporary(x, dtype);
  return checkTensor(op, x, name);
}

/** A 0-d tensor for a number argument, freed after the op when nothing needs it. */
export function temporary(x: number, dtype: DType): Tensor {
  const t = tensor(x, { dtype });
  markTemporary(t);
  return t;
}

// A public op made of several ops runs its body through `composite`: outside
// every scope its intermediates are freed when it returns, and a failure
// half-way frees what it made and takes its nodes off the tapes.
export { composite } from '../core/primitive';

let castOp: ((x: Tensor, dtype: DType) => Tensor) | null = null;
function castTemp(x: Tensor, dtype: DType): Tensor {
  const t = castOp!(x, dtype);
  markTemporary(t);
  return t;
}

export function setCastOp(fn: (x: Tensor, dtype: DType) => Tensor): void {
  castOp = fn;
}

/**
 * Two operands of one dtype. Numbers take the other operand's dtype (two
 * numbers make float64, as JavaScript numbers are doubles); a 0-d tensor
 * takes the dtype of a non-scalar operand (cast differentiably); two 0-d
 * tensors of different dtypes meet at float64; two non-scalar tensors of
 * different dtypes are an error rather than a silent promotion.
 */
export function coercePair(op: string, a: unknown, b: unknown): [Tensor, Tensor] {
  const ta = typeof a === 'number' ? null : checkTensor(op, a, 'a');
  const tb = typeof b === 'number' ? null : checkTensor(op, b, 'b');
  if (ta === null && tb === null) {
    const first = temporary(a as number, 'float64');
    try {
      return [first, temporary(b as number, 'float64')];
    } catch (error) {
      first.dispose();
      throw error;
    }
  }
  if (ta === null) return [temporary(a as number, tb!.dtype), tb!];
  if (tb === null) return [ta, temporary(b as number, ta.dtype)];
  if (ta.dtype === tb.dtype) return [ta, tb];
  if (ta.ndim === 0 && tb.ndim === 0) {
    return ta.dtype === 'float64' ? [ta, castTemp(tb, 'float64')] : [castTemp(ta, 'float64'), tb];
  }
  if (tb.ndim === 0) return [ta, castTemp(tb, ta.dtype)];
  if (ta.ndim === 0) return [castTemp(ta, tb.dtype), tb];
  throw new DTypeError(
    `${op}: operands have different dtypes (${ta.dtype} ${shapeString(ta.shape)} and ${tb.dtype} ${shapeString(tb.shape)}); ` +
      'cast one with ag.cast(x, dtype) first',
  );
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

let flat: [number, number, number] | null = null;
function flatScratch(): [number, number, number] {
  if (flat === null) {
    const base = scratchInts();
    flat = [base, base + 64 * 4, base + 128 * 4];
  }
  return flat;
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
  const outShape = broadcastShapes(op, a.shape, b.shape);
  const fn = kernelFor<StridedBinary>(kernelName, a.dtype);
  if (sameShape(a.shape, b.shape)) {
    // The common case: one flat row, no shape arrays to build.
    const out = empty(outShape, a.dtype, op);
    if (out.size === 0) return out;
    const [pShape, pA, pB] = flatScratch();
    const view = heapI32();
    view[pShape >>> 2] = out.size;
    view[pA >>> 2] = 1;
    view[pB >>> 2] = 1;
    fn(a._ptr, b._ptr, out._ptr, 1, pShape, pA, pB);
    return out;
  }
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
  const out = empty(x.shape.slice(), x.dtype, op);
  const fn = kernelFor<(x: number, out: number, n: number) => void>(kernelName, x.dtype);
  fn(x._ptr, out._ptr, x.size);
  return out;
}

/** Integers with a shape (indices, labels, ids) on their way to a kernel. */
export interface IntList {
  readonly data: Int32Array;
  readonly shape: readonly number[];
}

/**
 * Integers from a number, a rectangular (nested) array of numbers or an
 * integer-valued tensor. `store(v, i)` range-checks each (throwing with the
 * op's own message) and returns the value to keep. `what` names them in errors.
 */
export function readInts(op: string, what: string, input: unknown, store: (v: number, i: number) => number): IntList {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof input === 'number') {
    flat = [input];
    shape = [];
  } else if (input instanceof Tensor) {
    checkTensor(op, input, what);
    flat = input.data();
    shape = input.shape.slice();
  } else if (Array.isArray(input)) {
    shape = [];
    let level: unknown = input;
    while (Array.isArray(level)) {
      shape.push(level.length);
      if (level.length === 0) break;
      level = level[0];
    }
    const values: number[] = [];
    const walk = (node: unknown, d: number, path: string): void => {
      if (d === shape.length) {
        if (Array.isArray(node)) throw new ArgumentError(`${op}: ragged ${what}: ${path} is an array, but its siblings are numbers`);
        values.push(node as number);
        return;
      }
      if (!Array.isArray(node) || node.length !== shape[d]) {
        throw new ArgumentError(`${op}: ragged ${what}: ${path} is ${describe(node)}, expected an array of length ${shape[d]}`);
      }
      for (let i = 0; i < node.length; i++) walk(node[i], d + 1, `${path}[${i}]`);
    };
    walk(input, 0, what);
    flat = values;
  } else {
    throw new ArgumentError(`${op}: ${what} must be an integer, a (nested) array of integers or an integer-valued Tensor, got ${describe(input)}`);
  }
  const data = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ArgumentError(`${op}: ${what} must be integers, got ${describe(v)} at position ${i}`);
    }
    data[i] = store(v, i);
  }
  return { data, shape };
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
