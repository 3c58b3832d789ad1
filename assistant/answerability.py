"""Answer only when a retrieved sentence states a value of the asked type about the asked subject.

A question that asks *when*, *how much*, *how many*, *who* is answered by a sentence that holds
a date, an amount, a count of the asked thing, a name, and that is about the question's focus.
Retrieval always returns *something* that shares the question's words; without this check that
near-miss text was shown as if it answered. When no sentence qualifies the assistant declines and
says what is missing and what the documents do say nearby.

This module is the judge itself (:func:`judge`, :func:`alternatives`); the checks it applies live
beside it: the asked names and subjects in ``assistant.subjects``, acronyms in
``assistant.acronyms``, coverage of the question's focus in ``assistant.coverage``, and the typed
value checks in ``assistant.typed_values``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from assistant.acronyms import acronyms
from assistant.analysis import QuestionAnalysis
from assistant.candidates import Candidate
from assistant.coverage import _asks_covered, focus_coverage
from assistant.snapshot import Snapshot
from assistant.subjects import (
    _context,
    _names_another,
    about_subject,
    asked_names,
    names_covered,
    proper_nouns,
)
from assistant.text import (
    CLOSED_RE,
    FINDING_SOURCE_RE,
    PROSE_TYPES,
    VALUE_PHRASE,
    content_stems,
    has_value,
    relative_years,
    result_strength,
)
from assistant.typed_values import (
    _asks_length,
    _in_time_frame,
    _of_another_in_series,
    _used_as_reference,
    stated,
    states_value,
)
from ingest.config import AnswerSettings, ReadingSettings


@dataclass
class Verdict:
    """The lead sentence that answers, or why none does (``missing``) and the nearest text."""

    lead: Candidate | None
    missing: str = ""
    nearby: Candidate | None = None


# a sentence that says what its subject is: "X is a/an/the ...", "X involves / provides / means ..."
_IS_A = re.compile(r"\b(?:is|are)\s+(?:a|an|the|one of|designed to)\b")
_DEFINING = re.compile(
    _IS_A.pattern + r"|\b(?:involves?|provides?|offers?|means?|brings together|comprises?|consists? of"
    r"|works? with|supports?)\b"
)


def _defines(snap: Snapshot, analysis: QuestionAnalysis, sentence: str, strict: bool = False) -> bool:
    """Whether ``sentence`` opens by saying what the asked subject is (named before the verb, in full
    or by the acronym the documents define for it); ``strict``: only "X is a / an / the ..."."""
    m = (_IS_A if strict else _DEFINING).search(sentence)
    if m is None or m.start() > 120:
        return False
    subject = set(content_stems(sentence[: m.start()]))
    spelt = acronyms(snap)
    for short in re.findall(r"\b[A-Z][A-Za-z]*[A-Z]\w*\b", sentence[: m.start()]):
        subject |= spelt.get(short.lower(), set())
    focus = set(analysis.focus)
    return bool(focus) and len(subject & focus) >= max(1, len(focus) // 2)


def _response_after(snap: Snapshot, described: list[Candidate], reach: int) -> Candidate | None:
    """What was done, stated right after the sentences that describe the problem.

    The documents tell a difficulty and then the answer to it ("... has not been easy. ... One
    solution has been ..."); the answer shares few words with a question about the difficulty. Read
    within ``reach`` sentences (``answer.response_reach``) of each described one.
    """
    for cand in described:
        doc, section = snap.chunks[cand.row].doc_id, snap.chunks[cand.row].section
        for idx in range(cand.idx + 1, min(cand.idx + 1 + reach, len(snap.sent_spans))):
            row, a, b = (int(v) for v in snap.sent_spans[idx])
            if snap.chunks[row].doc_id != doc or snap.chunks[row].section != section:
                break
            text = snap.texts[doc][a:b]
            if has_value(text, "response"):
                return Candidate(idx, row, a, b, text, cand.cos, cand.lex, cand.score)
    return None


# words that ask for a lesson or a difficulty: the kind of answer, not what it is about
_KIND_CUES = frozenset(
    content_stems(
        "learn learnt learned learning lesson lessons taught teach hardest toughest trickiest hard "
        "difficult difficulty difficulties challenge challenges challenging struggle struggled problem "
        "problems barrier barriers obstacle obstacles hurdle hurdles"
    )
)


def _own(snap: Snapshot, cand: Candidate) -> str:
    """A sentence with its section heading: what it says itself, without its neighbours."""
    return f"{snap.chunks[cand.row].section}\n{cand.text}"


def judge(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    cands: list[Candidate],
    answering: AnswerSettings,
    reading: ReadingSettings,
    named_doc: str | None = None,
) -> Verdict:
    """Pick the sentence to lead with, or say why none can.

    ``answering``: the settings' answer group (margins, focus, weights); ``reading``: its reading
    group (what a paragraph is, which words are names); ``named_doc``: the document the asker
    names, whose every sentence is its own finding.
    """
    lead_margin, min_focus = answering.lead_margin, answering.min_focus
    ranked = sorted((c for c in cands if not c.is_question), key=lambda c: -c.score)
    if not ranked:
        return Verdict(None, "nothing relevant was retrieved")
    used = {s for c in cands for s in content_stems(c.text)} if analysis.answer_type == "count" else None
    best = ranked[0].score
    if analysis.answer_type is None or analysis.answer_type in PROSE_TYPES:
        # no value to look for: among the sentences that score nearly as well, lead with the one that
        # says most about the question's subject ("... about working with *schools*"), and for
        # "what did X achieve" prefer one that reports a result; neither is a condition to answer
        close = [c for c in ranked if c.score >= best - lead_margin / 2]
        named_subject = bool(asked_names(analysis, proper_nouns(snap, reading)))

        # a passage about another project is not an answer about this one
        named = [c for c in close if about_subject(snap, analysis, c, reading)] or close
        if analysis.answer_type == "finding":
            # a measured result ("86% remained at home") beats a described one, which beats a description
            # (an aim with a figure, "aims to reduce from 400 to 280", is a target, not a result)
            # a named subject narrows the field, so results a little further down are still about it
            margin = lead_margin if named_subject else lead_margin / 2
            wide = [
                c for c in ranked if c.score >= best - margin and about_subject(snap, analysis, c, reading)
            ]
            if analysis.finding_source and named_doc is None:
                # "what did the final evaluation conclude?": a finding of that source, said to be its
                # own; a figure quoted from elsewhere about the same subject is not what it found
                nearby = (wide or ranked)[0]
                wide = [c for c in (wide or ranked[:1]) if FINDING_SOURCE_RE.search(_own(snap, c))]
                # (a source's finding is reported as done, "the evaluation revealed ...": one under
                # way, or hoped for, is not yet found)
                if not any(result_strength(c.text) >= 2 for c in wide):
                    about = _asked(analysis)
                    return Verdict(None, f"they mention {about} but report no result or finding from it",
                                   nearby=wide[0] if wide else nearby)  # fmt: skip
            strength = {c.idx: result_strength(c.text) for c in wide}
            top = max(strength.values(), default=0)
            if top >= 2:
                return Verdict(next(c for c in wide if strength[c.idx] == top))
            # a described result ("the delegation proceeded relatively smoothly") answers "how did it
            # go?" before a description; "did it work?" wants a reported one (below). Only when asked
            # of what happened ("what do they want to see on impact?" asks for no result), and among
            # the sentences nearly as close as the best, not any further down
            described = [c for c in wide if strength.get(c.idx) == 1]
            if top == 1 and analysis.intent != "yesno" and analysis.past and described:
                return Verdict(described[0])
            # "did the trial show X?" is answered only by a reported result; one hoped for is not one
            if (top == 0 or (analysis.intent == "yesno" and top < 2)) and wide:
                # the subject is there ("final evaluation report ... August 2017") but no sentence
                # about it reports any result: a description is not a finding
                about = _asked(analysis)
                return Verdict(None, f"they mention {about} but report no result or finding for it",
                               nearby=wide[0])  # fmt: skip
        if analysis.answer_type == "definition":
            # "what is X": the sentence that says what X is ("SoS is an integrated framework ...")
            margin = lead_margin if named_subject else lead_margin / 2
            wide = [c for c in ranked if c.score >= best - margin]
            # "X is a / an ..." says what X is more plainly than "X involves / provides ..."
            hit = next((c for c in wide if _defines(snap, analysis, c.text, strict=True)), None)
            hit = hit or next((c for c in wide if _defines(snap, analysis, c.text)), None)
            if hit is not None:
                return Verdict(hit)
        if analysis.answer_type in {"lesson", "response", "obstacle"}:
            # "what did X learn" / "what did X do about it": the sentence that states a lesson (or
            # what was done), among those about X
            margin = lead_margin if named_subject else lead_margin / 2
            wide = [
                c for c in ranked if c.score >= best - margin and about_subject(snap, analysis, c, reading)
            ]
            hit = None
            if analysis.answer_type == "response" and wide:
                # the documents tell a difficulty, then what was done about it: the response right
                # after a stated difficulty comes before any other sentence that says "by providing"
                # (for one named project: across projects, the report's own summary answers first)
                troubles = [c for c in wide if has_value(c.text, "obstacle")] if named_subject else []
                hit = _response_after(snap, troubles[:3], answering.response_reach)
                if hit is None and not has_value(wide[0].text, "response"):
                    # the nearest sentence tells the difficulty
                    hit = _response_after(snap, wide[:1], answering.response_reach)
            # a sentence that states a lesson (a difficulty) but mentions nothing asked ("building
            # on early learning") gives way to one that does, as a typed value does; with a named
            # subject, it must say something of what is asked about it besides the name ("the
            # hardest bit for Pause on the staffing side": staff, not "face her challenges")
            # (the words that ask for the kind of answer, "learn", "hardest", say what kind of
            # answer, not what it is about: every sentence of that kind has them)
            stating = [c for c in wide if has_value(c.text, analysis.answer_type)]
            subject = replace(analysis, focus=[f for f in analysis.focus if f not in _KIND_CUES])
            on_topic = [
                c
                for c in stating
                if focus_coverage(snap, subject, _own(snap, c), answering) > 0
                and _asks_covered(snap, subject, c.text, answering, reading)
            ]
            hit = hit or next(iter(on_topic or stating), None)
            if hit is None and analysis.answer_type == "response":
                hit = _response_after(snap, wide[:3], answering.response_reach)
            if hit is not None:
                return Verdict(hit)
        if analysis.applicant and analysis.intent == "yesno":
            # "would they fund a set-up like ours?" is settled by what the guidance says it wants,
            # not by what one project achieved (a reported result is an example, not a rule)
            return Verdict(next((c for c in named if result_strength(c.text) < 2), named[0]))
        return Verdict(named[0])
    # several sentences may state a value of the asked kind ("hold in your diary the 20th February"
    # under each policy area's heading): the one whose context says most about the asked subject wins
    passing: list[tuple[float, Candidate]] = []
    # a sentence about another one of a series ("the second deadline" when the first is asked) is no
    # candidate at all: the margin is counted from the best of the others
    eligible = [c for c in ranked if not _of_another_in_series(analysis, c.text)]
    best = eligible[0].score if eligible else best
    for cand in eligible:
        if cand.score < best - lead_margin:
            break
        said = stated(snap, cand)
        if not states_value(snap, analysis, said, answering.count_window, used):
            continue
        # "over the next four years" in a 2016 guide covers 2016 to 2020, as an ask for those years says
        period = " ".join(
            map(str, sorted(relative_years(cand.text, snap.docs[snap.chunks[cand.row].doc_id].year)))
        )
        context = f"{_context(snap, cand)} {period}"
        own = f"{_own(snap, cand)} {period}"
        coverage = focus_coverage(snap, analysis, context, answering)
        if (
            coverage >= min_focus
            # the value's own sentence (with its heading) mentions something asked: a figure whose
            # only link to the question is its neighbours' words is a figure about something else
            and focus_coverage(snap, analysis, own, answering) > 0
            # the sentence, or the paragraph it sits in, names the subject ("The Network is introducing
            # the Mockingbird Family Model ... The hub carer ... provides two respite beds"); a sentence
            # that names someone else ("Millbay ... trained 45 carers") is that one's value
            and (
                names_covered(analysis, own)
                or (about_subject(snap, analysis, cand, reading) and not _names_another(analysis, cand.text))
                # a call's page says it has closed without naming the call again in that sentence
                or (analysis.still_open and names_covered(analysis, snap.texts[snap.chunks[cand.row].doc_id]))
            )
            and _asks_covered(snap, analysis, cand.text, answering, reading)
            and _in_time_frame(analysis, context, said)
        ):
            # what the sentence itself says counts most; its heading and neighbour add to it
            own_coverage = focus_coverage(snap, analysis, own, answering)
            weight = own_coverage + answering.context_coverage_weight * coverage
            if analysis.answer_type in {"date", "deadline", "duration"} and _used_as_reference(
                analysis, cand.text
            ):
                weight -= answering.reference_point_penalty
            if analysis.also_place and has_value(cand.text, "place"):
                weight += answering.place_too_bonus  # "when and where": the sentence that gives both
            if analysis.answer_type == "deadline" and CLOSED_RE.search(cand.text):
                # "is it still open?" is answered outright by "it has closed"
                weight += answering.closed_bonus
            passing.append((weight, cand))
    if passing:
        top = max(c for c, _ in passing)
        return Verdict(next(cand for c, cand in passing if c >= top - answering.coverage_tie))
    phrase = VALUE_PHRASE.get(analysis.answer_type, "that")
    if _asks_length(analysis):
        phrase = "a length limit"  # "the word limit", "how long can it be": in words or pages
    elif analysis.answer_type == "count" and analysis.count_noun:
        phrase = f"a number of {' '.join(_words_for(analysis, analysis.count_noun))}"
    about = _asked(analysis)
    return Verdict(None, f"they do not give {phrase} for {about}" if about else f"they do not give {phrase}",
                   nearby=ranked[0])  # fmt: skip


def alternatives(
    snap: Snapshot, analysis: QuestionAnalysis, qvec: np.ndarray, lead: Candidate, answering: AnswerSettings
) -> list[list[Candidate]]:
    """For an asker who has seen differing values: each other document's best statement of the value.

    The lead gives one document's value; a reader who says the sources disagree needs to see what
    each of the others states for the same subject, so that the note on the difference can be made.
    Every sentence of the other documents is considered (closest in meaning first), not only the
    retrieved passages: the other value often sits in a passage that ranks just below the cut. A
    short statement ("January 2016" under a title) comes with the sentence before it, which names
    what the value is of. ``answering``: the settings' answer group (min_focus, count_window).
    """
    lead_doc = snap.chunks[lead.row].doc_id
    best: dict[str, list[Candidate]] = {}
    order = np.argsort(-(snap.sent_vecs @ qvec), kind="stable")
    for idx in order[:400]:
        row, a, b = (int(v) for v in snap.sent_spans[int(idx)])
        doc = snap.chunks[row].doc_id
        if doc == lead_doc or doc in best:
            continue
        text = snap.texts[doc][a:b]
        cand = Candidate(int(idx), row, a, b, text, 0.0, 0.0)
        if not states_value(snap, analysis, stated(snap, cand), answering.count_window):
            continue
        context = _context(snap, cand)
        covered = focus_coverage(snap, analysis, context, answering) >= answering.min_focus
        if not covered or not names_covered(analysis, context):
            continue
        unit = [cand]
        if len(text) < 60 and idx > 0:
            prow, pa, pb = (int(v) for v in snap.sent_spans[int(idx) - 1])
            if snap.chunks[prow].doc_id == doc and pb <= a:
                unit.insert(0, Candidate(int(idx) - 1, prow, pa, pb, snap.texts[doc][pa:pb], 0.0, 0.0))
        best[doc] = unit
    return list(best.values())[:2]


def _asked(analysis: QuestionAnalysis) -> str:
    """What was asked, in the asker's own words: their asking clause, quoted.

    A list of focus words ("amount for 200 went Partners Practice") reads as garble; the clause
    ("“how much went to Partners in Practice in 2016”") says plainly what the documents lack.
    """
    clause = analysis.clause.strip().rstrip("?.! ")
    if not clause:
        return " ".join(analysis.focus_words[:6])
    if len(clause) > 140:
        clause = clause[:140].rsplit(" ", 1)[0] + " …"
    return f"“{clause}”"


def _words_for(analysis: QuestionAnalysis, stems: list[str]) -> list[str]:
    by_stem = dict(zip(analysis.focus, analysis.focus_words, strict=False))
    return [by_stem.get(s, s) for s in stems]
