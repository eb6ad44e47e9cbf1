// The rest of AutoGrad.jl's elementwise functions (issue 14): reciprocal
// trigonometric and hyperbolic functions and their inverses, functions of πx,
// angles, exp10, logBase, rem, copysign, logaddexp, xlogy; gamma, beta,
// lbeta, erfcx, erfcinv, dawson, invdigamma; the Bessel functions. Accuracy
// against mpmath is in test/special-accuracy.test.ts.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);
/** Uniform on [lo, hi). */
const uniform = (shape: number[], lo: number, hi: number) => ag.add(ag.mul(ag.rand(shape, f64), hi - lo), lo);
/** |x| uniform on [lo, hi), random signs. */
const signed = (shape: number[], lo: number, hi: number) => ag.mul(uniform(shape, lo, hi), ag.sign(randn(shape)));
const t64 = (data: number[]) => ag.tensor(data, f64);
const PI = Math.PI;

export const cases: OpCase[] = [
  // ---- reciprocal trigonometric and hyperbolic functions, and inverses ----
  { name: 'sec', fn: ag.sec, inputs: () => [uniform([6], -1.2, 1.2)], values: [{ label: 'values', args: () => [t64([0, PI / 3])], expected: [1, 2] }] },
  { name: 'csc', fn: ag.csc, inputs: () => [uniform([6], 0.3, 2.8)], values: [{ label: 'values, ±Infinity at ±0', args: () => [t64([PI / 2, PI / 6, 0, -0])], expected: [1, 2, Infinity, -Infinity] }] },
  { name: 'cot', fn: ag.cot, inputs: () => [uniform([6], 0.3, 2.8)], values: [{ label: 'values', args: () => [t64([PI / 4, 0])], expected: [1, Infinity] }] },
  { name: 'asec', fn: ag.asec, inputs: () => [signed([6], 1.2, 4)], values: [{ label: 'values, NaN inside (-1, 1)', args: () => [t64([1, 2, -1, 0.5])], expected: [0, PI / 3, PI, NaN] }] },
  { name: 'acsc', fn: ag.acsc, inputs: () => [signed([6], 1.2, 4)], values: [{ label: 'values', args: () => [t64([1, 2, -2])], expected: [PI / 2, PI / 6, -PI / 6] }] },
  {
    name: 'acot', fn: ag.acot, inputs: () => [randn([6])],
    values: [
      { label: 'values, π/2 at 0', args: () => [t64([1, 0, -1])], expected: [PI / 4, PI / 2, -PI / 4] },
      { label: 'derivative -1 at 0', call: (x: ag.Tensor) => ag.grad((v: ag.Tensor) => ag.sum(ag.acot(v)))(x), args: () => [t64([0, 1])], expected: [-1, -0.5] },
    ],
  },
  { name: 'sech', fn: ag.sech, inputs: () => [randn([6])], values: [{ label: 'values', args: () => [t64([0, 1])], expected: [1, 1 / Math.cosh(1)] }] },
  { name: 'csch', fn: ag.csch, inputs: () => [signed([6], 0.3, 3)], values: [{ label: 'values', args: () => [t64([1, 0])], expected: [1 / Math.sinh(1), Infinity] }] },
  { name: 'coth', fn: ag.coth, inputs: () => [signed([6], 0.3, 3)], values: [{ label: 'values', args: () => [t64([1, -2])], expected: [1 / Math.tanh(1), 1 / Math.tanh(-2)] }] },
  { name: 'asech', fn: ag.asech, inputs: () => [uniform([6], 0.1, 0.9)], values: [{ label: 'values', args: () => [t64([1, 0.5, 2])], expected: [0, Math.acosh(2), NaN] }] },
  { name: 'acsch', fn: ag.acsch, inputs: () => [signed([6], 0.3, 3)], values: [{ label: 'values', args: () => [t64([1, -2])], expected: [Math.asinh(1), Math.asinh(-0.5)] }] },
  { name: 'acoth', fn: ag.acoth, inputs: () => [signed([6], 1.3, 4)], values: [{ label: 'values', args: () => [t64([2, -3, 1])], expected: [Math.atanh(0.5), Math.atanh(-1 / 3), Infinity] }] },
  // ---- functions of πx, angles, powers of ten ----
  {
    name: 'sinpi', fn: ag.sinpi, inputs: () => [randn([7])],
    values: [{ label: 'exact at integers and half-integers, large x', args: () => [t64([1, -2, 0.5, -1.5, 1e6, 0.25])], expected: [0, -0, 1, 1, 0, Math.SQRT1_2] }],
  },
  {
    name: 'cospi', fn: ag.cospi, inputs: () => [randn([7])],
    values: [{ label: 'exact at half-integers and integers', args: () => [t64([0.5, 1, -2, 1e6 + 0.5, 1 / 3])], expected: [0, -1, 1, 0, 0.5] }],
  },
  {
    name: 'sinc', fn: ag.sinc, inputs: () => [signed([7], 0.1, 3)],
    values: [
      { label: '1 at 0, 0 at integers and ±Infinity', args: () => [t64([0, 0.5, 1, -3, Infinity])], expected: [1, 2 / PI, 0, 0, 0] },
      { label: 'derivative 0 at 0', call: (x: ag.Tensor) => ag.grad((v: ag.Tensor) => ag.sum(ag.sinc(v)))(x), args: () => [t64([0, 1])], expected: [0, -1] },
    ],
  },
  { name: 'deg2rad', fn: ag.deg2rad, inputs: () => [randn([5])], values: [{ label: 'values', args: () => [t64([180, -90])], expected: [PI, -PI / 2] }] },
  { name: 'rad2deg', fn: ag.rad2deg, inputs: () => [randn([5])], values: [{ label: 'values', args: () => [t64([PI, -PI / 2])], expected: [180, -90] }] },
  {
    name: 'exp10', fn: ag.exp10, inputs: () => [randn([5])],
    values: [{ label: 'exact at integers', args: () => [t64([3, -2, 0, 22, 0.5])], expected: [1000, 0.01, 1, 1e22, Math.sqrt(10)], tol: 0 }],
  },
  {
    name: 'logBase', fn: ag.logBase, inputs: () => [uniform([2, 3], 0.5, 4), uniform([3], 1.5, 5)],
    values: [{ label: 'number base', args: () => [t64([9, 27, 1]), 3], expected: [2, 3, 0], tol: 1e-15 }],
  },
  // ---- binary functions ----
  {
    name: 'rem', fn: ag.rem, inputs: () => [ag.mul(randn([2, 3]), 4), uniform([3], 0.7, 2)],
    values: [{ label: 'sign of a, exact', args: () => [t64([5, -5, 5.5, -0.25, 1]), t64([3, 3, -2, 0.1, 0])], expected: [2, -2, 1.5, -0.04999999999999999, NaN], tol: 0 }],
  },
  {
    name: 'copysign', fn: ag.copysign, inputs: () => [signed([2, 3], 0.2, 2), signed([3], 0.2, 2)], argnums: [0],
    values: [{ label: 'sign bit of b, -0 included', args: () => [t64([1, -2, 3, 4]), t64([-1, 1, -0, 0])], expected: [-1, 2, -3, 4] }],
  },
  {
    name: 'logaddexp', fn: ag.logaddexp, inputs: () => [randn([2, 3]), randn([3])],
    values: [
      { label: 'no overflow, -Infinity', args: () => [t64([0, 1000, -Infinity, 3]), t64([0, 1000, -Infinity, -Infinity])], expected: [Math.LN2, 1000 + Math.LN2, -Infinity, 3] },
    ],
  },
  {
    name: 'xlogy', fn: ag.xlogy, inputs: () => [randn([2, 3]), uniform([3], 0.3, 3)],
    values: [{ label: '0 where x is 0', args: () => [t64([0, 0, 2, 0]), t64([0, Infinity, Math.E, NaN])], expected: [0, 0, 2, NaN] }],
  },
  // ---- gamma family, error function family ----
  {
    name: 'gamma', fn: ag.gamma, inputs: () => [ag.concat([uniform([4], 0.5, 4), uniform([2], -0.9, -0.1)])],
    values: [{ label: 'factorials, poles', args: () => [t64([1, 5, 11, 0, -0, -1, 0.5])], expected: [1, 24, 3628800, Infinity, -Infinity, NaN, Math.sqrt(PI)], tol: 0 }],
  },
  {
    name: 'lbeta', fn: ag.lbeta, inputs: () => [uniform([2, 3], 0.5, 4), uniform([3], 0.5, 4)],
    values: [{ label: 'log 1/12', args: () => [t64([2]), 3], expected: [Math.log(1 / 12)], tol: 1e-15 }],
  },
  {
    name: 'beta', fn: ag.beta, inputs: () => [uniform([2, 3], 0.5, 4), uniform([3], 0.5, 4)],
    values: [{ label: 'values, negative non-integers', args: () => [t64([2, -0.5]), t64([3, 2])], expected: [1 / 12, -4] }],
  },
  {
    name: 'erfcx', fn: ag.erfcx, inputs: () => [randn([7])],
    values: [{ label: 'no underflow', args: () => [t64([0, 30])], expected: [1, 0.018795888861416751] }],
  },
  {
    name: 'erfcinv', fn: ag.erfcinv, inputs: () => [uniform([7], 0.05, 1.95)],
    values: [{ label: 'ends and the tail', args: () => [t64([0, 1, 2, 2.5, 1e-300])], expected: [Infinity, 0, -Infinity, NaN, 26.209469960516124] }],
  },
  {
    name: 'dawson', fn: ag.dawson, inputs: () => [ag.mul(randn([7]), 3)],
    values: [{ label: 'odd, tends to 1/(2x)', args: () => [t64([1, -1, 1e10])], expected: [0.5380795069127684, -0.5380795069127684, 5e-11] }],
  },
  {
    name: 'invdigamma', fn: ag.invdigamma, inputs: () => [ag.mul(randn([6]), 2)],
    values: [{ label: 'inverse of digamma', args: () => [t64([-0.5772156649015329, 0.42278433509846713])], expected: [1, 2] }],
  },
  // ---- Bessel functions ----
  { name: 'besselJ0', fn: ag.besselJ0, inputs: () => [ag.mul(randn([6]), 5)], values: [{ label: 'values', args: () => [t64([0, 1, -1])], expected: [1, 0.7651976865579666, 0.7651976865579666] }] },
  { name: 'besselJ1', fn: ag.besselJ1, inputs: () => [ag.mul(randn([6]), 5)], values: [{ label: 'odd', args: () => [t64([0, 1, -1])], expected: [0, 0.44005058574493355, -0.44005058574493355] }] },
  { name: 'besselY0', fn: ag.besselY0, inputs: () => [uniform([6], 0.5, 12)], values: [{ label: 'values', args: () => [t64([1, 0, -1])], expected: [0.08825696421567697, -Infinity, NaN], tol: 1e-14 }] },
  { name: 'besselY1', fn: ag.besselY1, inputs: () => [uniform([6], 0.5, 12)], values: [{ label: 'values', args: () => [t64([1, 0])], expected: [-0.7812128213002887, -Infinity] }] },
  { name: 'besselI0', fn: ag.besselI0, inputs: () => [ag.mul(randn([6]), 4)], values: [{ label: 'values', args: () => [t64([0, 1, -1])], expected: [1, 1.2660658777520082, 1.2660658777520082] }] },
  {
    name: 'besselI1', fn: ag.besselI1, inputs: () => [ag.mul(randn([6]), 4)],
    values: [
      { label: 'odd', args: () => [t64([0, 1, -1])], expected: [0, 0.565159103992485, -0.565159103992485] },
      { label: 'derivative 1/2 at 0', call: (x: ag.Tensor) => ag.grad((v: ag.Tensor) => ag.sum(ag.besselI1(v)))(x), args: () => [t64([0])], expected: [0.5] },
    ],
  },
  { name: 'besselK0', fn: ag.besselK0, inputs: () => [uniform([6], 0.3, 8)], values: [{ label: 'values', args: () => [t64([1, 0, -1])], expected: [0.42102443824070834, Infinity, NaN] }] },
  { name: 'besselK1', fn: ag.besselK1, inputs: () => [uniform([6], 0.3, 8)], values: [{ label: 'values', args: () => [t64([1, 0])], expected: [0.6019072301972346, Infinity] }] },
  {
    name: 'besselJ', fn: (x: ag.Tensor) => ag.besselJ(3, x), inputs: () => [ag.mul(randn([6]), 5)],
    values: [
      { label: 'order 2', call: (x: ag.Tensor) => ag.besselJ(2, x), args: () => [t64([1, 0])], expected: [0.11490348493190049, 0] },
      { label: 'negative order, negative x', call: (x: ag.Tensor) => ag.besselJ(-3, x), args: () => [t64([3])], expected: [-0.30906272225525164] },
      { label: 'order 0 is besselJ0', call: (x: ag.Tensor) => ag.besselJ(0, x), args: () => [t64([1])], expected: [0.7651976865579666] },
    ],
  },
];
