// npm run bench: the workloads of issue 5 for this project (float32, and
// float64 rows), TF.js (wasm and cpu backends) and jax-js (wasm), in one
// process, on the same data. Each figure is the median of timed repetitions
// after a warm-up, with the min-max range; each peer's answer is checked
// against ours and a figure of a wrong answer is printed as VOID.
//
//   node --import tsx bench/run.ts [--quick] [--no-write] [--out file.json] [--only text]
//
// --quick: tiny sizes, 3 repetitions, no N = 1024 (a smoke run, for the test)
// --no-write: do not write bench/results/*.json
// --out: where to write the JSON (default bench/results/latest.json, or quick.json with --quick)
// --only: run only the rows whose id or label contains the text

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, arch, totalmem, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ag from '../src/index';
import { threadsReady } from '../src/wasm/pool';
import { ours, memoryLoop, type MemoryReport } from './ours';
import { hvpLoop, mnistStepLoop, readmeLoop, runFlat } from '../test/fixtures/loops';
import { tfjs, tfEnv, type TfEnv } from './tfjs';
import { jaxjs, jaxEnv } from './jax';
import { jaxSize, oursSize, pkgDir, tfjsSizes, type SizeResult } from './size';
import {
  NotAvailable, Rng, compareChecks, errorText, fmt, measure, measureDifference, renderTable,
  type Check, type Timing, type TimingOptions,
} from './util';
import {
  FULL, QUICK, chainData, hvpData, matmulData, mlpData, vecData,
  type Lib, type Prepared, type Sizes,
} from './workloads';
import { choleskyData, cnnData, mlp3Data, simulationData, tinyData } from './workloads';

// Ours runs on one thread in every row but those that say "N threads" (N: the
// threads ag uses by default here, one per core), which run ours on N threads
// and on one, alternately in each repetition: their ratio is the figure that
// holds on a shared machine. The peers run on one thread throughout (TF.js
// has no threads on Node, jax-js none without a global Worker).
const THREADS = ag.threads();
ag.setThreads(1);

// ---- options ----

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const write = !argv.includes('--no-write');
const optionValue = (name: string): string | null => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : null;
};
const only = optionValue('--only');
const outPath =
  optionValue('--out') ?? fileURLToPath(new URL(quick ? './results/quick.json' : './results/latest.json', import.meta.url));
const sizes: Sizes = quick ? QUICK : FULL;
/** a call slower than this gets the minimum number of repetitions */
const SLOW_MS = 250;
const MIN_REPS = quick ? 3 : 7;
const timing: TimingOptions = quick
  ? { reps: 3, warmupMs: 15, repMs: 4, slowMs: SLOW_MS, minReps: MIN_REPS }
  : { reps: 9, warmupMs: 300, repMs: 60, slowMs: SLOW_MS, minReps: MIN_REPS };
const RTOL = 1e-3;

const started = performance.now();
const log = (text: string) => process.stderr.write(`${text}\n`);

// ---- the libraries (columns) ----

type Col = 'ours' | 'tfWasm' | 'tfCpu' | 'jax' | 'jaxJit';
const PEERS: Col[] = ['tfWasm', 'tfCpu', 'jax', 'jaxJit'];
const COL_NAMES: Record<Col, string> = { ours: 'ours', tfWasm: 'TF.js wasm', tfCpu: 'TF.js cpu', jax: 'jax-js', jaxJit: 'jax-js jit' };

const ours32 = ours('float32');
const ours64 = ours('float64');
const libs: Record<Exclude<Col, 'jaxJit'>, Lib> = { ours: ours32, tfWasm: tfjs('wasm'), tfCpu: tfjs('cpu'), jax: jaxjs() };

// TF.js's cpu backend greets Node users once with advice to install tfjs-node; keep it off the table.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (args.some((a) => typeof a === 'string' && a.includes('tfjs-node'))) return;
  warn(...args);
};

// ---- rows ----

interface Cell {
  status: 'ok' | 'na' | 'fails' | 'void' | 'none';
  /** in the row's unit */
  value?: number;
  min?: number;
  max?: number;
  timing?: Timing;
  text?: string;
  note?: string;
  check?: Check;
}

interface Row {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower' | 'none';
  target: string;
  targetMet?: boolean | null;
  cells: Partial<Record<Col, Cell>>;
  ratio?: number | null;
  bestPeer?: Col | null;
  notes: string[];
  /** rows run on several threads: the count, ours on one thread (same unit), N vs 1 (>1: faster), same answers */
  threads?: { count: number; single: number; ratio: number; identical: boolean };
}

interface Timed {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** ms per call -> the row's unit */
  convert: (ms: number) => number;
  target?: { text: string; met: (v: number) => boolean };
  make: (lib: Lib, jit: boolean) => Prepared | Promise<Prepared>;
  /** float64: ours only, checked against ours in float32 */
  f64?: boolean;
  /** peers that have no way to run this (cell shows n/a with the reason) */
  peersNa?: string;
  jit?: boolean;
}

