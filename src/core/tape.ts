// The tape: what ran, in order, and the reverse walk over it. Nothing here
// knows any particular op; every op reaches the tape through primitive().

import { Tensor, alias, checkLive, recordingState } from '../tensor';
import { Scope, currentScope, popScope, pushScope, release } from '../memory';
import { AutogradError, DisposedError, ShapeError } from '../errors';
import { shapeString, sameShape } from '../shape';
import { hooks, type Primitive } from './hooks';
import { brand } from '../copy';

/** One recorded value on one tape. Leaves (Params, function-form inputs) have no op. */
export interface Node {
  readonly value: Tensor;
  readonly op: Primitive | null;
  readonly args: readonly unknown[];
  /** parents[i] is the node of args[i] on this tape, or null when args[i] is constant here. */
  readonly parents: readonly (Node | null)[] | null;
  readonly index: number;
  /**
   * Versions of the tensor arguments and of the value when recorded: an
   * in-place write before the backward pass would make the rules read other
   * numbers than the forward pass did, so the pass refuses.
   */
  readonly versions: readonly number[] | null;
  /** The gradient flowing into this node during (and, for leaves, after) the backward pass. */
  grad: Tensor | null;
}

/** Tapes recording right now, outermost first. */
export const activeTapes: Tape[] = [];

/** How deep we are inside forward functions, whose internal op calls must not be recorded. */
export const recording = { suspended: 0 };

export function updateRecordingState(): void {
  recordingState.active = activeTapes.length > 0;
}

