// Generates the README's op reference table from the doc comments in
// src/ops/*.ts and the op tables in test/ops/*.table.ts (which say how far
// each op's gradient is checked). `npm run docs` rewrites the README section
// between <!-- ops:start --> and <!-- ops:end -->; test/docs.test.ts fails
// when it is out of date.
import ts from 'typescript';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ops from '../src/ops/index';

const root = fileURLToPath(new URL('..', import.meta.url));
const FAMILIES: [string, string][] = [
  ['arithmetic', 'Arithmetic (broadcasting)'],
  ['compare', 'Comparisons and selection'],
  ['unary', 'Elementwise math'],
  ['special', 'Special functions'],
  ['elementary', 'Elementwise functions of two arguments'],
  ['bessel', 'Bessel functions'],
  ['reduce', 'Reductions'],
  ['sort', 'Sorting'],
  ['einsum', 'Einstein summation'],
  ['random', 'Sampling'],
  ['linalg', 'Linear algebra'],
  ['factor', 'Factorizations (batched over leading axes)'],
  ['shape', 'Shape'],
  ['indexing', 'Indexing and joining'],
  ['conv', 'Convolution and pooling'],
  ['nn', 'Neural networks'],
];

function summaries(file: string): Map<string, string> {
  const text = readFileSync(`${root}src/ops/${file}.ts`, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string>();
  source.forEachChild((node) => {
    // An op is `export const name = op(...)` (or compose), or an exported function.
    let name: string | undefined;
    if (ts.isFunctionDeclaration(node)) name = node.name?.text;
    else if (ts.isVariableStatement(node) && node.declarationList.declarations.length === 1) {
      const d = node.declarationList.declarations[0];
      if (ts.isIdentifier(d.name)) name = d.name.text;
    }
    if (name === undefined) return;
    if (!(node as ts.HasModifiers).modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const comment = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ').replace(/\s+/g, ' ').trim();
    if (comment === '' || out.has(name)) return;
    const first = /^(.*?[.!?])(\s|$)/.exec(comment)?.[1] ?? comment;
    out.set(name, first.replace(/\|/g, '\\|'));
  });
  return out;
}

async function orders(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const dir = `${root}test/ops/`;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.table.ts'))) {
    const mod = (await import(`${dir}${file}`)) as { cases: { name: string; order?: number }[] };
    for (const c of mod.cases) out.set(c.name, Math.max(out.get(c.name) ?? 0, c.order ?? 2));
  }
  return out;
}

export async function opReference(): Promise<string> {
  const checked = await orders();
  const exported = new Set(Object.keys(ops).filter((k) => typeof (ops as Record<string, unknown>)[k] === 'function'));
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const [file, title] of FAMILIES) {
    const docs = summaries(file);
    const names = [...docs.keys()].filter((n) => exported.has(n) && !seen.has(n));
    if (names.length === 0) continue;
    lines.push(`**${title}** (\`src/ops/${file}.ts\`)`, '', '| op | what it does | gradient |', '|---|---|---|');
    for (const name of names) {
      seen.add(name);
      const order = checked.get(name);
      const gradient = order === 0 ? 'none (constant on the tape)' : order === 1 ? 'checked to 1st order' : order === 2 ? 'checked to 2nd order' : '—';
      lines.push(`| \`${name}\` | ${docs.get(name)} | ${gradient} |`);
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

const START = '<!-- ops:start -->';
const END = '<!-- ops:end -->';

export function replaceSection(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`);
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = `${root}README.md`;
  writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), await opReference()));
  console.log('README.md: op reference updated');
}
