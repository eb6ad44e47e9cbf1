// Property-based tests (fast-check) of the op library against the plain-JS
// references in test/reference/: for random shapes (rank 0-4, axes of 0-5
// with size 1 frequent and 0 where valid), broadcast-compatible pairs and
// random data, every broadcasting binary op, every unary op (the special
// functions erf, erfc, erfinv, lgamma, digamma, trigamma, polygamma too, against
// references of our own in test/reference/ops.ts), the reductions
// (random axis sets, keepdims), reshape / transpose / slice / gather /
// concat / stack (and flip, broadcastTo), and matmul in every numpy rank
// case, in float64 (1e-12 relative for exactly rounded ops and sums, in
// units of the sum of |terms|; 1e-10 for transcendentals against Math.*) and,
// for a subset, in float32 (1e-5). Gradients of random compositions are in
// test/property-grad.test.ts.
//
// Each property runs 200 times (or more) from a fixed seed; every run is
// inside ag.tidy, each property checks it leaked no tensor, and the last
// test checks live tensors are back where the file started.
//
// REPLAYING A FAILURE. A failing property prints its seed and the
// counterexample's path, and the exact command, e.g.
//     FC_SEED=20240607 FC_ONLY='binary add (float64)' FC_PATH='17:3:0' npm test -- property
// FC_SEED=<int> reruns every property with another seed (try a few in a
// loop to hunt for bugs); FC_RUNS=<int> changes the number of runs; FC_ONLY
// runs only properties whose name contains the text; FC_PATH (with FC_ONLY)
// jumps straight to the shrunk counterexample; FC_VERBOSE=1 prints fast-check's
// verbose report. See test/reference/harness.ts.

import { suite } from 'uvu';
import * as ag from '../src/index';
import { Rng, sizeOf, transpose as refTranspose, broadcastTo as refBroadcastTo } from './reference/index';
import * as R from './reference/ops';
import {
  fc, prop, memoryGuard, make, expectTensor, expectThrows, show, exact, rel, nest,
  shapeArb, broadcastPairArb, derivedArb, dataArb, axesArb, permArb, sliceSpecsArb, gatherIndicesArb,
  type Bound, type DataOptions, type DType, type SliceSpec,
} from './reference/harness';

const guard = memoryGuard();
type AnyFn = (...args: unknown[]) => ag.Tensor;
const op = (name: string): AnyFn => (ag as unknown as Record<string, AnyFn>)[name];

/** Exactly rounded ops: 1e-12 relative (they should in fact be bit-exact). */
const EXACT = rel(1e-12);
/** Transcendentals against Math.*: 1e-10 relative, and a floor below the normal range. */
const TRANSC = rel(1e-10, 1e-300);
/** float32 results against the float64 reference rounded to float32. */
const F32 = rel(1e-5, 1e-38);

const fround = (v: number) => Math.fround(v);

// ---------------------------------------------------------------------------
// Broadcasting binary ops

interface BinaryCase {
  aShape: number[];
  bShape: number[];
  a: number[];
  b: number[];
  /** Pass a 0-d operand as a plain JS number. */
  aNum: boolean;
  bNum: boolean;
}

function binaryCaseArb(da: DataOptions, db: DataOptions = da): fc.Arbitrary<BinaryCase> {
  return broadcastPairArb({ empty: true }).chain(([aShape, bShape]) =>
    fc.record({
      aShape: fc.constant(aShape),
      bShape: fc.constant(bShape),
      a: dataArb(sizeOf(aShape), da),
      b: dataArb(sizeOf(bShape), db),
      aNum: fc.boolean(),
      bNum: fc.boolean(),
    }),
  );
}

interface BinarySpec {
  name: string;
  a: DataOptions;
  b?: DataOptions;
  bound: Bound;
}

const COMPARE_DATA: DataOptions = { min: -3, max: 3, integers: 8, special: 1 };
const COMPARISONS = new Set(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);
const BINARY: BinarySpec[] = [
  { name: 'add', a: {}, bound: EXACT },
  { name: 'sub', a: {}, bound: EXACT },
  { name: 'mul', a: {}, bound: EXACT },
  { name: 'div', a: {}, bound: EXACT },
  // negative bases with integer and non-integer exponents, 0 to negative powers
  { name: 'pow', a: { min: -5, max: 5 }, b: { min: -3, max: 3, integers: 6 }, bound: TRANSC },
  { name: 'maximum', a: { integers: 4, special: 1 }, bound: EXACT },
  { name: 'minimum', a: { integers: 4, special: 1 }, bound: EXACT },
  { name: 'atan2', a: { integers: 4 }, bound: TRANSC },
  { name: 'hypot', a: {}, bound: TRANSC },
  { name: 'mod', a: {}, b: { integers: 6 }, bound: EXACT },
  { name: 'equal', a: COMPARE_DATA, bound: exact },
  { name: 'notEqual', a: COMPARE_DATA, bound: exact },
  { name: 'less', a: COMPARE_DATA, bound: exact },
  { name: 'lessEqual', a: COMPARE_DATA, bound: exact },
  { name: 'greater', a: COMPARE_DATA, bound: exact },
  { name: 'greaterEqual', a: COMPARE_DATA, bound: exact },
];

