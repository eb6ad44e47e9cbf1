// all, any, count (issue 14): not differentiable; bool and int32 results.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const m = () => ag.tensor([[1, 0, NaN], [2, 3, 4]], f64);

export const cases: OpCase[] = [
  {
    name: 'all', fn: (x: ag.Tensor) => ag.all(x, 1), inputs: () => [ag.randn([3, 4], f64)], order: 0, noFloat32Check: true,
    values: [
      { label: 'rows; NaN counts as true', args: () => [m()], expected: [0, 1] },
      { label: 'everything; of nothing is true', call: (x: ag.Tensor) => ag.all(x), args: () => [ag.zeros([0, 3])], expected: 1 },
      { label: 'bool masks, keepdims', call: (x: ag.Tensor) => ag.all(x, 0, true), args: () => [ag.tensor([[true, false], [true, true]])], expected: [[1, 0]] },
      { label: 'bool result', call: (x: ag.Tensor) => ag.cast(ag.all(x), 'float64'), args: () => [ag.tensor([1, 2], { dtype: 'int32' })], expected: 1 },
    ],
  },
  {
    name: 'any', fn: (x: ag.Tensor) => ag.any(x, 0), inputs: () => [ag.randn([3, 4], f64)], order: 0, noFloat32Check: true,
    values: [
      { label: 'columns', args: () => [ag.tensor([[0, 0, 1], [0, NaN, 0]], f64)], expected: [0, 1, 1] },
      { label: 'of nothing is false', call: (x: ag.Tensor) => ag.any(x), args: () => [ag.zeros([0])], expected: 0 },
    ],
  },
  {
    name: 'count', fn: (x: ag.Tensor) => ag.count(x, [0, 1]), inputs: () => [ag.randn([3, 4], f64)], order: 0, noFloat32Check: true,
    values: [
      { label: 'everything', call: (x: ag.Tensor) => ag.count(x), args: () => [m()], expected: 5 },
      { label: 'along an axis, int32', call: (x: ag.Tensor) => ag.count(x, 0), args: () => [m()], expected: [2, 1, 2] },
      { label: 'bool masks', call: (x: ag.Tensor) => ag.count(x, 1), args: () => [ag.tensor([[true, false, true], [false, false, false]])], expected: [2, 0] },
    ],
  },
];
