// Type definitions for @ruvector/wasm/worker: one database in one worker (a module
// Web Worker in browsers, worker_threads in Node) behind the VectorDb API.
import type {
  DbOptions, DistanceMetric, VectorEntry, VectorInput, Metadata, SearchQuery, SearchResult, Filter, VectorRecord,
  DbInfo, IndexedDBManifest,
} from './index.js';

export interface WorkerOptions {
  /** Another worker script (default: the package's worker-host). */
  workerUrl?: string | URL;
  /** Node only: force the module variant inside the worker. */
  backend?: 'simd' | 'baseline';
}

export declare class WorkerVectorDb {
  /** Starts the worker; bad options throw here; calls made before the database is open wait for it. */
  constructor(options: DbOptions, workerOptions?: WorkerOptions);
  constructor(dimensions: number, metric?: DistanceMetric | null, useHnsw?: boolean | null);
  /** Known once the database is open. */
  readonly dimensions: number | undefined;
  /** Resolves with this database once it is open in its worker (rejects with the open error). */
  readonly ready: Promise<this>;
  /** True after close(). */
  readonly closed: boolean;
  static deserialize(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, workerOptions?: WorkerOptions): Promise<WorkerVectorDb>;
  static loadFromIndexedDB(name: string, workerOptions?: WorkerOptions): Promise<WorkerVectorDb>;

  insert(entry: VectorEntry): Promise<string>;
  insert(vector: VectorInput, id?: string | number | null, metadata?: Metadata | null): Promise<string>;
  insertBatch(entries: ReadonlyArray<VectorEntry>): Promise<string[]>;
  search(query: SearchQuery): Promise<SearchResult[]>;
  search(vector: VectorInput, k?: number, filter?: Filter | null): Promise<SearchResult[]>;
  searchBatch(queries: ReadonlyArray<SearchQuery>): Promise<SearchResult[][]>;
  get(id: string | number): Promise<VectorRecord | null>;
  delete(id: string | number): Promise<boolean>;
  len(): Promise<number>;
  isEmpty(): Promise<boolean>;
  info(): Promise<DbInfo>;
  serialize(): Promise<Uint8Array>;
  /** No-op in memory (parity with @ruvector/core). */
  checkpoint(): Promise<void>;
  saveToIndexedDB(name?: string): Promise<IndexedDBManifest>;
  /** The module running in the worker. */
  runtime(): Promise<{ backend: 'simd' | 'baseline'; simdLevel: 'simd128' | 'scalar'; version: string }>;
  /** Closes the database, then terminates the worker. Idempotent. */
  close(): Promise<void>;
}
export { WorkerVectorDb as WorkerVectorDB };

/** Starts a worker and creates the database in it; rejects with the open error (with .code). */
export declare function createWorkerDb(options: DbOptions, workerOptions?: WorkerOptions): Promise<WorkerVectorDb>;
