"""Answer only when a retrieved sentence states a value of the asked type about the asked subject.

A question that asks *when*, *how much*, *how many*, *who* is answered by a sentence that holds
a date, an amount, a count of the asked thing, a name, and that is about the question's focus.
Retrieval always returns *something* that shares the question's words; without this check that
near-miss text was shown as if it answered. When no sentence qualifies the assistant declines and
says what is missing and what the documents do say nearby.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process

from assistant.analysis import QuestionAnalysis
from assistant.compose import Candidate, idf_table
from assistant.snapshot import Snapshot
from assistant.text import (
    CLOSED_RE,
    COUNT_RE,
    MONTHS,
    NUMBER_WORDS,
    PROSE_TYPES,
    SAME_THING,
    VALUE_PHRASE,
    content_stems,
    has_value,
    ordinals,
    person_names,
    result_strength,
    years_spanned,
)
from assistant.units import subject_context
from ingest.config import AnswerSettings, ReadingSettings
from ingest.values import MONTH_NUMBER, WEEKDAYS

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*%?")


@dataclass
class Verdict:
    """The lead sentence that answers, or why none does (``missing``) and the nearest text."""

    lead: Candidate | None
    missing: str = ""
    nearby: Candidate | None = None


_DECIDING = re.compile(
    r"\b(?:decid\w*|decision\w*|approv\w*|choos\w*|chose|select\w*|sign\w* off|award\w*"
    r"|(?:final|last) (?:call|say|word)|calls? the shots|makes? the call|(?:has|have) the say)\b",
    re.I,
)


def _context(snap: Snapshot, cand: Candidate) -> str:
    """What a sentence is about: itself, its heading trail and the sentence before it."""
    chunk = snap.chunks[cand.row]
    text = snap.texts[chunk.doc_id]
    before = ""
    if cand.idx > 0:
        row, a, b = (int(v) for v in snap.sent_spans[cand.idx - 1])
        if row == cand.row:
            before = text[a:b]
    return f"{chunk.section}\n{before}\n{cand.text}"


def _mention(stem: str, have: set[str], spelt: dict[str, set[str]], same_thing: float) -> float:
    """How surely a text whose stems are ``have`` mentions the asked ``stem``: 1 for the word itself
    (or, for an acronym the documents define, its words: "EOI" is "Expression of Interest"),
    ``same_thing`` (``answer.same_thing_weight``, half) for a word for the same thing ("bid" /
    "proposal": the asker's own word is surer evidence), 0."""
    if stem in have or bool(spelt.get(stem)) and spelt[stem] <= have:
        return 1.0
    return same_thing if SAME_THING.get(stem, frozenset()) & have else 0.0


def focus_coverage(snap: Snapshot, analysis: QuestionAnalysis, text: str, answering: AnswerSettings) -> float:
    """Share of the question's focus (IDF-weighted) that ``text`` mentions (``answering``: the
    settings' answer group, for how much a word for the same thing counts)."""
    if not analysis.focus:
        return 1.0
    idf = idf_table(snap)
    default = math.log(1 + len(snap.chunks))
    have = set(content_stems(text))
    spelt = acronyms(snap)
    total = sum(idf.get(s, default) for s in analysis.focus)
    same_thing = answering.same_thing_weight
    got = sum(idf.get(s, default) * _mention(s, have, spelt, same_thing) for s in analysis.focus)
    return got / total if total else 1.0


_NAME_HEAD = re.compile(r"\b([A-Z][a-z]{3,}) (?:of|for) [A-Z]")
_NAME_END = re.compile(r"\b([A-Z][\w'’-]*) ([A-Z][a-z]{3,})\b")


def proper_nouns(snap: Snapshot, reading: ReadingSettings) -> frozenset[str]:
    """Words the documents nearly always capitalise mid-sentence: places, organisations, projects.

    A reader typing "leeds" or "hertfordshire" in lower case still names a subject; the documents'
    own capitalisation tells which of the question's words are names. A word ending the names of
    ``reading.generic_end_names`` others is a kind of body, not one. Made once per snapshot.
    """
    generic_ends = reading.generic_end_names
    caches: dict[int, frozenset[str]] = getattr(snap, "_proper_cache", None) or {}
    cached = caches.get(generic_ends)
    if cached is not None:
        return cached
    caps: dict[str, int] = {}
    total: dict[str, int] = {}
    for text in snap.texts.values():
        for m in re.finditer(r"(?<=[a-z,;] )([A-Za-z][a-z]{3,})\b", text):
            w = m.group(1)
            low = w.lower()
            total[low] = total.get(low, 0) + 1
            if w[0].isupper():
                caps[low] = caps.get(low, 0) + 1
    # the generic word of many names is no subject either: one that heads a name ("Department for
    # Education", "University of Kent", "London Borough of Ealing") or ends names of several others
    # ("Kent County", "Essex County", ...); the asker's "the department" means no one project
    generic = set()
    ends: dict[str, set[str]] = {}
    for text in snap.texts.values():
        generic.update(m.group(1).lower() for m in _NAME_HEAD.finditer(text))
        for m in _NAME_END.finditer(text):
            ends.setdefault(m.group(2).lower(), set()).add(m.group(1).lower())
    generic.update(w for w, before in ends.items() if len(before) >= generic_ends)
    # frequent capitalised words (Council, England) are generic here, not a subject
    found = frozenset(
        w
        for w, n in total.items()
        if 2 <= n <= 25 and caps.get(w, 0) / n >= 0.8 and w not in _MONTH_WORDS and w not in generic
    )
    object.__setattr__(snap, "_proper_cache", {**caches, generic_ends: found})
    return found


def asked_names(analysis: QuestionAnalysis, proper: frozenset[str] = frozenset()) -> list[str]:
    """The names in the question's ask: title-case phrases, and words the documents treat as names."""
    names = list(analysis.names)
    have = {w for n in names for w in n.lower().split()}
    # a word right after "what" / "who" is the question's verb ("what counts", "who decides"), not a name
    clause = re.sub(r"\b(?:what|who|which|how|that)\s+[a-z]+", " ", analysis.clause.strip(), flags=re.I)
    names += [w for w in re.findall(r"[a-z]{4,}", clause) if w in proper and w not in have]
    return names


def names_any(names: list[str], text: str) -> bool:
    """Whether ``text`` writes every word (3+ letters) of at least one of ``names`` (or of a form of it,
    "MTM|Munro Turnell Murphy"): a heading naming the project or whoever runs it."""
    said = set(re.findall(r"[a-z0-9]+", text.lower()))
    return any(
        all(w in said for w in re.findall(r"[a-z0-9]+", form.lower()) if len(w) >= 3)
        for name in names
        for form in name.split("|")
    )


def names_covered(analysis: QuestionAnalysis, text: str, proper: frozenset[str] = frozenset()) -> bool:
    """Every name in the question's ask appears (allowing typing slips) in ``text``.

    Sharing common words with the question ("funding", "contract") does not make a sentence about
    the asked subject; the subject's name must be there. Acronyms (DfE, EOI) are not names here:
    the documents often spell them out.
    """
    names = asked_names(analysis, proper)
    words = set(re.findall(r"[a-z0-9]+", text.lower()))

    def has(form: str) -> bool:
        for w in re.findall(r"[a-z0-9]+", form.lower()):
            if len(w) < 3 or w in {"the", "and", "for"}:
                continue
            slip = len(w) >= 5 and process.extractOne(w, words, scorer=fuzz.ratio, score_cutoff=85)
            if w not in words and not slip:
                return False
        return True

    # a name may have other forms ("MTM|Munro Turnell Murphy"): any one of them names it
    return all(any(has(form) for form in name.split("|")) for name in names)


# a name as the documents and askers write it: two or more capitalised words in a row (even opening
# a sentence: "Millbay Fostering Service published ..."), or one capitalised word inside a sentence
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of\s+|and\s+|for\s+)?[A-Z][\w'’-]*)+")
_CAPITALISED_INSIDE = re.compile(r"(?<![.?!:]\s)(?<!^)\b[A-Z][\w'’-]*")


# months and seasons as stems: the time frame of an ask, not what it asks about (made once)
_CALENDAR_STEMS = frozenset(content_stems(MONTHS.replace("|", " ") + " spring summer autumn winter"))


def _name_stems(text: str) -> set[str]:
    runs = _CAPITALISED_RUN.findall(text) + _CAPITALISED_INSIDE.findall(text)
    return {s for run in runs for s in content_stems(run)}


_CAPITALISED = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]{2,}|^[A-Z][a-z]+ [A-Z][a-z]{2,}")


