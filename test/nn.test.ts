// Layers (ag.nn) as a user meets them. Each layer is checked three ways:
// - by value, against a plain-JavaScript loop of its formula, with every
//   parameter moved away from its initial value (a zero bias or a gamma of
//   ones would hide a layer that ignores it), so each one shows in the output;
// - by gradcheck with respect to the input and every parameter, to second
//   order (through sum(w * layer(x)^2), so the parameters' second-order terms
//   count);
// - by its parameter list: `params(layer)` is exactly the parameters the
//   formula uses, each recorded by a forward pass and given a gradient.
// Then the behaviour around them: initialization bounds, training modes,
// Sequential, a short training run.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import { refConv2d } from './ops/nn.table';

const f64 = { dtype: 'float64' as const };
type Layer = ag.nn.Layer & Record<string, unknown>;

/** Moves a parameter (in place, as an optimizer would) to random values. */
function perturb(t: ag.Tensor, scale = 1, shift = 0): void {
  ag.tidy(() => ag.axpy(1, ag.add(ag.mul(ag.randn(t.shape.slice(), { dtype: t.dtype }), scale), shift), t));
}

const data = (t: ag.Tensor): number[] => Array.from(t.data());

function close(actual: number[], expected: number[], tol: number, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/**
 * gradcheck of sum(w * layer(x)^2) with respect to x and each named
 * parameter, substituted into the layer for the check.
 */
function gradcheckLayer(layer: Layer, names: string[], x: ag.Tensor): boolean {
  const shape = ag.tidy(() => layer(x).shape.slice());
  ag.seed(77);
  const w = ag.randn(shape, f64);
  const f = (input: ag.Tensor, ...ps: ag.Tensor[]) => {
    const saved = names.map((n) => layer[n]);
    names.forEach((n, i) => (layer[n] = ps[i]));
    try {
      const y = layer(input);
      return ag.sum(ag.mul(ag.mul(y, y), w));
    } finally {
      names.forEach((n, i) => (layer[n] = saved[i]));
    }
  };
  const args = [x, ...names.map((n) => layer[n] as ag.Tensor)];
  const options = { order: 2 as const, atol: 1e-9, rtol: 1e-7 };
  const ok = ag.gradcheck(f, ...args, options);
  if (!ok) ag.gradcheck(f, ...args, { ...options, verbose: true });
  w.dispose();
  return ok;
}

/**
 * `params(layer)` holds exactly the tensors named (in any order), and a
 * forward pass records each of them and gives each a nonzero gradient.
 */
function checkParams(layer: Layer, names: string[], x: ag.Tensor): void {
  const expected = names.map((n) => layer[n] as ag.Tensor);
  const listed = ag.params(layer);
  assert.is(listed.length, expected.length, `params(layer) lists ${listed.length} tensors; the formula uses ${names.join(', ')}`);
  for (const [i, p] of expected.entries()) {
    assert.ok(ag.isParam(p), `${names[i]} is a Param`);
    assert.ok(listed.includes(p), `params(layer) lists ${names[i]}`);
  }
  ag.tidy(() => {
    const tape = ag.diff(() => ag.sum(ag.abs2(layer(x))));
    const recorded = ag.params(tape);
    assert.is(recorded.length, expected.length, `a forward pass records ${recorded.length} Params; the formula uses ${names.join(', ')}`);
    for (const p of expected) assert.ok(recorded.includes(p), 'params(tape) lists every Param the formula uses');
    for (const [i, p] of expected.entries()) {
      const g = ag.grad(tape, p);
      assert.ok(g !== null && data(g).some((v) => v !== 0), `${names[i]} is used by the forward pass and gets a nonzero gradient`);
    }
    tape.dispose();
  });
}

// ---------------------------------------------------------------------------
// Linear: y = x W + b

const linear = suite('nn layers: Linear');

/** y[..., j] = Σ_i x[..., i] W[i, j] + b[j] */
function refLinear(x: number[], rows: number, w: number[], nin: number, nout: number, b: number[] | null): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < nout; j++) {
      let s = b === null ? 0 : b[j];
      for (let i = 0; i < nin; i++) s += x[r * nin + i] * w[i * nout + j];
      y.push(s);
    }
  }
  return y;
}

