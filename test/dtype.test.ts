// int32 and bool tensors, as a specification: how they are made, read and
// printed; casts between every pair of dtypes (the kernels' SIMD bodies and
// scalar tails against JavaScript references); numpy's promotion when they
// meet other dtypes; numpy's integer arithmetic; comparisons giving bool;
// where with a bool condition; indices and labels as int32 tensors; and
// that they are never differentiated: no gradient, and no float op's rule
// ever given one (every op of the op tables is run on int32 and bool
// inputs: it must refuse them or agree with the same op on float64 copies).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import * as ag from '../src/index';
import { activeTapes } from '../src/core/tape';
import type { OpCase } from './ops/harness';

const f64 = { dtype: 'float64' as const };
const i32 = { dtype: 'int32' as const };
const held = () => {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, bytesInUse: m.bytesInUse, buffers: m.buffers };
};

const make = suite('int32 and bool tensors: creation, reading, printing');

make('tensor() with a dtype, from numbers, booleans and typed arrays', () => {
  ag.tidy(() => {
    const a = ag.tensor([[3, -1], [2147483647, -2147483648]], i32);
    assert.is(a.dtype, 'int32');
    assert.ok(a.data() instanceof Int32Array);
    assert.equal(a.toArray(), [[3, -1], [2147483647, -2147483648]]);
    assert.is(ag.tensor(16777217, i32).item(), 16777217, 'exact beyond 2^24, where float32 is not');
    const b = ag.tensor([[true, false, true]]);
    assert.is(b.dtype, 'bool');
    assert.ok(b.data() instanceof Uint8Array);
    assert.equal(b.toArray(), [[1, 0, 1]]);
    assert.is(ag.tensor(false).dtype, 'bool');
    assert.is(ag.tensor(true).item(), 1);
    // numbers as bool: nonzero is true, NaN included (numpy's bool(nan))
    assert.equal(ag.tensor([0, 2, -0, NaN, -0.5], { dtype: 'bool' }).toArray(), [0, 1, 0, 1, 1]);
    assert.is(ag.tensor(new Int32Array([5, 6])).dtype, 'int32');
    assert.is(ag.tensor(new Uint8Array([5, 6]), i32).dtype, 'int32');
    assert.equal(ag.tensor(new Uint8Array([5, 6]), i32).toArray(), [5, 6]);
    // mixed booleans and numbers are numbers
    const mixed = ag.tensor([true, 2] as unknown as number[]);
    assert.is(mixed.dtype, 'float32');
    assert.equal(mixed.toArray(), [1, 2]);
    assert.equal(ag.tensor([[true], [false]], f64).toArray(), [[1], [0]]);
  });
});

make('int32 data must be integers in range; a failed tensor() leaves nothing', () => {
  for (const bad of [[1.5], [2 ** 31], [-(2 ** 31) - 1], [NaN], [Infinity]]) {
    const before = held();
    assert.throws(() => ag.tensor(bad, i32), (e: Error) => e instanceof ag.ArgumentError && /tensor: .* is not an int32/.test(e.message));
    assert.throws(() => ag.tensor(new Float64Array(bad), i32), (e: Error) => e instanceof ag.ArgumentError);
    assert.equal(held(), before);
  }
  assert.throws(() => ag.tensor([['a']] as unknown as number[][]), (e: Error) => e instanceof ag.ArgumentError && /numbers or booleans/.test(e.message));
});

