import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { opSuite } from './harness';
import { cases } from './indexing.table';

opSuite('indexing', cases);

const f64 = { dtype: 'float64' as const };

// The harness (opSuite) also checks each op to second order through
// sum(w * f(x)^2), so the rules of the gradient ops are differentiated too.

/** The gradient of `f` at `x` as nested arrays. */
function gradAt(f: (x: ag.Tensor) => ag.Tensor, x: ag.NestedArray): ag.NestedArray {
  return ag.tidy(() => ag.grad(f)(ag.tensor(x, f64)).toArray());
}

test('gather: repeated indices accumulate in the gradient (AutoGrad.jl issue #127)', () => {
  // gather([a, b, c], [0, 0, 2]) then sum: a counts twice, b never, c once.
  assert.equal(gradAt((x) => ag.sum(ag.gather(x, [0, 0, 2])), [1, 2, 3]), [2, 0, 1]);
  // The same through diff with a Param, and in float32.
  const p = ag.Param([1, 2, 3]);
  const tape = ag.diff(() => ag.sum(ag.gather(p, [0, 0, 2])));
  assert.equal(ag.grad(tape, p)!.toArray(), [2, 0, 1]);
  tape.dispose();
  p.dispose();
  // Along axis 1, nested repeated indices, weighted: each pick adds its own weight.
  const w = [[[1, 10], [100, 1000]], [[2, 20], [200, 2000]]];
  const g = gradAt((x) => ag.sum(ag.mul(ag.gather(x, [[1, 1], [-1, 0]], 1), ag.tensor(w, f64))), [[0, 0, 0], [0, 0, 0]]);
  assert.equal(g, [[1000, 11, 100], [2000, 22, 200]]);
  // An element picked many times, as when building a new array from indexed elements.
  assert.equal(gradAt((x) => ag.sum(ag.gather(x, new Array(1000).fill(1))), [5, 6]), [0, 1000]);
});

test('gather: second derivatives with repeated indices (Hessian of sum(gather(x, i)^2) is 2 diag(counts))', () => {
  const f = (x: ag.Tensor) => ag.sum(ag.abs2(ag.gather(x, [0, 0, 2, 0])));
  const v = [1, 10, 100];
  const hv = gradAt((x) => ag.sum(ag.mul(ag.grad(f)(x), ag.tensor(v, f64))), [0.5, -1, 2]);
  assert.equal(hv, [2 * 3 * 1, 0, 2 * 1 * 100]);
  // And the gradient itself: 2 * counts * x.
  assert.equal(gradAt(f, [0.5, -1, 2]), [3, 0, 4]);
});

test('slice and unstack: gradients scatter into zeros (known numbers, negative steps)', () => {
  assert.equal(gradAt((x) => ag.sum(ag.slice(x, [null, null, -2])), [1, 2, 3, 4, 5]), [1, 0, 1, 0, 1]);
  assert.equal(
    gradAt((x) => ag.sum(ag.mul(ag.slice(x, -1, [2, 0, -1]), ag.tensor([10, 20], f64))), [[0, 0, 0], [0, 0, 0]]),
    [[0, 0, 0], [0, 20, 10]],
  );
  // Iterating over a tensor: every row used twice accumulates.
  const g = gradAt((x) => {
    const rows = ag.unstack(x);
    return ag.sum(ag.add(ag.add(rows[0], rows[1]), rows[0]));
  }, [[1, 2], [3, 4], [5, 6]]);
  assert.equal(g, [[2, 2], [1, 1], [0, 0]]);
  // An empty slice has a zero gradient.
  assert.equal(gradAt((x) => ag.add(ag.sum(ag.slice(x, [3, 1])), ag.sum(x)), [1, 2, 3, 4]), [1, 1, 1, 1]);
});

test('concat and stack: each input gets its block of dy, the same input twice gets both', () => {
  const w = ag.tensor([1, 2, 3, 4, 5], f64);
  const g = gradAt((x) => ag.sum(ag.mul(ag.concat([x, ag.tensor([0], f64), x]), w)), [0, 0]);
  assert.equal(g, [1 + 4, 2 + 5]);
  const g2 = gradAt((x) => ag.sum(ag.mul(ag.stack([x, x], 1), ag.tensor([[1, 2], [3, 4]], f64))), [0, 0]);
  assert.equal(g2, [3, 7]);
  w.dispose();
  // Different arities are different primitives; both work in one tape.
  const h = gradAt((x) => ag.add(ag.sum(ag.concat([x])), ag.sum(ag.concat([x, x, x]))), [1]);
  assert.equal(h, [4]);
});

