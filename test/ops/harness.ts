// The op table harness. Each family lists its ops once in
// test/ops/<family>.table.ts (an exported `cases: OpCase[]`), and
// test/ops/<family>.test.ts runs `opSuite('<family>', cases)`. For every
// entry this checks the known values; gradcheck in float64 to first order
// and (unless `order` says otherwise) second order, with tight tolerances;
// that float32 values agree with float64; and that the float32 gradients —
// computed by the float32 kernels and rules, which gradcheck never runs (it
// works in float64) — agree with the float64 gradients of the same inputs,
// to the same order. test/ops/coverage.test.ts fails if an exported op is
// missing from every table.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import type { NestedArray, Tensor } from '../../src/index';

export type Arg = Tensor | number | unknown;

export interface ValueCase {
  /** What the case shows, e.g. 'broadcast [2,3] with [3]'. */
  label: string;
  /** Arguments for `fn` (built fresh, inside a tidy). */
  args: () => Arg[];
  /** The call, when it differs from the entry's `fn` (other axes, options...). */
  call?: (...args: any[]) => Tensor;
  /** Expected result (nested arrays or a number for 0-d). */
  expected: NestedArray;
  /** Relative tolerance (default 1e-6 for float64 inputs, 1e-5 for float32). */
  tol?: number;
}

export interface OpCase {
  /** The exported name (ag[name]); one entry per exported op. */
  name: string;
  /** The call under test: wraps the op, fixing non-tensor options. */
  fn: (...args: any[]) => Tensor;
  /**
   * float64 inputs inside the op's domain (avoid kinks: ties in max, 0 in
   * abs, ...), for gradcheck and the float32/float64 comparison.
   */
  inputs: () => Arg[];
  /** 2: twice differentiable (default); 1: first order only; 0: zero-gradient op (output checked constant on the tape). */
  order?: 0 | 1 | 2;
  /** Indices of the arguments to differentiate (default: every Tensor or number). */
  argnums?: number[];
  values?: ValueCase[];
  /** gradcheck tolerances if the table's (GRADCHECK_ATOL, GRADCHECK_RTOL) are too tight for a good reason. */
  atol?: number;
  rtol?: number;
  /** gradcheck's finite-difference step (default 1e-4, Richardson-extrapolated). */
  eps?: number;
  /** Skip the float32-vs-float64 comparisons (e.g. ops whose output is discrete). */
  noFloat32Check?: boolean;
  /** Relative tolerance of the float32 gradients against float64 (default FLOAT32_RTOL), if the op is ill-conditioned at its inputs. */
  f32rtol?: number;
}

/**
 * Gradients of sum(w * f(x)) with respect to each argument in `argnums`, and
 * (order 2) the gradient of sum_k <grad_k sum(w * f(x)^2), r_k>: a Hessian
 * of the squared output applied to the random direction r. w and r are drawn
 * in float32 so that both dtypes see the same numbers. Flat arrays (a null
 * gradient, for an argument that played no part, is empty), and the dtype
 * of every gradient tensor.
 */
function gradientsOf(fn: (...a: any[]) => Tensor, args: Arg[], argnums: number[], order: 1 | 2): { first: number[][]; second: number[][]; dtypes: string[] } {
  const dtype = (args.find((a) => a instanceof ag.Tensor) as Tensor | undefined)?.dtype ?? 'float64';
  const draw = (shape: number[], seed: number) => {
    ag.seed(seed);
    return ag.cast(ag.randn(shape, { dtype: 'float32' }), dtype);
  };
  const place = (xs: Arg[]) => args.map((a, i) => (argnums.includes(i) ? xs[argnums.indexOf(i)] : a));
  const start = argnums.map((i) => args[i]);
  const w = draw(fn(...args).shape.slice(), 7);
  const dtypes: string[] = [];
  const flat = (g: unknown): number[] => {
    if (g instanceof ag.Tensor) dtypes.push(g.dtype);
    return g === null || g === undefined ? [] : typeof g === 'number' ? [g] : Array.from((g as Tensor).data());
  };
  const linear = (xs: Arg[]) => ag.sum(ag.mul(fn(...place(xs)), w));
  const first = (ag.grad(linear)(start) as unknown[]).map(flat);
  if (order === 1) return { first, second: [], dtypes };
  const r = start.map((a, k) => (typeof a === 'number' ? 0.5 + 0.25 * k : draw((a as Tensor).shape.slice(), 11 + k)));
  const squared = (xs: Arg[]) => {
    const y = fn(...place(xs));
    return ag.sum(ag.mul(ag.mul(y, y), w));
  };
  const projected = (xs: Arg[]) => {
    const g = ag.grad(squared)(xs) as unknown[];
    let total: Tensor | number = 0;
    g.forEach((gk, k) => {
      if (gk !== null && gk !== undefined) total = ag.add(total, ag.sum(ag.mul(gk as Tensor, r[k] as Tensor)));
    });
    return total;
  };
  const second = (ag.grad(projected)(start) as unknown[]).map(flat);
  return { first, second, dtypes };
}

