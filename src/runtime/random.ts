// The library's one random generator: xoshiro128**, seeded through
// splitmix32, so `seed(n)` makes rand, randn, dropout and initialisers
// reproducible across runs and platforms.

import { ArgumentError, describe } from './errors';

let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
// Box-Muller makes normals in pairs; the second waits here.
let spare: number | null = null;

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/**
 * Seeds the generator behind `rand`, `randn` and everything random.
 *
 * @example
 * ag.seed(42);
 * const a = ag.rand([3]).toArray();
 * ag.seed(42);
 * const b = ag.rand([3]).toArray(); // same numbers as a
 */
export function seed(n: number): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new ArgumentError(`seed: expected an integer, got ${describe(n)}`);
  }
  // Seeds beyond 32 bits fold their high word in (seed(2 ** 32 + 1) is not seed(1)).
  let state = n >= -(2 ** 31) && n < 2 ** 31 ? n | 0 : (n | 0) ^ Math.imul((Math.floor(n / 2 ** 32) | 0) ^ 0x7f4a7c15, 0x9e3779b9);
  [state, s0] = splitmix32(state);
  [state, s1] = splitmix32(state);
  [state, s2] = splitmix32(state);
  [state, s3] = splitmix32(state);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  spare = null;
}

seed(Date.now());

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A uniform 32-bit unsigned integer. */
export function nextUint32(): number {
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}

/** A uniform double in [0, 1) with 53 random bits. */
export function nextDouble(): number {
  const hi = nextUint32() >>> 5; // 27 bits
  const lo = nextUint32() >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** A standard normal draw (Box-Muller, using both outputs). */
export function nextGaussian(): number {
  if (spare !== null) {
    const v = spare;
    spare = null;
    return v;
  }
  let u = 0;
  while (u === 0) u = nextDouble();
  const v = nextDouble();
  const r = Math.sqrt(-2 * Math.log(u));
  spare = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}
