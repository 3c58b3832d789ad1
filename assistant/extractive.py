"""Extractive answering: read the retrieved passages, judge whether they answer, quote what does.

The order is fixed: not about the documents, an exact reference, not covered at all (abstain), what
to read, the lead sentence (answerability), the units around it, then notes. Every quote is checked
verbatim before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from assistant.abstain import abstain_reason
from assistant.analysis import QuestionAnalysis
from assistant.answerability import Verdict, alternatives, judge
from assistant.candidates import Candidate, candidates, promote_answer, promote_row, titled_sections
from assistant.cite import verify
from assistant.compose import merge_adjacent, parallel_entries, select, unit_citation, unit_prose
from assistant.conflicts import conflict_notes, find_conflicts
from assistant.dates import passed_note
from assistant.document_dates import about_itself, dates_differ, own_date, says_published
from assistant.groundcheck import facts_of
from assistant.models import Answer, Citation, Passage, abstained
from assistant.reading import what_to_read
from assistant.references import resolve
from assistant.snapshot import Snapshot
from assistant.subjects import about_subject, names_covered
from assistant.text import PROSE_TYPES, content_stems
from assistant.units import docs_of_kinds, kinds_of
from ingest.config import Settings

_FIGURES = frozenset({"money", "count", "share", "date", "duration", "deadline"})  # asked values
_DUE = frozenset(
    content_stems(
        "deadline deadlines closing close due submit submission apply application event workshop webinar "
        "session meeting interview available availability release start begin proposal proposals"
    )
)


# asking by when something must be done: "have to be in by", "is it still open", "too late to apply"
_DUE_ASK = re.compile(
    r"\b(?:by when|in by|due|cut-?off|still (?:time|open)|too late|closing|close[sd]?)\b", re.I
)


def _is_about_dates(analysis: QuestionAnalysis) -> bool:
    """ "This date has passed" belongs only to answers about something due or scheduled.

    A deadline, a workshop, when funding is released: a reader might still act on those. A
    publication date, a launch or a statistic's date is history, and a note would mislead.
    """
    due = analysis.still_open or bool(_DUE & set(analysis.focus)) or bool(_DUE_ASK.search(analysis.clause))
    return analysis.answer_type in {"date", "deadline", "duration", None} and due


def _figure_leads(cands: list[Candidate], question: str, lead_margin: float) -> None:
    """ "What did the article say about the £200m?": a sentence stating that very figure leads.

    The figure names what the question is about more exactly than any word; a sentence near it in
    meaning with another figure ("a £20 million centre") is not about it. Only sentences scoring
    within half the lead margin of the best are promoted.
    """
    asked = facts_of(question).money
    if not asked or not cands:
        return
    best = max(c.score for c in cands)
    holding = [
        c
        for c in cands
        if c.score >= best - lead_margin / 2 and any(facts_of(c.text).has_money(v) for v in asked)
    ]
    for c in holding:
        c.score = max(c.score, best + 0.01)


def _shows(snap: Snapshot, unit: list[Candidate], cand: Candidate) -> bool:
    """``unit``'s quote includes ``cand``."""
    if not any(c.idx == cand.idx for c in unit):
        return False
    cit = unit_citation(snap, unit, 0)
    return cit.start <= cand.start and cand.end <= cit.end


