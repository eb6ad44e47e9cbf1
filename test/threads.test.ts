// The worker pool (src/wasm/pool.ts): every threaded kernel gives results
// bit-identical to one thread, on random and odd shapes (tails, one-row and
// one-column products, transposes, both dtypes); a kernel that fails in a
// worker or on the main thread throws instead of hanging and leaves the pool
// usable; memory that grows during or between dispatches is seen by the
// workers; an ordinary (unshared) memory runs on one thread; and a process
// that used the pool exits when its work ends.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ag from '../src/index';
import { heapF32, kernels, memoryBytes } from '../src/wasm/index';
import { MIN_PARALLEL_NS, poolHooks, readyWorkers, runParallel, threadsReady, threadsUnavailable } from '../src/wasm/pool';
import { DONE, TICKET } from '../src/wasm/pool-layout';

type Tensor = ag.Tensor;
const repo = fileURLToPath(new URL('..', import.meta.url));

/** A small deterministic generator for shapes. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** Runs `fn` with n threads (workers warm), returns its result's bytes. */
async function withThreads(n: number, fn: () => Tensor): Promise<ag.TensorArray> {
  ag.setThreads(n);
  await threadsReady();
  return ag.tidy(() => fn().data());
}

function sameBits(a: ag.TensorArray, b: ag.TensorArray): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `element ${Math.floor(i / a.BYTES_PER_ELEMENT)}: ${a[Math.floor(i / a.BYTES_PER_ELEMENT)]} vs ${b[Math.floor(i / a.BYTES_PER_ELEMENT)]}`;
  return null;
}

/**
 * fn on 1 thread, then on 2 and 3: the same bits every time. Every kernel
 * that can be split is (no minimum size), and some must have been.
 */
async function assertSameOnThreads(what: string, fn: () => Tensor): Promise<void> {
  const one = await withThreads(1, fn);
  for (const n of [2, 3]) {
    const jobs = poolHooks.jobs;
    poolHooks.minParallelNs = 0;
    let many: ag.TensorArray;
    try {
      many = await withThreads(n, fn);
    } finally {
      poolHooks.minParallelNs = MIN_PARALLEL_NS;
    }
    assert.ok(poolHooks.jobs > jobs, `${what}: nothing ran on the pool`);
    const diff = sameBits(one, many);
    assert.is(diff, null, `${what}: 1 vs ${n} threads differ at ${diff}`);
  }
}

const defaultThreads = ag.threads();

const pool = suite('worker pool');

pool.after(() => {
  poolHooks.afterPublish = null;
  ag.setThreads(defaultThreads);
});

pool('Node has shared memory: threads() defaults to the cores, setThreads changes it and says what it got', async () => {
  assert.is(threadsUnavailable(), null);
  assert.ok(defaultThreads >= 1);
  assert.is(ag.setThreads(3), 3);
  assert.is(ag.threads(), 3);
  assert.is(await threadsReady(), 3);
  assert.is(readyWorkers(), 2, 'two workers beside the main thread');
  assert.is(ag.setThreads(1), 1);
  assert.is(readyWorkers(), 0, 'one thread: no worker takes part');
  const jobs = poolHooks.jobs;
  ag.tidy(() => ag.matmul(ag.ones([300, 300]), ag.ones([300, 300])));
  assert.is(poolHooks.jobs, jobs, 'one thread: nothing is dispatched');
  assert.is(ag.setThreads(2), 2);
  assert.is(readyWorkers(), 1, 'back to two: a started worker takes part again at once');
  for (const bad of [0, -1, 1.5, NaN, '2' as unknown as number]) {
    assert.throws(() => ag.setThreads(bad), (e: Error) => e instanceof RangeError && /setThreads: n must be a positive integer/.test(e.message));
  }
});

pool('matmul: bit-identical on 1, 2 and 3 threads for random and odd shapes, both transposes, float32 and float64', async () => {
  const next = rng(15);
  const shapes: [number, number, number][] = [[256, 256, 256], [97, 301, 133], [301, 97, 65], [2, 700, 129], [700, 2, 300], [160, 160, 1], [513, 9, 257]];
  for (let i = 0; i < 6; i++) shapes.push([2 + next(300), 2 + next(300), 1 + next(300)]);
  for (const [m, n, k] of shapes) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
        ag.seed(m * 7 + n);
        const a = ag.keep(ag.randn(transposeA ? [k, m] : [m, k], { dtype }));
        const b = ag.keep(ag.randn(transposeB ? [n, k] : [k, n], { dtype }));
        await assertSameOnThreads(`matmul ${m}x${k} @ ${k}x${n} ${dtype} tA=${transposeA} tB=${transposeB}`, () => ag.matmul(a, b, { transposeA, transposeB }));
        a.dispose();
        b.dispose();
      }
    }
  }
});

