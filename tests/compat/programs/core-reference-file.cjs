// compat: backends=native
// Pattern: an application upgraded from the reference system reopens the database
// file its old version wrote (fixtures from tests/data/reference/, written by the
// registry's @ruvector/core). The original file is never modified.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { VectorDb } = require('@ruvector/core');

async function main() {
  const dir = process.env.COMPAT_FIXTURES;
  assert.ok(dir && fs.existsSync(dir), `no reference fixtures at ${dir} (tests/data/reference/ is not in the repository yet)`);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.db'));
  assert.ok(files.length > 0, `no *.db reference files in ${dir}`);
  for (const f of files) {
    const expectPath = path.join(dir, f.replace(/\.db$/, '.json'));
    assert.ok(fs.existsSync(expectPath), `${f}: no ${path.basename(expectPath)} describing its contents`);
    const expect = JSON.parse(fs.readFileSync(expectPath, 'utf8'));
    fs.copyFileSync(path.join(dir, f), `./${f}`);
    const before = crypto.createHash('sha256').update(fs.readFileSync(`./${f}`)).digest('hex');
    const db = new VectorDb({ dimensions: expect.dimensions, storagePath: `./${f}` });
    if (typeof expect.count === 'number') assert.equal(await db.len(), expect.count, f);
    for (const probe of expect.probes || []) {
      const hits = await db.search({ vector: new Float32Array(probe.vector), k: probe.ids.length });
      assert.deepEqual(hits.map((h) => h.id), probe.ids, `${f}: nearest neighbours`);
    }
    if (typeof db.close === 'function') await db.close();
    const after = crypto.createHash('sha256').update(fs.readFileSync(`./${f}`)).digest('hex');
    assert.equal(after, before, `${f} was modified`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
