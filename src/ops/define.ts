// How an op is declared, once: its name, how its public arguments are
// checked and converted, its forward function, and one gradient rule per
// argument. From the declaration come the public function (validated), its
// unvalidated form for gradient rules (`raw.mul(dy, b)`: recorded like any
// call, so higher orders work, but with no argument checks), the Tensor
// method and its type (methods.ts), the op's entry in the registry (the
// op-table coverage test and the README reference read it), and its name on
// tapes, in errors and in profiles.

import type { Tensor, TensorLike } from '../runtime/tensor';
import type { SparseGradient } from '../runtime/sparse';
import { composite, invoke, invokeMany, type MultiPrimitive, type Primitive, type TangentKind } from '../core/primitive';
import { asTensor, castTemp, checkAnyTensor, checkTensor, coerceFloatPair, coercePair, rawPair } from './args';

/**
 * A gradient rule of an op whose forward takes `A`: `(dy, y, ...args) =>
 * gradient for one argument` (rows picked from a table may come back sparse).
 */
export type Rule<A extends unknown[]> = (dy: Tensor, y: Tensor, ...args: A) => Tensor | SparseGradient | null;
/** One rule (or null, for an argument that is not differentiable: a shape, an option) per argument. */
export type Rules<A extends unknown[]> = { [K in keyof A]: Rule<A> | null };

declare const RAW: unique symbol;

/** A public op: a function that carries its name. */
export interface OpFn<P extends unknown[], R extends unknown[] = P, Y = Tensor> {
  (...args: P): Y;
  /** The op's name on tapes, in errors and in profiles. */
  readonly opName: string;
  /** @internal the arguments of its unvalidated form, for gradient rules */
  readonly [RAW]?: R;
}

/**
 * What an op's arguments are: checked and converted for the public function
 * (`parse`, given the call's arguments as one array: a named tuple type names
 * the public parameters), converted only for rules (`raw`; null when the
 * rules pass the forward's arguments as they are).
 */
export interface Args<P extends unknown[], A extends unknown[], R extends unknown[]> {
  parse(op: string, args: P): A;
  raw: ((op: string, args: R) => A) | null;
}

/** One tensor-or-number (numbers become float64 0-d tensors; int32 and bool tensors are computed on as float64). */
export const unary: Args<[x: TensorLike], [Tensor], [x: Tensor]> = {
  parse: (op, args) => [asTensor(op, args[0], 'float64')],
  raw: null,
};

/** One tensor-or-number for an op with an int32 kernel (neg, abs, sign): int32 stays int32, bool becomes int32. */
export const numeric: Args<[x: TensorLike], [Tensor], [x: Tensor]> = {
  parse: (op, args) => {
    const x = args[0];
    if (typeof x === 'number') return [asTensor(op, x, 'float64')];
    const t = checkAnyTensor(op, x);
    return [t.dtype === 'bool' ? castTemp(t, 'int32') : t];
  },
  raw: null,
};

/** One tensor. */
export const tensorArg: Args<[x: Tensor], [Tensor], [x: Tensor]> = {
  parse: (op, args) => [checkTensor(op, args[0])],
  raw: null,
};

/** Two broadcasting operands, tensors or numbers, brought to one dtype (see coercePair). */
export const pair: Args<[a: TensorLike, b: TensorLike], [Tensor, Tensor], [a: TensorLike, b: TensorLike]> = {
  parse: (op, args) => coercePair(op, args[0], args[1]),
  raw: (_op, args) => rawPair(args[0], args[1]),
};

/** Two broadcasting operands of an op that computes in floating point (div, atan2...): as `pair`, with int32 and bool as float64. */
export const floatPair: Args<[a: TensorLike, b: TensorLike], [Tensor, Tensor], [a: TensorLike, b: TensorLike]> = {
  parse: (op, args) => coerceFloatPair(op, args[0], args[1]),
  raw: (_op, args) => rawPair(args[0], args[1]),
};

/** Arguments checked by `parse` (written with the public parameters); rules pass the forward's arguments as they are. */
export function custom<P extends unknown[], A extends unknown[]>(parse: (op: string, ...args: P) => A): Args<P, A, A> {
  return { parse: (op, args) => parse(op, ...args), raw: null };
}

/** Every public op, in declaration order: for methods, the coverage test and the README reference. */
export interface Declared {
  readonly name: string;
  readonly fn: (...args: any[]) => unknown;
  /** A constant on every tape. */
  readonly constant: boolean;
  /** Made of other ops rather than a primitive of its own. */
  readonly composite: boolean;
}
export const declared: Declared[] = [];

/** The unvalidated forms, by name: what gradient rules call (filled as ops are declared). */
export const rawOps: Record<string, (...args: any[]) => any> = {};

function register<F extends (...args: any[]) => unknown>(
  name: string, fn: F, rawFn: (...args: any[]) => unknown, constant: boolean, isComposite: boolean,
): F {
  if (rawOps[name] !== undefined) throw new Error(`autograd-wasm internal error: op ${name} declared twice`);
  rawOps[name] = rawFn;
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(fn, 'opName', { value: name });
  declared.push({ name, fn, constant, composite: isComposite });
  return fn;
}

/**
 * The second half of a declaration: the gradient rules, given after the
 * rest so that rules may call any op (`raw.*`) without the op's own type
 * depending on them.
 */
export interface WithRules<P extends unknown[], A extends unknown[], R extends unknown[]> {
  /** One rule per forward argument (null for an argument that takes no gradient: a shape, an option). */
  grads(...rules: Rules<A>): OpFn<P, R>;
  /** The result is a constant on every tape (comparisons, rounding, masks): no gradient flows. */
  constant(): OpFn<P, R>;
}

