"""Suggested follow-up questions, taken from the documents behind an answer, never invented.

A reader who has just been shown a passage usually wants the next thing its document answers. The
guidance documents are written as questions ("Who can apply?", "What happens after I apply?"), so
the questions worth offering are the document's own headings: the cited passage's section (and its
parent headings) first, then the question headings nearest to it in the same document. The UI only
reorders what the index already holds (``Assistant.document_outline``); nothing here answers
anything, and a heading that is not a question is never turned into one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

# How many suggestions sit under an answer: three fit on one line at 1366 px and two lines on a
# phone; more would push the question box down. A presentation constant, not a deployment knob.
MAX_FOLLOWUPS = 3
# How far (in sections of the same document) a neighbouring question heading may be from the cited one:
# a Q&A list's items are its neighbours, a question heading twenty sections away is another topic.
NEIGHBOURHOOD = 12

_SEP = " > "


def _key(text: str) -> str:
    """Compare questions without case, punctuation or spacing ("Who can apply?" == "who can apply")."""
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def _words(text: str) -> set[str]:
    return {w for w in _key(text).split() if len(w) > 2}


def _same_question(a: str, b: str) -> bool:
    """Nearly the same words ("What has the programme achieved?" and "What has the Innovation
    Programme achieved?"): offering it again would only repeat the answer just given."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    shared = len(wa & wb)
    return shared / min(len(wa), len(wb)) >= 0.8 and shared / max(len(wa), len(wb)) >= 0.6


def _questions(section: str) -> list[str]:
    """The question headings on a section's path, innermost first ("A? > B?" gives B?, A?)."""
    parts = [p.strip() for p in (section or "").split(_SEP)]
    return [p for p in reversed(parts) if p.endswith("?") and len(p) > 3]


def _sections(outline: Sequence[Mapping[str, Any]]) -> list[str]:
    """The document's sections in reading order, each once."""
    return list(dict.fromkeys(str(o.get("section") or "") for o in outline))


def suggest(
    citations: Sequence[Mapping[str, Any]],
    outline_for: Callable[[str], Sequence[Mapping[str, Any]]],
    *,
    asked: str = "",
    limit: int = MAX_FOLLOWUPS,
) -> list[str]:
    """Up to ``limit`` question headings from the cited documents, nearest to the cited passages first.

    For each citation in order: the question headings on its own section's path, then question
    headings of the sections around it, nearest first (the next before the previous), within
    ``NEIGHBOURHOOD`` sections. The question just asked and repeats are left out. ``outline_for(doc_id)``
    is ``Assistant.document_outline``; a document it cannot outline adds nothing.
    """
    seen = {_key(asked)} if asked.strip() else set()
    out: list[str] = []

    def add(question: str) -> None:
        k = _key(question)
        if k and k not in seen and not (asked.strip() and _same_question(asked, question)):
            seen.add(k)
            out.append(question)

    outlines: dict[str, list[str]] = {}
    for cit in citations:
        doc_id = str(cit.get("doc_id") or "")
        if doc_id not in outlines:
            try:
                outlines[doc_id] = _sections(outline_for(doc_id))
            except Exception:  # a document gone from the index: it offers nothing
                outlines[doc_id] = []
        sections = outlines[doc_id]
        own = str(cit.get("section") or "")
        for q in _questions(own):
            add(q)
        if own not in sections:
            continue
        at = sections.index(own)
        # each question heading once, where it first appears, nearest first (the next item before the
        # previous one at equal distance: Q&A lists read forwards)
        first: dict[str, int] = {}
        for i, section in enumerate(sections):
            for q in _questions(section)[:1]:
                first.setdefault(q, i)
        near = sorted((abs(i - at), i < at, q) for q, i in first.items() if abs(i - at) <= NEIGHBOURHOOD)
        for _, _, q in near:
            add(q)
        if len(out) >= limit:
            break
    return out[:limit]


def followups_html(questions: Sequence[str], *, turn: int = -1) -> str:
    """Questions the answer's own documents answer next (``ui.followups``); clicking one asks it.

    Each is a real ``<button>`` carrying only its position: the server looks the text up in the turn
    it gave, so the page cannot make the app ask anything else. Nothing is shown when there is none.
    """
    if not questions:
        return '<div class="followups" hidden></div>'
    items = "".join(
        f'<li><button type="button" class="followup" data-turn="{turn}" data-i="{i}">'
        f"{html.escape(q)}</button></li>"
        for i, q in enumerate(questions)
    )
    return (
        '<nav class="followups" aria-labelledby="followups-title">'
        '<h2 id="followups-title" class="followups-title">The same documents also answer</h2>'
        f"<ul>{items}</ul></nav>"
    )