def _other_asks(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    passages: list[Passage],
    names: list[str],
    units: list[list[Candidate]],
    embed: Callable[[str], np.ndarray],
    cfg: Settings,
) -> list[list[Candidate]]:
    """A unit for each ask (``analysis.parts``) that the answer's first quote does not answer.

    The whole question's best sentences answer one of its asks ("what does their day look like");
    another ("has it helped the staff?") shares few words with them. Each ask is scored on its own,
    with the question's names as its subject, among the same passages; its best sentence joins the
    answer right after the lead (a runner-up quoting it moves up) unless the lead's quote shows it.
    """
    if len(analysis.parts) < 2 or not units:
        return []
    taken = {c.idx for u in units for c in u}
    subject = frozenset(content_stems(" ".join(names)))
    out: list[list[Candidate]] = []
    for part in analysis.parts:  # the lead may answer any of them, not only the first
        # "what's kept it going?": "it" is the question's subject, named for the search
        ask = f"{part} ({', '.join(names)})" if names else part
        scored = [
            c
            for c in candidates(snap, ask, embed(ask), passages, cfg.ranking, cfg.reading, subject=subject)
            if not c.is_question
        ]
        if not scored:
            continue
        best = max(scored, key=lambda c: c.score)
        # a unit holds the sentence only if its quote shows it (a unit's quote stops at cut-out
        # furniture, a heading, before its later members)
        holding = next((u for u in units if _shows(snap, u, best)), None)
        if any(holding is u for u in (units[0], *out)):
            continue  # the answer's first quote already says it
        if holding is not None:
            units.remove(holding)  # a runner-up already quoted it: it moves up, as this ask's answer
            out.append(holding)
            continue
        unit = [c for c in select(snap, scored, cfg.ranking, lead=best)[0] if c.idx not in taken] or [best]
        taken.update(c.idx for c in unit)
        out.append(unit)
    return out


