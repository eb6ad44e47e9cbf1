// numpy indexing as a property: for random shapes and random mixes of
// integers, slices, new axes, ellipses, integer arrays and masks, `index`
// reads what the plain reference (test/reference/indexing.ts, checked
// against numpy) says, or both refuse; `indexPut` writes and adds there (the
// last write staying, repeats adding up); the gradient of `index` is numpy's
// `add.at` of dy. Then `assign_`, the in-place write, and what the version
// counters make of it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import { numpyIndex, type RefSpec } from './reference/indexing';
import { fc, prop, memoryGuard, show } from './reference/harness';

const guard = memoryGuard();
const f64 = { dtype: 'float64' as const };

interface Case {
  shape: number[];
  specs: RefSpec[];
}

/** One spec for an axis of size n: mostly valid, sometimes out of range. */
function specArb(n: number): fc.Arbitrary<RefSpec> {
  const i = fc.integer({ min: -n - 1, max: n });
  const bound = fc.option(fc.integer({ min: -n - 2, max: n + 2 }), { nil: undefined });
  const slice = fc.tuple(bound, bound, fc.option(fc.constantFrom(1, 2, 3, -1, -2), { nil: undefined })).map(
    ([a, b, c]) => `${a ?? ''}:${b ?? ''}${c === undefined ? '' : `:${c}`}`,
  );
  const array = fc.array(i, { maxLength: 4 });
  return fc.oneof(
    { weight: 3, arbitrary: i },
    { weight: 4, arbitrary: slice },
    { weight: 3, arbitrary: array },
    { weight: 1, arbitrary: array.map((a) => [a, a.map((v) => -v - 1)]) as fc.Arbitrary<RefSpec> },
    { weight: 1, arbitrary: fc.array(fc.boolean(), { minLength: n, maxLength: n }) },
  );
}

const caseArb: fc.Arbitrary<Case> = fc
  .array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.tuple(...shape.map((n) => specArb(n)), fc.integer({ min: 0, max: shape.length }), fc.boolean(), fc.integer({ min: 0, max: shape.length }), fc.boolean(), fc.integer({ min: 0, max: shape.length })).map((parts) => {
      const specs = parts.slice(0, shape.length) as RefSpec[];
      const [keep, ellipsis, at, newAxis, newAt] = parts.slice(shape.length) as [number, boolean, number, boolean, number];
      const used = specs.slice(0, keep);
      if (ellipsis) used.splice(Math.min(at, used.length), 0, '...');
      if (newAxis) used.splice(Math.min(newAt, used.length), 0, null);
      return { shape, specs: used };
    }),
  );

function reference(c: Case): { offsets: number[]; shape: number[] } | null {
  try {
    return numpyIndex(c.shape, c.specs);
  } catch {
    return null;
  }
}

const values = (shape: number[]) => ag.reshape(ag.arange(shape.reduce((a, b) => a * b, 1), undefined, 1, f64), shape);

const props = suite('property: numpy indexing against the reference');
guard.start(props);

prop(props, 'index reads what numpy reads, or both refuse', caseArb, (c) => {
  const x = values(c.shape);
  const ref = reference(c);
  const what = `index(${show(Array.from(x.data()), c.shape)}, ${JSON.stringify(c.specs)})`;
  if (ref === null) {
    assert.throws(() => ag.index(x, ...c.specs), (e: Error) => e instanceof ag.AutogradError && e.message.startsWith('index:'), `${what} should refuse`);
    return;
  }
  const y = ag.index(x, ...c.specs);
  assert.equal(y.shape, ref.shape, `${what}: shape`);
  assert.equal(Array.from(y.data()), ref.offsets, `${what}: values`);
}, { requires: ['index'] });

prop(props, 'indexPut writes (the last write staying) and adds (repeats adding up) where numpy does', caseArb, (c) => {
  const ref = reference(c);
  if (ref === null) return;
  const x = ag.zeros(c.shape, f64);
  const v = ag.add(ag.reshape(ag.arange(ref.offsets.length, undefined, 1, f64), ref.shape), 1);
  const set = new Float64Array(x.size);
  const add = new Float64Array(x.size);
  ref.offsets.forEach((o, i) => {
    set[o] = i + 1;
    add[o] += i + 1;
  });
  assert.equal(Array.from(ag.indexPut(x, c.specs, v).data()), Array.from(set), `indexPut ${JSON.stringify(c.specs)}`);
  assert.equal(Array.from(ag.indexPut(x, c.specs, v, { accumulate: true }).data()), Array.from(add), `indexPut accumulate ${JSON.stringify(c.specs)}`);
}, { requires: ['indexPut'] });

prop(props, "the gradient of index is numpy's add.at of dy", caseArb, (c) => {
  const ref = reference(c);
  if (ref === null) return;
  const p = ag.Param(values(c.shape));
  const w = ag.add(ag.reshape(ag.arange(ref.offsets.length, undefined, 1, f64), ref.shape), 1);
  const tape = ag.diff(() => ag.sum(ag.mul(ag.index(p, ...c.specs), w)));
  const expected = new Float64Array(p.size);
  ref.offsets.forEach((o, i) => {
    expected[o] += i + 1;
  });
  const g = ag.grad(tape, p);
  assert.equal(g === null ? Array.from(new Float64Array(p.size)) : Array.from(g.data()), Array.from(expected), `grad of index ${JSON.stringify(c.specs)}`);
  tape.dispose();
  p.dispose();
}, { requires: ['index'] });

