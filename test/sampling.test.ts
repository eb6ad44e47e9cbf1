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

const ints = suite('sampling integers and categories');

ints('randint: uniform over [low, high), int32, seeded', () => {
  ag.tidy(() => {
    ag.seed(12);
    const n = 30000;
    const draws = ag.randint(-2, 3, [n]);
    assert.is(draws.dtype, 'int32');
    const values = draws.data();
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.equal([...counts.keys()].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
    for (const c of counts.values()) within(c, n, 0.2, 'randint');
    ag.seed(12);
    assert.equal(Array.from(ag.randint(-2, 3, [n]).data()), Array.from(values));
    assert.equal(ag.randint(0, 2 ** 31, [2, 3]).shape, [2, 3]);
    assert.throws(() => ag.randint(3, 3, [1]), /randint: high must be greater than low/);
    assert.throws(() => ag.randint(0, 1.5, [1]), /randint: high must be an integer/);
  });
});

ints('permutation: every index once; each position uniform', () => {
  ag.tidy(() => {
    ag.seed(13);
    const n = 5;
    const trials = 10000;
    const first = new Array(n).fill(0);
    for (let t = 0; t < trials; t++) {
      const p = ag.permutation(n);
      const v = Array.from(p.data());
      assert.is(p.dtype, 'int32');
      assert.equal(v.slice().sort(), [0, 1, 2, 3, 4]);
      first[v[0]]++;
      p.dispose();
    }
    first.forEach((c, i) => within(c, trials, 1 / n, `permutation: ${i} first`));
    assert.equal(ag.permutation(0).shape, [0]);
    assert.throws(() => ag.permutation(-1), /permutation: n must be a non-negative integer/);
  });
});

ints('multinomial and categorical: frequencies follow the weights', () => {
  ag.tidy(() => {
    ag.seed(14);
    const w = [1, 0, 3, 6];
    const n = 20000;
    const with_ = ag.multinomial(ag.tensor(w, { dtype: 'float64' }), n, { replacement: true }).data();
    w.forEach((wi, i) => within(with_.filter((v) => v === i).length, n, wi / 10, `multinomial with replacement, category ${i}`));
    // Without replacement, the first draw follows the weights and the rest never repeat.
    const rows = 4000;
    const probs = ag.broadcastTo(ag.tensor(w, { dtype: 'float64' }), [rows, 4]);
    const draws = ag.multinomial(probs, 3).toArray() as number[][];
    w.forEach((wi, i) => within(draws.filter((d) => d[0] === i).length, rows, wi / 10, `multinomial first draw, category ${i}`));
    assert.ok(draws.every((d) => new Set(d).size === 3 && !d.includes(1)), 'no repeats, no zero-weight category');
    const logits = [0, Math.log(3), Math.log(6)];
    const cats = ag.categorical(ag.broadcastTo(ag.tensor(logits, { dtype: 'float64' }), [n, 3])).data();
    [1, 3, 6].forEach((wi, i) => within(cats.filter((v) => v === i).length, n, wi / 10, `categorical, class ${i}`));
    assert.throws(() => ag.multinomial(ag.tensor([1, 0]), 2), /cannot draw 2 samples without replacement/);
    assert.throws(() => ag.multinomial(ag.tensor([1, -1]), 1), /non-negative/);
    assert.throws(() => ag.multinomial(ag.tensor([0, 0]), 1, { replacement: true }), /sums to 0/);
  });
});

ints.run();
