// Broadcasting arithmetic. Each rule reads as calculus; unbroadcast folds
// gradients back to each operand's shape.

import type { Tensor } from '../runtime/tensor';
import { floatPair, numeric, op, pair } from './define';
import { binaryForward, unaryForward } from './kernels';
import { raw } from './raw';

/** The forward of a broadcasting binary kernel (assembly/binary.ts). */
const binary = (name: string, kernel = name) => (a: Tensor, b: Tensor) => binaryForward(name, a, b, kernel);

/** Elementwise `a + b` with broadcasting. @example ag.add(ag.tensor([1, 2]), 1).toArray() // [2, 3] */
export const add = op({ name: 'add', args: pair, forward: binary('add') })
  .grads((dy, _y, a) => raw.unbroadcast(a, dy), (dy, _y, _a, b) => raw.unbroadcast(b, dy));

/** Elementwise `a - b` with broadcasting. @example ag.sub(ag.tensor([1, 2]), 1).toArray() // [0, 1] */
export const sub = op({ name: 'sub', args: pair, forward: binary('sub') })
  .grads((dy, _y, a) => raw.unbroadcast(a, dy), (dy, _y, _a, b) => raw.unbroadcast(b, raw.neg(dy)));

/** Elementwise `a * b` with broadcasting. @example ag.mul(ag.tensor([1, 2]), 3).toArray() // [3, 6] */
export const mul = op({ name: 'mul', args: pair, forward: binary('mul') })
  .grads((dy, _y, a, b) => raw.unbroadcast(a, raw.mul(dy, b)), (dy, _y, a, b) => raw.unbroadcast(b, raw.mul(dy, a)));

/** Elementwise `a / b` with broadcasting. @example ag.div(1, ag.tensor([2, 4])).toArray() // [0.5, 0.25] */
export const div = op({ name: 'div', args: floatPair, forward: binary('div') }).grads(
  (dy, _y, a, b) => raw.unbroadcast(a, raw.div(dy, b)),
  (dy, y, _a, b) => raw.unbroadcast(b, raw.neg(raw.mul(dy, raw.div(y, b)))),
);

/** Elementwise `-x`. @example ag.neg(ag.tensor([1, -2])).toArray() // [-1, 2] */
export const neg = op({ name: 'neg', args: numeric, forward: (x) => unaryForward('neg', 'neg', x) })
  .grads((dy) => raw.neg(dy));

/** numpy's floor_divide, a constant on the tape: the gradient of mod for b. */
const floordiv = op({ name: 'floordiv', args: pair, forward: binary('floordiv'), internal: true }).constant();

// d(a^b)/da = b a^(b-1), exact at a = 0 (x^2 has slope 0 there, x^1 slope 1).
// Where a == 0 and b == 0 it is 0 (x^0 = 1 is constant), not 0 * 0^-1 = NaN;
// the masked branch is evaluated at a finite point so that no NaN leaks into
// higher derivatives (the third derivative of x^2 at 0 is 0).
function powBaseGrad(a: Tensor, b: Tensor): Tensor {
  const flat = raw.mul(raw.equal(a, 0), raw.equal(b, 0));
  return raw.where(flat, 0, raw.mul(b, raw.pow(a, raw.where(flat, 1, raw.sub(b, 1)))));
}

// d(a^b)/db = a^b log(a) for a > 0. At a == 0 with b >= 0 it is 0 (the limit
// from a > 0 when b > 0; a convention at 0^0, as in PyTorch), computed without
// ever taking log(0), so that no NaN leaks into higher derivatives. For a < 0
// it is NaN: a^b is not differentiable in b there.
function powExponentGrad(y: Tensor, a: Tensor, b: Tensor): Tensor {
  const flat = raw.mul(raw.equal(a, 0), raw.greaterEqual(b, 0));
  return raw.where(flat, 0, raw.mul(y, raw.log(raw.where(flat, 1, a))));
}

/**
 * Elementwise `a ** b` with numpy broadcasting. A negative base with an
 * integer exponent is real (`(-2)^3 = -8`); with a non-integer exponent it is
 * NaN; `0^0 = 1`. Gradients: `b a^(b-1)` for `a` (exact at `a = 0`, so the
 * derivative of `x^2` at 0 is 0) and `a^b log(a)` for `b` (0 where `a = 0`
 * and `b >= 0`, NaN where `a < 0`).
 *
 * @example
 * ag.pow(ag.tensor([-2, 0, 3]), 2).toArray(); // [4, 0, 9]
 */
