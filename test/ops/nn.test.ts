import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { assertClose, opSuite } from './harness';
import { cases, det, nest, refConv2d, refPool } from './nn.table';

opSuite('nn', cases);

const f64 = { dtype: 'float64' as const };

// The harness (opSuite) also checks each op to second order through
// sum(w * f(x)^2), so the rules of the gradient ops are differentiated too.

/** The gradient of `f` at `x` as nested arrays. */
function gradAt(f: (x: ag.Tensor) => ag.Tensor, x: ag.NestedArray | ag.Tensor): ag.NestedArray {
  return ag.tidy(() => ag.grad(f)(x instanceof ag.Tensor ? x : ag.tensor(x, f64)).toArray());
}

const flat = (x: ag.NestedArray): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

function close(a: ag.NestedArray, b: ag.NestedArray, tol = 1e-9, what = ''): void {
  const fa = flat(a);
  const fb = flat(b);
  assert.is(fa.length, fb.length, `${what}: length`);
  for (let i = 0; i < fa.length; i++) {
    assert.ok(Math.abs(fa[i] - fb[i]) <= tol * Math.max(1, Math.abs(fb[i])), `${what}: element ${i} is ${fa[i]}, expected ${fb[i]}`);
  }
}

/** Checks that a failing call throws `kind` mentioning `text` and leaves no memory allocated. */
function throwsClean(fn: () => unknown, kind: new (...a: any[]) => Error, text: RegExp): void {
  const before = ag.memory();
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.instance(error, kind, `expected ${kind.name}, got ${String(error)}`);
  assert.match((error as Error).message, text);
  const after = ag.memory();
  assert.is(after.liveTensors, before.liveTensors, 'no tensor left behind');
  assert.is(after.bytesInUse, before.bytesInUse, 'no bytes left behind');
}

// ---- softmax and losses ----

test('softmax, logSoftmax and crossEntropy: logits of ±1000 give finite values and gradients (float32 and float64)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    ag.tidy(() => {
      const z = ag.tensor([[1000, -1000, 999], [-1000, -1000, -1000]], { dtype });
      for (const y of [ag.softmax(z), ag.logSoftmax(z), ag.crossEntropy(z, [0, 1]), ag.crossEntropy(z, ag.tensor([[0, 0, 1], [1, 0, 0]], { dtype }))]) {
        assert.ok(Array.from(y.data()).every(Number.isFinite), `${dtype}: ${y.toString()}`);
      }
      const g = ag.grad((x: ag.Tensor) => ag.crossEntropy(x, [2, 1]))(z);
      assert.ok(Array.from(g.data()).every(Number.isFinite));
      // (softmax - onehot) / N
      const s0 = 1 / (1 + Math.exp(-1));
      close(g.toArray(), [[s0 / 2, 0, (1 - s0 - 1) / 2], [1 / 6, (1 / 3 - 1) / 2, 1 / 6]], dtype === 'float32' ? 1e-6 : 1e-12, dtype);
    });
  }
});

test('crossEntropy: integer labels equal the one-hot form, in value, gradient and second derivative', () => {
  ag.seed(21);
  ag.tidy(() => {
    const z = ag.randn([5, 4], f64);
    const labels = [3, 0, 0, 2, 1];
    const onehot = ag.tensor(labels.map((l) => [0, 1, 2, 3].map((c) => (c === l ? 1 : 0))), f64);
    const asTensor = ag.tensor(labels, f64);
    const fi = (x: ag.Tensor) => ag.crossEntropy(x, labels);
    const ft = (x: ag.Tensor) => ag.crossEntropy(x, asTensor);
    const fo = (x: ag.Tensor) => ag.crossEntropy(x, onehot);
    close(fi(z).item(), fo(z).item(), 1e-12, 'value');
    close(ft(z).item(), fo(z).item(), 1e-12, 'value (tensor labels)');
    close(gradAt(fi, z), gradAt(fo, z), 1e-12, 'gradient');
    const v = ag.randn([5, 4], f64);
    const hv = (f: (x: ag.Tensor) => ag.Tensor) => gradAt((x) => ag.sum(ag.mul(ag.grad(f)(x), v)), z);
    close(hv(fi), hv(fo), 1e-12, 'Hessian-vector product');
    // And nll of logSoftmax is the same loss.
    close(ag.nll(ag.logSoftmax(z), labels).item(), fi(z).item(), 1e-12, 'nll(logSoftmax)');
  });
});

