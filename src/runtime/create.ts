// Making tensors: from JavaScript data, filled, random, ranges.

import { Tensor, checkLive, empty, type NestedArray } from './tensor';
import { bytesPerElement, checkDType, isFloat, type DType, type DTypeOptions } from './dtype';
import { heapF32, heapF64, heapI32, heapU8, kernel, kernelFor, kernels } from '../wasm/index';
import { ArgumentError, DTypeError, ShapeError, describe } from './errors';
import { checkShape, shapeSize, shapeString } from './shape';
import { nextDouble } from './random';

// ---- creation ----

export interface TensorOptions extends DTypeOptions {
  /** Shape for flat data (typed arrays or flat number arrays). */
  shape?: readonly number[];
}

type TypedArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray
  | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** Booleans in (nested) arrays: data for a bool tensor. */
export type NestedBooleans = boolean | NestedBooleans[];

/** Anything `tensor()` accepts. */
export type TensorData = number | boolean | NestedArray | NestedBooleans | TypedArray | Tensor;

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(typeof BigInt64Array !== 'undefined' && (x instanceof BigInt64Array || x instanceof BigUint64Array));
}

/** Nested arrays are walked recursively; this bounds the depth well inside the call stack. */
const MAX_NESTING = 256;

/**
 * Walks nested arrays once to find the shape, checking every level is
 * rectangular and numeric (numbers or booleans); `kinds` counts the booleans.
 */
function inferShape(data: NestedArray | NestedBooleans, kinds: { booleans: number }): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (shape.length > MAX_NESTING) {
      throw new ArgumentError(`tensor: data is nested more than ${MAX_NESTING} arrays deep; a tensor from nested arrays has at most ${MAX_NESTING} axes`);
    }
    if (level.length === 0) break;
    level = level[0];
  }
  // The path of an element ("data[1][0]") is only built for the error message.
  const at: number[] = [];
  const path = () => `data${at.map((i) => `[${i}]`).join('')}`;
  const check = (node: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (typeof node === 'boolean') kinds.booleans++;
      else if (typeof node !== 'number') {
        throw new ArgumentError(
          Array.isArray(node)
            ? `tensor: ragged nested array: element ${path()} is an array, but its siblings are numbers`
            : `tensor: expected numbers or booleans, got ${describe(node)} at ${path()}`,
        );
      }
      return;
    }
    if (!Array.isArray(node)) {
      throw new ArgumentError(
        `tensor: ragged nested array: element ${path()} is ${describe(node)}, expected an array of length ${shape[axis]}`,
      );
    }
    if (node.length !== shape[axis]) {
      throw new ArgumentError(
        `tensor: ragged nested array: element ${path()} has length ${node.length}, expected ${shape[axis]} like its first sibling`,
      );
    }
    if (axis === shape.length - 1) {
      for (let i = 0; i < node.length; i++) {
        if (typeof node[i] !== 'number') {
          at.push(i);
          check(node[i], axis + 1);
          at.pop();
        }
      }
      return;
    }
    for (let i = 0; i < node.length; i++) {
      at.push(i);
      check(node[i], axis + 1);
      at.pop();
    }
  };
  check(data, 0);
  return shape;
}

