// The page's logic: `import ... from 'ruvector'` resolved by the import map in index.html.
import { VectorDb, getBackend, ready } from 'ruvector';

const NAMED = {
  black: '#000000', white: '#ffffff', red: '#ff0000', lime: '#00ff00', blue: '#0000ff', yellow: '#ffff00',
  cyan: '#00ffff', magenta: '#ff00ff', silver: '#c0c0c0', gray: '#808080', maroon: '#800000', olive: '#808000',
  green: '#008000', purple: '#800080', teal: '#008080', navy: '#000080', orange: '#ffa500', tomato: '#ff6347',
  coral: '#ff7f50', salmon: '#fa8072', crimson: '#dc143c', firebrick: '#b22222', gold: '#ffd700', khaki: '#f0e68c',
  chocolate: '#d2691e', sienna: '#a0522d', tan: '#d2b48c', wheat: '#f5deb3', orchid: '#da70d6', plum: '#dda0dd',
  violet: '#ee82ee', indigo: '#4b0082', turquoise: '#40e0d0', aquamarine: '#7fffd4', skyblue: '#87ceeb',
  steelblue: '#4682b4', royalblue: '#4169e1', slategray: '#708090', seagreen: '#2e8b57', forestgreen: '#228b22',
  chartreuse: '#7fff00', olivedrab: '#6b8e23', peru: '#cd853f', hotpink: '#ff69b4', deeppink: '#ff1493',
  lavender: '#e6e6fa', beige: '#f5f5dc', ivory: '#fffff0', mintcream: '#f5fffa', midnightblue: '#191970',
};

const hex = (r, g, b) => `#${[r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
const rgbOf = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

// sRGB -> CIELAB (D65): euclidean distance there approximates perceived difference.
function lab([r, g, b]) {
  const lin = (c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

function entries() {
  const out = Object.entries(NAMED).map(([name, h]) => ({ id: name, vector: lab(rgbOf(h)), metadata: { hex: h, named: true } }));
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24);
  const seen = new Set(Object.values(NAMED));
  while (out.length < 5050) {
    const h = hex(rnd(), rnd(), rnd());
    if (seen.has(h)) continue;
    seen.add(h);
    out.push({ id: h, vector: lab(rgbOf(h)), metadata: { hex: h, named: false } });
  }
  return out;
}

const $ = (id) => document.getElementById(id);
const STORE = 'ruvector-example-colours';

async function open() {
  try {
    return { db: await VectorDb.loadFromIndexedDB(STORE), source: 'IndexedDB' };
  } catch (e) {
    if (e.code !== 'NOT_FOUND') throw e;
  }
  const db = new VectorDb({ dimensions: 3, metric: 'euclidean' });
  await db.insertBatch(entries());
  await db.saveToIndexedDB(STORE);
  return { db, source: 'built (now saved)' };
}

async function search(db, h, namedOnly) {
  const t = performance.now();
  const hits = await db.search({ vector: lab(rgbOf(h)), k: 8, includeMetadata: true, filter: namedOnly ? { named: true } : undefined });
  return { hits, ms: performance.now() - t };
}

function show({ hits, ms }) {
  $('took').textContent = `${hits.length} results in ${ms.toFixed(2)} ms`;
  $('results').replaceChildren(...hits.map((h) => {
    const el = document.createElement('div');
    el.className = 'swatch';
    el.innerHTML = `<div style="background:${h.metadata.hex}"></div><p>${h.id}<br><small>distance ${h.score.toFixed(1)}</small></p>`;
    return el;
  }));
}

try {
  const backend = await ready();
  $('backend').textContent = `${backend.name} ${backend.version}`;
  $('simd').textContent = backend.simdLevel;
  $('reason').textContent = `getBackend(): ${backend.reason}`;
  const { db, source } = await open();
  $('count').textContent = String(await db.len());
  $('source').textContent = source;
  const run = async () => show(await search(db, $('pick').value, $('named').checked));
  $('pick').addEventListener('input', run);
  $('named').addEventListener('change', run);
  $('forget').addEventListener('click', async () => {
    await VectorDb.deleteIndexedDB(STORE);
    $('source').textContent = 'forgotten: reload to rebuild';
  });
  await run();
  window.example = { db, source, backend: getBackend(), search: (h, namedOnly = false) => search(db, h, namedOnly) };
  document.body.dataset.state = 'ready';
} catch (e) {
  document.body.dataset.state = 'error';
  $('backend').textContent = `error: ${e.message}`;
  throw e;
}
