// Bessel functions (kernels and accuracy notes in assembly/bessel.ts), named
// besselJ0 ... besselK1 and besselJ(n, x): camelCase like the library's other
// two-word names (takeAlongAxis, logSoftmax), with the kind in capitals as
// in the mathematical notation J, Y, I, K — numpy's bare `j0` / `y1` say too
// little in an autocompletion list and have no I or K. Each derivative is
// another Bessel function, so every one is differentiable to any order:
// J0' = -J1, J1' = (J0 - J2)/2, Jn' = (J(n-1) - J(n+1))/2, Y0' = -Y1,
// Y1' = Y0 - Y1/x, I0' = I1, I1' = I0 - I1/x, K0' = -K1, K1' = -K0 - K1/x.

import { empty, type Tensor, type TensorLike } from '../runtime/tensor';
import { kernelFor } from '../wasm/index';
import { ArgumentError, describe } from '../runtime/errors';
import { asTensor } from './args';
import { custom, op, unary } from './define';
import { unaryForward } from './kernels';
import { raw } from './raw';

const kernel = (name: string) => (x: Tensor) => unaryForward(name, name, x);

/** x with its zeros replaced by ones: a denominator where the numerator vanishes with x. */
const nonzero = (x: Tensor) => raw.where(raw.equal(x, 0), 1, x);

/**
 * Elementwise Bessel function of the first kind of order 0, J0(x), even.
 * d/dx = -J1(x).
 * @example ag.besselJ0(ag.tensor([0, 1], { dtype: 'float64' })).toArray() // [1, 0.7651976865579666]
 */
export const besselJ0 = op({ name: 'besselJ0', args: unary, forward: kernel('bessel_j0') })
  .grads((dy, _y, x) => raw.neg(raw.mul(dy, raw.besselJ1(x))));

/**
 * Elementwise Bessel function of the first kind of order 1, J1(x), odd.
 * d/dx = (J0(x) - J2(x))/2.
 * @example ag.besselJ1(ag.tensor([1], { dtype: 'float64' })).item() // 0.44005058574493355
 */
export const besselJ1 = op({ name: 'besselJ1', args: unary, forward: kernel('bessel_j1') })
  .grads((dy, _y, x) => raw.mul(dy, raw.mul(raw.sub(raw.besselJ0(x), raw.besselJ(2, x)), 0.5)));

/**
 * Elementwise Bessel function of the second kind of order 0, Y0(x), for
 * x > 0 (-Infinity at 0, NaN below). d/dx = -Y1(x).
 * @example ag.besselY0(ag.tensor([1], { dtype: 'float64' })).item() // 0.08825696421567697
 */
export const besselY0 = op({ name: 'besselY0', args: unary, forward: kernel('bessel_y0') })
  .grads((dy, _y, x) => raw.neg(raw.mul(dy, raw.besselY1(x))));

/**
 * Elementwise Bessel function of the second kind of order 1, Y1(x), for
 * x > 0 (-Infinity at 0, NaN below). d/dx = Y0(x) - Y1(x)/x.
 * @example ag.besselY1(ag.tensor([1], { dtype: 'float64' })).item() // -0.7812128213002887
 */
export const besselY1 = op({ name: 'besselY1', args: unary, forward: kernel('bessel_y1') })
  .grads((dy, y, x) => raw.mul(dy, raw.sub(raw.besselY0(x), raw.div(y, x))));

/**
 * Elementwise modified Bessel function of the first kind of order 0, I0(x),
 * even; overflows to Infinity past |x| ≈ 713.9. d/dx = I1(x).
 * @example ag.besselI0(ag.tensor([1], { dtype: 'float64' })).item() // 1.2660658777520082
 */
export const besselI0 = op({ name: 'besselI0', args: unary, forward: kernel('bessel_i0') })
  .grads((dy, _y, x) => raw.mul(dy, raw.besselI1(x)));

/**
 * Elementwise modified Bessel function of the first kind of order 1, I1(x),
 * odd. d/dx = I0(x) - I1(x)/x (1/2 at 0).
 * @example ag.besselI1(ag.tensor([1], { dtype: 'float64' })).item() // 0.565159103992485
 */
export const besselI1 = op({ name: 'besselI1', args: unary, forward: kernel('bessel_i1') })
  .grads((dy, y, x) => raw.mul(dy, raw.where(raw.equal(x, 0), 0.5, raw.sub(raw.besselI0(x), raw.div(y, nonzero(x))))));

/**
 * Elementwise modified Bessel function of the second kind of order 0,
 * K0(x), for x > 0 (Infinity at 0, NaN below). d/dx = -K1(x).
 * @example ag.besselK0(ag.tensor([1], { dtype: 'float64' })).item() // 0.42102443824070834
 */
export const besselK0 = op({ name: 'besselK0', args: unary, forward: kernel('bessel_k0') })
  .grads((dy, _y, x) => raw.neg(raw.mul(dy, raw.besselK1(x))));

/**
 * Elementwise modified Bessel function of the second kind of order 1,
 * K1(x), for x > 0 (Infinity at 0, NaN below). d/dx = -K0(x) - K1(x)/x.
 * @example ag.besselK1(ag.tensor([1], { dtype: 'float64' })).item() // 0.6019072301972346
 */
export const besselK1 = op({ name: 'besselK1', args: unary, forward: kernel('bessel_k1') })
  .grads((dy, y, x) => raw.neg(raw.mul(dy, raw.add(raw.besselK0(x), raw.div(y, x)))));

/** Largest |order| accepted by besselJ (the backward recurrence's work grows with it). */
const MAX_ORDER = 100000;

function besselJArgs(op: string, n: number, x: TensorLike): [number, Tensor] {
  if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > MAX_ORDER) {
    throw new ArgumentError(`${op}: order n must be an integer from -${MAX_ORDER} to ${MAX_ORDER}, got ${describe(n)}`);
  }
  return [n, asTensor(op, x, 'float64', 'x')];
}

/**
 * Elementwise Bessel function of the first kind of integer order n, Jn(x)
 * (`n` a number, any sign: J₋ₙ = (-1)ⁿ Jn; not differentiated). d/dx =
 * (J(n-1)(x) - J(n+1)(x))/2, so it is differentiable to any order.
 * @example ag.besselJ(2, ag.tensor([1], { dtype: 'float64' })).item() // 0.11490348493190049
 */
export const besselJ = op({
  name: 'besselJ', args: custom(besselJArgs),
  forward: (n, x) => {
    const out = empty(x.shape.slice(), x.dtype, 'besselJ');
    kernelFor<(x: number, out: number, size: number, order: number) => void>('bessel_jn', x.dtype)(x._ptr, out._ptr, x.size, n);
    return out;
  },
}).grads(null, (dy, _y, n, x) => raw.mul(dy, raw.mul(raw.sub(raw.besselJ(n - 1, x), raw.besselJ(n + 1, x)), 0.5)));
