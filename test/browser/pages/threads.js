// The worker pool in a page (test/browser/threads.test.ts): served with
// COOP/COEP headers the page is cross-origin isolated, the kernels' memory is
// shared and large kernels run on Workers; served without them it is not,
// and everything runs on the main thread. Either way the numbers must be
// Node's. Loaded before the bundle: it wraps Worker to see what the library
// starts and what it sends (the pool's control block, whose words count the
// ready workers and the jobs: src/wasm/pool-layout.ts).
const started = [];
if (typeof globalThis.Worker === 'function') {
  const NativeWorker = globalThis.Worker;
  globalThis.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      const record = { url: String(url), messages: [] };
      started.push(record);
      const post = this.postMessage.bind(this);
      this.postMessage = (message, transfer) => {
        record.messages.push(message);
        return post(message, transfer);
      };
    }
  };
}

/** The bits of a Float32Array, to compare results exactly. */
function bits(a) {
  return Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));
}

globalThis.runThreads = async function runThreads(ag) {
  try {
    await ag.ready;
    const { compute, draws } = await import('/test/fixtures/computation.mjs');
    const isolated = globalThis.crossOriginIsolated === true;
    const threadsByDefault = ag.threads();
    const granted = ag.setThreads(2);
    // a browser starts a Worker only once the page yields
    for (let i = 0; i < 200; i++) {
      const control = started[0] && started[0].messages[0] && started[0].messages[0].control;
      if (!isolated || (control && Atomics.load(new Int32Array(control), 11) >= 1)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    ag.seed(3);
    const a = ag.keep(ag.randn([300, 200]));
    const b = ag.keep(ag.randn([200, 260]));
    const x = ag.keep(ag.randn([8, 3, 20, 20]));
    const w = ag.keep(ag.randn([6, 3, 3, 3]));
    const run = () =>
      ag.tidy(() => [
        bits(ag.matmul(a, b).data()),
        bits(ag.conv2d(x, w, { padding: 1 }).data()),
        bits(ag.grad((t) => ag.sum(ag.abs2(ag.conv2d(t, w, { padding: 1 }))))(x).data()),
        bits(ag.gelu(ag.reshape(a, [-1])).data()),
      ]);
    const control = started[0] && started[0].messages[0] && started[0].messages[0].control;
    const jobsBefore = control ? Atomics.load(new Int32Array(control), 0) : 0;
    const many = run();
    const jobs = control ? Atomics.load(new Int32Array(control), 0) - jobsBefore : 0;
    ag.setThreads(1);
    const one = run();
    ag.setThreads(2);
    const same = JSON.stringify(one) === JSON.stringify(many);
    const value = compute(ag);
    globalThis.result = {
      ok: true,
      isolated,
      threadsByDefault,
      granted,
      workers: started.length,
      workerUrls: started.map((s) => s.url.slice(0, 5)),
      readyWorkers: control ? Atomics.load(new Int32Array(control), 11) : 0,
      jobs,
      same,
      value,
      draws: draws(ag),
    };
  } catch (e) {
    globalThis.result = { ok: false, error: String(e && e.stack ? e.stack : e) };
  }
};
