// Kernels for src/ops/nn.ts: softmax / log-softmax along an axis, the fused
// cross-entropy and NLL losses for integer labels, im2col / col2im for
// convolutions (the products themselves go through matmul.ts), 2-d pooling
// and embedding gather / scatter-add. Layout is row-major; an "axis" is seen
// as [outer, n, inner]; images are NCHW, so one (n, c) plane is [h, w].

import { addRun, copyRun, fillRun } from "./simd";
import { matmul } from "./gemm";

// ---------------------------------------------------------------------------
// Scalar helpers: float32 data is computed with Mathf, float64 with Math.

@inline function expT<T>(v: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.exp(<f32>v);
  return <T>Math.exp(<f64>v);
}

@inline function logT<T>(v: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.log(<f32>v);
  return <T>Math.log(<f64>v);
}

@inline function isNaNT<T>(v: T): bool {
  return v != v;
}

// ---------------------------------------------------------------------------
// softmax and log-softmax along the middle axis of [outer, n, inner].
// Stable: the maximum of each slice is subtracted before exponentiating, so
// logits of 1000 give finite results. A NaN anywhere in a slice makes the
// whole slice NaN.

@inline function softmaxBody<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32, logMode: bool): void {
  const shift = alignof<T>();
  const stride = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = (<usize>o * <usize>n * <usize>inner + <usize>i) << shift;
      const px = x + start;
      const po = out + start;
      let m = load<T>(px);
      for (let k = 1; k < n; k++) {
        const v = load<T>(px + <usize>k * stride);
        if (v > m || isNaNT<T>(v)) m = v;
      }
      let s: T = 0;
      if (logMode) {
        for (let k = 0; k < n; k++) s += expT<T>(load<T>(px + <usize>k * stride) - m);
        const shiftBy = m + logT<T>(s);
        for (let k = 0; k < n; k++) {
          const off = <usize>k * stride;
          store<T>(po + off, load<T>(px + off) - shiftBy);
        }
      } else {
        for (let k = 0; k < n; k++) {
          const off = <usize>k * stride;
          const e = expT<T>(load<T>(px + off) - m);
          store<T>(po + off, e);
          s += e;
        }
        const r: T = <T>1 / s;
        for (let k = 0; k < n; k++) {
          const off = <usize>k * stride;
          store<T>(po + off, load<T>(po + off) * r);
        }
      }
    }
  }
}

export function softmax_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { softmaxBody<f32>(x, out, outer, n, inner, false); }
export function softmax_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { softmaxBody<f64>(x, out, outer, n, inner, false); }
export function log_softmax_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { softmaxBody<f32>(x, out, outer, n, inner, true); }
export function log_softmax_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { softmaxBody<f64>(x, out, outer, n, inner, true); }

// ---------------------------------------------------------------------------
// Losses over rows of z [rows, c] with one int32 label per row.

// sum over rows of logsumexp(z[r]) - z[r, label[r]] (the caller divides by rows).
@inline function crossEntropyBody<T>(z: usize, labels: usize, rows: i32, c: i32): f64 {
  const shift = alignof<T>();
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const row = z + ((<usize>r * <usize>c) << shift);
    let m = load<T>(row);
    for (let k = 1; k < c; k++) {
      const v = load<T>(row + (<usize>k << shift));
      if (v > m || isNaNT<T>(v)) m = v;
    }
    let s: T = 0;
    for (let k = 0; k < c; k++) s += expT<T>(load<T>(row + (<usize>k << shift)) - m);
    const label = load<i32>(labels + (<usize>r << 2));
    total += <f64>(m + logT<T>(s) - load<T>(row + (<usize>label << shift)));
  }
  return total;
}

export function cross_entropy_f32(z: usize, labels: usize, rows: i32, c: i32): f64 { return crossEntropyBody<f32>(z, labels, rows, c); }
export function cross_entropy_f64(z: usize, labels: usize, rows: i32, c: i32): f64 { return crossEntropyBody<f64>(z, labels, rows, c); }

// sum over rows of logp[r, label[r]].
@inline function pickSumBody<T>(logp: usize, labels: usize, rows: i32, c: i32): f64 {
  const shift = alignof<T>();
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const label = load<i32>(labels + (<usize>r << 2));
    total += <f64>load<T>(logp + ((<usize>r * <usize>c + <usize>label) << shift));
  }
  return total;
}

export function nn_pick_sum_f32(logp: usize, labels: usize, rows: i32, c: i32): f64 { return pickSumBody<f32>(logp, labels, rows, c); }
export function nn_pick_sum_f64(logp: usize, labels: usize, rows: i32, c: i32): f64 { return pickSumBody<f64>(logp, labels, rows, c); }

// out[r, :] = 0 except out[r, label[r]] = value: a scaled one-hot matrix.
@inline function oneHotBody<T>(labels: usize, out: usize, rows: i32, c: i32, value: f64): void {
  const shift = alignof<T>();
  memory.fill(out, 0, (<usize>rows * <usize>c) << shift);
  for (let r = 0; r < rows; r++) {
    const label = load<i32>(labels + (<usize>r << 2));
    store<T>(out + ((<usize>r * <usize>c + <usize>label) << shift), <T>value);
  }
}

