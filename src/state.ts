// Saving and loading a model's state: every Param and buffer (BatchNorm's
// running statistics) reachable from the model, named by its property path
// ('layers.0.weightIh'), as a plain object of typed arrays (`stateDict`) or
// as one binary blob (`saveState`), with an optimizer's state alongside.
// Loading checks the whole state against the model first (names, shapes,
// dtypes) and writes nothing unless all of it fits.
//
// The blob, version 1 (all integers little-endian):
//   bytes 0-3   'AGWS'
//   bytes 4-7   format version (uint32, 1)
//   bytes 8-11  header length in bytes (uint32)
//   header      UTF-8 JSON: { entries: [{ name, dtype, shape, offset, bytes }],
//               optimizer?: { kind, steps, lr } }
//   data        from the first multiple of 8 after the header: each entry's
//               elements, little-endian, at its offset into the data (a
//               multiple of 8). Optimizer slots are named
//               'optimizer:<param name>#<slot>'.
// Typed arrays are copied byte for byte, so a blob reloads bit-identically
// on any little-endian host (every platform JavaScript runs on today).

import { Tensor, checkLive, type TensorArray } from './runtime/tensor';
import type { DType } from './runtime/dtype';
import { ArgumentError, DTypeError, ShapeError, describe } from './runtime/errors';
import { heapF32, heapF64, heapI32, heapU8 } from './wasm/index';
import { Tape } from './core/tape';
import { buffers } from './nn/index';
import type { Optimizer } from './optim/index';

/** One saved tensor: its dtype, shape and elements (a copy: Float32Array, Float64Array, Int32Array, or Uint8Array of 0s and 1s for bool). */
export interface StateEntry {
  dtype: DType;
  shape: number[];
  data: TensorArray;
}

/** A model's (or an optimizer's) state: entries by name. */
export type StateDict = Record<string, StateEntry>;

const FORMAT_VERSION = 1;
const MAGIC = 'AGWS';

/**
 * Every Param and buffer reachable from `model`, with the property path it
 * was first met at (the order and the graph walk of `params`: arrays and
 * Sets by position, plain objects, class instances and callable layers by
 * key, Maps by their string keys).
 */
function namedTensors(op: string, model: unknown): Map<string, Tensor> {
  const found = new Map<string, Tensor>();
  const seen = new Set<unknown>();
  const walk = (x: unknown, path: string): void => {
    if (x === null || (typeof x !== 'object' && typeof x !== 'function') || seen.has(x)) return;
    seen.add(x);
    if (x instanceof Tensor) {
      if ((x._param || buffers.has(x)) && !x._disposed) {
        const name = path === '' ? '(root)' : path;
        const other = found.get(name);
        if (other !== undefined) {
          // ({ a: { b: p }, 'a.b': q }, or a Map with object keys): one name for two tensors would load one of them with the other's values.
          throw new ArgumentError(
            `${op}: two different tensors get the name '${name}' (a key containing '.', or Map keys that print alike); ` +
              'rename one so that every Param and buffer has its own path',
          );
        }
        found.set(name, x);
      }
      return;
    }
    if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer || x instanceof Tape) return;
    const at = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (x instanceof Map) {
      for (const [k, v] of x) walk(v, at(String(k)));
      return;
    }
    if (x instanceof Set || Array.isArray(x)) {
      let i = 0;
      for (const v of x) walk(v, at(String(i++)));
      return;
    }
    for (const key of Object.keys(x)) walk((x as Record<string, unknown>)[key], at(key));
  };
  if (model === null || (typeof model !== 'object' && typeof model !== 'function')) {
    throw new ArgumentError(`${op}: expected a model (an object holding Params), got ${describe(model)}`);
  }
  walk(model, '');
  return found;
}

function entryOf(t: Tensor): StateEntry {
  return { dtype: t.dtype, shape: t.shape.slice(), data: t.data() };
}

