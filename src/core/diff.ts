// The user-facing interface of the tape: Param, diff, grad (both forms),
// gradloss, value and params.

import { Tensor, alias, checkLive, readItem } from '../runtime/tensor';
import { isFloat } from '../runtime/dtype';
import { keep, tidy } from '../runtime/tidy';
import { tensor, zeros, type TensorData, type TensorOptions } from '../runtime/create';
import { moveToCurrent, moveToUser, popScope, pushScope, recordingNow } from '../runtime/scope';
import { ArgumentError, DTypeError, DisposedError, ShapeError, describe } from '../runtime/errors';
import { checkShape, shapeSize, shapeString } from '../runtime/shape';
import { Tape, activeTapes, backward, ownHandle, recording, trackedNow, within, type Grad } from './tape';
import { SparseGradient } from '../runtime/sparse';
import { primitiveOf } from './primitive';

// A fresh handle on the same buffer, recorded as identity on the tapes that
// track its argument: the function form differentiates with respect to this
// handle, so an inner tape never confuses it with the outer tape's tensor.
const identity = primitiveOf({ name: 'identity', forward: (x: Tensor) => alias(x, x.shape), rules: [(dy: Tensor) => dy], tangent: 'linear' });

/**
 * Marks data as a parameter to differentiate with respect to (AutoGrad.jl's
 * `Param`). A Param is a Tensor: outside `diff` it acts like one. Given a
 * Tensor it shares that tensor's memory. Params belong to the user: no tidy
 * or tape frees them; `dispose()` does.
 *
 * @example
 * const w = ag.Param([[1, 2], [3, 4]]);
 * const b = ag.Param(ag.zeros([2]));
 */
export function Param(data: TensorData, options?: TensorOptions): Tensor {
  let t: Tensor;
  if (data instanceof Tensor) {
    checkLive(data, 'Param');
    if (options !== undefined && options.dtype !== undefined && options.dtype !== data.dtype) {
      t = tensor(data, options);
    } else {
      let shape = data.shape;
      if (options?.shape !== undefined) {
        shape = checkShape('Param', options.shape);
        if (shapeSize(shape) !== data.size) {
          throw new ShapeError(
            `Param: shape ${shapeString(shape)} has ${shapeSize(shape)} elements, the tensor has ${data.size} (shape ${shapeString(data.shape)})`,
          );
        }
      }
      t = alias(data, shape);
    }
  } else {
    t = tensor(data, options);
  }
  keep(t);
  t._param = true;
  return t;
}

/**
 * @internal Builds several Params at once (a layer's weights): `build` runs
 * in a tidy, so its intermediates are freed and a failure half-way leaves
 * nothing; the tensors it returns (in an array) become Params, as they are.
 */
export function makeParams<T extends readonly (Tensor | null)[]>(build: () => T): T {
  const made = tidy<T>(build as Parameters<typeof tidy<T>>[0]);
  for (const t of made) {
    if (t === null) continue;
    moveToUser(t);
    t._param = true;
  }
  return made;
}

/** Whether `x` is a Param. @example ag.isParam(ag.Param([1])) // true */
export function isParam(x: unknown): x is Tensor {
  return x instanceof Tensor && x._param;
}

/**
 * The plain value behind a tracked thing: a tape's scalar as a number, or a
 * Param's (or recorded tensor's) data as an untracked Tensor sharing its
 * memory (use it to stop gradients). Numbers and untracked tensors come back
 * as they are.
 *
 * @example
 * const x = ag.Param([1, 2, 3]);
 * const tape = ag.diff(() => ag.sum(ag.abs2, x));
 * ag.value(tape); // 14
 */
export function value(x: Tape): number;
export function value(x: Tensor): Tensor;
export function value(x: number): number;
export function value(x: Tape | Tensor | number): Tensor | number;
export function value(x: Tape | Tensor | number): Tensor | number {
  if (x instanceof Tape) return x.value;
  if (typeof x === 'number') return x;
  if (!(x instanceof Tensor)) throw new ArgumentError(`value: expected a Tape, Tensor or number, got ${describe(x)}`);
  checkLive(x, 'value');
  if (!x._param && !x._recorded) return x;
  // A new handle no tape tracks, on the same memory, owned like any new
  // tensor (by the enclosing tidy or tape, or by you).
  return alias(x, x.shape);
}

