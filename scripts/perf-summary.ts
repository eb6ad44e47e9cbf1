// The README's performance figures, generated from the bench results file
// (bench/results/latest.json, written by `npm run bench`) and from a probe of
// what TensorFlow.js can differentiate twice (scripts/tf-hvp.ts), so no
// sentence says more than a measurement does.
//
//   node --import tsx scripts/perf-summary.ts    rewrites the README section
//                                                between <!-- perf:start --> and <!-- perf:end -->
//
// test/readme-claims.test.ts fails when the README's section differs from
// what this generates. Comparisons are on the same formulation: the MLP step
// with each library's own fused cross-entropy is compared only with peers
// whose loss is a fused op too (TF.js's softmaxCrossEntropy; jax-js composes
// its loss from logSoftmax), and the composed-loss row compares everyone on
// the same composition.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HvpOutcome } from './tf-hvp';

const root = fileURLToPath(new URL('..', import.meta.url));

type Col = 'ours' | 'tfWasm' | 'tfCpu' | 'jax' | 'jaxJit';

interface Cell {
  status: 'ok' | 'na' | 'fails' | 'void' | 'none';
  value?: number;
  note?: string;
  text?: string;
}

interface Row {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower' | 'none';
  cells: Partial<Record<Col, Cell>>;
  /** rows run on several threads (bench/run.ts): the count, ours on one thread, N vs 1, same bits */
  threads?: { count: number; single: number; ratio: number; identical: boolean };
}

export interface BenchResults {
  env: {
    date: string;
    node: string;
    cpu: string;
    cores: number;
    tfjs: { version: string; wasmSimd: boolean; wasmThreads: boolean };
    jax: { version: string };
    loadAverage: { start: number[]; end: number[] };
    /** threads of ours in the rows that say so */
    threads?: number;
  };
  rows: Row[];
}

const PEER_NAMES: Record<Exclude<Col, 'ours'>, string> = { tfWasm: 'TF.js wasm', tfCpu: 'TF.js cpu', jax: 'jax-js', jaxJit: 'jax-js jit' };

/** Rows in the summary table: [row id, what the README calls it, the peers it is compared with (default: all)]. */
const TABLE: [string, string, Exclude<Col, 'ours'>[]?][] = [
  ['exp', 'exp, 1M elements'],
  ['tanh', 'tanh, 1M elements'],
  ['add', 'add, 1M elements'],
  ['matmul-64', 'matmul 64×64'],
  ['matmul-256', 'matmul 256×256'],
  ['matmul-512', 'matmul 512×512'],
  ['matmul-1024', 'matmul 1024×1024'],
  ['matmul-256-tA', 'matmul 256×256, Aᵀ B'],
  // ours: ag.crossEntropy (fused); TF.js: tf.losses.softmaxCrossEntropy (fused); jax-js has no fused loss
  ['mlp', 'MLP training step, fused cross-entropy', ['tfWasm', 'tfCpu']],
  ['mlp-composed', 'MLP training step, the same composed loss everywhere'],
  ['chain', '250 scalar tanh(x·w + b) steps, forward and backward, per op'],
  ['hvp', 'Hessian-vector product of sum(tanh(W x)), W 256×256'],
  ['bundle', 'gzipped bundle with its wasm'],
];

function row(results: BenchResults, id: string): Row {
  const r = results.rows.find((x) => x.id === id);
  if (r === undefined) throw new Error(`perf-summary: bench/results/latest.json has no row ${id}`);
  return r;
}

