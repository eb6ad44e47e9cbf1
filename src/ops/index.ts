// The op library, and the wiring core/ needs from it. One file per family;
// each op is declared once (define.ts) with its kernel in assembly/<family>.ts.

import { ones } from '../runtime/create';
import { hooks } from '../core/hooks';
import { raw } from './raw';
import './methods';

// The tape's own needs, which core/ (knowing no op) cannot import: the sum
// of two gradients, and the seed of a backward pass.
hooks.accumulate = (a, b) => raw.add(a, b);
hooks.onesLike = (t) => ones(t.shape, { dtype: t.dtype });

export * from './all';
