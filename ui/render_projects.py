"""HTML and choices of the Projects tab: the project directory as a sortable, filterable table.

Rows, the summary line under the table (matches, their non-shared total, and that the directory is
a partial extract), the selected entry quoted verbatim, the filter dropdowns' choices and the
reading of a typed amount. Amounts are worded and read by the directory's own helpers
(:mod:`ingest.values`), so the tab and the assistant's directory answers say the same figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ui import richtext
from ui.render_common import esc, pick

# (key, header) per column of the Projects table; every column sorts.
PROJECT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "No."),
    ("name", "Name"),
    ("themes", "Themes"),
    ("organisations", "Organisation(s)"),
    ("region", "Region"),
    ("total", "Total (non-shared)"),
    ("awards", "Awards (as written)"),
)  # the total before the awards: the key figure stays on screen when the table is narrower than its data
ANY = "any"  # the "no filter" value of the Projects dropdowns
_GBP_INPUT = re.compile(r"£?\s*(\d[\d,]*(?:\.\d+)?)\s*(bn|billion|m|million|k|thousand)?", re.IGNORECASE)


def _theme_labels() -> Mapping[str, str]:
    """The directory never defines its codes; these labels are inferred (and say so)."""
    try:
        from ingest.directory import THEME_LABELS_INFERRED
    except ImportError:  # pragma: no cover - the UI still works with raw codes only
        return {}
    return THEME_LABELS_INFERRED


def gbp(amount: float | None) -> str:
    """Compact pounds as the assistant writes them elsewhere: £4m, £1.06m, £771k (the directory's own)."""
    from ingest.values import format_gbp

    return format_gbp(amount)


def parse_gbp(text: str | None) -> float | None:
    """A typed amount in pounds ("1.5m", "£750k", "1,200,000", "2 million"); None when blank.

    The figure is read by the directory's own :func:`ingest.values.parse_amount` (so a typed
    "1,5m" means what the directory's "£1,5m" means); only what it would guess at is refused here.
    Raises ValueError for anything else, so the tab can say which box it could not read.
    """
    from ingest.values import parse_amount

    raw = (text or "").strip()
    if not raw:
        return None
    m = _GBP_INPUT.fullmatch(raw)
    if not m:
        raise ValueError(raw)
    num = m.group(1)
    thousands = re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", num)
    if "," in num and not thousands and ("." in num or num.count(",") > 1):
        raise ValueError(raw)  # "1,2,3" or "1,5.2": no reading is safe
    unit = (m.group(2) or "").lower()
    amount = parse_amount(num, {"billion": "bn"}.get(unit, unit))
    if amount is None:
        raise ValueError(raw)
    return amount


def _earliest_award(rec: Any) -> tuple[int, int] | None:
    from ingest.values import month_number

    dates = [(int(a.year), month_number(a.month or "") or 0) for a in pick(rec, "awards") or () if a.year]
    return min(dates) if dates else None


def _region_sort(rec: Any) -> tuple[int, str]:
    return (0 if pick(rec, "region_known") else 1, str(pick(rec, "region")).casefold())


_SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "number": lambda r: int(r.number),
    "name": lambda r: r.name.casefold(),
    "themes": lambda r: ", ".join(r.themes) or None,
    "organisations": lambda r: r.organisations.casefold() or None,
    "region": _region_sort,
    "awards": _earliest_award,
    "total": lambda r: r.amount_total,
}


def sort_projects(records: Sequence[Any], key: str = "number", descending: bool = False) -> list[Any]:
    """Records ordered by a column; entries without a value for it (no award, no total) always last.

    Ties keep directory-number order, so a sort is reproducible.
    """
    fn = _SORT_KEYS.get(key, _SORT_KEYS["number"])
    have = sorted((r for r in records if fn(r) is not None), key=lambda r: int(r.number))
    missing = sorted((r for r in records if fn(r) is None), key=lambda r: int(r.number))
    have.sort(key=fn, reverse=descending)  # stable: equal values stay in number order
    return have + missing


def region_inferred(rec: Any) -> bool:
    """Known only from the numbering: printed under another region's heading in the extract."""
    heading = pick(rec, "heading_region")
    return bool(pick(rec, "region_known") and heading and heading != pick(rec, "region"))


def region_cell_html(rec: Any) -> str:
    """The region, with a visible marker when it is unknown or was inferred from the numbering."""
    note = esc(pick(rec, "region_note") or "")
    if not pick(rec, "region_known"):
        cands = ", ".join(pick(rec, "region_candidates") or ())
        could = f'<span class="region-note">could be {esc(cands)}</span>' if cands else ""
        return f'<span class="badge warn" title="{note}">Region unknown</span>{could}'
    if region_inferred(rec):
        return (
            f"{esc(pick(rec, 'region'))} "
            f'<span class="badge info" title="{note}">inferred from numbering</span>'
            f'<span class="region-note">printed under {esc(pick(rec, "heading_region"))}</span>'
        )
    return esc(pick(rec, "region"))


