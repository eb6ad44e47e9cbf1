// Indexing and joining: slice, gather, flip, pad, concat, stack, split,
// unstack. Everything here is a strided view (start, step and length per
// axis) read from or written into a buffer, or a gather along one axis, and
// each pair is the other's gradient: slice <-> unslice (scatter into zeros),
// pad -> slice, gather <-> scatterAdd. Repeated gather indices accumulate
// (AutoGrad.jl issue #127 is the bug of overwriting them).

import { Tensor, empty } from '../runtime/tensor';
import { kernelFor } from '../wasm/index';
import { castCopy, castInto, fillWith, tensor } from '../runtime/create';
import { activeTapes, trackedNow } from '../core/tape';
import { pickedRows } from '../runtime/sparse';
import { primitiveOf } from '../core/primitive';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { broadcastStrides, collapseAxes, contiguousStrides, normalizeAxis, sameShape, shapeSize, shapeString, tryBroadcastShapes } from '../runtime/shape';
import { checkAnyTensor, readInts, temporary, type IntList } from './args';
import { compose, custom, op } from './define';
import { MAX_KERNEL_RANK, stridedCopy, withInts, writeInts } from './kernels';
import { raw } from './raw';

// ---- strided views ----

/** Which elements of an array a view covers: per axis, the first index, the step and the count. */
interface View {
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly lens: readonly number[];
}

interface Plan {
  shape: number[];
  strides: number[];
  offset: number;
}

/** The kernel arguments for `view` of a row-major array of shape `full`. */
function planView(op: string, full: readonly number[], view: View): Plan {
  const st = contiguousStrides(full);
  let offset = 0;
  const strides = view.lens.map((len, d) => {
    if (len > 0) offset += view.starts[d] * st[d];
    return st[d] * view.steps[d];
  });
  const c = collapseAxes(view.lens, [strides, contiguousStrides(view.lens)]);
  if (c.shape.length > MAX_KERNEL_RANK) {
    throw new ShapeError(`${op}: ${c.shape.length} non-mergeable axes is more than the ${MAX_KERNEL_RANK} supported`);
  }
  return { shape: c.shape, strides: c.strides[0], offset };
}

type StridedKernel = (view: number, contiguous: number, ndim: number, shape: number, strides: number, offset: number) => void;

/** Runs slice_{copy,write,add}: `full` is the strided side, `part` the contiguous one. */
function runStrided(mode: 'copy' | 'write' | 'add', full: Tensor, part: Tensor, plan: Plan): void {
  if (part.size === 0) return;
  const [pShape, pStrides] = writeInts(plan.shape, plan.strides);
  kernelFor<StridedKernel>(`slice_${mode}`, full.dtype)(full._ptr, part._ptr, plan.shape.length, pShape, pStrides, plan.offset);
}

/** A new contiguous array of shape `shape` holding `view` of `x`. */
function readView(op: string, x: Tensor, view: View, shape: number[]): Tensor {
  const plan = planView(op, x.shape, view);
  const out = empty(shape, x.dtype, op);
  runStrided('copy', x, out, plan);
  return out;
}

/** A new array of shape `full` filled with `value`, with `src` written (or added) at `view`. */
function embed(op: string, mode: 'write' | 'add', src: Tensor, view: View, full: number[], value: number): Tensor {
  const plan = planView(op, full, view);
  const out = empty(full, src.dtype, op);
  fillWith(out, value);
  runStrided(mode, out, src, plan);
  return out;
}

/** The whole of every axis of `shape`. */
function wholeView(shape: readonly number[]): { starts: number[]; steps: number[]; lens: number[] } {
  return { starts: shape.map(() => 0), steps: shape.map(() => 1), lens: shape.slice() };
}

/** Index range [start, start + len) of `axis`, the rest whole. */
function rangeView(shape: readonly number[], axis: number, start: number, len: number): View {
  const v = wholeView(shape);
  v.starts[axis] = start;
  v.lens[axis] = len;
  return v;
}

// slice's gradient, the scatter of dy into zeros; each is the other's gradient.
const unslice = op({
  name: 'unslice', internal: true,
  args: custom((_op: string, dy: Tensor, view: View, full: number[]): [Tensor, View, number[]] => [dy, view, full]),
  forward: (dy, view, full) => embed('unslice', 'add', dy, view, full, 0),
}).grads((ddx, _y, dy, view) => raw.slice(ddx, view, dy.shape.slice()), null, null);

// ---- slice ----

/**
 * One axis of a `slice`: an integer index (drops the axis), `[start, stop]`
 * or `[start, stop, step]` (Python slicing; `null` for an open end), or
 * `null` for the whole axis.
 */
export type SliceSpec = number | null | readonly [number | null, number | null] | readonly [number | null, number | null, number | null];

function sliceInt(v: unknown, what: string, axis: number): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ArgumentError(`slice: the ${what} for axis ${axis} must be an integer or null, got ${describe(v)}`);
  }
  return v;
}

/** Python's slice.indices: start, step and count of [start:stop:step] over n elements. */
function pythonRange(startIn: number | null, stopIn: number | null, step: number, n: number): [number, number] {
  const lo = step < 0 ? -1 : 0;
  const hi = step < 0 ? n - 1 : n;
  const clamp = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + n, lo);
    return Math.min(v, hi);
  };
  const start = clamp(startIn, step < 0 ? hi : lo);
  const stop = clamp(stopIn, step < 0 ? lo : hi);
  const len = step > 0 ? (stop > start ? Math.floor((stop - start - 1) / step) + 1 : 0)
    : stop < start ? Math.floor((start - stop - 1) / -step) + 1 : 0;
  return [start, len];
}

/**
 * Basic indexing, Python style: one spec per leading axis (axes not
 * mentioned are kept whole). An integer picks one index and drops the axis
 * (negative counts from the end; out of range is an error); `[start, stop,
 * step?]` takes a range (`null` for an open end, negative values from the
 * end, a negative step walks backwards); `null` keeps the whole axis. The
 * gradient scatters `dy` back into zeros.
 *
 * @example
 * const x = ag.tensor([[1, 2, 3], [4, 5, 6]]);
 * ag.slice(x, 1).toArray();                 // [4, 5, 6]
 * ag.slice(x, null, [1, null]).toArray();   // [[2, 3], [5, 6]]
 * ag.slice(x, -1, [null, null, -1]).toArray(); // [6, 5, 4]
 */
export const slice = op({
  name: 'slice', args: custom(sliceArgs), forward: (x, view, shape) => readView('slice', x, view, shape), tangent: 'linear',
}).grads((dy, _y, x, view) => unslice(dy, view, x.shape.slice()), null, null);

function sliceArgs(op: string, x: Tensor, ...specs: SliceSpec[]): [Tensor, View, number[]] {
  checkAnyTensor(op, x);
  if (specs.length > x.ndim) {
    throw new ArgumentError(`${op}: ${specs.length} index specs given for a tensor of shape ${shapeString(x.shape)} (rank ${x.ndim})`);
  }
  const view = wholeView(x.shape);
  const shape: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    const spec = specs[d];
    const n = x.shape[d];
    if (spec === null || spec === undefined) {
      shape.push(n);
    } else if (typeof spec === 'number') {
      if (!Number.isInteger(spec)) throw new ArgumentError(`slice: index for axis ${d} must be an integer, got ${describe(spec)}`);
      if (spec < -n || spec >= n) {
        throw new ArgumentError(
          `slice: index ${spec} is out of bounds for axis ${d} of size ${n} in shape ${shapeString(x.shape)} ` +
            (n === 0 ? '(the axis is empty)' : `(valid: ${-n}..${n - 1})`),
        );
      }
      view.starts[d] = spec < 0 ? spec + n : spec;
      view.lens[d] = 1;
    } else if (Array.isArray(spec) && (spec.length === 2 || spec.length === 3)) {
      const start = sliceInt(spec[0], 'start', d);
      const stop = sliceInt(spec[1], 'stop', d);
      const step = sliceInt(spec[2], 'step', d) ?? 1;
      if (step === 0) throw new ArgumentError(`slice: step for axis ${d} must not be 0`);
      const [first, len] = pythonRange(start, stop, step, n);
      view.starts[d] = first;
      view.steps[d] = step;
      view.lens[d] = len;
      shape.push(len);
    } else {
      throw new ArgumentError(
        `slice: spec for axis ${d} must be an integer, [start, stop] or [start, stop, step] (null for open ends), or null; got ${describe(spec)}`,
      );
    }
  }
  return [x, view, shape];
}

