import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import type { NestedArray, Tensor } from '../../src/index';
import { assertClose, opSuite } from './harness';
import { cases } from './reduce.table';

opSuite('reduce', cases);

// Named regression tests: gradients at the edge cases the table cannot reach
// (gradcheck stays away from kinks and zeros), errors, and memory.

const f64 = { dtype: 'float64' as const };
const t64 = (data: NestedArray) => ag.tensor(data, f64);
type Fn = (x: Tensor) => Tensor;

function gradIs(f: Fn, x: NestedArray, expected: NestedArray, what: string): void {
  ag.tidy(() => {
    const g = ag.grad(f)(t64(x)) as Tensor | null;
    assert.ok(g !== null, `${what}: gradient is null`);
    assertClose(g!, expected, 1e-12, what);
  });
}

/** Row i of the Hessian of scalar f at x: the gradient of <grad f, e_i>. */
function hessianRow(f: Fn, x: NestedArray, i: number): Tensor {
  const n = (x as number[]).length;
  const e = t64(Array.from({ length: n }, (_, j) => (j === i ? 1 : 0)));
  return ag.grad((y: Tensor) => ag.sum(ag.mul(ag.grad(f)(y) as Tensor, e)))(t64(x)) as Tensor;
}

test('prod: the gradient at zeros is the product of the others (no division)', () => {
  const prod: Fn = (x) => ag.prod(x);
  gradIs(prod, [2, 0, 3], [0, 6, 0], 'prod([2, 0, 3])');
  gradIs(prod, [0, 0, 3], [0, 0, 0], 'prod([0, 0, 3])');
  gradIs(prod, [0, 2, 3], [6, 0, 0], 'prod([0, 2, 3])');
  gradIs((x) => ag.sum(ag.prod(x, 0)), [[0, 2], [3, 0], [4, 5]], [[12, 0], [0, 10], [0, 0]], 'prod along axis 0');
  gradIs((x) => ag.sum(ag.prod(x, [0, 2])), [[[0, 2], [1, 1]], [[3, 4], [5, 0]]], [[[24, 0], [0, 0]], [[0, 0], [0, 5]]], 'prod over axes [0, 2]');
});

test('prod: second and third derivatives at a zero entry', () => {
  ag.tidy(() => {
    const prod: Fn = (x) => ag.prod(x);
    const hessian = [[0, 3, 0], [3, 0, 2], [0, 2, 0]];
    for (let i = 0; i < 3; i++) assertClose(hessianRow(prod, [2, 0, 3], i), hessian[i], 1e-12, `Hessian row ${i}`);
    // d^3 prod / dx0 dx1 dxk = [0, 0, 1]
    const e0 = t64([1, 0, 0]);
    const e1 = t64([0, 1, 0]);
    const third = ag.grad((z: Tensor) =>
      ag.sum(ag.mul(ag.grad((y: Tensor) => ag.sum(ag.mul(ag.grad(prod)(y) as Tensor, e0)))(z) as Tensor, e1)),
    )(t64([2, 0, 3])) as Tensor;
    assertClose(third, [0, 0, 1], 1e-12, 'third derivative');
  });
});

test('max/min: k tied entries each get 1/k of the gradient', () => {
  gradIs((x) => ag.max(x), [1, 3, 3], [0, 0.5, 0.5], 'max([1, 3, 3])');
  gradIs((x) => ag.min(x), [2, 2, 2, 5], [1 / 3, 1 / 3, 1 / 3, 0], 'min([2, 2, 2, 5])');
  gradIs((x) => ag.sum(ag.max(x, 1)), [[5, 5, 5], [1, 2, 2]], [[1 / 3, 1 / 3, 1 / 3], [0, 0.5, 0.5]], 'max along axis 1');
  gradIs((x) => ag.sum(ag.min(x, 0, true)), [[1, 4], [1, 3]], [[0.5, 0], [0.5, 1]], 'min along axis 0, keepdims');
  gradIs((x) => ag.max(x, [0, 2]).sum(), [[[1, 7]], [[7, 2]]], [[[0, 0.5]], [[0.5, 0]]], 'max over axes [0, 2]');
  gradIs((x) => ag.max(x), [1, NaN, 3], [0, 1, 0], 'max with a NaN sends the gradient to the NaN');
});

test('max: the gradient is scaled by the incoming gradient and the tape keeps float32', () => {
  ag.tidy(() => {
    const x = ag.tensor([[1, 4, 4], [0, 2, 1]]);
    const g = ag.grad((y: Tensor) => ag.sum(ag.mul(ag.max(y, 1), ag.tensor([2, 3]))))(x) as Tensor;
    assert.is(g.dtype, 'float32');
    assertClose(g, [[0, 1, 1], [0, 3, 0]], 1e-6, 'weighted max gradient');
  });
});

