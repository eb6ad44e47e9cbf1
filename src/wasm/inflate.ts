// A raw DEFLATE (RFC 1951) decoder: the kernels are embedded deflated
// (scripts/embed-wasm.mjs) and inflated here, synchronously, before the
// module compiles. Stored, fixed-Huffman and dynamic-Huffman blocks; pure
// JavaScript over Uint8Array, so it runs the same in Node, browsers and
// workers. Malformed input throws an Error naming the fault; every loop
// consumes input, and no read goes past the end of it.
//
// It runs once per page load, mostly before V8 has optimized it, so the
// symbol loop is a small function of its own (optimized soon, and quickly)
// that keeps its state in local variables and reads bits inline; copies and
// table fills are native typed-array methods.

/** A decoding table: entry = symbol << 4 | code length, indexed by the next `bits` input bits. */
interface Huffman { table: Uint16Array; bits: number }

// Length and distance codes: extra bits and base values (RFC 1951 3.2.5).
const LEN_EXTRA = new Uint8Array(29);
const LEN_BASE = new Uint16Array(29);
const DIST_EXTRA = new Uint8Array(30);
const DIST_BASE = new Uint16Array(30);
for (let i = 0, base = 3; i < 29; base += 1 << LEN_EXTRA[i++]) {
  LEN_EXTRA[i] = i < 8 || i === 28 ? 0 : (i - 4) >> 2;
  LEN_BASE[i] = i === 28 ? 258 : base;
}
for (let i = 0, base = 1; i < 30; base += 1 << DIST_EXTRA[i++]) {
  DIST_EXTRA[i] = i < 4 ? 0 : (i - 2) >> 1;
  DIST_BASE[i] = base;
}
/** The entry of a bit pattern that is no code (incomplete codes have some): symbol 511, which no alphabet has. */
const NO_CODE = 511 << 4;
/** The order in which a dynamic block sends its code-length code lengths. */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/** Bytes bit-reversed. */
const REV8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) REV8[i] = (REV8[i >> 1] >> 1) | ((i & 1) << 7);

function fail(what: string): never {
  throw new Error(`inflate: invalid deflate data (${what})`);
}

/** The canonical Huffman code of `lengths` as a lookup table; an incomplete code leaves NO_CODE entries. */
function huffman(lengths: Uint8Array): Huffman {
  const count = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]]++;
  count[0] = 0;
  const start = new Uint16Array(16); // where each length's symbols begin in `sorted`
  let bits = 0;
  for (let len = 1, left = 1; len <= 15; len++) {
    if ((left = (left << 1) - count[len]) < 0) fail('over-subscribed code lengths');
    if (count[len] > 0) bits = len;
    if (len < 15) start[len + 1] = start[len] + count[len];
  }
  const sorted = new Uint16Array(lengths.length);
  for (let sym = 0; sym < lengths.length; sym++) if (lengths[sym] > 0) sorted[start[lengths[sym]]++] = sym;
  // Codes of each length are consecutive (canonical). Entries for codes of
  // length <= L repeat every 2^L: the table doubles by copying itself.
  const table = new Uint16Array(1 << bits);
  table[0] = NO_CODE;
  for (let len = 1, code = 0, i = 0; len <= bits; len++, code <<= 1) {
    table.copyWithin(1 << (len - 1), 0, 1 << (len - 1));
    for (let n = count[len]; n > 0; n--, code++) {
      // Codes are sent most significant bit first, the bit reader is LSB first.
      table[((REV8[code & 255] << 8) | REV8[code >> 8]) >> (16 - len)] = (sorted[i++] << 4) | len;
    }
  }
  return { table, bits };
}

let fixed: Huffman[] | null = null;

/**
 * Inflates raw DEFLATE data (no zlib or gzip header). `size`, when known,
 * sizes the output at once and is checked against what the data holds.
 */
export function inflateRaw(data: Uint8Array, size = -1): Uint8Array<ArrayBuffer> {
  const s = new Inflater(data, size);
  for (let last = 0; last === 0; ) {
    last = s.bits(1);
    const type = s.bits(2);
    if (type === 0) s.stored();
    else if (type === 1) {
      if (fixed === null) {
        const lengths = new Uint8Array(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280);
        fixed = [huffman(lengths), huffman(new Uint8Array(30).fill(5))];
      }
      s.codes(fixed[0], fixed[1]);
    } else if (type === 2) s.dynamic();
    else fail('reserved block type');
  }
  if (s.pos * 8 - s.cnt > s.end * 8) fail('unexpected end of input');
  if (size >= 0 && s.op !== size) fail(`inflated to ${s.op} bytes, expected ${size}`);
  return s.op === s.out.length ? s.out : s.out.slice(0, s.op);
}

class Inflater {
  /** The input and four bytes of zero padding, so the bit buffer fills without a bounds test per byte. */
  readonly input: Uint8Array;
  readonly end: number;
  pos = 0; // next input byte
  buf = 0; // bit buffer, next bit lowest; < 2^30, a small integer to V8
  cnt = 0; // bits in buf
  out: Uint8Array<ArrayBuffer>;
  op = 0; // bytes written to out

  constructor(data: Uint8Array, readonly size: number) {
    this.end = data.length;
    this.input = new Uint8Array(data.length + 4);
    this.input.set(data);
    this.out = new Uint8Array(size >= 0 ? size : Math.max(1024, data.length * 4));
  }

