"""HTML of the library: the table of documents and the reader that shows one, highlighted.

The reader (:func:`document_html`) shows a whole document as published, escaped, with paragraph
anchors, page breaks and one highlighted span; the jump-to lists (:func:`outline_choices`,
:func:`page_choices`) are built from the index's outline of the same document. Used by the
Documents tab and by the viewer under the chat and the directory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ui import richtext
from ui.labels import short_title
from ui.render_common import display_date, esc, md_ranges

# --------------------------------------------------------------------------- documents table


def documents_table_html(docs: Sequence[Mapping[str, Any]]) -> str:
    """The library: title (a button that opens the document below), kind, date, publisher, licence."""
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Title", "Kind", "Date", "Publisher", "Licence"))
    rows = "".join(
        "<tr>"
        '<th scope="row" class="doc-title"><button type="button" class="doc-open" '
        f'data-doc="{esc(d.get("doc_id"))}" '
        f'title="Read this document below">{esc(d.get("title"))}</button></th><td>{esc(d.get("kind"))}</td>'
        f"<td>{esc(d.get('display_date') or display_date(d.get('date')))}</td>"
        f'<td>{esc(d.get("publisher"))}</td><td class="licence">{esc(d.get("licence"))}</td>'
        "</tr>"
        for d in docs
    )
    return (
        '<p class="docs-intro">Documents the assistant answers from. Select a title to read it below.</p>'
        '<div class="table-wrap docs-wrap" tabindex="0" role="region" aria-label="Documents">'
        '<table class="docs-table"><caption class="sr-only">Documents the assistant answers from'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


# --------------------------------------------------------------------------- document viewer


def _outline_label(item: Mapping[str, Any], text: str | None = None) -> str:
    """A reader's name for a place: section, paragraph and page; else the passage's first words."""
    bits = []
    if item.get("section"):
        bits.append(" ".join(richtext.strip_markdown(str(item["section"])).split()))
    if item.get("paragraph"):
        bits.append(f"para {item['paragraph']}")
    if item.get("page") is not None:
        bits.append(f"p. {item['page']}")
    if bits:
        return ", ".join(bits)
    if text is not None:
        words = richtext.strip_markdown(text[int(item["start"]) : int(item["end"])]).split()
        if words:
            return " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    return "Passage"


def outline_choices(outline: Sequence[Mapping[str, Any]], text: str | None = None) -> list[tuple[str, str]]:
    """(label, "start-end") pairs for the jump-to dropdown: one entry per heading, in document order.

    A heading split into several passages gives one entry spanning them all, so the list
    reads like a table of contents (the same heading is never listed twice).
    """
    groups: list[list[Any]] = []  # [label, start, end]
    index: dict[str, list[Any]] = {}
    for item in sorted(outline, key=lambda i: (int(i["start"]), int(i["end"]))):
        label = _outline_label(item, text)
        lo, hi = int(item["start"]), int(item["end"])
        if label in index:
            g = index[label]
            g[1], g[2] = min(g[1], lo), max(g[2], hi)
            continue
        g = [label, lo, hi]
        index[label] = g
        groups.append(g)
    return [(label, f"{lo}-{hi}") for label, lo, hi in groups]


def page_choices(outline: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(label, "start-end") per PDF page, spanning the chunks on that page; empty for text files."""
    pages: dict[int, tuple[int, int]] = {}
    for item in outline:
        page = item.get("page")
        if page is None:
            continue
        lo, hi = pages.get(int(page), (int(item["start"]), int(item["end"])))
        pages[int(page)] = (min(lo, int(item["start"])), max(hi, int(item["end"])))
    return [(f"Page {p}", f"{lo}-{hi}") for p, (lo, hi) in sorted(pages.items())]


def document_html(
    doc: Mapping[str, Any],
    text: str,
    outline: Sequence[Mapping[str, Any]] = (),
    *,
    highlight: tuple[int, int] | None = None,
    kind: str = "quote",
    back: str = "",
    back_to: str = "",
) -> str:
    """A whole document, escaped, with paragraph anchors, page breaks and one highlighted span.

    The text keeps its own line layout (``white-space: pre-wrap``): headings and
    numbered paragraphs are shown as they were published, which is what a
    reader checking guidance wording needs; Markdown syntax is styled, never shown raw
    (:mod:`ui.richtext`). The highlight is a ``<mark>`` (split if it crosses an anchor)
    that the viewer scrolls into view. ``back``: the label of a button that returns to
    what opened the passage (``back_to``: a CSS selector to fall back on).
    """
    title = doc.get("title") or doc.get("doc_id") or "Document"
    meta = " · ".join(
        esc(v)
        for v in (
            doc.get("display_date") or display_date(doc.get("date")),
            doc.get("kind"),
            doc.get("publisher"),
        )
        if v
    )
    n = len(text)
    hl = None
    if highlight is not None:
        a, b = max(0, min(highlight[0], n)), max(0, min(highlight[1], n))
        hl = (a, b) if b > a else None

    anchors: dict[int, list[str]] = {}
    last_page = None
    for i, item in enumerate(sorted(outline, key=lambda it: int(it["start"]))):
        pos = max(0, min(int(item["start"]), n))
        tags = anchors.setdefault(pos, [])
        page = item.get("page")
        if page is not None and page != last_page:
            tags.append(
                f'<span class="page-break" id="page-{esc(page)}" role="separator">Page {esc(page)}</span>'
            )
            last_page = page
        tags.append(f'<span class="anchor" id="chunk-{i}" data-start="{pos}"></span>')
    marks = [(hl[0], hl[1], f'<mark class="hl {esc(kind)}">')] if hl else []
    body = richtext.render(text, marks=marks, inserts=anchors, ranges=md_ranges(text))
    if marks:  # the first piece of the highlight is the one outside checks and the viewer look for
        body = body.replace(marks[0][2], marks[0][2][:-1] + ' id="viewer-hl">', 1)
    licence = doc.get("licence")
    back_btn = (
        f'<button type="button" class="back" data-fallback="{esc(back_to)}">← {esc(back)}</button>'
        if back
        else ""
    )
    return (
        f'<article class="doc-view" aria-label="{esc(title)}">'
        f'<header class="doc-head">{back_btn}<h2>{esc(title)}</h2>'
        + (f'<p class="doc-meta">{meta}</p>' if meta else "")
        + (f'<p class="doc-licence">{esc(licence)}</p>' if licence else "")
        + '</header><div class="doc-body" tabindex="0" role="region" '
        f'aria-label="Text of {esc(short_title(title))}">'
        f"{body}</div></article>"
    )


def viewer_placeholder_html(
    message: str = "Open a source to read the passage in its document, highlighted.",
) -> str:
    """The viewer before anything is opened."""
    return f'<section class="viewer-empty"><p class="muted">{esc(message)}</p></section>'
