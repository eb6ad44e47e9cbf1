// Elementwise math. One line of calculus per op: each rule is written with
// differentiable ops (their unvalidated forms, `raw.*`), so gradients of
// gradients work. The masks in the rules of abs, relu, elu and clamp come
// from constant ops, so they are constants on the tape (second derivatives 0
// away from kinks).

import { empty, type Tensor, type TensorLike } from '../runtime/tensor';
import { kernelFor } from '../wasm/index';
import { ArgumentError, describe } from '../runtime/errors';
import { asTensor } from './args';
import { compose, custom, numeric, op, tensorArg, unary } from './define';
import { binaryForward, unaryForward } from './kernels';
import { raw } from './raw';

/** The forward of the elementwise kernel `name` (assembly/unary.ts). */
const kernel = (name: string) => (x: Tensor) => unaryForward(name, name, x);

/** Forward of a kernel with scalar parameters after (x, out, n): elu's alpha, clamp's bounds. */
function paramForward(name: string, x: Tensor, ...params: number[]): Tensor {
  const out = empty(x.shape.slice(), x.dtype, name);
  kernelFor<(x: number, out: number, n: number, ...params: number[]) => void>(name, x.dtype)(x._ptr, out._ptr, x.size, ...params);
  return out;
}

// Constant masks for the rules (not public: they are not ops of their own).
const reluMask = op({ name: 'relu_mask', args: tensorArg, forward: kernel('relu_mask'), internal: true }).constant();
const clampMask = op({
  name: 'clamp_mask', args: custom((_op: string, x: Tensor, lo: number, hi: number): [Tensor, number, number] => [x, lo, hi]),
  forward: (x, lo, hi) => paramForward('clamp_mask', x, lo, hi), internal: true,
}).constant();

// The standard normal CDF Φ for gelu's rule, a primitive of its own so the rule
// stays differentiable: Φ' = φ, the normal density. Its kernel goes through
// erfc, so Φ keeps its relative accuracy in the lower tail, where the textbook
// (1 + erf(x/√2))/2 cancels (at x = -10 that form puts gelu' 1% off).
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const normalDensity = (x: Tensor) => raw.mul(raw.exp(raw.mul(raw.mul(x, x), -0.5)), INV_SQRT_2PI);
const normcdf = op({ name: 'normcdf', args: tensorArg, forward: (x) => unaryForward('normcdf', 'unary_normcdf', x), internal: true })
  .grads((dy, _y, x) => raw.mul(dy, normalDensity(x)));

// The first-order rules of tanh and sigmoid as one kernel call each (they
// run once per activation in every backward pass). Their own rules keep
// second order exact: for g = dy (1 - y²), dg/d(dy) = 1 - y² and
// dg/dy = -2 y dy; for g = dy y (1 - y), dg/d(dy) = y (1 - y) and
// dg/dy = dy (1 - 2y).
const resultRuleArgs = custom((_op: string, dy: Tensor, y: Tensor): [Tensor, Tensor] => [dy, y]);
const tanhGrad = op({ name: 'tanh_grad', args: resultRuleArgs, tangent: 'elementwise', forward: (dy, y) => binaryForward('tanh_grad', dy, y), internal: true })
  .grads((g, _r, _dy, y) => tanhGrad(g, y), (g, _r, dy, y) => raw.mul(raw.mul(g, dy), raw.mul(y, -2)));
const sigmoidGrad = op({ name: 'sigmoid_grad', args: resultRuleArgs, tangent: 'elementwise', forward: (dy, y) => binaryForward('sigmoid_grad', dy, y), internal: true })
  .grads((g, _r, _dy, y) => sigmoidGrad(g, y), (g, _r, dy, y) => raw.mul(raw.mul(g, dy), raw.sub(1, raw.mul(y, 2))));

/** 1/√(1 - x²), written (1 - x)(1 + x) to stay accurate near ±1. */
const invSqrtOneMinusSquare = (x: Tensor) => raw.div(1, raw.sqrt(raw.mul(raw.sub(1, x), raw.add(1, x))));

// ---------------------------------------------------------------------------
// Exponentials and logarithms

