"""A bulleted list ends where a paragraph without a bullet begins.

A small invented web page is indexed once: a lead-in, four bullets, then the page's next paragraph.
Asked for the list (our own phrasings), the answer has the four bullets and the next paragraph is
never a fifth one.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.api import Assistant

PAGE = (
    "Brookfield Fund: call for ideas\n\n"
    "Overview\n\n"
    "The Brookfield Fund is looking for ideas in the three themes set out in the council's plan for "
    "young people:\n\n"
    "  • Helping young carers stay in school;\n"
    "  • Finding homes for young people leaving care close to their friends;\n"
    "  • Supporting families after a child returns home from care.\n\n"
    "Since 2014 the fund has paid for twelve pilots across the county, each evaluated by the local "
    "university. The next round opens in the spring.\n"
)

MANIFEST = """[[document]]
id = "brookfield"
file = "brookfield.txt"
title = "Brookfield Fund: call for ideas"
publisher = "Test"
date = "2017-01"
kind = "web page"
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("lists"), {"brookfield.txt": PAGE}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    "question",
    [
        "What are the three themes the Brookfield Fund is looking for ideas in?",
        "brookfield fund themes - list them exactly as the page does",
        "I need the bullet list of themes from the Brookfield overview, word for word",
        "quote the bulleted list of themes on the brookfield page",
    ],
)
def test_the_list_has_its_items_and_nothing_after_as_an_item(page: Assistant, question: str) -> None:
    answer = page.ask(question).answer
    # one bullet per item, as the answer lays a list out ("- ") or quotes it verbatim ("•")
    bullets = [line.strip()[2:] for line in answer.splitlines() if line.strip()[:2] in {"- ", "• "}]
    assert len(bullets) == 3, answer
    assert bullets[0].startswith("Helping young carers"), answer
    assert not any("twelve pilots" in b for b in bullets), answer


@pytest.mark.parametrize(
    "question",
    [
        "I need the bullet list of themes from the Brookfield overview, word for word",
        "quote the bulleted list of themes on the brookfield page",
    ],
)
def test_a_list_quoted_verbatim_stops_at_its_last_item(page: Assistant, question: str) -> None:
    answer = page.ask(question)
    assert answer.mode == "reference", answer.answer
    assert "Supporting families after a child returns home from care." in answer.answer
    assert "twelve pilots" not in answer.answer, answer.answer
