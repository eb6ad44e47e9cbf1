// Every kernel the front end calls. Kernels never allocate (but for the
// allocator itself) and never validate: src/ checks shapes first.
export * from "./memory";
export * from "./fill";
export * from "./dtype";
export * from "./integer";
export * from "./binary";
export * from "./compare";
export * from "./unary";
export * from "./special";
export * from "./reduce";
export * from "./matmul";
export * from "./linalg";
export * from "./indexing";
export * from "./nn";
export * from "./optim";
export * from "./adjugate";
export * from "./factor";
export * from "./threads";
export * from "./elementary";
export * from "./specialx";
export * from "./bessel";
export * from "./sort";