/**
 * Elementwise e^x; the gradient reuses the result (d/dx e^x = e^x).
 * @example ag.exp(ag.tensor([0, 1])).toArray() // [1, 2.718...]
 */
export const exp = op({ name: 'exp', args: unary, forward: kernel('exp') })
  .grads((dy, y) => raw.mul(dy, y));

/**
 * Elementwise 2^x, exact at integers. d/dx 2^x = 2^x ln 2.
 * @example ag.exp2(ag.tensor([3, -1])).toArray() // [8, 0.5]
 */
export const exp2 = op({ name: 'exp2', args: unary, forward: kernel('exp2') })
  .grads((dy, y) => raw.mul(dy, raw.mul(y, Math.LN2)));

/**
 * Elementwise e^x - 1, accurate for small |x| where `exp(x) - 1` cancels
 * (expm1(1e-10) is 1.00000000005e-10 to the last digit). d/dx = e^x.
 * @example ag.expm1(ag.tensor([1e-10])).item() // 1.00000000005e-10
 */
export const expm1 = op({ name: 'expm1', args: unary, forward: kernel('expm1') })
  .grads((dy, y) => raw.mul(dy, raw.add(y, 1)));

/**
 * Elementwise natural logarithm: NaN for negative inputs (not an error),
 * -Infinity at 0. d/dx = 1/x.
 * @example ag.log(ag.tensor([1, Math.E])).toArray() // [0, 1]
 */
export const log = op({ name: 'log', args: unary, forward: kernel('log') })
  .grads((dy, _y, x) => raw.div(dy, x));

/**
 * Elementwise base-2 logarithm, exact at powers of two; NaN below 0. d/dx = 1/(x ln 2).
 * @example ag.log2(ag.tensor([8, 0.5])).toArray() // [3, -1]
 */
export const log2 = op({ name: 'log2', args: unary, forward: kernel('log2') })
  .grads((dy, _y, x) => raw.div(dy, raw.mul(x, Math.LN2)));

/**
 * Elementwise base-10 logarithm; NaN below 0. d/dx = 1/(x ln 10).
 * @example ag.log10(ag.tensor([1000, 0.01])).toArray() // [3, -2]
 */
export const log10 = op({ name: 'log10', args: unary, forward: kernel('log10') })
  .grads((dy, _y, x) => raw.div(dy, raw.mul(x, Math.LN10)));

/**
 * Elementwise log(1 + x), accurate for small |x| where `log(1 + x)` loses
 * the digits of x; NaN below -1. d/dx = 1/(1 + x).
 * @example ag.log1p(ag.tensor([1e-10])).item() // 9.9999999995e-11
 */
export const log1p = op({ name: 'log1p', args: unary, forward: kernel('log1p') })
  .grads((dy, _y, x) => raw.div(dy, raw.add(x, 1)));

// ---------------------------------------------------------------------------
// Powers and magnitudes

/**
 * Elementwise square root (NaN below 0). Its gradient 1/(2√x) is Infinity at 0.
 * @example ag.sqrt(ag.tensor([4, 2])).toArray() // [2, 1.414...]
 */
export const sqrt = op({ name: 'sqrt', args: unary, forward: kernel('sqrt') })
  .grads((dy, y) => raw.div(dy, raw.mul(y, 2)));

/**
 * Elementwise real cube root, defined for negative x too (cbrt(-8) = -2).
 * d/dx = 1/(3 cbrt(x)²), Infinity at 0.
 * @example ag.cbrt(ag.tensor([27, -8])).toArray() // [3, -2]
 */
export const cbrt = op({ name: 'cbrt', args: unary, forward: kernel('cbrt') })
  .grads((dy, y) => raw.div(dy, raw.mul(3, raw.mul(y, y))));

/**
 * Elementwise 1/x (±Infinity at ±0). d/dx = -1/x².
 * @example ag.reciprocal(ag.tensor([2, -4])).toArray() // [0.5, -0.25]
 */
export const reciprocal = op({ name: 'reciprocal', args: unary, forward: kernel('reciprocal') })
  .grads((dy, y) => raw.neg(raw.mul(dy, raw.mul(y, y))));

