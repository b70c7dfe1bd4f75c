// Both `ruvector` commands on redis:// indexes: the C++ tool (tools/cli, through the
// hiredis cluster client) and the JS one (npm/ruvector/bin, through ClusterVectorDb) run
// the same commands against one Redis Cluster node (Debian's redis-server 7.0.15 with
// ruvector-redis.so, loopback, the port given, all 16384 slots, stopped at the end), each
// on its own index with the same data, and must agree: exit codes, --json documents,
// text output of search/get, error codes and messages. Search results are also checked
// against brute-force cosine distances, and each tool reads the index the other wrote.
//   node tests/cli/redis_parity.mjs <C++ ruvector> <ruvector-redis.so> <port>
// Run by scripts/test-redis.sh (which provides the JS side's `redis` package through
// NODE_PATH and a local backend for the engine's record readers). About 10 s.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, after } from 'node:test';
import { rng } from '../js/rng.mjs';
import { startOneNodeCluster } from '../redis/one-node-cluster.mjs';

const [CXX, MODULE, PORT] = [path.resolve(process.argv[2]), path.resolve(process.argv[3]), Number(process.argv[4])];
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const JS = path.join(ROOT, 'npm/ruvector/bin/ruvector.mjs');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-redis-cli-'));
const NODE = `127.0.0.1:${PORT}`;
const DIM = 8;

let server = null;
const redisCli = (...args) => server.cli(...args);
after(() => {
  if (server) server.stop();
  fs.rmSync(WORK, { recursive: true, force: true });
});

