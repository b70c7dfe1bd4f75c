// Import-file parsers of the `ruvector` bin: JSON, JSON Lines, CSV (with a header),
// .fvecs and .npy. The same formats, rules and messages as the C++ CLI
// (tools/cli/importers.cpp, docs/cli.md "Import formats"): pure functions from bytes
// to rows that never touch a database. Every error names its place:
// "<source>:<line>: ..." for text formats (the line a row starts on, 1-based) and
// "<source>: row <n>: ..." for binary ones (0-based). Wrong vector lengths are
// DIMENSION_MISMATCH, everything else INVALID_ARGUMENT.

export const MAX_DIMENSIONS = 65536;
export const MAX_ID_BYTES = 511;
const FLOAT_MAX = 3.4028234663852886e38;

export class CliError extends Error {
  constructor(code, message, exitCode) {
    super(message);
    this.code = code;
    if (exitCode !== undefined) this.exitCode = exitCode;
  }
}
const invalid = (m) => new CliError('INVALID_ARGUMENT', m);
const mismatch = (m) => new CliError('DIMENSION_MISMATCH', m);

function excerpt(s, max = 40) {
  s = String(s);
  return s.length <= max ? s : s.slice(0, max) + '...';
}
function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

// ---- numbers ----

function toFloat(d, what) {
  if (Number.isNaN(d)) throw invalid(`${what}: NaN is not allowed; every value must be a finite number`);
  if (!Number.isFinite(d)) throw invalid(`${what}: ${d > 0 ? 'Infinity' : '-Infinity'} is not allowed; every value must be a finite number`);
  if (Math.abs(d) > FLOAT_MAX) throw invalid(`${what}: ${d} is out of float32 range`);
  return d;
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Parses one trimmed numeric token (decimal, optional sign and exponent). */
export function parseNumber(token, what) {
  if (token === '') throw invalid(`${what}: empty value, expected a number`);
  const t = token;
  if (/^[+-]?(nan|inf|infinity)$/i.test(t)) {
    const d = /nan/i.test(t) ? NaN : t.startsWith('-') ? -Infinity : Infinity;
    return toFloat(d, what);
  }
  if (!NUMBER.test(t)) throw invalid(`${what}: '${excerpt(token)}' is not a number`);
  const d = Number(t);
  if (!Number.isFinite(d) || Math.abs(d) > FLOAT_MAX) throw invalid(`${what}: ${excerpt(token)} is out of float32 range`);
  return d;
}

/** A vector typed on the command line: "[1, 2.5, -3e-2]" or "1,2.5,-3e-2". */
export function parseVectorText(text) {
  let s = String(text).trim();
  if (s === '') throw invalid('vector is empty; expected e.g. [1, 2, 3] or 1,2,3');
  if (s[0] === '[') {
    if (s[s.length - 1] !== ']') throw invalid("vector starts with '[' but does not end with ']'");
    s = s.slice(1, -1).trim();
    if (s === '') throw invalid('vector is empty; expected e.g. [1, 2, 3]');
  }
  const parts = s.split(',');
  if (parts.length > MAX_DIMENSIONS) throw invalid(`vector has ${parts.length} values, the limit is ${MAX_DIMENSIONS}`);
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = parseNumber(parts[i].trim(), `vector[${i}]`);
  return out;
}

/** The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612). */
export function floatForJson(v) {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let p = 1; p <= 9; p++) {
    const n = Number(v.toPrecision(p));
    if (Math.fround(n) === v) return n;
  }
  return v;
}

// ---- rows ----

