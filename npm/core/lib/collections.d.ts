// Types of CollectionManager (lib/collections.js), re-exported by index.d.ts.
import type { VectorDb, DbOptions } from '../index';

/** Options of a new collection: those of new VectorDb() without storagePath. */
export type CollectionOptions = Omit<DbOptions, 'storagePath'>;

export interface CollectionStats {
  vectorsCount: number;
  /** Bytes of the collection's files on disk. */
  diskSizeBytes: number;
  /** Bytes the open collection holds in memory. */
  ramSizeBytes: number;
}

/**
 * Named durable databases under one base directory (default './collections'), with
 * aliases, in the reference system's layout (<base>/<name>/vectors.db, <base>/aliases.json).
 * Errors carry codes: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, CORRUPTION, IO_ERROR.
 */
export declare class CollectionManager {
  constructor(basePath?: string);
  readonly basePath: string;
  createCollection(name: string, options: CollectionOptions): Promise<void>;
  /** The open database of a collection, or of the collection an alias points at (one shared handle). */
  getCollection(nameOrAlias: string): Promise<VectorDb>;
  listCollections(): Promise<string[]>;
  /** INVALID_ARGUMENT while aliases point at the collection. */
  deleteCollection(name: string): Promise<void>;
  getStats(nameOrAlias: string): Promise<CollectionStats>;
  createAlias(alias: string, collection: string): Promise<void>;
  deleteAlias(alias: string): Promise<void>;
  listAliases(): Promise<Array<{ alias: string; collection: string }>>;
  /** Closes the handles this manager opened (they reopen on demand). */
  close(): Promise<void>;
}
