// Prints the size of each bundle, and the gzipped size of the CDN build
// (which carries the wasm kernels inside it).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

for (const file of ['autograd.mjs', 'autograd.cjs', 'autograd.min.js']) {
  const bytes = readFileSync(new URL(`../dist/${file}`, import.meta.url));
  const gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`dist/${file.padEnd(16)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB   gzip ${(gz / 1024).toFixed(1).padStart(6)} KB`);
}
const min = readFileSync(new URL('../dist/autograd.min.js', import.meta.url));
console.log(`gzipped autograd.min.js (with the wasm kernels): ${(gzipSync(min, { level: 9 }).length / 1024).toFixed(1)} KB`);