def _names_another(analysis: QuestionAnalysis, sentence: str) -> bool:
    """The sentence names a subject (a capitalised name) that the question does not ask about."""
    asked = {w.lower() for n in analysis.names for w in n.split()}
    for m in _CAPITALISED.finditer(sentence):
        words = {w.lower() for w in m.group(0).split()}
        if not words & asked and not words & _MONTH_WORDS:
            return True
    return False


_MONTH_WORDS = frozenset(MONTH_NUMBER) | frozenset(WEEKDAYS)


def _asks_covered(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    sentence: str,
    answering: AnswerSettings,
    reading: ReadingSettings,
) -> bool:
    """With a named subject, the value's own sentence must also name something of what is asked
    about it: one of the focus words that are not the name (its heading or the sentence before it
    name the topic of a section, not what this value is of).

    Why: a name says whose value is asked, the other words say which one ("when did the Rees Centre
    *sign its contract*"). A sentence that names the subject and gives a date of something else
    ("the Rees Centre's reports in summer 2016") states a value of the asked type, but not the asked
    value; the documents mention many dates, sums and counts beside each project's name. The name's
    words are those the question writes as a name, or the documents treat as one.
    """
    if analysis.still_open:
        return True  # "is X still open" asks X's deadline, which its value type already says
    focus = set(analysis.focus)
    named = {
        s
        for n in asked_names(analysis, proper_nouns(snap, reading))
        for f in n.split("|")
        for s in content_stems(f)
    }
    named |= _name_stems(analysis.clause) & focus
    named -= set(analysis.count_noun)  # "how many EOIs": the counted noun, not whose count
    if not named & focus:
        return True  # no named subject: the focus as a whole is checked by focus_coverage
    # a year or a month in the ask is its time frame ("in October 2013"), not what is asked
    frame = _CALENDAR_STEMS & focus
    rest = [s for s in analysis.focus if s not in named and s not in frame and not s[:1].isdigit()]
    if not rest:
        return True
    have = set(content_stems(sentence))
    spelt = acronyms(snap)
    # a word for the same thing ("staffing" / "workers") says it too
    return any(_mention(s, have, spelt, answering.same_thing_weight) > 0 for s in rest)


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


