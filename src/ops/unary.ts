// Elementwise math. One line of calculus per op: each rule is written with the
// same differentiable ops users call, so gradients of gradients work. The
// masks in the rules of abs, relu, elu and clamp come from zero-gradient ops,
// so they are constants on the tape (second derivatives 0 away from kinks).

import { checkLive, empty, type Tensor, type TensorLike } from '../runtime/tensor';
import { primitive, zerograd } from '../core/primitive';
import { kernelFor } from '../wasm/index';
import { ArgumentError, describe } from '../runtime/errors';
import { asTensor, unaryForward } from './util';
import { add, div, mul, neg, sub } from './arithmetic';

/** Forward of a kernel with scalar parameters after (x, out, n): elu's alpha, clamp's bounds. */
function paramForward(op: string, kernelName: string, x: Tensor, ...params: number[]): Tensor {
  checkLive(x, op);
  const out = empty(x.shape.slice(), x.dtype, op);
  kernelFor<(x: number, out: number, n: number, ...params: number[]) => void>(`${kernelName}`, x.dtype)(
    x._ptr, out._ptr, x.size, ...params,
  );
  return out;
}

const unary = (name: string) => (x: Tensor) => unaryForward(name, name, x);

// Constant masks for the rules (not exported: they are not ops of their own).
const reluMask = zerograd('relu_mask', unary('relu_mask'));
const clampMask = zerograd('clamp_mask', (x: Tensor, lo: number, hi: number) => paramForward('clamp_mask', 'clamp_mask', x, lo, hi));

// The standard normal CDF Φ for gelu's rule, a primitive of its own so the rule
// stays differentiable: Φ' = φ, the normal density. Its kernel goes through
// erfc, so Φ keeps its relative accuracy in the lower tail, where the textbook
// (1 + erf(x/√2))/2 cancels (at x = -10 that form puts gelu' 1% off).
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const normalDensity = (x: Tensor) => mul(INV_SQRT_2PI, exp(mul(-0.5, mul(x, x))));
const normcdf: (x: Tensor) => Tensor = primitive(
  'normcdf',
  (x: Tensor) => unaryForward('normcdf', 'unary_normcdf', x),
  (dy, _y, x: Tensor) => mul(dy, normalDensity(x)),
);

/** 1/√(1 - x²), written (1 - x)(1 + x) to stay accurate near ±1. */
const invSqrtOneMinusSquare = (x: Tensor) => div(1, sqrt(mul(sub(1, x), add(1, x))));

const expOp = primitive('exp', unary('exp'), (dy, y) => mul(dy, y));
const exp2Op = primitive('exp2', unary('exp2'), (dy, y) => mul(dy, mul(y, Math.LN2)));
const expm1Op = primitive('expm1', unary('expm1'), (dy, y) => mul(dy, add(y, 1)));
const logOp = primitive('log', unary('log'), (dy, _y, x: Tensor) => div(dy, x));
const log2Op = primitive('log2', unary('log2'), (dy, _y, x: Tensor) => div(dy, mul(x, Math.LN2)));
const log10Op = primitive('log10', unary('log10'), (dy, _y, x: Tensor) => div(dy, mul(x, Math.LN10)));
const log1pOp = primitive('log1p', unary('log1p'), (dy, _y, x: Tensor) => div(dy, add(x, 1)));
const sqrtOp = primitive('sqrt', unary('sqrt'), (dy, y) => div(dy, mul(y, 2)));
const cbrtOp = primitive('cbrt', unary('cbrt'), (dy, y) => div(dy, mul(3, mul(y, y))));
const reciprocalOp = primitive('reciprocal', unary('reciprocal'), (dy, y) => neg(mul(dy, mul(y, y))));
const abs2Op = primitive('abs2', (x: Tensor) => mul(x, x), (dy, _y, x: Tensor) => mul(dy, add(x, x)));
const absOp = primitive('abs', unary('abs'), (dy, _y, x: Tensor) => mul(dy, sign(x)));
const signOp = zerograd('sign', unary('sign'));