// ---- flip ----


/**
 * `x` with the order of elements reversed along `axis` (a number or an
 * array, negative from the end), or along every axis when it is omitted.
 *
 * @example
 * ag.flip(ag.tensor([[1, 2], [3, 4]]), 1).toArray(); // [[2, 1], [4, 3]]
 * ag.flip(ag.tensor([[1, 2], [3, 4]])).toArray();    // [[4, 3], [2, 1]]
 */
export const flip = op({
  name: 'flip', args: custom(flipArgs),
  forward: (x, axes) => {
    const view = wholeView(x.shape);
    for (const a of axes) {
      view.starts[a] = x.shape[a] - 1;
      view.steps[a] = -1;
    }
    return readView('flip', x, view, x.shape.slice());
  },
}).grads((dy, _y, _x, axes) => raw.flip(dy, axes), null);

function flipArgs(op: string, x: Tensor, axis?: number | readonly number[]): [Tensor, number[]] {
  checkAnyTensor(op, x);
  let axes: number[];
  if (axis === undefined || axis === null) axes = x.shape.map((_, i) => i);
  else {
    const list = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list)) throw new ArgumentError(`flip: axis must be an integer or an array of integers, got ${describe(axis)}`);
    axes = [];
    for (const a of list) {
      const n = normalizeAxis('flip', a, x.ndim);
      if (axes.includes(n)) throw new ArgumentError(`flip: axis ${a} is repeated in [${list.join(', ')}]`);
      axes.push(n);
    }
  }
  return [x, axes];
}

// ---- pad ----