def _in_time_frame(analysis: QuestionAnalysis, context: str) -> bool:
    """A value read under other years than the asked ones is not the asked value.

    "How many proposals came in during 2016?" is not answered by a count from a paragraph about
    2013; a sentence whose context names no year at all may still be about the asked period. Not
    for dates (the year is then the answer) nor when the asker offers years as alternatives.
    """
    frame = analysis.time_frame
    if frame is None or analysis.asks_conflict or analysis.answer_type in {"date", "deadline", "duration"}:
        return True
    named = years_spanned(context)
    return not named or any(frame[0] <= y <= frame[1] for y in named)


def _date_in_time_frame(analysis: QuestionAnalysis, stated_text: str) -> bool:
    """A date asked within given years ("when in 2018 was the conference") is not answered by a
    date the sentence gives in other years: that is another occurrence, or another thing ("the
    report, published in February 2016"). Other types are checked on their context instead."""
    frame = analysis.time_frame
    if frame is None or analysis.asks_conflict or analysis.answer_type not in {"date", "deadline"}:
        return True
    named = years_spanned(stated_text)
    return not named or any(frame[0] <= y <= frame[1] for y in named)


def about_subject(
    snap: Snapshot, analysis: QuestionAnalysis, cand: Candidate, reading: ReadingSettings
) -> bool:
    """Whether a sentence, read in its paragraph under its heading, is about the asked subject
    (``reading``: the settings' reading group, for what a paragraph is and which words are names)."""
    context = f"{_context(snap, cand)}\n{subject_context(snap, cand.idx, reading)}"
    proper = proper_nouns(snap, reading)
    if names_covered(analysis, context, proper):
        return True
    names = asked_names(analysis, proper)
    if len(names) < 2:
        return False
    # the asker names a project and whoever runs it ("Leeds ... Family Valued"): a case study headed
    # by one of them that names the other in its text is about both, to its last sub-heading
    chunk = snap.chunks[cand.row]
    parts = chunk.section.split(" > ") if chunk.section else []
    for i, part in enumerate(parts):
        if names_any(names, part):
            return names_covered(analysis, _section_text(snap, chunk.doc_id, parts[: i + 1]), proper)
    return False


