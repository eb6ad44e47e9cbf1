// A model-based test of ownership (fast-check's command API): random
// sequences of creation, ops, aliases (reshape, value, detach, Param), in-place
// writes (axpy), keep, dispose, dropped references, tidy (returning tensors,
// containers, tapes, nothing; with a diff and a grad inside), diff, grad,
// optimizer steps and tape disposal, run against a small model of which
// handles must be alive, what numbers they must hold, which buffers they
// share and at which version each tape recorded them. After every command,
// every handle the model says is alive reads its numbers, every freed one
// throws DisposedError, and memory() counts exactly the model's tensors and
// tapes.
//
// Replay a failure with the seed and path it prints:
//     FC_SEED=<seed> FC_PATH='<path>' npm test -- ownership-model
// FC_RUNS=<n> changes the number of sequences (500 by default).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as ag from '../src/index';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261205;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 500;
const PATH = process.env.FC_PATH;

const f64 = { dtype: 'float64' as const };
type Vec = number[];

// ---- the model ----

type Owner = 'user' | { tape: number };

interface HandleModel {
  buffer: number;
  alive: boolean;
  owner: Owner;
  param: boolean;
  /** ever recorded by a tape (value() then makes an alias) */
  recorded: boolean;
  /** the program still holds it (commands pick only these) */
  reachable: boolean;
}

interface TapeModel {
  alive: boolean;
  reachable: boolean;
  p: number;
  c: number;
  /** handles of the tape's own tensors: mul's result and sum's result */
  y: number;
  s: number;
  recorded: boolean;
  /** buffer versions when recorded: any change makes the backward pass refuse */
  versions: [number, number][];
  /** recorded values of p and c (equal to the current ones while versions match) */
  pValues: Vec;
  cValues: Vec;
  /** Param leaves, and the handle of each one's cached gradient once computed */
  leaves: number[];
  grads: Map<number, number> | null;
}

interface Model {
  handles: HandleModel[];
  buffers: { values: Vec; version: number }[];
  tapes: TapeModel[];
}

interface Real {
  handles: ag.Tensor[];
  tapes: ag.Tape[];
  base: { liveTensors: number; liveTapes: number };
}

const liveCount = (m: Model) => m.handles.filter((h) => h.alive).length;

function newHandle(m: Model, buffer: number, owner: Owner, param = false): number {
  m.handles.push({ buffer, alive: true, owner, param, recorded: false, reachable: true });
  return m.handles.length - 1;
}

function newBuffer(m: Model, values: Vec): number {
  m.buffers.push({ values: values.slice(), version: 0 });
  return m.buffers.length - 1;
}

const valuesOf = (m: Model, h: number): Vec => m.buffers[m.handles[h].buffer].values;

/** Handles the program can still name, alive or not. */
function reachable(m: Model): number[] {
  return m.handles.flatMap((h, i) => (h.reachable ? [i] : []));
}

function pick<T>(list: T[], r: number): T | undefined {
  return list.length === 0 ? undefined : list[r % list.length];
}

/** Frees everything a tape owns (at its disposal). */
function disposeTapeModel(m: Model, t: number): void {
  m.tapes[t].alive = false;
  for (const h of m.handles) {
    if (h.alive && typeof h.owner === 'object' && h.owner.tape === t) h.alive = false;
  }
}

/** What the model expects a backward pass to give each leaf, or 'version' if it must refuse. */
function gradients(m: Model, t: TapeModel): Map<number, Vec> | 'version' {
  for (const [b, v] of t.versions) if (m.buffers[b].version !== v) return 'version';
  const out = new Map<number, Vec>();
  for (const leaf of t.leaves) {
    let g = [0, 0, 0];
    if (leaf === t.p) g = g.map((x, i) => x + t.cValues[i]);
    if (leaf === t.c) g = g.map((x, i) => x + t.pValues[i]);
    out.set(leaf, g);
  }
  return out;
}

// ---- checking the real system against the model ----

function expectDisposed(fn: () => unknown, what: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ag.DisposedError, `${what}: expected DisposedError, got ${String(caught)}`);
}