function checkBinary(spec: BinarySpec, c: BinaryCase, dtype: DType, bound: Bound): void {
  const A = make(c.a, c.aShape, dtype);
  const B = make(c.b, c.bShape, dtype);
  // A JS number for a 0-d operand (not both: two numbers are float64 whatever the test's
  // dtype). It is passed unrounded: the op must round it to the other operand's dtype.
  const aNum = c.aNum && c.aShape.length === 0;
  const bNum = c.bNum && c.bShape.length === 0 && !aNum;
  const got = op(spec.name)(aNum ? c.a[0] : A.t, bNum ? c.b[0] : B.t);
  const f = R.binaryRef[spec.name];
  const expected = R.broadcastMap(dtype === 'float32' ? (x, y) => fround(f(x, y)) : f, A.data, c.aShape, B.data, c.bShape);
  const what = `${spec.name}(${aNum ? 'number ' : ''}${show(A.data, c.aShape)}, ${bNum ? 'number ' : ''}${show(B.data, c.bShape)}) ${dtype}`;
  // comparisons give bool (0 or 1) whatever the operands' dtype
  expectTensor(what, got, expected.shape, expected.data, bound, COMPARISONS.has(spec.name) ? 'bool' as DType : dtype);
}

const binary = suite('property: broadcasting binary ops');
guard.start(binary);
for (const spec of BINARY) {
  prop(binary, `binary ${spec.name} (float64)`, binaryCaseArb(spec.a, spec.b ?? spec.a), (c) => checkBinary(spec, c, 'float64', spec.bound), {
    requires: [spec.name],
  });
}
// float32: + - * / max are exactly the float64 result rounded once; the rest within 1e-5
for (const name of ['add', 'sub', 'mul', 'div', 'maximum', 'pow', 'atan2', 'hypot', 'less']) {
  const spec = BINARY.find((s) => s.name === name)!;
  const bound = spec.bound === TRANSC ? F32 : exact;
  prop(binary, `binary ${name} (float32)`, binaryCaseArb(spec.a, spec.b ?? spec.a), (c) => checkBinary(spec, c, 'float32', bound), {
    requires: [name],
  });
}
binary.run();

// ---------------------------------------------------------------------------
// Unary ops

interface UnarySpec {
  name: string;
  data: DataOptions;
  bound: Bound;
  /** Extra arguments, generated (elu's alpha, clamp's bounds). */
  extra?: fc.Arbitrary<number[]>;
  /** The reference, when not R.unaryRef[name] (or when it takes the extra arguments). */
  ref?: (x: number, ...extra: number[]) => number;
  /** How to call the op, when not ag[name](x, ...extra). */
  call?: (x: ag.Tensor, ...extra: number[]) => ag.Tensor;
}

/** The gamma family: 1e-10 relative, and 1e-13 absolute next to zeros (the references are good to about 1e-14 absolute there). */
const GAMMA = rel(1e-10, 1e-13);