make('zeros, ones, full, arange, linspace and eye take int32 and bool; rand and randn refuse them', () => {
  ag.tidy(() => {
    assert.equal(ag.zeros([2], i32).toArray(), [0, 0]);
    assert.is(ag.zeros([2], i32).dtype, 'int32');
    assert.equal(ag.ones([2, 1], { dtype: 'bool' }).toArray(), [[1], [1]]);
    assert.equal(ag.full([3], -7, i32).toArray(), [-7, -7, -7]);
    assert.equal(ag.full([2], true).toArray(), [1, 1]);
    assert.is(ag.full([2], true).dtype, 'bool');
    assert.is(ag.full([2], false, f64).dtype, 'float64');
    assert.equal(ag.full([5], 2, { dtype: 'bool' }).toArray(), [1, 1, 1, 1, 1]);
    assert.equal(ag.full([17], 9, i32).toArray(), new Array(17).fill(9), 'SIMD body and tail');
    assert.equal(ag.arange(5, undefined, 1, i32).toArray(), [0, 1, 2, 3, 4]);
    assert.equal(ag.arange(10, 0, -3, i32).toArray(), [10, 7, 4, 1]);
    assert.equal(ag.linspace(0, 3, 4, i32).toArray(), [0, 1, 2, 3]);
    assert.equal(ag.eye(2, { dtype: 'bool' }).toArray(), [[1, 0], [0, 1]]);
    assert.throws(() => ag.full([2], 1.5, i32), (e: Error) => e instanceof ag.ArgumentError && /full: value 1.5 is not an int32/.test(e.message));
  });
  const before = held();
  for (const dtype of ['int32', 'bool'] as const) {
    assert.throws(() => ag.rand([2], { dtype }), (e: Error) => e instanceof ag.DTypeError && e.message.startsWith('rand:') && e.message.includes(dtype));
    assert.throws(() => ag.randn([2], { dtype }), (e: Error) => e instanceof ag.DTypeError && e.message.startsWith('randn:'));
  }
  assert.equal(held(), before);
});

make('item, toArray of 0-d, and printing', () => {
  ag.tidy(() => {
    assert.is(ag.tensor(-5, i32).item(), -5);
    assert.is(ag.tensor(-5, i32).toArray(), -5);
    assert.is(ag.tensor(true).toArray() as number, 1);
    assert.is(String(ag.tensor([3, -10, 7], i32)), 'Tensor([  3, -10,   7], dtype=int32, shape=[3])');
    assert.is(String(ag.tensor([[true, false], [false, true]])), 'Tensor([[ true, false],\n        [false,  true]], dtype=bool, shape=[2, 2])');
    assert.is(String(ag.tensor(false)), 'Tensor(false, dtype=bool, shape=[])');
    assert.is(String(ag.zeros([0], i32)), 'Tensor([], dtype=int32, shape=[0])');
    const long = String(ag.arange(2000, undefined, 1, { dtype: 'bool' }));
    assert.ok(long.startsWith('Tensor([false,  true,  true, ...,  true,  true,  true], dtype=bool'), long);
  });
});

// ---- casts ----

const casts = suite('cast between every pair of dtypes');

/** What a cast gives in JavaScript: int32 truncates toward zero and saturates (NaN is 0); bool is x != 0. */
function castRef(v: number, to: ag.DType): number {
  if (to === 'bool') return v !== 0 ? 1 : 0;
  if (to === 'int32') return Number.isNaN(v) ? 0 : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(v)));
  if (to === 'float32') return Math.fround(v);
  return v;
}

casts('every pair, lengths through the SIMD body and the scalar tail, with the extremes', () => {
  const sources: Record<ag.DType, number[]> = {
    float32: [0, -0, 1.5, -1.5, 2.7, -2.7, 3e9, -3e9, NaN, Infinity, -Infinity, 16777216, 0.25],
    float64: [0, -0, 1.5, -1.5, 2.7, -2.7, 3e9, -3e9, NaN, Infinity, -Infinity, 2 ** 31 - 1, -(2 ** 31), 2 ** 31 - 0.5, 1e-300],
    int32: [0, 1, -1, 2147483647, -2147483648, 16777217, -16777217, 7, 123456789],
    bool: [0, 1, 1, 0, 1, 0, 0, 1, 1, 1],
  };
  const dtypes: ag.DType[] = ['float32', 'float64', 'int32', 'bool'];
  ag.tidy(() => {
    for (const from of dtypes) {
      for (const to of dtypes) {
        const values = sources[from];
        for (let n = 0; n <= values.length; n++) {
          const data = values.slice(0, n).map((v) => castRef(v, from));
          const x = ag.tensor(data, { dtype: from });
          const y = ag.cast(x, to);
          assert.is(y.dtype, to);
          const expected = data.map((v) => castRef(v, to));
          const got = Array.from(y.data());
          assert.ok(got.every((v, i) => Object.is(v, expected[i]) || (v === 0 && expected[i] === 0)), `${from} -> ${to} of [${data}]: got [${got}], expected [${expected}]`);
        }
      }
    }
  });
});

