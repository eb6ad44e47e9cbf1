// The one door every op goes through: a forward function on values, plus one
// gradient rule per argument. Calling it records the result on every active
// tape that tracks one of its arguments. A call is all or nothing: if its
// argument conversion or its forward function fails, what it made is freed
// and nothing is recorded.

import { Tensor, alias, temporaries } from '../runtime/tensor';
import { isFloat } from '../runtime/dtype';
import { ArgumentError, AutogradError, describe } from '../runtime/errors';
import { Scope, currentScope, disposeAll, moveToCurrent, popScope, pushScope, type Owned } from '../runtime/scope';
import { activeTapes, recording, nodeCount, type Node, type Tape } from './tape';
import { hooks, type GradRule, type MultiGradRule } from './hooks';

export type { GradRule, MultiGradRule };

/**
 * An op as the tape sees it: a name, a forward function on its (converted)
 * arguments, and one gradient rule per argument — or `rules: null` for an op
 * whose result is a constant on every tape (comparisons, rounding, masks).
 */
export interface Primitive<A extends unknown[] = any[]> {
  readonly name: string;
  readonly forward: (...args: A) => Tensor;
  readonly rules: readonly GradRule[] | null;
  /**
   * How forward mode (jvp) pushes tangents through the op, derived from its
   * rules and forward (see core/transforms.ts): 'elementwise' (its rules are
   * dy ⊙ ∂y/∂x, so a rule applied to a tangent is J·v), 'linear' (the
   * forward of the tangents), 'bilinear' (the forward with one argument
   * replaced by its tangent, summed). Absent: forward mode goes through the
   * rules (reverse mode twice) for a function that uses the op, unless its
   * result is 0-d.
   */
  readonly tangent?: TangentKind;
}

/** See Primitive.tangent. */
export type TangentKind = 'elementwise' | 'linear' | 'bilinear';

/**
 * An op with several results (eigh's values and vectors, qr's q and r): its
 * forward function returns them as an array, and each rule gets the
 * gradients of all of them (`null` for a result nothing used).
 */
export interface MultiPrimitive<A extends unknown[] = any[]> {
  readonly name: string;
  readonly forward: (...args: A) => readonly Tensor[];
  readonly rules: readonly MultiGradRule[] | null;
  readonly multiple: true;
}

const FAILED = 'the failure of the call that created it';

// Calls made outside every scope run in a frame, so that what a call creates
// and does not return is freed, and a failed call leaves nothing behind.
// Frames are reused: one is needed per call at the bottom of the stack.
const framePool: Scope[] = [];

/**
 * Calls primitive `p`: `prepare` (when given) first turns the caller's
 * arguments into the forward function's (checking them, making tensors of
 * numbers; `op` names the call in its errors), inside the call's guard. The hot path — inside a tidy or a diff —
 * is a mark on the current scope to take back what a failed call made.
 */
/** Turns a call's arguments into the forward function's. */
export type Prepare<A> = (op: string, args: any) => A;

export function invoke<A extends unknown[]>(p: Primitive<A>, prepare: Prepare<A> | null, args: unknown[]): Tensor {
  const scope = currentScope();
  if (scope === null) return invokeInFrame(p, prepare, args);
  const mark = scope.mark();
  const nodes = nodeCount.value;
  let a: A = args as A;
  let y: Tensor;
  try {
    if (prepare !== null) a = prepare(p.name, args);
    y = callForward(p, a);
  } catch (error) {
    failed(scope.takeFrom(mark), a, nodes);
    throw error;
  }
  // A result must be a handle this call made: the tape maps handles to nodes.
  if (!(y._owner === scope && y._slot >= mark) || y._param) y = alias(y, y.shape);
  // An int32 or bool result is a constant on every tape: no gradient flows through it.
  if (p.rules !== null && activeTapes.length > 0 && recording.suspended === 0 && isFloat(y.dtype)) record(p, y, a);
  if (temporaries.pending !== 0) settleTemporaries(a, false);
  return y;
}

