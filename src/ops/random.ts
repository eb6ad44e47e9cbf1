// Sampling from distributions given by tensors: bernoulli (and, with int32
// results, multinomial and categorical). Every draw comes from the library's
// one seeded generator (src/runtime/random.ts), in JavaScript, so `ag.seed(n)`
// makes the samples the same in Node and in browsers. Samples are constants
// on every tape: no gradient flows through a draw.

import { empty, type Tensor } from '../runtime/tensor';
import { heapF32, heapF64 } from '../wasm/index';
import { nextDouble } from '../runtime/random';
import { checkTensor } from './args';
import { custom, op } from './define';

/**
 * Elementwise coin flips: 1 with probability p (a tensor of probabilities
 * in [0, 1]), 0 otherwise, in p's dtype (PyTorch's `bernoulli`). A
 * probability outside [0, 1] or NaN gives NaN. Seeded by `ag.seed`; a
 * constant on the tape.
 *
 * @example
 * ag.seed(0);
 * ag.bernoulli(ag.full([6], 0.5)).toArray(); // [0, 1, 1, 1, 0, 0]
 */
export const bernoulli = op({
  name: 'bernoulli',
  args: custom((op: string, p: Tensor): [Tensor] => [checkTensor(op, p, 'p')]),
  forward: (p) => {
    const probs = p.data();
    const out = empty(p.shape.slice(), p.dtype, 'bernoulli');
    const values = p.dtype === 'float32' ? new Float32Array(p.size) : new Float64Array(p.size);
    for (let i = 0; i < p.size; i++) {
      const q = probs[i];
      values[i] = q >= 0 && q <= 1 ? (nextDouble() < q ? 1 : 0) : NaN;
    }
    if (p.dtype === 'float32') heapF32().set(values, out._ptr >>> 2);
    else heapF64().set(values, out._ptr >>> 3);
    return out;
  },
}).constant();
