// The op library, and the wiring core/ needs from it. One file per family;
// each op is declared once (define.ts) with its kernel in assembly/<family>.ts.

import { ones } from '../runtime/create';
import { hooks } from '../core/hooks';
import * as all from './all';
import { rawOps } from './define';
import './fluent';

hooks.accumulate = (a, b) => all.add(a, b);
hooks.onesLike = (t) => ones(t.shape.slice(), { dtype: t.dtype });

// Transitional: families not yet declared with op() reach rules through their public functions.
for (const [name, fn] of Object.entries(all)) {
  if (typeof fn === 'function' && rawOps[name] === undefined) rawOps[name] = fn as (...args: any[]) => any;
}

export * from './all';