/**
 * Elementwise x², AutoGrad.jl's `abs2`. d/dx = 2x.
 * @example ag.abs2(ag.tensor([-3, 2])).toArray() // [9, 4]
 */
export const abs2 = op({ name: 'abs2', args: unary, forward: (x) => binaryForward('abs2', x, x, 'mul') })
  .grads((dy, _y, x) => raw.mul(dy, raw.add(x, x)));

/**
 * Elementwise |x|. Its gradient is sign(x): ±1, and 0 at 0 (a subgradient).
 * @example ag.abs(ag.tensor([-3, 0, 2])).toArray() // [3, 0, 2]
 */
export const abs = op({ name: 'abs', args: numeric, forward: kernel('abs') })
  .grads((dy, _y, x) => raw.mul(dy, raw.sign(x)));

/**
 * Elementwise sign: -1, 0 or 1 (±0 and NaN are returned as they are). It is
 * piecewise constant, so it passes no gradient (a constant on the tape).
 * @example ag.sign(ag.tensor([-3, 0, 2])).toArray() // [-1, 0, 1]
 */
export const sign = op({ name: 'sign', args: numeric, forward: kernel('sign') }).constant();

// ---------------------------------------------------------------------------
// Trigonometric functions (radians)

/**
 * Elementwise sine. d/dx = cos(x).
 * @example ag.sin(ag.tensor([0, Math.PI / 2])).toArray() // [0, 1]
 */
export const sin = op({ name: 'sin', args: unary, forward: kernel('sin') })
  .grads((dy, _y, x) => raw.mul(dy, raw.cos(x)));

/**
 * Elementwise cosine. d/dx = -sin(x).
 * @example ag.cos(ag.tensor([0, Math.PI])).toArray() // [1, -1]
 */
export const cos = op({ name: 'cos', args: unary, forward: kernel('cos') })
  .grads((dy, _y, x) => raw.neg(raw.mul(dy, raw.sin(x))));

/**
 * Elementwise tangent. d/dx = 1 + tan(x)².
 * @example ag.tan(ag.tensor([0, Math.PI / 4])).toArray() // [0, 1]
 */
export const tan = op({ name: 'tan', args: unary, forward: kernel('tan') })
  .grads((dy, y) => raw.mul(dy, raw.add(1, raw.mul(y, y))));

/**
 * Elementwise arcsine, in [-π/2, π/2]; NaN outside [-1, 1]. d/dx = 1/√(1 - x²).
 * @example ag.asin(ag.tensor([0, 1])).toArray() // [0, 1.5707...]
 */
export const asin = op({ name: 'asin', args: unary, forward: kernel('asin') })
  .grads((dy, _y, x) => raw.mul(dy, invSqrtOneMinusSquare(x)));

/**
 * Elementwise arccosine, in [0, π]; NaN outside [-1, 1]. d/dx = -1/√(1 - x²).
 * @example ag.acos(ag.tensor([1, 0])).toArray() // [0, 1.5707...]
 */
export const acos = op({ name: 'acos', args: unary, forward: kernel('acos') })
  .grads((dy, _y, x) => raw.neg(raw.mul(dy, invSqrtOneMinusSquare(x))));

/**
 * Elementwise arctangent, in (-π/2, π/2). d/dx = 1/(1 + x²).
 * @example ag.atan(ag.tensor([0, 1])).toArray() // [0, 0.7853...]
 */
export const atan = op({ name: 'atan', args: unary, forward: kernel('atan') })
  .grads((dy, _y, x) => raw.div(dy, raw.add(1, raw.mul(x, x))));


// Reciprocal trigonometric functions and their inverses: compositions of the
// functions above (their gradients come from the pieces). acot is a primitive
// of its own so that acot(0) = π/2 has the derivative -1 rather than 0 · ∞.

/**
 * Elementwise secant 1/cos(x). d/dx = sec(x) tan(x).
 * @example ag.sec(ag.tensor([0, Math.PI / 3])).toArray() // [1, 2]
 */
export const sec = compose({ name: 'sec', args: unary }).as((x) => raw.reciprocal(raw.cos(x)));