function padWidth(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * `x` surrounded by `value` (default 0): `widths` is `[before, after]` per
 * axis, one `[before, after]` pair for every axis, or one number for both
 * sides of every axis. Widths are non-negative integers.
 *
 * @example
 * ag.pad(ag.tensor([1, 2]), [1, 2]).toArray();                  // [0, 1, 2, 0, 0]
 * ag.pad(ag.tensor([[1]]), [[0, 1], [1, 0]], 9).toArray();      // [[9, 1], [9, 9]]
 */
export const pad = op({
  name: 'pad', args: custom(padArgs),
  forward: (x, before, full, value) => embed('pad', 'write', x, { starts: before, steps: x.shape.map(() => 1), lens: x.shape }, full, value),
}).grads((dy, _y, x, before) => raw.slice(dy, { starts: before, steps: x.shape.map(() => 1), lens: x.shape }, x.shape.slice()), null, null, null);

type PadWidths = number | readonly [number, number] | readonly (readonly [number, number])[];

function padArgs(op: string, x: Tensor, widths: PadWidths, value: number = 0): [Tensor, number[], number[], number] {
  checkAnyTensor(op, x);
  const expected = 'a non-negative integer, one [before, after] pair, or one [before, after] pair per axis';
  let pairs: [number, number][];
  if (padWidth(widths)) pairs = x.shape.map(() => [widths, widths]);
  else if (Array.isArray(widths) && widths.length === 2 && padWidth(widths[0]) && padWidth(widths[1])) {
    pairs = x.shape.map(() => [widths[0] as number, widths[1] as number]);
  } else if (Array.isArray(widths) && widths.every((p) => Array.isArray(p) && p.length === 2 && padWidth(p[0]) && padWidth(p[1]))) {
    if (widths.length !== x.ndim) {
      throw new ArgumentError(`pad: widths has ${widths.length} [before, after] pairs for a tensor of shape ${shapeString(x.shape)} (rank ${x.ndim})`);
    }
    pairs = (widths as [number, number][]).map((p) => [p[0], p[1]]);
  } else {
    throw new ArgumentError(`pad: widths must be ${expected}, got ${Array.isArray(widths) ? JSON.stringify(widths) : describe(widths)}`);
  }
  if (typeof value !== 'number') throw new ArgumentError(`pad: value must be a number, got ${describe(value)}`);
  if (x.dtype === 'int32' && !(Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1)) {
    throw new ArgumentError(`pad: value ${value} is not an int32 (an integer in range) for an int32 tensor`);
  }
  const full = x.shape.map((d, i) => d + pairs[i][0] + pairs[i][1]);
  if (shapeSize(full) > 2 ** 31 - 1) throw new ShapeError(`pad: the padded shape ${shapeString(full)} has more than 2^31-1 elements`);
  return [x, pairs.map((p) => p[0]), full, value];
}

// ---- gather and scatter-add ----

/** Validated indices along one axis: non-negative, in range, with the shape they came in. */
type Indices = IntList;

type GatherKernel = (src: number, idx: number, out: number, outer: number, n: number, inner: number, m: number) => void;

/** x as [outer, n, inner] gathered along n into [outer, idx, inner]. */
function gatherForward(x: Tensor, idx: Indices, axis: number): Tensor {
  const out = empty([...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], x.dtype, 'gather');
  if (out.size === 0) return out;
  const outer = shapeSize(x.shape.slice(0, axis));
  const inner = shapeSize(x.shape.slice(axis + 1));
  try {
    withInts('gather', idx.data, (ptr) =>
      kernelFor<GatherKernel>('gather', x.dtype)(x._ptr, ptr, out._ptr, outer, x.shape[axis], inner, idx.data.length),
    );
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/** The transpose of gather: src as [outer, idx, inner] added into zeros of [outer, n, inner]. */
function scatterAddForward(src: Tensor, idx: Indices, axis: number, n: number): Tensor {
  const k = idx.shape.length;
  const outer = shapeSize(src.shape.slice(0, axis));
  const rest = src.shape.slice(axis + k);
  const out = empty([...src.shape.slice(0, axis), n, ...rest], src.dtype, 'scatterAdd');
  if (out.size === 0) return out;
  fillWith(out, 0);
  if (src.size === 0) return out;
  try {
    withInts('scatterAdd', idx.data, (ptr) =>
      kernelFor<GatherKernel>('scatter_add', src.dtype)(src._ptr, ptr, out._ptr, outer, n, shapeSize(rest), idx.data.length),
    );
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

const scatterAdd = op({
  name: 'scatterAdd', internal: true,
  args: custom((_op: string, src: Tensor, idx: Indices, axis: number, n: number): [Tensor, Indices, number, number] => [src, idx, axis, n]),
  forward: scatterAddForward,
}).grads((ddx, _y, _src, idx, axis) => raw.gather(ddx, idx, axis), null, null, null);

/** Integers in (nested) arrays. */
export type IndexArray = number | readonly IndexArray[];
/** Indices for `gather`: integers (any nesting), or an integer-valued tensor. */
export type IndexLike = IndexArray | Tensor;

function parseIndices(op: string, indices: unknown, n: number, axis: number, xShape: readonly number[]): Indices {
  return readInts(op, 'indices', indices, (v) => {
    if (v < -n || v >= n) {
      throw new ArgumentError(
        `${op}: index ${v} is out of bounds for axis ${axis} of size ${n} in shape ${shapeString(xShape)} ` +
          (n === 0 ? '(the axis is empty)' : `(valid: ${-n}..${n - 1})`),
      );
    }
    return v < 0 ? v + n : v;
  });
}

/**
 * Picks entries of `x` along `axis` (default 0) by integer `indices`: a
 * number, a (nested) array, or an integer-valued tensor. The result has shape
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Negative indices count
 * from the end; out of range is an error. Indices may repeat: the gradient
 * is a scatter-add, so repeated picks accumulate. Along axis 0 the gradient
 * is kept sparse (the rows picked and their indices) until something needs
 * it dense; optimizers update only those rows.
 *
 * @example
 * const x = ag.tensor([[1, 2], [3, 4], [5, 6]]);
 * ag.gather(x, [2, 0]).toArray();        // [[5, 6], [1, 2]]
 * ag.gather(x, [[1, -1]], 1).toArray();  // [[[2, 2]], [[4, 4]], [[6, 6]]]
 */
export const gather = op({ name: 'gather', args: custom(gatherArgs), forward: gatherForward })
  .grads((dy, _y, x, idx, axis) => (axis === 0 && activeTapes.length === 0
    ? pickedRows(x.shape, idx.data, dy) // rows of a table: kept sparse while nothing records (higher orders need the op)
    : scatterAdd(dy, idx, axis, x.shape[axis])), null, null);

function gatherArgs(op: string, x: Tensor, indices: IndexLike, axis: number = 0): [Tensor, Indices, number] {
  checkAnyTensor(op, x);
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); it has no axis to gather along`);
  const a = normalizeAxis(op, axis, x.ndim);
  const idx = parseIndices(op, indices, x.shape[a], a, x.shape);
  const size = x.size / (x.shape[a] || 1) * idx.data.length;
  if (x.shape[a] > 0 && size > 2 ** 31 - 1) throw new ShapeError(`${op}: the result would have more than 2^31-1 elements`);
  return [x, idx, a];
}

// ---- concat and stack ----

/** How the inputs of a concat or stack sit in the output. */
interface Join {
  readonly views: readonly View[];
  readonly shape: readonly number[];
}

function joinForward(op: string, xs: readonly Tensor[], join: Join): Tensor {
  const plans = xs.map((x, i) => planView(op, join.shape, join.views[i]));
  const out = empty(join.shape.slice(), xs[0].dtype, op);
  for (let i = 0; i < xs.length; i++) runStrided('write', out, xs[i], plans[i]);
  return out;
}

type Variadic = (...args: unknown[]) => Tensor;

/**
 * One primitive per number of inputs: the inputs go through the primitive
 * door as separate tensor arguments, followed by the Join; rule i slices
 * input i's block out of dy.
 */
function joinOp(name: string, cache: Map<number, Variadic>, arity: number): Variadic {
  let op = cache.get(arity);
  if (op === undefined) {
    const rules: (((dy: Tensor, y: Tensor, ...args: unknown[]) => Tensor) | null)[] = [];
    for (let i = 0; i < arity; i++) {
      rules.push((dy: Tensor, _y: Tensor, ...args: unknown[]) => {
        const join = args[arity] as Join;
        return raw.slice(dy, join.views[i], (args[i] as Tensor).shape.slice());
      });
    }
    rules.push(null);
    const forward = (...args: unknown[]) => joinForward(name, args.slice(0, arity) as Tensor[], args[arity] as Join);
    op = primitiveOf({ name, forward, rules, tangent: 'linear' });
    cache.set(arity, op);
  }
  return op;
}

const concatOps = new Map<number, Variadic>();
const stackOps = new Map<number, Variadic>();

function checkList(op: string, xs: unknown): Tensor[] {
  if (!Array.isArray(xs)) throw new ArgumentError(`${op}: expected an array of tensors, got ${describe(xs)}`);
  if (xs.length === 0) throw new ArgumentError(`${op}: expected at least one tensor, got an empty array`);
  const list = xs.map((x, i) => checkAnyTensor(op, x, `xs[${i}]`));
  for (let i = 1; i < list.length; i++) {
    if (list[i].dtype !== list[0].dtype) {
      throw new DTypeError(
        `${op}: xs[0] is ${list[0].dtype} but xs[${i}] is ${list[i].dtype}; cast one with ag.cast(x, dtype) first`,
      );
    }
  }
  return list;
}

/**
 * Joins tensors along an existing `axis` (default 0, negative from the end).
 * They must have the same dtype and the same shape but along `axis`.
 *
 * @example
 * ag.concat([ag.tensor([[1, 2]]), ag.tensor([[3, 4], [5, 6]])]).toArray(); // [[1, 2], [3, 4], [5, 6]]
 * ag.concat([ag.tensor([[1], [2]]), ag.tensor([[3], [4]])], 1).toArray();  // [[1, 3], [2, 4]]
 */
export const concat = compose({ name: 'concat', args: custom(concatArgs) })
  .as((list, join) => joinOp('concat', concatOps, list.length)(...list, join));

function concatArgs(op: string, xs: readonly Tensor[], axis: number = 0): [Tensor[], Join] {
  const list = checkList(op, xs);
  const first = list[0];
  if (first.ndim === 0) throw new ShapeError(`${op}: cannot concatenate 0-d tensors (they have no axis); use ag.stack`);
  const a = normalizeAxis(op, axis, first.ndim);
  let total = 0;
  const views: View[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i].shape;
    const ok = s.length === first.ndim && s.every((d, k) => k === a || d === first.shape[k]);
    if (!ok) {
      throw new ShapeError(
        `concat: xs[${i}] has shape ${shapeString(s)}, which does not match xs[0]'s ${shapeString(first.shape)} ` +
          `but along axis ${a} (expected the same rank and sizes on every other axis)`,
      );
    }
    views.push(rangeView(s, a, total, s[a]));
    total += s[a];
  }
  const shape = first.shape.map((d, k) => (k === a ? total : d));
  if (shapeSize(shape) > 2 ** 31 - 1) throw new ShapeError(`concat: the result ${shapeString(shape)} has more than 2^31-1 elements`);
  return [list, { views, shape }];
}

/**
 * Joins tensors of the same shape and dtype along a new `axis` (default 0,
 * counted in the result's axes, negative from the end).
 *
 * @example
 * ag.stack([ag.tensor([1, 2]), ag.tensor([3, 4])]).toArray();    // [[1, 2], [3, 4]]
 * ag.stack([ag.tensor([1, 2]), ag.tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 */
export const stack = compose({ name: 'stack', args: custom(stackArgs) })
  .as((list, join) => joinOp('stack', stackOps, list.length)(...list, join));

function stackArgs(op: string, xs: readonly Tensor[], axis: number = 0): [Tensor[], Join] {
  const list = checkList(op, xs);
  const first = list[0];
  for (let i = 1; i < list.length; i++) {
    const s = list[i].shape;
    if (s.length !== first.ndim || s.some((d, k) => d !== first.shape[k])) {
      throw new ShapeError(`stack: xs[${i}] has shape ${shapeString(s)} but xs[0] has ${shapeString(first.shape)}; stacked tensors must have the same shape`);
    }
  }
  const a = normalizeAxis('stack', axis, first.ndim + 1);
  const shape = [...first.shape.slice(0, a), list.length, ...first.shape.slice(a)];
  if (shapeSize(shape) > 2 ** 31 - 1) throw new ShapeError(`stack: the result ${shapeString(shape)} has more than 2^31-1 elements`);
  const views = list.map((_, i) => rangeView(shape, a, i, 1));
  return [list, { views, shape }];
}

// ---- split and unstack ----

/**
 * Cuts `x` along `axis` (default 0) into `n` equal parts, or into parts of
 * the given `sizes` (which must add up to the axis length). Each part is its
 * own differentiable slice.
 *
 * @example
 * const [a, b] = ag.split(ag.tensor([1, 2, 3, 4]), 2);       // [1, 2] and [3, 4]
 * const [c, d] = ag.split(ag.tensor([1, 2, 3, 4]), [1, 3]);  // [1] and [2, 3, 4]
 */
export const split = compose({ name: 'split', args: custom(splitArgs) }).asMany((x, a, parts) => {
  const out: Tensor[] = [];
  let start = 0;
  for (const len of parts) {
    out.push(raw.slice(x, rangeView(x.shape, a, start, len), x.shape.map((d, k) => (k === a ? len : d))));
    start += len;
  }
  return out;
});

function splitArgs(op: string, x: Tensor, sizes: number | readonly number[], axis: number = 0): [Tensor, number, number[]] {
  checkAnyTensor(op, x);
  if (x.ndim === 0) throw new ShapeError('split: x is 0-d (a scalar); it has no axis to split');
  const a = normalizeAxis('split', axis, x.ndim);
  const n = x.shape[a];
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ArgumentError(`split: the number of parts must be a positive integer, got ${describe(sizes)}`);
    if (n % sizes !== 0) {
      throw new ShapeError(
        `split: axis ${a} of shape ${shapeString(x.shape)} has size ${n}, which does not divide into ${sizes} equal parts; pass a list of sizes instead`,
      );
    }
    parts = new Array<number>(sizes).fill(n / sizes);
  } else if (Array.isArray(sizes)) {
    for (const s of sizes) {
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
        throw new ArgumentError(`split: sizes must be non-negative integers, got [${sizes.join(', ')}]`);
      }
    }
    const total = sizes.reduce((p, q) => p + q, 0);
    if (total !== n) {
      throw new ShapeError(`split: sizes [${sizes.join(', ')}] add up to ${total}, but axis ${a} of shape ${shapeString(x.shape)} has size ${n}`);
    }
    parts = sizes.slice();
  } else {
    throw new ArgumentError(`split: expected a number of parts or an array of sizes, got ${describe(sizes)}`);
  }
  return [x, a, parts];
}