test('pad: the gradient is the interior of dy; the pad value gets none', () => {
  const g = gradAt((x) => ag.sum(ag.mul(ag.pad(x, [[1, 0], [0, 2]], 7), ag.tensor([[1, 2, 3, 4], [5, 6, 7, 8]], f64))), [[0, 0]]);
  assert.equal(g, [[5, 6]]);
});

test('split and unstack return tensors tracked separately on the tape', () => {
  const x = ag.Param(ag.tensor([[1, 2], [3, 4], [5, 6]], f64));
  const tape = ag.diff(() => {
    const [a, b] = ag.split(x, [1, 2]);
    return ag.add(ag.sum(ag.mul(a, 3)), ag.sum(ag.abs2(b)));
  });
  assert.equal(ag.grad(tape, x)!.toArray(), [[3, 3], [6, 8], [10, 12]]);
  assert.is(tape.nodes.filter((n) => n.op?.name === 'slice').length, 2);
  tape.dispose();
  x.dispose();
});

test('float32 in, float32 out, float32 gradients', () => {
  ag.tidy(() => {
    const x = ag.tensor([1, 2, 3]);
    for (const y of [ag.slice(x, [1, null]), ag.gather(x, [2]), ag.flip(x), ag.pad(x, 1), ag.concat([x, x]), ag.stack([x]), ag.split(x, 3)[0], ag.unstack(x)[0]]) {
      assert.is(y.dtype, 'float32');
    }
    const g = ag.grad((t: ag.Tensor) => ag.sum(ag.gather(t, [1, 1])))(x);
    assert.is(g.dtype, 'float32');
    assert.equal(g.toArray(), [0, 2, 0]);
  });
});

test('memory: ops, their gradients and second derivatives leave nothing behind', () => {
  const before = ag.memory();
  ag.tidy(() => {
    const x = ag.tensor([[1, 2, 3], [4, 5, 6]], f64);
    const f = (t: ag.Tensor) => ag.sum(ag.abs2(ag.concat([ag.slice(t, null, [null, null, -1]), ag.gather(t, [0, 0], 1), ag.pad(t, [[0, 0], [1, 2]])], 1)));
    ag.grad(f)(x);
    ag.grad((t: ag.Tensor) => ag.sum(ag.grad(f)(t)))(x);
    ag.split(x, 3, 1);
    ag.unstack(x);
    ag.stack([x, x]);
  });
  const after = ag.memory();
  assert.is(after.liveTensors, before.liveTensors);
  assert.is(after.bytesInUse, before.bytesInUse);
  assert.is(after.buffers, before.buffers);
});

function throws(fn: () => unknown, kind: new (...a: never[]) => Error, pattern: RegExp): void {
  const before = ag.memory();
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
  assert.match((error as Error).message, pattern);
  const after = ag.memory();
  assert.is(after.liveTensors, before.liveTensors, 'a failed call leaves no tensor behind');
  assert.is(after.bytesInUse, before.bytesInUse, 'a failed call leaves no memory behind');
}

