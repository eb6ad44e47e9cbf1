// dtypes: what a tensor's elements are and how many bytes each takes.

import { DTypeError } from './errors';

export type DType = 'float32' | 'float64';
export const DTYPES: readonly DType[] = ['float32', 'float64'];

export interface DTypeOptions {
  /** `'float32'` (the default) or `'float64'`. */
  dtype?: DType;
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float32' ? 4 : 8;
}

export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`);
}