/**
 * The tensors along `axis` (default 0), each with that axis removed: how to
 * iterate over a tensor. Each is its own differentiable slice.
 *
 * @example
 * const [r0, r1] = ag.unstack(ag.tensor([[1, 2], [3, 4]]));    // [1, 2] and [3, 4]
 * const [c0, c1] = ag.unstack(ag.tensor([[1, 2], [3, 4]]), 1); // [1, 3] and [2, 4]
 */
export const unstack = compose({ name: 'unstack', args: custom(unstackArgs) }).asMany((x, a) => {
  const shape = x.shape.filter((_, k) => k !== a);
  const out: Tensor[] = [];
  for (let i = 0; i < x.shape[a]; i++) out.push(raw.slice(x, rangeView(x.shape, a, i, 1), shape.slice()));
  return out;
});

function unstackArgs(op: string, x: Tensor, axis: number = 0): [Tensor, number] {
  checkAnyTensor(op, x);
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); it has no axis to unstack`);
  return [x, normalizeAxis(op, axis, x.ndim)];
}

// ---- numpy indexing: index, indexPut, assign_, scatter, takeAlongAxis ----
//
// An index is resolved once, in JavaScript, into one entry per axis (an
// integer, a slice, an integer array, or a new axis). Three ways to compute
// it, each made of the differentiable ops above, so every gradient is a
// scatter-add and higher orders come free: basic indexing (integers, slices,
// new axes) is one strided `slice`; integer arrays on adjacent axes with the
// rest whole are one `gather` along the merged axes (rows of a table: its
// gradient can stay sparse); anything else gathers single elements at flat
// offsets. indexPut, scatter and assign_ write at those flat offsets.

/** A slice of one axis: Python's start:stop:step (omitted or null for the defaults). */
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}

/** Booleans in (nested) arrays: a mask. */
export type BoolArray = boolean | readonly BoolArray[];

/**
 * One entry of an `index`: an integer (one position, dropping the axis;
 * negative from the end); a slice, as a string `'start:stop:step'` (`':'`
 * the whole axis, `'::-1'` reversed, `'1:'`...) or a `{ start, stop, step }`
 * object; `null` for a new axis of length 1 (numpy's newaxis); `'...'` for as
 * many `':'` as needed; integers in (nested) arrays or an int32 tensor
 * (advanced indexing); booleans in (nested) arrays or a bool tensor (a mask
 * over as many axes as it has).
 */
export type IndexSpec = number | null | string | Slice | Tensor | IndexArray | BoolArray;

type Entry =
  | { kind: 'int'; axis: number; at: number }
  | { kind: 'slice'; axis: number; start: number; step: number; len: number }
  | { kind: 'new' }
  | { kind: 'array'; axis: number; data: Int32Array; shape: number[] };

/** Where an index reads: flat offsets of its elements in x, and the result's shape. */
interface Resolved {
  readonly entries: readonly Entry[];
  readonly shape: number[];
  /** The broadcast shape of the integer arrays (null when there are none). */
  readonly broadcast: number[] | null;
  /** Whether the integer arrays are on adjacent entries (their result axes stay in place). */
  readonly adjacent: boolean;
}

const SLICE_TEXT = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

function parseSliceText(op: string, text: string, k: number): Slice {
  const m = SLICE_TEXT.exec(text);
  if (m === null) {
    throw new ArgumentError(`${op}: index ${k} is the string ${JSON.stringify(text)}; expected a slice like ':', '1:5', '::2', '5:1:-1', or '...'`);
  }
  const num = (s: string | undefined) => (s === undefined ? null : Number(s));
  return { start: num(m[1]), stop: num(m[2]), step: num(m[3]) };
}

function isSliceObject(v: unknown): v is Slice {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Tensor) return false;
  return Object.keys(v).every((k) => k === 'start' || k === 'stop' || k === 'step');
}

/** The first leaf of nested arrays, to tell a mask (booleans) from indices (numbers). */
function firstLeaf(v: readonly unknown[]): unknown {
  let level: unknown = v;
  while (Array.isArray(level)) {
    if (level.length === 0) return undefined;
    level = level[0];
  }
  return level;
}

/** A mask as its values and shape (bool tensor, or booleans in nested arrays). */
function readMask(op: string, spec: unknown, k: number): { data: ArrayLike<number>; shape: number[] } {
  if (spec instanceof Tensor) return { data: spec.data(), shape: spec.shape.slice() };
  const shape: number[] = [];
  let level: unknown = spec;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const data: number[] = [];
  const walk = (node: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof node !== 'boolean') throw new ArgumentError(`${op}: the mask at index ${k} mixes booleans with ${describe(node)}`);
      data.push(node ? 1 : 0);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[d]) throw new ArgumentError(`${op}: the mask at index ${k} is ragged`);
    for (const v of node) walk(v, d + 1);
  };
  walk(spec, 0);
  return { data, shape };
}

function outOfBounds(op: string, v: number, axis: number, n: number, shape: readonly number[]): ArgumentError {
  return new ArgumentError(
    `${op}: index ${v} is out of bounds for axis ${axis} of size ${n} in shape ${shapeString(shape)} ` +
      (n === 0 ? '(the axis is empty)' : `(valid: ${-n}..${n - 1})`),
  );
}

/** What kind of spec, and how many axes of x it consumes (a mask: its rank; null: none; '...': -1). */
function specKind(op: string, spec: unknown, k: number): ['int' | 'slice' | 'new' | 'ellipsis' | 'array' | 'mask', number] {
  if (spec === null) return ['new', 0];
  if (typeof spec === 'number') return ['int', 1];
  if (typeof spec === 'string') return spec.trim() === '...' ? ['ellipsis', -1] : ['slice', 1];
  if (spec instanceof Tensor) {
    checkAnyTensor(op, spec, `index ${k}`);
    if (spec.dtype === 'bool' && spec.ndim === 0) {
      // numpy adds an axis of length 1 or 0 for it; refused, like a plain boolean, rather than read as no index at all.
      throw new ArgumentError(`${op}: index ${k} is a 0-d bool tensor; a 0-d mask is not supported (use null for a new axis, or a mask with an axis)`);
    }
    return spec.dtype === 'bool' ? ['mask', spec.ndim] : ['array', 1];
  }
  if (Array.isArray(spec)) {
    if (typeof firstLeaf(spec) === 'boolean') {
      let rank = 0;
      for (let level: unknown = spec; Array.isArray(level); level = level[0]) rank++;
      return ['mask', rank];
    }
    return ['array', 1];
  }
  if (typeof spec === 'boolean') throw new ArgumentError(`${op}: index ${k} is a boolean; a 0-d mask is not supported (use null for a new axis)`);
  if (isSliceObject(spec)) return ['slice', 1];
  throw new ArgumentError(
    `${op}: index ${k} must be an integer, a slice (':', '1:5:2' or { start, stop, step }), null, '...', ` +
      `integers or booleans in (nested) arrays, or an int32 or bool tensor; got ${describe(spec)}`,
  );
}

/** Resolves numpy-style specs against x's shape (everything checked, nothing allocated). */
function resolveIndex(op: string, shape: readonly number[], specs: readonly unknown[]): Resolved {
  const kinds = specs.map((s, k) => specKind(op, s, k));
  const ellipses = kinds.filter(([kind]) => kind === 'ellipsis').length;
  if (ellipses > 1) throw new ArgumentError(`${op}: an index can have only one ellipsis ('...'), got ${ellipses}`);
  const consumed = kinds.reduce((n, [, c]) => n + Math.max(c, 0), 0);
  if (consumed > shape.length) {
    throw new ArgumentError(`${op}: too many indices for a tensor of shape ${shapeString(shape)}: the index uses ${consumed} axes, it has ${shape.length}`);
  }
  const entries: Entry[] = [];
  const whole = (axis: number): Entry => ({ kind: 'slice', axis, start: 0, step: 1, len: shape[axis] });
  let axis = 0;
  specs.forEach((spec, k) => {
    const [kind, count] = kinds[k];
    if (kind === 'ellipsis') {
      for (let i = 0; i < shape.length - consumed; i++) entries.push(whole(axis++));
    } else if (kind === 'new') {
      entries.push({ kind: 'new' });
    } else if (kind === 'int') {
      const v = spec as number;
      const n = shape[axis];
      if (!Number.isInteger(v)) throw new ArgumentError(`${op}: index ${k} must be an integer, got ${describe(v)}`);
      if (v < -n || v >= n) throw outOfBounds(op, v, axis, n, shape);
      entries.push({ kind: 'int', axis, at: v < 0 ? v + n : v });
      axis++;
    } else if (kind === 'slice') {
      const s = typeof spec === 'string' ? parseSliceText(op, spec, k) : (spec as Slice);
      const part = (v: unknown, what: string): number | null => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgumentError(`${op}: the slice ${what} at index ${k} must be an integer or null, got ${describe(v)}`);
        return v;
      };
      const step = part(s.step, 'step') ?? 1;
      if (step === 0) throw new ArgumentError(`${op}: the slice step at index ${k} must not be 0`);
      const [start, len] = pythonRange(part(s.start, 'start'), part(s.stop, 'stop'), step, shape[axis]);
      entries.push({ kind: 'slice', axis, start, step, len });
      axis++;
    } else if (kind === 'array') {
      const n = shape[axis];
      const a = axis;
      const ints = readInts(op, `index ${k}`, spec, (v) => {
        if (v < -n || v >= n) throw outOfBounds(op, v, a, n, shape);
        return v < 0 ? v + n : v;
      });
      entries.push({ kind: 'array', axis, data: ints.data, shape: ints.shape.slice() });
      axis++;
    } else {
      const mask = readMask(op, spec, k);
      const covered = shape.slice(axis, axis + count);
      if (!sameShape(mask.shape, covered)) {
        throw new ShapeError(`${op}: the mask at index ${k} has shape ${shapeString(mask.shape)}, but the axes it covers have shape ${shapeString(covered)}`);
      }
      // numpy: a mask is the integer arrays of its true positions, one per axis it covers
      let hits = 0;
      for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) hits++;
      const coords = covered.map(() => new Int32Array(hits));
      const strides = contiguousStrides(covered);
      let h = 0;
      for (let i = 0; i < mask.data.length; i++) {
        if (mask.data[i] === 0) continue;
        for (let d = 0; d < count; d++) coords[d][h] = Math.floor(i / strides[d]) % covered[d];
        h++;
      }
      for (let d = 0; d < count; d++) entries.push({ kind: 'array', axis: axis + d, data: coords[d], shape: [hits] });
      axis += count;
    }
  });
  while (axis < shape.length) entries.push(whole(axis++));

  const arrays = entries.filter((e) => e.kind === 'array');
  if (arrays.length === 0) {
    const out = entries.flatMap((e) => (e.kind === 'slice' ? [e.len] : e.kind === 'new' ? [1] : []));
    return { entries, shape: out, broadcast: null, adjacent: true };
  }
  // With integer arrays, integers are 0-d arrays (numpy), all broadcast together.
  const all = entries.map((e): Entry => (e.kind === 'int' ? { kind: 'array', axis: e.axis, data: Int32Array.of(e.at), shape: [] } : e));
  let b: number[] = [];
  for (const e of all) {
    if (e.kind !== 'array') continue;
    const next = tryBroadcastShapes(b, e.shape);
    if (next === null) {
      const shapes = all.flatMap((x) => (x.kind === 'array' ? [shapeString(x.shape)] : []));
      throw new ShapeError(`${op}: the integer index arrays have shapes ${shapes.join(', ')}, which cannot be broadcast together`);
    }
    b = next;
  }
  const positions = all.flatMap((e, i) => (e.kind === 'array' ? [i] : []));
  const adjacent = positions[positions.length - 1] - positions[0] === positions.length - 1;
  const dims: number[] = [];
  let placed = false;
  if (!adjacent) {
    dims.push(...b);
    placed = true;
  }
  for (const e of all) {
    if (e.kind === 'array') {
      if (!placed) dims.push(...b);
      placed = true;
    } else if (e.kind === 'slice') dims.push(e.len);
    else if (e.kind === 'new') dims.push(1);
  }
  if (shapeSize(dims) > 2 ** 31 - 1) throw new ShapeError(`${op}: the result ${shapeString(dims)} has more than 2^31-1 elements`);
  return { entries: all, shape: dims, broadcast: b, adjacent };
}

/** Each integer array's values, repeated to the broadcast shape `b`. */
function expandTo(e: { data: Int32Array; shape: readonly number[] }, b: readonly number[]): Int32Array {
  const size = shapeSize(b);
  if (sameShape(e.shape, b)) return e.data;
  const strides = broadcastStrides(e.shape, b);
  const out = new Int32Array(size);
  const bs = contiguousStrides(b);
  for (let i = 0; i < size; i++) {
    let at = 0;
    for (let d = 0; d < b.length; d++) at += (Math.floor(i / bs[d]) % b[d]) * strides[d];
    out[i] = e.data[at];
  }
  return out;
}

/** Flat offsets in x (row-major `shape`) of every element the index reads, in the result's order. */
function flatOffsets(r: Resolved, shape: readonly number[]): Int32Array {
  const strides = contiguousStrides(shape);
  let base = 0;
  const tables: ArrayLike<number>[] = [];
  const arrayTable = (): Int32Array => {
    const size = shapeSize(r.broadcast!);
    const t = new Int32Array(size);
    for (const e of r.entries) {
      if (e.kind !== 'array') continue;
      const v = expandTo(e, r.broadcast!);
      const s = strides[e.axis];
      for (let i = 0; i < size; i++) t[i] += v[i] * s;
    }
    return t;
  };
  let placed = false;
  if (!r.adjacent) {
    tables.push(arrayTable());
    placed = true;
  }
  for (const e of r.entries) {
    if (e.kind === 'int') base += e.at * strides[e.axis];
    else if (e.kind === 'slice') {
      const t = new Int32Array(e.len);
      for (let k = 0; k < e.len; k++) t[k] = (e.start + k * e.step) * strides[e.axis];
      tables.push(t);
    } else if (e.kind === 'array' && !placed) {
      tables.push(arrayTable());
      placed = true;
    }
  }
  let offsets = Int32Array.of(base);
  for (const t of tables) {
    const next = new Int32Array(offsets.length * t.length);
    let k = 0;
    for (let i = 0; i < offsets.length; i++) for (let j = 0; j < t.length; j++) next[k++] = offsets[i] + t[j];
    offsets = next;
  }
  return offsets;
}

/** How `index` computes a resolved index: a strided slice, a gather of rows, or a gather of elements. */
type IndexPlan =
  | { path: 'view'; view: View; shape: number[] }
  | { path: 'rows'; merged: number[] | null; axis: number; at: Indices }
  | { path: 'elements'; at: Indices };

function planIndex(r: Resolved, shape: readonly number[]): IndexPlan {
  if (r.broadcast === null) {
    const view = wholeView(shape);
    for (const e of r.entries) {
      if (e.kind === 'int') {
        view.starts[e.axis] = e.at;
        view.lens[e.axis] = 1;
      } else if (e.kind === 'slice') {
        view.starts[e.axis] = e.start;
        view.steps[e.axis] = e.step;
        view.lens[e.axis] = e.len;
      }
    }
    return { path: 'view', view, shape: r.shape };
  }
  const arrays = r.entries.filter((e): e is Extract<Entry, { kind: 'array' }> => e.kind === 'array');
  const rest = r.entries.filter((e) => e.kind !== 'array');
  const wholeRest = rest.every((e) => e.kind === 'slice' && e.start === 0 && e.step === 1 && e.len === shape[e.axis]);
  if (r.adjacent && wholeRest) {
    // Integer arrays on adjacent axes, the others whole: one gather along the merged axes.
    const first = arrays[0].axis;
    const last = arrays[arrays.length - 1].axis;
    const block = shape.slice(first, last + 1);
    const strides = contiguousStrides(block);
    const size = shapeSize(r.broadcast);
    const data = new Int32Array(size);
    for (const e of arrays) {
      const v = expandTo(e, r.broadcast);
      const s = strides[e.axis - first];
      for (let i = 0; i < size; i++) data[i] += v[i] * s;
    }
    const merged = arrays.length === 1 ? null : [...shape.slice(0, first), shapeSize(block), ...shape.slice(last + 1)];
    return { path: 'rows', merged, axis: first, at: { data, shape: r.broadcast } };
  }
  return { path: 'elements', at: { data: flatOffsets(r, shape), shape: r.shape } };
}

function indexArgs(op: string, x: Tensor, ...specs: IndexSpec[]): [Tensor, IndexPlan] {
  checkAnyTensor(op, x);
  return [x, planIndex(resolveIndex(op, x.shape, specs), x.shape)];
}

/**
 * numpy indexing, basic and advanced: `index(x, ...specs)` is numpy's
 * `x[specs]` (`x.index(...)` too). Each spec is an integer (drops the axis;
 * negative from the end), a slice (`':'`, `'1:5'`, `'::-1'`, `'2::3'`, or
 * `{ start, stop, step }`), `null` (a new axis of length 1), `'...'` (the
 * axes not otherwise indexed), integers in (nested) arrays or an int32
 * tensor, or a mask (booleans in nested arrays or a bool tensor, covering
 * as many axes as it has). Integer arrays (and integers among them) are
 * broadcast together; their axes of the result replace them where they
 * stand when they are adjacent, and come first otherwise, as in numpy.
 * Out-of-range integers are an error. The result is a copy. The gradient
 * scatters `dy` back, adding where an element was picked more than once.
 *
 * @example
 * const x = ag.arange(12).reshape([3, 4]);
 * x.index(1).toArray();                    // [4, 5, 6, 7]
 * x.index(':', '::2').toArray();           // [[0, 2], [4, 6], [8, 10]]
 * x.index([2, 0], -1).toArray();           // [11, 3]
 * x.index([0, 2], [1, 3]).toArray();       // [1, 11]
 * x.index(ag.greater(x, 8)).toArray();     // [9, 10, 11]
 * x.index('...', null).shape;              // [3, 4, 1]
 */
export const index = compose({ name: 'index', args: custom(indexArgs) }).as((x, plan) => {
  if (plan.path === 'view') return raw.slice(x, plan.view, plan.shape);
  if (plan.path === 'rows') return raw.gather(plan.merged === null ? x : raw.reshape(x, plan.merged), plan.at, plan.axis);
  return raw.gather(x.ndim === 1 ? x : raw.reshape(x, [x.size]), plan.at, 0);
});

// ---- writing at positions: indexPut, scatter, assign_ ----

/** Where a write lands: flat offsets in x, in the order of the values (shape `at.shape`). */
interface Writes {
  readonly at: Indices;
  readonly accumulate: boolean;
}

/** A bool tensor of `shape`, true at the flat offsets `at` (a constant for rules). */
function hitMask(at: Int32Array, shape: readonly number[]): Tensor {
  const data = new Uint8Array(shapeSize(shape));
  for (let i = 0; i < at.length; i++) data[at[i]] = 1;
  return tensor(data, { dtype: 'bool', shape: shape.slice() });
}

/** Of repeated offsets, the positions whose write stays (the last one); null when none repeat. */
function lastWrites(at: Int32Array): Uint8Array | null {
  const seen = new Set<number>();
  const keep = new Uint8Array(at.length);
  let repeated = false;
  for (let i = at.length - 1; i >= 0; i--) {
    if (seen.has(at[i])) repeated = true;
    else {
      seen.add(at[i]);
      keep[i] = 1;
    }
  }
  return repeated ? keep : null;
}

type ScatterKernel = (src: number, idx: number, out: number, outer: number, n: number, inner: number, m: number) => void;

/** `src` written (or added) into `dst` at flat offsets `at`. */
function writeAt(op: string, dst: Tensor, src: Tensor, at: Int32Array, accumulate: boolean): void {
  if (at.length === 0) return;
  withInts(op, at, (ptr) => kernelFor<ScatterKernel>(accumulate ? 'scatter_add' : 'scatter_set', dst.dtype)(src._ptr, ptr, dst._ptr, 1, dst.size, 1, at.length));
}

/**
 * x with `src` written (or added) at flat offsets: the primitive behind
 * indexPut and scatter. Gradients: x's is dy where nothing was written (all
 * of dy when adding); src's is dy read back at the offsets (for a write,
 * only where that write stayed).
 */
const put = op({
  name: 'put', internal: true,
  args: custom((_op: string, x: Tensor, src: Tensor, w: Writes): [Tensor, Tensor, Writes] => [x, src, w]),
  forward: (x, src, w) => {
    const out = empty(x.shape, x.dtype, 'put');
    try {
      castInto(x, out);
      writeAt('put', out, src, w.at.data, w.accumulate);
    } catch (error) {
      out.dispose();
      throw error;
    }
    return out;
  },
}).grads(
  (dy, _y, _x, _src, w) => (w.accumulate ? dy : raw.where(hitMask(w.at.data, dy.shape), 0, dy)),
  (dy, _y, _x, _src, w) => {
    const g = raw.gather(dy.ndim === 1 ? dy : raw.reshape(dy, [dy.size]), w.at, 0);
    const keep = w.accumulate ? null : lastWrites(w.at.data);
    return keep === null ? g : raw.where(tensor(keep, { dtype: 'bool', shape: w.at.shape.slice() }), g, 0);
  },
  null,
);

/** Values for a write into x at positions of `shape`: x's dtype, broadcast to `shape` (checked; the cast and broadcast are done by the body). */
function checkValues(op: string, x: Tensor, values: unknown, shape: readonly number[]): Tensor | number {
  if (typeof values === 'number') {
    if (x.dtype === 'int32' && !(Number.isInteger(values) && Math.abs(values) <= 2 ** 31 - 1)) {
      throw new ArgumentError(`${op}: values ${values} is not an int32 (an integer in range) for an int32 tensor`);
    }
    return values;
  }
  const v = checkAnyTensor(op, values, 'values');
  const b = tryBroadcastShapes(v.shape, shape);
  if (b === null || !sameShape(b, shape)) {
    throw new ShapeError(`${op}: values of shape ${shapeString(v.shape)} cannot be broadcast to the indexed shape ${shapeString(shape)}`);
  }
  return v;
}

function checkAccumulate(op: string, x: Tensor, options: unknown, name: 'accumulate' | 'reduce'): boolean {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${op}: options must be an object like { ${name === 'reduce' ? "reduce: 'add'" : 'accumulate: true'} }, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  let add: boolean;
  if (name === 'accumulate') {
    const a = o.accumulate ?? false;
    if (typeof a !== 'boolean') throw new ArgumentError(`${op}: accumulate must be a boolean, got ${describe(a)}`);
    add = a;
  } else {
    const r = o.reduce ?? 'set';
    if (r !== 'set' && r !== 'add') throw new ArgumentError(`${op}: reduce must be 'set' or 'add', got ${describe(r)}`);
    add = r === 'add';
  }
  if (add && x.dtype === 'bool') throw new DTypeError(`${op}: adding into a bool tensor is not supported; write (set) instead, or cast it to int32`);
  return add;
}

/** The values of a write as a tensor of x's dtype and the target shape, built with differentiable ops. */
function valuesFor(x: Tensor, values: Tensor | number, shape: number[]): Tensor {
  let v = typeof values === 'number' ? temporary(values, x.dtype) : values.dtype === x.dtype ? values : raw.cast(values, x.dtype);
  if (!sameShape(v.shape, shape)) v = raw.broadcastTo(v, shape);
  return v;
}

export interface IndexPutOptions {
  /** Add the values into x (repeated positions add up) instead of writing them (the last write stays). */
  accumulate?: boolean;
}

function indexPutArgs(op: string, x: Tensor, specs: readonly IndexSpec[], values: Tensor | number, options?: IndexPutOptions): [Tensor, Tensor | number, Writes] {
  checkAnyTensor(op, x);
  if (!Array.isArray(specs)) throw new ArgumentError(`${op}: specs must be an array of index specs (as index takes them), got ${describe(specs)}`);
  const r = resolveIndex(op, x.shape, specs);
  const v = checkValues(op, x, values, r.shape);
  const accumulate = checkAccumulate(op, x, options, 'accumulate');
  return [x, v, { at: { data: flatOffsets(r, x.shape), shape: r.shape }, accumulate }];
}

/**
 * A copy of `x` with `values` written where `index(x, ...specs)` reads
 * (PyTorch's `index_put`, numpy's `x[specs] = values` without the
 * mutation). `values` (a tensor or a number) is broadcast to the indexed
 * shape and converted to x's dtype. With `{ accumulate: true }` the values
 * are added, and repeated positions add up; otherwise the last write to a
 * position stays. Differentiable in `x` (dy where nothing was written) and
 * in `values` (dy read back at the positions).
 *
 * @example
 * const x = ag.zeros([2, 3]);
 * ag.indexPut(x, [0, '1:'], 5).toArray();                             // [[0, 5, 5], [0, 0, 0]]
 * ag.indexPut(x, [[0, 0, 1]], ag.ones([3, 3]), { accumulate: true }).toArray(); // [[2, 2, 2], [1, 1, 1]]
 */
export const indexPut = compose({ name: 'indexPut', args: custom(indexPutArgs) })
  .as((x, values, w) => put(x, valuesFor(x, values, w.at.shape.slice()), w));

export interface ScatterOptions {
  /** 'set' (the default) writes, the last write to a position staying; 'add' adds, repeated positions adding up. */
  reduce?: 'set' | 'add';
}

function scatterArgs(op: string, x: Tensor, axis: number, indices: IndexLike, values: Tensor | number, options?: ScatterOptions): [Tensor, Tensor | number, Indices, Writes] {
  checkAnyTensor(op, x);
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); it has no axis to scatter along`);
  const a = normalizeAxis(op, axis, x.ndim);
  const n = x.shape[a];
  const idx = readInts(op, 'indices', indices, (v) => {
    if (v < -n || v >= n) throw outOfBounds(op, v, a, n, x.shape);
    return v < 0 ? v + n : v;
  });
  if (idx.shape.length !== x.ndim) {
    throw new ShapeError(`${op}: indices must have the rank of x (${x.ndim}), got shape ${shapeString(idx.shape)}`);
  }
  for (let d = 0; d < x.ndim; d++) {
    if (d !== a && idx.shape[d] > x.shape[d]) {
      throw new ShapeError(`${op}: indices of shape ${shapeString(idx.shape)} are larger than x ${shapeString(x.shape)} along axis ${d}`);
    }
  }
  let source: Indices = { data: new Int32Array(0), shape: [] };
  if (typeof values !== 'number') {
    const v = checkAnyTensor(op, values, 'values');
    if (v.ndim !== x.ndim || idx.shape.some((d, i) => d > v.shape[i])) {
      throw new ShapeError(`${op}: values of shape ${shapeString(v.shape)} must have the rank of x and be at least as large as indices ${shapeString(idx.shape)} along every axis`);
    }
    if (!sameShape(v.shape, idx.shape)) source = { data: offsetsOf(idx.shape, contiguousStrides(v.shape)), shape: idx.shape };
  } else checkValues(op, x, values, idx.shape);
  // x[..., idx[m], ...] for every position m of indices: m's coordinates, with idx[m] on `axis`
  const xs = contiguousStrides(x.shape);
  const at = offsetsOf(idx.shape, xs.map((s, d) => (d === a ? 0 : s)));
  for (let i = 0; i < at.length; i++) at[i] += idx.data[i] * xs[a];
  return [x, values, source, { at: { data: at, shape: idx.shape }, accumulate: checkAccumulate(op, x, options, 'reduce') }];
}

