// The README claims only what was measured. Its performance section is
// generated (scripts/perf-summary.ts) from bench/results/latest.json, with
// the load average that run saw, and from a fresh probe of TensorFlow.js's
// nested gradients (scripts/tf-hvp.ts); here it is generated again and must
// be what the README says. Performance figures elsewhere in the README are
// refused, and the few facts the prose states about examples and scripts are
// checked against the code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { latestResults, performanceSection, readSection } from '../scripts/perf-summary';
import { HVP_CASES, probeTfjsHvp } from '../scripts/tf-hvp';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
const test = suite('README performance and claims');

test('README performance section: generated from bench/results/latest.json and the TF.js probe (node --import tsx scripts/perf-summary.ts)', async () => {
  const outcomes = await probeTfjsHvp();
  assert.is(outcomes.length, 2 * HVP_CASES.length, 'every case on both TF.js backends');
  const expected = performanceSection(latestResults(), outcomes);
  const actual = readSection(readme);
  if (actual !== expected) {
    const a = actual.split('\n');
    const e = expected.split('\n');
    const i = a.findIndex((line, k) => line !== e[k]);
    assert.unreachable(`README.md performance section is stale (run node --import tsx scripts/perf-summary.ts); first difference at line ${i + 1}:\n  README:    ${a[i]}\n  generated: ${e[i]}`);
  }
});

test('README performance section: states the load average of the run', () => {
  const { start, end } = latestResults().env.loadAverage;
  const section = readSection(readme);
  for (const v of [...start, ...end]) assert.ok(section.includes(v.toFixed(2)), `load average ${v} is not in the section`);
});

test('no performance figures outside the generated section', () => {
  const outside = readme.replace(/<!-- perf:start -->[\s\S]*<!-- perf:end -->/, '').replace(/```[\s\S]*?```/g, '');
  const figures = outside.match(/[^\n]*(GFLOP\/s|Melem\/s|M\/s\b|µs|\b\d+(\.\d+)?x\b|times faster|× faster)[^\n]*/g) ?? [];
  assert.equal(figures, [], 'performance figures belong in the generated section (scripts/perf-summary.ts)');
});

test('the MNIST prose counts the digits the example prints', () => {
  const prose = /trained with Adam on ([\d,]+) of the ([\d,]+) digits[\s\S]*?tested on the other ([\d,]+)/.exec(readme);
  assert.ok(prose, 'the MNIST paragraph names its train and test counts');
  const printed = /test accuracy [\d.]+% on (\d+) held-out digits/.exec(readme);
  assert.ok(printed, 'the MNIST output names the test count');
  const n = (s: string) => Number(s.replace(/,/g, ''));
  assert.is(n(prose![3]), Number(printed![1]), 'test digits in the prose and in the output');
  assert.is(n(prose![1]) + n(prose![3]), n(prose![2]), 'train + test = all digits');
});

test('every npm script the README names exists, and `npm start` is the file it says', () => {
  for (const m of readme.matchAll(/npm run ([\w-]+(?::[\w-]+)*)/g)) assert.ok(m[1] in pkg.scripts, `README mentions npm run ${m[1]}, package.json has no such script`);
  const starts = [...readme.matchAll(/`?npm start`?[^.\n]*?\(?`?(examples\/[\w./-]+\.ts)`?/g)];
  assert.ok(starts.length > 0, 'the README says what npm start runs');
  for (const m of starts) assert.ok(pkg.scripts.start.includes(m[1]), `README says npm start runs ${m[1]}; package.json: ${pkg.scripts.start}`);
});

test.run();
