// Linear algebra: matmul (every numpy rank case, batched, broadcast), dot,
// outer, kron, diag, trace, tril/triu, inv, det, logdet, solve.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);
/** Well-conditioned square matrices: randn + n I (batched when `batch` is given). */
const wellConditioned = (n: number, batch: number[] = []) => ag.add(randn([...batch, n, n]), ag.mul(ag.eye(n, f64), n));
const t64 = (x: ag.NestedArray) => ag.tensor(x, f64);

const A2 = [[1, 2], [3, 4]];
const A3 = [[2, 0, 0], [0, 3, 4], [0, 1, 1]]; // det -2; needs no row exchange
const P3 = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]; // a cyclic permutation: det +1, needs row exchanges
const SWAP = [[0, 1], [1, 0]];

export const cases: OpCase[] = [
  {
    // basic.table.ts checks the 2-D case; these are the other numpy rank cases.
    name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b), inputs: () => [randn([2, 1, 3, 4]), randn([5, 4, 2])],
    values: [
      { label: '1-D @ 1-D is a 0-d dot product', args: () => [ag.tensor([1, 2, 3]), ag.tensor([4, 5, 6])], expected: 32 },
      { label: '1-D @ 2-D', args: () => [ag.tensor([1, 2]), ag.tensor([[1, 2, 3], [4, 5, 6]])], expected: [9, 12, 15] },
      { label: '2-D @ 1-D', args: () => [ag.tensor([[1, 2], [3, 4]]), ag.tensor([1, 1])], expected: [3, 7] },
      {
        label: 'N-D @ 1-D', args: () => [ag.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), ag.tensor([1, -1])],
        expected: [[-1, -1], [-1, -1]],
      },
      {
        label: '1-D @ N-D', args: () => [ag.tensor([1, -1]), ag.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])],
        expected: [[-2, -2], [-2, -2]],
      },
      {
        label: 'batch [2,1] @ batch [3] broadcasts to [2,3]',
        args: () => [ag.tensor([[[[1, 0], [0, 1]]], [[[2, 0], [0, 2]]]]), ag.tensor([A2, SWAP, [[1, 1], [1, 1]]])],
        expected: [
          [A2, SWAP, [[1, 1], [1, 1]]],
          [[[2, 4], [6, 8]], [[0, 2], [2, 0]], [[2, 2], [2, 2]]],
        ],
      },
      {
        label: 'N-D @ 2-D (one shared right operand)',
        args: () => [ag.tensor([[[1, 0], [0, 1]], [[1, 2], [3, 4]]]), ag.tensor(SWAP)],
        expected: [[[0, 1], [1, 0]], [[2, 1], [4, 3]]],
      },
      {
        label: '2-D @ N-D (one shared left operand)',
        args: () => [ag.tensor(SWAP), ag.tensor([[[1, 0], [0, 1]], [[1, 2], [3, 4]]])],
        expected: [[[0, 1], [1, 0]], [[3, 4], [1, 2]]],
      },
      {
        label: 'batched with both transpose flags', call: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b, { transposeA: true, transposeB: true }),
        args: () => [ag.tensor([A2, SWAP]), ag.tensor([[1, 2], [0, 1]])],
        // Aᵀ Bᵀ for A = [[1,2],[3,4]]: [[1,3],[2,4]] [[1,0],[2,1]] = [[7,3],[10,4]]; for SWAP: [[2,1],[1,0]]
        expected: [[[7, 3], [10, 4]], [[2, 1], [1, 0]]],
      },
      { label: 'inner dimension 0 gives zeros', args: () => [ag.zeros([2, 2, 0]), ag.zeros([0, 3])], expected: [[[0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0]]] },
    ],
  },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b, { transposeA: true, transposeB: true }), inputs: () => [randn([3, 4, 2]), randn([1, 5, 4])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b, { transposeA: true }), inputs: () => [randn([2, 4, 3]), randn([4, 2])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b, { transposeB: true }), inputs: () => [randn([3, 4]), randn([2, 5, 4])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b), inputs: () => [randn([2, 3, 4]), randn([4, 2])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b, { transposeB: true }), inputs: () => [randn([2, 3, 4]), randn([2, 4])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b), inputs: () => [randn([3, 4]), randn([2, 4, 2])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b, { transposeA: true }), inputs: () => [randn([4, 3]), randn([4])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b), inputs: () => [randn([4]), randn([2, 4, 3])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b), inputs: () => [randn([2, 3, 4]), randn([4])] },
  { name: 'matmul', fn: (a: ag.Tensor, b: ag.Tensor) => ag.matmul(a, b), inputs: () => [randn([4]), randn([4])] },
  {
    name: 'dot', fn: ag.dot, inputs: () => [randn([5]), randn([5])],
    values: [{ label: 'values', args: () => [ag.tensor([1, 2, 3]), ag.tensor([4, 5, 6])], expected: 32 }],
  },
  {
    name: 'outer', fn: ag.outer, inputs: () => [randn([3]), randn([4])],
    values: [
      { label: 'values', args: () => [ag.tensor([1, 2]), ag.tensor([1, 10, 100])], expected: [[1, 10, 100], [2, 20, 200]] },
      { label: 'flattens its inputs', args: () => [ag.tensor([[1], [2]]), ag.tensor([3])], expected: [[3], [6]] },
      { label: 'a number is a one-element vector', args: () => [ag.tensor([1, 2]), 3], expected: [[3], [6]] },
    ],
  },
  {
    name: 'kron', fn: ag.kron, inputs: () => [randn([2, 3]), randn([3, 2])],
    values: [
      {
        label: '2-D', args: () => [ag.tensor(A2), ag.tensor(SWAP)],
        expected: [[0, 1, 0, 2], [1, 0, 2, 0], [0, 3, 0, 4], [3, 0, 4, 0]],
      },
      { label: '1-D', args: () => [ag.tensor([1, 2]), ag.tensor([1, 10])], expected: [1, 10, 2, 20] },
      { label: '1-D with 2-D pads the shorter shape', args: () => [ag.tensor([1, 2]), ag.tensor([[1], [3]])], expected: [[1, 2], [3, 6]] },
      { label: 'a number scales', args: () => [2, ag.tensor([[1, 2]])], expected: [[2, 4]] },
    ],
  },
  { name: 'kron', fn: ag.kron, inputs: () => [randn([3]), randn([2, 2])] },
  {
    name: 'diag', fn: (x: ag.Tensor) => ag.diag(x, 1), inputs: () => [randn([3])],
    values: [
      { label: '1-D to matrix', call: (x: ag.Tensor) => ag.diag(x), args: () => [ag.tensor([1, 2])], expected: [[1, 0], [0, 2]] },
      { label: '1-D, k = -1', call: (x: ag.Tensor) => ag.diag(x, -1), args: () => [ag.tensor([1, 2])], expected: [[0, 0, 0], [1, 0, 0], [0, 2, 0]] },
      { label: '2-D to its diagonal', call: (x: ag.Tensor) => ag.diag(x), args: () => [ag.tensor([[1, 2, 3], [4, 5, 6]])], expected: [1, 5] },
      { label: '2-D, k = 1', args: () => [ag.tensor([[1, 2, 3], [4, 5, 6]])], expected: [2, 6] },
      { label: '2-D, k = -1', call: (x: ag.Tensor) => ag.diag(x, -1), args: () => [ag.tensor([[1, 2, 3], [4, 5, 6]])], expected: [4] },
      { label: '2-D, k past the corner is empty', call: (x: ag.Tensor) => ag.diag(x, 3), args: () => [ag.tensor([[1, 2, 3], [4, 5, 6]])], expected: [] },
    ],
  },
  { name: 'diag', fn: (x: ag.Tensor) => ag.diag(x, -1), inputs: () => [randn([3, 4])] },
  {
    name: 'trace', fn: ag.trace, inputs: () => [randn([3, 4])],
    values: [
      { label: 'square', args: () => [ag.tensor(A2)], expected: 5 },
      { label: 'not square', args: () => [ag.tensor([[1, 2, 3], [4, 5, 6]])], expected: 6 },
    ],
  },
  {
    name: 'tril', fn: (x: ag.Tensor) => ag.tril(x, 1), inputs: () => [randn([2, 3, 4])],
    values: [
      { label: 'k = 0', call: (x: ag.Tensor) => ag.tril(x), args: () => [ag.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], expected: [[1, 0, 0], [4, 5, 0], [7, 8, 9]] },
      { label: 'k = -1', call: (x: ag.Tensor) => ag.tril(x, -1), args: () => [ag.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], expected: [[0, 0, 0], [4, 0, 0], [7, 8, 0]] },
      { label: 'k = 1, not square', args: () => [ag.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])], expected: [[1, 2, 0, 0], [5, 6, 7, 0]] },
      { label: 'batched', call: (x: ag.Tensor) => ag.tril(x), args: () => [ag.tensor([A2, SWAP])], expected: [[[1, 0], [3, 4]], [[0, 0], [1, 0]]] },
      { label: 'k far below keeps nothing', call: (x: ag.Tensor) => ag.tril(x, -5), args: () => [ag.tensor(A2)], expected: [[0, 0], [0, 0]] },
    ],
  },
  {
    name: 'triu', fn: (x: ag.Tensor) => ag.triu(x, -1), inputs: () => [randn([2, 4, 3])],
    values: [
      { label: 'k = 0', call: (x: ag.Tensor) => ag.triu(x), args: () => [ag.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], expected: [[1, 2, 3], [0, 5, 6], [0, 0, 9]] },
      { label: 'k = 1', call: (x: ag.Tensor) => ag.triu(x, 1), args: () => [ag.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], expected: [[0, 2, 3], [0, 0, 6], [0, 0, 0]] },
      { label: 'k = -1, not square', args: () => [ag.tensor([[1, 2], [3, 4], [5, 6]])], expected: [[1, 2], [3, 4], [0, 6]] },
      { label: 'k far above keeps nothing', call: (x: ag.Tensor) => ag.triu(x, 5), args: () => [ag.tensor(A2)], expected: [[0, 0], [0, 0]] },
    ],
  },
  {
    name: 'inv', fn: ag.inv, inputs: () => [wellConditioned(3)],
    values: [
      { label: '2x2 by hand', args: () => [t64(A2)], expected: [[-2, 1], [1.5, -0.5]] },
      { label: '3x3 by hand', args: () => [t64(A3)], expected: [[0.5, 0, 0], [0, -1, 4], [0, 1, -3]] },
      { label: 'a permutation (row exchanges) inverts to its transpose', args: () => [t64(P3)], expected: [[0, 0, 1], [1, 0, 0], [0, 1, 0]] },
      { label: 'float32', args: () => [ag.tensor([[4, 7], [2, 6]])], expected: [[0.6, -0.7], [-0.2, 0.4]] },
      { label: 'batched', args: () => [t64([A2, [[2, 0], [0, 4]]])], expected: [[[-2, 1], [1.5, -0.5]], [[0.5, 0], [0, 0.25]]] },
    ],
  },
  { name: 'inv', fn: ag.inv, inputs: () => [wellConditioned(3, [2])] },
  {
    name: 'det', fn: ag.det, inputs: () => [wellConditioned(3)],
    values: [
      { label: '2x2 by hand', args: () => [t64(A2)], expected: -2 },
      { label: '3x3 by hand', args: () => [t64(A3)], expected: -2 },
      { label: '3x3 with row exchanges', args: () => [t64([[1, 2, 3], [4, 5, 6], [7, 8, 10]])], expected: -3 },
      { label: 'even permutation', args: () => [t64(P3)], expected: 1 },
      { label: 'odd permutation', args: () => [t64(SWAP)], expected: -1 },
      { label: 'singular is exactly 0', args: () => [t64([[1, 2], [2, 4]])], expected: 0 },
      { label: 'singular 3x3 is exactly 0', args: () => [t64([[1, 2, 3], [2, 4, 6], [1, 0, 1]])], expected: 0 },
      { label: 'batched', args: () => [t64([A2, SWAP, [[2, 0], [0, 4]]])], expected: [-2, -1, 8] },
      { label: '0x0 is 1', args: () => [ag.zeros([0, 0])], expected: 1 },
    ],
  },
  { name: 'det', fn: ag.det, inputs: () => [wellConditioned(2, [3])] },
  {
    name: 'logdet', fn: ag.logdet, inputs: () => [wellConditioned(3)],
    values: [
      { label: 'log |det| of a negative determinant', args: () => [t64(A2)], expected: Math.log(2) },
      { label: '3x3', args: () => [t64([[1, 2, 3], [4, 5, 6], [7, 8, 10]])], expected: Math.log(3) },
      { label: 'singular is -Infinity', args: () => [t64([[1, 2], [2, 4]])], expected: -Infinity },
      { label: 'batched', args: () => [t64([A2, [[2, 0], [0, 4]]])], expected: [Math.log(2), Math.log(8)] },
    ],
  },
  { name: 'logdet', fn: ag.logdet, inputs: () => [wellConditioned(3, [2])] },
  {
    name: 'solve', fn: ag.solve, inputs: () => [wellConditioned(3), randn([3])],
    values: [
      { label: 'needs a row exchange', args: () => [t64(SWAP), t64([2, 3])], expected: [3, 2] },
      { label: '2x2 by hand', args: () => [t64(A2), t64([5, 11])], expected: [1, 2] },
      { label: 'matrix right-hand side', args: () => [t64(A3), t64([[2, 0], [7, 1], [2, 0]])], expected: [[1, 0], [1, -1], [1, 1]] },
      { label: 'permutation, 3x3', args: () => [t64(P3), t64([1, 2, 3])], expected: [3, 1, 2] },
      { label: 'batched a with a vector b', args: () => [t64([A2, SWAP]), t64([5, 11])], expected: [[1, 2], [11, 5]] },
      {
        label: 'a broadcast against a batch of b', args: () => [t64(SWAP), t64([[[1], [2]], [[3], [4]], [[5], [6]]])],
        expected: [[[2], [1]], [[4], [3]], [[6], [5]]],
      },
    ],
  },
  { name: 'solve', fn: ag.solve, inputs: () => [wellConditioned(3), randn([3, 2])] },
  { name: 'solve', fn: ag.solve, inputs: () => [wellConditioned(2, [3, 1]), randn([2, 2, 1])] },
];
