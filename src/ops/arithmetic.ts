// Broadcasting arithmetic. Each rule reads as calculus; unbroadcast folds
// gradients back to each operand's shape.

import type { Tensor, TensorLike } from '../runtime/tensor';
import { primitive, zerograd } from '../core/primitive';
import { asTensor, binaryForward, coercePair, unaryForward } from './util';
import { unbroadcast } from './broadcast';
import { equal, greater, greaterEqual, less, where } from './compare';
import { log } from './unary';

const addOp = primitive(
  'add',
  (a: Tensor, b: Tensor) => binaryForward('add', a, b),
  (dy, _y, a: Tensor) => unbroadcast(a, dy),
  (dy, _y, _a: Tensor, b: Tensor) => unbroadcast(b, dy),
);

const subOp = primitive(
  'sub',
  (a: Tensor, b: Tensor) => binaryForward('sub', a, b),
  (dy, _y, a: Tensor) => unbroadcast(a, dy),
  (dy, _y, _a: Tensor, b: Tensor) => unbroadcast(b, neg(dy)),
);

const mulOp = primitive(
  'mul',
  (a: Tensor, b: Tensor) => binaryForward('mul', a, b),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(a, mul(dy, b)),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(b, mul(dy, a)),
);

const divOp = primitive(
  'div',
  (a: Tensor, b: Tensor) => binaryForward('div', a, b),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(a, div(dy, b)),
  (dy, y, _a: Tensor, b: Tensor) => unbroadcast(b, neg(mul(dy, div(y, b)))),
);

const negOp = primitive(
  'neg',
  (x: Tensor) => unaryForward('neg', 'neg', x),
  (dy) => neg(dy),
);

/** Elementwise `a + b` with broadcasting. @example ag.add(ag.tensor([1, 2]), 1).toArray() // [2, 3] */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return addOp(...coercePair('add', a, b));
}

/** Elementwise `a - b` with broadcasting. @example ag.sub(ag.tensor([1, 2]), 1).toArray() // [0, 1] */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return subOp(...coercePair('sub', a, b));
}

/** Elementwise `a * b` with broadcasting. @example ag.mul(ag.tensor([1, 2]), 3).toArray() // [3, 6] */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return mulOp(...coercePair('mul', a, b));
}

/** Elementwise `a / b` with broadcasting. @example ag.div(1, ag.tensor([2, 4])).toArray() // [0.5, 0.25] */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return divOp(...coercePair('div', a, b));
}

/** Elementwise `-x`. @example ag.neg(ag.tensor([1, -2])).toArray() // [-1, 2] */
export function neg(x: TensorLike): Tensor {
  return negOp(asTensor('neg', x, 'float64'));
}

// numpy's floor_divide, a constant on the tape: the gradient of mod for b.
const floordiv = zerograd('floordiv', (a: Tensor, b: Tensor) => binaryForward('mod', a, b, 'floordiv'));

// d(a^b)/da = b a^(b-1), exact at a = 0 (x^2 has slope 0 there, x^1 slope 1).
// Where a == 0 and b == 0 it is 0 (x^0 = 1 is constant), not 0 * 0^-1 = NaN;
// the masked branch is evaluated at a finite point so that no NaN leaks into
// higher derivatives (the third derivative of x^2 at 0 is 0).
function powBaseGrad(a: Tensor, b: Tensor): Tensor {
  const flat = mul(equal(a, 0), equal(b, 0));
  return where(flat, 0, mul(b, pow(a, where(flat, 1, sub(b, 1)))));
}

// d(a^b)/db = a^b log(a) for a > 0. At a == 0 with b >= 0 it is 0 (the limit
// from a > 0 when b > 0; a convention at 0^0, as in PyTorch), computed without
// ever taking log(0), so that no NaN leaks into higher derivatives. For a < 0
// it is NaN: a^b is not differentiable in b there.
function powExponentGrad(y: Tensor, a: Tensor, b: Tensor): Tensor {
  const flat = mul(equal(a, 0), greaterEqual(b, 0));
  return where(flat, 0, mul(y, log(where(flat, 1, a))));
}

// The share of the gradient of maximum(a, b) that goes to a, given 0/1 masks
// of where a wins and where they tie: ties split the gradient half and half.
function share(wins: Tensor, ties: Tensor): Tensor {
  return add(wins, mul(ties, 0.5));
}

