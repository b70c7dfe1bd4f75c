'use strict';
// CollectionManager: named durable databases under one base directory, with aliases,
// in the reference system's layout so that a base directory it wrote keeps working:
//   <base>/<name>/vectors.db      the collection's store (a VectorDb storagePath)
//   <base>/<name>/metadata.json   {name, config: {dimensions, distance_metric, ...}, created_at, updated_at}
//   <base>/aliases.json           {"<alias>": "<collection>", ...}
// Unlike the reference's, a collection can be opened and used: getCollection(name or
// alias) resolves to an open VectorDb. The manager keeps one handle per collection
// and hands the same one to every caller until it is closed.
//
// Names (collections and aliases): 1 to 128 letters, digits, '-' and '_' (no path
// separators, no dots: nothing can leave the base directory). Errors carry codes:
// INVALID_ARGUMENT (bad name or options, deleting a collection an alias points at),
// NOT_FOUND, ALREADY_EXISTS, CORRUPTION (an unreadable aliases.json), IO_ERROR.
// Threads: calls on one manager run one at a time in call order; several managers
// on one base directory in one process see each other's changes (nothing is cached
// but the open handles). aliases.json is replaced atomically (temporary file, fsync,
// rename), so a crash leaves the old or the new file, never a torn one.
const fs = require('node:fs');
const path = require('node:path');

const NAME = /^[A-Za-z0-9_-]{1,128}$/;
const STORE = 'vectors.db';
const ALIASES = 'aliases.json';
const METRIC_NAMES = { euclidean: 'Euclidean', cosine: 'Cosine', dot: 'DotProduct', manhattan: 'Manhattan' };

function coded(code, message, Ctor = Error) {
  const e = new Ctor(`${code}: ${message}`);
  e.code = code;
  return e;
}

function checkName(name, what) {
  if (typeof name !== 'string') throw coded('INVALID_ARGUMENT', `${what} name must be a string, got ${name === null ? 'null' : typeof name}`, TypeError);
  if (!NAME.test(name)) {
    throw coded('INVALID_ARGUMENT', `invalid ${what} name '${name.length > 40 ? name.slice(0, 40) + '...' : name}': ` +
      'use 1 to 128 letters, digits, hyphens and underscores', RangeError);
  }
  return name;
}

function ioError(e, what) {
  if (e && typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) && e.message.startsWith(`${e.code}: `)) return e;
  return coded(e && e.code === 'ENOSPC' ? 'RESOURCE_EXHAUSTED' : 'IO_ERROR', `${what}: ${e && e.message ? e.message : e}`);
}

function exists(p) {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

function sizeOf(p) {
  let total = 0;
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  for (const f of fs.readdirSync(p)) total += sizeOf(path.join(p, f));
  return total;
}

// Writes `text` to `file` through a temporary file in the same directory, fsynced, renamed into place.
function writeAtomically(file, text) {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw ioError(e, `cannot write '${file}'`);
  }
}

