// Type definitions for ruvector (hand-written; kept in step with index.js, browser.mjs
// and the API both backends implement: @ruvector/core and @ruvector/wasm). The types are
// self-contained, so they work whichever optional backend package is installed.
// Checked by test/types (tsc --noEmit) and by examples/typescript.

/** Distance metric names (case-insensitive; '_', '-' and ' ' are ignored). */
export type DistanceMetric =
  | 'cosine' | 'euclidean' | 'l2' | 'dot' | 'dotproduct' | 'innerproduct' | 'ip' | 'manhattan' | 'l1'
  | 'Cosine' | 'Euclidean' | 'DotProduct' | 'Manhattan'
  | (string & {});

export type IndexKind = 'hnsw' | 'flat';

/** A vector: Float32Array, Float64Array or an array of numbers. */
export type VectorInput = Float32Array | Float64Array | ReadonlyArray<number>;

/** JSON values accepted as metadata members. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };
/** Metadata: a plain JSON object (never a JSON string). */
export type Metadata = { [key: string]: JsonValue | undefined };

/** Mongo-style filter over metadata (docs/filters.md). */
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
  /** Default candidate list size while searching (a query's `efSearch` overrides it). Default 100. */
  efSearch?: number;
  /** Accepted for compatibility: the index grows on demand. */
  maxElements?: number;
  /** Seed for level assignment (reproducible builds). */
  seed?: number;
}

export interface DbOptions {
  /** Vector length, 1..65536. Required for a new database; optional when reopening a storagePath. */
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
  /**
   * Directory of a durable (LMDB) database: native backend only. On the wasm backend any
   * non-empty value is an UNSUPPORTED error. Omitted: in-memory (there is no default path).
   */
  storagePath?: string;
  /** Alias of `storagePath`. */
  path?: string;
  /** Open `storagePath` read-only (native): searches work, writes fail with UNSUPPORTED. */
  readOnly?: boolean;
  /** Worker threads for batch work inside the engine (native). Default 0 = every core. */
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
  /** 'memory', or the durable storage (e.g. 'lmdb:<path>'). */
  storage: string;
  /** How the index was obtained at open: 'new', 'image', or 'rebuilt: <reason>'. */
  indexSource: string;
  memoryBytes: number;
}

/** What saveToIndexedDB() stored (browsers). */
export interface IndexedDBManifest {
  name: string;
  bytes: number;
  chunks: number;
  savedAt: string;
  dimensions: number;
  metric: 'euclidean' | 'cosine' | 'dot' | 'manhattan';
  index: IndexKind;
  count: number;
  engine: string;
}

/** Error codes. Errors are Error / TypeError / RangeError instances with `.code`. */
export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CORRUPTION'
  | 'IO_ERROR' | 'UNSUPPORTED' | 'RESOURCE_EXHAUSTED' | 'LOCKED';
export interface RuvectorError extends Error {
  code: ErrorCode;
}

/** The error thrown when loading ruvector finds no usable backend (code UNSUPPORTED). */
export interface NoBackendError extends RuvectorError {
  code: 'UNSUPPORTED';
  /** What was tried, in order, and why each failed. */
  tried: Array<{ name: BackendName; package: string; error: string }>;
  /** The backend RUVECTOR_BACKEND forced, or null. */
  forced: BackendName | null;
}

export declare class VectorDb {
  /**
   * In-memory database (no storagePath): bad options throw here. Durable database
   * (storagePath, native only): opens in the background; calls wait for it, and
   * `await db.ready` or `VectorDb.open()` reports open errors (e.g. LOCKED) early.
   */
  constructor(options: DbOptions);
  /** Resolves with this database once it is open. */
  readonly ready: Promise<this>;
  /** True after close(). */
  readonly closed: boolean;