const ROUNDING: DataOptions = { halves: 4 };
const UNARY: UnarySpec[] = [
  { name: 'neg', data: {}, bound: EXACT },
  { name: 'exp', data: { min: -30, max: 30 }, bound: TRANSC },
  { name: 'log', data: { min: 0, max: 100 }, bound: TRANSC },
  { name: 'sqrt', data: { min: 0, max: 100 }, bound: EXACT },
  { name: 'tanh', data: { min: -20, max: 20 }, bound: TRANSC },
  { name: 'abs2', data: {}, bound: EXACT },
  { name: 'abs', data: {}, bound: EXACT },
  { name: 'sign', data: {}, bound: EXACT },
  { name: 'cbrt', data: { min: -100, max: 100 }, bound: TRANSC },
  { name: 'exp2', data: { min: -30, max: 30 }, bound: TRANSC },
  { name: 'expm1', data: { min: -30, max: 30 }, bound: TRANSC },
  { name: 'log2', data: { min: 0, max: 100 }, bound: TRANSC },
  { name: 'log10', data: { min: 0, max: 100 }, bound: TRANSC },
  { name: 'log1p', data: { min: -1, max: 10 }, bound: TRANSC },
  { name: 'reciprocal', data: {}, bound: EXACT },
  { name: 'sin', data: {}, bound: TRANSC },
  { name: 'cos', data: {}, bound: TRANSC },
  { name: 'tan', data: {}, bound: TRANSC },
  { name: 'asin', data: { min: -1, max: 1 }, bound: TRANSC },
  { name: 'acos', data: { min: -1, max: 1 }, bound: TRANSC },
  { name: 'atan', data: { min: -100, max: 100 }, bound: TRANSC },
  { name: 'sinh', data: { min: -20, max: 20 }, bound: TRANSC },
  { name: 'cosh', data: { min: -20, max: 20 }, bound: TRANSC },
  { name: 'asinh', data: { min: -100, max: 100 }, bound: TRANSC },
  { name: 'acosh', data: { min: 1, max: 100 }, bound: TRANSC },
  { name: 'atanh', data: { min: -1, max: 1 }, bound: TRANSC },
  { name: 'sigmoid', data: { min: -40, max: 40 }, bound: TRANSC },
  { name: 'relu', data: {}, bound: EXACT },
  { name: 'softplus', data: { min: -40, max: 40 }, bound: TRANSC },
  {
    name: 'elu', data: {}, bound: TRANSC,
    extra: fc.oneof(fc.constant([] as number[]), fc.tuple(fc.double({ min: 0.1, max: 3, noNaN: true }))),
    ref: (x, alpha = 1) => (x > 0 ? x : alpha * Math.expm1(x)),
  },
  { name: 'gelu', data: { min: -8, max: 8 }, bound: TRANSC },
  { name: 'floor', data: ROUNDING, bound: EXACT },
  { name: 'ceil', data: ROUNDING, bound: EXACT },
  { name: 'round', data: ROUNDING, bound: EXACT },
  { name: 'trunc', data: ROUNDING, bound: EXACT },
  // special functions (src/ops/special.ts) against the series / continued fraction / Stirling references
  { name: 'erf', data: { min: -6, max: 6 }, bound: TRANSC, ref: R.erf },
  { name: 'erfc', data: { min: -5, max: 26 }, bound: TRANSC, ref: R.erfc },
  { name: 'erfinv', data: { min: -1, max: 1 }, bound: TRANSC, ref: R.erfinv },
  { name: 'lgamma', data: { min: -10, max: 30, halves: 2 }, bound: GAMMA, ref: R.lgamma },
  { name: 'digamma', data: { min: -10, max: 30, halves: 2 }, bound: GAMMA, ref: R.digamma },
  { name: 'trigamma', data: { min: -10, max: 30, halves: 2 }, bound: GAMMA, ref: (x) => R.polygamma(1, x) },
  {
    name: 'polygamma', data: { min: 0, max: 30, minExcluded: true, halves: 2 }, bound: GAMMA,
    extra: fc.integer({ min: 0, max: 4 }).map((n) => [n]),
    ref: (x, n) => R.polygamma(n, x),
    call: (x, n) => ag.polygamma(n, x),
  },
  {
    name: 'clamp', data: { halves: 2 }, bound: EXACT,
    extra: fc.tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: 0, max: 6 })).map(([lo, w]) => [lo, lo + w]),
    ref: (x, lo, hi) => Math.min(Math.max(x, lo), hi),
  },
];

interface UnaryCase {
  shape: number[];
  x: number[];
  extra: number[];
}

function unaryCaseArb(spec: UnarySpec): fc.Arbitrary<UnaryCase> {
  return shapeArb({ empty: true }).chain((shape) =>
    fc.record({ shape: fc.constant(shape), x: dataArb(sizeOf(shape), spec.data), extra: spec.extra ?? fc.constant([] as number[]) }),
  );
}

function checkUnary(spec: UnarySpec, c: UnaryCase, dtype: DType, bound: Bound): void {
  const X = make(c.x, c.shape, dtype);
  const got = spec.call ? spec.call(X.t, ...c.extra) : op(spec.name)(X.t, ...c.extra);
  const f = spec.ref ?? R.unaryRef[spec.name];
  const expected = R.map((v) => (dtype === 'float32' ? fround(f(v, ...c.extra)) : f(v, ...c.extra)), X.data);
  const what = `${spec.name}(${show(X.data, c.shape)}${c.extra.map((e) => `, ${e}`).join('')}) ${dtype}`;
  expectTensor(what, got, c.shape, expected, bound, dtype);
}

const unary = suite('property: unary ops');
for (const spec of UNARY) {
  prop(unary, `unary ${spec.name} (float64)`, unaryCaseArb(spec), (c) => checkUnary(spec, c, 'float64', spec.bound), { requires: [spec.name] });
}
for (const name of ['exp', 'log', 'tanh', 'sqrt', 'sigmoid', 'sin', 'atan', 'softplus', 'gelu', 'round', 'abs']) {
  const spec = UNARY.find((s) => s.name === name)!;
  const bound = spec.bound === TRANSC ? F32 : exact;
  prop(unary, `unary ${name} (float32)`, unaryCaseArb(spec), (c) => checkUnary(spec, c, 'float32', bound), { requires: [name] });
}
unary.run();

