// "A failed call leaves nothing allocated and no tape half-written", for
// every exported function: each call is made to fail at each of its
// allocations in turn (a test hook makes the n-th allocation throw), and
// memory() must be unchanged afterwards — outside every scope, and inside a
// diff, where the tape must also have no node of the failed call. Backward
// passes are swept the same way: a gradient that fails half-way leaves the
// tape as it was, and asking again gives the right answer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import * as ag from '../src/index';
import { allocationCount, failAllocationAfter } from '../src/runtime/storage';
import { activeTapes } from '../src/core/tape';
import type { Arg, OpCase } from './ops/harness';

type Snapshot = { liveTensors: number; liveTapes: number; bytesInUse: number; buffers: number };
function snapshot(): Snapshot {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, liveTapes: m.liveTapes, bytesInUse: m.bytesInUse, buffers: m.buffers };
}

/** Disposes every tensor and tape in a result (arrays, objects, Maps). */
function disposeDeep(x: unknown): void {
  if (x instanceof ag.Tensor || x instanceof ag.Tape) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeDeep);
  else if (x instanceof Map) for (const v of x.values()) disposeDeep(v);
  else if (x !== null && typeof x === 'object') for (const v of Object.values(x)) disposeDeep(v);
}

/** How many allocations one successful call makes (in a tidy: a call may drop part of what it got). */
function allocationsOf(call: () => unknown): number {
  const before = allocationCount();
  ag.tidy(() => {
    disposeDeep(call());
  });
  return allocationCount() - before;
}

/**
 * Fails `call` at its 1st, 2nd, ... allocation; after each failure memory
 * must be exactly as before. Returns how many failure points were checked.
 */
function sweep(what: string, call: () => unknown): number {
  const n = allocationsOf(call);
  for (let k = 1; k <= n; k++) {
    const before = snapshot();
    let threw: unknown = null;
    failAllocationAfter(k);
    try {
      disposeDeep(call());
    } catch (error) {
      threw = error;
    } finally {
      failAllocationAfter(0);
    }
    assert.ok(threw !== null, `${what}: failing allocation ${k} of ${n} did not make the call fail`);
    assert.ok(threw instanceof ag.OutOfMemoryError, `${what}: failing allocation ${k} gave ${String(threw)}, expected OutOfMemoryError`);
    assert.equal(snapshot(), before, `${what}: failing at allocation ${k} of ${n} left memory behind`);
  }
  return n;
}

/** The same inside a diff: the tape of the enclosing diff must not keep a node or a tensor of the failed call. */
function sweepRecorded(what: string, call: (params: Arg[]) => unknown, inputs: Arg[]): void {
  const params = inputs.map((a) => (a instanceof ag.Tensor ? ag.Param(a) : a));
  let n = 0;
  ag.diff(() => {
    n = allocationsOf(() => call(params));
    return 0;
  }).dispose();
  for (let k = 1; k <= n; k++) {
    const tape = ag.diff(() => {
      const tape = activeTapes[activeTapes.length - 1];
      const nodes = tape.nodes.length;
      const before = snapshot();
      failAllocationAfter(k);
      let threw = false;
      try {
        call(params);
      } catch {
        threw = true;
      } finally {
        failAllocationAfter(0);
      }
      assert.ok(threw, `${what} under diff: failing allocation ${k} of ${n} did not make the call fail`);
      assert.is(tape.nodes.length, nodes, `${what} under diff: failing at allocation ${k} left nodes on the tape`);
      assert.equal(snapshot(), before, `${what} under diff: failing at allocation ${k} of ${n} left memory behind`);
      return 0;
    });
    tape.dispose();
  }
  for (const p of params) if (p instanceof ag.Tensor) p.dispose();
}

/** A backward pass failing at each allocation: the tape stays usable and memory as it was. */
function sweepBackward(what: string, fn: (...a: Arg[]) => ag.Tensor, inputs: Arg[], argnums?: number[]): void {
  const params = inputs.map((a, i) =>
    a instanceof ag.Tensor && (argnums === undefined || argnums.includes(i)) ? ag.Param(a) : a,
  );
  const wrt = params.filter((p): p is ag.Tensor => p instanceof ag.Tensor && ag.isParam(p));
  const run = (tape: ag.Tape) => wrt.map((p) => ag.grad(tape, p));
  const reference = ag.diff(() => ag.sum(ag.abs2, fn(...params)));
  const expected = run(reference).map((g) => (g === null ? null : g.toArray()));
  reference.dispose();
  const probe = ag.diff(() => ag.sum(ag.abs2, fn(...params)));
  const n = allocationsOf(() => {
    run(probe);
    return null;
  });
  probe.dispose();
  for (let k = 1; k <= n; k++) {
    const tape = ag.diff(() => ag.sum(ag.abs2, fn(...params)));
    const before = snapshot();
    failAllocationAfter(k);
    let threw = false;
    try {
      run(tape);
    } catch {
      threw = true;
    } finally {
      failAllocationAfter(0);
    }
    assert.ok(threw, `${what} backward: failing allocation ${k} of ${n} did not make it fail`);
    assert.equal(snapshot(), before, `${what} backward: failing at allocation ${k} of ${n} left memory behind`);
    const again = run(tape).map((g) => (g === null ? null : g.toArray()));
    assert.equal(again, expected, `${what} backward: asking again after the failure gives the right gradients`);
    tape.dispose();
  }
  for (const p of wrt) p.dispose();
}

