// The workloads of issue 5 and their data, built once from one seeded
// generator; every library converts the same Float32Arrays to its own arrays.

import { Rng, type Check } from './util';

export interface MatmulData {
  n: number;
  /** row-major n x n */
  a: Float32Array;
  b: Float32Array;
}

export interface VecData {
  n: number;
  x: Float32Array;
  y: Float32Array;
}

export interface MlpData {
  batch: number;
  nin: number;
  nh: number;
  nout: number;
  x: Float32Array; // batch x nin
  w1: Float32Array; // nin x nh
  b1: Float32Array; // nh
  w2: Float32Array; // nh x nout
  b2: Float32Array; // nout
  labels: Int32Array; // batch, in [0, nout)
  onehot: Float32Array; // batch x nout
}

export interface ChainData {
  steps: number;
  x0: number;
  w: number;
  b: number;
}

/** An MLP with two hidden layers: nin-nh-nh2-nout, relu, cross-entropy. */
export interface Mlp3Data {
  batch: number;
  nin: number;
  nh: number;
  nh2: number;
  nout: number;
  x: Float32Array; // batch x nin
  w1: Float32Array; // nin x nh
  b1: Float32Array;
  w2: Float32Array; // nh x nh2
  b2: Float32Array;
  w3: Float32Array; // nh2 x nout
  b3: Float32Array;
  labels: Int32Array;
  onehot: Float32Array; // batch x nout
}

/** Tiny ops: `steps` adds of two [n] tensors (x = x + b), per op. */
export interface TinyData {
  n: number;
  steps: number;
  a: Float32Array;
  b: Float32Array;
}

/** conv(1→16, 3x3, pad 1), relu, maxpool 2, conv(16→32, 3x3, pad 1), relu, maxpool 2, linear 1568→10, cross-entropy. */
export interface CnnData {
  batch: number;
  /** image side (28: MNIST) */
  side: number;
  c1: number;
  c2: number;
  nout: number;
  x: Float32Array; // batch x 1 x side x side
  w1: Float32Array; // c1 x 1 x 3 x 3
  b1: Float32Array; // c1
  w2: Float32Array; // c2 x c1 x 3 x 3
  b2: Float32Array; // c2
  w3: Float32Array; // (c2 * (side/4)²) x nout
  b3: Float32Array; // nout
  labels: Int32Array; // batch, in [0, nout)
  onehot: Float32Array; // batch x nout
}

export interface HvpData {
  n: number;
  w: Float32Array; // n x n
  x: Float32Array; // n
  v: Float32Array; // n
}

/**
 * What one library does for one workload: `check` computes the answer once
 * (outside the timing) and reduces it to a Check; `run` is what is timed,
 * including forcing the result and freeing it; `dispose` frees the inputs.
 */
export interface Prepared {
  run(): void | Promise<void>;
  check(): Check | Promise<Check>;
  dispose(): void;
  /** how the library did it, when worth saying (e.g. "loss from logSoftmax") */
  note?: string;
}

export type ChainMode = 'grad' | 'forward' | 'taped-forward';

/** A symmetric positive definite system A x = b (issue 13: Cholesky + triangular solves). */
export interface CholeskyData {
  n: number;
  /** row-major n x n, X Xᵀ / n + I for a Gaussian X */
  a: Float32Array;
  b: Float32Array;
}

/**
 * The projectile of issue 13's Jacobian rows: from p = [speed, angle], the
 * heights over `steps` Euler steps (dt 0.01, gravity 9.81, quadratic drag
 * 0.05), written with scalar ops; its Jacobian is [steps, 2].
 */
export interface SimulationData {
  steps: number;
  p: Float32Array;
}