/**
 * Elementwise cosecant 1/sin(x) (±Infinity at 0). d/dx = -csc(x) cot(x).
 * @example ag.csc(ag.tensor([Math.PI / 2, Math.PI / 6])).toArray() // [1, 2]
 */
export const csc = compose({ name: 'csc', args: unary }).as((x) => raw.reciprocal(raw.sin(x)));

/**
 * Elementwise cotangent cos(x)/sin(x) (±Infinity at 0). d/dx = -csc(x)².
 * @example ag.cot(ag.tensor([Math.PI / 4, Math.PI / 2])).toArray() // [1, 6.1e-17]
 */
export const cot = compose({ name: 'cot', args: unary }).as((x) => raw.div(raw.cos(x), raw.sin(x)));

/**
 * Elementwise inverse secant acos(1/x), in [0, π]; NaN on (-1, 1).
 * d/dx = 1/(|x| √(x² - 1)), Infinity at ±1.
 * @example ag.asec(ag.tensor([1, 2])).toArray() // [0, 1.0471...]
 */
export const asec = compose({ name: 'asec', args: unary }).as((x) => raw.acos(raw.reciprocal(x)));

/**
 * Elementwise inverse cosecant asin(1/x), in [-π/2, π/2]; NaN on (-1, 1).
 * d/dx = -1/(|x| √(x² - 1)).
 * @example ag.acsc(ag.tensor([1, 2])).toArray() // [1.5707..., 0.5235...]
 */
export const acsc = compose({ name: 'acsc', args: unary }).as((x) => raw.asin(raw.reciprocal(x)));

/**
 * Elementwise inverse cotangent atan(1/x), in (-π/2, π/2] as in Julia
 * (acot(0) = π/2, acot(-0) = -π/2). d/dx = -1/(1 + x²), also at 0.
 * @example ag.acot(ag.tensor([1, 0])).toArray() // [0.7853..., 1.5707...]
 */
export const acot = op({
  name: 'acot', args: unary,
  forward: (x) => {
    const r = unaryForward('acot', 'reciprocal', x);
    kernelFor<(x: number, out: number, n: number) => void>('atan', x.dtype)(r._ptr, r._ptr, r.size);
    return r;
  },
}).grads((dy, _y, x) => raw.neg(raw.div(dy, raw.add(1, raw.mul(x, x)))));

// ---------------------------------------------------------------------------
// Hyperbolic functions

/**
 * Elementwise hyperbolic sine. d/dx = cosh(x).
 * @example ag.sinh(ag.tensor([0, 1])).toArray() // [0, 1.1752...]
 */
export const sinh = op({ name: 'sinh', args: unary, forward: kernel('sinh') })
  .grads((dy, _y, x) => raw.mul(dy, raw.cosh(x)));

/**
 * Elementwise hyperbolic cosine. d/dx = sinh(x).
 * @example ag.cosh(ag.tensor([0, 1])).toArray() // [1, 1.5430...]
 */
export const cosh = op({ name: 'cosh', args: unary, forward: kernel('cosh') })
  .grads((dy, _y, x) => raw.mul(dy, raw.sinh(x)));

/**
 * Elementwise hyperbolic tangent; the gradient reuses the result (1 - tanh²).
 * @example ag.tanh(ag.tensor([0, 1])).toArray() // [0, 0.7615...]
 */
export const tanh = op({ name: 'tanh', args: unary, forward: kernel('tanh') })
  .grads((dy, y) => tanhGrad(dy, y));

/**
 * Elementwise inverse hyperbolic sine. d/dx = 1/√(x² + 1).
 * @example ag.asinh(ag.tensor([0, 1])).toArray() // [0, 0.8813...]
 */
export const asinh = op({ name: 'asinh', args: unary, forward: kernel('asinh') })
  .grads((dy, _y, x) => raw.div(dy, raw.sqrt(raw.add(raw.mul(x, x), 1))));

/**
 * Elementwise inverse hyperbolic cosine; NaN below 1. d/dx = 1/√(x² - 1),
 * Infinity at 1.
 * @example ag.acosh(ag.tensor([1, 2])).toArray() // [0, 1.3169...]
 */
