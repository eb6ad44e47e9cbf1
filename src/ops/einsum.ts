// einsum: Einstein summation, reduced to the ops that already have gradients
// (transpose, reshape, sum, mul by a constant identity mask, batched matmul),
// so its gradient, to any order, comes from theirs.
//
// Plan, per call: each operand first takes its diagonals (a letter repeated
// in one operand: multiply by an identity mask over the two axes, sum one of
// them) and sums the letters no one else needs. Then operands are contracted
// left to right, two at a time: letters in both and still needed later are
// batch axes, letters in both and needed no more are contracted, the rest
// stay; the pair becomes one batched matmul [batch, M, K] @ [batch, K, N].
// A last transpose puts the output letters in order.

import { Tensor } from '../runtime/tensor';
import { eye } from '../runtime/create';
import { ArgumentError, DTypeError, ShapeError, describe } from '../runtime/errors';
import { shapeSize, shapeString } from '../runtime/shape';
import { checkTensor } from './args';
import { compose, custom } from './define';
import { raw } from './raw';

interface Term {
  t: Tensor;
  letters: string[];
}

interface Plan {
  inputs: string[][];
  output: string[];
  sizes: Map<string, number>;
}

const LETTER = /^[a-zA-Z]$/;

function parseSpec(op: string, spec: unknown, operands: Tensor[]): Plan {
  if (typeof spec !== 'string') throw new ArgumentError(`${op}: the first argument must be a subscripts string like 'ij,jk->ik', got ${describe(spec)}`);
  const clean = spec.replace(/\s+/g, '');
  if (clean.includes('.')) throw new ArgumentError(`${op}: ellipsis ('...') is not supported in '${spec}'; name every axis with a letter`);
  const arrow = clean.indexOf('->');
  const lhs = arrow < 0 ? clean : clean.slice(0, arrow);
  const inputs = lhs.split(',').map((s) => s.split(''));
  if (inputs.length !== operands.length) {
    throw new ArgumentError(`${op}: '${spec}' has ${inputs.length} operand subscript(s) but ${operands.length} tensor(s) were given`);
  }
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  inputs.forEach((letters, k) => {
    const t = operands[k];
    if (letters.length !== t.ndim) {
      throw new ShapeError(`${op}: operand ${k} has subscripts '${letters.join('')}' (${letters.length} axes) but shape ${shapeString(t.shape)}`);
    }
    letters.forEach((c, axis) => {
      if (!LETTER.test(c)) throw new ArgumentError(`${op}: subscripts must be letters, got '${c}' in '${spec}'`);
      const known = sizes.get(c);
      if (known !== undefined && known !== t.shape[axis]) {
        throw new ShapeError(`${op}: index '${c}' has size ${known} in one place and ${t.shape[axis]} in operand ${k} (shape ${shapeString(t.shape)})`);
      }
      sizes.set(c, t.shape[axis]);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    });
  });
  let output: string[];
  if (arrow < 0) {
    // numpy's implicit output: the letters that appear once, in alphabetical order.
    output = [...counts.keys()].filter((c) => counts.get(c) === 1).sort();
  } else {
    output = clean.slice(arrow + 2).split('');
    const seen = new Set<string>();
    for (const c of output) {
      if (!LETTER.test(c)) throw new ArgumentError(`${op}: subscripts must be letters, got '${c}' in '${spec}'`);
      if (seen.has(c)) throw new ArgumentError(`${op}: output index '${c}' appears twice in '${spec}'`);
      if (!sizes.has(c)) throw new ArgumentError(`${op}: output index '${c}' does not appear in any operand of '${spec}'`);
      seen.add(c);
    }
  }
  return { inputs, output, sizes };
}

function einsumArgs(op: string, spec: string, ...operands: Tensor[]): [Plan, Tensor[]] {
  if (operands.length === 0) throw new ArgumentError(`${op}: expected at least one tensor after the subscripts`);
  operands.forEach((t, k) => checkTensor(op, t, `operand ${k}`));
  for (const t of operands) {
    if (t.dtype !== operands[0].dtype) throw new DTypeError(`${op}: operands have different dtypes (${operands[0].dtype} and ${t.dtype}); cast one with ag.cast first`);
  }
  return [parseSpec(op, spec, operands), operands];
}

