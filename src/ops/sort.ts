// Sorting along an axis: sort and topk (values differentiable, indices
// int32), argsort (int32), and the gather and
// scatter-add along an axis by index lines that carry its gradient (each the
// other's adjoint, so gradients of any order work). The sort itself is a
// stable merge sort (assembly/sort.ts): ties keep their order, NaN sorts
// last (first when descending).

import { empty, type Tensor } from '../runtime/tensor';
import { castCopy, tensor } from '../runtime/create';
import { isFloat } from '../runtime/dtype';
import { heapI32, kernelFor } from '../wasm/index';
import { allocBytes, freeBytes } from '../runtime/storage';
import { ArgumentError, ShapeError, describe } from '../runtime/errors';
import { normalizeAxis, shapeSize, shapeString } from '../runtime/shape';
import { checkAnyTensor, checkTensor } from './args';
import { compose, custom, op } from './define';
import { withInts } from './kernels';

/** Index lines along `axis`: positions in [0, n) of the source axis, shaped like the result. */
export interface AxisIndex {
  readonly data: Int32Array;
  readonly shape: readonly number[];
}

function around(shape: readonly number[], axis: number): [number, number, number] {
  return [shapeSize(shape.slice(0, axis)), shape[axis], shapeSize(shape.slice(axis + 1))];
}

/** The stable sorting permutation of every line of x along `axis`. */
function sortPermutation(op: string, x: Tensor, axis: number, descending: boolean): AxisIndex {
  const [outer, n, inner] = around(x.shape, axis);
  const data = new Int32Array(x.size);
  if (x.size === 0) return { data, shape: x.shape.slice() };
  const permBytes = x.size * 4;
  const perm = allocBytes(permBytes, op);
  try {
    const scratchBytes = 16 * n;
    const scratch = allocBytes(scratchBytes, op);
    try {
      kernelFor<(x: number, perm: number, outer: number, n: number, inner: number, desc: number, scratch: number) => void>('sort_axis', x.dtype)(
        x._ptr, perm, outer, n, inner, descending ? 1 : 0, scratch,
      );
    } finally {
      freeBytes(scratch, scratchBytes);
    }
    data.set(heapI32().subarray(perm >>> 2, (perm >>> 2) + x.size));
  } finally {
    freeBytes(perm, permBytes);
  }
  return { data, shape: x.shape.slice() };
}

type AlongKernel = (a: number, idx: number, out: number, outer: number, nOut: number, nIdx: number, inner: number) => void;

/** out = x gathered along `axis` by the index lines (out has the index's shape). */
const takeAlong = op({
  name: 'takeAlong', internal: true,
  args: custom((_op: string, x: Tensor, index: AxisIndex, axis: number): [Tensor, AxisIndex, number] => [x, index, axis]),
  forward: (x, index, axis) => {
    const out = empty(index.shape.slice(), x.dtype, 'takeAlong');
    if (out.size === 0) return out;
    const [outer, nIdx, inner] = around(index.shape, axis);
    try {
      withInts('takeAlong', index.data, (ptr) => kernelFor<AlongKernel>('take_along', x.dtype)(x._ptr, ptr, out._ptr, outer, x.shape[axis], nIdx, inner));
    } catch (error) {
      out.dispose();
      throw error;
    }
    return out;
  },
}).grads((dy, _y, x, index, axis) => putAlong(dy, index, axis, x.shape[axis]), null, null);

/** Zeros with `n` entries along `axis`, and src added at the index lines (repeated positions accumulate). */
const putAlong = op({
  name: 'putAlong', internal: true,
  args: custom((_op: string, src: Tensor, index: AxisIndex, axis: number, n: number): [Tensor, AxisIndex, number, number] => [src, index, axis, n]),
  forward: (src, index, axis, n) => {
    const shape = src.shape.slice();
    shape[axis] = n;
    const out = empty(shape, src.dtype, 'putAlong');
    if (out.size === 0) return out;
    const [outer, nIdx, inner] = around(index.shape, axis);
    try {
      withInts('putAlong', index.data, (ptr) => kernelFor<AlongKernel>('put_along', src.dtype)(src._ptr, ptr, out._ptr, outer, n, nIdx, inner));
    } catch (error) {
      out.dispose();
      throw error;
    }
    return out;
  },
}).grads((dy, _y, _src, index, axis) => takeAlong(dy, index, axis), null, null, null);

/** Options of `sort`. */
export interface SortOptions {
  /** Largest first (default false: smallest first). */
  descending?: boolean;
}

function descendingOption(op: string, options: unknown): boolean {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object') throw new ArgumentError(`${op}: options must be an object like { descending: true }, got ${describe(options)}`);
  const d = (options as SortOptions).descending ?? false;
  if (typeof d !== 'boolean') throw new ArgumentError(`${op}: descending must be a boolean, got ${describe(d)}`);
  return d;
}

