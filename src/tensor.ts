// Tensor: a handle (pointer, shape, dtype) into WebAssembly memory, and its
// lifecycle. Data never lives in JavaScript arrays; reading it copies out.

import {
  allocBytes, freeBytes, currentScope, popScope, pushScope, release,
  setUserRelease, stats, type Owned, type Scope,
} from './memory';
import { heapF32, heapF64, kernels } from './wasm/index';
import { ArgumentError, DTypeError, DisposedError, ShapeError, describe } from './errors';
import { checkShape, contiguousStrides, shapeSize, shapeString } from './shape';
import { nextDouble } from './random';
import { formatTensor, inspectTensor } from './format';
import { brand } from './copy';

export type DType = 'float32' | 'float64';
export const DTYPES: readonly DType[] = ['float32', 'float64'];

export interface DTypeOptions {
  /** `'float32'` (the default) or `'float64'`. */
  dtype?: DType;
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float32' ? 4 : 8;
}

export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`);
}

/** A block of wasm memory shared by every handle that views it (reshapes, Params). */
export class Storage {
  refs = 1;
  constructor(readonly ptr: number, readonly bytes: number) {}
  release(): void {
    if (--this.refs === 0) freeBytes(this.ptr, this.bytes);
  }
}

const disposeSymbol: symbol =
  (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

// Dropped user-owned tensors give their buffer back when collected. The held
// value is the storage, never the handle, so the handle can be collected.
const registry =
  typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry<Storage>((storage) => {
        stats.liveTensors--;
        storage.release();
      });

/**
 * An n-dimensional array of float32 or float64 numbers in WebAssembly memory.
 * Create one with `tensor`, `zeros`, `rand`...; ops return new tensors.
 *
 * @example
 * const x = ag.tensor([[1, 2], [3, 4]]);
 * x.shape;      // [2, 2]
 * x.toArray();  // [[1, 2], [3, 4]]
 * x.dispose();
 */
export class Tensor {
  /** @internal */ _storage: Storage;
  /** @internal byte offset of element 0 in wasm memory */ _ptr: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal */ _owner: Scope | null = null;
  /** @internal */ _slot = -1;
  /** @internal */ _disposed = false;
  /** @internal registered with the FinalizationRegistry */ _watched = false;
  /**
   * @internal set once a tape records this tensor (as an argument or result):
   * tidy must then leave it to the tape, whose backward pass reads it.
   */
  _recorded = false;
  /** @internal a Param: a leaf on every tape that sees it */ _param = false;
  /** @internal bumped by every in-place write */ _version = 0;
  /** @internal node gradient slots holding this tensor during a backward pass */ _gradSlots = 0;
  /** @internal an untracked alias handed out by value() */ _valueAlias: Tensor | null = null;
  /**
   * @internal made by an op from a number argument: freed right after the op
   * when nothing (no scope, no tape) will need it.
   */
  _temp = false;

  /** @internal use tensor(), zeros()... */
  constructor(storage: Storage, shape: readonly number[], dtype: DType) {
    this._storage = storage;
    this._ptr = storage.ptr;
    this.shape = shape;
    this.dtype = dtype;
    this.size = shapeSize(shape);
    stats.liveTensors++;
    if (tensorDebug.sites !== null) tensorDebug.sites.set(this, creationSite());
    const scope = currentScope();
    if (scope !== null) scope.add(this);
    else watch(this);
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Whether `dispose()` was called (or its scope ended). */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Frees the tensor's memory now. Using it afterwards throws. Idempotent. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    if (this._owner !== null) this._owner.remove(this);
    if (this._watched && registry !== null) registry.unregister(this);
    if (this._valueAlias !== null) {
      this._valueAlias.dispose();
      this._valueAlias = null;
    }
    stats.liveTensors--;
    if (tensorDebug.sites !== null) tensorDebug.sites.delete(this);
    this._storage.release();
  }

  /** A copy of the data as a flat typed array (Float32Array or Float64Array). */
  data(): Float32Array | Float64Array {
    return this.read('data');
  }

  private read(op: string): Float32Array | Float64Array {
    checkLive(this, op);
    if (this.dtype === 'float32') {
      const start = this._ptr >>> 2;
      return heapF32().slice(start, start + this.size);
    }
    const start = this._ptr >>> 3;
    return heapF64().slice(start, start + this.size);
  }

  /** The data as nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const flat = this.read('toArray');
    if (this.shape.length === 0) return flat[0];
    let pos = 0;
    const build = (axis: number): NestedArray[] => {
      const n = this.shape[axis];
      const out = new Array<NestedArray>(n);
      if (axis === this.shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = flat[pos++];
      } else {
        for (let i = 0; i < n; i++) out[i] = build(axis + 1);
      }
      return out;
    };
    return build(0);
  }

  /** The single value of a one-element tensor, as a number. */
  item(): number {
    checkLive(this, 'item');
    if (this.size !== 1) {
      throw new ShapeError(`item: expected a tensor with one element, got shape ${shapeString(this.shape)} (${this.size} elements)`);
    }
    return this.dtype === 'float32' ? heapF32()[this._ptr >>> 2] : heapF64()[this._ptr >>> 3];
  }

  /**
   * The values, dtype and shape, numpy-style (long tensors summarized with
   * `...`); `console.log(t)` in Node prints the same.
   *
   * @example
   * String(ag.tensor([[1, 2], [3, 4]])); // 'Tensor([[1, 2],\n        [3, 4]], dtype=float32, shape=[2, 2])'
   */
  toString(): string {
    return formatTensor(this);
  }

  declare [Symbol.dispose]: () => void;
}

Object.defineProperty(Tensor.prototype, disposeSymbol, {
  value: function (this: Tensor) {
    this.dispose();
  },
  writable: true,
  configurable: true,
});
Object.defineProperty(Tensor.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value: inspectTensor,
  writable: true,
  configurable: true,
});
brand(Tensor, 'Tensor');

export type NestedArray = number | NestedArray[];

/**
 * @internal Debug mode: where each live tensor was created. Holds the
 * tensors strongly (so it is opt-in, for finding leaks).
 */
export const tensorDebug: { sites: Map<Tensor, string> | null } = { sites: null };

/** The first stack frame outside this library: the user's line that created a tensor. */
function creationSite(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1).map((l) => l.trim());
  const first = lines[0] ?? '';
  const path = /\(?((?:file:\/\/)?[^()]*?):\d+:\d+\)?$/.exec(first)?.[1] ?? '';
  const cut = path.lastIndexOf('/src/');
  const library = cut >= 0 ? path.slice(0, cut + 5) : path;
  const user = lines.find((l) => library === '' || !l.includes(library));
  return user === undefined ? 'unknown' : user.replace(/^at /, '');
}

/** Fluent methods, installed by ops/fluent.ts (each calls the op of the same name with this tensor first). */
export interface Tensor {
  add(b: TensorLike): Tensor;
  sub(b: TensorLike): Tensor;
  mul(b: TensorLike): Tensor;
  div(b: TensorLike): Tensor;
  pow(b: TensorLike): Tensor;
  maximum(b: TensorLike): Tensor;
  minimum(b: TensorLike): Tensor;
  atan2(b: TensorLike): Tensor;
  hypot(b: TensorLike): Tensor;
  mod(b: TensorLike): Tensor;
  equal(b: TensorLike): Tensor;
  notEqual(b: TensorLike): Tensor;
  less(b: TensorLike): Tensor;
  lessEqual(b: TensorLike): Tensor;
  greater(b: TensorLike): Tensor;
  greaterEqual(b: TensorLike): Tensor;
  neg(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sqrt(): Tensor;
  tanh(): Tensor;
  abs2(): Tensor;
  abs(): Tensor;
  sign(): Tensor;
  cbrt(): Tensor;
  exp2(): Tensor;
  expm1(): Tensor;
  log2(): Tensor;
  log10(): Tensor;
  log1p(): Tensor;
  reciprocal(): Tensor;
  sin(): Tensor;
  cos(): Tensor;
  tan(): Tensor;
  asin(): Tensor;
  acos(): Tensor;
  atan(): Tensor;
  sinh(): Tensor;
  cosh(): Tensor;
  asinh(): Tensor;
  acosh(): Tensor;
  atanh(): Tensor;
  sigmoid(): Tensor;
  relu(): Tensor;
  softplus(): Tensor;
  gelu(): Tensor;
  floor(): Tensor;
  ceil(): Tensor;
  round(): Tensor;
  trunc(): Tensor;
  isnan(): Tensor;
  isfinite(): Tensor;
  erf(): Tensor;
  erfc(): Tensor;
  erfinv(): Tensor;
  lgamma(): Tensor;
  digamma(): Tensor;
  trigamma(): Tensor;
  elu(alpha?: number): Tensor;
  clamp(lo?: number | null, hi?: number | null): Tensor;
  sum(axis?: number | readonly number[], keepdims?: boolean): Tensor;
  mean(axis?: number | readonly number[], keepdims?: boolean): Tensor;
  prod(axis?: number | readonly number[], keepdims?: boolean): Tensor;
  max(axis?: number | readonly number[], keepdims?: boolean): Tensor;
  min(axis?: number | readonly number[], keepdims?: boolean): Tensor;
  logsumexp(axis?: number | readonly number[], keepdims?: boolean): Tensor;
  variance(axis?: number | readonly number[], keepdims?: boolean, ddof?: number): Tensor;
  std(axis?: number | readonly number[], keepdims?: boolean, ddof?: number): Tensor;
  norm(p?: number, axis?: number | readonly number[], keepdims?: boolean): Tensor;
  argmax(axis?: number, keepdims?: boolean): Tensor;
  argmin(axis?: number, keepdims?: boolean): Tensor;
  matmul(b: Tensor, options?: { transposeA?: boolean; transposeB?: boolean }): Tensor;
  dot(b: Tensor): Tensor;
  outer(b: TensorLike): Tensor;
  kron(b: TensorLike): Tensor;
  diag(k?: number): Tensor;
  trace(): Tensor;
  tril(k?: number): Tensor;
  triu(k?: number): Tensor;
  inv(): Tensor;
  det(): Tensor;
  logdet(): Tensor;
  solve(b: Tensor): Tensor;
  softmax(axis?: number): Tensor;
  logSoftmax(axis?: number): Tensor;
  crossEntropy(labels: readonly number[] | Tensor): Tensor;
  nll(labels: readonly number[] | Tensor): Tensor;
  mse(b: TensorLike): Tensor;
  binaryCrossEntropy(targets: TensorLike): Tensor;
  conv2d(w: Tensor, options?: { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number | [number, number]; groups?: number }): Tensor;
  maxPool2d(kernel: number | [number, number], options?: { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number | [number, number] }): Tensor;
  avgPool2d(kernel: number | [number, number], options?: { stride?: number | [number, number]; padding?: number | [number, number] }): Tensor;
  dropout(p: number, options?: { training?: boolean }): Tensor;
  layerNorm(axis?: number | readonly number[], eps?: number): Tensor;
  reshape(shape: readonly number[]): Tensor;
  flatten(): Tensor;
  squeeze(axis?: number | readonly number[]): Tensor;
  expandDims(axis: number | readonly number[]): Tensor;
  transpose(perm?: readonly number[]): Tensor;
  broadcastTo(shape: readonly number[]): Tensor;
  tile(reps: number | readonly number[]): Tensor;
  repeat(repeats: number, axis?: number): Tensor;
  cast(dtype: DType): Tensor;
  slice(...specs: (number | null | readonly (number | null)[])[]): Tensor;
  gather(indices: number | readonly unknown[] | Tensor, axis?: number): Tensor;
  flip(axis?: number | readonly number[]): Tensor;
  pad(widths: number | readonly [number, number] | readonly (readonly [number, number])[], value?: number): Tensor;
  split(sizes: number | readonly number[], axis?: number): Tensor[];
  unstack(axis?: number): Tensor[];
  /** Iterates over the first axis (`unstack(x, 0)`), so `for (const row of x)` works. */
  [Symbol.iterator](): Iterator<Tensor>;
}

/** A tensor, or a JavaScript number standing for a 0-d tensor. */
export type TensorLike = Tensor | number;

function watch(t: Tensor): void {
  if (registry !== null && !t._watched) {
    t._watched = true;
    registry.register(t, t._storage, t);
  }
}

setUserRelease((item) => {
  if (item instanceof Tensor) watch(item);
});

/** Throws a DisposedError naming `op` if `t` was disposed. */
export function checkLive(t: Tensor, op: string): void {
  if (t._disposed) {
    throw new DisposedError(`${op}: tensor of shape ${shapeString(t.shape)} (${t.dtype}) was disposed and cannot be used`);
  }
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** @internal An uninitialised tensor in the current scope. */
export function empty(shape: readonly number[], dtype: DType, op: string): Tensor {
  const bytes = shapeSize(shape) * bytesPerElement(dtype);
  const ptr = allocBytes(bytes, op);
  return new Tensor(new Storage(ptr, bytes), shape, dtype);
}

/** @internal A new handle on the same buffer (a zero-copy reshape or alias). */
export function alias(t: Tensor, shape: readonly number[]): Tensor {
  t._storage.refs++;
  const view = new Tensor(t._storage, shape, t.dtype);
  view._ptr = t._ptr; // a view may start inside its buffer
  return view;
}

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

/** Walks nested arrays once to find the shape, checking every level is rectangular and numeric. */
function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
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

function checkFinite(op: string, name: string, v: unknown): number {
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
  checkFinite('arange', 'start', start);
  checkFinite('arange', 'stop', stop);
  checkFinite('arange', 'step', step);
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
  checkFinite('linspace', 'start', start);
  checkFinite('linspace', 'stop', stop);
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

// ---- scopes ----

function collectOwned(value: unknown, into: Set<unknown>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if ((value as Owned)._owner !== undefined && typeof (value as Owned).dispose === 'function') {
    into.add(value);
  }
  if (Array.isArray(value)) {
    for (const v of value) collectOwned(v, into, seen);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      collectOwned(k, into, seen);
      collectOwned(v, into, seen);
    }
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) collectOwned((value as Record<string, unknown>)[key], into, seen);
  }
}

/** @internal Set by core/: whether a tape is recording now (tidy must then spare recorded tensors). */
export const recordingState = { active: false };

/**
 * Runs `fn` and frees every tensor it created except those it returns
 * (directly, or inside arrays, plain objects and Maps) and those passed to
 * `keep`. `fn` must be synchronous.
 *
 * @example
 * const y = ag.tidy(() => {
 *   const t = ag.ones([3]).mul(2); // freed when tidy returns
 *   return t.add(1);               // returned: survives
 * });
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`tidy: expected a function, got ${describe(fn)}`);
  const scope = pushScope('tidy');
  let result: T;
  try {
    result = fn();
  } catch (error) {
    popScope(scope);
    releaseScope(scope, new Set());
    throw error;
  }
  popScope(scope);
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    releaseScope(scope, new Set());
    throw new ArgumentError(
      'tidy: fn returned a Promise; tidy frees memory when fn returns, so fn must be synchronous ' +
        '(await outside the tidy, or dispose tensors yourself in async code)',
    );
  }
  const returned = new Set<unknown>();
  collectOwned(result, returned, new Set());
  releaseScope(scope, returned);
  return result;
}

/** Whether a tape that is still recording will read `item` in its backward pass. */
export function neededByTape(item: unknown): boolean {
  return recordingState.active && item instanceof Tensor && item._recorded;
}

function releaseScope(scope: Scope, spared: Set<unknown>): void {
  release(scope.take(), (item) => spared.has(item) || neededByTape(item));
}

/**
 * Takes `t` out of every scope: no `tidy` or tape will free it; the caller
 * owns it (dispose it, or let the garbage collector return it).
 *
 * @example
 * let total!: ag.Tensor;
 * ag.tidy(() => { total = ag.keep(ag.ones([2]).mul(3)); });
 */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new ArgumentError(`keep: expected a Tensor, got ${describe(t)}`);
  checkLive(t, 'keep');
  if (t._owner !== null) t._owner.remove(t);
  watch(t);
  return t;
}

export { contiguousStrides };