class Builder {
  constructor(options, lineNumbers) {
    this.o = options;
    this.lineNumbers = lineNumbers;
    this.dimensions = options.dimensions || 0;
    this.firstLine = 0;
    this.rows = [];  // {id, vector: Float32Array, metadata, line}
    this.label = '';
  }
  place(line) {
    let p = this.lineNumbers ? `${this.o.source}:${line}` : `${this.o.source}: row ${line}`;
    if (this.label) p += `: ${this.label}`;
    return p;
  }
  checkLength(n, line) {
    if (n === 0) throw invalid(`${this.place(line)}: vector is empty`);
    if (n > MAX_DIMENSIONS) throw invalid(`${this.place(line)}: vector has ${n} values, the limit is ${MAX_DIMENSIONS}`);
    if (this.dimensions === 0) {
      this.dimensions = n;
      this.firstLine = line;
      return;
    }
    if (n !== this.dimensions) {
      const expected = this.o.dimensions ? `database expects ${this.dimensions}`
        : `expected ${this.dimensions} like ${this.lineNumbers ? 'line' : 'row'} ${this.firstLine}`;
      throw mismatch(`${this.place(line)}: vector has ${n} values, ${expected}`);
    }
  }
  add(vector, id, metadata, line) {
    this.checkLength(vector.length, line);
    if ((id === '' || id === null || id === undefined) && this.o.idPrefix !== undefined && this.o.idPrefix !== null)
      id = `${this.o.idPrefix}${this.rows.length}`;
    if (id && Buffer.byteLength(id) > MAX_ID_BYTES)
      throw invalid(`${this.place(line)}: id is ${Buffer.byteLength(id)} bytes long, the limit is ${MAX_ID_BYTES}`);
    if (metadata !== null && metadata !== undefined && typeName(metadata) !== 'object')
      throw invalid(`${this.place(line)}: metadata must be a JSON object, got ${typeName(metadata)}`);
    this.rows.push({ id: id || null, vector, metadata: metadata ?? null, line });
  }
  full() {
    return this.o.maxRows > 0 && this.rows.length >= this.o.maxRows;
  }
  progress(done, total) {
    if (this.o.progress) this.o.progress(done, total);
  }
  finish() {
    return { dimensions: this.dimensions, rows: this.rows, lineNumbers: this.lineNumbers };
  }
}

/** "<source>:<line>" or "<source>: row <n>" of row i. */
export function where(data, source, i) {
  const r = data.rows[i];
  if (!r) return source;
  return data.lineNumbers ? `${source}:${r.line}` : `${source}: row ${r.line}`;
}

const emptyInput = (o) => invalid(`${o.source}: the file is empty`);
const stripBom = (t) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
const allSpace = (t) => /^\s*$/.test(t);

function jsonVector(v, what = 'vector') {
  if (!Array.isArray(v)) throw invalid(`vector must be an array of numbers, got ${typeName(v)}`);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number') throw invalid(`${what}[${i}] is ${typeName(x)}, expected a number`);
    out[i] = toFloat(x, `${what}[${i}]`);
  }
  return out;
}

// One JSON entry ({id?, vector, metadata?} or a bare array) -> {vector, id, metadata}.
function jsonEntry(j) {
  if (Array.isArray(j)) return { vector: jsonVector(j), id: null, metadata: null };
  if (typeName(j) !== 'object')
    throw invalid(`expected an object {"id", "vector", "metadata"} or an array of numbers, got ${typeName(j)}`);
  let id = null;
  let vector = null;
  let metadata = null;
  for (const [k, v] of Object.entries(j)) {
    if (k === 'id') {
      if (typeof v === 'string') {
        if (v === '') throw invalid('id is empty (leave it out to have one generated)');
        id = v;
      } else if (typeof v === 'number' && Number.isInteger(v)) {
        id = String(v);
      } else if (v !== null) {
        throw invalid(`id must be a string or an integer, got ${typeName(v)}`);
      }
    } else if (k === 'vector') {
      vector = jsonVector(v);
    } else if (k === 'metadata') {
      if (v !== null && typeName(v) !== 'object') throw invalid(`metadata must be a JSON object, got ${typeName(v)}`);
      metadata = v;
    } else {
      throw invalid(`unknown key '${excerpt(k)}' (an entry has "id", "vector" and "metadata")`);
    }
  }
  if (vector === null) throw invalid('entry has no "vector"');
  return { vector, id, metadata };
}

const withPlace = (e, place) => {
  e.message = `${place}: ${e.message}`;
  return e;
};

function lineCol(text, offset) {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return [line, end - start + 1];
}