function sortArgs(op: string, x: Tensor, axis: number = -1, options?: SortOptions, anyDType = false): [Tensor, number, boolean] {
  if (!anyDType) checkTensor(op, x);
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); there is no axis to sort along, got shape ${shapeString(x.shape)}`);
  if (typeof axis !== 'number') throw new ArgumentError(`${op}: axis must be one integer, got ${describe(axis)}`);
  return [x, normalizeAxis(op, axis, x.ndim), descendingOption(op, options)];
}

/**
 * The entries of x sorted along `axis` (default -1, the last), smallest
 * first or with `{ descending: true }` largest first; NaN sorts last (first
 * when descending). The sort is stable; int32 and bool tensors sort exactly,
 * in their own dtype. Differentiable in the values: each
 * entry's gradient goes back to the position it came from (tied entries keep
 * their order, so each gets its own).
 *
 * @example
 * ag.sort(ag.tensor([[3, 1, 2], [0, 5, 4]])).toArray();                   // [[1, 2, 3], [0, 4, 5]]
 * ag.sort(ag.tensor([3, 1, 2]), 0, { descending: true }).toArray();      // [3, 2, 1]
 */
export const sort = compose({
  name: 'sort',
  args: custom((op: string, x: Tensor, axis?: number, options?: SortOptions) => sortArgs(op, checkAnyTensor(op, x), axis, options, true)),
}).as((x, axis, descending) => {
  if (isFloat(x.dtype)) return takeAlong(x, sortPermutation('sort', x, axis, descending), axis);
  return throughFloat64(x, (keys) => takeAlong(keys, sortPermutation('sort', keys, axis, descending), axis));
});

/**
 * `fn` of x's values as float64 (exact for every int32 and bool), its result
 * back in x's dtype: how int32 and bool tensors are sorted and picked.
 */
function throughFloat64(x: Tensor, fn: (keys: Tensor) => Tensor): Tensor {
  const keys = castCopy(x, 'float64');
  try {
    const sorted = fn(keys);
    try {
      return castCopy(sorted, x.dtype);
    } finally {
      sorted.dispose();
    }
  } finally {
    keys.dispose();
  }
}


/**
 * The indices that sort x along `axis` (default -1), as an int32 tensor of
 * x's shape: `takeAlongAxis(x, argsort(x, axis), axis)` is `sort(x, axis)`.
 * Stable (ties keep their order); NaN last, or first with
 * `{ descending: true }`. Takes int32 and bool tensors too. Not
 * differentiable (indices).
 *
 * @example
 * ag.argsort(ag.tensor([3, 1, 2])).toArray();                        // [1, 2, 0]
 * ag.argsort(ag.tensor([3, 1, 2]), 0, { descending: true }).toArray(); // [0, 2, 1]
 */
export const argsort = op({
  name: 'argsort',
  args: custom((op: string, x: Tensor, axis?: number, options?: SortOptions) => sortArgs(op, checkAnyTensor(op, x), axis, options, true)),
  forward: (x, axis, descending): Tensor => {
    // int32 and bool sort as float64 (exact: every int32 is a float64).
    const keys = isFloat(x.dtype) ? x : castCopy(x, 'float64');
    try {
      return tensor(sortPermutation('argsort', keys, axis, descending).data, { shape: x.shape.slice(), dtype: 'int32' });
    } finally {
      if (keys !== x) keys.dispose();
    }
  },
}).constant();

function permutationOfFloat64(x: Tensor, axis: number, descending: boolean): ReturnType<typeof sortPermutation> {
  const keys = castCopy(x, 'float64');
  try {
    return sortPermutation('topk', keys, axis, descending);
  } finally {
    keys.dispose();
  }
}

/** Options of `topk`. */
export interface TopkOptions {
  /** The axis to pick along (default -1). */
  axis?: number;
  /** The k largest (default true) or, when false, the k smallest. */
  largest?: boolean;
}

function topkArgs(op: string, x: Tensor, k: number, options?: TopkOptions): [Tensor, number, number, boolean] {
  checkAnyTensor(op, x);
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ArgumentError(`${op}: options must be an object like { axis: 0, largest: false }, got ${describe(options)}`);
  }
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); there is no axis to pick along`);
  const axisIn = options?.axis ?? -1;
  if (typeof axisIn !== 'number') throw new ArgumentError(`${op}: axis must be one integer, got ${describe(axisIn)}`);
  const axis = normalizeAxis(op, axisIn, x.ndim);
  const largest = options?.largest ?? true;
  if (typeof largest !== 'boolean') throw new ArgumentError(`${op}: largest must be a boolean, got ${describe(largest)}`);
  const n = x.shape[axis];
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
    throw new ArgumentError(`${op}: k must be an integer from 0 to ${n} (the length of axis ${axis} of x ${shapeString(x.shape)}), got ${describe(k)}`);
  }
  return [x, k, axis, largest];
}

/**
 * The `k` largest entries of x along `options.axis` (default -1), largest
 * first, and their indices (PyTorch's `topk`): `[values, indices]`, both of
 * x's shape with that axis cut to k, the indices int32. `{ largest: false }`
 * gives the k smallest, smallest first. Ties keep their order; NaN counts as
 * the largest. int32 and bool tensors are taken too (values in their dtype). The values are differentiable: each gradient goes back to the
 * entry it came from.
 *
 * @example
 * const [values, indices] = ag.topk(ag.tensor([1, 5, 3, 4]), 2);
 * values.toArray();  // [5, 4]
 * indices.toArray(); // [1, 3]
 */
export const topk = compose({ name: 'topk', args: custom(topkArgs) }).asMany((x, k, axis, largest): Tensor[] => {
  const perm = isFloat(x.dtype) ? sortPermutation('topk', x, axis, largest) : permutationOfFloat64(x, axis, largest);
  const [outer, n, inner] = around(x.shape, axis);
  const shape = x.shape.slice();
  shape[axis] = k;
  const data = new Int32Array(outer * k * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) data.set(perm.data.subarray((o * n + j) * inner, (o * n + j + 1) * inner), (o * k + j) * inner);
  }
  const picked = isFloat(x.dtype) ? takeAlong(x, { data, shape }, axis) : throughFloat64(x, (keys) => takeAlong(keys, { data, shape }, axis));
  return [picked, tensor(data, { shape, dtype: 'int32' })];
});
