// Tensor creation, read-back and validation, as a specification: what
// tensor(), zeros()... accept, the values they hold, the properties they
// report, and the errors (and absence of leaks) when given something wrong.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

// ---- helpers ----

type ErrorClass = new (...args: never[]) => Error;

/** The counters a failed call must leave exactly as they were. */
function held(): { liveTensors: number; bytesInUse: number; buffers: number } {
  const m = ag.memory();
  return { liveTensors: m.liveTensors, bytesInUse: m.bytesInUse, buffers: m.buffers };
}

/**
 * Runs `fn`, which must throw an `expected` (an AutogradError subclass) whose
 * message mentions every fragment, and must leave memory as it found it.
 */
function throwsCleanly(fn: () => unknown, expected: ErrorClass, fragments: (string | RegExp)[], label = ''): Error {
  const before = held();
  let caught: unknown = undefined;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  const after = held();
  const where = label === '' ? '' : `${label}: `;
  if (caught === undefined) assert.unreachable(`${where}expected ${expected.name}, nothing was thrown`);
  const err = caught as Error;
  assert.ok(err instanceof ag.AutogradError, `${where}expected an AutogradError, got ${String(err && err.name)}: ${String(err && err.message)}`);
  assert.ok(err instanceof expected, `${where}expected ${expected.name}, got ${err.name}: ${err.message}`);
  assert.is(err.name, expected.name, `${where}error.name`);
  for (const f of fragments) {
    const ok = typeof f === 'string' ? err.message.includes(f) : f.test(err.message);
    assert.ok(ok, `${where}message ${JSON.stringify(err.message)} should mention ${String(f)}`);
  }
  assert.equal(after, before, `${where}a failed call must leave memory unchanged`);
  return err;
}

const f32 = (xs: number[]): number[] => xs.map(Math.fround);

/** Reads a tensor, disposes it, returns [shape, dtype, values]. */
function consume(t: ag.Tensor): { shape: number[]; dtype: string; values: ag.NestedArray } {
  const out = { shape: t.shape.slice(), dtype: t.dtype, values: t.toArray() };
  t.dispose();
  return out;
}

// ---- tensor() from JavaScript data ----

const fromData = suite('tensor(): from numbers, nested arrays and typed arrays');

fromData('a number makes a 0-d float32 tensor', () => {
  const t = ag.tensor(3.5);
  assert.equal(t.shape, []);
  assert.is(t.ndim, 0);
  assert.is(t.size, 1);
  assert.is(t.dtype, 'float32');
  assert.is(t.item(), 3.5);
  assert.is(t.toArray(), 3.5, 'toArray of a 0-d tensor is a number');
  assert.ok(t.data() instanceof Float32Array);
  assert.equal(Array.from(t.data()), [3.5]);
  t.dispose();
});

fromData('nested arrays of rank 1 to 4 keep their shape and values', () => {
  const cases: [ag.NestedArray, number[]][] = [
    [[1, 2, 3], [3]],
    [[[1, 2, 3], [4, 5, 6]], [2, 3]],
    [[[[1], [2]], [[3], [4]], [[5], [6]]], [3, 2, 1]],
    [[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[9, 10], [11, 12]], [[13, 14], [15, 16]]]], [2, 2, 2, 2]],
  ];
  for (const [data, shape] of cases) {
    const t = ag.tensor(data);
    assert.equal(t.shape, shape, `shape of ${JSON.stringify(data)}`);
    assert.is(t.ndim, shape.length);
    assert.is(t.size, shape.reduce((a, b) => a * b, 1));
    assert.is(t.dtype, 'float32');
    assert.equal(t.toArray(), data, 'toArray gives back the nested array');
    assert.equal(Array.from(t.data()), (data as unknown[]).flat(Infinity), 'data() is row-major');
    t.dispose();
  }
});