casts('casts from int32 and bool get no gradient; casts between floats do', () => {
  ag.tidy(() => {
    const k = ag.Param(ag.tensor([1, 2], i32));
    const w = ag.Param(ag.tensor([1, 2]));
    const tape = ag.diff(() => ag.sum(ag.mul(ag.cast(k, 'float64'), ag.cast(w, 'float64'))));
    assert.is(ag.grad(tape, k), null);
    assert.equal(ag.grad(tape, w)!.toArray(), [1, 2]);
    assert.is(ag.grad(tape, w)!.dtype, 'float32');
    tape.dispose();
    k.dispose();
    w.dispose();
  });
});

// ---- promotion ----

const promotion = suite('promotion: int32 and bool meet other dtypes as in numpy');

promotion('tensor with tensor: the promote_types table', () => {
  const table: [ag.DType, ag.DType, ag.DType][] = [
    ['bool', 'bool', 'bool'], ['bool', 'int32', 'int32'], ['bool', 'float32', 'float32'], ['bool', 'float64', 'float64'],
    ['int32', 'int32', 'int32'], ['int32', 'float32', 'float64'], ['int32', 'float64', 'float64'],
  ];
  ag.tidy(() => {
    for (const [a, b, out] of table) {
      for (const [x, y] of [[a, b], [b, a]]) {
        const ta = ag.tensor([1, 0], { dtype: x });
        const tb = ag.tensor([1, 1], { dtype: y });
        assert.is(ag.add(ta, tb).dtype, out, `${x} + ${y}`);
        assert.is(ag.maximum(ta, tb).dtype, out, `maximum(${x}, ${y})`);
        assert.is(ag.equal(ta, tb).dtype, 'bool');
        // true division is float: float64 unless a float operand says otherwise
        assert.is(ag.div(ta, tb).dtype, out === 'float32' ? 'float32' : 'float64', `${x} / ${y}`);
      }
    }
  });
});

promotion('numbers are weak: an integer keeps int32, a fraction makes float64; a 0-d tensor of a lower kind adapts', () => {
  ag.tidy(() => {
    const ids = ag.tensor([1, 2, 3], i32);
    const mask = ag.tensor([true, false, true]);
    assert.is(ag.mul(ids, 2).dtype, 'int32');
    assert.equal(ag.mul(ids, 2).toArray(), [2, 4, 6]);
    assert.is(ag.mul(ids, 0.5).dtype, 'float64');
    assert.equal(ag.mul(ids, 0.5).toArray(), [0.5, 1, 1.5]);
    assert.is(ag.add(ids, 2 ** 31).dtype, 'float64', 'out of int32 range');
    assert.is(ag.add(mask, 1).dtype, 'int32');
    assert.equal(ag.add(mask, 1).toArray(), [2, 1, 2]);
    assert.is(ag.mul(mask, 0.5).dtype, 'float64');
    assert.is(ag.mul(ag.tensor([1.5, 2]), mask.reshape([3, 1])).dtype, 'float32', 'bool with float32 is float32');
    assert.is(ag.add(ag.tensor(1, i32), ag.tensor([1.5])).dtype, 'float32', '0-d int32 adapts to a float32 array');
    assert.is(ag.add(ag.tensor(1.5), ids).dtype, 'float64', '0-d float32 with an int32 array: float64');
    assert.is(ag.add(ag.tensor(true), ids).dtype, 'int32');
    assert.is(ag.add(ag.tensor(3, i32), ag.tensor(true)).dtype, 'int32');
    assert.is(ag.exp(ids).dtype, 'float64', 'float functions compute in float64');
    assert.is(ag.mean(ids).dtype, 'float64');
    assert.is(ag.sum(mask).item(), 2);
    assert.is(ag.neg(ids).dtype, 'int32');
    assert.is(ag.abs(ag.tensor([-3], i32)).dtype, 'int32');
    assert.equal(ag.sign(ag.tensor([-3, 0, 5], i32)).toArray(), [-1, 0, 1]);
    assert.is(ag.neg(mask).dtype, 'int32');
    assert.is(ag.pow(ids, 0.5).dtype, 'float64');
  });
});

promotion('two float tensors of different widths are still an error unless one is 0-d', () => {
  ag.tidy(() => {
    assert.throws(() => ag.add(ag.zeros([2]), ag.zeros([2], f64)), (e: Error) => e instanceof ag.DTypeError && /add: operands have different dtypes/.test(e.message));
    assert.is(ag.add(ag.zeros([2]), ag.zeros([], f64)).dtype, 'float32');
  });
});

// ---- integer and boolean arithmetic ----

