"""BM25 over the same chunks as the vector store, with bm25s (sparse matrices, saved to disk)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]):  # type: ignore[no-untyped-def]
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)


def build_bm25(texts: list[str], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(tokenize(texts), show_progress=False)
    retriever.save(str(folder))


class LexicalIndex:
    """Loaded BM25 index; ``scores`` gives every chunk's score for one query in one sparse op."""

    def __init__(self, folder: Path, size: int) -> None:
        import bm25s

        self._bm25 = bm25s.BM25.load(str(folder))
        self._size = size

    def scores(self, query: str) -> np.ndarray:
        import bm25s

        toks = bm25s.tokenize(
            [query], stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
        )
        words = [w for w in toks[0] if w in self._bm25.vocab_dict]
        if not words:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(words), dtype=np.float32)
