// The floor's memory: blocks of WebAssembly memory (Storage), reference
// counted by every handle that views them and by every tape that needs them,
// the raw allocator calls with their accounting, memory(), and the "ballast"
// that lets the garbage collector notice memory only it will free.

import { kernels, maximumSource, memoryBytes, memoryMaximumBytes } from '../wasm/index';
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


// The collector cannot see wasm memory, so memory dropped without dispose
// (user-owned tensors, tapes) would only be reclaimed when JavaScript
// garbage happens to trigger a collection: a loop that drops 1 MB of tensors
// per step reached 2 GB before one did. So objects the collector frees carry
// an ArrayBuffer "ballast" of about the wasm bytes they hold: engines count
// ArrayBuffer memory and collect when it grows (measured on Node 20: dropped
// objects holding 256 KB each stay below ~300 alive). Ballast is handed out
// in chunks, so small tensors pay nothing per call. Chunks of what is freed
// by hand (dispose, a tape's dispose) are used again: fresh ballast per call
// made `add(x, y).dispose()` on 1M floats 3x slower (each 4 MB of it counted
// as new external memory, so the engine kept collecting), while its wasm
// memory was freed at once and needed none.
const BALLAST_CHUNK = 256 * 1024;
const SPARE_CHUNKS = 64;
const pressure = { pending: 0 };
const spare: ArrayBuffer[] = [];

/** @internal Counts bytes that only the collector will free; returns ballast chunks when some are due. */
export function collectableBytes(bytes: number): ArrayBuffer[] | null {
  pressure.pending += bytes;
  if (pressure.pending < BALLAST_CHUNK) return null;
  const n = Math.floor(pressure.pending / BALLAST_CHUNK);
  pressure.pending -= n * BALLAST_CHUNK;
  const chunks: ArrayBuffer[] = [];
  for (let i = 0; i < n; i++) chunks.push(spare.pop() ?? new ArrayBuffer(BALLAST_CHUNK));
  return chunks;
}

/** @internal The ballast of something freed by hand, for the next collectable object. */
export function returnBallast(chunks: readonly ArrayBuffer[]): void {
  for (let i = 0; i < chunks.length && spare.length < SPARE_CHUNKS; i++) spare.push(chunks[i]);
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

// Small blocks (scalars, short vectors: most tensors of a scalar program)
// are recycled here on the JavaScript side, by size class of 16 bytes,
// instead of a call into the wasm allocator for each alloc and free (which
// measured about a tenth of a small op's time). A class holds at most
// POOL_DEPTH blocks; the pools are emptied back into the allocator before
// an allocation could fail for lack of memory.
const POOL_MAX_BYTES = 256;
const POOL_DEPTH = 1024;
const pools: number[][] = Array.from({ length: POOL_MAX_BYTES / 16 + 1 }, () => []);
let pooledBlocks = 0;

function poolClass(bytes: number): number {
  return bytes <= 16 ? 1 : (bytes + 15) >>> 4;
}

function drainPools(): void {
  const k = kernels();
  for (const pool of pools) {
    for (const ptr of pool) k.free(ptr);
    pool.length = 0;
  }
  pooledBlocks = 0;
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
    if (bytes <= POOL_MAX_BYTES) {
      const cls = poolClass(bytes);
      const pool = pools[cls];
      if (pool.length > 0) {
        pooledBlocks--;
        ptr = pool.pop()!;
      } else {
        ptr = allocOrDrain(k, cls << 4);
      }
    } else {
      if (bytes > MAX_TENSOR_BYTES) throw new Error(`a single block holds at most ${MAX_TENSOR_BYTES} bytes`);
      ptr = allocOrDrain(k, bytes);
    }
  } catch (error) {
    throw outOfMemory(op, bytes, error);
  }
  stats.bytesInUse += bytes;
  stats.buffers++;
  if (stats.bytesInUse > stats.peakBytes) stats.peakBytes = stats.bytesInUse;
  return ptr;
}

function outOfMemory(op: string, bytes: number, error: unknown): OutOfMemoryError {
  // The allocator's trap says only "unreachable": say what limit was hit.
  const reason = error instanceof WebAssembly.RuntimeError
    ? `memory cannot grow beyond ${memoryMaximumBytes()} bytes (${maximumSource()})`
    : error instanceof Error ? error.message : String(error);
  return new OutOfMemoryError(
    `${op}: out of WebAssembly memory allocating ${bytes} bytes ` +
      `(${stats.bytesInUse} bytes in use by ${stats.liveTensors} tensors, memory is ${memoryBytes()} bytes): ${reason}`,
  );
}

/**
 * A block for the library's own use for as long as it runs (kernel scratch
 * space): not a tensor's, so not counted in memory(), but failing like one.
 */
export function allocStatic(bytes: number, what: string): number {
  try {
    return allocOrDrain(kernels(), bytes);
  } catch (error) {
    throw outOfMemory(what, bytes, error);
  }
}

// TLSF traps (unreachable) when memory cannot grow; it has changed no state
// by then, so the allocator stays usable after the error. Blocks waiting in
// the pools go back to it first.
function allocOrDrain(k: ReturnType<typeof kernels>, bytes: number): number {
  try {
    return k.alloc(bytes);
  } catch (error) {
    if (pooledBlocks === 0) throw error;
    drainPools();
    return k.alloc(bytes);
  }
}

export function freeBytes(ptr: number, bytes: number): void {
  if (bytes <= POOL_MAX_BYTES) {
    const pool = pools[poolClass(bytes)];
    if (pool.length < POOL_DEPTH) {
      pool.push(ptr);
      pooledBlocks++;
    } else {
      kernels().free(ptr);
    }
  } else {
    kernels().free(ptr);
  }
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
    scratchPtr = allocStatic(SCRATCH_INTS * 4, 'kernel scratch space');
  }
  return scratchPtr;
}