test('logsumexp: large inputs give finite values and softmax gradients', () => {
  ag.tidy(() => {
    assertClose(ag.logsumexp(t64([1000, 1000])), 1000 + Math.log(2), 1e-12, 'value');
    assertClose(ag.logsumexp(ag.tensor([1000, 1000])), 1000 + Math.log(2), 1e-6, 'float32 value');
  });
  gradIs((x) => ag.logsumexp(x), [1000, 1000], [0.5, 0.5], 'gradient at [1000, 1000]');
  gradIs((x) => ag.logsumexp(x), [-1000, -1000, -1000, -1000], [0.25, 0.25, 0.25, 0.25], 'gradient at -1000s');
  gradIs((x) => ag.sum(ag.logsumexp(x, 1)), [[0, Math.log(3)], [5, 5]], [[0.25, 0.75], [0.5, 0.5]], 'softmax along axis 1');
});

test('variance/std: gradients are 2 (x - mean) / (n - ddof) and its chain rule', () => {
  gradIs((x) => ag.variance(x), [1, 2, 3, 4], [-0.75, -0.25, 0.25, 0.75], 'variance');
  gradIs((x) => ag.variance(x, 0, false, 1), [1, 2, 3, 4], [-1, -1 / 3, 1 / 3, 1], 'variance ddof = 1');
  const sd = Math.sqrt(1.25);
  gradIs((x) => ag.std(x), [1, 2, 3, 4], [-0.75, -0.25, 0.25, 0.75].map((v) => v / (2 * sd)), 'std');
  gradIs((x) => ag.sum(ag.variance(x, 1)), [[1, 3], [2, 2]], [[-1, 1], [0, 0]], 'variance along axis 1');
});

test('norm: gradients for each p, and 0 (not NaN) at the zero vector', () => {
  gradIs((x) => ag.norm(x), [3, -4], [0.6, -0.8], 'p = 2');
  gradIs((x) => ag.norm(x, 1), [3, -4, 0], [1, -1, 0], 'p = 1 (sign, 0 at 0)');
  gradIs((x) => ag.norm(x, 3), [1, -1], [0.5 ** (2 / 3), -(0.5 ** (2 / 3))], 'p = 3');
  gradIs((x) => ag.norm(x, Infinity), [3, -3, 1], [0.5, -0.5, 0], 'p = Infinity, ties share');
  gradIs((x) => ag.norm(x, -Infinity), [3, -1, 2], [0, -1, 0], 'p = -Infinity');
  for (const p of [2, 1, 3, 1.5, Infinity]) gradIs((x) => ag.norm(x, p), [0, 0, 0], [0, 0, 0], `p = ${p} at the zero vector`);
  gradIs((x) => ag.sum(ag.norm(x, 2, 1)), [[0, 0], [3, 4]], [[0, 0], [0.6, 0.8]], 'p = 2 along axis 1 with a zero row');
  gradIs((x) => ag.norm(x, 3), [0, 2], [0, 1], 'p = 3 with a zero entry');
  gradIs((x) => ag.norm(x, 0), [1, 0, 2], [0, 0, 0], 'p = 0 has zero gradient');
});

test('norm: second derivatives at p = 2 (the Hessian (I - u u^T) / |x|)', () => {
  ag.tidy(() => {
    const f: Fn = (x) => ag.norm(x);
    // x = [3, 4]: |x| = 5, u = [0.6, 0.8], H = (I - u u^T) / 5
    assertClose(hessianRow(f, [3, 4], 0), [0.64 / 5, -0.48 / 5], 1e-12, 'row 0');
    assertClose(hessianRow(f, [3, 4], 1), [-0.48 / 5, 0.36 / 5], 1e-12, 'row 1');
  });
});

test('sum(f, x) and mean(f, x) keep working, with axes', () => {
  gradIs((x) => ag.sum(ag.abs2, x), [1, -2], [2, -4], 'sum(abs2, x)');
  gradIs((x) => ag.sum(ag.mean(ag.abs2, x, 1)), [[1, 2], [3, 4]], [[1, 2], [3, 4]], 'mean(abs2, x, 1)');
  gradIs((x) => ag.max(ag.abs2, x), [1, -3], [0, -6], 'max(abs2, x)');
});

