import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { opSuite } from './harness';
import { cases } from './compare.table';

opSuite('compare', cases);

const f64 = { dtype: 'float64' as const };

test('comparisons and tests give bool tensors, whatever the operands dtype', () => {
  ag.tidy(() => {
    const x = ag.tensor([1, 2, 3]);
    for (const fn of [ag.equal, ag.notEqual, ag.less, ag.lessEqual, ag.greater, ag.greaterEqual]) {
      const y = fn(x, 2);
      assert.is(y.dtype, 'bool');
      assert.ok(y.data() instanceof Uint8Array);
      assert.ok(Array.from(y.data()).every((v) => v === 0 || v === 1));
      assert.is(fn(ag.tensor([1], f64), 2).dtype, 'bool');
      assert.is(fn(ag.tensor([1], { dtype: 'int32' }), 2).dtype, 'bool');
    }
    assert.is(ag.isnan(x).dtype, 'bool');
    assert.is(ag.isfinite(ag.tensor([1], f64)).dtype, 'bool');
  });
});

test('where: the gradient goes to a where cond is nonzero and to b elsewhere, summed over broadcasting', () => {
  ag.tidy(() => {
    const cond = ag.tensor([[1, 0, 1], [0, 0, 1]], f64);
    const a = ag.Param(ag.tensor([1, 2, 3], f64));
    const b = ag.Param(ag.tensor(5, f64));
    const c = ag.Param(cond);
    const tape = ag.diff(() => ag.sum(ag.mul(ag.where(c, a, b), ag.tensor([[1, 10, 100], [1000, 1e4, 1e5]], f64))));
    assert.equal(ag.grad(tape, a)!.toArray(), [1, 0, 100100]);
    assert.equal(ag.grad(tape, b)!.toArray(), 10 + 1000 + 1e4);
    assert.is(ag.grad(tape, c), null, 'cond gets no gradient');
    tape.dispose();
  });
});

test('where: second derivatives through both branches (relu-like piecewise function)', () => {
  ag.tidy(() => {
    // f(x) = x^3 for x > 0, -x^2 elsewhere: f'' = 6x and -2.
    const f = (x: ag.Tensor) => ag.sum(ag.where(ag.greater(x, 0), ag.pow(x, 3), ag.neg(ag.mul(x, x))));
    const d2 = ag.grad((x: ag.Tensor) => ag.sum(ag.grad(f)(x)));
    assert.equal((d2(ag.tensor([2, -1], f64)) as ag.Tensor).toArray(), [12, -2]);
  });
});

test('where: the branch not taken gets an exact 0 gradient; an infinite derivative there gives NaN (use a safe input)', () => {
  ag.tidy(() => {
    const f = (x: ag.Tensor) => ag.sum(ag.where(ag.greater(x, 0), ag.mul(x, 2), ag.exp(x)));
    assert.equal((ag.grad(f)(ag.tensor([1, -1], f64)) as ag.Tensor).toArray(), [2, Math.exp(-1)]);
    // 0 * exp'(Infinity) is NaN, as in every tape-based autodiff; the fix is
    // to keep the unused branch's input finite: exp(where(x > 0, 0, x)).
    assert.ok(Number.isNaN((ag.grad(f)(ag.tensor([Infinity], f64)) as ag.Tensor).item()));
    const safe = (x: ag.Tensor) => {
      const pos = ag.greater(x, 0);
      return ag.sum(ag.where(pos, ag.mul(x, 2), ag.exp(ag.where(pos, 0, x))));
    };
    assert.equal((ag.grad(safe)(ag.tensor([Infinity, -1], f64)) as ag.Tensor).toArray(), [2, Math.exp(-1)]);
  });
});

test('comparisons are constants on the tape even for Param arguments', () => {
  ag.tidy(() => {
    const x = ag.Param(ag.tensor([1, -2], f64));
    // bool + int32 is int32 (numpy): [1, 0] + [1, 1] = [2, 1], a constant factor of x
    const tape = ag.diff(() => ag.sum(ag.mul(ag.add(ag.greater(x, 0), ag.cast(ag.isfinite(x), 'int32')), x)));
    assert.equal(ag.grad(tape, x)!.toArray(), [2, 1]);
    tape.dispose();
  });
});

test('errors: shapes, dtypes and argument types are named, nothing is allocated', () => {
  ag.tidy(() => {
    const a = ag.zeros([2, 3]);
    const a64 = ag.zeros([2, 3], f64);
    const b = ag.zeros([4]);
    const c = ag.zeros([3]);
    const c64 = ag.zeros([3], f64);
    const before = ag.memory().liveTensors;
    assert.throws(() => ag.less(a, b), (e: Error) => e instanceof ag.ShapeError && /^less: .*\[2, 3\].*\[4\]/.test(e.message));
    assert.throws(
      () => ag.where(c, 1, b),
      (e: Error) => e instanceof ag.ShapeError && e.message.startsWith('where:') && e.message.includes('[3] (cond)') && e.message.includes('[4] (b)'),
    );
    assert.throws(() => ag.where(c, c, c64), (e: Error) => e instanceof ag.DTypeError && e.message.startsWith('where:'));
    assert.throws(() => ag.equal(a, a64), (e: Error) => e instanceof ag.DTypeError && e.message.startsWith('equal:'));
    assert.throws(() => ag.isnan('x' as unknown as number), (e: Error) => e instanceof ag.ArgumentError && e.message.startsWith('isnan:'));
    assert.throws(() => ag.where(null as unknown as number, a, a), (e: Error) => e instanceof ag.ArgumentError && e.message.startsWith('where:'));
    assert.is(ag.memory().liveTensors, before);
  });
});

test('outside any scope, number arguments are freed with the call: only the result remains', () => {
  const x = ag.tensor([1, -2, 3], f64);
  const c = ag.tensor([1, 0, 1]);
  const calls: (() => ag.Tensor)[] = [() => ag.where(c, 1, 0), () => ag.where(1, x, 0), () => ag.where(c, x, 2), () => ag.less(x, 0), () => ag.equal(2, x)];
  for (const call of calls) {
    const before = ag.memory().liveTensors;
    const y = call();
    assert.is(ag.memory().liveTensors, before + 1, call.toString());
    y.dispose();
  }
  x.dispose();
  c.dispose();
});

test.run();
