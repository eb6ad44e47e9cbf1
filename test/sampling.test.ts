// Sampling by frequency: over many seeded draws each outcome's frequency is
// within 5 standard deviations of its probability (a wrong distribution
// fails; a right one passes with probability 1 - 6e-7 per check, and the
// seed makes the run the same every time).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

const test = suite('sampling');

function within(count: number, n: number, p: number, what: string): void {
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(count - n * p) <= 5 * sd + 1e-9, `${what}: ${count} of ${n}, expected about ${n * p} (sd ${sd.toFixed(1)})`);
}

test('bernoulli: frequencies follow p; the same seed gives the same draws', () => {
  ag.tidy(() => {
    const probs = [0.05, 0.3, 0.5, 0.9];
    const n = 20000;
    ag.seed(11);
    const p = ag.broadcastTo(ag.tensor(probs, { dtype: 'float64' }), [n, 4]);
    const draws = ag.bernoulli(p).data();
    probs.forEach((q, j) => {
      let count = 0;
      for (let i = 0; i < n; i++) count += draws[i * 4 + j];
      within(count, n, q, `p = ${q}`);
    });
    ag.seed(11);
    assert.equal(Array.from(ag.bernoulli(p).data()), Array.from(draws));
  });
});

test.run();
