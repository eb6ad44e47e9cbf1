// Accuracy of the special functions of issue 14 (assembly/specialx.ts,
// assembly/bessel.ts, assembly/elementary.ts and invdigamma's Newton
// iteration) against reference values computed with mpmath at 40 digits
// (test/reference/special-values.json: [x, f(x)] pairs, f(x) rounded to
// float64). The error is measured in float64 ulps of max(|f(x)|, floor):
// floor 0 (relative error) but for J and Y, whose values near their zeros
// come from sums that cancel (there the error is about 1e-16 absolute).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import * as ag from '../src/index';

const ref = JSON.parse(readFileSync(new URL('./reference/special-values.json', import.meta.url), 'utf8')) as Record<string, [number, number][]>;

function ulp(v: number): number {
  const a = Math.abs(v);
  return a === 0 ? 5e-324 : Math.max(2 ** (Math.floor(Math.log2(a)) - 52), 5e-324);
}

type F = (x: ag.Tensor) => ag.Tensor;
/** Function, max error in ulps, floor of the unit. */
const CHECKS: Record<string, [F, number, number]> = {
  gamma: [ag.gamma, 4, 0],
  erfcx: [ag.erfcx, 2, 0],
  erfcinv: [ag.erfcinv, 2, 0],
  dawson: [ag.dawson, 2, 0],
  besselJ0: [ag.besselJ0, 4, 1],
  besselJ1: [ag.besselJ1, 4, 1],
  besselY0: [ag.besselY0, 6, 1],
  besselY1: [ag.besselY1, 4, 1],
  besselI0: [ag.besselI0, 4, 0],
  besselI1: [ag.besselI1, 8, 0],
  besselK0: [ag.besselK0, 6, 0],
  besselK1: [ag.besselK1, 4, 0],
  besselJ7: [(x) => ag.besselJ(7, x), 4, 1],
  besselJm3: [(x) => ag.besselJ(-3, x), 4, 1],
  besselJ40: [(x) => ag.besselJ(40, x), 4, 1],
  invdigamma: [ag.invdigamma, 16, 0],
  sinpi: [ag.sinpi, 1, 0],
  cospi: [ag.cospi, 1, 0],
  exp10: [ag.exp10, 1, 0],
};

const values = suite('special functions against mpmath (float64)');
for (const [name, [fn, bound, floor]] of Object.entries(CHECKS)) {
  values(`${name}: within ${bound} ulp${floor > 0 ? ' of max(|f|, 1)' : ''}`, () => {
    const pts = ref[name];
    assert.ok(pts !== undefined && pts.length > 0, `no reference values for ${name}`);
    ag.tidy(() => {
      const got = fn(ag.tensor(pts.map((p) => p[0]), { dtype: 'float64' })).data();
      pts.forEach(([x, want], i) => {
        const err = Math.abs(got[i] - want) / ulp(Math.max(Math.abs(want), floor));
        assert.ok(err <= bound, `${name}(${x}) = ${got[i]}, mpmath gives ${want}: ${err.toFixed(1)} ulp (allowed ${bound})`);
      });
    });
  });
}
values.run();

const float32 = suite('special functions in float32: the float64 value rounded once');
for (const [name, [fn]] of Object.entries(CHECKS)) {
  float32(name, () => {
    ag.tidy(() => {
      const xs = ref[name].map((p) => p[0]).filter((x) => Math.abs(x) < 3e38 && Math.fround(x) === x);
      const y32 = fn(ag.tensor(xs, { dtype: 'float32' })).data();
      const y64 = fn(ag.tensor(xs, { dtype: 'float64' })).data();
      xs.forEach((x, i) => assert.ok(Object.is(y32[i], Math.fround(y64[i])), `${name}(${x}): float32 gives ${y32[i]}, float64 rounded gives ${Math.fround(y64[i])}`));
    });
  });
}
float32.run();
