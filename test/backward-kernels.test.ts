// Every kernel a gradient depends on, float32 against its float64 twin.
//
// gradcheck works in float64, so a bug in a float32 kernel only (a SIMD loop
// stepping by the float64 lane count, a tail dropped where four lanes do not
// divide the row, a float32-only load) is invisible to it, and float32 is
// the dtype every training loop runs. Here each kernel is called directly,
// in both dtypes, on the same numbers (drawn once and rounded to float32),
// on odd sizes around the f32x4 / f64x2 lane counts so that every SIMD body
// and scalar tail runs, and the two results are compared:
// - data movement (im2col, gathers, masks, shifts, one-hot, diagonals) must
//   agree exactly;
// - arithmetic within RTOL of the float64 result, relative to each element's
//   size plus the mean size of the output (float32 rounding of sums of a few
//   dozen terms is below 1e-6 of that; a wrong lane is off by the whole
//   element).
// Outputs a kernel writes in full start as NaN, so an unwritten element shows;
// outputs it adds into start as the same random numbers in both dtypes.
//
// The last test lists every float32 export of the module: each is either
// checked here (a kernel of a gradient rule or an optimizer) or named as a
// forward kernel, checked against plain-JavaScript references in
// kernels.test.ts, matmul-kernel.test.ts, math-accuracy.test.ts and the op
// tables (which also compare float32 with float64 values and gradients).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exportNames, heapF32, heapF64, heapI32, kernel, kernels } from '../src/wasm/index';

type DType = 'float32' | 'float64';
type Fn = (...args: number[]) => number | void;

const RTOL = 1e-5;
/** Lengths around the lane counts (4 f32, 2 f64) and past a few vectors. */
const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 17, 33];

/** mulberry32: the same sequence for both dtypes. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Buffers in wasm memory for one dtype's run, freed together. They come
 * straight from the module's allocator (not the library's accounting), so
 * the test depends on nothing but the kernels' exports.
 */
class Arena {
  private readonly blocks: number[] = [];
  private readonly next: () => number;
  readonly size: number;
  constructor(readonly dtype: DType, seed: number) {
    this.next = generator(seed);
    this.size = dtype === 'float32' ? 4 : 8;
  }
  /** The `${name}_f32` or `${name}_f64` export. */
  k(name: string): Fn {
    return kernel<Fn>(`${name}_${this.dtype === 'float32' ? 'f32' : 'f64'}`);
  }
  private alloc(bytes: number): number {
    const ptr = kernels().alloc(Math.max(bytes, 16));
    if (ptr === 0) throw new Error(`backward-kernels test: could not allocate ${bytes} bytes`);
    this.blocks.push(ptr);
    return ptr;
  }
  /** Floats (exactly representable in float32, so both dtypes hold the same numbers). */
  floats(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length * this.size);
    if (this.dtype === 'float32') heapF32().set(Float32Array.from(values), ptr >>> 2);
    else heapF64().set(Float64Array.from(values, Math.fround), ptr >>> 3);
    return ptr;
  }
  /** Uniform in [lo, hi), rounded to float32. */
  values(n: number, lo = -2, hi = 2): number[] {
    return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * this.next()));
  }
  random(n: number, lo = -2, hi = 2): number {
    return this.floats(this.values(n, lo, hi));
  }
  fill(n: number, v: number): number {
    return this.floats(new Array<number>(n).fill(v));
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  ints(values: readonly number[]): number {
    const ptr = this.alloc(values.length * 4);
    heapI32().set(values, ptr >>> 2);
    return ptr;
  }
  read(ptr: number, n: number): number[] {
    return this.dtype === 'float32'
      ? Array.from(heapF32().subarray(ptr >>> 2, (ptr >>> 2) + n))
      : Array.from(heapF64().subarray(ptr >>> 3, (ptr >>> 3) + n));
  }
  free(): void {
    for (const ptr of this.blocks) kernels().free(ptr);
  }
}

/** Named outputs of one run. */
type Outputs = Record<string, number[]>;

