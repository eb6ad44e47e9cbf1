// Deterministic ownership of WebAssembly memory, which the JavaScript
// collector cannot see.
//
// Storage: a block of wasm memory, reference counted by every handle that
// views it (aliases from value/reshape/detach/Param) and by every tape whose
// backward pass needs it. Its version counter is bumped by in-place writes
// through any view, so a tape sees writes through aliases too.
//
// Owners: every handle (tensor or tape) has exactly one owner at a time: a
// scope (a tidy, a tape, a backward pass, or the frame of one op call) or the
// user. What is created goes to the scope on top of the stack, or to the user
// when there is none. Ownership moves explicitly (tidy's return, keep, detach).
// Scopes end deterministically; user-owned handles, and tapes, are also
// watched by a FinalizationRegistry so that dropped ones are freed once the
// program yields.

import { kernels, memoryBytes } from './wasm/index';
import { OutOfMemoryError } from './errors';

// ---- storage ----

/**
 * The largest block the allocator hands out (TLSF's block limit in
 * AssemblyScript's runtime, measured: 2^30 - 4 bytes). A single tensor can
 * be at most this large; shapes are checked against it before allocating.
 */
export const MAX_TENSOR_BYTES = 2 ** 30 - 4;

/**
 * In-place writes are stamped from one counter: a tape notes the counter
 * when it records an op, and a buffer written after that (through any view)
 * has a later stamp. Nothing written since recording (the usual case) is one
 * comparison for a whole node.
 */
export const writes = { stamp: 0 };

/** A block of wasm memory shared by every handle that views it. */
export class Storage {
  refs = 1;
  /** In-place writes through any view of this block. */
  version = 0;
  /** The `writes.stamp` of the last in-place write. */
  writtenAt = 0;
  constructor(readonly ptr: number, readonly bytes: number) {}
  /** Call after writing into the block in place (axpy, optimizer steps). */
  markWritten(): void {
    this.version++;
    this.writtenAt = ++writes.stamp;
  }
  retain(): void {
    this.refs++;
  }
  release(): void {
    if (--this.refs === 0) freeBytes(this.ptr, this.bytes);
  }
}

// ---- owners ----

/** Something a scope can own: tensors and tapes. */
export interface Owned {
  /** Tapes: now owned (directly or through other tapes) by the user, so the collector may free it. */
  _becomeCollectable?(): void;
  _owner: Scope | null;
  /** Position in the owner's list (scopes are arrays, not Sets: cheap to make). */
  _slot: number;
  /** For tensors: their storage, which a tape's ledger releases if the tape is collected. */
  readonly _storage?: Storage;
  /** Frees the object, saying who freed it (for later DisposedErrors); a no-op when already freed. */
  dispose(freedBy?: string): void;
  /** Now owned by the user: watch it so that it is freed if the program drops it. */
  _toUser(): void;
}

/**
 * What a tape must give back if the program drops it: the storages of the
 * tensors it owns (parallel to its scope's slots) and those it holds for its
 * backward pass. It never references the tape or any handle, so the
 * FinalizationRegistry can hold it while the tape itself is collected.
 */
export class Ledger {
  owned: (Storage | null)[] = [];
  /** Kept only while the tape is collectable (a tape inside a tidy releases by walking its nodes). */
  held: Storage[] = [];
  /** Releases everything; called once, by the collector. */
  releaseAll(): void {
    for (const s of this.owned) {
      if (s === null) continue;
      stats.liveTensors--;
      s.release();
    }
    for (const s of this.held) s.release();
    this.owned.length = 0;
    this.held.length = 0;
  }
}

export type ScopeKind = 'tidy' | 'tape' | 'backward' | 'frame';

/** What a DisposedError says freed a tensor that a scope freed. */
const FREED_BY: Record<ScopeKind, string> = {
  tidy: 'the end of the tidy that owned it',
  tape: 'the disposal of the tape that owned it (tape.dispose(), or the end of a tidy holding the tape)',
  backward: 'the backward pass (a temporary of a gradient rule)',
  frame: 'a failed call that created it',
};

let serials = 0;

