// Cumulative sums and products, sorting (sort, argsort, topk), einsum (issue 14).
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);

export const cases: OpCase[] = [
  {
    name: 'cumsum', fn: (x: ag.Tensor) => ag.cumsum(x, 1), inputs: () => [randn([2, 4, 3])],
    values: [
      { label: 'axis 1', args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [[1, 3], [3, 7]] },
      { label: 'flattened when axis is omitted', call: (x: ag.Tensor) => ag.cumsum(x), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [1, 3, 6, 10] },
      { label: 'negative axis', call: (x: ag.Tensor) => ag.cumsum(x, -2), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [[1, 2], [4, 6]] },
    ],
  },
  {
    name: 'cumprod', fn: (x: ag.Tensor) => ag.cumprod(x, 0), inputs: () => [randn([4, 3])],
    values: [
      { label: 'flattened', call: (x: ag.Tensor) => ag.cumprod(x), args: () => [ag.tensor([1, 2, 3, 4])], expected: [1, 2, 6, 24] },
      { label: 'gradient right at a zero', call: (x: ag.Tensor) => ag.grad((v: ag.Tensor) => ag.sum(ag.cumprod(v)))(x), args: () => [ag.tensor([2, 0, 3])], expected: [1, 8, 0] },
    ],
  },
  {
    name: 'sort', fn: (x: ag.Tensor) => ag.sort(x, 0), inputs: () => [randn([5, 3])],
    values: [
      { label: 'last axis by default', args: () => [ag.tensor([[3, 1, 2], [0, 5, 4]])], call: (x: ag.Tensor) => ag.sort(x), expected: [[1, 2, 3], [0, 4, 5]] },
      { label: 'descending', call: (x: ag.Tensor) => ag.sort(x, 0, { descending: true }), args: () => [ag.tensor([3, 1, 2])], expected: [3, 2, 1] },
      { label: 'NaN last, -Infinity first', call: (x: ag.Tensor) => ag.sort(x), args: () => [ag.tensor([2, NaN, -Infinity, 1])], expected: [-Infinity, 1, 2, NaN] },
      { label: 'int32, exact beyond 2^24, stays int32', call: (x: ag.Tensor) => { const y = ag.sort(x); if (y.dtype !== 'int32') throw new Error(`sort of int32 gave ${y.dtype}`); return y; }, args: () => [ag.tensor([16777217, 16777216, -5], { dtype: 'int32' })], expected: [-5, 16777216, 16777217] },
      { label: 'bool, descending', call: (x: ag.Tensor) => ag.cast(ag.sort(x, 0, { descending: true }), 'float64'), args: () => [ag.tensor([false, true, false])], expected: [1, 0, 0] },
      { label: 'gradient goes back to each origin, ties each their own', call: (x: ag.Tensor) => ag.grad((v: ag.Tensor) => ag.sum(ag.mul(ag.sort(v), ag.tensor([1, 2, 3, 4], f64))))(x), args: () => [ag.tensor([5, 1, 5, 0], f64)], expected: [3, 2, 4, 1] },
    ],
  },
  {
    name: 'argsort', fn: (x: ag.Tensor) => ag.argsort(x, 0), inputs: () => [randn([4, 3])], order: 0, noFloat32Check: true,
    values: [
      { label: 'stable, last axis', call: (x: ag.Tensor) => ag.argsort(x), args: () => [ag.tensor([[3, 1, 2, 1], [0, 5, 4, 5]])], expected: [[1, 3, 2, 0], [0, 2, 1, 3]] },
      { label: 'descending, NaN first', call: (x: ag.Tensor) => ag.argsort(x, 0, { descending: true }), args: () => [ag.tensor([1, NaN, 3])], expected: [1, 2, 0] },
      { label: 'int32, beyond 2^24', args: () => [ag.tensor([16777217, 16777216, -5], { dtype: 'int32' })], expected: [2, 1, 0] },
      { label: 'bool', args: () => [ag.tensor([true, false, true, false])], expected: [1, 3, 0, 2] },
    ],
  },
  {
    name: 'topk', fn: (x: ag.Tensor) => ag.topk(x, 2, { axis: 0 })[0], inputs: () => [randn([5, 3])],
    values: [
      { label: 'values', call: (x: ag.Tensor) => ag.topk(x, 2)[0], args: () => [ag.tensor([[1, 5, 3, 4], [9, 8, 7, 6]])], expected: [[5, 4], [9, 8]] },
      { label: 'indices, int32', call: (x: ag.Tensor) => ag.topk(x, 2)[1], args: () => [ag.tensor([[1, 5, 3, 4], [9, 8, 7, 6]])], expected: [[1, 3], [0, 1]] },
      { label: 'smallest', call: (x: ag.Tensor) => ag.topk(x, 3, { largest: false })[0], args: () => [ag.tensor([4, 1, 3, 2])], expected: [1, 2, 3] },
      { label: 'k = 0', call: (x: ag.Tensor) => ag.topk(x, 0)[0], args: () => [ag.tensor([4, 1])], expected: [] },
      { label: 'int32 values, exact beyond 2^24', call: (x: ag.Tensor) => { const [v] = ag.topk(x, 2); if (v.dtype !== 'int32') throw new Error(`topk of int32 gave ${v.dtype}`); return v; }, args: () => [ag.tensor([16777216, 16777217, -5], { dtype: 'int32' })], expected: [16777217, 16777216] },
    ],
  },
  {
    name: 'einsum', fn: (a: ag.Tensor, b: ag.Tensor) => ag.einsum('bij,bkj->bik', a, b), inputs: () => [randn([2, 3, 4]), randn([2, 5, 4])],
    values: [
      { label: 'matmul', call: (a: ag.Tensor, b: ag.Tensor) => ag.einsum('ij,jk->ik', a, b), args: () => [ag.tensor([[1, 2], [3, 4]]), ag.tensor([[5, 6], [7, 8]])], expected: [[19, 22], [43, 50]] },
      { label: 'trace', call: (a: ag.Tensor) => ag.einsum('ii', a), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: 5 },
      { label: 'diagonal', call: (a: ag.Tensor) => ag.einsum('ii->i', a), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [1, 4] },
      { label: 'transpose', call: (a: ag.Tensor) => ag.einsum('ij->ji', a), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [[1, 3], [2, 4]] },
      { label: 'outer', call: (a: ag.Tensor, b: ag.Tensor) => ag.einsum('i,j->ij', a, b), args: () => [ag.tensor([1, 2]), ag.tensor([3, 4])], expected: [[3, 4], [6, 8]] },
      { label: 'implicit output (alphabetical)', call: (a: ag.Tensor, b: ag.Tensor) => ag.einsum('ij,jk', a, b), args: () => [ag.tensor([[1, 0]]), ag.tensor([[1, 2], [3, 4]])], expected: [[1, 2]] },
      { label: 'full contraction', call: (a: ag.Tensor, b: ag.Tensor) => ag.einsum('ij,ij->', a, b), args: () => [ag.tensor([[1, 2], [3, 4]]), ag.tensor([[5, 6], [7, 8]])], expected: 70 },
      { label: 'three operands', call: (a: ag.Tensor, b: ag.Tensor, c: ag.Tensor) => ag.einsum('ij,jk,kl->li', a, b, c), args: () => [ag.tensor([[1, 2]]), ag.tensor([[1, 0], [0, 1]]), ag.tensor([[2], [3]])], expected: [[8]] },
      { label: 'sum over an axis', call: (a: ag.Tensor) => ag.einsum('ij->i', a), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [3, 7] },
    ],
  },
];
