// Accuracy of the vectorized transcendentals (assembly/unary.ts: exp, log,
// tanh, sigmoid, expm1, log1p, softplus, and elu on top of expm1), kernel by
// kernel, in float32 and float64, called directly on arrays in wasm memory.
//
// float32: every result is compared with the float64 computation rounded to
// float32 (Math.fround(Math.exp(x)) and so on: correctly rounded but within a
// hair of a tie), the distance measured in float32 ulps (steps between the
// two bit patterns, so Infinity is one ulp past the largest float and
// subnormal results count in steps of 2^-149). The issue asks for <= 2 ulp;
// each kernel is held to the bound documented in assembly/unary.ts (found by
// running every float32 input through it).
//
// float64: compared with Math.* (V8's fdlibm ports, themselves up to ~2 ulp
// off: Math.tanh(-0.547...) is 1.9 ulp off), in ulps of the reference. Against
// an mpmath reference our float64 kernels were measured within 1.8 ulp; the
// bounds below add V8's own error.
//
// Inputs: a linear sweep (float32 every 2^-10, float64 every 2^-8 over the
// useful range), every 4093rd float32 bit pattern (all exponents, subnormals,
// Infinity and NaN payloads included), 2^19 random bit patterns (float64:
// random sign, exponent and mantissa), and a list of edge values with their
// neighbours (±0, ±Infinity, NaN, overflow and underflow boundaries,
// subnormals). Each set also runs with a NaN planted every 16 elements, which
// sends every block through the careful path, and at lengths that leave a
// tail, so all three code paths are checked. Special values are checked
// exactly, signed zeros included.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { heapF32, heapF64, kernel } from '../src/wasm/index';
import { allocBytes, freeBytes } from '../src/runtime/storage';

type DType = 'float32' | 'float64';
type Name = 'exp' | 'log' | 'tanh' | 'sigmoid' | 'expm1' | 'log1p' | 'softplus' | 'elu';
type Kernel = (x: number, out: number, n: number, alpha: number) => void;

const NAMES: readonly Name[] = ['exp', 'log', 'tanh', 'sigmoid', 'expm1', 'log1p', 'softplus', 'elu'];
/** elu's alpha (the float32 kernel sees it rounded to float32). */
const ALPHA = 1.3;

/** Max ulp error allowed: float32 vs the correctly rounded value; float64 vs Math.*. */
const BOUND: Record<DType, Record<Name, number>> = {
  float32: { exp: 1, log: 1, tanh: 1, sigmoid: 2, expm1: 2, log1p: 1, softplus: 2, elu: 2 },
  float64: { exp: 2, log: 2, tanh: 3, sigmoid: 3, expm1: 3, log1p: 2, softplus: 3, elu: 3 },
};

/** float64 references, accurate enough to round to float32 correctly. */
const REF: Record<Name, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  expm1: Math.expm1,
  log1p: Math.log1p,
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  elu: (x) => (x > 0 ? x : ALPHA * Math.expm1(x)),
};

/** The linear sweep's range per kernel (beyond it the results are constant or trivially exact). */
const SWEEP: Record<DType, Record<Name, [number, number]>> = {
  float32: {
    exp: [-104, 89], log: [0, 64], tanh: [-10, 10], sigmoid: [-105, 30],
    expm1: [-20, 89], log1p: [-1, 64], softplus: [-105, 30], elu: [-20, 20],
  },
  float64: {
    exp: [-746, 710], log: [0, 64], tanh: [-20, 20], sigmoid: [-746, 40],
    expm1: [-40, 710], log1p: [-1, 64], softplus: [-746, 40], elu: [-40, 40],
  },
};

// ---- running a kernel ----

function run(name: Name, dtype: DType, xs: Float32Array | Float64Array): Float32Array | Float64Array {
  const size = dtype === 'float32' ? 4 : 8;
  const bytes = Math.max(16, xs.length * size);
  const px = allocBytes(bytes, 'math-accuracy');
  const py = allocBytes(bytes, 'math-accuracy');
  try {
    if (dtype === 'float32') heapF32().set(xs, px >> 2);
    else heapF64().set(xs, px >> 3);
    kernel<Kernel>(`${name}_${dtype === 'float32' ? 'f32' : 'f64'}`)(px, py, xs.length, ALPHA);
    return dtype === 'float32'
      ? heapF32().slice(py >> 2, (py >> 2) + xs.length)
      : heapF64().slice(py >> 3, (py >> 3) + xs.length);
  } finally {
    freeBytes(px, bytes);
    freeBytes(py, bytes);
  }
}