test('losses take bool and int32 targets (a comparison\'s result, a one-hot matrix) as constants of the scores\' dtype', () => {
  ag.tidy(() => {
    const z = ag.tensor([[0.5, -1, 2], [1, 0, -2]]);
    const hot = ag.tensor([[0, 0, 1], [1, 0, 0]]);
    const hotBool = ag.greater(hot, 0.5);
    assert.is(hotBool.dtype, 'bool');
    assert.ok(Math.abs(ag.crossEntropy(z, hotBool).item() - ag.crossEntropy(z, hot).item()) < 1e-6);
    assert.ok(Math.abs(ag.crossEntropy(z, ag.cast(hot, 'int32')).item() - ag.crossEntropy(z, hot).item()) < 1e-6);
    const logits = ag.tensor([0.3, -2, 4]);
    const t = ag.tensor([1, 0, 1]);
    assert.ok(Math.abs(ag.binaryCrossEntropy(logits, ag.greater(t, 0.5)).item() - ag.binaryCrossEntropy(logits, t).item()) < 1e-6);
    const w = ag.Param([0.3, -2, 4]);
    const tape = ag.diff(() => ag.binaryCrossEntropy(w, ag.greater(t, 0.5)));
    assert.ok(ag.grad(tape, w) !== null);
  });
});

test('crossEntropy and nll with probability labels: gradcheck to second order in both arguments', () => {
  ag.seed(5);
  const z = ag.randn([3, 4], f64);
  const p = ag.softmax(ag.randn([3, 4], f64));
  assert.ok(ag.gradcheck((a: ag.Tensor, b: ag.Tensor) => ag.crossEntropy(a, b), z, p, { order: 2 }));
  assert.ok(ag.gradcheck((a: ag.Tensor, b: ag.Tensor) => ag.nll(a, b), z, p, { order: 2 }));
  // Integer labels given as a tensor are constants: only the logits are checked.
  const labels = ag.tensor([1, 3, 0], f64);
  assert.ok(ag.gradcheck((a: ag.Tensor) => ag.mul(ag.crossEntropy(a, labels), ag.crossEntropy(a, labels)), z, { order: 2 }));
  assert.ok(ag.gradcheck((a: ag.Tensor) => ag.abs2(ag.nll(ag.logSoftmax(a), labels)), z, { order: 2 }));
  z.dispose();
  p.dispose();
  labels.dispose();
});

test('binaryCrossEntropy: gradient is (sigmoid(z) - t) / n, exact at z = 0 and finite at ±1000', () => {
  const t = ag.tensor([1, 0, 0.5, 1, 0], f64);
  const g = gradAt((z) => ag.binaryCrossEntropy(z, t), [0, 0, 0, 1000, -1000]);
  close(g, [-0.5 / 5, 0.5 / 5, 0, 0, 0], 1e-12);
  t.dispose();
});

test('losses: errors name the op and the shapes, and allocate nothing', () => {
  ag.tidy(() => {
    const z = ag.zeros([2, 3]);
    const [v3, z24, z23d, z3, z4, s1, t15] = [ag.zeros([3]), ag.zeros([2, 4]), ag.zeros([2, 3], f64), ag.zeros([3]), ag.zeros([4]), ag.tensor(1), ag.tensor([0, 1.5])];
    throwsClean(() => ag.crossEntropy(z, [0, 3]), ag.ArgumentError, /crossEntropy: labels value 3 .* 3 classes/);
    throwsClean(() => ag.crossEntropy(z, [0, 1, 2]), ag.ShapeError, /crossEntropy: integer labels .*\[2, 3\].*\[2\].*\[3\]/);
    throwsClean(() => ag.crossEntropy(z, [0.5, 1]), ag.ArgumentError, /integers/);
    throwsClean(() => ag.crossEntropy(z, [-1, 1]), ag.ArgumentError, /out of range/);
    throwsClean(() => ag.crossEntropy(v3, [0]), ag.ShapeError, /logits must be a matrix \[N, C\].*\[3\]/);
    throwsClean(() => ag.crossEntropy(z, z24), ag.ShapeError, /probability labels .*\[2, 3\].*\[2, 4\]/);
    throwsClean(() => ag.crossEntropy(z, z23d), ag.DTypeError, /float32 .* float64/);
    throwsClean(() => ag.crossEntropy(z, 'cat' as never), ag.ArgumentError, /labels must be/);
    throwsClean(() => ag.nll(z, t15), ag.ArgumentError, /nll: labels must be integers/);
    throwsClean(() => ag.binaryCrossEntropy(z, z3), ag.ShapeError, /binaryCrossEntropy: targets .*\[2, 3\].*\[3\]/);
    throwsClean(() => ag.mse(z, z4), ag.ShapeError, /mse/);
    throwsClean(() => ag.softmax(s1), ag.ShapeError, /softmax: x is 0-d/);
    throwsClean(() => ag.logSoftmax(z, 2), ag.ArgumentError, /logSoftmax: axis 2 is out of range/);
  });
});

