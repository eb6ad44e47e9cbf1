// Every op family (the public op API is src/ops/index.ts, which adds the
// wiring core/ needs).
export * from './arithmetic';
export * from './compare';
export * from './unary';
export * from './special';
export * from './elementary';
export * from './bessel';
export * from './sort';
export * from './einsum';
export * from './random';
export * from './reduce';
export * from './linalg';
export * from './shape';
export * from './indexing';
export * from './nn';
export { axpy } from './inplace';
export * from './conv';
export * from './factor';
