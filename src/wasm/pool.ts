// The worker pool: every core on the same shared linear memory.
//
// Where shared memory is available (Node; browsers when the page is
// cross-origin isolated) the kernels' memory is a shared WebAssembly.Memory
// (./index.ts), and workers, started lazily, instantiate the same module on
// it. The main thread keeps the allocator and the tape; a large kernel is
// cut into chunks along independent outputs (columns or rows of a product,
// images of a convolution, runs of elements), and the main thread and the
// workers claim chunks one at a time until none is left. So:
// - results are bit-identical to one thread: a chunk computes the same
//   outputs, in the same order of operations, whoever runs it;
// - the API stays synchronous: the main thread works through the chunks
//   itself and returns when the last one is done; a worker that is asleep,
//   or whose core another process holds, simply takes fewer chunks (on a
//   shared machine spinning on a descheduled worker collapses, claiming
//   does not);
// - waiting is a short spin then Atomics.wait (a browser's main thread may
//   not block: it spins), and idle workers do the same.
//
// Chunks are described in the control block (./pool-layout.ts): the kernel's
// export index, its arguments, and how a chunk changes them: pointers
// advanced by `scales[i]` bytes per unit, the unit count written into one
// argument, and/or the chunk's unit range [lo, hi) appended.

import * as L from './pool-layout';
import { WORKER_SOURCE } from './worker';
import { ArgumentError } from '../runtime/errors';

type Fn = (...args: number[]) => unknown;

interface Host {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: Record<string, unknown>;
}

/** What a worker looks like to the pool: Node's worker_threads.Worker or a browser Worker. */
interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** One kernel call cut into chunks (see the file comment). */
export interface Job {
  /** The export to call, e.g. 'matmul_cols_f32'. */
  kernel: string;
  args: number[];
  /** Bytes each argument advances per unit of work (0 or absent: unchanged). */
  scales?: readonly number[];
  /** The argument that receives the chunk's number of units. */
  lenIndex?: number;
  /** Append the chunk's [lo, hi) units after the arguments. */
  range?: boolean;
  units: number;
  /** Units per chunk (the last chunk takes the rest). */
  grain: number;
}

// Measured while building the pool (Node 20, 2 cores, with a script not
// kept; the threaded rows of npm run bench time the outcome): an idle worker
// polls GEN about 30 million times a second, so 60,000 polls are ~2 ms of spinning
// before it sleeps; a sleeping worker takes 30-80 µs (more on a loaded
// machine) to wake, a spinning one under 1 µs. The main thread spins up to
// ~0.3 ms on the last chunks before it sleeps.
const WORKER_SPIN = 60_000;
const MAIN_SPIN = 10_000;
/**
 * Kernels estimated to take less than this on one thread run there alone: a
 * dispatch costs ~2-5 µs even with every worker spinning (publishing the job,
 * the claims, the wait for the last chunk), more when they sleep.
 */
export const MIN_PARALLEL_NS = 40_000;
/** Chunks per participating thread (more balance the load, each costs a claim). */
export const CHUNKS_PER_THREAD = 4;
const MAX_THREADS = 64;

let host: Host | null = null;
let exportIndex: Map<string, number> | null = null;
let exportFns: Fn[] = [];
let wanted = 1;
let pool: Pool | null = null;
/** Why workers cannot run here (no shared memory, no Worker, a failed start), or null. */
let unavailable: string | null = 'the WebAssembly memory is not shared here';

class Pool {
  readonly ctl: Int32Array;
  readonly f64: Float64Array;
  readonly workers: WorkerLike[] = [];
  readonly scratch: number[] = [];
  constructor(readonly size: number) {
    const control = new SharedArrayBuffer(L.CONTROL_BYTES);
    this.ctl = new Int32Array(control);
    this.f64 = new Float64Array(control);
    this.ctl[L.SPIN] = WORKER_SPIN;
    this.ctl[L.ACTIVE] = size - 1;
  }
}

/** Can this thread block in Atomics.wait? Not a browser's main thread. */
const canBlock: boolean = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

