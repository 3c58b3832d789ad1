"""Extractive answers: the units quoted from the scored sentences (``assistant.candidates``), each cited.

No language model: every sentence of the answer is a sentence of a document, so every claim is
checkable. A unit is the lead sentence with what it needs to be read (the sentence naming its
subject, the list it introduces, the table row it is), rendered as the source lays it out.
"""

from __future__ import annotations

import re

from assistant import table_rows
from assistant.candidates import WORD_RUN, Candidate, is_lead_in
from assistant.models import Citation
from assistant.snapshot import Snapshot
from assistant.text import FOOTNOTE_LINE, clean_for_display, dangling_start, date_mentions
from ingest.config import RankingSettings


def _near_duplicate(snap: Snapshot, a: Candidate, chosen: list[Candidate]) -> bool:
    return any(
        float(snap.sent_vecs[a.idx] @ snap.sent_vecs[c.idx]) > 0.9 or (c.start <= a.start < c.end)
        for c in chosen
    )


_SENTENCE_END = re.compile(r"[.!?;:…]['’”\")]*$")
# between two sentences of one passage: white space, a bullet, a list number, a footnote mark ("¹⁵")
_CLEAN_GAP = re.compile(r"^[\s\-•*▪●◦¹²³⁴⁵⁶⁷⁸⁹⁰]*(?:\d{1,3}\.\s*)?[\s\-•*▪●◦]*$")


def _joins(gap: str) -> bool:
    """Two sentences with ``gap`` between them read on as one passage: only white space, bullets,
    list numbers and footnote marks lie between, or a footnote a page break put there."""
    return bool(_CLEAN_GAP.match(FOOTNOTE_LINE.sub("", gap)))


def _follow(
    snap: Snapshot, cand: Candidate, max_sentences: int, max_chars: int, stop_at_lead_in: bool = True
) -> list[Candidate]:
    """The sentences right after ``cand`` in the document, while only white space or bullets lie between.

    Stops before another lead-in (a line ending in ':'): that starts a different list.
    """
    doc = snap.chunks[cand.row].doc_id
    text = snap.texts[doc]
    out: list[Candidate] = []
    prev_end, size = cand.end, 0
    for idx in range(cand.idx + 1, min(cand.idx + 1 + max_sentences, len(snap.sent_spans))):
        row, a, b = (int(v) for v in snap.sent_spans[idx])
        if snap.chunks[row].doc_id != doc or a < prev_end or not _joins(text[prev_end:a]):
            break
        size += b - a
        if out and size > max_chars:
            break
        if stop_at_lead_in and text[a:b].rstrip().rstrip("*_").rstrip().endswith(":"):
            break
        if snap.chunks[row].section != snap.chunks[cand.row].section:
            break  # another heading's text (the next Q&A item, the next case study) is not this one's
        out.append(Candidate(idx, row, a, b, text[a:b], 0.0, 0.0))
        prev_end = b
    return out


# a list item's mark at the start of its line: a bullet, a dash, "a.", "(b)", "3)"
_ITEM_MARK = re.compile(r"\s*(?:[•\-*–·▪◦]|\(?[a-z0-9]{1,2}[.)])\s")


def _list_items(snap: Snapshot, lead_in: Candidate) -> list[Candidate]:
    """The list a lead-in (a line ending in ':') introduces; never a table's rows.

    Rows flattened into bullets misread a table ("- Criteria The strongest projects will"); a row
    is quoted as a row when it answers (``assistant.table_rows``).
    """
    items = _follow(snap, lead_in, 8, 1200)
    text = snap.texts[snap.chunks[lead_in.row].doc_id]
    marked = False
    for k, item in enumerate(items):
        if table_rows.is_row(snap, item.idx):
            return items[:k]
        line_start = text.rfind("\n", 0, item.start) + 1
        before = text[line_start : item.start]
        if _ITEM_MARK.match(before) or _ITEM_MARK.match(item.text[:4]):
            marked = True
        elif marked and not before.strip():
            # a bulleted list ends where a paragraph without a bullet begins ("To date the
            # Programme has ..." after the four policy areas is the page's next paragraph)
            return items[:k]
    return _finish_line(snap, items)


