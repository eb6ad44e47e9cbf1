// Checking and converting the public arguments of ops: tensors must be live,
// numbers become 0-d tensors made for the one call (temporaries), pairs of
// operands meet at one dtype (numpy's promotion), integer lists (indices,
// labels) are read once. Gradient rules skip all of this: their arguments
// are known good.
//
// Floating-point ops never see an int32 or bool tensor: `checkTensor`
// refuses one (an op that cannot take it says so), and the elementwise and
// reducing ops (`asTensor`, `floatPair`) convert it to float64 first, as
// numpy does (exact for every int32). Ops that take any dtype (shapes,
// indexing, comparisons, where) check with `checkAnyTensor`.

import { Tensor, checkLive, markTemporary, type TensorLike } from '../runtime/tensor';
import { tensor } from '../runtime/create';
import { isFloat, kindOf, promoteTypes, type DType } from '../runtime/dtype';
import { ArgumentError, DTypeError, describe } from '../runtime/errors';
import { shapeString } from '../runtime/shape';
import { rawOps } from './define';

/** Checks `x` is a live Tensor of any dtype; names the op and the argument otherwise. */
export function checkAnyTensor(op: string, x: unknown, name = 'x'): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
  checkLive(x, op);
  return x;
}

/** An operand that may be a number: the error says so. */
function operand(op: string, x: unknown, name: string): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor or a number, got ${describe(x)}`);
  checkLive(x, op);
  return x;
}

/** Checks `x` is a live float32 or float64 Tensor; names the op and the argument otherwise. */
export function checkTensor(op: string, x: unknown, name = 'x'): Tensor {
  const t = checkAnyTensor(op, x, name);
  if (!isFloat(t.dtype)) {
    throw new DTypeError(
      `${op}: ${name} is a ${t.dtype} tensor (shape ${shapeString(t.shape)}); ${op} takes float32 or float64 tensors: ` +
        `convert it with ag.cast(${name}, 'float32')`,
    );
  }
  return t;
}

/**
 * A float tensor for a tensor-or-number argument of an op that computes in
 * floating point: numbers become 0-d tensors of `dtype`; int32 and bool
 * tensors are converted to float64 (numpy's rule for exp, mean...).
 */
export function asTensor(op: string, x: unknown, dtype: DType, name = 'x'): Tensor {
  if (typeof x === 'number') return temporary(x, dtype);
  const t = checkAnyTensor(op, x, name);
  return isFloat(t.dtype) ? t : castTemp(t, 'float64');
}

/** A 0-d tensor for a number argument, freed after the op when nothing needs it. */
export function temporary(x: number, dtype: DType): Tensor {
  const t = tensor(x, { dtype });
  markTemporary(t);
  return t;
}

/** A dtype cast made for one call (an operand meeting one of another dtype); recorded like any cast. */
export function castTemp(x: Tensor, dtype: DType): Tensor {
  return markTemporary(rawOps.cast(x, dtype));
}

/**
 * The dtype a JavaScript number takes next to a tensor of `dtype` (numpy's
 * weak Python scalars): a float tensor's own; next to int32 or bool, int32
 * for an integer in range and float64 otherwise (`ids * 2` stays int32,
 * `ids * 0.5` is float64).
 */
export function numberDType(v: number, dtype: DType): DType {
  if (isFloat(dtype)) return dtype;
  return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? 'int32' : 'float64';
}

/**
 * Two operands of one dtype, by numpy's promotion (cast differentiably).
 * Numbers take the dtype `numberDType` gives (two numbers make float64, as
 * JavaScript numbers are doubles). A 0-d tensor takes the dtype of a
 * non-scalar operand of the same or a higher kind (bool < int < float).
 * Otherwise int32 and bool meet other dtypes as numpy's promote_types says
 * (bool with anything at the other dtype, int32 with a float at float64);
 * two floats of different widths meet at float64 when both are 0-d, and
 * are an error when both are not, rather than a silent promotion.
 */
export function coercePair(op: string, a: unknown, b: unknown): [Tensor, Tensor] {
  const ta = typeof a === 'number' ? null : operand(op, a, 'a');
  const tb = typeof b === 'number' ? null : operand(op, b, 'b');
  if (ta === null && tb === null) return [temporary(a as number, 'float64'), temporary(b as number, 'float64')];
  if (ta === null) {
    const d = numberDType(a as number, tb!.dtype);
    return [temporary(a as number, d), tb!.dtype === d ? tb! : castTemp(tb!, d)];
  }
  if (tb === null) {
    const d = numberDType(b as number, ta.dtype);
    return [ta.dtype === d ? ta : castTemp(ta, d), temporary(b as number, d)];
  }
  if (ta.dtype === tb.dtype) return [ta, tb];
  let d: DType;
  if (ta.ndim === 0 && tb.ndim > 0 && kindOf(ta.dtype) <= kindOf(tb.dtype)) d = tb.dtype;
  else if (tb.ndim === 0 && ta.ndim > 0 && kindOf(tb.dtype) <= kindOf(ta.dtype)) d = ta.dtype;
  else if (isFloat(ta.dtype) && isFloat(tb.dtype) && (ta.ndim > 0 || tb.ndim > 0)) {
    throw new DTypeError(
      `${op}: operands have different dtypes (${ta.dtype} ${shapeString(ta.shape)} and ${tb.dtype} ${shapeString(tb.shape)}); ` +
        'cast one with ag.cast(x, dtype) first',
    );
  } else d = promoteTypes(ta.dtype, tb.dtype);
  return [ta.dtype === d ? ta : castTemp(ta, d), tb.dtype === d ? tb : castTemp(tb, d)];
}

/** `coercePair`, then int32 and bool operands as float64: for ops that compute in floating point (div, atan2...). */
export function coerceFloatPair(op: string, a: unknown, b: unknown): [Tensor, Tensor] {
  const [ta, tb] = coercePair(op, a, b);
  if (isFloat(ta.dtype)) return [ta, tb];
  return [castTemp(ta, 'float64'), castTemp(tb, 'float64')];
}

/**
 * The operands of a binary op called from a gradient rule: known-good
 * tensors, or numbers, which take the other operand's dtype. A rule may mix
 * a float with a bool mask (`mul(dy, greater(a, b))`): they meet as in
 * `coercePair`.
 */
export function rawPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number') {
    if (isFloat((b as Tensor).dtype)) return [temporary(a, (b as Tensor).dtype), b as Tensor];
  } else if (typeof b === 'number') {
    if (isFloat(a.dtype)) return [a, temporary(b, a.dtype)];
  } else if (a.dtype === b.dtype) return [a, b];
  return coercePair('a gradient rule', a, b);
}

/** Integers with a shape (indices, labels, ids) on their way to a kernel. */
export interface IntList {
  readonly data: Int32Array;
  readonly shape: readonly number[];
}

/**
 * Integers from a number, a rectangular (nested) array of numbers, an int32
 * tensor or an integer-valued float tensor. `store(v, i)` range-checks each (throwing with the
 * op's own message) and returns the value to keep. `what` names them in errors.
 */
export function readInts(op: string, what: string, input: unknown, store: (v: number, i: number) => number): IntList {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof input === 'number') {
    flat = [input];
    shape = [];
  } else if (input instanceof Tensor) {
    checkAnyTensor(op, input, what);
    if (input.dtype === 'bool') {
      throw new DTypeError(`${op}: ${what} is a bool tensor; expected integers (an int32 tensor, or integer-valued floats)`);
    }
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