export function nn_one_hot_f32(labels: usize, out: usize, rows: i32, c: i32, value: f64): void { oneHotBody<f32>(labels, out, rows, c, value); }
export function nn_one_hot_f64(labels: usize, out: usize, rows: i32, c: i32, value: f64): void { oneHotBody<f64>(labels, out, rows, c, value); }

// ---------------------------------------------------------------------------
// im2col / col2im for one image (and one group of channels).
// x is [c, h, w]; cols is [c * kh * kw, ho * wo] with row (ci, i, j) and
// column (oh, ow) holding x[ci, oh*sh - ph + i*dh, ow*sw - pw + j*dw], or 0
// where that falls in the padding. col2im adds cols back into x (its
// transpose); the caller zeroes x first.

// The output columns ow whose input column ow*sw + off lies in [0, w): [lo, hi).
@inline function validLo(off: i32, sw: i32, wo: i32): i32 {
  const lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
  return min(lo, wo);
}

@inline function validHi(off: i32, sw: i32, w: i32, wo: i32): i32 {
  const last = w - 1 - off;
  const hi = last < 0 ? 0 : last / sw + 1;
  return min(hi, wo);
}

// One body for both directions: im2col writes cols (zeros where the window
// falls in the padding), col2im (`back`) adds cols into x.
@inline function im2colBody<T>(
  x: usize, cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32, back: bool,
): void {
  const shift = alignof<T>();
  const p = <usize>ho * <usize>wo;
  let row: usize = 0;
  for (let ci = 0; ci < c; ci++) {
    const plane = x + ((<usize>ci * <usize>h * <usize>w) << shift);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const block = cols + ((row * p) << shift);
        const off = j * dw - pw;
        const lo = validLo(off, sw, wo);
        const hi = max(validHi(off, sw, w, wo), lo);
        for (let oh = 0; oh < ho; oh++) {
          const crow = block + ((<usize>oh * <usize>wo) << shift);
          const ih = oh * sh - ph + i * dh;
          if (ih < 0 || ih >= h) {
            if (!back) fillRun<T>(crow, wo, 0);
            continue;
          }
          const xrow = plane + ((<usize>ih * <usize>w) << shift);
          if (!back) fillRun<T>(crow, lo, 0);
          if (sw == 1) {
            const xs = xrow + (<usize>(lo + off) << shift);
            const cs = crow + (<usize>lo << shift);
            if (back) addRun<T>(xs, cs, hi - lo);
            else copyRun<T>(cs, xs, hi - lo);
          } else {
            for (let ow = lo; ow < hi; ow++) {
              const px = xrow + (<usize>(ow * sw + off) << shift);
              const pc = crow + (<usize>ow << shift);
              if (back) store<T>(px, load<T>(px) + load<T>(pc));
              else store<T>(pc, load<T>(px));
            }
          }
          if (!back) fillRun<T>(crow + (<usize>hi << shift), wo - hi, 0);
        }
        row++;
      }
    }
  }
}

// (one function per dtype, shared by the kernels below and the convolutions)
function im2colRun<T>(
  x: usize, cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32, back: bool,
): void {
  im2colBody<T>(x, cols, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, back);
}

export function im2col_f32(x: usize, cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  im2colRun<f32>(x, cols, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, false);
}
export function im2col_f64(x: usize, cols: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  im2colRun<f64>(x, cols, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, false);
}
export function col2im_f32(cols: usize, x: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  im2colRun<f32>(x, cols, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, true);
}
export function col2im_f64(cols: usize, x: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  im2colRun<f64>(x, cols, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, true);
}

// ---------------------------------------------------------------------------
// Convolutions, whole: for images lo .. hi of a batch, im2col of each image
// (and group) into a column block, then the product with the filters through
// matmul.ts, all in one call, so that the worker pool can hand each thread a
// range of images (src/ops/conv.ts). The geometry is an int32 block:

const G_N = 0, G_CIN = 1, G_H = 2, G_W = 3, G_COUT = 4, G_CG = 5, G_COUTG = 6, G_KH = 7, G_KW = 8;
const G_SH = 9, G_SW = 10, G_PH = 11, G_PW = 12, G_DH = 13, G_DW = 14, G_HO = 15, G_WO = 16, G_GROUPS = 17;

