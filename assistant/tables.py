"""The index's tables (stems of every chunk and sentence, IDF) as answering reads them, per snapshot.

Ingest writes them into each build (``ingest.index_tables``); a snapshot loads them once. The values
are exactly those of computing them now: ``idf(snap)`` equals ``compose.idf_table(snap)``,
``chunk_stems(snap)[row]`` equals ``content_stems(snap.chunks[row].text)`` and
``sentence_stems(snap)[i]`` equals ``set(content_stems(<sentence i>))``.
"""

from __future__ import annotations

import contextlib
import threading

from assistant.snapshot import Snapshot
from ingest.index_tables import FILE, IndexTables, compute, read, rules_fingerprint, write  # noqa: F401

_lock = threading.Lock()


def tables(snap: Snapshot) -> IndexTables:
    """The snapshot's tables: read from its build, else computed now (and saved for next time)."""
    cached = getattr(snap, "_index_tables", None)
    if cached is not None:
        return cached
    with _lock:
        cached = getattr(snap, "_index_tables", None)
        if cached is None:
            cached = read(snap.build)
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
