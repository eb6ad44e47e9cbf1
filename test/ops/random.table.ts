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
];
