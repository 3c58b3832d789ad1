"""Small text helpers shared by the composer, the rewriter and the citation checker."""

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
    return list(_stemmer().stemWords(words))


def clean_for_display(text: str) -> str:
    """Drop markdown emphasis, <u> tags and footnote marks from a quote used as answer prose."""
    t = re.sub(r"</?u>", "", text)
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"(?<!\*)\*\*?(?!\*)", "", t)
    t = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+", "", t)
    t = re.sub(r"^\s*[-•▪●◦]\s+", "", t)
    return " ".join(t.split())