// JSON.parse with "<source>:<line>: invalid JSON (column C): detail" errors.
function parseJsonText(text, source, firstLine) {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = String(e.message);
    const m = msg.match(/at position (\d+)/);
    const at = m ? Number(m[1]) : /end of JSON input/.test(msg) ? text.length : 0;
    const [line, col] = lineCol(text, at);
    const detail = msg.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw invalid(`${source}:${firstLine + line - 1}: invalid JSON (column ${col}): ${detail}`);
  }
}

// Lines (1-based) on which the elements of the entry array start: the root array, or
// the array under the root object's "entries" key. `text` is valid JSON.
function elementLines(text, inEntries, count) {
  const lines = [];
  const target = inEntries ? 2 : 1;
  let depth = 0;
  let line = 1;
  let expecting = false;
  let inTarget = false;
  let key = null;
  let strStart = -1;
  let lastString = null;
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const c = text.charCodeAt(i);
    if (strStart >= 0) {
      if (c === 92) i++;  // backslash: skip the escaped character
      else if (c === 34) {
        lastString = text.slice(strStart, i);
        strStart = -1;
      }
      continue;
    }
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (expecting && inTarget && depth === target && c !== 93) {
      lines.push(line);
      expecting = false;
    }
    switch (c) {
      case 34: strStart = i + 1; break;
      case 91: case 123:  // [ {
        depth++;
        if (c === 91 && depth === target && !inTarget && (target === 1 || key === 'entries')) {
          inTarget = true;
          expecting = true;
        }
        break;
      case 93: case 125:  // ] }
        if (inTarget && depth === target) inTarget = false;
        depth--;
        break;
      case 44:  // ,
        if (inTarget && depth === target) expecting = true;
        break;
      case 58:  // :
        if (depth === 1) key = lastString;
        break;
      default:
        break;
    }
  }
  while (lines.length < count) lines.push(lines.length ? lines[lines.length - 1] : 1);
  return lines;
}

export function parseJson(bytes, options) {
  const text = stripBom(bytes.toString('utf8'));
  if (allSpace(text)) throw emptyInput(options);
  const root = parseJsonText(text, options.source, 1);
  const b = new Builder(options, true);
  let entries;
  let inEntries = false;
  if (Array.isArray(root)) {
    if (root.length > 0 && typeof root[0] === 'number') {
      let v;
      try {
        v = jsonVector(root);
      } catch (e) {
        throw withPlace(e, `${options.source}:1`);
      }
      b.add(v, null, null, 1);
      return b.finish();
    }
    entries = root;
  } else if (typeName(root) === 'object') {
    if ('entries' in root) {
      entries = root.entries;
      inEntries = true;
      if (!Array.isArray(entries)) throw invalid(`${options.source}: "entries" must be an array, got ${typeName(entries)}`);
    } else if ('vector' in root) {
      let e;
      try {
        e = jsonEntry(root);
      } catch (err) {
        throw withPlace(err, `${options.source}:1`);
      }
      b.add(e.vector, e.id, e.metadata, 1);
      return b.finish();
    } else {
      throw invalid(`${options.source}: expected an array of entries, or an object with an "entries" array`);
    }
  } else {
    throw invalid(`${options.source}: expected an array of entries, got ${typeName(root)}`);
  }
  const count = options.maxRows > 0 ? Math.min(entries.length, options.maxRows) : entries.length;
  const lines = elementLines(text, inEntries, count);
  for (let i = 0; i < count; i++) {
    b.label = `entry ${i}`;
    let e;
    try {
      e = jsonEntry(entries[i]);
    } catch (err) {
      throw withPlace(err, b.place(lines[i]));
    }
    b.add(e.vector, e.id, e.metadata, lines[i]);
    if ((i & 1023) === 0) b.progress(i, count);
  }
  b.label = '';
  return b.finish();
}

export function parseJsonl(bytes, options) {
  const text = stripBom(bytes.toString('utf8'));
  if (allSpace(text)) throw emptyInput(options);
  const b = new Builder(options, true);
  let pos = 0;
  let line = 0;
  while (pos < text.length && !b.full()) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const l = text.slice(pos, end);
    pos = end + 1;
    line++;
    if ((line & 1023) === 0) b.progress(pos, text.length);
    if (allSpace(l)) continue;
    const j = parseJsonText(l, options.source, line);
    let e;
    try {
      e = jsonEntry(j);
    } catch (err) {
      throw withPlace(err, `${options.source}:${line}`);
    }
    b.add(e.vector, e.id, e.metadata, line);
  }
  return b.finish();
}