// ---- ulp distances ----

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** float32 bit patterns on one integer line: +0 and -0 are both 0, Infinity is max + 1. */
function ord32(v: number): number {
  f32[0] = v;
  const b = i32[0];
  return b >= 0 ? b : -2147483648 - b;
}
function ulps32(actual: number, expected: number): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Number.isNaN(actual) && Number.isNaN(expected) ? 0 : Infinity;
  return Math.abs(ord32(actual) - ord32(expected));
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function ulpOf64(v: number): number {
  f64[0] = v;
  const e = (u32[1] >>> 20) & 0x7ff;
  return e === 0 ? 2 ** -1074 : 2 ** (e - 1075);
}
function ulps64(actual: number, expected: number): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Number.isNaN(actual) && Number.isNaN(expected) ? 0 : Infinity;
  if (actual === expected) return 0;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) {
    const finite = Number.isFinite(actual) ? actual : expected;
    return Math.abs(finite) === Number.MAX_VALUE && Math.sign(actual) === Math.sign(expected) ? 1 : Infinity;
  }
  return Math.abs(actual - expected) / ulpOf64(expected);
}

interface Worst { ulps: number; x: number; got: number; want: number }

/** The largest error of `name` over xs, as computed, with a NaN every 16 elements, and shifted by 3 (a tail). */
function worstOver(name: Name, dtype: DType, values: ArrayLike<number>): Worst {
  const Arr = dtype === 'float32' ? Float32Array : Float64Array;
  const ref = name === 'elu' && dtype === 'float32' ? (x: number) => (x > 0 ? x : Math.fround(ALPHA) * Math.expm1(x)) : REF[name];
  const dist = dtype === 'float32' ? ulps32 : ulps64;
  const want = (x: number) => (dtype === 'float32' ? Math.fround(ref(x)) : ref(x));
  const worst: Worst = { ulps: 0, x: 0, got: 0, want: 0 };
  const check = (xs: Float32Array | Float64Array, skipEvery16: boolean) => {
    const ys = run(name, dtype, xs);
    for (let i = 0; i < xs.length; i++) {
      if (skipEvery16 && i % 16 === 7) continue;
      const w = want(xs[i]);
      const d = dist(ys[i], w);
      if (d > worst.ulps || Number.isNaN(d)) Object.assign(worst, { ulps: Number.isNaN(d) ? Infinity : d, x: xs[i], got: ys[i], want: w });
    }
  };
  const xs = Arr.from(values);
  check(xs, false);
  // every block through the careful path
  const planted = Arr.from(xs);
  for (let i = 7; i < planted.length; i += 16) planted[i] = NaN;
  check(planted, true);
  // offset by 3: other lanes, and a tail of a different length
  check(xs.subarray(3), false);
  return worst;
}

/** MATH_ACCURACY_REPORT=1 prints the worst case of every set. */
const REPORT = typeof process !== 'undefined' && process.env.MATH_ACCURACY_REPORT === '1';

function assertWithin(name: Name, dtype: DType, what: string, values: ArrayLike<number>): void {
  const w = worstOver(name, dtype, values);
  const bound = BOUND[dtype][name];
  if (REPORT) console.log(`  ${name} ${dtype} ${what}: max ${+w.ulps.toFixed(3)} ulp at x = ${w.x} (got ${w.got}, expected ${w.want})`);
  assert.ok(
    w.ulps <= bound,
    `${name} ${dtype} (${what}): ${w.ulps} ulp at x = ${w.x} (got ${w.got}, expected ${w.want}); bound ${bound}`,
  );
}

// ---- inputs ----

/** Deterministic xorshift32. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function linear(lo: number, hi: number, step: number): Float64Array {
  const n = Math.floor((hi - lo) / step) + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + i * step;
  return out;
}

/** Every `stride`-th float32 bit pattern, all 2^32 of them covered evenly. */
function bitPatterns32(stride: number, offset: number): Float32Array {
  const n = Math.floor((2 ** 32 - offset) / stride);
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) bits[i] = offset + i * stride;
  return out;
}

function random32(n: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) bits[i] = next();
  return out;
}

