#!/usr/bin/python3
"""Merge the benchmark results of every face of ruvector into docs/benchmarks.md,
with recall-QPS plots in the style of ann-benchmarks (one per dataset).

Inputs (each optional; a missing one is reported in the page, with the command that
produces it):
  --cxx FILE     C++: `ann_bench --json FILE` (ruvector vs hnswlib, usearch, faiss)
  --node FILE    Node: bench/js/last-run.json, written by bench/js/node-bench.mjs
                 (@ruvector/core vs hnswlib-node, usearch, the reference system)
  --wasm FILE    WebAssembly: the JSON of bench/wasm/bench.mjs (--json FILE) if it has
                 one, else its Markdown report docs/bench-wasm.md (the efSearch sweep
                 lines and the results table are parsed)
Outputs:
  --out FILE     the Markdown page (default docs/benchmarks.md)
  --img DIR      the plots (default docs/img), as SVG (default) or PNG (--format png)

Plotting: matplotlib, from Debian (python3-matplotlib, run with /usr/bin/python3):
the library ann-benchmarks itself plots with, packaged and maintained in Debian, so
`make bench` needs no pip and no network. Every QPS and recall printed here is copied
from the inputs: nothing is estimated.
"""
import argparse
import datetime
import json
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OURS = "ruvector"
OUR_COLORS = ["#d62728", "#ff7f0e", "#e377c2", "#bcbd22"]
PEER_COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#17becf", "#8c564b", "#7f7f7f"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "*"]


# ---------------------------------------------------------------------------
# inputs -> datasets: {face, key, title, detail, series: [{name, ours, points: [(recall, qps, ef)], note}], summary}


def is_ours(name):
    return name.lower().startswith(OURS) or name.lower().startswith("@ruvector/wasm")


def at_recall(points, target):
    """The point with the smallest ef (else the first in sweep order) reaching `target`."""
    hits = [p for p in points if p[0] >= target]
    if not hits:
        return None
    with_ef = [p for p in hits if p[2] is not None]
    return min(with_ef, key=lambda p: p[2]) if with_ef else max(hits, key=lambda p: p[1])


def cxx_headline(h):
    """The batch-insert-at-defaults and durable-reopen sentence of ann_bench's headline, or None."""
    if not h or "insert_batch_vectors_per_s" not in h:
        return None
    text = (f"Batch insert at default parameters ({h.get('vectors')} x {h.get('dim')}-d clustered, "
            f"M = {h.get('m')}, efConstruction = {h.get('ef_construction')}, every core): "
            f"{h['insert_batch_vectors_per_s']:,.0f} vectors/s, recall@10 {h.get('recall_at_10', 0):.4f} "
            f"at the default ef_search {h.get('default_ef_search')}.")
    r = h.get("reopen") or {}
    if "build_over_reopen" in r:
        text += (f" Durable: build (open + insert_batch + close) {r['durable_build_seconds']:.2f} s, reopen "
                 f"{r['reopen_seconds']:.3f} s = {r['build_over_reopen']:.1f}x faster than the build "
                 f"(index {r.get('index_source')}, recall@10 after reopen {r.get('recall_at_10', 0):.4f}).")
    return text