/** A Jacobian by columns (forward mode) or by rows (reverse mode). */
export type JacobianMode = 'fwd' | 'rev';
/** crossEntropy: each library's own cross-entropy op; composed: logsumexp(z) - sum(z * onehot), the same composition everywhere */
export type LossKind = 'crossEntropy' | 'composed';
export type UnaryName = 'exp' | 'tanh' | 'gelu' | 'erf';
/** 'forward': a chain of adds in a scope; 'grad': the same recorded, then the gradient */
export type TinyMode = 'forward' | 'grad';

/** One library (or one backend of it). Any method may throw NotAvailable. */
export interface Lib {
  name: string;
  matmul(d: MatmulData, transposeA: boolean): Prepared | Promise<Prepared>;
  add(d: VecData): Prepared | Promise<Prepared>;
  unary(op: UnaryName, d: VecData): Prepared | Promise<Prepared>;
  mlp(d: MlpData, loss: LossKind, jit?: boolean): Prepared | Promise<Prepared>;
  chain(d: ChainData, mode: ChainMode, jit?: boolean): Prepared | Promise<Prepared>;
  hvp(d: HvpData, jit?: boolean): Prepared | Promise<Prepared>;
  /** the CNN training step (fwd+bwd of every parameter) */
  cnn?(d: CnnData): Prepared | Promise<Prepared>;
  /** the two-hidden-layer MLP training step */
  mlp3?(d: Mlp3Data): Prepared | Promise<Prepared>;
  /** a chain of tiny adds, forward in a scope or with its gradient */
  tiny?(d: TinyData, mode: TinyMode): Prepared | Promise<Prepared>;
  /** L = cholesky(A), then L z = b and Lᵀ x = z (absent: the library has no Cholesky). */
  choleskySolve?(d: CholeskyData, jit?: boolean): Prepared | Promise<Prepared>;
  /** The Jacobian of the simulation's heights with respect to [speed, angle] (absent: no Jacobian transform). */
  simulationJacobian?(d: SimulationData, mode: JacobianMode, jit?: boolean): Prepared | Promise<Prepared>;
  /** has a jit mode (jax-js): its rows get a second figure */
  hasJit?: boolean;
  /** activate this library's backend before its workloads */
  activate?(): Promise<void>;
}

export interface Sizes {
  matmul: number[];
  transposeA: number;
  vector: number;
  mlp: { batch: number; nin: number; nh: number; nout: number };
  chain: number;
  hvp: number;
  memorySteps: number;
  cnn: { batch: number; side: number; c1: number; c2: number };
  /** the larger MLP of issue 15: 784-1024-1024-10 */
  mlpLarge: { batch: number; nin: number; nh: number; nh2: number; nout: number };
  /** issue 13 */
  cholesky: number[];
  simulationSteps: number;
}

export const FULL: Sizes = {
  matmul: [64, 256, 512, 1024],
  transposeA: 256,
  vector: 1 << 20,
  mlp: { batch: 128, nin: 784, nh: 256, nout: 10 },
  chain: 250,
  hvp: 256,
  memorySteps: 1000,
  cnn: { batch: 64, side: 28, c1: 16, c2: 32 },
  mlpLarge: { batch: 256, nin: 784, nh: 1024, nh2: 1024, nout: 10 },
  cholesky: [256, 512],
  simulationSteps: 400,
};

export const QUICK: Sizes = {
  matmul: [16, 64],
  transposeA: 64,
  vector: 1 << 14,
  mlp: { batch: 16, nin: 64, nh: 32, nout: 10 },
  chain: 8,
  hvp: 32,
  memorySteps: 30,
  cnn: { batch: 4, side: 8, c1: 4, c2: 8 },
  mlpLarge: { batch: 16, nin: 64, nh: 48, nh2: 32, nout: 10 },
  cholesky: [16],
  simulationSteps: 10,
};

export function matmulData(rng: Rng, n: number): MatmulData {
  return { n, a: rng.uniform(n * n, -1, 1), b: rng.uniform(n * n, -1, 1) };
}

export function vecData(rng: Rng, n: number, lo: number, hi: number): VecData {
  return { n, x: rng.uniform(n, lo, hi), y: rng.uniform(n, lo, hi) };
}