/** Random doubles: random sign and mantissa, exponent uniform in [minExp, maxExp]. */
function random64(n: number, seed: number, minExp: number, maxExp: number): Float64Array {
  const next = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = 1 + next() / 2 ** 32 + next() / 2 ** 64;
    const e = minExp + (next() % (maxExp - minExp + 1));
    out[i] = (next() & 1 ? -1 : 1) * m * 2 ** e;
  }
  return out;
}

const F32_MAX = 3.4028234663852886e38;
const F32_MIN = 1.1754943508222875e-38;
const F32_TRUE_MIN = 1.401298464324817e-45;

/** v and its float32 neighbours within k steps. */
function neighbours32(values: number[], k: number): number[] {
  const out: number[] = [];
  for (const v of values) {
    const o = ord32(Math.fround(v));
    for (let d = -k; d <= k; d++) {
      const b = o + d;
      i32[0] = b >= 0 ? b : -2147483648 - b;
      out.push(f32[0]);
    }
  }
  return out;
}

function neighbours64(values: number[], k: number): number[] {
  const out: number[] = [];
  for (const v of values) {
    out.push(v);
    let up = v;
    let down = v;
    for (let d = 0; d < k; d++) {
      up = nextAfter(up, Infinity);
      down = nextAfter(down, -Infinity);
      out.push(up, down);
    }
  }
  return out;
}

function nextAfter(v: number, to: number): number {
  if (Number.isNaN(v) || v === to) return v;
  if (v === 0) return to > 0 ? 2 ** -1074 : -(2 ** -1074);
  const b = new BigInt64Array(new Float64Array([v]).buffer);
  b[0] += (v < to) === (v > 0) ? 1n : -1n;
  return new Float64Array(b.buffer)[0];
}

/** Boundaries worth probing per kernel, beyond the common ones. */
function edges(name: Name, dtype: DType): number[] {
  const d32 = dtype === 'float32';
  const common = [
    0, -0, 1, -1, 0.5, -0.5, 2, -2, Infinity, -Infinity, NaN,
    d32 ? F32_MAX : Number.MAX_VALUE, d32 ? -F32_MAX : -Number.MAX_VALUE,
    d32 ? F32_MIN : 2.2250738585072014e-308, d32 ? -F32_MIN : -2.2250738585072014e-308,
    d32 ? F32_TRUE_MIN : 5e-324, d32 ? -F32_TRUE_MIN : -5e-324,
    1e-30, -1e-30, 2 ** -24, -(2 ** -24), 2 ** -53, -(2 ** -53), 1e-10, -1e-10,
  ];
  const ln2 = Math.LN2;
  const exps = d32
    ? [Math.log(F32_MAX), Math.log(F32_MIN), Math.log(F32_TRUE_MIN), Math.log(F32_TRUE_MIN / 2), 87.3, -87.3, 89, -104, 20, -20, ln2 / 2, -ln2 / 2]
    : [Math.log(Number.MAX_VALUE), Math.log(2.2250738585072014e-308), Math.log(5e-324), Math.log(2 ** -1075), 708, -708, 710, -746, 40, -40, ln2 / 2, -ln2 / 2];
  const special: Record<Name, number[]> = {
    exp: exps,
    expm1: exps,
    elu: exps,
    sigmoid: exps.map((v) => -Math.abs(v)).concat(exps),
    softplus: exps.map((v) => -Math.abs(v)).concat(exps, [16, 17, 36, 37]),
    log: [Math.SQRT2, Math.SQRT1_2, Math.E, ...powersOfTwo(d32)],
    log1p: [-1, -0.5, Math.SQRT2 - 1, Math.SQRT1_2 - 1, 1 - Math.SQRT1_2, 2 * Math.SQRT2 - 1, 2 ** 24, 2 ** 25, 2 ** 53, ...powersOfTwo(d32).map((v) => v - 1)],
    tanh: [0.3, -0.3, 0.15, 9.01, 9.5, 19.06, 20, -20, ...exps],
  };
  return [...common, ...special[name]];
}

function powersOfTwo(d32: boolean): number[] {
  const out: number[] = [];
  for (let e = d32 ? -149 : -1074; e <= (d32 ? 127 : 1023); e += d32 ? 1 : 7) out.push(2 ** e);
  return out;
}

// ---- the tests ----

