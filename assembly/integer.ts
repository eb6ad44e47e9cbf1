// int32 arithmetic (src/ops/arithmetic.ts and unary.ts on int32 operands),
// with numpy's integer semantics: results wrap around on overflow; mod and
// floor division round toward minus infinity and give 0 for a zero divisor
// (numpy warns and gives 0); pow by repeated squaring (negative exponents are
// refused by the front end). One kernel per arity with the op as an
// argument: integer arithmetic is index bookkeeping, not a hot loop, so one
// export serves every op.

import { offA, offB, rowLength, rowStride, step, walkRows } from "./strided";

const ADD = 0;
const SUB = 1;
const MUL = 2;
const MAXIMUM = 3;
const MINIMUM = 4;
const MOD = 5;
const FLOORDIV = 6;
const POW = 7;

@inline function floorDiv(a: i32, b: i32): i32 {
  if (b == 0) return 0;
  if (b == -1) return -a; // i32.div_s traps on -2^31 / -1; the wrapped result is -2^31
  const q = a / b;
  return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
}

@inline function floorMod(a: i32, b: i32): i32 {
  if (b == 0) return 0;
  const m = a % b; // i32.rem_s of -2^31 by -1 is 0, no trap
  return m != 0 && ((m < 0) != (b < 0)) ? m + b : m;
}

@inline function power(a: i32, b: i32): i32 {
  let result: i32 = 1;
  let base = a;
  let e = b;
  while (e > 0) {
    if (e & 1) result *= base;
    base *= base;
    e >>= 1;
  }
  return result;
}

@inline function apply(op: i32, a: i32, b: i32): i32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == MAXIMUM) return max(a, b);
  if (op == MINIMUM) return min(a, b);
  if (op == MOD) return floorMod(a, b);
  if (op == FLOORDIV) return floorDiv(a, b);
  return power(a, b);
}

@inline function applyVector(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return i32x4.add(a, b);
  if (op == SUB) return i32x4.sub(a, b);
  if (op == MUL) return i32x4.mul(a, b);
  if (op == MAXIMUM) return i32x4.max_s(a, b);
  return i32x4.min_s(a, b);
}

// Over collapsed broadcast shapes (./strided.ts); out is contiguous.
export function int_binary_i32(op: i32, a: usize, b: usize, out: usize, ndim: i32, shape: usize, stridesA: usize, stridesB: usize): void {
  if (ndim == 0) {
    store<i32>(out, apply(op, load<i32>(a), load<i32>(b)));
    return;
  }
  const n = rowLength(ndim, shape);
  const sa = rowStride(ndim, stridesA);
  const sb = rowStride(ndim, stridesB);
  const rows = walkRows(ndim, shape);
  let po = out;
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>offA << 2);
    const pb = b + (<usize>offB << 2);
    let i = 0;
    if (op <= MINIMUM && sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const off = <usize>i << 2;
        v128.store(po + off, applyVector(op, v128.load(pa + off), v128.load(pb + off)));
      }
    }
    for (; i < n; i++) {
      store<i32>(po + (<usize>i << 2), apply(op, load<i32>(pa + (<usize>(i * sa) << 2)), load<i32>(pb + (<usize>(i * sb) << 2))));
    }
    po += <usize>n << 2;
    step(ndim - 1, shape, 2, stridesA, stridesB);
  }
}

const NEG = 0;
const ABS = 1;
const SIGN = 2;

export function int_unary_i32(op: i32, x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<i32>(x + (<usize>i << 2));
    store<i32>(out + (<usize>i << 2), op == NEG ? -v : op == ABS ? (v < 0 ? -v : v) : op == SIGN ? (v > 0 ? 1 : 0) - (v < 0 ? 1 : 0) : v);
  }
}
