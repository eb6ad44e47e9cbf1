// Layers as callable objects, in the seed's style: each is a small class a
// user could have written, holding Params (so `params(model)` finds them),
// and callable like a function: `layer(x)`. Examples of the pattern, not a
// framework: any function Tensor => Tensor composes with them.

import { Tensor } from '../runtime/tensor';
import { rand, zeros, ones } from '../runtime/create';
import { type DType } from '../runtime/dtype';
import { makeParams } from '../core/diff';
import { ArgumentError, ShapeError, describe } from '../runtime/errors';
import { shapeString } from '../runtime/shape';
import { checkTensor } from '../ops/args';
import { add, mul, sub } from '../ops/arithmetic';
import { matmul } from '../ops/linalg';
import { reshape } from '../ops/shape';
import { conv2d } from '../ops/conv';
import { dropout, layerNorm } from '../ops/nn';

/** A function from tensors to a tensor, with Params as properties. */
export interface Layer {
  (x: Tensor): Tensor;
}

/**
 * Base class of the layers: an instance is a function (`layer(x)` calls
 * `forward`) that also has the class's properties and methods.
 */
export abstract class Layer {
  /** Whether dropout-like layers are in training mode (see `setTraining`). */
  training = true;

  constructor() {
    const call = ((x: Tensor) => (call as unknown as Layer).forward(x)) as unknown as Layer;
    Object.setPrototypeOf(call, new.target.prototype);
    return call;
  }

  abstract forward(x: Tensor): Tensor;
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

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ArgumentError(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
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
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    const dtype = options.dtype ?? 'float32';
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

/**
 * A 2-D convolution over NCHW input with its own weight [out, in/groups, kh, kw] and bias.
 *
 * @example
 * const conv = new ag.nn.Conv2d(1, 8, 3, { padding: 1 });
 * conv(images); // [N, 8, H, W]
 */
export class Conv2d extends Layer {
  w: Tensor;
  b: Tensor | null;
  constructor(
    inChannels: number,
    outChannels: number,
    kernel: number | [number, number],
    readonly options: InitOptions & { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number | [number, number]; groups?: number; bias?: boolean } = {},
  ) {
    super();
    positiveInt('Conv2d', 'inChannels', inChannels);
    positiveInt('Conv2d', 'outChannels', outChannels);
    const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
    const groups = options.groups ?? 1;
    const dtype = options.dtype ?? 'float32';
    const fanIn = (inChannels / groups) * kh * kw;
    const bound = initBound('Conv2d', options.init ?? 'he', fanIn, (outChannels / groups) * kh * kw);
    [this.w, this.b] = makeParams(() => [
      uniform([outChannels, inChannels / groups, kh, kw], bound, dtype),
      options.bias === false ? null : zeros([outChannels], { dtype }),
    ]);
  }
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.options;
    const [outChannels, perGroup, kh, kw] = this.w.shape;
    const inChannels = perGroup * (groups ?? 1);
    checkInput(`Conv2d(${inChannels} → ${outChannels}, ${kh}x${kw})`, x, `[N, ${inChannels}, H, W]`, 1, inChannels, 4);
    const y = conv2d(x, this.w, { stride, padding, dilation, groups });
    return this.b === null ? y : add(y, reshape(this.b, [1, this.b.shape[0], 1, 1]));
  }
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
    positiveInt('LayerNorm', 'features', features);
    const dtype = options.dtype ?? 'float32';
    [this.gamma, this.beta] = makeParams(() => [ones([features], { dtype }), zeros([features], { dtype })] as const);
  }
  forward(x: Tensor): Tensor {
    const features = this.gamma.shape[0];
    checkInput(`LayerNorm(${features})`, x, `[..., ${features}]`, -1, features);
    return add(mul(layerNorm(x, -1, this.options.eps ?? 1e-5), this.gamma), this.beta);
  }
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
