// Comparisons and elementwise tests (zero-gradient, 0/1 results in the
// operands' dtype) and where (differentiable in a and b).
import * as ag from '../../src/index';
import type { OpCase, ValueCase } from './harness';

const f64 = { dtype: 'float64' as const };
const t = (data: ag.NestedArray) => ag.tensor(data as number[], f64);
const randn = (shape: number[]) => ag.randn(shape, f64);

/** Operands with ties, NaNs and infinities, exact in float32 too. */
const pair = () => [t([[1, 2, 3, NaN, Infinity, -Infinity]]), t([[2], [3]])];

/** A comparison's table entry: order 0, and the values it gives on `pair()` and more. */
function comparison(name: string, fn: (a: ag.TensorLike, b: ag.TensorLike) => ag.Tensor, onPair: number[][], more: ValueCase[]): OpCase {
  return {
    name, fn, order: 0, inputs: () => [t([[1, 2, 3, NaN]]), t([[2], [NaN]])],
    values: [{ label: 'broadcast [1,6] with [2,1], NaN and infinities', args: pair, expected: onPair }, ...more],
  };
}

export const cases: OpCase[] = [
  comparison('equal', ag.equal, [[0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]], [
    { label: 'NaN == NaN is 0', args: () => [t([NaN, 0]), t([NaN, -0])], expected: [0, 1] },
    {
      label: 'float32, SIMD body and tail',
      args: () => [ag.tensor([1, NaN, 3, 4, 5, 6, 7, 8, 0]), ag.tensor([1, NaN, 0, 4, 0, 6, 0, 8, -0])],
      expected: [1, 0, 0, 1, 0, 1, 0, 1, 1],
    },
    { label: 'number on the left', args: () => [2, t([1, 2])], expected: [0, 1] },
    { label: 'infinities', args: () => [t([Infinity, -Infinity]), Infinity], expected: [1, 0] },
  ]),
  comparison('notEqual', ag.notEqual, [[1, 0, 1, 1, 1, 1], [1, 1, 0, 1, 1, 1]], [
    { label: 'NaN != NaN is 1', args: () => [t([NaN, 0]), t([NaN, -0])], expected: [1, 0] },
    { label: 'number on the right', args: () => [t([1, 2]), 2], expected: [1, 0] },
  ]),
  comparison('less', ag.less, [[1, 0, 0, 0, 0, 1], [1, 1, 0, 0, 0, 1]], [
    { label: 'number on the left', args: () => [2, t([1, 2, 3])], expected: [0, 0, 1] },
    { label: 'float32 result', args: () => [ag.tensor([1, 2]), ag.tensor(1.5)], expected: [1, 0] },
    {
      label: 'float32, SIMD body and tail',
      args: () => [ag.tensor([1, 2, NaN, 4, 5, 6, -Infinity, 8, 9]), ag.tensor([2, 2, 2, 5, 4, NaN, 0, 9, 9])],
      expected: [1, 0, 0, 1, 0, 0, 1, 1, 0],
    },
  ]),
  comparison('lessEqual', ag.lessEqual, [[1, 1, 0, 0, 0, 1], [1, 1, 1, 0, 0, 1]], [
    { label: 'number on the right', args: () => [t([1, 2, 3]), 2], expected: [1, 1, 0] },
    { label: 'NaN <= NaN is 0', args: () => [t([NaN]), NaN], expected: [0] },
  ]),
  comparison('greater', ag.greater, [[0, 0, 1, 0, 1, 0], [0, 0, 0, 0, 1, 0]], [
    { label: 'number on the left', args: () => [2, t([1, 2, 3])], expected: [1, 0, 0] },
    { label: 'rank 3 with rank 1', args: () => [t([[[0], [5]]]), t([1, 4])], expected: [[[0, 0], [1, 1]]] },
  ]),
  comparison('greaterEqual', ag.greaterEqual, [[0, 1, 1, 0, 1, 0], [0, 0, 1, 0, 1, 0]], [
    { label: 'number on the right', args: () => [t([1, 2, 3]), 2], expected: [0, 1, 1] },
    { label: 'two numbers give a 0-d float64', args: () => [3, 3], expected: 1 },
  ]),
  {
    name: 'isnan', fn: ag.isnan, order: 0, inputs: () => [t([1, NaN, Infinity, -2])],
    values: [
      { label: '±Infinity and NaN', args: () => [t([[Infinity, -Infinity], [NaN, 0]])], expected: [[0, 0], [1, 0]] },
      { label: 'float32, longer than a SIMD vector', args: () => [ag.tensor([1, NaN, 3, 4, NaN, -Infinity, 7])], expected: [0, 1, 0, 0, 1, 0, 0] },
      { label: 'number', args: () => [NaN], expected: 1 },
    ],
  },
  {
    name: 'isfinite', fn: ag.isfinite, order: 0, inputs: () => [t([1, NaN, Infinity, -2])],
    values: [
      { label: '±Infinity and NaN', args: () => [t([[Infinity, -Infinity], [NaN, 0]])], expected: [[0, 0], [0, 1]] },
      {
        label: 'float32 extremes, longer than a SIMD vector',
        args: () => [ag.tensor([3.4e38, -Infinity, 1e-45, 0, NaN, Infinity, -1])], expected: [1, 0, 1, 1, 0, 0, 1],
      },
      { label: 'number', args: () => [-Infinity], expected: 0 },
    ],
  },
  {
    // cond gets no gradient (argnums: a and b only); a and b broadcast against it.
    name: 'where', fn: ag.where, argnums: [1, 2],
    inputs: () => [t([[1, 0, 1]]), randn([2, 3]), randn([2, 1])],
    values: [
      {
        label: 'cond [2,1], a [3], b [2,3]',
        args: () => [t([[1], [0]]), t([1, 2, 3]), t([[4, 5, 6], [7, 8, 9]])], expected: [[1, 2, 3], [7, 8, 9]],
      },
      { label: 'from a comparison (relu)', args: () => [ag.greater(t([-1, 2, -3, 4]), 0), t([-1, 2, -3, 4]), 0], expected: [0, 2, 0, 4] },
      { label: 'numbers for a and b take cond dtype', args: () => [ag.tensor([0, 1, 0.5]), 10, -10], expected: [-10, 10, 10] },
      { label: 'NaN cond counts as true, like numpy', args: () => [t([NaN, 0]), t([1, 1]), t([2, 2])], expected: [1, 2] },
      { label: 'float32 cond for float64 operands', args: () => [ag.tensor([1, 0, 1]), t([1, 2, 3]), t([4, 5, 6])], expected: [1, 5, 3] },
      {
        label: 'contiguous, longer than a SIMD vector, scalar b',
        args: () => [t([1, 0, 0, 1, 1, 0, 1]), t([1, 2, 3, 4, 5, 6, 7]), -1], expected: [1, -1, -1, 4, 5, -1, 7],
      },
      {
        label: 'rank 3 broadcast of all three',
        args: () => [t([[[1], [0]]]), t([[[1, 2]], [[3, 4]]]), t([9, 8])], expected: [[[1, 2], [9, 8]], [[3, 4], [9, 8]]],
      },
      { label: 'number cond', args: () => [0, t([1, 2]), t([3, 4])], expected: [3, 4] },
      {
        label: 'float32, SIMD body and tail, NaN cond, broadcast a',
        args: () => [ag.tensor([1, 0, NaN, 0, 1, 0, 0, 1, 0]), ag.tensor(7), ag.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9])],
        expected: [7, 2, 7, 4, 7, 6, 7, 7, 9],
      },
    ],
  },
];