// ---- conv2d ----

test('conv2d: agrees with the naive loop on random configurations (float32 too)', () => {
  let s = 1;
  const pick = (n: number) => (s = (s * 48271) % 2147483647) % n;
  for (let trial = 0; trial < 40; trial++) {
    const groups = [1, 1, 2, 3][pick(4)];
    const cg = 1 + pick(3);
    const coutg = 1 + pick(3);
    const xs = [1 + pick(2), cg * groups, 3 + pick(6), 3 + pick(6)];
    const kh = 1 + pick(3);
    const kw = 1 + pick(3);
    const o = {
      stride: [1 + pick(3), 1 + pick(3)] as [number, number],
      padding: [pick(3), pick(3)] as [number, number],
      dilation: [1 + pick(2), 1 + pick(2)] as [number, number],
      groups,
    };
    if ((xs[2] + 2 * o.padding[0] - o.dilation[0] * (kh - 1) - 1) < 0 || (xs[3] + 2 * o.padding[1] - o.dilation[1] * (kw - 1) - 1) < 0) continue;
    const ws = [coutg * groups, cg, kh, kw];
    const x = det(xs.reduce((a, b) => a * b), trial + 1);
    const w = det(ws.reduce((a, b) => a * b), trial + 100);
    const r = refConv2d(x, xs, w, ws, o);
    for (const dtype of ['float64', 'float32'] as const) {
      ag.tidy(() => {
        const y = ag.conv2d(ag.tensor(x, { dtype, shape: xs }), ag.tensor(w, { dtype, shape: ws }), o);
        assertClose(y, nest(r.data, r.shape), dtype === 'float32' ? 1e-5 : 1e-12, `trial ${trial} ${JSON.stringify({ xs, ws, o })} ${dtype}`);
      });
    }
  }
});

test('conv2d: gradcheck to second order, x [2,4,5,5], w [6,2,3,3], groups 2 (stride 2, dilation 2 and depthwise too)', () => {
  ag.seed(11);
  const configs: [number[], number[], ag.Conv2dOptions][] = [
    [[2, 4, 5, 5], [6, 2, 3, 3], { groups: 2 }],
    [[1, 2, 7, 6], [3, 2, 3, 2], { stride: 2, padding: [1, 0], dilation: [1, 2] }],
    [[2, 3, 5, 5], [3, 1, 3, 3], { groups: 3, padding: 1 }],
    [[2, 3, 4, 4], [2, 3, 1, 1], {}],
  ];
  for (const [xs, ws, o] of configs) {
    const x = ag.randn(xs, f64);
    const w = ag.randn(ws, f64);
    const f = (a: ag.Tensor, b: ag.Tensor) => ag.sum(ag.abs2(ag.conv2d(a, b, o)));
    const ok = ag.gradcheck(f, x, w, { order: 2 });
    if (!ok) ag.gradcheck(f, x, w, { order: 2, verbose: true });
    assert.ok(ok, JSON.stringify(o));
    x.dispose();
    w.dispose();
  }
});

test('conv2d: the gradients are the transposed convolution and the x-dy correlation (known numbers)', () => {
  // x = 1..9 as a 3x3 image, w a 2x2 kernel of ones: each output is a window sum;
  // d sum / dx counts the windows covering each pixel; d sum / dw sums each shifted 2x2 block.
  const x = ag.tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], f64);
  const w = ag.tensor([[[[1, 1], [1, 1]]]], f64);
  assert.equal(gradAt((a) => ag.sum(ag.conv2d(a, w)), x), [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]);
  assert.equal(gradAt((b) => ag.sum(ag.conv2d(x, b)), w), [[[[12, 16], [24, 28]]]]);
  x.dispose();
  w.dispose();
});

