"""BM25 over the same chunks as the vector store: built by bm25s, scored at query time with numpy alone.

bm25s (eager "lucene" BM25) stores every (term, chunk) score in a sparse CSC matrix; a query's
scores are the sums of its terms' columns. Importing bm25s pulls in numba and scipy (about a second
of start-up), so the query side reads the saved arrays memory-mapped and repeats bm25s's own sum
(same terms, same order, same float32 additions: identical scores). The query tokenizer's rules
(token pattern, stop words) are saved beside the index by :func:`build_bm25`; an index built
before that falls back to bm25s itself.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

QUERY_RULES = "query_rules.json"  # token pattern and stop words of the query tokenizer
TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # bm25s.tokenize's default, used when the index was built


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]):  # type: ignore[no-untyped-def]
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)


def build_bm25(texts: list[str], folder: Path) -> None:
    import bm25s
    from bm25s.tokenization import _infer_stopwords

    retriever = bm25s.BM25()
    retriever.index(tokenize(texts), show_progress=False)
    retriever.save(str(folder))
    rules = {"token_pattern": TOKEN_PATTERN, "stopwords": sorted(_infer_stopwords("en"))}
    (folder / QUERY_RULES).write_text(json.dumps(rules), encoding="utf-8")


class LexicalIndex:
    """Loaded BM25 index; ``scores`` gives every chunk's score for one query in one pass."""

    def __init__(self, folder: Path, size: int) -> None:
        self._size = size
        rules_path = folder / QUERY_RULES
        if not rules_path.exists():  # built before the rules were saved: score with bm25s
            import bm25s

            self._bm25 = bm25s.BM25.load(str(folder))
            self._rules = None
            return
        self._bm25 = None
        rules = json.loads(rules_path.read_text(encoding="utf-8"))
        self._split = re.compile(rules["token_pattern"]).findall
        self._stop = frozenset(rules["stopwords"])
        self._vocab: dict[str, int] = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        self._data = np.load(folder / "data.csc.index.npy", mmap_mode="r")
        self._indices = np.load(folder / "indices.csc.index.npy", mmap_mode="r")
        self._indptr = np.load(folder / "indptr.csc.index.npy", mmap_mode="r")
        self._rules = rules

    def query_terms(self, query: str) -> list[str]:
        """The query's stems that the index knows, in order, repeats kept (as bm25s tokenizes)."""
        if self._rules is None:
            import bm25s

            toks = bm25s.tokenize(
                [query], stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
            )
            return [w for w in toks[0] if w in self._bm25.vocab_dict]  # type: ignore[union-attr]
        words = [w for w in self._split(query.lower()) if w not in self._stop]
        unique = list(dict.fromkeys(words))
        stem_of = dict(zip(unique, _stemmer().stemWords(unique), strict=True))
        return [stem_of[w] for w in words if stem_of[w] in self._vocab]

    def scores(self, query: str) -> np.ndarray:
        words = self.query_terms(query)
        if not words:
            return np.zeros(self._size, dtype=np.float32)
        if self._bm25 is not None:
            return np.asarray(self._bm25.get_scores(words), dtype=np.float32)
        scores = np.zeros(self._size, dtype=np.float32)
        for w in words:
            t = self._vocab[w]
            start, end = int(self._indptr[t]), int(self._indptr[t + 1])
            np.add.at(scores, self._indices[start:end], self._data[start:end])
        return scores
