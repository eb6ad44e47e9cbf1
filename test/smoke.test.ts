import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

test('the seed interface block', () => {
  const x = ag.Param([1, 2, 3]);
  assert.is(ag.sum(ag.abs2, x).item(), 14);
  const y = ag.diff(() => ag.sum(ag.abs2, x));
  assert.is(ag.value(y), 14);
  assert.equal(ag.grad(y, x)!.toArray(), [2, 4, 6]);
  y.dispose();
});

test('a failing example is counted', () => {
  assert.is(1, 1);
});

test.run();
