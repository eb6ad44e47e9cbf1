import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../../src/index';
import { assertClose, opSuite } from './harness';
import { cases } from './linalg.table';

opSuite('linalg', cases);

const f64 = { dtype: 'float64' as const };
const wellConditioned = (n: number, batch: number[] = []) =>
  ag.add(ag.randn([...batch, n, n], f64), ag.mul(ag.eye(n, f64), n));

function throwsWith(fn: () => unknown, kind: new (...a: any[]) => Error, parts: string[]): void {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`);
  for (const p of parts) assert.ok((error as Error).message.includes(p), `"${(error as Error).message}" should mention ${p}`);
}

test('linalg: inv(A) @ A is the identity (float64 and float32)', () => {
  ag.tidy(() => {
    ag.seed(7);
    const a = wellConditioned(6);
    assertClose(ag.matmul(ag.inv(a), a), ag.eye(6).toArray(), 1e-12, 'float64 inv(A) A');
    assertClose(ag.matmul(a, ag.inv(a)), ag.eye(6).toArray(), 1e-12, 'float64 A inv(A)');
    const a32 = ag.cast(a, 'float32');
    assertClose(ag.matmul(ag.inv(a32), a32), ag.eye(6).toArray(), 1e-5, 'float32 inv(A) A');
  });
});

test('linalg: solve agrees with inv(A) @ b and with A @ x = b, batched', () => {
  ag.tidy(() => {
    ag.seed(8);
    const a = wellConditioned(4, [3]);
    const b = ag.randn([3, 4, 2], f64);
    const x = ag.solve(a, b);
    assertClose(x, ag.matmul(ag.inv(a), b).toArray() as number[][][], 1e-12, 'solve vs inv @ b');
    assertClose(ag.matmul(a, x), b.toArray() as number[][][], 1e-12, 'A x = b');
  });
});

// Batched matmul against a loop of 2-D products on copied-out slices.
test('linalg: batched matmul equals a loop of 2-D products', () => {
  ag.tidy(() => {
    ag.seed(9);
    const configs: [number[], number[], boolean, boolean][] = [
      [[3, 2, 4], [3, 4, 5], false, false],
      [[2, 1, 3, 4], [5, 4, 6], false, false],
      [[2, 3, 4], [4, 5], false, false],
      [[3, 4], [2, 4, 5], false, false],
      [[2, 4, 3], [1, 5, 4], true, true],
      [[1, 3, 4, 3], [2, 1, 5, 4], true, true],
      [[3, 4, 2], [3, 4, 5], true, false],
      [[2, 3, 4], [2, 5, 4], false, true],
      [[2, 4, 3], [4, 5], true, false],
      [[2, 1, 4], [4, 3], false, false],
    ];
    for (const [sa, sb, tA, tB] of configs) {
      for (const dtype of ['float64', 'float32'] as const) {
        const a = ag.randn(sa, { dtype });
        const b = ag.randn(sb, { dtype });
        const c = ag.matmul(a, b, { transposeA: tA, transposeB: tB });
        const batch = c.shape.slice(0, -2);
        const count = batch.reduce((p, d) => p * d, 1);
        const flatA = a.data();
        const flatB = b.data();
        const [ra, ca] = sa.slice(-2);
        const [rb, cb] = sb.slice(-2);
        const flatC = c.data();
        const [m, n] = c.shape.slice(-2);
        for (let i = 0; i < count; i++) {
          // batch index i of the result, read back to each operand's (broadcast) batch
          const idx: number[] = [];
          let r = i;
          for (let d = batch.length - 1; d >= 0; d--) {
            idx[d] = r % batch[d];
            r = Math.floor(r / batch[d]);
          }
          const offset = (shape: number[]) => {
            const bs = shape.slice(0, -2);
            let o = 0;
            for (let d = 0; d < bs.length; d++) o = o * bs[d] + (bs[d] === 1 ? 0 : idx[d + batch.length - bs.length]);
            return o;
          };
          const ma = ag.tensor(flatA.slice(offset(sa) * ra * ca, (offset(sa) + 1) * ra * ca), { dtype, shape: [ra, ca] });
          const mb = ag.tensor(flatB.slice(offset(sb) * rb * cb, (offset(sb) + 1) * rb * cb), { dtype, shape: [rb, cb] });
          const want = ag.matmul(tA ? ag.transpose(ma) : ma, tB ? ag.transpose(mb) : mb);
          const got = ag.tensor(flatC.slice(i * m * n, (i + 1) * m * n), { dtype, shape: [m, n] });
          assertClose(got, want.toArray(), dtype === 'float64' ? 1e-12 : 1e-5, `${JSON.stringify([sa, sb, tA, tB])} ${dtype} batch ${i}`);
        }
      }
    }
  });
});

test('linalg: matmul gradients are summed over broadcast batch axes', () => {
  ag.tidy(() => {
    ag.seed(10);
    const a = ag.randn([2, 1, 3, 4], f64);
    const b = ag.randn([5, 4, 6], f64);
    const f = (x: ag.Tensor, y: ag.Tensor) => ag.sum(ag.matmul(x, y));
    const ga = ag.grad(f, 0)(a, b) as ag.Tensor;
    const gb = ag.grad(f, 1)(a, b) as ag.Tensor;
    assert.equal(ga.shape, [2, 1, 3, 4]);
    assert.equal(gb.shape, [5, 4, 6]);
    // d/dA sum(A B) = 1 Bᵀ summed over the 5 broadcast copies: each row of
    // dA is the row sums of B over all batches.
    const rowSums = ag.sum(ag.sum(b, 2), 0).toArray() as number[];
    assertClose(ga, [[[rowSums, rowSums, rowSums]], [[rowSums, rowSums, rowSums]]], 1e-12, 'dA');
    // 1-D operands: a vector on the left gets a vector gradient
    const v = ag.randn([4], f64);
    const gv = ag.grad((x: ag.Tensor) => ag.sum(ag.matmul(x, b)))(v);
    assert.equal(gv.shape, [4]);
    assertClose(gv, ag.sum(ag.sum(b, 2), 0).toArray(), 1e-12, 'd vector');
  });
});

test('linalg: empty shapes', () => {
  ag.tidy(() => {
    assert.equal(ag.matmul(ag.zeros([0, 2, 3]), ag.zeros([3, 4])).shape, [0, 2, 4]);
    assert.equal(ag.matmul(ag.zeros([2, 0]), ag.zeros([0, 3])).toArray(), [[0, 0, 0], [0, 0, 0]]);
    assert.equal(ag.inv(ag.zeros([0, 0])).shape, [0, 0]);
    assert.equal(ag.det(ag.zeros([3, 0, 0])).toArray(), [1, 1, 1]);
    assert.equal(ag.logdet(ag.zeros([2, 0, 0])).toArray(), [0, 0]);
    assert.equal(ag.solve(ag.zeros([0, 0]), ag.zeros([0])).shape, [0]);
    assert.equal(ag.tril(ag.zeros([0, 3])).shape, [0, 3]);
    assert.equal(ag.diag(ag.zeros([0])).shape, [0, 0]);
    // gradients through empty products
    const g = ag.grad((x: ag.Tensor) => ag.sum(ag.matmul(x, ag.ones([0, 3]))))(ag.ones([2, 4, 0]));
    assert.equal(g.shape, [2, 4, 0]);
    const h = ag.grad((y: ag.Tensor) => ag.sum(ag.matmul(ag.ones([2, 4, 0]), y)))(ag.ones([0, 3]));
    assert.equal(h.shape, [0, 3]);
  });
});

test('linalg: logdet stays finite where det overflows', () => {
  ag.tidy(() => {
    const a = ag.mul(ag.eye(64), 10); // float32 det would be 1e64
    assert.is(ag.det(a).item(), Infinity);
    assert.ok(Math.abs(ag.logdet(a).item() - 64 * Math.log(10)) < 1e-3);
    const tiny = ag.mul(ag.eye(64, f64), 1e-6); // det 1e-384 underflows float64
    assert.is(ag.det(tiny).item(), 0);
    assert.ok(Math.abs(ag.logdet(tiny).item() - 64 * Math.log(1e-6)) < 1e-9);
  });
});

test('linalg: singular matrices throw for inv and solve, and leave nothing allocated', () => {
  const s = ag.tensor([[1, 2], [2, 4]], f64);
  const b = ag.tensor([1, 1], f64);
  const bb = ag.ones([3, 2, 2], f64);
  const batch = ag.tensor([[[1, 0], [0, 1]], [[1, 1], [1, 1]]]);
  const before = ag.memory();
  throwsWith(() => ag.inv(s), ag.ArgumentError, ['inv', '[2, 2]', 'singular']);
  throwsWith(() => ag.solve(s, b), ag.ArgumentError, ['solve', 'singular']);
  throwsWith(() => ag.solve(s, bb), ag.ArgumentError, ['solve', 'matrix 0 of the batch [3, 2, 2]', 'singular']);
  throwsWith(() => ag.inv(batch), ag.ArgumentError, ['inv', 'matrix 1 of the batch [2, 2, 2]']);
  const after = ag.memory();
  assert.equal(after, { ...before, peakBytes: after.peakBytes }, 'nothing left allocated');
  for (const t of [s, b, bb, batch]) t.dispose();
});

test('linalg: the gradient of det at a singular matrix is the adjugate, without dividing by det (regression)', () => {
  const cases: [number[][], number[][]][] = [
    [[[1, 2], [2, 4]], [[4, -2], [-2, 1]]],
    // rank 2 of 3: adj(A) is rank 1, adj(A)ᵀ the cofactor matrix
    [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[-3, 6, -3], [6, -12, 6], [-3, 6, -3]]],
    // rank 1 of 3: every 2x2 minor vanishes
    [[[0, 0, 0], [0, 0, 0], [0, 0, 1]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]],
    // a zero first pivot that row exchanges fix
    [[[0, 1], [1, 0]], [[0, -1], [-1, 0]]],
  ];
  for (const [a, expected] of cases) {
    const s = ag.Param(ag.tensor(a, f64));
    const tape = ag.diff(() => ag.det(s));
    assert.ok(Math.abs(ag.value(tape) - (a.length === 2 && a[0][0] === 0 ? -1 : 0)) < 1e-12, 'det');
    const g = ag.grad(tape, s)!.toArray() as number[][];
    g.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) < 1e-12, `${JSON.stringify(a)}: grad[${i}][${j}] = ${v}, expected ${expected[i][j]}`)));
    tape.dispose();
    s.dispose();
  }
  // batched, one singular and one regular matrix, float32 too
  for (const dtype of ['float32', 'float64'] as const) {
    const b = ag.Param(ag.tensor([[[1, 2], [2, 4]], [[2, 1], [1, 3]]], { dtype }));
    const g = ag.grad((x: ag.Tensor) => ag.sum(ag.det(x)))(b);
    assert.equal(g.toArray(), [[[4, -2], [-2, 1]], [[3, -1], [-1, 2]]], dtype);
    b.dispose();
  }
  // The second derivative at an exactly singular matrix needs inv: a clear error naming det.
  const s = ag.tensor([[1, 2], [2, 4]], f64);
  throwsWith(() => ag.grad((x: ag.Tensor) => ag.sum(ag.abs2, ag.grad((y: ag.Tensor) => ag.det(y))(x)))(s), ag.ArgumentError, ['det (second derivative)', 'singular']);
  s.dispose();
});

test('linalg: LU scratch buffers are freed', () => {
  ag.seed(11);
  const a = wellConditioned(5, [2]);
  const b = ag.randn([2, 5, 3], f64);
  const before = ag.memory();
  ag.tidy(() => {
    ag.inv(a);
    ag.det(a);
    ag.logdet(a);
    ag.solve(a, b);
  });
  const after = ag.memory();
  assert.is(after.bytesInUse, before.bytesInUse);
  assert.is(after.buffers, before.buffers);
  a.dispose();
  b.dispose();
});

// Outside any tidy an op may leave only its result alive (no reshaped
// handles, 0-d tensors made from numbers, intermediate sums or LU scratch).
test('linalg: outside tidy, disposing the result returns memory to the start', () => {
  const m = ag.tensor([[2, 1], [1, 3]], f64);
  const v = ag.tensor([1, 2], f64);
  const b3 = ag.ones([3, 2, 2], f64);
  const calls: [string, () => ag.Tensor][] = [
    ['matmul 1-D @ 1-D', () => ag.matmul(v, v)],
    ['matmul 2-D @ 1-D', () => ag.matmul(m, v)],
    ['matmul 1-D @ N-D', () => ag.matmul(v, b3)],
    ['matmul N-D @ 2-D', () => ag.matmul(b3, m, { transposeB: true })],
    ['dot', () => ag.dot(v, v)],
    ['outer', () => ag.outer(v, v)],
    ['outer with a number', () => ag.outer(v, 2)],
    ['kron', () => ag.kron(m, m)],
    ['kron with a number', () => ag.kron(3, m)],
    ['diag', () => ag.diag(v, 1)],
    ['trace', () => ag.trace(m)],
    ['tril', () => ag.tril(b3)],
    ['triu', () => ag.triu(m, 1)],
    ['inv', () => ag.inv(m)],
    ['det', () => ag.det(b3)],
    ['logdet', () => ag.logdet(m)],
    ['solve with a vector', () => ag.solve(m, v)],
    ['solve with broadcast batches', () => ag.solve(m, b3)],
  ];
  for (const [name, call] of calls) {
    const before = ag.memory();
    call().dispose();
    const after = ag.memory();
    assert.equal([after.liveTensors, after.bytesInUse, after.buffers], [before.liveTensors, before.bytesInUse, before.buffers], `${name} left temporaries alive`);
  }
  for (const t of [m, v, b3]) t.dispose();
});

test('linalg: shape and dtype errors name the op and the shapes', () => {
  ag.tidy(() => {
    const m23 = ag.zeros([2, 3]);
    throwsWith(() => ag.matmul(m23, m23), ag.ShapeError, ['matmul', '[2, 3]', '3 vs 2']);
    throwsWith(() => ag.matmul(ag.zeros([2, 2, 3]), ag.zeros([3, 3, 4])), ag.ShapeError, ['matmul', 'batch', '[2]', '[3]']);
    throwsWith(() => ag.matmul(ag.zeros([]), m23), ag.ShapeError, ['matmul', 'mul']);
    throwsWith(() => ag.matmul(m23, ag.zeros([3, 2], f64)), ag.DTypeError, ['matmul', 'float32', 'float64']);
    throwsWith(() => ag.matmul(m23, m23, null as never), ag.ArgumentError, ['matmul', 'options']);
    throwsWith(() => ag.dot(m23, m23), ag.ShapeError, ['dot', '[2, 3]', '1-D']);
    throwsWith(() => ag.dot(ag.zeros([2]), ag.zeros([3])), ag.ShapeError, ['dot', '[2]', '[3]']);
    throwsWith(() => ag.inv(m23), ag.ShapeError, ['inv', 'square', '[2, 3]']);
    throwsWith(() => ag.det(ag.zeros([3])), ag.ShapeError, ['det', 'square', '[3]']);
    throwsWith(() => ag.logdet(m23), ag.ShapeError, ['logdet', '[2, 3]']);
    throwsWith(() => ag.solve(ag.zeros([2, 2]), ag.zeros([3])), ag.ShapeError, ['solve', '[3]', '[2, 2]']);
    throwsWith(() => ag.solve(ag.zeros([2, 2]), ag.zeros([3, 1])), ag.ShapeError, ['solve', '[3, 1]']);
    throwsWith(() => ag.solve(ag.zeros([2, 2, 2]), ag.zeros([3, 2, 1])), ag.ShapeError, ['solve', 'batch']);
    throwsWith(() => ag.diag(ag.zeros([2, 2, 2])), ag.ShapeError, ['diag', '[2, 2, 2]']);
    throwsWith(() => ag.diag(ag.zeros([2]), 0.5), ag.ArgumentError, ['diag', 'k']);
    throwsWith(() => ag.trace(ag.zeros([2])), ag.ShapeError, ['trace', '[2]']);
    throwsWith(() => ag.tril(ag.zeros([2])), ag.ShapeError, ['tril', '[2]']);
    throwsWith(() => ag.triu(m23, 1.5), ag.ArgumentError, ['triu', 'k']);
    throwsWith(() => ag.kron(m23, ag.zeros([2], f64)), ag.DTypeError, ['kron']);
    throwsWith(() => ag.outer(m23, 'x' as never), ag.ArgumentError, ['outer', 'b']);
    throwsWith(() => ag.outer(m23, ag.zeros([2], f64)), ag.DTypeError, ['outer', 'float32', 'float64']);
  });
});

test.run();
