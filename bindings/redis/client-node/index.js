'use strict';
// RedisVectorDb: one logical ruvector index spread over S shard keys of a Redis Cluster
// whose nodes run ruvector-redis.so (docs/scale-out.md, "Cluster client").
//
// Layout of index NAME: shard keys `rv:{NAME#0}` .. `rv:{NAME#S-1}` (distinct hash tags,
// so Redis Cluster spreads them over slots and nodes) and a metadata hash
// `rv:{NAME}:meta` (shards, dimensions, m, efConstruction, version), written once by the
// first client; later clients read it and refuse contradicting options.
// Routing: an element lives in shard fnv1a32(utf8(id)) mod S, so insert/get/delete touch
// one key. search() sends VSIM ... WITHSCORES COUNT k to every shard key in parallel
// (node-redis pipelines the keys of one node on its connection) and merges by score.
// A shard that fails or times out is reported in `failedShards` and `partial: true`,
// never hidden. Scores are vector-sets similarities (1 + cos) / 2: higher is better.
//
// Failure handling: commands retry on cluster transitions (connection loss, CLUSTERDOWN,
// TRYAGAIN, LOADING, MASTERDOWN, timeouts) with backoff until `retryMs` (default 30 s),
// re-discovering the topology after connection errors. Errors carry `.code`
// (INVALID_ARGUMENT, DIMENSION_MISMATCH, UNAVAILABLE, ...).
const { createCluster } = require('redis');
const calculateSlot = require('cluster-key-slot');

const META_VERSION = '1';

