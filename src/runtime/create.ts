// Making tensors: from JavaScript data, filled, random, ranges.

import { Tensor, checkLive, empty, type NestedArray } from './tensor';
import { bytesPerElement, checkDType, type DType, type DTypeOptions } from './dtype';
import { heapF32, heapF64, kernels } from '../wasm/index';
import { ArgumentError, ShapeError, describe } from './errors';
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

/** Anything `tensor()` accepts. */
export type TensorData = number | NestedArray | TypedArray | Tensor;

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(typeof BigInt64Array !== 'undefined' && (x instanceof BigInt64Array || x instanceof BigUint64Array));
}

/** Nested arrays are walked recursively; this bounds the depth well inside the call stack. */
const MAX_NESTING = 256;

/** Walks nested arrays once to find the shape, checking every level is rectangular and numeric. */
function inferShape(data: NestedArray): number[] {
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
      if (typeof node !== 'number') {
        throw new ArgumentError(
          Array.isArray(node)
            ? `tensor: ragged nested array: element ${path()} is an array, but its siblings are numbers`
            : `tensor: expected numbers, got ${describe(node)} at ${path()}`,
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

/** Rectangular nested arrays (already validated) into one flat array; Array.prototype.flat is slow on large data. */
function flattenNested(data: NestedArray[], shape: number[]): Float64Array {
  const out = new Float64Array(shapeSize(shape));
  let pos = 0;
  const last = shape.length - 1;
  const walk = (node: NestedArray[], axis: number): void => {
    if (axis === last) {
      for (let i = 0; i < node.length; i++) out[pos++] = node[i] as number;
      return;
    }
    for (let i = 0; i < node.length; i++) walk(node[i] as NestedArray[], axis + 1);
  };
  walk(data, 0);
  return out;
}

function writeFlat(t: Tensor, values: ArrayLike<number>): void {
  if (t.dtype === 'float32') heapF32().set(values, t._ptr >>> 2);
  else heapF64().set(values, t._ptr >>> 3);
}

/**
 * A tensor from numbers, nested arrays, typed arrays or another tensor (copied).
 * Nested arrays must be rectangular. The dtype defaults to float32, or to
 * float64 for a Float64Array or a float64 tensor.
 *
 * @example
 * ag.tensor([[1, 2, 3], [4, 5, 6]]);            // shape [2, 3], float32
 * ag.tensor(3.5, { dtype: 'float64' });          // a 0-d float64 tensor
 * ag.tensor(new Float32Array(6), { shape: [2, 3] });
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
  let flat: ArrayLike<number>;
  let shape: number[];
  let defaultDType: DType = 'float32';
  if (typeof data === 'number') {
    flat = [data];
    shape = [];
  } else if (isTypedArray(data)) {
    flat = data;
    shape = [data.length];
    if (data instanceof Float64Array) defaultDType = 'float64';
  } else if (Array.isArray(data)) {
    shape = inferShape(data);
    flat = shape.length <= 1 ? (data as number[]) : flattenNested(data as NestedArray[], shape);
  } else {
    throw new ArgumentError(`tensor: expected a number, a nested array of numbers, a typed array or a Tensor, got ${describe(data)}`);
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
  writeFlat(t, flat);
  return t;
}

function copyAs(src: Tensor, dtype: DType, shape: number[]): Tensor {
  const out = empty(shape, dtype, 'tensor');
  const k = kernels();
  if (src.dtype === dtype) k.copy_bytes(out._ptr, src._ptr, src.size * bytesPerElement(dtype));
  else if (dtype === 'float64') k.cast_f32_f64(src._ptr, out._ptr, src.size);
  else k.cast_f64_f32(src._ptr, out._ptr, src.size);
  return out;
}

/** @internal A copy of `t` converted to `dtype` (not recorded; ops/ wraps it as `cast`). */
export function castCopy(t: Tensor, dtype: DType): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`cast: expected a Tensor, got ${describe(t)}`);
  checkLive(t, 'cast');
  return copyAs(t, checkDType('cast', dtype), t.shape.slice());
}

function dtypeOf(op: string, options: DTypeOptions | undefined): DType {
  if (options === undefined) return 'float32';
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(`${op}: options must be an object like { dtype: 'float64' }, got ${describe(options)}`);
  }
  return options.dtype === undefined ? 'float32' : checkDType(op, options.dtype);
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ag.full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 */
export function full(shape: readonly number[], value: number, options?: DTypeOptions): Tensor {
  return filled('full', shape, value, options);
}

function filled(op: string, shape: readonly number[], value: number, options?: DTypeOptions): Tensor {
  const s = checkShape(op, shape);
  if (typeof value !== 'number') throw new ArgumentError(`${op}: value must be a number, got ${describe(value)}`);
  const dtype = dtypeOf(op, options);
  const t = empty(s, dtype, op);
  if (dtype === 'float32') kernels().fill_f32(t._ptr, t.size, value);
  else kernels().fill_f64(t._ptr, t.size, value);
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

function fromGenerator(op: string, shape: readonly number[], options: DTypeOptions | undefined, next: () => number): Tensor {
  const s = checkShape(op, shape);
  const dtype = dtypeOf(op, options);
  const n = shapeSize(s);
  const values = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = next();
  const t = empty(s, dtype, op);
  writeFlat(t, values);
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
  const float32 = options?.dtype === undefined || options.dtype === 'float32';
  return fromGenerator('rand', shape, options, float32 ? () => Math.min(nextDouble(), below1) : nextDouble);
}

/**
 * Standard normal random numbers from the seeded generator.
 *
 * @example
 * ag.randn([3, 4], { dtype: 'float64' });
 */
export function randn(shape: readonly number[], options?: DTypeOptions): Tensor {
  const s = checkShape('randn', shape);
  const dtype = dtypeOf('randn', options);
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
 * Evenly spaced values in [start, stop) like numpy's arange; `arange(n)` is 0..n-1.
 *
 * @example
 * ag.arange(5).toArray();        // [0, 1, 2, 3, 4]
 * ag.arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
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
  return fromGenerator('arange', [n], options, () => s + step * i++);
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
  return fromGenerator('linspace', [num], options, () => {
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
  return fromGenerator('eye', [n, n], options, () => {
    const v = Math.floor(i / n) === i % n ? 1 : 0;
    i++;
    return v;
  });
}

