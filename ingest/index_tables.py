"""Tables that depend only on the index (stems of every chunk and sentence, IDF), made once per build.

Why: answering a question used to re-stem every chunk (IDF, the vocabulary behind "the documents
never mention X") and every sentence of the retrieved passages, for each question in a fresh
process and for each new snapshot. The stems depend only on the build and on
``ingest.stems.content_stems``, so ingest writes them into the build (``tables.json``) and a
snapshot loads them once (``assistant.tables``). The file records a fingerprint of
``ingest/stems.py``: when the stemming rules change, stale tables are recomputed (and rewritten)
instead of being trusted.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ingest import stems as stems_module
from ingest import store
from ingest.stems import content_stems

FILE = "tables.json"
FORMAT = 1


@dataclass(frozen=True)
class IndexTables:
    idf: dict[str, float]
    chunk_stems: list[list[str]]  # per chunk row, in order, repeats kept
    sentence_stems: list[frozenset[str]]  # per row of sent_spans


def rules_fingerprint() -> str:
    """Changes whenever ``ingest/stems.py`` (stop words, word pattern, stemmer use) changes."""
    source = Path(stems_module.__file__).read_bytes()
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
    if read(build) is None:
        write(build)


def read(build: Path) -> IndexTables | None:
    try:
        payload = json.loads((build / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("rules") != rules_fingerprint():
        return None
    return IndexTables(
        payload["idf"], payload["chunk_stems"], [frozenset(s) for s in payload["sentence_stems"]]
    )
