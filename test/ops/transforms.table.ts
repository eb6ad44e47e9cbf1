// The transforms as entries of the op table: each row is a transform of a
// fixed smooth function, seen as a function of its input x (the tangent or
// direction is x itself, so one call makes the whole row and both dtypes
// work). The harness then checks known values, gradients to second order of
// the transform's result (third derivatives of the function inside), and
// float32 against float64; the failure sweep fails each allocation of each
// row. vjp's and linearize's results are functions: test/transforms.test.ts.
import * as ag from '../../src/index';
import type { Tensor } from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const t64 = (x: ag.NestedArray) => ag.tensor(x, f64);
const randn = (shape: number[]) => ag.randn(shape, f64);

/** g(x) = x Σx: J = diag(Σx) + x 1ᵀ, so J x = 2 x Σx. */
const g = (x: Tensor) => ag.mul(x, ag.sum(x));
/** h(x) = sin(x) ⊙ (W x) for a fixed W: a nonlinear map with a dense Jacobian. */
const W = [[0.5, -1, 0.25], [1, 0.3, -0.7], [-0.2, 0.8, 1.1]];
const h = (x: Tensor) => ag.mul(ag.sin(x), ag.matmul(ag.tensor(W, { dtype: x.dtype }), x));
/** s(x) = Σ x³ + (Σx)² / 2: H = diag(6x) + 1 1ᵀ. */
const s = (x: Tensor) => ag.add(ag.sum(ag.mul(ag.mul(x, x), x)), ag.mul(ag.abs2(ag.sum(x)), 0.5));

export const cases: OpCase[] = [
  {
    name: 'jvp', fn: (x: Tensor) => ag.jvp(h, [x], [x])[1] as Tensor, inputs: () => [randn([3])],
    values: [{ label: 'J x = 2 x Σx', call: (x: Tensor) => ag.jvp(g, [x], [x])[1] as Tensor, args: () => [t64([1, 2])], expected: [6, 12] }],
  },
  {
    name: 'jacobian', fn: (x: Tensor) => ag.jacobian(h)(x), inputs: () => [randn([3])],
    values: [{ label: 'diag(Σx) + x 1ᵀ', call: (x: Tensor) => ag.jacobian(g)(x), args: () => [t64([1, 2])], expected: [[4, 1], [2, 5]] }],
  },
  {
    name: 'jacrev', fn: (x: Tensor) => ag.jacrev(h)(x), inputs: () => [randn([3])],
    values: [{ label: 'diag(Σx) + x 1ᵀ', call: (x: Tensor) => ag.jacrev(g)(x), args: () => [t64([1, 2])], expected: [[4, 1], [2, 5]] }],
  },
  {
    name: 'jacfwd', fn: (x: Tensor) => ag.jacfwd(h)(x), inputs: () => [randn([3])],
    values: [{ label: 'diag(Σx) + x 1ᵀ', call: (x: Tensor) => ag.jacfwd(g)(x), args: () => [t64([1, 2])], expected: [[4, 1], [2, 5]] }],
  },
  {
    name: 'hessian', fn: (x: Tensor) => ag.hessian(s)(x), inputs: () => [randn([3])],
    values: [{ label: 'diag(6x) + 1 1ᵀ', args: () => [t64([1, 2])], expected: [[7, 1], [1, 13]] }],
  },
  {
    name: 'hvp', fn: (x: Tensor) => ag.hvp(s)(x, x), inputs: () => [randn([3])],
    values: [{ label: 'H x = 6x² + Σx', args: () => [t64([1, 2])], expected: [9, 27] }],
  },
];
