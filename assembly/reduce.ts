// Sums. float32 data is accumulated in float64 (each pair of elements widened
// to one f64x2), so a million-element float32 sum, along any axis, stays
// within float32 precision of the exact sum instead of drifting with the
// length; float64 data is summed in the same f64x2 lanes.

import { fillRun, lanes, loadWide, splat, storeWide } from "./simd";

/** Sum of x[0..n) in float64: 4 f64x2 accumulators, 8 elements per step. */
@inline function sumContiguous<T>(x: usize, n: i32): f64 {
  const shift = alignof<T>();
  const pair = <usize>2 << shift;
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let acc2 = f64x2.splat(0);
  let acc3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = x + (<usize>i << shift);
    acc0 = f64x2.add(acc0, loadWide<T>(p));
    acc1 = f64x2.add(acc1, loadWide<T>(p + pair));
    acc2 = f64x2.add(acc2, loadWide<T>(p + 2 * pair));
    acc3 = f64x2.add(acc3, loadWide<T>(p + 3 * pair));
  }
  const acc = f64x2.add(f64x2.add(acc0, acc1), f64x2.add(acc2, acc3));
  let total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) total += <f64>load<T>(x + (<usize>i << shift));
  return total;
}

export function sum_f32(x: usize, n: i32): f64 { return sumContiguous<f32>(x, n); }
export function sum_f64(x: usize, n: i32): f64 { return sumContiguous<f64>(x, n); }

// The columns of one [n, inner] block summed down the rows in float64: 8,
// then 2 columns at a time in f64x2 accumulators, then singly.
@inline function sumColumns<T>(x: usize, out: usize, n: i32, inner: i32): void {
  const shift = alignof<T>();
  const pair = <usize>2 << shift;
  const rowBytes = <usize>inner << shift;
  let i = 0;
  for (; i + 8 <= inner; i += 8) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let p = x + (<usize>i << shift);
    for (let k = 0; k < n; k++) {
      a0 = f64x2.add(a0, loadWide<T>(p));
      a1 = f64x2.add(a1, loadWide<T>(p + pair));
      a2 = f64x2.add(a2, loadWide<T>(p + 2 * pair));
      a3 = f64x2.add(a3, loadWide<T>(p + 3 * pair));
      p += rowBytes;
    }
    const q = out + (<usize>i << shift);
    storeWide<T>(q, a0);
    storeWide<T>(q + pair, a1);
    storeWide<T>(q + 2 * pair, a2);
    storeWide<T>(q + 3 * pair, a3);
  }
  for (; i + 2 <= inner; i += 2) {
    let a = f64x2.splat(0);
    let p = x + (<usize>i << shift);
    for (let k = 0; k < n; k++) {
      a = f64x2.add(a, loadWide<T>(p));
      p += rowBytes;
    }
    storeWide<T>(out + (<usize>i << shift), a);
  }
  for (; i < inner; i++) {
    let s: f64 = 0;
    let p = x + (<usize>i << shift);
    for (let k = 0; k < n; k++) {
      s += <f64>load<T>(p);
      p += rowBytes;
    }
    store<T>(out + (<usize>i << shift), <T>s);
  }
}

// x viewed as [outer, n, inner]; out[o, i] = sum_k x[o, k, i].
@inline function sumAxis<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const shift = alignof<T>();
  for (let o = 0; o < outer; o++) {
    const src = x + (<usize>(o * n * inner) << shift);
    const dst = out + (<usize>(o * inner) << shift);
    if (inner == 1) store<T>(dst, <T>sumContiguous<T>(src, n));
    else sumColumns<T>(src, dst, n, inner);
  }
}

export function sum_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { sumAxis<f32>(x, out, outer, n, inner); }
export function sum_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { sumAxis<f64>(x, out, outer, n, inner); }

// ---- per-axis reductions over x viewed as [outer, n, inner] ----
// out[o, i] = reduce_k x[o, k, i]. The front end moves non-adjacent reduced
// axes together first, so one call reduces any set of axes.

// Product, maximum and minimum: one fold. n == 0 gives 1 for the product
// (the empty product); maximum and minimum require n >= 1 (the front end
// rejects empty reductions). WebAssembly's f32.max / f32x4.max (and min)
// return NaN when either operand is NaN, so a NaN anywhere makes the result
// NaN, as in numpy.
const PROD = 0;
const MAX = 1;
const MIN = 2;

@inline function combine<T>(op: i32, a: T, b: T): T {
  if (op == PROD) return a * b;
  return op == MAX ? max<T>(a, b) : min<T>(a, b);
}

// pmax/pmin are one instruction on x86 (max/min are a long sequence there,
// for their NaN and signed-zero rules); NaN is tracked beside them instead.
@inline function combineFast<T>(op: i32, a: v128, b: v128): v128 {
  if (op == PROD) return v128.mul<T>(a, b);
  return op == MAX ? v128.pmax<T>(a, b) : v128.pmin<T>(a, b);
}