/** A call outside every scope: what it made but does not return is freed; nothing records or reads it. */
function invokeInFrame<A extends unknown[]>(p: Primitive<A>, prepare: Prepare<A> | null, args: unknown[]): Tensor {
  const frame = pushScope(framePool.pop() ?? new Scope('frame'));
  let a: A = args as A;
  let y: Tensor;
  try {
    if (prepare !== null) a = prepare(p.name, args);
    y = callForward(p, a);
  } catch (error) {
    popScope(frame);
    const made = frame.take();
    framePool.push(frame);
    failed(made, a, nodeCount.value);
    throw error;
  }
  const fresh = y._owner === frame && !y._param;
  popScope(frame);
  if (frame.takeSole() === y) {
    // the usual end: the frame holds just the result, which goes to the user
    framePool.push(frame);
    y._toUser();
  } else {
    const items = frame.take();
    framePool.push(frame);
    for (const item of items) {
      if (item === y) moveToCurrent(y);
      else item.dispose('the end of the call that created it');
    }
  }
  if (temporaries.pending !== 0) settleTemporaries(a, true);
  return fresh ? y : alias(y, y.shape);
}

/**
 * Calls an op with several results, as `invoke` calls one with one: all or
 * nothing, each result a handle of its own (recorded on the tapes as one
 * node per result, sharing the call), owned like any op's result.
 */
export function invokeMany<A extends unknown[]>(p: MultiPrimitive<A>, prepare: Prepare<A> | null, args: unknown[]): Tensor[] {
  const outer = currentScope();
  const scope = outer ?? pushScope(framePool.pop() ?? new Scope('frame'));
  const mark = scope.mark();
  const nodes = nodeCount.value;
  let a: A = args as A;
  let ys: Tensor[];
  try {
    if (prepare !== null) a = prepare(p.name, args);
    ys = callForwardMany(p, a);
    // Each result a handle this call made, and no two the same: the tape
    // maps handles to nodes.
    for (let k = 0; k < ys.length; k++) {
      const y = ys[k];
      if (!(y._owner === scope && y._slot >= mark) || y._param || ys.indexOf(y) < k) ys[k] = alias(y, y.shape);
    }
  } catch (error) {
    if (outer === null) popScope(scope);
    const made = scope.takeFrom(mark);
    if (outer === null) framePool.push(scope);
    failed(made, a, nodes);
    throw error;
  }
  if (outer !== null) {
    if (p.rules !== null && activeTapes.length > 0 && recording.suspended === 0) recordMany(p, ys, a);
    if (temporaries.pending !== 0) settleTemporaries(a, false);
    return ys;
  }
  // Outside every scope: the results go to the user, the rest is freed.
  popScope(scope);
  const items = scope.take();
  framePool.push(scope);
  for (const item of items) {
    if (ys.includes(item as Tensor)) moveToCurrent(item);
    else item.dispose('the end of the call that created it');
  }
  if (temporaries.pending !== 0) settleTemporaries(a, true);
  return ys;
}

/** p.forward(...a) with recording suspended (a forward is one op, whatever it calls), timed when profiling. */
function runForward<A extends unknown[]>(p: { readonly name: string; readonly forward: (...args: A) => unknown }, a: A): unknown {
  recording.suspended++;
  try {
    if (hooks.profiler === null) return p.forward(...a);
    const t0 = hooks.profiler.now();
    const y = p.forward(...a);
    hooks.profiler.addForward(p.name, hooks.profiler.now() - t0);
    return y;
  } finally {
    recording.suspended--;
  }
}

