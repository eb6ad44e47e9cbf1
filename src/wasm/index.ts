// Loading the kernel module and owning its memory. Everything else reaches
// WebAssembly through `kernels()` and the views below.

import { KERNELS_MEMORY_FLAGS_AT, KERNELS_WASM_DEFLATED, KERNELS_WASM_SIZE } from './kernels.generated';
import { inflateRaw } from './inflate';
import { attachPool, threadsSetting } from './pool';
import { threadedKernels } from './threaded';
import { ArgumentError, NotReadyError } from '../runtime/errors';

type Ptr = number;
type BinaryKernel = (a: Ptr, b: Ptr, out: Ptr, ndim: number, shape: Ptr, stridesA: Ptr, stridesB: Ptr) => void;
type UnaryKernel = (x: Ptr, out: Ptr, n: number) => void;

/** The raw exports of assembly/index.ts (pointers are byte offsets). */
export interface Kernels {
  alloc(bytes: number): Ptr;
  free(ptr: Ptr): void;
  copy_bytes(dst: Ptr, src: Ptr, bytes: number): void;
  fill_f32(ptr: Ptr, n: number, value: number): void;
  fill_f64(ptr: Ptr, n: number, value: number): void;
  cast_f32_f64(src: Ptr, dst: Ptr, n: number): void;
  cast_f64_f32(src: Ptr, dst: Ptr, n: number): void;
  normal_from_uniform(ptr: Ptr, pairs: number): void;
  copy_strided_f32(src: Ptr, out: Ptr, ndim: number, shape: Ptr, strides: Ptr): void;
  copy_strided_f64(src: Ptr, out: Ptr, ndim: number, shape: Ptr, strides: Ptr): void;
  add_f32: BinaryKernel; sub_f32: BinaryKernel; mul_f32: BinaryKernel; div_f32: BinaryKernel;
  add_f64: BinaryKernel; sub_f64: BinaryKernel; mul_f64: BinaryKernel; div_f64: BinaryKernel;
  axpy_f32(alpha: number, x: Ptr, y: Ptr, n: number): void;
  axpy_f64(alpha: number, x: Ptr, y: Ptr, n: number): void;
  neg_f32: UnaryKernel; neg_f64: UnaryKernel;
  exp_f32: UnaryKernel; exp_f64: UnaryKernel;
  log_f32: UnaryKernel; log_f64: UnaryKernel;
  sqrt_f32: UnaryKernel; sqrt_f64: UnaryKernel;
  tanh_f32: UnaryKernel; tanh_f64: UnaryKernel;
  sum_f32(x: Ptr, n: number): number;
  sum_f64(x: Ptr, n: number): number;
  sum_axis_f32(x: Ptr, out: Ptr, outer: number, n: number, inner: number): void;
  sum_axis_f64(x: Ptr, out: Ptr, outer: number, n: number, inner: number): void;
  matmul_f32(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number): void;
  matmul_f64(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number): void;
}

const PAGE = 65536;

/**
 * wasm32 can address 4 GiB (65536 pages). A lower ceiling can be set before
 * the library loads with the environment variable AUTOGRAD_MAX_MEMORY_MB (or
 * `globalThis.AUTOGRAD_MAX_MEMORY_MB` in browsers), e.g. to keep a page from
 * taking all memory, or to test running out of it.
 */
function memorySetting(): unknown {
  const g = globalThis as { AUTOGRAD_MAX_MEMORY_MB?: unknown; process?: { env?: Record<string, string | undefined> } };
  return g.AUTOGRAD_MAX_MEMORY_MB ?? g.process?.env?.AUTOGRAD_MAX_MEMORY_MB;
}

function maximumPages(): number {
  const setting = memorySetting();
  if (setting === undefined || setting === '') return 65536;
  const mb = typeof setting === 'number' ? setting : typeof setting === 'string' && /^\s*[0-9.eE+]+\s*$/.test(setting) ? Number(setting) : NaN;
  if (!Number.isFinite(mb) || mb <= 0) {
    // A limit silently ignored is worse than none: say so at load.
    throw new ArgumentError(
      `AUTOGRAD_MAX_MEMORY_MB must be a positive number of megabytes (e.g. 512), got ${JSON.stringify(String(setting))}`,
    );
  }
  return Math.max(INITIAL_PAGES, Math.min(65536, Math.floor((mb * 1024 * 1024) / PAGE)));
}

