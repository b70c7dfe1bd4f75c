'use strict';
// Snapshot files for VectorIndex.save/load in Node: the portable snapshot bytes of
// VectorDb.serialize() (docs/file-format.md), readable by either backend. A save
// replaces the file atomically (temporary file, fsync, rename: the bin's writer).
const fs = require('node:fs');

function coded(code, message, Ctor = Error) {
  const e = new Ctor(`${code}: ${message}`);
  e.code = code;
  return e;
}

/** Writes db.serialize() to `file`; resolves to the number of bytes written. */
async function save(db, file) {
  if (typeof file !== 'string' || file === '') throw coded('INVALID_ARGUMENT', `save expects a file path, got ${typeof file}`, TypeError);
  const bytes = await db.serialize();
  const { writeAtomically } = await import('./cli/store.mjs');
  writeAtomically(file, bytes);
  return bytes.byteLength;
}

/** A new in-memory VectorDb from the snapshot file at `file`. */
async function load(VectorDb, file) {
  if (typeof file !== 'string' || file === '') throw coded('INVALID_ARGUMENT', `load expects a file path, got ${typeof file}`, TypeError);
  let bytes;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (e) {
    if (e.code === 'ENOENT') throw coded('NOT_FOUND', `no snapshot file '${file}'`);
    throw coded('IO_ERROR', `cannot read '${file}': ${e.message}`);
  }
  return VectorDb.deserialize(bytes);
}

module.exports = { save, load };
