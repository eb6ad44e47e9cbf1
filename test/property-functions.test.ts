// Property tests (fast-check, test/reference/harness.ts) of the issue-14
// functions against plain-JavaScript references: cumsum and cumprod along a
// random axis (or flattened), sort along a random axis (ties, NaN, both
// orders; exact against a stable JS sort), einsum of two operands with
// random subscripts (against the brute-force sum over every index), and the
// reciprocal trigonometric and hyperbolic functions against Math.*.
import { suite } from 'uvu';
import * as ag from '../src/index';
import { sizeOf, unravel } from './reference/index';
import { fc, prop, memoryGuard, make, expectTensor, exact, rel, shapeArb, dataArb } from './reference/harness';

const guard = memoryGuard();

// ---- cumsum, cumprod ----

const scans = suite('property: cumsum, cumprod');
guard.start(scans);

const scanCase = shapeArb({ minRank: 1, maxRank: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    data: dataArb(sizeOf(shape), { min: -2, max: 2 }),
    axis: fc.oneof(fc.constant(undefined), fc.integer({ min: -shape.length, max: shape.length - 1 })),
  }),
);

function scanRef(kind: 'cumsum' | 'cumprod', data: number[], shape: number[], axis: number | undefined): { values: number[]; scale: number[]; shape: number[] } {
  const flat = axis === undefined;
  const s = flat ? [data.length] : shape;
  const a = flat ? 0 : (axis + s.length) % s.length;
  const inner = s.slice(a + 1).reduce((x, y) => x * y, 1);
  const n = s[a];
  const values = data.slice();
  const scale = data.map(Math.abs);
  for (let i = 0; i < data.length; i++) {
    const k = Math.floor(i / inner) % n;
    if (k === 0) continue;
    const prev = i - inner;
    if (kind === 'cumsum') {
      values[i] = values[prev] + data[i];
      scale[i] = scale[prev] + Math.abs(data[i]);
    } else {
      values[i] = values[prev] * data[i];
      scale[i] = Math.abs(values[i]);
    }
  }
  return { values, scale, shape: s };
}

for (const kind of ['cumsum', 'cumprod'] as const) {
  prop(scans, `${kind} (float64)`, scanCase, ({ shape, data, axis }) => {
    const { t } = make(data, shape);
    const ref = scanRef(kind, data, shape, axis);
    expectTensor(`${kind} axis ${axis}`, ag[kind](t, axis), ref.shape, ref.values, (_e, i) => 1e-13 * ref.scale[i] + 1e-300);
  });
}
guard.finish(scans);
scans.run();

// ---- sort ----

const sorting = suite('property: sort');
guard.start(sorting);

const sortCase = shapeArb({ minRank: 1, maxRank: 3 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    data: dataArb(sizeOf(shape), { min: -3, max: 3, integers: 10, special: 1 }),
    axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
    descending: fc.boolean(),
  }),
);

/** NaN last ascending, first descending; stable. */
function sortRef(data: number[], shape: number[], axis: number, descending: boolean): number[] {
  const a = (axis + shape.length) % shape.length;
  const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
  const n = shape[a];
  const out = data.slice();
  const key = (v: number) => (Number.isNaN(v) ? Infinity : 0);
  const cmp = (x: number, y: number) => {
    if (descending) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? -1 : 1;
      return x > y ? -1 : x < y ? 1 : 0;
    }
    if (key(x) !== key(y)) return key(x) - key(y);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  for (let i = 0; i < data.length; i++) {
    const multi = unravel(i, shape);
    if (multi[a] !== 0) continue;
    const line = Array.from({ length: n }, (_, k) => data[i + k * inner]).sort(cmp);
    line.forEach((v, k) => (out[i + k * inner] = v));
  }
  return out;
}

prop(sorting, 'sort (float64)', sortCase, ({ shape, data, axis, descending }) => {
  const { t, data: stored } = make(data, shape);
  expectTensor(`sort axis ${axis}${descending ? ' descending' : ''}`, ag.sort(t, axis, { descending }), shape, sortRef(Array.from(stored), shape, axis, descending), exact);
});
guard.finish(sorting);
sorting.run();

// ---- einsum ----

const contraction = suite('property: einsum');
guard.start(contraction);