const accuracy = suite('math accuracy: vectorized transcendentals');

for (const name of NAMES) {
  accuracy(`${name} float32: linear sweep every 2^-10`, () => {
    const [lo, hi] = SWEEP.float32[name];
    assertWithin(name, 'float32', 'sweep', linear(lo, hi, 2 ** -10));
  });
  accuracy(`${name} float32: every 4093rd bit pattern`, () => {
    assertWithin(name, 'float32', 'bit patterns', bitPatterns32(4093, 17));
  });
  accuracy(`${name} float32: 2^19 random bit patterns`, () => {
    assertWithin(name, 'float32', 'random', random32(2 ** 19, 1234 + name.length));
  });
  accuracy(`${name} float32: edge values and their neighbours`, () => {
    assertWithin(name, 'float32', 'edges', neighbours32(edges(name, 'float32'), 8));
  });

  accuracy(`${name} float64: linear sweep every 2^-8`, () => {
    const [lo, hi] = SWEEP.float64[name];
    assertWithin(name, 'float64', 'sweep', linear(lo, hi, 2 ** -8));
  });
  accuracy(`${name} float64: 2^18 random doubles over all exponents`, () => {
    assertWithin(name, 'float64', 'random, all exponents', random64(2 ** 18, 99 + name.length, -1074, 1023));
  });
  accuracy(`${name} float64: 2^18 random doubles of moderate size`, () => {
    assertWithin(name, 'float64', 'random, |x| in [2^-30, 2^10]', random64(2 ** 18, 7 + name.length, -30, 10));
  });
  accuracy(`${name} float64: edge values and their neighbours`, () => {
    assertWithin(name, 'float64', 'edges', neighbours64(edges(name, 'float64'), 4));
  });
}

// Exact special values, both dtypes, in a vector lane and in the scalar tail.
const EXACT: [Name, number, number, DType?][] = [
  ['exp', 0, 1], ['exp', -0, 1], ['exp', Infinity, Infinity], ['exp', -Infinity, 0], ['exp', NaN, NaN],
  ['exp', 89, Infinity, 'float32'], ['exp', -104, 0, 'float32'], ['exp', 710, Infinity], ['exp', -746, 0],
  ['exp', 1000, Infinity], ['exp', -1000, 0],
  ['log', 1, 0], ['log', 0, -Infinity], ['log', -0, -Infinity], ['log', Infinity, Infinity],
  ['log', -1, NaN], ['log', -Infinity, NaN], ['log', -F32_TRUE_MIN, NaN], ['log', NaN, NaN],
  ['tanh', 0, 0], ['tanh', -0, -0], ['tanh', Infinity, 1], ['tanh', -Infinity, -1], ['tanh', 20, 1],
  ['tanh', -20, -1], ['tanh', NaN, NaN], ['tanh', F32_TRUE_MIN, F32_TRUE_MIN], ['tanh', -F32_TRUE_MIN, -F32_TRUE_MIN],
  ['sigmoid', 0, 0.5], ['sigmoid', -0, 0.5], ['sigmoid', Infinity, 1], ['sigmoid', -Infinity, 0], ['sigmoid', NaN, NaN],
  ['sigmoid', 1000, 1], ['sigmoid', -1000, 0],
  ['expm1', 0, 0], ['expm1', -0, -0], ['expm1', Infinity, Infinity], ['expm1', -Infinity, -1], ['expm1', NaN, NaN],
  ['expm1', 1000, Infinity], ['expm1', -1000, -1], ['expm1', F32_TRUE_MIN, F32_TRUE_MIN], ['expm1', -F32_TRUE_MIN, -F32_TRUE_MIN],
  ['log1p', 0, 0], ['log1p', -0, -0], ['log1p', -1, -Infinity], ['log1p', -2, NaN], ['log1p', -Infinity, NaN],
  ['log1p', Infinity, Infinity], ['log1p', NaN, NaN], ['log1p', F32_TRUE_MIN, F32_TRUE_MIN], ['log1p', -F32_TRUE_MIN, -F32_TRUE_MIN],
  ['softplus', Infinity, Infinity], ['softplus', -Infinity, 0], ['softplus', NaN, NaN],
  ['softplus', 1000, 1000], ['softplus', -1000, 0],
  ['elu', 0, 0], ['elu', -0, -0], ['elu', Infinity, Infinity], ['elu', -Infinity, -ALPHA], ['elu', NaN, NaN], ['elu', 1000, 1000],
];