// RFC 4180 records with the line each starts on; blank lines are skipped.
function* csvRecords(text, source) {
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (true) {
    // Skip blank lines.
    while (pos < n) {
      let e = pos;
      while (e < n && (text[e] === ' ' || text[e] === '\t' || text[e] === '\r')) e++;
      if (e < n && text[e] === '\n') {
        pos = e + 1;
        line++;
      } else if (e === n) {
        pos = e;
      } else {
        break;
      }
    }
    if (pos >= n) return;
    const start = line;
    const fields = [];
    while (true) {
      let field = '';
      if (text[pos] === '"') {
        const open = line;
        pos++;
        while (true) {
          if (pos >= n) throw invalid(`${source}:${open}: unterminated quoted field (a '"' opened here is never closed)`);
          const c = text[pos++];
          if (c === '"') {
            if (text[pos] === '"') {
              field += '"';
              pos++;
            } else {
              break;
            }
          } else {
            if (c === '\n') line++;
            field += c;
          }
        }
        while (pos < n && (text[pos] === ' ' || text[pos] === '\t')) pos++;
        if (pos < n && text[pos] !== ',' && text[pos] !== '\n' && text[pos] !== '\r')
          throw invalid(`${source}:${line}: unexpected '${text[pos]}' after a closing quote`);
      } else {
        let e = pos;
        while (e < n && text[e] !== ',' && text[e] !== '\n') e++;
        field = text.slice(pos, e);
        pos = e;
        if (field.endsWith('\r')) field = field.slice(0, -1);
      }
      fields.push(field);
      if (pos >= n) break;
      if (text[pos] === '\r') pos++;
      if (pos >= n) break;
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '\n') {
        pos++;
        line++;
        break;
      }
    }
    yield { fields, line: start, pos };
  }
}

export function parseCsv(bytes, options) {
  const text = stripBom(bytes.toString('utf8'));
  if (allSpace(text)) throw emptyInput(options);
  const records = csvRecords(text, options.source);
  const first = records.next();
  if (first.done) throw emptyInput(options);
  const header = first.value.fields;
  const hplace = `${options.source}:${first.value.line}`;
  let idCol = -1;
  let vectorCol = -1;
  let metaCol = -1;
  const numberCols = [];
  const names = header.map((h) => h.trim());
  for (let c = 0; c < names.length; c++) {
    const nm = names[c].toLowerCase();
    if (names[c] === '') throw invalid(`${hplace}: column ${c + 1} of the header has no name (a pandas index? save with index=False)`);
    for (let d = 0; d < c; d++) if (names[d].toLowerCase() === nm) throw invalid(`${hplace}: column '${excerpt(names[c])}' appears twice in the header`);
    if (nm === 'id') idCol = c;
    else if (nm === 'vector') vectorCol = c;
    else if (nm === 'metadata') metaCol = c;
    else numberCols.push(c);
  }
  if (vectorCol >= 0 && numberCols.length)
    throw invalid(`${hplace}: column '${excerpt(names[numberCols[0]])}' is not allowed beside a 'vector' column (columns are id, vector, metadata)`);
  if (vectorCol < 0 && numberCols.length === 0) throw invalid(`${hplace}: the header has no 'vector' column and no numeric columns`);
  if (vectorCol < 0 && options.dimensions && numberCols.length !== options.dimensions)
    throw mismatch(`${hplace}: the header has ${numberCols.length} numeric columns, database expects ${options.dimensions}`);

  const b = new Builder(options, true);
  for (const { fields, line, pos } of records) {
    if (b.full()) break;
    const place = `${options.source}:${line}`;
    if ((b.rows.length & 1023) === 0) b.progress(pos, text.length);
    if (fields.length !== header.length) throw invalid(`${place}: has ${fields.length} fields, the header has ${header.length}`);
    const id = idCol >= 0 ? fields[idCol].trim() : '';
    let metadata = null;
    if (metaCol >= 0) {
      const m = fields[metaCol].trim();
      if (m !== '') {
        try {
          metadata = JSON.parse(m);
        } catch {
          throw invalid(`${place}: column 'metadata': not valid JSON: ${excerpt(m)}`);
        }
        if (metadata !== null && typeName(metadata) !== 'object')
          throw invalid(`${place}: column 'metadata': must be a JSON object, got ${typeName(metadata)}`);
      }
    }
    let vector;
    if (vectorCol >= 0) {
      try {
        vector = parseVectorText(fields[vectorCol]);
      } catch (e) {
        throw withPlace(e, `${place}: column 'vector'`);
      }
    } else {
      vector = new Float32Array(numberCols.length);
      for (let k = 0; k < numberCols.length; k++) {
        const c = numberCols[k];
        try {
          vector[k] = parseNumber(fields[c].trim(), `column '${excerpt(names[c])}'`);
        } catch (e) {
          throw withPlace(e, place);
        }
      }
    }
    b.add(vector, id, metadata, line);
  }
  return b.finish();
}

