// Type definitions for @ruvector/wasm (hand-written; kept in step with src/api.mjs).
// The database API is the one of @ruvector/core; the additions are the reference
// system's wasm surface (positional constructor, IndexedDB, detectSIMD, benchmark)
// and the loader controls. Checked by test/types/example.ts with `tsc --noEmit`.

// The contract's types and the async VectorDb class (generated from npm/contract/contract.d.ts).
export * from './src/contract';
import type { DbOptions, DistanceMetric, VectorEntry, VectorInput, Metadata, Filter, SearchResult, VectorRecord, IndexedDBManifest } from './src/contract';
import { VectorDb } from './src/contract';

/**
 * The reference system's synchronous class: `new VectorDB(dimensions, metric?, useHnsw?)` after
 * `await init()`, or `new VectorDB(options)` then `await db.init()`. Methods return values.
 */
export declare class VectorDB {
  constructor(dimensions: number, metric?: DistanceMetric | null, useHnsw?: boolean | null);
  constructor(options: DbOptions);
  /** Opens the database once the module is loaded. */
  init(): Promise<this>;
  readonly dimensions: number | undefined;
  insert(vector: VectorInput, id?: string | number | null, metadata?: Metadata | string | null): string;
  insert(entry: VectorEntry): string;
  insertBatch(entries: ReadonlyArray<VectorEntry>): string[];
  /** Hits with their vector and metadata. */
  search(query: VectorInput, k?: number, filter?: Filter | string | null): SearchResult[];
  get(id: string | number): VectorRecord | null;
  delete(id: string | number): boolean;
  len(): number;
  count(): number;
  isEmpty(): boolean;
  serialize(): Uint8Array;
  saveToIndexedDB(name?: string): Promise<IndexedDBManifest>;
  close(): void;
}
/** Loads the WebAssembly module (the reference's default export). */
export declare function init(): Promise<typeof api>;
/** Float32Array copy of an array of numbers. */
export declare function arrayToFloat32Array(values: ArrayLike<number>): Float32Array;

/** The engine version, e.g. "0.1.0". */
export declare function version(): string;
/** 'simd128' or 'scalar': the kernels of the loaded module (before loading: the loader's choice). */
export declare function simdLevel(): 'simd128' | 'scalar';
/** true when the simd128 build is (or will be) the one running. */
export declare function detectSIMD(): boolean;
/** true when this JavaScript engine validates WebAssembly SIMD. */
export declare function wasmSimdSupported(): boolean;
/** Loads the module now (optional: every method waits for it). */
export declare function ready(): Promise<{ backend: 'simd' | 'baseline'; simdLevel: 'simd128' | 'scalar'; version: string }>;
/** Forces the module variant; call before the first database is created. */
export declare function setBackend(backend: 'auto' | 'simd' | 'baseline'): void;
/** The loaded variant, or null before loading. */
export declare function getBackend(): 'simd' | 'baseline' | null;
/** Size of the WebAssembly memory in bytes (0 before loading). */
export declare function memoryBytes(): number;
/**
 * Measures ops/s with performance.now() over real awaited calls on a fresh default
 * database: 'insert' (single inserts), 'insertBatch' (one batch), or 'search'
 * (k = 10 over `iterations` stored vectors). Defaults: 1000 iterations, 128 dimensions.
 */
export declare function benchmark(name?: string, iterations?: number, dimensions?: number): Promise<number>;
export declare function listIndexedDB(): Promise<IndexedDBManifest[]>;
export declare function deleteIndexedDB(name: string): Promise<boolean>;
/** Where to load each variant from: browsers {wasmUrl | wasmBinary}, Node {wasmPath | wasmBinary}. */
export declare function configure(options: {
  simd?: { wasmUrl?: string | URL; wasmPath?: string; wasmBinary?: ArrayBuffer | Uint8Array };
  baseline?: { wasmUrl?: string | URL; wasmPath?: string; wasmBinary?: ArrayBuffer | Uint8Array };
}): void;
export declare const capabilities: { durable: false; indexedDB: true; threads: false; hnsw: true; wasm: true; syncVectorDB: true };

declare const api: (() => Promise<typeof api>) & {
  VectorDb: typeof VectorDb;
  VectorDB: typeof VectorDB;
  init: typeof init;
  arrayToFloat32Array: typeof arrayToFloat32Array;
  version: typeof version;
  simdLevel: typeof simdLevel;
  detectSIMD: typeof detectSIMD;
  wasmSimdSupported: typeof wasmSimdSupported;
  ready: typeof ready;
  setBackend: typeof setBackend;
  getBackend: typeof getBackend;
  memoryBytes: typeof memoryBytes;
  benchmark: typeof benchmark;
  listIndexedDB: typeof listIndexedDB;
  deleteIndexedDB: typeof deleteIndexedDB;
  configure: typeof configure;
  capabilities: typeof capabilities;
};
export default api;
