// Bad input everywhere: every exported function, given wrong types, wrong
// ranks, mismatched shapes, NaN or negative sizes, out-of-range axes and
// indices, throws an AutogradError whose message names the function and
// what was wrong, and leaves memory() as it was.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import * as ops from '../src/ops/index';

const snapshot = () => {
  const m = ag.memory();
  return { live: m.liveTensors, bytes: m.bytesInUse };
};

function rejects(name: string, call: () => unknown, what?: RegExp): void {
  const before = snapshot();
  let error: unknown = null;
  try {
    ag.tidy(() => {
      call();
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error !== null, `${name}: expected an error`);
  assert.ok(error instanceof ag.AutogradError, `${name}: expected an AutogradError, got ${String(error)}`);
  const message = (error as Error).message;
  assert.ok(message.includes(name), `${name}: the message should name the function: "${message}"`);
  if (what !== undefined) assert.match(message, what, `${name}: "${message}"`);
  assert.equal(snapshot(), before, `${name}: a failed call must leave memory unchanged`);
}

const disposed = ag.tensor([1, 2, 3]);
disposed.dispose();

/** Valid arguments after the first, for ops that check them before the first. */
const VALID_REST: Record<string, unknown[]> = { clamp: [0, 1] };

const generic = suite('every exported op rejects a non-tensor and a disposed first argument');
// Functions whose first argument is not a tensor (a list, a condition, a number).
const NOT_TENSOR_FIRST = new Set(['unbroadcast', 'concat', 'stack', 'where', 'axpy', 'polygamma', 'besselJ', 'einsum']);
for (const [name, fn] of Object.entries(ops)) {
  if (typeof fn !== 'function' || NOT_TENSOR_FIRST.has(name)) continue;
  const op = fn as (...args: unknown[]) => unknown;
  generic(name, () => {
    const t = ag.tensor([[1, 2], [3, 4]]);
    rejects(name, () => op('abc', t, t));
    rejects(name, () => op({ shape: [2] }, t, t));
    rejects(name, () => op(disposed, ...(VALID_REST[name] ?? [])), /disposed/);
    t.dispose();
  });
}
generic.run();

const specific = suite('wrong ranks, mismatched shapes, bad sizes, axes and indices');
const x = () => ag.tensor([[1, 2, 3], [4, 5, 6]]);
const cases: [string, () => unknown, RegExp][] = [
  ['add', () => ag.add(x(), ag.ones([4])), /\[2, 3\] and \[4\]/],
  ['mul', () => ag.mul(ag.ones([2, 3]), ag.ones([3, 2])), /cannot be broadcast/],
  ['matmul', () => ag.matmul(x(), x()), /inner dimensions/],
  ['matmul', () => ag.matmul(ag.tensor(1), x()), /0-d|scalar|1-D/],
  ['inv', () => ag.inv(ag.ones([3])), /square|2-D|\[3\]/],
  ['det', () => ag.det(x()), /square|\[2, 3\]/],
  ['solve', () => ag.solve(ag.eye(2), ag.ones([3])), /\[3\]|shape/],
  ['zeros', () => ag.zeros([NaN]), /shape/],
  ['zeros', () => ag.zeros([-1]), /shape/],
  ['ones', () => ag.ones([2.5]), /shape/],
  ['rand', () => ag.rand([1, -3]), /shape/],
  ['reshape', () => ag.reshape(x(), [4, 2]), /\[2, 3\].*\[4, 2\]/],
  ['reshape', () => ag.reshape(x(), [-1, -1]), /-1/],
  ['sum', () => ag.sum(x(), 2), /axis 2 is out of range/],
  ['mean', () => ag.mean(x(), -3), /axis -3 is out of range/],
  ['max', () => ag.max(x(), [0, 0]), /repeated/],
  ['transpose', () => ag.transpose(x(), [0, 0]), /perm/],
  ['gather', () => ag.gather(x(), [5]), /out of range|index/],
  ['gather', () => ag.gather(x(), [0.5]), /integer/],
  ['slice', () => ag.slice(x(), 7), /out of (range|bounds)/],
  ['concat', () => ag.concat([x(), ag.ones([2, 2, 2])], 0), /rank|shape/],
  ['split', () => ag.split(x(), 4, 1), /3|split/],
  ['broadcastTo', () => ag.broadcastTo(x(), [3, 3]), /broadcast/],
  ['tensor', () => ag.tensor([[1, 2], [3]]), /ragged/],
  ['tensor', () => ag.tensor([1, 2], { dtype: 'int8' as never }), /dtype/],
  ['cast', () => ag.cast(x(), 'float16' as never), /dtype/],
  ['axpy', () => ag.axpy(1, ag.ones([2]), ag.ones([3])), /shape/],
  ['clamp', () => ag.clamp(x(), 3, 1), /lo|hi/],
  ['axpy', () => ag.axpy(1, disposed, ag.ones([3])), /disposed/],
  ['polygamma', () => ag.polygamma(-1, x()), /order/],
  // dtypes
  ['matmul', () => ag.matmul(ag.ones([2, 2], { dtype: 'int32' }), ag.ones([2, 2], { dtype: 'int32' })), /int32.*cast/],
  ['sub', () => ag.sub(ag.ones([2], { dtype: 'bool' }), ag.ones([2], { dtype: 'bool' })), /bool/],
  ['pow', () => ag.pow(ag.ones([2], { dtype: 'int32' }), -1), /negative integer powers/],
  ['tensor', () => ag.tensor([0.5], { dtype: 'int32' }), /int32/],
  // indexing
  ['index', () => ag.index(x(), 0, 0, 0), /too many indices/],
  ['index', () => ag.index(x(), '1:2:0'), /step .* must not be 0/],
  ['index', () => ag.index(x(), 'a:b'), /slice like/],
  ['index', () => ag.index(x(), '...', 0, '...'), /one ellipsis/],
  ['index', () => ag.index(x(), [0, 2]), /out of bounds for axis 0 of size 2/],
  ['index', () => ag.index(x(), [[0, 1]], [0, 1, 2]), /cannot be broadcast together/],
  ['index', () => ag.index(x(), [true, false, true]), /mask .* shape \[3\].*\[2\]/],
  ['index', () => ag.index(x(), { begin: 1 } as never), /must be an integer, a slice/],
  ['indexPut', () => ag.indexPut(x(), [0], ag.ones([2])), /cannot be broadcast to the indexed shape \[3\]/],
  ['indexPut', () => ag.indexPut(x(), [0], 1, { accumulate: 'yes' as never }), /accumulate must be a boolean/],
  ['scatter', () => ag.scatter(x(), 1, [0, 1], 1), /rank of x/],
  ['scatter', () => ag.scatter(x(), 1, [[3]], 1), /out of bounds/],
  ['scatter', () => ag.scatter(x(), 1, [[0]], 1, { reduce: 'mul' as never }), /reduce must be 'set' or 'add'/],
  ['takeAlongAxis', () => ag.takeAlongAxis(x(), [[0], [1], [0]], 1), /do not broadcast/],
  ['takeAlongAxis', () => ag.takeAlongAxis(x(), [0], 1), /rank of x/],
  ['nonzero', () => ag.nonzero(ag.tensor(1)), /0-d/],
  ['assign_', () => ag.assign_(x(), [9], 1), /out of bounds/],
];
for (const [name, call, what] of cases) specific(`${name}: ${what.source}`, () => rejects(name, call, what));
specific.run();
