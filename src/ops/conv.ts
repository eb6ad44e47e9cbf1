// 2-d convolution and pooling over NCHW images. conv2d and its two
// gradients are bilinear and adjoint to each other, and each pooling op and
// its gradient likewise, so every gradient is differentiable to any order.
// Convolutions run as im2col + matrix products, one image at a time, in
// kernels that take a range of images (assembly/nn.ts, on assembly/gemm.ts),
// so that the worker pool can share a batch between threads.

import { Tensor, empty } from '../runtime/tensor';
import type { DType } from '../runtime/dtype';
import { kernel, kernelFor } from '../wasm/index';
import { grainFor, runParallel, threadsFor } from '../wasm/pool';
import { allocBytes, freeBytes } from '../runtime/storage';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { shapeString } from '../runtime/shape';
import { checkTensor } from './args';
import { custom, op } from './define';
import { fill, suffix, writeInts } from './kernels';
import { raw } from './raw';

const bytesOf = (dtype: DType): number => (dtype === 'float32' ? 4 : 8);

/** Runs `fn` with a temporary buffer of `bytes` bytes in wasm memory. */
function withBuffer<T>(op: string, bytes: number, fn: (ptr: number) => T): T {
  const ptr = allocBytes(bytes, op);
  try {
    return fn(ptr);
  } finally {
    freeBytes(ptr, bytes);
  }
}

