// This project's implementations of the workloads (float32 and float64).

import * as ag from '../src/index';
import { NotAvailable, checkOf, checkScalar, joinChecks, type Check } from './util';
import type {
  ChainData, ChainMode, CholeskyData, CnnData, HvpData, JacobianMode, Lib, LossKind, MatmulData, Mlp3Data, MlpData, Prepared, SimulationData,
  TinyData, TinyMode, UnaryName, VecData,
} from './workloads';

type Tensor = ag.Tensor;
type DType = 'float32' | 'float64';

/** ag.crossEntropy is being written concurrently: look it up at run time. */
function crossEntropyOp(): ((logits: Tensor, labels: number[]) => Tensor) | null {
  const f = (ag as unknown as Record<string, unknown>).crossEntropy;
  return typeof f === 'function' ? (f as (logits: Tensor, labels: number[]) => Tensor) : null;
}

/**
 * The fallback loss, documented: mean over the batch of
 * logsumexp(z_i) - z_i[label_i], with the label pick written as a sum of
 * z * onehot (no fused op). Every library computes the same composition in
 * the "composed loss" row.
 */
function composedLoss(z: Tensor, onehot: Tensor): Tensor {
  return ag.mean(ag.sub(ag.logsumexp(z, 1), ag.sum(ag.mul(z, onehot), 1)));
}

function t(data: Float32Array, shape: number[], dtype: DType): Tensor {
  return ag.tensor(dtype === 'float32' ? data : Float64Array.from(data), { shape, dtype });
}

function scalar(v: number, dtype: DType): Tensor {
  return ag.tensor(v, { dtype });
}

/** A Param made from the data itself (a Param of a Tensor would alias it, leaving that handle to free too). */
function param(data: Float32Array, shape: number[], dtype: DType): Tensor {
  return ag.Param(dtype === 'float32' ? data : Float64Array.from(data), { shape, dtype });
}

export interface MlpModel {
  x: Tensor;
  onehot: Tensor;
  labels: number[];
  params: Tensor[]; // w1, b1, w2, b2 (Params)
  loss: (kind: LossKind) => Tensor;
  dispose(): void;
}

export function mlpModel(d: MlpData, dtype: DType): MlpModel {
  const x = t(d.x, [d.batch, d.nin], dtype);
  const onehot = t(d.onehot, [d.batch, d.nout], dtype);
  const labels = Array.from(d.labels);
  const w1 = param(d.w1, [d.nin, d.nh], dtype);
  const b1 = param(d.b1, [d.nh], dtype);
  const w2 = param(d.w2, [d.nh, d.nout], dtype);
  const b2 = param(d.b2, [d.nout], dtype);
  const ce = crossEntropyOp();
  return {
    x,
    onehot,
    labels,
    params: [w1, b1, w2, b2],
    loss(kind) {
      const h = ag.relu(ag.add(ag.matmul(x, w1), b1));
      const z = ag.add(ag.matmul(h, w2), b2);
      if (kind === 'composed') return composedLoss(z, onehot);
      if (ce === null) throw new NotAvailable('ag.crossEntropy missing');
      return ce(z, labels);
    },
    dispose() {
      for (const p of [x, onehot, w1, b1, w2, b2]) p.dispose();
    },
  };
}

const PARAM_NAMES = ['W1', 'b1', 'W2', 'b2'];

export interface CnnModel {
  params: Tensor[]; // w1, b1, w2, b2, w3, b3 (Params)
  loss: () => Tensor;
  dispose(): void;
}

export function cnnModel(d: CnnData, dtype: DType): CnnModel {
  const x = t(d.x, [d.batch, 1, d.side, d.side], dtype);
  const labels = Array.from(d.labels);
  const flat = d.c2 * (d.side / 4) ** 2;
  const w1 = param(d.w1, [d.c1, 1, 3, 3], dtype);
  const b1 = param(d.b1, [d.c1], dtype);
  const w2 = param(d.w2, [d.c2, d.c1, 3, 3], dtype);
  const b2 = param(d.b2, [d.c2], dtype);
  const w3 = param(d.w3, [flat, d.nout], dtype);
  const b3 = param(d.b3, [d.nout], dtype);
  const block = (h: Tensor, w: Tensor, b: Tensor) =>
    ag.maxPool2d(ag.relu(ag.add(ag.conv2d(h, w, { padding: 1 }), ag.reshape(b, [1, b.shape[0], 1, 1]))), 2);
  return {
    params: [w1, b1, w2, b2, w3, b3],
    loss: () => {
      const h = block(block(x, w1, b1), w2, b2);
      return ag.crossEntropy(ag.add(ag.matmul(ag.reshape(h, [d.batch, flat]), w3), b3), labels);
    },
    dispose() {
      for (const p of [x, w1, b1, w2, b2, w3, b3]) p.dispose();
    },
  };
}