function callForwardMany<A extends unknown[]>(p: MultiPrimitive<A>, a: A): Tensor[] {
  const ys = runForward(p, a);
  if (!Array.isArray(ys) || ys.length === 0 || !ys.every((y) => y instanceof Tensor && !y._disposed)) {
    throw new AutogradError(`${p.name}: forward function returned ${describe(ys)}, expected a non-empty array of live Tensors`);
  }
  const out = ys.slice() as Tensor[];
  if (hooks.checkFinite !== null) {
    const tape = activeTapes.length > 0 ? activeTapes[activeTapes.length - 1] : null;
    for (let k = 0; k < out.length; k++) {
      hooks.checkFinite(`${p.name} (result ${k + 1} of ${out.length})`, out[k], tape === null ? -1 : tape.nodes.length + k, a);
    }
  }
  return out;
}

function callForward<A extends unknown[]>(p: Primitive<A>, a: A): Tensor {
  const y = runForward(p, a);
  if (!(y instanceof Tensor)) {
    throw new AutogradError(`${p.name}: forward function returned ${describe(y)}, expected a Tensor`);
  }
  if (hooks.checkFinite !== null) {
    const tape = activeTapes.length > 0 ? activeTapes[activeTapes.length - 1] : null;
    hooks.checkFinite(p.name, y, tape === null ? -1 : positionOnTape(tape, a), a);
  }
  return y;
}

/** Where this call's node will stand on `tape`: after the leaves its Params not yet seen will add. */
function positionOnTape(tape: Tape, args: readonly unknown[]): number {
  const fresh = new Set<Tensor>();
  for (const x of args) if (x instanceof Tensor && x._param && !tape.byTensor.has(x)) fresh.add(x);
  return tape.nodes.length + fresh.size;
}

/** A failed call: nodes recorded since `nodes` (a dtype cast while converting) come off the tapes; what it made is freed. */
function failed(made: Owned[], args: readonly unknown[], nodes: number): void {
  if (nodeCount.value !== nodes) for (const tape of activeTapes) tape.truncateAfter(nodes);
  disposeAll(made, FAILED);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor && a._temp) {
      a._temp = false;
      temporaries.pending--;
      a.dispose('the failure of the call it was made for (a number argument)');
    }
  }
}

/**
 * After a call, its number arguments' tensors are freed when no scope owns
 * them (nothing can reach them), and otherwise become ordinary tensors of
 * their scope (a tape may read them), no longer this call's to free.
 */
function settleTemporaries(args: readonly unknown[], free: boolean): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor && a._temp) {
      a._temp = false;
      temporaries.pending--;
      if (free) a.dispose('the end of the call it was made for (a number argument)');
    }
  }
}

function record(p: Primitive, y: Tensor, args: readonly unknown[]): void {
  let recorded = false;
  for (let t = 0; t < activeTapes.length; t++) {
    const tape = activeTapes[t];
    const parents = parentsOn(tape, args);
    if (parents !== null) {
      tape.record(p, y, args, parents);
      recorded = true;
    }
  }
  if (recorded) {
    y._recorded = true;
    markRecorded(args);
  }
}

function recordMany(p: MultiPrimitive, ys: Tensor[], args: readonly unknown[]): void {
  let recorded = false;
  for (let t = 0; t < activeTapes.length; t++) {
    const tape = activeTapes[t];
    const parents = parentsOn(tape, args);
    if (parents !== null) {
      tape.recordGroup(p, ys, args, parents);
      recorded = true;
    }
  }
  if (recorded) {
    for (const y of ys) y._recorded = true;
    markRecorded(args);
  }
}

/** The tape's nodes of the tensor arguments (null where an argument is not on it), or null when none is. */
function parentsOn(tape: Tape, args: readonly unknown[]): (Node | null)[] | null {
  let parents: (Node | null)[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!(a instanceof Tensor)) continue;
    const node = tape.lookup(a);
    if (node === undefined) continue;
    if (parents === null) parents = new Array<Node | null>(args.length).fill(null);
    parents[i] = node;
  }
  return parents;
}

function markRecorded(args: readonly unknown[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor) a._recorded = true;
  }
}

