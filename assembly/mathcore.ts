// Helpers of ./elementary.ts, ./specialx.ts and ./bessel.ts (not kernels:
// not re-exported from index.ts): sin(πx) and cos(πx) with exact argument
// reduction, e^{x²} without the rounding of x², and Clenshaw's evaluation of
// Chebyshev series.

// ---------------------------------------------------------------------------
// sin(πx) and cos(πx). x = n + r with n = round(x) and r = x - n exact, |r| ≤ ½;
// then sin(πx) = (-1)ⁿ sin(πr) and cos(πx) = (-1)ⁿ cos(πr), and on [¼, ½] the
// cofunction of ½ - |r| (also exact) keeps the argument of sin or cos below π/4.
// Only the rounding of π·r remains: about 1 ulp, and exact zeros at the
// integers (sinpi) and half-integers (cospi), where sin(π * x) is off by 1e-16.

@inline function odd(n: f64): bool { return n - 2 * Math.floor(0.5 * n) != 0; }

export function sinpi64(x: f64): f64 {
  if (!isFinite(x)) return NaN;
  const n = nearest<f64>(x);
  const r = x - n;
  const a = Math.abs(r);
  let s = a <= 0.25 ? Math.sin(Math.PI * a) : Math.cos(Math.PI * (0.5 - a));
  if (r < 0) s = -s;
  if (odd(n)) s = -s;
  return s == 0 ? copysign<f64>(0, x) : s;
}

export function cospi64(x: f64): f64 {
  if (!isFinite(x)) return NaN;
  const n = nearest<f64>(x);
  const a = Math.abs(x - n);
  const c = a <= 0.25 ? Math.cos(Math.PI * a) : Math.sin(Math.PI * (0.5 - a));
  return odd(n) ? -c : c;
}

/** e^{x²} without the rounding of x²: x = h + l with h cut to 26 bits, so h² is exact. */
export function expSquare(x: f64): f64 {
  const h = reinterpret<f64>(reinterpret<u64>(x) & 0xfffffffff8000000);
  const l = x - h;
  return Math.exp(h * h) * Math.exp(l * (x + h));
}