/**
 * The float32 tolerance of a gradient: each element within rtol of the
 * float64 one, relative to its own size plus the mean size of the gradient
 * (an element that is small only because its terms cancelled carries the
 * rounding of those terms, which are of the gradient's size). The tables'
 * inputs are well conditioned: every entry's float32 gradients, first and
 * second order, are within 5e-7 of float64 by this measure; 1e-5 leaves
 * room for other summation orders and still fails a kernel that drops,
 * repeats or misplaces a single lane.
 */
const FLOAT32_RTOL = 1e-5;

/** AUTOGRAD_F32_REPORT=1 prints each comparison's worst error instead of asserting (to choose tolerances). */
const REPORT = process.env.AUTOGRAD_F32_REPORT === '1';

const meanAbs = (v: number[]) => v.reduce((s, x) => s + Math.abs(x), 0) / Math.max(1, v.length);

function compareGradients(actual: number[], expected: number[], rtol: number, floor: number, what: string): void {
  assert.is(actual.length, expected.length, `${what}: ${actual.length} elements, float64 has ${expected.length}`);
  const scale = Math.max(meanAbs(expected), floor);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (Math.abs(expected[i]) + scale);
    worst = Math.max(worst, err);
    if (!REPORT) assert.ok(err <= rtol, `${what}: element ${i} is ${actual[i]}, float64 gives ${expected[i]} (relative error ${err.toPrecision(3)}, allowed ${rtol})`);
  }
  if (REPORT) console.log(`float32 ${worst.toExponential(2)} ${what}`);
}

function toF32(args: Arg[]): Arg[] {
  return args.map((a) => (a instanceof ag.Tensor ? ag.cast(a, 'float32') : a));
}

function flatten(x: NestedArray): number[] {
  return Array.isArray(x) ? (x as NestedArray[]).flatMap(flatten) : [x];
}

function shapeOf(x: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = x;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

/**
 * gradcheck's tolerances for the table (the library's defaults are looser,
 * atol 1e-5 and rtol 1e-4). Its Richardson-extrapolated differences agree
 * with every correct rule of the tables within atol 1e-10 + rtol 1e-9 (and
 * not within ten times less); ten times that leaves room for other inputs
 * and still fails a rule off by a relative 1e-6 wherever the gradient is
 * larger than about 1e-3.
 */
const GRADCHECK_ATOL = 1e-9;
const GRADCHECK_RTOL = 1e-8;

export function assertClose(actual: Tensor, expected: NestedArray, tol: number, what: string): void {
  assert.equal(actual.shape, shapeOf(expected), `${what}: shape`);
  const a = Array.from(actual.data());
  const e = flatten(expected);
  for (let i = 0; i < e.length; i++) {
    const ok = Object.is(a[i], e[i]) || (Number.isNaN(a[i]) && Number.isNaN(e[i])) ||
      Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i]));
    assert.ok(ok, `${what}: element ${i} is ${a[i]}, expected ${e[i]}`);
  }
}

export const registered = new Set<string>();