export const acosh = op({ name: 'acosh', args: unary, forward: kernel('acosh') })
  .grads((dy, _y, x) => raw.div(dy, raw.mul(raw.sqrt(raw.sub(x, 1)), raw.sqrt(raw.add(x, 1)))));

/**
 * Elementwise inverse hyperbolic tangent; ±Infinity at ±1, NaN beyond.
 * d/dx = 1/(1 - x²).
 * @example ag.atanh(ag.tensor([0, 0.5])).toArray() // [0, 0.5493...]
 */
export const atanh = op({ name: 'atanh', args: unary, forward: kernel('atanh') })
  .grads((dy, _y, x) => raw.div(dy, raw.mul(raw.sub(1, x), raw.add(1, x))));


/**
 * Elementwise hyperbolic secant 1/cosh(x). d/dx = -sech(x) tanh(x).
 * @example ag.sech(ag.tensor([0, 1])).toArray() // [1, 0.6480...]
 */
export const sech = compose({ name: 'sech', args: unary }).as((x) => raw.reciprocal(raw.cosh(x)));

/**
 * Elementwise hyperbolic cosecant 1/sinh(x) (±Infinity at ±0). d/dx = -csch(x) coth(x).
 * @example ag.csch(ag.tensor([1])).toArray() // [0.8509...]
 */
export const csch = compose({ name: 'csch', args: unary }).as((x) => raw.reciprocal(raw.sinh(x)));

/**
 * Elementwise hyperbolic cotangent 1/tanh(x) (±Infinity at ±0). d/dx = -csch(x)².
 * @example ag.coth(ag.tensor([1])).toArray() // [1.3130...]
 */
export const coth = compose({ name: 'coth', args: unary }).as((x) => raw.reciprocal(raw.tanh(x)));

/**
 * Elementwise inverse hyperbolic secant acosh(1/x), for x in (0, 1] (NaN
 * elsewhere, Infinity at 0). d/dx = -1/(x √(1 - x²)).
 * @example ag.asech(ag.tensor([1, 0.5])).toArray() // [0, 1.3169...]
 */
export const asech = compose({ name: 'asech', args: unary }).as((x) => raw.acosh(raw.reciprocal(x)));

/**
 * Elementwise inverse hyperbolic cosecant asinh(1/x) (±Infinity at ±0).
 * d/dx = -1/(|x| √(1 + x²)).
 * @example ag.acsch(ag.tensor([1])).toArray() // [0.8813...]
 */
export const acsch = compose({ name: 'acsch', args: unary }).as((x) => raw.asinh(raw.reciprocal(x)));

/**
 * Elementwise inverse hyperbolic cotangent atanh(1/x), for |x| > 1 (NaN on
 * (-1, 1), ±Infinity at ±1). d/dx = 1/(1 - x²).
 * @example ag.acoth(ag.tensor([2])).toArray() // [0.5493...]
 */
export const acoth = compose({ name: 'acoth', args: unary }).as((x) => raw.atanh(raw.reciprocal(x)));

// ---------------------------------------------------------------------------
// Functions of πx, angles, powers of ten (kernels in assembly/elementary.ts)

/**
 * Elementwise sin(πx), exact at the integers (0) and accurate for large x,
 * where sin(Math.PI * x) is off (sin(π · 1e6) is -2.2e-10, sinpi(1e6) is 0).
 * d/dx = π cospi(x).
 * @example ag.sinpi(ag.tensor([1, 0.5, 1e6], { dtype: 'float64' })).toArray() // [0, 1, 0]
 */
export const sinpi = op({ name: 'sinpi', args: unary, forward: kernel('sinpi') })
  .grads((dy, _y, x) => raw.mul(dy, raw.mul(raw.cospi(x), Math.PI)));

/**
 * Elementwise cos(πx), exact at the half-integers (0). d/dx = -π sinpi(x).
 * @example ag.cospi(ag.tensor([0.5, 1], { dtype: 'float64' })).toArray() // [0, -1]
 */
export const cospi = op({ name: 'cospi', args: unary, forward: kernel('cospi') })
  .grads((dy, _y, x) => raw.mul(dy, raw.mul(raw.sinpi(x), -Math.PI)));