const rng = new Rng(20240605);
const data = {
  matmul: new Map(sizes.matmul.concat(sizes.transposeA).map((n) => [n, matmulData(rng, n)])),
  add: vecData(rng, sizes.vector, -1, 1),
  exp: vecData(rng, sizes.vector, -10, 10),
  tanh: vecData(rng, sizes.vector, -5, 5),
  mlp: mlpData(rng, sizes.mlp),
  chain: chainData(rng, sizes.chain),
  hvp: hvpData(rng, sizes.hvp),
  cholesky: new Map(sizes.cholesky.map((n) => [n, choleskyData(rng, n)])),
  simulation: simulationData(sizes.simulationSteps),
};
// (made after the data above, so that each earlier workload keeps its numbers)
const TINY_STEPS = 100;
const data15 = {
  cnn: cnnData(rng, sizes.cnn),
  mlp3: mlp3Data(rng, sizes.mlpLarge),
  gelu: vecData(rng, sizes.vector, -5, 5),
  erf: vecData(rng, sizes.vector, -3, 3),
  tiny: tinyData(rng, TINY_STEPS),
};

const M = (n: number) => (n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20}M` : n >= 1024 && n % 1024 === 0 ? `${n >> 10}K` : String(n));
const gflops = (n: number) => (ms: number) => (2 * n ** 3) / (ms * 1e6);
const melems = (n: number) => (ms: number) => n / (ms * 1e3);
const identity = (ms: number) => ms;
const chainOps = 3 * sizes.chain;
const perOpUs = (ms: number) => (ms * 1000) / chainOps;
const atLeast = (x: number) => ({ text: `>= ${fmt(x)}`, met: (v: number) => v >= x });
const atMost = (x: number) => ({ text: `<= ${fmt(x)}`, met: (v: number) => v <= x });
const mlpShape = `${sizes.mlp.nin}-${sizes.mlp.nh}-${sizes.mlp.nout} batch ${sizes.mlp.batch}`;

function timedRows(f64: boolean): Timed[] {
  const tag = f64 ? ' [f64]' : '';
  const pre = f64 ? 'f64-' : '';
  const rows: Timed[] = [];
  for (const n of sizes.matmul) {
    rows.push({
      id: `${pre}matmul-${n}`,
      label: `matmul N=${n}, GFLOP/s${tag}`,
      unit: 'GFLOP/s',
      better: 'higher',
      convert: gflops(n),
      target: f64 ? undefined : atLeast(n >= 256 ? 50 : 30),
      make: (lib) => lib.matmul(data.matmul.get(n)!, false),
      f64,
    });
  }
  const nt = sizes.transposeA;
  rows.push({
    id: `${pre}matmul-${nt}-tA`,
    label: `matmul N=${nt} transposeA (Aᵀ B), GFLOP/s${tag}`,
    unit: 'GFLOP/s',
    better: 'higher',
    convert: gflops(nt),
    target: f64 ? undefined : atLeast(50),
    make: (lib) => lib.matmul(data.matmul.get(nt)!, true),
    f64,
  });
  const v = M(sizes.vector);
  rows.push(
    { id: `${pre}add`, label: `add ${v}, Melem/s${tag}`, unit: 'Melem/s', better: 'higher', convert: melems(sizes.vector), target: f64 ? undefined : atLeast(8500), make: (lib) => lib.add(data.add), f64 },
    { id: `${pre}exp`, label: `exp ${v}, Melem/s${tag}`, unit: 'Melem/s', better: 'higher', convert: melems(sizes.vector), target: f64 ? undefined : atLeast(1500), make: (lib) => lib.unary('exp', data.exp), f64 },
    { id: `${pre}tanh`, label: `tanh ${v}, Melem/s${tag}`, unit: 'Melem/s', better: 'higher', convert: melems(sizes.vector), target: f64 ? undefined : atLeast(1000), make: (lib) => lib.unary('tanh', data.tanh), f64 },
    {
      id: `${pre}mlp`,
      label: `MLP step ${mlpShape}, fwd+bwd, ms${tag}`,
      unit: 'ms',
      better: 'lower',
      convert: identity,
      target: f64 ? undefined : atMost(2.5),
      make: (lib, jit) => lib.mlp(data.mlp, 'crossEntropy', jit),
      f64,
      jit: !f64,
    },
  );
  if (!f64) {
    rows.push({
      id: 'mlp-composed',
      label: `  same, loss composed: mean(logsumexp(z) - Σ z·onehot), ms`,
      unit: 'ms',
      better: 'lower',
      convert: identity,
      target: atMost(2.5),
      make: (lib, jit) => lib.mlp(data.mlp, 'composed', jit),
      jit: true,
    });
  }
  rows.push({
    id: `${pre}chain`,
    label: `${sizes.chain} x tanh(x*w + b) scalars, fwd+bwd, µs per fwd op${tag}`,
    unit: 'µs/op',
    better: 'lower',
    convert: perOpUs,
    target: f64 ? undefined : atMost(0.5),
    make: (lib, jit) => lib.chain(data.chain, 'grad', jit),
    f64,
    jit: !f64,
  });
  if (!f64) {
    rows.push(
      {
        id: 'chain-forward',
        label: '  same, forward only, no tape, µs per op',
        unit: 'µs/op',
        better: 'lower',
        convert: perOpUs,
        make: (lib, jit) => lib.chain(data.chain, 'forward', jit),
        jit: true,
      },
      {
        id: 'chain-taped',
        label: '  same, forward under diff (recording), µs per op',
        unit: 'µs/op',
        better: 'lower',
        convert: perOpUs,
        make: (lib) => lib.chain(data.chain, 'taped-forward'),
      },
    );
  }
  rows.push({
    id: `${pre}hvp`,
    label: `Hessian-vector product sum(tanh(W x)), W ${sizes.hvp}x${sizes.hvp}, ms${tag}`,
    unit: 'ms',
    better: 'lower',
    convert: identity,
    target: f64 ? undefined : atMost(0.1),
    make: (lib, jit) => lib.hvp(data.hvp, jit),
    f64,
    jit: !f64,
  });
  if (!f64) rows.push(...factorizationRows());
  return rows;
}

/** Issue 13: Cholesky + triangular solves, and a Jacobian by columns and by rows. */
function factorizationRows(): Timed[] {
  const rows: Timed[] = [];
  const missing = (what: string) => {
    throw new NotAvailable(`no ${what}`);
  };
  for (const n of sizes.cholesky) {
    rows.push({
      id: `cholesky-solve-${n}`,
      label: `cholesky + 2 triangular solves, A x = b, SPD N=${n}, ms`,
      unit: 'ms',
      better: 'lower',
      convert: identity,
      make: (lib, jit) => lib.choleskySolve?.(data.cholesky.get(n)!, jit) ?? missing('Cholesky'),
      jit: true,
    });
  }
  const steps = sizes.simulationSteps;
  for (const mode of ['fwd', 'rev'] as const) {
    rows.push({
      id: `jacobian-${mode}`,
      label: `Jacobian [${steps}, 2] of a 2-input ${steps}-step simulation, ${mode === 'fwd' ? 'forward mode (jacfwd)' : 'reverse mode (jacrev)'}, ms`,
      unit: 'ms',
      better: 'lower',
      convert: identity,
      make: (lib, jit) => lib.simulationJacobian?.(data.simulation, mode, jit) ?? missing('Jacobian transform'),
      jit: true,
    });
  }
  return rows;
}

// ---- issue 15: the CNN step, the larger MLP, tiny ops, gelu and erf, and threads ----

const cnnShape = `conv ${1}→${sizes.cnn.c1} 3x3, relu, maxpool 2, conv ${sizes.cnn.c1}→${sizes.cnn.c2} 3x3, relu, maxpool 2, linear, batch ${sizes.cnn.batch}`;
const mlp3Shape = `${sizes.mlpLarge.nin}-${sizes.mlpLarge.nh}-${sizes.mlpLarge.nh2}-${sizes.mlpLarge.nout} batch ${sizes.mlpLarge.batch}`;
const perTinyOp = (ms: number) => (ms * 1000) / TINY_STEPS;

/** Workloads of issue 15 run like the rows above: ours on one thread, beside the peers. */
function issue15Rows(): Timed[] {
  const need = <K extends 'cnn' | 'mlp3' | 'tiny'>(lib: Lib, k: K): NonNullable<Lib[K]> => {
    const f = lib[k];
    if (f === undefined) throw new NotAvailable(`no ${k} workload`);
    return f.bind(lib) as NonNullable<Lib[K]>;
  };
  const v = M(sizes.vector);
  return [
    { id: 'gelu', label: `gelu (exact, erf-based) ${v}, Melem/s`, unit: 'Melem/s', better: 'higher', convert: melems(sizes.vector), target: atLeast(500), make: (lib) => lib.unary('gelu', data15.gelu) },
    { id: 'erf', label: `erf ${v}, Melem/s`, unit: 'Melem/s', better: 'higher', convert: melems(sizes.vector), target: atLeast(500), make: (lib) => lib.unary('erf', data15.erf) },
    { id: 'cnn', label: `CNN step ${cnnShape}, fwd+bwd, ms`, unit: 'ms', better: 'lower', convert: identity, target: atMost(12), make: (lib) => need(lib, 'cnn')(data15.cnn) },
    { id: 'mlp-large', label: `MLP step ${mlp3Shape}, fwd+bwd, ms`, unit: 'ms', better: 'lower', convert: identity, make: (lib) => need(lib, 'mlp3')(data15.mlp3) },
    {
      id: 'tiny-forward', label: `tiny op: ${TINY_STEPS} adds of two [4] tensors in a scope, µs per op`, unit: 'µs/op', better: 'lower',
      convert: perTinyOp, target: atMost(0.1), make: (lib) => need(lib, 'tiny')(data15.tiny, 'forward'),
    },
    {
      id: 'tiny-grad', label: '  same, recorded, then the gradient, µs per op', unit: 'µs/op', better: 'lower',
      convert: perTinyOp, target: atMost(0.25), make: (lib) => need(lib, 'tiny')(data15.tiny, 'grad'),
    },
  ];
}

/** A workload of ours measured on THREADS threads and on one, alternately. */
interface Threaded {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  convert: (ms: number) => number;
  target: { text: string; met: (v: number) => boolean };
  make: (lib: Lib) => Prepared | Promise<Prepared>;
}

function threadedRows(): Threaded[] {
  const n = sizes.matmul.includes(512) ? 512 : sizes.matmul[sizes.matmul.length - 1];
  const t = `${THREADS} threads`;
  return [
    { id: `matmul-${n}-threads`, label: `matmul N=${n}, ${t}, GFLOP/s`, unit: 'GFLOP/s', better: 'higher', convert: gflops(n), target: atLeast(85), make: (lib) => lib.matmul(data.matmul.get(n)!, false) },
    { id: 'mlp-threads', label: `MLP step ${mlpShape}, ${t}, ms`, unit: 'ms', better: 'lower', convert: identity, target: atMost(1.3), make: (lib) => lib.mlp(data.mlp, 'crossEntropy') },
    { id: 'mlp-large-threads', label: `MLP step ${mlp3Shape}, ${t}, ms`, unit: 'ms', better: 'lower', convert: identity, target: atMost(32), make: (lib) => lib.mlp3!(data15.mlp3) },
    { id: 'cnn-threads', label: `CNN step, ${t}, ms`, unit: 'ms', better: 'lower', convert: identity, target: atMost(8), make: (lib) => lib.cnn!(data15.cnn) },
  ];
}

/**
 * Times `run` on each thread count in `counts`, alternately within every
 * repetition (the order alternating too), so that a change in the machine's
 * load hits all alike.
 */
async function measureThreads(run: () => void | Promise<void>, counts: number[]): Promise<Timing[]> {
  const w0 = performance.now();
  let fastest = Infinity;
  do {
    for (const c of counts) {
      ag.setThreads(c);
      await threadsReady();
      const t0 = performance.now();
      await run();
      fastest = Math.min(fastest, performance.now() - t0);
    }
  } while (performance.now() - w0 < timing.warmupMs * 2);
  const inner = Math.max(1, Math.min(100000, Math.ceil(timing.repMs / Math.max(fastest, 1e-4))));
  const samples: number[][] = counts.map(() => []);
  const reps = fastest > SLOW_MS ? MIN_REPS : timing.reps;
  for (let r = 0; r < reps; r++) {
    const order = r % 2 === 0 ? counts.map((_, i) => i) : counts.map((_, i) => counts.length - 1 - i);
    for (const i of order) {
      ag.setThreads(counts[i]);
      const start = performance.now();
      for (let k = 0; k < inner; k++) await run();
      samples[i].push((performance.now() - start) / inner);
    }
  }
  ag.setThreads(1);
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    const mid = s.length >> 1;
    return { median: s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1], reps: s.length, inner };
  });
}

async function runThreaded(def: Threaded): Promise<Row> {
  const row: Row = {
    id: def.id, label: def.label, unit: def.unit, better: def.better, target: def.target.text, cells: {}, notes: [],
    ratio: null,
  };
  for (const col of PEERS) row.cells[col] = { status: 'none', text: '—' };
  log(`${def.label} ...`);
  if (THREADS < 2) {
    row.cells.ours = { status: 'na', text: 'n/a: one thread here' };
    row.targetMet = null;
    return row;
  }
  let p: Prepared | null = null;
  try {
    p = await prepare(ours32, def.make, false);
    ag.setThreads(1);
    const one = await p.check();
    ag.setThreads(THREADS);
    await threadsReady();
    const many = await p.check();
    const [t1, tn] = await measureThreads(p.run, [1, THREADS]);
    const value = def.convert(tn.median);
    const [a, b] = [def.convert(tn.min), def.convert(tn.max)];
    row.cells.ours = { status: 'ok', value, min: Math.min(a, b), max: Math.max(a, b), timing: tn, check: many };
    const single = def.convert(t1.median);
    row.threads = { count: THREADS, single, ratio: def.better === 'higher' ? value / single : single / value, identical: one.values.every((x, i) => Object.is(x, many.values[i])) };
    row.targetMet = def.target.met(value);
    row.notes.push(
      `${def.id}: ours on ${THREADS} threads ${fmt(value)} and on one ${fmt(single)} ${def.unit}, alternating in each of ${tn.reps} repetitions: ` +
        `${row.threads.ratio.toFixed(2)}x; answers ${row.threads.identical ? 'bit-identical' : 'DIFFERENT'} on 1 and ${THREADS} threads`,
    );
  } catch (error) {
    row.cells.ours = { status: 'fails', text: `fails: ${errorText(error)}` };
    row.targetMet = null;
  } finally {
    ag.setThreads(1);
    p?.dispose();
  }
  return row;
}

// ---- running ----

let activeLib: Lib | null = null;

async function prepare(lib: Lib, make: Timed['make'], jit: boolean): Promise<Prepared> {
  if (lib !== activeLib && lib.activate) await lib.activate();
  activeLib = lib;
  return make(lib, jit);
}

async function runCell(lib: Lib, def: Timed, jit: boolean): Promise<Cell> {
  let p: Prepared | null = null;
  try {
    p = await prepare(lib, def.make, jit);
    const check = await p.check();
    const t = await measure(p.run, timing);
    const value = def.convert(t.median);
    const [a, b] = [def.convert(t.min), def.convert(t.max)];
    return { status: 'ok', value, min: Math.min(a, b), max: Math.max(a, b), timing: t, check, note: p.note };
  } catch (error) {
    if (error instanceof NotAvailable) return { status: 'na', text: `n/a: ${error.message}` };
    return { status: 'fails', text: `fails: ${errorText(error)}` };
  } finally {
    if (p !== null) {
      try {
        p.dispose();
      } catch (error) {
        log(`  (${lib.name}: dispose threw ${errorText(error)})`);
      }
    }
  }
}

/** ours in float32, checked only: the reference of a float64 row */
async function referenceCheck(def: Timed): Promise<Check | null> {
  try {
    const p = await prepare(ours32, def.make, false);
    try {
      return await p.check();
    } finally {
      p.dispose();
    }
  } catch {
    return null;
  }
}

function verify(row: Row, reference: Check | null, referenceName: string): void {
  for (const col of Object.keys(row.cells) as Col[]) {
    const cell = row.cells[col]!;
    if (cell.status !== 'ok' || cell.check === undefined || reference === null || cell.check === reference) continue;
    const diff = compareChecks(reference, cell.check, RTOL);
    if (diff !== null) {
      cell.status = 'void';
      cell.text = `VOID ${fmt(cell.value!)}: ${diff.replace(/^[^:]*: /, '')}`;
      row.notes.push(`${row.id}, VOID: ${COL_NAMES[col]} computed a different answer than ${referenceName}: ${diff.replace('ours', referenceName)}`);
    }
  }
}

function rank(row: Row, better: 'higher' | 'lower'): void {
  const o = row.cells.ours;
  let best: Col | null = null;
  for (const col of PEERS) {
    const c = row.cells[col];
    if (c === undefined || c.status !== 'ok') continue;
    if (best === null || (better === 'higher' ? c.value! > row.cells[best]!.value! : c.value! < row.cells[best]!.value!)) best = col;
  }
  row.bestPeer = best;
  if (o === undefined || o.status !== 'ok' || best === null) {
    row.ratio = null;
    return;
  }
  const p = row.cells[best]!.value!;
  row.ratio = better === 'higher' ? o.value! / p : p / o.value!;
}

async function runTimed(def: Timed): Promise<Row> {
  const row: Row = { id: def.id, label: def.label, unit: def.unit, better: def.better, target: def.target?.text ?? '—', cells: {}, notes: [] };
  log(`${def.label} ...${process.env.BENCH_DEBUG ? ` (ours live tensors: ${ag.memory().liveTensors})` : ''}`);
  if (def.f64) {
    row.cells.ours = await runCell(ours64, def, false);
    for (const col of PEERS) row.cells[col] = { status: 'none', text: '—' };
    verify(row, await referenceCheck(def), 'ours float32');
  } else {
    row.cells.ours = await runCell(libs.ours, def, false);
    row.cells.tfWasm = await runCell(libs.tfWasm, def, false);
    row.cells.tfCpu = await runCell(libs.tfCpu, def, false);
    row.cells.jax = await runCell(libs.jax, def, false);
    if (def.jit) row.cells.jaxJit = await runCell(libs.jax, def, true);
    // the reference is ours; if ours could not run, the first peer that did
    let ref: Check | null = null;
    let refName = 'ours';
    if (row.cells.ours.status === 'ok') ref = row.cells.ours.check ?? null;
    else {
      for (const col of PEERS) {
        const c = row.cells[col];
        if (c?.status === 'ok' && c.check) {
          ref = c.check;
          refName = COL_NAMES[col];
          break;
        }
      }
    }
    verify(row, ref, refName);
  }
  for (const col of Object.keys(row.cells) as Col[]) {
    const c = row.cells[col]!;
    if ((c.status === 'fails' || c.status === 'na') && c.text !== undefined && c.text.length > CELL_MAX) {
      row.notes.push(`${def.id}, ${COL_NAMES[col]}: ${c.text}`);
    }
  }
  const o = row.cells.ours;
  row.targetMet = def.target !== undefined && o.status === 'ok' ? def.target.met(o.value!) : null;
  rank(row, def.better);
  const notes = (Object.keys(row.cells) as Col[]).filter((c) => row.cells[c]!.note).map((c) => `${COL_NAMES[c]}: ${row.cells[c]!.note}`);
  if (def.id === 'mlp' && notes.length > 0) row.notes.push(`cross-entropy used: ${notes.join('; ')}`);
  if (def.id === 'hvp' && row.cells.jax?.note) row.notes.push(`ours: grad of (grad(f)(x)·v) (reverse over reverse); jax-js: ${row.cells.jax.note} (forward over reverse)`);
  return row;
}

async function tapeOverheadRow(): Promise<Row> {
  const row: Row = {
    id: 'tape-overhead',
    label: '  tape overhead, µs per recorded op (taped − untaped forward)',
    unit: 'µs/op',
    better: 'lower',
    target: '< 1 (sub-µs)',
    cells: { tfWasm: { status: 'none', text: '—' }, tfCpu: { status: 'none', text: '—' }, jax: { status: 'none', text: '—' } },
    notes: [],
    ratio: null,
  };
  log(`${row.label.trim()} ...`);
  let plain: Prepared | null = null;
  let taped: Prepared | null = null;
  try {
    plain = await prepare(ours32, (lib) => lib.chain(data.chain, 'forward'), false);
    taped = await prepare(ours32, (lib) => lib.chain(data.chain, 'taped-forward'), false);
    const t = measureDifference(plain.run as () => void, taped.run as () => void, timing);
    row.cells.ours = { status: 'ok', value: perOpUs(t.median), min: perOpUs(t.min), max: perOpUs(t.max), timing: t };
    row.targetMet = row.cells.ours.value! < 1;
    row.notes.push(
      'tape overhead: the chain forward with and without diff, timed alternately in each repetition; median of the per-repetition differences over 3 ops per step',
    );
  } catch (error) {
    row.cells.ours = { status: 'fails', text: `fails: ${errorText(error)}` };
    row.targetMet = null;
  } finally {
    plain?.dispose();
    taped?.dispose();
  }
  return row;
}

// ---- sparse gradients: an embedding step, dense vs sparse ----

/**
 * One training step of an embedding table (issue 14): forward, backward,
 * optimizer. `sparse` takes the gradient as the tape keeps it (the rows
 * picked) and updates only those rows; otherwise the gradient is made dense
 * (zeros of the table's size, the rows added in) and every row is updated,
 * as before sparse gradients.
 */
function embeddingStep(v: number, d: number, batch: number, optimizer: 'sgd' | 'adam', sparse: boolean): { run: () => void; dispose: () => void; check: () => number } {
  const r = new Rng(20241014);
  const table = ag.Param(r.normal(v * d, 0.1), { shape: [v, d] });
  const ids = ag.tensor(Int32Array.from({ length: batch }, () => Math.floor(r.next() * v)));
  const w = ag.tensor(r.normal(batch * d), { shape: [batch, d] });
  const opt = optimizer === 'sgd' ? ag.sgd({ lr: 0.01 }) : ag.adam({ lr: 0.001 });
  let last = 0;
  const run = () =>
    ag.tidy(() => {
      const tape = ag.diff(() => ag.sum(ag.mul(ag.embedding(table, ids), w)));
      if (sparse) opt.step(tape, [table]);
      else opt.step([ag.grad(tape, table)], [table]);
      last = tape.value;
      tape.dispose();
    });
  return { run, dispose: () => [table, ids, w, opt].forEach((t) => t.dispose()), check: () => last };
}

/** Dense and sparse steps timed alternately in each repetition (the same process, the same load), one row each. */
function embeddingRows(): Row[] {
  const v = quick ? 5_000 : 50_000;
  const d = quick ? 16 : 128;
  const batch = quick ? 64 : 512;
  const rows: Row[] = [];
  for (const optimizer of ['sgd', 'adam'] as const) {
    const label = `embedding ${v.toLocaleString('en-US')}x${d}, ${batch} ids, ${optimizer === 'sgd' ? 'SGD' : 'Adam'} step`;
    log(`${label} ...`);
    const dense = embeddingStep(v, d, batch, optimizer, false);
    const sparse = embeddingStep(v, d, batch, optimizer, true);
    const none = (): Partial<Record<Col, Cell>> => ({ tfWasm: { status: 'none', text: '—' }, tfCpu: { status: 'none', text: '—' }, jax: { status: 'none', text: '—' } });
    const denseRow: Row = { id: `embedding-${optimizer}-dense`, label: `${label}, dense gradient, ms`, unit: 'ms', better: 'lower', target: '—', cells: none(), notes: [], ratio: null };
    const sparseRow: Row = { id: `embedding-${optimizer}-sparse`, label: '  same, sparse gradient (rows picked), ms', unit: 'ms', better: 'lower', target: '—', cells: none(), notes: [], ratio: null };
    try {
      for (let i = 0; i < 3; i++) {
        dense.run();
        sparse.run();
      }
      const reps = timing.reps;
      const times: [number[], number[]] = [[], []];
      for (let rep = 0; rep < reps; rep++) {
        const order: [() => void, number][] = rep % 2 === 0 ? [[dense.run, 0], [sparse.run, 1]] : [[sparse.run, 1], [dense.run, 0]];
        for (const [fn, k] of order) {
          const t0 = performance.now();
          fn();
          times[k].push(performance.now() - t0);
        }
      }
      const timingOf = (xs: number[]): Timing => {
        const sorted = xs.slice().sort((a, b) => a - b);
        return { median: sorted[sorted.length >> 1], min: sorted[0], max: sorted[sorted.length - 1], reps: xs.length, inner: 1 };
      };
      for (const [row, k] of [[denseRow, 0], [sparseRow, 1]] as const) {
        const t = timingOf(times[k]);
        row.cells.ours = { status: 'ok', value: t.median, min: t.min, max: t.max, timing: t };
      }
      const ratio = denseRow.cells.ours!.value! / sparseRow.cells.ours!.value!;
      sparseRow.notes.push(
        `${sparseRow.id}: ${ratio.toFixed(1)}x faster than the dense step (timed alternately, ${reps} repetitions each); ` +
          `dense: the gradient made dense (${v}x${d} zeros, rows added in) and every row updated; sparse: the tape's rows and indices, ` +
          `only the rows picked updated${optimizer === 'adam' ? ' (lazy moments, as PyTorch\'s SparseAdam)' : ''}; ` +
          `loss after the timed steps: dense ${fmt(dense.check())}, sparse ${fmt(sparse.check())}`,
      );
    } catch (error) {
      denseRow.cells.ours = { status: 'fails', text: `fails: ${errorText(error)}` };
      sparseRow.cells.ours = { status: 'fails', text: `fails: ${errorText(error)}` };
    } finally {
      dense.dispose();
      sparse.dispose();
    }
    rows.push(denseRow, sparseRow);
  }
  return rows;
}

