// Kernels for src/ops/special.ts: erfinv, lgamma, digamma and
// polygamma (trigamma is polygamma of order 1). Every function is computed in
// float64, per element; the float32 kernels widen, compute and round, so their
// error is the final rounding to float32 (half a float32 ulp) and the float64
// error, which is far below it.
//
// The approximations are Chebyshev interpolants fitted with mpmath at 50
// digits and truncated where the remaining coefficients sum below 1e-19 of
// the function (the fitting recipe: c_j = 2/N Σ_k f(t_k) cos(jπ(k+½)/N) at
// N = 80 Chebyshev nodes t_k on the interval). Accuracy against mpmath,
// measured on 12000 random points per range (4000 per range for polygamma
// orders) as the maximum relative error in float64 ulps (1 ulp = 2.2e-16), is
// stated at each function.

import { chebyshev, erf64, erfc64 } from "./erf";

// ---------------------------------------------------------------------------
// erfinv: Giles' single-precision approximation ("Approximating the erfinv
// function", GPU Computing Gems, 2011) as the first guess, then Halley steps,
// each of which triples the number of correct digits. Where Giles' polynomials
// were fitted (w = -log(1 - x²) < 16, i.e. 1 - |x| > 6e-8) the guess is within
// 1.2e-7 relative (measured) and one step lands below 1e-18. For |x| ≤ 0.5 the
// step solves f(y) = erf(y) - |x| = 0 (f''/f' = -2y, so a step is
// y -= d / (1 + y d) with d = f / f'). In the tails it solves
// g(y) = log(erfc(y) / q) = 0 with q = 1 - |x| (exact there): erfc keeps its
// relative accuracy and g is nearly quadratic in y, so the tail is exact up to
// |x| = 1 - 2^-53. Past Giles' range the first guess is the asymptotic
// erfc(y) ≈ e^{-y²}/(y√π) solved twice by fixed point (1e-3 relative), which
// two steps take to the rounding floor. Measured: within 2.0 ulp on (-1, 1),
// 1.0 ulp on ±(1 - 10^-k) for k in [1, 16] and for tiny |x| down to 1e-300.

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const SQRT_PI: f64 = 1.7724538509055159;

function erfinv64(x: f64): f64 {
  const a = Math.abs(x);
  if (!(a < 1)) return a == 1 ? x * Infinity : NaN;
  if (a == 0) return x;
  const q = 1 - a; // exact for a ≥ 0.5, the tail
  let w = -Math.log(q * (1 + a));
  let y: f64;
  let steps = 1;
  if (w < 16) {
    let p: f64;
    if (w < 5) {
      w = w - 2.5;
      p = 2.81022636e-08;
      p = 3.43273939e-07 + p * w;
      p = -3.5233877e-06 + p * w;
      p = -4.39150654e-06 + p * w;
      p = 0.00021858087 + p * w;
      p = -0.00125372503 + p * w;
      p = -0.00417768164 + p * w;
      p = 0.246640727 + p * w;
      p = 1.50140941 + p * w;
    } else {
      w = Math.sqrt(w) - 3;
      p = -0.000200214257;
      p = 0.000100950558 + p * w;
      p = 0.00134934322 + p * w;
      p = -0.00367342844 + p * w;
      p = 0.00573950773 + p * w;
      p = -0.0076224613 + p * w;
      p = 0.00943887047 + p * w;
      p = 1.00167406 + p * w;
      p = 2.83297682 + p * w;
    }
    y = p * a;
  } else {
    steps = 2;
    const l = -Math.log(q);
    y = Math.sqrt(l);
    y = Math.sqrt(l - Math.log(y * SQRT_PI));
  }
  if (a <= 0.5) {
    for (let i = 0; i < steps; i++) {
      const d = (erf64(y) - a) / (TWO_OVER_SQRT_PI * Math.exp(-y * y));
      y -= d / (1 + y * d);
    }
  } else {
    for (let i = 0; i < steps; i++) {
      const e = erfc64(y);
      const g = Math.log(e / q);
      const r = TWO_OVER_SQRT_PI * Math.exp(-y * y) / e; // -g'(y); g'' = r (2y - r)
      y += 2 * g / (2 * r - g * (2 * y - r));
    }
  }
  return x < 0 ? -y : y;
}

