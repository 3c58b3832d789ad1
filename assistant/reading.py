"""Which passages a question is answered from, beyond what hybrid search returned.

Search ranks passages by closeness to the question's words and meaning; the question analysis
knows more about where the answer lives: in the document the asker names, in the guidance for an
applicant, in the rest of a named project's case study, in the row of the criteria table the
asker names. Each rule here says which of these holds and why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.analysis import QuestionAnalysis
from assistant.models import Passage
from assistant.snapshot import Snapshot
from assistant.subjects import asked_names, names_any, names_covered, proper_nouns
from assistant.text import content_stems
from assistant.units import (
    kinds_of,
    meant_row,
    named_document,
    naming_words,
    subject_neighbours,
    with_kinds,
    with_question_heading,
    within_document,
)
from ingest.config import ReadingSettings


@dataclass
class Reading:
    """The passages to read, and what the analysis found about where the answer is."""

    passages: list[Passage]
    whole_table: bool = False  # several criteria fit equally: the table, given whole, is the answer
    row_meant: int | None = None  # the criteria-table row (sentence index) the asker names
    answered_row: int | None = None  # the chunk under a guidance question that repeats the asker's
    names: list[str] = field(default_factory=list)  # the subjects the asker names
    # the question without the words that name its document, when it names one, and its vector:
    # what sentences are scored against (None: the question as asked)
    query: str | None = None
    qvec: np.ndarray | None = None
    # the document the asker names ("the interim report"), even when every document is read
    named_doc: str | None = None


WHO_MAY_APPLY = "Who can apply?"  # the eligibility question as guidance documents ask it


def what_to_read(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    passages: list[Passage],
    qvec: np.ndarray,
    embed: Callable[[str], np.ndarray],
    applicant_kinds: str,
    knobs: ReadingSettings,
) -> Reading:
    """The passages to read and where the answer is; ``knobs``: the settings' reading group."""
    reading = Reading(passages=passages)
    if analysis.criteria:
        row, names_table = meant_row(snap, qvec, embed, knobs)
        if names_table and row is None:
            reading.whole_table = True
            return reading
        if row is not None:
            reading.row_meant = row
            chunk = snap.chunks[int(snap.sent_spans[row][0])]
            if all(p.chunk.chunk_id != chunk.chunk_id for p in passages):
                top = passages[0].score if passages else 1.0
                dense = float(snap.chunk_vecs[snap.row_of[chunk.chunk_id]] @ qvec)
                passages = [*passages, Passage(chunk, top, dense=dense)]
    named_doc = reading.named_doc = named_document(snap, analysis.query)
    # not when the asker wants every document's account, or asks about the document itself
    if named_doc is not None and (analysis.asks_conflict or analysis.about_document):
        named_doc = None
    if named_doc is not None and snap.docs[named_doc].kind != "directory":
        # "what does the 2016 guidance say about ...": that document's passages only, read for the
        # rest of the question
        passages = within_document(snap, passages, qvec, named_doc)
        framing = naming_words(snap, named_doc)
        rest = " ".join(w for w in analysis.query.split() if w.lower().strip("?.,;:'’s") not in framing)
        if rest != analysis.query and len(content_stems(rest)) >= 2:
            reading.query, reading.qvec = rest, embed(rest)
    elif analysis.applicant:
        kinds = kinds_of(applicant_kinds)
        passages = with_kinds(snap, passages, qvec, kinds, n=5 if analysis.intent == "yesno" else 3)
        if analysis.intent == "yesno":
            # "could we apply / is X in scope" is settled by the rules, not by reports about projects
            ruled = [p for p in passages if snap.docs[p.chunk.doc_id].kind.strip().lower() in kinds]
            passages = ruled or passages
        heading_vec = qvec
        if analysis.who_may_apply:
            # the documents' own question on eligibility ("Who can apply for funding?") is the one
            # this asks, in other words: read the asker's question together with that ask
            both = 0.5 * qvec + embed(WHO_MAY_APPLY)
            heading_vec = both / np.linalg.norm(both)
        passages, reading.answered_row = with_question_heading(
            snap, passages, heading_vec, embed, knobs, analysis.query
        )
    proper = proper_nouns(snap, knobs)
    reading.names = asked_names(analysis, proper)
    if (analysis.intent == "explain" or analysis.answer_type == "finding") and reading.names:
        # lessons and results about a named project sit further into its case study (also when asked
        # as "did X work?": a result answers that too)
        names = reading.names
        passages = subject_neighbours(
            snap,
            passages,
            qvec,
            lambda t: names_covered(analysis, t, proper),
            knobs,
            heading_names=lambda heading: names_any(names, heading),
        )
    reading.passages = passages
    return reading
