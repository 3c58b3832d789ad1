"""Pure HTML rendering for the web UI: answers, source cards, the document viewer, tables.

Everything here is a plain function from data to an HTML string so it can be
unit-tested without a browser. The rule that keeps the app safe is simple:
every piece of document text and user text passes through :func:`esc`
(``html.escape``) before it is put into markup, so a ``<script>`` in a question
or a corpus file is displayed as text, never run. The only markup produced is
the markup written in this module.

Answers are shown inside Gradio's Chatbot, which renders Markdown. A block
that starts with an HTML tag and contains no blank line is passed through by
the Markdown renderer untouched, so the chat HTML here is emitted on a single
line: the escaping decided here is the escaping the user sees.
"""

from __future__ import annotations

import html
import re
from calendar import month_name
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from ui import richtext
from ui.labels import card_label, chip_name, short_title

ASSISTANT_SCOPE = (
    "Answers questions about the Department for Education's Children's Social Care Innovation "
    "Programme from the programme's own published documents, which date from 2016 to 2020 "
    "(so deadlines and contacts in them may have passed) — every answer cites its sources."
)

# Three kinds of user, each with questions the corpus can answer; one click asks them.
EXAMPLE_GROUPS: dict[str, list[str]] = {
    "Applying for funding": [
        "Who can apply for funding?",
        "How do I submit an expression of interest?",
        "What support is available to develop an idea?",
    ],
    "What has worked": [
        "What has the Innovation Programme achieved so far?",
        "What did the interim learning report find?",
        "Which projects worked on adolescents and transitions to adulthood?",
    ],
    "Checking guidance wording": [
        "What are the objectives of the Innovation Programme 2016-2020?",
        "How does the guidance describe rethinking children's social care?",
        "When was the deadline for targeted funding expressions of interest?",
    ],
}