/** The lanes of v folded pairwise: (l0 l1) (l2 l3). */
@inline function foldLanes<T>(op: i32, v: v128): T {
  const r = combine<T>(op, v128.extract_lane<T>(v, 0), v128.extract_lane<T>(v, 1));
  if (sizeof<T>() == 8) return r;
  return combine<T>(op, r, combine<T>(op, v128.extract_lane<T>(v, 2), v128.extract_lane<T>(v, 3)));
}

@inline function foldContiguous<T>(op: i32, x: usize, n: i32): T {
  const shift = alignof<T>();
  const step = 2 * lanes<T>();
  const identity = splat<T>(op == PROD ? 1 : op == MAX ? -Infinity : Infinity);
  let acc0 = identity;
  let acc1 = identity;
  let nan = v128.splat<i32>(0);
  let i = 0;
  for (; i + step <= n; i += step) {
    const off = <usize>i << shift;
    const v0 = v128.load(x + off);
    const v1 = v128.load(x + off, 16);
    if (op != PROD) nan = v128.or(nan, v128.or(v128.ne<T>(v0, v0), v128.ne<T>(v1, v1)));
    acc0 = combineFast<T>(op, acc0, v0);
    acc1 = combineFast<T>(op, acc1, v1);
  }
  if (op != PROD && v128.any_true(nan)) return <T>NaN;
  let r = foldLanes<T>(op, combineFast<T>(op, acc0, acc1));
  for (; i < n; i++) r = combine<T>(op, r, load<T>(x + (<usize>i << shift)));
  return r;
}

@inline function foldAxis<T>(op: i32, x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const shift = alignof<T>();
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      store<T>(out + (<usize>o << shift), foldContiguous<T>(op, x + (<usize>(o * n) << shift), n));
    }
    return;
  }
  const rowBytes = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    const dst = out + <usize>o * rowBytes;
    const first = x + <usize>(o * n) * rowBytes;
    // the product from ones (n may be 0), the extremes from the first row
    let k = 1;
    if (op == PROD) {
      fillRun<T>(dst, inner, 1);
      k = 0;
    } else {
      memory.copy(dst, first, rowBytes);
    }
    for (; k < n; k++) {
      const src = first + <usize>k * rowBytes;
      let i = 0;
      for (; i + lanes<T>() <= inner; i += lanes<T>()) {
        const off = <usize>i << shift;
        const d = v128.load(dst + off);
        const v = v128.load(src + off);
        // pmax(d, v) = d < v ? v : d keeps a NaN already in d; a NaN in v is
        // selected explicitly.
        const r = combineFast<T>(op, d, v);
        v128.store(dst + off, op == PROD ? r : v128.bitselect(v, r, v128.ne<T>(v, v)));
      }
      for (; i < inner; i++) {
        const off = <usize>i << shift;
        store<T>(dst + off, combine<T>(op, load<T>(dst + off), load<T>(src + off)));
      }
    }
  }
}

export function prod_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { foldAxis<f32>(PROD, x, out, outer, n, inner); }
export function prod_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { foldAxis<f64>(PROD, x, out, outer, n, inner); }
export function max_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { foldAxis<f32>(MAX, x, out, outer, n, inner); }
export function max_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { foldAxis<f64>(MAX, x, out, outer, n, inner); }
export function min_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { foldAxis<f32>(MIN, x, out, outer, n, inner); }
export function min_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { foldAxis<f64>(MIN, x, out, outer, n, inner); }

// Index of the first maximum (minimum), stored as an int32 (exact at any
// length, where a float32 index stops at 2^24); the first NaN wins, as in
// numpy. Requires n >= 1.
@inline function argExtremeAxis<T>(op: i32, x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const shift = alignof<T>();
  const step = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = x + (<usize>(o * n * inner + i) << shift);
      let best = load<T>(p);
      let at = 0;
      if (!isNaN<T>(best)) {
        for (let k = 1; k < n; k++) {
          p += step;
          const v = load<T>(p);
          if (isNaN<T>(v)) { at = k; break; }
          if (op == MAX ? v > best : v < best) { best = v; at = k; }
        }
      }
      store<i32>(out + (<usize>(o * inner + i) << 2), at);
    }
  }
}

export function argmax_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { argExtremeAxis<f32>(MAX, x, out, outer, n, inner); }
export function argmax_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { argExtremeAxis<f64>(MAX, x, out, outer, n, inner); }
export function argmin_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { argExtremeAxis<f32>(MIN, x, out, outer, n, inner); }
export function argmin_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { argExtremeAxis<f64>(MIN, x, out, outer, n, inner); }

