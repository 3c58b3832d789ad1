"""Decide when the documents do not answer: better one polite refusal than a confident guess.

Signals, each general: how close the best passage is in meaning, and words of the
question the corpus never uses (a place, a year, a topic it never mentions). Whether a
retrieved sentence gives the *kind* of value asked for is decided in
``assistant.answerability``; requests to write something in ``assistant.analysis``.
"""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from assistant import tables
from assistant.acronyms import implied_long_form
from assistant.analysis import QuestionAnalysis
from assistant.models import Passage
from assistant.snapshot import Snapshot
from assistant.text import ORDINAL_VALUES, SMALL_NUMBERS
from ingest.config import AbstentionSettings

_NUMBERED_LABEL = re.compile(r"\b([A-Z][a-z]+|[A-Z]{2,})\s+(\d{1,2})\b(?![.,]\d)")
_ORDINALS = {**ORDINAL_VALUES, **SMALL_NUMBERS}  # "the fourth round", "round four"
_ORDINAL_WORDS = "|".join(_ORDINALS)
# "round 4", "Round four"; "the fourth round"
_LABEL_NUMBER = re.compile(rf"\b([A-Za-z]+)\s+(\d{{1,2}}|{_ORDINAL_WORDS})\b(?![.,]\d)", re.I)
_ORDINAL_LABEL = re.compile(rf"\b({_ORDINAL_WORDS})\s+([A-Za-z]+)\b", re.I)


class Vocabulary:
    """The corpus's stems, with 5-letter prefixes so "criterion" is covered by "criteria"."""

    def __init__(self, snap: Snapshot) -> None:
        self.stems: set[str] = set()
        for stems in tables.chunk_stems(snap):  # content_stems of each chunk, made at ingest
            self.stems.update(stems)
        self.words = {w.lower() for t in snap.texts.values() for w in re.findall(r"[A-Za-z]+|\d{4}", t)}
        self._texts = list(snap.texts.values())

    @cached_property
    def numbered(self) -> dict[str, set[int]]:
        """Labels the documents number as a series ("Round 1", "Round 2", "ROUND 3"): label -> numbers.

        Only capitalised labels (a named series, not "aged 16") with at least two numbers.
        """
        series: dict[str, set[int]] = {}
        for text in self._texts:
            for m in _NUMBERED_LABEL.finditer(text):
                series.setdefault(m.group(1).lower(), set()).add(int(m.group(2)))
        # a series counts from 1 without gaps (Round 1, 2, 3); "Thursday 7 ... Thursday 29" is no series
        return {
            label: nums
            for label, nums in series.items()
            if len(nums) >= 2 and nums == set(range(1, max(nums) + 1))
        }

    def unknown_numbered(self, question: str) -> list[str]:
        """Numbered labels in the question that the documents' series do not have ("round 4")."""
        asked = [(m.group(1), m.group(2)) for m in _LABEL_NUMBER.finditer(question)]
        asked += [(m.group(2), m.group(1)) for m in _ORDINAL_LABEL.finditer(question)]
        found = []
        for label, number in asked:
            n = int(number) if number.isdigit() else _ORDINALS.get(number.lower(), 0)
            nums = self.numbered.get(label.lower())
            if nums and n and n not in nums:
                found.append(f"{label.lower()} {n}")
        return found

    @cached_property
    def prefixes(self) -> set[str]:
        return {s[:5] for s in self.stems if len(s) >= 5}

    def near(self, stem: str) -> bool:
        """A typing slip of a corpus word ("aplication", "deliverabel"); short words are never near."""
        if len(stem) < 5:
            return False
        from rapidfuzz import fuzz, process

        return process.extractOne(stem, self.long_stems, scorer=fuzz.ratio, score_cutoff=85) is not None

    @cached_property
    def long_stems(self) -> list[str]:
        return sorted(s for s in self.stems if len(s) >= 4)

    def covers(self, stem: str) -> bool:
        return stem in self.stems or (len(stem) >= 5 and stem[:5] in self.prefixes)


def vocabulary(snap: Snapshot) -> Vocabulary:
    vocab = getattr(snap, "_vocab_cache", None)
    if vocab is None:
        vocab = Vocabulary(snap)
        object.__setattr__(snap, "_vocab_cache", vocab)
    return vocab