def load_cxx(path):
    d = json.load(open(path))
    m = d.get("machine", {})
    p = d.get("params", {})
    meta = {
        "source": path,
        "date": m.get("date_utc", "?"),
        "machine": f"{m.get('cpu', '?')}, {m.get('logical_cpus', '?')} logical CPUs; load average {m.get('load_average_start', '?')} at the start, {m.get('load_average_end', '?')} at the end",
        "method": f"M = {p.get('m')}, efConstruction = {p.get('ef_construction')}, k = {p.get('k')}, {p.get('build_threads')} build threads, "
                  f"searches one at a time on one thread; QPS from the {p.get('qps_from', 'fastest pass')}"
                  + ("; --quick (small subsets)" if p.get("quick") else ""),
        "versions": "; ".join(f"{x['name']}: {x.get('code', '?')}, {x.get('build', '?')}, kernel {x.get('kernel', '?')}"
                              for x in d.get("systems", [])) or
                    f"ruvector {m.get('ruvector_version', '?')} ({m.get('ruvector_simd', '?')}), hnswlib {m.get('hnswlib_package', '?')}, {m.get('faiss_version', 'faiss ?')}",
        "command": p.get("command_line", ""),
        "headline": cxx_headline(d.get("headline")),
    }
    out = []
    for ds in d.get("datasets", []):
        series = []
        for s in ds.get("systems", []):
            if s.get("error"):
                series.append({"name": s["name"], "ours": s["name"] == OURS, "points": [], "note": s["error"]})
                continue
            pts = [(x["recall"], x["qps"], x["ef"]) for x in s.get("sweep", [])]
            series.append({"name": s["name"], "ours": s["name"] == OURS, "points": pts,
                           "build": s.get("build_vectors_per_s")})
        out.append({
            "face": "C++", "key": f"cxx-{ds['name']}",
            "title": f"C++: {ds.get('title', ds['name'])}",
            "detail": f"{ds.get('base')} x {ds.get('dim')}-d base vectors, {ds.get('queries')} queries, {ds.get('metric')}",
            "series": series, "insert_label": "build (vectors/s)",
        })
    return meta, out


def load_node(path):
    d = json.load(open(path))
    m = d.get("meta", {})
    mach = m.get("machine", {})
    meta = {
        "source": path,
        "date": mach.get("date", "?"),
        "machine": f"{mach.get('cpu', '?')}, {mach.get('cores', '?')} cores, Node {mach.get('node', '?')}; "
                   f"load before: `{m.get('loadBefore', '?').strip()}`",
        "method": "sequential awaited searches (one at a time), k = 10, HNSW M = 16, efConstruction = 100",
    }
    runs = d.get("runs") or [{"dataset": m.get("dataset", "dataset"), "results": d.get("results", [])}]
    out = []
    for i, run in enumerate(runs):
        name = run.get("dataset", f"dataset {i}")
        short = re.split(r"[ (]", name, maxsplit=1)[0]
        series = []
        for r in run.get("results", []):
            lib = r.get("lib", "?")
            label = lib if lib != "reference" else "reference @ruvector/core"
            pts = [(x["recall"], x["seqQps"], x.get("ef")) for x in r.get("sweep", []) if x.get("seqQps")]
            series.append({"name": label, "ours": lib == OURS, "points": pts, "build": r.get("batchInsertPerSec"),
                           "version": r.get("version")})
            batch = [(x.get("batchRecall", x["recall"]), x["batchQps"], x.get("ef")) for x in r.get("sweep", []) if x.get("batchQps")]
            if batch:
                series.append({"name": f"{label} (batch search)", "ours": lib == OURS, "points": batch, "dashed": True,
                               "build": None, "version": r.get("version")})
        key = "node-" + re.sub(r"[^a-z0-9]+", "-", short.lower()).strip("-")
        out.append({"face": "Node", "key": key, "title": f"Node: {short}", "detail": name, "series": series,
                    "insert_label": "batch insert (vectors/s)"})
    return meta, out