linear('Linear: value of x W + b for batched input, float64 and float32', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    ag.seed(11);
    const layer = new ag.nn.Linear(5, 4, { dtype });
    perturb(layer.b!);
    ag.tidy(() => {
      const x = ag.randn([2, 3, 5], { dtype });
      const y = layer(x);
      assert.equal(y.shape, [2, 3, 4]);
      assert.is(y.dtype, dtype);
      close(data(y), refLinear(data(x), 6, data(layer.w), 5, 4, data(layer.b!)), dtype === 'float64' ? 1e-12 : 1e-5, `Linear ${dtype}`);
    });
  }
});

linear('Linear: gradcheck in x, W and b to second order; without bias, in x and W', () => {
  ag.seed(12);
  const layer = new ag.nn.Linear(4, 3, f64) as unknown as Layer;
  perturb(layer.b as ag.Tensor);
  const x = ag.randn([2, 4], f64);
  assert.ok(gradcheckLayer(layer, ['w', 'b'], x));
  const plain = new ag.nn.Linear(4, 3, { ...f64, bias: false }) as unknown as Layer;
  assert.ok(gradcheckLayer(plain, ['w'], x));
  x.dispose();
});

linear('Linear: params lists exactly w and b (only w without bias)', () => {
  ag.seed(13);
  const x = ag.randn([3, 4]);
  const layer = new ag.nn.Linear(4, 2) as unknown as Layer;
  checkParams(layer, ['w', 'b'], x);
  const plain = new ag.nn.Linear(4, 2, { bias: false }) as unknown as Layer;
  assert.is(plain.b, null);
  checkParams(plain, ['w'], x);
  x.dispose();
});

linear('Linear: Glorot and He bounds, callable, bad sizes', () => {
  ag.seed(3);
  const layer = new ag.nn.Linear(50, 20);
  assert.type(layer, 'function');
  assert.instance(layer, ag.nn.Linear);
  const bound = Math.sqrt(6 / 70);
  const w = data(layer.w);
  assert.ok(w.every((v) => Math.abs(v) <= bound) && Math.max(...w.map(Math.abs)) > 0.9 * bound, 'glorot uniform');
  assert.ok(data(layer.b!).every((v) => v === 0), 'bias starts at zero');
  const he = new ag.nn.Linear(50, 20, { init: 'he', bias: false });
  const hw = data(he.w);
  assert.ok(hw.every((v) => Math.abs(v) <= Math.sqrt(6 / 50)) && Math.max(...hw.map(Math.abs)) > 0.9 * Math.sqrt(6 / 50), 'he uniform');
  assert.throws(() => new ag.nn.Linear(0, 3), /Linear: inFeatures must be a positive integer/);
  assert.throws(() => new ag.nn.Linear(3, 2, { init: 'xavier' as 'he' }), /Linear: init must be 'glorot' or 'he'/);
});

// ---------------------------------------------------------------------------
// Conv2d: y = conv2d(x, W) + b[channel]

const conv = suite('nn layers: Conv2d');

/** refConv2d plus the bias of each output channel. */
function refConvLayer(x: number[], xs: number[], w: number[], ws: number[], b: number[] | null, o: Parameters<typeof refConv2d>[4]): number[] {
  const r = refConv2d(x, xs, w, ws, o);
  const plane = r.shape[2] * r.shape[3];
  return r.data.map((v, i) => v + (b === null ? 0 : b[Math.floor(i / plane) % r.shape[1]]));
}