// ---------------------------------------------------------------------------
// Reductions

interface ReduceCase {
  shape: number[];
  x: number[];
  axis: number | number[] | undefined;
  keepdims: boolean;
  /** ddof for variance/std, p for norm. */
  param: number;
}

function reduceCaseArb(data: DataOptions, params: readonly number[], single = false): fc.Arbitrary<ReduceCase> {
  return shapeArb({ empty: true }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      x: dataArb(sizeOf(shape), data),
      axis: single
        ? (shape.length === 0 ? fc.constant(undefined) : fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }))
        : axesArb(shape.length),
      keepdims: fc.boolean(),
      param: fc.constantFrom(...params),
    }),
  );
}

interface ReduceSpec {
  name: string;
  data?: DataOptions;
  params?: number[];
  /** Call the op: (x, axis, keepdims, param). */
  call?: (x: ag.Tensor, axis: number | number[] | undefined, keepdims: boolean, param: number) => ag.Tensor;
  /** The per-group reference. */
  ref: (g: number[], param: number) => number;
  /** The allowed error for a group's result. */
  bound: (g: number[], e: number, param: number) => number;
  /** Refused (an error) when a reduced axis is empty. */
  needsElements?: boolean | ((param: number) => boolean);
}

const absSum = (g: readonly number[]) => g.reduce((s, v) => s + Math.abs(v), 0);
const sumSq = (g: readonly number[]) => g.reduce((s, v) => s + v * v, 0);
const maxAbs = (g: readonly number[]) => g.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
const varianceBound = (g: number[], e: number, ddof: number) => 1e-12 * Math.abs(e) + 1e-15 * sumSq(g) / Math.max(g.length - ddof, 1);
/** Products stay within float64's range: |x| in [0.5, 2] or 0, so 625 factors neither overflow nor underflow. */
const PROD_DATA: DataOptions = { min: -1, max: 1, integers: 1 };
const prodValue = (v: number) => (v === 0 ? 0 : Math.sign(v) * (0.5 + 1.5 * Math.abs(v)));

const REDUCE: ReduceSpec[] = [
  { name: 'sum', ref: R.groupRef.sum, bound: (g) => 1e-12 * absSum(g) },
  { name: 'mean', ref: R.groupRef.mean, bound: (g) => (1e-12 * absSum(g)) / Math.max(g.length, 1) },
  { name: 'prod', data: PROD_DATA, ref: R.groupRef.prod, bound: (_g, e) => 1e-12 * Math.abs(e) },
  // NaN and ±Infinity now and then: NaN propagates
  { name: 'max', data: { special: 1 }, ref: R.groupRef.max, bound: () => 0, needsElements: true },
  { name: 'min', data: { special: 1 }, ref: R.groupRef.min, bound: () => 0, needsElements: true },
  { name: 'logsumexp', data: { min: -50, max: 50 }, ref: R.groupRef.logsumexp, bound: (_g, e) => 1e-12 * (1 + Math.abs(e)) },
  {
    name: 'variance', params: [0, 1], ref: (g, ddof) => R.groupRef.variance(g, ddof), bound: varianceBound,
    call: (x, axis, keepdims, ddof) => ag.variance(x, axis, keepdims, ddof),
  },
  {
    name: 'std', params: [0, 1], ref: (g, ddof) => R.groupRef.std(g, ddof),
    // |got - e| (got + e) = |got² - e²| within the variance's bound
    bound: (g, e, ddof) => 1e-12 * Math.abs(e) + Math.sqrt(varianceBound(g, e * e, ddof)),
    call: (x, axis, keepdims, ddof) => ag.std(x, axis, keepdims, ddof),
  },
  {
    name: 'norm', params: [1, 2, Infinity, 3], ref: (g, p) => R.groupRef.norm(g, p),
    // a norm is at least max |x|: relative to that, so underflow in the reference's squares does not count
    bound: (g, e, p) => (p === 3 ? 1e-10 : 1e-12) * Math.max(Math.abs(e), maxAbs(g), p === 1 ? absSum(g) : 0),
    call: (x, axis, keepdims, p) => ag.norm(x, p, axis, keepdims),
    needsElements: (p) => p === Infinity,
  },
];

