"""Notes on dates that have passed: the documents are from 2016-2020, their deadlines are over."""

from __future__ import annotations

import calendar
from datetime import date

from ingest.values import date_mentions


def dates_in(text: str, default_year: int) -> list[tuple[str, date]]:
    """(as written, resolved date) for every date in ``text``; a missing year is the document's."""
    found: list[tuple[str, date]] = []
    for d in date_mentions(text):
        resolved = d.resolved(default_year)
        if resolved is not None:
            found.append((d.text, resolved))
    return found


def passed_note(text: str, doc_date: str, doc_title: str, today: date) -> str | None:
    """A note when ``text`` names a date before ``today``; None when it names none."""
    try:
        year = int(doc_date[:4])
    except ValueError:
        year = today.year
    passed = [w for w, d in dates_in(text, year) if d < today]
    if not passed:
        return None
    from ingest.models import DocumentInfo

    published = DocumentInfo("", "", doc_title, "", doc_date, "", "").display_date
    shown = ", ".join(dict.fromkeys(passed))
    return (
        f"{shown}: this date comes from “{doc_title}”, published {published}, and has passed "
        f"(today is {today.day} {calendar.month_name[today.month]} {today.year}); it is not an open deadline."
    )
