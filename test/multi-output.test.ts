// Ops with several results (multiPrimitive, and the multiOp declarations of
// src/ops/factor.ts): values, gradients to second order with the gradients
// of unused results passed as null, nesting, the ownership rules for each
// result, failed calls, profiling, the tape display and anomaly mode.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import type { Tensor } from '../src/index';
import { failAllocationAfter, allocationCount } from '../src/runtime/storage';

const f64 = { dtype: 'float64' as const };

function snapshot() {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, liveTapes: m.liveTapes, bytesInUse: m.bytesInUse };
}

function closeArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  assert.is(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

// sin(x) and x³ in one call; the rule sees which results were used.
const seen: string[] = [];
const sinCube = ag.multiPrimitive(
  'sinCube',
  (x: Tensor) => [ag.sin(x), ag.mul(ag.mul(x, x), x)],
  ([ds, dc], _ys, x: Tensor) => {
    seen.push(`${ds === null ? 'null' : 'sin'},${dc === null ? 'null' : 'cube'}`);
    let g: Tensor | number = 0;
    if (ds !== null) g = ag.add(g, ag.mul(ds, ag.cos(x)));
    if (dc !== null) g = ag.add(g, ag.mul(dc, ag.mul(ag.mul(x, x), 3)));
    return typeof g === 'number' ? null : g;
  },
);

// ---------------------------------------------------------------- values and gradients
const grads = suite('multiPrimitive: values and gradients');

grads('each result is the forward value; the rule gets the gradients of both', () => {
  const x = ag.tensor([0.5, -1, 2], f64);
  const [s, c] = sinCube(x);
  closeArrays(s.data(), [Math.sin(0.5), Math.sin(-1), Math.sin(2)]);
  closeArrays(c.data(), [0.125, -1, 8]);
  seen.length = 0;
  const g = ag.grad((t: Tensor) => {
    const [a, b] = sinCube(t);
    return ag.add(ag.sum(a), ag.sum(b));
  })(x);
  assert.equal(seen, ['sin,cube']);
  closeArrays(g.data(), [0.5, -1, 2].map((v) => Math.cos(v) + 3 * v * v));
});

grads('an unused result gives null to the rule, whichever it is', () => {
  const x = ag.tensor([0.3, 1.2], f64);
  seen.length = 0;
  const onlySin = ag.grad((t: Tensor) => ag.sum(sinCube(t)[0]))(x);
  const onlyCube = ag.grad((t: Tensor) => ag.sum(sinCube(t)[1]))(x);
  assert.equal(seen, ['sin,null', 'null,cube']);
  closeArrays(onlySin.data(), [Math.cos(0.3), Math.cos(1.2)]);
  closeArrays(onlyCube.data(), [3 * 0.09, 3 * 1.44]);
});

grads('the result of diff may be any of the results (the first one too)', () => {
  const p = ag.Param([0.7], f64);
  const t1 = ag.diff(() => ag.sum(sinCube(p)[0]));
  closeArrays(ag.grad(t1, p)!.data(), [Math.cos(0.7)]);
  const t2 = ag.diff(() => sinCube(p)[1]);
  closeArrays(ag.grad(t2, p)!.data(), [3 * 0.49]);
  t1.dispose();
  t2.dispose();
  p.dispose();
});

grads('grad(tape, y) of one result (an intermediate) and of the input, in either order', () => {
  const p = ag.Param([0.4, 0.9], f64);
  let s!: Tensor;
  let c!: Tensor;
  const tape = ag.diff(() => {
    [s, c] = sinCube(p);
    return ag.sum(ag.mul(s, c));
  });
  closeArrays(ag.grad(tape, s)!.data(), c.data()); // d/ds sum(s c) = c
  closeArrays(ag.grad(tape, c)!.data(), s.data());
  const expected = [0.4, 0.9].map((v) => Math.cos(v) * v ** 3 + Math.sin(v) * 3 * v * v);
  closeArrays(ag.grad(tape, p)!.data(), expected);
  tape.dispose();
  const tape2 = ag.diff(() => {
    [s, c] = sinCube(p);
    return ag.sum(ag.mul(s, c));
  });
  closeArrays(ag.grad(tape2, p)!.data(), expected);
  closeArrays(ag.grad(tape2, c)!.data(), s.data());
  tape2.dispose();
  p.dispose();
});

grads('second and third order: the rules are differentiable, with null gradients inside', () => {
  // f(x) = sin(x) x³ summed: f' = cos x³ + 3 sin x², f'' = -sin x³ + 6 cos x² + 6 sin x
  const f = (t: Tensor | number) => {
    const [a, b] = sinCube(t as Tensor);
    return ag.sum(ag.mul(a, b));
  };
  const x = 0.8;
  const d2 = ag.grad(ag.grad(f))(ag.tensor([x], f64)) as Tensor;
  closeArrays(d2.data(), [-Math.sin(x) * x ** 3 + 6 * Math.cos(x) * x * x + 6 * Math.sin(x) * x]);
  assert.ok(ag.gradcheck(f, ag.tensor([0.8, -0.3], f64), { order: 2 }));
  // only one result used, at second order: the null must reach the nested rule too
  assert.ok(ag.gradcheck((t: Tensor) => ag.sum(ag.abs2, sinCube(t)[1]), ag.tensor([0.8, -0.3], f64), { order: 2 }));
  const third = ag.grad(ag.grad(ag.grad((t: Tensor | number) => ag.sum(sinCube(t as Tensor)[0]))))(ag.tensor([x], f64)) as Tensor;
  closeArrays(third.data(), [-Math.cos(x)]);
});

grads('nested differentiation is immune to perturbation confusion', () => {
  // d/dx [x * d/dy (sin(y) + y³)|_{y=x}]... with the inner function of x + y
  const inner = (x: Tensor) => (y: Tensor) => {
    const [a] = sinCube(ag.add(x, y));
    return ag.sum(a);
  };
  const outer = (x: Tensor) => ag.sum(ag.mul(x, ag.grad(inner(x))(ag.mul(x, 0)) as Tensor));
  // = x cos(x); derivative cos(x) - x sin(x)
  const g = ag.grad(outer)(ag.tensor([0.6], f64));
  closeArrays(g.data(), [Math.cos(0.6) - 0.6 * Math.sin(0.6)]);
});

grads('object results: the rules get objects with the same keys', () => {
  const split = ag.multiPrimitive(
    'splitHalves',
    (x: Tensor) => ({ low: ag.slice(x, [0, 2]), high: ag.slice(x, [2, 4]) }),
    (dys, ys, x: Tensor) => {
      assert.equal(Object.keys(dys), ['low', 'high']);
      assert.equal(ys.low.shape, [2]);
      return ag.concat([dys.low ?? ag.zeros([2], f64), dys.high ?? ag.zeros([2], f64)], 0);
    },
  );
  const x = ag.tensor([1, 2, 3, 4], f64);
  const { low, high } = split(x);
  assert.equal(low.toArray(), [1, 2]);
  assert.equal(high.toArray(), [3, 4]);
  const g = ag.grad((t: Tensor) => ag.sum(ag.mul(split(t).high, ag.tensor([5, 6], f64))))(x);
  assert.equal(g.toArray(), [0, 0, 5, 6]);
});

grads('an argument or one tensor returned twice becomes distinct handles', () => {
  const twice = ag.multiPrimitive('twice', (x: Tensor) => [x, x], ([a, b]) => ag.add(a ?? 0, b ?? 0));
  const x = ag.tensor([1, 2], f64);
  const [a, b] = twice(x);
  assert.ok(a !== x && b !== x && a !== b);
  const g = ag.grad((t: Tensor) => {
    const [u, v] = twice(t);
    return ag.sum(ag.mul(u, ag.mul(v, 3)));
  })(x);
  assert.equal(g.toArray(), [6, 12]); // d/dt 3 t² = 6 t
  a.dispose();
  assert.equal(x.toArray(), [1, 2], 'the argument outlives its aliases');
  b.dispose();
  x.dispose();
});

grads.run();

// ---------------------------------------------------------------- ownership
const owning = suite('multiPrimitive: each result is owned like any result');

owning('outside every scope both results are the user\'s, and nothing else survives the call', () => {
  const start = snapshot();
  const x = ag.tensor([1, 2], f64);
  const [a, b] = sinCube(x);
  assert.is(ag.memory().liveTensors, start.liveTensors + 3);
  a.dispose();
  b.dispose();
  x.dispose();
  assert.equal(snapshot(), start);
});

owning('tidy returning one result of a pair frees the other', () => {
  const start = snapshot();
  const x = ag.tensor([1, 2], f64);
  let other!: Tensor;
  const c = ag.tidy(() => {
    const [s, cube] = sinCube(x);
    other = s;
    return cube;
  });
  assert.ok(other.isDisposed, 'the result not returned was freed');
  assert.equal(c.toArray(), [1, 8]);
  c.dispose();
  x.dispose();
  assert.equal(snapshot(), start);
});

owning('inside diff: keep one result, dispose the other before the backward pass; gradients still right', () => {
  const start = snapshot();
  const p = ag.Param([0.5, 1.5], f64);
  let kept!: Tensor;
  const tape = ag.diff(() => {
    const [s, c] = sinCube(p);
    kept = ag.keep(c);
    const loss = ag.sum(ag.mul(s, c));
    s.dispose(); // the tape holds its memory
    return loss;
  });
  const expected = [0.5, 1.5].map((v) => Math.cos(v) * v ** 3 + Math.sin(v) * 3 * v * v);
  closeArrays(ag.grad(tape, p)!.data(), expected);
  tape.dispose();
  assert.equal(kept.toArray(), [0.125, 3.375], 'the kept result outlives the tape');
  kept.dispose();
  p.dispose();
  assert.equal(snapshot(), start);
});

owning('a tidy inside diff returning one result: the other stays readable by the backward pass', () => {
  const start = snapshot();
  const p = ag.Param([0.2, 0.7], f64);
  const tape = ag.diff(() => {
    const c = ag.tidy(() => {
      const [s, cube] = sinCube(p);
      return ag.mul(cube, s);
    });
    return ag.sum(c);
  });
  const expected = [0.2, 0.7].map((v) => Math.cos(v) * v ** 3 + Math.sin(v) * 3 * v * v);
  closeArrays(ag.grad(tape, p)!.data(), expected);
  tape.dispose();
  p.dispose();
  assert.equal(snapshot(), start);
});

owning('writing a result in place after it was recorded is refused, naming the op', () => {
  const p = ag.Param([0.5], f64);
  const tape = ag.diff(() => {
    const [s, c] = sinCube(p);
    ag.axpy(1, ag.ones([1], f64), ag.value(c) as Tensor); // c is not used after, but the rule may read it
    return ag.sum(s);
  });
  assert.throws(() => ag.grad(tape, p), /sinCube \(tape position \d\): its result.*modified in place/);
  tape.dispose();
  p.dispose();
});

owning('a failed call at any allocation leaves nothing, outside a scope and under diff', () => {
  const x = ag.tensor([0.5, 1, 2], f64);
  const count = (() => {
    const before = allocationCount();
    ag.tidy(() => sinCube(x));
    return allocationCount() - before;
  })();
  assert.ok(count >= 2);
  for (let k = 1; k <= count; k++) {
    const start = snapshot();
    failAllocationAfter(k);
    try {
      assert.throws(() => sinCube(x), (e: unknown) => e instanceof ag.OutOfMemoryError);
    } finally {
      failAllocationAfter(0);
    }
    assert.equal(snapshot(), start, `failing allocation ${k} of ${count} left memory behind`);
  }
  const p = ag.Param(x);
  for (let k = 1; k <= count; k++) {
    const tape = ag.diff(() => {
      const nodes = tape0Nodes();
      const start = snapshot();
      failAllocationAfter(k);
      try {
        assert.throws(() => sinCube(p));
      } finally {
        failAllocationAfter(0);
      }
      assert.equal(snapshot(), start, `under diff, failing allocation ${k} left memory behind`);
      assert.is(tape0Nodes(), nodes, 'no node of the failed call stays on the tape');
      return 0;
    });
    tape.dispose();
  }
  p.dispose();
  x.dispose();
});

import { activeTapes } from '../src/core/tape';
const tape0Nodes = () => activeTapes[activeTapes.length - 1].nodes.length;

owning('a forward function that throws after making one result leaves nothing', () => {
  const start = snapshot();
  const bad = ag.multiPrimitive('halfMade', (x: Tensor) => {
    ag.mul(x, 2);
    throw new Error('second result failed');
  });
  const x = ag.tensor([1]);
  assert.throws(() => bad(x), /second result failed/);
  assert.throws(() => ag.tidy(() => bad(x)), /second result failed/);
  x.dispose();
  assert.equal(snapshot(), start);
});

owning('a backward pass failing at any allocation leaves the tape usable', () => {
  const p = ag.Param([0.3, 0.6], f64);
  const f = () => {
    const [s, c] = sinCube(p);
    return ag.sum(ag.mul(s, c));
  };
  const ref = ag.diff(f);
  const expected = ag.grad(ref, p)!.toArray();
  ref.dispose();
  const probe = ag.diff(f);
  const before = allocationCount();
  ag.grad(probe, p);
  const n = allocationCount() - before;
  probe.dispose();
  for (let k = 1; k <= n; k++) {
    const tape = ag.diff(f);
    const start = snapshot();
    failAllocationAfter(k);
    try {
      assert.throws(() => ag.grad(tape, p));
    } finally {
      failAllocationAfter(0);
    }
    assert.equal(snapshot(), start, `backward failing at allocation ${k} of ${n} left memory behind`);
    assert.equal(ag.grad(tape, p)!.toArray(), expected);
    tape.dispose();
  }
  p.dispose();
});

owning.run();

// ---------------------------------------------------------------- debugging aids
const debugging = suite('multiPrimitive: profiling, tape display, anomaly mode, errors');

debugging('the tape display numbers each result and says which it is', () => {
  const p = ag.Param([0.5, 1], f64);
  const tape = ag.diff(() => {
    const [s, c] = sinCube(p);
    return ag.sum(ag.mul(s, c));
  });
  ag.grad(tape, p);
  const text = tape.toString();
  assert.match(text, /2\. float64\[2\] = sinCube\(P\(float64\[2\]\)\)\[0\]/);
  assert.match(text, /3\. float64\[2\] = sinCube\(P\(float64\[2\]\)\)\[1\]/);
  assert.match(text, /1\. P\(float64\[2\]\) ∇=float64\[2\]/);
  tape.dispose();
  p.dispose();
});

debugging('profiling counts one forward call and one backward call per argument', () => {
  const x = ag.tensor([0.5, 1], f64);
  const { report } = ag.profile(() => ag.grad((t: Tensor) => {
    const [s, c] = sinCube(t);
    return ag.sum(ag.mul(s, c));
  })(x));
  const row = (name: string) => report.rows.find((r) => r.name === name);
  assert.is(row('sinCube')?.calls, 1);
  assert.is(row('sinCube[1]')?.calls, 1);
});

debugging('anomaly mode names the result that is not finite, and the rule', () => {
  // The second result is made without an op (as a kernel would), so that
  // the check of the call's own results is the one that fires.
  const logs = ag.multiPrimitive('logs', (x: Tensor) => [ag.exp(x), ag.tensor(x.data().map(Math.log), f64)], ([de, dl], ys, x: Tensor) =>
    ag.add(de === null ? 0 : ag.mul(de, ys[0]), dl === null ? 0 : ag.div(dl, ag.mul(x, 0))));
  ag.setDebug({ checkFinite: true });
  try {
    assert.throws(() => ag.tidy(() => logs(ag.tensor([-1], f64))), /logs \(result 2 of 2\).*non-finite/);
    assert.throws(
      () => ag.grad((t: Tensor) => ag.sum(logs(t)[1]))(ag.tensor([2], f64)),
      (e: unknown) => e instanceof ag.NonFiniteError && /gradient of logs for argument 1/.test((e as Error).message),
    );
  } finally {
    ag.setDebug({ checkFinite: false });
  }
});

debugging('errors: bad forward results, bad rules, a changing structure, bad declarations', () => {
  const notArray = ag.multiPrimitive('notArray', (x: Tensor) => x as unknown as Tensor[]);
  assert.throws(() => notArray(ag.tensor([1])), /notArray: forward function returned .*expected an array or a plain object/);
  const empty = ag.multiPrimitive('emptyResults', (_x: Tensor) => [] as Tensor[]);
  assert.throws(() => empty(ag.tensor([1])), /emptyResults: forward function returned .*non-empty array/);
  const wrongShape = ag.multiPrimitive('wrongShape', (x: Tensor) => [ag.mul(x, 1), ag.mul(x, 2)], () => ag.ones([3]));
  assert.throws(
    () => ag.grad((t: Tensor) => ag.sum(wrongShape(t)[0]))(ag.tensor([1, 2])),
    /wrongShape: gradient rule for argument 1 returned shape \[3\], expected the argument's shape \[2\]/,
  );
  let asObject = false;
  const flip = ag.multiPrimitive('flipFlop', (x: Tensor) => (asObject ? { a: x } : [x]) as Tensor[]);
  flip(ag.tensor([1]));
  asObject = true;
  assert.throws(() => flip(ag.tensor([1])), /flipFlop: .*same structure/);
  assert.throws(() => ag.multiPrimitive('', (x: Tensor) => [x]), /multiPrimitive: name must be a non-empty string/);
  assert.throws(() => ag.multiPrimitive('r', (x: Tensor) => [x], 3 as never), /multiPrimitive r: gradient rule 1 must be a function or null/);
});

debugging.run();
