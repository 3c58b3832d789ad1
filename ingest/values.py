"""The text toolkit's values: months, dates and amounts of money, read one way everywhere.

Ingest (the directory's awards, date headings) and answering (the citation check, conflict notes,
"this date has passed", the asker's own figures) must agree on what "£1,06m" or "31 March" is: a
figure read two ways makes a supported sentence look unsupported, or two equal figures look like
a disagreement. So this module is the only place that knows month names and how money is written;
it lives on the ingest side because ingest may not import ``assistant`` (answering reads it through
``assistant.text``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# -- months -----------------------------------------------------------------------------------
MONTH_NAMES: tuple[str, ...] = tuple(m for m in calendar.month_name if m)  # "January" ... "December"
# every way a month is written in these documents (full, three-letter, "Sept"), lower case -> 1..12
MONTH_NUMBER: dict[str, int] = {m.lower(): i for i, m in enumerate(MONTH_NAMES, start=1)}
MONTH_NUMBER.update({m[:3].lower(): i for i, m in enumerate(MONTH_NAMES, start=1)})
MONTH_NUMBER["sept"] = 9
# a regex alternation of those spellings, longest first so "march" wins over "mar"
MONTH_ALT: str = "|".join(sorted(MONTH_NUMBER, key=len, reverse=True))
FULL_MONTH_ALT: str = "|".join(MONTH_NAMES)
SEASONS: tuple[str, ...] = ("spring", "summer", "autumn", "winter")
WEEKDAYS: tuple[str, ...] = tuple(d.lower() for d in calendar.day_name)  # "monday" ... "sunday"
WEEKDAY_ALT: str = "|".join(WEEKDAYS)


def month_number(word: str) -> int | None:
    """1-12 for a month however written ("Sept.", "march"), None for any other word."""
    return MONTH_NUMBER.get(word.lower().rstrip("."))


def full_month(word: str) -> str | None:
    """The full name ("September") of a month however written, None for any other word."""
    n = month_number(word)
    return MONTH_NAMES[n - 1] if n else None


# -- dates ------------------------------------------------------------------------------------
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({MONTH_ALT})\b\.?(?:,?\s+(\d{{4}}))?", re.I
)
_MONTH_DAY = re.compile(rf"\b({MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
_MONTH_YEAR = re.compile(rf"\b({MONTH_ALT})\.?\s+((?:19|20)\d{{2}})\b", re.I)
_SEASON_YEAR = re.compile(rf"\b({'|'.join(SEASONS)})\s+(?:of\s+)?((?:19|20)\d{{2}})\b", re.I)


@dataclass(frozen=True)
class DateMention:
    """One date as written: its span, and the parts it gives (a missing part is None)."""

    start: int
    end: int
    text: str
    month: int
    day: int | None = None
    year: int | None = None
    season: str | None = None

    def resolved(self, default_year: int) -> date | None:
        """The date it names, a missing year being ``default_year``; a month or season alone is its
        last day (a deadline "in March 2016" has passed once March is over). None if impossible."""
        year = self.year or default_year
        try:
            if self.day is not None:
                return date(year, self.month, self.day)
            return date(year, self.month, calendar.monthrange(year, self.month)[1])
        except ValueError:
            return None


def date_mentions(text: str) -> list[DateMention]:
    """Every date in ``text``: "31 March 2016", "March 31", "March 2016", "spring 2017".

    A day-and-month match hides the month-and-year reading of the same words ("1 March 2016" is
    one date, not also "March 2016"), so each date is counted once.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for m in _DAY_MONTH.finditer(text):
        year = int(m.group(3)) if m.group(3) else None
        month = MONTH_NUMBER[m.group(2).lower()]
        found.append(DateMention(m.start(), m.end(), m.group(0), month, int(m.group(1)), year))
        taken.append(m.span())
    for m in _MONTH_DAY.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        year = int(m.group(3)) if m.group(3) else None
        month = MONTH_NUMBER[m.group(1).lower()]
        found.append(DateMention(m.start(), m.end(), m.group(0), month, int(m.group(2)), year))
        taken.append(m.span())
    for m in _MONTH_YEAR.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        month = MONTH_NUMBER[m.group(1).lower()]
        found.append(DateMention(m.start(), m.end(), m.group(0), month, None, int(m.group(2))))
    for m in _SEASON_YEAR.finditer(text):
        season = m.group(1).lower()
        last_month = {"spring": 5, "summer": 8, "autumn": 11, "winter": 12}[season]
        found.append(DateMention(m.start(), m.end(), m.group(0), last_month, None, int(m.group(2)), season))
    found.sort(key=lambda d: d.start)
    return found


# -- money ------------------------------------------------------------------------------------
_SCALE = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3}
# "£4.8m", "£ 771k", "£1,06m", "$2 million", and a scaled figure without a sign ("110 million");
# a bare "110" is a number, not money
_MONEY = re.compile(
    r"(?P<sign>£|\$|€)\s?(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s*(?P<unit>bn|billion|million|thousand|m|k)(?![A-Za-z]))?"
    r"|\b(?P<num2>\d[\d,]*(?:\.\d+)?)\s*(?P<unit2>bn|billion|million|m)\b",
    re.I,
)


@dataclass(frozen=True)
class Money:
    """An amount of money as written, and its value (None when the digits make no number)."""

    start: int
    end: int
    text: str
    value: float | None
    currency: str  # "£", "$", "€", or "" for "110 million"
    scaled: bool  # written with a unit (m, million, k, bn): "£110m", not "£110"


def parse_amount(num: str, unit: str | None) -> float | None:
    """Pounds from a printed figure. In millions a comma is a decimal mark ("£1,06m" = £1.06m,
    "£2,065m" = £2.065m): nobody in this programme got billions, and the directory mixes both
    styles; "£1,500,000" (no unit) is one and a half million."""
    unit = (unit or "").lower()
    mult = _SCALE.get(unit, 1.0)
    num = num.rstrip(".,")
    if not num:
        return None
    if "," in num and "." in num:
        num = num.replace(",", "")
    elif "," in num:
        if mult >= 1e6 or not re.fullmatch(r"\d{1,3}(,\d{3})+", num):
            num = num.replace(",", ".", 1).replace(",", "")
        else:
            num = num.replace(",", "")
    try:
        return round(float(num) * mult, 2)
    except ValueError:
        return None


def money_in(text: str) -> list[Money]:
    """Every amount of money in ``text``, in order."""
    out: list[Money] = []
    for m in _MONEY.finditer(text):
        sign = m.group("sign") or ""
        num, unit = (m.group("num"), m.group("unit")) if sign else (m.group("num2"), m.group("unit2"))
        out.append(Money(m.start(), m.end(), m.group(0).strip(), parse_amount(num, unit), sign, bool(unit)))
    return out


def same_amount(a: float, b: float) -> bool:
    """Two values of money are the same amount (float rounding aside)."""
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def format_gbp(amount: float | None) -> str:
    """Compact pounds: £4m, £1.19m, £2.065m, £771k."""
    if amount is None:
        return "n/a"
    if abs(amount) >= 1e6:
        return "£" + f"{amount / 1e6:.3f}".rstrip("0").rstrip(".") + "m"
    if abs(amount) >= 1e3:
        return "£" + f"{amount / 1e3:.1f}".rstrip("0").rstrip(".") + "k"
    return f"£{amount:,.0f}"
