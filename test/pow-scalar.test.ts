// pow with one scalar exponent that is an integer or a half-integer
// (assembly/pow.ts: repeated squaring and sqrt instead of libm's pow per
// element). float32: |e| <= 32, computed in float64 and rounded once, so
// within 1 ulp of Math.pow rounded to float32 (which is itself within a hair
// of the true value); float64: e in {-1, 0, 1, 2, 0.5}, one correctly
// rounded operation, equal to Math.pow. Special values (±0, ±Infinity, NaN,
// negative bases) exactly as Math.pow gives them, through the vector loop,
// the scalar tail and strided rows.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as ag from '../src/index';

const test = suite('pow with a scalar integer or half-integer exponent');

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
function ord32(v: number): number {
  f32[0] = v;
  const b = i32[0];
  return b >= 0 ? b : -2147483648 - b;
}
function ulps32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(ord32(a) - ord32(b));
}

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1e-30, -1e-30, 1e30, 1e-45, 3.4e38, -3.4e38];

function inputs(): number[] {
  let s = 12345;
  const out = SPECIAL.slice();
  for (let i = 0; i < 300; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const m = s / 2 ** 32;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push((s & 1 ? -1 : 1) * m * 2 ** ((s >>> 8) % 24 - 12));
  }
  return out;
}

const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

test('float32: every integer and half-integer exponent in [-32, 32] within 1 ulp of Math.pow, specials exact', () => {
  const xs = inputs();
  const x = ag.tensor(xs);
  // a strided row too: the transposed view of a matrix of the same values
  const m = ag.tensor(xs.slice(0, 300), { shape: [20, 15] });
  for (let e = -32; e <= 32; e += 0.5) {
    ag.tidy(() => {
      const got = ag.pow(x, e).data();
      const gotT = ag.pow(ag.transpose(m), e).data();
      const want = (v: number) => Math.fround(Math.pow(Math.fround(v), e));
      for (let i = 0; i < xs.length; i++) {
        const w = want(xs[i]);
        const special = !Number.isFinite(xs[i]) || xs[i] === 0 || !Number.isFinite(w) || w === 0;
        if (special) assert.ok(Object.is(got[i], w), `pow(${show(xs[i])}, ${e}) = ${show(got[i])}, Math.pow says ${show(w)}`);
        else assert.ok(ulps32(got[i], w) <= 1, `pow(${xs[i]}, ${e}) = ${got[i]}, Math.pow says ${w} (${ulps32(got[i], w)} ulp)`);
      }
      for (let r = 0; r < 15; r++) {
        for (let c = 0; c < 20; c++) {
          const v = xs[c * 15 + r];
          const w = want(v);
          const g = gotT[r * 20 + c];
          assert.ok(Object.is(g, w) || ulps32(g, w) <= 1, `strided pow(${show(v)}, ${e}) = ${show(g)}, Math.pow says ${show(w)}`);
        }
      }
    });
  }
  x.dispose();
  m.dispose();
});

test('float64: exponents -1, 0, 1, 2 and 0.5 equal Math.pow, specials included', () => {
  const xs = inputs();
  const x = ag.tensor(xs, { dtype: 'float64' });
  for (const e of [-1, 0, 1, 2, 0.5]) {
    ag.tidy(() => {
      const got = ag.pow(x, e).data();
      for (let i = 0; i < xs.length; i++) assert.ok(Object.is(got[i], Math.pow(xs[i], e)), `pow(${show(xs[i])}, ${e}) = ${show(got[i])}, Math.pow says ${show(Math.pow(xs[i], e))}`);
    });
  }
  x.dispose();
});

test('other exponents (non-half-integers, |e| > 32, float64 3) still go through pow, with its special values', () => {
  for (const [dtype, e] of [['float32', 0.3], ['float32', 33], ['float32', -40.5], ['float64', 3], ['float64', -0.5], ['float64', 1.5]] as const) {
    ag.tidy(() => {
      const got = ag.pow(ag.tensor(SPECIAL, { dtype }), e).data();
      const round = dtype === 'float32' ? Math.fround : (v: number) => v;
      SPECIAL.forEach((v, i) => {
        const w = round(Math.pow(round(v), e));
        assert.ok(Object.is(got[i], w) || Math.abs(got[i] - w) <= 1e-5 * Math.abs(w), `${dtype} pow(${show(v)}, ${e}) = ${show(got[i])}, Math.pow says ${show(w)}`);
      });
    });
  }
});

test.run();
