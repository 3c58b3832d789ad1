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


# the same kind of list, with a page's footnote printed between two of its items (a page break)
BROKEN = (
    "Millbrook Fund: call for ideas\n\n"
    "Overview\n\n"
    "The Millbrook Fund wants bids in three areas set out in the county's plan for families:\n\n"
    "• Keeping brothers and sisters in care together;\n\n"
    "• Training kinship carers in the first month after a child moves in;\n\n"
    "³ See the county plan at www.example.org/plan\n\n"
    "• Giving care leavers a named adult until they turn twenty-five.\n\n"
    "Since 2015 the fund has paid for nine pilots, each evaluated by a local university.\n"
)

BROKEN_MANIFEST = MANIFEST.replace("brookfield", "millbrook").replace("Brookfield", "Millbrook")


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("broken"), {"millbrook.txt": BROKEN}, BROKEN_MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    "question",
    [
        "What are the three areas the Millbrook Fund wants bids in?",
        "millbrook fund - which areas do they want bids for?",
        "Which areas from the county plan does the Millbrook fund want bids in",
    ],
)
def test_a_footnote_between_two_items_neither_ends_the_list_nor_joins_it(
    broken: Assistant, question: str
) -> None:
    answer = broken.ask(question)
    text = answer.answer
    bullets = [line.strip()[2:] for line in text.splitlines() if line.strip()[:2] in {"- ", "• "}]
    assert len(bullets) == 3, text
    assert bullets[-1].startswith("Giving care leavers a named adult"), text
    assert "example.org" not in text and "nine pilots" not in text, text
    source = BROKEN
    assert all(source[c.start : c.end] == c.text for c in answer.citations)  # still verbatim
