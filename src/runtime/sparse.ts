// Sparse gradients (AutoGrad.jl's `Sparse`): the gradient of picking rows of
// a table (gather along axis 0, embedding, indexing rows) is zero but for the
// rows picked, so the tape keeps it as those rows and their indices until
// something needs it dense. Two of them add up by joining their lists; an
// optimizer updates only the rows listed.

import { Tensor, alias, checkLive, empty } from './tensor';
import { castInto, fillWith } from './create';
import { heapI32, kernelFor } from '../wasm/index';
import { allocBytes, freeBytes } from './storage';
import { sameShape, shapeSize, shapeString } from './shape';
import { ArgumentError, DTypeError, ShapeError, describe } from './errors';
import type { DType } from './dtype';

/**
 * A gradient that is zero but for some rows of axis 0: `values[k]` is the
 * gradient of row `indices[k]` of a tensor of `shape`. Indices may repeat
 * (a row picked twice): their values add up. `toDense()` makes the plain
 * tensor. The tape that made it owns `values`, as it owns dense gradients.
 *
 * @example
 * const table = ag.Param(ag.zeros([50000, 64]));
 * const tape = ag.diff(() => ag.sum(ag.embedding(table, [3, 7, 3])));
 * const g = ag.grad(tape, table, { sparse: true }) as ag.SparseGradient;
 * g.indices;       // Int32Array [3, 7, 3]
 * g.values.shape;  // [3, 64]
 */
export class SparseGradient {
  constructor(
    /** The shape of the dense gradient: the table's. */
    readonly shape: readonly number[],
    /** The row of each entry of `values`, in [0, shape[0]); may repeat. */
    readonly indices: Int32Array,
    /** One row per index: shape [indices.length, ...shape.slice(1)]. */
    readonly values: Tensor,
  ) {
    // Optimizers write rows by these indices: one out of range, or values of
    // another shape, would write into whatever tensor lies next in memory.
    const op = 'SparseGradient';
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ArgumentError(`${op}: shape must be a non-empty array of non-negative integers, got ${describe(shape)}`);
    }
    if (!(indices instanceof Int32Array)) throw new ArgumentError(`${op}: indices must be an Int32Array, got ${describe(indices)}`);
    if (!(values instanceof Tensor)) throw new ArgumentError(`${op}: values must be a Tensor, got ${describe(values)}`);
    checkLive(values, op);
    if (values.dtype !== 'float32' && values.dtype !== 'float64') throw new DTypeError(`${op}: values must be float32 or float64, got ${values.dtype}`);
    const rows = shape[0];
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (i < 0 || i >= rows) throw new ArgumentError(`${op}: index ${i} (entry ${k}) is out of range for ${rows} rows; indices must be in [0, ${rows})`);
    }
    const expected = [indices.length, ...shape.slice(1)];
    if (!sameShape(values.shape, expected)) {
      throw new ShapeError(`${op}: values must have shape ${shapeString(expected)} (one row per index), got ${shapeString(values.shape)}`);
    }
  }

  get dtype(): DType {
    return this.values.dtype;
  }

  /** The elements of one row (the product of shape[1:]). */
  get rowSize(): number {
    return shapeSize(this.shape) / Math.max(this.shape[0], 1);
  }

  /** The dense gradient: zeros, with the rows added in (a new tensor, owned like any new tensor). */
  toDense(): Tensor {
    checkLive(this.values, 'SparseGradient.toDense');
    const out = empty(this.shape, this.values.dtype, 'SparseGradient.toDense');
    try {
      fillWith(out, 0);
      addRows(out, this);
    } catch (error) {
      out.dispose();
      throw error;
    }
    return out;
  }
}

type ScatterKernel = (src: number, idx: number, out: number, outer: number, n: number, inner: number, m: number) => void;

/** out (dense, the sparse gradient's shape) += the rows of `s`, in place. */
export function addRows(out: Tensor, s: SparseGradient): void {
  const m = s.indices.length;
  if (m === 0 || out.size === 0) return;
  const bytes = m * 4;
  const ptr = allocBytes(bytes, 'SparseGradient');
  try {
    heapI32().set(s.indices, ptr >>> 2);
    kernelFor<ScatterKernel>('scatter_add', out.dtype)(s.values._ptr, ptr, out._ptr, 1, s.shape[0], s.rowSize, m);
  } finally {
    freeBytes(ptr, bytes);
  }
}

/** A new dense tensor: `dense + s`. */
export function addSparse(dense: Tensor, s: SparseGradient): Tensor {
  const out = empty(dense.shape, dense.dtype, 'SparseGradient');
  try {
    castInto(dense, out);
    addRows(out, s);
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/**
 * The gradient of picking rows `indices` of a tensor of `shape`, given dy
 * (one row per index, in any shape of the same size): those rows, as a view
 * of dy. Made by the library's rules while nothing records.
 */
export function pickedRows(shape: readonly number[], indices: Int32Array, dy: Tensor): SparseGradient {
  return new SparseGradient(shape, indices, alias(dy, [indices.length, ...shape.slice(1)]));
}
