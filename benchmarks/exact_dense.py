"""Exact dense scan vs the build's Chroma (HNSW) search: same top-30 chunks for every eval question?

    .venv/bin/python benchmarks/exact_dense.py [--data-dir DIR]

Why: answering an embedded build ranks chunks by one matrix-vector product over the build's chunk
vectors instead of querying its Chroma collection (which would import chromadb, a second of
start-up). That is only safe if both give the same ranking; this prints, over every question of
the eval sets and their paraphrases, how many top-30 rankings (30: retrieval.fusion_candidates, the
depth hybrid search asks for) differ and the largest score difference, and the time per query of
each. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.retrieve import exact_ranking  # noqa: E402
from assistant.snapshot import Snapshot  # noqa: E402
from ingest.config import load_settings  # noqa: E402
from ingest.embeddings import embed_query  # noqa: E402

SHARED_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
EVAL = ROOT / "eval"
SETS = [EVAL / "gold.jsonl", SHARED_DEV, EVAL / "fresh.jsonl", EVAL / "paraphrases.jsonl"]


def questions() -> list[str]:
    seen: dict[str, None] = {}
    for path in SETS:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    seen[json.loads(line)["question"]] = None
    return list(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data dir of the index to read (default: CSC_DATA_DIR or data/)")
    args = parser.parse_args()
    settings = load_settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    snap = Snapshot.load(settings.index_root, settings.model_path)
    chroma = snap.vectors
    qs = questions()
    vecs = [embed_query(settings.model_path, q, precision=snap.embed_precision) for q in qs]
    differ, missed10, firsts, t_exact, t_chroma = 0, 0, [], 0.0, 0.0
    k = min(settings.retrieval.fusion_candidates, len(snap.chunks))  # as deep as hybrid search asks
    for qvec in vecs:
        t0 = time.perf_counter()
        exact = exact_ranking(snap.chunk_vecs, qvec, k)
        t_exact += time.perf_counter() - t0
        t0 = time.perf_counter()
        hits = chroma.similarity_search_by_vector_with_relevance_scores(qvec.tolist(), k=k)  # type: ignore[attr-defined]
        t_chroma += time.perf_counter() - t0
        hnsw = [(snap.row_of[d.id], 1.0 - float(dist)) for d, dist in hits]
        ex_rows, hn_rows = [r for r, _ in exact], [r for r, _ in hnsw]
        if ex_rows != hn_rows:
            differ += 1
            firsts.append(next(i for i, (a, b) in enumerate(zip(ex_rows, hn_rows, strict=False)) if a != b))
            missed10 += len(set(ex_rows[:10]) - set(hn_rows))
    n = len(qs)
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"{when}  nproc={os.cpu_count()}  chunks={len(snap.chunks)}  questions={n}")
    print(f"top-{k} rankings that differ (exact scan vs Chroma HNSW): {differ} of {n}")
    print(f"first rank where they differ: {sorted(firsts)}")
    print(f"chunks of the exact top 10 that HNSW's top {k} misses: {missed10}")
    print(f"per query: exact {1000 * t_exact / n:.2f} ms, Chroma {1000 * t_chroma / n:.2f} ms")


if __name__ == "__main__":
    main()
