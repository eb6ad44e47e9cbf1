// The packed matrix product behind assembly/matmul.ts (its kernels) and the
// convolutions of assembly/nn.ts. Nothing here is a module export: the
// generic driver is called by the kernels.
//
// C[M, N] = op(A)[M, K] * op(B)[K, N], row-major, where op transposes the
// stored operand when its flag is set (A stored [K, M], B stored [N, K]), so
// backward passes never materialize a transpose.
//
// Design (GotoBLAS/BLIS-style, sized for a small static scratch):
// - B is packed one KC x NC block at a time into BBLOCK, as NR-column panels:
//   for each k the NR values of the panel's row are contiguous, ROW_BYTES =
//   32 bytes (8 f32 or 4 f64); the last panel is zero-padded. A is packed
//   MC = 16 rows at a time into ABLOCK, as MR-row strips: for each k the MR
//   values of the strip's column are contiguous (rows past M are zero).
//   Packing is where both transpose flags are absorbed (contiguous copies,
//   or 4x4 f32 / 2x2 f64 SIMD transposes), so every combination runs the
//   same micro-kernel on the same layout at the same speed.
// - Micro-kernel: an MR x NR = 4 x 8 (f32) / 4 x 4 (f64) tile of C in 8 v128
//   accumulators. Per k: 2 v128 loads of B, 4 load-splats of A, 8 mul +
//   8 add (no FMA in wasm SIMD without relaxed-simd). See `kernel` for why
//   not 6 x 8.
// - Blocking: KC = 128 (both dtypes), NC = 12 panels (96 f32 / 48 f64
//   columns): the B block is 48 KiB, L2-resident, one 4 KiB panel at a time
//   in L1 while a 16-row block of A (8 / 16 KiB) is swept across it. K and N
//   are split into blocks of balanced size, so the last is never a sliver.
//   Loops: N blocks, K blocks (pack B), 16-row blocks of A (pack A), strips
//   of 4 rows, panels of NR columns.
// - Edges: a partial tile (fewer than MR rows or NR columns) is computed in
//   full on the zero padding and copied out of a small tile buffer.
// - Matrix-vector shapes (M = 1 or N = 1) skip packing: they are dot products
//   of contiguous rows, or sums of scaled contiguous rows, both vectorized.
//
// Scratch (nothing allocated per call): BBLOCK 48 KiB + ABLOCK 16 KiB +
// TILE 128 B = 64.1 KiB, static memory on the main thread; each worker of
// the pool gets a block of its own (assembly/threads.ts), since workers
// share the memory but not globals.
//
// Threads: `gemm` computes any block of C (a range of rows or of columns);
// every element of C is the same sum in the same order whatever the block,
// because the K blocking depends on k alone. So the pool (src/wasm/) splits
// C into column or row ranges (matmul_cols / matmul_rows) with results
// bit-identical to one thread.
//
// Measured (scripts/bench-matmul.ts; Node 20, a 2-core Zen 3 VM, one thread,
// float32): 31-33 GFLOP/s for N = 64 .. 512 and 28-31 at N = 1024, in every
// transpose combination; float64 at half that. The micro-kernel alone, on
// data in L1, peaks at 35-36 GFLOP/s under V8, where the same loop compiled
// natively (gcc, mul + add) reaches 40 and native FMA 50.

import { laneSum } from "./simd";

/** Bytes of one k-row of a packed B panel (NR elements, 2 v128). */
const ROW_BYTES: usize = 32;
/** Rows of a micro-tile (and of a packed strip of A). */
const MR: i32 = 4;
/** Rows of A packed together (MC / MR strips). */
const MC: i32 = 16;
/** Depth of a block: k values per packed panel or strip. */
const KC: i32 = 128;
/** Panels per block of packed B (NC = 12 NR: 96 f32 or 48 f64 columns). */
const NC_PANELS: i32 = 12;
const BBLOCK_BYTES: i32 = KC * NC_PANELS * <i32>ROW_BYTES;
const ABLOCK_BYTES: i32 = MC * KC * 8;
const TILE_BYTES: i32 = MR * <i32>ROW_BYTES;
/** Bytes of one instance's scratch (64-byte aligned by the caller). */
export const MATMUL_SCRATCH_BYTES: i32 = BBLOCK_BYTES + ABLOCK_BYTES + TILE_BYTES;
let BBLOCK: usize = memory.data(BBLOCK_BYTES, 64);
/** MC x KC block of packed A, at most 16 x 128 f64. */
let ABLOCK: usize = memory.data(ABLOCK_BYTES, 64);
/** One MR x NR tile, for tiles at the edges. */
let TILE: usize = memory.data(TILE_BYTES, 64);

