// Prints the size of each bundle, and the gzipped size of the CDN build
// (which carries the wasm kernels inside it), split into its two parts: the
// embedded kernels (the base64 literal) and the JavaScript around them.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);

for (const file of ['autograd.mjs', 'autograd.cjs', 'autograd.min.js']) {
  const bytes = readFileSync(new URL(`../dist/${file}`, import.meta.url));
  console.log(`dist/${file.padEnd(16)} ${kb(bytes.length).padStart(7)} KB   gzip ${kb(gz(bytes)).padStart(6)} KB`);
}
const min = readFileSync(new URL('../dist/autograd.min.js', import.meta.url), 'utf8');
const total = gz(Buffer.from(min));
// The embedded module is the one long base64 string literal in the bundle.
const literal = /(["'`])([A-Za-z0-9+/=]{1024,})\1/.exec(min);
const js = literal === null ? total : gz(Buffer.from(min.replace(literal[0], '""')));
console.log(
  `gzipped autograd.min.js (with the wasm kernels): ${kb(total)} KB ` +
    `(wasm ${kb(total - js)} KB + JS ${kb(js)} KB; budget 50 KB)`,
);
