// Writes THIRD_PARTY_NOTICES.md: the notices for third-party code that
// ships inside dist/. That is AssemblyScript's: the kernels compiled by
// `asc` (embedded in every JavaScript output) contain AssemblyScript's
// runtime and standard library (src/wasm/index.ts instantiates them itself;
// @assemblyscript/loader is no longer bundled). It is Apache-2.0, which asks
// for the licence text and
// the project's NOTICE to travel with the code. The text is taken from the
// installed packages, so a test can tell when an upgrade changed it
// (`npm run notices` rewrites the file).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const read = (path) => readFileSync(new URL(`../node_modules/${path}`, import.meta.url), 'utf8');

export function notices() {
  const compiler = JSON.parse(read('assemblyscript/package.json'));
  return [
    '# Third-party notices',
    '',
    "autograd-wasm is MIT-licensed (see LICENSE). Its built files in dist/ also contain AssemblyScript's code:",
    '',
    `- the runtime and standard library of \`assemblyscript\` ${compiler.version} (${compiler.license}), compiled`,
    '  into the WebAssembly kernels embedded in dist/autograd.mjs, dist/autograd.cjs and dist/autograd.min.js.',
    '',
    'It is covered by the NOTICE and the licence below.',
    '',
    '## AssemblyScript NOTICE',
    '',
    '```text',
    read('assemblyscript/NOTICE').trimEnd(),
    '```',
    '',
    '## Apache License 2.0',
    '',
    '```text',
    read('assemblyscript/LICENSE').trimEnd(),
    '```',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../THIRD_PARTY_NOTICES.md', import.meta.url), notices());
  console.log('wrote THIRD_PARTY_NOTICES.md');
}
