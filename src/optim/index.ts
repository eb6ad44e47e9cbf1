// Optimizers: in-place updates of Params in WebAssembly, with their state
// (momentum, Adam moments) in WebAssembly too. They take gradients from a
// tape (`opt.step(tape, params)`) or from the function form's gradient
// containers (`opt.step(grads, params)`), optionally clipped by global norm.
//
// A sparse gradient (rows of a table picked by gather, embedding or index)
// updates only its rows, lazily, as PyTorch's SparseAdam: the state of the
// other rows (momentum, moments, square averages) is left as it was that
// step, neither decayed nor applied, and weight decay touches only the rows
// updated. Plain SGD is the same either way; the others match the dense
// update exactly on the rows present and whenever every row is.

import { Tensor, checkLive, empty } from '../runtime/tensor';
import { keep } from '../runtime/tidy';
import { isFloat } from '../runtime/dtype';
import { fillWith, tensor, zeros } from '../runtime/create';
import { SparseGradient } from '../runtime/sparse';
import { allocBytes, freeBytes } from '../runtime/storage';
import { heapI32, kernel, kernelFor } from '../wasm/index';
import { Tape } from '../core/tape';
import { grad as gradOf } from '../core/diff';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { bytesPerElement } from '../runtime/dtype';
import { sameShape, shapeString } from '../runtime/shape';

/** A gradient as optimizers take it: a tensor, or rows of a table. */
type Gradient = Tensor | SparseGradient;

interface Common {
  /** Learning rate. */
  lr: number;
  /** Clip the gradients so their global L2 norm is at most this (before the update). */
  clipNorm?: number;
}

export interface SGDOptions extends Common {
  momentum?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (`g + weightDecay * w`). */
  weightDecay?: number;
}

export interface AdamOptions extends Partial<Common> {
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** AdamW: decay the weights directly instead of adding `weightDecay * w` to the gradient. */
  decoupledWeightDecay?: boolean;
}

export interface RMSpropOptions extends Partial<Common> {
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
}

/** What `step` updates: the Params, and their gradients from a tape or a container (of Tensors or SparseGradients). */
export type Gradients = Tape | unknown;

/** An optimizer: `step` updates Params in place; `dispose` frees its state. */
export interface Optimizer {
  /**
   * One update. `gradients` is the tape of a `diff` (gradients are taken
   * with `grad(tape, p)` for each Param; Params it did not reach are left
   * alone) or a container of gradient tensors shaped like `params` (what
   * `grad(f)` returns for a container of Params).
   */
  step(gradients: Gradients, params: unknown): void;
  /** The learning rate; set it between steps (schedules, warm-up) without losing the optimizer's state. */
  lr: number;
  /** Steps taken so far. */
  readonly steps: number;
  /** The global L2 norm of the gradients of the last step (before clipping). */
  readonly lastGradNorm: number;
  /** Frees the optimizer's state buffers. */
  dispose(): void;
  /** Its state (for `ag.saveState`): kind, steps, learning rate and each Param's slots (momentum, moments), live. */
  state(): OptimizerState;
  /** Replaces its state with copies of `data` (for `ag.loadState`); checks every slot first, writes nothing on a mismatch. */
  loadState(data: OptimizerStateData): void;
}

/** An optimizer's state: its slots are its own tensors (do not dispose them). */
export interface OptimizerState {
  kind: string;
  steps: number;
  lr: number;
  slots: ReadonlyMap<Tensor, readonly Tensor[]>;
}

/** An optimizer's state as saved: each Param's slots as typed arrays. */
export interface OptimizerStateData {
  kind: string;
  steps: number;
  lr: number;
  slots: ReadonlyMap<Tensor, readonly (Float32Array | Float64Array)[]>;
}

function checkNumber(op: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !(v >= min && v <= max)) {
    throw new ArgumentError(`${op}: ${name} must be a number in [${min}, ${max}], got ${describe(v)}`);
  }
  return v;
}