// ---------------------------------------------------------------------------
// sin(πx) and cot(πx) with exact argument reduction: r = x - round(x) is exact
// and in [-0.5, 0.5], so only the rounding of π r (half an ulp) remains.

@inline function reduceHalf(x: f64): f64 { return x - nearest<f64>(x); }
@inline function cospiReduced(r: f64): f64 {
  const a = Math.abs(r);
  return a <= 0.25 ? Math.cos(Math.PI * a) : Math.sin(Math.PI * (0.5 - a));
}
@inline function cotpi(x: f64): f64 {
  const r = reduceHalf(x);
  return cospiReduced(r) / Math.sin(Math.PI * r);
}

// ---------------------------------------------------------------------------
// lgamma = log|Γ(x)|. Two cores that carry the zeros at 1 and 2 as exact
// factors, so the result keeps its relative accuracy next to them:
// lgamma(x) = (x - 1) R1(x) on [0.5, 1.5] and (x - 2) R2(x) on [1.5, 3]
// (x - 1 and x - 2 are exact there). Below 0.5, lgamma(x) = x R1(1 + x) - log x;
// on (3, 10) the recurrence lgamma(x) = lgamma(x - m) + log((x-1)...(x-m)) down
// to (2, 3] (each x - k is exact); from 10 on, Stirling's series
// (x - ½)(log x - 1) + ½ log 2π - ½ + Σ_{k≤9} B_2k / (2k(2k-1) x^{2k-1}),
// truncated below 2e-18 relative. For x < 0: on (-1, 0) lgamma(x) =
// lgamma(1 + x) - log(-x), below -1 the reflection
// lgamma(x) = log(π / |x sin πx|) - lgamma(-x); +Infinity at 0 and at the
// negative integers (the poles), and at ±Infinity.
// Measured: within 2.6 ulp on (0, 3] (1.3 ulp within 1e-3 of 1 and 2), 2.0 ulp
// on (3, 1e300], 1.2 ulp on (-1, 0). On (-20, -1) the error is within 2.3 ulp
// of max(1, |lgamma|): relative, but for the zeros of lgamma on the negative
// axis (near -2.457, -2.747, -3.144, ...), where the reflection cancels and the
// error stays about 2e-16 absolute.

// 33 terms on [0.5, 1.5]
const LGAMMA_NEAR_1 = memory.data<f64>([
  -0.633011426275031, 0.4405675574678963, -0.057857409449912446, 0.010513973690267811,
  -0.002163989092091715, 0.0004744402338724658, -0.00010799644528099427, 2.5201155299530276e-05,
  -5.986014498026819e-06, 1.4410616180293054e-06, -3.5060690575761177e-07, 8.603823016763753e-08,
  -2.126510912478688e-08, 5.287778091463614e-09, -1.3217135752166157e-09, 3.3186698554450495e-10,
  -8.365902567746219e-11, 2.116338666160694e-11, -5.370507653794381e-12, 1.3666688100545857e-12,
  -3.486660039885161e-13, 8.915622432767707e-14, -2.28454959350908e-14, 5.86514671522212e-15,
  -1.5084071183968602e-15, 3.885614648428306e-16, -1.0024188186640361e-16, 2.5896418565384152e-17,
  -6.69867474095857e-18, 1.7348373407131055e-18, -4.497954546916509e-19, 1.1674191440825725e-19,
  -3.032954474343342e-20,
]);
// 24 terms on [1.5, 3]
const LGAMMA_NEAR_2 = memory.data<f64>([
  0.48362763659842517, 0.22408351337696908, -0.016061611364725618, 0.0016796351005504537,
  -0.000206207082576848, 2.7619482587698902e-05, -3.902432064395172e-06, 5.712600238782988e-07,
  -8.57232441585347e-08, 1.3098706178370361e-08, -2.0291174319191596e-09, 3.177019404112652e-10,
  -5.0168902255267044e-11, 7.977607508944761e-12, -1.2759320707466868e-12, 2.0507506001786822e-13,
  -3.309998326505828e-14, 5.362087191185866e-15, -8.714427500704616e-16, 1.4203170417419452e-16,
  -2.3208252786405174e-17, 3.801021892031957e-18, -6.238290254064288e-19, 1.0257883130864376e-19,
]);

