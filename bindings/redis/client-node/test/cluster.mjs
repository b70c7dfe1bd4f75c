// The cluster acceptance test: 3 masters + 3 replicas of redis-server 7.0.15 with
// ruvector-redis.so on loopback, plus one standalone server holding the whole set in one
// key (the single-node reference). Started and stopped here; every wait is bounded.
//   1. 50k x 64-d seeded clusters loaded into S = 3, 6, 12 shard keys; sum of VCARD
//   2. fan-out with TRUTH equals JS brute force exactly (ids; scores within 1e-9)
//   3. fan-out HNSW recall@10 within 0.5 pt of the single-key reference
//   4. kill -9 of a master under a write load with WAIT 1 per batch: after failover every
//      acknowledged element is present with its vector
//   5. the killed node rejoins as a replica with equal digests
//   6. a shard key's slot migrates under query load: no failed query, same digest
//   7. the C++ client (ruvector-redis-cluster, hiredis) on S = 6: key slots equal
//      CLUSTER KEYSLOT, size = N, TRUTH fan-out equals brute force; get/delete/WAIT
//   8. the VectorDb face (ruvector's ClusterVectorDb) and the `ruvector` CLI on a
//      redis:// index: insert/get/delete/metadata/FILTER/includeVector, create/insert/
//      import/search/get/delete/info, errors with their codes
// The client under test is npm/ruvector/lib/redis-cluster.js (what `new VectorDb({redis})`
// returns); this folder only provides its `redis` dependency (NODE_PATH, test-redis.sh).
// Usage: node cluster.mjs MODULE_SO WORKDIR BASE_PORT [--bench OUT.md]
// --bench also writes the scale-out benchmark table (build rate, search latency and QPS,
// recall, memory per vector; single key vs fan-out) to OUT.md.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../..');
const { ClusterVectorDb, keySlot } = require(path.join(ROOT, 'npm/ruvector/lib/redis-cluster.js'));
const { createClient } = require('redis');
const calculateSlot = require('cluster-key-slot');

