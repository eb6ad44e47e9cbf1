// Shared pieces of the benchmark: the seeded generator every library's
// inputs come from, the timing harness, answer checks and formatting.

// ---- deterministic data ----

/**
 * A tiny seeded generator (mulberry32 for uniforms, Box-Muller for normals).
 * Every library gets its inputs from the same Float32Arrays made here.
 */
export class Rng {
  private s: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal. */
  gaussian(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` uniforms in [lo, hi). */
  uniform(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }

  /** `n` normals times `scale`. */
  normal(n: number, scale = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = scale * this.gaussian();
    return out;
  }

  /** `n` integers in [0, k). */
  ints(n: number, k: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * k);
    return out;
  }
}

// ---- answers ----

/**
 * What a workload computed, reduced to a few numbers: `values[i]` is compared
 * across libraries with a tolerance relative to `scales[i]` (for a sum, the
 * sum of absolute values, so cancellation does not make the check flaky).
 */
export interface Check {
  labels: string[];
  values: number[];
  scales: number[];
}

/** sum and L1 norm of an array, as two check entries. */
export function checkOf(label: string, data: ArrayLike<number>): Check {
  let s = 0;
  let l1 = 0;
  for (let i = 0; i < data.length; i++) {
    s += data[i];
    l1 += Math.abs(data[i]);
  }
  return { labels: [`sum(${label})`, `|${label}|`], values: [s, l1], scales: [l1, l1] };
}

/** One scalar as a check entry. */
export function checkScalar(label: string, v: number): Check {
  return { labels: [label], values: [v], scales: [Math.abs(v)] };
}

export function joinChecks(...cs: Check[]): Check {
  return {
    labels: cs.flatMap((c) => c.labels),
    values: cs.flatMap((c) => c.values),
    scales: cs.flatMap((c) => c.scales),
  };
}

/** null if they agree; otherwise a line naming the first disagreement. */
export function compareChecks(ref: Check, got: Check, rtol: number): string | null {
  if (ref.values.length !== got.values.length) return `different check layouts (${ref.labels.join(',')} vs ${got.labels.join(',')})`;
  for (let i = 0; i < ref.values.length; i++) {
    const a = ref.values[i];
    const b = got.values[i];
    const scale = Math.max(ref.scales[i], got.scales[i], 1e-30);
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a - b) > rtol * scale) {
      return `${ref.labels[i]}: ours ${fmtCheck(a)} vs ${fmtCheck(b)}`;
    }
  }
  return null;
}

function fmtCheck(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(7) : String(v);
}

// ---- timing ----

export interface Timing {
  /** milliseconds per call */
  median: number;
  min: number;
  max: number;
  reps: number;
  /** calls per repetition (fast workloads are looped so a repetition is long enough to time) */
  inner: number;
}

export interface TimingOptions {
  reps: number;
  /** keep warming up (at least one call) until this much time has passed */
  warmupMs: number;
  /** aim for repetitions at least this long */
  repMs: number;
  /** a call slower than this (in warm-up) gets only `minReps` repetitions */
  slowMs?: number;
  minReps?: number;
}

export type Runner = () => void | Promise<void>;

function isPromise(x: unknown): x is Promise<void> {
  return x !== null && typeof x === 'object' && typeof (x as { then?: unknown }).then === 'function';
}

async function call(fn: Runner): Promise<void> {
  const r = fn();
  if (isPromise(r)) await r;
}

/** Warm-up, then the median (and range) of `reps` timed repetitions. */
export async function measure(fn: Runner, opts: TimingOptions): Promise<Timing> {
  // warm-up: V8 tiers up, jax-js compiles its kernels, allocators settle
  const w0 = performance.now();
  let calls = 0;
  // the fastest warm call (the first call compiles; a context switch or a GC
  // can stretch any other one, which must not shorten the repetitions)
  let fastest = Infinity;
  do {
    const t0 = performance.now();
    await call(fn);
    if (calls > 0) fastest = Math.min(fastest, performance.now() - t0);
    calls++;
  } while ((calls < 2 || performance.now() - w0 < opts.warmupMs) && calls < 10000);
  let reps = opts.reps;
  if (opts.slowMs !== undefined && opts.minReps !== undefined && fastest > opts.slowMs) reps = Math.min(reps, opts.minReps);
  // calibrate the number of calls per repetition
  const one = Math.max(fastest, 1e-4);
  const inner = Math.max(1, Math.min(100000, Math.ceil(opts.repMs / one)));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    for (let i = 0; i < inner; i++) {
      const p = fn();
      if (isPromise(p)) await p;
    }
    samples.push((performance.now() - start) / inner);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const median = samples.length % 2 === 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  return { median, min: samples[0], max: samples[samples.length - 1], reps: samples.length, inner };
}

// ---- errors that are not failures ----

/** Thrown by an implementation that has no way to run a workload (a missing op, no float64...). */
export class NotAvailable extends Error {}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.constructor.name === 'Error' ? '' : error.constructor.name + ': '}${error.message}` : String(error);
  return text.split('\n')[0].slice(0, 160);
}

// ---- formatting ----

/** A number with about 3 significant digits, thousands separated. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.1) return v.toFixed(3);
  if (a === 0) return '0';
  return v.toPrecision(2);
}

/** Pads cells to a markdown-ish table. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The cost of `b` over `a` (ms per call): the two are timed alternately in
 * each repetition, so drift in the machine's load hits both alike; the
 * result is the median (and range) of the per-repetition differences.
 */
export function measureDifference(a: () => void, b: () => void, opts: TimingOptions): Timing {
  const t0 = performance.now();
  let calls = 0;
  do {
    a();
    b();
    calls++;
  } while (performance.now() - t0 < opts.warmupMs && calls < 10000);
  let one = Infinity;
  for (let i = 0; i < 3; i++) {
    const s0 = performance.now();
    b();
    one = Math.min(one, performance.now() - s0);
  }
  one = Math.max(one, 1e-4);
  const inner = Math.max(1, Math.min(100000, Math.ceil(opts.repMs / one)));
  const diffs: number[] = [];
  const reps = Math.max(opts.reps, 7);
  for (let r = 0; r < reps; r++) {
    // alternate which goes first
    const order = r % 2 === 0 ? [a, b] : [b, a];
    const times: number[] = [];
    for (const fn of order) {
      const start = performance.now();
      for (let i = 0; i < inner; i++) fn();
      times.push((performance.now() - start) / inner);
    }
    diffs.push(r % 2 === 0 ? times[1] - times[0] : times[0] - times[1]);
  }
  diffs.sort((x, y) => x - y);
  const mid = diffs.length >> 1;
  return { median: diffs[mid], min: diffs[0], max: diffs[diffs.length - 1], reps, inner };
}