const STIRLING = memory.data<f64>([
  0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953,
  0.0008417508417508417, -0.0019175269175269176, 0.00641025641025641, -0.029550653594771242,
  0.17964437236883057,
]);
const HALF_LOG_2PI_MINUS_HALF: f64 = 0.4189385332046727;

@inline function lgammaNear1(x: f64): f64 { return chebyshev(LGAMMA_NEAR_1, 33, 0.5, 1.5, x); }
@inline function lgammaNear2(x: f64): f64 { return chebyshev(LGAMMA_NEAR_2, 24, 1.5, 3, x); }

// lgamma(x) for x > 0 (and +Infinity, NaN).
function lgammaPos(x: f64): f64 {
  if (x < 0.5) return x * lgammaNear1(1 + x) - Math.log(x);
  if (x <= 1.5) return (x - 1) * lgammaNear1(x);
  if (x <= 3) return (x - 2) * lgammaNear2(x);
  if (x < 10) {
    let y = x;
    let p: f64 = 1;
    while (y > 3) {
      y -= 1;
      p *= y;
    }
    return (y - 2) * lgammaNear2(y) + Math.log(p);
  }
  const z = 1 / x;
  const z2 = z * z;
  let s = load<f64>(STIRLING + 64);
  for (let k = 7; k >= 0; k--) s = s * z2 + load<f64>(STIRLING + (<usize>k << 3));
  return (x - 0.5) * (Math.log(x) - 1) + HALF_LOG_2PI_MINUS_HALF + s * z;
}

function lgamma64(x: f64): f64 {
  if (x > 0) return lgammaPos(x);
  if (x != x) return x;
  if (x == Math.floor(x)) return Infinity; // 0, -0, negative integers, -Infinity
  if (x > -1) return lgammaPos(1 + x) - Math.log(-x);
  const s = Math.sin(Math.PI * reduceHalf(x));
  return Math.log(Math.PI / Math.abs(x * s)) - lgammaPos(-x);
}

// ---------------------------------------------------------------------------
// digamma ψ = Γ'/Γ. Core: ψ(x) = (x - x0) R(x) on [1, 2], with x0 the positive
// root 1.4616321449683623... carried as x0_hi + x0_lo, so ψ keeps its relative
// accuracy next to its zero. Below 1, ψ(x) = ψ(1 + x) - 1/x; on (2, 10) the
// recurrence ψ(x) = ψ(x - m) + Σ 1/(x - k) down to [1, 2]; from 10 on, the
// asymptotic series log x - 1/(2x) - Σ_{k≤9} B_2k / (2k x^2k) (truncated below
// 2e-18 relative). x < 0: reflection ψ(x) = ψ(1 - x) - π cot πx. At the poles
// (0, -0, the negative integers) and at -Infinity the result is NaN, since ψ
// tends to +∞ on one side and -∞ on the other; ψ(+Infinity) = +Infinity.
// Measured: within 2.0 ulp on (0, 1e300] (1.3 ulp within 1e-3 of the root).
// On (-20, 0) within 6 ulp of max(1, |ψ|): relative, but for the zeros of ψ on
// the negative axis (one between each pair of poles), where the reflection
// cancels and the error stays about 1e-15 absolute.

