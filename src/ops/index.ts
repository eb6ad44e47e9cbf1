// The op library, and the wiring core/ needs from it. One file per family;
// each op is declared once (define.ts) with its kernel in assembly/<family>.ts.

import { ones } from '../runtime/create';
import { Tensor } from '../runtime/tensor';
import { SparseGradient, addSparse } from '../runtime/sparse';
import { hooks } from '../core/hooks';
import { raw } from './raw';
import { concat, stack } from './indexing';
import './methods';

// The tape's own needs, which core/ (knowing no op) cannot import: the sum
// of two gradients, the seed of a backward pass, and a recorded copy.
// Sparse gradients are made only while nothing records (see gather's rule),
// so adding them needs no differentiable op: two stay sparse (their rows
// joined), a dense one takes the rows in.
hooks.accumulate = (a, b) => {
  if (a instanceof Tensor && b instanceof Tensor) return raw.add(a, b);
  if (a instanceof SparseGradient && b instanceof SparseGradient) {
    const indices = new Int32Array(a.indices.length + b.indices.length);
    indices.set(a.indices);
    indices.set(b.indices, a.indices.length);
    return new SparseGradient(a.shape, indices, concat([a.values, b.values]));
  }
  return a instanceof Tensor ? addSparse(a, b as SparseGradient) : addSparse(b as Tensor, a);
};
hooks.onesLike = (t) => ones(t.shape, { dtype: t.dtype });
hooks.copy = (t) => raw.mul(t, 1); // exact, and recorded like any op
// What the transforms (core/transforms.ts) build their results with.
hooks.vdot = (a, b) => {
  const s = raw.sum(raw.mul(a, b), a.shape.map((_, i) => i), false);
  return s.dtype === 'float64' ? s : raw.cast(s, 'float64');
};
hooks.dot = (a, b) => raw.sum(raw.mul(a, b), a.shape.map((_, i) => i), false);
hooks.broadcastTo = (t, shape) => raw.broadcastTo(t, shape.slice());
hooks.stack = (ts, axis) => stack(ts, axis);
hooks.reshape = (t, shape) => raw.reshape(t, shape.slice());

export * from './all';
