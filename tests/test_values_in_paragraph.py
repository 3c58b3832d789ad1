"""A value stated in a sentence that does not repeat its subject's name, in a paragraph that names it.

Reports name a project once and go on with "The hub carer ...", "The team ..."; a count or a date
in those sentences is still that project's. Invented corpus, our own questions.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.api import Assistant

REPORT = (
    "Learning from the pilots\n\n"
    "Case studies\n\n"
    "The Lakeside Trust is introducing the Bluebell Circle model, a fostering model tested abroad, to "
    "three councils. The hub carer does not foster a child and keeps two spare beds for other carers in "
    "the circle. The circle meets every month.\n\n"
    "Riverside Council runs a different model with its own carers and no hub.\n"
)
MANIFEST = """[[document]]
id = "report"
file = "report.txt"
title = "Learning from the pilots"
publisher = "Test"
date = "2016-05"
kind = "learning report"
"""


@pytest.fixture(scope="module")
def pilots(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(index_invented(tmp_path_factory.mktemp("pilots"), {"report.txt": REPORT}, MANIFEST))


@pytest.mark.parametrize(
    "question",
    [
        "How many spare beds does a Bluebell Circle hub carer keep?",
        "how many beds does the bluebell circle hub carer keep free for other carers",
        "In the Bluebell Circle model, how many spare beds are there for other carers?",
    ],
)
def test_the_paragraph_names_whose_count_it_is(pilots: Assistant, question: str) -> None:
    ans = pilots.ask(question)
    assert not ans.abstained, ans.answer
    assert "two spare beds" in ans.answer


def test_a_count_of_another_subject_is_still_declined(pilots: Assistant) -> None:
    ans = pilots.ask("How many spare beds does a Riverside Council carer keep?")
    assert ans.abstained, ans.answer


def test_a_yes_no_question_about_a_result_the_documents_never_report_is_declined(pilots: Assistant) -> None:
    # the report describes the model and where it runs, but no outcome of it
    ans = pilots.ask("Did the Bluebell Circle model reduce placement breakdowns?")
    assert ans.abstained, ans.answer
