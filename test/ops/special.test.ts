import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { opSuite } from './harness';
import { cases } from './special.table';

opSuite('special', cases);

const f64 = { dtype: 'float64' as const };

/** Checks `f(xs)` against `expected` to `rel` relative error, element by element (also for tiny values). */
function assertRelative(
  f: (x: ag.Tensor) => ag.Tensor, xs: number[], expected: number[], rel: number, dtype: ag.DType = 'float64',
): void {
  ag.tidy(() => {
    const y = f(ag.tensor(xs, { dtype }));
    assert.is(y.dtype, dtype);
    const got = Array.from(y.data());
    for (let i = 0; i < xs.length; i++) {
      const e = expected[i];
      const ok = got[i] === e || Math.abs(got[i] - e) <= rel * Math.abs(e);
      assert.ok(ok, `${f.name}(${xs[i]}) = ${got[i]}, expected ${e} (relative error ${Math.abs(got[i] - e) / Math.abs(e)})`);
    }
  });
}

/** The n-th derivative of the elementwise f at xs, through nested ag.grad. */
function derivative(f: (x: ag.Tensor) => ag.Tensor, n: number, xs: number[]): number[] {
  let g = f;
  for (let k = 0; k < n; k++) {
    const inner = g;
    g = (x: ag.Tensor) => ag.grad((z: ag.Tensor) => ag.sum(inner(z)))(x) as ag.Tensor;
  }
  return ag.tidy(() => Array.from(g(ag.tensor(xs, f64)).data()));
}

test('erfc keeps its relative accuracy in the far tail and reaches 0 only past 27.3', () => {
  assertRelative(ag.erfc, [5, 10, 15, 26],
    [1.537459794428035e-12, 2.088487583762545e-45, 7.212994172451207e-100, 5.663192408856143e-296], 1e-14);
  ag.tidy(() => {
    const [at27, at28] = Array.from(ag.erfc(ag.tensor([27, 28], f64)).data());
    // erfc(27) = 5.23705e-319 is subnormal: a few units of the last subnormal place.
    assert.ok(Math.abs(at27 - 5.23705e-319) < 1e-322, `erfc(27) = ${at27}`);
    assert.is(at28, 0);
  });
  // float32 tail: erfc(9) = 4.137e-37 is still a normal float32.
  assertRelative(ag.erfc, [9], [4.13703174651381e-37], 1e-6, 'float32');
});

test('erf and erfinv are relatively accurate for tiny arguments', () => {
  assertRelative(ag.erf, [1e-10, -1e-300], [1.1283791670955126e-10, -1.1283791670955126e-300], 1e-15);
  assertRelative(ag.erfinv, [1e-300, 1e-12], [8.86226925452758e-301, 8.86226925452758e-13], 1e-15);
});

test('erfinv is accurate in the tails up to 1 - 2^-53 and inverts erf', () => {
  assertRelative(ag.erfinv, [1 - 1e-15, -1 + 2 ** -52, 1 - 2 ** -53, 0.999999], // 1 - 1e-15 as rounded to float64
    [5.675915739744713, -5.805018683193453, 5.8635847487551676, 3.458910737275499], 1e-15);
  ag.tidy(() => {
    const x = ag.linspace(-0.999, 0.999, 201, f64);
    const back = Array.from(ag.erf(ag.erfinv(x)).data());
    const xs = Array.from(x.data());
    for (let i = 0; i < xs.length; i++) assert.ok(Math.abs(back[i] - xs[i]) <= 4e-16, `erf(erfinv(${xs[i]})) = ${back[i]}`);
  });
});

test('lgamma: relative accuracy next to its zeros, tiny and huge arguments, far negative', () => {
  assertRelative(ag.lgamma, [1 + 2 ** -30, 2 - 2 ** -40, 1e-300, -1e-300, 1e300, -1e15 - 0.5, 1e10],
    [-5.375739784311044e-10, -3.845201127643794e-13, 690.7755278982137, 690.7755278982137, 6.897755278982137e302,
      -3.353877639491072e16, 220258509288.81058], 1e-14);
});

test('digamma: relative accuracy next to its zero, tiny, huge and far negative arguments', () => {
  assertRelative(ag.digamma, [1.4616321449683622, 1e-9, 1e300, -1e15 - 0.5, 1e-300],
    [-9.241265521729427e-17, -1000000000.5772156, 690.7755278982137, 34.538776394910684, -1e300], 1e-14);
});

