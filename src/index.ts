// The public API of autograd-wasm, and nothing else.

export { ready } from './wasm/index';
export {
  Tensor, tensor, zeros, ones, full, rand, randn, arange, linspace, eye, tidy, keep, detach,
  type DType, type DTypeOptions, type TensorOptions, type TensorData, type TensorLike, type NestedArray,
} from './tensor';
export { memory, resetPeak, type MemoryInfo } from './memory';
export { seed } from './random';
export {
  AutogradError, ShapeError, DTypeError, DisposedError, NotReadyError, OutOfMemoryError, ArgumentError,
} from './errors';
export { Tape, primitive, zerograd, Param, isParam, value, diff, grad, gradloss, params, type GradRule } from './core/index';
export type { Gradient, GradFn, GradLossFn, Differentiable } from './core/diff';
export * from './ops/index';
export * from './debug/index';
export * as nn from './nn/index';
export { sgd, adam, rmsprop, gradNorm, type Optimizer, type SGDOptions, type AdamOptions, type RMSpropOptions } from './optim/index';
