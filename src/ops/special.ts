// Special functions: the error function family and the gamma family. One line
// of calculus per op, each rule written with differentiable ops, so every one
// is differentiable to any order: lgamma' = digamma, digamma' = trigamma,
// trigamma' = polygamma(2, ·), polygamma(n, ·)' = polygamma(n + 1, ·).
// Kernels (accuracy notes at each function) are in assembly/special.ts.

import { empty, type Tensor, type TensorLike } from '../runtime/tensor';
import { heapF64, kernelFor, kernels } from '../wasm/index';
import { ArgumentError, describe } from '../runtime/errors';
import { broadcastShapes } from '../runtime/shape';
import { asTensor, coerceFloatPair } from './args';
import { compose, custom, op, unary } from './define';
import { unaryForward } from './kernels';
import { raw } from './raw';

const kernel = (name: string) => (x: Tensor) => unaryForward(name, name, x);

/** Highest polygamma order accepted (the kernel's work per element grows with it). */
const MAX_ORDER = 1000;

function polygammaForward(op: string, order: number, x: Tensor): Tensor {
  const out = empty(x.shape.slice(), x.dtype, op);
  kernelFor<(x: number, out: number, n: number, order: number) => void>('polygamma', x.dtype)(x._ptr, out._ptr, x.size, order);
  return out;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT_PI_OVER_TWO = Math.sqrt(Math.PI) / 2;
/** e^{-x²}, the shape of erf's derivative. */
const gaussian = (x: Tensor) => raw.exp(raw.neg(raw.abs2(x)));

// ---------------------------------------------------------------------------
// The error function family

/**
 * Elementwise error function erf(x) = 2/√π ∫₀ˣ e^{-t²} dt, odd, in [-1, 1].
 * Accurate to about 2 ulp in float64 (relative, also for tiny x).
 * d/dx = 2/√π e^{-x²}.
 * @example ag.erf(ag.tensor([0, 0.5], { dtype: 'float64' })).toArray() // [0, 0.5204998778130465]
 */
export const erf = op({ name: 'erf', args: unary, forward: kernel('erf') })
  .grads((dy, _y, x) => raw.mul(dy, raw.mul(TWO_OVER_SQRT_PI, gaussian(x))));

/**
 * Elementwise complementary error function erfc(x) = 1 - erf(x), computed
 * directly so the upper tail keeps its relative accuracy instead of
 * cancelling to 0: erfc(10) = 2.088487583762545e-45, erfc(26) =
 * 5.663192408856143e-296 (to about 2 ulp); it reaches 0 only past x ≈ 27.3,
 * where the true value is below the smallest float64. d/dx = -2/√π e^{-x²}.
 * @example ag.erfc(ag.tensor([0.5, 10], { dtype: 'float64' })).toArray() // [0.4795001221869535, 2.0884875837625446e-45]
 */
export const erfc = op({ name: 'erfc', args: unary, forward: kernel('erfc') })
  .grads((dy, _y, x) => raw.mul(dy, raw.mul(-TWO_OVER_SQRT_PI, gaussian(x))));

/**
 * Elementwise inverse error function: erf(erfinv(x)) = x on (-1, 1);
 * ±Infinity at ±1 and NaN outside [-1, 1]. Giles' approximation refined by
 * Halley steps on erf (on erfc in the tails), accurate to about 2 ulp in
 * float64 right up to 1 - 2^-53. d/dx = (√π/2) e^{erfinv(x)²}, computed from
 * the result.
 * @example ag.erfinv(ag.tensor([0.5, 1], { dtype: 'float64' })).toArray() // [0.4769362762044699, Infinity]
 */
export const erfinv = op({ name: 'erfinv', args: unary, forward: kernel('erfinv') })
  .grads((dy, y) => raw.mul(dy, raw.mul(SQRT_PI_OVER_TWO, raw.exp(raw.abs2(y)))));

// ---------------------------------------------------------------------------
// The gamma family

/**
 * Elementwise log|Γ(x)|, defined for negative non-integers too
 * (lgamma(-0.5) = log(2√π)); +Infinity at 0 and the negative integers (the
 * poles of Γ) and at ±Infinity. Relative accuracy about 3 ulp in float64,
 * also next to the zeros at 1 and 2 (for x < -1, near the zeros of lgamma
 * on the negative axis the error is about 1e-16 absolute). d/dx = digamma(x).
 * @example ag.lgamma(ag.tensor([0.5, 10], { dtype: 'float64' })).toArray() // [0.5723649429247001, 12.80182748008147]
 */
export const lgamma = op({ name: 'lgamma', args: unary, forward: kernel('lgamma') })
  .grads((dy, _y, x) => raw.mul(dy, raw.digamma(x)));

/**
 * Elementwise digamma ψ(x) = Γ'(x)/Γ(x) = d/dx lgamma(x), for negative
 * non-integers too (by reflection). At the poles (0 and the negative
 * integers) the result is NaN, since ψ tends to +∞ on one side and -∞ on the
 * other; ψ(Infinity) = Infinity. Relative accuracy about 2 ulp in float64
 * for x > 0, also next to its zero at 1.4616... d/dx = trigamma(x).
 * @example ag.digamma(ag.tensor([1, 0.5], { dtype: 'float64' })).toArray() // [-0.5772156649015329, -1.9635100260214235]
 */
export const digamma = op({ name: 'digamma', args: unary, forward: kernel('digamma') })
  .grads((dy, _y, x) => raw.mul(dy, raw.trigamma(x)));

/**
 * Elementwise trigamma ψ'(x) = d²/dx² lgamma(x), the same as
 * `polygamma(1, x)`; defined for negative non-integers (by reflection) and
 * +Infinity at the poles 0, -1, -2, ... (it tends to +∞ from both sides).
 * d/dx = polygamma(2, x).
 * @example ag.trigamma(ag.tensor([1], { dtype: 'float64' })).item() // 1.6449340668482264 (π²/6)
 */
export const trigamma = op({ name: 'trigamma', args: unary, forward: (x) => polygammaForward('trigamma', 1, x) })
  .grads((dy, _y, x) => raw.mul(dy, raw.polygamma(2, x)));

function polygammaArgs(op: string, n: number, x: TensorLike): [number, Tensor] {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_ORDER) {
    throw new ArgumentError(`${op}: order n must be an integer from 0 to ${MAX_ORDER}, got ${describe(n)}`);
  }
  return [n, asTensor(op, x, 'float64', 'x')];
}