@inline function geo(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

// 1x1 kernel, stride 1, no padding: the image is its own column matrix.
@inline function isDirect(g: usize): bool {
  return geo(g, G_KH) == 1 && geo(g, G_KW) == 1 && geo(g, G_SH) == 1 && geo(g, G_SW) == 1 && geo(g, G_PH) == 0 && geo(g, G_PW) == 0;
}

@inline function im2colAt<T>(g: usize, x: usize, cols: usize, back: bool): void {
  im2colRun<T>(
    x, cols, geo(g, G_CG), geo(g, G_H), geo(g, G_W), geo(g, G_KH), geo(g, G_KW),
    geo(g, G_SH), geo(g, G_SW), geo(g, G_PH), geo(g, G_PW), geo(g, G_DH), geo(g, G_DW), geo(g, G_HO), geo(g, G_WO), back,
  );
}

// y[b] for images lo .. hi: per group, W_g [coutg, k] @ cols(x[b, group]) [k, p].
// `cols` holds one column block (k * p) per chunk of `grain` images: the
// block of chunk lo / grain.
@inline function convForwardBody<T>(g: usize, x: usize, w: usize, y: usize, cols: usize, grain: i32, lo: i32, hi: i32): void {
  const shift = alignof<T>();
  const cin = geo(g, G_CIN), cout = geo(g, G_COUT), cg = geo(g, G_CG), coutg = geo(g, G_COUTG);
  const plane = <usize>geo(g, G_H) * <usize>geo(g, G_W);
  const k = cg * geo(g, G_KH) * geo(g, G_KW);
  const p = geo(g, G_HO) * geo(g, G_WO);
  const direct = isDirect(g);
  const block = cols + ((<usize>(lo / grain) * <usize>k * <usize>p) << shift);
  for (let b = lo; b < hi; b++) {
    for (let gr = 0; gr < geo(g, G_GROUPS); gr++) {
      const xg = x + ((<usize>(b * cin + gr * cg) * plane) << shift);
      if (!direct) im2colAt<T>(g, xg, block, false);
      const wg = w + ((<usize>(gr * coutg) * <usize>k) << shift);
      const yg = y + ((<usize>(b * cout + gr * coutg) * <usize>p) << shift);
      matmul<T>(wg, direct ? xg : block, yg, coutg, p, k, false, false);
    }
  }
}

// dx[b] for images lo .. hi (zeroed first): per group, cols = W_g^T @ dy[b, group],
// then col2im adds the columns back into the image.
@inline function convInputGradBody<T>(g: usize, dy: usize, w: usize, dx: usize, cols: usize, grain: i32, lo: i32, hi: i32): void {
  const shift = alignof<T>();
  const cin = geo(g, G_CIN), cout = geo(g, G_COUT), cg = geo(g, G_CG), coutg = geo(g, G_COUTG);
  const plane = <usize>geo(g, G_H) * <usize>geo(g, G_W);
  const k = cg * geo(g, G_KH) * geo(g, G_KW);
  const p = geo(g, G_HO) * geo(g, G_WO);
  const direct = isDirect(g);
  const block = cols + ((<usize>(lo / grain) * <usize>k * <usize>p) << shift);
  memory.fill(dx + ((<usize>lo * <usize>cin * plane) << shift), 0, (<usize>(hi - lo) * <usize>cin * plane) << shift);
  for (let b = lo; b < hi; b++) {
    for (let gr = 0; gr < geo(g, G_GROUPS); gr++) {
      const dxg = dx + ((<usize>(b * cin + gr * cg) * plane) << shift);
      const wg = w + ((<usize>(gr * coutg) * <usize>k) << shift);
      const dyg = dy + ((<usize>(b * cout + gr * coutg) * <usize>p) << shift);
      matmul<T>(wg, dyg, direct ? dxg : block, k, p, coutg, true, false);
      if (!direct) im2colAt<T>(g, dxg, block, true);
    }
  }
}

// The filters' gradient in parts: part q (q in lo .. hi) covers images
// q * per .. (q + 1) * per and gets Σ over them of dy[b, group] @ cols(x[b, group])^T,
// [cout, k] at partials + q * cout * k. The parts are fixed by the batch
// alone and summed in order afterwards (conv2d_weight_grad_sum), so the
// result is the same whichever thread computed which part. Scratch per
// chunk of `grain` parts: a column block (k * p) and a product (coutg * k).
@inline function convWeightGradBody<T>(g: usize, x: usize, dy: usize, partials: usize, per: i32, scratch: usize, grain: i32, lo: i32, hi: i32): void {
  const shift = alignof<T>();
  const n = geo(g, G_N), cin = geo(g, G_CIN), cout = geo(g, G_COUT), cg = geo(g, G_CG), coutg = geo(g, G_COUTG);
  const plane = <usize>geo(g, G_H) * <usize>geo(g, G_W);
  const k = cg * geo(g, G_KH) * geo(g, G_KW);
  const p = geo(g, G_HO) * geo(g, G_WO);
  const direct = isDirect(g);
  const colsBytes: usize = direct ? 0 : (<usize>k * <usize>p) << shift;
  const chunk = scratch + <usize>(lo / grain) * (colsBytes + ((<usize>coutg * <usize>k) << shift));
  const cols = chunk;
  const tmp = chunk + colsBytes;
  const partBytes = (<usize>cout * <usize>k) << shift;
  for (let q = lo; q < hi; q++) {
    const part = partials + <usize>q * partBytes;
    const b1 = min(n, (q + 1) * per);
    for (let b = q * per; b < b1; b++) {
      for (let gr = 0; gr < geo(g, G_GROUPS); gr++) {
        const xg = x + ((<usize>(b * cin + gr * cg) * plane) << shift);
        if (!direct) im2colAt<T>(g, xg, cols, false);
        const dyg = dy + ((<usize>(b * cout + gr * coutg) * <usize>p) << shift);
        const dwg = part + ((<usize>(gr * coutg) * <usize>k) << shift);
        // The first image of the part writes its block; the others add theirs.
        const first = b == q * per;
        matmul<T>(dyg, direct ? xg : cols, first ? dwg : tmp, coutg, k, p, false, true);
        if (!first) addRun<T>(dwg, tmp, coutg * k);
      }
    }
  }
}

// dw = Σ over q < parts of partials[q] (in order), each `len` elements.
@inline function sumPartsBody<T>(partials: usize, dw: usize, parts: i32, len: i32): void {
  const bytes = <usize>len << alignof<T>();
  copyRun<T>(dw, partials, len);
  for (let q = 1; q < parts; q++) addRun<T>(dw, partials + <usize>q * bytes, len);
}

export function conv2d_forward_f32(g: usize, x: usize, w: usize, y: usize, cols: usize, grain: i32, lo: i32, hi: i32): void { convForwardBody<f32>(g, x, w, y, cols, grain, lo, hi); }
export function conv2d_forward_f64(g: usize, x: usize, w: usize, y: usize, cols: usize, grain: i32, lo: i32, hi: i32): void { convForwardBody<f64>(g, x, w, y, cols, grain, lo, hi); }
export function conv2d_input_grad_f32(g: usize, dy: usize, w: usize, dx: usize, cols: usize, grain: i32, lo: i32, hi: i32): void { convInputGradBody<f32>(g, dy, w, dx, cols, grain, lo, hi); }
export function conv2d_input_grad_f64(g: usize, dy: usize, w: usize, dx: usize, cols: usize, grain: i32, lo: i32, hi: i32): void { convInputGradBody<f64>(g, dy, w, dx, cols, grain, lo, hi); }
export function conv2d_weight_grad_f32(g: usize, x: usize, dy: usize, partials: usize, per: i32, scratch: usize, grain: i32, lo: i32, hi: i32): void { convWeightGradBody<f32>(g, x, dy, partials, per, scratch, grain, lo, hi); }
export function conv2d_weight_grad_f64(g: usize, x: usize, dy: usize, partials: usize, per: i32, scratch: usize, grain: i32, lo: i32, hi: i32): void { convWeightGradBody<f64>(g, x, dy, partials, per, scratch, grain, lo, hi); }
export function conv2d_weight_grad_sum_f32(partials: usize, dw: usize, parts: i32, len: i32): void { sumPartsBody<f32>(partials, dw, parts, len); }
export function conv2d_weight_grad_sum_f64(partials: usize, dw: usize, parts: i32, len: i32): void { sumPartsBody<f64>(partials, dw, parts, len); }

// ---------------------------------------------------------------------------
// 2-d pooling over `planes` planes of [h, w] into [ho, wo].

// Max pooling. out gets each window's maximum (NaN if the window holds a
// NaN); padding never wins, and a window entirely in the padding gives
// -Infinity. Tap-major: for each output row, every tap (i, j) of the window
// sweeps the whole row of outputs with SIMD max (f32x4.max / f64x2.max,
// branch-free; scalar max and float select compile to branches in V8, which
// random data mispredicts).

// The taps t in [0, k) of a window starting at `base` (stride d between
// taps) that land inside [0, n): [tapLo, tapHi).
@inline function tapLo(base: i32, d: i32): i32 {
  if (base >= 0) return 0;
  return d == 1 ? -base : (-base + d - 1) / d;
}

@inline function tapHi(base: i32, d: i32, k: i32, n: i32): i32 {
  if (base >= n) return 0;
  return min(k, d == 1 ? n - base : (n - 1 - base) / d + 1);
}

// One vector of `16 / sizeof<T>()` elements read `stride` elements apart from p.
@inline function loadStrided<T>(p: usize, stride: i32): v128 {
  if (stride == 1) return v128.load(p);
  const step = <usize>stride << alignof<T>();
  if (sizeof<T>() == 4) {
    if (stride == 2) {
      return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
    }
    let v = f32x4.splat(load<f32>(p));
    v = f32x4.replace_lane(v, 1, load<f32>(p + step));
    v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
    return f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
  }
  return f64x2.replace_lane(f64x2.splat(load<f64>(p)), 1, load<f64>(p + step));
}

// The common 2x2 window with stride 2 (no padding, no dilation): a pass of
// SIMD maxima over pairs of rows, and for the gradient a pass that writes
// every input position at once, dy where the window's first maximum is and
// 0 elsewhere (no zeroing, no scatter), with the rule of windowArgmax below:
// the first tap equal to y in (0,0) (0,1) (1,0) (1,1) order, NaN matching NaN.
@inline function isPool2x2<T>(kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32): bool {
  // (float32 only: float64 pooling takes the general path, which keeps the module smaller)
  return sizeof<T>() == 4 && kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1;
}

// max of the four taps of one window, the way the vector path takes it.
@inline function max4<T>(r0: usize, r1: usize): T {
  const es = <usize>sizeof<T>();
  const a = v128.max<T>(v128.splat<T>(load<T>(r0)), v128.splat<T>(load<T>(r1)));
  const b = v128.max<T>(v128.splat<T>(load<T>(r0 + es)), v128.splat<T>(load<T>(r1 + es)));
  return v128.extract_lane<T>(v128.max<T>(a, b), 0);
}

@inline function maxPool2x2Body<T>(x: usize, out: usize, planes: i32, h: i32, w: i32, ho: i32, wo: i32): void {
  const shift = alignof<T>();
  const lanes = 16 / sizeof<T>();
  for (let pl = 0; pl < planes; pl++) {
    const plane = x + ((<usize>pl * <usize>h * <usize>w) << shift);
    for (let oh = 0; oh < ho; oh++) {
      const r0 = plane + ((<usize>(2 * oh) * <usize>w) << shift);
      const r1 = r0 + (<usize>w << shift);
      const o = out + ((<usize>(pl * ho + oh) * <usize>wo) << shift);
      let ow = 0;
      // `lanes` windows read 2 * lanes elements of each row
      for (; (ow + lanes) * 2 <= w; ow += lanes) {
        const at = <usize>(2 * ow) << shift;
        const m0 = v128.max<T>(v128.load(r0 + at), v128.load(r1 + at));
        const m1 = v128.max<T>(v128.load(r0 + at, 16), v128.load(r1 + at, 16));
        let v: v128;
        if (sizeof<T>() == 4) v = v128.max<f32>(v128.shuffle<f32>(m0, m1, 0, 2, 4, 6), v128.shuffle<f32>(m0, m1, 1, 3, 5, 7));
        else v = v128.max<f64>(v128.shuffle<f64>(m0, m1, 0, 2), v128.shuffle<f64>(m0, m1, 1, 3));
        v128.store(o + (<usize>ow << shift), v);
      }
      for (; ow < wo; ow++) {
        const at = <usize>(2 * ow) << shift;
        store<T>(o + (<usize>ow << shift), max4<T>(r0 + at, r1 + at));
      }
    }
  }
}

// Lanes of `v` equal to the matching lane of `y`, or NaN where y is NaN.
@inline function hits<T>(v: v128, y: v128): v128 {
  return v128.or(v128.eq<T>(v, y), v128.and(v128.ne<T>(y, y), v128.ne<T>(v, v)));
}

// The gradient for one vector of row pairs: a (row 0) and b (row 1) hold
// 16 / sizeof<T> / 2 windows of two taps each, y and d their maxima and dy
// repeated per tap. Stores 0 + dy at each window's first hit, 0 elsewhere.
@inline function scatter2x2<T>(xa: usize, xb: usize, da: usize, db: usize, y: v128, d: v128): void {
  const a = v128.load(xa);
  const b = v128.load(xb);
  const ea = hits<T>(a, y);
  const eb = hits<T>(b, y);
  let firstA: v128, firstB: v128, anyA: v128;
  if (sizeof<T>() == 4) {
    const odd = i32x4(0, -1, 0, -1);
    const leftA = v128.shuffle<i32>(ea, ea, 0, 0, 2, 2);
    firstA = v128.andnot(ea, v128.and(leftA, odd));
    anyA = v128.or(leftA, v128.shuffle<i32>(ea, ea, 1, 1, 3, 3));
    firstB = v128.andnot(v128.andnot(eb, v128.and(v128.shuffle<i32>(eb, eb, 0, 0, 2, 2), odd)), anyA);
  } else {
    const odd = i64x2(0, -1);
    const leftA = v128.shuffle<i64>(ea, ea, 0, 0);
    firstA = v128.andnot(ea, v128.and(leftA, odd));
    anyA = v128.or(leftA, v128.shuffle<i64>(ea, ea, 1, 1));
    firstB = v128.andnot(v128.andnot(eb, v128.and(v128.shuffle<i64>(eb, eb, 0, 0), odd)), anyA);
  }
  const zero = v128.splat<T>(0);
  v128.store(da, v128.add<T>(zero, v128.and(firstA, d)));
  v128.store(db, v128.add<T>(zero, v128.and(firstB, d)));
}

@inline function maxPool2x2ScatterBody<T>(dy: usize, x: usize, y: usize, dx: usize, planes: i32, h: i32, w: i32, ho: i32, wo: i32): void {
  const shift = alignof<T>();
  const es = <usize>sizeof<T>();
  const lanes = 16 / sizeof<T>();
  for (let pl = 0; pl < planes; pl++) {
    const base = (<usize>pl * <usize>h * <usize>w) << shift;
    for (let oh = 0; oh < ho; oh++) {
      const row = base + ((<usize>(2 * oh) * <usize>w) << shift);
      const x0 = x + row, x1 = x0 + (<usize>w << shift);
      const d0 = dx + row, d1 = d0 + (<usize>w << shift);
      const q = (<usize>(pl * ho + oh) * <usize>wo) << shift;
      let ow = 0;
      for (; ow + lanes <= wo; ow += lanes) {
        const yv = v128.load(y + q + (<usize>ow << shift));
        const dv = v128.load(dy + q + (<usize>ow << shift));
        const at = <usize>(2 * ow) << shift;
        if (sizeof<T>() == 4) {
          scatter2x2<f32>(x0 + at, x1 + at, d0 + at, d1 + at, v128.shuffle<f32>(yv, yv, 0, 0, 1, 1), v128.shuffle<f32>(dv, dv, 0, 0, 1, 1));
          scatter2x2<f32>(x0 + at + 16, x1 + at + 16, d0 + at + 16, d1 + at + 16, v128.shuffle<f32>(yv, yv, 2, 2, 3, 3), v128.shuffle<f32>(dv, dv, 2, 2, 3, 3));
        } else {
          scatter2x2<f64>(x0 + at, x1 + at, d0 + at, d1 + at, v128.shuffle<f64>(yv, yv, 0, 0), v128.shuffle<f64>(dv, dv, 0, 0));
          scatter2x2<f64>(x0 + at + 16, x1 + at + 16, d0 + at + 16, d1 + at + 16, v128.shuffle<f64>(yv, yv, 1, 1), v128.shuffle<f64>(dv, dv, 1, 1));
        }
      }
      for (; ow < wo; ow++) {
        const at = <usize>(2 * ow) << shift;
        const yq = load<T>(y + q + (<usize>ow << shift));
        const g: T = <T>0 + load<T>(dy + q + (<usize>ow << shift));
        const nan = isNaNT<T>(yq);
        const h00 = load<T>(x0 + at) == yq || (nan && isNaNT<T>(load<T>(x0 + at)));
        const h01 = load<T>(x0 + at + es) == yq || (nan && isNaNT<T>(load<T>(x0 + at + es)));
        const h10 = load<T>(x1 + at) == yq || (nan && isNaNT<T>(load<T>(x1 + at)));
        const h11 = load<T>(x1 + at + es) == yq || (nan && isNaNT<T>(load<T>(x1 + at + es)));
        store<T>(d0 + at, h00 ? g : <T>0);
        store<T>(d0 + at + es, h01 && !h00 ? g : <T>0);
        store<T>(d1 + at, h10 && !h00 && !h01 ? g : <T>0);
        store<T>(d1 + at + es, h11 && !h00 && !h01 && !h10 ? g : <T>0);
      }
      // a last column no window covers
      if (2 * wo < w) {
        store<T>(d0 + ((<usize>(2 * wo)) << shift), <T>0);
        store<T>(d1 + ((<usize>(2 * wo)) << shift), <T>0);
      }
    }
    // a last row no window covers
    if (2 * ho < h) fillRun<T>(dx + base + ((<usize>(2 * ho) * <usize>w) << shift), w, 0);
  }
}

@inline function maxPoolBody<T>(
  x: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32,
): void {
  if (isPool2x2<T>(kh, kw, sh, sw, ph, pw, dh, dw)) {
    maxPool2x2Body<T>(x, out, planes, h, w, ho, wo);
    return;
  }
  const shift = alignof<T>();
  const lanes = 16 / sizeof<T>();
  for (let pl = 0; pl < planes; pl++) {
    const plane = x + ((<usize>pl * <usize>h * <usize>w) << shift);
    for (let oh = 0; oh < ho; oh++) {
      const orow = out + ((<usize>(pl * ho + oh) * <usize>wo) << shift);
      for (let ow = 0; ow < wo; ow++) store<T>(orow + (<usize>ow << shift), <T>-Infinity);
      const bh = oh * sh - ph;
      const i1 = tapHi(bh, dh, kh, h);
      for (let i = tapLo(bh, dh); i < i1; i++) {
        const src = plane + ((<usize>(bh + i * dh) * <usize>w) << shift);
        for (let j = 0; j < kw; j++) {
          const off = j * dw - pw;
          const hi = validHi(off, sw, w, wo);
          let ow = validLo(off, sw, wo);
          // (the stride-2 float32 load reads one element past the last tap: keep it in the row)
          for (; ow + lanes <= hi && (sizeof<T>() != 4 || sw != 2 || (ow + lanes) * 2 + off <= w); ow += lanes) {
            const o = orow + (<usize>ow << shift);
            v128.store(o, v128.max<T>(v128.load(o), loadStrided<T>(src + (<usize>(ow * sw + off) << shift), sw)));
          }
          for (; ow < hi; ow++) {
            const o = orow + (<usize>ow << shift);
            const v = v128.max<T>(v128.splat<T>(load<T>(o)), v128.splat<T>(load<T>(src + (<usize>(ow * sw + off) << shift))));
            store<T>(o, v128.extract_lane<T>(v, 0));
          }
        }
      }
    }
  }
}

export function maxpool2d_f32(x: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  maxPoolBody<f32>(x, out, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo);
}
export function maxpool2d_f64(x: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  maxPoolBody<f64>(x, out, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo);
}

// The position ih * w + iw in its plane of the first tap, in row-major window
// order, that holds the window's maximum y (the first NaN when y is NaN), or
// -1 when the window lies entirely in the padding. This is where maxPool's
// gradient goes: recomputed from x and y, so no index buffer is kept between
// the forward and backward passes.
@inline function windowArgmax<T>(plane: usize, y: T, h: i32, w: i32, kh: i32, kw: i32, bh: i32, bw: i32, dh: i32, dw: i32): i32 {
  const shift = alignof<T>();
  const nan = <i32>isNaNT<T>(y);
  const i1 = tapHi(bh, dh, kh, h);
  const j0 = tapLo(bw, dw);
  const j1 = tapHi(bw, dw, kw, w);
  // Branch-free (the position of the maximum is random, a branch on it
  // mispredicts): `take` is 1 at the first match only.
  let at = -1;
  let found = 0;
  for (let i = tapLo(bh, dh); i < i1; i++) {
    const row = (bh + i * dh) * w + bw;
    for (let j = j0; j < j1; j++) {
      const pos = row + j * dw;
      const v = load<T>(plane + (<usize>pos << shift));
      const hit = <i32>(v == y) | (nan & <i32>isNaNT<T>(v));
      const take = hit & (found ^ 1);
      at = (at & (take - 1)) | (pos & -take);
      found |= hit;
    }
  }
  return at;
}

// The argmax positions of `lanes` adjacent windows at once (ow .. ow+lanes-1
// of output row oh), all of whose taps lie inside the row horizontally: an
// integer vector (i32x4 for float32, i64x2 for float64), -1 where a window
// has no tap inside the image. Same rule as windowArgmax, branch-free.
@inline function vectorArgmax<T>(
  plane: usize, yv: v128, w: i32, kw: i32, sw: i32, dw: i32, bw: i32, i0: i32, i1: i32, bh: i32, dh: i32,
): v128 {
  const shift = alignof<T>();
  const nanY = v128.ne<T>(yv, yv);
  let found = v128.splat<i32>(0);
  let at: v128;
  let lanePos: v128;
  if (sizeof<T>() == 4) {
    at = i32x4.splat(-1);
    lanePos = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(sw));
  } else {
    at = i64x2.splat(-1);
    lanePos = i64x2(0, <i64>sw);
  }
  for (let i = i0; i < i1; i++) {
    const row = (bh + i * dh) * w + bw;
    for (let j = 0; j < kw; j++) {
      const pos = row + j * dw;
      const v = loadStrided<T>(plane + (<usize>pos << shift), sw);
      const hit = v128.or(v128.eq<T>(v, yv), v128.and(nanY, v128.ne<T>(v, v)));
      const take = v128.andnot(hit, found);
      const posv = sizeof<T>() == 4 ? i32x4.add(i32x4.splat(pos), lanePos) : i64x2.add(i64x2.splat(<i64>pos), lanePos);
      at = v128.bitselect(posv, at, take);
      found = v128.or(found, hit);
    }
  }
  return at;
}

