// Kernels for the special functions of src/ops/special.ts beyond the erf and
// gamma families of ./special.ts: gamma itself, the scaled complementary error
// function erfcx, its inverse-side companion erfcinv, and Dawson's integral.
// Computed in float64 per element; the float32 kernels widen, compute and
// round once. The interpolants are Chebyshev series we fitted with mpmath at
// 40 digits (c_j = 2/N Σ f(t_k) cos(jπ(k+½)/N) over N = 90 Chebyshev nodes,
// truncated where the remaining coefficients sum below 1e-18 of the smallest
// |f| on the interval), evaluated by Clenshaw's recurrence. Accuracy against
// mpmath is stated at each function (test/special-accuracy.test.ts checks it).

import { erf64, erfc64 } from "./erf";
import { chebyshev } from "./erf";
import { expSquare, sinpi64 } from "./mathcore";

// 24 terms on [1, 2]
const GAMMA_1_2 = memory.data<f64>([
  0.9417855977954946, 0.004415381324841007, 0.05685043681599363, -0.00421983539641856,
  0.0013268081812124603, -0.00018930245297988805, 3.606925327441245e-05, -6.056761904460864e-06,
  1.0558295463022833e-06, -1.811967365542384e-07, 3.117724964715322e-08, -5.354219639019687e-09,
  9.193275519859589e-10, -1.5779412802883398e-10, 2.7079806229349544e-11, -4.64681865382573e-12,
  7.97335019200742e-13, -1.368078209830916e-13, 2.3473194865638007e-14, -4.027432614949067e-15,
  6.910051747372101e-16, -1.185584500221993e-16, 2.034148542496374e-17, -3.490054341717406e-18,
]);
// 19 terms on [0, 1]
const ERFCX_0_1 = memory.data<f64>([
  0.6636754548049562, -0.27846906527659765, 0.04903417939717065, -0.007599751020383188,
  0.0010654107427530049, -0.00013750347856587034, 1.654054543985497e-05, -1.8714831220745124e-06,
  2.005707523747154e-07, -2.047435473714216e-08, 1.999753198444048e-09, -1.8758264773418728e-10,
  1.6952320375586177e-11, -1.4799803967565557e-12, 1.251077129136384e-13, -1.0261146160401797e-14,
  8.1802806636892e-16, -6.348781380104645e-17, 4.803725215126108e-18,
]);
// 18 terms on [1, 2]
const ERFCX_1_2 = memory.data<f64>([
  0.331427281639452, -0.0850021377067432, 0.009951127341466115, -0.0010810888102208325,
  0.0001102324363119495, -1.0636830518218601e-05, 9.775012680479055e-07, -8.597922867888315e-08,
  7.2677084117248425e-09, -5.923543840592542e-10, 4.6683928572294154e-11, -3.56612770156775e-12,
  2.6458779519104523e-13, -1.9101658673527567e-14, 1.343976588479829e-15, -9.228790549094326e-17,
  6.19267308464391e-18, -4.0652224326488762e-19,
]);
// 21 terms on [2, 4]
const ERFCX_2_4 = memory.data<f64>([
  0.1874295690262241, -0.05794652883669097, 0.008595247387396534, -0.0012284613640242594,
  0.00016974366686180488, -2.2738329337044562e-05, 2.959844378804878e-06, -3.7513575581379714e-07,
  4.6372828761738244e-08, -5.599455392564088e-09, 6.613160896679916e-10, -7.648271522199816e-11,
  8.670904325876594e-12, -9.645456274382108e-13, 1.0536827959360625e-13, -1.1312630906760667e-14,
  1.1945180669174577e-15, -1.241310752580407e-16, 1.270246323185436e-17, -1.280725873663855e-18,
  1.2729426443953689e-19,
]);
// 16 terms on [0, 0.0625]
const ERFCX_TAIL = memory.data<f64>([
  0.9853526361287724, -0.014339740271774976, 0.00029736169220261896, -9.803516043362372e-06,
  4.3313342034728005e-07, -2.3621500262412274e-08, 1.515496765813012e-09, -1.1084939856604327e-10,
  9.042590142817653e-12, -8.09470541619237e-13, 7.853855739377158e-14, -8.179183400452656e-15,
  9.071473527893728e-16, -1.0646172287763947e-16, 1.3150090110649642e-17, -1.7018320373695294e-18,
]);
// 20 terms on [0, 4]
const DAWSON_0_2 = memory.data<f64>([
  0.4410406953812108, -0.39123921020678876, 0.12750248104023815, -0.03226539423443118,
  0.006621382082397935, -0.0011383378087073276, 0.0001680248882818195, -2.170167693150586e-05,
  2.489630283036481e-06, -2.567687962431865e-07, 2.4044785516810898e-08, -2.061400624084799e-09,
  1.629312713332284e-10, -1.1943935250188665e-11, 8.162835366150306e-13, -5.224558681934986e-14,
  3.144145283086303e-15, -1.7853929949067343e-16, 9.596492555002001e-18, -4.896303336225503e-19,
]);
// 25 terms on [2, 4]
const DAWSON_2_4 = memory.data<f64>([
  0.19604460186538486, -0.0817752769948382, 0.018564634891476924, -0.004178417948757705,
  0.0007665890201944622, -5.75094596896553e-05, -2.8103881375671697e-05, 1.4644863766546531e-05,
  -3.5834970508090683e-06, 3.9632709282037824e-07, 5.138585374013603e-08, -3.0545989981884656e-08,
  5.458520807229907e-09, -1.2068918364744411e-10, -1.6145167576945983e-10, 3.592614127800058e-11,
  -1.8180638676363661e-12, -7.066167183676123e-13, 1.6682844438558702e-13, -8.181018629960813e-15,
  -2.8540681811424546e-15, 5.996490942536257e-16, -1.8289205397786716e-17, -1.0430525776541952e-17,
  1.684501535935695e-18,
]);
// 30 terms on [4, 8]
const DAWSON_4_8 = memory.data<f64>([
  0.0901552491443869, -0.03205945577164058, 0.0058078885883300875, -0.0010735254547985969,
  0.00020280497605197867, -3.9242280169822124e-05, 7.799492661396797e-06, -1.5982548796609459e-06,
  3.393022952019996e-07, -7.503005146664659e-08, 1.735287303899989e-08, -4.193578282857054e-09,
  1.0478212942619149e-09, -2.6442155393252673e-10, 6.486043102421807e-11, -1.4553203992296983e-11,
  2.6342117900627253e-12, -2.1326846982200498e-13, -1.0548779012997953e-13, 7.221149537220499e-14,
  -2.8058112272350436e-14, 8.162669068167833e-15, -1.7759550292609585e-15, 2.2657712943038223e-16,
  2.2934038203732362e-17, -2.5028348170914954e-17, 8.886294791613047e-18, -1.9907622333388064e-18,
  2.3035486924507357e-19, 3.200121321899488e-20,
]);
// 11 terms on [0, 0.015625]
const DAWSON_TAIL = memory.data<f64>([
  1.0039772640396836, 0.004001338920048155, 2.4321937279936257e-05, 2.506695088681147e-07,
  3.681764642043483e-09, 7.082097844415518e-11, 1.6972054623060496e-12, 4.903579737580265e-14,
  1.6690507231833194e-15, 6.580029490131634e-17, 2.966188294389192e-18,
]);

