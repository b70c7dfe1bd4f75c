// Hostile calls from JS (docs/storage.md "Faults"): fast-check throws random call
// sequences with random, often hostile arguments at the `ruvector` facade — wrong types,
// huge and negative numbers, NaN, sparse arrays, Proxies, getters that throw, cyclic and
// deep metadata, closed handles, close() racing other calls. The backend comes from
// RUVECTOR_BACKEND (scripts/test-hostile.sh runs this file once per backend).
//
// Properties, for every sequence:
//   - every call settles within a deadline (no hang) and the process survives (no crash,
//     no abort);
//   - a call that fails rejects/throws an Error whose .code is one of the public codes,
//     or rethrows the very exception a user getter/Proxy threw; never INTERNAL, never a
//     code-less engine error;
//   - the database equals a model kept here: a failed call changes nothing, a valid call
//     does what the contract says, a hostile call that succeeds is read back and checked
//     against what it claimed (ids returned, delete's boolean).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
// RUVECTOR_FACADE_DIR: another checkout's npm/ruvector (for trying the test elsewhere).
const facadeDir = process.env.RUVECTOR_FACADE_DIR || path.join(repo, 'npm/ruvector');
const rv = createRequire(path.join(facadeDir, 'package.json'))('./index.js');

const BACKEND = process.env.RUVECTOR_BACKEND;
const CODES = new Set([
  'INVALID_ARGUMENT', 'DIMENSION_MISMATCH', 'NOT_FOUND', 'ALREADY_EXISTS', 'CORRUPTION', 'IO_ERROR',
  'UNSUPPORTED', 'RESOURCE_EXHAUSTED', 'LOCKED',
]);
const DIM = 4;
const DEADLINE_MS = 20000;
const RUNS = Number(process.env.RUVECTOR_HOSTILE_RUNS || 150);
const SEED = Number(process.env.RUVECTOR_HOSTILE_SEED || 0x5eed);

// Errors thrown on purpose by hostile arguments: the facade may pass them through.
class UserBoom extends Error {}

// ---- hostile values ----
// Objects that throw when touched (Proxies, getters) or cannot be walked (cycles) are
// generated as Lazy recipes and built at the call: fast-check inspects the values it
// generates, and must not trip over them itself.

class Lazy {
  constructor(make) { this.make = make; }
  toString() { return `lazy(${this.make.toString().slice(0, 60)})`; }
}
const lazy = (make) => fc.constant(new Lazy(make));
// The argument a generated {v, ok} stands for.
const V = (x) => (x.v instanceof Lazy ? x.v.make() : x.v);

function throwingGetterObject(fields) {
  const o = {};
  for (const f of fields) Object.defineProperty(o, f, { enumerable: true, get() { throw new UserBoom(`getter ${f}`); } });
  return o;
}
function throwingProxy() {
  return new Proxy({}, {
    get() { throw new UserBoom('proxy get'); },
    has() { throw new UserBoom('proxy has'); },
    ownKeys() { throw new UserBoom('proxy ownKeys'); },
    getOwnPropertyDescriptor() { throw new UserBoom('proxy gopd'); },
    getPrototypeOf() { throw new UserBoom('proxy getPrototypeOf'); },
  });
}
function cyclic() {
  const o = { a: 1 };
  o.self = o;
  return o;
}
function deep(n) {
  let o = { leaf: true };
  for (let i = 0; i < n; i++) o = { d: o };
  return o;
}
function sparse(len) {
  const a = new Array(len);
  a[0] = 1;
  return a;
}

const weirdNumber = fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e308,
  -1e308, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2);