const url = (tool, index = 'pix') => `redis://${NODE}/${index}-${tool}`;
function run(tool, args) {
  const r = tool === 'cxx'
    ? spawnSync(CXX, args, { encoding: 'utf8', timeout: 60000 })
    : spawnSync(process.execPath, [JS, ...args], { encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
// Runs `args` (a function of the tool's index URL) with both tools -> {cxx, js}; the exit
// codes must be equal, and so must stderr once each tool's URL is replaced (only the
// error code for what the two argument parsers refuse: CLI11's words are not ours).
function both(args, what, expectCode = 0, parserError = false) {
  const res = {};
  for (const tool of ['cxx', 'js']) res[tool] = run(tool, args(url(tool)));
  for (const tool of ['cxx', 'js']) {
    assert.equal(res[tool].code, expectCode, `${what}: ${tool} exit ${res[tool].code}, expected ${expectCode}\n${res[tool].err}`);
  }
  const norm = (tool) => (parserError ? res[tool].err.split(':').slice(0, 2).join(':')
    : res[tool].err.replaceAll(url(tool), 'URL').replaceAll(`-${tool}`, '-TOOL'));
  assert.equal(norm('js'), norm('cxx'), `${what}: stderr`);
  return res;
}
const docs = (res) => ({ cxx: JSON.parse(res.cxx.out), js: JSON.parse(res.js.out) });
// A --json document with each tool's own names, timings and byte counts taken out.
function plain(doc, tool) {
  const text = JSON.stringify(doc, (k, v) => (['took_ms', 'seconds', 'parse_seconds', 'insert_seconds', 'memory_bytes', 'slot'].includes(k) ? undefined : v));
  return JSON.parse(text.replaceAll(url(tool), 'URL').replaceAll(`-${tool}`, '-TOOL'));
}

const r = rng(7);
const rows = Array.from({ length: 200 }, (_, i) => ({
  id: `c${i}`, vector: Array.from({ length: DIM }, () => Math.round((r() * 2 - 1) * 1e4) / 1e4), metadata: { n: i, even: i % 2 === 0 },
}));
const file = path.join(WORK, 'rows.jsonl');
fs.writeFileSync(file, rows.map((x) => JSON.stringify(x)).join('\n') + '\n');
const bad = path.join(WORK, 'bad.jsonl');
fs.writeFileSync(bad, rows.slice(0, 6).map((x) => JSON.stringify(x)).join('\n') + '\n{"id": "x", "vector": [1, 2, 3]}\n');

function brute(q, k) {
  return rows.map((e) => {
    let dot = 0, a = 0, b = 0;
    for (let j = 0; j < DIM; j++) {
      const x = Math.fround(e.vector[j]), y = Math.fround(q[j]);
      dot += x * y; a += y * y; b += x * x;
    }
    return { id: e.id, d: 1 - dot / Math.sqrt(a * b) };
  }).sort((x, y) => x.d - y.d).slice(0, k);
}

test('both CLIs on redis:// indexes', async () => {
  server = await startOneNodeCluster({ port: PORT, module: MODULE, dir: WORK });

  // create: the same settings, the engine's HNSW defaults, shard keys as asked
  let d = docs(both((u) => ['create', u, '--dimensions', String(DIM), '--shards', '3', '--json'], 'create'));
  assert.deepEqual(plain(d.js, 'js'), plain(d.cxx, 'cxx'));
  assert.deepEqual(d.cxx.hnsw, { m: 16, ef_construction: 40, ef_search: 100 });
  assert.equal(d.cxx.shards, 3);
  assert.equal(redisCli('HGET', `rv:{pix-cxx}:meta`, 'efConstruction'), '40');
  assert.equal(redisCli('HGET', `rv:{pix-js}:meta`, 'efSearch'), '100');
  both((u) => ['create', u, '--dimensions', String(DIM)], 'create over an index', 2);
  both((u) => ['create', `${u}x`, '--dimensions', '4', '--metric', 'euclidean'], 'create --metric euclidean', 4);
  for (const flags of [['--rescore', '3'], ['--index', 'flat'], ['--from-snapshot', file], ['--quantization', 'pq']])
    both((u) => ['create', `${u}x`, '--dimensions', '4', ...flags], `create ${flags[0]}`, 1);
  both((u) => ['create', `${u}x`, '--dimensions', '4', '--shards', '0'], 'create --shards 0', 1, true);
  both(() => ['create', path.join(WORK, 'dir'), '--dimensions', '4', '--shards', '2'], '--shards on a directory', 1);
  both((u) => ['create', u.replace(NODE, '127.0.0.1:notaport'), '--dimensions', '4'], 'a malformed node', 2);

  // import: all rows; a bad file names its line and writes nothing
  both((u) => ['import', u, bad], 'import of a bad file', 2);
  d = docs(both((u) => ['import', u, file, '--json'], 'import'));
  assert.deepEqual(plain(d.js, 'js'), plain(d.cxx, 'cxx'));
  assert.equal(d.cxx.count, rows.length);

  // insert, with and without an id
  const one = both((u) => ['insert', u, '--vector', '[1, 0, 0, 0, 0, 0, 0, 0]', '--id', 'one', '--metadata', '{"n": -1}'], 'insert');
  assert.equal(one.cxx.out, 'one\n');
  const anon = both((u) => ['insert', u, '--vector', '0,1,0,0,0,0,0,0', '--json'], 'insert without an id');
  for (const doc of Object.values(docs(anon))) assert.match(doc.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  for (const tool of ['cxx', 'js']) assert.equal(run(tool, ['delete', url(tool), docs(anon)[tool].id]).code, 0);

  // search: equal hits, equal to brute force (the one extra row "one" is far from the query)
  const q = rows[17].vector;
  d = docs(both((u) => ['search', u, '--vector', q.join(','), '-k', '5', '--json'], 'search'));
  assert.deepEqual(plain(d.js, 'js'), plain(d.cxx, 'cxx'));
  const truth = brute(q, 5);
  assert.deepEqual(d.cxx.hits.map((h) => h.id), truth.map((t) => t.id));
  d.cxx.hits.forEach((h, i) => assert.ok(Math.abs(h.score - truth[i].d) < 1e-6, `score ${h.score} vs ${truth[i].d}`));
  assert.deepEqual(d.cxx.hits[0].metadata, { n: 17, even: false });
  const text = both((u) => ['search', u, '--vector', q.join(','), '-k', '3', '--include-vector'], 'search, text');
  assert.equal(text.js.out, text.cxx.out);
  d = docs(both((u) => ['search', u, '--vector', q.join(','), '-k', '4', '--filter', '.n >= 150 and .even', '--no-metadata', '--ef', '50', '--json'], 'search --filter'));
  assert.deepEqual(plain(d.js, 'js'), plain(d.cxx, 'cxx'));
  assert.deepEqual(d.cxx.hits.map((h) => h.id), brute(q, 200).filter((t) => Number(t.id.slice(1)) >= 150 && Number(t.id.slice(1)) % 2 === 0).slice(0, 4).map((t) => t.id));
  assert.equal(d.cxx.hits[0].metadata, undefined);
  both((u) => ['search', u, '--vector', '1,2', '--json'], 'search with a wrong dimension', 2);
  both((u) => ['search', u, '--vector', q.join(','), '--filter', '.n >>> 3'], 'search with a bad FILTER', 2);

  // get / delete
  d = docs(both((u) => ['get', u, 'c5', '--json'], 'get'));
  assert.deepEqual(d.js, d.cxx);
  assert.deepEqual(d.cxx.vector.map(Math.fround), rows[5].vector.map(Math.fround));
  assert.deepEqual(d.cxx.metadata, rows[5].metadata);
  const gtext = both((u) => ['get', u, 'one'], 'get, text');
  assert.equal(gtext.js.out, gtext.cxx.out);
  d = docs(both((u) => ['delete', u, 'c5', 'nope', '--json'], 'delete'));
  assert.deepEqual(d.js, d.cxx);
  assert.deepEqual(d.cxx, { deleted: ['c5'], not_found: ['nope'], count: rows.length });
  both((u) => ['get', u, 'c5'], 'get of a deleted id', 3);

  // info
  d = docs(both((u) => ['info', u, '--json'], 'info'));
  assert.deepEqual(plain(d.js, 'js'), plain(d.cxx, 'cxx'));
  assert.equal(d.cxx.count, rows.length);
  assert.equal(d.cxx.cluster.keys.reduce((s, k) => s + k.count, 0), rows.length);
  assert.ok(d.cxx.cluster.keys.every((k) => k.master === NODE && k.memory_bytes > 0));
  both((u) => ['info', `${u}-missing`], 'info of a missing index', 3);
  both((u) => ['export', u, '--jsonl', path.join(WORK, 'x.jsonl')], 'export', 4);
  both((u) => ['bench', u], 'bench', 4);

  // one layout: each tool reads what the other wrote
  for (const [reader, writer] of [['cxx', 'js'], ['js', 'cxx']]) {
    const a = run(reader, ['get', url(writer), 'c9', '--json']);
    const b = run(writer, ['get', url(writer), 'c9', '--json']);
    assert.equal(a.code, 0, a.err);
    assert.deepEqual(JSON.parse(a.out), JSON.parse(b.out));
  }
});