/** Pairs of (param, gradient) from a tape or a container walked in parallel. */
function pairs(op: string, gradients: Gradients, params: unknown): [Tensor, Gradient][] {
  const out: [Tensor, Gradient][] = [];
  if (gradients instanceof Tape) {
    const list = params instanceof Tensor ? [params] : Array.isArray(params) ? params : null;
    if (list === null) throw new ArgumentError(`${op}.step: with a tape, params must be a Param or an array of Params (e.g. ag.params(model)), got ${describe(params)}`);
    for (const p of list) {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${op}.step: params must hold Tensors, got ${describe(p)}`);
      const g = gradOf(gradients, p, { sparse: true });
      if (g !== null) out.push([p, g]);
    }
    return out;
  }
  const walk = (g: unknown, p: unknown, path: string): void => {
    if (p instanceof Tensor) {
      if (g === null) return;
      if (g === undefined) throw new ArgumentError(`${op}.step: gradients at ${path} do not match the params' structure: no gradient for a Param`);
      if (!(g instanceof Tensor) && !(g instanceof SparseGradient)) {
        throw new ArgumentError(`${op}.step: gradient at ${path} is ${describe(g)}, expected a Tensor or a SparseGradient`);
      }
      out.push([p, g]);
    } else if (Array.isArray(p)) {
      if (!Array.isArray(g) || g.length !== p.length) throw new ArgumentError(`${op}.step: gradients at ${path} do not match the params' structure`);
      p.forEach((v, i) => walk(g[i], v, `${path}[${i}]`));
    } else if (p !== null && typeof p === 'object') {
      if (g === null || typeof g !== 'object' || Array.isArray(g)) throw new ArgumentError(`${op}.step: gradients at ${path} do not match the params' structure`);
      for (const key of Object.keys(p)) walk((g as Record<string, unknown>)[key], (p as Record<string, unknown>)[key], `${path}.${key}`);
    }
  };
  walk(gradients, params, 'params');
  return out;
}

/** Each Param once: listing one twice (`[w, w]`) must not update it twice. */
function distinct(op: string, list: [Tensor, Gradient][]): [Tensor, Gradient][] {
  const seen = new Map<Tensor, Gradient>();
  const out: [Tensor, Gradient][] = [];
  for (const [p, g] of list) {
    const earlier = seen.get(p);
    if (earlier === undefined) {
      seen.set(p, g);
      out.push([p, g]);
    } else if (earlier !== g) {
      throw new ArgumentError(`${op}.step: a Param appears twice in params with two different gradients; list each Param once`);
    }
  }
  return out;
}

function check(op: string, p: Tensor, g: Gradient): void {
  checkLive(p, `${op}.step`);
  checkLive(g instanceof Tensor ? g : g.values, `${op}.step`);
  if (!isFloat(p.dtype)) throw new DTypeError(`${op}.step: cannot update a tensor of dtype ${p.dtype} (optimizers update float32 and float64 Params)`);
  if (p.dtype !== g.dtype) throw new DTypeError(`${op}.step: a ${p.dtype} Param got a ${g.dtype} gradient`);
  if (!sameShape(p.shape, g.shape)) {
    throw new ShapeError(`${op}.step: a Param of shape ${shapeString(p.shape)} got a gradient of shape ${shapeString(g.shape)}`);
  }
}

function globalNorm(list: readonly Tensor[]): number {
  let s = 0;
  for (const g of list) s += kernel<(x: number, n: number) => number>(`sumsq_${g.dtype === 'float32' ? 'f32' : 'f64'}`)(g._ptr, g.size);
  return Math.sqrt(s);
}

/** A sparse gradient with each row once (repeats summed), its rows ascending: what a lazy update steps by. */
interface Rows {
  readonly rows: Int32Array;
  /** [rows.length, row size]; a new tensor unless the gradient had no repeats. */
  readonly values: Tensor;
}

type ScatterKernel = (src: number, idx: number, out: number, outer: number, n: number, inner: number, m: number) => void;

