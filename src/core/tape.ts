// The tape: what ran, in order, and the reverse walk over it. Nothing here
// knows any particular op; every op reaches the tape through primitive().

import { Tensor, alias, readItem } from '../runtime/tensor';
import { Ledger, Scope, adopt, currentScope, endScope, moveToCurrent, popScope, pushScope, setNeededWhileRecording, type Owned } from '../runtime/scope';
import { Storage, returnBallast, stats, writes } from '../runtime/storage';
import { AutogradError, DTypeError, DisposedError, ShapeError } from '../runtime/errors';
import { shapeString, sameShape } from '../runtime/shape';
import { hooks } from './hooks';
import type { MultiPrimitive, Primitive } from './primitive';
import { brand } from '../runtime/copy';
import { SparseGradient, addRows } from '../runtime/sparse';
import { isFloat } from '../runtime/dtype';
import { kernelFor } from '../wasm/index';
import { castCopy } from '../runtime/create';

/** A gradient as the tape holds it: a tensor, or (for rows picked from a table) its rows and their indices. */
export type Grad = Tensor | SparseGradient;

/** The tensor that holds a gradient's memory (a sparse one's values), for slot counting and ownership. */
const held = (g: Grad): Tensor => (g instanceof Tensor ? g : g.values);

/** One recorded value on one tape. Leaves (Params, function-form inputs) have no op. */
export interface Node {
  readonly value: Tensor;
  readonly op: Primitive | MultiPrimitive | null;
  readonly args: readonly unknown[];
  /** parents[i] is the node of args[i] on this tape, or null when args[i] is constant here. */
  readonly parents: readonly (Node | null)[] | null;
  readonly index: number;
  /** Counts nodes over all tapes (nodeCount): a failed call takes back those recorded after it began. */
  readonly serial: number;
  /**
   * `writes.stamp` when recorded: a buffer of the value or of a tensor
   * argument written in place after it (through any view) would make the
   * rules read other numbers than the forward pass did, so the pass refuses.
   */
  readonly stamp: number;
  /** The gradient flowing into this node during (and, for leaves, after) the backward pass. */
  grad: Grad | null;
  /** For a result of an op with several results: the nodes of all its results on this tape, in order. */
  readonly group: readonly Node[] | null;
}

/** Tapes recording right now, outermost first. */
export const activeTapes: Tape[] = [];

/** Nodes recorded so far, on every tape. */
export const nodeCount = { value: 0 };

/** How deep we are inside forward functions, whose internal op calls must not be recorded. */
export const recording = { suspended: 0 };

/** Whether a tape recording now tracks `t` (so its backward pass will read it). */
export function trackedNow(t: Tensor): boolean {
  for (let i = 0; i < activeTapes.length; i++) if (activeTapes[i].byTensor.has(t)) return true;
  return false;
}

// The end of any scope while tapes record spares what they tracked: an outer
// backward pass reads those very handles (a copy would be a constant to a
// tape further out, losing higher-order terms).
setNeededWhileRecording(
  (item: Owned) => activeTapes.length > 0 && item instanceof Tensor && item._recorded && trackedNow(item),
);

// A dropped tape gives back what it owned and held once it is collected.
const registry =
  typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry<Ledger>((ledger) => {
        stats.liveTapes--;
        ledger.releaseAll();
      });

/**
 * The record of one `diff`: the operations that ran, the scalar they
 * produced, and (once asked) the gradients. It owns the tensors created
 * while it recorded and its gradients, and keeps alive the memory its
 * backward pass reads. Free it with `dispose()` (or `using`); a tape the
 * program drops is freed by the garbage collector once the program yields,
 * but never while a tensor it owns is still reachable.
 *
 * @example
 * const w = ag.Param([1, 2, 3]);
 * using tape = ag.diff(() => ag.sum(ag.abs2, w));
 * tape.value;             // 14
 * ag.grad(tape, w);       // [2, 4, 6]
 */
export class Tape {
  /** @internal */ readonly nodes: Node[] = [];
  /** @internal */ readonly byTensor = new Map<Tensor, Node>();
  /** @internal */ _owner: Scope | null = null;
  /** @internal */ _slot = -1;
  /** @internal what the tape owns: what ran inside diff, and its gradients */ readonly _scope = new Scope('tape');
  /** @internal the storages the tape owns (and, once collectable, holds), for the collector */ readonly _ledger = new Ledger();
  /** @internal storages held beyond the nodes' own: the result and claimed gradients */ readonly _extra: Storage[] = [];
  /** @internal */ _result: Tensor | number = NaN;
  /** @internal */ _disposed = false;
  /** @internal gradients of leaves and of the intermediates asked for, after a backward pass */
  _grads: Map<Node, Grad | null> | null = null;
  /** @internal dense forms of sparse gradients asked for as tensors (grad(tape, x)), beside the sparse ones in _grads */
  _denseGrads: Map<Node, Tensor> | null = null;

