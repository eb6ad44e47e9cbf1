// The transforms (src/core/transforms.ts): vjp, jvp, linearize, jacobian,
// jacrev, jacfwd, hessian, hvp — values against calculus by hand, shapes,
// containers and numbers, nesting with grad and with each other, ownership
// (nothing left behind, results usable after the call, recordings freed),
// failed calls at every allocation, and errors. Random programs are in
// test/property-transforms.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import type { Tensor } from '../src/index';
import { allocationCount, failAllocationAfter } from '../src/runtime/storage';

const f64 = { dtype: 'float64' as const };
const t64 = (x: ag.NestedArray) => ag.tensor(x, f64);

function close(actual: ag.NestedArray | number, expected: ag.NestedArray | number, tol = 1e-12, what = ''): void {
  const a = [actual].flat(Infinity as 1) as number[];
  const e = [expected].flat(Infinity as 1) as number[];
  assert.is(a.length, e.length, `${what}: length`);
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i])), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
}

function snapshot() {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, liveTapes: m.liveTapes, bytesInUse: m.bytesInUse };
}

// f(x) = [x0² x1, sin(x0) + x1] : J = [[2 x0 x1, x0²], [cos x0, 1]]
const f = (x: Tensor) => {
  const [a, b] = ag.unstack(x);
  return ag.stack([ag.mul(ag.mul(a, a), b), ag.add(ag.sin(a), b)]);
};
const J = (x0: number, x1: number) => [[2 * x0 * x1, x0 * x0], [Math.cos(x0), 1]];

// ---------------------------------------------------------------- values
const values = suite('transforms: values');

values('vjp: the result and a pullback that can be called again', () => {
  ag.tidy(() => {
    const x = t64([0.5, 2]);
    const [y, pullback] = ag.vjp(f, x);
    close(y.toArray(), [0.5, Math.sin(0.5) + 2]);
    const j = J(0.5, 2);
    close(pullback(t64([1, 0])).toArray(), j[0]);
    close(pullback(t64([0, 1])).toArray(), j[1]);
    close(pullback(t64([2, -1])).toArray(), [2 * j[0][0] - j[1][0], 2 * j[0][1] - j[1][1]]);
  });
});

values('vjp with several primals gives one gradient each; numbers stay numbers', () => {
  ag.tidy(() => {
    const g = (a: Tensor, b: number | Tensor) => ag.mul(a, b);
    const [y, pullback] = ag.vjp(g, t64([1, 2]), 3);
    close(y.toArray(), [3, 6]);
    const [da, db] = pullback(t64([1, 1]));
    close((da as Tensor).toArray(), [3, 3]);
    assert.is(db, 3); // d/db Σ a b = Σ a
  });
});

values('jvp: [f(x), J v]; linearize: J v for any v over one recording', () => {
  ag.tidy(() => {
    const x = t64([0.5, 2]);
    const j = J(0.5, 2);
    const [y, jv] = ag.jvp(f, [x], [t64([1, 3])]);
    close(y.toArray(), [0.5, Math.sin(0.5) + 2]);
    close(jv.toArray(), [j[0][0] + 3 * j[0][1], j[1][0] + 3 * j[1][1]]);
    const [y2, push] = ag.linearize(f, x);
    close(y2.toArray(), y.toArray() as number[]);
    close(push(t64([1, 0])).toArray(), [j[0][0], j[1][0]]);
    close(push(t64([0, 1])).toArray(), [j[0][1], j[1][1]]);
  });
});

values('jvp of numbers; of a function that does not depend on its input (zeros)', () => {
  ag.tidy(() => {
    const cube = (x: Tensor | number) => ag.mul(ag.mul(x, x), x);
    const [y, dy] = ag.jvp(cube, [2], [0.5]);
    close((y as Tensor).item(), 8);
    close((dy as Tensor).item(), 6); // 3 x² v
    const [, zero] = ag.jvp((_x: Tensor) => t64([1, 2]), [t64([3])], [t64([1])]);
    assert.equal(zero.toArray(), [0, 0]);
  });
});