// scatter: dx (x's shape, zeroed here) gets src [planes, ho, wo] added at each
// window's argmax. gather: out [planes, ho, wo] reads src (x's shape) there.
@inline function visitArgmax<T>(src: usize, out: usize, base: usize, q: usize, at: i32, scatter: bool): void {
  const shift = alignof<T>();
  if (scatter) {
    if (at >= 0) {
      const d = out + base + (<usize>at << shift);
      store<T>(d, load<T>(d) + load<T>(src + (q << shift)));
    }
  } else {
    store<T>(out + (q << shift), at >= 0 ? load<T>(src + base + (<usize>at << shift)) : <T>0);
  }
}

@inline function maxPoolIndexedBody<T>(
  src: usize, x: usize, y: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32, scatter: bool,
): void {
  if (scatter && isPool2x2<T>(kh, kw, sh, sw, ph, pw, dh, dw)) {
    maxPool2x2ScatterBody<T>(src, x, y, out, planes, h, w, ho, wo);
    return;
  }
  const shift = alignof<T>();
  const lanes = 16 / sizeof<T>();
  if (scatter) memory.fill(out, 0, (<usize>planes * <usize>h * <usize>w) << shift);
  // Windows ow in [vlo, vhi) have every tap inside the row (the stride-2
  // float32 load reads one element past the last tap: that one too).
  const vlo = validLo(-pw, sw, wo);
  const last = (kw - 1) * dw - pw + (sizeof<T>() == 4 && sw == 2 ? 1 : 0);
  const vhi = max(validHi(last, sw, w, wo), vlo);
  for (let pl = 0; pl < planes; pl++) {
    const base = (<usize>pl * <usize>h * <usize>w) << shift;
    const plane = x + base;
    for (let oh = 0; oh < ho; oh++) {
      const bh = oh * sh - ph;
      const i0 = tapLo(bh, dh);
      const i1 = tapHi(bh, dh, kh, h);
      const q0 = <usize>(pl * ho + oh) * <usize>wo;
      let ow = 0;
      for (; ow < wo; ow++) {
        if (ow >= vlo && ow + lanes <= vhi) break;
        const q = q0 + <usize>ow;
        visitArgmax<T>(src, out, base, q, windowArgmax<T>(plane, load<T>(y + (q << shift)), h, w, kh, kw, bh, ow * sw - pw, dh, dw), scatter);
      }
      for (; ow + lanes <= vhi; ow += lanes) {
        const q = q0 + <usize>ow;
        const at = vectorArgmax<T>(plane, v128.load(y + (q << shift)), w, kw, sw, dw, ow * sw - pw, i0, i1, bh, dh);
        if (sizeof<T>() == 4) {
          visitArgmax<T>(src, out, base, q, i32x4.extract_lane(at, 0), scatter);
          visitArgmax<T>(src, out, base, q + 1, i32x4.extract_lane(at, 1), scatter);
          visitArgmax<T>(src, out, base, q + 2, i32x4.extract_lane(at, 2), scatter);
          visitArgmax<T>(src, out, base, q + 3, i32x4.extract_lane(at, 3), scatter);
        } else {
          visitArgmax<T>(src, out, base, q, <i32>i64x2.extract_lane(at, 0), scatter);
          visitArgmax<T>(src, out, base, q + 1, <i32>i64x2.extract_lane(at, 1), scatter);
        }
      }
      for (; ow < wo; ow++) {
        const q = q0 + <usize>ow;
        visitArgmax<T>(src, out, base, q, windowArgmax<T>(plane, load<T>(y + (q << shift)), h, w, kh, kw, bh, ow * sw - pw, dh, dw), scatter);
      }
    }
  }
}

