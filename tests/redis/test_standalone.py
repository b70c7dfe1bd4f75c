"""ruvector-redis.so on one redis-server (and one replica): every command's replies and
errors (RESP2 and RESP3), FILTER against a brute-force oracle, persistence (DEBUG RELOAD,
RDB restart, AOF rewrite without RDB preamble + restart), corrupt RESTORE payloads,
replication digests and memory accounting.

Usage: test_standalone.py MODULE_SO WORKDIR BASE_PORT
Oracles: numpy brute force over the vectors the test sent, a Python evaluator of the
same filters, a reloaded / restarted / replica server."""
import math
import os
import random
import sys
import time

import numpy as np
import redis

from redis_harness import Resp3, Server, crc64, wait_until, with_crc

MODULE, WORKDIR, BASE_PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


RAW = None  # a raw connection: redis-py drops the "ERR " prefix of error replies


def expect_error(args, prefix, what):
    kind, text = RAW.call(*args)
    check(kind == "error" and text.startswith(prefix), "%s: reply %r does not start with %r" % (what, text, prefix))


def blob(v):
    return np.asarray(v, dtype="<f4").tobytes()


def pairs(reply):
    return [(reply[i].decode(), float(reply[i + 1])) for i in range(0, len(reply), 2)]


def brute(vectors, ids, q, k, keep=None):
    q = np.asarray(q, dtype=np.float64)
    v = vectors.astype(np.float64)
    cos = v @ q / (np.linalg.norm(v, axis=1) * np.linalg.norm(q))
    scores = (1 + np.clip(cos, -1, 1)) / 2
    order = sorted((i for i in range(len(ids)) if keep is None or keep(i)), key=lambda i: (-scores[i], ids[i]))
    return [(ids[i], scores[i]) for i in order[:k]]