const hostileScalar = fc.oneof(
  weirdNumber,
  fc.constantFrom(undefined, null, true, false, '', 'x', '4', Symbol('s'), 10n, () => 1, [], {}, new Date(0), /re/),
);
const hostileVector = fc.oneof(
  hostileScalar,
  lazy(() => sparse(DIM)),
  lazy(() => [1, 2, NaN, 4]),
  lazy(() => [1, 2, Infinity, 4]),
  lazy(() => ['1', '2', '3', '4']),
  lazy(() => new Float32Array(DIM + 1)),
  lazy(() => new Float32Array(0)),
  lazy(() => new Float64Array([1, 2, 3, 4])),
  lazy(() => new Int8Array([1, 2, 3, 4])),
  lazy(() => new Uint8Array(16)),
  lazy(() => new Float32Array(100000)),
  lazy(() => throwingProxy()),
  lazy(() => new Proxy([1, 2, 3, 4], { get(t, k) { if (k === '2') throw new UserBoom('elem'); return t[k]; } })),
  lazy(() => { const a = [1, 2, 3, 4]; Object.defineProperty(a, 1, { get() { throw new UserBoom('idx'); } }); return a; }),
  lazy(() => ({ length: DIM, 0: 1, 1: 2, 2: 3, 3: 4 })),
  lazy(() => { const a = new Float32Array(8); return new Float32Array(a.buffer, 4, DIM); }),
);
const hostileMetadata = fc.oneof(
  hostileScalar,
  lazy(() => cyclic()),
  lazy(() => deep(5000)),
  lazy(() => ({ big: 10n })),
  lazy(() => ({ f: () => 1 })),
  lazy(() => ({ s: Symbol('x') })),
  lazy(() => throwingGetterObject(['a'])),
  lazy(() => throwingProxy()),
  lazy(() => ({ toJSON() { throw new UserBoom('toJSON'); } })),
  lazy(() => ({ n: NaN, i: Infinity })),
  lazy(() => JSON.parse('{"__proto__": {"polluted": 1}}')),
  lazy(() => ({ long: 'x'.repeat(1 << 20) })),
);
const hostileId = fc.oneof(hostileScalar, fc.constantFrom('x'.repeat(512), 'x'.repeat(100000), '\u0000', '\ud800', 'é'),
  lazy(() => throwingProxy()), lazy(() => ({ toString() { throw new UserBoom('toString'); } })));
const hostileFilter = fc.oneof(hostileScalar, lazy(() => cyclic()), lazy(() => deep(5000)),
  fc.constantFrom({ $bogus: 1 }, { a: { $in: 5 } }, { $and: 'x' }, { a: { $gt: {} } }, { $or: [] }),
  lazy(() => throwingProxy()));

// ---- valid values ----

const finite = fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true });
const validVector = fc.array(finite, { minLength: DIM, maxLength: DIM }).filter((v) => v.some((x) => x !== 0));
const validId = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), fc.string({ minLength: 1, maxLength: 12 }));
const validMetadata = fc.oneof(fc.constant(undefined), fc.constant(null),
  fc.dictionary(fc.constantFrom('k', 'n', 's'), fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 8 }), fc.boolean())));

// ---- commands ----
// Each: { kind, valid, args }. valid === true: the contract says the call succeeds.

const maybe = (valid, hostile) => fc.oneof({ weight: 3, arbitrary: valid.map((v) => ({ v, ok: true })) },
  { weight: 2, arbitrary: hostile.map((v) => ({ v, ok: false })) });

const insertCmd = fc.record({ id: maybe(validId, hostileId), vector: maybe(validVector, hostileVector), metadata: maybe(validMetadata, hostileMetadata), shape: fc.constantFrom('plain', 'plain', 'plain', 'getter', 'proxy', 'notobject') })
  .map((a) => ({ kind: 'insert', ...a }));
const batchCmd = fc.record({ entries: fc.array(fc.record({ id: maybe(validId, hostileId), vector: maybe(validVector, hostileVector), metadata: maybe(validMetadata, hostileMetadata) }), { maxLength: 6 }), shape: fc.constantFrom('array', 'array', 'sparse', 'notarray', 'proxy') })
  .map((a) => ({ kind: 'insertBatch', ...a }));
const deleteCmd = maybe(validId, hostileId).map((id) => ({ kind: 'delete', id }));
const getCmd = maybe(validId, hostileId).map((id) => ({ kind: 'get', id }));
const searchCmd = fc.record({ vector: maybe(validVector, hostileVector), k: maybe(fc.integer({ min: 1, max: 20 }), hostileScalar), filter: maybe(fc.constant(undefined), hostileFilter), efSearch: maybe(fc.constant(undefined), hostileScalar) })
  .map((a) => ({ kind: 'search', ...a }));
