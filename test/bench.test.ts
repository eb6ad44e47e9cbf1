// The bench must not rot: `bench/run.ts --quick` runs every workload for
// every library in a child process, exits 0, prints the table, and every row
// ours can run is of checked answers (no VOID figure, and ours does not fail).
// Never asserts a time: the machine's load is nobody's business here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const test = suite('bench --quick');

interface JsonCell {
  status: 'ok' | 'na' | 'fails' | 'void' | 'none';
  text?: string;
}
interface JsonRow {
  id: string;
  cells: Record<string, JsonCell>;
  notes: string[];
}

let run: { status: number | null; stdout: string; stderr: string; rows: JsonRow[] } | null = null;

test.before(() => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const out = join(dir, 'quick.json');
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    let rows: JsonRow[] = [];
    try {
      rows = (JSON.parse(readFileSync(out, 'utf8')) as { rows: JsonRow[] }).rows;
    } catch {
      // asserted below through the exit status and output
    }
    run = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? ''), rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exits 0', () => {
  assert.is(run!.status, 0, `bench exited ${run!.status}:\n${run!.stderr.slice(-2000)}`);
});

test('prints the table header with every library and the comparison', () => {
  const header = run!.stdout.split('\n').find((l) => l.startsWith('| workload'));
  assert.ok(header, `no table header in:\n${run!.stdout.slice(0, 2000)}`);
  for (const col of ['ours', 'TF.js wasm', 'TF.js cpu', 'jax-js', 'target', 'ours vs best peer']) {
    assert.ok(header!.includes(col), `header lacks "${col}": ${header}`);
  }
});

test('has every workload of the issue', () => {
  const ids = new Set(run!.rows.map((r) => r.id));
  for (const id of ['matmul-16', 'matmul-64', 'matmul-64-tA', 'add', 'exp', 'tanh', 'mlp', 'chain', 'tape-overhead', 'hvp', 'bundle', 'memory', 'f64-matmul-64', 'f64-mlp', 'f64-hvp',
    // issue 15
    'gelu', 'erf', 'cnn', 'mlp-large', 'tiny-forward', 'tiny-grad', 'matmul-64-threads', 'mlp-threads', 'mlp-large-threads', 'cnn-threads']) {
    assert.ok(ids.has(id), `no row ${id} (rows: ${[...ids].join(', ')})`);
  }
});

test('no VOID figure in a row ours runs, and ours does not fail', () => {
  const problems: string[] = [];
  for (const row of run!.rows) {
    const ours = row.cells.ours;
    if (ours === undefined || ours.status === 'na') continue;
    if (ours.status === 'fails') problems.push(`${row.id}: ours ${ours.text}`);
    for (const [col, cell] of Object.entries(row.cells)) {
      if (cell.status === 'void') problems.push(`${row.id}: ${col} ${cell.text} (${row.notes.join('; ')})`);
    }
  }
  assert.equal(problems, []);
  assert.not.match(run!.stdout, /row\(s\) with VOID/);
});

test.run();
