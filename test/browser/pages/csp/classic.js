observe(AutoGrad).then((outcome) => (globalThis.result = outcome));
