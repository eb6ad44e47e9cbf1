// Runs every uvu suite in test/ (files named *.test.ts, browser suites
// included) in one process and ends with the plain summary line CI reads:
// "N passed, M failed". Pass file-name fragments to run only some suites:
//   npm test -- tensor core
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Outcome = [errors: string, passed: number, skipped: number, total: number];
type Runner = () => Promise<Outcome>;
const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: (string | null | Runner)[][]; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];

const root = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures') out.push(...findTests(path));
    } else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = findTests(root).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
for (let i = 0; i < files.length; i++) {
  g.UVU_INDEX = i;
  g.UVU_QUEUE.push([relative(root, files[i])]);
  await import(pathToFileURL(files[i]).href);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const started = Date.now();
for (const group of g.UVU_QUEUE) {
  const name = group.shift() as string;
  process.stdout.write(`${name}\n`);
  for (const run of group as Runner[]) {
    const [errors, ran, skip, total] = await run();
    passed += ran;
    skipped += skip;
    // uvu's total counts the tests that ran (skipped ones are not in it)
    failed += total - ran;
    if (errors.length > 0) process.stdout.write(`\n${errors}\n`);
  }
  process.stdout.write('\n');
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${files.length} files in ${seconds} s${skipped > 0 ? `, ${skipped} skipped` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
