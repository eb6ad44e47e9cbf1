// The one walk over strided, broadcast arrays, shared by every kernel that
// takes a shape and per-operand strides (binary ops and comparisons, where,
// strided copies and slices, batched matmul).
//
// The front end collapses shapes first (merging axes that are contiguous in
// every operand), so a kernel sees `ndim` axes and, per operand, element
// strides (0 along broadcast axes, negative for flips). Kernels treat the
// last axis as a row, walked by their own loop (SIMD where the strides
// allow), and this walker visits the rows: every multi-index of the axes
// before it, odometer order, keeping each operand's element offset of the
// row start. Up to three strided operands; the output is contiguous and
// advances by a row at a time in the kernel. Kernels are not reentrant, so
// the walk's state lives in globals and a multi-index block: static memory
// on the main thread, a block of the worker's own in each worker
// (assembly/threads.ts), since workers share the memory but not globals.

// The front end collapses shapes before calling, so kernels rarely see more
// than a few axes; this bounds the static multi-index.
export const STRIDED_MAX_RANK: i32 = 32;

export const STRIDED_INDEX_BYTES: i32 = STRIDED_MAX_RANK * 4;
let INDEX: usize = memory.data(STRIDED_INDEX_BYTES);

/** Gives this instance (a worker's) its own multi-index block. */
export function setStridedIndex(block: usize): void {
  INDEX = block;
}

/** Element offsets of the current row's start, per operand. */
export let offA: i32 = 0;
export let offB: i32 = 0;
export let offC: i32 = 0;

/** Length of the last axis (a row); 1 for a 0-d array. */
@inline export function rowLength(ndim: i32, shape: usize): i32 {
  return ndim > 0 ? load<i32>(shape + (<usize>(ndim - 1) << 2)) : 1;
}

/** An operand's stride along the row. */
@inline export function rowStride(ndim: i32, strides: usize): i32 {
  return ndim > 0 ? load<i32>(strides + (<usize>(ndim - 1) << 2)) : 0;
}

/**
 * Starts a walk over the first `axes` axes of `shape` (all offsets 0) and
 * returns the number of positions: the product of those axes, 1 for none.
 */
export function walk(axes: i32, shape: usize): i32 {
  let count = 1;
  for (let d = 0; d < axes; d++) {
    count *= load<i32>(shape + (<usize>d << 2));
    store<i32>(INDEX + (<usize>d << 2), 0);
  }
  offA = 0;
  offB = 0;
  offC = 0;
  return count;
}

/** Starts a walk over the rows of `shape` and returns their number (0 if rows are empty). */
@inline export function walkRows(ndim: i32, shape: usize): i32 {
  return rowLength(ndim, shape) == 0 ? 0 : walk(ndim - 1, shape);
}

/**
 * Steps the multi-index over the first `axes` axes by one, carrying
 * leftwards, and the offsets of the first `operands` operands (a constant:
 * 1, 2 or 3) by their strides. Inlined: a call in a kernel's row loop costs
 * more than the walk itself on short rows.
 */
@inline export function step(
  axes: i32, shape: usize, operands: i32, stridesA: usize, stridesB: usize = 0, stridesC: usize = 0,
): void {
  for (let d = axes - 1; d >= 0; d--) {
    const at = <usize>d << 2;
    const k = load<i32>(INDEX + at) + 1;
    if (k < load<i32>(shape + at)) {
      store<i32>(INDEX + at, k);
      offA += load<i32>(stridesA + at);
      if (operands > 1) offB += load<i32>(stridesB + at);
      if (operands > 2) offC += load<i32>(stridesC + at);
      return;
    }
    store<i32>(INDEX + at, 0);
    offA -= load<i32>(stridesA + at) * (k - 1);
    if (operands > 1) offB -= load<i32>(stridesB + at) * (k - 1);
    if (operands > 2) offC -= load<i32>(stridesC + at) * (k - 1);
  }
}