function checkReduce(spec: ReduceSpec, c: ReduceCase, dtype: DType = 'float64'): void {
  const values = spec.data === PROD_DATA ? c.x.map(prodValue) : c.x;
  const X = make(values, c.shape, dtype);
  const call = spec.call ?? ((x, axis, keepdims) => op(spec.name)(x, axis, keepdims));
  const what = `${spec.name}(${show(X.data, c.shape)}, axis ${JSON.stringify(c.axis)}, keepdims ${c.keepdims}` +
    `${spec.params ? `, ${spec.name === 'norm' ? 'p' : 'ddof'} ${c.param}` : ''}) ${dtype}`;
  const axes = R.resolveAxes(c.axis, c.shape.length);
  const needs = typeof spec.needsElements === 'function' ? spec.needsElements(c.param) : spec.needsElements === true;
  if (needs && axes.some((a) => c.shape[a] === 0)) {
    expectThrows(what, () => call(X.t, c.axis, c.keepdims, c.param));
    return;
  }
  const got = call(X.t, c.axis, c.keepdims, c.param);
  const expected = R.reduce((g) => spec.ref(g, c.param), X.data, c.shape, c.axis, c.keepdims);
  const scale = dtype === 'float32' ? 1e7 : 1; // float32: 1e-12 -> 1e-5
  const data = dtype === 'float32' ? expected.data.map(fround) : expected.data;
  expectTensor(what, got, expected.shape, data, (e, i) => scale * spec.bound(expected.groups[i], e, c.param) + (dtype === 'float32' ? 1e-38 : 0), dtype);
}

function checkArg(which: 'max' | 'min', c: ReduceCase): void {
  const X = make(c.x, c.shape, 'float64');
  const axis = c.axis as number | undefined;
  const name = `arg${which}`;
  const what = `${name}(${show(X.data, c.shape)}, axis ${axis}, keepdims ${c.keepdims})`;
  const empty = axis === undefined ? X.data.length === 0 : c.shape[axis < 0 ? axis + c.shape.length : axis] === 0;
  if (empty) {
    expectThrows(what, () => op(name)(X.t, axis, c.keepdims));
    return;
  }
  const got = op(name)(X.t, axis, c.keepdims);
  const expected = R.argReduce(which, X.data, c.shape, axis, c.keepdims);
  expectTensor(what, got, expected.shape, expected.data, exact, 'int32' as DType);
}

const reductions = suite('property: reductions');
for (const spec of REDUCE) {
  prop(reductions, `reduce ${spec.name} (float64)`, reduceCaseArb(spec.data ?? {}, spec.params ?? [0]), (c) => checkReduce(spec, c), {
    requires: [spec.name],
  });
}
// argmax/argmin: many ties (small integers), so the first-occurrence rule is exercised; NaN
// counts as the extreme (the first NaN wins), as in numpy
for (const which of ['max', 'min'] as const) {
  prop(reductions, `reduce arg${which} (float64)`, reduceCaseArb({ min: -3, max: 3, integers: 10, special: 1 }, [0], true), (c) => checkArg(which, c), {
    requires: [`arg${which}`],
  });
}
for (const name of ['sum', 'mean', 'max', 'logsumexp']) {
  const spec = REDUCE.find((s) => s.name === name)!;
  prop(reductions, `reduce ${name} (float32)`, reduceCaseArb(spec.data ?? {}, [0]), (c) => checkReduce(spec, c, 'float32'), {
    requires: [name],
  });
}
reductions.run();

// ---------------------------------------------------------------------------
// Shape ops, indexing and joining

const shapes = suite('property: reshape, transpose, slice, gather, concat, stack, flip, broadcastTo');

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; n > 1; p++) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  return out;
}

interface ReshapeCase {
  shape: number[];
  x: number[];
  target: number[];
  /** The target as passed (maybe with one -1). */
  arg: number[];
}

const reshapeArb: fc.Arbitrary<ReshapeCase> = shapeArb({ empty: true }).chain((shape) => {
  const n = sizeOf(shape);
  const factors = primeFactors(n);
  return fc
    .record({
      x: dataArb(n),
      rank: fc.integer({ min: n === 1 ? 0 : 1, max: 4 }),
      places: fc.array(fc.nat(), { minLength: factors.length + 2, maxLength: factors.length + 2 }),
      inferred: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ x, rank, places, inferred }) => {
      const target = new Array<number>(rank).fill(1);
      if (n === 0) target[places[0] % rank] = 0;
      else factors.forEach((f, i) => (target[places[i] % rank] *= f));
      const arg = target.slice();
      // -1 where the other entries determine it (not when the rest multiply to 0)
      if (inferred !== undefined && rank > 0) {
        const k = inferred % rank;
        if (target.every((d, i) => i === k || d !== 0)) arg[k] = -1;
      }
      return { shape, x, target, arg };
    });
});

