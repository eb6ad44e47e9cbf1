// Sampling (issue 14): constants on every tape; values where they are
// certain, frequencies in test/sampling.test.ts.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };

export const cases: OpCase[] = [
  {
    name: 'bernoulli', fn: ag.bernoulli, inputs: () => [ag.rand([4, 3], f64)], order: 0, noFloat32Check: true,
    values: [
      { label: 'certain outcomes, NaN outside [0, 1]', args: () => [ag.tensor([0, 1, 1, 0, 2, -1, NaN], f64)], expected: [0, 1, 1, 0, NaN, NaN, NaN] },
      { label: 'seeded', call: (p: ag.Tensor) => (ag.seed(0), ag.bernoulli(p)), args: () => [ag.full([6], 0.5)], expected: [0, 1, 1, 1, 0, 0] },
    ],
  },
  {
    name: 'multinomial', fn: (p: ag.Tensor) => ag.multinomial(p, 2), inputs: () => [ag.add(ag.rand([3, 4], f64), 0.1)], order: 0, noFloat32Check: true,
    values: [
      { label: 'certain rows, int32', args: () => [ag.tensor([[0, 0, 3], [5, 0, 0]], f64)], call: (p: ag.Tensor) => ag.multinomial(p, 1), expected: [[2], [0]] },
      { label: 'without replacement: every positive category once', args: () => [ag.tensor([0, 2, 0, 1], f64)], call: (p: ag.Tensor) => ag.sort(ag.cast(ag.multinomial(p, 2), 'float64')), expected: [1, 3] },
      { label: 'with replacement', args: () => [ag.tensor([0, 1, 0], f64)], call: (p: ag.Tensor) => ag.multinomial(p, 4, { replacement: true }), expected: [1, 1, 1, 1] },
    ],
  },
  {
    name: 'categorical', fn: ag.categorical, inputs: () => [ag.randn([3, 4], f64)], order: 0, noFloat32Check: true,
    values: [
      { label: 'one class per row, int32', args: () => [ag.tensor([[0, -Infinity, -Infinity], [-Infinity, -Infinity, 1e300]], f64)], expected: [0, 2] },
    ],
  },
];
