// The few things core/ needs from the layers above it, injected at load time
// so that core/ imports nothing from ops/ or debug/.

import type { Tensor } from '../runtime/tensor';
import type { SparseGradient } from '../runtime/sparse';
import type { Tape } from './tape';

/**
 * A gradient rule: `(dy, y, ...args) => gradient for one argument`, or null
 * for none. The library's rules for picking rows of a table may return a
 * SparseGradient (the rows and their indices).
 */
export type GradRule = ((dy: Tensor, y: Tensor, ...args: any[]) => Tensor | SparseGradient | null) | null;

/**
 * A gradient rule of an op with several results: `(dys, ys, ...args) =>
 * gradient for one argument`, where `dys[k]` is the gradient flowing into
 * result `k`, or null when nothing used it.
 */
export type MultiGradRule = ((dys: readonly (Tensor | null)[], ys: readonly Tensor[], ...args: any[]) => Tensor | null) | null;

export interface Profiler {
  now(): number;
  addForward(name: string, ms: number): void;
  addBackward(name: string, argIndex: number, ms: number): void;
}

export const hooks: {
  /** Differentiable `a + b`, used to accumulate gradients (recorded when nested); two sparse gradients stay sparse. */
  accumulate: (a: Tensor | SparseGradient, b: Tensor | SparseGradient) => Tensor | SparseGradient;
  /** The seed of the backward pass: ones shaped like the result. */
  onesLike: (t: Tensor) => Tensor;
  /** Differentiable sum(a * b) of two tensors of one shape and dtype, as a float64 0-d tensor (transforms.ts). */
  vdot: (a: Tensor, b: Tensor) => Tensor;
  /** Differentiable sum(a * b) of two tensors of one shape, in their dtype, 0-d (forward mode's tangents of scalar results). */
  dot: (a: Tensor, b: Tensor) => Tensor;
  /** Differentiable broadcast of a tensor to a shape (forward mode, through elementwise ops with broadcast operands). */
  broadcastTo: (t: Tensor, shape: readonly number[]) => Tensor;
  /** Differentiable stack of tensors of one shape along a new `axis` (transforms.ts builds Jacobians with it). */
  stack: (ts: Tensor[], axis: number) => Tensor;
  /** Differentiable reshape (no copy). */
  reshape: (t: Tensor, shape: readonly number[]) => Tensor;
  /** A differentiable copy (recorded when nested): a gradient that must not share another's buffer. */
  copy: (t: Tensor) => Tensor;
  formatTape: ((tape: Tape) => string) | null;
  /** Non-null only while profiling: the one check an op pays when it is off. */
  profiler: Profiler | null;
  /** Non-null only in anomaly mode: throws if `t` holds NaN or Infinity. */
  checkFinite: ((what: string, t: Tensor, tapePosition: number, args: readonly unknown[]) => void) | null;
  /** In anomaly mode, the gradient rule running now (for error messages). */
  ruleContext: string | null;
} = {
  accumulate: () => {
    throw new Error('autograd-wasm internal error: gradient accumulation is not installed');
  },
  onesLike: () => {
    throw new Error('autograd-wasm internal error: onesLike is not installed');
  },
  vdot: () => {
    throw new Error('autograd-wasm internal error: vdot is not installed');
  },
  dot: () => {
    throw new Error('autograd-wasm internal error: dot is not installed');
  },
  broadcastTo: () => {
    throw new Error('autograd-wasm internal error: broadcastTo is not installed');
  },
  stack: () => {
    throw new Error('autograd-wasm internal error: stack is not installed');
  },
  reshape: () => {
    throw new Error('autograd-wasm internal error: reshape is not installed');
  },
  copy: () => {
    throw new Error('autograd-wasm internal error: copy is not installed');
  },
  formatTape: null,
  profiler: null,
  checkFinite: null,
  ruleContext: null,
};
