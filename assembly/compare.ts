// Kernels for src/ops/compare.ts.
