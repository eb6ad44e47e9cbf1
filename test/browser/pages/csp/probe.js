// Shared by the CSP pages and worker (a classic script, loaded first): records
// uncaught errors and unhandled rejections, and describes how the library
// behaved as plain data in globalThis.result, which the test reads. No inline
// script anywhere: the pages run under script-src 'self'.
globalThis.pageErrors = [];
addEventListener('error', (e) => pageErrors.push(String(e.error && e.error.stack ? e.error.stack : e.message)));
addEventListener('unhandledrejection', (e) => pageErrors.push(`unhandled rejection: ${e.reason && e.reason.stack ? e.reason.stack : e.reason}`));

function attempt(ag) {
  try {
    return { threw: false, value: ag.sum(ag.tensor([1, 2, 3])).item() };
  } catch (e) {
    return { threw: true, name: e && e.name, message: String(e && e.message), isNotReadyError: e instanceof ag.NotReadyError };
  }
}

// The early call runs synchronously right after the library loaded; `ready`
// is awaited only afterwards, as a page that forgot to would do.
globalThis.observe = async function observe(ag) {
  const early = attempt(ag);
  let ready;
  try {
    await ag.ready;
    ready = { rejected: false };
  } catch (e) {
    ready = { rejected: true, name: e && e.name, message: String(e && e.message), isNotReadyError: e instanceof ag.NotReadyError };
  }
  const later = attempt(ag);
  return { early, ready, later };
};
