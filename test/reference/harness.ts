// The machinery of the property suites (test/property*.test.ts): fast-check
// arbitraries for shapes, broadcast pairs, data, axes, permutations, slice
// specs and gather indices; comparison against the references with
// per-element error bounds; and `prop`, which runs one property with a fixed
// (or FC_SEED) seed inside ag.tidy and makes a failure say how to replay it.
//
// Environment:
//   FC_SEED=<int>   seed for every property (default DEFAULT_SEED below)
//   FC_RUNS=<int>   runs per property (default: each property's own, >= 200)
//   FC_ONLY=<text>  run only the properties whose name contains <text>
//                   (the others are not registered; a log line says so)
//   FC_PATH=<path>  replay one counterexample (use with FC_ONLY and FC_SEED)
//   FC_VERBOSE=1    fast-check's verbose report (every failing step)

import fc from 'fast-check';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { sizeOf, unravel, type Flat, type Shape } from './index';

export { fc };

export const DEFAULT_SEED = 20240607;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return v;
}

export const SEED = envInt('FC_SEED') ?? DEFAULT_SEED;
const RUNS = envInt('FC_RUNS');
const ONLY = process.env.FC_ONLY;
const PATH = process.env.FC_PATH;
const VERBOSE = process.env.FC_VERBOSE === '1';
if (ONLY !== undefined || RUNS !== undefined || SEED !== DEFAULT_SEED) {
  console.log(`  [property] FC_SEED=${SEED}${RUNS !== undefined ? ` FC_RUNS=${RUNS}` : ''}${ONLY !== undefined ? ` FC_ONLY='${ONLY}' (only matching properties run)` : ''}`);
}

/** Why a property did not run, printed when the suite is registered (never silent). */
export function logSkip(name: string, why: string): void {
  console.log(`  [property] SKIP ${name}: ${why}`);
}

/** Names among `ops` that `ag` does not export (yet). */
export function missingOps(ops: readonly string[]): string[] {
  return ops.filter((op) => typeof (ag as unknown as Record<string, unknown>)[op] !== 'function');
}

/**
 * Live-tensor bookkeeping for a property file: `start(s)` records
 * ag.memory().liveTensors before the first suite runs, `finish(s)` adds a
 * last test that requires the count to be back where it started.
 */
export function memoryGuard(): { start: (s: Test) => void; finish: (s: Test) => void } {
  let baseline: number | null = null;
  return {
    start: (s) => s.before(() => {
      if (baseline === null) baseline = ag.memory().liveTensors;
    }),
    finish: (s) => s('live tensors return to where the suite started', () => {
      assert.ok(baseline !== null, 'the baseline was recorded');
      const now = ag.memory().liveTensors;
      assert.is(now, baseline, `live tensors: ${baseline} when the properties started, ${now} now`);
    }),
  };
}

export interface PropOptions {
  /** Runs (default 200); FC_RUNS overrides. */
  runs?: number;
  /** ag exports this property needs; when one is missing the property is skipped, with a log line. */
  requires?: readonly string[];
}

/**
 * Registers property `name` on suite `s`: `predicate` runs on every
 * generated value inside ag.tidy, throwing (or returning false) on a
 * mismatch. A failure is rethrown with the seed, the counterexample path
 * and the command that replays it.
 */