  /** @internal use diff() */
  constructor() {
    this._scope.ledger = this._ledger;
    this._scope.holder = this;
    stats.liveTapes++;
    if (registry !== null) registry.register(this, this._ledger, this);
    adopt(this);
  }

  /** @internal tapes are always watched by the collector; one the user owns may be collected */
  _toUser(): void {
    this._becomeCollectable();
  }

  /**
   * @internal From now on the collector may free this tape: its ledger must
   * list every storage it holds (until now they were only reachable through
   * its nodes, which a tape inside a tidy releases by walking).
   */
  _becomeCollectable(): void {
    if (this._scope.collectable) return;
    const held = this._ledger.held;
    for (const node of this.nodes) this.forEachHeld(node, (s) => held.push(s));
    for (const s of this._extra) held.push(s);
    this._scope.becomeCollectable();
  }

  /** The storages a node holds: its value's, and its tensor arguments' for an op node. */
  private forEachHeld(node: Node, fn: (s: Storage) => void): void {
    fn(node.value._storage);
    const args = node.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof Tensor) fn(a._storage);
    }
  }

  /** The scalar the differentiated function returned, as a number. */
  get value(): number {
    if (this._disposed) throw new DisposedError('value: the tape was disposed');
    return typeof this._result === 'number' ? this._result : readItem(this._result);
  }

  /** The tensor (or number) the differentiated function returned. */
  get result(): Tensor | number {
    return this._result;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** @internal Keeps `t`'s buffer alive for as long as this tape lives (the result, claimed gradients). */
  hold(t: Tensor): void {
    const s = t._storage;
    s.refs++;
    this._extra.push(s);
    if (this._scope.collectable) this._ledger.held.push(s);
  }

  /** Keeps alive the memory a new node reads: its value and tensor arguments. */
  private holdNode(node: Node): void {
    const collectable = this._scope.collectable;
    const held = this._ledger.held;
    const value = node.value._storage;
    value.refs++;
    if (collectable) held.push(value);
    const args = node.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof Tensor) {
        a._storage.refs++;
        if (collectable) held.push(a._storage);
      }
    }
  }

  /** @internal */
  addLeaf(t: Tensor): Node {
    const node: Node = { value: t, op: null, args: [], parents: null, index: this.nodes.length, serial: ++nodeCount.value, stamp: writes.stamp, grad: null, group: null };
    this.nodes.push(node);
    this.byTensor.set(t, node);
    t._recorded = true;
    this.holdNode(node);
    return node;
  }

  /** @internal The node of `t` on this tape; Params become leaves the first time a tape sees them. */
  lookup(t: Tensor): Node | undefined {
    const node = this.byTensor.get(t);
    if (node !== undefined || !t._param) return node;
    return this.addLeaf(t);
  }

  /** @internal */
  record(op: Primitive, value: Tensor, args: readonly unknown[], parents: (Node | null)[]): void {
    const node: Node = { value, op, args, parents, index: this.nodes.length, serial: ++nodeCount.value, stamp: writes.stamp, grad: null, group: null };
    this.nodes.push(node);
    this.byTensor.set(value, node);
    this.holdNode(node);
  }

  /**
   * @internal The results of one call of an op with several results: one
   * node each, consecutive, sharing the arguments and the group. The
   * backward pass calls the op's rules once for the group, with the
   * gradients of all its results.
   */
  recordGroup(op: MultiPrimitive, values: readonly Tensor[], args: readonly unknown[], parents: (Node | null)[]): void {
    const group: Node[] = [];
    for (const value of values) {
      const node: Node = { value, op, args, parents, index: this.nodes.length, serial: ++nodeCount.value, stamp: writes.stamp, grad: null, group };
      group.push(node);
      this.nodes.push(node);
      // An int32 or bool result is a constant on the tape (as for any op):
      // it has its place in the group, but nothing can find it.
      if (isFloat(value.dtype)) this.byTensor.set(value, node);
      this.holdNode(node);
    }
  }

  /**
   * @internal Forgets the nodes recorded after node number `serial` (a call
   * that failed half-way, while this tape recorded: nothing else was held
   * since), releasing what they held.
   */
  truncateAfter(serial: number): void {
    const held = this._ledger.held;
    const collectable = this._scope.collectable;
    let count = this.nodes.length;
    while (count > 0 && this.nodes[count - 1].serial > serial) count--;
    for (let i = this.nodes.length - 1; i >= count; i--) {
      const node = this.nodes[i];
      this.byTensor.delete(node.value);
      this.forEachHeld(node, (s) => {
        s.release();
        if (collectable) held.pop();
      });
    }
    this.nodes.length = Math.min(this.nodes.length, count);
  }

  /**
   * Frees what the tape owns (what `diff` computed and the gradients), but
   * for what was moved out (`keep`, returned from a tidy), and lets go of
   * the memory it held for its backward pass. Param values are never freed.
   * While an outer `diff` is recording, what it recorded stays alive until
   * that outer tape is disposed.
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    if (this._owner !== null) this._owner.remove(this);
    if (registry !== null) registry.unregister(this);
    stats.liveTapes--;
    if (this._scope.ballast !== null) {
      returnBallast(this._scope.ballast);
      this._scope.ballast = null;
    }
    endScope(this._scope.take(), this._scope.freedBy);
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n];
      node.value._storage.release();
      const args = node.args;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a instanceof Tensor) a._storage.release();
      }
    }
    for (const s of this._extra) s.release();
    this._extra.length = 0;
    this._ledger.held.length = 0;
    this.nodes.length = 0;
    this.byTensor.clear();
    this._grads = null;
    this._denseGrads = null;
  }

  declare [Symbol.dispose]: () => void;

  toString(): string {
    return hooks.formatTape === null ? `Tape(${this.nodes.length} nodes)` : hooks.formatTape(this);
  }
}

const disposeSymbol: symbol =
  (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');
Object.defineProperty(Tape.prototype, disposeSymbol, {
  value: function (this: Tape) {
    this.dispose();
  },
  writable: true,
  configurable: true,
});
brand(Tape, 'Tape');

/** Runs `fn` with `scope` on top of the scope stack: what it creates, `scope` owns. */
export function within<T>(scope: Scope, fn: () => T): T {
  pushScope(scope);
  try {
    return fn();
  } finally {
    popScope(scope);
  }
}