/**
 * The record of one `diff`: the operations that ran, the scalar they
 * produced, and (once asked) the gradients. Holds wasm memory until disposed.
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
  /** @internal tensors this tape owns: what ran inside diff, and its gradients */ _scope: Scope | null = null;
  /** @internal */ _result: Tensor | number = NaN;
  /** @internal */ _disposed = false;
  /** @internal gradients of leaves and of the intermediates asked for, after a backward pass */
  _grads: Map<Node, Tensor | null> | null = null;

  /** The scalar the differentiated function returned, as a number. */
  get value(): number {
    if (this._disposed) throw new DisposedError('value: the tape was disposed');
    return typeof this._result === 'number' ? this._result : this._result.item();
  }

  /** The tensor (or number) the differentiated function returned. */
  get result(): Tensor | number {
    return this._result;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** @internal */
  addLeaf(t: Tensor): Node {
    const node: Node = { value: t, op: null, args: [], parents: null, index: this.nodes.length, versions: null, grad: null };
    this.nodes.push(node);
    this.byTensor.set(t, node);
    t._recorded = true;
    return node;
  }

  /** @internal The node of `t` on this tape; Params become leaves the first time a tape sees them. */
  lookup(t: Tensor): Node | undefined {
    const node = this.byTensor.get(t);
    if (node !== undefined || !t._param) return node;
    return this.addLeaf(t);
  }

  /** @internal */
  record(op: Primitive, value: Tensor, args: readonly unknown[], parents: (Node | null)[], versions: number[]): void {
    const node: Node = { value, op, args, parents, index: this.nodes.length, versions, grad: null };
    this.nodes.push(node);
    this.byTensor.set(value, node);
  }

  /**
   * Frees the tensors the tape owns (what `diff` computed, and gradients)
   * except those the user took with `keep`. Param values are never freed.
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    if (this._owner !== null) this._owner.remove(this);
    if (this._scope !== null) this._scope.disposeAll();
    this._scope = null;
    this.nodes.length = 0;
    this.byTensor.clear();
    this._grads = null;
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

// ---- the backward pass ----

/**
 * Walks the tape in reverse from its result, calling each op's gradient
 * rules. A node's gradient is freed as soon as the node is processed (all its
 * consumers came later on the tape, so they are done): AutoGrad.jl's gcnode.
 * Gradients of leaves, and of `keep` when given, are stored on the tape.
 */
export function backward(tape: Tape, keepNode: Node | null): void {
  const result = tape._result;
  const grads = tape._grads ?? new Map<Node, Tensor | null>();
  tape._grads = grads;
  if (typeof result === 'number') return;
  const root = tape.byTensor.get(result);
  if (root === undefined) return;

  const outerRecording = activeTapes.length > 0;
  const scope = pushScope('backward');
  const claimed = new Set<Tensor>();
  // How many node slots hold each gradient tensor (Tensor._gradSlots):
  // rules may pass `dy` through unchanged, so one tensor can flow into
  // several nodes, and it is freed when the last of them is done.
  const take = (g: Tensor) => {
    g._gradSlots++;
  };
  const drop = (g: Tensor) => {
    if (--g._gradSlots > 0) return;
    g._gradSlots = 0;
    if (g._owner === scope && !(outerRecording && g._recorded)) g.dispose();
  };

  try {
    for (const node of tape.nodes) node.grad = null;
    root.grad = hooks.onesLike(result);
    take(root.grad);
    for (let i = root.index; i >= 0; i--) {
      const node = tape.nodes[i];
      const dy = node.grad;
      if (dy === null || node.op === null) continue;
      checkVersions(node);
      const parents = node.parents!;
      for (let j = 0; j < parents.length; j++) {
        const parent = parents[j];
        if (parent === null) continue;
        const dx = callRule(node, j, dy, outerRecording);
        if (dx === null) continue;
        if (parent.grad === null) {
          parent.grad = dx;
          take(dx);
        } else {
          const sum = hooks.accumulate(parent.grad, dx);
          drop(parent.grad);
          parent.grad = sum;
          take(sum);
          if (dx._gradSlots === 0 && dx._owner === scope && !(outerRecording && dx._recorded)) dx.dispose();
        }
      }
      if (node !== keepNode) {
        node.grad = null;
        drop(dy);
      }
    }
    // Leaves (and the node asked for) keep their gradients, each in a handle
    // of its own that the tape owns, never one of the user's tensors.
    for (const node of tape.nodes) {
      if (node.op !== null && node !== keepNode) continue;
      let g = node.grad;
      node.grad = null;
      if (g !== null) g._gradSlots = 0;
      if (grads.has(node)) continue; // kept from an earlier pass
      if (g !== null && (claimed.has(g) || g._owner !== scope)) g = alias(g, g.shape);
      if (g !== null) claimed.add(g);
      grads.set(node, g);
    }
  } catch (error) {
    for (const node of tape.nodes) {
      if (node.grad !== null) node.grad._gradSlots = 0;
      node.grad = null;
    }
    popScope(scope);
    release(scope.take(), () => outerRecording);
    throw error;
  }
  popScope(scope);
  if (outerRecording) {
    // The outer tapes' backward passes read what was computed here.
    release(scope.take(), () => true);
  } else {
    const owner = tape._scope ?? new Scope('tape');
    tape._scope = owner;
    for (const item of scope.take()) {
      if (item instanceof Tensor && claimed.has(item)) owner.add(item);
      else item.dispose();
    }
  }
}

function checkVersions(node: Node): void {
  const versions = node.versions;
  if (versions === null) return;
  if (node.value._version !== versions[0]) versionError(node, node.value, versions[0], 'its result');
  checkLive(node.value, `${node.op!.name} (tape position ${node.index + 1})`);
  let v = 1;
  for (let i = 0; i < node.args.length; i++) {
    const t = node.args[i];
    if (!(t instanceof Tensor)) continue;
    if (t._version !== versions[v]) versionError(node, t, versions[v], `argument ${i + 1}`);
    if (t._disposed) checkLive(t, `${node.op!.name} (tape position ${node.index + 1})`);
    v++;
  }
}

function versionError(node: Node, t: Tensor, recorded: number, what: string): never {
  throw new AutogradError(
    `${node.op!.name} (tape position ${node.index + 1}): ${what}, a ${t.dtype} tensor of shape ${shapeString(t.shape)}, ` +
      `was modified in place (version ${recorded} when recorded, ${t._version} now) before the backward pass; ` +
      'its gradient would be wrong. Ask for the gradients (grad) before updating parameters in place (axpy, optimizer steps).',
  );
}

function callRule(node: Node, j: number, dy: Tensor, outerRecording: boolean): Tensor | null {
  const op = node.op!;
  const rule = op.rules[j];
  if (rule === undefined || rule === null) return null;
  // The rule's temporaries land in the backward scope after this mark; no
  // scope object is made per rule call.
  const scope = currentScope()!;
  const mark = scope.mark();
  let dx: Tensor | null;
  try {
    const t0 = hooks.profiler === null ? 0 : hooks.profiler.now();
    if (hooks.checkFinite !== null) hooks.ruleContext = `the gradient of ${op.name} for argument ${j + 1}, tape position ${node.index + 1}`;
    dx = rule(dy, node.value, ...node.args) as Tensor | null;
    hooks.ruleContext = null;
    if (hooks.profiler !== null) hooks.profiler.addBackward(op.name, j, hooks.profiler.now() - t0);
  } catch (error) {
    hooks.ruleContext = null;
    release(scope.takeFrom(mark), () => outerRecording);
    throw error;
  }
  // Temporaries of the rule go now; the gradient (and, when an outer tape
  // records this, everything it recorded) stays in the backward scope.
  release(scope.takeFrom(mark), (item) => item === dx || (outerRecording && item instanceof Tensor && item._recorded));
  if (dx === null || dx === undefined) return null;
  if (!(dx instanceof Tensor)) {
    throw new AutogradError(`${op.name}: gradient rule for argument ${j + 1} returned ${typeof dx}, expected a Tensor or null`);
  }
  checkLive(dx, `${op.name} gradient`);
  if (hooks.checkFinite !== null) hooks.checkFinite(`${op.name} gradient for argument ${j + 1}`, dx, node.index, node.args);
  const arg = node.args[j] as Tensor;
  if (!sameShape(dx.shape, arg.shape)) {
    throw new ShapeError(
      `${op.name}: gradient rule for argument ${j + 1} returned shape ${shapeString(dx.shape)}, ` +
        `expected the argument's shape ${shapeString(arg.shape)}`,
    );
  }
  return dx;
}

/** Tapes in flight must nest like calls; this names the one on top. */
export function currentTape(): Tape | null {
  return activeTapes.length === 0 ? null : activeTapes[activeTapes.length - 1];
}

export { currentScope };
