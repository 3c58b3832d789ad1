"""HTML of the chat column: the start screen, the user's and the assistant's messages, answer tables.

An answer arrives with ``[n]`` markers; here they become links to their source cards (the turn
in the href, so an old answer's marker opens its own source), paragraphs and bullet lists are
rebuilt from the answer text, and list answers get a compact table. All text is escaped with
:func:`ui.render_common.esc`.

Answers are shown inside Gradio's Chatbot, which renders Markdown. A block that starts with an
HTML tag and contains no blank line is passed through by the Markdown renderer untouched, so the
chat HTML here is emitted on a single line: the escaping decided here is the escaping the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ui import richtext
from ui.labels import chip_name
from ui.render_common import esc, pick

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


# --------------------------------------------------------------------------- start screen


def intro_html() -> str:
    """The one-line statement of scope shown above the examples."""
    return f'<p class="intro">{esc(ASSISTANT_SCOPE)}</p>'


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
    valid = {int(pick(c, "n")): c for c in citations}
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


# --------------------------------------------------------------------------- question box


def ask_hint_html(message: str) -> str:
    """The line under the question box (a live region: "Type a question first" is announced)."""
    return f'<p id="ask-hint" class="ask-hint" role="status" aria-live="polite">{esc(message)}</p>'