const sinOp = primitive('sin', unary('sin'), (dy, _y, x: Tensor) => mul(dy, cos(x)));
const cosOp = primitive('cos', unary('cos'), (dy, _y, x: Tensor) => neg(mul(dy, sin(x))));
const tanOp = primitive('tan', unary('tan'), (dy, y) => mul(dy, add(1, mul(y, y))));
const asinOp = primitive('asin', unary('asin'), (dy, _y, x: Tensor) => mul(dy, invSqrtOneMinusSquare(x)));
const acosOp = primitive('acos', unary('acos'), (dy, _y, x: Tensor) => neg(mul(dy, invSqrtOneMinusSquare(x))));
const atanOp = primitive('atan', unary('atan'), (dy, _y, x: Tensor) => div(dy, add(1, mul(x, x))));

const sinhOp = primitive('sinh', unary('sinh'), (dy, _y, x: Tensor) => mul(dy, cosh(x)));
const coshOp = primitive('cosh', unary('cosh'), (dy, _y, x: Tensor) => mul(dy, sinh(x)));
const tanhOp = primitive('tanh', unary('tanh'), (dy, y) => mul(dy, sub(1, mul(y, y))));
const asinhOp = primitive('asinh', unary('asinh'), (dy, _y, x: Tensor) => div(dy, sqrt(add(mul(x, x), 1))));
const acoshOp = primitive('acosh', unary('acosh'), (dy, _y, x: Tensor) => div(dy, mul(sqrt(sub(x, 1)), sqrt(add(x, 1)))));
const atanhOp = primitive('atanh', unary('atanh'), (dy, _y, x: Tensor) => div(dy, mul(sub(1, x), add(1, x))));

const sigmoidOp = primitive('sigmoid', unary('sigmoid'), (dy, y) => mul(dy, mul(y, sub(1, y))));
const reluOp = primitive('relu', unary('relu'), (dy, _y, x: Tensor) => mul(dy, reluMask(x)));
const softplusOp = primitive('softplus', unary('softplus'), (dy, _y, x: Tensor) => mul(dy, sigmoid(x)));
// 1 for x > 0, alpha e^x for x ≤ 0; e^min(x, 0) so that large x cannot overflow
// into Infinity · 0 (and not y + alpha, which cancels for very negative x).
const eluOp = primitive(
  'elu',
  (x: Tensor, alpha: number) => paramForward('elu', 'elu', x, alpha),
  (dy, _y, x: Tensor, alpha: number) => {
    const m = reluMask(x);
    return mul(dy, add(m, mul(sub(1, m), mul(alpha, exp(clamp(x, null, 0))))));
  },
  null,
);
// gelu'(x) = Φ(x) + x φ(x).
const geluOp = primitive('gelu', unary('gelu'), (dy, _y, x: Tensor) => mul(dy, add(normcdf(x), mul(x, normalDensity(x)))));
const clampOp = primitive(
  'clamp',
  (x: Tensor, lo: number, hi: number) => paramForward('clamp', 'clamp', x, lo, hi),
  (dy, _y, x: Tensor, lo: number, hi: number) => mul(dy, clampMask(x, lo, hi)),
  null,
  null,
);

const floorOp = zerograd('floor', unary('floor'));
const ceilOp = zerograd('ceil', unary('ceil'));
const roundOp = zerograd('round', unary('round'));
const truncOp = zerograd('trunc', unary('trunc'));

// ---------------------------------------------------------------------------
// Exponentials and logarithms

/**
 * Elementwise e^x; the gradient reuses the result (d/dx e^x = e^x).
 * @example ag.exp(ag.tensor([0, 1])).toArray() // [1, 2.718...]
 */
export function exp(x: TensorLike): Tensor {
  return expOp(asTensor('exp', x, 'float64'));
}
/**
 * Elementwise 2^x, exact at integers. d/dx 2^x = 2^x ln 2.
 * @example ag.exp2(ag.tensor([3, -1])).toArray() // [8, 0.5]
 */
export function exp2(x: TensorLike): Tensor {
  return exp2Op(asTensor('exp2', x, 'float64'));
}
/**
 * Elementwise e^x - 1, accurate for small |x| where `exp(x) - 1` cancels
 * (expm1(1e-10) is 1.00000000005e-10 to the last digit). d/dx = e^x.
 * @example ag.expm1(ag.tensor([1e-10])).item() // 1.00000000005e-10
 */
