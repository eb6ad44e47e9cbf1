// Micro benchmark of the blocked factorization kernels (assembly/factor.ts)
// against matmul, called directly on raw pointers (no tensor or tape): the
// issue asks Cholesky and the triangular solve at n = 512 to run within 3x of
// matmul's rate for their FLOP count, i.e. at >= 1/3 of matmul's GFLOP/s.
//
//   GFLOP/s = flops / time, with flops = 2 n³ (matmul), n³ / 3 (cholesky),
//   n² k (solve_triangular, n x n triangle, k right-hand sides; k = n here).
//
// The kernels are measured interleaved, round by round (a sample of each in
// turn, repeated), so a burst of load from other processes hits all of them
// alike; each figure is the median of the samples, the best in parentheses.
// A sample repeats the call until it has run >= 20 ms. The load average is
// printed before and after: on a shared 2-core machine it is part of the
// result.
//
//   node --import tsx scripts/bench-factor.ts                 n = 256, 512; f32 and f64
//   node --import tsx scripts/bench-factor.ts --sizes 128,512 --dtype f32 --rounds 9
//   also: eigh, svd and qr timings (ms per call) with --all
import { loadavg } from 'node:os';
import { heapF32, heapF64, kernel, kernels, ready } from '../src/wasm/index';

type Fn = (...args: number[]) => number;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

await ready;
const sizes = (arg('sizes') ?? '256,512').split(',').map(Number);
const dtypes = (arg('dtype') ?? 'f32,f64').split(',');
const rounds = Math.max(3, Number(arg('rounds') ?? 7));
const all = process.argv.includes('--all');
const minMs = 20;

let seed = 12345;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32 - 0.5;
};

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average before: ${load()}`);
console.log(`GFLOP/s (median of ${rounds} interleaved samples, best in parentheses)`);

interface Row { name: string; flops: number; call: () => void; times: number[] }

function alloc(dt: string, values: Float64Array): number {
  const size = dt === 'f32' ? 4 : 8;
  const p = kernels().alloc(values.length * size + 16);
  if (dt === 'f32') heapF32().set(values, p >> 2);
  else heapF64().set(values, p >> 3);
  return p;
}

function sample(row: Row): void {
  const t0 = performance.now();
  let reps = 0;
  do {
    row.call();
    reps++;
  } while (performance.now() - t0 < minMs);
  row.times.push((performance.now() - t0) / reps);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const dt of dtypes) {
  for (const n of sizes) {
    const k = n;
    // An SPD matrix B Bᵀ / n + I, its Cholesky factor for the solve, and a right-hand side.
    const b = Float64Array.from({ length: n * n }, rand);
    const spd = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let p = 0; p < n; p++) s += b[i * n + p] * b[j * n + p];
        spd[i * n + j] = spd[j * n + i] = s / n + (i === j ? 1 : 0);
      }
    }
    const pa = alloc(dt, spd);
    const pl = alloc(dt, new Float64Array(n * n));
    const pb = alloc(dt, b);
    const pc = alloc(dt, new Float64Array(n * n));
    const px = alloc(dt, new Float64Array(n * k));
    const pw = alloc(dt, new Float64Array(Math.max(kernel<Fn>('cholesky_work')(n), kernel<Fn>('solve_triangular_work')(n, k), 1)));
    const cholesky = kernel<Fn>(`cholesky_${dt}`);
    const solve = kernel<Fn>(`solve_triangular_${dt}`);
    const matmul = kernel<Fn>(`matmul_${dt}`);
    if (cholesky(pa, pl, n, 1, pw) !== 0) throw new Error('cholesky failed on an SPD matrix');
    const rows: Row[] = [
      { name: `matmul ${dt}`, flops: 2 * n * n * n, call: () => matmul(pa, pb, pc, n, n, n, 0, 0), times: [] },
      { name: `cholesky ${dt}`, flops: (n * n * n) / 3, call: () => cholesky(pa, pl, n, 1, pw), times: [] },
      { name: `solve_triangular ${dt} (lower)`, flops: n * n * k, call: () => solve(pl, pb, px, n, k, 1, 1, 0, 0, pw), times: [] },
      { name: `solve_triangular ${dt} (lower, transposed)`, flops: n * n * k, call: () => solve(pl, pb, px, n, k, 1, 1, 1, 0, pw), times: [] },
    ];
    if (dt !== 'f32') {
      // The goal is stated against float32 matmul: measure it beside float64 too.
      const pa32 = alloc('f32', spd);
      const pb32 = alloc('f32', b);
      const pc32 = alloc('f32', new Float64Array(n * n));
      const mm32 = kernel<Fn>('matmul_f32');
      rows.unshift({ name: 'matmul f32', flops: 2 * n * n * n, call: () => mm32(pa32, pb32, pc32, n, n, n, 0, 0), times: [] });
    }
    // Warm-up: V8 tiers up each kernel within a few calls.
    const warmEnd = performance.now() + 500;
    while (performance.now() < warmEnd) for (const row of rows) row.call();
    for (let r = 0; r < rounds; r++) for (const row of rows) sample(row);
    const mm32 = rows.find((row) => row.name === 'matmul f32')!;
    const mmRate = mm32.flops / (median(mm32.times) * 1e6);
    console.log(`\n${dt} n = ${n} (k = ${k})`);
    for (const row of rows) {
      const rate = row.flops / (median(row.times) * 1e6);
      const best = row.flops / (Math.min(...row.times) * 1e6);
      const vs = row.name.startsWith('matmul') ? '' : `  ${(rate / mmRate).toFixed(2)} of matmul f32's rate`;
      console.log(`  ${row.name.padEnd(40)} ${rate.toFixed(1).padStart(6)} (${best.toFixed(1)}) GFLOP/s  ${median(row.times).toFixed(2).padStart(8)} ms${vs}`);
    }
  }
}

if (all) {
  console.log('\nms per call (median of 5)');
  for (const dt of dtypes) {
    for (const n of [64, 128, 256]) {
      const a = Float64Array.from({ length: n * n }, rand);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
      const pa = alloc(dt, a);
      const p1 = alloc(dt, new Float64Array(n * n));
      const p2 = alloc(dt, new Float64Array(n * n));
      const p3 = alloc(dt, new Float64Array(n));
      const pw = alloc(dt, new Float64Array(Math.max(kernel<Fn>('eigh_work')(n), kernel<Fn>('svd_work')(n, n), kernel<Fn>('qr_work')(n, n))));
      const time = (fn: () => void) => {
        const ts: number[] = [];
        for (let r = 0; r < 5; r++) {
          const t = performance.now();
          fn();
          ts.push(performance.now() - t);
        }
        return median(ts).toFixed(1);
      };
      const eigh = time(() => kernel<Fn>(`eigh_${dt}`)(pa, p3, p1, n, 1, pw));
      const svd = time(() => kernel<Fn>(`svd_${dt}`)(pa, p1, p3, p2, n, n, 1, pw));
      const qr = time(() => kernel<Fn>(`qr_${dt}`)(pa, p1, p2, n, n, 1, pw));
      console.log(`  ${dt} n = ${String(n).padEnd(4)} eigh ${eigh} ms   svd ${svd} ms   qr ${qr} ms`);
    }
  }
}
console.log(`\nload average after: ${load()}`);