export function prop<T>(s: Test, name: string, arb: fc.Arbitrary<T>, predicate: (v: T) => boolean | void, opts: PropOptions = {}): void {
  // Skips are logged, not registered with uvu's skip: test/run.ts's summary
  // subtracts uvu's skip count from a total that already excludes skips, so a
  // registered skip would cancel a failure in "N passed, M failed".
  const missing = missingOps(opts.requires ?? []);
  if (missing.length > 0) {
    logSkip(name, `ag does not export ${missing.map((m) => `ag.${m}`).join(', ')} yet`);
    return;
  }
  if (ONLY !== undefined && !name.includes(ONLY)) return;
  const numRuns = RUNS ?? opts.runs ?? 200;
  s(name, () => {
    const before = ag.memory().liveTensors;
    const property = fc.property(arb, (v) => ag.tidy(() => predicate(v)) !== false);
    const params: fc.Parameters<[T]> = { seed: SEED, numRuns, verbose: VERBOSE ? 2 : 0 };
    if (PATH !== undefined && ONLY !== undefined) params.path = PATH;
    const details = fc.check(property, params);
    if (details.failed) {
      const path = details.counterexamplePath ?? '';
      const replay = `FC_SEED=${SEED} FC_ONLY='${name}' FC_PATH='${path}' npm test -- property`;
      throw new Error(
        `property "${name}" failed with FC_SEED=${SEED} (path ${path}); replay with:\n    ${replay}\n` +
          fc.defaultReportMessage(details) +
          (details.errorInstance !== null ? `\nError: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}` : ''),
      );
    }
    const after = ag.memory().liveTensors;
    assert.is(after, before, `property "${name}" leaked: live tensors ${before} -> ${after}`);
  });
}

// ---- arbitraries ----

export interface ShapeOptions {
  minRank?: number;
  maxRank?: number;
  /** Allow axes of length 0. */
  empty?: boolean;
  maxDim?: number;
  /** Smallest non-empty dim (default 1). */
  minDim?: number;
}

/** One axis length: size 1 often, 0 now and then (when allowed), up to maxDim (default 5). */
export function dimArb(o: ShapeOptions = {}): fc.Arbitrary<number> {
  const maxDim = o.maxDim ?? 5;
  const minDim = o.minDim ?? 1;
  const parts: fc.WeightedArbitrary<number>[] = [];
  if (minDim <= 1) parts.push({ arbitrary: fc.constant(1), weight: 3 });
  parts.push({ arbitrary: fc.integer({ min: Math.max(2, minDim), max: Math.max(2, minDim, maxDim) }), weight: 6 });
  if (o.empty) parts.push({ arbitrary: fc.constant(0), weight: 1 });
  return fc.oneof(...parts);
}

/** A shape of rank minRank..maxRank (default 0..4). */
export function shapeArb(o: ShapeOptions = {}): fc.Arbitrary<number[]> {
  return fc.array(dimArb(o), { minLength: o.minRank ?? 0, maxLength: o.maxRank ?? 4 });
}

/** `full` with its first `drop` axes removed and the axes flagged in `ones` set to 1. */
export function derive(full: Shape, drop: number, ones: readonly boolean[]): number[] {
  return full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
}

/** A shape that broadcasts to `full`: leading axes dropped, random axes set to 1 (often `full` itself). */
export function derivedArb(full: Shape): fc.Arbitrary<number[]> {
  return fc.oneof(
    { arbitrary: fc.constant(full.slice()), weight: 1 },
    {
      arbitrary: fc
        .tuple(
          fc.oneof(fc.constant(0), fc.integer({ min: 0, max: full.length })),
          fc.array(fc.integer({ min: 0, max: 2 }).map((v) => v === 0), { minLength: full.length, maxLength: full.length }),
        )
        .map(([drop, ones]) => derive(full, drop, ones)),
      weight: 3,
    },
  );
}

/** Two broadcast-compatible shapes, both derived from one full shape (so either may be the larger). */
export function broadcastPairArb(o: ShapeOptions = {}): fc.Arbitrary<[number[], number[]]> {
  return shapeArb(o).chain((full) => fc.tuple(derivedArb(full), derivedArb(full)));
}

export interface DataOptions {
  min?: number;
  max?: number;
  minExcluded?: boolean;
  maxExcluded?: boolean;
  /** Weight of small integers (ties, exact halves are interesting) versus arbitrary doubles. */
  integers?: number;
  /** Weight of half-integers k/2 (rounding ties). */
  halves?: number;
  /** Weight of NaN and ±Infinity. */
  special?: number;
}