const searchBatchCmd = fc.array(searchCmd, { maxLength: 3 }).map((qs) => ({ kind: 'searchBatch', qs }));
const simpleCmd = fc.constantFrom('len', 'isEmpty', 'info', 'serialize', 'checkpoint').map((kind) => ({ kind }));
const closeRaceCmd = fc.constant({ kind: 'closeRace' });
const command = fc.oneof(
  { weight: 5, arbitrary: insertCmd }, { weight: 2, arbitrary: batchCmd }, { weight: 2, arbitrary: deleteCmd },
  { weight: 2, arbitrary: getCmd }, { weight: 2, arbitrary: searchCmd }, { weight: 1, arbitrary: searchBatchCmd },
  { weight: 1, arbitrary: simpleCmd },
);

function shapeEntry(e, shape) {
  const plain = { vector: V(e.vector) };
  if (e.id !== undefined) plain.id = V(e.id);
  if (V(e.metadata) !== undefined || !e.metadata.ok) plain.metadata = V(e.metadata);
  switch (shape) {
    case 'getter': return throwingGetterObject(['id', 'vector', 'metadata']);
    case 'proxy': return throwingProxy();
    case 'notobject': return 'entry';
    default: return plain;
  }
}
const entryValid = (e) => e.id.ok && e.vector.ok && e.metadata.ok;

// ---- running ----

function withDeadline(promiseOrValue, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not settle within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([Promise.resolve(promiseOrValue), deadline]).finally(() => clearTimeout(timer));
}

// Runs `fn` (sync throw or async rejection); returns { ok, value } or { ok: false, error }.
async function settle(fn, what) {
  try {
    return { ok: true, value: await withDeadline((async () => fn())(), what) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('HANG:')) throw error;
    if (error instanceof UserBoom) return { ok: false, error, user: true };
    assert.ok(error instanceof Error, `${what}: threw a non-Error ${String(error)}`);
    assert.ok(CODES.has(error.code), `${what}: error without a public code: code=${error.code} ${error.stack}`);
    return { ok: false, error };
  }
}

const key = (id) => String(id);
const f32 = (v) => Array.from(Float32Array.from(v));

async function checkEqualsModel(db, model, where) {
  const n = await withDeadline(db.len(), 'len');
  assert.equal(n, model.size, `${where}: len() ${n} but the model holds ${model.size}`);
  for (const [id, want] of model) {
    const got = await withDeadline(db.get(id), 'get');
    assert.ok(got, `${where}: '${id}' is missing`);
    assert.deepEqual(Array.from(got.vector), want.vector, `${where}: vector of '${id}'`);
    assert.deepEqual(got.metadata ?? null, want.metadata ?? null, `${where}: metadata of '${id}'`);
  }
}

