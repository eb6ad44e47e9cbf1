// Indexing and joining: slice, gather, flip, pad, concat, stack, split, unstack.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);
/** Argument lists for value cases. */
const m23 = () => [ag.tensor([[1, 2, 3], [4, 5, 6]])];
const m34 = () => [ag.reshape(ag.arange(12), [3, 4])];
const r234 = () => [ag.reshape(ag.arange(24), [2, 3, 4])];
const i32 = { dtype: 'int32' as const };
const v6 = () => [ag.tensor([0, 1, 2, 3, 4, 5])];
type T = ag.Tensor;

export const cases: OpCase[] = [
  {
    name: 'slice', fn: (x: T) => ag.slice(x, -1, [null, null, -2], [1, 3]), inputs: () => [randn([2, 5, 4])],
    values: [
      { label: 'integer index drops the axis', call: (x: T) => ag.slice(x, 1), args: m23, expected: [4, 5, 6] },
      { label: 'negative index', call: (x: T) => ag.slice(x, null, -1), args: m23, expected: [3, 6] },
      { label: 'two indices give 0-d', call: (x: T) => ag.slice(x, -2, 2), args: m23, expected: 3 },
      { label: 'range with open stop', call: (x: T) => ag.slice(x, null, [1, null]), args: m23, expected: [[2, 3], [5, 6]] },
      { label: 'trailing axes kept whole', call: (x: T) => ag.slice(x, [1, 2]), args: m23, expected: [[4, 5, 6]] },
      { label: 'no specs copies', call: (x: T) => ag.slice(x), args: m23, expected: [[1, 2, 3], [4, 5, 6]] },
      { label: 'step 2', call: (x: T) => ag.slice(x, [null, null, 2]), args: v6, expected: [0, 2, 4] },
      { label: 'step 4 from 1', call: (x: T) => ag.slice(x, [1, null, 4]), args: v6, expected: [1, 5] },
      { label: 'negative start and stop', call: (x: T) => ag.slice(x, [-4, -1]), args: v6, expected: [2, 3, 4] },
      { label: 'step -1 reverses', call: (x: T) => ag.slice(x, [null, null, -1]), args: v6, expected: [5, 4, 3, 2, 1, 0] },
      { label: 'step -2 from -2', call: (x: T) => ag.slice(x, [-2, null, -2]), args: v6, expected: [4, 2, 0] },
      { label: 'step -1 from 4 to 1', call: (x: T) => ag.slice(x, [4, 1, -1]), args: v6, expected: [4, 3, 2] },
      { label: 'step -3 stop -6', call: (x: T) => ag.slice(x, [null, -6, -3]), args: v6, expected: [5, 2] },
      { label: 'out-of-range bounds clamp', call: (x: T) => ag.slice(x, [-100, 100]), args: v6, expected: [0, 1, 2, 3, 4, 5] },
      { label: 'empty: start past stop', call: (x: T) => ag.slice(x, [4, 2]), args: v6, expected: [] },
      { label: 'empty: negative step going up', call: (x: T) => ag.slice(x, [1, 4, -1]), args: v6, expected: [] },
      { label: 'empty: start past the end', call: (x: T) => ag.slice(x, [10, null]), args: v6, expected: [] },
      { label: 'empty along a middle axis', call: (x: T) => ag.slice(x, null, [2, 2]), args: m23, expected: [[], []] },
      { label: 'both axes reversed', call: (x: T) => ag.slice(x, [null, null, -1], [null, null, -1]), args: m23, expected: [[6, 5, 4], [3, 2, 1]] },
      {
        label: 'rank 3, index in the middle', call: (x: T) => ag.slice(x, [null, null, -1], 0, [0, null, 2]),
        args: () => [ag.reshape(ag.arange(12), [2, 2, 3])], expected: [[6, 8], [0, 2]],
      },
    ],
  },
  {
    name: 'gather', fn: (x: T) => ag.gather(x, [[2, 0], [2, -1]], 1), inputs: () => [randn([2, 3, 2])],
    values: [
      { label: 'rows', call: (x: T) => ag.gather(x, [2, 0]), args: () => [ag.tensor([[1, 2], [3, 4], [5, 6]])], expected: [[5, 6], [1, 2]] },
      { label: 'repeated and negative', call: (x: T) => ag.gather(x, [0, 0, -1]), args: () => [ag.tensor([10, 20, 30])], expected: [10, 10, 30] },
      {
        label: 'nested indices along axis 1', call: (x: T) => ag.gather(x, [[1, -1]], 1),
        args: () => [ag.tensor([[1, 2], [3, 4], [5, 6]])], expected: [[[2, 2]], [[4, 4]], [[6, 6]]],
      },
      { label: 'scalar index drops the axis', call: (x: T) => ag.gather(x, 1, -1), args: m23, expected: [2, 5] },
      { label: 'tensor of indices', call: (x: T, i: T) => ag.gather(x, i), args: () => [ag.tensor([10, 20, 30]), ag.tensor([[2], [0]])], expected: [[30], [10]] },
      { label: 'empty indices', call: (x: T) => ag.gather(x, [], 1), args: m23, expected: [[], []] },
    ],
  },
  {
    name: 'flip', fn: (x: T) => ag.flip(x, [0, -1]), inputs: () => [randn([2, 3, 4])],
    values: [
      { label: 'all axes', call: (x: T) => ag.flip(x), args: m23, expected: [[6, 5, 4], [3, 2, 1]] },
      { label: 'axis 1', call: (x: T) => ag.flip(x, 1), args: m23, expected: [[3, 2, 1], [6, 5, 4]] },
      { label: 'axis -2', call: (x: T) => ag.flip(x, -2), args: m23, expected: [[4, 5, 6], [1, 2, 3]] },
      { label: 'odd length vector', call: (x: T) => ag.flip(x), args: () => [ag.tensor([1, 2, 3, 4, 5])], expected: [5, 4, 3, 2, 1] },
      { label: 'empty', call: (x: T) => ag.flip(x), args: () => [ag.zeros([2, 0])], expected: [[], []] },
    ],
  },
  {
    name: 'pad', fn: (x: T) => ag.pad(x, [[1, 0], [2, 3]], 0.5), inputs: () => [randn([2, 3])],
    values: [
      { label: 'one pair for every axis', call: (x: T) => ag.pad(x, [1, 2]), args: () => [ag.tensor([1, 2])], expected: [0, 1, 2, 0, 0] },
      { label: 'per axis, with a value', call: (x: T) => ag.pad(x, [[0, 1], [1, 0]], 9), args: () => [ag.tensor([[1]])], expected: [[9, 1], [9, 9]] },
      { label: 'a number for both sides', call: (x: T) => ag.pad(x, 1, -1), args: () => [ag.tensor([[5]])], expected: [[-1, -1, -1], [-1, 5, -1], [-1, -1, -1]] },
      { label: 'zero widths copy', call: (x: T) => ag.pad(x, 0), args: m23, expected: [[1, 2, 3], [4, 5, 6]] },
      { label: 'empty input', call: (x: T) => ag.pad(x, [1, 1], 3), args: () => [ag.zeros([0])], expected: [3, 3] },
    ],
  },
  {
    name: 'concat', fn: (a: T, b: T, c: T) => ag.concat([a, b, c], -1), inputs: () => [randn([2, 1, 3]), randn([2, 1, 2]), randn([2, 1, 1])],
    values: [
      {
        label: 'axis 0', call: (a: T, b: T) => ag.concat([a, b]), args: () => [ag.tensor([[1, 2]]), ag.tensor([[3, 4], [5, 6]])],
        expected: [[1, 2], [3, 4], [5, 6]],
      },
      { label: 'axis 1', call: (a: T, b: T) => ag.concat([a, b], 1), args: () => [ag.tensor([[1], [2]]), ag.tensor([[3], [4]])], expected: [[1, 3], [2, 4]] },
      { label: 'one tensor', call: (a: T) => ag.concat([a]), args: m23, expected: [[1, 2, 3], [4, 5, 6]] },
      { label: 'the same tensor twice', call: (a: T) => ag.concat([a, a]), args: () => [ag.tensor([1, 2])], expected: [1, 2, 1, 2] },
      { label: 'with an empty part', call: (a: T, b: T) => ag.concat([a, b]), args: () => [ag.zeros([0]), ag.tensor([7])], expected: [7] },
    ],
  },
  {
    name: 'stack', fn: (a: T, b: T, c: T) => ag.stack([a, b, c], 1), inputs: () => [randn([2, 3]), randn([2, 3]), randn([2, 3])],
    values: [
      { label: 'axis 0', call: (a: T, b: T) => ag.stack([a, b]), args: () => [ag.tensor([1, 2]), ag.tensor([3, 4])], expected: [[1, 2], [3, 4]] },
      { label: 'axis -1', call: (a: T, b: T) => ag.stack([a, b], -1), args: () => [ag.tensor([1, 2]), ag.tensor([3, 4])], expected: [[1, 3], [2, 4]] },
      { label: '0-d tensors', call: (a: T, b: T) => ag.stack([a, b]), args: () => [ag.tensor(1), ag.tensor(2)], expected: [1, 2] },
      { label: 'one tensor', call: (a: T) => ag.stack([a], 1), args: () => [ag.tensor([1, 2])], expected: [[1], [2]] },
    ],
  },
  {
    // The parts flattened and joined back, so every part's gradient is checked.
    name: 'split', fn: (x: T) => ag.concat(ag.split(x, [1, 0, 3], 1).map(ag.flatten)), inputs: () => [randn([2, 4, 2])],
    values: [
      { label: 'two equal parts: first', call: (x: T) => ag.split(x, 2)[0], args: () => [ag.tensor([1, 2, 3, 4])], expected: [1, 2] },
      { label: 'two equal parts: second', call: (x: T) => ag.split(x, 2)[1], args: () => [ag.tensor([1, 2, 3, 4])], expected: [3, 4] },
      { label: 'sizes: second part', call: (x: T) => ag.split(x, [1, 3])[1], args: () => [ag.tensor([1, 2, 3, 4])], expected: [2, 3, 4] },
      { label: 'axis -1', call: (x: T) => ag.split(x, [2, 1], -1)[1], args: m23, expected: [[3], [6]] },
      { label: 'an empty part', call: (x: T) => ag.split(x, [0, 2], 0)[0], args: () => [ag.tensor([1, 2])], expected: [] },
      { label: 'one part', call: (x: T) => ag.split(x, 1, 1)[0], args: m23, expected: [[1, 2, 3], [4, 5, 6]] },
    ],
  },
  {
    name: 'unstack', fn: (x: T) => ag.concat(ag.unstack(x, 1)), inputs: () => [randn([2, 3, 2])],
    values: [
      { label: 'rows', call: (x: T) => ag.unstack(x)[1], args: m23, expected: [4, 5, 6] },
      { label: 'columns', call: (x: T) => ag.unstack(x, -1)[2], args: m23, expected: [3, 6] },
      { label: 'vector to 0-d', call: (x: T) => ag.unstack(x)[0], args: () => [ag.tensor([7, 8])], expected: 7 },
    ],
  },
  {
    // repeated rows (the gradient adds them up), a reversed slice, a new axis
    name: 'index', fn: (x: T) => ag.index(x, [2, 0, 2], '::-1', null), inputs: () => [randn([3, 4])],
    values: [
      { label: 'an integer drops the axis', call: (x: T) => x.index(1), args: m34, expected: [4, 5, 6, 7] },
      { label: 'negative integers', call: (x: T) => x.index(-1, -2), args: m34, expected: 10 },
      { label: "slices as strings: ':' and '::2'", call: (x: T) => x.index(':', '::2'), args: m34, expected: [[0, 2], [4, 6], [8, 10]] },
      { label: "'1:' and ':-1'", call: (x: T) => x.index('1:', ':-1'), args: m34, expected: [[4, 5, 6], [8, 9, 10]] },
      { label: "'::-1' reverses, '5:1:-2'", call: (x: T) => x.index('::-1', '5:0:-2'), args: m34, expected: [[11, 9], [7, 5], [3, 1]] },
      { label: 'a slice object', call: (x: T) => x.index({ start: 1, step: 2 }), args: m34, expected: [[4, 5, 6, 7]] },
      { label: 'null adds an axis; ellipsis fills', call: (x: T) => x.index('...', null, 1), args: m34, expected: [[1], [5], [9]] },
      { label: 'null in front', call: (x: T) => x.index(null, 2), args: m34, expected: [[8, 9, 10, 11]] },
      { label: 'an integer array picks rows, repeats included', call: (x: T) => x.index([2, 0, 2]), args: m34, expected: [[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]] },
      { label: 'an integer array and an integer', call: (x: T) => x.index([2, 0], -1), args: m34, expected: [11, 3] },
      { label: 'two arrays pair up', call: (x: T) => x.index([0, 2], [1, 3]), args: m34, expected: [1, 11] },
      { label: 'two arrays broadcast', call: (x: T) => x.index([[0], [2]], [1, 3]), args: m34, expected: [[1, 3], [9, 11]] },
      { label: 'arrays apart: their axes come first', call: (x: T) => x.index([0, 1], ':', [1, 2]), args: r234, expected: [[1, 5, 9], [14, 18, 22]] },
      { label: 'arrays adjacent: their axes stay in place', call: (x: T) => x.index(':', [0, 2], [1, 3]), args: r234, expected: [[1, 11], [13, 23]] },
      { label: 'an integer with an array apart counts as an array', call: (x: T) => x.index(1, ':', [0, 3]), args: r234, expected: [[12, 16, 20], [15, 19, 23]] },
      { label: 'an int32 tensor of indices', call: (x: T, i: T) => x.index(':', i), args: () => [...m34(), ag.tensor([[3], [0]], i32)], expected: [[[3], [0]], [[7], [4]], [[11], [8]]] },
      { label: 'a bool mask over all axes', call: (x: T) => x.index(ag.greater(x, 8)), args: m34, expected: [9, 10, 11] },
      { label: 'a mask of booleans on one axis', call: (x: T) => x.index(':', [true, false, false, true]), args: m34, expected: [[0, 3], [4, 7], [8, 11]] },
      { label: 'a mask with nothing true (shape [0, 4], flattened)', call: (x: T) => ag.flatten(x.index([false, false, false])), args: m34, expected: [] },
      { label: 'an empty index array (shape [0, 4], flattened)', call: (x: T) => ag.flatten(x.index([])), args: m34, expected: [] },
      { label: 'int32 x keeps its dtype', call: (x: T) => x.index([1, 1]), args: () => [ag.tensor([5, 6], i32)], expected: [6, 6] },
      { label: 'no specs copies', call: (x: T) => ag.index(x), args: m23, expected: [[1, 2, 3], [4, 5, 6]] },
    ],
  },
  {
    // a mask and a slice, gathering single elements at flat offsets
    name: 'index', fn: (x: T) => ag.index(x, [true, false, true], '1:'), inputs: () => [randn([3, 3])],
  },
  {
    // accumulate: repeated rows add up; x's gradient is all of dy
    name: 'indexPut', fn: (x: T, v: T) => ag.indexPut(x, [[0, 2, 0]], v, { accumulate: true }), inputs: () => [randn([3, 2]), randn([3, 2])],
    values: [
      { label: 'a number written at a row and a slice', call: (x: T) => ag.indexPut(x, [0, '1:'], 5), args: () => [ag.zeros([2, 3])], expected: [[0, 5, 5], [0, 0, 0]] },
      { label: 'accumulate with repeats', call: (x: T, v: T) => ag.indexPut(x, [[0, 0, 1]], v, { accumulate: true }), args: () => [ag.zeros([2, 3]), ag.ones([3, 3])], expected: [[2, 2, 2], [1, 1, 1]] },
      { label: 'write with repeats: the last stays', call: (x: T, v: T) => ag.indexPut(x, [[1, 1]], v), args: () => [ag.zeros([2]), ag.tensor([3, 4])], expected: [0, 4] },
      { label: 'values broadcast', call: (x: T, v: T) => ag.indexPut(x, [':', 1], v), args: () => [ag.zeros([2, 2]), ag.tensor([7])], expected: [[0, 7], [0, 7]] },
      { label: 'a mask', call: (x: T) => ag.indexPut(x, [ag.less(x, 0)], 0), args: () => [ag.tensor([-1, 2, -3])], expected: [0, 2, 0] },
      { label: 'float64 values into float32 x', call: (x: T, v: T) => ag.indexPut(x, [0], v), args: () => [ag.zeros([2]), ag.tensor(2.5, f64)], expected: [2.5, 0] },
      { label: 'into int32', call: (x: T) => ag.indexPut(x, [[0, 2]], 9), args: () => [ag.zeros([3], i32)], expected: [9, 0, 9] },
    ],
  },
  {
    // write with a repeated position: only the last write's value gets a gradient
    name: 'indexPut', fn: (x: T, v: T) => ag.indexPut(x, [[2, 0, 2], ':'], v), inputs: () => [randn([3, 2]), randn([3, 1])],
  },
  {
    name: 'scatter', fn: (x: T, v: T) => ag.scatter(x, 1, [[2, 0], [1, 1]], v), inputs: () => [randn([2, 3]), randn([2, 3])],
    values: [
      { label: 'rows along axis 1', call: (x: T, v: T) => ag.scatter(x, 1, [[2], [0]], v), args: () => [ag.zeros([2, 3]), ag.tensor([[7], [8]])], expected: [[0, 0, 7], [8, 0, 0]] },
      { label: 'add with repeats', call: (x: T) => ag.scatter(x, 0, [0, 0, 2], 1, { reduce: 'add' }), args: () => [ag.zeros([3])], expected: [2, 0, 1] },
      { label: 'set with repeats: the last stays', call: (x: T, v: T) => ag.scatter(x, 0, [1, 1], v), args: () => [ag.zeros([2]), ag.tensor([5, 6])], expected: [0, 6] },
      { label: 'values larger than indices', call: (x: T, v: T) => ag.scatter(x, 0, [[1, 0]], v), args: () => [ag.zeros([2, 2]), ag.tensor([[1, 2], [3, 4]])], expected: [[0, 2], [1, 0]] },
      { label: 'negative indices along axis -1', call: (x: T) => ag.scatter(x, -1, [[-1]], 3), args: () => [ag.zeros([1, 3])], expected: [[0, 0, 3]] },
    ],
  },
  {
    name: 'scatter', fn: (x: T, v: T) => ag.scatter(x, 0, [[0, 1], [0, 0]], v, { reduce: 'add' }), inputs: () => [randn([2, 2]), randn([2, 3])],
  },
  {
    name: 'takeAlongAxis', fn: (x: T) => ag.takeAlongAxis(x, [[1, 1, 0, 2]], 1), inputs: () => [randn([2, 3])],
    values: [
      { label: 'one per row', call: (x: T) => ag.takeAlongAxis(x, [[1], [0]], 1), args: () => [ag.tensor([[10, 30, 20], [60, 40, 50]])], expected: [[30], [60]] },
      { label: 'indices broadcast along axis 0', call: (x: T) => ag.takeAlongAxis(x, [[2, 0]], 1), args: () => [ag.reshape(ag.arange(6), [2, 3])], expected: [[2, 0], [5, 3]] },
      { label: 'x broadcast along axis 0', call: (x: T) => ag.takeAlongAxis(x, [[2, 0], [1, 1]], 1), args: () => [ag.tensor([[0, 1, 2]])], expected: [[2, 0], [1, 1]] },
      { label: 'with argmax', call: (x: T) => ag.takeAlongAxis(x, ag.expandDims(ag.argmax(x, 1), 1), 1), args: () => [ag.tensor([[1, 9, 3], [7, 2, 5]])], expected: [[9], [7]] },
      { label: 'axis null reads flat', call: (x: T) => ag.takeAlongAxis(x, [5, 0], null), args: m23, expected: [6, 1] },
    ],
  },
  {
    name: 'argwhere', fn: (x: T) => ag.argwhere(x), order: 0, inputs: () => [ag.tensor([[0, 1.5], [-2, 0]], f64)],
    values: [
      { label: 'row-major coordinates', args: () => [ag.tensor([[0, 3], [5, 0]])], expected: [[0, 1], [1, 0]] },
      { label: 'of a bool mask, NaN counts', args: () => [ag.tensor([NaN, 0, 1])], expected: [[0], [2]] },
      { label: 'nothing nonzero (shape [0, 2], flattened)', call: (x: T) => ag.flatten(ag.argwhere(x)), args: () => [ag.zeros([2, 2])], expected: [] },
    ],
  },
  {
    name: 'nonzero', fn: (x: T) => ag.nonzero(x)[1], order: 0, inputs: () => [ag.tensor([[0, 1.5], [-2, 0]], f64)],
    values: [
      { label: 'the rows', call: (x: T) => ag.nonzero(x)[0], args: () => [ag.tensor([[0, 3], [5, 0]])], expected: [0, 1] },
      { label: 'the columns', call: (x: T) => ag.nonzero(x)[1], args: () => [ag.tensor([[0, 3], [5, 0]])], expected: [1, 0] },
      { label: 'of a vector', call: (x: T) => ag.nonzero(x)[0], args: () => [ag.tensor([true, false, true])], expected: [0, 2] },
    ],
  },
];
