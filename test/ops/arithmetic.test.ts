import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { assertClose, opSuite } from './harness';
import { cases } from './arithmetic.table';

opSuite('arithmetic', cases);

const f64 = { dtype: 'float64' as const };

/** The gradient of `f` at `x` (float64) as a flat array. */
function gradAt(f: (x: ag.Tensor) => ag.Tensor, x: number[]): number[] {
  return ag.tidy(() => Array.from((ag.grad(f)(ag.tensor(x, f64)) as ag.Tensor).data()));
}

/** The gradients of `f` with respect to each of its (float64) arguments, as flat arrays. */
function gradsAt(f: (...xs: ag.Tensor[]) => ag.Tensor, ...xs: (number | number[])[]): number[][] {
  return ag.tidy(() => {
    const ps = xs.map((x) => ag.Param(ag.tensor(x, f64)));
    const tape = ag.diff(() => f(...ps));
    const out = ps.map((p) => Array.from(ag.grad(tape, p)!.data()));
    tape.dispose();
    return out;
  });
}

test('pow: the derivative of x^2 at 0 is 0 and the second derivative 2 (no NaN from y*b/a)', () => {
  const d1 = (x: ag.Tensor) => ag.sum(ag.pow(x, 2));
  assert.equal(gradAt(d1, [0, 3]), [0, 6]);
  const d2 = (x: ag.Tensor) => ag.sum(ag.grad(d1)(x));
  assert.equal(gradAt(d2, [0, 3]), [2, 2]);
  const d3 = (x: ag.Tensor) => ag.sum(ag.grad(d2)(x));
  assert.equal(gradAt(d3, [0, 3]), [0, 0]);
  // The mixed derivative d/db d/da a^b = a^(b-1) (1 + b log a) is 1/a at b = 0.
  const mixed = (b: ag.Tensor) => ag.sum(ag.grad((a: ag.Tensor) => ag.sum(ag.pow(a, b)))(ag.tensor([2, 4], f64)));
  assert.equal(gradAt(mixed, [0]), [0.75]);
  // x^1 at 0: the derivative is 1 (1 * 0^0).
  assert.equal(gradAt((x) => ag.sum(ag.pow(x, 1)), [0]), [1]);
});

test('pow: d/db is 0 where a == 0 and b > 0 (no log(0)), a^b log a where a > 0', () => {
  const [, g] = gradsAt((a, b) => ag.sum(ag.pow(a, b)), [0, 0, 2, 0.5], [2, 0.5, 3, -1]);
  assert.equal(g.slice(0, 2), [0, 0]);
  assert.ok(Math.abs(g[2] - 8 * Math.log(2)) < 1e-12, `got ${g[2]}`);
  assert.ok(Math.abs(g[3] - 2 * Math.log(0.5)) < 1e-12, `got ${g[3]}`);
  // Second derivative in b at a = 0 stays finite too.
  const gb = (b: ag.Tensor) => ag.sum(ag.grad((c: ag.Tensor) => ag.sum(ag.pow(ag.tensor([0, 2], f64), c)))(b));
  const gg = gradAt(gb, [2, 3]);
  assert.ok(gg[0] === 0 && Math.abs(gg[1] - 8 * Math.log(2) ** 2) < 1e-12, `got ${gg}`);
});

test('pow: negative base with an integer exponent differentiates in the base', () => {
  // d/dx x^3 = 3x^2 = 12 at -2; second order through the tape too.
  assert.equal(gradAt((x) => ag.sum(ag.pow(x, 3)), [-2]), [12]);
  ag.tidy(() => {
    const ok = ag.gradcheck((x: ag.Tensor) => ag.sum(ag.pow(x, 3)), ag.tensor([-2, -0.5, 1.5], f64), { order: 2 });
    assert.ok(ok);
  });
});

