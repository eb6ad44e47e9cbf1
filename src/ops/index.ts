// The op library, and the wiring core/ needs from it.

import { ones } from '../tensor';
import { hooks } from '../core/hooks';
import { add, mul } from './arithmetic';
import { setScale } from './reduce';
import './fluent';

hooks.accumulate = (a, b) => add(a, b);
hooks.onesLike = (t) => ones(t.shape.slice(), { dtype: t.dtype });
setScale((t, k) => mul(t, k));

export { add, sub, mul, div, neg } from './arithmetic';
export { exp, log, sqrt, tanh, abs2 } from './unary';
export { sum, mean, type Axis, type ElementwiseFn } from './reduce';
export { matmul } from './linalg';
export { reshape, broadcastTo, transpose, cast } from './shape';
export { unbroadcast } from './broadcast';
export { axpy } from './inplace';
