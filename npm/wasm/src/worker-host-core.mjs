// The worker side of @ruvector/wasm/worker: holds one database and answers the
// requests of worker-client.mjs (see the protocol there).
export function serve(api, port) {
  let db = null;

  const need = () => {
    if (!db) {
      const e = new Error('INVALID_ARGUMENT: the database is closed; create or load a new one');
      e.code = 'INVALID_ARGUMENT';
      throw e;
    }
    return db;
  };
  const resultTransfer = (hits) => hits.filter((h) => h.vector).map((h) => h.vector.buffer);
  const describeDb = async () => {
    const i = await db.info();
    return { dimensions: i.dimensions, metric: i.metric, index: i.index };
  };

  const ops = {
    async open(args) {
      db = new api.VectorDb(...args);
      return describeDb();
    },
    async deserialize([bytes]) {
      db = await api.VectorDb.deserialize(bytes);
      return describeDb();
    },
    async loadFromIndexedDB([name]) {
      db = await api.VectorDb.loadFromIndexedDB(name);
      return describeDb();
    },
    insert: ([e]) => need().insert(e),
    async insertBatch([{ packed, lens, ids, metas }]) {
      const entries = new Array(lens.length);
      let at = 0;
      for (let i = 0; i < lens.length; i++) {
        const e = { vector: packed.subarray(at, at + lens[i]) };
        at += lens[i];
        if (ids[i] !== undefined) e.id = ids[i];
        if (metas[i] !== undefined) e.metadata = metas[i];
        entries[i] = e;
      }
      return need().insertBatch(entries);
    },
    async search([q]) {
      const hits = await need().search(q);
      return { value: hits, transfer: resultTransfer(hits) };
    },
    async searchBatch([qs]) {
      const lists = await need().searchBatch(qs);
      return { value: lists, transfer: lists.flatMap(resultTransfer) };
    },
    async get([id]) {
      const r = await need().get(id);
      return { value: r, transfer: r ? [r.vector.buffer] : [] };
    },
    delete: ([id]) => need().delete(id),
    len: () => need().len(),
    isEmpty: () => need().isEmpty(),
    info: () => need().info(),
    async serialize() {
      const b = await need().serialize();
      return { value: b, transfer: [b.buffer] };
    },
    saveToIndexedDB: ([name]) => need().saveToIndexedDB(name),
    async runtime() {
      const r = await api.ready();
      return r;
    },
    async close() {
      if (db) await db.close();
      db = null;
      return true;
    },
  };

  port.onMessage(async (m) => {
    const { id, op, args } = m;
    try {
      const f = ops[op];
      if (!f) throw Object.assign(new Error(`INVALID_ARGUMENT: unknown operation '${op}'`), { code: 'INVALID_ARGUMENT' });
      const r = await f(args || []);
      if (r && typeof r === 'object' && 'transfer' in r && 'value' in r && Object.keys(r).length === 2) {
        port.post({ id, ok: true, value: r.value }, r.transfer);
      } else {
        port.post({ id, ok: true, value: r }, []);
      }
    } catch (e) {
      port.post({ id, ok: false, error: { name: e && e.name, message: e && e.message ? e.message : String(e), code: e && e.code } }, []);
    }
  });
}
