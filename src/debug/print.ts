// The tape display, in the spirit of AutoGrad.jl's `[J]`: one numbered line
// per node with the result, the op and its arguments, and the gradient.

import { Tensor } from '../runtime/tensor';
import { hooks } from '../core/hooks';
import type { Tape, Node } from '../core/tape';
import { ArgumentError, describe } from '../runtime/errors';

function describeValue(t: Tensor): string {
  if (t._disposed) return `${t.dtype}[${t.shape.join(',')}](disposed)`;
  if (t.size === 1 && t.ndim === 0) return formatNumber(t.item());
  return `${t.dtype}[${t.shape.join(',')}]`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(8).replace(/0+$/, '').replace(/\.$/, '');
}

function describeArg(a: unknown): string {
  if (a instanceof Tensor) return a._param ? `P(${a.dtype}[${a.shape.join(',')}])` : `${a.dtype}[${a.shape.join(',')}]`;
  if (typeof a === 'number' || typeof a === 'boolean') return String(a);
  if (Array.isArray(a)) return `[${a.map(describeArg).join(',')}]`;
  return typeof a;
}

function gradText(tape: Tape, node: Node): string {
  const g = tape._grads?.get(node);
  if (g === undefined) return '';
  if (g === null) return ' ∇=nothing';
  if (!(g instanceof Tensor)) return ` ∇=${g.dtype}[${g.shape.join(',')}] sparse (${g.indices.length} rows)`;
  return ` ∇=${describeValue(g)}`;
}

/** The tape as text, one numbered line per recorded node. */
export function formatTape(tape: Tape): string {
  if (tape._disposed) return 'Tape(disposed)';
  const lines: string[] = [];
  for (const node of tape.nodes) {
    const value = node.value;
    const head = `${node.index + 1}. `;
    if (node.op === null) {
      const label = value._param ? `P(${describeValue(value)})` : `${describeValue(value)} (input)`;
      lines.push(head + label + gradText(tape, node));
    } else {
      // A result of an op with several results says which: `eigh(float64[3,3])[1]`.
      const which = node.group === null ? '' : `[${node.group.indexOf(node)}]`;
      lines.push(`${head}${describeValue(value)} = ${node.op.name}(${node.args.map(describeArg).join(', ')})${which}${gradText(tape, node)}`);
    }
  }
  return lines.length === 0 ? 'Tape(empty: the result depends on no Param)' : lines.join('\n');
}

hooks.formatTape = formatTape;

/**
 * Prints the tape (see `tape.toString()`) to the console and returns the text.
 *
 * @example
 * const w = ag.Param([[1, 2]]);
 * const t = ag.diff(() => ag.sum(ag.abs2, w));
 * ag.printTape(t);
 */
export function printTape(tape: Tape): string {
  if (tape === null || typeof tape !== 'object' || !('nodes' in tape)) {
    throw new ArgumentError(`printTape: expected a Tape, got ${describe(tape)}`);
  }
  const text = formatTape(tape);
  console.log(text);
  return text;
}
