// Layers as callable objects, in the seed's style: each is a small class a
// user could have written, holding Params (so `params(model)` finds them),
// and callable like a function: `layer(x)`. Examples of the pattern, not a
// framework: any function Tensor => Tensor composes with them.

import { Tensor } from '../runtime/tensor';
import { keep } from '../runtime/tidy';
import { rand, randn, tensor, zeros, ones } from '../runtime/create';
import { detach } from '../runtime/tensor';
import { type DType } from '../runtime/dtype';
import { makeParams } from '../core/diff';
import { ArgumentError, ShapeError, describe } from '../runtime/errors';
import { shapeString } from '../runtime/shape';
import { checkTensor } from '../ops/args';
import { add, mul, sub } from '../ops/arithmetic';
import { sigmoid, tanh } from '../ops/unary';
import { concat, flip, pad, slice, split, stack, unstack } from '../ops/indexing';
import { broadcastTo, transpose } from '../ops/shape';
import { matmul } from '../ops/linalg';
import { reshape } from '../ops/shape';
import { conv2d } from '../ops/conv';
import { batchNorm, dropout, embedding, layerNorm, softmax, type Ids } from '../ops/nn';

/** A function from tensors to a tensor, with Params as properties. */
export interface Layer {
  // The layers below narrow this with their own call signatures.
  (x: Tensor, ...rest: any[]): any;
}

/**
 * Base class of the layers: an instance is a function (`layer(x)` calls
 * `forward`) that also has the class's properties and methods.
 */
export abstract class Layer {
  /** Whether dropout-like layers are in training mode (see `setTraining`); true when made. */
  declare training: boolean;

  constructor() {
    const call = ((...args: unknown[]) => (call as unknown as { forward: (...a: unknown[]) => unknown }).forward(...args)) as unknown as Layer;
    Object.setPrototypeOf(call, new.target.prototype);
    // Set on the function that is returned: an initializer would set it on
    // the `this` the constructor discards.
    (call as unknown as { training: boolean }).training = true;
    return call;
  }

  abstract forward(x: Tensor, ...rest: any[]): any;
}

export interface InitOptions {
  dtype?: DType;
  /** 'glorot' (uniform, the default) or 'he' (uniform, for ReLU networks). */
  init?: 'glorot' | 'he';
}

function uniform(shape: readonly number[], bound: number, dtype: DType): Tensor {
  return sub(mul(rand(shape, { dtype }), 2 * bound), bound);
}

function initBound(op: string, init: unknown, fanIn: number, fanOut: number): number {
  if (init === undefined || init === 'glorot') return Math.sqrt(6 / (fanIn + fanOut));
  if (init === 'he') return Math.sqrt(6 / fanIn);
  throw new ArgumentError(`${op}: init must be 'glorot' or 'he', got ${describe(init)}`);
}

/**
 * Checks a layer's input before its ops see it, so that a wrong size names
 * the layer and the size it expects, not only the op that failed inside it.
 * `axis` is the axis that must have `size` entries (negative from the end),
 * `rank` the number of axes if fixed, `layout` how the expected shape reads.
 */
function checkInput(layer: string, x: unknown, layout: string, axis: number, size: number, rank?: number): Tensor {
  const t = checkTensor(layer, x, 'input');
  const at = axis < 0 ? t.ndim + axis : axis;
  if ((rank !== undefined && t.ndim !== rank) || at < 0 || at >= t.ndim || t.shape[at] !== size) {
    throw new ShapeError(`${layer}: expected input of shape ${layout}, got ${shapeString(t.shape)}`);
  }
  return t;
}

/** A constant tensor from flat values. */
function tensorOf(values: Float64Array, shape: number[], dtype: DType): Tensor {
  return tensor(values, { shape, dtype });
}