/** Three significant digits, no exponent. */
function num(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** A ratio: 1.06x, 0.70x, 8.0x, 18x. */
function times(r: number): string {
  return `${r >= 10 ? r.toFixed(0) : r >= 3 ? r.toFixed(1) : r.toFixed(2)}x`;
}

const UNITS: Record<string, string> = { 'GFLOP/s': 'GFLOP/s', 'Melem/s': 'M/s', ms: 'ms', 'µs/op': 'µs', KB: 'KB', bytes: 'bytes' };

/** The best ok peer among `peers` and ours against it (>1: ours better). */
function versus(r: Row, peers: Exclude<Col, 'ours'>[]): { peer: Exclude<Col, 'ours'>; value: number; ratio: number } | null {
  const ours = r.cells.ours;
  if (ours?.status !== 'ok' || ours.value === undefined) return null;
  let best: { peer: Exclude<Col, 'ours'>; value: number } | null = null;
  for (const p of peers) {
    const c = r.cells[p];
    if (c?.status !== 'ok' || c.value === undefined) continue;
    if (best === null || (r.better === 'higher' ? c.value > best.value : c.value < best.value)) best = { peer: p, value: c.value };
  }
  if (best === null) return null;
  return { ...best, ratio: r.better === 'higher' ? ours.value / best.value : best.value / ours.value };
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The TF.js HVP statement, from a probe of both backends. */
export function hvpSentence(outcomes: HvpOutcome[], tfVersion: string): string {
  const names = [...new Set(outcomes.map((o) => o.name))];
  const agree = names.every((n) => {
    const [a, b] = outcomes.filter((o) => o.name === n);
    return b === undefined || a.result === b.result;
  });
  const first = (n: string) => outcomes.find((o) => o.name === n)!;
  const of = (result: HvpOutcome['result']) => names.filter((n) => first(n).result === result);
  const code = (n: string) => `\`${n}\``;
  const works = of('works').map(code);
  const throws = of('throws').map((n) => (n === 'tanh(Wx)' ? `${code(n)} (the bench's workload)` : code(n)));
  const wrong = of('wrong').map((n) => {
    const errors = outcomes.filter((o) => o.name === n).map((o) => o.error);
    return `${code(n)} (off by ${Math.round(100 * Math.min(...errors))}% of the answer)`;
  });
  const where = agree ? 'on its cpu and wasm backends alike' : 'on its cpu backend (the wasm backend differs: see scripts/tf-hvp.ts)';
  return (
    `TensorFlow.js ${tfVersion}, ${where}, computes Hessian-vector products by nested \`tf.grad\` for ${list(works)}; ` +
    `it throws "Cannot compute gradient" for ${list(throws)}` +
    (wrong.length > 0 ? `, and returns wrong numbers without an error for ${list(wrong)}` : '') +
    '. Measured by `scripts/tf-hvp.ts` against ours in float64.'
  );
}

/** The README's performance section (between the markers). */
export function performanceSection(results: BenchResults, hvp: HvpOutcome[]): string {
  const e = results.env;
  const load = (xs: number[]) => xs.map((v) => v.toFixed(2)).join(' / ');
  const lines: string[] = [];
  lines.push(
    `The figures below are those of \`bench/results/latest.json\` (${e.date.slice(0, 10)}, Node ${e.node}, ${e.cores}-core ${e.cpu}, ` +
      `one thread per library${e.threads !== undefined ? ` (ours too, but for the targets' rows that say ${e.threads} threads)` : ''}, TF.js ${e.tfjs.version} with wasm SIMD ${e.tfjs.wasmSimd ? 'on' : 'off'}, jax-js ${e.jax.version}). ` +
      `Load average (1 / 5 / 15 min) ${load(e.loadAverage.start)} at the start of the run and ${load(e.loadAverage.end)} at the end: ` +
      'other jobs shared the machine (the file keeps each figure\'s min–max range over its repetitions).',
    '',
    '| workload | ours | best peer on the same formulation | ours vs that peer (above 1x: ahead) |',
    '|---|---|---|---|',
  );
  for (const [id, what, peers] of TABLE) {
    const r = row(results, id);
    const ours = r.cells.ours;
    if (ours?.status !== 'ok' || ours.value === undefined) throw new Error(`perf-summary: ours has no figure in row ${id}`);
    const unit = UNITS[r.unit] ?? r.unit;
    const v = versus(r, peers ?? ['tfWasm', 'tfCpu', 'jax', 'jaxJit']);
    const peerText = v === null ? '—' : `${num(v.value)} ${unit} (${PEER_NAMES[v.peer]})`;
    const ratio = v === null ? '—' : `${times(v.ratio)}${v.ratio < 1 ? ' (behind)' : ''}`;
    lines.push(`| ${what} | ${num(ours.value)} ${unit} | ${peerText} | ${ratio} |`);
  }
  lines.push('');

  // Sentences that summarize the table, every number from it.
  const vs = (id: string, peers?: Exclude<Col, 'ours'>[]) => versus(row(results, id), peers ?? ['tfWasm', 'tfCpu', 'jax', 'jaxJit'])!;
  const matmuls = ['matmul-64', 'matmul-256', 'matmul-512', 'matmul-1024', 'matmul-256-tA'].map((id) => vs(id));
  const behind = matmuls.filter((m) => m.ratio < 1).length;
  const tA = row(results, 'matmul-256-tA');
  const overhead = row(results, 'tape-overhead').cells.ours!.value!;
  lines.push(
    standing([
      ['exp', vs('exp').ratio],
      ['tanh', vs('tanh').ratio],
      ['add', vs('add').ratio],
      ['the MLP training step with both losses fused', vs('mlp', ['tfWasm', 'tfCpu']).ratio, 'TF.js wasm'],
      ['the MLP training step with both losses composed', vs('mlp-composed').ratio, 'jax-js with `jit`'],
      ['Hessian-vector products', vs('hvp').ratio, 'jax-js with `jit`, which uses forward-over-reverse `jvp(grad(f))`'],
    ]) +
      `; recording costs ${num(overhead)} µs per op. ` +
      `Float32 matmul trails the best peer in ${behind} of ${matmuls.length} rows of this run ` +
      `(${list(matmuls.map((m, i) => `${['64', '256', '512', '1024', '256 Aᵀ B'][i]}: ${times(m.ratio)}`))}); ` +
      `with a transposed left operand TF.js wasm drops to ${num(tA.cells.tfWasm!.value!)} GFLOP/s.`,
    '',
  );
  const f64 = (id: string) => row(results, `f64-${id}`).cells.ours!.value! / row(results, id).cells.ours!.value!;
  const rate = (id: string, lowerIsBetter = false) => times(lowerIsBetter ? 1 / f64(id) : f64(id));
  const mm = ['matmul-64', 'matmul-256', 'matmul-512', 'matmul-1024'].map((id) => f64(id));
  lines.push(
    `float64 runs everywhere, at ${rate('add')} the float32 rate for add, ${rate('exp')} for exp, ${rate('tanh')} for tanh, ` +
      `${times(Math.min(...mm))}–${times(Math.max(...mm))} for matmul, ${rate('mlp', true)} for the MLP step and ${rate('hvp', true)} for Hessian-vector products.`,
    '',
    hvpSentence(hvp, e.tfjs.version),
  );
  if (results.rows.some((r) => r.id === 'cnn-threads')) lines.push('', ...targetsSection(results));
  return lines.join('\n');
}

/** "Ours is ahead of the best peer on a (2.0x), b (1.5x) and behind on c (0.50x)", from the ratios. */
function standing(items: [what: string, ratio: number, peer?: string][]): string {
  const say = (list: typeof items) => list.map(([what, r, peer]) => `${what} (${times(r)}${peer === undefined ? '' : ` ${peer}`})`).join(', ');
  const ahead = items.filter(([, r]) => r >= 1);
  const behind = items.filter(([, r]) => r < 1);
  const parts: string[] = [];
  if (ahead.length > 0) parts.push(`ahead of the best peer on ${say(ahead)}`);
  if (behind.length > 0) parts.push(`behind it on ${say(behind)}`);
  return `Ours is ${parts.join(', and ')}`;
}

/** The figure of ours in a row, with its unit. */
function ours(results: BenchResults, id: string): number {
  const c = row(results, id).cells.ours;
  if (c?.status !== 'ok' || c.value === undefined) throw new Error(`perf-summary: ours has no figure in row ${id}`);
  return c.value;
}

/**
 * Issue 15's targets, each with this run's figures: the threaded rows ran
 * ours on N threads and on one alternately in the same repetitions, so their
 * ratio is the figure that holds on a shared machine.
 */
function targetsSection(results: BenchResults): string[] {
  const n = results.env.threads ?? 2;
  const t = (id: string) => row(results, id).threads!;
  const vs1 = (id: string) => `${times(t(id).ratio)} one thread (${num(t(id).single)})`;
  const mark = (met: boolean) => (met ? 'met' : 'not met');
  const bundle = ours(results, 'bundle');
  const targets: [string, string, string, boolean][] = [
    [`matmul float32 512×512, ${n} threads`, `${num(ours(results, 'matmul-512-threads'))} GFLOP/s, ${vs1('matmul-512-threads')}`, '≥ 85 GFLOP/s', ours(results, 'matmul-512-threads') >= 85],
    [`MLP step 784-256-10, batch 128, ${n} threads`, `${num(ours(results, 'mlp-threads'))} ms, ${vs1('mlp-threads')}`, '≤ 1.3 ms', ours(results, 'mlp-threads') <= 1.3],
    [`MLP step 784-1024-1024-10, batch 256, ${n} threads`, `${num(ours(results, 'mlp-large-threads'))} ms, ${vs1('mlp-large-threads')}`, '≤ 32 ms', ours(results, 'mlp-large-threads') <= 32],
    [`CNN step, one thread / ${n} threads`, `${num(ours(results, 'cnn'))} / ${num(ours(results, 'cnn-threads'))} ms`, '≤ 12 / ≤ 8 ms', ours(results, 'cnn') <= 12 && ours(results, 'cnn-threads') <= 8],
    ['tiny op (add of two [4]) in a scope / recorded with its gradient', `${num(ours(results, 'tiny-forward'))} / ${num(ours(results, 'tiny-grad'))} µs per op`, '≤ 0.1 / ≤ 0.25 µs', ours(results, 'tiny-forward') <= 0.1 && ours(results, 'tiny-grad') <= 0.25],
    ['scalar chain, forward and backward', `${num(ours(results, 'chain'))} µs per op`, '≤ 0.5 µs', ours(results, 'chain') <= 0.5],
    ['gelu / erf, float32, 1M elements', `${num(ours(results, 'gelu'))} / ${num(ours(results, 'erf'))} M/s`, '≥ 500 M/s', ours(results, 'gelu') >= 500 && ours(results, 'erf') >= 500],
    ['gzipped bundle with its wasm', `${num(bundle)} KB`, '≤ 85 KB', bundle <= 85],
  ];
  const same = results.rows.filter((r) => r.threads !== undefined);
  return [
    `Targets of issue 15 in this run (${n} threads where a row says so; the others, and every peer, on one):`,
    '',
    '| target | this run | target | |',
    '|---|---|---|---|',
    ...targets.map(([what, got, want, met]) => `| ${what} | ${got} | ${want} | ${mark(met)} |`),
    '',
    `${same.every((r) => r.threads!.identical) ? 'Every threaded row computed the same bits on one thread and on' : 'NOT every threaded row computed the same bits on one thread and on'} ${n}.`,
  ];
}

const START = '<!-- perf:start -->';
const END = '<!-- perf:end -->';

export function replaceSection(readme: string, section: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`);
  return `${readme.slice(0, a + START.length)}\n${section}\n${readme.slice(b)}`;
}

export function readSection(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`);
  return readme.slice(a + START.length, b).trim();
}

export function latestResults(): BenchResults {
  return JSON.parse(readFileSync(`${root}bench/results/latest.json`, 'utf8')) as BenchResults;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { probeTfjsHvp } = await import('./tf-hvp');
  const path = `${root}README.md`;
  writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), performanceSection(latestResults(), await probeTfjsHvp())));
  console.log('README.md: performance section updated from bench/results/latest.json');
}
