"""Tables that depend only on the index (stems of every chunk and sentence, IDF), made once per build.

Why: answering a question used to re-stem every chunk (IDF, the vocabulary behind "the documents
never mention X") and every sentence of the retrieved passages, for each question in a fresh
process and for each new snapshot. The stems depend only on the build and on
``assistant.text.content_stems``, so ingest writes them into the build (``tables.json``) and a
snapshot loads them once. The file records a fingerprint of ``assistant/text.py``: when the
stemming rules change, stale tables are recomputed (and rewritten) instead of being trusted.

The values are exactly those of today's code: ``idf(snap)`` equals ``compose.idf_table(snap)``,
``chunk_stems(snap)[row]`` equals ``text.content_stems(snap.chunks[row].text)`` and
``sentence_stems(snap)[i]`` equals ``set(content_stems(<sentence i>))``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant import text as text_module
from assistant.snapshot import Snapshot
from assistant.text import content_stems
from ingest import store

FILE = "tables.json"
FORMAT = 1
_lock = threading.Lock()


@dataclass(frozen=True)
class IndexTables:
    idf: dict[str, float]
    chunk_stems: list[list[str]]  # per chunk row, in order, repeats kept
    sentence_stems: list[frozenset[str]]  # per row of sent_spans


def rules_fingerprint() -> str:
    """Changes whenever ``assistant/text.py`` (stop words, word pattern, stemmer use) changes."""
    source = Path(text_module.__file__).read_bytes()
    return hashlib.sha256(f"{FORMAT}|".encode() + source).hexdigest()[:16]


def compute(chunk_texts: list[str], sentence_texts: list[str]) -> IndexTables:
    """The tables, from the chunks' texts and the sentences' texts (in index order)."""
    chunk_stems = [content_stems(t) for t in chunk_texts]
    df: dict[str, int] = {}
    for stems in chunk_stems:
        for s in set(stems):
            df[s] = df.get(s, 0) + 1
    n = len(chunk_texts)
    idf = {s: math.log(1 + n / d) for s, d in df.items()}
    return IndexTables(idf, chunk_stems, [frozenset(content_stems(t)) for t in sentence_texts])


def _texts_of_build(build: Path) -> tuple[list[str], list[str]]:
    import numpy as np

    chunks = store.read_chunks(build)
    docs = {c.doc_id for c in chunks}
    texts = {d: (build / "texts" / f"{d}.txt").read_text(encoding="utf-8") for d in docs}
    spans = np.load(build / "sent_spans.npy").reshape(-1, 3)
    sentences = [texts[chunks[int(r)].doc_id][int(a) : int(b)] for r, a, b in spans]
    return [c.text for c in chunks], sentences


def write(build: Path, tables: IndexTables | None = None) -> IndexTables:
    """Compute (unless given) and save the tables of ``build``; written aside, then renamed."""
    if tables is None:
        tables = compute(*_texts_of_build(build))
    payload = {
        "rules": rules_fingerprint(),
        "idf": tables.idf,
        "chunk_stems": tables.chunk_stems,
        "sentence_stems": [sorted(s) for s in tables.sentence_stems],
    }
    tmp = build / f".{FILE}.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, build / FILE)
    return tables


def ensure(build: Path) -> None:
    """Write ``build``'s tables unless it has current ones (ingest calls this before publishing)."""
    if _read(build) is None:
        write(build)


def _read(build: Path) -> IndexTables | None:
    try:
        payload = json.loads((build / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("rules") != rules_fingerprint():
        return None
    return IndexTables(
        payload["idf"], payload["chunk_stems"], [frozenset(s) for s in payload["sentence_stems"]]
    )


def tables(snap: Snapshot) -> IndexTables:
    """The snapshot's tables: read from its build, else computed now (and saved for next time)."""
    cached = getattr(snap, "_index_tables", None)
    if cached is not None:
        return cached
    with _lock:
        cached = getattr(snap, "_index_tables", None)
        if cached is None:
            cached = _read(snap.build)
            if cached is None or len(cached.chunk_stems) != len(snap.chunks):
                sentences = [
                    snap.texts[snap.chunks[int(r)].doc_id][int(a) : int(b)] for r, a, b in snap.sent_spans
                ]
                cached = compute([c.text for c in snap.chunks], sentences)
                with contextlib.suppress(OSError):  # a read-only build answers, recomputing per process
                    write(snap.build, cached)
            object.__setattr__(snap, "_index_tables", cached)
    return cached


def idf(snap: Snapshot) -> dict[str, float]:
    """Same values as ``compose.idf_table(snap)``."""
    return tables(snap).idf


def chunk_stems(snap: Snapshot) -> list[list[str]]:
    """``content_stems(chunk.text)`` of every chunk, by row."""
    return tables(snap).chunk_stems


def sentence_stems(snap: Snapshot) -> list[frozenset[str]]:
    """``set(content_stems(sentence))`` of every sentence, by its row in ``snap.sent_spans``."""
    return tables(snap).sentence_stems