function sizeRow(o: SizeResult, tf: { wasm: SizeResult; cpu: SizeResult }, jax: SizeResult): Row {
  const cell = (s: SizeResult): Cell =>
    s.kb === null ? { status: 'na', text: `n/a: ${s.note}` } : { status: 'ok', value: s.kb, min: s.kb, max: s.kb, note: s.note };
  const row: Row = {
    id: 'bundle',
    label: 'gzipped bundle incl. wasm, KB',
    unit: 'KB',
    better: 'lower',
    target: '<= 50',
    cells: { ours: cell(o), tfWasm: cell(tf.wasm), tfCpu: cell(tf.cpu), jax: cell(jax) },
    notes: [],
  };
  row.targetMet = o.kb === null ? null : o.kb <= 50;
  rank(row, 'lower');
  row.notes.push(`ours: dist/autograd.min.js, gzip -9, the wasm kernels embedded${o.note ? ` (${o.note})` : ''}`);
  row.notes.push(`TF.js wasm: ${tf.wasm.note}; tf-core only instead of tf.min.js: ${fmt(tf.wasm.alternatives!['tf-core.min.js + wasm backend + simd.wasm'])} KB`);
  row.notes.push(`TF.js cpu: ${tf.cpu.note}; tf-core + cpu backend only: ${fmt(tf.cpu.alternatives!['tf-core.min.js + tf-backend-cpu.min.js'])} KB`);
  row.notes.push(`jax-js: ${jax.note}`);
  return row;
}

