// The `ruvector` bin's import/export formats: the engine's own readers and JSON Lines
// writer (include/ruvector/record_io.h, the same code the C++ tool runs), reached
// through the backend in use (rv.records of @ruvector/core or @ruvector/wasm). Nothing
// here parses a file; it only shapes the engine's answers for the commands.

export class CliError extends Error {
  constructor(code, message, exitCode) {
    super(message);
    this.code = code;
    if (exitCode !== undefined) this.exitCode = exitCode;
  }
}

// The backend's record formats. A redis:// index runs without a local backend, but
// reading a file or a typed vector still needs the engine's parsers.
function engine(rv) {
  if (rv && rv.records) return rv.records;
  throw new CliError('UNSUPPORTED', 'reading vectors and import files needs a local backend (the engine parses them): ' +
    'install @ruvector/core or @ruvector/wasm (see: ruvector doctor)');
}

/** Canonical format name of a --format value, or (isPath) of a file name's extension. */
export function recordFormat(rv, text, isPath = false) {
  return engine(rv).format(text, isPath);
}

/**
 * Rows of a whole file: {dimensions, count, ids ('' = none), metadata (null = none),
 * vector(i), where(source, i)}. options: {source, dimensions, idPrefix, maxRows, progress(done, total)}.
 */
export function readRecords(rv, bytes, format, options = {}) {
  const o = { source: options.source ?? 'input', dimensions: options.dimensions ?? 0, maxRows: options.maxRows ?? 0 };
  if (options.idPrefix !== undefined && options.idPrefix !== null) o.idPrefix = String(options.idPrefix);
  const r = engine(rv).read(bytes, format, o, options.progress);
  const d = r.dimensions;
  return {
    dimensions: d,
    count: r.ids.length,
    ids: r.ids,
    metadata: r.metadata,
    vector: (i) => r.vectors.subarray(i * d, (i + 1) * d),
    /** "<source>:<line>" or "<source>: row <n>" of row i. */
    where: (source, i) => (i >= r.ids.length ? source
      : r.lineNumbers ? `${source}:${r.positions[i]}` : `${source}: row ${r.positions[i]}`),
  };
}

/** A vector typed on the command line: "[1, 2.5, -3e-2]" or "1,2.5,-3e-2". */
export function parseVectorText(rv, text) {
  return engine(rv).parseVectorText(text);
}

/** Every record of a database's snapshot bytes as JSON Lines (Uint8Array). */
export function snapshotToJsonl(rv, bytes, source) {
  return engine(rv).snapshotToJsonl(bytes, source);
}