// ---------------------------------------------------------------------------
// gamma. On [1, 2] the interpolant; below 2 and up to 20 the recurrence
// Γ(x) = Γ(y)·y(y+1)...(x-1) (or Γ(x) = Γ(x+1)/x downwards), each factor
// exact; from 20 on, Stirling's series Γ(x) = √(2π) v (v e^{-x}) e^{s(x)} with
// v = x^{x/2 - 1/4} (so nothing overflows before Γ does, at 171.62...). For
// x < 0 the reflection Γ(x) = π / (sin(πx) Γ(1 - x)) with an exact sin(πx).
// Poles: ±Infinity at ±0 (by the sign of zero), NaN at the negative integers
// and at -Infinity. Integers up to 23 give the exact factorial.

const STIRLING_SERIES = memory.data<f64>([
  0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953,
  0.0008417508417508417, -0.0019175269175269176, 0.00641025641025641, -0.029550653594771242,
  0.17964437236883057,
]);
const SQRT_2PI: f64 = 2.5066282746310002;

function gammaPos(x: f64): f64 {
  if (x >= 20) {
    if (x > 171.7) return Infinity;
    const z = 1 / x;
    const z2 = z * z;
    let s = load<f64>(STIRLING_SERIES + 64);
    for (let k = 7; k >= 0; k--) s = s * z2 + load<f64>(STIRLING_SERIES + (<usize>k << 3));
    const v = Math.pow(x, 0.5 * x - 0.25);
    return SQRT_2PI * v * (v * Math.exp(-x)) * Math.exp(s * z);
  }
  if (x < 1) return chebyshev(GAMMA_1_2, 24, 1, 2, x + 1) / x;
  let y = x;
  let p: f64 = 1;
  while (y > 2) {
    y -= 1;
    p *= y;
  }
  return chebyshev(GAMMA_1_2, 24, 1, 2, y) * p;
}

