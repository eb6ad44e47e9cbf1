import { describeForeign } from './copy';

/**
 * Every error the library throws is an `AutogradError`, so callers can tell
 * ours from their own. Messages name the function, what it was given and what
 * it expected.
 */
export class AutogradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation (broadcasting, matmul, reshape...). */
export class ShapeError extends AutogradError {}

/** An unknown dtype, or operands of different dtypes. */
export class DTypeError extends AutogradError {}

/** A tensor or tape used after `dispose()`. */
export class DisposedError extends AutogradError {}

/** An API call made in a browser before `await ag.ready` resolved. */
export class NotReadyError extends AutogradError {}

/** WebAssembly memory could not grow to hold a new tensor. */
export class OutOfMemoryError extends AutogradError {}

/** Arguments of the wrong type or out of range. */
export class ArgumentError extends AutogradError {}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'string') return `string "${value.length > 20 ? value.slice(0, 20) + '...' : value}"`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'object') {
    const foreign = describeForeign(value);
    if (foreign !== null) return foreign;
    const ctor = (value as object).constructor;
    return ctor && ctor.name ? ctor.name : 'object';
  }
  return typeof value;
}
