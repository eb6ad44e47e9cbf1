// The op library, and the wiring core/ needs from it. One file per family;
// each op is primitive(forward, ...rules) with its kernel in assembly/<family>.ts.

import { ones } from '../runtime/create';
import { hooks } from '../core/hooks';
import { add } from './arithmetic';
import './fluent';

hooks.accumulate = (a, b) => add(a, b);
hooks.onesLike = (t) => ones(t.shape.slice(), { dtype: t.dtype });

export * from './arithmetic';
export * from './compare';
export * from './unary';
export * from './special';
export * from './reduce';
export * from './linalg';
export * from './shape';
export * from './indexing';
export * from './nn';
export { unbroadcast } from './broadcast';
export { axpy } from './inplace';
