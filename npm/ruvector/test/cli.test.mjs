// The `ruvector` bin (bin/ruvector.mjs), end to end in a temporary folder: every
// command on a durable directory (native) and on a snapshot file (both backends),
// --json documents, exit codes, malformed input (the message names the line and
// nothing is written), LOCKED, the progress bar (only on a terminal; lines with --progress,
// the same as the C++ tool's), `doctor` on real install trees, and directories shared with
// the C++ tool when it is built.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTree, runNode, pkgDir, repo } from './install-tree.mjs';

const BIN = path.join(pkgDir, 'bin', 'ruvector.mjs');
let tmp;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-cli-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function rvc(args, { backend, cwd = tmp, bin = BIN } = {}) {
  const env = { ...process.env };
  delete env.RUVECTOR_BACKEND;
  if (backend) env.RUVECTOR_BACKEND = backend;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(args, opts) {
  const r = rvc(args, opts);
  assert.equal(r.status, 0, `ruvector ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r;
}
function json(args, opts) {
  const r = ok([...args, '--json'], opts);
  assert.equal(r.stderr, '', 'no progress bar or warnings on a non-terminal stderr');
  return JSON.parse(r.stdout);
}
function fails(args, code, exit, opts) {
  const r = rvc([...args, '--json'], opts);
  assert.equal(r.status, exit, `expected exit ${exit} for ruvector ${args.join(' ')}:\n${r.stderr}${r.stdout}`);
  assert.match(r.stderr, new RegExp(`^ruvector: ${code}: `));
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.error.code, code);
  assert.equal(doc.error.exit_code, exit);
  return doc.error.message;
}
const write = (name, text) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return name;
};

// A .npy file: magic, version 1.0, the header dict padded to 64 bytes, then dataBytes zero bytes.
function npy(dict, dataBytes) {
  let h = dict;
  while ((10 + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const head = Buffer.alloc(10);
  Buffer.from('\x93NUMPY\x01\x00', 'latin1').copy(head);
  head.writeUInt16LE(h.length, 8);
  return Buffer.concat([head, Buffer.from(h, 'latin1'), Buffer.alloc(dataBytes)]);
}

const VECTORS = Array.from({ length: 300 }, (_, i) => Array.from({ length: 8 }, (_, j) => Math.round(Math.sin(i * 8 + j) * 1000) / 1000));

function fixtures() {
  write('a.json', `[\n${VECTORS.slice(0, 100).map((v, i) => `  {"id": "j${i}", "vector": ${JSON.stringify(v)}, "metadata": {"src": "json", "i": ${i}}}`).join(',\n')}\n]\n`);
  write('b.jsonl', VECTORS.slice(100, 200).map((v, i) => JSON.stringify({ id: `l${i}`, vector: v, metadata: { src: 'jsonl', i } })).join('\n') + '\n');
  write('c.csv', 'id,vector,metadata\n' + VECTORS.slice(200, 300).map((v, i) => `c${i},"${v.join(',')}","{""src"": ""csv"", ""i"": ${i}}"`).join('\n') + '\n');
  write('wide.csv', `id,${Array.from({ length: 8 }, (_, j) => `v${j}`).join(',')}\n` + VECTORS.slice(0, 5).map((v, i) => `w${i},${v.join(',')}`).join('\n') + '\n');
}

// The everyday commands on one database (a directory on native, a .rvs file on either backend).
function everyday(db, backend) {
  const created = json(['create', db, '-d', '8', '--metric', 'L2', '--m', '12', '--ef-search', '50'], { backend });
  assert.deepEqual({ ...created, path: undefined }, {
    dimensions: 8, metric: 'euclidean', index: 'hnsw', hnsw: { m: 12, ef_construction: 40, ef_search: 50 }, quantization: 'none',
    path: undefined, created: true, count: 0, storage: db.endsWith('.rvs') ? 'snapshot' : 'directory',
  });
  // --quantization / --rescore as in the C++ tool (the contract takes them on both backends).
  const qdb = db.endsWith('.rvs') ? db.replace(/\.rvs$/, '-q.rvs') : `${db}-q`;
  const quantized = json(['create', qdb, '-d', '8', '--quantization', 'int8', '--rescore', '4'], { backend });
  assert.deepEqual([quantized.quantization, quantized.rescore], ['int8', 4]);
  assert.equal(json(['info', qdb], { backend }).quantization, 'int8');
  for (const [file, format] of [['a.json', 'json'], ['b.jsonl', 'jsonl'], ['c.csv', 'csv']]) {
    const r = json(['import', db, file], { backend });
    assert.equal(r.imported, 100);
    assert.equal(r.format, format);
  }
  assert.equal(json(['import', db, 'wide.csv'], { backend }).count, 305);
  assert.equal(json(['insert', db, '-v', '[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]', '--id', 'one', '--metadata', '{"src": "cli"}'], { backend }).count, 306);
  const id = ok(['insert', db, '--vector', '1,1,1,1,1,1,1,2'], { backend }).stdout.trim();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4/);

  const hits = json(['search', db, '-v', JSON.stringify(VECTORS[150]), '-k', '3', '--ef', '64'], { backend });
  assert.equal(hits.k, 3);
  assert.equal(hits.hits[0].id, 'l50');
  assert.equal(hits.hits[0].score, 0);
  assert.deepEqual(hits.hits[0].metadata, { src: 'jsonl', i: 50 });
  const filtered = json(['search', db, '-v', JSON.stringify(VECTORS[150]), '-k', '5', '--filter', '{"src": "csv"}'], { backend });
  assert.ok(filtered.hits.length === 5 && filtered.hits.every((h) => h.metadata.src === 'csv'));
  const fromFile = json(['search', db, '--vector-file', 'b.jsonl', '--row', '7', '-k', '1', '--include-vector', '--no-metadata'], { backend });
  assert.equal(fromFile.hits[0].id, 'l7');
  assert.deepEqual(fromFile.hits[0].vector, VECTORS[107]);
  assert.equal(fromFile.hits[0].metadata, undefined);
  const table = ok(['search', db, '-v', JSON.stringify(VECTORS[3]), '-k', '2'], { backend }).stdout.split('\n');
  assert.match(table[0], /^ {3}# {2}id +score {2}metadata$/);
  assert.match(table[1], /^ {3}1 {2}(j3|w3) +0 {2}/);

  assert.deepEqual(json(['get', db, 'j5'], { backend }), { id: 'j5', vector: VECTORS[5], metadata: { src: 'json', i: 5 } });
  assert.match(fails(['get', db, 'nope'], 'NOT_FOUND', 3, { backend }), /no entry with id 'nope'/);
  assert.deepEqual(json(['delete', db, 'one', 'nope'], { backend }), { deleted: ['one'], not_found: ['nope'], count: 306 });

  const info = json(['info', db], { backend });
  assert.equal(info.count, 306);
  assert.equal(info.dimensions, 8);
  assert.equal(info.hnsw.m, 12);
  assert.equal(info.backend, backend || 'native');
  assert.ok(info.disk_bytes > 0);

  const bench = json(['bench', db, '--sample', '50', '--ef', '8,64', '-k', '5'], { backend });
  assert.equal(bench.queries, 50);
  assert.deepEqual(bench.results.map((r) => r.ef), [8, 64]);
  assert.ok(bench.results[1].recall >= 0.9, JSON.stringify(bench.results));
  assert.ok(bench.results.every((r) => r.qps > 0 && r.p99_ms >= r.p50_ms));
  const text = ok(['bench', db, '--queries', 'b.jsonl', '--sample', '20', '--ef', '32'], { backend }).stdout;
  assert.match(text, /20 queries \(b\.jsonl\), k=10, recall against exact brute force/);
  assert.match(text, /^ {4}ef {2}recall@10 {9}QPS/m);

  // export -> re-import into a fresh database gives the same entries, bit for bit.
  const base = db.replace(/\.rvs$/, '');
  const ex = json(['export', db, '--jsonl', `${base}-out.jsonl`], { backend });
  assert.equal(ex.exported, 306);
  const lines = fs.readFileSync(path.join(tmp, `${base}-out.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.find((l) => l.id === 'c9'), { id: 'c9', vector: VECTORS[209], metadata: { src: 'csv', i: 9 } });
  const snap = json(['export', db, '--snapshot', `${base}-out.rvs`], { backend });
  assert.ok(snap.bytes > 306 * 8 * 4);
  const copy = `${base}-copy${db.endsWith('.rvs') ? '.rvs' : ''}`;
  assert.equal(json(['create', copy, '--from-snapshot', `${base}-out.rvs`], { backend }).count, 306);
  assert.deepEqual(json(['get', copy, 'c9'], { backend }), json(['get', db, 'c9'], { backend }));
  const stdoutExport = ok(['export', db, '--jsonl', '-'], { backend });
  assert.equal(stdoutExport.stdout.trim().split('\n').length, 306);
}

describe('ruvector bin', { timeout: 600_000 }, () => {
  before(fixtures);

  it('--version, --help, usage errors (exit 1)', () => {
    const V = fs.readFileSync(path.join(repo, 'VERSION'), 'utf8').trim().replace(/\./g, '\\.');
    assert.match(ok(['--version']).stdout, new RegExp(`^ruvector ${V} \\(backend native, simd \\w+\\)$`, 'm'));
    assert.match(ok(['--version'], { backend: 'wasm' }).stdout, new RegExp(`^ruvector ${V} \\(backend wasm, simd (simd128|scalar)\\)$`, 'm'));
    const h = ok(['--help']).stdout;
    for (const c of ['create', 'insert', 'import', 'search', 'get', 'delete', 'info', 'bench', 'export', 'doctor']) assert.match(h, new RegExp(`^  ${c} `, 'm'));
    assert.match(ok(['import', '--help']).stdout, /--id-prefix P/);
    assert.match(fails(['frobnicate'], 'USAGE', 1), /unknown command 'frobnicate'/);
    assert.match(fails(['create', 'x'], 'USAGE', 1), /--dimensions is required/);
    assert.match(fails(['search', 'x', '--bogus'], 'USAGE', 1), /unknown option '--bogus'/);
    assert.match(fails(['create', 'x', '-d', '4', '--metric', 'hamming'], 'INVALID_ARGUMENT', 1), /unknown metric 'hamming'/);
    assert.ok(!fs.existsSync(path.join(tmp, 'x')), 'a failed create leaves nothing behind');
  });

  it('create --help states the defaults the engine applies (m, efConstruction, efSearch, rescore), search -k its default, on both backends', () => {
    const help = ok(['create', '--help']).stdout.replace(/\s+/g, ' ');
    const stated = ['m', 'ef-construction', 'ef-search'].map((f) => {
      const m = help.match(new RegExp(`--${f} [^(]*\\(default (\\d+)\\)`));
      assert.ok(m, `create --help states no default for --${f}`);
      return Number(m[1]);
    });
    for (const backend of ['native', 'wasm']) {
      const db = `defaults-${backend}.rvs`;
      ok(['create', db, '-d', '4', '--backend', backend]);
      const h = json(['info', db, '--backend', backend]).hnsw;
      assert.deepEqual(stated, [h.m, h.ef_construction, h.ef_search], `the ${backend} engine's defaults`);
    }
    const rescore = help.match(/\(default int8 (\d+), binary (\d+);/);
    assert.ok(rescore, 'create --help states the rescore defaults');
    for (const [i, mode] of [[1, 'int8'], [2, 'binary']]) {
      ok(['create', `rescore-${mode}.rvs`, '-d', '16', '--quantization', mode]);
      assert.equal(json(['info', `rescore-${mode}.rvs`]).rescore, Number(rescore[i]), `the engine's ${mode} rescore default`);
    }
    // search -k and --row: what the help states is what a search without them does.
    const searchHelp = ok(['search', '--help']).stdout.replace(/\s+/g, ' ');
    const k = Number(searchHelp.match(/Number of results \(default (\d+)\)/)[1]);
    ok(['create', 'k-default.rvs', '-d', '2', '--index', 'flat']);
    write('k-default.jsonl', Array.from({ length: k + 5 }, (_, i) => JSON.stringify({ id: `r${i}`, vector: [1, i + 1] })).join('\n'));
    ok(['import', 'k-default.rvs', 'k-default.jsonl']);
    assert.equal(json(['search', 'k-default.rvs', '-v', '1,1']).hits.length, k);
  });

  it('every command on a durable directory (native backend)', () => everyday('dir-db'));
  it('every command on a snapshot file, native backend', () => everyday('native.rvs', 'native'));
  it('every command on a snapshot file, wasm backend', () => everyday('wasm.rvs', 'wasm'));

  it('malformed input names the line and writes nothing (directory and snapshot file)', () => {
    json(['create', 'strict', '-d', '3', '--metric', 'cosine']);
    json(['create', 'strict.rvs', '-d', '3']);
    json(['import', 'strict', write('good.jsonl', '{"id": "g", "vector": [1, 2, 3]}\n')]);
    json(['import', 'strict.rvs', 'good.jsonl'], { backend: 'wasm' });
    const before = fs.readFileSync(path.join(tmp, 'strict.rvs'));
    const cases = [
      ['bad1.jsonl', '{"id": "a", "vector": [1, 2, 3]}\n\n{"id": "b", "vector": [1, 2]}\n', 'DIMENSION_MISMATCH', /^bad1\.jsonl:3: vector has 2 values, database expects 3$/],
      ['bad2.jsonl', '{"id": "a", "vector": [1, 2, 3]}\n{"id": "b", "vector": [1, 2, 3]\n', 'INVALID_ARGUMENT', /^bad2\.jsonl:2: invalid JSON \(column \d+\)/],
      ['bad3.json', '[\n  {"id": "a", "vector": [1, 2, 3]},\n\n  {"id": "b", "vector": [1, null, 3]}\n]\n', 'INVALID_ARGUMENT', /^bad3\.json:4: entry 1: vector\[1\] is null, expected a number$/],
      ['bad4.json', '[\n  {"id": "a", "vector": [1, 2, 3]},\n  {"id": "b", "vector": [1, 2, 3],}\n]\n', 'INVALID_ARGUMENT', /^bad4\.json:3: invalid JSON/],
      ['bad5.json', '{"entries": [\n {"id": "a", "vector": [1, 2, 3]},\n {"id": "b", "vectr": [1, 2, 3]}]}\n', 'INVALID_ARGUMENT', /^bad5\.json:3: entry 1: unknown key 'vectr'/],
      ['bad6.csv', 'id,vector\na,"1,2,3"\nb,"1,NaN,3"\n', 'INVALID_ARGUMENT', /^bad6\.csv:3: column 'vector': vector\[1\]: NaN is not allowed/],
      ['bad7.csv', 'id,x,y,z\na,1,2,3\nb,1,2\n', 'INVALID_ARGUMENT', /^bad7\.csv:3: has 3 fields, the header has 4$/],
      ['bad8.csv', 'id,x,y,z\na,1,2,3\n"b\nc",0,NaN,0\n', 'INVALID_ARGUMENT', /^bad8\.csv:3: .*NaN/],
      ['bad9.csv', 'id,metadata,vector\na,"{""k"": 1}","[1,2,3]"\nb,[1],"[1,2,3]"\n', 'INVALID_ARGUMENT', /^bad9\.csv:3: column 'metadata': must be a JSON object, got array$/],
      ['bad10.jsonl', '', 'INVALID_ARGUMENT', /^bad10\.jsonl: the file is empty$/],
      // Binary formats (the engine's readers, through either backend): a huge declared
      // dimension, a truncated row, a truncated .npy header, a shape larger than the data.
      ['bad11.fvecs', Buffer.from([0x40, 0x42, 0x0f, 0x00, 1, 2, 3, 4]), 'INVALID_ARGUMENT', /^bad11\.fvecs: row 0 \(byte 0\): dimension 1000000 is out of range/],
      ['bad12.fvecs', Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.alloc(12), Buffer.from([3, 0, 0, 0]), Buffer.alloc(5)]), 'INVALID_ARGUMENT', /^bad12\.fvecs: row 1 \(byte 16\): truncated/],
      ['bad13.npy', Buffer.from('\x93NUMPY\x01\x00\x76\x00{', 'latin1'), 'INVALID_ARGUMENT', /^bad13\.npy: /],
      ['bad14.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 3), }", 8), 'INVALID_ARGUMENT', /^bad14\.npy: /],
    ];
    for (const [name, text, code, re] of cases) {
      write(name, text);
      for (const db of ['strict', 'strict.rvs']) {
        const msg = fails(['import', db, name], code, 2, { backend: db.endsWith('.rvs') ? 'wasm' : undefined });
        assert.match(msg, re, `${name} into ${db}`);
      }
    }
    // A damaged snapshot is CORRUPTION (exit 4), on both backends.
    const snap = fs.readFileSync(path.join(tmp, 'strict.rvs'));
    write('bad.rvs', Buffer.concat([snap.subarray(0, snap.length - 9), Buffer.from([0xff])]));
    for (const db of ['strict', 'strict.rvs'])
      assert.match(fails(['import', db, 'bad.rvs'], 'CORRUPTION', 4, { backend: db.endsWith('.rvs') ? 'wasm' : undefined }), /^bad\.rvs: /);
    assert.equal(json(['info', 'strict']).count, 1, 'nothing was written to the directory');
    assert.deepEqual(fs.readFileSync(path.join(tmp, 'strict.rvs')), before, 'the snapshot file is unchanged');
    assert.ok(!fs.existsSync(path.join(tmp, 'strict.rvs.lock')), 'the lock was released');
    assert.match(fails(['import', 'strict', 'nofile.jsonl'], 'INVALID_ARGUMENT', 2), /cannot read 'nofile\.jsonl': no such file/);
    assert.match(fails(['import', 'strict', write('x.txt', '1,2,3')], 'USAGE', 1), /unknown file extension '\.txt'/);
    assert.match(fails(['insert', 'strict', '-v', '[1, 2]'], 'DIMENSION_MISMATCH', 2), /vector has 2 values, database expects 3/);
    assert.match(fails(['insert', 'strict', '-v', '[1, x, 2]'], 'INVALID_ARGUMENT', 2), /--vector: vector\[1\]: 'x' is not a number/);
    assert.match(fails(['search', 'strict', '-v', '1,2,3', '--filter', '{"a": {"$bad": 1}}'], 'INVALID_ARGUMENT', 2), /\$bad/);
  });

  it('exit codes: missing database 3, existing 2, LOCKED 5, a directory on wasm 4 (UNSUPPORTED)', () => {
    assert.match(fails(['info', 'nowhere'], 'NOT_FOUND', 3), /no database at 'nowhere'; create a database with: ruvector create nowhere --dimensions N/);
    fs.mkdirSync(path.join(tmp, 'emptydir'));
    assert.match(fails(['insert', 'emptydir', '-v', '1'], 'NOT_FOUND', 3), /empty directory/);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'emptydir')), [], 'nothing created in it');
    json(['create', 'exists', '-d', '2']);
    assert.match(fails(['create', 'exists', '-d', '2'], 'ALREADY_EXISTS', 2), /already holds a database \(0 vectors, 2 dimensions\)/);
    json(['create', 'exists.rvs', '-d', '2']);
    fails(['create', 'exists.rvs', '-d', '2'], 'ALREADY_EXISTS', 2);
    // A live process holds the snapshot file's lock.
    fs.writeFileSync(path.join(tmp, 'exists.rvs.lock'), `${process.pid}\n`);
    assert.match(fails(['insert', 'exists.rvs', '-v', '1,2'], 'LOCKED', 5), /being written by process \d+/);
    json(['info', 'exists.rvs']);  // readers do not need the lock
    fs.writeFileSync(path.join(tmp, 'exists.rvs.lock'), '999999999\n');  // stale: no such process
    json(['insert', 'exists.rvs', '-v', '1,2']);
    const msg = fails(['info', 'exists'], 'UNSUPPORTED', 4, { backend: 'wasm' });
    assert.match(msg, /'exists' is a durable database directory, which needs the native backend \(@ruvector\/core\); the backend in use is wasm \(RUVECTOR_BACKEND=wasm\)/);
    assert.match(msg, /npm install @ruvector\/core@0\.1\.0/);
    fails(['create', 'wasmdir', '-d', '2'], 'UNSUPPORTED', 4, { backend: 'wasm' });
    assert.ok(!fs.existsSync(path.join(tmp, 'wasmdir')));
    assert.match(fails(['info', 'exists', '--backend', 'wasm'], 'UNSUPPORTED', 4), /RUVECTOR_BACKEND=wasm/);
  });

  it('draws a progress bar on a terminal only', (t) => {
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.status !== 0) return t.skip('util-linux `script` is not installed (needed to run under a pseudo-terminal)');
    json(['create', 'prog.rvs', '-d', '8']);
    write('many.jsonl', Array.from({ length: 30000 }, (_, i) => JSON.stringify({ vector: VECTORS[i % 300].map((x) => x + i) })).join('\n'));
    const log = path.join(tmp, 'tty.log');
    const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN} import prog.rvs many.jsonl --backend wasm 2>&1`, log], {
      cwd: tmp, encoding: 'utf8', timeout: 300_000, env: { ...process.env, COLUMNS: '100' },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\r(parsing|inserting)[^\r]*\[[#.]+\][^\r]*%/, 'a determinate bar with percent');
    assert.match(r.stdout, /\x1b\[K/);
    assert.match(r.stdout, /imported 30000 vectors from many\.jsonl/);
    // Not on a pipe: the same import's stderr is empty.
    json(['create', 'prog2.rvs', '-d', '8']);
    assert.equal(ok(['import', 'prog2.rvs', 'many.jsonl']).stderr, '');
  });

  it('--progress: percentage lines on a non-terminal stderr, as the C++ tool prints them, on both backends', () => {
    // 12.1 MiB of .fvecs (3100 rows x 1024 values): the engine's reader reports about every MiB.
    const rows = 3100, dims = 1024;
    const buf = Buffer.alloc(rows * (4 + 4 * dims));
    for (let r = 0, o = 0; r < rows; r++) {
      buf.writeInt32LE(dims, o); o += 4;
      for (let j = 0; j < dims; j++, o += 4) buf.writeFloatLE(((r * 7 + j) % 13) - 6, o);
    }
    fs.writeFileSync(path.join(tmp, 'prog.fvecs'), buf);
    const parsing = Array.from({ length: 11 }, (_, i) => `parsing: ${i * 10}%`);
    const expected = ['reading prog.fvecs...', ...parsing, `inserting ${rows} vectors...`, 'saving index...', ''];
    json(['create', 'progdir', '-d', String(dims), '--index', 'flat']);
    assert.equal(ok(['import', 'progdir', 'prog.fvecs', '--id-prefix', 'a']).stderr, '', 'nothing without --progress');
    assert.deepEqual(ok(['--progress', 'import', 'progdir', 'prog.fvecs']).stderr.split('\n'), expected);
    json(['create', 'prog-wasm.rvs', '-d', String(dims), '--index', 'flat'], { backend: 'wasm' });
    const w = ok(['import', 'prog-wasm.rvs', 'prog.fvecs', '--progress'], { backend: 'wasm' }).stderr.split('\n');
    assert.deepEqual(w, [...expected.slice(0, -2), 'writing prog-wasm.rvs...', '']);
    const cxx = ['build/tools/cli/ruvector', 'build-cli/tools/cli/ruvector'].map((p) => path.join(repo, p)).find((p) => fs.existsSync(p));
    if (cxx) {
      assert.equal(spawnSync(cxx, ['create', 'progcxx', '-d', String(dims), '--index', 'flat'], { cwd: tmp }).status, 0);
      const c = spawnSync(cxx, ['--progress', 'import', 'progcxx', 'prog.fvecs'], { cwd: tmp, encoding: 'utf8' });
      assert.equal(c.status, 0, c.stderr);
      assert.deepEqual(c.stderr.split('\n'), expected, 'the C++ tool prints the same lines');
    }
  });

  it('the C++ tool gives every error class the same code and exit code (when it is built)', (t) => {
    const cxx = ['build/tools/cli/ruvector', 'build-cli/tools/cli/ruvector'].map((p) => path.join(repo, p)).find((p) => fs.existsSync(p));
    if (!cxx) return t.skip('the C++ tool is not built (build/tools/cli/ruvector)');
    json(['create', 'errs', '-d', '3', '--metric', 'euclidean']);
    json(['insert', 'errs', '-v', '1,2,3', '--id', 'a']);
    write('damaged.rvs', 'RVSNAP not really a snapshot');
    const cases = [
      [['frobnicate', 'errs'], 1, 'USAGE'],
      [['info', 'errs', '--frob'], 1, 'USAGE'],
      [['create', 'new1'], 1, 'USAGE'],
      [['create', 'new1', '-d', '3', '--metric', 'bogus'], 1, 'INVALID_ARGUMENT'],
      [['create', 'new1', '-d', '3', '--m', '1'], 1, 'USAGE'],
      [['create', 'new1', '-d', '3', '--shards', '2'], 1, 'USAGE'],
      [['create', 'new1', '--from-snapshot', 'no-such.rvs'], 2, 'INVALID_ARGUMENT'],
      [['create', 'errs', '-d', '3'], 2, 'ALREADY_EXISTS'],
      [['insert', 'errs', '-v', '1,2'], 2, 'DIMENSION_MISMATCH'],
      [['insert', 'errs', '-v', '1,2,3', '--metadata', '{nope'], 2, 'INVALID_ARGUMENT'],
      [['insert', 'errs', '-v', '1,2,NaN'], 2, 'INVALID_ARGUMENT'],
      [['import', 'errs', 'damaged.rvs'], 4, 'CORRUPTION'],
      [['import', 'errs', 'damaged.rvs', '--format', 'parquet'], 1, 'USAGE'],
      [['import', 'errs', 'no-such.jsonl'], 2, 'INVALID_ARGUMENT'],
      [['search', 'errs'], 1, 'USAGE'],
      [['search', 'errs', '-v', '1,2,3', '-k', '0'], 1, 'USAGE'],
      [['search', 'errs', '-v', '1,2,3', '--filter', '{bad'], 2, 'INVALID_ARGUMENT'],
      [['search', 'no-such-db', '-v', '1,2,3'], 3, 'NOT_FOUND'],
      [['get', 'errs', 'zzz'], 3, 'NOT_FOUND'],
      [['bench', 'errs', '--ef', '0'], 1, 'USAGE'],
      [['export', 'errs'], 1, 'USAGE'],
      [['export', 'errs', '--jsonl', '-', '--json'], 1, 'USAGE'],
    ];
    for (const [args, exit, code] of cases) {
      const j = rvc([...args, '--json']);
      const c = spawnSync(cxx, [...args, '--json'], { cwd: tmp, encoding: 'utf8' });
      const what = `ruvector ${args.join(' ')}`;
      assert.equal(j.status, exit, `JS ${what}: exit ${j.status}\n${j.stderr}`);
      assert.equal(c.status, exit, `C++ ${what}: exit ${c.status}\n${c.stderr}`);
      for (const [who, r] of [['JS', j], ['C++', c]]) {
        assert.match(r.stderr, new RegExp(`^ruvector: ${code}: `), `${who} ${what}: ${r.stderr}`);
        assert.deepEqual(JSON.parse(r.stdout).error.exit_code, exit, `${who} ${what}: --json document`);
      }
    }
    assert.equal(json(['info', 'errs']).count, 1, 'nothing was written');
  });

  it('directories and snapshot files are shared with the C++ tool (when it is built)', (t) => {
    const cxx = ['build/tools/cli/ruvector', 'build-cli/tools/cli/ruvector'].map((p) => path.join(repo, p)).find((p) => fs.existsSync(p));
    if (!cxx) return t.skip('the C++ tool is not built (build/tools/cli/ruvector)');
    json(['create', 'shared', '-d', '8', '--metric', 'euclidean']);
    json(['import', 'shared', 'a.json']);
    const r = spawnSync(cxx, ['search', 'shared', '-v', JSON.stringify(VECTORS[4]), '-k', '1', '--json'], { cwd: tmp, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).hits[0].id, 'j4');
    const w = spawnSync(cxx, ['insert', 'shared', '-v', JSON.stringify(VECTORS[250]), '--id', 'from-cxx'], { cwd: tmp, encoding: 'utf8' });
    assert.equal(w.status, 0, w.stderr);
    assert.equal(json(['search', 'shared', '-v', JSON.stringify(VECTORS[250]), '-k', '1']).hits[0].id, 'from-cxx');
    // Snapshot file databases too, with one lock-file protocol.
    json(['create', 'shared.rvs', '-d', '8', '--metric', 'euclidean'], { backend: 'wasm' });
    const f = spawnSync(cxx, ['insert', 'shared.rvs', '-v', JSON.stringify(VECTORS[7]), '--id', 'cxx-file'], { cwd: tmp, encoding: 'utf8' });
    assert.equal(f.status, 0, f.stderr);
    assert.equal(json(['get', 'shared.rvs', 'cxx-file'], { backend: 'wasm' }).id, 'cxx-file');
    fs.writeFileSync(path.join(tmp, 'shared.rvs.lock'), `${process.pid}\n`);
    const locked = spawnSync(cxx, ['insert', 'shared.rvs', '-v', JSON.stringify(VECTORS[8])], { cwd: tmp, encoding: 'utf8' });
    fs.rmSync(path.join(tmp, 'shared.rvs.lock'));
    assert.equal(locked.status, 5, locked.stderr);
    assert.equal(json(['info', 'shared.rvs']).count, 1);
  });

  it('doctor: both backends here; wasm only without @ruvector/core; exit 4 with neither', () => {
    const d = json(['doctor']);
    assert.equal(d.selected.name, 'native');
    assert.deepEqual(d.backends.map((b) => [b.name, b.ok]), [['native', true], ['wasm', true]]);
    assert.match(ok(['doctor']).stdout, /^in use {2}native: first choice/m);

    const noCore = makeTree({ core: 'absent' });
    const noneTree = makeTree({ core: 'absent', wasm: 'absent' });
    try {
      const bin = path.join(noCore.app, 'node_modules/ruvector/bin/ruvector.mjs');
      let r = runNode(noCore.app, [bin, 'doctor', '--json']);
      assert.equal(r.status, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.selected.name, 'wasm');
      assert.match(doc.selected.reason, /^fallback: @ruvector\/core is not installed/);
      assert.equal(doc.backends[0].ok, false);
      assert.match(doc.backends[0].error, /Cannot find module '@ruvector\/core'/);
      assert.equal(doc.backends[1].ok, true);
      // The everyday commands work there on a snapshot file, and refuse a directory.
      r = runNode(noCore.app, [bin, 'create', 'v.rvs', '-d', '2', '--json']);
      assert.equal(r.status, 0, r.stderr);
      // Import, search and export run on the wasm module's record formats alone.
      fs.writeFileSync(path.join(noCore.app, 'v.jsonl'), '{"id": "p", "vector": [1, 0]}\n{"id": "q", "vector": [0, 1], "metadata": {"k": 1}}\n');
      r = runNode(noCore.app, [bin, 'import', 'v.rvs', 'v.jsonl', '--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).imported, 2);
      r = runNode(noCore.app, [bin, 'search', 'v.rvs', '-v', '0.1,0.9', '-k', '1', '--json']);
      assert.equal(JSON.parse(r.stdout).hits[0].id, 'q', r.stderr);
      r = runNode(noCore.app, [bin, 'export', 'v.rvs', '--jsonl', '-']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l)).sort((x, y) => (x.id < y.id ? -1 : 1)),
        [{ id: 'p', vector: [1, 0] }, { id: 'q', vector: [0, 1], metadata: { k: 1 } }]);
      r = runNode(noCore.app, [bin, 'import', 'v.rvs', 'v.txt']);
      assert.equal(r.status, 1, 'an unknown extension is a usage error');
      r = runNode(noCore.app, [bin, 'create', 'vdir', '-d', '2']);
      assert.equal(r.status, 4);
      assert.match(r.stderr, /needs the native backend.*fallback: @ruvector\/core is not installed/);

      const nb = path.join(noneTree.app, 'node_modules/ruvector/bin/ruvector.mjs');
      r = runNode(noneTree.app, [nb, 'doctor', '--json']);
      assert.equal(r.status, 4);
      const none = JSON.parse(r.stdout);
      assert.equal(none.selected, null);
      assert.equal(none.error.code, 'UNSUPPORTED');
      assert.match(none.error.message, /Tried, in order:/);
      r = runNode(noneTree.app, [nb, 'doctor']);
      assert.equal(r.status, 4);
      assert.match(r.stdout, /^native {2}FAILED {2}@ruvector\/core is not installed/m);
      assert.match(r.stdout, /npm install @ruvector\/wasm@0\.1\.0/);
      r = runNode(noneTree.app, [nb, 'info', 'x.rvs']);
      assert.equal(r.status, 4);
      assert.match(r.stderr, /^ruvector: UNSUPPORTED: ruvector has no usable backend/);
    } finally {
      noCore.cleanup();
      noneTree.cleanup();
    }
  });
});