export function maxpool2d_scatter_f32(src: usize, x: usize, y: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  maxPoolIndexedBody<f32>(src, x, y, out, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, true);
}
export function maxpool2d_scatter_f64(src: usize, x: usize, y: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  maxPoolIndexedBody<f64>(src, x, y, out, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, true);
}
export function maxpool2d_gather_f32(src: usize, x: usize, y: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  maxPoolIndexedBody<f32>(src, x, y, out, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, false);
}
export function maxpool2d_gather_f64(src: usize, x: usize, y: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, ho: i32, wo: i32): void {
  maxPoolIndexedBody<f64>(src, x, y, out, planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo, false);
}

// Average pooling: the sum over the window's in-bounds entries divided by the
// full window area kh * kw (padding counts as zeros, PyTorch's
// count_include_pad=True). The backward kernel spreads dy / area back over
// each window, adding into dx, which it zeroes first.
@inline function avgPoolBody<T>(
  x: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, ho: i32, wo: i32, backward: bool,
): void {
  const shift = alignof<T>();
  const scale: T = <T>1 / <T>(kh * kw);
  if (backward) memory.fill(x, 0, (<usize>planes * <usize>h * <usize>w) << shift);
  let q: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const plane = x + ((<usize>pl * <usize>h * <usize>w) << shift);
    for (let oh = 0; oh < ho; oh++) {
      const i0 = max(oh * sh - ph, 0);
      const i1 = min(oh * sh - ph + kh, h);
      for (let ow = 0; ow < wo; ow++) {
        const j0 = max(ow * sw - pw, 0);
        const j1 = min(ow * sw - pw + kw, w);
        if (backward) {
          const g = load<T>(out + (q << shift)) * scale;
          for (let ih = i0; ih < i1; ih++) {
            const row = plane + ((<usize>ih * <usize>w) << shift);
            for (let iw = j0; iw < j1; iw++) {
              const d = row + (<usize>iw << shift);
              store<T>(d, load<T>(d) + g);
            }
          }
        } else {
          let s: T = 0;
          for (let ih = i0; ih < i1; ih++) {
            const row = plane + ((<usize>ih * <usize>w) << shift);
            for (let iw = j0; iw < j1; iw++) s += load<T>(row + (<usize>iw << shift));
          }
          store<T>(out + (q << shift), s * scale);
        }
        q++;
      }
    }
  }
}

