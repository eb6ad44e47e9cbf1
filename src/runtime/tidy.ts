// tidy and keep: scopes the user opens, and moving a tensor to the user.

import { Tensor, checkLive } from './tensor';
import { Scope, endScope, moveToCurrent, moveToUser, ownedWithin, popScope, pushScope, type Owned } from './scope';
import { ArgumentError, describe } from './errors';
import { SparseGradient } from './sparse';

// ---- scopes ----

function isOwned(value: object): value is Owned {
  return value instanceof Tensor || (typeof (value as Owned)._toUser === 'function' && '_owner' in value);
}

/**
 * Functions that hold memory of their own (the pullback of `vjp`, the
 * function `linearize` returns: their recordings' tapes), so that `tidy`
 * can return them and `keep` take them as it does tensors.
 * @internal
 */
export const heldByFunction = new WeakMap<object, readonly Owned[]>();

/** A function that holds recordings (a `vjp` pullback, a `linearize` result): `keep` and `tidy` move what it holds. */
export type HoldingFunction = ((...args: never[]) => unknown) & { dispose(): void };

/**
 * The tensors and tapes in a returned value: itself, or inside arrays, plain
 * objects, Maps and Sets, at any depth (an explicit stack, not recursion, so
 * deep nesting cannot overflow the call stack).
 */
function collectReturned(value: unknown): Owned[] {
  const found: Owned[] = [];
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'function') {
      const owned = heldByFunction.get(v);
      if (owned !== undefined) found.push(...owned);
      continue;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (isOwned(v)) {
      found.push(v);
      if (v instanceof Tensor) continue;
    }
    if (v instanceof SparseGradient) {
      stack.push(v.values); // its memory is its values tensor
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x);
    } else if (v instanceof Set) {
      for (const x of v) stack.push(x);
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return found;
}

/** What an async function given to `tidy` is told, as a type error: tidy cannot span an await. */
export interface SyncOnly {
  readonly 'tidy takes a synchronous function: the tensors of an async one outlive the tidy': never;
}

/**
 * Runs `fn` and frees every tensor (and tape) it created except what it
 * returns — directly, or inside arrays, plain objects, Maps and Sets — and
 * what was passed to `keep`. What it returns survives whoever owned it
 * inside `fn` (a tape, a nested tidy) and belongs to the enclosing tidy, or
 * to you. Tensors it did not create are never freed. `fn` must be
 * synchronous.
 *
 * @example
 * const y = ag.tidy(() => {
 *   const t = ag.ones([3]).mul(2); // freed when tidy returns
 *   return t.add(1);               // returned: survives
 * });
 */
export function tidy<T>(fn: () => T & (T extends PromiseLike<unknown> ? SyncOnly : unknown)): T {
  if (typeof fn !== 'function') throw new ArgumentError(`tidy: expected a function, got ${describe(fn)}`);
  const scope = pushScope(new Scope('tidy'));
  let result: T;
  try {
    result = fn();
  } catch (error) {
    popScope(scope);
    endScope(scope.take(), scope.freedBy);
    throw error;
  }
  popScope(scope);
  try {
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      throw new ArgumentError(
        'tidy: fn returned a Promise; tidy frees memory when fn returns, so fn must be synchronous ' +
          '(await outside the tidy, or dispose tensors yourself in async code)',
      );
    }
    // Returned handles leave whatever owned them inside this tidy; those
    // owned outside it (by the user, an older tape) are not this tidy's to move.
    for (const item of collectReturned(result)) if (ownedWithin(item, scope)) moveToCurrent(item);
  } catch (error) {
    endScope(scope.take(), scope.freedBy);
    throw error;
  }
  endScope(scope.take(), scope.freedBy);
  return result;
}

/**
 * Takes `t` away from whatever owns it — a tidy, a tape (a gradient, a
 * value computed inside diff) — and gives it to you: nothing frees it but
 * `dispose()` or, once you drop it, the garbage collector. A SparseGradient
 * is kept with its values; a `vjp` pullback or a `linearize` function with
 * its recordings.
 *
 * @example
 * let total!: ag.Tensor;
 * ag.tidy(() => { total = ag.keep(ag.ones([2]).mul(3)); });
 */
export function keep<T extends Tensor | SparseGradient | HoldingFunction>(t: T): T {
  if (t instanceof SparseGradient) {
    keep(t.values); // its memory is its values tensor
    return t;
  }
  if (typeof t === 'function' && heldByFunction.has(t)) {
    for (const item of heldByFunction.get(t)!) moveToUser(item);
    return t;
  }
  if (!(t instanceof Tensor)) throw new ArgumentError(`keep: expected a Tensor, a SparseGradient, or a function vjp or linearize returned, got ${describe(t)}`);
  checkLive(t, 'keep');
  moveToUser(t);
  return t;
}