// log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the maximum
// (0 when m is not finite, so all -Infinity gives -Infinity and +Infinity
// gives +Infinity), in float64. n == 0 gives -Infinity.
@inline function logsumexpAxis<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const shift = alignof<T>();
  const step = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = x + (<usize>(o * n * inner + i) << shift);
      let m: f64 = -Infinity;
      let p = start;
      for (let k = 0; k < n; k++) { m = max<f64>(m, <f64>load<T>(p)); p += step; }
      if (!isFinite<f64>(m)) m = 0;
      let s: f64 = 0;
      p = start;
      for (let k = 0; k < n; k++) { s += Math.exp(<f64>load<T>(p) - m); p += step; }
      store<T>(out + (<usize>(o * inner + i) << shift), <T>(m + Math.log(s)));
    }
  }
}

export function logsumexp_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { logsumexpAxis<f32>(x, out, outer, n, inner); }
export function logsumexp_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32): void { logsumexpAxis<f64>(x, out, outer, n, inner); }

// Variance: sum((x - mean)^2) / max(n - ddof, 0), two passes, in float64.
// n == 0 gives NaN (the mean of nothing), n - ddof <= 0 gives Infinity or NaN.
@inline function varianceAxis<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32, ddof: f64): void {
  const shift = alignof<T>();
  const step = <usize>inner << shift;
  const denom = max<f64>(<f64>n - ddof, 0);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = x + (<usize>(o * n * inner + i) << shift);
      let s: f64 = 0;
      let p = start;
      for (let k = 0; k < n; k++) { s += <f64>load<T>(p); p += step; }
      const mean = s / <f64>n;
      let ss: f64 = 0;
      p = start;
      for (let k = 0; k < n; k++) { const d = <f64>load<T>(p) - mean; ss += d * d; p += step; }
      store<T>(out + (<usize>(o * inner + i) << shift), <T>(n == 0 ? NaN : ss / denom));
    }
  }
}

export function variance_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32, ddof: f64): void { varianceAxis<f32>(x, out, outer, n, inner, ddof); }
export function variance_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32, ddof: f64): void { varianceAxis<f64>(x, out, outer, n, inner, ddof); }

// Vector p-norm, in float64: p == 0 counts nonzeros (NaN counts), p == 1
// sums |x|, other p > 0 scale by the largest |x| first so that large or
// tiny entries neither overflow nor underflow: s * (sum (|x|/s)^p)^(1/p).
@inline function normAxis<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32, p: f64): void {
  const shift = alignof<T>();
  const step = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = x + (<usize>(o * n * inner + i) << shift);
      let r: f64 = 0;
      let q = start;
      if (p == 0) {
        for (let k = 0; k < n; k++) { if (<f64>load<T>(q) != 0) r += 1; q += step; }
      } else if (p == 1) {
        for (let k = 0; k < n; k++) { r += abs<f64>(<f64>load<T>(q)); q += step; }
      } else {
        let scale: f64 = 0;
        for (let k = 0; k < n; k++) { scale = max<f64>(scale, abs<f64>(<f64>load<T>(q))); q += step; }
        if (scale == 0 || !isFinite<f64>(scale)) {
          r = scale;
        } else {
          let s: f64 = 0;
          q = start;
          if (p == 2) {
            for (let k = 0; k < n; k++) { const t = <f64>load<T>(q) / scale; s += t * t; q += step; }
            r = scale * Math.sqrt(s);
          } else {
            for (let k = 0; k < n; k++) { s += Math.pow(abs<f64>(<f64>load<T>(q)) / scale, p); q += step; }
            r = scale * Math.pow(s, 1 / p);
          }
        }
      }
      store<T>(out + (<usize>(o * inner + i) << shift), <T>r);
    }
  }
}

export function norm_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32, p: f64): void { normAxis<f32>(x, out, outer, n, inner, p); }
export function norm_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32, p: f64): void { normAxis<f64>(x, out, outer, n, inner, p); }

// ---- helpers of the product's gradient (exclusive cumulative products) ----

