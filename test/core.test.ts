// The tape: AutoGrad.jl's interface, nesting, the primitive door, tape
// memory, gradcheck and the tape display.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import type { Tensor } from '../src/index';

const f64 = { dtype: 'float64' as const };

function close(actual: number, expected: number, tol = 1e-9, what = ''): void {
  const ok = Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
  assert.ok(ok, `${what} expected ${expected}, got ${actual}`);
}

function closeArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9): void {
  assert.is(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], tol, `[${i}]`);
}

function snapshot() {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, bytesInUse: m.bytesInUse };
}

// ---------------------------------------------------------------- seed examples
const seedExamples = suite('seed examples (AutoGrad.jl README)');

seedExamples('interface block', () => {
  const x = ag.Param([1, 2, 3]);
  assert.ok(ag.isParam(x));
  assert.equal(ag.value(x).toArray(), [1, 2, 3]);
  assert.is(ag.sum(ag.abs2, x).item(), 14);
  const y = ag.diff(() => ag.sum(ag.abs2, x));
  assert.is(ag.value(y), 14);
  assert.equal(ag.grad(y, x)!.toArray(), [2, 4, 6]);
  y.dispose();
  x.dispose();
});

seedExamples('old interface: grad(f)(x)', () => {
  const f = (x: Tensor) => ag.sum(ag.abs2, x);
  const x = ag.tensor([1, 2, 3]);
  assert.is(f(x).item(), 14);
  assert.equal(ag.grad(f)(x).toArray(), [2, 4, 6]);
});

seedExamples('linear regression with a callable model, params and axpy', () => {
  ag.seed(1);
  class Linear {
    w = ag.Param(ag.randn([10, 100], f64));
    b = ag.Param(ag.randn([10, 1], f64));
    call(x: Tensor) {
      return ag.add(ag.matmul(this.w, x), this.b);
    }
  }
  const truth = ag.randn([10, 100], f64);
  const model = new Linear();
  const losses: number[] = [];
  for (let step = 0; step < 300; step++) {
    ag.tidy(() => {
      const x = ag.randn([100, 32], f64);
      const y = ag.matmul(truth, x);
      const loss = ag.diff(() => ag.div(ag.sum(ag.abs2, ag.sub(model.call(x), y)), 32));
      losses.push(loss.value);
      for (const w of ag.params(model)) ag.axpy(-0.01, ag.grad(loss, w)!, w);
    });
  }
  assert.ok(losses[299] < losses[0] * 1e-3, `loss fell from ${losses[0]} to ${losses[299]}`);
  assert.is(ag.params(model).length, 2);
});

seedExamples.run();

// ---------------------------------------------------------------- recording
const recording = suite('recording and gradients');

recording('diff returns a Tape; the function must return a scalar', () => {
  const w = ag.Param([1, 2]);
  const t = ag.diff(() => ag.sum(w));
  assert.instance(t, ag.Tape);
  t.dispose();
  const before = snapshot();
  assert.throws(() => ag.diff(() => ag.mul(w, 2)), (e: Error) => e instanceof ag.ShapeError && /scalar/.test(e.message) && /\[2\]/.test(e.message));
  assert.throws(() => ag.diff(() => 'x' as unknown as number), /scalar/);
  assert.equal(snapshot(), before);
});

recording('ops on Params outside diff just compute', () => {
  const w = ag.Param([3]);
  const y = ag.mul(w, w);
  assert.equal(y.toArray(), [9]);
  assert.not.ok(ag.isParam(y));
});

recording('grad is null for a Param that played no part', () => {
  const a = ag.Param([1, 2]);
  const b = ag.Param([3, 4]);
  const t = ag.diff(() => ag.sum(ag.mul(a, 2)));
  assert.equal(ag.grad(t, a)!.toArray(), [2, 2]);
  assert.is(ag.grad(t, b), null);
  t.dispose();
});