const arithmetic = suite('int32 and bool arithmetic follow numpy');

/** numpy's int32 results, computed with 32-bit wrapping in JavaScript. */
const wrap = (v: number) => v | 0;
const floorDiv = (a: number, b: number) => (b === 0 ? 0 : wrap(Math.floor(a / b)));
const floorMod = (a: number, b: number) => (b === 0 ? 0 : wrap(a - Math.floor(a / b) * b));
function intPow(a: number, b: number): number {
  let r = 1;
  for (let i = 0; i < b; i++) r = Math.imul(r, a);
  return r;
}

arithmetic('add, sub, mul, maximum, minimum, mod, floor division and pow of int32 wrap like numpy', () => {
  const values = [0, 1, -1, 2, -2, 7, -7, 3, 2147483647, -2147483648, 65536, -65535, 1000003];
  const a: number[] = [];
  const b: number[] = [];
  for (const x of values) for (const y of values) {
    a.push(x);
    b.push(y);
  }
  const refs: [string, (x: ag.Tensor, y: ag.Tensor) => ag.Tensor, (x: number, y: number) => number][] = [
    ['add', ag.add, (x, y) => wrap(x + y)],
    ['sub', ag.sub, (x, y) => wrap(x - y)],
    ['mul', ag.mul, (x, y) => Math.imul(x, y)],
    ['maximum', ag.maximum, Math.max],
    ['minimum', ag.minimum, Math.min],
    ['mod', ag.mod, floorMod],
  ];
  ag.tidy(() => {
    const ta = ag.tensor(a, i32);
    const tb = ag.tensor(b, i32);
    for (const [name, fn, ref] of refs) {
      const got = fn(ta, tb);
      assert.is(got.dtype, 'int32', name);
      const data = got.data();
      for (let i = 0; i < a.length; i++) assert.is(data[i], ref(a[i], b[i]), `${name}(${a[i]}, ${b[i]})`);
      // broadcast: a column against a row (strided, not one flat row)
      const col = ag.reshape(ag.tensor(values, i32), [values.length, 1]);
      const row = ag.tensor(values, i32);
      const bd = fn(col, row).data();
      for (let i = 0; i < values.length; i++) {
        for (let j = 0; j < values.length; j++) assert.is(bd[i * values.length + j], ref(values[i], values[j]), `${name} broadcast`);
      }
    }
    // floor division is the gradient helper of mod: reached through mod's rule only, checked here by its values
    const q = ag.sub(ta, ag.mod(ta, tb)).data();
    for (let i = 0; i < a.length; i++) if (b[i] !== 0) assert.is(q[i], Math.imul(floorDiv(a[i], b[i]), b[i]));
    const base = ag.tensor([2, -3, 0, 1, 46341, -1], i32);
    const exps = ag.tensor([10, 3, 0, 31, 2, 7], i32);
    assert.equal(Array.from(ag.pow(base, exps).data()), [1024, -27, 1, 1, intPow(46341, 2), -1]);
    assert.throws(() => ag.pow(base, ag.tensor([1, -1, 0, 0, 0, 0], i32)), (e: Error) => e instanceof ag.ArgumentError && /pow: integers to negative integer powers/.test(e.message));
    assert.equal(Array.from(ag.neg(ag.tensor([-2147483648, 5], i32)).data()), [-2147483648, -5], 'wraps');
    assert.equal(Array.from(ag.abs(ag.tensor([-2147483648, -5, 5], i32)).data()), [-2147483648, 5, 5]);
  });
});

arithmetic('bool: + and maximum are or, * and minimum are and, - is refused; mod gives int32', () => {
  ag.tidy(() => {
    const p = ag.tensor([true, true, false, false]);
    const q = ag.tensor([true, false, true, false]);
    assert.equal(ag.add(p, q).toArray(), [1, 1, 1, 0]);
    assert.is(ag.add(p, q).dtype, 'bool');
    assert.equal(ag.maximum(p, q).toArray(), [1, 1, 1, 0]);
    assert.equal(ag.mul(p, q).toArray(), [1, 0, 0, 0]);
    assert.equal(ag.minimum(p, q).toArray(), [1, 0, 0, 0]);
    assert.is(ag.mul(p, q).dtype, 'bool');
    assert.equal(ag.mul(ag.reshape(p, [4, 1]), q).shape, [4, 4]);
    const before = held();
    assert.throws(() => ag.sub(p, q), (e: Error) => e instanceof ag.DTypeError && /sub: subtracting bool tensors is not supported/.test(e.message));
    assert.equal(held(), before);
    assert.is(ag.mod(p, ag.tensor([true, true, true, true])).dtype, 'int32');
    assert.equal(ag.sub(p, 1).toArray(), [0, 0, -1, -1], 'bool - integer is int32');
  });
});