values('jacobian, jacrev, jacfwd: [...y.shape, ...x.shape], all equal', () => {
  ag.tidy(() => {
    const x = t64([0.5, 2]);
    for (const jac of [ag.jacobian, ag.jacrev, ag.jacfwd]) close(jac(f)(x).toArray(), J(0.5, 2), 1e-12, jac.name);
    // y [2, 3] from x [3]: shape [2, 3, 3]
    const g = (v: Tensor) => ag.stack([ag.mul(v, 2), ag.exp(v)]);
    const v = t64([0.1, 0.2, 0.3]);
    const jr = ag.jacrev(g)(v);
    const jf = ag.jacfwd(g)(v);
    assert.equal(jr.shape, [2, 3, 3]);
    close(jf.toArray(), jr.toArray());
    close(jr.toArray(), [[[2, 0, 0], [0, 2, 0], [0, 0, 2]], [0.1, 0.2, 0.3].map((e, i) => [0, 1, 2].map((k) => (k === i ? Math.exp(e) : 0)))]);
    // a scalar function of a matrix: the gradient's shape
    assert.equal(ag.jacobian((m: Tensor) => ag.sum(m))(ag.ones([2, 3], f64)).shape, [2, 3]);
    // a vector function of a number
    close(ag.jacobian((s: Tensor | number) => ag.mul(t64([1, 2, 3]), s))(2).toArray(), [1, 2, 3]);
  });
});

values('jacobian with argnum, over containers; a container result', () => {
  ag.tidy(() => {
    const g = (c: number, p: { w: Tensor; b: number }) => ag.add(ag.mul(p.w, p.b), c);
    const jac = ag.jacobian(g, 1)(1, { w: t64([1, 2]), b: 3 });
    close(jac.w.toArray(), [[3, 0], [0, 3]]);
    close(jac.b.toArray(), [1, 2]);
    const jf = ag.jacfwd(g, 1)(1, { w: t64([1, 2]), b: 3 });
    close(jf.w.toArray(), [[3, 0], [0, 3]]);
    close(jf.b.toArray(), [1, 2]);
    const pair = (x: Tensor) => ({ twice: ag.mul(x, 2), total: ag.sum(x) });
    const jp = ag.jacobian(pair)(t64([1, 2]));
    close(jp.twice.toArray(), [[2, 0], [0, 2]]);
    close(jp.total.toArray(), [1, 1]);
  });
});

values('hessian and hvp; numbers give numbers', () => {
  ag.tidy(() => {
    const s = (x: Tensor) => ag.sum(ag.mul(ag.mul(x, x), ag.sin(x))); // Σ x² sin x
    const x = t64([0.3, -1.1, 2]);
    const d2 = [0.3, -1.1, 2].map((e) => 2 * Math.sin(e) + 4 * e * Math.cos(e) - e * e * Math.sin(e));
    const h = ag.hessian(s)(x);
    assert.equal(h.shape, [3, 3]);
    close(h.toArray(), d2.map((d, i) => d2.map((_, k) => (k === i ? d : 0))));
    close(ag.hvp(s)(x, t64([1, 2, 3])).toArray(), d2.map((d, i) => d * (i + 1)));
    const cube = (v: Tensor | number) => ag.mul(ag.mul(v, v), v);
    assert.is(ag.hessian(cube)(2), 12);
    assert.is(ag.hvp(cube)(2, 0.5), 6);
    // two arguments, with respect to the second
    const two = (a: Tensor, b: Tensor) => ag.sum(ag.mul(ag.mul(a, b), b));
    close(ag.hessian(two, 1)(t64([1, 3]), t64([5, 7])).toArray(), [[2, 0], [0, 6]]);
    close(ag.hvp(two, 1)(t64([1, 3]), t64([5, 7]), t64([1, 1])).toArray(), [2, 6]);
  });
});

values('hessian over a container: blocks for each pair of leaves', () => {
  ag.tidy(() => {
    const s = (p: { a: Tensor; b: number }) => ag.mul(ag.sum(ag.mul(p.a, p.a)), p.b); // b Σ a²
    const h = ag.hessian(s)({ a: t64([1, 2]), b: 3 });
    close(h.a.a.toArray(), [[6, 0], [0, 6]]);
    close(h.a.b.toArray(), [2, 4]);
    close(h.b.a.toArray(), [2, 4]);
    assert.is(h.b.b, 0);
  });
});