def load_wasm(path):
    if path.endswith(".json"):
        d = json.load(open(path))
        results = d.get("results", d if isinstance(d, list) else [])
        series = []
        for r in results:
            s = r.get("search", {})
            pts = [(x["recall"], x["qps"], x.get("ef")) for x in s.get("points", [])]
            if not pts and s.get("at"):
                a = s["at"]
                pts = [(a["recall"], a["qps"], a.get("ef"))]
            series.append({"name": r["name"] + (f", {r['index']}" if r.get("index") else ""), "ours": is_ours(r["name"]),
                           "points": pts, "build": r.get("insertPerSec")})
        meta = {"source": path, "date": d.get("date", "?") if isinstance(d, dict) else "?", "machine": d.get("machine", "") if isinstance(d, dict) else "",
                "method": "sequential awaited searches, k = 10"}
        detail = d.get("data", "") if isinstance(d, dict) else ""
        return meta, [{"face": "wasm", "key": "wasm-clustered128", "title": "WebAssembly (in Node): clustered 128-d", "detail": detail,
                       "series": series, "insert_label": "insert (vectors/s)"}]
    text = open(path).read()
    date = re.search(r"on (\d{4}-\d{2}-\d{2})", text)
    machine = re.search(r"^- Machine: (.*)$", text, re.M)
    data = re.search(r"^- Data: (.*)$", text, re.M)
    series = {}
    # "- NAME: ef 10: recall 0.889, 36,345 QPS (wall ...); ef 16: ..."
    for line in text.splitlines():
        if not line.startswith("- ") or ": ef " not in line:
            continue
        name, rest = line[2:].split(": ef ", 1)
        pts = []
        for m in re.finditer(r"(?:^|; )(?:ef )?(\d+): recall ([\d.]+), ([\d,]+) QPS", rest):
            pts.append((float(m.group(2)), float(m.group(3).replace(",", "")), int(m.group(1))))
        series[name] = {"name": name, "ours": is_ours(name), "points": pts}
    # The results table: insert rates, and single points for libraries without a sweep (flat, k-d tree).
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not re.match(r"^[\d,]+$", cells[2] or "") or cells[0] in ("library",):
            continue
        lib, index, insert, ef, rec, qps = cells[:6]
        qps_num = re.match(r"^([\d,]+)", qps)
        key = next((k for k in series if k.startswith(lib) and index.split(",")[0] in k), None)
        if key is None and ef in ("–", "-"):
            key = f"{lib}, {index}"
            series[key] = {"name": key, "ours": is_ours(lib),
                           "points": [(float(rec), float(qps_num.group(1).replace(",", "")), None)] if qps_num else []}
        if key is not None:
            series[key]["build"] = float(insert.replace(",", ""))
    meta = {"source": path, "date": date.group(1) if date else "?", "machine": machine.group(1) if machine else "",
            "method": "sequential awaited searches, k = 10; CPU-time QPS (see the source report)"}
    return meta, [{"face": "wasm", "key": "wasm-clustered128", "title": "WebAssembly (in Node): clustered 128-d",
                   "detail": data.group(1) if data else "", "series": list(series.values()), "insert_label": "insert (vectors/s)"}]


# ---------------------------------------------------------------------------
# plots


def pareto(points):
    """ann-benchmarks' frontier: by recall descending, keep points faster than all seen so far."""
    best = -1.0
    out = []
    for p in sorted(points, key=lambda p: (-p[0], -p[1])):
        if p[1] > best:
            out.append(p)
            best = p[1]
    return sorted(out)


def plot(ds, img_dir, fmt):
    plt.rcParams["svg.hashsalt"] = "ruvector"  # reproducible SVG ids
    fig, ax = plt.subplots(figsize=(7.2, 4.6), dpi=110)
    lo = 1.0
    counts = {True: 0, False: 0}
    for i, s in enumerate(ds["series"]):
        if not s["points"]:
            continue
        palette = OUR_COLORS if s["ours"] else PEER_COLORS
        color = palette[counts[s["ours"]] % len(palette)]
        counts[s["ours"]] += 1
        marker = MARKERS[i % len(MARKERS)]
        front = pareto(s["points"])
        lo = min(lo, min(p[0] for p in front))
        style = "--" if s.get("dashed") else "-"
        lw = 2.4 if s["ours"] else 1.4
        ax.plot([p[0] for p in front], [p[1] for p in front], style, color=color, marker=marker, lw=lw, ms=5,
                label=s["name"], zorder=3 if s["ours"] else 2)
        rest = [p for p in s["points"] if p not in front]
        if rest:
            ax.scatter([p[0] for p in rest], [p[1] for p in rest], color=color, marker=marker, s=14, alpha=0.35, zorder=1)
    ax.set_yscale("log")
    ax.set_xlim(max(0.0, math.floor(min(lo, 0.95) * 50) / 50), 1.0005)
    ax.set_xlabel("Recall@10")
    ax.set_ylabel("Queries per second (1/s), log scale")
    ax.set_title(ds["title"], fontsize=11)
    ax.grid(True, which="both", alpha=0.25)
    ax.axvline(0.95, color="#999999", lw=0.8, ls=":")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    os.makedirs(img_dir, exist_ok=True)
    path = os.path.join(img_dir, f"bench-{ds['key']}.{fmt}")
    meta = {"Date": None} if fmt == "svg" else {}
    fig.savefig(path, format=fmt, metadata=meta)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------
