// Per-thread state for the worker pool (src/wasm/pool.ts). Every worker
// instantiates this module on the main thread's shared memory: globals are
// the instance's own, memory is everyone's. So the few kernels that keep
// scratch in static memory (matmul's packing blocks, the strided walk's
// multi-index) get a block of the worker's own, allocated by the main
// thread, before the worker runs anything.

import { MATMUL_SCRATCH_BYTES, setMatmulScratch } from "./gemm";
import { STRIDED_INDEX_BYTES, setStridedIndex } from "./strided";

/** Bytes of a worker's scratch block (its start must be 64-byte aligned). */
export function thread_scratch_bytes(): i32 {
  return MATMUL_SCRATCH_BYTES + STRIDED_INDEX_BYTES;
}

/** Points this instance's scratch at `block` (thread_scratch_bytes() bytes). */
export function thread_init(block: usize): void {
  setMatmulScratch(block);
  setStridedIndex(block + <usize>MATMUL_SCRATCH_BYTES);
}