const powOp = primitive(
  'pow',
  (a: Tensor, b: Tensor) => binaryForward('pow', a, b),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(a, mul(dy, powBaseGrad(a, b))),
  (dy, y, a: Tensor, b: Tensor) => unbroadcast(b, mul(dy, powExponentGrad(y, a, b))),
);

const maximumOp = primitive(
  'maximum',
  (a: Tensor, b: Tensor) => binaryForward('maximum', a, b),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(a, mul(dy, share(greater(a, b), equal(a, b)))),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(b, mul(dy, share(greater(b, a), equal(a, b)))),
);

const minimumOp = primitive(
  'minimum',
  (a: Tensor, b: Tensor) => binaryForward('minimum', a, b),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(a, mul(dy, share(less(a, b), equal(a, b)))),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(b, mul(dy, share(less(b, a), equal(a, b)))),
);

// d atan2(y, x) = (x dy - y dx) / (x² + y²); x² + y² is formed as hypot² so
// that it neither overflows nor underflows for large or tiny coordinates.
const atan2Op = primitive(
  'atan2',
  (y: Tensor, x: Tensor) => binaryForward('atan2', y, x),
  (dy, _z, y: Tensor, x: Tensor) => {
    const r = hypot(y, x);
    return unbroadcast(y, mul(dy, div(div(x, r), r)));
  },
  (dy, _z, y: Tensor, x: Tensor) => {
    const r = hypot(y, x);
    return unbroadcast(x, neg(mul(dy, div(div(y, r), r))));
  },
);

const hypotOp = primitive(
  'hypot',
  (a: Tensor, b: Tensor) => binaryForward('hypot', a, b),
  (dy, h, a: Tensor) => unbroadcast(a, mul(dy, div(a, h))),
  (dy, h, _a: Tensor, b: Tensor) => unbroadcast(b, mul(dy, div(b, h))),
);

const modOp = primitive(
  'mod',
  (a: Tensor, b: Tensor) => binaryForward('mod', a, b),
  (dy, _y, a: Tensor) => unbroadcast(a, dy),
  (dy, _y, a: Tensor, b: Tensor) => unbroadcast(b, neg(mul(dy, floordiv(a, b)))),
);

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
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return powOp(...coercePair('pow', a, b));
}

/**
 * Elementwise larger of `a` and `b` with numpy broadcasting (NaN if either is
 * NaN). The gradient goes to the larger operand; where they tie, each gets
 * half of it.
 *
 * @example
 * ag.maximum(ag.tensor([1, 5, -3]), 0).toArray(); // [1, 5, 0]
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return maximumOp(...coercePair('maximum', a, b));
}

/**
 * Elementwise smaller of `a` and `b` with numpy broadcasting (NaN if either is
 * NaN). The gradient goes to the smaller operand; where they tie, each gets
 * half of it.
 *
 * @example
 * ag.minimum(ag.tensor([1, 5, -3]), 0).toArray(); // [0, 0, -3]
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return minimumOp(...coercePair('minimum', a, b));
}

/**
 * Elementwise angle of the point `(x, y)` in radians, in `[-π, π]`, with numpy
 * broadcasting (Julia's `atan(y, x)`). Gradients `x / (x² + y²)` for `y` and
 * `-y / (x² + y²)` for `x`.
 *
 * @example
 * ag.atan2(ag.tensor([1, 1, -1]), ag.tensor([1, -1, -1])).toArray(); // [π/4, 3π/4, -3π/4]
 */
export function atan2(y: TensorLike, x: TensorLike): Tensor {
  return atan2Op(...coercePair('atan2', y, x));
}

/**
 * Elementwise `sqrt(a² + b²)` with numpy broadcasting, without overflow or
 * underflow in the squares. Gradients `a / h` and `b / h` (undefined at the
 * origin).
 *
 * @example
 * ag.hypot(ag.tensor([3, 5]), 4).toArray(); // [5, 6.403...]
 */
export function hypot(a: TensorLike, b: TensorLike): Tensor {
  return hypotOp(...coercePair('hypot', a, b));
}

/**
 * Elementwise remainder of `a / b` like numpy's `mod` (Python's `%`): the
 * result has the sign of `b` (`mod(-7, 3) = 2`, `mod(7, -3) = -2`), and is
 * NaN where `b = 0`. Gradients 1 for `a` and `-floor(a / b)` for `b`
 * (undefined at the jumps, where `a / b` is an integer).
 *
 * @example
 * ag.mod(ag.tensor([-7, 7, 5.5]), 3).toArray(); // [2, 1, 2.5]
 */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return modOp(...coercePair('mod', a, b));
}
