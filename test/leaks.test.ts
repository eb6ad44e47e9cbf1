// Long-running loops keep memory flat: the README's training loop, a nested
// Hessian-vector-product loop and the MNIST MLP step. The same loops run at
// full length (10,000 steps each) in `npm run bench`; here a modest count.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hvpLoop, mnistStepLoop, readmeLoop, runFlat } from './fixtures/loops';

const STEPS = Number(process.env.LEAK_STEPS ?? 300);

function flat(label: string, step: (i: number) => void): void {
  const r = runFlat(step, STEPS);
  assert.equal(r.end, r.atWarmup, `${label}: memory after ${STEPS} steps differs from after warm-up`);
}

const test = suite('memory stays flat');
test("the README's training loop", () => flat('README loop', readmeLoop()));
test('a nested Hessian-vector-product loop', () => flat('HVP loop', hvpLoop()));
test('the MNIST MLP step (Adam)', () => {
  const loop = mnistStepLoop();
  flat('MNIST step', loop.step);
  loop.dispose();
});
test.run();
