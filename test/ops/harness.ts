// The op table harness. Each family lists its ops once in
// test/ops/<family>.table.ts (an exported `cases: OpCase[]`), and
// test/ops/<family>.test.ts runs `opSuite('<family>', cases)`. For every
// entry this checks the known values, gradcheck in float64 to first order
// and (unless `order` says otherwise) second order, and that float32 agrees
// with float64 to float32 precision. test/ops/coverage.test.ts fails if an
// exported op is missing from every table.
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
  /** gradcheck tolerances if the default (atol 1e-5, rtol 1e-4) is too tight for a good reason. */
  atol?: number;
  rtol?: number;
  /** gradcheck's finite-difference step (default 1e-6). */
  eps?: number;
  /** Skip the float32-vs-float64 comparison (e.g. ops whose output is discrete). */
  noFloat32Check?: boolean;
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
        const options = { argnums: c.argnums, atol: c.atol, rtol: c.rtol, eps: c.eps };
        for (const [scalar, o] of [[linear, 1], [squared, order]] as const) {
          const ok = ag.gradcheck(scalar, ...args, { ...options, order: o });
          if (!ok) ag.gradcheck(scalar, ...args, { ...options, order: o, verbose: true });
          assert.ok(ok, `${c.name}: gradcheck order ${o}${scalar === squared ? ' of sum(w * f(x)^2)' : ''} failed (see the lines above)`);
        }
        weights.dispose();
      });
    }
    if (!c.noFloat32Check) {
      test(`${c.name}: float32 agrees with float64`, () => {
        ag.tidy(() => {
          ag.seed(99);
          const args = c.inputs();
          const y64 = c.fn(...args);
          const y32 = c.fn(...toF32(args));
          assert.is(y32.dtype, 'float32', `${c.name} keeps float32`);
          assert.is(y64.dtype, 'float64', `${c.name} keeps float64`);
          assertClose(y32, y64.toArray(), 2e-4, `${c.name} float32 vs float64`);
        });
      });
    }
  }
  test.run();
}
