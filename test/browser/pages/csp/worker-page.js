const worker = new Worker('worker.js');
worker.onmessage = (e) => {
  pageErrors.push(...e.data.pageErrors);
  globalThis.result = e.data.outcome;
};
worker.onerror = (e) => pageErrors.push(`worker error: ${e.message}`);
