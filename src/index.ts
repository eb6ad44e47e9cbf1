// The public API of autograd-wasm, and nothing else.

export { ready } from './wasm/index';
export { setThreads, threads } from './wasm/pool';
export { Tensor, detach, type TensorLike, type NestedArray, type TensorArray } from './runtime/tensor';
export { tensor, zeros, ones, full, rand, randn, arange, linspace, eye, type TensorOptions, type TensorData, type NestedBooleans } from './runtime/create';
export { tidy, keep } from './runtime/tidy';
export { type DType, type FloatDType, type DTypeOptions } from './runtime/dtype';
export { memory, resetPeak, type MemoryInfo } from './runtime/storage';
export { seed } from './runtime/random';
export { randint, permutation } from './runtime/sample';
export { AutogradError, ShapeError, DTypeError, DisposedError, NotReadyError, OutOfMemoryError, ArgumentError } from './runtime/errors';
export { Tape, primitive, zerograd, multiPrimitive, Param, isParam, value, diff, grad, gradloss, params, type GradRule, type Cotangents } from './core/index';
export type { Gradient, GradFn, GradLossFn, Differentiable, GradOptions } from './core/diff';
export { SparseGradient } from './runtime/sparse';
export { vjp, jvp, linearize, jacobian, jacrev, jacfwd, hessian, hvp } from './core/index';
export type { Transformable, Cotangent, Tangents, Pullback, Linearized, Jacobian, JacobianFn, HessianFn, HvpFn } from './core/transforms';
export * from './ops/index';
export * from './debug/index';
export * as nn from './nn/index';
export { sgd, adam, rmsprop, gradNorm, type Optimizer, type GradientsOf, type OptimizerState, type OptimizerStateData, type SGDOptions, type AdamOptions, type RMSpropOptions } from './optim/index';
export { stateDict, loadStateDict, saveState, loadState, type StateDict, type StateEntry } from './state';