/**
 * Declares a primitive op; its rules follow in `.grads(...)` (or `.constant()`).
 *
 * @example
 * export const exp = op({ name: 'exp', args: unary, forward: kernel('exp') })
 *   .grads((dy, y) => raw.mul(dy, y));
 */
export function op<P extends unknown[], A extends unknown[], R extends unknown[]>(d: {
  name: string;
  args: Args<P, A, R>;
  forward: (...args: A) => Tensor;
  /** A helper of other ops' rules (a mask, a backward kernel), not part of the public API. */
  internal?: true;
  /**
   * How forward mode pushes tangents through it (core/primitive.ts): ops
   * with elementwise arguments (unary, numeric, pair, floatPair) are
   * 'elementwise' unless they say otherwise; 'linear' and 'bilinear' are
   * declared.
   */
  tangent?: TangentKind | null;
}): WithRules<P, A, R> {
  const elementwise = d.args === (unary as unknown) || d.args === (numeric as unknown) || d.args === (pair as unknown) || d.args === (floatPair as unknown);
  const tangent = d.tangent !== undefined ? (d.tangent ?? undefined) : elementwise ? 'elementwise' : undefined;
  const make = (rules: readonly Rule<A>[] | null): OpFn<P, R> => {
    const name = d.name;
    const p: Primitive<A> = { name, forward: d.forward, rules, tangent };
    const parse = d.args.parse;
    const fn = (...args: P): Tensor => invoke(p, parse, args);
    if (d.internal === true) return Object.defineProperty(fn, 'name', { value: name }) as unknown as OpFn<P, R>;
    const rawPrepare = d.args.raw;
    const rawFn = rawPrepare === null ? (...args: A) => invoke(p, null, args) : (...args: R) => invoke(p, rawPrepare, args);
    return register(name, fn, rawFn, rules === null, false) as unknown as OpFn<P, R>;
  };
  return {
    grads: (...rules) => make(rules as unknown as Rule<A>[]),
    constant: () => make(null),
  };
}

/**
 * A gradient rule of an op with several results `Y` whose forward takes `A`:
 * `(dys, ys, ...args) => gradient for one argument`, where `dys[k]` is the
 * gradient flowing into result k, or null when nothing used that result.
 */
export type MultiRule<A extends unknown[], Y extends readonly Tensor[]> =
  (dys: { -readonly [K in keyof Y]: Tensor | null }, ys: Y, ...args: A) => Tensor | null;

/** The second half of the declaration of an op with several results. */
export interface WithMultiRules<P extends unknown[], A extends unknown[], R extends unknown[], Y extends readonly Tensor[]> {
  /** One rule per forward argument (null for one that takes no gradient). */
  grads(...rules: { [K in keyof A]: MultiRule<A, Y> | null }): OpFn<P, R, Y>;
  /** Every result is a constant on every tape. */
  constant(): OpFn<P, R, Y>;
}

/**
 * Declares a primitive op with several results (a tuple of tensors, as
 * `eigh` gives values and vectors); its rules, in `.grads(...)`, get the
 * gradients of all the results at once.
 *
 * @example
 * export const qr = multiOp({ name: 'qr', args: matrixArg, forward: qrForward })
 *   .grads(([dq, dr], [q, r], a) => ...);
 */
export function multiOp<P extends unknown[], A extends unknown[], R extends unknown[], Y extends readonly Tensor[]>(d: {
  name: string;
  args: Args<P, A, R>;
  forward: (...args: A) => Y;
  internal?: true;
}): WithMultiRules<P, A, R, Y> {
  const make = (rules: readonly MultiRule<A, Y>[] | null): OpFn<P, R, Y> => {
    const name = d.name;
    const p = { name, forward: d.forward, rules, multiple: true } as unknown as MultiPrimitive<A>;
    const parse = d.args.parse;
    const fn = (...args: P): Y => invokeMany(p, parse, args) as unknown as Y;
    if (d.internal === true) return Object.defineProperty(fn, 'name', { value: name }) as unknown as OpFn<P, R, Y>;
    const rawPrepare = d.args.raw;
    const rawFn = rawPrepare === null ? (...args: A) => invokeMany(p, null, args) : (...args: R) => invokeMany(p, rawPrepare, args);
    return register(name, fn, rawFn, rules === null, false) as unknown as OpFn<P, R, Y>;
  };
  return {
    grads: (...rules) => make(rules as unknown as MultiRule<A, Y>[]),
    constant: () => make(null),
  };
}

/** The second half of a composite declaration: its body. */
export interface WithBody<P extends unknown[], A extends unknown[]> {
  /** The body, on the converted arguments, made of other ops. */
  as(body: (...args: A) => Tensor): OpFn<P, A>;
  /** A body giving several tensors. */
  asMany(body: (...args: A) => Tensor[]): OpFn<P, A, Tensor[]>;
}

/**
 * Declares an op made of other ops: its body (`.as(...)`) runs on the
 * converted arguments inside a guard (a failure half-way frees what it made
 * and records nothing; outside every scope its intermediates are freed when
 * it returns).
 */
export function compose<P extends unknown[], A extends unknown[]>(d: { name: string; args: Args<P, A, A> }): WithBody<P, A> {
  const make = <Y>(body: (...args: A) => Y): OpFn<P, A, Y> => {
    const name = d.name;
    const parse = d.args.parse;
    const fn = (...args: P): Y => composite(() => body(...parse(name, args)));
    // From a rule (always inside the backward pass's scope) no guard is needed:
    // a failing rule fails the whole pass, which frees what the rule made.
    return register(name, fn, body, false, true) as unknown as OpFn<P, A, Y>;
  };
  return { as: (body) => make(body), asMany: (body) => make(body) };
}
