// A wrong input to a layer names the layer, its sizes and the input shape it
// expects, not only the op that failed inside it; a failed call leaves
// nothing allocated and no tape half-written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

const test = suite('nn layer errors');

/** Runs fn, which must throw a ShapeError or ArgumentError whose message is `message`; checks nothing leaked. */
function throwsExactly(fn: () => unknown, kind: Function, message: string): void {
  const before = ag.memory().liveTensors;
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof kind, `expected a ${kind.name}, got ${String(caught)}`);
  assert.is((caught as Error).message, message);
  assert.is(ag.memory().liveTensors, before, 'the failed call left tensors allocated');
}

test('Linear: a wrong number of input features names the layer and [..., in]', () => {
  ag.seed(1);
  const layer = new ag.nn.Linear(4, 2);
  const x = ag.zeros([3, 5]);
  throwsExactly(() => layer(x), ag.ShapeError, 'Linear(4 → 2): expected input of shape [..., 4] (features last), got [3, 5]');
  const s = ag.zeros([]);
  throwsExactly(() => layer(s), ag.ShapeError, 'Linear(4 → 2): expected input of shape [..., 4] (features last), got []');
  // the right size works, for any number of leading axes
  assert.equal(layer(ag.zeros([2, 3, 4])).shape, [2, 3, 2]);
  assert.equal(layer(ag.zeros([4])).shape, [2]);
  x.dispose();
  s.dispose();
});

test('Linear: a non-tensor or disposed input names the layer', () => {
  const layer = new ag.nn.Linear(3, 1);
  throwsExactly(() => layer([1, 2, 3] as unknown as ag.Tensor), ag.ArgumentError, 'Linear(3 → 1): input must be a Tensor, got array of length 3');
  const x = ag.ones([3]);
  x.dispose();
  assert.throws(() => layer(x), (e: Error) => e instanceof ag.DisposedError && e.message.startsWith('Linear(3 → 1): '));
});

test('Conv2d: wrong channels or rank names the layer and [N, C, H, W]', () => {
  const conv = new ag.nn.Conv2d(3, 8, 3, { padding: 1 });
  const x = ag.zeros([1, 2, 5, 5]);
  throwsExactly(() => conv(x), ag.ShapeError, 'Conv2d(3 → 8, 3x3): expected input of shape [N, 3, H, W], got [1, 2, 5, 5]');
  const flat = ag.zeros([3, 5, 5]);
  throwsExactly(() => conv(flat), ag.ShapeError, 'Conv2d(3 → 8, 3x3): expected input of shape [N, 3, H, W], got [3, 5, 5]');
  assert.equal(conv(ag.zeros([2, 3, 5, 5])).shape, [2, 8, 5, 5]);
  // grouped: in channels = groups × the weight's channels per group
  const grouped = new ag.nn.Conv2d(4, 6, [1, 2], { groups: 2 });
  const half = ag.zeros([1, 2, 4, 4]);
  throwsExactly(() => grouped(half), ag.ShapeError, 'Conv2d(4 → 6, 1x2): expected input of shape [N, 4, H, W], got [1, 2, 4, 4]');
  for (const t of [x, flat, half]) t.dispose();
});

test('LayerNorm: a wrong feature count names the layer', () => {
  const norm = new ag.nn.LayerNorm(16);
  const x = ag.zeros([2, 8]);
  throwsExactly(() => norm(x), ag.ShapeError, 'LayerNorm(16): expected input of shape [..., 16], got [2, 8]');
  x.dispose();
});

test('inside Sequential and diff: the inner layer is named, and the tape is abandoned cleanly', () => {
  ag.seed(2);
  const model = new ag.nn.Sequential(new ag.nn.Linear(784, 256), ag.relu, new ag.nn.Linear(128, 10));
  const x = ag.zeros([64, 784]);
  throwsExactly(
    () => ag.diff(() => ag.sum(model(x))),
    ag.ShapeError,
    'Linear(128 → 10): expected input of shape [..., 128] (features last), got [64, 256]',
  );
  x.dispose();
});

test.run();
