// Anomaly mode, mutation safety, running out of memory, leak reports.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ag from '../src/index';
import type { Tensor } from '../src/index';

const f64 = { dtype: 'float64' as const };
const snapshot = () => {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, bytesInUse: m.bytesInUse };
};

const anomaly = suite('anomaly mode (setDebug({ checkFinite }))');

anomaly.after.each(() => ag.setDebug({ checkFinite: false }));

anomaly('off by default: NaN flows through silently', () => {
  const y = ag.log(ag.tensor([-1]));
  assert.ok(Number.isNaN(y.item()));
});

anomaly('the first forward op producing NaN throws, naming the op, tape position and shapes', () => {
  ag.setDebug({ checkFinite: true });
  const w = ag.Param([1, 2, 3]);
  const before = snapshot();
  assert.throws(
    () => ag.diff(() => ag.sum(ag.log(ag.sub(w, 2)))),
    (e: Error) =>
      e instanceof ag.NonFiniteError && /^log at tape position 3 produced 2 non-finite value/.test(e.message) && /float32\[3\]/.test(e.message),
  );
  assert.equal(snapshot(), before, 'the failed diff freed what it recorded');
});

anomaly('the position named is the one the tape display gives, when the failing op is the first to use a Param', () => {
  const q = ag.Param([1e30, 1, 2]);
  const k = ag.Param([1, 2, 3]);
  // exp(k) is 2 (leaf k, then exp); mul(q, q) would be 4, after q's leaf at 3.
  const shown = ag.diff(() => ag.sum(ag.mul(ag.exp(k), ag.mul(q, 1e-30)))).toString();
  assert.match(shown, /4\. float32\[3\] = mul\(P\(float32\[3\]\)/);
  ag.setDebug({ checkFinite: true });
  assert.throws(() => ag.diff(() => ag.sum(ag.mul(ag.exp(k), ag.mul(q, q)))), /^mul at tape position 4 produced 1 non-finite/);
});

anomaly('a backward pass producing Infinity throws, naming the gradient rule', () => {
  ag.setDebug({ checkFinite: true });
  const w = ag.Param([0, 4]);
  const t = ag.diff(() => ag.sum(ag.sqrt(w))); // forward is finite, d/dw sqrt at 0 is Infinity
  assert.throws(() => ag.grad(t, w), (e: Error) => e instanceof ag.NonFiniteError && /^div \(computing the gradient of sqrt for argument 1, tape position 2\) produced 1 non-finite/.test(e.message));
  t.dispose();
});

anomaly.run();

const mutation = suite('mutation safety (version counters)');

mutation('axpy on a Param before grad is an error naming the op and the tensor', () => {
  const w = ag.Param([1, 2], f64);
  const x = ag.tensor([3, 4], f64);
  const t = ag.diff(() => ag.sum(ag.mul(w, x)));
  ag.axpy(-0.1, x, w);
  assert.throws(() => ag.grad(t, w), /mul \(tape position 2\): argument 1, a float64 tensor of shape \[2\], was modified in place after it was recorded \(its memory has been written 1 time\(s\)\)/);
  t.dispose();
});

mutation('the same update after grad works (the README loop)', () => {
  const w = ag.Param([1, 2], f64);
  const b = ag.Param([0.5], f64);
  const x = ag.tensor([3, 4], f64);
  const t = ag.diff(() => ag.sum(ag.add(ag.mul(w, ag.mul(w, x)), b)));
  for (const p of [w, b]) ag.axpy(-0.1, ag.grad(t, p)!, p);
  const got = Array.from(w.data());
  assert.ok(Math.abs(got[0] - 0.4) < 1e-12 && Math.abs(got[1] - 0.4) < 1e-12, `w = ${got}`);
  t.dispose();
});

mutation.run();

const oom = suite('running out of memory');

oom('an allocation beyond what memory can grow to names the bytes, and the library keeps working', () => {
  const script = `
    import * as ag from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
    const keep = ag.zeros([1000]);
    let message = '';
    try { ag.zeros([64 * 1024 * 1024]); } catch (e) { message = e.constructor.name + ': ' + e.message; }
    const after = ag.memory();
    const y = ag.sum(ag.add(keep, 1)).item();
    const big = ag.zeros([4 * 1024 * 1024]); // 16 MB still fits under 64 MB
    console.log(JSON.stringify({ message, live: after.liveTensors, bytes: after.bytesInUse, y, big: big.size }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, AUTOGRAD_MAX_MEMORY_MB: '64' },
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.match(r.message, /^OutOfMemoryError: zeros: out of WebAssembly memory allocating 268435456 bytes \(4000 bytes in use by 1 tensors/);
  assert.is(r.live, 1);
  assert.is(r.bytes, 4000);
  assert.is(r.y, 1000);
  assert.is(r.big, 4 * 1024 * 1024);
});

oom('small blocks recycled on the JavaScript side go back to the allocator before an allocation fails', () => {
  // Fill memory with 256-byte tensors, free a thousand of them (they wait in
  // the small-block pool), then ask for a thousand 128-byte ones: only the
  // pooled blocks can hold them.
  const script = `
    import * as ag from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
    const held = [];
    let full = '';
    for (;;) {
      try { held.push(ag.zeros([64])); } catch (e) { full = e.constructor.name; break; }
    }
    for (let i = 0; i < 1000; i++) held.pop().dispose();
    const small = [];
    let error = '';
    try { for (let i = 0; i < 1000; i++) small.push(ag.zeros([32])); } catch (e) { error = e.message; }
    console.log(JSON.stringify({ full, error, made: small.length, live: ag.memory().liveTensors, expected: held.length + small.length }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, AUTOGRAD_MAX_MEMORY_MB: '16' },
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.is(r.full, 'OutOfMemoryError');
  assert.is(r.error, '');
  assert.is(r.made, 1000);
  assert.is(r.live, r.expected);
});

oom('with memory full before the first op of its kind, the kernels\' own scratch space fails as an OutOfMemoryError naming the limit', () => {
  const script = `
    import * as ag from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
    const a = ag.tensor([1, 2, 3]);
    const hold = [];
    try { for (;;) hold.push(ag.zeros([1000])); } catch {}
    try { for (;;) hold.push(ag.zeros([1])); } catch {}
    let error = null;
    try { for (let i = 0; i < 3; i++) ag.add(a, ag.tensor([[1], [2]])); } catch (e) { error = { name: e.constructor.name, message: e.message, autograd: e instanceof ag.AutogradError }; }
    console.log(JSON.stringify(error));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, AUTOGRAD_MAX_MEMORY_MB: '16' },
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.is(r.name, 'OutOfMemoryError');
  assert.ok(r.autograd);
  assert.match(r.message, /memory cannot grow beyond 16777216 bytes \(AUTOGRAD_MAX_MEMORY_MB=16\)$/);
});

oom('a malformed AUTOGRAD_MAX_MEMORY_MB is an error at load, not a limit silently ignored', () => {
  for (const bad of ['abc', '16MB', '-5']) {
    let message = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import * as ag from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)}; ag.zeros([2]);`], {
        env: { ...process.env, AUTOGRAD_MAX_MEMORY_MB: bad },
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      message = String((e as { stderr?: string }).stderr);
    }
    assert.match(message, new RegExp(`AUTOGRAD_MAX_MEMORY_MB must be a positive number of megabytes \\(e\\.g\\. 512\\), got "${bad}"`), bad);
  }
});