function optionsObject(op: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${op}: options must be an object, got ${describe(options)}`);
  }
  return options as Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// Convolution geometry and kernels

/** The hyper-parameters of one convolution (or pooling), per spatial axis. */
interface ConvSpec {
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
  readonly groups: number;
}

/** A number or [h, w] pair of integers >= `min`, as [h, w]. */
function pairOf(op: string, name: string, v: unknown, min: number): [number, number] {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min;
  if (ok(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  throw new ArgumentError(
    `${op}: ${name} must be an integer >= ${min} or an [h, w] pair of them, got ` +
      (Array.isArray(v) ? `[${v.map(String).join(', ')}]` : describe(v)),
  );
}

/** Output length of a strided, padded, dilated window over `n` inputs (may be <= 0). */
function outLength(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/** Everything a convolution's kernels need to know, from x [n, cin, h, w] and w [cout, cg, kh, kw]. */
interface ConvPlan {
  n: number; cout: number; coutg: number;
  /** rows of the column matrix of one image and group (cg * kh * kw), and its columns (ho * wo) */
  k: number; p: number;
  ho: number; wo: number;
  /** 1x1, stride 1, no padding: the image itself is the column matrix */
  direct: boolean;
  bytes: number;
  /** the geometry block the kernels read (assembly/nn.ts), in the kernels' int scratch */
  geometry: number;
}

function plan(xShape: readonly number[], wShape: readonly number[], spec: ConvSpec, dtype: DType): ConvPlan {
  const [n, cin, h, w] = xShape;
  const [cout, cg, kh, kw] = wShape;
  const ho = outLength(h, kh, spec.sh, spec.ph, spec.dh);
  const wo = outLength(w, kw, spec.sw, spec.pw, spec.dw);
  const coutg = cout / spec.groups;
  const [geometry] = writeInts([n, cin, h, w, cout, cg, coutg, kh, kw, spec.sh, spec.sw, spec.ph, spec.pw, spec.dh, spec.dw, ho, wo, spec.groups]);
  return {
    n, cout, coutg, k: cg * kh * kw, p: ho * wo, ho, wo,
    direct: kh === 1 && kw === 1 && spec.sh === 1 && spec.sw === 1 && spec.ph === 0 && spec.pw === 0,
    bytes: bytesOf(dtype),
    geometry,
  };
}

/** ns per flop of the products, to decide whether a convolution is worth the worker pool (see src/wasm/threaded.ts). */
const nsPerFlop = (dtype: DType) => (dtype === 'float64' ? 0.06 : 0.03);

/**
 * Runs a convolution kernel of assembly/nn.ts over `units` independent units
 * (images, or parts of the batch): `kernel(...args, scratch, grain, lo, hi)`
 * handles units lo .. hi with `chunkBytes` of scratch of its own (the
 * block of chunk lo / grain). On the worker pool when the work (`flops`)
 * pays for it, each thread taking chunks of units; the units are
 * independent, so the result does not depend on who ran which.
 */
function byUnits(op: string, name: string, dtype: DType, args: number[], units: number, flops: number, chunkBytes: number): void {
  const threads = threadsFor(flops * nsPerFlop(dtype));
  const grain = threads > 1 ? grainFor(units, threads, 1) : units;
  withBuffer(op, Math.max(8, chunkBytes * Math.ceil(units / grain)), (scratch) => {
    if (threads > 1) runParallel({ kernel: `${name}_${suffix(dtype)}`, args: [...args, scratch, grain], range: true, units, grain });
    else kernel<(...a: number[]) => void>(`${name}_${suffix(dtype)}`)(...args, scratch, grain, 0, units);
  });
}

/**
 * y[b, group] = W_g [coutg, k] @ cols(x[b, group]) [k, p] for every image b
 * and group g (assembly/nn.ts: conv2d_forward), images shared by threads.
 */
function conv2dForward(x: Tensor, w: Tensor, spec: ConvSpec): Tensor {
  const out = empty([x.shape[0], w.shape[0], outLength(x.shape[2], w.shape[2], spec.sh, spec.ph, spec.dh), outLength(x.shape[3], w.shape[3], spec.sw, spec.pw, spec.dw)], x.dtype, 'conv2d');
  if (out.size === 0) return out;
  try {
    const q = plan(x.shape, w.shape, spec, x.dtype);
    if (q.k === 0) fill(out, 0);
    else byUnits('conv2d', 'conv2d_forward', x.dtype, [q.geometry, x._ptr, w._ptr, out._ptr], q.n, 2 * q.n * q.cout * q.k * q.p, q.direct ? 0 : q.k * q.p * q.bytes);
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/**
 * The gradient of conv2d for x (a transposed convolution of dy with w):
 * cols = W_g^T @ dy[b, group], then col2im adds the columns back into the
 * image (assembly/nn.ts: conv2d_input_grad), images shared by threads.
 */
function conv2dInputGradForward(dy: Tensor, w: Tensor, spec: ConvSpec, xShape: readonly number[]): Tensor {
  const dx = empty(xShape.slice(), dy.dtype, 'conv2dInputGrad');
  if (dx.size === 0) return dx;
  try {
    const q = plan(xShape, w.shape, spec, dy.dtype);
    if (q.k === 0 || q.p === 0 || q.coutg === 0) fill(dx, 0);
    else byUnits('conv2dInputGrad', 'conv2d_input_grad', dy.dtype, [q.geometry, dy._ptr, w._ptr, dx._ptr], q.n, 2 * q.n * q.cout * q.k * q.p, q.direct ? 0 : q.k * q.p * q.bytes);
  } catch (error) {
    dx.dispose();
    throw error;
  }
  return dx;
}

/** The most parts the batch is cut into for the filters' gradient, and the bytes their partial sums may take. */
const MAX_PARTS = 16;
const PARTS_BYTES = 8 * 1024 * 1024;

/**
 * The gradient of conv2d for w (a convolution of x with dy): dW_g = Σ over
 * images b of dy[b, group] @ cols(x[b, group])^T. The sum over the batch is
 * cut into parts fixed by the shapes alone (not by the number of threads):
 * each part sums its images (assembly/nn.ts: conv2d_weight_grad, parts
 * shared by threads), then the parts are added in order, so every thread
 * count gives the same bits.
 */
function conv2dWeightGradForward(x: Tensor, dy: Tensor, spec: ConvSpec, wShape: readonly number[]): Tensor {
  const dw = empty(wShape.slice(), x.dtype, 'conv2dWeightGrad');
  if (dw.size === 0) return dw;
  try {
    const q = plan(x.shape, wShape, spec, x.dtype);
    if (q.n === 0 || q.p === 0) {
      fill(dw, 0);
      return dw;
    }
    const partBytes = dw.size * q.bytes;
    const parts = Math.max(1, Math.min(q.n, MAX_PARTS, Math.floor(PARTS_BYTES / partBytes)));
    const per = Math.ceil(q.n / parts);
    const used = Math.ceil(q.n / per);
    const chunkBytes = (q.direct ? 0 : q.k * q.p * q.bytes) + q.coutg * q.k * q.bytes;
    const run = (partials: number) =>
      byUnits('conv2dWeightGrad', 'conv2d_weight_grad', x.dtype, [q.geometry, x._ptr, dy._ptr, partials, per], used, 2 * q.n * q.cout * q.k * q.p, chunkBytes);
    if (used === 1) run(dw._ptr);
    else {
      withBuffer('conv2dWeightGrad', used * partBytes, (partials) => {
        run(partials);
        kernelFor<(partials: number, dw: number, parts: number, len: number) => void>('conv2d_weight_grad_sum', x.dtype)(partials, dw._ptr, used, dw.size);
      });
    }
  } catch (error) {
    dw.dispose();
    throw error;
  }
  return dw;
}

// ---------------------------------------------------------------------------
// Convolution

/** Options of `conv2d`; each spatial option is a number or an [h, w] pair. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly [number, number];
  /** Zeros added on each side (default 0). */
  padding?: number | readonly [number, number];
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly [number, number];
  /** Channel groups (default 1): groups = Cin is a depthwise convolution. */
  groups?: number;
}

type Spec3 = [Tensor, Tensor, ConvSpec];
type Spec4 = [Tensor, Tensor, ConvSpec, number[]];
const trusted4 = custom((_op: string, a: Tensor, b: Tensor, spec: ConvSpec, shape: number[]): Spec4 => [a, b, spec, shape]);

// conv2d (below) and its two gradients are bilinear and adjoint to each other:
//   <conv2d(x, w), dy> = <x, inputGrad(dy, w)> = <w, weightGrad(x, dy)>,
// so each one's rules are the other two.
const inputGrad = op({ name: 'conv2dInputGrad', internal: true, args: trusted4, forward: conv2dInputGradForward }).grads(
  (g, _y, _dy, w, spec) => raw.conv2d(g, w, spec),
  (g, _y, dy, w, spec) => weightGrad(g, dy, spec, w.shape.slice()),
  null,
  null,
);

const weightGrad = op({ name: 'conv2dWeightGrad', internal: true, args: trusted4, forward: conv2dWeightGradForward }).grads(
  (g, _y, x, dy, spec) => inputGrad(dy, g, spec, x.shape.slice()),
  (g, _y, x, _dy, spec) => raw.conv2d(x, g, spec),
  null,
  null,
);

function conv2dArgs(op: string, x: Tensor, w: Tensor, options?: Conv2dOptions): Spec3 {
  checkTensor(op, x, 'x');
  checkTensor(op, w, 'w');
  const o = optionsObject(op, options);
  if (x.ndim !== 4) throw new ShapeError(`${op}: x must be a batch of images [N, Cin, H, W], got shape ${shapeString(x.shape)}`);
  if (w.ndim !== 4) throw new ShapeError(`${op}: w must be filters [Cout, Cin/groups, kh, kw], got shape ${shapeString(w.shape)}`);
  if (x.dtype !== w.dtype) throw new DTypeError(`${op}: x is ${x.dtype} but w is ${w.dtype}; cast one with ag.cast(x, dtype) first`);
  const [sh, sw] = pairOf(op, 'stride', o.stride ?? 1, 1);
  const [ph, pw] = pairOf(op, 'padding', o.padding ?? 0, 0);
  const [dh, dw] = pairOf(op, 'dilation', o.dilation ?? 1, 1);
  const groups = o.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new ArgumentError(`${op}: groups must be a positive integer, got ${describe(groups)}`);
  }
  const [, cin, h, wd] = x.shape;
  const [cout, cg, kh, kw] = w.shape;
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new ShapeError(`${op}: groups ${groups} must divide both Cin ${cin} (x ${shapeString(x.shape)}) and Cout ${cout} (w ${shapeString(w.shape)})`);
  }
  if (cg !== cin / groups) {
    throw new ShapeError(
      `${op}: w ${shapeString(w.shape)} must have Cin/groups = ${cin}/${groups} = ${cin / groups} input channels (axis 1) for x ${shapeString(x.shape)}, got ${cg}`,
    );
  }
  if (kh < 1 || kw < 1) throw new ShapeError(`${op}: the kernel size must be at least 1x1, got w ${shapeString(w.shape)}`);
  const ho = outLength(h, kh, sh, ph, dh);
  const wo = outLength(wd, kw, sw, pw, dw);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(
      `${op}: the input ${h}x${wd} (padded by ${ph}x${pw}) is smaller than the dilated kernel ` +
        `${dh * (kh - 1) + 1}x${dw * (kw - 1) + 1}: the output would be ${ho}x${wo}`,
    );
  }
  return [x, w, { sh, sw, ph, pw, dh, dw, groups }];
}

/**
 * 2-d cross-correlation (a deep-learning "convolution") of images x [N, Cin,
 * H, W] (NCHW) with filters w [Cout, Cin/groups, kh, kw], giving [N, Cout,
 * Ho, Wo] with Ho = floor((H + 2 padding − dilation (kh − 1) − 1) / stride)
 * + 1 (likewise Wo). `stride`, `padding` and `dilation` are numbers or [h, w]
 * pairs; `groups` splits the channels (groups = Cin is depthwise). There is
 * no bias: add one with `ag.add(y, ag.reshape(b, [1, Cout, 1, 1]))`.
 * Computed as im2col + matrix products; the gradients are a transposed
 * convolution (for x) and a convolution of x with dy (for w), themselves
 * differentiable to any order.
 *
 * @example
 * const x = ag.randn([1, 3, 28, 28]);
 * const w = ag.randn([8, 3, 3, 3]);
 * ag.conv2d(x, w, { padding: 1 }).shape;   // [1, 8, 28, 28]
 * ag.conv2d(x, w, { stride: 2 }).shape;    // [1, 8, 13, 13]
 */
export const conv2d = op({ name: 'conv2d', args: custom(conv2dArgs), forward: (x, w, spec) => conv2dForward(x, w, spec) }).grads(
  (dy, _y, x, w, spec) => inputGrad(dy, w, spec, x.shape.slice()),
  (dy, _y, x, w, spec) => weightGrad(x, dy, spec, w.shape.slice()),
  null,
);

// ---------------------------------------------------------------------------
// Pooling

/** Window size and its ConvSpec (groups unused). */
interface PoolSpec extends ConvSpec {
  readonly kh: number;
  readonly kw: number;
}

function poolOutShape(xShape: readonly number[], spec: PoolSpec): number[] {
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

function maxPoolForward(x: Tensor, spec: PoolSpec): Tensor {
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
function maxPoolIndexed(mode: 'scatter' | 'gather', src: Tensor, x: Tensor, y: Tensor, spec: PoolSpec): Tensor {
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

function avgPoolForward(x: Tensor, spec: PoolSpec): Tensor {
  const outShape = poolOutShape(x.shape, spec);
  const out = empty(outShape, x.dtype, 'avgPool2d');
  if (out.size === 0) return out;
  const [n, c, h, w] = x.shape;
  kernelFor<AvgKernel>('avgpool2d', x.dtype)(x._ptr, out._ptr, n * c, h, w, spec.kh, spec.kw, spec.sh, spec.sw, spec.ph, spec.pw, outShape[2], outShape[3]);
  return out;
}

function avgPoolBackwardForward(dy: Tensor, spec: PoolSpec, xShape: readonly number[]): Tensor {
  const dx = empty(xShape.slice(), dy.dtype, 'avgPool2dBackward');
  if (dx.size === 0) return dx;
  const [n, c, h, w] = xShape;
  kernelFor<AvgKernel>('avgpool2d_backward', dy.dtype)(dy._ptr, dx._ptr, n * c, h, w, spec.kh, spec.kw, spec.sh, spec.sw, spec.ph, spec.pw, dy.shape[2], dy.shape[3]);
  return dx;
}

type PoolArgs = [Tensor, PoolSpec];
type Indexed = [Tensor, Tensor, Tensor, PoolSpec];
const trustedIndexed = custom((_op: string, src: Tensor, x: Tensor, y: Tensor, spec: PoolSpec): Indexed => [src, x, y, spec]);

// maxPool2d's gradient scatters dy to each window's argmax (found again from
// x and the pooled y); the transpose of that scatter is a gather from the
// same positions, and the other way round. The positions are locally
// constant in x, so x and y get no second-order term (null rules).
const maxPoolScatter = op({
  name: 'maxPool2dBackward', internal: true, args: trustedIndexed,
  forward: (dy, x, y, spec) => maxPoolIndexed('scatter', dy, x, y, spec),
}).grads((g, _dx, _dy, x, y, spec) => maxPoolGather(g, x, y, spec), null, null, null);

const maxPoolGather = op({
  name: 'maxPool2dGather', internal: true, args: trustedIndexed,
  forward: (g, x, y, spec) => maxPoolIndexed('gather', g, x, y, spec),
}).grads((h, _out, _g, x, y, spec) => maxPoolScatter(h, x, y, spec), null, null, null);

// avgPool2d is linear: its gradient spreads dy / area over each window, and
// the gradient of that is avgPool2d again.
const avgPoolBackward = op({
  name: 'avgPool2dBackward', internal: true,
  args: custom((_op: string, dy: Tensor, spec: PoolSpec, xShape: number[]): [Tensor, PoolSpec, number[]] => [dy, spec, xShape]),
  forward: avgPoolBackwardForward,
}).grads((g, _y, _dy, spec) => raw.avgPool2d(g, spec), null, null);

/** Options of `maxPool2d`; each is a number or an [h, w] pair. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Implicit -Infinity padding on each side, at most half the kernel (default 0). */
  padding?: number | readonly [number, number];
  /** Spacing between window taps (default 1). */
  dilation?: number | readonly [number, number];
}

/** Options of `avgPool2d`; each is a number or an [h, w] pair. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | readonly [number, number];
  /** Zero padding on each side, at most half the kernel (default 0); the zeros count in the average. */
  padding?: number | readonly [number, number];
}

function poolSpec(op: string, x: Tensor, kernel: unknown, options: unknown, dilated: boolean): PoolSpec {
  checkTensor(op, x);
  const o = optionsObject(op, options);
  if (x.ndim !== 4) throw new ShapeError(`${op}: x must be a batch of images [N, C, H, W], got shape ${shapeString(x.shape)}`);
  const [kh, kw] = pairOf(op, 'kernel', kernel, 1);
  const [sh, sw] = pairOf(op, 'stride', o.stride ?? [kh, kw], 1);
  const [ph, pw] = pairOf(op, 'padding', o.padding ?? 0, 0);
  const [dh, dw] = dilated ? pairOf(op, 'dilation', o.dilation ?? 1, 1) : [1, 1];
  if (!dilated && o.dilation !== undefined) throw new ArgumentError(`${op}: dilation is not supported (only maxPool2d takes it)`);
  if (ph > Math.floor(kh / 2) || pw > Math.floor(kw / 2)) {
    throw new ArgumentError(`${op}: padding ${ph}x${pw} must be at most half the kernel ${kh}x${kw}`);
  }
  const spec: PoolSpec = { kh, kw, sh, sw, ph, pw, dh, dw, groups: 1 };
  const [, , ho, wo] = poolOutShape(x.shape, spec);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(
      `${op}: the input ${x.shape[2]}x${x.shape[3]} (padded by ${ph}x${pw}) is smaller than the ` +
        `${dilated ? 'dilated ' : ''}window ${dh * (kh - 1) + 1}x${dw * (kw - 1) + 1}: the output would be ${ho}x${wo}`,
    );
  }
  return spec;
}

/**
 * The maximum of each kernel window of images x [N, C, H, W] (`kernel`,
 * `stride` — default the kernel —, `padding` and `dilation` are numbers or
 * [h, w] pairs; padding never wins). The gradient goes to the position of
 * each window's maximum; on ties, to the first one in row-major window order
 * (as PyTorch), and a NaN in a window wins and propagates. The backward pass
 * finds those positions again from x and the result, so no index buffer is
 * held between the passes.
 *
 * @example
 * const x = ag.tensor([[[[1, 2], [3, 4]]]]);
 * ag.maxPool2d(x, 2).toArray(); // [[[[4]]]]
 */
export const maxPool2d = op({
  name: 'maxPool2d',
  args: custom((op: string, x: Tensor, kernel: number | readonly [number, number], options?: MaxPool2dOptions): PoolArgs => [x, poolSpec(op, x, kernel, options, true)]),
  forward: maxPoolForward,
}).grads((dy, y, x, spec) => maxPoolScatter(dy, x, y, spec), null);

/**
 * The mean of each kernel window of images x [N, C, H, W] (`kernel`,
 * `stride` — default the kernel — and `padding` are numbers or [h, w]
 * pairs). Padding zeros count in the mean: every window is divided by kh·kw,
 * like PyTorch's count_include_pad=True. The gradient spreads dy / (kh·kw)
 * over each window.
 *
 * @example
 * const x = ag.tensor([[[[1, 2], [3, 4]]]]);
 * ag.avgPool2d(x, 2).toArray(); // [[[[2.5]]]]
 */
export const avgPool2d = op({
  name: 'avgPool2d',
  args: custom((op: string, x: Tensor, kernel: number | readonly [number, number], options?: AvgPool2dOptions): PoolArgs => [x, poolSpec(op, x, kernel, options, false)]),
  forward: avgPoolForward,
}).grads((dy, _y, x, spec) => avgPoolBackward(dy, spec, x.shape.slice()), null);