function verify(m: Model, r: Real, after: string): void {
  m.handles.forEach((h, i) => {
    const t = r.handles[i];
    if (h.alive) {
      assert.is(t.isDisposed, false, `${after}: handle ${i} should be alive`);
      const v = valuesOf(m, i);
      assert.equal(t.toArray(), t.ndim === 0 ? v[0] : v, `${after}: handle ${i} holds the wrong numbers`);
    } else {
      assert.is(t.isDisposed, true, `${after}: handle ${i} should be freed`);
      expectDisposed(() => t.toArray(), `${after}: reading freed handle ${i}`);
    }
  });
  const mem = ag.memory();
  assert.is(mem.liveTensors - r.base.liveTensors, liveCount(m), `${after}: liveTensors`);
  assert.is(mem.liveTapes - r.base.liveTapes, m.tapes.filter((t) => t.alive).length, `${after}: liveTapes`);
}

/** Runs `fn`, which must throw `E` and change nothing. */
function refused(fn: () => unknown, E: new (...a: never[]) => Error, what: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof E, `${what}: expected ${E.name}, got ${String(caught)}`);
}

// ---- commands ----

abstract class Cmd implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract apply(m: Model, r: Real): void;
  run(m: Model, r: Real): void {
    this.apply(m, r);
    verify(m, r, this.toString());
  }
  abstract toString(): string;
}

class Create extends Cmd {
  constructor(readonly values: Vec) {
    super();
  }
  apply(m: Model, r: Real): void {
    r.handles.push(ag.tensor(this.values, f64));
    newHandle(m, newBuffer(m, this.values), 'user');
  }
  toString(): string {
    return `create(${JSON.stringify(this.values)})`;
  }
}

class Op extends Cmd {
  constructor(readonly a: number, readonly b: number, readonly kind: 'add' | 'double' | 'neg') {
    super();
  }
  apply(m: Model, r: Real): void {
    const list = reachable(m);
    const a = pick(list, this.a);
    const b = pick(list, this.b);
    if (a === undefined || b === undefined) return;
    const call = () =>
      this.kind === 'add' ? ag.add(r.handles[a], r.handles[b]) : this.kind === 'double' ? ag.mul(r.handles[a], 2) : ag.neg(r.handles[a]);
    const dead = !m.handles[a].alive || (this.kind === 'add' && !m.handles[b].alive);
    if (dead) return refused(call, ag.DisposedError, this.toString());
    const va = valuesOf(m, a);
    const vb = valuesOf(m, b);
    const out = this.kind === 'add' ? va.map((x, i) => x + vb[i]) : this.kind === 'double' ? va.map((x) => 2 * x) : va.map((x) => -x);
    r.handles.push(call());
    newHandle(m, newBuffer(m, out), 'user');
  }
  toString(): string {
    return `${this.kind}(#${this.a}, #${this.b})`;
  }
}

class Alias extends Cmd {
  constructor(readonly a: number, readonly kind: 'reshape' | 'value' | 'detach' | 'Param') {
    super();
  }
  apply(m: Model, r: Real): void {
    const a = pick(reachable(m), this.a);
    if (a === undefined) return;
    const x = r.handles[a];
    const call = (): ag.Tensor =>
      this.kind === 'reshape' ? ag.reshape(x, [3]) : this.kind === 'value' ? ag.value(x) : this.kind === 'detach' ? ag.detach(x) : ag.Param(x);
    if (!m.handles[a].alive) return refused(call, ag.DisposedError, this.toString());
    const y = call();
    const h = m.handles[a];
    if (this.kind === 'value' && !h.param && !h.recorded) {
      assert.is(y, x, 'value() of an untracked tensor is the tensor itself');
      return;
    }
    r.handles.push(y);
    newHandle(m, h.buffer, 'user', this.kind === 'Param');
  }
  toString(): string {
    return `${this.kind}(#${this.a})`;
  }
}

class Axpy extends Cmd {
  constructor(readonly y: number, readonly x: number) {
    super();
  }
  apply(m: Model, r: Real): void {
    const list = reachable(m);
    const y = pick(list, this.y);
    const x = pick(list, this.x);
    if (y === undefined || x === undefined) return;
    const call = () => ag.axpy(1, r.handles[x], r.handles[y]);
    if (!m.handles[x].alive || !m.handles[y].alive) return refused(call, ag.DisposedError, this.toString());
    call();
    const buf = m.buffers[m.handles[y].buffer];
    const add = valuesOf(m, x).slice();
    buf.values = buf.values.map((v, i) => v + add[i]);
    buf.version++;
  }
  toString(): string {
    return `axpy(1, #${this.x}, #${this.y})`;
  }
}

