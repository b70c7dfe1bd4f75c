// Type definitions for @ruvector/core: the shared contract types plus this package's own exports. Checked by test/typed-example.ts with `tsc --noEmit`.

// The contract's types and the VectorDb class (generated from npm/contract/contract.d.ts).
export * from './lib/contract';
import { VectorDb } from './lib/contract';
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
/** A greeting naming the package, engine version and kernels. */
export declare function hello(): string;
/** {status: 'healthy', version, uptimeSeconds}. */
export declare function getHealth(): { status: 'healthy' | 'degraded' | 'unhealthy'; version: string; uptimeSeconds: number };
/** Process-wide counters of this package's calls, in the Prometheus text format. */
export declare function getMetrics(): string;
