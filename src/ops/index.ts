// The op library, and the wiring core/ needs from it. One file per family;
// each op is declared once (define.ts) with its kernel in assembly/<family>.ts.

import { ones } from '../runtime/create';
import { hooks } from '../core/hooks';
import { raw } from './raw';
import './methods';

// The tape's own needs, which core/ (knowing no op) cannot import: the sum
// of two gradients, the seed of a backward pass, and a recorded copy.
hooks.accumulate = (a, b) => raw.add(a, b);
hooks.onesLike = (t) => ones(t.shape, { dtype: t.dtype });
hooks.copy = (t) => raw.mul(t, 1); // exact, and recorded like any op

export * from './all';
