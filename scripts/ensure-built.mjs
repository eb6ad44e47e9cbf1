// Runs before `npm test`, `npm start` and the other scripts that need the
// built kernels or dist/ (the `pre*` scripts in package.json). The published
// package has no install-time script, so nothing builds at `npm install`:
// on a fresh clone the first of these scripts builds (`npm run build`, about
// 30 s); afterwards this only checks that the outputs exist, in a few
// milliseconds. It never rebuilds outputs that exist: after editing src/ or
// assembly/, run `npm run build` (this prints a reminder when dist/ is older).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = [
  'build/kernels.wasm',
  'src/wasm/kernels.generated.ts',
  'dist/autograd.mjs',
  'dist/autograd.cjs',
  'dist/autograd.min.js',
  'dist/autograd.min.js.map',
  'dist/autograd.d.ts',
  'dist/autograd.d.cts',
];

const missing = outputs.filter((f) => !existsSync(join(root, f)));
if (missing.length > 0) {
  console.error(`ensure-built: ${missing.join(', ')} missing; running npm run build`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(run.status ?? 1);
}

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}
const built = Math.min(...outputs.filter((f) => f.startsWith('dist/')).map((f) => statSync(join(root, f)).mtimeMs));
if (Math.max(newest(join(root, 'src')), newest(join(root, 'assembly'))) > built) {
  console.error('ensure-built: dist/ is older than src/ or assembly/; run `npm run build` to test the current code');
}