// 26 terms on [1, 2]
const DIGAMMA_CORE = memory.data<f64>([
  0.983570260441567, -0.2270640863346444, 0.03336889902393011, -0.005320077271596548,
  0.0008788656937820505, -0.00014773492650606044, 2.5060543468359146e-05, -4.2721034029993324e-06,
  7.302769272465923e-07, -1.2502886813559594e-07, 2.1425009322359472e-08, -3.673295918565179e-09,
  6.299717236108931e-10, -1.080593028883266e-10, 1.853735192053638e-11, -3.18023536582553e-12,
  5.456147570322795e-13, -9.360993131036438e-14, 1.606064636295075e-14, -2.7555431377438815e-15,
  4.727736178601912e-16, -8.11148420346509e-17, 1.391707769474154e-17, -2.3877901082188625e-18,
  4.096797187161558e-19, -7.028989740861997e-20,
]);

const DIGAMMA_X0_HI: f64 = 1.4616321449683622;
const DIGAMMA_X0_LO: f64 = 9.549995429965697e-17;
const DIGAMMA_SERIES = memory.data<f64>([
  0.08333333333333333, -0.008333333333333333, 0.003968253968253968, -0.004166666666666667,
  0.007575757575757576, -0.021092796092796094, 0.08333333333333333, -0.4432598039215686,
  3.0539543302701198,
]);

@inline function digammaCore(x: f64): f64 {
  return ((x - DIGAMMA_X0_HI) - DIGAMMA_X0_LO) * chebyshev(DIGAMMA_CORE, 26, 1, 2, x);
}

// ψ(x) for x > 0 (and +Infinity, NaN).
function digammaPos(x: f64): f64 {
  if (x < 1) return digammaCore(1 + x) - 1 / x;
  if (x <= 2) return digammaCore(x);
  if (x < 10) {
    let y = x;
    let s: f64 = 0;
    while (y > 2) {
      y -= 1;
      s += 1 / y;
    }
    return digammaCore(y) + s;
  }
  const z2 = 1 / (x * x);
  let s = load<f64>(DIGAMMA_SERIES + 64);
  for (let k = 7; k >= 0; k--) s = s * z2 + load<f64>(DIGAMMA_SERIES + (<usize>k << 3));
  return Math.log(x) - 0.5 / x - s * z2;
}

function digamma64(x: f64): f64 {
  if (x > 0) return digammaPos(x);
  if (x != x || x == Math.floor(x)) return NaN;
  return digammaPos(1 - x) - Math.PI * cotpi(x);
}

// ---------------------------------------------------------------------------
// polygamma ψ⁽ⁿ⁾, n ≥ 1. For x > 0: the recurrence
// ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + m) + (-1)^{n+1} n! Σ_{j<m} (x + j)^{-(n+1)} up to
// X = 10 + 1.5n, then the asymptotic series
// ψ⁽ⁿ⁾(X) = (-1)^{n+1} (n-1)!/Xⁿ [1 + n/(2X) + Σ_k B_2k/(2k)! n(n+1)...(n+2k-1) / X^2k],
// summed until a term falls below 1e-17 of the sum (at most 20 terms; at this X
// the terms shrink about tenfold or more each). Every term has the sign of the
// result, so nothing cancels. n!/yᵖ is computed directly while that stays in
// range and through exp(log n! - p log y) otherwise (then about p·1e-16
// relative: this happens only for results near the ends of the float64 range
// or n > 170). Orders up to 1000 are accepted by the front end.
// x < 0: the reflection ψ⁽ⁿ⁾(x) = (-1)ⁿ ψ⁽ⁿ⁾(1 - x) - π^{n+1} Qₙ(cot πx), with
// dⁿ/dxⁿ cot(πx) = πⁿ Qₙ(cot πx), Q₀(c) = c, Q_{k+1} = -(1 + c²) Q_k'(c): the
// coefficients of Qₙ share one sign, so Qₙ is evaluated without cancellation.
// Supported for n ≤ 100 (NaN beyond). At the poles (0, -0, negative integers)
// ψ⁽ⁿ⁾ is +Infinity for odd n (it tends to +∞ from both sides) and NaN for even
// n (the sides disagree); at -Infinity NaN, at +Infinity 0.
// Measured on (0, 20) and [10, 1e50] (1e6 for n ≥ 10): trigamma within 2.8
// ulp, n = 2, 3, 5, 10 within 3.0, 4.0, 4.4, 4.1 ulp, n = 30 within 6.8 ulp.
// On (-10, 0), in units of max(1, |ψ⁽ⁿ⁾|): 2.9, 4.0, 4.9, 9.2, 13.4, 36 ulp for
// n = 1, 2, 3, 5, 10, 30, which is what the conditioning of the function,
// (n + 1)|x| / (distance to the nearest pole), allows; relative, but for the
// zeros of even orders.

