// Anomaly mode and leak reports: debugging aids that cost nothing when off.

import { Tensor, tensorDebug } from '../runtime/tensor';
import { kernel } from '../wasm/index';
import { hooks } from '../core/hooks';
import { AutogradError, ArgumentError, describe } from '../runtime/errors';
import { shapeString } from '../runtime/shape';
import { bytesPerElement } from '../runtime/dtype';

/** Thrown in anomaly mode by the first op whose result holds NaN or Infinity. */
export class NonFiniteError extends AutogradError {}

function countNonFinite(t: Tensor): number {
  if (t._disposed || t.size === 0 || !(t.dtype === 'float32' || t.dtype === 'float64')) return 0;
  return kernel<(ptr: number, n: number) => number>(t.dtype === 'float32' ? 'count_nonfinite_f32' : 'count_nonfinite_f64')(t._ptr, t.size);
}

function describeArgs(args: readonly unknown[]): string {
  return args
    .map((a) => (a instanceof Tensor ? `${a.dtype}${shapeString(a.shape)}` : typeof a === 'number' ? String(a) : typeof a))
    .join(', ');
}

function checkFinite(what: string, t: Tensor, tapePosition: number, args: readonly unknown[]): void {
  const bad = countNonFinite(t);
  if (bad === 0) return;
  const where = hooks.ruleContext !== null
    ? ` (computing ${hooks.ruleContext})`
    : tapePosition >= 0 ? ` at tape position ${tapePosition + 1}` : '';
  throw new NonFiniteError(
    `${what}${where} produced ${bad} non-finite value(s) (NaN or Infinity) in a ${t.dtype} tensor of shape ${shapeString(t.shape)}; ` +
      `arguments: (${describeArgs(args)})`,
  );
}

export interface DebugOptions {
  /**
   * Anomaly mode: the first op that produces NaN or Infinity, in the forward
   * or the backward pass, throws a NonFiniteError naming the op, its tape
   * position and the shapes. Costs one scan of every result while on.
   */
  checkFinite?: boolean;
  /**
   * Record where each tensor is created (a stack frame), so `leakReport()`
   * can say which line made the tensors still alive. Holds live tensors
   * strongly while on.
   */
  trackAllocations?: boolean;
}

/**
 * Turns debugging aids on or off; options left out keep their state.
 *
 * @example
 * ag.setDebug({ checkFinite: true });
 * ag.diff(() => ag.sum(ag.log(ag.sub(w, 10)))); // throws: log ... produced NaN
 */
export function setDebug(options: DebugOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(`setDebug: expected an options object like { checkFinite: true }, got ${describe(options)}`);
  }
  if (options.checkFinite !== undefined) hooks.checkFinite = options.checkFinite ? checkFinite : null;
  if (options.trackAllocations !== undefined) {
    if (options.trackAllocations && tensorDebug.sites === null) tensorDebug.sites = new Map();
    if (!options.trackAllocations) tensorDebug.sites = null;
  }
}

export interface LeakEntry {
  /** The user's stack frame that created the tensors. */
  site: string;
  count: number;
  bytes: number;
}

/**
 * The live tensors created since `setDebug({ trackAllocations: true })`,
 * grouped by the line that created them, most first.
 *
 * @example
 * ag.setDebug({ trackAllocations: true });
 * step(); step();
 * console.log(ag.leakReport().toString());
 */
export function leakReport(): { entries: LeakEntry[]; toString(): string } {
  if (tensorDebug.sites === null) {
    throw new ArgumentError('leakReport: allocation tracking is off; call ag.setDebug({ trackAllocations: true }) first');
  }
  const bySite = new Map<string, LeakEntry>();
  for (const [t, site] of tensorDebug.sites) {
    if (t._disposed) continue;
    const entry = bySite.get(site) ?? { site, count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += t.size * bytesPerElement(t.dtype);
    bySite.set(site, entry);
  }
  const entries = [...bySite.values()].sort((a, b) => b.count - a.count);
  return {
    entries,
    toString: () =>
      entries.length === 0
        ? 'no live tensors'
        : entries.map((e) => `${String(e.count).padStart(6)} tensors ${String(e.bytes).padStart(10)} bytes  ${e.site}`).join('\n'),
  };
}
