// examples/gp.ts (npm run gp) checks itself: the gradient of a Gaussian
// process's negative log marginal likelihood against finite differences,
// Newton's fit against a grid search with the signal variance in closed
// form. It must run to the end with every check passing (exit code 0).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('npm run gp: every check of the Gaussian-process example passes', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/gp.ts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const out = `${run.stdout}\n${run.stderr}`;
  assert.is(run.status, 0, `examples/gp.ts exited with ${run.status}:\n${out}`);
  assert.ok(!out.includes('FAIL'), out);
  // each of the example's checks ran (a check that silently stopped running would drop a line)
  assert.is((out.match(/^ {2}ok {4}/gm) ?? []).length, 9, out);
  assert.match(out, /all checks passed/);
});

test.run();
