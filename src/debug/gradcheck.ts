// Checking gradients against central differences, in float64.

import { Tensor, castCopy, tensor, tidy } from '../tensor';
import { grad } from '../core/diff';
import { activeTapes } from '../core/tape';
import { ArgumentError, describe } from '../errors';
import { nextGaussian } from '../random';
import { mul, sum } from '../ops/index';

export interface GradcheckOptions {
  /** 1 checks gradients; 2 also checks gradients of gradients (Hessian-vector products). */
  order?: 1 | 2;
  /** Finite-difference step (default 1e-6). */
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
    const report = (what: string, a: number, n: number) => {
      ok = false;
      if (o.verbose) console.log(`gradcheck${label}: argument ${i}, ${what}: analytic ${a}, numeric ${n}, difference ${a - n}`);
    };
    if (typeof x === 'number') {
      const n = (evaluate(f, at(x + o.eps)) - evaluate(f, at(x - o.eps))) / (2 * o.eps);
      if (!close(analytic[0], n, o.atol, o.rtol)) report('d/dx', analytic[0], n);
      continue;
    }
    const base = (x as Tensor).data() as Float64Array;
    if (base.length <= o.maxCoordinates) {
      for (let j = 0; j < base.length; j++) {
        const plus = base.slice();
        plus[j] += o.eps;
        const minus = base.slice();
        minus[j] -= o.eps;
        const n = tidy(() => (evaluate(f, at(plus)) - evaluate(f, at(minus))) / (2 * o.eps));
        if (!close(analytic[j], n, o.atol, o.rtol)) report(`element ${j}`, analytic[j], n);
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
        const plus = base.slice();
        const minus = base.slice();
        for (let j = 0; j < v.length; j++) {
          v[j] /= norm;
          a += analytic[j] * v[j];
          plus[j] += o.eps * v[j];
          minus[j] -= o.eps * v[j];
        }
        const n = tidy(() => (evaluate(f, at(plus)) - evaluate(f, at(minus))) / (2 * o.eps));
        if (!close(a, n, o.atol, o.rtol)) report(`random direction ${d}`, a, n);
      }
    }
  }
  return ok;
}

/**
 * Compares the gradients of `f` at `args` with central differences, in
 * float64 (inputs are converted), and returns whether they agree within the
 * tolerances. With `{ order: 2 }` it also checks the gradient of each
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
    eps: options.eps ?? 1e-6,
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