arithmetic('ops that have no integer form say so', () => {
  ag.tidy(() => {
    const ids = ag.tensor([[1, 2], [3, 4]], i32);
    const before = held();
    for (const [name, call] of [
      ['matmul', () => ag.matmul(ids, ids)],
      ['softmax', () => ag.softmax(ids)],
      ['axpy', () => ag.axpy(1, ids, ids)],
      ['inv', () => ag.inv(ids)],
    ] as const) {
      assert.throws(call, (e: Error) => e instanceof ag.DTypeError && e.message.startsWith(`${name}:`) && e.message.includes('int32'), name);
    }
    assert.equal(held(), before);
  });
});

// ---- comparisons, where, logical use of masks ----

const masks = suite('comparisons give bool; where takes it');

masks('comparisons of every dtype pair, NaN, broadcasting; bool operands compare as integers', () => {
  ag.tidy(() => {
    const ids = ag.tensor([1, 2, 3, 4, 5], i32);
    assert.equal(ag.greater(ids, 2).toArray(), [0, 0, 1, 1, 1]);
    assert.equal(ag.equal(ids, 2.5).toArray(), [0, 0, 0, 0, 0], 'compared as float64');
    assert.equal(ag.less(ids, ag.tensor([3.5])).toArray(), [1, 1, 1, 0, 0]);
    assert.equal(ag.equal(ag.tensor([true, false]), ag.tensor([true, true])).toArray(), [1, 0]);
    assert.equal(ag.greater(ag.tensor([true, false]), ag.tensor(false)).toArray(), [1, 0]);
    const big = ag.tensor([2147483647, -2147483648, 16777217], i32);
    assert.equal(ag.equal(big, ag.tensor([2147483647, -2147483648, 16777216], i32)).toArray(), [1, 1, 0], 'exact beyond 2^24');
    // SIMD body and tail, broadcast rows, in each float width
    for (const dtype of ['float32', 'float64'] as const) {
      const a = ag.tensor([[1, NaN, 3, 4, 5, 6, 7, 8, 9]], { dtype });
      const b = ag.tensor([[5], [NaN]], { dtype });
      assert.equal(ag.lessEqual(a, b).toArray(), [[1, 0, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0]]);
      assert.equal(ag.notEqual(a, b).toArray(), [[1, 1, 1, 1, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1]]);
    }
  });
});

masks('comparisons and where over long rows: 16-wide SIMD bodies and tails, each operand walking, staying put or strided, every dtype', () => {
  const n = 37;
  const r = (k: number) => Array.from({ length: n }, (_, i) => ((i * 7 + k * 13) % 11) - 5 + (k === 2 && i % 9 === 0 ? NaN : 0));
  const refs: [string, (a: ag.TensorLike, b: ag.TensorLike) => ag.Tensor, (a: number, b: number) => boolean][] = [
    ['equal', ag.equal, (a, b) => a === b], ['notEqual', ag.notEqual, (a, b) => a !== b], ['less', ag.less, (a, b) => a < b],
    ['lessEqual', ag.lessEqual, (a, b) => a <= b], ['greater', ag.greater, (a, b) => a > b], ['greaterEqual', ag.greaterEqual, (a, b) => a >= b],
  ];
  ag.tidy(() => {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      const av = r(1);
      const bv = dtype === 'int32' ? r(3) : r(2);
      const a = ag.tensor(av, { dtype });
      const b = ag.tensor(bv, { dtype });
      const s = ag.tensor(1, { dtype });
      // a strided operand: every other element of a [2n] row
      const wide = ag.tensor(av.flatMap((v) => [v, 99]), { dtype }).reshape([n, 2]);
      for (const [name, fn, ref] of refs) {
        const check = (got: ag.Tensor, want: boolean[], how: string) =>
          assert.equal(Array.from(got.data()), want.map(Number), `${name} ${dtype} ${how}`);
        check(fn(a, b), av.map((v, i) => ref(v, bv[i])), 'both walk');
        check(fn(a, s), av.map((v) => ref(v, 1)), 'b stays');
        check(fn(s, b), bv.map((v) => ref(1, v)), 'a stays');
        check(fn(ag.index(wide, ':', 0), b), av.map((v, i) => ref(v, bv[i])), 'a copied from a strided view');
        check(fn(wide, ag.reshape(b, [n, 1])).index(':', 0), av.map((v, i) => ref(v, bv[i])), 'a walks, b broadcast along rows');
      }
    }
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      const cv = Array.from({ length: n }, (_, i) => (i * 5) % 3 === 0);
      const c = ag.tensor(cv);
      const av = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 : i + 1));
      const bv = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? 1 - (i % 2) : -i));
      const a = ag.tensor(av, { dtype });
      const b = ag.tensor(bv, { dtype });
      assert.equal(Array.from(ag.where(c, a, b).data()), cv.map((t, i) => (t ? av[i] : bv[i])), `where ${dtype}`);
      assert.equal(Array.from(ag.where(c, ag.tensor(1, { dtype }), b).data()), cv.map((t, i) => (t ? 1 : bv[i])), `where ${dtype}, a stays`);
      assert.equal(Array.from(ag.where(ag.tensor(true), a, b).data()), av, `where ${dtype}, cond stays`);
    }
  });
});