/** The most bytes the kernels' memory may grow to. */
export function memoryMaximumBytes(): number {
  return maximumPages() * PAGE;
}

/** Where that limit comes from, for error messages. */
export function maximumSource(): string {
  const setting = memorySetting();
  return setting === undefined || setting === '' ? "wasm32's 4 GiB" : `AUTOGRAD_MAX_MEMORY_MB=${String(setting)}`;
}
const INITIAL_PAGES = 16;

let instance: Kernels | null = null;
let rawExports: Record<string, unknown> | null = null;
let wasmMemory: WebAssembly.Memory | null = null;
let loadError: NotReadyError | null = null;

/** base64 to bytes: natively where Uint8Array.fromBase64 exists (recent browsers), else through atob. */
function decodeBase64(text: string): Uint8Array {
  const fromBase64 = (Uint8Array as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
  if (typeof fromBase64 === 'function') return fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type NodeProcess = { getBuiltinModule?(id: string): unknown };
type NodeZlib = { inflateRawSync(data: Uint8Array): Uint8Array };
type NodeBuffer = { Buffer: { from(text: string, encoding: 'base64'): Uint8Array } };

/**
 * The kernel module's bytes: embedded deflated (scripts/embed-wasm.mjs),
 * inflated synchronously. Node (>= 20.16 / 22.3, which have
 * process.getBuiltinModule) decodes and inflates natively, in about a
 * millisecond; elsewhere (browsers, workers, older Node) src/wasm/inflate.ts
 * does, in a few milliseconds, most of them spent before V8 optimizes it.
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const process = (globalThis as { process?: NodeProcess }).process;
  if (typeof process?.getBuiltinModule === 'function') {
    const zlib = process.getBuiltinModule('node:zlib') as NodeZlib | undefined;
    const buffer = process.getBuiltinModule('node:buffer') as NodeBuffer | undefined;
    if (zlib !== undefined && buffer !== undefined) {
      const bytes = zlib.inflateRawSync(buffer.Buffer.from(KERNELS_WASM_DEFLATED, 'base64'));
      if (bytes.length === KERNELS_WASM_SIZE) return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
    }
  }
  return inflateRaw(decodeBase64(KERNELS_WASM_DEFLATED), KERNELS_WASM_SIZE);
}

/** An AssemblyScript string: UTF-16, its byte length in the word before it. */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  const buffer = memory.buffer;
  return String.fromCharCode(...new Uint16Array(buffer, ptr, new Uint32Array(buffer, ptr - 4, 1)[0] >>> 1));
}

/**
 * What the module imports: its memory, and `abort`, which the runtime calls
 * with a message (a failed allocation: "Allocation too large") that becomes
 * a readable error instead of a bare trap.
 */
function makeImports(memory: WebAssembly.Memory) {
  const abort = (message: number, file: number, line: number, column: number): never => {
    throw new Error(`abort: ${readString(memory, message)} in ${readString(memory, file)}(${line}:${column})`);
  };
  return { env: { memory, abort } };
}

/**
 * What the front end calls: the module's exports, but for `alloc`, which
 * also notices when memory grew (below), and, on a shared memory, the
 * kernels the worker pool splits (./threaded.ts), each under its own name.
 */
function adopt(module: WebAssembly.Module, exports: WebAssembly.Exports, memory: WebAssembly.Memory, shared: boolean): void {
  const raw = exports as unknown as Record<string, unknown>;
  const own: Record<string, unknown> = { alloc: allocNoticingGrowth(raw.alloc as (bytes: number) => number) };
  if (shared) {
    attachPool(module, memory, raw);
    Object.assign(own, threadedKernels(raw, (ptr) => heapI32()[ptr >>> 2]));
  }
  // The exports object is frozen: the overrides are own properties of an object inheriting from it.
  const k = Object.create(raw) as Record<string, unknown>;
  for (const [name, value] of Object.entries(own)) Object.defineProperty(k, name, { value, enumerable: true });
  instance = k as unknown as Kernels;
  rawExports = raw;
  wasmMemory = memory;
}

/**
 * Growing an ordinary memory detaches its old ArrayBuffer, which the views
 * below notice; growing a shared one does not (the old SharedArrayBuffer
 * keeps its old length, and asking the Memory for its buffer costs ~50 ns
 * each time). Memory only grows inside the allocator, and every pointer the
 * front end reads through a view comes from it: a block ending past the
 * views is the one sign needed.
 */
function allocNoticingGrowth(alloc: (bytes: number) => number): (bytes: number) => number {
  return (bytes) => {
    const ptr = alloc(bytes);
    if (viewBuffer !== null && ptr + bytes > viewBuffer.byteLength) viewBuffer = null;
    return ptr;
  };
}

/**
 * Shared memory where the platform allows it (Node; browsers and workers of
 * a cross-origin-isolated page), so the worker pool can run kernels on every
 * core. AUTOGRAD_SHARED_MEMORY=0 (environment or global) asks for an
 * ordinary memory, e.g. to test that path in Node.
 */
function wantSharedMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; AUTOGRAD_SHARED_MEMORY?: unknown; process?: { env?: Record<string, string | undefined> } };
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  if (g.crossOriginIsolated === false) return false;
  const setting = g.AUTOGRAD_SHARED_MEMORY ?? g.process?.env?.AUTOGRAD_SHARED_MEMORY;
  return setting === undefined || String(setting) !== '0';
}

