// A classic worker gets its policy from its own response's header.
importScripts('probe.js', '../../../../dist/autograd.min.js');
observe(AutoGrad).then((outcome) => postMessage({ outcome, pageErrors: self.pageErrors }));
