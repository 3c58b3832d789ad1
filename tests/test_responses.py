"""'What did X do about it' is answered by what was done, not by the problem or a description.

A small invented learning report is indexed once; the questions are our own, each in several
phrasings.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.analysis import analyse
from assistant.api import Assistant

REPORT = (
    "\n\n".join(
        [
            "Learning from the Riverside projects",
            "Case study: Riverside Kinship Hub",
            (
                "Riverside Kinship Hub brings together three councils and a housing charity to support "
                "grandparents raising grandchildren."
            ),
            (
                "Finding qualified family support workers has not been easy. Short contracts put many "
                "applicants off, and agency staff cost more than the budget allowed."
            ),
            (
                "One solution has been to share posts with the housing charity, so that each worker has a "
                "permanent contract. This has helped the hub fill every post within three months."
            ),
            "Case study: Northgate Family Rooms",
            (
                "Northgate Family Rooms offers supervised contact in a home-like setting at weekends. Its "
                "staff are drawn from the council's own family support team. Families book sessions "
                "through a phone line run by trained volunteers."
            ),
            "Case study: Eastbrook Fostering Partnership",
            (
                "Eastbrook Fostering Partnership hopes to cut the cost of placements by providing more "
                "foster homes close to where children already live."
            ),
            (
                "Joining up two councils' carer allowances, each with its own rates, caused friction among "
                "carers. The partnership has tackled this with one allowance scale brought in over two "
                "years, so that no carer is paid less."
            ),
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "riverside"
file = "riverside.txt"
title = "Learning from the Riverside projects"
publisher = "Test"
date = "2016-05"
kind = "learning report"
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("responses"), {"riverside.txt": REPORT}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    "question",
    [
        "What did Riverside Kinship Hub do when it couldn't find family support workers?",
        "how did the riverside kinship hub tackle its staffing problem",
        "Riverside Kinship Hub struggled to recruit support workers - what have they done about it?",
        "How has Riverside Kinship Hub dealt with the difficulty of hiring qualified workers?",
        "How did Riverside Kinship Hub get past its problems hiring support workers?",
        "how has the riverside kinship hub avoided losing applicants who are put off by short contracts",
        "How did Riverside Kinship Hub ease its shortage of family support workers?",
    ],
)
def test_what_was_done_about_a_problem_leads(report: Assistant, question: str) -> None:
    answer = report.ask(question)
    assert analyse(question).answer_type == "response"
    assert answer.answer.startswith("One solution has been to share posts"), answer.answer


@pytest.mark.parametrize(
    "question",
    ["What does Northgate Family Rooms do?", "what do the Riverside projects do for grandparents?"],
)
def test_a_question_about_what_a_project_does_is_not_about_a_response(question: str) -> None:
    assert analyse(question).answer_type != "response"


@pytest.mark.parametrize(
    "question",
    ["What has Northgate Family Rooms actually set up?", "northgate family rooms - what do they offer?"],
)
def test_a_lead_that_names_the_asked_subject_goes_on_through_its_paragraph(
    report: Assistant, question: str
) -> None:
    answer = report.ask(question)
    assert answer.answer.startswith("Northgate Family Rooms offers supervised contact")
    assert "phone line run by trained volunteers" in answer.answer.split("[1]")[0]


HISTORY = [
    {"q": "What does Riverside Kinship Hub do?", "a": "Riverside Kinship Hub brings together three councils."}
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who can apply?", "Who can apply?"),  # whole on its own: not about the last answer
        ("When is the deadline for bids?", "When is the deadline for bids?"),
        ("and what about weekend contact - any projects?", "What about weekend contact - any projects?"),
        ("what about Northgate Family Rooms?", "What does Northgate Family Rooms do?"),
        ("how many councils is it working with?", "How many councils is Riverside Kinship Hub working with?"),
    ],
)
def test_a_follow_up_leans_on_the_last_turn_only_when_it_needs_to(question: str, expected: str) -> None:
    from assistant.rewrite import rewrite

    assert rewrite(question, HISTORY) == expected


SET_HISTORY = [
    {"q": "Which projects in the Northgate region were funded?", "a": "- Riverside Kinship Hub [1]"}
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "which of those work with care leavers?",
            "Which projects in the Northgate region work with care leavers?",
        ),
        ("and how many of them are in Millbay?", "How many projects in the Northgate region are in Millbay?"),
        (
            "how much did the biggest one get?",
            "How much did the biggest of the projects in the Northgate region get?",
        ),
        ("whats the largest", "Whats the largest of the projects in the Northgate region"),
    ],
)
def test_a_follow_up_about_part_of_the_last_set_spells_the_set_out(question: str, expected: str) -> None:
    from assistant.rewrite import rewrite

    assert rewrite(question, SET_HISTORY) == expected


@pytest.mark.parametrize(
    ("previous", "question", "expected"),
    [
        ("What's the Harbour Homes project?", "where does it work?", "Where does Harbour Homes work?"),
        ("Who's behind Brightwater Steps?", "what was it awarded", "What was Brightwater Steps awarded"),
        (
            "Tell me about the Riverside Kinship Hub",
            "Who's in the partnership?",
            "Who's in the Riverside Kinship Hub partnership?",
        ),
        (
            "What is Northgate Family Rooms?",
            "which councils fund the service",
            "Which councils fund the Northgate Family Rooms service",
        ),
        (
            "What does Lakeside Connect do?",
            "when did the pilot start?",
            "When did the Lakeside Connect pilot start?",
        ),
    ],
)
def test_a_follow_up_about_the_project_names_the_one_asked_about_before(
    previous: str, question: str, expected: str
) -> None:
    from assistant.rewrite import rewrite

    assert rewrite(question, [{"q": previous, "a": ""}]) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Who sits on the Investment Board?",  # names its own subject
        "When does the programme close?",  # "the programme" is the Innovation Programme itself
        "Which projects work with care leavers?",  # asks about every project, none in particular
    ],
)
def test_a_question_with_its_own_subject_is_not_rewritten(question: str) -> None:
    from assistant.rewrite import rewrite

    got = rewrite(question, [{"q": "What is Northgate Family Rooms?", "a": ""}])
    assert "Northgate" not in got


@pytest.mark.parametrize(
    "question",
    [
        "Who's in the partnership?",
        "who is actually involved in the scheme",
        "Who are the partners in it?",
        "who's part of the consortium?",
        "Who is behind the Millbay trust?",
    ],
)
def test_who_asks_membership_not_a_persons_name(question: str) -> None:
    from assistant.analysis import analyse

    assert analyse(question).answer_type != "person"


@pytest.mark.parametrize(
    "question",
    [
        "Eastbrook had two sets of carer allowances - how did they deal with joining them up?",
        "how did eastbrook fostering partnership handle the different allowance rates",
        "What did Eastbrook Fostering Partnership do about carers being paid different rates?",
    ],
)
def test_what_was_done_is_told_after_the_difficulty_nearest_the_question(
    report: Assistant, question: str
) -> None:
    # "by providing" in an aim is no response; the response follows the difficulty, and its
    # "this" is shown with the sentence it points back to
    answer = report.ask(question)
    first = answer.answer.split("[1]")[0]
    assert "tackled this with one allowance scale" in first, answer.answer
    told = first.index("Joining up two councils' carer allowances")
    assert told < first.index("tackled this"), answer.answer


@pytest.mark.parametrize(
    ("previous", "answer", "question", "unwanted"),
    [
        (
            "Can a charity lead a bid?",
            "Yes. Organisations from every sector can apply.",
            "how much can they ask for?",
            "Yes",
        ),
        ("Is weekend contact offered?", "No, not at Northgate Family Rooms.", "why not?", "No"),
        ("Do councils run it?", "Yes, three councils and a charity.", "how many of them are there", "Yes"),
    ],
)
def test_an_answers_yes_or_no_is_not_the_subject_of_the_next_question(
    previous: str, answer: str, question: str, unwanted: str
) -> None:
    from assistant.rewrite import rewrite

    got = rewrite(question, [{"q": previous, "a": answer}])
    assert unwanted not in got.split(), got


def test_where_a_listed_set_is_stays_part_of_it() -> None:
    from assistant.rewrite import rewrite

    got = rewrite(
        "how many of them are there?", [{"q": "Which projects are in the Northgate region?", "a": ""}]
    )
    assert got == "How many projects in the Northgate region are there?"


@pytest.mark.parametrize(
    "question",
    [
        "when do they want the full proposal?",
        "what do they expect to see in the bid?",
        "will they fund travel costs?",
    ],
)
def test_they_who_want_or_fund_are_the_funder_not_the_last_subject(question: str) -> None:
    from assistant.rewrite import rewrite

    got = rewrite(question, [{"q": "What is Northgate Family Rooms?", "a": ""}])
    assert "Northgate" not in got.split("(")[0], got


@pytest.mark.parametrize(
    ("sentence", "difficulty"),
    [
        ("Finding foster carers has not been easy.", True),
        ("A change of director caused delays in the first months.", True),
        ("Recruitment has been the hardest part of the work.", True),
        ("The hub opens every evening and at weekends.", False),
        ("The project aims to cut costs by providing more local homes.", False),
    ],
)
def test_a_stated_difficulty_is_told_from_a_description(sentence: str, difficulty: bool) -> None:
    from assistant.text import has_value

    assert has_value(sentence, "obstacle") is difficulty
