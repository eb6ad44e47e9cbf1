// Memory as a specification: what memory() reports, dispose() and
// Symbol.dispose, tidy() scopes, flat memory over a long loop, typed-array
// views after WebAssembly memory grows, out-of-memory errors, and that
// failed calls (and successful ones, once their result is disposed) leave
// nothing behind.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ag from '../src/index';

// ---- helpers ----

type ErrorClass = new (...args: never[]) => Error;
type Held = { liveTensors: number; bytesInUse: number; buffers: number };

/** The counters that must return exactly to where they were. */
function held(): Held {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, bytesInUse: m.bytesInUse, buffers: m.buffers };
}

function delta(before: Held, after: Held): Held {
  return {
    liveTensors: after.liveTensors - before.liveTensors,
    bytesInUse: after.bytesInUse - before.bytesInUse,
    buffers: after.buffers - before.buffers,
  };
}

const NOTHING: Held = { liveTensors: 0, bytesInUse: 0, buffers: 0 };

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** `fn` must throw an `expected` mentioning every fragment and leave memory unchanged. */
function throwsCleanly(fn: () => unknown, expected: ErrorClass, fragments: string[], label = ''): Error {
  const before = held();
  const err = caught(fn) as Error | undefined;
  const after = held();
  const where = label === '' ? '' : `${label}: `;
  if (err === undefined) assert.unreachable(`${where}expected ${expected.name}, nothing was thrown`);
  assert.ok(err instanceof expected, `${where}expected ${expected.name}, got ${err!.name}: ${err!.message}`);
  assert.ok(err instanceof ag.AutogradError, `${where}an AutogradError`);
  for (const f of fragments) {
    assert.ok(err!.message.includes(f), `${where}message ${JSON.stringify(err!.message)} should mention ${JSON.stringify(f)}`);
  }
  assert.equal(delta(before, after), NOTHING, `${where}a failed call must leave memory unchanged`);
  return err!;
}

// ---- memory() ----

const report = suite('memory(): what it reports');

report('returns liveTensors, bytesInUse, peakBytes and wasmBytes as numbers', () => {
  const m = ag.memory();
  for (const key of ['liveTensors', 'bytesInUse', 'peakBytes', 'wasmBytes'] as const) {
    assert.type(m[key], 'number', key);
    assert.ok(Number.isInteger(m[key]) && m[key] >= 0, `${key} is a non-negative integer: ${m[key]}`);
  }
  assert.ok(m.wasmBytes % 65536 === 0 && m.wasmBytes > 0, 'wasmBytes is a whole number of 64 KiB pages');
  assert.ok(m.peakBytes >= m.bytesInUse);
  assert.ok(m.wasmBytes >= m.bytesInUse);
  assert.is.not(ag.memory(), m, 'a fresh snapshot each call');
});

report('a [1000] float32 tensor is 4000 bytes and one live tensor; disposing returns to the start', () => {
  const start = held();
  const t = ag.zeros([1000]);
  assert.equal(delta(start, held()), { liveTensors: 1, bytesInUse: 4000, buffers: 1 });
  t.dispose();
  assert.equal(held(), start);
});

report('float64 is 8 bytes an element, whichever function made the tensor', () => {
  const makers: [string, () => ag.Tensor][] = [
    ['tensor', () => ag.tensor(new Float64Array(1000))],
    ['zeros', () => ag.zeros([10, 100], { dtype: 'float64' })],
    ['ones', () => ag.ones([1000], { dtype: 'float64' })],
    ['full', () => ag.full([1000], 2, { dtype: 'float64' })],
    ['rand', () => ag.rand([1000], { dtype: 'float64' })],
    ['randn', () => ag.randn([1000], { dtype: 'float64' })],
    ['arange', () => ag.arange(0, 1000, 1, { dtype: 'float64' })],
    ['linspace', () => ag.linspace(0, 1, 1000, { dtype: 'float64' })],
  ];
  for (const [name, make] of makers) {
    const start = held();
    const t = make();
    assert.equal(delta(start, held()), { liveTensors: 1, bytesInUse: 8000, buffers: 1 }, name);
    t.dispose();
    assert.equal(held(), start, `${name} disposed`);
  }
  const start = held();
  const e = ag.eye(10, { dtype: 'float64' });
  assert.is(held().bytesInUse - start.bytesInUse, 800, 'eye(10) float64');
  e.dispose();
  const s = ag.tensor(1);
  assert.is(held().bytesInUse - start.bytesInUse, 4, 'a 0-d float32 tensor');
  s.dispose();
  assert.equal(held(), start);
});

