// Type definitions for @ruvector/wasm/worker: one database in one worker (a module
// Web Worker in browsers, worker_threads in Node) behind the VectorDb API.
import type { DbOptions, DistanceMetric } from './src/contract';
import { VectorDb } from './src/contract';

export interface WorkerOptions {
  /** Another worker script (default: the package's worker-host). */
  workerUrl?: string | URL;
  /** Node only: force the module variant inside the worker. */
  backend?: 'simd' | 'baseline';
}

/** The contract's VectorDb (the same methods, checks and errors), with its database in a worker. */
export declare class WorkerVectorDb extends VectorDb {
  /** Starts the worker; bad options throw here; calls made before the database is open wait for it. */
  constructor(options: DbOptions, workerOptions?: WorkerOptions);
  constructor(dimensions: number, metric?: DistanceMetric | null, useHnsw?: boolean | null);
  /** options may repeat the snapshot's settings; workerUrl/backend there choose the worker. */
  static deserialize(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options?: DbOptions & WorkerOptions): Promise<WorkerVectorDb>;
  static loadFromIndexedDB(name: string, workerOptions?: WorkerOptions): Promise<WorkerVectorDb>;
  /** The module running in the worker. */
  runtime(): Promise<{ backend: 'simd' | 'baseline'; simdLevel: 'simd128' | 'scalar'; version: string }>;
}
export { WorkerVectorDb as WorkerVectorDB };

/** Starts a worker and creates the database in it; rejects with the open error (with .code). */
export declare function createWorkerDb(options: DbOptions, workerOptions?: WorkerOptions): Promise<WorkerVectorDb>;
