// A character-level language model trained on the text that ships with this
// repository (README.md and docs/ARCHITECTURE.md): an Embedding, an LSTM, one
// transformer block (causal MultiheadAttention and an MLP, each with a
// residual connection and LayerNorm) and a linear read-out to the next
// character. It trains for a fixed time budget and then compares its loss on
// held-out text with the unigram baseline (the loss of predicting every
// character by its frequency alone), both in nats per character.
//
//   npm run charlm                 # about 45 s of training
//   npm run charlm -- --seconds 20 --hidden 96
import * as ag from 'autograd-wasm';
import { readFileSync } from 'node:fs';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const seconds = Number(flag('seconds', '45'));
const hidden = Number(flag('hidden', '64'));
const seqLen = Number(flag('seq', '32'));
const batchSize = Number(flag('batch', '16'));
const lr = Number(flag('lr', '0.004'));
const seed = Number(flag('seed', '1'));

// ---- data ----

const text = ['../README.md', '../docs/ARCHITECTURE.md'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');
const vocab = [...new Set(text)].sort();
const index = new Map(vocab.map((c, i) => [c, i]));
const ids = Int32Array.from(text, (c) => index.get(c)!);
const split = Math.floor(ids.length * 0.9);
const train = ids.subarray(0, split);
const heldOut = ids.subarray(split);
const V = vocab.length;

/** The unigram baseline: held-out cross-entropy of the training text's character frequencies (add-one smoothed). */
function unigramLoss(): number {
  const counts = new Float64Array(V).fill(1);
  for (const c of train) counts[c]++;
  const total = counts.reduce((s, v) => s + v, 0);
  let nll = 0;
  for (const c of heldOut) nll -= Math.log(counts[c] / total);
  return nll / heldOut.length;
}

// ---- model ----

ag.seed(seed);
const model = {
  embed: new ag.nn.Embedding(V, hidden),
  rnn: new ag.nn.LSTM(hidden, hidden, { batchFirst: true }),
  norm1: new ag.nn.LayerNorm(hidden),
  attention: new ag.nn.MultiheadAttention(hidden, 4, { causal: true, batchFirst: true }),
  norm2: new ag.nn.LayerNorm(hidden),
  mlp: new ag.nn.Sequential(new ag.nn.Linear(hidden, 2 * hidden, { init: 'he' }), ag.gelu, new ag.nn.Linear(2 * hidden, hidden)),
  out: new ag.nn.Linear(hidden, V),
};

/** Logits [batch * time, V] for windows of ids [batch][time]. */
function logits(windows: number[][]): ag.Tensor {
  const [h] = model.rnn(model.embed(windows));
  const a = ag.add(h, model.attention(model.norm1(h)));
  const b = ag.add(a, model.mlp(model.norm2(a)));
  return model.out(ag.reshape(b, [windows.length * windows[0].length, hidden]));
}

/** `count` windows of seqLen + 1 characters from `source` (inputs and next-character targets). */
function sample(source: Int32Array, count: number, at?: (k: number) => number): { inputs: number[][]; targets: number[] } {
  const inputs: number[][] = [];
  const targets: number[] = [];
  for (let k = 0; k < count; k++) {
    const start = at === undefined ? Math.floor(Math.random() * (source.length - seqLen - 1)) : at(k);
    const w = Array.from(source.subarray(start, start + seqLen + 1));
    inputs.push(w.slice(0, seqLen));
    targets.push(...w.slice(1));
  }
  return { inputs, targets };
}

/** Mean held-out loss over consecutive windows covering the held-out text. */
function heldOutLoss(): number {
  const windows = Math.floor((heldOut.length - 1) / seqLen);
  let total = 0;
  let n = 0;
  for (let first = 0; first < windows; first += 32) {
    const count = Math.min(32, windows - first);
    ag.tidy(() => {
      const { inputs, targets } = sample(heldOut, count, (k) => (first + k) * seqLen);
      total += ag.crossEntropy(logits(inputs), targets).item() * targets.length;
      n += targets.length;
    });
  }
  return total / n;
}

// ---- training ----

const baseline = unigramLoss();
console.log(`text: ${ids.length} characters (${V} distinct) from README.md and docs/ARCHITECTURE.md; ${train.length} to train on, ${heldOut.length} held out`);
console.log(`model: Embedding(${V}, ${hidden}) → LSTM(${hidden}) → causal attention (4 heads) + MLP → Linear(${hidden}, ${V}); ${ag.params(model).reduce((s, p) => s + p.size, 0)} parameters`);
console.log(`unigram baseline: ${baseline.toFixed(4)} nats/char (held out)`);

const opt = ag.adam({ lr, clipNorm: 1 });
const started = performance.now();
let steps = 0;
let smooth = NaN;
Math.random = (() => {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
})();
while (performance.now() - started < seconds * 1000) {
  const { inputs, targets } = sample(train, batchSize);
  const tape = ag.diff(() => ag.crossEntropy(logits(inputs), targets));
  opt.step(tape, ag.params(model));
  const loss = ag.value(tape);
  tape.dispose();
  smooth = Number.isNaN(smooth) ? loss : 0.95 * smooth + 0.05 * loss;
  steps++;
  if (steps % 50 === 0) {
    const elapsed = (performance.now() - started) / 1000;
    console.log(`step ${String(steps).padStart(4)}  ${elapsed.toFixed(1).padStart(5)} s  training loss ${smooth.toFixed(4)}`);
  }
}
const trainingSeconds = (performance.now() - started) / 1000;
const final = heldOutLoss();
console.log(`trained ${steps} steps in ${trainingSeconds.toFixed(1)} s`);
console.log(`held-out loss: ${final.toFixed(4)} nats/char; unigram baseline ${baseline.toFixed(4)} (${final < baseline ? 'below' : 'NOT below'} the baseline)`);
console.log(`memory: ${ag.memory().liveTensors} live tensors`);
if (!(final < baseline)) process.exitCode = 1;