/** x with its zeros replaced by ones: a denominator where the numerator vanishes with x. */
const nonzero = (x: Tensor) => raw.where(raw.equal(x, 0), 1, x);

/**
 * Elementwise normalized sinc sin(πx)/(πx), 1 at 0 (numpy's `sinc`, Julia's
 * `sinc`). d/dx = (cospi(x) - sinc(x))/x, 0 at x = 0 (the limit).
 * @example ag.sinc(ag.tensor([0, 0.5, 1], { dtype: 'float64' })).toArray() // [1, 0.6366..., 0]
 */
export const sinc = op({ name: 'sinc', args: unary, forward: kernel('sinc') })
  .grads((dy, y, x) => raw.mul(dy, raw.div(raw.sub(raw.cospi(x), y), nonzero(x))));

/**
 * Elementwise degrees to radians, x π/180.
 * @example ag.deg2rad(ag.tensor([180, 90])).toArray() // [3.1415..., 1.5707...]
 */
export const deg2rad = compose({ name: 'deg2rad', args: unary }).as((x) => raw.mul(x, Math.PI / 180));

/**
 * Elementwise radians to degrees, x 180/π.
 * @example ag.rad2deg(ag.tensor([Math.PI])).toArray() // [180]
 */
export const rad2deg = compose({ name: 'rad2deg', args: unary }).as((x) => raw.mul(x, 180 / Math.PI));

/**
 * Elementwise 10^x, exact at integers (exp10(3) is 1000, where exp(3 ln 10)
 * is 999.9999999999998). d/dx = 10^x ln 10.
 * @example ag.exp10(ag.tensor([3, -2], { dtype: 'float64' })).toArray() // [1000, 0.01]
 */
export const exp10 = op({ name: 'exp10', args: unary, forward: kernel('exp10') })
  .grads((dy, y) => raw.mul(dy, raw.mul(y, Math.LN10)));

// ---------------------------------------------------------------------------
// Activations

/**
 * Elementwise logistic function 1/(1 + e^-x), computed without overflow:
 * sigmoid(1000) is exactly 1 and sigmoid(-1000) exactly 0, never NaN.
 * d/dx = y(1 - y).
 * @example ag.sigmoid(ag.tensor([0, 1000, -1000])).toArray() // [0.5, 1, 0]
 */
export const sigmoid = op({ name: 'sigmoid', args: unary, forward: kernel('sigmoid') })
  .grads((dy, y) => sigmoidGrad(dy, y));

/**
 * Elementwise max(x, 0) (NaN stays NaN). Its gradient is 1 where x > 0 and
 * 0 elsewhere, 0 at the kink itself.
 * @example ag.relu(ag.tensor([-1, 0, 2])).toArray() // [0, 0, 2]
 */
export const relu = op({ name: 'relu', args: unary, forward: kernel('relu') })
  .grads((dy, _y, x) => raw.mul(dy, reluMask(x)));

/**
 * Elementwise log(1 + e^x), computed as log1p(e^-|x|) + max(x, 0) so it
 * neither overflows nor loses the small tail: softplus(1000) = 1000,
 * softplus(-50) = 1.9287e-22. d/dx = sigmoid(x).
 * @example ag.softplus(ag.tensor([0, 1000])).toArray() // [0.6931..., 1000]
 */
export const softplus = op({ name: 'softplus', args: unary, forward: kernel('softplus') })
  .grads((dy, _y, x) => raw.mul(dy, raw.sigmoid(x)));

/**
 * Elementwise exponential linear unit: x for x > 0, alpha (e^x - 1) for
 * x ≤ 0 (`alpha` a number, default 1). The gradient is 1 for x > 0 and
 * alpha e^x otherwise; with alpha = 1 it is continuous, otherwise the rule
 * takes the left value at 0.
 * @example ag.elu(ag.tensor([-1, 2]), 0.5).toArray() // [-0.316..., 2]
 */
