"""Whether some organisation may apply is settled by the rule on who can apply, whoever asks.

An invented guidance document is indexed once: what it funds, and a question-and-answer section
whose "Who can apply?" item gives the general rule. The questions are our own, each in several
phrasings; the organisations asked about are ones the document never names.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.analysis import analyse
from assistant.api import Assistant

GUIDANCE = (
    "\n\n".join(
        [
            "Harbourside Children's Fund: guidance for bidders",
            "What we fund",
            "1. We fund new ways of keeping teenagers safe at home, such as family group meetings.",
            "2. Projects usually last one or two years and are evaluated by an independent team.",
            "Questions and answers",
            "Who can apply?",
            "Councils, charities and businesses from every sector can all apply for a grant.",
            "How long do projects run?",
            "Most projects run for one or two years.",
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "harbourside"
file = "harbourside.txt"
title = "Harbourside Children's Fund: guidance for bidders"
publisher = "Test"
date = "2016-04"
kind = "guidance"
"""


@pytest.fixture(scope="module")
def guidance(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("who"), {"harbourside.txt": GUIDANCE}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    ("question", "who"),
    [
        ("Could a youth offending team lead an application?", "youth offending team"),
        ("Is a university research centre allowed to lead a project?", "university research centre"),
        ("can our GP federation lead the project, or must it be a council?", "GP federation"),
        ("would a social enterprise be eligible?", "social enterprise"),
        ("could a dental practise lead any bid", "dental practise"),
    ],
)
def test_who_would_lead_is_read_as_who_may_apply(question: str, who: str) -> None:
    a = analyse(question)
    assert a.who_may_apply and a.applicant
    assert " ".join(a.applying_who) == who
    assert set(a.applying_who) < set(a.applying_ask)  # the ask also holds its verb ("lead", "apply")


@pytest.mark.parametrize(
    "question",
    [
        "Could our bid be based on a method used in retail?",
        "can the bid include a pilot in two towns?",
        "Would my bid need letters of support?",
        "when can we apply?",
        "how could a charity apply?",
    ],
)
def test_a_bid_as_a_thing_or_how_to_apply_is_not_who_may_apply(question: str) -> None:
    assert not analyse(question).who_may_apply


@pytest.mark.parametrize(
    "question",
    [
        "Can our GP federation lead the project?",
        "could a dental practice be allowed to apply?",
        "Is a police and crime commissioner allowed to apply?",
        "can a parish council bid??",
        "would a rugby club be eligible to apply",
    ],
)
def test_an_organisation_the_documents_never_name_gets_the_rule(guidance: Assistant, question: str) -> None:
    ans = guidance.ask(question)
    assert not ans.abstained, ans.text
    assert "Councils, charities and businesses from every sector can all apply" in ans.citations[0].text


@pytest.mark.parametrize("question", ["can I apply for a passport?", "Could a builder apply for a mortgage?"])
def test_what_is_applied_for_still_has_to_be_in_the_documents(guidance: Assistant, question: str) -> None:
    assert guidance.ask(question).abstained