/**
 * Runs `fn`, a public function composed of several ops, so that a failure
 * half-way leaves nothing allocated and no tape half-written, and (outside
 * every scope) what it made but does not return is freed.
 * @internal
 */
export function composite<R>(fn: () => R): R {
  const scope = currentScope();
  const nodes = nodeCount.value;
  if (scope === null) {
    const frame = pushScope(framePool.pop() ?? new Scope('frame'));
    let result: R;
    try {
      result = fn();
    } catch (error) {
      popScope(frame);
      const made = frame.take();
      framePool.push(frame);
      failed(made, [], nodes);
      throw error;
    }
    popScope(frame);
    const items = frame.take();
    framePool.push(frame);
    const keep = new Set<unknown>(Array.isArray(result) ? result : [result]);
    for (const item of items) {
      if (keep.has(item)) moveToCurrent(item);
      else item.dispose('the end of the call that created it');
    }
    return result;
  }
  const mark = scope.mark();
  try {
    return fn();
  } catch (error) {
    failed(scope.takeFrom(mark), [], nodes);
    throw error;
  }
}

function checkName(op: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ArgumentError(`${op}: name must be a non-empty string, got ${describe(name)}`);
  }
  return name;
}

/**
 * Makes a new differentiable function from a forward function on tensors and
 * one gradient rule per argument, like AutoGrad.jl's `@primitive`. A rule
 * gets `(dy, y, ...args)` and returns the gradient for its argument (same
 * shape) or `null`. Rules must be written with differentiable ops, so that
 * gradients of gradients work. Arguments that are not tensors (numbers,
 * options) are passed through; give them a `null` rule.
 *
 * @example
 * // log(x) with d/dx = 1/x
 * const mylog = ag.primitive('mylog', (x: ag.Tensor) => ag.log(x),
 *   (dy, y, x) => ag.div(dy, x));
 * ag.grad((x: ag.Tensor) => ag.sum(mylog(x)))(ag.tensor([1, 2, 4])); // [1, 0.5, 0.25]
 */
