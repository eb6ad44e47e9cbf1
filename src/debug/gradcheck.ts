// Checking gradients against finite differences, in float64: central
// differences at three steps combined by Richardson extrapolation, so the
// numerical derivative is accurate to about 1e-11 of the function's scale and
// a rule off by a relative 1e-6 can be told from it.

import { Tensor } from '../runtime/tensor';
import { castCopy, tensor } from '../runtime/create';
import { tidy } from '../runtime/tidy';
import { grad } from '../core/diff';
import { activeTapes } from '../core/tape';
import { ArgumentError, describe } from '../runtime/errors';
import { nextGaussian } from '../runtime/random';
import { mul, sum } from '../ops/index';

export interface GradcheckOptions {
  /** 1 checks gradients; 2 also checks gradients of gradients (Hessian-vector products). */
  order?: 1 | 2;
  /**
   * Finite-difference step h (default 1e-4): central differences at h, h/2
   * and h/4 are combined by Richardson extrapolation (error O(h⁴)); keep the
   * inputs at least h away from kinks.
   */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Inputs with more elements than this are checked along random directions (default 32). */
  maxCoordinates?: number;
  /** Number of random directions for large inputs (default 6). */
  directions?: number;
  /** Which arguments to check (default: every Tensor and number argument). */
  argnums?: readonly number[];
  /** Print each disagreement. */
  verbose?: boolean;
}

const OPTION_KEYS = new Set(['order', 'eps', 'atol', 'rtol', 'maxCoordinates', 'directions', 'argnums', 'verbose']);

function isOptions(x: unknown): x is GradcheckOptions {
  if (x === null || typeof x !== 'object' || Object.getPrototypeOf(x) !== Object.prototype) return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => OPTION_KEYS.has(k));
}

type Fn = (...args: any[]) => Tensor | number;

/** f evaluated with no tape watching, as a number. */
function evaluate(f: Fn, args: unknown[]): number {
  return tidy(() => {
    const y = f(...args);
    if (typeof y === 'number') return y;
    if (!(y instanceof Tensor) || y.size !== 1) {
      throw new ArgumentError(`gradcheck: f must return a scalar (number or one-element tensor), got ${describe(y)}`);
    }
    return y.item();
  });
}