test('conv2d: errors name the shapes and allocate nothing', () => {
  ag.tidy(() => {
    const x = ag.zeros([1, 4, 5, 5]);
    const [w3, w32, x3, w4, big, w64, w] = [ag.zeros([2, 3, 3, 3]), ag.zeros([3, 2, 3, 3]), ag.zeros([4, 5, 5]), ag.zeros([2, 4, 3, 3]), ag.zeros([2, 4, 7, 7]), ag.zeros([2, 4, 3, 3], f64), ag.zeros([2, 4, 3, 3])];
    throwsClean(() => ag.conv2d(x, w3), ag.ShapeError, /Cin\/groups = 4\/1 = 4 .* got 3/);
    throwsClean(() => ag.conv2d(x, w32, { groups: 2 }), ag.ShapeError, /groups 2 must divide .* Cout 3/);
    throwsClean(() => ag.conv2d(x3, w4), ag.ShapeError, /x must be a batch of images \[N, Cin, H, W\], got shape \[4, 5, 5\]/);
    throwsClean(() => ag.conv2d(x, big), ag.ShapeError, /smaller than the dilated kernel/);
    throwsClean(() => ag.conv2d(x, w64), ag.DTypeError, /float32 but w is float64/);
    throwsClean(() => ag.conv2d(x, w, { stride: 0 }), ag.ArgumentError, /stride must be an integer >= 1/);
    throwsClean(() => ag.conv2d(x, w, { padding: [1, -1] as never }), ag.ArgumentError, /padding/);
    throwsClean(() => ag.conv2d(x, w, { groups: 1.5 }), ag.ArgumentError, /groups must be a positive integer/);
  });
});

test('conv2d: a training step of a small CNN leaves no memory behind', () => {
  ag.seed(2);
  const w1 = ag.Param(ag.mul(ag.randn([4, 1, 3, 3]), 0.3));
  const w2 = ag.Param(ag.mul(ag.randn([10, 4 * 3 * 3]), 0.1));
  const x = ag.randn([8, 1, 12, 12]);
  const labels = [0, 1, 2, 3, 4, 5, 6, 7];
  const step = () => {
    const tape = ag.diff(() => {
      const h = ag.maxPool2d(ag.relu(ag.conv2d(x, w1, { padding: 1 })), 2);
      const p = ag.avgPool2d(h, 2);
      const logits = ag.matmul(ag.reshape(p, [8, -1]), w2, { transposeB: true });
      return ag.crossEntropy(logits, labels);
    });
    const g1 = ag.grad(tape, w1)!;
    const g2 = ag.grad(tape, w2)!;
    ag.axpy(-0.1, g1, w1);
    ag.axpy(-0.1, g2, w2);
    const loss = tape.value;
    tape.dispose();
    return loss;
  };
  const first = step();
  const before = ag.memory();
  let last = first;
  for (let i = 0; i < 20; i++) last = step();
  const after = ag.memory();
  assert.is(after.liveTensors, before.liveTensors);
  assert.is(after.bytesInUse, before.bytesInUse);
  assert.ok(last < first, `loss went from ${first} to ${last}`);
  w1.dispose();
  w2.dispose();
  x.dispose();
});

// ---- pooling ----

test('maxPool2d: ties send the whole gradient to the first maximum in row-major window order', () => {
  // Window [[5, 5], [5, 1]]: the top-left 5 wins; [[0, 2], [2, 2]]: the top-right 2.
  const x = [[[[5, 5, 0, 2], [5, 1, 2, 2]]]];
  assert.equal(gradAt((a) => ag.sum(ag.maxPool2d(a, 2)), x), [[[[1, 0, 0, 1], [0, 0, 0, 0]]]]);
  // Overlapping windows (stride 1) that share a maximum add up there.
  assert.equal(gradAt((a) => ag.sum(ag.maxPool2d(a, 2, { stride: 1 })), [[[[0, 0, 0], [0, 9, 0], [0, 0, 0]]]]), [[[[0, 0, 0], [0, 4, 0], [0, 0, 0]]]]);
});