_MARKER = re.compile(r"\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\s*\[\d{1,3}\])*(?=\s)|\n+")
_BULLET = re.compile(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+")
_CONTEXT_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*\n")


def esc(text: object) -> str:
    """HTML-escape anything that came from a user or a document (quotes too, for attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def display_date(iso: str | None) -> str:
    """ "2016-04" -> "April 2016"; anything unparseable is returned as it came."""
    if not iso:
        return ""
    parts = str(iso).split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        day = f"{int(parts[2])} " if len(parts) >= 3 and parts[2].isdigit() else ""
        return f"{day}{month_name[int(parts[1])]} {parts[0]}"
    return str(iso)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """Read a field from a dataclass or a dict: the UI keeps answers as dicts in session state."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def locator(cit: Any) -> str:
    """Section, paragraph and page of a citation (dict or Citation), in reading order."""
    if not isinstance(cit, Mapping) and hasattr(cit, "locator"):
        return str(cit.locator())
    bits = []
    if _get(cit, "section"):
        bits.append(str(_get(cit, "section")))
    if _get(cit, "paragraph"):
        bits.append(f"para {_get(cit, 'paragraph')}")
    if _get(cit, "page") is not None:
        bits.append(f"p. {_get(cit, 'page')}")
    return ", ".join(bits)


# --------------------------------------------------------------------------- streaming


def sentence_prefixes(text: str) -> list[str]:
    """Growing prefixes of ``text`` ending at sentence boundaries, for progressive display.

    The answer is computed in one go; showing it sentence by sentence keeps the
    reader reading while the rest arrives, and cutting after a sentence's
    trailing ``[n]`` markers means a citation never appears split in two.
    The last prefix is always the whole text, so nothing is lost.
    """
    prefixes: list[str] = []
    for m in _SENTENCE_END.finditer(text):
        cut = text[: m.end()].rstrip()
        if cut and (not prefixes or cut != prefixes[-1]):
            prefixes.append(cut)
    if not prefixes or prefixes[-1] != text.rstrip():
        prefixes.append(text.rstrip())
    return [p for p in prefixes if p] or [text]


# --------------------------------------------------------------------------- chat messages


def marker_link(turn: int, n: int, cit: Any = None) -> str:
    """A clickable ``[n]``; the href carries the turn so an old answer's marker opens its own source.

    Its name ("Source 1: How to get involved, paragraph 65") is put in ``title``, the one
    attribute the chat's sanitiser keeps; the page script (``static/app.js``) turns it into
    the ``aria-label`` and a hover/focus preview.
    """
    name = chip_name(cit) if cit is not None else f"Source {n}"
    return f'<a class="cite-ref" href="#cite-{turn}-{n}" title="{esc(name)}">[{n}]</a>'


def link_markers(escaped: str, turn: int, valid: Iterable[int] | Mapping[int, Any]) -> str:
    """Turn ``[n]`` in already-escaped text into links, leaving numbers with no citation as text.

    ``valid``: the citation numbers, or a mapping number -> citation (which names the chip).
    """
    cits: Mapping[int, Any] = valid if isinstance(valid, Mapping) else dict.fromkeys(valid)
    return _MARKER.sub(
        lambda m: (
            marker_link(turn, int(m.group(1)), cits[int(m.group(1))])
            if int(m.group(1)) in cits
            else m.group(0)
        ),
        escaped,
    )


def _paragraphs(text: str, turn: int, valid: set[int] | Mapping[int, Any]) -> str:
    """Blank lines -> paragraphs, runs of "- " lines -> lists, other newlines -> <br>; all text escaped.

    Markdown syntax quoted from a Markdown source ("**Tri-Borough**") is dropped, never shown raw.
    """
    text = richtext.strip_markdown(text)
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        # group consecutive lines into ("p", lines) and ("ul", items) runs
        runs: list[tuple[str, list[str]]] = []
        for ln in (ln for ln in block.split("\n") if ln.strip()):
            kind, body = ("ul", _BULLET.sub("", ln)) if _BULLET.match(ln) else ("p", ln)
            if runs and runs[-1][0] == kind:
                runs[-1][1].append(body)
            else:
                runs.append((kind, [body]))
        for kind, lines in runs:
            cells = [link_markers(esc(ln), turn, valid) for ln in lines]
            if kind == "ul":
                out.append("<ul>" + "".join(f"<li>{c}</li>" for c in cells) + "</ul>")
            else:
                out.append("<p>" + "<br>".join(cells) + "</p>")
    return "".join(out)


def user_message_html(question: str, max_chars: int = 600) -> str:
    """The user's question as text (escaped, shortened if huge so the chat stays readable)."""
    shown = question if len(question) <= max_chars else question[:max_chars] + " …"
    body = "<br>".join(esc(line) for line in shown.strip().split("\n")) or "&nbsp;"
    return f'<div class="user-q">{body}</div>'


def thinking_html() -> str:
    """Placeholder while retrieval runs; announced politely to screen readers."""
    return '<div class="answer pending" role="status">Searching the documents…</div>'


def error_html(message: str) -> str:
    """A question the assistant refused (empty, too long): the message names the field to fix."""
    return (
        '<div class="answer error" role="alert">'
        f"<p><strong>Can't ask that:</strong> {esc(message)}</p></div>"
    )


def answer_html(
    text: str,
    *,
    turn: int,
    citations: Sequence[Any] = (),
    query: str = "",
    question: str = "",
    notes: Sequence[str] = (),
    table: Sequence[Mapping[str, Any]] | None = None,
    abstained: bool = False,
    partial: bool = False,
    more: str = "",
) -> str:
    """One assistant message: answer with linked markers, then table, notes and the searched-for line.

    ``more`` (what the documents add beyond the short answer) sits folded under "More from the
    documents", so the answer stays short and the rest is one click away.

    ``partial`` is used while streaming: only the text so far, with a cursor.
    The "Searched for" line appears when ``query`` differs from ``question``,
    i.e. when a follow-up was rewritten into a stand-alone query.
    Returned on a single line so the chat's Markdown renderer leaves it alone.
    """
    valid = {int(_get(c, "n")): c for c in citations}
    cls = "answer abstained" if abstained else "answer"
    parts = [f'<div class="{cls}" data-turn="{turn}">', _paragraphs(text, turn, valid)]
    if partial:
        parts.append('<span class="cursor" aria-hidden="true">▍</span>')
    else:
        if table:
            parts.append(table_html(table, turn=turn, valid=valid))
        if more:
            parts.append(
                '<details class="more"><summary>More from the documents</summary>'
                f"{_paragraphs(more, turn, valid)}</details>"
            )
        if notes:
            items = "".join(f"<li>{esc(n)}</li>" for n in notes)
            parts.append(f'<ul class="notes" aria-label="Notes">{items}</ul>')
        if query and " ".join(query.split()).casefold() != " ".join(question.split()).casefold():
            parts.append(f'<p class="searched">Searched for: <q>{esc(query)}</q></p>')
    parts.append("</div>")
    return "".join(parts).replace("\n", " ")


# Columns that only restate another one for machines (amount_total repeats "awards").
_HIDDEN_TABLE_KEYS = {"amount_total"}
_CITE_KEYS = {"n", "cite", "citation", "citations", "source", "sources", "ref", "refs"}


def _cell(key: str, value: Any, turn: int, valid: Mapping[int, Any]) -> str:
    if value is None:
        return ""
    if key.lower() in _CITE_KEYS:
        nums = value if isinstance(value, list | tuple) else [value]
        links = []
        for v in nums:
            m = re.fullmatch(r"\[?(\d{1,3})\]?", str(v).strip())
            num = int(m.group(1)) if m else -1
            links.append(marker_link(turn, num, valid[num]) if num in valid else esc(v))
        return " ".join(links)
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, float) and value.is_integer():
        value = f"{int(value):,}"
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10000:
        value = f"{value:,}"
    return link_markers(esc(richtext.strip_markdown(str(value))), turn, valid)


