// The public types as a specification, checked by the compiler and never
// run. Each `is<T>()(value)` compiles only if `value` has exactly type T;
// each line after `@ts-expect-error` must fail to compile (an unused
// directive is itself an error). test/types.test.ts compiles this file with
// `strict` against the built declarations (dist/autograd.d.ts, through the
// package's own name), and test/package.test.ts against the packed package
// under node16, nodenext and bundler resolution, as ESM and as CommonJS.
import * as ag from 'autograd-wasm';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `is<Expected>()(value)`: a compile error unless typeof value is exactly Expected. */
function is<Expected>() {
  return <Actual extends unknown>(_value: Actual, ..._exactly: Equal<Actual, Expected> extends true ? [] : ['type differs']) => {};
}

const x = ag.tensor([1, 2, 3]);
const f = (t: ag.Tensor) => ag.sum(ag.abs2, t);
const cube = (t: ag.Tensor | number) => ag.mul(ag.mul(t, t), t);

// grad(f): the gradient has the type of the argument passed.
is<ag.Tensor>()(ag.grad(f)(x));
is<number>()(ag.grad(f)(3)); // where f takes a Tensor, a number works, and its gradient is a number
is<number>()(ag.grad(cube)(2));
is<number>()(ag.grad(ag.grad(cube))(2));
is<number>()(ag.grad(ag.grad(ag.grad(cube)))(2));
is<ag.Tensor>()(ag.grad(ag.grad(cube))(x));
is<ag.Tensor | number>()(ag.grad(cube)(Math.random() < 0.5 ? x : 2));

// argnum picks the argument; the others keep their types.
const two = (a: ag.Tensor, b: number) => ag.sum(ag.mul(a, b));
is<number>()(ag.grad(two, 1)(x, 2));
is<ag.Tensor>()(ag.grad(two, 0)(x, 2));
is<ag.Tensor>()(ag.grad(two)(x, 2));

// Containers are mapped member by member (arrays, tuples, plain objects, nested).
const model = (p: { w: ag.Tensor; b: number; layers: ag.Tensor[] }) => ag.add(ag.sum(p.w), p.b);
is<{ w: ag.Tensor; b: number; layers: ag.Tensor[] }>()(ag.grad(model)({ w: x, b: 1, layers: [x] }));
is<ag.Tensor[]>()(ag.grad((ws: readonly ag.Tensor[]) => ag.sum(ws[0]))([x, x]));
is<[ag.Tensor, number]>()(ag.grad((p: [ag.Tensor, number]) => ag.mul(ag.sum(p[0]), p[1]))([x, 3]));
is<{ inner: { v: ag.Tensor } }>()(ag.grad((p: { inner: { v: ag.Tensor } }) => ag.sum(p.inner.v))({ inner: { v: x } }));
const named: Equal<ag.Gradient<{ a: ag.Tensor; n: readonly number[] }>, { a: ag.Tensor; n: number[] }> = true;

// gradloss: [gradient, loss], the loss a number.
const [g, loss] = ag.gradloss(f)(x);
is<ag.Tensor>()(g);
is<number>()(loss);
is<[gradient: { w: ag.Tensor; b: number; layers: ag.Tensor[] }, loss: number]>()(ag.gradloss(model)({ w: x, b: 1, layers: [] }));

// grad(tape, x): a Tensor, or null when x played no part.
const tape = ag.diff(() => f(x));
const fromTape = ag.grad(tape, x); // (through a variable: inference inside is<>() mishandles this overload's union)
is<ag.Tensor | null>()(fromTape);
is<number>()(ag.value(tape));

// Every shape parameter takes the readonly shape of a tensor.
const shape: readonly number[] = x.shape;
is<ag.Tensor>()(ag.randn(x.shape));
is<ag.Tensor>()(ag.rand(shape, { dtype: 'float64' }));
is<ag.Tensor>()(ag.zeros(shape));
is<ag.Tensor>()(ag.ones(shape));
is<ag.Tensor>()(ag.full(shape, 7));
is<ag.Tensor>()(ag.tensor([1, 2, 3], { shape }));
is<ag.Tensor>()(ag.reshape(x, shape));
is<ag.Tensor>()(x.reshape(shape));
is<ag.Tensor>()(ag.broadcastTo(x, shape));
is<ag.Tensor>()(x.broadcastTo(shape));
is<ag.Tensor>()(ag.tile(x, shape));
const m = ag.zeros([2, 3]);
const perm: readonly number[] = [1, 0];
is<ag.Tensor>()(ag.transpose(m, perm));
is<ag.Tensor>()(m.transpose(perm));
const axes: readonly number[] = [0, 1];
is<ag.Tensor>()(ag.sum(m, axes));
is<ag.Tensor>()(m.mean(axes));
is<ag.Tensor>()(ag.flip(m, axes));