/** A layer's parameter dtype: float32 by default, float64 on request, nothing else (an int32 layer cannot be trained). */
function layerDType(layer: string, dtype: unknown): 'float32' | 'float64' {
  if (dtype === undefined) return 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new ArgumentError(`${layer}: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  return dtype;
}

/** A number in [min, max] (min excluded unless `withMin`). */
function numberIn(op: string, name: string, v: unknown, min: number, max: number, withMin: boolean): number {
  if (typeof v !== 'number' || !(withMin ? v >= min : v > min) || !(v <= max)) {
    throw new ArgumentError(`${op}: ${name} must be a number in ${withMin ? '[' : '('}${min}, ${max}${max === Infinity ? ')' : ']'}, got ${describe(v)}`);
  }
  return v;
}

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ArgumentError(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

export interface Linear {
  (x: Tensor): Tensor;
}
/**
 * `y = x W + b` for x of shape [..., inFeatures].
 *
 * @example
 * const layer = new ag.nn.Linear(784, 128, { init: 'he' });
 * const y = layer(x); // [batch, 128]
 */
export class Linear extends Layer {
  w: Tensor;
  b: Tensor | null;
  constructor(inFeatures: number, outFeatures: number, options: InitOptions & { bias?: boolean } = {}) {
    super();
    checkOptions('Linear', options, ['dtype', 'init', 'bias']);
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    const dtype = layerDType('Linear', options.dtype);
    const bound = initBound('Linear', options.init, inFeatures, outFeatures);
    [this.w, this.b] = makeParams(() => [
      uniform([inFeatures, outFeatures], bound, dtype),
      options.bias === false ? null : zeros([outFeatures], { dtype }),
    ]);
  }
  forward(x: Tensor): Tensor {
    const [inFeatures, outFeatures] = this.w.shape;
    checkInput(`Linear(${inFeatures} → ${outFeatures})`, x, `[..., ${inFeatures}] (features last)`, -1, inFeatures);
    const y = matmul(x, this.w);
    return this.b === null ? y : add(y, this.b);
  }
}

/** How Conv2d fills the border: PyTorch's `padding_mode`. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of Conv2d: everything after PyTorch's positional (inChannels, outChannels, kernelSize). */
export interface Conv2dOptions extends InitOptions {
  stride?: number | [number, number];
  /** Per side, a number or [h, w]; or 'valid' (none) or 'same' (output size = input size; stride 1; odd extra goes after, as PyTorch). */
  padding?: number | [number, number] | 'same' | 'valid';
  dilation?: number | [number, number];
  groups?: number;
  bias?: boolean;
  /** What the padding holds (default 'zeros'): a mirror without the edge ('reflect'), the edge repeated ('replicate'), or the opposite side ('circular'). */
  paddingMode?: PaddingMode;
}

const pairOf = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);

/** x padded along `axis` by `before` and `after` entries taken from x itself, as `mode` says. */
function padAxis(x: Tensor, axis: number, before: number, after: number, mode: Exclude<PaddingMode, 'zeros'>): Tensor {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis];
  const at = (start: number | null, stop: number | null, step: number | null = null) =>
    slice(x, ...x.shape.map((_, k) => (k === axis ? ([start, stop, step] as const) : null)));
  const parts: Tensor[] = [];
  if (mode === 'reflect') {
    if (before > 0) parts.push(flip(at(1, before + 1), axis));
    parts.push(x);
    if (after > 0) parts.push(flip(at(n - 1 - after, n - 1), axis));
  } else if (mode === 'replicate') {
    const edge = (k: number, count: number) => broadcastTo(at(k, k + 1), x.shape.map((d, j) => (j === axis ? count : d)));
    if (before > 0) parts.push(edge(0, before));
    parts.push(x);
    if (after > 0) parts.push(edge(n - 1, after));
  } else {
    if (before > 0) parts.push(at(n - before, n));
    parts.push(x);
    if (after > 0) parts.push(at(0, after));
  }
  return concat(parts, axis);
}

export interface Conv2d {
  (x: Tensor): Tensor;
}
/**
 * A 2-D convolution over NCHW input with its own weight [out, in/groups, kh,
 * kw] and bias. PyTorch's positional arguments (inChannels, outChannels,
 * kernelSize), the rest as options: stride, padding (a number, [h, w],
 * 'valid' or 'same'), dilation, groups, bias, paddingMode ('zeros',
 * 'reflect', 'replicate', 'circular').
 *
 * @example
 * const conv = new ag.nn.Conv2d(1, 8, 3, { padding: 1 });
 * conv(images); // [N, 8, H, W]
 * const wrap = new ag.nn.Conv2d(1, 8, 3, { padding: 'same', paddingMode: 'circular' });
 */
export class Conv2d extends Layer {
  w: Tensor;
  b: Tensor | null;
  /** Padding [top, bottom, left, right], applied before the convolution unless zeros are symmetric. */
  private readonly pads: [number, number, number, number];
  constructor(
    inChannels: number,
    outChannels: number,
    kernel: number | [number, number],
    readonly options: Conv2dOptions = {},
  ) {
    super();
    checkOptions('Conv2d', options, ['dtype', 'init', 'stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode']);
    positiveInt('Conv2d', 'inChannels', inChannels);
    positiveInt('Conv2d', 'outChannels', outChannels);
    const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
    const groups = options.groups ?? 1;
    const mode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
      throw new ArgumentError(`Conv2d: paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got ${describe(mode)}`);
    }
    const [dh, dw] = pairOf(options.dilation, 1);
    const padding = options.padding ?? 0;
    if (padding === 'same') {
      const [sh, sw] = pairOf(options.stride, 1);
      if (sh !== 1 || sw !== 1) throw new ArgumentError(`Conv2d: padding 'same' needs stride 1, got stride ${describe(options.stride)}`);
      const th = dh * (kh - 1);
      const tw = dw * (kw - 1);
      this.pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
    } else if (padding === 'valid') {
      this.pads = [0, 0, 0, 0];
    } else {
      const [ph, pw] = pairOf(padding as number | [number, number], 0);
      this.pads = [ph, ph, pw, pw];
    }
    const dtype = layerDType('Conv2d', options.dtype);
    const fanIn = (inChannels / groups) * kh * kw;
    const bound = initBound('Conv2d', options.init ?? 'he', fanIn, (outChannels / groups) * kh * kw);
    [this.w, this.b] = makeParams(() => [
      uniform([outChannels, inChannels / groups, kh, kw], bound, dtype),
      options.bias === false ? null : zeros([outChannels], { dtype }),
    ]);
  }
  forward(x: Tensor): Tensor {
    const { stride, dilation, groups } = this.options;
    const mode = this.options.paddingMode ?? 'zeros';
    const [outChannels, perGroup, kh, kw] = this.w.shape;
    const inChannels = perGroup * (groups ?? 1);
    checkInput(`Conv2d(${inChannels} → ${outChannels}, ${kh}x${kw})`, x, `[N, ${inChannels}, H, W]`, 1, inChannels, 4);
    const [top, bottom, left, right] = this.pads;
    let input = x;
    let padding: [number, number] = [0, 0];
    if (mode === 'zeros' && top === bottom && left === right) padding = [top, left];
    else if (mode === 'zeros') input = pad(x, [[0, 0], [0, 0], [top, bottom], [left, right]]);
    else input = padAxis(padAxis(x, 2, top, bottom, mode), 3, left, right, mode);
    const y = conv2d(input, this.w, { stride, padding, dilation, groups });
    return this.b === null ? y : add(y, reshape(this.b, [1, this.b.shape[0], 1, 1]));
  }
}

export interface Dropout {
  (x: Tensor): Tensor;
}
/**
 * Zeroes entries with probability p while training (scaling the rest by
 * 1/(1-p)); the identity otherwise.
 *
 * @example
 * const drop = new ag.nn.Dropout(0.5);
 * ag.nn.setTraining(model, false); // evaluation
 */
export class Dropout extends Layer {
  constructor(readonly p: number) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new ArgumentError(`Dropout: p must be in [0, 1), got ${describe(p)}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training });
  }
}

