// Every kernel in assembly/, checked through the public API against the
// plain-JavaScript references in test/reference/, in float32 and float64.
//
// Comparisons are exact wherever the order of operations is fixed (fill,
// copies, casts, + - * /, neg, sqrt, axpy: float64 arithmetic rounded once to
// float32 is exactly float32 arithmetic for these). Transcendentals compare
// within a few ulps of the correctly rounded value; sums and matmul within a
// relative tolerance of sum(|terms|), the scale of any summation order's error.
// Every test runs inside ag.tidy and checks that live tensors and bytes in use
// return to where they started.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import * as ref from './reference/index';

type DType = ref.DType;
type Flat = ref.Flat;

const DTYPES: readonly DType[] = ['float32', 'float64'];
/** Lengths around the f32x4 / f64x2 lane counts and their tails. */
const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 100, 1027];
const ODD = [1, 3, 5, 7, 9, 17, 33];

/** Relative tolerance for sums and matmul (of sum |terms|), per dtype. */
const SUM_RTOL: Record<DType, number> = { float32: 1e-5, float64: 1e-12 };
/** Relative tolerance for exp, log, tanh (a few ulps). */
const UNARY_RTOL: Record<DType, number> = { float32: 1e-6, float64: 1e-13 };
/** Absolute slack for subnormal results of transcendentals. */
const UNARY_ATOL: Record<DType, number> = { float32: 1e-40, float64: 1e-300 };

// ---- helpers ----

/** Registers a test that runs in `ag.tidy` and must leave memory as it found it. */
function leakFree(s: ReturnType<typeof suite>, name: string, fn: () => void): void {
  s(name, () => {
    const before = ag.memory();
    ag.tidy(fn);
    const after = ag.memory();
    assert.is(after.liveTensors, before.liveTensors, `${name}: live tensors ${before.liveTensors} -> ${after.liveTensors}`);
    assert.is(after.bytesInUse, before.bytesInUse, `${name}: bytes in use ${before.bytesInUse} -> ${after.bytesInUse}`);
  });
}

/** A tensor of `dtype` holding `values` (rounded to the dtype) and the exact data the kernels will see. */
function make(values: Flat, shape: readonly number[], dtype: DType): { t: ag.Tensor; data: Float64Array } {
  const t = ag.tensor(Float64Array.from(values), { dtype, shape: shape.slice() });
  return { t, data: Float64Array.from(t.data()) };
}

/** Random data of `shape`, uniform in [lo, hi), as a tensor and its data. */
function random(rng: ref.Rng, shape: readonly number[], dtype: DType, lo = -2, hi = 2): { t: ag.Tensor; data: Float64Array } {
  return make(rng.array(ref.sizeOf(shape), lo, hi), shape, dtype);
}

/**
 * Allocates and frees a NaN-filled block of `n` elements so the next
 * allocation of that size likely reuses it: a kernel that leaves part of its
 * output unwritten then shows NaNs instead of lucky zeros.
 */
function poison(n: number, dtype: DType): void {
  ag.full([n], NaN, { dtype }).dispose();
}

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function expectShape(t: ag.Tensor, shape: readonly number[], what: string): void {
  assert.equal(t.shape.slice(), shape.slice(), `${what}: shape [${t.shape}] expected [${shape}]`);
}

/** Bit-for-bit equality (NaN equals NaN, 0 differs from -0). */
function expectExact(actual: Flat, expected: Flat, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!same(actual[i], expected[i])) {
      assert.unreachable(`${what}: element ${i} is ${fmt(actual[i])}, expected ${fmt(expected[i])}`);
    }
  }
}

/**
 * |actual - expected| <= rtol * scale + atol per element, where scale is
 * |expected| by default; non-finite and zero expectations must match exactly.
 */
function expectClose(actual: Flat, expected: Flat, what: string, rtol: number, scale?: Flat, atol = 0): void {
  assert.is(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const s = scale === undefined ? Math.abs(e) : scale[i];
    const ok = Number.isFinite(e) && (e !== 0 || scale !== undefined || atol > 0)
      ? Math.abs(a - e) <= rtol * s + atol
      : same(a, e);
    if (!ok) {
      assert.unreachable(
        `${what}: element ${i} is ${fmt(a)}, expected ${fmt(e)} ` +
          `(error ${Math.abs(a - e)}, allowed ${rtol * s + atol})`,
      );
    }
  }
}

function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

// =====================================================================
// fill: full, zeros, ones
// =====================================================================

const fill = suite('kernels: fill');

const FILL_VALUES = [0, -0, 1, 0.1, -2.5, 1 / 3, 1e39, -1e39, 1e-46, 1e-40, 3.4028235677973366e38, Infinity, -Infinity, NaN];

