// The one door every op goes through: a forward function on values, plus one
// gradient rule per argument. Calling the result records it on every active
// tape that tracks one of its arguments.

import { Tensor, alias } from '../tensor';
import { ArgumentError, AutogradError, describe } from '../errors';
import { currentScope } from '../memory';
import { activeTapes, recording, type Node } from './tape';
import { hooks, type GradRule, type Primitive } from './hooks';

export type { GradRule, Primitive };

function run<A extends unknown[]>(name: string, forward: (...args: A) => Tensor, args: A): Tensor {
  recording.suspended++;
  let y: unknown;
  try {
    if (hooks.profiler === null) y = forward(...args);
    else {
      const t0 = hooks.profiler.now();
      y = forward(...args);
      hooks.profiler.addForward(name, hooks.profiler.now() - t0);
    }
  } finally {
    recording.suspended--;
  }
  if (!(y instanceof Tensor)) {
    throw new AutogradError(`${name}: forward function returned ${describe(y)}, expected a Tensor`);
  }
  if (hooks.checkFinite !== null) {
    const tape = activeTapes.length > 0 ? activeTapes[activeTapes.length - 1] : null;
    hooks.checkFinite(name, y, tape === null ? -1 : tape.nodes.length, args);
  }
  // A result must be a handle of its own: the tape maps handles to nodes.
  for (let i = 0; i < args.length; i++) if (args[i] === y) return alias(y, y.shape);
  if (y._param) return alias(y, y.shape);
  return y;
}

function record(op: Primitive, y: Tensor, args: readonly unknown[]): void {
  let recorded = false;
  let versions: number[] | null = null;
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
      if (versions === null) {
        versions = [y._version];
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (a instanceof Tensor) versions.push(a._version);
        }
      }
      tape.record(op, y, args, parents, versions);
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
    else if (currentScope() === null) freeTemporaries(args);
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
    if (currentScope() === null) freeTemporaries(args);
    return y;
  };
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** Number arguments turned into tensors for this call: nothing else can reach them. */
function freeTemporaries(args: readonly unknown[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor && a._temp) a.dispose();
  }
}