function isThenable(x: unknown): boolean {
  return x !== null && typeof x === 'object' && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * Runs `fn` with `tape` recording and returns what it returned; if it
 * throws, the tape is disposed (freeing what it made).
 * @internal
 */
export function runRecording(tape: Tape, fn: () => unknown): unknown {
  pushScope(tape._scope);
  activeTapes.push(tape);
  recordingNow.active = true;
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    stopRecording(tape);
    tape.dispose();
    throw error;
  }
  stopRecording(tape);
  return result;
}

function stopRecording(tape: Tape): void {
  activeTapes.pop();
  recordingNow.active = activeTapes.length > 0;
  popScope(tape._scope);
}

/** Runs `fn` with `tape` recording and makes its result the tape's; if either fails, the tape is disposed. */
function record(tape: Tape, fn: () => unknown, op: string): void {
  const result = runRecording(tape, fn);
  const fail = (error: Error): never => {
    tape.dispose();
    throw error;
  };
  if (isThenable(result)) {
    (result as Promise<unknown>).then(undefined, () => undefined);
    fail(
      new ArgumentError(
        `${op}: the function returned a Promise; it must be synchronous and return a scalar, ` +
          'because the tape records operations as they run (await your data first, then call diff)',
      ),
    );
  }
  if (typeof result === 'number') {
    tape._result = result;
  } else if (result instanceof Tensor) {
    if (result._disposed) fail(new DisposedError(`${op}: the function returned a disposed tensor`));
    if (result.size !== 1) {
      fail(
        new ShapeError(
          `${op}: the function must return a scalar (a number or a one-element tensor) to differentiate, ` +
            `got a tensor of shape ${shapeString(result.shape)}; reduce it first, e.g. with ag.sum`,
        ),
      );
    }
    if (!isFloat(result.dtype)) {
      // An int32 or bool result depends on no Param differentiably: a plain value.
      tape._result = readItem(result);
      return;
    }
    tape._result = result;
    tape.hold(result);
    // A Param returned as it is: the result is a leaf, its gradient 1.
    tape.lookup(result);
  } else {
    fail(new ArgumentError(`${op}: the function must return a scalar (a number or a one-element tensor), got ${describe(result)}`));
  }
}

/**
 * Runs `fn`, recording the operations on tensors it performs, and returns
 * the Tape (AutoGrad.jl's `@diff`). `fn` must be synchronous and return a
 * scalar. Ask for gradients with `grad(tape, x)`; free the tape with
 * `tape.dispose()` (or `using`).
 *
 * @example
 * const x = ag.Param([1, 2, 3]);
 * const y = ag.diff(() => ag.sum(ag.abs2, x));
 * ag.value(y);      // 14
 * ag.grad(y, x);    // Tensor [2, 4, 6]
 * y.dispose();
 */
export function diff(fn: () => Tensor | number): Tape {
  if (typeof fn !== 'function') throw new ArgumentError(`diff: expected a function, got ${describe(fn)}`);
  if (recording.suspended > 0) {
    throw new ArgumentError('diff: cannot start a tape inside the forward function of a primitive');
  }
  const tape = new Tape();
  record(tape, fn, 'diff');
  return tape;
}

/** Arguments of the function form: where f takes a Tensor, a number works too. */
type LooseValue<T> = T extends Tensor ? Tensor | number : T extends object ? { [K in keyof T]: LooseValue<T[K]> } : T;
type Loose<T extends readonly unknown[]> = { [K in keyof T]: LooseValue<T[K]> };

/**
 * The gradient's type for an argument of type `T`, as the function form of
 * `grad` builds it: a Tensor for a Tensor, a number for a number, arrays,
 * tuples and plain objects mapped member by member. (Under an enclosing
 * `diff` or `grad` that tracks the argument, a number's gradient stays a
 * Tensor, so that the outer tape can differentiate through it; ops take
 * either.)
 *
 * @example
 * type G = ag.Gradient<{ w: ag.Tensor; b: number; layers: ag.Tensor[] }>;
 * // { w: Tensor; b: number; layers: Tensor[] }
 */
