// Types of the one ruvector JS contract (npm/contract/contract.mjs): shared by every JS
// face. Copied into each package by npm/contract/build.mjs (generated; do not edit there).
// Decisions: docs/js-contract.md.

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
  /** Top-level HNSW settings count as hnswConfig members. */
  m?: number;
  efConstruction?: number;
  efSearch?: number;
  maxElements?: number;
  /** A durable database (native only; UNSUPPORTED in wasm). '' and ':memory:' mean in memory. */
  storagePath?: string;
  /** Alias of `storagePath`. */
  path?: string;
  /** Open `storagePath` read-only: searches work, writes fail with UNSUPPORTED. Default false. */
  readOnly?: boolean;
  /** Worker threads for batch work inside the engine. Default 0 = every core (wasm: one). */
  threads?: number;
  /** 'none' (float32, default), 'int8' (alias 'scalar') or 'binary'; the reference's {type} form too. */
  quantization?: 'none' | 'int8' | 'scalar' | 'binary' | { type: 'none' | 'scalar' | 'int8' | 'binary' | (string & {}) } | (string & {});
  /** Re-ranking factor of a quantized database: the best rescore × k candidates get exact distances. */
  rescore?: number;
  /** Where a quantized database keeps its floats: 'store' (durable default: only in LMDB, read in place),
   *  'memory' (in-memory default), 'drop' (in-memory only: no re-ranking, get() returns decoded vectors). */
  floats?: 'memory' | 'store' | 'drop';
  /** Metadata in results: objects, or JSON text. Default: as the program first writes it. */
  metadataAs?: 'object' | 'string';
  /** Unknown keys are ignored and listed in info().ignoredOptions; near-misses of known keys are errors. */
  [unknown: string]: unknown;
}

export interface VectorEntry {
  /** Omitted: a UUID v4 is generated. Numbers become their decimal string. Existing id: replaced (upsert). */
  id?: string | number | null;
  vector: VectorInput;
  /** An object (JSON.stringify semantics: Date -> ISO string, undefined dropped) or its JSON text. */
  metadata?: Metadata | string | null;
}

/** insertBatch's options: chunked insertion with progress. */
export interface InsertBatchOptions {
  /** Entries per chunk (each chunk all or nothing). Default 1000. */
  batchSize?: number;
  /** Called after each chunk: the fraction done (0..1], entries done, entries in all. */
  progressCallback?: (fraction: number, done: number, total: number) => void;
}

export interface SearchQuery {
  vector: VectorInput;
  /** Number of results, >= 1. Default 10. */
  k?: number;
  /** Alias of `k`. */
  topK?: number;
  /** Candidate list size for this query (always at least k). Default: the database's efSearch. */
  efSearch?: number;
  /** An object or its JSON text. */
  filter?: Filter | string;
  /** Fetch the vector with the search (an own property). Default false: read on first access. */
  includeVector?: boolean;
  /** Default true. */
  includeMetadata?: boolean;
  /** Drop hits whose score (a distance) is above this. */
  threshold?: number;
  /** Quantized databases: re-rank the best rescore × k candidates exactly (0 = the codes' estimates). */
  rescore?: number;
}

export interface SearchResult {
  id: string;
  /** A distance: lower is better (cosine: 1 - cos in [0, 2]; euclidean: L2; dot: -a·b; manhattan: L1). */
  score: number;
  /** The same number as `score`. */
  distance: number;
  /** The stored vector: read on first access, or fetched with the search when `includeVector`. */
  readonly vector: Float32Array | undefined;
  /**
   * Present when the entry has metadata (unless `includeMetadata: false`). In string mode (the
   * program wrote metadata as JSON text) this is that JSON text at run time.
   */
  metadata?: Metadata;
}