recording('a result that depends on no Param: value works, gradients are null', () => {
  const a = ag.Param([1, 2]);
  const t = ag.diff(() => ag.sum(ag.tensor([5, 6])));
  assert.is(t.value, 11);
  assert.is(ag.grad(t, a), null);
  t.dispose();
  const n = ag.diff(() => 3);
  assert.is(ag.value(n), 3);
});

recording('gradient with respect to an intermediate', () => {
  const x = ag.Param([1, 2, 3], f64);
  let h!: Tensor;
  const t = ag.diff(() => {
    h = ag.mul(x, 3);
    return ag.sum(ag.abs2, h);
  });
  closeArrays(ag.grad(t, x)!.data(), [18, 36, 54]);
  closeArrays(ag.grad(t, h)!.data(), [6, 12, 18]);
  // asked first for the intermediate, on a fresh tape
  const t2 = ag.diff(() => {
    h = ag.mul(x, 3);
    return ag.sum(ag.abs2, h);
  });
  closeArrays(ag.grad(t2, h)!.data(), [6, 12, 18]);
  closeArrays(ag.grad(t2, x)!.data(), [18, 36, 54]);
  t.dispose();
  t2.dispose();
});

recording('a Param used twice accumulates; broadcasting is undone', () => {
  const w = ag.Param([[1, 2, 3]], f64); // [1, 3]
  const b = ag.Param(2, f64); // 0-d
  const x = ag.tensor([[1], [2]], f64); // [2, 1]
  const t = ag.diff(() => ag.sum(ag.mul(ag.add(ag.mul(w, x), b), w)));
  // y = sum_ij (w_j x_i + b) w_j ; dy/dw_j = sum_i 2 w_j x_i + b ; dy/db = sum_ij w_j
  closeArrays(ag.grad(t, w)!.data(), [2 * 1 * 3 + 2 * 2, 2 * 2 * 3 + 2 * 2, 2 * 3 * 3 + 2 * 2]);
  assert.equal(ag.grad(t, w)!.shape, [1, 3]);
  close(ag.grad(t, b)!.item(), 2 * 6);
  t.dispose();
});

recording('sums of gradients that share memory (pass-through rules, views) are formed without touching the shared buffer', () => {
  // First-order sums are formed in place when only one slot holds the sum:
  // here contributions reach x as dy itself (add), as views of dy
  // (reshape, transpose) and through an intermediate used three times.
  const x = ag.Param([[1, 2], [3, 4]], f64);
  const t = ag.diff(() => {
    const u = ag.add(x, x); // both arguments get dy itself
    const v = ag.reshape(u, [4]); // its gradient is a view of dy
    const w = ag.add(ag.transpose(u), ag.mul(u, u));
    return ag.add(ag.add(ag.sum(v), ag.sum(w)), ag.sum(ag.mul(u, 3)));
  });
  // s = sum(u) + sum(uᵀ) + sum(u²) + 3 sum(u) with u = 2x: ds/du = 5 + 2u, ds/dx = 2 (5 + 4x)
  closeArrays(ag.grad(t, x)!.data(), [2 * (5 + 4), 2 * (5 + 8), 2 * (5 + 12), 2 * (5 + 16)]);
  // a's gradient starts as dy of the add itself, while b's is a view of that
  // very buffer (reshape's rule); a's later term (from mul) must not be
  // summed into the shared buffer, or b's gradient changes too.
  const a = ag.Param([1, 2, 3, 4], f64);
  const b = ag.Param([[1, 2], [3, 4]], f64);
  const tab = ag.diff(() => {
    const c = ag.mul(a, 3);
    const r = ag.reshape(b, [4]);
    return ag.add(ag.sum(ag.add(a, r)), ag.sum(c));
  });
  closeArrays(ag.grad(tab, a)!.data(), [4, 4, 4, 4]);
  closeArrays(ag.grad(tab, b)!.data(), [1, 1, 1, 1]);
  tab.dispose();
  // A second pass over a fresh tape gives the same numbers (nothing was summed into a shared buffer).
  const t2 = ag.diff(() => ag.sum(ag.mul(ag.add(x, x), ag.add(x, x))));
  closeArrays(ag.grad(t2, x)!.data(), [8, 16, 24, 32]);
  // And with an outer tape recording, the sums are recorded (second order): d²/dx² sum(4x²) = 8.
  const h = ag.grad((p: Tensor) => ag.sum(ag.grad((q: Tensor) => ag.sum(ag.mul(ag.add(q, q), ag.add(q, q))))(p)))(ag.tensor([[1, 2], [3, 4]], f64));
  closeArrays(h.data(), [8, 8, 8, 8]);
  // ...even when the first term of a sum is a constant to the outer tape
  // (q·c, reached first in reverse) and the later ones are not (q·q):
  // d/dp sum(c + 2p) = 2.
  const c = ag.tensor([5, 6, 7, 8], f64);
  const inner = (q: Tensor) => ag.add(ag.sum(ag.mul(q, q)), ag.sum(ag.mul(q, c)));
  const h2 = ag.grad((p: Tensor) => ag.sum(ag.grad(inner)(p)))(ag.tensor([1, 2, 3, 4], f64));
  closeArrays(h2.data(), [2, 2, 2, 2]);
  t.dispose();
  t2.dispose();
});