/**
 * The memory, shared when possible. The module declares its memory import
 * shared; for an ordinary memory its limits flags (one byte, found by
 * scripts/embed-wasm.mjs) lose the shared bit, and the same module runs.
 */
function makeMemory(bytes: Uint8Array): { memory: WebAssembly.Memory; shared: boolean } {
  if (wantSharedMemory()) {
    try {
      return { memory: new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maximumPages(), shared: true }), shared: true };
    } catch {
      // e.g. the address space for the maximum cannot be reserved: fall back to an ordinary memory
    }
  }
  bytes[KERNELS_MEMORY_FLAGS_AT] = 0x01;
  return { memory: new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maximumPages() }), shared: false };
}

/**
 * A Content-Security-Policy without 'wasm-unsafe-eval' (or 'unsafe-eval')
 * in script-src forbids compiling WebAssembly, synchronously or not. The
 * browsers' own messages point at 'unsafe-eval', which would also allow
 * eval(); say what is enough instead.
 */
function policyMessage(error: unknown): string | null {
  const text = error instanceof Error ? error.message : String(error);
  if (!/Content Security Policy|\bCSP\b|unsafe-eval/i.test(text)) return null;
  const directive = /directive:?\s*"([^"]+)"/.exec(text)?.[1];
  return (
    `autograd-wasm cannot run on this page: its Content-Security-Policy${directive === undefined ? '' : ` ("${directive}")`} ` +
    "forbids compiling WebAssembly. Add 'wasm-unsafe-eval' to script-src (e.g. script-src 'self' 'wasm-unsafe-eval'): " +
    "that allows WebAssembly and nothing else; 'unsafe-eval', which the browser's message names, is not needed. " +
    `(The browser said: ${text})`
  );
}

/**
 * Records why the kernels will never load. Every later call throws a
 * NotReadyError with this reason, and `ready` rejects with it; the rejection
 * is marked handled, so a page that loads the <script> bundle does not get
 * an uncaught error before its own code could attach a handler.
 */
function fail(error: unknown): Promise<never> {
  const reason = policyMessage(error) ?? `autograd-wasm: the WebAssembly kernels failed to load: ${String(error)}`;
  const failure = new NotReadyError(reason);
  failure.cause = error;
  loadError = failure;
  const rejected = Promise.reject(failure);
  rejected.catch(() => undefined);
  return rejected;
}

/**
 * Node, Deno, Bun and Web Workers may compile a module of this size
 * synchronously, so the library is usable as soon as it is imported there.
 * Browsers' main threads may refuse synchronous compilation of large
 * modules; there `ready` resolves once the asynchronous compile finishes. A
 * policy that forbids WebAssembly fails both ways: that is known at once.
 */
function load(): Promise<void> {
  threadsSetting(); // a malformed AUTOGRAD_THREADS throws here, at import, as a malformed memory limit does
  const bytes = moduleBytes();
  const { memory, shared } = makeMemory(bytes);
  try {
    const module = new WebAssembly.Module(bytes);
    adopt(module, new WebAssembly.Instance(module, makeImports(memory)).exports, memory, shared);
    return Promise.resolve();
  } catch (error) {
    if (policyMessage(error) !== null) return fail(error);
  }
  return WebAssembly.instantiate(bytes, makeImports(memory)).then((result) => adopt(result.module, result.instance.exports, memory, shared), fail);
}