# Markdown


def num(x, d=0):
    if x is None:
        return "–"
    return f"{x:,.{d}f}"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "–"


def summary_table(ds):
    lines = ["| library | QPS at recall ≥ 0.95 (ef, recall) | QPS at recall ≥ 0.99 (ef, recall) | " + ds["insert_label"] + " |",
             "|---|---:|---:|---:|"]
    for s in ds["series"]:
        if s.get("note") and not s["points"]:
            lines.append(f"| {s['name']} | failed: {s['note']} | | |")
            continue
        cells = []
        for t in (0.95, 0.99):
            p = at_recall(s["points"], t)
            cells.append(f"{num(p[1])} ({'ef ' + str(p[2]) + ', ' if p[2] is not None else ''}{p[0]:.3f})" if p else "not reached")
        name = f"**{s['name']}**" if s["ours"] and not s.get("dashed") else s["name"]
        lines.append(f"| {name} | {cells[0]} | {cells[1]} | {num(s.get('build'))} |")
    mine = [s for s in ds["series"] if s["ours"] and not s.get("dashed") and s["points"]]
    if mine:
        for s in ds["series"]:
            if s["ours"] or s.get("dashed") or not s["points"]:
                continue
            ours = counterpart(mine, s)
            cells = []
            for t in (0.95, 0.99):
                a, b = at_recall(ours["points"], t), at_recall(s["points"], t)
                cells.append(ratio(a[1], b[1]) if a and b else "–")
            lines.append(f"| ours / {s['name']} | {cells[0]} | {cells[1]} | {ratio(ours.get('build'), s.get('build'))} |")
    return lines


def counterpart(mine, peer):
    """Our series built with the same settings as `peer` (the same "efC=N"), else our first."""
    tag = re.search(r"efC=\d+", peer["name"])
    if tag:
        for s in mine:
            if tag.group(0) in s["name"]:
                return s
    return mine[0]


def headline(ds):
    ours = next((s for s in ds["series"] if s["ours"] and not s.get("dashed")), None)
    if not ours:
        return None
    a = at_recall(ours["points"], 0.95)
    peers = []
    for s in ds["series"]:
        if s["ours"] or s.get("dashed"):
            continue
        b = at_recall(s["points"], 0.95)
        if b:
            peers.append((b[1], s["name"]))
    if not a:
        return f"| {ds['face']} | {ds['title'].split(': ', 1)[-1]} | not reached | | |"
    if not peers:
        return f"| {ds['face']} | {ds['title'].split(': ', 1)[-1]} | {num(a[1])} | – | |"
    best = max(peers)
    return f"| {ds['face']} | {ds['title'].split(': ', 1)[-1]} | {num(a[1])} | {best[1]}: {num(best[0])} | {ratio(a[1], best[0])} |"


