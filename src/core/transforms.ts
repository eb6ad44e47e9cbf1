// Function transforms over the tape: vjp, jvp, linearize, jacobian (jacrev,
// jacfwd), hessian, hvp. They take functions of numbers, tensors, and
// arrays and plain objects of them, like grad's function form, and give
// results of the same structure.
//
// Everything is built on one recording of the function (`record`) and
// backward passes over it (`pull`): vjp's pullback is a backward pass
// seeded with the cotangent, and a Jacobian by rows (jacrev) is one
// pullback per output element over that single recording.
//
// Forward mode (jvp, linearize, jacfwd) pushes tangents through the
// recording op by op (`sweep`), by each primitive's tangent kind
// (core/primitive.ts): elementwise ops apply their own gradient rule to the
// tangent (their Jacobian is diagonal, so the rule dy ⊙ ∂y/∂x is J·v too:
// test/forward-mode.test.ts checks it op by op), linear ops run on the
// tangents, bilinear ones once per argument, and an op with a 0-d result
// takes ⟨rule(1), v⟩. No second rule is written per op.
// Where the recording holds an op with none of these (a user's primitive,
// an op with several results, a softmax), forward mode is the double-VJP
// construction: the pullback
// u ↦ uᵀJ is linear in u, and the backward pass that computes it is made
// of differentiable ops, so recording it while u is tracked and pulling a
// tangent v back through that second recording gives ∇_u ⟨uᵀJ, v⟩ = J v
// exactly. What each costs (scripts/bench-transforms.ts on dist/,
// interleaved, three runs on a shared 2-core machine): a jvp (recording f,
// then the sweep) is 1.24-1.32x one reverse pass (forward + backward) on an
// MLP loss, 1.18-1.55x on a 400-step simulation and 1.13-1.46x on a scalar
// chain; by double VJP it was 1.93x, 2.68x and 2.18x (measured on the
// source through tsx: recording a backward pass costs about 3.5x running it).

import { Tensor, alias, checkLive } from '../runtime/tensor';
import { tensor, zeros } from '../runtime/create';
import { isFloat } from '../runtime/dtype';
import { heldByFunction, tidy, type SyncOnly } from '../runtime/tidy';
import { moveToCurrent, recordingNow } from '../runtime/scope';
import { ArgumentError, DTypeError, DisposedError, ShapeError, describe } from '../runtime/errors';
import { sameShape, shapeString } from '../runtime/shape';
import { Tape, activeTapes, liveOperands, nodeCount, pullback, recording, trackedNow, within, type Node } from './tape';
import { invoke, primitiveOf, type Primitive } from './primitive';
import { SparseGradient } from '../runtime/sparse';
import { hooks } from './hooks';
import { grad, runRecording, type Gradient } from './diff';

// ---- structures: numbers and tensors in arrays and plain objects ----

type Leaf = Tensor | number;

/** A container's shape: a leaf, an array of shapes, or an object's keys and shapes. */
type Tree = null | Tree[] | { keys: string[]; children: Tree[] };

/** The leaves of `x` in order (depth first) and its shape; anything else is an error naming `what` and the path. */
function flatten(op: string, what: string, x: unknown, leaves: Leaf[] = []): [Leaf[], Tree] {
  const walk = (v: unknown, path: string): Tree => {
    if (typeof v === 'number' || v instanceof Tensor) {
      if (v instanceof Tensor) checkLive(v, op);
      leaves.push(v);
      return null;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const keys = Object.keys(v);
      return { keys, children: keys.map((k) => walk((v as Record<string, unknown>)[k], `${path}.${k}`)) };
    }
    throw new ArgumentError(`${op}: ${path} is ${describe(v)}; expected a number, a Tensor, or arrays and plain objects of them`);
  };
  return [leaves, walk(x, what)];
}

/** Builds a value of shape `tree` from leaves taken in order. */
function build(tree: Tree, leaves: readonly unknown[], at = { i: 0 }): unknown {
  if (tree === null) return leaves[at.i++];
  if (Array.isArray(tree)) return tree.map((t) => build(t, leaves, at));
  const out: Record<string, unknown> = {};
  tree.keys.forEach((k, i) => (out[k] = build(tree.children[i], leaves, at)));
  return out;
}

/**
 * Runs a transform all or nothing: what it returns (tensors, and the tapes
 * of recordings it hands out, at any depth) goes to the enclosing scope or
 * the user; on success the rest is freed; on failure everything it made is
 * freed and the outer tapes forget what it recorded on them.
 */
function guarded<R>(fn: () => R): R {
  const nodes = nodeCount.value;
  // (the transforms are synchronous: tidy's guard against async functions does not apply)
  return tidy((() => {
    try {
      return fn();
    } catch (error) {
      if (nodeCount.value !== nodes) for (const tape of activeTapes) tape.truncateAfter(nodes);
      throw error;
    }
  }) as () => R & SyncOnly);
}

/** Numbers stay numbers, unless an outer tape tracks the value (then it must stay a tensor). */
function present(t: Tensor, asNumber: boolean): Leaf {
  if (!asNumber || trackedNow(t)) return t;
  const v = t.item();
  t.dispose();
  return v;
}

// ---- one recording, and backward passes over it ----

// A fresh handle recorded as identity on the tapes that track its argument:
// the recording differentiates with respect to this handle, so an inner
// tape never confuses it with an outer tape's tensor (as grad's function form).
const identity = primitiveOf({ name: 'identity', forward: (x: Tensor) => alias(x, x.shape), rules: [(dy: Tensor) => dy], tangent: 'linear' });

