// Loaded first by every test page and worker (a classic script; globalThis
// is the window or the worker scope): records uncaught errors and defines
// probe(), which runs a call and describes how it went as plain data the
// test reads with page.evaluate.
globalThis.pageErrors = [];

// ?sync-compile-limit=N makes synchronous WebAssembly compilation of more
// than N bytes throw, as Chromium's main thread did before version ~115 (4 KB)
// and other embedders still may, so the library must take its asynchronous
// path: `ready` resolves later and calls made before it throw NotReadyError.
// WebAssembly.compile/instantiate are untouched.
const syncLimit = new URLSearchParams(globalThis.location ? location.search : '').get('sync-compile-limit');
if (syncLimit !== null) {
  const NativeModule = WebAssembly.Module;
  const LimitedModule = function Module(bytes) {
    if (!new.target) throw new TypeError("WebAssembly.Module must be invoked with 'new'");
    if (bytes.byteLength > Number(syncLimit)) {
      throw new RangeError(
        `WebAssembly.Module(): Buffer size is larger than ${syncLimit} bytes. ` +
          'Use WebAssembly.compile, or compile on a worker thread.',
      );
    }
    return new NativeModule(bytes);
  };
  LimitedModule.prototype = NativeModule.prototype;
  Object.setPrototypeOf(LimitedModule, NativeModule);
  WebAssembly.Module = LimitedModule;
  globalThis.syncCompileLimited = true;
}
addEventListener('error', (e) => pageErrors.push(String(e.error && e.error.stack ? e.error.stack : e.message)));
addEventListener('unhandledrejection', (e) => pageErrors.push(String(e.reason && e.reason.stack ? e.reason.stack : e.reason)));

globalThis.probe = function probe(ag, fn) {
  try {
    return { threw: false, value: fn() };
  } catch (e) {
    return {
      threw: true,
      name: e && e.name,
      message: String(e && e.message),
      isNotReadyError: typeof ag.NotReadyError === 'function' && e instanceof ag.NotReadyError,
      isAutogradError: typeof ag.AutogradError === 'function' && e instanceof ag.AutogradError,
    };
  }
};

// Runs compute(ag) once `ag.ready` resolves and stores the outcome on globalThis.result.
globalThis.runReference = async function runReference(ag) {
  try {
    await ag.ready;
    const { compute, draws } = await import('/test/fixtures/computation.mjs');
    const afterReady = probe(ag, () => ag.sum(ag.tensor([1, 2, 3])).item());
    globalThis.result = { ok: true, afterReady, value: compute(ag), draws: draws(ag) };
  } catch (e) {
    globalThis.result = { ok: false, error: String(e && e.stack ? e.stack : e) };
  }
};
