"""How ingest and questions scale with the corpus: 1x, 10x and 100x the real one.

    .venv/bin/python benchmarks/growth.py [--factors 1 10 100] [--memo-from 100] [--keep DIR]

For each factor a corpus is written by ``benchmarks/synthetic_corpus.py`` (1x is the real corpus),
ingested into a temporary data dir in a fresh process, then questioned in another fresh process.
Printed per size: ingest wall time (and the part spent embedding), chunks and sentences, index size
on disk (the published build, and the per-document caches), the dev + gold questions' warm p50/p95
end to end and per retrieval stage (dense via Chroma, BM25, sentence max-sim), snapshot load time
and the peak RSS of the ingest and of the query process. ``data/`` is never touched.

``--memo-from F``: at factors >= F, texts that equal an already embedded text once place names,
organisations and digits are masked (``synthetic_corpus.normalise``) and a chunk's heading-trail line
is dropped reuse that text's vector instead of being embedded again (a copy's chunk then gets the
vector of a sibling copy's chunk with the same body: the same passage with other names and figures).
Everything else (chunking, sentence splitting, BM25, Chroma, build, swap)
runs in full and the index has the same size and shape; only the embedding time is then extrapolated
from the measured cost per character of the texts that were embedded. Default: 100 (a full 100x
embedding, ~42k chunks and ~175k sentences, takes about an hour on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

INGEST = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
import numpy as np
import ingest.pipeline as P
from ingest.config import load_settings
from synthetic_corpus import normalise
memo_on = sys.argv[3] == "1"
orig = P.embed_texts
stats = {"calls": 0, "texts": 0, "chars": 0, "embedded": 0, "embedded_chars": 0, "embed_s": 0.0}
memo = {}
def embed(model_path, texts, **kw):
    stats["calls"] += 1; stats["texts"] += len(texts); stats["chars"] += sum(map(len, texts))
    if not memo_on:
        t = time.perf_counter(); out = orig(model_path, texts, **kw)
        stats["embed_s"] += time.perf_counter() - t
        stats["embedded"] += len(texts); stats["embedded_chars"] += sum(map(len, texts))
        return out
    keys = [normalise(x.split("\n", 1)[-1]) for x in texts]  # heading trail line dropped
    todo = {}
    for k, x in zip(keys, texts):
        if k not in memo:
            todo.setdefault(k, x)
    if todo:
        t = time.perf_counter(); vecs = orig(model_path, list(todo.values()), **kw)
        stats["embed_s"] += time.perf_counter() - t
        stats["embedded"] += len(todo); stats["embedded_chars"] += sum(map(len, todo.values()))
        memo.update(zip(todo, vecs))
    return np.stack([memo[k] for k in keys]) if keys else orig(model_path, [], **kw)
P.embed_texts = embed
t0 = time.perf_counter()
report = P.run_ingest(load_settings(corpus_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2])))
build = report.build
sent = int(np.load(build / "sent_spans.npy").shape[0])
print(json.dumps({"seconds": time.perf_counter() - t0, "chunks": report.chunks, "sentences": sent,
                  "skipped": len(report.skipped), "docs": len(report.added),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **stats}))
"""

QUERY = r"""
import json, resource, sys, time
from pathlib import Path
from assistant import eval_score, eval_sets
from assistant import retrieve as R
from assistant.api import Assistant
from ingest.config import load_settings
a = Assistant(load_settings(corpus_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2])))
t = time.perf_counter(); snap = a.snapshot(); load_s = time.perf_counter() - t
for q in ["What is the Children's Social Care Innovation Programme?", "Who can apply for funding?"]:
    a.ask(q)
items = [it for p in eval_sets.default_sets() for it in eval_sets.load_set(p)][: int(sys.argv[3])]
lats, stages = [], {"dense": [], "bm25": [], "sentences": []}
abstained = 0
for it in items:
    req = eval_sets.request_for(it)
    t = time.perf_counter(); ans = a.ask(req["question"], req["history"])
    lats.append(time.perf_counter() - t)
    abstained += ans.abstained
    qvec = a.embed(ans.query or req["question"])
    for name, fn, arg in (("dense", R.dense_ranking, qvec), ("bm25", R.lexical_ranking, ans.query),
                          ("sentences", R.sentence_ranking, qvec)):
        depth = a.settings.retrieval.fusion_candidates
        t = time.perf_counter(); fn(snap, arg, depth); stages[name].append(time.perf_counter() - t)
out = {"load_s": load_s, "n": len(items), "abstained": abstained, "p50_s": eval_score.percentile(lats, 0.5),
       "p95_s": eval_score.percentile(lats, 0.95), "max_s": max(lats),
       "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
for name, xs in stages.items():
    out[name + "_p50_ms"] = 1000 * eval_score.percentile(xs, 0.5)
    out[name + "_p95_ms"] = 1000 * eval_score.percentile(xs, 0.95)
print(json.dumps(out))
"""


