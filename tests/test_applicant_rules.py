"""Whether the programme would take a project on is settled by what the guidance says it wants.

A small invented guidance document is indexed once: a rule on new delivery models, and, nearby, one
project's reported result. The questions are our own, each in several phrasings.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.analysis import analyse
from assistant.api import Assistant

GUIDANCE = (
    "\n\n".join(
        [
            "Seaview Innovation Fund: how to take part",
            "New ways of running services for teenagers in care",
            (
                "1. Councils have been able to hand over their duties for teenagers in care to other "
                "organisations for some years. We want to back new specialist organisations that take "
                "full case responsibility for teenagers in care, working with several councils at once."
            ),
            (
                "2. One council that moved its fostering service into a new company last year has "
                "reduced the number of teenagers placed far from home from 90 to 60."
            ),
            "Who can take part",
            "3. Councils, charities and businesses can all take part, alone or together.",
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "seaview"
file = "seaview.txt"
title = "Seaview Innovation Fund: how to take part"
publisher = "Test"
date = "2016-04"
kind = "guidance"
"""


@pytest.fixture(scope="module")
def guidance(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("rules"), {"seaview.txt": GUIDANCE}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    "question",
    [
        "Would DfE say a scheme like ours is the type of project they would back?",
        "would the programme fund a staff-owned mutual?",
        "Would they want to hear from a housing association like ours?",
        "is a project like ours the sort of thing they are looking for??",
        "Might the department support a spin-out of our edge of care team?",
        "is a kinship care hub something dfe would fund",
    ],
)
def test_would_they_take_it_on_is_an_applicants_question(question: str) -> None:
    assert analyse(question).applicant, analyse(question).to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "What kind of work did the fostering company do?",
        "What sort of support did teenagers get?",
        "How did the council's fostering company reduce placements far from home?",
    ],
)
def test_asking_about_a_project_is_not_an_applicants_question(question: str) -> None:
    assert not analyse(question).applicant, analyse(question).to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "We run a fostering company and want to cut the number of teenagers in care placed far from "
        "home by taking on their cases from several councils. Is a scheme like ours the type of "
        "project the fund would back?",
        "could we get funding for a new company that reduces placements far from home for teenagers in care?",
        "Would a fostering company taking on teenagers' cases to reduce placements far from home be in "
        "scope?",
    ],
)
def test_the_rule_answers_not_a_projects_result(guidance: Assistant, question: str) -> None:
    answer = guidance.ask(question)
    assert not answer.abstained, answer.answer
    # the rule leads; the project's result may follow it as an example
    assert answer.answer.startswith("We want to back new specialist organisations"), answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "only got a rough idea so far - too soon to get in touch?",
        "is it to early to contact the programme with half an idea?",
        "We haven't got a partner yet. Too early to apply?",
        "too soon to send in an expression of interest?",
    ],
)
def test_too_soon_is_an_applicants_yes_no_question(question: str) -> None:
    # asked without its verb ("(is it) too soon ...?") or with "to" typed for "too"
    a = analyse(question)
    assert a.applicant and a.intent == "yesno", a.to_dict()


def test_early_help_is_not_a_question_of_timing() -> None:
    a = analyse("What did projects learn about referring families to early help?")
    assert not a.applicant and a.intent != "yesno", a.to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "Does a project for young carers have to be led by a council?",
        "do projects need to be run by qualified social workers",
        "Must our bid include a health partner, or can we go alone?",
        "will the proposal have to show costs for all three years?",
        "does a scheme like ours hav to be evaluated independantly?",
    ],
)
def test_what_a_project_must_be_is_a_rule_question(question: str) -> None:
    assert analyse(question).applicant


@pytest.mark.parametrize(
    "question",
    ["Did projects have to deal with staff leaving?", "what did the projects need to change to succeed?"],
)
def test_what_projects_had_to_do_is_what_happened(question: str) -> None:
    assert not analyse(question).applicant
