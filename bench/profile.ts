// Where our time goes in one workload of the bench: runs it in a loop under
// the V8 sampling profiler (node:inspector, the same data as --cpu-prof) and
// prints the functions with the most self time, wasm kernels included.
//
//   node --import tsx bench/profile.ts <mlp|mlp-composed|cnn|chain|hvp|matmul|tanh|exp|add> [seconds] [--f64] [--threads n] [--save file.cpuprofile]

import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { exportNames, kernels } from '../src/wasm/index';
import { setThreads } from '../src/wasm/pool';
import { ours } from './ours';
import { Rng } from './util';
import { FULL, chainData, cnnData, hvpData, matmulData, mlpData, vecData, type Prepared } from './workloads';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const argv = process.argv.slice(2);
const what = argv[0] ?? 'mlp';
const seconds = Number(argv[1]) > 0 ? Number(argv[1]) : 3;
const f64 = argv.includes('--f64');
const saveAt = argv.indexOf('--save');
const threadsAt = argv.indexOf('--threads');
// one thread unless asked: a profile of the main thread alone is what it says
setThreads(threadsAt >= 0 ? Number(argv[threadsAt + 1]) : 1);
const lib = ours(f64 ? 'float64' : 'float32');
const rng = new Rng(20240605);

function make(): Prepared {
  switch (what) {
    case 'mlp':
      return lib.mlp(mlpData(rng, FULL.mlp), 'crossEntropy') as Prepared;
    case 'mlp-composed':
      return lib.mlp(mlpData(rng, FULL.mlp), 'composed') as Prepared;
    case 'chain':
      return lib.chain(chainData(rng, FULL.chain), 'grad') as Prepared;
    case 'hvp':
      return lib.hvp(hvpData(rng, FULL.hvp)) as Prepared;
    case 'cnn':
      return lib.cnn!(cnnData(rng, FULL.cnn)) as Prepared;
    case 'matmul':
      return lib.matmul(matmulData(rng, 256), false) as Prepared;
    case 'matmul-tA':
      return lib.matmul(matmulData(rng, 256), true) as Prepared;
    case 'add':
      return lib.add(vecData(rng, FULL.vector, -1, 1)) as Prepared;
    case 'exp':
    case 'tanh':
      return lib.unary(what, vecData(rng, FULL.vector, -5, 5)) as Prepared;
    default:
      throw new Error(`unknown workload ${what}`);
  }
}

const post = <T>(session: Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));

const p = make();
const warm = performance.now();
while (performance.now() - warm < 500) p.run();

const session = new Session();
session.connect();
await post(session, 'Profiler.enable');
await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
await post(session, 'Profiler.start');
const start = performance.now();
let calls = 0;
while (performance.now() - start < seconds * 1000) {
  p.run();
  calls++;
}
const elapsed = performance.now() - start;
const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
session.disconnect();
p.dispose();

if (saveAt >= 0 && argv[saveAt + 1]) writeFileSync(argv[saveAt + 1], JSON.stringify(profile));

/**
 * Names of the kernel module's functions: V8 names an exported wasm function
 * by its function index, so the live exports map index -> export name (the
 * release build has no name section).
 */
function kernelNames(): Map<number, string> {
  const names = new Map<number, string>();
  for (const name of exportNames()) {
    const value = (Object.getPrototypeOf(kernels()) as Record<string, unknown>)[name];
    if (typeof value !== 'function') continue;
    const index = Number((value as { name: string }).name);
    if (Number.isInteger(index) && !names.has(index)) names.set(index, name);
  }
  return names;
}

const wasmNames = kernelNames();

// self time per function (samples x their time deltas)
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const wasmIndex = (n: ProfileNode): number | null => {
  const m = /^wasm-function\[(\d+)\]$/.exec(n.callFrame.functionName);
  return m === null ? null : Number(m[1]);
};
/** an internal kernel helper is named after the exported kernel that called it */
function wasmLabel(node: ProfileNode, index: number): string {
  const own = wasmNames.get(index);
  if (own !== undefined) return own;
  for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
    const up = byId.get(id)!;
    const i = wasmIndex(up);
    if (i === null) break;
    const n = wasmNames.get(i);
    if (n !== undefined) return `${n} > #${index}`;
  }
  return `internal #${index}`;
}
const self = new Map<string, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i])!;
  const dt = profile.timeDeltas[i] ?? 0;
  const f = node.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
  const wasm = wasmIndex(node);
  const key = wasm !== null ? `wasm ${wasmLabel(node, wasm)}` : `${f.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
}
console.log(`${what}${f64 ? ' (float64)' : ''}: ${calls} calls in ${(elapsed / 1000).toFixed(1)} s, ${(elapsed / calls).toFixed(3)} ms per call`);
console.log('self time  share  function');
for (const [key, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