/**
 * Runs `body` once per dtype on the same numbers and compares every output:
 * exactly, or within `rtol` of float64 (relative to |element| + mean |output|).
 */
function twin(what: string, body: (a: Arena) => Outputs, rtol: number | 'exact' = RTOL): void {
  const run = (dtype: DType) => {
    const a = new Arena(dtype, 20240611);
    try {
      return body(a);
    } finally {
      a.free();
    }
  };
  const r32 = run('float32');
  const r64 = run('float64');
  for (const name of Object.keys(r64)) {
    const a = r32[name];
    const e = r64[name];
    assert.is(a.length, e.length, `${what}, ${name}: length`);
    const scale = e.reduce((s, v) => s + (Number.isFinite(v) ? Math.abs(v) : 0), 0) / Math.max(1, e.length);
    let worst = 0;
    for (let i = 0; i < e.length; i++) {
      // Every output here is finite: a NaN is an element the kernel never wrote (or a real NaN bug).
      if (!Number.isFinite(e[i]) || !Number.isFinite(a[i])) {
        assert.unreachable(`${what}, ${name}[${i}]: float32 ${a[i]}, float64 ${e[i]} (expected finite numbers)`);
      }
      worst = Math.max(worst, Math.abs(a[i] - e[i]) / (Math.abs(e[i]) + scale));
      const ok = rtol === 'exact' ? Object.is(a[i], e[i]) : Math.abs(a[i] - e[i]) <= rtol * (Math.abs(e[i]) + scale);
      if (!ok) {
        assert.unreachable(`${what}, ${name}[${i}]: float32 ${a[i]}, float64 ${e[i]} (${rtol === 'exact' ? 'must be equal' : `relative error ${(Math.abs(a[i] - e[i]) / (Math.abs(e[i]) + scale)).toPrecision(3)}, allowed ${rtol}`})`);
      }
    }
    if (process.env.AUTOGRAD_F32_REPORT === '1') console.log(`float32 ${worst.toExponential(2)} ${what}, ${name}`);
  }
}


const outLength = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

// ---------------------------------------------------------------------------
// Convolution: im2col (forward and the weight gradient) and col2im (the input gradient)

interface Window {
  c: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

/** Row lengths 1 .. 19 (wo ≥ 9 puts two f32x4 vectors and a tail on the stride-1 path), strides, padding, dilation. */
const WINDOWS: Window[] = [
  { c: 1, h: 3, w: 4, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 },
  { c: 2, h: 5, w: 11, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 },
  { c: 3, h: 6, w: 13, kh: 2, kw: 3, sh: 1, sw: 1, ph: 0, pw: 2, dh: 1, dw: 1 },
  { c: 1, h: 7, w: 19, kh: 3, kw: 2, sh: 2, sw: 2, ph: 1, pw: 0, dh: 1, dw: 1 },
  { c: 2, h: 9, w: 17, kh: 3, kw: 3, sh: 2, sw: 1, ph: 2, pw: 1, dh: 2, dw: 2 },
  { c: 1, h: 5, w: 9, kh: 2, kw: 2, sh: 3, sw: 3, ph: 0, pw: 1, dh: 1, dw: 3 },
  { c: 2, h: 4, w: 7, kh: 3, kw: 3, sh: 1, sw: 1, ph: 3, pw: 3, dh: 1, dw: 1 },
];

const windowArgs = (q: Window, ho: number, wo: number) =>
  [q.c, q.h, q.w, q.kh, q.kw, q.sh, q.sw, q.ph, q.pw, q.dh, q.dw, ho, wo];

const describeWindow = (q: Window) =>
  `c ${q.c}, ${q.h}x${q.w}, kernel ${q.kh}x${q.kw}, stride ${q.sh}x${q.sw}, padding ${q.ph}x${q.pw}, dilation ${q.dh}x${q.dw}`;

const conv = suite('backward kernels: convolution');

conv('im2col: float32 equals float64 (the columns of the forward pass and of the weight gradient)', () => {
  for (const q of WINDOWS) {
    const ho = outLength(q.h, q.kh, q.sh, q.ph, q.dh);
    const wo = outLength(q.w, q.kw, q.sw, q.pw, q.dw);
    const n = q.c * q.kh * q.kw * ho * wo;
    twin(`im2col ${describeWindow(q)}`, (a) => {
      const x = a.random(q.c * q.h * q.w);
      const cols = a.fill(n, NaN);
      a.k('im2col')(x, cols, ...windowArgs(q, ho, wo));
      return { cols: a.read(cols, n) };
    }, 'exact');
  }
});

conv('col2im: float32 equals float64 (the input gradient adds each column back)', () => {
  for (const q of WINDOWS) {
    const ho = outLength(q.h, q.kh, q.sh, q.ph, q.dh);
    const wo = outLength(q.w, q.kw, q.sw, q.pw, q.dw);
    twin(`col2im ${describeWindow(q)}`, (a) => {
      const cols = a.random(q.c * q.kh * q.kw * ho * wo);
      const x = a.random(q.c * q.h * q.w);
      a.k('col2im')(cols, x, ...windowArgs(q, ho, wo));
      return { x: a.read(x, q.c * q.h * q.w) };
    });
  }
});

conv('matmul with every transpose flag (the gradients of matmul and conv2d): float32 within rounding of float64', () => {
  for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [9, 17, 3], [5, 1, 33], [1, 9, 5], [17, 33, 9], [4, 8, 16]]) {
    for (const ta of [0, 1]) {
      for (const tb of [0, 1]) {
        twin(`matmul ${m}x${k}x${n} transA ${ta} transB ${tb}`, (a) => {
          const pa = a.random(m * k);
          const pb = a.random(k * n);
          const pc = a.fill(m * n, NaN);
          a.k('matmul')(pa, pb, pc, m, n, k, ta, tb);
          return { c: a.read(pc, m * n) };
        });
      }
    }
  }
});

