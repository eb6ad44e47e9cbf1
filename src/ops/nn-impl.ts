// The raw forward computations behind src/ops/nn.ts: argument parsing for
// integer labels / ids and conv / pool geometry, and the kernel plumbing.
// Nothing here is recorded on a tape and nothing is public API (this file is
// not re-exported by src/ops/index.ts).

import { Tensor, empty } from '../runtime/tensor';
import { type DType } from '../runtime/dtype';
import { kernel, kernels, kernelFor } from '../wasm/index';
import { allocBytes, freeBytes } from '../runtime/storage';
import { ArgumentError, describe } from '../runtime/errors';
import { shapeSize } from '../runtime/shape';
import { readInts, suffix, withInts, type IntList } from './util';

export type { IntList };

const bytesOf = (dtype: DType): number => (dtype === 'float32' ? 4 : 8);

// ---------------------------------------------------------------------------
// Integer arguments (class labels, embedding ids)

/** Integers validated against [0, bound), with the shape they came in. */
/**
 * Integers from a number, a (nested) array of numbers or an integer-valued
 * tensor; each must lie in [0, bound). `what` names them in errors.
 */
export function parseInts(op: string, what: string, input: unknown, bound: number, boundText: string): IntList {
  return readInts(op, what, input, (v, i) => {
    if (v < 0 || v >= bound) {
      throw new ArgumentError(`${op}: ${what} value ${v} at position ${i} is out of range for ${boundText} (valid: 0..${bound - 1})`);
    }
    return v;
  });
}

/** Runs `fn` with a temporary buffer of `bytes` bytes in wasm memory. */
function withBuffer<T>(op: string, bytes: number, fn: (ptr: number) => T): T {
  const ptr = allocBytes(bytes, op);
  try {
    return fn(ptr);
  } finally {
    freeBytes(ptr, bytes);
  }
}

function fillZero(t: Tensor): void {
  if (t.size === 0) return;
  if (t.dtype === 'float32') kernels().fill_f32(t._ptr, t.size, 0);
  else kernels().fill_f64(t._ptr, t.size, 0);
}

// ---------------------------------------------------------------------------
// softmax, log-softmax and the losses on integer labels

type AxisKernel = (x: number, out: number, outer: number, n: number, inner: number) => void;

/** softmax or log-softmax of x along `axis` (non-negative). */
export function softmaxForward(op: 'softmax' | 'logSoftmax', x: Tensor, axis: number): Tensor {
  const out = empty(x.shape.slice(), x.dtype, op);
  if (out.size === 0) return out;
  const outer = shapeSize(x.shape.slice(0, axis));
  const inner = shapeSize(x.shape.slice(axis + 1));
  const name = op === 'softmax' ? 'softmax' : 'log_softmax';
  kernelFor<AxisKernel>(`${name}`, x.dtype)(x._ptr, out._ptr, outer, x.shape[axis], inner);
  return out;
}

type RowsKernel = (z: number, labels: number, rows: number, c: number) => number;

function scalarOf(value: number, dtype: DType, op: string): Tensor {
  const out = empty([], dtype, op);
  if (dtype === 'float32') kernels().fill_f32(out._ptr, 1, value);
  else kernels().fill_f64(out._ptr, 1, value);
  return out;
}

/** mean over rows of logsumexp(z[r]) - z[r, label[r]]: cross-entropy of logits z [rows, c]. */
export function crossEntropyForward(z: Tensor, labels: IntList): Tensor {
  const [rows, c] = z.shape;
  const total = rows === 0 ? 0 : withInts('crossEntropy', labels.data, (ptr) => kernelFor<RowsKernel>('cross_entropy', z.dtype)(z._ptr, ptr, rows, c));
  return scalarOf(total / rows, z.dtype, 'crossEntropy');
}

/** -mean over rows of logp[r, label[r]]. */
export function nllForward(logp: Tensor, labels: IntList): Tensor {
  const [rows, c] = logp.shape;
  const total = rows === 0 ? 0 : withInts('nll', labels.data, (ptr) => kernelFor<RowsKernel>('nn_pick_sum', logp.dtype)(logp._ptr, ptr, rows, c));
  return scalarOf(-total / rows, logp.dtype, 'nll');
}