function memoryRow(r: MemoryReport | null, error: string | null): Row {
  const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
  const row: Row = {
    id: 'memory',
    label: `memory: MLP loop ${sizes.memorySteps} steps, one tidy per step`,
    unit: 'bytes',
    better: 'none',
    target: 'flat after step 1',
    cells: { tfWasm: { status: 'none', text: '—' }, tfCpu: { status: 'none', text: '—' }, jax: { status: 'none', text: '—' } },
    notes: [],
    ratio: null,
  };
  if (r === null) {
    row.cells.ours = { status: 'fails', text: `fails: ${error}` };
    row.targetMet = null;
    return row;
  }
  row.cells.ours = {
    status: 'ok',
    value: r.peakBytes,
    text: `peak ${mb(r.peakBytes)}, ${r.flat ? 'flat' : `NOT flat (drifts at step ${r.firstDrift})`}`,
  };
  row.targetMet = r.flat;
  row.notes.push(
    `memory: after step 1 ${r.liveAfterFirst} live tensors / ${mb(r.bytesAfterFirst)}; after step ${r.steps} ${r.liveAtEnd} / ${mb(r.bytesAtEnd)}; ` +
      `wasm memory ${mb(r.wasmBytesStart)} -> ${mb(r.wasmBytesEnd)}; loss ${r.loss === 'crossEntropy' ? 'ag.crossEntropy' : 'composed (ag.crossEntropy missing)'}; SGD update with ag.axpy`,
  );
  return row;
}