/** `f` recorded once at some inputs, for any number of pullbacks. */
interface Recording {
  readonly op: string;
  readonly tape: Tape;
  /** The inputs' shape, and per input leaf: the handle f saw (a tape leaf) and whether it was a number. */
  readonly inTree: Tree;
  readonly inputs: readonly { handle: Tensor; number: boolean }[];
  /** The outputs' shape and leaves, as recorded (numbers are constants). */
  readonly outTree: Tree;
  readonly outputs: readonly Leaf[];
}

function isThenable(x: unknown): boolean {
  return x !== null && typeof x === 'object' && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * Runs `f(...args)` with `args` (containers of numbers and tensors) replaced
 * by tracked handles, recording on a new tape, which the current scope (or
 * the user) owns. The function may return numbers, tensors, or containers.
 */
function record(op: string, f: (...args: any[]) => unknown, args: readonly unknown[]): Recording {
  if (typeof f !== 'function') throw new ArgumentError(`${op}: expected a function, got ${describe(f)}`);
  if (recording.suspended > 0) throw new ArgumentError(`${op}: cannot differentiate inside the forward function of a primitive`);
  const [leaves, inTree] = flatten(op, 'the inputs', args);
  leaves.forEach((x, i) => {
    if (x instanceof Tensor && !isFloat(x.dtype)) {
      throw new DTypeError(
        `${op}: cannot differentiate with respect to ${x.dtype === 'int32' ? 'an' : 'a'} ${x.dtype} tensor (input leaf ${i + 1}, shape ${shapeString(x.shape)}); ` +
          'derivatives are defined for float32 and float64 tensors: cast it, or close over it instead of passing it',
      );
    }
  });
  const tape = new Tape();
  let inputs: { handle: Tensor; number: boolean }[];
  try {
    inputs = within(tape._scope, () =>
      leaves.map((x) => ({ handle: typeof x === 'number' ? tensor(x, { dtype: 'float64' }) : identity(x), number: typeof x === 'number' })));
  } catch (error) {
    tape.dispose();
    throw error;
  }
  for (const input of inputs) tape.addLeaf(input.handle);
  const call = build(inTree, inputs.map((i) => i.handle)) as unknown[];
  const result = runRecording(tape, () => f(...call));
  try {
    if (isThenable(result)) {
      (result as Promise<unknown>).then(undefined, () => undefined);
      throw new ArgumentError(`${op}: the function returned a Promise; it must be synchronous, because the tape records operations as they run`);
    }
    const [outputs, outTree] = flatten(op, 'the result', result);
    return { op, tape, inTree, inputs, outTree, outputs };
  } catch (error) {
    tape.dispose();
    throw error;
  }
}

/** A cotangent (or tangent) for `like`: a tensor of its shape and dtype (numbers are converted), or null for zero. */
function against(op: string, what: string, like: Leaf, given: unknown): Tensor | null {
  if (given === null || given === undefined) return null;
  const shape = typeof like === 'number' ? [] : like.shape;
  const dtype = typeof like === 'number' ? 'float64' : like.dtype;
  if (typeof given === 'number') return shape.length === 0 ? tensor(given, { dtype }) : tensor(new Array(like instanceof Tensor ? like.size : 1).fill(given), { dtype, shape });
  if (!(given instanceof Tensor)) throw new ArgumentError(`${op}: ${what} must be a Tensor or a number, got ${describe(given)}`);
  checkLive(given, op);
  if (!sameShape(given.shape, shape)) throw new ShapeError(`${op}: ${what} has shape ${shapeString(given.shape)}, expected ${shapeString(shape)}`);
  if (given.dtype !== dtype) throw new DTypeError(`${op}: ${what} is ${given.dtype}, expected ${dtype} (cast it with ag.cast)`);
  return given;
}

/**
 * One backward pass over a recording, seeded with a cotangent per output
 * leaf (null for zero): the gradient for each input leaf (zeros where the
 * outputs do not depend on it). Recorded on any outer tape that tracks the
 * cotangents or the recording's inputs, so pullbacks can be differentiated.
 * The seed is ⟨outputs, cotangents⟩, recorded for the pass on the
 * recording's tape and taken off it after.
 */
function pull(rec: Recording, cotangents: readonly (Tensor | null)[]): Tensor[] {
  const { op, tape } = rec;
  if (tape.isDisposed) {
    throw new DisposedError(`${op}: the recording was disposed (by the end of the tidy that made it, or dispose()); call the transform again`);
  }
  if (recording.suspended > 0) throw new ArgumentError(`${op}: cannot differentiate inside the forward function of a primitive`);
  return guarded(() => {
    const serial = nodeCount.value;
    try {
      let seed: Tensor | null = null;
      activeTapes.push(tape);
      recordingNow.active = true;
      try {
        for (let k = 0; k < rec.outputs.length; k++) {
          const y = rec.outputs[k];
          const dy = cotangents[k];
          if (typeof y === 'number' || dy === null) continue;
          if (y._disposed) {
            throw new DisposedError(`${op}: result ${k + 1} of the function was disposed (by ${y._freedBy}) before its pullback; keep it until the pullback is done`);
          }
          const term = hooks.vdot(y, dy);
          seed = seed === null ? term : addDense(seed, term);
        }
      } finally {
        activeTapes.pop();
        recordingNow.active = activeTapes.length > 0;
      }
      const nodes = rec.inputs.map((i) => tape.byTensor.get(i.handle) as Node);
      const grads = seed === null ? nodes.map(() => null) : pullback(tape, seed, nodes);
      return grads.map((g, i) => g ?? zeros(rec.inputs[i].handle.shape, { dtype: rec.inputs[i].handle.dtype }));
    } finally {
      tape.truncateAfter(serial);
    }
  });
}

/** The function's outputs for the caller: tensors it may keep (the recording keeps its own handles), numbers as numbers. */
function outputsFor(rec: Recording): Leaf[] {
  return rec.outputs.map((y) => {
    if (typeof y === 'number') return y;
    // Tracked by an outer tape: that very handle, so the outer tape can go through it.
    if (trackedNow(y)) {
      if (y._owner === rec.tape._scope) moveToCurrent(y);
      return y;
    }
    return alias(y, y.shape);
  });
}

/** Gradients per input leaf as the inputs' structure, numbers as numbers. */
function asInputs(rec: Recording, grads: Tensor[]): unknown[] {
  return build(rec.inTree, grads.map((g, i) => present(g, rec.inputs[i].number))) as unknown[];
}

// ---- types ----

/** Arguments of a transformed function: where f takes a Tensor, a number works too. */
type LooseValue<T> = T extends Tensor ? Tensor | number : T extends object ? { [K in keyof T]: LooseValue<T[K]> } : T;
type Loose<T extends readonly unknown[]> = { [K in keyof T]: LooseValue<T[K]> };

/** A cotangent (or tangent) for a value of type `Y`: Tensors (or numbers) where Y has them, in the same structure. */
export type Cotangent<Y> = LooseValue<Gradient<Y>>;

/**
 * A function to transform. (Its parameters are `any[]` rather than the
 * `never[]` of grad's `Differentiable`: with `never[]`, TypeScript infers
 * a generic argument such as `grad(f)`, passed inline, from the constraint
 * instead of from the function.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Transformable = (...args: any[]) => unknown;

/**
 * `T`, not used to infer a type parameter: the transforms infer F from the
 * function alone, so that a generic function (`grad(f)`) keeps its type
 * (TypeScript's NoInfer, written so that older compilers read it too).
 */
type Later<T> = [T][T extends unknown ? 0 : never];

/** Tangents for arguments of types `A`: one per argument, of its structure. */
export type Tangents<A extends readonly unknown[]> = { [K in keyof A]: Cotangent<A[K]> };

/** What a pullback gives: the gradient of the one input, or a tuple of them for several. */
type Gradients<A extends readonly unknown[]> = A extends readonly [infer Only] ? Gradient<Only> : { -readonly [K in keyof A]: Gradient<A[K]> };

/**
 * vjp's pullback: `dy` (shaped like the function's result) to the
 * gradients (shaped like its inputs). It can be called any number of
 * times; `dispose()` frees the recording it runs over (a tidy around the
 * vjp call frees it too).
 */
export interface Pullback<Y, A extends readonly unknown[]> {
  (dy: Cotangent<Y>): Gradients<A>;
  dispose(): void;
}

/**
 * The Jacobian's type for a result of type `Y` and an argument of type `X`:
 * the argument's structure (its Jacobian blocks) inside the result's.
 */
export type Jacobian<Y, X> = unknown extends Y
  ? unknown
  : Y extends number
    ? Gradient<X>
    : Y extends Tensor
      ? AsTensors<X>
      : Y extends readonly unknown[] | object
        ? { -readonly [K in keyof Y]: Jacobian<Y[K], X> }
        : never;
type AsTensors<X> = X extends Tensor | number ? Tensor : X extends readonly unknown[] | object ? { -readonly [K in keyof X]: AsTensors<X[K]> } : never;

/** What `jacobian(f, argnum)` returns. */
export type JacobianFn<F extends Transformable, N extends number = 0> = <A extends Loose<Parameters<F>>>(...args: A) => Jacobian<Gradient<ReturnType<F>>, A[N]>;
/** What `hessian(f, argnum)` returns. */
export type HessianFn<F extends Transformable, N extends number = 0> = <A extends Loose<Parameters<F>>>(...args: A) => Jacobian<Gradient<A[N]>, A[N]>;
/** What `hvp(f, argnum)` returns: a function of f's arguments followed by the direction. */
export type HvpFn<F extends Transformable, N extends number = 0> = <A extends Loose<Parameters<F>>>(...args: [...A, Cotangent<A[N]>]) => Gradient<A[N]>;

function checkArgnum(op: string, argnum: unknown, count?: number): number {
  if (argnum === undefined) return 0;
  if (typeof argnum !== 'number' || !Number.isInteger(argnum) || argnum < 0) {
    throw new ArgumentError(`${op}: argnum must be a non-negative integer, got ${describe(argnum)}`);
  }
  if (count !== undefined && argnum >= count) {
    throw new ArgumentError(`${op}: argnum ${argnum} is out of range: the function was called with ${count} argument(s)`);
  }
  return argnum;
}

/** Cotangents matching a recording's outputs, from a value of the outputs' structure. */
function cotangentsFor(op: string, rec: Recording, dy: unknown, what: string): (Tensor | null)[] {
  const [given, tree] = flatten(op, what, dy);
  if (JSON.stringify(tree) !== JSON.stringify(rec.outTree)) {
    throw new ArgumentError(`${op}: ${what} must have the structure of the function's result (${given.length} leaves given, ${rec.outputs.length} expected)`);
  }
  return rec.outputs.map((y, k) => against(op, `${what} (leaf ${k + 1})`, y, given[k]));
}

/** A function of `args` differentiated with respect to `args[argnum]` only: the recording's inputs are that argument's leaves. */
function recordAt(op: string, f: (...args: any[]) => unknown, args: unknown[], argnum: number): Recording {
  checkArgnum(op, argnum, args.length);
  return record(op, (x: unknown) => {
    const call = args.slice();
    call[argnum] = x;
    return f(...call);
  }, [args[argnum]]);
}

// ---- vjp and jvp ----

/**
 * Records `f` at `primals` once and returns its result with a pullback:
 * `pullback(dy)` is the vector-Jacobian product `dyᵀ J`, the gradient of
 * `⟨f(primals), dy⟩`, shaped like the primals (the gradient of the one
 * primal, or an array of them). `dy` has the result's structure (a number
 * or a tensor per leaf; null for zero). The pullback may be called many
 * times over the one recording, and differentiated; `pullback.dispose()`
 * frees the recording (so does the end of an enclosing tidy).
 *
 * @example
 * const [y, pullback] = ag.vjp((x: ag.Tensor) => ag.mul(x, x), ag.tensor([1, 2, 3]));
 * pullback(ag.tensor([1, 0, 1])).toArray(); // [2, 0, 6]
 */
export function vjp<F extends Transformable>(
  f: F, ...primals: Later<Loose<Parameters<F>>>
): [result: Gradient<ReturnType<F>>, pullback: Pullback<ReturnType<F>, Parameters<F>>] {
  // The recording's tape is returned from the guard with the result: it
  // lives on in the enclosing scope (or the user's hands) for the pullback.
  // (Only the tape: the guard would hand its handles to the caller too.)
  let rec!: Recording;
  const [result] = guarded(() => {
    rec = record('vjp', f as (...args: any[]) => unknown, primals);
    return [build(rec.outTree, outputsFor(rec)), rec.tape] as const;
  });
  const pb = ((dy: unknown) => guarded(() => {
    const grads = asInputs(rec, pull(rec, cotangentsFor('vjp', rec, dy, 'dy')));
    return primals.length === 1 ? grads[0] : grads;
  })) as Pullback<ReturnType<F>, Parameters<F>>;
  pb.dispose = () => rec.tape.dispose();
  heldByFunction.set(pb, [rec.tape]);
  return [result as Gradient<ReturnType<F>>, pb];
}

/**
 * A recording of `u ↦ pullback(u)` (the transposed linear map), whose own
 * pullbacks are Jacobian-vector products J v: the double-VJP construction.
 */
function transposed(rec: Recording): Recording {
  // An int32 or bool result (a mask, argsort's indices) is a constant: its
  // cotangent is no input of the recorded pullback (a number stands in).
  const seeds = rec.outputs.map((y) => (typeof y !== 'number' && isFloat(y.dtype) ? zeros(y.shape, { dtype: y.dtype }) : 0));
  try {
    return record(rec.op, (...us: Leaf[]) => pull(rec, us.map((u, k) => (differentiable(rec.outputs[k]) ? (u as Tensor) : null))), seeds);
  } finally {
    for (const s of seeds) if (s instanceof Tensor) s.dispose();
  }
}

/** J v for tangents per input leaf of `rec`, through `lin` = transposed(rec): per output leaf of `rec`. */
function pushForward(rec: Recording, lin: Recording, tangents: readonly (Tensor | null)[]): Leaf[] {
  const columns = pull(lin, tangents);
  const dtype = tangentDType(tangents);
  return columns.map((c, k) => {
    const y = rec.outputs[k];
    return present(tangentOf(c, y, dtype), typeof y === 'number');
  });
}

/** A zero column of the Jacobian for result y: 0-d float64 for a number, y's shape otherwise (its dtype, or the tangents' for an int32/bool y). */
function zeroColumn(y: Leaf, dtype: 'float32' | 'float64'): Tensor {
  if (typeof y === 'number') return zeros([], { dtype: 'float64' });
  return zeros(y.shape, { dtype: isFloat(y.dtype) ? (y.dtype as 'float32' | 'float64') : dtype });
}

/** Whether a result of the function has a tangent (numbers and float tensors do; int32 and bool results are constants). */
function differentiable(y: Leaf): boolean {
  return typeof y === 'number' || isFloat(y.dtype);
}

/** A column of the transposed recording as the tangent of result y: for a constant (int32, bool) result, zeros of its shape in `dtype`, as jacrev's rows. */
function tangentOf(column: Tensor, y: Leaf, dtype: 'float32' | 'float64'): Tensor {
  if (differentiable(y)) return column;
  column.dispose();
  return zeroColumn(y, dtype);
}

function tangentDType(tangents: readonly (Tensor | null)[]): 'float32' | 'float64' {
  for (const t of tangents) if (t !== null && isFloat(t.dtype)) return t.dtype as 'float32' | 'float64';
  return 'float64';
}

/**
 * Forward mode proper: the tangents pushed through `rec`'s tape in recording
 * order, each op by its tangent kind (core/primitive.ts), at about the cost
 * of the forward pass itself; per output leaf of `rec`, null for a zero
 * tangent. Null when an op on the way has no tangent kind (a user's
 * primitive, an op with several results, a softmax): the caller then uses
 * the double-VJP construction.
 */
function sweep(rec: Recording, tangents: readonly (Tensor | null)[]): (Tensor | null)[] | null {
  const tape = rec.tape;
  return tidy(() => {
    const dot = new Map<Node, Tensor>();
    rec.inputs.forEach((input, i) => {
      const node = tape.byTensor.get(input.handle);
      const t = tangents[i];
      if (node !== undefined && t !== null) dot.set(node, t);
    });
    for (const node of tape.nodes) {
      const op = node.op;
      if (op === null) continue;
      const parents = node.parents!;
      let reached = false;
      for (const p of parents) if (p !== null && dot.has(p)) reached = true;
      if (!reached) continue;
      if (node.group !== null) return null;
      if (op.rules === null) continue; // a constant: zero tangent
      const ts = parents.map((p) => (p === null ? null : dot.get(p) ?? null));
      const [value, args] = liveOperands(node);
      const t = tangentThrough(op as Primitive, ts, value, args);
      if (t === undefined) return null;
      if (t !== null) dot.set(node, t);
    }
    return rec.outputs.map((y) => {
      if (typeof y === 'number') return null;
      const node = tape.byTensor.get(y);
      const t = node === undefined ? null : dot.get(node) ?? null;
      // (the caller's own tangent, when f returns its input, is not handed back as the result)
      return t !== null && tangents.includes(t) ? hooks.copy(t) : t;
    });
  });
}

/**
 * Whether `sweep` can push tangents through every op of `rec` that the
 * inputs reach (checked from the recording alone, before any work).
 */
function sweepable(rec: Recording): boolean {
  const tape = rec.tape;
  const reached = new Set<Node>();
  for (const input of rec.inputs) {
    const node = tape.byTensor.get(input.handle);
    if (node !== undefined) reached.add(node);
  }
  for (const node of tape.nodes) {
    const op = node.op;
    if (op === null || !node.parents!.some((p) => p !== null && reached.has(p))) continue;
    if (node.group !== null) return false;
    if (op.rules === null) continue; // a constant: nothing flows on from it
    reached.add(node);
    const kind = (op as Primitive).tangent;
    if (kind === 'linear' || kind === 'bilinear' || kind === 'elementwise' || node.value.ndim === 0) continue;
    return false;
  }
  return true;
}

/** J·v per output leaf of `rec` by `sweep`, zeros where nothing reached (numbers: 0); `rec` must be sweepable. */
function sweptLeaves(rec: Recording, tangents: readonly (Tensor | null)[]): Leaf[] {
  const swept = sweep(rec, tangents);
  if (swept === null) throw new Error('autograd-wasm internal error: a recording checked as sweepable could not be swept');
  const dtype = tangentDType(tangents);
  return swept.map((t, k) => {
    const y = rec.outputs[k];
    if (typeof y === 'number') return 0;
    return t ?? zeroColumn(y, dtype);
  });
}

/** The tangent of y = op(...args) for the tangents `ts` of its arguments (null: zero); undefined if the op has no way to push them. */
function tangentThrough(op: Primitive, ts: readonly (Tensor | null)[], y: Tensor, args: readonly unknown[]): Tensor | null | undefined {
  let total: Tensor | null = null;
  const add = (t: Tensor | null) => {
    if (t !== null) total = total === null ? t : addDense(total, t);
  };
  switch (op.tangent) {
    case 'elementwise': {
      // Its rules are dy ⊙ ∂y/∂x (summed back to x's shape): applied to a
      // tangent, J·v exactly. Broadcast operands (a bias row) are broadcast
      // first, with their tangents, so that nothing is summed back.
      let same = true;
      for (const a of args) if (a instanceof Tensor && !sameShape(a.shape, y.shape)) same = false;
      const full = same ? args : args.map((a) => (a instanceof Tensor && !sameShape(a.shape, y.shape) ? hooks.broadcastTo(a, y.shape) : a));
      for (let j = 0; j < ts.length; j++) {
        const rule = op.rules![j];
        const t = ts[j];
        if (t === null || rule === null || rule === undefined) continue;
        add(dense(rule(sameShape(t.shape, y.shape) ? t : hooks.broadcastTo(t, y.shape), y, ...full)));
      }
      return total;
    }
    case 'linear':
      return invoke(op, null, args.map((a, j) => (a instanceof Tensor ? ts[j] ?? zeros(a.shape, { dtype: a.dtype }) : a)));
    case 'bilinear':
      for (let j = 0; j < ts.length; j++) if (ts[j] !== null) add(invoke(op, null, args.map((a, k) => (k === j ? ts[j] : a))));
      return total;
    default:
      return y.ndim === 0 ? throughScalar(op, ts, y, args) : undefined;
  }
}

/** For a 0-d result, J·v = Σ ⟨rule(1), v⟩ over the arguments: any op with rules. */
function throughScalar(op: Primitive, ts: readonly (Tensor | null)[], y: Tensor, args: readonly unknown[]): Tensor | null {
  let total: Tensor | null = null;
  for (let j = 0; j < ts.length; j++) {
    const rule = op.rules![j];
    if (ts[j] === null || rule === null || rule === undefined) continue;
    const g = dense(rule(hooks.onesLike(y), y, ...args));
    if (g === null) continue;
    const term = hooks.dot(g, ts[j]!);
    total = total === null ? term : addDense(total, term);
  }
  return total;
}

function dense(g: unknown): Tensor | null {
  if (g === null || g === undefined) return null;
  return g instanceof SparseGradient ? g.toDense() : (g as Tensor);
}

/**
 * The Jacobian-vector product: `[f(...primals), J v]` for the `tangents`
 * (one per primal, each of its structure), both with the structure of f's
 * result. Forward mode: the tangents are pushed through the recording of f
 * op by op (about the cost of a forward pass); a function using an op with
 * no tangent rule goes through reverse mode twice instead (exact too, about
 * two reverse passes). Composes with the other transforms:
 * `jvp(grad(f), [x], [v])` is a Hessian-vector product.
 *
 * @example
 * const f = (x: ag.Tensor) => ag.sin(x);
 * const [y, dy] = ag.jvp(f, [ag.tensor([0, 1])], [ag.tensor([1, 1])]);
 * dy.toArray(); // [1, 0.5403]  (cos x · v)
 */
export function jvp<F extends Transformable>(
  f: F, primals: Later<Loose<Parameters<F>>>, tangents: Later<Tangents<Parameters<F>>>,
): [result: Gradient<ReturnType<F>>, tangent: Gradient<ReturnType<F>>] {
  if (!Array.isArray(primals)) throw new ArgumentError(`jvp: primals must be an array of the function's arguments, got ${describe(primals)}`);
  if (!Array.isArray(tangents) || tangents.length !== primals.length) {
    throw new ArgumentError(`jvp: tangents must be an array with one tangent per primal (${primals.length}), got ${describe(tangents)}`);
  }
  return guarded(() => {
    const rec = record('jvp', f as (...args: any[]) => unknown, primals);
    const v = tangentsFor('jvp', rec, tangents);
    let pushed: unknown;
    if (sweepable(rec)) {
      pushed = build(rec.outTree, sweptLeaves(rec, v));
    } else {
      const lin = transposed(rec);
      pushed = build(rec.outTree, pushForward(rec, lin, v));
      lin.tape.dispose();
    }
    const result = build(rec.outTree, outputsFor(rec));
    rec.tape.dispose();
    return [result, pushed] as [Gradient<ReturnType<F>>, Gradient<ReturnType<F>>];
  });
}

/** Tangents per input leaf of `rec` from a value of the inputs' structure. */
function tangentsFor(op: string, rec: Recording, tangents: unknown, what = 'tangents'): (Tensor | null)[] {
  const [given, tree] = flatten(op, what, tangents);
  if (JSON.stringify(tree) !== JSON.stringify(rec.inTree)) {
    throw new ArgumentError(`${op}: ${what} must have the structure of the primals (${given.length} leaves given, ${rec.inputs.length} expected)`);
  }
  return rec.inputs.map((input, i) => against(op, `${what} (leaf ${i + 1})`, input.number ? 0 : input.handle, given[i]));
}

/** What `linearize` returns: the Jacobian-vector product at the recorded point, for any number of tangents. */
export interface Linearized<Y, A extends readonly unknown[]> {
  (...tangents: Tangents<A>): Gradient<Y>;
  dispose(): void;
}

/**
 * Records `f` at `primals` once, and returns f's result with a function
 * giving `J v` for any tangents (one per primal): each call pushes them
 * through the recording (or, for a function using an op with no tangent
 * rule, runs one backward pass over its pullback, recorded once), with no
 * evaluation of `f`. `dispose()` frees the recordings (so does the end of an enclosing tidy).
 *
 * @example
 * const [y, jv] = ag.linearize((x: ag.Tensor) => ag.mul(x, x), ag.tensor([1, 2]));
 * jv(ag.tensor([1, 0])).toArray(); // [2, 0]
 * jv(ag.tensor([0, 1])).toArray(); // [0, 4]
 */
export function linearize<F extends Transformable>(
  f: F, ...primals: Later<Loose<Parameters<F>>>
): [result: Gradient<ReturnType<F>>, jvp: Linearized<ReturnType<F>, Parameters<F>>] {
  let rec!: Recording;
  let lin: Recording | null = null;
  const [result] = guarded(() => {
    rec = record('linearize', f as (...args: any[]) => unknown, primals);
    // Forward mode proper needs only the recording; otherwise the pullback is recorded once, for every call.
    if (!sweepable(rec)) lin = transposed(rec);
    return [build(rec.outTree, outputsFor(rec)), rec.tape, ...(lin === null ? [] : [(lin as Recording).tape])] as const;
  });
  const fn = ((...tangents: unknown[]) =>
    guarded(() => {
      const v = tangentsFor('linearize', rec, tangents);
      return build(rec.outTree, lin === null ? sweptLeaves(rec, v) : pushForward(rec, lin, v));
    })) as Linearized<ReturnType<F>, Parameters<F>>;
  fn.dispose = () => {
    lin?.tape.dispose();
    rec.tape.dispose();
  };
  heldByFunction.set(fn, lin === null ? [rec.tape] : [rec.tape, (lin as Recording).tape]);
  return [result as Gradient<ReturnType<F>>, fn];
}

// ---- Jacobians ----

/** A one-hot tensor of `like`'s shape and dtype with a 1 at flat index `e`. */
function oneHot(like: Tensor, e: number): Tensor {
  const data = new Array<number>(like.size).fill(0);
  data[e] = 1;
  return tensor(data, { dtype: like.dtype, shape: like.shape });
}

/** The Jacobian block of output leaf y and input leaf x from its slices along y (rows) or x (columns). */
function block(slices: Tensor[], y: Leaf, x: Tensor, rows: boolean): Tensor {
  const yShape = typeof y === 'number' ? [] : y.shape;
  if (slices.length === 0) return zeros([...yShape, ...x.shape], { dtype: x.dtype }); // an empty result or argument
  if (slices.length === 1 && (rows ? yShape.length === 0 : x.ndim === 0)) return slices[0];
  const stacked = hooks.stack(slices, rows ? 0 : yShape.length);
  return hooks.reshape(stacked, [...yShape, ...x.shape]);
}

type Mode = 'rev' | 'fwd' | 'auto';

/**
 * The Jacobian of f with respect to args[argnum], blocks in the result's
 * structure of the argument's structure. A block is a number where both its
 * leaves are numbers: output leaf k counts as one when `numberOut(k)`
 * (for hessian, the gradient of a number argument).
 */
function jacobianOf(
  op: string, f: (...args: any[]) => unknown, args: unknown[], argnum: number, mode: Mode,
  numberOut: (rec: Recording, k: number) => boolean = (rec, k) => typeof rec.outputs[k] === 'number',
): unknown {
  // Only the Jacobian is kept: rows, columns, seeds and recordings are freed.
  return guarded(() => {
    const rec = recordAt(op, f, args, argnum);
    try {
      const outSize = rec.outputs.reduce<number>((s, y) => s + (typeof y === 'number' ? 1 : y.size), 0);
      const inSize = rec.inputs.reduce<number>((s, i) => s + i.handle.size, 0);
      // A row costs one backward pass B; columns cost recording the backward
      // pass once (about 3.5 B) and then about 2 B each (measured; see the
      // top of this file).
      const forward = mode === 'fwd' || (mode === 'auto' && 2 * inSize + 4 < outSize);
      const blocks: Tensor[][] = rec.outputs.map(() => rec.inputs.map(() => null as unknown as Tensor));
      if (!forward) {
        rec.outputs.forEach((y, k) => {
          const rows: Tensor[][] = rec.inputs.map(() => []);
          const count = typeof y === 'number' ? 1 : y.size;
          for (let e = 0; e < count; e++) {
            const seed = typeof y === 'number' ? tensor(1, { dtype: 'float64' }) : oneHot(y, e);
            const grads = pull(rec, rec.outputs.map((_, j) => (j === k ? seed : null)));
            grads.forEach((g, i) => rows[i].push(g));
          }
          rec.inputs.forEach((input, i) => (blocks[k][i] = block(rows[i], y, input.handle, true)));
        });
      } else {
        // Columns by forward mode proper where every op on the way has a
        // tangent kind, else through the recorded pullback (made once).
        let lin: Recording | null = sweepable(rec) ? null : transposed(rec);
        try {
          rec.inputs.forEach((input, i) => {
            const columns: Tensor[][] = rec.outputs.map(() => []);
            for (let e = 0; e < input.handle.size; e++) {
              const v = oneHot(input.handle, e);
              const dtype = v.dtype as 'float32' | 'float64';
              const tangents = rec.inputs.map((_, j) => (j === i ? v : null));
              if (lin === null) {
                sweep(rec, tangents)!.forEach((c, k) => columns[k].push(c ?? zeroColumn(rec.outputs[k], dtype)));
              } else {
                pull(lin, tangents).forEach((c, k) => columns[k].push(tangentOf(c, rec.outputs[k], dtype)));
              }
            }
            rec.outputs.forEach((y, k) => (blocks[k][i] = block(columns[k], y, input.handle, false)));
          });
        } finally {
          (lin as Recording | null)?.tape.dispose();
        }
      }
      // The result's structure of the argument's structure (the recording's
      // inputs are [argument]: one level to take off).
      const perOutput = rec.outputs.map((_, k) =>
        (build(rec.inTree, blocks[k].map((b, i) => present(b, numberOut(rec, k) && rec.inputs[i].number))) as unknown[])[0]);
      return build(rec.outTree, perOutput);
    } finally {
      rec.tape.dispose();
    }
  });
}

/**
 * The Jacobian of `f` with respect to its argument `argnum` (default 0): a
 * function of f's arguments giving, for a tensor result y and tensor
 * argument x, a tensor of shape `[...y.shape, ...x.shape]` (for containers,
 * the argument's structure inside the result's). Computed by rows (reverse
 * mode, one backward pass per result element over one recording) or by
 * columns (forward mode, one pass per argument element over a recording of
 * the backward pass), whichever costs less: columns when the result has
 * more than about twice as many elements as the argument.
 * `jacrev` and `jacfwd` force one.
 *
 * @example
 * const f = (x: ag.Tensor) => ag.mul(x, ag.sum(x));
 * ag.jacobian(f)(ag.tensor([1, 2])).toArray(); // [[4, 1], [2, 5]]
 */
export function jacobian<F extends Transformable, N extends number = 0>(f: F, argnum?: N): JacobianFn<F, N> {
  return jacobianFn('jacobian', f, argnum, 'auto') as JacobianFn<F, N>;
}

/**
 * The Jacobian by rows (reverse mode): one backward pass per element of
 * f's result, over one recording of f. See `jacobian`.
 *
 * @example
 * ag.jacrev((x: ag.Tensor) => ag.mul(x, x))(ag.tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 */
export function jacrev<F extends Transformable, N extends number = 0>(f: F, argnum?: N): JacobianFn<F, N> {
  return jacobianFn('jacrev', f, argnum, 'rev') as JacobianFn<F, N>;
}

/**
 * The Jacobian by columns (forward mode): one Jacobian-vector product per
 * element of the argument, over one recording of f and of its pullback.
 * See `jacobian`.
 *
 * @example
 * ag.jacfwd((x: ag.Tensor) => ag.mul(x, x))(ag.tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 */
export function jacfwd<F extends Transformable, N extends number = 0>(f: F, argnum?: N): JacobianFn<F, N> {
  return jacobianFn('jacfwd', f, argnum, 'fwd') as JacobianFn<F, N>;
}

function jacobianFn(op: string, f: unknown, argnum: unknown, mode: Mode): (...args: unknown[]) => unknown {
  if (typeof f !== 'function') throw new ArgumentError(`${op}: expected a function, got ${describe(f)}`);
  const n = checkArgnum(op, argnum);
  return (...args: unknown[]) => jacobianOf(op, f as (...a: any[]) => unknown, args, n, mode);
}

/**
 * The Hessian of a scalar function `f` with respect to its argument
 * `argnum`: shape `[...x.shape, ...x.shape]` for a tensor x (a number for
 * a number). It is the Jacobian of the gradient by rows: one Hessian-vector
 * product per element of x, all over one recording of the gradient.
 *
 * @example
 * const f = (x: ag.Tensor) => ag.sum(ag.mul(ag.mul(x, x), x)); // Σ x³
 * ag.hessian(f)(ag.tensor([1, 2])).toArray(); // [[6, 0], [0, 12]]
 */
export function hessian<F extends Transformable, N extends number = 0>(f: F, argnum?: N): HessianFn<F, N> {
  if (typeof f !== 'function') throw new ArgumentError(`hessian: expected a function, got ${describe(f)}`);
  const n = checkArgnum('hessian', argnum);
  const g = grad(f, n as N);
  // The gradient of a number argument is a number: so is its Hessian block.
  return ((...args: unknown[]) =>
    jacobianOf('hessian', g as (...a: any[]) => unknown, args, n, 'rev', (rec, k) => rec.inputs[k].number)) as HessianFn<F, N>;
}

/**
 * The Hessian-vector product of a scalar function: `hvp(f, argnum)(...args,
 * v)` is `H v`, shaped like the argument `argnum` (default 0), without
 * forming H: the gradient of `⟨grad f, v⟩` (reverse over reverse, about the
 * cost of two reverse passes). `jvp(grad(f), [x], [v])` (forward over
 * reverse) gives the same numbers.
 *
 * @example
 * const f = (x: ag.Tensor) => ag.sum(ag.mul(ag.mul(x, x), x));
 * ag.hvp(f)(ag.tensor([1, 2]), ag.tensor([1, 1])).toArray(); // [6, 12]
 */
export function hvp<F extends Transformable, N extends number = 0>(f: F, argnum?: N): HvpFn<F, N> {
  if (typeof f !== 'function') throw new ArgumentError(`hvp: expected a function, got ${describe(f)}`);
  const n = checkArgnum('hvp', argnum);
  return ((...argsAndV: unknown[]) => guarded(() => {
    if (argsAndV.length < 2) throw new ArgumentError(`hvp: expected the function's arguments and then the direction v, got ${argsAndV.length} argument(s)`);
    const args = argsAndV.slice(0, -1);
    const v = argsAndV[argsAndV.length - 1];
    checkArgnum('hvp', n, args.length);
    const [vLeaves, vTree] = flatten('hvp', 'v', v);
    const [xLeaves, xTree] = flatten('hvp', `argument ${n}`, args[n]);
    if (JSON.stringify(vTree) !== JSON.stringify(xTree)) throw new ArgumentError(`hvp: v must have the structure of argument ${n}`);
    // Checked here, so that a wrong v is named as such (not as a shape error of some op inside).
    xLeaves.forEach((xl, i) => {
      if (xl instanceof Tensor && !isFloat(xl.dtype)) {
        throw new DTypeError(`hvp: cannot differentiate with respect to ${xl.dtype === 'int32' ? 'an' : 'a'} ${xl.dtype} tensor (argument ${n}, leaf ${i + 1}); cast it to float32 or float64`);
      }
      if (vLeaves[i] instanceof Tensor) against('hvp', `v (leaf ${i + 1})`, xl, vLeaves[i]);
    });
    const g = grad(f as (...a: any[]) => unknown, n);
    const inner = (x: unknown) => {
      const call = args.slice();
      call[n] = x;
      const [gLeaves] = flatten('hvp', 'the gradient', g(...call));
      let total: Tensor | number = 0;
      gLeaves.forEach((gl, i) => {
        const vl = vLeaves[i];
        const term = gl instanceof Tensor ? hooks.vdot(gl, vl instanceof Tensor ? vl : against('hvp', `v (leaf ${i + 1})`, gl, vl)!) : (gl as number) * (vl as number);
        total = typeof total === 'number' && typeof term === 'number' ? total + term : addDense(asTensor(total), asTensor(term));
      });
      return total;
    };
    return grad(inner)(args[n]);
  })) as HvpFn<F, N>;
}

/** Differentiable a + b of two tensors (the tape's accumulate, whose sparse cases never arise here). */
const addDense = (a: Tensor, b: Tensor): Tensor => hooks.accumulate(a, b) as Tensor;

function asTensor(x: Leaf): Tensor {
  return typeof x === 'number' ? tensor(x, { dtype: 'float64' }) : x;
}