export const pow = op({ name: 'pow', args: pair, forward: binary('pow') }).grads(
  (dy, _y, a, b) => raw.unbroadcast(a, raw.mul(dy, powBaseGrad(a, b))),
  (dy, y, a, b) => raw.unbroadcast(b, raw.mul(dy, powExponentGrad(y, a, b))),
);

// The share of the gradient dy of maximum(a, b) that goes to a, given bool
// masks of where a wins and where they tie: ties split it half and half.
const share = (dy: Tensor, wins: Tensor, ties: Tensor) => raw.where(wins, dy, raw.where(ties, raw.mul(dy, 0.5), 0));

/**
 * Elementwise larger of `a` and `b` with numpy broadcasting (NaN if either is
 * NaN). The gradient goes to the larger operand; where they tie, each gets
 * half of it.
 *
 * @example
 * ag.maximum(ag.tensor([1, 5, -3]), 0).toArray(); // [1, 5, 0]
 */
export const maximum = op({ name: 'maximum', args: pair, forward: binary('maximum') }).grads(
  (dy, _y, a, b) => raw.unbroadcast(a, share(dy, raw.greater(a, b), raw.equal(a, b))),
  (dy, _y, a, b) => raw.unbroadcast(b, share(dy, raw.greater(b, a), raw.equal(a, b))),
);

/**
 * Elementwise smaller of `a` and `b` with numpy broadcasting (NaN if either is
 * NaN). The gradient goes to the smaller operand; where they tie, each gets
 * half of it.
 *
 * @example
 * ag.minimum(ag.tensor([1, 5, -3]), 0).toArray(); // [0, 0, -3]
 */
export const minimum = op({ name: 'minimum', args: pair, forward: binary('minimum') }).grads(
  (dy, _y, a, b) => raw.unbroadcast(a, share(dy, raw.less(a, b), raw.equal(a, b))),
  (dy, _y, a, b) => raw.unbroadcast(b, share(dy, raw.less(b, a), raw.equal(a, b))),
);

/**
 * Elementwise angle of the point `(x, y)` in radians, in `[-π, π]`, with numpy
 * broadcasting (Julia's `atan(y, x)`). Gradients `x / (x² + y²)` for `y` and
 * `-y / (x² + y²)` for `x`; x² + y² is formed as hypot² so that it neither
 * overflows nor underflows for large or tiny coordinates.
 *
 * @example
 * ag.atan2(ag.tensor([1, 1, -1]), ag.tensor([1, -1, -1])).toArray(); // [π/4, 3π/4, -3π/4]
 */
export const atan2 = op({ name: 'atan2', args: floatPair, forward: binary('atan2') }).grads(
  (dy, _z, y, x) => {
      const r = raw.hypot(y, x);
      return raw.unbroadcast(y, raw.mul(dy, raw.div(raw.div(x, r), r)));
    },
  (dy, _z, y, x) => {
      const r = raw.hypot(y, x);
      return raw.unbroadcast(x, raw.neg(raw.mul(dy, raw.div(raw.div(y, r), r))));
    },
);

/**
 * Elementwise `sqrt(a² + b²)` with numpy broadcasting, without overflow or
 * underflow in the squares. Gradients `a / h` and `b / h` (undefined at the
 * origin).
 *
 * @example
 * ag.hypot(ag.tensor([3, 5]), 4).toArray(); // [5, 6.403...]
 */
export const hypot = op({ name: 'hypot', args: floatPair, forward: binary('hypot') }).grads(
  (dy, h, a) => raw.unbroadcast(a, raw.mul(dy, raw.div(a, h))),
  (dy, h, _a, b) => raw.unbroadcast(b, raw.mul(dy, raw.div(b, h))),
);

/**
 * Elementwise remainder of `a / b` like numpy's `mod` (Python's `%`): the
 * result has the sign of `b` (`mod(-7, 3) = 2`, `mod(7, -3) = -2`), and is
 * NaN where `b = 0`. Gradients 1 for `a` and `-floor(a / b)` for `b`
 * (undefined at the jumps, where `a / b` is an integer).
 *
 * @example
 * ag.mod(ag.tensor([-7, 7, 5.5]), 3).toArray(); // [2, 1, 2.5]
 */
export const mod = op({ name: 'mod', args: pair, forward: binary('mod') }).grads(
  (dy, _y, a) => raw.unbroadcast(a, dy),
  (dy, _y, a, b) => raw.unbroadcast(b, raw.neg(raw.mul(dy, floordiv(a, b)))),
);
