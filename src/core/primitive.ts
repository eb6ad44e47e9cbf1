// The one door every op goes through: a forward function on values, plus one
// gradient rule per argument. Calling the result records it on every active
// tape that tracks one of its arguments.

import { Tensor, alias, temporaries } from '../runtime/tensor';
import { ArgumentError, AutogradError, describe } from '../runtime/errors';
import { Scope, currentScope, disposeAll, moveToCurrent, popScope, pushScope, type Owned } from '../runtime/scope';
import { activeTapes, recording, type Node } from './tape';
import { hooks, type GradRule, type Primitive } from './hooks';

export type { GradRule, Primitive };

const FAILED = 'the failure of the call that created it';

// Calls made outside every scope run in a frame, so that what a call creates
// and does not return is freed, and a failed call leaves nothing behind.
// Frames are reused: one is needed per call at the bottom of the stack.
const framePool: Scope[] = [];

function openFrame(): Scope {
  return pushScope(framePool.pop() ?? new Scope('frame'));
}

function closeFrame(frame: Scope): Owned[] {
  popScope(frame);
  const items = frame.take();
  framePool.push(frame);
  return items;
}

function run<A extends unknown[]>(name: string, forward: (...args: A) => Tensor, args: A): Tensor {
  const scope = currentScope();
  if (scope === null) return runInFrame(name, forward, args);
  // The hot path (inside a tidy or a diff): a mark on the current scope to
  // take back what a failed forward made.
  const mark = scope.mark();
  recording.suspended++;
  let y: Tensor;
  try {
    y = callForward(name, forward, args);
  } catch (error) {
    recording.suspended--;
    failed(scope.takeFrom(mark), args);
    throw error;
  }
  recording.suspended--;
  // A result must be a handle this call made: the tape maps handles to nodes.
  return y._owner === scope && y._slot >= mark && !y._param ? y : alias(y, y.shape);
}

function callForward<A extends unknown[]>(name: string, forward: (...args: A) => Tensor, args: A): Tensor {
  let y: unknown;
  if (hooks.profiler === null) y = forward(...args);
  else {
    const t0 = hooks.profiler.now();
    y = forward(...args);
    hooks.profiler.addForward(name, hooks.profiler.now() - t0);
  }
  if (!(y instanceof Tensor)) {
    throw new AutogradError(`${name}: forward function returned ${describe(y)}, expected a Tensor`);
  }
  if (hooks.checkFinite !== null) {
    const tape = activeTapes.length > 0 ? activeTapes[activeTapes.length - 1] : null;
    hooks.checkFinite(name, y, tape === null ? -1 : tape.nodes.length, args);
  }
  return y;
}

function failed(made: Owned[], args: readonly unknown[]): void {
  disposeAll(made, FAILED);
  freeTemporaries(args);
}

/** A call outside every scope: what forward made but did not return is freed; nothing will record or read it. */
function runInFrame<A extends unknown[]>(name: string, forward: (...args: A) => Tensor, args: A): Tensor {
  const frame = openFrame();
  recording.suspended++;
  let y: Tensor;
  try {
    y = callForward(name, forward, args);
  } catch (error) {
    recording.suspended--;
    failed(closeFrame(frame), args);
    throw error;
  }
  recording.suspended--;
  const fresh = y._owner === frame && !y._param;
  popScope(frame);
  if (frame.takeSole() === y) {
    // the usual end: the frame holds just the result, which goes to the user
    framePool.push(frame);
    y._toUser();
    return fresh ? y : alias(y, y.shape);
  }
  const items = frame.take();
  framePool.push(frame);
  for (const item of items) {
    if (item === y) moveToCurrent(y);
    else item.dispose('the end of the call that created it');
  }
  return fresh ? y : alias(y, y.shape);
}

/**
 * Runs `fn`, a public function composed of several ops, so that a failure
 * half-way leaves nothing allocated and no tape half-written, and (outside
 * every scope) what it made but does not return is freed.
 * @internal
 */
export function composite<R>(fn: () => R): R {
  const scope = currentScope();
  if (scope === null) {
    const frame = openFrame();
    let result: R;
    try {
      result = fn();
    } catch (error) {
      disposeAll(closeFrame(frame), FAILED);
      throw error;
    }
    const items = closeFrame(frame);
    const keep = new Set<unknown>(Array.isArray(result) ? result : [result]);
    for (const item of items) {
      if (keep.has(item)) moveToCurrent(item);
      else item.dispose('the end of the call that created it');
    }
    return result;
  }
  const mark = scope.mark();
  const tapes = activeTapes.slice();
  const counts = tapes.map((t) => t.nodes.length);
  try {
    return fn();
  } catch (error) {
    for (let i = 0; i < tapes.length; i++) tapes[i].truncate(counts[i]);
    disposeAll(scope.takeFrom(mark), FAILED);
    throw error;
  }
}

function record(op: Primitive, y: Tensor, args: readonly unknown[]): void {
  let recorded = false;
  for (let t = 0; t < activeTapes.length; t++) {
    const tape = activeTapes[t];
    let parents: (Node | null)[] | null = null;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (!(a instanceof Tensor)) continue;
      const node = tape.lookup(a);
      if (node === undefined) continue;
      if (parents === null) parents = new Array<Node | null>(args.length).fill(null);
      parents[i] = node;
    }
    if (parents !== null) {
      tape.record(op, y, args, parents);
      recorded = true;
    }
  }
  if (recorded) {
    y._recorded = true;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof Tensor) a._recorded = true;
    }
  }
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
  ...rules: GradRule[]
): (...args: A) => Tensor {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ArgumentError(`primitive: name must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof forward !== 'function') throw new ArgumentError(`primitive ${name}: forward must be a function, got ${describe(forward)}`);
  for (let i = 0; i < rules.length; i++) {
    if (rules[i] !== null && typeof rules[i] !== 'function') {
      throw new ArgumentError(`primitive ${name}: gradient rule ${i + 1} must be a function or null, got ${describe(rules[i])}`);
    }
  }
  const op: Primitive = { name, rules };
  const fn = (...args: A): Tensor => {
    const y = run(name, forward, args);
    if (activeTapes.length > 0 && recording.suspended === 0) record(op, y, args);
    settleTemporaries(args);
    return y;
  };
  Object.defineProperty(fn, 'name', { value: name });
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
  if (typeof name !== 'string' || name.length === 0) {
    throw new ArgumentError(`zerograd: name must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof forward !== 'function') throw new ArgumentError(`zerograd ${name}: forward must be a function, got ${describe(forward)}`);
  const fn = (...args: A): Tensor => {
    const y = run(name, forward, args);
    settleTemporaries(args);
    return y;
  };
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** Number arguments turned into tensors for this call, when it failed: nothing else can reach them. */
function freeTemporaries(args: readonly unknown[]): void {
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
function settleTemporaries(args: readonly unknown[]): void {
  if (temporaries.pending === 0) return;
  const free = currentScope() === null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor && a._temp) {
      a._temp = false;
      temporaries.pending--;
      if (free) a.dispose('the end of the call it was made for (a number argument)');
    }
  }
}
