// Optimizers: first steps against hand-computed updates, convergence, clipping, state memory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import type { Tensor } from '../src/index';

const f64 = { dtype: 'float64' as const };
const close = (a: ArrayLike<number>, e: number[], tol = 1e-12) => {
  assert.is(a.length, e.length);
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i])), `[${i}] ${a[i]} vs ${e[i]}`);
};

/** loss = sum(c * w^2): gradient 2 c w */
function stepWith(opt: ag.Optimizer, w: Tensor, c: number[]) {
  const tape = ag.diff(() => ag.sum(ag.mul(ag.tensor(c, f64), ag.abs2(w))));
  opt.step(tape, [w]);
  tape.dispose();
}

const test = suite('optimizers');

test('sgd: plain, momentum, nesterov and weight decay match hand-computed steps', () => {
  const w = ag.Param([1, -2], f64);
  const opt = ag.sgd({ lr: 0.1 });
  stepWith(opt, w, [1, 3]); // g = [2, -12]
  close(w.data(), [1 - 0.2, -2 + 1.2]);

  const m = ag.Param([1], f64);
  const mom = ag.sgd({ lr: 0.1, momentum: 0.9 });
  stepWith(mom, m, [1]); // g = 2, buf = 2, w = 1 - 0.2 = 0.8
  stepWith(mom, m, [1]); // g = 1.6, buf = 0.9*2 + 1.6 = 3.4, w = 0.8 - 0.34
  close(m.data(), [0.46]);

  const n = ag.Param([1], f64);
  const nes = ag.sgd({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.5 });
  stepWith(nes, n, [1]); // d = 2 + 0.5 = 2.5, buf = 2.5, d = 2.5 + 0.9*2.5 = 4.75, w = 1 - 0.475
  close(n.data(), [0.525]);
});

test('adam and AdamW: first two steps by hand', () => {
  const w = ag.Param([1, -1], f64);
  const opt = ag.adam({ lr: 0.1 });
  stepWith(opt, w, [1, 1]); // the first Adam step moves each weight by lr * sign(g) (up to eps)
  const g1 = 2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const w1 = 1 - (0.1 * g1) / (Math.abs(g1) + eps);
  close(w.data(), [w1, -w1]);
  stepWith(opt, w, [1, 1]);
  const g2 = 2 * w1;
  const m2 = b1 * (1 - b1) * g1 + (1 - b1) * g2;
  const v2 = b2 * (1 - b2) * g1 * g1 + (1 - b2) * g2 * g2;
  const expected = w1 - (0.1 * (m2 / (1 - b1 ** 2))) / (Math.sqrt(v2 / (1 - b2 ** 2)) + eps);
  close(w.data(), [expected, -expected], 1e-12);

  const d = ag.Param([2], f64);
  const adamw = ag.adam({ lr: 0.1, weightDecay: 0.1, decoupledWeightDecay: true });
  stepWith(adamw, d, [1]); // w -= lr*wd*w, then the Adam step of size lr
  close(d.data(), [2 - 0.1 * 0.1 * 2 - (0.1 * 4) / (4 + 1e-8)]);
});

test('rmsprop: first step by hand', () => {
  const w = ag.Param([1], f64);
  const opt = ag.rmsprop({ lr: 0.01, alpha: 0.9 });
  stepWith(opt, w, [1]); // g = 2, sq = 0.1 * 4 = 0.4, w = 1 - 0.01 * 2 / sqrt(0.4)
  close(w.data(), [1 - (0.01 * 2) / (Math.sqrt(0.4) + 1e-8)]);
});

test('adam converges on the Rosenbrock function', () => {
  const p = ag.Param([-1.5, 2], f64);
  const opt = ag.adam({ lr: 0.02 });
  const rosenbrock = (v: Tensor) => {
    const [x, y] = [ag.reshape(ag.matmul(v, ag.tensor([1, 0], f64)), []), ag.reshape(ag.matmul(v, ag.tensor([0, 1], f64)), [])];
    return ag.add(ag.abs2(ag.sub(1, x)), ag.mul(100, ag.abs2(ag.sub(y, ag.abs2(x)))));
  };
  let loss = Infinity;
  for (let i = 0; i < 5000; i++) {
    ag.tidy(() => {
      const tape = ag.diff(() => rosenbrock(p));
      loss = tape.value;
      opt.step(tape, [p]);
    });
  }
  assert.ok(loss < 1e-6, `loss ${loss}`);
  close(p.data(), [1, 1], 1e-3);
  opt.dispose();
});

// ---- every option against a plain-JavaScript reference of the update ----

type Rule = (w: number[], g: number[], state: number[][], t: number) => void;