const [MODULE, WORK, BASE] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const BENCH_OUT = process.argv[5] === '--bench' ? process.argv[6] : null;
const rows = [];
const N = Number(process.env.RV_CLUSTER_N || 50000), DIM = 64, NQ = 200, K = 10;
const EF_BUILD = 100, EF_SEARCH = 24;  // the same everywhere (reference and shards)
const failures = [];
const check = (cond, what) => { if (!cond) { failures.push(what); console.log('FAIL:', what); } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s]`, ...a);

// ---- servers
const procs = new Map();
function startServer(port, cluster) {
  const dir = path.join(WORK, String(port));
  fs.mkdirSync(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
                '--enable-debug-command', 'yes', '--logfile', path.join(dir, 'redis.log'),
                '--pidfile', path.join(dir, 'redis.pid'), '--repl-diskless-sync-delay', '0',
                '--loadmodule', MODULE];
  if (cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
  const p = spawn('redis-server', args, { stdio: 'ignore' });
  procs.set(port, p);
  return p;
}
const cli = (port, ...args) => execFileSync('redis-cli', ['-p', String(port), ...args],
  { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
async function waitFor(what, fn, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if (await fn()) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
function stopAll() {
  for (const [, p] of procs) if (p.exitCode === null) p.kill('SIGKILL');
}
process.on('exit', stopAll);

// ---- data (mulberry32 + Box-Muller: seeded, no dependency)
function rng(seed) {
  let a = seed >>> 0;
  const u = () => { a = (a + 0x6D2B79F5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  return { u, normal: () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u()) };
}
// 32 clusters, each a random 12-d subspace around its centre plus a little isotropic
// noise: neighbours are meaningful (low intrinsic dimension), as with real embeddings.
function clustered(n, seed) {
  const r = rng(seed), centers = [], bases = [];
  for (let c = 0; c < 32; c++) {
    centers.push(Float32Array.from({ length: DIM }, () => r.normal()));
    bases.push(Array.from({ length: 12 }, () => Float32Array.from({ length: DIM }, () => 0.5 * r.normal())));
  }
  const out = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r.u() * 32);
    const v = out.subarray(i * DIM, (i + 1) * DIM);
    for (let j = 0; j < DIM; j++) v[j] = centers[c][j] + 0.05 * r.normal();
    for (let t = 0; t < 12; t++) {
      const z = r.normal(), b = bases[c][t];
      for (let j = 0; j < DIM; j++) v[j] += z * b[j];
    }
  }
  return out;
}
// Queries come from the same clusters but are not in the data.
const all = clustered(N + NQ, 7);
const data = all.subarray(0, N * DIM), queries = all.subarray(N * DIM);
const row = (arr, i) => arr.subarray(i * DIM, (i + 1) * DIM);
const ids = Array.from({ length: N }, (_, i) => `e${i}`);
function bruteForce(q, k) {
  let qn = 0; for (let j = 0; j < DIM; j++) qn += q[j] * q[j]; qn = Math.sqrt(qn);
  const scored = [];
  for (let i = 0; i < N; i++) {
    let dot = 0, vv = 0;
    for (let j = 0; j < DIM; j++) { const x = data[i * DIM + j]; dot += q[j] * x; vv += x * x; }
    const cos = Math.min(1, Math.max(-1, dot / (qn * Math.sqrt(vv))));
    scored.push([ids[i], (1 + cos) / 2]);
  }
  scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return scored.slice(0, k);
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

async function main() {
  const ports = [0, 1, 2, 3, 4, 5].map((i) => BASE + i), REF = BASE + 6;
  for (const p of ports) startServer(p, true);
  startServer(REF, false);
  for (const p of [...ports, REF]) await waitFor(`server ${p}`, () => cli(p, 'PING') === 'PONG');
  execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'],
               { stdio: 'ignore', timeout: 60000 });
  for (const p of ports) await waitFor(`cluster_state:ok on ${p}`, () => cli(p, 'CLUSTER', 'INFO').includes('cluster_state:ok'));
  log('cluster up');

  // ---- reference: one key
  const ref = createClient({ url: `redis://127.0.0.1:${REF}` });
  await ref.connect();
  let start = Date.now();
  for (let i = 0; i < N; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(N, i + 500); j++)
      batch.push(ref.sendCommand(['VADD', 'ref', 'FP32', Buffer.from(row(data, j).slice().buffer), ids[j], 'EF', String(EF_BUILD)]));
    await Promise.all(batch);
  }
  const refBuildS = (Date.now() - start) / 1000;
  log(`reference loaded: ${N} in ${refBuildS.toFixed(1)} s`);
  const truth = Array.from({ length: NQ }, (_, q) => bruteForce(row(queries, q), K));
  let refHits = 0;
  const refLat = [];
  for (let q = 0; q < NQ; q++) {
    const s = performance.now();
    const r = await ref.sendCommand(['VSIM', 'ref', 'FP32', Buffer.from(row(queries, q).slice().buffer), 'COUNT', String(K), 'EF', String(EF_SEARCH)]);
    refLat.push(performance.now() - s);
    const want = new Set(truth[q].map((t) => t[0]));
    refHits += r.filter((id) => want.has(String(id))).length;
  }
  const refRecall = refHits / (NQ * K);
  log(`reference recall@10 ${refRecall.toFixed(4)}, p50 ${pct(refLat, 0.5).toFixed(2)} ms, p99 ${pct(refLat, 0.99).toFixed(2)} ms`);
  const refBytes = Number(await ref.sendCommand(['MEMORY', 'USAGE', 'ref']));
  rows.push({ setup: 'single node, 1 key', build: N / refBuildS, lat: refLat, recall: refRecall, bytes: refBytes / N });

  const nodes = ports.slice(0, 3).map((p) => `127.0.0.1:${p}`);
  const dbs = {};
  for (const S of [3, 6, 12]) {
    const db = await ClusterVectorDb.open({ redis: { nodes }, index: `docs${S}`, dimensions: DIM, shards: S, efConstruction: EF_BUILD });
    dbs[S] = db;
    start = Date.now();
    const entries = ids.map((id, i) => ({ id, vector: row(data, i) }));
    await db.insertBatch(entries, 512);
    const buildS = (Date.now() - start) / 1000;
    log(`S=${S}: loaded ${N} in ${buildS.toFixed(1)} s`);
    check(await db.len() === N, `S=${S}: sum of VCARD = ${N}`);
    check(db.shardKeys().every((k) => keySlot(k) === calculateSlot(k)), `S=${S}: keySlot() equals cluster-key-slot`);
    const owners = new Set(db.shardKeys().map((k) => db.cluster.slots[calculateSlot(k)].master.port));
    log(`S=${S}: shard keys on ${owners.size} masters`);
    let exact = 0, hits = 0;
    const lat = [];
    for (let q = 0; q < NQ; q++) {
      const v = Array.from(row(queries, q));
      const t = await db.searchWithStatus({ vector: v, k: K, truth: true });
      // The servers' similarity (1 + cos) / 2 becomes the distance 1 - cos = 2 - 2 * similarity.
      const same = !t.partial && t.hits.length === K && t.hits.every((h, i) => h.id === truth[q][i][0] && Math.abs(h.distance - (2 - 2 * truth[q][i][1])) < 2e-9);
      if (same) exact++;
      const s = performance.now();
      const a = await db.searchWithStatus({ vector: v, k: K, efSearch: EF_SEARCH, includeMetadata: false });
      lat.push(performance.now() - s);
      check(!a.partial, `S=${S}: no partial answer`);
      const want = new Set(truth[q].map((x) => x[0]));
      hits += a.hits.filter((h) => want.has(h.id)).length;
    }
    check(exact === NQ, `S=${S}: TRUTH fan-out equals brute force for ${exact}/${NQ} queries`);
    const recall = hits / (NQ * K);
    log(`S=${S}: fan-out recall@10 ${recall.toFixed(4)} (reference ${refRecall.toFixed(4)}), p50 ${pct(lat, 0.5).toFixed(2)} ms, p99 ${pct(lat, 0.99).toFixed(2)} ms`);
    check(recall >= refRecall - 0.005, `S=${S}: recall ${recall} within 0.5 pt of the single key ${refRecall}`);
    let bytes = 0;
    for (const k of db.shardKeys())
      bytes += Number(await db.cluster.sendCommand(k, true, ['MEMORY', 'USAGE', k]));
    rows.push({ setup: `3 masters + 3 replicas, S = ${S}`, build: N / buildS, lat, recall, bytes: bytes / N });
  }
  for (const S of [3, 12]) await dbs[S].close();

  // ---- the C++ client on the same index
  const tool = path.join(path.dirname(MODULE), 'ruvector-redis-cluster');
  const runTool = (args, input) => execFileSync(tool, args, { input, encoding: 'utf8', timeout: 120000, stdio: ['pipe', 'pipe', 'pipe'] });
  const slotKeys = ['foo', 'rv:{docs6#0}', 'rv:{docs6#5}', '{user1000}.following', 'a{}b', '{}x', 'x{y'];
  const slots = runTool(['keyslot', ...slotKeys]).trim().split('\n').map(Number);
  check(slotKeys.every((k, i) => slots[i] === Number(cli(ports[0], 'CLUSTER', 'KEYSLOT', k))), `C++ key_slot equals CLUSTER KEYSLOT (${slots})`);
  const nodeArg = ['--nodes', nodes.join(','), '--index', 'docs6'];
  check(Number(runTool([...nodeArg, 'size']).trim()) === N, 'C++ client: size = N');
  const cq = 50;
  const lines = runTool([...nodeArg, 'search', '--k', String(K), '--truth'], Buffer.from(queries.slice(0, cq * DIM).buffer)).trim().split('\n');
  let cppExact = 0;
  for (let q = 0; q < cq; q++) {
    const parts = (lines[q] || '').split(' ');
    const ok = parts.length === 2 * K && truth[q].every((t, i) => parts[2 * i] === t[0] && Math.abs(Number(parts[2 * i + 1]) - t[1]) < 1e-9);
    if (ok) cppExact++;
  }
  check(cppExact === cq, `C++ client: TRUTH fan-out equals brute force for ${cppExact}/${cq} queries`);
  log(`C++ client: TRUTH fan-out exact for ${cppExact}/${cq} queries`);

  // C++ get / delete / WAIT: an insert acknowledged by WAIT 1 is on the owner's replica.
  const elemId = 'cpp-wait-1', elemVec = [0.25, -1.5, 3, ...Array.from({ length: DIM - 3 }, (_, i) => i / 7)];
  const ins = runTool([...nodeArg, 'insert', elemId, '--vector', elemVec.join(','), '--attributes', '{"src":"cpp"}', '--wait', '1']);
  check(/acknowledged by [1-9]/.test(ins), `C++ insert acknowledged by WAIT 1 (${ins.trim().replace(/\n/g, ' | ')})`);
  const elemKey = dbs[6].shardKey(dbs[6].shardOf(elemId));
  const ownerPort = dbs[6].cluster.slots[calculateSlot(elemKey)].master.port;
  const replicaPort = ports.find((p) => p !== ownerPort && cli(p, 'INFO', 'replication').includes(`master_port:${ownerPort}`));
  const onReplica = execFileSync('redis-cli', ['-p', String(replicaPort)], { input: `READONLY\nVEMB ${elemKey} ${elemId}\n`, encoding: 'utf8' });
  check(onReplica.trim().split('\n').slice(1).map(Number).every((x, i) => Math.abs(x - Math.fround(elemVec[i])) < 1e-6) &&
        onReplica.trim().split('\n').length === DIM + 1, `the WAIT-acknowledged element is on replica ${replicaPort} right away`);
  const got = runTool([...nodeArg, 'get', elemId]).trim().split('\t');
  check(got[0] === elemId && got[1].split(',').map(Number).every((x, i) => Math.abs(x - Math.fround(elemVec[i])) < 1e-6) &&
        got[2] === '{"src":"cpp"}', `C++ get returns the vector and attributes (${got.join(' | ').slice(0, 80)})`);
  const nodeGot = await dbs[6].get(elemId);
  check(nodeGot && nodeGot.metadata.src === 'cpp', 'the Node client reads what the C++ client wrote');
  check(runTool([...nodeArg, 'delete', elemId, 'no-such-id', '--wait', '1']).startsWith(`${elemId} 1\nno-such-id 0\nacknowledged by`),
        'C++ delete reports removed / absent ids and WAITs');
  let getMissing = 0;
  try { runTool([...nodeArg, 'get', elemId]); } catch (e) { getMissing = e.status; }
  check(getMissing === 1 && (await dbs[6].get(elemId)) === null, 'after the C++ delete the element is gone');
  log('C++ client: get / delete / WAIT checked');

  await vectorDbFace(dbs[6], nodes);
  cliOnCluster(nodes);

  // ---- failover under a write load with WAIT 1
  const db = dbs[6];
  const victimKey = db.shardKey(0);
  const victimPort = db.cluster.slots[calculateSlot(victimKey)].master.port;
  const acked = [];
  let batches = 0, ackedBatches = 0, killed = false;
  const writerEnd = Date.now() + 14000;
  const wr = rng(3);
  start = Date.now();
  while (Date.now() < writerEnd) {
    const batch = [];
    for (let j = 0; j < 100; j++) batch.push({ id: `w${batches}-${j}`, vector: Array.from({ length: DIM }, () => wr.normal()) });
    batches++;
    try {
      await db.insertBatch(batch, 100);
      if (await db.waitReplicas(1, 2000) >= 1) { acked.push(...batch); ackedBatches++; }
    } catch { /* not acknowledged */ }
    if (!killed && Date.now() - start > 4000) {
      killed = true;
      procs.get(victimPort).kill('SIGKILL');
      log(`kill -9 master ${victimPort} (owner of ${victimKey})`);
    }
  }
  log(`writer: ${batches} batches, ${ackedBatches} acknowledged by WAIT 1`);
  for (const p of ports.filter((p) => p !== victimPort))
    await waitFor(`cluster_state:ok on ${p}`, () => cli(p, 'CLUSTER', 'INFO').includes('cluster_state:ok'));
  let lost = 0, wrong = 0;
  for (const e of acked) {
    const got = await db.get(e.id);
    if (!got) { lost++; continue; }
    const f = Float32Array.from(e.vector);
    if (got.vector.some((x, i) => Math.abs(x - f[i]) > 1e-6)) wrong++;
  }
  log(`after failover: ${acked.length} acknowledged elements, ${lost} lost, ${wrong} with a different vector`);
  check(ackedBatches > 10, 'enough acknowledged batches to mean something');
  check(lost === 0 && wrong === 0, 'every acknowledged element survives the failover with its vector');
  const newMaster = db.cluster.slots[calculateSlot(victimKey)].master.port;
  check(newMaster !== victimPort, `a replica (${newMaster}) took over shard 0`);

  // ---- rejoin as a replica, equal digests
  startServer(victimPort, true);
  await waitFor('the killed node rejoins as a replica', () => cli(victimPort, 'ROLE').startsWith('slave'));
  await waitFor('its sync', () => cli(victimPort, 'INFO', 'replication').includes('master_link_status:up'));
  await db.waitReplicas(1, 5000);
  const masterOfVictim = Number(cli(victimPort, 'INFO', 'replication').match(/master_port:(\d+)/)[1]);
  const keysThere = db.shardKeys().filter((k) => db.cluster.slots[calculateSlot(k)].master.port === masterOfVictim);
  await sleep(500);
  let equal = keysThere.length > 0;
  for (const k of keysThere) {
    const a = cli(masterOfVictim, 'DEBUG', 'DIGEST-VALUE', k), b = cli(victimPort, 'DEBUG', 'DIGEST-VALUE', k);
    if (a !== b || /^0+$/.test(a)) equal = false;
  }
  check(equal, `rejoined node ${victimPort}: digests of ${keysThere.length} shard keys equal its master's`);
  log(`rejoined as replica of ${masterOfVictim}; digests equal: ${equal}`);

  // ---- slot migration under query load
  const moveKey = db.shardKey(1), slot = calculateSlot(moveKey);
  const src = db.cluster.slots[slot].master.port;
  const masters = ports.filter((p) => cli(p, 'ROLE').startsWith('master'));
  const dst = masters.find((p) => p !== src);
  const id = (p) => cli(p, 'CLUSTER', 'MYID');
  const digestBefore = cli(src, 'DEBUG', 'DIGEST-VALUE', moveKey);
  const bytes = Number(cli(src, 'MEMORY', 'USAGE', moveKey));
  let queriesRun = 0, queriesFailed = 0, stop = false;
  const loader = (async () => {
    let q = 0;
    while (!stop) {
      try {
        const r = await db.searchWithStatus({ vector: Array.from(row(queries, q++ % NQ)), k: K, retryMs: 10000 });
        if (r.partial) queriesFailed++;
      } catch { queriesFailed++; }
      queriesRun++;
    }
  })();
  await sleep(300);
  cli(dst, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', id(src));
  cli(src, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', id(dst));
  const m0 = Date.now();
  const res = cli(src, 'MIGRATE', '127.0.0.1', String(dst), '', '0', '15000', 'KEYS', moveKey);
  const migrateMs = Date.now() - m0;
  for (const p of masters) cli(p, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', id(dst));
  await sleep(1000);
  stop = true;
  await loader;
  log(`MIGRATE of ${moveKey} (${bytes} bytes by MEMORY USAGE): ${res} in ${migrateMs} ms; ${queriesRun} queries during the move, ${queriesFailed} failed`);
  check(res === 'OK', 'MIGRATE OK');
  check(queriesFailed === 0 && queriesRun > 0, `no failed query during the migration (${queriesFailed}/${queriesRun})`);
  check(cli(dst, 'DEBUG', 'DIGEST-VALUE', moveKey) === digestBefore, 'the migrated key has the same digest');
  await db.close();
  await ref.quit();
  if (BENCH_OUT) writeBench();
}

// The VectorDb face of the cluster (what `new VectorDb({redis, index})` returns).
async function vectorDbFace(db, nodes) {
  const genres = ['jazz', 'rock', 'folk'];
  const tagged = Array.from({ length: 60 }, (_, i) => ({
    id: `tag${i}`, vector: Array.from(row(queries, i % NQ), (x) => x + 0.01 * i), metadata: { genre: genres[i % 3], year: 1990 + i },
  }));
  const ids = await db.insertBatch(tagged);
  check(ids.length === 60 && ids[59] === 'tag59', 'insertBatch returns the ids in order');
  const q = Array.from(row(queries, 5));
  const jazz = await db.search({ vector: q, k: 5, filter: '.genre == "jazz" and .year >= 2000', truth: true });
  const want = tagged.filter((e) => e.metadata.genre === 'jazz' && e.metadata.year >= 2000).map((e) => {
    let dot = 0, a = 0, b = 0;
    for (let j = 0; j < DIM; j++) { const x = Math.fround(e.vector[j]); dot += q[j] * x; a += q[j] * q[j]; b += x * x; }
    return [e.id, 1 - dot / Math.sqrt(a * b)];
  }).sort((x, y) => x[1] - y[1]).slice(0, 5);
  check(jazz.length === 5 && jazz.every((h, i) => h.id === want[i][0] && Math.abs(h.distance - want[i][1]) < 1e-6 &&
        h.score === h.distance && h.metadata.genre === 'jazz' && h.metadata.year >= 2000),
        `FILTER + TRUTH through the VectorDb face equals a JS brute force over the matching elements (${jazz.map((h) => h.id)})`);
  const withVec = await db.search({ vector: q, k: 3, includeVector: true, includeMetadata: false });
  const rec = await db.get(withVec[0].id);
  check(withVec.every((h) => h.vector instanceof Float32Array && h.vector.length === DIM && h.metadata === undefined) &&
        rec.vector.every((x, i) => x === withVec[0].vector[i]), 'includeVector returns the stored vectors, includeMetadata: false none');
  check((await db.get('tag7')).metadata.year === 1997, 'get returns the metadata');
  await db.insert({ id: 'tag7', vector: tagged[7].vector, metadata: { genre: 'pop' } });
  check((await db.get('tag7')).metadata.genre === 'pop', 'insert of an existing id replaces it');
  const before = await db.len();
  check(await db.delete('tag8') === true && await db.delete('tag8') === false && await db.len() === before - 1, 'delete: true, then false; len follows');
  const codeOf = async (fn) => { try { await fn(); return 'no error'; } catch (e) { return e.code; } };
  check(await codeOf(() => db.search({ vector: [1, 2, 3] })) === 'DIMENSION_MISMATCH', 'a short query vector is DIMENSION_MISMATCH');
  check(await codeOf(() => db.search({ vector: q, filter: { genre: 'jazz' } })) === 'INVALID_ARGUMENT', 'a JSON filter object is INVALID_ARGUMENT (FILTER expressions only)');
  check(await codeOf(() => db.search({ vector: q, filter: '.genre ==' })) === 'INVALID_ARGUMENT', 'a FILTER syntax error is INVALID_ARGUMENT');
  check(await codeOf(() => db.insert({ id: 'x', vector: q.map(() => NaN) })) === 'INVALID_ARGUMENT', 'NaN is INVALID_ARGUMENT');
  check(await codeOf(() => ClusterVectorDb.open({ redis: { nodes }, index: 'docs6', dimensions: 32 })) === 'INVALID_ARGUMENT', 'contradicting dimensions are INVALID_ARGUMENT');
  check(await codeOf(() => ClusterVectorDb.open({ redis: { nodes }, index: 'no-such-index' })) === 'NOT_FOUND', 'a missing index is NOT_FOUND');
  check(await codeOf(() => ClusterVectorDb.open({ redis: { nodes }, index: 'docs6', metric: 'euclidean' })) === 'UNSUPPORTED', 'metric other than cosine is UNSUPPORTED');
  const info = await db.info();
  check(info.count === await db.len() && info.cluster.shards === 6 && info.cluster.keys.length === 6 && info.dimensions === DIM &&
        info.cluster.keys.every((k) => k.master && k.slot === calculateSlot(k.key)) && info.memoryBytes > 0, 'info() describes the shard keys');
  const other = await ClusterVectorDb.open({ redis: { nodes: [nodes[2]] }, index: 'docs6' });
  check(other.dimensions === DIM && (await other.get('tag9')).metadata.genre === 'jazz', 'a second client opens the index from its metadata hash');
  await other.close();
  check(await codeOf(() => other.len()) === 'INVALID_ARGUMENT', 'a closed client rejects calls');
  for (const e of tagged) await db.delete(e.id);
  log('VectorDb face: filters, metadata, vectors, errors checked');
}

// The `ruvector` CLI on a redis:// index (the servers hold the index; files and vectors
// are parsed by the engine's record readers through a local backend: test-redis.sh).
function cliOnCluster(nodes) {
  const url = `redis://${nodes.join(',')}/clitest`;
  const bin = path.join(ROOT, 'npm/ruvector/bin/ruvector.mjs');
  const run = (...args) => {
    try {
      return { code: 0, out: execFileSync('node', [bin, ...args], { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e) {
      return { code: e.status, out: String(e.stdout), err: String(e.stderr) };
    }
  };
  const created = run('create', url, '--dimensions', '8', '--shards', '4', '--m', '12', '--json');
  check(created.code === 0 && JSON.parse(created.out).shards === 4, `CLI create ${url} (${created.err || ''})`);
  check(run('create', url, '--dimensions', '8').code === 2, 'CLI create of an existing index exits 2 (ALREADY_EXISTS)');
  const r = rng(11);
  const rowsIn = Array.from({ length: 300 }, (_, i) => ({ id: `c${i}`, vector: Array.from({ length: 8 }, () => Math.round(r.normal() * 1e4) / 1e4), metadata: { n: i } }));
  const file = path.join(WORK, 'cli.jsonl');
  fs.writeFileSync(file, rowsIn.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const imp = run('import', url, file, '--json');
  check(imp.code === 0 && JSON.parse(imp.out).count === 300, `CLI import of 300 rows (${imp.err || ''})`);
  check(run('insert', url, '--vector', '1,0,0,0,0,0,0,0', '--id', 'one', '--metadata', '{"n":-1}').code === 0, 'CLI insert');
  const qv = rowsIn[17].vector;
  const srch = run('search', url, '--vector', qv.join(','), '-k', '5', '--json');
  const hits = srch.code === 0 ? JSON.parse(srch.out).hits : [];
  const brute = [...rowsIn, { id: 'one', vector: [1, 0, 0, 0, 0, 0, 0, 0] }].map((e) => {
    let dot = 0, a = 0, b = 0;
    for (let j = 0; j < 8; j++) { const x = Math.fround(e.vector[j]), y = Math.fround(qv[j]); dot += x * y; a += y * y; b += x * x; }
    return [e.id, 1 - dot / Math.sqrt(a * b)];
  }).sort((x, y) => x[1] - y[1]).slice(0, 5);
  check(hits.length === 5 && hits.every((h, i) => h.id === brute[i][0] && Math.abs(h.score - brute[i][1]) < 1e-6) && hits[0].metadata.n === 17,
        `CLI search equals brute force (${hits.map((h) => h.id)} vs ${brute.map((b) => b[0])})`);
  const filtered = run('search', url, '--vector', qv.join(','), '-k', '3', '--filter', '.n >= 290', '--json');
  check(filtered.code === 0 && JSON.parse(filtered.out).hits.every((h) => h.metadata.n >= 290), 'CLI search --filter takes a FILTER expression');
  const got = run('get', url, 'c5', '--json');
  check(got.code === 0 && JSON.parse(got.out).metadata.n === 5, 'CLI get');
  const del = run('delete', url, 'c5', 'nope', '--json');
  check(del.code === 0 && JSON.parse(del.out).count === 300, 'CLI delete');
  check(run('get', url, 'c5').code === 3, 'CLI get of a deleted id exits 3');
  const inf = run('info', url, '--json');
  const doc = inf.code === 0 ? JSON.parse(inf.out) : {};
  check(doc.count === 300 && doc.dimensions === 8 && doc.hnsw && doc.hnsw.m === 12 && doc.cluster.keys.length === 4, `CLI info (${inf.out.slice(0, 120)})`);
  check(run('info', `redis://${nodes[0]}/no-such`).code === 3, 'CLI on a missing index exits 3 (NOT_FOUND)');
  check(run('search', url, '--vector', '1,2', '--json').code === 2, 'CLI search with a wrong dimension exits 2');
  log('CLI on a redis:// index: create / import / insert / search / get / delete / info checked');
}

function cpuName() {
  try {
    const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (m) return m[1].trim();
  } catch { /* not Linux */ }
  return os.cpus()[0] ? os.cpus()[0].model : 'an unknown CPU';
}

function writeBench() {
  const base = pct(rows[0].lat, 0.5);
  const lines = [
    '# Scale-out benchmark: one key vs a fan-out over a Redis Cluster',
    '',
    `Generated by \`make bench\` (bindings/redis/client-node/test/cluster.mjs --bench) on ${new Date().toISOString().slice(0, 10)}, ` +
      `on ${cpuName()} (${os.cpus().length} vCPU, shared).`,
    `Data: ${N} x ${DIM}-d seeded vectors (32 clusters, each a 12-d subspace + noise), ${NQ} queries, k = ${K}, M 16, build EF ${EF_BUILD}, search EF ${EF_SEARCH}`,
    '(low on purpose, so recall differences show), NOQUANT, loopback, redis-server 7.0.15 with ruvector-redis.so; one client issuing one query at a time',
    '(QPS = 1 / mean latency). Build rate: 512 concurrent VADDs from one Node client. Memory: MEMORY USAGE summed over',
    'the keys, per element (masters only; each replica holds the same again). Ratio: fan-out p50 / single-key p50.',
    '',
    '| setup | build (elements/s) | p50 (ms) | p99 (ms) | QPS | recall@10 | bytes/element | p50 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const mean = r.lat.reduce((a, b) => a + b, 0) / r.lat.length;
    lines.push(`| ${r.setup} | ${Math.round(r.build)} | ${pct(r.lat, 0.5).toFixed(2)} | ${pct(r.lat, 0.99).toFixed(2)} | ${Math.round(1000 / mean)} | ${r.recall.toFixed(4)} | ${Math.round(r.bytes)} | ${(pct(r.lat, 0.5) / base).toFixed(2)} |`);
  }
  lines.push('', 'Timing numbers are noisy on a shared machine; compare the rows of one run, not runs.', '');
  fs.writeFileSync(BENCH_OUT, lines.join('\n'));
  log(`wrote ${BENCH_OUT}`);
}

main().then(() => {
  stopAll();
  if (failures.length) { console.log(`${failures.length} check(s) failed`); process.exit(1); }
  console.log('redis cluster: all checks passed');
}, (e) => {
  console.error(e);
  stopAll();
  process.exit(1);
});
