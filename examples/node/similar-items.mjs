#!/usr/bin/env node
// Similar-item search over Fashion-MNIST with `ruvector`: index clothing images as
// 784-d vectors, then ask for the items most similar to a test image. The labels make
// the result visible: the neighbours of a sneaker are sneakers.
//
//   npm install ruvector                       (in your project)
//   apt-get install dataset-fashion-mnist      (Debian: the images and labels)
//   node similar-items.mjs [--train 20000] [--queries 500] [--k 10] [--json]
//
// Runs on whichever backend loads (native @ruvector/core, else @ruvector/wasm);
// RUVECTOR_BACKEND=wasm node similar-items.mjs runs the WebAssembly engine.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { VectorDb, getBackend, ready } from 'ruvector';

const DATA = process.env.FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
const LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const SNEAKER = 7;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const TRAIN = opt('train', 20000);
const QUERIES = opt('queries', 500);
const K = opt('k', 10);
const JSON_OUT = args.includes('--json');
const log = (...a) => { if (!JSON_OUT) console.log(...a); };

// IDX files (gzip): images are u8 pixels, row-major 28x28; labels are u8 class numbers.
function readIdx(name) {
  const file = `${DATA}/${name}`;
  if (!fs.existsSync(file)) {
    console.error(`${file} is missing: apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR)`);
    process.exit(1);
  }
  const buf = zlib.gunzipSync(fs.readFileSync(file));
  const dims = buf[3];
  const shape = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  return { shape, data: buf.subarray(4 + 4 * dims) };
}

function images(name, limit) {
  const { shape, data } = readIdx(name);
  const n = Math.min(shape[0], limit);
  const size = shape[1] * shape[2];
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(size);
    for (let j = 0; j < size; j++) v[j] = data[i * size + j] / 255;
    out[i] = v;
  }
  return out;
}
const labels = (name, limit) => Array.from(readIdx(name).data.subarray(0, limit));

// A 28x28 image as 14 lines of 14 shaded characters.
function ascii(v) {
  const shades = ' .:-=+*#%@';
  const rows = [];
  for (let y = 0; y < 28; y += 2) {
    let s = '';
    for (let x = 0; x < 28; x += 2) {
      const p = (v[y * 28 + x] + v[y * 28 + x + 1] + v[(y + 1) * 28 + x] + v[(y + 1) * 28 + x + 1]) / 4;
      s += shades[Math.min(9, Math.floor(p * 10))];
    }
    rows.push(s);
  }
  return rows;
}

const trainX = images('train-images-idx3-ubyte.gz', TRAIN);
const trainY = labels('train-labels-idx1-ubyte.gz', TRAIN);
const testX = images('t10k-images-idx3-ubyte.gz', QUERIES);
const testY = labels('t10k-labels-idx1-ubyte.gz', QUERIES);

await ready();
const backend = getBackend();
log(`ruvector backend: ${backend.name} (${backend.reason}), simd ${backend.simdLevel}, engine ${backend.version}`);

const db = new VectorDb({ dimensions: 784, metric: 'euclidean', hnswConfig: { m: 16, efConstruction: 100 } });
let t = performance.now();
await db.insertBatch(trainX.map((vector, i) => ({ id: `train-${i}`, vector, metadata: { label: LABELS[trainY[i]] } })));
const buildSeconds = (performance.now() - t) / 1000;
log(`indexed ${TRAIN} training images in ${buildSeconds.toFixed(1)} s`);

// 1. One sneaker from the test set, and what the database finds for it.
const q = testY.indexOf(SNEAKER);
const hits = await db.search({ vector: testX[q], k: K, includeMetadata: true });
log(`\nthe ${K} items most similar to test image #${q} (a ${LABELS[testY[q]]}):`);
for (const h of hits) log(`  ${h.id.padEnd(12)} ${h.metadata.label.padEnd(12)} distance ${h.score.toFixed(3)}`);
const pictures = [testX[q], ...hits.slice(0, 3).map((h) => trainX[Number(h.id.slice(6))])].map(ascii);
log(`\n  ${['query', '1st', '2nd', '3rd'].map((s) => s.padEnd(16)).join('')}`);
for (let r = 0; r < 14; r++) log(`  ${pictures.map((p) => `${p[r]}  `).join('')}`);

// 2. A metadata filter: the bags that look most like this sneaker.
const bags = await db.search({ vector: testX[q], k: 3, filter: { label: 'Bag' }, includeMetadata: true });
log(`\nthe 3 bags most like it: ${bags.map((h) => h.id).join(', ')}`);

// 3. Over many queries: how often do the neighbours share the query's label?
t = performance.now();
const results = await db.searchBatch(testX.map((vector) => ({ vector, k: K, includeMetadata: true })));
const searchSeconds = (performance.now() - t) / 1000;
let agree = 0;
let sneakerAgree = 0;
let sneakerTotal = 0;
const perClass = LABELS.map(() => ({ agree: 0, total: 0 }));
results.forEach((rs, i) => {
  const want = LABELS[testY[i]];
  const same = rs.filter((h) => h.metadata.label === want).length;
  agree += same;
  perClass[testY[i]].agree += same;
  perClass[testY[i]].total += rs.length;
  if (testY[i] === SNEAKER) {
    sneakerAgree += same;
    sneakerTotal += rs.length;
  }
});
const rate = agree / (results.length * K);
const sneakerRate = sneakerTotal ? sneakerAgree / sneakerTotal : null;
log(`\n${QUERIES} test images, ${K} neighbours each (${(QUERIES / searchSeconds).toFixed(0)} queries/s):`);
log(`  neighbours with the query's label: ${(rate * 100).toFixed(1)}% overall, ${(sneakerRate * 100).toFixed(1)}% for sneakers`);
for (let c = 0; c < LABELS.length; c++) {
  if (perClass[c].total) log(`  ${LABELS[c].padEnd(12)} ${((perClass[c].agree / perClass[c].total) * 100).toFixed(1)}%`);
}
await db.close();

if (JSON_OUT) {
  console.log(JSON.stringify({
    backend: { name: backend.name, simdLevel: backend.simdLevel, version: backend.version },
    train: TRAIN, queries: QUERIES, k: K, buildSeconds, searchSeconds,
    sneaker: { index: q, neighbours: hits.map((h) => ({ id: h.id, label: h.metadata.label, score: h.score })) },
    bags: bags.map((h) => h.metadata.label),
    labelAgreement: rate, sneakerLabelAgreement: sneakerRate,
    perClass: Object.fromEntries(LABELS.map((l, c) => [l, perClass[c].total ? perClass[c].agree / perClass[c].total : null])),
  }));
}
