// A plain reference for numpy indexing (x[specs], x[specs] = v, np.add.at),
// written element by element from numpy's rules, independently of
// src/ops/indexing.ts (which resolves an index into tables of offsets). Its
// semantics were checked against numpy 2 on random cases while it was
// written; specs use the library's syntax: integers, 'a:b:c' strings, null
// (new axis), '...', integer arrays (nested) and boolean arrays (masks).

import { sizeOf, stridesOf, unravel, type Shape } from './index';

export type RefSpec = number | null | string | number[] | number[][] | boolean[] | boolean[][];

type Axis =
  | { kind: 'int'; i: number }
  | { kind: 'slice'; idx: number[] }
  | { kind: 'new' }
  | { kind: 'array'; values: number[]; shape: number[] };

function rangeOf(text: string, n: number): number[] {
  const [a, b, c] = text.split(':').map((s) => (s.trim() === '' ? null : Number(s)));
  const step = c ?? 1;
  const out: number[] = [];
  if (step > 0) {
    let start = a === null ? 0 : a < 0 ? Math.max(a + n, 0) : Math.min(a, n);
    const stop = b === null ? n : b < 0 ? Math.max(b + n, 0) : Math.min(b, n);
    for (; start < stop; start += step) out.push(start);
  } else {
    let start = a === null ? n - 1 : a < 0 ? Math.max(a + n, -1) : Math.min(a, n - 1);
    const stop = b === null ? -1 : b < 0 ? Math.max(b + n, -1) : Math.min(b, n - 1);
    for (; start > stop; start += step) out.push(start);
  }
  return out;
}

function flat(x: unknown, shape: number[]): unknown[] {
  if (!Array.isArray(x)) return [x];
  shape.push(x.length);
  const out: unknown[] = [];
  x.forEach((v, i) => out.push(...flat(v, i === 0 ? shape : [])));
  return out;
}

function broadcast(shapes: number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    let size = 1;
    for (const s of shapes) {
      const v = s[d - (rank - s.length)] ?? 1;
      if (v !== 1) {
        if (size !== 1 && size !== v) throw new Error('index arrays do not broadcast');
        size = v;
      }
    }
    out.push(size);
  }
  return out;
}

/**
 * Flat offsets into x of the elements `x[specs]` reads, in the result's
 * order, and the result's shape. Throws (any Error) where numpy raises.
 */
export function numpyIndex(shape: Shape, specs: readonly RefSpec[]): { offsets: number[]; shape: number[] } {
  const used = specs.reduce<number>((n, s) => {
    if (s === null || s === '...') return n;
    if (Array.isArray(s) && typeof flat(s, [])[0] === 'boolean') {
      const sh: number[] = [];
      flat(s, sh);
      return n + sh.length;
    }
    return n + 1;
  }, 0);
  if (used > shape.length) throw new Error('too many indices');
  if (specs.filter((s) => s === '...').length > 1) throw new Error('two ellipses');
  const axes: Axis[] = [];
  const source: number[] = []; // the x axis each non-new entry reads
  let d = 0;
  for (const s of specs) {
    if (s === '...') {
      for (let k = 0; k < shape.length - used; k++) {
        axes.push({ kind: 'slice', idx: rangeOf(':', shape[d]) });
        source.push(d++);
      }
    } else if (s === null) {
      axes.push({ kind: 'new' });
      source.push(-1);
    } else if (typeof s === 'number') {
      const n = shape[d];
      if (s < -n || s >= n) throw new Error('index out of bounds');
      axes.push({ kind: 'int', i: s < 0 ? s + n : s });
      source.push(d++);
    } else if (typeof s === 'string') {
      axes.push({ kind: 'slice', idx: rangeOf(s, shape[d]) });
      source.push(d++);
    } else {
      const sh: number[] = [];
      const values = flat(s, sh);
      if (values.length > 0 && typeof values[0] === 'boolean') {
        // a mask: the coordinates of its true entries, one array per axis it covers
        for (let k = 0; k < sh.length; k++) if (sh[k] !== shape[d + k]) throw new Error('mask shape');
        const hits = values.flatMap((v, i) => (v === true ? [unravel(i, sh)] : []));
        for (let k = 0; k < sh.length; k++) {
          axes.push({ kind: 'array', values: hits.map((c) => c[k]), shape: [hits.length] });
          source.push(d + k);
        }
        d += sh.length;
      } else {
        const n = shape[d];
        const v = (values as number[]).map((i) => {
          if (i < -n || i >= n) throw new Error('index out of bounds');
          return i < 0 ? i + n : i;
        });
        axes.push({ kind: 'array', values: v, shape: sh });
        source.push(d++);
      }
    }
  }
  for (; d < shape.length; d++) {
    axes.push({ kind: 'slice', idx: rangeOf(':', shape[d]) });
    source.push(d);
  }
  const hasArrays = axes.some((a) => a.kind === 'array');
  // with arrays, integers are 0-d arrays
  const entries: Axis[] = axes.map((a) => (hasArrays && a.kind === 'int' ? { kind: 'array', values: [a.i], shape: [] } : a));
  const arrayAt = entries.flatMap((a, i) => (a.kind === 'array' ? [i] : []));
  const b = hasArrays ? broadcast(entries.flatMap((a) => (a.kind === 'array' ? [a.shape] : []))) : [];
  const together = arrayAt.length > 0 && arrayAt[arrayAt.length - 1] - arrayAt[0] === arrayAt.length - 1;
  // the result's axes: what each one is (an entry's own axis, or the broadcast block)
  const out: ({ entry: number } | { block: number })[] = [];
  if (hasArrays && !together) b.forEach((_, k) => out.push({ block: k }));
  entries.forEach((a, i) => {
    if (a.kind === 'slice' || a.kind === 'new') out.push({ entry: i });
    else if (a.kind === 'array' && i === arrayAt[0] && together) b.forEach((_, k) => out.push({ block: k }));
  });
  const outShape = out.map((o) => ('block' in o ? b[o.block] : entries[o.entry].kind === 'new' ? 1 : (entries[o.entry] as { idx: number[] }).idx.length));
  const xs = stridesOf(shape);
  const offsets: number[] = [];
  for (let f = 0; f < sizeOf(outShape); f++) {
    const coord = unravel(f, outShape);
    const bc = out.flatMap((o, k) => ('block' in o ? [coord[k]] : []));
    let at = 0;
    entries.forEach((a, i) => {
      if (a.kind === 'new') return;
      let c: number;
      if (a.kind === 'int') c = a.i;
      else if (a.kind === 'slice') c = a.idx[coord[out.findIndex((o) => 'entry' in o && o.entry === i)]];
      else {
        // the array's element at the broadcast coordinate
        const lead = b.length - a.shape.length;
        const sub = a.shape.map((s, k) => (s === 1 ? 0 : bc[lead + k]));
        c = a.values[sub.reduce((acc, v, k) => acc * a.shape[k] + v, 0)];
      }
      at += c * xs[source[i]];
    });
    offsets.push(at);
  }
  return { offsets, shape: outShape };
}
