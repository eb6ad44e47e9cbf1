// The adjugate adj(A) = det(A) A⁻¹ of `count` n x n matrices, from the LU
// factors of linalg.ts's lu() (P A = L U, L unit lower, U upper with zeros on
// its diagonal where A is singular), without dividing by det(A): it is the
// gradient of det, which exists at singular matrices too.
//
//   adj(A) = adj(U) adj(L) adj(Pᵀ) = det(P) · adj(U) · L⁻¹ · P
//
// adj(U) is built by bordering, from the leading k x k block U_k with column
// u above the new diagonal entry d:
//   adj(U_{k+1}) = [[d adj(U_k), -adj(U_k) u], [0, det(U_k)]]
// which uses no division at all.

// Address of entry (i, j) of an n x n row-major matrix at m.
@inline function at<T>(m: usize, i: i32, j: i32, n: i32): usize {
  return m + (<usize>(i * n + j) << alignof<T>());
}

@inline function adjugateOne<T>(f: usize, piv: usize, o: usize, n: i32): void {
  const shift = alignof<T>();
  memory.fill(o, 0, <usize>n * <usize>n << shift);
  if (n == 0) return;
  // adj(U), upper triangular.
  store<T>(o, <T>1);
  let detk = load<T>(f);
  for (let k = 1; k < n; k++) {
    for (let i = 0; i < k; i++) {
      let s: T = 0;
      for (let j = i; j < k; j++) s += load<T>(at<T>(o, i, j, n)) * load<T>(at<T>(f, j, k, n));
      store<T>(at<T>(o, i, k, n), -s);
    }
    const d = load<T>(at<T>(f, k, k, n));
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) store<T>(at<T>(o, i, j, n), load<T>(at<T>(o, i, j, n)) * d);
    }
    store<T>(at<T>(o, k, k, n), detk);
    detk *= d;
  }
  // Y L = adj(U) for Y = adj(U) L⁻¹, column by column from the right.
  for (let j = n - 2; j >= 0; j--) {
    for (let r = 0; r < n; r++) {
      let s = load<T>(at<T>(o, r, j, n));
      for (let i = j + 1; i < n; i++) s -= load<T>(at<T>(o, r, i, n)) * load<T>(at<T>(f, i, j, n));
      store<T>(at<T>(o, r, j, n), s);
    }
  }
  // Y P: P = P_{n-1} ... P_0 (row exchanges), so exchange columns from the last step back.
  let sign: T = 1;
  for (let k = n - 1; k >= 0; k--) {
    const p = load<i32>(piv + (<usize>k << 2));
    if (p == k) continue;
    sign = -sign;
    for (let r = 0; r < n; r++) {
      const x = load<T>(at<T>(o, r, k, n));
      store<T>(at<T>(o, r, k, n), load<T>(at<T>(o, r, p, n)));
      store<T>(at<T>(o, r, p, n), x);
    }
  }
  if (sign < 0) {
    for (let t = 0; t < n * n; t++) store<T>(o + (<usize>t << shift), -load<T>(o + (<usize>t << shift)));
  }
}

@inline function adjugate<T>(f: usize, piv: usize, out: usize, n: i32, count: i32): void {
  const shift = alignof<T>();
  for (let q = 0; q < count; q++) {
    adjugateOne<T>(
      f + (<usize>q * <usize>n * <usize>n << shift),
      piv + (<usize>q * <usize>n << 2),
      out + (<usize>q * <usize>n * <usize>n << shift),
      n,
    );
  }
}

export function lu_adjugate_f32(f: usize, piv: usize, out: usize, n: i32, count: i32): void { adjugate<f32>(f, piv, out, n, count); }
export function lu_adjugate_f64(f: usize, piv: usize, out: usize, n: i32, count: i32): void { adjugate<f64>(f, piv, out, n, count); }
