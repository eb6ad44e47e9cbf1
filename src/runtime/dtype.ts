// dtypes: what a tensor's elements are, how many bytes each takes, and how
// two dtypes meet in one op (numpy's promotion table for the four we have).
//
// Floats (float32, float64) are what gradients flow through. int32 holds
// indices, labels and ids exactly (floats are exact only to 2^24 or 2^53);
// bool holds masks and conditions, one byte per element (0 or 1). Integer
// and boolean tensors are never differentiated: an op whose result is one of
// them is a constant on every tape, and an op that computes in floating
// point converts them first (exact: every int32 is a float64).

import { DTypeError } from './errors';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
/** The dtypes gradients flow through. */
export type FloatDType = 'float32' | 'float64';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export interface DTypeOptions {
  /** `'float32'` (the default), `'float64'`, `'int32'` or `'bool'`. */
  dtype?: DType;
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}

/** float32 or float64: what gradients flow through. */
export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'int32' || dtype === 'bool') return dtype;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected 'float32', 'float64', 'int32' or 'bool'`);
}

/** The order of kinds: a dtype of a higher kind can hold every value of a lower one (bool < int < float). */
export function kindOf(dtype: DType): 0 | 1 | 2 {
  return dtype === 'bool' ? 0 : dtype === 'int32' ? 1 : 2;
}

/**
 * numpy's `promote_types` on our four dtypes: the smallest dtype that holds
 * every value of both. bool meets anything at the other dtype; int32 meets
 * float32 at float64 (float32 holds integers exactly only to 2^24).
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  return 'float64'; // int32 with a float, or float32 with float64
}
