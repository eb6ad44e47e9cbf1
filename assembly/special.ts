// Kernels for src/ops/special.ts.