  /** Opens a database and resolves once it is open. */
  static open(options: DbOptions): Promise<VectorDb>;
  /** Reference-system compatibility: new VectorDb({dimensions}). */
  static withDimensions(dimensions: number): VectorDb;
  /**
   * A new database from serialize() bytes of any backend or face (C++, Node, wasm):
   * in-memory, or durable with options.storagePath (native only; it must be empty).
   */
  static deserialize(bytes: Uint8Array | ArrayBuffer, options?: DbOptions): Promise<VectorDb>;
  /** Browsers: a database saved with saveToIndexedDB(name). UNSUPPORTED without IndexedDB (Node). */
  static loadFromIndexedDB(name: string): Promise<VectorDb>;

  /** Inserts or replaces one entry; resolves with its id. */
  insert(entry: VectorEntry): Promise<string>;
  /** All-or-nothing: one bad entry fails the call (its position named) and nothing is written. */
  insertBatch(entries: ReadonlyArray<VectorEntry>): Promise<string[]>;
  /** Up to k results sorted by ascending score, ties broken by id. */
  search(query: SearchQuery): Promise<SearchResult[]>;
  /** One result list per query, in order. */
  searchBatch(queries: ReadonlyArray<SearchQuery>): Promise<SearchResult[][]>;
  /** The entry, or null when absent. */
  get(id: string | number): Promise<VectorRecord | null>;
  /** true when the entry existed. */
  delete(id: string | number): Promise<boolean>;
  len(): Promise<number>;
  isEmpty(): Promise<boolean>;
  /** Settings and counters. */
  info(): Promise<DbInfo>;
  /** The portable snapshot (docs/file-format.md): a Buffer (native) or Uint8Array (wasm). */
  serialize(): Promise<Uint8Array>;
  /** Durable databases: store the index image now (no-op in memory). */
  checkpoint(): Promise<void>;
  /** Browsers: store the snapshot in IndexedDB. UNSUPPORTED without IndexedDB (Node, native). */
  saveToIndexedDB(name?: string): Promise<IndexedDBManifest>;
  /** Releases the database; later calls reject with INVALID_ARGUMENT ("closed"). Idempotent. */
  close(): Promise<void>;
}
export { VectorDb as VectorDB };

export type BackendName = 'native' | 'wasm';
export type SimdLevel = 'avx512' | 'avx2' | 'scalar' | 'neon' | 'simd128';

export interface BackendInfo {
  /** The backend in use. */
  name: BackendName;
  /** Why: 'RUVECTOR_BACKEND=wasm', 'first choice: ...', 'fallback: <why native failed>; using @ruvector/wasm', ... */
  reason: string;
  /** The active distance kernels. */
  simdLevel: SimdLevel;
  /** The engine version, e.g. "0.1.0". */
  version: string;
  /** '@ruvector/core' or '@ruvector/wasm'. */
  package: string;
  /** The installed package's version (Node). */
  packageVersion?: string | null;
  /** The .node or .wasm file in use (Node). */
  path?: string | null;
  /** Backends tried before this one, and why each failed. */
  tried: Array<{ name: BackendName; package: string; error: string }>;
}

/** Which backend is in use, why, and its SIMD level and version. */
export declare function getBackend(): BackendInfo;
/** Resolves with getBackend() once the engine is loaded (wasm compiles on first use). Optional. */
export declare function ready(): Promise<BackendInfo>;
/** The engine version. */
export declare function version(): string;
/** The active distance kernels. */
export declare function simdLevel(): SimdLevel;
/** What the backend in use offers. */
export declare const capabilities: Readonly<{
  backend: BackendName;
  /** storagePath works (native). */
  durable: boolean;
  /** saveToIndexedDB works (wasm where IndexedDB exists: browsers). */
  indexedDB: boolean;
  /** The engine uses threads for batch work (native). */
  threads: boolean;
  hnsw: true;
  wasm: boolean;
}>;
/** 'native' or 'wasm'. */
export declare function getImplementationType(): BackendName;
export declare function isNative(): boolean;
export declare function isWasm(): boolean;
/** Always false: ruvector has no rvf backend. */
export declare function isRvf(): false;
/** True when the native addon is the backend in use (the reference system's alias of isNative). */
export declare function isNativeAvailable(): boolean;
/** The ruvector package version and the backend in use. */
export declare function getVersion(): { version: string; implementation: BackendName };
/** The reference system's backend summary, plus the engine version and SIMD level. */
export declare function getBackendInfo(): {
  type: BackendName;
  /** The ruvector package version. */
  version: string;
  /** What the backend provides, e.g. 'SIMD (avx2)', 'Durable storage', 'Multi-threading'. */
  features: string[];
  engineVersion: string;
  simdLevel: SimdLevel;
};

