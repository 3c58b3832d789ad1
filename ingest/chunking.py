"""Structure-aware chunking: numbered paragraphs, Q&A pairs, directory entries, sections.

Users cite structure ("para 27", "the Q&A on funding", "entry 34"), so chunks
follow it instead of fixed character windows. Page furniture (contents lines,
footnotes, endnotes) is cut out; every chunk is made of verbatim source ranges.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.models import Chunk, DocumentInfo, LoadedText
from ingest.sentences import sentence_spans
from ingest.values import FULL_MONTH_ALT

TokenCounter = Callable[[str], int]

_CONTENTS_LINE = re.compile(r"^(?:.+\t\s*\d{1,3}|\d{1,3}\t.+)$")
_FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:\s|<|\[|http|www)")
_NUMBERED = re.compile(r"^(?:[-•]\s+)?(\d{1,3})\.\s+\S")
_NUMBERED_TITLE = re.compile(r"^(\d{1,2})\s+[A-Z]")  # "3 Co-producing care ...": a numbered heading, no dot
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_BOLD_ONLY = re.compile(r"^\*\*[^*].*\*\*:?$")
_BULLET = re.compile(r"^\s*(?:[-•▪●◦*]|[a-z]\))\s+")
_BACK_MATTER = {"references", "endnotes", "notes", "footnotes"}
_SECTION_LETTER = re.compile(r"^Section [A-Z]$")
_DATE_LABEL = re.compile(
    rf"^\*\*(?:{FULL_MONTH_ALT})\s+\d{{4}}\*\*$",
    re.I,
)


@dataclass
class _Block:
    start: int
    end: int
    text: str
    kind: str = "body"  # body | heading | furniture | numbered | label
    level: int = 0
    number: int | None = None


@dataclass
class _Draft:
    section: str
    paragraph: str | None
    block: str
    segments: list[tuple[int, int]] = field(default_factory=list)


_LINE_NUMBERED = re.compile(r"\n(?=(?:[-•]\s+)?\d{1,3}\.\s+\S)")


def _blocks(text: str) -> list[_Block]:
    """Blank-line separated blocks; a line opening a numbered paragraph also starts one."""
    out: list[_Block] = []
    for m in re.finditer(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text):
        cuts = [m.start(), *(m.start() + c.start() + 1 for c in _LINE_NUMBERED.finditer(m.group(0))), m.end()]
        for a, b in zip(cuts, cuts[1:], strict=False):
            raw = text[a:b]
            lead = len(raw) - len(raw.lstrip())
            s, e = a + lead, a + len(raw.rstrip())
            if e > s:
                prev = out[-1] if out else None
                if (
                    prev is not None
                    and not _FOOTNOTE.match(prev.text)
                    and not text[prev.end : s].strip()
                    and re.search(r"[A-Za-z,]$", prev.text)
                    and text[s : s + 1].islower()
                    and "\n\n" in text[prev.end : s]
                ):  # a paragraph a page break cut in two: one block, so one unit
                    out[-1] = _Block(prev.start, e, text[prev.start : e])
                    continue
                out.append(_Block(s, e, text[s:e]))
    return out


def _looks_like_heading(block: _Block) -> bool:
    t = block.text
    if "\n" in t or len(t) > 130 or _BULLET.match(t) or _NUMBERED.match(t):
        return False
    if t.endswith((".", ",", ";", ":")) or not (t[0].isupper() or t[0].isdigit()):
        return False
    words = t.split()
    return 0 < len(words) <= 18


# "Please click here for the policy brief": a web page's link text; the link is gone in the text, so
# the line is navigation, neither a heading nor something to quote
_LINK_LINE = re.compile(r"^(?:please\s+)?click here\b", re.I)
_CREDIT = re.compile(r"^(?:photo(?:graph)?|image|picture|illustration|credit)s?\s*(?:by\s*)?[:©]", re.I)


def _question_line(block: _Block) -> bool:
    """One line that asks a question (a Q&A item's question), however long."""
    t = block.text
    return "\n" not in t and t.endswith("?") and len(t) <= 300 and t[:1].isupper() and not _BULLET.match(t)


def _norm_title(t: str) -> str:
    t = re.sub(r"^(?:[A-Z]|\d{1,2})\s+(?=[A-Z])", "", t.strip())
    return " ".join(re.findall(r"[a-z]+", t.lower()))


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.75


def classify(text: str, is_markdown: bool) -> list[_Block]:
    """Label every block; decides furniture, headings and numbered paragraphs."""
    blocks = _blocks(text)
    contents_titles: list[str] = []
    in_contents = False
    back_matter = False
    opening: set[str] = set()  # short blocks of the title pages: a repeat of one is furniture
    joinable = False
    run_of_headings = 0  # heading-like blocks in a row: only the first of a plain run is a heading
    series_last: int | None = None  # the number of the last "N Title" heading (a numbered run of themes)
    before: _Block | None = None
    # a title line followed by link lines ("Please click here for the policy brief") heads a web
    # page's section however long it is: the links under it are that section's
    titled = {
        id(b)
        for b, nxt in zip(blocks, blocks[1:], strict=False)
        if _LINK_LINE.match(nxt.text.strip())
        and "\n" not in b.text
        and len(b.text) <= 250
        and not b.text.rstrip().endswith((".", ",", ";", ":"))
        and b.text[:1].isupper()
        and not _LINK_LINE.match(b.text.strip())
    }
    for b in blocks:
        first = b.text.split("\n", 1)[0].strip()
        prev_block, before = before, b
        if _CREDIT.match(first) and "\n" not in b.text:
            b.kind = "furniture"  # "Photo: agency/name": a caption credit, never a section heading
            continue
        if _LINK_LINE.match(first) and "\n" not in b.text:
            b.kind = "furniture"
            continue
        if back_matter:
            b.kind = "furniture"
            continue
        if b.start > len(text) * 0.6 and re.match(r"^(?:©|\(c\))\s*crown copyright\b", first, re.I):
            b.kind, back_matter = "furniture", True  # the licence page: publisher's furniture, not content
            continue
        if b.start < 3000 and len(b.text) <= 80 and not is_markdown:
            # (a markdown file has no title pages to repeat: a short line said again, a timeline's
            # "**JANUARY 2016**" or a second "National Learning Conference", is content)
            if b.text in opening:
                b.kind = "furniture"
                continue
            opening.add(b.text)
        if first.lower() == "contents":
            b.kind, in_contents = "furniture", True
            continue
        lines = [ln for ln in b.text.split("\n") if ln.strip()]
        if all(_CONTENTS_LINE.match(ln.strip()) for ln in lines):
            for ln in lines:
                title = re.sub(r"\t\s*\d{1,3}$|^\d{1,3}\t", "", ln.strip())
                contents_titles.append(_norm_title(title))
            b.kind = "furniture"
            continue
        in_contents = in_contents and False
        if _FOOTNOTE.match(first):
            b.kind = "furniture"
            continue
        md = _MD_HEADING.match(first) if is_markdown else None
        if md and "\n" not in b.text:
            b.kind, b.level = "heading", len(md.group(1))
            continue
        if is_markdown and all(_BOLD_ONLY.match(ln.strip()) for ln in lines):
            b.kind = "label"
            continue
        norm = _norm_title(first)
        in_toc = (
            "\n" not in b.text
            and not first.endswith((".", ":"))
            and not _NUMBERED.match(first)
            and any(_similar(norm, c) for c in contents_titles)
        )
        # "4 By strengthening the relationships ..." after headings 1-3: the next of a numbered run of
        # headings, however long its title (a long title is otherwise read as a paragraph)
        series = _NUMBERED_TITLE.match(first)
        next_in_series = bool(
            series
            and series_last is not None
            and int(series.group(1)) == series_last + 1
            and "\n" not in b.text
            and len(first) <= 250
            and not first.endswith((".", ",", ";", ":"))
        )
        heading_like = not is_markdown and (
            _looks_like_heading(b) or _question_line(b) or id(b) in titled or next_in_series
        )
        if heading_like and prev_block is not None and prev_block.text.lstrip().startswith(("“", '"')):
            heading_like = False  # the name under a quotation is its credit line, not a heading
        # a question line under a heading opens a Q&A item ("Funding" > "How much is available?")
        demote = (
            heading_like
            and not in_toc
            and run_of_headings > 0
            and not joinable
            and not _question_line(b)
            and id(b) not in titled
        )
        run_of_headings = run_of_headings + 1 if (heading_like or in_toc) else 0
        joinable = in_toc or bool(_SECTION_LETTER.match(first)) or first.lower().startswith("case study")
        if not is_markdown and (in_toc or (heading_like and not demote) or next_in_series):
            b.kind = "heading"
            if series:
                series_last = int(series.group(1))
            if first.lower() in _BACK_MATTER and b.start > len(text) * 0.6:
                b.kind, back_matter = "furniture", True
            elif _SECTION_LETTER.match(first) or in_toc:
                b.level = 1
            elif first.lower().startswith("case study"):
                b.level = 2
            else:
                b.level = 3
            continue
        num = _NUMBERED.match(first)
        if num:
            b.kind, b.number = "numbered", int(num.group(1))
    _mark_paragraph_numbers(blocks)
    return blocks


def _mark_paragraph_numbers(blocks: list[_Block]) -> None:
    """Keep numbers only where the document numbers its paragraphs in one running sequence."""
    last = 0
    hits: list[_Block] = []
    for b in blocks:
        if b.kind == "numbered" and b.number is not None and last < b.number <= last + 2:
            last = b.number
            hits.append(b)
    keep = {id(b) for b in hits} if len(hits) >= 10 else set()
    for b in blocks:
        if b.kind == "numbered" and id(b) not in keep:
            b.kind, b.number = "body", None


class _Trail:
    """Heading trail: level-1 section, an optional case study, the latest sub-heading."""

    def __init__(self) -> None:
        self.parts: dict[int, str] = {}
        self.pending_join = False

    def push(self, level: int, title: str, join: bool) -> None:
        title = title.strip().strip("#").strip()
        if join and self.parts:
            top = max(self.parts)
            self.parts[top] = f"{self.parts[top]}: {title}"
            return
        for lv in [k for k in self.parts if k >= level]:
            del self.parts[lv]
        self.parts[level] = title

    def text(self) -> str:
        return " > ".join(self.parts[k] for k in sorted(self.parts))


def _drafts(text: str, blocks: list[_Block], is_markdown: bool) -> list[_Draft]:
    trail = _Trail()
    drafts: list[_Draft] = []
    current: _Draft | None = None
    prev: _Block | None = None
    paragraph: str | None = None

    def open_draft(block: str) -> _Draft:
        nonlocal current
        current = _Draft(section=trail.text(), paragraph=paragraph, block=block)
        drafts.append(current)
        return current

    for b in blocks:
        if b.kind == "furniture":
            continue
        if b.kind == "heading":
            join = (
                prev is not None
                and prev.kind == "heading"
                and (
                    _SECTION_LETTER.match(prev.text) is not None or prev.text.lower().startswith("case study")
                )
            )
            level = b.level if not join else max(trail.parts or {1: ""})
            trail.push(level, b.text, join)
            paragraph = None
            current = None
            if b.text.rstrip().endswith("?"):
                open_draft("qa").segments.append((b.start, b.end))
            elif is_markdown and b.level >= 3:
                open_draft("entry").segments.append((b.start, b.end))
            prev = b
            continue
        if b.kind == "numbered":
            paragraph = str(b.number)
            if current is not None and current.block == "qa" and len(current.segments) == 1:
                current.paragraph, current.block = paragraph, "body"  # heading question + its paragraph
                current.segments.append((b.start, b.end))
            else:
                open_draft("body").segments.append((b.start, b.end))
        elif b.kind == "label" and (
            current is None or (prev is not None and prev.kind != "label" and _DATE_LABEL.match(b.text))
        ):
            if current is None or current.block != "entry":
                draft = open_draft("timeline")
                if _DATE_LABEL.match(b.text):
                    # a dated entry (a timeline's "**JANUARY 2016**"): its date heads it, as the
                    # reader sees the events listed under that date
                    draft.section = " > ".join(p for p in (trail.text(), b.text.strip("* ").title()) if p)
                draft.segments.append((b.start, b.end))
            else:
                current.segments.append((b.start, b.end))
        else:
            if current is None:
                open_draft("body")
            assert current is not None
            current.segments.append((b.start, b.end))
        prev = b
    return [d for d in drafts if d.segments]


def _hard_cut(text: str, start: int, end: int, count: TokenCounter, budget: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` at word boundaries into the longest runs that stay under ``budget``.

    Each run is found by trying the previous run's length first, then bisecting (a word is at
    least one token, so a run is at most ``budget`` words): a few counts per piece instead of one
    per word, so a line of several megabytes is cut in seconds rather than hours.
    """
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    out: list[tuple[int, int]] = []
    a, step = 0, budget // 2
    while a < len(words):
        first = words[a][0]

        def fits(b: int, first: int = first) -> bool:  # words[a:b] under budget
            return count(text[first : words[b - 1][1]]) < budget

        lo, hi = a + 1, min(len(words), a + budget)
        guess = min(hi, a + step)
        if guess > lo and fits(guess):  # gallop up from the guess: +1, +2, +4 ... until it overflows
            lo, jump = guess, 1
            while lo < hi and fits(min(hi, lo + jump)):
                lo, jump = min(hi, lo + jump), jump * 2
            hi = min(hi, lo + jump - 1)
        elif guess > lo:
            hi = guess - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(mid):
                lo = mid
            else:
                hi = mid - 1
        out.append((first, words[lo - 1][1]))
        step, a = lo - a, lo
    return out


def _split_to_fit(
    text: str, draft: _Draft, head: str, count: TokenCounter, limit: int
) -> list[list[tuple[int, int]]]:
    """Greedy packing of sentences into pieces that fit the embedder's window."""
    pieces: list[list[tuple[int, int]]] = []
    piece: list[tuple[int, int]] = []
    budget = limit - count(head)

    def size(segs: list[tuple[int, int]]) -> int:
        return count("\n\n".join(text[s:e] for s, e in segs))

    if size(draft.segments) <= budget:
        return [draft.segments]
    units: list[tuple[int, int]] = []
    for s, e in draft.segments:
        if count(text[s:e]) <= budget:
            units.append((s, e))
        else:
            units.extend(sentence_spans(text, s, e))
    for unit in units:
        if piece and size([*piece, unit]) > budget:
            pieces.append(piece)
            piece = []
        if count(text[unit[0] : unit[1]]) > budget:  # a monster sentence: hard cut by words
            pieces.extend([span] for span in _hard_cut(text, unit[0], unit[1], count, budget))
            continue
        piece.append(unit)
    if piece:
        pieces.append(piece)
    return pieces


def chunk_document(
    info: DocumentInfo, loaded: LoadedText, count: TokenCounter, max_tokens: int
) -> list[Chunk]:
    """All chunks of one document, in reading order, each within ``max_tokens`` model tokens."""
    text = loaded.text
    is_markdown = info.file.lower().endswith((".md", ".markdown"))
    blocks = classify(text, is_markdown)
    chunks: list[Chunk] = []
    for draft in _drafts(text, blocks, is_markdown):
        head = f"{info.title} > {draft.section}" if draft.section else info.title
        for segs in _split_to_fit(text, draft, head, count, max_tokens):
            start, end = segs[0][0], segs[-1][1]
            chunks.append(
                Chunk(
                    chunk_id=f"{info.doc_id}:{len(chunks):04d}",
                    doc_id=info.doc_id,
                    file=info.file,
                    title=info.title,
                    date=info.date,
                    kind=info.kind,
                    section=draft.section,
                    paragraph=draft.paragraph,
                    page=loaded.page_at(start),
                    start=start,
                    end=end,
                    text="\n\n".join(text[s:e] for s, e in segs),
                    segments=list(segs),
                    block=draft.block,
                    page_starts=[(p.start, p.page) for p in loaded.pages if start < p.start < end],
                )
            )
    return chunks