/**
 * The state of `model`: every Param and buffer reachable from it, by
 * property path, as `{ dtype, shape, data }` with `data` a copy of its
 * elements (a Float32Array or Float64Array).
 *
 * @example
 * const model = { layer: new ag.nn.Linear(3, 2) };
 * Object.keys(ag.stateDict(model)); // ['layer.w', 'layer.b']
 */
export function stateDict(model: unknown): StateDict {
  const out: StateDict = {};
  for (const [name, t] of namedTensors('stateDict', model)) out[name] = entryOf(t);
  return out;
}

/** Writes `data` into `t` in place (a new version, as any in-place update). */
function writeInto(t: Tensor, data: TensorArray): void {
  if (t.dtype === 'float32') heapF32().set(data, t._ptr >>> 2);
  else if (t.dtype === 'float64') heapF64().set(data, t._ptr >>> 3);
  else if (t.dtype === 'int32') heapI32().set(data, t._ptr >>> 2);
  else heapU8().set(data, t._ptr);
  t._storage.markWritten();
}

type ArrayType = { new (n: number): TensorArray; BYTES_PER_ELEMENT: number; name: string };
const ARRAYS: Record<DType, ArrayType> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/** The typed array of a dtype named in a state, or null for anything else. */
function arrayOf(dtype: unknown): ArrayType | null {
  return typeof dtype === 'string' && Object.prototype.hasOwnProperty.call(ARRAYS, dtype) ? ARRAYS[dtype as DType] : null;
}

/** Problems of an entry against a tensor, or of its own data. */
function entryProblems(name: string, e: unknown, t: Tensor | null): string[] {
  if (e === null || typeof e !== 'object') return [`'${name}' is ${describe(e)}, not { dtype, shape, data }`];
  const { dtype, shape, data } = e as StateEntry;
  const Array_ = arrayOf(dtype);
  if (Array_ === null) return [`'${name}' has unknown dtype ${describe(dtype)}`];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return [`'${name}' has a bad shape ${describe(shape)}`];
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(data instanceof Array_) || data.length !== size) {
    return [`'${name}' must hold a ${Array_.name} of ${size} elements (shape [${shape.join(', ')}]), got ${describe(data)}`];
  }
  if (dtype === 'bool' && data.some((v) => v > 1)) return [`'${name}' is bool but holds values other than 0 and 1`];
  if (t === null) return [];
  const problems: string[] = [];
  if (shape.join() !== t.shape.join()) problems.push(`'${name}' has shape [${shape.join(', ')}] in the state and [${t.shape.join(', ')}] in the model`);
  if (dtype !== t.dtype) problems.push(`'${name}' is ${dtype} in the state and ${t.dtype} in the model`);
  return problems;
}

/** Checks every name, shape and dtype of `state` against `tensors`; throws listing each mismatch. */
function checkFits(op: string, what: string, tensors: Map<string, Tensor>, state: Record<string, unknown>): void {
  const problems: string[] = [];
  for (const name of tensors.keys()) if (!(name in state)) problems.push(`'${name}' is in the ${what} but not in the state`);
  for (const name of Object.keys(state)) {
    const t = tensors.get(name) ?? null;
    if (t === null) problems.push(`'${name}' is in the state but not in the ${what}`);
    problems.push(...entryProblems(name, state[name], t));
  }
  if (problems.length > 0) {
    // The error's class says what kind of mismatch it is when there is one kind.
    const only = (text: string) => problems.every((p) => p.includes(text));
    const error = only(' in the state and ') && only(' has shape ') ? ShapeError : only(' in the state and ') && only(' is ') ? DTypeError : ArgumentError;
    throw new error(`${op}: the state does not fit the ${what}: ${problems.join('; ')}`);
  }
}

/**
 * Loads `state` (as `stateDict` gives it) into the Params and buffers of
 * `model`, in place. Every name, shape and dtype is checked first, and the
 * error names each mismatch (a name missing from either side, a shape or a
 * dtype that differs); nothing is written unless all of it fits.
 *
 * @example
 * const saved = ag.stateDict(model);
 * // ... train, or build a fresh model of the same architecture ...
 * ag.loadStateDict(model, saved);
 */
