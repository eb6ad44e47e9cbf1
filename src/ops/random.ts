// Sampling from distributions given by tensors: bernoulli, multinomial and
// categorical (int32 category indices); randint and permutation, which take
// no tensor, are in runtime/sample.ts. Every draw comes from the library's
// one seeded generator (src/runtime/random.ts), in JavaScript, so `ag.seed(n)`
// makes the samples the same in Node and in browsers. Samples are constants
// on every tape: no gradient flows through a draw.

import { empty, type Tensor } from '../runtime/tensor';
import { tensor } from '../runtime/create';
import { ArgumentError, ShapeError, describe } from '../runtime/errors';
import { shapeString } from '../runtime/shape';
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

/** Probabilities as float64 rows [rows, c] from a tensor [c] or [rows, c], each checked. */
function probabilityRows(op: string, what: string, p: Tensor): { rows: Float64Array[]; c: number } {
  if (p.ndim !== 1 && p.ndim !== 2) throw new ShapeError(`${op}: ${what} must be a vector [C] or a matrix [N, C], got shape ${shapeString(p.shape)}`);
  const c = p.shape[p.ndim - 1];
  const data = Float64Array.from(p.data());
  const rows: Float64Array[] = [];
  for (let r = 0; r < data.length / Math.max(c, 1); r++) rows.push(data.subarray(r * c, (r + 1) * c));
  return { rows, c };
}

/** One draw from weights w (non-negative, positive sum), by the inverse of the cumulative sum. */
function drawFrom(w: Float64Array, total: number): number {
  const u = nextDouble() * total;
  let acc = 0;
  let last = -1;
  for (let i = 0; i < w.length; i++) {
    if (w[i] <= 0) continue;
    acc += w[i];
    last = i;
    if (u < acc) return i;
  }
  return last; // u landed in the rounding of the total
}

/** Options of `multinomial`. */
export interface MultinomialOptions {
  /** Draw with replacement (default false: each category at most once, as PyTorch). */
  replacement?: boolean;
}

function multinomialArgs(op: string, probs: Tensor, numSamples: number, options?: MultinomialOptions): [Tensor, number, boolean] {
  checkTensor(op, probs, 'probs');
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new ArgumentError(`${op}: options must be an object like { replacement: true }, got ${describe(options)}`);
  const replacement = options?.replacement ?? false;
  if (typeof replacement !== 'boolean') throw new ArgumentError(`${op}: replacement must be a boolean, got ${describe(replacement)}`);
  if (typeof numSamples !== 'number' || !Number.isInteger(numSamples) || numSamples < 0) {
    throw new ArgumentError(`${op}: numSamples must be a non-negative integer, got ${describe(numSamples)}`);
  }
  const { rows } = probabilityRows(op, 'probs', probs);
  rows.forEach((w, r) => {
    let total = 0;
    let positive = 0;
    for (const v of w) {
      if (!(v >= 0) || v === Infinity) throw new ArgumentError(`${op}: probs must be finite and non-negative, got ${v} in row ${r}`);
      total += v;
      if (v > 0) positive++;
    }
    if (!(total > 0)) throw new ArgumentError(`${op}: row ${r} of probs sums to 0; every row needs a positive weight`);
    if (!replacement && numSamples > positive) {
      throw new ArgumentError(`${op}: cannot draw ${numSamples} samples without replacement from row ${r}, which has ${positive} categories of positive probability`);
    }
  });
  return [probs, numSamples, replacement];
}

/**
 * Draws `numSamples` category indices from each row of `probs` ([C], or [N,
 * C] for N independent rows), weighted by the probabilities (non-negative,
 * need not sum to 1; PyTorch's `multinomial`). Without replacement (the
 * default) each category is drawn at most once. Returns int32 indices
 * [numSamples] or [N, numSamples]. Seeded by `ag.seed`.
 *
 * @example
 * ag.seed(0);
 * ag.multinomial(ag.tensor([0.1, 0, 0.9]), 2).toArray();                  // [2, 0]
 * ag.multinomial(ag.tensor([0.5, 0.5]), 4, { replacement: true }).shape;   // [4]
 */
export const multinomial = op({
  name: 'multinomial', args: custom(multinomialArgs),
  forward: (probs, numSamples, replacement): Tensor => {
    const { rows } = probabilityRows('multinomial', 'probs', probs);
    const out = new Int32Array(rows.length * numSamples);
    rows.forEach((w0, r) => {
      const w = Float64Array.from(w0);
      let total = w.reduce((s, v) => s + v, 0);
      for (let k = 0; k < numSamples; k++) {
        const i = drawFrom(w, total);
        out[r * numSamples + k] = i;
        if (!replacement) {
          w[i] = 0;
          total = w.reduce((s, v) => s + v, 0);
        }
      }
    });
    return tensor(out, { shape: probs.ndim === 1 ? [numSamples] : [rows.length, numSamples], dtype: 'int32' });
  },
}).constant();

/**
 * One category per row drawn from softmax(logits) along the last axis
 * (jax's `random.categorical`): int32 indices of shape logits.shape without
 * its last axis. The probabilities are computed in float64 (the maximum
 * subtracted first, so large logits are fine). Seeded by `ag.seed`.
 *
 * @example
 * ag.seed(0);
 * ag.categorical(ag.tensor([[0, 0, 10], [10, 0, 0]])).toArray(); // [2, 0]
 */
export const categorical = op({
  name: 'categorical',
  args: custom((op: string, logits: Tensor): [Tensor] => {
    checkTensor(op, logits, 'logits');
    if (logits.ndim === 0 || logits.shape[logits.ndim - 1] === 0) throw new ShapeError(`${op}: logits must have a last axis of at least one class, got shape ${shapeString(logits.shape)}`);
    return [logits];
  }),
  forward: (logits): Tensor => {
    const c = logits.shape[logits.ndim - 1];
    const data = Float64Array.from(logits.data());
    const out = new Int32Array(data.length / c);
    for (let r = 0; r < out.length; r++) {
      const row = data.subarray(r * c, (r + 1) * c);
      const m = row.reduce((a, b) => Math.max(a, b), -Infinity);
      const w = row.map((v) => (m === Infinity ? (v === Infinity ? 1 : 0) : Math.exp(v - m)));
      const total = w.reduce((s, v) => s + v, 0);
      out[r] = total > 0 ? drawFrom(w, total) : 0;
    }
    return tensor(out, { shape: logits.shape.slice(0, -1), dtype: 'int32' });
  },
}).constant();
