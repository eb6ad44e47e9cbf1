// The raw-DEFLATE decoder the embedded kernels go through (src/wasm/inflate.ts):
// round trips against node:zlib at every level and strategy that changes the
// block types (stored, fixed and dynamic Huffman), on inputs from empty to
// the real build/kernels.wasm; multi-block streams with sync flushes; and
// malformed streams, handmade to hit each check or corrupted at random, which
// must throw a clear Error (never hang, never return the wrong size).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { constants, deflateRawSync, type ZlibOptions } from 'node:zlib';
import { inflateRaw } from '../src/wasm/inflate';

// ---- inputs ----

/** A small seeded generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 256) | 0;
  return out;
}

/** Words from a small vocabulary: many short matches at many distances. */
function text(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const words = ['tensor', 'gradient', 'tape', 'kernel', 'the', 'of', 'matmul', 'wasm', 'diff', '\n', 'exp', 'f32x4'];
  let s = '';
  while (s.length < n) s += words[(r() * words.length) | 0] + (r() < 0.8 ? ' ' : ', ');
  return new TextEncoder().encode(s.slice(0, n));
}

/** Runs of one byte (overlapping matches at distance 1), a period-3 pattern and noise, interleaved. */
function mixed(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; ) {
    const len = Math.min(n - i, 1 + ((r() * 600) | 0));
    const kind = (r() * 3) | 0;
    const b = (r() * 256) | 0;
    for (let k = 0; k < len; k++, i++) out[i] = kind === 0 ? b : kind === 1 ? (b + (k % 3)) & 255 : (r() * 256) | 0;
  }
  return out;
}

const wasmPath = new URL('../build/kernels.wasm', import.meta.url);

const INPUTS: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['1 byte', new Uint8Array([42])],
  ['all byte values', Uint8Array.from({ length: 256 }, (_, i) => i)],
  ['random 1000 B', randomBytes(1000, 1)],
  ['random 200 KB (several stored blocks)', randomBytes(200_000, 2)],
  ['text 5 KB', text(5_000, 3)],
  ['text 300 KB (distances up to 32 KB)', text(300_000, 4)],
  ['zeros 100 KB (distance-1 overlap)', new Uint8Array(100_000)],
  ['mixed runs and noise 150 KB', mixed(150_000, 5)],
];
if (existsSync(wasmPath)) INPUTS.push(['build/kernels.wasm', new Uint8Array(readFileSync(wasmPath))]);

const deflate = (data: Uint8Array, options: ZlibOptions = {}): Uint8Array => new Uint8Array(deflateRawSync(data, options));

function same(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) assert.unreachable(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Runs `fn`, which must throw an Error whose message names inflate and contains `fragment`. */
function rejects(fn: () => unknown, fragment: string, what: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) assert.unreachable(`${what}: nothing was thrown`);
  assert.instance(caught, Error, what);
  const message = (caught as Error).message;
  assert.ok(message.startsWith('inflate: invalid deflate data'), `${what}: message "${message}"`);
  assert.ok(message.includes(fragment), `${what}: message "${message}" should mention "${fragment}"`);
}

// ---- round trips ----

const roundTrip = suite('inflate: round trips against node:zlib');

for (const level of [0, 1, 6, 9]) {
  roundTrip(`level ${level}, every input, with and without the size`, () => {
    for (const [name, data] of INPUTS) {
      const z = deflate(data, { level });
      same(inflateRaw(z, data.length), data, `${name} at level ${level}, sized`);
      same(inflateRaw(z), data, `${name} at level ${level}, unsized`);
    }
  });
}

roundTrip('strategies: fixed Huffman only, Huffman only (no matches), run-length, filtered', () => {
  const strategies = { Z_FIXED: constants.Z_FIXED, Z_HUFFMAN_ONLY: constants.Z_HUFFMAN_ONLY, Z_RLE: constants.Z_RLE, Z_FILTERED: constants.Z_FILTERED };
  for (const [sname, strategy] of Object.entries(strategies)) {
    for (const [name, data] of INPUTS) same(inflateRaw(deflate(data, { level: 9, strategy })), data, `${name}, ${sname}`);
  }
});

