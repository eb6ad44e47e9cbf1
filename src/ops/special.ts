// The special op family (see test/ops/special.table.ts).
export {};