// ---- the backward pass ----

/**
 * Walks the tape in reverse from its result, calling each op's gradient
 * rules. A node's gradient is freed as soon as the node is processed (all its
 * consumers came later on the tape, so they are done): AutoGrad.jl's gcnode.
 * Gradients of leaves, and of `keepNode` when given, are stored on the tape,
 * which owns them; a sparse one stays sparse, with a dense copy beside it
 * for `dense`'s node (grad(tape, x) asking for a tensor).
 */
export function backward(tape: Tape, keepNode: Node | null, dense: Node | null = null): void {
  const result = tape._result;
  const grads = tape._grads ?? new Map<Node, Grad | null>();
  tape._grads = grads;
  if (typeof result === 'number') return;
  const root = tape.byTensor.get(result);
  if (root === undefined) return;

  const scope = pushScope(new Scope('backward'));
  const claimed = new Set<Tensor>();
  // How many node slots hold each gradient tensor (Tensor._gradSlots):
  // rules may pass `dy` through unchanged, so one tensor can flow into
  // several nodes, and it is freed when the last of them is done.
  const take = (g: Grad) => {
    held(g)._gradSlots++;
  };
  const freeIfTemporary = (grad: Grad) => {
    const g = held(grad);
    if (g._owner === scope && !(g._recorded && trackedNow(g))) g.dispose(scope.freedBy);
  };
  const drop = (grad: Grad) => {
    const g = held(grad);
    if (--g._gradSlots > 0) return;
    g._gradSlots = 0;
    freeIfTemporary(g);
  };
  const accumulate = (parent: Node, dx: Grad) => {
    if (parent.grad === null) {
      parent.grad = dx;
      take(dx);
    } else if (activeTapes.length === 0 && canAddInPlace(parent.grad, scope)) {
      addInPlace(parent.grad, dx);
      if (held(dx)._gradSlots === 0) freeIfTemporary(dx);
    } else {
      const sum = hooks.accumulate(parent.grad, dx);
      drop(parent.grad);
      parent.grad = sum;
      take(sum);
      if (held(dx)._gradSlots === 0) freeIfTemporary(dx);
    }
  };

  const cached: Node[] = [];
  try {
    for (const node of tape.nodes) node.grad = null;
    root.grad = hooks.onesLike(result);
    take(root.grad);
    for (let i = root.index; i >= 0; i--) {
      const node = tape.nodes[i];
      const grad = node.grad;
      if (node.group !== null) {
        // The results of one call are consecutive and used only after it, so
        // the first of them this walk meets (the last, or the root) has all
        // of their gradients complete: the rules run once, there.
        const group = node.group;
        if (node === group[group.length - 1] || node === root) backwardGroup(node, group, keepNode, accumulate, drop, freeIfTemporary);
        continue;
      }
      if (grad === null || node.op === null) continue;
      checkVersions(node);
      // A sparse gradient reaching an op is made dense: rules take tensors.
      const dy = grad instanceof Tensor ? grad : grad.toDense();
      const parents = node.parents!;
      let value: Tensor | null = null;
      let args: readonly unknown[] | null = null;
      for (let j = 0; j < parents.length; j++) {
        const parent = parents[j];
        if (parent === null) continue;
        if (args === null) [value, args] = liveOperands(node);
        const dx = callRule(node, j, dy, value!, args);
        if (dx !== null) accumulate(parent, dx);
      }
      if (dy !== grad && dy._gradSlots === 0) freeIfTemporary(dy);
      if (node !== keepNode) {
        node.grad = null;
        drop(grad);
      }
    }
    // Leaves (and the node asked for) keep their gradients, each in a buffer
    // of its own that the tape owns: rules that pass dy through (add,
    // reshape, cast) leave several nodes' gradients on one buffer, and a
    // user who updates one gradient in place (accumulating micro-batches
    // with axpy) must not change another; nor may a gradient be a view of a
    // user's tensor. Those get a copy; the usual gradient is taken as is.
    const claimedStorage = new Set<Storage>();
    for (const node of tape.nodes) {
      if (node.op !== null && node !== keepNode) continue;
      let g = node.grad;
      node.grad = null;
      if (g !== null) held(g)._gradSlots = 0;
      if (grads.has(node)) continue; // kept from an earlier pass
      if (g !== null) {
        const t = held(g);
        if (t._owner !== scope || t._storage.refs > 1 || claimedStorage.has(t._storage)) {
          // While a tape records, the copy must be recorded too (a plain copy
          // would be a constant to it, losing higher-order terms).
          const copy = activeTapes.length > 0 ? hooks.copy(t) : castCopy(t, t.dtype);
          g = g instanceof Tensor ? copy : new SparseGradient(g.shape, g.indices, copy);
        }
        claimed.add(held(g));
        claimedStorage.add(held(g)._storage);
      }
      grads.set(node, g);
      cached.push(node);
      if (node === dense && g instanceof SparseGradient) {
        // Asked for as a tensor: a dense copy made here (so that a failure
        // leaves nothing), kept beside the sparse one that optimizers take.
        const d = g.toDense();
        claimed.add(d);
        claimedStorage.add(d._storage);
        (tape._denseGrads ??= new Map()).set(node, d);
      }
    }
  } catch (error) {
    for (const node of tape.nodes) {
      if (node.grad !== null) held(node.grad)._gradSlots = 0;
      node.grad = null;
    }
    // What this pass cached is freed with its scope below: forget it, so
    // that asking again runs the pass again.
    for (const node of cached) {
      grads.delete(node);
      tape._denseGrads?.delete(node);
    }
    popScope(scope);
    endScope(scope.take(), scope.freedBy);
    throw error;
  }
  popScope(scope);
  const items = scope.take();
  for (const item of items) {
    if (item instanceof Tensor && claimed.has(item)) {
      tape._scope.add(item);
      tape.hold(item);
    }
  }
  endScope(items.filter((item) => !(item instanceof Tensor && claimed.has(item))), scope.freedBy);
}

