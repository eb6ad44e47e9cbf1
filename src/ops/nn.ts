// The nn op family (see test/ops/nn.table.ts).
export {};
