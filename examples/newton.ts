// Second-order optimisation with Hessian-vector products from nested
// differentiation: L2-regularised logistic regression solved by Newton-CG,
// against plain gradient descent. Neither ever forms the Hessian; Newton-CG
// asks only for products H v, each one a `grad` of a `grad`.
//   npx tsx examples/newton.ts [--n 2000] [--d 50] [--tol 1e-8]
import * as ag from 'autograd-wasm';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const n = flag('n', 2000);
const d = flag('d', 50);
const tol = flag('tol', 1e-8);
const lambda = 1e-3;
const f64 = { dtype: 'float64' as const };

// Synthetic, reproducible data: labels in {-1, +1} from a hidden linear model with noise.
ag.seed(42);
const X = ag.keep(ag.randn([n, d], f64));
const truth = ag.randn([d], f64);
const y = ag.keep(ag.sub(ag.mul(ag.greater(ag.add(ag.matmul(X, truth), ag.mul(ag.randn([n], f64), 0.5)), 0), 2), 1));

/** mean(log(1 + exp(-y X w))) + λ/2 |w|², written with ordinary ops. */
const loss = (w: ag.Tensor) =>
  ag.add(ag.mean(ag.softplus(ag.neg(ag.mul(y, ag.matmul(X, w))))), ag.mul(lambda / 2, ag.sum(ag.abs2(w))));
const gradient = ag.grad(loss);
/** H(w) v without forming H: the gradient of <∇loss(w), v>. */
const hessianVector = (w: ag.Tensor, v: ag.Tensor): ag.Tensor => ag.grad((z: ag.Tensor) => ag.sum(ag.mul(gradient(z), v)))(w);

const norm = (t: ag.Tensor) => Math.sqrt(ag.sum(ag.abs2(t)).item());
const dot = (a: ag.Tensor, b: ag.Tensor) => ag.sum(ag.mul(a, b)).item();

/** Backtracking (Armijo) line search along `direction`. */
function lineSearch(w: ag.Tensor, g: ag.Tensor, direction: ag.Tensor, f0: number): ag.Tensor {
  let step = 1;
  const slope = dot(g, direction);
  for (let i = 0; i < 40; i++) {
    const candidate = ag.add(w, ag.mul(direction, step));
    if (loss(candidate).item() <= f0 + 1e-4 * step * slope) return candidate;
    step /= 2;
  }
  return w;
}

/** Conjugate gradients on H p = -g, using only Hessian-vector products. */
function newtonDirection(w: ag.Tensor, g: ag.Tensor): { p: ag.Tensor; products: number } {
  let p = ag.zeros([d], f64);
  let r = ag.neg(g);
  let q = r;
  let rr = dot(r, r);
  const stop = Math.min(0.5, Math.sqrt(norm(g))) * norm(g);
  let products = 0;
  for (let i = 0; i < d && Math.sqrt(rr) > stop; i++) {
    const hq = hessianVector(w, q);
    products++;
    const alpha = rr / dot(q, hq);
    p = ag.add(p, ag.mul(q, alpha));
    r = ag.sub(r, ag.mul(hq, alpha));
    const next = dot(r, r);
    q = ag.add(r, ag.mul(q, next / rr));
    rr = next;
  }
  return { p, products };
}

function solve(method: 'newton-cg' | 'gradient descent', maxIterations: number) {
  const started = performance.now();
  let w = ag.keep(ag.zeros([d], f64));
  let iterations = 0;
  let products = 0;
  let gnorm = Infinity;
  while (iterations < maxIterations) {
    const next = ag.tidy(() => {
      const g = gradient(w);
      gnorm = norm(g);
      if (gnorm < tol) return null;
      const f0 = loss(w).item();
      let direction: ag.Tensor;
      if (method === 'newton-cg') {
        const result = newtonDirection(w, g);
        products += result.products;
        direction = result.p;
      } else {
        direction = ag.neg(g);
      }
      return lineSearch(w, g, direction, f0);
    });
    if (next === null) break;
    w.dispose();
    w = ag.keep(next);
    iterations++;
  }
  const ms = performance.now() - started;
  const final = loss(w).item();
  w.dispose();
  return { iterations, products, gnorm, final, ms };
}

console.log(`L2-regularised logistic regression, n = ${n} examples, d = ${d} features, float64; stop when |∇f| < ${tol}`);
const newton = solve('newton-cg', 100);
console.log(
  `newton-cg:        ${String(newton.iterations).padStart(5)} iterations (${newton.products} Hessian-vector products)  ` +
    `|∇f| ${newton.gnorm.toExponential(2)}  loss ${newton.final.toFixed(10)}  ${newton.ms.toFixed(0)} ms`,
);
const gd = solve('gradient descent', 5000);
console.log(
  `gradient descent: ${String(gd.iterations).padStart(5)} iterations${gd.gnorm >= tol ? ' (stopped: limit)' : ''}                               ` +
    `|∇f| ${gd.gnorm.toExponential(2)}  loss ${gd.final.toFixed(10)}  ${gd.ms.toFixed(0)} ms`,
);