export function loadStateDict(model: unknown, state: StateDict): void {
  if (state === null || typeof state !== 'object') throw new ArgumentError(`loadStateDict: expected a state object (from stateDict), got ${describe(state)}`);
  const tensors = namedTensors('loadStateDict', model);
  checkFits('loadStateDict', 'model', tensors, state as Record<string, unknown>);
  for (const [name, t] of tensors) {
    checkLive(t, 'loadStateDict');
    writeInto(t, state[name].data);
  }
}

// ---- optimizer state, named after the model's Params ----

function optimizerEntries(op: string, optimizer: Optimizer, names: Map<Tensor, string>): { meta: { kind: string; steps: number; lr: number }; entries: StateDict } {
  const s = optimizer.state();
  const entries: StateDict = {};
  for (const [p, slots] of s.slots) {
    const name = names.get(p);
    if (name === undefined) throw new ArgumentError(`${op}: the optimizer holds state for a Param that the model does not reach; save the model the optimizer updates`);
    slots.forEach((t, k) => (entries[`${name}#${k}`] = entryOf(t)));
  }
  return { meta: { kind: s.kind, steps: s.steps, lr: s.lr }, entries };
}

function checkOptimizer(op: string, optimizer: unknown): Optimizer {
  if (optimizer === null || typeof optimizer !== 'object' || typeof (optimizer as Optimizer).state !== 'function') {
    throw new ArgumentError(`${op}: optimizer must be an optimizer (ag.sgd, ag.adam, ag.rmsprop), got ${describe(optimizer)}`);
  }
  return optimizer as Optimizer;
}

// ---- the binary blob ----

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/**
 * The state of `model` (and, if given, of its `optimizer`: its kind, step
 * count, learning rate and per-Param slots such as Adam's moments) as one
 * binary blob: a versioned header naming each tensor with its dtype and
 * shape, then the elements. `loadState` reads it back, bit for bit, in Node
 * or a browser.
 *
 * @example
 * const bytes = ag.saveState(model, opt);      // Uint8Array: write it to a file, IndexedDB...
 * ag.loadState(freshModel, bytes, freshOpt);
 */
export function saveState(model: unknown, optimizer?: Optimizer): Uint8Array {
  if (!littleEndian()) throw new ArgumentError('saveState: this host is big-endian; the format is little-endian');
  const tensors = namedTensors('saveState', model);
  const entries: [string, StateEntry][] = [...tensors].map(([name, t]) => [name, entryOf(t)]);
  let meta: { kind: string; steps: number; lr: number } | undefined;
  if (optimizer !== undefined) {
    const names = new Map<Tensor, string>([...tensors].map(([n, t]) => [t, n]));
    const o = optimizerEntries('saveState', checkOptimizer('saveState', optimizer), names);
    meta = o.meta;
    entries.push(...Object.entries(o.entries).map(([n, e]) => [`optimizer:${n}`, e] as [string, StateEntry]));
  }
  let offset = 0;
  const items = entries.map(([name, e]) => {
    const item = { name, dtype: e.dtype, shape: e.shape, offset, bytes: e.data.byteLength };
    offset += align8(e.data.byteLength);
    return item;
  });
  const header = new TextEncoder().encode(JSON.stringify({ entries: items, optimizer: meta }));
  const dataStart = align8(12 + header.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  entries.forEach(([, e], i) => out.set(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength), dataStart + items[i].offset));
  return out;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

interface Header {
  entries: { name: string; dtype: DType; shape: number[]; offset: number; bytes: number }[];
  optimizer?: { kind: string; steps: number; lr: number };
}

function readBlob(op: string, bytes: unknown): { header: Header; entries: StateDict } {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`${op}: expected the Uint8Array that saveState made, got ${describe(bytes)}`);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new ArgumentError(`${op}: these bytes are not a saved state (no 'AGWS' header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new ArgumentError(`${op}: the state was saved in format version ${version}; this library reads version ${FORMAT_VERSION}`);
  const headerBytes = view.getUint32(8, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerBytes))) as Header;
  } catch {
    throw new ArgumentError(`${op}: the state's header is not valid (truncated or corrupted bytes)`);
  }
  const dataStart = align8(12 + headerBytes);
  const entries: StateDict = {};
  for (const e of header.entries ?? []) {
    const Array_ = arrayOf(e.dtype);
    if (Array_ === null) throw new ArgumentError(`${op}: entry '${e.name}' has unknown dtype ${describe(e.dtype)}`);
    const start = dataStart + e.offset;
    if (!Number.isInteger(e.offset) || e.offset < 0 || !Number.isInteger(e.bytes) || e.bytes < 0 || e.bytes % Array_.BYTES_PER_ELEMENT !== 0) {
      throw new ArgumentError(`${op}: entry '${e.name}' has a corrupted offset or size (${describe(e.offset)}, ${describe(e.bytes)} bytes of ${e.dtype})`);
    }
    if (start + e.bytes > bytes.length) throw new ArgumentError(`${op}: the state is truncated: entry '${e.name}' ends at byte ${start + e.bytes} of ${bytes.length}`);
    const data = new Array_(e.bytes / Array_.BYTES_PER_ELEMENT);
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + e.bytes));
    entries[e.name] = { dtype: e.dtype, shape: e.shape, data };
  }
  return { header, entries };
}

