// Undoing broadcasting in gradients: the one helper every broadcasting rule uses.

import type { Tensor } from '../runtime/tensor';
import { sameShape } from '../runtime/shape';
import { sum } from './reduce';
import { reshape } from './shape';

/**
 * Sums `dy` down to the shape of `x` (over the leading axes `x` lacks and the
 * axes where `x` has size 1), reversing numpy broadcasting. Returns `dy`
 * itself when the shapes already match.
 *
 * @example
 * // in a rule for add(a, b):  (dy, y, a, b) => ag.unbroadcast(a, dy)
 */
export function unbroadcast(x: Tensor, dy: Tensor): Tensor {
  if (sameShape(x.shape, dy.shape)) return dy;
  const lead = dy.ndim - x.ndim;
  const axes: number[] = [];
  for (let i = 0; i < dy.ndim; i++) {
    if (i < lead || (x.shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length === 0 ? dy : sum(dy, axes);
  return sameShape(summed.shape, x.shape) ? summed : reshape(summed, x.shape.slice());
}