roundTrip('window sizes 2^9..2^15 and memory levels 1..9', () => {
  const data = mixed(80_000, 6);
  for (let windowBits = 9; windowBits <= 15; windowBits++) {
    for (const memLevel of [1, 9]) {
      same(inflateRaw(deflate(data, { level: 9, windowBits, memLevel }), data.length), data, `windowBits ${windowBits}, memLevel ${memLevel}`);
    }
  }
});

roundTrip('multi-block streams: sync-flushed segments (empty stored blocks between them)', () => {
  // A sync flush ends on a byte boundary after an empty stored block and
  // leaves the stream open, so a second stream may follow it directly.
  const a = text(20_000, 7);
  const b = mixed(30_000, 8);
  const c = randomBytes(500, 9);
  const stream = new Uint8Array([
    ...deflate(a, { level: 6, finishFlush: constants.Z_SYNC_FLUSH }),
    ...deflate(b, { level: 1, finishFlush: constants.Z_FULL_FLUSH }),
    ...deflate(c, { level: 0, finishFlush: constants.Z_SYNC_FLUSH }),
    ...deflate(new Uint8Array(0), { finishFlush: constants.Z_SYNC_FLUSH }),
    ...deflate(a, { level: 9 }),
  ]);
  same(inflateRaw(stream), new Uint8Array([...a, ...b, ...c, ...a]), 'concatenated segments');
});

roundTrip('random inputs, levels and strategies (seeded)', () => {
  const r = rng(10);
  for (let i = 0; i < 60; i++) {
    const n = (r() * r() * 70_000) | 0;
    const kind = (r() * 3) | 0;
    const data = kind === 0 ? randomBytes(n, i) : kind === 1 ? text(n, i) : mixed(n, i);
    const level = (r() * 10) | 0;
    const strategy = [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_RLE, constants.Z_HUFFMAN_ONLY][(r() * 4) | 0];
    same(inflateRaw(deflate(data, { level, strategy }), r() < 0.5 ? n : -1), data, `case ${i} (n ${n}, kind ${kind}, level ${level}, strategy ${strategy})`);
  }
});

roundTrip('ignores bytes after the final block, returns a fresh array', () => {
  const data = text(1000, 11);
  const z = deflate(data);
  same(inflateRaw(new Uint8Array([...z, 1, 2, 3])), data, 'trailing bytes');
  const out = inflateRaw(z, data.length);
  assert.instance(out, Uint8Array);
  assert.is(out.byteOffset, 0);
  assert.is(out.buffer.byteLength, data.length);
});

roundTrip.run();

// ---- malformed input ----

/** Writes a bit stream, least significant bit first, as DEFLATE sends it. */
class Bits {
  bytes: number[] = [];
  private n = 0;
  /** `value` in `count` bits, low bit first (header fields, extra bits). */
  put(value: number, count: number): this {
    for (let i = 0; i < count; i++, this.n++) {
      if ((this.n & 7) === 0) this.bytes.push(0);
      this.bytes[this.bytes.length - 1] |= ((value >> i) & 1) << (this.n & 7);
    }
    return this;
  }
  /** A Huffman code of `length` bits, most significant bit first. */
  code(value: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.put((value >> i) & 1, 1);
    return this;
  }
  get data(): Uint8Array {
    return new Uint8Array(this.bytes);
  }
}
/** The fixed literal/length code of `sym` (RFC 1951 3.2.6). */
function fixedLit(b: Bits, sym: number): Bits {
  if (sym < 144) return b.code(0x30 + sym, 8);
  if (sym < 256) return b.code(0x190 + sym - 144, 9);
  if (sym < 280) return b.code(sym - 256, 7);
  return b.code(0xc0 + sym - 280, 8);
}
/** A final dynamic block header whose code-length code gives `lengths` (by symbol) to symbols 16, 17, 18, 0 only. */
function dynamicHeader(lengths: { 16?: number; 17?: number; 18?: number; 0?: number }, nlit = 257, ndist = 1): Bits {
  const b = new Bits().put(1, 1).put(2, 2).put(nlit - 257, 5).put(ndist - 1, 5).put(0, 4);
  for (const sym of [16, 17, 18, 0] as const) b.put(lengths[sym] ?? 0, 3);
  return b;
}

