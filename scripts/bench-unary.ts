// Throughput of the elementwise transcendental kernels (assembly/unary.ts),
// called directly on 1M-element arrays already in wasm memory (no allocation,
// no tape): Melem/s per kernel and dtype, the median of >= 7 timed runs after
// a warm-up, with the min-max range, and the same per second of this
// process's CPU time (a steadier figure on a machine shared with other jobs:
// wall-clock time counts the time slices given to them). `neg` is the
// memory-bound reference (one load, one SIMD op, one store per vector).
//
//   node --import tsx scripts/bench-unary.ts [--wasm build/other.wasm] [--n 1000000]
//        [--runs 9] [--only exp,tanh] [--dtype float32] [--json out.json]
//
// --wasm: bench another build of the kernels (e.g. a saved copy of the
// module before a change) instead of the one src/wasm embeds.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { heapU8, kernel, kernels } from '../src/wasm/index';
import { allocBytes } from '../src/runtime/storage';

type Ptr = number;
type Unary = (x: Ptr, out: Ptr, n: number) => void;
interface Module {
  alloc(bytes: number): Ptr;
  memory: () => ArrayBuffer;
  get(name: string): Unary | null;
}

const argv = process.argv.slice(2);
const opt = (name: string): string | null => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : null;
};
const N = Number(opt('--n') ?? 1_000_000);
const RUNS = Math.max(7, Number(opt('--runs') ?? 9));
const only = opt('--only')?.split(',') ?? null;
const dtypes = (opt('--dtype') ?? 'float32,float64').split(',') as ('float32' | 'float64')[];
const wasmPath = opt('--wasm');
const jsonPath = opt('--json');

function loadModule(): Module {
  if (wasmPath === null) {
    const k = kernels() as unknown as Record<string, unknown>;
    return {
      alloc: (b) => allocBytes(b, 'bench-unary'),
      memory: () => heapU8().buffer as ArrayBuffer, // heapU8 re-reads the buffer after any growth
      get: (name) => (typeof k[name] === 'function' ? kernel<Unary>(name) : null),
    };
  }
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
  const mod = new WebAssembly.Module(readFileSync(wasmPath));
  const inst = new WebAssembly.Instance(mod, { env: { memory, abort: () => { throw new Error('abort'); } } });
  const e = inst.exports as Record<string, unknown>;
  return {
    alloc: (b) => (e.alloc as (b: number) => number)(b),
    memory: () => memory.buffer,
    get: (name) => (typeof e[name] === 'function' ? (e[name] as Unary) : null),
  };
}

/** Input range per kernel: where the function is interesting (both branches of each kernel). */
const KERNELS: [name: string, lo: number, hi: number][] = [
  ['neg', -10, 10],
  ['exp', -20, 20],
  ['log', 1e-3, 1e3],
  ['tanh', -6, 6],
  ['sigmoid', -12, 12],
  ['expm1', -3, 3],
  ['log1p', -0.9, 20],
  ['softplus', -12, 12],
];

/** Deterministic uniform numbers (xorshift), the same inputs for every build. */
function fillUniform(view: Float32Array | Float64Array, lo: number, hi: number, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < view.length; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    view[i] = lo + (hi - lo) * (s / 4294967296);
  }
}

const mod = loadModule();
const rows: { kernel: string; dtype: string; median: number; min: number; max: number; cpu: number }[] = [];
console.log(`bench-unary: n = ${N}, ${RUNS} runs, load average ${loadavg()[0].toFixed(2)}${wasmPath ? `, ${wasmPath}` : ''}`);
console.log('kernel      dtype     Melem/s  range        Melem/CPU-s');
for (const dtype of dtypes) {
  const bytes = dtype === 'float32' ? 4 : 8;
  const x = mod.alloc(N * bytes);
  const out = mod.alloc(N * bytes);
  for (const [name, lo, hi] of KERNELS) {
    if (only !== null && !only.includes(name)) continue;
    const fn = mod.get(`${name}_${dtype === 'float32' ? 'f32' : 'f64'}`);
    if (fn === null) continue;
    const View = dtype === 'float32' ? Float32Array : Float64Array;
    fillUniform(new View(mod.memory(), x, N), lo, hi, 12345);
    // warm-up: enough calls for the engine to tier the kernel up
    const warmEnd = performance.now() + 200;
    let calls = 0;
    while (performance.now() < warmEnd || calls < 5) { fn(x, out, N); calls++; }
    const perCall = 200 / calls;
    const reps = Math.max(1, Math.round(50 / perCall)); // ~50 ms per timed run
    const rates: number[] = [];
    const cpuRates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn(x, out, N);
      const ms = (performance.now() - t0) / reps;
      const c = process.cpuUsage(c0);
      rates.push(N / ms / 1000);
      cpuRates.push((N * reps) / ((c.user + c.system) / 1000) / 1000);
    }
    rates.sort((a, b) => a - b);
    cpuRates.sort((a, b) => a - b);
    const median = rates[rates.length >> 1];
    const cpu = cpuRates[cpuRates.length >> 1];
    rows.push({ kernel: name, dtype, median, min: rates[0], max: rates[rates.length - 1], cpu });
    console.log(
      `${name.padEnd(11)} ${dtype.padEnd(9)} ${median.toFixed(0).padStart(8)}   ${`${rates[0].toFixed(0)}-${rates[rates.length - 1].toFixed(0)}`.padEnd(12)} ${cpu.toFixed(0).padStart(8)}`,
    );
  }
}
if (jsonPath !== null) writeFileSync(jsonPath, JSON.stringify({ n: N, runs: RUNS, wasm: wasmPath, rows }, null, 2) + '\n');