def _themes_html(codes: Iterable[str]) -> str:
    labels = _theme_labels()
    return " ".join(
        f'<code class="theme" title="{esc(labels.get(c, "no label"))}">{esc(c)}</code>' for c in codes
    )


def award_items(rec: Any) -> list[str]:
    """Each award as written ("Feb 2015, £1,06m (= £1.06m)"; shared awards say so)."""
    shown = rec.awards_display() if hasattr(rec, "awards_display") else ""
    return [part for part in shown.split("; ") if part] if pick(rec, "awards") else []


def _awards_html(rec: Any) -> str:
    items = award_items(rec)
    if not items:
        return '<span class="muted-inline">no award printed in the extract</span>'
    lis = "".join(
        f'<li class="{"shared" if "(shared award)" in it else "award"}">{esc(it)}</li>' for it in items
    )
    return f'<ul class="awards">{lis}</ul>'


def total_cell_html(rec: Any) -> str:
    """The sum of the entry's non-shared awards; says why when there is nothing to add up."""
    total = pick(rec, "amount_total")
    shared = bool(pick(rec, "has_shared_award"))
    if total is None:
        why = "shared award only" if shared else "none printed"
        return f'<span class="muted-inline">— ({why})</span>'
    extra = ' <span class="muted-inline">+ a shared award</span>' if shared else ""
    return f'<span title="£{total:,.0f}">{esc(gbp(total))}</span>{extra}'


def project_row_html(rec: Any, *, selected: bool = False) -> str:
    """One clickable table row; the number links it to its cited entry in the directory."""
    n = int(rec.number)
    cut = '<span class="badge warn">cut off in the extract</span>' if not pick(rec, "complete", True) else ""
    cls = "proj-row selected" if selected else "proj-row"
    return (
        f'<tr class="{cls}" data-number="{n}" tabindex="0" aria-selected="{"true" if selected else "false"}" '
        f'title="Read entry {n} in the directory">'
        f'<td class="num">{n}</td>'
        f'<td class="name">{esc(richtext.strip_markdown(rec.name))}{cut}</td>'
        f'<td class="themes">{_themes_html(rec.themes)}</td>'
        f'<td class="orgs">{esc(rec.organisations)}</td>'
        f'<td class="region">{region_cell_html(rec)}</td>'
        f'<td class="total num">{total_cell_html(rec)}</td>'
        f'<td class="awards-cell">{_awards_html(rec)}</td>'
        "</tr>"
    )