/** One finite double in [min, max] (default [-10, 10]), with some small integers mixed in. */
export function valueArb(o: DataOptions = {}): fc.Arbitrary<number> {
  const min = o.min ?? -10;
  const max = o.max ?? 10;
  const parts: fc.WeightedArbitrary<number>[] = [
    { arbitrary: fc.double({ min, max, noNaN: true, minExcluded: o.minExcluded, maxExcluded: o.maxExcluded }), weight: 10 },
  ];
  const inRange = (v: number) => (o.minExcluded ? v > min : v >= min) && (o.maxExcluded ? v < max : v <= max);
  const lo = Math.ceil(Math.max(min, -4));
  const hi = Math.floor(Math.min(max, 4));
  if ((o.integers ?? 2) > 0 && lo <= hi) {
    parts.push({ arbitrary: fc.integer({ min: lo, max: hi }).filter(inRange), weight: o.integers ?? 2 });
  }
  if ((o.halves ?? 0) > 0) {
    parts.push({ arbitrary: fc.integer({ min: -16, max: 16 }).map((k) => k / 2).filter(inRange), weight: o.halves ?? 0 });
  }
  if ((o.special ?? 0) > 0) parts.push({ arbitrary: fc.constantFrom(NaN, Infinity, -Infinity), weight: o.special ?? 0 });
  return fc.oneof(...parts);
}

/** `n` values. */
export function dataArb(n: number, o: DataOptions = {}): fc.Arbitrary<number[]> {
  return fc.array(valueArb(o), { minLength: n, maxLength: n });
}

/** Axes for a reduction over rank `r`: undefined (all), one axis, or a subset in any order (maybe empty), some negative. */
export function axesArb(r: number): fc.Arbitrary<number | number[] | undefined> {
  const all = Array.from({ length: r }, (_, i) => i);
  const signed = (a: number) => fc.boolean().map((neg) => (neg ? a - r : a));
  const subset = fc.shuffledSubarray(all).chain((axes) => (axes.length === 0 ? fc.constant([] as number[]) : fc.tuple(...axes.map(signed))));
  const parts: fc.Arbitrary<number | number[] | undefined>[] = [fc.constant(undefined), subset];
  if (r > 0) parts.push(fc.integer({ min: -r, max: r - 1 }));
  return fc.oneof(...parts);
}

/** A permutation of 0..r-1, some entries given negative. */
export function permArb(r: number): fc.Arbitrary<number[]> {
  const all = Array.from({ length: r }, (_, i) => i);
  return fc.shuffledSubarray(all, { minLength: r, maxLength: r }).chain((p) =>
    r === 0 ? fc.constant([] as number[]) : fc.tuple(...p.map((a) => fc.integer({ min: 0, max: 3 }).map((k) => (k === 0 ? a - r : a)))),
  );
}

export type SliceSpec = number | null | [number | null, number | null] | [number | null, number | null, number | null];

/** One slice spec for an axis of length n: an index (if n > 0), a range with negatives, nulls and steps, or null. */
export function sliceSpecArb(n: number): fc.Arbitrary<SliceSpec> {
  const bound = fc.option(fc.integer({ min: -n - 2, max: n + 2 }), { nil: null, freq: 4 });
  const step = fc.option(fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0), { nil: null, freq: 3 });
  const parts: fc.Arbitrary<SliceSpec>[] = [
    fc.constant(null),
    fc.tuple(bound, bound) as fc.Arbitrary<SliceSpec>,
    fc.tuple(bound, bound, step) as fc.Arbitrary<SliceSpec>,
  ];
  if (n > 0) parts.push(fc.integer({ min: -n, max: n - 1 }));
  return fc.oneof(...parts);
}

/** Slice specs for the leading axes of `shape` (possibly fewer than its rank). */
export function sliceSpecsArb(shape: Shape): fc.Arbitrary<SliceSpec[]> {
  return fc.integer({ min: 0, max: shape.length }).chain((k) =>
    k === 0 ? fc.constant([] as SliceSpec[]) : fc.tuple(...shape.slice(0, k).map((n) => sliceSpecArb(n))),
  );
}

