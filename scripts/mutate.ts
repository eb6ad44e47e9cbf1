// Mutation testing, as a reviewer would do it by hand: put one small bug into
// a copy of the code, run the tests that should notice, and see whether they
// do. `npm run mutate` (not part of CI: it rebuilds the kernels for every
// mutation of assembly/ and takes several minutes) runs the list below on a
// scratch copy of the working tree and prints a table: which mutations the
// suite caught, by which tests, and which survived.
//
//   npm run mutate                     every mutation
//   npm run mutate -- --only col2im    those whose id contains "col2im"
//   npm run mutate -- --list           the list, without running anything
//   npm run mutate -- --keep           keep the scratch copy (its path is printed)
//
// Each mutation names the test expected to catch it ("expect"): the table
// says whether that test failed, so a mutation caught only by accident (a
// crash elsewhere) shows. A mutation whose text no longer matches the code
// is reported as stale, not silently skipped.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { MUTATIONS, anchors, type Mutation } from './mutations';

// ---------------------------------------------------------------------------

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
const keepCopy = argv.includes('--keep');
const selected = MUTATIONS.filter((m) => only === null || m.id.includes(only));

/** Suites left out by default: they need dist/ rebuilt, a browser, or run the benchmarks. */
const SLOW = ['browser/', 'bench.test', 'bundles.test', 'readme.test', 'docs.test'];


if (argv.includes('--list')) {
  for (const m of selected) {
    const stale = anchors(root, m).some((n) => n !== 1) ? ' [STALE: the text to mutate is not in the file exactly once]' : '';
    console.log(`${m.id.padEnd(32)} ${m.file.padEnd(20)} ${m.what}${stale}`);
  }
  process.exit(0);
}

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 20 * 60_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** A scratch copy of the working tree (tracked and untracked files, plus the embedded kernels), sharing node_modules. */
function makeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'autograd-mutate-'));
  const listed = sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], root);
  if (listed.status !== 0) throw new Error(`mutate: git ls-files failed: ${listed.out}`);
  const files = listed.out.split('\0').filter((f) => f.length > 0);
  files.push('src/wasm/kernels.generated.ts');
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try {
      cpSync(join(root, f), join(dir, f));
    } catch {
      // a file deleted in the working tree but still in the index
    }
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

interface Outcome {
  /** caught | survived | stale (the text no longer matches) | error (the build failed: a mutation that does not compile) */
  result: 'caught' | 'survived' | 'stale' | 'build error';
  failed: string[];
  expected: boolean;
  seconds: number;
}

function parseFailures(out: string): string[] {
  const names: string[] = [];
  for (const m of out.matchAll(/FAIL\s+(?:.*?\s+)?"(.+?)"\s*$/gm)) if (!names.includes(m[1])) names.push(m[1]);
  return names;
}

function summary(out: string): { passed: number; failed: number } | null {
  const m = /(\d+) passed, (\d+) failed\s*$/.exec(out.trimEnd());
  return m === null ? null : { passed: Number(m[1]), failed: Number(m[2]) };
}

function testFiles(dir: string, filters: string[] | undefined): string[] {
  const listed = sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'test'], root).out.split('\n');
  const all = listed.filter((f) => f.endsWith('.test.ts')).map((f) => f.slice('test/'.length));
  const chosen = filters === undefined ? all.filter((f) => !SLOW.some((s) => f.includes(s))) : all.filter((f) => filters.some((x) => f.includes(x)));
  return chosen;
}

function runTests(dir: string, files: string[]) {
  return sh(process.execPath, ['--import', 'tsx', 'test/run.ts', ...files], dir);
}

function buildKernels(dir: string) {
  const asc = sh(process.execPath, ['node_modules/assemblyscript/bin/asc.js', '--target', 'release'], dir);
  if (asc.status !== 0) return asc;
  return sh(process.execPath, ['scripts/embed-wasm.mjs'], dir);
}

