// Kernels for src/ops/sort.ts: a stable sort of every line along one axis
// (giving the permutation), and the gather and scatter-add along an axis by
// such index lines, each other's adjoint (the gradient of sort and topk).
// Arrays are [outer, n, inner] row-major: a line is n elements `inner` apart.

// Ascending order with NaN last (numpy); descending is its mirror, NaN first
// (PyTorch's topk treats NaN as the largest value).
@inline function before(a: f64, b: f64, descending: bool): bool {
  if (descending) return a > b || (a != a && b == b);
  return a < b || (b != b && a == a);
}

// Bottom-up merge sort of idx[0..n) by val[idx[k]] (stable), using tmp.
function mergeSort(val: usize, idx: usize, tmp: usize, n: i32, descending: bool): void {
  let src = idx;
  let dst = tmp;
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = load<i32>(src + (<usize>i << 2));
        const b = load<i32>(src + (<usize>j << 2));
        // Take from the right run only if strictly before: equal keys keep their order.
        if (before(load<f64>(val + (<usize>b << 3)), load<f64>(val + (<usize>a << 3)), descending)) {
          store<i32>(dst + (<usize>k << 2), b);
          j++;
        } else {
          store<i32>(dst + (<usize>k << 2), a);
          i++;
        }
        k++;
      }
      for (; i < mid; i++, k++) store<i32>(dst + (<usize>k << 2), load<i32>(src + (<usize>i << 2)));
      for (; j < hi; j++, k++) store<i32>(dst + (<usize>k << 2), load<i32>(src + (<usize>j << 2)));
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != idx) memory.copy(idx, src, <usize>n << 2);
}

// perm[o, k, i] = the position along the axis of the k-th element of line
// (o, i) in sorted order. scratch: 16n bytes (the line's values as f64, and
// two index buffers; a contiguous line, inner == 1, is sorted in place).
@inline function sortAxis<T>(x: usize, perm: usize, outer: i32, n: i32, inner: i32, descending: i32, scratch: usize): void {
  const shift = alignof<T>();
  const val = scratch;
  const tmp = scratch + (<usize>n << 3);
  const buffer = tmp + (<usize>n << 2);
  const step = <usize>inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = <usize>o * <usize>n * step + <usize>i;
      for (let k = 0; k < n; k++) store<f64>(val + (<usize>k << 3), <f64>load<T>(x + ((base + <usize>k * step) << shift)));
      const idx = inner == 1 ? perm + (base << 2) : buffer;
      for (let k = 0; k < n; k++) store<i32>(idx + (<usize>k << 2), k);
      mergeSort(val, idx, tmp, n, descending != 0);
      if (inner != 1) for (let k = 0; k < n; k++) store<i32>(perm + ((base + <usize>k * step) << 2), load<i32>(buffer + (<usize>k << 2)));
    }
  }
}

export function sort_axis_f32(x: usize, perm: usize, outer: i32, n: i32, inner: i32, descending: i32, scratch: usize): void { sortAxis<f32>(x, perm, outer, n, inner, descending, scratch); }
export function sort_axis_f64(x: usize, perm: usize, outer: i32, n: i32, inner: i32, descending: i32, scratch: usize): void { sortAxis<f64>(x, perm, outer, n, inner, descending, scratch); }

// out[o, j, i] = x[o, idx[o, j, i], i], x [outer, nSrc, inner], idx and out [outer, nIdx, inner].
@inline function takeAlong<T>(x: usize, idx: usize, out: usize, outer: i32, nSrc: i32, nIdx: i32, inner: i32): void {
  const shift = alignof<T>();
  let p: usize = 0;
  for (let o = 0; o < outer; o++) {
    const src = <usize>o * <usize>nSrc * <usize>inner;
    for (let j = 0; j < nIdx; j++) {
      for (let i = 0; i < inner; i++) {
        const k = <usize>load<i32>(idx + (p << 2));
        store<T>(out + (p << shift), load<T>(x + ((src + k * <usize>inner + <usize>i) << shift)));
        p++;
      }
    }
  }
}

// out [outer, nOut, inner] = 0, then out[o, idx[o, j, i], i] += src[o, j, i] (repeated indices accumulate).
@inline function putAlong<T>(src: usize, idx: usize, out: usize, outer: i32, nOut: i32, nIdx: i32, inner: i32): void {
  const shift = alignof<T>();
  memory.fill(out, 0, (<usize>outer * <usize>nOut * <usize>inner) << shift);
  let p: usize = 0;
  for (let o = 0; o < outer; o++) {
    const dst = <usize>o * <usize>nOut * <usize>inner;
    for (let j = 0; j < nIdx; j++) {
      for (let i = 0; i < inner; i++) {
        const at = out + ((dst + <usize>load<i32>(idx + (p << 2)) * <usize>inner + <usize>i) << shift);
        store<T>(at, load<T>(at) + load<T>(src + (p << shift)));
        p++;
      }
    }
  }
}

export function take_along_f32(x: usize, idx: usize, out: usize, outer: i32, nSrc: i32, nIdx: i32, inner: i32): void { takeAlong<f32>(x, idx, out, outer, nSrc, nIdx, inner); }
export function take_along_f64(x: usize, idx: usize, out: usize, outer: i32, nSrc: i32, nIdx: i32, inner: i32): void { takeAlong<f64>(x, idx, out, outer, nSrc, nIdx, inner); }
export function put_along_f32(src: usize, idx: usize, out: usize, outer: i32, nOut: i32, nIdx: i32, inner: i32): void { putAlong<f32>(src, idx, out, outer, nOut, nIdx, inner); }
export function put_along_f64(src: usize, idx: usize, out: usize, outer: i32, nOut: i32, nIdx: i32, inner: i32): void { putAlong<f64>(src, idx, out, outer, nOut, nIdx, inner); }
