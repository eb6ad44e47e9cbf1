// Installs the fluent methods declared on Tensor: x.add(y), x.sum(0), ...
// Each calls the op of the same name with the tensor first.

import { Tensor } from '../runtime/tensor';
import * as arithmetic from './arithmetic';
import * as compare from './compare';
import * as unary from './unary';
import * as special from './special';
import * as reduce from './reduce';
import * as linalg from './linalg';
import * as shape from './shape';
import * as indexing from './indexing';
import * as nn from './nn';

type AnyOp = (x: Tensor, ...rest: never[]) => unknown;

const names: [Record<string, unknown>, string[]][] = [
  [arithmetic, ['add', 'sub', 'mul', 'div', 'neg', 'pow', 'maximum', 'minimum', 'atan2', 'hypot', 'mod']],
  [compare, ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'isnan', 'isfinite']],
  [unary, [
    'exp', 'log', 'sqrt', 'tanh', 'abs2', 'abs', 'sign', 'cbrt', 'exp2', 'expm1', 'log2', 'log10', 'log1p', 'reciprocal',
    'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'sigmoid', 'relu', 'softplus',
    'gelu', 'floor', 'ceil', 'round', 'trunc', 'elu', 'clamp',
  ]],
  [special, ['erf', 'erfc', 'erfinv', 'lgamma', 'digamma', 'trigamma']],
  [reduce, ['sum', 'mean', 'prod', 'max', 'min', 'logsumexp', 'variance', 'std', 'norm', 'argmax', 'argmin']],
  [linalg, ['matmul', 'dot', 'outer', 'kron', 'diag', 'trace', 'tril', 'triu', 'inv', 'det', 'logdet', 'solve']],
  [shape, ['reshape', 'flatten', 'squeeze', 'expandDims', 'transpose', 'broadcastTo', 'tile', 'repeat', 'cast']],
  [nn, ['softmax', 'logSoftmax', 'crossEntropy', 'nll', 'mse', 'binaryCrossEntropy', 'conv2d', 'maxPool2d', 'avgPool2d', 'dropout', 'layerNorm']],
  [indexing, ['slice', 'gather', 'flip', 'pad', 'split', 'unstack']],
];

for (const [module, list] of names) {
  for (const name of list) {
    const op = module[name] as AnyOp | undefined;
    if (typeof op !== 'function') throw new Error(`autograd-wasm internal error: fluent method ${name} has no op`);
    Object.defineProperty(Tensor.prototype, name, {
      value: function (this: Tensor, ...rest: never[]) {
        return op(this, ...rest);
      },
      writable: true,
      configurable: true,
    });
  }
}

Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  value: function* (this: Tensor) {
    yield* indexing.unstack(this, 0);
  },
  writable: true,
  configurable: true,
});