for (const dtype of DTYPES) {
  leakFree(fill, `full of every length and special values (${dtype})`, () => {
    for (const n of LENGTHS) {
      for (const value of FILL_VALUES) {
        poison(n, dtype);
        const t = ag.full([n], value, { dtype });
        assert.is(t.dtype, dtype);
        expectShape(t, [n], `full([${n}], ${value})`);
        expectExact(t.data(), ref.fill([n], value, dtype).data, `full([${n}], ${fmt(value)}, ${dtype})`);
      }
    }
  });

  leakFree(fill, `zeros, ones and full of every rank (${dtype})`, () => {
    const shapes = [[], [1], [0], [3, 0], [3, 5], [2, 3, 5], [2, 1, 3, 7]];
    for (const shape of shapes) {
      const n = ref.sizeOf(shape);
      poison(n, dtype);
      const z = ag.zeros(shape, { dtype });
      expectShape(z, shape, 'zeros');
      expectExact(z.data(), ref.fill(shape, 0, dtype).data, `zeros(${shapeStr(shape)}, ${dtype})`);
      poison(n, dtype);
      const o = ag.ones(shape, { dtype });
      expectShape(o, shape, 'ones');
      expectExact(o.data(), ref.fill(shape, 1, dtype).data, `ones(${shapeStr(shape)}, ${dtype})`);
      const f = ag.full(shape, -7.25, { dtype });
      expectExact(f.data(), ref.fill(shape, -7.25, dtype).data, `full(${shapeStr(shape)}, -7.25, ${dtype})`);
      if (n === 1) assert.is(f.item(), -7.25);
    }
  });
}

fill.run();

// =====================================================================
// copy and cast
// =====================================================================

const copy = suite('kernels: copy and cast');

/** Values whose conversion to float32 is delicate: overflow, underflow, subnormals, ties. */
const CAST_SPECIALS = [
  0, -0, 1, -1, 0.1, 1 / 3, Infinity, -Infinity, NaN,
  1e39, -1e39, 3.4028235677973366e38, 3.4028235e38, 1e-46, -1e-46, 1e-40, 1.4e-45, 7e-46,
  1 + 2 ** -24, 1 + 3 * 2 ** -24, 1 + 2 ** -23, 16777217, 16777219, 2 ** 127, Number.MAX_VALUE, Number.MIN_VALUE,
];

for (const from of DTYPES) {
  for (const to of DTYPES) {
    leakFree(copy, `cast ${from} -> ${to}, every length`, () => {
      const rng = new ref.Rng(11);
      for (const n of LENGTHS) {
        const x = random(rng, [n], from, -1e3, 1e3);
        poison(n, to);
        const y = ag.cast(x.t, to);
        assert.is(y.dtype, to);
        expectShape(y, [n], 'cast');
        expectExact(y.data(), ref.cast(x.data, to), `cast([${n}], ${from} -> ${to})`);
        poison(n, to);
        const z = ag.tensor(x.t, { dtype: to });
        assert.is(z.dtype, to);
        expectExact(z.data(), ref.cast(x.data, to), `tensor(t of [${n}], {dtype: ${to}}) from ${from}`);
        // the source is untouched
        expectExact(x.t.data(), x.data, `cast source [${n}] after cast`);
      }
    });

    leakFree(copy, `cast ${from} -> ${to}, special values at every lane offset`, () => {
      for (let offset = 0; offset < 4; offset++) {
        const values = [...new Array<number>(offset).fill(2.5), ...CAST_SPECIALS];
        const x = make(values, [values.length], from);
        const y = ag.cast(x.t, to);
        expectExact(y.data(), ref.cast(x.data, to), `cast specials (offset ${offset}, ${from} -> ${to})`);
      }
    });
  }

  leakFree(copy, `tensor(t) copies every rank (${from})`, () => {
    const rng = new ref.Rng(12);
    for (const shape of [[], [1], [0], [7], [3, 5], [2, 3, 5], [2, 1, 3, 7]]) {
      const x = random(rng, shape, from);
      const y = ag.tensor(x.t);
      assert.is(y.dtype, from);
      expectShape(y, shape, 'tensor(t)');
      expectExact(y.data(), x.data, `tensor(t) of ${shapeStr(shape)} (${from})`);
      // a copy, not a view: changing the copy leaves the original alone
      ag.axpy(1, ag.ones(shape, { dtype: from }), y);
      expectExact(x.t.data(), x.data, `original of tensor(t) ${shapeStr(shape)} after writing the copy`);
      const reshaped = ag.tensor(x.t, { shape: [ref.sizeOf(shape)] });
      expectShape(reshaped, [ref.sizeOf(shape)], 'tensor(t, {shape})');
      expectExact(reshaped.data(), x.data, `tensor(t, {shape}) of ${shapeStr(shape)}`);
    }
  });
}

copy.run();

// =====================================================================
// strided copy: transpose and broadcastTo
// =====================================================================

const strided = suite('kernels: strided copy');

const TRANSPOSE_SHAPES: number[][] = [
  [], [1], [7], [0],
  [3, 5], [1, 7], [7, 1], [4, 4], [17, 3], [0, 3],
  [2, 3, 5], [3, 1, 4], [1, 5, 1], [5, 4, 9],
  [2, 3, 4, 5], [3, 1, 5, 1], [1, 2, 1, 3], [2, 1, 3, 17], [4, 4, 4, 4],
];