/** Takes the diagonal of every letter repeated within the term. */
function diagonals(term: Term): Term {
  let { t, letters } = term;
  for (;;) {
    const i = letters.findIndex((c, k) => letters.indexOf(c) !== k);
    if (i < 0) return { t, letters };
    const first = letters.indexOf(letters[i]);
    const n = t.shape[i];
    // mask[first, i] = identity, broadcast over the other axes; then sum axis i.
    const maskShape = t.shape.map((d, k) => (k === first || k === i ? d : 1));
    const mask = raw.reshape(eye(n, { dtype: t.dtype }), maskShape);
    t = raw.sum(raw.mul(t, mask), [i], false);
    letters = letters.filter((_, k) => k !== i);
  }
}

/** Sums the letters of the term that `needed` does not hold. */
function sumUnneeded(term: Term, needed: Set<string>): Term {
  const axes = term.letters.map((c, k) => (needed.has(c) ? -1 : k)).filter((k) => k >= 0);
  if (axes.length === 0) return term;
  return { t: raw.sum(term.t, axes, false), letters: term.letters.filter((c) => needed.has(c)) };
}

function permuteTo(term: Term, order: string[]): Tensor {
  const perm = order.map((c) => term.letters.indexOf(c));
  return perm.every((p, k) => p === k) ? term.t : raw.transpose(term.t, perm);
}

function contract(a: Term, b: Term, needed: Set<string>, sizes: Map<string, number>): Term {
  const inB = new Set(b.letters);
  const batch = a.letters.filter((c) => inB.has(c) && needed.has(c));
  const summed = a.letters.filter((c) => inB.has(c) && !needed.has(c));
  const aOnly = a.letters.filter((c) => !inB.has(c));
  const bOnly = b.letters.filter((c) => !a.letters.includes(c));
  const size = (cs: string[]) => shapeSize(cs.map((c) => sizes.get(c)!));
  const [nb, m, k, n] = [size(batch), size(aOnly), size(summed), size(bOnly)];
  const left = raw.reshape(permuteTo(a, [...batch, ...aOnly, ...summed]), [nb, m, k]);
  const right = raw.reshape(permuteTo(b, [...batch, ...summed, ...bOnly]), [nb, k, n]);
  const letters = [...batch, ...aOnly, ...bOnly];
  return { t: raw.reshape(raw.matmul(left, right, false, false), letters.map((c) => sizes.get(c)!)), letters };
}

/**
 * Einstein summation over the operands named by `subscripts` (numpy's
 * `einsum`): one letter per axis, operands separated by commas, `->` and the
 * output letters (without `->`, the letters that appear once, in
 * alphabetical order). Letters shared between operands are multiplied
 * along; letters missing from the output are summed; a letter repeated in one
 * operand takes its diagonal. Covers what matmul, batched matmul, outer
 * products, traces, diagonals and transposes express; no ellipsis. Reduced to
 * transpose, reshape, sum and batched matmul, so it is differentiable to any
 * order in every operand.
 *
 * @example
 * const a = ag.tensor([[1, 2], [3, 4]]), b = ag.tensor([[5, 6], [7, 8]]);
 * ag.einsum('ij,jk->ik', a, b).toArray(); // [[19, 22], [43, 50]] (matmul)
 * ag.einsum('ii', a).item();              // 5 (trace)
 * ag.einsum('ij->ji', a).toArray();       // [[1, 3], [2, 4]]
 * ag.einsum('i,j->ij', ag.tensor([1, 2]), ag.tensor([3, 4])).toArray(); // [[3, 4], [6, 8]]
 */
export const einsum = compose({ name: 'einsum', args: custom(einsumArgs) }).as((plan, operands) => {
  const { inputs, output, sizes } = plan;
  const needAfter = (k: number): Set<string> => new Set([...output, ...inputs.slice(k + 1).flat()]);
  const terms = operands.map((t, k) => sumUnneeded(diagonals({ t, letters: inputs[k] }), new Set([...output, ...inputs.filter((_, j) => j !== k).flat()])));
  let acc = terms[0];
  for (let k = 1; k < terms.length; k++) acc = sumUnneeded(contract(acc, terms[k], needAfter(k), sizes), needAfter(k));
  acc = sumUnneeded(acc, new Set(output));
  return permuteTo(acc, output);
});