fromData('empty arrays make tensors with zero-length axes', () => {
  const a = ag.tensor([]);
  assert.equal(a.shape, [0]);
  assert.is(a.size, 0);
  assert.equal(a.toArray(), []);
  assert.is(a.data().length, 0);
  a.dispose();
  const b = ag.tensor([[], []]);
  assert.equal(b.shape, [2, 0]);
  assert.equal(b.toArray(), [[], []]);
  b.dispose();
});

fromData('float32 values are rounded exactly as Math.fround rounds them', () => {
  const values = [0.1, 1 / 3, Math.PI, -2.5e-8, 123456789, 1e-45, 3.4e38, 1e39, -1e39, 16777217];
  const t = ag.tensor(values);
  assert.equal(Array.from(t.data()), f32(values));
  assert.equal(t.toArray(), f32(values));
  t.dispose();
  const s = ag.tensor(0.1);
  assert.is(s.item(), Math.fround(0.1));
  s.dispose();
});

fromData('float64 keeps every bit of a double', () => {
  const values = [0.1, 1 / 3, Math.PI, -2.5e-300, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE];
  const t = ag.tensor(values, { dtype: 'float64' });
  assert.is(t.dtype, 'float64');
  assert.ok(t.data() instanceof Float64Array);
  assert.equal(Array.from(t.data()), values);
  assert.equal(t.toArray(), values);
  t.dispose();
  const s = ag.tensor(0.1, { dtype: 'float64' });
  assert.is(s.dtype, 'float64');
  assert.is(s.item(), 0.1);
  s.dispose();
  const m = ag.tensor([[0.1, 0.2], [0.3, 1 / 7]], { dtype: 'float64' });
  assert.equal(m.toArray(), [[0.1, 0.2], [0.3, 1 / 7]]);
  m.dispose();
});

fromData('special values survive the round trip: -0, ±Infinity, NaN', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const t = ag.tensor([-0, Infinity, -Infinity, NaN], { dtype });
    const d = t.data();
    assert.ok(Object.is(d[0], -0), `${dtype}: -0 stays -0`);
    assert.is(d[1], Infinity);
    assert.is(d[2], -Infinity);
    assert.ok(Number.isNaN(d[3]), `${dtype}: NaN stays NaN`);
    t.dispose();
  }
});

fromData('typed arrays: Float32Array -> float32, Float64Array -> float64', () => {
  const a = ag.tensor(new Float32Array([1.5, -2, 0.1]));
  assert.is(a.dtype, 'float32');
  assert.equal(a.shape, [3]);
  assert.equal(Array.from(a.data()), f32([1.5, -2, 0.1]));
  a.dispose();
  const b = ag.tensor(new Float64Array([1.5, -2, 0.1]));
  assert.is(b.dtype, 'float64');
  assert.equal(Array.from(b.data()), [1.5, -2, 0.1]);
  b.dispose();
});

fromData('integer typed arrays but Int32Array become float32 with their values; Int32Array becomes int32', () => {
  const cases: [string, ArrayLike<number> & ArrayBufferView][] = [
    ['Int8Array', new Int8Array([-128, 0, 127])],
    ['Uint8Array', new Uint8Array([0, 1, 255])],
    ['Uint8ClampedArray', new Uint8ClampedArray([0, 128, 255])],
    ['Int16Array', new Int16Array([-32768, 5, 32767])],
    ['Uint16Array', new Uint16Array([0, 7, 65535])],
    ['Uint32Array', new Uint32Array([0, 9, 4294967295])],
  ];
  for (const [name, arr] of cases) {
    const t = ag.tensor(arr as unknown as Int32Array);
    assert.is(t.dtype, 'float32', `${name} -> float32`);
    assert.equal(t.shape, [3], name);
    assert.equal(Array.from(t.data()), f32(Array.from(arr)), name);
    t.dispose();
  }
  const exact = ag.tensor(new Int32Array([-2147483648, 2147483647]), { dtype: 'float64' });
  assert.equal(Array.from(exact.data()), [-2147483648, 2147483647], 'float64 holds every int32 exactly');
  exact.dispose();
  const ints = ag.tensor(new Int32Array([-2147483648, 3, 2147483647]));
  assert.is(ints.dtype, 'int32');
  assert.ok(ints.data() instanceof Int32Array);
  assert.equal(Array.from(ints.data()), [-2147483648, 3, 2147483647]);
  ints.dispose();
});

