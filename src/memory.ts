// Deterministic ownership of WebAssembly memory. The JavaScript collector
// cannot see wasm memory and FinalizationRegistry callbacks never run inside
// a synchronous training loop, so every tensor created inside a scope (a
// `tidy`, or the tape of a `diff`) is owned by that scope and freed with it.
// Tensors created outside any scope belong to the user: `dispose()` frees
// them, and a FinalizationRegistry frees the ones that were simply dropped.

import { kernels, memoryBytes } from './wasm/index';
import { OutOfMemoryError } from './errors';

/** Something a scope can own: tensors and tapes. */
export interface Owned {
  _owner: Scope | null;
  /** Position in the owner's list (scopes are arrays, not Sets: cheap to make). */
  _slot: number;
  /** Frees the object; a no-op when already freed. */
  dispose(): void;
}

/**
 * What a tidy, a tape or a gradient rule owns. One is made per rule call in
 * the backward pass, so it is a plain array with O(1) removal by slot.
 */
export class Scope {
  // Entries past `size` are stale; keeping them avoids resizing the array.
  private list: (Owned | null)[] = [];
  private size = 0;
  constructor(readonly kind: 'tidy' | 'tape' | 'backward') {}

  add(item: Owned): void {
    item._owner = this;
    item._slot = this.size;
    this.list[this.size++] = item;
  }

  remove(item: Owned): void {
    if (item._owner !== this) return;
    this.list[item._slot] = null;
    item._owner = null;
  }

  /** Everything the scope owns, now owned by nobody; the scope is left empty. */
  take(): Owned[] {
    return this.takeFrom(0);
  }

  /** A position to come back to with `takeFrom` (a stack mark). */
  mark(): number {
    return this.size;
  }

  /** What was added since `mark`, now owned by nobody, removed from the scope. */
  takeFrom(mark: number): Owned[] {
    const out: Owned[] = [];
    const list = this.list;
    for (let i = mark; i < this.size; i++) {
      const item = list[i];
      if (item !== null) {
        item._owner = null;
        out.push(item);
      }
      list[i] = null;
    }
    this.size = mark;
    return out;
  }

  /** Frees everything the scope still owns. */
  disposeAll(): void {
    for (const item of this.take()) item.dispose();
  }
}

const scopes: Scope[] = [];

export function currentScope(): Scope | null {
  return scopes.length === 0 ? null : scopes[scopes.length - 1];
}

export function pushScope(kind: Scope['kind']): Scope {
  const scope = new Scope(kind);
  scopes.push(scope);
  return scope;
}

export function popScope(scope: Scope): void {
  const top = scopes.pop();
  if (top !== scope) {
    // Only reachable through a bug in this library: scopes nest like calls.
    throw new Error('autograd-wasm internal error: scopes popped out of order');
  }
}

/** Moves an item to the scope now on top of the stack, or to the user. */
export function handToCurrentScope(item: Owned): void {
  if (item._owner !== null) item._owner.remove(item);
  const scope = currentScope();
  if (scope !== null) scope.add(item);
  else releaseToUser(item);
}

/**
 * The end of a scope (or of a rule's stretch of one): each item either
 * survives, moving to the scope now on top of the stack, or is freed.
 */
export function release(items: Owned[], survives: (item: Owned) => boolean): void {
  for (const item of items) {
    if (survives(item)) handToCurrentScope(item);
    else item.dispose();
  }
}

// Tensors (and tapes) owned by the user are watched by a FinalizationRegistry
// so memory is returned when they are garbage collected without dispose().
let userRelease: ((item: Owned) => void) | null = null;
export function setUserRelease(fn: (item: Owned) => void): void {
  userRelease = fn;
}
function releaseToUser(item: Owned): void {
  if (userRelease !== null) userRelease(item);
}

// ---- raw allocation and accounting ----

export interface MemoryInfo {
  /** Tensor handles not yet disposed (user-owned and scope-owned). */
  liveTensors: number;
  /** Bytes held by live tensor buffers. */
  bytesInUse: number;
  /** The largest `bytesInUse` seen since load (or the last `resetPeak`). */
  peakBytes: number;
  /** Size of the WebAssembly memory, which only ever grows. */
  wasmBytes: number;
  /** Buffers shared by several handles (reshapes, Params of a tensor) count once. */
  buffers: number;
}

export const stats = { liveTensors: 0, bytesInUse: 0, peakBytes: 0, buffers: 0 };


/** Allocates `bytes` in wasm memory or throws an OutOfMemoryError saying how much was asked and held. */
export function allocBytes(bytes: number, op: string): number {
  const k = kernels();
  let ptr: number;
  // Pointers are 32-bit: a larger request cannot be passed to the allocator.
  const cause = bytes > 0xffffff00 ? 'more than the 4 GiB a wasm32 memory can address' : null;
  try {
    if (cause !== null) throw new Error(cause);
    // TLSF traps (unreachable) when memory cannot grow; it has changed no
    // state by then, so the allocator stays usable after the error.
    ptr = k.alloc(bytes === 0 ? 8 : bytes);
  } catch (error) {
    throw new OutOfMemoryError(
      `${op}: out of WebAssembly memory allocating ${bytes} bytes ` +
        `(${stats.bytesInUse} bytes in use by ${stats.liveTensors} tensors, memory is ${memoryBytes()} bytes): ` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
  }
  stats.bytesInUse += bytes;
  stats.buffers++;
  if (stats.bytesInUse > stats.peakBytes) stats.peakBytes = stats.bytesInUse;
  return ptr;
}

export function freeBytes(ptr: number, bytes: number): void {
  kernels().free(ptr);
  stats.bytesInUse -= bytes;
  stats.buffers--;
}

/**
 * What the library holds in WebAssembly memory right now.
 *
 * @example
 * const before = ag.memory().liveTensors;
 * ag.tidy(() => ag.ones([1000]).mul(2));
 * ag.memory().liveTensors === before; // true
 */
export function memory(): MemoryInfo {
  return {
    liveTensors: stats.liveTensors,
    bytesInUse: stats.bytesInUse,
    peakBytes: stats.peakBytes,
    wasmBytes: memoryBytes(),
    buffers: stats.buffers,
  };
}

/** Starts peak tracking afresh from the bytes in use now. */
export function resetPeak(): void {
  stats.peakBytes = stats.bytesInUse;
}

// Small int32 arrays (shapes, strides) passed to kernels live in one block
// allocated once, never in per-call allocations.
const SCRATCH_INTS = 4 * 64;
let scratchPtr = 0;
export function scratchInts(): number {
  if (scratchPtr === 0) {
    scratchPtr = kernels().alloc(SCRATCH_INTS * 4);
  }
  return scratchPtr;
}