masks('where with a bool condition: every dtype of a and b, broadcast, SIMD body and tail', () => {
  ag.tidy(() => {
    const c = ag.tensor([true, false, true, true, false, false, true, false, true, false, true, true, false, true, false, true, true]);
    const n = c.size;
    const idx = Array.from({ length: n }, (_, i) => i);
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      const a = ag.tensor(idx.map((i) => (dtype === 'bool' ? 1 : i + 1)), { dtype });
      const b = ag.tensor(idx.map((i) => (dtype === 'bool' ? 0 : -i)), { dtype });
      const y = ag.where(c, a, b);
      assert.is(y.dtype, dtype);
      const cd = c.data();
      assert.equal(Array.from(y.data()), idx.map((i) => (cd[i] ? (dtype === 'bool' ? 1 : i + 1) : dtype === 'bool' ? 0 : -i)), dtype);
      // scalar branches (stride 0) and a column condition
      assert.equal(Array.from(ag.where(c, ag.tensor(7, { dtype }), b).data()).slice(0, 3), [dtype === 'bool' ? 1 : 7, dtype === 'bool' ? 0 : -1, dtype === 'bool' ? 1 : 7]);
    }
    assert.equal(ag.where(ag.tensor([[true], [false]]), ag.tensor([1, 2, 3], i32), -1).toArray(), [[1, 2, 3], [-1, -1, -1]]);
    assert.is(ag.where(ag.tensor([true]), 1, 0).dtype, 'int32', 'two integers with a bool cond');
    assert.is(ag.where(ag.tensor([true]), 1, 0.5).dtype, 'float64');
    assert.equal(ag.where(ag.tensor([2, 0, NaN], f64), 1, 0).toArray(), [1, 0, 1], 'a float cond is true where nonzero');
    assert.equal(ag.where(ag.tensor([2, 0], i32), ag.tensor([1, 1]), 0).toArray(), [1, 0], 'an int32 cond too');
  });
});

masks('a bool mask scales a float32 tensor without changing its dtype, and the gradient is masked', () => {
  ag.tidy(() => {
    const x = ag.Param(ag.tensor([1, -2, 3]));
    const tape = ag.diff(() => ag.sum(ag.mul(x, ag.greater(x, 0))));
    assert.equal(ag.grad(tape, x)!.toArray(), [1, 0, 1]);
    assert.is(ag.grad(tape, x)!.dtype, 'float32');
    tape.dispose();
    x.dispose();
  });
});

// ---- indices and labels ----

const indices = suite('int32 tensors as indices, ids and labels');