/** Row-major positions of `shape` mapped through `strides`: sum_d coordinate_d * strides[d], in order. */
function offsetsOf(shape: readonly number[], strides: readonly number[]): Int32Array {
  const out = new Int32Array(shapeSize(shape));
  const cs = contiguousStrides(shape);
  for (let i = 0; i < out.length; i++) {
    let at = 0;
    for (let d = 0; d < shape.length; d++) at += (Math.floor(i / cs[d]) % shape[d]) * strides[d];
    out[i] = at;
  }
  return out;
}

/**
 * PyTorch's `scatter`: a copy of `x` where, for every position m of
 * `indices` (same rank as x, no larger than x but along `axis`),
 * `x[m with indices[m] on axis] = values[m]` (`values` a tensor at least
 * as large as indices along every axis, or a number). `{ reduce: 'add' }`
 * adds instead, repeated positions adding up; with the default `'set'` the
 * last write to a position stays. Differentiable in `x` and `values`.
 *
 * @example
 * ag.scatter(ag.zeros([2, 3]), 1, [[2], [0]], ag.tensor([[7], [8]])).toArray(); // [[0, 0, 7], [8, 0, 0]]
 * ag.scatter(ag.zeros([3]), 0, [0, 0, 2], 1, { reduce: 'add' }).toArray();      // [2, 0, 1]
 */