function gamma64(x: f64): f64 {
  if (x > 0) return gammaPos(x);
  if (x == 0) return 1 / x;
  if (x != x || x == Math.floor(x)) return NaN;
  if (x > -1) return gammaPos(x + 1) / x;
  // Γ(1 - x) = -x Γ(-x): -x is exact where 1 - x would round.
  return Math.PI / (sinpi64(x) * (-x) * gammaPos(-x));
}

// ---------------------------------------------------------------------------
// erfcx(x) = e^{x²} erfc(x). For x ≥ 0 the interpolants on [0, 1], [1, 2],
// [2, 4], and beyond 4 the interpolant of √π x erfcx(x) in u = 1/x² (which
// tends to 1): no exponential is ever taken, so the result keeps its relative
// accuracy up to erfcx(1e300) = 5.6e-301. For x < 0, erfcx(x) = 2e^{x²} -
// erfcx(-x), with e^{x²} exact to the rounding of exp; it overflows past
// x ≈ -26.6.

const INV_SQRT_PI: f64 = 0.5641895835477563;

function erfcxPos(x: f64): f64 {
  if (x <= 1) return chebyshev(ERFCX_0_1, 19, 0, 1, x);
  if (x <= 2) return chebyshev(ERFCX_1_2, 18, 1, 2, x);
  if (x <= 4) return chebyshev(ERFCX_2_4, 21, 2, 4, x);
  if (x > 1e150) return INV_SQRT_PI / x;
  return chebyshev(ERFCX_TAIL, 16, 0, 0.0625, 1 / (x * x)) * INV_SQRT_PI / x;
}

function erfcx64(x: f64): f64 {
  if (x >= 0) return erfcxPos(x);
  if (x != x) return x;
  if (x < -26.7) return Infinity;
  return 2 * expSquare(x) - erfcxPos(-x);
}

// ---------------------------------------------------------------------------
// erfcinv(q): the x with erfc(x) = q, for q in [0, 2]. Halley steps from a
// first guess, until a step is below 1e-17 relative (at most 8; it takes 2 to
// 4). For q in [0.5, 1.5] they solve erf(x) = 1 - q (exact there); for
// q < 0.5 they solve log erfcx(x) - x² - log q = 0, which never underflows,
// so the tail is exact down to the smallest subnormal q; for q > 1.5,
// erfcinv(q) = -erfcinv(2 - q) (2 - q exact).

const SQRT_PI: f64 = 1.7724538509055159;
const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;

function erfinvSmall(p: f64): f64 {
  // |p| ≤ 0.5: the series x ≈ (√π/2)(p + π p³/12 + 7π² p⁵/480) as first guess.
  if (p == 0) return p;
  const p2 = p * p;
  let y = 0.886226925452758 * p * (1 + p2 * (0.2617993877991494 + p2 * 0.14393173084921979));
  for (let i = 0; i < 8; i++) {
    const d = (erf64(y) - p) / (TWO_OVER_SQRT_PI * Math.exp(-y * y));
    const dy = d / (1 + y * d);
    y -= dy;
    if (Math.abs(dy) <= 1e-17 * Math.abs(y)) break;
  }
  return y;
}