# ---------------------------------------------------------------- commands
def test_commands(r, port):
    global RAW
    RAW = Resp3(port)
    r.flushall()
    check(r.execute_command("VADD", "s", "VALUES", 3, 1, 0, 0, "a", "SETATTR", '{"x": 1}') == 1, "VADD new -> 1")
    check(r.execute_command("VADD", "s", "FP32", blob([0, 1, 0]), "b") == 1, "VADD FP32 new -> 1")
    check(r.execute_command("VADD", "s", "VALUES", 3, 1, 1, 0, "c", "NOQUANT", "EF", 50, "M", 16) == 1, "VADD opts")
    check(r.execute_command("VADD", "s", "VALUES", 3, 1, 0.5, 0, "c", "CAS") == 0, "VADD update -> 0")
    check(r.execute_command("VCARD", "s") == 3, "VCARD 3")
    check(r.execute_command("VCARD", "nokey") == 0, "VCARD missing 0")
    check(r.execute_command("VDIM", "s") == 3, "VDIM 3")
    expect_error(("VDIM", "nokey",), "ERR key does not exist", "VDIM missing")
    emb = [float(x) for x in r.execute_command("VEMB", "s", "c")]
    check(np.allclose(emb, [1, 0.5, 0], atol=1e-6), "VEMB returns the updated vector %r" % emb)
    check(r.execute_command("VEMB", "s", "zz") is None, "VEMB missing element -> nil")
    check(r.execute_command("VEMB", "nokey", "a") is None, "VEMB missing key -> nil")
    check(r.execute_command("VGETATTR", "s", "a") == b'{"x":1}', "VGETATTR")
    check(r.execute_command("VGETATTR", "s", "b") is None, "VGETATTR none -> nil")
    # An update without SETATTR keeps the attributes.
    r.execute_command("VADD", "s", "VALUES", 3, 1, 0, 0.01, "a")
    check(r.execute_command("VGETATTR", "s", "a") == b'{"x":1}', "update keeps attributes")
    check(r.execute_command("VSETATTR", "s", "b", '{"y": "z"}') == 1, "VSETATTR -> 1")
    check(r.execute_command("VSETATTR", "s", "nope", '{"y": 1}') == 0, "VSETATTR missing element -> 0")
    check(r.execute_command("VGETATTR", "s", "b") == b'{"y":"z"}', "VGETATTR after VSETATTR")
    check(r.execute_command("VSETATTR", "s", "b", "") == 1, "VSETATTR empty removes")
    check(r.execute_command("VGETATTR", "s", "b") is None, "attribute removed")
    expect_error(("VSETATTR", "s", "a", "[1,2]",), "ERR invalid JSON", "VSETATTR array")
    expect_error(("VSETATTR", "s", "a", "{bad",), "ERR invalid JSON", "VSETATTR bad JSON")
    check(r.execute_command("VGETATTR", "s", "a") == b'{"x":1}', "failed VSETATTR changed nothing")
    check(r.execute_command("VISMEMBER", "s", "a") == 1, "VISMEMBER 1")
    check(r.execute_command("VISMEMBER", "s", "zz") == 0, "VISMEMBER 0")
    check(r.execute_command("VISMEMBER", "nokey", "a") == 0, "VISMEMBER missing key 0")

    # Errors leave the set unchanged and create no key.
    expect_error(("VADD", "s", "VALUES", 2, 1, 0, "d",),
                 "ERR Vector dimension mismatch - got 2 but set has 3", "VADD dim mismatch")
    expect_error(("VADD", "s", "VALUES", 3, 1, 0, "d",), "ERR invalid vector", "VALUES short")
    expect_error(("VADD", "s", "VALUES", 3, 1, 0, "x", "d",), "ERR invalid vector", "VALUES nan")
    expect_error(("VADD", "s", "VALUES", 3, "nan", 0, 0, "d",), "ERR invalid vector", "NaN")
    expect_error(("VADD", "s", "FP32", b"abc", "d",), "ERR invalid vector", "FP32 len")
    expect_error(("VADD", "s", "VALUES", 3, 1, 0, 0, "d", "Q8",), "ERR asked quantization mismatch", "Q8 on f32")
    expect_error(("VADD", "s", "VALUES", 3, 1, 0, 0, "d", "BIN",), "ERR asked quantization mismatch", "BIN on f32")
    expect_error(("VADD", "s", "VALUES", 3, 1, 0, 0, "d", "M", 32,),
                 "ERR asked M value mismatch", "M mismatch")
    expect_error(("VADD", "s", "VALUES", 3, 1, 0, 0, "d", "SETATTR", "nope",),
                 "ERR invalid JSON", "SETATTR bad")
    expect_error(("VADD", "s", "VALUES", 3, 1, 0, 0, "d", "BOGUS",), "ERR invalid option",
                 "VADD bad option")
    expect_error(("VADD", "s", "REDUCE", 2, "VALUES", 3, 1, 0, 0, "d",), "ERR REDUCE",
                 "REDUCE")
    expect_error(("VADD", "s",), "ERR wrong number of arguments", "VADD arity")
    expect_error(("VADD", "z", "VALUES", 3, 0, 0, 0, "d",), "ERR invalid vector",
                 "zero vector under cosine")
    check(r.exists("z") == 0, "failed VADD created no key")
    check(r.execute_command("VCARD", "s") == 3 and r.execute_command("VISMEMBER", "s", "d") == 0,
          "failed VADDs changed nothing")
    r.set("str", "x")
    expect_error(("VADD", "str", "VALUES", 3, 1, 0, 0, "a",), "WRONGTYPE", "VADD wrongtype")
    expect_error(("VSIM", "str", "VALUES", 3, 1, 0, 0,), "WRONGTYPE", "VSIM wrongtype")
    expect_error(("VCARD", "str",), "WRONGTYPE", "VCARD wrongtype")
    check(r.type("s") == b"ruvec-set", "TYPE is ruvec-set")

    # VSIM basics.
    check(r.execute_command("VSIM", "nokey", "VALUES", 3, 1, 0, 0) == [], "VSIM missing key -> []")
    expect_error(("VSIM", "s", "ELE", "zz",), "ERR element not found in set", "VSIM ELE")
    expect_error(("VSIM", "s", "VALUES", 3, 1, 0, 0, "COUNT", 0,), "ERR invalid COUNT",
                 "COUNT 0")
    expect_error(("VSIM", "s", "VALUES", 3, 1, 0, 0, "FILTER", ".x >",),
                 "ERR syntax error in FILTER expression near: ", "FILTER syntax")
    expect_error(("VSIM", "s", "VALUES", 2, 1, 0,), "ERR Vector dimension mismatch",
                 "VSIM dim")
    got = pairs(r.execute_command("VSIM", "s", "VALUES", 3, 1, 0, 0, "WITHSCORES"))
    check([g[0] for g in got] == ["a", "c", "b"], "VSIM order %r" % got)
    check(abs(got[2][1] - 0.5) < 1e-9, "orthogonal score 0.5")
    c_cos = 1 / math.sqrt(1.25)
    check(abs(got[1][1] - (1 + c_cos) / 2) < 1e-6, "score = (1 + cos) / 2")
    check(r.execute_command("VSIM", "s", "ELE", "a", "COUNT", 1) == [b"a"], "VSIM ELE COUNT 1")
    eps = r.execute_command("VSIM", "s", "VALUES", 3, 1, 0, 0, "EPSILON", 0.5)
    check(eps == [b"a", b"c"], "EPSILON 0.5 keeps distance <= 0.5: %r" % eps)
    wa = r.execute_command("VSIM", "s", "VALUES", 3, 1, 0, 0, "WITHSCORES", "WITHATTRIBS")
    check(len(wa) == 9 and wa[0] == b"a" and wa[2] == b'{"x":1}' and wa[8] is None, "RESP2 WITHSCORES WITHATTRIBS")
    check(r.execute_command("VSIM", "s", "VALUES", 3, 1, 0, 0, "WITHATTRIBS", "COUNT", 1) == [b"a", b'{"x":1}'],
          "WITHATTRIBS")
    # MULTI and NOTHREAD take the synchronous path; results are the same.
    pipe = r.pipeline(transaction=True)
    pipe.execute_command("VSIM", "s", "VALUES", 3, 1, 0, 0)
    check(pipe.execute()[0] == [b"a", b"c", b"b"], "VSIM in MULTI")
    check(r.execute_command("VSIM", "s", "VALUES", 3, 1, 0, 0, "NOTHREAD") == [b"a", b"c", b"b"], "NOTHREAD")
    check(r.eval("return redis.call('VSIM', KEYS[1], 'VALUES', 3, 1, 0, 0)", 1, "s") == [b"a", b"c", b"b"],
          "VSIM from Lua")

    info = r.execute_command("VINFO", "s")
    info = {info[i].decode(): info[i + 1] for i in range(0, len(info), 2)}
    check(info["quant-type"] == b"f32" and info["hnsw-m"] == 16 and info["vector-dim"] == 3 and info["size"] == 3
          and info["attributes-count"] == 1, "VINFO %r" % info)
    check(r.execute_command("VINFO", "nokey") is None, "VINFO missing -> nil")

    one = r.execute_command("VRANDMEMBER", "s")
    check(one in (b"a", b"b", b"c"), "VRANDMEMBER one")
    two = r.execute_command("VRANDMEMBER", "s", 2)
    check(len(two) == 2 and len(set(two)) == 2, "VRANDMEMBER 2 distinct")
    check(sorted(r.execute_command("VRANDMEMBER", "s", 10)) == [b"a", b"b", b"c"], "VRANDMEMBER > size")
    rep = r.execute_command("VRANDMEMBER", "s", -10)
    check(len(rep) == 10 and set(rep) <= {b"a", b"b", b"c"}, "VRANDMEMBER negative repeats")
    check(r.execute_command("VRANDMEMBER", "nokey") is None, "VRANDMEMBER missing nil")
    check(r.execute_command("VRANDMEMBER", "nokey", 3) == [], "VRANDMEMBER missing []")

    # RESP3 shapes.
    c3 = Resp3(port)
    check(c3.call("VADD", "s", "VALUES", "3", "0", "0", "1", "e") == ("bool", True), "RESP3 VADD bool")
    check(c3.call("VISMEMBER", "s", "e") == ("bool", True), "RESP3 VISMEMBER bool")
    m = c3.call("VSIM", "s", "VALUES", "3", "1", "0", "0", "WITHSCORES", "COUNT", "2")
    check(m[0] == "map" and m[1][0][0] == ("bulk", b"a") and m[1][0][1][0] == "double", "RESP3 WITHSCORES map %r" % (m,))
    m = c3.call("VSIM", "s", "VALUES", "3", "1", "0", "0", "WITHSCORES", "WITHATTRIBS", "COUNT", "2")
    check(m[0] == "map" and m[1][0][1][0] == "array" and m[1][0][1][1][1] == ("bulk", b'{"x":1}'),
          "RESP3 WITHSCORES WITHATTRIBS map of [score, attr] %r" % (m,))
    m = c3.call("VSIM", "s", "VALUES", "3", "1", "0", "0", "WITHATTRIBS", "COUNT", "3")
    check(m[0] == "map" and m[1][2][1] == ("null", None), "RESP3 WITHATTRIBS null attr %r" % (m,))
    check(c3.call("VEMB", "s", "e")[1][2] == ("double", 1.0), "RESP3 VEMB doubles")
    check(c3.call("VINFO", "s")[0] == "map", "RESP3 VINFO map")
    c3.close()

    check(r.execute_command("VREM", "s", "zz") == 0, "VREM missing -> 0")
    for e in ("a", "b", "c", "e"):
        check(r.execute_command("VREM", "s", e) == 1, "VREM %s" % e)
    check(r.exists("s") == 0, "removing the last element deletes the key")


