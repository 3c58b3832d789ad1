"""Candidate sentences: every sentence of the retrieved passages, scored for one question.

Sentences are scored on meaning (cosine with the question), on the question's own words
(IDF-weighted overlap), on the rank of their passage, and on whether they hold the kind of value
asked for. ``assistant.compose`` chooses and renders the answer's units from them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from assistant import tables
from assistant.models import Passage
from assistant.snapshot import Snapshot
from assistant.text import COUNT_RE, SELF_DESCRIPTION, clean_for_display, content_stems, has_value
from assistant.units import context_stems
from ingest.config import RankingSettings, ReadingSettings

WORD_RUN = re.compile(r"[A-Za-z0-9]+")


def is_lead_in(sentence: str) -> bool:
    """A sentence that ends with a colon introduces what follows it (a list, a table)."""
    return sentence.rstrip().rstrip("*_").rstrip().endswith(":")


# every weight and margin of the scoring below is a field of the settings' ranking group
# (ingest/settings_groups.py RankingSettings), which says why it exists and why its value


@dataclass
class Candidate:
    idx: int
    row: int
    start: int
    end: int
    text: str
    cos: float
    lex: float
    score: float = 0.0
    is_question: bool = False
    bound: bool = False  # the lead needs it (a starred row's footnote): kept in the short answer


def idf_table(snap: Snapshot) -> dict[str, float]:
    return tables.idf(snap)  # computed at ingest (assistant/tables.py), same values


def candidates(
    snap: Snapshot,
    query: str,
    qvec: np.ndarray,
    passages: list[Passage],
    ranking: RankingSettings,
    reading: ReadingSettings,
    answer_type: str | None = None,
    prose_first: bool = False,
    subject: frozenset[str] = frozenset(),
    document_asked: bool = False,
) -> list[Candidate]:
    """Every sentence of the retrieved passages, scored for this query.

    ``document_asked``: the question names a document, so the document's account of itself
    ("This document sets out ...") may answer it; otherwise that account (and an "It ..." sentence
    going on with it) loses ``ranking.self_description_penalty``.

    ``answer_type`` (from the question analysis) gives a small bonus to sentences that hold a
    value of the asked kind; whether one *answers* is decided later (``assistant.answerability``).
    ``subject`` holds the stems of the names the question asks about: a sentence whose paragraph
    names them is about them even when it does not repeat the name ("The impact of these changes
    has been..."), so those words count for half, as heading words do.

    ``ranking``: the settings' ranking group (the score's weights, bonus and penalties); ``reading``:
    its reading group (what a sentence's paragraph is).
    """
    r = ranking
    idf = idf_table(snap)
    sentence_stems = tables.sentence_stems(snap)
    default_idf = math.log(1 + len(snap.chunks))
    q_stems = set(content_stems(query))
    q_weight = sum(idf.get(s, default_idf) for s in q_stems) or 1.0
    best_passage = passages[0].score if passages else 1.0
    out: list[Candidate] = []
    for passage in passages:
        row = snap.row_of[passage.chunk.chunk_id]
        idxs = snap.sentences_of.get(row)
        if idxs is None or not len(idxs):
            continue
        text = snap.texts[passage.chunk.doc_id]
        cos = snap.sent_vecs[idxs] @ qvec
        prior = passage.score / best_passage
        first_start = passage.chunk.segments[0][0] if passage.chunk.segments else passage.chunk.start
        record = r.directory_penalty if prose_first and passage.chunk.block in {"entry", "timeline"} else 0.0
        heading_stems = set(content_stems(passage.chunk.section.split(" > ")[-1])) & q_stems
        group: list[Candidate] = []
        describing = False  # the sentence before was the document's account of itself
        for j, idx in enumerate(idxs):
            _r, a, b = (int(v) for v in snap.sent_spans[idx])
            sent = text[a:b]
            stems = sentence_stems[idx]  # = set(content_stems(sent)), made at ingest
            matched = q_stems & stems
            around = heading_stems
            if subject - stems:
                around = around | (subject & context_stems(snap, int(idx), reading))
            # words of the question found only in the sentence's heading or paragraph count for half
            lex = (
                sum(idf.get(s, default_idf) for s in matched)
                + r.context_word_weight * sum(idf.get(s, default_idf) for s in (around & q_stems) - matched)
            ) / q_weight
            meaning = r.sentence_cos_share * float(cos[j]) + r.passage_cos_share * passage.dense
            cand = Candidate(int(idx), row, a, b, sent, meaning, lex)
            cand.is_question = a == first_start and sent.rstrip().endswith("?")
            bonus = r.value_bonus if answer_type and has_value(sent, answer_type) else 0.0
            n_words = len(WORD_RUN.findall(sent))
            short = (
                0.0
                if is_lead_in(sent)
                else r.fragment_penalty
                if n_words < 6
                else r.short_penalty
                if len(sent) < 40 and not COUNT_RE.search(sent)
                else 0.0
            )
            describing = not document_asked and bool(
                SELF_DESCRIPTION.match(sent) or (describing and re.match(r"\W*It\b", sent))
            )
            own = r.self_description_penalty if describing else 0.0
            cand.score = (
                r.cos_weight * cand.cos
                + r.word_weight * lex
                + r.rank_weight * prior
                + bonus
                - short
                - record
                - own
            )
            group.append(cand)
        # a lead-in ("... these three questions:") is as relevant as the list it introduces
        for j, cand in enumerate(group):
            if is_lead_in(cand.text) and j + 1 < len(group):
                follow = max(c.score for c in group[j + 1 : j + 4])
                cand.score = max(cand.score, follow)
        # a Q&A question heading lends its match to the answer right after it
        for j, cand in enumerate(group):
            if cand.is_question and j + 1 < len(group):
                nxt = group[j + 1]
                nxt.score = max(nxt.score, cand.score + 0.02)
                cand.score -= 1.0
        out.extend(group)
    return out


def titled_sections(snap: Snapshot, cands: list[Candidate], ranking: RankingSettings) -> list[int]:
    """Rows of the chunks headed by the best sentence's own words, when it is a title elsewhere.

    An overview lists its parts ("Testing and developing understanding of targeted support ...")
    and each part's section, under that title, holds its particulars (a workshop's date and place)
    in sentences that never repeat it. The listed title matches the question best; its section
    answers it. A heading is the title when rapidfuzz's ratio reaches ``ranking.title_match``.
    """
    ranked = [c for c in cands if not c.is_question]
    if not ranked:
        return []
    best = max(c.score for c in ranked)
    # a list's lead-in ties with its best item (it borrows the item's score): the item is the title
    tops = [c for c in ranked if c.score >= best - 1e-9 and not is_lead_in(c.text)]
    for top in tops:
        title = _title_key(top.text)
        if len(title) < 20:
            continue  # a short line ("Background") heads too many things to point at one
        own = snap.chunks[top.row].section
        rows = [
            row
            for row, key in _section_titles(snap).get(snap.chunks[top.row].doc_id, [])
            if row != top.row
            and snap.chunks[row].section != own
            and fuzz.ratio(key, title) >= ranking.title_match
        ]
        if rows:
            return rows
    return []


def _section_titles(snap: Snapshot) -> dict[str, list[tuple[int, str]]]:
    """Each document's chunk rows with their own heading as a title key (made once per snapshot:
    asked for every typed question)."""
    cached = getattr(snap, "_section_titles_cache", None)
    if cached is None:
        cached = {}
        for row, chunk in enumerate(snap.chunks):
            cached.setdefault(chunk.doc_id, []).append((row, _title_key(chunk.section.split(" > ")[-1])))
        object.__setattr__(snap, "_section_titles_cache", cached)
    return cached


def _title_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", clean_for_display(text).lower()))


def promote_answer(cands: list[Candidate], row: int, heading: str) -> None:
    """The answer under a document question that repeats the asker's question leads.

    The match of question to question is the evidence here; the answer's own words may share
    nothing with the asker's ("early help" against "early intervention").
    """
    best = max((c.score for c in cands), default=0.0)
    mine = sorted((c for c in cands if c.row == row and not c.is_question), key=lambda c: c.start)
    mine = [c for c in mine if not c.text.rstrip().endswith("?") and c.text.strip() not in heading]
    for k, cand in enumerate(mine[:3]):
        cand.score = max(cand.score, best + 0.03 - 0.01 * k)


def promote_row(cands: list[Candidate], idx: int) -> None:
    """The table row the question names leads (its first cell matched the asker's words)."""
    best = max((c.score for c in cands), default=0.0)
    for cand in cands:
        if cand.idx == idx:
            cand.score = max(cand.score, best + 0.05)
