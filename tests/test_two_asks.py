"""A question that asks two things is answered on both.

An invented learning report is indexed once: one project's case study, whose paragraphs say what its
teams do each day, what held it up and what has kept it going. Each question (our own, in several
phrasings) asks two of those; the answer quotes a sentence for each.
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.analysis import analyse
from assistant.api import Assistant

REPORT = """# Learning from the Northgate pilots

## Case study: Northgate Family Teams

Northgate Family Teams work with teenagers at risk of entering care. Each morning the whole team \
meets to plan the visits of the day and to share what they learnt the day before.

### A day in a Northgate team

After the morning meeting, each Northgate worker spends the day visiting two or three families at \
home, at school or at the youth club, and writes up each visit before the end of the afternoon so \
that the next worker can pick up where they left off.

In the afternoon a Northgate team's psychologist spends the last hours of the day with teenagers in \
therapy, while the youth workers take the younger brothers and sisters to sports clubs and music \
lessons nearby.

### What held the project up

A council restructure in the first year delayed the recruitment of the team's psychologists by six \
months.

### What has kept it going

An alliance with the local university, which trains new staff every autumn, has secured the \
project's future since the grant ended.

## Other pilots

Southgate tried a similar model with foster carers, with mixed results.
"""

MANIFEST = """[[document]]
id = "northgate"
file = "northgate.md"
title = "Learning from the Northgate pilots"
publisher = "Test"
date = "2017-05"
kind = "learning report"
"""

MORNING = "Northgate"  # any sentence of the team's day names the team
DELAY = "A council restructure in the first year delayed"
KEPT = "An alliance with the local university"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("two"), {"northgate.md": REPORT}, MANIFEST)
    return Assistant(settings)


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("What does a Northgate team's day look like, and what held the project up?", (MORNING, DELAY)),
        ("What does a Northgate team do all day - and how has it carried on since?", (MORNING, KEPT)),
        ("How does a Northgate team spend its day, and what's kept it going?", (MORNING, KEPT)),
        ("wat do Northgate teams do in a day, and wot held the project up?", (MORNING, DELAY)),
    ],
)
def test_each_ask_gets_its_sentence(report: Assistant, question: str, wanted: tuple[str, str]) -> None:
    answer = report.ask(question)
    assert len(answer.analysis["parts"]) == 2  # read after spelling is put right ("wot")
    text = answer.answer
    assert all(w in text for w in wanted), text


@pytest.mark.parametrize(
    "question",
    [
        "What do Northgate Family Teams do each morning?",
        "who runs the Northgate teams and where?",  # one ask with two question words
        "Did the teams meet in the morning and in the evening?",
    ],
)
def test_one_ask_is_one_part(question: str) -> None:
    assert analyse(question).parts == []
