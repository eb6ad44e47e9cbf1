// The op library, and the wiring core/ needs from it. One file per family;
// each op is declared once (define.ts) with its kernel in assembly/<family>.ts.

import { ones } from '../runtime/create';
import { hooks } from '../core/hooks';
import { raw } from './raw';
import { stack } from './indexing';
import './methods';

// The tape's own needs, which core/ (knowing no op) cannot import: the sum
// of two gradients, the seed of a backward pass, and a recorded copy.
hooks.accumulate = (a, b) => raw.add(a, b);
hooks.onesLike = (t) => ones(t.shape, { dtype: t.dtype });
hooks.copy = (t) => raw.mul(t, 1); // exact, and recorded like any op
// What the transforms (core/transforms.ts) build their results with.
hooks.vdot = (a, b) => {
  const s = raw.sum(raw.mul(a, b), a.shape.map((_, i) => i), false);
  return s.dtype === 'float64' ? s : raw.cast(s, 'float64');
};
hooks.stack = (ts, axis) => stack(ts, axis);
hooks.reshape = (t, shape) => raw.reshape(t, shape.slice());

export * from './all';