export function opSuite(family: string, cases: OpCase[]): void {
  const test = suite(`ops: ${family}`);
  for (const c of cases) {
    registered.add(c.name);
    for (const v of c.values ?? []) {
      test(`${c.name}: ${v.label}`, () => {
        ag.tidy(() => {
          const args = v.args();
          const isF32 = args.some((a) => a instanceof ag.Tensor && a.dtype === 'float32');
          assertClose((v.call ?? c.fn)(...args), v.expected, v.tol ?? (isF32 ? 1e-5 : 1e-6), `${c.name} ${v.label}`);
        });
      });
    }
    const order = c.order ?? 2;
    if (order === 0) {
      test(`${c.name}: constant on the tape`, () => {
        ag.tidy(() => {
          const args = c.inputs();
          const x = args.find((a) => a instanceof ag.Tensor) as Tensor;
          const p = ag.Param(x);
          const tape = ag.diff(() => ag.sum(c.fn(...args.map((a) => (a === x ? p : a)))));
          assert.is(ag.grad(tape, p), null, `${c.name} should not pass gradients`);
          tape.dispose();
          p.dispose();
        });
      });
    } else {
      test(`${c.name}: gradcheck order ${order}`, () => {
        ag.seed(1234);
        const args = c.inputs();
        // A random weighting of the outputs makes every output element matter,
        // each differently, in the scalar that gradcheck differentiates. The
        // second-order check squares the output first: for a linear op the
        // weighted sum has a constant gradient, which would leave the rules'
        // own gradients untested.
        const shape = ag.tidy(() => c.fn(...args).shape.slice());
        const weights = ag.randn(shape, { dtype: 'float64' });
        const linear = (...a: Arg[]) => ag.sum(ag.mul(c.fn(...a), weights));
        const squared = (...a: Arg[]) => {
          const y = c.fn(...a);
          return ag.sum(ag.mul(ag.mul(y, y), weights));
        };
        const options = { argnums: c.argnums, atol: c.atol ?? GRADCHECK_ATOL, rtol: c.rtol ?? GRADCHECK_RTOL, eps: c.eps };
        for (const [scalar, o] of [[linear, 1], [squared, order]] as const) {
          const ok = ag.gradcheck(scalar, ...args, { ...options, order: o });
          if (!ok) ag.gradcheck(scalar, ...args, { ...options, order: o, verbose: true });
          assert.ok(ok, `${c.name}: gradcheck order ${o}${scalar === squared ? ' of sum(w * f(x)^2)' : ''} failed (see the lines above)`);
        }
        weights.dispose();
      });
    }
    if (!c.noFloat32Check && order > 0) {
      test(`${c.name}: float32 gradients agree with float64${order === 2 ? ' (to second order)' : ''}`, () => {
        ag.tidy(() => {
          ag.seed(1234);
          const args64 = c.inputs();
          const argnums = c.argnums ?? args64.map((a, i) => (a instanceof ag.Tensor || typeof a === 'number' ? i : -1)).filter((i) => i >= 0);
          // The same inputs in both dtypes: the float32 ones, widened.
          const args32 = toF32(args64);
          const widened = args32.map((a) => (a instanceof ag.Tensor ? ag.cast(a, 'float64') : a));
          const g32 = gradientsOf(c.fn, args32, argnums, order as 1 | 2);
          const g64 = gradientsOf(c.fn, widened, argnums, order as 1 | 2);
          for (const d of g32.dtypes) assert.is(d, 'float32', `${c.name}: a float32 input got a ${d} gradient`);
          const rtol = c.f32rtol ?? FLOAT32_RTOL;
          for (let k = 0; k < argnums.length; k++) {
            compareGradients(g32.first[k], g64.first[k], rtol, 0, `${c.name}: float32 gradient of argument ${argnums[k]}`);
            // A second-order term that is zero in exact arithmetic (sqrt(x)^2
            // is linear) is rounding noise at the first-order gradient's scale.
            if (order === 2) {
              compareGradients(g32.second[k], g64.second[k], rtol, 1e-2 * meanAbs(g64.first[k]), `${c.name}: float32 second-order gradient of argument ${argnums[k]}`);
            }
          }
        });
      });
    }
    if (!c.noFloat32Check) {
      test(`${c.name}: float32 agrees with float64`, () => {
        ag.tidy(() => {
          ag.seed(99);
          const args = c.inputs();
          const y64 = c.fn(...args);
          const y32 = c.fn(...toF32(args));
          if (y64.dtype === 'float64' || y32.dtype === 'float32') {
            assert.is(y32.dtype, 'float32', `${c.name} keeps float32`);
            assert.is(y64.dtype, 'float64', `${c.name} keeps float64`);
          } else {
            // an int32 or bool result (comparisons, indices) does not depend on the operands' float width
            assert.is(y32.dtype, y64.dtype, `${c.name}: the result dtype does not depend on the float width`);
          }
          assertClose(y32, y64.toArray(), 2e-4, `${c.name} float32 vs float64`);
        });
      });
    }
  }
  test.run();
}
