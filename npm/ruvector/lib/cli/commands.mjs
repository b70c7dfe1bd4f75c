// The commands of the `ruvector` bin. Each returns the --json document; text output
// goes to stdout as it is produced (say() for summaries, print() for results), in the
// same shape as the C++ tool's (tools/cli/commands.cpp, docs/cli.md).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  CliError, recordFormat, readRecords, parseVectorText, snapshotToJsonl,
} from './records.mjs';
import { Progress } from './progress.mjs';
import {
  kindOf, openDatabase, requireDurable, lockFile, writeAtomically, withContext, directoryBytes, clusterTarget, openCluster,
} from './store.mjs';
import { UsageError, intOption } from './args.mjs';

const require = createRequire(import.meta.url);
const PKG = require('../../package.json');

// ---- output ----

export class Output {
  constructor(g) {
    this.json = !!g.json;
    this.quiet = !!g.quiet;
    this.forceProgress = !!g.progress;
  }
  /** Informational line (not in --json or --quiet). */
  say(line) {
    if (!this.json && !this.quiet) process.stdout.write(`${line}\n`);
  }
  /** Result line (not in --json). */
  print(line) {
    if (!this.json) process.stdout.write(`${line}\n`);
  }
  progress(label, total = 0, opts = {}) {
    return new Progress(label, total, { enabled: !this.json && !this.quiet, forced: this.forceProgress, ...opts });
  }
}

const invalid = (m) => new CliError('INVALID_ARGUMENT', m);

/**
 * The defaults the commands apply and their help texts state (bin/ruvector.mjs builds the
 * help from here). `create`: the engine's HnswParams and default_rescore()
 * (include/ruvector/options.h; the C++ tool prints them from there, and the tests check this
 * copy against what the engine applies) and the shard count of a redis:// index. `search`
 * and `bench`: the C++ tool's option structs (tools/cli/commands.h); tests/cli/parity.mjs
 * checks that both help texts state the same.
 */
export const CREATE_DEFAULTS = Object.freeze({ m: 16, efConstruction: 40, efSearch: 100, shards: 6, rescoreInt8: 2, rescoreBinary: 5 });
export const SEARCH_DEFAULTS = Object.freeze({ k: 10, row: 0 });
export const BENCH_DEFAULTS = Object.freeze({ k: 10, ef: '16,32,64,128', sample: 1000, seed: 42 });

function humanBytes(b) {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 2 ** 10) return `${(b / 2 ** 10).toFixed(1)} KiB`;
  return `${b} B`;
}

/** printf's %.<p>g */
export function fmtG(v, p = 6) {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= p) {
    const [m, e] = v.toExponential(p - 1).split('e');
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = v.toFixed(Math.max(0, p - 1 - exp));
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612), for printing. */
export function floatForJson(v) {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let p = 1; p <= 9; p++) {
    const n = Number(v.toPrecision(p));
    if (Math.fround(n) === v) return n;
  }
  return v;
}

function vectorText(v) {
  return `[${Array.from(v, (x) => String(floatForJson(x))).join(', ')}]`;
}
const vectorJson = (v) => Array.from(v, floatForJson);

function hnswText(info) {
  if (info.index !== 'hnsw') return info.index;
  const h = info.hnswConfig;
  return `hnsw (m=${h.m}, ef_construction=${h.efConstruction}, ef_search=${h.efSearch})`;
}

function settingsDoc(info) {
  const j = { dimensions: info.dimensions, metric: info.metric, index: info.index };
  if (info.index === 'hnsw') j.hnsw = { m: info.hnswConfig.m, ef_construction: info.hnswConfig.efConstruction, ef_search: info.hnswConfig.efSearch };
  j.quantization = info.quantization;
  if (info.quantization !== 'none') j.rescore = info.rescore;
  return j;
}

const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

function parseJsonOption(text, flag) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(`${flag} is not valid JSON: ${String(e.message).replace(/ in JSON at position \d+.*$/s, '')}`);
  }
}

