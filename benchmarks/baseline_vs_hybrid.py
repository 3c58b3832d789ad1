"""The product against a plain dense-retrieval baseline, on the dev set (if present) and the gold set.

    .venv/bin/python benchmarks/baseline_vs_hybrid.py        # or: make bench

Why: the hybrid retriever, sentence-level composer and abstention only earn their complexity if
they beat the obvious LangChain recipe on the same questions, the same embedding model and the
same scoring rules. The baseline is that recipe: RecursiveCharacterTextSplitter(1000, 100) over
the corpus files, the project's all-MiniLM-L6-v2 embeddings, a temporary Chroma store, top 4.
Its answer is the top chunk (a fair extractive answer: it is what a user would read first), its
citations and contexts are the 4 chunks, and it never abstains. Both are scored with
``assistant.eval_score`` (the reference scorer's rules); latency is warm, in process, per question.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant import eval_match, eval_report, eval_score, eval_sets  # noqa: E402
from ingest.config import Settings, load_settings  # noqa: E402
from ingest.manifest import corpus_files  # noqa: E402

TOP_K = 4
WARM_UP = [
    "What is the Children's Social Care Innovation Programme?",
    "Who can apply for funding?",
    "Which projects work with care leavers?",
]

Responder = Callable[[str, list[dict]], dict]


class DenseBaseline:
    """Chunk, embed, store in Chroma, return the top 4 chunks; built in a temporary directory."""

    def __init__(self, settings: Settings, persist_dir: str, chunk_overlap: int = 100) -> None:
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ingest.embeddings import torch_embedder  # the plain recipe: sentence-transformers on torch

        t0 = time.perf_counter()
        files = corpus_files(settings.corpus_dir)
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=chunk_overlap)
        docs = splitter.create_documents(
            [p.read_text(encoding="utf-8", errors="replace") for p in files],
            metadatas=[{"file": p.name} for p in files],
        )
        self.n_chunks = len(docs)
        self.store = Chroma.from_documents(
            docs,
            torch_embedder(settings.model_path),
            persist_directory=persist_dir,
            collection_name="baseline",
        )
        self.build_seconds = time.perf_counter() - t0

    def __call__(self, question: str, history: list[dict]) -> dict:
        # plain recipe: the question as typed, no follow-up rewriting, no abstention
        hits = self.store.similarity_search(question, k=TOP_K)
        texts = [h.page_content for h in hits]
        return {
            "answer": texts[0] if texts else "",
            "abstained": False,
            "citations": [
                {"n": i, "title": h.metadata.get("file", ""), "file": h.metadata.get("file", ""), "text": t}
                for i, (h, t) in enumerate(zip(hits, texts, strict=True), 1)
            ],
            "contexts": texts,
        }


def product(settings: Settings) -> Responder:
    from assistant.api import Assistant
    from ui.cli import answer_json

    assistant = Assistant(settings)
    return lambda q, h: answer_json(assistant.ask(q, h))


def run(respond: Responder, items: list[dict]) -> tuple[list[dict], list[float]]:
    """Answer every item, timing each call (the responder has been warmed up already)."""
    responses, lats = [], []
    for it in items:
        req = eval_sets.request_for(it)
        t0 = time.perf_counter()
        responses.append(respond(req["question"], req["history"]))
        lats.append(time.perf_counter() - t0)
    return responses, lats


def memory_line() -> str:
    info = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            info[key] = int(value.split()[0]) / 1024 / 1024
    except OSError:
        return "memory: unknown"
    return f"memory: {info.get('MemTotal', 0):.1f} GiB total, {info.get('MemAvailable', 0):.1f} GiB available"


def environment() -> None:
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"date: {datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"host: {platform.platform()}  python {platform.python_version()}  nproc: {nproc}  {memory_line()}")


def print_comparison(rows: list[tuple[str, str, dict, dict]]) -> None:
    cols = ["n", "ev_hit", "facts", "rec@5", "cit_ok", "abst_rec", "false_ab", "headline", "p50 s", "p95 s"]
    head = f"{'set':10s} {'system':18s} " + " ".join(f"{c:>8s}" for c in cols)
    print(head)
    print("-" * len(head))
    for set_name, system, agg, timing in rows:
        keys = ["evidence_hit@citations", "answer_fact_accuracy", "evidence_recall@5", "citation_validity",
                "abstention_recall", "false_abstention_rate", "headline"]  # fmt: skip
        cells = [f"{agg['n']:8d}"] + [f"{eval_report._fmt(agg[k]):>8s}" for k in keys]
        cells += [f"{timing['p50_s']:8.3f}", f"{timing['p95_s']:8.3f}"]
        print(f"{set_name:10s} {system:18s} " + " ".join(cells))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path, help="sets (default: gold + shared dev)")
    ap.add_argument("--overlap", type=int, default=100, help="baseline chunk overlap (0 or 100)")
    args = ap.parse_args(argv)
    settings = load_settings()
    sets = args.sets or eval_sets.default_sets()
    environment()
    corpus = eval_match.Corpus.from_dir(settings.corpus_dir)

    with tempfile.TemporaryDirectory(prefix="csc-baseline-") as tmp:
        baseline = DenseBaseline(settings, tmp, chunk_overlap=args.overlap)
        print(
            f"baseline: {baseline.n_chunks} chunks (1000 chars, overlap {args.overlap}), "
            f"built in {baseline.build_seconds:.1f}s; product index: {settings.data_dir}"
        )
        systems: list[tuple[str, Responder]] = [
            (f"dense top-{TOP_K}", baseline),
            ("csc-assistant", product(settings)),
        ]
        for _, respond in systems:  # warm-up: model load, lazy index loads, Chroma's first queries
            for q in WARM_UP:
                respond(q, [])
        rows = []
        for path in sets:
            items = eval_sets.load_set(path)
            for name, respond in systems:
                responses, lats = run(respond, items)
                agg = eval_score.aggregate(eval_score.score_items(items, responses, corpus))
                rows.append((path.stem, name, agg, eval_score.timing_summary(lats)))
    print()
    print_comparison(rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:.0f} MiB (both systems loaded)")
    print("ev_hit/rec@5: evidence snippet in citations/first 5 contexts; facts: must_include regexes;")
    print("cit_ok: real quotes; abst_rec / false_ab: abstention recall, false abstentions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
