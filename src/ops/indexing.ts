// The indexing op family (see test/ops/indexing.table.ts).
export {};
