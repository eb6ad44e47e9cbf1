// Regressions from the adversarial round on the features of issues 13-15
// (transforms, factorizations, sparse gradients, indexing, state, layers):
// each test is one finding, reproduced first, named after what was wrong.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

const f64 = { dtype: 'float64' as const };
const throwsLike = (fn: () => unknown, kind: new (...a: never[]) => Error, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof kind && re.test((e as Error).message));

const factor = suite('findings: factorizations');

factor('eigh and cholesky refuse a NaN alone on the diagonal (eigh returned it as an eigenvalue)', () => {
  const a = ag.tensor([[NaN, 0], [0, 1]], f64);
  const batch = ag.tensor([[[2, 1], [1, 2]], [[NaN, 0], [0, 5]]]);
  const before = ag.memory().liveTensors;
  throwsLike(() => ag.eigh(a), ag.ArgumentError, /^eigh: a has 1 NaN or infinite entry/);
  throwsLike(() => ag.eigh(batch), ag.ArgumentError, /^eigh: a has 1 NaN/);
  throwsLike(() => ag.cholesky(a), ag.ArgumentError, /^cholesky: a has 1 NaN/);
  throwsLike(() => ag.grad((m: ag.Tensor) => ag.max(ag.eigh(m)[0]))(a), ag.ArgumentError, /eigh: a has 1 NaN/);
  assert.is(ag.memory().liveTensors, before, 'nothing left behind');
  a.dispose();
  batch.dispose();
});

factor('pinv and lstsq name themselves for NaN input (the error said svd)', () => {
  const a = ag.tensor([[1, NaN], [0, 1]], f64);
  throwsLike(() => ag.pinv(a), ag.ArgumentError, /^pinv: a has 1 NaN/);
  throwsLike(() => ag.lstsq(a, ag.tensor([1, 2], f64)), ag.ArgumentError, /^lstsq: a has 1 NaN/);
  a.dispose();
});

factor('argmax and argmin give int32 indices, exact past 2^24 (float32 indices rounded 16777217 to 16777216)', () => {
  const n = 2 ** 24 + 8;
  const x = ag.tidy(() => ag.keep(ag.indexPut(ag.zeros([n]), [[16777217]], 5)));
  const i = ag.argmax(x);
  assert.is(i.dtype, 'int32');
  assert.is(i.item(), 16777217);
  const j = ag.argmin(ag.tensor([[3, 1], [0, 2]]), 1);
  assert.is(j.dtype, 'int32');
  assert.equal(j.toArray(), [1, 0]);
  for (const t of [x, i, j]) t.dispose();
});

const transforms = suite('findings: transforms');

transforms('jvp, linearize and jacfwd of a function with int32 or bool results: those results are constants (zero tangents), as in jacrev', () => {
  const x = ag.tensor([1, 3, 2], f64);
  const v = ag.tensor([1, 1, 1], f64);
  ag.tidy(() => {
    const withBool = (a: ag.Tensor) => [ag.mul(a, 2), ag.greater(a, 1.5)];
    const [y, dy] = ag.jvp(withBool, [x], [v]);
    assert.equal(y[0].toArray(), [2, 6, 4]);
    assert.equal(Array.from(y[1].data()), [0, 1, 1]);
    assert.is(y[1].dtype, 'bool');
    assert.equal(dy[0].toArray(), [2, 2, 2]);
    assert.equal(dy[1].toArray(), [0, 0, 0]);
    assert.is(dy[1].dtype, 'float64');
    const [, lin] = ag.linearize(withBool, x);
    assert.equal(lin(v)[1].toArray(), [0, 0, 0]);
    const fwd = ag.jacfwd(withBool)(x);
    const rev = ag.jacrev(withBool)(x);
    assert.equal(fwd[0].toArray(), rev[0].toArray());
    assert.equal(fwd[1].toArray(), rev[1].toArray());
    assert.equal(fwd[1].shape, [3, 3]);
    const withIndices = (a: ag.Tensor) => [ag.mul(a, 2), ag.argsort(a)];
    assert.equal(ag.jvp(withIndices, [x], [v])[1][1].toArray(), [0, 0, 0]);
    // many outputs: jacobian picks columns, and must agree with rows
    const many = (s: ag.Tensor) => [ag.mul(ag.ones([20], f64), s), ag.greater(ag.mul(ag.ones([20], f64), s), 0)];
    assert.equal(ag.jacobian(many)(ag.tensor(2, f64))[1].toArray(), new Array(20).fill(0));
  });
  x.dispose();
  v.dispose();
});

