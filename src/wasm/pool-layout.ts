// The pool's control block: one SharedArrayBuffer shared by the main thread
// and its workers, seen as Int32 words (the indices below) and, for the
// kernel's arguments, as Float64 words (ARGS, SCALES).

/** Job generation: workers wait on it between jobs. */
export const GEN = 0;
/** The job's chunks: (count << 16) | next chunk to claim, claimed by compare-exchange. */
export const TICKET = 1;
/** Chunks finished (including by a kernel that trapped). */
export const DONE = 2;
/** The kernel: its index in the module's exports, the same in every instance. */
export const KERNEL = 3;
/** Number of arguments in ARGS. */
export const ARGC = 4;
/** The argument set to the chunk's unit count, or -1. */
export const LEN_INDEX = 5;
/** 1: the chunk's (lo, hi) units are passed after the arguments. */
export const RANGE = 6;
/** Units of work in the job, and per chunk. */
export const UNITS = 7;
export const GRAIN = 8;
/** 1 once a chunk threw in a worker (its message at ERROR_TEXT). */
export const ERROR = 9;
/** Workers asleep in Atomics.wait on GEN. */
export const SLEEPERS = 10;
/** Workers that have instantiated the module and serve jobs. */
export const READY = 11;
/** 1: the pool is retired, its workers exit. */
export const STOP = 12;
/** How many times an idle worker polls GEN before it sleeps. */
export const SPIN = 13;
/** Workers that take part in jobs: those whose slot is below this (setThreads(n) with n <= the pool). */
export const ACTIVE = 14;
/** Float64 index of the arguments (up to 20), and of each one's bytes per unit of work. */
export const ARGS = 16;
export const SCALES = 40;
export const MAX_ARGS = 20;
/** Int32 index of the first error's message, one UTF-16 unit per word. */
export const ERROR_TEXT = 128;
export const ERROR_TEXT_LENGTH = 120;
/** Bytes of the control block. */
export const CONTROL_BYTES = 1024;
