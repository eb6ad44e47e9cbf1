// params(tape): the Params a tape recorded, in the order it met them
// (AutoGrad.jl's params(J)), so that Knet's `for p in params(J)` loop
// updates every Param the loss used and nothing else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

test('the Params the loss used, in recording order; unused and non-Param tensors are not listed', () => {
  const w1 = ag.Param([[1, 2], [3, 4]]);
  const b1 = ag.Param([0.5, -0.5]);
  const unused = ag.Param([9]);
  const x = ag.tensor([[1, 1]]); // data, not a Param
  const tape = ag.diff(() => ag.sum(ag.tanh(ag.add(ag.matmul(x, w1), b1))));
  assert.equal(ag.params(tape), [w1, b1]);
  // listing them does not run or change the backward pass
  const g = ag.grad(tape, w1)!.toArray();
  assert.equal(ag.params(tape), [w1, b1]);
  assert.equal(ag.grad(tape, w1)!.toArray(), g);
  tape.dispose();
  for (const t of [w1, b1, unused, x]) t.dispose();
});

test("Knet's loop: for each Param of the tape, axpy its gradient: every used Param moves, the rest stay", () => {
  const a = ag.Param([1, 2, 3]);
  const b = ag.Param([1]);
  const idle = ag.Param([5]);
  for (let step = 0; step < 3; step++) {
    ag.tidy(() => {
      const tape = ag.diff(() => ag.add(ag.sum(ag.abs2, a), ag.sum(ag.mul(b, 2))));
      for (const p of ag.params(tape)) ag.axpy(-0.25, ag.grad(tape, p)!, p);
    });
  }
  // a <- a - 0.25 * 2a = a / 2 per step; b <- b - 0.25 * 2 per step
  assert.equal(a.toArray(), [0.125, 0.25, 0.375]);
  assert.equal(b.toArray(), [-0.5]);
  assert.equal(idle.toArray(), [5]);
  for (const t of [a, b, idle]) t.dispose();
});

test('a Param met through an inner diff is on the outer tape too; a number result has none', () => {
  const c = ag.Param([2], { dtype: 'float64' });
  const a = ag.Param([3], { dtype: 'float64' });
  const outer = ag.diff(() => {
    const inner = ag.diff(() => ag.sum(ag.mul(c, c)));
    assert.equal(ag.params(inner), [c]);
    return ag.sum(ag.mul(ag.grad(inner, c)!, a));
  });
  assert.equal(ag.params(outer), [c, a]);
  assert.equal(ag.grad(outer, c)!.toArray(), [6]); // d/dc (2c a) = 2a
  outer.dispose();
  const constant = ag.diff(() => 3);
  assert.equal(ag.params(constant), []);
  constant.dispose();
  const asIs = ag.diff(() => ag.reshape(a, []));
  assert.equal(ag.params(asIs), [a]);
  asIs.dispose();
  c.dispose();
  a.dispose();
});

test.run();
