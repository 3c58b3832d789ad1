"""Notice when passages give different figures for the same thing, and show both.

General, not per question: two candidate sentences from different documents
that talk about the same thing (close in meaning, sharing the words around
the figure) but carry different numbers are both cited, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.candidates import Candidate
from assistant.models import Citation
from assistant.snapshot import Snapshot
from assistant.text import content_stems
from ingest.values import MONTH_NAMES, date_mentions, format_gbp, money_in

_FIGURE = re.compile(r"£?\d[\d,]*(?:\.\d+)?\s?(?:%|per cent\b|million\b|billion\b|m\b|k\b|bn\b)?", re.I)


# the first word a share is of, past "of", articles and pronouns ("of those entering care" -> entering)
_SHARE_OF = re.compile(r"^\s*(?:of\s+)?(?:(?:the|those|these|all|its|their|our|an?)\s+)*([a-z]{3,})", re.I)
_COUNT_NOUN = re.compile(r"^\s*(?:[a-z-]+\s+){0,2}?([a-z]{3,})", re.I)


def typed_figures(text: str) -> dict[str, set[str]]:
    """Figures grouped by what they measure, so only like is compared with like.

    Money and percentages are compared as such; a month and year as a date; a
    bare year as a year; any other number together with the noun after it
    ("700 staff", "53 projects"), so 120 organisations never contradict 90
    local authorities.
    """
    out: dict[str, set[str]] = {}
    for d in date_mentions(text):
        if d.year is not None and d.season is None:
            out.setdefault("date", set()).add(f"{MONTH_NAMES[d.month - 1]} {d.year}")
    for m in _FIGURE.finditer(text):
        f = _normalise(m.group(0))
        if not f.strip("£"):
            continue
        if f.startswith("£") or f.endswith(("m", "k", "bn")):
            # what the money is (funding, investment, a contract) decides what it can be compared with
            after = re.match(
                r"^[\s,]*(?:(?:of|in|for|total|a|an|the)\s+){0,3}([a-z]+)", text[m.end() :].lower()
            )
            word = after.group(1) if after else ""
            kind_word = [] if word in {"of", "in", "for", "total", "a", "an", "the"} else content_stems(word)
            out.setdefault(f"money:{kind_word[0]}" if kind_word else "money", set()).add(f)
        elif f.endswith("%"):
            # a share is of something: "20% of those entering care" and "42% of entries to care" are
            # shares of different things, "20% of projects" and "25% of projects" of the same
            of = _SHARE_OF.match(text[m.end() :])
            stem = content_stems(of.group(1)) if of else []
            out.setdefault(f"percent:{stem[0]}" if stem else "percent", set()).add(f)
        elif re.fullmatch(r"(19|20)\d\d", f):
            out.setdefault("year", set()).add(f)  # "May 2014" also counts as the year 2014
        else:
            noun = _COUNT_NOUN.match(text[m.end() :])
            if noun:
                stem = content_stems(noun.group(1))
                key = f"count:{stem[0] if stem else noun.group(1).lower()}"
                out.setdefault(key, set()).add(f)
    return out


def _differs(x: set[str], y: set[str]) -> bool:
    """Neither set contains the other: one sentence merely saying more is not a disagreement."""
    return not (x <= y or y <= x)


def disagree(a: str, b: str) -> bool:
    """Both sentences give figures of the same kind, and the figures contradict."""
    fa, fb = typed_figures(a), typed_figures(b)
    return any(kind in fb and _differs(fa[kind], fb[kind]) for kind in fa)


def _normalise(figure: str) -> str:
    """One form per figure: millions as the toolkit writes them ("£110 million", "£110m" and
    "£110,000,000" are one amount), percentages with "%", other numbers without thousands commas."""
    for money in money_in(figure):
        if money.start == 0 and money.value is not None and money.value >= 1e6:
            return format_gbp(money.value)
    raw = figure.lower().replace("million", "m").replace("billion", "bn").replace("per cent", "%")
    return raw.replace(",", "").replace(" ", "")


def figures(text: str) -> set[str]:
    """Normalised figures in a sentence (years included: dates differ too)."""
    out = set()
    for m in _FIGURE.finditer(text):
        raw = _normalise(m.group(0))
        if raw.strip("£"):
            out.add(raw)
    return out


def find_conflicts(
    snap: Snapshot,
    query: str,
    cands: list[Candidate],
    units: list[list[Candidate]],
    min_sim: float = 0.6,
    about: Callable[[Candidate], bool] | None = None,
) -> list[list[Candidate]]:
    """Extra units that state a different figure, from another document, for what the answer states.

    ``about`` tells whether a sentence is about the asked subject: Leeds's 1,500 trained staff do not
    dispute Tri-Borough's 700, however alike the sentences read.
    """
    if not units:
        return []
    chosen = [c for u in units for c in u]
    chosen_docs = {snap.chunks[c.row].doc_id for c in chosen}
    best = max(c.score for c in cands)
    q_stems = set(content_stems(query))
    extra: list[list[Candidate]] = []
    for lead in units[:3]:
        base = next((c for c in lead if figures(c.text)), None)
        if base is None:
            continue
        base_figs = figures(base.text)
        base_doc = snap.chunks[base.row].doc_id
        for cand in sorted(cands, key=lambda c: -c.score):
            doc = snap.chunks[cand.row].doc_id
            if doc == base_doc or doc in chosen_docs or cand.score < best - 0.4:
                continue
            figs = figures(cand.text)
            if not figs or not disagree(base.text, cand.text):
                continue
            if about is not None and not about(cand):
                continue
            sim = float(snap.sent_vecs[base.idx] @ snap.sent_vecs[cand.idx])
            if figs & base_figs:
                sim += 0.1  # a shared figure (the same £110m, the same 53 projects) says it is the same thing
            shared = (set(content_stems(base.text)) & set(content_stems(cand.text))) - {
                f.strip("£%") for f in figs | base_figs
            }
            if sim >= min_sim and len(shared & q_stems) >= 1 and len(shared) >= 3:
                extra.append([cand])
                chosen_docs.add(doc)
                break
    return extra


def _as_written(text: str, number: str) -> str:
    """ "57 PROJECTS" -> "57 projects": the count with the word the source puts after it."""
    m = re.search(rf"\b{re.escape(number)}\s+([A-Za-z][A-Za-z-]*)", text.replace(",", ""))
    return f"{number} {m.group(1).lower()}" if m else number


def _note(snap: Snapshot, sides: tuple, kinds: list[str]) -> str:
    """One sentence naming each source, its date, its citation number and its figures."""
    parts = []
    for cit, figs in sides:
        info = snap.docs.get(cit.doc_id)
        when = info.display_date if info else cit.date
        values = ", ".join(
            _as_written(cit.text, v) if k.startswith("count:") else v for k in kinds for v in sorted(figs[k])
        )
        parts.append(f"“{cit.title}” ({when}) [{cit.n}] gives {values}")
    return "The documents differ here: " + "; ".join(parts) + ". Both are quoted above."


def _same_quantity(snap: Snapshot, unit_a: list[Candidate], unit_b: list[Candidate]) -> bool:
    """Close in meaning and in wording: two statements about one thing, not two things."""
    text_a = " ".join(c.text for c in unit_a)
    text_b = " ".join(c.text for c in unit_b)
    sim = max(float(snap.sent_vecs[a.idx] @ snap.sent_vecs[b.idx]) for a in unit_a for b in unit_b)
    if figures(text_a) & figures(text_b):
        sim += 0.1
    fig_words = {f.strip("£%") for f in figures(text_a) | figures(text_b)}
    shared = (set(content_stems(text_a)) & set(content_stems(text_b))) - fig_words
    return sim >= 0.6 and len(shared) >= 3


def conflict_notes(snap: Snapshot, cited: list[tuple[list[Candidate], Citation]]) -> list[str]:
    """A note for each pair of cited sources that give different figures of one kind for one thing."""
    notes: list[str] = []
    seen: set[tuple] = set()
    for i, (unit_a, cit_a) in enumerate(cited):
        for unit_b, cit_b in cited[i + 1 :]:
            if cit_a.doc_id == cit_b.doc_id:
                continue
            text_a = " ".join(c.text for c in unit_a)
            text_b = " ".join(c.text for c in unit_b)
            if not (disagree(text_a, text_b) and _same_quantity(snap, unit_a, unit_b)):
                continue
            fa, fb = typed_figures(text_a), typed_figures(text_b)
            kinds = [k for k in fa if k in fb and _differs(fa[k], fb[k])]
            key = (cit_a.doc_id, cit_b.doc_id, tuple(sorted(v for k in kinds for v in fa[k] | fb[k])))
            if key in seen:
                continue
            seen.add(key)
            notes.append(_note(snap, ((cit_a, fa), (cit_b, fb)), kinds))
    return notes


_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)?\d\d))?\b")


def year_span(text: str) -> tuple[int, int] | None:
    """The first and last year a text speaks of ("2014-16" is 2014 to 2016), or None."""
    years: list[int] = []
    for m in _YEAR_SPAN.finditer(text):
        years.append(int(m.group(1)))
        if m.group(2):
            end = m.group(2)
            years.append(int(end) if len(end) == 4 else int(m.group(1)[:2] + end))
    return (min(years), max(years)) if years else None


def citation_conflicts(
    snap: Snapshot, first: list[Citation], second: list[Citation], query: str = ""
) -> list[str]:
    """Notes for figures that contradict between two sets of citations (e.g. a record and prose).

    Without sentence vectors for structured records, "the same thing" is judged
    on wording alone: the two quotes must share at least three content words.
    """
    notes: list[str] = []
    seen: set[tuple] = set()
    for a in first:
        for b in second:
            if a.doc_id == b.doc_id or not disagree(a.text, b.text):
                continue
            fig_words = {f.strip("£%") for f in figures(a.text) | figures(b.text)}
            shared = (set(content_stems(a.text)) & set(content_stems(b.text))) - fig_words
            fa, fb = typed_figures(a.text), typed_figures(b.text)
            kinds = [k for k in fa if k in fb and _differs(fa[k], fb[k])]
            # both answer the question's own "how many <noun>": the same quantity by definition
            asked = {f"count:{s}" for s in content_stems(query)} & set(kinds)
            # a record cited in several parts (a round's header and its funding line) is read whole
            whole_a = " ".join(c.text for c in first if c.section == a.section)
            spans = year_span(whole_a), year_span(b.text)
            if asked and None not in spans and spans[0] != spans[1]:
                asked = set()  # the same count for different periods (Round 1 vs Round 2) is no conflict
            if len(shared) < 3 and not asked:
                continue
            if asked:
                kinds = sorted(asked)
            key = (a.section, b.doc_id, tuple(sorted(v for kind in kinds for v in fa[kind] | fb[kind])))
            if key in seen:
                continue
            seen.add(key)
            notes.append(_note(snap, ((a, fa), (b, fb)), kinds))
    return notes
