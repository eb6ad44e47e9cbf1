// Elementwise functions of two arguments beyond arithmetic: rem, copysign,
// logaddexp, xlogy (kernels in assembly/elementary.ts, with the broadcasting
// of assembly/binary.ts), and the logarithm to a base. One line of calculus
// per op; every rule is written with differentiable ops.

import type { Tensor, TensorLike } from '../runtime/tensor';
import { broadcastShapes } from '../runtime/shape';
import { coerceFloatPair } from './args';
import { compose, custom, floatPair, op } from './define';
import { binaryForward } from './kernels';
import { raw } from './raw';

const binary = (name: string) => (a: Tensor, b: Tensor) => binaryForward(name, a, b);

/**
 * Elementwise remainder of a / b truncated toward zero, with the sign of `a`
 * (Julia's `rem`, C's `fmod`, JavaScript's `%`; numpy's `mod` takes the sign
 * of b instead), exact, with numpy broadcasting; NaN where b is 0.
 * Gradients: 1 for a, -trunc(a/b) for b.
 * @example ag.rem(ag.tensor([5, -5]), 3).toArray() // [2, -2]
 */
export const rem = op({ name: 'rem', args: floatPair, forward: binary('rem') }).grads(
  (dy, _y, a) => raw.unbroadcast(a, dy),
  (dy, _y, a, b) => raw.unbroadcast(b, raw.neg(raw.mul(dy, raw.trunc(raw.div(a, b))))),
);

/**
 * Elementwise |a| with the sign of b, the sign bit included (copysign(1, -0)
 * is -1), with numpy broadcasting. The gradient for a is ±1 (sign(a) times
 * the sign of b; 0 at a = 0); b gets none (the result is piecewise constant in b).
 * @example ag.copysign(ag.tensor([1, -2, 3]), ag.tensor([-1, 1, -0])).toArray() // [-1, 2, -3]
 */
export const copysign = op({ name: 'copysign', args: floatPair, forward: binary('copysign') }).grads(
  (dy, _y, a, b) => raw.unbroadcast(a, raw.mul(dy, raw.mul(raw.sign(a), raw.copysign(1, b)))),
  null,
);

/**
 * Elementwise log(e^a + e^b), computed as max(a, b) + log1p(e^-|a - b|):
 * no overflow (logaddexp(1000, 1000) = 1000 + log 2), two -Infinity give
 * -Infinity. Gradients: e^(a - y) for a and e^(b - y) for b (the softmax of
 * the pair).
 * @example ag.logaddexp(ag.tensor([0, 1000]), ag.tensor([0, 0])).toArray() // [0.6931..., 1000]
 */
export const logaddexp = op({ name: 'logaddexp', args: floatPair, forward: binary('logaddexp') }).grads(
  (dy, y, a) => raw.unbroadcast(a, raw.mul(dy, raw.exp(raw.sub(a, y)))),
  (dy, y, _a, b) => raw.unbroadcast(b, raw.mul(dy, raw.exp(raw.sub(b, y)))),
);

/**
 * Elementwise x log(y), 0 where x is 0 (also where y is 0 or Infinity; NaN
 * if y is NaN), as scipy's `xlogy`: the term of an entropy or a
 * log-likelihood that is 0 for a zero weight. Gradients: log(y) for x and
 * x/y for y.
 * @example ag.xlogy(ag.tensor([0, 2]), ag.tensor([0, Math.E])).toArray() // [0, 2]
 */
export const xlogy = op({ name: 'xlogy', args: floatPair, forward: binary('xlogy') }).grads(
  (dy, _y, x, y) => raw.unbroadcast(x, raw.mul(dy, raw.log(y))),
  (dy, _y, x, y) => raw.unbroadcast(y, raw.mul(dy, raw.div(x, y))),
);

function logBaseArgs(op: string, x: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [tx, tb] = coerceFloatPair(op, x, b);
  broadcastShapes(op, tx.shape, tb.shape);
  return [tx, tb];
}

/**
 * Elementwise logarithm of x to base b (Julia's `log(b, x)`; x first here,
 * so that it is a method: `x.logBase(2)`), log(x)/log(b), with numpy
 * broadcasting; differentiable in both. For bases 2 and 10 prefer `log2` and
 * `log10`, exact at the powers of the base.
 * @example ag.logBase(ag.tensor([9, 27]), 3).toArray() // [2, 3]
 */
export const logBase = compose({ name: 'logBase', args: custom(logBaseArgs) }).as((x, b) => raw.div(raw.log(x), raw.log(b)));