class Keep extends Cmd {
  constructor(readonly a: number) {
    super();
  }
  apply(m: Model, r: Real): void {
    const a = pick(reachable(m), this.a);
    if (a === undefined) return;
    if (!m.handles[a].alive) return refused(() => ag.keep(r.handles[a]), ag.DisposedError, this.toString());
    ag.keep(r.handles[a]);
    m.handles[a].owner = 'user';
  }
  toString(): string {
    return `keep(#${this.a})`;
  }
}

class Dispose extends Cmd {
  constructor(readonly a: number) {
    super();
  }
  apply(m: Model, r: Real): void {
    const a = pick(reachable(m), this.a);
    if (a === undefined) return;
    r.handles[a].dispose();
    m.handles[a].alive = false;
  }
  toString(): string {
    return `dispose(#${this.a})`;
  }
}

class Drop extends Cmd {
  constructor(readonly a: number, readonly tape: boolean) {
    super();
  }
  apply(m: Model): void {
    // The program forgets the reference; nothing is freed synchronously (the
    // collector only runs once the program yields).
    if (this.tape) {
      const t = pick(m.tapes.flatMap((t, i) => (t.reachable ? [i] : [])), this.a);
      if (t !== undefined) m.tapes[t].reachable = false;
    } else {
      const a = pick(reachable(m), this.a);
      if (a !== undefined) m.handles[a].reachable = false;
    }
  }
  toString(): string {
    return `drop(${this.tape ? 'tape' : 'handle'} #${this.a})`;
  }
}

/** t = diff(() => sum(mul(p, c))): y and s belong to the tape. */
function recordTape(m: Model, r: Real, p: number, c: number, owner: 'user' | 'inside'): number {
  const pt = r.handles[p];
  const ct = r.handles[c];
  let y!: ag.Tensor;
  let s!: ag.Tensor;
  const tape = ag.diff(() => (s = ag.sum((y = ag.mul(pt, ct)))));
  r.tapes.push(tape);
  r.handles.push(y, s);
  const index = m.tapes.length;
  const hp = m.handles[p];
  const hc = m.handles[c];
  const leaves = [...new Set([p, c].filter((h) => m.handles[h].param))];
  const recorded = leaves.length > 0;
  const pv = valuesOf(m, p).slice();
  const cv = valuesOf(m, c).slice();
  const yb = newBuffer(m, pv.map((v, i) => v * cv[i]));
  const sb = newBuffer(m, [pv.reduce((acc, v, i) => acc + v * cv[i], 0)]); // s is 0-d
  const yh = newHandle(m, yb, { tape: index });
  const sh = newHandle(m, sb, { tape: index });
  m.handles[sh].reachable = false; // 0-d: commands work on [3] vectors (it is still checked after each)
  if (recorded) {
    hp.recorded = hc.recorded = true;
    m.handles[yh].recorded = m.handles[sh].recorded = true;
  }
  m.tapes.push({
    alive: true, reachable: owner === 'user', p, c, y: yh, s: sh, recorded,
    versions: recorded ? [hp.buffer, hc.buffer, yb, sb].map((b) => [b, m.buffers[b].version] as [number, number]) : [],
    pValues: pv, cValues: cv, leaves, grads: null,
  });
  return index;
}

class Diff extends Cmd {
  constructor(readonly p: number, readonly c: number, readonly square: boolean) {
    super();
  }
  apply(m: Model, r: Real): void {
    const list = reachable(m);
    const p = pick(list, this.p);
    const c = this.square ? p : pick(list, this.c);
    if (p === undefined || c === undefined) return;
    if (!m.handles[p].alive || !m.handles[c].alive) {
      const before = r.tapes.length;
      refused(() => ag.diff(() => ag.sum(ag.mul(r.handles[p], r.handles[c]))), ag.DisposedError, this.toString());
      assert.is(r.tapes.length, before);
      return;
    }
    recordTape(m, r, p, c, 'user');
  }
  toString(): string {
    return `diff(sum(#${this.p} * #${this.square ? this.p : this.c}))`;
  }
}