test('maxPool2d: agrees with the naive loop, and its gradient with a masked reference', () => {
  const xs = [2, 3, 9, 8];
  const data = det(xs.reduce((a, b) => a * b), 77).map((v, i) => v + i * 1e-6); // no ties
  const r = refPool('max', data, xs, [3, 2], [2, 3], [1, 1], [2, 1]);
  ag.tidy(() => {
    const x = ag.tensor(data, { ...f64, shape: xs });
    const y = ag.maxPool2d(x, [3, 2], { stride: [2, 3], padding: [1, 1], dilation: [2, 1] });
    assertClose(y, nest(r.data, r.shape), 1e-12, 'values');
    // The gradient of sum(y) counts how many windows each entry is the maximum of.
    const g = ag.grad((a: ag.Tensor) => ag.sum(ag.maxPool2d(a, [3, 2], { stride: [2, 3], padding: [1, 1], dilation: [2, 1] })))(x);
    const counts = new Array<number>(data.length).fill(0);
    const [n, c, h, w] = xs;
    const [, , ho, wo] = r.shape;
    for (let pl = 0; pl < n * c; pl++) {
      for (let i = 0; i < ho; i++) {
        for (let j = 0; j < wo; j++) {
          let best = -Infinity;
          let at = -1;
          for (let a = 0; a < 3; a++) {
            for (let b = 0; b < 2; b++) {
              const ih = i * 2 - 1 + a * 2;
              const iw = j * 3 - 1 + b;
              if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
              const v = data[(pl * h + ih) * w + iw];
              if (v > best) [best, at] = [v, (pl * h + ih) * w + iw];
            }
          }
          counts[at]++;
        }
      }
    }
    assert.equal(Array.from(g.data()), counts);
  });
});

test('maxPool2d: float32 gradients (4-wide vector paths) match float64 on larger images, every stride', () => {
  const xs = [2, 2, 13, 17];
  const data = det(xs.reduce((a, b) => a * b), 91).map((v, i) => v + i * 1e-5); // no ties, even in float32
  const configs: [number | [number, number], ag.MaxPool2dOptions][] = [
    [2, {}], [3, { stride: 1 }], [3, { stride: 2, padding: 1 }], [[2, 3], { stride: 3, dilation: [1, 2] }], [3, { stride: [1, 4], padding: [0, 1] }],
  ];
  for (const [k, o] of configs) {
    ag.tidy(() => {
      const f = (a: ag.Tensor) => ag.sum(ag.mul(ag.maxPool2d(a, k, o), ag.maxPool2d(a, k, o)));
      const g64 = ag.grad(f)(ag.tensor(data, { ...f64, shape: xs }));
      const g32 = ag.grad(f)(ag.tensor(data, { shape: xs }));
      assertClose(g32, g64.toArray(), 1e-5, `kernel ${JSON.stringify(k)} ${JSON.stringify(o)}`);
      assert.ok(Array.from(g64.data()).filter((v) => v !== 0).length > 0);
    });
  }
});

test('maxPool2d: a NaN takes the gradient of its window', () => {
  assert.equal(gradAt((a) => ag.sum(ag.maxPool2d(a, 2)), [[[[1, NaN, 7, 0], [3, NaN, 2, 9]]]]), [[[[0, 1, 0, 0], [0, 0, 0, 1]]]]);
});

test('maxPool2d and avgPool2d: errors and defaults', () => {
  ag.tidy(() => {
    const x = ag.zeros([1, 1, 4, 4]);
    const x2 = ag.zeros([4, 4]);
    throwsClean(() => ag.maxPool2d(x, 2, { padding: 2 }), ag.ArgumentError, /padding 2x2 must be at most half the kernel 2x2/);
    throwsClean(() => ag.maxPool2d(x, 5), ag.ShapeError, /smaller than the dilated window 5x5/);
    throwsClean(() => ag.avgPool2d(x2, 2), ag.ShapeError, /\[N, C, H, W\], got shape \[4, 4\]/);
    throwsClean(() => ag.avgPool2d(x, 2, { dilation: 2 } as never), ag.ArgumentError, /dilation is not supported/);
    throwsClean(() => ag.maxPool2d(x, 0), ag.ArgumentError, /kernel must be an integer >= 1/);
    // stride defaults to the kernel.
    assert.equal(ag.maxPool2d(ag.zeros([1, 1, 6, 6]), 3).shape, [1, 1, 2, 2]);
    assert.equal(ag.avgPool2d(ag.zeros([1, 1, 6, 6]), [2, 3]).shape, [1, 1, 3, 2]);
  });
});