const CNN_NAMES = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'];

export function ours(dtype: DType): Lib {
  return {
    name: dtype === 'float32' ? 'ours' : 'ours f64',

    matmul(d: MatmulData, transposeA: boolean): Prepared {
      const a = t(d.a, [d.n, d.n], dtype);
      const b = t(d.b, [d.n, d.n], dtype);
      const opts = { transposeA };
      return {
        run: () => ag.matmul(a, b, opts).dispose(),
        check: () => ag.tidy(() => checkOf('C', ag.matmul(a, b, opts).data())),
        dispose: () => (a.dispose(), b.dispose()),
      };
    },

    add(d: VecData): Prepared {
      const x = t(d.x, [d.n], dtype);
      const y = t(d.y, [d.n], dtype);
      return {
        run: () => ag.add(x, y).dispose(),
        check: () => ag.tidy(() => checkOf('x+y', ag.add(x, y).data())),
        dispose: () => (x.dispose(), y.dispose()),
      };
    },

    unary(op: UnaryName, d: VecData): Prepared {
      const x = t(d.x, [d.n], dtype);
      const f = { exp: ag.exp, tanh: ag.tanh, gelu: ag.gelu, erf: ag.erf }[op];
      return {
        run: () => f(x).dispose(),
        check: () => ag.tidy(() => checkOf(`${op}(x)`, f(x).data())),
        dispose: () => x.dispose(),
      };
    },

    mlp(d: MlpData, kind: LossKind): Prepared {
      const m = mlpModel(d, dtype);
      if (kind === 'crossEntropy' && crossEntropyOp() === null) {
        m.dispose();
        throw new NotAvailable('ag.crossEntropy missing');
      }
      const step = (): Check =>
        ag.tidy(() => {
          const tape = ag.diff(() => m.loss(kind));
          const checks = [checkScalar('loss', tape.value)];
          m.params.forEach((p, i) => {
            const g = ag.grad(tape, p);
            checks.push(checkOf(`∇${PARAM_NAMES[i]}`, g === null ? [] : g.data()));
          });
          return joinChecks(...checks);
        });
      return {
        run: () =>
          ag.tidy(() => {
            const tape = ag.diff(() => m.loss(kind));
            for (const p of m.params) ag.grad(tape, p);
          }),
        check: step,
        dispose: () => m.dispose(),
        note: kind === 'crossEntropy' ? 'ag.crossEntropy' : 'logsumexp - sum(z*onehot)',
      };
    },

    chain(d: ChainData, mode: ChainMode): Prepared {
      const x0 = scalar(d.x0, dtype);
      const w = ag.Param(d.w, { dtype });
      const b = ag.Param(d.b, { dtype });
      const forward = (): Tensor => {
        let x = x0;
        for (let i = 0; i < d.steps; i++) x = ag.tanh(ag.add(ag.mul(x, w), b));
        return x;
      };
      let run: () => void;
      if (mode === 'forward') run = () => ag.tidy(() => void forward());
      else if (mode === 'taped-forward') run = () => ag.tidy(() => void ag.diff(forward));
      else {
        run = () =>
          ag.tidy(() => {
            const tape = ag.diff(forward);
            ag.grad(tape, w);
            ag.grad(tape, b);
          });
      }
      return {
        run,
        check: () =>
          ag.tidy(() => {
            const tape = ag.diff(forward);
            const gw = ag.grad(tape, w);
            const gb = ag.grad(tape, b);
            return joinChecks(
              checkScalar('x_T', tape.value),
              checkScalar('∂x_T/∂w', gw === null ? NaN : gw.item()),
              checkScalar('∂x_T/∂b', gb === null ? NaN : gb.item()),
            );
          }),
        dispose: () => (x0.dispose(), w.dispose(), b.dispose()),
      };
    },

    cnn(d: CnnData): Prepared {
      const m = cnnModel(d, dtype);
      return {
        run: () =>
          ag.tidy(() => {
            const tape = ag.diff(m.loss);
            for (const p of m.params) ag.grad(tape, p);
          }),
        check: () =>
          ag.tidy(() => {
            const tape = ag.diff(m.loss);
            const checks = [checkScalar('loss', tape.value)];
            m.params.forEach((p, i) => checks.push(checkOf(`∇${CNN_NAMES[i]}`, ag.grad(tape, p)!.data())));
            return joinChecks(...checks);
          }),
        dispose: () => m.dispose(),
      };
    },

    mlp3(d: Mlp3Data): Prepared {
      const x = t(d.x, [d.batch, d.nin], dtype);
      const labels = Array.from(d.labels);
      const params = [
        param(d.w1, [d.nin, d.nh], dtype), param(d.b1, [d.nh], dtype),
        param(d.w2, [d.nh, d.nh2], dtype), param(d.b2, [d.nh2], dtype),
        param(d.w3, [d.nh2, d.nout], dtype), param(d.b3, [d.nout], dtype),
      ];
      const [w1, b1, w2, b2, w3, b3] = params;
      const loss = () => {
        const h1 = ag.relu(ag.add(ag.matmul(x, w1), b1));
        const h2 = ag.relu(ag.add(ag.matmul(h1, w2), b2));
        return ag.crossEntropy(ag.add(ag.matmul(h2, w3), b3), labels);
      };
      return {
        run: () =>
          ag.tidy(() => {
            const tape = ag.diff(loss);
            for (const p of params) ag.grad(tape, p);
          }),
        check: () =>
          ag.tidy(() => {
            const tape = ag.diff(loss);
            const checks = [checkScalar('loss', tape.value)];
            params.forEach((p, i) => checks.push(checkOf(`∇${CNN_NAMES[i]}`, ag.grad(tape, p)!.data())));
            return joinChecks(...checks);
          }),
        dispose: () => {
          x.dispose();
          for (const p of params) p.dispose();
        },
      };
    },

    tiny(d: TinyData, mode: TinyMode): Prepared {
      const a = t(d.a, [d.n], dtype);
      const b = t(d.b, [d.n], dtype);
      const w = param(d.b, [d.n], dtype);
      const chain = (step: Tensor) => {
        let x = a;
        for (let i = 0; i < d.steps; i++) x = ag.add(x, step);
        return x;
      };
      const run =
        mode === 'forward'
          ? () => ag.tidy(() => void chain(b))
          : () =>
              ag.tidy(() => {
                const tape = ag.diff(() => ag.sum(chain(w)));
                ag.grad(tape, w);
              });
      return {
        run,
        check: () =>
          ag.tidy(() => {
            if (mode === 'forward') return checkOf('x', chain(b).data());
            const tape = ag.diff(() => ag.sum(chain(w)));
            return joinChecks(checkScalar('sum(x)', tape.value), checkOf('∇w', ag.grad(tape, w)!.data()));
          }),
        dispose: () => (a.dispose(), b.dispose(), w.dispose()),
      };
    },

    hvp(d: HvpData): Prepared {
      const W = t(d.w, [d.n, d.n], dtype);
      const x = t(d.x, [d.n], dtype);
      const v = t(d.v, [d.n], dtype);
      const f = (x: Tensor) => ag.sum(ag.tanh(ag.matmul(W, x)));
      const gf = ag.grad(f);
      // H v = ∇ₓ (∇ₓ f(x) · v): reverse over reverse, a nested grad
      const hv = ag.grad((x: Tensor) => ag.sum(ag.mul(gf(x) as Tensor, v))) as (x: Tensor) => Tensor;
      return {
        run: () => ag.tidy(() => void hv(x)),
        check: () => ag.tidy(() => checkOf('Hv', hv(x).data())),
        dispose: () => (W.dispose(), x.dispose(), v.dispose()),
      };
    },

    choleskySolve(d: CholeskyData): Prepared {
      const a = t(d.a, [d.n, d.n], dtype);
      const b = t(d.b, [d.n, 1], dtype);
      const solve = (): Tensor => {
        const L = ag.cholesky(a);
        return ag.solveTriangular(L, ag.solveTriangular(L, b), { transpose: true });
      };
      return {
        run: () => ag.tidy(() => void solve()),
        check: () => ag.tidy(() => checkOf('x', solve().data())),
        dispose: () => (a.dispose(), b.dispose()),
      };
    },

    simulationJacobian(d: SimulationData, mode: JacobianMode): Prepared {
      const p = t(d.p, [2], dtype);
      const f = (q: Tensor) => projectile(q, d.steps);
      const jacobian = mode === 'fwd' ? ag.jacfwd(f) : ag.jacrev(f);
      return {
        run: () => ag.tidy(() => void jacobian(p)),
        check: () => ag.tidy(() => checkOf('J', jacobian(p).data())),
        dispose: () => p.dispose(),
        note: mode === 'fwd' ? 'jacfwd: one recording, a replay of the recorded backward pass per input' : 'jacrev: one backward pass per output',
      };
    },
  };
}