  /** The next `n` <= 15 bits. Consuming any padding byte is an error, checked at each fill. */
  bits(n: number): number {
    if (this.cnt < 15) {
      if (this.pos * 8 - this.cnt > this.end * 8) fail('unexpected end of input');
      this.buf |= (this.input[this.pos] | (this.input[this.pos + 1] << 8)) << this.cnt;
      this.pos += 2;
      this.cnt += 16;
    }
    const v = this.buf & ((1 << n) - 1);
    this.buf >>>= n;
    this.cnt -= n;
    return v;
  }

  /** A stored block: skip to a byte boundary, hand back the whole bytes in the bit buffer, then LEN, NLEN and LEN raw bytes. */
  stored(): void {
    const { input, end } = this;
    let pos = (this.pos -= this.cnt >> 3);
    this.buf = this.cnt = 0;
    if (pos + 4 > end) fail('unexpected end of input');
    const len = input[pos] | (input[pos + 1] << 8);
    if ((input[pos + 2] | (input[pos + 3] << 8)) !== (len ^ 0xffff)) fail('stored block length check');
    pos += 4;
    if (pos + len > end) fail('unexpected end of input');
    this.room(len);
    this.out.set(input.subarray(pos, pos + len), this.op);
    this.pos = pos + len;
    this.op += len;
  }

  /** A dynamic block: its code-length code, then the literal/length and distance codes, then the data. */
  dynamic(): void {
    const nlit = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncl = this.bits(4) + 4;
    if (nlit > 286 || ndist > 30) fail('too many length or distance codes');
    const clLengths = new Uint8Array(19);
    for (let i = 0; i < ncl; i++) clLengths[CL_ORDER[i]] = this.bits(3);
    const cl = huffman(clLengths);
    const lengths = new Uint8Array(nlit + ndist);
    for (let i = 0; i < lengths.length; ) {
      this.bits(0); // fill: the code is <= 7 bits, its extra bits <= 7
      const e = cl.table[this.buf & ((1 << cl.bits) - 1)];
      this.bits(e & 15);
      const sym = e >> 4;
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) fail('repeat with no previous length');
        value = lengths[i - 1];
        repeat = 3 + this.bits(2);
      } else if (sym === 17) repeat = 3 + this.bits(3);
      else if (sym === 18) repeat = 11 + this.bits(7);
      else fail('invalid code length code');
      if (i + repeat > lengths.length) fail('code lengths overflow');
      lengths.fill(value, i, (i += repeat));
    }
    if (lengths[256] === 0) fail('no end-of-block code');
    this.codes(huffman(lengths.subarray(0, nlit)), huffman(lengths.subarray(nlit)));
  }

  /** Makes room for `n` more bytes of output; past the announced size is an error. */
  room(n: number): void {
    if (this.op + n <= this.out.length) return;
    if (this.size >= 0) fail(`more than the expected ${this.size} bytes`);
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.op + n));
    grown.set(this.out.subarray(0, this.op));
    this.out = grown;
  }

  /** The data of a Huffman block, up to its end-of-block code: the hot loop, all in locals. */
  codes(lit: Huffman, dist: Huffman): void {
    const { input, end } = this;
    const litTable = lit.table;
    const litMask = (1 << lit.bits) - 1;
    const distTable = dist.table;
    const distMask = (1 << dist.bits) - 1;
    let { pos, buf, cnt, out, op } = this;
    let cap = out.length;
    for (;;) {
      // Each `if (cnt < 15)` tops the bit buffer up to >= 15 bits, a code's most.
      if (cnt < 15) {
        if (pos * 8 - cnt > end * 8) fail('unexpected end of input');
        buf |= (input[pos] | (input[pos + 1] << 8)) << cnt, pos += 2, cnt += 16;
      }
      let e = litTable[buf & litMask];
      let n = e & 15;
      buf >>>= n, cnt -= n;
      let sym = e >> 4;
      if (sym < 256) {
        if (op === cap) (this.op = op), this.room(1), (cap = (out = this.out).length);
        out[op++] = sym;
        continue;
      }
      if (sym === 256) break;
      if ((sym -= 257) >= 29) fail('invalid literal/length code');
      if (cnt < 15) {
        if (pos * 8 - cnt > end * 8) fail('unexpected end of input');
        buf |= (input[pos] | (input[pos + 1] << 8)) << cnt, pos += 2, cnt += 16;
      }
      let extra = LEN_EXTRA[sym];
      const len = LEN_BASE[sym] + (buf & ((1 << extra) - 1));
      buf >>>= extra, cnt -= extra;
      if (cnt < 15) {
        if (pos * 8 - cnt > end * 8) fail('unexpected end of input');
        buf |= (input[pos] | (input[pos + 1] << 8)) << cnt, pos += 2, cnt += 16;
      }
      e = distTable[buf & distMask];
      n = e & 15;
      buf >>>= n, cnt -= n;
      if ((sym = e >> 4) >= 30) fail('invalid distance code');
      if (cnt < 15) {
        if (pos * 8 - cnt > end * 8) fail('unexpected end of input');
        buf |= (input[pos] | (input[pos + 1] << 8)) << cnt, pos += 2, cnt += 16;
      }
      extra = DIST_EXTRA[sym];
      const distance = DIST_BASE[sym] + (buf & ((1 << extra) - 1));
      buf >>>= extra, cnt -= extra;
      if (distance > op) fail('distance too far back');
      if (op + len > cap) (this.op = op), this.room(len), (cap = (out = this.out).length);
      // Native copies; an overlapping match repeats its last `distance`
      // bytes, a span that doubles with each copy.
      for (let from = op - distance, stop = op + len; op < stop; ) {
        const k = Math.min(stop - op, op - from);
        out.copyWithin(op, from, from + k);
        op += k;
      }
    }
    this.pos = pos;
    this.buf = buf;
    this.cnt = cnt;
    this.op = op;
  }
}
