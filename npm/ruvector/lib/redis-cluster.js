'use strict';
// The cluster face of `VectorDb`: one logical ruvector index spread over S shard keys of a
// Redis Cluster whose nodes run ruvector-redis.so (docs/scale-out.md, "Cluster client").
// `new VectorDb({ redis: { nodes }, index: 'docs', dimensions })` in the facade (index.js)
// builds a ClusterVectorDb; the `ruvector` CLI reaches it through redis://host:port/index.
//
// Layout of index NAME: shard keys `rv:{NAME#0}` .. `rv:{NAME#S-1}` (distinct hash tags,
// so Redis Cluster spreads them over slots and nodes) and a metadata hash
// `rv:{NAME}:meta` (shards, dimensions, m, efConstruction, efSearch, quantization, version),
// written once (HSETNX) by the first client; later clients read it and refuse
// contradicting options. Routing: an element lives in shard fnv1a32(utf8(id)) mod S, so
// insert/get/delete touch one key. search() sends VSIM ... WITHSCORES COUNT k to every
// shard key in parallel (the client pipelines the keys of one node on its connection)
// and merges by score. A shard that fails or times out is never hidden: search()
// rejects with UNAVAILABLE (the partial answer in `.hits`, the failures in
// `.failedShards`), searchWithStatus() returns {hits, partial, failedShards}.
//
// Scores: like the local cosine VectorDb, `score` = `distance` = 1 - cos (lower is
// better), computed by the servers in double precision from the stored float32 vectors.
// Filters: the vector-sets FILTER expression language evaluated by the servers
// (e.g. '.year > 1990 and .genre == "jazz"'), not the local JSON filter objects.
//
// Failure handling: commands retry on cluster transitions (connection loss, CLUSTERDOWN,
// TRYAGAIN, LOADING, MASTERDOWN, timeouts) with backoff until `retryMs` (default 30 s),
// re-discovering the topology after connection errors. Errors carry `.code`
// (INVALID_ARGUMENT, DIMENSION_MISMATCH, NOT_FOUND, UNSUPPORTED, UNAVAILABLE).
// Dependency: the `redis` npm package (node-redis 5, cluster mode), loaded on first use:
// ruvector does not depend on it, a program that uses a cluster installs it.
const crypto = require('crypto');

const META_VERSION = '1';
const QUANTIZATION = { none: 'NOQUANT', int8: 'Q8', scalar: 'Q8', binary: 'BIN' };

function codedError(code, message, cause) {
  const text = `${code}: ${message}`;
  const e = code === 'INVALID_ARGUMENT' || code === 'DIMENSION_MISMATCH' ? new RangeError(text) : new Error(text);
  e.code = code;
  if (cause) e.cause = cause;
  return e;
}

let redisModule = null;
function loadRedis() {
  if (redisModule) return redisModule;
  try {
    redisModule = require('redis');
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND')
      throw codedError('UNSUPPORTED', 'a Redis Cluster index needs the `redis` package (node-redis 5): npm install redis@5', e);
    throw e;
  }
  if (typeof redisModule.createCluster !== 'function')
    throw codedError('UNSUPPORTED', 'the installed `redis` package has no createCluster(); ruvector needs node-redis >= 4 (npm install redis@5)');
  return redisModule;
}