pool('batched matmul: bit-identical across threads, with broadcast batch axes and a batch of one', async () => {
  for (const [sa, sb] of [[[6, 70, 90], [6, 90, 80]], [[3, 1, 65, 130], [1, 5, 130, 33]], [[1, 200, 150], [1, 150, 170]], [[7, 129, 3], [3, 200]]] as [number[], number[]][]) {
    for (const dtype of ['float32', 'float64'] as const) {
      ag.seed(sa.length);
      const a = ag.keep(ag.randn(sa, { dtype }));
      const b = ag.keep(ag.randn(sb, { dtype }));
      await assertSameOnThreads(`matmul [${sa}] @ [${sb}] ${dtype}`, () => ag.matmul(a, b));
      a.dispose();
      b.dispose();
    }
  }
});

pool('conv2d and its two gradients: bit-identical across threads (strides, padding, dilation, groups, 1x1, odd sizes, both dtypes)', async () => {
  const cases: [number[], number[], ag.Conv2dOptions][] = [
    [[13, 3, 17, 15], [8, 3, 3, 3], { padding: 1 }],
    [[9, 4, 12, 11], [6, 2, 3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 }],
    [[20, 5, 7, 9], [7, 5, 1, 1], {}],
    [[33, 1, 10, 10], [4, 1, 5, 5], { stride: 2, padding: 2 }],
  ];
  for (const [xs, ws, options] of cases) {
    for (const dtype of ['float32', 'float64'] as const) {
      ag.seed(xs[0]);
      const x = ag.keep(ag.randn(xs, { dtype }));
      const w = ag.keep(ag.randn(ws, { dtype }));
      const y = ag.conv2d(x, w, options);
      const dy = ag.keep(ag.randn(y.shape, { dtype }));
      y.dispose();
      const what = `conv2d x [${xs}] w [${ws}] ${JSON.stringify(options)} ${dtype}`;
      await assertSameOnThreads(`${what}: forward`, () => ag.conv2d(x, w, options));
      await assertSameOnThreads(`${what}: gradient for x`, () => ag.grad((a: Tensor) => ag.sum(ag.mul(ag.conv2d(a, w, options), dy)))(x) as Tensor);
      await assertSameOnThreads(`${what}: gradient for w`, () => ag.grad((b: Tensor) => ag.sum(ag.mul(ag.conv2d(x, b, options), dy)))(w) as Tensor);
      for (const t of [x, w, dy]) t.dispose();
    }
  }
});

pool('elementwise kernels, softmax, reductions along an axis and pooling: bit-identical across threads, odd lengths', async () => {
  ag.seed(6);
  for (const dtype of ['float32', 'float64'] as const) {
    const x = ag.keep(ag.randn([37, 1001], { dtype }));
    const p = ag.keep(ag.add(ag.abs(x), 0.5));
    const unary: [string, (t: Tensor) => Tensor][] = [
      ['exp', ag.exp], ['log', () => ag.log(p)], ['tanh', ag.tanh], ['sigmoid', ag.sigmoid], ['relu', ag.relu], ['sqrt', () => ag.sqrt(p)],
      ['gelu', ag.gelu], ['erf', ag.erf], ['erfc', ag.erfc], ['sin', ag.sin], ['softplus', ag.softplus], ['elu', (t) => ag.elu(t)],
      ['clamp', (t) => ag.clamp(t, -0.5, 0.7)], ['lgamma', () => ag.lgamma(p)],
    ];
    for (const [name, f] of unary) await assertSameOnThreads(`${name} ${dtype}`, () => f(x));
    await assertSameOnThreads(`softmax ${dtype}`, () => ag.softmax(x, 1));
    await assertSameOnThreads(`logSoftmax along the middle axis ${dtype}`, () => ag.logSoftmax(ag.reshape(x, [37, 7, 143]), 1));
    // (split by the axes before the reduced one: a reduction over axis 0 runs on one thread)
    const cube = ag.keep(ag.reshape(ag.slice(x, [0, 36]), [9, 4, 1001]));
    for (const axis of [1, 2]) {
      await assertSameOnThreads(`sum axis ${axis} ${dtype}`, () => ag.sum(cube, axis));
      await assertSameOnThreads(`max axis ${axis} ${dtype}`, () => ag.max(cube, axis));
      await assertSameOnThreads(`logsumexp axis ${axis} ${dtype}`, () => ag.logsumexp(cube, axis));
      await assertSameOnThreads(`variance axis ${axis} ${dtype}`, () => ag.variance(cube, axis));
    }
    const images = ag.keep(ag.reshape(ag.slice(x, [0, 36], [0, 1000]), [6, 6, 25, 40]));
    await assertSameOnThreads(`maxPool2d 2 ${dtype}`, () => ag.maxPool2d(images, 2));
    await assertSameOnThreads(`maxPool2d 3, stride 2, padding 1 ${dtype}`, () => ag.maxPool2d(images, 3, { stride: 2, padding: 1 }));
    await assertSameOnThreads(`avgPool2d 2 ${dtype}`, () => ag.avgPool2d(images, 2));
    for (const [name, pool] of [['max', (t: Tensor) => ag.maxPool2d(t, 2)], ['max 3x3', (t: Tensor) => ag.maxPool2d(t, 3, { stride: 2, padding: 1 })], ['avg', (t: Tensor) => ag.avgPool2d(t, 2)]] as const) {
      await assertSameOnThreads(`${name} pool gradient ${dtype}`, () => ag.grad((t: Tensor) => ag.sum(ag.mul(pool(t), pool(t))))(images) as Tensor);
      // the second-order path runs the gather kernel
      await assertSameOnThreads(`${name} pool second order ${dtype}`, () => ag.grad((t: Tensor) => ag.sum(ag.abs2(ag.grad((u: Tensor) => ag.sum(ag.abs2(pool(u))))(t) as Tensor)))(images) as Tensor);
    }
    for (const t of [x, p, cube, images]) t.dispose();
  }
});