const fmt = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

for (const dtype of ['float32', 'float64'] as const) {
  accuracy(`special values are exact (${dtype})`, () => {
    const round = dtype === 'float32' ? Math.fround : (v: number) => v;
    for (const [name, x, expected, only] of EXACT) {
      if (only !== undefined && only !== dtype) continue;
      // a block of 16 (vector lanes, careful path) followed by a tail of 3
      const xs = new Array<number>(19).fill(x);
      for (let i = 0; i < 19; i++) if (i % 5 === 1) xs[i] = 0.75;
      const ys = run(name, dtype, dtype === 'float32' ? Float32Array.from(xs) : Float64Array.from(xs));
      const want = round(expected);
      for (let i = 0; i < 19; i++) {
        if (xs[i] !== x && !Number.isNaN(x)) continue;
        if (i % 5 === 1) continue;
        const got = ys[i];
        const ok = Number.isNaN(want) ? Number.isNaN(got) : Object.is(got, want);
        assert.ok(ok, `${name}(${fmt(x)}) ${dtype} at index ${i} = ${fmt(got)}, expected ${fmt(want)}`);
      }
    }
  });

  accuracy(`NaN payloads and signs stay NaN (${dtype})`, () => {
    const xs = dtype === 'float32' ? new Float32Array(20) : new Float64Array(20);
    if (dtype === 'float32') {
      const bits = new Uint32Array(xs.buffer);
      const patterns = [0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fffffff, 0xffffffff, 0x7fc00123, 0x7fa00000];
      for (let i = 0; i < 20; i++) bits[i] = patterns[i % patterns.length];
    } else {
      const bits = new BigUint64Array(xs.buffer);
      const patterns = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0xfff0000000000001n, 0x7fffffffffffffffn, 0x7ff8000000000123n];
      for (let i = 0; i < 20; i++) bits[i] = patterns[i % patterns.length];
    }
    for (const name of NAMES) {
      const ys = run(name, dtype, xs);
      for (let i = 0; i < 20; i++) assert.ok(Number.isNaN(ys[i]), `${name}(NaN #${i}) ${dtype} = ${ys[i]}`);
    }
  });

  accuracy(`lengths 0 to 40 agree with one another (${dtype})`, () => {
    // the same inputs through blocks, the careful remainder and the tail give the same values
    const base = [-3.5, -0.2, 0.1, 0.7, 1.5, 2.25, -1.25, 0.05, 3, 0.4, -0.6, 5, 0.9, -7, 0.3, 1e-3,
      2.5, -2.5, 0.125, 8, -0.01, 0.6, 4, -4.5, 0.2, 6, -0.75, 1.1, 0.33, -9, 0.8, 2, -1, 0.45, 7, 0.02, -3, 1.75, 0.01, 9];
    for (const name of NAMES) {
      const xs = base.map((v) => (name === 'log' ? Math.abs(v) : name === 'log1p' ? Math.max(v, -0.9) : v));
      const full = run(name, dtype, dtype === 'float32' ? Float32Array.from(xs) : Float64Array.from(xs));
      for (let n = 0; n <= xs.length; n++) {
        const part = run(name, dtype, dtype === 'float32' ? Float32Array.from(xs.slice(0, n)) : Float64Array.from(xs.slice(0, n)));
        for (let i = 0; i < n; i++) {
          const d = dtype === 'float32' ? ulps32(part[i], full[i]) : ulps64(part[i], full[i]);
          assert.ok(d <= 1, `${name} ${dtype}: element ${i} of a length-${n} call = ${part[i]}, of the full call ${full[i]}`);
        }
      }
    }
  });
}

accuracy.run();

// ---- erf, erfc, the normal CDF and gelu in float32 (assembly/unary.ts: SIMD) ----
//
// Compared with the float64 kernels (assembly/erf.ts, within 2 float64 ulps
// of mpmath) rounded to float32, in float32 ulps. Bounds measured over the
// sets below and stated in assembly/unary.ts.

type ErfName = 'erf' | 'erfc' | 'unary_normcdf' | 'gelu';
const ERF_BOUND: Record<ErfName, number> = { erf: 2, erfc: 4, unary_normcdf: 5, gelu: 5 };