/**
 * Elementwise polygamma function ψ⁽ⁿ⁾(x), the n-th derivative of digamma:
 * `polygamma(0, x)` is digamma, `polygamma(1, x)` trigamma. `n` is a
 * non-negative integer (at most 1000), a number, not differentiated; `x` a
 * tensor or number. Defined for negative non-integers by reflection (for
 * n ≤ 100; NaN beyond). At the poles 0, -1, -2, ... the result is +Infinity
 * for odd n (ψ⁽ⁿ⁾ tends to +∞ from both sides) and NaN for even n (the sides
 * disagree). d/dx = polygamma(n + 1, x), so it is differentiable to any order.
 * @example ag.polygamma(2, ag.tensor([1], { dtype: 'float64' })).item() // -2.404113806319188 (-2ζ(3))
 */
export const polygamma = op({ name: 'polygamma', args: custom(polygammaArgs), forward: (n, x) => polygammaForward('polygamma', n, x) })
  .grads(null, (dy, _y, n, x) => raw.mul(dy, raw.polygamma(n + 1, x)));

/**
 * Elementwise gamma function Γ(x), for negative non-integers too (by
 * reflection); ±Infinity at ±0, NaN at the negative integers, Infinity past
 * x ≈ 171.62. Exact factorials at the integers up to 23 (gamma(5) = 24);
 * about 2 ulp in float64 elsewhere. d/dx = Γ(x) ψ(x).
 * @example ag.gamma(ag.tensor([5, 0.5, -1.5], { dtype: 'float64' })).toArray() // [24, 1.7724538509055159, 2.3632718012073548]
 */
export const gamma = op({ name: 'gamma', args: unary, forward: kernel('gamma') })
  .grads((dy, y, x) => raw.mul(dy, raw.mul(y, raw.digamma(x))));

function betaArgs(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [ta, tb] = coerceFloatPair(op, a, b);
  broadcastShapes(op, ta.shape, tb.shape);
  return [ta, tb];
}

/**
 * Elementwise log|B(a, b)| = lgamma(a) + lgamma(b) - lgamma(a + b), the log
 * of the beta function, with numpy broadcasting. Differentiable in both:
 * d/da = ψ(a) - ψ(a + b).
 * @example ag.lbeta(ag.tensor([2], { dtype: 'float64' }), 3).item() // -2.4849066497880004 (log 1/12)
 */
export const lbeta = compose({ name: 'lbeta', args: custom(betaArgs) })
  .as((a, b) => raw.sub(raw.add(raw.lgamma(a), raw.lgamma(b)), raw.lgamma(raw.add(a, b))));

/**
 * Elementwise beta function B(a, b) = Γ(a)Γ(b)/Γ(a + b), computed as
 * ±exp(lbeta(a, b)) (the sign from the gammas, for negative non-integer
 * arguments) so that it does not overflow where B does not. d/da = B(a, b)
 * (ψ(a) - ψ(a + b)).
 * @example ag.beta(ag.tensor([2], { dtype: 'float64' }), 3).item() // 0.08333333333333333
 */
export const beta = compose({ name: 'beta', args: custom(betaArgs) })
  .as((a, b) => {
    const sign = raw.mul(raw.mul(raw.sign(raw.gamma(a)), raw.sign(raw.gamma(b))), raw.sign(raw.gamma(raw.add(a, b))));
    return raw.mul(sign, raw.exp(raw.lbeta(a, b)));
  });

