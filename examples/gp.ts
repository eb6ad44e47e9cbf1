// Gaussian-process regression: the kernel's hyperparameters fitted by
// maximizing the log marginal likelihood, written with cholesky and
// solveTriangular in float64, by Newton's method with the exact 3 x 3
// Hessian (ag.hessian: second derivatives through the Cholesky
// factorization). The example checks itself and exits non-zero if a check
// fails:
//   1. the gradient against central finite differences (and ag.gradcheck to
//      second order);
//   2. the fit against the known answer: a grid search over the length
//      scale and the noise ratio, with the signal variance in closed form
//      (for K = s² (R + r I), the best s² is yᵀ(R + r I)⁻¹y / n), refined by
//      nothing but the grid itself; Newton must land in the best grid cell,
//      at least as high, and satisfy the closed form to 1e-8.
//   npm run gp
import * as ag from 'autograd-wasm';

type T = ag.Tensor;
const f64 = { dtype: 'float64' as const };
let failures = 0;
function check(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  if (!ok) failures++;
}

// ---- data: 40 noisy samples of sin(x) + sin(3x) / 3 on [0, 10] ----

ag.seed(7);
const n = 40;
const truth = (t: T) => ag.add(ag.sin(t), ag.div(ag.sin(ag.mul(t, 3)), 3));
const x = ag.keep(ag.mul(ag.rand([n], f64), 10));
const y = ag.keep(ag.add(truth(x), ag.mul(ag.randn([n], f64), 0.1)));
/** Squared distances (x_i - x_j)², computed once. */
const d2 = ag.keep(ag.abs2(ag.sub(ag.reshape(x, [n, 1]), ag.reshape(x, [1, n]))));
const I = ag.keep(ag.eye(n, f64));
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * -log p(y | θ) for θ = [log ℓ, log s, log σ]: the RBF covariance
 * K = s² exp(-d² / (2ℓ²)) + σ² I = L Lᵀ, and with L z = y,
 * -log p = |z|² / 2 + Σ log L_ii + n log(2π) / 2.
 */
function nlml(theta: T): T {
  const [logL, logS, logN] = ag.unstack(theta);
  const rbf = ag.exp(ag.div(d2, ag.mul(ag.exp(ag.mul(logL, 2)), -2)));
  const K = ag.add(ag.mul(rbf, ag.exp(ag.mul(logS, 2))), ag.mul(I, ag.exp(ag.mul(logN, 2))));
  const L = ag.cholesky(K);
  const z = ag.solveTriangular(L, y);
  return ag.add(ag.add(ag.mul(ag.sum(ag.abs2(z)), 0.5), ag.sum(ag.log(ag.diag(L)))), (n * LOG_2PI) / 2);
}

const value = (theta: number[]) => ag.tidy(() => nlml(ag.tensor(theta, f64)).item());
const gradient = ag.grad(nlml);
const hessian = ag.hessian(nlml);

// ---- 1. the gradient against finite differences ----

const start = [Math.log(1), Math.log(0.5), Math.log(0.5)];
console.log(`GP regression, n = ${n}, RBF kernel, θ = [log ℓ, log s, log σ], float64`);
console.log('\n1. gradient of -log p(y | θ) at θ0 = [0, log 0.5, log 0.5] against central differences (h = 1e-5)');
{
  const g = ag.tidy(() => Array.from(gradient(ag.tensor(start, f64)).data()));
  let worst = 0;
  for (let i = 0; i < 3; i++) {
    const h = 1e-5;
    const up = start.slice();
    const down = start.slice();
    up[i] += h;
    down[i] -= h;
    const fd = (value(up) - value(down)) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - g[i]) / Math.max(1, Math.abs(g[i])));
    console.log(`     ∂/∂θ${i}: ${g[i].toFixed(10).padStart(16)}   finite differences ${fd.toFixed(10).padStart(16)}`);
  }
  check(worst < 1e-7, `largest relative difference ${worst.toExponential(2)} < 1e-7`);
  const ok2 = ag.tidy(() => ag.gradcheck(nlml, ag.tensor(start, f64), { order: 2 }));
  check(ok2, 'ag.gradcheck to second order (Hessian-vector products through cholesky and solveTriangular)');
}

// ---- 2. Newton's method with the exact Hessian ----

console.log('\n2. Newton\'s method with the exact Hessian, from θ0');
let theta = start.slice();
let iterations = 0;
let gnorm = Infinity;
const started = performance.now();
for (; iterations < 50; iterations++) {
  const step = ag.tidy(() => {
    const t = ag.tensor(theta, f64);
    const g = gradient(t);
    gnorm = Math.sqrt(ag.sum(ag.abs2(g)).item());
    if (gnorm < 1e-10) return null;
    const H = hessian(t);
    // Newton's direction where H is positive definite (its Cholesky factor
    // exists); otherwise steepest descent.
    const [w] = ag.eigh(H);
    const direction = w.data()[0] > 0 ? ag.neg(ag.solve(H, g)) : ag.neg(g);
    return Array.from(direction.data());
  });
  if (step === null) break;
  // backtracking line search on -log p
  const f0 = value(theta);
  let s = 1;
  let next = theta;
  for (let k = 0; k < 40; k++, s /= 2) {
    const candidate = theta.map((v, i) => v + s * step[i]);
    let fc: number;
    try {
      fc = value(candidate);
    } catch {
      continue; // K not positive definite there: a shorter step
    }
    if (fc < f0) {
      next = candidate;
      break;
    }
  }
  if (next === theta) break;
  theta = next;
}
const best = value(theta);
const [ell, sig, noise] = theta.map(Math.exp);
console.log(`     ${iterations} iterations, |∇| = ${gnorm.toExponential(2)}, ${(performance.now() - started).toFixed(0)} ms`);
console.log(`     ℓ = ${ell.toFixed(6)}, s = ${sig.toFixed(6)}, σ = ${noise.toFixed(6)}; -log p = ${best.toFixed(10)}`);
check(gnorm < 1e-10, `converged: |∇| < 1e-10`);
check(noise > 0.05 && noise < 0.2, `the noise level found (${noise.toFixed(3)}) is near the 0.1 the data were made with`);