export const elu = op({
  name: 'elu',
  args: custom((op: string, x: TensorLike, alpha: number = 1): [Tensor, number] => {
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
      throw new ArgumentError(`${op}: alpha must be a finite number, got ${describe(alpha)}`);
    }
    return [asTensor(op, x, 'float64'), alpha];
  }),
  forward: (x, alpha) => paramForward('elu', x, alpha),
  // 1 for x > 0, alpha e^x for x ≤ 0; e^min(x, 0) so that large x cannot overflow
  // into Infinity · 0 (and not y + alpha, which cancels for very negative x).
  
}).grads(
  (dy, _y, x, alpha) => {
      const m = reluMask(x);
      return raw.mul(dy, raw.add(m, raw.mul(raw.sub(1, m), raw.mul(alpha, raw.exp(raw.clamp(x, -Infinity, 0))))));
    },
    null,
);

/**
 * Elementwise Gaussian error linear unit, the exact form x Φ(x) =
 * x (1 + erf(x/√2))/2 (not the tanh approximation), computed through erfc so
 * the negative tail keeps its relative accuracy. d/dx = Φ(x) + x φ(x), with
 * φ the standard normal density.
 * @example ag.gelu(ag.tensor([0, 1])).toArray() // [0, 0.8413...]
 */
export const gelu = op({ name: 'gelu', args: unary, forward: kernel('gelu') })
  .grads((dy, _y, x) => raw.mul(dy, raw.add(normcdf(x), raw.mul(x, normalDensity(x)))));

function clampArgs(op: string, x: TensorLike, lo?: number | null, hi?: number | null): [Tensor, number, number] {
  const checkBound = (name: string, b: unknown): number | null => {
    if (b === null || b === undefined) return null;
    if (typeof b !== 'number' || Number.isNaN(b)) {
      throw new ArgumentError(`${op}: ${name} must be a number, null or undefined, got ${describe(b)}`);
    }
    return b;
  };
  const l = checkBound('lo', lo);
  const h = checkBound('hi', hi);
  if (l === null && h === null) throw new ArgumentError(`${op}: give lo, hi or both (both were null or undefined)`);
  if (l !== null && h !== null && l > h) throw new ArgumentError(`${op}: lo must not exceed hi, got lo ${l} and hi ${h}`);
  return [asTensor(op, x, 'float64'), l ?? -Infinity, h ?? Infinity];
}

/**
 * Elementwise clamp of x into [lo, hi] (numbers; either may be null or
 * undefined for a one-sided clamp; NaN stays NaN). The gradient passes where
 * lo < x < hi and is 0 where x is clamped (0 at the bounds themselves).
 * @example ag.clamp(ag.tensor([-2, 0.5, 3]), 0, 1).toArray() // [0, 0.5, 1]
 */
export const clamp = op({ name: 'clamp', args: custom(clampArgs), forward: (x, lo, hi) => paramForward('clamp', x, lo, hi) })
  .grads((dy, _y, x, lo, hi) => raw.mul(dy, clampMask(x, lo, hi)), null, null);

// ---------------------------------------------------------------------------
// Rounding: piecewise constant, so zero-gradient (constants on the tape)

/**
 * Elementwise largest integer ≤ x. Passes no gradient.
 * @example ag.floor(ag.tensor([1.5, -1.5])).toArray() // [1, -2]
 */
export const floor = op({ name: 'floor', args: unary, forward: kernel('floor') }).constant();

/**
 * Elementwise smallest integer ≥ x. Passes no gradient.
 * @example ag.ceil(ag.tensor([1.5, -1.5])).toArray() // [2, -1]
 */
export const ceil = op({ name: 'ceil', args: unary, forward: kernel('ceil') }).constant();

/**
 * Elementwise nearest integer, ties to even like numpy (not JavaScript's
 * Math.round, which rounds ties up). Passes no gradient.
 * @example ag.round(ag.tensor([0.5, 1.5, 2.5, -0.5])).toArray() // [0, 2, 2, -0]
 */
export const round = op({ name: 'round', args: unary, forward: kernel('round') }).constant();

/**
 * Elementwise integer part, rounding toward zero. Passes no gradient.
 * @example ag.trunc(ag.tensor([1.7, -1.7])).toArray() // [1, -1]
 */
export const trunc = op({ name: 'trunc', args: unary, forward: kernel('trunc') }).constant();
