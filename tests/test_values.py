"""A typed answer must state a value the asker did not already give, counting the asked noun.

A small invented report is indexed once; the questions are our own.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.api import Assistant
from assistant.typed_values import _without_asked_numbers, count_of
from ingest.config import load_settings

REPORT = (
    "Harbourside fostering review\n\n"
    "Carers\n\n"
    "In March 2015 the number of foster carers in Harbourside reached 1,240, the most for ten years.\n\n"
    "The fund\n\n"
    "One call for proposals opened in April 2016, and proposals were invited against two deadlines: "
    "the first on 6 May 2016 and the second on 7 July 2016.\n\n"
    "The fund holds £12m in total, shared by three themes: recruitment, training and respite.\n\n"
    "Training\n\n"
    "Harbourside Carers Network (HCN) trains new carers across Harbourside and the coast. "
    "Millbay Fostering Service trained 45 carers last year in its own training rooms.\n\n"
    "Millbay Fostering Service published its review of carer support in October 2015. The review "
    "thanks the carers who run Millbay Fostering Service's drop-in sessions.\n\n"
    "Full bids\n\n"
    "Where proposals submitted by the first deadline are shortlisted, full bids are due by 30 June 2016.\n"
)

MANIFEST = """[[document]]
id = "review"
file = "review.txt"
title = "Harbourside fostering review"
publisher = "Test"
date = "2016-09"
kind = "learning report"
"""


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("values"), {"review.txt": REPORT}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("the review met 160 carers in person", True),
        ("the number of foster carers reached 1,240", True),
        ("numbers of carers stood at about 900 last year", True),
        ("one call for carers opened in April", False),  # counts calls, not carers
        ("we wrote to an experienced carer in May", False),  # "an" is not a count
        ("there were 40 visits to carers", False),  # counts visits
    ],
)
def test_a_count_is_of_the_asked_noun(text: str, counted: bool) -> None:
    assert count_of(text, ["carer"], window=6) is counted


def test_numbers_the_asker_gave_are_not_answers() -> None:
    text = "The fund holds £12m in total, shared by 3 themes."
    masked = _without_asked_numbers(text, "how was the £12m split?")
    assert "12" not in masked and "3 themes" in masked


@pytest.mark.parametrize(
    "question",
    [
        "How many foster carers were there in Harbourside in March 2015?",
        "how many carers did harbourside have in march 2015",
        "What was the number of foster carers in Harbourside back in March 2015?",
    ],
)
def test_a_count_stated_after_its_noun_answers(review: Assistant, question: str) -> None:
    answer = review.ask(question)
    assert not answer.abstained and "1,240" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "How many proposals came in by the 6 May 2016 deadline?",
        "how many proposals were received for the first deadline (6 May 2016)?",
        "How much of the £12m went to each of the three themes?",
        "The fund holds £12m. How much did the respite theme get?",
    ],
)
def test_a_value_the_asker_gave_does_not_answer_their_question(review: Assistant, question: str) -> None:
    answer = review.ask(question)
    assert answer.abstained, answer.answer


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("how many round 2 projects were there?", "project"),
        ("Harbourside review: number of foster carers trained?", "carer"),
        ("How many children in foster care did the county have?", "children"),
        ("across how many local authority areas does it run", "area"),
    ],
)
def test_the_counted_noun_is_the_phrases_head(question: str, head: str) -> None:
    from assistant.analysis import analyse

    assert head in analyse(question).count_noun


def test_an_acronym_that_names_a_subject_must_be_answered_about_that_subject(review: Assistant) -> None:
    # HCN is defined as a name ("Harbourside Carers Network (HCN)"); Millbay's count is not HCN's
    assert review.ask("How many carers has HCN trained?").abstained
    answer = review.ask("How many carers did Millbay Fostering Service train last year?")
    assert not answer.abstained and "45" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What's the weather like in Harbourside this weekend?",
        "where can I get a good pizza near Millbay?",
        "how do i renew my passport",
    ],
)
def test_a_question_no_sentence_is_about_is_declined(review: Assistant, question: str) -> None:
    # a place name shared with the documents does not make a question about the weather answerable
    answer = review.ask(question)
    assert answer.abstained, answer.answer
    assert "no passage in them is about it" in answer.answer


def test_the_sentence_threshold_is_a_setting(review: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSC_MIN_SENTENCE_COS", "0.0")

    assert load_settings().min_sentence_cos == 0.0
    assert not review.ask("how many foster carers did Harbourside have?").abstained


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("When is the first deadline for proposals?", "One call for proposals"),
        ("whens the second deadline", "One call for proposals"),
        ("when are full bids due if we make the first deadline?", "Where proposals submitted"),
        ("If our proposal makes the first deadline and is shortlisted, when is the full bid due?", "Where"),
    ],
)
def test_a_date_is_read_from_the_sentence_that_gives_it_not_one_that_counts_from_it(
    review: Assistant, question: str, lead: str
) -> None:
    # "submitted by the first deadline ... due by 30 June": that sentence takes the first deadline as
    # known and dates something else
    answer = review.ask(question)
    assert answer.answer.startswith(lead), answer.answer


def test_an_acronym_the_ask_points_back_to_is_part_of_its_focus() -> None:
    from assistant.analysis import analyse

    analysis = analyse("We sent an HCN referral last week. If it is accepted, what happens next?")
    assert "hcn" in analysis.focus


def test_a_personal_matter_is_declined_with_somewhere_to_turn(review: Assistant) -> None:
    answer = review.ask("My nephew was taken into care yesterday - what are my rights as his aunt?")
    assert answer.abstained
    assert "personal matter" in answer.answer and "solicitor" in answer.answer


def test_a_decline_names_what_was_asked_in_the_askers_words(review: Assistant) -> None:
    answer = review.ask("How much funding did Millbay Fostering Service get?")
    assert answer.abstained
    assert "“How much funding did Millbay Fostering Service get”" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "When did Millbay Fostering Service sign the lease on its training rooms?",
        "so what date did Millbay Fostering Service sign there lease??",
        "Millbay Fostering Service - when was their lease signed?",
    ],
)
def test_a_date_beside_the_name_but_of_something_else_does_not_answer(
    review: Assistant, question: str
) -> None:
    # the documents date Millbay's review, not a lease: the name alone does not make it the asked date
    answer = review.ask(question)
    assert answer.abstained, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "When did Millbay Fostering Service publish its review?",
        "when was millbay's review of carer support published",
    ],
)
def test_a_date_of_the_asked_thing_beside_the_name_answers(review: Assistant, question: str) -> None:
    answer = review.ask(question)
    assert not answer.abstained and "October 2015" in answer.answer, answer.answer