export type Gradient<T> = unknown extends T
  ? unknown
  : T extends Tensor
    ? Tensor
    : T extends number
      ? number
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Gradient<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Gradient<T[K]> }
          : never;

/** A function to differentiate: any function (its arguments are checked when called). */
export type Differentiable = (...args: never[]) => unknown;

/**
 * What `grad(f, argnum)` returns: a function taking `f`'s arguments (a
 * number wherever `f` takes a Tensor) whose result has the type of the
 * gradient of the argument actually passed at `argnum`.
 */
export type GradFn<F extends Differentiable, N extends number = 0> = <A extends Loose<Parameters<F>>>(
  ...args: A
) => Gradient<A[N]>;

/** What `gradloss(f, argnum)` returns: like `GradFn`, giving `[gradient, loss]`. */
export type GradLossFn<F extends Differentiable, N extends number = 0> = <A extends Loose<Parameters<F>>>(
  ...args: A
) => [gradient: Gradient<A[N]>, loss: number];

/** Options of `grad(tape, x, options)`. */
export interface GradOptions {
  /**
   * A gradient the tape holds as rows of a table (gather along axis 0,
   * embedding, indexing rows) comes back as a SparseGradient instead of
   * being made dense.
   */
  sparse: boolean;
}

/**
 * `grad(tape, x)`: the gradient of the tape's scalar with respect to `x` (a
 * Param, or a tensor an op computed while the tape recorded), or `null` if
 * `x` played no part — as for a plain tensor used as a constant (only
 * Params and results of ops are on a tape; differentiate with respect to an
 * input by making it a Param, or with the function form `grad(f)`).
 * The tape owns the result; `keep` it to outlive the tape. With `{ sparse:
 * true }`, a gradient the tape keeps as rows of a table (picked by gather,
 * embedding or index) is returned as that SparseGradient, unmade; any other
 * gradient as the Tensor it is.
 *
 * `grad(f, argnum = 0)`: a function computing the gradient of `f` with
 * respect to its argument `argnum`, which may be a number, a tensor, or
 * arrays and plain objects of them; the gradient has the same structure.
 * Compose it: `grad(grad(f))`.
 *
 * @example
 * const f = (x: ag.Tensor) => ag.sum(ag.abs2, x);
 * ag.grad(f)(ag.tensor([1, 2, 3])); // [2, 4, 6]
 * const cube = (x: ag.Tensor | number) => ag.mul(ag.mul(x, x), x);
 * ag.grad(ag.grad(cube))(2); // 12, a number: the gradient has the argument's type
 */
export function grad(tape: Tape, x: Tensor): Tensor | null;
export function grad(tape: Tape, x: Tensor, options: GradOptions): Tensor | SparseGradient | null;
export function grad<F extends Differentiable, N extends number = 0>(f: F, argnum?: N): GradFn<F, N>;
export function grad(a: Tape | ((...args: any[]) => unknown), b?: Tensor | number, options?: GradOptions): unknown {
  if (a instanceof Tape) {
    if (options !== undefined && (options === null || typeof options !== 'object' || typeof options.sparse !== 'boolean')) {
      throw new ArgumentError(`grad: options must be { sparse: true } or { sparse: false }, got ${describe(options)}`);
    }
    return gradOfTape(a, b as Tensor, options?.sparse === true);
  }
  if (typeof a === 'function') {
    const argnum = checkArgnum('grad', b);
    return (...args: unknown[]) => functionForm(a, argnum, args, 'grad')[0];
  }
  throw new ArgumentError(`grad: expected a Tape and a Tensor, or a function, got ${describe(a)}`);
}

/**
 * Like `grad(f, argnum)`, but the returned function gives `[gradient, loss]`.
 * The loss is a number; inside an enclosing `grad` or `diff` that tracks
 * the argument it is a 0-d Tensor instead, so the outer tape can
 * differentiate through it.
 *
 * @example
 * const [g, loss] = ag.gradloss((x: ag.Tensor) => ag.sum(ag.abs2, x))(ag.tensor([1, 2]));
 * // g: [2, 4], loss: 5
 */