export interface LayerNorm {
  (x: Tensor): Tensor;
}
/**
 * Layer normalization over the last axis, with a learned scale and shift.
 *
 * @example
 * const norm = new ag.nn.LayerNorm(128);
 */
export class LayerNorm extends Layer {
  gamma: Tensor;
  beta: Tensor;
  constructor(features: number, readonly options: { eps?: number; dtype?: DType } = {}) {
    super();
    checkOptions('LayerNorm', options, ['eps', 'dtype']);
    positiveInt('LayerNorm', 'features', features);
    const dtype = layerDType('LayerNorm', options.dtype);
    [this.gamma, this.beta] = makeParams(() => [ones([features], { dtype }), zeros([features], { dtype })] as const);
  }
  forward(x: Tensor): Tensor {
    const features = this.gamma.shape[0];
    checkInput(`LayerNorm(${features})`, x, `[..., ${features}]`, -1, features);
    return add(mul(layerNorm(x, -1, this.options.eps ?? 1e-5), this.gamma), this.beta);
  }
}

/**
 * @internal Tensors that are part of a layer's state without being Params
 * (BatchNorm's running statistics): `stateDict` saves and loads them, the
 * optimizers never see them.
 */
export const buffers = new WeakSet<Tensor>();

/** A user-owned tensor registered as a buffer. */
function buffer(t: Tensor): Tensor {
  keep(t);
  buffers.add(t);
  return t;
}