export function avgpool2d_f32(x: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, ho: i32, wo: i32): void {
  avgPoolBody<f32>(x, out, planes, h, w, kh, kw, sh, sw, ph, pw, ho, wo, false);
}
export function avgpool2d_f64(x: usize, out: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, ho: i32, wo: i32): void {
  avgPoolBody<f64>(x, out, planes, h, w, kh, kw, sh, sw, ph, pw, ho, wo, false);
}
// dy is [planes, ho, wo]; dx is [planes, h, w].
export function avgpool2d_backward_f32(dy: usize, dx: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, ho: i32, wo: i32): void {
  avgPoolBody<f32>(dx, dy, planes, h, w, kh, kw, sh, sw, ph, pw, ho, wo, true);
}
export function avgpool2d_backward_f64(dy: usize, dx: usize, planes: i32, h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, ho: i32, wo: i32): void {
  avgPoolBody<f64>(dx, dy, planes, h, w, kh, kw, sh, sw, ph, pw, ho, wo, true);
}

// ---------------------------------------------------------------------------
// Embedding: rows of a table [v, d] picked by `count` int32 ids, and the
// transpose, which adds rows back (repeated ids accumulate, never overwrite).

@inline function embeddingGatherBody<T>(table: usize, ids: usize, out: usize, count: i32, d: i32): void {
  const shift = alignof<T>();
  const rowBytes = <usize>d << shift;
  for (let r = 0; r < count; r++) {
    const id = <usize>load<i32>(ids + (<usize>r << 2));
    copyRun<T>(out + <usize>r * rowBytes, table + id * rowBytes, d);
  }
}