fromData('an explicit dtype overrides the typed array kind', () => {
  const a = ag.tensor(new Float64Array([0.1, 0.2]), { dtype: 'float32' });
  assert.is(a.dtype, 'float32');
  assert.equal(Array.from(a.data()), f32([0.1, 0.2]));
  a.dispose();
  const b = ag.tensor(new Float32Array([0.1, 0.2]), { dtype: 'float64' });
  assert.is(b.dtype, 'float64');
  assert.equal(Array.from(b.data()), f32([0.1, 0.2]), 'upcasting a float32 value is exact');
  b.dispose();
});

fromData('{shape} gives flat data a shape (typed arrays, flat arrays, numbers)', () => {
  const a = ag.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
  assert.equal(a.shape, [2, 3]);
  assert.equal(a.toArray(), [[1, 2, 3], [4, 5, 6]]);
  a.dispose();
  const b = ag.tensor([1, 2, 3, 4, 5, 6], { shape: [3, 1, 2], dtype: 'float64' });
  assert.equal(b.shape, [3, 1, 2]);
  assert.is(b.dtype, 'float64');
  assert.equal(b.toArray(), [[[1, 2]], [[3, 4]], [[5, 6]]]);
  b.dispose();
  const c = ag.tensor([[1, 2], [3, 4]], { shape: [4] });
  assert.equal(c.toArray(), [1, 2, 3, 4]);
  c.dispose();
  const d = ag.tensor(7, { shape: [1, 1] });
  assert.equal(d.shape, [1, 1]);
  assert.equal(d.toArray(), [[7]]);
  assert.is(d.item(), 7, 'item works on any one-element tensor');
  d.dispose();
  const e = ag.tensor([5], { shape: [] });
  assert.equal(e.shape, []);
  assert.is(e.toArray(), 5);
  e.dispose();
});

fromData('the tensor does not alias the caller\'s arrays', () => {
  const src = new Float32Array([1, 2, 3]);
  const shape = [3];
  const t = ag.tensor(src, { shape });
  src[0] = 99;
  shape[0] = 1;
  assert.equal(Array.from(t.data()), [1, 2, 3], 'later writes to the source do not show');
  assert.equal(t.shape, [3], 'later writes to the shape array do not show');
  const d = t.data();
  d[1] = 42;
  assert.equal(Array.from(t.data()), [1, 2, 3], 'data() is a copy');
  const nested = t.toArray() as number[];
  nested[2] = 42;
  assert.equal(t.toArray(), [1, 2, 3], 'toArray() is a copy');
  t.dispose();
  const zshape = [2, 2];
  const z = ag.zeros(zshape);
  zshape[0] = 5;
  assert.equal(z.shape, [2, 2], 'zeros copies its shape argument');
  z.dispose();
});

// ---- tensor() from another tensor ----

const fromTensor = suite('tensor(): copies of tensors');

fromTensor('copies data into a new buffer that outlives the source', () => {
  const src = ag.tensor([[1, 2], [3, 4]]);
  const before = held();
  const copy = ag.tensor(src);
  const after = held();
  assert.is(after.liveTensors - before.liveTensors, 1);
  assert.is(after.bytesInUse - before.bytesInUse, 16, 'a copy holds its own bytes');
  assert.is.not(copy, src);
  assert.equal(copy.shape, [2, 2]);
  assert.is(copy.dtype, 'float32');
  ag.axpy(1, src, src); // src *= 2, in place
  assert.equal(copy.toArray(), [[1, 2], [3, 4]], 'an in-place write to the source does not reach the copy');
  src.dispose();
  assert.equal(copy.toArray(), [[1, 2], [3, 4]], 'the copy survives the source');
  copy.dispose();
});