indices('gather, embedding, crossEntropy and nll take int32 tensors; bool ones are refused', () => {
  ag.tidy(() => {
    const table = ag.tensor([[0, 0], [1, 1], [2, 2]]);
    assert.equal(ag.gather(table, ag.tensor([2, 0, 2], i32)).toArray(), [[2, 2], [0, 0], [2, 2]]);
    assert.equal(ag.embedding(table, ag.tensor([[1], [2]], i32)).toArray(), [[[1, 1]], [[2, 2]]]);
    const logits = ag.tensor([[2, 0, 0], [0, 0, 5]]);
    const labels = ag.tensor([0, 2], i32);
    assert.ok(Math.abs(ag.crossEntropy(logits, labels).item() - ag.crossEntropy(logits, [0, 2]).item()) < 1e-7);
    assert.ok(Math.abs(ag.nll(ag.logSoftmax(logits), labels).item() - ag.crossEntropy(logits, [0, 2]).item()) < 1e-6);
    const flags = ag.tensor([true, false]);
    const three = ag.tensor([3], i32);
    const before = held();
    assert.throws(() => ag.gather(table, flags), (e: Error) => e instanceof ag.DTypeError && /gather: indices is a bool tensor/.test(e.message));
    assert.throws(() => ag.gather(table, three), (e: Error) => e instanceof ag.ArgumentError && /out of bounds/.test(e.message));
    assert.equal(held(), before);
  });
});

indices('int32 and bool tensors through the shape and indexing ops', () => {
  ag.tidy(() => {
    for (const dtype of ['int32', 'bool'] as const) {
      const v = (xs: number[]) => (dtype === 'bool' ? xs.map((x) => (x % 2 === 0 ? 0 : 1)) : xs);
      const x = ag.tensor([v([1, 2, 3]), v([4, 5, 6])], { dtype });
      assert.is(ag.transpose(x).dtype, dtype);
      assert.equal(ag.transpose(x).toArray(), [v([1, 4]), v([2, 5]), v([3, 6])]);
      assert.equal(ag.reshape(x, [3, 2]).toArray(), [v([1, 2]), v([3, 4]), v([5, 6])]);
      assert.equal(ag.slice(x, null, [null, null, -1]).toArray(), [v([3, 2, 1]), v([6, 5, 4])]);
      assert.equal(ag.flip(x, 0).toArray(), [v([4, 5, 6]), v([1, 2, 3])]);
      assert.equal(ag.concat([x, x], 1).toArray(), [v([1, 2, 3, 1, 2, 3]), v([4, 5, 6, 4, 5, 6])]);
      assert.equal(ag.stack([x, x]).shape, [2, 2, 3]);
      assert.equal(ag.pad(x, [[0, 0], [1, 0]], 1).toArray(), [[1, ...v([1, 2, 3])], [1, ...v([4, 5, 6])]]);
      assert.equal(ag.broadcastTo(ag.tensor([1, 0], { dtype }), [2, 2]).toArray(), [[1, 0], [1, 0]]);
      assert.equal(ag.tile(ag.tensor([1, 0], { dtype }), 2).toArray(), [1, 0, 1, 0]);
      assert.equal(ag.repeat(ag.tensor([1, 0], { dtype }), 2).toArray(), [1, 1, 0, 0]);
      assert.equal(ag.gather(x, [1, 0], 1).toArray(), [v([2, 1]), v([5, 4])]);
      assert.equal(ag.split(x, 3, 1)[2].toArray(), [v([3]), v([6])]);
      assert.is(ag.squeeze(ag.expandDims(x, 0)).dtype, dtype);
      assert.equal([...x].map((r) => r.dtype), [dtype, dtype]);
    }
  });
});

// ---- never differentiated ----

const nodiff = suite('int32 and bool are never differentiated');

nodiff('an int32 Param has no gradient; an int32 or bool result of diff is a plain value', () => {
  ag.tidy(() => {
    const k = ag.Param(ag.tensor([1, 2, 3], i32));
    const w = ag.Param(ag.tensor([1, 1, 1]));
    const tape = ag.diff(() => ag.sum(ag.mul(ag.mul(k, 2), w)));
    assert.is(ag.grad(tape, k), null);
    assert.equal(ag.grad(tape, w)!.toArray(), [2, 4, 6]);
    tape.dispose();
    const counted = ag.diff(() => ag.sum(ag.mul(ag.greater(w, 0), k)));
    assert.is(counted.value, 6);
    assert.is(ag.grad(counted, w), null);
    assert.is(ag.grad(counted, k), null);
    counted.dispose();
    const asBool = ag.diff(() => ag.greater(ag.sum(w), 0));
    assert.is(asBool.value, 1);
    assert.is(ag.grad(asBool, w), null);
    asBool.dispose();
    const both = ag.diff(() => ag.sum(ag.mul(k, w)));
    assert.ok(ag.params(both)[0] === k && ag.params(both)[1] === w, 'an int32 Param is still one of the Params the tape met');
    both.dispose();
    k.dispose();
    w.dispose();
  });
});