# ---------------------------------------------------------------- search vs brute force
GENRES = ["drama", "scifi", "comedy", "horror"]


def load_dataset(r, key, n, dim, seed, with_attrs=True):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(16, dim))
    vecs = (centers[rng.integers(0, 16, n)] + 0.35 * rng.normal(size=(n, dim))).astype(np.float32)
    ids = ["e%05d" % i for i in range(n)]
    attrs = []
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        a = None
        if with_attrs and i % 7 != 0:
            a = {"year": 1950 + i % 70, "rating": round((i * 37 % 100) / 10, 1), "genre": GENRES[i % 4],
                 "tags": [GENRES[(i + 1) % 4], i % 3]}
            if i % 11 == 0:
                a["extra"] = "x"
        attrs.append(a)
        args = ["VADD", key, "FP32", blob(vecs[i]), ids[i]]
        if a is not None:
            import json
            args += ["SETATTR", json.dumps(a)]
        pipe.execute_command(*args)
        if i % 500 == 499:
            pipe.execute()
    pipe.execute()
    return vecs, ids, attrs


FILTERS = [
    (".year > 1990", lambda a: a["year"] > 1990),
    (".year >= 1960 and .rating < 5", lambda a: a["year"] >= 1960 and a["rating"] < 5),
    ('.genre == "scifi" or .genre == "horror"', lambda a: a["genre"] in ("scifi", "horror")),
    ('.genre in ["drama", "comedy"] && not (.year % 2 == 0)', lambda a: a["genre"] in ("drama", "comedy")
     and not a["year"] % 2 == 0),
    ('"sci" in .genre', lambda a: "sci" in a["genre"]),
    ('2 in .tags or "horror" in .tags', lambda a: 2 in a["tags"] or "horror" in a["tags"]),
    (".rating * 10 - .year / 10 > -150", lambda a: a["rating"] * 10 - a["year"] / 10 > -150),
    (".extra == \"x\"", lambda a: a.get("extra") == "x"),
    # A missing field makes the whole expression fail for that element, even under "or".
    (".missing > 1 or .year == 1955", lambda a: False),
    ('.extra == "y" or .year == 1955', lambda a: "extra" in a and (a["extra"] == "y" or a["year"] == 1955)),
    ("(.year - 1950) ** 2 < 100", lambda a: (a["year"] - 1950) ** 2 < 100),
]


