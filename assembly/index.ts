// Every kernel the front end calls. Kernels never allocate (but for the
// allocator itself) and never validate: src/ checks shapes first.
export * from "./memory";
export * from "./fill";
export * from "./binary";
export * from "./unary";
export * from "./reduce";
export * from "./matmul";