// PyTorch's formulas, element by element; `state` starts as zeros.
const sgdRule = (o: { lr: number; momentum: number; nesterov: boolean; weightDecay: number }): Rule => (w, g, [buf]) => {
  for (let i = 0; i < w.length; i++) {
    let d = g[i] + o.weightDecay * w[i];
    if (o.momentum !== 0) {
      buf[i] = o.momentum * buf[i] + d;
      d = o.nesterov ? d + o.momentum * buf[i] : buf[i];
    }
    w[i] -= o.lr * d;
  }
};
const adamRule = (o: { lr: number; betas: [number, number]; eps: number; weightDecay: number; decoupledWeightDecay: boolean }): Rule => (w, g, [m, v], t) => {
  const [b1, b2] = o.betas;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] + (o.decoupledWeightDecay ? 0 : o.weightDecay * w[i]);
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    if (o.decoupledWeightDecay) w[i] -= o.lr * o.weightDecay * w[i];
    w[i] -= (o.lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + o.eps);
  }
};
const rmspropRule = (o: { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number }): Rule => (w, g, [sq, buf]) => {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] + o.weightDecay * w[i];
    sq[i] = o.alpha * sq[i] + (1 - o.alpha) * gi * gi;
    let step = gi / (Math.sqrt(sq[i]) + o.eps);
    if (o.momentum !== 0) {
      buf[i] = o.momentum * buf[i] + step;
      step = buf[i];
    }
    w[i] -= o.lr * step;
  }
};

const CONFIGS: [string, (clipNorm?: number) => ag.Optimizer, Rule][] = [
  ['sgd', (clipNorm) => ag.sgd({ lr: 0.1, clipNorm }), sgdRule({ lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0 })],
  ['sgd momentum 0.9, weight decay 0.01', (clipNorm) => ag.sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.01, clipNorm }), sgdRule({ lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.01 })],
  ['sgd nesterov', (clipNorm) => ag.sgd({ lr: 0.05, momentum: 0.8, nesterov: true, clipNorm }), sgdRule({ lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0 })],
  ['adam', (clipNorm) => ag.adam({ lr: 0.01, clipNorm }), adamRule({ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false })],
  ['adam betas [0.8, 0.99], eps 1e-3, L2 weight decay 0.1', (clipNorm) => ag.adam({ lr: 0.02, betas: [0.8, 0.99], eps: 1e-3, weightDecay: 0.1, clipNorm }),
    adamRule({ lr: 0.02, betas: [0.8, 0.99], eps: 1e-3, weightDecay: 0.1, decoupledWeightDecay: false })],
  ['AdamW weight decay 0.1', (clipNorm) => ag.adam({ lr: 0.02, weightDecay: 0.1, decoupledWeightDecay: true, clipNorm }),
    adamRule({ lr: 0.02, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1, decoupledWeightDecay: true })],
  ['rmsprop', (clipNorm) => ag.rmsprop({ lr: 0.01, clipNorm }), rmspropRule({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0 })],
  ['rmsprop alpha 0.9, momentum 0.5, weight decay 0.05', (clipNorm) => ag.rmsprop({ lr: 0.01, alpha: 0.9, momentum: 0.5, weightDecay: 0.05, clipNorm }),
    rmspropRule({ lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0.05, momentum: 0.5 })],
];

test('every optimizer and option: four steps on two params (9 and 2x3 elements) equal the reference formulas, float64 and float32, with and without clipping', () => {
  for (const [label, make, rule] of CONFIGS) {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const clip of [undefined, 1.5]) {
        ag.seed(8);
        const start = [Array.from(ag.randn([9], { dtype }).data()), Array.from(ag.randn([2, 3], { dtype }).data())];
        const params = [ag.Param(start[0], { dtype }), ag.Param(start[1], { dtype, shape: [2, 3] })];
        const opt = make(clip);
        const w = start.map((x) => x.slice());
        const state = w.map((x) => [x.map(() => 0), x.map(() => 0)]);
        const what = `${label}, ${dtype}${clip === undefined ? '' : `, clipNorm ${clip}`}`;
        for (let t = 1; t <= 4; t++) {
          const grads = params.map((p) => ag.randn(p.shape.slice(), { dtype }));
          const g = grads.map((x) => Array.from(x.data()));
          const norm = Math.sqrt(g.flat().reduce((a, b) => a + b * b, 0));
          const scale = clip !== undefined && norm > clip ? clip / norm : 1;
          opt.step(grads, params);
          w.forEach((wk, k) => rule(wk, g[k].map((v) => v * scale), state[k], t));
          assert.ok(Math.abs(opt.lastGradNorm - norm) <= 1e-12 * norm, `${what}: lastGradNorm ${opt.lastGradNorm}, expected ${norm}`);
          grads.forEach((x) => x.dispose());
        }
        params.forEach((p, k) => close(p.data(), w[k], dtype === 'float64' ? 1e-12 : 1e-5));
        assert.is(opt.steps, 4, what);
        opt.dispose();
        params.forEach((p) => p.dispose());
      }
    }
  }
});

