"""Parse the programme journey (rounds, timeline) and the project directory.

The directory file is a text extract of a two-column page, so its reading order
is scrambled, some region headings are missing and the extract stops mid-entry.
This module recovers what can be recovered *from the text alone* and says so
when it cannot: every field keeps the raw source form next to the normalised
one, and every record carries exact character offsets so citations can quote
``text[start:end]`` verbatim. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.values import MONTH_NAMES, MONTH_NUMBER, parse_amount

# Regions of England in the alphabetical order the directory uses, with the
# directory's own non-geographic bucket slotted in alphabetically. Used only to
# name the regions an entry *could* belong to when its heading is missing.
CANONICAL_REGIONS: tuple[str, ...] = (
    "East Midlands",
    "East of England",
    "Greater London",
    "Multiple or Nationwide",
    "North East",
    "North West",
    "South East",
    "South West",
    "West Midlands",
    "Yorkshire and the Humber",
)
UNKNOWN_REGION = "unknown"

# The document never defines its theme codes. These readable labels are our
# inference from the project descriptions; always show the raw code too.
THEME_LABELS_INFERRED: dict[str, str] = {
    "AD": "adolescents (inferred)",
    "ADM": "alternative delivery models (inferred)",
    "CL": "care leavers (inferred)",
    "CSE": "child sexual exploitation (inferred)",
    "ED": "education (inferred)",
    "EOC/CIN": "edge of care / children in need (inferred)",
    "FA": "fostering and adoption (inferred)",
    "FGM": "female genital mutilation (inferred)",
    "LAC": "looked-after children (inferred)",
    "MH": "mental health (inferred)",
    "PAR": "parents and families (inferred)",
    "RES": "residential care (inferred)",
    "SWP": "social work practice (inferred)",
    "YPD": "young people with disabilities (inferred)",
}

# "sept", "sep", "september" -> "September": the toolkit's one month table
MONTHS: dict[str, str] = {k: MONTH_NAMES[n - 1] for k, n in MONTH_NUMBER.items()}


@dataclass
class Award:
    """One dated grant as printed, e.g. ``Dec 2014 (£4.8m)`` or ``Jan 2015 (share of £4.1m)``.

    ``amount_gbp`` is the printed figure in pounds; for a shared award it is the
    *pot* that several projects split, so totals must not add it per project.
    """

    month: str | None  # full month name, e.g. "September" for "Sept"
    year: int | None
    amount_gbp: float | None
    shared: bool
    raw: str  # verbatim substring of the award line
    date_text: str = ""  # as written, e.g. "Sept 2018"
    amount_text: str = ""  # as written, e.g. "£1,06m" or "share of £4.1m"
    start: int = 0
    end: int = 0
    note: str = ""  # e.g. an unbalanced bracket in the source


@dataclass
class ProjectEntry:
    """One ``### N. Name (CODES)`` directory entry, with its region worked out from the numbering."""

    number: int
    name: str
    themes: list[str]
    organisations: str
    region: str  # canonical region name, or UNKNOWN_REGION
    region_known: bool
    region_note: str
    heading_region: str | None  # the heading it physically sits under in the extract
    awards: list[Award]
    description: str
    complete: bool
    start: int  # text[start:end] is the verbatim entry, heading line through description
    end: int
    heading_end: int = 0  # end of the "### ..." line
    head_end: int = 0  # end of the heading + organisation + award lines (a compact quote)
    description_start: int = 0
    description_end: int = 0
    awards_text: str = ""  # the award line, stripped
    region_candidates: list[str] = field(default_factory=list)
    directly_under_heading: bool = False

    @property
    def amount_total(self) -> float | None:
        """Sum of the non-shared awards; None when nothing countable is printed."""
        amounts = [a.amount_gbp for a in self.awards if not a.shared and a.amount_gbp is not None]
        return round(sum(amounts), 2) if amounts else None

    @property
    def has_shared_award(self) -> bool:
        return any(a.shared for a in self.awards)


