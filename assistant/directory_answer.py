"""Answers from the project directory's records, and the other documents' account beside them.

Only directory questions reach the records (a list, a lookup, a count, a superlative); a record must
name the asked subject and state the asked value. A record's figure is joined by the narrative
documents' figure for the same thing, since the two may count differently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.analysis import QuestionAnalysis
from assistant.cite import verify
from assistant.conflicts import citation_conflicts
from assistant.coverage import focus_coverage
from assistant.models import Answer, Citation, Passage
from assistant.retrieve import hybrid_search
from assistant.snapshot import Snapshot
from assistant.subjects import names_covered
from assistant.text import content_stems
from assistant.typed_values import states_value
from assistant.vocab import only_capitalised
from ingest.config import AnswerSettings, RetrievalSettings, SpellingSettings

if TYPE_CHECKING:
    from ingest.projects_store import ProjectStore

_ROLE = re.compile(
    r"\b(?:lead|leader|manager|director|head|chair|minister|officer|person|people|staff|contact|name of"
    r"|phone|e-?mail|address|evaluat\w*)\b",
    re.I,
)


# asking which councils (local authorities, boroughs) take part in something
_ASKS_COUNCILS = re.compile(r"\b(?:which|what) (?:local authorit(?:y|ies)|councils?|boroughs?|las)\b", re.I)
_COUNCIL = re.compile(r"\b(?:council|borough|county|city|local authorit(?:y|ies)|trust)\b", re.I)


def _merge(first: Answer, second: Answer) -> Answer:
    """Append ``second``'s sentences and sources to ``first``, renumbering the second's markers."""
    offset = len(first.citations)
    renumbered = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", second.answer)
    extra = [replace(c, n=c.n + offset) for c in second.citations]
    notes = [re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", n) for n in second.notes]
    return replace(
        first,
        answer=f"{first.answer}\n\n{renumbered}",
        citations=[*first.citations, *extra],
        notes=[*first.notes, *notes],
        mode=f"{first.mode}+{second.mode}",
    )


def _organisations_capitalised(snap: Snapshot, query: str, projects: ProjectStore) -> str:
    """``query`` with an organisation's name typed in lower case written as the records write it
    ("what is newham council leading" -> "Newham"): the directory reads capitalised words as names.
    Only words the documents never write in lower case, and that are in an organisation's name."""
    org_words = _organisation_words(projects)

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        return (only_capitalised(snap, w) or w) if w in org_words else w

    return re.sub(r"\b[a-z]{4,}\b", fix, query)


def _organisation_words(projects: ProjectStore) -> set[str]:
    return {w.lower() for r in projects.all() for w in re.findall(r"[A-Za-z]{4,}", r.organisations)}


# the words that name a round ("round 2", "the second phase", "round one projects")
_ROUND_WORDS = frozenset(
    content_stems("round rounds phase phases wave project projects one two three first second third 1 2 3")
)