export function expm1(x: TensorLike): Tensor {
  return expm1Op(asTensor('expm1', x, 'float64'));
}
/**
 * Elementwise natural logarithm: NaN for negative inputs (not an error),
 * -Infinity at 0. d/dx = 1/x.
 * @example ag.log(ag.tensor([1, Math.E])).toArray() // [0, 1]
 */
export function log(x: TensorLike): Tensor {
  return logOp(asTensor('log', x, 'float64'));
}
/**
 * Elementwise base-2 logarithm, exact at powers of two; NaN below 0. d/dx = 1/(x ln 2).
 * @example ag.log2(ag.tensor([8, 0.5])).toArray() // [3, -1]
 */
export function log2(x: TensorLike): Tensor {
  return log2Op(asTensor('log2', x, 'float64'));
}
/**
 * Elementwise base-10 logarithm; NaN below 0. d/dx = 1/(x ln 10).
 * @example ag.log10(ag.tensor([1000, 0.01])).toArray() // [3, -2]
 */
export function log10(x: TensorLike): Tensor {
  return log10Op(asTensor('log10', x, 'float64'));
}
/**
 * Elementwise log(1 + x), accurate for small |x| where `log(1 + x)` loses
 * the digits of x; NaN below -1. d/dx = 1/(1 + x).
 * @example ag.log1p(ag.tensor([1e-10])).item() // 9.9999999995e-11
 */
export function log1p(x: TensorLike): Tensor {
  return log1pOp(asTensor('log1p', x, 'float64'));
}

// ---------------------------------------------------------------------------
// Powers and magnitudes

/**
 * Elementwise square root (NaN below 0). Its gradient 1/(2√x) is Infinity at 0.
 * @example ag.sqrt(ag.tensor([4, 2])).toArray() // [2, 1.414...]
 */
export function sqrt(x: TensorLike): Tensor {
  return sqrtOp(asTensor('sqrt', x, 'float64'));
}
/**
 * Elementwise real cube root, defined for negative x too (cbrt(-8) = -2).
 * d/dx = 1/(3 cbrt(x)²), Infinity at 0.
 * @example ag.cbrt(ag.tensor([27, -8])).toArray() // [3, -2]
 */
export function cbrt(x: TensorLike): Tensor {
  return cbrtOp(asTensor('cbrt', x, 'float64'));
}
/**
 * Elementwise 1/x (±Infinity at ±0). d/dx = -1/x².
 * @example ag.reciprocal(ag.tensor([2, -4])).toArray() // [0.5, -0.25]
 */
export function reciprocal(x: TensorLike): Tensor {
  return reciprocalOp(asTensor('reciprocal', x, 'float64'));
}
/**
 * Elementwise x², AutoGrad.jl's `abs2`. d/dx = 2x.
 * @example ag.abs2(ag.tensor([-3, 2])).toArray() // [9, 4]
 */
export function abs2(x: TensorLike): Tensor {
  return abs2Op(asTensor('abs2', x, 'float64'));
}
/**
 * Elementwise |x|. Its gradient is sign(x): ±1, and 0 at 0 (a subgradient).
 * @example ag.abs(ag.tensor([-3, 0, 2])).toArray() // [3, 0, 2]
 */
export function abs(x: TensorLike): Tensor {
  return absOp(asTensor('abs', x, 'float64'));
}
/**
 * Elementwise sign: -1, 0 or 1 (±0 and NaN are returned as they are). It is
 * piecewise constant, so it passes no gradient (a constant on the tape).
 * @example ag.sign(ag.tensor([-3, 0, 2])).toArray() // [-1, 0, 1]
 */
export function sign(x: TensorLike): Tensor {
  return signOp(asTensor('sign', x, 'float64'));
}

// ---------------------------------------------------------------------------
// Trigonometric functions (radians)

/**
 * Elementwise sine. d/dx = cos(x).
 * @example ag.sin(ag.tensor([0, Math.PI / 2])).toArray() // [0, 1]
 */
export function sin(x: TensorLike): Tensor {
  return sinOp(asTensor('sin', x, 'float64'));
}
/**
 * Elementwise cosine. d/dx = -sin(x).
 * @example ag.cos(ag.tensor([0, Math.PI])).toArray() // [1, -1]
 */
export function cos(x: TensorLike): Tensor {
  return cosOp(asTensor('cos', x, 'float64'));
}
/**
 * Elementwise tangent. d/dx = 1 + tan(x)².
 * @example ag.tan(ag.tensor([0, Math.PI / 4])).toArray() // [0, 1]
 */
