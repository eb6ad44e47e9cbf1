import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { opSuite } from './harness';
import { cases } from './unary.table';

opSuite('unary', cases);

const f64 = { dtype: 'float64' as const };
const data = (x: ag.Tensor) => Array.from(x.data());
const gradOf = (f: (x: ag.Tensor) => ag.Tensor, x: number[]) =>
  ag.tidy(() => data(ag.grad((z: ag.Tensor) => ag.sum(f(z)))(ag.tensor(x, f64)) as ag.Tensor));

test('unary: grad of sum(sqrt(x)) at [0] is [Infinity]', () => {
  assert.equal(gradOf(ag.sqrt, [0]), [Infinity]);
});

test('unary: log of a negative number is NaN, not a throw', () => {
  ag.tidy(() => {
    assert.ok(Number.isNaN(ag.log(ag.tensor([-1], f64)).item()));
    assert.ok(Number.isNaN(ag.log(-1).item()));
  });
});

test('unary: sigmoid(±1000) is exactly 1 and 0, with gradient 0 and no NaN', () => {
  ag.tidy(() => {
    assert.equal(data(ag.sigmoid(ag.tensor([1000, -1000], f64))), [1, 0]);
    assert.equal(data(ag.sigmoid(ag.tensor([1000, -1000], { dtype: 'float32' }))), [1, 0]);
  });
  assert.equal(gradOf(ag.sigmoid, [1000, -1000]), [0, 0]);
});

test('unary: softplus(1000) is 1000 with gradient 1; softplus(-1000) is 0 with gradient 0', () => {
  ag.tidy(() => assert.equal(data(ag.softplus(ag.tensor([1000, -1000], f64))), [1000, 0]));
  assert.equal(gradOf(ag.softplus, [1000, -1000]), [1, 0]);
});

test('unary: expm1 and log1p at 1e-10 are accurate to 1e-15 relative in float64', () => {
  // expm1(x) = x + x²/2 + ..., log1p(x) = x - x²/2 + ... for the double nearest 1e-10.
  const x = 1e-10;
  const expm1 = ag.tidy(() => ag.expm1(ag.tensor([x], f64)).item());
  const log1p = ag.tidy(() => ag.log1p(ag.tensor([x], f64)).item());
  const rel = (a: number, e: number) => Math.abs(a - e) / Math.abs(e);
  assert.ok(rel(expm1, 1.00000000005e-10) < 1e-15, `expm1(1e-10) = ${expm1}`);
  assert.ok(rel(log1p, 9.999999999500001e-11) < 1e-15, `log1p(1e-10) = ${log1p}`);
  // The naive forms lose about 7 digits here.
  assert.ok(rel(Math.exp(x) - 1, 1.00000000005e-10) > 1e-9);
});

test('unary: round is half to even, keeping the sign of -0.5', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const r = ag.tidy(() => data(ag.round(ag.tensor([0.5, 1.5, 2.5, -0.5], { dtype }))));
    assert.equal(r, [0, 2, 2, -0], dtype);
    assert.ok(Object.is(r[3], -0), `${dtype}: round(-0.5) should be -0`);
  }
});

test('unary: subgradients at the kinks: abs and relu give 0 at 0, clamp 0 at the bounds', () => {
  assert.equal(gradOf(ag.abs, [0, -2, 3]), [0, -1, 1]);
  assert.equal(gradOf(ag.relu, [0, -2, 3]), [0, 0, 1]);
  assert.equal(gradOf((x) => ag.clamp(x, 0, 1), [0, 0.5, 1, 2, -1]), [0, 1, 0, 0, 0]);
  assert.equal(gradOf((x) => ag.clamp(x, null, 1), [-5, 2]), [1, 0]);
});

test('unary: masks are constants on the tape, so second derivatives are 0 (not an error)', () => {
  ag.tidy(() => {
    const x = ag.tensor([-1, 2, 0.5], f64);
    // d²/dx² relu(x) = 0; d²/dx² relu(x) x = 2 where x > 0.
    const second = (f: (z: ag.Tensor) => ag.Tensor) =>
      ag.grad((y: ag.Tensor) => ag.sum(ag.mul(ag.grad((z: ag.Tensor) => ag.sum(f(z)))(y), 1)))(x) as ag.Tensor | null;
    const r = second(ag.relu);
    assert.ok(r === null || data(r).every((v) => v === 0), 'relu');
    assert.equal(data(second((z) => ag.mul(ag.relu(z), z))!), [0, 2, 2]);
    assert.equal(data(second((z) => ag.mul(ag.abs(z), z))!), [-2, 2, 2]);
  });
});