def from_directory(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    question: str,
    query: str,
    contexts: list[str],
    projects: ProjectStore | None,
    answering: AnswerSettings,
    spelling: SpellingSettings,
) -> Answer | None:
    """The project directory's answer to a directory question (list, lookup, count, superlative), or
    None when the question is the prose's matter or no record answers it.

    ``answering``: the settings' answer group (``count_window``, ``short_list``); ``spelling``: how
    loosely typed entry names are read.
    """
    if analysis.intent in {"reference", "not_documents"} or analysis.answer_type in {
        "share",
        "date",
        "duration",
    }:
        return None  # a paragraph, a share of projects, a date, a funding period: answered from the prose
    if analysis.intent == "yesno" and analysis.applicant and analysis.directory is None:
        return None  # an applicant's "would this be fundable?" is the guidance's matter
    if (analysis.intent == "explain" and analysis.directory != "list") or analysis.criteria:
        return None  # lessons, and how bids are judged, are the prose's matter
    if analysis.answer_type in {"person", "contact", "frequency"} and _ROLE.search(analysis.query):
        return None  # the directory names organisations, never their staff or contact details
    from assistant.projects import answer_from_directory, answer_rounds, answer_superlative

    if projects is None:
        return None
    source = snap.texts.get(projects.doc_id, "")
    query = _organisations_capitalised(snap, query, projects)
    if analysis.directory == "superlative":
        result = answer_superlative(query, projects, source, spelling)
    else:
        rounds = answer_rounds(query, projects, source)
        # a round's summary (years, projects, funding, themes) answers a question about those, not
        # any question that names a round ("did any round 1 projects get extra time?"): what is
        # asked of the round, its name aside, must be in the summary
        asked = replace(analysis, focus=[f for f in analysis.focus if f not in _ROUND_WORDS])
        if (
            rounds is not None
            and analysis.answer_type is None
            and asked.focus
            and focus_coverage(snap, asked, rounds.answer, answering) < answering.min_focus
        ):
            rounds = None
        result = rounds or answer_from_directory(query, projects, source, spelling, answering)
    if result is None or not names_covered(analysis, result.answer):
        return None  # a record that does not name the asked subject does not answer
    if _ASKS_COUNCILS.search(analysis.clause) and not _COUNCIL.search(result.answer):
        # "which councils are testing Pause": a record led by a charity that names no council
        # (neither as its lead body nor in its description) does not say; the prose may
        return None
    if analysis.answer_type in {"money", "count"} and not states_value(
        snap, analysis, result.answer, answering.count_window, record=True
    ):
        return None  # records that only repeat the asker's figure ("the £29m") do not answer
    info = snap.docs.get(projects.doc_id)
    citations = []
    for c in result.citations:
        cit = Citation(
            n=int(c["n"]),
            doc_id=projects.doc_id,
            title=info.title if info else projects.title,
            file=info.file if info else projects.file,
            date=info.date if info else projects.date,
            section=c.get("section") or "",
            paragraph=c.get("paragraph"),
            page=c.get("page"),
            text=c["text"],
            start=int(c["start"]),
            end=int(c["end"]),
        )
        if verify(cit, source):
            citations.append(cit)
    if not citations:
        return None
    return Answer(
        question=question,
        query=query,
        answer=result.answer,
        abstained=False,
        citations=citations,
        contexts=contexts,
        table=result.rows,
        mode="directory",
    )


def with_other_documents(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    answer: Answer,
    query: str,
    qvec: np.ndarray,
    passages: list[Passage],
    retrieval: RetrievalSettings,
    prose_from: Callable[[list[Passage]], Answer],
) -> Answer:
    """A record's answer, joined by what the other documents say when it matters.

    A mixed question gets the record plus the prose; any question gets the other documents' account
    when its figures contradict the record; a typed question (how much, how many, when) that the
    other documents also answer gets their figure too, since the record and the narrative may count
    differently. ``prose_from`` answers from a list of passages (without a near-miss decline);
    ``retrieval``: the settings' retrieval group, for a wider search.
    """
    pool = passages
    if analysis.asks_conflict:
        # the asker has seen other figures: look further than the records crowding the top
        pool = hybrid_search(snap, query, qvec, retrieval.top_k * 4, retrieval)
    others = [p for p in pool if snap.docs[p.chunk.doc_id].kind != "directory"]
    prose = prose_from(others) if others else None
    if prose is None or prose.abstained:
        return answer
    shifted = [replace(c, n=c.n + len(answer.citations)) for c in prose.citations]
    # one record's figures can be disputed by prose; a list of records states no one quantity
    one_record = len(answer.citations) == 1
    disputes = citation_conflicts(snap, answer.citations, shifted, query) if one_record else []
    typed = analysis.answer_type in {"money", "count", "date"}
    if disputes or analysis.wants_prose or typed:
        answer = _merge(answer, prose)
        answer.notes.extend(d for d in disputes if d not in answer.notes)
    return answer
