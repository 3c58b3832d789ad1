"""Document text as HTML without raw Markdown: ``### 73. Slough`` reads as a heading, not as hashes.

Some corpus files are Markdown (the project directory); their quotes are verbatim spans of
the file, so the characters must stay where they are (the citation offsets point into them).
Instead of rewriting the text, this module finds the Markdown *syntax* characters (heading
hashes, ``**``, ``*``, ``__`` around words) and the ranges they style, and the renderer wraps
each piece: syntax characters in a hidden span, styled ranges in ``<strong>``/``<em>``/a
heading span. The visible words are exactly the document's words; nothing is ever shown raw.

Every piece of text still goes through :func:`html.escape` here; the only markup is ours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence

_HEADING = re.compile(r"^(#{1,6})([ \t]+)(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)((?:[^\n]|\n(?!\s*\n))+?)(?<=\S)\1")  # may wrap a line, not a paragraph
_EM = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_SETEXT_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")

# class names, kept short: the viewer of a long document emits many of them
SYNTAX, HEADING, STRONG, EM = "md-x", "md-h", "md-b", "md-i"


def markdown_ranges(text: str) -> list[tuple[int, int, str]]:
    """(start, end, class) ranges: syntax characters to hide and the spans they style.

    Only well-formed pairs count, so a lone ``*`` footnote mark or a ``#`` inside a sentence
    stays visible as the document prints it.
    """
    out: list[tuple[int, int, str]] = []
    for m in _HEADING.finditer(text):
        out.append((m.start(1), m.end(2), SYNTAX))
        out.append((m.start(3), m.end(3), HEADING))
        tail = m.end(0) - m.end(3)
        if tail and text[m.end(3) : m.end(0)].strip(" \t#") == "":
            out.append((m.end(3), m.end(0), SYNTAX))
    for m in _STRONG.finditer(text):
        w = len(m.group(1))
        out.append((m.start(), m.start() + w, SYNTAX))
        out.append((m.start() + w, m.end() - w, STRONG))
        out.append((m.end() - w, m.end(), SYNTAX))
    taken = [(a, b) for a, b, c in out if c == SYNTAX]
    for m in _EM.finditer(text):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in taken):
            continue  # part of a ** pair
        out.append((m.start(), m.start() + 1, SYNTAX))
        out.append((m.start() + 1, m.end() - 1, EM))
        out.append((m.end() - 1, m.end(), SYNTAX))
    for m in _SETEXT_RULE.finditer(text):
        out.append((m.start(), m.end(), SYNTAX))
    for m in _LINK.finditer(text):  # [words](url): keep the words, hide the brackets and address
        out.append((m.start(), m.start() + 1, SYNTAX))
        out.append((m.end(1), m.end(), SYNTAX))
    return out


def _wrap(piece: str, classes: Iterable[str]) -> str:
    """One atomic piece of escaped text inside the elements its classes ask for."""
    cls = set(classes)
    if SYNTAX in cls:
        return f'<span class="{SYNTAX}" aria-hidden="true">{piece}</span>'
    if STRONG in cls:
        piece = f"<strong>{piece}</strong>"
    if EM in cls:
        piece = f"<em>{piece}</em>"
    if HEADING in cls:
        piece = f'<span class="{HEADING}">{piece}</span>'
    return piece


def render(
    text: str,
    *,
    lo: int = 0,
    hi: int | None = None,
    marks: Sequence[tuple[int, int, str]] = (),
    inserts: Mapping[int, Sequence[str]] | None = None,
    ranges: Sequence[tuple[int, int, str]] | None = None,
) -> str:
    """``text[lo:hi]`` as escaped HTML with Markdown styled (never raw).

    ``marks``: (start, end, open-tag) ranges in ``text`` coordinates wrapped around the pieces
    they cover (for the highlighted quote: ``'<mark class="hl quote">'``); a mark split by a
    boundary becomes several adjacent marks. ``inserts``: markup put before position ``i``
    (paragraph anchors, page breaks). ``ranges``: Markdown ranges of the *whole* text (pass
    them when rendering a window of a long document, so pairs that start outside it count).
    """
    hi = len(text) if hi is None else hi
    lo, hi = max(0, lo), max(lo, min(hi, len(text)))
    md = markdown_ranges(text) if ranges is None else ranges
    md = [(max(a, lo), min(b, hi), c) for a, b, c in md if b > lo and a < hi and b > a]
    mk = [(max(a, lo), min(b, hi), t) for a, b, t in marks if b > lo and a < hi and b > a]
    ins = {k: v for k, v in (inserts or {}).items() if lo <= k <= hi}
    cuts = sorted(
        {lo, hi, *ins.keys(), *(p for a, b, _ in md for p in (a, b)), *(p for a, b, _ in mk for p in (a, b))}
    )
    # (markup, marks covering it): runs under the same marks share one element, so a quote that
    # crosses a styled word is still one <mark> wherever the layout allows
    runs: list[tuple[list[str], tuple[str, ...]]] = []
    for a, b in zip(cuts, [*cuts[1:], None], strict=False):
        if b is None:
            if ins.get(a):
                runs.append((list(ins[a]), ()))
            break
        piece = _wrap(html.escape(text[a:b], quote=True), (c for x, y, c in md if x <= a and b <= y))
        tags = tuple(t for x, y, t in mk if x <= a and b <= y)
        before = list(ins.get(a, ()))
        if before:  # an anchor or page break is never inside a mark: "Page 2" is not part of a quote
            runs.append((before, ()))
        if runs and runs[-1][1] == tags and tags:
            runs[-1][0].append(piece)
        else:
            runs.append(([piece], tags))
    out: list[str] = []
    for parts, tags in runs:
        body = "".join(parts)
        for tag in tags:
            name = tag[1:].split()[0].rstrip(">")
            body = f"{tag}{body}</{name}>"
        out.append(body)
    return "".join(out)


def strip_markdown(text: str) -> str:
    """Plain text without the syntax characters (answers, labels, tooltips, the export)."""
    hidden = sorted((a, b) for a, b, c in markdown_ranges(text) if c == SYNTAX)
    out, pos = [], 0
    for a, b in hidden:
        if a < pos:
            a = pos
        if b <= a:
            continue
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return "".join(out)