export function parseFvecs(bytes, options) {
  const src = options.source;
  if (bytes.length === 0) throw emptyInput(options);
  const b = new Builder(options, false);
  const prefix = options.idPrefix ?? '';
  let pos = 0;
  let row = 0;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (pos < bytes.length && !b.full()) {
    const place = `${src}: row ${row} (byte ${pos})`;
    if (bytes.length - pos < 4) throw invalid(`${place}: truncated: ${bytes.length - pos} bytes where a 4-byte dimension was expected`);
    const d = dv.getInt32(pos, true);
    if (d < 1 || d > MAX_DIMENSIONS) throw invalid(`${place}: dimension ${d} is out of range 1..${MAX_DIMENSIONS}`);
    if (bytes.length - pos - 4 < 4 * d)
      throw invalid(`${place}: truncated: the row declares ${d} values (${4 * d} bytes), only ${bytes.length - pos - 4} bytes remain`);
    const v = new Float32Array(d);
    for (let i = 0; i < d; i++) {
      v[i] = dv.getFloat32(pos + 4 + 4 * i, true);
      if (!Number.isFinite(v[i])) toFloat(v[i], `${src}: row ${row}: vector[${i}]`);
    }
    b.add(v, `${prefix}${row}`, null, row);
    pos += 4 + 4 * d;
    row++;
    if ((row & 1023) === 0) b.progress(pos, bytes.length);
  }
  return b.finish();
}

const NPY_TYPES = { f4: 'Float32', f8: 'Float64', u1: 'Uint8', i1: 'Int8', i2: 'Int16', u2: 'Uint16', i4: 'Int32', u4: 'Uint32', i8: 'BigInt64', u8: 'BigUint64' };