/** Gather indices for an axis of length n: shape of rank 0-2, entries in [-n, n-1] with repeats (empty when n = 0). */
export function gatherIndicesArb(n: number): fc.Arbitrary<{ indices: number[]; shape: number[] }> {
  if (n === 0) return fc.constant({ indices: [], shape: [0] });
  return fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 2 }).chain((shape) =>
    fc.array(fc.integer({ min: -n, max: n - 1 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((indices) => ({ indices, shape })),
  );
}

/** Nests a flat list into the given shape (a number for rank 0). */
export function nest(flat: readonly number[], shape: Shape): unknown {
  if (shape.length === 0) return flat[0];
  const [d, ...rest] = shape;
  const step = sizeOf(rest);
  return Array.from({ length: d }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}

// ---- tensors and comparisons ----

export type DType = 'float32' | 'float64';

/** A tensor of `values` and the data the library actually holds (rounded to the dtype). */
export function make(values: Flat, shape: Shape, dtype: DType = 'float64'): { t: ag.Tensor; data: Float64Array } {
  const t = ag.tensor(Float64Array.from(values), { dtype, shape: shape.slice() });
  return { t, data: Float64Array.from(t.data()) };
}

export function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function fmtShape(s: Shape): string {
  return `[${s.join(', ')}]`;
}

/** An allowed absolute error for element i with expected value e. */
export type Bound = (e: number, i: number) => number;

export const exact: Bound = () => 0;
/** |got - e| <= r |e| (+ a subnormal-sized floor). */
export const rel = (r: number, atol = 0): Bound => (e) => r * Math.abs(e) + atol;

/**
 * Checks `got` has `shape`, `dtype` and, elementwise, the expected values:
 * equal NaN-ness, identical infinities, finite values within `bound`. Throws
 * an error naming `what`, the first mismatches and their indices.
 */
export function expectTensor(what: string, got: ag.Tensor, shape: Shape, expected: Flat, bound: Bound, dtype: DType = 'float64'): void {
  if (got.shape.length !== shape.length || got.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${what}: shape ${fmtShape(got.shape)}, expected ${fmtShape(shape)}`);
  }
  if (got.dtype !== dtype) throw new Error(`${what}: dtype ${got.dtype}, expected ${dtype}`);
  const data = got.data();
  if (data.length !== expected.length) throw new Error(`${what}: ${data.length} elements, expected ${expected.length}`);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const g = data[i];
    const e = expected[i];
    let ok: boolean;
    let allowed = 0;
    if (Number.isNaN(e) || Number.isNaN(g)) ok = Number.isNaN(e) && Number.isNaN(g);
    else if (!Number.isFinite(e) || !Number.isFinite(g)) ok = g === e;
    else {
      allowed = bound(e, i);
      ok = Math.abs(g - e) <= allowed;
    }
    if (!ok) {
      bad.push(
        `  at ${fmtShape(unravel(i, shape))} (flat ${i}): got ${fmt(g)}, expected ${fmt(e)}` +
          (Number.isFinite(g) && Number.isFinite(e) ? ` (|diff| ${Math.abs(g - e)}, allowed ${allowed})` : ''),
      );
      if (bad.length >= 5) break;
    }
  }
  if (bad.length > 0) throw new Error(`${what}: values differ from the reference\n${bad.join('\n')}`);
}

/** Runs fn and requires it to throw an ag error (any AutogradError); returns its message. */
export function expectThrows(what: string, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ag.AutogradError) return e.message;
    throw new Error(`${what}: expected an AutogradError, got ${String(e)}`);
  }
  throw new Error(`${what}: expected an error (the reference refuses this case), got a result`);
}

/** A short description of data for messages (first few values). */
export function show(values: Flat, shape: Shape): string {
  const head = Array.from(values).slice(0, 8).map(fmt).join(', ');
  return `${fmtShape(shape)} [${head}${values.length > 8 ? ', …' : ''}]`;
}
