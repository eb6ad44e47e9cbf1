// The allocator the front end uses for every tensor. heap.alloc/heap.free go
// straight to the runtime's TLSF allocator, so freed blocks are reused (a bump
// allocator would grow forever under a training loop). TLSF blocks are 16-byte
// aligned, which keeps v128 loads on natural boundaries.

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

export function copy_bytes(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
