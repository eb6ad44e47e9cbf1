// Which Hessian-vector products TensorFlow.js can compute by nesting
// `tf.grad`, measured: each case is run on TF.js's cpu and wasm backends and
// compared with ours in float64. A case works (within 1e-3 of the answer's L1
// norm), throws, or returns wrong numbers without an error. The README's
// statement about TF.js and HVPs is generated from this (scripts/perf-summary.ts)
// and test/readme-claims.test.ts runs it again to keep the statement true.

import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import * as ag from '../src/index';

export interface HvpCase {
  /** How the README names it. */
  name: string;
  tf: (x: tf.Tensor) => tf.Scalar;
  ag: (x: ag.Tensor) => ag.Tensor;
}

export interface HvpOutcome {
  name: string;
  backend: 'cpu' | 'wasm';
  result: 'works' | 'throws' | 'wrong';
  /** L1 distance from our float64 HVP over its L1 norm (NaN when it throws). */
  error: number;
  message?: string;
}

const N = 4;
const W = [[0.5, -0.3, 0.2, 0.1], [0.1, 0.4, -0.2, 0.3], [-0.3, 0.2, 0.6, -0.1], [0.2, 0.1, -0.4, 0.5]];
const X = [0.3, -0.8, 0.5, 1.2];
const V = [1, -0.5, 0.25, 2];
const LABELS = [1, 0, 1, 0];
const f64 = { dtype: 'float64' as const };

const wx = (x: tf.Tensor) => tf.matMul(tf.tensor2d(W), tf.reshape(x, [N, 1]));
const agWx = (x: ag.Tensor) => ag.matmul(ag.tensor(W, f64), ag.reshape(x, [N, 1]));
const row = (z: tf.Tensor) => tf.reshape(z, [1, N]);

/** The cases, each f(x) for x of 4 elements; the bench's HVP workload is sum(tanh(W x)). */
export const HVP_CASES: HvpCase[] = [
  { name: 'x³', tf: (x) => tf.sum(tf.mul(tf.mul(x, x), x)), ag: (x) => ag.sum(ag.mul(ag.mul(x, x), x)) },
  { name: 'sin(Wx)', tf: (x) => tf.sum(tf.sin(wx(x))), ag: (x) => ag.sum(ag.sin(agWx(x))) },
  { name: 'softplus(Wx)', tf: (x) => tf.sum(tf.softplus(wx(x))), ag: (x) => ag.sum(ag.softplus(agWx(x))) },
  { name: 'relu(Wx)²', tf: (x) => tf.sum(tf.square(tf.relu(wx(x)))), ag: (x) => ag.sum(ag.abs2(ag.relu(agWx(x)))) },
  {
    name: 'meanSquaredError', tf: (x) => tf.losses.meanSquaredError(tf.tensor2d(V, [N, 1]), wx(x)) as tf.Scalar,
    ag: (x) => ag.mse(agWx(x), ag.tensor(V, { ...f64, shape: [N, 1] })),
  },
  { name: 'exp(Wx)', tf: (x) => tf.sum(tf.exp(wx(x))), ag: (x) => ag.sum(ag.exp(agWx(x))) },
  { name: 'tanh(Wx)', tf: (x) => tf.sum(tf.tanh(wx(x))), ag: (x) => ag.sum(ag.tanh(agWx(x))) },
  { name: 'sigmoid(Wx)', tf: (x) => tf.sum(tf.sigmoid(wx(x))), ag: (x) => ag.sum(ag.sigmoid(agWx(x))) },
  {
    name: 'logSoftmax', tf: (x) => tf.neg(tf.sum(tf.mul(tf.logSoftmax(row(wx(x))), tf.tensor2d([[0, 0, 1, 0]])))) as tf.Scalar,
    ag: (x) => ag.neg(ag.sum(ag.mul(ag.logSoftmax(ag.reshape(agWx(x), [1, N])), ag.tensor([[0, 0, 1, 0]], f64)))),
  },
  {
    name: 'softmaxCrossEntropy', tf: (x) => tf.losses.softmaxCrossEntropy(tf.tensor2d([[0, 0, 1, 0]]), row(wx(x))) as tf.Scalar,
    ag: (x) => ag.crossEntropy(ag.reshape(agWx(x), [1, N]), [2]),
  },
  {
    name: 'sigmoidCrossEntropy', tf: (x) => tf.losses.sigmoidCrossEntropy(tf.tensor2d(LABELS, [N, 1]), wx(x)) as tf.Scalar,
    ag: (x) => ag.binaryCrossEntropy(agWx(x), ag.tensor(LABELS, { ...f64, shape: [N, 1] })),
  },
  { name: 'log(1 + exp(Wx))', tf: (x) => tf.sum(tf.log1p(tf.exp(wx(x)))), ag: (x) => ag.sum(ag.log1p(ag.exp(agWx(x)))) },
];

/** Our Hv in float64: grad of <grad f(x), v>. */
function reference(c: HvpCase): number[] {
  return ag.tidy(() => {
    const v = ag.tensor(V, f64);
    return Array.from(ag.grad((z: ag.Tensor) => ag.sum(ag.mul(ag.grad(c.ag)(z), v)))(ag.tensor(X, f64)).data());
  });
}

let wasmLoaded = false;

/** Runs every case on TF.js's cpu and wasm backends (the wasm backend is loaded as the bench loads it). */
export async function probeTfjsHvp(): Promise<HvpOutcome[]> {
  const warn = console.warn;
  // TF.js's cpu backend greets Node users with advice to install tfjs-node.
  console.warn = (...args: unknown[]) => {
    if (!args.some((a) => typeof a === 'string' && a.includes('tfjs-node'))) warn(...args);
  };
  try {
    if (!wasmLoaded) {
      createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm');
      wasmLoaded = true;
    }
    const out: HvpOutcome[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      if (!(await tf.setBackend(backend))) throw new Error(`tf-hvp: tf.setBackend('${backend}') failed`);
      await tf.ready();
      for (const c of HVP_CASES) {
        const ref = reference(c);
        try {
          const got = tf.tidy(() => {
            const v = tf.tensor1d(V);
            const g = tf.grad(c.tf);
            const hv = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(g(x), v)));
            return Array.from(hv(tf.tensor1d(X)).dataSync());
          });
          const error = got.reduce((s, gv, i) => s + Math.abs(gv - ref[i]), 0) / ref.reduce((s, r) => s + Math.abs(r), 0);
          out.push({ name: c.name, backend, result: error <= 1e-3 ? 'works' : 'wrong', error });
        } catch (e) {
          out.push({ name: c.name, backend, result: 'throws', error: NaN, message: (e as Error).message });
        }
      }
    }
    return out;
  } finally {
    console.warn = warn;
  }
}