def test_search_and_filters(r):
    r.flushall()
    n, dim = 3000, 24
    vecs, ids, attrs = load_dataset(r, "m", n, dim, seed=11)
    rng = np.random.default_rng(5)
    queries = rng.normal(size=(40, dim)).astype(np.float32)
    hits = total = 0
    for qi, q in enumerate(queries):
        want = brute(vecs, ids, q, 10)
        truth = pairs(r.execute_command("VSIM", "m", "FP32", blob(q), "WITHSCORES", "TRUTH"))
        check([t[0] for t in truth] == [w[0] for w in want], "TRUTH ids equal brute force (query %d)" % qi)
        check(all(abs(t[1] - w[1]) < 1e-9 for t, w in zip(truth, want)), "TRUTH scores equal brute force")
        approx = r.execute_command("VSIM", "m", "FP32", blob(q), "COUNT", 10)
        hits += len({a.decode() for a in approx} & {w[0] for w in want})
        total += 10
    recall = hits / total
    print("  HNSW recall@10 (3000 x 24, EF default):", recall)
    check(recall >= 0.95, "HNSW recall@10 %.3f >= 0.95" % recall)
    # VSIM ELE equals VSIM with the element's vector.
    check(r.execute_command("VSIM", "m", "ELE", ids[3], "COUNT", 5) ==
          r.execute_command("VSIM", "m", "FP32", blob(vecs[3]), "COUNT", 5), "ELE == its vector")
    # FILTER: exact with TRUTH; with HNSW + FILTER-EF 0 every hit matches.
    for text, pred in FILTERS:
        keep = lambda i: attrs[i] is not None and pred(attrs[i])
        for q in queries[:6]:
            want = brute(vecs, ids, q, 25, keep)
            got = pairs(r.execute_command("VSIM", "m", "FP32", blob(q), "WITHSCORES", "COUNT", 25, "TRUTH",
                                          "FILTER", text))
            check([g[0] for g in got] == [w[0] for w in want], "FILTER %r TRUTH equals the oracle" % text)
            approx = r.execute_command("VSIM", "m", "FP32", blob(q), "COUNT", 25, "FILTER", text, "FILTER-EF", 0)
            check(all(keep(ids.index(a.decode())) for a in approx), "FILTER %r HNSW hits all match" % text)
            check(len(approx) == len(want), "FILTER %r HNSW finds as many as exist (<= 25)" % text)
    # FILTER-EF bounds the candidates inspected: a small one may return fewer, never wrong ones.
    sparse = r.execute_command("VSIM", "m", "FP32", blob(queries[0]), "COUNT", 10, "FILTER", ".year == 1955",
                               "FILTER-EF", 20)
    check(all(attrs[ids.index(a.decode())]["year"] == 1955 for a in sparse) and len(sparse) <= 10, "FILTER-EF small")
    return vecs, ids, queries


