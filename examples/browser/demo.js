// The browser demo: trains a 784-128-10 MLP on MNIST live in the page, with
// the global AutoGrad from the <script src="/dist/autograd.min.js"> tag.
// Training runs on the main thread in slices of about SLICE_MS, yielding to
// the event loop between slices, so the page keeps drawing and the buttons
// keep answering. Everything is deterministic under ag.seed: the same clicks
// give the same numbers (evaluation points are fixed steps, not times).
//
// The state is on window.demoState (and the curves on window.demoHistory)
// for the browser test, test/browser/demo.test.ts. `?autostart` starts
// training as soon as the data is loaded.
'use strict';

(() => {
  const ag = /** @type {any} */ (window).AutoGrad;

  const SEED = 1;
  const BATCH = 64;
  const HIDDEN = 128;
  /** Test accuracy is measured every EVAL_EVERY steps (and at step 0). */
  const EVAL_EVERY = 25;
  const EVAL_CHUNK = 500;
  /** Training time per slice before yielding to the browser (ms). */
  const SLICE_MS = 14;
  /** Training stops by itself after this many epochs. */
  const MAX_EPOCHS = 30;
  const LEARNING_RATES = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1];
  const GRID_COLUMNS = 16;
  const GRID_ROWS = 2;
  const GRID = GRID_COLUMNS * GRID_ROWS;

  const $ = (id) => /** @type {any} */ (document.getElementById(id));
  const ui = {
    start: $('start'), stop: $('stop'), reset: $('reset'), lr: $('lr'), lrValue: $('lr-value'), status: $('status'),
    epoch: $('epoch'), step: $('step'), loss: $('loss'), accuracy: $('accuracy'), speed: $('speed'), memory: $('memory'), threads: $('threads'),
    lossChart: $('loss-chart'), accuracyChart: $('accuracy-chart'), digits: $('digits'),
  };

  /** What the page shows, also read by the browser test. */
  const state = {
    status: 'loading', // loading | ready | training | stopped | done | error
    running: false,
    epoch: 0,
    step: 0,
    loss: NaN, // smoothed training loss
    testAccuracy: NaN, // at the last evaluation
    evaluatedAtStep: -1,
    stepsPerSecond: 0,
    lr: LEARNING_RATES[Number(ui.lr.value)],
    bytesInUse: 0,
    liveTensors: 0,
    /** threads the library uses: more than one when the page is cross-origin isolated (server.mjs sends COOP/COEP) */
    threads: 0,
    error: null,
  };
  /** @type {any} */ (window).demoState = state;

  const history = {
    loss: [], // [step, loss of that batch]
    smooth: [], // [step, smoothed loss]
    accuracy: [], // [step, test accuracy]
    epochStarts: [], // steps at which epochs 2, 3, ... began
    lrChanges: [], // [step, lr]
  };
  /** @type {any} */ (window).demoHistory = history;

  let data = null; // { train, test } of { images: Uint8Array, labels: Uint8Array, count }
  let model = null;
  let params = null;
  let opt = null;
  let pendingLr = null;
  let order = null; // the current epoch's permutation of the training set
  let cursor = 0; // position in `order`
  let shuffleSeed = SEED;
  let ema = 0;
  let emaCount = 0;
  let gridPredictions = null; // predicted labels of the first GRID test digits
  let loop = null; // the promise of the running training loop
  const speedWindow = []; // [time, step] samples for steps/s

  // ---- data ----

  async function loadData() {
    const response = await fetch('/data/mnist.bin');
    if (!response.ok) throw new Error(`GET /data/mnist.bin: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const view = new DataView(bytes.buffer);
    if (String.fromCharCode(...bytes.subarray(0, 4)) !== 'MNST') throw new Error('/data/mnist.bin is not an MNST file');
    const count = view.getUint32(4, true);
    const trainCount = view.getUint32(8, true);
    const pixels = view.getUint32(12, true);
    const images = bytes.subarray(16, 16 + count * pixels);
    const labels = bytes.subarray(16 + count * pixels, 16 + count * pixels + count);
    const set = (from, to) => ({
      images: images.subarray(from * pixels, to * pixels),
      labels: labels.subarray(from, to),
      count: to - from,
    });
    return { train: set(0, trainCount), test: set(trainCount, count) };
  }

  /** Images `indices` of `set` as an [n, 784] float32 tensor in [0, 1], and their labels. */
  function batch(set, indices) {
    const n = indices.length;
    const x = new Float32Array(n * 784);
    const labels = new Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      const src = set.images.subarray(i * 784, (i + 1) * 784);
      for (let p = 0; p < 784; p++) x[k * 784 + p] = src[p] / 255;
      labels[k] = set.labels[i];
    }
    return { x: ag.tensor(x, { shape: [n, 784] }), labels };
  }

  /** The per-epoch shuffle of examples/mnist.ts (an LCG seeded with SEED). */
  function shuffle(array) {
    for (let i = array.length - 1; i > 0; i--) {
      shuffleSeed = (Math.imul(shuffleSeed, 1664525) + 1013904223) >>> 0;
      const j = shuffleSeed % (i + 1);
      [array[i], array[j]] = [array[j], array[i]];
    }
  }

  // ---- the model ----

  function reset() {
    if (opt) opt.dispose();
    if (params) for (const p of params) p.dispose();
    ag.seed(SEED);
    model = new ag.nn.Sequential(new ag.nn.Linear(784, HIDDEN, { init: 'he' }), ag.relu, new ag.nn.Linear(HIDDEN, 10));
    params = ag.params(model);
    opt = ag.adam({ lr: state.lr });
    pendingLr = null;
    order = null;
    cursor = 0;
    shuffleSeed = SEED;
    ema = 0;
    emaCount = 0;
    gridPredictions = null;
    for (const list of Object.values(history)) list.length = 0;
    Object.assign(state, { epoch: 0, step: 0, loss: NaN, testAccuracy: NaN, evaluatedAtStep: -1, stepsPerSecond: 0 });
    speedWindow.length = 0;
  }

  /** One training step: one tidy, so WASM memory stays flat. */
  function trainStep() {
    if (pendingLr !== null) {
      opt.lr = pendingLr; // Adam keeps its moments: no restart, no spike
      history.lrChanges.push([state.step, pendingLr]);
      pendingLr = null;
    }
    if (order === null || cursor >= order.length) {
      order = Array.from({ length: data.train.count }, (_, i) => i);
      shuffle(order);
      cursor = 0;
      state.epoch++;
      if (state.epoch > 1) history.epochStarts.push(state.step);
    }
    const indices = order.slice(cursor, cursor + BATCH);
    cursor += indices.length;
    const loss = ag.tidy(() => {
      const { x, labels } = batch(data.train, indices);
      const tape = ag.diff(() => ag.crossEntropy(model(x), labels));
      opt.step(tape, params);
      return tape.value;
    });
    state.step++;
    ema = 0.95 * ema + 0.05 * loss;
    emaCount++;
    state.loss = ema / (1 - 0.95 ** emaCount);
    history.loss.push([state.step, loss]);
    history.smooth.push([state.step, state.loss]);
  }

  /** Test accuracy on the held-out digits, in chunks, yielding between them. */
  async function evaluate() {
    const test = data.test;
    let correct = 0;
    const predictions = new Uint8Array(test.count);
    for (let start = 0; start < test.count; start += EVAL_CHUNK) {
      const indices = [];
      for (let i = start; i < Math.min(start + EVAL_CHUNK, test.count); i++) indices.push(i);
      const predicted = ag.tidy(() => {
        const { x } = batch(test, indices);
        return ag.argmax(model(x), 1).data();
      });
      for (let k = 0; k < indices.length; k++) {
        predictions[indices[k]] = predicted[k];
        if (predicted[k] === test.labels[indices[k]]) correct++;
      }
      await yieldToBrowser();
    }
    state.testAccuracy = correct / test.count;
    state.evaluatedAtStep = state.step;
    history.accuracy.push([state.step, state.testAccuracy]);
    gridPredictions = predictions.subarray(0, GRID);
    requestDraw();
  }

  // ---- the training loop ----

  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  /** A zero-delay yield to the event loop (setTimeout would clamp to 4 ms). */
  function yieldToBrowser() {
    return new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  }

  async function run() {
    setStatus('training');
    speedWindow.length = 0;
    speedWindow.push([performance.now(), state.step]);
    try {
      if (state.evaluatedAtStep < 0) await evaluate(); // the untrained model's accuracy, at step 0
      while (state.running) {
        const sliceStart = performance.now();
        do {
          trainStep();
          if (state.step % EVAL_EVERY === 0) await evaluate();
          if (state.epoch >= MAX_EPOCHS && cursor >= order.length) {
            state.running = false;
            if (state.evaluatedAtStep !== state.step) await evaluate();
          }
        } while (state.running && performance.now() - sliceStart < SLICE_MS);
        measureSpeed();
        requestDraw();
        await yieldToBrowser();
      }
      setStatus(state.epoch >= MAX_EPOCHS && cursor >= order.length ? 'done' : 'stopped');
    } catch (error) {
      fail(error);
    }
  }

  function start() {
    if (state.running || data === null) return;
    if (state.epoch >= MAX_EPOCHS && cursor >= order.length) reset();
    state.running = true;
    loop = run();
    updateButtons();
  }

  async function stop() {
    state.running = false;
    await loop;
    updateButtons();
  }

  function measureSpeed() {
    const now = performance.now();
    speedWindow.push([now, state.step]);
    while (speedWindow.length > 2 && now - speedWindow[0][0] > 2000) speedWindow.shift();
    const [t0, s0] = speedWindow[0];
    if (now - t0 > 200) state.stepsPerSecond = ((state.step - s0) * 1000) / (now - t0);
  }

  function setStatus(status) {
    state.status = status;
    const text = { loading: 'Loading…', ready: 'Ready', training: 'Training', stopped: 'Stopped', done: `Done: ${MAX_EPOCHS} epochs`, error: 'Error' }[status];
    ui.status.textContent = status === 'error' && state.error ? `Error: ${state.error}` : text;
    ui.status.className = `status ${status}`;
    updateButtons();
  }

  function updateButtons() {
    const loaded = data !== null && state.status !== 'error';
    ui.start.disabled = !loaded || state.running;
    ui.stop.disabled = !state.running;
    ui.reset.disabled = !loaded;
    ui.start.textContent = state.step > 0 && state.status !== 'done' ? 'Resume' : 'Start';
  }

  function fail(error) {
    state.running = false;
    state.error = error instanceof Error ? error.message : String(error);
    console.error(error);
    setStatus('error');
  }

  // ---- drawing ----

  let drawRequested = false;
  function requestDraw() {
    if (drawRequested) return;
    drawRequested = true;
    requestAnimationFrame(() => {
      drawRequested = false;
      draw();
    });
  }

  function draw() {
    if (model !== null) {
      const memory = ag.memory();
      state.bytesInUse = memory.bytesInUse;
      state.liveTensors = memory.liveTensors;
    }
    ui.epoch.textContent = String(state.epoch);
    ui.step.textContent = state.step.toLocaleString('en-US');
    ui.loss.textContent = Number.isNaN(state.loss) ? '–' : state.loss.toFixed(4);
    ui.accuracy.textContent = Number.isNaN(state.testAccuracy) ? '–' : `${(100 * state.testAccuracy).toFixed(2)}%`;
    ui.speed.textContent = state.stepsPerSecond > 0 && state.running ? state.stepsPerSecond.toFixed(0) : '–';
    ui.memory.textContent = model === null ? '–' : `${(state.bytesInUse / 1e6).toFixed(2)} MB`;
    ui.memory.title = `${state.liveTensors} live tensors`;
    const xMax = Math.max(state.step, Math.ceil(data ? data.train.count / BATCH : 125));
    drawLossChart(xMax);
    drawAccuracyChart(xMax);
    drawDigits();
  }

  /** A canvas sized to its CSS box at the device pixel ratio; returns the context and CSS size. */
  function setup(canvas) {
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    return { ctx, width, height };
  }

  /** 1, 2 or 5 times a power of ten, about `span / count`. */
  function niceStep(span, count) {
    const raw = span / count;
    const p = 10 ** Math.floor(Math.log10(raw));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  const COLORS = { axis: '#8c959f', grid: '#eaeef2', text: '#656d76', blue: '#0969da', lightBlue: 'rgba(9, 105, 218, 0.22)', orange: '#bc4c00' };

  /**
   * Axes and series on a canvas. `y` maps a value to [0, 1] of the plot's
   * height; `yTicks` are [value, label] pairs.
   */
  function chart(canvas, { xMax, y, yTicks, series, marks = [], empty, clamp = true }) {
    const { ctx, width, height } = setup(canvas);
    const left = 46, right = 14, top = 8, bottom = 24;
    const w = width - left - right, h = height - top - bottom;
    const px = (step) => left + (w * step) / xMax;
    const py = (value) => top + h * (1 - (clamp ? Math.min(1, Math.max(0, y(value))) : y(value)));

    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (const [value, label] of yTicks) {
      const yy = Math.round(py(value)) + 0.5;
      ctx.strokeStyle = COLORS.grid;
      ctx.beginPath();
      ctx.moveTo(left, yy);
      ctx.lineTo(left + w, yy);
      ctx.stroke();
      ctx.fillStyle = COLORS.text;
      ctx.fillText(label, left - 6, yy);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xs = niceStep(xMax, 6);
    for (let s = 0; s <= xMax + 1e-9; s += xs) {
      const xx = Math.round(px(s)) + 0.5;
      ctx.strokeStyle = COLORS.axis;
      ctx.beginPath();
      ctx.moveTo(xx, top + h);
      ctx.lineTo(xx, top + h + 4);
      ctx.stroke();
      ctx.fillStyle = COLORS.text;
      ctx.fillText(s.toLocaleString('en-US'), xx, top + h + 7);
    }
    ctx.textAlign = 'right';
    ctx.fillText('step', left - 10, top + h + 7);
    ctx.strokeStyle = COLORS.axis;
    ctx.beginPath();
    ctx.moveTo(left + 0.5, top);
    ctx.lineTo(left + 0.5, top + h + 0.5);
    ctx.lineTo(left + w, top + h + 0.5);
    ctx.stroke();

    // Epoch boundaries and learning-rate changes.
    ctx.save();
    ctx.setLineDash([3, 3]);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    for (const { step, color, label } of marks) {
      const xx = Math.round(px(step)) + 0.5;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.moveTo(xx, top);
      ctx.lineTo(xx, top + h);
      ctx.stroke();
      if (label) {
        ctx.fillStyle = color;
        ctx.fillText(label, xx + 3, top + 2);
      }
    }
    ctx.restore();

    if (series.every((s) => s.points.length === 0)) {
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(empty, left + w / 2, top + h / 2);
      return { ctx, px, py };
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top - 2, w + 2, h + 4);
    ctx.clip();
    for (const { points, color, width: lineWidth, dots } of series) {
      ctx.strokeStyle = color;
      ctx.lineWidth = lineWidth;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      points.forEach(([s, v], i) => (i === 0 ? ctx.moveTo(px(s), py(v)) : ctx.lineTo(px(s), py(v))));
      ctx.stroke();
      if (dots) {
        ctx.fillStyle = color;
        for (const [s, v] of points) {
          ctx.beginPath();
          ctx.arc(px(s), py(v), 2.2, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
    }
    ctx.restore();
    return { ctx, px, py };
  }

  function epochMarks() {
    return history.epochStarts.map((step) => ({ step, color: '#d0d7de', label: null }));
  }

  /** 1 and 3 times powers of ten: the loss chart's gridlines. */
  const LOSS_LEVELS = [];
  for (let e = -4; e <= 2; e++) LOSS_LEVELS.push(10 ** e, 3 * 10 ** e);

  function drawLossChart(xMax) {
    // Log scale, from the gridline under the smallest loss to the one over the largest.
    let min = Infinity, max = 0;
    for (const [, v] of history.loss) {
      if (v > 0) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (max === 0) [min, max] = [0.03, 3];
    const lo = LOSS_LEVELS.filter((v) => v <= min).pop() ?? LOSS_LEVELS[0];
    const hi = LOSS_LEVELS.find((v) => v >= max) ?? LOSS_LEVELS[LOSS_LEVELS.length - 1];
    const span = Math.log10(hi) - Math.log10(lo);
    const ticks = LOSS_LEVELS.filter((v) => v >= lo && v <= hi).map((v) => [v, String(Number(v.toPrecision(1)))]);
    const lrMarks = history.lrChanges.map(([step, lr]) => ({ step, color: COLORS.orange, label: `lr ${lr}` }));
    chart(ui.lossChart, {
      xMax,
      y: (v) => (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span,
      yTicks: ticks,
      series: [
        { points: history.loss, color: COLORS.lightBlue, width: 1 },
        { points: history.smooth, color: COLORS.blue, width: 2 },
      ],
      marks: [...epochMarks(), ...lrMarks],
      empty: 'press Start to train',
    });
  }

  function drawAccuracyChart(xMax) {
    // 0-100% until the first evaluation after training starts, then zoomed
    // to the interesting part (at most 80-100%); the step-0 point rises from below.
    const trained = history.accuracy.filter(([step]) => step > 0).map(([, a]) => a);
    const lo = trained.length === 0 ? 0 : Math.min(0.8, Math.floor(Math.min(...trained) * 20) / 20);
    const tick = niceStep(1 - lo, 5);
    const ticks = [];
    for (let k = 0; lo + k * tick <= 1 + 1e-9; k++) {
      const v = lo + k * tick;
      ticks.push([v, `${Number((100 * v).toFixed(1))}%`]);
    }
    const { ctx, px, py } = chart(ui.accuracyChart, {
      xMax,
      y: (v) => (v - lo) / (1 - lo),
      clamp: false,
      yTicks: ticks,
      series: [{ points: history.accuracy, color: COLORS.blue, width: 2, dots: true }],
      marks: epochMarks(),
      empty: `measured every ${EVAL_EVERY} steps once training starts`,
    });
    const last = history.accuracy[history.accuracy.length - 1];
    if (last) {
      // The latest value, just over the end of the curve (the curve comes from below).
      ctx.font = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
      ctx.fillStyle = COLORS.blue;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(`${(100 * last[1]).toFixed(2)}%`, Math.max(px(last[0]), 90), Math.max(py(last[1]) - 6, 22));
    }
  }

  const digitCanvas = document.createElement('canvas');
  digitCanvas.width = 28;
  digitCanvas.height = 28;

  function drawDigits() {
    const { ctx, width, height } = setup(ui.digits);
    if (data === null) return;
    const cellW = width / GRID_COLUMNS;
    const cellH = height / GRID_ROWS;
    const size = Math.min(56, cellH - 26);
    const tiny = digitCanvas.getContext('2d');
    const image = tiny.createImageData(28, 28);
    for (let k = 0; k < GRID; k++) {
      const col = k % GRID_COLUMNS;
      const row = Math.floor(k / GRID_COLUMNS);
      const pixels = data.test.images.subarray(k * 784, (k + 1) * 784);
      for (let p = 0; p < 784; p++) {
        const v = 255 - pixels[p]; // dark ink on white
        image.data[4 * p] = v;
        image.data[4 * p + 1] = v;
        image.data[4 * p + 2] = v;
        image.data[4 * p + 3] = 255;
      }
      tiny.putImageData(image, 0, 0);
      const x = col * cellW + (cellW - size) / 2;
      const y = row * cellH + 4;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(digitCanvas, x, y, size, size);
      ctx.strokeStyle = '#d8dee4';
      ctx.lineWidth = 1;
      ctx.strokeRect(Math.round(x) - 0.5, Math.round(y) - 0.5, size + 1, size + 1);
      const truth = data.test.labels[k];
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      if (gridPredictions === null) {
        ctx.font = '600 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
        ctx.fillStyle = '#8c959f';
        ctx.fillText('?', col * cellW + cellW / 2, y + size + 5);
      } else {
        const predicted = gridPredictions[k];
        const right = predicted === truth;
        ctx.font = '600 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
        ctx.fillStyle = right ? '#1a7f37' : '#cf222e';
        ctx.fillText(right ? String(predicted) : `${predicted} (${truth})`, col * cellW + cellW / 2, y + size + 5);
      }
    }
  }

  // ---- wiring ----

  ui.start.addEventListener('click', start);
  ui.stop.addEventListener('click', () => void stop());
  ui.reset.addEventListener('click', async () => {
    await stop();
    reset();
    setStatus('ready');
    requestDraw();
  });
  ui.lr.addEventListener('input', () => {
    const lr = LEARNING_RATES[Number(ui.lr.value)];
    ui.lrValue.textContent = String(lr);
    if (lr === state.lr) return;
    state.lr = lr;
    if (state.step === 0 && !state.running) opt.lr = lr;
    else pendingLr = lr;
  });
  window.addEventListener('resize', requestDraw);
  window.addEventListener('error', (event) => fail(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => fail(event.reason));

  (async () => {
    try {
      ui.lrValue.textContent = String(state.lr);
      requestDraw();
      if (ag === undefined) throw new Error('/dist/autograd.min.js did not load (no global AutoGrad): run `npm run build`');
      const [loaded] = await Promise.all([loadData(), ag.ready]);
      data = loaded;
      state.threads = typeof ag.threads === 'function' ? ag.threads() : 1;
      ui.threads.textContent = `${state.threads}${state.threads > 1 ? '' : crossOriginIsolated ? '' : ' (not isolated)'}`;
      if (!ag.nn || !ag.crossEntropy || !ag.argmax) throw new Error('this build of autograd-wasm lacks ag.nn, ag.crossEntropy or ag.argmax: run `npm run build`');
      reset();
      setStatus('ready');
      requestDraw();
      if (new URLSearchParams(location.search).has('autostart')) start();
    } catch (error) {
      fail(error);
    }
  })();
})();