/**
 * Elementwise scaled complementary error function erfcx(x) = e^{x²} erfc(x),
 * which stays representable where erfc underflows: erfcx(30) =
 * 0.018795888861416751 (erfc(30) is 2.6e-393), tending to 1/(x√π). Overflows
 * to Infinity below x ≈ -26.6. About 2 ulp in float64. d/dx = 2x erfcx(x) - 2/√π.
 * @example ag.erfcx(ag.tensor([0, 30], { dtype: 'float64' })).toArray() // [1, 0.018795888861416751]
 */
export const erfcx = op({ name: 'erfcx', args: unary, forward: kernel('erfcx') })
  .grads((dy, y, x) => raw.mul(dy, raw.sub(raw.mul(raw.mul(x, y), 2), TWO_OVER_SQRT_PI)));

/**
 * Elementwise inverse complementary error function: erfc(erfcinv(q)) = q on
 * [0, 2], +Infinity at 0, -Infinity at 2, NaN outside. Accurate in the tail
 * where erfinv(1 - q) has lost q: erfcinv(1e-300) = 26.209469960516124.
 * d/dq = -(√π/2) e^{erfcinv(q)²}, computed from the result.
 * @example ag.erfcinv(ag.tensor([1, 1e-300], { dtype: 'float64' })).toArray() // [0, 26.209469960516124]
 */
export const erfcinv = op({ name: 'erfcinv', args: unary, forward: kernel('erfcinv') })
  .grads((dy, y) => raw.mul(dy, raw.mul(-SQRT_PI_OVER_TWO, raw.exp(raw.abs2(y)))));

/**
 * Elementwise Dawson's integral D(x) = e^{-x²} ∫₀ˣ e^{t²} dt, odd, with its
 * maximum 0.5410442246 at x ≈ 0.9241 and D(x) ~ 1/(2 x) for large x.
 * d/dx = 1 - 2x D(x).
 * @example ag.dawson(ag.tensor([1], { dtype: 'float64' })).item() // 0.5380795069127684
 */
export const dawson = op({ name: 'dawson', args: unary, forward: kernel('dawson') })
  .grads((dy, y, x) => raw.mul(dy, raw.sub(1, raw.mul(raw.mul(x, y), 2))));

const EULER_GAMMA = 0.5772156649015329;

/** invdigamma's forward: Newton's method on ψ(x) = y from Minka's first guess, in float64. */
function invdigammaForward(y: Tensor): Tensor {
  const n = y.size;
  const target = Float64Array.from(y.data());
  const made: Tensor[] = [];
  try {
    const out = empty(y.shape.slice(), 'float64', 'invdigamma');
    made.push(out);
    const psi = empty([n], 'float64', 'invdigamma');
    made.push(psi);
    const slope = empty([n], 'float64', 'invdigamma');
    made.push(slope);
    const view = (t: Tensor) => heapF64().subarray(t._ptr >>> 3, (t._ptr >>> 3) + n);
    const x0 = view(out);
    for (let i = 0; i < n; i++) {
      const v = target[i];
      x0[i] = v >= -2.22 ? Math.exp(v) + 0.5 : -1 / (v + EULER_GAMMA);
    }
    const digammaK = kernelFor<(x: number, out: number, n: number) => void>('digamma', 'float64');
    const polygammaK = kernelFor<(x: number, out: number, n: number, order: number) => void>('polygamma', 'float64');
    for (let iteration = 0; iteration < 8 && n > 0; iteration++) {
      digammaK(out._ptr, psi._ptr, n);
      polygammaK(out._ptr, slope._ptr, n, 1);
      const [x, p, s] = [view(out), view(psi), view(slope)];
      let moved = false;
      for (let i = 0; i < n; i++) {
        // Past about 1e15, ψ(x) = log(x) - 1/(2x) to the last bit and the guess is already the answer.
        if (!(x[i] < 1e15 && x[i] > 0)) continue;
        const step = (p[i] - target[i]) / s[i];
        const next = x[i] - step;
        if (Math.abs(step) > 1e-16 * Math.abs(next)) moved = true;
        x[i] = next > 0 ? next : x[i] / 2;
      }
      if (!moved) break;
    }
    if (y.dtype === 'float64') {
      made.shift();
      return out;
    }
    const narrowed = empty(y.shape.slice(), y.dtype, 'invdigamma');
    kernels().cast_f64_f32(out._ptr, narrowed._ptr, n);
    return narrowed;
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * Elementwise inverse of digamma: the x > 0 with ψ(x) = y (ψ is increasing
 * on (0, ∞) from -∞ to ∞, so every y has one). Newton's method from Minka's
 * first guess, to the rounding of ψ (about 2 ulp of ψ, amplified by the
 * conditioning |ψ(x)/(x ψ'(x))| of the inverse). NaN stays NaN, Infinity
 * gives Infinity. d/dy = 1/ψ'(x) = 1/trigamma(invdigamma(y)).
 * @example ag.invdigamma(ag.tensor([-0.5772156649015329], { dtype: 'float64' })).item() // 1
 */
export const invdigamma = op({ name: 'invdigamma', args: unary, forward: invdigammaForward })
  .grads((dy, x) => raw.div(dy, raw.trigamma(x))); // x: the result, invdigamma(y)
