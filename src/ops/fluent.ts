// Installs the fluent methods declared on Tensor (x.add(y), x.sum(0)...).

import { Tensor, type DType, type TensorLike } from '../tensor';
import { add, div, mul, neg, sub } from './arithmetic';
import { abs2, exp, log, sqrt, tanh } from './unary';
import { mean, sum, type Axis } from './reduce';
import { matmul } from './linalg';
import { broadcastTo, cast, reshape, transpose } from './shape';

type Methods = { [K in keyof Tensor]?: Tensor[K] };

const methods: Methods = {
  add(this: Tensor, b: TensorLike) { return add(this, b); },
  sub(this: Tensor, b: TensorLike) { return sub(this, b); },
  mul(this: Tensor, b: TensorLike) { return mul(this, b); },
  div(this: Tensor, b: TensorLike) { return div(this, b); },
  neg(this: Tensor) { return neg(this); },
  exp(this: Tensor) { return exp(this); },
  log(this: Tensor) { return log(this); },
  sqrt(this: Tensor) { return sqrt(this); },
  tanh(this: Tensor) { return tanh(this); },
  abs2(this: Tensor) { return abs2(this); },
  sum(this: Tensor, axis?: Axis, keepdims?: boolean) { return sum(this, axis, keepdims); },
  mean(this: Tensor, axis?: Axis, keepdims?: boolean) { return mean(this, axis, keepdims); },
  matmul(this: Tensor, b: Tensor, options?: { transposeA?: boolean; transposeB?: boolean }) { return matmul(this, b, options); },
  reshape(this: Tensor, shape: number[]) { return reshape(this, shape); },
  transpose(this: Tensor, perm?: number[]) { return transpose(this, perm); },
  broadcastTo(this: Tensor, shape: number[]) { return broadcastTo(this, shape); },
  cast(this: Tensor, dtype: DType) { return cast(this, dtype); },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