for (const dtype of DTYPES) {
  leakFree(strided, `transpose: every permutation of ranks 0-4 (${dtype})`, () => {
    const rng = new ref.Rng(21);
    for (const shape of TRANSPOSE_SHAPES) {
      const x = random(rng, shape, dtype);
      for (const perm of ref.permutations(shape.length)) {
        const expected = ref.transpose(x.data, shape, perm);
        poison(expected.data.length, dtype);
        const y = ag.transpose(x.t, perm);
        const what = `transpose(${shapeStr(shape)}, [${perm}]) ${dtype}`;
        expectShape(y, expected.shape, what);
        expectExact(y.data(), expected.data, what);
        y.dispose();
      }
      // the default reverses the axes, like numpy
      const reversed = shape.map((_, i) => shape.length - 1 - i);
      const y = ag.transpose(x.t);
      expectExact(y.data(), ref.transpose(x.data, shape, reversed).data, `transpose(${shapeStr(shape)}) default ${dtype}`);
      // negative axes in perm
      const negPerm = reversed.map((p) => p - shape.length);
      const z = ag.transpose(x.t, negPerm);
      expectExact(z.data(), ref.transpose(x.data, shape, reversed).data, `transpose(${shapeStr(shape)}, [${negPerm}]) ${dtype}`);
      expectExact(x.t.data(), x.data, `transpose source ${shapeStr(shape)} untouched`);
    }
  });

  leakFree(strided, `transpose of a long odd matrix (${dtype})`, () => {
    const rng = new ref.Rng(22);
    for (const shape of [[33, 31], [1, 1027], [1027, 1], [64, 33]]) {
      const x = random(rng, shape, dtype);
      const y = ag.transpose(x.t, [1, 0]);
      expectExact(y.data(), ref.transpose(x.data, shape, [1, 0]).data, `transpose(${shapeStr(shape)}) ${dtype}`);
    }
  });

  leakFree(strided, `broadcastTo: ranks 0-4 to ranks 0-4 with size-1 axes (${dtype})`, () => {
    const rng = new ref.Rng(23);
    const fixed: [number[], number[]][] = [
      [[], []], [[], [1]], [[], [7]], [[], [3, 5]], [[1], [9]], [[1], [0]], [[3], [3]], [[5], [2, 5]],
      [[3, 1], [3, 5]], [[1, 5], [2, 3, 5]], [[2, 1, 3, 1], [2, 5, 3, 9]], [[1, 1, 1, 1], [2, 3, 4, 5]],
      [[1, 7], [0, 7]], [[4, 1, 1], [2, 4, 3, 17]], [[17], [3, 2, 17]], [[1, 33], [3, 33]],
    ];
    const cases = fixed.slice();
    for (let inRank = 0; inRank <= 4; inRank++) {
      for (let outRank = inRank; outRank <= 4; outRank++) {
        for (let v = 0; v < 4; v++) {
          const out = Array.from({ length: outRank }, (_, i) => (i === outRank - 1 ? rng.pick(ODD) : rng.pick([1, 2, 3, 4, 5])));
          const lead = outRank - inRank;
          const src = out.slice(lead).map((d) => (rng.next() < 0.4 ? 1 : d));
          cases.push([src, out]);
        }
      }
    }
    for (const [shape, outShape] of cases) {
      const x = random(rng, shape, dtype);
      const expected = ref.broadcastTo(x.data, shape, outShape);
      poison(expected.data.length, dtype);
      const y = ag.broadcastTo(x.t, outShape);
      const what = `broadcastTo(${shapeStr(shape)} -> ${shapeStr(outShape)}) ${dtype}`;
      expectShape(y, outShape, what);
      expectExact(y.data(), expected.data, what);
      y.dispose();
    }
  });
}

strided.run();

// =====================================================================
// binary: add sub mul div with broadcasting
// =====================================================================

const binary = suite('kernels: binary ops');

const BINARY_OPS: readonly ref.BinaryOp[] = ['add', 'sub', 'mul', 'div'];
const binaryOps: Record<ref.BinaryOp, (a: ag.TensorLike, b: ag.TensorLike) => ag.Tensor> = {
  add: ag.add, sub: ag.sub, mul: ag.mul, div: ag.div,
};

/** Checks `op(a, b)` against the reference, exactly. */
function checkBinary(
  op: ref.BinaryOp, a: { t: ag.Tensor; data: Float64Array }, b: { t: ag.Tensor; data: Float64Array }, dtype: DType,
): void {
  const expected = ref.binary(op, a.data, a.t.shape, b.data, b.t.shape, dtype);
  poison(expected.data.length, dtype);
  const y = binaryOps[op](a.t, b.t);
  const what = `${op}(${shapeStr(a.t.shape)}, ${shapeStr(b.t.shape)}) ${dtype}`;
  assert.is(y.dtype, dtype, `${what}: dtype`);
  expectShape(y, expected.shape, what);
  expectExact(y.data(), expected.data, what);
  y.dispose();
}

/**
 * Shape pairs of ranks ra and rb that broadcast together. Variant 0 has no
 * size-1 axes; 1 and 2 make the last axis of a, then of b, size 1 (the
 * scalar-splat rows); later variants draw size-1 axes at random on either side.
 */
function shapePair(rng: ref.Rng, ra: number, rb: number, variant: number): [number[], number[]] {
  const r = Math.max(ra, rb);
  for (;;) {
    const out = Array.from({ length: r }, (_, i) => (i === r - 1 ? rng.pick(ODD.slice(1)) : rng.pick([2, 3, 4, 5])));
    const a = out.slice(r - ra);
    const b = out.slice(r - rb);
    if (variant === 1 && ra > 0) a[ra - 1] = 1;
    else if (variant === 2 && rb > 0) b[rb - 1] = 1;
    else if (variant >= 3) {
      for (let i = 0; i < r; i++) {
        const ia = i - (r - ra);
        const ib = i - (r - rb);
        const mode = rng.int(3);
        if (mode === 1 && ia >= 0) a[ia] = 1;
        if (mode === 2 && ib >= 0) b[ib] = 1;
      }
    }
    if (ref.sizeOf(out) <= 2048) return [a, b];
  }
}

for (const dtype of DTYPES) {
  leakFree(binary, `same shapes, every length (${dtype})`, () => {
    const rng = new ref.Rng(31);
    for (const n of LENGTHS) {
      const a = random(rng, [n], dtype);
      const b = random(rng, [n], dtype, 0.5, 3);
      for (const op of BINARY_OPS) checkBinary(op, a, b, dtype);
      // an operand with itself
      for (const op of BINARY_OPS) checkBinary(op, a, a, dtype);
    }
  });

  leakFree(binary, `every rank pairing 0-D..4-D with size-1 axes on either side (${dtype})`, () => {
    const rng = new ref.Rng(32);
    for (let ra = 0; ra <= 4; ra++) {
      for (let rb = 0; rb <= 4; rb++) {
        for (let variant = 0; variant < 8; variant++) {
          const [sa, sb] = shapePair(rng, ra, rb, variant);
          const a = random(rng, sa, dtype);
          const b = random(rng, sb, dtype, 0.5, 3);
          for (const op of BINARY_OPS) checkBinary(op, a, b, dtype);
          a.t.dispose();
          b.t.dispose();
        }
      }
    }
  });

  leakFree(binary, `named broadcasting cases (${dtype})`, () => {
    const rng = new ref.Rng(33);
    const pairs: [number[], number[]][] = [
      [[], []], [[1], []], [[], [33]], [[33], [1]], [[1], [17]],
      [[5, 1], [1, 7]], [[1, 7], [5, 1]], [[9, 1], [9, 17]], [[3, 1, 5], [1, 4, 1]],
      [[2, 1, 3, 1], [1, 5, 1, 9]], [[1, 1, 1, 1], [2, 3, 4, 5]], [[2, 3, 4, 5], [1, 1, 1, 1]],
      [[4, 33], [33]], [[1, 1, 33], [7, 1]], [[3, 1, 1, 1], [17]],
      [[0, 3], [3]], [[0, 3], [1, 1]], [[2, 0], [2, 1]], [[0], []],
    ];
    for (const [sa, sb] of pairs) {
      const a = random(rng, sa, dtype);
      const b = random(rng, sb, dtype, 0.5, 3);
      for (const op of BINARY_OPS) {
        checkBinary(op, a, b, dtype);
        checkBinary(op, b, a, dtype);
      }
    }
  });

  leakFree(binary, `number operands take the tensor's dtype (${dtype})`, () => {
    const rng = new ref.Rng(34);
    for (const n of [1, 3, 17]) {
      const x = random(rng, [n], dtype, 0.5, 3);
      for (const c of [2.5, 0.1, -1 / 3]) {
        const cr = ref.roundTo(dtype)(c);
        for (const op of BINARY_OPS) {
          const what = `${op} with the number ${c} (${dtype})`;
          const left = binaryOps[op](x.t, c);
          assert.is(left.dtype, dtype, what);
          expectExact(left.data(), ref.binary(op, x.data, [n], [cr], [], dtype).data, `${what}, on the right`);
          const right = binaryOps[op](c, x.t);
          assert.is(right.dtype, dtype, what);
          expectExact(right.data(), ref.binary(op, [cr], [], x.data, [n], dtype).data, `${what}, on the left`);
        }
      }
    }
  });

  leakFree(binary, `a 0-d tensor of the other dtype is cast to this one (${dtype})`, () => {
    const other: DType = dtype === 'float32' ? 'float64' : 'float32';
    const rng = new ref.Rng(35);
    const x = random(rng, [2, 9], dtype);
    const c = make([0.1], [], other);
    const cr = ref.cast(c.data, dtype);
    for (const op of BINARY_OPS) {
      const y = binaryOps[op](x.t, c.t);
      assert.is(y.dtype, dtype);
      expectExact(y.data(), ref.binary(op, x.data, [2, 9], cr, [], dtype).data, `${op}(${dtype} [2,9], ${other} [])`);
      const z = binaryOps[op](c.t, x.t);
      assert.is(z.dtype, dtype);
      expectExact(z.data(), ref.binary(op, cr, [], x.data, [2, 9], dtype).data, `${op}(${other} [], ${dtype} [2,9])`);
    }
  });

  leakFree(binary, `IEEE special values, through SIMD rows and broadcast rows (${dtype})`, () => {
    const specials = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 3.4e38, -3.4e38, 1e-40, 1e-300];
    const n = specials.length;
    // every pair: a as a column, b as a row (broadcast kernel path) ...
    const a = make(specials, [n, 1], dtype);
    const b = make(specials, [1, n], dtype);
    for (const op of BINARY_OPS) checkBinary(op, a, b, dtype);
    // ... and the same pairs as two flat arrays of equal shape (SIMD path)
    const aa = make(ref.broadcastTo(a.data, [n, 1], [n, n]).data, [n * n], dtype);
    const bb = make(ref.broadcastTo(b.data, [1, n], [n, n]).data, [n * n], dtype);
    for (const op of BINARY_OPS) checkBinary(op, aa, bb, dtype);
  });
}

binary.run();

// =====================================================================
// unary: neg exp log sqrt tanh
// =====================================================================

const unary = suite('kernels: unary ops');

const UNARY_OPS: readonly ref.UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'tanh'];
const unaryOps: Record<ref.UnaryOp, (x: ag.Tensor) => ag.Tensor> = {
  neg: ag.neg, exp: ag.exp, log: ag.log, sqrt: ag.sqrt, tanh: ag.tanh,
};
/** Where random inputs are drawn from, per op. */
const UNARY_DOMAIN: Record<ref.UnaryOp, [number, number]> = {
  neg: [-100, 100], exp: [-20, 20], log: [1e-3, 1e3], sqrt: [0, 1e3], tanh: [-6, 6],
};
/** Special inputs per op (per dtype where overflow points differ). */
function unarySpecials(op: ref.UnaryOp, dtype: DType): number[] {
  const common = [0, -0, Infinity, -Infinity, NaN, 1, -1];
  const f32 = dtype === 'float32';
  switch (op) {
    case 'neg': return [...common, 1e-40, 3.4e38, -2.5];
    case 'exp': return [...common, 1e-10, f32 ? 88 : 709, f32 ? 89 : 710, f32 ? -87 : -708, f32 ? -104 : -745, f32 ? -110 : -750, f32 ? 200 : 1000, -1000];
    case 'log': return [...common, -2, -1e-30, 1e-30, 0.5, 2, Math.E, 1e30, f32 ? 1e-40 : 1e-310];
    case 'sqrt': return [...common, -4, -1e-30, 4, 2, 1e-30, 1e30, f32 ? 1e-40 : 1e-310];
    case 'tanh': return [...common, 1e-10, -1e-10, 0.5, 9, 20, -20, 1e30, -1e30];
  }
}

function checkUnary(op: ref.UnaryOp, x: { t: ag.Tensor; data: Float64Array }, dtype: DType, what: string): void {
  const expected = ref.unary(op, x.data, dtype);
  poison(expected.length, dtype);
  const y = unaryOps[op](x.t);
  assert.is(y.dtype, dtype, `${what}: dtype`);
  expectShape(y, x.t.shape, what);
  if (op === 'neg' || op === 'sqrt') expectExact(y.data(), expected, what);
  else expectClose(y.data(), expected, what, UNARY_RTOL[dtype], undefined, UNARY_ATOL[dtype]);
  expectExact(x.t.data(), x.data, `${what}: input untouched`);
  y.dispose();
}

for (const dtype of DTYPES) {
  for (const op of UNARY_OPS) {
    leakFree(unary, `${op}: every length (${dtype})`, () => {
      const rng = new ref.Rng(41);
      const [lo, hi] = UNARY_DOMAIN[op];
      for (const n of LENGTHS) {
        const x = random(rng, [n], dtype, lo, hi);
        checkUnary(op, x, dtype, `${op}([${n}]) ${dtype}`);
      }
      for (const shape of [[], [3, 5], [2, 3, 1, 7]]) {
        checkUnary(op, random(rng, shape, dtype, lo, hi), dtype, `${op}(${shapeStr(shape)}) ${dtype}`);
      }
    });

    leakFree(unary, `${op}: special values at every lane offset (${dtype})`, () => {
      const specials = unarySpecials(op, dtype);
      for (let offset = 0; offset < 4; offset++) {
        const values = [...new Array<number>(offset).fill(0.75), ...specials];
        const x = make(values, [values.length], dtype);
        checkUnary(op, x, dtype, `${op}(specials, offset ${offset}) ${dtype}`);
      }
    });
  }

  leakFree(unary, `named special values (${dtype})`, () => {
    const at = (op: ref.UnaryOp, v: number): number => unaryOps[op](ag.tensor(v, { dtype })).item();
    assert.ok(Object.is(at('neg', 0), -0), 'neg(0) is -0');
    assert.ok(Object.is(at('neg', -0), 0), 'neg(-0) is 0');
    assert.ok(Object.is(at('sqrt', -0), -0), 'sqrt(-0) is -0');
    assert.ok(Number.isNaN(at('sqrt', -1)), 'sqrt(-1) is NaN');
    assert.ok(Number.isNaN(at('log', -1)), 'log(-1) is NaN');
    assert.is(at('log', 0), -Infinity, 'log(0) is -Infinity');
    assert.is(at('log', -0), -Infinity, 'log(-0) is -Infinity');
    assert.is(at('exp', dtype === 'float32' ? 100 : 1000), Infinity, 'exp overflows to Infinity');
    assert.ok(Object.is(at('exp', dtype === 'float32' ? -200 : -1000), 0), 'exp underflows to +0');
    assert.is(at('exp', -Infinity), 0, 'exp(-Infinity) is 0');
    assert.is(at('tanh', Infinity), 1, 'tanh(Infinity) is 1');
    assert.is(at('tanh', -Infinity), -1, 'tanh(-Infinity) is -1');
    assert.ok(Object.is(at('tanh', -0), -0), 'tanh(-0) is -0');
  });
}

unary.run();

// =====================================================================
// sum
// =====================================================================

const sums = suite('kernels: sum');

const SUM_SHAPES: number[][] = [
  [], [1], [5], [17], [1027],
  [3, 7], [1, 9], [4, 1], [33, 5], [5, 33],
  [2, 3, 5], [3, 1, 17], [1, 4, 1], [9, 2, 7],
  [2, 3, 4, 5], [3, 1, 2, 9], [1, 1, 1, 1], [2, 5, 1, 17], [4, 3, 33, 2],
];

function checkSum(
  x: { t: ag.Tensor; data: Float64Array }, axis: number | number[] | undefined, keepdims: boolean | undefined, dtype: DType,
): void {
  const axesList = axis === undefined ? undefined : typeof axis === 'number' ? [axis] : axis;
  const expected = ref.sumAxes(x.data, x.t.shape, axesList, keepdims === true);
  poison(expected.data.length, dtype);
  const y = keepdims === undefined ? ag.sum(x.t, axis) : ag.sum(x.t, axis, keepdims);
  const what = `sum(${shapeStr(x.t.shape)}, ${JSON.stringify(axis)}, ${keepdims}) ${dtype}`;
  assert.is(y.dtype, dtype, `${what}: dtype`);
  expectShape(y, expected.shape, what);
  expectClose(y.data(), expected.data, what, SUM_RTOL[dtype], expected.abs, 1e-300);
  expectExact(x.t.data(), x.data, `${what}: input untouched`);
  y.dispose();
}

for (const dtype of DTYPES) {
  leakFree(sums, `full sum of every length and rank (${dtype})`, () => {
    const rng = new ref.Rng(51);
    for (const n of LENGTHS) checkSum(random(rng, [n], dtype), undefined, undefined, dtype);
    for (const shape of SUM_SHAPES) {
      const x = random(rng, shape, dtype);
      checkSum(x, undefined, undefined, dtype);
      checkSum(x, undefined, true, dtype);
      checkSum(x, undefined, false, dtype);
      if (shape.length > 0) checkSum(x, shape.map((_, i) => i), true, dtype);
    }
  });

  leakFree(sums, `every axis and every set of axes, keepdims or not, positive and negative (${dtype})`, () => {
    const rng = new ref.Rng(52);
    for (const shape of SUM_SHAPES) {
      const x = random(rng, shape, dtype);
      const nd = shape.length;
      for (const axes of ref.subsets(nd)) {
        for (const keepdims of [false, true]) {
          checkSum(x, axes, keepdims, dtype);
          checkSum(x, axes.map((a) => a - nd), keepdims, dtype);
          checkSum(x, axes.slice().reverse(), keepdims, dtype);
        }
        if (axes.length === 1) {
          checkSum(x, axes[0], undefined, dtype);
          checkSum(x, axes[0] - nd, true, dtype);
        }
      }
    }
  });

  leakFree(sums, `sums of empty tensors are zeros (${dtype})`, () => {
    const x = make([], [0, 3], dtype);
    checkSum(x, undefined, undefined, dtype);
    checkSum(x, 0, undefined, dtype);
    checkSum(x, 1, undefined, dtype);
    checkSum(x, 0, true, dtype);
    checkSum(x, [0, 1], true, dtype);
    assert.equal(Array.from(ag.sum(x.t, 0).data()), [0, 0, 0]);
    assert.is(ag.sum(x.t).item(), 0);
  });

  leakFree(sums, `sum over an empty list of axes gives the input's values and leaves the input alive (${dtype})`, () => {
    const rng = new ref.Rng(53);
    for (const shape of [[3], [2, 3]]) {
      const x = random(rng, shape, dtype);
      for (const keepdims of [false, true]) {
        const y = ag.sum(x.t, [], keepdims);
        const what = `sum(${shapeStr(shape)}, [], ${keepdims}) ${dtype}`;
        assert.not.ok(x.t.isDisposed, `${what} disposed its input`);
        expectShape(y, shape, what);
        expectExact(y.data(), x.data, what);
      }
    }
  });
}

leakFree(sums, 'float32 full sum of 1e6 elements is accurate', () => {
  const n = 1e6;
  assert.is(ag.sum(ag.ones([n])).item(), n, 'sum of 1e6 ones is exactly 1e6');
  const tenth = Math.fround(0.1);
  const s = ag.sum(ag.full([n], 0.1)).item();
  const exact = n * tenth;
  assert.ok(Math.abs(s - exact) <= 1e-6 * exact, `sum of 1e6 x 0.1f is ${s}, expected ${exact} within 1e-6 relative (error ${Math.abs(s - exact) / exact})`);
  const rng = new ref.Rng(54);
  const x = random(rng, [n], 'float32', 0, 1);
  const expected = ref.sumAll(x.data).sum;
  const got = ag.sum(x.t).item();
  assert.ok(Math.abs(got - expected) <= 1e-6 * expected, `sum of 1e6 uniform [0,1) is ${got}, expected ${expected} within 1e-6 relative`);
});

leakFree(sums, 'float32 sum along the last axis of 1e6 elements is accurate', () => {
  // one contiguous run of 250000 per output
  const exact = 250000 * Math.fround(0.1);
  for (const v of ag.sum(ag.full([4, 250000], 0.1), 1).data()) {
    assert.ok(
      Math.abs(v - exact) <= 1e-6 * exact,
      `sum(full([4, 250000], 0.1), 1) gives ${v}, expected ${exact} within 1e-6 relative (error ${Math.abs(v - exact) / exact})`,
    );
  }
});

leakFree(sums, 'float32 sum along a leading axis of 1e6 elements is accurate', () => {
  // 250000 strided rows accumulated into each output
  const exact = 250000 * Math.fround(0.1);
  for (const v of ag.sum(ag.full([250000, 4], 0.1), 0).data()) {
    assert.ok(
      Math.abs(v - exact) <= 1e-6 * exact,
      `sum(full([250000, 4], 0.1), 0) gives ${v}, expected ${exact} within 1e-6 relative (error ${Math.abs(v - exact) / exact})`,
    );
  }
});

sums.run();

// =====================================================================
// matmul
// =====================================================================

const mm = suite('kernels: matmul');

/** [M, K, N] */
const MATMUL_SIZES: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [7, 5, 3], [17, 9, 13], [64, 33, 31], [31, 33, 64],
  [1, 7, 1], [5, 1, 6], [1, 1, 9], [9, 1, 1], [1, 9, 1], [9, 4, 8], [2, 3, 4], [4, 4, 4], [8, 16, 2], [3, 2, 5],
];

for (const dtype of DTYPES) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      leakFree(mm, `2-D, transposeA=${transA} transposeB=${transB} (${dtype})`, () => {
        const rng = new ref.Rng(61);
        for (const [m, k, n] of MATMUL_SIZES) {
          const aShape = transA ? [k, m] : [m, k];
          const bShape = transB ? [n, k] : [k, n];
          const a = random(rng, aShape, dtype);
          const b = random(rng, bShape, dtype);
          const expected = ref.matmul(a.data, aShape, b.data, bShape, transA, transB);
          poison(m * n, dtype);
          const c = ag.matmul(a.t, b.t, { transposeA: transA, transposeB: transB });
          const what = `matmul ${m}x${k}x${n} stored ${shapeStr(aShape)} @ ${shapeStr(bShape)} transA=${transA} transB=${transB} ${dtype}`;
          assert.is(c.dtype, dtype, `${what}: dtype`);
          expectShape(c, [m, n], what);
          expectClose(c.data(), expected.data, what, SUM_RTOL[dtype], expected.abs, 1e-300);
          expectExact(a.t.data(), a.data, `${what}: a untouched`);
          expectExact(b.t.data(), b.data, `${what}: b untouched`);
        }
      });
    }
  }

  leakFree(mm, `1-D operands: vector@matrix, matrix@vector, vector@vector (${dtype})`, () => {
    const rng = new ref.Rng(62);
    for (const [m, k] of [[1, 1], [3, 5], [7, 1], [1, 9], [17, 33], [4, 8]] as const) {
      for (const trans of [false, true]) {
        // vector @ matrix: v [K] times B, B stored [K, M] or, transposed, [M, K]
        const v = random(rng, [k], dtype);
        const bShape = trans ? [m, k] : [k, m];
        const b = random(rng, bShape, dtype);
        const vm = ref.matmul(v.data, [1, k], b.data, bShape, false, trans);
        const y1 = ag.matmul(v.t, b.t, { transposeB: trans });
        const what1 = `matmul([${k}] @ ${shapeStr(bShape)}, transposeB=${trans}) ${dtype}`;
        expectShape(y1, [m], what1);
        expectClose(y1.data(), vm.data, what1, SUM_RTOL[dtype], vm.abs, 1e-300);
        // matrix @ vector: A stored [M, K] or, transposed, [K, M], times v [K]
        const aShape = trans ? [k, m] : [m, k];
        const a = random(rng, aShape, dtype);
        const mv = ref.matmul(a.data, aShape, v.data, [k, 1], trans, false);
        const y2 = ag.matmul(a.t, v.t, { transposeA: trans });
        const what2 = `matmul(${shapeStr(aShape)} @ [${k}], transposeA=${trans}) ${dtype}`;
        expectShape(y2, [m], what2);
        expectClose(y2.data(), mv.data, what2, SUM_RTOL[dtype], mv.abs, 1e-300);
      }
      // vector @ vector: a 0-d dot product
      const u = random(rng, [k], dtype);
      const w = random(rng, [k], dtype);
      const dot = ref.matmul(u.data, [1, k], w.data, [k, 1], false, false);
      const d = ag.matmul(u.t, w.t);
      const what = `matmul([${k}] @ [${k}]) ${dtype}`;
      expectShape(d, [], what);
      expectClose(d.data(), dot.data, what, SUM_RTOL[dtype], dot.abs, 1e-300);
    }
  });

  leakFree(mm, `an inner dimension of 0 gives zeros (${dtype})`, () => {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = ag.zeros(transA ? [0, 3] : [3, 0], { dtype });
      const b = ag.zeros(transB ? [4, 0] : [0, 4], { dtype });
      poison(12, dtype);
      const c = ag.matmul(a, b, { transposeA: transA, transposeB: transB });
      expectShape(c, [3, 4], 'matmul with K = 0');
      expectExact(c.data(), new Float64Array(12), `matmul [3x0]@[0x4] transA=${transA} transB=${transB} ${dtype}`);
    }
    assert.is(ag.matmul(ag.zeros([0], { dtype }), ag.zeros([0], { dtype })).item(), 0, 'empty dot product');
  });

  leakFree(mm, `identity and exact small products (${dtype})`, () => {
    const rng = new ref.Rng(63);
    for (const n of [1, 3, 5, 17]) {
      const x = random(rng, [n, n], dtype);
      const i = ag.eye(n, { dtype });
      expectExact(ag.matmul(i, x.t).data(), x.data, `eye(${n}) @ x`);
      expectExact(ag.matmul(x.t, i).data(), x.data, `x @ eye(${n})`);
      expectExact(ag.matmul(x.t, i, { transposeA: true }).data(), ref.transpose(x.data, [n, n], [1, 0]).data, `x^T @ eye(${n})`);
      expectExact(ag.matmul(i, x.t, { transposeB: true }).data(), ref.transpose(x.data, [n, n], [1, 0]).data, `eye(${n}) @ x^T`);
    }
    const c = ag.matmul(ag.tensor([[1, 2], [3, 4]], { dtype }), ag.tensor([[5, 6], [7, 8]], { dtype }));
    assert.equal(c.toArray(), [[19, 22], [43, 50]]);
  });
}

