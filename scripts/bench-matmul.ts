// Micro benchmark of the matmul kernels (assembly/matmul.ts), called directly
// on raw pointers (no tensor or tape overhead): GFLOP/s = 2 M N K / time,
// float32 and float64, each transpose combination. Each figure is the median
// of >= 7 timed samples after a warm-up; a sample repeats the call until it
// has run >= 20 ms. The best sample is printed too: on a machine shared with
// other jobs it is the steadier figure.
//
//   node --import tsx scripts/bench-matmul.ts                  N = 64 .. 1024
//   node --import tsx scripts/bench-matmul.ts --sizes 64,256   some sizes
//   node --import tsx scripts/bench-matmul.ts --dtype f32 --trans nn,tn
//   node --import tsx scripts/bench-matmul.ts --shapes 128x784x256,784x128x256
//     (M x K x N of op(A) op(B), e.g. the MLP 784-256-10 at batch 128)
//   node --import tsx scripts/bench-matmul.ts --clock cpu --samples 15 --repeat 3
//     (times by this process's CPU time: the wall clock also counts the time
//     slices other processes get on a busy machine; --repeat R runs the table
//     R times and keeps each cell's highest median)
//   node --import tsx scripts/bench-matmul.ts --wasm /tmp/matmul.wasm
//
// --wasm loads a module compiled from assembly/matmul.ts alone, for quick
// iteration without rebuilding the library; from a directory holding copies
// of assembly/matmul.ts, simd.ts and strided.ts (asc picks up the project's
// asconfig.json when run in the project):
//   npx asc matmul.ts -O3 --noAssert --runtime minimal --enable simd \
//     --importMemory -o /tmp/matmul.wasm
// Without it the library's own embedded kernels are used.
import { readFileSync } from 'node:fs';

type Matmul = (a: number, b: number, c: number, m: number, n: number, k: number, tA: number, tB: number) => void;
interface Backend {
  f32: Matmul;
  f64: Matmul;
  alloc(bytes: number): number;
  buffer(): ArrayBuffer;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function backend(): Promise<Backend> {
  const path = arg('wasm');
  if (path === undefined) {
    const w = await import('../src/wasm/index');
    await w.ready;
    const k = w.kernels();
    // heapU8 notices a grown memory by itself (the old buffer is detached).
    const buffer = () => w.heapU8().buffer as ArrayBuffer;
    return { f32: k.matmul_f32, f64: k.matmul_f64, alloc: (n) => k.alloc(n), buffer };
  }
  // Standalone module: its static data sits low, so operands start at 4 MiB.
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(readFileSync(path), {
    env: { memory, abort: () => { throw new Error('abort'); } },
  });
  const ex = instance.exports as unknown as { matmul_f32: Matmul; matmul_f64: Matmul };
  let top = 4 << 20;
  return {
    f32: ex.matmul_f32,
    f64: ex.matmul_f64,
    alloc(bytes) {
      const p = top;
      top += (bytes + 63) & ~63;
      const need = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
      if (need > 0) memory.grow(need);
      return p;
    },
    buffer: () => memory.buffer,
  };
}

const be = await backend();
const shapes: [number, number, number][] = arg('shapes') !== undefined
  ? arg('shapes')!.split(',').map((s) => s.split('x').map(Number) as [number, number, number])
  : (arg('sizes') ?? '64,128,256,512,1024').split(',').map((s) => [Number(s), Number(s), Number(s)]);
const dtypes = (arg('dtype') ?? 'f32,f64').split(',');
const transList = (arg('trans') ?? 'nn,tn,nt,tt').split(',');
const samples = Math.max(7, Number(arg('samples') ?? 7));
const minMs = Number(arg('min-ms') ?? 20);
const cpuClock = arg('clock') === 'cpu';
const now = cpuClock
  ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  : () => performance.now();

// Operands filled by a seeded generator.
let seed = 12345;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32 - 0.5;
};

/** Spot check of a few elements of C against a plain dot product. */
function check(dt: string, pa: number, pb: number, pc: number, m: number, k: number, n: number, tA: boolean, tB: boolean): void {
  const V = dt === 'f32' ? Float32Array : Float64Array;
  const buf = be.buffer();
  const A = new V(buf, pa, m * k);
  const B = new V(buf, pb, k * n);
  const C = new V(buf, pc, m * n);
  for (const [i, j] of [[0, 0], [m - 1, n - 1], [m >> 1, (n >> 2) + 1], [m - 1, 0]]) {
    if (j >= n) continue;
    let s = 0;
    let mag = 0;
    for (let p = 0; p < k; p++) {
      const t = (tA ? A[p * m + i] : A[i * k + p]) * (tB ? B[j * k + p] : B[p * n + j]);
      s += t;
      mag += Math.abs(t);
    }
    if (!(Math.abs(s - C[i * n + j]) <= 2 ** -23 * (k + 2) * mag)) {
      throw new Error(`${dt} ${m}x${k}x${n} tA=${tA} tB=${tB}: C[${i},${j}] = ${C[i * n + j]}, expected ${s}`);
    }
  }
}

