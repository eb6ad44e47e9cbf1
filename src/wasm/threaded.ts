// Which kernels the pool (./pool.ts) splits, and how: each entry wraps an
// export of the module with a function of the same signature that estimates
// the kernel's single-thread time, and above the pool's threshold cuts it
// into chunks along independent outputs. `kernels()`, `kernel()` and
// `kernelFor()` (./index.ts) hand out these wrappers in place of the raw
// exports, so the ops never know whether a call ran on one thread or many.
//
// Costs per unit are measured one thread at a time (scripts/bench-threads.ts,
// Node 20, a 2-core Zen 3 VM) and rounded; they only decide whether to split
// and how finely, never what is computed.

import { grainFor, runParallel, threadsFor } from './pool';

type Fn = (...args: number[]) => unknown;
type Exports = Record<string, unknown>;

/** ns per flop of the packed product: ~40 GFLOP/s float32, ~20 float64. */
const MATMUL_NS_PER_FLOP = { f32: 0.025, f64: 0.05 };
/**
 * The smallest chunk of a product: a column chunk repacks A and a row chunk
 * repacks B (one element per 2·width flops), so chunks narrower than ~96
 * columns or rows pay more than 5% for packing.
 */
const MATMUL_MIN_GRAIN = 96;

/**
 * C = op(A) op(B) split into column chunks (or row chunks when C is tall:
 * the split repacks the smaller operand), through matmul_cols/rows, whose
 * every element is the sum the unsplit kernel computes.
 */
function matmul(raw: Exports, s: 'f32' | 'f64'): Fn {
  const whole = raw[`matmul_${s}`] as Fn;
  const align = s === 'f32' ? 8 : 4;
  return (a, b, c, m, n, k, transA, transB) => {
    if (m > 1 && n > 1 && k > 0) {
      const t = threadsFor(2 * m * n * k * MATMUL_NS_PER_FLOP[s]);
      if (t > 1) {
        const byColumns = n >= m;
        const units = byColumns ? n : m;
        runParallel({
          kernel: byColumns ? `matmul_cols_${s}` : `matmul_rows_${s}`,
          args: [a, b, c, m, n, k, transA, transB],
          range: true,
          units,
          grain: grainFor(units, t, MATMUL_MIN_GRAIN, byColumns ? align : 16),
        });
        return;
      }
    }
    whole(a, b, c, m, n, k, transA, transB);
  };
}

/**
 * The batched product: whole matrices per chunk when there are several,
 * else (one matrix in the batch) the 2-D split above.
 */
function matmulBatched(raw: Exports, s: 'f32' | 'f64', plain: Fn, read: (ptr: number) => number): Fn {
  const whole = raw[`matmul_batched_${s}`] as Fn;
  return (a, b, c, m, n, k, transA, transB, ndim, shape, stridesA, stridesB) => {
    let count = 1;
    for (let d = 0; d < ndim; d++) count *= read(shape + 4 * d);
    if (count === 1) {
      // every batch axis has length 1: the offsets are 0
      plain(a, b, c, m, n, k, transA, transB);
      return;
    }
    const t = m > 0 && n > 0 ? threadsFor(count * 2 * m * n * k * MATMUL_NS_PER_FLOP[s]) : 1;
    if (t > 1) {
      runParallel({
        kernel: `matmul_batch_range_${s}`,
        args: [a, b, c, m, n, k, transA, transB, ndim, shape, stridesA, stridesB],
        range: true,
        units: count,
        grain: grainFor(count, t, 1),
      });
      return;
    }
    whole(a, b, c, m, n, k, transA, transB, ndim, shape, stridesA, stridesB);
  };
}

/**
 * Single-thread cost per element (ns, float32; float64 is taken as twice),
 * by kernel: one SIMD instruction per vector; the vectorized
 * transcendentals; one standard-library call per element.
 */
const SIMD_NS = 0.15;
const VECTOR_MATH_NS = 0.7;
const LIBM_NS = 12;
const ELEMENTWISE: [number, string[]][] = [
  [SIMD_NS, ['neg', 'sqrt', 'abs', 'floor', 'ceil', 'round', 'trunc', 'reciprocal', 'relu', 'relu_mask', 'clamp', 'clamp_mask']],
  [VECTOR_MATH_NS, ['exp', 'log', 'tanh', 'sigmoid', 'expm1', 'log1p', 'softplus', 'elu', 'gelu', 'erf', 'erfc']],
  [LIBM_NS, ['cbrt', 'exp2', 'log2', 'log10', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'unary_normcdf', 'erfinv', 'lgamma', 'digamma']],
];
/** Elements per chunk are a multiple of this: whole blocks of the vectorized kernels (16 float32 / 8 float64). */
const ELEMENT_ALIGN = 64;
/** The smallest chunk worth a claim: about 10 µs of work. */
const MIN_CHUNK_NS = 10_000;

/** Element size in bytes of a kernel's dtype. */
const bytesOf = (s: 'f32' | 'f64') => (s === 'f32' ? 4 : 8);

/**
 * An elementwise kernel f(x, out, n, ...params): runs of elements, the
 * pointers advanced and n set per chunk; parameters pass through.
 */
function elementwise(raw: Exports, name: string, s: 'f32' | 'f64', ns: number): Fn {
  const whole = raw[name] as Fn;
  const es = bytesOf(s);
  const per = s === 'f32' ? ns : 2 * ns;
  const scales = [es, es];
  return (...args) => {
    const n = args[2];
    const t = threadsFor(n * per);
    if (t <= 1) return whole(...args);
    runParallel({ kernel: name, args, scales, lenIndex: 2, units: n, grain: grainFor(n, t, Math.ceil(MIN_CHUNK_NS / per), ELEMENT_ALIGN) });
  };
}

