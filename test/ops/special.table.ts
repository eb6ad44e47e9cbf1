// Special functions: erf erfc erfinv lgamma digamma trigamma polygamma.
// Known values are mpmath's at 40 digits, rounded to float64; the harness
// compares with tol·max(1, |expected|), so the tail and tiny values are
// checked relatively in special.test.ts.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const t = (x: ag.NestedArray) => ag.tensor(x, f64);
/** Uniform float64 samples on (lo, hi). */
const uniform = (shape: number[], lo: number, hi: number) => ag.add(ag.mul(ag.rand(shape, f64), hi - lo), lo);

const TOL = 1e-14;
/** polygamma of a fixed order, as a function of x. */
const order = (n: number) => (x: ag.Tensor) => ag.polygamma(n, x);

export const cases: OpCase[] = [
  {
    name: 'erf', fn: ag.erf, inputs: () => [uniform([2, 5], -2, 2)],
    values: [
      { label: 'known values', args: () => [t([0, 0.5, -0.5, 1, 2, 5.9])], tol: TOL,
        expected: [0, 0.5204998778130465, -0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999999999999999] },
      { label: 'limits and NaN', args: () => [t([Infinity, -Infinity, 30, NaN])], expected: [1, -1, 1, NaN] },
      { label: 'number input', args: () => [0.5], expected: 0.5204998778130465, tol: TOL },
      { label: 'float32', args: () => [ag.tensor([0.5, -1])], expected: [0.5204998778130465, -0.8427007929497149] },
    ],
  },
  {
    name: 'erfc', fn: ag.erfc, inputs: () => [uniform([2, 5], -2, 2)],
    values: [
      { label: 'known values', args: () => [t([0.5, -1, 2, 0, -5.9])], tol: TOL,
        expected: [0.4795001221869535, 1.8427007929497148, 0.004677734981047266, 1, 2] },
      { label: 'limits and NaN', args: () => [t([Infinity, -Infinity, NaN])], expected: [0, 2, NaN] },
      { label: '2-d', args: () => [t([[0.5], [-1]])], expected: [[0.4795001221869535], [1.8427007929497148]], tol: TOL },
    ],
  },
  {
    name: 'erfinv', fn: ag.erfinv, inputs: () => [uniform([7], -0.9, 0.9)],
    values: [
      { label: 'known values', args: () => [t([0.5, -0.5, 0.9, 0.999, 0, 1 - 2 ** -53])], tol: TOL,
        expected: [0.4769362762044699, -0.4769362762044699, 1.1630871536766743, 2.3267537655135246, 0, 5.8635847487551676] },
      { label: '±1 give ±Infinity, outside [-1, 1] NaN', args: () => [t([1, -1, 1.5, -2, NaN])],
        expected: [Infinity, -Infinity, NaN, NaN, NaN] },
    ],
  },
  {
    name: 'lgamma', fn: ag.lgamma, inputs: () => [uniform([2, 4], 0.5, 5)],
    values: [
      { label: 'known values', args: () => [t([0.5, 10, -0.5, 1.5, 3, 100, -2.5, 171.5])], tol: TOL,
        expected: [0.5723649429247001, 12.801827480081469, 1.2655121234846454, -0.12078223763524522, 0.6931471805599453,
          359.1342053695754, -0.056243716497674054, 709.1431630309282] },
      { label: 'exact zeros at 1 and 2', args: () => [t([1, 2])], expected: [0, 0] },
      { label: 'poles and infinities are +Infinity', args: () => [t([0, -0, -1, -7, Infinity, -Infinity, NaN])],
        expected: [Infinity, Infinity, Infinity, Infinity, Infinity, Infinity, NaN] },
    ],
  },
  {
    name: 'digamma', fn: ag.digamma, inputs: () => [uniform([2, 4], 0.5, 5)],
    values: [
      { label: 'known values', args: () => [t([1, 0.5, 2, 10, -0.5, -2.5, 100])], tol: TOL,
        expected: [-0.5772156649015329, -1.9635100260214235, 0.42278433509846713, 2.251752589066721, 0.03648997397857652,
          1.103156640645243, 4.600161852738087] },
      { label: 'poles are NaN, ψ(Infinity) = Infinity', args: () => [t([0, -0, -1, -3, -Infinity, Infinity])],
        expected: [NaN, NaN, NaN, NaN, NaN, Infinity] },
    ],
  },
  {
    name: 'trigamma', fn: ag.trigamma, inputs: () => [uniform([2, 4], 0.5, 5)],
    values: [
      { label: 'known values (trigamma(1) = π²/6)', args: () => [t([1, 0.5, 2, 10, -0.5, -2.5])], tol: TOL,
        expected: [Math.PI ** 2 / 6, Math.PI ** 2 / 2, 0.6449340668482264, 0.10516633568168575, 8.934802200544679,
          9.539246644989124] },
      { label: 'poles are +Infinity', args: () => [t([0, -2])], expected: [Infinity, Infinity] },
    ],
  },
  {
    name: 'polygamma', fn: order(2), inputs: () => [uniform([2, 4], 0.5, 5)],
    values: [
      { label: 'n = 2 (polygamma(2, 1) = -2ζ(3))', args: () => [t([1, 0.5, 3, -0.5])], tol: TOL,
        expected: [-2.4041138063191885, -16.82879664423432, -0.15411380631918858, -0.82879664423432] },
      { label: 'n = 3 (polygamma(3, 1) = π⁴/15)', call: order(3), args: () => [t([1, 0.5, 3, -0.5])], tol: TOL,
        expected: [Math.PI ** 4 / 15, 97.40909103400244, 0.11893940226682916, 193.40909103400244] },
      { label: 'n = 0 is digamma', call: order(0), args: () => [t([1, 0.5])], tol: TOL,
        expected: [-0.5772156649015329, -1.9635100260214235] },
      { label: 'n = 1 is trigamma', call: order(1), args: () => [t([1])], expected: [1.6449340668482264], tol: TOL },
      { label: 'n = 5', call: order(5), args: () => [t([1, 7.25])], expected: [122.0811674381339, 0.001667357519228256], tol: TOL },
      { label: 'n = 10', call: order(10), args: () => [t([2.5])], expected: [-156.229596593233], tol: TOL },
      { label: 'poles: +Infinity for odd n', call: order(3), args: () => [t([0, -1])], expected: [Infinity, Infinity] },
      { label: 'poles: NaN for even n', call: order(2), args: () => [t([0, -1])], expected: [NaN, NaN] },
      { label: 'number input', call: order(1), args: () => [1], expected: 1.6449340668482264, tol: TOL },
      { label: 'float32', call: order(2), args: () => [ag.tensor([1, 0.5])], expected: [-2.4041138063191885, -16.82879664423432] },
    ],
  },
];
