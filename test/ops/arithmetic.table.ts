// Broadcasting binary arithmetic beyond add/sub/mul/div/neg (those are in
// basic.table.ts): pow, maximum, minimum, atan2, hypot, mod.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const t = (data: ag.NestedArray) => ag.tensor(data as number[], f64);
const randn = (shape: number[]) => ag.randn(shape, f64);
/** Uniform in [0.5, 1.5): a positive base for pow, away from 0. */
const positive = (shape: number[]) => ag.add(ag.rand(shape, f64), 0.5);
const PI = Math.PI;

export const cases: OpCase[] = [
  {
    // a > 0 so that d/db = a^b log a is defined; both operands differentiated.
    name: 'pow', fn: ag.pow, inputs: () => [positive([2, 3]), randn([3])],
    values: [
      { label: '(-2)^3 = -8, 0^0 = 1, 4^0.5, 2^-1', args: () => [t([-2, 0, 4, 2]), t([3, 0, 0.5, -1])], expected: [-8, 1, 2, 0.5] },
      { label: 'negative base: even integer power positive, non-integer power NaN', args: () => [t([-3, -8]), t([2, 1 / 3])], expected: [9, NaN] },
      { label: '0 to a negative power is Infinity', args: () => [t([0]), -1], expected: [Infinity] },
      { label: 'broadcast [2,1] with [3]', args: () => [t([[2], [3]]), t([0, 1, 2])], expected: [[1, 2, 4], [1, 3, 9]] },
      {
        label: 'broadcast across ranks [2,1,2] with [3,1]',
        args: () => [t([[[1, 2]], [[3, 4]]]), t([[0], [1], [2]])],
        expected: [[[1, 1], [1, 2], [1, 4]], [[1, 1], [3, 4], [9, 16]]],
      },
      { label: 'number exponent', args: () => [t([1, 2, 3]), 2], expected: [1, 4, 9] },
      { label: 'number base', args: () => [2, t([1, 2, -1])], expected: [2, 4, 0.5] },
      { label: 'float32 keeps float32', args: () => [ag.tensor([1.5, -2]), 2], expected: [2.25, 4] },
    ],
  },
  {
    // Random operands never tie, so the kink of max is avoided.
    name: 'maximum', fn: ag.maximum, inputs: () => [randn([2, 3]), randn([3])],
    values: [
      { label: 'broadcast [2,1] with [3]', args: () => [t([[0], [2]]), t([-1, 1, 3])], expected: [[0, 1, 3], [2, 2, 3]] },
      { label: 'number on the right (relu)', args: () => [t([-2, 0.5, 3]), 0], expected: [0, 0.5, 3] },
      { label: 'number on the left', args: () => [1, t([[-2], [4]])], expected: [[1], [4]] },
      { label: 'NaN propagates, infinities order', args: () => [t([NaN, 1, -Infinity]), t([1, NaN, -5])], expected: [NaN, NaN, -5] },
      {
        label: 'float32, SIMD body and tail',
        args: () => [ag.tensor([1, NaN, 3, -4, 5, -Infinity, 7, 8, 9]), ag.tensor([2, 2, NaN, 2, 2, 2, 2, 9, 2])],
        expected: [2, NaN, NaN, 2, 5, 2, 7, 9, 9],
      },
    ],
  },
  {
    name: 'minimum', fn: ag.minimum, inputs: () => [randn([3, 1]), randn([2, 1, 4])],
    values: [
      { label: 'broadcast [2,1] with [3]', args: () => [t([[0], [2]]), t([-1, 1, 3])], expected: [[-1, 0, 0], [-1, 1, 2]] },
      { label: 'number on the right', args: () => [t([-2, 0.5, 3]), 1], expected: [-2, 0.5, 1] },
      { label: 'number on the left', args: () => [1, t([-2, 4])], expected: [-2, 1] },
      { label: 'NaN propagates, infinities order', args: () => [t([NaN, 1, Infinity]), t([1, NaN, 5])], expected: [NaN, NaN, 5] },
      {
        label: 'float32, SIMD body and tail, scalar operand',
        args: () => [ag.tensor([1, NaN, 3, -4, 5, Infinity, 7, 8, 9]), 4],
        expected: [1, NaN, 3, -4, 4, 4, 4, 4, 4],
      },
    ],
  },
  {
    // Random points stay well away from the origin and from the branch cut
    // (y = 0, x < 0) at this seed.
    name: 'atan2', fn: ag.atan2, inputs: () => [randn([2, 3]), randn([3])],
    values: [
      { label: 'four quadrants', args: () => [t([1, 1, -1, -1]), t([1, -1, -1, 1])], expected: [PI / 4, (3 * PI) / 4, (-3 * PI) / 4, -PI / 4] },
      { label: 'on the axes', args: () => [t([0, 1, 0, -1]), t([1, 0, -1, 0])], expected: [0, PI / 2, PI, -PI / 2] },
      { label: 'signed zero picks the side of the cut', args: () => [t([-0, 0]), t([-1, -1])], expected: [-PI, PI] },
      { label: 'broadcast [2,1] with [2]', args: () => [t([[1], [-1]]), t([1, -1])], expected: [[PI / 4, (3 * PI) / 4], [-PI / 4, (-3 * PI) / 4]] },
      { label: 'number y', args: () => [1, t([1, 0, -1])], expected: [PI / 4, PI / 2, (3 * PI) / 4] },
      { label: 'number x', args: () => [t([1, -1]), 0], expected: [PI / 2, -PI / 2] },
    ],
  },
  {
    name: 'hypot', fn: ag.hypot, inputs: () => [randn([2, 3]), randn([2, 1])],
    values: [
      { label: 'number on the right', args: () => [t([3, 5, -3]), 4], expected: [5, Math.sqrt(41), 5] },
      { label: 'number on the left', args: () => [12, t([[5], [-9]])], expected: [[13], [15]] },
      { label: 'no overflow in the squares', args: () => [t([3e200, 3e-200]), t([4e200, 4e-200])], expected: [5e200, 5e-200] },
      { label: 'float32, no overflow past 1.8e19', args: () => [ag.tensor([3e30]), ag.tensor([4e30])], expected: [5e30] },
      { label: 'broadcast across ranks [3] with [2,1,1]', args: () => [t([0, 3, 6]), t([[[0]], [[4]]])], expected: [[[0, 3, 6]], [[4, 5, Math.sqrt(52)]]] },
    ],
  },
  {
    // b keeps away from 0; random a / b lands on an integer (a jump) with
    // probability 0.
    name: 'mod', fn: ag.mod, inputs: () => [ag.mul(randn([2, 3]), 3), t([1.5, -2.5, 0.7])],
    values: [
      { label: 'sign of the divisor, like numpy', args: () => [t([-7, 7, -7, 7]), t([3, 3, -3, -3])], expected: [2, 1, -1, -2] },
      { label: 'fractions', args: () => [t([5.5, -5.5, 0.25]), 2], expected: [1.5, 0.5, 0.25] },
      { label: 'by zero is NaN', args: () => [t([1, 0]), 0], expected: [NaN, NaN] },
      { label: 'number on the left', args: () => [7, t([2, -2, 5])], expected: [1, -1, 2] },
      { label: 'broadcast [2,1] with [2]', args: () => [t([[-1], [4]]), t([3, -3])], expected: [[2, -1], [1, -2]] },
      { label: 'float32', args: () => [ag.tensor([-7.5, 7.5]), 2], expected: [0.5, 1.5] },
    ],
  },
];
