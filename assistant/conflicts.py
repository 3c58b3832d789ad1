"""Notice when passages give different figures for the same thing, and show both.

General, not per question: two candidate sentences from different documents
that talk about the same thing (close in meaning, sharing the words around
the figure) but carry different numbers are both cited, with a note.
"""

from __future__ import annotations

import re

from assistant.compose import Candidate
from assistant.models import Citation
from assistant.snapshot import Snapshot
from assistant.text import content_stems

_FIGURE = re.compile(r"£?\d[\d,]*(?:\.\d+)?\s?(?:%|m\b|k\b|bn\b)?")


def typed_figures(text: str) -> dict[str, set[str]]:
    """Figures grouped by kind (year, money, percent, count): only like is compared with like."""
    out: dict[str, set[str]] = {}
    for f in figures(text):
        if f.startswith("£") or f.endswith(("m", "k", "bn")):
            kind = "money"
        elif f.endswith("%"):
            kind = "percent"
        elif re.fullmatch(r"(19|20)\d\d", f):
            kind = "year"
        else:
            kind = "count"
        out.setdefault(kind, set()).add(f)
    return out


def disagree(a: str, b: str) -> bool:
    """Both sentences give a figure of the same kind, and the figures are not the same."""
    fa, fb = typed_figures(a), typed_figures(b)
    return any(kind in fb and fa[kind] != fb[kind] for kind in fa)


def figures(text: str) -> set[str]:
    """Normalised figures in a sentence (years included: dates differ too)."""
    out = set()
    for m in _FIGURE.finditer(text):
        raw = m.group(0).replace(",", "").replace(" ", "").lower()
        if raw.strip("£"):
            out.add(raw)
    return out


def find_conflicts(
    snap: Snapshot, query: str, cands: list[Candidate], units: list[list[Candidate]], min_sim: float = 0.6
) -> list[list[Candidate]]:
    """Extra units that state a different figure, from another document, for what the answer states."""
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


def conflict_notes(snap: Snapshot, citations: list[Citation], extra: list[list[Candidate]]) -> list[str]:
    """One note naming the documents, their dates and their figures, when a conflict was added."""
    if not extra:
        return []
    extra_ids = {snap.chunks[u[0].row].chunk_id for u in extra}
    sides = []
    for c in citations:
        figs = sorted(figures(c.text))
        if figs:
            info = snap.docs.get(c.doc_id)
            when = info.display_date if info else c.date
            sides.append(f"“{c.title}” ({when}) [{c.n}] gives {', '.join(figs)}")
    if len(sides) < 2 or not any(
        snap.chunks[snap.row_of[c.chunk_id]].chunk_id in extra_ids for c in citations
    ):
        return []
    return ["The documents differ here: " + "; ".join(sides) + ". Both are quoted; check the later one."]