// ---- output ----

const CELL_MAX = 44;

function cellText(row: Row, col: Col): string {
  const c = row.cells[col];
  if (c === undefined) return '—';
  if (c.status !== 'ok') {
    const text = c.text ?? c.status;
    return text.length > CELL_MAX ? `${text.slice(0, CELL_MAX - 1)}…` : text;
  }
  if (c.text !== undefined) return c.text;
  if (c.min === undefined || c.max === undefined || c.min === c.max) return fmt(c.value!);
  return `${fmt(c.value!)} (${fmt(c.min)}–${fmt(c.max)})`;
}

function tableRows(rows: Row[]): string[][] {
  return rows.map((row) => {
    let jax = cellText(row, 'jax');
    if (row.cells.jaxJit !== undefined && row.cells.jaxJit.status !== 'none') jax += `; jit ${cellText(row, 'jaxJit')}`;
    const target = row.target === '—' ? '—' : `${row.target} ${row.targetMet === true ? '✓' : row.targetMet === false ? '✗' : ''}`.trim();
    let ratio = '—';
    if (row.threads !== undefined) ratio = `${row.threads.ratio.toFixed(2)}x vs 1 thread (${fmt(row.threads.single)})`;
    else if (row.ratio != null && row.bestPeer) ratio = `${row.ratio >= 10 ? row.ratio.toFixed(0) : row.ratio.toFixed(2)}x vs ${COL_NAMES[row.bestPeer]}`;
    else if (row.cells.ours?.status === 'ok' && row.better !== 'none' && row.id !== 'tape-overhead' && !row.id.startsWith('f64-')) {
      const failing = PEERS.filter((c) => row.cells[c]?.status === 'fails');
      if (failing.length > 0) ratio = 'peers fail';
    }
    return [row.label, cellText(row, 'ours'), cellText(row, 'tfWasm'), cellText(row, 'tfCpu'), jax, target, ratio];
  });
}

