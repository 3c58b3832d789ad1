"""Decide when the documents do not answer: better one polite refusal than a confident guess.

Signals, each general: how close the best passage is in meaning; words of the
question the corpus never uses (a place, a year, a topic it never mentions);
requests for creative writing; and asking for a kind of value (a phone
number) that no retrieved passage contains.
"""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from assistant.models import Passage
from assistant.snapshot import Snapshot
from assistant.text import content_stems

_CREATIVE = re.compile(
    r"^\s*(please\s+)?(write|compose|draft|generate|make up|create|sing|tell)\b.{0,40}\b"
    r"(poem|haiku|limerick|song|story|joke|essay|rap|sonnet|riddle)s?\b",
    re.I,
)
_CONTACT = re.compile(r"phone|telephone|\bcall\b|mobile|fax|e-?mail|postal address|postcode", re.I)
_CONTACT_VALUE = {
    "phone": re.compile(r"(?:\+44|\b0)\d[\d ]{8,12}\d\b"),
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "post": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"),
}
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+|[A-Z]{2,}|\d{4})\b")


_MONEY_ASKED = re.compile(r"\bhow much\b|\bvalue of\b|\bcost\b|\bbudget\b|\bworth\b|\bspen[dt]\b", re.I)
_MONEY_VALUE = re.compile(r"£\s?\d|\d\s?(?:m|bn|k)\b|\bmillion\b|\bbillion\b", re.I)
_SUBJECT = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-Z][\w'’-]+(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][\w'’-]+)*)")


def _money_without_subject(query: str, passages: list[Passage]) -> str | None:
    """The named subject of a "how much" question when no retrieved sentence pairs it with an amount.

    "What was the value of the Spring Consortium's contract?" needs a sentence
    that names the Spring Consortium and gives a sum; passages that give sums
    for other things do not answer it.
    """
    subjects = [m.group(1) for m in _SUBJECT.finditer(query.strip())]
    subjects = [s for s in subjects if s.lower() not in {"i", "dfe", "how", "what"}]
    if not subjects:
        return None
    for p in passages:
        # a directory entry is one record (name, organisation, award on separate lines): read it whole
        units = [p.chunk.text] if p.chunk.block == "entry" else re.split(r"(?<=[.!?])\s+|\n", p.chunk.text)
        for unit in units:
            context = f"{p.chunk.section}\n{unit}".lower()
            if _MONEY_VALUE.search(unit) and any(
                w.lower() in context for s in subjects for w in s.split() if len(w) > 3
            ):
                return None
    return " / ".join(subjects)


class Vocabulary:
    """The corpus's stems, with 5-letter prefixes so "criterion" is covered by "criteria"."""

    def __init__(self, snap: Snapshot) -> None:
        self.stems: set[str] = set()
        for c in snap.chunks:
            self.stems.update(content_stems(c.text))
        self.words = {w.lower() for t in snap.texts.values() for w in re.findall(r"[A-Za-z]+|\d{4}", t)}

    @cached_property
    def prefixes(self) -> set[str]:
        return {s[:5] for s in self.stems if len(s) >= 5}

    def covers(self, stem: str) -> bool:
        return stem in self.stems or (len(stem) >= 5 and stem[:5] in self.prefixes)


def vocabulary(snap: Snapshot) -> Vocabulary:
    vocab = getattr(snap, "_vocab_cache", None)
    if vocab is None:
        vocab = Vocabulary(snap)
        object.__setattr__(snap, "_vocab_cache", vocab)
    return vocab


MIN_SENTENCE_COS = 0.35  # a short question can match one sentence well and every passage poorly


def abstain_reason(
    snap: Snapshot, query: str, passages: list[Passage], min_dense: float, qvec: np.ndarray | None = None
) -> str | None:
    """Why the documents cannot answer ``query`` (None when they probably can)."""
    if not passages:
        return "nothing retrieved"
    dense = max(p.dense for p in passages)
    if _CREATIVE.search(query):
        return "a creative-writing request, not a question about the documents"
    best_sentence = float((snap.sent_vecs @ qvec).max()) if qvec is not None and len(snap.sent_vecs) else 0.0
    if dense < min_dense and best_sentence < MIN_SENTENCE_COS:
        return f"no passage is close in meaning (best cosine {dense:.2f}, best sentence {best_sentence:.2f})"
    vocab = vocabulary(snap)
    stems = set(content_stems(query))
    unknown = [s for s in stems if not vocab.covers(s)]
    if dense < min_dense + 0.08 and stems and len(unknown) / len(stems) >= 0.25:
        return f"the documents never mention {', '.join(sorted(unknown))}"
    names = [m.group(1) for m in _NAME.finditer(query.strip())]
    unknown_names = [n for n in names if n.lower() not in vocab.words]
    if unknown_names and dense < 0.5:
        return f"the documents never mention {', '.join(unknown_names)}"
    if _MONEY_ASKED.search(query):
        missing = _money_without_subject(query, passages)
        if missing:
            return f"no retrieved passage gives an amount for {missing}"
    asked = _CONTACT.search(query)
    if asked and not _contact_found(query, asked.group(0), passages):
        return f"no retrieved passage gives a {asked.group(0).lower()} for what was asked"
    return None


def _contact_found(query: str, asked: str, passages: list[Passage]) -> bool:
    """A line holding the asked kind of contact detail that also names something from the question."""
    phone = re.search(r"phone|call|mobile|fax", asked, re.I)
    kinds = ["phone"] if phone else list(_CONTACT_VALUE)
    words = {
        w.lower()
        for w in re.findall(r"[A-Za-z]{4,}", query)
        if not _CONTACT.search(w)
        and w.lower() not in {"what", "whats", "which", "where", "address", "number"}
    }
    for p in passages:
        for line in p.chunk.text.split("\n"):
            if any(_CONTACT_VALUE[k].search(line) for k in kinds) and any(w in line.lower() for w in words):
                return True
    return False