const malformed = suite('inflate: malformed input throws a clear error');

malformed('handmade streams hit each check', () => {
  const fixedBlock = () => new Bits().put(1, 1).put(1, 2);
  const cases: [string, Uint8Array, string][] = [
    ['empty input', new Uint8Array(0), 'unexpected end of input'],
    ['block type 3', new Bits().put(1, 1).put(3, 2).data, 'reserved block type'],
    ['stored block, LEN and NLEN disagree', new Uint8Array([1, 5, 0, 0, 0, 1, 2, 3, 4, 5]), 'stored block length check'],
    ['stored block, cut short', new Uint8Array([1, 5, 0, 0xfa, 0xff, 1, 2]), 'unexpected end of input'],
    ['stored block, header cut short', new Uint8Array([1, 5, 0]), 'unexpected end of input'],
    ['fixed block, match before any output', fixedLit(fixedBlock(), 257).code(0, 5).data, 'distance too far back'],
    ['fixed block, match further back than the output', fixedLit(fixedLit(fixedBlock(), 65), 257).code(1, 5).data, 'distance too far back'],
    ['fixed block, length symbol 286', fixedLit(fixedLit(fixedBlock(), 65), 286).data, 'invalid literal/length code'],
    ['fixed block, distance symbol 30', fixedLit(fixedLit(fixedBlock(), 65), 257).code(30, 5).data, 'invalid distance code'],
    ['fixed block, no end-of-block', fixedLit(fixedLit(fixedBlock(), 65), 66).data, 'unexpected end of input'],
    ['dynamic block, 287 literal/length codes', dynamicHeader({ 0: 1 }, 287).data, 'too many length or distance codes'],
    ['dynamic block, 31 distance codes', dynamicHeader({ 0: 1 }, 257, 31).data, 'too many length or distance codes'],
    ['dynamic block, over-subscribed code-length code', dynamicHeader({ 16: 1, 17: 1, 0: 1 }).data, 'over-subscribed code lengths'],
    // Codes: 0 -> "0", 16 -> "1" (canonical order by symbol).
    ['dynamic block, repeat first', dynamicHeader({ 16: 1, 0: 1 }).code(1, 1).data, 'repeat with no previous length'],
    // Codes: 0 -> "0", 18 -> "1"; 138 + 120 zeros leave end-of-block without a code.
    ['dynamic block, no end-of-block code', dynamicHeader({ 18: 1, 0: 1 }).code(1, 1).put(127, 7).code(1, 1).put(109, 7).data, 'no end-of-block code'],
    ['dynamic block, lengths past the end', dynamicHeader({ 18: 1, 0: 1 }).code(1, 1).put(127, 7).code(1, 1).put(127, 7).data, 'code lengths overflow'],
    // Only symbol 0 has a code ("0"): the bit pattern "1" is no code.
    ['dynamic block, incomplete code used', dynamicHeader({ 0: 1 }).code(1, 1).data, 'invalid code length code'],
    ['dynamic block, all code-length codes zero', dynamicHeader({}).put(0, 8).data, 'invalid code length code'],
  ];
  for (const [what, data, fragment] of cases) rejects(() => inflateRaw(data), fragment, what);
});

