// Kernels for src/ops/bessel.ts: Bessel functions of the first and second
// kind J0 J1 Y0 Y1, the modified ones I0 I1 K0 K1, and J of integer order.
// Computed in float64 per element; the float32 kernels widen, compute and
// round once. The interpolants are Chebyshev series we fitted with mpmath (as
// in ./specialx.ts, whose Clenshaw evaluation they share):
// - |x| ≤ 8: J0 = A(x²), J1 = x B(x²), Y0 = C(x²) + (2/π) log(x) J0(x),
//   Y1 = x D(x²) + (2/π)(J1(x) log x - 1/x), with A..D entire in x².
// - x > 8: J = √(2/(πx)) (P cos θ - Q sin θ), Y = √(2/(πx)) (P sin θ + Q cos θ),
//   θ = x - (2ν+1)π/4, with P and xQ interpolated in u = 64/x² ∈ (0, 1]; cos θ
//   and sin θ come from cos x and sin x (exact reduction of x; π/4 is never
//   subtracted in floating point).
// - I: e^{-|x|} I(x) interpolated in |x| up to 8 (I1 divided by x), then
//   √x e^{-x} I(x) in 8/x; K: K0 + log(x/2) I0 and (K1 - log(x/2) I1 - 1/x)/x
//   in x² up to 2, then √x e^{x} K(x) in 2/x.
// Accuracy against mpmath (test/special-accuracy.test.ts): within a few ulp
// of max(|f|, 1e-16·scale) — relative, but near the zeros of J and Y, where
// the error is about 1e-16 absolute (the sum that makes them cancels).
// J of integer order n ≥ 2: forward recurrence J_{k+1} = (2k/x) J_k - J_{k-1}
// from J0, J1 where x > n (stable there), Miller's backward recurrence
// normalized by J0 + 2 Σ J_2k = 1 where x ≤ n.

import { chebyshev } from "./erf";

