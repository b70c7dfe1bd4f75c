#!/usr/bin/env node
// `ruvector`: the everyday commands of the ruvector vector database, from the shell,
// on whichever backend loads (native @ruvector/core, else @ruvector/wasm). Flags,
// output and exit codes follow the C++ tool (docs/cli.md).
//
// A database is either a directory (durable LMDB storage: the native backend, the same
// directories the C++ tool uses) or a snapshot file ending in .rvs (any backend).
import { createRequire } from 'node:module';
import { parse, bind, GLOBAL, UsageError } from '../lib/cli/args.mjs';
import * as cmd from '../lib/cli/commands.mjs';

const require = createRequire(import.meta.url);
const PKG = require('../package.json');

const EXIT = {
  USAGE: 1, INVALID_ARGUMENT: 2, DIMENSION_MISMATCH: 2, ALREADY_EXISTS: 2, NOT_FOUND: 3,
  CORRUPTION: 4, IO_ERROR: 4, UNSUPPORTED: 4, RESOURCE_EXHAUSTED: 4, LOCKED: 5,
};

const DB = { name: 'path', required: true };
const D = cmd.CREATE_DEFAULTS;
const S = cmd.SEARCH_DEFAULTS;
const B = cmd.BENCH_DEFAULTS;
const COMMANDS = {
  create: {
    summary: 'Create a new, empty database (a directory, or a .rvs snapshot file)',
    positional: [DB],
    options: {
      dimensions: { value: 'N', alias: 'd', help: 'Vector length, 1..65536 (required unless --from-snapshot)' },
      metric: { value: 'NAME', help: 'cosine (default), euclidean|l2, dot|dotproduct|innerproduct|ip, manhattan|l1' },
      index: { value: 'KIND', help: 'hnsw (approximate, default) or flat (exact)' },
      quantization: { value: 'MODE', help: 'none (default), int8 (alias scalar) or binary: codes for the graph walk, re-ranked with the exact floats (docs/quantization.md)' },
      rescore: { value: 'R', help: `Re-rank the best rescore x k candidates exactly, 0..100 (default int8 ${D.rescoreInt8}, binary ${D.rescoreBinary}; quantized databases only)` },
      m: { value: 'M', help: `HNSW links per node, 2..256 (default ${D.m})` },
      'ef-construction': { value: 'E', help: `HNSW build candidate list, 1..65535 (default ${D.efConstruction})` },
      'ef-search': { value: 'S', help: `HNSW default search candidate list, 1..65535 (default ${D.efSearch})` },
      'from-snapshot': { value: 'FILE', help: 'Fill the new database from a snapshot file; settings come from it' },
      shards: { value: 'S', help: `redis:// index only: the number of shard keys, fixed at creation; ${D.shards} when omitted (docs/scale-out.md)` },
    },
    run: cmd.create,
  },
  insert: {
    summary: 'Insert (or replace) one vector',
    positional: [DB],
    options: {
      vector: { value: 'V', alias: 'v', help: 'The vector: "[1, 2, 3]" or "1,2,3"' },
      id: { value: 'ID', help: 'Id (default: a generated UUID); an existing id is replaced' },
      metadata: { value: 'JSON', help: 'Metadata, a JSON object, e.g. \'{"a": 1}\'' },
    },
    run: cmd.insert,
  },
  import: {
    summary: 'Import vectors from a JSON, JSON Lines, CSV, .npy, .fvecs or snapshot file (all or nothing)',
    positional: [DB, { name: 'file', required: true }],
    options: {
      format: { value: 'F', alias: 'f', help: 'json | jsonl | csv | npy | fvecs | snapshot (default: from the extension)' },
      batch: { value: 'N', help: 'Rows per transaction in a directory; 0 (default) = the whole file in one' },
      'id-prefix': { value: 'P', help: 'Ids of rows without one: <prefix><row> (npy/fvecs rows always get these)' },
    },
    run: cmd.importFile,
  },
  search: {
    summary: 'Find the k nearest vectors',
    positional: [DB],
    options: {
      vector: { value: 'V', alias: 'v', help: 'The query vector: "[1, 2, 3]" or "1,2,3"' },
      'vector-file': { value: 'F', help: 'Read the query from a file: .json/.jsonl/.csv/.npy/.fvecs (row --row), or text' },
      row: { value: 'N', help: `Row of --vector-file to use (0-based, default ${S.row})` },
      k: { value: 'K', alias: 'k', help: `Number of results (default ${S.k})` },
      ef: { value: 'E', help: "HNSW candidate list for this query (default: the database's)" },
      filter: { value: 'JSON', help: 'Metadata filter, e.g. \'{"a": {"$gt": 1}}\'' },
      'include-vector': { flag: true, help: 'Include the stored vectors in the results' },
      'no-metadata': { flag: true, help: 'Leave metadata out of the results' },
    },
    run: cmd.search,
  },
  get: { summary: 'Print one entry by id', positional: [DB, { name: 'id', required: true }], options: {}, run: cmd.get },
  delete: {
    summary: 'Delete entries by id (absent ids are reported, not an error)',
    positional: [DB, { name: 'ids', required: true, rest: true }], options: {}, run: cmd.del,
  },
  info: { summary: "Show a database's settings, size and runtime details", positional: [DB], options: {}, run: cmd.info },
  bench: {
    summary: 'Measure recall@k against brute force and single-thread QPS per ef',
    positional: [DB],
    options: {
      queries: { value: 'FILE', help: 'Query file (.npy/.fvecs/.jsonl/.json/.csv); default: --sample vectors sampled from the database' },
      k: { value: 'K', alias: 'k', help: `k (default ${B.k})` },
      ef: { value: 'LIST', help: `Comma-separated ef values (default ${B.ef})` },
      sample: { value: 'N', help: `Number of queries (default ${B.sample})` },
      seed: { value: 'S', help: `Seed for sampling queries (default ${B.seed})` },
    },
    run: cmd.bench,
  },
  export: {
    summary: 'Write the database to a portable snapshot or to JSON Lines',
    positional: [DB],
    options: {
      snapshot: { value: 'FILE', help: 'Snapshot file (docs/file-format.md)' },
      jsonl: { value: 'FILE', help: "JSON Lines file ('-' = stdout), one entry per line" },
    },
    run: cmd.exportDb,
  },
  doctor: { summary: 'Report which backend loads and why, SIMD levels and versions', positional: [], options: {}, run: null },
};