/** Gives this instance (a worker's) its own scratch block of MATMUL_SCRATCH_BYTES. */
export function setMatmulScratch(block: usize): void {
  BBLOCK = block;
  ABLOCK = block + <usize>BBLOCK_BYTES;
  TILE = ABLOCK + <usize>ABLOCK_BYTES;
}

// ---- micro-kernel ----

// One MR x NR tile: C[0..mr, 0..nr] (+)= sum over k < kc of Ap[k, :]ᵀ Bp[k, :],
// from a packed strip of A (MR values per k) and a packed panel of B
// (ROW_BYTES per k). `add`: accumulate onto C (later K blocks) or overwrite
// it (the first).
//
// Why 4 x 8 (8 accumulators) and not the 6 x 8 (12) of native kernels: V8
// (TurboFan, Node 20) schedules every load of the loop body ahead of the
// arithmetic, so all MR splats are live at once next to the accumulators, the
// 2 B vectors and one product: 8 + 4 + 2 + 1 = 15 xmm registers, all V8 has
// (xmm15 is its scratch register). 6 x 8 needs 21 and 5 x 8 needs 18: both
// spill accumulators to the stack every iteration and run 30-40% slower.
// Unrolling k by 2 spills the same way.
function kernel<T>(a: usize, bp: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, add: bool): void {
  const step = <usize>MR << alignof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  let pa = a;
  let pb = bp;
  const end = bp + (<usize>kc << 5);
  do {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let s = splatAt<T>(pa, 0);
    c00 = v128.add<T>(c00, v128.mul<T>(s, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(s, b1));
    s = splatAt<T>(pa, 1);
    c10 = v128.add<T>(c10, v128.mul<T>(s, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(s, b1));
    s = splatAt<T>(pa, 2);
    c20 = v128.add<T>(c20, v128.mul<T>(s, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(s, b1));
    s = splatAt<T>(pa, 3);
    c30 = v128.add<T>(c30, v128.mul<T>(s, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(s, b1));
    pa += step;
    pb += ROW_BYTES;
  } while (pb < end);

  if (mr == MR && nr == <i32>(ROW_BYTES >> alignof<T>())) {
    storeRow<T>(c, c00, c01, add);
    storeRow<T>(c + ldc, c10, c11, add);
    storeRow<T>(c + 2 * ldc, c20, c21, add);
    storeRow<T>(c + 3 * ldc, c30, c31, add);
    return;
  }
  // A partial tile: through TILE, element by element.
  v128.store(TILE, c00); v128.store(TILE, c01, 16);
  v128.store(TILE, c10, 32); v128.store(TILE, c11, 48);
  v128.store(TILE, c20, 64); v128.store(TILE, c21, 80);
  v128.store(TILE, c30, 96); v128.store(TILE, c31, 112);
  const shift = alignof<T>();
  for (let r = 0; r < mr; r++) {
    const crow = c + <usize>r * ldc;
    const trow = TILE + (<usize>r << 5);
    for (let j = 0; j < nr; j++) {
      const at = crow + (<usize>j << shift);
      const v = load<T>(trow + (<usize>j << shift));
      store<T>(at, add ? load<T>(at) + v : v);
    }
  }
}

// Load-splat of element `i` after `p` (a constant offset in the instruction).
@inline function splatAt<T>(p: usize, i: i32): v128 {
  if (sizeof<T>() == 4) {
    if (i == 0) return v128.load32_splat(p, 0);
    if (i == 1) return v128.load32_splat(p, 4);
    if (i == 2) return v128.load32_splat(p, 8);
    return v128.load32_splat(p, 12);
  }
  if (i == 0) return v128.load64_splat(p, 0);
  if (i == 1) return v128.load64_splat(p, 8);
  if (i == 2) return v128.load64_splat(p, 16);
  return v128.load64_splat(p, 24);
}

@inline function splat<T>(p: usize): v128 {
  if (sizeof<T>() == 4) return v128.load32_splat(p);
  return v128.load64_splat(p);
}

// One row of a full tile: 2 v128 stored, or added to C.
@inline function storeRow<T>(p: usize, v0: v128, v1: v128, add: bool): void {
  if (add) {
    v128.store(p, v128.add<T>(v128.load(p), v0));
    v128.store(p, v128.add<T>(v128.load(p, 16), v1), 16);
  } else {
    v128.store(p, v0);
    v128.store(p, v1, 16);
  }
}

// ---- packing ----

// Rows s, s+ld, s+2ld, s+3ld (4 f32 each) transposed into 4 vectors stored
// at o, o+os, o+2os, o+3os.
@inline function transpose4(s: usize, ld: usize, o: usize, os: usize): void {
  const r0 = v128.load(s);
  const r1 = v128.load(s + ld);
  const r2 = v128.load(s + 2 * ld);
  const r3 = v128.load(s + 3 * ld);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(o + os, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(o + 2 * os, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(o + 3 * os, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

// Rows s, s+ld, s+2ld, s+3ld (2 f64 each) transposed: (r0[0] r1[0]) (r2[0]
// r3[0]) at o, o+16 and (r0[1] r1[1]) (r2[1] r3[1]) at o+os, o+os+16.
@inline function transpose2x4(s: usize, ld: usize, o: usize, os: usize): void {
  const r0 = v128.load(s);
  const r1 = v128.load(s + ld);
  const r2 = v128.load(s + 2 * ld);
  const r3 = v128.load(s + 3 * ld);
  v128.store(o, v128.shuffle<f64>(r0, r1, 0, 2));
  v128.store(o, v128.shuffle<f64>(r2, r3, 0, 2), 16);
  v128.store(o + os, v128.shuffle<f64>(r0, r1, 1, 3));
  v128.store(o + os, v128.shuffle<f64>(r2, r3, 1, 3), 16);
}

// Packs op(B)[pc .. pc+kc, jc .. jc+nc] into BBLOCK: panel q (columns
// jc + q*NR ..) at BBLOCK + q * kc * ROW_BYTES, one ROW_BYTES row per k, the
// last panel zero-padded. B is stored [K, N], or [N, K] when transB.
@inline function packB<T>(b: usize, n: i32, k: i32, transB: bool, pc: i32, kc: i32, jc: i32, nc: i32): void {
  const shift = alignof<T>();
  const nr = <i32>(ROW_BYTES >> shift);
  const panelBytes = <usize>kc << 5;
  const full = nc / nr;
  const w = nc - full * nr;
  if (!transB) {
    // Row p of the block is contiguous in B: copy it whole, scattering it
    // over the panels (walking one 32-byte panel down kc rows n apart would
    // use a handful of cache sets when n is a power of two).
    const ld = <usize>n << shift;
    let src = b + ((<usize>pc * <usize>n + <usize>jc) << shift);
    for (let p = 0; p < kc; p++) {
      let dst = BBLOCK + (<usize>p << 5);
      let from = src;
      for (let q = 0; q < full; q++) {
        v128.store(dst, v128.load(from));
        v128.store(dst, v128.load(from, 16), 16);
        dst += panelBytes;
        from += ROW_BYTES;
      }
      if (w > 0) {
        v128.store(dst, v128.splat<i32>(0));
        v128.store(dst, v128.splat<i32>(0), 16);
        for (let j = 0; j < w; j++) store<T>(dst + (<usize>j << shift), load<T>(from + (<usize>j << shift)));
      }
      src += ld;
    }
    return;
  }
  // transB: column j of a panel is row jc + j of stored B, contiguous along
  // k: transpose 4x4 (f32) or 2x2 (f64) blocks into rows of the panel.
  const ld = <usize>k << shift;
  for (let q = 0; q <= full; q++) {
    const wq = q < full ? nr : w;
    if (wq == 0) break;
    const dst = BBLOCK + <usize>q * panelBytes;
    const src = b + ((<usize>(jc + q * nr) * <usize>k + <usize>pc) << shift);
    let p = 0;
    if (wq == nr) {
      if (sizeof<T>() == 4) {
        for (; p + 4 <= kc; p += 4) {
          const s = src + (<usize>p << 2);
          const o = dst + (<usize>p << 5);
          transpose4(s, ld, o, ROW_BYTES);
          transpose4(s + 4 * ld, ld, o + 16, ROW_BYTES);
        }
      } else {
        for (; p + 2 <= kc; p += 2) transpose2x4(src + (<usize>p << 3), ld, dst + (<usize>p << 5), ROW_BYTES);
      }
    }
    for (; p < kc; p++) {
      const o = dst + (<usize>p << 5);
      v128.store(o, v128.splat<i32>(0));
      v128.store(o, v128.splat<i32>(0), 16);
      for (let j = 0; j < wq; j++) store<T>(o + (<usize>j << shift), load<T>(src + <usize>j * ld + (<usize>p << shift)));
    }
  }
}

// Packs the mr x kc strip of op(A) whose element (r, p) is at a + r*rs + p*cs
// at dst: MR values per k, rows past mr zero. Without transA rows are
// contiguous along k (cs is one element): 4x4 (f32) / 2x2 (f64) transposes;
// with transA the MR values of one k are contiguous (rs is one element).
@inline function packStripA<T>(dst: usize, a: usize, rs: usize, cs: usize, transA: bool, mr: i32, kc: i32): void {
  const shift = alignof<T>();
  const step = <usize>MR << shift;
  let p = 0;
  if (mr == MR) {
    if (transA) {
      let src = a;
      let o = dst;
      for (; p < kc; p++) {
        v128.store(o, v128.load(src));
        if (sizeof<T>() == 8) v128.store(o, v128.load(src, 16), 16);
        src += cs;
        o += step;
      }
    } else if (sizeof<T>() == 4) {
      for (; p + 4 <= kc; p += 4) transpose4(a + (<usize>p << 2), rs, dst + (<usize>p << 4), 16);
    } else {
      for (; p + 2 <= kc; p += 2) transpose2x4(a + (<usize>p << 3), rs, dst + (<usize>p << 5), 32);
    }
  }
  // Partial strips, and the last k of a transposed one: element by element.
  for (; p < kc; p++) {
    const o = dst + <usize>p * step;
    const src = a + <usize>p * cs;
    v128.store(o, v128.splat<i32>(0));
    if (sizeof<T>() == 8) v128.store(o, v128.splat<i32>(0), 16);
    for (let r = 0; r < mr; r++) store<T>(o + (<usize>r << shift), load<T>(src + <usize>r * rs));
  }
}

// Packs rows 0 .. mb of op(A) (mb <= MC, element (r, p) at a + r*rs + p*cs)
// into ABLOCK as consecutive strips of kc * MR elements. With transA a full
// block reads whole 64-byte lines of stored A per k (16 f32, or 2 lines of
// 8 f64) and scatters them over the 4 strips: packing strip by strip would
// read 16 bytes of each of kc lines m elements apart, and refetch the same
// lines for the next strip, from L2 or beyond when m is a power of two.
@inline function packBlockA<T>(a: usize, rs: usize, cs: usize, transA: bool, mb: i32, kc: i32): void {
  const shift = alignof<T>();
  const stripBytes = (<usize>kc * <usize>MR) << shift;
  if (transA && mb == MC) {
    const step = <usize>MR << shift;
    let src = a;
    let dst = ABLOCK;
    for (let p = 0; p < kc; p++) {
      if (sizeof<T>() == 4) {
        v128.store(dst, v128.load(src));
        v128.store(dst + stripBytes, v128.load(src, 16));
        v128.store(dst + 2 * stripBytes, v128.load(src, 32));
        v128.store(dst + 3 * stripBytes, v128.load(src, 48));
      } else {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        v128.store(dst + stripBytes, v128.load(src, 32));
        v128.store(dst + stripBytes, v128.load(src, 48), 16);
        v128.store(dst + 2 * stripBytes, v128.load(src, 64));
        v128.store(dst + 2 * stripBytes, v128.load(src, 80), 16);
        v128.store(dst + 3 * stripBytes, v128.load(src, 96));
        v128.store(dst + 3 * stripBytes, v128.load(src, 112), 16);
      }
      src += cs;
      dst += step;
    }
    return;
  }
  let dst = ABLOCK;
  for (let r = 0; r < mb; r += MR) {
    packStripA<T>(dst, a + <usize>r * rs, rs, cs, transA, min(MR, mb - r), kc);
    dst += stripBytes;
  }
}

// ---- matrix-vector shapes ----

// out[i] = dot(x + i*ldx, v) over len elements, for i < rows; all contiguous.
@inline function dotRows<T>(x: usize, ldx: usize, v: usize, out: usize, rows: i32, len: i32): void {
  const shift = alignof<T>();
  const lanes = 16 >> <i32>shift;
  const es = <usize>1 << shift;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const x0 = x + <usize>i * ldx;
    const x1 = x0 + ldx;
    const x2 = x1 + ldx;
    const x3 = x2 + ldx;
    let s0 = v128.splat<T>(0), s1 = v128.splat<T>(0), s2 = v128.splat<T>(0), s3 = v128.splat<T>(0);
    let p = 0;
    for (; p + lanes <= len; p += lanes) {
      const off = <usize>p << shift;
      const vv = v128.load(v + off);
      s0 = v128.add<T>(s0, v128.mul<T>(v128.load(x0 + off), vv));
      s1 = v128.add<T>(s1, v128.mul<T>(v128.load(x1 + off), vv));
      s2 = v128.add<T>(s2, v128.mul<T>(v128.load(x2 + off), vv));
      s3 = v128.add<T>(s3, v128.mul<T>(v128.load(x3 + off), vv));
    }
    let d0 = <T>laneSum<T>(s0), d1 = <T>laneSum<T>(s1), d2 = <T>laneSum<T>(s2), d3 = <T>laneSum<T>(s3);
    for (; p < len; p++) {
      const off = <usize>p << shift;
      const vp = load<T>(v + off);
      d0 += load<T>(x0 + off) * vp;
      d1 += load<T>(x1 + off) * vp;
      d2 += load<T>(x2 + off) * vp;
      d3 += load<T>(x3 + off) * vp;
    }
    const o = out + (<usize>i << shift);
    store<T>(o, d0);
    store<T>(o + es, d1);
    store<T>(o + 2 * es, d2);
    store<T>(o + 3 * es, d3);
  }
  for (; i < rows; i++) {
    const x0 = x + <usize>i * ldx;
    let s0 = v128.splat<T>(0);
    let p = 0;
    for (; p + lanes <= len; p += lanes) {
      const off = <usize>p << shift;
      s0 = v128.add<T>(s0, v128.mul<T>(v128.load(x0 + off), v128.load(v + off)));
    }
    let d0 = <T>laneSum<T>(s0);
    for (; p < len; p++) {
      const off = <usize>p << shift;
      d0 += load<T>(x0 + off) * load<T>(v + off);
    }
    store<T>(out + (<usize>i << shift), d0);
  }
}

// out[0..len) = sum over p < count of v[p] * x[p*ldx + 0..len); rows of x, v
// and out contiguous. Columns go 4 vectors at a time, held in registers, so
// out is written once and x read once.
@inline function axpyRows<T>(x: usize, ldx: usize, v: usize, out: usize, count: i32, len: i32): void {
  const shift = alignof<T>();
  const lanes = 16 >> <i32>shift;
  let j = 0;
  for (; j + 4 * lanes <= len; j += 4 * lanes) {
    let px = x + (<usize>j << shift);
    let s0 = v128.splat<T>(0), s1 = v128.splat<T>(0), s2 = v128.splat<T>(0), s3 = v128.splat<T>(0);
    for (let p = 0; p < count; p++) {
      const a = splat<T>(v + (<usize>p << shift));
      s0 = v128.add<T>(s0, v128.mul<T>(a, v128.load(px)));
      s1 = v128.add<T>(s1, v128.mul<T>(a, v128.load(px, 16)));
      s2 = v128.add<T>(s2, v128.mul<T>(a, v128.load(px, 32)));
      s3 = v128.add<T>(s3, v128.mul<T>(a, v128.load(px, 48)));
      px += ldx;
    }
    const o = out + (<usize>j << shift);
    v128.store(o, s0);
    v128.store(o, s1, 16);
    v128.store(o, s2, 32);
    v128.store(o, s3, 48);
  }
  for (; j + lanes <= len; j += lanes) {
    let px = x + (<usize>j << shift);
    let s0 = v128.splat<T>(0);
    for (let p = 0; p < count; p++) {
      s0 = v128.add<T>(s0, v128.mul<T>(splat<T>(v + (<usize>p << shift)), v128.load(px)));
      px += ldx;
    }
    v128.store(out + (<usize>j << shift), s0);
  }
  for (; j < len; j++) {
    let px = x + (<usize>j << shift);
    let s: T = 0;
    for (let p = 0; p < count; p++) {
      s += load<T>(v + (<usize>p << shift)) * load<T>(px);
      px += ldx;
    }
    store<T>(out + (<usize>j << shift), s);
  }
}

// ---- driver ----

export function matmul<T>(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool): void {
  if (m <= 0 || n <= 0) return;
  const shift = alignof<T>();
  if (k <= 0) {
    memory.fill(c, 0, (<usize>m * <usize>n) << shift);
    return;
  }
  if (n == 1) {
    // c[i] = sum_p op(A)[i, p] b[p]; b is contiguous in either layout.
    if (!transA) dotRows<T>(a, <usize>k << shift, b, c, m, k);
    else axpyRows<T>(a, <usize>m << shift, b, c, k, m);
    return;
  }
  if (m == 1) {
    // c[j] = sum_p a[p] op(B)[p, j]; a is contiguous in either layout.
    if (transB) dotRows<T>(b, <usize>k << shift, a, c, n, k);
    else axpyRows<T>(b, <usize>n << shift, a, c, k, n);
    return;
  }
  gemm<T>(a, b, c, m, n, k, transA, transB, 0, m, 0, n);
}

// Rows i0 .. i1 and columns j0 .. j1 of C = op(A) op(B), through packing and
// the micro-kernel (m, n > 1 and k > 0).
export function gemm<T>(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, i0: i32, i1: i32, j0: i32, j1: i32): void {
  const shift = alignof<T>();
  const nr = <i32>(ROW_BYTES >> shift);
  // Balanced blocks: ceil(k / KC) blocks of nearly equal depth (from k alone:
  // every block of C sums in the same order), ceil(w / NC) blocks of nearly
  // equal width (a multiple of NR) over the w columns asked for.
  const kBlocks = (k + KC - 1) / KC;
  const kcStep = (k + kBlocks - 1) / kBlocks;
  const w = j1 - j0;
  const ncMax = NC_PANELS * nr;
  const nBlocks = (w + ncMax - 1) / ncMax;
  const ncStep = ((w + nBlocks - 1) / nBlocks + nr - 1) / nr * nr;
  // op(A)(i, p) is at a + i * rsA + p * csA.
  const rsA: usize = transA ? <usize>1 << shift : <usize>k << shift;
  const csA: usize = transA ? <usize>m << shift : <usize>1 << shift;
  const ldc = <usize>n << shift;
  for (let jc = j0; jc < j1; jc += ncStep) {
    const nc = min(ncStep, j1 - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = min(kcStep, k - pc);
      packB<T>(b, n, k, transB, pc, kc, jc, nc);
      const add = pc > 0;
      const panelBytes = <usize>kc << 5;
      const stripBytes = (<usize>kc * <usize>MR) << shift;
      for (let ib = i0; ib < i1; ib += MC) {
        const mb = min(MC, i1 - ib);
        packBlockA<T>(a + <usize>ib * rsA + <usize>pc * csA, rsA, csA, transA, mb, kc);
        let strip = ABLOCK;
        for (let i = ib; i < ib + mb; i += MR) {
          const mr = min(MR, ib + mb - i);
          let out = c + <usize>i * ldc + (<usize>jc << shift);
          let panel = BBLOCK;
          for (let jp = 0; jp < nc; jp += nr) {
            kernel<T>(strip, panel, kc, out, ldc, mr, min(nr, nc - jp), add);
            panel += panelBytes;
            out += ROW_BYTES;
          }
          strip += stripBytes;
        }
      }
    }
  }
}