recording('gradients of different tensors never share a buffer (add passes dy to both; an in-place update of one must not change the other)', () => {
  const W = ag.Param([1, 2, 3], f64);
  const D = ag.Param([0, 0, 0], f64);
  const x = ag.tensor([2, 2, 2], f64);
  let s!: Tensor;
  const t = ag.diff(() => {
    s = ag.add(W, D);
    return ag.sum(ag.mul(s, x));
  });
  const gs = ag.grad(t, s)!;
  const gW = ag.grad(t, W)!;
  const gD = ag.grad(t, D)!;
  ag.axpy(1, ag.ones([3], f64), gW);
  closeArrays(gW.data(), [3, 3, 3]);
  closeArrays(gD.data(), [2, 2, 2]);
  closeArrays(gs.data(), [2, 2, 2]);
  const g = ag.grad((v: { w: Tensor; d: Tensor }) => ag.sum(ag.add(v.w, v.d)))({ w: ag.tensor([1, 2], f64), d: ag.tensor([3, 4], f64) });
  ag.axpy(1, ag.ones([2], f64), g.w);
  closeArrays(g.d.data(), [1, 1]);
  t.dispose();
});

recording('while an outer tape records, gradients that had to be copied stay on it (second order through a pass-through rule)', () => {
  // g.w = g.d = p (add passes dy * p to both); d/dp [sum(g.d) + 2 sum(g.w)] = 3.
  const outer = ag.grad((p: Tensor) => {
    const g = ag.grad((v: { w: Tensor; d: Tensor }) => ag.sum(ag.mul(ag.add(v.w, v.d), p)))({ w: ag.ones([3], f64), d: ag.ones([3], f64) });
    return ag.add(ag.sum(g.d), ag.mul(ag.sum(g.w), 2));
  });
  closeArrays(outer(ag.tensor([1, 2, 3], f64)).data(), [3, 3, 3]);
});

recording('the backward pass runs once and lazily', () => {
  let calls = 0;
  const counted = ag.primitive('counted', (x: Tensor) => ag.mul(x, 2), (dy) => {
    calls++;
    return ag.mul(dy, 2);
  });
  const w = ag.Param([1, 2]);
  const t = ag.diff(() => ag.sum(counted(w)));
  assert.is(calls, 0);
  ag.grad(t, w);
  ag.grad(t, w);
  assert.is(calls, 1);
  t.dispose();
});

recording('a throw inside diff pops the tape and frees what it recorded', () => {
  const w = ag.Param([1, 2, 3]);
  const before = snapshot();
  assert.throws(() =>
    ag.diff(() => {
      ag.mul(w, 2);
      ag.exp(w);
      throw new Error('boom');
    }), /boom/);
  assert.equal(snapshot(), before);
  // recording is off again: an op on w now records nothing anywhere
  const t = ag.diff(() => ag.sum(w));
  assert.is(t.nodes.length, 2);
  t.dispose();
});