function coalesce(op: string, g: SparseGradient): Rows {
  const slot = new Map<number, number>();
  for (const r of g.indices) if (!slot.has(r)) slot.set(r, slot.size);
  if (slot.size === g.indices.length) return { rows: g.indices, values: g.values };
  const rows = Int32Array.from(slot.keys()).sort();
  rows.forEach((r, k) => slot.set(r, k));
  const at = Int32Array.from(g.indices, (r) => slot.get(r)!);
  const values = empty([rows.length, g.rowSize], g.dtype, `${op}.step`);
  const bytes = at.length * 4;
  let ptr = 0;
  try {
    fillWith(values, 0);
    ptr = allocBytes(bytes, `${op}.step`);
    heapI32().set(at, ptr >>> 2);
    kernelFor<ScatterKernel>('scatter_add', g.dtype)(g.values._ptr, ptr, values._ptr, 1, rows.length, g.rowSize, at.length);
  } catch (error) {
    values.dispose();
    throw error;
  } finally {
    if (ptr !== 0) freeBytes(ptr, bytes);
  }
  return { rows, values };
}

abstract class Base implements Optimizer {
  steps = 0;
  private rate = 0;
  lastGradNorm = NaN;
  protected readonly slots = new Map<Tensor, Tensor[]>();
  private disposed = false;

  constructor(protected readonly name: string, protected readonly clipNorm: number | undefined, lr: number) {
    this.lr = lr;
  }

  get lr(): number {
    return this.rate;
  }

  set lr(value: number) {
    this.rate = checkNumber(this.name, 'lr', value, 0);
  }

  protected abstract stateCount(): number;
  /** The update of `n` elements from `p`, `g` and the state buffers (pointers, moved to a row for a sparse gradient). */
  protected abstract update(dtype: Tensor['dtype'], p: number, g: number, state: number[], n: number, scale: number): void;

  step(gradients: Gradients, params: unknown): void {
    if (this.disposed) throw new ArgumentError(`${this.name}.step: the optimizer was disposed`);
    const list = distinct(this.name, pairs(this.name, gradients, params));
    for (const [p, g] of list) check(this.name, p, g);
    // Everything that can fail (gradients, new state, summing repeated rows)
    // happens before the first Param is written: a failed step leaves the
    // model as it was.
    const fresh: [Tensor, Tensor[]][] = [];
    const made: Tensor[] = [];
    try {
      const steps: [Tensor, Tensor | Rows][] = list.map(([p, g]) => {
        if (g instanceof Tensor) return [p, g];
        const rows = coalesce(this.name, g);
        if (rows.values !== g.values) made.push(rows.values);
        return [p, rows];
      });
      for (const [p] of list) {
        if (this.slots.has(p)) continue;
        const s: Tensor[] = [];
        fresh.push([p, s]);
        for (let i = 0; i < this.stateCount(); i++) s.push(keep(zeros(p.shape.slice(), { dtype: p.dtype })));
      }
      for (const [p, s] of fresh) this.slots.set(p, s);
      fresh.length = 0;
      this.lastGradNorm = globalNorm(steps.map(([, g]) => (g instanceof Tensor ? g : g.values)));
      const scale = this.clipNorm !== undefined && this.lastGradNorm > this.clipNorm ? this.clipNorm / this.lastGradNorm : 1;
      this.steps++;
      for (const [p, g] of steps) {
        const state = this.slots.get(p)!;
        if (g instanceof Tensor) this.update(p.dtype, p._ptr, g._ptr, state.map((t) => t._ptr), p.size, scale);
        else {
          // Only the rows present: lazily, as PyTorch's SparseAdam (see the top of this file).
          const n = g.values.size / Math.max(g.rows.length, 1);
          const rowBytes = n * bytesPerElement(p.dtype);
          for (let k = 0; k < g.rows.length; k++) {
            const at = g.rows[k] * rowBytes;
            this.update(p.dtype, p._ptr + at, g.values._ptr + k * rowBytes, state.map((t) => t._ptr + at), n, scale);
          }
        }
        p._storage.markWritten();
      }
    } catch (error) {
      for (const [, s] of fresh) for (const t of s) t.dispose();
      throw error;
    } finally {
      for (const t of made) t.dispose();
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) for (const t of s) t.dispose();
    this.slots.clear();
    this.disposed = true;
  }

  state(): OptimizerState {
    return { kind: this.name, steps: this.steps, lr: this.lr, slots: this.slots };
  }