def _named_sentence_close(
    snap: Snapshot, analysis: QuestionAnalysis, sims: np.ndarray, floor: float, pool: int
) -> bool:
    """A sentence near the question that names (or follows one naming) every subject it names.

    Among the ``pool`` sentences nearest the question (``abstention.named_sentence_pool``), one at
    least ``floor`` close.

    What the documents say about a named project is where the answer is, even when the asker's
    other words are their own; a question that only shares a place name with the documents
    ("the weather in <a city where a workshop was held>") has no sentence naming it that is also
    near the rest of the question.
    """
    if not analysis.names or not len(sims):
        return False
    pool = min(pool, len(sims))
    top = np.argpartition(-sims, pool - 1)[:pool] if pool < len(sims) else np.arange(len(sims))
    names = [name.lower() for name in analysis.names]
    for idx in top:
        if sims[idx] < floor:
            continue
        row, a, b = (int(v) for v in snap.sent_spans[idx])
        doc = snap.chunks[row].doc_id
        if idx > 0 and snap.chunks[int(snap.sent_spans[idx - 1][0])].doc_id == doc:
            a = int(snap.sent_spans[idx - 1][1])  # "This is in place of ..." names its subject just before
        text = snap.texts[doc][a:b].lower()
        if all(name in text for name in names):
            return True
    return False


def abstain_reason(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    passages: list[Passage],
    qvec: np.ndarray | None,
    limits: AbstentionSettings,
) -> str | None:
    """Why the documents cannot answer the question ``analysis`` read (None when they probably can).

    ``limits``: the settings' abstention group (thresholds, each with the reason it exists).

    Reads the analysis's focus (the asking clause's content words, without the words that frame
    the ask: "quote", "table", "footnote") and its terms (names, acronyms, years), never the
    question again.
    """
    if not passages:
        return "nothing retrieved"
    dense = max(p.dense for p in passages)
    # the question's cosine with every sentence, computed once for both checks below
    sims = snap.sent_vecs @ qvec if qvec is not None and len(snap.sent_vecs) else np.zeros(0, np.float32)
    best_sentence = float(sims.max()) if len(sims) else 0.0
    # "can a housing association lead a bid?" is settled by the guidance's general rule ("organisations
    # from across the private, public and voluntary sectors can all apply"), which shares few words
    # with it: an applicant's yes/no question has its own, lower bar (words the documents never use,
    # "a passport", "a mortgage", still decline it below); so is "is it too late to apply?", settled by
    # a deadline sentence that shares no word with it)
    min_dense, min_sentence = limits.abstain_threshold, limits.min_sentence_cos
    if analysis.applicant and (analysis.intent == "yesno" or analysis.still_open):
        min_sentence = min(min_sentence, limits.applicant_min_sentence_cos)
    # a short question can match one sentence well and every (pooled) passage poorly
    if (dense < min_dense and best_sentence < limits.sentence_rescue_cos) or (
        qvec is not None
        and best_sentence < min_sentence
        and not _named_sentence_close(
            snap, analysis, sims, limits.named_min_sentence_cos, limits.named_sentence_pool
        )
    ):
        return "no passage in them is about it"
    vocab = vocabulary(snap)
    stems = set(analysis.focus)
    written = dict(zip(analysis.focus, analysis.focus_words, strict=False))  # stem -> the asker's word
    if missing := vocab.unknown_numbered(analysis.clause or analysis.query):
        # the documents number a series (rounds 1-3): a number outside it is something they never cover
        return f"the documents never mention {', '.join(missing)}"
    applying = {w.casefold() for w in analysis.applying_ask} if analysis.applying_who else set()
    if applying:
        # "can a GP federation lead a bid?": who may apply is settled by the guidance's general rule
        # (which sectors may apply), so an organisation the documents never name is still answered;
        # what is applied for is not ("can I apply for a passport?")
        stems = {s for s in stems if written.get(s, s).casefold() not in applying}
    unknown = [s for s in stems if not vocab.covers(s) and not vocab.near(s)]
    if dense < min_dense + limits.unknown_words_margin and stems and len(unknown) / len(stems) >= 0.5:
        # in the asker's words ("applying"), not as stems ("appli")
        return f"the documents never mention {', '.join(sorted(written.get(s, s) for s in unknown))}"
    # an acronym the documents only ever spell out ("SCIE") is known by its long form
    unknown_names = [
        n
        for n in analysis.terms
        if n.lower() not in vocab.words and not implied_long_form(snap, n) and n.casefold() not in applying
    ]
    if unknown_names and dense < limits.unknown_name_cos:
        return f"the documents never mention {', '.join(unknown_names)}"
    return None