// 19 terms on [0, 64]
const J0_SMALL = memory.data<f64>([
  0.15772797147489012, -0.008723442352852221, 0.2651786132033368, -0.37009499387264977,
  0.15806710233209725, -0.034893769411408884, 0.004819180069467605, -0.00046062616620627504,
  3.246032882100508e-05, -1.7619469077621507e-06, 7.608163592418782e-08, -2.679253530557673e-09,
  7.848696314479465e-11, -1.9438346867370164e-12, 4.125320595634374e-14, -7.588508125447546e-16,
  1.2218515873961411e-17, -1.7367896077002368e-19, 2.1957932033195604e-21,
]);
// 18 terms on [0, 64]
const J1_SMALL = memory.data<f64>([
  0.08104484632565812, -0.1489751450676521, 0.1609992623572097, -0.08268049176681791,
  0.022213639654966037, -0.003646940600769276, 0.0004050337728354822, -3.255554866857259e-05,
  1.9858774049915165e-06, -9.521984756750436e-08, 3.687133759097148e-09, -1.178026622695885e-10,
  3.160154580348003e-12, -7.221755239651773e-14, 1.4232144003513942e-15, -2.4441972916190464e-17,
  3.6912682997929334e-19, -4.9411682676418244e-21,
]);
// 19 terms on [0, 64]
const Y0_SMALL = memory.data<f64>([
  -0.03314611320328494, -0.2744743055297453, 0.17903431407718265, 0.26156734625504663,
  -0.17730201278114358, 0.04719668959576339, -0.007287962479552079, 0.0007531135932577742,
  -5.632079141056987e-05, 3.206532537654801e-06, -1.44072332740187e-07, 5.248794787330516e-09,
  -1.5837552541812015e-10, 4.02633081830612e-12, -8.747341203310769e-14, 1.6434898714919468e-15,
  -2.6977881152566837e-17, 3.9032584173475982e-19, -5.016179699946984e-21,
]);
// 18 terms on [0, 64]
const Y1_SMALL = memory.data<f64>([
  0.0025380132357417816, -0.01608717304766875, -0.09591204536083074, 0.08445197259652346,
  -0.028328123944594365, 0.005289897544167113, -0.0006414551451326356, 5.505982873338744e-05,
  -3.53808001868935e-06, 1.7707804556154404e-07, -7.11055004989928e-09, 2.344337905911516e-10,
  -6.4651518414115946e-12, 1.51429151205002e-13, -3.0511859694473254e-15, 5.34668038572867e-17,
  -8.224911372021585e-19, 1.1198518333682237e-20,
]);
// 14 terms on [0, 1]
const P0_LARGE = memory.data<f64>([
  0.9994603493475187, -0.0005365220468132117, 3.0751847875194745e-06, -5.1705945376060975e-08,
  1.6306464635151382e-09, -7.86409137723707e-11, 5.168262387349193e-12, -4.3045788699253914e-13,
  4.3265957431549404e-14, -5.069034095935236e-15, 6.748072215733873e-16, -1.0011513723467786e-16,
  1.6305919233744186e-17, -2.880866169482871e-18,
]);
// 17 terms on [0, 1]
const Q0_LARGE = memory.data<f64>([
  -0.12444683684269607, 0.0005470815954089319, -5.9315987288485175e-06, 1.4377965798375193e-07,
  -5.817532749493056e-09, 3.376097523734991e-10, -2.565397936797308e-11, 2.404916100281365e-12,
  -2.6690625482579414e-13, 3.4041800321963686e-14, -4.87994410531204e-15, 7.729703176242605e-16,
  -1.3348852171502517e-16, 2.4865952389390515e-17, -4.952892629886516e-18, 1.0473158973776097e-18,
  -2.336930172211422e-19,
]);
// 14 terms on [0, 1]
const P1_LARGE = memory.data<f64>([
  1.0009030408600137, 0.0008989898330859408, -3.987284300488908e-06, 6.177633960644299e-08,
  -1.8718907491063067e-09, 8.816898659582339e-11, -5.704863640395645e-12, 4.699195515230542e-13,
  -4.6842237839904895e-14, 5.452674896044717e-15, -7.221180842274018e-16, 1.0667689114335412e-16,
  -1.7312313216116335e-17, 3.0492991197665872e-18,
]);
// 16 terms on [0, 1]
const Q1_LARGE = memory.data<f64>([
  0.3742222965562826, -0.0007702178839325664, 7.3108922063643636e-06, -1.676782510726674e-07,
  6.583354662120443e-09, -3.749090950541556e-10, 2.8121750359748866e-11, -2.61145253946232e-12,
  2.8774212663332235e-13, -3.649001916061838e-14, 5.206626366226707e-15, -8.215318025458595e-16,
  1.4141084390211833e-16, -2.626761589838529e-17, 5.2192649196714085e-18, -1.101261718787959e-18,
]);
// 31 terms on [0, 8]
const I0_SMALL = memory.data<f64>([
  0.33839763720473803, -0.3046826723431984, 0.17162090152220877, -0.09490109704804764,
  0.04930528423967071, -0.02373741480589947, 0.010546460394594998, -0.004324309995050576,
  0.0016394756169413357, -0.0005763755745385824, 0.00018850288509584165, -5.754195010082104e-05,
  1.6448448070728896e-05, -4.4167383584587505e-06, 1.1173875391201037e-06, -2.670793853940612e-07,
  6.046995022541919e-08, -1.300025009986248e-08, 2.6598237246823866e-09, -5.189795601635263e-10,
  9.675809035373237e-11, -1.726826291441556e-11, 2.95505266312964e-12, -4.856446783111929e-13,
  7.676185498604936e-14, -1.1685332877993451e-14, 1.715391285555133e-15, -2.431279846547955e-16,
  3.3307945188222384e-17, -4.4153416464793395e-18, 5.669178006921496e-19,
]);
// 31 terms on [0, 8]
const I1_SMALL = memory.data<f64>([
  0.12629359322181682, -0.17641651835783406, 0.1026436586898471, -0.05294598120809499,
  0.024726449030626516, -0.010564084894626197, 0.004156422944312888, -0.0015135724506312532,
  0.0005122859561685758, -0.00016176081582589674, 4.781565107550054e-05, -1.3273163656039436e-05,
  3.4702513081376785e-06, -8.568720264695455e-07, 2.0032947535521353e-07, -4.445059128796328e-08,
  9.381537386495773e-09, -1.8872497517228294e-09, 3.625590281552117e-10, -6.663489723502027e-11,
  1.1736186298890901e-11, -1.9839743977649436e-12, 3.223793365945575e-13, -5.042185504727912e-14,
  7.600684294735408e-15, -1.1055969477353862e-15, 1.5536319577362005e-16, -2.111421214358166e-17,
  2.7779141127610464e-18, -3.541581772542136e-19, 4.379302756655071e-20,
]);
// 28 terms on [0, 1]
const I0_LARGE = memory.data<f64>([
  0.4022452055070544, 0.0033691164782556943, 6.889758346916825e-05, 2.8913705208347567e-06,
  2.0489185894690638e-07, 2.266668990498178e-08, 3.3962320257083865e-09, 4.94060238822497e-10,
  1.1889147107846439e-11, -3.1499165279632416e-11, -1.3215811840447713e-11, -1.7941785315068062e-12,
  7.180124451383666e-13, 3.8527783827421426e-13, 1.54008621752141e-14, -4.150569347287222e-14,
  -9.554846698828307e-15, 3.8116806693526224e-15, 1.7725601330565263e-15, -3.425485619677219e-16,
  -2.8276239805165836e-16, 3.461222867697461e-17, 4.46562142029676e-17, -4.830504485944182e-18,
  -7.233180487874754e-18, 9.921475412173699e-19, 1.193650890845982e-18, -2.4887098371508075e-19,
]);
// 28 terms on [0, 1]
const I1_LARGE = memory.data<f64>([
  0.38928811750914005, -0.009761097491361469, -0.00011058893876262371, -3.882564808877691e-06,
  -2.512236237870209e-07, -2.6314688468895196e-08, -3.835380385964237e-09, -5.589743462196584e-10,
  -1.8974958123505413e-11, 3.2526035830154884e-11, 1.4125807436613782e-11, 2.0356285441470896e-12,
  -7.198551776245908e-13, -4.0835511110921974e-13, -2.1015418427726643e-14, 4.272440016711951e-14,
  1.0420276984128802e-14, -3.8144030724370075e-15, -1.8803547755107825e-15, 3.3082023109209285e-16,
  2.96262899764595e-16, -3.209525921993424e-17, -4.6503053684893586e-17, 4.414348323071708e-18,
  7.517296310842105e-18, -9.314178867326884e-19, -1.242193275194891e-18, 2.4142767194548486e-19,
]);
// 11 terms on [0, 4]
const K0_SMALL = memory.data<f64>([
  -0.2676636966169514, 0.3442898999246285, 0.0359799365153615, 0.001264615411446926,
  2.286212103119452e-05, 2.5347910790261494e-07, 1.904516377220209e-09, 1.0349695257633625e-11,
  4.2598161427910826e-14, 1.3744654358807508e-16, 3.5708965285083736e-19,
]);
// 11 terms on [0, 4]
const K1_SMALL = memory.data<f64>([
  -0.06409034516866254, -0.10916919599320105, -0.006636878452817714, -0.00016822792382067343,
  -2.389559180803608e-06, -2.1853569024549695e-08, -1.3982271326113327e-10, -6.618562752976041e-13,
  -2.4134516242987822e-15, -6.990873731242567e-18, -1.6478758098368235e-20,
]);
// 26 terms on [0, 1]
const K0_LARGE = memory.data<f64>([
  1.2201515410329777, -0.0314481013119645, 0.0015698838857300533, -0.00012849549581627802,
  1.39498137188765e-05, -1.8317555227191195e-06, 2.766813639445015e-07, -4.660489897687948e-08,
  8.574034017414225e-09, -1.6975345093890614e-09, 3.5773972814003283e-10, -7.957489244477396e-11,
  1.8559491149549264e-11, -4.514597883374519e-12, 1.1403405882073441e-12, -2.9800969231481784e-13,
  8.032890775068375e-14, -2.2275133267462965e-14, 6.340076476276646e-15, -1.848593377920907e-15,
  5.5120559994043335e-16, -1.6782311257549006e-16, 5.2103917776435543e-17, -1.6475805939842632e-17,
  5.3004337711773354e-18, -1.7331712005821001e-18,
]);
// 26 terms on [0, 1]
const K1_LARGE = memory.data<f64>([
  1.3603130952422213, 0.10392373657681724, -0.002857816859622779, 0.00019521551847135162,
  -1.936197974166083e-05, 2.406484947837217e-06, -3.5019606030878126e-07, 5.7410841254500495e-08,
  -1.0345762465678097e-08, 2.0150497551970347e-09, -4.1903547593419254e-10, 9.218315187605315e-11,
  -2.129967838427791e-11, 5.139639673482343e-12, -1.2891739609498229e-12, 3.348419666052243e-13,
  -8.976705182010146e-14, 2.4771544242195988e-14, -7.0198370892147685e-15, 2.038703166239861e-15,
  -6.057047270643018e-16, 1.8380935752430455e-16, -5.689462849193648e-17, 1.7940510478863572e-17,
  -5.7567444820733025e-18, 1.8778651901623268e-18,
]);