def projects_table_html(
    records: Sequence[Any], *, sort: str = "number", descending: bool = False, selected: int | None = None
) -> str:
    """The directory as a table, ordered by ``sort``; header buttons re-sort, rows open their entry."""
    head = []
    for key, label in PROJECT_COLUMNS:
        state = ("descending" if descending else "ascending") if key == sort else "none"
        arrow = {"ascending": "▲", "descending": "▼", "none": "↕"}[state]
        head.append(
            f'<th scope="col" aria-sort="{state}"><button type="button" class="sort" data-sort="{key}" '
            f'title="Sort by {esc(label)}">{esc(label)} <span aria-hidden="true">{arrow}</span></button></th>'
        )
    rows = "".join(
        project_row_html(r, selected=selected is not None and int(r.number) == selected)
        for r in sort_projects(records, sort, descending)
    )
    if not rows:
        cols = len(PROJECT_COLUMNS)
        rows = f'<tr class="empty"><td colspan="{cols}">No entries match these filters.</td></tr>'
    return (
        '<div class="table-wrap proj-wrap"><table class="projects-table">'
        "<caption>Project directory entries. Select a row to read its entry in the directory.</caption>"
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def number_ranges(numbers: Iterable[int]) -> str:
    """[56, 57, 58, 60] -> "56–58 and 60": the directory answers' own wording of entry numbers
    (:func:`assistant.projects.number_ranges`), with the last span joined in words."""
    from assistant.projects import number_ranges as ranges

    return ranges(numbers, last=" and ")


def projects_summary_html(
    matches: Sequence[Any],
    *,
    total_entries: int,
    missing_numbers: Sequence[int] = (),
    cut_off: Sequence[int] = (),
    problems: Sequence[str] = (),
) -> str:
    """The line under the table: matches, their non-shared total, and that the directory is partial."""
    n = len(matches)
    amounts = [r.amount_total for r in matches if r.amount_total is not None]
    total = sum(amounts)
    shared_only = sum(1 for r in matches if r.amount_total is None and r.has_shared_award)
    no_award = sum(1 for r in matches if r.amount_total is None and not r.has_shared_award)
    entries = "entry matches" if n == 1 else "entries match"
    parts = [f'<span class="count">{n} of {total_entries} {entries}.</span>']
    if amounts:
        parts.append(
            f' Total of non-shared awards: <strong class="sum">{esc(gbp(total))}</strong> (£{total:,.0f}).'
        )
    elif n:
        parts.append(" No non-shared award to add up.")
    skipped = []
    if shared_only:
        skipped.append(f"{shared_only} with only a shared award")
    if no_award:
        skipped.append(f"{no_award} with no award printed")
    if skipped:
        parts.append(f" Not counted: {esc('; '.join(skipped))}.")
    gaps = []
    if missing_numbers:
        gaps.append(f"entries {number_ranges(missing_numbers)} are missing")
    if cut_off:
        label = "entry" if len(cut_off) == 1 else "entries"
        gaps.append(f"{label} {number_ranges(cut_off)} {'is' if len(cut_off) == 1 else 'are'} cut off")
    partial = (
        "The directory in the corpus is a partial extract"
        + (f" ({esc(' and '.join(gaps))})" if gaps else "")
        + ", so counts and totals cover only the entries it prints."
    )
    warn = "".join(f'<p class="proj-problem" role="alert">{esc(p)}</p>' for p in problems)
    return (
        f'<div class="proj-summary" role="status" aria-live="polite">{warn}<p>{"".join(parts)}</p>'
        f'<p class="partial">{partial}</p></div>'
    )


def project_entry_html(rec: Any, doc_text: str | None, *, doc_title: str = "") -> str:
    """The selected entry: where it sits, its codes with inferred labels, and the verbatim quote."""
    if rec is None:
        return projects_entry_placeholder_html()
    start, end = int(rec.start), int(rec.end)
    quote = doc_text[start:end] if doc_text is not None and 0 <= start < end <= len(doc_text) else ""
    labels = _theme_labels()
    codes = "".join(
        f'<li><code class="theme">{esc(c)}</code> {esc(labels.get(c, ""))}</li>' for c in rec.themes
    )
    trail = rec.section() if hasattr(rec, "section") else f"{rec.number}. {rec.name}"
    note = pick(rec, "region_note") or ""
    body = (
        f'<blockquote class="proj-quote">{richtext.render(quote)}</blockquote>'
        if quote
        else '<p class="muted">The entry\'s text is not available in this index.</p>'
    )
    where = (
        f"{esc(doc_title)}, entry {int(rec.number)}"
        if doc_title
        else f"the directory, entry {int(rec.number)}"
    )
    return (
        f'<section class="proj-entry" aria-label="Directory entry {int(rec.number)}">'
        f"<h2>Entry {int(rec.number)}: {esc(richtext.strip_markdown(rec.name))}</h2>"
        f'<p class="src-meta">{esc(richtext.strip_markdown(trail))}</p>'
        + (f'<p class="region-explain">{esc(note)}</p>' if note else "")
        + (f'<ul class="theme-list" aria-label="Theme codes">{codes}</ul>' if codes else "")
        + f'<p class="muted">Quoted verbatim from {where}:</p>{body}</section>'
    )


def projects_entry_placeholder_html(message: str = "Select a row to read its entry in the directory.") -> str:
    return f'<section class="proj-entry"><p class="muted">{esc(message)}</p></section>'


def region_choices(records: Sequence[Any]) -> list[tuple[str, str]]:
    """Dropdown choices: each region present (with its count), then "Region unknown"."""
    counts: dict[str, int] = {}
    unknown = 0
    for r in records:
        if pick(r, "region_known"):
            counts[r.region] = counts.get(r.region, 0) + 1
        else:
            unknown += 1
    out = [("Any region", ANY)] + [(f"{k} ({v})", k) for k, v in sorted(counts.items())]
    if unknown:
        out.append((f"Region unknown ({unknown})", "unknown"))
    return out


def theme_choices(codes: Sequence[str], records: Sequence[Any] = ()) -> list[tuple[str, str]]:
    """Raw codes as printed, each with its inferred label marked "(inferred)" and its count."""
    labels = _theme_labels()
    out = [("Any theme", ANY)]
    for c in codes:
        n = sum(1 for r in records if c in r.themes)
        label = f"{c} — {labels[c]}" if c in labels else c
        out.append((f"{label} ({n})" if records else label, c))
    return out


def year_choices(records: Sequence[Any]) -> list[tuple[str, str]]:
    years = sorted({int(a.year) for r in records for a in (pick(r, "awards") or ()) if a.year})
    return [("Any year", ANY)] + [(str(y), str(y)) for y in years]