def _section_text(snap: Snapshot, doc: str, prefix: list[str]) -> str:
    """The whole text under a heading trail (remembered per trail: asked per candidate sentence)."""
    cache: dict[tuple[str, tuple[str, ...]], str] = getattr(snap, "_section_text_cache", None) or {}
    key = (doc, tuple(prefix))
    if key not in cache:
        n = len(prefix)
        under = [c.text for c in snap.chunks if c.doc_id == doc and c.section.split(" > ")[:n] == prefix]
        cache[key] = "\n".join([" > ".join(prefix), *under])
        object.__setattr__(snap, "_section_text_cache", cache)
    return cache[key]


# a count's noun comes before these: "one call for expressions of interest" counts calls
_COUNT_STOP = frozenset(
    {"for", "from", "by", "with", "to", "in", "on", "at", "into", "about", "against", "per", "than"}
    | {"within", "under", "over", "during"}
)
# "the number of looked after children reached 69,540": the count after its noun
_NUMBER_OF = re.compile(
    r"\bnumbers? of ([A-Za-z][A-Za-z' -]{2,60}?) (?:has |had |have )?"
    r"(?:reached|was|were|is|are|stood at|rose to|fell to|grew to|increased to|decreased to|totalled"
    r"|totaled|came to)\s+(?:about |around |over |nearly |almost |just under |more than |some )?(\d[\d,.]*)",
    re.I,
)


def count_of(text: str, nouns: list[str], window: int) -> bool:
    """A number followed, within ``window`` words, by one of the counted nouns ("160 women").

    The noun must come before a preposition or another number ends the phrase ("one call for
    expressions of interest" counts calls). "The number of X reached N" counts X too.
    """
    if not nouns:
        return bool(COUNT_RE.search(text))
    for m in _NUMBER_OF.finditer(text):
        if set(content_stems(m.group(1))) & set(nouns):
            return True
    toks = _TOKEN.findall(text)  # each token stemmed alone: content_stems drops stop words
    for i, tok in enumerate(toks):
        if COUNT_RE.fullmatch(tok.rstrip("%")):  # "an Expression of Interest" is not a count
            for nxt in toks[i + 1 : i + 1 + window]:
                if nxt.lower() in _COUNT_STOP or nxt[:1].isdigit():
                    break
                st = content_stems(nxt)
                if st and st[0] in nouns:
                    return True
    return False


_ACRONYM = re.compile(r"\(([A-Z]{2,6})s?\)")


def _spelt_out(snap: Snapshot) -> list[tuple[str, list[str], bool]]:
    """Every acronym the documents define, the words before it that it stands for, in order, and
    whether its initials match with the small words skipped ("Munro, Turnell and Murphy (MTM)")
    rather than only with them counted ("Expressions of Interest (EOIs)")."""
    cached = getattr(snap, "_spelt_out_cache", None)
    if cached is not None:
        return cached
    found: list[tuple[str, list[str], bool]] = []
    small = {"of", "and", "for", "the", "to", "in"}
    for text in snap.texts.values():
        for m in _ACRONYM.finditer(text):
            short = m.group(1)
            words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text[max(0, m.start() - 120) : m.start()])
            for skipped, letters in ((True, [w for w in words if w.lower() not in small]), (False, words)):
                tail = letters[-len(short) :]
                if len(tail) == len(short) and "".join(w[0] for w in tail).upper() == short:
                    found.append((short, tail, skipped))
                    break
    object.__setattr__(snap, "_spelt_out_cache", found)
    return found