/**
 * The backward step of one call of an op with several results: its rules
 * get the gradients of all the results (null for those nothing used), then
 * the results' gradients are let go (but the one asked for, `keepNode`).
 */
function backwardGroup(
  node: Node, group: readonly Node[], keepNode: Node | null,
  accumulate: (parent: Node, dx: Grad) => void, drop: (g: Grad) => void, freeIfTemporary: (g: Grad) => void,
): void {
  let any = false;
  for (let k = 0; k < group.length; k++) if (group[k].grad !== null) any = true;
  if (!any || node.op === null) return;
  const dys: (Tensor | null)[] = [];
  const values: Tensor[] = [];
  let args: readonly unknown[] | null = null;
  for (let k = 0; k < group.length; k++) {
    const sibling = group[k];
    checkVersions(sibling);
    // A sparse gradient reaching an op is made dense: rules take tensors.
    const g = sibling.grad;
    dys.push(g === null || g instanceof Tensor ? g : g.toDense());
    const [value, live] = liveOperands(sibling);
    values.push(value);
    if (args === null) args = live;
  }
  const parents = node.parents!;
  for (let j = 0; j < parents.length; j++) {
    const parent = parents[j];
    if (parent === null) continue;
    const dx = callRule(node, j, dys, values, args!);
    if (dx !== null) accumulate(parent, dx);
  }
  for (let k = 0; k < group.length; k++) {
    const sibling = group[k];
    const dy = sibling.grad;
    const dense = dys[k];
    if (dense !== null && dense !== dy && dense._gradSlots === 0) freeIfTemporary(dense);
    if (dy === null || sibling === keepNode) continue;
    sibling.grad = null;
    drop(dy);
  }
}

