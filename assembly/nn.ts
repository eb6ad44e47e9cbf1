// Kernels for src/ops/nn.ts.