def test_quantization(r, vecs, ids, queries):
    """Q8 and BIN map onto the engine's int8 and binary quantization (exact re-ranking)."""
    for quant, name in (("Q8", "int8"), ("BIN", "bin")):
        key = "q-" + name
        pipe = r.pipeline(transaction=False)
        for i in range(len(ids)):
            pipe.execute_command("VADD", key, "FP32", blob(vecs[i]), ids[i], quant)
        pipe.execute()
        info = r.execute_command("VINFO", key)
        info = {info[i].decode(): info[i + 1] for i in range(0, len(info), 2)}
        check(info["quant-type"] == name.encode(), "VINFO quant-type %s: %r" % (name, info["quant-type"]))
        expect_error(("VADD", key, "FP32", blob(vecs[0]), "x", "NOQUANT"), "ERR asked quantization mismatch",
                     "NOQUANT on " + name)
        emb = np.array([float(x) for x in r.execute_command("VEMB", key, ids[5])])
        check(np.allclose(emb, vecs[5], atol=1e-6), "VEMB of a %s set is the exact vector" % name)
        hits = total = 0
        for q in queries[:20]:
            want = brute(vecs, ids, q, 10)
            got = pairs(r.execute_command("VSIM", key, "FP32", blob(q), "WITHSCORES", "COUNT", 10, "EF", 200))
            hits += len({g[0] for g in got} & {w[0] for w in want})
            total += 10
            truth = pairs(r.execute_command("VSIM", key, "FP32", blob(q), "WITHSCORES", "TRUTH"))
            check([t[0] for t in truth] == [w[0] for w in want], "%s TRUTH equals brute force" % name)
        print("  %s: recall@10 %.3f" % (name, hits / total))
        # int8 keeps one byte per dimension: near-exact. Binary keeps 24 bits for these
        # 24-d vectors, so only a loose bound (random answers would score ~0.003).
        floor = 0.9 if name == "int8" else 0.3
        check(hits / total >= floor, "%s recall@10 %.3f >= %.1f" % (name, hits / total, floor))
        before = snapshot_results(r, key, queries[:20])
        before_truth = [r.execute_command("VSIM", key, "FP32", blob(q), "WITHSCORES", "TRUTH") for q in queries[:20]]
        digest = digests(r, [key])
        r.execute_command("DEBUG", "RELOAD")
        check(digests(r, [key]) == digest, "%s set: DEBUG RELOAD keeps the digest" % name)
        check(before_truth == [r.execute_command("VSIM", key, "FP32", blob(q), "WITHSCORES", "TRUTH")
                               for q in queries[:20]], "%s set: DEBUG RELOAD keeps TRUTH answers" % name)
        # The codes are saved with the graph and restored bit for bit, so the graph walk
        # after a reload (or a full resync) is the same walk.
        check(snapshot_results(r, key, queries[:20]) == before, "%s set: DEBUG RELOAD keeps HNSW answers" % name)
        r.delete(key)


# ---------------------------------------------------------------- VLINKS, VEMB RAW
def vlinks(r, key, e):
    return [[x.decode() for x in layer] for layer in r.execute_command("VLINKS", key, e)]