@dataclass
class Round:
    """A funding round from the programme journey: header plus its funding/focus block."""

    name: str  # "Round 1"
    number: int
    years: str  # as written, "2014-16"
    year_from: int
    year_to: int
    projects: int
    funding_gbp: float | None
    funding_text: str  # as written, "£101M"
    focus: list[str]
    start: int  # header span ("**ROUND 1: 2014-16**" + "57 PROJECTS")
    end: int
    funding_start: int = 0  # funding/focus block span
    funding_end: int = 0
    note: str = ""


@dataclass
class TimelineEvent:
    """A dated PUBLICATION / LEARNING EVENT(S) item of the journey, in file order."""

    month: str  # full month name
    year: int
    kind: str  # as written: "PUBLICATION", "LEARNING EVENT", "LEARNING EVENTS"
    description: str  # the item's lines, stripped, newline-joined
    start: int
    end: int
    items: list[str] = field(default_factory=list)  # one per line / bullet


@dataclass
class RegionHeading:
    """A ``## REGION`` heading as it appears in the extract."""

    text: str
    region: str
    start: int
    end: int


@dataclass
class DirectoryData:
    """Everything parsed from the file; entries sorted by number."""

    entries: list[ProjectEntry]
    rounds: list[Round]
    events: list[TimelineEvent]
    headings: list[RegionHeading]

    @property
    def missing_numbers(self) -> list[int]:
        """Entry numbers absent from the extract between 1 and the highest number present."""
        present = {e.number for e in self.entries}
        top = max(present, default=0)
        return [n for n in range(1, top + 1) if n not in present]

    def get(self, number: int) -> ProjectEntry | None:
        return next((e for e in self.entries if e.number == number), None)


# --------------------------------------------------------------------------- helpers

_LINE_RE = re.compile(r"[^\n]*(?:\n|$)")
_ENTRY_RE = re.compile(r"^###\s+(\d+)\.\s*(.*?)\s*$")
_REGION_RE = re.compile(r"^##\s+(?!#)(.*?)\s*$")
_TOP_RE = re.compile(r"^#\s+(?!#)(.*?)\s*$")
_CODES_RE = re.compile(r"\(\s*([A-Z][A-Z/]*(?:\s*,\s*[A-Z][A-Z/]*)*)\s*\)\s*$")
_ITALIC_RE = re.compile(r"^\s*\*(?!\*)(.+?)\*\s*$")
_AWARD_RE = re.compile(
    r"(?:(?P<month>[A-Za-z]{3,9})\.?\s+(?P<year>(?:19|20)\d{2})\s*)?"
    r"(?P<open>\()?\s*(?P<share>share\s+of\s+)?£\s?(?P<num>\d[\d.,]*)\s*"
    r"(?P<unit>bn|million|thousand|m|k)?(?![A-Za-z])\s*(?P<close>\))?",
    re.IGNORECASE,
)
_BOLD_RE = re.compile(r"^\s*\*\*(.+?)\*\*\s*$")
_DATE_RE = re.compile(r"^([A-Za-z]+)\.?\s+((?:19|20)\d{2})$")
_ROUND_RE = re.compile(r"^ROUND\s+(\d+)\s*:\s*((\d{4})\s*[-–]\s*(\d{2,4}))$", re.IGNORECASE)
_PROJECTS_RE = re.compile(r"^\s*(\d+)\s+PROJECTS?\s*$", re.IGNORECASE)
_FUNDING_RE = re.compile(
    r"^(£\s?(\d[\d.,]*)\s*(BN|M|K)?)\s+OF\s+TOTAL\s+FUNDING\s+TO\s+(\d+)\s+PROJECTS?\b", re.IGNORECASE
)
_BULLET_RE = re.compile(r"^\s*[-*•]\s+(.*?)\s*$")