// ---- every op of the op tables ----

const dir = new URL('./ops/', import.meta.url);
const tables: [string, OpCase[]][] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.table.ts')).sort()) {
  const mod = (await import(new URL(file, dir).href)) as { cases: OpCase[] };
  tables.push([file.replace('.table.ts', ''), mod.cases]);
}

/**
 * A table's call is one public call when its source names one library
 * function (`(x) => ag.sum(x, 0)`); a composition of several (`cast(cast(x))`)
 * is user code, whose earlier results are the user's when a later call fails.
 */
function singleCall(fn: (...a: never[]) => unknown): boolean {
  if (Object.values(ag).includes(fn as never)) return true;
  const calls = String(fn).match(/\bag\.[a-zA-Z]+\(|\.\w+\(/g) ?? [];
  return calls.length === 1;
}

for (const [family, cases] of tables) {
  const ops = suite(`failure sweep: ${family} ops`);
  for (const c of cases) {
    ops(`${c.name}: failing at any allocation leaves nothing, outside a scope and under diff`, () => {
      ag.seed(7);
      const inputs = ag.tidy(() => c.inputs());
      const made = snapshot();
      let swept = 0;
      if (singleCall(c.fn)) {
        sweep(c.name, () => c.fn(...inputs));
        sweepRecorded(c.name, (p) => c.fn(...p), inputs);
        swept++;
      }
      for (const v of c.values ?? []) {
        if (!singleCall(v.call ?? c.fn)) continue;
        // tidy: an args builder may make helper tensors besides the args
        const args = ag.tidy(() => v.args());
        sweep(`${c.name} (${v.label})`, () => (v.call ?? c.fn)(...args));
        disposeDeep(args);
        assert.equal(snapshot(), made, `${c.name} (${v.label}): the sweep itself left memory behind`);
        swept++;
      }
      assert.ok(swept > 0, `${c.name}: no single-call case to sweep; add a value case calling ag.${c.name} alone`);
      assert.equal(snapshot(), made, `${c.name}: the forward sweeps left memory behind`);
      if ((c.order ?? 2) > 0) sweepBackward(c.name, c.fn, inputs, c.argnums);
      assert.equal(snapshot(), made, `${c.name}: the sweep itself left memory behind`);
      disposeDeep(inputs);
    });
  }
  ops.run();
}

// ---- everything else that is exported ----

const api = suite('failure sweep: the rest of the API');
const f64 = { dtype: 'float64' as const };

// Each call is one program a user might write, inside a tidy (user code
// that fails half-way cleans up with one); what must hold is that the
// library leaves nothing behind when any allocation inside it fails.
const calls: [string, () => unknown][] = [
  ['tensor', () => ag.tensor([[1, 2], [3, 4]])],
  ['tensor of a tensor', () => ag.tidy(() => ag.tensor(ag.ones([3]), f64))],
  ['zeros/ones/full', () => ag.tidy(() => [ag.zeros([3]), ag.ones([2, 2]), ag.full([2], 7)])],
  ['rand/randn', () => ag.tidy(() => [ag.rand([5]), ag.randn([5], f64)])],
  ['arange/linspace/eye', () => ag.tidy(() => [ag.arange(4), ag.linspace(0, 1, 3), ag.eye(3)])],
  ['Param', () => ag.Param([1, 2, 3])],
  ['tidy returning a container', () => ag.tidy(() => ({ a: ag.ones([2]).mul(3), b: [ag.zeros([1]).add(1)] }))],
  ['diff + grad', () => withParam([1, 2, 3], (p) => ag.tidy(() => ag.grad(ag.diff(() => ag.sum(ag.abs2, ag.tanh(p))), p)))],
  ['grad(f)', () => ag.tidy(() => ag.grad((x: ag.Tensor) => ag.sum(ag.mul(ag.sin(x), x)))(ag.tensor([1, 2], f64)))],
  ['grad(grad(f)) of a number', () => ag.grad(ag.grad((x: ag.Tensor | number) => ag.mul(ag.mul(x, x), x)))(2)],
  ['gradloss over a container', () => ag.tidy(() => ag.gradloss((p: { w: ag.Tensor; b: number }) => ag.sum(ag.add(ag.mul(p.w, p.w), p.b)))({ w: ag.tensor([1, 2]), b: 3 }))],
  ['Hessian-vector product', () => ag.tidy(() => {
    const W = ag.tensor([[1, 2], [3, 4]], f64);
    const v = ag.tensor([1, 0], f64);
    const f = (x: ag.Tensor) => ag.sum(ag.tanh(ag.matmul(W, x)));
    return ag.grad((z: ag.Tensor) => ag.sum(ag.mul(ag.grad(f)(z), v)))(ag.tensor([0.5, -0.5], f64));
  })],
  ['a user primitive', () => ag.tidy(() => {
    const softsign = ag.primitive('softsign', (x: ag.Tensor) => ag.div(x, ag.add(1, ag.abs(x))),
      (dy: ag.Tensor, _y: ag.Tensor, x: ag.Tensor) => ag.div(dy, ag.abs2(ag.add(1, ag.abs(x)))));
    return ag.grad((x: ag.Tensor) => ag.sum(softsign(x)))(ag.tensor([0.5, -2], f64));
  })],
  ['value and detach', () => withParam([1, 2], (p) => ag.tidy(() => {
    const d = ag.detach(p); // the user's own handle: disposed by the program
    try {
      return [ag.value(p).mul(2), d.add(1)];
    } finally {
      d.dispose();
    }
  }))],
  ['gradcheck', () => ag.tidy(() => ag.gradcheck((x: ag.Tensor) => ag.sum(ag.exp(x)), ag.tensor([0.1, 0.2], f64), { order: 2 }))],
  ['nn.Linear forward and backward', () => {
    ag.seed(3);
    const layer = new ag.nn.Linear(3, 2);
    try {
      return ag.tidy(() => {
        const t = ag.diff(() => ag.sum(layer(ag.randn([4, 3]))));
        return ag.params(layer).map((p) => ag.grad(t, p));
      });
    } finally {
      for (const p of ag.params(layer)) p.dispose();
    }
  }],
  ['nn constructors, each one call', () => {
    const made: ag.Tensor[] = [];
    try {
      for (const make of [
        () => new ag.nn.Linear(3, 2),
        () => new ag.nn.Conv2d(1, 2, 3),
        () => new ag.nn.LayerNorm(3),
      ]) made.push(...ag.params(make()));
      return ag.tidy(() => made.map((p) => p.mul(1)));
    } finally {
      for (const p of made) p.dispose();
    }
  }],
  ['a Sequential of Conv2d and LayerNorm, forward and backward', () => {
    ag.seed(4);
    const model = sequential();
    return ag.tidy(() => {
      const x = ag.randn([2, 1, 5, 5]);
      const t = ag.diff(() => ag.sum(model(x)));
      return ag.params(model).map((p) => ag.grad(t, p));
    });
  }],
  ['optimizers: sgd, adam, rmsprop steps', () => withParam([1, 2, 3], (p) => {
    const opts = [ag.sgd({ lr: 0.1, momentum: 0.9 }), ag.adam({ lr: 0.1 }), ag.rmsprop({ lr: 0.1 })];
    try {
      for (const opt of opts) ag.tidy(() => opt.step(ag.diff(() => ag.sum(ag.abs2, p)), [p]));
      return p.mul(1);
    } finally {
      for (const opt of opts) opt.dispose();
    }
  })],
  ['sparse gradients: embedding and gather rows joined, made dense, and Adam and SGD steps on them', () => withParam([1, 2, 3, 4, 5, 6], (p) => {
    const table = ag.Param(p, { shape: [3, 2] });
    const opts = [ag.adam({ lr: 0.1 }), ag.sgd({ lr: 0.1, momentum: 0.5 })];
    try {
      return ag.tidy(() => {
        const tape = ag.diff(() => ag.add(ag.sum(ag.embedding(table, [2, 0, 2])), ag.sum(ag.gather(table, [1, 2]))));
        for (const opt of opts) opt.step(tape, [table]);
        return ag.grad(tape, table);
      });
    } finally {
      for (const opt of opts) opt.dispose();
      table.dispose();
    }
  })],
];

// One model for every run of the sweep (its construction is swept above).
let model: ag.nn.Sequential | null = null;
function sequential(): ag.nn.Sequential {
  model ??= new ag.nn.Sequential(new ag.nn.Conv2d(1, 2, 3), ag.relu, new ag.nn.LayerNorm(3));
  return model;
}

function withParam<T>(data: number[], body: (p: ag.Tensor) => T): T {
  const p = ag.Param(data, f64);
  try {
    return body(p);
  } finally {
    p.dispose();
  }
}

for (const [name, call] of calls) {
  api(`${name}: failing at any allocation leaves nothing`, () => {
    sequential();
    const start = snapshot();
    assert.ok(sweep(name, call) > 0, `${name} allocates`);
    assert.equal(snapshot(), start);
  });
}

api('a user primitive whose forward throws after allocating leaves nothing', () => {
  const start = snapshot();
  const bad = ag.primitive('bad', (x: ag.Tensor) => {
    ag.mul(x, 2);
    ag.exp(x);
    throw new Error('forward failed');
  }, (dy: ag.Tensor) => dy);
  const x = ag.tensor([1, 2]);
  assert.throws(() => bad(x), /forward failed/);
  assert.throws(() => ag.tidy(() => bad(x)), /forward failed/);
  const p = ag.Param(x);
  assert.throws(() => ag.diff(() => ag.sum(bad(p))), /forward failed/);
  p.dispose();
  x.dispose();
  assert.equal(snapshot(), start);
});

api.run();
