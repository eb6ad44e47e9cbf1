// Transitional: the helpers now live in args.ts (argument checks) and kernels.ts (kernel plumbing).
export * from './args';
export * from './kernels';
export { composite } from '../core/primitive';
