"""A period counted from when a document was written ("over the next four years" in a 2016 guide)
covers the years an asker names ("2016 to 2020"); "pot" is the asker's word for a fund.

A small invented guide, dated 2016, is indexed once; the questions are our own.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.api import Assistant
from assistant.text import relative_years

GUIDE = (
    "\n\n".join(
        [
            "Lakeside Fund: a guide for applicants",
            "Funding",
            ("Between 2013 and 2015 the Lakeside Fund gave £20m to 30 projects in the north of the county."),
            "There is nearly £50m available for new projects over the next four years.",
            "Key dates",
            "Applications open in May 2016; the last projects close in March 2020.",
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "lakeside"
file = "lakeside.txt"
title = "Lakeside Fund: a guide for applicants"
publisher = "Test"
date = "2016-03"
kind = "guidance"
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("periods"), {"lakeside.txt": GUIDE}, MANIFEST)
    return Assistant(settings)


def test_relative_years_count_from_the_documents_year() -> None:
    assert relative_years("over the next four years", 2016) == {2016, 2017, 2018, 2019, 2020}
    assert relative_years("for the coming 2 years", 2017) == {2017, 2018, 2019}
    assert relative_years("over the next four years", None) == set()
    assert relative_years("four years ago", 2016) == set()


@pytest.mark.parametrize(
    "question",
    [
        "How big is the overall pot for 2016 to 2020?",
        "how much money is in the pot for 2016-2020",
        "How much was available over 2016-20?",
    ],
)
def test_an_amount_for_the_next_years_answers_for_those_years(guide: Assistant, question: str) -> None:
    answer = guide.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith("There is nearly £50m"), answer.answer