/** grad(tape, h) in the model: null, 'disposed', 'version', or the handle index it returns. */
function modelGrad(m: Model, t: number, h: number): number | null | 'disposed' | 'version' {
  const tape = m.tapes[t];
  if (!tape.alive) return 'disposed';
  if (!tape.leaves.includes(h)) return null;
  if (tape.grads === null) {
    const g = gradients(m, tape);
    if (g === 'version') return 'version';
    tape.grads = new Map();
    for (const [leaf, values] of g) tape.grads.set(leaf, newHandle(m, newBuffer(m, values), { tape: t }));
    for (const gh of tape.grads.values()) m.handles[gh].reachable = false;
  }
  const cached = tape.grads.get(h)!;
  const ch = m.handles[cached];
  if (ch.alive && typeof ch.owner === 'object' && ch.owner.tape === t) return cached;
  // taken (keep) or freed: the tape gives itself a new handle on the same numbers
  const fresh = newHandle(m, ch.buffer, { tape: t });
  m.handles[fresh].reachable = false;
  tape.grads.set(h, fresh);
  return fresh;
}

class Grad extends Cmd {
  constructor(readonly t: number, readonly h: number) {
    super();
  }
  apply(m: Model, r: Real): void {
    const t = pick(m.tapes.flatMap((x, i) => (x.reachable ? [i] : [])), this.t);
    const h = pick(reachable(m), this.h);
    if (t === undefined || h === undefined) return;
    const tape = m.tapes[t];
    if (h === tape.y || h === tape.s) return; // gradients of intermediates: not modelled
    const expected = modelGrad(m, t, h);
    const call = () => ag.grad(r.tapes[t], r.handles[h]);
    if (expected === 'disposed') return refused(call, ag.DisposedError, this.toString());
    if (expected === 'version') return refused(call, ag.AutogradError, this.toString());
    const g = call();
    if (expected === null) {
      assert.is(g, null, `${this.toString()}: a handle that played no part has no gradient`);
      return;
    }
    // the same handle as before, or a new one the harness must now know
    const known = r.handles.indexOf(g!);
    if (known >= 0) assert.is(known, expected, `${this.toString()}: returned another tape's or an old handle`);
    else {
      while (r.handles.length < m.handles.length) r.handles.push(null as unknown as ag.Tensor);
      r.handles[expected] = g!;
    }
    m.handles[expected].reachable = true;
    fillHidden(m, r);
  }
  toString(): string {
    return `grad(tape #${this.t}, #${this.h})`;
  }
}

/** Handles the model created without the program seeing them (other leaves' gradients) are found through their tapes. */
function fillHidden(m: Model, r: Real): void {
  while (r.handles.length < m.handles.length) r.handles.push(null as unknown as ag.Tensor);
  m.tapes.forEach((t, ti) => {
    if (t.grads === null) return;
    for (const [leaf, gh] of t.grads) {
      if (r.handles[gh] !== null) continue;
      const g = ag.grad(r.tapes[ti], r.handles[leaf]);
      assert.ok(g !== null, 'a cached gradient is there');
      r.handles[gh] = g!;
    }
  });
}

class Step extends Cmd {
  constructor(readonly t: number, readonly twice: boolean) {
    super();
  }
  apply(m: Model, r: Real): void {
    const t = pick(m.tapes.flatMap((x, i) => (x.reachable ? [i] : [])), this.t);
    if (t === undefined) return;
    const tape = m.tapes[t];
    // alive Params the program holds; listing one twice must update it once
    const params = reachable(m).filter((h) => m.handles[h].param && m.handles[h].alive);
    if (params.length === 0) return;
    const list = this.twice ? [...params, params[0]] : params;
    const opt = ag.sgd({ lr: 1 });
    const call = () => opt.step(r.tapes[t], list.map((h) => r.handles[h]));
    try {
      if (!tape.alive) return refused(call, ag.DisposedError, this.toString());
      const onTape = params.filter((h) => tape.leaves.includes(h));
      // gradients already computed are the tape's answer, whatever was written since
      if (onTape.length > 0 && tape.grads === null && gradients(m, tape) === 'version') return refused(call, ag.AutogradError, this.toString());
      const grads = onTape.map((h) => modelGrad(m, t, h) as number);
      const values = grads.map((g) => valuesOf(m, g).slice());
      call();
      onTape.forEach((h, i) => {
        const buf = m.buffers[m.handles[h].buffer];
        buf.values = buf.values.map((v, k) => v - values[i][k]);
        buf.version++;
      });
      fillHidden(m, r);
    } finally {
      opt.dispose();
    }
  }
  toString(): string {
    return `sgd.step(tape #${this.t}${this.twice ? ', a Param listed twice' : ''})`;
  }
}

