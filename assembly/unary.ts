// Elementwise unary ops over contiguous arrays. neg and sqrt are single SIMD
// instructions; the transcendentals call the standard library per element
// for now (exact to the last ulp of musl's algorithms); the performance work
// replaces them with vectorized range reduction + polynomial.

@inline function mapScalar<T>(x: usize, out: usize, n: i32, f: (v: T) => T): void {
  const shift = alignof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, f(load<T>(x + off)));
  }
}

@inline function negKernel<T>(x: usize, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    v128.store(out + off, v128.neg<T>(v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, -load<T>(x + off));
  }
}

@inline function sqrtKernel<T>(x: usize, out: usize, n: i32): void {
  const lanes = 16 / sizeof<T>();
  const shift = alignof<T>();
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const off = <usize>i << shift;
    v128.store(out + off, v128.sqrt<T>(v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << shift;
    store<T>(out + off, sqrt<T>(load<T>(x + off)));
  }
}

export function neg_f32(x: usize, out: usize, n: i32): void { negKernel<f32>(x, out, n); }
export function neg_f64(x: usize, out: usize, n: i32): void { negKernel<f64>(x, out, n); }
export function sqrt_f32(x: usize, out: usize, n: i32): void { sqrtKernel<f32>(x, out, n); }
export function sqrt_f64(x: usize, out: usize, n: i32): void { sqrtKernel<f64>(x, out, n); }

export function exp_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.exp(v)); }
export function exp_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.exp(v)); }
export function log_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.log(v)); }
export function log_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.log(v)); }
export function tanh_f32(x: usize, out: usize, n: i32): void { mapScalar<f32>(x, out, n, (v: f32): f32 => Mathf.tanh(v)); }
export function tanh_f64(x: usize, out: usize, n: i32): void { mapScalar<f64>(x, out, n, (v: f64): f64 => Math.tanh(v)); }
