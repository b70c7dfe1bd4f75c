#!/usr/bin/env bash
# End-to-end tests of the `ruvector` command line tool (docs/cli.md).
#
#   bash tests/cli/cli_test.sh path/to/ruvector
#
# Registered in CTest as `cli_test` (tools/cli/CMakeLists.txt). Works in a fresh
# temporary directory; needs bash and python3 (standard library only).
# Set RUVECTOR_CLI_TEST_KEEP=1 to keep the temporary directory. Every command is exercised,
# with malformed input files checked to fail with the right exit code and a message
# naming the line, and to leave the database unchanged.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 path/to/ruvector" >&2
  exit 2
fi
RV=$(realpath "$1")
T=$(mktemp -d "${TMPDIR:-/tmp}/ruvector-cli-test.XXXXXX")
cleanup() {
  if [[ -n "${LOCK_PID:-}" ]]; then kill "$LOCK_PID" 2>/dev/null || true; fi
  if [[ -n "${RUVECTOR_CLI_TEST_KEEP:-}" ]]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
cd "$T"

checks=0
failures=0
section() { echo "== $*"; }
pass() { checks=$((checks + 1)); }
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL: $*" >&2
}

# run ARGS...: runs ruvector; stdout -> out.txt, stderr -> err.txt, exit code -> $rc.
rc=0
run() {
  set +e
  "$RV" "$@" >out.txt 2>err.txt
  rc=$?
  set -e
}
expect_rc() {
  if [[ $rc -eq $1 ]]; then pass; else fail "$2: exit $rc, expected $1; stderr: $(head -c 400 err.txt)"; fi
}
expect_err() {
  if grep -qF -- "$1" err.txt; then pass; else fail "stderr lacks '$1'; got: $(head -c 400 err.txt)"; fi
}
expect_out() {
  if grep -qF -- "$1" out.txt; then pass; else fail "stdout lacks '$1'; got: $(head -c 400 out.txt)"; fi
}
# The whole of stdout is one JSON document.
expect_json() {
  if python3 -c 'import json,sys; json.load(sys.stdin)' <out.txt 2>/dev/null; then pass; else
    fail "$1: stdout is not one JSON document: $(head -c 300 out.txt)"
  fi
}
# py EXPR: evaluates a Python expression over d = the JSON document in out.txt.
py() { python3 -c "import json; d = json.load(open('out.txt')); print($1)"; }
expect_py() {  # expect_py EXPR EXPECTED DESCRIPTION
  local got
  got=$(py "$1" 2>&1 || true)
  if [[ "$got" == "$2" ]]; then pass; else fail "$3: $1 = '$got', expected '$2'"; fi
}
count_of() {
  run --json info "$1"
  py 'd["count"]' 2>/dev/null || echo "?"
}
expect_count() {
  local got
  got=$(count_of "$1")
  if [[ "$got" == "$2" ]]; then pass; else fail "$3: $1 holds $got vectors, expected $2"; fi
}
# No progress-bar control characters when stderr is not a terminal.
expect_clean_stderr() {
  if LC_ALL=C grep -q $'[\r\x1b]' err.txt; then fail "$1: control characters on a non-TTY stderr"; else pass; fi
}

# ---------------------------------------------------------------------------
section "test data"
python3 - <<'EOF'
import json, struct

def npy(path, descr, shape, values, fmt, fortran=False, major=1):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""))
    prefix = 10 if major == 1 else 12
    while (prefix + len(header) + 1) % 64:
        header += " "
    header += "\n"
    size = struct.pack("<H", len(header)) if major == 1 else struct.pack("<I", len(header))
    body = struct.pack("<%d%s" % (len(values), fmt), *values)
    open(path, "wb").write(b"\x93NUMPY" + bytes([major, 0]) + size + header.encode() + body)

def vec(i, d=4):
    return [float(i + 1), float((i * 7) % 5), float(i % 3) - 1.0, 0.5 * i]

# JSON (array form and {"entries": ...} form), 5 + 2 entries.
json.dump([{"id": "json-%d" % i, "vector": vec(i), "metadata": {"n": i, "src": "json"}} for i in range(5)],
          open("data.json", "w"), indent=1)
