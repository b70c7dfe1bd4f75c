// Type definitions for @ruvector/wasm (hand-written; kept in step with src/api.mjs).
// The database API is the one of @ruvector/core; the additions are the reference
// system's wasm surface (positional constructor, IndexedDB, detectSIMD, benchmark)
// and the loader controls. Checked by test/types/example.ts with `tsc --noEmit`.

/** Distance metric names (case-insensitive; '_', '-' and ' ' are ignored). */
export type DistanceMetric =
  | 'cosine' | 'euclidean' | 'l2' | 'dot' | 'dotproduct' | 'innerproduct' | 'ip' | 'manhattan' | 'l1'
  | 'Cosine' | 'Euclidean' | 'DotProduct' | 'Manhattan'
  | (string & {});

export type IndexKind = 'hnsw' | 'flat';

/** A vector: copied into WebAssembly memory for the call. */
export type VectorInput = Float32Array | Float64Array | ReadonlyArray<number>;

/** JSON values accepted as metadata members. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };
/** Metadata: a plain JSON object (converted with JSON.stringify, so toJSON() is honoured). */
export type Metadata = { [key: string]: JsonValue | undefined };

/** Mongo-style filter over metadata. */
export type FilterOperators = {
  $eq?: JsonValue; $ne?: JsonValue;
  $gt?: number | string; $gte?: number | string; $lt?: number | string; $lte?: number | string;
  $in?: JsonValue[]; $nin?: JsonValue[];
  $exists?: boolean;
  $not?: FilterOperators;
};
export type Filter = {
  $and?: Filter[];
  $or?: Filter[];
  $not?: Filter;
  [field: string]: JsonValue | FilterOperators | Filter[] | Filter | undefined;
};

export interface HnswConfig {
  /** Links per node (layer 0 keeps 2*m). Range 2..256. Default 16. */
  m?: number;
  /** Candidate list size while building. Default 40. */
  efConstruction?: number;
  /** Default candidate list size while searching (per-query `efSearch` overrides). Default 100. */
  efSearch?: number;
  /** Accepted for compatibility and ignored: the index grows on demand. */
  maxElements?: number;
  /** Seed for level assignment (reproducible builds). */
  seed?: number;
}

export interface DbOptions {
  /** Vector length, 1..65536. Required. */
  dimensions?: number;
  /** Alias of `dimensions`. */
  dimension?: number;
  /** Default 'cosine'. */
  distanceMetric?: DistanceMetric;
  /** Alias of `distanceMetric`. */
  metric?: DistanceMetric;
  /** Default 'hnsw'. 'flat' is exact brute force. */
  index?: IndexKind;
  hnswConfig?: HnswConfig;
  /** Alias of `hnswConfig`. */
  hnsw?: HnswConfig;
  /** Not available in wasm: any non-empty value is UNSUPPORTED (use IndexedDB or serialize()). */
  storagePath?: string;
  path?: string;
  /** Accepted for parity; no effect in memory. */
  readOnly?: boolean;
  /** Accepted for parity; the wasm build is single-threaded. */
  threads?: number;
}

export interface VectorEntry {
  /** Omitted: a UUID v4 is generated. Numbers become their decimal string. Existing id: replaced (upsert). */
  id?: string | number;
  vector: VectorInput;
  metadata?: Metadata | null;
}

export interface SearchQuery {
  vector: VectorInput;
  /** Number of results, >= 1. Default 10. */
  k?: number;
  /** Candidate list size for this query (always at least k). Default: the database's efSearch. */
  efSearch?: number;
  filter?: Filter;
  /** Default false. */
  includeVector?: boolean;
  /** Default false. */
  includeMetadata?: boolean;
}

export interface SearchResult {
  id: string;
  /** A distance: lower is better (cosine: 1 - cos in [0, 2]; euclidean: L2; dot: -a·b; manhattan: L1). */
  score: number;
  /** Present when `includeVector`. */
  vector?: Float32Array;
  /** Present when `includeMetadata` (null when the entry has none). */
  metadata?: Metadata | null;
}

export interface VectorRecord {
  id: string;
  vector: Float32Array;
  metadata: Metadata | null;
}

