// Gzipped (level 9) sizes of what a page loads for each library.

import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

export interface SizeResult {
  /** gzipped KB of the headline composition */
  kb: number | null;
  files: { file: string; bytes: number; gzip: number }[];
  note?: string;
  /** other compositions worth knowing, KB gzipped */
  alternatives?: Record<string, number>;
}

const gz = (bytes: Uint8Array | string) => gzipSync(bytes, { level: 9 }).length;

function measureFiles(paths: string[]): SizeResult {
  const files = paths.map((p) => {
    const bytes = readFileSync(p);
    return { file: p.startsWith(root) ? p.slice(root.length) : p, bytes: bytes.length, gzip: gz(bytes) };
  });
  return { kb: files.reduce((s, f) => s + f.gzip, 0) / 1024, files };
}

/** A package's folder (found from its entry: some packages do not export ./package.json). */
export function pkgDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes(`"name": "${name}"`)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = up;
  }
  return dir;
}

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    t = Math.max(t, name.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** dist/autograd.min.js (the CDN build, with the wasm kernels embedded as base64). */
export function oursSize(): SizeResult {
  const min = join(root, 'dist', 'autograd.min.js');
  if (!existsSync(min)) return { kb: null, files: [], note: 'dist/autograd.min.js missing: run npm run build' };
  const result = measureFiles([min]);
  const built = statSync(min).mtimeMs;
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'assembly')));
  if (sources > built) result.note = 'dist/ is older than src/ or assembly/: run npm run build for a current figure';
  return result;
}

/** TF.js: tf.min.js + the wasm backend's min js + its SIMD .wasm; alternatives built from tf-core only. */
export function tfjsSizes(): { wasm: SizeResult; cpu: SizeResult } {
  const tfDir = pkgDir('@tensorflow/tfjs');
  const wasmDir = pkgDir('@tensorflow/tfjs-backend-wasm');
  const coreDir = pkgDir('@tensorflow/tfjs-core');
  const cpuDir = pkgDir('@tensorflow/tfjs-backend-cpu');
  const tfMin = join(tfDir, 'dist', 'tf.min.js');
  const wasmJs = join(wasmDir, 'dist', 'tf-backend-wasm.min.js');
  const wasmBin = join(wasmDir, 'dist', 'tfjs-backend-wasm-simd.wasm');
  const coreMin = join(coreDir, 'dist', 'tf-core.min.js');
  const cpuMin = join(cpuDir, 'dist', 'tf-backend-cpu.min.js');
  const wasm = measureFiles([tfMin, wasmJs, wasmBin]);
  const cpu = measureFiles([tfMin]);
  const k = (paths: string[]) => measureFiles(paths).kb ?? 0;
  wasm.alternatives = { 'tf-core.min.js + wasm backend + simd.wasm': k([coreMin, wasmJs, wasmBin]) };
  cpu.alternatives = { 'tf-core.min.js + tf-backend-cpu.min.js': k([coreMin, cpuMin]) };
  wasm.note = 'tf.min.js + tf-backend-wasm.min.js + tfjs-backend-wasm-simd.wasm';
  cpu.note = 'tf.min.js (core, cpu and webgl backends)';
  return { wasm, cpu };
}

/**
 * jax-js ships unminified ES modules: the entry (dist/index.js) and the chunks
 * it imports statically (the webgl/webgpu chunks load on demand and are not
 * counted). With `minify`, also the size after terser (what a CDN such as
 * esm.sh serves), which is the headline figure when available.
 */
export async function jaxSize(minify: boolean): Promise<SizeResult> {
  const dist = join(pkgDir('@jax-js/jax'), 'dist');
  const entry = join(dist, 'index.js');
  const files = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*["'](\.\/[^"']+)["']/gm)) {
      const dep = join(dirname(file), m[1]);
      if (!files.has(dep)) {
        files.add(dep);
        queue.push(dep);
      }
    }
  }
  const raw = measureFiles([...files]);
  raw.note = `unminified ${[...files].map((f) => f.slice(dist.length + 1)).join(' + ')}`;
  raw.alternatives = { 'unminified dist': raw.kb ?? 0 };
  if (!minify) return raw;
  try {
    const { minify: terser } = await import('terser');
    let total = 0;
    for (const file of files) {
      const out = await terser(readFileSync(file, 'utf8'), { module: true, compress: true, mangle: true });
      total += gz(out.code ?? '');
    }
    raw.alternatives['terser-minified'] = total / 1024;
    raw.kb = total / 1024;
    raw.note = `minified with terser (unminified dist: ${(raw.alternatives['unminified dist']).toFixed(0)} KB)`;
  } catch (error) {
    raw.note += ` (terser unavailable: ${String(error)})`;
  }
  return raw;
}