/** AUTOGRAD_THREADS, if set: a setting silently ignored is worse than none, so a malformed one is refused at load. */
export function threadsSetting(): number | null {
  const setting = processEnv('AUTOGRAD_THREADS');
  if (setting === undefined || setting === null || setting === '') return null;
  const n = typeof setting === 'number' ? setting : typeof setting === 'string' && /^\s*[0-9]+\s*$/.test(setting) ? Number(setting) : NaN;
  if (!Number.isInteger(n) || n < 1) {
    throw new ArgumentError(`AUTOGRAD_THREADS must be a positive integer number of threads (e.g. 2), got ${JSON.stringify(String(setting))}`);
  }
  return n;
}

function processEnv(name: string): unknown {
  const g = globalThis as Record<string, unknown> & { process?: { env?: Record<string, string | undefined> } };
  return g[name] ?? g.process?.env?.[name];
}

type NodeProcess = { getBuiltinModule?(id: string): unknown };
type NodeWorkerThreads = {
  Worker: new (code: string, options: { eval: true; execArgv: string[] }) => WorkerLike & { unref(): void; on(event: string, fn: (e: unknown) => void): void };
};
type NodeOs = { availableParallelism?(): number; cpus(): unknown[] };

function nodeModule<T>(id: string): T | undefined {
  const process = (globalThis as { process?: NodeProcess }).process;
  return typeof process?.getBuiltinModule === 'function' ? (process.getBuiltinModule(id) as T | undefined) : undefined;
}

/** The number of cores: Node's availableParallelism, a browser's hardwareConcurrency. */
function cores(): number {
  const os = nodeModule<NodeOs>('node:os');
  if (os !== undefined) return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/** Starts one worker running WORKER_SOURCE, or throws. */
function spawn(onError: (error: unknown) => void): WorkerLike {
  const threads = nodeModule<NodeWorkerThreads>('node:worker_threads');
  if (threads !== undefined) {
    // (no execArgv: the parent's flags, e.g. --input-type=module or a loader, are not the worker's business)
    const worker = new threads.Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    // An idle worker must not keep the process alive after the program's work ends.
    worker.unref();
    worker.on('error', onError);
    return worker;
  }
  const g = globalThis as { Worker?: new (url: string) => WorkerLike & { onerror: ((e: unknown) => void) | null }; Blob?: typeof Blob; URL?: typeof URL };
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') {
    throw new Error('no Worker here');
  }
  const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    const worker = new g.Worker(url);
    worker.onerror = onError;
    return worker;
  } finally {
    // The worker has its script once started; the URL is not needed past this call.
    setTimeout(() => g.URL!.revokeObjectURL(url), 10_000);
  }
}

/**
 * Called by ./index.ts once the module is instantiated on a shared memory.
 * The default number of threads is the number of cores (AUTOGRAD_THREADS,
 * an environment variable or a global, overrides it).
 */
export function attachPool(module: WebAssembly.Module, memory: WebAssembly.Memory, exports: Record<string, unknown>): void {
  host = { module, memory, exports };
  const names = Object.keys(exports);
  exportIndex = new Map(names.map((name, i) => [name, i]));
  exportFns = names.map((name) => exports[name] as Fn);
  unavailable = null;
  wanted = Math.min(threadsSetting() ?? cores(), MAX_THREADS);
}

function startPool(): Pool | null {
  if (pool !== null) return pool;
  if (unavailable !== null || host === null || wanted <= 1) return null;
  const p = new Pool(wanted);
  const scratchBytes = (host.exports.thread_scratch_bytes as () => number)();
  const alloc = host.exports.alloc as (bytes: number) => number;
  const fail = (error: unknown) => {
    // A worker that never starts never claims a chunk: nothing waits for it.
    unavailable = `a worker failed: ${error instanceof Error ? error.message : String(error)}`;
  };
  try {
    for (let i = 1; i < wanted; i++) {
      const block = alloc(scratchBytes + 64);
      p.scratch.push(block);
      const worker = spawn(fail);
      p.workers.push(worker);
      worker.postMessage({ module: host.module, memory: host.memory, control: p.ctl.buffer, scratch: (block + 63) & ~63, slot: i - 1 });
    }
  } catch (error) {
    retire(p);
    fail(error);
    return null;
  }
  pool = p;
  return p;
}