/** A layer's options object, checked: an object, with no key the layer does not know (a typo such as batch_first would be ignored). */
function checkOptions<T extends object>(layer: string, o: T | undefined, known: readonly (keyof T & string)[]): T {
  if (o === undefined) return {} as T;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ArgumentError(`${layer}: options must be an object, got ${describe(o)}`);
  for (const key of Object.keys(o)) {
    if (!(known as readonly string[]).includes(key)) {
      throw new ArgumentError(`${layer}: unknown option '${key}' (it takes ${known.map((k) => `'${k}'`).join(', ')})`);
    }
  }
  return o;
}

export interface Embedding {
  (ids: Ids): Tensor;
}
/**
 * A table of `numEmbeddings` vectors of size `embeddingDim` (initialized
 * N(0, 1), as PyTorch), looked up by integer ids: `emb(ids)` is
 * `ag.embedding(emb.weight, ids)`, of shape ids.shape + [embeddingDim]. The
 * gradient for the table is the looked-up rows, kept sparse (a
 * SparseGradient) so that optimizers update only those rows.
 *
 * @example
 * const emb = new ag.nn.Embedding(1000, 64);
 * emb([[3, 1, 4], [1, 5, 9]]).shape; // [2, 3, 64]
 */
export class Embedding extends Layer {
  weight: Tensor;
  constructor(numEmbeddings: number, embeddingDim: number, opts?: { dtype?: DType }) {
    super();
    positiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    positiveInt('Embedding', 'embeddingDim', embeddingDim);
    const dtype = layerDType('Embedding', checkOptions('Embedding', opts, ['dtype']).dtype);
    [this.weight] = makeParams(() => [randn([numEmbeddings, embeddingDim], { dtype })]);
  }
  forward(ids: Ids): Tensor {
    return embedding(this.weight, ids);
  }
}

/** Options of LSTM and GRU: PyTorch's keyword arguments. */
export interface RecurrentOptions {
  /** Stacked layers, each reading the previous one's outputs (default 1). */
  numLayers?: number;
  /** Biases (default true). */
  bias?: boolean;
  /** Input and output as [batch, time, features] (default false: [time, batch, features], as PyTorch). */
  batchFirst?: boolean;
  /**
   * Carry the final state into the next call when none is given (default
   * false). The carried state is detached (`ag.detach`): user-owned and
   * outside every tape, so each call's gradient stops at its start
   * (truncated backpropagation through time); `resetState()` drops it.
   */
  stateful?: boolean;
  dtype?: DType;
}

/** The weights of one recurrent layer, PyTorch's layout: gates stacked along rows. */
export interface RecurrentWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/** What LSTM and GRU share: weights per layer, layout, carried state. */
abstract class Recurrent extends Layer {
  readonly layers: RecurrentWeights[] = [];
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly stateful: boolean;
  /** The carried state (stateful layers), user-owned: [h] for GRU, [h, c] for LSTM, each [numLayers, batch, hidden]. */
  carried: Tensor[] | null = null;

