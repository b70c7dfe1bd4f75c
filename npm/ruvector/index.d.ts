// Type definitions for ruvector (hand-written; kept in step with index.js, browser.mjs
// and the API both backends implement: @ruvector/core and @ruvector/wasm). The types are
// self-contained, so they work whichever optional backend package is installed.
// Checked by test/types (tsc --noEmit) and by examples/typescript.

// The contract's types and the VectorDb class (generated from npm/contract/contract.d.ts).
export * from './lib/contract';
import type { RuvectorError, VectorInput, DistanceMetric, IndexKind, Metadata, DbInfo, Filter, SearchResult } from './lib/contract';
import { VectorDb } from './lib/contract';
export { VectorDb as VectorDB };

/** Options of a logical index over a Redis Cluster running ruvector-redis.so (docs/scale-out.md). */
export interface ClusterOptions {
  redis: { nodes: Array<string | { host?: string; port: number }> };
  /** The index name: shard keys rv:{index#i} and the metadata hash rv:{index}:meta. */
  index: string;
  /** Creates the index when it does not exist yet. */
  dimensions?: number;
  shards?: number;
  m?: number;
  efConstruction?: number;
  efSearch?: number;
  hnswConfig?: { m?: number; efConstruction?: number; efSearch?: number };
  quantization?: 'none' | 'int8' | 'scalar' | 'binary';
  metric?: 'cosine';
  /** Per shard search timeout (default 2000). */
  timeoutMs?: number;
  /** How long commands retry through cluster transitions (default 30000). */
  retryMs?: number;
}

export interface ClusterQuery {
  vector: VectorInput;
  k?: number;
  efSearch?: number;
  /** A vector-sets FILTER expression, e.g. '.year > 1990 and .genre == "jazz"'. */
  filter?: string;
  filterEf?: number;
  /** Exact scan on every shard (the merged answer is exactly brute force). */
  truth?: boolean;
  threshold?: number;
  includeMetadata?: boolean;
  includeVector?: boolean;
  timeoutMs?: number;
  retryMs?: number;
}

export interface ClusterHit {
  id: string;
  /** Cosine distance 1 - cos (lower is better); the same number as `distance`. */
  score: number;
  distance: number;
  metadata?: Metadata;
  vector?: Float32Array;
}

/** One logical index over S shard keys of a Redis Cluster; `new VectorDb({redis, index})` returns one. */
export class ClusterVectorDb {
  constructor(options: ClusterOptions);
  static open(options: ClusterOptions): Promise<ClusterVectorDb>;
  readonly ready: Promise<ClusterVectorDb>;
  readonly dimensions: number | undefined;
  insert(entry: { id?: string; vector: VectorInput; metadata?: Metadata }): Promise<string>;
  /** options: a write concurrency, or {batchSize, progressCallback(done, total)}. Not all-or-nothing across shard keys. */
  insertBatch(entries: Array<{ id?: string; vector: VectorInput; metadata?: Metadata }>,
    options?: number | { batchSize?: number; progressCallback?: (done: number, total: number) => void }): Promise<string[]>;
  /** Rejects with code UNAVAILABLE (and `.hits`, `.failedShards`) when a shard did not answer. */
  search(query: ClusterQuery): Promise<ClusterHit[]>;
  searchWithStatus(query: ClusterQuery): Promise<{ hits: ClusterHit[]; partial: boolean; failedShards: Array<{ shard: number; key: string; error: string }> }>;
  searchBatch(queries: ClusterQuery[]): Promise<ClusterHit[][]>;
  get(id: string): Promise<{ id: string; vector: Float32Array; metadata?: Metadata } | null>;
  delete(id: string): Promise<boolean>;
  len(): Promise<number>;
  count(): Promise<number>;
  isEmpty(): Promise<boolean>;
  info(): Promise<Record<string, unknown>>;
  /** WAIT on the master of every shard key; the smallest acknowledgement count. */
  waitReplicas(numReplicas?: number, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export interface NoBackendError extends RuvectorError {
  code: 'UNSUPPORTED';
  /** What was tried, in order, and why each failed. */
  tried: Array<{ name: BackendName; package: string; error: string }>;
  /** The backend RUVECTOR_BACKEND forced, or null. */
  forced: BackendName | null;
}


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
  ClusterVectorDb: typeof ClusterVectorDb;
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