/** A [rows, c] matrix of zeros with `value` at (r, label[r]): a constant, never recorded. */
export function oneHot(labels: IntList, c: number, dtype: DType, value: number): Tensor {
  const rows = labels.data.length;
  const out = empty([rows, c], dtype, 'oneHot');
  if (out.size === 0) return out;
  withInts('oneHot', labels.data, (ptr) =>
    kernelFor<(labels: number, out: number, rows: number, c: number, value: number) => void>('nn_one_hot', dtype)(ptr, out._ptr, rows, c, value),
  );
  return out;
}

// ---------------------------------------------------------------------------
// Convolution geometry and kernels

/** The hyper-parameters of one convolution (or pooling), per spatial axis. */
export interface ConvSpec {
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
  readonly groups: number;
}

/** A number or [h, w] pair of integers >= `min`, as [h, w]. */
export function pair(op: string, name: string, v: unknown, min: number): [number, number] {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min;
  if (ok(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  throw new ArgumentError(
    `${op}: ${name} must be an integer >= ${min} or an [h, w] pair of them, got ` +
      (Array.isArray(v) ? `[${v.map(String).join(', ')}]` : describe(v)),
  );
}

/** Output length of a strided, padded, dilated window over `n` inputs (may be <= 0). */
export function outLength(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

type Im2col = (
  x: number, cols: number, c: number, h: number, w: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, ho: number, wo: number,
) => void;
type Matmul = (a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number) => void;
type Axpy = (alpha: number, x: number, y: number, n: number) => void;

/** Everything a convolution's kernels need to know, from x [n, cin, h, w] and w [cout, cg, kh, kw]. */
interface ConvPlan {
  n: number; cin: number; h: number; w: number;
  cout: number; cg: number; coutg: number; kh: number; kw: number;
  ho: number; wo: number;
  /** rows of the column matrix (cg * kh * kw) and its columns (ho * wo) */
  k: number; p: number;
  /** 1x1, stride 1, no padding: the image itself is the column matrix */
  direct: boolean;
  bytes: number;
  im2col: Im2col; col2im: Im2col; matmul: Matmul;
}

function plan(xShape: readonly number[], wShape: readonly number[], spec: ConvSpec, dtype: DType): ConvPlan {
  const [n, cin, h, w] = xShape;
  const [cout, cg, kh, kw] = wShape;
  const ho = outLength(h, kh, spec.sh, spec.ph, spec.dh);
  const wo = outLength(w, kw, spec.sw, spec.pw, spec.dw);
  const s = suffix(dtype);
  return {
    n, cin, h, w, cout, cg, coutg: cout / spec.groups, kh, kw, ho, wo,
    k: cg * kh * kw, p: ho * wo,
    direct: kh === 1 && kw === 1 && spec.sh === 1 && spec.sw === 1 && spec.ph === 0 && spec.pw === 0,
    bytes: bytesOf(dtype),
    im2col: kernel<Im2col>(`im2col_${s}`), col2im: kernel<Im2col>(`col2im_${s}`), matmul: kernel<Matmul>(`matmul_${s}`),
  };
}

function runIm2col(q: ConvPlan, spec: ConvSpec, fn: Im2col, a: number, b: number): void {
  fn(a, b, q.cg, q.h, q.w, q.kh, q.kw, spec.sh, spec.sw, spec.ph, spec.pw, spec.dh, spec.dw, q.ho, q.wo);
}

/**
 * y[b, g-block] = W_g [coutg, k] @ cols(x[b, g-block]) [k, p], per image b
 * and group g, through the matmul kernels.
 */
export function conv2dForward(x: Tensor, w: Tensor, spec: ConvSpec): Tensor {
  const q = plan(x.shape, w.shape, spec, x.dtype);
  const out = empty([q.n, q.cout, q.ho, q.wo], x.dtype, 'conv2d');
  if (out.size === 0) return out;
  if (q.k === 0) {
    fillZero(out);
    return out;
  }
  const run = (cols: number) => {
    for (let b = 0; b < q.n; b++) {
      for (let g = 0; g < spec.groups; g++) {
        const xg = x._ptr + (b * q.cin + g * q.cg) * q.h * q.w * q.bytes;
        if (!q.direct) runIm2col(q, spec, q.im2col, xg, cols);
        const wg = w._ptr + g * q.coutg * q.k * q.bytes;
        const yg = out._ptr + (b * q.cout + g * q.coutg) * q.p * q.bytes;
        q.matmul(wg, q.direct ? xg : cols, yg, q.coutg, q.p, q.k, 0, 0);
      }
    }
  };
  try {
    if (q.direct) run(0);
    else withBuffer('conv2d', q.k * q.p * q.bytes, run);
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/**
 * The gradient of conv2d for x (a transposed convolution of dy with w):
 * cols = W_g^T @ dy[b, g-block], then col2im adds the columns back into the image.
 */
export function conv2dInputGradForward(dy: Tensor, w: Tensor, spec: ConvSpec, xShape: readonly number[]): Tensor {
  const q = plan(xShape, w.shape, spec, dy.dtype);
  const dx = empty(xShape.slice(), dy.dtype, 'conv2dInputGrad');
  if (dx.size === 0) return dx;
  fillZero(dx);
  if (q.k === 0 || q.p === 0 || q.coutg === 0) return dx;
  const run = (cols: number) => {
    for (let b = 0; b < q.n; b++) {
      for (let g = 0; g < spec.groups; g++) {
        const dxg = dx._ptr + (b * q.cin + g * q.cg) * q.h * q.w * q.bytes;
        const wg = w._ptr + g * q.coutg * q.k * q.bytes;
        const dyg = dy._ptr + (b * q.cout + g * q.coutg) * q.p * q.bytes;
        q.matmul(wg, dyg, q.direct ? dxg : cols, q.k, q.p, q.coutg, 1, 0);
        if (!q.direct) runIm2col(q, spec, q.col2im, cols, dxg);
      }
    }
  };
  try {
    if (q.direct) run(0);
    else withBuffer('conv2dInputGrad', q.k * q.p * q.bytes, run);
  } catch (error) {
    dx.dispose();
    throw error;
  }
  return dx;
}

/**
 * The gradient of conv2d for w (a convolution of x with dy):
 * dW_g = sum over images b of dy[b, g-block] @ cols(x[b, g-block])^T.
 */
export function conv2dWeightGradForward(x: Tensor, dy: Tensor, spec: ConvSpec, wShape: readonly number[]): Tensor {
  const q = plan(x.shape, wShape, spec, x.dtype);
  const dw = empty(wShape.slice(), x.dtype, 'conv2dWeightGrad');
  if (dw.size === 0) return dw;
  if (q.n === 0 || q.p === 0) {
    fillZero(dw);
    return dw;
  }
  const axpy = kernelFor<Axpy>('axpy', x.dtype);
  const blockBytes = q.coutg * q.k * q.bytes;
  const run = (scratch: number) => {
    const cols = scratch;
    const tmp = scratch + (q.direct ? 0 : q.k * q.p * q.bytes);
    for (let b = 0; b < q.n; b++) {
      for (let g = 0; g < spec.groups; g++) {
        const xg = x._ptr + (b * q.cin + g * q.cg) * q.h * q.w * q.bytes;
        if (!q.direct) runIm2col(q, spec, q.im2col, xg, cols);
        const dyg = dy._ptr + (b * q.cout + g * q.coutg) * q.p * q.bytes;
        const dwg = dw._ptr + g * blockBytes;
        // The first image writes its block; the others add theirs.
        q.matmul(dyg, q.direct ? xg : cols, b === 0 ? dwg : tmp, q.coutg, q.k, q.p, 0, 1);
        if (b > 0) axpy(1, tmp, dwg, q.coutg * q.k);
      }
    }
  };
  try {
    withBuffer('conv2dWeightGrad', (q.direct ? 0 : q.k * q.p * q.bytes) + blockBytes, run);
  } catch (error) {
    dw.dispose();
    throw error;
  }
  return dw;
}

// ---------------------------------------------------------------------------
// Pooling

/** Window size and its ConvSpec (groups unused). */
export interface PoolSpec extends ConvSpec {
  readonly kh: number;
  readonly kw: number;
}

export function poolOutShape(xShape: readonly number[], spec: PoolSpec): number[] {
  return [
    xShape[0], xShape[1],
    outLength(xShape[2], spec.kh, spec.sh, spec.ph, spec.dh),
    outLength(xShape[3], spec.kw, spec.sw, spec.pw, spec.dw),
  ];
}

type PoolKernel = (
  x: number, out: number, planes: number, h: number, w: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, ho: number, wo: number,
) => void;

export function maxPoolForward(x: Tensor, spec: PoolSpec): Tensor {
  const outShape = poolOutShape(x.shape, spec);
  const out = empty(outShape, x.dtype, 'maxPool2d');
  if (out.size === 0) return out;
  const [n, c, h, w] = x.shape;
  kernelFor<PoolKernel>('maxpool2d', x.dtype)(
    x._ptr, out._ptr, n * c, h, w, spec.kh, spec.kw, spec.sh, spec.sw, spec.ph, spec.pw, spec.dh, spec.dw, outShape[2], outShape[3],
  );
  return out;
}

type PoolIndexKernel = (
  src: number, x: number, y: number, out: number, planes: number, h: number, w: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, dh: number, dw: number, ho: number, wo: number,
) => void;

/**
 * Through the position of each window's maximum, found again from x and the
 * pooled y (the first tap equal to y, in row-major window order), so nothing
 * is held between the forward and backward passes. 'scatter' adds src
 * [n, c, ho, wo] at those positions into zeros of x's shape; 'gather' reads
 * src (x's shape) at them.
 */
export function maxPoolIndexed(mode: 'scatter' | 'gather', src: Tensor, x: Tensor, y: Tensor, spec: PoolSpec): Tensor {
  const out = empty(mode === 'scatter' ? x.shape.slice() : y.shape.slice(), src.dtype, mode === 'scatter' ? 'maxPool2dBackward' : 'maxPool2dGather');
  if (out.size === 0) return out;
  const [n, c, h, w] = x.shape;
  kernelFor<PoolIndexKernel>(`maxpool2d_${mode}`, src.dtype)(
    src._ptr, x._ptr, y._ptr, out._ptr, n * c, h, w, spec.kh, spec.kw, spec.sh, spec.sw, spec.ph, spec.pw, spec.dh, spec.dw, y.shape[2], y.shape[3],
  );
  return out;
}

type AvgKernel = (
  a: number, b: number, planes: number, h: number, w: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, ho: number, wo: number,
) => void;

export function avgPoolForward(x: Tensor, spec: PoolSpec): Tensor {
  const outShape = poolOutShape(x.shape, spec);
  const out = empty(outShape, x.dtype, 'avgPool2d');
  if (out.size === 0) return out;
  const [n, c, h, w] = x.shape;
  kernelFor<AvgKernel>('avgpool2d', x.dtype)(x._ptr, out._ptr, n * c, h, w, spec.kh, spec.kw, spec.sh, spec.sw, spec.ph, spec.pw, outShape[2], outShape[3]);
  return out;
}

export function avgPoolBackwardForward(dy: Tensor, spec: PoolSpec, xShape: readonly number[]): Tensor {
  const dx = empty(xShape.slice(), dy.dtype, 'avgPool2dBackward');
  if (dx.size === 0) return dx;
  const [n, c, h, w] = xShape;
  kernelFor<AvgKernel>('avgpool2d_backward', dy.dtype)(dy._ptr, dx._ptr, n * c, h, w, spec.kh, spec.kw, spec.sh, spec.sw, spec.ph, spec.pw, dy.shape[2], dy.shape[3]);
  return dx;
}

// ---------------------------------------------------------------------------
// Embedding

export function embeddingForward(table: Tensor, ids: IntList): Tensor {
  const d = table.shape[1];
  const out = empty([...ids.shape, d], table.dtype, 'embedding');
  if (out.size === 0) return out;
  try {
    withInts('embedding', ids.data, (ptr) =>
      kernelFor<(t: number, ids: number, out: number, count: number, d: number) => void>('embedding_gather', table.dtype)(
        table._ptr, ptr, out._ptr, ids.data.length, d,
      ),
    );
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/** dy [...ids.shape, d] added row by row into zeros [v, d]: repeated ids accumulate. */
export function embeddingScatterForward(dy: Tensor, ids: IntList, v: number): Tensor {
  const d = dy.shape[dy.ndim - 1];
  const out = empty([v, d], dy.dtype, 'embeddingBackward');
  if (out.size === 0) return out;
  if (ids.data.length === 0) {
    fillZero(out);
    return out;
  }
  try {
    withInts('embeddingBackward', ids.data, (ptr) =>
      kernelFor<(src: number, ids: number, out: number, count: number, v: number, d: number) => void>('embedding_scatter_add', dy.dtype)(
        dy._ptr, ptr, out._ptr, ids.data.length, v, d,
      ),
    );
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}