class DisposeTape extends Cmd {
  constructor(readonly t: number) {
    super();
  }
  apply(m: Model, r: Real): void {
    const t = pick(m.tapes.flatMap((x, i) => (x.reachable ? [i] : [])), this.t);
    if (t === undefined) return;
    r.tapes[t].dispose();
    disposeTapeModel(m, t);
  }
  toString(): string {
    return `tape #${this.t}.dispose()`;
  }
}

type Returned = 'a' | '[b]' | '{g}' | 'result' | 'tape' | 'none';

/**
 * tidy(() => { a = add(x, y); b = 2a; [t = diff(sum(p * a)); g = grad(t, p)]; [keep(b)]; return ... }):
 * what it returns and what it kept survive, the rest is freed.
 */
class Tidy extends Cmd {
  constructor(readonly x: number, readonly y: number, readonly p: number, readonly withDiff: boolean, readonly keepB: boolean, readonly returns: Returned) {
    super();
  }
  apply(m: Model, r: Real): void {
    const list = reachable(m);
    const x = pick(list, this.x);
    const y = pick(list, this.y);
    if (x === undefined || y === undefined) return;
    const params = list.filter((h) => m.handles[h].param);
    const p = this.withDiff ? pick(params, this.p) : undefined;
    const returns: Returned = p === undefined && (this.returns === '{g}' || this.returns === 'result' || this.returns === 'tape') ? 'a' : this.returns;
    if (!m.handles[x].alive || !m.handles[y].alive || (p !== undefined && !m.handles[p].alive)) {
      const before = ag.memory();
      refused(() => ag.tidy(() => {
        const a = ag.add(r.handles[x], r.handles[y]);
        ag.mul(a, 2);
        if (p !== undefined) ag.grad(ag.diff(() => ag.sum(ag.mul(r.handles[p], a))), r.handles[p]);
      }), ag.DisposedError, this.toString());
      assert.equal([ag.memory().liveTensors, ag.memory().liveTapes], [before.liveTensors, before.liveTapes], 'a failed tidy frees what it made');
      return;
    }
    const start = m.handles.length;
    const created: number[] = [];
    let tapeIndex: number | null = null;
    let gIndex: number | null = null;
    const out = ag.tidy(() => {
      const a = ag.add(r.handles[x], r.handles[y]);
      const b = ag.mul(a, 2);
      r.handles.push(a, b);
      const va = valuesOf(m, x).map((v, i) => v + valuesOf(m, y)[i]);
      const ha = newHandle(m, newBuffer(m, va), 'user');
      const hb = newHandle(m, newBuffer(m, va.map((v) => 2 * v)), 'user');
      created.push(ha, hb);
      let g: ag.Tensor | null = null;
      if (p !== undefined) {
        tapeIndex = recordTape(m, r, p, ha, 'inside');
        gIndex = modelGrad(m, tapeIndex, p) as number;
        g = ag.grad(r.tapes[tapeIndex], r.handles[p]);
        while (r.handles.length < m.handles.length) r.handles.push(null as unknown as ag.Tensor);
        r.handles[gIndex] = g!;
        fillHidden(m, r);
      }
      if (this.keepB) ag.keep(b);
      switch (returns) {
        case 'a': return a;
        case '[b]': return [b];
        case '{g}': return { g };
        case 'result': return r.tapes[tapeIndex!].result;
        case 'tape': return r.tapes[tapeIndex!];
        default: return undefined;
      }
    });
    // The model of tidy's end: what is returned or kept survives (for the
    // user), a returned tape survives with what it owns; the rest is freed.
    const [ha, hb] = created;
    const survivors = new Set<number>();
    if (returns === 'a') survivors.add(ha);
    if (returns === '[b]' || this.keepB) survivors.add(hb);
    if (returns === '{g}') survivors.add(gIndex!);
    if (returns === 'result') survivors.add(m.tapes[tapeIndex!].s);
    for (const h of survivors) m.handles[h].owner = 'user';
    for (let h = start; h < m.handles.length; h++) {
      if (survivors.has(h)) continue;
      const owner = m.handles[h].owner;
      if (returns === 'tape' && typeof owner === 'object' && owner.tape === tapeIndex) continue;
      m.handles[h].alive = false;
    }
    if (tapeIndex !== null) {
      if (returns === 'tape') m.tapes[tapeIndex].reachable = true;
      else m.tapes[tapeIndex].alive = false;
    }
    if (returns === 'result') assert.is((out as ag.Tensor).item(), valuesOf(m, m.tapes[tapeIndex!].s)[0]);
  }
  toString(): string {
    return `tidy(add, double${this.withDiff ? ', diff+grad' : ''}${this.keepB ? ', keep' : ''}; return ${this.returns})`;
  }
}

