// Tensor: a handle (pointer, shape, dtype) into WebAssembly memory, and its
// lifecycle. Data never lives in JavaScript arrays; reading it copies out.

import {
  MAX_TENSOR_BYTES, Storage, adopt, allocBytes, currentScope, disposeAll, endScope, moveToCurrent, moveToUser,
  ownedWithin, popScope, pushScope, stats, Scope, collectableBytes, type Owned,
} from './memory';
import { heapF32, heapF64, kernels } from './wasm/index';
import { ArgumentError, DTypeError, DisposedError, OutOfMemoryError, ShapeError, describe } from './errors';
import { checkShape, contiguousStrides, shapeSize, shapeString } from './shape';
import { nextDouble } from './random';
import { formatTensor, inspectTensor } from './format';
import { brand } from './copy';

export { Storage };

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
  /** @internal the buffer this handle views (shared by aliases) */ _storage: Storage;
  /** @internal byte offset of element 0 in wasm memory */ _ptr: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal */ _owner: Scope | null = null;
  /** @internal */ _slot = -1;
  /** @internal */ _disposed = false;
  /** @internal what freed it, for the DisposedError of a later use */ _freedBy: string | null = null;
  /** @internal registered with the FinalizationRegistry */ _watched = false;
  /** @internal what makes the collector notice this tensor's wasm memory (memory.ts) */ _ballast: ArrayBuffer | null = null;
  /** @internal set once a tape records this tensor (as an argument or result) */ _recorded = false;
  /** @internal a Param: a leaf on every tape that sees it */ _param = false;
  /** @internal node gradient slots holding this tensor during a backward pass */ _gradSlots = 0;
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
    adopt(this);
  }

  /** @internal now owned by the user: freed by dispose() or, once dropped, by the collector */
  _toUser(): void {
    if (registry !== null && !this._watched) {
      this._watched = true;
      registry.register(this, this._storage, this);
      const ballast = collectableBytes(this._storage.bytes);
      if (ballast !== null) this._ballast = ballast;
    }
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Whether `dispose()` was called (or its scope ended). */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Frees this handle now; its buffer goes back when no other handle (an
   * alias) and no tape still needs it. Using the handle afterwards throws.
   * Idempotent.
   */
  dispose(freedBy = 'dispose()'): void {
    if (this._disposed) return;
    this._disposed = true;
    this._freedBy = freedBy;
    if (this._owner !== null) this._owner.remove(this);
    if (this._watched) {
      this._watched = false;
      registry!.unregister(this);
    }
    stats.liveTensors--;
    if (tensorDebug.sites !== null) tensorDebug.sites.delete(this);
    this._storage.release();
  }

  /**
   * A new handle on the same memory that the user owns (no tidy or tape
   * frees it) and that no tape tracks: the way to carry a value out of a
   * step (a recurrent state, a running average). Writes through either
   * handle are seen by both.
   *
   * @example
   * let h = ag.zeros([1, 8]);
   * const tape = ag.diff(() => { const next = cell(x, h); h = next.detach(); return ag.sum(next); });
   */
  detach(): Tensor {
    return detach(this);
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

/**
 * @internal The first element as a number, read even through a handle whose
 * owner freed it: callers (a tape) hold its buffer.
 */
export function readItem(t: Tensor): number {
  return t.dtype === 'float32' ? heapF32()[t._ptr >>> 2] : heapF64()[t._ptr >>> 3];
}

/**
 * Tensors made from number arguments for one call (`add(x, 1)`), not yet
 * settled by that call: the primitive door frees or releases them after it,
 * and skips looking for them when there are none (the usual case).
 */
export const temporaries = { pending: 0 };

/** @internal Marks `t` as made for one call's arguments. */
export function markTemporary(t: Tensor): Tensor {
  t._temp = true;
  temporaries.pending++;
  return t;
}

/** Throws a DisposedError naming `op`, and what freed the tensor, if `t` was disposed. */
export function checkLive(t: Tensor, op: string): void {
  if (t._disposed) throw disposedError(t, op);
}

export function disposedError(t: Tensor, op: string): DisposedError {
  return new DisposedError(
    `${op}: tensor of shape ${shapeString(t.shape)} (${t.dtype}) was disposed (freed by ${t._freedBy ?? 'dispose()'}) ` +
      'and cannot be used; keep(t) or detach(t) a tensor that must outlive its tidy or tape',
  );
}

/** The byte size of a tensor of `shape` and `dtype`, checked against the largest block the allocator hands out. */
export function tensorBytes(op: string, shape: readonly number[], dtype: DType): number {
  const bytes = shapeSize(shape) * bytesPerElement(dtype);
  if (bytes > MAX_TENSOR_BYTES) {
    throw new OutOfMemoryError(
      `${op}: shape ${shapeString(shape)} of ${dtype} needs ${bytes} bytes; a single tensor holds at most ` +
        `${MAX_TENSOR_BYTES} bytes (${Math.floor(MAX_TENSOR_BYTES / bytesPerElement(dtype))} ${dtype} elements, ` +
        'the WebAssembly allocator\'s largest block)',
    );
  }
  return bytes;
}

/** @internal An uninitialised tensor, owned by the current scope (or the user). */
export function empty(shape: readonly number[], dtype: DType, op: string): Tensor {
  const bytes = tensorBytes(op, shape, dtype);
  const ptr = allocBytes(bytes, op);
  return new Tensor(new Storage(ptr, bytes), shape, dtype);
}

/** @internal A new handle on the same buffer (a zero-copy reshape or alias), owned by the current scope (or the user). */
export function alias(t: Tensor, shape: readonly number[]): Tensor {
  const end = t._ptr - t._storage.ptr + shapeSize(shape) * bytesPerElement(t.dtype);
  if (end > t._storage.bytes) {
    // Callers check shapes first; this guards the memory next to the buffer.
    throw new Error(`autograd-wasm internal error: a view of shape ${shapeString(shape)} does not fit its ${t._storage.bytes}-byte buffer`);
  }
  t._storage.retain();
  const view = new Tensor(t._storage, shape, t.dtype);
  view._ptr = t._ptr; // a view may start inside its buffer
  return view;
}

/**
 * A new handle on the memory of `t` that the user owns — no tidy or tape
 * frees it — and that no tape tracks (gradients stop here). Use it to carry
 * values out of a step: the hidden state of a recurrent model, a running
 * average. It keeps the memory alive as long as it lives; writes through
 * either handle are seen by both (and by the version checks of tapes).
 *
 * @example
 * let state = ag.zeros([8]);
 * for (const x of batches) {
 *   const tape = ag.diff(() => { const s = step(x, state); state = ag.detach(s); return loss(s); });
 *   // ... use tape, then drop it: state survives
 * }
 */
export function detach(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`detach: expected a Tensor, got ${describe(t)}`);
  checkLive(t, 'detach');
  const view = alias(t, t.shape);
  moveToUser(view);
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

function isOwned(value: object): value is Owned {
  return value instanceof Tensor || (typeof (value as Owned)._toUser === 'function' && '_owner' in value);
}

/**
 * The tensors and tapes in a returned value: itself, or inside arrays, plain
 * objects, Maps and Sets, at any depth (an explicit stack, not recursion, so
 * deep nesting cannot overflow the call stack).
 */
function collectReturned(value: unknown): Owned[] {
  const found: Owned[] = [];
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (isOwned(v)) {
      found.push(v);
      if (v instanceof Tensor) continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x);
    } else if (v instanceof Set) {
      for (const x of v) stack.push(x);
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return found;
}

/**
 * Runs `fn` and frees every tensor (and tape) it created except what it
 * returns — directly, or inside arrays, plain objects, Maps and Sets — and
 * what was passed to `keep`. What it returns survives whoever owned it
 * inside `fn` (a tape, a nested tidy) and belongs to the enclosing tidy, or
 * to you. Tensors it did not create are never freed. `fn` must be
 * synchronous.
 *
 * @example
 * const y = ag.tidy(() => {
 *   const t = ag.ones([3]).mul(2); // freed when tidy returns
 *   return t.add(1);               // returned: survives
 * });
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`tidy: expected a function, got ${describe(fn)}`);
  const scope = pushScope(new Scope('tidy'));
  let result: T;
  try {
    result = fn();
  } catch (error) {
    popScope(scope);
    endScope(scope.take(), scope.freedBy);
    throw error;
  }
  popScope(scope);
  try {
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      throw new ArgumentError(
        'tidy: fn returned a Promise; tidy frees memory when fn returns, so fn must be synchronous ' +
          '(await outside the tidy, or dispose tensors yourself in async code)',
      );
    }
    // Returned handles leave whatever owned them inside this tidy; those
    // owned outside it (by the user, an older tape) are not this tidy's to move.
    for (const item of collectReturned(result)) if (ownedWithin(item, scope)) moveToCurrent(item);
  } catch (error) {
    endScope(scope.take(), scope.freedBy);
    throw error;
  }
  endScope(scope.take(), scope.freedBy);
  return result;
}

/**
 * Takes `t` away from whatever owns it — a tidy, a tape (a gradient, a
 * value computed inside diff) — and gives it to you: nothing frees it but
 * `dispose()` or, once you drop it, the garbage collector.
 *
 * @example
 * let total!: ag.Tensor;
 * ag.tidy(() => { total = ag.keep(ag.ones([2]).mul(3)); });
 */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new ArgumentError(`keep: expected a Tensor, got ${describe(t)}`);
  checkLive(t, 'keep');
  moveToUser(t);
  return t;
}

export { contiguousStrides };
