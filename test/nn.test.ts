// Layers as callable objects holding Params.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

const test = suite('nn layers');

test('Linear: callable, shapes, Glorot/He bounds, params found', () => {
  ag.seed(3);
  const layer = new ag.nn.Linear(50, 20);
  assert.type(layer, 'function');
  assert.instance(layer, ag.nn.Linear);
  const y = layer(ag.ones([4, 50]));
  assert.equal(y.shape, [4, 20]);
  const bound = Math.sqrt(6 / 70);
  const w = Array.from(layer.w.data());
  assert.ok(w.every((v) => Math.abs(v) <= bound) && Math.max(...w.map(Math.abs)) > 0.9 * bound, 'glorot uniform');
  const he = new ag.nn.Linear(50, 20, { init: 'he', bias: false });
  assert.ok(Array.from(he.w.data()).every((v) => Math.abs(v) <= Math.sqrt(6 / 50)));
  assert.is(he.b, null);
  assert.equal(ag.params(layer), [layer.w, layer.b]);
  assert.throws(() => new ag.nn.Linear(0, 3), /Linear: inFeatures must be a positive integer/);
});

test('Sequential of layers and functions trains: loss falls', () => {
  ag.seed(4);
  const model = new ag.nn.Sequential(new ag.nn.Linear(2, 16, { init: 'he' }), ag.tanh, new ag.nn.Linear(16, 1));
  assert.is(ag.params(model).length, 4);
  const x = ag.randn([64, 2]);
  const y = ag.sin(ag.sum(x, 1, true));
  const opt = ag.adam({ lr: 0.02 });
  let first = 0;
  let last = 0;
  for (let i = 0; i < 300; i++) {
    ag.tidy(() => {
      const tape = ag.diff(() => ag.mse(model(x), y));
      if (i === 0) first = tape.value;
      last = tape.value;
      opt.step(tape, ag.params(model));
    });
  }
  assert.ok(last < first / 20, `loss ${first} -> ${last}`);
  opt.dispose();
});

test('Conv2d with bias, LayerNorm with gamma/beta, Dropout follows setTraining', () => {
  ag.seed(5);
  const conv = new ag.nn.Conv2d(3, 4, 3, { padding: 1, stride: 2 });
  assert.equal(conv(ag.ones([2, 3, 8, 8])).shape, [2, 4, 4, 4]);
  assert.equal(conv.w.shape, [4, 3, 3, 3]);
  const norm = new ag.nn.LayerNorm(6);
  const h = norm(ag.randn([5, 6]));
  assert.ok(Math.abs(ag.mean(h).item()) < 1e-5);
  const drop = new ag.nn.Dropout(0.5);
  const model = new ag.nn.Sequential(conv, drop);
  const x = ag.ones([1000]);
  assert.ok(Array.from(drop(x).data()).some((v) => v === 0), 'training: some zeros');
  ag.nn.setTraining(model, false);
  assert.equal(Array.from(drop(x).data()).filter((v) => v !== 1).length, 0, 'evaluation: identity');
  assert.is(drop.training, false);
  ag.nn.setTraining({ nested: [model] }, true);
  assert.is(drop.training, true);
  assert.is(ag.params({ model, norm }).length, 4);
});

test.run();
