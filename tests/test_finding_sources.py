"""A finding asked of a source ("what did the final evaluation conclude?") is that source's finding.

A small invented learning report is indexed once; the questions are our own, each in several
phrasings. One project's evaluation reports a result; the other's evaluation is only announced, and
its paragraph holds achievements and a county statistic that are not what any evaluation found.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.analysis import analyse
from assistant.api import Assistant
from assistant.models import Passage
from assistant.reading import what_to_read
from assistant.units import named_document

REPORT = (
    "\n\n".join(
        [
            "Interim notes on the Harbourside projects",
            "Case study: Harbourside Youth Hub",
            (
                "Harbourside Youth Hub offers young people at risk of exclusion a key worker and a place "
                "to study after school."
            ),
            (
                "Each young person meets their key worker twice a week, at school or at the hub, and the "
                "key worker stays with them through any move between schools or homes. Key workers hold "
                "no more than eight cases each, so that they can respond on the same day when a young "
                "person asks for help, and they visit families at home in the evenings when parents are "
                "back from work."
            ),
            (
                "The hub's study room is open until eight in the evening and is staffed by volunteer "
                "tutors from the local college. Tutors keep a short note of each session, which the key "
                "worker reads before the next meeting, and the notes are shared with the young person's "
                "school every half term so that teachers and the hub agree on the next steps."
            ),
            (
                "Parents are invited to a monthly evening at the hub where they meet the tutors and key "
                "workers, hear what their children have been working on and talk about what would help "
                "at home. Interpreters are booked for families who ask for one, and a creche is run by "
                "the housing charity so that younger brothers and sisters can come along too."
            ),
            (
                "The independent evaluation of Harbourside Youth Hub found that 72% of the young people "
                "it worked with stayed in full-time education."
            ),
            "Case study: Westfield Shared Care",
            (
                "Westfield council has handed its statutory duties for disabled children in shared care "
                "to Westfield Shared Care, a charity that runs short breaks across the district."
            ),
            (
                "Each council area set up its own agreement, so the handovers began at different times. "
                "Because the agreements were kept short and attached to the children's existing care "
                "plans, the handover of duties proceeded relatively smoothly."
            ),
            "Case study: Millbrook Family Service",
            (
                "Millbrook Family Service brings family group conferences to every family referred to "
                "the council's children's services."
            ),
            (
                "Millbrook Family Service has trained 400 staff to run family group conferences. Its final "
                "evaluation report is due to be published in 2018."
            ),
            (
                "Across the county, 40% of children in care moved placement at least twice in 2015, a figure "
                "that has not improved since 2010."
            ),
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "harbourside"
file = "harbourside.txt"
title = "Interim notes on the Harbourside projects"
publisher = "Test"
date = "2016-05"
kind = "learning report"
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("sources"), {"harbourside.txt": REPORT}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("What did the final evaluation of Millbrook conclude?", "evaluation"),
        ("millbrook final evaluation - conclusions?", "evaluation"),
        ("what were the findings of the independent review of the hub", "review"),
        ("Did the trial at Millbrook show fewer placement moves?", "trial"),
        ("What has Millbrook Family Service achieved?", None),
        ("What results did Harbourside report?", None),  # "report" here is what the project did
    ],
)
def test_the_source_a_finding_is_asked_of(question: str, source: str | None) -> None:
    a = analyse(question)
    assert a.answer_type == "finding", a.to_dict()
    assert a.finding_source == source, a.to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "What did the final evaluation of Millbrook Family Service conclude?",
        "millbrook family service final evaluation - what did it find?",
        "I'm writing a briefing and need the headline conclusions of the evaluation of the Millbrook "
        "Family Service, can you give me them?",
        "what did the evaluaton of millbrook family service find",
    ],
)
def test_no_finding_of_the_asked_source_is_declined(report: Assistant, question: str) -> None:
    answer = report.ask(question)
    # the paragraph has achievements (400 staff trained) and a county figure, but the evaluation
    # is only announced: nothing said to be its finding
    assert answer.abstained, answer.answer
    assert "400 staff" not in answer.answer.split("\n")[0]


@pytest.mark.parametrize(
    "question",
    [
        "What did the evaluation of Harbourside Youth Hub find?",
        "harbourside youth hub evaluation - results?",
        "What did the independent evaluation show about the Harbourside Youth Hub?",
    ],
)
def test_a_finding_said_to_be_the_sources_answers(report: Assistant, question: str) -> None:
    answer = report.ask(question)
    assert not answer.abstained, answer.answer
    assert "72%" in answer.answer.split("\n")[0], answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What has Millbrook Family Service achieved so far?",
        "What did the report find about Millbrook Family Service?",  # the report is this document
    ],
)
def test_without_another_source_the_documents_own_account_answers(report: Assistant, question: str) -> None:
    answer = report.ask(question)
    assert not answer.abstained, answer.answer
    assert "400 staff" in answer.answer, answer.answer


def test_a_final_report_is_not_the_interim_one(report: Assistant) -> None:
    snap = report.snapshot()
    assert named_document(snap, "What did the interim report say about Millbrook?") == "harbourside"
    assert named_document(snap, "What did the report say about Millbrook?") == "harbourside"
    assert named_document(snap, "What did the final report say about Millbrook?") is None
    assert named_document(snap, "What did the evaluation report say about Millbrook?") is None


@pytest.mark.parametrize(
    "question",
    ["Did Harbourside Youth Hub actually work?", "did the harbourside youth hub pilot work at all?"],
)
def test_did_it_work_reads_on_through_the_case_study(report: Assistant, question: str) -> None:
    # retrieval found only the case study's opening; a result further into it answers "did it work?"
    # as it answers "what did it achieve?"
    snap = report.snapshot()
    opening = next(c for c in snap.chunks if "offers young people at risk" in c.text)
    result = next(c for c in snap.chunks if "72%" in c.text)
    assert opening.chunk_id != result.chunk_id
    a = analyse(question)
    assert a.intent == "yesno" and a.answer_type == "finding", a.to_dict()
    a.names = ["Harbourside Youth Hub"]
    qvec = report.embed(question)
    s = report.settings
    read = what_to_read(snap, a, [Passage(opening, 1.0)], qvec, report.embed, s.applicant_kinds, s.reading)
    assert result.chunk_id in {p.chunk.chunk_id for p in read.passages}


@pytest.mark.parametrize(
    "question",
    [
        "How did handing the council's statutory duties over to Westfield Shared Care go in practice?",
        "how did the westfield shared care handover go",
        "Westfield Shared Care took on the council's duties - how has that turned out?",
    ],
)
def test_how_it_went_is_answered_by_how_it_went(report: Assistant, question: str) -> None:
    answer = report.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith("Because the agreements were kept short"), answer.answer


@pytest.mark.parametrize(
    ("question", "past"),
    [
        ("How did handing the council's duties over to Westfield Shared Care go in practice?", True),
        ("what has the youth hub achieved", True),
        ("What do they want to see from a bid under impact?", False),
        ("What outcomes does the hub hope for?", False),
    ],
)
def test_asked_of_what_happened(question: str, past: bool) -> None:
    a = analyse(question)
    assert a.answer_type == "finding", a.to_dict()
    assert a.past is past, a.to_dict()