json.dump({"entries": [{"id": "obj-%d" % i, "vector": vec(i + 5)} for i in range(2)]}, open("entries.json", "w"))
# JSON Lines: 10 entries, one without an id.
with open("data.jsonl", "w") as f:
    for i in range(10):
        e = {"vector": vec(i + 10), "metadata": {"n": i, "src": "jsonl", "even": i % 2 == 0}}
        if i != 3:
            e["id"] = "jl-%d" % i
        f.write(json.dumps(e) + "\n")
# CSV: vector column, and numeric columns.
with open("data.csv", "w") as f:
    f.write("id,vector,metadata\n")
    for i in range(6):
        f.write('csv-%d,"%s","%s"\n' % (i, json.dumps(vec(i + 20)), json.dumps({"n": i}).replace('"', '""')))
with open("columns.csv", "w") as f:
    f.write("id,v0,v1,v2,v3\n")
    for i in range(3):
        f.write("col-%d,%s\n" % (i, ",".join(str(x) for x in vec(i + 30))))
# .npy float32 (8 rows) and float64 (2 rows), .fvecs (4 rows).
npy("data.npy", "<f4", (8, 4), [x for i in range(8) for x in vec(i + 40)], "f")
npy("data64.npy", "<f8", (2, 4), [x for i in range(2) for x in vec(i + 50)], "d")
with open("data.fvecs", "wb") as f:
    for i in range(4):
        f.write(struct.pack("<i4f", 4, *vec(i + 60)))
# Queries.
json.dump(vec(3), open("query.json", "w"))
npy("queries.npy", "<f4", (3, 4), [x for i in range(3) for x in vec(i)], "f")

# ---- malformed inputs ----
good = lambda i: json.dumps({"id": "bad-%d" % i, "vector": vec(i)})
lines = [good(i) for i in range(10)]
bad_json = list(lines); bad_json[6] = '{"id": "x", "vector": [1, 2, 3, 4]'   # line 7: unterminated
open("bad_json.jsonl", "w").write("\n".join(bad_json) + "\n")
bad_dim = list(lines); bad_dim[6] = '{"id": "x", "vector": [1, 2, 3]}'       # line 7: 3 values
open("bad_dim.jsonl", "w").write("\n".join(bad_dim) + "\n")
with open("bad_nan.csv", "w") as f:                                          # line 12: NaN
    f.write("id,vector\n")
    for i in range(2, 12):
        f.write('r%d,"[1, 2, 3, 4]"\n' % i)
    f.write('r12,"[1, NaN, 3, 4]"\n')
    f.write('r13,"[1, 2, 3, 4]"\n')
bad_array = [{"vector": vec(i)} for i in range(4)] + [{"vector": [1, 2]}]
open("bad_array.json", "w").write("[\n" + ",\n".join(json.dumps(e) for e in bad_array) + "\n]\n")  # line 6
open("empty.jsonl", "w").write("")
npy("fortran.npy", "<f4", (2, 4), [1.0] * 8, "f", fortran=True)
npy("complex.npy", "<c8", (2, 2), [1.0] * 8, "f")
full = open("data.npy", "rb").read()
open("truncated_header.npy", "wb").write(full[:40])
open("truncated_data.npy", "wb").write(full[:-6])
with open("truncated.fvecs", "wb") as f:
    f.write(struct.pack("<i4f", 4, 1, 2, 3, 4))
    f.write(struct.pack("<i2f", 4, 1, 2))            # row 1 declares 4 values, has 2
with open("huge.fvecs", "wb") as f:
    f.write(struct.pack("<i", 1 << 30) + b"xxxx")     # declares 2^30 values
npy("huge.npy", "<f4", (1 << 40, 4), [1.0] * 4, "f")  # declares 2^40 rows
# A file larger than one --batch whose last row is bad: nothing may be written.
with open("late_bad.jsonl", "w") as f:
    for i in range(9):
        f.write(json.dumps({"id": "late-%d" % i, "vector": vec(i)}) + "\n")
    f.write(json.dumps({"id": "late-9", "vector": [0, 0, "x", 0]}) + "\n")