report('peakBytes is the high-water mark; resetPeak starts it afresh', () => {
  ag.resetPeak();
  const base = ag.memory();
  assert.is(base.peakBytes, base.bytesInUse, 'resetPeak sets peak to what is in use');
  const a = ag.zeros([5000]);
  const b = ag.zeros([3000]);
  const during = ag.memory();
  assert.is(during.peakBytes, base.bytesInUse + 32000);
  a.dispose();
  b.dispose();
  const after = ag.memory();
  assert.is(after.bytesInUse, base.bytesInUse);
  assert.is(after.peakBytes, base.bytesInUse + 32000, 'the peak stays after freeing');
  const c = ag.zeros([100]);
  assert.is(ag.memory().peakBytes, base.bytesInUse + 32000, 'a smaller allocation does not move it');
  c.dispose();
  assert.ok(ag.memory().peakBytes >= ag.memory().bytesInUse);
});

report('a reshape shares its buffer: counted once, freed with the last handle', () => {
  const start = held();
  const a = ag.arange(6);
  const b = a.reshape([2, 3]);
  assert.equal(delta(start, held()), { liveTensors: 2, bytesInUse: 24, buffers: 1 });
  a.dispose();
  assert.equal(delta(start, held()), { liveTensors: 1, bytesInUse: 24, buffers: 1 }, 'the buffer outlives the first handle');
  assert.equal(b.toArray(), [[0, 1, 2], [3, 4, 5]], 'and still reads correctly');
  b.dispose();
  assert.equal(held(), start);
});

// ---- dispose ----

const disposal = suite('dispose() and Symbol.dispose');

disposal('dispose is idempotent: a second call frees nothing more', () => {
  const start = held();
  const t = ag.ones([10]);
  assert.is(t.isDisposed, false);
  t.dispose();
  assert.is(t.isDisposed, true);
  t.dispose();
  t.dispose();
  assert.equal(held(), start, 'counted down exactly once');
  const keepAlive = ag.ones([3]);
  const other = ag.ones([3]);
  other.dispose();
  other.dispose();
  assert.equal(keepAlive.toArray(), [1, 1, 1], 'a double dispose does not free someone else\'s block');
  keepAlive.dispose();
});

disposal('every use of a disposed tensor throws DisposedError naming the operation', () => {
  const dead = ag.tensor([[1, 2], [3, 4]]);
  dead.dispose();
  const live = ag.tensor([[1, 0], [0, 1]]);
  const uses: [string, () => unknown][] = [
    ['data', () => dead.data()],
    ['item', () => dead.item()],
    ['add', () => dead.add(1)],
    ['add', () => ag.add(live, dead)],
    ['add', () => ag.add(1, dead)],
    ['mul', () => live.mul(dead)],
    ['sum', () => dead.sum()],
    ['sum', () => ag.sum(dead, 0)],
    ['mean', () => dead.mean()],
    ['matmul', () => dead.matmul(live)],
    ['matmul', () => ag.matmul(live, dead)],
    ['exp', () => ag.exp(dead)],
    ['reshape', () => dead.reshape([4])],
    ['transpose', () => dead.transpose()],
    ['cast', () => dead.cast('float64')],
    ['tensor', () => ag.tensor(dead)],
    ['keep', () => ag.keep(dead)],
  ];
  for (const [op, use] of uses) {
    throwsCleanly(use, ag.DisposedError, [`${op}:`, 'disposed', '[2, 2]'], `${op} of a disposed tensor`);
  }
  live.dispose();
});