malformed('an incomplete literal/length code: its unused bit pattern is an error', () => {
  // Code-length code: symbols 0, 1, 2 and 18 with 2 bits each: "00" "01" "10" "11".
  // Literal/length lengths: 'A' (65) 1 bit, end-of-block (256) 2 bits, all
  // else 0, giving codes "0" and "10" and leaving "11" unused. Distances: one
  // code of 1 bit.
  const block = (): Bits => {
    const b = new Bits().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(14, 4); // 257 + 1 codes, 18 code-length codes
    const cl: Record<number, number> = { 0: 2, 1: 2, 2: 2, 18: 2 };
    for (const sym of [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]) b.put(cl[sym] ?? 0, 3);
    const zeros = (n: number) => b.code(3, 2).put(n - 11, 7);
    zeros(65); // 0..64
    b.code(1, 2); // 'A': 1 bit
    zeros(138); // 66..203
    zeros(52); // 204..255
    b.code(2, 2); // end-of-block: 2 bits
    b.code(1, 2); // the distance code: 1 bit
    return b;
  };
  same(inflateRaw(block().code(0, 1).code(0, 1).code(2, 2).data), new TextEncoder().encode('AA'), 'the valid stream');
  rejects(() => inflateRaw(block().code(0, 1).code(3, 2).data), 'invalid literal/length code', 'the unused pattern');
  // Cut before the end-of-block: the zero bits past the end would read as
  // endless 'A's, so running out of input must be caught in the literal loop.
  rejects(() => inflateRaw(block().code(0, 1).data), 'unexpected end of input', 'cut in a run of literals');
});

malformed('every truncation of a real stream throws', () => {
  for (const [name, data] of [['text', text(3000, 12)], ['random', randomBytes(700, 13)]] as const) {
    for (const level of [0, 1, 9]) {
      const z = deflate(data, { level });
      for (let n = 0; n < z.length; n++) {
        let out: Uint8Array | undefined;
        try {
          out = inflateRaw(z.subarray(0, n));
        } catch (error) {
          assert.match((error as Error).message, /^inflate: invalid deflate data/, `${name} level ${level} cut at ${n}`);
          continue;
        }
        // A cut inside the final block's last byte may still hold every bit
        // the stream needs; then the output must be complete and right.
        same(out, data, `${name} level ${level} cut at ${n} decoded`);
      }
    }
  }
});

malformed('a stream that ends open (sync flush, no final block) throws', () => {
  const z = deflate(text(2000, 14), { finishFlush: constants.Z_SYNC_FLUSH });
  rejects(() => inflateRaw(z), 'unexpected end of input', 'open stream');
});

malformed('the expected size is enforced both ways', () => {
  const data = text(5000, 15);
  const z = deflate(data, { level: 6 });
  rejects(() => inflateRaw(z, data.length - 1), 'more than the expected 4999 bytes', 'one byte too many');
  rejects(() => inflateRaw(z, data.length + 1), 'inflated to 5000 bytes, expected 5001', 'one byte too few');
  rejects(() => inflateRaw(deflate(data, { level: 0 }), 100), 'more than the expected 100 bytes', 'stored, too many');
});

malformed('random corruption: an error or some output, never a hang or a wrong size', () => {
  const r = rng(16);
  const sources = [text(20_000, 17), mixed(20_000, 18)];
  if (existsSync(wasmPath)) sources.push(new Uint8Array(readFileSync(wasmPath)).subarray(0, 30_000));
  let errors = 0;
  let trials = 0;
  for (const data of sources) {
    for (const level of [1, 9]) {
      const z = deflate(data, { level });
      for (let i = 0; i < 150; i++) {
        const bad = z.slice();
        const flips = 1 + ((r() * 3) | 0);
        for (let k = 0; k < flips; k++) bad[(r() * bad.length) | 0] ^= 1 << ((r() * 8) | 0);
        if (r() < 0.2) bad[(r() * 16) | 0] = (r() * 256) | 0; // the header, where damage is worst
        trials++;
        try {
          const out = inflateRaw(bad, data.length);
          assert.is(out.length, data.length); // sized: any output has exactly the size asked
        } catch (error) {
          errors++;
          assert.match((error as Error).message, /^inflate: invalid deflate data \(.+\)$/);
        }
        try {
          inflateRaw(bad); // unsized: bounded by the input, must end
        } catch (error) {
          assert.match((error as Error).message, /^inflate: invalid deflate data \(.+\)$/);
        }
      }
    }
  }
  assert.ok(errors > trials / 2, `only ${errors} of ${trials} corrupted streams were rejected`);
});

malformed.run();