recording('diff of an async function is rejected and leaks nothing', () => {
  const w = ag.Param([1]);
  const before = snapshot();
  assert.throws(() => ag.diff((async () => ag.sum(w)) as unknown as () => Tensor), /synchronous/);
  assert.equal(snapshot(), before);
});

recording('grad on a disposed tape says so', () => {
  const w = ag.Param([1]);
  const t = ag.diff(() => ag.sum(w));
  t.dispose();
  assert.throws(() => ag.grad(t, w), (e: Error) => e instanceof ag.DisposedError && /tape was disposed/.test(e.message));
});

recording('value() stops gradients', () => {
  const x = ag.Param([2], f64);
  const t = ag.diff(() => ag.sum(ag.mul(x, ag.value(x))));
  assert.equal(ag.grad(t, x)!.toArray(), [2]);
  t.dispose();
});

recording.run();

// ---------------------------------------------------------------- function form
const functionForm = suite('grad(f) and gradloss(f)');

functionForm('numbers give numbers; argnum selects the argument', () => {
  const f = (x: number, y: number) => ag.mul(ag.mul(x, x), y);
  close(ag.grad(f)(3, 5), 30);
  close(ag.grad(f, 1)(3, 5), 9);
  const [g, loss] = ag.gradloss(f)(3, 5);
  close(g, 30);
  close(loss, 45);
});

functionForm('containers give gradients of the same structure', () => {
  const f = (p: { w: Tensor; b: Tensor; list: Tensor[] }) =>
    ag.add(ag.sum(ag.mul(p.w, p.list[0])), ag.mul(p.b, ag.sum(p.list[1])));
  const g = ag.grad(f)({ w: ag.tensor([1, 2], f64), b: 3, list: [ag.tensor([4, 5], f64), ag.tensor([6], f64)] });
  assert.equal(g.w.toArray(), [4, 5]);
  close(g.b, 6);
  assert.equal(g.list[0].toArray(), [1, 2]);
  assert.equal(g.list[1].toArray(), [3]);
});

functionForm('an argument that plays no part gets zeros', () => {
  const g = ag.grad((x: Tensor, y: Tensor) => ag.sum(x), 1)(ag.tensor([1]), ag.tensor([1, 2]));
  assert.equal(g.toArray(), [0, 0]);
});

functionForm('bad argnum and bad argument types are clear errors', () => {
  assert.throws(() => ag.grad((x: number) => x, 2)(1), /argnum 2 is out of range/);
  assert.throws(() => ag.grad((_x: string) => 1)('a'), /cannot differentiate with respect to string/);
});

functionForm.run();

// ---------------------------------------------------------------- nesting
const nesting = suite('nested differentiation');

const cube = (x: Tensor | number) => ag.mul(ag.mul(x, x), x);

nesting('second and third derivatives of x^3', () => {
  close(ag.grad(cube)(2), 12);
  close(ag.grad(ag.grad(cube))(2), 12);
  close(ag.grad(ag.grad(ag.grad(cube)))(2), 6);
});

nesting('derivatives of tanh to third order match the formulas', () => {
  const f = (x: Tensor | number) => ag.tanh(x);
  const x = 0.7;
  const t = Math.tanh(x);
  close(ag.grad(f)(x), 1 - t * t, 1e-12);
  close(ag.grad(ag.grad(f))(x), -2 * t * (1 - t * t), 1e-12);
  close(ag.grad(ag.grad(ag.grad(f)))(x), -2 * (1 - t * t) * (1 - 3 * t * t), 1e-12);
});

nesting('no perturbation confusion: d/dx [x * d/dy (x + y)] = 1', () => {
  const inner = (x: Tensor | number) => ag.grad((y: Tensor) => ag.add(x, y))(x);
  close(ag.grad((x: Tensor) => ag.mul(x, inner(x)))(1), 1);
});

