// Elementwise math. One line of calculus per op.

import type { Tensor, TensorLike } from '../tensor';
import { primitive } from '../core/primitive';
import { asTensor, unaryForward } from './util';
import { add, div, mul, sub } from './arithmetic';

const expOp = primitive('exp', (x: Tensor) => unaryForward('exp', 'exp', x), (dy, y) => mul(dy, y));
const logOp = primitive('log', (x: Tensor) => unaryForward('log', 'log', x), (dy, _y, x: Tensor) => div(dy, x));
const sqrtOp = primitive('sqrt', (x: Tensor) => unaryForward('sqrt', 'sqrt', x), (dy, y) => div(dy, mul(y, 2)));
const tanhOp = primitive('tanh', (x: Tensor) => unaryForward('tanh', 'tanh', x), (dy, y) => mul(dy, sub(1, mul(y, y))));
const abs2Op = primitive('abs2', (x: Tensor) => mul(x, x), (dy, _y, x: Tensor) => mul(dy, add(x, x)));

/** Elementwise e^x. @example ag.exp(ag.tensor([0, 1])) // [1, 2.718...] */
export function exp(x: TensorLike): Tensor {
  return expOp(asTensor('exp', x, 'float64'));
}
/** Elementwise natural logarithm (NaN for negative inputs, -Infinity at 0). @example ag.log(ag.tensor([1])) */
export function log(x: TensorLike): Tensor {
  return logOp(asTensor('log', x, 'float64'));
}
/** Elementwise square root; its gradient at 0 is Infinity. @example ag.sqrt(ag.tensor([4])) // [2] */
export function sqrt(x: TensorLike): Tensor {
  return sqrtOp(asTensor('sqrt', x, 'float64'));
}
/** Elementwise hyperbolic tangent. @example ag.tanh(ag.tensor([0])) // [0] */
export function tanh(x: TensorLike): Tensor {
  return tanhOp(asTensor('tanh', x, 'float64'));
}
/** Elementwise x², AutoGrad.jl's `abs2`. @example ag.abs2(ag.tensor([-3])) // [9] */
export function abs2(x: TensorLike): Tensor {
  return abs2Op(asTensor('abs2', x, 'float64'));
}