values('factorizations inside transforms: the Jacobian of eigh\'s values, the Hessian of a log-determinant', () => {
  ag.tidy(() => {
    const a = t64([[2, 0.5], [0.5, 1]]);
    // d w_i / dA = v_i v_iᵀ (symmetric part)
    const [, v] = ag.eigh(a);
    const jw = ag.jacobian((m: Tensor) => ag.eigh(m)[0])(a);
    const vd = v.toArray() as number[][];
    for (let i = 0; i < 2; i++) close((jw.toArray() as number[][][])[i], [[vd[0][i] * vd[0][i], vd[0][i] * vd[1][i]], [vd[1][i] * vd[0][i], vd[1][i] * vd[1][i]]]);
    // H of log det(A) applied to V: -tr(A⁻¹ V A⁻¹ ·), i.e. hvp = -A⁻¹ V A⁻¹ (symmetric V)
    const logdet = (m: Tensor) => ag.mul(ag.sum(ag.log(ag.diag(ag.cholesky(m)))), 2);
    const dir = t64([[1, 0.2], [0.2, -1]]);
    const inv = ag.inv(a);
    close(ag.hvp(logdet)(a, dir).toArray(), ag.neg(ag.matmul(ag.matmul(inv, dir), inv)).toArray(), 1e-12);
  });
});

values.run();

// ---------------------------------------------------------------- nesting
const nesting = suite('transforms: nesting with grad and with each other');

nesting('grad of a jvp (reverse over forward) and jvp of a jvp (second directional derivative)', () => {
  ag.tidy(() => {
    const g = (x: Tensor) => ag.sum(ag.mul(ag.sin(x), x)); // Σ x sin x
    const x = t64([0.4, 1.3]);
    const v = t64([1, -2]);
    const d2 = [0.4, 1.3].map((e) => 2 * Math.cos(e) - e * Math.sin(e));
    // d/dx ⟨∇g, v⟩ = H v
    const viaGrad = ag.grad((z: Tensor) => ag.jvp(g, [z], [v])[1] as Tensor)(x);
    close(viaGrad.toArray(), [d2[0] * 1, d2[1] * -2]);
    // vᵀ H v by jvp twice
    const [, second] = ag.jvp((z: Tensor) => ag.jvp(g, [z], [v])[1] as Tensor, [x], [v]);
    close((second as Tensor).item(), d2[0] * 1 + d2[1] * 4);
  });
});

nesting('the third derivative: grad of a hessian, and a jacobian of a jacobian', () => {
  ag.tidy(() => {
    const s = (x: Tensor) => ag.sum(ag.exp(ag.mul(x, 2))); // Σ e^{2x}: d³ = 8 e^{2x}
    const x = t64([0.1, -0.2]);
    const third = ag.grad((z: Tensor) => ag.trace(ag.hessian(s)(z)))(x);
    close(third.toArray(), [0.1, -0.2].map((e) => 8 * Math.exp(2 * e)));
    const jj = ag.jacobian(ag.jacobian((z: Tensor) => ag.exp(ag.mul(z, 2))))(x);
    assert.equal(jj.shape, [2, 2, 2]);
    close((jj.toArray() as number[][][])[0][0][0], 4 * Math.exp(0.2));
    close((jj.toArray() as number[][][])[1][1][1], 4 * Math.exp(-0.4));
    close((jj.toArray() as number[][][])[0][1][1], 0);
  });
});

nesting('perturbation confusion: d/dx [x · d/dy (x + y)] = 1, with vjp and jvp inside', () => {
  ag.tidy(() => {
    const inner = (x: Tensor) => ag.jvp((y: Tensor) => ag.add(x, y), [x], [t64([1])])[1] as Tensor;
    close(ag.grad((x: Tensor) => ag.sum(ag.mul(x, inner(x))))(t64([5])).toArray(), [1]);
    const viaVjp = (x: Tensor) => {
      const [, pb] = ag.vjp((y: Tensor) => ag.add(x, y), x);
      return pb(t64([1])) as Tensor;
    };
    close(ag.grad((x: Tensor) => ag.sum(ag.mul(x, viaVjp(x))))(t64([5])).toArray(), [1]);
  });
});

