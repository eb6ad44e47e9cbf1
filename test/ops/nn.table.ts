// Neural-network ops: softmax, losses, conv2d, pooling, dropout, normalization, embedding.
import * as ag from '../../src/index';
import type { NestedArray } from '../../src/index';
import type { OpCase } from './harness';

const f64 = { dtype: 'float64' as const };
const randn = (shape: number[]) => ag.randn(shape, f64);

// ---- plain-JavaScript references ----

/** Deterministic numbers in [-1, 1) (two decimals), for value cases. */
export function det(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.round(((s >>> 8) / 2 ** 24) * 200 - 100) / 100);
  }
  return out;
}

/** Flat row-major data as nested arrays of `shape`. */
export function nest(flat: readonly number[], shape: readonly number[]): NestedArray {
  if (shape.length === 0) return flat[0];
  const step = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
}

export interface RefConv {
  stride?: [number, number];
  padding?: [number, number];
  dilation?: [number, number];
  groups?: number;
}

/** The textbook 7-deep loop: y[b, co, i, j] = Σ x[b, g·cg + ci, i·s − p + ki·d, j·s − p + kj·d] w[co, ci, ki, kj]. */
export function refConv2d(x: number[], xs: number[], w: number[], ws: number[], o: RefConv = {}): { data: number[]; shape: number[] } {
  const [n, cin, h, wd] = xs;
  const [cout, cg, kh, kw] = ws;
  const [sh, sw] = o.stride ?? [1, 1];
  const [ph, pw] = o.padding ?? [0, 0];
  const [dh, dw] = o.dilation ?? [1, 1];
  const groups = o.groups ?? 1;
  const coutg = cout / groups;
  const ho = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const wo = Math.floor((wd + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const data: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      const g = Math.floor(co / coutg);
      for (let i = 0; i < ho; i++) {
        for (let j = 0; j < wo; j++) {
          let s = 0;
          for (let ci = 0; ci < cg; ci++) {
            for (let ki = 0; ki < kh; ki++) {
              for (let kj = 0; kj < kw; kj++) {
                const ih = i * sh - ph + ki * dh;
                const iw = j * sw - pw + kj * dw;
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                s += x[((b * cin + g * cg + ci) * h + ih) * wd + iw] * w[((co * cg + ci) * kh + ki) * kw + kj];
              }
            }
          }
          data.push(s);
        }
      }
    }
  }
  return { data, shape: [n, cout, ho, wo] };
}

/** Max (or average, zeros of the padding counted) over each window. */
export function refPool(
  mode: 'max' | 'avg', x: number[], xs: number[], k: [number, number],
  s: [number, number] = k, p: [number, number] = [0, 0], d: [number, number] = [1, 1],
): { data: number[]; shape: number[] } {
  const [n, c, h, w] = xs;
  const ho = Math.floor((h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const wo = Math.floor((w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  const data: number[] = [];
  for (let pl = 0; pl < n * c; pl++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        let best = -Infinity;
        let total = 0;
        for (let a = 0; a < k[0]; a++) {
          for (let b = 0; b < k[1]; b++) {
            const ih = i * s[0] - p[0] + a * d[0];
            const iw = j * s[1] - p[1] + b * d[1];
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            const v = x[(pl * h + ih) * w + iw];
            best = Math.max(best, v);
            total += v;
          }
        }
        data.push(mode === 'max' ? best : total / (k[0] * k[1]));
      }
    }
  }
  return { data, shape: [n, c, ho, wo] };
}

function convCase(label: string, xs: number[], ws: number[], o: RefConv, opts: ag.Conv2dOptions = o) {
  const x = det(xs.reduce((a, b) => a * b), 11);
  const w = det(ws.reduce((a, b) => a * b), 23);
  const r = refConv2d(x, xs, w, ws, o);
  return {
    label,
    args: () => [ag.tensor(x, { ...f64, shape: xs }), ag.tensor(w, { ...f64, shape: ws })],
    call: (a: ag.Tensor, b: ag.Tensor) => ag.conv2d(a, b, opts),
    expected: nest(r.data, r.shape),
  };
}

function poolCase(mode: 'max' | 'avg', label: string, xs: number[], k: [number, number], s?: [number, number], p?: [number, number], d?: [number, number]) {
  const x = det(xs.reduce((a, b) => a * b), 5);
  const r = refPool(mode, x, xs, k, s ?? k, p, d);
  return {
    label,
    args: () => [ag.tensor(x, { ...f64, shape: xs })],
    call: (a: ag.Tensor) =>
      mode === 'max' ? ag.maxPool2d(a, k, { stride: s, padding: p, dilation: d }) : ag.avgPool2d(a, k, { stride: s, padding: p }),
    expected: nest(r.data, r.shape),
  };
}

const sm = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b);
  return e.map((v) => v / s);
};
const lsm = (row: number[]) => {
  const m = Math.max(...row);
  const l = Math.log(row.map((v) => Math.exp(v - m)).reduce((a, b) => a + b));
  return row.map((v) => v - m - l);
};