# Cosine database: an all-zero vector on line 3 (valid: it scores 1 against everything).
open("zero.jsonl", "w").write('[1, 0, 0, 0]\n[0, 1, 0, 0]\n[0, 0, 0, 0]\n')
EOF
pass

# ---------------------------------------------------------------------------
section "version and help"
run --version
expect_rc 0 "--version"
expect_out "ruvector "
run --help
expect_rc 0 "--help"
for cmd in create insert import search get delete info bench export; do
  run "$cmd" --help
  expect_rc 0 "$cmd --help"
  expect_out "Usage: ruvector $cmd"
done
run
expect_rc 1 "no command"
run frobnicate db
expect_rc 1 "unknown command"
expect_err "ruvector: USAGE: unknown command 'frobnicate'"
run --json frobnicate
expect_rc 1 "unknown command (--json)"
expect_json "usage error document"
expect_py 'd["error"]["code"]' "USAGE" "usage error code"

# ---------------------------------------------------------------------------
section "create"
run create db --dimensions 4 --metric L2 --m 12 --ef-construction 80 --ef-search 50
expect_rc 0 "create"
expect_out "created db: 4 dimensions, euclidean"
run --json info db
expect_rc 0 "info after create"
expect_json "info"
expect_py 'd["count"], d["dimensions"], d["metric"], d["index"]' "0 4 euclidean hnsw" "created settings"
expect_py 'd["hnsw"]["m"], d["hnsw"]["ef_construction"], d["hnsw"]["ef_search"]' "12 80 50" "hnsw parameters"
# The defaults `create --help` states are the ones a database gets without the flags.
run create dflt --dimensions 4
expect_rc 0 "create with default parameters"
run --json info dflt
engine_defaults=$(py 'd["hnsw"]["m"], d["hnsw"]["ef_construction"], d["hnsw"]["ef_search"]')
run create --help
help_defaults=$(python3 -c '
import re, sys
text = re.sub(r"\s+", " ", open("out.txt").read())  # CLI11 wraps long lines
found = [re.search(r"--%s [^(]*\(default (\d+)\)" % f, text) for f in ("m", "ef-construction", "ef-search")]
print(*[m.group(1) if m else "missing" for m in found])')
if [[ "$help_defaults" == "$engine_defaults" ]]; then pass; else
  fail "create --help states defaults m/efConstruction/efSearch '$help_defaults', the engine uses '$engine_defaults'"
fi
run create db --dimensions 4
expect_rc 2 "create over an existing database"
expect_err "ruvector: ALREADY_EXISTS:"
run create other --dimensions 4 --metric cosinus
expect_rc 1 "unknown metric"
expect_err "ruvector: INVALID_ARGUMENT: --metric: unknown metric"
run create other --dimensions 4 --index ivf
expect_rc 1 "unknown index"
run create other
expect_rc 1 "missing --dimensions"
run create other --dimensions 0
expect_rc 1 "--dimensions 0"
run create other --dimensions 4 --m 1
expect_rc 1 "--m out of range"
if [[ -e other ]]; then fail "a failed create left 'other' behind"; else pass; fi
mkdir junk && echo hello >junk/file.txt
run create junk --dimensions 4
expect_rc 2 "create in a non-empty directory"
run --json create flatdb -d 4 --index flat --metric dot
expect_rc 0 "create flat (--json)"
expect_json "create"
expect_py 'd["index"], d["metric"], d["created"]' "flat dot True" "create --json"
run create cosdb -d 4
expect_rc 0 "create cosine"

# ---------------------------------------------------------------------------
section "insert"
run insert db --vector "[1, 2, 3, 4]" --id first --metadata '{"n": 100, "tag": "first"}'
expect_rc 0 "insert"
expect_out "first"
run insert db --vector "-1,-2,-3,-4"
expect_rc 0 "insert with a generated id, negative values"
if grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' out.txt; then pass; else
  fail "generated id is not a UUID v4: $(cat out.txt)"
fi
run --json insert db --vector "[0.1, 0.2, 0.3, 0.4]" --id second
expect_json "insert --json"
expect_py 'd["id"], d["count"]' "second 3" "insert --json"
run insert db --vector "[1, 2, 3]" --id short
expect_rc 2 "insert wrong dimension"
expect_err "ruvector: DIMENSION_MISMATCH: vector has 3 values, database expects 4"
run insert db --vector "[1, NaN, 3, 4]"
expect_rc 2 "insert NaN"
expect_err "ruvector: INVALID_ARGUMENT: --vector: vector[1]: NaN is not allowed"
run insert db --vector "[1, 2, x, 4]"
expect_rc 2 "insert non-number"
run insert db --vector "[1, 2, 3, 4]" --metadata '{"a": '
expect_rc 2 "insert bad metadata JSON"
expect_err "--metadata is not valid JSON"
run insert db --vector "[1, 2, 3, 4]" --metadata '[1]'
expect_rc 2 "insert metadata not an object"
run insert cosdb --vector "[0, 0, 0, 0]" --id zero
expect_rc 0 "insert zero vector under cosine (scores 1 against everything)"
run delete cosdb zero
expect_rc 0 "delete the zero vector again"
expect_count db 3 "count after inserts and rejected inserts"

# ---------------------------------------------------------------------------
section "import: every format"
run import db data.json
expect_rc 0 "import json"
expect_out "imported 5 vectors from data.json"
expect_clean_stderr "import json"
run import db entries.json
expect_rc 0 "import {entries} json"
run --json import db data.jsonl
expect_rc 0 "import jsonl"
expect_json "import --json"
expect_py 'd["imported"], d["format"], d["count"]' "10 jsonl 20" "import jsonl --json"
run import db data.csv
expect_rc 0 "import csv (vector column)"
run import db columns.csv
expect_rc 0 "import csv (numeric columns)"
run import db data.npy --id-prefix npy-
expect_rc 0 "import npy float32"
run import db data64.npy --id-prefix f64-
expect_rc 0 "import npy float64"
run import db data.fvecs --id-prefix fv- --batch 3
expect_rc 0 "import fvecs in batches"
run --json import db data.fvecs --id-prefix fv- --batch 3
expect_py 'd["batches"]' "2" "--batch 3 over 4 rows"
# 3 + 5 + 2 + 10 + 6 + 3 + 8 + 2 + 4 (the second fvecs import upserts the same ids).
expect_count db 43 "count after imports"
# Re-importing a file upserts its ids (jl-3 has none: it gets a second copy). Done on
# a copy; afterwards every stored vector must still be its own nearest neighbour.
cp -r db upsert
run -q import upsert data.jsonl --format jsonl
expect_rc 0 "import --format jsonl --quiet (upserts the same ids)"
if [[ -s out.txt ]]; then fail "--quiet import printed: $(cat out.txt)"; else pass; fi
expect_count upsert 44 "count after a re-import"
run --json bench upsert --sample 1000 --ef 500 -k 1
expect_py 'd["queries"], d["results"][0]["recall"]' "44 1.0" \
  "engine: after upserts every vector is reachable in the HNSW graph (ef 500 > count)"
run get db npy-7
expect_rc 0 "npy ids are <prefix><row>"
run --json get db f64-1
expect_py 'd["vector"]' "[52.0, 2.0, -1.0, 25.5]" "float64 converted"

# ---------------------------------------------------------------------------
section "import: malformed input changes nothing"
before=$(count_of db)
run import db bad_json.jsonl
expect_rc 2 "bad JSON"
expect_err "ruvector: INVALID_ARGUMENT: bad_json.jsonl:7: invalid JSON"
run import db bad_dim.jsonl
expect_rc 2 "wrong dimension"
expect_err "ruvector: DIMENSION_MISMATCH: bad_dim.jsonl:7: vector has 3 values, database expects 4"
run import db bad_nan.csv
expect_rc 2 "NaN in csv"
expect_err "bad_nan.csv:12: column 'vector': "
expect_err "NaN is not allowed"
run import db bad_array.json
expect_rc 2 "wrong dimension in a JSON array"
expect_err "ruvector: DIMENSION_MISMATCH: bad_array.json:6: entry 4: vector has 2 values, database expects 4"
run import db empty.jsonl
expect_rc 2 "empty file"
expect_err "empty.jsonl: the file is empty"
run import db fortran.npy
expect_rc 2 "fortran-order npy"
expect_err "Fortran-order"
run import db complex.npy
expect_rc 2 "complex dtype npy"
expect_err "dtype '<c8' is not supported"
run import db truncated_header.npy
expect_rc 2 "truncated npy header"
expect_err "truncated .npy header"
run import db truncated_data.npy
expect_rc 2 "truncated npy data"
run import db truncated.fvecs
expect_rc 2 "truncated fvecs row"
expect_err "truncated.fvecs: row 1 (byte 20): truncated"
run import db huge.fvecs
expect_rc 2 "huge declared fvecs dimension"
run import db huge.npy
expect_rc 2 "huge declared npy shape"
run import db late_bad.jsonl --batch 2
expect_rc 2 "bad last row with --batch"
expect_err "late_bad.jsonl:10: vector[2] is string"
run get db late-0
expect_rc 3 "no row of a failed batched import was written"
run import db missing.jsonl
expect_rc 2 "missing input file"
expect_err "cannot read 'missing.jsonl'"
run import db data.parquet
expect_rc 1 "unknown extension"
expect_err "--format"
run import db data.json --format xml
expect_rc 1 "unknown --format"
run import cosdb zero.jsonl
expect_rc 0 "zero vector in a cosine import is a valid row"
expect_count cosdb 3 "cosine db holds the three rows"
expect_count db "$before" "database unchanged after every malformed import"

# ---------------------------------------------------------------------------
section "search"
run search db --vector "[1, 2, 3, 4]" -k 3
expect_rc 0 "search"
expect_out "first"
run --json search db --vector "[1, 2, 3, 4]" -k 3
expect_rc 0 "search --json"
expect_json "search"
expect_py 'len(d["hits"]), d["hits"][0]["id"], d["hits"][0]["score"]' "3 first 0.0" "nearest is itself"
expect_py 'd["hits"][0]["metadata"]' "{'n': 100, 'tag': 'first'}" "metadata included by default"
expect_py 'all(d["hits"][i]["score"] <= d["hits"][i+1]["score"] for i in range(2))' "True" "sorted by score"
run --json search db --vector "[1, 2, 3, 4]" -k 2 --no-metadata --include-vector --ef 100
expect_py '"metadata" in d["hits"][0], d["hits"][0]["vector"]' "False [1.0, 2.0, 3.0, 4.0]" "--no-metadata --include-vector"
run --json search db --vector "[1, 2, 3, 4]" -k 50 --filter '{"src": "jsonl", "n": {"$gte": 5}}'
expect_rc 0 "filtered search"
expect_py 'len(d["hits"]), all(h["metadata"]["src"] == "jsonl" and h["metadata"]["n"] >= 5 for h in d["hits"])' \
  "5 True" "filter applied during search"
run search db --vector "[1, 2, 3, 4]" --filter '{"n": {"$between": 1}}'
expect_rc 2 "invalid filter"
expect_err "ruvector: INVALID_ARGUMENT: invalid filter"
run search db --vector "[1, 2, 3, 4]" --filter '{"n": '
expect_rc 2 "filter not JSON"
expect_err "--filter is not valid JSON"
run search db --vector "[1, 2]"
expect_rc 2 "query of the wrong dimension"
expect_err "ruvector: DIMENSION_MISMATCH: vector has 2 values, database expects 4"
run search db --vector "[1, 2, 3, 4]" -k 0
expect_rc 1 "-k 0"
run search db
expect_rc 1 "no query vector"
run search db --vector "[1,2,3,4]" --vector-file query.json
expect_rc 1 "both --vector and --vector-file"
run --json search db --vector-file query.json -k 1
expect_rc 0 "--vector-file json"
expect_py 'd["hits"][0]["id"]' "json-3" "query from a JSON file"
run --json search db --vector-file queries.npy --row 2 -k 1
expect_rc 0 "--vector-file npy --row"
expect_py 'd["hits"][0]["id"]' "json-2" "query from row 2 of an npy file"
run --json search db --vector-file data.fvecs --row 1 -k 1
expect_py 'd["hits"][0]["score"]' "0.0" "query from an fvecs row"
run search db --vector-file queries.npy --row 9
expect_rc 2 "--row beyond the file"

# ---------------------------------------------------------------------------
section "get and delete"
run get db first
expect_rc 0 "get"
expect_out "[1, 2, 3, 4]"
run --json get db first
expect_json "get"
expect_py 'd["id"], d["vector"], d["metadata"]["tag"]' "first [1.0, 2.0, 3.0, 4.0] first" "get --json"
run get db no-such-id
expect_rc 3 "get of a missing id"
expect_err "ruvector: NOT_FOUND:"
run --json get db no-such-id
expect_rc 3 "get of a missing id (--json)"
expect_json "error document"
expect_py 'd["error"]["code"], d["error"]["exit_code"]' "NOT_FOUND 3" "error document"
before=$(count_of db)
run --json delete db first second no-such-id
expect_rc 0 "delete"
expect_py 'd["deleted"], d["not_found"]' "['first', 'second'] ['no-such-id']" "delete --json"
expect_count db $((before - 2)) "count after delete"
run get db first
expect_rc 3 "get after delete"
run --json search db --vector "[1, 2, 3, 4]" -k 100
expect_py '"first" in [h["id"] for h in d["hits"]]' "False" "deleted id gone from search"

# ---------------------------------------------------------------------------
section "info"
run info db
expect_rc 0 "info"
expect_out "simd"
expect_out "index source"
run --json info db
expect_py 'sorted(k for k in ["count", "dimensions", "metric", "index", "hnsw", "disk_bytes", "memory_bytes", "index_source", "simd", "version", "storage"] if k not in d)' \
  "[]" "info --json fields"
expect_py 'd["disk_bytes"] > 0, d["simd"] in ("scalar", "avx2", "avx512", "neon", "simd128")' "True True" "info values"

# ---------------------------------------------------------------------------
section "bench"
run --json bench db --sample 20 --ef 8,64 -k 5
expect_rc 0 "bench (sampled queries)"
expect_json "bench"
expect_py 'len(d["results"]), d["queries"], d["results"][1]["recall"] >= 0.9, d["results"][0]["qps"] > 0' \
  "2 20 True True" "bench --json"
run --json bench db --queries queries.npy -k 3
expect_rc 0 "bench --queries"
expect_py 'd["queries"], [r["ef"] for r in d["results"]]' "3 [16, 32, 64, 128]" "bench with a query file"
run bench flatdb
expect_rc 2 "bench of an empty database"
run bench db --ef 0,x
expect_rc 1 "bad --ef list"
run bench db --sample 5
expect_rc 0 "bench text"
expect_out "recall@10"

# ---------------------------------------------------------------------------
section "export and round trips"
n=$(count_of db)
run export db --jsonl dump.jsonl
expect_rc 0 "export jsonl"
if [[ $(wc -l <dump.jsonl) -eq $n ]]; then pass; else fail "dump.jsonl has $(wc -l <dump.jsonl) lines, expected $n"; fi
run export db --jsonl - --quiet
expect_rc 0 "export jsonl to stdout"
if [[ $(wc -l <out.txt) -eq $n ]]; then pass; else fail "stdout export has $(wc -l <out.txt) lines, expected $n"; fi
run create copy -d 4 --metric euclidean
run import copy dump.jsonl
expect_rc 0 "re-import of the JSONL export"
expect_count copy "$n" "JSONL round trip keeps every vector"
run --json get copy json-2
expect_py 'd["metadata"]' "{'n': 2, 'src': 'json'}" "JSONL round trip keeps metadata"
run --json export db --snapshot snap.rvs
expect_rc 0 "export snapshot"
expect_json "export --json"
expect_py 'd["exported"] == '"$n"', d["bytes"] > 0' "True True" "export --json"
run create fromsnap --from-snapshot snap.rvs
expect_rc 0 "create --from-snapshot"
expect_count fromsnap "$n" "snapshot round trip keeps every vector"
run --json info fromsnap
expect_py 'd["metric"], d["hnsw"]["m"]' "euclidean 12" "settings come from the snapshot"
run --json search db --vector "[5, 2, 1, 2]" -k 5 --ef 200
original=$(py '[h["id"] for h in d["hits"]]')
run --json search fromsnap --vector "[5, 2, 1, 2]" -k 5 --ef 200
expect_py '[h["id"] for h in d["hits"]]' "$original" "same results after the snapshot round trip"
run create snapimport -d 4 --metric euclidean
run import snapimport snap.rvs
expect_rc 0 "import of a snapshot"
expect_count snapimport "$n" "snapshot import"
head -c 200 snap.rvs >cut.rvs
run create broken --from-snapshot cut.rvs
expect_rc 4 "truncated snapshot"
expect_err "ruvector: CORRUPTION:"
if [[ -e broken ]]; then fail "a failed create --from-snapshot left 'broken' behind"; else pass; fi
run export db
expect_rc 1 "export without a target"
run --json export db --jsonl -
expect_rc 1 "--json with --jsonl -"

# ---------------------------------------------------------------------------
section "progress"
# 3 MiB of .fvecs (768 rows x 1024 values): the readers report about every MiB.
python3 - <<'EOF'
import struct
with open("big.fvecs", "wb") as f:
    for r in range(768):
        f.write(struct.pack("<i", 1024) + struct.pack("<1024f", *[(r * 7 + j) % 13 - 6.0 for j in range(1024)]))
EOF
run create prog --dimensions 1024 --index flat
expect_rc 0 "create prog"
run import prog big.fvecs
expect_rc 0 "import without --progress"
if [[ ! -s err.txt ]]; then pass; else fail "no progress on a non-terminal stderr without --progress: $(head -c 200 err.txt)"; fi
run --progress import prog big.fvecs --id-prefix again-
expect_rc 0 "import --progress"
# Lines, not a bar: the steps, 0% first, 100% last, increasing, no control characters.
if python3 - <<'EOF'
import re
lines = open("err.txt").read().split("\n")
assert "\r" not in "".join(lines) and "\x1b" not in "".join(lines), lines
assert lines[0] == "reading big.fvecs...", lines
parsing = [int(m.group(1)) for l in lines if (m := re.fullmatch(r"parsing: (\d+)%", l))]
assert parsing[0] == 0 and parsing[-1] == 100 and parsing == sorted(set(parsing)) and len(parsing) >= 3, parsing
assert "inserting 768 vectors..." in lines and "saving index..." in lines, lines
EOF
then pass; else fail "--progress lines: $(head -c 400 err.txt)"; fi
run --progress --quiet import prog big.fvecs --id-prefix third- --batch 100
expect_err "inserting: 0%"
expect_err "inserting: 100%"

section "snapshot file databases"
# A regular file (or a new name ending in .rvs) is a database held in memory and written
# back atomically by a writing command, as in the JS command.
run create mem.rvs --dimensions 3 --metric euclidean --json
expect_rc 0 "create mem.rvs"
if [[ "$(py 'd["storage"]')" == "snapshot" && -f mem.rvs ]]; then pass; else fail "create mem.rvs: $(cat out.txt)"; fi
run create mem.rvs --dimensions 3
expect_rc 2 "create over an existing snapshot file"
expect_err "ALREADY_EXISTS"
run insert mem.rvs --vector "[1, 2, 3]" --id m1 --metadata '{"k": 1}'
expect_rc 0 "insert into mem.rvs"
printf '{"id": "m2", "vector": [4, 5, 6]}\n{"id": "m3", "vector": [7, 8, 9]}\n' > mem.jsonl
run import mem.rvs mem.jsonl --json
expect_rc 0 "import into mem.rvs"
if [[ "$(py 'd["count"], d["batches"]')" == "3 1" ]]; then pass; else fail "import into mem.rvs: $(cat out.txt)"; fi
run search mem.rvs --vector "4,5,6.5" -k 1 --json
if [[ "$(py 'd["hits"][0]["id"]')" == "m2" ]]; then pass; else fail "search mem.rvs: $(cat out.txt)"; fi
run delete mem.rvs m3 nope --json
if [[ "$(py 'd["count"]')" == "2" ]]; then pass; else fail "delete from mem.rvs: $(cat out.txt)"; fi
run info mem.rvs --json
if [[ "$(py 'd["count"], d["storage"]')" == "2 snapshot" ]]; then pass; else fail "info mem.rvs: $(cat out.txt)"; fi
run get mem.rvs m1 --json
if [[ "$(py 'd["metadata"]')" == "{'k': 1}" ]]; then pass; else fail "get from mem.rvs: $(cat out.txt)"; fi
# A live writer's lock file: LOCKED (exit 5), the file unchanged; a stale one is taken over.
sleep 30 & HOLDER=$!
echo "$HOLDER" > mem.rvs.lock
cp mem.rvs mem.before
run insert mem.rvs --vector "1,1,1"
expect_rc 5 "insert while mem.rvs.lock names a live process"
if cmp -s mem.rvs mem.before; then pass; else fail "a refused insert changed mem.rvs"; fi
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null || true
run insert mem.rvs --vector "1,1,1" --id m4
expect_rc 0 "insert over a stale lock file"
if [[ ! -e mem.rvs.lock ]]; then pass; else fail "the lock file was left behind"; fi

section "missing and foreign databases"
for cmd in info "get nodb x" "search nodb --vector 1,2,3,4" "insert nodb --vector 1,2,3,4" "import nodb data.json" \
  "delete nodb x" "bench nodb" "export nodb --jsonl x.jsonl"; do
  read -r -a args <<<"$cmd"
  [[ ${#args[@]} -eq 1 ]] && args+=(nodb)
  run "${args[@]}"
  expect_rc 3 "$cmd on a missing database"
  expect_err "ruvector: NOT_FOUND:"
done
if [[ -e nodb ]]; then fail "a command created 'nodb'"; else pass; fi
run info junk
expect_rc 3 "info on a directory that is not a database"
run info data.json
expect_rc 4 "info on a file that is not a snapshot"
expect_err "CORRUPTION: data.json"

# ---------------------------------------------------------------------------
section "locking"
# Another process holding the write lock: the LMDB backend flock()s db/writer.lock.
if [[ -e db/writer.lock ]]; then
  python3 -c 'import fcntl, sys, time
f = open("db/writer.lock", "a")
fcntl.flock(f, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)' >lock.txt &
  LOCK_PID=$!
  for _ in $(seq 50); do grep -q locked lock.txt 2>/dev/null && break; sleep 0.1; done
  run insert db --vector "[1, 2, 3, 4]" --id locked
  expect_rc 5 "write while another process holds the write lock"
  expect_err "ruvector: LOCKED:"
  run --json search db --vector "[1, 2, 3, 4]" -k 1
  expect_rc 0 "read-only commands run beside a writer"
  kill "$LOCK_PID" 2>/dev/null || true
  wait "$LOCK_PID" 2>/dev/null || true
  LOCK_PID=
  run insert db --vector "[1, 2, 3, 4]" --id unlocked
  expect_rc 0 "write after the lock is released"
else
  fail "db/writer.lock is missing: the LOCKED check cannot run"
fi

# ---------------------------------------------------------------------------
section "corruption"
cp -r db corrupt
python3 - <<'EOF'
import os
path = "corrupt/data.mdb"
size = os.path.getsize(path)
with open(path, "r+b") as f:  # overwrite both LMDB meta pages
    f.write(b"\xde\xad\xbe\xef" * 2048)
EOF
run info corrupt
if [[ $rc -eq 4 ]]; then pass; else fail "info on a damaged store: exit $rc, expected 4; $(head -c 300 err.txt)"; fi

echo
if [[ $failures -gt 0 ]]; then
  echo "cli_test: $failures of $checks checks FAILED"
  exit 1
fi
echo "cli_test: all $checks checks passed"
