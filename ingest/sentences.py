"""Sentence spans inside source text, so quotes can be exact substrings.

A regex splitter rather than a model: it must be deterministic, offline and
return offsets. Lines are always boundaries (bullets, table rows, headings).
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "no",
    "p",
    "pp",
    "vs",
    "cf",
    "fig",
    "approx",
    "inc",
    "ltd",
    "co",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
# a sentence ends at . ! ? (then any closing quote or bracket, and any footnote mark: "for 21
# years.¹⁴ Local authorities ...") before white space and a capital or a figure
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*[¹²³⁴⁵⁶⁷⁸⁹⁰]*\s+(?=[\"'“‘(\[£]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[-•▪●◦*]|\d{1,3}\.(?=\s)|[a-z]\))\s+")
# a shorter fragment ("a)", "12") is a list mark or a page number, not a sentence. Not a setting:
# it shapes the sentence table stored in each build and its caches, which answering only reads
_MIN_CHARS = 3


def _ends_with_abbreviation(fragment: str) -> bool:
    word = re.search(r"([A-Za-z.]+)\.$", fragment.rstrip("\"'”’)]"))
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text[start:end]``, bullets and white space trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        bullet = _BULLET.match(line)
        offset = bullet.end() if bullet else 0
        body = line[offset:]
        cut = 0
        pieces: list[tuple[int, int]] = []
        for m in _BOUNDARY.finditer(body):
            if _ends_with_abbreviation(body[cut : m.start()]):
                continue
            pieces.append((cut, m.start()))
            cut = m.end()
        pieces.append((cut, len(body)))
        for a, b in pieces:
            frag = body[a:b]
            lead = len(frag) - len(frag.lstrip())
            trail = len(frag.rstrip())
            if trail - lead >= _MIN_CHARS:
                s = line_start + offset + a + lead
                spans.append((s, line_start + offset + a + trail))
    return join_broken(text, spans)


_OPEN_END = re.compile(r"[A-Za-z,]$")  # ends on a word or a comma: the sentence goes on


# a page's footnote lines ("³ https://www.gov.uk/...") between the two halves of a broken sentence
FOOTNOTE_LINE = re.compile(r"(?m)^[ \t]*[¹²³⁴⁵⁶⁷⁸⁹⁰]+[^\n]*$")


def join_broken(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence that a page break split ("...have not been" + blank line + "viewed as ...").

    The two halves are separated only by white space (and the page's footnote lines, if any), the
    first ends on a word and the second starts in lower case: one sentence, whose quote (what lies
    between included) stays verbatim; the footnote lines are dropped when it is shown as prose.
    """
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            gap = text[pb:a]
            page_break = "\n\n" in gap and not FOOTNOTE_LINE.sub("", gap).strip()
            if page_break and _OPEN_END.search(text[pa:pb]) and text[a : a + 1].islower():
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out