/**
 * Loads a blob made by `saveState` into `model` (and into `optimizer`, which
 * must then have been saved with one of the same kind). Names, shapes and
 * dtypes are all checked before anything is written; the error names every
 * mismatch.
 *
 * @example
 * ag.loadState(model, bytes);
 * ag.loadState(model, bytes, opt); // the optimizer resumes where it was saved
 */
export function loadState(model: unknown, bytes: Uint8Array, optimizer?: Optimizer): void {
  const { header, entries } = readBlob('loadState', bytes);
  const tensors = namedTensors('loadState', model);
  const modelPart: StateDict = {};
  const optPart: StateDict = {};
  for (const [name, e] of Object.entries(entries)) {
    if (name.startsWith('optimizer:')) optPart[name.slice('optimizer:'.length)] = e;
    else modelPart[name] = e;
  }
  checkFits('loadState', 'model', tensors, modelPart);
  let optimizerLoad: (() => void) | null = null;
  if (optimizer !== undefined) {
    const opt = checkOptimizer('loadState', optimizer);
    if (header.optimizer === undefined) throw new ArgumentError('loadState: an optimizer was given but the state was saved without one');
    const current = opt.state();
    if (header.optimizer.kind !== current.kind) {
      throw new ArgumentError(`loadState: the state holds ${header.optimizer.kind} state, the optimizer given is ${current.kind}`);
    }
    const slots = new Map<Tensor, (Float32Array | Float64Array)[]>();
    const problems: string[] = [];
    for (const [key, e] of Object.entries(optPart)) {
      const hash = key.lastIndexOf('#');
      const t = tensors.get(key.slice(0, hash));
      if (t === undefined) {
        problems.push(`optimizer state '${key}' is for a Param the model does not have`);
        continue;
      }
      problems.push(...entryProblems(`optimizer:${key}`, e, t));
      const list = slots.get(t) ?? [];
      list[Number(key.slice(hash + 1))] = e.data as Float32Array | Float64Array; // a float Param's dtype, checked above
      slots.set(t, list);
    }
    if (problems.length > 0) throw new ArgumentError(`loadState: the optimizer state does not fit the model: ${problems.join('; ')}`);
    const meta = header.optimizer;
    optimizerLoad = () => opt.loadState({ kind: meta.kind, steps: meta.steps, lr: meta.lr, slots });
  }
  if (optimizerLoad !== null) optimizerLoad();
  for (const [name, t] of tensors) {
    checkLive(t, 'loadState');
    writeInto(t, modelPart[name].data);
  }
}