// Global warm-up: every kernel path, a second, so V8's optimizing tier has
// compiled them all before the first measurement.
{
  const p = be.alloc(3 * 96 * 96 * 8);
  const end = performance.now() + 1000;
  while (performance.now() < end) {
    for (let t = 0; t < 4; t++) {
      be.f32(p, p + 96 * 96 * 8, p + 2 * 96 * 96 * 8, 96, 96, 96, t & 1, t >> 1);
      be.f64(p, p + 96 * 96 * 8, p + 2 * 96 * 96 * 8, 96, 96, 96, t & 1, t >> 1);
    }
  }
}

const label = (t: string) => (t === 'nn' ? 'A B' : t === 'tn' ? 'Aᵀ B' : t === 'nt' ? 'A Bᵀ' : 'Aᵀ Bᵀ');
// --repeat R runs the whole table R times and keeps, per cell, the highest
// median (and best sample): a run that another job slowed down is dropped.
const repeat = Math.max(1, Number(arg('repeat') ?? 1));
const median = new Map<string, number>();
const top = new Map<string, number>();
const keep = (map: Map<string, number>, key: string, v: number) => map.set(key, Math.max(map.get(key) ?? 0, v));
console.log(`matmul GFLOP/s, ${cpuClock ? 'CPU' : 'wall'} clock, median (best) of ${samples} samples` +
  (repeat > 1 ? `, highest of ${repeat} runs` : ''));

// Operands, one set per dtype and shape.
const operands = new Map<string, [number, number, number]>();
for (const dt of dtypes) {
  const size = dt === 'f32' ? 4 : 8;
  const V = dt === 'f32' ? Float32Array : Float64Array;
  for (const [m, k, n] of shapes) {
    const pa = be.alloc(m * k * size);
    const pb = be.alloc(k * n * size);
    const pc = be.alloc(m * n * size);
    const A = new V(be.buffer(), pa, m * k);
    for (let i = 0; i < A.length; i++) A[i] = rand();
    const B = new V(be.buffer(), pb, k * n);
    for (let i = 0; i < B.length; i++) B[i] = rand();
    operands.set(`${dt} ${m} ${k} ${n}`, [pa, pb, pc]);
  }
}

const nameOf = (m: number, k: number, n: number) => (m === k && k === n ? String(n) : `${m}x${k}x${n}`);
for (let run = 0; run < repeat; run++) {
  for (const dt of dtypes) {
    const fn = dt === 'f32' ? be.f32 : be.f64;
    for (const [m, k, n] of shapes) {
      const [pa, pb, pc] = operands.get(`${dt} ${m} ${k} ${n}`)!;
      const flops = 2 * m * n * k;
      const cells: string[] = [];
      for (const tr of transList) {
        const tA = tr[0] === 't' ? 1 : 0;
        const tB = tr[1] === 't' ? 1 : 0;
        const call = () => fn(pa, pb, pc, m, n, k, tA, tB);
        // Warm-up: >= 300 ms and >= 2 calls (V8 compiles the optimized tier
        // in the background and switches on a later call), then until two
        // 50 ms chunks in a row are no faster.
        const warmEnd = performance.now() + 300;
        for (let r = 0; r < 2 || (performance.now() < warmEnd && r < 5000); r++) call();
        let prev = Infinity;
        for (let round = 0, flat = 0; round < 20 && flat < 2; round++) {
          const t = performance.now();
          let calls = 0;
          while (performance.now() - t < 50) { call(); calls++; }
          const per = (performance.now() - t) / calls;
          flat = per > 0.98 * prev ? flat + 1 : 0;
          prev = Math.min(prev, per);
        }
        check(dt, pa, pb, pc, m, k, n, tA === 1, tB === 1);
        const t1 = performance.now();
        call();
        const reps = Math.max(1, Math.ceil(minMs / Math.max(performance.now() - t1, 1e-4)));
        const times: number[] = [];
        for (let s = 0; s < samples; s++) {
          const t = now();
          for (let r = 0; r < reps; r++) call();
          times.push((now() - t) / reps);
        }
        times.sort((x, y) => x - y);
        const key = `${dt} ${nameOf(m, k, n)} ${tr}`;
        const med = flops / (times[times.length >> 1] * 1e6);
        const best = flops / (times[0] * 1e6);
        keep(median, key, med);
        keep(top, key, best);
        cells.push(`${label(tr).padEnd(5)} ${med.toFixed(1).padStart(6)} (${best.toFixed(1).padStart(5)})`);
      }
      console.log(`${dt} ${nameOf(m, k, n).padEnd(12)} ${cells.join('  ')}`);
    }
  }
}

console.log(`\n| dtype | N | ${transList.map(label).join(' | ')} |`);
console.log(`|---|---|${transList.map(() => '---').join('|')}|`);
for (const dt of dtypes) {
  for (const [m, k, n] of shapes) {
    const name = nameOf(m, k, n);
    const cell = (tr: string) => {
      const key = `${dt} ${name} ${tr}`;
      return `${median.get(key)!.toFixed(1)} (${top.get(key)!.toFixed(1)})`;
    };
    console.log(`| ${dt} | ${name} | ${transList.map(cell).join(' | ')} |`);
  }
}
