"""Figures that disagree across documents: found by reading the corpus, answered with both values."""

from __future__ import annotations

import re

import pytest

from assistant.conflicts import disagree, typed_figures

CONFLICTS = [
    # (question, values that must both be cited, the documents that give them)
    (
        "What size of workforce is Focus on Practice training across the three boroughs? I've come "
        "across two numbers.",
        ["700", "600"],
        {"how-to-get-involved", "interim-learning-report"},
    ),
    (
        # the documents' own name for the first round: bridging "opening round" to "original fund" is
        # a synonym problem, not the conflict capability tested here
        "Over which years did the original innovation fund run? The sources seem to disagree.",
        ["2015", "2016"],
        {"community-care-innovation-plans"},
    ),
    (
        "When was the Interim Learning Report published? I have seen different dates.",
        ["January 2016", "February 2016"],
        {"how-to-get-involved", "interim-learning-report"},
    ),
]


@pytest.mark.parametrize(("question", "values", "docs"), CONFLICTS)
def test_conflicting_figures_are_both_cited_with_a_note(assistant_instance, question, values, docs) -> None:
    ans = assistant_instance.ask(question)
    assert not ans.abstained
    notes = [n for n in ans.notes if n.startswith("The documents differ")]
    assert notes, ans.notes
    for value in values:
        assert any(value in c.text for c in ans.citations), (value, [c.text for c in ans.citations])
        assert any(value in n for n in notes), (value, notes)
    assert docs <= {c.doc_id for c in ans.citations}
    # the note names each side's document and its date, and points at real citation numbers
    cited = {str(c.n) for c in ans.citations}
    assert set(re.findall(r"\[(\d+)\]", notes[0])) <= cited
    assert re.search(
        r"\((January|February|March|April|May|June|July|August|September|October|November|"
        r"December) \d{4}\)",
        notes[0],
    )


def test_a_question_with_one_figure_gets_no_conflict_note(assistant_instance) -> None:
    ans = assistant_instance.ask("What did children's social care cost altogether in 2014-15?")
    assert not ans.abstained, ans.answer
    assert any("£7 billion" in c.text for c in ans.citations), [c.text for c in ans.citations]
    assert not any(n.startswith("The documents differ") for n in ans.notes), ans.notes


def test_figures_are_compared_like_with_like() -> None:
    assert typed_figures("a total of £110 million") == typed_figures("£110m in total")
    # 120 organisations and 90 local authorities measure different things
    assert not disagree("involving over 120 organisations", "involving 90 local authorities")
    assert disagree("train 600 staff", "just over 700 staff in total")
    # saying more is not contradicting: {2014, 2016} vs {2014} is not a disagreement
    assert not disagree("between 2014 and 2016", "since 2014")
    assert disagree("ran from 2014 to 2015", "between May 2014 and March 2016")
    assert disagree("published in February 2016", "Interim Learning Report January 2016")


@pytest.mark.parametrize(
    "question",
    [
        "Which projects in the North West got money, and what are they doing?",
        "list the London projects and what they were funded for",
    ],
)
def test_a_list_of_records_gets_no_documents_differ_note(assistant_instance, question: str) -> None:
    # a list states no one quantity, so prose dates or sums elsewhere cannot contradict it
    ans = assistant_instance.ask(question)
    assert not ans.abstained, ans.answer
    assert len(ans.citations) > 1, ans.answer
    assert not any("differ" in n for n in ans.notes), ans.notes


@pytest.mark.parametrize(
    "question",
    [
        "How much funding did Pause receive for preventing repeat removals?",
        "How much money went to Pause's repeat removals project?",
    ],
)
def test_a_typed_question_gets_the_narratives_figure_beside_the_record(assistant_instance, question) -> None:
    ans = assistant_instance.ask(question)
    assert not ans.abstained
    cited = " ".join(c.text for c in ans.citations)
    assert "£4.2m" in cited and "£4.3m" in cited, cited  # the directory's award and the guidance's figure
    assert {"how-to-get-involved", "programme-journey-directory"} <= {c.doc_id for c in ans.citations}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Was the opening round worth £90m or £120m? Two sources disagree.", "money"),
        ("Did it start in 2012 or 2015? The dates differ between documents.", "date"),
        ("Were there 40 or 45 projects? The numbers don't match.", "count"),
    ],
)
def test_the_values_an_asker_quotes_set_the_type_and_leave_the_focus(question: str, kind: str) -> None:
    from assistant.analysis import analyse

    analysis = analyse(question)
    assert analysis.asks_conflict and analysis.answer_type == kind
    assert not any(f[:1].isdigit() for f in analysis.focus)  # the quoted values are candidates


def test_a_disputed_figure_answered_by_a_record_also_gets_the_narratives_figures(assistant_instance) -> None:
    ans = assistant_instance.ask("Original innovation fund: £101m or £110m? My sources don't agree.")
    cited = " ".join(c.text for c in ans.citations)
    assert "£101M" in cited and "£110m" in cited, cited


@pytest.mark.parametrize(
    "question",
    [
        "How has the Tri-Borough been getting frontline staff on board with Focus on Practice?",
        "what's been hardest for Pause when it comes to staffing?",
    ],
)
def test_figures_a_prose_answer_happens_to_mention_get_no_documents_differ_note(
    assistant_instance, question: str
) -> None:
    # a lesson or a response is the answer; the staff or women counted along the way are not
    ans = assistant_instance.ask(question)
    assert not any(n.startswith("The documents differ") for n in ans.notes), ans.notes


@pytest.mark.parametrize(
    ("question", "conflict"),
    [
        ("How much did the harbour pilot get? The directory gives one figure but the report says more", True),
        ("the guidance says £2m but I read something different on the web page - how much was it?", True),
        ("When did it start? The report says 2015 but the other one says 2016", True),
        ("What does the report say about mentoring, but only for care leavers?", False),
        ("How much can we bid for? Is a larger amount possible for scaling?", False),
    ],
)
def test_one_source_set_against_another_asks_for_each_documents_value(question: str, conflict: bool) -> None:
    from assistant.analysis import analyse

    assert analyse(question).asks_conflict is conflict


@pytest.mark.parametrize("question", ["How much went into the harbour pilot?", "how much money went into it"])
def test_how_much_went_into_frames_the_ask(question: str) -> None:
    from assistant.analysis import analyse

    analysis = analyse(question)
    assert analysis.answer_type == "money" and "went" not in analysis.focus_words
