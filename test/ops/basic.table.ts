// The ops of the foundation: arithmetic, first unary ops, sum/mean, matmul, shape basics.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);
const positive = (shape: number[]) => ag.add(ag.rand(shape, f64), 0.5);

export const cases: OpCase[] = [
  {
    name: 'add', fn: ag.add, inputs: () => [randn([2, 3]), randn([3])],
    values: [
      { label: 'broadcast [2,1] + [3]', args: () => [ag.tensor([[1], [2]]), ag.tensor([10, 20, 30])], expected: [[11, 21, 31], [12, 22, 32]] },
      { label: 'number', args: () => [ag.tensor([1, 2]), 0.5], expected: [1.5, 2.5] },
    ],
  },
  {
    name: 'sub', fn: ag.sub, inputs: () => [randn([4, 1]), randn([1, 3])],
    values: [{ label: '0-d minus vector', args: () => [ag.tensor(1), ag.tensor([1, 2])], expected: [0, -1] }],
  },
  {
    name: 'mul', fn: ag.mul, inputs: () => [randn([2, 1, 3]), randn([4, 3])],
    values: [{ label: 'rows times column', args: () => [ag.tensor([[1, 2]]), ag.tensor([[3], [4]])], expected: [[3, 6], [4, 8]] }],
  },
  {
    name: 'div', fn: ag.div, inputs: () => [randn([3, 2]), positive([2])],
    values: [{ label: 'by zero is Infinity', args: () => [ag.tensor([1, -1, 0]), 0], expected: [Infinity, -Infinity, NaN] }],
  },
  { name: 'neg', fn: ag.neg, inputs: () => [randn([5])], values: [{ label: 'values', args: () => [ag.tensor([1, -2])], expected: [-1, 2] }] },
  { name: 'exp', fn: ag.exp, inputs: () => [randn([7])], values: [{ label: 'values', args: () => [ag.tensor([0, 1], f64)], expected: [1, Math.E] }] },
  {
    name: 'log', fn: ag.log, inputs: () => [positive([7])],
    values: [{ label: 'negative gives NaN, 0 gives -Infinity', args: () => [ag.tensor([1, -1, 0])], expected: [0, NaN, -Infinity] }],
  },
  {
    name: 'sqrt', fn: ag.sqrt, inputs: () => [positive([5])],
    values: [{ label: 'values', args: () => [ag.tensor([4, 0, 2], f64)], expected: [2, 0, Math.SQRT2] }],
  },
  { name: 'tanh', fn: ag.tanh, inputs: () => [randn([6])], values: [{ label: 'values', args: () => [ag.tensor([0, 1], f64)], expected: [0, Math.tanh(1)] }] },
  { name: 'abs2', fn: ag.abs2, inputs: () => [randn([6])], values: [{ label: 'values', args: () => [ag.tensor([-3, 2])], expected: [9, 4] }] },
  {
    name: 'sum', fn: (x: ag.Tensor) => ag.sum(x, [0, -1], true), inputs: () => [randn([2, 3, 4])],
    values: [
      { label: 'all', call: (x: ag.Tensor) => ag.sum(x), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: 10 },
      { label: 'keepdims', args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [[10]] },
      { label: 'negative axis', call: (x: ag.Tensor) => ag.sum(x, -1), args: () => [ag.tensor([[1, 2], [3, 4]])], expected: [3, 7] },
      { label: 'sum(f, x)', call: (x: ag.Tensor) => ag.sum(ag.abs2, x), args: () => [ag.tensor([1, 2, 3])], expected: 14 },
      { label: 'empty', call: (x: ag.Tensor) => ag.sum(x), args: () => [ag.zeros([0, 3])], expected: 0 },
    ],
  },
  {
    name: 'mean', fn: (x: ag.Tensor) => ag.mean(x, 1), inputs: () => [randn([3, 4])],
    values: [{ label: 'axis 1', args: () => [ag.tensor([[1, 2], [3, 5]])], expected: [1.5, 4] }],
  },
  {
    name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b), inputs: () => [randn([3, 4]), randn([4, 2])],
    values: [{ label: 'matrix times vector', args: () => [ag.tensor([[1, 2], [3, 4]]), ag.tensor([1, 1])], expected: [3, 7] }],
  },
  {
    name: 'reshape', fn: (x: ag.Tensor) => ag.reshape(x, [3, -1]), inputs: () => [randn([2, 3])],
    values: [{ label: 'infer -1', args: () => [ag.arange(6)], expected: [[0, 1], [2, 3], [4, 5]] }],
  },
  {
    name: 'broadcastTo', fn: (x: ag.Tensor) => ag.broadcastTo(x, [2, 3, 2]), inputs: () => [randn([3, 1])],
    values: [{ label: 'row to matrix', call: (x: ag.Tensor) => ag.broadcastTo(x, [2, 2]), args: () => [ag.tensor([1, 2])], expected: [[1, 2], [1, 2]] }],
  },
  {
    // broadcastTo's adjoint; differentiable in dy (x only gives the shape)
    name: 'unbroadcast', fn: ag.unbroadcast, inputs: () => [randn([3, 1]), randn([2, 3, 4])], argnums: [1],
    values: [
      { label: 'sums leading and size-1 axes', args: () => [ag.zeros([2, 1]), ag.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])], expected: [[14], [22]] },
      { label: 'same shape is dy itself', args: () => [ag.zeros([2]), ag.tensor([1, 2])], expected: [1, 2] },
    ],
  },
  {
    name: 'transpose', fn: (x: ag.Tensor) => ag.transpose(x, [2, 0, 1]), inputs: () => [randn([2, 3, 4])],
    values: [{ label: 'matrix, axes reversed by default', call: (x: ag.Tensor) => ag.transpose(x), args: () => [ag.tensor([[1, 2, 3]])], expected: [[1], [2], [3]] }],
  },
  {
    // Through float32 and back: the gradient is 1 up to float32 rounding of
    // the finite differences, so first order only, with float32 tolerances.
    name: 'cast', fn: (x: ag.Tensor) => ag.cast(ag.cast(x, 'float32'), 'float64'), inputs: () => [randn([3])], noFloat32Check: true,
    order: 1, atol: 1e-3, rtol: 1e-3, eps: 0.01,
    values: [
      { label: 'to float64', args: () => [ag.tensor([1.5])], expected: [1.5] },
      { label: 'float64 to float32 rounds', call: (x: ag.Tensor) => ag.cast(x, 'float32'), args: () => [ag.tensor([1 + 2 ** -30], { dtype: 'float64' })], expected: [1] },
    ],
  },
];
