// pow(x, e) along a row whose exponent is one scalar e (src/ops/arithmetic.ts:
// pow with a number or a broadcast scalar), by multiplication and sqrt
// instead of a libm pow per element (13-20 ns each), for the exponents
// where that is as accurate:
// - float32, integer or half-integer e with |e| <= 32: x^k by repeated
//   squaring, times sqrt(x) for a half, inverted for e < 0, all in float64
//   (products of float32 values are exact there or within 2^-50) and rounded
//   once to float32: correctly rounded but in near-ties, where libm's powf is
//   within 1 ulp.
// - float64, e in {-1, 0, 1, 2, 0.5}: one correctly rounded operation each
//   (1/x, x·x, sqrt(x)).
// Special values follow pow (ECMAScript / C99): x^0 = 1 even for NaN;
// (-0)^k and (-∞)^k keep the sign for odd k; for half-integers -0 is taken
// as +0 and -∞ as +∞ (their pow is that of the positive twin), other negative
// bases give NaN (sqrt). Not an internal module export: assembly/binary.ts
// calls it.

/** Is e handled here for dtype T? */
@inline function handled<T>(e: T): bool {
  if (sizeof<T>() == 8) return e == -1 || e == 0 || e == 1 || e == 2 || e == 0.5;
  const twice = e * 2;
  return twice == trunc<T>(twice) && abs<T>(e) <= 32;
}

/** x^e in float64 for a handled e: k = trunc(|e|), half: |e| - k = 0.5. */
@inline function pow64(x: f64, k: i32, half: bool, negative: bool): f64 {
  if (half) {
    if (x == -Infinity) x = Infinity;
    x += 0; // -0 -> +0
  }
  let p: f64;
  // (the same products as the vector path: its small powers are these too)
  if (k == 3) p = (x * x) * x;
  else if (k == 4) {
    const s = x * x;
    p = s * s;
  } else {
    p = 1;
    let base = x;
    for (let m = k; m != 0; m >>= 1) {
      if (m & 1) p *= base;
      base *= base;
    }
  }
  if (half) p *= Math.sqrt(x);
  return negative ? 1 / p : p;
}

/** The same on two float64 lanes. */
@inline function pow64x2(x: v128, k: i32, half: bool, negative: bool): v128 {
  if (half) {
    const inf = f64x2.splat(Infinity);
    x = v128.bitselect(inf, x, f64x2.eq(x, f64x2.splat(-Infinity)));
    x = f64x2.add(x, f64x2.splat(0));
  }
  let p: v128;
  // the usual small powers straight (the loop keeps vectors in memory in V8)
  if (k == 0) p = f64x2.splat(1);
  else if (k == 1) p = x;
  else if (k == 2) p = f64x2.mul(x, x);
  else if (k == 3) p = f64x2.mul(f64x2.mul(x, x), x);
  else if (k == 4) {
    const s = f64x2.mul(x, x);
    p = f64x2.mul(s, s);
  } else {
    p = f64x2.splat(1);
    let base = x;
    for (let m = k; m != 0; m >>= 1) {
      if (m & 1) p = f64x2.mul(p, base);
      base = f64x2.mul(base, base);
    }
  }
  if (half) p = f64x2.mul(p, f64x2.sqrt(x));
  return negative ? f64x2.div(f64x2.splat(1), p) : p;
}

/**
 * out[i] = a[i * strideA]^e for i < n, when e is handled (returns true);
 * false, having written nothing, otherwise.
 */
@inline export function powScalarRow<T>(a: usize, strideA: i32, e: T, out: usize, n: i32): bool {
  if (!handled<T>(e)) return false;
  const k = <i32>trunc<T>(abs<T>(e));
  const half = abs<T>(e) - <T>k != 0;
  const negative = e < 0;
  const shift = alignof<T>();
  let i = 0;
  if (strideA == 1) {
    if (sizeof<T>() == 4) {
      for (; i + 4 <= n; i += 4) {
        const v = v128.load(a + (<usize>i << 2));
        const lo = pow64x2(f64x2.promote_low_f32x4(v), k, half, negative);
        const hi = pow64x2(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)), k, half, negative);
        v128.store(out + (<usize>i << 2), v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
      }
    } else {
      for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), pow64x2(v128.load(a + (<usize>i << 3)), k, half, negative));
    }
  }
  const step = <usize>strideA << shift;
  let pa = a + <usize>i * step;
  for (; i < n; i++) {
    store<T>(out + (<usize>i << shift), <T>pow64(<f64>load<T>(pa), k, half, negative));
    pa += step;
  }
  return true;
}