/**
 * Vector helpers (double precision). Two vectors of different lengths are a RangeError
 * with code DIMENSION_MISMATCH naming both dimensions; a non-vector is a TypeError
 * with code INVALID_ARGUMENT.
 */
export declare const Utils: Readonly<{
  /** cos(a, b) in [-1, 1]; 0 when either vector is all zeros. */
  cosineSimilarity(a: VectorInput, b: VectorInput): number;
  /** The L2 distance (not squared). */
  euclideanDistance(a: VectorInput, b: VectorInput): number;
  /** A unit-length copy of the same kind (a copy when all zeros). */
  normalize<T extends number[] | Float32Array | Float64Array>(v: T): T;
  /** A random unit vector. */
  randomVector(dimension: number): number[];
}>;

export interface VectorIndexOptions {
  dimension: number;
  /** Default 'cosine'. */
  metric?: DistanceMetric;
  /** 'hnsw' (default) or 'flat'. */
  indexType?: IndexKind;
}
export interface VectorIndexEntry {
  id?: string | number;
  values: VectorInput;
  metadata?: Metadata;
}
export interface VectorIndexStats {
  vectorCount: number;
  dimension: number;
  metric: DbInfo['metric'];
  indexType: IndexKind;
  memoryBytes: number;
}

/**
 * The reference system's index class, in memory. save(path) writes a portable snapshot
 * file (Node; an IndexedDB name in browsers), load(path) reads one back.
 */
export declare class VectorIndex {
  constructor(options: VectorIndexOptions);
  /** The underlying database (the full VectorDb API). */
  readonly db: VectorDb;
  readonly dimension: number;
  insert(entry: VectorIndexEntry): Promise<string>;
  insertBatch(entries: VectorIndexEntry[], options?: { batchSize?: number; progressCallback?: (fraction: number) => void }): Promise<string[]>;
  search(query: VectorInput, options?: { k?: number; filter?: Filter; efSearch?: number }): Promise<SearchResult[]>;
  get(id: string | number): Promise<{ id: string; values: number[]; metadata?: Metadata } | null>;
  delete(id: string | number): Promise<boolean>;
  stats(): Promise<VectorIndexStats>;
  clear(): Promise<void>;
  /** Resolves once earlier calls have finished (the HNSW graph needs no rebuild). */
  optimize(): Promise<void>;
  /** Writes the snapshot; resolves to its size in bytes. */
  save(path: string): Promise<number>;
  /** Replaces the contents with the snapshot at `path` (same dimension, else DIMENSION_MISMATCH). */
  load(path: string): Promise<void>;
  /** A new index from the snapshot at `path`. */
  static load(path: string): Promise<VectorIndex>;
  close(): Promise<void>;
}

declare const ruvector: {
  VectorDb: typeof VectorDb;
  VectorDB: typeof VectorDb;
  getBackend: typeof getBackend;
  ready: typeof ready;
  version: typeof version;
  simdLevel: typeof simdLevel;
  capabilities: typeof capabilities;
  getImplementationType: typeof getImplementationType;
  isNative: typeof isNative;
  isWasm: typeof isWasm;
  isRvf: typeof isRvf;
  isNativeAvailable: typeof isNativeAvailable;
  getVersion: typeof getVersion;
  getBackendInfo: typeof getBackendInfo;
  Utils: typeof Utils;
  VectorIndex: typeof VectorIndex;
};
export default ruvector;