disposal('toArray of a disposed tensor throws DisposedError naming toArray', () => {
  const t = ag.ones([2]);
  t.dispose();
  throwsCleanly(() => t.toArray(), ag.DisposedError, ['disposed', 'toArray']);
});

disposal('a disposed tensor still describes itself', () => {
  const t = ag.ones([2, 2]);
  t.dispose();
  assert.equal(t.shape, [2, 2]);
  assert.is(t.dtype, 'float32');
  assert.ok(String(t).includes('disposed'), String(t));
});

disposal('Symbol.dispose frees the tensor (and `using` does too)', () => {
  assert.is(typeof Symbol.dispose, 'symbol');
  const start = held();
  const t = ag.ones([100]);
  t[Symbol.dispose]();
  assert.is(t.isDisposed, true);
  assert.equal(held(), start);
  let escaped: ag.Tensor | null = null;
  {
    using u = ag.zeros([50], { dtype: 'float64' });
    escaped = u;
    assert.equal(delta(start, held()), { liveTensors: 1, bytesInUse: 400, buffers: 1 });
  }
  assert.is(escaped!.isDisposed, true, 'freed at the end of the block');
  assert.equal(held(), start);
});

// ---- tidy ----

const scopes = suite('tidy(fn)');

scopes('frees everything created inside except the returned tensor', () => {
  const start = held();
  const x = ag.tensor([1, 2, 3]);
  const afterX = held();
  let inside: ag.Tensor[] = [];
  const y = ag.tidy(() => {
    const a = x.mul(2);
    const b = a.add(1);
    const c = ag.exp(b);
    inside = [a, b, c];
    return b.sub(x);
  });
  assert.equal(y.toArray(), [2, 3, 4]);
  assert.equal(delta(afterX, held()), { liveTensors: 1, bytesInUse: 12, buffers: 1 }, 'only the result is left');
  for (const t of inside) assert.is(t.isDisposed, true);
  assert.is(x.isDisposed, false, 'tensors from outside are untouched');
  throwsCleanly(() => inside[0].toArray(), ag.DisposedError, ['disposed'], 'a freed intermediate');
  y.dispose();
  x.dispose();
  assert.equal(held(), start);
});

scopes('returned arrays, plain objects and Maps of tensors survive; the rest is freed', () => {
  const start = held();
  const out = ag.tidy(() => {
    ag.ones([100]); // dropped
    const a = ag.tensor([1]);
    const b = ag.tensor([2]);
    const c = ag.tensor([3]);
    const k = ag.tensor([4]);
    const v = ag.tensor([5]);
    const m = new Map<ag.Tensor, ag.Tensor>([[k, v]]);
    return { list: [a, [b]], nested: { c }, m, label: 'x', n: 1 };
  });
  assert.equal(delta(start, held()), { liveTensors: 5, bytesInUse: 20, buffers: 5 });
  assert.is(out.label, 'x');
  assert.is(out.n, 1);
  assert.equal((out.list[0] as ag.Tensor).toArray(), [1]);
  assert.equal(((out.list[1] as ag.Tensor[])[0]).toArray(), [2]);
  assert.equal(out.nested.c.toArray(), [3]);
  const [[k, v]] = [...out.m];
  assert.equal(k.toArray(), [4], 'Map keys survive');
  assert.equal(v.toArray(), [5], 'Map values survive');
  for (const t of [out.list[0] as ag.Tensor, (out.list[1] as ag.Tensor[])[0], out.nested.c, k, v]) t.dispose();
  assert.equal(held(), start);
  assert.is(ag.tidy(() => 42), 42, 'non-tensor results pass through');
  assert.is(ag.tidy(() => undefined), undefined);
  assert.equal(held(), start);
});