def canonical_region(heading: str) -> str:
    """Map a heading such as "EAST OF ENGLAND" to its canonical name (title case if unknown)."""
    key = re.sub(r"\s+", " ", heading).strip().lower()
    for name in CANONICAL_REGIONS:
        if name.lower() == key:
            return name
    return heading.strip().title()


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end-without-newline, content) for every line."""
    out = []
    for m in _LINE_RE.finditer(text):
        if m.start() == len(text) and not m.group():
            break
        body = m.group().rstrip("\n").rstrip("\r")
        out.append((m.start(), m.start() + len(body), body))
    return out


def parse_awards(line: str, offset: int) -> list[Award]:
    """All awards on one award line; ``offset`` is the line's position in the source."""
    awards: list[Award] = []
    for m in _AWARD_RE.finditer(line):
        month_raw = m.group("month")
        month = MONTHS.get(month_raw.lower()) if month_raw else None
        year = int(m.group("year")) if m.group("year") and month else None
        pound = line.rfind("£", m.start(), m.start("num"))
        if month:
            s = m.start()
        elif m.group("open"):
            s = m.start("open")
        else:
            s = m.start("share") if m.group("share") else pound
        raw = line[s : m.end()].rstrip()
        amount_start = m.start("share") if m.group("share") else pound
        amount_end = m.end("unit") if m.group("unit") else m.end("num")
        note = ""
        if bool(m.group("open")) != bool(m.group("close")):
            note = "unbalanced bracket in the source"
        awards.append(
            Award(
                month=month,
                year=year,
                amount_gbp=parse_amount(m.group("num"), m.group("unit")),
                shared=bool(m.group("share")),
                raw=raw,
                date_text=f"{month_raw} {m.group('year')}" if month else "",
                amount_text=line[amount_start:amount_end],
                start=offset + s,
                end=offset + s + len(raw),
                note=note,
            )
        )
    return awards


def _split_name(title: str) -> tuple[str, list[str]]:
    """ "Family and Adolescent Support Hub (FASH) (AD, EOC/CIN)" -> name, ["AD", "EOC/CIN"]."""
    m = _CODES_RE.search(title)
    if not m:
        return title.strip(), []
    codes = [c.strip() for c in m.group(1).split(",") if c.strip()]
    return title[: m.start()].strip(), codes


# --------------------------------------------------------------------------- timeline