// dtypes: data() by dtype; int32 and bool tensors from the creation functions.
is<Float32Array | Float64Array | Int32Array | Uint8Array>()(x.data());
is<ag.TensorArray>()(x.data());
is<ag.Tensor>()(ag.tensor([true, false]));
is<ag.Tensor>()(ag.zeros([2], { dtype: 'int32' }));
is<ag.Tensor>()(ag.full([2], true));
is<'float32' | 'float64' | 'int32' | 'bool'>()(x.dtype);

// Indexing: specs of every kind, as a function and as a method.
is<ag.Tensor>()(ag.index(m, 0, ':', null, '...', [1, 0], [true, false], { start: 1, step: 2 }, ag.tensor([0], { dtype: 'int32' })));
is<ag.Tensor>()(m.index('1:', [[0], [1]]));
is<ag.Tensor>()(ag.indexPut(m, [0, '1:'], 5, { accumulate: true }));
is<ag.Tensor>()(m.scatter(1, [[0]], 2, { reduce: 'add' }));
is<ag.Tensor>()(m.takeAlongAxis([[0]], 1));
is<ag.Tensor[]>()(ag.nonzero(m));
is<ag.Tensor>()(ag.assign_(m, [0], 1));

// Sparse gradients: grad(tape, x, { sparse: true }) may be a SparseGradient.
const sparse = ag.grad(tape, x, { sparse: true });
is<ag.Tensor | ag.SparseGradient | null>()(sparse);
if (sparse instanceof ag.SparseGradient) {
  is<Int32Array>()(sparse.indices);
  is<ag.Tensor>()(sparse.values);
  is<ag.Tensor>()(sparse.toDense());
}

// `using` frees a tensor or a tape at the end of the block (Symbol.dispose).
{
  using scratch = ag.zeros([2]);
  using recorded = ag.diff(() => ag.sum(ag.Param(scratch)));
  is<ag.Tensor>()(scratch);
  is<ag.Tape>()(recorded);
}

// Transforms: results keep the structure of the function's result and arguments.
const sq = (t: ag.Tensor) => ag.mul(t, t);
const [jy, jdy] = ag.jvp(sq, [x], [x]);
is<ag.Tensor>()(jy);
is<ag.Tensor>()(jdy);
const [vy, pullback] = ag.vjp(sq, x);
is<ag.Tensor>()(vy);
is<ag.Tensor>()(pullback(x));
is<ag.Tensor>()(pullback(1));
const [, pb2] = ag.vjp(two, x, 2);
is<[ag.Tensor, number]>()(pb2(x));
is<ag.Tensor>()(ag.jacobian(sq)(x));
is<ag.Tensor>()(ag.jacfwd(sq)(x));
is<ag.Tensor>()(ag.jacrev(sq)(x));
is<number>()(ag.hessian(cube)(2));
is<ag.Tensor>()(ag.hessian(f)(x));
is<ag.Tensor>()(ag.hvp(f)(x, x));
is<{ w: ag.Tensor; b: ag.Tensor; layers: ag.Tensor[] }>()(ag.jacobian(model)({ w: x, b: 1, layers: [x] }));
is<{ w: ag.Tensor; b: number; layers: ag.Tensor[] }>()(ag.hvp(model)({ w: x, b: 1, layers: [x] }, { w: x, b: 1, layers: [x] }));
// a generic function (grad(f)) passed inline keeps its type (up to Tensor | number)
is<ag.Tensor | number>()(ag.jvp(ag.grad(f), [x], [x])[1]);

// Factorizations with several results are tuples.
is<[ag.Tensor, ag.Tensor]>()(ag.eigh(x));
is<[ag.Tensor, ag.Tensor, ag.Tensor]>()(ag.svd(x));
is<[ag.Tensor, ag.Tensor]>()(x.qr());
is<[ag.Tensor, ag.Tensor]>()(ag.slogdet(x));
is<ag.Tensor>()(x.cholesky());
is<ag.Tensor>()(ag.solveTriangular(x, x, { lower: false }));
// several results from a user primitive: an array or an object
const halves = ag.multiPrimitive('halves', (t: ag.Tensor) => ({ a: t, b: t }), (dys) => dys.a);
is<{ a: ag.Tensor; b: ag.Tensor }>()(halves(x));

// Errors carry their classes.
is<typeof ag.ShapeError.prototype>()(new ag.ShapeError('x'));