export function tan(x: TensorLike): Tensor {
  return tanOp(asTensor('tan', x, 'float64'));
}
/**
 * Elementwise arcsine, in [-π/2, π/2]; NaN outside [-1, 1]. d/dx = 1/√(1 - x²).
 * @example ag.asin(ag.tensor([0, 1])).toArray() // [0, 1.5707...]
 */
export function asin(x: TensorLike): Tensor {
  return asinOp(asTensor('asin', x, 'float64'));
}
/**
 * Elementwise arccosine, in [0, π]; NaN outside [-1, 1]. d/dx = -1/√(1 - x²).
 * @example ag.acos(ag.tensor([1, 0])).toArray() // [0, 1.5707...]
 */
export function acos(x: TensorLike): Tensor {
  return acosOp(asTensor('acos', x, 'float64'));
}
/**
 * Elementwise arctangent, in (-π/2, π/2). d/dx = 1/(1 + x²).
 * @example ag.atan(ag.tensor([0, 1])).toArray() // [0, 0.7853...]
 */
export function atan(x: TensorLike): Tensor {
  return atanOp(asTensor('atan', x, 'float64'));
}

// ---------------------------------------------------------------------------
// Hyperbolic functions

/**
 * Elementwise hyperbolic sine. d/dx = cosh(x).
 * @example ag.sinh(ag.tensor([0, 1])).toArray() // [0, 1.1752...]
 */
export function sinh(x: TensorLike): Tensor {
  return sinhOp(asTensor('sinh', x, 'float64'));
}
/**
 * Elementwise hyperbolic cosine. d/dx = sinh(x).
 * @example ag.cosh(ag.tensor([0, 1])).toArray() // [1, 1.5430...]
 */
export function cosh(x: TensorLike): Tensor {
  return coshOp(asTensor('cosh', x, 'float64'));
}
/**
 * Elementwise hyperbolic tangent; the gradient reuses the result (1 - tanh²).
 * @example ag.tanh(ag.tensor([0, 1])).toArray() // [0, 0.7615...]
 */
export function tanh(x: TensorLike): Tensor {
  return tanhOp(asTensor('tanh', x, 'float64'));
}
/**
 * Elementwise inverse hyperbolic sine. d/dx = 1/√(x² + 1).
 * @example ag.asinh(ag.tensor([0, 1])).toArray() // [0, 0.8813...]
 */
export function asinh(x: TensorLike): Tensor {
  return asinhOp(asTensor('asinh', x, 'float64'));
}
/**
 * Elementwise inverse hyperbolic cosine; NaN below 1. d/dx = 1/√(x² - 1),
 * Infinity at 1.
 * @example ag.acosh(ag.tensor([1, 2])).toArray() // [0, 1.3169...]
 */
export function acosh(x: TensorLike): Tensor {
  return acoshOp(asTensor('acosh', x, 'float64'));
}
/**
 * Elementwise inverse hyperbolic tangent; ±Infinity at ±1, NaN beyond.
 * d/dx = 1/(1 - x²).
 * @example ag.atanh(ag.tensor([0, 0.5])).toArray() // [0, 0.5493...]
 */
export function atanh(x: TensorLike): Tensor {
  return atanhOp(asTensor('atanh', x, 'float64'));
}

// ---------------------------------------------------------------------------
// Activations

/**
 * Elementwise logistic function 1/(1 + e^-x), computed without overflow:
 * sigmoid(1000) is exactly 1 and sigmoid(-1000) exactly 0, never NaN.
 * d/dx = y(1 - y).
 * @example ag.sigmoid(ag.tensor([0, 1000, -1000])).toArray() // [0.5, 1, 0]
 */
export function sigmoid(x: TensorLike): Tensor {
  return sigmoidOp(asTensor('sigmoid', x, 'float64'));
}
/**
 * Elementwise max(x, 0) (NaN stays NaN). Its gradient is 1 where x > 0 and
 * 0 elsewhere, 0 at the kink itself.
 * @example ag.relu(ag.tensor([-1, 0, 2])).toArray() // [0, 0, 2]
 */
