"""A follow-up's pronoun is the earlier subject only when nothing in the question itself is what it
points to (our own follow-ups, several phrasings each)."""

from __future__ import annotations

import pytest

from assistant.analysis import analyse
from assistant.rewrite import rewrite

HARBOUR = [{"q": "What is the Harbour Homes project?", "a": "Harbour Homes runs two small children's homes."}]


@pytest.mark.parametrize(
    "question",
    [
        "do the children get someone independent to speak up for them if Harbour itself goes wrong?",
        "Is there anyone to complain to about Harbour, for the young people living there and for them alone?",
    ],
)
def test_a_question_that_names_the_subject_itself_is_left_as_asked(question: str) -> None:
    query = rewrite(question, HARBOUR)
    assert "Harbour Homes" not in query and query.lower() == question.lower()


@pytest.mark.parametrize(
    "question",
    [
        "why keep the girls in their own area rather than moving them away?",
        "how do the staff keep them safe at night?",
        "what do the young people think of their rooms?",
    ],
)
def test_a_pronoun_after_the_questions_own_plural_is_that_plural(question: str) -> None:
    query = rewrite(question, HARBOUR)
    assert query.lower().startswith(question.lower().rstrip("?"))  # not garbled
    assert query.endswith("(Harbour Homes)")  # the earlier subject is kept as context


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how much funding did it receive?", "How much funding did Harbour Homes receive?"),
        ("what did they learn?", "What did Harbour Homes learn?"),
    ],
)
def test_a_bare_pronoun_is_still_the_earlier_subject(question: str, expected: str) -> None:
    assert rewrite(question, HARBOUR) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Do the children get an advocate, in case there's a problem with the carers?",
        "is there a named worker for each family just in case things go wrong?",
        "Does each home have a manager on call in the event of difficulties at night?",
    ],
)
def test_a_condition_is_not_what_is_asked(question: str) -> None:
    # "a problem", "go wrong", "difficulties" sit in the condition: no lesson or obstacle is asked for
    assert analyse(question).answer_type not in {"lesson", "obstacle"}