_SMALL_WORDS = frozenset({"of", "and", "for", "the", "to", "in", "&"})
_CAPITAL_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|to|in|&)\s+)?[A-Z][\w'’-]*)+")


def _initialisms(snap: Snapshot) -> dict[str, str]:
    """The initials of every run of three to six capitalised words in the documents (small words
    skipped), lower case, mapped to the run as written: "scie" -> "Social Care Institute for
    Excellence". The first run with given initials keeps them."""
    cached = getattr(snap, "_initialism_cache", None)
    if cached is not None:
        return cached
    found: dict[str, str] = {}
    for text in snap.texts.values():
        for m in _CAPITAL_RUN.finditer(text):
            words = m.group(0).split()
            caps = [i for i, w in enumerate(words) if w.lower() not in _SMALL_WORDS]
            for a in range(len(caps)):
                for b in range(a + 3, min(a + 6, len(caps)) + 1):
                    key = "".join(words[i][0] for i in caps[a:b]).lower()
                    found.setdefault(key, " ".join(words[caps[a] : caps[b - 1] + 1]))
    object.__setattr__(snap, "_initialism_cache", found)
    return found


def implied_long_form(snap: Snapshot, term: str) -> str:
    """What an acronym the documents never write stands for, when they spell it out without ever
    abbreviating it: the asker's "SCIE" is the documents' "Social Care Institute for Excellence".
    "" for anything else (a defined acronym is in ``long_forms``; a word the documents use is theirs)."""
    if not (term.isupper() and 3 <= len(term) <= 6) or term.lower() in idf_table(snap):
        return ""
    return _initialisms(snap).get(term.lower(), "")


def long_forms(snap: Snapshot) -> dict[str, str]:
    """Each acronym the documents define (lower case, no plural "s") and the words it stands for."""
    return {short.lower(): " ".join(words) for short, words, skipped in _spelt_out(snap) if not skipped}


def acronyms(snap: Snapshot) -> dict[str, set[str]]:
    """Acronyms the documents define ("Expressions of Interest (EOIs)") mapped to the stems they stand for.

    Readers count in the short form ("how many EOIs") while the documents count in the long one
    ("1,200 expressions of interest"); the documents' own definitions join the two.
    """
    cached = getattr(snap, "_acronym_cache", None)
    if cached is not None:
        return cached
    found: dict[str, set[str]] = {}
    for short, tail, _skipped in _spelt_out(snap):
        found.setdefault(short.lower(), set()).update(content_stems(" ".join(tail)))
    object.__setattr__(snap, "_acronym_cache", found)
    return found


_VALUE_TYPES = frozenset({"money", "count", "date", "share", "duration"})
_DATE_TYPES = frozenset({"date", "deadline"})  # a month with the asked year is a narrower date
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\d])")


def _without_asked_numbers(text: str, question: str, refine: bool = False) -> str:
    """``text`` with the numbers the asker already gave blanked out.

    A value the question states ("how was the £29m split", "how many came in by the 6 May
    deadline") is what the asker knows, not what they ask: a sentence that repeats it does not
    answer. (When the asker says sources differ, the values they quote are the answer: see
    ``asks_conflict``, which skips this.)
    """
    asked = {m.group(0).replace(",", "") for m in _NUMBER.finditer(question)}
    if not asked:
        return text
    # a year asked on its own ("in 2019"), not as part of a date the asker already has ("6 May 2016")
    bare = {
        m.group(0) for m in _NUMBER.finditer(question) if not _MONTH_BEFORE.search(question, 0, m.start())
    }

    def blank(m: re.Match[str]) -> str:
        if m.group(0).replace(",", "") not in asked:
            return m.group(0)
        if refine and m.group(0) in bare and _MONTH_BEFORE.search(text, 0, m.start()):
            return m.group(0)  # "May 2019" narrows the asked "in 2019" down: that is the answer
        return " "

    return _NUMBER.sub(blank, text)


_MONTH_BEFORE = re.compile(rf"\b(?:{MONTHS})\.?\s*$", re.I)