/** Rectangular nested arrays (already validated) into one flat array (booleans as 0 and 1); Array.prototype.flat is slow on large data. */
function flattenNested(data: unknown[], shape: number[]): Float64Array {
  const out = new Float64Array(shapeSize(shape));
  let pos = 0;
  const last = shape.length - 1;
  const walk = (node: unknown[], axis: number): void => {
    if (axis === last) {
      for (let i = 0; i < node.length; i++) out[pos++] = Number(node[i]);
      return;
    }
    for (let i = 0; i < node.length; i++) walk(node[i] as unknown[], axis + 1);
  };
  walk(data, 0);
  return out;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Writes JavaScript values into `t`. bool takes `v != 0` (NaN is true, as
 * numpy's bool(nan)). int32 takes integers in range as they are; `exact`
 * (data given to `tensor`) refuses anything else, otherwise (generated
 * ranges) values are truncated toward zero.
 */
function writeFlat(t: Tensor, values: ArrayLike<number | boolean>, exact: boolean): void {
  const n = values.length;
  switch (t.dtype) {
    case 'float32':
      heapF32().set(values as ArrayLike<number>, t._ptr >>> 2);
      return;
    case 'float64':
      heapF64().set(values as ArrayLike<number>, t._ptr >>> 3);
      return;
    case 'int32': {
      if (exact && !(values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array ||
        values instanceof Uint16Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray)) {
        for (let i = 0; i < n; i++) {
          const v = Number(values[i]);
          if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
            throw new ArgumentError(
              `tensor: ${describe(values[i])} at position ${i} is not an int32 (an integer in [-2^31, 2^31 - 1]); ` +
                "round the data first, or make a float tensor and ag.cast it to 'int32' (which truncates)",
            );
          }
        }
      }
      const view = heapI32();
      const base = t._ptr >>> 2;
      if (values instanceof Int32Array || !exact) {
        for (let i = 0; i < n; i++) view[base + i] = Math.trunc(Number(values[i]));
      } else view.set(values as ArrayLike<number>, base);
      return;
    }
    case 'bool': {
      const view = heapU8();
      const base = t._ptr;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        view[base + i] = v !== 0 && v !== false ? 1 : 0;
      }
    }
  }
}

/**
 * A tensor from numbers, booleans, nested arrays, typed arrays or another
 * tensor (copied, converted to `dtype` if given). Nested arrays must be
 * rectangular. The dtype defaults to float32; to float64 for a Float64Array,
 * int32 for an Int32Array, bool for booleans, and the tensor's own for a
 * tensor. Data for an int32 tensor must be integers in range (use `cast` to
 * truncate floats); for a bool tensor, nonzero numbers are true.
 *
 * @example
 * ag.tensor([[1, 2, 3], [4, 5, 6]]);            // shape [2, 3], float32
 * ag.tensor(3.5, { dtype: 'float64' });          // a 0-d float64 tensor
 * ag.tensor(new Float32Array(6), { shape: [2, 3] });
 * ag.tensor([3, 0, 7], { dtype: 'int32' });      // indices, exact beyond 2^24
 * ag.tensor([true, false, true]);                // a bool mask
 */
export function tensor(data: TensorData, options: TensorOptions = {}): Tensor {
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(`tensor: options must be an object like { dtype: 'float64' }, got ${describe(options)}`);
  }
  if (data instanceof Tensor) {
    checkLive(data, 'tensor');
    const dtype = options.dtype === undefined ? data.dtype : checkDType('tensor', options.dtype);
    const shape = options.shape === undefined ? data.shape.slice() : checkShape('tensor', options.shape);
    if (shapeSize(shape) !== data.size) {
      throw new ShapeError(`tensor: shape ${shapeString(shape)} has ${shapeSize(shape)} elements, the data has ${data.size}`);
    }
    return copyAs(data, dtype, shape);
  }
  let flat: ArrayLike<number | boolean>;
  let shape: number[];
  let defaultDType: DType = 'float32';
  if (typeof data === 'number' || typeof data === 'boolean') {
    flat = [data];
    shape = [];
    if (typeof data === 'boolean') defaultDType = 'bool';
  } else if (isTypedArray(data)) {
    flat = data;
    shape = [data.length];
    if (data instanceof Float64Array) defaultDType = 'float64';
    else if (data instanceof Int32Array) defaultDType = 'int32';
  } else if (Array.isArray(data)) {
    const kinds = { booleans: 0 };
    shape = inferShape(data, kinds);
    const size = shapeSize(shape);
    if (size > 0 && kinds.booleans === size) defaultDType = 'bool';
    flat = shape.length <= 1 ? (data as (number | boolean)[]) : flattenNested(data, shape);
  } else {
    throw new ArgumentError(`tensor: expected a number, a boolean, a nested array of them, a typed array or a Tensor, got ${describe(data)}`);
  }
  const dtype = options.dtype === undefined ? defaultDType : checkDType('tensor', options.dtype);
  if (options.shape !== undefined) {
    const given = checkShape('tensor', options.shape);
    if (shapeSize(given) !== flat.length) {
      throw new ShapeError(`tensor: shape ${shapeString(given)} has ${shapeSize(given)} elements, the data has ${flat.length}`);
    }
    shape = given;
  }
  const t = empty(shape, dtype, 'tensor');
  try {
    writeFlat(t, flat, true);
  } catch (error) {
    t.dispose();
    throw error;
  }
  return t;
}