/** Stops a pool's workers (no job is in flight: the API is synchronous) and frees their scratch. */
function retire(p: Pool): void {
  Atomics.store(p.ctl, L.STOP, 1);
  Atomics.add(p.ctl, L.GEN, 1);
  Atomics.notify(p.ctl, L.GEN);
  for (const w of p.workers) w.terminate();
  // Workers only touch their scratch inside a chunk, and no chunk is running.
  const free = host?.exports.free as ((ptr: number) => void) | undefined;
  for (const block of p.scratch) free?.(block);
}

/**
 * Sets how many threads (the calling one included) run large kernels, and
 * returns the number that will: 1 where shared memory or workers are not
 * available (a browser page that is not cross-origin isolated, Node older
 * than 20.16). Workers start now, in the background; kernels use each one
 * as soon as it is ready. Asking for fewer threads than have started lets
 * the others sleep (they are kept for later). Results do not depend on the
 * number of threads.
 *
 * @example
 * ag.setThreads(2);
 * ag.threads(); // 2 on a machine with shared memory
 */
export function setThreads(n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`setThreads: n must be a positive integer, got ${typeof n === 'number' ? n : typeof n}`);
  }
  const next = Math.min(n, MAX_THREADS);
  if (pool !== null && pool.size < next) {
    retire(pool);
    pool = null;
  }
  wanted = next;
  if (pool !== null) Atomics.store(pool.ctl, L.ACTIVE, next - 1);
  else if (next > 1) startPool();
  return threads();
}

/**
 * How many threads run large kernels (the calling one included): what
 * `setThreads` asked for, by default the number of cores, and 1 where
 * shared memory or workers are not available.
 *
 * @example
 * console.log(`training on ${ag.threads()} threads`);
 */
export function threads(): number {
  return unavailable === null ? wanted : 1;
}

/** @internal Why threads are not available here, or null. */
export function threadsUnavailable(): string | null {
  return unavailable;
}

/** @internal Workers that serve jobs now (0 before they start), at most threads() - 1. */
export function readyWorkers(): number {
  return pool === null ? 0 : Math.min(Atomics.load(pool.ctl, L.READY), wanted - 1);
}

/**
 * @internal Resolves with the number of threads once every worker is ready
 * (or failed to start), so benchmarks and tests can measure warm workers.
 */