nesting('the function form stays tracked when its argument is a number: x * d/dy(x*y) at 2 is 4', () => {
  close(ag.grad((x: Tensor) => ag.mul(x, ag.grad((y: Tensor) => ag.mul(x, y))(1)))(2), 4);
});

nesting('mixed partials of x*y^2', () => {
  const f = (x: Tensor, y: Tensor) => ag.mul(x, ag.mul(y, y));
  const dfdy = (x: Tensor, y: Tensor) => ag.grad(f, 1)(x, y);
  close(ag.grad(dfdy, 0)(3, 5), 10); // d/dx 2xy = 2y
  close(ag.grad(dfdy, 1)(3, 5), 6); // d/dy 2xy = 2x
});

nesting('Hessian-vector product of sum(tanh(W x)) against finite differences of gradients', () => {
  ag.seed(3);
  const W = ag.randn([6, 5], f64);
  const x0 = ag.randn([5], f64);
  const v = ag.randn([5], f64);
  const f = (x: Tensor) => ag.sum(ag.tanh(ag.matmul(W, x)));
  const x = ag.Param(x0);
  const t = ag.diff(() => ag.sum(ag.mul(ag.grad(f)(x), v)));
  const hv = Array.from(ag.grad(t, x)!.data());
  t.dispose();
  const eps = 1e-6;
  const gAt = (s: number): number[] => ag.tidy(() => Array.from((ag.grad(f)(ag.add(x0, ag.mul(v, s))) as Tensor).data()));
  const plus = gAt(eps);
  const minus = gAt(-eps);
  closeArrays(hv, plus.map((p, i) => (p - minus[i]) / (2 * eps)), 1e-6);
});

nesting('each tape sees only its own nodes; Params are seen by every tape', () => {
  const x = ag.Param(2, f64);
  const p = ag.Param(5, f64);
  let inner!: ag.Tape;
  const outer = ag.diff(() => {
    const a = ag.mul(x, 3);
    inner = ag.diff(() => ag.sum(ag.mul(p, p)));
    const gp = ag.grad(inner, p)!; // 2p, recorded on the outer tape
    return ag.sum(ag.mul(a, gp));
  });
  assert.is(inner.nodes.length, 3, 'inner: the leaf p, mul, sum');
  close(ag.grad(outer, x)!.item(), 30); // 3 * 2p
  close(ag.grad(outer, p)!.item(), 12); // a * 2 = 6x
  outer.dispose();
  inner.dispose();
});

nesting('a custom primitive works under nesting', () => {
  const square = ag.primitive('square', (x: Tensor) => ag.mul(x, x), (dy, _y, x: Tensor) => ag.mul(dy, ag.mul(x, 2)));
  const f = (x: Tensor) => ag.sum(ag.mul(square(x), x)); // x^3
  close(ag.grad(f)(2), 12);
  close(ag.grad(ag.grad(f))(2), 12);
  assert.ok(ag.gradcheck(f, ag.tensor([0.5, -1.5]), { order: 2 }));
});

nesting.run();

// ---------------------------------------------------------------- primitive door
const door = suite('primitive and zerograd');