test('unary: elu gradient is finite at ±Infinity and keeps its tail', () => {
  const g = gradOf((x) => ag.elu(x, 0.5), [Infinity, -Infinity, -40, 2]);
  assert.equal(g.slice(0, 2), [1, 0]);
  assert.ok(Math.abs(g[2] - 0.5 * Math.exp(-40)) <= 1e-15 * 0.5 * Math.exp(-40), `elu'(-40) = ${g[2]}`);
  assert.is(g[3], 1);
});

test('unary: gelu and its gradient keep relative accuracy in the lower tail', () => {
  // mpmath at 40 digits: x Φ(x) and Φ(x) + x φ(x).
  const xs = [-10, -5, 0.5, 2.2, -0.7];
  const values = [-7.619853024160526e-23, -1.4332578593959695e-06, 0.34573123063700656, 2.1694124154703034, -0.1693745565561511];
  const grads = [-7.618400096464814e-22, -7.146946001792295e-06, 0.8674951246561629, 1.0641406567482106, 0.023385898866340155];
  const y = ag.tidy(() => data(ag.gelu(ag.tensor(xs, f64))));
  const g = gradOf(ag.gelu, xs);
  for (let i = 0; i < xs.length; i++) {
    // The rounding of x/√2 is amplified x²-fold in the tail: 1e-13 covers x = -10.
    assert.ok(Math.abs(y[i] - values[i]) <= 1e-13 * Math.abs(values[i]), `gelu(${xs[i]}) = ${y[i]}, expected ${values[i]}`);
    assert.ok(Math.abs(g[i] - grads[i]) <= 1e-13 * Math.abs(grads[i]), `gelu'(${xs[i]}) = ${g[i]}, expected ${grads[i]}`);
  }
  ag.tidy(() => assert.ok(Object.is(ag.gelu(-Infinity).item(), -0), 'gelu(-Infinity) is its limit, -0'));
});

test('unary: every op takes a JS number and gives a 0-d float64 tensor', () => {
  const ops = [ag.abs, ag.sign, ag.cbrt, ag.exp2, ag.expm1, ag.log2, ag.log10, ag.log1p, ag.reciprocal, ag.sin, ag.cos,
    ag.tan, ag.asin, ag.acos, ag.atan, ag.sinh, ag.cosh, ag.asinh, ag.atanh, ag.sigmoid, ag.relu, ag.softplus,
    ag.elu, ag.gelu, ag.floor, ag.ceil, ag.round, ag.trunc];
  ag.tidy(() => {
    for (const op of ops) {
      const y = op(0.3);
      assert.equal([y.shape, y.dtype], [[], 'float64'], op.name);
    }
    assert.is(ag.acosh(2).item(), Math.acosh(2));
    assert.is(ag.clamp(3, 0, 1).item(), 1);
  });
});

test('unary: bad arguments throw ArgumentError naming the op, and allocate nothing', () => {
  ag.tidy(() => {
    const x = ag.tensor([1, 2], f64);
    const before = ag.memory().liveTensors;
    assert.throws(() => ag.sin('a' as unknown as ag.Tensor), (e: Error) => e instanceof ag.ArgumentError && /sin/.test(e.message));
    assert.throws(() => ag.clamp(x, 2, 1), (e: Error) => e instanceof ag.ArgumentError && /clamp: lo must not exceed hi/.test(e.message));
    assert.throws(() => ag.clamp(x), (e: Error) => e instanceof ag.ArgumentError && /clamp/.test(e.message));
    assert.throws(() => ag.clamp(x, NaN, 1), (e: Error) => e instanceof ag.ArgumentError && /lo/.test(e.message));
    assert.throws(() => ag.clamp(x, 0, '1' as unknown as number), (e: Error) => e instanceof ag.ArgumentError && /hi/.test(e.message));
    assert.throws(() => ag.clamp(5, 2, 1), (e: Error) => e instanceof ag.ArgumentError);
    assert.throws(() => ag.elu(x, NaN), (e: Error) => e instanceof ag.ArgumentError && /elu: alpha/.test(e.message));
    assert.throws(() => ag.elu(3, Infinity), (e: Error) => e instanceof ag.ArgumentError);
    assert.is(ag.memory().liveTensors, before);
    x.dispose();
    assert.throws(() => ag.cos(x), (e: Error) => e instanceof ag.DisposedError && /cos/.test(e.message));
  });
});

test.run();
