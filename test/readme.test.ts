// The README's examples are part of the specification: every ```ts block
// runs against the built package (it imports 'autograd-wasm', which resolves
// to dist/), and when a ```text block follows it, the output must match.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const scratch = fileURLToPath(new URL('./.readme/', import.meta.url));

interface Example {
  code: string;
  expected: string | null;
  line: number;
}

function examples(text: string): Example[] {
  const blocks = [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1],
    body: m[2],
    end: (m.index ?? 0) + m[0].length,
    line: text.slice(0, m.index).split('\n').length,
  }));
  const out: Example[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b.lang !== 'ts') continue;
    const next = blocks[i + 1];
    const adjacent = next !== undefined && next.lang === 'text' && text.slice(b.end, text.indexOf('```', b.end)).trim() === '';
    out.push({ code: b.body, expected: adjacent ? next.body.trimEnd() : null, line: b.line });
  }
  return out;
}

const test = suite('README examples');
const list = examples(readme);

test('the README has runnable examples', () => {
  assert.ok(list.length >= 5, `found ${list.length}`);
});

for (const [i, ex] of list.entries()) {
  test(`example at README.md:${ex.line}`, () => {
    mkdirSync(scratch, { recursive: true });
    const file = `${scratch}example${i}.ts`;
    writeFileSync(file, ex.code);
    let stdout: string;
    try {
      stdout = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`README.md:${ex.line} failed to run:\n${e.stderr ?? e.message}`);
    }
    if (ex.expected !== null) assert.fixture(stdout.trimEnd(), ex.expected);
  });
}

test.after(() => rmSync(scratch, { recursive: true, force: true }));
test.run();