/** SimulationData's projectile: heights over `steps` Euler steps from p = [speed, angle]. */
export function projectile(p: Tensor, steps: number): Tensor {
  return projectileWith(ag, p, steps);
}

/** The same simulation on a given build of the library (scripts/bench-transforms.ts times the built one). */
export function projectileWith(lib: typeof import('../src/index'), p: Tensor, steps: number): Tensor {
  const ag = lib;
  const [speed, angle] = ag.unstack(p);
  let vx = ag.mul(speed, ag.cos(angle));
  let vy = ag.mul(speed, ag.sin(angle));
  let y: Tensor | number = 0;
  const heights: Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    const v = ag.sqrt(ag.add(ag.mul(vx, vx), ag.mul(vy, vy)));
    const ax = ag.mul(ag.mul(v, vx), -0.05);
    const ay = ag.sub(ag.mul(ag.mul(v, vy), -0.05), 9.81);
    y = ag.add(y, ag.mul(vy, 0.01));
    vx = ag.add(vx, ag.mul(ax, 0.01));
    vy = ag.add(vy, ag.mul(ay, 0.01));
    heights.push(y as Tensor);
  }
  return ag.stack(heights);
}

export interface MemoryReport {
  steps: number;
  peakBytes: number;
  bytesAfterFirst: number;
  liveAfterFirst: number;
  bytesAtEnd: number;
  liveAtEnd: number;
  /** bytesInUse and liveTensors equal after every step from the first on */
  flat: boolean;
  /** the first step at which they differed from step 1, if any */
  firstDrift: number | null;
  wasmBytesStart: number;
  wasmBytesEnd: number;
  loss: LossKind;
}

