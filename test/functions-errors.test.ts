// Bad input to the functions of issue 14: each error names the function and
// what was wrong, and leaves memory as it was (the generic checks, a
// non-tensor or disposed first argument, are in bad-input.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

function rejects(name: string, call: () => unknown, what: RegExp): void {
  const before = ag.memory().liveTensors;
  const bytes = ag.memory().bytesInUse;
  let error: unknown = null;
  try {
    ag.tidy(() => {
      call();
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ag.AutogradError, `${name}: expected an AutogradError, got ${String(error)}`);
  const message = (error as Error).message;
  assert.ok(message.startsWith(`${name}:`), `${name}: the message should start with the function's name: "${message}"`);
  assert.match(message, what, `${name}: "${message}"`);
  assert.is(ag.memory().liveTensors, before, `${name}: live tensors`);
  assert.is(ag.memory().bytesInUse, bytes, `${name}: bytes in use`);
}

const m = () => ag.tensor([[1, 2], [3, 4]]);
const cases: [string, () => unknown, RegExp][] = [
  ['besselJ', () => ag.besselJ(1.5, m()), /order n must be an integer/],
  ['besselJ', () => ag.besselJ(2, 'x' as never), /must be a Tensor/],
  ['einsum', () => ag.einsum('ij,jk->ik', m()), /2 operand subscript\(s\) but 1 tensor/],
  ['einsum', () => ag.einsum('ijk->i', m()), /subscripts 'ijk' \(3 axes\) but shape \[2, 2\]/],
  ['einsum', () => ag.einsum('ij,jk->ik', m(), ag.ones([3, 2])), /index 'j' has size 2 in one place and 3/],
  ['einsum', () => ag.einsum('...i->i', m()), /ellipsis/],
  ['einsum', () => ag.einsum('ij->ii', m()), /output index 'i' appears twice/],
  ['einsum', () => ag.einsum('ij->k', m()), /output index 'k' does not appear/],
  ['einsum', () => ag.einsum('i1->i', m()), /must be letters/],
  ['einsum', () => ag.einsum(3 as never, m()), /subscripts string/],
  ['einsum', () => ag.einsum('ij,jk', m(), ag.ones([2, 2], { dtype: 'float64' })), /different dtypes/],
  ['sort', () => ag.sort(ag.tensor(3)), /0-d/],
  ['sort', () => ag.sort(m(), 2), /axis 2 is out of range/],
  ['sort', () => ag.sort(m(), -1, { descending: 'yes' as never }), /descending must be a boolean/],
  ['cumsum', () => ag.cumsum(m(), 2), /axis 2 is out of range/],
  ['cumprod', () => ag.cumprod(m(), [0, 1] as never), /axis must be one integer/],
  ['logBase', () => ag.logBase(m(), ag.ones([3])), /cannot be broadcast/],
  ['beta', () => ag.beta(m(), ag.ones([3])), /cannot be broadcast/],
  ['rem', () => ag.rem(m(), ag.ones([2, 2], { dtype: 'float64' })), /different dtypes/],
  ['lbeta', () => ag.lbeta(m(), 'b' as never), /must be a Tensor|Tensor or a number/],
  ['bernoulli', () => ag.bernoulli(0.5 as never), /must be a Tensor/],
  ['mse', () => ag.mse(m(), m(), { reduction: 'avg' as never }), /reduction must be 'mean', 'sum' or 'none'/],
  ['binaryCrossEntropy', () => ag.binaryCrossEntropy(m(), m(), 3 as never), /options must be an object/],
];

const test = suite('issue 14 functions: errors name the function and leave nothing');
for (const [name, call, what] of cases) test(`${name}: ${what.source}`, () => rejects(name, call, what));
test.run();

const more = suite('issue 14 functions with int32 results: errors');
const moreCases: [string, () => unknown, RegExp][] = [
  ['argsort', () => ag.argsort(ag.tensor(1)), /0-d/],
  ['topk', () => ag.topk(m(), 3), /k must be an integer from 0 to 2/],
  ['topk', () => ag.topk(m(), 1, { axis: 2 }), /axis 2 is out of range/],
  ['topk', () => ag.topk(m(), 1, { largest: 1 as never }), /largest must be a boolean/],
  ['multinomial', () => ag.multinomial(ag.ones([2, 2, 2]), 1), /vector \[C\] or a matrix \[N, C\]/],
  ['multinomial', () => ag.multinomial(ag.ones([3]), -1), /numSamples must be a non-negative integer/],
  ['multinomial', () => ag.multinomial(ag.tensor([1, NaN]), 1), /finite and non-negative/],
  ['categorical', () => ag.categorical(ag.tensor(1)), /last axis of at least one class/],
  ['count', () => ag.count(m(), 3), /axis 3 is out of range/],
  ['all', () => ag.all(m(), 0, 'yes' as never), /keepdims must be a boolean/],
];
for (const [name, call, what] of moreCases) more(`${name}: ${what.source}`, () => rejects(name, call, what));
more.run();
