"""A document's account of itself ("This document sets out ...") answers only a question about it.

An invented guidance document opens with what it covers, in words close to any question about the
fund's support, and later says what the support is. The questions are our own, in several phrasings.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.api import Assistant
from assistant.text import SELF_DESCRIPTION

GUIDANCE = (
    "\n\n".join(
        [
            "Lakeside Family Fund: a guide for bidders",
            "About this guide",
            (
                "This document sets out the kinds of support the Lakeside Family Fund offers to "
                "projects, and how organisations can get that support. It gives more detail about the "
                "help available to projects over the next three years."
            ),
            "What projects receive",
            (
                "Besides the grant, every funded project is given a coach, a place in a learning network "
                "and an evaluator who visits each quarter."
            ),
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "lakeside"
file = "lakeside.txt"
title = "Lakeside Family Fund: a guide for bidders"
publisher = "Test"
date = "2017-02"
kind = "guidance"
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("self"), {"lakeside.txt": GUIDANCE}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    "question",
    [
        "What support do projects get besides the money?",
        "is it only a grant or is other help available to projects?",
        "do projects get any help other than the grant?",
        "wat help do projects recieve apart from cash",
        "Apart from funding, what do projects actually get from the fund over the years?",
    ],
)
def test_the_support_itself_answers_not_the_documents_account_of_itself(
    guide: Assistant, question: str
) -> None:
    ans = guide.ask(question)
    assert not ans.abstained
    assert ans.citations[0].text.startswith("Besides the grant, every funded project is given a coach")


def test_a_question_about_the_guide_may_be_answered_by_its_account_of_itself(guide: Assistant) -> None:
    ans = guide.ask("What does the Lakeside Family Fund guide for bidders set out?")
    assert ans.citations and ans.citations[0].text.startswith("This document sets out")


@pytest.mark.parametrize(
    ("sentence", "describes"),
    [
        ("This document sets out how to apply.", True),
        ("This report provides some early evidence of the learning.", True),
        ("- This guidance explains the criteria.", True),
        ("This project sets out to reduce care entries.", False),
        ("The report found fewer exclusions.", False),
    ],
)
def test_what_counts_as_a_documents_account_of_itself(sentence: str, describes: bool) -> None:
    assert bool(SELF_DESCRIPTION.match(sentence)) is describes
