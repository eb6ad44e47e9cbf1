export { Tape, type Node } from './tape';
export { primitive, zerograd, multiPrimitive, type GradRule, type MultiGradRule, type Primitive, type MultiPrimitive, type Cotangents } from './primitive';
export { Param, isParam, value, diff, grad, gradloss, params } from './diff';
export { vjp, jvp, linearize, jacobian, jacrev, jacfwd, hessian, hvp } from './transforms';