  constructor(readonly kind: string, readonly inputSize: number, readonly hiddenSize: number, gates: number, opts: RecurrentOptions | undefined) {
    super();
    const o = checkOptions(kind, opts, ['numLayers', 'bias', 'batchFirst', 'stateful', 'dtype']);
    positiveInt(kind, 'inputSize', inputSize);
    positiveInt(kind, 'hiddenSize', hiddenSize);
    this.numLayers = positiveInt(kind, 'numLayers', o.numLayers ?? 1);
    this.batchFirst = o.batchFirst === true;
    this.stateful = o.stateful === true;
    const dtype = layerDType(kind, o.dtype);
    const bound = 1 / Math.sqrt(hiddenSize);
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? inputSize : hiddenSize;
      const [weightIh, weightHh, biasIh, biasHh] = makeParams(() => [
        uniform([gates * hiddenSize, inSize], bound, dtype),
        uniform([gates * hiddenSize, hiddenSize], bound, dtype),
        o.bias === false ? null : uniform([gates * hiddenSize], bound, dtype),
        o.bias === false ? null : uniform([gates * hiddenSize], bound, dtype),
      ]);
      this.layers.push({ weightIh: weightIh!, weightHh: weightHh!, biasIh, biasHh });
    }
  }

  protected abstract stateCount(): number;
  /** One time step of layer `l`: xw = x W_ih^T + b_ih (precomputed for all steps), state per layer. */
  protected abstract cell(w: RecurrentWeights, xw: Tensor, state: Tensor[]): Tensor[];

  /** Drops the carried state of a stateful layer. */
  resetState(): void {
    for (const t of this.carried ?? []) t.dispose();
    this.carried = null;
  }

  /**
   * Runs the layers over the sequence `x` ([time, batch, inputSize], or
   * [batch, time, inputSize] with batchFirst) from `state` (each tensor
   * [numLayers, batch, hiddenSize]; zeros when omitted, or the carried state
   * of a stateful layer). Returns [output, state]: the last layer's hidden
   * state at every step, [time, batch, hiddenSize] (batch first with
   * batchFirst), and the final state of every layer.
   */
  forward(x: Tensor, state?: Tensor[] | null): [Tensor, Tensor[]] {
    const name = `${this.kind}(${this.inputSize} → ${this.hiddenSize})`;
    const layout = this.batchFirst ? `[batch, time, ${this.inputSize}]` : `[time, batch, ${this.inputSize}]`;
    checkInput(name, x, layout, 2, this.inputSize, 3);
    const [steps, batch] = this.batchFirst ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    const initial = state ?? (this.stateful ? this.carried : null);
    const expectedState = [this.numLayers, batch, this.hiddenSize];
    if (initial !== null) {
      if (!Array.isArray(initial) || initial.length !== this.stateCount()) {
        throw new ArgumentError(`${name}: state must be an array of ${this.stateCount()} tensor(s) [${expectedState.join(', ')}], got ${describe(initial)}`);
      }
      for (const t of initial) {
        checkTensor(name, t, 'state');
        if (t.shape.join() !== expectedState.join()) {
          const carried = state === undefined || state === null ? ' (the state carried from the last call: call resetState() when the batch size changes)' : '';
          throw new ShapeError(`${name}: each state tensor must have shape [${expectedState.join(', ')}], got ${shapeString(t.shape)}${carried}`);
        }
      }
    }
    const dtype = this.layers[0].weightIh.dtype;
    // Everything is checked: from here on, ops.
    const seq = this.batchFirst ? transpose(x, [1, 0, 2]) : x;
    const perLayer = initial === null
      ? this.layers.map(() => Array.from({ length: this.stateCount() }, () => zeros([batch, this.hiddenSize], { dtype })))
      : this.layers.map((_, l) => initial!.map((t) => slice(t, l)));
    let input = seq;
    const finals: Tensor[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const w = this.layers[l];
      const flat = reshape(input, [steps * batch, input.shape[2]]);
      let xw = matmul(flat, w.weightIh, { transposeB: true });
      if (w.biasIh !== null) xw = add(xw, w.biasIh);
      const perStep = steps === 0 ? [] : unstack(reshape(xw, [steps, batch, xw.shape[1]]), 0);
      let s = perLayer[l];
      const outputs: Tensor[] = [];
      for (const xt of perStep) {
        s = this.cell(w, xt, s);
        outputs.push(s[0]);
      }
      finals.push(s);
      input = steps === 0 ? zeros([0, batch, this.hiddenSize], { dtype }) : stack(outputs, 0);
    }
    const finalState = Array.from({ length: this.stateCount() }, (_, k) => stack(finals.map((f) => f[k]), 0));
    if (this.stateful) {
      const next = finalState.map((t) => detach(t));
      this.resetState();
      this.carried = next;
    }
    return [this.batchFirst ? transpose(input, [1, 0, 2]) : input, finalState];
  }
}