/** 32-bit FNV-1a of the UTF-8 bytes: the shard of an id is fnv1a32(id) mod S. */
function fnv1a32(text) {
  const bytes = Buffer.from(text, 'utf8');
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Redis Cluster's key slot: CRC16 (XMODEM) of the key, or of its first non-empty {hash tag}, mod 16384. */
function keySlot(key) {
  const bytes = Buffer.from(key, 'utf8');
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i] << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

const TRANSIENT = /CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|ECONNREFUSED|ECONNRESET|EPIPE|socket|closed|timeout|Timeout|connect|offline|disconnected|READONLY|NOREPLICAS/i;

function parseNodes(nodes) {
  if (!Array.isArray(nodes) || nodes.length === 0)
    throw codedError('INVALID_ARGUMENT', 'redis.nodes must be a non-empty array of "host:port" or {host, port}');
  return nodes.map((n) => {
    if (typeof n === 'string' && /^(redis:\/\/)?[^\s/]+:\d+$/.test(n)) return { url: n.startsWith('redis://') ? n : `redis://${n}` };
    if (n && typeof n === 'object' && Number.isInteger(n.port)) return { url: `redis://${n.host || '127.0.0.1'}:${n.port}` };
    throw codedError('INVALID_ARGUMENT', `bad redis node ${JSON.stringify(n)}; expected "host:port" or {host, port}`);
  });
}

function wholeOption(v, what, min, max) {
  if (!Number.isInteger(v) || v < min || v > max) throw codedError('INVALID_ARGUMENT', `${what} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  return v;
}

function toFloat32(vector, dimensions) {
  if (!(vector instanceof Float32Array || vector instanceof Float64Array || Array.isArray(vector)))
    throw codedError('INVALID_ARGUMENT', 'vector must be an array of numbers or a Float32Array');
  if (dimensions && vector.length !== dimensions)
    throw codedError('DIMENSION_MISMATCH', `vector has ${vector.length} dimensions, the index has ${dimensions}`);
  const f = Float32Array.from(vector);
  for (const x of f) if (!Number.isFinite(x)) throw codedError('INVALID_ARGUMENT', 'vector contains NaN or Infinity');
  return f;
}
const blobOf = (f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength);

function toId(id) {
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id !== 'string' || id === '') throw codedError('INVALID_ARGUMENT', `id must be a non-empty string, got ${JSON.stringify(id)}`);
  return id;
}

function metadataText(m) {
  if (m === undefined || m === null) return null;
  const obj = typeof m === 'string' ? JSON.parse(m) : m;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw codedError('INVALID_ARGUMENT', 'metadata must be an object (or the JSON text of one)');
  return JSON.stringify(obj);
}

// insert({id?, vector, metadata?}) | insert(vector, id?, metadata?) -> {id, vector, meta}
function entryOf(args, dimensions, where = '') {
  let e = args[0];
  if (e instanceof Float32Array || e instanceof Float64Array || Array.isArray(e)) e = { vector: e, id: args[1], metadata: args[2] };
  if (!e || typeof e !== 'object') throw codedError('INVALID_ARGUMENT', `${where}expected {id?, vector, metadata?}`);
  try {
    const id = e.id === undefined || e.id === null ? crypto.randomUUID() : toId(e.id);
    return { id, vector: toFloat32(e.vector, dimensions), meta: metadataText(e.metadata) };
  } catch (err) {
    if (where && err.code) err.message = err.message.replace(/^([A-Z_]+): /, `$1: ${where}`);
    throw err;
  }
}

const distanceOf = (similarity) => 2 - 2 * Number(similarity);

class ClusterVectorDb {
  // options: { redis: { nodes: [...] }, index: 'docs', dimensions (creates the index when
  //            absent), shards = 6, m = 16, efConstruction = 200, quantization = 'none',
  //            efSearch = 100, timeoutMs = 2000 (per shard search), retryMs = 30000,
  //            metric ('cosine' only) } (m/efConstruction/efSearch also inside hnswConfig)
  constructor(options = {}) {
    if (!options || typeof options !== 'object' || !options.redis || typeof options.redis !== 'object')
      throw codedError('INVALID_ARGUMENT', 'options.redis.nodes is required');
    this.rootNodes = parseNodes(options.redis.nodes);
    if (typeof options.index !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(options.index))
      throw codedError('INVALID_ARGUMENT', 'options.index (the cluster index name) must be 1..128 characters of [A-Za-z0-9_.:-]');
    if (options.metric !== undefined && String(options.metric).toLowerCase() !== 'cosine')
      throw codedError('UNSUPPORTED', `a Redis Cluster index measures cosine distance only (vector sets), not '${options.metric}'`);
    if (options.storagePath !== undefined) throw codedError('INVALID_ARGUMENT', 'storagePath and redis exclude each other');
    const h = options.hnswConfig || options.hnsw || {};
    const pick = (name) => (h[name] !== undefined ? h[name] : options[name]);
    this.index = options.index;
    this.options = {
      dimensions: options.dimensions === undefined ? undefined : wholeOption(options.dimensions, 'dimensions', 1, 65536),
      shards: wholeOption(options.shards ?? 6, 'shards', 1, 4096),
      m: wholeOption(pick('m') ?? 16, 'm', 2, 256),
      efConstruction: wholeOption(pick('efConstruction') ?? 200, 'efConstruction', 1, 65535),
      efSearch: wholeOption(pick('efSearch') ?? 100, 'efSearch', 1, 65535),
      quantization: options.quantization ?? 'none',
      timeoutMs: wholeOption(options.timeoutMs ?? 2000, 'timeoutMs', 1, 3600000),
      retryMs: wholeOption(options.retryMs ?? 30000, 'retryMs', 0, 3600000),
    };
    if (QUANTIZATION[this.options.quantization] === undefined)
      throw codedError('INVALID_ARGUMENT', `quantization must be 'none', 'int8' or 'binary', got ${JSON.stringify(options.quantization)}`);
    this.explicit = { m: pick('m') !== undefined, efConstruction: pick('efConstruction') !== undefined,
      efSearch: pick('efSearch') !== undefined, shards: options.shards !== undefined, quantization: options.quantization !== undefined };
    this.cluster = null;
    this.meta = null;
    this.closed = false;
    this.lastRediscover = 0;
    this.readyPromise = this.#connect();
    this.readyPromise.catch(() => {});  // reported by `ready` and by every call
  }

  /** Opens (or creates, with dimensions) the index and resolves once it is usable. */
  static async open(options) {
    return new ClusterVectorDb(options).ready;
  }

  /** Resolves with this index once connected; rejects with the connection/open error. */
  get ready() {
    return this.readyPromise.then(() => this);
  }

  /** Vector length (undefined until connected to an index created elsewhere). */
  get dimensions() {
    return this.meta ? this.meta.dimensions : this.options.dimensions;
  }

  metaKey() {
    return `rv:{${this.index}}:meta`;
  }
  shardKey(i) {
    return `rv:{${this.index}#${i}}`;
  }
  shardOf(id) {
    return fnv1a32(id) % this.meta.shards;
  }
  shardKeys() {
    return Array.from({ length: this.meta.shards }, (_, i) => this.shardKey(i));
  }

  async #newCluster() {
    const cluster = loadRedis().createCluster({
      rootNodes: this.rootNodes,
      defaults: {
        disableOfflineQueue: true,
        socket: { connectTimeout: 2000, reconnectStrategy: (retries) => (retries > 20 ? false : Math.min(50 * 2 ** retries, 500)) },
      },
      maxCommandRedirections: 32,
    });
    cluster.on('error', () => {});  // reported through the failing commands
    await cluster.connect();
    return cluster;
  }

  async #rediscover() {
    const now = Date.now();
    if (now - this.lastRediscover < 500) return;
    this.lastRediscover = now;
    const old = this.cluster;
    try {
      this.cluster = await this.#newCluster();
    } catch {
      return;  // keep the old client; the next retry tries again
    }
    if (old) old.destroy?.();
  }

  // Runs fn(cluster) with retries on transient cluster errors.
  async #retry(fn, retryMs = this.options.retryMs) {
    const deadline = Date.now() + retryMs;
    let delay = 25;
    for (;;) {
      try {
        return await fn(this.cluster);
      } catch (e) {
        if (e && e.code === 'UNSUPPORTED') throw e;
        const msg = String(e && e.message);
        if (!TRANSIENT.test(msg) && !(e && /Error$/.test(e.name) && /Client|Socket|Reconnect/.test(e.name))) {
          if (/^ERR /.test(msg)) throw codedError(/dimension mismatch/i.test(msg) ? 'DIMENSION_MISMATCH' : 'INVALID_ARGUMENT', msg.slice(4), e);
          throw e;
        }
        if (Date.now() + delay > deadline) throw codedError('UNAVAILABLE', `cluster unavailable: ${msg}`, e);
        if (/socket|closed|connect|ECONN|offline|disconnected|EPIPE/i.test(msg) || /Client|Socket/.test(e.name))
          await this.#rediscover();
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  #send(key, readonly, args, timeout) {
    return this.#retry((c) => c.sendCommand(key, readonly, args, timeout ? { timeout } : undefined));
  }

  async #connect() {
    try {
      await this.#openIndex();
    } catch (e) {
      await this.#shutdown();
      throw e;
    }
  }

  async #openIndex() {
    this.cluster = await this.#retry(() => this.#newCluster());
    const key = this.metaKey();
    const o = this.options;
    if (o.dimensions !== undefined) {
      const fields = { version: META_VERSION, shards: o.shards, dimensions: o.dimensions, m: o.m,
        efConstruction: o.efConstruction, efSearch: o.efSearch, quantization: QUANTIZATION[o.quantization] };
      for (const [f, v] of Object.entries(fields)) await this.#send(key, false, ['HSETNX', key, f, String(v)]);
    }
    const raw = await this.#send(key, true, ['HGETALL', key]);
    const meta = Array.isArray(raw) ? Object.fromEntries(raw.reduce((acc, v, i) => (i % 2 ? acc[acc.length - 1].push(v) : acc.push([v]), acc), [])) : raw;
    if (!meta || !meta.version)
      throw codedError('NOT_FOUND', `index '${this.index}' does not exist in the cluster (give dimensions to create it)`);
    if (meta.version !== META_VERSION) throw codedError('UNSUPPORTED', `index metadata version ${meta.version}`);
    this.meta = { shards: +meta.shards, dimensions: +meta.dimensions, m: +meta.m, efConstruction: +meta.efConstruction,
      quantization: meta.quantization || 'NOQUANT' };
    // The index's default ef for searches (written by creators since efSearch joined the
    // hash; 100 before), unless this client was given one.
    if (!this.explicit.efSearch && Number(meta.efSearch) > 0) o.efSearch = Number(meta.efSearch);
    const contradictions = [];
    if (o.dimensions !== undefined && o.dimensions !== this.meta.dimensions) contradictions.push(`dimensions=${o.dimensions} (the index has ${this.meta.dimensions})`);
    for (const f of ['shards', 'm', 'efConstruction'])
      if (this.explicit[f] && o[f] !== this.meta[f]) contradictions.push(`${f}=${o[f]} (the index has ${this.meta[f]})`);
    if (this.explicit.quantization && QUANTIZATION[o.quantization] !== this.meta.quantization)
      contradictions.push(`quantization=${o.quantization} (the index has ${this.meta.quantization})`);
    if (contradictions.length)
      throw codedError('INVALID_ARGUMENT', `options contradict the existing index '${this.index}': ${contradictions.join(', ')}`);
  }

  // Runs fn() once connected; rejects after close().
  async #run(fn) {
    if (this.closed) throw codedError('INVALID_ARGUMENT', 'the database is closed; open a new VectorDb to use it again');
    await this.readyPromise;
    if (this.closed) throw codedError('INVALID_ARGUMENT', 'the database is closed; open a new VectorDb to use it again');
    return fn();
  }

  #vaddArgs(e) {
    const key = this.shardKey(this.shardOf(e.id));
    const args = ['VADD', key, 'FP32', blobOf(e.vector), e.id, this.meta.quantization,
      'M', String(this.meta.m), 'EF', String(this.meta.efConstruction)];
    if (e.meta !== null) args.push('SETATTR', e.meta);
    return [key, args];
  }

  /** insert({id?, vector, metadata?}) | insert(vector, id?, metadata?) -> Promise<id> (an existing id is replaced). */
  insert(...args) {
    return this.#run(async () => {
      const e = entryOf(args, this.meta.dimensions);
      const [key, cmd] = this.#vaddArgs(e);
      await this.#send(key, false, cmd);
      return e.id;
    });
  }

  /**
   * Inserts many entries -> Promise<ids in order>. Every entry is validated before anything
   * is sent; the writes then go to their shard keys in parallel (bounded concurrency).
   * Unlike a local database this is not all-or-nothing: a server failure part way leaves
   * the entries written before it (repeating the batch is safe: inserts replace).
   */
  insertBatch(entries, options = 256) {
    // options: a concurrency (number) or the local form {batchSize, progressCallback}:
    // progressCallback(done, total) is called after every batchSize writes (default 1000).
    const concurrency = typeof options === 'number' && options >= 1 ? Math.floor(options) : 256;
    const o = options !== null && typeof options === 'object' ? options : {};
    const step = Number.isInteger(o.batchSize) && o.batchSize > 0 ? o.batchSize : 1000;
    return this.#run(async () => {
      if (!Array.isArray(entries)) throw codedError('INVALID_ARGUMENT', 'insertBatch expects an array of entries');
      const parts = entries.map((e, i) => entryOf([e], this.meta.dimensions, `entry ${i}: `));
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < parts.length) {
          const [key, cmd] = this.#vaddArgs(parts[next++]);
          await this.#send(key, false, cmd);
          done++;
          if (typeof o.progressCallback === 'function' && (done % step === 0 || done === parts.length)) o.progressCallback(done, parts.length);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, parts.length) }, worker));
      return parts.map((p) => p.id);
    });
  }

  // The VSIM of one query on every shard key -> {hits (distance ascending), partial, failedShards}.
  async #fanOut(query) {
    if (!query || typeof query !== 'object' || Array.isArray(query)) throw codedError('INVALID_ARGUMENT', 'search expects {vector, k?, ...}');
    const k = query.k ?? query.topK ?? 10;
    if (!Number.isInteger(k) || k < 1) throw codedError('INVALID_ARGUMENT', 'k must be a positive integer');
    const ef = query.efSearch ?? query.ef ?? this.options.efSearch;
    if (!Number.isInteger(ef) || ef < 1) throw codedError('INVALID_ARGUMENT', 'efSearch must be a positive integer');
    const vector = toFloat32(query.vector, this.meta.dimensions);
    const withMeta = query.includeMetadata !== false;
    const tail = ['WITHSCORES', 'COUNT', String(k), 'EF', String(ef)];
    if (withMeta) tail.push('WITHATTRIBS');
    if (query.filter !== undefined && query.filter !== null) {
      if (typeof query.filter !== 'string')
        throw codedError('INVALID_ARGUMENT', 'a cluster index filters with the vector-sets expression language, ' +
          `a string such as '.year > 1990 and .genre == "jazz"' (docs/scale-out.md), not a JSON filter object`);
      tail.push('FILTER', query.filter);
    }
    if (query.filterEf !== undefined) tail.push('FILTER-EF', String(wholeOption(query.filterEf, 'filterEf', 0, 2 ** 31 - 1)));
    if (query.threshold !== undefined && query.threshold !== null) {
      if (typeof query.threshold !== 'number' || Number.isNaN(query.threshold)) throw codedError('INVALID_ARGUMENT', 'threshold must be a number');
      if (query.threshold < 0) return { hits: [], partial: false, failedShards: [] };
      if (query.threshold < 2) tail.push('EPSILON', String(query.threshold));
    }
    if (query.truth || query.exact) tail.push('TRUTH');
    const timeout = query.timeoutMs ?? this.options.timeoutMs;
    const blob = blobOf(vector);
    const perShard = await Promise.all(this.shardKeys().map(async (key, shard) => {
      try {
        const reply = await this.#retry((c) => c.sendCommand(key, true, ['VSIM', key, 'FP32', blob, ...tail], { timeout }),
          query.retryMs ?? timeout);
        return { shard, reply };
      } catch (e) {
        if (e && (e.code === 'INVALID_ARGUMENT' || e.code === 'DIMENSION_MISMATCH')) throw e;
        return { shard, error: String(e && e.message) };
      }
    }));
    const hits = [];
    const failedShards = [];
    const step = withMeta ? 3 : 2;
    for (const r of perShard) {
      if (r.error !== undefined) {
        failedShards.push({ shard: r.shard, key: this.shardKey(r.shard), error: r.error });
        continue;
      }
      const flat = r.reply;
      for (let i = 0; i + step - 1 < flat.length; i += step) {
        const d = distanceOf(flat[i + 1]);
        const hit = { id: String(flat[i]), score: d, distance: d };
        if (withMeta && flat[i + 2]) hit.metadata = JSON.parse(flat[i + 2]);
        hits.push(hit);
      }
    }
    hits.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const top = hits.slice(0, k);
    if (query.includeVector) {
      const vectors = await Promise.all(top.map((h) => this.#vectorOf(h.id)));
      top.forEach((h, i) => { h.vector = vectors[i]; });
    }
    return { hits: top, partial: failedShards.length > 0, failedShards };
  }

  /**
   * search({vector, k?, efSearch?, filter? (FILTER expression), filterEf?, truth?, threshold?,
   * includeMetadata?, includeVector?, timeoutMs?}) -> Promise<[{id, score, distance, metadata?,
   * vector?}]>. Rejects with UNAVAILABLE when a shard failed (`.hits`: the partial answer,
   * `.failedShards`).
   */
  search(query) {
    return this.#run(async () => {
      const r = await this.#fanOut(query);
      if (r.partial) {
        const e = codedError('UNAVAILABLE', `${r.failedShards.length} of ${this.meta.shards} shard keys did not answer: ` +
          r.failedShards.map((f) => `${f.key}: ${f.error}`).join('; '));
        e.hits = r.hits;
        e.failedShards = r.failedShards;
        throw e;
      }
      return r.hits;
    });
  }

  /** search() that returns partial answers: {hits, partial, failedShards: [{shard, key, error}]}. */
  searchWithStatus(query) {
    return this.#run(() => this.#fanOut(query));
  }

  /** One result list per query (the queries run one after the other, each fanned out). */
  searchBatch(queries) {
    return this.#run(async () => {
      if (!Array.isArray(queries)) throw codedError('INVALID_ARGUMENT', 'searchBatch expects an array of queries');
      const out = [];
      for (const q of queries) out.push(await this.search(q));
      return out;
    });
  }

  async #vectorOf(id) {
    const key = this.shardKey(this.shardOf(id));
    const emb = await this.#send(key, true, ['VEMB', key, id]);
    return emb === null || emb === undefined ? undefined : Float32Array.from(emb.map(Number));
  }

  /** {id, vector: Float32Array, metadata?} or null when absent. */
  get(id) {
    return this.#run(async () => {
      const s = toId(id);
      const vector = await this.#vectorOf(s);
      if (vector === undefined) return null;
      const key = this.shardKey(this.shardOf(s));
      const attrs = await this.#send(key, true, ['VGETATTR', key, s]);
      const r = { id: s, vector };
      if (attrs) r.metadata = JSON.parse(attrs);
      return r;
    });
  }

  /** true when the id existed and was removed, false when it was absent. */
  delete(id) {
    return this.#run(async () => {
      const s = toId(id);
      const key = this.shardKey(this.shardOf(s));
      return Number(await this.#send(key, false, ['VREM', key, s])) === 1;
    });
  }

  /** Elements over all shard keys (VCARD of each). */
  len() {
    return this.#run(async () => {
      const counts = await Promise.all(this.shardKeys().map((k) => this.#send(k, true, ['VCARD', k])));
      return counts.reduce((a, b) => a + Number(b), 0);
    });
  }

  count() {
    return this.len();
  }

  async isEmpty() {
    return (await this.len()) === 0;
  }

  /**
   * The local info() keys that apply (dimensions, metric, index, count, hnswConfig, quantization,
   * memoryBytes = MEMORY USAGE summed over the shard keys) plus `cluster`: {index, shards,
   * keys: [{key, slot, master, count, memoryBytes}], nodes (the seeds)}.
   */
  info() {
    return this.#run(async () => {
      const keys = await Promise.all(this.shardKeys().map(async (key) => {
        const slot = keySlot(key);
        const owner = this.cluster.slots[slot] && this.cluster.slots[slot].master;
        const count = Number(await this.#send(key, true, ['VCARD', key]));
        const bytes = Number(await this.#send(key, true, ['MEMORY', 'USAGE', key]) || 0);
        // A node that knows no address of its own (a one-node cluster) answers with an empty
        // host: it is the seed's.
        const host = owner && (owner.host || new URL(this.rootNodes[0].url).hostname);
        return { key, slot, master: owner ? `${host}:${owner.port}` : null, count, memoryBytes: bytes };
      }));
      const q = { NOQUANT: 'none', Q8: 'int8', BIN: 'binary' }[this.meta.quantization] || this.meta.quantization;
      return {
        dimensions: this.meta.dimensions, metric: 'cosine', index: 'hnsw', quantization: q,
        count: keys.reduce((a, k) => a + k.count, 0),
        hnswConfig: { m: this.meta.m, efConstruction: this.meta.efConstruction, efSearch: this.options.efSearch },
        memoryBytes: keys.reduce((a, k) => a + k.memoryBytes, 0),
        storage: 'redis-cluster',
        cluster: { index: this.index, shards: this.meta.shards, keys, nodes: this.rootNodes.map((n) => n.url.replace(/^redis:\/\//, '')) },
      };
    });
  }

  /**
   * WAIT numReplicas timeoutMs on the master of every shard key -> the smallest
   * acknowledgement count (what every shard's last writes reached). Redis replication is
   * asynchronous: this narrows, not closes, the window for losing a write (docs/scale-out.md).
   */
  waitReplicas(numReplicas = 1, timeoutMs = 2000) {
    return this.#run(async () => {
      const acks = await Promise.all(this.shardKeys().map((key) => this.#retry(async (c) => {
        const client = await c.nodeClient(c.slots[keySlot(key)].master);
        return Number(await client.sendCommand(['WAIT', String(numReplicas), String(timeoutMs)]));
      })));
      return Math.min(...acks);
    });
  }

  /** Writes are in the servers already: persistence follows their RDB/AOF settings. */
  checkpoint() {
    return this.#run(async () => undefined);
  }

  /** A cluster index has no single snapshot: UNSUPPORTED (each shard key persists in its node's RDB/AOF). */
  serialize() {
    return Promise.reject(codedError('UNSUPPORTED', 'serialize() is not available for a Redis Cluster index; ' +
      'the servers persist each shard key (RDB/AOF), and DUMP/RESTORE moves one shard key'));
  }

  async #shutdown() {
    const c = this.cluster;
    this.cluster = null;
    if (c) await c.close().catch(() => c.destroy());
  }

  /** Closes the connections; later calls reject. Idempotent. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.readyPromise.catch(() => {});
    await this.#shutdown();
  }
}

/** True when VectorDb options name a Redis Cluster index ({redis: ...}). */
function isClusterOptions(o) {
  return o !== null && typeof o === 'object' && !Array.isArray(o) && o.redis !== undefined && o.redis !== null;
}

/**
 * redis://host:port[,host:port...]/INDEX (the CLI's database argument) -> {nodes, index},
 * or null when `text` is not such a URL.
 */
function parseClusterUrl(text) {
  const m = /^redis:\/\/([^/]+)\/([^/]+)$/.exec(String(text));
  if (!m) return null;
  return { nodes: m[1].split(','), index: m[2] };
}

module.exports = { ClusterVectorDb, isClusterOptions, parseClusterUrl, fnv1a32, keySlot };
