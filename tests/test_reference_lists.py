"""A list asked for verbatim: the kind of list the asker names, where they say it is, and no more.

Our own phrasings, against the project corpus (the 2016 guidance has one lettered list, of example
delivery models in its transitions strand; the interim report has bulleted and "a)" lists).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "question",
    [
        "give me the lettered list of new delivery models word for word",
        "In the transitions strand there is a list from a to e of delivery models - quote it exactly",
        "can u paste the lettered list about new delivery models verbatim",
    ],
)
def test_a_lettered_list_is_the_lettered_one_whole_and_nothing_after(
    assistant_instance, question: str
) -> None:
    ans = assistant_instance.ask(question)
    assert ans.mode == "reference", ans.answer[:300]
    text = ans.answer
    for letter in "abcde":
        assert f"- {letter}. " in text, text
    # the list ends with its last item: the next paragraph (52) is not appended
    assert "52." not in text and "flexible about the types of models" not in text
    assert text.rstrip().endswith("[1]")