export function gradloss<F extends Differentiable, N extends number = 0>(f: F, argnum?: N): GradLossFn<F, N> {
  if (typeof f !== 'function') throw new ArgumentError(`gradloss: expected a function, got ${describe(f)}`);
  const n = checkArgnum('gradloss', argnum);
  return ((...args: unknown[]) => functionForm(f, n, args, 'gradloss')) as GradLossFn<F, N>;
}

function checkArgnum(op: string, argnum: unknown): number {
  if (argnum === undefined) return 0;
  if (typeof argnum !== 'number' || !Number.isInteger(argnum) || argnum < 0) {
    throw new ArgumentError(`${op}: argnum must be a non-negative integer, got ${describe(argnum)}`);
  }
  return argnum;
}

/** The gradient as a tensor (a sparse one made dense). */
function denseGradOf(tape: Tape, x: Tensor): Tensor | null {
  return gradOfTape(tape, x, false) as Tensor | null;
}

function gradOfTape(tape: Tape, x: Tensor, sparse: boolean): Grad | null {
  if (tape._disposed) throw new DisposedError('grad: the tape was disposed; ask for gradients before disposing it');
  if (!(x instanceof Tensor)) throw new ArgumentError(`grad: expected a Tensor to differentiate with respect to, got ${describe(x)}`);
  const node = tape.byTensor.get(x);
  if (node === undefined) return null;
  if (tape._grads === null || !tape._grads.has(node)) backward(tape, node.op === null ? null : node, sparse ? null : node);
  const grads = tape._grads!;
  let g = grads.get(node) ?? null;
  if (g === null) return null;
  if (!sparse && g instanceof SparseGradient) {
    // Asked for as a tensor: made dense once and kept beside the sparse one,
    // which optimizers still take (looking at the dense gradient must not
    // turn the next lazy update into a dense one).
    let dense = tape._denseGrads?.get(node);
    if (dense === undefined || dense._disposed || dense._owner !== tape._scope) {
      const rows = g;
      dense = within(tape._scope, () => rows.toDense());
      tape.hold(dense);
      (tape._denseGrads ??= new Map()).set(node, dense);
    }
    return dense;
  }
  const memory = g instanceof Tensor ? g : g.values;
  if (!memory._disposed && memory._owner === tape._scope) return g;
  // The cached gradient was taken (keep, a tidy's return) and perhaps
  // freed; the tape still holds its memory and owns a new handle on it.
  const taken = g;
  g = within(tape._scope, () => ownHandle(taken));
  grads.set(node, g);
  return g;
}

type Leaf = { input: number | Tensor; handle: Tensor };

/** Replaces every number and tensor in `x` (arrays, plain objects) with a fresh tracked handle. */
function substitute(x: unknown, leaves: Leaf[], op: string, path: string): unknown {
  if (typeof x === 'number') {
    const handle = tensor(x, { dtype: 'float64' });
    leaves.push({ input: x, handle });
    return handle;
  }
  if (x instanceof Tensor) {
    checkLive(x, op);
    if (!isFloat(x.dtype)) {
      throw new DTypeError(
        `${op}: cannot differentiate with respect to the ${x.dtype} tensor at ${path} (shape ${shapeString(x.shape)}); ` +
          'gradients are defined for float32 and float64 tensors: cast it, or pass it as another argument than the one differentiated',
      );
    }
    const handle = identity(x);
    leaves.push({ input: x, handle });
    return handle;
  }
  if (Array.isArray(x)) return x.map((v, i) => substitute(v, leaves, op, `${path}[${i}]`));
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(x)) out[key] = substitute((x as Record<string, unknown>)[key], leaves, op, `${path}.${key}`);
    return out;
  }
  throw new ArgumentError(
    `${op}: cannot differentiate with respect to ${describe(x)} at ${path}; ` +
      'expected a number, a Tensor, or arrays and plain objects of them',
  );
}