door('a rule returning the wrong shape is an error naming the op', () => {
  const bad = ag.primitive('bad', (x: Tensor) => ag.sum(x), (dy) => dy);
  const w = ag.Param([1, 2]);
  const t = ag.diff(() => bad(w));
  assert.throws(() => ag.grad(t, w), /bad: gradient rule for argument 1 returned shape \[\], expected the argument's shape \[2\]/);
  t.dispose();
});

door('zerograd results are constants on the tape', () => {
  const stop = ag.zerograd('stop', (x: Tensor) => ag.mul(x, 1));
  const w = ag.Param([3], f64);
  const t = ag.diff(() => ag.sum(ag.mul(w, stop(w))));
  assert.equal(ag.grad(t, w)!.toArray(), [3]);
  t.dispose();
});

door('null rules give no gradient', () => {
  const half = ag.primitive('half', (a: Tensor, b: Tensor) => ag.add(a, b), null, (dy) => dy);
  const a = ag.Param([1]);
  const b = ag.Param([2]);
  const t = ag.diff(() => ag.sum(half(a, b)));
  assert.is(ag.grad(t, a), null);
  assert.equal(ag.grad(t, b)!.toArray(), [1]);
  t.dispose();
});

door.run();

// ---------------------------------------------------------------- params and axpy
const model = suite('params and axpy');

model('params walks arrays, objects, Maps, Sets and class instances, once each, cycle-safe', () => {
  const a = ag.Param([1]);
  const b = ag.Param([2]);
  const c = ag.Param([3]);
  const d = ag.Param([4]);
  class Layer {
    weight = b;
    self: unknown = this;
    other = ag.tensor([0]); // not a Param
  }
  const graph: Record<string, unknown> = { first: a, layers: [new Layer(), { again: a }], map: new Map([['k', c]]), set: new Set([d]) };
  graph.cycle = graph;
  const found = ag.params(graph);
  assert.equal(found, [a, b, c, d]);
});

model('axpy updates a Param in place and returns it', () => {
  const w = ag.Param([1, 2, 3], f64);
  const r = ag.axpy(-0.5, ag.tensor([2, 2, 2], f64), w);
  assert.is(r, w);
  assert.equal(w.toArray(), [0, 1, 2]);
  assert.throws(() => ag.axpy(1, ag.tensor([1, 2]), w), /axpy: x is float32 but y is float64/);
  assert.throws(() => ag.axpy(1, ag.tensor([1, 2], f64), w), /axpy: x has shape \[2\] but y has shape \[3\]/);
});

model('the function form differentiates only with respect to floats', () => {
  assert.throws(
    () => ag.grad((v: { w: Tensor; ids: Tensor }) => ag.sum(v.w))({ w: ag.tensor([1.5]), ids: ag.tensor([1, 2], { dtype: 'int32' }) }),
    /grad: cannot differentiate with respect to the int32 tensor at argument 0\.ids/,
  );
});

model('Param of a Tensor shares its memory', () => {
  const t = ag.tensor([1, 2]);
  const p = ag.Param(t);
  ag.axpy(1, ag.tensor([1, 1]), p);
  assert.equal(t.toArray(), [2, 3]);
});

model.run();

// ---------------------------------------------------------------- memory
const memory = suite('tape memory');

memory('disposing a tape returns memory() to where it started', () => {
  const w = ag.Param(ag.randn([20, 10]));
  const x = ag.randn([10, 4]);
  const before = snapshot();
  for (let i = 0; i < 50; i++) {
    const t = ag.diff(() => ag.sum(ag.tanh(ag.matmul(w, x))));
    ag.grad(t, w);
    t.dispose();
  }
  assert.equal(snapshot(), before);
});

memory('kept gradients survive the tape', () => {
  const w = ag.Param([1, 2]);
  const t = ag.diff(() => ag.sum(ag.abs2, w));
  const g = ag.keep(ag.grad(t, w)!);
  t.dispose();
  assert.equal(g.toArray(), [2, 4]);
  assert.is((w.toArray() as number[])[0], 1, 'Param values are never freed by a tape');
  g.dispose();
});

memory('a tape created in tidy is freed with it', () => {
  const w = ag.Param([1, 2]);
  const before = snapshot();
  for (let i = 0; i < 100; i++) {
    ag.tidy(() => {
      const t = ag.diff(() => ag.sum(ag.exp(w)));
      ag.axpy(-0.001, ag.grad(t, w)!, w);
    });
  }
  assert.equal(snapshot(), before);
});

memory('nested gradients leave nothing behind', () => {
  const before = snapshot();
  for (let i = 0; i < 20; i++) ag.grad(ag.grad(ag.grad(cube)))(1.5);
  const x = ag.Param(ag.randn([8], f64));
  const W = ag.randn([8, 8], f64);
  const mid = snapshot();
  for (let i = 0; i < 20; i++) {
    const t = ag.diff(() => ag.sum(ag.mul(ag.grad((z: Tensor) => ag.sum(ag.tanh(ag.matmul(W, z))))(x), x)));
    ag.grad(t, x);
    t.dispose();
  }
  assert.equal(snapshot(), mid);
  assert.is(mid.liveTensors - before.liveTensors, 3, 'randn + its Param + W');
});

memory('peak memory: intermediate gradients are freed during the backward pass', () => {
  const n = 1 << 16; // 256 KB per float32 tensor
  const w = ag.Param(ag.ones([n]));
  const t = ag.diff(() => {
    let h: Tensor = w;
    for (let i = 0; i < 20; i++) h = ag.tanh(h);
    return ag.sum(h);
  });
  ag.resetPeak();
  const start = ag.memory().bytesInUse;
  ag.grad(t, w);
  const extra = ag.memory().peakBytes - start;
  // a chain keeps O(1) gradients alive at a time, not one per node
  assert.ok(extra < 8 * 4 * n, `backward peaked at ${extra} extra bytes`);
  t.dispose();
});

memory.run();

// ---------------------------------------------------------------- gradcheck and display
const debug = suite('gradcheck, tape display and profiling');

debug('gradcheck passes correct rules and catches a wrong one', () => {
  ag.seed(5);
  assert.ok(ag.gradcheck((x: Tensor) => ag.sum(ag.tanh(x)), ag.randn([4])));
  assert.ok(ag.gradcheck((a: Tensor, b: Tensor) => ag.sum(ag.exp(ag.matmul(a, b))), ag.randn([3, 4]).mul(0.3), ag.randn([4, 2]).mul(0.3), { order: 2 }));
  assert.ok(ag.gradcheck((x: Tensor) => ag.sum(ag.tanh(x)), ag.randn([100]), { order: 2 }), 'random projections for large inputs');
  const wrongSin = ag.primitive('wrong', (x: Tensor) => ag.tanh(x), (dy, y) => ag.mul(dy, y)); // should be 1 - y^2
  assert.not.ok(ag.gradcheck((x: Tensor) => ag.sum(wrongSin(x)), ag.randn([3])));
  // right first derivative, wrong second: only order 2 sees it
  const frozen = ag.primitive('frozen', (x: Tensor) => ag.mul(x, x), (dy, _y, x: Tensor) => ag.mul(dy, ag.mul(ag.value(x), 2)));
  assert.ok(ag.gradcheck((x: Tensor) => ag.sum(frozen(x)), ag.randn([3])));
  assert.not.ok(ag.gradcheck((x: Tensor) => ag.sum(frozen(x)), ag.randn([3]), { order: 2 }));
});

debug('gradcheck: Richardson-extrapolated differences are accurate to 1e-9, where central differences at the same steps are off by 1e-8', () => {
  // sum(sin(5x)): f''' is 25 times f', so a plain central difference at any
  // of the steps h, h/2, h/4 (h = 1e-4) is off by more than 1e-9 relative.
  const x = ag.tensor([0.3, -0.7, 1.1], { dtype: 'float64' });
  const f = (z: Tensor) => ag.sum(ag.sin(ag.mul(z, 5)));
  assert.ok(ag.gradcheck(f, x, { atol: 1e-11, rtol: 1e-9 }));
  const h = 1e-4 / 4;
  const central = [0.3, -0.7, 1.1].map((v) => (Math.sin(5 * (v + h)) - Math.sin(5 * (v - h))) / (2 * h));
  const exact = [0.3, -0.7, 1.1].map((v) => 5 * Math.cos(5 * v));
  assert.ok(central.some((c, i) => Math.abs(c - exact[i]) > 1e-9 * Math.abs(exact[i])), 'the plain central difference is not that accurate');
  x.dispose();
});

debug('gradcheck with tight tolerances catches a rule off by a relative 1e-6, and a second-order term off by 1e-6', () => {
  ag.seed(6);
  const x = ag.randn([5], { dtype: 'float64' });
  const tight = { atol: 1e-9, rtol: 1e-8 };
  const off = ag.primitive('expOff', (z: Tensor) => ag.exp(z), (dy, y) => ag.mul(dy, ag.mul(y, 1 + 1e-6)));
  assert.ok(ag.gradcheck((z: Tensor) => ag.sum(ag.exp(z)), x, { ...tight, order: 2 }));
  assert.not.ok(ag.gradcheck((z: Tensor) => ag.sum(off(z)), x, tight));
  assert.ok(ag.gradcheck((z: Tensor) => ag.sum(off(z)), x), 'the default tolerances (atol 1e-5, rtol 1e-4) are looser');
  // exp through expm1 + 1, whose rule's own derivative is off by 1e-6: only order 2 sees it
  const second = ag.primitive('secondOff', (z: Tensor) => ag.exp(z), (dy, y, z: Tensor) => ag.mul(dy, ag.add(ag.value(y), ag.mul(ag.sub(y, ag.value(y)), 1 + 1e-6))));
  assert.ok(ag.gradcheck((z: Tensor) => ag.sum(second(z)), x, tight));
  assert.not.ok(ag.gradcheck((z: Tensor) => ag.sum(second(z)), x, { ...tight, order: 2 }));
  x.dispose();
});

debug('gradcheck near a kink: the differences\' own error estimate keeps a correct rule from failing', () => {
  // abs at 3e-5, inside the largest step (1e-4): the differences straddle the
  // kink, and their disagreement widens the tolerance.
  assert.ok(ag.gradcheck((z: Tensor) => ag.sum(ag.abs(z)), ag.tensor([3e-5, 0.5, -2], { dtype: 'float64' })));
  // a smaller step keeps clear of it and checks tightly again
  assert.ok(ag.gradcheck((z: Tensor) => ag.sum(ag.abs(z)), ag.tensor([3e-5, 0.5, -2], { dtype: 'float64' }), { eps: 1e-5, atol: 1e-9, rtol: 1e-8 }));
});

debug('the tape prints one numbered line per node', () => {
  const w = ag.Param(ag.ones([2, 3]));
  const b = ag.Param(ag.zeros([2, 1]));
  const x = ag.ones([3, 4]);
  const t = ag.diff(() => ag.sum(ag.abs2, ag.add(ag.matmul(w, x), b)));
  ag.grad(t, w);
  const lines = t.toString().split('\n');
  assert.is(lines[0], '1. P(float32[2,3]) ∇=float32[2,3]');
  assert.is(lines[1], '2. float32[2,4] = matmul(P(float32[2,3]), float32[3,4], false, false)');
  assert.is(lines[2], '3. P(float32[2,1]) ∇=float32[2,1]');
  assert.match(lines[3], /^4\. float32\[2,4\] = add\(float32\[2,4\], P\(float32\[2,1\]\)\)$/);
  assert.match(lines[lines.length - 1], /^6\. 72 = sum\(float32\[2,4\]/);
  t.dispose();
});

debug('profile() times forward ops and each gradient rule', () => {
  const w = ag.Param(ag.randn([8, 8]));
  const x = ag.randn([8, 8]);
  const { result, report } = ag.profile(() => {
    const t = ag.diff(() => ag.sum(ag.matmul(w, x)));
    const g = ag.grad(t, w)!.toArray();
    t.dispose();
    return g;
  });
  assert.is((result as number[][]).length, 8);
  const names = report.rows.map((r) => r.name);
  assert.ok(names.includes('matmul'), names.join(','));
  assert.ok(names.includes('matmul[1]'), names.join(','));
  assert.not.ok(names.includes('matmul[2]'), 'x is not a Param: no gradient rule for it ran');
  assert.match(report.toString(), /matmul\[1\]\s+1\s/);
  // off again afterwards
  const again = ag.profile(() => 1).report;
  assert.is(again.rows.length, 0);
});

debug.run();
