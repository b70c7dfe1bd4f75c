// Where the `ruvector` bin keeps a database:
//   * a directory: the durable LMDB store of the native backend (@ruvector/core), the
//     same directory the C++ `ruvector` tool reads and writes;
//   * a snapshot file (*.rvs, docs/file-format.md): works on either backend. It is
//     loaded into memory, and a writing command saves it back atomically (a temporary
//     file renamed into place) only when the whole command succeeded, under a lock
//     file (<file>.lock) so that two writers cannot lose each other's changes.
//   * redis://host:port[,host:port...]/INDEX: a logical index over a Redis Cluster
//     running ruvector-redis.so (lib/redis-cluster.js, docs/scale-out.md); writes go to
//     the servers as they happen, nothing is saved locally.
// A directory on the wasm backend is UNSUPPORTED, with the reason and the fix.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CliError } from './records.mjs';

const require = createRequire(import.meta.url);
const PKG_VERSION = require('../../package.json').version;
const { ClusterVectorDb, parseClusterUrl } = require('../redis-cluster.js');

/** {nodes, index} when `p` is a redis://host:port[,...]/INDEX database argument, else null. */
export const clusterTarget = (p) => parseClusterUrl(p);

/** Opens (options.dimensions: creates) the cluster index named by a redis:// argument. */
export async function openCluster(p, options = {}) {
  const c = parseClusterUrl(p);
  const bad = c.nodes.find((n) => !/^[^\s/]+:\d+$/.test(n));
  if (bad !== undefined) throw new CliError('INVALID_ARGUMENT', `cannot open '${p}': bad redis node "${bad}"; expected "host:port"`);
  try {
    return await ClusterVectorDb.open({ ...options, redis: { nodes: c.nodes }, index: c.index });
  } catch (e) {
    throw withContext(e, `cannot open '${p}'`);
  }
}

export const isSnapshotName = (p) => /\.rvs$/i.test(p);

function stat(p) {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/** 'directory' | 'snapshot' for an existing path, or for a new one by its name; null when missing. */
export function kindOf(p, creating = false) {
  const st = stat(p);
  if (st) return st.isDirectory() ? 'directory' : 'snapshot';
  if (!creating) return null;
  return isSnapshotName(p) ? 'snapshot' : 'directory';
}

function missing(p, why) {
  return new CliError('NOT_FOUND', `${why}; create a database with: ruvector create ${p} --dimensions N`);
}

export function requireDurable(rv, p) {
  if (rv.capabilities.durable) return;
  const b = rv.getBackend();
  throw new CliError('UNSUPPORTED', `'${p}' is a durable database directory, which needs the native backend ` +
    `(@ruvector/core); the backend in use is ${b.name} (${b.reason}). Install it with: npm install @ruvector/core@${PKG_VERSION} ` +
    '(then check: ruvector doctor), or keep the database in a snapshot file instead, e.g. ruvector create vectors.rvs --dimensions N');
}

// ---- snapshot files ----

function lockPath(p) {
  return `${p}.lock`;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Takes <file>.lock (exclusive create); LOCKED when a live process holds it. Returns release(). */
export function lockFile(p) {
  const lp = lockPath(p);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lp, `${process.pid}\n`, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          fs.unlinkSync(lp);
        } catch { /* already gone */ }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if (e.code !== 'EEXIST') throw new CliError('IO_ERROR', `cannot create the lock file '${lp}': ${e.message}`);
      const pid = Number.parseInt(fs.readFileSync(lp, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new CliError('LOCKED', `'${p}' is being written by process ${pid} (lock file ${lp})`);
      fs.rmSync(lp, { force: true });  // stale: its process is gone
    }
  }
  throw new CliError('LOCKED', `cannot take the lock file '${lp}'`);
}

/** Writes bytes to `p` through a temporary file in the same directory, fsynced, renamed into place. */
export function writeAtomically(p, bytes) {
  const tmp = path.join(path.dirname(path.resolve(p)), `.${path.basename(p)}.tmp${process.pid}`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, p);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CliError(e.code === 'ENOSPC' ? 'RESOURCE_EXHAUSTED' : 'IO_ERROR', `cannot write '${p}': ${e.message}`);
  }
}

// ---- open ----

/**
 * Opens an existing database. {db, kind, path, save(), close()}: save() stores a
 * snapshot file (a directory is already durable: save() checkpoints its index image).
 */
export async function openDatabase(rv, p, { write = false } = {}) {
  if (clusterTarget(p)) {
    const db = await openCluster(p);
    return { db, kind: 'redis', path: p, save: async () => {}, close: () => db.close() };
  }
  const kind = kindOf(p);
  if (kind === null) throw missing(p, `no database at '${p}'`);
  if (kind === 'directory') {
    requireDurable(rv, p);
    if (fs.readdirSync(p).length === 0) throw missing(p, `'${p}' is an empty directory, not a database`);
    if (!fs.existsSync(path.join(p, 'data.mdb'))) throw missing(p, `'${p}' is not a ruvector database (no data.mdb)`);
    let db;
    try {
      db = await rv.VectorDb.open({ storagePath: p, readOnly: !write });
    } catch (e) {
      throw withContext(e, `cannot open '${p}'`);
    }
    return {
      db, kind, path: p,
      save: async () => { await db.checkpoint(); },
      close: () => db.close(),
    };
  }
  const release = write ? lockFile(p) : () => {};
  try {
    let bytes;
    try {
      bytes = fs.readFileSync(p);
    } catch (e) {
      throw new CliError('IO_ERROR', `cannot read '${p}': ${e.message}`);
    }
    let db;
    try {
      db = await rv.VectorDb.deserialize(bytes);
    } catch (e) {
      throw withContext(e, p);
    }
    return {
      db, kind, path: p,
      save: async () => { writeAtomically(p, await db.serialize()); },
      close: async () => {
        await db.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** Prefixes an engine error's message ("CODE: msg" -> "CODE: context: msg"), keeping its code. */
export function withContext(e, context) {
  if (!e || typeof e.code !== 'string') return e;
  const msg = String(e.message).replace(/^[A-Z_]+: /, '');
  const out = new CliError(e.code, `${context}: ${msg}`);
  out.cause = e;
  return out;
}

export function directoryBytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, ent.name);
      if (ent.isDirectory()) walk(f);
      else if (ent.isFile()) total += fs.statSync(f).size;
    }
  };
  try {
    walk(dir);
  } catch { /* best effort */ }
  return total;
}