/** h W^T (+ b). */
function project(h: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = matmul(h, w, { transposeB: true });
  return b === null ? y : add(y, b);
}

export interface LSTM {
  (x: Tensor, state?: Tensor[] | null): [output: Tensor, state: Tensor[]];
}
/**
 * A multi-layer long short-term memory (PyTorch's `nn.LSTM`: gates i, f, g,
 * o stacked in `weightIh` [4H, in] and `weightHh` [4H, H] per layer;
 * c' = σ(f) c + σ(i) tanh(g), h' = σ(o) tanh(c')). Called as
 * `lstm(x, [h0, c0]?)`, it returns `[output, [hN, cN]]`.
 *
 * @example
 * const lstm = new ag.nn.LSTM(16, 32, { numLayers: 2, batchFirst: true });
 * const [y, [h, c]] = lstm(ag.randn([4, 10, 16])); // y [4, 10, 32], h and c [2, 4, 32]
 */
export class LSTM extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, opts?: RecurrentOptions) {
    super('LSTM', inputSize, hiddenSize, 4, opts);
  }
  protected stateCount(): number {
    return 2;
  }
  protected cell(w: RecurrentWeights, xw: Tensor, [h, c]: Tensor[]): Tensor[] {
    const gates = add(xw, project(h, w.weightHh, w.biasHh));
    const [i, f, g, o] = split(gates, 4, 1);
    const next = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
    return [mul(sigmoid(o), tanh(next)), next];
  }
}

export interface GRU {
  (x: Tensor, state?: Tensor[] | null): [output: Tensor, state: Tensor[]];
}
/**
 * A multi-layer gated recurrent unit (PyTorch's `nn.GRU`: gates r, z, n
 * stacked in `weightIh` [3H, in] and `weightHh` [3H, H] per layer;
 * n = tanh(x_n + r (h_n)), h' = (1 − z) n + z h). Called as `gru(x, [h0]?)`,
 * it returns `[output, [hN]]`.
 *
 * @example
 * const gru = new ag.nn.GRU(16, 32);
 * const [y, [h]] = gru(ag.randn([10, 4, 16])); // y [10, 4, 32], h [1, 4, 32]
 */
export class GRU extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, opts?: RecurrentOptions) {
    super('GRU', inputSize, hiddenSize, 3, opts);
  }
  protected stateCount(): number {
    return 1;
  }
  protected cell(w: RecurrentWeights, xw: Tensor, [h]: Tensor[]): Tensor[] {
    const [xr, xz, xn] = split(xw, 3, 1);
    const [hr, hz, hn] = split(project(h, w.weightHh, w.biasHh), 3, 1);
    const r = sigmoid(add(xr, hr));
    const z = sigmoid(add(xz, hz));
    const n = tanh(add(xn, mul(r, hn)));
    return [add(n, mul(z, sub(h, n)))];
  }
}

/** Options of MultiheadAttention: PyTorch's keyword arguments, and `causal`. */
export interface MultiheadAttentionOptions {
  bias?: boolean;
  /** Inputs and output as [batch, sequence, embedDim] (default false: [sequence, batch, embedDim], as PyTorch). */
  batchFirst?: boolean;
  /** Each position attends only to itself and earlier ones (position j > i is masked). */
  causal?: boolean;
  dtype?: DType;
}

export interface MultiheadAttention {
  (query: Tensor, key?: Tensor, value?: Tensor): Tensor;
}
/**
 * Multi-head scaled dot-product attention (PyTorch's
 * `nn.MultiheadAttention`): `inProjWeight` [3E, E] and `inProjBias` project
 * query, key and value; each of the `numHeads` heads attends with
 * softmax(Q Kᵀ / √d) over the keys; `outProjWeight` [E, E] (PyTorch's
 * [out, in] layout) and `outProjBias` mix the heads. Called as `mha(query,
 * key = query, value = key)`, it returns the attended output, shaped like
 * the query. With `{ causal: true }` position i attends to positions ≤ i.
 *
 * @example
 * const mha = new ag.nn.MultiheadAttention(64, 8, { causal: true, batchFirst: true });
 * mha(ag.randn([2, 10, 64])).shape; // [2, 10, 64]
 */
