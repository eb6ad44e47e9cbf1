// Tensor: a handle (pointer, shape, dtype) on a Storage in WebAssembly
// memory, and its lifecycle. Data never lives in JavaScript arrays; reading
// it copies out.

import { MAX_TENSOR_BYTES, Storage, allocBytes, stats, collectableBytes, returnBallast } from './storage';
import { adopt, moveToUser, type Scope } from './scope';
import { bytesPerElement, type DType } from './dtype';
import { heapF32, heapF64, heapI32, heapU8 } from '../wasm/index';
import { ArgumentError, DisposedError, OutOfMemoryError, ShapeError, describe } from './errors';
import { shapeSize, shapeString } from './shape';
import { formatTensor, inspectTensor } from './format';
import { brand } from './copy';
import type { TensorMethods } from '../ops/methods';

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
 * An n-dimensional array of float32, float64, int32 or bool elements in
 * WebAssembly memory. Create one with `tensor`, `zeros`, `rand`...; ops
 * return new tensors.
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
  /**
   * The size of each axis. Read-only, and shared: tensors of the same shape
   * may hold the very same array, so writing into it (from JavaScript, past
   * the `readonly` type) would change other tensors too. Copy it to edit:
   * `[...x.shape]`.
   */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal */ _owner: Scope | null = null;
  /** @internal */ _slot = -1;
  /** @internal */ _disposed = false;
  /** @internal what freed it, for the DisposedError of a later use */ _freedBy: string | null = null;
  /** @internal registered with the FinalizationRegistry */ _watched = false;
  /** @internal what makes the collector notice this tensor's wasm memory (memory.ts) */ _ballast: ArrayBuffer[] | null = null;
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
      if (this._ballast !== null) {
        returnBallast(this._ballast);
        this._ballast = null;
      }
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

  /**
   * A copy of the data as a flat typed array: Float32Array, Float64Array,
   * Int32Array, or Uint8Array of 0s and 1s for bool.
   */
  data(): TensorArray {
    return this.read('data');
  }

  private read(op: string): TensorArray {
    checkLive(this, op);
    const ptr = this._ptr;
    switch (this.dtype) {
      case 'float32':
        return heapF32().slice(ptr >>> 2, (ptr >>> 2) + this.size);
      case 'float64':
        return heapF64().slice(ptr >>> 3, (ptr >>> 3) + this.size);
      case 'int32':
        return heapI32().slice(ptr >>> 2, (ptr >>> 2) + this.size);
      case 'bool':
        return heapU8().slice(ptr, ptr + this.size);
    }
  }

  /** The data as nested arrays of numbers (a number for a 0-d tensor; bool as 0 and 1). */
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

  /** The single value of a one-element tensor, as a number (bool as 0 or 1). */
  item(): number {
    checkLive(this, 'item');
    if (this.size !== 1) {
      throw new ShapeError(`item: expected a tensor with one element, got shape ${shapeString(this.shape)} (${this.size} elements)`);
    }
    return readItem(this);
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
// JavaScript arithmetic and comparisons on a Tensor (`loss * 2`, `x > 0`)
// would silently give NaN or false; they throw instead, saying what to use.
// Strings (`'loss ' + t`, templates) still format the tensor.
Object.defineProperty(Tensor.prototype, Symbol.toPrimitive, {
  value: function (this: Tensor, hint: 'number' | 'string' | 'default') {
    if (hint !== 'number') return formatTensor(this);
    throw new ArgumentError(
      `a ${this.dtype} Tensor of shape ${shapeString(this.shape)} was used as a JavaScript number (arithmetic or a comparison); ` +
        'use ops (ag.mul, ag.greater...) to stay differentiable, or .item() for a 1-element tensor\'s number',
    );
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

// The methods that mirror the ops (`x.exp()` for `exp(x)`), typed from the
// ops' own declarations and installed by ops/methods.ts: the floor only
// names their type, so that one declaration of Tensor carries them all.
export interface Tensor extends TensorMethods {
  /** Iterates over the first axis (`unstack(x, 0)`), so `for (const row of x)` works. */
  [Symbol.iterator](): Iterator<Tensor>;
}

export type NestedArray = number | NestedArray[];

/** What `data()` copies out, by dtype: float32, float64, int32, bool (0s and 1s). */
export type TensorArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * @internal Debug mode: where each live tensor was created. Holds the
 * tensors strongly (so it is opt-in, for finding leaks).
 */
export const tensorDebug: { sites: Map<Tensor, string> | null } = { sites: null };

/** The first stack frame outside this library: the user's line that created a tensor. */
function creationSite(): string {
  // The library's own frames (an op through a Tensor method, grad's backward
  // pass) can outnumber V8's default 10: look deeper while tracking.
  const E = Error as { stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = 64;
  const stack = new Error().stack ?? '';
  E.stackTraceLimit = limit;
  const lines = stack.split('\n').slice(1).map((l) => l.trim());
  const first = lines[0] ?? '';
  const path = /\(?((?:file:\/\/)?[^()]*?):\d+:\d+\)?$/.exec(first)?.[1] ?? '';
  const cut = path.lastIndexOf('/src/');
  const library = cut >= 0 ? path.slice(0, cut + 5) : path;
  const user = lines.find((l) => library === '' || !l.includes(library));
  return user === undefined ? 'unknown' : user.replace(/^at /, '');
}


/** A tensor, or a JavaScript number standing for a 0-d tensor. */
export type TensorLike = Tensor | number;

/**
 * @internal The first element as a number, read even through a handle whose
 * owner freed it: callers (a tape) hold its buffer.
 */
export function readItem(t: Tensor): number {
  switch (t.dtype) {
    case 'float32':
      return heapF32()[t._ptr >>> 2];
    case 'float64':
      return heapF64()[t._ptr >>> 3];
    case 'int32':
      return heapI32()[t._ptr >>> 2];
    case 'bool':
      return heapU8()[t._ptr];
  }
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

