"""Table rows as the documents lay them out: a row, the lines that continue it, and its footnote.

The documents' tables are tab-separated lines. A row's second cell can run on over lines whose
first cell is empty (they start with a tab); a header row ("Criteria<TAB>The strongest projects
will") can repeat after a page break; and a first cell marked with an asterisk ("...mainstreamed*")
is explained by a footnote under the table ("* In allocating funding ... greater emphasis ...").
A row quoted without its continuation, or with the next header and the footnote run on as if they
were more of it, misreads the table; a starred row quoted without its footnote drops what the star
says. These helpers read that layout; ``assistant.compose`` uses them to choose and render units.
"""

from __future__ import annotations

from assistant.snapshot import Snapshot
from assistant.text import clean_for_display


def _line(source: str, pos: int) -> tuple[int, int]:
    start = source.rfind("\n", 0, pos) + 1
    end = source.find("\n", pos)
    return start, len(source) if end < 0 else end


def _doc_text(snap: Snapshot, idx: int) -> tuple[int, int, int, str]:
    row, a, b = (int(v) for v in snap.sent_spans[idx])
    return row, a, b, snap.texts[snap.chunks[row].doc_id]


def is_row(snap: Snapshot, idx: int) -> bool:
    """Sentence ``idx`` lies on a table line (its line holds a tab)."""
    _row, a, _b, source = _doc_text(snap, idx)
    start, end = _line(source, a)
    return "\t" in source[start:end]


def _continues(source: str, a: int) -> bool:
    """The line of position ``a`` carries on the row above: its first cell is empty."""
    start, _end = _line(source, a)
    return "\t" in source[start:a] and not source[start:a].strip()


def first_cell(snap: Snapshot, idx: int) -> str:
    _row, a, _b, source = _doc_text(snap, idx)
    start, end = _line(source, a)
    return source[start:end].split("\t", 1)[0].strip()


def row_span(snap: Snapshot, idx: int) -> list[int]:
    """Sentence ``idx`` and the sentences after it that belong to the same table row.

    Those on the same line, then those on following lines whose first cell is empty; a new row,
    a repeated header, a blank line or a footnote ends it.
    """
    row0, _a, b, source = _doc_text(snap, idx)
    doc = snap.chunks[row0].doc_id
    section = snap.chunks[row0].section
    out, prev_end = [idx], b
    for nxt in range(idx + 1, len(snap.sent_spans)):
        row, a, b2, _ = _doc_text(snap, nxt)
        if snap.chunks[row].doc_id != doc or snap.chunks[row].section != section or a < prev_end:
            break
        gap = source[prev_end:a]
        # a header repeated after a page break, with the row above running on under it
        resumed = _repeated_header(source, a) and _header_then_more(snap, nxt)
        if gap.count("\n") > 1 and not resumed:
            break  # a blank line: the table (or this part of it) has ended
        if "\n" in gap and not _continues(source, a) and not resumed:
            break  # the next row
        out.append(nxt)
        prev_end = b2
    return out


def _repeated_header(source: str, a: int) -> bool:
    """The line at ``a`` is a table header that already appeared above (repeated after a page break)."""
    start, end = _line(source, a)
    line = source[start:end]
    return "\t" in line and start == a and source.find(line) < start


def _header_then_more(snap: Snapshot, idx: int) -> bool:
    """After the repeated header at ``idx`` the row above carries on (a line with an empty first cell)."""
    if idx + 1 >= len(snap.sent_spans):
        return False
    _row, a, _b, source = _doc_text(snap, idx + 1)
    return _continues(source, a)


def _footnote_start(source: str, a: int) -> bool:
    start, _end = _line(source, a)
    return source[start:a].strip() == "*"


def starred_partners(snap: Snapshot, idx: int, reach: int) -> list[int]:
    """What an asterisk ties sentence ``idx`` to, in document order.

    A row whose first cell ends in "*" gets its footnote (the next line after it, within the same
    section and ``reach`` characters, ``ranking.footnote_reach``, that starts with "*"); a footnote
    gets the rows marked "*" above it in its section, as far back.
    """
    row0, a0, _b, source = _doc_text(snap, idx)
    doc, section = snap.chunks[row0].doc_id, snap.chunks[row0].section

    def same_place(k: int) -> bool:
        row = int(snap.sent_spans[k][0])
        return snap.chunks[row].doc_id == doc and snap.chunks[row].section == section

    if _footnote_start(source, a0):
        out = []
        for k in range(idx - 1, -1, -1):
            if not same_place(k):
                break
            _r, a, _b2, _s = _doc_text(snap, k)
            if a0 - a > reach:
                break
            start, _end = _line(source, a)
            if start == a and is_row(snap, k) and first_cell(snap, k).endswith("*"):
                out.append(k)
        return sorted(out)
    if is_row(snap, idx) and first_cell(snap, idx).endswith("*"):
        for k in range(idx + 1, len(snap.sent_spans)):
            if not same_place(k):
                break
            _r, a, _b2, _s = _doc_text(snap, k)
            if a - a0 > reach:
                break
            if _footnote_start(source, a):
                # the footnote speaks of every starred row ("these criteria"), so they come too
                return sorted({*starred_partners(snap, k, reach), k} - {idx})
    return []


def render(source: str, start: int, end: int) -> str:
    """A cited span of table lines as rows: cells joined by " | ", run-on lines kept with their row.

    A header row repeated after a page break (a tab line that already appeared earlier in
    ``source``, the whole document) is left out: it is layout, not a row.
    """
    rows: list[list[str]] = []
    after: list[str] = []  # lines under the rows that are not rows (the footnote)
    text, offset = source[start:end], start
    for line in text.split("\n"):
        if not line.strip():
            continue
        if "\t" in line and line.strip() and 0 <= source.find(line) < offset:
            continue
        if "\t" not in line and rows:
            star = "* " if line.lstrip().startswith("*") else ""
            after.append(star + clean_for_display(line))
            continue
        cells = [clean_for_display(c) for c in line.split("\t")]
        if "\t" in line and not cells[0] and rows:  # the row above runs on into this line
            more = " ".join(c for c in cells[1:] if c)
            rows[-1][-1] = f"{rows[-1][-1]} {more}".strip() if rows[-1] else more
            continue
        if cells[0] and line.split("\t", 1)[0].rstrip().endswith("*") and not cells[0].endswith("*"):
            cells[0] += "*"  # the star that ties the row to its footnote is kept
        rows.append([c for c in cells if c])
    body = " | ".join(rows[0]) if len(rows) == 1 else "\n".join("- " + " | ".join(r) for r in rows)
    return "\n".join([body, *after]) if after else body