fromTensor('keeps the dtype unless told otherwise', () => {
  const a = ag.tensor([0.1, 0.2], { dtype: 'float64' });
  const same = ag.tensor(a);
  assert.is(same.dtype, 'float64');
  assert.equal(Array.from(same.data()), [0.1, 0.2]);
  const down = ag.tensor(a, { dtype: 'float32' });
  assert.is(down.dtype, 'float32');
  assert.equal(Array.from(down.data()), f32([0.1, 0.2]));
  const up = ag.tensor(down, { dtype: 'float64' });
  assert.is(up.dtype, 'float64');
  assert.equal(Array.from(up.data()), f32([0.1, 0.2]));
  // an odd length exercises the scalar tail of the SIMD cast kernels
  const odd = ag.tensor([1.25, 2.5, 0.1, -3, 7, 1e-7, 9], { dtype: 'float64' });
  const oddDown = ag.tensor(odd, { dtype: 'float32' });
  assert.equal(Array.from(oddDown.data()), f32([1.25, 2.5, 0.1, -3, 7, 1e-7, 9]));
  const oddUp = ag.tensor(oddDown, { dtype: 'float64' });
  assert.equal(Array.from(oddUp.data()), f32([1.25, 2.5, 0.1, -3, 7, 1e-7, 9]));
  for (const t of [a, same, down, up, odd, oddDown, oddUp]) t.dispose();
});

fromTensor('{shape} reshapes the copy; 0-d tensors copy too', () => {
  const a = ag.arange(6);
  const b = ag.tensor(a, { shape: [3, 2] });
  assert.equal(b.shape, [3, 2]);
  assert.equal(b.toArray(), [[0, 1], [2, 3], [4, 5]]);
  assert.equal(a.shape, [6], 'the source keeps its shape');
  const s = ag.tensor(ag.tidy(() => ag.tensor(2.5)));
  assert.equal(s.shape, []);
  assert.is(s.item(), 2.5);
  for (const t of [a, b, s]) t.dispose();
});

// ---- creation functions ----

const creators = suite('zeros ones full rand randn arange linspace eye');

creators('zeros, ones, full hold their value, in both dtypes', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const z = consume(ag.zeros([2, 3], { dtype }));
    assert.equal(z, { shape: [2, 3], dtype, values: [[0, 0, 0], [0, 0, 0]] });
    const o = consume(ag.ones([3], { dtype }));
    assert.equal(o, { shape: [3], dtype, values: [1, 1, 1] });
    const f = consume(ag.full([2, 2], 7, { dtype }));
    assert.equal(f, { shape: [2, 2], dtype, values: [[7, 7], [7, 7]] });
    const tenth = dtype === 'float32' ? Math.fround(0.1) : 0.1;
    // 37 elements: the SIMD fill loop and its scalar tail both run
    const g = consume(ag.full([37], 0.1, { dtype }));
    assert.equal(g.values, new Array(37).fill(tenth));
  }
  const d = ag.zeros([4]);
  assert.is(d.dtype, 'float32', 'dtype defaults to float32');
  d.dispose();
  const e = consume(ag.ones([]));
  assert.equal(e, { shape: [], dtype: 'float32', values: 1 });
  const empty = consume(ag.zeros([3, 0]));
  assert.equal(empty, { shape: [3, 0], dtype: 'float32', values: [[], [], []] });
});

creators('arange(stop), arange(start, stop), arange(start, stop, step)', () => {
  assert.equal(consume(ag.arange(5)).values, [0, 1, 2, 3, 4]);
  assert.equal(consume(ag.arange(2, 5)).values, [2, 3, 4]);
  assert.equal(consume(ag.arange(1, 2, 0.25)).values, [1, 1.25, 1.5, 1.75]);
  assert.equal(consume(ag.arange(5, 0, -2)).values, [5, 3, 1]);
  assert.equal(consume(ag.arange(0, 1, 0.3)).values, f32([0, 0.3, 0.6, 0.8999999999999999]));
  assert.equal(consume(ag.arange(0)), { shape: [0], dtype: 'float32', values: [] });
  assert.equal(consume(ag.arange(3, 1)).values, [], 'an empty range when stop is behind start');
  const a = ag.arange(0, 1, 0.1, { dtype: 'float64' });
  assert.is(a.dtype, 'float64');
  assert.equal(a.shape, [10]);
  assert.equal(Array.from(a.data()), Array.from({ length: 10 }, (_, i) => 0.1 * i));
  a.dispose();
});

