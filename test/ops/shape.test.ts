import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { opSuite } from './harness';
import { cases } from './shape.table';

opSuite('shape', cases);

const f64 = { dtype: 'float64' as const };

// The harness (opSuite) also checks each op to second order through
// sum(w * f(x)^2), so the rules of the gradient ops are differentiated too.

test('flatten, squeeze and expandDims share the buffer (zero copy)', () => {
  ag.tidy(() => {
    const x = ag.tensor([[1, 2, 3]]);
    const before = ag.memory();
    const views = [ag.flatten(x), ag.squeeze(x), ag.squeeze(x, 0), ag.expandDims(x, 1), ag.reshape(x, [3, 1])];
    const after = ag.memory();
    assert.is(after.buffers, before.buffers);
    assert.is(after.bytesInUse, before.bytesInUse);
    assert.equal(views.map((v) => v.shape), [[3], [3], [3], [1, 1, 3], [3, 1]]);
  });
});

test('view gradients are reshapes back, through diff with a Param', () => {
  const p = ag.Param(ag.tensor([[1, 2, 3]], f64));
  const tape = ag.diff(() => ag.sum(ag.mul(ag.expandDims(ag.squeeze(ag.flatten(p)), -1), ag.tensor([[1], [2], [3]], f64))));
  assert.equal(ag.grad(tape, p)!.toArray(), [[1, 2, 3]]);
  tape.dispose();
  p.dispose();
});

test('tile and repeat gradients sum over the copies (known numbers)', () => {
  ag.tidy(() => {
    const g1 = ag.grad((x: ag.Tensor) => ag.sum(ag.mul(ag.tile(x, [2, 2]), ag.tensor([[1, 2, 3, 4], [5, 6, 7, 8]], f64))))(ag.tensor([[0, 0]], f64));
    assert.equal(g1.toArray(), [[1 + 3 + 5 + 7, 2 + 4 + 6 + 8]]);
    const g2 = ag.grad((x: ag.Tensor) => ag.sum(ag.mul(ag.repeat(x, 2), ag.tensor([1, 2, 3, 4], f64))))(ag.tensor([[0], [0]], f64));
    assert.equal(g2.toArray(), [[3], [7]]);
    const g3 = ag.grad((x: ag.Tensor) => ag.sum(ag.repeat(x, 0, 0)))(ag.tensor([1, 2], f64));
    assert.equal(g3.toArray(), [0, 0]);
  });
});

function throws(fn: () => unknown, kind: new (...a: never[]) => Error, pattern: RegExp): void {
  const before = ag.memory();
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
  assert.match((error as Error).message, pattern);
  const after = ag.memory();
  assert.is(after.liveTensors, before.liveTensors, 'a failed call leaves no tensor behind');
  assert.is(after.bytesInUse, before.bytesInUse, 'a failed call leaves no memory behind');
}

test('errors name the op, the shapes and what was expected', () => {
  const x = ag.zeros([2, 1, 3]);
  throws(() => ag.squeeze(x, 0), ag.ShapeError, /squeeze: cannot remove axis 0 of shape \[2, 1, 3\]: it has size 2/);
  throws(() => ag.squeeze(x, 3), ag.ArgumentError, /squeeze: axis 3 is out of range/);
  throws(() => ag.squeeze(x, [1, -2]), ag.ArgumentError, /squeeze: axis -2 is repeated/);
  throws(() => ag.expandDims(x, 4), ag.ArgumentError, /expandDims: axis 4 is out of range for a tensor of rank 4/);
  throws(() => ag.tile(x, [-1]), ag.ArgumentError, /tile: each of reps must be a non-negative integer/);
  throws(() => ag.tile(x, 'a' as never), ag.ArgumentError, /tile: reps must be/);
  throws(() => ag.repeat(x, 1.5), ag.ArgumentError, /repeat: repeats must be a non-negative integer/);
  throws(() => ag.repeat(x, 2, 3), ag.ArgumentError, /repeat: axis 3 is out of range/);
  throws(() => ag.flatten([1, 2] as never), ag.ArgumentError, /flatten: x must be a Tensor/);
  x.dispose();
});
test.run();
