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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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
        "What does the guidance say about rethinking children's social care?",
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


def marker_link(turn: int, n: int) -> str:
    """A clickable ``[n]``; the href carries the turn so an old answer's marker opens its own source."""
    return (
        f'<a class="cite-ref" href="#cite-{turn}-{n}" title="Open source {n} in context" '
        f'aria-label="Source {n}">[{n}]</a>'
    )


def link_markers(escaped: str, turn: int, valid: Iterable[int]) -> str:
    """Turn ``[n]`` in already-escaped text into links, leaving numbers with no citation as text."""
    ok = set(valid)
    return _MARKER.sub(
        lambda m: marker_link(turn, int(m.group(1))) if int(m.group(1)) in ok else m.group(0), escaped
    )


def _paragraphs(text: str, turn: int, valid: set[int]) -> str:
    """Blank lines -> paragraphs, runs of "- " lines -> lists, other newlines -> <br>; all text escaped."""
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
) -> str:
    """One assistant message: answer with linked markers, then table, notes and the searched-for line.

    ``partial`` is used while streaming: only the text so far, with a cursor.
    The "Searched for" line appears when ``query`` differs from ``question``,
    i.e. when a follow-up was rewritten into a stand-alone query.
    Returned on a single line so the chat's Markdown renderer leaves it alone.
    """
    valid = {int(_get(c, "n")) for c in citations}
    cls = "answer abstained" if abstained else "answer"
    parts = [f'<div class="{cls}" data-turn="{turn}">', _paragraphs(text, turn, valid)]
    if partial:
        parts.append('<span class="cursor" aria-hidden="true">▍</span>')
    else:
        if table:
            parts.append(table_html(table, turn=turn, valid=valid))
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


def _cell(key: str, value: Any, turn: int, valid: set[int]) -> str:
    if value is None:
        return ""
    if key.lower() in _CITE_KEYS:
        nums = value if isinstance(value, list | tuple) else [value]
        links = []
        for v in nums:
            m = re.fullmatch(r"\[?(\d{1,3})\]?", str(v).strip())
            links.append(marker_link(turn, int(m.group(1))) if m and int(m.group(1)) in valid else esc(v))
        return " ".join(links)
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, float) and value.is_integer():
        value = f"{int(value):,}"
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10000:
        value = f"{value:,}"
    return link_markers(esc(value), turn, valid)


def _header(key: str) -> str:
    if key.lower() in _CITE_KEYS:
        return "Source"
    return key.replace("_", " ").strip().capitalize()


def table_html(rows: Sequence[Mapping[str, Any]], *, turn: int = 0, valid: Iterable[int] = ()) -> str:
    """A compact table for list answers; cells escaped, citation columns become ``[n]`` links."""
    ok = set(valid)
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


def source_card_html(cit: Any, doc_text: str | None, *, turn: int, active: bool = False) -> str:
    """One source: number, title, date, locator, and the quote highlighted in its surrounding passage."""
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
        before, quote, after = context_window(doc_text, start, end)
    else:
        before, after = "", ""
    where = locator(cit)
    label = f"Source {n}: {title}, {display_date(_get(cit, 'date'))}. Open the passage in context."
    return (
        f'<div class="src-card{" active" if active else ""}" role="button" tabindex="0" '
        f'data-turn="{turn}" data-n="{n}" id="src-{turn}-{n}" aria-label="{esc(label)}">'
        f'<div class="src-head"><span class="src-n">[{n}]</span> '
        f'<span class="src-title">{esc(title)}</span></div>'
        f'<div class="src-meta"><span class="src-date">{esc(display_date(_get(cit, "date")))}</span>'
        + (f' · <span class="src-loc">{esc(where)}</span>' if where else "")
        + "</div>"
        f'<blockquote class="src-quote">{"… " if before else ""}{esc(before)}'
        f'<mark class="quote">{esc(quote)}</mark>{esc(after)}{" …" if after else ""}</blockquote>'
        "</div>"
    )