def test_graph_inspection(r, port):
    """VLINKS against the set's own vectors and graph sense; VEMB RAW against VEMB."""
    r.delete("g")
    rng = np.random.default_rng(12)
    n, m = 500, 8
    vecs = rng.normal(size=(n, 16)).astype(np.float32)
    ids = ["g%d" % i for i in range(n)]
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.execute_command("VADD", "g", "FP32", blob(vecs[i]), ids[i], "M", m)
    pipe.execute()
    unit = vecs.astype(np.float64) / np.linalg.norm(vecs.astype(np.float64), axis=1)[:, None]
    layers_of = {e: vlinks(r, "g", e) for e in ids}
    check(all(len(v) >= 1 for v in layers_of.values()), "VLINKS: every element has at least layer 0")
    check(any(len(v) >= 2 for v in layers_of.values()), "VLINKS: some element lives on an upper layer")
    sizes_ok = all(len(layer) <= (2 * m if j == len(v) - 1 else m) for v in layers_of.values() for j, layer in enumerate(v))
    check(sizes_ok, "VLINKS: at most 2M links on layer 0 (the last array) and M above")
    check(all(e not in layer for e, v in layers_of.items() for layer in v), "VLINKS: no element links to itself")
    members = set(ids)
    check(all(set(layer) <= members for v in layers_of.values() for layer in v), "VLINKS: links name members")
    # Upper layers hold fewer nodes: a node on layer L (counted from 0) links only to nodes
    # that also reach layer L.
    height = {e: len(v) for e, v in layers_of.items()}
    check(all(height[t] >= len(v) - j for e, v in layers_of.items() for j, layer in enumerate(v) for t in layer),
          "VLINKS: a link on layer L goes to a node that has layer L")
    # Layer 0 is connected: a walk from any element reaches all of them.
    seen, todo = {ids[0]}, [ids[0]]
    while todo:
        for t in layers_of[todo.pop()][-1]:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    check(len(seen) == n, "VLINKS: layer 0 reaches all %d elements (%d reached)" % (n, len(seen)))
    ws = r.execute_command("VLINKS", "g", "g7", "WITHSCORES")
    flat_ok = len(ws) == len(layers_of["g7"])
    for j, layer in enumerate(ws):
        names = [layer[i].decode() for i in range(0, len(layer), 2)]
        flat_ok &= names == layers_of["g7"][j]
        for i in range(0, len(layer), 2):
            t = ids.index(layer[i].decode())
            want = (1 + float(unit[7] @ unit[t])) / 2
            flat_ok &= abs(float(layer[i + 1]) - want) < 1e-9
    check(flat_ok, "VLINKS WITHSCORES: same names, scores (1 + cos) / 2 of the two vectors")
    check(r.execute_command("VLINKS", "g", "nope") is None, "VLINKS missing element -> nil")
    check(r.execute_command("VLINKS", "nokey", "g1") is None, "VLINKS missing key -> nil")
    expect_error(("VLINKS", "g", "g1", "WITHSCORE"), "ERR syntax error", "VLINKS bad option")
    expect_error(("VLINKS", "g"), "ERR wrong number of arguments", "VLINKS arity")
    c3 = Resp3(port)
    m3 = c3.call("VLINKS", "g", "g7", "WITHSCORES")
    check(m3[0] == "array" and all(x[0] == "map" and all(v[0] == "double" for _, v in x[1]) for x in m3[1]),
          "RESP3 VLINKS WITHSCORES: an array of maps name -> double")
    raw3 = c3.call("VEMB", "g", "g3", "RAW")
    check(raw3[0] == "array" and raw3[1][0] == ("simple", "fp32") and raw3[1][1][0] == "bulk" and raw3[1][2][0] == "double",
          "RESP3 VEMB RAW: simple string, bulk, double %r" % (raw3[0],))
    c3.close()
    # VEMB RAW: the unit vector as float32 and the norm; unit * norm is the vector VEMB returns.
    raw = r.execute_command("VEMB", "g", "g3", "RAW")
    emb = np.array([float(x) for x in r.execute_command("VEMB", "g", "g3")])
    u = np.frombuffer(raw[1], dtype="<f4").astype(np.float64)
    check(raw[0] == b"fp32" and len(raw) == 3 and len(raw[1]) == 4 * 16, "VEMB RAW: [fp32, 64-byte blob, norm]")
    check(abs(float(raw[2]) - float(np.linalg.norm(vecs[3].astype(np.float64)))) < 1e-9, "VEMB RAW norm = |v|")
    check(np.allclose(u * float(raw[2]), emb, rtol=1e-6, atol=1e-6) and abs(np.linalg.norm(u) - 1) < 1e-6,
          "VEMB RAW: a unit vector that times the norm is VEMB's vector")
    check(r.execute_command("VEMB", "g", "nope", "RAW") is None, "VEMB RAW missing -> nil")
    expect_error(("VEMB", "g", "g3", "RAWX"), "ERR invalid option", "VEMB bad option")
    # The graph is saved with the set: DEBUG RELOAD gives the same links (no rebuild).
    r.execute_command("DEBUG", "RELOAD")
    check(all(vlinks(r, "g", e) == layers_of[e] for e in ids[:100]), "VLINKS identical after DEBUG RELOAD")
    r.delete("g")


def snapshot_results(r, key, queries):
    return [r.execute_command("VSIM", key, "FP32", blob(q), "WITHSCORES", "COUNT", 10) for q in queries]


def digests(r, keys):
    return [r.execute_command("DEBUG", "DIGEST-VALUE", k) for k in keys]