export class MultiheadAttention extends Layer {
  inProjWeight: Tensor;
  inProjBias: Tensor | null;
  outProjWeight: Tensor;
  outProjBias: Tensor | null;
  readonly batchFirst: boolean;
  readonly causal: boolean;
  constructor(readonly embedDim: number, readonly numHeads: number, opts?: MultiheadAttentionOptions) {
    super();
    const o = checkOptions('MultiheadAttention', opts, ['bias', 'batchFirst', 'causal', 'dtype']);
    positiveInt('MultiheadAttention', 'embedDim', embedDim);
    positiveInt('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) throw new ArgumentError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    this.batchFirst = o.batchFirst === true;
    this.causal = o.causal === true;
    const dtype = layerDType('MultiheadAttention', o.dtype);
    const bias = o.bias !== false;
    [this.inProjWeight, this.inProjBias, this.outProjWeight, this.outProjBias] = makeParams(() => [
      uniform([3 * embedDim, embedDim], Math.sqrt(6 / (4 * embedDim)), dtype),
      bias ? zeros([3 * embedDim], { dtype }) : null,
      uniform([embedDim, embedDim], 1 / Math.sqrt(embedDim), dtype),
      bias ? zeros([embedDim], { dtype }) : null,
    ]);
  }
  forward(query: Tensor, key?: Tensor, value?: Tensor): Tensor {
    const E = this.embedDim;
    const name = `MultiheadAttention(${E}, ${this.numHeads} heads)`;
    const layout = this.batchFirst ? `[batch, sequence, ${E}]` : `[sequence, batch, ${E}]`;
    checkInput(name, query, layout, 2, E, 3);
    const k = key ?? query;
    const v = value ?? k;
    checkInput(name, k, layout, 2, E, 3);
    checkInput(name, v, layout, 2, E, 3);
    const toBatchFirst = (t: Tensor) => (this.batchFirst ? t : transpose(t, [1, 0, 2]));
    const [q3, k3, v3] = [toBatchFirst(query), toBatchFirst(k), toBatchFirst(v)];
    const [n, L] = q3.shape;
    const S = k3.shape[1];
    if (k3.shape[0] !== n || v3.shape[0] !== n || v3.shape[1] !== S) {
      throw new ShapeError(`${name}: query ${shapeString(query.shape)}, key ${shapeString(k.shape)} and value ${shapeString(v.shape)} must share the batch, and key and value the sequence length`);
    }
    if (this.causal && L !== S) throw new ShapeError(`${name}: a causal mask needs as many queries as keys, got ${L} and ${S}`);
    const h = this.numHeads;
    const d = E / h;
    const [wq, wk, wv] = split(this.inProjWeight, 3, 0);
    const [bq, bk, bv] = this.inProjBias === null ? [null, null, null] : split(this.inProjBias, 3, 0);
    const heads = (t: Tensor, w: Tensor, b: Tensor | null, len: number) => transpose(reshape(project(t, w, b), [n, len, h, d]), [0, 2, 1, 3]);
    const Q = heads(q3, wq, bq, L);
    const K = heads(k3, wk, bk, S);
    const V = heads(v3, wv, bv, S);
    let scores = mul(matmul(Q, K, { transposeB: true }), 1 / Math.sqrt(d));
    if (this.causal) {
      const mask = new Float64Array(L * S);
      for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) mask[i * S + j] = -Infinity;
      scores = add(scores, tensorOf(mask, [L, S], scores.dtype));
    }
    const attended = matmul(softmax(scores, -1), V); // [n, h, L, d]
    const merged = reshape(transpose(attended, [0, 2, 1, 3]), [n, L, E]);
    const out = project(merged, this.outProjWeight, this.outProjBias);
    return this.batchFirst ? out : transpose(out, [1, 0, 2]);
  }
}

