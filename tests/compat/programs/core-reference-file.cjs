// compat: backends=native
// Pattern: an application upgraded from the reference system reopens the database file
// its old version wrote, with the options it always passed, reads everything back, keeps
// searching and inserting. Fixtures: tests/data/reference/<name>.redb.gz (files written
// by the registry's @ruvector/core) with <name>.expected.json listing their records
// ([id, gen, metadata]; the vector of gen is vec(gen, dimensions) below). The file the
// application had is never modified by opening and reading it.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const crypto = require('node:crypto');
const { VectorDb } = require('@ruvector/core');

function vec(gen, dims) {
  const v = new Float32Array(dims);
  for (let j = 0; j < dims; ++j) v[j] = (((gen * 31 + j * 7 + 3) % 97) - 48) / 8;
  return v;
}
const METRIC = { cosine: 'Cosine', euclidean: 'Euclidean', dot: 'DotProduct', dotproduct: 'DotProduct', manhattan: 'Manhattan' };
function distance(metric, a, b) {
  let s = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    if (metric === 'euclidean') s += (a[i] - b[i]) ** 2;
    else if (metric === 'manhattan') s += Math.abs(a[i] - b[i]);
    else { s += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  }
  if (metric === 'euclidean') return Math.sqrt(s);
  if (metric === 'manhattan') return s;
  if (metric === 'cosine') return na === 0 || nb === 0 ? 1 : 1 - s / Math.sqrt(na * nb);
  return -s;
}
const sha = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const parse = (m) => (typeof m === 'string' ? JSON.parse(m) : m);

async function main() {
  const dir = process.env.COMPAT_FIXTURES;
  assert.ok(dir && fs.existsSync(dir), `no reference fixtures at ${dir} (tests/data/reference/ is not in the repository yet)`);
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.redb.gz')).map((f) => f.slice(0, -8)).sort();
  assert.ok(names.length > 0, `no *.redb.gz reference files in ${dir}`);
  for (const name of names) {
    const expect = JSON.parse(fs.readFileSync(path.join(dir, `${name}.expected.json`), 'utf8'));
    const file = `./${name}.db`;
    fs.writeFileSync(file, zlib.gunzipSync(fs.readFileSync(path.join(dir, `${name}.redb.gz`))));
    const before = sha(file);
    const metric = expect.metric || 'cosine';
    const options = { dimensions: expect.dimensions, distanceMetric: METRIC[metric], storagePath: file };
    const db = new VectorDb(options);
    assert.equal(await db.len(), expect.records.length, `${name}: count`);
    for (const [id, gen, metadata] of expect.records) {
      const got = await db.get(id);
      assert.ok(got, `${name}: ${id} is missing`);
      assert.deepEqual(Array.from(got.vector), Array.from(vec(gen, expect.dimensions)), `${name}: ${id} vector`);
      if (metadata !== null && got.metadata !== undefined) assert.deepEqual(parse(got.metadata), metadata, `${name}: ${id} metadata`);
    }
    for (const [, gen] of expect.records.slice(0, 5)) {
      const q = vec(gen + 1000, expect.dimensions);
      const best = Math.min(...expect.records.map(([, g]) => distance(metric, q, vec(g, expect.dimensions))));
      const [hit] = await db.search({ vector: q, k: 1 });
      assert.ok(Math.abs(hit.score - best) <= 1e-3 * Math.max(1, Math.abs(best)), `${name}: nearest ${hit.score} vs ${best}`);
    }
    if (typeof db.close === "function") await db.close();
    assert.equal(sha(file), before, `${name}: opening and reading modified the file`);

    // The application keeps using its store.
    const again = new VectorDb(options);
    await again.insert({ id: 'added-after-upgrade', vector: vec(7, expect.dimensions) });
    assert.equal(await again.len(), expect.records.length + 1);
    if (typeof again.close === "function") await again.close();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
