// Property-based tests (fast-check) of the transforms on random programs:
// compositions of 1-5 smooth steps (elementwise functions, products and
// quotients with constants, matrix products, reductions, reshapes and
// transposes, softmax, and a factorization) of a random float64 input of
// random shape, giving a tensor of another random shape. For each program
// and random directions v, u (all float64), to 1e-12 of the values' scale:
//   jvp(f, [x], [v]) = J v with J from jacrev (rows) and from jacfwd (columns);
//   ⟨u, J v⟩ = ⟨uᵀJ, v⟩ with uᵀJ from vjp's pullback (reverse mode);
//   jacfwd = jacrev;
// and for the scalar s(x) = ⟨w, f(x)⟩: forward-over-reverse
// jvp(grad(s), [x], [v]) = reverse-over-reverse hvp(s)(x, v) = hessian(s)(x) v.
// Replay a failure with the FC_SEED / FC_ONLY / FC_PATH line it prints
// (test/reference/harness.ts).
import { suite } from 'uvu';
import * as ag from '../src/index';
import { Rng } from './reference/index';
import { fc, prop } from './reference/harness';

type T = ag.Tensor;
const f64 = { dtype: 'float64' as const };

interface Step {
  desc: string;
  apply: (x: T) => T;
}

type Planner = (shape: readonly number[], rng: Rng) => Step | null;

const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const constant = (rng: Rng, shape: readonly number[], lo = -1, hi = 1) => ag.tensor(rng.array(size(shape), lo, hi), { ...f64, shape: shape.slice() });
const onePlusSq = (x: T) => ag.add(1, ag.mul(x, x));

const unary = (desc: string, f: (x: T) => T): Planner => () => ({ desc, apply: f });

const PLANNERS: Record<string, Planner> = {
  tanh: unary('tanh', ag.tanh),
  sin: unary('sin', ag.sin),
  'exp(tanh x)': unary('exp(tanh x)', (x) => ag.exp(ag.tanh(x))),
  'log(1 + x²)': unary('log(1 + x²)', (x) => ag.log(onePlusSq(x))),
  'x / (1 + x²)': unary('x / (1 + x²)', (x) => ag.div(x, onePlusSq(x))),
  sigmoid: unary('sigmoid', ag.sigmoid),
  'x sin x': unary('x sin x', (x) => ag.mul(x, ag.sin(x))),
  'mul c': (shape, rng) => {
    const c = constant(rng, shape);
    return { desc: 'mul c', apply: (x) => ag.mul(x, c) };
  },
  'add row': (shape, rng) => {
    if (shape.length === 0) return null;
    const c = constant(rng, shape.slice(-1));
    return { desc: 'add row', apply: (x) => ag.add(x, c) };
  },
  'matmul W': (shape, rng) => {
    if (shape.length === 0) return null;
    const p = 1 + rng.int(3);
    const w = constant(rng, [shape[shape.length - 1], p]);
    return { desc: `matmul W[${shape[shape.length - 1]}, ${p}]`, apply: (x) => ag.matmul(x, w) };
  },
  'sum last': (shape) => (shape.length < 2 ? null : { desc: 'sum(axis -1)', apply: (x) => ag.sum(x, -1) }),
  'logsumexp last': (shape) => (shape.length < 2 ? null : { desc: 'logsumexp(axis -1)', apply: (x) => ag.logsumexp(x, -1) }),
  softmax: (shape) => (shape.length === 0 ? null : { desc: 'softmax(axis -1)', apply: (x) => ag.softmax(x, -1) }),
  transpose: (shape) => (shape.length < 2 ? null : { desc: 'transpose', apply: (x) => ag.transpose(x) }),
  'reshape flat': (shape) => (shape.length === 1 ? null : { desc: 'reshape([-1])', apply: (x) => ag.reshape(x, [-1]) }),
  'reshape 2-D': (shape) => {
    const n = size(shape);
    if (n % 2 !== 0 || shape.length === 2) return null;
    return { desc: `reshape([2, ${n / 2}])`, apply: (x) => ag.reshape(x, [2, n / 2]) };
  },
  // a factorization with several results: Q R of a well-conditioned square made of x
  'qr of (x xᵀ + 2 I)': (shape) => {
    if (shape.length !== 2 || shape[0] > 4) return null;
    const n = shape[0];
    return {
      desc: 'q r of x xᵀ + 2I, summed',
      apply: (x) => {
        const [q, r] = ag.qr(ag.add(ag.matmul(x, x, { transposeB: true }), ag.mul(ag.eye(n, f64), 2)));
        return ag.add(q, ag.mul(r, 0.1));
      },
    };
  },
};
const NAMES = Object.keys(PLANNERS);

