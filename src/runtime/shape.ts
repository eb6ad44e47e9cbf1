// Shape arithmetic shared by tensor creation, kernels' callers and ops.

import { ArgumentError, ShapeError } from './errors';

export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function shapeString(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major element strides. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new ArgumentError(`${op}: shape must be an array of non-negative integers, got ${typeof shape}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ArgumentError(
        `${op}: shape must be an array of non-negative integers, got ${shapeString(shape as number[])}`,
      );
    }
  }
  if (shapeSize(shape) > 2 ** 31 - 1) {
    throw new ArgumentError(`${op}: shape ${shapeString(shape)} has more than 2^31-1 elements`);
  }
  return shape.slice();
}

/** numpy broadcasting of two shapes, or null when they do not broadcast. */
export function tryBroadcastShapes(a: Shape, b: Shape): number[] | null {
  if (sameShape(a, b)) return a.slice();
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else return null;
  }
  return out;
}

/** numpy broadcasting of two shapes, or a ShapeError naming the op and the first axis that differs. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const out = tryBroadcastShapes(a, b);
  if (out !== null) return out;
  const n = Math.max(a.length, b.length);
  let i = 0;
  let da = 1;
  let db = 1;
  for (; i < n; i++) {
    da = i < n - a.length ? 1 : a[i - (n - a.length)];
    db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) break;
  }
  throw new ShapeError(
    `${op}: shapes ${shapeString(a)} and ${shapeString(b)} cannot be broadcast together ` +
      `(axis ${i} of the result: ${da} vs ${db}; sizes must match or one of them be 1)`,
  );
}

/** Strides that read `shape` (right-aligned) as if it had `outShape`: 0 on broadcast axes. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = contiguousStrides(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length);
  for (let i = 0; i < outShape.length; i++) {
    const j = i - offset;
    out[i] = j < 0 || shape[j] === 1 ? 0 : strides[j];
  }
  return out;
}

/**
 * Merges adjacent axes along which every stride set is contiguous, and drops
 * size-1 axes, so kernels loop over as few, long rows as possible.
 */
export function collapseAxes(shape: Shape, strideSets: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideSets.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    if (mergeable) {
      for (let s = 0; s < strideSets.length; s++) {
        if (outStrides[s][last] !== strideSets[s][i] * d) {
          mergeable = false;
          break;
        }
      }
    }
    if (mergeable) {
      outShape[last] *= d;
      for (let s = 0; s < strideSets.length; s++) outStrides[s][last] = strideSets[s][i];
    } else {
      outShape.push(d);
      for (let s = 0; s < strideSets.length; s++) outStrides[s].push(strideSets[s][i]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** A possibly negative axis made non-negative, or an error naming the op. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new ArgumentError(`${op}: axis must be an integer, got ${String(axis)}`);
  }
  if (axis < -ndim || axis >= ndim) {
    throw new ArgumentError(`${op}: axis ${axis} is out of range for a tensor of rank ${ndim} (valid: ${-ndim}..${ndim - 1})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Sorted, unique, non-negative axes; `undefined` or `null` means all of them. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new ArgumentError(`${op}: axis must be a number or an array of numbers, got ${typeof axis}`);
  const seen = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(op, a, ndim);
    if (seen.has(n)) throw new ArgumentError(`${op}: axis ${a} is repeated in [${list.join(', ')}]`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}

/** Output shape of reducing `axes` of `shape`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

