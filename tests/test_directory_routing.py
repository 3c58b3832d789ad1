"""Which questions the project directory answers, and which it hands to the prose (our own questions)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "question",
    [
        "which councils are trying out Pause right now?",
        "What local authorities are testing the Pause approach?",
    ],
)
def test_which_councils_take_part_is_not_answered_by_a_record_that_names_none(
    assistant_instance, question: str
) -> None:
    # the directory's Pause record is led by a charity and names no council; the interim report does
    ans = assistant_instance.ask(question)
    assert ans.mode != "directory"
    assert "Southwark" in ans.answer and "Newham" in ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "Which councils got funding in the West Midlands?",
        "which local authorities received money in the west midlands",
    ],
)
def test_which_bodies_got_funding_in_a_region_is_a_directory_list(assistant_instance, question: str) -> None:
    ans = assistant_instance.ask(question)
    assert ans.mode == "directory"
    assert "Coventry City Council" in ans.answer


def test_a_record_whose_description_names_the_councils_still_answers(assistant_instance) -> None:
    ans = assistant_instance.ask(
        "Morning Lane Associates: in what local authorities are they implementing their approach?"
    )
    assert "Derbyshire" in ans.answer and "Harrow" in ans.answer


@pytest.mark.parametrize(
    ("question", "org"),
    [
        ("which projects does newham run", "London Borough of Newham"),
        ("what is hertfordshire county council leading in the directory?", "Hertfordshire County Council"),
        ("list the projects led by torbay council", "Torbay Council"),
    ],
)
def test_an_organisation_typed_in_lower_case_still_filters_the_directory(
    assistant_instance, question: str, org: str
) -> None:
    ans = assistant_instance.ask(question)
    assert ans.mode == "directory", ans.answer
    lines = [ln for ln in ans.answer.splitlines() if ln.startswith("- ")]
    assert lines and all(org in ln for ln in lines), ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "which projects had a gap between their awards?",  # no field for it
        "Which of the listed projects were run by a mayor?",
        "which projets got extra time?",
    ],
)
def test_a_filter_the_directory_cannot_read_never_lists_every_project(
    assistant_instance, question: str
) -> None:
    ans = assistant_instance.ask(question)
    assert "lists 69 projects" not in ans.answer, ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "list all the projects in the directory",
        "show me every project",
        "which projects are in the directory?",
    ],
)
def test_asking_for_every_project_lists_them_all(assistant_instance, question: str) -> None:
    ans = assistant_instance.ask(question)
    assert ans.mode == "directory" and "lists 69 projects" in ans.answer, ans.answer[:200]


@pytest.mark.parametrize(
    "question",
    [
        "Did any round 1 projects end up getting extra time to finish testing their idea?",
        "were round one projects ever allowed to run on longer than planned?",
        "round 2 - did projects have to be evaluated independently?",
    ],
)
def test_a_rounds_summary_does_not_answer_a_question_that_only_names_a_round(
    assistant_instance, question: str
) -> None:
    ans = assistant_instance.ask(question)
    assert ans.mode != "directory", ans.answer
    assert "OF TOTAL FUNDING" not in " ".join(c.text for c in ans.citations)


@pytest.mark.parametrize(
    "question",
    ["how much did round 2 give out?", "what did round three focus on", "round 1 - how many projects?"],
)
def test_a_question_about_a_round_is_still_answered_by_its_summary(assistant_instance, question: str) -> None:
    ans = assistant_instance.ask(question)
    assert ans.mode == "directory" and "TOTAL FUNDING" in " ".join(c.text for c in ans.citations), ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "whats the slough childrens trust project in the directory and how much was it worth",
        "tell me about the slough childrens trust's project",
    ],
)
def test_an_organisation_typed_in_lower_case_is_looked_up_as_written_in_the_records(
    assistant_instance, question: str
) -> None:
    # "slough" is capitalised before the directory reads the question; "children's trust" is in two
    # organisations' names, and the one with the asker's own word is meant
    ans = assistant_instance.ask(question)
    assert ans.mode == "directory", ans.answer
    assert [r["organisations"] for r in ans.table] == ["Slough Children’s Services Trust"], ans.answer
