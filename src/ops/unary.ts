// Elementwise math. One line of calculus per op.

import type { Tensor } from '../tensor';
import { primitive } from '../core/primitive';
import { checkTensor, unaryForward } from './util';
import { add, div, mul, sub } from './arithmetic';

const expOp = primitive('exp', (x: Tensor) => unaryForward('exp', 'exp', x), (dy, y) => mul(dy, y));
const logOp = primitive('log', (x: Tensor) => unaryForward('log', 'log', x), (dy, _y, x: Tensor) => div(dy, x));
const sqrtOp = primitive('sqrt', (x: Tensor) => unaryForward('sqrt', 'sqrt', x), (dy, y) => div(dy, mul(y, 2)));
const tanhOp = primitive('tanh', (x: Tensor) => unaryForward('tanh', 'tanh', x), (dy, y) => mul(dy, sub(1, mul(y, y))));
const abs2Op = primitive('abs2', (x: Tensor) => mul(x, x), (dy, _y, x: Tensor) => mul(dy, add(x, x)));

/** Elementwise e^x. @example ag.exp(ag.tensor([0, 1])) // [1, 2.718...] */
export function exp(x: Tensor): Tensor {
  return expOp(checkTensor('exp', x));
}
/** Elementwise natural logarithm (NaN for negative inputs, -Infinity at 0). @example ag.log(ag.tensor([1])) */
export function log(x: Tensor): Tensor {
  return logOp(checkTensor('log', x));
}
/** Elementwise square root; its gradient at 0 is Infinity. @example ag.sqrt(ag.tensor([4])) // [2] */
export function sqrt(x: Tensor): Tensor {
  return sqrtOp(checkTensor('sqrt', x));
}
/** Elementwise hyperbolic tangent. @example ag.tanh(ag.tensor([0])) // [0] */
export function tanh(x: Tensor): Tensor {
  return tanhOp(checkTensor('tanh', x));
}
/** Elementwise x², AutoGrad.jl's `abs2`. @example ag.abs2(ag.tensor([-3])) // [9] */
export function abs2(x: Tensor): Tensor {
  return abs2Op(checkTensor('abs2', x));
}
