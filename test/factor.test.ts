// The factorization ops beyond the op table (test/ops/factor.table.ts):
// reconstructions and identities on random batches in both dtypes (through
// the blocked kernels too), agreement with the LU-based ops, the documented
// behaviour at repeated eigenvalues, bad inputs, and Tensor methods.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import type { Tensor } from '../src/index';
import { spd, symmetric } from './ops/factor.table';

const f64 = { dtype: 'float64' as const };
const TOL = { float32: 2e-5, float64: 1e-12 };

/** max |a - b| / max(1, max |b|). */
function relError(a: Tensor, b: Tensor): number {
  const x = a.data();
  const y = b.data();
  assert.equal(a.shape, b.shape, 'shapes');
  let err = 0;
  let scale = 1;
  for (let i = 0; i < y.length; i++) {
    err = Math.max(err, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return err / scale;
}

function near(a: Tensor, b: Tensor, tol: number, what: string): void {
  const e = relError(a, b);
  assert.ok(e <= tol, `${what}: relative error ${e.toExponential(2)} > ${tol}`);
}

const T = (x: Tensor) => ag.transpose(x, [...x.shape.slice(0, -2).map((_, i) => i), x.ndim - 1, x.ndim - 2]);
const mm = (a: Tensor, b: Tensor) => ag.matmul(a, b);
const eyeLike = (n: number, dtype: ag.DType) => ag.eye(n, { dtype });

function snapshot() {
  const m = ag.memory();
  return { live: m.liveTensors, bytes: m.bytesInUse };
}

// ---------------------------------------------------------------- identities
const identities = suite('factorizations: reconstructions and identities, batched, both dtypes');

for (const dtype of ['float64', 'float32'] as const) {
  const tol = TOL[dtype];
  const cast = (x: Tensor) => ag.cast(x, dtype);

  identities(`${dtype}: L Lᵀ = A and solveTriangular solves, at n = 5 and n = 130 (blocked)`, () => {
    ag.tidy(() => {
      ag.seed(3);
      for (const [n, batch] of [[5, [3]], [130, []]] as [number, number[]][]) {
        const a = cast(spd(n, batch));
        const l = ag.cholesky(a);
        near(mm(l, T(l)), a, tol * n, `L Lᵀ n=${n}`);
        near(ag.triu(l, 1), ag.zeros(l.shape, { dtype }), 0, 'L is lower triangular');
        const b = cast(ag.randn([...batch, n, 4], f64));
        for (const transpose of [false, true]) {
          const x = ag.solveTriangular(l, b, { transpose });
          near(mm(transpose ? T(l) : l, x), b, tol * n, `op(L) x = b, transpose ${transpose}, n=${n}`);
          const xu = ag.solveTriangular(T(l), b, { lower: false, transpose });
          near(mm(transpose ? l : T(l), xu), b, tol * n, `upper, transpose ${transpose}, n=${n}`);
        }
      }
    });
  });

  identities(`${dtype}: eigh: V diag(w) Vᵀ = A, Vᵀ V = I, values ascending`, () => {
    ag.tidy(() => {
      ag.seed(4);
      for (const n of [1, 4, 20]) {
        const a = cast(symmetric(n, [2]));
        const [w, v] = ag.eigh(a);
        near(mm(ag.mul(v, ag.expandDims(w, -2)), T(v)), a, tol * n * 10, `reconstruction n=${n}`);
        near(mm(T(v), v), ag.broadcastTo(eyeLike(n, dtype), [2, n, n]), tol * n * 10, `orthonormal n=${n}`);
        const values = w.data();
        for (let q = 0; q < 2; q++) for (let i = 1; i < n; i++) assert.ok(values[q * n + i] >= values[q * n + i - 1], 'ascending');
      }
    });
  });

  identities(`${dtype}: svd: U diag(s) Vt = A, orthonormal factors, s descending and non-negative, tall and wide`, () => {
    ag.tidy(() => {
      ag.seed(5);
      for (const [m, n] of [[6, 4], [4, 6], [5, 5], [1, 3]]) {
        const a = cast(ag.randn([2, m, n], f64));
        const [u, s, vt] = ag.svd(a);
        const k = Math.min(m, n);
        assert.equal(u.shape, [2, m, k]);
        assert.equal(vt.shape, [2, k, n]);
        near(mm(ag.mul(u, ag.expandDims(s, -2)), vt), a, tol * 10, `reconstruction ${m}x${n}`);
        near(mm(T(u), u), ag.broadcastTo(eyeLike(k, dtype), [2, k, k]), tol * 10, 'UᵀU = I');
        near(mm(vt, T(vt)), ag.broadcastTo(eyeLike(k, dtype), [2, k, k]), tol * 10, 'Vt Vtᵀ = I');
        const values = s.data();
        for (let i = 0; i < values.length; i++) {
          assert.ok(values[i] >= 0, 'non-negative');
          if (i % k > 0) assert.ok(values[i] <= values[i - 1], 'descending');
        }
      }
    });
  });

  identities(`${dtype}: qr: Q R = A, QᵀQ = I, R upper with a non-negative diagonal, tall and wide`, () => {
    ag.tidy(() => {
      ag.seed(6);
      for (const [m, n] of [[6, 4], [4, 6], [5, 5]]) {
        const a = cast(ag.randn([3, m, n], f64));
        const [q, r] = ag.qr(a);
        const k = Math.min(m, n);
        near(mm(q, r), a, tol * 10, `Q R = A ${m}x${n}`);
        near(mm(T(q), q), ag.broadcastTo(eyeLike(k, dtype), [3, k, k]), tol * 10, 'QᵀQ = I');
        near(ag.tril(r, -1), ag.zeros(r.shape, { dtype }), 0, 'R is upper triangular');
        const d = ag.diag(ag.reshape(ag.slice(r, 0), [k, n])).data();
        for (const x of d) assert.ok(x >= 0, 'non-negative diagonal');
      }
    });
  });

  identities(`${dtype}: pinv satisfies the Penrose conditions; lstsq solves the normal equations`, () => {
    ag.tidy(() => {
      ag.seed(7);
      for (const [m, n] of [[6, 3], [3, 6]]) {
        const a = cast(ag.randn([m, n], f64));
        const x = ag.pinv(a);
        near(mm(mm(a, x), a), a, tol * 20, 'A X A = A');
        near(mm(mm(x, a), x), x, tol * 20, 'X A X = X');
        near(T(mm(a, x)), mm(a, x), tol * 20, 'A X symmetric');
        near(T(mm(x, a)), mm(x, a), tol * 20, 'X A symmetric');
      }
      // rank 1 (rank-deficient): still a pseudo-inverse
      const r1 = cast(ag.outer(ag.tensor([1, 2, 3], f64), ag.tensor([1, -1], f64)));
      near(mm(mm(r1, ag.pinv(r1)), r1), r1, tol * 20, 'rank-deficient A X A = A');
      const a = cast(ag.randn([7, 3], f64));
      const b = cast(ag.randn([7, 2], f64));
      const x = ag.lstsq(a, b);
      near(mm(T(a), mm(a, x)), mm(T(a), b), tol * 50, 'Aᵀ A x = Aᵀ b');
      near(ag.lstsq(a, ag.slice(b, null, 0)), ag.slice(x, null, 0), tol * 10, 'vector b');
    });
  });

  identities(`${dtype}: slogdet agrees with det and logdet; expm and matrixPower with their definitions`, () => {
    ag.tidy(() => {
      ag.seed(8);
      const a = cast(ag.randn([4, 5, 5], f64));
      const [sign, logabs] = ag.slogdet(a);
      near(ag.mul(sign, ag.exp(logabs)), ag.det(a), tol * 100, 'sign exp(logabsdet) = det');
      near(logabs, ag.logdet(a), tol * 10, 'logabsdet = logdet');
      const x = cast(ag.mul(ag.randn([2, 4, 4], f64), 0.7));
      near(mm(ag.expm(x), ag.expm(ag.neg(x))), ag.broadcastTo(eyeLike(4, dtype), [2, 4, 4]), tol * 100, 'expm(A) expm(-A) = I');
      // a truncated series for a small matrix
      const small = cast(ag.mul(ag.randn([3, 3], f64), 0.1));
      let term = eyeLike(3, dtype);
      let series = term;
      for (let j = 1; j < 20; j++) {
        term = ag.div(mm(term, small), j);
        series = ag.add(series, term);
      }
      near(ag.expm(small), series, tol * 10, 'expm = Σ A^j / j!');
      const p = cast(ag.mul(ag.randn([3, 3], f64), 0.6));
      near(ag.matrixPower(p, 7), mm(mm(mm(mm(mm(mm(p, p), p), p), p), p), p), tol * 10, 'A^7');
      near(ag.matrixPower(ag.add(p, ag.mul(eyeLike(3, dtype), 3)), -1), ag.inv(ag.add(p, ag.mul(eyeLike(3, dtype), 3))), tol * 10, 'A^-1');
    });
  });
}

identities('a log-determinant through cholesky has the same first and second derivatives as logdet', () => {
  ag.tidy(() => {
    ag.seed(9);
    const a = spd(4);
    const viaCholesky = (x: Tensor) => ag.mul(ag.sum(ag.log(ag.diag(ag.cholesky(x)))), 2);
    // logdet of a symmetric matrix, made a function of the symmetric part as cholesky is
    const direct = (x: Tensor) => ag.logdet(ag.div(ag.add(x, ag.transpose(x)), 2));
    near(ag.grad(viaCholesky)(a), ag.grad(direct)(a), 1e-12, 'gradient');
    const v = ag.randn([4, 4], f64);
    const hvp = (f: (x: Tensor) => Tensor) => ag.grad((x: Tensor) => ag.sum(ag.mul(ag.grad(f)(x), v)))(a);
    near(hvp(viaCholesky), hvp(direct), 1e-11, 'Hessian-vector product');
  });
});

identities('matrixPower(a, 0) has a zero gradient; k = 1 is a copy, not an alias', () => {
  ag.tidy(() => {
    const a = ag.tensor([[1, 2], [3, 4]], f64);
    assert.equal(ag.grad((x: Tensor) => ag.sum(ag.matrixPower(x, 0)))(a).toArray(), [[0, 0], [0, 0]]);
    const one = ag.matrixPower(a, 1);
    assert.ok(one !== a);
    assert.equal(ag.grad((x: Tensor) => ag.sum(ag.matrixPower(x, 1)))(a).toArray(), [[1, 1], [1, 1]]);
  });
});

identities.run();

// ---------------------------------------------------------------- repeated eigenvalues
const repeated = suite('factorizations at repeated eigenvalues and singular values (documented)');

repeated('eigh: the values\' gradient is defined; the vectors\' is not finite', () => {
  ag.tidy(() => {
    const a = ag.tensor([[2, 0, 0], [0, 2, 0], [0, 0, 1]], f64);
    // d/dA sum(w) = I, whatever the eigenspaces
    assert.equal(ag.grad((x: Tensor) => ag.sum(ag.eigh(x)[0]))(a).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const g = ag.grad((x: Tensor) => ag.sum(ag.mul(ag.eigh(x)[1], ag.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], f64))))(a);
    assert.ok(Array.from(g.data()).some((x) => !Number.isFinite(x)), 'the vectors\' gradient at a repeated eigenvalue is Infinity or NaN');
  });
});

repeated('svd: the singular values\' gradient is defined; the vectors\' is not finite', () => {
  ag.tidy(() => {
    const a = ag.tensor([[1, 0], [0, 1], [0, 0]], f64);
    // d/dA sum(s) = U Vᵀ
    const g = ag.grad((x: Tensor) => ag.sum(ag.svd(x)[1]))(a);
    assert.equal(g.toArray(), [[1, 0], [0, 1], [0, 0]]);
    const gu = ag.grad((x: Tensor) => ag.sum(ag.mul(ag.svd(x)[0], ag.tensor([[1, 2], [3, 4], [5, 6]], f64))))(a);
    assert.ok(Array.from(gu.data()).some((x) => !Number.isFinite(x)));
  });
});

repeated.run();

// ---------------------------------------------------------------- bad inputs
const bad = suite('factorizations: bad inputs are errors naming the function, leaving nothing behind');

function rejects(name: string, call: () => unknown, kind: new (...a: any[]) => Error, parts: (string | RegExp)[]): void {
  const before = snapshot();
  let error: unknown = null;
  try {
    ag.tidy(() => {
      call();
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof kind, `${name}: expected a ${kind.name}, got ${String(error)}`);
  const message = (error as Error).message;
  assert.ok(message.startsWith(name), `${name}: "${message}" should start with the function's name`);
  for (const p of parts) assert.ok(typeof p === 'string' ? message.includes(p) : p.test(message), `${name}: "${message}" should mention ${String(p)}`);
  assert.equal(snapshot(), before, `${name}: a failed call must leave memory unchanged`);
}

bad('not square, not a matrix, not symmetric, not positive definite, NaN', () => {
  const t = (x: ag.NestedArray) => ag.tensor(x, f64);
  rejects('cholesky', () => ag.cholesky(t([[1, 2, 3], [4, 5, 6]])), ag.ShapeError, ['square', '[2, 3]']);
  rejects('cholesky', () => ag.cholesky(t([1, 2])), ag.ShapeError, ['[2]']);
  rejects('cholesky', () => ag.cholesky(t([[1, 0], [0, -1]])), ag.ArgumentError, ['not positive definite', 'order 2']);
  rejects('cholesky', () => ag.cholesky(t([[[4, 0], [0, 1]], [[1, 2], [2, 1]]])), ag.ArgumentError, ['batch index [1]', 'order 2']);
  rejects('cholesky', () => ag.cholesky(t([[1, 5], [0, 1]])), ag.ArgumentError, ['not symmetric']);
  rejects('cholesky', () => ag.cholesky(t([[1, NaN], [NaN, 1]])), ag.ArgumentError, ['NaN']);
  rejects('cholesky', () => ag.cholesky(ag.tensor([[-1]])), ag.ArgumentError, ['not positive definite', 'order 1']);
  rejects('eigh', () => ag.eigh(t([[1, 2, 3]])), ag.ShapeError, ['square']);
  rejects('eigh', () => ag.eigh(t([[1, 2], [-2, 1]])), ag.ArgumentError, ['not symmetric']);
  rejects('eigh', () => ag.eigh(t([[1, Infinity], [Infinity, 1]])), ag.ArgumentError, ['NaN or infinite']);
  rejects('svd', () => ag.svd(t([1, 2, 3])), ag.ShapeError, ['matrix', '[3]']);
  rejects('svd', () => ag.svd(t([[1, NaN]])), ag.ArgumentError, ['NaN or infinite']);
  rejects('qr', () => ag.qr(t([[Infinity, 1]])), ag.ArgumentError, ['NaN or infinite']);
  rejects('qr', () => ag.qr(ag.tensor(3)), ag.ShapeError, ['matrix']);
  rejects('slogdet', () => ag.slogdet(t([[1, 2, 3]])), ag.ShapeError, ['square']);
  rejects('pinv', () => ag.pinv(t([1, 2])), ag.ShapeError, ['matrix']);
  rejects('pinv', () => ag.pinv(t([[1, 2]]), { rtol: -1 }), ag.ArgumentError, ['rtol']);
  rejects('pinv', () => ag.pinv(t([[1, 2]]), { tol: 1 } as never), ag.ArgumentError, ['unknown option "tol"']);
  rejects('expm', () => ag.expm(t([[1, 2, 3]])), ag.ShapeError, ['square']);
  rejects('expm', () => ag.expm(t([[1, NaN], [0, 1]])), ag.ArgumentError, ['NaN']);
  rejects('matrixPower', () => ag.matrixPower(t([[1, 2], [3, 4]]), 1.5), ag.ArgumentError, ['integer']);
  rejects('matrixPower', () => ag.matrixPower(t([[1, 2], [2, 4]]), -1), ag.ArgumentError, ['singular']);
});

bad('solveTriangular and lstsq: singular, shapes, dtypes, options', () => {
  const t = (x: ag.NestedArray) => ag.tensor(x, f64);
  rejects('solveTriangular', () => ag.solveTriangular(t([[1, 0], [1, 0]]), t([1, 1])), ag.ArgumentError, ['singular', '[1, 1]']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[[1, 0], [1, 1]], [[0, 0], [1, 1]]]), t([1, 1])), ag.ArgumentError, ['batch index [1]', '[0, 0]']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[1, 0], [1, 1]]), t([1, 1, 1])), ag.ShapeError, ['[2]', '[3]']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[1, 0], [1, 1]]), t([[1, 1, 1]])), ag.ShapeError, ['[1, 3]']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[[1, 0], [1, 1]], [[1, 0], [1, 1]]]), t([[[1], [1]], [[1], [1]], [[1], [1]]])), ag.ShapeError, ['batch']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[1, 0], [1, 1]]), ag.tensor([1, 1])), ag.DTypeError, ['float32', 'float64']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[1, 0], [1, 1]]), t([1, 1]), { lower: 'yes' } as never), ag.ArgumentError, ['lower']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[1, 0], [1, 1]]), t([1, 1]), { upper: true } as never), ag.ArgumentError, ['unknown option "upper"']);
  rejects('solveTriangular', () => ag.solveTriangular(t([[1, 0], [1, 1]]), t([1, 1]), 3 as never), ag.ArgumentError, ['options']);
  rejects('lstsq', () => ag.lstsq(t([[1, 0], [1, 1], [1, 2]]), t([1, 2])), ag.ShapeError, ['[3]']);
  rejects('lstsq', () => ag.lstsq(t([[1, 0], [1, 1], [1, 2]]), ag.tensor([1, 2, 3])), ag.DTypeError, ['float32']);
});