def _finish_line(snap: Snapshot, items: list[Candidate], most: int = 3) -> list[Candidate]:
    """The last list item completed: the size limit may stop after its first sentence
    ("- How you will make it happen." without the sentences that say how)."""
    if not items:
        return items
    last = items[-1]
    doc = snap.chunks[last.row].doc_id
    text = snap.texts[doc]
    out = list(items)
    for idx in range(last.idx + 1, min(last.idx + 1 + most, len(snap.sent_spans))):
        row, a, b = (int(v) for v in snap.sent_spans[idx])
        if snap.chunks[row].doc_id != doc or a < out[-1].end or text[out[-1].end : a].strip():
            break
        if "\n" in text[out[-1].end : a]:
            break  # the next line is the next item, or the end of the list
        out.append(Candidate(idx, row, a, b, text[a:b], 0.0, 0.0))
    return out


def _subject_before(snap: Snapshot, cand: Candidate) -> Candidate | None:
    """The sentence before ``cand`` in its paragraph when ``cand`` opens with a pronoun ("Its project...")."""
    if cand.idx == 0 or not dangling_start(cand.text):
        return None
    row, a, b = (int(v) for v in snap.sent_spans[cand.idx - 1])
    source = snap.texts[snap.chunks[cand.row].doc_id]
    if snap.chunks[row].doc_id != snap.chunks[cand.row].doc_id or b > cand.start:
        return None
    if source[a:b].rstrip().endswith("?"):
        return None  # a Q&A item's question is not the subject of its answer
    if "\n" in source[b : cand.start] or not _CLEAN_GAP.match(source[b : cand.start]):
        return None  # another paragraph: its subject is the heading's, shown in the citation label
    return Candidate(cand.idx - 1, row, a, b, source[a:b], cand.cos, cand.lex, cand.score)


def _at(snap: Snapshot, idx: int, score: float = 0.0) -> Candidate:
    row, a, b = (int(v) for v in snap.sent_spans[idx])
    text = snap.texts[snap.chunks[row].doc_id][a:b]
    return Candidate(idx, row, a, b, text, 0.0, 0.0, score)


def _table_units(snap: Snapshot, cand: Candidate, is_lead: bool, reach: int) -> list[list[Candidate]]:
    """A table row with the lines that continue it; for the lead, also what its asterisk ties it to
    (within ``reach`` characters, ``ranking.footnote_reach``).

    ``[]`` when ``cand`` is neither a row nor a footnote.
    """
    partners = table_rows.starred_partners(snap, cand.idx, reach) if is_lead else []
    if not table_rows.is_row(snap, cand.idx) and not partners:
        return []
    first = [cand, *(_at(snap, k, cand.score) for k in table_rows.row_span(snap, cand.idx)[1:])]
    units = [first]
    for k in partners:
        if any(c.idx == k for u in units for c in u):
            continue
        unit = [_at(snap, j, cand.score) for j in table_rows.row_span(snap, k)]
        unit[0].bound = True
        units.append(unit)
    return units


