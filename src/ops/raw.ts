// The unvalidated forms of the ops, by name, for gradient rules: `raw.mul(dy, b)`
// is recorded like `mul(dy, b)` (so higher orders work) but skips argument
// checks and conversions, which a rule's known-good arguments do not need.
// Filled as ops are declared (define.ts); typed from the op modules.

import type * as families from './all';
import { rawOps, type OpFn } from './define';

type Families = typeof families;
type RawOf<F> = F extends OpFn<any, infer R, infer Y> ? (...args: R) => Y : F;
export type Raw = { [K in keyof Families as Families[K] extends (...args: any[]) => unknown ? K : never]: RawOf<Families[K]> };

export const raw = rawOps as unknown as Raw;
