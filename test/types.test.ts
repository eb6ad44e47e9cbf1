// The published types, checked by the TypeScript compiler under --strict:
// test/types/api.ts (exact types of grad/gradloss results, readonly shapes,
// `using`, and the lines that must not compile) and every ```ts example of
// the README, as a user's project sees them: 'autograd-wasm' resolves
// through package.json "exports" to the built dist/autograd.d.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const apiSpec = join(root, 'test', 'types', 'api.ts');

/** The README's ```ts blocks, each as the module a user would write. */
function readmeExamples(): { name: string; code: string }[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({
    name: `README.md:${readme.slice(0, m.index).split('\n').length}`,
    code: m[1],
  }));
}

/**
 * Type-checks files (real or given as text) placed inside the repository,
 * so that 'autograd-wasm' resolves to this package; returns the messages.
 */
function typeErrors(real: string[], virtual: Map<string, string>, options: ts.CompilerOptions): string[] {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(name);
    return text === undefined ? getSourceFile(name, language, ...rest) : ts.createSourceFile(name, text, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  const program = ts.createProgram([...real, ...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${d.file.fileName.slice(root.length)}:${line + 1}: ${text}`;
  });
}

const strict: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
};

const types = suite('types');

interface Checked {
  /** messages for test/types/api.ts and its altered copy */
  spec: string[];
  /** messages for the README examples, by example */
  readme: string[];
  alteredLine: number;
}
let checked: Checked | null = null;

/**
 * One program for the spec, a copy of it with one expectation changed (it
 * must fail on that line only, which shows the checks can fail at all) and
 * the README examples; the declarations themselves are checked, with no DOM
 * and no @types/node, by test/package.test.ts (node16).
 */
function check(): Checked {
  if (checked !== null) return checked;
  if (!existsSync(join(root, 'dist', 'autograd.d.ts'))) {
    throw new Error('dist/autograd.d.ts is missing: run `npm run build` (the type tests check the built declarations)');
  }
  const spec = readFileSync(apiSpec, 'utf8');
  const altered = spec.replace('is<ag.Tensor>()(ag.grad(f)(x));', 'is<number>()(ag.grad(f)(x));');
  assert.ok(altered !== spec, 'the line to alter is missing from test/types/api.ts');
  const files = new Map<string, string>([[join(root, 'test', 'types', 'altered.ts'), altered]]);
  const examples = readmeExamples();
  examples.forEach((ex, i) => files.set(join(root, 'test', 'types', `readme-${i}.ts`), `// ${ex.name}\n${ex.code}`));
  // The MNIST example imports the untyped `mnist` package: a user declares it once.
  files.set(
    join(root, 'test', 'types', 'mnist.d.ts'),
    "declare module 'mnist' { const digits: Record<number, { length: number; get(i: number): number[] }>; export default digits; }",
  );
  const errors = typeErrors([apiSpec], files, { ...strict, lib: ['lib.es2022.d.ts'], types: ['node'], skipLibCheck: true });
  const readme = errors
    .filter((e) => /readme-\d+\.ts:/.test(e))
    .map((e) => {
      const [, i, line] = /readme-(\d+)\.ts:(\d+)/.exec(e)!;
      return `${examples[Number(i)].name} (+${Number(line) - 1} lines): ${e}`;
    });
  assert.ok(examples.length >= 5, `found ${examples.length} README examples`);
  checked = {
    spec: errors.filter((e) => !/readme-\d+\.ts:/.test(e)),
    readme,
    alteredLine: altered.split('\n').findIndex((l) => l === 'is<number>()(ag.grad(f)(x));') + 1,
  };
  return checked;
}

types('test/types/api.ts compiles under --strict; the same file with one wrong expectation fails on that line only', () => {
  const { spec, alteredLine } = check();
  assert.equal(spec, [`test/types/altered.ts:${alteredLine}: Expected 2 arguments, but got 1.`]);
});

types('every ```ts example of the README type-checks under --strict', () => {
  assert.equal(check().readme, []);
});

types.run();
