"""A value must be of the asked period, and of a thing the documents number.

An invented fund report is indexed once; the questions are our own, in several phrasings.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.analysis import analyse
from assistant.api import Assistant
from assistant.text import person_names, years_spanned

REPORT = (
    "Riverside innovation fund report\n\n"
    "Round 1\n\n"
    "In 2013 the Riverside fund opened its first call, and 300 proposals were received within a "
    "month. Round 1 ran from 2013 to 2015 and funded 12 projects.\n\n"
    "Round 2\n\n"
    "Round 2 opened in 2016 with £8m to share. Its grants went to 9 projects working with care "
    "leavers.\n\n"
    "Riverside fund bids made by the second deadline received a decision by Friday 1 July 2016.\n\n"
    "Riverside fund deadlines\n\n"
    "There were two: the first was Friday 4 March 2016 and the second Monday 9 May 2016.\n\n"
    "Evaluation\n\n"
    "The 'Keeping Families Close' project was evaluated by Dr Ada Lowe of Riverside University.\n\n"
    "About the fund\n\n"
    "Councils across the region have welcomed the Riverside fund and its calls. The Riverside fund is a "
    "grant scheme that pays councils and charities to test new ways of supporting care leavers.\n"
)

MANIFEST = """[[document]]
id = "fund"
file = "fund.txt"
title = "Riverside innovation fund report"
publisher = "Test"
date = "2017-03"
kind = "learning report"
"""


@pytest.fixture(scope="module")
def fund(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("frames"), {"fund.txt": REPORT}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    "question",
    [
        "How many proposals did the Riverside fund receive in 2017?",
        "how many proposals came in during 2017",
        "Riverside fund - number of proposals received in 2017?",
    ],
)
def test_a_count_read_under_other_years_does_not_answer(fund: Assistant, question: str) -> None:
    # the 300 proposals are the 2013 call's
    answer = fund.ask(question)
    assert answer.abstained, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "How many proposals did the Riverside fund receive in 2013?",
        "how many proposals came in back in 2013",
    ],
)
def test_a_count_of_the_asked_year_answers(fund: Assistant, question: str) -> None:
    answer = fund.ask(question)
    assert not answer.abstained and "300" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "When does round 3 open?",
        "what will the third round fund",
        "how much money is there in Round 3?",
        "round three - who can apply?",
    ],
)
def test_a_number_outside_a_numbered_series_is_declined(fund: Assistant, question: str) -> None:
    answer = fund.ask(question)
    assert answer.abstained, answer.answer
    assert "never mention round 3" in answer.answer


def test_a_number_inside_the_series_is_answered(fund: Assistant) -> None:
    answer = fund.ask("How much money did round 2 have to share?")
    assert not answer.abstained and "£8m" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Round 1 ran from 2013 to 2015", {2013, 2014, 2015}),
        ("in 2014-16 we funded", {2014, 2015, 2016}),
        ("the period 2016–2020", {2016, 2017, 2018, 2019, 2020}),
        ("no year here", set()),
    ],
)
def test_years_spanned(text: str, years: set[int]) -> None:
    assert years_spanned(text) == years


@pytest.mark.parametrize(
    ("question", "frame"),
    [
        ("how many projects in 2016?", (2016, 2016)),
        ("From 2016, over the next four years, what is set aside?", (2016, 2100)),
        ("what was spent before 2016", (1900, 2015)),
        ("who ran it in 2014-16", (2014, 2016)),
        ("who ran it", None),
    ],
)
def test_the_time_frame_of_the_ask(question: str, frame: tuple[int, int] | None) -> None:
    assert analyse(question).time_frame == frame


@pytest.mark.parametrize(
    ("question", "conflict"),
    [
        ("When did the fund open? I've seen both 2013 and 2014.", True),
        ("was it £8m or £9m for round 2?", True),
        ("how many projects were funded in 2013 and 2014?", False),  # a period, not alternatives
        ("when did round 1 run", False),
    ],
)
def test_values_offered_as_alternatives_are_checked_not_blanked(question: str, conflict: bool) -> None:
    assert analyse(question).asks_conflict is conflict


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("what was the average award size in round 2", "money"),
        ("size of the grants?", "money"),
        ("What was the completion rate, as a percentage?", "share"),
        ("Riverside fund – when did it open?", "date"),
        ("how did the fund reduce the number of late proposals?", None),  # what was changed, not asked
        ("what was the number of proposals?", "count"),
    ],
)
def test_answer_types_of_our_own_phrasings(question: str, kind: str | None) -> None:
    assert analyse(question).answer_type == kind


def test_a_quoted_title_is_not_a_person() -> None:
    text = "The 'Keeping Families Close' project was evaluated by Dr Ada Lowe of Riverside University."
    names = person_names(text, deciders=False)
    assert names and all("Ada" in n for n in names), names


def test_a_person_question_is_answered_by_a_person(fund: Assistant) -> None:
    answer = fund.ask("Who evaluated the Keeping Families Close project?")
    assert not answer.abstained and "Ada Lowe" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    ["What is the Riverside fund?", "whats the riverside fund", "so what is the Riverside fund"],
)
def test_what_is_x_is_answered_by_the_sentence_that_says_what_x_is(fund: Assistant, question: str) -> None:
    answer = fund.ask(question)
    assert answer.answer.startswith("The Riverside fund is a grant scheme"), answer.answer


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is the Riverside fund?", "definition"),
        ("what does Keeping Families Close involve?", "definition"),
        ("what is meant by scale and spread", "definition"),
        ("what is it?", None),
        ("what is the deadline?", "date"),
    ],
)
def test_definition_questions_are_recognised(question: str, kind: str | None) -> None:
    assert analyse(question).answer_type == kind


def test_a_defining_sentence_names_its_subject_before_saying_what_it_is(fund: Assistant) -> None:
    from assistant.answerability import _defines

    snap = fund.snapshot()
    asked = analyse("What is the Riverside fund?")
    assert _defines(snap, asked, "The Riverside fund is a grant scheme that pays councils.", strict=True)
    assert not _defines(
        snap, asked, "Councils across the region have welcomed the Riverside fund and its calls."
    )
    assert not _defines(snap, asked, "In 2013 the Riverside fund opened its first call.")
    assert not _defines(snap, asked, "Round 2 is a smaller call with £8m to share.")  # says what round 2 is


@pytest.mark.parametrize(
    "question",
    [
        "When was the first deadline for Riverside fund bids?",
        "whens the first riverside fund deadline",
    ],
)
def test_a_sentence_about_another_one_of_a_series_does_not_answer(fund: Assistant, question: str) -> None:
    # "by the second deadline ... by 1 July" dates another deadline's outcome, not the first deadline
    answer = fund.ask(question)
    assert not answer.abstained and "4 March 2016" in answer.answer.split("[1]")[0], answer.answer


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Can a housing association lead a bid?", True),
        ("are universities eligible", True),
        ("could we apply on our own?", True),
        ("Would an organisation like ours be allowed to bid?", True),
        ("how do we apply?", False),  # how, not who
        ("When can we apply?", False),
    ],
)
def test_who_may_apply_questions_are_recognised(question: str, asks: bool) -> None:
    assert analyse(question).who_may_apply is asks


def test_a_sentence_stating_the_asked_figure_leads_a_prose_answer() -> None:
    from assistant.candidates import Candidate
    from assistant.extractive import _figure_leads

    near = Candidate(0, 0, 0, 40, "A £20 million centre will share good practice.", 0.54, 0.2, score=0.54)
    exact = Candidate(
        1, 0, 41, 90, "The fund will run until 2020 with an extra £200m.", 0.52, 0.2, score=0.52
    )
    far = Candidate(2, 1, 0, 30, "A £200 million plan was dropped in 2010.", 0.10, 0.1, score=0.10)
    _figure_leads([near, exact, far], "What did the article say about the £200m?", lead_margin=0.4)
    assert exact.score > near.score  # "£200m" is the figure asked about; "£20 million" is not
    assert far.score == 0.10  # too far in meaning to be promoted
    untouched = Candidate(3, 0, 0, 10, "No figure here.", 0.5, 0.1, score=0.5)
    _figure_leads([untouched], "what did the article say about funding?", lead_margin=0.4)
    assert untouched.score == 0.5


@pytest.mark.parametrize(
    "question",
    [
        "Looking at the twelve months ending March 2015, what share of families moved home twice?",
        "during the financial year ending march 2015 how many families moved home more than once",
        "For the 12 months ended March 2015, how many families had to move home?",
    ],
)
def test_the_words_of_a_period_set_the_time_frame_not_the_focus(question: str) -> None:
    a = analyse(question)
    assert a.time_frame == (2015, 2015), a.to_dict()
    assert not {"twelv", "month", "end", "year"} & set(a.focus), a.focus
    assert {"famili", "move", "home"} <= set(a.focus), a.focus