transforms('Jacobians and Hessians with an empty result or argument have the empty shape (stack of nothing failed)', () => {
  const x = ag.tensor([1, 2, 3], f64);
  const empty = ag.zeros([0], f64);
  ag.tidy(() => {
    assert.equal(ag.jacrev((a: ag.Tensor) => ag.index(a, '3:'))(x).shape, [0, 3]);
    assert.equal(ag.jacfwd((a: ag.Tensor) => ag.index(a, '3:'))(x).shape, [0, 3]);
    assert.equal(ag.jacfwd((a: ag.Tensor) => ag.add(ag.sum(a), x))(empty).shape, [3, 0]);
    assert.equal(ag.jacrev((a: ag.Tensor) => ag.add(ag.sum(a), x))(empty).shape, [3, 0]);
    assert.equal(ag.hessian((a: ag.Tensor) => ag.sum(ag.abs2(a)))(empty).shape, [0, 0]);
  });
  x.dispose();
  empty.dispose();
});

transforms('hvp checks v against x itself: shape, dtype, and int32 x, each named as hvp (errors came from ops inside, or v was broadcast)', () => {
  const f = (a: ag.Tensor) => ag.sum(ag.mul(ag.mul(a, a), a));
  const x = ag.tensor([1, 2], f64);
  throwsLike(() => ag.hvp(f)(x, ag.tensor([1, 1, 1], f64)), ag.ShapeError, /^hvp: v \(leaf 1\) has shape \[3\], expected \[2\]/);
  throwsLike(() => ag.hvp(f)(x, ag.tensor([1], f64)), ag.ShapeError, /^hvp: v \(leaf 1\) has shape \[1\], expected \[2\]/);
  throwsLike(() => ag.hvp(f)(x, ag.tensor([1, 1])), ag.DTypeError, /^hvp: v \(leaf 1\) is float32, expected float64/);
  throwsLike(() => ag.hvp(f)(ag.tensor([1, 2], { dtype: 'int32' }), ag.tensor([1, 1], f64)), ag.DTypeError, /^hvp: cannot differentiate with respect to an int32 tensor/);
  ag.tidy(() => assert.equal(ag.hvp(f)(x, ag.tensor([1, 1], f64)).toArray(), [6, 12]));
  x.dispose();
});

transforms('a vjp pullback or a linearize function returned from tidy, or kept, outlives it (it threw DisposedError)', () => {
  const f = (a: ag.Tensor) => ag.mul(a, a);
  const x = ag.tensor([1, 2], f64);
  const u = ag.tensor([1, 1], f64);
  const before = ag.memory();
  const [y, pb] = ag.tidy(() => ag.vjp(f, x));
  assert.equal(y.toArray(), [1, 4]);
  const g = pb(u);
  assert.equal(g.toArray(), [2, 4]);
  let lin!: ag.Linearized<ag.Tensor, [ag.Tensor]>;
  ag.tidy(() => {
    const [, l] = ag.linearize(f, x);
    lin = ag.keep(l);
  });
  const jv = lin(u);
  assert.equal(jv.toArray(), [2, 4]);
  for (const t of [y, g, jv]) t.dispose();
  pb.dispose();
  lin.dispose();
  const after = ag.memory();
  assert.is(after.liveTensors, before.liveTensors, 'disposing them frees what they held');
  assert.is(after.liveTapes, before.liveTapes);
  throwsLike(() => ag.keep((() => 1) as unknown as ag.Tensor), ag.ArgumentError, /^keep: expected a Tensor, a SparseGradient, or a function vjp or linearize returned, got function/);
  x.dispose();
  u.dispose();
});