nesting('a pullback differentiated with respect to the primal (vjp inside grad)', () => {
  ag.tidy(() => {
    // ∂/∂x ⟨pullback(u), w⟩ for f = x³: pullback(u) = 3x² u, so the gradient is 6 x u w
    const u = t64([1, 2]);
    const w = t64([3, -1]);
    const g = ag.grad((x: Tensor) => {
      const [, pb] = ag.vjp((z: Tensor) => ag.mul(ag.mul(z, z), z), x);
      return ag.sum(ag.mul(pb(u) as Tensor, w));
    })(t64([0.5, 2]));
    close(g.toArray(), [6 * 0.5 * 1 * 3, 6 * 2 * 2 * -1]);
  });
});

nesting.run();

// ---------------------------------------------------------------- ownership
const owning = suite('transforms: ownership and failed calls');

owning('every transform inside a tidy leaves nothing; outside, only its results (and a pullback\'s recording until disposed)', () => {
  const start = snapshot();
  const x = t64([0.5, 2]);
  const v = t64([1, 1]);
  const made = snapshot();
  ag.tidy(() => {
    ag.jvp(f, [x], [v]);
    ag.jacobian(f)(x);
    ag.jacfwd(f)(x);
    ag.hessian((z: Tensor) => ag.sum(f(z)))(x);
    ag.hvp((z: Tensor) => ag.sum(f(z)))(x, x);
    const [, pb] = ag.vjp(f, x);
    pb(v);
    const [, push] = ag.linearize(f, x);
    push(v);
  });
  assert.equal(snapshot(), made, 'a tidy frees everything the transforms made');
  const [y, jv] = ag.jvp(f, [x], [v]);
  const j = ag.jacobian(f)(x);
  const h = ag.hessian((z: Tensor) => ag.sum(f(z)))(x);
  assert.equal(snapshot().liveTapes, start.liveTapes, 'no tape survives jvp, jacobian and hessian');
  assert.is(snapshot().liveTensors, made.liveTensors + 4, 'only their results');
  const [y2, pb] = ag.vjp(f, x);
  assert.is(ag.memory().liveTapes, start.liveTapes + 1, 'the pullback keeps its recording');
  const g = pb(v) as Tensor;
  pb.dispose();
  assert.is(ag.memory().liveTapes, start.liveTapes);
  assert.throws(() => pb(v), (e: unknown) => e instanceof ag.DisposedError && /vjp: the recording was disposed/.test((e as Error).message));
  for (const t of [y, jv, j, h, y2, g, x, v]) t.dispose();
  assert.equal(snapshot(), start);
});

owning('results outlive the recordings; the user may dispose vjp\'s result before pulling back', () => {
  ag.tidy(() => {
    const x = t64([0.5, 2]);
    const [y, pb] = ag.vjp(f, x);
    y.dispose();
    close((pb(t64([1, 0])) as Tensor).toArray(), J(0.5, 2)[0]);
  });
});

owning('a pullback used after the tidy that made it (neither returned nor kept) is an error, not a read of freed memory', () => {
  const x = t64([1, 2]);
  let pb!: (u: Tensor) => Tensor;
  ag.tidy(() => {
    pb = ag.vjp((z: Tensor) => ag.mul(z, z), x)[1];
  });
  assert.throws(() => pb(t64([1, 1])), /vjp: the recording was disposed/);
  // returned from the tidy, it lives on (test/findings.test.ts has keep)
  const returned = ag.tidy(() => ag.vjp((z: Tensor) => ag.mul(z, z), x)[1]);
  assert.equal(returned(t64([1, 1])).toArray(), [2, 4]);
  returned.dispose();
  x.dispose();
});

/** Fails `call` at each of its allocations in turn: memory must be unchanged after each failure. */
function sweep(what: string, call: () => unknown): void {
  const before0 = allocationCount();
  ag.tidy(() => {
    call();
  });
  const n = allocationCount() - before0;
  assert.ok(n > 0, `${what} allocates`);
  for (let k = 1; k <= n; k++) {
    const start = snapshot();
    failAllocationAfter(k);
    let threw: unknown = null;
    try {
      const r = call();
      ag.tidy(() => r); // a result that survived (it cannot: one allocation failed) would be freed here
    } catch (error) {
      threw = error;
    } finally {
      failAllocationAfter(0);
    }
    assert.ok(threw instanceof ag.OutOfMemoryError, `${what}: failing allocation ${k} of ${n} gave ${String(threw)}`);
    assert.equal(snapshot(), start, `${what}: failing allocation ${k} of ${n} left memory behind`);
  }
}

