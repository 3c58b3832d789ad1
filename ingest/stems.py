"""Content stems: the one way a text becomes the words it is about (stop words out, stemmed).

It lives in ``ingest`` because the index's tables (stems and IDF of every chunk and sentence,
``ingest.index_tables``) are made from it at ingest; answering reads the same function through
``assistant.text``, so the question and the documents are cut into words the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "about",
        "any",
        "all",
        "also",
        "am",
        "just",
        "s",
        "t",
        "don",
        "get",
        "got",
        "tell",
        "me",
        "please",
        "give",
        "show",
        "list",
        "say",
        "says",
        "said",
        "much",
        "many",
        "exactly",
        "actually",
        "really",
        "anything",
        "everything",
        "something",
        "thing",
        "things",
        "kind",
        "sort",
        "us",
        "let",
        "know",
        "want",
        "wants",
        "like",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


_CONTRACTION = re.compile(r"['’](s|ve|ll|re|d|m|t)$")


def content_stems(text: str) -> list[str]:
    """Stemmed, lower-cased content words (numbers kept, contractions cut), in order."""
    words = [_CONTRACTION.sub("", w.lower()).strip("'’-") for w in _WORD.findall(text)]
    words = [w for w in words if w and w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return [_single_end(s) for s in _stemmer().stemWords(words)]


_DOUBLE_END = re.compile(r"([bcdfghjkmnpqrtvwxy])\1$")


def _single_end(stem: str) -> str:
    """One stem for a word and its -ing / -ed forms: the stemmer undoubles the consonant it leaves
    ("staffing" -> "staf", "adding" -> "ad") but keeps the word's own ("staff", "add"), so "staff"
    and "staffing" never matched. Doubles it keeps in both (ll, ss, zz) stay."""
    return stem[:-1] if len(stem) >= 3 and _DOUBLE_END.search(stem) else stem