const sparse = suite('findings: sparse gradients');

sparse('a SparseGradient made by hand is checked: indices in range, values one row per index (an optimizer wrote into the next tensor)', () => {
  const before = ag.memory().liveTensors;
  const values = ag.ones([2, 3]);
  throwsLike(() => new ag.SparseGradient([4, 3], Int32Array.from([7, -1]), values), ag.ArgumentError, /index 7 \(entry 0\) is out of range for 4 rows/);
  throwsLike(() => new ag.SparseGradient([4, 3], Int32Array.from([0]), ag.tidy(() => ag.keep(ag.ones([1, 10])))), ag.ShapeError, /values must have shape \[1, 3\]/);
  throwsLike(() => new ag.SparseGradient([4, 3], [0, 1] as unknown as Int32Array, values), ag.ArgumentError, /indices must be an Int32Array/);
  const g = new ag.SparseGradient([4, 3], Int32Array.from([1, 1]), values);
  assert.equal(g.toDense().toArray(), [[0, 0, 0], [2, 2, 2], [0, 0, 0], [0, 0, 0]]);
  values.dispose();
  assert.ok(ag.memory().liveTensors <= before + 2);
});

sparse('asking for the dense gradient does not make the next lazy optimizer step dense', () => {
  const rowsChanged = (peek: boolean): number[][] => {
    const table = ag.Param(ag.tensor([[1, 1], [2, 2], [3, 3], [4, 4]]));
    const opt = ag.adam({ lr: 0.1 });
    const changed: number[][] = [];
    for (const ids of [[0, 1], [2]]) {
      const before = table.toArray() as number[][];
      const tape = ag.diff(() => ag.sum(ag.embedding(table, ids)));
      if (peek) ag.grad(tape, table); // a look, e.g. to log it
      opt.step(tape, [table]);
      tape.dispose();
      const after = table.toArray() as number[][];
      changed.push(after.flatMap((row, i) => (row[0] !== before[i][0] ? [i] : [])));
    }
    opt.dispose();
    table.dispose();
    return changed;
  };
  assert.equal(rowsChanged(false), [[0, 1], [2]]);
  assert.equal(rowsChanged(true), [[0, 1], [2]]);
});

sparse('tidy returns a SparseGradient alive, and keep takes one (its values were freed)', () => {
  const t = ag.Param(ag.zeros([6, 3]));
  const g = ag.tidy(() => {
    const tape = ag.diff(() => ag.sum(ag.embedding(t, [1, 2, 1])));
    return ag.grad(tape, t, { sparse: true }) as ag.SparseGradient;
  });
  assert.equal((g.toDense().toArray() as number[][])[1], [2, 2, 2]);
  let kept!: ag.SparseGradient;
  ag.tidy(() => {
    const tape = ag.diff(() => ag.sum(ag.embedding(t, [0])));
    kept = ag.keep(ag.grad(tape, t, { sparse: true }) as ag.SparseGradient);
    tape.dispose();
  });
  assert.equal((kept.toDense().toArray() as number[][])[0], [1, 1, 1]);
  g.values.dispose();
  kept.values.dispose();
  t.dispose();
});

const indexing = suite('findings: indexing');