const LETTERS = 'abcde';
const einsumCase = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 5, maxLength: 5 }),
    a: fc.shuffledSubarray([...LETTERS], { minLength: 0, maxLength: 3 }),
    b: fc.shuffledSubarray([...LETTERS], { minLength: 0, maxLength: 3 }),
    keep: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    order: fc.integer({ min: 0, max: 1000 }),
  })
  .chain((c) => {
    const used = [...new Set([...c.a, ...c.b])];
    const out = used.filter((_, i) => c.keep[i]);
    // a deterministic shuffle of the output letters
    for (let i = out.length - 1; i > 0; i--) {
      const j = (c.order * (i + 7)) % (i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    const size = (l: string) => c.sizes[LETTERS.indexOf(l)];
    const aShape = c.a.map(size);
    const bShape = c.b.map(size);
    return fc.record({
      spec: fc.constant(`${c.a.join('')},${c.b.join('')}->${out.join('')}`),
      a: fc.constant(c.a), b: fc.constant(c.b), out: fc.constant(out), sizes: fc.constant(c.sizes),
      aShape: fc.constant(aShape), bShape: fc.constant(bShape),
      aData: dataArb(sizeOf(aShape), { min: -2, max: 2 }),
      bData: dataArb(sizeOf(bShape), { min: -2, max: 2 }),
    });
  });

prop(contraction, 'einsum of two operands (float64)', einsumCase, (c) => {
  const letters = [...new Set([...c.a, ...c.b])];
  const size = (l: string) => c.sizes[LETTERS.indexOf(l)];
  const outShape = c.out.map(size);
  const values = new Array(sizeOf(outShape)).fill(0);
  const scale = new Array(sizeOf(outShape)).fill(0);
  const total = sizeOf(letters.map(size));
  for (let f = 0; f < total; f++) {
    const idx = unravel(f, letters.map(size));
    const at = (ls: string[], shape: number[]) => ls.reduce((off, l, k) => off * shape[k] + idx[letters.indexOf(l)], 0);
    const term = c.aData[at(c.a, c.aShape)] * c.bData[at(c.b, c.bShape)];
    const o = at(c.out, outShape);
    values[o] += term;
    scale[o] += Math.abs(term);
  }
  const { t: ta } = make(c.aData, c.aShape);
  const { t: tb } = make(c.bData, c.bShape);
  expectTensor(`einsum '${c.spec}'`, ag.einsum(c.spec, ta, tb), outShape, values, (_e, i) => 1e-13 * scale[i] + 1e-300);
});
guard.finish(contraction);
contraction.run();

// ---- reciprocal trigonometric and hyperbolic functions ----

const recip = suite('property: reciprocal trigonometric and hyperbolic functions');
guard.start(recip);
const REF: [string, (x: number) => number, number, number][] = [
  ['sec', (x) => 1 / Math.cos(x), -1.4, 1.4], ['csc', (x) => 1 / Math.sin(x), 0.1, 3], ['cot', (x) => Math.cos(x) / Math.sin(x), 0.1, 3],
  ['asec', (x) => Math.acos(1 / x), 1.01, 50], ['acsc', (x) => Math.asin(1 / x), 1.01, 50], ['acot', (x) => Math.atan(1 / x), -50, 50],
  ['sech', (x) => 1 / Math.cosh(x), -20, 20], ['csch', (x) => 1 / Math.sinh(x), 0.01, 20], ['coth', (x) => 1 / Math.tanh(x), 0.01, 20],
  ['asech', (x) => Math.acosh(1 / x), 0.01, 0.99], ['acsch', (x) => Math.asinh(1 / x), 0.01, 50], ['acoth', (x) => Math.atanh(1 / x), 1.01, 50],
  ['deg2rad', (x) => (x * Math.PI) / 180, -720, 720], ['rad2deg', (x) => (x * 180) / Math.PI, -10, 10],
];
for (const [name, f, lo, hi] of REF) {
  prop(recip, `${name} (float64)`, fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: 1, maxLength: 20 }), (xs) => {
    const { t } = make(xs, [xs.length]);
    expectTensor(name, (ag as unknown as Record<string, (x: ag.Tensor) => ag.Tensor>)[name](t), [xs.length], xs.map(f), rel(1e-14, 1e-300));
  }, { runs: 100 });
}
guard.finish(recip);
recip.run();