export const cases: OpCase[] = [
  {
    name: 'softmax', fn: (x: ag.Tensor) => ag.softmax(x), inputs: () => [randn([3, 5])],
    values: [
      { label: 'last axis', args: () => [ag.tensor([[1, 2, 3], [0, 0, 0]], f64)], expected: [sm([1, 2, 3]), [1 / 3, 1 / 3, 1 / 3]] },
      {
        label: 'axis 0 of a matrix', call: (x: ag.Tensor) => ag.softmax(x, 0), args: () => [ag.tensor([[1, 0], [3, 0]], f64)],
        expected: [[sm([1, 3])[0], 0.5], [sm([1, 3])[1], 0.5]],
      },
      {
        label: 'middle axis, negative index', call: (x: ag.Tensor) => ag.softmax(x, -2), args: () => [ag.tensor([[[1, 2], [2, 2]]], f64)],
        expected: [[[sm([1, 2])[0], 0.5], [sm([1, 2])[1], 0.5]]],
      },
      { label: 'logits of 1000 stay finite', args: () => [ag.tensor([[1000, 1000, -1000], [1000, 999, 0]])], expected: [[0.5, 0.5, 0], sm([1, 0, -999])] },
      { label: 'shift invariant', args: () => [ag.tensor([1001, 1002, 1003], f64)], expected: sm([1, 2, 3]) },
      { label: 'one class', args: () => [ag.tensor([[5], [-7]], f64)], expected: [[1], [1]] },
    ],
  },
  {
    name: 'logSoftmax', fn: (x: ag.Tensor) => ag.logSoftmax(x, 0), inputs: () => [randn([4, 3])],
    values: [
      { label: 'last axis', call: (x: ag.Tensor) => ag.logSoftmax(x), args: () => [ag.tensor([[1, 2, 3]], f64)], expected: [lsm([1, 2, 3])] },
      { label: 'axis 0', args: () => [ag.tensor([[0, 1], [0, 3]], f64)], expected: [[Math.log(0.5), lsm([1, 3])[0]], [Math.log(0.5), lsm([1, 3])[1]]] },
      {
        label: 'large logits: exact tails where softmax underflows', call: (x: ag.Tensor) => ag.logSoftmax(x), args: () => [ag.tensor([1000, 0, -1000], f64)],
        expected: [0, -1000, -2000],
      },
    ],
  },
  {
    name: 'crossEntropy', fn: (z: ag.Tensor) => ag.crossEntropy(z, [1, 0, 4, 4]), inputs: () => [randn([4, 5])],
    values: [
      {
        label: 'integer labels', call: (z: ag.Tensor, l: ag.Labels) => ag.crossEntropy(z, l), args: () => [ag.tensor([[2, 0, 0], [0, 0, 5]], f64), [0, 2]],
        expected: (-lsm([2, 0, 0])[0] - lsm([0, 0, 5])[2]) / 2,
      },
      {
        label: 'labels as an integer tensor [N]', call: (z: ag.Tensor, l: ag.Labels) => ag.crossEntropy(z, l), args: () => [ag.tensor([[2, 0, 0], [0, 0, 5]], f64), ag.tensor([0, 2])],
        expected: (-lsm([2, 0, 0])[0] - lsm([0, 0, 5])[2]) / 2,
      },
      {
        label: 'one-hot labels equal integer labels', call: (z: ag.Tensor, l: ag.Labels) => ag.crossEntropy(z, l), args: () => [ag.tensor([[2, 0, 0], [0, 0, 5]], f64), ag.tensor([[1, 0, 0], [0, 0, 1]], f64)],
        expected: (-lsm([2, 0, 0])[0] - lsm([0, 0, 5])[2]) / 2,
      },
      {
        label: 'soft labels', call: (z: ag.Tensor, l: ag.Labels) => ag.crossEntropy(z, l), args: () => [ag.tensor([[1, 2, 3]], f64), ag.tensor([[0.2, 0.3, 0.5]], f64)],
        expected: -(0.2 * lsm([1, 2, 3])[0] + 0.3 * lsm([1, 2, 3])[1] + 0.5 * lsm([1, 2, 3])[2]),
      },
      { label: 'logits of 1000 stay finite', call: (z: ag.Tensor, l: ag.Labels) => ag.crossEntropy(z, l), args: () => [ag.tensor([[1000, -1000], [-1000, 1000]]), [1, 1]], expected: 1000 },
      { label: 'logits of 1000, one-hot', call: (z: ag.Tensor, l: ag.Labels) => ag.crossEntropy(z, l), args: () => [ag.tensor([[1000, -1000]]), ag.tensor([[0, 1]])], expected: 2000 },
    ],
    argnums: [0],
  },
  {
    name: 'nll', fn: (lp: ag.Tensor) => ag.nll(lp, [2, 0, 2]), inputs: () => [randn([3, 4])],
    values: [
      { label: 'integer labels', call: (z: ag.Tensor, l: ag.Labels) => ag.nll(z, l), args: () => [ag.log(ag.tensor([[0.5, 0.5], [0.1, 0.9]], f64)), [0, 1]], expected: -(Math.log(0.5) + Math.log(0.9)) / 2 },
      { label: 'integer tensor labels', call: (z: ag.Tensor, l: ag.Labels) => ag.nll(z, l), args: () => [ag.tensor([[-1, -2], [-3, -4]], f64), ag.tensor([1, 0], f64)], expected: 2.5 },
      { label: 'probability labels', call: (z: ag.Tensor, l: ag.Labels) => ag.nll(z, l), args: () => [ag.tensor([[-1, -2], [-3, -4]], f64), ag.tensor([[0.5, 0.5], [0, 1]], f64)], expected: (1.5 + 4) / 2 },
    ],
  },
  {
    name: 'mse', fn: ag.mse, inputs: () => [randn([2, 3]), randn([3])],
    values: [
      { label: 'same shape', args: () => [ag.tensor([1, 2, 3], f64), ag.tensor([1, 2, 5], f64)], expected: 4 / 3 },
      { label: 'broadcast [2,1] against [3]', args: () => [ag.tensor([[0], [1]], f64), ag.tensor([0, 1, 2], f64)], expected: (0 + 1 + 4 + 1 + 0 + 1) / 6 },
      { label: 'against a number', args: () => [ag.tensor([1, 3], f64), 1], expected: 2 },
    ],
  },
  {
    name: 'binaryCrossEntropy', fn: ag.binaryCrossEntropy, inputs: () => [randn([3, 4]), ag.rand([3, 4], f64)],
    values: [
      {
        label: 'stable at ±100 and exact at 0', args: () => [ag.tensor([0, 100, -100, 2], f64), ag.tensor([1, 1, 0, 0.25], f64)],
        expected: (Math.LN2 + 0 + 0 + (Math.log1p(Math.exp(-2)) + 2 - 2 * 0.25)) / 4,
      },
      { label: 'wrong by a mile stays finite', args: () => [ag.tensor([1000, -1000]), ag.tensor([0, 1])], expected: 1000 },
      { label: 'a number target', args: () => [ag.tensor([0, 0], f64), 1], expected: Math.LN2 },
    ],
  },
  {
    name: 'conv2d', fn: (x: ag.Tensor, w: ag.Tensor) => ag.conv2d(x, w, { groups: 2, padding: 1 }), inputs: () => [randn([2, 4, 5, 5]), randn([6, 2, 3, 3])],
    values: [
      convCase('plain 3x3', [2, 3, 6, 5], [4, 3, 3, 3], {}),
      convCase('stride 2, padding 1', [1, 2, 7, 7], [3, 2, 3, 3], { stride: [2, 2], padding: [1, 1] }, { stride: 2, padding: 1 }),
      convCase('dilation 2', [1, 2, 7, 6], [2, 2, 3, 2], { dilation: [2, 2] }, { dilation: 2 }),
      convCase('[h, w] pairs', [2, 2, 8, 7], [3, 2, 3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
      convCase('groups 2', [2, 4, 5, 5], [6, 2, 3, 3], { groups: 2, padding: [1, 1] }, { groups: 2, padding: 1 }),
      convCase('depthwise (groups = Cin), multiplier 2', [2, 3, 6, 6], [6, 1, 3, 3], { groups: 3, stride: [2, 2], padding: [1, 1] }, { groups: 3, stride: 2, padding: 1 }),
      convCase('1x1 (no im2col)', [2, 3, 4, 5], [5, 3, 1, 1], {}),
      convCase('1x1 with stride 2', [1, 3, 5, 5], [2, 3, 1, 1], { stride: [2, 2] }, { stride: 2 }),
      convCase('stride that does not divide: unused edge', [1, 1, 6, 6], [1, 1, 2, 2], { stride: [3, 3] }, { stride: 3 }),
      convCase('padding larger than the kernel', [1, 1, 3, 3], [2, 1, 2, 2], { padding: [3, 3] }, { padding: 3 }),
    ],
  },
  // Rows long enough for the SIMD lanes of im2col / col2im and a scalar
  // tail in both dtypes (11 = 2 f32x4 + 3, 5 f64x2 + 1), and a strided,
  // dilated, asymmetric case (the lane-by-lane path).
  {
    name: 'conv2d', fn: (x: ag.Tensor, w: ag.Tensor) => ag.conv2d(x, w, { padding: 1 }), inputs: () => [randn([2, 3, 5, 11]), randn([4, 3, 3, 3])],
  },
  {
    name: 'conv2d', fn: (x: ag.Tensor, w: ag.Tensor) => ag.conv2d(x, w, { stride: [1, 2], padding: [0, 2], dilation: [2, 1] }),
    inputs: () => [randn([1, 2, 7, 13]), randn([3, 2, 2, 3])],
  },
  {
    name: 'maxPool2d', fn: (x: ag.Tensor) => ag.maxPool2d(x, 2), inputs: () => [randn([2, 3, 4, 5])],
    values: [
      { label: '2x2 windows', args: () => [ag.tensor([[[[1, 2, 5, 0], [3, 4, 1, 1]]]], f64)], expected: [[[[4, 5]]]] },
      poolCase('max', 'kernel 3, stride 2, padding 1', [2, 2, 7, 6], [3, 3], [2, 2], [1, 1]),
      poolCase('max', 'dilation 2', [1, 2, 7, 7], [2, 3], [1, 2], [0, 1], [2, 2]),
      poolCase('max', 'stride 1 overlapping windows', [1, 1, 5, 5], [2, 2], [1, 1]),
      { label: 'negative values with padding: padding never wins', call: (x: ag.Tensor) => ag.maxPool2d(x, 2, { padding: 1 }), args: () => [ag.tensor([[[[-5, -6], [-7, -8]]]], f64)], expected: [[[[-5, -6], [-7, -8]]]] },
      { label: 'a NaN in a window propagates', args: () => [ag.tensor([[[[1, NaN], [3, 4]]]], f64)], expected: [[[[NaN]]]] },
    ],
  },
  {
    name: 'avgPool2d', fn: (x: ag.Tensor) => ag.avgPool2d(x, 3, { stride: 2, padding: 1 }), inputs: () => [randn([2, 2, 5, 6])],
    values: [
      { label: '2x2 windows', call: (x: ag.Tensor) => ag.avgPool2d(x, 2), args: () => [ag.tensor([[[[1, 2, 5, 0], [3, 4, 1, 1]]]], f64)], expected: [[[[2.5, 1.75]]]] },
      poolCase('avg', 'kernel 3, stride 2, padding 1 (count_include_pad)', [2, 2, 7, 6], [3, 3], [2, 2], [1, 1]),
      poolCase('avg', '[h, w] kernel and stride', [1, 2, 6, 7], [2, 3], [1, 2]),
      {
        label: 'padding zeros count in the mean', call: (x: ag.Tensor) => ag.avgPool2d(x, 2, { padding: 1 }),
        args: () => [ag.tensor([[[[4, 8], [12, 16]]]], f64)], expected: [[[[1, 2], [3, 4]]]],
      },
    ],
  },
  // Wide rows: the f32x4 / f64x2 paths of the pooling kernels and their
  // gradients (stride 2 has its own float32 load; stride 1 overlaps windows).
  { name: 'maxPool2d', fn: (x: ag.Tensor) => ag.maxPool2d(x, 2), inputs: () => [randn([1, 2, 4, 19])] },
  { name: 'maxPool2d', fn: (x: ag.Tensor) => ag.maxPool2d(x, 3, { stride: 1, padding: 1, dilation: [1, 2] }), inputs: () => [randn([1, 2, 5, 13])] },
  { name: 'avgPool2d', fn: (x: ag.Tensor) => ag.avgPool2d(x, 3, { stride: 1, padding: 1 }), inputs: () => [randn([1, 2, 5, 13])] },
  {
    // The mask is random: reseeding inside the call makes it the same on every evaluation.
    name: 'dropout', fn: (x: ag.Tensor) => { ag.seed(3); return ag.dropout(x, 0.4); }, inputs: () => [randn([4, 6])],
    values: [
      { label: 'not training is the identity', call: (x: ag.Tensor) => ag.dropout(x, 0.5, { training: false }), args: () => [ag.tensor([1, -2, 3])], expected: [1, -2, 3] },
      { label: 'p = 0 is the identity', call: (x: ag.Tensor) => ag.dropout(x, 0), args: () => [ag.tensor([1, -2, 3])], expected: [1, -2, 3] },
      { label: 'p = 1 drops everything', call: (x: ag.Tensor) => ag.dropout(x, 1), args: () => [ag.tensor([1, -2, 3])], expected: [0, 0, 0] },
    ],
  },
  {
    name: 'layerNorm', fn: (x: ag.Tensor) => ag.layerNorm(x, [-2, -1]), inputs: () => [randn([2, 3, 4])],
    values: [
      { label: 'last axis, eps 0', call: (x: ag.Tensor) => ag.layerNorm(x, -1, 0), args: () => [ag.tensor([[1, 2, 3], [5, 5, 7]], f64)], expected: [[-Math.sqrt(1.5), 0, Math.sqrt(1.5)], [-Math.SQRT1_2, -Math.SQRT1_2, Math.SQRT2]] },
      { label: 'default eps 1e-5', args: () => [ag.tensor([[[1, -1]]], f64)], expected: [[[1 / Math.sqrt(1 + 1e-5), -1 / Math.sqrt(1 + 1e-5)]]] },
      { label: 'constant rows give 0, not NaN', call: (x: ag.Tensor) => ag.layerNorm(x), args: () => [ag.tensor([[3, 3, 3]], f64)], expected: [[0, 0, 0]] },
    ],
  },
  {
    name: 'batchNorm', fn: (x: ag.Tensor) => ag.batchNorm(x), inputs: () => [randn([3, 2, 2, 2])],
    values: [
      { label: 'training, [N, C], eps 0', call: (x: ag.Tensor) => ag.batchNorm(x, { eps: 0 }), args: () => [ag.tensor([[1, 10], [3, 30]], f64)], expected: [[-1, -1], [1, 1]] },
      {
        label: 'channel axis -1', call: (x: ag.Tensor) => ag.batchNorm(x, { axis: -1, eps: 0 }),
        args: () => [ag.tensor([[[1, 4]], [[3, 4]], [[5, 10]], [[7, 10]]], f64)],
        expected: [[[-3 / Math.sqrt(5), -1]], [[-1 / Math.sqrt(5), -1]], [[1 / Math.sqrt(5), 1]], [[3 / Math.sqrt(5), 1]]],
      },
      {
        label: 'inference uses the running statistics',
        call: (x: ag.Tensor) => ag.batchNorm(x, { training: false, eps: 0, runningMean: ag.tensor([1, 2], f64), runningVar: ag.tensor([4, 0.25], f64) }),
        args: () => [ag.tensor([[[[3]], [[3]]]], f64)], expected: [[[[1]], [[2]]]],
      },
    ],
  },
  {
    name: 'embedding', fn: (t: ag.Tensor) => ag.embedding(t, [[3, 1, 3], [0, 3, 3]]), inputs: () => [randn([4, 3])],
    values: [
      { label: 'nested ids', call: (t: ag.Tensor, i: ag.Ids) => ag.embedding(t, i), args: () => [ag.tensor([[0, 0], [1, 1], [2, 2]]), [[2, 0], [2, 2]]], expected: [[[2, 2], [0, 0]], [[2, 2], [2, 2]]] },
      { label: 'integer tensor ids', call: (t: ag.Tensor, i: ag.Ids) => ag.embedding(t, i), args: () => [ag.tensor([[0, 0], [1, 1], [2, 2]]), ag.tensor([1, 2])], expected: [[1, 1], [2, 2]] },
      { label: 'a single id', call: (t: ag.Tensor, i: ag.Ids) => ag.embedding(t, i), args: () => [ag.tensor([[0, 0], [1, 5]]), 1], expected: [1, 5] },
    ],
  },
  // Rows of 7: the SIMD scatter-add of the gradient and its tail, with repeated ids.
  { name: 'embedding', fn: (t: ag.Tensor) => ag.embedding(t, [[4, 1, 4], [0, 2, 4]]), inputs: () => [randn([5, 7])] },
];