export interface VectorRecord {
  id: string;
  vector: Float32Array;
  /** Absent when the entry has none; JSON text at run time in string mode. */
  metadata?: Metadata;
  /** true when `vector` is the decoded code (the database dropped its floats); absent otherwise. */
  vectorDecoded?: true;
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
  /** Where the floats of a quantized database live ('memory' when unquantized). */
  floats: 'memory' | 'store' | 'drop';
  /** true when the database holds decoded codes instead of its inserted floats. */
  vectorsDecoded: boolean;
  /** The active kernels: 'avx512' | 'avx2' | 'scalar' | 'neon' (native), 'simd128' | 'scalar' (wasm). */
  simdLevel: string;
  /** Option keys the database did not know and ignored. */
  ignoredOptions: string[];
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

/**
 * Error codes. Errors are instances of TypeError (wrong JS type), RangeError (a value outside
 * its domain, and every engine INVALID_ARGUMENT / DIMENSION_MISMATCH) or Error (the rest), with
 * `.code` and a message starting with the code.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'CORRUPTION'
  | 'IO_ERROR' | 'UNSUPPORTED' | 'RESOURCE_EXHAUSTED' | 'LOCKED' | 'INTERNAL';
export interface RuvectorError extends Error {
  code: ErrorCode;
}


/** The VectorDb class every face exports (the contract's createVectorDbClass). */
export declare class VectorDb {
  /**
   * In-memory databases open here: every open error is thrown by the constructor (in a
   * browser before the WebAssembly module is loaded, engine errors surface from `ready`).
   * A durable database (storagePath, native only) opens in the background: calls wait for
   * it, and `await db.ready` / `VectorDb.open()` report its errors (e.g. LOCKED).
   */
  constructor(options: DbOptions);
  /** The reference's positional form: metric default 'cosine', useHnsw false = exact index. */
  constructor(dimensions: number, metric?: DistanceMetric | null, useHnsw?: boolean | null);
  /** Resolves with this database once it is open. */
  readonly ready: Promise<this>;
  /** True after close(). */
  readonly closed: boolean;
  /** Vector length (undefined while a durable database opened without it is opening). */
  readonly dimensions: number | undefined;

  static open(options: DbOptions): Promise<VectorDb>;
  static open(dimensions: number, metric?: DistanceMetric | null, useHnsw?: boolean | null): Promise<VectorDb>;
  /** An in-memory HNSW database with default settings. */
  static withDimensions(dimensions: number): VectorDb;
  /** A new database from serialize() bytes written by any face of ruvector. */
  static deserialize(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options?: DbOptions): Promise<VectorDb>;
  /** Loads a database saved with saveToIndexedDB(name) (browsers). NOT_FOUND when there is none; UNSUPPORTED without IndexedDB. */
  static loadFromIndexedDB(name: string): Promise<VectorDb>;
  static listIndexedDB(): Promise<IndexedDBManifest[]>;
  static deleteIndexedDB(name: string): Promise<boolean>;

  /** Inserts or replaces one entry; resolves with its id. */
  insert(entry: VectorEntry): Promise<string>;
  /** The reference's positional form. */
  insert(vector: VectorInput, id?: string | number | null, metadata?: Metadata | string | null): Promise<string>;
  /**
   * Without options, all-or-nothing: one bad entry fails the call (its position named) and
   * nothing is written. With `batchSize` or `progressCallback`: every entry is checked first,
   * then they go in chunks (each all or nothing) with progress after each; a failing chunk
   * rejects with `inserted` (entries earlier chunks inserted, which stay).
   */
  insertBatch(entries: ReadonlyArray<VectorEntry>, options?: InsertBatchOptions): Promise<string[]>;
  /** Up to k results sorted by ascending score, ties broken by id. */
  search(query: SearchQuery): Promise<SearchResult[]>;
  /** The reference's positional form: results carry vector and metadata. */
  search(vector: VectorInput, k?: number, filter?: Filter | string | null): Promise<SearchResult[]>;
  /** One result list per query, in order. */
  searchBatch(queries: ReadonlyArray<SearchQuery>): Promise<SearchResult[][]>;
  /** The entry, or null when absent. */
  get(id: string | number): Promise<VectorRecord | null>;
  /** true when the entry existed. */
  delete(id: string | number): Promise<boolean>;
  len(): Promise<number>;
  /** The same as len(). */
  count(): Promise<number>;
  isEmpty(): Promise<boolean>;
  info(): Promise<DbInfo>;
  /** The portable snapshot (docs/file-format.md). */
  serialize(): Promise<Uint8Array>;
  /** Durable databases: store the index image now (nothing to do in memory). */
  checkpoint(): Promise<void>;
  /** Stores the snapshot in IndexedDB (chunked) under `name` (browsers; UNSUPPORTED elsewhere). */
  saveToIndexedDB(name?: string): Promise<IndexedDBManifest>;
  /** Releases the database; later calls reject (INVALID_ARGUMENT, "closed"). Idempotent. */
  close(): Promise<void>;
}