function close(a: number, b: number, atol: number, rtol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= atol + rtol * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * The derivative at t = 0 of `at(t)`, a scalar function of a step along one
 * direction. Central differences D(s) = (at(s) − at(−s)) / 2s have error
 * c₂s² + c₄s⁴ + …, so R(s) = (4 D(s/2) − D(s)) / 3 cancels the s² term. The
 * value is R(h/2); |R(h/2) − R(h)| estimates its error (truncation and
 * rounding), which widens the tolerance where the function is not smooth at
 * the scale of h (a kink within h) instead of failing a correct rule, and
 * stays far below 1e-9 of the derivative's scale where it is smooth.
 */
function derivative(at: (t: number) => number, h: number): { value: number; error: number } {
  const d = [h, h / 2, h / 4].map((s) => (at(s) - at(-s)) / (2 * s));
  const coarse = (4 * d[1] - d[0]) / 3;
  const fine = (4 * d[2] - d[1]) / 3;
  return { value: fine, error: Math.abs(fine - coarse) };
}

function checkFirstOrder(f: Fn, args: unknown[], argnums: readonly number[], o: Required<GradcheckOptions>, label: string): boolean {
  let ok = true;
  for (const i of argnums) {
    const x = args[i];
    const analytic = tidy(() => {
      const g = grad(f, i)(...args) as Tensor | number;
      return typeof g === 'number' ? [g] : Array.from(g.data());
    });
    const at = (value: number | Float64Array): unknown[] => {
      const copy = args.slice();
      copy[i] = typeof value === 'number' ? value : tensor(value, { dtype: 'float64', shape: (x as Tensor).shape.slice() });
      return copy;
    };
    const compare = (what: string, a: number, n: { value: number; error: number }) => {
      if (close(a, n.value, o.atol + n.error, o.rtol)) return;
      ok = false;
      if (o.verbose) {
        console.log(`gradcheck${label}: argument ${i}, ${what}: analytic ${a}, numeric ${n.value} (±${n.error.toPrecision(2)}), difference ${a - n.value}`);
      }
    };
    if (typeof x === 'number') {
      compare('d/dx', analytic[0], derivative((t) => evaluate(f, at(x + t)), o.eps));
      continue;
    }
    const base = (x as Tensor).data() as Float64Array;
    /** f at base + t v. */
    const along = (v: Float64Array) => (t: number) => {
      const moved = base.slice();
      for (let j = 0; j < v.length; j++) moved[j] += t * v[j];
      return tidy(() => evaluate(f, at(moved)));
    };
    if (base.length <= o.maxCoordinates) {
      for (let j = 0; j < base.length; j++) {
        const e = new Float64Array(base.length);
        e[j] = 1;
        compare(`element ${j}`, analytic[j], derivative(along(e), o.eps));
      }
    } else {
      for (let d = 0; d < o.directions; d++) {
        const v = new Float64Array(base.length);
        let norm = 0;
        for (let j = 0; j < v.length; j++) {
          v[j] = nextGaussian();
          norm += v[j] * v[j];
        }
        norm = Math.sqrt(norm);
        let a = 0;
        for (let j = 0; j < v.length; j++) {
          v[j] /= norm;
          a += analytic[j] * v[j];
        }
        compare(`random direction ${d}`, a, derivative(along(v), o.eps));
      }
    }
  }
  return ok;
}

/**
 * Compares the gradients of `f` at `args` with finite differences in float64
 * (inputs are converted; central differences at steps eps, eps/2 and
 * eps/4, Richardson-extrapolated) and returns whether they agree within the
 * tolerances, widened by the differences' own error estimate. With `{ order: 2 }` it also checks the gradient of each
 * gradient (projected on a random vector), which exercises nested tapes.
 * The last argument may be the options object.
 *
 * @example
 * ag.gradcheck((x: ag.Tensor) => ag.sum(ag.tanh(x)), ag.randn([3]));            // true
 * ag.gradcheck((x: ag.Tensor) => ag.sum(ag.exp(x)), ag.randn([3]), { order: 2 }); // true
 */
export function gradcheck(f: Fn, ...rest: unknown[]): boolean {
  if (typeof f !== 'function') throw new ArgumentError(`gradcheck: expected a function, got ${describe(f)}`);
  if (activeTapes.length > 0) throw new ArgumentError('gradcheck: cannot run inside diff');
  const options: GradcheckOptions = rest.length > 0 && isOptions(rest[rest.length - 1]) ? (rest.pop() as GradcheckOptions) : {};
  const o: Required<GradcheckOptions> = {
    order: options.order ?? 1,
    eps: options.eps ?? 1e-4,
    atol: options.atol ?? 1e-5,
    rtol: options.rtol ?? 1e-4,
    maxCoordinates: options.maxCoordinates ?? 32,
    directions: options.directions ?? 6,
    argnums: options.argnums ?? [],
    verbose: options.verbose ?? false,
  };
  if (o.order !== 1 && o.order !== 2) throw new ArgumentError(`gradcheck: order must be 1 or 2, got ${describe(o.order)}`);
  return tidy(() => {
    const args = rest.map((a) => (a instanceof Tensor ? castCopy(a, 'float64') : a));
    const argnums = options.argnums ?? args.map((a, i) => (a instanceof Tensor || typeof a === 'number' ? i : -1)).filter((i) => i >= 0);
    for (const i of argnums) {
      if (!(args[i] instanceof Tensor) && typeof args[i] !== 'number') {
        throw new ArgumentError(`gradcheck: argument ${i} is ${describe(args[i])}; only Tensor and number arguments can be checked`);
      }
    }
    let ok = checkFirstOrder(f, args, argnums, o, '');
    if (o.order === 2) {
      for (const i of argnums) {
        const x = args[i];
        const r = typeof x === 'number' ? nextGaussian() : tensor(Float64Array.from({ length: (x as Tensor).size }, nextGaussian), { dtype: 'float64', shape: (x as Tensor).shape.slice() });
        const projected: Fn = (...a: unknown[]) => {
          const g = grad(f, i)(...a) as Tensor | number;
          if (typeof g === 'number') return typeof r === 'number' ? g * r : sum(mul(r, g));
          return sum(mul(g, r));
        };
        ok = checkFirstOrder(projected, args, argnums, o, ` (order 2, gradient of argument ${i})`) && ok;
      }
    }
    return ok;
  });
}