const small = fc.integer({ min: -3, max: 3 });
const vec = fc.tuple(small, small, small);
const idx = fc.nat({ max: 1000 });

const commands = [
  vec.map((v) => new Create(v)),
  fc.tuple(idx, idx, fc.constantFrom('add', 'double', 'neg') as fc.Arbitrary<'add' | 'double' | 'neg'>).map(([a, b, k]) => new Op(a, b, k)),
  fc.tuple(idx, fc.constantFrom('reshape', 'value', 'detach', 'Param') as fc.Arbitrary<'reshape' | 'value' | 'detach' | 'Param'>).map(([a, k]) => new Alias(a, k)),
  fc.tuple(idx, idx).map(([y, x]) => new Axpy(y, x)),
  idx.map((a) => new Keep(a)),
  idx.map((a) => new Dispose(a)),
  fc.tuple(idx, fc.boolean()).map(([a, t]) => new Drop(a, t)),
  fc.tuple(idx, idx, fc.boolean()).map(([p, c, sq]) => new Diff(p, c, sq)),
  fc.tuple(idx, idx).map(([t, h]) => new Grad(t, h)),
  fc.tuple(idx, fc.boolean()).map(([t, twice]) => new Step(t, twice)),
  idx.map((t) => new DisposeTape(t)),
  fc.tuple(idx, idx, idx, fc.boolean(), fc.boolean(), fc.constantFrom<Returned>('a', '[b]', '{g}', 'result', 'tape', 'none'))
    .map(([x, y, p, d, k, ret]) => new Tidy(x, y, p, d, k, ret)),
];

test(`ownership follows the model over ${RUNS} random programs`, () => {
  const property = fc.property(fc.commands(commands, { maxCommands: 40, size: 'max' }), (cmds) => {
    const start = ag.memory();
    const real: Real = { handles: [], tapes: [], base: { liveTensors: start.liveTensors, liveTapes: start.liveTapes } };
    const model: Model = { handles: [], buffers: [], tapes: [] };
    // Every program starts from two Params and a plain tensor.
    const setup = () => {
      for (const [values, param] of [[[1, 2, 3], true], [[-1, 0, 2], true], [[2, 2, -1], false]] as [Vec, boolean][]) {
        real.handles.push(param ? ag.Param(values, f64) : ag.tensor(values, f64));
        newHandle(model, newBuffer(model, values), 'user', param);
      }
      return { model, real };
    };
    try {
      fc.modelRun(setup, cmds);
    } finally {
      for (const t of real.tapes) t.dispose();
      for (const h of real.handles) h?.dispose();
    }
    const end = ag.memory();
    assert.equal([end.liveTensors, end.liveTapes, end.bytesInUse], [start.liveTensors, start.liveTapes, start.bytesInUse], 'the program left memory behind');
  });
  const params: fc.Parameters<[Iterable<fc.Command<Model, Real>>]> = { seed: SEED, numRuns: RUNS };
  if (PATH !== undefined) params.path = PATH;
  const details = fc.check(property, params);
  if (details.failed) {
    const path = details.counterexamplePath ?? '';
    throw new Error(
      `the ownership model failed with FC_SEED=${SEED} (path ${path}); replay with:\n` +
        `    FC_SEED=${SEED} FC_PATH='${path}' npm test -- ownership-model\n` +
        fc.defaultReportMessage(details) +
        (details.errorInstance instanceof Error ? `\nError: ${details.errorInstance.message}` : ''),
    );
  }
});

test.run();