function erfcinvTail(q: f64): f64 {
  // q in (0, 0.5): erfc(y) ≈ e^{-y²}/(y√π) solved by two fixed-point steps.
  const l = -Math.log(q);
  let y = Math.sqrt(l);
  y = Math.sqrt(l - Math.log(y * SQRT_PI));
  y = Math.sqrt(l - Math.log(y * SQRT_PI));
  const logQ = Math.log(q);
  for (let i = 0; i < 8; i++) {
    const e = erfcxPos(y);
    const g = Math.log(e) - y * y - logQ;
    const r = TWO_OVER_SQRT_PI / e; // -g'(y); g'' = r (2y - r)
    const dy = 2 * g / (2 * r - g * (2 * y - r));
    y += dy;
    if (Math.abs(dy) <= 1e-17 * y) break;
  }
  return y;
}

function erfcinv64(q: f64): f64 {
  if (!(q >= 0 && q <= 2)) return NaN;
  if (q == 0) return Infinity;
  if (q == 2) return -Infinity;
  if (q < 0.5) return erfcinvTail(q);
  if (q <= 1.5) return erfinvSmall(1 - q);
  return -erfcinvTail(2 - q);
}

// ---------------------------------------------------------------------------
// Dawson's integral D(x) = e^{-x²} ∫₀ˣ e^{t²} dt, odd. |x| ≤ 2: x·R(x²) (so tiny
// x keep their relative accuracy); the interpolants on [2, 4] and [4, 8];
// beyond 8 the interpolant of 2x D(x) in u = 1/x² (it tends to 1).

function dawson64(x: f64): f64 {
  const a = Math.abs(x);
  let d: f64;
  if (a != a) return x;
  if (a <= 2) d = a * chebyshev(DAWSON_0_2, 20, 0, 4, a * a);
  else if (a <= 4) d = chebyshev(DAWSON_2_4, 25, 2, 4, a);
  else if (a <= 8) d = chebyshev(DAWSON_4_8, 30, 4, 8, a);
  else if (a > 1e150) d = 0.5 / a;
  else d = chebyshev(DAWSON_TAIL, 11, 0, 0.015625, 1 / (a * a)) * 0.5 / a;
  return x < 0 ? -d : d;
}

// ---------------------------------------------------------------------------

const GAMMA = 0;
const ERFCX = 1;
const ERFCINV = 2;
const DAWSON = 3;

@inline function specialx64(op: i32, x: f64): f64 {
  if (op == GAMMA) return gamma64(x);
  if (op == ERFCX) return erfcx64(x);
  if (op == ERFCINV) return erfcinv64(x);
  return dawson64(x);
}

@inline function specialxMap<T>(op: i32, x: usize, out: usize, n: i32): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, <T>specialx64(op, <f64>load<T>(x + off)));
  }
}

export function gamma_f32(x: usize, out: usize, n: i32): void { specialxMap<f32>(GAMMA, x, out, n); }
export function gamma_f64(x: usize, out: usize, n: i32): void { specialxMap<f64>(GAMMA, x, out, n); }
export function erfcx_f32(x: usize, out: usize, n: i32): void { specialxMap<f32>(ERFCX, x, out, n); }
export function erfcx_f64(x: usize, out: usize, n: i32): void { specialxMap<f64>(ERFCX, x, out, n); }
export function erfcinv_f32(x: usize, out: usize, n: i32): void { specialxMap<f32>(ERFCINV, x, out, n); }
export function erfcinv_f64(x: usize, out: usize, n: i32): void { specialxMap<f64>(ERFCINV, x, out, n); }
export function dawson_f32(x: usize, out: usize, n: i32): void { specialxMap<f32>(DAWSON, x, out, n); }
export function dawson_f64(x: usize, out: usize, n: i32): void { specialxMap<f64>(DAWSON, x, out, n); }