scopes('nested tidy: the inner result belongs to the outer scope', () => {
  const start = held();
  let innerResult: ag.Tensor | null = null;
  let innerTemp: ag.Tensor | null = null;
  const outer = ag.tidy(() => {
    innerResult = ag.tidy(() => {
      innerTemp = ag.ones([4]);
      return innerTemp.mul(3);
    });
    assert.is(innerTemp!.isDisposed, true, 'the inner temporary is freed when the inner tidy ends');
    assert.is(innerResult.isDisposed, false, 'the inner result lives on in the outer tidy');
    return innerResult.sum();
  });
  assert.is(innerResult!.isDisposed, true, 'the outer tidy frees what the inner one returned');
  assert.is(outer.item(), 12);
  assert.equal(delta(start, held()), { liveTensors: 1, bytesInUse: 4, buffers: 1 });
  outer.dispose();
  assert.equal(held(), start);
});

scopes('keep(t) takes a tensor out of every enclosing tidy', () => {
  const start = held();
  let kept: ag.Tensor | null = null;
  let temp: ag.Tensor | null = null;
  ag.tidy(() => {
    ag.tidy(() => {
      temp = ag.ones([2]).mul(5);
      const k = ag.keep(temp.add(1));
      assert.is(k, ag.keep(k), 'keep returns its argument (and may be repeated)');
      kept = k;
    });
  });
  assert.is(temp!.isDisposed, true);
  assert.is(kept!.isDisposed, false);
  assert.equal(kept!.toArray(), [6, 6]);
  assert.equal(delta(start, held()), { liveTensors: 1, bytesInUse: 8, buffers: 1 });
  kept!.dispose();
  assert.equal(held(), start);
  throwsCleanly(() => ag.keep(3 as unknown as ag.Tensor), ag.ArgumentError, ['keep']);
});

scopes('tidy never frees tensors it did not create, even when they are returned', () => {
  const x = ag.ones([3]);
  ag.tidy(() => ag.tidy(() => x));
  assert.is(x.isDisposed, false);
  ag.tidy(() => {
    ag.tidy(() => [x]);
  });
  assert.is(x.isDisposed, false, 'returned through an inner tidy and dropped by the outer one');
  x.dispose();
});

scopes('a throwing fn: everything is freed, the same error is rethrown, scopes unwind', () => {
  const start = held();
  const boom = new Error('boom');
  let made: ag.Tensor[] = [];
  const err = caught(() =>
    ag.tidy(() => {
      made.push(ag.ones([10]));
      ag.tidy(() => {
        made.push(ag.ones([20]));
        throw boom;
      });
    }),
  );
  assert.is(err, boom, 'the very error fn threw');
  assert.ok(made.every((t) => t.isDisposed));
  assert.equal(held(), start);
  const thrownValue = caught(() => ag.tidy(() => { ag.zeros([5]); throw 'not an Error'; }));
  assert.is(thrownValue, 'not an Error', 'non-Error throws pass through too');
  assert.equal(held(), start);
  // If a scope were left on the stack, this tensor would be owned by it and
  // freed by the next tidy to end.
  const after = ag.ones([2]);
  ag.tidy(() => ag.zeros([1]));
  assert.is(after.isDisposed, false, 'tensors made after a failed tidy belong to the user');
  after.dispose();
  made = [];
});

scopes('an async fn is refused with an error about being synchronous, leaking nothing', () => {
  const start = held();
  let made: ag.Tensor | null = null;
  const err = caught(() =>
    // @ts-expect-error tidy's type refuses an async function too
    ag.tidy(async () => {
      made = ag.ones([100]);
      return made.add(1);
    }),
  ) as Error;
  assert.ok(err instanceof ag.ArgumentError, `got ${String(err)}`);
  assert.ok(err.message.includes('tidy'), err.message);
  assert.ok(err.message.includes('synchronous'), err.message);
  assert.is(made!.isDisposed, true);
  assert.equal(held(), start);
  throwsCleanly(() => ag.tidy((() => Promise.resolve(ag.ones([3]))) as () => unknown), ag.ArgumentError, ['synchronous']);
});

scopes('tidy requires a function', () => {
  throwsCleanly(() => ag.tidy(42 as unknown as () => void), ag.ArgumentError, ['tidy', 'function']);
});