function runErf(name: ErfName, xs: Float32Array | Float64Array, dtype: DType): Float32Array | Float64Array {
  const size = dtype === 'float32' ? 4 : 8;
  const bytes = Math.max(16, xs.length * size);
  const px = allocBytes(bytes, 'math-accuracy');
  const py = allocBytes(bytes, 'math-accuracy');
  try {
    if (dtype === 'float32') heapF32().set(xs, px >> 2);
    else heapF64().set(xs, px >> 3);
    kernel<(x: number, out: number, n: number) => void>(`${name}_${dtype === 'float32' ? 'f32' : 'f64'}`)(px, py, xs.length);
    return dtype === 'float32' ? heapF32().slice(py >> 2, (py >> 2) + xs.length) : heapF64().slice(py >> 3, (py >> 3) + xs.length);
  } finally {
    freeBytes(px, bytes);
    freeBytes(py, bytes);
  }
}

const erfSuite = suite('math accuracy: erf, erfc, normal CDF, gelu (float32 SIMD)');

for (const name of ['erf', 'erfc', 'unary_normcdf', 'gelu'] as const) {
  erfSuite(`${name}: within ${ERF_BOUND[name]} ulp of the correctly rounded value`, () => {
    const sets: [string, Float32Array][] = [
      ['sweep [-16, 16] every 2^-10', Float32Array.from(linear(-16, 16, 2 ** -10))],
      ['every 4093rd bit pattern', bitPatterns32(4093, 17)],
      ['2^18 random bit patterns', random32(2 ** 18, 99)],
      ['edges', Float32Array.from(neighbours32([0, 0.5, 0.921875, 2, 10.5, 14.85, -0.5, -0.921875, -2, -10.05, -14.2, -14.85, F32_MIN, F32_TRUE_MIN, 1e-20, 1e-38], 3))],
    ];
    for (const [what, xs] of sets) {
      for (const input of [xs, xs.subarray(3)]) {
        const got = runErf(name, input, 'float32');
        const want = runErf(name, Float64Array.from(input), 'float64');
        let worst = 0;
        let at = 0;
        for (let i = 0; i < input.length; i++) {
          const d = ulps32(got[i], Math.fround(want[i]));
          if (d > worst || Number.isNaN(d)) [worst, at] = [Number.isNaN(d) ? Infinity : d, i];
        }
        if (REPORT) console.log(`  ${name} float32 ${what}: max ${worst} ulp at x = ${input[at]}`);
        assert.ok(worst <= ERF_BOUND[name], `${name} float32 (${what}): ${worst} ulp at x = ${input[at]} (got ${got[at]}, expected ${Math.fround(want[at])})`);
      }
    }
  });
}

erfSuite('special values are exact, through blocks, single vectors and tails', () => {
  const cases: [ErfName, number, number][] = [
    ['erf', 0, 0], ['erf', -0, -0], ['erf', Infinity, 1], ['erf', -Infinity, -1], ['erf', 20, 1], ['erf', -20, -1],
    ['erfc', 0, 1], ['erfc', -0, 1], ['erfc', Infinity, 0], ['erfc', -Infinity, 2], ['erfc', 11, 0], ['erfc', -11, 2],
    ['unary_normcdf', 0, 0.5], ['unary_normcdf', Infinity, 1], ['unary_normcdf', -Infinity, 0], ['unary_normcdf', -16, 0],
    ['gelu', 0, 0], ['gelu', -0, -0], ['gelu', Infinity, Infinity], ['gelu', -Infinity, -0], ['gelu', -20, -0], ['gelu', 20, 20],
  ];
  for (const [name, x, expected] of cases) {
    for (const n of [1, 3, 4, 16, 19]) {
      const ys = runErf(name, new Float32Array(n).fill(x), 'float32');
      for (let i = 0; i < n; i++) assert.ok(Object.is(ys[i], expected), `${name}(${fmt(x)}) in a run of ${n}, element ${i} = ${fmt(ys[i])}, expected ${fmt(expected)}`);
    }
  }
  for (const name of ['erf', 'erfc', 'unary_normcdf', 'gelu'] as const) {
    const ys = runErf(name, new Float32Array([NaN, -NaN, NaN, NaN, NaN]), 'float32');
    for (const y of ys) assert.ok(Number.isNaN(y), `${name}(NaN) = ${y}`);
  }
});

erfSuite.run();