def sources_panel_html(
    citations: Sequence[Any],
    doc_texts: Mapping[str, str],
    *,
    turn: int,
    abstained: bool = False,
    active: int | None = None,
) -> str:
    """The panel beside the chat for one answer; empty (with a reason) when the assistant abstained."""
    if abstained:
        return (
            '<section class="sources" aria-label="Sources"><h2>Sources</h2>'
            '<p class="muted">No sources: the documents do not answer this question.</p></section>'
        )
    if not citations:
        return sources_placeholder_html()
    cards = "".join(
        source_card_html(
            c, doc_texts.get(str(_get(c, "doc_id"))), turn=turn, active=int(_get(c, "n")) == active
        )
        for c in citations
    )
    return (
        '<section class="sources" aria-label="Sources"><h2>Sources</h2>'
        '<p class="muted">Select a source or a [n] marker to read it in its document.</p>'
        f"{cards}</section>"
    )


def sources_placeholder_html() -> str:
    """Before the first answer."""
    return (
        '<section class="sources" aria-label="Sources"><h2>Sources</h2>'
        '<p class="muted">The passages behind each answer appear here.</p></section>'
    )


# --------------------------------------------------------------------------- document viewer


def _outline_label(item: Mapping[str, Any]) -> str:
    bits = []
    if item.get("section"):
        bits.append(str(item["section"]))
    if item.get("paragraph"):
        bits.append(f"para {item['paragraph']}")
    if item.get("page") is not None:
        bits.append(f"p. {item['page']}")
    return ", ".join(bits) or f"characters {item.get('start')}–{item.get('end')}"


def outline_choices(outline: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(label, "start-end") pairs for a jump-to dropdown, one per paragraph/chunk, in document order."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for item in sorted(outline, key=lambda i: (int(i["start"]), int(i["end"]))):
        value = f"{int(item['start'])}-{int(item['end'])}"
        if value in seen:
            continue
        seen.add(value)
        out.append((_outline_label(item), value))
    return out


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
) -> str:
    """A whole document, escaped, with paragraph anchors, page breaks and one highlighted span.

    The text keeps its own line layout (``white-space: pre-wrap``): headings and
    numbered paragraphs are shown as they were published, which is what a
    reader checking guidance wording needs. The highlight is a ``<mark>``
    (split if it crosses an anchor) that the viewer scrolls into view.
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

    cuts = sorted({0, n, *anchors.keys(), *(hl or ())})
    out: list[str] = []
    first_mark = True
    for a, b in zip(cuts, cuts[1:] + [None], strict=False):
        out.extend(anchors.get(a, []))
        if b is None:
            break
        piece = esc(text[a:b])
        if hl and hl[0] <= a and b <= hl[1]:
            mark_id = ' id="viewer-hl"' if first_mark else ""
            first_mark = False
            out.append(f'<mark class="hl {esc(kind)}"{mark_id}>{piece}</mark>')
        else:
            out.append(piece)
    licence = doc.get("licence")
    return (
        f'<article class="doc-view" aria-label="{esc(title)}">'
        f'<header class="doc-head"><h3>{esc(title)}</h3>'
        + (f'<p class="doc-meta">{meta}</p>' if meta else "")
        + (f'<p class="doc-licence">{esc(licence)}</p>' if licence else "")
        + f'</header><div class="doc-body" tabindex="0">{"".join(out)}</div></article>'
    )


def viewer_placeholder_html() -> str:
    return (
        '<section class="viewer-empty"><p class="muted">Open a source to read the passage in its '
        "document, highlighted.</p></section>"
    )


# --------------------------------------------------------------------------- start screen and corpus


def intro_html() -> str:
    """The one-line statement of scope shown above the examples."""
    return f'<p class="intro">{esc(ASSISTANT_SCOPE)}</p>'


def documents_table_html(docs: Sequence[Mapping[str, Any]]) -> str:
    """The corpus: title, kind, date, publisher, licence and number of chunks, all escaped."""
    head = "".join(
        f'<th scope="col">{h}</th>' for h in ("Title", "Kind", "Date", "Publisher", "Licence", "Chunks")
    )
    rows = "".join(
        "<tr>"
        f"<td>{esc(d.get('title'))}</td><td>{esc(d.get('kind'))}</td>"
        f"<td>{esc(d.get('display_date') or display_date(d.get('date')))}</td>"
        f'<td>{esc(d.get("publisher"))}</td><td class="licence">{esc(d.get("licence"))}</td>'
        f'<td class="num">{esc(d.get("chunks", ""))}</td>'
        "</tr>"
        for d in docs
    )
    return (
        '<div class="table-wrap"><table class="docs-table"><caption>Documents the assistant answers from'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )
