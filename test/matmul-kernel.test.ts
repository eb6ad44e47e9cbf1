// The packed, register-blocked matmul kernels (assembly/matmul.ts) against a
// plain-JavaScript triple loop, through ag.matmul: every transpose
// combination, float32 and float64, sizes around every block size of the
// kernel (MR = 4 rows, NR = 8 f32 / 4 f64 columns, MC = 16 rows of packed A,
// KC = 128 deep, NC = 96 f32 / 48 f64 columns of packed B) including primes,
// the matrix-vector paths (M = 1 or N = 1), non-finite values, and batched
// and broadcast batches.
//
// Tolerance: any order of summing K products of rounded values is within
// gamma_K = K u / (1 - K u) of sum |terms| (u = 2^-24 or 2^-53), so that is
// the bound checked, element by element. Small-integer data, whose every
// partial sum is exact, is compared bit for bit.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

type DType = 'float32' | 'float64';
const DTYPES: readonly DType[] = ['float32', 'float64'];
const TRANS: readonly [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

// ---- helpers ----

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values as the kernel sees them: rounded to float32 for float32. */
function rounded(values: Float64Array, dtype: DType): Float64Array {
  return dtype === 'float32' ? Float64Array.from(Float32Array.from(values)) : values;
}

function randomData(next: () => number, n: number, dtype: DType, ints = false): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ints ? Math.floor(next() * 5) - 2 : next() * 4 - 2;
  return rounded(out, dtype);
}

/**
 * C = op(A) op(B) by the triple loop in float64, with sum |terms| per
 * element; A is stored [K, M] when transA, B is stored [N, K] when transB.
 */
function tripleLoop(a: Float64Array, b: Float64Array, m: number, n: number, k: number, transA: boolean, transB: boolean) {
  const c = new Float64Array(m * n);
  const abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let e = 0;
      for (let p = 0; p < k; p++) {
        const t = (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
        s += t;
        e += Math.abs(t);
      }
      c[i * n + j] = s;
      abs[i * n + j] = e;
    }
  }
  return { c, abs };
}

function gamma(k: number, dtype: DType): number {
  const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
  // +2: the rounding of each product, and of the float64 reference itself.
  return ((k + 2) * u) / (1 - (k + 2) * u);
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * Each element within gamma_K * sum|terms| of the reference (exactly equal
 * when `exact`); non-finite expectations must match in kind (NaN, +-Inf).
 */
function expectMatmul(actual: ArrayLike<number>, expected: { c: Float64Array; abs: Float64Array }, k: number,
  dtype: DType, what: string, exact = false): void {
  assert.is(actual.length, expected.c.length, `${what}: length`);
  const g = exact ? 0 : gamma(k, dtype);
  for (let i = 0; i < expected.c.length; i++) {
    const x = actual[i];
    const e = expected.c[i];
    let ok: boolean;
    if (!Number.isFinite(e)) ok = Object.is(x, e) || (Number.isNaN(x) && Number.isNaN(e));
    else if (!Number.isFinite(expected.abs[i])) ok = true; // an Inf - Inf in the reference's |terms| only
    else {
      // The float32 result may round once more (to float32) after summing.
      const round = dtype === 'float32' && !exact ? Math.abs(e) * 2 ** -24 : 0;
      ok = Math.abs(x - e) <= g * expected.abs[i] + round;
    }
    if (!ok) {
      assert.unreachable(`${what}: element ${i} is ${fmt(x)}, ` +
        `expected ${fmt(e)} (error ${Math.abs(x - e)}, allowed ${g * expected.abs[i]})`);
    }
  }
}

/** A NaN-filled block freed right away: an unwritten output shows NaNs, not lucky zeros. */
function poison(n: number, dtype: DType): void {
  ag.full([Math.max(1, n)], NaN, { dtype }).dispose();
}

function leakFree(s: ReturnType<typeof suite>, name: string, fn: () => void): void {
  s(name, () => {
    const before = ag.memory();
    ag.tidy(fn);
    const after = ag.memory();
    assert.is(after.liveTensors, before.liveTensors, `${name}: live tensors ${before.liveTensors} -> ${after.liveTensors}`);
    assert.is(after.bytesInUse, before.bytesInUse, `${name}: bytes in use ${before.bytesInUse} -> ${after.bytesInUse}`);
  });
}

/** One 2-D product through ag.matmul, checked against the triple loop. */
function check2d(next: () => number, m: number, k: number, n: number, dtype: DType, transA: boolean, transB: boolean,
  opts: { ints?: boolean; edit?: (a: Float64Array, b: Float64Array) => void } = {}): void {
  const aShape = transA ? [k, m] : [m, k];
  const bShape = transB ? [n, k] : [k, n];
  const a = randomData(next, m * k, dtype, opts.ints);
  const b = randomData(next, k * n, dtype, opts.ints);
  opts.edit?.(a, b);
  const at = ag.tensor(a, { dtype, shape: aShape });
  const bt = ag.tensor(b, { dtype, shape: bShape });
  poison(m * n, dtype);
  const c = ag.matmul(at, bt, { transposeA: transA, transposeB: transB });
  const what = `${m}x${k}x${n} transA=${transA} transB=${transB} ${dtype}`;
  assert.equal(c.shape, [m, n], `${what}: shape`);
  assert.is(c.dtype, dtype, `${what}: dtype`);
  expectMatmul(c.data(), tripleLoop(a, b, m, n, k, transA, transB), k, dtype, what, opts.ints === true);
  // Operands are read, never written (packing goes to scratch).
  const ad = at.data();
  const bd = bt.data();
  for (let i = 0; i < a.length; i++) if (!Object.is(ad[i], a[i]) && !(Number.isNaN(ad[i]) && Number.isNaN(a[i]))) assert.unreachable(`${what}: A changed at ${i}`);
  for (let i = 0; i < b.length; i++) if (!Object.is(bd[i], b[i]) && !(Number.isNaN(bd[i]) && Number.isNaN(b[i]))) assert.unreachable(`${what}: B changed at ${i}`);
}

// ---- 2-D products ----

const two = suite('matmul kernel: 2-D products');

/** Around MR = 4, NR = 4 / 8, MC = 16, NC = 48 / 96, and primes up to ~130. */
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 15, 16, 17, 23, 31, 32, 33, 37, 47, 48, 49, 63, 64, 65, 67, 79, 95, 96, 97, 101, 127, 128, 129, 131];

for (const dtype of DTYPES) {
  for (const [transA, transB] of TRANS) {
    leakFree(two, `square sizes 1..131, transA=${transA} transB=${transB} (${dtype})`, () => {
      const next = rng(101);
      for (const s of SIZES) check2d(next, s, s, s, dtype, transA, transB);
    });

    leakFree(two, `mixed shapes around the block sizes, transA=${transA} transB=${transB} (${dtype})`, () => {
      const next = rng(202 + (transA ? 1 : 0) + (transB ? 2 : 0));
      for (let t = 0; t < 60; t++) {
        const pick = () => SIZES[Math.floor(next() * SIZES.length)];
        check2d(next, pick(), pick(), pick(), dtype, transA, transB);
      }
    });

    leakFree(two, `K across the KC blocks, N across NC, M across MC, transA=${transA} transB=${transB} (${dtype})`, () => {
      const next = rng(303);
      // [M, K, N]: KC is 128; NC is 96 (f32) / 48 (f64); MC is 16.
      const shapes: [number, number, number][] = [
        [5, 127, 9], [5, 128, 9], [5, 129, 9], [6, 255, 10], [6, 256, 10], [6, 257, 10], [3, 300, 5],
        [7, 513, 13], [2, 383, 3], [4, 1000, 8],
        [9, 7, 47], [9, 7, 48], [9, 7, 49], [9, 7, 95], [9, 7, 96], [9, 7, 97], [5, 11, 127], [5, 11, 129],
        [3, 5, 130], [17, 19, 193], [17, 19, 200], [6, 130, 290],
        [15, 9, 17], [16, 9, 17], [17, 9, 17], [33, 9, 17], [47, 9, 17], [2, 9, 70], [130, 3, 2],
      ];
      for (const [m, k, n] of shapes) check2d(next, m, k, n, dtype, transA, transB);
    });

    leakFree(two, `matrix-vector shapes (M = 1 or N = 1), transA=${transA} transB=${transB} (${dtype})`, () => {
      const next = rng(404);
      for (const k of [1, 2, 3, 4, 5, 8, 15, 16, 17, 33, 64, 129, 300]) {
        for (const other of [1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 33, 65, 130]) {
          check2d(next, 1, k, other, dtype, transA, transB);
          check2d(next, other, k, 1, dtype, transA, transB);
        }
      }
    });

    leakFree(two, `small-integer data is exact, transA=${transA} transB=${transB} (${dtype})`, () => {
      const next = rng(505);
      // |terms| <= 4 and K <= 1000: every partial sum is an integer below 2^24.
      for (const [m, k, n] of [[4, 8, 8], [17, 33, 65], [64, 64, 64], [13, 257, 70], [1, 100, 9], [9, 100, 1], [20, 1000, 3]] as const) {
        check2d(next, m, k, n, dtype, transA, transB, { ints: true });
      }
    });

    leakFree(two, `NaN and Inf reach exactly the rows and columns they touch, transA=${transA} transB=${transB} (${dtype})`, () => {
      const next = rng(606);
      for (const [m, k, n] of [[9, 11, 13], [17, 5, 70], [6, 260, 9], [1, 7, 9], [9, 7, 1]] as const) {
        check2d(next, m, k, n, dtype, transA, transB, {
          edit: (a, b) => {
            // A[m-1, 0] = NaN (row m-1 of C), A[0, k-1] = +Inf (row 0);
            // B[k-1, n-1] = -Inf (column n-1): in the stored layouts.
            a[transA ? 0 * m + (m - 1) : (m - 1) * k + 0] = NaN;
            if (m > 1 || k > 1) a[transA ? (k - 1) * m + 0 : 0 * k + (k - 1)] = Infinity;
            b[transB ? (n - 1) * k + (k - 1) : (k - 1) * n + (n - 1)] = -Infinity;
          },
        });
      }
    });
  }

  leakFree(two, `large: 257x255x253 and 300x129x260, every transpose combination (${dtype})`, () => {
    const next = rng(707);
    for (const [transA, transB] of TRANS) {
      check2d(next, 257, 255, 253, dtype, transA, transB);
      check2d(next, 300, 129, 260, dtype, transA, transB);
    }
  });

  leakFree(two, `a small product after a large one (no state left in the scratch) (${dtype})`, () => {
    const next = rng(808);
    check2d(next, 70, 300, 70, dtype, false, true);
    check2d(next, 3, 2, 5, dtype, false, false);
    check2d(next, 5, 3, 2, dtype, true, true);
    const c = ag.matmul(ag.tensor([[1, 2], [3, 4]], { dtype }), ag.tensor([[5, 6], [7, 8]], { dtype }));
    assert.equal(c.toArray(), [[19, 22], [43, 50]]);
  });
}

two.run();

// ---- batched and broadcast batches ----

const batched = suite('matmul kernel: batched and broadcast batches');

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= shape[d];
  }
  return out;
}

/**
 * Checks ag.matmul on stored shapes `aShape`, `bShape` (the last two axes of
 * each transposed by the flags) slice by slice against the triple loop,
 * with numpy broadcasting of the batch axes.
 */
function checkBatched(next: () => number, aShape: number[], bShape: number[], transA: boolean, transB: boolean, dtype: DType): void {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transA ? aShape[ra - 2] : aShape[ra - 1];
  const n = transB ? bShape[rb - 2] : bShape[rb - 1];
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const padA = [...new Array(rank - batchA.length).fill(1), ...batchA];
  const padB = [...new Array(rank - batchB.length).fill(1), ...batchB];
  const batch = padA.map((x, d) => Math.max(x, padB[d]));
  const sizeA = aShape.reduce((x, y) => x * y, 1);
  const sizeB = bShape.reduce((x, y) => x * y, 1);
  const a = randomData(next, sizeA, dtype);
  const b = randomData(next, sizeB, dtype);
  const at = ag.tensor(a, { dtype, shape: aShape });
  const bt = ag.tensor(b, { dtype, shape: bShape });
  const count = batch.reduce((x, y) => x * y, 1);
  poison(count * m * n, dtype);
  const c = ag.matmul(at, bt, { transposeA: transA, transposeB: transB });
  const what = `[${aShape}] @ [${bShape}] transA=${transA} transB=${transB} ${dtype}`;
  assert.equal(c.shape, [...batch, m, n], `${what}: shape`);
  const data = c.data();
  const sA = strides(padA);
  const sB = strides(padB);
  const sC = strides(batch);
  for (let r = 0; r < count; r++) {
    let offA = 0;
    let offB = 0;
    for (let d = 0; d < rank; d++) {
      const i = Math.floor(r / sC[d]) % batch[d];
      offA += (padA[d] === 1 ? 0 : i) * sA[d];
      offB += (padB[d] === 1 ? 0 : i) * sB[d];
    }
    const sliceA = a.subarray(offA * m * k, (offA + 1) * m * k);
    const sliceB = b.subarray(offB * k * n, (offB + 1) * k * n);
    const expected = tripleLoop(sliceA, sliceB, m, n, k, transA, transB);
    expectMatmul(data.subarray(r * m * n, (r + 1) * m * n), expected, k, dtype, `${what} batch ${r}`);
  }
}

for (const dtype of DTYPES) {
  for (const [transA, transB] of TRANS) {
    leakFree(batched, `batched and broadcast, transA=${transA} transB=${transB} (${dtype})`, () => {
      const next = rng(909);
      // [batch..., M, K, N] of op(A) op(B), as stored shapes below.
      const configs: [number[], number[], number, number, number][] = [
        // batch of A, batch of B, M, K, N
        [[3], [3], 17, 9, 13],
        [[2, 1], [4], 5, 7, 6],
        [[5], [], 33, 65, 9], // one B shared by a stack of A
        [[], [4], 17, 9, 6], // one A against a batch of B
        [[2, 3], [1, 3], 9, 20, 70],
        [[1, 4], [3, 1], 4, 8, 8],
        [[6], [6], 1, 12, 7], // row vectors
        [[6], [6], 7, 12, 1], // column vectors
        [[2], [2], 65, 257, 3], // K across KC in every slice
      ];
      for (const [bA, bB, m, k, n] of configs) {
        const aShape = [...bA, ...(transA ? [k, m] : [m, k])];
        const bShape = [...bB, ...(transB ? [n, k] : [k, n])];
        checkBatched(next, aShape, bShape, transA, transB, dtype);
      }
    });
  }
}

batched.run();
