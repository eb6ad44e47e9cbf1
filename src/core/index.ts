export { Tape, type Node } from './tape';
export { primitive, zerograd, type GradRule, type Primitive } from './primitive';
export { Param, isParam, value, diff, grad, gradloss, params } from './diff';