mm.run();

// =====================================================================
// axpy
// =====================================================================

const axpys = suite('kernels: axpy');

for (const dtype of DTYPES) {
  leakFree(axpys, `y += a*x in place, every length (${dtype})`, () => {
    const rng = new ref.Rng(71);
    for (const n of LENGTHS) {
      for (const alpha of [0, 1, -1, 2.5, -0.1, 1e-3, 1 / 3]) {
        const x = random(rng, [n], dtype);
        const y = random(rng, [n], dtype);
        const expected = ref.axpy(alpha, x.data, y.data, dtype);
        const r = ag.axpy(alpha, x.t, y.t);
        const what = `axpy(${alpha}, [${n}]) ${dtype}`;
        assert.ok(r === y.t, `${what}: returns y`);
        expectShape(y.t, [n], what);
        expectExact(y.t.data(), expected, what);
        expectExact(x.t.data(), x.data, `${what}: x untouched`);
      }
    }
  });

  leakFree(axpys, `axpy on every rank and with x === y (${dtype})`, () => {
    const rng = new ref.Rng(72);
    for (const shape of [[], [1], [3, 5], [2, 3, 5], [2, 1, 3, 17]]) {
      const x = random(rng, shape, dtype);
      const y = random(rng, shape, dtype);
      ag.axpy(-0.5, x.t, y.t);
      expectExact(y.t.data(), ref.axpy(-0.5, x.data, y.data, dtype), `axpy(-0.5, ${shapeStr(shape)}) ${dtype}`);
      const z = random(rng, shape, dtype);
      ag.axpy(3, z.t, z.t);
      expectExact(z.t.data(), ref.axpy(3, z.data, z.data, dtype), `axpy(3, z, z) ${shapeStr(shape)} ${dtype}`);
    }
  });

  leakFree(axpys, `axpy with special values (${dtype})`, () => {
    const xs = [0, -0, 1, Infinity, -Infinity, NaN, 1e-40, 3e38, 1, 2, 3];
    const ys = [-0, -0, -1, -Infinity, 1, 0, 1e-40, 3e38, NaN, Infinity, 0];
    for (const alpha of [1, -1, 0, 2]) {
      const x = make(xs, [xs.length], dtype);
      const y = make(ys, [ys.length], dtype);
      ag.axpy(alpha, x.t, y.t);
      expectExact(y.t.data(), ref.axpy(alpha, x.data, y.data, dtype), `axpy(${alpha}, specials) ${dtype}`);
    }
  });
}

axpys.run();