/**
 * A kernel over the middle axis of [outer, n, inner] (softmax, reductions):
 * f(x, out, outer, n, inner, ...params), whole slices per chunk. `outPerSlice`:
 * elements of out per slice (n * inner for softmax, inner for a reduction).
 */
function alongAxis(raw: Exports, name: string, s: 'f32' | 'f64', nsPerElement: number, reduces: boolean): Fn {
  const whole = raw[name] as Fn;
  const es = bytesOf(s);
  const per = s === 'f32' ? nsPerElement : 2 * nsPerElement;
  return (...args) => {
    const [, , outer, n, inner] = args;
    const slice = n * inner;
    const t = outer > 1 ? threadsFor(outer * slice * per) : 1;
    if (t <= 1) return whole(...args);
    runParallel({
      kernel: name, args, scales: [slice * es, (reduces ? inner : slice) * es], lenIndex: 2,
      units: outer, grain: grainFor(outer, t, Math.ceil(MIN_CHUNK_NS / (slice * per))),
    });
  };
}

/**
 * A pooling kernel over `planes` planes [h, w] -> [ho, wo]: whole planes per
 * chunk. `sides` says which pointer arguments are input-sized (h·w) and
 * which output-sized (ho·wo); the plane count is argument planesAt, and
 * h, w, ho, wo are found at their argument positions.
 */
function byPlanes(raw: Exports, name: string, s: 'f32' | 'f64', sides: ('in' | 'out')[], at: { planes: number; h: number; ho: number }, ns: number): Fn {
  const whole = raw[name] as Fn;
  const es = bytesOf(s);
  const per = s === 'f32' ? ns : 2 * ns;
  return (...args) => {
    const planes = args[at.planes];
    const inPlane = args[at.h] * args[at.h + 1];
    const outPlane = args[at.ho] * args[at.ho + 1];
    const t = planes > 1 ? threadsFor(planes * (inPlane + outPlane) * per) : 1;
    if (t <= 1) return whole(...args);
    runParallel({
      kernel: name, args, scales: sides.map((side) => (side === 'in' ? inPlane : outPlane) * es), lenIndex: at.planes,
      units: planes, grain: grainFor(planes, t, Math.ceil(MIN_CHUNK_NS / ((inPlane + outPlane) * per))),
    });
  };
}

/**
 * An optimizer step over `pointers` parameter-sized arrays followed by n:
 * runs of elements per chunk. A null pointer (no momentum buffer) stays null.
 */
function optimizer(raw: Exports, name: string, s: 'f32' | 'f64', pointers: number, ns: number): Fn {
  const whole = raw[name] as Fn;
  const es = bytesOf(s);
  const per = s === 'f32' ? ns : 2 * ns;
  return (...args) => {
    const n = args[pointers];
    const t = threadsFor(n * per);
    if (t <= 1) return whole(...args);
    const scales = args.slice(0, pointers).map((ptr) => (ptr === 0 ? 0 : es));
    runParallel({ kernel: name, args, scales, lenIndex: pointers, units: n, grain: grainFor(n, t, Math.ceil(MIN_CHUNK_NS / per), ELEMENT_ALIGN) });
  };
}

/**
 * The wrappers, by export name. `read` reads an int32 of wasm memory (the
 * batched product's shape lives there).
 */
export function threadedKernels(raw: Exports, read: (ptr: number) => number): Record<string, Fn> {
  const out: Record<string, Fn> = {};
  for (const s of ['f32', 'f64'] as const) {
    out[`matmul_${s}`] = matmul(raw, s);
    out[`matmul_batched_${s}`] = matmulBatched(raw, s, out[`matmul_${s}`], read);
    for (const [ns, names] of ELEMENTWISE) for (const name of names) out[`${name}_${s}`] = elementwise(raw, `${name}_${s}`, s, ns);
    for (const name of ['softmax', 'log_softmax']) out[`${name}_${s}`] = alongAxis(raw, `${name}_${s}`, s, 2, false);
    for (const name of ['sum_axis', 'max_axis', 'min_axis', 'variance_axis', 'norm_axis']) out[`${name}_${s}`] = alongAxis(raw, `${name}_${s}`, s, 0.3, true);
    out[`logsumexp_axis_${s}`] = alongAxis(raw, `logsumexp_axis_${s}`, s, 2, true);
    // (x, out, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo) and the avg pools without dilation
    out[`maxpool2d_${s}`] = byPlanes(raw, `maxpool2d_${s}`, s, ['in', 'out'], { planes: 2, h: 3, ho: 13 }, 0.3);
    out[`maxpool2d_scatter_${s}`] = byPlanes(raw, `maxpool2d_scatter_${s}`, s, ['out', 'in', 'out', 'in'], { planes: 4, h: 5, ho: 15 }, 0.5);
    out[`maxpool2d_gather_${s}`] = byPlanes(raw, `maxpool2d_gather_${s}`, s, ['in', 'in', 'out', 'out'], { planes: 4, h: 5, ho: 15 }, 1);
    out[`avgpool2d_${s}`] = byPlanes(raw, `avgpool2d_${s}`, s, ['in', 'out'], { planes: 2, h: 3, ho: 11 }, 0.5);
    out[`avgpool2d_backward_${s}`] = byPlanes(raw, `avgpool2d_backward_${s}`, s, ['out', 'in'], { planes: 2, h: 3, ho: 11 }, 0.5);
    out[`sgd_${s}`] = optimizer(raw, `sgd_${s}`, s, 3, 0.5);
    out[`adam_${s}`] = optimizer(raw, `adam_${s}`, s, 4, 1.5);
    out[`rmsprop_${s}`] = optimizer(raw, `rmsprop_${s}`, s, 4, 1.5);
  }
  return out;
}