function main(dir: string): void {
  const started = Date.now();
  console.log(`mutate: ${selected.length} mutation(s) on a copy in ${dir}`);
  const embedded = join(dir, 'src/wasm/kernels.generated.ts');
  const pristineKernels = readFileSync(embedded, 'utf8');

  // The suites must pass unmutated, or every mutation would look caught.
  const baselineFiles = [...new Set(selected.flatMap((m) => testFiles(dir, m.tests)))];
  const base = runTests(dir, baselineFiles);
  const baseSummary = summary(base.out);
  if (baseSummary === null || baseSummary.failed > 0 || base.status !== 0) {
    console.error(`mutate: the unmutated suites fail; fix them first:\n${base.out.slice(-3000)}`);
    process.exit(2);
  }
  console.log(`baseline: ${baseSummary.passed} tests pass in ${baselineFiles.length} file(s)\n`);

  const rows: [Mutation, Outcome][] = [];
  for (const m of selected) {
    const t0 = Date.now();
    const path = join(dir, m.file);
    const original = readFileSync(path, 'utf8');
    let mutated = original;
    let stale = false;
    for (const [from, to] of m.edits) {
      const count = mutated.split(from).length - 1;
      if (count !== 1) {
        stale = true;
        break;
      }
      mutated = mutated.replace(from, () => to);
    }
    let outcome: Outcome;
    if (testFiles(dir, m.tests).length === 0) stale = true;
    if (stale) {
      outcome = { result: 'stale', failed: [], expected: false, seconds: 0 };
    } else {
      writeFileSync(path, mutated);
      try {
        const kernelsChanged = m.file.startsWith('assembly/');
        const build = kernelsChanged ? buildKernels(dir) : null;
        if (build !== null && build.status !== 0) {
          outcome = { result: 'build error', failed: [build.out.split('\n').find((l) => /ERROR/.test(l)) ?? 'asc failed'], expected: false, seconds: 0 };
        } else {
          const r = runTests(dir, testFiles(dir, m.tests));
          const s = summary(r.out);
          const failed = parseFailures(r.out);
          const caught = r.status !== 0 || s === null || s.failed > 0;
          if (caught && failed.length === 0) failed.push(s === null ? `the run did not finish (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})` : 'a suite failed to load');
          outcome = { result: caught ? 'caught' : 'survived', failed, expected: failed.some((f) => f.includes(m.expect)), seconds: 0 };
        }
      } finally {
        writeFileSync(path, original);
        if (m.file.startsWith('assembly/')) writeFileSync(embedded, pristineKernels);
      }
    }
    outcome.seconds = (Date.now() - t0) / 1000;
    rows.push([m, outcome]);
    const by = outcome.failed.length > 0 ? `: ${outcome.failed.slice(0, 2).join('; ')}${outcome.failed.length > 2 ? ` (+${outcome.failed.length - 2})` : ''}` : '';
    const tag = m.equivalent !== undefined && outcome.result === 'survived' ? 'PASSED' : outcome.result.toUpperCase();
    console.log(`${tag.padEnd(9)} ${m.id} (${outcome.seconds.toFixed(0)} s)${by}`);
  }

  console.log('\n| mutation | what | result | caught by (expected test failed?) |');
  console.log('|---|---|---|---|');
  for (const [m, o] of rows) {
    const by = m.equivalent !== undefined
      ? `${o.result === 'survived' ? 'expected to survive' : `✗ an equivalent change failed ${o.failed.slice(0, 3).join('; ')}`}: ${m.equivalent}`
      : o.result === 'caught'
        ? `${o.expected ? '✓' : '✗ not'} "${m.expect}"${o.failed.length > 1 || !o.expected ? `; ${o.failed.length} failing test(s)${o.expected ? '' : `: ${o.failed.slice(0, 3).join('; ')}`}` : ''}`
        : o.result === 'stale' ? 'the text to mutate is not in the file exactly once, or no test file matches: update the mutation'
          : o.result === 'build error' ? o.failed[0] : '—';
    console.log(`| ${m.id} | ${m.what} | ${o.result} | ${by} |`);
  }
  const bugs = rows.filter(([m]) => m.equivalent === undefined);
  const count = (r: Outcome['result']) => bugs.filter(([, o]) => o.result === r).length;
  const unexpected = bugs.filter(([, o]) => o.result === 'caught' && !o.expected).length;
  const equivalent = rows.filter(([m]) => m.equivalent !== undefined);
  const equivalentFailed = equivalent.filter(([, o]) => o.result !== 'survived').length;
  console.log(
    `\n${count('caught')} caught, ${count('survived')} survived, ${count('stale')} stale, ${count('build error')} build errors` +
      `${unexpected > 0 ? `; ${unexpected} caught but not by the expected test` : ''}` +
      `${equivalent.length > 0 ? `; ${equivalent.length - equivalentFailed} of ${equivalent.length} equivalent change(s) passed as they should` : ''}` +
      ` (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  process.exitCode = count('survived') + count('stale') + count('build error') + equivalentFailed > 0 ? 1 : 0;
}

const scratch = makeCopy();
try {
  main(scratch);
} finally {
  if (keepCopy) console.log(`scratch copy kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