export interface DbInfo {
  dimensions: number;
  metric: 'euclidean' | 'cosine' | 'dot' | 'manhattan';
  index: IndexKind;
  hnswConfig: Required<Omit<HnswConfig, 'seed'>>;
  count: number;
  /** Always 'memory' in wasm. */
  storage: string;
  indexSource: string;
  memoryBytes: number;
  /** 'simd128' or 'scalar'. */
  simdLevel: 'simd128' | 'scalar';
}

/** What saveToIndexedDB() stored, and what listIndexedDB() lists. */
export interface IndexedDBManifest {
  name: string;
  /** Snapshot size in bytes. */
  bytes: number;
  /** Number of 8 MiB chunks. */
  chunks: number;
  /** ISO 8601 time of the save. */
  savedAt: string;
  dimensions: number;
  metric: 'euclidean' | 'cosine' | 'dot' | 'manhattan';
  index: IndexKind;
  count: number;
  /** Engine version that wrote it. */
  engine: string;
}

/** Error codes. Errors are Error / TypeError / RangeError instances with `.code`. */
export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CORRUPTION'
  | 'IO_ERROR' | 'UNSUPPORTED' | 'RESOURCE_EXHAUSTED' | 'LOCKED';
export interface RuvectorError extends Error {
  code: ErrorCode;
}

export declare class VectorDb {
  /** Bad options throw here (the module need not be loaded yet). */
  constructor(options: DbOptions);
  /** The reference system's form: metric default 'cosine', useHnsw default true (false = exact index). */
  constructor(dimensions: number, metric?: DistanceMetric | null, useHnsw?: boolean | null);
  /** Resolves with this database once the WebAssembly module is loaded and it is open. */
  readonly ready: Promise<this>;
  /** True after close(). */
  readonly closed: boolean;
  /** Vector length. */
  readonly dimensions: number;

  static open(options: DbOptions): Promise<VectorDb>;
  static open(dimensions: number, metric?: DistanceMetric | null, useHnsw?: boolean | null): Promise<VectorDb>;
  static withDimensions(dimensions: number): VectorDb;
  /** A new database from serialize() bytes written by any face of ruvector. */
  static deserialize(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options?: DbOptions): Promise<VectorDb>;
  /** Loads a database saved with saveToIndexedDB(name). NOT_FOUND when there is none. */
  static loadFromIndexedDB(name: string): Promise<VectorDb>;
  static listIndexedDB(): Promise<IndexedDBManifest[]>;
  static deleteIndexedDB(name: string): Promise<boolean>;

  /** Inserts or replaces one entry; resolves with its id. */
  insert(entry: VectorEntry): Promise<string>;
  /** The reference system's form. */
  insert(vector: VectorInput, id?: string | number | null, metadata?: Metadata | null): Promise<string>;
  /** All-or-nothing: one bad entry fails the call (its position named) and nothing is written. */
  insertBatch(entries: ReadonlyArray<VectorEntry>): Promise<string[]>;
  /** Up to k results sorted by ascending score, ties broken by id. */
  search(query: SearchQuery): Promise<SearchResult[]>;
  /** The reference system's form: results include vector and metadata. */
  search(vector: VectorInput, k?: number, filter?: Filter | null): Promise<SearchResult[]>;
  searchBatch(queries: ReadonlyArray<SearchQuery>): Promise<SearchResult[][]>;
  /** The entry, or null when absent. */
  get(id: string | number): Promise<VectorRecord | null>;
  /** true when the entry existed. */
  delete(id: string | number): Promise<boolean>;
  len(): Promise<number>;
  isEmpty(): Promise<boolean>;
  info(): Promise<DbInfo>;
  /** The portable snapshot (docs/file-format.md). */
  serialize(): Promise<Uint8Array>;
  /** No-op in memory (parity with @ruvector/core). */
  checkpoint(): Promise<void>;
  /**
   * Stores the snapshot in IndexedDB (chunked) under `name`; default: the name this
   * database was loaded from or last saved under, else 'default'. Replaces atomically.
   */
  saveToIndexedDB(name?: string): Promise<IndexedDBManifest>;
  /** Frees the WebAssembly memory now. Later calls reject (INVALID_ARGUMENT, "closed"). Idempotent. */
  close(): Promise<void>;
}
export { VectorDb as VectorDB };

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
export declare const capabilities: { durable: false; indexedDB: true; threads: false; hnsw: true; wasm: true };

declare const api: {
  VectorDb: typeof VectorDb;
  VectorDB: typeof VectorDb;
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
