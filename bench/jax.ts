// jax-js 0.1.25 on its wasm device. Arrays are reference counted and every
// op consumes its arguments: inputs are passed as `x.ref` to keep them.
// Evaluation is lazy: a timed call ends with `await y.blockUntilReady()`
// (it dispatches the pending kernels and waits, without copying the result
// out) and then disposes the outputs. Checks read results with dataSync().

import { blockUntilReady, grad, jacfwd, jacrev, jit, jvp, lax, nn, numpy as np, tree, valueAndGrad, defaultDevice } from '@jax-js/jax';
import { NotAvailable, checkOf, checkScalar, joinChecks } from './util';
import type {
  ChainData, ChainMode, CholeskyData, CnnData, HvpData, JacobianMode, Lib, LossKind, MatmulData, Mlp3Data, MlpData, Prepared, SimulationData,
  TinyData, TinyMode, UnaryName, VecData,
} from './workloads';

type Arr = np.Array;

function arr(data: Float32Array, shape: number[]): Arr {
  return np.array(data, { shape, dtype: np.float32 });
}

function read(a: Arr): Float32Array {
  return a.dataSync() as Float32Array; // consumes a
}

export function jaxEnv(): { device: string; threads: boolean } {
  // jax-js spreads wasm work over Workers only with SharedArrayBuffer *and* a
  // global Worker (a browser); Node 20 has no global Worker: one thread.
  const g = globalThis as { SharedArrayBuffer?: unknown; Worker?: unknown };
  return { device: String(defaultDevice()), threads: g.SharedArrayBuffer !== undefined && g.Worker !== undefined };
}

type Params = { w1: Arr; b1: Arr; w2: Arr; b2: Arr };

