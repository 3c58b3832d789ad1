"""On-disk layout of one index build, and the atomic swap that publishes it.

A build is a folder holding everything the assistant reads: chunks, sentence
spans and vectors, the Chroma collection, the BM25 index, document texts and
metadata. Ingest writes a new folder and then repoints the ``current``
symlink with one ``rename``; readers therefore see the old build or the new
one, never half of either, whatever happens to ingest.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ingest.models import Chunk, DocumentInfo

COLLECTION = "csc_chunks"
FORMAT_VERSION = 1


def chroma_client(folder: Path):  # type: ignore[no-untyped-def]
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def vector_store(folder: Path, model_path: str):  # type: ignore[no-untyped-def]
    """The LangChain Chroma store, always with our embedding function (never Chroma's default)."""
    from langchain_chroma import Chroma

    from ingest.embeddings import embedder

    return Chroma(
        client=chroma_client(folder),
        collection_name=COLLECTION,
        embedding_function=embedder(model_path),
        collection_configuration={"hnsw": {"space": "cosine"}},
    )


def new_build_dir(index_root: Path) -> Path:
    builds = index_root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    path = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path.mkdir()
    return path


def write_build(
    folder: Path,
    docs: list[tuple[DocumentInfo, str, str]],
    chunks: list[Chunk],
    chunk_vecs: np.ndarray,
    sent_spans: list[tuple[int, int, int]],
    sent_vecs: np.ndarray,
    model_path: str,
) -> None:
    """Write every artefact of a build; ``docs`` is (info, cache key, source text)."""
    from ingest.lexical import build_bm25

    (folder / "texts").mkdir(exist_ok=True)
    for info, _key, text in docs:
        (folder / "texts" / f"{info.doc_id}.txt").write_text(text, encoding="utf-8")
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    np.save(folder / "chunk_vecs.npy", chunk_vecs)
    np.save(folder / "sent_spans.npy", np.asarray(sent_spans, dtype=np.int64).reshape(-1, 3))
    np.save(folder / "sent_vecs.npy", sent_vecs)
    build_bm25([c.embed_text() for c in chunks], folder / "bm25")
    store = vector_store(folder / "chroma", model_path)
    batch = 2000
    for i in range(0, len(chunks), batch):
        part = chunks[i : i + batch]
        store._collection.add(  # precomputed vectors: unchanged documents are never re-embedded
            ids=[c.chunk_id for c in part],
            embeddings=chunk_vecs[i : i + batch].tolist(),
            documents=[c.embed_text() for c in part],
            metadatas=[{"doc_id": c.doc_id, "row": i + j} for j, c in enumerate(part)],
        )
    meta = {
        "format": FORMAT_VERSION,
        "model_path": model_path,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "documents": [
            {**asdict(info), "cache_key": key, "chunks": sum(1 for c in chunks if c.doc_id == info.doc_id)}
            for info, key, _text in docs
        ],
    }
    # written last: a build folder without meta.json is incomplete and never published
    (folder / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


def current_build(index_root: Path) -> Path | None:
    link = index_root / "current"
    if not link.exists():
        return None
    target = link.resolve()
    return target if (target / "meta.json").exists() else None


def publish(index_root: Path, folder: Path, keep: int = 2) -> None:
    """Point ``current`` at ``folder`` atomically, then prune old builds."""
    link = index_root / "current"
    tmp = index_root / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(folder, index_root), tmp)
    os.replace(tmp, link)
    builds = sorted((index_root / "builds").iterdir(), key=lambda p: p.stat().st_mtime)
    live = {folder.resolve()}
    survivors = [b for b in builds if b.resolve() not in live][-(keep - 1) :] if keep > 1 else []
    for b in builds:
        if b.resolve() not in live and b not in survivors:
            shutil.rmtree(b, ignore_errors=True)


def read_meta(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def read_chunks(folder: Path) -> list[Chunk]:
    with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
        return [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
