"""A value asked of one part of an overview is found in that part's own section.

An overview lists its parts by title; each part's section, under that title, gives its particulars
(a workshop's date and place) in sentences that never repeat the title. The invented page below has
that shape; the questions are our own.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from support import index_invented

from assistant import retrieve
from assistant.api import Assistant
from ingest.config import RetrievalSettings

PAGE = (
    "\n\n".join(
        [
            "Open call for partner ideas",
            "The fund is inviting ideas in three areas this spring:",
            "- Helping kinship carers keep brothers and sisters together",
            "- Using volunteer mentors to support young people after custody",
            "- Shared back-office services for small fostering agencies",
            "Helping kinship carers keep brothers and sisters together",
            "Read the briefing for this area.",
            "Please keep 14th March 2017 free for a design day in Bristol should your idea be chosen.",
            "Using volunteer mentors to support young people after custody",
            "Read the briefing for this area.",
            "Please keep 21st March 2017 free for a design day in Leeds should your idea be chosen.",
            "Shared back-office services for small fostering agencies",
            "Read the briefing for this area.",
            "Please keep 28th March 2017 free for a design day in Norwich should your idea be chosen.",
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "call"
file = "call.txt"
title = "Open call for partner ideas"
publisher = "Test"
date = "2017-01"
kind = "guidance"
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(index_invented(tmp_path_factory.mktemp("titled"), {"call.txt": PAGE}, MANIFEST))


QUESTIONS = [
    ("where and when is the event for the volunteer mentors area held?", "21st March", "Leeds"),
    ("what date is the workshop for kinship carers keeping siblings together", "14th March", "Bristol"),
    (
        "Date of the meeting for the back-office services for fostering agencies area?",
        "28th March",
        "Norwich",
    ),
]


@pytest.mark.parametrize(("question", "day", "place"), QUESTIONS)
def test_the_asked_parts_own_section_gives_its_date(
    page: Assistant, question: str, day: str, place: str
) -> None:
    answer = page.ask(question)
    first = answer.answer.split("[1]")[0]
    assert day in first and place in first, answer.answer
    # another area's date is another value, not more of this answer
    others = {"Bristol", "Leeds", "Norwich"} - {place}
    assert not any(other in first for other in others), answer.answer


@pytest.mark.parametrize(("question", "day", "place"), QUESTIONS)
def test_a_listed_title_points_at_the_section_it_heads(
    page: Assistant, question: str, day: str, place: str
) -> None:
    from assistant.analysis import analyse
    from assistant.candidates import candidates, titled_sections
    from assistant.retrieve import hybrid_search

    snap = page.snapshot()
    qvec = page.embed(question)
    s = page.settings
    passages = hybrid_search(snap, question, qvec, 10, s.retrieval)
    cands = candidates(snap, question, qvec, passages, s.ranking, s.reading, analyse(question).answer_type)
    rows = titled_sections(snap, cands, s.ranking)
    assert len(rows) == 1 and place in snap.chunks[rows[0]].text and day in snap.chunks[rows[0]].text


def test_a_short_line_points_at_no_section(page: Assistant) -> None:
    from assistant.candidates import Candidate, titled_sections

    snap = page.snapshot()
    short = Candidate(0, 0, 0, 10, "Read the briefing for this area.", 0.9, 0.0, 0.9)
    assert titled_sections(snap, [short], page.settings.ranking) == []


def test_each_rankings_first_choice_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # BM25's clear first choice (row 9) is ranked by nothing else: fusion alone would leave it out
    snap = SimpleNamespace(chunks=[f"chunk {i}" for i in range(12)], chunk_vecs=np.zeros((12, 3), np.float32))
    monkeypatch.setattr(retrieve, "Passage", lambda chunk, score, dense, lexical: chunk)
    monkeypatch.setattr(retrieve, "dense_ranking", lambda s, q, n: [(i, 0.5) for i in range(9)])
    monkeypatch.setattr(retrieve, "sentence_ranking", lambda s, q, n: [(i, 0.5) for i in range(9)])
    monkeypatch.setattr(
        retrieve, "lexical_ranking", lambda s, q, n: [(9, 12.0), *[(i, 1.0) for i in range(8)]]
    )
    got = retrieve.hybrid_search(snap, "q", np.zeros(3, np.float32), 5, RetrievalSettings())  # type: ignore[arg-type]
    assert len(got) == 5 and "chunk 9" in got


def test_two_missing_first_choices_are_both_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # BM25 and the sentence ranking each put a different passage first that nothing else ranks:
    # the second one brought in must not take the slot of the first
    snap = SimpleNamespace(chunks=[f"chunk {i}" for i in range(12)], chunk_vecs=np.zeros((12, 3), np.float32))
    monkeypatch.setattr(retrieve, "Passage", lambda chunk, score, dense, lexical: chunk)
    monkeypatch.setattr(retrieve, "dense_ranking", lambda s, q, n: [(i, 0.5) for i in range(9)])
    monkeypatch.setattr(
        retrieve, "sentence_ranking", lambda s, q, n: [(10, 0.9), *[(i, 0.5) for i in range(8)]]
    )
    monkeypatch.setattr(
        retrieve, "lexical_ranking", lambda s, q, n: [(9, 12.0), *[(i, 1.0) for i in range(8)]]
    )
    got = retrieve.hybrid_search(snap, "q", np.zeros(3, np.float32), 5, RetrievalSettings())  # type: ignore[arg-type]
    assert len(got) == 5 and "chunk 9" in got and "chunk 10" in got