# ---------------------------------------------------------------- persistence
def test_persistence(server, queries):
    r = server.client()
    before = snapshot_results(r, "m", queries)
    d_before = digests(r, ["m"])
    check(r.execute_command("DEBUG", "RELOAD") == b"OK", "DEBUG RELOAD")
    check(snapshot_results(r, "m", queries) == before, "DEBUG RELOAD: identical VSIM results")
    check(digests(r, ["m"]) == d_before, "DEBUG RELOAD: same digest")
    # Restart from RDB.
    r.save()
    server.stop()
    server.start()
    r = server.client()
    check(digests(r, ["m"]) == d_before, "restart from RDB: same digest")
    check(snapshot_results(r, "m", queries) == before, "restart from RDB: identical VSIM results")
    # AOF without RDB preamble: the rewrite emits RV.RESTORECHUNK.
    r.config_set("aof-use-rdb-preamble", "no")
    r.config_set("appendonly", "yes")
    wait_until("the initial AOF rewrite", lambda: r.info("persistence")["aof_rewrite_in_progress"] == 0
               and r.info("persistence")["aof_enabled"] == 1)
    r.execute_command("VADD", "m", "VALUES", 24, *([1] * 24), "after-aof")
    r.bgrewriteaof()
    wait_until("BGREWRITEAOF", lambda: r.info("persistence")["aof_rewrite_in_progress"] == 0
               and r.info("persistence")["aof_rewrite_scheduled"] == 0)
    check(r.info("persistence")["aof_last_bgrewrite_status"] == "ok", "aof_last_bgrewrite_status ok")
    r.execute_command("VSETATTR", "m", "after-aof", '{"late": true}')
    d_aof = digests(r, ["m"])
    res_aof = snapshot_results(r, "m", queries)
    aof_dir = os.path.join(server.dir, "appendonlydir")
    base = [f for f in os.listdir(aof_dir) if ".base." in f]
    check(base and base[0].endswith(".aof"), "AOF base is an .aof file (no RDB preamble): %r" % base)
    if base:
        with open(os.path.join(aof_dir, base[0]), "rb") as f:
            check(b"RV.RESTORECHUNK" in f.read(), "AOF base holds RV.RESTORECHUNK")
    server.stop()
    server.start(["--appendonly", "yes", "--aof-use-rdb-preamble", "no"])
    r = server.client()
    check(digests(r, ["m"]) == d_aof, "restart from AOF: same digest")
    check(snapshot_results(r, "m", queries) == res_aof, "restart from AOF: identical VSIM results")
    check(r.execute_command("VGETATTR", "m", "after-aof") == b'{"late":true}', "AOF tail replayed")
    r.config_set("appendonly", "no")


# ---------------------------------------------------------------- corrupt RESTORE
def test_corrupt_restore(r):
    check(crc64(b"123456789") == 0xE9C6D914C4B8D9CA, "crc64 (Jones) test vector")
    r.flushall()
    rng = np.random.default_rng(3)
    for i in range(150):
        r.execute_command("VADD", "small", "FP32", blob(rng.normal(size=8)), "k%d" % i, "SETATTR", '{"i": %d}' % i)
    payload = r.dump("small")
    body = payload[:-8]
    check(with_crc(body) == payload, "DUMP payload = body + CRC-64")
    check(r.restore("copy", 0, with_crc(body)) == b"OK", "RESTORE of the intact payload works")
    check(digests(r, ["copy"]) == digests(r, ["small"]), "restored copy has the same digest")
    rejected = 0
    cases = 0
    prng = random.Random(9)
    # Truncations (with the Redis checksum fixed up, so the module's loader sees them).
    cuts = sorted(set([1, 2, 5, 9, 10, 20, 40] + [prng.randrange(1, len(body) - 2) for _ in range(40)]))
    for cut in cuts:
        for data in (payload[:cut], with_crc(body[:len(body) - 2 - cut] + body[-2:])):
            cases += 1
            try:
                r.restore("bad", 0, data, replace=True)
                r.delete("bad")
            except redis.exceptions.ResponseError:
                rejected += 1
            check(r.ping(), "PING after a truncated RESTORE")
    check(rejected == cases, "every truncated payload rejected (%d of %d)" % (rejected, cases))
    # Bit flips in the module's bytes with a valid Redis checksum: the snapshot's own
    # CRC-32C / validation must reject them (raw flips without the fix-up fail Redis's
    # CRC). Without RDB compression every flip changes the module's bytes; with LZF a
    # flip may decompress to the same bytes, and then the copy must be identical.
    source_digest = digests(r, ["small"])
    for compression in ("no", "yes"):
        r.config_set("rdbcompression", compression)
        raw = r.dump("small")
        raw_body = raw[:-8]
        flips_rejected = flips = identical = 0
        for _ in range(150):
            pos = prng.randrange(12, len(raw_body) - 2)
            bad = bytearray(raw_body)
            bad[pos] ^= 1 << prng.randrange(8)
            flips += 1
            try:
                r.restore("bad", 0, with_crc(bytes(bad)), replace=True)
                if digests(r, ["bad"]) == source_digest:
                    identical += 1
                else:
                    check(False, "a corrupted payload loaded as a different set (offset %d)" % pos)
                r.delete("bad")
            except redis.exceptions.ResponseError:
                flips_rejected += 1
            check(r.ping(), "PING after a bit-flipped RESTORE")
        print("  rdbcompression %s: %d of %d bit flips rejected, %d decoded to the identical set"
              % (compression, flips_rejected, flips, identical))
        if compression == "no":
            check(flips_rejected == flips, "every bit flip rejected without compression")
    for _ in range(20):
        bad = bytearray(payload)
        bad[prng.randrange(len(bad))] ^= 0x10
        try:
            r.restore("bad", 0, bytes(bad), replace=True)
            check(False, "a raw bit flip passed Redis's checksum")
        except redis.exceptions.ResponseError:
            pass
    check(r.exists("bad") == 0, "no corrupt key left behind")
    check(r.execute_command("VCARD", "small") == 150, "the source set is intact")