def select(
    snap: Snapshot,
    cands: list[Candidate],
    ranking: RankingSettings,
    lead: Candidate | None = None,
    names_lead: bool = False,
) -> list[list[Candidate]]:
    """``lead`` (else the best sentence) first, then close runners-up; lead-ins bring their lists.

    ``lead`` is chosen by answerability (the sentence that holds the asked value), so it may score
    below the best sentence; runners-up are still measured against the best. ``names_lead``: the
    lead names the subject the asker named, so the rest of its paragraph is about that subject too.
    ``ranking``: the settings' ranking group (how many quotes, the margins).
    """
    ranked = sorted(cands, key=lambda c: -c.score)
    if not ranked:
        return []
    if lead is not None:
        ranked = [lead, *(c for c in ranked if c.idx != lead.idx)]
    best = max(c.score for c in ranked)
    units: list[list[Candidate]] = []
    chosen: list[Candidate] = []
    for cand in ranked:
        runner_up = cand.score >= best - ranking.runner_up_margin
        if units and (len(units) >= ranking.max_quotes or not runner_up or cand.score <= 0):
            break
        if cand.is_question or _near_duplicate(snap, cand, chosen):
            continue
        table = _table_units(snap, cand, not units, ranking.footnote_reach)
        if table:
            for unit in table:
                unit = [u for u in unit if not any(u.idx == c.idx for c in chosen)]
                if unit:
                    chosen.extend(unit)
                    units.append(unit)
            continue
        before = _subject_before(snap, cand)
        fresh = before is not None and not any(c.idx == before.idx for c in chosen)
        unit = [before, cand] if fresh and before is not None else [cand]
        bare = cand.text.rstrip().rstrip("*_").rstrip()
        if bare.endswith(":"):
            items = _list_items(snap, cand)
            if not items and units:
                continue  # a lead-in without its list says nothing
            unit.extend(items)
        elif len(WORD_RUN.findall(cand.text)) < 8 or len(cand.text) < 60:
            unit.extend(_follow(snap, cand, 2, 400))
        elif not _SENTENCE_END.search(bare) and len(bare) < 160:
            # a title ("Social Work Innovation Fund Torbay (SWIFT)") says what follows, not what it is
            unit.extend(_follow(snap, cand, 3, 500))
        else:  # a continuation that is nearly as relevant stays with its lead sentence
            score_of = {c.idx: c.score for c in cands}
            source = snap.texts[snap.chunks[cand.row].doc_id]
            # a lead that names the question's subject is followed by its elaboration
            elaborates = cand.lex >= 0.5 or (names_lead and not units)
            for nxt in _follow(snap, cand, 2 if elaborates else 1, 600):
                same_paragraph = "\n" not in source[unit[-1].end : nxt.start]
                if not same_paragraph or (
                    not elaborates and score_of.get(nxt.idx, -1.0) < best - ranking.continuation_margin
                ):
                    break
                unit.append(nxt)
            # "... you will need to consider X. This should include the following areas:" the list
            # that the same paragraph goes on to introduce is the substance of the answer
            nxt = _follow(snap, unit[-1], 1, 400, stop_at_lead_in=False)
            if nxt and is_lead_in(nxt[0].text) and "\n" not in source[unit[-1].end : nxt[0].start]:
                unit.append(nxt[0])
            if is_lead_in(unit[-1].text):
                unit.extend(_list_items(snap, unit[-1]))
        unit = [u for u in unit if not any(u.idx == c.idx for c in chosen)] or [cand]
        chosen.extend(unit)
        units.append(unit)
    return units


_NAME_WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


def _other_names(before: list[Candidate], kept: list[Candidate]) -> bool:
    """``before`` names someone ``kept`` does not ("In Leeds, 1,500 staff ..." before "Likewise,
    Tri-Borough aims to train 600 staff"): put in front, it would read as the same subject's figure."""
    kept_text = " ".join(c.text for c in kept)
    names = {m.group(0) for c in before for m in _NAME_WORD.finditer(c.text.replace("*", ""))}
    return any(name not in kept_text for name in names)


def merge_adjacent(units: list[list[Candidate]]) -> list[list[Candidate]]:
    """Units that are consecutive sentences of one text become one unit, in document order.

    Two quotes that are really one passage read better, and cite more honestly, as one. Nothing
    is put in front of the lead unit: it holds the answer, and background before it would push
    the answer down (the background still follows as its own quote).
    """
    out: list[list[Candidate]] = []
    for unit in units:
        for k, kept in enumerate(out):
            if unit[0].idx == kept[-1].idx + 1:
                kept.extend(unit)
                break
            if (
                unit[-1].idx + 1 == kept[0].idx
                and k > 0
                and not kept[0].bound
                and not _other_names(unit, kept)
            ):
                kept[:0] = unit
                break
        else:
            out.append(list(unit))
    return out


# the numbers that tell members of a series apart ("Round 2", "nine projects")
_MEMBER_NUMBER = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", re.I
)


def parallel_entries(snap: Snapshot, lead: Candidate) -> list[list[Candidate]]:
    """The dated entries of ``lead``'s timeline that say what it says for another member of a series
    ("Evaluations begin for Round 1 projects" beside "... Round 3 projects"), each a unit, with the
    lead's unit among them, in date order.

    Why: asked for every round or batch, the timeline answers each in its own entry, which shares
    almost no words with the question beyond the lead's; entries alike but for their numbers are
    the same statement about the other members.
    """
    if snap.chunks[lead.row].block != "timeline":
        return []
    doc = snap.chunks[lead.row].doc_id
    source = snap.texts[doc]
    key = _MEMBER_NUMBER.sub("#", lead.text).strip().casefold()
    found: list[Candidate] = [lead]
    for idx, (row, a, b) in enumerate(snap.sent_spans):
        chunk = snap.chunks[int(row)]
        if idx == lead.idx or chunk.doc_id != doc or chunk.block != "timeline":
            continue
        text = source[int(a) : int(b)]
        if _MEMBER_NUMBER.sub("#", text).strip().casefold() == key:
            found.append(Candidate(idx, int(row), int(a), int(b), text, lead.cos, lead.lex, lead.score))

    def when(c: Candidate) -> tuple[int, int, int]:
        dates = date_mentions(snap.chunks[c.row].entry_date())
        first = dates[0] if dates else None
        return (first.year or 0, first.month or 0, c.idx) if first else (0, 0, c.idx)

    return [[c] for c in sorted(found, key=when)] if len(found) > 1 else []


