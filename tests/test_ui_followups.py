"""``ui.followups``: follow-up questions come only from the cited documents' own question headings."""

from __future__ import annotations

import html

import pytest

from ui.followups import followups_html, suggest

OUTLINE = {
    "guide": [
        {"section": "Introduction"},
        {"section": "Questions and Answers > Who can apply?"},
        {"section": "Questions and Answers > Who can apply?"},  # a second chunk of the same item
        {"section": "Questions and Answers > How much can we bid for?"},
        {"section": "Questions and Answers > When is the deadline?"},
        {"section": "Questions and Answers > When is the deadline? > Late bids"},
        {"section": "What happens next?"},
        {"section": "Annex A"},
    ],
    "report": [
        {"section": "Summary"},
        {"section": "Findings > What worked?"},
        {"section": "Findings > Leadership"},
    ],
}


def outline_for(doc_id: str) -> list[dict]:
    if doc_id not in OUTLINE:
        raise KeyError(doc_id)
    return OUTLINE[doc_id]


def cite(doc_id: str, section: str) -> dict:
    return {"doc_id": doc_id, "section": section, "paragraph": None}


def test_neighbouring_question_headings_nearest_first_and_not_the_one_asked() -> None:
    got = suggest(
        [cite("guide", "Questions and Answers > Who can apply?")], outline_for, asked="Who can apply"
    )
    # the next item, then the one after; the asked question (case and "?" aside) is not offered back
    assert got == ["How much can we bid for?", "When is the deadline?", "What happens next?"]


def test_only_headings_that_are_questions_and_only_from_cited_documents() -> None:
    every = {q for d in OUTLINE.values() for o in d for q in o["section"].split(" > ") if q.endswith("?")}
    got = suggest([cite("report", "Findings > Leadership")], outline_for, asked="Who led it?", limit=10)
    assert got == ["What worked?"]
    assert set(got) <= every
    assert not [q for q in got if q in {"Leadership", "Summary", "Annex A"}]


def test_the_cited_sections_own_question_comes_first_when_it_was_not_what_was_asked() -> None:
    got = suggest([cite("guide", "Questions and Answers > When is the deadline? > Late bids")], outline_for)
    assert got[0] == "When is the deadline?"
    assert len(got) == 3 and len(set(got)) == 3


def test_a_near_repeat_of_the_question_is_left_out() -> None:
    got = suggest(
        [cite("guide", "Questions and Answers > How much can we bid for?")],
        outline_for,
        asked="how much can we bid",
    )
    assert "How much can we bid for?" not in got


@pytest.mark.parametrize(
    ("citations", "expected"),
    [
        ([], []),
        ([cite("gone", "Who can apply?")], ["Who can apply?"]),  # its own heading, no neighbours
        ([cite("gone", "Background")], []),
        ([cite("report", "Not in the outline")], []),
    ],
)
def test_nothing_to_offer_gives_nothing(citations: list[dict], expected: list[str]) -> None:
    assert suggest(citations, outline_for, asked="x") == expected


def test_html_is_buttons_carrying_only_their_position_and_escaped_text() -> None:
    out = followups_html(["Is <b>this</b> safe?", "Next?"], turn=2)
    assert out.count('<button type="button" class="followup"') == 2
    assert 'data-turn="2" data-i="1"' in out and html.escape("<b>") in out and "<b>" not in out
    assert 'aria-labelledby="followups-title"' in out
    assert "hidden" in followups_html([])