oom('a malformed AUTOGRAD_THREADS is an error at load, not a setting silently ignored', () => {
  for (const bad of ['abc', '0', '2.5']) {
    let message = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import * as ag from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)}; ag.zeros([2]);`], {
        env: { ...process.env, AUTOGRAD_THREADS: bad },
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      message = String((e as { stderr?: string }).stderr);
    }
    assert.match(message, new RegExp(`AUTOGRAD_THREADS must be a positive integer number of threads \\(e\\.g\\. 2\\), got "${bad.replace('.', '\\.')}"`), bad);
  }
});

oom('even without a limit, a request beyond 4 GiB fails cleanly', () => {
  const before = snapshot();
  assert.throws(() => ag.zeros([2 ** 31 - 1, 1], f64), (e: Error) => e instanceof ag.OutOfMemoryError && /zeros: shape \[2147483647, 1\] of float64 needs 17179869176 bytes; a single tensor holds at most 1073741820 bytes/.test(e.message));
  assert.equal(snapshot(), before);
  assert.is(ag.sum(ag.ones([3])).item(), 3);
});

oom.run();

const leaks = suite('leak reports');

leaks('trackAllocations names the line that leaked', () => {
  ag.setDebug({ trackAllocations: true });
  try {
    const leaked: Tensor[] = [];
    for (let i = 0; i < 3; i++) leaked.push(ag.ones([4])); // the leaking line
    const report = ag.leakReport();
    const top = report.entries[0];
    assert.is(top.count, 3);
    assert.is(top.bytes, 48);
    assert.match(top.site, /reliability\.test\.ts:\d+/);
    assert.match(report.toString(), /3 tensors\s+48 bytes/);
    for (const t of leaked) t.dispose();
    assert.is(ag.leakReport().entries.length, 0);
  } finally {
    ag.setDebug({ trackAllocations: false });
  }
  assert.throws(() => ag.leakReport(), /trackAllocations/);
});

leaks('tensors made by Tensor methods and by grad are traced to the user\'s line, however deep the library\'s frames', () => {
  ag.setDebug({ trackAllocations: true });
  try {
    const a = ag.tensor([1, 2, 3]);
    const b = a.mul(2).tanh().exp(); // methods: several library frames deep
    const p = ag.Param([1, 2]);
    const t = ag.diff(() => ag.sum(ag.tanh(p)));
    const g = ag.grad(t, p)!;
    const sites = ag.leakReport().entries.map((e) => e.site);
    assert.ok(sites.length > 0);
    for (const site of sites) assert.match(site, /reliability\.test\.ts:\d+/, `a tensor traced to ${site}`);
    for (const x of [a, b, g, p]) x.dispose();
    t.dispose();
  } finally {
    ag.setDebug({ trackAllocations: false });
  }
});

leaks.run();

const growth = suite('typed-array views after memory growth');

growth('growth that hands out a block below the old end still refreshes the views (regression)', () => {
  // The bench's repro: memory grows while the allocator returns a block that
  // ends below the old end of memory; views must not stay detached.
  ag.tidy(() => {
    const a = ag.ones([256, 256]);
    ag.matmul(a, a);
    const b = ag.full([512, 512], 2);
    const c = ag.tensor(new Float32Array(512 * 512).fill(3), { shape: [512, 512] });
    assert.is(ag.sum(b).item(), 2 * 512 * 512);
    assert.is(c.data()[512 * 512 - 1], 3);
  });
});

growth.run();
