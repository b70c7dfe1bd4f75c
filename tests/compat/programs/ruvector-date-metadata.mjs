// compat: backends=native,wasm
// Pattern: application records stored as metadata, with Date fields and optional
// fields left undefined: stored as JSON.stringify would (ISO strings, no undefined).
import assert from 'node:assert/strict';
import { VectorDb } from 'ruvector';

const db = new VectorDb({ dimensions: 2 });
const createdAt = new Date('2026-03-01T12:30:00.000Z');
await db.insert({ id: 'note-1', vector: [1, 0], metadata: { title: 'first', createdAt, archivedAt: undefined, tags: ['a'] } });
const got = await db.get('note-1');
assert.deepEqual(got.metadata, { title: 'first', createdAt: '2026-03-01T12:30:00.000Z', tags: ['a'] });
assert.equal(new Date(got.metadata.createdAt).getTime(), createdAt.getTime());
const [hit] = await db.search({ vector: [1, 0], k: 1 });
assert.equal(hit.metadata.createdAt, createdAt.toISOString());
// What JSON.stringify refuses is a TypeError.
const cyclic = { name: 'loop' };
cyclic.self = cyclic;
await assert.rejects(db.insert({ id: 'bad', vector: [0, 1], metadata: cyclic }), TypeError);
await assert.rejects(db.insert({ id: 'big', vector: [0, 1], metadata: { n: 10n } }), TypeError);
assert.equal(await db.len(), 1, 'nothing half-inserted');