// The collector cannot see wasm memory, so memory dropped without dispose
// (user-owned tensors, tapes) would only be reclaimed when JavaScript
// garbage happens to trigger a collection: a loop that drops 1 MB of tensors
// per step reached 2 GB before one did. So objects the collector frees carry
// an ArrayBuffer "ballast" of about the wasm bytes they hold: engines count
// ArrayBuffer memory and collect when it grows (measured on Node 20: dropped
// objects holding 256 KB each stay below ~300 alive). Ballast is handed out
// in chunks, so small tensors pay nothing per call.
const BALLAST_CHUNK = 256 * 1024;
const pressure = { pending: 0 };

/** @internal Counts bytes that only the collector will free; returns a ballast buffer when a chunk is due. */
export function collectableBytes(bytes: number): ArrayBuffer | null {
  pressure.pending += bytes;
  if (pressure.pending < BALLAST_CHUNK) return null;
  const ballast = new ArrayBuffer(pressure.pending);
  pressure.pending = 0;
  return ballast;
}

/**
 * What a tidy, a tape, a backward pass or one op call owns. Rule temporaries
 * use marks on one backward scope rather than a scope each, so this is a
 * plain array with O(1) removal by slot.
 */
export class Scope {
  // Entries past `size` are stale; keeping them avoids resizing the array.
  private list: (Owned | null)[] = [];
  private size = 0;
  /** Creation order: a scope made after another, while that one is open, lives inside it. */
  readonly serial = ++serials;
  /**
   * Tape scopes only: whatever the tape is (an object kept alive as long as
   * any handle it owns is reachable, so a collected tape never frees a
   * tensor the program still holds), and its ledger.
   */
  holder: object | null = null;
  ledger: Ledger | null = null;
  /**
   * Tape scopes of tapes the user owns (the collector may free them): what
   * they own is counted for ballast (see collectableBytes). A tape inside a
   * tidy or another tape is freed deterministically and needs none.
   */
  collectable = false;
  ballast: ArrayBuffer[] | null = null;

  constructor(readonly kind: ScopeKind) {}

  add(item: Owned): void {
    item._owner = this;
    item._slot = this.size;
    this.list[this.size] = item;
    if (this.collectable) {
      // Only a tape the collector may free needs its ledger kept up to date.
      const storage = item._storage ?? null;
      this.ledger!.owned[this.size] = storage;
      if (storage !== null) this.addBallast(storage.bytes);
      if (item._becomeCollectable !== undefined) item._becomeCollectable();
    }
    this.size++;
  }

  /** Counts `bytes` the collector alone may free, keeping the ballast that makes engines notice them. */
  addBallast(bytes: number): void {
    const b = collectableBytes(bytes);
    if (b !== null) (this.ballast ??= []).push(b);
  }

  /**
   * Tape scopes: the tape now belongs to the user (or to a tape the user
   * owns); what it owns becomes the collector's to free, tapes included.
   */
  becomeCollectable(): void {
    if (this.collectable) return;
    this.collectable = true;
    const owned = this.ledger!.owned;
    let bytes = 0;
    for (let i = 0; i < this.size; i++) {
      const item = this.list[i];
      const storage = item?._storage ?? null;
      owned[i] = storage;
      if (storage !== null) bytes += storage.bytes;
      item?._becomeCollectable?.();
    }
    this.addBallast(bytes);
  }

  remove(item: Owned): void {
    if (item._owner !== this) return;
    this.list[item._slot] = null;
    if (this.collectable) this.ledger!.owned[item._slot] = null;
    item._owner = null;
  }

  /**
   * The scope's only item, now owned by nobody, with the scope left empty;
   * or null (and nothing changed) when it holds none or several. The common
   * end of an op's frame, without building a list.
   */
  takeSole(): Owned | null {
    if (this.size !== 1) return null;
    const item = this.list[0];
    if (item === null) return null;
    this.list[0] = null;
    this.size = 0;
    if (this.collectable) this.ledger!.owned.length = 0;
    item._owner = null;
    return item;
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
    if (this.collectable) this.ledger!.owned.length = mark;
    return out;
  }

  /** Everything the scope owns, now owned by nobody; the scope is left empty. */
  take(): Owned[] {
    return this.takeFrom(0);
  }

  get freedBy(): string {
    return FREED_BY[this.kind];
  }
}