conv('Conv2d: value of conv2d(x, W) + b, with stride, padding, dilation and groups, float64 and float32', () => {
  const configs = [
    { cin: 3, cout: 4, k: 3 as number | [number, number], opts: { padding: 1 }, ref: { padding: [1, 1] as [number, number] }, xs: [2, 3, 6, 7] },
    {
      cin: 4, cout: 6, k: [2, 3] as [number, number], opts: { stride: [2, 1] as [number, number], dilation: 2, groups: 2 },
      ref: { stride: [2, 1] as [number, number], dilation: [2, 2] as [number, number], groups: 2 }, xs: [1, 4, 9, 8],
    },
  ];
  for (const dtype of ['float64', 'float32'] as const) {
    for (const c of configs) {
      ag.seed(21);
      const layer = new ag.nn.Conv2d(c.cin, c.cout, c.k, { ...c.opts, dtype });
      perturb(layer.b!);
      ag.tidy(() => {
        const x = ag.randn(c.xs, { dtype });
        const y = layer(x);
        const expected = refConvLayer(data(x), c.xs, data(layer.w), layer.w.shape.slice(), data(layer.b!), c.ref);
        close(data(y), expected, dtype === 'float64' ? 1e-12 : 1e-5, `Conv2d ${JSON.stringify(c.opts)} ${dtype}`);
      });
    }
  }
});

conv('Conv2d: gradcheck in x, W and b to second order; without bias, in x and W', () => {
  ag.seed(22);
  const layer = new ag.nn.Conv2d(2, 3, 3, { padding: 1, stride: 2, dtype: 'float64' }) as unknown as Layer;
  perturb(layer.b as ag.Tensor);
  const x = ag.randn([2, 2, 5, 5], f64);
  assert.ok(gradcheckLayer(layer, ['w', 'b'], x));
  const plain = new ag.nn.Conv2d(2, 4, [2, 3], { groups: 2, bias: false, dtype: 'float64' }) as unknown as Layer;
  assert.ok(gradcheckLayer(plain, ['w'], x));
  x.dispose();
});

conv('Conv2d: params lists exactly w and b (only w without bias); He bounds', () => {
  ag.seed(23);
  const x = ag.randn([1, 3, 6, 6]);
  const layer = new ag.nn.Conv2d(3, 4, 3, { padding: 1, stride: 2 }) as unknown as Layer;
  assert.equal((layer.w as ag.Tensor).shape, [4, 3, 3, 3]);
  assert.equal((layer(x) as ag.Tensor).shape, [1, 4, 3, 3]);
  checkParams(layer, ['w', 'b'], x);
  const plain = new ag.nn.Conv2d(3, 4, 3, { bias: false }) as unknown as Layer;
  assert.is(plain.b, null);
  checkParams(plain, ['w'], x);
  const bound = Math.sqrt(6 / 27);
  assert.ok(data(layer.w as ag.Tensor).every((v) => Math.abs(v) <= bound), 'he uniform over fan-in 3*3*3');
  x.dispose();
});

// ---------------------------------------------------------------------------
// LayerNorm: y = (x − mean) / sqrt(var + eps) · gamma + beta over the last axis

const norm = suite('nn layers: LayerNorm');

function refLayerNorm(x: number[], d: number, gamma: number[], beta: number[], eps: number): number[] {
  const y: number[] = [];
  for (let r = 0; r < x.length / d; r++) {
    const row = x.slice(r * d, (r + 1) * d);
    const mu = row.reduce((a, b) => a + b) / d;
    const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / d;
    row.forEach((xi, j) => y.push(((xi - mu) / Math.sqrt(v + eps)) * gamma[j] + beta[j]));
  }
  return y;
}

norm('LayerNorm: value of the normalized last axis times gamma plus beta, float64 and float32, default and given eps', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const eps of [undefined, 0.25]) {
      ag.seed(31);
      const layer = new ag.nn.LayerNorm(6, { dtype, eps });
      perturb(layer.gamma, 0.5, 0.3);
      perturb(layer.beta);
      ag.tidy(() => {
        const x = ag.randn([2, 3, 6], { dtype });
        const expected = refLayerNorm(data(x), 6, data(layer.gamma), data(layer.beta), eps ?? 1e-5);
        close(data(layer(x)), expected, dtype === 'float64' ? 1e-12 : 1e-5, `LayerNorm ${dtype} eps ${eps}`);
      });
    }
  }
});

norm('LayerNorm: gradcheck in x, gamma and beta to second order', () => {
  ag.seed(32);
  const layer = new ag.nn.LayerNorm(5, f64) as unknown as Layer;
  perturb(layer.gamma as ag.Tensor, 0.5, 0.3);
  perturb(layer.beta as ag.Tensor);
  const x = ag.randn([3, 5], f64);
  assert.ok(gradcheckLayer(layer, ['gamma', 'beta'], x));
  x.dispose();
});