test('empty reductions: sum 0, prod 1, max/min/argmax errors naming the op', () => {
  ag.tidy(() => {
    const e = ag.zeros([0, 3], f64);
    assertClose(ag.sum(e), 0, 0, 'sum');
    assertClose(ag.prod(e), 1, 0, 'prod');
    assertClose(ag.max(e, 1), [], 0, 'max over the non-empty axis is an empty result');
    assert.throws(() => ag.max(e), (err: Error) => err instanceof ag.ShapeError && /^max: cannot reduce axis 0 of length 0/.test(err.message));
    assert.throws(() => ag.min(e, 0), (err: Error) => err instanceof ag.ShapeError && /^min: .*length 0/.test(err.message));
    assert.throws(() => ag.max(ag.zeros([3, 0]), -1), /^max: cannot reduce axis 1 of length 0 \(shape \[3, 0\]\)/);
    assert.throws(() => ag.argmax(e), /^argmax: cannot take the argmax of an empty tensor/);
    assert.throws(() => ag.argmin(e, 0), /^argmin: cannot reduce axis 0 of length 0/);
    assert.throws(() => ag.norm(e, Infinity), /^norm: cannot reduce axis 0 of length 0/);
    assertClose(ag.norm(e), 0, 0, 'norm');
    assertClose(ag.norm(e, -Infinity, 1), [], 0, 'norm -Infinity over the non-empty axis');
  });
});

test('argument errors name the op', () => {
  ag.tidy(() => {
    const x = t64([[1, 2], [3, 4]]);
    const cases: [() => unknown, RegExp][] = [
      [() => ag.prod(x, 2), /^prod: axis 2 is out of range for a tensor of rank 2/],
      [() => ag.max(x, -3), /^max: axis -3 is out of range/],
      [() => ag.min(x, [0, -2]), /^min: axis -2 is repeated/],
      [() => ag.logsumexp(x, 0.5), /^logsumexp: axis must be an integer/],
      [() => ag.variance(x, 0, 'yes' as unknown as boolean), /^variance: keepdims must be a boolean/],
      [() => ag.variance(x, 0, false, -1), /^variance: ddof must be a finite number >= 0/],
      [() => ag.std(x, 0, false, NaN), /^std: ddof must be/],
      [() => ag.norm(x, -1), /^norm: p must be 0, a positive number, Infinity or -Infinity, got number -1/],
      [() => ag.norm(x, NaN), /^norm: p must be/],
      [() => ag.norm(x, 2, 5), /^norm: axis 5 is out of range/],
      [() => ag.argmax(x, [0] as unknown as number), /^argmax: axis must be one integer/],
      [() => ag.argmin(x, 2), /^argmin: axis 2 is out of range/],
      [() => ag.argmax(3, 0), /^argmax: axis 0 is out of range for a tensor of rank 0/],
      [() => ag.max('x' as unknown as Tensor), /^max: x must be a Tensor/],
      [() => ag.sum(ag.abs2, x, 3), /^sum: axis 3 is out of range/],
      [() => ag.mean(x, 0, 1 as unknown as boolean), /^mean: keepdims must be a boolean/],
    ];
    for (const [call, pattern] of cases) assert.throws(call, pattern);
  });
});