export function jaxjs(): Lib {
  return {
    name: 'jax-js',
    hasJit: true,

    matmul(d: MatmulData, transposeA: boolean): Prepared {
      const a = arr(d.a, [d.n, d.n]);
      const b = arr(d.b, [d.n, d.n]);
      const product = () => np.matmul(transposeA ? a.ref.transpose() : a.ref, b.ref);
      return {
        run: async () => {
          const c = product();
          await c.blockUntilReady();
          c.dispose();
        },
        check: () => checkOf('C', read(product())),
        dispose: () => (a.dispose(), b.dispose()),
      };
    },

    add(d: VecData): Prepared {
      const x = arr(d.x, [d.n]);
      const y = arr(d.y, [d.n]);
      return {
        run: async () => {
          const z = x.ref.add(y.ref);
          await z.blockUntilReady();
          z.dispose();
        },
        check: () => checkOf('x+y', read(x.ref.add(y.ref))),
        dispose: () => (x.dispose(), y.dispose()),
      };
    },

    unary(op: UnaryName, d: VecData): Prepared {
      const x = arr(d.x, [d.n]);
      const f = { exp: np.exp, tanh: np.tanh, gelu: (a: Arr) => nn.gelu(a, { approximate: false }), erf: lax.erf }[op];
      return {
        run: async () => {
          const y = f(x.ref);
          await y.blockUntilReady();
          y.dispose();
        },
        check: () => checkOf(`${op}(x)`, read(f(x.ref))),
        dispose: () => x.dispose(),
      };
    },

    mlp(d: MlpData, kind: LossKind, useJit = false): Prepared {
      const x = arr(d.x, [d.batch, d.nin]);
      const onehot = arr(d.onehot, [d.batch, d.nout]);
      const p: Params = {
        w1: arr(d.w1, [d.nin, d.nh]),
        b1: arr(d.b1, [d.nh]),
        w2: arr(d.w2, [d.nh, d.nout]),
        b2: arr(d.b2, [d.nout]),
      };
      const loss = (p: Params, x: Arr, y: Arr): Arr => {
        const h = nn.relu(np.matmul(x, p.w1).add(p.b1));
        const z = np.matmul(h, p.w2).add(p.b2);
        if (kind === 'crossEntropy') return nn.logSoftmax(z, -1).mul(y).sum().mul(-1 / d.batch);
        return nn.logsumexp(z.ref, 1).sub(z.mul(y).sum(1)).mean();
      };
      const vg = valueAndGrad(loss);
      const step = useJit ? jit(vg) : vg;
      const call = () => step(tree.ref(p), x.ref, onehot.ref) as unknown as [Arr, Params];
      return {
        run: async () => {
          const out = call();
          await blockUntilReady(out);
          tree.dispose(out);
        },
        check: () => {
          const [l, g] = call();
          return joinChecks(
            checkScalar('loss', read(l)[0]),
            checkOf('∇W1', read(g.w1)),
            checkOf('∇b1', read(g.b1)),
            checkOf('∇W2', read(g.w2)),
            checkOf('∇b2', read(g.b2)),
          );
        },
        dispose: () => {
          tree.dispose([x, onehot, p]);
          if (useJit) (step as { dispose?: () => void }).dispose?.();
        },
        note: kind === 'crossEntropy' ? 'nn.logSoftmax·onehot' : undefined,
      };
    },

    chain(d: ChainData, mode: ChainMode, useJit = false): Prepared {
      if (mode === 'taped-forward') throw new NotAvailable('not separable from grad');
      const w = arr(new Float32Array([d.w]), []);
      const b = arr(new Float32Array([d.b]), []);
      const forward = (w: Arr, b: Arr): Arr => {
        let x = arr(new Float32Array([d.x0]), []);
        for (let i = 0; i < d.steps; i++) x = np.tanh(x.mul(w.ref).add(b.ref));
        w.dispose();
        b.dispose();
        return x;
      };
      const vg = valueAndGrad(forward, { argnums: [0, 1] });
      const gfun = useJit ? jit(vg) : vg;
      const ffun = useJit ? jit(forward) : forward;
      return {
        run:
          mode === 'forward'
            ? async () => {
                const y = ffun(w.ref, b.ref);
                await y.blockUntilReady();
                y.dispose();
              }
            : async () => {
                const out = gfun(w.ref, b.ref);
                await blockUntilReady(out);
                tree.dispose(out);
              },
        check: () => {
          const [y, [gw, gb]] = gfun(w.ref, b.ref) as unknown as [Arr, [Arr, Arr]];
          return joinChecks(checkScalar('x_T', read(y)[0]), checkScalar('∂x_T/∂w', read(gw)[0]), checkScalar('∂x_T/∂b', read(gb)[0]));
        },
        dispose: () => {
          w.dispose();
          b.dispose();
          if (useJit) {
            (gfun as { dispose?: () => void }).dispose?.();
            (ffun as { dispose?: () => void }).dispose?.();
          }
        },
      };
    },

    cnn(d: CnnData): Prepared {
      const side = d.side;
      const flat = d.c2 * (side / 4) ** 2;
      const x = arr(d.x, [d.batch, 1, side, side]);
      const onehot = arr(d.onehot, [d.batch, d.nout]);
      const p: Record<string, Arr> = {
        w1: arr(d.w1, [d.c1, 1, 3, 3]), b1: arr(d.b1, [d.c1]),
        w2: arr(d.w2, [d.c2, d.c1, 3, 3]), b2: arr(d.b2, [d.c2]),
        w3: arr(d.w3, [flat, d.nout]), b3: arr(d.b3, [d.nout]),
      };
      // max-pooling 2x2 as a reshape and a max over the two window axes
      const block = (h: Arr, w: Arr, b: Arr, c: number, s: number): Arr =>
        nn.relu(lax.conv(h, w, [1, 1], 'SAME').add(b.reshape([1, c, 1, 1]))).reshape([d.batch, c, s / 2, 2, s / 2, 2]).max([3, 5]);
      const loss = (p: Record<string, Arr>, x: Arr, y: Arr): Arr => {
        const h = block(block(x, p.w1, p.b1, d.c1, side), p.w2, p.b2, d.c2, side / 2);
        const z = np.matmul(h.reshape([d.batch, flat]), p.w3).add(p.b3);
        return nn.logSoftmax(z, -1).mul(y).sum().mul(-1 / d.batch);
      };
      const vg = valueAndGrad(loss);
      const call = () => vg(tree.ref(p), x.ref, onehot.ref) as unknown as [Arr, Record<string, Arr>];
      return {
        run: async () => {
          const out = call();
          await blockUntilReady(out);
          tree.dispose(out);
        },
        check: () => {
          const [l, g] = call();
          return joinChecks(checkScalar('loss', read(l)[0]), ...['w1', 'b1', 'w2', 'b2', 'w3', 'b3'].map((k) => checkOf(`∇${k.toUpperCase()}`, read(g[k]))));
        },
        dispose: () => tree.dispose([x, onehot, p]),
        note: 'lax.conv; pooling as reshape + max',
      };
    },

    mlp3(d: Mlp3Data): Prepared {
      const x = arr(d.x, [d.batch, d.nin]);
      const onehot = arr(d.onehot, [d.batch, d.nout]);
      const p: Record<string, Arr> = {
        w1: arr(d.w1, [d.nin, d.nh]), b1: arr(d.b1, [d.nh]), w2: arr(d.w2, [d.nh, d.nh2]), b2: arr(d.b2, [d.nh2]), w3: arr(d.w3, [d.nh2, d.nout]), b3: arr(d.b3, [d.nout]),
      };
      const loss = (p: Record<string, Arr>, x: Arr, y: Arr): Arr => {
        const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
        const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
        return nn.logSoftmax(np.matmul(h2, p.w3).add(p.b3), -1).mul(y).sum().mul(-1 / d.batch);
      };
      const vg = valueAndGrad(loss);
      const call = () => vg(tree.ref(p), x.ref, onehot.ref) as unknown as [Arr, Record<string, Arr>];
      return {
        run: async () => {
          const out = call();
          await blockUntilReady(out);
          tree.dispose(out);
        },
        check: () => {
          const [l, g] = call();
          return joinChecks(checkScalar('loss', read(l)[0]), ...['w1', 'b1', 'w2', 'b2', 'w3', 'b3'].map((k) => checkOf(`∇${k.toUpperCase()}`, read(g[k]))));
        },
        dispose: () => tree.dispose([x, onehot, p]),
      };
    },

    tiny(d: TinyData, mode: TinyMode): Prepared {
      const a = arr(d.a, [d.n]);
      const b = arr(d.b, [d.n]);
      const chain = (w: Arr, start: Arr): Arr => {
        let x = start;
        for (let i = 0; i < d.steps; i++) x = x.add(w.ref);
        w.dispose();
        return x;
      };
      const vg = valueAndGrad((w: Arr, start: Arr) => chain(w, start).sum());
      return {
        run:
          mode === 'forward'
            ? async () => {
                const y = chain(b.ref, a.ref);
                await y.blockUntilReady();
                y.dispose();
              }
            : async () => {
                const out = vg(b.ref, a.ref);
                await blockUntilReady(out);
                tree.dispose(out);
              },
        check: () => {
          if (mode === 'forward') return checkOf('x', read(chain(b.ref, a.ref)));
          const [v, g] = vg(b.ref, a.ref) as unknown as [Arr, Arr];
          return joinChecks(checkScalar('sum(x)', read(v)[0]), checkOf('∇w', read(g)));
        },
        dispose: () => (a.dispose(), b.dispose()),
      };
    },

    hvp(d: HvpData, useJit = false): Prepared {
      const W = arr(d.w, [d.n, d.n]);
      const x = arr(d.x, [d.n]);
      const v = arr(d.v, [d.n]);
      // W is an argument (not a closure constant) so each call's refs are explicit
      const f = (x: Arr, W: Arr): Arr => np.tanh(np.matmul(W, x)).sum();
      // H v by forward over reverse: the jvp of the gradient along v
      const hvp = (x: Arr, v: Arr, W: Arr): Arr => {
        const [g, hv] = jvp((x: Arr) => grad(f)(x, W.ref), [x], [v]);
        g.dispose();
        W.dispose();
        return hv;
      };
      const fn = useJit ? jit(hvp) : hvp;
      return {
        run: async () => {
          const y = fn(x.ref, v.ref, W.ref);
          await y.blockUntilReady();
          y.dispose();
        },
        check: () => checkOf('Hv', read(fn(x.ref, v.ref, W.ref))),
        dispose: () => {
          tree.dispose([W, x, v]);
          if (useJit) (fn as { dispose?: () => void }).dispose?.();
        },
        note: 'jvp(grad(f))',
      };
    },

    choleskySolve(d: CholeskyData, useJit = false): Prepared {
      const a = arr(d.a, [d.n, d.n]);
      const b = arr(d.b, [d.n, 1]);
      const solve = (a: Arr, b: Arr): Arr => {
        const L = np.linalg.cholesky(a);
        const z = lax.linalg.triangularSolve(L.ref, b, { leftSide: true, lower: true });
        return lax.linalg.triangularSolve(L, z, { leftSide: true, lower: true, transposeA: true });
      };
      const fn = useJit ? jit(solve) : solve;
      return {
        run: async () => {
          const x = fn(a.ref, b.ref);
          await x.blockUntilReady();
          x.dispose();
        },
        check: () => checkOf('x', read(fn(a.ref, b.ref))),
        dispose: () => {
          tree.dispose([a, b]);
          if (useJit) (fn as { dispose?: () => void }).dispose?.();
        },
      };
    },

    simulationJacobian(d: SimulationData, mode: JacobianMode, useJit = false): Prepared {
      if (!useJit && mode === 'fwd' && d.steps > 50) {
        // Measured when the row was written (load ~6): one call took 112 s.
        throw new NotAvailable(`eager jacfwd of ${d.steps} scalar steps takes about 2 minutes a call: not timed (see jit)`);
      }
      const p = arr(d.p, [2]);
      const simulate = (q: Arr): Arr => {
        const [speed, angle] = np.unstack(q);
        let vx = speed.ref.mul(np.cos(angle.ref));
        let vy = speed.mul(np.sin(angle));
        let y: Arr = np.zeros([]);
        const heights: Arr[] = [];
        for (let i = 0; i < d.steps; i++) {
          const v = np.sqrt(vx.ref.mul(vx.ref).add(vy.ref.mul(vy.ref)));
          const ax = v.ref.mul(vx.ref).mul(-0.05);
          const ay = v.mul(vy.ref).mul(-0.05).sub(9.81);
          y = y.add(vy.ref.mul(0.01));
          vx = vx.add(ax.mul(0.01));
          vy = vy.add(ay.mul(0.01));
          heights.push(y.ref);
        }
        tree.dispose([y, vx, vy]);
        return np.stack(heights);
      };
      const jac = mode === 'fwd' ? jacfwd(simulate) : jacrev(simulate);
      const fn = useJit ? jit(jac) : jac;
      return {
        run: async () => {
          const j = fn(p.ref);
          await j.blockUntilReady();
          j.dispose();
        },
        check: () => checkOf('J', read(fn(p.ref))),
        dispose: () => {
          p.dispose();
          if (useJit) (fn as { dispose?: () => void }).dispose?.();
        },
      };
    },
  };
}