def unit_citation(snap: Snapshot, unit: list[Candidate], n: int) -> Citation:
    """One citation for a run of consecutive sentences: the verbatim span from first to last."""
    chunk = snap.chunks[unit[0].row]
    source = snap.texts[chunk.doc_id]
    start, end = unit[0].start, unit[0].end
    for c in unit[1:]:  # extend only across white space, bullets and footnotes, never other furniture
        if c.start >= end and _joins(source[end : c.start]):
            end = c.end
        else:
            break
    return Citation.from_span(chunk, source, start, sentence_end(source, end), n)


_CUT = re.compile(r"[.!?:;…]['’”\")*_]*\s*$")
_NEXT_STOP = re.compile(r"[.!?](?=['’”\")*_]*(?:\s|$))|\n\s*\n")


def sentence_end(source: str, end: int, limit: int = 400) -> int:
    """``end`` moved on to the end of its sentence when a chunk boundary cut the sentence short.

    A quote that stops mid-sentence ("...and have not been") misleads; the rest of the sentence is
    still verbatim source text, usually on the next line or after page furniture.
    """
    if _CUT.search(source[max(0, end - 3) : end]) or end >= len(source):
        return end
    if source[end : end + 1] not in {" ", "\n", "\t", ""} and not source[end - 1 : end].isspace():
        return end  # not a cut between words: leave it
    pos, stop = end, min(len(source), end + limit)
    while True:
        m = _NEXT_STOP.search(source, pos, stop)
        if m is None:
            return end
        if not m.group(0).startswith("\n"):
            return m.end()
        after = source[m.end() : m.end() + 1]
        if not after.islower():  # a real paragraph break, not a page break inside a sentence
            return end
        pos = m.end()


def unit_prose(snap: Snapshot, unit: list[Candidate], citation: Citation) -> str:
    """The answer text for one unit: cleaned sentences within the cited span, lists kept as lists;
    an event listed under a date is shown with that date, which its own line does not repeat."""
    prose = _unit_text(snap, unit, citation)
    date = snap.chunks[unit[0].row].entry_date() if unit else ""
    if prose and date and date.lower() not in prose.lower():
        return f"{date}: {prose}"
    return prose


def _unit_text(snap: Snapshot, unit: list[Candidate], citation: Citation) -> str:
    source = snap.texts[citation.doc_id]
    inside = [c for c in unit if citation.start <= c.start and c.end <= citation.end]
    parts = [clean_for_display(source[c.start : c.end]) for c in inside]
    if inside and citation.end > inside[-1].end:  # the sentence a chunk boundary had cut short
        parts[-1] = clean_for_display(source[inside[-1].start : citation.end])
    if inside and table_rows.is_row(snap, inside[0].idx):  # table rows: cells, not a run-on line
        return table_rows.render(source, inside[0].start, citation.end)
    lead_in = next((k for k, c in enumerate(inside[:-1]) if is_lead_in(c.text)), None)
    if lead_in is not None:
        # a list keeps one bullet per item as the source lays it out (an item may hold two sentences)
        head = " ".join(p for p in parts[: lead_in + 1] if p)
        tail = source[inside[lead_in].end : citation.end]
        # a footnote a page break put between two items is page furniture, not an item or the end
        lines = [line for line in tail.split("\n") if not FOOTNOTE_LINE.fullmatch(line)]
        # a bulleted list ends where a paragraph without a bullet begins: that paragraph (a passage
        # quoted next to it) is text after the list, not one more item
        end = len(lines)
        if any(_ITEM_MARK.match(line) for line in lines):
            for k in range(1, len(lines)):
                if lines[k].strip() and not _ITEM_MARK.match(lines[k]) and not lines[k - 1].strip():
                    end = k
                    break
        items = [clean_for_display(line) for line in lines[:end]]
        after = " ".join(clean_for_display(line) for line in lines[end:] if line.strip())
        listed = head + "\n" + "\n".join(f"- {i}" for i in items if i)
        return f"{listed}\n\n{after}" if after else listed
    return " ".join(p for p in parts if p)
