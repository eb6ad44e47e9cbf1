// The code every pool worker runs, as text: it ships inside the one bundle
// (a worker is started from a string: `eval` on Node, a Blob URL in
// browsers), so there is no worker file to serve and no path to configure.
// It is plain JavaScript, independent of the bundle's module format, and
// its layout constants come from ./pool-layout.

import { ACTIVE, ARGS, ERROR, ERROR_TEXT, ERROR_TEXT_LENGTH, GEN, KERNEL, LEN_INDEX, RANGE, READY, SCALES, SLEEPERS, SPIN, STOP, TICKET, UNITS, GRAIN, ARGC, DONE } from './pool-layout';

/**
 * A worker instantiates the kernel module on the shared memory, takes its
 * own scratch block, says it is ready, then serves jobs until the pool is
 * retired: wait (spin a little, then Atomics.wait) for a new generation,
 * claim chunks of the job until none is left, run each through the same
 * export the main thread would call, count it done. A kernel that traps is
 * reported through the control block and still counted done, so the main
 * thread never waits for a chunk that will not finish.
 */
export const WORKER_SOURCE = `"use strict";
(() => {
  const node = typeof process === "object" && process !== null && typeof process.getBuiltinModule === "function";
  const port = node ? process.getBuiltinModule("node:worker_threads").parentPort : null;
  const serve = (init) => {
    const ctl = new Int32Array(init.control);
    const f64 = new Float64Array(init.control);
    const abort = () => { throw new Error("abort in a kernel"); };
    const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort } }).exports;
    exports.thread_init(init.scratch);
    const fns = Object.values(exports);
    const v = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const chunk = (c, count) => {
      const units = ctl[${UNITS}], grain = ctl[${GRAIN}], argc = ctl[${ARGC}], len = ctl[${LEN_INDEX}];
      const lo = c * grain, hi = Math.min(units, lo + grain);
      for (let i = 0; i < argc; i++) v[i] = f64[${ARGS} + i] + lo * f64[${SCALES} + i];
      let n = argc;
      if (len >= 0) v[len] = hi - lo;
      if (ctl[${RANGE}] === 1) { v[n++] = lo; v[n++] = hi; }
      for (let i = n; i < v.length; i++) v[i] = 0;
      try {
        fns[ctl[${KERNEL}]](v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21]);
      } catch (error) {
        if (Atomics.compareExchange(ctl, ${ERROR}, 0, 1) === 0) {
          const text = String(error && error.message || error).slice(0, ${ERROR_TEXT_LENGTH});
          for (let i = 0; i < text.length; i++) ctl[${ERROR_TEXT} + i] = text.charCodeAt(i);
          ctl[${ERROR_TEXT} + text.length] = 0;
        }
      }
      if (Atomics.add(ctl, ${DONE}, 1) + 1 === count) Atomics.notify(ctl, ${DONE});
    };
    Atomics.add(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    let seen = Atomics.load(ctl, ${GEN});
    for (;;) {
      let spins = 0;
      while (Atomics.load(ctl, ${GEN}) === seen) {
        if (++spins < ctl[${SPIN}]) continue;
        Atomics.add(ctl, ${SLEEPERS}, 1);
        Atomics.wait(ctl, ${GEN}, seen);
        Atomics.sub(ctl, ${SLEEPERS}, 1);
        spins = 0;
      }
      seen = Atomics.load(ctl, ${GEN});
      if (Atomics.load(ctl, ${STOP}) !== 0) break;
      if (init.slot >= Atomics.load(ctl, ${ACTIVE})) continue;
      for (;;) {
        const t = Atomics.load(ctl, ${TICKET});
        const count = t >>> 16, next = t & 0xffff;
        if (next >= count) break;
        if (Atomics.compareExchange(ctl, ${TICKET}, t, t + 1) === t) chunk(next, count);
      }
    }
    if (port !== null) port.close(); else close();
  };
  if (port !== null) port.once("message", serve);
  else self.onmessage = (event) => serve(event.data);
})();
`;