# ---------------------------------------------------------------- replication
def test_replication(master, replica, queries):
    r = master.client()
    r.flushall()
    rep = replica.client()
    rep.replicaof("127.0.0.1", master.port)
    wait_until("replica sync", lambda: rep.info("replication")["master_link_status"] == "up")
    rng = np.random.default_rng(21)
    prng = random.Random(21)
    keys = ["r1", "r2"]
    names = ["n%d" % i for i in range(600)]
    for op in range(3000):
        key = keys[op % 2]
        name = prng.choice(names)
        kind = prng.random()
        if kind < 0.6:
            args = ["VADD", key, "FP32", blob(rng.normal(size=24)), name]
            if prng.random() < 0.5:
                args += ["SETATTR", '{"op": %d}' % op]
            r.execute_command(*args)
        elif kind < 0.75:
            r.execute_command("VSETATTR", key, name, '{"set": %d}' % op)
        elif kind < 0.9:
            r.execute_command("VREM", key, name)
        else:
            r.execute_command("VSETATTR", key, name, "")
    check(r.execute_command("WAIT", 1, 10000) == 1, "WAIT 1")
    for k in keys:
        check(r.execute_command("VCARD", k) == rep.execute_command("VCARD", k), "replica VCARD %s" % k)
    check(digests(r, keys) == digests(rep, keys), "replica digests equal the master's")
    same = all(snapshot_results(r, k, queries[:20]) == snapshot_results(rep, k, queries[:20]) for k in keys)
    check(same, "replica VSIM answers equal the master's (deterministic graph)")
    live = [n for n in names if r.execute_command("VISMEMBER", "r1", n)][:40]
    check(all(r.execute_command("VLINKS", "r1", n) == rep.execute_command("VLINKS", "r1", n) for n in live),
          "replica VLINKS equal the master's (the same graph, link by link)")
    # Full resync of a replica that holds data, diskless (swapdb: loaded beside the old data
    # set from the socket): equal digests.
    rep.replicaof("no", "one")
    rep.config_set("repl-diskless-load", "swapdb")
    rep.replicaof("127.0.0.1", master.port)
    wait_until("replica resync", lambda: rep.info("replication")["master_link_status"] == "up")
    r.execute_command("VADD", "r1", "FP32", blob(rng.normal(size=24)), "late")
    check(r.execute_command("WAIT", 1, 10000) == 1, "WAIT 1 after resync")
    check(digests(r, keys) == digests(rep, keys), "digests equal after a diskless full resync")
    rep.replicaof("no", "one")


# ---------------------------------------------------------------- memory accounting
def test_memory(r):
    r.flushall()
    base = r.info("memory")["used_memory"]
    n, dim = 8000, 64
    rng = np.random.default_rng(1)
    data = rng.normal(size=(n, dim)).astype(np.float32)
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.execute_command("VADD", "mem", "FP32", blob(data[i]), "m%d" % i)
        if i % 1000 == 999:
            pipe.execute()
    pipe.execute()
    grown = r.info("memory")["used_memory"] - base
    usage = r.memory_usage("mem")
    raw = n * dim * 4
    print("  8000 x 64: used_memory grew %d bytes, MEMORY USAGE %d, raw vectors %d (%.0f B/vector)"
          % (grown, usage, raw, usage / n))
    check(grown >= raw, "used_memory grows by at least the raw vectors (allocations go through the server)")
    check(0.5 * grown <= usage <= 1.5 * grown, "MEMORY USAGE within 50%% of the used_memory growth")
    r.delete("mem")
    after = r.info("memory")["used_memory"] - base
    check(after < 0.1 * grown, "DEL returns the memory (%d bytes left)" % after)


def main():
    master = Server(MODULE, BASE_PORT, WORKDIR, ["--repl-diskless-sync-delay", "0"]).start()
    replica = None
    try:
        t0 = time.time()
        test_commands(master.client(), master.port)
        print("commands: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        vecs, ids, queries = test_search_and_filters(master.client())
        print("search + filters: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        test_quantization(master.client(), vecs, ids, queries)
        print("quantization: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        test_graph_inspection(master.client(), master.port)
        print("VLINKS + VEMB RAW: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        test_persistence(master, queries)
        print("persistence: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        test_corrupt_restore(master.client())
        print("corrupt RESTORE: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        test_memory(master.client())
        print("memory: %.1f s" % (time.time() - t0), flush=True)
        t0 = time.time()
        replica = Server(MODULE, BASE_PORT + 1, WORKDIR).start()
        test_replication(master, replica, queries)
        print("replication: %.1f s" % (time.time() - t0), flush=True)
    finally:
        if failures:
            print("--- master log tail ---\n" + master.log_tail())
        master.stop()
        if replica:
            replica.stop()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("redis standalone: all checks passed")


if __name__ == "__main__":
    main()
