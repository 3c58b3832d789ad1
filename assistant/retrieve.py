"""Hybrid retrieval: Chroma (dense) and bm25s (lexical) fused by reciprocal rank.

Dense search finds paraphrases ("borrowed from another industry" -> "learning
from other sectors"); BM25 finds exact names and figures ("Leeds", "FDAC").
RRF needs no score calibration between the two.
"""

from __future__ import annotations

import numpy as np

from assistant.models import Passage
from assistant.snapshot import Snapshot
from ingest.config import RetrievalSettings


def dense_ranking(snap: Snapshot, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
    """(chunk row, cosine), best first: an exact scan of an embedded build, else the Chroma server.

    An embedded build's Chroma collection holds exactly ``snap.chunk_vecs``; one matrix-vector
    product over them ranks as its HNSW search does at this size (exact rather than approximate
    as the index grows) without importing chromadb on the query path.
    """
    if snap.exact_dense:
        return exact_ranking(snap.chunk_vecs, qvec, n)
    # twice as many from the server's approximate (HNSW) search, scored again with the build's
    # local copy of the same vectors and cut to the best n: a near-tie the graph search misses, or
    # orders by its own float arithmetic, would otherwise shift the ranks below it, and fusion would
    # pick other passages than an embedded build does
    hits = snap.vectors.similarity_search_by_vector_with_relevance_scores(  # type: ignore[attr-defined]
        qvec.tolist(), k=min(2 * n, len(snap.chunks))
    )
    rows = []
    for doc, _distance in hits:
        row = snap.row_of.get(doc.id) if doc.id else None
        if row is None:
            row = int(doc.metadata.get("row", -1))
        if 0 <= row < len(snap.chunks):
            rows.append(row)
    if not rows:
        return []
    picked = np.asarray(sorted(set(rows)), dtype=np.int64)  # ascending: ties go by row, as exact_ranking's
    return [(int(picked[i]), s) for i, s in exact_ranking(snap.chunk_vecs[picked], qvec, n)]


def exact_ranking(vecs: np.ndarray, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
    """Top ``n`` rows of ``vecs`` by dot product with ``qvec`` (cosine: both normalised), ties by row."""
    if not len(vecs):
        return []
    sims = vecs @ qvec
    n = min(n, len(sims))
    top = np.argpartition(-sims, n - 1)[:n] if n < len(sims) else np.arange(len(sims))
    top = top[np.lexsort((top, -sims[top]))]
    return [(int(i), float(sims[i])) for i in top]


def lexical_ranking(snap: Snapshot, query: str, n: int) -> list[tuple[int, float]]:
    scores = snap.lexical.scores(query)
    if not scores.any():
        return []
    top = np.argpartition(-scores, min(n, len(scores) - 1))[:n]
    top = top[np.argsort(-scores[top])]
    return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def sentence_ranking(snap: Snapshot, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
    """Chunks ranked by their single best-matching sentence.

    A long passage's one relevant sentence is diluted in the passage vector;
    this ranking finds it anyway (one matrix-vector product over all sentences).
    """
    if not len(snap.sent_vecs):
        return []
    sims = snap.sent_vecs @ qvec
    top = np.argpartition(-sims, min(n * 3, len(sims) - 1))[: n * 3]
    best: dict[int, float] = {}
    for i in top[np.argsort(-sims[top])]:
        row = int(snap.sent_spans[i, 0])
        if row not in best:
            best[row] = float(sims[i])
    return sorted(best.items(), key=lambda kv: -kv[1])[:n]


def hybrid_search(
    snap: Snapshot, query: str, qvec: np.ndarray, k: int, retrieval: RetrievalSettings
) -> list[Passage]:
    """Top ``k`` passages by reciprocal rank fusion of passage, sentence and BM25 rankings.

    ``retrieval``: the settings' retrieval group (how deep each ranking goes, the fusion's k).
    """
    depth = retrieval.fusion_candidates
    dense = dense_ranking(snap, qvec, depth)
    lexical = lexical_ranking(snap, query, depth)
    by_sentence = sentence_ranking(snap, qvec, depth)
    fused: dict[int, float] = {}
    dense_score = dict(dense)
    lex_score = dict(lexical)
    for ranking in (dense, lexical, by_sentence):
        for rank, (row, _s) in enumerate(ranking):
            fused[row] = fused.get(row, 0.0) + 1.0 / (retrieval.rrf_k + rank + 1)
    best = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
    # each ranking's own first choice is read even when the others disagree: a passage BM25 ranks
    # first by a clear margin (the one section whose heading names the asked policy area) gets a
    # single 1/(rrf_k + 1) from fusion and can fall below ten passages the dense rankings half agree on
    # (a top choice brought in takes the lowest slot no other ranking's top choice holds, so a
    # second missing top choice never evicts the first)
    tops = [ranking[0][0] for ranking in (lexical, dense, by_sentence) if ranking]
    for row in tops:
        if row in {r for r, _s in best} or len(best) < k:
            continue
        free = [i for i, (r, _s) in enumerate(best) if r not in tops]
        if free:
            best[free[-1]] = (row, fused[row])
    return [
        Passage(
            chunk=snap.chunks[row],
            score=score,
            dense=dense_score.get(row, float(snap.chunk_vecs[row] @ qvec)),
            lexical=lex_score.get(row, 0.0),
        )
        for row, score in best
    ]