/** Builds the CollectionManager class over @ruvector/core's VectorDb. */
function collectionManagerClass(VectorDb) {
  class CollectionManager {
    #base;
    #open = new Map(); // collection name -> Promise<VectorDb>
    #queue = Promise.resolve();

    /** new CollectionManager(basePath = './collections'): nothing touches the disk until a call needs it. */
    constructor(basePath = './collections') {
      if (typeof basePath !== 'string' || basePath === '')
        throw coded('INVALID_ARGUMENT', `basePath must be a non-empty string, got ${typeof basePath}`, TypeError);
      this.#base = path.resolve(basePath);
    }

    /** The absolute base directory. */
    get basePath() {
      return this.#base;
    }

    // Runs fn after every earlier call of this manager has settled.
    #serial(fn) {
      const run = this.#queue.then(fn);
      this.#queue = run.catch(() => {});
      return run;
    }

    #dir(name) {
      return path.join(this.#base, name);
    }

    #exists(name) {
      return exists(path.join(this.#dir(name), STORE));
    }

    #readAliases() {
      const file = path.join(this.#base, ALIASES);
      let text;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        if (e.code === 'ENOENT') return {};
        throw ioError(e, `cannot read '${file}'`);
      }
      let a;
      try {
        a = JSON.parse(text);
      } catch (e) {
        throw coded('CORRUPTION', `'${file}' is not valid JSON: ${e.message}`);
      }
      if (typeof a !== 'object' || a === null || Array.isArray(a) ||
          Object.entries(a).some(([k, v]) => !NAME.test(k) || typeof v !== 'string' || !NAME.test(v)))
        throw coded('CORRUPTION', `'${file}' must map alias names to collection names`);
      return a;
    }

    #writeAliases(a) {
      fs.mkdirSync(this.#base, { recursive: true });
      const sorted = {};
      for (const k of Object.keys(a).sort()) sorted[k] = a[k];
      writeAtomically(path.join(this.#base, ALIASES), JSON.stringify(sorted, null, 2) + '\n');
    }

    // A collection name, or the collection an alias names; NOT_FOUND otherwise.
    #resolve(nameOrAlias) {
      checkName(nameOrAlias, 'collection');
      if (this.#exists(nameOrAlias)) return nameOrAlias;
      const target = this.#readAliases()[nameOrAlias];
      if (target !== undefined && this.#exists(target)) return target;
      throw coded('NOT_FOUND', `collection not found: ${nameOrAlias}`);
    }

    // The open handle of a collection (opened on first use, reopened after close()).
    #handle(name) {
      const cached = this.#open.get(name);
      if (cached) {
        return cached.then((db) => {
          if (!db.closed) return db;
          if (this.#open.get(name) === cached) this.#open.delete(name);
          return this.#handle(name);
        });
      }
      const opening = VectorDb.open({ storagePath: path.join(this.#dir(name), STORE) });
      this.#open.set(name, opening);
      opening.catch(() => { if (this.#open.get(name) === opening) this.#open.delete(name); });
      return opening;
    }

    /**
     * Creates a durable collection: options as for new VectorDb() ({dimensions,
     * distanceMetric?, hnswConfig?, ...}) without storagePath, which the manager sets.
     * ALREADY_EXISTS when a collection or an alias has this name.
     */
    createCollection(name, options) {
      return this.#serial(async () => {
        checkName(name, 'collection');
        if (typeof options !== 'object' || options === null || Array.isArray(options))
          throw coded('INVALID_ARGUMENT', `createCollection expects options such as {dimensions: 128}, got ${options === null ? 'null' : typeof options}`, TypeError);
        for (const k of ['storagePath', 'path'])
          if (options[k] !== undefined) throw coded('INVALID_ARGUMENT', `createCollection: ${k} is set by the manager (${this.#base}/<name>/${STORE}); leave it out`, RangeError);
        const dir = this.#dir(name);
        if (exists(dir)) throw coded('ALREADY_EXISTS', `collection already exists: ${name}`);
        if (this.#readAliases()[name] !== undefined) throw coded('ALREADY_EXISTS', `an alias is named '${name}'; collection names and alias names must differ`);
        fs.mkdirSync(dir, { recursive: true });
        let db;
        try {
          db = await VectorDb.open({ ...options, storagePath: path.join(dir, STORE) });
          const info = await db.info();
          const now = Math.floor(Date.now() / 1000);
          writeAtomically(path.join(dir, 'metadata.json'), JSON.stringify({
            name,
            config: {
              dimensions: info.dimensions,
              distance_metric: METRIC_NAMES[info.metric],
              hnsw_config: info.index === 'hnsw'
                ? { m: info.hnswConfig.m, ef_construction: info.hnswConfig.efConstruction, ef_search: info.hnswConfig.efSearch }
                : null,
              quantization: null,
            },
            created_at: now,
            updated_at: now,
          }, null, 2) + '\n');
        } catch (e) {
          if (db) await db.close().catch(() => {});
          fs.rmSync(dir, { recursive: true, force: true });
          throw ioError(e, `cannot create collection '${name}'`);
        }
        this.#open.set(name, Promise.resolve(db));
      });
    }

    /** An open VectorDb of the collection `name` (or the one the alias `name` points at). */
    getCollection(name) {
      return this.#serial(() => this.#handle(this.#resolve(name)));
    }

    /** Collection names, sorted. */
    listCollections() {
      return this.#serial(() => {
        let entries;
        try {
          entries = fs.readdirSync(this.#base, { withFileTypes: true });
        } catch (e) {
          if (e.code === 'ENOENT') return [];
          throw ioError(e, `cannot list '${this.#base}'`);
        }
        return entries.filter((d) => d.isDirectory() && NAME.test(d.name) && this.#exists(d.name)).map((d) => d.name).sort();
      });
    }

    /**
     * Closes the collection's handle and removes its files. INVALID_ARGUMENT while
     * aliases point at it (delete them first); NOT_FOUND when there is none.
     */
    deleteCollection(name) {
      return this.#serial(async () => {
        checkName(name, 'collection');
        if (!this.#exists(name)) throw coded('NOT_FOUND', `collection not found: ${name}`);
        const pointing = Object.entries(this.#readAliases()).filter(([, c]) => c === name).map(([a]) => a).sort();
        if (pointing.length > 0)
          throw coded('INVALID_ARGUMENT', `cannot delete collection '${name}' because it has active aliases: ${JSON.stringify(pointing)}`);
        const open = this.#open.get(name);
        this.#open.delete(name);
        if (open) await open.then((db) => db.close(), () => {});
        try {
          fs.rmSync(this.#dir(name), { recursive: true, force: true });
        } catch (e) {
          throw ioError(e, `cannot delete collection '${name}'`);
        }
      });
    }

    /** {vectorsCount, diskSizeBytes, ramSizeBytes} of a collection (or of an alias's). */
    getStats(name) {
      return this.#serial(async () => {
        const c = this.#resolve(name);
        const db = await this.#handle(c);
        const info = await db.info();
        return { vectorsCount: info.count, diskSizeBytes: sizeOf(this.#dir(c)), ramSizeBytes: info.memoryBytes };
      });
    }

    /** Points `alias` at an existing collection. ALREADY_EXISTS when the alias or a collection has that name. */
    createAlias(alias, collection) {
      return this.#serial(() => {
        checkName(alias, 'alias');
        checkName(collection, 'collection');
        const a = this.#readAliases();
        if (a[alias] !== undefined) throw coded('ALREADY_EXISTS', `alias already exists: ${alias}`);
        if (exists(this.#dir(alias))) throw coded('ALREADY_EXISTS', `a collection is named '${alias}'; alias names and collection names must differ`);
        if (!this.#exists(collection)) throw coded('NOT_FOUND', `collection not found: ${collection}`);
        a[alias] = collection;
        this.#writeAliases(a);
      });
    }

    /** Removes an alias (the collection stays). NOT_FOUND when there is none. */
    deleteAlias(alias) {
      return this.#serial(() => {
        checkName(alias, 'alias');
        const a = this.#readAliases();
        if (a[alias] === undefined) throw coded('NOT_FOUND', `alias not found: ${alias}`);
        delete a[alias];
        this.#writeAliases(a);
      });
    }

    /** [{alias, collection}], sorted by alias. */
    listAliases() {
      return this.#serial(() => Object.entries(this.#readAliases()).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([alias, collection]) => ({ alias, collection })));
    }

    /** Closes every handle this manager opened. The manager stays usable (handles reopen on demand). */
    close() {
      return this.#serial(async () => {
        const all = [...this.#open.values()];
        this.#open.clear();
        await Promise.all(all.map((p) => p.then((db) => db.close(), () => {})));
      });
    }
  }
  return CollectionManager;
}

module.exports = { collectionManagerClass };