scopes('10,000 tidy iterations that return nothing keep memory exactly flat', () => {
  ag.seed(3);
  const x = ag.randn([4, 8]);
  const w = ag.randn([8, 3]);
  const b = ag.zeros([3]);
  const step = () =>
    ag.tidy(() => {
      const h = ag.tanh(x.matmul(w).add(b));
      const loss = ag.sum(ag.abs2, h.sub(1)).add(h.mean().mul(0.5));
      loss.item();
      ag.exp(x.mul(2).add(1)).sum(0);
    });
  const start = held();
  for (let i = 0; i < 100; i++) step();
  const warm = ag.memory().wasmBytes;
  assert.equal(held(), start, 'after 100 iterations');
  for (let i = 100; i < 10000; i++) step();
  assert.equal(held(), start, 'after 10,000 iterations');
  assert.is(ag.memory().wasmBytes, warm, 'wasm memory did not grow after the first iterations');
  for (const t of [x, w, b]) t.dispose();
});

// ---- memory growth ----

const growth = suite('WebAssembly memory growth');

growth('tensors made before growth read correctly after it, and new ops work', () => {
  const start = held();
  const small = ag.tensor([1.5, -2, 3.25, 4]);
  const small64 = ag.tensor([[0.1, 0.2]], { dtype: 'float64' });
  const bytesBefore = ag.memory().wasmBytes;
  // More bytes than the whole memory holds now: it has to grow.
  const n = Math.max(64 * 2 ** 20, bytesBefore) / 4;
  const src = new Float32Array(n);
  for (let i = 0; i < n; i += 4099) src[i] = i % 1000;
  src[n - 1] = 7;
  const big = ag.tensor(src);
  assert.ok(ag.memory().wasmBytes > bytesBefore, `memory grew: ${bytesBefore} -> ${ag.memory().wasmBytes}`);
  assert.equal(small.toArray(), [1.5, -2, 3.25, 4], 'an old float32 tensor');
  assert.equal(small64.toArray(), [[0.1, 0.2]], 'an old float64 tensor');
  const total = small.sum();
  assert.is(total.item(), 6.75);
  const sum = small.add(small);
  assert.equal(sum.toArray(), [3, -4, 6.5, 8], 'ops on old tensors');
  const d = big.data();
  assert.is(d.length, n);
  assert.is(d[n - 1], 7, 'the new big tensor was written after growth');
  assert.is(d[4099 * 3], (4099 * 3) % 1000);
  assert.is(d[1], 0);
  const grownAgain = ag.zeros([n / 2]); // may grow again; views must follow
  assert.equal(ag.tidy(() => small.mul(small64.size).toArray()), [3, -4, 6.5, 8]);
  assert.is(grownAgain.data()[n / 2 - 1], 0);
  for (const t of [small, small64, big, total, sum, grownAgain]) t.dispose();
  assert.equal(held(), start);
});

// ---- out of memory ----

const oom = suite('out of memory');

oom('an allocation larger than wasm can hold throws OutOfMemoryError naming the function, leaking nothing', () => {
  const before = ag.tensor([1, 2, 3]);
  const err = throwsCleanly(() => ag.zeros([2 ** 29]), ag.OutOfMemoryError, ['2147483648 bytes']);
  assert.ok(err.message.startsWith('zeros:'), `message names zeros: ${JSON.stringify(err.message)}`);
  assert.equal(before.toArray(), [1, 2, 3]);
  const after = ag.ones([2]);
  assert.equal(after.toArray(), [1, 1], 'the allocator still works');
  before.dispose();
  after.dispose();
});