bad('the gradient of slogdet at a singular matrix throws, naming slogdet', () => {
  assert.throws(() => ag.grad((x: Tensor) => ag.slogdet(x)[1])(ag.tensor([[1, 2], [2, 4]], f64)), /slogdet \(gradient\).*singular/);
});

bad.run();

// ---------------------------------------------------------------- methods
const methods = suite('factorizations as Tensor methods');

methods('a.cholesky(), a.solveTriangular(b), a.eigh(), a.svd(), a.qr(), a.slogdet(), a.pinv(), a.lstsq(b), a.matrixPower(k), a.expm()', () => {
  ag.tidy(() => {
    const a = ag.tensor([[4, 2], [2, 5]], f64);
    const b = ag.tensor([1, 2], f64);
    assert.equal(a.cholesky().toArray(), ag.cholesky(a).toArray());
    assert.equal(a.solveTriangular(b, { lower: false }).toArray(), ag.solveTriangular(a, b, { lower: false }).toArray());
    assert.equal(a.eigh()[0].toArray(), ag.eigh(a)[0].toArray());
    assert.equal(a.svd()[1].toArray(), ag.svd(a)[1].toArray());
    assert.equal(a.qr()[1].toArray(), ag.qr(a)[1].toArray());
    assert.equal(a.slogdet()[1].toArray(), ag.slogdet(a)[1].toArray());
    assert.equal(a.pinv().toArray(), ag.pinv(a).toArray());
    assert.equal(a.lstsq(b).toArray(), ag.lstsq(a, b).toArray());
    assert.equal(a.matrixPower(2).toArray(), ag.matrixPower(a, 2).toArray());
    assert.equal(a.expm().toArray(), ag.expm(a).toArray());
  });
});

methods.run();