export function relu(x: TensorLike): Tensor {
  return reluOp(asTensor('relu', x, 'float64'));
}
/**
 * Elementwise log(1 + e^x), computed as log1p(e^-|x|) + max(x, 0) so it
 * neither overflows nor loses the small tail: softplus(1000) = 1000,
 * softplus(-50) = 1.9287e-22. d/dx = sigmoid(x).
 * @example ag.softplus(ag.tensor([0, 1000])).toArray() // [0.6931..., 1000]
 */
export function softplus(x: TensorLike): Tensor {
  return softplusOp(asTensor('softplus', x, 'float64'));
}
/**
 * Elementwise exponential linear unit: x for x > 0, alpha (e^x - 1) for
 * x ≤ 0 (`alpha` a number, default 1). The gradient is 1 for x > 0 and
 * alpha e^x otherwise; with alpha = 1 it is continuous, otherwise the rule
 * takes the left value at 0.
 * @example ag.elu(ag.tensor([-1, 2]), 0.5).toArray() // [-0.316..., 2]
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new ArgumentError(`elu: alpha must be a finite number, got ${describe(alpha)}`);
  }
  return eluOp(asTensor('elu', x, 'float64'), alpha);
}
/**
 * Elementwise Gaussian error linear unit, the exact form x Φ(x) =
 * x (1 + erf(x/√2))/2 (not the tanh approximation), computed through erfc so
 * the negative tail keeps its relative accuracy. d/dx = Φ(x) + x φ(x), with
 * φ the standard normal density.
 * @example ag.gelu(ag.tensor([0, 1])).toArray() // [0, 0.8413...]
 */
export function gelu(x: TensorLike): Tensor {
  return geluOp(asTensor('gelu', x, 'float64'));
}
/**
 * Elementwise clamp of x into [lo, hi] (numbers; either may be null or
 * undefined for a one-sided clamp; NaN stays NaN). The gradient passes where
 * lo < x < hi and is 0 where x is clamped (0 at the bounds themselves).
 * @example ag.clamp(ag.tensor([-2, 0.5, 3]), 0, 1).toArray() // [0, 0.5, 1]
 */
export function clamp(x: TensorLike, lo?: number | null, hi?: number | null): Tensor {
  const checkBound = (name: string, b: unknown): number | null => {
    if (b === null || b === undefined) return null;
    if (typeof b !== 'number' || Number.isNaN(b)) {
      throw new ArgumentError(`clamp: ${name} must be a number, null or undefined, got ${describe(b)}`);
    }
    return b;
  };
  const l = checkBound('lo', lo);
  const h = checkBound('hi', hi);
  if (l === null && h === null) throw new ArgumentError('clamp: give lo, hi or both (both were null or undefined)');
  if (l !== null && h !== null && l > h) throw new ArgumentError(`clamp: lo must not exceed hi, got lo ${l} and hi ${h}`);
  return clampOp(asTensor('clamp', x, 'float64'), l ?? -Infinity, h ?? Infinity);
}

// ---------------------------------------------------------------------------
// Rounding: piecewise constant, so zero-gradient (constants on the tape)

/**
 * Elementwise largest integer ≤ x. Passes no gradient.
 * @example ag.floor(ag.tensor([1.5, -1.5])).toArray() // [1, -2]
 */
export function floor(x: TensorLike): Tensor {
  return floorOp(asTensor('floor', x, 'float64'));
}
/**
 * Elementwise smallest integer ≥ x. Passes no gradient.
 * @example ag.ceil(ag.tensor([1.5, -1.5])).toArray() // [2, -1]
 */
export function ceil(x: TensorLike): Tensor {
  return ceilOp(asTensor('ceil', x, 'float64'));
}
/**
 * Elementwise nearest integer, ties to even like numpy (not JavaScript's
 * Math.round, which rounds ties up). Passes no gradient.
 * @example ag.round(ag.tensor([0.5, 1.5, 2.5, -0.5])).toArray() // [0, 2, 2, -0]
 */
export function round(x: TensorLike): Tensor {
  return roundOp(asTensor('round', x, 'float64'));
}
/**
 * Elementwise integer part, rounding toward zero. Passes no gradient.
 * @example ag.trunc(ag.tensor([1.7, -1.7])).toArray() // [1, -1]
 */
export function trunc(x: TensorLike): Tensor {
  return truncOp(asTensor('trunc', x, 'float64'));
}