test('maximum and minimum: the gradient goes to the winner, ties split it half and half', () => {
  assert.equal(gradsAt((a, b) => ag.sum(ag.maximum(a, b)), [1, 2, 3], [2, 2, 1]), [[0, 0.5, 1], [1, 0.5, 0]]);
  assert.equal(gradsAt((a, b) => ag.sum(ag.minimum(a, b)), [1, 2, 3], [2, 2, 1]), [[1, 0.5, 0], [0, 0.5, 1]]);
});

test('maximum: a broadcast number collects the gradient of every element it wins', () => {
  const [, gm] = gradsAt((x, m) => ag.sum(ag.maximum(x, m)), [-1, 2, -3, 0.5], 0);
  assert.equal(gm, [2]);
});

test('atan2 and hypot: gradients at a point by hand', () => {
  // atan2(y, x) at (y, x) = (3, -4): dy = x / 25, dx = -y / 25.
  const [gy, gx] = gradsAt((y, x) => ag.sum(ag.atan2(y, x)), [3], [-4]);
  assert.ok(Math.abs(gy[0] + 4 / 25) < 1e-15 && Math.abs(gx[0] + 3 / 25) < 1e-15, `got ${gy}, ${gx}`);
  const [ha, hb] = gradsAt((a, b) => ag.sum(ag.hypot(a, b)), [3], [-4]);
  assert.ok(Math.abs(ha[0] - 0.6) < 1e-15 && Math.abs(hb[0] + 0.8) < 1e-15, `got ${ha}, ${hb}`);
  // Huge float32 coordinates: the gradient neither overflows nor vanishes.
  ag.tidy(() => {
    const g = ag.grad((y: ag.Tensor) => ag.sum(ag.atan2(y, ag.tensor([4e30]))))(ag.tensor([3e30])) as ag.Tensor;
    assertClose(g, [4e30 / 25e60], 1e-5, 'float32 d atan2 / dy at 1e30');
  });
});

test('mod: d/da is 1 and d/db is -floor(a/b), numpy style', () => {
  const [ga, gb] = gradsAt((a, b) => ag.sum(ag.mod(a, b)), [-7, 7, 7.5], [3, -3, 2]);
  assert.equal(ga, [1, 1, 1]);
  // floor(-7/3) = -3, floor(7/-3) = -3, floor(7.5/2) = 3.
  assert.equal(gb, [3, 3, -3]);
});

test('a failed call names the op and shapes and leaves nothing allocated', () => {
  ag.tidy(() => {
    const a = ag.zeros([2, 3]);
    const b = ag.zeros([4]);
    for (const [name, fn] of [['pow', ag.pow], ['maximum', ag.maximum], ['mod', ag.mod], ['atan2', ag.atan2]] as const) {
      const before = ag.memory().liveTensors;
      assert.throws(() => fn(a, b), (e: Error) => e instanceof ag.ShapeError && e.message.startsWith(`${name}:`) && e.message.includes('[2, 3]') && e.message.includes('[4]'));
      assert.is(ag.memory().liveTensors, before, `${name} leaked`);
    }
    assert.throws(() => ag.pow(a, ag.zeros([2, 3], f64)), (e: Error) => e instanceof ag.DTypeError && e.message.startsWith('pow:'));
    assert.throws(() => ag.hypot(a, 'x' as unknown as number), (e: Error) => e instanceof ag.ArgumentError && e.message.startsWith('hypot:'));
  });
});

test('outside any scope, number arguments are freed with the call: only the result remains', () => {
  const x = ag.tensor([1, -2, 3], f64);
  for (const fn of [ag.pow, ag.maximum, ag.minimum, ag.atan2, ag.hypot, ag.mod]) {
    const before = ag.memory().liveTensors;
    const y = fn(x, 2);
    const z = fn(3, x);
    assert.is(ag.memory().liveTensors, before + 2, fn.name);
    y.dispose();
    z.dispose();
  }
  x.dispose();
});

test.run();