prop(shapes, 'reshape (float64)', reshapeArb, (c) => {
  const X = make(c.x, c.shape);
  expectTensor(`reshape(${show(X.data, c.shape)}, [${c.arg}])`, ag.reshape(X.t, c.arg), c.target, X.data, exact);
}, { requires: ['reshape'] });

const transposeArb = shapeArb({ empty: true }).chain((shape) =>
  fc.record({ shape: fc.constant(shape), x: dataArb(sizeOf(shape)), perm: fc.option(permArb(shape.length), { nil: undefined, freq: 5 }) }),
);

function checkTranspose(c: { shape: number[]; x: number[]; perm: number[] | undefined }, dtype: DType): void {
  const X = make(c.x, c.shape, dtype);
  const r = c.shape.length;
  const perm = c.perm === undefined ? c.shape.map((_, i) => r - 1 - i) : c.perm.map((a) => (a < 0 ? a + r : a));
  const expected = refTranspose(X.data, c.shape, perm);
  expectTensor(`transpose(${show(X.data, c.shape)}, ${JSON.stringify(c.perm)})`, ag.transpose(X.t, c.perm), expected.shape, expected.data, exact, dtype);
}
prop(shapes, 'transpose (float64)', transposeArb, (c) => checkTranspose(c, 'float64'), { requires: ['transpose'] });
prop(shapes, 'transpose (float32)', transposeArb, (c) => checkTranspose(c, 'float32'), { requires: ['transpose'] });

const sliceArb = shapeArb({ empty: true }).chain((shape) =>
  fc.record({ shape: fc.constant(shape), x: dataArb(sizeOf(shape)), specs: sliceSpecsArb(shape) }),
);

function checkSlice(c: { shape: number[]; x: number[]; specs: SliceSpec[] }, dtype: DType): void {
  const X = make(c.x, c.shape, dtype);
  const expected = R.slice(X.data, c.shape, c.specs);
  const got = (ag.slice as (x: ag.Tensor, ...s: SliceSpec[]) => ag.Tensor)(X.t, ...c.specs);
  expectTensor(`slice(${show(X.data, c.shape)}, ${JSON.stringify(c.specs)})`, got, expected.shape, expected.data, exact, dtype);
}
prop(shapes, 'slice (float64)', sliceArb, (c) => checkSlice(c, 'float64'), { requires: ['slice'] });
prop(shapes, 'slice (float32)', sliceArb, (c) => checkSlice(c, 'float32'), { requires: ['slice'] });

const gatherArb = shapeArb({ empty: true, minRank: 1 }).chain((shape) =>
  fc.integer({ min: -shape.length, max: shape.length - 1 }).chain((axis) =>
    fc.record({
      shape: fc.constant(shape),
      x: dataArb(sizeOf(shape)),
      axis: fc.constant(axis),
      idx: gatherIndicesArb(shape[axis < 0 ? axis + shape.length : axis]),
      /** How the indices are passed: nested array, tensor, or (for rank 0) a number. */
      form: fc.constantFrom('array', 'tensor', 'number'),
      defaultAxis: fc.boolean(),
    }),
  ),
);

prop(shapes, 'gather (float64)', gatherArb, (c) => {
  const X = make(c.x, c.shape);
  const indices = c.idx.indices;
  let idxShape = c.idx.shape;
  let arg: unknown;
  if (c.form === 'tensor') arg = ag.tensor(Float64Array.from(indices), { dtype: 'float64', shape: idxShape });
  else if (c.form === 'number' && idxShape.length === 0) arg = indices[0];
  else {
    arg = nest(indices, idxShape);
    // a nested array cannot say [0, 2]: [] is shape [0]
    const zero = idxShape.indexOf(0);
    if (zero >= 0) idxShape = idxShape.slice(0, zero + 1);
  }
  const useDefault = c.defaultAxis && c.axis === 0;
  const got = useDefault ? ag.gather(X.t, arg as never) : ag.gather(X.t, arg as never, c.axis);
  const expected = R.gather(X.data, c.shape, indices, idxShape, c.axis);
  expectTensor(`gather(${show(X.data, c.shape)}, ${c.form} ${JSON.stringify(nest(indices, idxShape))}, axis ${c.axis})`, got, expected.shape, expected.data, exact);
}, { requires: ['gather'] });

const concatArb = shapeArb({ empty: true, minRank: 1 }).chain((shape) =>
  fc.integer({ min: -shape.length, max: shape.length - 1 }).chain((axis) =>
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }).chain((lens) => {
      const a = axis < 0 ? axis + shape.length : axis;
      const partShapes = lens.map((len) => shape.map((d, i) => (i === a ? len : d)));
      return fc.record({
        axis: fc.constant(axis),
        shapes: fc.constant(partShapes),
        parts: fc.tuple(...partShapes.map((s) => dataArb(sizeOf(s)))),
      });
    }),
  ),
);

