// Random integers: randint and permutation, from the library's one seeded
// generator (random.ts), drawn without modulo bias, so `ag.seed(n)` gives
// the same numbers in Node and in browsers. Results are int32 tensors.

import type { Tensor } from './tensor';
import { tensor } from './create';
import { ArgumentError, describe } from './errors';
import { checkShape, shapeSize } from './shape';
import { nextUint32 } from './random';

/** A uniform integer in [0, n), 1 ≤ n ≤ 2^32: rejection sampling on 32-bit draws. */
function below(n: number): number {
  const limit = Math.floor(0x100000000 / n) * n;
  let u = nextUint32();
  while (u >= limit) u = nextUint32();
  return u % n;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * Uniform random integers in [low, high) of the given shape, as int32
 * (PyTorch's `randint(low, high, size)`; low and high must fit int32, high
 * > low). Seeded by `ag.seed`.
 *
 * @example
 * ag.seed(1);
 * ag.randint(0, 10, [2, 3]).toArray(); // [[8, 1, 1], [9, 6, 8]] (int32)
 */
export function randint(low: number, high: number, shape: readonly number[]): Tensor {
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX + 1) {
      throw new ArgumentError(`randint: ${name} must be an integer in [-2^31, 2^31], got ${describe(v)}`);
    }
  }
  if (!(high > low)) throw new ArgumentError(`randint: high must be greater than low, got low ${low} and high ${high}`);
  const s = checkShape('randint', shape);
  const out = new Int32Array(shapeSize(s));
  const span = high - low;
  for (let i = 0; i < out.length; i++) out[i] = low + below(span);
  return tensor(out, { shape: s, dtype: 'int32' });
}

/**
 * A random permutation of 0, 1, ..., n-1 (numpy's `permutation(n)`), as an
 * int32 vector; every ordering equally likely (Fisher–Yates). Seeded by
 * `ag.seed`.
 *
 * @example
 * ag.seed(1);
 * ag.permutation(5).toArray(); // [2, 4, 3, 1, 0]
 */
export function permutation(n: number): Tensor {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > INT32_MAX) {
    throw new ArgumentError(`permutation: n must be a non-negative integer, got ${describe(n)}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = below(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return tensor(out, { shape: [n], dtype: 'int32' });
}