// Linear recurrence along the middle axis of [outer, n, inner]:
// forward s[0] = b[0], s[k] = b[k] + a[k] * s[k-1]; reverse runs from k = n-1.
@inline function scanAxis<T>(a: usize, b: usize, out: usize, outer: i32, n: i32, inner: i32, reverse: i32): void {
  const shift = alignof<T>();
  const row = <usize>inner << shift;
  if (n == 0) return;
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const base = <usize>(o * n) << shift;
      const step: isize = reverse ? -(<isize>1 << shift) : (<isize>1 << shift);
      let at = base + (reverse ? <usize>(n - 1) << shift : 0);
      let s = load<T>(b + at);
      store<T>(out + at, s);
      for (let j = 1; j < n; j++) {
        at += step;
        s = load<T>(b + at) + load<T>(a + at) * s;
        store<T>(out + at, s);
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = <usize>(o * n * inner) << shift;
    const first = reverse ? n - 1 : 0;
    const dir = reverse ? -1 : 1;
    memory.copy(out + base + <usize>first * row, b + base + <usize>first * row, row);
    for (let j = 1; j < n; j++) {
      const k = first + dir * j;
      const at = base + <usize>k * row;
      const prev = base + <usize>(k - dir) * row;
      let i = 0;
      for (; i + lanes<T>() <= inner; i += lanes<T>()) {
        const off = <usize>i << shift;
        v128.store(out + at + off, v128.add<T>(v128.load(b + at + off), v128.mul<T>(v128.load(a + at + off), v128.load(out + prev + off))));
      }
      for (; i < inner; i++) {
        const off = <usize>i << shift;
        store<T>(out + at + off, load<T>(b + at + off) + load<T>(a + at + off) * load<T>(out + prev + off));
      }
    }
  }
}

export function scan_axis_f32(a: usize, b: usize, out: usize, outer: i32, n: i32, inner: i32, reverse: i32): void { scanAxis<f32>(a, b, out, outer, n, inner, reverse); }
export function scan_axis_f64(a: usize, b: usize, out: usize, outer: i32, n: i32, inner: i32, reverse: i32): void { scanAxis<f64>(a, b, out, outer, n, inner, reverse); }

// Shift by one along the middle axis, zero filled: dir > 0 gives
// out[k] = x[k-1] (out[0] = 0), dir < 0 gives out[k] = x[k+1] (out[n-1] = 0).
@inline function shiftAxis<T>(x: usize, out: usize, outer: i32, n: i32, inner: i32, dir: i32): void {
  if (n == 0) return;
  const row = <usize>inner << alignof<T>();
  for (let o = 0; o < outer; o++) {
    const base = <usize>(o * n) * row;
    if (dir > 0) {
      memory.fill(out + base, 0, row);
      memory.copy(out + base + row, x + base, <usize>(n - 1) * row);
    } else {
      memory.copy(out + base, x + base + row, <usize>(n - 1) * row);
      memory.fill(out + base + <usize>(n - 1) * row, 0, row);
    }
  }
}

export function shift_axis_f32(x: usize, out: usize, outer: i32, n: i32, inner: i32, dir: i32): void { shiftAxis<f32>(x, out, outer, n, inner, dir); }
export function shift_axis_f64(x: usize, out: usize, outer: i32, n: i32, inner: i32, dir: i32): void { shiftAxis<f64>(x, out, outer, n, inner, dir); }

// 1 at k = 0 (or k = n-1 when last), 0 elsewhere: the seed of a scan.
@inline function scanSeed<T>(out: usize, outer: i32, n: i32, inner: i32, last: i32): void {
  if (n == 0) return;
  const shift = alignof<T>();
  const row = <usize>inner << shift;
  memory.fill(out, 0, <usize>(outer * n) * row);
  const k = last ? n - 1 : 0;
  for (let o = 0; o < outer; o++) {
    const at = out + <usize>(o * n + k) * row;
    for (let i = 0; i < inner; i++) store<T>(at + (<usize>i << shift), <T>1);
  }
}

export function scan_seed_f32(out: usize, outer: i32, n: i32, inner: i32, last: i32): void { scanSeed<f32>(out, outer, n, inner, last); }
export function scan_seed_f64(out: usize, outer: i32, n: i32, inner: i32, last: i32): void { scanSeed<f64>(out, outer, n, inner, last); }

// ---- small elementwise helpers of the reductions' gradients ----

// 1 where a == b (NaN matching NaN), else 0: where a maximum was taken.
@inline function eqMask<T>(a: usize, b: usize, out: usize, n: i32): void {
  const shift = alignof<T>();
  const one = v128.splat<T>(1);
  let i = 0;
  for (; i + lanes<T>() <= n; i += lanes<T>()) {
    const off = <usize>i << shift;
    const va = v128.load(a + off);
    const vb = v128.load(b + off);
    const both = v128.and(v128.ne<T>(va, va), v128.ne<T>(vb, vb));
    v128.store(out + off, v128.and(v128.or(v128.eq<T>(va, vb), both), one));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    const va = load<T>(a + off);
    const vb = load<T>(b + off);
    store<T>(out + off, va == vb || (isNaN<T>(va) && isNaN<T>(vb)) ? <T>1 : <T>0);
  }
}

export function reduce_eq_mask_f32(a: usize, b: usize, out: usize, n: i32): void { eqMask<f32>(a, b, out, n); }
export function reduce_eq_mask_f64(a: usize, b: usize, out: usize, n: i32): void { eqMask<f64>(a, b, out, n); }