export const HEADER = ['workload', 'ours', 'TF.js wasm', 'TF.js cpu', 'jax-js', 'target', 'ours vs best peer'];

// ---- main ----

async function main(): Promise<void> {
  const cpuList = cpus();
  const tfWasmEnv: TfEnv | null = await (async () => {
    try {
      await libs.tfWasm.activate!();
      activeLib = libs.tfWasm;
      return await tfEnv('wasm');
    } catch (error) {
      log(`TF.js wasm backend did not start: ${errorText(error)}`);
      return null;
    }
  })();
  const jaxInfo = jaxEnv();
  const memoryAtStart = ag.memory();
  const loadAtStart = loadavg().map((x) => +x.toFixed(2));

  const rows: Row[] = [];
  const selected = (id: string, label: string) => only === null || id.includes(only) || label.includes(only);
  for (const def of timedRows(false)) if (selected(def.id, def.label)) rows.push(await runTimed(def));
  for (const def of issue15Rows()) if (selected(def.id, def.label)) rows.push(await runTimed(def));
  for (const def of threadedRows()) if (selected(def.id, def.label)) rows.push(await runThreaded(def));
  if (process.env.BENCH_DEBUG) log(`live ${ag.memory().liveTensors}`);
  if (selected('tape-overhead', 'tape overhead')) {
    const overhead = await tapeOverheadRow();
    const at = rows.findIndex((r) => r.id === 'chain-taped');
    rows.splice(at >= 0 ? at + 1 : rows.length, 0, overhead);
  }

  if (selected('embedding', 'embedding')) rows.push(...embeddingRows());

  if (selected('memory', 'memory')) {
    log('memory loop ...');
    let report: MemoryReport | null = null;
    let error: string | null = null;
    try {
      report = memoryLoop(data.mlp, sizes.memorySteps);
    } catch (e) {
      error = errorText(e);
    }
    rows.push(memoryRow(report, error));
  }
  if (selected('leaks', 'leaks')) {
    const steps = quick ? 50 : 10_000;
    const loops: [string, string, () => { step: (i: number) => void; dispose?: () => void }][] = [
      ['leak-readme', "README training loop", () => ({ step: readmeLoop() })],
      ['leak-mnist', 'MNIST MLP step (Adam)', mnistStepLoop],
      ['leak-hvp', 'nested HVP loop', () => ({ step: hvpLoop() })],
    ];
    for (const [id, name, make] of loops) {
      log(`leaks: ${name}, ${steps} steps ...`);
      const loop = make();
      const started = performance.now();
      const r = runFlat(loop.step, steps);
      loop.dispose?.();
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        id,
        label: `leaks: ${name}, ${steps.toLocaleString('en-US')} steps`,
        unit: 'bytes',
        better: 'none',
        target: 'flat after warm-up',
        cells: {
          ours: { status: 'ok', value: r.end.bytes, text: `${r.flat ? 'flat' : 'NOT flat'}: ${r.end.live} live tensors, ${r.end.bytes} bytes (${seconds.toFixed(1)} s)` },
          tfWasm: { status: 'none', text: '—' },
          tfCpu: { status: 'none', text: '—' },
          jax: { status: 'none', text: '—' },
        },
        targetMet: r.flat,
        notes: [`${name}: after warm-up ${r.atWarmup?.live} live / ${r.atWarmup?.bytes} bytes / wasm ${r.atWarmup?.wasm}; after ${steps} steps ${r.end.live} / ${r.end.bytes} / ${r.end.wasm}`],
        ratio: null,
      } as Row);
    }
  }
  if (selected('bundle', 'bundle size')) {
    log('bundle sizes ...');
    rows.push(sizeRow(oursSize(), tfjsSizes(), await jaxSize(!quick)));
  }
  for (const def of timedRows(true)) if (selected(def.id, def.label)) rows.push(await runTimed(def));

  const seconds = (performance.now() - started) / 1000;
  const memoryAtEnd = ag.memory();
  const env = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    totalMemoryGB: +(totalmem() / 2 ** 30).toFixed(1),
    quick,
    timing: { ...timing, minReps: MIN_REPS, slowMs: SLOW_MS, rtol: RTOL },
    sizes,
    tfjs: { version: tfWasmEnv?.version ?? null, wasmSimd: tfWasmEnv?.simd ?? null, wasmThreads: tfWasmEnv?.threads ?? null },
    jax: { version: (JSON.parse(readFileSync(join(pkgDir('@jax-js/jax'), 'package.json'), 'utf8')) as { version: string }).version, device: jaxInfo.device, threads: jaxInfo.threads },
    oursLiveTensors: { start: memoryAtStart.liveTensors, end: memoryAtEnd.liveTensors },
    seconds: +seconds.toFixed(1),
    loadAverage: { start: loadAtStart, end: loadavg().map((x) => +x.toFixed(2)) },
    /** threads of ours in the rows that say so (one per core); every other row runs ours on one */
    threads: THREADS,
  };

  console.log(
    `autograd-wasm bench${quick ? ' (--quick: tiny sizes, not the issue\'s figures)' : ''}: node ${env.node}, ${env.cpu} x${env.cores}, ${env.date}`,
  );
  console.log(
    `TF.js ${env.tfjs.version} wasm: SIMD ${env.tfjs.wasmSimd}, threads ${env.tfjs.wasmThreads}; jax-js ${env.jax.version} on ${env.jax.device}, ` +
      `${env.jax.threads ? 'multi-threaded' : 'one thread'}; median of ${timing.reps} repetitions (${MIN_REPS} for calls > ${SLOW_MS} ms), range min–max`,
  );
  console.log(`ours: one thread, but ${THREADS} in the rows that say so (measured against one thread in the same repetitions)`);
  const busy = Math.max(loadAtStart[0], env.loadAverage.end[0]) > env.cores;
  console.log(`load average ${loadAtStart[0]} at start, ${env.loadAverage.end[0]} at end${busy ? ` (more than ${env.cores} cores: other processes were competing, figures are noisy)` : ''}\n`);
  console.log(renderTable(HEADER, tableRows(rows)));
  const notes = rows.flatMap((r) => r.notes);
  if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
  const voids = rows.filter((r) => Object.values(r.cells).some((c) => c?.status === 'void'));
  console.log(
    `\n${voids.length === 0 ? 'every figure is of a checked answer (rtol 1e-3 against ours)' : `${voids.length} row(s) with VOID figures: ${voids.map((r) => r.id).join(', ')}`}; ` +
      `ours: ${env.oursLiveTensors.start} live tensors before, ${env.oursLiveTensors.end} after; ${seconds.toFixed(1)} s`,
  );

  if (write) {
    mkdirSync(dirname(outPath), { recursive: true });
    const json = {
      env,
      header: HEADER,
      rows: rows.map((r) => ({
        ...r,
        cells: Object.fromEntries(
          Object.entries(r.cells).map(([k, c]) => [k, { ...c, check: c?.check ? Object.fromEntries(c.check.labels.map((l, i) => [l, c.check!.values[i]])) : undefined }]),
        ),
      })),
    };
    writeFileSync(outPath, `${JSON.stringify(json, null, 2)}\n`);
    log(`wrote ${outPath}`);
  }
}

// TF.js's emscripten module installs process handlers that rethrow (and print
// its whole minified source); report a failure of the bench itself plainly.
try {
  await main();
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
}