// ---------------------------------------------------------------------------
// Pooling

interface Pool {
  planes: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

const POOLS: Pool[] = [
  { planes: 2, h: 4, w: 19, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 },
  { planes: 1, h: 5, w: 17, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 },
  { planes: 3, h: 7, w: 13, kh: 3, kw: 2, sh: 2, sw: 3, ph: 1, pw: 1, dh: 1, dw: 2 },
  { planes: 1, h: 6, w: 23, kh: 2, kw: 3, sh: 1, sw: 2, ph: 0, pw: 1, dh: 2, dw: 1 },
  { planes: 2, h: 3, w: 5, kh: 2, kw: 2, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 },
];

const poolArgs = (q: Pool, ho: number, wo: number) => [q.planes, q.h, q.w, q.kh, q.kw, q.sh, q.sw, q.ph, q.pw, q.dh, q.dw, ho, wo];
const describePool = (q: Pool) =>
  `${q.planes} planes ${q.h}x${q.w}, window ${q.kh}x${q.kw}, stride ${q.sh}x${q.sw}, padding ${q.ph}x${q.pw}, dilation ${q.dh}x${q.dw}`;

const pool = suite('backward kernels: pooling');

pool('maxpool2d_scatter (the gradient) and maxpool2d_gather (its transpose): float32 equals float64', () => {
  for (const q of POOLS) {
    const ho = outLength(q.h, q.kh, q.sh, q.ph, q.dh);
    const wo = outLength(q.w, q.kw, q.sw, q.pw, q.dw);
    const nx = q.planes * q.h * q.w;
    const ny = q.planes * ho * wo;
    twin(`maxpool2d_scatter / gather ${describePool(q)}`, (a) => {
      const x = a.random(nx);
      const y = a.fill(ny, NaN);
      a.k('maxpool2d')(x, y, ...poolArgs(q, ho, wo));
      const dy = a.random(ny);
      const dx = a.fill(nx, NaN);
      a.k('maxpool2d_scatter')(dy, x, y, dx, ...poolArgs(q, ho, wo));
      const g = a.random(nx);
      const out = a.fill(ny, NaN);
      a.k('maxpool2d_gather')(g, x, y, out, ...poolArgs(q, ho, wo));
      return { dx: a.read(dx, nx), gathered: a.read(out, ny) };
    });
  }
});

pool('avgpool2d_backward: float32 within rounding of float64', () => {
  for (const q of POOLS.filter((p) => p.dh === 1 && p.dw === 1)) {
    const ho = outLength(q.h, q.kh, q.sh, q.ph, 1);
    const wo = outLength(q.w, q.kw, q.sw, q.pw, 1);
    const nx = q.planes * q.h * q.w;
    twin(`avgpool2d_backward ${describePool(q)}`, (a) => {
      const dy = a.random(q.planes * ho * wo);
      const dx = a.fill(nx, NaN);
      a.k('avgpool2d_backward')(dy, dx, q.planes, q.h, q.w, q.kh, q.kw, q.sh, q.sw, q.ph, q.pw, ho, wo);
      return { dx: a.read(dx, nx) };
    });
  }
});

// ---------------------------------------------------------------------------
// Indexing: embedding, gather, slices, one-hot labels, diagonals, triangles

const index = suite('backward kernels: indexing');

index('embedding_scatter_add: rows of every width, repeated ids accumulate', () => {
  for (const d of LENGTHS) {
    twin(`embedding_scatter_add d ${d}`, (a) => {
      const v = 5;
      const ids = [4, 1, 4, 0, 2, 4, 1];
      const src = a.random(ids.length * d);
      const out = a.fill(v * d, NaN);
      a.k('embedding_scatter_add')(src, a.ints(ids), out, ids.length, v, d);
      return { table: a.read(out, v * d) };
    });
  }
});

index('scatter_add (the gradient of gather): inner runs of every width, repeated indices', () => {
  for (const inner of LENGTHS) {
    for (const outer of [1, 3]) {
      twin(`scatter_add outer ${outer} inner ${inner}`, (a) => {
        const n = 4;
        const idx = [3, 0, 3, 2, 3];
        const src = a.random(outer * idx.length * inner);
        const out = a.random(outer * n * inner);
        a.k('scatter_add')(src, a.ints(idx), out, outer, n, inner, idx.length);
        return { out: a.read(out, outer * n * inner) };
      });
    }
  }
});

index('slice_add (the gradient of slice): strided and contiguous views', () => {
  // A view of a [7, 19] array: [rows, cols] from (r0, c0) with steps (sr, sc).
  for (const [rows, cols, r0, c0, sr, sc] of [[3, 3, 1, 2, 2, 3], [5, 17, 1, 1, 1, 1], [7, 9, 0, 1, 1, 2], [2, 5, 3, 4, 3, 1]]) {
    twin(`slice_add ${rows}x${cols} from (${r0}, ${c0}) step (${sr}, ${sc})`, (a) => {
      const full = a.random(7 * 19);
      const part = a.random(rows * cols);
      a.k('slice_add')(full, part, 2, a.ints([rows, cols]), a.ints([19 * sr, sc]), r0 * 19 + c0);
      return { full: a.read(full, 7 * 19) };
    });
  }
});

index('nn_one_hot (the gradients of crossEntropy and nll)', () => {
  for (const c of [1, 3, 5, 9]) {
    twin(`nn_one_hot ${c} classes`, (a) => {
      const labels = Array.from({ length: 7 }, () => a.int(c));
      const out = a.fill(7 * c, NaN);
      a.k('nn_one_hot')(a.ints(labels), out, 7, c, -1 / 7);
      return { out: a.read(out, 7 * c) };
    });
  }
});

index('diag_embed and diag_extract (each the gradient of the other), tri (the gradient of tril / triu)', () => {
  for (const [rows, cols, k] of [[3, 3, 0], [4, 6, 1], [5, 3, -2], [1, 1, 0], [6, 4, 3]]) {
    const len = Math.max(0, Math.min(k >= 0 ? rows : rows + k, k >= 0 ? cols - k : cols));
    twin(`diagonal ${k} of ${rows}x${cols}`, (a) => {
      const x = a.random(len);
      const m = a.fill(rows * cols, NaN);
      a.k('diag_embed')(x, m, len, rows, cols, k);
      const full = a.random(rows * cols);
      const d = a.fill(Math.max(len, 1), NaN);
      a.k('diag_extract')(full, d, len, cols, k);
      const lower = a.fill(2 * rows * cols, NaN);
      const upper = a.fill(2 * rows * cols, NaN);
      const batch = a.random(2 * rows * cols);
      a.k('tri')(batch, lower, rows, cols, 2, k, 0);
      a.k('tri')(batch, upper, rows, cols, 2, k, 1);
      return { embedded: a.read(m, rows * cols), extracted: a.read(d, len), lower: a.read(lower, 2 * rows * cols), upper: a.read(upper, 2 * rows * cols) };
    }, 'exact');
  }
});

// ---------------------------------------------------------------------------
// Elementwise masks and helpers of gradient rules

const masks = suite('backward kernels: masks and elementwise helpers');

masks('relu_mask, clamp_mask, sign (the gradients of relu, clamp, abs): every length, exact', () => {
  for (const n of LENGTHS) {
    twin(`masks n ${n}`, (a) => {
      const values = a.values(n);
      if (n > 2) values[1] = 0;
      const x = a.floats(values);
      const relu = a.fill(n, NaN);
      const clamp = a.fill(n, NaN);
      const sign = a.fill(n, NaN);
      a.k('relu_mask')(x, relu, n);
      a.k('clamp_mask')(x, clamp, n, -0.5, 1.25);
      a.k('sign')(x, sign, n);
      return { relu: a.read(relu, n), clamp: a.read(clamp, n), sign: a.read(sign, n) };
    }, 'exact');
  }
});

masks('reduce_eq_mask (where max and min were taken, NaN matching NaN): every length, exact', () => {
  for (const n of LENGTHS) {
    twin(`reduce_eq_mask n ${n}`, (a) => {
      const x = a.values(n);
      const y = x.map((v, i) => (i % 3 === 0 ? v : v + 1));
      if (n > 4) {
        x[4] = NaN;
        y[4] = NaN;
        x[2] = NaN;
      }
      const out = a.fill(n, NaN);
      a.k('reduce_eq_mask')(a.floats(x), a.floats(y), out, n);
      return { mask: a.read(out, n) };
    }, 'exact');
  }
});

masks('unary_normcdf (the gradient of gelu): every length', () => {
  for (const n of LENGTHS) {
    twin(`unary_normcdf n ${n}`, (a) => {
      const x = a.random(n, -6, 6);
      const out = a.fill(n, NaN);
      a.k('unary_normcdf')(x, out, n);
      return { out: a.read(out, n) };
    }, 1e-6);
  }
});

masks('tanh_grad, sigmoid_grad (the fused rules of tanh and sigmoid): every length, contiguous and broadcast y', () => {
  const formulas: Record<string, (dy: number, y: number) => number> = {
    tanh_grad: (dy, y) => dy * (1 - y * y),
    sigmoid_grad: (dy, y) => dy * (y * (1 - y)),
  };
  for (const [name, formula] of Object.entries(formulas)) {
    for (const n of LENGTHS) {
      for (const yStride of [1, 0]) {
        twin(`${name} n ${n} y stride ${yStride}`, (a) => {
          const dyValues = a.values(n);
          const yValues = a.values(yStride === 1 ? n : 1, -1, 1);
          const out = a.fill(n, NaN);
          a.k(name)(a.floats(dyValues), a.floats(yValues), out, 1, a.ints([n]), a.ints([1]), a.ints([yStride]));
          const got = a.read(out, n);
          if (a.dtype === 'float64') {
            // The same roundings as the unfused rule, so float64 results equal the formula to the bit.
            const expected = dyValues.map((dy, i) => formula(dy, yValues[yStride * i]));
            assert.equal(got, expected, `${name} n ${n}: float64 equals the rule's formula`);
          }
          return { out: got };
        });
      }
    }
  }
});

masks('axpy (accumulating gradients, optimizers): every length', () => {
  for (const n of LENGTHS) {
    twin(`axpy n ${n}`, (a) => {
      const x = a.random(n);
      const y = a.random(n);
      a.k('axpy')(-0.375, x, y, n);
      return { y: a.read(y, n) };
    });
  }
});

// ---------------------------------------------------------------------------
// Reductions' gradients: unbroadcasting sums, and prod's scans

const reductions = suite('backward kernels: reductions');

const AXES: [number, number, number][] = [[1, 7, 1], [3, 5, 1], [1, 33, 1], [2, 3, 5], [3, 4, 9], [1, 2, 17], [2, 1, 7], [5, 9, 3]];

reductions('sum_axis (unbroadcast): every [outer, n, inner] shape', () => {
  for (const [outer, n, inner] of AXES) {
    twin(`sum_axis [${outer}, ${n}, ${inner}]`, (a) => {
      const x = a.random(outer * n * inner);
      const out = a.fill(outer * inner, NaN);
      a.k('sum_axis')(x, out, outer, n, inner);
      return { out: a.read(out, outer * inner) };
    });
  }
});

reductions('scan_axis, shift_axis and scan_seed (the gradient of prod, to any order)', () => {
  for (const [outer, n, inner] of AXES) {
    const size = outer * n * inner;
    twin(`scan / shift / seed [${outer}, ${n}, ${inner}]`, (a) => {
      const coef = a.random(size, -1, 1);
      const b = a.random(size);
      const forward = a.fill(size, NaN);
      const backward = a.fill(size, NaN);
      a.k('scan_axis')(coef, b, forward, outer, n, inner, 0);
      a.k('scan_axis')(coef, b, backward, outer, n, inner, 1);
      const right = a.fill(size, NaN);
      const left = a.fill(size, NaN);
      a.k('shift_axis')(b, right, outer, n, inner, 1);
      a.k('shift_axis')(b, left, outer, n, inner, -1);
      const first = a.fill(size, NaN);
      const last = a.fill(size, NaN);
      a.k('scan_seed')(first, outer, n, inner, 0);
      a.k('scan_seed')(last, outer, n, inner, 1);
      return {
        scan: a.read(forward, size), reverseScan: a.read(backward, size),
        shiftRight: a.read(right, size), shiftLeft: a.read(left, size), seedFirst: a.read(first, size), seedLast: a.read(last, size),
      };
    });
  }
});

// ---------------------------------------------------------------------------
// Linear algebra: lu_solve (the gradients of solve, inv, det and logdet solve with the factors)

const linalg = suite('backward kernels: linear algebra');

linalg('lu_solve on well-conditioned systems, several right-hand sides', () => {
  for (const n of [1, 2, 3, 5, 8]) {
    for (const nrhs of [1, 3, 4]) {
      twin(`lu_solve n ${n} nrhs ${nrhs}`, (a) => {
        const count = 2;
        // Diagonally dominant, with rows shuffled so that pivoting happens.
        const m = a.values(count * n * n, -1, 1);
        for (let q = 0; q < count; q++) for (let i = 0; i < n; i++) m[q * n * n + i * n + ((i + 1) % n)] += 2 * n;
        const f = a.floats(m);
        const piv = a.ints(new Array<number>(count * n).fill(0));
        a.k('lu')(f, piv, n, count);
        const b = a.random(count * n * nrhs);
        a.k('lu_solve')(f, piv, b, n, nrhs, count);
        return { x: a.read(b, count * n * nrhs) };
      });
    }
  }
});

linalg('lu_adjugate (det\'s gradient) on regular and exactly singular matrices', () => {
  for (const n of [1, 2, 3, 5, 8]) {
    for (const singular of [false, true]) {
      twin(`lu_adjugate n ${n}${singular ? ' singular' : ''}`, (a) => {
        const count = 2;
        const m = a.values(count * n * n, -1, 1);
        for (let q = 0; q < count; q++) {
          for (let i = 0; i < n; i++) m[q * n * n + i * n + ((i + 1) % n)] += 2 * n;
          // a repeated row makes the matrix singular; the adjugate still exists
          if (singular && n > 1) for (let j = 0; j < n; j++) m[q * n * n + (n - 1) * n + j] = m[q * n * n + j];
        }
        const f = a.floats(m);
        const piv = a.ints(new Array<number>(count * n).fill(0));
        a.k('lu')(f, piv, n, count);
        const out = a.fill(count * n * n, 0);
        a.k('lu_adjugate')(f, piv, out, n, count);
        return { adj: a.read(out, count * n * n) };
      });
    }
  }
});

// ---------------------------------------------------------------------------
// Optimizers: three updates in a row, the state buffers carried along

const optim = suite('backward kernels: optimizers');

optim('sgd (plain, momentum, nesterov, weight decay, gradient scale): every length', () => {
  for (const n of LENGTHS) {
    for (const [momentum, nesterov, wd, gscale] of [[0, 0, 0, 1], [0.875, 0, 0, 1], [0.875, 1, 0.0625, 0.5]]) {
      twin(`sgd n ${n} momentum ${momentum} nesterov ${nesterov} weight decay ${wd}`, (a) => {
        const p = a.random(n);
        const buf = a.fill(n, 0);
        for (let step = 0; step < 3; step++) a.k('sgd')(p, a.random(n), buf, n, 0.125, momentum, nesterov, wd, gscale);
        return { p: a.read(p, n), buf: a.read(buf, n) };
      });
    }
  }
});

optim('adam and AdamW (the SIMD path without weight decay, the scalar one with it): every length', () => {
  for (const n of LENGTHS) {
    for (const [wd, decoupled] of [[0, 0], [0.0625, 0], [0.0625, 1]]) {
      twin(`adam n ${n} weight decay ${wd} decoupled ${decoupled}`, (a) => {
        const p = a.random(n);
        const m = a.fill(n, 0);
        const v = a.fill(n, 0);
        const [b1, b2] = [0.875, 0.9990234375];
        for (let t = 1; t <= 3; t++) {
          a.k('adam')(p, a.random(n), m, v, n, 0.0625, b1, b2, 1e-8, wd, decoupled, 1 - b1 ** t, 1 - b2 ** t, 0.75);
        }
        return { p: a.read(p, n), m: a.read(m, n), v: a.read(v, n) };
      });
    }
  }
});

optim('rmsprop (with and without momentum) and sumsq (gradient norms for clipping): every length', () => {
  for (const n of LENGTHS) {
    for (const momentum of [0, 0.875]) {
      twin(`rmsprop n ${n} momentum ${momentum}`, (a) => {
        const p = a.random(n);
        const sq = a.fill(n, 0);
        const buf = a.fill(n, 0);
        for (let step = 0; step < 3; step++) a.k('rmsprop')(p, a.random(n), sq, buf, n, 0.0625, 0.875, 1e-8, 0.03125, momentum, 1);
        const g = a.random(n);
        return { p: a.read(p, n), sq: a.read(sq, n), buf: a.read(buf, n), sumsq: [a.k('sumsq')(g, n) as number] };
      });
    }
  }
});

// ---------------------------------------------------------------------------

/** Kernels of gradient rules and optimizers: each has a test above. */
const CHECKED_HERE = [
  'im2col', 'col2im', 'matmul', 'maxpool2d_scatter', 'maxpool2d_gather', 'avgpool2d_backward',
  'embedding_scatter_add', 'scatter_add', 'slice_add', 'nn_one_hot', 'diag_embed', 'diag_extract', 'tri',
  'relu_mask', 'clamp_mask', 'sign', 'reduce_eq_mask', 'unary_normcdf', 'axpy', 'tanh_grad', 'sigmoid_grad',
  'sum_axis', 'scan_axis', 'shift_axis', 'scan_seed', 'lu_solve', 'lu_adjugate', 'sgd', 'adam', 'rmsprop', 'sumsq',
];

/**
 * Forward kernels: checked against plain-JavaScript references in both dtypes
 * (kernels.test.ts, matmul-kernel.test.ts, math-accuracy.test.ts, the op
 * tables' values and float32-vs-float64 comparisons). Gradient rules use
 * them too, through ops, so the op tables' float32 gradient checks run them
 * in backward passes as well.
 */
const FORWARD = [
  'fill', 'cast_f64', 'copy_strided', 'count_nonfinite',
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'hypot', 'mod', 'floordiv',
  'equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal', 'isnan', 'isfinite', 'where',
  // casts from int32 and bool (to float32 and to float64): test/dtype.test.ts
  'cast_i32', 'cast_u8',
  'neg', 'sqrt', 'abs', 'floor', 'ceil', 'round', 'trunc', 'reciprocal', 'relu', 'clamp', 'exp', 'log', 'tanh',
  'sigmoid', 'expm1', 'log1p', 'softplus', 'elu', 'cbrt', 'exp2', 'log2', 'log10', 'sin', 'cos', 'tan', 'asin',
  'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'gelu', 'erf', 'erfc', 'erfinv', 'lgamma',
  'digamma', 'polygamma',
  // issue 14: float32 computes in float64 and rounds once (test/special-accuracy.test.ts checks that,
  // the op tables' float32 rows check the rest, take_along/put_along through sort's gradients)
  'sinpi', 'cospi', 'sinc', 'exp10', 'rem', 'copysign', 'logaddexp', 'xlogy', 'gamma', 'erfcx', 'erfcinv', 'dawson',
  'bessel_j0', 'bessel_j1', 'bessel_y0', 'bessel_y1', 'bessel_i0', 'bessel_i1', 'bessel_k0', 'bessel_k1', 'bessel_jn',
  'sort_axis', 'take_along', 'put_along',
  'sum', 'prod_axis', 'max_axis', 'min_axis', 'argmax_axis', 'argmin_axis', 'logsumexp_axis', 'variance_axis', 'norm_axis',
  'matmul_batched', 'lu', 'lu_inv', 'lu_det', 'lu_logabsdet', 'slice_copy', 'slice_write', 'gather', 'scatter_set',
  'softmax', 'log_softmax', 'cross_entropy', 'nn_pick_sum', 'maxpool2d', 'avgpool2d', 'embedding_gather',
  // parts of matmul for the worker pool: checked bit for bit against matmul in threads.test.ts
  'matmul_cols', 'matmul_rows', 'matmul_batch_range',
  // whole convolutions over a range of images (im2col + products, checked above): the conv2d op
  // table's values and gradchecks, and 1 vs N threads in threads.test.ts
  'conv2d_forward', 'conv2d_input_grad', 'conv2d_weight_grad', 'conv2d_weight_grad_sum',
  // factorizations: both dtypes checked against references in factor-kernels.test.ts
  'cholesky', 'solve_triangular', 'qr', 'eigh', 'svd', 'lu_sign', 'symmetrize',
];

const coverage = suite('backward kernels: coverage');

coverage('every float32 kernel is either checked against its float64 twin here or a named forward kernel', () => {
  const exported = exportNames().filter((k) => k.endsWith('_f32')).map((k) => k.slice(0, -4));
  const listed = new Set([...CHECKED_HERE, ...FORWARD]);
  const unlisted = exported.filter((k) => !listed.has(k));
  assert.equal(unlisted, [], `float32 kernels in neither list (add them to CHECKED_HERE with a test, or to FORWARD): ${unlisted.join(', ')}`);
  const gone = [...listed].filter((k) => !exported.includes(k));
  assert.equal(gone, [], `listed kernels the module no longer exports: ${gone.join(', ')}`);
  // (cast_f64_f32 is one half of the pair of casts, not a float32 kernel with a twin)
  for (const k of exported.filter((name) => name !== 'cast_f64')) assert.ok(typeof (kernels() as unknown as Record<string, unknown>)[`${k}_f64`] === 'function', `${k}_f32 has no float64 twin`);
});

conv.run();
pool.run();
index.run();
masks.run();
reductions.run();
linalg.run();
optim.run();
coverage.run();
