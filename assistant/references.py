"""Exact references for programme staff: a paragraph by its number, a Q&A item, a table, a list.

Staff ask for text they will quote onwards ("paragraph 41 word for word", "the Q&A on who can
apply"). Semantic search cannot find "41" and returns neighbours; here the reference is resolved
against the units ingest recorded (each numbered paragraph and each Q&A pair is a chunk with its
number or block kind), and the unit is returned whole and verbatim, headed with where it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from assistant.analysis import QuestionAnalysis
from assistant.models import Citation, Passage
from assistant.snapshot import Snapshot
from assistant.text import content_stems
from ingest.models import Chunk

Embed = Callable[[str], np.ndarray]

_TITLE_WORDS = re.compile(r"[A-Za-z]{4,}")


def _doc_hint(snap: Snapshot, question: str, candidates: set[str]) -> str | None:
    """The document the question names (by title words or file name), among ``candidates``."""
    q = question.lower()
    best, best_hits = None, 0
    for doc_id in candidates:
        info = snap.docs.get(doc_id)
        if info is None:
            continue
        words = {w.lower() for w in _TITLE_WORDS.findall(f"{info.title} {info.file} {info.kind}")}
        words -= {"children", "social", "care", "innovation", "programme", "with"}
        hits = sum(1 for w in words if w in q)
        if info.date[:4] in q:
            hits += 1
        if hits > best_hits:
            best, best_hits = doc_id, hits
    return best


def _whole(snap: Snapshot, chunks: list[Chunk], n: int, list_item: re.Pattern[str] | None = None) -> Citation:
    """One citation spanning ``chunks`` (consecutive parts of one unit) from first to last; with
    ``list_item``, only as far as the list's last item (the paragraph after a list is not part of it,
    even when the same chunk holds both)."""
    chunks = sorted(chunks, key=lambda c: c.start)
    source = snap.texts[chunks[0].doc_id]
    start, end = chunks[0].start, chunks[-1].end
    if list_item is not None:
        end = _list_end(source, start, end, list_item)
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    return Citation.from_span(chunks[0], source, start, end, n)


def _list_end(source: str, start: int, end: int, list_item: re.Pattern[str]) -> int:
    """Where the list in ``source[start:end]`` ends: after its last item, before a paragraph that
    follows it with no item mark (``end`` when there is no such paragraph)."""
    pos, seen_item, after_blank = start, False, False
    last_item_end = end
    for line in source[start:end].split("\n"):
        line_end = pos + len(line)
        if list_item.match(line + " "):
            seen_item, last_item_end = True, line_end
        elif line.strip() and seen_item and after_blank:
            return last_item_end
        elif line.strip() and seen_item:
            last_item_end = line_end  # an item's continuation line
        after_blank = not line.strip()
        pos = line_end + 1
    return end


def _heading(cit: Citation, snap: Snapshot) -> str:
    info = snap.docs.get(cit.doc_id)
    when = info.display_date if info else cit.date
    where = cit.locator()
    return f"“{cit.title}” ({when}){', ' + where if where else ''}:"


def _display(text: str) -> str:
    """The verbatim unit laid out for reading: table rows stay rows, bullets stay bullets."""
    lines = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if lines and lines[-1] != "":
                lines.append("")
            continue
        if "\t" in line:  # a table row: its cells joined by " | "
            cells = [c.strip() for c in line.split("\t")]
            line = " | ".join(c for c in cells if c)
        lines.append(line)
    return "\n".join(lines).strip()


def paragraph(snap: Snapshot, analysis: QuestionAnalysis, passages: list[Passage]) -> list[Citation] | None:
    """The numbered paragraph asked for, whole; None when no document has that number."""
    number = (analysis.reference or {}).get("number")
    if not number:
        return None
    by_doc: dict[str, list[Chunk]] = {}
    for c in snap.chunks:
        if c.paragraph == number:
            by_doc.setdefault(c.doc_id, []).append(c)
    if not by_doc:
        return None
    doc = _doc_hint(snap, analysis.query, set(by_doc))
    if doc is None:  # the retrieved document that has this paragraph, else the first that has it
        ranked = [p.chunk.doc_id for p in passages if p.chunk.doc_id in by_doc]
        doc = ranked[0] if ranked else sorted(by_doc)[0]
    return [_whole(snap, by_doc[doc], 1)]


def _best_unit(snap: Snapshot, analysis: QuestionAnalysis, rows: list[int], embed: Embed) -> int | None:
    """The unit among ``rows`` that best matches what the reference is about (its focus words).

    The words that make the request a reference ("the Q&A on", "word for word", "table") say
    nothing about which unit is meant, so they are left out of the matching.
    """
    if not rows:
        return None
    about = " ".join(analysis.focus_words) or analysis.query
    vec = embed(about)
    want = set(content_stems(about))
    best, best_score = None, -1.0
    for row in rows:
        chunk = snap.chunks[row]
        head = f"{chunk.section} {chunk.text[:200]}"
        overlap = len(want & set(content_stems(head))) / len(want) if want else 0.0
        # "the list in the transitions section": words of its heading trail the asker names place it
        in_section = len(want & set(content_stems(chunk.section))) / len(want) if want else 0.0
        score = float(snap.chunk_vecs[row] @ vec) + 0.5 * overlap + 0.5 * in_section
        if score > best_score:
            best, best_score = row, score
    return best


def qa_item(snap: Snapshot, analysis: QuestionAnalysis, embed: Embed) -> list[Citation] | None:
    """The best-matching Q&A pair, question and answer together."""
    rows = [i for i, c in enumerate(snap.chunks) if c.block == "qa"]
    row = _best_unit(snap, analysis, rows, embed)
    return None if row is None else [_whole(snap, [snap.chunks[row]], 1)]


_LIST_ITEM = re.compile(r"^\s*(?:[-•*▪●◦]|\(?[a-z]\)|[a-z]\.)\s", re.M)
_LETTERED = re.compile(
    r"\blettered\b|\(?\b[a-e]\)?\s*(?:to|-|–)\s*\(?[a-h]\)?(?=[\s).,?]|$)"
    r"|\blist(?:ed)? (?:by|with) letters\b",
    re.I,
)
_NUMBERED_LIST = re.compile(r"\bnumbered (?:list|points)\b", re.I)
# an item of each kind, bulleted or not ("- a. creating ...", "(b) ...", "3) ...")
_LETTERED_ITEM = re.compile(r"^\s*(?:[-•*▪●◦]\s+)?\(?[a-z][.)]\s", re.M)
_NUMBERED_ITEM = re.compile(r"^\s*(?:[-•*▪●◦]\s+)?\(?\d{1,2}[.)]\s", re.M)


def section_unit(
    snap: Snapshot, analysis: QuestionAnalysis, passages: list[Passage], embed: Embed
) -> list[Citation] | None:
    """A table or list asked for verbatim: the best unit that holds one, with its lead-in paragraph."""
    kind = (analysis.reference or {}).get("kind")
    # "the lettered list (a to e)" / "the numbered list": only lists of that kind are meant
    item = _LIST_ITEM
    if _LETTERED.search(analysis.question):
        item = _LETTERED_ITEM
    elif _NUMBERED_LIST.search(analysis.question):
        item = _NUMBERED_ITEM
    is_kind = (lambda t: "\t" in t) if kind == "table" else (lambda t: bool(item.search(t)))
    row = _best_unit(snap, analysis, [i for i, c in enumerate(snap.chunks) if is_kind(c.text)], embed)
    ranked = [Passage(snap.chunks[row], 1.0)] if row is not None else []
    for p in ranked + passages[:5]:
        text = p.chunk.text
        is_table = "\t" in text
        is_list = bool(item.search(text))
        if (kind == "table" and is_table) or (kind == "list" and is_list):
            parts = [c for c in snap.chunks if c.doc_id == p.chunk.doc_id and c.section == p.chunk.section]
            if kind == "table":
                parts = [c for c in parts if "\t" in c.text or c.chunk_id == p.chunk.chunk_id]
                # the paragraph that introduces the table ("... the following criteria:")
                lead = [c for c in snap.chunks if c.doc_id == p.chunk.doc_id and c.end <= p.chunk.start
                        and c.end >= p.chunk.start - 200]  # fmt: skip
                parts = lead[-1:] + parts
            parts = _consecutive(parts, p.chunk)
            if kind == "list":
                # the list ends with its last item: the paragraph after it is not part of it
                anchor = p.chunk.chunk_id
                last = max(i for i, c in enumerate(parts) if item.search(c.text) or c.chunk_id == anchor)
                parts = parts[: last + 1]
                return [_whole(snap, parts, 1, list_item=item)]
            return [_whole(snap, parts, 1)]
    return None


def passage(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    passages: list[Passage],
    embed: Embed,
    lead_row: int | None = None,
) -> list[Citation] | None:
    """Text asked for verbatim without a number: the best retrieved unit, whole, with the list it opens.

    ``lead_row`` is the chunk holding the sentence that best answers the question (scored as any
    question's sentences are); without it, the retrieved unit whose start best matches the focus.
    """
    row = lead_row
    if row is None:
        rows = [snap.row_of[p.chunk.chunk_id] for p in passages[:5]]
        row = _best_unit(snap, analysis, rows, embed)
    if row is None:
        return None
    parts = [snap.chunks[row]]
    while len(parts) < 4 and row + 1 < len(snap.chunks):
        nxt = snap.chunks[row + 1]
        last = parts[-1]
        introduces = last.text.rstrip().rstrip("*_ ").endswith(":") or _LIST_LINE.match(nxt.text)
        if nxt.doc_id != last.doc_id or nxt.start - last.end > 4 or not introduces:
            break
        parts.append(nxt)
        row += 1
    return [_whole(snap, parts, 1)]


_LIST_LINE = re.compile(r"^\s*(?:[-•*▪●◦]|\(?[a-z]\)|[a-z]\.|\d{1,2}[.)])\s")


def _consecutive(parts: list[Chunk], anchor: Chunk) -> list[Chunk]:
    """The run of ``parts`` around ``anchor`` with no other text between them (gaps under 400 chars)."""
    parts = sorted({c.chunk_id: c for c in parts}.values(), key=lambda c: c.start)
    i = next(i for i, c in enumerate(parts) if c.chunk_id == anchor.chunk_id)
    lo = hi = i
    while lo > 0 and parts[lo].start - parts[lo - 1].end < 400:
        lo -= 1
    while hi + 1 < len(parts) and parts[hi + 1].start - parts[hi].end < 400:
        hi += 1
    return parts[lo : hi + 1]


def resolve(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    passages: list[Passage],
    embed: Embed,
    lead_row: int | None = None,
) -> tuple[str, list[Citation]] | None:
    """(answer text, citations) for an exact reference, or None to answer it as a question."""
    kind = (analysis.reference or {}).get("kind")
    if kind == "paragraph":
        cits = paragraph(snap, analysis, passages)
    elif kind == "qa":
        cits = qa_item(snap, analysis, embed)
    elif kind in {"table", "list"}:
        cits = section_unit(snap, analysis, passages, embed)
    elif kind == "passage":
        cits = passage(snap, analysis, passages, embed, lead_row)
    else:
        return None
    if not cits:
        return None
    cit = cits[0]
    body = _display(cit.text)
    return f"{_heading(cit, snap)}\n\n{body} [{cit.n}]", cits