creators('linspace includes both ends', () => {
  assert.equal(consume(ag.linspace(0, 1, 5)), { shape: [5], dtype: 'float32', values: [0, 0.25, 0.5, 0.75, 1] });
  assert.equal(consume(ag.linspace(2, -2, 3)).values, [2, 0, -2]);
  assert.equal(consume(ag.linspace(3, 9, 0)).values, []);
  const t = ag.linspace(0, 1, 7, { dtype: 'float64' });
  assert.is(t.dtype, 'float64');
  const d = t.data();
  assert.is(d[0], 0);
  assert.is(d[6], 1, 'the last value is exactly stop');
  for (let i = 1; i < 6; i++) assert.ok(Math.abs(d[i] - i / 6) < 1e-15, `linspace[${i}]`);
  t.dispose();
});

creators('linspace(start, stop, 1) is [start], as in numpy', () => {
  assert.equal(consume(ag.linspace(3, 9, 1)).values, [3]);
});

creators('eye(n) is the identity', () => {
  assert.equal(consume(ag.eye(3)), { shape: [3, 3], dtype: 'float32', values: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
  assert.equal(consume(ag.eye(1, { dtype: 'float64' })), { shape: [1, 1], dtype: 'float64', values: [[1]] });
  assert.equal(consume(ag.eye(0)).shape, [0, 0]);
});

creators('rand: uniform in [0, 1), float32 and float64', () => {
  ag.seed(1234);
  const t = ag.rand([100, 100]);
  assert.equal(t.shape, [100, 100]);
  assert.is(t.dtype, 'float32');
  const d = t.data();
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  for (const v of d) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    total += v;
  }
  assert.ok(min >= 0, `min ${min} >= 0`);
  assert.ok(max < 1, `max ${max} < 1`);
  assert.ok(min < 0.001 && max > 0.999, 'covers the interval');
  assert.ok(Math.abs(total / d.length - 0.5) < 0.015, `mean ${total / d.length} ~ 0.5`);
  t.dispose();
  const u = ag.rand([1000], { dtype: 'float64' });
  assert.is(u.dtype, 'float64');
  const du = u.data();
  assert.ok(du.every((v) => v >= 0 && v < 1));
  assert.ok(du.some((v) => Math.fround(v) !== v), 'float64 draws are not float32 values');
  u.dispose();
});

creators('rand float32 never returns 1 (doubles just below 1 round up to 1 in float32)', () => {
  // With this seed the 284th draw is 0.9999999924880523, which Math.fround
  // rounds to exactly 1, outside [0, 1).
  ag.seed(45517);
  const t = ag.rand([284]);
  const d = t.data();
  t.dispose();
  let max = 0;
  for (const v of d) max = Math.max(max, v);
  assert.ok(max < 1, `rand([284]) after seed(45517) has max ${max}, expected < 1`);
});

creators('randn: mean ~ 0 and std ~ 1 over 10,000 samples, both dtypes', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    ag.seed(99);
    const t = ag.randn([10000], { dtype });
    assert.is(t.dtype, dtype);
    const d = t.data();
    t.dispose();
    let mean = 0;
    for (const v of d) mean += v;
    mean /= d.length;
    let variance = 0;
    for (const v of d) variance += (v - mean) ** 2;
    const std = Math.sqrt(variance / (d.length - 1));
    assert.ok(Math.abs(mean) < 0.05, `${dtype} mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.04, `${dtype} std ${std}`);
    assert.ok(d.every(Number.isFinite), 'all finite');
    assert.ok(d.some((v) => v < -2.5) && d.some((v) => v > 2.5), 'has tails');
  }
});

creators('seed(n) makes rand and randn reproducible; different seeds differ', () => {
  const draw = (n: number) => {
    ag.seed(n);
    const a = ag.rand([5]);
    const b = ag.randn([3]); // odd count: a spare normal is left over
    const c = ag.randn([4], { dtype: 'float64' });
    const out = [Array.from(a.data()), Array.from(b.data()), Array.from(c.data())];
    a.dispose();
    b.dispose();
    c.dispose();
    return out;
  };
  const first = draw(7);
  const again = draw(7);
  assert.equal(again, first, 'same seed, same numbers (including after a leftover normal)');
  const other = draw(8);
  assert.not.equal(other[0], first[0], 'different seeds, different rand');
  assert.not.equal(other[2], first[2], 'different seeds, different randn');
  ag.seed(7);
  const x = ag.rand([5]);
  const y = ag.rand([5]);
  assert.not.equal(Array.from(y.data()), Array.from(x.data()), 'the generator advances between calls');
  x.dispose();
  y.dispose();
});

// ---- read-back ----

const readBack = suite('properties and read-back');

readBack('shape, size, ndim and dtype', () => {
  const cases: [() => ag.Tensor, number[], string][] = [
    [() => ag.tensor(1), [], 'float32'],
    [() => ag.zeros([4], { dtype: 'float64' }), [4], 'float64'],
    [() => ag.ones([2, 3, 4]), [2, 3, 4], 'float32'],
    [() => ag.randn([1, 2, 1, 3], { dtype: 'float64' }), [1, 2, 1, 3], 'float64'],
    [() => ag.eye(5), [5, 5], 'float32'],
    [() => ag.zeros([0, 7]), [0, 7], 'float32'],
  ];
  for (const [make, shape, dtype] of cases) {
    const t = make();
    assert.equal(t.shape, shape);
    assert.is(t.ndim, shape.length);
    assert.is(t.size, shape.reduce((a, b) => a * b, 1));
    assert.is(t.dtype, dtype);
    assert.is(t.data().length, t.size);
    assert.ok(t instanceof ag.Tensor);
    t.dispose();
  }
});

readBack('item() reads the single element of any one-element tensor', () => {
  const a = ag.tensor([[[-4.5]]]);
  assert.is(a.item(), -4.5);
  const b = ag.full([1], 0.1, { dtype: 'float64' });
  assert.is(b.item(), 0.1);
  const c = ag.tensor([1, 2, 3]).sum();
  assert.is(c.item(), 6);
  for (const t of [a, b, c]) t.dispose();
});

// ---- validation ----

const validation = suite('validation: errors name the function and the problem, and leak nothing');

validation('ragged nested arrays', () => {
  throwsCleanly(() => ag.tensor([[1, 2], [3]]), ag.ArgumentError, ['tensor', 'ragged', 'length 1', 'expected 2']);
  throwsCleanly(() => ag.tensor([[1, 2], 3] as unknown as number[][]), ag.ArgumentError, ['tensor', 'ragged']);
  throwsCleanly(() => ag.tensor([1, [2]] as unknown as number[]), ag.ArgumentError, ['tensor', 'ragged']);
  throwsCleanly(() => ag.tensor([[[1], [2]], [[3], [4, 5]]]), ag.ArgumentError, ['tensor', 'ragged']);
});

validation('non-numeric data', () => {
  throwsCleanly(() => ag.tensor(['a'] as unknown as number[]), ag.ArgumentError, ['tensor', 'string']);
  throwsCleanly(() => ag.tensor([null] as unknown as number[]), ag.ArgumentError, ['tensor', 'null']);
  throwsCleanly(() => ag.tensor([{}] as unknown as number[]), ag.ArgumentError, ['tensor', 'Object']);
  throwsCleanly(() => ag.tensor([[1, 2], [3, undefined]] as unknown as number[][]), ag.ArgumentError, ['tensor', 'undefined']);
  throwsCleanly(() => ag.tensor('abc' as unknown as number), ag.ArgumentError, ['tensor', 'string']);
  throwsCleanly(() => ag.tensor(undefined as unknown as number), ag.ArgumentError, ['tensor', 'undefined']);
  throwsCleanly(() => ag.tensor({ length: 2 } as unknown as number[]), ag.ArgumentError, ['tensor']);
  throwsCleanly(() => ag.tensor(new BigInt64Array(2) as unknown as number[]), ag.ArgumentError, ['tensor']);
});

validation('unknown dtypes, in every creation function', () => {
  for (const bad of ['int64', 'float16']) {
    const dtype = bad as ag.DType;
    const cases: [string, () => unknown][] = [
      ['tensor', () => ag.tensor([1, 2], { dtype })],
      ['tensor', () => ag.tensor(new Float32Array(2), { dtype })],
      ['zeros', () => ag.zeros([2], { dtype })],
      ['ones', () => ag.ones([2], { dtype })],
      ['full', () => ag.full([2], 3, { dtype })],
      ['rand', () => ag.rand([2], { dtype })],
      ['randn', () => ag.randn([2], { dtype })],
      ['arange', () => ag.arange(0, 3, 1, { dtype })],
      ['linspace', () => ag.linspace(0, 1, 3, { dtype })],
      ['eye', () => ag.eye(2, { dtype })],
    ];
    for (const [name, fn] of cases) {
      throwsCleanly(fn, ag.DTypeError, [`${name}:`, bad, 'float32', 'float64', 'int32', 'bool'], `${name} dtype ${bad}`);
    }
  }
  const src = ag.ones([2]);
  throwsCleanly(() => ag.tensor(src, { dtype: 'int64' as ag.DType }), ag.DTypeError, ['tensor', 'int64']);
  src.dispose();
});

validation('bad shapes for zeros, ones, full, rand, randn', () => {
  const shapes: [unknown, string][] = [
    [[2, -1], 'negative'],
    [[NaN], 'NaN'],
    [[2.5, 2], 'non-integer'],
    [[Infinity], 'infinite'],
    [['2'], 'a string entry'],
    [3, 'a number, not an array'],
    ['[2,3]', 'a string'],
    [undefined, 'undefined'],
    [null, 'null'],
  ];
  const makers: [string, (s: number[]) => unknown][] = [
    ['zeros', (s) => ag.zeros(s)],
    ['ones', (s) => ag.ones(s)],
    ['full', (s) => ag.full(s, 1)],
    ['rand', (s) => ag.rand(s)],
    ['randn', (s) => ag.randn(s)],
  ];
  for (const [name, make] of makers) {
    for (const [shape, what] of shapes) {
      throwsCleanly(() => make(shape as number[]), ag.ArgumentError, [`${name}:`, 'shape'], `${name}(${what})`);
    }
  }
  throwsCleanly(() => ag.zeros([2 ** 16, 2 ** 16]), ag.ArgumentError, ['zeros', 'shape', '2^31'], 'too many elements');
  throwsCleanly(() => ag.tensor([1, 2], { shape: [-2] }), ag.ArgumentError, ['tensor', 'shape']);
  throwsCleanly(() => ag.full([2], '1' as unknown as number), ag.ArgumentError, ['full', 'value', 'string']);
});

validation('shape and data size mismatch', () => {
  throwsCleanly(() => ag.tensor([1, 2, 3], { shape: [2, 2] }), ag.ShapeError, ['tensor', '[2, 2]', '4', '3']);
  throwsCleanly(() => ag.tensor(new Float32Array(6), { shape: [4, 2] }), ag.ShapeError, ['tensor', '[4, 2]', '8', '6']);
  throwsCleanly(() => ag.tensor(5, { shape: [2] }), ag.ShapeError, ['tensor', '[2]']);
  const src = ag.ones([2, 3]);
  throwsCleanly(() => ag.tensor(src, { shape: [5] }), ag.ShapeError, ['tensor', '[5]', '6']);
  src.dispose();
});

validation('item() on a tensor that is not one element', () => {
  const t = ag.ones([2, 3]);
  throwsCleanly(() => t.item(), ag.ShapeError, ['item', '[2, 3]', '6 elements']);
  t.dispose();
  const e = ag.zeros([0]);
  throwsCleanly(() => e.item(), ag.ShapeError, ['item', '[0]']);
  e.dispose();
});

validation('arange, linspace and eye arguments', () => {
  throwsCleanly(() => ag.arange(0, 5, 0), ag.ArgumentError, ['arange', 'step', '0']);
  throwsCleanly(() => ag.arange(NaN), ag.ArgumentError, ['arange', 'NaN']);
  throwsCleanly(() => ag.arange(0, Infinity), ag.ArgumentError, ['arange', 'stop', 'Infinity']);
  throwsCleanly(() => ag.arange(0, 1, NaN), ag.ArgumentError, ['arange', 'step']);
  throwsCleanly(() => ag.arange(0, 1e10, 1), ag.ArgumentError, ['arange', 'too many']);
  throwsCleanly(() => ag.linspace(0, 1, -1), ag.ArgumentError, ['linspace', 'num', '-1']);
  throwsCleanly(() => ag.linspace(0, 1, 2.5), ag.ArgumentError, ['linspace', 'num', '2.5']);
  throwsCleanly(() => ag.linspace(0, NaN, 3), ag.ArgumentError, ['linspace', 'stop']);
  throwsCleanly(() => ag.eye(-1), ag.ArgumentError, ['eye', 'n', '-1']);
  throwsCleanly(() => ag.eye(1.5), ag.ArgumentError, ['eye', '1.5']);
  throwsCleanly(() => ag.eye('3' as unknown as number), ag.ArgumentError, ['eye', 'string']);
});

validation('options must be an object', () => {
  throwsCleanly(() => ag.tensor([1], 'float64' as unknown as ag.TensorOptions), ag.ArgumentError, ['tensor', 'options']);
  throwsCleanly(() => ag.zeros([1], 'float64' as unknown as ag.DTypeOptions), ag.ArgumentError, ['zeros', 'options']);
});

validation('every error class is an AutogradError and an Error', () => {
  for (const E of [ag.ShapeError, ag.DTypeError, ag.DisposedError, ag.ArgumentError, ag.OutOfMemoryError, ag.NotReadyError]) {
    const e = new E('x');
    assert.ok(e instanceof ag.AutogradError, E.name);
    assert.ok(e instanceof Error, E.name);
    assert.is(e.name, E.name);
  }
});

fromData.run();
fromTensor.run();
creators('seed takes integers only, and seeds beyond 32 bits are not folded onto small ones', () => {
  for (const bad of ['a', NaN, 1.5, Infinity, undefined]) {
    assert.throws(() => ag.seed(bad as unknown as number), /^ArgumentError|seed: expected an integer/);
  }
  const draw = (n: number) => {
    ag.seed(n);
    return ag.rand([4]).toArray();
  };
  assert.equal(draw(7), draw(7));
  assert.not.equal(draw(2 ** 32 + 1), draw(1));
  assert.not.equal(draw(-1), draw(2 ** 32 - 1));
});

creators.run();
readBack('a Tensor in JavaScript arithmetic or comparisons throws (not NaN); in strings it formats', () => {
  const t = ag.tensor([1, 2]);
  const loss = ag.tensor(3);
  assert.throws(() => (loss as unknown as number) * 2, /a float32 Tensor of shape \[\] was used as a JavaScript number.*\.item\(\)/);
  assert.throws(() => (t as unknown as number) > 0, /shape \[2\] was used as a JavaScript number/);
  assert.is('t = ' + t, `t = ${t.toString()}`);
  assert.is(`${loss}`, loss.toString());
  // Inside an enclosing grad, gradloss's loss is a 0-d Tensor (documented): arithmetic on it says so.
  ag.grad((x: ag.Tensor) => {
    const [g, l] = ag.gradloss((z: ag.Tensor) => ag.sum(ag.mul(z, z)))(x);
    assert.ok((l as unknown) instanceof ag.Tensor);
    assert.throws(() => l * 2, /used as a JavaScript number/);
    return ag.sum(g);
  })(ag.tensor([1, 2]));
});

readBack.run();
validation.run();