const KERNEL_SUFFIX: Record<DType, string> = { float32: 'f32', float64: 'f64', int32: 'i32', bool: 'u8' };

/** @internal Writes `src` converted to `out`'s dtype into `out` (same size). */
export function castInto(src: Tensor, out: Tensor): void {
  const n = src.size;
  if (n === 0) return;
  if (src.dtype === out.dtype) kernels().copy_bytes(out._ptr, src._ptr, n * bytesPerElement(src.dtype));
  else kernel<(src: number, dst: number, n: number) => void>(`cast_${KERNEL_SUFFIX[src.dtype]}_${KERNEL_SUFFIX[out.dtype]}`)(src._ptr, out._ptr, n);
}

function copyAs(src: Tensor, dtype: DType, shape: number[]): Tensor {
  const out = empty(shape, dtype, 'tensor');
  castInto(src, out);
  return out;
}

/** @internal A copy of `t` converted to `dtype` (not recorded; ops/ wraps it as `cast`). */
export function castCopy(t: Tensor, dtype: DType): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`cast: expected a Tensor, got ${describe(t)}`);
  checkLive(t, 'cast');
  return copyAs(t, checkDType('cast', dtype), t.shape.slice());
}

function dtypeOf(op: string, options: DTypeOptions | undefined, fallback: DType = 'float32'): DType {
  if (options === undefined) return fallback;
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(`${op}: options must be an object like { dtype: 'float64' }, got ${describe(options)}`);
  }
  return options.dtype === undefined ? fallback : checkDType(op, options.dtype);
}

/** The dtype of a random draw: a float one. */
function floatDTypeOf(op: string, options: DTypeOptions | undefined): DType {
  const dtype = dtypeOf(op, options);
  if (!isFloat(dtype)) throw new DTypeError(`${op}: draws floats (dtype 'float32' or 'float64'), got dtype '${dtype}'`);
  return dtype;
}

/** @internal Sets every element of `t` to `value` (bool: nonzero is true; int32: an integer in range). */
export function fillWith(t: Tensor, value: number): void {
  if (t.size === 0) return;
  kernelFor<(ptr: number, n: number, value: number) => void>('fill', t.dtype)(t._ptr, t.size, t.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value);
}

/**
 * A tensor of `shape` filled with `value` (a boolean makes a bool tensor
 * unless a dtype is given).
 *
 * @example
 * ag.full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 * ag.full([3], true).dtype;     // 'bool'
 */
export function full(shape: readonly number[], value: number | boolean, options?: DTypeOptions): Tensor {
  return filled('full', shape, value, options);
}

