// A classic Web Worker loading the <script> bundle with importScripts.
// Workers may compile WebAssembly synchronously, so the early call is
// expected to work here; the test reports what happened either way.
importScripts('/test/browser/pages/probe.js');
importScripts('/dist/autograd.min.js');
const earlyCall = probe(AutoGrad, () => AutoGrad.sum(AutoGrad.tensor([1, 2, 3])).item());
runReference(AutoGrad).then(() => postMessage({ earlyCall, result: self.result, pageErrors: self.pageErrors }));
