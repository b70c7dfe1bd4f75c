// Type definitions for @ruvector/core (hand-written; kept in step with index.js and
// the addon in bindings/node). Checked by test/typed-example.ts with `tsc --noEmit`.

/** Distance metric names (case-insensitive; '_', '-' and ' ' are ignored). */
export type DistanceMetric =
  | 'cosine' | 'euclidean' | 'l2' | 'dot' | 'dotproduct' | 'innerproduct' | 'ip' | 'manhattan' | 'l1'
  | 'Cosine' | 'Euclidean' | 'DotProduct' | 'Manhattan'
  | (string & {});

export type IndexKind = 'hnsw' | 'flat';

/** A vector: Float32Array (read without copying) or an array of numbers. */
export type VectorInput = Float32Array | Float64Array | ReadonlyArray<number>;

/** JSON values accepted as metadata members. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };
/** Metadata: a plain JSON object (never a JSON string). */
export type Metadata = { [key: string]: JsonValue | undefined };

/** Mongo-style filter over metadata (SPEC §2). */
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
  /** Accepted for compatibility: the index grows on demand; this only pre-reserves. Default 0. */
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
  /** Directory of a durable (LMDB) database. Omitted: in-memory (there is no default path). */
  storagePath?: string;
  /** Alias of `storagePath`. */
  path?: string;
  /** Open `storagePath` read-only: searches work, writes fail with UNSUPPORTED. Default false. */
  readOnly?: boolean;
  /** Worker threads for batch work inside the engine. Default 0 = every core. */
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
  /** 'memory' or the storage description. */
  storage: string;
  /** How the index was obtained at open: 'new', 'image', or 'rebuilt: <reason>'. */
  indexSource: string;
  memoryBytes: number;
}

/** Error codes (SPEC §2). Errors are Error / TypeError / RangeError instances with `.code`. */
export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CORRUPTION'
  | 'IO_ERROR' | 'UNSUPPORTED' | 'RESOURCE_EXHAUSTED' | 'LOCKED';
export interface RuvectorError extends Error {
  code: ErrorCode;
}

export declare class VectorDb {
  /**
   * In-memory database (no storagePath): opened synchronously; bad options throw here.
   * Durable database (storagePath): opens in the background; calls wait for it, and
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
  /** A new database from serialize() bytes (in-memory, or durable with options.storagePath, which must be empty). */
  static deserialize(bytes: Uint8Array | ArrayBuffer, options?: DbOptions): Promise<VectorDb>;

  /** Inserts or replaces one entry; resolves with its id. */
  insert(entry: VectorEntry): Promise<string>;
  /** All-or-nothing: one bad entry fails the call (its position named) and nothing is written. */
  insertBatch(entries: ReadonlyArray<VectorEntry>): Promise<string[]>;
  /** Up to k results sorted by ascending score, ties broken by id. */
  search(query: SearchQuery): Promise<SearchResult[]>;
  /** One result list per query, in order; runs off the JS thread. */
  searchBatch(queries: ReadonlyArray<SearchQuery>): Promise<SearchResult[][]>;
  /** The entry, or null when absent. */
  get(id: string | number): Promise<VectorRecord | null>;
  /** true when the entry existed. */
  delete(id: string | number): Promise<boolean>;
  len(): Promise<number>;
  isEmpty(): Promise<boolean>;
  /** Settings and counters. */
  info(): Promise<DbInfo>;
  /** The portable snapshot (docs/file-format.md) as a Buffer. */
  serialize(): Promise<Buffer>;
  /** Durable databases: store the index image now, so the next open skips the rebuild. */
  checkpoint(): Promise<void>;
  /**
   * Waits for in-flight calls, releases the database (and the storage write lock).
   * Later calls reject with code INVALID_ARGUMENT ("database is closed"). Idempotent.
   */
  close(): Promise<void>;
}
export { VectorDb as VectorDB };

/** The reference system's metric enum, for drop-in compatibility. */
export declare const JsDistanceMetric: {
  readonly Euclidean: 'Euclidean';
  readonly Cosine: 'Cosine';
  readonly DotProduct: 'DotProduct';
  readonly Manhattan: 'Manhattan';
};

/** The engine version, e.g. "0.1.0". */
export declare function version(): string;
/** The active SIMD kernel set: 'scalar' | 'avx2' | 'avx512' | 'neon'. */
export declare function simdLevel(): 'scalar' | 'avx2' | 'avx512' | 'neon' | 'simd128';
/** Absolute path of the native binary that was loaded. */
export declare const binaryPath: string;
export { CollectionManager, CollectionOptions, CollectionStats } from './lib/collections';