norm('LayerNorm: params lists exactly gamma and beta', () => {
  ag.seed(33);
  const x = ag.randn([4, 6]);
  const layer = new ag.nn.LayerNorm(6) as unknown as Layer;
  assert.ok(data(layer.gamma as ag.Tensor).every((v) => v === 1) && data(layer.beta as ag.Tensor).every((v) => v === 0), 'gamma starts at 1, beta at 0');
  checkParams(layer, ['gamma', 'beta'], x);
  x.dispose();
});

// ---------------------------------------------------------------------------
// Dropout and Sequential

const rest = suite('nn layers: Dropout, Sequential, setTraining');

rest('Dropout: training keeps each entry as x / (1 − p) or drops it, about p of them; evaluation is the identity; no params', () => {
  ag.seed(41);
  const drop = new ag.nn.Dropout(0.3);
  assert.equal(ag.params(drop), []);
  ag.tidy(() => {
    const x = ag.add(ag.rand([4000]), 0.5);
    const xs = data(x);
    const ys = data(drop(x));
    let dropped = 0;
    ys.forEach((v, i) => {
      if (v === 0) dropped++;
      else assert.ok(Math.abs(v - xs[i] / 0.7) <= 1e-6 * Math.abs(v), `element ${i}: ${v}, expected 0 or ${xs[i] / 0.7}`);
    });
    assert.ok(Math.abs(dropped / 4000 - 0.3) < 0.03, `dropped ${dropped} of 4000`);
    // The gradient is the same mask: dy / (1 - p) where kept, 0 where dropped.
    ag.seed(42);
    const g = data(ag.grad((z: ag.Tensor) => ag.sum(drop(z)))(x));
    ag.seed(42);
    const kept = data(drop(x)).map((v) => (v === 0 ? 0 : 1 / 0.7));
    close(g, kept, 1e-6, 'Dropout gradient');
    ag.nn.setTraining(drop, false);
    assert.equal(data(drop(x)), xs, 'evaluation: identity');
  });
  assert.throws(() => new ag.nn.Dropout(1), /Dropout: p must be in \[0, 1\)/);
});

rest('Sequential: the layers applied in order, its params are theirs', () => {
  ag.seed(43);
  const a = new ag.nn.Linear(3, 5, f64);
  const b = new ag.nn.Linear(5, 2, f64);
  perturb(a.b!);
  perturb(b.b!);
  const model = new ag.nn.Sequential(a, ag.tanh, b);
  const mp = ag.params(model);
  assert.is(mp.length, 4);
  for (const p of [a.w, a.b!, b.w, b.b!]) assert.ok(mp.includes(p));
  ag.tidy(() => {
    const x = ag.randn([4, 3], f64);
    const h = refLinear(data(x), 4, data(a.w), 3, 5, data(a.b!)).map(Math.tanh);
    close(data(model(x)), refLinear(h, 4, data(b.w), 5, 2, data(b.b!)), 1e-12, 'Sequential');
  });
  assert.throws(() => new ag.nn.Sequential(a, 3 as unknown as (x: ag.Tensor) => ag.Tensor), /Sequential: layer 1 must be a function or a Layer/);
});

rest('setTraining reaches nested layers; params of a container of layers', () => {
  ag.seed(5);
  const conv2 = new ag.nn.Conv2d(3, 4, 3);
  const drop = new ag.nn.Dropout(0.5);
  const norm2 = new ag.nn.LayerNorm(6);
  const model = new ag.nn.Sequential(conv2, drop);
  ag.nn.setTraining(model, false);
  assert.is(drop.training, false);
  assert.is(conv2.training, false);
  ag.nn.setTraining({ nested: [model] }, true);
  assert.is(drop.training, true);
  assert.is(ag.params({ model, norm: norm2 }).length, 4);
});

rest('Sequential of layers and functions trains: loss falls', () => {
  ag.seed(4);
  const model = new ag.nn.Sequential(new ag.nn.Linear(2, 16, { init: 'he' }), ag.tanh, new ag.nn.Linear(16, 1));
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

linear.run();
conv.run();
norm.run();
rest.run();