const TWO_OVER_PI: f64 = 0.6366197723675814;

@inline function j0Small(x: f64): f64 {
  const t = x * x;
  // Near 0 the series, so that J0(0) is exactly 1 (the interpolant is within 1 ulp).
  if (t < 1e-6) return 1 - t * (0.25 - t * (0.015625 - t * 0.00043402777777777775));
  return chebyshev(J0_SMALL, 19, 0, 64, t);
}
@inline function j1Small(x: f64): f64 { return x * chebyshev(J1_SMALL, 18, 0, 64, x * x); }

// √(2/(πx)) times (P, Q) mixed by θ = x - π/4 (nu 0) or x - 3π/4 (nu 1).
@inline function hankelForm(nu: i32, x: f64, second: bool): f64 {
  const u = 64 / (x * x);
  const p = nu == 0 ? chebyshev(P0_LARGE, 14, 0, 1, u) : chebyshev(P1_LARGE, 14, 0, 1, u);
  const q = (nu == 0 ? chebyshev(Q0_LARGE, 17, 0, 1, u) : chebyshev(Q1_LARGE, 16, 0, 1, u)) / x;
  const c = Math.cos(x);
  const s = Math.sin(x);
  // cos(x - π/4) = (c + s)/√2, sin(x - π/4) = (s - c)/√2; for 3π/4: (s - c)/√2, -(s + c)/√2.
  const ct = nu == 0 ? c + s : s - c;
  const st = nu == 0 ? s - c : -(s + c);
  const scale = Math.sqrt(1 / (Math.PI * x)); // √(2/(πx)) / √2
  return second ? scale * (p * st + q * ct) : scale * (p * ct - q * st);
}

