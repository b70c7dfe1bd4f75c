// Reads the records of a portable snapshot (docs/file-format.md, format version 1)
// in JS: the `ruvector` bin enumerates a database (export --jsonl, bench) through
// db.serialize(), because the JS API has no iterator. The bytes come from the engine
// itself, so this reader checks structure, not checksums; anything unexpected is a
// CORRUPTION error rather than a crash.
import { CliError } from './importers.mjs';

const TAG = { SETT: 0x54544553, RECS: 0x53434552, INDX: 0x58444e49, END: 0x21444e45 };
const corrupt = (m) => new CliError('CORRUPTION', `snapshot: ${m}`);
const decoder = new TextDecoder();

/** {settings, count, dimensions, *records()} of snapshot bytes. */
export function readSnapshot(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 12 || decoder.decode(b.subarray(0, 8)) !== 'RUVECTOR') throw corrupt('bad magic');
  if (dv.getUint32(8, true) !== 1) throw corrupt(`unknown format version ${dv.getUint32(8, true)}`);
  let pos = 12;
  const sections = {};
  while (pos < b.length) {
    if (b.length - pos < 12) throw corrupt('truncated section header');
    const tag = dv.getUint32(pos, true);
    const len = Number(dv.getBigUint64(pos + 4, true));
    const start = pos + 12;
    if (start + len + 4 > b.length) throw corrupt('section beyond the end of the input');
    sections[tag] = { start, len };
    pos = start + len + 4;
    if (tag === TAG.END) break;
  }
  const sett = sections[TAG.SETT];
  const recs = sections[TAG.RECS];
  if (!sett || !recs) throw corrupt('missing SETT or RECS section');
  const settings = JSON.parse(decoder.decode(b.subarray(sett.start, sett.start + sett.len)));
  const count = Number(dv.getBigUint64(recs.start, true));
  const dimensions = dv.getUint32(recs.start + 8, true);
  const end = recs.start + recs.len;
  return {
    settings,
    count,
    dimensions,
    *records() {
      let p = recs.start + 12;
      for (let i = 0; i < count; i++) {
        if (p + 4 > end) throw corrupt(`record ${i} is truncated`);
        const idLen = dv.getUint32(p, true);
        p += 4;
        const id = decoder.decode(b.subarray(p, p + idLen));
        p += idLen;
        if (p + 4 * dimensions + 4 > end) throw corrupt(`record ${i} is truncated`);
        const vector = new Float32Array(dimensions);
        for (let j = 0; j < dimensions; j++) vector[j] = dv.getFloat32(p + 4 * j, true);
        p += 4 * dimensions;
        const mLen = dv.getUint32(p, true);
        p += 4;
        const metadata = mLen === 0 ? null : JSON.parse(decoder.decode(b.subarray(p, p + mLen)));
        p += mLen;
        yield { id, vector, metadata };
      }
    },
  };
}