const scopes: Scope[] = [];

export function currentScope(): Scope | null {
  return scopes.length === 0 ? null : scopes[scopes.length - 1];
}

export function pushScope(scope: Scope): Scope {
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

/** Whether `item`'s owner is `scope` or a scope opened after it (inside it). */
export function ownedWithin(item: Owned, scope: Scope): boolean {
  return item._owner !== null && item._owner.serial >= scope.serial;
}

/** Gives a new or moving item to the scope on top of the stack, or to the user. */
export function adopt(item: Owned): void {
  const scope = currentScope();
  if (scope !== null) scope.add(item);
  else item._toUser();
}

/** Moves an item from whatever owns it to the scope on top of the stack, or to the user. */
export function moveToCurrent(item: Owned): void {
  if (item._owner !== null) item._owner.remove(item);
  adopt(item);
}

/** Moves an item from whatever owns it to the user. */
export function moveToUser(item: Owned): void {
  if (item._owner !== null) item._owner.remove(item);
  item._toUser();
}

// Whether a tape that is recording now will read `item` in its backward
// pass (then the end of a scope hands it on instead of freeing it). Set by
// core/, which knows what a tape is; `recordingNow.active` says whether any
// tape records at all, so that scopes end without asking when none does.
let neededWhileRecording: (item: Owned) => boolean = () => false;
export const recordingNow = { active: false };
export function setNeededWhileRecording(fn: (item: Owned) => boolean): void {
  neededWhileRecording = fn;
}

/**
 * The end of a scope (or a stretch of one): each item is spared (moves to
 * the scope now on top of the stack, or the user), when `spare` says so or a
 * recording tape needs it, or else freed.
 */
export function endScope(items: Owned[], freedBy: string, spare?: (item: Owned) => boolean): void {
  if (spare === undefined && !recordingNow.active) {
    for (let i = 0; i < items.length; i++) items[i].dispose(freedBy);
    return;
  }
  for (const item of items) {
    if ((spare !== undefined && spare(item)) || neededWhileRecording(item)) adopt(item);
    else item.dispose(freedBy);
  }
}

/** Frees everything in `items`, each with `freedBy` as the reason. */
export function disposeAll(items: Owned[], freedBy: string): void {
  for (const item of items) item.dispose(freedBy);
}

// ---- raw allocation and accounting ----

export interface MemoryInfo {
  /** Tensor handles not yet disposed (user-owned and scope-owned). */
  liveTensors: number;
  /** Tapes not yet disposed (or collected). */
  liveTapes: number;
  /** Bytes held by live buffers (a buffer shared by several handles counts once). */
  bytesInUse: number;
  /** The largest `bytesInUse` seen since load (or the last `resetPeak`). */
  peakBytes: number;
  /** Size of the WebAssembly memory, which only ever grows. */
  wasmBytes: number;
  /** Buffers allocated and not yet freed. */
  buffers: number;
}

export const stats = { liveTensors: 0, liveTapes: 0, bytesInUse: 0, peakBytes: 0, buffers: 0 };

// A test hook: when `failAt` reaches 0, that allocation throws as if memory
// were exhausted. Tests sweep it over every allocation of a call to check
// that failing anywhere leaves nothing behind.
const injected = { countdown: -1, allocations: 0 };
/** @internal Makes the n-th allocation from now (1-based) fail; 0 turns it off. */
export function failAllocationAfter(n: number): void {
  injected.countdown = n > 0 ? n : -1;
}
/** @internal How many allocations were made since load (to size a failure sweep). */
export function allocationCount(): number {
  return injected.allocations;
}

/** Allocates `bytes` in wasm memory or throws an OutOfMemoryError saying how much was asked and held. */
export function allocBytes(bytes: number, op: string): number {
  const k = kernels();
  let ptr: number;
  injected.allocations++;
  try {
    if (injected.countdown > 0 && --injected.countdown === 0) {
      injected.countdown = -1;
      throw new Error('injected allocation failure (test hook)');
    }
    if (bytes > MAX_TENSOR_BYTES) throw new Error(`a single block holds at most ${MAX_TENSOR_BYTES} bytes`);
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
    liveTapes: stats.liveTapes,
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