def _header(key: str) -> str:
    if key.lower() in _CITE_KEYS:
        return "Source"
    return key.replace("_", " ").strip().capitalize()


def table_html(
    rows: Sequence[Mapping[str, Any]], *, turn: int = 0, valid: Iterable[int] | Mapping[int, Any] = ()
) -> str:
    """A compact table for list answers; cells escaped, citation columns become ``[n]`` links."""
    ok: Mapping[int, Any] = valid if isinstance(valid, Mapping) else dict.fromkeys(valid)
    keys: list[str] = []
    for row in rows:
        for k in row:
            if k not in keys and not str(k).startswith("_") and k not in _HIDDEN_TABLE_KEYS:
                keys.append(k)
    if not keys:
        return ""
    head = "".join(f'<th scope="col">{esc(_header(k))}</th>' for k in keys)

    def td(k: str, row: Mapping[str, Any]) -> str:
        cls = ' class="cite-cell"' if k.lower() in _CITE_KEYS else ""
        return f"<td{cls}>{_cell(k, row.get(k), turn, ok)}</td>"

    body = "".join("<tr>" + "".join(td(k, row) for k in keys) + "</tr>" for row in rows)
    return (
        '<div class="table-wrap"><table class="answer-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


# --------------------------------------------------------------------------- sources panel


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


@lru_cache(maxsize=16)
def _md_ranges(text: str) -> tuple[tuple[int, int, str], ...]:
    """Markdown ranges of a whole document, computed once per text (cards and viewer share it)."""
    return tuple(richtext.markdown_ranges(text))


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
    n = int(_get(cit, "n"))
    title = _get(cit, "title") or _get(cit, "doc_id") or "Untitled document"
    quote = _get(cit, "text") or ""
    start, end = _get(cit, "start"), _get(cit, "end")
    if (
        doc_text is not None
        and isinstance(start, int)
        and isinstance(end, int)
        and doc_text[start:end] == quote
    ):
        before, _q, after = context_window(doc_text, start, end)
        lo, hi = start - len(before), end + len(after)
        body = richtext.render(
            doc_text, lo=lo, hi=hi, marks=[(start, end, '<mark class="quote">')], ranges=_md_ranges(doc_text)
        )
    else:
        before, after = "", ""
        body = f'<mark class="quote">{richtext.render(quote)}</mark>'
    lead = card_label(cit, labels or {})
    section = " ".join(richtext.strip_markdown(str(_get(cit, "section") or "")).split())
    # the heading trail above the place the lead line names (that place is not said twice)
    trail = (
        section.rsplit(" > ", 1)[0] if " > " in section and section.rsplit(" > ", 1)[1] in lead else section
    )
    if trail and trail in lead:
        trail = ""
    label = f"{short_title(title)} ({display_date(_get(cit, 'date'))}). Open the passage in its document."
    return (
        f'<div class="src-card{" active" if active else ""}" data-turn="{turn}" data-n="{n}" '
        f'data-doc="{esc(_get(cit, "doc_id"))}" data-label="{esc(lead)}" id="src-{turn}-{n}">'
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
            doc_texts.get(str(_get(c, "doc_id"))),
            turn=turn,
            active=int(_get(c, "n")) == active,
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
    body = richtext.render(text, marks=marks, inserts=anchors, ranges=_md_ranges(text))
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


def ask_hint_html(message: str) -> str:
    """The line under the question box (a live region: "Type a question first" is announced)."""
    return f'<p id="ask-hint" class="ask-hint" role="status" aria-live="polite">{esc(message)}</p>'


# --------------------------------------------------------------------------- start screen and corpus


def intro_html() -> str:
    """The one-line statement of scope shown above the examples."""
    return f'<p class="intro">{esc(ASSISTANT_SCOPE)}</p>'


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


# --------------------------------------------------------------------------- project directory tab

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

    dates = [(int(a.year), month_number(a.month or "") or 0) for a in _get(rec, "awards") or () if a.year]
    return min(dates) if dates else None


def _region_sort(rec: Any) -> tuple[int, str]:
    return (0 if _get(rec, "region_known") else 1, str(_get(rec, "region")).casefold())


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
    heading = _get(rec, "heading_region")
    return bool(_get(rec, "region_known") and heading and heading != _get(rec, "region"))


def region_cell_html(rec: Any) -> str:
    """The region, with a visible marker when it is unknown or was inferred from the numbering."""
    note = esc(_get(rec, "region_note") or "")
    if not _get(rec, "region_known"):
        cands = ", ".join(_get(rec, "region_candidates") or ())
        could = f'<span class="region-note">could be {esc(cands)}</span>' if cands else ""
        return f'<span class="badge warn" title="{note}">Region unknown</span>{could}'
    if region_inferred(rec):
        return (
            f"{esc(_get(rec, 'region'))} "
            f'<span class="badge info" title="{note}">inferred from numbering</span>'
            f'<span class="region-note">printed under {esc(_get(rec, "heading_region"))}</span>'
        )
    return esc(_get(rec, "region"))


def _themes_html(codes: Iterable[str]) -> str:
    labels = _theme_labels()
    return " ".join(
        f'<code class="theme" title="{esc(labels.get(c, "no label"))}">{esc(c)}</code>' for c in codes
    )


def award_items(rec: Any) -> list[str]:
    """Each award as written ("Feb 2015, £1,06m (= £1.06m)"; shared awards say so)."""
    shown = rec.awards_display() if hasattr(rec, "awards_display") else ""
    return [part for part in shown.split("; ") if part] if _get(rec, "awards") else []


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
    total = _get(rec, "amount_total")
    shared = bool(_get(rec, "has_shared_award"))
    if total is None:
        why = "shared award only" if shared else "none printed"
        return f'<span class="muted-inline">— ({why})</span>'
    extra = ' <span class="muted-inline">+ a shared award</span>' if shared else ""
    return f'<span title="£{total:,.0f}">{esc(gbp(total))}</span>{extra}'


def project_row_html(rec: Any, *, selected: bool = False) -> str:
    """One clickable table row; the number links it to its cited entry in the directory."""
    n = int(rec.number)
    cut = '<span class="badge warn">cut off in the extract</span>' if not _get(rec, "complete", True) else ""
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
    note = _get(rec, "region_note") or ""
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
        if _get(r, "region_known"):
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
    years = sorted({int(a.year) for r in records for a in (_get(r, "awards") or ()) if a.year})
    return [("Any year", ANY)] + [(str(y), str(y)) for y in years]
