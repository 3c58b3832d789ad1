"""A loaded, immutable view of one published index build.

The assistant holds one snapshot at a time and swaps to a newer one between
questions, so a question never mixes two builds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest import store
from ingest.embeddings import use_index
from ingest.lexical import LexicalIndex
from ingest.models import Chunk, DocumentInfo


class IndexMissingError(RuntimeError):
    """No complete index has been built yet."""


class LazyVectors:
    """The build's embedded Chroma store, opened on first use.

    Answering an embedded build never needs it (``retrieve.dense_ranking`` scans the same chunk
    vectors exactly), so a one-shot question does not pay for importing chromadb; chains and tools
    that want the LangChain store still get it, opened once.
    """

    def __init__(self, opener: Callable[[], object]) -> None:
        self._opener = opener
        self._store: object | None = None
        self._lock = threading.Lock()

    def open(self) -> object:
        with self._lock:
            if self._store is None:
                self._store = self._opener()
            return self._store

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.open(), name)


@dataclass
class Snapshot:
    build: Path
    chunks: list[Chunk]
    chunk_vecs: np.ndarray
    sent_spans: np.ndarray  # rows of (chunk row, start, end)
    sent_vecs: np.ndarray
    texts: dict[str, str]  # doc_id -> source text
    docs: dict[str, DocumentInfo]
    chunk_counts: dict[str, int]
    lexical: LexicalIndex
    vectors: object  # LazyVectors over langchain_chroma.Chroma, or ingest.store.ServerVectors in server mode
    row_of: dict[str, int]
    sentences_of: dict[int, np.ndarray]  # chunk row -> indices into sent_spans
    exact_dense: bool = False  # embedded build: dense search scans chunk_vecs (what its Chroma holds)
    embed_precision: str = "float32"  # the build's (meta.json): questions must be embedded the same way

    @classmethod
    def load(
        cls, index_root: Path, model_path: str, chroma_url: str = "", chroma_fallback: bool = True
    ) -> Snapshot:
        use_index(model_path, index_root)  # queries are embedded by the ONNX file beside the index
        build = store.current_build(index_root)
        if build is None:
            raise IndexMissingError(f"no index in {index_root}; run `csc-assistant ingest` first")
        meta = store.read_meta(build)
        chunks = store.read_chunks(build)
        docs: dict[str, DocumentInfo] = {}
        counts: dict[str, int] = {}
        for d in meta["documents"]:
            counts[d["doc_id"]] = d.pop("chunks", 0)
            d.pop("cache_key", None)
            docs[d["doc_id"]] = DocumentInfo(**d)
        texts = {doc_id: (build / "texts" / f"{doc_id}.txt").read_text(encoding="utf-8") for doc_id in docs}
        spans = np.load(build / "sent_spans.npy").reshape(-1, 3)
        order = np.argsort(spans[:, 0], kind="stable")
        rows, starts = np.unique(spans[order, 0], return_index=True)
        bounds = list(starts[1:]) + [len(order)]
        sentences_of = {int(r): order[a:b] for r, a, b in zip(rows, starts, bounds, strict=True)}
        chunk_vecs = np.load(build / "chunk_vecs.npy")
        ids = [c.chunk_id for c in chunks]
        server = (meta.get("vectors") or {}).get("backend") == "server"

        def open_vectors() -> object:
            return store.open_vectors(build, meta, model_path, ids, chunk_vecs, chroma_url, chroma_fallback)

        return cls(
            build=build,
            chunks=chunks,
            chunk_vecs=chunk_vecs,
            sent_spans=spans,
            sent_vecs=np.load(build / "sent_vecs.npy"),
            texts=texts,
            docs=docs,
            chunk_counts=counts,
            lexical=LexicalIndex(build / "bm25", len(chunks)),
            # the build's collection in a Chroma server, or its embedded Chroma (opened when used)
            vectors=open_vectors() if server else LazyVectors(open_vectors),
            row_of={c.chunk_id: i for i, c in enumerate(chunks)},
            sentences_of=sentences_of,
            exact_dense=not server,
            embed_precision=store.embed_precision(meta),
        )