  loadState(data: OptimizerStateData): void {
    const op = `${this.name}.loadState`;
    if (this.disposed) throw new ArgumentError(`${op}: the optimizer was disposed`);
    if (data.kind !== this.name) throw new ArgumentError(`${op}: the state is ${describe(data.kind)} state, this optimizer is ${this.name}`);
    if (!Number.isInteger(data.steps) || data.steps < 0) throw new ArgumentError(`${op}: steps must be a non-negative integer, got ${describe(data.steps)}`);
    for (const [p, arrays] of data.slots) {
      checkLive(p, op);
      if (arrays.length !== this.stateCount()) {
        throw new ArgumentError(`${op}: a Param of shape ${shapeString(p.shape)} has ${arrays.length} state slot(s) in the state and ${this.stateCount()} in this optimizer (check its options, e.g. momentum)`);
      }
      for (const a of arrays) {
        const ok = p.dtype === 'float32' ? a instanceof Float32Array : a instanceof Float64Array;
        if (!ok || a.length !== p.size) throw new ArgumentError(`${op}: a ${p.dtype} Param of shape ${shapeString(p.shape)} got state ${describe(a)}`);
      }
    }
    const fresh = new Map<Tensor, Tensor[]>();
    try {
      for (const [p, arrays] of data.slots) fresh.set(p, arrays.map((a) => keep(tensor(a, { shape: p.shape.slice(), dtype: p.dtype }))));
    } catch (error) {
      for (const s of fresh.values()) for (const t of s) t.dispose();
      throw error;
    }
    for (const s of this.slots.values()) for (const t of s) t.dispose();
    this.slots.clear();
    for (const [p, s] of fresh) this.slots.set(p, s);
    this.steps = data.steps;
    this.lr = data.lr;
  }
}

class SGD extends Base {
  constructor(private readonly o: Required<Omit<SGDOptions, 'clipNorm'>>, clipNorm?: number) {
    super('sgd', clipNorm, o.lr);
  }
  protected stateCount(): number {
    return this.o.momentum !== 0 ? 1 : 0;
  }
  protected update(dtype: Tensor['dtype'], p: number, g: number, state: number[], n: number, scale: number): void {
    kernelFor<(...a: number[]) => void>('sgd', dtype)(
      p, g, state.length > 0 ? state[0] : 0, n, this.lr, this.o.momentum, this.o.nesterov ? 1 : 0, this.o.weightDecay, scale,
    );
  }
}

class Adam extends Base {
  constructor(private readonly o: Required<Omit<AdamOptions, 'clipNorm'>>, clipNorm?: number) {
    super('adam', clipNorm, o.lr);
  }
  protected stateCount(): number {
    return 2;
  }
  protected update(dtype: Tensor['dtype'], p: number, g: number, [m, v]: number[], n: number, scale: number): void {
    const [b1, b2] = this.o.betas;
    const t = this.steps;
    kernelFor<(...a: number[]) => void>('adam', dtype)(
      p, g, m, v, n, this.lr, b1, b2, this.o.eps, this.o.weightDecay,
      this.o.decoupledWeightDecay ? 1 : 0, 1 - b1 ** t, 1 - b2 ** t, scale,
    );
  }
}

class RMSprop extends Base {
  constructor(private readonly o: Required<Omit<RMSpropOptions, 'clipNorm'>>, clipNorm?: number) {
    super('rmsprop', clipNorm, o.lr);
  }
  protected stateCount(): number {
    return this.o.momentum !== 0 ? 2 : 1;
  }
  protected update(dtype: Tensor['dtype'], p: number, g: number, state: number[], n: number, scale: number): void {
    kernelFor<(...a: number[]) => void>('rmsprop', dtype)(
      p, g, state[0], state.length > 1 ? state[1] : 0, n,
      this.lr, this.o.alpha, this.o.eps, this.o.weightDecay, this.o.momentum, scale,
    );
  }
}

function clipOption(op: string, v: unknown): number | undefined {
  return v === undefined ? undefined : checkNumber(op, 'clipNorm', v, 0);
}

/**
 * Stochastic gradient descent with optional momentum (heavy-ball or
 * Nesterov) and L2 weight decay.
 *
 * @example
 * const opt = ag.sgd({ lr: 0.1, momentum: 0.9 });
 * const tape = ag.diff(() => loss(model, x, y));
 * opt.step(tape, ag.params(model));
 */
