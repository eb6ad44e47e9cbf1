// The compare op family (see test/ops/compare.table.ts).
export {};
