// Kernels for src/ops/linalg.ts.
