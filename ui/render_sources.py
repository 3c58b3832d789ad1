"""HTML of the sources panel: one card per citation, its quote highlighted inside its passage.

A card leads with a short label ("Guidance, Apr 2016 · ¶65", from :mod:`ui.labels`) and shows the
verbatim quote with a sentence or two of context either side (:func:`context_window`), so a reader
can judge the quote without opening the document. Document text is escaped and its Markdown styled
(:mod:`ui.richtext`), never shown raw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ui import richtext
from ui.labels import card_label, short_title
from ui.render_common import display_date, esc, md_ranges, pick

_CONTEXT_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*\n")


def context_window(
    text: str, start: int, end: int, sentences: int = 2, max_chars: int = 420
) -> tuple[str, str, str]:
    """(before, quote, after): the quoted span with up to ``sentences`` sentences either side.

    Stops at a blank line (another paragraph) and at ``max_chars`` so a card
    stays a card; the quote itself is exactly ``text[start:end]``.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    lo = max(0, start - max_chars)
    before_region = text[lo:start]
    para = before_region.rfind("\n\n")
    if para != -1:
        before_region = before_region[para + 2 :]
    cuts = [m.end() for m in _CONTEXT_BREAK.finditer(before_region) if m.end() < len(before_region)]
    if len(cuts) >= sentences:
        before_region = before_region[cuts[-sentences] :]
    elif lo > 0 and para == -1 and cuts:
        before_region = before_region[cuts[0] :]

    after_region = text[end : end + max_chars]
    para = after_region.find("\n\n")
    if para != -1:
        after_region = after_region[:para]
    ends = [m.end() for m in _CONTEXT_BREAK.finditer(after_region) if m.start() > 2]
    if len(ends) >= sentences:
        after_region = after_region[: ends[sentences - 1]]
    elif end + max_chars < len(text) and para == -1 and ends:
        after_region = after_region[: ends[-1]]
    return before_region.lstrip(), text[start:end], after_region.rstrip()


def source_card_html(
    cit: Any,
    doc_text: str | None,
    *,
    turn: int,
    active: bool = False,
    labels: Mapping[str, str] | None = None,
) -> str:
    """One source: a short label ("Guidance, Apr 2016 · ¶65"), and the quote highlighted in its passage.

    The long title is in the card's accessible name and the viewer; the card leads with what
    tells sources apart. Markdown in the document is styled, never shown raw.
    """
    n = int(pick(cit, "n"))
    title = pick(cit, "title") or pick(cit, "doc_id") or "Untitled document"
    quote = pick(cit, "text") or ""
    start, end = pick(cit, "start"), pick(cit, "end")
    if (
        doc_text is not None
        and isinstance(start, int)
        and isinstance(end, int)
        and doc_text[start:end] == quote
    ):
        before, _q, after = context_window(doc_text, start, end)
        lo, hi = start - len(before), end + len(after)
        body = richtext.render(
            doc_text, lo=lo, hi=hi, marks=[(start, end, '<mark class="quote">')], ranges=md_ranges(doc_text)
        )
    else:
        before, after = "", ""
        body = f'<mark class="quote">{richtext.render(quote)}</mark>'
    lead = card_label(cit, labels or {})
    section = " ".join(richtext.strip_markdown(str(pick(cit, "section") or "")).split())
    # the heading trail above the place the lead line names (that place is not said twice)
    trail = (
        section.rsplit(" > ", 1)[0] if " > " in section and section.rsplit(" > ", 1)[1] in lead else section
    )
    if trail and trail in lead:
        trail = ""
    label = f"{short_title(title)} ({display_date(pick(cit, 'date'))}). Open the passage in its document."
    return (
        f'<div class="src-card{" active" if active else ""}" data-turn="{turn}" data-n="{n}" '
        f'data-doc="{esc(pick(cit, "doc_id"))}" data-label="{esc(lead)}" id="src-{turn}-{n}">'
        '<div class="src-head"><button type="button" class="src-open" '
        f'aria-pressed="{"true" if active else "false"}" '
        f'title="{esc(title)}"><span class="src-n">[{n}]</span> '
        f'<span class="src-label">{esc(lead)}</span><span class="sr-only">: {esc(label)}</span>'
        "</button></div>"
        + (f'<div class="src-meta">{esc(trail)}</div>' if trail else "")
        + f'<blockquote class="src-quote">{"… " if before else ""}{body}{" …" if after else ""}</blockquote>'
        "</div>"
    )


def sources_panel_html(
    citations: Sequence[Any],
    doc_texts: Mapping[str, str],
    *,
    turn: int,
    abstained: bool = False,
    active: int | None = None,
    labels: Mapping[str, str] | None = None,
    copy_text: str = "",
) -> str:
    """The panel beside the chat for one answer; empty (with a reason) when the assistant abstained.

    ``copy_text``: the answer with its numbered references, for "Copy answer with sources".
    """
    if abstained:
        return (
            '<section class="sources" aria-label="Sources"><h2>Sources</h2>'
            '<p class="muted">No sources: the documents do not answer this question.</p></section>'
        )
    if not citations:
        return sources_placeholder_html()
    cards = "".join(
        source_card_html(
            c,
            doc_texts.get(str(pick(c, "doc_id"))),
            turn=turn,
            active=int(pick(c, "n")) == active,
            labels=labels,
        )
        for c in citations
    )
    copy = (
        '<div class="copy-row"><button type="button" class="copy-answer">Copy answer with sources</button>'
        '<span class="copy-status" role="status"></span></div>'
        f'<pre class="copy-text" hidden>{esc(copy_text)}</pre>'
        if copy_text
        else ""
    )
    return (
        f'<section class="sources" aria-label="Sources of answer {turn + 1}"><h2>Sources</h2>'
        '<p class="muted">Select a source or a [n] marker to read it in its document.</p>'
        f"{copy}{cards}</section>"
    )


def sources_placeholder_html() -> str:
    """Before the first answer."""
    return (
        '<section class="sources" aria-label="Sources"><h2>Sources</h2>'
        '<p class="muted">The passages behind each answer appear here.</p></section>'
    )