function readInput(p) {
  try {
    if (fs.statSync(p).isDirectory()) throw invalid(`cannot read '${p}': it is a directory`);
    return fs.readFileSync(p);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw invalid(`cannot read '${p}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

// Maps "entry N: ..." from insertBatch back to the source row.
function locateBatchError(e, data, source, base) {
  const msg = String(e.message).replace(/^[A-Z_]+: /, '');
  const m = msg.match(/^entry (\d+)(:.*)$/s);
  if (m && base + Number(m[1]) < data.count) return new CliError(e.code, `${data.where(source, base + Number(m[1]))}${m[2]}`);
  return withContext(e, source);
}

// Every record of a database, through its snapshot (the JS API has no iterator).
async function records(rv, db, source) {
  return readRecords(rv, await db.serialize(), 'snapshot', { source });
}

// ---------------------------------------------------------------------------
// create

export async function create(rv, out, a, o) {
  const dir = a.path;
  const fromSnapshot = o['from-snapshot'];
  const dimensions = intOption(o, 'dimensions', 0, 1, 65536);
  if (!dimensions && !fromSnapshot) throw new UsageError('--dimensions is required (or --from-snapshot FILE)');
  const options = {};
  if (dimensions) options.dimensions = dimensions;
  if (o.metric !== undefined) options.metric = o.metric;
  if (o.index !== undefined) options.index = o.index;
  if (o.quantization !== undefined) options.quantization = o.quantization;
  if (o.rescore !== undefined) options.rescore = intOption(o, 'rescore', 0, 0, 100);
  const hnsw = {};
  if (o.m !== undefined) hnsw.m = intOption(o, 'm', CREATE_DEFAULTS.m, 2, 256);
  if (o['ef-construction'] !== undefined) hnsw.efConstruction = intOption(o, 'ef-construction', CREATE_DEFAULTS.efConstruction, 1, 65535);
  if (o['ef-search'] !== undefined) hnsw.efSearch = intOption(o, 'ef-search', CREATE_DEFAULTS.efSearch, 1, 65535);
  if (Object.keys(hnsw).length) options.hnswConfig = hnsw;
  if (clusterTarget(dir)) return createCluster(out, dir, { dimensions, hnsw }, o);
  if (o.shards !== undefined) throw new UsageError('--shards applies to a redis:// index only');

  let snapshotBytes = null;
  if (fromSnapshot) snapshotBytes = readInput(fromSnapshot);
  else {
    // Validate the settings on an in-memory database before touching the disk.
    try {
      const probe = new rv.VectorDb(options);
      await probe.close();
    } catch (e) {
      const u = new UsageError(String(e.message).replace(/^[A-Z_]+: /, ''));
      u.code = e.code || 'USAGE';
      throw u;
    }
  }

  const kind = kindOf(dir, true);
  const existed = fs.existsSync(dir);
  if (kind === 'directory') {
    requireDurable(rv, dir);
    if (existed) {
      if (!fs.statSync(dir).isDirectory()) throw new CliError('ALREADY_EXISTS', `'${dir}' exists and is not a directory`);
      if (fs.readdirSync(dir).length > 0) {
        let detail = 'exists and is not empty; choose a new or empty directory';
        try {
          const h = await openDatabase(rv, dir);
          const info = await h.db.info();
          await h.close();
          detail = `already holds a database (${info.count} vectors, ${info.dimensions} dimensions)`;
        } catch { /* not a database */ }
        throw new CliError('ALREADY_EXISTS', `'${dir}' ${detail}`);
      }
    }
  } else if (existed) {
    throw new CliError('ALREADY_EXISTS', `'${dir}' already exists`);
  }

  const progress = out.progress(fromSnapshot ? 'loading snapshot' : 'creating').startTicker();
  let db;
  try {
    if (kind === 'directory') {
      try {
        db = fromSnapshot
          ? await rv.VectorDb.deserialize(snapshotBytes, { ...options, storagePath: dir })
          : await rv.VectorDb.open({ ...options, storagePath: dir });
        if (fromSnapshot) await db.checkpoint();
      } catch (e) {
        // Leave nothing behind.
        if (existed) for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
        else fs.rmSync(dir, { recursive: true, force: true });
        throw withContext(e, fromSnapshot ? fromSnapshot : `cannot create '${dir}'`);
      }
    } else {
      try {
        db = fromSnapshot ? await rv.VectorDb.deserialize(snapshotBytes, options) : new rv.VectorDb(options);
      } catch (e) {
        throw withContext(e, fromSnapshot || `cannot create '${dir}'`);
      }
      const release = lockFile(dir);
      try {
        if (fs.existsSync(dir)) throw new CliError('ALREADY_EXISTS', `'${dir}' already exists`);
        writeAtomically(dir, await db.serialize());
      } finally {
        release();
      }
    }
  } finally {
    progress.finish();
  }
  const info = await db.info();
  await db.close();
  out.say(`created ${dir}: ${info.dimensions} dimensions, ${info.metric}, ${hnswText(info)}` +
    (fromSnapshot ? `, ${info.count} vectors from ${fromSnapshot}` : ''));
  return { ...settingsDoc(info), path: dir, created: true, count: info.count, storage: kind };
}

// A logical index over a Redis Cluster: the metadata hash is written by the first open
// with dimensions; an existing index is ALREADY_EXISTS, as for a directory. The flags are
// checked before any server is asked; unset HNSW settings take CREATE_DEFAULTS, as a
// directory does (so the index's efConstruction is 40, not the cluster client's 200).
async function createCluster(out, target, { dimensions, hnsw }, o) {
  if (o['from-snapshot'] !== undefined) throw new UsageError('--from-snapshot does not apply to a redis:// index; create it, then: ruvector import URL FILE.rvs');
  if (o.rescore !== undefined) throw new UsageError('--rescore does not apply to a redis:// index (the servers re-rank every candidate exactly)');
  if (o.index !== undefined && o.index !== 'hnsw') throw new UsageError('a redis:// index is an HNSW index (--index hnsw)');
  if (o.metric !== undefined && String(o.metric).toLowerCase() !== 'cosine')
    throw new CliError('UNSUPPORTED', `a redis:// index measures cosine distance only (vector sets), not '${o.metric}'`);
  if (o.quantization !== undefined && !['none', 'int8', 'scalar', 'binary'].includes(o.quantization))
    throw new UsageError(`--quantization: expected none, int8 (scalar) or binary, got '${o.quantization}'`);
  const options = {
    dimensions,
    shards: intOption(o, 'shards', CREATE_DEFAULTS.shards, 1, 4096),
    hnswConfig: {
      m: hnsw.m ?? CREATE_DEFAULTS.m,
      efConstruction: hnsw.efConstruction ?? CREATE_DEFAULTS.efConstruction,
      efSearch: hnsw.efSearch ?? CREATE_DEFAULTS.efSearch,
    },
  };
  if (o.quantization !== undefined) options.quantization = o.quantization;
  try {
    const existing = await openCluster(target);
    const i = await existing.info();
    await existing.close();
    throw new CliError('ALREADY_EXISTS', `'${target}' already holds an index (${i.count} vectors, ${i.dimensions} dimensions, ${i.cluster.shards} shard keys)`);
  } catch (e) {
    if (e.code !== 'NOT_FOUND') throw e;
  }
  let db;
  try {
    db = await openCluster(target, options);
  } catch (e) {
    throw withContext(e.cause ?? e, `cannot create '${target}'`);
  }
  const info = await db.info();
  await db.close();
  out.say(`created ${target}: ${info.dimensions} dimensions, cosine, ${hnswText(info)}, ${info.cluster.shards} shard keys`);
  return { ...settingsDoc(info), path: target, created: true, count: info.count, storage: 'redis-cluster', shards: info.cluster.shards };
}

// ---------------------------------------------------------------------------
// insert

export async function insert(rv, out, a, o) {
  if (o.vector === undefined) throw new UsageError('--vector is required (see: ruvector insert --help)');
  let vector;
  try {
    vector = parseVectorText(rv, o.vector);
  } catch (e) {
    throw withContext(e, '--vector');
  }
  let metadata = null;
  if (o.metadata !== undefined) {
    metadata = parseJsonOption(o.metadata, '--metadata');
    if (metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata)))
      throw invalid(`--metadata must be a JSON object, got ${Array.isArray(metadata) ? 'array' : typeof metadata}`);
  }
  const h = await openDatabase(rv, a.path, { write: true });
  try {
    const entry = { vector };
    if (o.id !== undefined && o.id !== '') entry.id = o.id;
    if (metadata !== null) entry.metadata = metadata;
    const id = await h.db.insert(entry);
    if (h.kind === 'snapshot') await h.save();
    out.print(id);
    return { id, count: await h.db.len() };
  } finally {
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// import

export async function importFile(rv, out, a, o) {
  const file = a.file;
  let format;
  try {
    format = o.format !== undefined ? recordFormat(rv, o.format) : recordFormat(rv, file, true);
  } catch (e) {
    if (e.code !== 'INVALID_ARGUMENT') throw e;
    throw new UsageError(`${o.format !== undefined ? '--format' : file}: ${String(e.message).replace(/^[A-Z_]+: /, '')}`);
  }
  const snapshot = format === 'snapshot';
  const batchSize = intOption(o, 'batch', 0, 0, Number.MAX_SAFE_INTEGER);
  const h = await openDatabase(rv, a.path, { write: true });
  try {
    const info = await h.db.info();
    const t0 = performance.now();
    const progress = out.progress(`reading ${file}`, 0, { bytes: true }).startTicker();
    try {
      const bytes = readInput(file);
      // One synchronous engine call that reports its progress (bytes read; rows of a
      // snapshot) to the callback on this thread; stderr writes are synchronous.
      progress.restart('parsing', bytes.length, { bytes: !snapshot });
      const data = readRecords(rv, bytes, format, {
        source: file, dimensions: info.dimensions, idPrefix: o['id-prefix'], progress: (done, total) => progress.set(done, total),
      });
      const parseSeconds = (performance.now() - t0) / 1000;

      // Insert: nothing is written unless the whole file is valid. A directory takes one
      // all-or-nothing transaction (or --batch sized ones); a snapshot file is written
      // once at the end, so its chunks are all-or-nothing too.
      const entries = new Array(data.count);
      for (let i = 0; i < data.count; i++) {
        const e = { vector: data.vector(i) };
        if (data.ids[i]) e.id = data.ids[i];
        if (data.metadata[i] !== null) e.metadata = data.metadata[i];
        entries[i] = e;
      }
      const t1 = performance.now();
      const chunk = batchSize > 0 ? batchSize : h.kind === 'snapshot' ? 4096 : Math.max(entries.length, 1);
      let batches = 0;
      if (chunk >= entries.length) progress.restart(`inserting ${entries.length} vectors`).startTicker();
      else progress.restart('inserting', entries.length);
      for (let base = 0; base < entries.length; base += chunk) {
        const part = entries.slice(base, base + chunk);
        try {
          await h.db.insertBatch(part);
        } catch (e) {
          const err = locateBatchError(e, data, file, base);
          if (base > 0 && h.kind === 'directory')
            err.message += ` (rows before ${data.where(file, base)} were imported in earlier batches)`;
          throw err;
        }
        batches++;
        progress.add(part.length);
      }
      const insertSeconds = (performance.now() - t1) / 1000;
      progress.restart(h.kind === 'snapshot' ? `writing ${a.path}` : 'saving index').startTicker();
      await h.save();
      progress.finish();
      const total = (performance.now() - t0) / 1000;
      const count = await h.db.len();
      const rate = insertSeconds > 0 ? data.count / insertSeconds : 0;
      out.say(`imported ${data.count} vectors from ${file}${snapshot ? ' (snapshot)' : ''} in ${total.toFixed(2)} s ` +
        `(${Math.round(rate)} vectors/s); ${a.path} now holds ${count} vectors`);
      return {
        imported: data.count, file, format, batches: h.kind === 'snapshot' ? 1 : batches,
        parse_seconds: round(parseSeconds, 3), insert_seconds: round(insertSeconds, 3), seconds: round(total, 3), count,
      };
    } finally {
      progress.finish();
    }
  } finally {
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// search

async function queryVector(rv, o, dimensions) {
  if (o.vector !== undefined) {
    try {
      return parseVectorText(rv, o.vector);
    } catch (e) {
      throw withContext(e, '--vector');
    }
  }
  const file = o['vector-file'];
  const bytes = readInput(file);
  const row = intOption(o, 'row', SEARCH_DEFAULTS.row, 0, Number.MAX_SAFE_INTEGER);
  let format;
  try {
    format = recordFormat(rv, file, true);
  } catch {
    try {
      return parseVectorText(rv, bytes.toString('utf8'));
    } catch (e) {
      throw withContext(e, file);
    }
  }
  const data = readRecords(rv, bytes, format, { source: file, dimensions, maxRows: row + 1 });
  if (row >= data.count) throw invalid(`${file} has ${data.count} rows, --row ${row} does not exist`);
  return data.vector(row);
}

export async function search(rv, out, a, o) {
  if ((o.vector === undefined) === (o['vector-file'] === undefined)) throw new UsageError('give exactly one of --vector and --vector-file');
  const k = intOption(o, 'k', SEARCH_DEFAULTS.k, 1, 2 ** 30);
  const ef = o.ef !== undefined ? intOption(o, 'ef', 0, 1, 65535) : undefined;
  // A redis:// index takes the servers' FILTER expression text as it is.
  const filter = o.filter === undefined ? undefined : clusterTarget(a.path) ? o.filter : parseJsonOption(o.filter, '--filter');
  const h = await openDatabase(rv, a.path);
  try {
    const info = await h.db.info();
    const vector = await queryVector(rv, o, info.dimensions);
    const q = { vector, k, includeVector: !!o['include-vector'], includeMetadata: !o['no-metadata'] };
    if (ef !== undefined) q.efSearch = ef;
    if (filter !== undefined) q.filter = filter;
    const t0 = performance.now();
    const hits = await h.db.search(q);
    const ms = performance.now() - t0;
    const doc = { k, took_ms: round(ms, 3), hits: [] };
    if (ef !== undefined) doc.ef = ef;
    for (const hit of hits) {
      // float32, as a database's scores are (a cluster's come in double precision).
      const j = { id: hit.id, score: floatForJson(Math.fround(hit.score)) };
      if (!o['no-metadata']) j.metadata = hit.metadata ?? null;
      if (o['include-vector']) j.vector = vectorJson(hit.vector);
      doc.hits.push(j);
    }
    if (!out.json) {
      let w = 2;
      for (const hit of hits) w = Math.max(w, Math.min(hit.id.length, 40));
      if (!out.quiet) out.print(`${'#'.padStart(4)}  ${'id'.padEnd(w)}  ${'score'.padStart(12)}${o['no-metadata'] ? '' : '  metadata'}`);
      hits.forEach((hit, i) => {
        let s = `${String(i + 1).padStart(4)}  ${hit.id.padEnd(w)}  ${fmtG(Math.fround(hit.score)).padStart(12)}`;
        if (!o['no-metadata']) s += `  ${hit.metadata == null ? '-' : JSON.stringify(hit.metadata)}`;
        if (o['include-vector']) s += `  ${vectorText(hit.vector)}`;
        out.print(s);
      });
      if (hits.length === 0) out.say('(no results)');
    }
    return doc;
  } finally {
    await h.close();
  }
}

function clusterInfo(out, target, i) {
  const row = (key, v) => out.print(`${key.padEnd(14)}${v}`);
  row('path', target);
  row('vectors', String(i.count));
  row('dimensions', String(i.dimensions));
  row('metric', i.metric);
  row('index', hnswText(i));
  row('quantization', i.quantization);
  row('memory', `${humanBytes(i.memoryBytes)} (MEMORY USAGE over the shard keys)`);
  row('storage', `Redis Cluster index '${i.cluster.index}', ${i.cluster.shards} shard keys`);
  for (const k of i.cluster.keys) row('', `${k.key}  slot ${k.slot}  on ${k.master ?? '?'}  ${k.count} vectors  ${humanBytes(k.memoryBytes)}`);
  const keys = i.cluster.keys.map((k) => ({ key: k.key, slot: k.slot, master: k.master, count: k.count, memory_bytes: k.memoryBytes }));
  return { ...settingsDoc(i), path: target, count: i.count, memory_bytes: i.memoryBytes, storage: 'redis-cluster',
    cluster: { index: i.cluster.index, shards: i.cluster.shards, keys, nodes: i.cluster.nodes } };
}

// ---------------------------------------------------------------------------
// get / delete

export async function get(rv, out, a) {
  const h = await openDatabase(rv, a.path);
  try {
    const rec = await h.db.get(a.id);
    if (!rec) throw new CliError('NOT_FOUND', `no entry with id '${a.id}' in '${a.path}'`);
    out.print(`id        ${rec.id}`);
    out.print(`vector    ${vectorText(rec.vector)}`);
    out.print(`metadata  ${rec.metadata == null ? '-' : JSON.stringify(rec.metadata)}`);
    return { id: rec.id, vector: vectorJson(rec.vector), metadata: rec.metadata ?? null };
  } finally {
    await h.close();
  }
}

export async function del(rv, out, a) {
  const h = await openDatabase(rv, a.path, { write: true });
  try {
    const deleted = [];
    const missing = [];
    for (const id of a.ids) {
      try {
        ((await h.db.delete(id)) ? deleted : missing).push(id);
      } catch (e) {
        throw withContext(e, `deleting '${id}'`);
      }
    }
    if (h.kind === 'snapshot' && deleted.length) await h.save();
    let line = `deleted ${deleted.length} of ${a.ids.length}`;
    if (missing.length) line += ` (not found: ${missing.join(' ')})`;
    out.say(line);
    return { deleted, not_found: missing, count: await h.db.len() };
  } finally {
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// info

export async function info(rv, out, a) {
  const h = await openDatabase(rv, a.path);
  try {
    const i = await h.db.info();
    if (h.kind === 'redis') return clusterInfo(out, a.path, i);
    const disk = h.kind === 'directory' ? directoryBytes(a.path) : fs.statSync(a.path).size;
    const b = rv.getBackend();
    const row = (key, v) => out.print(`${key.padEnd(14)}${v}`);
    row('path', a.path);
    row('vectors', String(i.count));
    row('dimensions', String(i.dimensions));
    row('metric', i.metric);
    row('index', hnswText(i));
    row('quantization', i.quantization === 'none' ? 'none'
      : `${i.quantization} (rescore=${i.rescore}, codes trained on ${i.codesTrainedOn} vectors, floats: ${i.floats})`);
    row('disk size', `${humanBytes(disk)} (${disk} bytes)`);
    const m = i.memory;
    row('memory', `${humanBytes(i.memoryBytes)} (codes ${humanBytes(m.codes)}, floats ${humanBytes(m.floats)}, graph ${humanBytes(m.graph)}, ` +
      `ids ${humanBytes(m.ids)}, metadata ${humanBytes(m.metadata)})`);
    row('storage', h.kind === 'directory' ? i.storage : `snapshot file ${a.path} (loaded into memory)`);
    row('index source', i.indexSource);
    row('simd', b.simdLevel);
    row('version', b.version);
    row('backend', `${b.name} (${b.reason})`);
    const doc = {
      ...settingsDoc(i), path: a.path, count: i.count, disk_bytes: disk, memory_bytes: i.memoryBytes,
      memory: { codes: m.codes, floats: m.floats, graph: m.graph, ids: m.ids, metadata: m.metadata },
      storage: h.kind === 'directory' ? i.storage : 'snapshot', index_source: i.indexSource, simd: b.simdLevel,
      version: b.version, backend: b.name,
    };
    if (i.quantization !== 'none') Object.assign(doc, { codes_trained_on: i.codesTrainedOn, floats: i.floats });
    return doc;
  } finally {
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// bench

function rng(seed) {
  let s = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
  return () => {
    s ^= s << 13n; s = BigInt.asUintN(64, s);
    s ^= s >> 7n;
    s ^= s << 17n; s = BigInt.asUintN(64, s);
    return Number(s >> 11n) / 2 ** 53;
  };
}

function percentile(values, p) {
  if (values.length === 0) return 0;
  const v = [...values].sort((x, y) => x - y);
  return v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))];
}

export async function bench(rv, out, a, o) {
  const efText = o.ef ?? BENCH_DEFAULTS.ef;
  const efs = String(efText).split(',').map((t) => t.trim());
  if (efs.some((t) => !/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 65535))
    throw new UsageError(`--ef expects a comma-separated list of integers 1..65535, got '${efText}'`);
  const efList = efs.map(Number);
  const k = intOption(o, 'k', BENCH_DEFAULTS.k, 1, 2 ** 20);
  const sample = intOption(o, 'sample', BENCH_DEFAULTS.sample, 1, 2 ** 24);
  const seed = intOption(o, 'seed', BENCH_DEFAULTS.seed, 0, Number.MAX_SAFE_INTEGER);
  if (clusterTarget(a.path)) {
    throw new CliError('UNSUPPORTED', 'bench is not available for a redis:// index: it reads every vector for the exact copy; ' +
      'measure a cluster with make bench-scale-out (docs/scale-out.md)');
  }
  const h = await openDatabase(rv, a.path);
  const progress = out.progress('loading');
  try {
    const i = await h.db.info();
    if (i.count === 0) throw invalid(`'${a.path}' is empty; nothing to benchmark`);
    let queries;
    let querySource;
    if (o.queries !== undefined) {
      let format;
      try {
        format = recordFormat(rv, o.queries, true);
      } catch (e) {
        if (e.code !== 'INVALID_ARGUMENT') throw e;
        throw new UsageError(`--queries: ${String(e.message).replace(/^[A-Z_]+: /, '')}`);
      }
      const data = readRecords(rv, readInput(o.queries), format, { source: o.queries, dimensions: i.dimensions, maxRows: sample });
      if (data.count === 0) throw invalid(`${o.queries} holds no queries`);
      queries = Array.from({ length: data.count }, (_, r) => data.vector(r));
      querySource = o.queries;
    }
    // Every stored vector (for the exact copy and for sampling), through a snapshot.
    progress.restart('reading vectors', i.count);
    const snap = await records(rv, h.db, a.path);
    const all = [];
    const want = Math.min(sample, i.count);
    const reservoir = [];
    const random = rng(seed);
    let seen = 0;
    for (let r = 0; r < snap.count; r++) {
      const vector = snap.vector(r);
      all.push({ id: snap.ids[r], vector });
      if (!queries) {
        const slot = seen < want ? seen : Math.floor(random() * (seen + 1));
        if (slot < want) reservoir[slot] = vector;
      }
      seen++;
      if ((seen & 1023) === 0) progress.set(seen);
    }
    if (!queries) {
      queries = reservoir;
      querySource = 'sampled from the database';
    }
    // Exact neighbours: a flat in-memory copy (or the database itself when it is flat).
    let exact = h.db;
    let copy = null;
    if (i.index !== 'flat') {
      progress.restart('building exact copy').startTicker();
      copy = new rv.VectorDb({ dimensions: i.dimensions, metric: i.metric, index: 'flat' });
      await copy.insertBatch(all);
      exact = copy;
    }
    all.length = 0;
    progress.restart('exact search').startTicker();
    const truth = await exact.searchBatch(queries.map((vector) => ({ vector, k })));
    if (copy) await copy.close();

    const results = [];
    const lines = [];
    for (const ef of efList) {
      progress.restart(`ef=${ef}`, queries.length);
      const lat = new Array(queries.length);
      let found = 0;
      let possible = 0;
      const t0 = performance.now();
      for (let qi = 0; qi < queries.length; qi++) {
        const ts = performance.now();
        const hits = await h.db.search({ vector: queries[qi], k, efSearch: Math.max(ef, 1) });
        lat[qi] = performance.now() - ts;
        const t = truth[qi];
        const ids = new Set(t.map((x) => x.id));
        // A hit counts when it is a true neighbour or ties with the k-th one.
        const kth = t.length ? t[t.length - 1].score : 0;
        const tol = 1e-6 * Math.max(1, Math.abs(kth));
        let ok = 0;
        for (const x of hits) if (ids.has(x.id) || x.score <= kth + tol) ok++;
        found += Math.min(ok, t.length);
        possible += t.length;
        progress.add(1);
      }
      const secs = (performance.now() - t0) / 1000;
      const recall = possible > 0 ? found / possible : 1;
      const qps = secs > 0 ? queries.length / secs : 0;
      const mean = lat.reduce((s, x) => s + x, 0) / lat.length;
      const p50 = percentile(lat, 0.5);
      const p99 = percentile(lat, 0.99);
      results.push({ ef, recall: round(recall, 4), qps: Math.round(qps), mean_ms: round(mean, 3), p50_ms: round(p50, 3), p99_ms: round(p99, 3) });
      lines.push(`${String(ef).padStart(6)}  ${recall.toFixed(4).padStart(9)}  ${String(Math.round(qps)).padStart(10)}  ` +
        `${mean.toFixed(3).padStart(8)}  ${p50.toFixed(3).padStart(8)}  ${p99.toFixed(3).padStart(8)}`);
    }
    progress.finish();
    const b = rv.getBackend();
    out.say(`${a.path}: ${i.count} vectors, ${i.dimensions} dimensions, ${i.metric}, ${hnswText(i)}, simd ${b.simdLevel}, backend ${b.name}`);
    out.say(`${queries.length} queries (${querySource}), k=${k}, recall against exact brute force, single-threaded QPS`);
    out.print(`${'ef'.padStart(6)}  ${`recall@${k}`.padStart(9)}  ${'QPS'.padStart(10)}  ${'mean ms'.padStart(8)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`);
    for (const l of lines) out.print(l);
    return {
      ...settingsDoc(i), path: a.path, count: i.count, k, queries: queries.length, query_source: querySource,
      simd: b.simdLevel, backend: b.name, results,
    };
  } finally {
    progress.finish();
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// export

export async function exportDb(rv, out, a, o) {
  if ((o.snapshot === undefined) === (o.jsonl === undefined)) throw new UsageError('give exactly one of --snapshot FILE and --jsonl FILE');
  if (out.json && o.jsonl === '-') throw new UsageError('--json cannot be used with --jsonl - (stdout carries the data)');
  if (clusterTarget(a.path)) {
    throw new CliError('UNSUPPORTED', 'export is not available for a redis:// index: the servers persist each shard key (RDB/AOF), ' +
      'and DUMP/RESTORE moves one shard key');
  }
  const h = await openDatabase(rv, a.path);
  const t0 = performance.now();
  try {
    const count = await h.db.len();
    if (o.snapshot !== undefined) {
      const progress = out.progress('writing snapshot').startTicker();
      let bytes;
      try {
        bytes = await h.db.serialize();
        writeAtomically(o.snapshot, bytes);
      } finally {
        progress.finish();
      }
      out.say(`exported ${count} vectors to ${o.snapshot} (snapshot, ${humanBytes(bytes.length)})`);
      return { exported: count, format: 'snapshot', path: o.snapshot, bytes: bytes.length, seconds: round((performance.now() - t0) / 1000, 3) };
    }
    const toStdout = o.jsonl === '-';
    const progress = out.progress('exporting', 0, { enabled: !out.json && !out.quiet && !toStdout, forced: out.forceProgress && !toStdout }).startTicker();
    let text;
    try {
      text = snapshotToJsonl(rv, await h.db.serialize(), a.path);
    } finally {
      progress.finish();
    }
    const written = count;
    if (toStdout) {
      await new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
      if (!out.quiet) process.stderr.write(`exported ${written} vectors\n`);
      return null;
    }
    writeAtomically(o.jsonl, text);
    out.say(`exported ${written} vectors to ${o.jsonl} (JSON Lines)`);
    return { exported: written, format: 'jsonl', path: o.jsonl, seconds: round((performance.now() - t0) / 1000, 3) };
  } finally {
    await h.close();
  }
}

// ---------------------------------------------------------------------------
// doctor

async function smokeTest(m) {
  const db = new m.VectorDb({ dimensions: 2, metric: 'euclidean' });
  await db.insertBatch([{ id: 'a', vector: [0, 1] }, { id: 'b', vector: [1, 0] }]);
  const hits = await db.search({ vector: [0.9, 0.1], k: 1 });
  await db.close();
  if (hits.length !== 1 || hits[0].id !== 'b') throw new Error(`smoke test: wrong result ${JSON.stringify(hits)}`);
}

/** Which backends load here and why, which one ruvector uses, SIMD levels and versions. */
export async function doctor(out, backendLib, loadError, rv) {
  const env = process.env.RUVECTOR_BACKEND;
  const backends = [];
  for (const name of backendLib.ORDER) {
    const sel = backendLib.selectBackend({ env: {}, require, only: name });
    const entry = { name, package: backendLib.PACKAGES[name], ok: false };
    if (sel.backend) {
      const b = sel.backend;
      Object.assign(entry, { packageVersion: b.packageVersion, path: b.path });
      try {
        if (name === 'wasm') await b.module.ready();
        await smokeTest(b.module);
        Object.assign(entry, { ok: true, simdLevel: b.module.simdLevel(), version: b.module.version() });
      } catch (e) {
        entry.error = `loaded, but a smoke test failed: ${String(e.message).split('\n')[0]}`;
      }
    } else {
      entry.error = sel.tried[0].error;
    }
    backends.push(entry);
  }
  let selected = null;
  if (rv) {
    const b = await rv.ready().catch(() => rv.getBackend());
    selected = { name: b.name, reason: b.reason, simdLevel: b.simdLevel, version: b.version };
  }
  const doc = {
    ruvector: { version: PKG.version, path: path.dirname(require.resolve('../../package.json')) },
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    env: { RUVECTOR_BACKEND: env ?? null },
    selected,
    backends,
    error: loadError ? { code: loadError.code, message: String(loadError.message) } : null,
  };
  out.print(`ruvector ${PKG.version} (${doc.ruvector.path}), Node ${process.version}, ${doc.platform}`);
  out.print(`RUVECTOR_BACKEND  ${env === undefined ? '(unset: native, else wasm)' : env}`);
  for (const e of backends) {
    const what = e.ok ? `ok      ${e.package} ${e.packageVersion}, simd ${e.simdLevel}, engine ${e.version}, ${e.path}`
      : `FAILED  ${e.error}`;
    out.print(`${e.name.padEnd(6)}  ${what}`);
  }
  if (selected) out.print(`in use  ${selected.name}: ${selected.reason}`);
  else out.print(`in use  none\n\n${String(loadError.message)}`);
  if (!selected) {
    const err = new CliError(loadError.code || 'UNSUPPORTED', 'no usable backend (see above)');
    err.doc = doc;
    err.silent = true;
    throw err;
  }
  return doc;
}