test('the function form: gradients shaped like the params container', () => {
  const params = { w: ag.Param([1, 2], f64), b: [ag.Param([3], f64)] };
  const lossOf = (p: typeof params) => ag.add(ag.sum(ag.abs2(p.w)), ag.sum(p.b[0]));
  const opt = ag.sgd({ lr: 0.5 });
  opt.step(ag.grad(lossOf)(params), params);
  close(params.w.data(), [0, 0]);
  close(params.b[0].data(), [2.5]);
  assert.throws(() => opt.step([ag.tensor([1])], params), /sgd\.step: gradients at params do not match/);
});

test('clipping by global norm', () => {
  const w = ag.Param([3, 4], f64);
  const opt = ag.sgd({ lr: 1, clipNorm: 1 });
  const tape = ag.diff(() => ag.div(ag.sum(ag.abs2(w)), 2)); // g = w, norm 5
  opt.step(tape, [w]);
  assert.is(opt.lastGradNorm, 5);
  close(w.data(), [3 - 0.6, 4 - 0.8]);
  assert.is(ag.gradNorm([ag.tensor([3]), { a: ag.tensor([4]) }]), 5);
});

test('errors: wrong shapes, bad options; dispose frees the state', () => {
  assert.throws(() => ag.sgd({ lr: -1 }), /sgd: lr must be a number in \[0, Infinity\], got number -1/);
  assert.throws(() => ag.adam({ betas: [0.9, 1.5] }), /adam: betas\[1\]/);
  const w = ag.Param([1, 2]);
  const opt = ag.adam({ lr: 0.1 });
  assert.throws(() => opt.step([ag.tensor([1, 2, 3])], [w]), /adam\.step: a Param of shape \[2\] got a gradient of shape \[3\]/);
  const before = ag.memory().liveTensors;
  opt.step([ag.keep(ag.tensor([1, 1]))], [w]);
  assert.is(ag.memory().liveTensors - before, 3, 'gradient + two moment buffers');
  opt.dispose();
  assert.is(ag.memory().liveTensors - before, 1);
  assert.throws(() => opt.step([ag.tensor([1, 1])], [w]), /disposed/);
});

test('an optimizer step before grad is caught by the version counter', () => {
  const w = ag.Param([1, 2]);
  const v = ag.Param([1, 2]);
  const tape = ag.diff(() => ag.sum(ag.mul(w, v)));
  const opt = ag.sgd({ lr: 0.1 });
  opt.step([ag.ones([2])], [w]);
  assert.throws(() => ag.grad(tape, v), /modified in place/);
  tape.dispose();
});

test('an int32 or bool tensor is never updated (its memory is not floats): step and gradNorm refuse it, changing nothing', () => {
  const k = ag.tensor([1, 2, 3], { dtype: 'int32' });
  const next = ag.tensor([7, 8, 9]);
  for (const opt of [ag.sgd({ lr: 0.1, weightDecay: 0.1 }), ag.adam(), ag.rmsprop()]) {
    assert.throws(() => opt.step([ag.zeros([3], { dtype: 'int32' })], [k]), /step: cannot update a tensor of dtype int32/);
    opt.dispose();
  }
  assert.equal(k.toArray(), [1, 2, 3]);
  assert.equal(next.toArray(), [7, 8, 9]);
  assert.throws(() => ag.gradNorm([ag.tensor([3, 4], { dtype: 'int32' })]), /gradNorm: gradients are float32 or float64 tensors, got one of dtype int32/);
});

test.run();

const schedule = suite('learning-rate changes');
schedule('lr can be changed between steps without losing momentum state', () => {
  const w = ag.Param([1], f64);
  const opt = ag.sgd({ lr: 0.1, momentum: 0.9 });
  stepWith(opt, w, [1]); // buf = 2, w = 0.8
  opt.lr = 0.01;
  stepWith(opt, w, [1]); // g = 1.6, buf = 3.4, w = 0.8 - 0.034
  close(w.data(), [0.766]);
  assert.is(opt.lr, 0.01);
  assert.throws(() => { opt.lr = -1; }, /sgd: lr must be a number/);
});
schedule.run();