test('avgPool2d: the gradient spreads dy / (kh kw), padding included', () => {
  assert.equal(gradAt((a) => ag.sum(ag.avgPool2d(a, 2, { padding: 1 })), [[[[1, 2], [3, 4]]]]), [[[[0.25, 0.25], [0.25, 0.25]]]]);
  assert.equal(gradAt((a) => ag.sum(ag.avgPool2d(a, 2, { stride: 1 })), [[[[0, 0, 0], [0, 0, 0], [0, 0, 0]]]]), [[[[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]]]]);
});

// ---- dropout ----

test('dropout: reproducible under seed, survivors scaled by 1/(1-p), mean preserved in expectation', () => {
  ag.tidy(() => {
    const x = ag.ones([20000], f64);
    ag.seed(42);
    const a = ag.dropout(x, 0.3).toArray() as number[];
    ag.seed(42);
    const b = ag.dropout(x, 0.3).toArray() as number[];
    assert.equal(a, b);
    const kept = a.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-12));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(Math.abs(mean - 1) < 0.03, `mean ${mean}`);
    const dropped = 1 - kept.length / a.length;
    assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped ${dropped}`);
    // float32 gets the same mask from the same seed.
    ag.seed(42);
    const c = ag.dropout(ag.ones([20000]), 0.3).toArray() as number[];
    assert.equal(c.map((v) => v !== 0), a.map((v) => v !== 0));
  });
});

test('dropout: the mask is a constant on the tape (the gradient is the same mask), p = 1 gives zeros', () => {
  ag.tidy(() => {
    const x = ag.Param(ag.tensor([1, 2, 3, 4, 5, 6, 7, 8], f64));
    ag.seed(9);
    let y: ag.Tensor | null = null;
    const tape = ag.diff(() => {
      y = ag.dropout(x, 0.5);
      return ag.sum(y);
    });
    const mask = (ag.value(y!).toArray() as number[]).map((v, i) => v / (i + 1));
    assert.ok(mask.every((m) => m === 0 || m === 2));
    assert.equal(ag.grad(tape, x)!.toArray(), mask);
    tape.dispose();
    assert.equal(gradAt((a) => ag.sum(ag.dropout(a, 1)), [1, 2, 3]), [0, 0, 0]);
    assert.equal(gradAt((a) => ag.sum(ag.mul(ag.dropout(a, 0.5, { training: false }), a)), [1, 2, 3]), [2, 4, 6]);
    throwsClean(() => ag.dropout(x, 1.5), ag.ArgumentError, /dropout: p must be a probability in \[0, 1\], got number 1.5/);
    throwsClean(() => ag.dropout(x, NaN), ag.ArgumentError, /dropout: p must be a probability/);
    x.dispose();
  });
});

test('dropout: not training returns a new handle on the same data', () => {
  const x = ag.tensor([1, 2]);
  const y = ag.dropout(x, 0.5, { training: false });
  assert.ok(y !== x);
  y.dispose();
  assert.equal(x.toArray(), [1, 2]);
  x.dispose();
});

// ---- normalization ----

test('layerNorm: zero mean and unit variance over the axes; gamma and beta by hand', () => {
  ag.seed(4);
  ag.tidy(() => {
    const x = ag.add(ag.mul(ag.randn([3, 4, 5], f64), 3), 7);
    const y = ag.layerNorm(x, [1, 2], 0);
    close(ag.mean(y, [1, 2]).toArray(), [0, 0, 0], 1e-12, 'mean');
    close(ag.mean(ag.abs2(y), [1, 2]).toArray(), [1, 1, 1], 1e-12, 'variance');
    const gamma = ag.Param(ag.ones([5], f64));
    const beta = ag.Param(ag.zeros([5], f64));
    const tape = ag.diff(() => ag.sum(ag.abs2(ag.add(ag.mul(ag.layerNorm(x), gamma), beta))));
    assert.equal(ag.grad(tape, gamma)!.shape, [5]);
    assert.equal(ag.grad(tape, beta)!.shape, [5]);
    tape.dispose();
    throwsClean(() => ag.layerNorm(x, 3), ag.ArgumentError, /layerNorm: axis 3 is out of range/);
    throwsClean(() => ag.layerNorm(x, -1, -1), ag.ArgumentError, /layerNorm: eps must be/);
  });
});

test('batchNorm: running statistics updated in place (unbiased variance, momentum), inference uses them', () => {
  ag.tidy(() => {
    const rm = ag.zeros([2], f64);
    const rv = ag.ones([2], f64);
    const x = ag.tensor([[1, 10], [3, 30], [5, 20]], f64);
    ag.batchNorm(x, { runningMean: rm, runningVar: rv, momentum: 0.5 });
    close(rm.toArray(), [0.5 * 3, 0.5 * 20], 1e-12, 'running mean');
    close(rv.toArray(), [0.5 + 0.5 * 4, 0.5 + 0.5 * 100], 1e-12, 'running variance');
    // Inference reads them, and the gradient flows to x.
    const y = ag.batchNorm(x, { training: false, runningMean: rm, runningVar: rv, eps: 0 });
    close(y.toArray(), [[(1 - 1.5) / Math.sqrt(2.5), (10 - 10) / Math.sqrt(50.5)], [(3 - 1.5) / Math.sqrt(2.5), (30 - 10) / Math.sqrt(50.5)], [(5 - 1.5) / Math.sqrt(2.5), (20 - 10) / Math.sqrt(50.5)]], 1e-12);
    close(gradAt((a) => ag.sum(ag.batchNorm(a, { training: false, runningMean: rm, runningVar: rv, eps: 0 })), x), [[1 / Math.sqrt(2.5), 1 / Math.sqrt(50.5)], [1 / Math.sqrt(2.5), 1 / Math.sqrt(50.5)], [1 / Math.sqrt(2.5), 1 / Math.sqrt(50.5)]], 1e-12);
    // Inside diff with a Param: the update happens, and the gradient is right.
    const p = ag.Param(x);
    const tape = ag.diff(() => ag.sum(ag.abs2(ag.batchNorm(p, { runningMean: rm, runningVar: rv }))));
    close(rm.toArray(), [0.9 * 1.5 + 0.1 * 3, 0.9 * 10 + 0.1 * 20], 1e-12, 'running mean after a second step (momentum 0.1)');
    assert.ok(ag.grad(tape, p) !== null);
    tape.dispose();
    // Gradcheck to second order in inference mode (x and the running stats).
    assert.ok(ag.gradcheck((a: ag.Tensor, m: ag.Tensor, v: ag.Tensor) =>
      ag.sum(ag.abs2(ag.batchNorm(a, { training: false, runningMean: m, runningVar: v }))), x, rm, rv, { order: 2 }));
  });
});

test('batchNorm: errors name the problem and allocate nothing', () => {
  ag.tidy(() => {
    const x = ag.zeros([4, 3, 2]);
    const [m2, m3d, x13, x3] = [ag.zeros([2]), ag.zeros([3], f64), ag.zeros([1, 3]), ag.zeros([3])];
    throwsClean(() => ag.batchNorm(x, { training: false }), ag.ArgumentError, /needs both runningMean and runningVar/);
    throwsClean(() => ag.batchNorm(x, { runningMean: m2 }), ag.ShapeError, /runningMean must have shape \[3\]/);
    throwsClean(() => ag.batchNorm(x, { runningMean: m3d }), ag.DTypeError, /x is float32 but runningMean is float64/);
    throwsClean(() => ag.batchNorm(x13), ag.ShapeError, /more than one value per channel/);
    throwsClean(() => ag.batchNorm(x3), ag.ShapeError, /rank >= 2/);
    throwsClean(() => ag.batchNorm(x, { momentum: 2 }), ag.ArgumentError, /momentum/);
  });
});

// ---- embedding ----

test('embedding: repeated ids accumulate in the gradient (scatter-add, never overwrite)', () => {
  // Row 1 is picked three times, row 0 once, row 2 never.
  const ids = [[1, 0], [1, 1]];
  assert.equal(gradAt((t) => ag.sum(ag.embedding(t, ids)), [[0, 0], [0, 0], [0, 0]]), [[1, 1], [3, 3], [0, 0]]);
  // Weighted: each pick adds its own weight.
  const w = ag.tensor([[[1, 2], [10, 20]], [[100, 200], [1000, 2000]]], f64);
  assert.equal(gradAt((t) => ag.sum(ag.mul(ag.embedding(t, ids), w)), [[0, 0], [0, 0], [0, 0]]), [[10, 20], [1101, 2202], [0, 0]]);
  // Through diff with a Param, ids as a tensor, float32.
  const table = ag.Param(ag.zeros([3, 2]));
  const tape = ag.diff(() => ag.sum(ag.embedding(table, ag.tensor(new Array(1000).fill(2)))));
  assert.equal(ag.grad(tape, table)!.toArray(), [[0, 0], [0, 0], [1000, 1000]]);
  tape.dispose();
  table.dispose();
  w.dispose();
});

test('embedding: shapes, empty ids, and errors', () => {
  ag.tidy(() => {
    const t = ag.zeros([4, 3]);
    assert.equal(ag.embedding(t, []).shape, [0, 3]);
    assert.equal(ag.embedding(t, [[0, 1, 2]]).shape, [1, 3, 3]);
    assert.equal(ag.embedding(t, ag.zeros([2, 2, 2])).shape, [2, 2, 2, 3]);
    assert.equal(gradAt((a) => ag.sum(ag.embedding(a, [])), [[1, 2]]), [[0, 0]]);
    const [half, t4] = [ag.tensor([0.5]), ag.zeros([4])];
    throwsClean(() => ag.embedding(t, [4]), ag.ArgumentError, /embedding: ids value 4 .* a table of 4 rows \(valid: 0..3\)/);
    throwsClean(() => ag.embedding(t, [-1]), ag.ArgumentError, /out of range/);
    throwsClean(() => ag.embedding(t, [[1], [1, 2]]), ag.ArgumentError, /ragged ids/);
    throwsClean(() => ag.embedding(t, half), ag.ArgumentError, /ids must be integers/);
    throwsClean(() => ag.embedding(t4, [0]), ag.ShapeError, /table must be a matrix \[V, D\]/);
  });
});

test('nn ops free their scratch buffers and temporaries', () => {
  ag.seed(1);
  const x = ag.randn([2, 3, 8, 8], f64);
  const w = ag.randn([4, 3, 3, 3], f64);
  const before = ag.memory();
  ag.tidy(() => {
    ag.grad((a: ag.Tensor) => ag.sum(ag.abs2(ag.maxPool2d(ag.conv2d(a, w, { stride: 2, padding: 1 }), 2))))(x);
    ag.grad((a: ag.Tensor) => ag.sum(ag.abs2(ag.avgPool2d(a, 3, { padding: 1 }))))(x);
    ag.crossEntropy(ag.reshape(x, [6, 64]), [0, 1, 2, 3, 4, 5]);
    ag.embedding(ag.reshape(x, [48, 8]), [1, 1, 2]);
  });
  // Training steps with batchNorm (running statistics updated inside diff),
  // layerNorm and dropout: nothing outlives the tape.
  const rm = ag.zeros([3], f64);
  const rv = ag.ones([3], f64);
  const p = ag.Param([[[[1, 2], [3, 4]], [[5, 6], [7, 9]], [[1, 0], [0, 2]]], [[[2, 1], [0, 4]], [[5, 3], [7, 1]], [[1, 3], [0, 5]]]], f64);
  const afterSetup = ag.memory();
  for (let i = 0; i < 3; i++) {
    const tape = ag.diff(() => ag.sum(ag.abs2(ag.dropout(ag.layerNorm(ag.batchNorm(p, { runningMean: rm, runningVar: rv })), 0.2))));
    ag.grad(tape, p);
    tape.dispose();
  }
  assert.is(ag.memory().liveTensors, afterSetup.liveTensors);
  assert.is(ag.memory().bytesInUse, afterSetup.bytesInUse);
  p.dispose();
  rm.dispose();
  rv.dispose();
  // Outside any scope, dropout's mask is freed with the call.
  const y = ag.dropout(x, 0.5);
  y.dispose();
  const after = ag.memory();
  assert.is(after.liveTensors, before.liveTensors);
  assert.is(after.bytesInUse, before.bytesInUse);
  assert.is(after.buffers, before.buffers);
  x.dispose();
  w.dispose();
});

test.run();