// ---- 3. the known answer: grid over (ℓ, r = σ²/s²), s² in closed form ----

console.log('\n3. the known answer: a grid over ℓ and r = σ²/s², with s² = yᵀ(R + rI)⁻¹y / n in closed form');
const logEll = Array.from({ length: 81 }, (_, i) => Math.log(0.2) + (i * Math.log(5 / 0.2)) / 80);
const logR = Array.from({ length: 81 }, (_, i) => Math.log(1e-4) + (i * Math.log(1 / 1e-4)) / 80);
const gridStarted = performance.now();
let gridBest = { value: Infinity, i: 0, j: 0, s2: 0 };
for (let i = 0; i < logEll.length; i++) {
  ag.tidy(() => {
    // one batched factorization per length scale: [81, n, n]
    const R = ag.exp(ag.div(d2, -2 * Math.exp(2 * logEll[i])));
    const r = ag.reshape(ag.exp(ag.tensor(logR, f64)), [logR.length, 1, 1]);
    const L = ag.cholesky(ag.add(R, ag.mul(I, r)));
    const z = ag.solveTriangular(L, ag.reshape(y, [n, 1])); // y broadcast against the batch
    const quad = ag.sum(ag.abs2(z), [1, 2]).data(); // yᵀ(R + rI)⁻¹y
    const logdet = ag.mul(ag.sum(ag.log(ag.add(ag.mul(L, I), ag.sub(1, I))), [1, 2]), 2).data(); // 2 Σ log L_ii
    for (let j = 0; j < logR.length; j++) {
      const s2 = quad[j] / n;
      const v = n / 2 + logdet[j] / 2 + (n / 2) * Math.log(s2) + (n * LOG_2PI) / 2;
      if (v < gridBest.value) gridBest = { value: v, i, j, s2 };
    }
  });
}
const gridTheta = [logEll[gridBest.i], 0.5 * Math.log(gridBest.s2), 0.5 * Math.log(Math.exp(logR[gridBest.j]) * gridBest.s2)];
console.log(`     ${logEll.length * logR.length} grid points in ${(performance.now() - gridStarted).toFixed(0)} ms: best ℓ = ${Math.exp(gridTheta[0]).toFixed(4)}, s = ${Math.exp(gridTheta[1]).toFixed(4)}, σ = ${Math.exp(gridTheta[2]).toFixed(4)}; -log p = ${gridBest.value.toFixed(10)}`);
check(Math.abs(value(gridTheta) - gridBest.value) < 1e-9, 'the closed form and the likelihood agree at the grid\'s best point');
const stepEll = logEll[1] - logEll[0];
const stepR = logR[1] - logR[0];
const newtonR = 2 * (theta[2] - theta[1]);
check(Math.abs(theta[0] - gridTheta[0]) <= stepEll && Math.abs(newtonR - logR[gridBest.j]) <= stepR, 'Newton\'s ℓ and r lie within one grid step of the grid\'s best');
check(best <= gridBest.value + 1e-12, `Newton's -log p is at least as good as the grid's (by ${(gridBest.value - best).toExponential(2)})`);
{
  // At the optimum the signal variance must equal its closed form.
  const closed = ag.tidy(() => {
    const R = ag.exp(ag.div(d2, -2 * ell * ell));
    const L = ag.cholesky(ag.add(R, ag.mul(I, (noise * noise) / (sig * sig))));
    return ag.sum(ag.abs2(ag.solveTriangular(L, y))).item() / n;
  });
  check(Math.abs(closed / (sig * sig) - 1) < 1e-8, `s² = ${(sig * sig).toFixed(10)} equals the closed form ${closed.toFixed(10)}`);
}

// ---- the fit ----

{
  const rmse = ag.tidy(() => {
    const xs = ag.linspace(0.5, 9.5, 50, f64);
    const cross = ag.mul(ag.exp(ag.div(ag.abs2(ag.sub(ag.reshape(xs, [50, 1]), ag.reshape(x, [1, n]))), -2 * ell * ell)), sig * sig);
    const K = ag.add(ag.mul(ag.exp(ag.div(d2, -2 * ell * ell)), sig * sig), ag.mul(I, noise * noise));
    const L = ag.cholesky(K);
    const alpha = ag.solveTriangular(L, ag.solveTriangular(L, y), { transpose: true }); // K⁻¹ y
    const mean = ag.matmul(cross, alpha);
    return Math.sqrt(ag.mean(ag.abs2(ag.sub(mean, truth(xs)))).item());
  });
  console.log(`\nposterior mean against the noiseless function on [0.5, 9.5]: RMSE ${rmse.toFixed(4)} (noise 0.1)`);
  check(rmse < 0.1, 'the fit recovers the function better than the noise level');
}

console.log(failures === 0 ? '\nall checks passed' : `\n${failures} check(s) FAILED`);
process.exitCode = failures === 0 ? 0 : 1;