export function primitive<A extends any[]>(
  name: string,
  forward: (...args: A) => Tensor,
  ...rules: (((dy: Tensor, y: Tensor, ...args: A) => Tensor | null) | null)[]
): (...args: A) => Tensor {
  checkName('primitive', name);
  if (typeof forward !== 'function') throw new ArgumentError(`primitive ${name}: forward must be a function, got ${describe(forward)}`);
  for (let i = 0; i < rules.length; i++) {
    if (rules[i] !== null && typeof rules[i] !== 'function') {
      throw new ArgumentError(`primitive ${name}: gradient rule ${i + 1} must be a function or null, got ${describe(rules[i])}`);
    }
  }
  const p: Primitive<A> = { name, forward, rules: rules as GradRule[] };
  const fn = (...args: A): Tensor => invoke(p, null, args);
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/**
 * A primitive made from its full description (a tangent kind included); for
 * the library's own ops built outside the declarations (variadic joins).
 * @internal
 */
export function primitiveOf<A extends any[]>(p: Primitive<A>): (...args: A) => Tensor {
  const fn = (...args: A): Tensor => invoke(p, null, args);
  Object.defineProperty(fn, 'name', { value: p.name });
  return fn;
}

/**
 * A function whose result is a constant on every tape (AutoGrad.jl's
 * `@zerograd`): comparisons, rounding, argmax...
 *
 * @example
 * const step = ag.zerograd('step', (x: ag.Tensor) => ag.greater(x, 0));
 */
export function zerograd<A extends any[]>(name: string, forward: (...args: A) => Tensor): (...args: A) => Tensor {
  checkName('zerograd', name);
  if (typeof forward !== 'function') throw new ArgumentError(`zerograd ${name}: forward must be a function, got ${describe(forward)}`);
  const p: Primitive<A> = { name, forward, rules: null };
  const fn = (...args: A): Tensor => invoke(p, null, args);
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** The gradients flowing into the results of an op with several results: a Tensor, or null for a result nothing used. */
export type Cotangents<Y> = { -readonly [K in keyof Y]: Tensor | null };

/**
 * Like `primitive`, for a function with several results: `forward` returns
 * an array (or a plain object) of tensors, and each gradient rule gets
 * `(dys, ys, ...args)`, where `dys` has the results' structure and holds the
 * gradient flowing into each result, or `null` for a result that nothing
 * used (treat it as zeros). Every result is an ordinary tensor: recorded,
 * owned and freed like the result of any op. Rules must be written with
 * differentiable ops, so that gradients of gradients work.
 *
 * @example
 * // x and x², with d/dx <dy0, x> + <dy1, x²> = dy0 + 2 x dy1
 * const powers = ag.multiPrimitive('powers', (x: ag.Tensor) => [ag.mul(x, 1), ag.mul(x, x)],
 *   ([d1, d2], _ys, x) => ag.add(d1 ?? 0, ag.mul(d2 ?? 0, ag.mul(x, 2))));
 * const [a, b] = powers(ag.tensor([1, 2, 3]));
 */
export function multiPrimitive<A extends any[], Y extends readonly Tensor[] | { readonly [key: string]: Tensor }>(
  name: string,
  forward: (...args: A) => Y,
  ...rules: (((dys: Cotangents<Y>, ys: Y, ...args: A) => Tensor | null) | null)[]
): (...args: A) => Y {
  checkName('multiPrimitive', name);
  if (typeof forward !== 'function') throw new ArgumentError(`multiPrimitive ${name}: forward must be a function, got ${describe(forward)}`);
  for (let i = 0; i < rules.length; i++) {
    if (rules[i] !== null && typeof rules[i] !== 'function') {
      throw new ArgumentError(`multiPrimitive ${name}: gradient rule ${i + 1} must be a function or null, got ${describe(rules[i])}`);
    }
  }
  // The results as a list for the tape. An object's keys (fixed by the
  // first call: rules run long after the call that recorded them) rebuild
  // it for the rules and for the caller; `null` for arrays.
  let keys: string[] | null | undefined;
  const listed = (...args: A): Tensor[] => {
    const y = forward(...args) as unknown;
    let found: string[] | null;
    if (Array.isArray(y)) found = null;
    else if (y !== null && typeof y === 'object' && Object.getPrototypeOf(y) === Object.prototype) found = Object.keys(y);
    else throw new AutogradError(`multiPrimitive ${name}: forward function returned ${describe(y)}, expected an array or a plain object of Tensors`);
    if (keys === undefined) keys = found;
    if (found === null ? keys !== null : keys === null || found.join() !== keys.join()) {
      throw new AutogradError(
        `multiPrimitive ${name}: forward function returned ${found === null ? 'an array' : `an object with keys ${found.join(', ')}`}, ` +
          `but ${keys === null ? 'an array' : `an object with keys ${keys.join(', ')}`} before; it must return the same structure every time`,
      );
    }
    return found === null ? (y as Tensor[]) : found.map((k) => (y as Record<string, Tensor>)[k]);
  };
  const structured = (list: readonly unknown[]): unknown => {
    if (keys === null || keys === undefined) return list.slice();
    const out: Record<string, unknown> = {};
    keys.forEach((k, i) => (out[k] = list[i]));
    return out;
  };
  const p: MultiPrimitive<A> = {
    name,
    forward: listed,
    multiple: true,
    rules: rules.map((rule) =>
      rule === null
        ? null
        : (dys: readonly (Tensor | null)[], ys: readonly Tensor[], ...args: unknown[]) =>
            (rule as (...a: unknown[]) => Tensor | null)(structured(dys), structured(ys), ...args),
    ),
  };
  const fn = (...args: A): Y => structured(invokeMany(p, null, args)) as Y;
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