export const scatter = compose({ name: 'scatter', args: custom(scatterArgs) }).as((x, values, source, w) => {
  let v: Tensor;
  if (typeof values === 'number') v = valuesFor(x, values, w.at.shape.slice());
  else {
    const cast = values.dtype === x.dtype ? values : raw.cast(values, x.dtype);
    v = source.data.length === 0 && source.shape.length === 0 ? cast : raw.gather(raw.reshape(cast, [cast.size]), source, 0);
  }
  return put(x, v, w);
});

function takeAlongArgs(op: string, x: Tensor, indices: IndexLike, axis: number | null): [Tensor, Indices] {
  checkAnyTensor(op, x);
  if (axis === null) {
    const n = x.size;
    const idx = readInts(op, 'indices', indices, (v) => {
      if (v < -n || v >= n) throw outOfBounds(op, v, 0, n, [n]);
      return v < 0 ? v + n : v;
    });
    if (idx.shape.length !== 1) throw new ShapeError(`${op}: with axis null, indices must be 1-D, got shape ${shapeString(idx.shape)}`);
    return [x, idx];
  }
  if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d (a scalar); pass axis null`);
  const a = normalizeAxis(op, axis, x.ndim);
  const n = x.shape[a];
  const idx = readInts(op, 'indices', indices, (v) => {
    if (v < -n || v >= n) throw outOfBounds(op, v, a, n, x.shape);
    return v < 0 ? v + n : v;
  });
  if (idx.shape.length !== x.ndim) throw new ShapeError(`${op}: indices must have the rank of x (${x.ndim}), got shape ${shapeString(idx.shape)}`);
  const out = x.shape.map((d, i) => {
    if (i === a) return idx.shape[i];
    const e = idx.shape[i];
    if (d !== e && d !== 1 && e !== 1) {
      throw new ShapeError(`${op}: indices of shape ${shapeString(idx.shape)} do not broadcast against x ${shapeString(x.shape)} along axis ${i}`);
    }
    return d === 1 ? e : d;
  });
  // out[m] = x[m with indices[m] on axis], indices and x broadcast (size 1 repeated) on the other axes
  const xs = contiguousStrides(x.shape);
  const is = broadcastStrides(idx.shape, out);
  const at = offsetsOf(out, xs.map((s, d) => (d === a || x.shape[d] === 1 ? 0 : s)));
  const pick = offsetsOf(out, is);
  for (let i = 0; i < at.length; i++) at[i] += idx.data[pick[i]] * xs[a];
  return [x, { data: at, shape: out }];
}

/**
 * numpy's `take_along_axis`: `out[m] = x[m with indices[m] on axis]`, for
 * `indices` of x's rank (sizes 1 broadcast against x on the other axes);
 * with `axis` null, `x` is read flat by 1-D indices. Pairs with argmax and
 * argsort results. The gradient scatters back, adding up repeated picks.
 *
 * @example
 * const x = ag.tensor([[10, 30, 20], [60, 40, 50]]);
 * ag.takeAlongAxis(x, [[1], [0]], 1).toArray(); // [[30], [60]]
 */
export const takeAlongAxis = compose({ name: 'takeAlongAxis', args: custom(takeAlongArgs) })
  .as((x, at) => raw.gather(x.ndim === 1 ? x : raw.reshape(x, [x.size]), at, 0));

/**
 * Writes `values` where `index(x, ...specs)` reads, in place (numpy's
 * `x[specs] = values`; `{ accumulate: true }` adds, as `np.add.at`), and
 * returns `x`. Not differentiable: inside a `diff` that tracks `x` it is an
 * error (use `indexPut`), and a tape that recorded `x` (or a view of it)
 * before the write refuses its backward pass afterwards, as after any
 * in-place write.
 *
 * @example
 * const mask = ag.zeros([4], { dtype: 'bool' });
 * ag.assign_(mask, [[1, 3]], true);
 * mask.toArray(); // [0, 1, 0, 1]
 */
export function assign_(x: Tensor, specs: readonly IndexSpec[], values: Tensor | number | boolean, options?: IndexPutOptions): Tensor {
  const op = 'assign_';
  checkAnyTensor(op, x);
  if (trackedNow(x)) {
    throw new ArgumentError(
      `${op}: x (${x.dtype} ${shapeString(x.shape)}) is tracked by a diff that is recording; an in-place write would change ` +
        'what its backward pass reads. Use indexPut, which returns a new tensor and is differentiable',
    );
  }
  const [, v, w] = indexPutArgs(op, x, specs, typeof values === 'boolean' ? Number(values) : values, options);
  const shape = w.at.shape;
  const made: Tensor[] = [];
  try {
    let src: Tensor;
    if (typeof v === 'number') {
      src = empty([], x.dtype, op);
      made.push(src);
      fillWith(src, v);
    } else {
      src = v;
      if (src.dtype !== x.dtype) {
        src = castCopy(src, x.dtype);
        made.push(src);
      }
    }
    if (!sameShape(src.shape, shape)) {
      src = stridedCopy(op, src, shape.slice(), broadcastStrides(src.shape, shape));
      made.push(src);
    }
    // numpy semantics when the values overlap x (x[::-1] = x): read them all
    // before writing any.
    if (src._storage === x._storage) {
      src = castCopy(src, x.dtype);
      made.push(src);
    }
    writeAt(op, x, src, w.at.data, w.accumulate);
  } finally {
    for (const t of made) t.dispose();
  }
  x._storage.markWritten();
  return x;
}

// ---- nonzero and argwhere ----

/**
 * The coordinates of the nonzero (true) elements of `x`, one row each in
 * row-major order, as an int32 tensor [count, x.ndim] (numpy's `argwhere`;
 * NaN counts as nonzero). Not differentiable.
 *
 * @example
 * ag.argwhere(ag.tensor([[0, 3], [5, 0]])).toArray(); // [[0, 1], [1, 0]]
 */
export const argwhere = op({
  name: 'argwhere', args: custom((op: string, x: Tensor): [Tensor] => [checkAnyTensor(op, x)]),
  forward: (x): Tensor => {
    const data = x.data();
    const rank = x.ndim;
    const strides = contiguousStrides(x.shape);
    let count = 0;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) count++;
    const coords = new Int32Array(count * rank);
    let k = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] === 0) continue;
      for (let d = 0; d < rank; d++) coords[k++] = Math.floor(i / strides[d]) % x.shape[d];
    }
    return tensor(coords, { shape: [count, rank] });
  },
}).constant();

/**
 * The coordinates of the nonzero (true) elements of `x`, as one int32
 * tensor per axis (numpy's `nonzero`): `index(x, ...nonzero(x))` gives
 * those elements. Not differentiable.
 *
 * @example
 * const [rows, cols] = ag.nonzero(ag.tensor([[0, 3], [5, 0]])); // [0, 1] and [1, 0]
 */
export const nonzero = compose({
  name: 'nonzero', args: custom((op: string, x: Tensor): [Tensor] => {
    checkAnyTensor(op, x);
    if (x.ndim === 0) throw new ShapeError(`${op}: x is 0-d; nonzero needs at least one axis (use argwhere, or reshape to [1])`);
    return [x];
  }),
}).asMany((x) => raw.unstack(raw.transpose(argwhere(x), [1, 0]), 0));