export function mlpData(rng: Rng, s: Sizes['mlp']): MlpData {
  const { batch, nin, nh, nout } = s;
  const labels = rng.ints(batch, nout);
  const onehot = new Float32Array(batch * nout);
  for (let i = 0; i < batch; i++) onehot[i * nout + labels[i]] = 1;
  return {
    ...s,
    x: rng.uniform(batch * nin, 0, 1),
    w1: rng.normal(nin * nh, Math.sqrt(2 / nin)),
    b1: rng.normal(nh, 0.1),
    w2: rng.normal(nh * nout, Math.sqrt(1 / nh)),
    b2: rng.normal(nout, 0.1),
    labels,
    onehot,
  };
}

export function chainData(rng: Rng, steps: number): ChainData {
  // |w| < 1 keeps the chain from saturating: gradients stay informative
  const f = Math.fround;
  return { steps, x0: f(0.2 + 0.6 * rng.next()), w: f(0.5 + 0.4 * rng.next()), b: f(0.1 + 0.2 * rng.next()) };
}

export function hvpData(rng: Rng, n: number): HvpData {
  return { n, w: rng.normal(n * n, 1 / Math.sqrt(n)), x: rng.uniform(n, -1, 1), v: rng.uniform(n, -1, 1) };
}

export function cnnData(rng: Rng, s: Sizes['cnn']): CnnData {
  const { batch, side, c1, c2 } = s;
  const nout = 10;
  const flat = c2 * (side / 4) ** 2;
  const labels = rng.ints(batch, nout);
  const onehot = new Float32Array(batch * nout);
  for (let i = 0; i < batch; i++) onehot[i * nout + labels[i]] = 1;
  return {
    batch, side, c1, c2, nout,
    x: rng.uniform(batch * side * side, 0, 1),
    w1: rng.normal(c1 * 9, Math.sqrt(2 / 9)),
    b1: rng.normal(c1, 0.1),
    w2: rng.normal(c2 * c1 * 9, Math.sqrt(2 / (9 * c1))),
    b2: rng.normal(c2, 0.1),
    w3: rng.normal(flat * nout, Math.sqrt(1 / flat)),
    b3: rng.normal(nout, 0.1),
    labels,
    onehot,
  };
}

export function mlp3Data(rng: Rng, s: Sizes['mlpLarge']): Mlp3Data {
  const { batch, nin, nh, nh2, nout } = s;
  const labels = rng.ints(batch, nout);
  const onehot = new Float32Array(batch * nout);
  for (let i = 0; i < batch; i++) onehot[i * nout + labels[i]] = 1;
  return {
    ...s,
    x: rng.uniform(batch * nin, 0, 1),
    w1: rng.normal(nin * nh, Math.sqrt(2 / nin)),
    b1: rng.normal(nh, 0.1),
    w2: rng.normal(nh * nh2, Math.sqrt(2 / nh)),
    b2: rng.normal(nh2, 0.1),
    w3: rng.normal(nh2 * nout, Math.sqrt(1 / nh2)),
    b3: rng.normal(nout, 0.1),
    labels,
    onehot,
  };
}

export function tinyData(rng: Rng, steps: number): TinyData {
  return { n: 4, steps, a: rng.uniform(4, -1, 1), b: rng.uniform(4, -0.01, 0.01) };
}

export function choleskyData(rng: Rng, n: number): CholeskyData {
  const x = rng.normal(n * n, 1);
  const a = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let t = 0;
      for (let k = 0; k < n; k++) t += x[i * n + k] * x[j * n + k];
      a[i * n + j] = a[j * n + i] = t / n + (i === j ? 1 : 0);
    }
  }
  return { n, a, b: rng.uniform(n, -1, 1) };
}

export function simulationData(steps: number): SimulationData {
  return { steps, p: Float32Array.from([20, 0.8]) };
}
