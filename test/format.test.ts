// How tensors print: t.toString() and console.log(t) in Node (util.inspect)
// show the values, dtype and shape, numpy-style, never internal fields.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import * as ag from '../src/index';

const format = suite('format');

format('a matrix: rows aligned under each other, then dtype and shape', () => {
  const t = ag.tensor([[1, 2.5, 3], [4, 5, -6]]);
  assert.is(String(t), 'Tensor([[ 1.0,  2.5,  3.0],\n        [ 4.0,  5.0, -6.0]], dtype=float32, shape=[2, 3])');
  t.dispose();
});

format('console.log(t) in Node prints the same text, not the internal fields', () => {
  const t = ag.tensor([1, 2, 3], { dtype: 'float64' });
  assert.is(inspect(t), 'Tensor([1, 2, 3], dtype=float64, shape=[3])');
  assert.is(inspect(t), t.toString());
  assert.not.match(inspect(t), /_storage|_ptr|_owner/);
  // inside an object, as console.log({ t }) shows it
  assert.is(inspect({ t }), '{ t: Tensor([1, 2, 3], dtype=float64, shape=[3]) }');
  t.dispose();
});

format('with colours, only the numbers are coloured: stripping the codes gives the plain text', () => {
  const t = ag.tensor([[1.5, -2], [3, 4]]);
  const coloured = inspect(t, { colors: true });
  assert.match(coloured, /\x1b\[33m 1\.5\x1b\[39m/);
  assert.is(coloured.replace(/\x1b\[\d+m/g, ''), String(t));
  t.dispose();
});

format('beyond inspect depth, a one-line summary like [Object]', () => {
  const t = ag.zeros([2, 3]);
  assert.is(inspect({ a: t }, { depth: 0 }), '{ a: [Tensor float32 [2, 3]] }');
  t.dispose();
});

format('a scalar, an empty tensor, a disposed tensor, a Param', () => {
  const s = ag.tensor(3.25, { dtype: 'float64' });
  assert.is(String(s), 'Tensor(3.25, dtype=float64, shape=[])');
  const e = ag.zeros([0, 3]);
  assert.is(String(e), 'Tensor([], dtype=float32, shape=[0, 3])');
  const d = ag.ones([2]);
  d.dispose();
  assert.is(String(d), 'Tensor(<disposed>, dtype=float32, shape=[2])');
  const p = ag.Param([[1, 2], [3, 4]]);
  assert.is(String(p), 'Param([[1, 2],\n       [3, 4]], dtype=float32, shape=[2, 2])');
  for (const t of [s, e, p]) t.dispose();
});

format('float32 values print as the decimals they were written with, not their binary expansion', () => {
  const t = ag.tensor([0.1, 0.25, 3]);
  assert.is(String(t), 'Tensor([0.10, 0.25, 3.00], dtype=float32, shape=[3])');
  t.dispose();
});

format('very large or very small magnitudes switch to scientific notation; NaN and Infinity print as such', () => {
  const t = ag.tensor([1e-6, 1, 1e9], { dtype: 'float64' });
  assert.is(String(t), 'Tensor([1.0000e-6, 1.0000e+0, 1.0000e+9], dtype=float64, shape=[3])');
  const u = ag.tensor([NaN, Infinity, -1.5]);
  assert.is(String(u), 'Tensor([     NaN, Infinity,     -1.5], dtype=float32, shape=[3])');
  t.dispose();
  u.dispose();
});

format('three axes: a blank line between matrices, columns aligned', () => {
  const t = ag.reshape(ag.arange(8), [2, 2, 2]);
  assert.is(String(t), 'Tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]], dtype=float32, shape=[2, 2, 2])');
  t.dispose();
});

format('more than 1000 elements: the first and last three of each axis, with ...', () => {
  const v = ag.arange(2000);
  assert.is(String(v), 'Tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=float32, shape=[2000])');
  const m = ag.reshape(ag.arange(1200), [40, 30]);
  const lines = String(m).split('\n');
  assert.is(lines.length, 7, String(m));
  assert.is(lines[0], 'Tensor([[   0,    1,    2, ...,   27,   28,   29],');
  assert.is(lines[3], '        ...,');
  assert.is(lines[6], '        [1170, 1171, 1172, ..., 1197, 1198, 1199]], dtype=float32, shape=[40, 30])');
  v.dispose();
  m.dispose();
});

format('long rows wrap at 80 columns and keep every value', () => {
  ag.seed(3);
  const t = ag.randn([100]);
  const text = String(t);
  for (const line of text.split('\n').slice(0, -1)) assert.ok(line.length <= 80, `line of ${line.length} columns: ${line}`);
  const printed = text.match(/-?\d+\.\d+/g)!.map(Number);
  const data = Array.from(t.data());
  assert.is(printed.length, 100);
  printed.forEach((v, i) => assert.ok(Math.abs(v - data[i]) <= 5e-5, `value ${i}: printed ${v}, is ${data[i]}`));
  t.dispose();
});

format('printing reads values without allocating or recording anything', () => {
  const x = ag.Param([1, 2, 3]);
  const before = ag.memory().liveTensors;
  const tape = ag.diff(() => {
    const y = ag.mul(x, 2);
    String(y);
    inspect(y);
    return ag.sum(y);
  });
  assert.is(tape.toString().split('\n').length, 3, tape.toString());
  tape.dispose();
  assert.is(ag.memory().liveTensors, before);
  x.dispose();
});

format.run();
