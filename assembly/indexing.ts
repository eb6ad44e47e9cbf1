// Kernels for src/ops/indexing.ts.