prop(shapes, 'concat (float64)', concatArb, (c) => {
  const parts = c.parts.map((p, i) => make(p, c.shapes[i]));
  const got = ag.concat(parts.map((p) => p.t), c.axis);
  const expected = R.concat(parts.map((p, i) => ({ data: p.data, shape: c.shapes[i] })), c.axis);
  expectTensor(`concat([${c.shapes.map((s) => `[${s}]`).join(', ')}], axis ${c.axis})`, got, expected.shape, expected.data, exact);
}, { requires: ['concat'] });

const stackArb = shapeArb({ empty: true, maxRank: 3 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axis: fc.integer({ min: -shape.length - 1, max: shape.length }),
    parts: fc.array(dataArb(sizeOf(shape)), { minLength: 1, maxLength: 4 }),
  }),
);

prop(shapes, 'stack (float64)', stackArb, (c) => {
  const parts = c.parts.map((p) => make(p, c.shape));
  const got = ag.stack(parts.map((p) => p.t), c.axis);
  const expected = R.stack(parts.map((p) => ({ data: p.data, shape: c.shape })), c.axis);
  expectTensor(`stack(${c.parts.length} x [${c.shape}], axis ${c.axis})`, got, expected.shape, expected.data, exact);
}, { requires: ['stack'] });

const flipArb = shapeArb({ empty: true }).chain((shape) =>
  fc.record({ shape: fc.constant(shape), x: dataArb(sizeOf(shape)), axis: axesArb(shape.length) }),
);

prop(shapes, 'flip (float64)', flipArb, (c) => {
  const X = make(c.x, c.shape);
  const axes = c.axis === undefined ? c.shape.map((_, i) => i) : typeof c.axis === 'number' ? [c.axis] : c.axis;
  const expected = R.flip(X.data, c.shape, axes);
  expectTensor(`flip(${show(X.data, c.shape)}, ${JSON.stringify(c.axis)})`, ag.flip(X.t, c.axis), expected.shape, expected.data, exact);
}, { requires: ['flip'] });

const broadcastToArb = shapeArb({ empty: true }).chain((full) =>
  derivedArb(full).chain((shape) => fc.record({ full: fc.constant(full), shape: fc.constant(shape), x: dataArb(sizeOf(shape)) })),
);

prop(shapes, 'broadcastTo (float64)', broadcastToArb, (c) => {
  const X = make(c.x, c.shape);
  const expected = refBroadcastTo(X.data, c.shape, c.full);
  expectTensor(`broadcastTo(${show(X.data, c.shape)}, [${c.full}])`, ag.broadcastTo(X.t, c.full), expected.shape, expected.data, exact);
}, { requires: ['broadcastTo'] });
shapes.run();

// ---------------------------------------------------------------------------
// matmul, every numpy rank case

type MatmulKind = '1-D @ 1-D' | '1-D @ 2-D' | '2-D @ 1-D' | '2-D @ 2-D' | 'N-D @ N-D' | '1-D @ N-D' | 'N-D @ 1-D';
const MATMUL_KINDS: MatmulKind[] = ['1-D @ 1-D', '1-D @ 2-D', '2-D @ 1-D', '2-D @ 2-D', 'N-D @ N-D', '1-D @ N-D', 'N-D @ 1-D'];

interface MatmulCase {
  kind: MatmulKind;
  aShape: number[];
  bShape: number[];
  a: number[];
  b: number[];
  transA: boolean;
  transB: boolean;
}

/** Shapes as stored: with a transpose flag the last two axes are swapped. */
function matmulCaseArb(kind: MatmulKind): fc.Arbitrary<MatmulCase> {
  const dim = fc.integer({ min: 0, max: 5 });
  const batch = kind === 'N-D @ N-D' || kind === '1-D @ N-D' || kind === 'N-D @ 1-D'
    ? shapeArb({ minRank: 1, maxRank: 2, empty: true, maxDim: 3 }).chain((full) => fc.tuple(derivedArb(full), derivedArb(full), fc.constant(full)))
    : fc.constant<[number[], number[], number[]]>([[], [], []]);
  return fc.tuple(dim, dim, dim, batch, fc.boolean(), fc.boolean()).chain(([m, k, n, [batchA, batchB, full], tA, tB]) => {
    let aShape: number[];
    let bShape: number[];
    const left = kind.split(' @ ')[0];
    const right = kind.split(' @ ')[1];
    if (left === '1-D') aShape = [k];
    else if (left === '2-D') aShape = tA ? [k, m] : [m, k];
    else aShape = [...(right === '1-D' ? full : batchA), ...(tA ? [k, m] : [m, k])];
    if (right === '1-D') bShape = [k];
    else if (right === '2-D') bShape = tB ? [n, k] : [k, n];
    else bShape = [...(left === '1-D' ? full : batchB), ...(tB ? [n, k] : [k, n])];
    return fc.record({
      kind: fc.constant(kind),
      aShape: fc.constant(aShape),
      bShape: fc.constant(bShape),
      a: dataArb(sizeOf(aShape)),
      b: dataArb(sizeOf(bShape)),
      transA: fc.constant(tA && aShape.length >= 2),
      transB: fc.constant(tB && bShape.length >= 2),
    });
  });
}