interface Case {
  shape: number[];
  ops: { op: number; seed: number }[];
  data: number;
}

interface Program {
  x: T;
  f: (x: T) => T;
  desc: string;
  outShape: number[];
}

function build(c: Case): Program {
  const rng = new Rng(c.data);
  const x = constant(rng, c.shape, -1.2, 1.2);
  const steps: Step[] = [];
  let shape = c.shape.slice();
  for (const { op, seed } of c.ops) {
    const stepRng = new Rng(seed);
    let step: Step | null = null;
    for (let k = 0; k < NAMES.length && step === null; k++) step = PLANNERS[NAMES[(op + k) % NAMES.length]](shape, stepRng);
    if (step === null) continue;
    steps.push(step);
    shape = ag.tidy(() => step!.apply(ag.zeros(shape, f64)).shape.slice());
    if (size(shape) > 32) break;
  }
  const f = (t: T) => steps.reduce((v, s) => s.apply(v), t);
  return { x, f, desc: `[${c.shape}] → ${steps.map((s) => s.desc).join(' → ')} → [${shape}]`, outShape: shape };
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }),
  ops: fc.array(fc.record({ op: fc.integer({ min: 0, max: NAMES.length - 1 }), seed: fc.integer({ min: 1, max: 1e9 }) }), { minLength: 2, maxLength: 6 }),
  data: fc.integer({ min: 1, max: 1e9 }),
});

/** |a - b| <= 1e-12 (1 + max |b|), elementwise; throws naming the program. */
function agree(a: ArrayLike<number>, b: ArrayLike<number>, what: string, p: Program): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} vs ${b.length} values for ${p.desc}`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= 1e-12 * (1 + scale))) {
      throw new Error(`${what}: element ${i} is ${a[i]} vs ${b[i]} (scale ${scale}) for ${p.desc}`);
    }
  }
}

/** J as an [m, n] matrix times the flat vector v. */
function times(j: T, m: number, n: number, v: T): Float64Array {
  const jd = j.data();
  const vd = v.data();
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) out[i] += jd[i * n + k] * vd[k];
  return out;
}

function dotFlat(a: T, b: T): number {
  const x = a.data();
  const y = b.data();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

const props = suite('transforms on random programs (float64, to 1e-12)');

prop(props, 'jvp = jacrev · v = jacfwd · v, and ⟨u, J v⟩ = ⟨vjp(u), v⟩', caseArb, (c) => {
  const p = build(c);
  const rng = new Rng(c.data + 1);
  const v = constant(rng, c.shape);
  const u = constant(rng, p.outShape);
  const [y, jv] = ag.jvp(p.f, [p.x], [v]);
  agree(y.data(), p.f(p.x).data(), 'jvp value', p);
  const m = size(p.outShape);
  const n = size(c.shape);
  const jr = ag.jacrev(p.f)(p.x);
  const jf = ag.jacfwd(p.f)(p.x);
  if (jr.shape.join() !== [...p.outShape, ...c.shape].join()) throw new Error(`jacrev shape [${jr.shape}] for ${p.desc}`);
  agree(jv.data(), times(jr, m, n, v), 'jvp vs jacrev · v', p);
  agree(jv.data(), times(jf, m, n, v), 'jvp vs jacfwd · v', p);
  agree(jf.data(), jr.data(), 'jacfwd vs jacrev', p);
  const [, pullback] = ag.vjp(p.f, p.x);
  agree([dotFlat(u, jv)], [dotFlat(pullback(u), v)], '⟨u, J v⟩ vs ⟨uᵀJ, v⟩', p);
}, { runs: 120 });

prop(props, 'forward-over-reverse HVP = reverse-over-reverse HVP = hessian · v', caseArb, (c) => {
  const p = build(c);
  const rng = new Rng(c.data + 2);
  const w = constant(rng, p.outShape);
  const v = constant(rng, c.shape);
  const s = (t: T) => ag.sum(ag.mul(p.f(t), w));
  // (grad(s) is generic: its result types as Tensor | number)
  const fwdRev = ag.jvp(ag.grad(s), [p.x], [v])[1] as T;
  const revRev = ag.hvp(s)(p.x, v);
  agree(fwdRev.data(), revRev.data(), 'jvp(grad) vs hvp', p);
  const n = size(c.shape);
  agree(revRev.data(), times(ag.hessian(s)(p.x), n, n, v), 'hvp vs hessian · v', p);
}, { runs: 80 });

props.run();