export interface BatchNorm2d {
  (x: Tensor): Tensor;
}
/**
 * Batch normalization of NCHW input per channel (PyTorch's `nn.BatchNorm2d`):
 * in training mode the batch's mean and biased variance normalize, and the
 * running statistics `runningMean` and `runningVar` (buffers, saved by
 * `stateDict`) move toward the batch's (unbiased variance) by `momentum`;
 * in evaluation mode (`ag.nn.setTraining(model, false)`) the running
 * statistics normalize. Then the learned scale `weight` and shift `bias`.
 *
 * @example
 * const bn = new ag.nn.BatchNorm2d(16);
 * bn(ag.randn([8, 16, 5, 5])).shape; // [8, 16, 5, 5]
 * ag.nn.setTraining(bn, false);      // now uses runningMean / runningVar
 */
export class BatchNorm2d extends Layer {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  readonly eps: number;
  readonly momentum: number;
  constructor(readonly numFeatures: number, opts?: { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean; dtype?: DType }) {
    super();
    const o = checkOptions('BatchNorm2d', opts, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    positiveInt('BatchNorm2d', 'numFeatures', numFeatures);
    this.eps = numberIn('BatchNorm2d', 'eps', o.eps ?? 1e-5, 0, Infinity, false);
    // (PyTorch's momentum null, a cumulative average, is not supported: refused rather than read as the default)
    this.momentum = numberIn('BatchNorm2d', 'momentum', o.momentum === undefined ? 0.1 : o.momentum, 0, 1, true);
    const dtype = layerDType('BatchNorm2d', o.dtype);
    [this.weight, this.bias] = o.affine === false ? [null, null] : makeParams(() => [ones([numFeatures], { dtype }), zeros([numFeatures], { dtype })] as const);
    const track = o.trackRunningStats !== false;
    this.runningMean = track ? buffer(zeros([numFeatures], { dtype })) : null;
    this.runningVar = track ? buffer(ones([numFeatures], { dtype })) : null;
  }
  forward(x: Tensor): Tensor {
    const c = this.numFeatures;
    checkInput(`BatchNorm2d(${c})`, x, `[N, ${c}, H, W]`, 1, c, 4);
    const useBatch = this.training || this.runningMean === null;
    let y = batchNorm(x, {
      axis: 1, eps: this.eps, momentum: this.momentum, training: useBatch,
      runningMean: this.runningMean ?? undefined, runningVar: this.runningVar ?? undefined,
    });
    if (this.weight !== null) y = add(mul(y, reshape(this.weight, [1, c, 1, 1])), reshape(this.bias!, [1, c, 1, 1]));
    return y;
  }
}

export interface Sequential {
  (x: Tensor): Tensor;
}
/**
 * Applies its layers (or any functions Tensor => Tensor) in order.
 *
 * @example
 * const mlp = new ag.nn.Sequential(new ag.nn.Linear(784, 128), ag.relu, new ag.nn.Linear(128, 10));
 * const logits = mlp(x);
 */
export class Sequential extends Layer {
  readonly layers: ((x: Tensor) => Tensor)[];
  constructor(...layers: ((x: Tensor) => Tensor)[]) {
    super();
    layers.forEach((l, i) => {
      if (typeof l !== 'function') throw new ArgumentError(`Sequential: layer ${i} must be a function or a Layer, got ${describe(l)}`);
    });
    this.layers = layers;
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer(h);
    return h;
  }
}

/**
 * Sets `training` on every Layer reachable from `model` (Dropout uses it).
 *
 * @example
 * ag.nn.setTraining(model, false);
 */
export function setTraining(model: unknown, training: boolean): void {
  const seen = new Set<unknown>();
  const walk = (x: unknown): void => {
    if (x === null || (typeof x !== 'object' && typeof x !== 'function') || seen.has(x) || x instanceof Tensor) return;
    seen.add(x);
    if (x instanceof Layer) x.training = training;
    if (Array.isArray(x)) x.forEach(walk);
    else if (x instanceof Map) x.forEach(walk);
    else for (const key of Object.keys(x)) walk((x as Record<string, unknown>)[key]);
  };
  walk(model);
}
