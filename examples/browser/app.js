// The ruvector browser example: builds an HNSW index of a few thousand titles in
// WebAssembly and searches it as you type. No network access beyond this page.
// ?backend=baseline loads the build without SIMD (to compare).
import { VectorDb, ready, listIndexedDB } from '@ruvector/wasm';

const $ = (id) => document.getElementById(id);
const DIM = 256;
const N = 5000;

// ---- a synthetic corpus: titles from word lists, reproducible (fixed seed) ----
const TOPICS = {
  science: ['quantum physics', 'black holes', 'protein folding', 'climate models', 'particle accelerators', 'plate tectonics', 'gene editing', 'dark matter'],
  computing: ['machine learning', 'vector databases', 'compilers', 'distributed systems', 'web assembly', 'neural networks', 'graph algorithms', 'operating systems'],
  food: ['cooking pasta', 'sourdough bread', 'japanese ramen', 'vegan desserts', 'french pastry', 'street food', 'fermented vegetables', 'coffee roasting'],
  sport: ['marathon training', 'mountain climbing', 'chess openings', 'football tactics', 'tennis serves', 'cycling nutrition', 'yoga for runners', 'swimming technique'],
  arts: ['jazz history', 'renaissance painting', 'film noir', 'modern architecture', 'baroque music', 'street photography', 'poetry workshops', 'stage design'],
};
const PATTERNS = [
  (t, a) => `A ${a} introduction to ${t}`, (t, a) => `${cap(t)} for ${a} beginners`, (t) => `The hidden history of ${t}`,
  (t, a) => `${cap(a)} ideas in ${t}`, (t) => `Why ${t} matters now`, (t, a) => `${cap(t)}: a ${a} field guide`,
  (t) => `Ten lessons from ${t}`, (t, a) => `Notes on ${a} ${t}`, (t) => `${cap(t)} explained`, (t, a) => `The ${a} handbook of ${t}`,
];
const ADJ = ['practical', 'gentle', 'rigorous', 'visual', 'complete', 'modern', 'curious', 'hands-on', 'short', 'deep'];
const EDITION = ['in Lisbon', 'for kids', 'volume two', 'after midnight', 'on a budget', 'from scratch', 'in ten minutes',
  'for engineers', 'at home', 'in winter', 'with friends', 'the hard way', 'revisited', 'in pictures', 'for teams',
  'by example', 'in practice', 'on the road', 'for skeptics', 'in one weekend'];
function cap(s) { return s[0].toUpperCase() + s.slice(1); }
function rng(seed) { let s = seed >>> 0; return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; }; }

function corpus() {
  const r = rng(2024);
  const cats = Object.keys(TOPICS);
  const docs = [];
  const seen = new Set();
  while (docs.length < N) {
    const category = cats[Math.floor(r() * cats.length)];
    const topic = TOPICS[category][Math.floor(r() * TOPICS[category].length)];
    const base = PATTERNS[Math.floor(r() * PATTERNS.length)](topic, ADJ[Math.floor(r() * ADJ.length)]);
    const title = `${base}, ${EDITION[Math.floor(r() * EDITION.length)]}`;
    if (seen.has(title)) continue;
    seen.add(title);
    docs.push({ id: `doc-${docs.length}`, title, category, year: 1990 + Math.floor(r() * 35) });
  }
  return docs;
}

// ---- embedding: hashed character trigrams, L2-normalised (cosine friendly) ----
function embed(text) {
  const v = new Float32Array(DIM);
  const s = ` ${text.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()} `;
  for (let i = 0; i + 3 <= s.length; i++) {
    let h = 2166136261;
    for (let j = i; j < i + 3; j++) h = Math.imul(h ^ s.charCodeAt(j), 16777619);
    v[(h >>> 0) % DIM] += (h & 0x100) ? 1 : -1;
  }
  let n = 0;
  for (let i = 0; i < DIM; i++) n += v[i] * v[i];
  if (n === 0) v[0] = 1;
  else for (let i = 0; i < DIM; i++) v[i] /= Math.sqrt(n);
  return v;
}