export async function threadsReady(timeoutMs = 10_000): Promise<number> {
  const p = wanted > 1 ? startPool() : null;
  const started = Date.now();
  while (p !== null && unavailable === null && Atomics.load(p.ctl, L.READY) < wanted - 1) {
    if (Date.now() - started > timeoutMs) throw new Error(`threadsReady: ${Atomics.load(p.ctl, L.READY)} of ${p.workers.length} workers ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return threads();
}

/**
 * How many threads should share a kernel that would take `ns` nanoseconds
 * on one: 1 (run it here, alone) when it is too small to pay for a dispatch
 * or no worker is ready yet, else 1 + the ready workers. Starts the pool on
 * the first kernel worth it.
 */
export function threadsFor(ns: number): number {
  if (ns < poolHooks.minParallelNs || wanted <= 1 || unavailable !== null) return 1;
  const p = pool ?? startPool();
  if (p === null) return 1;
  return 1 + Math.min(Atomics.load(p.ctl, L.READY), wanted - 1);
}

/**
 * The units per chunk for `units` units shared by `threads` threads:
 * CHUNKS_PER_THREAD chunks each, but none smaller than `minGrain`, each a
 * multiple of `align` units.
 */
export function grainFor(units: number, threads: number, minGrain: number, align = 1): number {
  const even = Math.ceil(units / (threads * CHUNKS_PER_THREAD));
  const grain = Math.max(even, minGrain, 1);
  return Math.min(Math.ceil(grain / align) * align, units);
}

/**
 * @internal Test hooks: `afterPublish` runs on the main thread after a job is
 * published, before it claims chunks; `minParallelNs` replaces
 * MIN_PARALLEL_NS (0: split every kernel that can be); `jobs` counts the
 * parallel runs.
 */
export const poolHooks: { afterPublish: ((control: Int32Array) => void) | null; minParallelNs: number; jobs: number } = {
  afterPublish: null,
  minParallelNs: MIN_PARALLEL_NS,
  jobs: 0,
};

const callArgs: number[] = new Array(L.MAX_ARGS + 2).fill(0);

/** Runs chunk `c` of the published job on this thread. */
function runChunk(p: Pool, fn: Fn, c: number): void {
  const ctl = p.ctl;
  const f64 = p.f64;
  const units = ctl[L.UNITS];
  const lo = c * ctl[L.GRAIN];
  const hi = Math.min(units, lo + ctl[L.GRAIN]);
  const argc = ctl[L.ARGC];
  const v = callArgs;
  for (let i = 0; i < argc; i++) v[i] = f64[L.ARGS + i] + lo * f64[L.SCALES + i];
  let n = argc;
  if (ctl[L.LEN_INDEX] >= 0) v[ctl[L.LEN_INDEX]] = hi - lo;
  if (ctl[L.RANGE] === 1) {
    v[n++] = lo;
    v[n++] = hi;
  }
  for (let i = n; i < v.length; i++) v[i] = 0;
  fn(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21]);
}

/**
 * Runs `job` on this thread and the ready workers, and returns when every
 * chunk is done. If a chunk throws (here or in a worker), the chunks not yet
 * claimed are cancelled, the ones running are waited for, and the error is
 * rethrown: nothing is left running on memory the caller may free.
 */
export function runParallel(job: Job): void {
  const p = pool;
  const index = exportIndex?.get(job.kernel);
  if (p === null || index === undefined) throw new Error(`autograd-wasm internal error: no pool or no kernel ${job.kernel} for a parallel run`);
  const count = Math.ceil(job.units / job.grain);
  if (count > 0xffff || job.args.length > L.MAX_ARGS) throw new Error(`autograd-wasm internal error: job ${job.kernel} has ${count} chunks, ${job.args.length} arguments`);
  poolHooks.jobs++;
  const ctl = p.ctl;
  const f64 = p.f64;
  ctl[L.KERNEL] = index;
  ctl[L.ARGC] = job.args.length;
  for (let i = 0; i < job.args.length; i++) {
    f64[L.ARGS + i] = job.args[i];
    f64[L.SCALES + i] = job.scales?.[i] ?? 0;
  }
  ctl[L.LEN_INDEX] = job.lenIndex ?? -1;
  ctl[L.RANGE] = job.range === true ? 1 : 0;
  ctl[L.UNITS] = job.units;
  ctl[L.GRAIN] = job.grain;
  ctl[L.ERROR] = 0;
  ctl[L.DONE] = 0;
  // Publishing the ticket makes the job visible (every write above happens before it).
  Atomics.store(ctl, L.TICKET, count << 16);
  Atomics.add(ctl, L.GEN, 1);
  if (Atomics.load(ctl, L.SLEEPERS) > 0) Atomics.notify(ctl, L.GEN);
  const fn = exportFns[index];
  let failure: unknown = null;
  try {
    poolHooks.afterPublish?.(ctl);
    for (;;) {
      const t = Atomics.load(ctl, L.TICKET);
      const next = t & 0xffff;
      if (next >= count) break;
      if (Atomics.compareExchange(ctl, L.TICKET, t, t + 1) !== t) continue;
      try {
        runChunk(p, fn, next);
      } finally {
        Atomics.add(ctl, L.DONE, 1);
      }
    }
  } catch (error) {
    failure = error;
    // Cancel what nobody has claimed: count it done unrun.
    for (;;) {
      const t = Atomics.load(ctl, L.TICKET);
      const next = t & 0xffff;
      if (next >= count) break;
      if (Atomics.compareExchange(ctl, L.TICKET, t, (count << 16) | count) === t) {
        Atomics.add(ctl, L.DONE, count - next);
        break;
      }
    }
  }
  let spins = 0;
  for (;;) {
    const done = Atomics.load(ctl, L.DONE);
    if (done === count) break;
    if (canBlock && ++spins > MAIN_SPIN) Atomics.wait(ctl, L.DONE, done, 50);
  }
  if (failure !== null) throw failure;
  if (ctl[L.ERROR] !== 0) {
    let text = '';
    for (let i = 0; i < L.ERROR_TEXT_LENGTH && ctl[L.ERROR_TEXT + i] !== 0; i++) text += String.fromCharCode(ctl[L.ERROR_TEXT + i]);
    throw new Error(`autograd-wasm: kernel ${job.kernel} failed in a worker thread: ${text}`);
  }
}
