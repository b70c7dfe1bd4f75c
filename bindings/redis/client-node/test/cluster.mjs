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
//      CLUSTER KEYSLOT, size = N, TRUTH fan-out equals brute force
// Usage: node cluster.mjs MODULE_SO WORKDIR BASE_PORT [--bench OUT.md]
// --bench also writes the scale-out benchmark table (build rate, search latency and QPS,
// recall, memory per vector; single key vs fan-out) to OUT.md.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { RedisVectorDb } = require('../index.js');
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
    const db = await new RedisVectorDb({ redis: { nodes }, index: `docs${S}`, dimensions: DIM, shards: S, efConstruction: EF_BUILD }).connect();
    dbs[S] = db;
    start = Date.now();
    const entries = ids.map((id, i) => ({ id, vector: row(data, i) }));
    await db.insertBatch(entries, 512);
    const buildS = (Date.now() - start) / 1000;
    log(`S=${S}: loaded ${N} in ${buildS.toFixed(1)} s`);
    check(await db.len() === N, `S=${S}: sum of VCARD = ${N}`);
    const owners = new Set(db.shardKeys().map((k) => db.cluster.slots[calculateSlot(k)].master.port));
    log(`S=${S}: shard keys on ${owners.size} masters`);
    let exact = 0, hits = 0;
    const lat = [];
    for (let q = 0; q < NQ; q++) {
      const v = Array.from(row(queries, q));
      const t = await db.search({ vector: v, k: K, truth: true });
      const same = !t.partial && t.hits.length === K && t.hits.every((h, i) => h.id === truth[q][i][0] && Math.abs(h.score - truth[q][i][1]) < 1e-9);
      if (same) exact++;
      const s = performance.now();
      const a = await db.search({ vector: v, k: K, efSearch: EF_SEARCH });
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
  const runTool = (args, input) => execFileSync(tool, args, { input, encoding: 'utf8', timeout: 120000 });
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
        const r = await db.search({ vector: Array.from(row(queries, q++ % NQ)), k: K, retryMs: 10000 });
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

function writeBench() {
  const base = pct(rows[0].lat, 0.5);
  const lines = [
    '# Scale-out benchmark: one key vs a fan-out over a Redis Cluster',
    '',
    `Generated by \`make bench\` (bindings/redis/client-node/test/cluster.mjs --bench) on ${new Date().toISOString().slice(0, 10)}.`,
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
