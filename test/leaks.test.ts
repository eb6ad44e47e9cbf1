// Long-running loops keep memory flat: the README's training loop, a nested
// Hessian-vector-product loop and the MNIST MLP step. The same loops run at
// full length (10,000 steps) in `npm run bench`; here a modest count.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';
import type { Tensor } from '../src/index';

const STEPS = Number(process.env.LEAK_STEPS ?? 300);
const WARMUP = 10;

function flat(label: string, step: (i: number) => void): void {
  let atWarmup: { live: number; bytes: number; wasm: number } | null = null;
  for (let i = 0; i < STEPS; i++) {
    step(i);
    if (i === WARMUP) {
      const m = ag.memory();
      atWarmup = { live: m.liveTensors, bytes: m.bytesInUse, wasm: m.wasmBytes };
    }
  }
  const m = ag.memory();
  assert.equal(
    { live: m.liveTensors, bytes: m.bytesInUse, wasm: m.wasmBytes },
    atWarmup,
    `${label}: memory after ${STEPS} steps differs from after ${WARMUP}`,
  );
}

export function readmeLoop(): (i: number) => void {
  ag.seed(0);
  const model = { w: ag.Param(ag.randn([10, 100]).mul(0.1)), b: ag.Param(ag.zeros([10, 1])) };
  const truth = ag.keep(ag.randn([10, 100]).mul(0.1));
  return () =>
    ag.tidy(() => {
      const x = ag.randn([100, 64]);
      const y = truth.matmul(x);
      const loss = ag.diff(() => ag.mean(ag.abs2, model.w.matmul(x).add(model.b).sub(y)));
      for (const w of ag.params(model)) ag.axpy(-0.1, ag.grad(loss, w)!, w);
    });
}

export function hvpLoop(): (i: number) => void {
  ag.seed(1);
  const W = ag.keep(ag.randn([64, 64], { dtype: 'float64' }).mul(0.1));
  const x = ag.Param(ag.randn([64], { dtype: 'float64' }));
  const v = ag.keep(ag.randn([64], { dtype: 'float64' }));
  const f = (z: Tensor) => ag.sum(ag.tanh(ag.matmul(W, z)));
  return () => {
    const tape = ag.diff(() => ag.sum(ag.mul(ag.grad(f)(x), v)));
    ag.grad(tape, x);
    tape.dispose();
  };
}

const test = suite('memory stays flat');

test("the README's training loop", () => flat('README loop', readmeLoop()));
test('a nested Hessian-vector-product loop', () => flat('HVP loop', hvpLoop()));

test('the MNIST MLP step (Adam)', () => {
  ag.seed(2);
  const model = new ag.nn.Sequential(new ag.nn.Linear(784, 64), ag.relu, new ag.nn.Linear(64, 10));
  const opt = ag.adam({ lr: 1e-3 });
  const x = ag.keep(ag.rand([32, 784]));
  const labels = Array.from({ length: 32 }, (_, i) => i % 10);
  flat('MNIST step', () =>
    ag.tidy(() => {
      const tape = ag.diff(() => ag.crossEntropy(model(x), labels));
      opt.step(tape, ag.params(model));
    }),
  );
  opt.dispose();
});

test.run();
