// Shape ops: flatten, squeeze, expandDims (views), tile, repeat.
// reshape, broadcastTo, transpose and cast are listed in basic.table.ts.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);
const m23 = () => ag.tensor([[1, 2, 3], [4, 5, 6]]);

export const cases: OpCase[] = [
  {
    name: 'flatten', fn: ag.flatten, inputs: () => [randn([2, 3, 2])],
    values: [
      { label: 'matrix', args: () => [m23()], expected: [1, 2, 3, 4, 5, 6] },
      { label: '0-d becomes [1]', args: () => [ag.tensor(7)], expected: [7] },
      { label: 'empty', args: () => [ag.zeros([2, 0, 3])], expected: [] },
    ],
  },
  {
    name: 'squeeze', fn: (x: ag.Tensor) => ag.squeeze(x), inputs: () => [randn([1, 3, 1, 2])],
    values: [
      { label: 'all size-1 axes', args: () => [ag.tensor([[[1], [2]]])], expected: [1, 2] },
      { label: 'negative axis', call: (x: ag.Tensor) => ag.squeeze(x, -1), args: () => [ag.tensor([[[1], [2]]])], expected: [[1, 2]] },
      { label: 'axis list', call: (x: ag.Tensor) => ag.squeeze(x, [0, 2]), args: () => [ag.tensor([[[1], [2]]])], expected: [1, 2] },
      { label: '[1] to 0-d', args: () => [ag.tensor([5])], expected: 5 },
      { label: 'nothing to squeeze', args: () => [m23()], expected: [[1, 2, 3], [4, 5, 6]] },
    ],
  },
  {
    name: 'expandDims', fn: (x: ag.Tensor) => ag.expandDims(x, [0, -1]), inputs: () => [randn([2, 3])],
    values: [
      { label: 'leading', call: (x: ag.Tensor) => ag.expandDims(x, 0), args: () => [ag.tensor([1, 2])], expected: [[1, 2]] },
      { label: 'negative axis is trailing', call: (x: ag.Tensor) => ag.expandDims(x, -1), args: () => [ag.tensor([1, 2])], expected: [[1], [2]] },
      { label: 'middle', call: (x: ag.Tensor) => ag.expandDims(x, 1), args: () => [m23()], expected: [[[1, 2, 3]], [[4, 5, 6]]] },
      { label: 'axis list', call: (x: ag.Tensor) => ag.expandDims(x, [0, 2]), args: () => [ag.tensor([1, 2])], expected: [[[1], [2]]] },
      { label: '0-d', call: (x: ag.Tensor) => ag.expandDims(x, 0), args: () => [ag.tensor(3)], expected: [3] },
    ],
  },
  {
    name: 'tile', fn: (x: ag.Tensor) => ag.tile(x, [2, 1, 3]), inputs: () => [randn([2, 3])],
    values: [
      { label: 'number', call: (x: ag.Tensor) => ag.tile(x, 2), args: () => [ag.tensor([1, 2])], expected: [1, 2, 1, 2] },
      { label: 'adds a leading axis', call: (x: ag.Tensor) => ag.tile(x, [2, 1]), args: () => [ag.tensor([1, 2])], expected: [[1, 2], [1, 2]] },
      { label: 'reps shorter than rank', call: (x: ag.Tensor) => ag.tile(x, [2]), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [[1, 2, 1, 2], [3, 4, 3, 4]] },
      {
        label: 'both axes', call: (x: ag.Tensor) => ag.tile(x, [2, 2]), args: () => [ag.tensor([[1, 2]])],
        expected: [[1, 2, 1, 2], [1, 2, 1, 2]],
      },
      { label: 'zero reps', call: (x: ag.Tensor) => ag.tile(x, [2, 0]), args: () => [ag.tensor([[1, 2]])], expected: [[], []] },
    ],
  },
  {
    name: 'repeat', fn: (x: ag.Tensor) => ag.repeat(x, 3, -2), inputs: () => [randn([2, 2, 3])],
    values: [
      { label: 'flattened without axis', call: (x: ag.Tensor) => ag.repeat(x, 2), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [1, 1, 2, 2, 3, 3, 4, 4] },
      { label: 'axis 0', call: (x: ag.Tensor) => ag.repeat(x, 2, 0), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [[1, 2], [1, 2], [3, 4], [3, 4]] },
      { label: 'axis -1', call: (x: ag.Tensor) => ag.repeat(x, 3, -1), args: () => [ag.tensor([[1, 2]])], expected: [[1, 1, 1, 2, 2, 2]] },
      { label: 'zero times', call: (x: ag.Tensor) => ag.repeat(x, 0, 1), args: () => [ag.tensor([[1, 2]])], expected: [[]] },
      { label: '0-d', call: (x: ag.Tensor) => ag.repeat(x, 2), args: () => [ag.tensor(5)], expected: [5, 5] },
    ],
  },
];
