// Broadcasting arithmetic. Each rule reads as calculus; unbroadcast folds
// gradients back to each operand's shape.

import type { Tensor, TensorLike } from '../tensor';
import { primitive } from '../core/primitive';
import { asTensor, binaryForward, coercePair, unaryForward } from './util';
import { unbroadcast } from './broadcast';

const addOp = primitive(
  'add',
  (a: Tensor, b: Tensor) => binaryForward('add', a, b),
  (dy, _y, a: Tensor) => unbroadcast(a, dy),
  (dy, _y, _a: Tensor, b: Tensor) => unbroadcast(b, dy),
);

const subOp = primitive(
  'sub',
  (a: Tensor, b: Tensor) => binaryForward('sub', a, b),
  (dy, _y, a: Tensor) => unbroadcast(a, dy),
  (dy, _y, _a: Tensor, b: Tensor) => unbroadcast(b, neg(dy)),
);

const mulOp = primitive(
  'mul',
  (a: Tensor, b: Tensor) => binaryForward('mul', a, b),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(a, mul(dy, b)),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(b, mul(dy, a)),
);

const divOp = primitive(
  'div',
  (a: Tensor, b: Tensor) => binaryForward('div', a, b),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(a, div(dy, b)),
  (dy, y, _a: Tensor, b: Tensor) => unbroadcast(b, neg(mul(dy, div(y, b)))),
);

const negOp = primitive(
  'neg',
  (x: Tensor) => unaryForward('neg', 'neg', x),
  (dy) => neg(dy),
);

/** Elementwise `a + b` with broadcasting. @example ag.add(ag.tensor([1, 2]), 1).toArray() // [2, 3] */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return addOp(...coercePair('add', a, b));
}

/** Elementwise `a - b` with broadcasting. @example ag.sub(ag.tensor([1, 2]), 1).toArray() // [0, 1] */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return subOp(...coercePair('sub', a, b));
}

/** Elementwise `a * b` with broadcasting. @example ag.mul(ag.tensor([1, 2]), 3).toArray() // [3, 6] */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return mulOp(...coercePair('mul', a, b));
}

/** Elementwise `a / b` with broadcasting. @example ag.div(1, ag.tensor([2, 4])).toArray() // [0.5, 0.25] */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return divOp(...coercePair('div', a, b));
}

/** Elementwise `-x`. @example ag.neg(ag.tensor([1, -2])).toArray() // [-1, 2] */
export function neg(x: TensorLike): Tensor {
  return negOp(asTensor('neg', x, 'float64'));
}
