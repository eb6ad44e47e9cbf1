// Every op is a Tensor method too — `x.exp()` is `exp(x)`, `x.sum(0)` is
// `sum(x, 0)` — but for the few whose first argument is not the tensor the
// method would act on (below). The methods' types are derived from the ops'
// own (the tensor-first overload of each), so a new op is a method without
// anything else to write.

import { Tensor } from '../runtime/tensor';
import type * as all from './all';
import { declared } from './define';
import './all'; // every family declared before the methods are installed

/** Ops that are not methods: their first argument is a condition, an order, a list, or not a tensor at all. */
const NOT_METHODS = ['where', 'polygamma', 'besselJ', 'einsum', 'concat', 'stack', 'unbroadcast', 'axpy'] as const;

type Ops = typeof all;
type MethodOf<F> = F extends (x: Tensor, ...rest: infer R) => infer Y ? (...rest: R) => Y : never;
// Keys chosen by name, not by the ops' types: Tensor's own type depends on
// this one, so it must not depend on resolving theirs.
/** The Tensor methods: one per op. */
export type TensorMethods = { [K in Exclude<keyof Ops, (typeof NOT_METHODS)[number]>]: MethodOf<Ops[K]> };


const skip = new Set<string>(NOT_METHODS);
for (const d of declared) {
  if (skip.has(d.name)) continue;
  const fn = d.fn;
  Object.defineProperty(Tensor.prototype, d.name, {
    value: function (this: Tensor, ...rest: unknown[]) {
      return fn(this, ...rest);
    },
    writable: true,
    configurable: true,
  });
}

const unstack = declared.find((d) => d.name === 'unstack')!.fn as (x: Tensor, axis: number) => Tensor[];
Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  value: function* (this: Tensor) {
    yield* unstack(this, 0);
  },
  writable: true,
  configurable: true,
});
