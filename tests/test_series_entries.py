"""Asked for every member of a series, a timeline answers each in its own dated entry.

An invented timeline (markdown, dated entries as a programme's journey page lays them out) is
indexed once. "When did the pilots start in each of the three waves?" is answered by the entry for
one wave and its like for the others, in date order; a question about one wave keeps one entry.
The questions are our own, in several phrasings.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.analysis import analyse
from assistant.api import Assistant

TIMELINE = """# JOURNEY OF THE RIVERSIDE FUND

**MARCH 2019**

**MILESTONE**

Pilots begin for Wave 3 sites

**MARCH 2017**

**MILESTONE**

Pilots begin for Wave 1 sites

**MAY 2018**

**PUBLICATION**

Annual report on the fund's spending

**MARCH 2018**

**MILESTONE**

Pilots begin for Wave 2 sites

**JUNE 2018**

**EVENT**

Workshop: recruiting foster carers
"""

MANIFEST = """[[document]]
id = "riverside"
file = "riverside.md"
title = "Journey of the Riverside Fund"
publisher = "Test"
date = "2019-06"
kind = "web page"
"""


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("series"), {"riverside.md": TIMELINE}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    "question",
    [
        "When did the pilots begin in each of the three waves?",
        "when did pilots start for every wave",
        "Can you give me the start date of the pilots for all three waves?",
        "wen did the pilots kick off in each wave?",
        "For each wave of the Riverside fund, when did its pilots begin?",
    ],
)
def test_every_member_of_the_series_in_date_order(journey: Assistant, question: str) -> None:
    answer = journey.ask(question)
    assert analyse(question).series
    text = answer.answer
    waves = [text.find(f"Pilots begin for Wave {n} sites") for n in (1, 2, 3)]
    assert all(w >= 0 for w in waves), text
    assert waves == sorted(waves), text  # March 2017, March 2018, March 2019
    assert text.index("March 2017") < text.index("Pilots begin for Wave 1")


@pytest.mark.parametrize("question", ["When did the pilots begin for Wave 2?", "wave 2 pilots - start date?"])
def test_one_member_asked_keeps_one_entry(journey: Assistant, question: str) -> None:
    text = journey.ask(question).answer
    assert text.startswith("March 2018: Pilots begin for Wave 2 sites"), text
    assert "Wave 1" not in text and "Wave 3" not in text, text