indexing('a 0-d bool tensor as an index is refused, as a plain boolean is (it was read as no index: indexPut wrote everything)', () => {
  const x = ag.zeros([3, 4]);
  const no = ag.greater(ag.tensor(1), 2);
  throwsLike(() => ag.index(x, no), ag.ArgumentError, /^index: index 0 is a 0-d bool tensor; a 0-d mask is not supported/);
  throwsLike(() => ag.indexPut(x, [no], 99), ag.ArgumentError, /^indexPut: index 0 is a 0-d bool tensor/);
  throwsLike(() => ag.assign_(x, [no], 7), ag.ArgumentError, /0-d bool tensor/);
  assert.equal(x.toArray(), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  x.dispose();
  no.dispose();
});

const state = suite('findings: state and layers');

state('stateDict refuses two tensors with one name (one of them loaded the other\'s values)', () => {
  const p1 = ag.Param([1, 2]);
  const p2 = ag.Param([3, 4]);
  throwsLike(() => ag.stateDict({ a: { b: p1 }, 'a.b': p2 }), ag.ArgumentError, /^stateDict: two different tensors get the name 'a\.b'/);
  const heads = new Map([[{ id: 1 }, p1], [{ id: 2 }, p2]]);
  throwsLike(() => ag.saveState({ heads }), ag.ArgumentError, /^saveState: two different tensors get the name 'heads\.\[object Object\]'/);
  p1.dispose();
  p2.dispose();
});

state('BatchNorm2d checks eps, momentum and dtype when constructed (they failed at the first call, or null became 0.1)', () => {
  throwsLike(() => new ag.nn.BatchNorm2d(3, { momentum: 3 }), ag.ArgumentError, /^BatchNorm2d: momentum must be a number in \[0, 1\], got number 3/);
  throwsLike(() => new ag.nn.BatchNorm2d(3, { momentum: null as unknown as number }), ag.ArgumentError, /momentum must be a number in \[0, 1\], got null/);
  throwsLike(() => new ag.nn.BatchNorm2d(3, { eps: -1 }), ag.ArgumentError, /^BatchNorm2d: eps must be a number in \(0, Infinity\)/);
  throwsLike(() => new ag.nn.BatchNorm2d(3, { dtype: 'int32' }), ag.ArgumentError, /^BatchNorm2d: dtype must be 'float32' or 'float64'/);
  const bn = new ag.nn.BatchNorm2d(3, { momentum: 0 });
  assert.is(bn.momentum, 0);
  for (const p of ag.params(bn)) p.dispose();
  bn.runningMean?.dispose();
  bn.runningVar?.dispose();
});

state('layers refuse an int32 dtype by name, and a corrupted saved entry is named, not a RangeError', () => {
  throwsLike(() => new ag.nn.Embedding(3, 4, { dtype: 'int32' }), ag.ArgumentError, /^Embedding: dtype must be 'float32' or 'float64', got string "int32"/);
  throwsLike(() => new ag.nn.Linear(3, 4, { dtype: 'bool' }), ag.ArgumentError, /^Linear: dtype must be 'float32' or 'float64'/);
  const model = { l: new ag.nn.Linear(2, 2) };
  const bytes = ag.saveState(model);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  header.entries[0].bytes = 6; // not a whole number of float32s
  const bad = bytes.slice();
  bad.set(new TextEncoder().encode(JSON.stringify(header).padEnd(headerLength, ' ')), 12);
  throwsLike(() => ag.loadState(model, bad), ag.ArgumentError, /^loadState: entry 'l\.w' has a corrupted offset or size/);
  for (const p of ag.params(model)) p.dispose();
});

state('layers refuse an option they do not know (a typo such as batch_first was ignored)', () => {
  throwsLike(() => new ag.nn.LSTM(4, 8, { batch_first: true } as never), ag.ArgumentError, /^LSTM: unknown option 'batch_first' \(it takes 'numLayers', 'bias', 'batchFirst', 'stateful', 'dtype'\)/);
  throwsLike(() => new ag.nn.Linear(2, 3, { biases: false } as never), ag.ArgumentError, /^Linear: unknown option 'biases'/);
  throwsLike(() => new ag.nn.Conv2d(1, 2, 3, { pad: 1 } as never), ag.ArgumentError, /^Conv2d: unknown option 'pad'/);
  throwsLike(() => new ag.nn.MultiheadAttention(8, 2, { isCausal: true } as never), ag.ArgumentError, /^MultiheadAttention: unknown option 'isCausal'/);
});

factor.run();
transforms.run();
sparse.run();
indexing.run();
state.run();