test('errors name the op, the axis, the bounds and what was expected', () => {
  const x = ag.zeros([2, 3]);
  const y = ag.zeros([2, 3], f64);
  const scalar = ag.tensor(1);
  const halves = ag.tensor([1.5]);
  const five = ag.zeros([5]);
  const other = ag.zeros([3, 2]);
  throws(() => ag.slice(x, null, 3), ag.ArgumentError, /slice: index 3 is out of bounds for axis 1 of size 3 in shape \[2, 3\] \(valid: -3\.\.2\)/);
  throws(() => ag.slice(x, -3), ag.ArgumentError, /slice: index -3 is out of bounds for axis 0 of size 2 .*\(valid: -2\.\.1\)/);
  throws(() => ag.slice(x, [0, 2, 0]), ag.ArgumentError, /slice: step for axis 0 must not be 0/);
  throws(() => ag.slice(x, [0.5, 2]), ag.ArgumentError, /slice: the start for axis 0 must be an integer or null/);
  throws(() => ag.slice(x, 0, 0, 0), ag.ArgumentError, /slice: 3 index specs given for a tensor of shape \[2, 3\]/);
  throws(() => ag.slice(x, [1] as never), ag.ArgumentError, /slice: spec for axis 0 must be/);
  throws(() => ag.gather(x, [0, 2]), ag.ArgumentError, /gather: index 2 is out of bounds for axis 0 of size 2 in shape \[2, 3\] \(valid: -2\.\.1\)/);
  throws(() => ag.gather(x, [[0], [-4]], 1), ag.ArgumentError, /gather: index -4 is out of bounds for axis 1 of size 3/);
  throws(() => ag.gather(x, [0.5]), ag.ArgumentError, /gather: indices must be integers/);
  throws(() => ag.gather(x, halves), ag.ArgumentError, /gather: indices must be integers/);
  throws(() => ag.gather(x, [[0], [1, 0]]), ag.ArgumentError, /gather: ragged indices/);
  throws(() => ag.gather(x, [0], 2), ag.ArgumentError, /gather: axis 2 is out of range/);
  throws(() => ag.gather(scalar, [0]), ag.ShapeError, /gather: x is 0-d/);
  throws(() => ag.split(five, 2), ag.ShapeError, /split: axis 0 of shape \[5\] has size 5, which does not divide into 2 equal parts/);
  throws(() => ag.split(x, [1, 1], 1), ag.ShapeError, /split: sizes \[1, 1\] add up to 2, but axis 1 of shape \[2, 3\] has size 3/);
  throws(() => ag.split(x, 0), ag.ArgumentError, /split: the number of parts must be a positive integer/);
  throws(() => ag.split(x, [-1, 3]), ag.ArgumentError, /split: sizes must be non-negative integers/);
  throws(() => ag.concat([]), ag.ArgumentError, /concat: expected at least one tensor/);
  throws(() => ag.concat([x, other]), ag.ShapeError, /concat: xs\[1\] has shape \[3, 2\], which does not match xs\[0\]'s \[2, 3\] but along axis 0/);
  throws(() => ag.concat([x, y]), ag.DTypeError, /concat: xs\[0\] is float32 but xs\[1\] is float64/);
  throws(() => ag.concat([scalar]), ag.ShapeError, /concat: cannot concatenate 0-d tensors/);
  throws(() => ag.concat([x, 1 as never]), ag.ArgumentError, /concat: xs\[1\] must be a Tensor/);
  throws(() => ag.stack([x, other]), ag.ShapeError, /stack: xs\[1\] has shape \[3, 2\] but xs\[0\] has \[2, 3\]/);
  throws(() => ag.stack([x, x], 3), ag.ArgumentError, /stack: axis 3 is out of range for a tensor of rank 3/);
  throws(() => ag.pad(x, [[1, 1]]), ag.ArgumentError, /pad: widths has 1 \[before, after\] pairs for a tensor of shape \[2, 3\]/);
  throws(() => ag.pad(x, [-1, 1]), ag.ArgumentError, /pad: widths must be a non-negative integer, one \[before, after\] pair/);
  throws(() => ag.flip(x, [1, -1]), ag.ArgumentError, /flip: axis -1 is repeated/);
  throws(() => ag.unstack(scalar), ag.ShapeError, /unstack: x is 0-d/);
  for (const t of [x, y, scalar, halves, five, other]) t.dispose();
});


// ---- randomized checks of the kernels against plain JavaScript ----

/** A small deterministic generator (the test must not depend on ag.seed). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

type Nested = ag.NestedArray;

/** Python's a[start:stop:step] on a JS array, for step > 0 (JS slice clamps like Python), or a[::step] for step < 0. */
function pySlice<V>(a: V[], start: number | null, stop: number | null, step: number): V[] {
  const base = step > 0 ? a.slice(start ?? 0, stop ?? a.length) : a.slice().reverse();
  return base.filter((_, i) => i % Math.abs(step) === 0);
}

function refSlice(x: Nested, specs: (number | [number | null, number | null, number] | null)[], axis = 0): Nested {
  if (!Array.isArray(x)) return x;
  const spec = specs[axis];
  const recurse = (v: Nested) => refSlice(v, specs, axis + 1);
  if (spec === null || spec === undefined) return x.map(recurse);
  if (typeof spec === 'number') return recurse(x[spec < 0 ? spec + x.length : spec]);
  return pySlice(x, spec[0], spec[1], spec[2]).map(recurse);
}

function refGather(x: Nested, idx: number[], axis: number): Nested {
  const a = x as Nested[];
  if (axis > 0) return a.map((v) => refGather(v, idx, axis - 1));
  return idx.map((i) => a[i < 0 ? i + a.length : i]);
}

test('slice, flip, gather, scatter-add, pad and concat agree with plain JavaScript on random shapes (SIMD rows and tails)', () => {
  const r = rng(2024);
  for (const dtype of ['float32', 'float64'] as const) {
    for (let trial = 0; trial < 60; trial++) {
      ag.tidy(() => {
        const rank = 1 + r(4);
        const shape = Array.from({ length: rank }, () => r(7) + (trial % 3 === 0 ? 0 : 1));
        if (trial % 10 === 1) shape[rank - 1] = 17 + r(9);
        const size = shape.reduce((p, q) => p * q, 1);
        const x = ag.tensor(Float64Array.from({ length: size }, (_, i) => i - 3), { dtype, shape });
        const nested = x.toArray();
        // slice with random specs (negative steps with open ends)
        const specs = shape.map((n) => {
          const kind = r(4);
          if (kind === 0 && n > 0) return r(2 * n) - n;
          if (kind === 1) return null;
          const step = r(2) === 0 ? 1 + r(3) : -(1 + r(3));
          return step > 0 ? [r(n + 3) - 1, r(2) === 0 ? null : r(n + 2), step] as [number | null, number | null, number] : [null, null, step] as [null, null, number];
        });
        assert.equal(ag.slice(x, ...specs).toArray(), refSlice(nested, specs), `slice ${JSON.stringify(shape)} ${JSON.stringify(specs)}`);
        // flip of one axis is slice [::-1] there
        const ax = r(rank);
        const flipSpecs = shape.map((_, d) => (d === ax ? [null, null, -1] as [null, null, number] : null));
        assert.equal(ag.flip(x, ax).toArray(), refSlice(nested, flipSpecs), `flip ${JSON.stringify(shape)} axis ${ax}`);
        // gather, and its gradient: the count of each index, times the row weights
        const n = shape[ax];
        if (n > 0) {
          const idx = Array.from({ length: r(9) }, () => r(2 * n) - n);
          assert.equal(ag.gather(x, idx, ax).toArray(), refGather(nested, idx, ax), `gather ${JSON.stringify(shape)} axis ${ax}`);
          const g = ag.grad((t: ag.Tensor) => ag.sum(ag.mul(ag.gather(t, idx, ax), ag.gather(x, idx, ax))))(x);
          const counts = new Array<number>(n).fill(0);
          for (const i of idx) counts[i < 0 ? i + n : i]++;
          const countShape = shape.map((d, k) => (k === ax ? d : 1));
          const expected = ag.mul(x, ag.tensor(counts, { dtype, shape: countShape }));
          assert.equal(g.toArray(), expected.toArray(), `gather gradient ${JSON.stringify(shape)} axis ${ax} ${JSON.stringify(idx)}`);
        }
        // pad then slice back is the identity; concat then split too
        const widths = shape.map(() => [r(3), r(3)] as [number, number]);
        const padded = ag.pad(x, widths, 1.5);
        assert.equal(ag.slice(padded, ...widths.map(([b], d) => [b, b + shape[d]] as [number, number])).toArray(), nested);
        assert.is(ag.sum(padded).item(), ag.sum(x).item() + 1.5 * (padded.size - size));
        const y = ag.add(x, 100);
        const parts = ag.split(ag.concat([x, y, x], ax), [n, n, n], ax);
        assert.equal(parts.map((p) => p.toArray()), [nested, y.toArray(), nested]);
      });
    }
  }
});

test.run();
