// Elementwise math (src/ops/unary.ts). exp, log, sqrt, tanh and abs2 are
// listed in basic.table.ts; edge cases beyond a table row are in unary.test.ts.
import * as ag from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const f32 = { dtype: 'float32' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);
/** Uniform in (lo, hi). */
const uniform = (shape: number[], lo: number, hi: number) => ag.add(ag.mul(ag.rand(shape, f64), hi - lo), lo);
const t = (data: ag.NestedArray) => ag.tensor(data, f64);
/** Both signs, every |x| ≥ 0.2: away from the kinks of abs, relu, elu, clamp and the pole of reciprocal. */
const awayFromZero = () => t([[-1.3, -0.4, 0.7], [2.1, 0.25, -2.2]]);
const { PI, E, SQRT2 } = Math;

export const cases: OpCase[] = [
  // Exponentials and logarithms
  {
    name: 'exp2', fn: ag.exp2, inputs: () => [randn([2, 3])],
    values: [
      { label: 'exact at integers', args: () => [t([3, -1, 0, 10])], expected: [8, 0.5, 1, 1024] },
      { label: 'half', args: () => [t([0.5])], expected: [SQRT2], tol: 1e-15 },
      { label: 'number', args: () => [-2], expected: 0.25 },
    ],
  },
  {
    name: 'expm1', fn: ag.expm1, inputs: () => [randn([2, 3])],
    values: [
      { label: 'values', args: () => [t([0, 1, -Infinity])], expected: [0, E - 1, -1] },
      { label: 'float32', args: () => [ag.tensor([1, -1], f32)], expected: [E - 1, 1 / E - 1] },
    ],
  },
  {
    name: 'log2', fn: ag.log2, inputs: () => [uniform([2, 3], 0.2, 3)],
    values: [
      { label: 'exact at powers of two', args: () => [t([8, 0.5, 1024, 1])], expected: [3, -1, 10, 0] },
      { label: 'negative gives NaN, 0 gives -Infinity', args: () => [t([-1, 0])], expected: [NaN, -Infinity] },
    ],
  },
  {
    name: 'log10', fn: ag.log10, inputs: () => [uniform([2, 3], 0.2, 3)],
    values: [
      { label: 'powers of ten', args: () => [t([1000, 0.01, 1])], expected: [3, -2, 0] },
      { label: 'negative gives NaN', args: () => [t([-10])], expected: [NaN] },
    ],
  },
  {
    name: 'log1p', fn: ag.log1p, inputs: () => [uniform([2, 3], -0.8, 3)],
    values: [
      { label: 'values', args: () => [t([0, E - 1])], expected: [0, 1] },
      { label: '-1 gives -Infinity, below gives NaN', args: () => [t([-1, -2])], expected: [-Infinity, NaN] },
    ],
  },

  // Powers and magnitudes
  {
    name: 'cbrt', fn: ag.cbrt, inputs: () => [awayFromZero()],
    values: [
      { label: 'both signs', args: () => [t([27, -8, 0, 0.001])], expected: [3, -2, 0, 0.1] },
      { label: 'number', args: () => [-64], expected: -4 },
    ],
  },
  {
    name: 'reciprocal', fn: ag.reciprocal, inputs: () => [awayFromZero()],
    values: [
      { label: 'values', args: () => [t([2, -4, 0.5])], expected: [0.5, -0.25, 2] },
      { label: 'signed zeros give signed infinities', args: () => [t([0, -0])], expected: [Infinity, -Infinity] },
      { label: 'float32 matrix', args: () => [ag.tensor([[1, 2], [4, 8]], f32)], expected: [[1, 0.5], [0.25, 0.125]] },
    ],
  },
  {
    name: 'abs', fn: ag.abs, inputs: () => [awayFromZero()],
    values: [
      { label: 'values', args: () => [t([-3, 0, 2.5, -Infinity])], expected: [3, 0, 2.5, Infinity] },
      { label: 'float32 matrix', args: () => [ag.tensor([[-1, 2], [3, -4]], f32)], expected: [[1, 2], [3, 4]] },
      { label: 'number', args: () => [-2], expected: 2 },
    ],
  },
  {
    name: 'sign', fn: ag.sign, inputs: () => [randn([2, 3])], order: 0,
    values: [
      { label: 'values, NaN stays NaN', args: () => [t([-3, 0, 2, -0.5, NaN, -Infinity])], expected: [-1, 0, 1, -1, NaN, -1] },
      { label: 'number', args: () => [-7], expected: -1 },
    ],
  },

  // Trigonometric
  {
    name: 'sin', fn: ag.sin, inputs: () => [randn([2, 3])],
    values: [{ label: 'values', args: () => [t([0, PI / 2, PI / 6, -PI / 2])], expected: [0, 1, 0.5, -1] }],
  },
  {
    name: 'cos', fn: ag.cos, inputs: () => [randn([2, 3])],
    values: [{ label: 'values', args: () => [t([0, PI, PI / 3])], expected: [1, -1, 0.5] }],
  },
  {
    name: 'tan', fn: ag.tan, inputs: () => [uniform([2, 3], -1.2, 1.2)],
    values: [{ label: 'values', args: () => [t([0, PI / 4, -PI / 4])], expected: [0, 1, -1] }],
  },
  {
    name: 'asin', fn: ag.asin, inputs: () => [uniform([2, 3], -0.9, 0.9)],
    values: [
      { label: 'values', args: () => [t([0, 1, 0.5, -1])], expected: [0, PI / 2, PI / 6, -PI / 2] },
      { label: 'outside [-1, 1] gives NaN', args: () => [t([1.5, -2])], expected: [NaN, NaN] },
    ],
  },
  {
    name: 'acos', fn: ag.acos, inputs: () => [uniform([2, 3], -0.9, 0.9)],
    values: [
      { label: 'values', args: () => [t([1, 0, 0.5, -1])], expected: [0, PI / 2, PI / 3, PI] },
      { label: 'outside [-1, 1] gives NaN', args: () => [t([2])], expected: [NaN] },
    ],
  },
  {
    name: 'atan', fn: ag.atan, inputs: () => [randn([2, 3])],
    values: [{ label: 'values', args: () => [t([0, 1, -1, Infinity])], expected: [0, PI / 4, -PI / 4, PI / 2] }],
  },

  // Hyperbolic
  {
    name: 'sinh', fn: ag.sinh, inputs: () => [randn([2, 3])],
    values: [{ label: 'values', args: () => [t([0, 1, -1])], expected: [0, (E - 1 / E) / 2, -(E - 1 / E) / 2] }],
  },
  {
    name: 'cosh', fn: ag.cosh, inputs: () => [randn([2, 3])],
    values: [{ label: 'values', args: () => [t([0, 1, -1])], expected: [1, (E + 1 / E) / 2, (E + 1 / E) / 2] }],
  },
  {
    name: 'asinh', fn: ag.asinh, inputs: () => [randn([2, 3])],
    values: [{ label: 'values', args: () => [t([0, 1, -1])], expected: [0, Math.log(1 + SQRT2), -Math.log(1 + SQRT2)] }],
  },
  {
    name: 'acosh', fn: ag.acosh, inputs: () => [uniform([2, 3], 1.2, 4)],
    values: [
      { label: 'values', args: () => [t([1, 2])], expected: [0, Math.log(2 + Math.sqrt(3))] },
      { label: 'below 1 gives NaN', args: () => [t([0.5])], expected: [NaN] },
    ],
  },
  {
    name: 'atanh', fn: ag.atanh, inputs: () => [uniform([2, 3], -0.9, 0.9)],
    values: [
      { label: 'values', args: () => [t([0, 0.5, -0.5])], expected: [0, Math.log(3) / 2, -Math.log(3) / 2] },
      { label: '±1 give ±Infinity, beyond gives NaN', args: () => [t([1, -1, 2])], expected: [Infinity, -Infinity, NaN] },
    ],
  },

  // Activations
  {
    name: 'sigmoid', fn: ag.sigmoid, inputs: () => [ag.mul(randn([2, 3]), 3)],
    values: [
      { label: 'values', args: () => [t([0, 2, -2])], expected: [0.5, 0.8807970779778824, 1 - 0.8807970779778824] },
      { label: 'saturates exactly at ±1000', args: () => [t([1000, -1000, Infinity, -Infinity])], expected: [1, 0, 1, 0] },
      { label: 'float32 saturates too', args: () => [ag.tensor([100, -100], f32)], expected: [1, 0] },
    ],
  },
  {
    name: 'relu', fn: ag.relu, inputs: () => [awayFromZero()],
    values: [
      { label: 'values, NaN stays NaN', args: () => [t([-1, 0, 2, NaN])], expected: [0, 0, 2, NaN] },
      { label: 'float32 matrix', args: () => [ag.tensor([[-1, 2], [3, -4]], f32)], expected: [[0, 2], [3, 0]] },
    ],
  },
  {
    name: 'softplus', fn: ag.softplus, inputs: () => [ag.mul(randn([2, 3]), 3)],
    values: [
      { label: 'values', args: () => [t([0, 2])], expected: [Math.LN2, 2.1269280110429727] },
      { label: 'no overflow at 1000, exact 0 at -1000', args: () => [t([1000, -1000])], expected: [1000, 0] },
      { label: 'small tail', args: () => [t([-50])], expected: [1.9287498479639178e-22], tol: 1e-37 },
    ],
  },
  {
    name: 'elu', fn: (x: ag.Tensor) => ag.elu(x, 0.7), inputs: () => [awayFromZero()],
    values: [
      { label: 'alpha 1 by default', call: (x: ag.Tensor) => ag.elu(x), args: () => [t([-1, 0, 2])], expected: [1 / E - 1, 0, 2] },
      { label: 'alpha 0.5', args: () => [t([-1, -Infinity])], call: (x: ag.Tensor) => ag.elu(x, 0.5), expected: [0.5 * (1 / E - 1), -0.5] },
    ],
  },
  {
    name: 'gelu', fn: ag.gelu, inputs: () => [ag.mul(randn([2, 3]), 2)],
    values: [
      // Reference values from mpmath at 40 digits.
      {
        label: 'values', args: () => [t([0, 1, -1, 3, -3, 0.5])], tol: 1e-15,
        expected: [0, 0.8413447460685429, -0.15865525393145705, 2.99595030590511, -0.0040496940948902835, 0.34573123063700656],
      },
      { label: 'large arguments', args: () => [t([8, Infinity, -Infinity])], expected: [7.999999999999995, Infinity, -0] },
    ],
  },
  {
    name: 'clamp', fn: (x: ag.Tensor) => ag.clamp(x, -0.5, 0.8), inputs: () => [awayFromZero()],
    values: [
      { label: 'both bounds', call: (x: ag.Tensor) => ag.clamp(x, 0, 1), args: () => [t([-2, 0.5, 3, NaN])], expected: [0, 0.5, 1, NaN] },
      { label: 'lo only', call: (x: ag.Tensor) => ag.clamp(x, 0), args: () => [t([-2, 0.5, 3])], expected: [0, 0.5, 3] },
      { label: 'hi only', call: (x: ag.Tensor) => ag.clamp(x, null, 1), args: () => [t([-2, 0.5, 3])], expected: [-2, 0.5, 1] },
      { label: 'number', call: (x: number) => ag.clamp(x, 0, 1), args: () => [5], expected: 1 },
      { label: 'float32 matrix', call: (x: ag.Tensor) => ag.clamp(x, -1, 1), args: () => [ag.tensor([[-3, 0.5], [2, -0.25]], f32)], expected: [[-1, 0.5], [1, -0.25]] },
    ],
  },

  // Rounding (zero-gradient)
  {
    name: 'floor', fn: ag.floor, inputs: () => [ag.mul(randn([2, 3]), 3)], order: 0,
    values: [{ label: 'values', args: () => [t([1.5, -1.5, 2, -0.2])], expected: [1, -2, 2, -1] }],
  },
  {
    name: 'ceil', fn: ag.ceil, inputs: () => [ag.mul(randn([2, 3]), 3)], order: 0,
    values: [{ label: 'values', args: () => [t([1.5, -1.5, 2, 0.2])], expected: [2, -1, 2, 1] }],
  },
  {
    name: 'round', fn: ag.round, inputs: () => [ag.mul(randn([2, 3]), 3)], order: 0,
    values: [
      { label: 'half to even', args: () => [t([0.5, 1.5, 2.5, -0.5, -1.5, -2.5])], expected: [0, 2, 2, -0, -2, -2] },
      { label: 'not halves', args: () => [t([2.6, -2.4, 1e300])], expected: [3, -2, 1e300] },
      { label: 'float32', args: () => [ag.tensor([0.5, 1.5, 2.5], f32)], expected: [0, 2, 2] },
    ],
  },
  {
    name: 'trunc', fn: ag.trunc, inputs: () => [ag.mul(randn([2, 3]), 3)], order: 0,
    values: [{ label: 'toward zero', args: () => [t([1.7, -1.7, 3])], expected: [1, -1, 3] }],
  },
];