_FUNDING_ASK = re.compile(
    r"\b(?:fund\w*|grants?|awards?|awarded|receiv\w*|got|get|gets|given|allocat\w*|went to|invest\w*)\b", re.I
)
_FUNDING_SAID = re.compile(
    r"\b(?:fund\w*|grants?|awards?|awarded|receiv\w*|allocat\w*|invest\w*|budget|worth|spend|spent)\b", re.I
)


def acronym_names(snap: Snapshot, terms: list[str], reading: ReadingSettings) -> list[str]:
    """The asked acronyms that the documents define as a name, each with its long form.

    "MTM" is "Munro, Turnell and Murphy (MTM)": a subject like any name, so a sentence about
    another project does not answer a question about MTM. An acronym for an ordinary term
    ("Expressions of Interest (EOIs)") is not a name: none of its words is a proper noun here.
    Returned as "MTM|Munro Turnell and Murphy" (either form names it). ``reading``: the settings'
    reading group (which words are names).
    """
    caches: dict[int, dict[str, str]] = getattr(snap, "_acronym_name_cache", None) or {}
    cached = caches.get(reading.generic_end_names)
    if cached is None:
        proper = proper_nouns(snap, reading)
        cached = {}
        for short, tail, skipped in _spelt_out(snap):
            # a name's initials skip its small words ("Munro, Turnell and Murphy"); a term's need
            # them ("Expressions of Interest")
            if skipped and any(w.lower() in proper for w in tail):
                cached.setdefault(short, " ".join(tail))
        object.__setattr__(snap, "_acronym_name_cache", {**caches, reading.generic_end_names: cached})
    found = []
    for term in terms:
        long_form = cached.get(term.upper()) if term.isupper() and 2 <= len(term) <= 6 else None
        if long_form and f"{term}|{long_form}" not in found:
            found.append(f"{term}|{long_form}")
    return found


def states_value(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    text: str,
    window: int,
    used: set[str] | None = None,
    record: bool = False,
) -> bool:
    """Does ``text`` hold a value of the type the question asks for?

    A count must be of the asked noun ("160 women"), unless the documents never use that noun
    ("kids", "ppl") or the retrieved passages (``used``: their stems) do not: then the reader's word
    cannot be matched and any count is a candidate.
    """
    if analysis.answer_type in _VALUE_TYPES and not analysis.asks_conflict:
        text = _without_asked_numbers(text, analysis.query, analysis.answer_type in _DATE_TYPES)
    if analysis.answer_type == "person":
        asked = analysis.query.lower()
        # a role or a body answers "who decides", not "who is the chief social worker"
        deciders = bool(_DECIDING.search(analysis.clause))
        return any(
            not all(w in asked for w in re.findall(r"[a-z]+", name.lower()))
            for name in person_names(text, deciders)
        )  # "who replaced X" is not answered by a sentence that names only X
    if analysis.answer_type == "money" and not record and _FUNDING_ASK.search(analysis.clause):
        # "how much funding did X get" asks for an award: a saving or a cost is another amount
        return has_value(text, "money") and bool(_FUNDING_SAID.search(text))
    if _asks_length(analysis):
        # a length limit is given in words or pages ("no more than 1,000 words"), never as another count
        return bool(_LENGTH_GIVEN.search(text))
    if analysis.answer_type == "count":
        idf = idf_table(snap)
        known = acronyms(snap)
        nouns: list[str] = []
        for n in analysis.count_noun:
            if n in idf:
                nouns.append(n)
            nouns.extend(known.get(n, ()))
            if n in _ANY_PEOPLE:
                # "how many people": the documents count people as staff, carers, women, families
                nouns.extend(s for s in _PEOPLE_NOUNS if s in idf)
        if analysis.count_noun and not nouns:
            return bool(COUNT_RE.search(text))
        if used is not None and not set(nouns) & used:
            return bool(COUNT_RE.search(text))  # the reader's own word ("kids"): any count may answer
        return count_of(text, nouns, window)
    return has_value(text, analysis.answer_type)


_ANY_PEOPLE = frozenset(content_stems("people persons individuals folk"))
_PEOPLE_NOUNS = frozenset(
    content_stems(
        "staff workers practitioners professionals social workers carers parents women men mothers fathers "
        "families children young people adolescents teenagers care leavers volunteers managers"
    )
)
_LENGTH_UNITS = frozenset({"word", "page", "character"})


