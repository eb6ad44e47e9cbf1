// Sparse gradients, as a specification. The gradient of picking rows of a
// table (embedding, gather along axis 0, index by rows) is kept as the rows
// and their indices while nothing records; two of them add up by joining
// their lists; a dense gradient takes them in; `grad(tape, t)` makes it
// dense, `grad(tape, t, { sparse: true })` gives it as it is. On random
// tables and id sets with repeats it equals the dense path (the same loss
// differentiated while an outer tape records, which keeps every gradient a
// recorded op) and a plain JavaScript scatter-add. Optimizers update only
// the rows present, lazily (PyTorch's SparseAdam): checked against a
// JavaScript reference of each update, and against the dense update where
// the two must agree.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import { fc, prop, memoryGuard } from './reference/harness';

const f64 = { dtype: 'float64' as const };
const guard = memoryGuard();

interface Case {
  v: number;
  d: number;
  ids: number[];
  ids2: number[];
  table: number[];
  w: number[];
  w2: number[];
  /** How the second pick is made: nothing, gather, index, or a dense use of the table. */
  second: 'none' | 'gather' | 'index' | 'dense';
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({ v: fc.integer({ min: 1, max: 7 }), d: fc.integer({ min: 1, max: 5 }) })
  .chain(({ v, d }) => fc.record({
    v: fc.constant(v),
    d: fc.constant(d),
    ids: fc.array(fc.integer({ min: 0, max: v - 1 }), { maxLength: 9 }),
    ids2: fc.array(fc.integer({ min: 0, max: v - 1 }), { maxLength: 6 }),
    table: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: v * d, maxLength: v * d }),
    w: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 9 * d, maxLength: 9 * d }),
    w2: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: Math.max(6, v) * d, maxLength: Math.max(6, v) * d }),
    second: fc.constantFrom<Case['second']>('none', 'gather', 'index', 'dense'),
  }));

/** sum(w ⊙ embedding(table, ids)) [+ a second use of the table]. */
function loss(c: Case, table: ag.Tensor): ag.Tensor {
  const w = ag.tensor(c.w.slice(0, c.ids.length * c.d), { ...f64, shape: [c.ids.length, c.d] });
  let total = ag.sum(ag.mul(ag.embedding(table, ag.tensor(c.ids, { dtype: 'int32' })), w));
  if (c.second === 'none') return total;
  const rows = c.second === 'dense' ? c.v : c.ids2.length;
  const w2 = ag.tensor(c.w2.slice(0, rows * c.d), { ...f64, shape: [rows, c.d] });
  const picked = c.second === 'gather' ? ag.gather(table, c.ids2) : c.second === 'index' ? ag.index(table, c.ids2, ':') : ag.tanh(table);
  total = ag.add(total, ag.sum(ag.mul(picked, w2)));
  return total;
}

/** The gradient by hand: w's rows added into the rows picked (and tanh's for a dense use). */
function expected(c: Case): number[] {
  const g = new Array<number>(c.v * c.d).fill(0);
  c.ids.forEach((r, k) => {
    for (let j = 0; j < c.d; j++) g[r * c.d + j] += c.w[k * c.d + j];
  });
  if (c.second === 'gather' || c.second === 'index') {
    c.ids2.forEach((r, k) => {
      for (let j = 0; j < c.d; j++) g[r * c.d + j] += c.w2[k * c.d + j];
    });
  } else if (c.second === 'dense') {
    for (let i = 0; i < c.v * c.d; i++) g[i] += c.w2[i] * (1 - Math.tanh(c.table[i]) ** 2);
  }
  return g;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 1e-12): void {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

const grads = suite('sparse gradients: the same numbers as the dense path');
guard.start(grads);

prop(grads, 'rows picked by embedding, gather and index: sparse, joined, and made dense, equal the dense path', caseArb, (c) => {
  const table = ag.Param(ag.tensor(c.table, { ...f64, shape: [c.v, c.d] }));
  const tape = ag.diff(() => loss(c, table));
  const g = ag.grad(tape, table, { sparse: true });
  const want = expected(c);
  if (c.second === 'dense') assert.ok(g instanceof ag.Tensor, 'a dense use makes the sum dense');
  else {
    assert.ok(g instanceof ag.SparseGradient, 'only rows picked: sparse');
    const s = g as ag.SparseGradient;
    const ids = c.second === 'none' ? c.ids : [...c.ids, ...c.ids2];
    const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);
    assert.equal(sorted(s.indices), sorted(ids), 'two sparse gradients add up by joining their rows');
    assert.equal(s.values.shape, [ids.length, c.d]);
    assert.equal(s.shape, [c.v, c.d]);
    close(s.toDense().data(), want, 'toDense');
  }
  close(ag.grad(tape, table)!.data(), want, 'grad(tape, table)');
  // the dense path: the same loss while an outer tape records keeps every gradient an op
  let viaOps: number[] = [];
  ag.diff(() => {
    const inner = ag.diff(() => loss(c, table));
    const d = ag.grad(inner, table, { sparse: true });
    assert.ok(d instanceof ag.Tensor, 'while a tape records, the gradient is a dense, recorded tensor');
    viaOps = Array.from((d as ag.Tensor).data());
    return 0;
  }).dispose();
  close(viaOps, want, 'the dense path');
  tape.dispose();
  table.dispose();
});

