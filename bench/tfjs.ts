// TensorFlow.js 4.22 on its wasm backend (XNNPACK) or its cpu backend (plain JS).
// Both backends run kernels synchronously when an op is called, so a timed
// call is the op plus dispose(); nothing is read back.

import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { NotAvailable, checkOf, checkScalar, joinChecks, type Check } from './util';
import type { ChainData, ChainMode, CnnData, HvpData, Lib, LossKind, MatmulData, Mlp3Data, MlpData, Prepared, TinyData, TinyMode, UnaryName, VecData } from './workloads';

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
      if (op === 'gelu') throw new NotAvailable('no gelu op');
      const x = cell(d.x, [d.n]);
      const f = { exp: tf.exp, tanh: tf.tanh, erf: tf.erf }[op];
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

    cnn(d: CnnData): Prepared {
      // TF.js convolves NHWC images with [kh, kw, cin, cout] filters: the same
      // numbers, laid out its way; the features are put back in NCHW order
      // before the linear layer, so every parameter means what ours does.
      const nhwc = (w: Float32Array, cout: number, cin: number) => {
        const out = new Float32Array(w.length);
        for (let o = 0; o < cout; o++) for (let i = 0; i < cin; i++) for (let k = 0; k < 9; k++) out[k * cin * cout + i * cout + o] = w[(o * cin + i) * 9 + k];
        return out;
      };
      const side = d.side;
      const flat = d.c2 * (side / 4) ** 2;
      const x = cell(d.x, [d.batch, side, side, 1]);
      const onehot = cell(d.onehot, [d.batch, d.nout]);
      const params = [
        cell(nhwc(d.w1, d.c1, 1), [3, 3, 1, d.c1]), cell(d.b1, [d.c1]),
        cell(nhwc(d.w2, d.c2, d.c1), [3, 3, d.c1, d.c2]), cell(d.b2, [d.c2]),
        cell(d.w3, [flat, d.nout]), cell(d.b3, [d.nout]),
      ];
      const loss = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, w3: tf.Tensor, b3: tf.Tensor): tf.Scalar => {
        const block = (h: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor): tf.Tensor4D =>
          tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid');
        const h = block(block(x as tf.Tensor4D, w1, b1), w2, b2);
        const features = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [d.batch, flat]);
        return tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(features, w3), b3)) as tf.Scalar;
      };
      const vg = tf.valueAndGrads(loss as (...args: tf.Tensor[]) => tf.Tensor);
      const names = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'];
      return {
        run: () => tf.tidy(() => void vg(params)),
        check: () =>
          scoped((): Check => {
            const { value, grads } = vg(params);
            return joinChecks(checkScalar('loss', value.dataSync()[0]), ...grads.map((g, i) => checkOf(`∇${names[i]}`, g.dataSync() as Float32Array)));
          }),
        dispose: () => tf.dispose([x, onehot, ...params]),
      };
    },

    mlp3(d: Mlp3Data): Prepared {
      const x = cell(d.x, [d.batch, d.nin]);
      const onehot = cell(d.onehot, [d.batch, d.nout]);
      const params = [
        cell(d.w1, [d.nin, d.nh]), cell(d.b1, [d.nh]), cell(d.w2, [d.nh, d.nh2]), cell(d.b2, [d.nh2]), cell(d.w3, [d.nh2, d.nout]), cell(d.b3, [d.nout]),
      ];
      const loss = (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, w3: tf.Tensor, b3: tf.Tensor): tf.Scalar => {
        const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
        return tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(h2, w3), b3)) as tf.Scalar;
      };
      const vg = tf.valueAndGrads(loss as (...args: tf.Tensor[]) => tf.Tensor);
      const names = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'];
      return {
        run: () => tf.tidy(() => void vg(params)),
        check: () =>
          scoped((): Check => {
            const { value, grads } = vg(params);
            return joinChecks(checkScalar('loss', value.dataSync()[0]), ...grads.map((g, i) => checkOf(`∇${names[i]}`, g.dataSync() as Float32Array)));
          }),
        dispose: () => tf.dispose([x, onehot, ...params]),
      };
    },

    tiny(d: TinyData, mode: TinyMode): Prepared {
      const a = cell(d.a, [d.n]);
      const b = cell(d.b, [d.n]);
      const chain = (step: tf.Tensor) => {
        let x: tf.Tensor = a;
        for (let i = 0; i < d.steps; i++) x = tf.add(x, step);
        return x;
      };
      const vg = tf.valueAndGrads((w: tf.Tensor) => tf.sum(chain(w)));
      return {
        run: mode === 'forward' ? () => tf.tidy(() => void chain(b)) : () => tf.tidy(() => void vg([b])),
        check: () =>
          scoped((): Check => {
            if (mode === 'forward') return checkOf('x', chain(b).dataSync() as Float32Array);
            const { value, grads } = vg([b]);
            return joinChecks(checkScalar('sum(x)', value.dataSync()[0]), checkOf('∇w', grads[0].dataSync() as Float32Array));
          }),
        dispose: () => tf.dispose([a, b]),
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