const FOOTER = `Exit codes: 0 ok, 1 usage error, 2 bad input (INVALID_ARGUMENT, DIMENSION_MISMATCH, ALREADY_EXISTS),
3 not found (NOT_FOUND: missing database or id), 4 database error (CORRUPTION, IO_ERROR, UNSUPPORTED,
RESOURCE_EXHAUSTED; also no usable backend), 5 LOCKED. Errors go to stderr as "ruvector: CODE: message".
A database is a directory (durable; needs the native backend), a snapshot file named *.rvs (any backend),
or redis://HOST:PORT[,HOST:PORT...]/INDEX: an index over a Redis Cluster running ruvector-redis.so
(needs the redis npm package; --filter then takes a vector-sets FILTER expression).
RUVECTOR_BACKEND=native|wasm (or --backend) forces a backend.`;

function optionLines(options) {
  return Object.entries(options).map(([name, o]) => {
    const flag = (o.alias ? `-${o.alias}, ` : '    ') + `--${name}${o.value ? ` ${o.value}` : ''}`;
    return `  ${flag.padEnd(30)} ${o.help}`;
  });
}

function help(command) {
  if (!command) {
    return [`ruvector ${PKG.version}: the ruvector vector database from the shell.`, '',
      'Usage: ruvector [--json] [-q] [--backend native|wasm] COMMAND ...', '', 'Commands:',
      ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`), '', 'Options:', ...optionLines(GLOBAL), '',
      "Run 'ruvector COMMAND --help' for a command's options.", '', FOOTER].join('\n');
  }
  const c = COMMANDS[command];
  const pos = c.positional.map((p) => (p.rest ? `${p.name.toUpperCase()}...` : p.name.toUpperCase())).join(' ');
  return [`Usage: ruvector ${command} ${pos} [options]`, '', c.summary, '', 'Options:', ...optionLines(c.options),
    ...optionLines(GLOBAL), '', FOOTER].join('\n');
}

function printJson(doc) {
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}

function fail(json, code, message, exitCode = EXIT[code] ?? 4) {
  process.stderr.write(`ruvector: ${code}: ${message}\n`);
  if (json) printJson({ error: { code, message, exit_code: exitCode } });
  return exitCode;
}

async function main(argv) {
  const json = argv.includes('--json');
  let parsed;
  try {
    parsed = parse(argv, COMMANDS);
  } catch (e) {
    return fail(json, 'USAGE', e.message);
  }
  const { command, positional, options, globals } = parsed;
  if (globals.help) {
    process.stdout.write(`${help(command)}\n`);
    return 0;
  }
  if (globals.backend !== undefined) process.env.RUVECTOR_BACKEND = globals.backend;
  const backendLib = require('../lib/backend.js');
  let rv = null;
  let loadError = null;
  try {
    rv = require('../index.js');
  } catch (e) {
    loadError = e;
  }
  if (globals.version) {
    if (!rv) return fail(json, loadError.code || 'UNSUPPORTED', String(loadError.message).replace(/^[A-Z_]+: /, ''));
    const b = rv.getBackend();
    if (json) printJson({ version: PKG.version, engine: b.version, backend: b.name, simd: b.simdLevel });
    else process.stdout.write(`ruvector ${PKG.version} (backend ${b.name}, simd ${b.simdLevel})\n`);
    return 0;
  }
  if (!command) return fail(json, 'USAGE', `a command is required; commands: ${Object.keys(COMMANDS).join(', ')} (see: ruvector --help)`);
  const out = new cmd.Output(globals);
  try {
    const spec = COMMANDS[command];
    const args = bind(command, spec, positional);
    let doc;
    if (command === 'doctor') {
      doc = await cmd.doctor(out, backendLib, loadError, rv);
    } else {
      // A redis:// index lives in the servers: it needs no local backend.
      if (!rv && !/^redis:\/\//.test(String(positional[0]))) throw loadError;
      if (rv) await rv.ready();  // the wasm module loads here; the record formats need it
      doc = await spec.run(rv, out, args, options);
    }
    if (json && doc !== null && doc !== undefined) printJson(doc);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return fail(json, e.code || 'USAGE', e.message.replace(/^[A-Z_]+: /, ''), 1);
    // A cluster that does not answer: the facade's UNAVAILABLE is the command's IO_ERROR
    // (exit 4), as in the C++ tool; the message says which shard keys failed.
    if (e && e.code === 'UNAVAILABLE') e = Object.assign(new Error(String(e.message).replace(/^UNAVAILABLE: /, '')), { code: 'IO_ERROR' });
    if (e && typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) {
      const msg = String(e.message).replace(new RegExp(`^${e.code}: `), '');
      if (e.silent) {
        if (json) printJson({ ...e.doc, error: { ...e.doc.error, exit_code: EXIT[e.code] ?? 4 } });
        return EXIT[e.code] ?? 4;
      }
      const code = e.exitCode !== undefined ? e.exitCode : EXIT[e.code] ?? 4;
      process.stderr.write(`ruvector: ${e.code}: ${msg}\n`);
      if (json) printJson({ error: { code: e.code, message: msg, exit_code: code } });
      return code;
    }
    return fail(json, 'IO_ERROR', `internal error: ${e && e.stack ? e.stack : e}`);
  }
}

process.exitCode = await main(process.argv.slice(2));