function checkMatmul(c: MatmulCase, dtype: DType): void {
  const A = make(c.a, c.aShape, dtype);
  const B = make(c.b, c.bShape, dtype);
  const options = { transposeA: c.transA, transposeB: c.transB };
  const got = c.transA || c.transB ? ag.matmul(A.t, B.t, options) : ag.matmul(A.t, B.t);
  const expected = R.matmul(A.data, c.aShape, B.data, c.bShape, c.transA, c.transB);
  const rtol = dtype === 'float32' ? 1e-5 : 1e-12;
  const data = dtype === 'float32' ? expected.data.map(fround) : expected.data;
  const what = `matmul(${show(A.data, c.aShape)}${c.transA ? 'ᵀ' : ''}, ${show(B.data, c.bShape)}${c.transB ? 'ᵀ' : ''}) ${dtype}`;
  expectTensor(what, got, expected.shape, data, (_e, i) => rtol * expected.abs[i] + (dtype === 'float32' ? 1e-38 : 0), dtype);
}

const matmul = suite('property: matmul (numpy rank cases)');
for (const kind of MATMUL_KINDS) {
  prop(matmul, `matmul ${kind} (float64)`, matmulCaseArb(kind), (c) => checkMatmul(c, 'float64'), { requires: ['matmul'] });
}
prop(matmul, 'matmul any rank (float32)', fc.constantFrom(...MATMUL_KINDS).chain(matmulCaseArb), (c) => checkMatmul(c, 'float32'), {
  requires: ['matmul'],
});

// The blocked kernel (assembly/matmul.ts: 6-row micro-tiles, 4 (f64) / 8 (f32)
// column panels, k blocks of 128 (f64) / 256 (f32), 64-column blocks of B)
// only runs its full tiles and block edges on sizes past the 0-5 above:
// sizes around those boundaries, with transposes and a broadcast batch axis.
// Data from a seeded generator (too many values for fast-check to shrink).
interface BigMatmulCase {
  m: number;
  k: number;
  n: number;
  batchA: number[];
  batchB: number[];
  transA: boolean;
  transB: boolean;
  seed: number;
}

const near = (...points: number[]) => fc.oneof(
  fc.constantFrom(...points.flatMap((p) => [p - 1, p, p + 1]).filter((p) => p >= 1)),
  fc.integer({ min: 1, max: Math.max(...points) + 2 }),
);

function bigMatmulArb(dtype: DType): fc.Arbitrary<BigMatmulCase> {
  const kc = dtype === 'float32' ? 256 : 128;
  return fc.record({
    m: near(1, 6, 12, 13),
    k: near(1, 2, 4, 8, kc),
    n: near(1, 4, 8, 64, 65),
    batchA: fc.constantFrom<number[]>([], [1], [2]),
    batchB: fc.constantFrom<number[]>([], [1], [2]),
    transA: fc.boolean(),
    transB: fc.boolean(),
    seed: fc.nat(),
  }).filter((c) => c.m * c.k * c.n * Math.max(1, ...c.batchA, ...c.batchB) <= 160000);
}

function checkBigMatmul(c: BigMatmulCase, dtype: DType): void {
  const rng = new Rng(c.seed);
  const aShape = [...c.batchA, ...(c.transA ? [c.k, c.m] : [c.m, c.k])];
  const bShape = [...c.batchB, ...(c.transB ? [c.n, c.k] : [c.k, c.n])];
  checkMatmul({
    kind: 'N-D @ N-D', aShape, bShape, a: Array.from(rng.array(sizeOf(aShape), -2, 2)), b: Array.from(rng.array(sizeOf(bShape), -2, 2)),
    transA: c.transA, transB: c.transB,
  }, dtype);
}

prop(matmul, 'matmul blocked sizes (float64)', bigMatmulArb('float64'), (c) => checkBigMatmul(c, 'float64'), { requires: ['matmul'] });
prop(matmul, 'matmul blocked sizes (float32)', bigMatmulArb('float32'), (c) => checkBigMatmul(c, 'float32'), { requires: ['matmul'] });
guard.finish(matmul);
matmul.run();
