"""Short names for documents and citations: what a source card, a ``[n]`` chip and its preview say.

The API gives each citation its document's long title ("Children's Social Care Innovation
Programme: How to get involved") and the document list gives its kind and date. A card that
repeats the long title pushes the quote (what the reader came for) down, so cards lead with a
short label built from those fields: "Guidance, Apr 2016 · ¶65". When two documents would get
the same label, the short title is used instead. Derived here in the UI from fields the API
already returns; nothing new is asked of the assistant.
"""

from __future__ import annotations

from calendar import month_abbr
from collections.abc import Mapping, Sequence
from typing import Any

from ui.richtext import strip_markdown

MAX_TITLE = 60


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def short_date(iso: str | None) -> str:
    """ "2016-04" -> "Apr 2016"; a bare year stays a year; anything else as it came."""
    parts = str(iso or "").split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{month_abbr[int(parts[1])]} {parts[0]}"
    return str(iso or "")


def short_title(title: str | None, limit: int = MAX_TITLE) -> str:
    """The part of a title that tells documents apart: the words after the programme's name.

    "Children's Social Care Innovation Programme: How to get involved" -> "How to get involved".
    Cut at a word boundary past ``limit`` characters, with an ellipsis.
    """
    text = " ".join(strip_markdown(str(title or "")).split())
    if ": " in text:
        tail = text.rsplit(": ", 1)[1]
        if len(tail.split()) >= 2:
            text = tail[:1].upper() + tail[1:]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
    return text


def kind_label(doc: Mapping[str, Any]) -> str:
    """ "learning report, 2016-01" -> "Learning report, Jan 2016" (kind omitted when unknown)."""
    kind = str(doc.get("kind") or "").strip()
    date = short_date(doc.get("date"))
    if kind in ("", "other"):
        return ", ".join(b for b in (short_title(doc.get("title"), 32), date) if b)
    return ", ".join(b for b in (kind[:1].upper() + kind[1:], date) if b)


def doc_labels(docs: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """doc_id -> short label; a label two documents would share becomes "short title, date"."""
    first = {str(d["doc_id"]): kind_label(d) for d in docs}
    counts: dict[str, int] = {}
    for label in first.values():
        counts[label] = counts.get(label, 0) + 1
    out: dict[str, str] = {}
    for d in docs:
        doc_id = str(d["doc_id"])
        label = first[doc_id]
        if counts[label] > 1:
            label = ", ".join(b for b in (short_title(d.get("title"), 40), short_date(d.get("date"))) if b)
        out[doc_id] = label
    return out


def where_short(cit: Any) -> str:
    """Paragraph (¶65), else page (p. 3), else the section heading, for a card's lead line."""
    para = _get(cit, "paragraph")
    if para:
        return f"¶{para}"
    page = _get(cit, "page")
    if page is not None:
        return f"p. {page}"
    section = " ".join(strip_markdown(str(_get(cit, "section") or "")).split())
    section = section.rsplit(" > ", 1)[-1]  # the nearest heading tells the place; the trail is in the card
    return section if len(section) <= 48 else section[:48].rsplit(" ", 1)[0] + "…"


def where_words(cit: Any) -> str:
    """The same place in words, for screen readers: "paragraph 65", "page 3" or the section."""
    para = _get(cit, "paragraph")
    if para:
        return f"paragraph {para}"
    page = _get(cit, "page")
    if page is not None:
        return f"page {page}"
    section = " ".join(strip_markdown(str(_get(cit, "section") or "")).split())
    return section.rsplit(" > ", 1)[-1]


def card_label(cit: Any, labels: Mapping[str, str]) -> str:
    """ "Guidance, Apr 2016 · ¶65": the lead line of a source card and of a chip's preview."""
    doc = labels.get(str(_get(cit, "doc_id"))) or ", ".join(
        b for b in (short_title(_get(cit, "title"), 40), short_date(_get(cit, "date"))) if b
    )
    where = where_short(cit)
    return f"{doc} · {where}" if where else doc


def chip_name(cit: Any) -> str:
    """The accessible name of a ``[n]`` chip: "Source 1: How to get involved, paragraph 65"."""
    n = _get(cit, "n")
    where = where_words(cit)
    title = short_title(_get(cit, "title") or _get(cit, "doc_id") or "a document")
    return f"Source {n}: {title}" + (f", {where}" if where else "")