const POLYGAMMA_SERIES = memory.data<f64>([
  0.08333333333333333, -0.001388888888888889, 3.306878306878307e-05, -8.267195767195768e-07,
  2.08767569878681e-08, -5.284190138687493e-10, 1.3382536530684679e-11, -3.3896802963225827e-13,
  8.586062056277845e-15, -2.174868698558062e-16, 5.5090028283602295e-18, -1.3954464685812522e-19,
  3.534707039629467e-21, -8.953517427037546e-23, 2.267952452337683e-24, -5.744790668872202e-26,
  1.455172475614865e-27, -3.6859949406653103e-29, 9.336734257095045e-31, -2.36502241570063e-32,
]);
const POLYGAMMA_MAX_REFLECTED = 100;
// Coefficients of Q_k, two buffers of degree ≤ 101 (filled once per kernel call).
const COT_DERIVATIVE = memory.data(8 * 2 * 104);

// yᵖ for an integer 1 ≤ p ≤ 8 by repeated squaring (at most 4 roundings).
@inline function smallPower(y: f64, p: i32): f64 {
  let r: f64 = 1;
  let b = y;
  let e = p;
  while (true) {
    if (e & 1) r *= b;
    e >>= 1;
    if (e == 0) break;
    b *= b;
  }
  return r;
}

const MIN_NORMAL: f64 = 2.2250738585072014e-308;

// f / yᵖ, with f = n! (or n!/n) and logF its logarithm: by multiplication for
// small p (much faster than pow), by pow while yᵖ stays a normal number, else
// as exp(logF - p log y).
@inline function factorialOverPower(f: f64, logF: f64, y: f64, p: f64): f64 {
  if (p <= 8) {
    const w = smallPower(y, <i32>p);
    if (f < Infinity && w >= MIN_NORMAL && w < Infinity) return f / w;
  }
  const r = Math.pow(y, -p);
  if (f < Infinity && r >= MIN_NORMAL && r < Infinity) return f * r;
  return Math.exp(logF - p * Math.log(y));
}

// ψ⁽ⁿ⁾(x) for x > 0, n ≥ 1; fact = n!, logFact = log n!.
function polygammaPos(n: i32, x: f64, fact: f64, logFact: f64): f64 {
  const nf = <f64>n;
  const big = 10 + 1.5 * nf;
  let sum: f64 = 0;
  let y = x;
  if (x < big) {
    const m = <i32>Math.ceil(big - x);
    for (let j = 0; j < m; j++) sum += factorialOverPower(fact, logFact, x + <f64>j, nf + 1);
    y = x + <f64>m;
  }
  const lead = factorialOverPower(fact / nf, logFact - Math.log(nf), y, nf);
  const z2 = 1 / (y * y);
  let series = 1 + nf / (2 * y);
  let rising = nf * (nf + 1);
  let zk = z2;
  for (let k = 1; k <= 20; k++) {
    const term = load<f64>(POLYGAMMA_SERIES + (<usize>(k - 1) << 3)) * rising * zk;
    series += term;
    if (Math.abs(term) <= 1e-17 * series) break;
    rising *= (nf + <f64>(2 * k)) * (nf + <f64>(2 * k + 1));
    zk *= z2;
  }
  const total = sum + lead * series;
  return n & 1 ? total : -total;
}