grads('second order through an embedding works (the rule is an op while an outer tape records)', () => {
  ag.tidy(() => {
    const table = ag.tensor([[1, 2], [3, 4], [5, 6]], f64);
    // f(T) = sum(emb(T, ids)^3): d/dT = 3 e^2 scattered; the Hessian-vector product with v is 6 e v scattered
    const ids = [2, 0, 2];
    const f = (t: ag.Tensor) => ag.sum(ag.pow(ag.embedding(t, ids), 3));
    const v = ag.tensor([[1, 1], [0, 0], [1, -1]], f64);
    const hv = ag.grad((t: ag.Tensor) => ag.sum(ag.mul(ag.grad(f)(t), v)))(table) as ag.Tensor;
    assert.equal(hv.toArray(), [[6, 12], [0, 0], [2 * 6 * 5, -2 * 6 * 6]]);
  });
});

grads('the tape display marks a sparse gradient; the tape owns it and frees it with itself', () => {
  const table = ag.Param(new Float32Array(15), { shape: [5, 3] });
  const before = ag.memory();
  const tape = ag.diff(() => ag.sum(ag.embedding(table, [1, 4, 1, 0])));
  const g = ag.grad(tape, table, { sparse: true }) as ag.SparseGradient;
  assert.match(tape.toString(), /∇=float32\[5,3\] sparse \(4 rows\)/);
  assert.equal(Array.from(g.indices), [1, 4, 1, 0]);
  const mine = g.toDense();
  assert.equal(mine.toArray(), [[1, 1, 1], [2, 2, 2], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
  assert.equal(ag.grad(tape, table)!.toArray(), [[1, 1, 1], [2, 2, 2], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
  tape.dispose();
  assert.ok(g.values.isDisposed, 'the values went with the tape');
  assert.is(ag.memory().liveTensors, before.liveTensors + 1, 'only the toDense() result (the user\'s) is left');
  mine.dispose();
  table.dispose();
  assert.throws(() => ag.grad(tape, table, { sparse: 'yes' as unknown as boolean }), /grad: options must be|disposed/);
});

guard.finish(grads);
grads.run();

// ---- optimizers ----

interface Config {
  name: string;
  make: () => ag.Optimizer;
  /** The update of one row by hand, in float64: w, g, the row's state (created as zeros), step t. */
  ref: (w: number[], g: number[], state: number[][], t: number) => void;
  states: number;
  /** Whether the lazy update equals the dense one over any steps (plain SGD: an absent row's zero gradient moves nothing). */
  alwaysDense: boolean;
}

const configs: Config[] = [
  {
    name: 'sgd', make: () => ag.sgd({ lr: 0.1 }), states: 0, alwaysDense: true,
    ref: (w, g) => w.forEach((x, i) => { w[i] = x - 0.1 * g[i]; }),
  },
  {
    name: 'sgd with momentum, Nesterov and weight decay', make: () => ag.sgd({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }), states: 1, alwaysDense: false,
    ref: (w, g, [b]) => w.forEach((x, i) => {
      const d = g[i] + 0.01 * x;
      b[i] = 0.9 * b[i] + d;
      w[i] = x - 0.1 * (d + 0.9 * b[i]);
    }),
  },
  {
    name: 'adam', make: () => ag.adam({ lr: 0.05 }), states: 2, alwaysDense: false,
    ref: (w, g, [m, v], t) => w.forEach((x, i) => {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      w[i] = x - 0.05 * (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }),
  },
  {
    name: 'adamw', make: () => ag.adam({ lr: 0.05, weightDecay: 0.1, decoupledWeightDecay: true }), states: 2, alwaysDense: false,
    ref: (w, g, [m, v], t) => w.forEach((x, i) => {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      const decayed = x - 0.05 * 0.1 * x;
      w[i] = decayed - 0.05 * (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }),
  },
  {
    name: 'rmsprop with momentum', make: () => ag.rmsprop({ lr: 0.01, momentum: 0.5 }), states: 2, alwaysDense: false,
    ref: (w, g, [sq, buf]) => w.forEach((x, i) => {
      sq[i] = 0.99 * sq[i] + 0.01 * g[i] * g[i];
      buf[i] = 0.5 * buf[i] + g[i] / (Math.sqrt(sq[i]) + 1e-8);
      w[i] = x - 0.01 * buf[i];
    }),
  },
];

const stepsArb = fc
  .record({ v: fc.integer({ min: 1, max: 6 }), d: fc.integer({ min: 1, max: 4 }) })
  .chain(({ v, d }) => fc.record({
    v: fc.constant(v),
    d: fc.constant(d),
    table: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: v * d, maxLength: v * d }),
    steps: fc.array(fc.array(fc.integer({ min: 0, max: v - 1 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  }));

const optim = suite('sparse gradients in sgd, adam and rmsprop: only the rows present, lazily');
guard.start(optim);

for (const cfg of configs) {
  prop(optim, `${cfg.name}: the sparse step is the lazy update of the rows present (repeated ids summed), the rest untouched`, stepsArb, (c) => {
    const table = ag.Param(ag.tensor(c.table, { ...f64, shape: [c.v, c.d] }));
    const dense = ag.Param(ag.tensor(c.table, { ...f64, shape: [c.v, c.d] }));
    const opt = cfg.make();
    const denseOpt = cfg.make();
    const rows = Array.from({ length: c.v }, (_, r) => c.table.slice(r * c.d, (r + 1) * c.d));
    const state = rows.map(() => Array.from({ length: cfg.states }, () => new Array<number>(c.d).fill(0)));
    try {
      c.steps.forEach((ids, s) => {
        // loss = sum_k (k + 1) * sum(table[ids[k]]): row r's gradient is the sum of (k + 1) over its picks
        const weights = ag.tensor(ids.map((_, k) => k + 1), f64).reshape([ids.length, 1]);
        const tape = ag.diff(() => ag.sum(ag.mul(ag.embedding(table, ids), weights)));
        assert.ok(ag.grad(tape, table, { sparse: true }) instanceof ag.SparseGradient);
        opt.step(tape, [table]);
        tape.dispose();
        const denseTape = ag.diff(() => ag.sum(ag.mul(ag.embedding(dense, ids), weights)));
        denseOpt.step([ag.grad(denseTape, dense)], [dense]);
        denseTape.dispose();
        const g = new Map<number, number>();
        ids.forEach((r, k) => g.set(r, (g.get(r) ?? 0) + k + 1));
        for (const [r, gr] of g) cfg.ref(rows[r], new Array<number>(c.d).fill(gr), state[r], s + 1);
        if (s === 0) {
          // from zero state, the rows present move as in the dense step (absent ones differ only by weight decay)
          const a = table.data();
          const b = dense.data();
          for (const r of g.keys()) close(a.slice(r * c.d, (r + 1) * c.d), b.slice(r * c.d, (r + 1) * c.d), `${cfg.name}: the first step of row ${r} equals the dense one`, 1e-12);
        }
      });
      close(table.data(), rows.flat(), `${cfg.name}: the lazy reference`, 1e-10);
      if (cfg.alwaysDense) close(table.data(), dense.data(), `${cfg.name}: sparse equals dense over every step`, 1e-12);
      assert.is(opt.steps, c.steps.length);
    } finally {
      opt.dispose();
      denseOpt.dispose();
      table.dispose();
      dense.dispose();
    }
  });
}

optim('clipNorm and lastGradNorm see the summed rows; gradNorm takes sparse gradients', () => {
  const table = ag.Param(new Float64Array(8), { shape: [4, 2] });
  const opt = ag.sgd({ lr: 1, clipNorm: 1 });
  const tape = ag.diff(() => ag.sum(ag.embedding(table, [1, 1, 3])));
  const g = ag.grad(tape, table, { sparse: true }) as ag.SparseGradient;
  // rows: 1 -> [2, 2], 3 -> [1, 1]: norm sqrt(10)
  assert.ok(Math.abs(ag.gradNorm([g]) - Math.sqrt(10)) < 1e-12);
  opt.step(tape, [table]);
  assert.ok(Math.abs(opt.lastGradNorm - Math.sqrt(10)) < 1e-12);
  const k = 1 / Math.sqrt(10);
  close(table.data(), [0, 0, -2 * k, -2 * k, 0, 0, -k, -k], 'clipped to norm 1');
  // a container of sparse gradients works like the tape
  const t2 = ag.diff(() => ag.sum(ag.gather(table, [0])));
  opt.step([ag.grad(t2, table, { sparse: true })], [table]);
  close(table.data(), [-1 / Math.SQRT2, -1 / Math.SQRT2, -2 * k, -2 * k, 0, 0, -k, -k], 'from a container');
  for (const t of [tape, t2, opt, table]) t.dispose();
});

guard.finish(optim);
optim.run();