export function parseNpy(bytes, options) {
  const src = options.source;
  if (bytes.length === 0) throw emptyInput(options);
  if (bytes.length < 10 || bytes.subarray(0, 6).toString('latin1') !== '\x93NUMPY') {
    if (bytes.length < 10 && bytes.length >= 6 && bytes.subarray(0, 6).toString('latin1') === '\x93NUMPY')
      throw invalid(`${src}: truncated .npy header (${bytes.length} bytes)`);
    throw invalid(`${src}: not a .npy file (no \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  let headerLen;
  let at;
  if (major === 1) {
    headerLen = bytes.readUInt16LE(8);
    at = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw invalid(`${src}: truncated .npy header (${bytes.length} bytes)`);
    headerLen = bytes.readUInt32LE(8);
    at = 12;
  } else {
    throw invalid(`${src}: unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (at + headerLen > bytes.length) throw invalid(`${src}: truncated .npy header: it declares ${headerLen} bytes, the file has ${bytes.length - at}`);
  const header = bytes.subarray(at, at + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = (header.match(/'descr'\s*:\s*'([^']*)'/) || [])[1];
  const fortran = (header.match(/'fortran_order'\s*:\s*(True|False)/) || [])[1];
  const shapeText = (header.match(/'shape'\s*:\s*\(([^)]*)\)/) || [])[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw invalid(`${src}: .npy header lacks 'descr', 'fortran_order' or 'shape'`);
  if (fortran === 'True') throw invalid(`${src}: Fortran-order arrays are not supported; save np.ascontiguousarray(arr)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.length < 1 || shape.length > 2 || shape.some((x) => !Number.isInteger(x) || x < 0))
    throw invalid(`${src}: array has ${shape.length} dimensions; expected (rows, dimensions) or one vector`);
  const rows = shape.length === 2 ? shape[0] : 1;
  const dims = shape.length === 2 ? shape[1] : shape[0];
  const order = descr[0];
  const code = descr.slice(1);
  const kind = NPY_TYPES[code];
  const supported = "supported: <f4, <f8 and little-endian integer types";
  if (!kind || descr.length !== 3) throw invalid(`${src}: dtype '${excerpt(descr)}' is not supported; ${supported}`);
  if (order === '>') throw invalid(`${src}: dtype '${descr}' is big-endian; convert with arr.astype('<${code}')`);
  if (order !== '<' && order !== '|') throw invalid(`${src}: dtype '${descr}' has an unknown byte order; ${supported}`);
  if (dims === 0 && rows !== 0) throw invalid(`${src}: shape has 0 values per row`);
  if (dims > MAX_DIMENSIONS) throw invalid(`${src}: rows have ${dims} values, the limit is ${MAX_DIMENSIONS}`);
  const size = Number(code[1]);
  const data = at + headerLen;
  const need = rows * dims * size;
  if (bytes.length - data !== need)
    throw invalid(`${src}: .npy data is ${bytes.length - data} bytes, shape (${rows}, ${dims}) of ${descr} needs ${need}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + data, need);
  const get = dv[`get${kind}`].bind(dv);
  const b = new Builder(options, false);
  const prefix = options.idPrefix ?? '';
  const n = options.maxRows > 0 ? Math.min(rows, options.maxRows) : rows;
  for (let r = 0; r < n; r++) {
    const v = new Float32Array(dims);
    for (let i = 0; i < dims; i++) {
      const x = Number(get((r * dims + i) * size, true));
      v[i] = toFloat(x, `${src}: row ${r}: vector[${i}]`);
    }
    b.add(v, `${prefix}${r}`, null, r);
    if ((r & 1023) === 0) b.progress(r, n);
  }
  return b.finish();
}

const FORMATS = { json: parseJson, jsonl: parseJsonl, ndjson: parseJsonl, csv: parseCsv, npy: parseNpy, fvecs: parseFvecs };

/** 'json' | 'jsonl' | 'csv' | 'npy' | 'fvecs' from a --format value. */
export function parseFormat(name) {
  const n = String(name).toLowerCase();
  if (n === 'ndjson') return 'jsonl';
  if (n in FORMATS) return n;
  throw invalid(`unknown format '${excerpt(name)}'; expected json, jsonl, csv, npy or fvecs`);
}

/** The format from a file name's extension; INVALID_ARGUMENT (asking for --format) otherwise. */
export function formatFromPath(p) {
  const base = String(p).split('/').pop();
  const dot = base.lastIndexOf('.');
  if (dot <= 0) throw invalid(`cannot tell the format of '${p}' (no file extension); pass --format json|jsonl|csv|npy|fvecs`);
  const ext = base.slice(dot + 1).toLowerCase();
  if (ext === 'ndjson') return 'jsonl';
  if (ext in FORMATS) return ext;
  throw invalid(`unknown file extension '.${ext}' of '${p}'; pass --format json|jsonl|csv|npy|fvecs`);
}

/**
 * parseImport(bytes, format, {source, dimensions, idPrefix, maxRows, progress})
 * -> {dimensions, rows: [{id | null, vector: Float32Array, metadata | null, line}], lineNumbers}
 */
export function parseImport(bytes, format, options) {
  const o = { source: 'input', dimensions: 0, idPrefix: undefined, maxRows: 0, ...options };
  return FORMATS[format](bytes, o);
}