// Fills the coefficients of Q_n (see above) into one half of COT_DERIVATIVE;
// returns its address.
function cotDerivativeCoefficients(n: i32): usize {
  let a = COT_DERIVATIVE;
  let b = COT_DERIVATIVE + 8 * 104;
  memory.fill(COT_DERIVATIVE, 0, 8 * 2 * 104);
  store<f64>(a + 8, 1); // Q_0(c) = c
  for (let k = 0; k < n; k++) {
    for (let m = 0; m <= k + 2; m++) {
      let v = <f64>(m + 1) * load<f64>(a + (<usize>(m + 1) << 3));
      if (m >= 1) v += <f64>(m - 1) * load<f64>(a + (<usize>(m - 1) << 3));
      store<f64>(b + (<usize>m << 3), -v);
    }
    const t = a;
    a = b;
    b = t;
  }
  return a;
}

function polygamma64(n: i32, x: f64, fact: f64, logFact: f64, q: usize, piPower: f64): f64 {
  if (x > 0) return polygammaPos(n, x, fact, logFact);
  if (x != x || x == -Infinity) return NaN;
  if (x == Math.floor(x)) return n & 1 ? Infinity : NaN;
  if (n > POLYGAMMA_MAX_REFLECTED) return NaN;
  const c = cotpi(x);
  // Within ~1e-308 of 0, sin(πx) is subnormal and cot overflows: there the
  // pole term (-1)^(n+1) n! / x^(n+1) dominates, which is +Infinity as x → 0⁻.
  if (c - c != 0) return Infinity;
  let poly: f64 = 0;
  for (let j = n + 1; j >= 0; j--) poly = poly * c + load<f64>(q + (<usize>j << 3));
  const reflected = polygammaPos(n, 1 - x, fact, logFact);
  return (n & 1 ? -reflected : reflected) - piPower * poly;
}

// ---------------------------------------------------------------------------
// Exported kernels: (x, out, n) over contiguous arrays, computed in float64.

const ERFINV = 2;
const LGAMMA = 3;
const DIGAMMA = 4;

@inline function special64(op: i32, v: f64): f64 {
  if (op == ERFINV) return erfinv64(v);
  if (op == LGAMMA) return lgamma64(v);
  return digamma64(v);
}

@inline function specialMap<T>(op: i32, x: usize, out: usize, n: i32): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, <T>special64(op, <f64>load<T>(x + off)));
  }
}

// (erf and erfc are in unary.ts, beside the vectorized exp their float32 kernels use)
export function erfinv_f32(x: usize, out: usize, n: i32): void { specialMap<f32>(ERFINV, x, out, n); }
export function erfinv_f64(x: usize, out: usize, n: i32): void { specialMap<f64>(ERFINV, x, out, n); }
export function lgamma_f32(x: usize, out: usize, n: i32): void { specialMap<f32>(LGAMMA, x, out, n); }
export function lgamma_f64(x: usize, out: usize, n: i32): void { specialMap<f64>(LGAMMA, x, out, n); }
export function digamma_f32(x: usize, out: usize, n: i32): void { specialMap<f32>(DIGAMMA, x, out, n); }
export function digamma_f64(x: usize, out: usize, n: i32): void { specialMap<f64>(DIGAMMA, x, out, n); }

// ψ⁽ᵒʳᵈᵉʳ⁾ elementwise; order ≥ 0 (order 0 is digamma).
@inline function polygammaBody<T>(x: usize, out: usize, n: i32, order: i32): void {
  const shift = alignof<T>();
  if (order == 0) {
    specialMap<T>(DIGAMMA, x, out, n);
    return;
  }
  let fact: f64 = 1;
  for (let k = 2; k <= order; k++) fact *= <f64>k;
  const logFact = lgammaPos(<f64>order + 1);
  const q = order <= POLYGAMMA_MAX_REFLECTED ? cotDerivativeCoefficients(order) : COT_DERIVATIVE;
  const piPower = Math.pow(Math.PI, <f64>order + 1);
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, <T>polygamma64(order, <f64>load<T>(x + off), fact, logFact, q, piPower));
  }
}

export function polygamma_f32(x: usize, out: usize, n: i32, order: i32): void { polygammaBody<f32>(x, out, n, order); }
export function polygamma_f64(x: usize, out: usize, n: i32, order: i32): void { polygammaBody<f64>(x, out, n, order); }
