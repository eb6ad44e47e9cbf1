// What forward mode costs here: a Jacobian-vector product (ag.jvp, the
// double-VJP construction of src/core/transforms.ts) against one reverse
// pass (ag.grad: forward under the tape + backward) of the same function,
// on three workloads; and the Jacobian of a 2-input, 400-step simulation by
// columns (jacfwd) and by rows (jacrev). The rule: double-VJP is
// acceptable if a jvp costs less than 2 reverse passes.
//
// All timings are interleaved round by round (each workload's variants one
// after the other, repeated), medians of CPU time per call; the load
// average is printed before and after (2 cores shared: it is part of the
// result).
//
//   node --import tsx scripts/bench-transforms.ts [--rounds 9]

import { loadavg } from 'node:os';
import { projectileWith } from '../bench/ours';
import type * as Lib from '../src/index';

// The built library, as users run it (the source through tsx carries
// esbuild's name-keeping wrappers around every closure, which slowed the
// closure-heavy tangent sweep by about 2x there and not in dist/).
const built = '../dist/autograd.mjs';
const ag = (await import(built)) as typeof Lib;
const simulate = (p: Lib.Tensor, steps: number) => projectileWith(ag, p, steps);

/** The simulation of the bench's Jacobian rows (bench/ours.ts), 400 steps. */
const projectile = (p: Lib.Tensor) => simulate(p, 400);

type T = Lib.Tensor;
const f64 = { dtype: 'float64' as const };
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg('rounds') ?? 9);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

interface Variant { name: string; call: () => unknown; times: number[] }

function sample(v: Variant, minMs: number): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let reps = 0;
  do {
    ag.tidy(() => {
      v.call();
    });
    reps++;
  } while (performance.now() - t0 < minMs);
  const c = process.cpuUsage(c0);
  v.times.push((c.user + c.system) / 1000 / reps);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function compare(title: string, variants: Variant[], minMs = 40): Map<string, number> {
  for (const v of variants) for (let i = 0; i < 3; i++) ag.tidy(() => void v.call()); // warm-up
  for (let r = 0; r < rounds; r++) for (const v of r % 2 === 0 ? variants : [...variants].reverse()) sample(v, minMs);
  console.log(`\n${title}`);
  const out = new Map<string, number>();
  const base = median(variants[0].times);
  for (const v of variants) {
    const m = median(v.times);
    out.set(v.name, m);
    console.log(`  ${v.name.padEnd(44)} ${m.toFixed(3).padStart(9)} ms  ${(m / base).toFixed(2)}x`);
  }
  return out;
}

console.log(`load average before: ${load()}`);
console.log(`CPU ms per call, median of ${rounds} interleaved samples; ratios against the first line`);

// 1. a scalar chain: tape overhead dominates
{
  const w = ag.tensor(0.9, f64);
  const b = ag.tensor(0.1, f64);
  const chain = (x: T) => {
    let h = x;
    for (let i = 0; i < 250; i++) h = ag.tanh(ag.add(ag.mul(h, w), b));
    return h;
  };
  const x = ag.tensor(0.5, f64);
  const v = ag.tensor(1, f64);
  compare('250 x tanh(x*w + b), scalar, float64', [
    { name: 'reverse pass: grad(f)(x)', call: () => ag.grad(chain)(x), times: [] },
    { name: 'jvp(f, [x], [v])', call: () => ag.jvp(chain, [x], [v]), times: [] },
  ]);
}

// 2. an MLP loss: kernels dominate
{
  ag.seed(5);
  const x = ag.randn([128, 256]);
  const w2 = ag.mul(ag.randn([128, 10]), 0.1);
  const labels = Array.from({ length: 128 }, (_, i) => i % 10);
  const loss = (w1: T) => ag.crossEntropy(ag.matmul(ag.tanh(ag.matmul(x, w1)), w2), labels);
  const w1 = ag.mul(ag.randn([256, 128]), 0.06);
  const v = ag.randn([256, 128]);
  compare('MLP loss 256-128-10, batch 128, float32, with respect to W1', [
    { name: 'reverse pass: grad(loss)(W1)', call: () => ag.grad(loss)(w1), times: [] },
    { name: 'jvp(loss, [W1], [V])', call: () => ag.jvp(loss, [w1], [v]), times: [] },
  ]);
}

// 3. the simulation, and its Jacobian both ways
{
  const p = ag.tensor([20, 0.8], f64);
  const e = ag.tensor([1, 0], f64);
  const total = (q: T) => ag.sum(projectile(q));
  compare('projectile, 400 steps, 2 inputs -> 400 heights, float64', [
    { name: 'reverse pass: grad(sum of heights)(p)', call: () => ag.grad(total)(p), times: [] },
    { name: 'jvp(heights, [p], [e0])', call: () => ag.jvp(projectile, [p], [e]), times: [] },
    { name: 'jacfwd(heights)(p): [400, 2]', call: () => ag.jacfwd(projectile)(p), times: [] },
  ]);
  const jac = compare('the same Jacobian by rows (one backward pass per output)', [
    { name: 'jacfwd(heights)(p)', call: () => ag.jacfwd(projectile)(p), times: [] },
    { name: 'jacrev(heights)(p)', call: () => ag.jacrev(projectile)(p), times: [] },
  ], 1);
  console.log(`  forward mode is ${(jac.get('jacrev(heights)(p)')! / jac.get('jacfwd(heights)(p)')!).toFixed(0)}x faster here`);
}

console.log(`\nload average after: ${load()}`);