// out [v, d] is zeroed, then out[ids[r], :] += src[r, :].
@inline function embeddingScatterBody<T>(src: usize, ids: usize, out: usize, count: i32, v: i32, d: i32): void {
  const shift = alignof<T>();
  const rowBytes = <usize>d << shift;
  memory.fill(out, 0, <usize>v * rowBytes);
  for (let r = 0; r < count; r++) {
    const id = <usize>load<i32>(ids + (<usize>r << 2));
    addRun<T>(out + id * rowBytes, src + <usize>r * rowBytes, d);
  }
}

export function embedding_gather_f32(table: usize, ids: usize, out: usize, count: i32, d: i32): void { embeddingGatherBody<f32>(table, ids, out, count, d); }
export function embedding_gather_f64(table: usize, ids: usize, out: usize, count: i32, d: i32): void { embeddingGatherBody<f64>(table, ids, out, count, d); }
export function embedding_scatter_add_f32(src: usize, ids: usize, out: usize, count: i32, v: i32, d: i32): void { embeddingScatterBody<f32>(src, ids, out, count, v, d); }
export function embedding_scatter_add_f64(src: usize, ids: usize, out: usize, count: i32, v: i32, d: i32): void { embeddingScatterBody<f64>(src, ids, out, count, v, d); }