function rebuild(x: unknown, grads: unknown[], counter: { i: number }): unknown {
  if (typeof x === 'number' || x instanceof Tensor) return grads[counter.i++];
  if (Array.isArray(x)) return x.map((v) => rebuild(v, grads, counter));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(x as object)) out[key] = rebuild((x as Record<string, unknown>)[key], grads, counter);
  return out;
}

/** Numbers stay numbers, unless an outer tape is tracking the value (then it must stay a tensor). */
function present(t: Tensor, asNumber: boolean): Tensor | number {
  if (!asNumber || trackedNow(t)) return t;
  const v = t.item();
  t.dispose();
  return v;
}

function functionForm(f: (...args: any[]) => unknown, argnum: number, args: unknown[], op: string): [unknown, unknown] {
  if (argnum >= args.length) {
    throw new ArgumentError(`${op}: argnum ${argnum} is out of range: the function was called with ${args.length} argument(s)`);
  }
  if (recording.suspended > 0) {
    throw new ArgumentError(`${op}: cannot differentiate inside the forward function of a primitive`);
  }
  const tape = new Tape();
  const leaves: Leaf[] = [];
  let call: unknown[];
  try {
    call = within(tape._scope, () => {
      const substituted = substitute(args[argnum], leaves, op, `argument ${argnum}`);
      const c = args.slice();
      c[argnum] = substituted;
      return c;
    });
  } catch (error) {
    tape.dispose();
    throw error;
  }
  for (const leaf of leaves) tape.addLeaf(leaf.handle);
  record(tape, () => f(...call) as Tensor | number, op);
  try {
    const grads: unknown[] = [];
    for (const leaf of leaves) {
      let g = denseGradOf(tape, leaf.handle);
      if (g === null) {
        g = zeros(leaf.handle.shape.slice(), { dtype: leaf.handle.dtype });
      } else {
        moveToCurrent(g);
      }
      grads.push(present(g, typeof leaf.input === 'number'));
    }
    let loss: unknown = tape._result;
    if (loss instanceof Tensor) {
      if (trackedNow(loss)) {
        if (loss._owner === tape._scope) moveToCurrent(loss);
      } else {
        loss = tape.value;
      }
    }
    const target = args[argnum];
    const gradient = rebuild(target, grads, { i: 0 });
    return [gradient, loss];
  } finally {
    tape.dispose();
  }
}

/**
 * Every Param reachable from `obj` through arrays, plain objects, Maps, Sets,
 * class instances and callable layers, each once, in the order first met
 * (cycle-safe). Given a Tape, the Params it recorded, in the order it met
 * them (AutoGrad.jl's `params(J)`): `for (const p of ag.params(tape))`.
 *
 * @example
 * class Linear { w = ag.Param(ag.randn([3, 2])); b = ag.Param(ag.zeros([3])); }
 * ag.params({ layers: [new Linear(), new Linear()] }).length; // 4
 */
export function params(obj: unknown): Tensor[] {
  if (obj instanceof Tape) {
    if (obj._disposed) throw new DisposedError('params: the tape was disposed');
    // AutoGrad.jl's params(J): the Params the tape recorded, in order.
    return obj.nodes.filter((n) => n.op === null && n.value._param && !n.value._disposed).map((n) => n.value);
  }
  const found: Tensor[] = [];
  const seen = new Set<unknown>();
  const walk = (x: unknown): void => {
    // functions too: layers are callable objects holding Params
    if (x === null || (typeof x !== 'object' && typeof x !== 'function') || seen.has(x)) return;
    seen.add(x);
    if (x instanceof Tensor) {
      if (x._param && !x._disposed) found.push(x);
      return;
    }
    if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer || x instanceof Tape) return;
    if (x instanceof Map) {
      for (const [k, v] of x) {
        walk(k);
        walk(v);
      }
      return;
    }
    if (x instanceof Set || Array.isArray(x)) {
      for (const v of x) walk(v);
      return;
    }
    for (const key of Object.keys(x)) walk((x as Record<string, unknown>)[key]);
  };
  walk(obj);
  return found;
}