test('polygamma: large orders, tiny and huge arguments, negative arguments', () => {
  assertRelative(ag.trigamma, [1e300, 1e-150, -1e6 - 0.25], [1e-300, 1e300, 19.739207802179468], 1e-14);
  assertRelative((x) => ag.polygamma(30, x), [15.25], [-6.443149302231505e-5], 1e-14);
  assertRelative((x) => ag.polygamma(7, x), [-3.3], [76905684.27894843], 1e-13);
  // n! overflows float64 past 170: the log-space path, about n·1e-16 relative.
  assertRelative((x) => ag.polygamma(200, x), [300], [-2.03430351276749e-123], 1e-12);
  assertRelative((x) => ag.polygamma(100, x), [-0.5], [-1.5303349262176004e140], 1e-13);
  ag.tidy(() => {
    // 171! ζ(172) overflows float64.
    assert.is(ag.polygamma(171, 1).item(), Infinity);
    // Reflection is supported up to n = 100.
    assert.ok(Number.isNaN(ag.polygamma(101, -0.5).item()));
  });
});

test('the gamma family differentiates into itself to any order', () => {
  const xs = [0.7, 2.3, 6.5, -1.6];
  const close = (a: number[], b: number[], what: string) =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-13 * Math.max(1, Math.abs(b[i])), `${what}: ${v} vs ${b[i]}`));
  const values = (f: (x: ag.Tensor) => ag.Tensor) => ag.tidy(() => Array.from(f(ag.tensor(xs, f64)).data()));
  close(derivative(ag.lgamma, 1, xs), values(ag.digamma), "lgamma'");
  close(derivative(ag.lgamma, 2, xs), values(ag.trigamma), "lgamma''");
  close(derivative(ag.lgamma, 3, xs), values((x) => ag.polygamma(2, x)), "lgamma'''");
  close(derivative((x) => ag.polygamma(2, x), 2, xs), values((x) => ag.polygamma(4, x)), 'polygamma(2)\'\'');
});

test('gradients hold for negative arguments (the reflection paths)', () => {
  ag.tidy(() => {
    const x = ag.tensor([-2.7, -0.3, -1.6, -5.45], f64);
    for (const f of [ag.lgamma, ag.digamma, ag.trigamma, (z: ag.Tensor) => ag.polygamma(3, z)]) {
      assert.ok(ag.gradcheck((z: ag.Tensor) => ag.sum(f(z)), x, { order: 2 }), `gradcheck of ${f.name} at negative x`);
    }
  });
});

test('erf family derivatives: erfinv′ = 1/erf′(erfinv), erfc′ = -erf′', () => {
  const xs = [-0.8, 0.1, 0.5];
  const d = derivative(ag.erfinv, 1, xs);
  const y = ag.tidy(() => Array.from(ag.erfinv(ag.tensor(xs, f64)).data()));
  d.forEach((v, i) => {
    const expected = (Math.sqrt(Math.PI) / 2) * Math.exp(y[i] ** 2);
    assert.ok(Math.abs(v - expected) < 1e-13, `erfinv'(${xs[i]}) = ${v}, expected ${expected}`);
  });
  // erf'' = -4x/√π e^{-x²}; erfc'' its negative.
  const a = derivative(ag.erf, 2, xs);
  const b = derivative(ag.erfc, 2, xs);
  a.forEach((v, i) => {
    const expected = -(4 / Math.sqrt(Math.PI)) * xs[i] * Math.exp(-(xs[i] ** 2));
    assert.ok(Math.abs(v - expected) < 1e-14 && Math.abs(v + b[i]) < 1e-15, `erf''(${xs[i]}) = ${v}, erfc'' = ${b[i]}`);
  });
});

test('polygamma validates its order before allocating', () => {
  const before = ag.memory().liveTensors;
  for (const n of [-1, 1.5, NaN, 1001, '2' as unknown as number]) {
    assert.throws(() => ag.polygamma(n, 0.5), 
      (e: Error) => e instanceof ag.ArgumentError && /polygamma: order n/.test(e.message));
  }
  assert.throws(() => ag.polygamma(1, 'x' as unknown as number),
    (e: Error) => e instanceof ag.ArgumentError && /polygamma: x must be a Tensor/.test(e.message));
  assert.is(ag.memory().liveTensors, before);
});

test.run();
