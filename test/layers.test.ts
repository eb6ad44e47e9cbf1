// The layers of issue 14 (Embedding, LSTM, GRU, MultiheadAttention,
// BatchNorm2d, Conv2d padding modes) and the losses' reductions, each by
// value against a plain-JavaScript loop of its formula (every parameter
// moved away from its initial value first) and by gradcheck to second order
// in float64.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

const f64 = { dtype: 'float64' as const };
type M = number[][];

function perturb(t: ag.Tensor, scale = 0.5): void {
  ag.tidy(() => ag.axpy(1, ag.mul(ag.randn(t.shape.slice(), { dtype: t.dtype }), scale), t));
}
const rows = (t: ag.Tensor): M => t.toArray() as M;
const sig = (v: number) => 1 / (1 + Math.exp(-v));
/** x W^T + b for x [B, in], W [out, in]. */
const lin = (x: M, w: M, b: number[] | null): M => x.map((r) => w.map((wr, o) => wr.reduce((s, v, k) => s + v * r[k], b === null ? 0 : b[o])));
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

function close(actual: ag.Tensor | number[], expected: number[], tol: number, what: string): void {
  const a = Array.isArray(actual) ? actual : Array.from(actual.data());
  assert.is(a.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(a[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}: element ${i} is ${a[i]}, expected ${expected[i]}`);
  }
}

/** gradcheck of sum(w * f(x, params)^2) with respect to x and the params, substituted into `holder` for the check. */
function gradcheckWith(holder: Record<string, unknown>, names: string[], x: ag.Tensor, call: (x: ag.Tensor) => ag.Tensor): boolean {
  const shape = ag.tidy(() => call(x).shape.slice());
  ag.seed(77);
  const w = ag.randn(shape, f64);
  const f = (input: ag.Tensor, ...ps: ag.Tensor[]) => {
    const saved = names.map((n) => holder[n]);
    names.forEach((n, i) => (holder[n] = ps[i]));
    try {
      const y = call(input);
      return ag.sum(ag.mul(ag.mul(y, y), w));
    } finally {
      names.forEach((n, i) => (holder[n] = saved[i]));
    }
  };
  const args = [x, ...names.map((n) => holder[n] as ag.Tensor)];
  const options = { order: 2 as const, atol: 1e-9, rtol: 1e-7 };
  const ok = ag.gradcheck(f, ...args, options);
  if (!ok) ag.gradcheck(f, ...args, { ...options, verbose: true });
  w.dispose();
  return ok;
}

// ---- recurrent layers ----

const rnn = suite('LSTM and GRU');

/** One LSTM layer over x [T][B][in] from h, c [B][H]; returns outputs and final state. */
function lstmRef(x: M[], w: ag.nn.RecurrentWeights, h0: M, c0: M): { ys: M[]; h: M; c: M } {
  let [h, c] = [h0, c0];
  const [wih, whh, bih, bhh] = [rows(w.weightIh), rows(w.weightHh), w.biasIh!.toArray() as number[], w.biasHh!.toArray() as number[]];
  const H = h0[0].length;
  const ys: M[] = [];
  for (const xt of x) {
    const g1 = lin(xt, wih, bih);
    const g2 = lin(h, whh, bhh);
    const nextC = c.map((cr, b) => cr.map((cv, j) => {
      const g = (k: number) => g1[b][k * H + j] + g2[b][k * H + j];
      return sig(g(1)) * cv + sig(g(0)) * Math.tanh(g(2));
    }));
    h = nextC.map((cr, b) => cr.map((cv, j) => sig(g1[b][3 * H + j] + g2[b][3 * H + j]) * Math.tanh(cv)));
    c = nextC;
    ys.push(h);
  }
  return { ys, h, c };
}

function gruRef(x: M[], w: ag.nn.RecurrentWeights, h0: M): { ys: M[]; h: M } {
  let h = h0;
  const [wih, whh, bih, bhh] = [rows(w.weightIh), rows(w.weightHh), w.biasIh!.toArray() as number[], w.biasHh!.toArray() as number[]];
  const H = h0[0].length;
  const ys: M[] = [];
  for (const xt of x) {
    const gx = lin(xt, wih, bih);
    const gh = lin(h, whh, bhh);
    h = h.map((hr, b) => hr.map((hv, j) => {
      const r = sig(gx[b][j] + gh[b][j]);
      const z = sig(gx[b][H + j] + gh[b][H + j]);
      const n = Math.tanh(gx[b][2 * H + j] + r * gh[b][2 * H + j]);
      return (1 - z) * n + z * hv;
    }));
    ys.push(h);
  }
  return { ys, h };
}

rnn('LSTM: two layers by value, state in and out', () => {
  ag.seed(3);
  const lstm = new ag.nn.LSTM(2, 3, { numLayers: 2, dtype: 'float64' });
  for (const p of ag.params(lstm)) perturb(p);
  ag.tidy(() => {
    const x = ag.randn([4, 2, 2], f64);
    const h0 = ag.randn([2, 2, 3], f64);
    const c0 = ag.randn([2, 2, 3], f64);
    const [y, [h, c]] = lstm(x, [h0, c0]);
    const l0 = lstmRef(x.toArray() as M[], lstm.layers[0], (h0.toArray() as M[])[0], (c0.toArray() as M[])[0]);
    const l1 = lstmRef(l0.ys, lstm.layers[1], (h0.toArray() as M[])[1], (c0.toArray() as M[])[1]);
    assert.equal(y.shape, [4, 2, 3]);
    close(y, flat(l1.ys), 1e-12, 'output');
    close(h, flat([l0.h, l1.h]), 1e-12, 'final h');
    close(c, flat([l0.c, l1.c]), 1e-12, 'final c');
  });
  for (const p of ag.params(lstm)) p.dispose();
});

rnn('LSTM: batchFirst is the same computation transposed; no state means zeros', () => {
  ag.seed(4);
  const a = new ag.nn.LSTM(2, 3, { dtype: 'float64' });
  const b = new ag.nn.LSTM(2, 3, { dtype: 'float64', batchFirst: true });
  b.layers[0] = a.layers[0];
  ag.tidy(() => {
    const x = ag.randn([5, 2, 2], f64);
    const [ya] = a(x);
    const [yb] = b(ag.transpose(x, [1, 0, 2]));
    close(ag.transpose(yb, [1, 0, 2]), Array.from(ya.data()), 0, 'batchFirst');
    const [yz] = a(x, [ag.zeros([1, 2, 3], f64), ag.zeros([1, 2, 3], f64)]);
    close(yz, Array.from(ya.data()), 0, 'zero state');
  });
});

rnn('LSTM: stateful layers carry a detached state across calls', () => {
  ag.seed(5);
  const plain = new ag.nn.LSTM(2, 3, { dtype: 'float64' });
  const carried = new ag.nn.LSTM(2, 3, { dtype: 'float64', stateful: true });
  carried.layers[0] = plain.layers[0];
  const x1 = ag.randn([3, 2, 2], f64);
  const x2 = ag.randn([3, 2, 2], f64);
  const live = ag.memory().liveTensors;
  // Inside diff, as in training: the carried state outlives the tape.
  for (const x of [x1, x2]) ag.diff(() => ag.sum(carried(x)[0])).dispose();
  assert.ok(carried.carried !== null && carried.carried.every((t) => !ag.isParam(t)));
  assert.is(ag.memory().liveTensors, live + 2, 'only the carried state (h and c) stays');
  ag.tidy(() => {
    const [, s1] = plain(x1);
    const [, s2] = plain(x2, s1);
    close(carried.carried![0], Array.from(s2[0].data()), 0, 'carried h');
    close(carried.carried![1], Array.from(s2[1].data()), 0, 'carried c');
    // The gradient stops at the carried state: it is not tracked by a new tape.
    const p = carried.layers[0].weightHh;
    const tape = ag.diff(() => ag.sum(carried(x1)[0]));
    assert.ok(ag.grad(tape, p) !== null);
    tape.dispose();
  });
  assert.throws(() => ag.tidy(() => carried(ag.randn([3, 5, 2], f64))), /resetState\(\) when the batch size changes/);
  carried.resetState();
  assert.is(carried.carried, null);
  assert.is(ag.memory().liveTensors, live);
});

rnn('GRU: two layers by value', () => {
  ag.seed(6);
  const gru = new ag.nn.GRU(2, 3, { numLayers: 2, dtype: 'float64', batchFirst: true });
  for (const p of ag.params(gru)) perturb(p);
  ag.tidy(() => {
    const x = ag.randn([2, 4, 2], f64); // batch first
    const h0 = ag.randn([2, 2, 3], f64);
    const [y, [h]] = gru(x, [h0]);
    const xt = ag.transpose(x, [1, 0, 2]).toArray() as M[];
    const l0 = gruRef(xt, gru.layers[0], (h0.toArray() as M[])[0]);
    const l1 = gruRef(l0.ys, gru.layers[1], (h0.toArray() as M[])[1]);
    assert.equal(y.shape, [2, 4, 3]);
    close(ag.transpose(y, [1, 0, 2]), flat(l1.ys), 1e-12, 'output');
    close(h, flat([l0.h, l1.h]), 1e-12, 'final h');
  });
});

rnn('LSTM and GRU: gradcheck to second order in the input and every weight', () => {
  ag.seed(8);
  for (const layer of [new ag.nn.LSTM(2, 2, { dtype: 'float64' }), new ag.nn.GRU(2, 2, { dtype: 'float64' })]) {
    for (const p of ag.params(layer)) perturb(p);
    const holder = layer.layers[0] as unknown as Record<string, unknown>;
    const x = ag.randn([3, 1, 2], f64);
    assert.ok(gradcheckWith(holder, ['weightIh', 'weightHh', 'biasIh', 'biasHh'], x, (v) => layer(v)[0]), `${layer.kind} gradcheck`);
    x.dispose();
  }
});

rnn('errors name the layer and the expected shape', () => {
  const lstm = new ag.nn.LSTM(2, 3);
  assert.throws(() => lstm(ag.ones([4, 2, 5])), /LSTM\(2 → 3\): expected input of shape \[time, batch, 2\]/);
  assert.throws(() => lstm(ag.ones([4, 2, 2]), [ag.ones([1, 2, 3])]), /state must be an array of 2/);
  assert.throws(() => new ag.nn.GRU(0, 3), /inputSize must be a positive integer/);
});
rnn.run();

// ---- attention ----

const mha = suite('MultiheadAttention');

function attentionRef(layer: ag.nn.MultiheadAttention, q: M, k: M, causal: boolean): M {
  const E = layer.embedDim;
  const h = layer.numHeads;
  const d = E / h;
  const w = rows(layer.inProjWeight);
  const b = layer.inProjBias!.toArray() as number[];
  const Q = lin(q, w.slice(0, E), b.slice(0, E));
  const K = lin(k, w.slice(E, 2 * E), b.slice(E, 2 * E));
  const V = lin(k, w.slice(2 * E), b.slice(2 * E));
  const merged = q.map((_, i) => {
    const out: number[] = [];
    for (let head = 0; head < h; head++) {
      const cols = Array.from({ length: d }, (_, c) => head * d + c);
      const scores = k.map((_, j) => (causal && j > i ? -Infinity : cols.reduce((s, c) => s + Q[i][c] * K[j][c], 0) / Math.sqrt(d)));
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((s, v) => s + v, 0);
      for (const c of cols) out.push(e.reduce((s, v, j) => s + (v / z) * V[j][c], 0));
    }
    return out;
  });
  return lin(merged, rows(layer.outProjWeight), layer.outProjBias!.toArray() as number[]);
}

mha('self-attention by value, causal and not, both layouts', () => {
  ag.seed(9);
  for (const causal of [false, true]) {
    const layer = new ag.nn.MultiheadAttention(4, 2, { causal, batchFirst: true, dtype: 'float64' });
    for (const p of ag.params(layer)) perturb(p);
    ag.tidy(() => {
      const x = ag.randn([2, 3, 4], f64);
      const y = layer(x);
      assert.equal(y.shape, [2, 3, 4]);
      const expected = (x.toArray() as M[]).flatMap((seq) => flat(attentionRef(layer, seq, seq, causal)));
      close(y, expected, 1e-12, `causal ${causal}`);
      const seqFirst = new ag.nn.MultiheadAttention(4, 2, { causal, dtype: 'float64' });
      Object.assign(seqFirst, { inProjWeight: layer.inProjWeight, inProjBias: layer.inProjBias, outProjWeight: layer.outProjWeight, outProjBias: layer.outProjBias });
      close(ag.transpose(seqFirst(ag.transpose(x, [1, 0, 2])), [1, 0, 2]), expected, 1e-12, 'sequence first');
    });
  }
});

mha('cross-attention by value: keys of another length', () => {
  ag.seed(10);
  const layer = new ag.nn.MultiheadAttention(4, 1, { batchFirst: true, dtype: 'float64' });
  for (const p of ag.params(layer)) perturb(p);
  ag.tidy(() => {
    const q = ag.randn([1, 2, 4], f64);
    const k = ag.randn([1, 5, 4], f64);
    close(layer(q, k), flat(attentionRef(layer, (q.toArray() as M[])[0], (k.toArray() as M[])[0], false)), 1e-12, 'cross');
  });
});

mha('gradcheck to second order in the input and the weights', () => {
  ag.seed(11);
  const layer = new ag.nn.MultiheadAttention(4, 2, { causal: true, batchFirst: true, dtype: 'float64' });
  for (const p of ag.params(layer)) perturb(p);
  const x = ag.randn([1, 3, 4], f64);
  assert.ok(gradcheckWith(layer as unknown as Record<string, unknown>, ['inProjWeight', 'inProjBias', 'outProjWeight', 'outProjBias'], x, (v) => layer(v)));
  x.dispose();
});

mha('errors', () => {
  assert.throws(() => new ag.nn.MultiheadAttention(6, 4), /divisible/);
  const layer = new ag.nn.MultiheadAttention(4, 2, { causal: true, batchFirst: true });
  assert.throws(() => layer(ag.ones([1, 2, 4]), ag.ones([1, 3, 4])), /causal mask needs as many queries as keys/);
});
mha.run();

// ---- BatchNorm2d, Conv2d padding modes, Embedding ----

const conv = suite('BatchNorm2d, Conv2d padding modes, Embedding');

conv('BatchNorm2d: batch statistics while training, running statistics after', () => {
  ag.seed(12);
  const bn = new ag.nn.BatchNorm2d(2, { dtype: 'float64', momentum: 0.25 });
  perturb(bn.weight!);
  perturb(bn.bias!);
  ag.tidy(() => {
    const x = ag.add(ag.mul(ag.randn([3, 2, 2, 2], f64), 2), 1);
    const y = bn(x);
    const xs = x.toArray() as number[][][][];
    const gamma = bn.weight!.toArray() as number[];
    const beta = bn.bias!.toArray() as number[];
    const expected: number[] = new Array(24);
    const means: number[] = [];
    const vars: number[] = [];
    for (let c = 0; c < 2; c++) {
      const vals = xs.flatMap((n) => flat(n[c]));
      const m = vals.reduce((s, v) => s + v, 0) / vals.length;
      const v = vals.reduce((s, u) => s + (u - m) ** 2, 0) / vals.length;
      means.push(m);
      vars.push(v * vals.length / (vals.length - 1));
      xs.forEach((n, ni) => flat(n[c]).forEach((u, k) => (expected[ni * 8 + c * 4 + k] = ((u - m) / Math.sqrt(v + 1e-5)) * gamma[c] + beta[c])));
    }
    close(y, expected, 1e-12, 'training output');
    close(bn.runningMean!, means.map((m) => 0.25 * m), 1e-12, 'running mean');
    close(bn.runningVar!, vars.map((v) => 0.75 + 0.25 * v), 1e-12, 'running variance (unbiased)');
    ag.nn.setTraining(bn, false);
    const rm = bn.runningMean!.toArray() as number[];
    const rv = bn.runningVar!.toArray() as number[];
    const evalExpected = flat(xs).map((u, i) => {
      const c = Math.floor(i / 4) % 2;
      return ((u - rm[c]) / Math.sqrt(rv[c] + 1e-5)) * gamma[c] + beta[c];
    });
    close(bn(x), evalExpected, 1e-12, 'evaluation output');
    close(bn.runningMean!, rm, 0, 'evaluation leaves the running mean alone');
  });
});

conv('BatchNorm2d: gradcheck to second order (training)', () => {
  ag.seed(13);
  const bn = new ag.nn.BatchNorm2d(2, { dtype: 'float64' });
  perturb(bn.weight!);
  const x = ag.randn([2, 2, 2, 2], f64);
  assert.ok(gradcheckWith(bn as unknown as Record<string, unknown>, ['weight', 'bias'], x, (v) => bn(v)));
  x.dispose();
});

/** x [H][W] padded by p on every side, as `mode` says (reference). */
function padRef(x: M, p: [number, number, number, number], mode: string): M {
  const [top, bottom, left, right] = p;
  const H = x.length;
  const W = x[0].length;
  const at = (i: number, n: number): number | null => {
    if (i >= 0 && i < n) return i;
    if (mode === 'reflect') return i < 0 ? -i : 2 * (n - 1) - i;
    if (mode === 'replicate') return i < 0 ? 0 : n - 1;
    if (mode === 'circular') return (i + n) % n;
    return null;
  };
  const out: M = [];
  for (let i = -top; i < H + bottom; i++) {
    const r: number[] = [];
    for (let j = -left; j < W + right; j++) {
      const a = at(i, H);
      const b = at(j, W);
      r.push(a === null || b === null ? 0 : x[a][b]);
    }
    out.push(r);
  }
  return out;
}

conv('Conv2d: reflect, replicate, circular and zeros padding, numbers and same', () => {
  ag.seed(14);
  for (const mode of ['reflect', 'replicate', 'circular', 'zeros'] as const) {
    for (const [padding, kernel, pads] of [[2, 3, [2, 2, 2, 2]], ['same', 2, [0, 1, 0, 1]], [[1, 2], 3, [1, 1, 2, 2]]] as const) {
      const layer = new ag.nn.Conv2d(1, 2, kernel, { padding: padding as never, paddingMode: mode, dtype: 'float64' });
      perturb(layer.b!);
      ag.tidy(() => {
        const x = ag.randn([1, 1, 4, 5], f64);
        const padded = ag.tensor([[padRef((x.toArray() as M[][])[0][0], pads as unknown as [number, number, number, number], mode)]], f64);
        const expected = ag.add(ag.conv2d(padded, layer.w), ag.reshape(layer.b!, [1, 2, 1, 1]));
        const y = layer(x);
        assert.equal(y.shape, expected.shape, `${mode} ${String(padding)}: shape`);
        close(y, Array.from(expected.data()), 1e-12, `${mode} padding ${String(padding)}`);
      });
    }
  }
  assert.throws(() => new ag.nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as never }), /paddingMode/);
  assert.throws(() => new ag.nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 }), /stride 1/);
});

conv('Conv2d: gradcheck through reflect padding', () => {
  ag.seed(15);
  const layer = new ag.nn.Conv2d(1, 1, 3, { padding: 1, paddingMode: 'reflect', dtype: 'float64' });
  const x = ag.randn([1, 1, 3, 3], f64);
  assert.ok(gradcheckWith(layer as unknown as Record<string, unknown>, ['w', 'b'], x, (v) => layer(v)));
  x.dispose();
});

conv('Embedding: rows of the table; gradient a scatter-add', () => {
  ag.seed(16);
  const emb = new ag.nn.Embedding(5, 3, { dtype: 'float64' });
  ag.tidy(() => {
    const table = emb.weight.toArray() as M;
    close(emb([[4, 0], [4, 4]]), flat([[table[4], table[0]], [table[4], table[4]]]), 0, 'lookup');
    const tape = ag.diff(() => ag.sum(emb([4, 0, 4])));
    close(ag.grad(tape, emb.weight)!, flat([[1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0], [2, 2, 2]]), 0, 'gradient');
    tape.dispose();
  });
  assert.throws(() => emb([5]), /out of range/);
});
conv.run();

// ---- losses ----

const losses = suite('losses: reduction mean, sum, none');

losses('values', () => {
  ag.tidy(() => {
    const z = ag.tensor([[2, 0, 0], [0, 0, 5]], f64);
    const per = [Math.log(Math.exp(2) + 2) - 2, Math.log(2 + Math.exp(5)) - 5];
    close(ag.crossEntropy(z, [0, 2], { reduction: 'none' }), per, 1e-14, 'crossEntropy none');
    close([ag.crossEntropy(z, [0, 2], { reduction: 'sum' }).item()], [per[0] + per[1]], 1e-14, 'crossEntropy sum');
    close([ag.crossEntropy(z, [0, 2]).item()], [(per[0] + per[1]) / 2], 1e-14, 'crossEntropy mean');
    const p = ag.tensor([[1, 0, 0], [0, 0, 1]], f64);
    close(ag.crossEntropy(z, p, { reduction: 'none' }), per, 1e-14, 'crossEntropy probabilities none');
    const lp = ag.logSoftmax(z);
    close(ag.nll(lp, [0, 2], { reduction: 'none' }), per, 1e-14, 'nll none');
    close([ag.nll(lp, [0, 2], { reduction: 'sum' }).item()], [per[0] + per[1]], 1e-14, 'nll sum');
    close(ag.mse(ag.tensor([1, 2, 3], f64), ag.tensor([1, 2, 5], f64), { reduction: 'none' }), [0, 0, 4], 0, 'mse none');
    close([ag.mse(ag.tensor([1, 2, 3], f64), ag.tensor([1, 2, 5], f64), { reduction: 'sum' }).item()], [4], 0, 'mse sum');
    const sp = (v: number) => Math.log1p(Math.exp(v));
    close(ag.binaryCrossEntropy(ag.tensor([0, 2], f64), ag.tensor([1, 0], f64), { reduction: 'none' }), [sp(0), sp(2)], 1e-14, 'bce none');
    close([ag.binaryCrossEntropy(ag.tensor([0, 2], f64), 1, { reduction: 'sum' }).item()], [sp(0) + sp(2) - 2], 1e-14, 'bce sum');
  });
});

losses('gradcheck of the unreduced and summed losses', () => {
  ag.seed(17);
  const z = ag.randn([3, 4], f64);
  const w = ag.randn([3], f64);
  const ok1 = ag.gradcheck((v: ag.Tensor) => ag.sum(ag.mul(ag.crossEntropy(v, [1, 0, 3], { reduction: 'none' }), w)), z, { order: 2 });
  const ok2 = ag.gradcheck((v: ag.Tensor) => ag.nll(ag.logSoftmax(v), [1, 0, 3], { reduction: 'sum' }), z, { order: 2 });
  const ok3 = ag.gradcheck((a: ag.Tensor, b: ag.Tensor) => ag.sum(ag.mul(ag.mse(a, b, { reduction: 'none' }), ag.abs2(a))), z, ag.randn([4], f64), { order: 2 });
  assert.ok(ok1 && ok2 && ok3);
});

losses('bad reduction', () => {
  assert.throws(() => ag.mse(ag.ones([2]), ag.ones([2]), { reduction: 'avg' as never }), /mse: reduction must be 'mean', 'sum' or 'none'/);
  assert.throws(() => ag.crossEntropy(ag.ones([1, 2]), [0], { reduction: 1 as never }), /crossEntropy: reduction/);
});
losses.run();