/**
 * Resolves when the WebAssembly kernels are compiled. In Node and workers it
 * is already resolved when the import returns (no `await` needed there); in
 * browsers' main threads `await ag.ready` once before the first call. It
 * rejects, with the reason every call then repeats, if the kernels cannot
 * load (e.g. a Content-Security-Policy without 'wasm-unsafe-eval').
 *
 * @example
 * await ag.ready;
 * const x = ag.tensor([1, 2, 3]);
 */
export const ready: Promise<void> = load();

/** The kernel exports; throws until the module is ready. */
export function kernels(): Kernels {
  if (instance !== null) return instance;
  if (loadError !== null) {
    const error = new NotReadyError(loadError.message);
    error.cause = loadError.cause;
    throw error;
  }
  throw new NotReadyError(
    'autograd-wasm is not ready yet: in browsers, `await ag.ready` once before calling the library ' +
      '(the WebAssembly kernels compile asynchronously there).',
  );
}

type KernelDType = 'float32' | 'float64' | 'int32' | 'bool';
const SUFFIX: Record<KernelDType, string> = { float32: '_f32', float64: '_f64', int32: '_i32', bool: '_u8' };
const familyCache: Record<string, Partial<Record<KernelDType, unknown>>> = Object.create(null);

/**
 * The kernel `${base}_f32` / `_f64` / `_i32` / `_u8` for a dtype (bool is
 * stored as u8), cached per base name so hot paths build no strings. Throws
 * naming the kernel if the module has none for that dtype.
 */
export function kernelFor<F extends (...args: never[]) => unknown>(base: string, dtype: KernelDType): F {
  let family = familyCache[base];
  if (family === undefined) {
    family = {};
    familyCache[base] = family;
  }
  let fn = family[dtype];
  if (fn === undefined) {
    fn = kernel<F>(base + SUFFIX[dtype]);
    family[dtype] = fn;
  }
  return fn as F;
}

/**
 * A kernel by its exported name (`sin_f32`), for op families whose kernels
 * are not listed in the Kernels interface. Throws naming the kernel if the
 * module lacks it (a build out of date with src/).
 */
const kernelCache: Record<string, unknown> = Object.create(null);

export function kernel<F extends (...args: never[]) => unknown>(name: string): F {
  const cached = kernelCache[name];
  if (cached !== undefined) return cached as F;
  const fn = (kernels() as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') {
    throw new Error(`autograd-wasm internal error: kernel ${name} is missing from the wasm module (rebuild with npm run build)`);
  }
  kernelCache[name] = fn;
  return fn as F;
}

/**
 * The names the module exports (kernels() inherits most of them from the
 * module's exports object, so Object.keys(kernels()) lists only the
 * wrappers).
 */
export function exportNames(): string[] {
  kernels();
  return Object.keys(rawExports!);
}

export function memoryBytes(): number {
  return wasmMemory === null ? 0 : wasmMemory.buffer.byteLength;
}

// Views are cached per ArrayBuffer: growing memory detaches the old buffer,
// so comparing identities is all it takes to know a view went stale.
let viewBuffer: ArrayBufferLike | null = null;
let f32View = new Float32Array(0);
let f64View = new Float64Array(0);
let i32View = new Int32Array(0);
let u8View = new Uint8Array(0);

// Growing memory detaches the old ArrayBuffer (its byteLength becomes 0):
// checking that is cheaper than asking the Memory for its buffer each time.
function refreshViews(): void {
  // (an ordinary memory detaches its buffer when it grows; see allocNoticingGrowth for a shared one)
  if (viewBuffer !== null && viewBuffer.byteLength !== 0) return;
  const buffer = wasmMemory!.buffer;
  if (buffer !== viewBuffer) {
    viewBuffer = buffer;
    f32View = new Float32Array(buffer);
    f64View = new Float64Array(buffer);
    i32View = new Int32Array(buffer);
    u8View = new Uint8Array(buffer);
  }
}

export function heapF32(): Float32Array {
  refreshViews();
  return f32View;
}
export function heapF64(): Float64Array {
  refreshViews();
  return f64View;
}
export function heapI32(): Int32Array {
  refreshViews();
  return i32View;
}
export function heapU8(): Uint8Array {
  refreshViews();
  return u8View;
}
