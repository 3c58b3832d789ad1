"""A value leads an answer only when its own sentence is about something asked.

A percentage or a date whose only link to the question is the words of the sentences around it is
a figure about something else; and among sentences that state a lesson, one that mentions the asked
subject comes before one that mentions only learning in general. The page is invented; the
questions are our own.
"""

from __future__ import annotations

import pytest
from support import index_invented, sentence_starting

from assistant.api import Assistant

PAGE = (
    "\n\n".join(
        [
            "Annual report of the fund",
            "Background",
            "Most mentoring schemes in the second wave are run by councils, with some run by "
            "volunteer groups. In 2015, 40% of young people leaving custody were reoffending within "
            "a year, compared with 25% of other young adults. The schemes were chosen by a panel.",
            "Harbour Homes",
            "Harbour Homes helps young people leaving custody face their challenges and build "
            "confidence. Recruiting experienced support workers has proven difficult for Harbour "
            "Homes in two of its three areas.",
            "Looking ahead to next year",
            "We will keep building on early learning as the fund grows.",
            "What the pilots taught us",
            "Early learning from the pilots shows that volunteer mentors need training in "
            "safeguarding before they are matched with a young person.",
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "report"
file = "report.txt"
title = "Annual report of the fund"
publisher = "Test"
date = "2018-05"
kind = "learning"
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(index_invented(tmp_path_factory.mktemp("ontopic"), {"report.txt": PAGE}, MANIFEST))


@pytest.mark.parametrize(
    "question",
    [
        "what percentage of second wave mentoring schemes were run by volunteer groups?",
        "What share of the schemes in wave 2 did volunteer groups run?",
        "how big a share of mentoring schemes are run by volunteer groups in the second wave",
        "wat percent of the mentoring schemes was run by volunter groups?",
        "Could you tell me, as a proportion, how many of the second-wave mentoring schemes were run "
        "by volunteer groups rather than councils?",
    ],
)
def test_a_share_of_something_else_is_no_answer(report: Assistant, question: str) -> None:
    # the page gives reoffending shares, never the share of schemes a kind of body runs
    answer = report.ask(question)
    assert answer.abstained, answer.answer
    assert "40%" not in answer.answer.split("\n")[0]


def _cand(report: Assistant, starts: str, score: float):  # type: ignore[no-untyped-def]
    from assistant.candidates import Candidate

    snap = report.snapshot()
    idx = sentence_starting(report, starts)
    row, a, b = (int(v) for v in snap.sent_spans[idx])
    text = snap.texts[snap.chunks[row].doc_id][a:b]
    return Candidate(idx, row, a, b, text, score, 0.0, score)


def _lead(report: Assistant, question: str, kinds: set[str], starts: tuple[str, str]) -> str:
    """The judge's lead between two sentences of the page scored alike (the first a little higher)."""
    from assistant.analysis import analyse
    from assistant.answerability import judge
    from assistant.vocab import normalise
    from ingest.config import AnswerSettings

    snap = report.snapshot()
    fixed, _ = normalise(snap, question, report.settings.spelling)
    analysis = analyse(fixed, fixed)
    assert analysis.answer_type in kinds, analysis
    cands = [_cand(report, starts[0], 0.80), _cand(report, starts[1], 0.77)]
    answering = AnswerSettings(lead_margin=0.1, min_focus=0.2, count_window=40)
    verdict = judge(snap, analysis, cands, answering, report.settings.reading)
    assert verdict.lead is not None
    return verdict.lead.text


@pytest.mark.parametrize(
    "question",
    [
        "What lessons did the pilots teach about the mentors?",
        "what did the pilots learn about volunteer mentors",
        "wat was learnt from the pilots about mentors?",
        "Key lesson from the pilot mentoring about the volunteers?",
        "I am planning a scheme of my own and would like to know what the pilots taught people "
        "about getting volunteer mentors ready.",
    ],
)
def test_a_lesson_about_the_asked_subject_leads(report: Assistant, question: str) -> None:
    # both sentences say "learning" and score alike; only one says anything about what was asked
    lead = _lead(
        report,
        question,
        {"lesson"},
        ("We will keep building on early learning", "Early learning from the pilots shows"),
    )
    assert lead.startswith("Early learning from the pilots")


@pytest.mark.parametrize(
    "question",
    [
        "what's been the hardest bit for Harbour Homes on the staffing side?",
        "Harbour Homes - biggest struggle with workers?",
        "wat problems did Harbour Homes have recruiting?",
        "What obstacles did Harbour Homes hit when hiring support workers?",
        "I run a similar service and want to know what got in the way for Harbour Homes when it came "
        "to recruiting its workers.",
    ],
)
def test_a_difficulty_with_the_asked_thing_leads(report: Assistant, question: str) -> None:
    # both sentences name Harbour Homes and a difficulty ("challenges", "difficult"); only one is
    # about workers, which is what is asked of it
    lead = _lead(
        report,
        question,
        {"obstacle", "lesson"},
        ("Harbour Homes helps young people", "Recruiting experienced support workers"),
    )
    assert lead.startswith("Recruiting experienced")