guard.finish(props);
props.run();

// ---- assign_ ----

const inPlace = suite('assign_: the in-place write');

const held = () => {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, bytesInUse: m.bytesInUse, buffers: m.buffers };
};

inPlace('writes and adds in place, broadcasting and converting the values, and returns x', () => {
  const x = ag.zeros([2, 3]);
  assert.is(ag.assign_(x, [0], ag.tensor([1, 2, 3], f64)), x);
  assert.equal(x.toArray(), [[1, 2, 3], [0, 0, 0]]);
  ag.assign_(x, [':', [0, 0]], 10, { accumulate: true });
  assert.equal(x.toArray(), [[21, 2, 3], [20, 0, 0]]);
  ag.assign_(x, [ag.greater(x, 5)], -1);
  assert.equal(x.toArray(), [[-1, 2, 3], [-1, 0, 0]]);
  const mask = ag.zeros([4], { dtype: 'bool' });
  ag.assign_(mask, [[1, 3]], true);
  assert.equal(mask.toArray(), [0, 1, 0, 1]);
  const ids = ag.zeros([3], { dtype: 'int32' });
  ag.assign_(ids, ['1:'], ag.tensor([7, 8], { dtype: 'int32' }));
  assert.equal(ids.toArray(), [0, 7, 8]);
  // a view shares the write
  const view = ag.detach(x);
  ag.assign_(view, [1, 1], 5);
  assert.equal(x.toArray(), [[-1, 2, 3], [-1, 5, 0]]);
  for (const t of [x, mask, ids, view]) t.dispose();
});

inPlace('refused on a tensor a recording diff tracks; a tape that recorded x earlier refuses its backward pass', () => {
  const w = ag.Param([1, 2, 3]);
  const before = held();
  assert.throws(
    () => ag.diff(() => {
      const y = ag.mul(w, 2);
      ag.assign_(w, [0], 0);
      return ag.sum(y);
    }),
    (e: Error) => e instanceof ag.ArgumentError && /assign_: x .* is tracked by a diff that is recording.*indexPut/.test(e.message),
  );
  assert.equal(held(), before);
  assert.equal(w.toArray(), [1, 2, 3], 'nothing written');
  const tape = ag.diff(() => ag.sum(ag.mul(w, w)));
  ag.assign_(w, [0], 10);
  assert.throws(() => ag.grad(tape, w), (e: Error) => /written in place|in place|version/.test(e.message));
  tape.dispose();
  // a tape that is done and given its gradients first is unaffected
  const done = ag.diff(() => ag.sum(ag.mul(w, w)));
  const g = ag.grad(done, w)!.toArray();
  ag.assign_(w, [1], 0);
  assert.equal(ag.grad(done, w)!.toArray(), g);
  done.dispose();
  w.dispose();
});

inPlace('bad input leaves x and memory as they were', () => {
  const x = ag.tensor([1, 2, 3]);
  const three = ag.ones([3]);
  const ints = ag.zeros([2], { dtype: 'int32' });
  const flags = ag.zeros([2], { dtype: 'bool' });
  const before = held();
  assert.throws(() => ag.assign_(x, [5], 0), (e: Error) => e instanceof ag.ArgumentError && e.message.startsWith('assign_:'));
  assert.throws(() => ag.assign_(x, [[0, 1]], three), (e: Error) => e instanceof ag.ShapeError && /assign_: values of shape \[3\]/.test(e.message));
  assert.throws(() => ag.assign_(ints, [0], 1.5), (e: Error) => e instanceof ag.ArgumentError && /not an int32/.test(e.message));
  assert.throws(() => ag.assign_(flags, [0], 1, { accumulate: true }), (e: Error) => e instanceof ag.DTypeError);
  assert.equal(held(), before);
  assert.equal(x.toArray(), [1, 2, 3]);
  for (const t of [x, three, ints, flags]) t.dispose();
});

inPlace('values that overlap x are read before any is written, as numpy does', () => {
  const x = ag.tensor([0, 1, 2, 3], f64);
  ag.assign_(x, ['::-1'], x);
  assert.equal(x.toArray(), [3, 2, 1, 0]);
  const y = ag.tensor([[0, 1], [2, 3]], f64);
  ag.assign_(y, [':', '::-1'], y);
  assert.equal(y.toArray(), [[1, 0], [3, 2]]);
  const z = ag.tensor([0, 1, 2, 3], f64);
  ag.assign_(z, [ag.tensor([1, 2, 3, 0], { dtype: 'int32' })], ag.reshape(z, [4]));
  assert.equal(z.toArray(), [3, 0, 1, 2]);
  const u = ag.tensor([1, 2, 3, 4], f64);
  ag.assign_(u, [ag.tensor([3, 2, 1, 0], { dtype: 'int32' })], u, { accumulate: true });
  assert.equal(u.toArray(), [5, 5, 5, 5]);
});

inPlace.run();
