"""Notes on dates that have passed: the documents are from 2016-2020, their deadlines are over."""

from __future__ import annotations

import calendar
import re
from datetime import date

from ingest.sentences import sentence_spans
from ingest.values import date_mentions

# What a date must belong to for "it has passed" to matter: something a reader could still want
# to do or attend (a deadline, a submission, an event). A statistic's date ("in March 2015 the
# number of looked after children reached ...") is history; telling the reader it has passed is noise.
_EVENT = re.compile(
    r"\b(?:deadlines?|clos(?:e|es|ed|ing)|submi\w*|appl(?:y|ies|ication|ications)\b|webinars?|workshops?"
    r"|events?|sessions?|meetings?|launch\w*|opens?|opening|start(?:s|ing)?|begin\w*|held|hold"
    r"|diary|invit\w*|due|until|expressions? of interest|eois?|announce\w*|decisions?|notif\w*"
    r"|interviews?|panels?|register\w*|book\w*|releas\w*|available)\b",
    re.I,
)


def _of_an_event(text: str, start: int, end: int) -> bool:
    """The date's sentence, or the one before it ("... two deadlines. The first is 6 May, the
    second 7 July."), names a deadline or an event."""
    spans = sentence_spans(text) or [(0, len(text))]
    at = next((i for i, (a, b) in enumerate(spans) if a <= start < b), len(spans) - 1)
    window = text[spans[max(0, at - 1)][0] : max(spans[at][1], end)]
    return bool(_EVENT.search(window))


def passed_note(
    text: str, doc_date: str, doc_title: str, today: date, seen: set[date] | None = None
) -> str | None:
    """A note when ``text`` names a deadline or event date before ``today``; None otherwise.

    ``seen`` holds the dates already noted for this answer ("12 April" and "12 April 2016" in two
    quotes are one date, noted once); the dates noted here are added to it.
    """
    try:
        year = int(doc_date[:4])
    except ValueError:
        year = today.year
    seen = set() if seen is None else seen
    passed: list[str] = []
    for mention in date_mentions(text):
        when = mention.resolved(year)
        if when is None or when >= today or when in seen:
            continue
        if not _of_an_event(text, mention.start, mention.end):
            continue  # a statistic's or a publication's date, not a deadline
        seen.add(when)
        passed.append(mention.text.rstrip(".,;"))
    if not passed:
        return None
    from ingest.models import DocumentInfo

    published = DocumentInfo("", "", doc_title, "", doc_date, "", "").display_date
    shown = ", ".join(dict.fromkeys(passed))
    return (
        f"{shown}: this date comes from “{doc_title}”, published {published}, and has passed "
        f"(today is {today.day} {calendar.month_name[today.month]} {today.year}); it is not an open deadline."
    )
