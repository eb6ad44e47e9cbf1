// Indexing and joining: slice, gather, flip, pad, concat, stack, split,
// unstack. Everything here is a strided view (start, step and length per
// axis) read from or written into a buffer, or a gather along one axis, and
// each pair is the other's gradient: slice <-> unslice (scatter into zeros),
// pad -> slice, gather <-> scatterAdd. Repeated gather indices accumulate
// (AutoGrad.jl issue #127 is the bug of overwriting them).

import { Tensor, empty } from '../runtime/tensor';
import { kernelFor } from '../wasm/index';
import { fillWith } from '../runtime/create';
import { primitive, type GradRule } from '../core/primitive';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { collapseAxes, contiguousStrides, normalizeAxis, shapeSize, shapeString } from '../runtime/shape';
import { checkAnyTensor, readInts, type IntList } from './args';
import { compose, custom, op } from './define';
import { MAX_KERNEL_RANK, withInts, writeInts } from './kernels';
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
  name: 'slice', args: custom(sliceArgs), forward: (x, view, shape) => readView('slice', x, view, shape),
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
 * is a scatter-add, so repeated picks accumulate.
 *
 * @example
 * const x = ag.tensor([[1, 2], [3, 4], [5, 6]]);
 * ag.gather(x, [2, 0]).toArray();        // [[5, 6], [1, 2]]
 * ag.gather(x, [[1, -1]], 1).toArray();  // [[[2, 2]], [[4, 4]], [[6, 6]]]
 */
export const gather = op({ name: 'gather', args: custom(gatherArgs), forward: gatherForward })
  .grads((dy, _y, x, idx, axis) => scatterAdd(dy, idx, axis, x.shape[axis]), null, null);

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
    const rules: GradRule[] = [];
    for (let i = 0; i < arity; i++) {
      rules.push((dy: Tensor, _y: Tensor, ...args: unknown[]) => {
        const join = args[arity] as Join;
        return raw.slice(dy, join.views[i], (args[i] as Tensor).shape.slice());
      });
    }
    rules.push(null);
    op = primitive(name, (...args: unknown[]) => joinForward(name, args.slice(0, arity) as Tensor[], args[arity] as Join), ...rules);
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
