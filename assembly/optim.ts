// Optimizer updates, in place over a parameter and its state buffers. The
// gradient is read scaled by `gscale` (gradient clipping without a copy).

@inline function sgd<T>(p: usize, g: usize, buf: usize, n: i32, lr: T, momentum: T, nesterov: bool, wd: T, gscale: T): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    const w = load<T>(p + off);
    let d = load<T>(g + off) * gscale + wd * w;
    if (momentum != 0) {
      const b = momentum * load<T>(buf + off) + d;
      store<T>(buf + off, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<T>(p + off, w - lr * d);
  }
}

export function sgd_f32(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, wd: f32, gscale: f32): void {
  sgd<f32>(p, g, buf, n, lr, momentum, nesterov, wd, gscale);
}
export function sgd_f64(p: usize, g: usize, buf: usize, n: i32, lr: f64, momentum: f64, nesterov: bool, wd: f64, gscale: f64): void {
  sgd<f64>(p, g, buf, n, lr, momentum, nesterov, wd, gscale);
}

// Adam; with `decoupled` the weight decay is AdamW's (applied to the weight,
// not folded into the gradient). bc1, bc2 are the bias corrections 1 - beta^t.
@inline function adam<T>(p: usize, g: usize, m: usize, v: usize, n: i32, lr: T, b1: T, b2: T, eps: T, wd: T, decoupled: bool, bc1: T, bc2: T, gscale: T): void {
  const shift = alignof<T>();
  const lanes = 16 / sizeof<T>();
  let i = 0;
  if (!decoupled && wd == 0) {
    const vb1 = v128.splat<T>(b1), vb2 = v128.splat<T>(b2);
    const va1 = v128.splat<T>(1 - b1), va2 = v128.splat<T>(1 - b2);
    const vs = v128.splat<T>(gscale), vlr = v128.splat<T>(lr / bc1), vbc2 = v128.splat<T>(1 / bc2), veps = v128.splat<T>(eps);
    for (; i + lanes <= n; i += lanes) {
      const off = <usize>i << shift;
      const gi = v128.mul<T>(v128.load(g + off), vs);
      const mi = v128.add<T>(v128.mul<T>(vb1, v128.load(m + off)), v128.mul<T>(va1, gi));
      const vi = v128.add<T>(v128.mul<T>(vb2, v128.load(v + off)), v128.mul<T>(va2, v128.mul<T>(gi, gi)));
      v128.store(m + off, mi);
      v128.store(v + off, vi);
      const denom = v128.add<T>(v128.sqrt<T>(v128.mul<T>(vi, vbc2)), veps);
      v128.store(p + off, v128.sub<T>(v128.load(p + off), v128.div<T>(v128.mul<T>(vlr, mi), denom)));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    let w = load<T>(p + off);
    let gi = load<T>(g + off) * gscale;
    if (!decoupled) gi += wd * w;
    const mi = b1 * load<T>(m + off) + (1 - b1) * gi;
    const vi = b2 * load<T>(v + off) + (1 - b2) * gi * gi;
    store<T>(m + off, mi);
    store<T>(v + off, vi);
    if (decoupled) w -= lr * wd * w;
    store<T>(p + off, w - lr * (mi / bc1) / (<T>sqrt<T>(vi / bc2) + eps));
  }
}

export function adam_f32(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32, wd: f32, decoupled: bool, bc1: f32, bc2: f32, gscale: f32): void {
  adam<f32>(p, g, m, v, n, lr, b1, b2, eps, wd, decoupled, bc1, bc2, gscale);
}
export function adam_f64(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, b1: f64, b2: f64, eps: f64, wd: f64, decoupled: bool, bc1: f64, bc2: f64, gscale: f64): void {
  adam<f64>(p, g, m, v, n, lr, b1, b2, eps, wd, decoupled, bc1, bc2, gscale);
}

@inline function rmsprop<T>(p: usize, g: usize, sq: usize, buf: usize, n: i32, lr: T, alpha: T, eps: T, wd: T, momentum: T, gscale: T): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    const w = load<T>(p + off);
    const gi = load<T>(g + off) * gscale + wd * w;
    const s = alpha * load<T>(sq + off) + (1 - alpha) * gi * gi;
    store<T>(sq + off, s);
    let step = gi / (<T>sqrt<T>(s) + eps);
    if (momentum != 0) {
      step = momentum * load<T>(buf + off) + step;
      store<T>(buf + off, step);
    }
    store<T>(p + off, w - lr * step);
  }
}

export function rmsprop_f32(p: usize, g: usize, sq: usize, buf: usize, n: i32, lr: f32, alpha: f32, eps: f32, wd: f32, momentum: f32, gscale: f32): void {
  rmsprop<f32>(p, g, sq, buf, n, lr, alpha, eps, wd, momentum, gscale);
}
export function rmsprop_f64(p: usize, g: usize, sq: usize, buf: usize, n: i32, lr: f64, alpha: f64, eps: f64, wd: f64, momentum: f64, gscale: f64): void {
  rmsprop<f64>(p, g, sq, buf, n, lr, alpha, eps, wd, momentum, gscale);
}

// Sum of squares in float64 (global gradient norms for clipping).
@inline function sumsq<T>(x: usize, n: i32): f64 {
  const shift = alignof<T>();
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<T>(x + (<usize>i << shift));
    s += v * v;
  }
  return s;
}
export function sumsq_f32(x: usize, n: i32): f64 { return sumsq<f32>(x, n); }
export function sumsq_f64(x: usize, n: i32): f64 { return sumsq<f64>(x, n); }
