// Run-time profiling: per-op forward time and per-argument backward time,
// like AutoGrad.jl's TimerOutputs table. Off by default; when off the cost
// is one null check per op.

import { hooks, type Profiler } from '../core/hooks';
import { ArgumentError, describe } from '../runtime/errors';

export interface ProfileRow {
  /** `matmul` for the forward pass, `matmul[1]` for the gradient of argument 1. */
  name: string;
  calls: number;
  totalMs: number;
}

export interface ProfileReport {
  rows: ProfileRow[];
  /** A table sorted by total time. */
  toString(): string;
}

const rows = new Map<string, ProfileRow>();
const clock = typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

function add(name: string, ms: number): void {
  let row = rows.get(name);
  if (row === undefined) {
    row = { name, calls: 0, totalMs: 0 };
    rows.set(name, row);
  }
  row.calls++;
  row.totalMs += ms;
}

const profiler: Profiler = {
  now: clock,
  addForward: (name, ms) => add(name, ms),
  addBackward: (name, argIndex, ms) => add(`${name}[${argIndex + 1}]`, ms),
};

/** Turns run-time profiling on or off (it keeps what it collected until `resetProfile`). */
export function setProfiling(on: boolean): void {
  hooks.profiler = on ? profiler : null;
}

/** Forgets the collected timings. */
export function resetProfile(): void {
  rows.clear();
}

/** The timings collected so far. */
export function profileReport(): ProfileReport {
  const list = [...rows.values()].map((r) => ({ ...r })).sort((a, b) => b.totalMs - a.totalMs);
  return {
    rows: list,
    toString() {
      const total = list.reduce((s, r) => s + r.totalMs, 0);
      const width = Math.max(8, ...list.map((r) => r.name.length));
      const header = `${'op'.padEnd(width)}  ${'calls'.padStart(8)}  ${'time ms'.padStart(10)}  ${'%'.padStart(6)}  ${'µs/call'.padStart(9)}`;
      const body = list.map((r) =>
        `${r.name.padEnd(width)}  ${String(r.calls).padStart(8)}  ${r.totalMs.toFixed(3).padStart(10)}  ` +
          `${(total > 0 ? (100 * r.totalMs) / total : 0).toFixed(1).padStart(6)}  ${((1000 * r.totalMs) / r.calls).toFixed(2).padStart(9)}`,
      );
      return [header, '-'.repeat(header.length), ...body].join('\n');
    },
  };
}

/**
 * Runs `fn` with profiling on and returns its result with the timings of
 * just that run (forward per op, backward per op and argument).
 *
 * @example
 * const { result, report } = ag.profile(() => ag.grad(f)(x));
 * console.log(report.toString());
 */
export function profile<T>(fn: () => T): { result: T; report: ProfileReport } {
  if (typeof fn !== 'function') throw new ArgumentError(`profile: expected a function, got ${describe(fn)}`);
  const saved = new Map(rows);
  const wasOn = hooks.profiler !== null;
  rows.clear();
  hooks.profiler = profiler;
  let result: T;
  try {
    result = fn();
  } finally {
    hooks.profiler = wasOn ? profiler : null;
  }
  const report = profileReport();
  rows.clear();
  for (const [k, v] of saved) rows.set(k, v);
  return { result, report };
}
