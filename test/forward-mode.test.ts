// Forward mode proper (jvp's sweep, core/transforms.ts): each op that
// declares a tangent kind pushes tangents by it, and must agree with
// reverse mode: J·v from jvp against jacrev's Jacobian times v, in float64,
// for every elementwise op (whose rule, applied to a tangent, is taken to be
// J·v: true only for a diagonal Jacobian, which this checks op by op) and
// for the linear and bilinear ops that declare it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

type T = ag.Tensor;
const f64 = { dtype: 'float64' as const };
const test = suite('forward mode: J·v by tangent kinds equals reverse mode');

/** A deterministic spread of values in [lo, hi]. */
const values = (n: number, lo: number, hi: number, phase = 0) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * ((i * 0.618 + phase) % 1)));

function close(what: string, got: number[], want: number[]): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const scale = 1 + Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= 1e-10 * scale)) assert.unreachable(`${what}: element ${i}: jvp ${got[i]}, jacrev·v ${want[i]}`);
  }
}

const flat = (t: T) => Array.from(t.data() as Float64Array);

/** jvp(f, [xs], [vs]) against Σ_j jacrev(f, j)(xs) · v_j, for a function of tensors of one shape [n] to [n]. */
function check(what: string, f: (...xs: T[]) => T, xs: T[], vs: T[]): void {
  ag.tidy(() => {
    const [, jv] = ag.jvp(f, xs, vs);
    let want: T | null = null;
    xs.forEach((_, j) => {
      const J = ag.jacrev(f, j)(...xs) as T;
      const term = ag.matmul(ag.reshape(J, [-1, vs[j].size]), ag.reshape(vs[j], [-1]));
      want = want === null ? term : ag.add(want, term);
    });
    close(what, flat(ag.reshape(jv, [-1])), flat(want!));
  });
}

const UNARY_DOMAIN: Record<string, [number, number]> = {
  acosh: [1.2, 2.5], asec: [1.2, 2.5], acsc: [1.2, 2.5], acoth: [1.2, 2.5],
};
const UNARY = [
  'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'cbrt', 'reciprocal', 'abs2', 'abs', 'sign', 'neg',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sec', 'csc', 'cot', 'asec', 'acsc', 'acot',
  'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'sech', 'csch', 'coth', 'asech', 'acsch', 'acoth',
  'sinpi', 'cospi', 'sinc', 'deg2rad', 'rad2deg', 'exp10', 'sigmoid', 'relu', 'softplus', 'gelu',
  'erf', 'erfc', 'erfinv', 'erfcx', 'erfcinv', 'dawson', 'lgamma', 'digamma', 'trigamma', 'gamma', 'invdigamma',
  'besselJ0', 'besselJ1', 'besselY0', 'besselY1', 'besselI0', 'besselI1', 'besselK0', 'besselK1',
  'floor', 'ceil', 'round', 'trunc',
];

test('every elementwise unary op', () => {
  for (const name of UNARY) {
    const f = (ag as unknown as Record<string, (x: T) => T>)[name];
    assert.type(f, 'function', name);
    const [lo, hi] = UNARY_DOMAIN[name] ?? [0.2, 0.9];
    const x = ag.tensor(values(5, lo, hi), f64);
    const v = ag.tensor(values(5, -1, 1, 0.3), f64);
    check(name, (t) => f(t), [x], [v]);
    x.dispose();
    v.dispose();
  }
});

const PAIR = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'hypot', 'mod', 'rem', 'copysign', 'logaddexp', 'xlogy'];

test('every elementwise op of two operands, both tangents at once', () => {
  for (const name of PAIR) {
    const f = (ag as unknown as Record<string, (a: T, b: T) => T>)[name];
    assert.type(f, 'function', name);
    const a = ag.tensor(values(5, 0.2, 0.9), f64);
    const b = ag.tensor(values(5, 0.3, 1.7, 0.5), f64);
    const va = ag.tensor(values(5, -1, 1, 0.3), f64);
    const vb = ag.tensor(values(5, -1, 1, 0.7), f64);
    check(name, (p, q) => f(p, q), [a, b], [va, vb]);
    for (const t of [a, b, va, vb]) t.dispose();
  }
});

test('linear and bilinear ops: matmul, kron, slice, stack, sum, reshape, transpose, broadcastTo; and a 0-d result (crossEntropy)', () => {
  const x = ag.tensor(values(6, -1, 1), f64);
  const v = ag.tensor(values(6, -1, 1, 0.4), f64);
  const w = ag.tensor(values(12, -1, 1, 0.2), { ...f64, shape: [3, 4] });
  const cases: [string, (t: T) => T][] = [
    ['matmul', (t) => ag.reshape(ag.matmul(ag.reshape(t, [2, 3]), w), [-1])],
    ['matmul of t with itself', (t) => ag.reshape(ag.matmul(ag.reshape(t, [2, 3]), ag.reshape(t, [3, 2])), [-1])],
    ['kron', (t) => ag.kron(ag.slice(t, [0, 2]), ag.slice(t, [2, 5]))],
    ['slice', (t) => ag.slice(t, [1, 5, 2])],
    ['stack', (t) => ag.reshape(ag.stack([t, ag.mul(t, t)]), [-1])],
    ['sum along an axis', (t) => ag.sum(ag.reshape(t, [2, 3]), 0)],
    ['transpose', (t) => ag.reshape(ag.transpose(ag.reshape(t, [2, 3])), [-1])],
    ['broadcastTo', (t) => ag.reshape(ag.broadcastTo(ag.reshape(t, [1, 6]), [2, 6]), [-1])],
    ['crossEntropy (0-d)', (t) => ag.reshape(ag.crossEntropy(ag.reshape(t, [2, 3]), [0, 2]), [1])],
    // elementwise ops with broadcast operands: a bias row, a column, a 0-d scale (operands and tangents broadcast first)
    ['add a row of t', (t) => ag.reshape(ag.add(ag.reshape(t, [2, 3]), ag.slice(t, [0, 3])), [-1])],
    ['mul by a column of t', (t) => ag.reshape(ag.mul(ag.reshape(t, [2, 3]), ag.reshape(ag.slice(t, [0, 2]), [2, 1])), [-1])],
    ['pow with a 0-d exponent from t', (t) => ag.pow(ag.add(ag.mul(t, t), 1), ag.sum(ag.slice(t, [0, 2])))],
    ['atan2 of a row against t', (t) => ag.reshape(ag.atan2(ag.slice(t, [3, 6]), ag.reshape(ag.add(t, 2), [2, 3])), [-1])],
  ];
  for (const [what, f] of cases) check(what, f, [x], [v]);
  for (const t of [x, v, w]) t.dispose();
});

test('forward over reverse: jvp of a gradient equals hvp', () => {
  const f = (t: T) => ag.sum(ag.mul(ag.tanh(t), ag.sin(t)));
  const x = ag.tensor(values(4, -1, 1), f64);
  const v = ag.tensor(values(4, -1, 1, 0.6), f64);
  ag.tidy(() => {
    const [, fwd] = ag.jvp(ag.grad(f), [x], [v]);
    close('jvp(grad f)', flat(fwd as T), flat(ag.hvp(f)(x, v)));
  });
  x.dispose();
  v.dispose();
});

test.run();