def _parse_timeline(text: str, lines: list[tuple[int, int, str]]) -> tuple[list[Round], list[TimelineEvent]]:
    """Rounds (header + funding/focus block, paired in order) and dated events, in file order."""
    headers: list[dict] = []
    blocks: list[dict] = []
    events: list[TimelineEvent] = []
    i = 0
    n = len(lines)

    def next_nonblank(j: int) -> int:
        while j < n and not lines[j][2].strip():
            j += 1
        return j

    while i < n:
        start, end, body = lines[i]
        if body.startswith("#") and not _TOP_RE.match(body):
            break  # region headings / entries: timeline is over
        bold = _BOLD_RE.match(body)
        if not bold:
            i += 1
            continue
        label = bold.group(1).strip()
        rm = _ROUND_RE.match(label)
        fm = _FUNDING_RE.match(label)
        dm = _DATE_RE.match(label)
        if rm:
            j = next_nonblank(i + 1)
            pm = _PROJECTS_RE.match(lines[j][2]) if j < n else None
            y_from = int(rm.group(3))
            y_to_raw = rm.group(4)
            y_to = int(y_to_raw) if len(y_to_raw) == 4 else (y_from // 100) * 100 + int(y_to_raw)
            headers.append(
                {
                    "number": int(rm.group(1)),
                    "years": rm.group(2),
                    "year_from": y_from,
                    "year_to": y_to,
                    "projects": int(pm.group(1)) if pm else 0,
                    "start": start + (len(body) - len(body.lstrip())),
                    "end": lines[j][1] if pm else end,
                }
            )
            i = j + 1 if pm else i + 1
        elif fm:
            focus: list[str] = []
            block_end = end
            j = i + 1
            while j < n:
                b = lines[j][2]
                if not b.strip():
                    j += 1
                    continue
                bm = _BULLET_RE.match(b)
                if not bm:
                    break
                focus.append(bm.group(1))
                block_end = lines[j][1]
                j += 1
            blocks.append(
                {
                    "text": fm.group(1).replace(" ", ""),
                    "amount": parse_amount(fm.group(2), fm.group(3)),
                    "projects": int(fm.group(4)),
                    "focus": focus,
                    "start": start + (len(body) - len(body.lstrip())),
                    "end": block_end,
                }
            )
            i = j
        elif dm and dm.group(1).lower() in MONTHS:
            j = next_nonblank(i + 1)
            km = _BOLD_RE.match(lines[j][2]) if j < n else None
            kind = km.group(1).strip() if km and not _DATE_RE.match(km.group(1).strip()) else ""
            k = j + 1 if kind else i + 1
            items: list[str] = []
            ev_end = lines[j][1] if kind else end
            while k < n:
                b = lines[k][2]
                if not b.strip():
                    k += 1
                    continue
                if _BOLD_RE.match(b) or b.lstrip().startswith("#"):
                    break
                bm = _BULLET_RE.match(b)
                items.append(bm.group(1) if bm else b.strip())
                ev_end = lines[k][1]
                k += 1
            events.append(
                TimelineEvent(
                    month=MONTHS[dm.group(1).lower()],
                    year=int(dm.group(2)),
                    kind=kind,
                    description="\n".join(items),
                    start=start + (len(body) - len(body.lstrip())),
                    end=ev_end,
                    items=items,
                )
            )
            i = k
        else:
            i += 1

    rounds: list[Round] = []
    for idx, h in enumerate(headers):
        blk = blocks[idx] if idx < len(blocks) else None
        note = ""
        if blk is None:
            note = "no funding/focus block found for this round"
        elif blk["projects"] != h["projects"]:
            note = (
                f"funding block (matched by order) says {blk['projects']} projects, "
                f"round header says {h['projects']}"
            )
        rounds.append(
            Round(
                name=f"Round {h['number']}",
                number=h["number"],
                years=h["years"],
                year_from=h["year_from"],
                year_to=h["year_to"],
                projects=h["projects"],
                funding_gbp=blk["amount"] if blk else None,
                funding_text=blk["text"] if blk else "",
                focus=list(blk["focus"]) if blk else [],
                start=h["start"],
                end=h["end"],
                funding_start=blk["start"] if blk else 0,
                funding_end=blk["end"] if blk else 0,
                note=note,
            )
        )
    return rounds, events


# --------------------------------------------------------------------------- directory


def _region_index(region: str) -> int | None:
    try:
        return CANONICAL_REGIONS.index(region)
    except ValueError:
        return None


def _assign_regions(entries: list[ProjectEntry]) -> None:
    """Give each entry a region from the numbering, not from where the extract put it.

    Entries are numbered region by region, regions in alphabetical order. A
    heading directly followed by an entry marks where that region starts
    (headings travel with the entry under them). An entry with no heading of its
    own whose predecessor number is present continues that predecessor's
    region: a new region would have brought its heading along. After a gap in
    the numbering with no heading, the region cannot be known from the text.
    """
    by_number = {e.number: e for e in entries}
    anchors: list[ProjectEntry] = []
    last_idx = -1
    for e in sorted((e for e in entries if e.directly_under_heading), key=lambda e: e.number):
        idx = _region_index(e.heading_region or "")
        if idx is None or idx > last_idx:  # anchors must follow the alphabetical region order
            anchors.append(e)
            if idx is not None:
                last_idx = idx
    anchor_numbers = {a.number for a in anchors}

    def heading_clause(e: ProjectEntry) -> str:
        if e.heading_region is None:
            return "It appears before any region heading in the extract"
        return f"It appears under the {e.heading_region.upper()} heading in the extract"

    for e in sorted(entries, key=lambda e: e.number):
        prev = by_number.get(e.number - 1)
        if e.number in anchor_numbers:
            e.region, e.region_known = e.heading_region or UNKNOWN_REGION, True
            e.region_note = f"First entry under the {e.region.upper()} heading."
        elif prev is not None and prev.region_known:
            e.region, e.region_known = prev.region, True
            if e.heading_region == prev.region:
                e.region_note = f"Under the {prev.region.upper()} heading, continuing its numbering."
            else:
                e.region_note = (
                    f"{heading_clause(e)} because the two-column page was read out of order, but "
                    f"its number continues the {prev.region} run ({prev.number} → {e.number}) and no "
                    "heading starts a new region there."
                )
        elif prev is not None:
            e.region, e.region_known = UNKNOWN_REGION, False
            e.region_candidates = list(prev.region_candidates)
            e.region_note = (
                f"Continues entry {prev.number}, whose region is unknown: "
                f"{_candidates_phrase(e.region_candidates)}."
            )
        else:
            lower = [x for x in entries if x.number < e.number]
            prev_known = max((x for x in lower if x.region_known), key=lambda x: x.number, default=None)
            last_present = max((x.number for x in lower), default=0)
            nxt = min((a for a in anchors if a.number > e.number), key=lambda a: a.number, default=None)
            lo = _region_index(prev_known.region) if prev_known else 0
            hi = _region_index(nxt.heading_region or "") if nxt else len(CANONICAL_REGIONS)
            lo = 0 if lo is None else lo
            hi = len(CANONICAL_REGIONS) if hi is None else hi
            e.region, e.region_known = UNKNOWN_REGION, False
            e.region_candidates = list(CANONICAL_REGIONS[lo:hi])
            gap = (
                f"{last_present + 1}–{e.number - 1}"
                if e.number - 1 > last_present + 1
                else str(last_present + 1)
            )
            e.region_note = (
                f"{heading_clause(e)}, but it does not continue that heading's numbered run: entries "
                f"{gap} are missing from the extract and no region heading introduces entry {e.number}. "
                f"Its region cannot be told from the text: {_candidates_phrase(e.region_candidates)}."
            )


def _candidates_phrase(cands: list[str]) -> str:
    if not cands:
        return "no candidate region"
    if len(cands) == 1:
        return f"it could only be {cands[0]}"
    listed = ", ".join(cands[:-1]) + " or " + cands[-1]
    return f"it could be {listed} (the heading that introduces it is missing from the extract)"


def parse_directory(text: str) -> DirectoryData:
    """Parse the whole file: timeline (rounds, events) then region headings and entries."""
    lines = _lines(text)
    rounds, events = _parse_timeline(text, lines)
    headings: list[RegionHeading] = []
    entries: list[ProjectEntry] = []
    current_heading: str | None = None
    pending_heading = False
    i = 0
    n = len(lines)
    while i < n:
        start, end, body = lines[i]
        em = _ENTRY_RE.match(body)
        if not em:
            rm = _REGION_RE.match(body)
            if rm and not body.startswith("###"):
                current_heading = canonical_region(rm.group(1))
                headings.append(RegionHeading(rm.group(1), current_heading, start, end))
                pending_heading = True
            i += 1
            continue
        # entry block: heading line up to the next heading of any level
        j = i + 1
        while j < n and not lines[j][2].lstrip().startswith("#"):
            j += 1
        block = [ln for ln in lines[i + 1 : j] if ln[2].strip()]
        name, themes = _split_name(em.group(2))
        orgs = ""
        awards: list[Award] = []
        awards_text = ""
        head_end = end
        desc_lines: list[tuple[int, int, str]] = []
        for ls, le, lb in block:
            im = _ITALIC_RE.match(lb)
            if im and not orgs and not desc_lines and not awards:
                orgs = im.group(1).strip()
                head_end = le
            elif not awards and not desc_lines and "£" in lb and (found := parse_awards(lb, ls)):
                awards = found
                awards_text = lb.strip()
                head_end = le
            else:
                desc_lines.append((ls, le, lb))
        entry_end = block[-1][1] if block else end
        entries.append(
            ProjectEntry(
                number=int(em.group(1)),
                name=name,
                themes=themes,
                organisations=orgs,
                region=UNKNOWN_REGION,
                region_known=False,
                region_note="",
                heading_region=current_heading,
                awards=awards,
                description=" ".join(d[2].strip() for d in desc_lines),
                complete=bool(orgs and awards and desc_lines),
                start=start,
                end=entry_end,
                heading_end=end,
                head_end=head_end,
                description_start=desc_lines[0][0] + (len(desc_lines[0][2]) - len(desc_lines[0][2].lstrip()))
                if desc_lines
                else entry_end,
                description_end=desc_lines[-1][1] if desc_lines else entry_end,
                awards_text=awards_text,
                directly_under_heading=pending_heading,
            )
        )
        pending_heading = False
        i = j
    _assign_regions(entries)
    entries.sort(key=lambda e: e.number)
    return DirectoryData(entries=entries, rounds=rounds, events=events, headings=headings)