owning('a failure at any allocation leaves nothing: jvp, vjp and its pullback, jacrev, jacfwd, hessian, hvp, linearize', () => {
  const x = t64([0.5, 2]);
  const v = t64([1, -1]);
  const s = (z: Tensor) => ag.sum(ag.mul(f(z), z));
  sweep('jvp', () => ag.jvp(f, [x], [v]));
  sweep('vjp', () => ag.vjp(f, x)[1].dispose());
  const [y, pb] = ag.vjp(f, x);
  sweep('pullback', () => pb(v));
  pb.dispose();
  y.dispose();
  sweep('jacrev', () => ag.jacrev(f)(x));
  sweep('jacfwd', () => ag.jacfwd(f)(x));
  sweep('hessian', () => ag.hessian(s)(x));
  sweep('hvp', () => ag.hvp(s)(x, v));
  sweep('linearize', () => {
    const [r, push] = ag.linearize(f, x);
    push.dispose();
    return r;
  });
  const [r, push] = ag.linearize(f, x);
  sweep('linearize\'s jvp', () => push(v));
  push.dispose();
  r.dispose();
  x.dispose();
  v.dispose();
});

owning.run();

// ---------------------------------------------------------------- errors
const errors = suite('transforms: errors name the transform and what was wrong');

errors('bad functions, arguments, tangents and cotangents', () => {
  const start = snapshot();
  const x = t64([1, 2]);
  const three = t64([1, 2, 3]);
  const float32 = ag.tensor([1, 2]);
  assert.throws(() => ag.jacobian(3 as never), /jacobian: expected a function, got/);
  assert.throws(() => ag.hessian((z: Tensor) => ag.sum(z), -1 as never), /hessian: argnum must be a non-negative integer/);
  assert.throws(() => ag.jacrev(f, 2 as never)(x), /jacrev: argnum 2 is out of range/);
  assert.throws(() => ag.jvp(f, x as never, [x]), /jvp: primals must be an array/);
  assert.throws(() => ag.jvp(f, [x], [] as never), /jvp: tangents must be an array with one tangent per primal/);
  assert.throws(() => ag.jvp(f, [x], [three]), /jvp: tangents \(leaf 1\) has shape \[3\], expected \[2\]/);
  assert.throws(() => ag.jvp(f, [x], [float32]), /jvp: tangents \(leaf 1\) is float32, expected float64/);
  assert.throws(() => ag.jvp(f, [x], [{ a: x } as never]), /jvp: tangents must have the structure of the primals/);
  assert.throws(() => ag.jvp(f, ['a' as never], ['b' as never]), /jvp: the inputs\[0\] is string "a"; expected a number, a Tensor/);
  const ids = ag.tensor([1, 2], { dtype: 'int32' });
  assert.throws(() => ag.jacobian((z: Tensor) => ag.mul(z, 2))(ids), (e: unknown) => e instanceof ag.DTypeError && /jacobian: cannot differentiate with respect to an int32 tensor/.test((e as Error).message));
  ids.dispose();
  assert.throws(() => ag.vjp(() => Promise.resolve(1) as never), /vjp: the function returned a Promise/);
  const [y, pb] = ag.vjp(f, x);
  assert.throws(() => pb(three as never), /vjp: dy \(leaf 1\) has shape \[3\], expected \[2\]/);
  assert.throws(() => pb([x, x] as never), /vjp: dy must have the structure of the function's result/);
  assert.throws(() => (ag.hvp((z: Tensor) => ag.sum(z)) as (...a: unknown[]) => unknown)(x), /hvp: expected the function's arguments and then the direction v/);
  assert.throws(() => ag.hvp((z: Tensor) => ag.sum(z))(x, [x] as never), /hvp: v must have the structure of argument 0/);
  assert.throws(() => ag.jacobian((z: Tensor) => ag.mul(z, 'q' as never))(x), /mul: b must be a Tensor/);
  pb.dispose();
  for (const t of [y, x, three, float32]) t.dispose();
  assert.equal(snapshot(), start, 'failed calls leave nothing');
});

errors.run();