function j0(x: f64): f64 {
  const a = Math.abs(x);
  if (a <= 8) return j0Small(a);
  if (a == Infinity) return 0;
  return a != a ? a : hankelForm(0, a, false);
}

function j1(x: f64): f64 {
  const a = Math.abs(x);
  let r: f64;
  if (a <= 8) return j1Small(x);
  if (a == Infinity) r = 0;
  else if (a != a) return a;
  else r = hankelForm(1, a, false);
  return x < 0 ? -r : r;
}

function y0(x: f64): f64 {
  if (!(x > 0)) return x == 0 ? -Infinity : NaN;
  if (x <= 8) return chebyshev(Y0_SMALL, 19, 0, 64, x * x) + TWO_OVER_PI * Math.log(x) * j0Small(x);
  return x == Infinity ? 0 : hankelForm(0, x, true);
}

function y1(x: f64): f64 {
  if (!(x > 0)) return x == 0 ? -Infinity : NaN;
  if (x <= 8) return x * chebyshev(Y1_SMALL, 18, 0, 64, x * x) + TWO_OVER_PI * (j1Small(x) * Math.log(x) - 1 / x);
  return x == Infinity ? 0 : hankelForm(1, x, true);
}

// e^a / √a without overflowing before the result does.
@inline function expOverSqrt(a: f64): f64 {
  const h = Math.exp(0.5 * a);
  return h * (h / Math.sqrt(a));
}

function i0(x: f64): f64 {
  const a = Math.abs(x);
  if (a <= 8) return Math.exp(a) * chebyshev(I0_SMALL, 31, 0, 8, a);
  if (a != a) return a;
  return expOverSqrt(a) * chebyshev(I0_LARGE, 28, 0, 1, 8 / a);
}

function i1(x: f64): f64 {
  const a = Math.abs(x);
  if (a <= 8) return x * Math.exp(a) * chebyshev(I1_SMALL, 31, 0, 8, a);
  if (a != a) return a;
  const r = expOverSqrt(a) * chebyshev(I1_LARGE, 28, 0, 1, 8 / a);
  return x < 0 ? -r : r;
}

// e^{-a} / √a, a > 2.
@inline function expNegOverSqrt(a: f64): f64 { return Math.exp(-a) / Math.sqrt(a); }

function k0(x: f64): f64 {
  if (!(x > 0)) return x == 0 ? Infinity : NaN;
  if (x <= 2) return chebyshev(K0_SMALL, 11, 0, 4, x * x) - Math.log(0.5 * x) * i0(x);
  return x == Infinity ? 0 : expNegOverSqrt(x) * chebyshev(K0_LARGE, 26, 0, 1, 2 / x);
}