export function sgd(options: SGDOptions): Optimizer {
  if (options === null || typeof options !== 'object') throw new ArgumentError(`sgd: expected options like { lr: 0.1 }, got ${describe(options)}`);
  return new SGD(
    {
      lr: checkNumber('sgd', 'lr', options.lr, 0),
      momentum: checkNumber('sgd', 'momentum', options.momentum ?? 0, 0, 1),
      nesterov: options.nesterov === true,
      weightDecay: checkNumber('sgd', 'weightDecay', options.weightDecay ?? 0, 0),
    },
    clipOption('sgd', options.clipNorm),
  );
}

/**
 * Adam (Kingma & Ba), with bias correction; `decoupledWeightDecay: true`
 * makes it AdamW.
 *
 * @example
 * const opt = ag.adam({ lr: 1e-3 });
 * opt.step(ag.grad(lossOf)(params), params); // function form: gradients shaped like params
 */
export function adam(options: AdamOptions = {}): Optimizer {
  if (options === null || typeof options !== 'object') throw new ArgumentError(`adam: expected options like { lr: 1e-3 }, got ${describe(options)}`);
  const betas = options.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) throw new ArgumentError(`adam: betas must be [beta1, beta2], got ${describe(betas)}`);
  return new Adam(
    {
      lr: checkNumber('adam', 'lr', options.lr ?? 1e-3, 0),
      betas: [checkNumber('adam', 'betas[0]', betas[0], 0, 0.999999999), checkNumber('adam', 'betas[1]', betas[1], 0, 0.999999999)],
      eps: checkNumber('adam', 'eps', options.eps ?? 1e-8, 0),
      weightDecay: checkNumber('adam', 'weightDecay', options.weightDecay ?? 0, 0),
      decoupledWeightDecay: options.decoupledWeightDecay === true,
    },
    clipOption('adam', options.clipNorm),
  );
}

/**
 * RMSprop: divides the gradient by a running root mean square.
 *
 * @example
 * const opt = ag.rmsprop({ lr: 1e-2, alpha: 0.99 });
 */
export function rmsprop(options: RMSpropOptions = {}): Optimizer {
  if (options === null || typeof options !== 'object') throw new ArgumentError(`rmsprop: expected options like { lr: 1e-2 }, got ${describe(options)}`);
  return new RMSprop(
    {
      lr: checkNumber('rmsprop', 'lr', options.lr ?? 1e-2, 0),
      alpha: checkNumber('rmsprop', 'alpha', options.alpha ?? 0.99, 0, 1),
      eps: checkNumber('rmsprop', 'eps', options.eps ?? 1e-8, 0),
      weightDecay: checkNumber('rmsprop', 'weightDecay', options.weightDecay ?? 0, 0),
      momentum: checkNumber('rmsprop', 'momentum', options.momentum ?? 0, 0, 1),
    },
    clipOption('rmsprop', options.clipNorm),
  );
}

/**
 * The global L2 norm of a list (or container) of gradient tensors.
 *
 * @example
 * ag.gradNorm([ag.tensor([3]), ag.tensor([4])]); // 5
 */
export function gradNorm(gradients: unknown): number {
  const list: Tensor[] = [];
  const made: Tensor[] = [];
  const walk = (g: unknown): void => {
    if (g instanceof Tensor) {
      checkLive(g, 'gradNorm');
      if (!isFloat(g.dtype)) throw new DTypeError(`gradNorm: gradients are float32 or float64 tensors, got one of dtype ${g.dtype} and shape ${shapeString(g.shape)}`);
      list.push(g);
    } else if (g instanceof SparseGradient) {
      checkLive(g.values, 'gradNorm');
      const rows = coalesce('gradNorm', g);
      if (rows.values !== g.values) made.push(rows.values);
      list.push(rows.values);
    } else if (Array.isArray(g)) g.forEach(walk);
    else if (g !== null && typeof g === 'object') Object.values(g).forEach(walk);
  };
  try {
    walk(gradients);
    return globalNorm(list);
  } finally {
    for (const t of made) t.dispose();
  }
}