def answer_extractively(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    question: str,
    query: str,
    qvec: np.ndarray,
    passages: list[Passage],
    contexts: list[str],
    cfg: Settings,
    embed: Callable[[str], np.ndarray],
    decline: bool = True,
) -> Answer:
    """The answer quoted from the passages: a lead sentence that answers, what supports it, notes.

    Declines (``abstained``) when the documents do not state what is asked; with ``decline=False``
    the decline is the plain one, without the nearest sentence (the caller has an answer already).
    """
    if analysis.not_documents:
        reason = (
            f"This is {analysis.not_documents}. I only answer questions about the Children's Social "
            "Care Innovation Programme, by quoting its documents."
        )
        if analysis.not_documents.startswith("a personal matter"):
            # a family in trouble needs somewhere to turn, not only a refusal
            reason += (
                " If this is about your own family, your local council's children's services, a "
                "family law solicitor or a free advice service can help."
            )
        return abstained(question, query, contexts, reason=reason)
    if analysis.reference:
        lead_row = None
        if analysis.reference.get("kind") == "passage":
            # "quote me what it says about X": the passage holding the sentence that best answers
            every = candidates(snap, query, qvec, passages, cfg.ranking, cfg.reading)
            scored = [c for c in every if not c.is_question]
            lead_row = max(scored, key=lambda c: c.score).row if scored else None
        found = resolve(snap, analysis, passages, embed, lead_row)
        if found is not None:
            text, cits = found
            if all(verify(c, snap.texts[c.doc_id]) for c in cits):
                return Answer(question=question, query=query, answer=text, abstained=False,
                              citations=cits, contexts=contexts, mode="reference")  # fmt: skip
        if analysis.reference.get("kind") == "paragraph":
            numbered = sorted({snap.docs[c.doc_id].title for c in snap.chunks if c.paragraph})
            reason = (
                f"No document has a paragraph {analysis.reference['number']}. Numbered paragraphs "
                "are in: " + "; ".join(f"“{t}”" for t in numbered) + "."
            )
            return abstained(question, query, contexts, reason=reason)
    # words around the ask (who is asking, why, pasted junk) do not make a question unanswerable
    why = abstain_reason(snap, analysis, passages, qvec, cfg.abstention)
    if why:
        return abstained(question, query, contexts, reason=f"The documents do not cover this: {why}.")
    reading = what_to_read(snap, analysis, passages, qvec, embed, cfg.applicant_kinds, cfg.reading)
    if reading.whole_table:
        # several criteria fit equally: the question is about the table, given whole
        found = resolve(snap, replace(analysis, reference={"kind": "table"}), passages, embed)
        if found is not None and all(verify(c, snap.texts[c.doc_id]) for c in found[1]):
            return Answer(question=question, query=query, answer=found[0], abstained=False,
                          citations=found[1], contexts=contexts, mode="reference")  # fmt: skip
    passages, names = reading.passages, reading.names
    # a question naming its document is scored for what it asks of that document
    score_query = reading.query or query
    score_vec = reading.qvec if reading.qvec is not None else qvec

    def scored(passages: list[Passage]) -> list[Candidate]:
        return candidates(snap, score_query, score_vec, passages, cfg.ranking, cfg.reading,
                          analysis.answer_type, prose_first=analysis.intent in {"explain", "yesno"},
                          subject=frozenset(content_stems(" ".join(names))),
                          document_asked=reading.named_doc is not None)  # fmt: skip

    cands = scored(passages)
    if analysis.answer_type and analysis.answer_type not in PROSE_TYPES:
        # a value asked of a part the best sentence only lists by its title: the part's own section
        titled = titled_sections(snap, cands, cfg.ranking)
        have = {snap.row_of[p.chunk.chunk_id] for p in passages}
        if missing := [r for r in titled if r not in have]:
            low, vecs = (passages[-1].score if passages else 0.0), snap.chunk_vecs
            passages = [
                *passages,
                *(Passage(snap.chunks[r], low, dense=float(vecs[r] @ score_vec)) for r in missing),
            ]
            cands = scored(passages)
        top = max((c.score for c in cands if not c.is_question), default=0.0)
        for cand in cands:
            if cand.row in titled and not cand.is_question:
                cand.score = max(cand.score, top)
    if reading.row_meant is not None:
        promote_row(cands, reading.row_meant)
    elif reading.answered_row is not None and analysis.answer_type is None:
        # (a typed question, "how long in 2014-16", is still judged on its value and time frame)
        row = reading.answered_row
        promote_answer(cands, row, snap.chunks[row].section.split(" > ")[-1])
    if analysis.answer_type is None or analysis.answer_type in PROSE_TYPES:
        _figure_leads(cands, analysis.query, cfg.lead_margin)
    verdict = judge(snap, analysis, cands, cfg.answer, cfg.reading, named_doc=reading.named_doc)
    named_row = next((c for c in cands if c.idx == reading.row_meant), None)
    if named_row is not None and analysis.answer_type is None:
        # the criteria row the question names is the answer, whoever else the question mentions
        # ("how will the Department judge value for money": the Department is the judge, not a subject)
        verdict = Verdict(named_row)
    own_dated = False
    if (
        analysis.publication
        and reading.named_doc is not None
        and about_itself(snap, analysis, reading.named_doc)
    ):
        # "when was the interim report published?": the report's own dated line first; another
        # document's account of it follows (and the notes say when the two differ)
        top = max((c.score for c in cands), default=1.0)
        own = own_date(snap, reading.named_doc, top, cfg.reading.title_page_chars)
        own_dated = own is not None
        if own is not None:
            # other documents' statements of when it came out, and nothing else
            accounts = [c for c in cands if says_published(snap, c, reading.named_doc)]
            cands = [own, *accounts]
            verdict = Verdict(own)
    if verdict.lead is None:
        if not decline:
            return abstained(question, query, contexts)
        return near_miss(snap, question, query, contexts, verdict)
    # a lead that names the asked subject ("Hertfordshire's principle ... has led to") goes on
    # through its paragraph, which tells what that subject did
    names_lead = bool(analysis.names) and names_covered(analysis, verdict.lead.text)
    if own_dated:
        # the dated line alone (the title page's next lines are not part of it), then the accounts
        units = [[verdict.lead], *([c] for c in cands[1:3])]
    else:
        units = merge_adjacent(select(snap, cands, cfg.ranking, lead=verdict.lead, names_lead=names_lead))
        series = (
            parallel_entries(snap, units[0][0]) if analysis.series and units and len(units[0]) == 1 else []
        )
        if series:
            # "for each of the rounds": the lead's like for every other member, in date order, first
            taken = {c.idx for u in series for c in u}
            units = [*series, *(u for u in units[1:] if not any(c.idx in taken for c in u))]
    # "..., and has it helped the staff?": each further ask gets the sentence that best answers it
    # (scored for that ask alone), right after the lead
    also = _other_asks(snap, analysis, passages, names, units, embed, cfg) if not own_dated else []
    if also:
        units = [units[0], *also, *units[1:]]
    # a different figure for what the lead states, about the same subject; only when a figure is
    # what was asked ("how many", "how much", "when") or the asker says the documents differ: the
    # counts a lesson or a description happens to mention (29 women in a pilot, 160 in all) are
    # not the answer, so their differences are no note about it
    figures = analysis.asks_conflict or analysis.answer_type in _FIGURES
    extra = (
        find_conflicts(
            snap, query, cands, units[:1], about=lambda c: about_subject(snap, analysis, c, cfg.reading)
        )
        if figures
        else []
    )
    if analysis.asks_conflict and analysis.answer_type not in {None, *PROSE_TYPES}:
        taken = {c.idx for u in units for c in u}
        alts = alternatives(snap, analysis, qvec, verdict.lead, cfg.answer)
        alts = [u for u in alts if not any(c.idx in taken for c in u)]
        extra.extend(alts)
    units.extend(extra)
    pieces: list[str] = []
    more: list[str] = []
    citations: list[Citation] = []
    cited: list[tuple[list, Citation]] = []
    notes: list[str] = []
    noted_dates: set = set()  # a date noted as passed once per answer, however many quotes give it
    lead_score = units[0][0].score if units else 0.0
    lead_doc = snap.chunks[units[0][0].row].doc_id if units else ""
    call_docs = docs_of_kinds(snap, kinds_of(cfg.applicant_kinds))
    size = 0
    for unit in units:
        bound = unit[0].bound  # what the lead's asterisk points to (its footnote, the starred rows)
        short = (
            not pieces
            or unit in extra
            or unit in also
            or bound
            or unit[0].score >= lead_score - cfg.extra_margin
        )
        if short and pieces and unit not in extra and not bound:
            # a passage about another project is not spliced in as if about this one
            short = about_subject(snap, analysis, unit[-1], cfg.reading)
            doc = snap.chunks[unit[0].row].doc_id
            if analysis.applicant and doc != lead_doc and {doc, lead_doc} <= call_docs:
                # an applicant's question is about one call's rules: another call's document (its
                # own deadlines, its own "the deadline has passed") is not part of this answer
                short = False
        cit = unit_citation(snap, unit, len(citations) + 1)
        if not verify(cit, snap.texts[cit.doc_id]):
            continue  # never show a quote that is not verbatim
        prose = unit_prose(snap, unit, cit)
        if not prose:
            continue
        piece_len = len(prose) + 6
        if short and pieces and not bound and unit not in also and size + piece_len > cfg.answer_chars:
            short = False
        if figures and not short and cited and conflict_notes(snap, [cited[0], (unit, cit)]):
            short = True  # another document's different figure for the same thing is part of the answer
        if short:
            citations.append(cit)
            pieces.append(f"{prose} [{cit.n}]")
            size += piece_len
            cited.append((unit, cit))
            if _is_about_dates(analysis):
                note = passed_note(prose, cit.date, cit.title, cfg.today, noted_dates)
                if note and note not in notes:
                    notes.append(note)
        else:
            more.append((prose, cit))
    # the short answer's sources are numbered first; "more" continues the numbering after them
    first = len(citations) + 1
    more_text = [f"{prose} [{i}]" for i, (prose, _c) in enumerate(more, start=first)]
    more_cits = [replace(cit, n=i) for i, (_p, cit) in enumerate(more, start=first)]
    if not citations:
        return abstained(question, query, contexts)
    if own_dated:
        notes.extend(n for n in dates_differ(snap, cited) if n not in notes)
    elif figures:
        notes.extend(conflict_notes(snap, cited))
    return Answer(
        question=question,
        query=query,
        answer="\n\n".join(pieces),
        abstained=False,
        citations=citations,
        contexts=contexts,
        notes=notes,
        more="\n\n".join(more_text),
        more_citations=more_cits,
    )


def near_miss(snap: Snapshot, question: str, query: str, contexts: list[str], verdict: Verdict) -> Answer:
    """Decline, saying what is missing, and quote the nearest sentence so the reader can look on."""
    reason = f"The documents were searched, but {verdict.missing}."
    answer = abstained(question, query, contexts, reason=reason)
    if verdict.nearby is not None:
        cit = unit_citation(snap, [verdict.nearby], 1)
        if verify(cit, snap.texts[cit.doc_id]):
            answer.answer += f"\n\nThe nearest they come: “{unit_prose(snap, [verdict.nearby], cit)}” [1]"
            answer.citations = [cit]
    return answer