def _asks_length(analysis: QuestionAnalysis) -> bool:
    """A count asked in words or pages: the length a form or a bid may run to."""
    return (
        analysis.answer_type == "count"
        and bool(analysis.count_noun)
        and set(analysis.count_noun) <= _LENGTH_UNITS
    )


_LENGTH_GIVEN = re.compile(
    rf"\b(?:\d[\d,]*|{NUMBER_WORDS})[\s-]+(?:words?|pages?|sides?|characters?)\b", re.I
)
_REFERENCE_POINT = re.compile(
    r"\b(?:by|before|after|until|following|since) the ((?:[\w'’-]+ ){0,3}[\w'’-]+)", re.I
)


# a condition the asker sets: "If our EOI makes the first deadline, when ...", "... due if we make it"
_GIVEN = re.compile(
    r"^\W*(?:if|once|provided|assuming|given that)\b[^,?]*,|(?<=\w)\s+(?:if|once|provided|assuming"
    r"|given that|after (?:an? |the |our )?(?:successful|accepted|approved)\b)\b.*$",
    re.I,
)


def _of_another_in_series(analysis: QuestionAnalysis, sentence: str) -> bool:
    """The sentence is about another one of a series than the asked one: asked "the first deadline",
    it speaks only of "the second deadline" (the documents give each one of a series its own date)."""
    asked = ordinals(analysis.clause)
    said = ordinals(sentence)
    return bool(asked) and bool(said) and not (asked & said)


def _used_as_reference(analysis: QuestionAnalysis, sentence: str) -> bool:
    """The sentence names the asked thing as a point in time for something else.

    "Where Expressions of Interest submitted *by the first deadline* are successful we will require
    full project proposals by Thursday 30 June": the first deadline is taken as known, and the date
    given is another one's. Asked "when is the first deadline", that sentence does not say.
    """
    # what the asker also takes as a point in time ("... due if we make the first deadline") is not
    # the asked thing; the rest of the ask is
    given = _GIVEN.search(analysis.clause)
    taken = set(content_stems(given.group(0))) if given else set()
    ask = [s for s in analysis.focus if s not in taken]
    asked = set(ask)
    head = ask[-1] if ask else None  # "the first EOI deadline": the deadline
    # "the 2nd deadline" is the one "by the second deadline" names (not one the asker takes as given)
    asked_place = ordinals(_GIVEN.sub(" ", analysis.clause))
    for m in _REFERENCE_POINT.finditer(sentence):
        words = set(content_stems(m.group(1)))
        if len(words & asked) >= 2 or head in words:
            return True
        if asked_place and asked_place & ordinals(m.group(1)) and words & asked:
            return True
    return False


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


def stated(snap: Snapshot, cand: Candidate) -> str:
    """The text a sentence states its value in: an event listed under a date (a timeline's
    "Evaluations begin for Round 2 projects" under "January 2016") happened on that date, though the
    sentence never says it."""
    date = snap.chunks[cand.row].entry_date()
    return f"{date}: {cand.text}" if date else cand.text


def _own(snap: Snapshot, cand: Candidate) -> str:
    """A sentence with its section heading: what it says itself, without its neighbours."""
    return f"{snap.chunks[cand.row].section}\n{cand.text}"


def judge(
    snap: Snapshot,
    analysis: QuestionAnalysis,
    cands: list[Candidate],
    answering: AnswerSettings,
    reading: ReadingSettings,
) -> Verdict:
    """Pick the sentence to lead with, or say why none can.

    ``answering``: the settings' answer group (margins, focus, weights); ``reading``: its reading
    group (what a paragraph is, which words are names).
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
            strength = {c.idx: result_strength(c.text) for c in wide}
            top = max(strength.values(), default=0)
            if top >= 2:
                return Verdict(next(c for c in wide if strength[c.idx] == top))
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
        if not states_value(snap, analysis, stated(snap, cand), answering.count_window, used):
            continue
        context = _context(snap, cand)
        own = _own(snap, cand)
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
            and _in_time_frame(analysis, context)
            and _date_in_time_frame(analysis, stated(snap, cand))
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
