"""ui.export: a conversation as Markdown, each answer followed by all of its sources."""

from __future__ import annotations

from datetime import datetime

from assistant.models import Answer, Citation
from ui.export import conversation_markdown


def _answer() -> Answer:
    cits = [
        Citation(
            n=1,
            doc_id="how",
            title="How to get involved",
            file="how.txt",
            date="2016-04",
            section="Questions and Answers > Who can apply for funding?",
            paragraph="27",
            page=4,
            text="Local authorities <and> others can apply.",
            start=10,
            end=50,
        ),
        Citation(
            n=2,
            doc_id="eoi",
            title="EOI deadline",
            file="eoi.txt",
            date="2017-01",
            section="",
            paragraph=None,
            page=None,
            text="Line one\nline two",
            start=0,
            end=17,
        ),
    ]
    return Answer(
        question="Who can apply?",
        query="Who can apply?",
        answer="Local authorities [1]. Deadline [2].",
        abstained=False,
        citations=cits,
        notes=["This date has passed."],
        table=[{"n": 1, "name": "A|B"}],
    )


def test_markdown_has_every_source_with_locator_and_quote() -> None:
    turns = [
        {"question": "Who can apply?", "answer": _answer()},
        {
            "question": "And the deadline?",
            "answer": {**_answer().to_dict(), "query": "deadline for applying"},
        },
        {
            "question": "Write a poem",
            "answer": Answer(
                question="Write a poem", query="Write a poem", answer="I can't answer that.", abstained=True
            ),
        },
    ]
    md = conversation_markdown(turns, generated=datetime(2024, 5, 1, 9, 30))
    assert md.startswith("# ") and "Exported 2024-05-01 09:30" in md
    assert "## 1. Who can apply?" in md and "## 2. And the deadline?" in md
    assert "_Searched for: deadline for applying_" in md
    assert md.count("### Sources") == 2
    assert (
        "**[1]** How to get involved (April 2016) — Questions and Answers > Who can apply for funding?, "
        "para 27, p. 4 — file `how.txt`"
    ) in md
    assert "> Local authorities &lt;and> others can apply." in md  # raw HTML neutralised
    assert "> Line one\n> line two" in md
    assert "**[2]** EOI deadline (January 2017)" in md
    assert "> **Note:** This date has passed." in md
    assert "| n | name |" in md and "A\\|B" in md
    assert "_No sources: the documents do not answer this question._" in md