function fnv1a32(text) {
  const bytes = Buffer.from(text, 'utf8');
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function codedError(code, message, cause) {
  const e = new Error(message);
  e.code = code;
  if (cause) e.cause = cause;
  return e;
}

const TRANSIENT = /CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|ECONNREFUSED|ECONNRESET|EPIPE|socket|closed|timeout|Timeout|connect|offline|disconnected|READONLY|NOREPLICAS/i;

function parseNodes(nodes) {
  if (!Array.isArray(nodes) || nodes.length === 0)
    throw codedError('INVALID_ARGUMENT', 'redis.nodes must be a non-empty array of "host:port" or {host, port}');
  return nodes.map((n) => {
    if (typeof n === 'string') return { url: n.startsWith('redis://') ? n : `redis://${n}` };
    if (n && typeof n === 'object' && n.port) return { url: `redis://${n.host || '127.0.0.1'}:${n.port}` };
    throw codedError('INVALID_ARGUMENT', `bad redis node ${JSON.stringify(n)}`);
  });
}

function toFloat32Buffer(vector, dimensions) {
  if (!vector || typeof vector.length !== 'number') throw codedError('INVALID_ARGUMENT', 'vector must be an array');
  if (dimensions && vector.length !== dimensions)
    throw codedError('DIMENSION_MISMATCH', `vector has ${vector.length} dimensions, the index has ${dimensions}`);
  const f = Float32Array.from(vector);
  for (const x of f) if (!Number.isFinite(x)) throw codedError('INVALID_ARGUMENT', 'vector contains NaN or Infinity');
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
}

class RedisVectorDb {
  // options: { redis: { nodes: [...] }, index: 'docs', dimensions, shards = 6, m = 16,
  //            efConstruction = 200, efSearch = 100, timeoutMs = 2000 (per shard search),
  //            retryMs = 30000 }
  constructor(options = {}) {
    if (!options.redis) throw codedError('INVALID_ARGUMENT', 'options.redis.nodes is required');
    this.rootNodes = parseNodes(options.redis.nodes);
    if (typeof options.index !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(options.index))
      throw codedError('INVALID_ARGUMENT', 'options.index must be 1..128 characters of [A-Za-z0-9_.:-]');
    this.index = options.index;
    this.options = {
      dimensions: options.dimensions,
      shards: options.shards ?? 6,
      m: options.m ?? 16,
      efConstruction: options.efConstruction ?? 200,
      efSearch: options.efSearch ?? 100,
      timeoutMs: options.timeoutMs ?? 2000,
      retryMs: options.retryMs ?? 30000,
    };
    if (!Number.isInteger(this.options.shards) || this.options.shards < 1 || this.options.shards > 4096)
      throw codedError('INVALID_ARGUMENT', 'shards must be an integer in 1..4096');
    this.cluster = null;
    this.meta = null;
    this.lastRediscover = 0;
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

  async #newCluster() {
    const cluster = createCluster({
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
        const msg = String(e && e.message);
        if (!TRANSIENT.test(msg) && !(e && /Error$/.test(e.name) && /Client|Socket|Reconnect/.test(e.name)))
          throw e;
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

  async connect() {
    this.cluster = await this.#retry(() => this.#newCluster());
    const key = this.metaKey();
    const o = this.options;
    if (o.dimensions !== undefined) {
      await this.#send(key, false, ['HSETNX', key, 'version', META_VERSION]);
      const fields = { shards: o.shards, dimensions: o.dimensions, m: o.m, efConstruction: o.efConstruction };
      for (const [f, v] of Object.entries(fields)) await this.#send(key, false, ['HSETNX', key, f, String(v)]);
    }
    const raw = await this.#send(key, true, ['HGETALL', key]);
    const meta = Array.isArray(raw) ? Object.fromEntries(raw.reduce((acc, v, i) => (i % 2 ? acc[acc.length - 1].push(v) : acc.push([v]), acc), [])) : raw;
    if (!meta || !meta.version) throw codedError('NOT_FOUND', `index '${this.index}' does not exist (give dimensions to create it)`);
    if (meta.version !== META_VERSION) throw codedError('UNSUPPORTED', `index metadata version ${meta.version}`);
    this.meta = { shards: +meta.shards, dimensions: +meta.dimensions, m: +meta.m, efConstruction: +meta.efConstruction };
    for (const f of ['dimensions', 'm', 'efConstruction'])
      if (o[f] !== undefined && f !== 'efConstruction' && +o[f] !== this.meta[f])
        throw codedError('INVALID_ARGUMENT', `option ${f}=${o[f]} contradicts the index (${this.meta[f]})`);
    return this;
  }

  shardKeys() {
    return Array.from({ length: this.meta.shards }, (_, i) => this.shardKey(i));
  }

  async insert(entry) {
    const id = String(entry.id);
    if (!id) throw codedError('INVALID_ARGUMENT', 'id must not be empty');
    const key = this.shardKey(this.shardOf(id));
    const args = ['VADD', key, 'FP32', toFloat32Buffer(entry.vector, this.meta.dimensions), id,
                  'M', String(this.meta.m), 'EF', String(this.meta.efConstruction)];
    if (entry.metadata !== undefined && entry.metadata !== null) args.push('SETATTR', JSON.stringify(entry.metadata));
    await this.#send(key, false, args);
    return id;
  }

  // Inserts in parallel (bounded concurrency); fails on the first error.
  async insertBatch(entries, concurrency = 256) {
    const ids = new Array(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const i = next++;
        ids[i] = await this.insert(entries[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
    return ids;
  }

  async get(id) {
    const key = this.shardKey(this.shardOf(String(id)));
    const emb = await this.#send(key, true, ['VEMB', key, String(id)]);
    if (emb === null || emb === undefined) return null;
    const attrs = await this.#send(key, true, ['VGETATTR', key, String(id)]);
    return { id: String(id), vector: emb.map(Number), metadata: attrs ? JSON.parse(attrs) : null };
  }

  async delete(id) {
    const key = this.shardKey(this.shardOf(String(id)));
    return (await this.#send(key, false, ['VREM', key, String(id)])) === 1;
  }

  async len() {
    const counts = await Promise.all(this.shardKeys().map((k) => this.#send(k, true, ['VCARD', k])));
    return counts.reduce((a, b) => a + Number(b), 0);
  }

  // query: { vector, k = 10, efSearch, filter (vector-sets FILTER expression), filterEf,
  //          truth (exact), withMetadata, timeoutMs }
  // -> { hits: [{ id, score, metadata? }], partial, failedShards: [{ shard, error }] }
  async search(query) {
    const k = query.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw codedError('INVALID_ARGUMENT', 'k must be a positive integer');
    const blob = toFloat32Buffer(query.vector, this.meta.dimensions);
    const timeout = query.timeoutMs ?? this.options.timeoutMs;
    const tail = ['WITHSCORES', 'COUNT', String(k), 'EF', String(query.efSearch ?? this.options.efSearch)];
    if (query.withMetadata) tail.push('WITHATTRIBS');
    if (query.filter) tail.push('FILTER', String(query.filter));
    if (query.filterEf !== undefined) tail.push('FILTER-EF', String(query.filterEf));
    if (query.truth) tail.push('TRUTH');
    const perShard = await Promise.all(this.shardKeys().map(async (key, shard) => {
      try {
        const reply = await this.#retry((c) => c.sendCommand(key, true, ['VSIM', key, 'FP32', blob, ...tail], { timeout }),
                                        query.retryMs ?? timeout);
        return { shard, reply };
      } catch (e) {
        if (e && e.code === 'UNAVAILABLE') return { shard, error: e.message };
        if (e && /syntax error|invalid|mismatch/i.test(String(e.message))) throw codedError('INVALID_ARGUMENT', e.message, e);
        return { shard, error: String(e && e.message) };
      }
    }));
    const hits = [];
    const failedShards = [];
    const step = query.withMetadata ? 3 : 2;
    for (const r of perShard) {
      if (r.error !== undefined) {
        failedShards.push({ shard: r.shard, error: r.error });
        continue;
      }
      const flat = r.reply;
      for (let i = 0; i + step - 1 < flat.length; i += step) {
        const hit = { id: String(flat[i]), score: Number(flat[i + 1]) };
        if (query.withMetadata) hit.metadata = flat[i + 2] ? JSON.parse(flat[i + 2]) : null;
        hits.push(hit);
      }
    }
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { hits: hits.slice(0, k), partial: failedShards.length > 0, failedShards };
  }

  // WAIT numReplicas timeoutMs on the master of every shard key; returns the smallest
  // acknowledgement count (what every shard's last writes reached).
  async waitReplicas(numReplicas = 1, timeoutMs = 2000) {
    const acks = await Promise.all(this.shardKeys().map((key) => this.#retry(async (c) => {
      const master = c.slots[calculateSlot(key)].master;
      const client = await c.nodeClient(master);
      return Number(await client.sendCommand(['WAIT', String(numReplicas), String(timeoutMs)]));
    })));
    return Math.min(...acks);
  }

  async close() {
    if (this.cluster) await this.cluster.close().catch(() => this.cluster.destroy());
    this.cluster = null;
  }
}

module.exports = { RedisVectorDb, fnv1a32 };
