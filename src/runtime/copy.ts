// Telling this copy of the library from another one in the same program.
//
// A program can load autograd-wasm twice: `import` gets dist/autograd.mjs
// and `require` dist/autograd.cjs (mixed codebases and some bundlers do
// both), or two versions sit in node_modules, or a page has the <script>
// bundle and a module. Each copy has its own WebAssembly memory, so a tensor
// of one copy means nothing to another, and `instanceof` checks fail with a
// puzzling "must be a Tensor, got Tensor". Every copy brands its Tensor and
// Tape prototypes under a registry symbol (Symbol.for is shared by every
// copy in the program) with a record of which copy it is; `describe` (used
// by every argument check) reads it to say what happened.
//
// Sharing one instance between the entry points was the alternative: an ESM
// wrapper over the CommonJS file in Node. It would fix only import+require of
// one version under Node, and would hand bundlers CommonJS; two versions,
// bundler duplicates and <script>+module pages would still split. The
// diagnosis covers all of them.

/** Which copy this is: rollup.config.mjs stamps each bundle with its file and the package version. */
export interface CopyInfo {
  readonly file: string;
  readonly version: string;
}

const stampedFile: string = '<autograd-wasm file>';
const stampedVersion: string = '<autograd-wasm version>';

export const thisCopy: CopyInfo = {
  file: stampedFile.startsWith('<') ? 'src/ (not bundled)' : stampedFile,
  version: stampedVersion.startsWith('<') ? 'source' : stampedVersion,
};

type Kind = 'Tensor' | 'Tape';
const brands: Record<Kind, symbol> = {
  Tensor: Symbol.for('autograd-wasm.Tensor'),
  Tape: Symbol.for('autograd-wasm.Tape'),
};

/** Marks the instances of `cls` as this copy's `kind`. */
export function brand(cls: { prototype: object }, kind: Kind): void {
  Object.defineProperty(cls.prototype, brands[kind], { value: thisCopy });
}

/**
 * For a Tensor or Tape of another copy, says so, which copy made it and what
 * to do; null for anything else (this copy's own objects included).
 */
export function describeForeign(x: object): string | null {
  for (const kind of ['Tensor', 'Tape'] as const) {
    const copy = (x as Record<symbol, CopyInfo | undefined>)[brands[kind]];
    if (copy === undefined || copy === thisCopy) continue;
    const same = copy.file === thisCopy.file && copy.version === thisCopy.version;
    return (
      `a ${kind} of another copy of autograd-wasm (${copy.file} ${copy.version}${same ? ', another instance' : ''}; ` +
      `this is ${thisCopy.file} ${thisCopy.version}). Each copy has its own WebAssembly memory, so tensors cannot ` +
      'pass between copies: load the library one way only (import everywhere, or require everywhere) and one version ' +
      '(see `npm ls autograd-wasm`)'
    );
  }
  return null;
}