// Sizes of 4 GiB or more wrap around when passed to wasm's 32-bit alloc.
// Run in a child process: if the bug is there the kernel writes past the
// small block it got and corrupts the heap of whatever process runs it.
const repo = fileURLToPath(new URL('..', import.meta.url));
const entry = new URL('../src/index.ts', import.meta.url).href;
function inChild(call: string): Promise<string> {
  const script = `
    const ag = await import(${JSON.stringify(entry)});
    const keep = ag.tensor([1, 2, 3]);
    const m = () => { const x = ag.memory(); return [x.liveTensors, x.bytesInUse, x.buffers]; };
    const before = m();
    let error = null;
    try { ${call}; } catch (e) { error = { name: e?.name, message: String(e?.message), isAutograd: e instanceof ag.AutogradError }; }
    console.log(JSON.stringify({ error, before, after: m(), keep: keep.toArray() }));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, timeout: 30000 }, (err, stdout, stderr) => {
      if (err && stdout.trim() === '') reject(new Error(`child failed: ${stderr}`));
      else resolve(stdout.trim().split('\n').pop()!);
    });
  });
}

oom('sizes of 4 GiB and more throw OutOfMemoryError instead of wrapping around to a tiny block', async () => {
  const calls = [
    'ag.zeros([2 ** 30])', // 4 GiB float32: wraps to 0 bytes
    "ag.ones([2 ** 29], { dtype: 'float64' })", // 4 GiB float64
    'ag.full([2 ** 30 + 4], 1)', // 4 GiB + 16 bytes: wraps to 16
  ];
  const results = await Promise.all(calls.map(inChild));
  for (let i = 0; i < calls.length; i++) {
    const r = JSON.parse(results[i]) as {
      error: { name: string; message: string; isAutograd: boolean } | null;
      before: number[];
      after: number[];
      keep: number[];
    };
    assert.ok(r.error !== null, `${calls[i]} should throw`);
    assert.is(r.error!.name, 'OutOfMemoryError', `${calls[i]} threw ${r.error!.name}: ${r.error!.message}`);
    assert.equal(r.after, r.before, `${calls[i]}: a failed allocation must leave memory unchanged [live, bytes, buffers]`);
    assert.equal(r.keep, [1, 2, 3], `${calls[i]}: other tensors are intact`);
  }
});

// ---- failed and successful ops leave nothing behind ----

const opsMemory = suite('ops: failures leak nothing; results are all that remain');

opsMemory('add of [2, 3] and [4] throws ShapeError naming add and both shapes', () => {
  const a = ag.ones([2, 3]);
  const b = ag.ones([4]);
  for (const [op, fn] of [
    ['add', () => ag.add(a, b)],
    ['add', () => a.add(b)],
    ['sub', () => ag.sub(a, b)],
    ['mul', () => ag.mul(b, a)],
    ['div', () => a.div(b)],
  ] as [string, () => unknown][]) {
    throwsCleanly(fn, ag.ShapeError, [`${op}:`, '[2, 3]', '[4]'], op);
  }
  a.dispose();
  b.dispose();
});

opsMemory('mixed dtypes and bad arguments fail cleanly', () => {
  const a = ag.ones([2]);
  const b = ag.ones([2], { dtype: 'float64' });
  const e32 = ag.eye(2);
  const e64 = ag.eye(2, { dtype: 'float64' });
  throwsCleanly(() => ag.add(a, b), ag.DTypeError, ['add', 'float32', 'float64']);
  throwsCleanly(() => ag.matmul(e32, e64), ag.DTypeError, ['matmul', 'float32', 'float64']);
  throwsCleanly(() => ag.add(a, 'x' as unknown as number), ag.ArgumentError, ['add', 'string']);
  throwsCleanly(() => ag.sum(a, 3), ag.ArgumentError, ['sum', 'axis 3']);
  for (const t of [a, b, e32, e64]) t.dispose();
});

/** Operands made before each case is measured. */
interface Operands {
  x: ag.Tensor; // [1, 2, 3]
  m: ag.Tensor; // [[1, 2], [3, 4]]
  q: ag.Tensor; // ones [3, 3]
  v: ag.Tensor; // [1, 1]
}
function withOperands(body: (o: Operands) => void): void {
  const o: Operands = {
    x: ag.tensor([1, 2, 3]),
    m: ag.tensor([[1, 2], [3, 4]]),
    q: ag.ones([3, 3]),
    v: ag.tensor([1, 1]),
  };
  try {
    body(o);
  } finally {
    for (const t of Object.values(o)) t.dispose();
  }
}

// Each call must fail, and leave nothing allocated.
const failing: [string, (o: Operands) => unknown, ErrorClass, string[]][] = [
  ['matmul of 2-D operands with different inner sizes', ({ m, q }) => ag.matmul(m, q), ag.ShapeError, ['matmul', '[2, 2]', '[3, 3]']],
  ['matmul of a vector and a matrix with different inner sizes', ({ x, m }) => ag.matmul(x, m), ag.ShapeError, ['matmul', '[3]', '[2, 2]']],
  ['matmul of a matrix and a vector with different inner sizes', ({ x, m }) => m.matmul(x), ag.ShapeError, ['matmul', '[2, 2]', '[3]']],
  ['sum(f, x) with a bad axis', ({ x }) => ag.sum(ag.abs2, x, 5), ag.ArgumentError, ['sum', 'axis 5']],
  ['mean(f, x) with a bad axis', ({ x }) => ag.mean(ag.abs2, x, 5), ag.ArgumentError, ['mean', 'axis 5']],
  ['reshape to the wrong size', ({ x }) => x.reshape([2, 2]), ag.ShapeError, ['reshape', '[3]', '[2, 2]']],
  ['broadcastTo an incompatible shape', ({ x }) => x.broadcastTo([2, 2]), ag.ShapeError, ['broadcastTo']],
];
for (const [name, fn, E, fragments] of failing) {
  opsMemory(`a failed ${name} leaves memory unchanged`, () => {
    withOperands((o) => throwsCleanly(() => fn(o), E, fragments, name));
  });
}

// Outside any tidy, an op's result is the only thing it may leave alive:
// temporaries it makes (numbers turned into 0-d tensors, reshapes of 1-D
// matmul operands, intermediate sums) must not outlive the call.
const successful: [string, (o: Operands) => ag.Tensor, ag.NestedArray][] = [
  ['x.add(x)', ({ x }) => x.add(x), [2, 4, 6]],
  ['x.add(1) (a number operand)', ({ x }) => x.add(1), [2, 3, 4]],
  ['ag.mul(2, x)', ({ x }) => ag.mul(2, x), [2, 4, 6]],
  ['x.div(2)', ({ x }) => x.div(2), [0.5, 1, 1.5]],
  ['x.sum()', ({ x }) => x.sum(), 6],
  ['m.sum(0)', ({ m }) => m.sum(0), [4, 6]],
  ['m.sum(1, true)', ({ m }) => m.sum(1, true), [[3], [7]]],
  ['x.mean()', ({ x }) => x.mean(), 2],
  ['ag.sum(ag.abs2, x)', ({ x }) => ag.sum(ag.abs2, x), 14],
  ['ag.neg(x)', ({ x }) => ag.neg(x), [-1, -2, -3]],
  ['tidy(() => ag.sqrt(ag.abs2(x)))', ({ x }) => ag.tidy(() => ag.sqrt(ag.abs2(x))), [1, 2, 3]],
  ['m.matmul(m)', ({ m }) => m.matmul(m), [[7, 10], [15, 22]]],
  ['m.matmul(v) (a 1-D operand)', ({ m, v }) => m.matmul(v), [3, 7]],
  ['v.matmul(v) (two 1-D operands)', ({ v }) => v.matmul(v), 2],
  ['m.transpose()', ({ m }) => m.transpose(), [[1, 3], [2, 4]]],
  ['x.reshape([3, 1])', ({ x }) => x.reshape([3, 1]), [[1], [2], [3]]],
  ["x.cast('float64')", ({ x }) => x.cast('float64'), [1, 2, 3]],
];
for (const [name, fn, expected] of successful) {
  opsMemory(`${name} outside tidy: disposing the result returns memory to the start`, () => {
    withOperands((o) => {
      const before = held();
      const y = fn(o);
      assert.equal(y.toArray(), expected);
      y.dispose();
      assert.equal(delta(before, held()), NOTHING, `${name} left temporaries alive`);
    });
  });
}

report.run();
disposal.run();
scopes.run();
growth.run();
oom.run();
opsMemory.run();
