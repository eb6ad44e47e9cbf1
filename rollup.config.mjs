// Five outputs from src/index.ts: ESM and CJS for Node and bundlers, a
// minified IIFE (global `AutoGrad`) for <script> tags, CDNs and classic
// workers, with its source map, and the bundled declarations twice: .d.ts
// for `import`, .d.cts for `require` (TypeScript reads a declaration file's
// module format from its extension, so CommonJS consumers need their own).
// The wasm bytes are inside every JavaScript output.
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
    // maps only matter for the minified file; the others are readable as they are
    sourceMap: true,
    inlineSources: true,
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

/**
 * The map carries the sources (they are not in the package), except the
 * generated module holding the kernels' bytes: 70 KB of base64 that nobody
 * steps through.
 */
const dropGeneratedSources = () => ({
  name: 'drop-generated-sources',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'asset' || !file.fileName.endsWith('.map')) continue;
      const map = JSON.parse(String(file.source));
      map.sources.forEach((source, i) => {
        if (source.endsWith('.generated.ts')) map.sourcesContent[i] = null;
      });
      file.source = JSON.stringify(map);
    }
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
        sourcemap: true,
        // the one comment kept: whoever copies this single file copies its licences' pointer too
        banner: `/*! autograd-wasm ${version} | MIT | contains AssemblyScript (Apache-2.0): see LICENSE and THIRD_PARTY_NOTICES.md in the npm package */`,
        // keep_classnames: error classes are told apart by name (e.name === 'ShapeError').
        // Measured and not worth it (gzipped): compress.passes 2 (-0.04 KB
        // of JS, -0.00 KB overall), ecma 2020 (0), mangling the internal
        // `_fields` (-0.1 KB, but short mangled names could then match user
        // objects in duck-typing checks such as tidy's `_owner`).
        plugins: [terser({ format: { comments: /^!/ }, keep_classnames: true }), dropGeneratedSources()],
      },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    // `using` and Tensor's [Symbol.dispose] need the esnext.disposable lib
    // (TypeScript >= 5.2); the reference makes the declarations say so
    // instead of failing in projects that do not list it.
    output: ['dist/autograd.d.ts', 'dist/autograd.d.cts'].map((file) => ({
      file,
      format: 'es',
      banner: '/// <reference lib="esnext.disposable" />',
    })),
  },
];
