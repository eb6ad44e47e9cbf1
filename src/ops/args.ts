// Checking and converting the public arguments of ops: tensors must be live,
// numbers become 0-d tensors made for the one call (temporaries), pairs of
// operands meet at one dtype, integer lists (indices, labels) are read once.
// Gradient rules skip all of this: their arguments are known good.

import { Tensor, checkLive, markTemporary, type TensorLike } from '../runtime/tensor';
import { tensor } from '../runtime/create';
import type { DType } from '../runtime/dtype';
import { ArgumentError, DTypeError, describe } from '../runtime/errors';
import { shapeString } from '../runtime/shape';
import { rawOps } from './define';

/** Checks `x` is a live Tensor; names the op and the argument otherwise. */
export function checkTensor(op: string, x: unknown, name = 'x'): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
  checkLive(x, op);
  return x;
}

/** A tensor for a tensor-or-number argument; numbers become 0-d tensors of `dtype`. */
export function asTensor(op: string, x: unknown, dtype: DType, name = 'x'): Tensor {
  if (typeof x === 'number') return temporary(x, dtype);
  return checkTensor(op, x, name);
}

/** A 0-d tensor for a number argument, freed after the op when nothing needs it. */
export function temporary(x: number, dtype: DType): Tensor {
  const t = tensor(x, { dtype });
  markTemporary(t);
  return t;
}

/** A dtype cast made for one call (a 0-d operand meeting a tensor of another dtype); recorded like any cast. */
function castTemp(x: Tensor, dtype: DType): Tensor {
  return markTemporary(rawOps.cast(x, dtype));
}

/**
 * Two operands of one dtype. Numbers take the other operand's dtype (two
 * numbers make float64, as JavaScript numbers are doubles); a 0-d tensor
 * takes the dtype of a non-scalar operand (cast differentiably); two 0-d
 * tensors of different dtypes meet at float64; two non-scalar tensors of
 * different dtypes are an error rather than a silent promotion.
 */
export function coercePair(op: string, a: unknown, b: unknown): [Tensor, Tensor] {
  const ta = typeof a === 'number' ? null : checkTensor(op, a, 'a');
  const tb = typeof b === 'number' ? null : checkTensor(op, b, 'b');
  if (ta === null && tb === null) return [temporary(a as number, 'float64'), temporary(b as number, 'float64')];
  if (ta === null) return [temporary(a as number, tb!.dtype), tb!];
  if (tb === null) return [ta, temporary(b as number, ta.dtype)];
  if (ta.dtype === tb.dtype) return [ta, tb];
  if (ta.ndim === 0 && tb.ndim === 0) {
    return ta.dtype === 'float64' ? [ta, castTemp(tb, 'float64')] : [castTemp(ta, 'float64'), tb];
  }
  if (tb.ndim === 0) return [ta, castTemp(tb, ta.dtype)];
  if (ta.ndim === 0) return [castTemp(ta, tb.dtype), tb];
  throw new DTypeError(
    `${op}: operands have different dtypes (${ta.dtype} ${shapeString(ta.shape)} and ${tb.dtype} ${shapeString(tb.shape)}); ` +
      'cast one with ag.cast(x, dtype) first',
  );
}

/**
 * The operands of a binary op called from a gradient rule: known-good
 * tensors of one dtype, or numbers, which take the other operand's dtype.
 */
export function rawPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number') return [temporary(a, (b as Tensor).dtype), b as Tensor];
  if (typeof b === 'number') return [a, temporary(b, a.dtype)];
  return [a, b];
}

/** Integers with a shape (indices, labels, ids) on their way to a kernel. */
export interface IntList {
  readonly data: Int32Array;
  readonly shape: readonly number[];
}

/**
 * Integers from a number, a rectangular (nested) array of numbers or an
 * integer-valued tensor. `store(v, i)` range-checks each (throwing with the
 * op's own message) and returns the value to keep. `what` names them in errors.
 */
export function readInts(op: string, what: string, input: unknown, store: (v: number, i: number) => number): IntList {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof input === 'number') {
    flat = [input];
    shape = [];
  } else if (input instanceof Tensor) {
    checkTensor(op, input, what);
    flat = input.data();
    shape = input.shape.slice();
  } else if (Array.isArray(input)) {
    shape = [];
    let level: unknown = input;
    while (Array.isArray(level)) {
      shape.push(level.length);
      if (level.length === 0) break;
      level = level[0];
    }
    const values: number[] = [];
    const walk = (node: unknown, d: number, path: string): void => {
      if (d === shape.length) {
        if (Array.isArray(node)) throw new ArgumentError(`${op}: ragged ${what}: ${path} is an array, but its siblings are numbers`);
        values.push(node as number);
        return;
      }
      if (!Array.isArray(node) || node.length !== shape[d]) {
        throw new ArgumentError(`${op}: ragged ${what}: ${path} is ${describe(node)}, expected an array of length ${shape[d]}`);
      }
      for (let i = 0; i < node.length; i++) walk(node[i], d + 1, `${path}[${i}]`);
    };
    walk(input, 0, what);
    flat = values;
  } else {
    throw new ArgumentError(`${op}: ${what} must be an integer, a (nested) array of integers or an integer-valued Tensor, got ${describe(input)}`);
  }
  const data = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ArgumentError(`${op}: ${what} must be integers, got ${describe(v)} at position ${i}`);
    }
    data[i] = store(v, i);
  }
  return { data, shape };
}