function k1(x: f64): f64 {
  if (!(x > 0)) return x == 0 ? Infinity : NaN;
  if (x <= 2) return x * chebyshev(K1_SMALL, 11, 0, 4, x * x) + Math.log(0.5 * x) * i1(x) + 1 / x;
  return x == Infinity ? 0 : expNegOverSqrt(x) * chebyshev(K1_LARGE, 26, 0, 1, 2 / x);
}

// J_n(x) for an integer n (any sign) and any x: J_{-n} = (-1)ⁿ J_n, J_n(-x) = (-1)ⁿ J_n(x).
function jn(order: i32, x: f64): f64 {
  let n = order < 0 ? -order : order;
  let negate = (order < 0 && (n & 1) != 0) != (x < 0 && (n & 1) != 0);
  const a = Math.abs(x);
  let r: f64;
  if (n == 0) r = j0(a);
  else if (n == 1) r = j1(a);
  else if (a != a) return a;
  else if (a == 0 || a == Infinity) r = 0;
  else if (a > <f64>n) {
    let prev = j0(a);
    let cur = j1(a);
    for (let k = 1; k < n; k++) {
      const next = (<f64>(2 * k) / a) * cur - prev;
      prev = cur;
      cur = next;
    }
    r = cur;
  } else {
    // Start far enough above n that the recurrence's dominant solution has
    // washed out the arbitrary start; rescale before anything overflows.
    const m = 2 * ((n + <i32>Math.sqrt(160 * <f64>n) + 16) >> 1);
    let above: f64 = 0;
    let cur: f64 = 1;
    let sum: f64 = 2; // m is even: J_m counts twice in J0 + 2 Σ J_2k
    let picked: f64 = 0;
    for (let k = m; k > 0; k--) {
      const below = (<f64>(2 * k) / a) * cur - above;
      above = cur;
      cur = below; // J_{k-1}, scaled
      if (k - 1 == n) picked = cur;
      if (k - 1 > 0 && ((k - 1) & 1) == 0) sum += 2 * cur;
      if (Math.abs(cur) > 1e250) {
        cur *= 1e-250;
        above *= 1e-250;
        sum *= 1e-250;
        picked *= 1e-250;
      }
    }
    r = picked / (sum + cur);
  }
  return negate ? -r : r;
}

const J0 = 0;
const J1 = 1;
const Y0 = 2;
const Y1 = 3;
const I0 = 4;
const I1 = 5;
const K0 = 6;
const K1 = 7;

@inline function bessel64(op: i32, x: f64): f64 {
  if (op == J0) return j0(x);
  if (op == J1) return j1(x);
  if (op == Y0) return y0(x);
  if (op == Y1) return y1(x);
  if (op == I0) return i0(x);
  if (op == I1) return i1(x);
  if (op == K0) return k0(x);
  return k1(x);
}

@inline function besselMap<T>(op: i32, x: usize, out: usize, n: i32): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, <T>bessel64(op, <f64>load<T>(x + off)));
  }
}

@inline function besselJnMap<T>(x: usize, out: usize, n: i32, order: i32): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, <T>jn(order, <f64>load<T>(x + off)));
  }
}

export function bessel_j0_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(J0, x, out, n); }
export function bessel_j0_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(J0, x, out, n); }
export function bessel_j1_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(J1, x, out, n); }
export function bessel_j1_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(J1, x, out, n); }
export function bessel_y0_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(Y0, x, out, n); }
export function bessel_y0_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(Y0, x, out, n); }
export function bessel_y1_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(Y1, x, out, n); }
export function bessel_y1_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(Y1, x, out, n); }
export function bessel_i0_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(I0, x, out, n); }
export function bessel_i0_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(I0, x, out, n); }
export function bessel_i1_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(I1, x, out, n); }
export function bessel_i1_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(I1, x, out, n); }
export function bessel_k0_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(K0, x, out, n); }
export function bessel_k0_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(K0, x, out, n); }
export function bessel_k1_f32(x: usize, out: usize, n: i32): void { besselMap<f32>(K1, x, out, n); }
export function bessel_k1_f64(x: usize, out: usize, n: i32): void { besselMap<f64>(K1, x, out, n); }
export function bessel_jn_f32(x: usize, out: usize, n: i32, order: i32): void { besselJnMap<f32>(x, out, n, order); }
export function bessel_jn_f64(x: usize, out: usize, n: i32, order: i32): void { besselJnMap<f64>(x, out, n, order); }