/**
 * Whether a gradient sum may be updated in place rather than replaced: when
 * no tape records (nothing can see the sum being formed), a gradient this
 * pass made, held by this one slot and viewed by no other handle, is
 * invisible to everyone else. Saves an allocation and a free per sum, which
 * is most of the cost of accumulating into a parameter used many times.
 */
function canAddInPlace(g: Grad, scope: Scope): g is Tensor {
  if (!(g instanceof Tensor)) return false; // a sparse sum is joined, never written in place
  return g._owner === scope && g._gradSlots === 1 && g._storage.refs === 1 && !g._recorded;
}

/** g += dx, same shape and dtype (the rule's result was checked): `1 * dx` is exact, so this is g + dx to the bit; sparse rows are added in. */
function addInPlace(g: Tensor, dx: Grad): void {
  if (dx instanceof SparseGradient) addRows(g, dx);
  else kernelFor<(alpha: number, x: number, y: number, n: number) => void>('axpy', g.dtype)(1, dx._ptr, g._ptr, g.size);
}

/**
 * The node's value and arguments as live handles. A handle its owner freed
 * after recording (the tape held its memory) is read through a fresh view,
 * unless a tape recording now tracks that very handle: a view would be a
 * constant to it, silently losing higher-order terms, so that is an error.
 */
/** @internal */
export function liveOperands(node: Node): [Tensor, readonly unknown[]] {
  let value = node.value;
  let args = node.args;
  if (value._disposed) value = revive(node, value, 'its result');
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tensor && a._disposed) {
      if (args === node.args) args = args.slice();
      (args as unknown[])[i] = revive(node, a, `argument ${i + 1}`);
    }
  }
  return [value, args];
}

function revive(node: Node, t: Tensor, what: string): Tensor {
  if (trackedNow(t)) {
    throw new DisposedError(
      `${node.op!.name} (tape position ${node.index + 1}): ${what}, a ${t.dtype} tensor of shape ${shapeString(t.shape)}, ` +
        `was freed (by ${t._freedBy}) while an outer diff that recorded it is still recording; ` +
        'its higher-order gradient would be lost. Do not dispose tensors inside a diff that an outer diff still needs.',
    );
  }
  return alias(t, t.shape);
}

function checkVersions(node: Node): void {
  const stamp = node.stamp;
  if (writes.stamp === stamp) return; // nothing at all written since
  if (node.value._storage.writtenAt > stamp) versionError(node, node.value, 'its result');
  for (let i = 0; i < node.args.length; i++) {
    const t = node.args[i];
    if (t instanceof Tensor && t._storage.writtenAt > stamp) versionError(node, t, `argument ${i + 1}`);
  }
}

function versionError(node: Node, t: Tensor, what: string): never {
  throw new AutogradError(
    `${node.op!.name} (tape position ${node.index + 1}): ${what}, a ${t.dtype} tensor of shape ${shapeString(t.shape)}, ` +
      `was modified in place after it was recorded (its memory has been written ${t._storage.version} time(s)) before the backward pass, ` +
      'directly or through another view of its memory (value(p), the tensor a Param wraps, a reshape); ' +
      'its gradient would be wrong. Ask for the gradients (grad) before updating ' +
      'parameters in place (axpy, optimizer steps).',
  );
}

/** A handle of its own on a gradient's memory (a sparse one: on its values). */
export function ownHandle(g: Grad): Grad {
  if (g instanceof Tensor) return alias(g, g.shape);
  return new SparseGradient(g.shape, g.indices, alias(g.values, g.values.shape));
}

