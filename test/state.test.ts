// Saving and loading state (src/state.ts): names from property paths, the
// plain-object form and the binary blob, optimizer state, and loading that
// checks everything first and names each mismatch.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

function model(seed: number, dtype: ag.DType = 'float32') {
  ag.seed(seed);
  return {
    embed: new ag.nn.Embedding(7, 3, { dtype }),
    rnn: new ag.nn.LSTM(3, 4, { numLayers: 2, dtype }),
    norm: new ag.nn.BatchNorm2d(2, { dtype }),
    heads: [new ag.nn.Linear(4, 2, { dtype }), new ag.nn.Linear(4, 1, { dtype, bias: false })],
    table: new Map([['scale', ag.Param([1.5, 2.5], { dtype })]]),
  };
}
type Model = ReturnType<typeof model>;

const bits = (t: ag.Tensor) => Array.from(new Uint8Array(t.data().buffer));
function sameBits(a: Model, b: Model): void {
  const pa = ag.params(a);
  const pb = ag.params(b);
  assert.is(pa.length, pb.length);
  pa.forEach((p, i) => assert.equal(bits(p), bits(pb[i]), `param ${i}`));
  assert.equal(bits(a.norm.runningMean!), bits(b.norm.runningMean!), 'running mean');
  assert.equal(bits(a.norm.runningVar!), bits(b.norm.runningVar!), 'running variance');
}

function forward(m: Model): ag.Tensor {
  return ag.tidy(() => {
    const [y] = m.rnn(m.embed([[1, 2], [3, 4], [5, 6]]));
    const img = ag.reshape(ag.slice(y, null, null, [0, 4]), [3, 2, 2, 2]);
    return ag.sum(m.heads[0](ag.reshape(m.norm(img), [6, 4])));
  });
}

const state = suite('stateDict and loadStateDict');

state('names are property paths; Params and buffers, each once', () => {
  const m = model(1);
  const names = Object.keys(ag.stateDict(m));
  assert.equal(names, [
    'embed.weight',
    'rnn.layers.0.weightIh', 'rnn.layers.0.weightHh', 'rnn.layers.0.biasIh', 'rnn.layers.0.biasHh',
    'rnn.layers.1.weightIh', 'rnn.layers.1.weightHh', 'rnn.layers.1.biasIh', 'rnn.layers.1.biasHh',
    'norm.weight', 'norm.bias', 'norm.runningMean', 'norm.runningVar',
    'heads.0.w', 'heads.0.b', 'heads.1.w',
    'table.scale',
  ]);
  const s = ag.stateDict(m);
  assert.equal(s['heads.0.w'].shape, [4, 2]);
  assert.is(s['heads.0.w'].dtype, 'float32');
  assert.ok(s['table.scale'].data instanceof Float32Array);
  assert.equal(Array.from(s['table.scale'].data), [1.5, 2.5]);
});

state('loadStateDict restores every Param and buffer bit for bit, in place', () => {
  const a = model(1);
  forward(a); // moves the running statistics
  const b = model(2);
  const before = ag.params(b);
  ag.loadStateDict(b, ag.stateDict(a));
  sameBits(a, b);
  assert.ok(ag.params(b).every((p, i) => p === before[i]), 'the same tensors, written in place');
  assert.equal(forward(a).toArray(), forward(b).toArray());
});

