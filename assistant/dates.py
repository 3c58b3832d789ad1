"""Notes on dates that have passed: the documents are from 2016-2020, their deadlines are over."""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTH_NUM = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH_NUM.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTH_NUM["sept"] = 9
_M = "|".join(sorted(_MONTH_NUM, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?: of)? ({_M})\b\.?(?:,? (\d{{4}}))?", re.I)
_MONTH_DAY = re.compile(rf"\b({_M})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?", re.I)
_MONTH_YEAR = re.compile(rf"\b({_M}) (\d{{4}})\b", re.I)
_SEASON_YEAR = re.compile(r"\b(spring|summer|autumn|winter) (?:of )?(\d{4})\b", re.I)


def dates_in(text: str, default_year: int) -> list[tuple[str, date]]:
    """(as written, resolved date) for every date in ``text``; a missing year is the document's."""
    found: list[tuple[str, date]] = []
    for m in _DAY_MONTH.finditer(text):
        year = int(m.group(3)) if m.group(3) else default_year
        try:
            found.append((m.group(0), date(year, _MONTH_NUM[m.group(2).lower()], int(m.group(1)))))
        except ValueError:
            continue
    for m in _MONTH_DAY.finditer(text):
        year = int(m.group(3)) if m.group(3) else default_year
        try:
            found.append((m.group(0), date(year, _MONTH_NUM[m.group(1).lower()], int(m.group(2)))))
        except ValueError:
            continue
    for m in _MONTH_YEAR.finditer(text):
        month = _MONTH_NUM[m.group(1).lower()]
        found.append(
            (m.group(0), date(int(m.group(2)), month, calendar.monthrange(int(m.group(2)), month)[1]))
        )
    for m in _SEASON_YEAR.finditer(text):
        found.append((m.group(0), date(int(m.group(2)), 12, 31)))
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