pool('optimizer steps (sgd with and without momentum, adam, rmsprop): bit-identical parameters across threads', async () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, make] of [
      ['sgd', () => ag.sgd({ lr: 0.1 })], ['sgd momentum', () => ag.sgd({ lr: 0.1, momentum: 0.9, nesterov: true })],
      ['adam', () => ag.adam({ lr: 0.01, weightDecay: 0.1 })], ['rmsprop', () => ag.rmsprop({ lr: 0.01, momentum: 0.5 })],
    ] as [string, () => ag.Optimizer][]) {
      await assertSameOnThreads(`${name} ${dtype}`, () => {
        ag.seed(8);
        const w = ag.Param(ag.randn([301, 257], { dtype }));
        const opt = make();
        for (let i = 0; i < 3; i++) {
          const tape = ag.diff(() => ag.sum(ag.abs2(ag.sin(w))));
          opt.step(tape, [w]);
          tape.dispose();
        }
        opt.dispose();
        return w;
      });
    }
  }
});

pool('a kernel that traps in a worker throws on the main thread, names the kernel, and the pool keeps working', async () => {
  ag.setThreads(2);
  await threadsReady();
  // every chunk writes past the end of memory: whoever runs it traps
  const end = memoryBytes();
  let workerTookAll = false;
  poolHooks.afterPublish = (ctl) => {
    // let the worker claim (and fail) every chunk before the main thread looks
    const started = Date.now();
    while (Atomics.load(ctl, DONE) < 4 && Date.now() - started < 5000);
    workerTookAll = (Atomics.load(ctl, TICKET) & 0xffff) === 4;
  };
  try {
    assert.throws(
      () => runParallel({ kernel: 'fill_f32', args: [end, 0, 1], scales: [4096, 0, 0], lenIndex: 1, units: 4096, grain: 1024 }),
      (e: Error) => /kernel fill_f32 failed in a worker thread: .*out of bounds/i.test(e.message),
    );
  } finally {
    poolHooks.afterPublish = null;
  }
  assert.ok(workerTookAll, 'the worker ran the failing chunks');
  ag.seed(3);
  const a = ag.keep(ag.randn([200, 300]));
  await assertSameOnThreads('matmul after a failed dispatch', () => ag.matmul(a, a, { transposeB: true }));
  a.dispose();
});

pool('a kernel that traps on the main thread cancels the rest and waits for the workers before throwing', async () => {
  ag.setThreads(2);
  await threadsReady();
  const end = memoryBytes();
  let seen: Int32Array | null = null;
  poolHooks.afterPublish = (ctl) => {
    seen = ctl;
  };
  try {
    assert.throws(
      () => runParallel({ kernel: 'fill_f32', args: [end, 0, 1], scales: [4096, 0, 0], lenIndex: 1, units: 64 * 1024, grain: 1024 }),
      (e: Error) => e instanceof WebAssembly.RuntimeError || /failed in a worker thread/.test(e.message),
    );
  } finally {
    poolHooks.afterPublish = null;
  }
  assert.ok(seen !== null);
  assert.is(Atomics.load(seen!, DONE), 64, 'every chunk counted done (run or cancelled) before the throw');
  const x = ag.keep(ag.randn([300, 300]));
  await assertSameOnThreads('matmul after a failure on the main thread', () => ag.matmul(x, x));
  x.dispose();
});