state('a mismatch names every problem and writes nothing', () => {
  const a = model(1);
  const b = model(2);
  const s = ag.stateDict(a);
  delete s['heads.1.w'];
  s['extra.w'] = { dtype: 'float32', shape: [1], data: new Float32Array(1) };
  s['heads.0.b'] = { dtype: 'float32', shape: [3], data: new Float32Array(3) };
  s['table.scale'] = { dtype: 'float64', shape: [2], data: new Float64Array(2) };
  const snapshot = ag.params(b).map(bits);
  let message = '';
  try {
    ag.loadStateDict(b, s);
  } catch (e) {
    message = (e as Error).message;
    assert.ok(e instanceof ag.AutogradError);
  }
  assert.match(message, /^loadStateDict: the state does not fit the model/);
  assert.match(message, /'heads\.1\.w' is in the model but not in the state/);
  assert.match(message, /'extra\.w' is in the state but not in the model/);
  assert.match(message, /'heads\.0\.b' has shape \[3\] in the state and \[2\] in the model/);
  assert.match(message, /'table\.scale' is float64 in the state and float32 in the model/);
  assert.equal(ag.params(b).map(bits), snapshot, 'nothing written');
  assert.throws(() => ag.loadStateDict(b, { ...ag.stateDict(a), 'embed.weight': { dtype: 'float32', shape: [7, 3], data: new Float32Array(2) } }), /Float32Array of 21 elements/);
  assert.throws(() => ag.stateDict(42), /stateDict: expected a model/);
  assert.throws(() => ag.loadStateDict(b, { ...ag.stateDict(a), 'embed.weight': { dtype: 'constructor' as never, shape: [7, 3], data: new Float32Array(21) } }), /unknown dtype/);
  // One kind of mismatch: the error's class says which.
  const wrongShape = { ...ag.stateDict(a), 'heads.0.b': { dtype: 'float32' as const, shape: [3], data: new Float32Array(3) } };
  assert.throws(() => ag.loadStateDict(b, wrongShape), (e: unknown) => e instanceof ag.ShapeError);
  const wrongDType = { ...ag.stateDict(a), 'table.scale': { dtype: 'float64' as const, shape: [2], data: new Float64Array(2) } };
  assert.throws(() => ag.loadStateDict(b, wrongDType), (e: unknown) => e instanceof ag.DTypeError);
});
state.run();

const blob = suite('saveState and loadState');

blob('a blob reloads bit for bit, float32 and float64; the header is versioned', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const a = model(3, dtype);
    forward(a);
    const bytes = ag.saveState(a);
    assert.ok(bytes instanceof Uint8Array);
    assert.is(new TextDecoder().decode(bytes.subarray(0, 4)), 'AGWS');
    assert.is(new DataView(bytes.buffer).getUint32(4, true), 1, 'format version 1');
    const b = model(4, dtype);
    ag.loadState(b, bytes);
    sameBits(a, b);
    assert.equal(Array.from(ag.saveState(b)), Array.from(bytes), 'saving again gives the same bytes');
  }
});

blob('optimizer state: a reloaded Adam continues exactly as the original', () => {
  const a = model(5, 'float64');
  const optA = ag.adam({ lr: 0.01 });
  const step = (m: Model, opt: ag.Optimizer) => {
    const tape = ag.diff(() => forward(m));
    opt.step(tape, ag.params(m));
    tape.dispose();
  };
  step(a, optA);
  step(a, optA);
  const bytes = ag.saveState(a, optA);
  const b = model(6, 'float64');
  const optB = ag.adam({ lr: 0.5 });
  ag.loadState(b, bytes, optB);
  assert.is(optB.steps, 2);
  assert.is(optB.lr, 0.01);
  step(a, optA);
  step(b, optB);
  sameBits(a, b);
  assert.throws(() => ag.loadState(model(7, 'float64'), bytes, ag.sgd({ lr: 0.1 })), /adam state, the optimizer given is sgd/);
  assert.throws(() => ag.loadState(model(7, 'float64'), ag.saveState(a), ag.adam()), /saved without one/);
  optA.dispose();
  optB.dispose();
});

blob('bad bytes and mismatches are errors that say what is wrong', () => {
  const a = model(8);
  const bytes = ag.saveState(a);
  assert.throws(() => ag.loadState(a, new Uint8Array([1, 2, 3])), /not a saved state/);
  const future = bytes.slice();
  new DataView(future.buffer).setUint32(4, 2, true);
  assert.throws(() => ag.loadState(a, future), /format version 2; this library reads version 1/);
  assert.throws(() => ag.loadState(a, bytes.subarray(0, bytes.length - 8)), /truncated/);
  assert.throws(() => ag.loadState(model(8, 'float64'), bytes), /'embed\.weight' is float32 in the state and float64 in the model/);
  const other = { ...model(8), extra: new ag.nn.Linear(2, 2) };
  assert.throws(() => ag.loadState(other, bytes), /'extra\.w' is in the model but not in the state/);
  assert.throws(() => ag.loadState(a, [1, 2] as never), /expected the Uint8Array/);
});
blob.run();