/**
 * The README's training loop: one ag.tidy per step (forward, backward, an SGD
 * update in place with axpy), on copies of the parameters.
 */
export function memoryLoop(d: MlpData, steps: number): MemoryReport {
  const kind: LossKind = crossEntropyOp() === null ? 'composed' : 'crossEntropy';
  const m = mlpModel(d, 'float32');
  const lr = 0.01;
  ag.resetPeak();
  const wasmBytesStart = ag.memory().wasmBytes;
  let bytesAfterFirst = 0;
  let liveAfterFirst = 0;
  let firstDrift: number | null = null;
  for (let s = 1; s <= steps; s++) {
    ag.tidy(() => {
      const tape = ag.diff(() => m.loss(kind));
      const grads = m.params.map((p) => ag.grad(tape, p));
      grads.forEach((g, i) => {
        if (g !== null) ag.axpy(-lr, g, m.params[i]);
      });
    });
    const mem = ag.memory();
    if (s === 1) {
      bytesAfterFirst = mem.bytesInUse;
      liveAfterFirst = mem.liveTensors;
    } else if (firstDrift === null && (mem.bytesInUse !== bytesAfterFirst || mem.liveTensors !== liveAfterFirst)) {
      firstDrift = s;
    }
  }
  const end = ag.memory();
  m.dispose();
  return {
    steps,
    peakBytes: end.peakBytes,
    bytesAfterFirst,
    liveAfterFirst,
    bytesAtEnd: end.bytesInUse,
    liveAtEnd: end.liveTensors,
    flat: firstDrift === null,
    firstDrift,
    wasmBytesStart,
    wasmBytesEnd: end.wasmBytes,
    loss: kind,
  };
}
