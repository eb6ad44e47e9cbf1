// Trains a classifier on MNIST digits in Node: the main example (`npm start`).
//   npm start -- --epochs 8 --batch 64 --lr 0.002 --model mlp|cnn
// The 10,000 digits ship in the `mnist` package: 7,996 train, 2,004 held out (every fifth digit).
import * as ag from 'autograd-wasm';
import { loadMnist, type DigitSet } from './data/mnist';

type Model = (x: ag.Tensor) => ag.Tensor;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const kind = flag('model', 'mlp');
if (kind !== 'mlp' && kind !== 'cnn') throw new Error(`--model must be mlp or cnn, got ${kind}`);
const epochs = Number(flag('epochs', kind === 'mlp' ? '12' : '4'));
const batchSize = Number(flag('batch', '64'));
const lr = Number(flag('lr', kind === 'mlp' ? '0.002' : '0.003'));
const seed = Number(flag('seed', '1'));
const hidden = Number(flag('hidden', '256'));
const dropoutRate = Number(flag('dropout', '0.2'));

/** A multilayer perceptron 784-256-10 with dropout, written as a callable model. */
function mlp(): Model {
  return new ag.nn.Sequential(
    new ag.nn.Linear(784, hidden, { init: 'he' }), ag.relu, new ag.nn.Dropout(dropoutRate),
    new ag.nn.Linear(hidden, 10),
  );
}

/** A small CNN: two 3x3 convolutions with pooling, then dropout and a linear classifier. */
function cnn(): Model {
  const features = new ag.nn.Sequential(
    new ag.nn.Conv2d(1, 16, 3, { padding: 1 }), ag.relu, (x) => ag.maxPool2d(x, 2),
    new ag.nn.Conv2d(16, 32, 3, { padding: 1 }), ag.relu, (x) => ag.maxPool2d(x, 2),
  );
  const classifier = new ag.nn.Sequential(new ag.nn.Dropout(dropoutRate), new ag.nn.Linear(32 * 7 * 7, 10));
  return new ag.nn.Sequential(
    (x) => ag.reshape(x, [x.shape[0], 1, 28, 28]), features, (x) => ag.reshape(x, [x.shape[0], -1]), classifier,
  );
}

function batch(set: DigitSet, order: Int32Array, start: number, size: number) {
  const n = Math.min(size, set.count - start);
  const images = new Float32Array(n * 784);
  const labels: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[start + k];
    images.set(set.images.subarray(i * 784, (i + 1) * 784), k * 784);
    labels.push(set.labels[i]);
  }
  return { x: ag.tensor(images, { shape: [n, 784] }), labels };
}

function accuracy(model: Model, set: DigitSet): number {
  ag.nn.setTraining(model, false);
  let correct = 0;
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  for (let start = 0; start < set.count; start += 500) {
    ag.tidy(() => {
      const { x, labels } = batch(set, order, start, 500);
      const predicted = ag.argmax(model(x), 1).data();
      labels.forEach((label, k) => (correct += predicted[k] === label ? 1 : 0));
    });
  }
  ag.nn.setTraining(model, true);
  return correct / set.count;
}

function progress(epoch: number, done: number, total: number, loss: number, acc: number, stepsPerSecond: number): string {
  const width = 24;
  const filled = Math.round((width * done) / total);
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (done === total ? '=' : '>') : '') + ' '.repeat(width - filled);
  return `epoch ${epoch}/${epochs} [${bar}] ${String(Math.round((100 * done) / total)).padStart(3)}%  loss ${loss.toFixed(4)}  acc ${(100 * acc).toFixed(1)}%  ${stepsPerSecond.toFixed(0)} steps/s`;
}

const started = performance.now();
const { train, test } = loadMnist(8000, seed);
console.log(
  `MNIST: ${train.count} training and ${test.count} test digits (from the mnist package); model ${kind}, ${epochs} epochs, batch ${batchSize}, adam lr ${lr}; ` +
    `${ag.threads()} thread${ag.threads() === 1 ? '' : 's'} (ag.setThreads to change)`,
);

ag.seed(seed);
const model = kind === 'mlp' ? mlp() : cnn();
const opt = ag.adam({ lr });
const steps = Math.ceil(train.count / batchSize);
const shuffle = (() => {
  let s = seed;
  return (order: Int32Array) => {
    for (let i = order.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = s % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  };
})();

for (let epoch = 1; epoch <= epochs; epoch++) {
  const order = Int32Array.from({ length: train.count }, (_, i) => i);
  shuffle(order);
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  const epochStart = performance.now();
  for (let step = 0; step < steps; step++) {
    ag.tidy(() => {
      const { x, labels } = batch(train, order, step * batchSize, batchSize);
      let logits!: ag.Tensor;
      const tape = ag.diff(() => {
        logits = model(x);
        return ag.crossEntropy(logits, labels);
      });
      opt.step(tape, ag.params(model));
      lossSum += tape.value * labels.length;
      const predicted = ag.argmax(ag.value(logits), 1).data();
      labels.forEach((label, k) => (correct += predicted[k] === label ? 1 : 0));
      seen += labels.length;
    });
    if (process.stdout.isTTY || step === steps - 1) {
      const line = progress(epoch, step + 1, steps, lossSum / seen, correct / seen, (step + 1) / ((performance.now() - epochStart) / 1000));
      process.stdout.write(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
    }
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
}

const testAccuracy = accuracy(model, test);
const seconds = (performance.now() - started) / 1000;
console.log(`test accuracy ${(100 * testAccuracy).toFixed(2)}% on ${test.count} held-out digits; total time ${seconds.toFixed(1)} s`);
const m = ag.memory();
console.log(`memory: ${m.liveTensors} live tensors, ${(m.bytesInUse / 1e6).toFixed(2)} MB in use, peak ${(m.peakBytes / 1e6).toFixed(2)} MB`);
opt.dispose();