let db = null;
let docs = [];
let seq = 0;

function fmtMs(ms) { return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`; }

async function search() {
  const q = $('query').value.trim();
  const category = $('category').value;
  const mySeq = ++seq;
  const body = $('results').querySelector('tbody');
  if (!q) {
    body.innerHTML = '';
    $('results').dataset.query = '';
    return;
  }
  const t0 = performance.now();
  const hits = await db.search({ vector: embed(q), k: 10, includeMetadata: true, filter: category ? { category } : undefined });
  const ms = performance.now() - t0;
  if (mySeq !== seq) return;  // a newer keystroke won
  $('search-time').textContent = fmtMs(ms);
  body.innerHTML = '';
  hits.forEach((h, i) => {
    const tr = document.createElement('tr');
    const cells = [String(i + 1), h.metadata.title, null, String(h.metadata.year), h.score.toFixed(4)];
    cells.forEach((text, c) => {
      const td = document.createElement('td');
      if (c === 2) {
        const tag = document.createElement('span');
        tag.className = 'tag';
        tag.textContent = h.metadata.category;
        td.appendChild(tag);
      } else td.textContent = text;
      if (c === 4) td.className = 'num';
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  $('results').dataset.query = q;
}

async function main() {
  const rt = await ready();
  $('simd').textContent = `${rt.simdLevel} (${rt.backend} build)`;
  docs = corpus();
  const t0 = performance.now();
  const entries = docs.map((d) => ({ id: d.id, vector: embed(d.title), metadata: { title: d.title, category: d.category, year: d.year } }));
  const t1 = performance.now();
  db = new VectorDb({ dimensions: DIM, metric: 'cosine' });
  await db.insertBatch(entries);
  const t2 = performance.now();
  const count = await db.len();
  $('count').textContent = count.toLocaleString('en');
  $('count').dataset.value = String(count);
  $('build-time').textContent = `${fmtMs(t2 - t1)}`;
  $('note').textContent = `Embedded ${N.toLocaleString('en')} titles in ${fmtMs(t1 - t0)}; HNSW insert ${Math.round(N / ((t2 - t1) / 1000)).toLocaleString('en')} vectors/s. ` +
    `Saved databases in this browser: ${(await listIndexedDB()).map((m) => `${m.name} (${m.count})`).join(', ') || 'none'}.`;
  for (const c of Object.keys(TOPICS)) $('category').add(new Option(c, c));
  for (const id of ['query', 'category', 'random', 'save', 'load']) $(id).disabled = false;
  $('query').addEventListener('input', search);
  $('category').addEventListener('change', search);
  $('random').addEventListener('click', () => {
    $('query').value = docs[Math.floor(Math.random() * docs.length)].title;
    search();
  });
  $('save').addEventListener('click', async () => {
    const t = performance.now();
    const m = await db.saveToIndexedDB('example');
    $('note').textContent = `Saved ${m.count} vectors (${(m.bytes / 1048576).toFixed(1)} MiB in ${m.chunks} chunk(s)) to IndexedDB in ${fmtMs(performance.now() - t)}.`;
  });
  $('load').addEventListener('click', async () => {
    const t = performance.now();
    try {
      const loaded = await VectorDb.loadFromIndexedDB('example');
      await db.close();
      db = loaded;
      $('note').textContent = `Loaded ${await db.len()} vectors from IndexedDB in ${fmtMs(performance.now() - t)}.`;
      search();
    } catch (e) {
      $('note').textContent = `${e.code}: ${e.message}`;
    }
  });
  $('status').textContent = 'ready';
  $('status').dataset.state = 'ready';
  $('query').focus();
}

if (new URLSearchParams(location.search).get('backend') === 'baseline') globalThis.RUVECTOR_WASM_FORCE_BASELINE = true;
main().catch((e) => {
  $('status').textContent = 'error';
  $('status').dataset.state = 'error';
  $('note').textContent = `${e.code || ''} ${e.message}`;
  console.error(e);
});