test('failed calls allocate nothing; forward temporaries are freed', () => {
  ag.tidy(() => {
    const x = t64([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const before = ag.memory().liveTensors;
    for (const call of [() => ag.max(3, 1), () => ag.prod(x, 3), () => ag.argmax(x, 3), () => ag.norm(3, -2), () => ag.sum(ag.abs2, x, 7)]) {
      assert.throws(call);
    }
    assert.is(ag.memory().liveTensors, before, 'failed calls left tensors behind');
    // Non-adjacent axes copy x into a temporary: it must be gone afterwards.
    const calls: [string, () => Tensor][] = [
      ['prod', () => ag.prod(x, [0, 2])], ['max', () => ag.max(x, [0, 2])], ['min', () => ag.min(x, [0, 2])],
      ['logsumexp', () => ag.logsumexp(x, [0, 2])], ['variance', () => ag.variance(x, [0, 2])], ['std', () => ag.std(x, [0, 2])],
      ['norm', () => ag.norm(x, 3, [0, 2])], ['argmax', () => ag.argmax(x, 0)], ['argmin', () => ag.argmin(x)],
    ];
    for (const [name, call] of calls) {
      const n = ag.memory().liveTensors;
      const y = call();
      assert.is(ag.memory().liveTensors, n + 1, `${name} keeps one tensor`);
      y.dispose();
    }
  });
});

// A plain JavaScript reduction: groups the entries of a row-major `shape` by
// their indices on the kept axes, in output order.
function groups(data: ArrayLike<number>, shape: number[], axes: number[]): number[][] {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const keptSize = kept.reduce((n, i) => n * shape[i], 1);
  const out: number[][] = Array.from({ length: keptSize }, () => []);
  const index = shape.map(() => 0);
  for (let flat = 0; flat < data.length; flat++) {
    let key = 0;
    for (const i of kept) key = key * shape[i] + index[i];
    out[key].push(data[flat]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

const references: [string, (x: Tensor, axes: number[]) => Tensor, (g: number[]) => number][] = [
  ['prod', (x, a) => ag.prod(x, a), (g) => g.reduce((p, v) => p * v, 1)],
  ['max', (x, a) => ag.max(x, a), (g) => Math.max(...g)],
  ['min', (x, a) => ag.min(x, a), (g) => Math.min(...g)],
  ['sum', (x, a) => ag.sum(x, a), (g) => g.reduce((p, v) => p + v, 0)],
  ['logsumexp', (x, a) => ag.logsumexp(x, a), (g) => Math.log(g.reduce((p, v) => p + Math.exp(v), 0))],
  ['variance', (x, a) => ag.variance(x, a, false, 1), (g) => {
    const m = g.reduce((p, v) => p + v, 0) / g.length;
    return g.reduce((p, v) => p + (v - m) ** 2, 0) / (g.length - 1);
  }],
  ['norm 2', (x, a) => ag.norm(x, 2, a), (g) => Math.sqrt(g.reduce((p, v) => p + v * v, 0))],
  ['norm 1', (x, a) => ag.norm(x, 1, a), (g) => g.reduce((p, v) => p + Math.abs(v), 0)],
  ['norm 3', (x, a) => ag.norm(x, 3, a), (g) => Math.cbrt(g.reduce((p, v) => p + Math.abs(v) ** 3, 0))],
];

test('random shapes and every axis set agree with a plain JavaScript reduction (both dtypes, SIMD tails)', () => {
  ag.seed(7);
  const shapes = [[9], [2, 7], [5, 3], [3, 1, 6], [2, 3, 5], [4, 2, 3, 3], [1, 5, 1, 9]];
  for (const shape of shapes) {
    const ndim = shape.length;
    for (let mask = 1; mask < 1 << ndim; mask++) {
      const axes = shape.map((_, i) => i).filter((i) => mask & (1 << i));
      for (const dtype of ['float64', 'float32'] as const) {
        ag.tidy(() => {
          const x = ag.add(ag.mul(ag.rand(shape, { dtype }), 2), 0.25);
          const data = Array.from(x.data());
          const gs = groups(data, shape, axes);
          for (const [name, op, ref] of references) {
            if (name === 'variance' && gs[0].length < 2) continue;
            const y = Array.from(op(x, axes).data());
            for (let k = 0; k < gs.length; k++) {
              const e = ref(gs[k]);
              const tol = dtype === 'float64' ? 1e-12 : 2e-6;
              assert.ok(Math.abs(y[k] - e) <= tol * Math.max(1, Math.abs(e)), `${name} ${dtype} [${shape}] axes [${axes}] group ${k}: ${y[k]} vs ${e}`);
            }
          }
          if (axes.length === 1) {
            const a = axes[0];
            for (const [name, pick] of [['argmax', ag.argmax], ['argmin', ag.argmin]] as const) {
              const y = Array.from(pick(x, a).data());
              const cmp = name === 'argmax' ? (u: number, v: number) => u > v : (u: number, v: number) => u < v;
              gs.forEach((g, k) => {
                let best = 0;
                for (let j = 1; j < g.length; j++) if (cmp(g[j], g[best])) best = j;
                assert.is(y[k], best, `${name} ${dtype} [${shape}] axis ${a} group ${k}`);
              });
            }
          }
        });
      }
    }
  }
});

test('outside any scope, composite reductions leave only their result', () => {
  const x = t64([[1, -2, 3], [4, 5, -6]]);
  const calls: [string, () => Tensor][] = [
    ['mean', () => ag.mean(x, 1)], ['sum(f, x)', () => ag.sum(ag.abs2, x, 0)], ['mean(f, x)', () => ag.mean(ag.abs2, x)],
    ['max(f, x)', () => ag.max(ag.abs2, x)], ['min(f, x)', () => ag.min(ag.abs2, x, 1)],
    ['norm Infinity', () => ag.norm(x, Infinity, 0)], ['norm -Infinity', () => ag.norm(x, -Infinity)],
    ['norm 0', () => ag.norm(x, 0)], ['norm 3', () => ag.norm(x, 3, [0, 1])], ['std', () => ag.std(x, [0, 1], true, 1)],
    ['prod of a number', () => ag.prod(3)], ['max of a number', () => ag.max(3)], ['argmax of a number', () => ag.argmax(3)],
    ['sum over no axes', () => ag.sum(x, [], true)],
  ];
  for (const [name, call] of calls) {
    const before = ag.memory();
    const y = call();
    assert.is(ag.memory().liveTensors, before.liveTensors + 1, `${name} leaves one tensor`);
    y.dispose();
    assert.is(ag.memory().bytesInUse, before.bytesInUse, `${name} returns every byte`);
  }
  assert.not.ok(x.isDisposed, 'the input is untouched');
  x.dispose();
});

test.run();
