// The worker side of @ruvector/wasm/worker: holds one database and runs the low-level
// driver calls that worker-client.mjs forwards (see the protocol there). Arguments arrive
// already checked by the JS contract on the main thread; results go back raw, and the
// client's VectorDb (the same contract class as everywhere) shapes them.
export function serve(api, port) {
  const driver = api.driver;
  let h = null;

  const need = () => {
    if (h === null) throw Object.assign(new Error('INVALID_ARGUMENT: the database is closed'), { code: 'INVALID_ARGUMENT' });
    return h;
  };
  const opened = (handle) => {
    h = handle;
    return { simdLevel: driver.simdLevel() };
  };
  // Raw hits carry their vectors as Float32Arrays: transfer their buffers.
  const hitsTransfer = (raw) => (raw[3] ? raw[3].map((v) => v.buffer) : []);

  const ops = {
    open: async ([engine]) => opened(await driver.open(engine)),
    deserialize: async ([bytes, engine]) => opened(await driver.deserialize(bytes, engine)),
    loadFromIndexedDB: async ([name]) => opened(await driver.idb.load(name)),
    insert: ([id, vector, meta]) => driver.insert(need(), id, vector, meta),
    insertBatch([ids, packed, lens, metas]) {
      const vectors = new Array(lens.length);
      let at = 0;
      for (let i = 0; i < lens.length; i++) {
        vectors[i] = packed.subarray(at, at + lens[i]);
        at += lens[i];
      }
      return driver.insertBatch(need(), ids, vectors, metas);
    },
    search(args) {
      const raw = driver.search(need(), ...args);
      return { value: raw, transfer: hitsTransfer(raw) };
    },
    searchBatch([queries]) {
      const lists = driver.searchBatch(need(), queries);
      return { value: lists, transfer: lists.flatMap(hitsTransfer) };
    },
    get([id]) {
      const r = driver.get(need(), id);
      return { value: r, transfer: r ? [r[1].buffer] : [] };
    },
    remove: ([id]) => driver.remove(need(), id),
    len: () => driver.len(need()),
    info: () => driver.info(need()),
    serialize() {
      const b = driver.serialize(need());
      return { value: b, transfer: [b.buffer] };
    },
    checkpoint: () => driver.checkpoint(need()),
    saveToIndexedDB: ([name]) => driver.idb.save(need(), name),
    runtime: () => api.ready(),
    close() {
      if (h !== null) driver.close(h);
      h = null;
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