pool('memory that grows during a dispatch, and between dispatches, is seen by the workers', async () => {
  ag.setThreads(2);
  await threadsReady();
  ag.seed(4);
  const a = ag.keep(ag.randn([400, 300]));
  const b = ag.keep(ag.randn([300, 500]));
  const expected = await withThreads(1, () => ag.matmul(a, b));
  ag.setThreads(2);
  await threadsReady();
  const before = memoryBytes();
  const k = kernels();
  const GROW = 64 * 1024 * 1024;
  const blocks: number[] = [];
  poolHooks.afterPublish = () => {
    // grow memory while the workers run their chunks (blocks until one does not fit in the free space)
    while (memoryBytes() === before && blocks.length < 64) blocks.push(k.alloc(GROW));
  };
  let during: ag.TensorArray;
  try {
    during = ag.tidy(() => ag.matmul(a, b).data());
  } finally {
    poolHooks.afterPublish = null;
  }
  assert.ok(memoryBytes() > before, `memory grew (${before} -> ${memoryBytes()})`);
  const block = blocks[blocks.length - 1];
  assert.ok(block + GROW > before, 'the last block reaches into the grown memory');
  assert.is(sameBits(expected, during!), null, 'a product computed while memory grew');
  // the operands and the product placed at the end of the new block, past the old end of memory
  const [pa, pb, pc] = [block + GROW - 3 * 1024 * 1024, block + GROW - 2 * 1024 * 1024, block + GROW - 1024 * 1024];
  assert.ok(pa >= before);
  k.copy_bytes(pa, a._ptr, 400 * 300 * 4);
  k.copy_bytes(pb, b._ptr, 300 * 500 * 4);
  for (const n of [1, 2, 3]) {
    ag.setThreads(n);
    await threadsReady();
    k.fill_f32(pc, 400 * 500, NaN);
    k.matmul_f32(pa, pb, pc, 400, 500, 300, 0, 0);
    const got = heapF32().slice(pc >>> 2, (pc >>> 2) + 400 * 500);
    assert.is(sameBits(expected, got), null, `${n} threads on memory past the old end`);
  }
  for (const b of blocks) k.free(b);
  a.dispose();
  b.dispose();
});

/** Runs a script in a child Node (with tsx), returns its exit code, output and how long it took. */
function child(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, timeout: 60000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: stdout.trim(), err: stderr, ms: Date.now() - started });
    });
  });
}

pool('a process that used the pool exits when its work is done (idle workers do not keep it alive)', async () => {
  const r = await child(`
    import * as ag from './src/index.ts';
    import { threadsReady, readyWorkers } from './src/wasm/pool.ts';
    ag.setThreads(2);
    await threadsReady();
    const a = ag.randn([300, 300]);
    ag.matmul(a, a).dispose();
    console.log('workers', readyWorkers(), 'threads', ag.threads());
  `);
  assert.is(r.code, 0, `the child failed or was killed after 60 s: ${r.err}`);
  assert.is(r.out, 'workers 1 threads 2');
});

pool('an ordinary (unshared) memory: one thread, whatever setThreads asks, and the same results', async () => {
  const r = await child(
    `
    import * as ag from './src/index.ts';
    import { threadsUnavailable } from './src/wasm/pool.ts';
    ag.seed(5);
    const a = ag.randn([150, 170]), b = ag.randn([170, 90]);
    const c = ag.matmul(a, b).data();
    const x = a.data(), y = b.data();
    let worst = 0;
    for (let i = 0; i < 150; i++) for (let j = 0; j < 90; j++) {
      let s = 0;
      for (let p = 0; p < 170; p++) s += x[i * 170 + p] * y[p * 90 + j];
      worst = Math.max(worst, Math.abs(s - c[i * 90 + j]));
    }
    console.log(ag.setThreads(4), ag.threads(), worst < 1e-3, threadsUnavailable());
  `,
    { AUTOGRAD_SHARED_MEMORY: '0' },
  );
  assert.is(r.code, 0, r.err);
  assert.is(r.out, '1 1 true the WebAssembly memory is not shared here');
});

pool.run();
