// Four outputs from src/index.ts: ESM and CJS for Node and bundlers, a
// minified IIFE (global `AutoGrad`) for <script> tags and CDNs, and one
// bundled .d.ts. The wasm bytes are inside every JavaScript output.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import nodeResolve from '@rollup/plugin-node-resolve';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    noEmit: false,
    declaration: false,
    outDir: undefined,
    sourceMap: false,
  });

/**
 * Stamps each output with its file name and the package version (src/copy.ts
 * holds the placeholders), so that a tensor passed from one copy of the
 * library to another can be reported as such: "a Tensor of dist/autograd.cjs
 * 0.1.0, this is dist/autograd.mjs 0.1.0".
 */
const stampCopy = () => ({
  name: 'stamp-copy',
  renderChunk(code, _chunk, options) {
    const file = `dist/${basename(options.file)}`;
    const stamped = code.replace("'<autograd-wasm file>'", JSON.stringify(file)).replace("'<autograd-wasm version>'", JSON.stringify(version));
    if (stamped === code) throw new Error('stamp-copy: the placeholders of src/copy.ts were not found');
    return { code: stamped, map: null };
  },
});

export default [
  {
    input: 'src/index.ts',
    plugins: [nodeResolve(), ts(), stampCopy()],
    output: [
      { file: 'dist/autograd.mjs', format: 'es' },
      { file: 'dist/autograd.cjs', format: 'cjs', exports: 'named' },
      {
        file: 'dist/autograd.min.js',
        format: 'iife',
        name: 'AutoGrad',
        exports: 'named',
        // keep_classnames: error classes are told apart by name (e.name === 'ShapeError').
        // Measured and not worth it (gzipped): compress.passes 2 (-0.04 KB
        // of JS, -0.00 KB overall), ecma 2020 (0), mangling the internal
        // `_fields` (-0.1 KB, but short mangled names could then match user
        // objects in duck-typing checks such as tidy's `_owner`).
        plugins: [terser({ format: { comments: false }, keep_classnames: true })],
      },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    // `using` and Tensor's [Symbol.dispose] need the esnext.disposable lib
    // (TypeScript >= 5.2); the reference makes the declarations say so
    // instead of failing in projects that do not list it.
    output: { file: 'dist/autograd.d.ts', format: 'es', banner: '/// <reference lib="esnext.disposable" />' },
  },
];