async function runCommand(db, model, cmd) {
  const what = `${cmd.kind}`;
  switch (cmd.kind) {
    case 'insert': {
      const arg = shapeEntry(cmd, cmd.shape);
      const valid = cmd.shape === 'plain' && entryValid(cmd);
      const r = await settle(() => db.insert(arg), what);
      if (valid) assert.ok(r.ok, `valid insert failed: ${r.error && r.error.stack}`);
      if (r.ok) {
        assert.equal(typeof r.value, 'string', 'insert resolves with the id');
        const rec = await db.get(r.value);
        assert.ok(rec, `insert acknowledged '${r.value}' but get() finds nothing`);
        if (valid) {
          assert.equal(r.value, key(V(cmd.id)));
          assert.deepEqual(Array.from(rec.vector), f32(V(cmd.vector)));
        }
        model.set(r.value, { vector: Array.from(rec.vector), metadata: rec.metadata ?? null });
      }
      return;
    }
    case 'insertBatch': {
      let arg = cmd.entries.map((e) => shapeEntry(e, 'plain'));
      if (cmd.shape === 'sparse') { arg = arg.slice(); arg.length += 2; }
      if (cmd.shape === 'notarray') arg = { length: arg.length };
      if (cmd.shape === 'proxy') arg = throwingProxy();
      const valid = cmd.shape === 'array' && cmd.entries.every(entryValid);
      const r = await settle(() => db.insertBatch(arg), what);
      if (valid) assert.ok(r.ok, `valid insertBatch failed: ${r.error && r.error.stack}`);
      if (r.ok) {
        assert.ok(Array.isArray(r.value), 'insertBatch resolves with the ids');
        for (const id of new Set(r.value)) {
          const rec = await db.get(id);
          assert.ok(rec, `insertBatch acknowledged '${id}' but get() finds nothing`);
          model.set(id, { vector: Array.from(rec.vector), metadata: rec.metadata ?? null });
        }
      }
      return;
    }
    case 'delete': {
      const r = await settle(() => db.delete(V(cmd.id)), what);
      if (cmd.id.ok) assert.ok(r.ok, `valid delete failed: ${r.error && r.error.stack}`);
      if (r.ok) {
        const k = key(V(cmd.id));
        assert.equal(r.value, model.has(k), `delete('${k}') returned ${r.value}`);
        model.delete(k);
      }
      return;
    }
    case 'get': {
      const r = await settle(() => db.get(V(cmd.id)), what);
      if (cmd.id.ok) assert.ok(r.ok, `valid get failed: ${r.error && r.error.stack}`);
      if (r.ok && cmd.id.ok) assert.equal(r.value !== null, model.has(key(V(cmd.id))));
      return;
    }
    case 'search': {
      const q = { vector: V(cmd.vector), k: V(cmd.k) };
      if (V(cmd.filter) !== undefined || !cmd.filter.ok) q.filter = V(cmd.filter);
      if (V(cmd.efSearch) !== undefined || !cmd.efSearch.ok) q.efSearch = V(cmd.efSearch);
      const valid = cmd.vector.ok && cmd.k.ok && cmd.filter.ok && cmd.efSearch.ok;
      const r = await settle(() => db.search(q), what);
      if (valid) {
        assert.ok(r.ok, `valid search failed: ${r.error && r.error.stack}`);
        assert.equal(r.value.length, Math.min(V(cmd.k), model.size));
        for (const h of r.value) assert.ok(model.has(h.id), `search returned unknown id '${h.id}'`);
      }
      return;
    }
    case 'searchBatch': {
      const qs = cmd.qs.map((c) => ({ vector: V(c.vector), k: V(c.k) }));
      const valid = cmd.qs.every((c) => c.vector.ok && c.k.ok);
      const r = await settle(() => db.searchBatch(qs), what);
      if (valid) assert.ok(r.ok, `valid searchBatch failed: ${r.error && r.error.stack}`);
      return;
    }
    default: {
      const r = await settle(() => db[cmd.kind](), what);
      if (cmd.kind !== 'checkpoint' || BACKEND === 'native') assert.ok(r.ok, `${cmd.kind} failed: ${r.error && r.error.stack}`);
      if (cmd.kind === 'len') assert.equal(r.value, model.size);
    }
  }
}