def previous_section(lines, heading):
    """The body of `heading`'s section in a previous page (up to the next '## '), or []."""
    if heading not in lines:
        return []
    body = []
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith("## "):
            break
        body.append(line)
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return body


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cxx", default="build-bench/bench/results.json")
    ap.add_argument("--node", default="bench/js/last-run.json")
    ap.add_argument("--wasm", default=None, help="bench/wasm JSON, else docs/bench-wasm.md")
    ap.add_argument("--out", default="docs/benchmarks.md")
    ap.add_argument("--img", default="docs/img")
    ap.add_argument("--format", choices=["svg", "png"], default="svg")
    ap.add_argument("--cxx-report", default="docs/bench-cxx.md", help="the C++ tool's own Markdown report, linked from the page")
    args = ap.parse_args()
    previous = open(args.out).read().split("\n") if os.path.exists(args.out) else []
    if args.wasm is None:
        args.wasm = "build-bench/bench/wasm.json" if os.path.exists("build-bench/bench/wasm.json") else "docs/bench-wasm.md"

    faces = []  # (face, meta, datasets, missing-message)
    for face, path, loader, how in (
        ("C++", args.cxx, load_cxx, "build-bench/bench/ann_bench --json build-bench/bench/results.json"),
        ("Node", args.node, load_node, "bench/js/run.sh (writes bench/js/last-run.json)"),
        ("wasm", args.wasm, load_wasm, "cd bench/wasm && npm ci && node bench.mjs --write ../../docs/bench-wasm.md"),
    ):
        if not os.path.exists(path):
            faces.append((face, None, [], f"no results at `{path}`; produce them with `{how}`"))
            continue
        try:
            meta, datasets = loader(path)
        except (ValueError, KeyError, TypeError) as e:
            faces.append((face, None, [], f"`{path}` could not be read ({type(e).__name__}: {e})"))
            continue
        faces.append((face, meta, datasets, None))

    md = ["# Benchmarks: every face of ruvector against its peers", "",
          f"Generated by `scripts/bench-report.py` on {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} "
          "from the results of the three benchmarks (`make bench` runs them one after another; each section gives its run's date): the C++ library against hnswlib and usearch at their best builds (`-march=native`) and faiss as Debian ships it, the Node addon "
          "(`@ruvector/core`) against hnswlib-node, usearch and the reference system, and the WebAssembly build "
          "(`@ruvector/wasm`) against hnswlib-wasm, voy and the reference system. Each benchmark ran every library "
          "on the same data with the same parameters in the same run; the plots show recall@10 against "
          "queries per second as ann-benchmarks does (the line joins each library's Pareto frontier over its "
          "efSearch sweep, faint markers are dominated points; up and to the right is better).", "",
          "| face | dataset | ruvector QPS at recall@10 ≥ 0.95 | fastest peer at recall ≥ 0.95 | ratio |",
          "|---|---|---:|---|---:|"]
    for face, meta, datasets, missing in faces:
        if missing:
            kept = [line for line in previous if line.startswith(f"| {face} | ") and "not run" not in line]
            md += [line.rstrip(" |") + " (previous run) |" if not line.endswith("(previous run) |") else line
                   for line in kept] or [f"| {face} | not run | | | |"]
        for ds in datasets:
            h = headline(ds)
            if h:
                md.append(h)
    md.append("")
    md.append("The machine is shared with other jobs (see the load averages): absolute numbers are noisy, the ratios "
              "between libraries measured in the same run much less so.")
    for face, meta, datasets, missing in faces:
        title = {"C++": "C++ library", "Node": "Node (`@ruvector/core`)", "wasm": "WebAssembly (`@ruvector/wasm`)"}[face]
        md += ["", f"## {title}", ""]
        if missing:
            carried = previous_section(previous, f"## {title}")
            if carried:
                note = (f"Carried over unchanged from the previous page ({missing}); "
                        "this face was not rerun for this page.")
                md += [note if line.startswith("Carried over unchanged") else line for line in carried]
                if not any(line.startswith("Carried over unchanged") for line in carried):
                    md += ["", note]
            else:
                md.append(f"Not included: {missing}.")
            continue
        md.append(f"Source: `{meta['source']}` ({meta['date']}). {meta['machine'].rstrip('.')}. Method: {meta['method']}.")
        if face == "C++" and meta.get("versions"):
            md.append(f"Builds: {meta['versions']}.")
        if face == "C++" and meta.get("headline"):
            md.append(meta["headline"])
        detail_doc = {"C++": args.cxx_report, "Node": "docs/bench-node.md", "wasm": "docs/bench-wasm.md"}[face]
        if os.path.exists(detail_doc):
            md.append(f"Full report: [{os.path.basename(detail_doc)}]({os.path.relpath(detail_doc, os.path.dirname(args.out) or '.')}).")
        for ds in datasets:
            img = plot(ds, args.img, args.format)
            rel = os.path.relpath(img, os.path.dirname(args.out) or ".")
            md += ["", f"### {ds['title']}", "", ds["detail"].rstrip(".") + ".", "", f"![{ds['title']}: recall@10 vs QPS]({rel})", ""]
            md += summary_table(ds)
    md.append("")
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(md))
    print(f"bench-report: wrote {args.out} and {sum(len(f[2]) for f in faces)} plots in {args.img}", file=sys.stderr)
    for face, meta, datasets, missing in faces:
        if missing:
            print(f"bench-report: {face}: {missing}", file=sys.stderr)


if __name__ == "__main__":
    main()
