// Types for server.mjs (kept as plain JavaScript so `npm run demo` needs no build step).

export interface MnistBinary {
  /** The packed file served at /data/mnist.bin (format in server.mjs). */
  bytes: Buffer;
  count: number;
  trainCount: number;
}

export function buildMnistBinary(trainCount?: number, seed?: number): MnistBinary;

export interface DemoServer {
  /** e.g. http://127.0.0.1:8080/ (with the trailing slash) */
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startDemoServer(options?: { port?: number; host?: string; log?: (message: string) => void }): Promise<DemoServer>;