/** Calls `rule(dy, value, ...args)`; for an op with several results, dy and value are the lists of all of them. */
function callRule(
  node: Node, j: number, dy: Tensor | readonly (Tensor | null)[], value: Tensor | readonly Tensor[], args: readonly unknown[],
): Grad | null {
  const op = node.op!;
  const rule = op.rules![j] as ((dy: unknown, y: unknown, ...args: unknown[]) => Grad | null) | null | undefined; // only ops with rules are recorded
  if (rule === undefined || rule === null) return null;
  // The rule's temporaries land in the backward scope after this mark; no
  // scope object is made per rule call.
  const scope = currentScope()!;
  const mark = scope.mark();
  let dx: Grad | null;
  try {
    const t0 = hooks.profiler === null ? 0 : hooks.profiler.now();
    if (hooks.checkFinite !== null) hooks.ruleContext = `the gradient of ${op.name} for argument ${j + 1}, tape position ${node.index + 1}`;
    dx = rule(dy, value, ...args) as Grad | null;
    hooks.ruleContext = null;
    if (hooks.profiler !== null) hooks.profiler.addBackward(op.name, j, hooks.profiler.now() - t0);
  } catch (error) {
    hooks.ruleContext = null;
    endScope(scope.takeFrom(mark), scope.freedBy);
    throw error;
  }
  // Temporaries of the rule go now; the gradient (and what a recording
  // tape tracked) stays in the backward scope.
  const keep = dx instanceof SparseGradient ? dx.values : dx;
  endScope(scope.takeFrom(mark), scope.freedBy, (item) => item === keep);
  if (dx === null || dx === undefined) return null;
  if (dx instanceof SparseGradient) return dx; // made by the library's own rules (gather, embedding), shaped by construction
  if (!(dx instanceof Tensor)) {
    throw new AutogradError(`${op.name}: gradient rule for argument ${j + 1} returned ${typeof dx}, expected a Tensor or null`);
  }
  if (dx._disposed) {
    throw new DisposedError(`${op.name}: gradient rule for argument ${j + 1} returned a disposed tensor`);
  }
  if (hooks.checkFinite !== null) hooks.checkFinite(`${op.name} gradient for argument ${j + 1}`, dx, node.index, args);
  const arg = args[j] as Tensor;
  if (!sameShape(dx.shape, arg.shape)) {
    throw new ShapeError(
      `${op.name}: gradient rule for argument ${j + 1} returned shape ${shapeString(dx.shape)}, ` +
        `expected the argument's shape ${shapeString(arg.shape)}`,
    );
  }
  if (dx.dtype !== arg.dtype) {
    throw new DTypeError(
      `${op.name}: gradient rule for argument ${j + 1} returned ${dx.dtype}, expected the argument's dtype ${arg.dtype}`,
    );
  }
  return dx;
}

/**
 * @internal The gradients of the scalar `result`, recorded on `tape`, with
 * respect to the nodes `wrt` (null where `result` does not depend on one),
 * for transforms that run several backward passes over one recording
 * (vjp's pullback, Jacobians): the current scope (or the user) owns them,
 * and the tape keeps nothing of the pass, so repeated passes do not pile up
 * memory on it.
 */
export function pullback(tape: Tape, result: Tensor, wrt: readonly Node[]): (Tensor | null)[] {
  const savedResult = tape._result;
  const savedGrads = tape._grads;
  const holds = tape._extra.length;
  tape._result = result;
  tape._grads = null;
  try {
    backward(tape, null);
    const grads = tape._grads as Map<Node, Grad | null> | null;
    // Transforms build dense results: rows picked from a table are spread out here.
    const out = wrt.map((node) => {
      const g = grads?.get(node) ?? null;
      return g === null || g instanceof Tensor ? g : g.toDense();
    });
    if (grads !== null) {
      for (const g of grads.values()) {
        if (g !== null && !out.includes(held(g))) held(g).dispose('the end of the pullback that computed it');
      }
    }
    for (const g of out) if (g !== null) moveToCurrent(g);
    // The pass held each gradient it computed for the tape (tape.hold): hand those holds back.
    const collectable = tape._scope.collectable;
    for (let i = tape._extra.length - 1; i >= holds; i--) {
      tape._extra[i].release();
      if (collectable) tape._ledger.held.pop();
    }
    tape._extra.length = holds;
    return out;
  } finally {
    tape._result = savedResult;
    tape._grads = savedGrads;
  }
}