// A primitive's rules are typed from its forward function; tidy returns fn's result type.
const scaled = ag.primitive('scaled', (a: ag.Tensor, k: number) => ag.mul(a, k), (dy, _y, _a, k) => ag.mul(dy, k), null);
is<ag.Tensor>()(scaled(x, 2));
is<[ag.Tensor, number]>()(ag.tidy((): [ag.Tensor, number] => [ag.sum(x), 3]));

// ---- what must not compile ----

// @ts-expect-error a typo is caught: the gradient is a Tensor, not `any`
ag.grad(f)(x).toArrray();
// @ts-expect-error a Tensor is not a string
const s: string = ag.grad(f)(x);
// @ts-expect-error gradloss's loss is a number (no .item())
loss.item();
// @ts-expect-error a number's gradient is a number
ag.grad(f)(3).toArray();
// @ts-expect-error f takes a Tensor (or a number), not a string
ag.grad(f)('x');
// @ts-expect-error f takes one argument
ag.grad(f)(x, x);
// @ts-expect-error b's gradient is a number, not a Tensor
const wrong: { w: ag.Tensor; b: ag.Tensor; layers: ag.Tensor[] } = ag.grad(model)({ w: x, b: 1, layers: [] });
// @ts-expect-error grad(tape, x) may be null
ag.grad(tape, x).toArray();
// @ts-expect-error shapes are numbers
ag.zeros(['2']);
// @ts-expect-error jvp takes one tangent per primal
ag.jvp(sq, [x], []);
// @ts-expect-error a tangent of a Tensor argument is a Tensor or a number
ag.jvp(sq, [x], ['v']);
// @ts-expect-error eigh gives two results, not three
const [, , noThird] = ag.eigh(x);
// @ts-expect-error solveTriangular's options are named
ag.solveTriangular(x, x, { upper: true });
// @ts-expect-error a primitive's rules get the forward function's argument types (a typo is caught)
ag.primitive('halfSqrt', (a: ag.Tensor) => ag.sqrt(a), (dy, _y, a) => ag.div(dy, ag.mul(2, a.sqrtt())));
// @ts-expect-error a rule returns a Tensor or null, not a number
ag.primitive('three', (a: ag.Tensor) => ag.sqrt(a), () => 3);
// @ts-expect-error tidy takes a synchronous function
ag.tidy(async () => ag.sum(x));
// @ts-expect-error the is<> helper itself rejects a wrong type
is<number>()(x);
// @ts-expect-error an unknown dtype
ag.zeros([2], { dtype: 'int64' });
// @ts-expect-error a sparse gradient is not a Tensor: make it dense first
ag.axpy(-0.1, ag.grad(tape, x, { sparse: true })!, x);
// @ts-expect-error reduce is 'set' or 'add'
ag.scatter(m, 0, [[0]], 1, { reduce: 'mul' });

export { s, wrong, named, noThird };

// Optimizer steps: a tape with a Param or a list of them, or gradients shaped like the params.
{
  const w = ag.Param(ag.randn([3, 2]));
  const b = ag.Param(ag.zeros([2]));
  const model = { w, b, layers: [w] };
  const opt = ag.adam({ lr: 0.01 });
  const tape = ag.diff(() => ag.sum(ag.add(ag.matmul(ag.ones([1, 3]), w), b)));
  opt.step(tape, [w, b]);
  opt.step(tape, ag.params(model));
  opt.step(tape, w);
  const loss = (m: typeof model) => ag.sum(ag.add(ag.matmul(ag.ones([1, 3]), m.w), m.b));
  opt.step(ag.grad(loss)(model), model);
  opt.step({ w: ag.grad(tape, w), b: null, layers: [null] }, model); // null: no update for that Param
  // @ts-expect-error with a tape, params are a Param or a list of Params, not a model object
  opt.step(tape, model);
  // @ts-expect-error gradients must have the params' structure (b missing)
  opt.step({ w: ag.grad(tape, w) }, { w, b });
  // @ts-expect-error a gradient is a tensor, not a number array
  opt.step([[1, 2, 3]], [w]);
  // @ts-expect-error the params come second
  opt.step(tape);
}

// keep: tensors, sparse gradients, and the functions vjp and linearize return (with their recordings).
{
  const [, pb] = ag.vjp((t: ag.Tensor) => ag.mul(t, t), x);
  const kept = ag.keep(pb);
  is<typeof pb>()(kept);
  kept.dispose();
  // @ts-expect-error any other function holds nothing keep could move
  ag.keep(() => 1);
}