def child(code: str, *args: str) -> tuple[dict, float]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"child failed with status {proc.returncode}")
    line = next(x for x in reversed(proc.stdout.splitlines()) if x.startswith("{"))
    return json.loads(line), wall


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def measure(factor: int, work: Path, memo: bool, questions: int) -> dict:
    from synthetic_corpus import build

    corpus = ROOT / "corpus"
    if factor > 1:
        corpus = work / "corpus"
        t = time.perf_counter()
        files = build(corpus, factor)
        print(f"[{factor}x] corpus: {len(files)} files, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB, "
              f"written in {time.perf_counter() - t:.1f}s", flush=True)  # fmt: skip
    data = work / "data"
    ing, wall = child(INGEST, str(corpus), str(data), "1" if memo else "0", str(ROOT / "benchmarks"))
    build_dir = (data / "index" / "current").resolve()
    ing.update(wall_s=wall, build_mb=du(build_dir) / 1e6, cache_mb=du(data / "cache") / 1e6, memo=memo)
    if memo and ing["embedded_chars"]:
        ing["embed_s_estimated_full"] = ing["embed_s"] * ing["chars"] / ing["embedded_chars"]
    print(f"[{factor}x] ingest: {json.dumps(ing)}", flush=True)
    q, _ = child(QUERY, str(corpus), str(data), str(questions))
    print(f"[{factor}x] query: {json.dumps(q)}", flush=True)
    return {"factor": factor, "ingest": ing, "query": q}


def table(rows: list[dict]) -> None:
    print()
    head = (f"{'size':>5s} {'docs':>5s} {'chunks':>7s} {'sents':>8s} {'ingest s':>9s} {'embed s':>9s} "
            f"{'build MB':>9s} {'cache MB':>9s} {'ing RSS':>8s} {'load s':>7s} {'q p50':>6s} {'q p95':>6s} "
            f"{'dense':>6s} {'bm25':>6s} {'sents':>6s} {'q RSS':>7s}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for r in rows:
        i, q = r["ingest"], r["query"]
        embed = f"{i['embed_s']:.0f}" + (f"~{i['embed_s_estimated_full']:.0f}" if i.get("memo") else "")
        print(f"{r['factor']:>4d}x {i['docs']:>5d} {i['chunks']:>7d} {i['sentences']:>8d} "
              f"{i['wall_s']:>9.1f} "
              f"{embed:>9s} {i['build_mb']:>9.1f} {i['cache_mb']:>9.1f} {i['peak_rss_mib']:>8.0f} "
              f"{q['load_s']:>7.2f} {q['p50_s']:>6.3f} {q['p95_s']:>6.3f} {q['dense_p50_ms']:>6.1f} "
              f"{q['bm25_p50_ms']:>6.1f} {q['sentences_p50_ms']:>6.1f} "
              f"{q['peak_rss_mib']:>7.0f}")  # fmt: skip
    print("ingest s: wall time of a fresh ingest process (model load included); embed s: time inside the")
    print("embedding model ('a~b': a measured with the memo, b extrapolated for a full embedding);")
    print("q p50/p95: one warm Assistant.ask, seconds; dense/bm25/sents: p50 of each retrieval stage, ms;")
    print("RSS: peak resident memory of the ingest / query process, MiB.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--memo-from", type=int, default=100, help="use the embedding memo at factors >= this")
    ap.add_argument("--questions", type=int, default=88, help="dev + gold questions asked per size")
    ap.add_argument("--keep", type=Path, help="build under this folder and keep it (default: a temp dir)")
    args = ap.parse_args(argv)
    print(f"nproc: {len(os.sched_getaffinity(0))}  python: {sys.version.split()[0]}", flush=True)
    rows = []
    for factor in args.factors:
        if args.keep:
            work = args.keep / f"x{factor}"
            work.mkdir(parents=True, exist_ok=True)
            rows.append(measure(factor, work, factor >= args.memo_from, args.questions))
        else:
            with tempfile.TemporaryDirectory(prefix=f"csc-growth-{factor}x-") as tmp:
                rows.append(measure(factor, Path(tmp), factor >= args.memo_from, args.questions))
    table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