function filled(op: string, shape: readonly number[], value: number | boolean, options?: DTypeOptions): Tensor {
  const s = checkShape(op, shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new ArgumentError(`${op}: value must be a number or a boolean, got ${describe(value)}`);
  const dtype = dtypeOf(op, options, typeof value === 'boolean' ? 'bool' : 'float32');
  const v = Number(value);
  if (dtype === 'int32' && !(Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX)) {
    throw new ArgumentError(`${op}: value ${String(value)} is not an int32 (an integer in [-2^31, 2^31 - 1])`);
  }
  const t = empty(s, dtype, op);
  fillWith(t, v);
  return t;
}

/** A tensor of zeros. @example ag.zeros([2, 3]) */
export function zeros(shape: readonly number[], options?: DTypeOptions): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones. @example ag.ones([3], { dtype: 'float64' }) */
export function ones(shape: readonly number[], options?: DTypeOptions): Tensor {
  return filled('ones', shape, 1, options);
}

function fromGenerator(op: string, shape: readonly number[], dtype: DType, next: () => number): Tensor {
  const s = checkShape(op, shape);
  const n = shapeSize(s);
  const values = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = next();
  const t = empty(s, dtype, op);
  writeFlat(t, values, false);
  return t;
}

/**
 * Uniform random numbers in [0, 1) from the seeded generator.
 *
 * @example
 * ag.seed(1);
 * ag.rand([2, 2]);
 */
export function rand(shape: readonly number[], options?: DTypeOptions): Tensor {
  // Rounding to float32 must not turn a draw just below 1 into 1.
  const below1 = 1 - 2 ** -24;
  const dtype = floatDTypeOf('rand', options);
  return fromGenerator('rand', shape, dtype, dtype === 'float32' ? () => Math.min(nextDouble(), below1) : nextDouble);
}

/**
 * Standard normal random numbers from the seeded generator.
 *
 * @example
 * ag.randn([3, 4], { dtype: 'float64' });
 */
export function randn(shape: readonly number[], options?: DTypeOptions): Tensor {
  const s = checkShape('randn', shape);
  const dtype = floatDTypeOf('randn', options);
  const n = shapeSize(s);
  const pairs = Math.ceil(n / 2);
  const uniforms = empty([2 * pairs], 'float64', 'randn');
  try {
    const view = heapF64();
    const base = uniforms._ptr >>> 3;
    for (let i = 0; i < 2 * pairs; i++) view[base + i] = 1 - nextDouble(); // (0, 1]
    const k = kernels();
    k.normal_from_uniform(uniforms._ptr, pairs);
    const out = empty(s, dtype, 'randn');
    if (dtype === 'float64') k.copy_bytes(out._ptr, uniforms._ptr, n * 8);
    else k.cast_f64_f32(uniforms._ptr, out._ptr, n);
    return out;
  } finally {
    uniforms.dispose();
  }
}

function finiteNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ArgumentError(`${op}: ${name} must be a finite number, got ${describe(v)}`);
  }
  return v;
}

/**
 * Evenly spaced values in [start, stop) like numpy's arange; `arange(n)` is
 * 0..n-1 (float32 unless a dtype is given: `{ dtype: 'int32' }` for indices).
 *
 * @example
 * ag.arange(5).toArray();        // [0, 1, 2, 3, 4]
 * ag.arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 * ag.arange(0, 6, 2, { dtype: 'int32' }).toArray(); // [0, 2, 4]
 */
export function arange(start: number, stop?: number, step = 1, options?: DTypeOptions): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  finiteNumber('arange', 'start', start);
  finiteNumber('arange', 'stop', stop);
  finiteNumber('arange', 'step', step);
  if (step === 0) throw new ArgumentError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > 2 ** 31 - 1) throw new ArgumentError(`arange: ${n} elements is too many`);
  const s = start;
  let i = 0;
  return fromGenerator('arange', [n], dtypeOf('arange', options), () => s + step * i++);
}

/**
 * `num` evenly spaced values from `start` to `stop`, both included.
 *
 * @example
 * ag.linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num: number, options?: DTypeOptions): Tensor {
  finiteNumber('linspace', 'start', start);
  finiteNumber('linspace', 'stop', stop);
  if (typeof num !== 'number' || !Number.isInteger(num) || num < 0) {
    throw new ArgumentError(`linspace: num must be a non-negative integer, got ${describe(num)}`);
  }
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  let i = 0;
  return fromGenerator('linspace', [num], dtypeOf('linspace', options), () => {
    const v = num > 1 && i === num - 1 ? stop : start + step * i;
    i++;
    return v;
  });
}

/**
 * The n x n identity matrix.
 *
 * @example
 * ag.eye(2).toArray(); // [[1, 0], [0, 1]]
 */
export function eye(n: number, options?: DTypeOptions): Tensor {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ArgumentError(`eye: n must be a non-negative integer, got ${describe(n)}`);
  }
  let i = 0;
  return fromGenerator('eye', [n, n], dtypeOf('eye', options), () => {
    const v = Math.floor(i / n) === i % n ? 1 : 0;
    i++;
    return v;
  });
}

