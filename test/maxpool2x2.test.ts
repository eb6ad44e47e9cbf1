// maxPool2d's 2x2, stride-2 path (assembly/nn.ts: maxPool2x2Body and
// maxPool2x2ScatterBody, SIMD over pairs of rows) against a naive loop:
// values and gradients on odd sizes (a last row and column no window covers,
// widths that leave vector tails), ties (the first maximum in row-major
// window order takes the gradient), NaNs (the first NaN wins), signed zeros
// (the gradient is 0 + dy, so -0 arrives as +0, as the general path gives),
// in float32 and float64.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

const test = suite('maxPool2d 2x2 / stride 2');

/** The naive pooling and its gradient for dy, over [n, c, h, w] arrays. */
function reference(x: Float64Array, dy: Float64Array, [n, c, h, w]: number[]): { y: number[]; dx: number[] } {
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const y: number[] = [];
  const dx = new Array<number>(x.length).fill(0);
  for (let pl = 0; pl < n * c; pl++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const taps = [[2 * i, 2 * j], [2 * i, 2 * j + 1], [2 * i + 1, 2 * j], [2 * i + 1, 2 * j + 1]].map(([r, s]) => pl * h * w + r * w + s);
        let m = -Infinity;
        for (const t of taps) m = Number.isNaN(x[t]) || Number.isNaN(m) ? NaN : Math.max(m, x[t]);
        y.push(m);
        const first = taps.find((t) => x[t] === m || (Number.isNaN(m) && Number.isNaN(x[t])));
        if (first !== undefined) dx[first] = 0 + dy[y.length - 1];
      }
    }
  }
  return { y, dx };
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `element ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}

test('values and gradients equal the naive loop on odd shapes, ties, NaNs and signed zeros, float32 and float64', () => {
  let s = 7;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (const shape of [[2, 3, 7, 9], [1, 2, 6, 16], [3, 1, 5, 11], [1, 1, 2, 2], [2, 2, 9, 3], [1, 3, 8, 33]]) {
    for (const dtype of ['float32', 'float64'] as const) {
      const size = shape.reduce((a, b) => a * b);
      // few distinct values: many ties; some NaNs and signed zeros
      const x = Float64Array.from({ length: size }, () => {
        const u = next();
        return u < 0.05 ? NaN : u < 0.15 ? -0 : u < 0.25 ? 0 : Math.round(next() * 6) - 3;
      });
      const ys = [shape[0], shape[1], Math.floor(shape[2] / 2), Math.floor(shape[3] / 2)];
      const dy = Float64Array.from({ length: ys.reduce((a, b) => a * b) }, (_, i) => (i % 7 === 3 ? -0 : Math.round(next() * 8) - 4));
      const expected = reference(x, dy, shape);
      ag.tidy(() => {
        const xt = ag.tensor(x, { shape, dtype });
        const dyt = ag.tensor(dy, { shape: ys, dtype });
        assert.is(same(Array.from(ag.maxPool2d(xt, 2).data()), expected.y), null, `values [${shape}] ${dtype}`);
        const dx = ag.grad((a: ag.Tensor) => ag.sum(ag.mul(ag.maxPool2d(a, 2), dyt)))(xt) as ag.Tensor;
        assert.is(same(Array.from(dx.data()), expected.dx), null, `gradient [${shape}] ${dtype}`);
      });
    }
  }
});

test('agrees with the general path (2x2 windows at stride 1) at the even windows', () => {
  ag.seed(11);
  ag.tidy(() => {
    const x = ag.randn([2, 3, 10, 14]);
    const fast = ag.maxPool2d(x, 2);
    // stride 1 computes every window; the even ones are the stride-2 windows
    const all = ag.maxPool2d(x, 2, { stride: 1 });
    const picked = ag.slice(all, null, null, [0, 9, 2], [0, 13, 2]);
    assert.equal(fast.toArray(), picked.toArray());
  });
});

test.run();