nodiff('every op of the op tables, given int32 and bool inputs, refuses them or agrees with float64; no rule is given one', async () => {
  const dir = new URL('./ops/', import.meta.url);
  let checked = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.table.ts')).sort()) {
    const { cases } = (await import(new URL(file, dir).href)) as { cases: OpCase[] };
    for (const c of cases) {
      for (const dtype of ['int32', 'bool'] as const) {
        ag.tidy(() => {
          ag.seed(5);
          const inputs = c.inputs();
          const asInt = (a: unknown) => (a instanceof ag.Tensor && a.dtype !== 'bool' && a.dtype !== 'int32'
            ? (dtype === 'bool' ? ag.greater(a, 0) : ag.cast(ag.round(ag.mul(a, 3)), 'int32'))
            : a);
          const ints = inputs.map(asInt);
          if (!ints.some((a) => a instanceof ag.Tensor && a.dtype === dtype)) return;
          let expected: ag.Tensor | null = null;
          try {
            expected = c.fn(...ints.map((a) => (a instanceof ag.Tensor && a.dtype === dtype ? ag.cast(a, 'float64') : a)));
          } catch {
            return; // the op refuses these values in float64 too (a singular matrix...)
          }
          const params = ints.map((a) => (a instanceof ag.Tensor && a.dtype === dtype ? ag.Param(a) : a));
          let got: ag.Tensor | null = null;
          const tape = ag.diff(() => {
            try {
              got = c.fn(...params);
            } catch (error) {
              // a DTypeError, or (int32 pow) an error about the values that only integers have
              const ok = error instanceof ag.DTypeError || (error instanceof ag.ArgumentError && /integer/.test(error.message));
              assert.ok(ok, `${c.name} on ${dtype}: refused with ${String(error)}, expected a DTypeError`);
              return 0;
            }
            // a float op's rule never sees an int: every recorded argument that a rule differentiates is float
            const t = activeTapes[activeTapes.length - 1];
            for (const node of t.nodes) {
              if (node.op === null || node.op.name === 'cast') continue;
              node.args.forEach((arg, i) => {
                if (node.parents![i] !== null && arg instanceof ag.Tensor) {
                  assert.ok(arg.dtype === 'float32' || arg.dtype === 'float64', `${c.name} on ${dtype}: ${node.op!.name} recorded a tracked ${arg.dtype} argument`);
                }
              });
            }
            return got.dtype === 'float32' || got.dtype === 'float64' ? ag.sum(got) : 0;
          });
          for (const p of params) if (p instanceof ag.Tensor && ag.isParam(p)) assert.is(ag.grad(tape, p), null, `${c.name} on ${dtype}: no gradient`);
          if (got !== null) {
            const g = got as ag.Tensor;
            assert.equal(g.shape, expected.shape, `${c.name} on ${dtype}: shape`);
            const a = Array.from(ag.cast(g, 'float64').data());
            // bool arithmetic is logical (true + true is true): compare a bool result with the float one's truth
            const e = Array.from(ag.cast(g.dtype === 'bool' ? ag.cast(expected, 'bool') : expected, 'float64').data());
            for (let i = 0; i < e.length; i++) {
              // integer mod by zero is 0, as in numpy, where float64 gives NaN
              const zeroDivisor = g.dtype === 'int32' && a[i] === 0 && Number.isNaN(e[i]);
              const ok = zeroDivisor || Object.is(a[i], e[i]) || (Number.isNaN(a[i]) && Number.isNaN(e[i])) || Math.abs(a[i] - e[i]) <= 1e-5 * Math.max(1, Math.abs(e[i]));
              assert.ok(ok, `${c.name} on ${dtype}: element ${i} is ${a[i]}, the float64 op gives ${e[i]}`);
            }
          }
          tape.dispose();
          for (const p of params) if (p instanceof ag.Tensor && ag.isParam(p)) p.dispose();
          if (got === null) return;
          checked++;
        });
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} op/dtype pairs accepted int32 or bool inputs`);
});

make.run();
casts.run();
promotion.run();
arithmetic.run();
masks.run();
indices.run();
nodiff.run();