describe(`hostile calls through the ruvector facade (RUVECTOR_BACKEND=${BACKEND})`, () => {
  // Hostile options may name a storagePath ('x', '4', ...): work in a scratch folder.
  let scratch;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-hostile-'));
    process.chdir(scratch);
  });
  after(() => {
    process.chdir(here);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('loads the requested backend', async () => {
    const b = await rv.ready();
    assert.equal(b.name, BACKEND);
  });

  it('random call sequences with hostile arguments: coded errors only, contents equal the model', async () => {
    await rv.ready();
    let sequences = 0;
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), fc.constantFrom('euclidean', 'cosine', 'dot'),
        async (cmds, metric) => {
          const db = new rv.VectorDb({ dimensions: DIM, distanceMetric: metric });
          const model = new Map();
          try {
            for (const cmd of cmds) {
              // cosine refuses zero vectors is not part of this model: valid vectors are non-zero.
              await runCommand(db, model, cmd);
              ++calls;
            }
            await checkEqualsModel(db, model, 'after the sequence');
          } finally {
            await withDeadline(db.close(), 'close');
          }
          ++sequences;
        }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`hostile: ${sequences} sequences, ${calls} calls (backend ${BACKEND}, seed ${SEED})`);
  });

  it('hostile constructor options: coded errors only', async () => {
    const opt = fc.oneof(hostileScalar, fc.record({ dimensions: hostileScalar }), fc.record({ dimensions: fc.constant(DIM), distanceMetric: hostileScalar }),
      fc.record({ dimensions: fc.constant(DIM), hnswConfig: fc.oneof(hostileScalar, fc.record({ m: hostileScalar, efConstruction: hostileScalar, efSearch: hostileScalar })) }),
      lazy(() => throwingProxy()), lazy(() => throwingGetterObject(['dimensions'])),
      fc.record({ dimensions: fc.constant(DIM), storagePath: hostileScalar }));
    await fc.assert(fc.asyncProperty(opt, async (o) => {
      const r = await settle(async () => {
        const db = new rv.VectorDb(o instanceof Lazy ? o.make() : o);
        await db.ready;
        return db;
      }, 'new VectorDb');
      if (r.ok) await withDeadline(r.value.close(), 'close');
    }), { numRuns: 200, seed: SEED });
  });

  it('closed handles and close() racing other calls: every call settles, with a result or a coded error', async () => {
    const rawCall = (db, cmd) => {
      switch (cmd.kind) {
        case 'insert': return () => db.insert(shapeEntry(cmd, cmd.shape));
        case 'search': return () => db.search({ vector: V(cmd.vector), k: V(cmd.k) });
        case 'get': return () => db.get(V(cmd.id));
        case 'delete': return () => db.delete(V(cmd.id));
        default: return () => db[cmd.kind]();
      }
    };
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(insertCmd, searchCmd, getCmd, deleteCmd, simpleCmd), { minLength: 1, maxLength: 12 }), fc.nat(12),
      async (cmds, closeAt) => {
        const db = new rv.VectorDb({ dimensions: DIM, distanceMetric: 'euclidean' });
        // Fire everything without awaiting, with close() somewhere in the middle: each
        // settles (settle() checks the code of a failure).
        const pending = [];
        cmds.forEach((cmd, i) => {
          if (i === closeAt) pending.push(settle(() => db.close(), 'close'));
          pending.push(settle(rawCall(db, cmd), cmd.kind));
        });
        pending.push(settle(() => db.close(), 'close'));
        const results = await Promise.all(pending);
        for (const r of results.slice(-1)) assert.ok(r.ok, 'close() failed');
        // A closed handle refuses everything, with a code.
        for (const call of [() => db.len(), () => db.insert({ vector: [1, 2, 3, 4] }), () => db.search({ vector: [1, 2, 3, 4] }), () => db.get('a'), () => db.delete('a'), () => db.serialize()]) {
          const r = await settle(call, 'call on a closed handle');
          assert.equal(r.ok, false, 'a closed handle accepted a call');
          assert.equal(r.error.code, 'INVALID_ARGUMENT');
        }
      }), { numRuns: 60, seed: SEED });
  });

  it('the wasm heap running out is RESOURCE_EXHAUSTED, not an abort, and the database stays usable', { skip: BACKEND !== 'wasm' && 'wasm backend only (the native backend has no fixed heap limit)' }, async () => {
    const dim = 65536;  // 256 KiB a vector: the 2 GB heap fills after about 8,000
    const db = new rv.VectorDb({ dimensions: dim, distanceMetric: 'euclidean', index: 'flat' });
    const v = new Float32Array(dim).fill(0.5);
    const batch = [];
    for (let i = 0; i < 256; i++) batch.push({ vector: v });
    let stored = 0;
    let failure = null;
    for (let round = 0; round < 100 && !failure; round++) {
      const r = await settle(() => db.insertBatch(batch), 'insertBatch');
      if (r.ok) stored += r.value.length;
      else failure = r.error;
    }
    assert.ok(failure, `the heap never ran out after ${stored} vectors of ${dim} floats`);
    assert.equal(failure.code, 'RESOURCE_EXHAUSTED', failure.stack);
    console.log(`wasm out of memory after ${stored} vectors of ${dim} floats: ${failure.message}`);
    // Still usable: the failed batch left nothing behind.
    assert.equal(await db.len(), stored);
    const hits = await db.search({ vector: v, k: 1 });
    assert.equal(hits.length, 1);
    await db.close();
  });
});
