// TensorFlow.js 4.22 on its wasm backend (XNNPACK) or its cpu backend (plain JS).
// Both backends run kernels synchronously when an op is called, so a timed
// call is the op plus dispose(); nothing is read back.

import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { NotAvailable, checkOf, checkScalar, joinChecks, type Check } from './util';
import type { ChainData, ChainMode, HvpData, Lib, LossKind, MatmulData, MlpData, Prepared, UnaryName, VecData } from './workloads';

let wasmLoaded = false;

/** tf.tidy for functions that return plain numbers (a Check). */
function scoped<T>(fn: () => T): T {
  let out!: T;
  tf.tidy(() => {
    out = fn();
  });
  return out;
}

/** In Node the wasm backend finds its .wasm files itself when required (CommonJS). */
function loadWasmBackend(): void {
  if (wasmLoaded) return;
  createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm');
  wasmLoaded = true;
}

export interface TfEnv {
  backend: string;
  simd: boolean | null;
  threads: boolean | null;
  version: string;
}

export async function tfEnv(backend: 'wasm' | 'cpu'): Promise<TfEnv> {
  const env: TfEnv = { backend, simd: null, threads: null, version: tf.version.tfjs };
  if (backend === 'wasm') {
    env.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    env.threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  }
  return env;
}

export function tfjs(backend: 'wasm' | 'cpu'): Lib {
  const cell = (data: Float32Array | Int32Array, shape: number[]) => tf.tensor(data, shape, 'float32');
  return {
    name: `tfjs-${backend}`,

    async activate() {
      if (backend === 'wasm') loadWasmBackend();
      const ok = await tf.setBackend(backend);
      if (!ok) throw new Error(`tf.setBackend('${backend}') failed`);
      await tf.ready();
      if (tf.getBackend() !== backend) throw new Error(`TF.js is on ${tf.getBackend()}, not ${backend}`);
    },

    matmul(d: MatmulData, transposeA: boolean): Prepared {
      const a = cell(d.a, [d.n, d.n]);
      const b = cell(d.b, [d.n, d.n]);
      return {
        run: () => tf.matMul(a, b, transposeA, false).dispose(),
        check: () => scoped(() => checkOf('C', tf.matMul(a, b, transposeA, false).dataSync() as Float32Array)),
        dispose: () => tf.dispose([a, b]),
      };
    },

    add(d: VecData): Prepared {
      const x = cell(d.x, [d.n]);
      const y = cell(d.y, [d.n]);
      return {
        run: () => tf.add(x, y).dispose(),
        check: () => scoped(() => checkOf('x+y', tf.add(x, y).dataSync() as Float32Array)),
        dispose: () => tf.dispose([x, y]),
      };
    },

    unary(op: UnaryName, d: VecData): Prepared {
      const x = cell(d.x, [d.n]);
      const f = op === 'exp' ? tf.exp : tf.tanh;
      return {
        run: () => f(x).dispose(),
        check: () => scoped(() => checkOf(`${op}(x)`, f(x).dataSync() as Float32Array)),
        dispose: () => x.dispose(),
      };
    },

    mlp(d: MlpData, kind: LossKind, jit?: boolean): Prepared {
      if (jit) throw new NotAvailable('no jit');
      const x = cell(d.x, [d.batch, d.nin]);
      const onehot = cell(d.onehot, [d.batch, d.nout]);
      const params = [cell(d.w1, [d.nin, d.nh]), cell(d.b1, [d.nh]), cell(d.w2, [d.nh, d.nout]), cell(d.b2, [d.nout])];
      const loss = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor): tf.Scalar => {
        const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const z = tf.add(tf.matMul(h, w2), b2);
        if (kind === 'crossEntropy') return tf.losses.softmaxCrossEntropy(onehot, z) as tf.Scalar;
        return tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, onehot), 1)));
      };
      const vg = tf.valueAndGrads(loss as (...args: tf.Tensor[]) => tf.Tensor);
      return {
        run: () => tf.tidy(() => void vg(params)),
        check: () =>
          scoped((): Check => {
            const { value, grads } = vg(params);
            const names = ['W1', 'b1', 'W2', 'b2'];
            return joinChecks(
              checkScalar('loss', value.dataSync()[0]),
              ...grads.map((g, i) => checkOf(`∇${names[i]}`, g.dataSync() as Float32Array)),
            );
          }),
        dispose: () => tf.dispose([x, onehot, ...params]),
        note: kind === 'crossEntropy' ? 'tf.losses.softmaxCrossEntropy' : undefined,
      };
    },

    chain(d: ChainData, mode: ChainMode, jit?: boolean): Prepared {
      if (jit) throw new NotAvailable('no jit');
      if (mode === 'taped-forward') throw new NotAvailable('not separable from tf.grads');
      const x0 = tf.scalar(d.x0);
      const w = tf.scalar(d.w);
      const b = tf.scalar(d.b);
      const forward = (w: tf.Tensor, b: tf.Tensor): tf.Tensor => {
        let x: tf.Tensor = x0;
        for (let i = 0; i < d.steps; i++) x = tf.tanh(tf.add(tf.mul(x, w), b));
        return x;
      };
      const vg = tf.valueAndGrads(forward as (...args: tf.Tensor[]) => tf.Tensor);
      return {
        run: mode === 'forward' ? () => tf.tidy(() => void forward(w, b)) : () => tf.tidy(() => void vg([w, b])),
        check: () =>
          scoped((): Check => {
            const { value, grads } = vg([w, b]);
            return joinChecks(
              checkScalar('x_T', value.dataSync()[0]),
              checkScalar('∂x_T/∂w', grads[0].dataSync()[0]),
              checkScalar('∂x_T/∂b', grads[1].dataSync()[0]),
            );
          }),
        dispose: () => tf.dispose([x0, w, b]),
      };
    },

    hvp(d: HvpData, jit?: boolean): Prepared {
      if (jit) throw new NotAvailable('no jit');
      const W = cell(d.w, [d.n, d.n]);
      const x = cell(d.x, [d.n, 1]);
      const v = cell(d.v, [d.n, 1]);
      const f = (x: tf.Tensor) => tf.sum(tf.tanh(tf.matMul(W, x)));
      const gf = tf.grad(f);
      const hv = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gf(x), v)));
      return {
        run: () => tf.tidy(() => void hv(x)),
        check: () => scoped((): Check => checkOf('Hv', hv(x).dataSync() as Float32Array)),
        dispose: () => tf.dispose([W, x, v]),
      };
    },

    choleskySolve(): Prepared {
      throw new NotAvailable('TF.js has no Cholesky and no triangular solve (tf.linalg has bandPart, gramSchmidt and qr only)');
    },

    simulationJacobian(): Prepared {
      throw new NotAvailable('TF.js has no forward mode and no Jacobian (it would take one tf.grad per output)');
    },
  };
}
