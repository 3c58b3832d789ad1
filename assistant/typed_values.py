"""Whether a sentence holds a value of the asked type, and the asked one.

"How many women", "how much funding", "when is the first deadline", "who decides" each want a
value of one kind: a count of the asked noun, an award (not a saving), a length in words or pages,
a person's name. A sentence that merely repeats a number the asker gave, gives a value for other
years than the asked ones, speaks of another one of a series ("the second deadline") or names the
asked thing only as a point in time for something else, does not hold the asked value. Split from
``assistant.answerability``, whose judge applies these checks to each candidate sentence;
directory answers use them too.
"""

from __future__ import annotations

import re

from assistant.acronyms import acronyms
from assistant.analysis import QuestionAnalysis
from assistant.candidates import Candidate, idf_table
from assistant.snapshot import Snapshot
from assistant.text import (
    COUNT_RE,
    MONTHS,
    NUMBER_WORDS,
    content_stems,
    has_value,
    ordinals,
    person_names,
    years_spanned,
)

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*%?")


_DECIDING = re.compile(
    r"\b(?:decid\w*|decision\w*|approv\w*|choos\w*|chose|select\w*|sign\w* off|award\w*"
    r"|(?:final|last) (?:call|say|word)|calls? the shots|makes? the call|(?:has|have) the say)\b",
    re.I,
)


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
    # "£50m available for new projects": money on offer is funding
    r"\b(?:fund\w*|grants?|awards?|awarded|receiv\w*|allocat\w*|invest\w*|budget|worth|spend|spent|available)\b",
    re.I,
)


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


def _in_time_frame(analysis: QuestionAnalysis, context: str, stated_text: str) -> bool:
    """A value read under other years than the asked ones is not the asked value.

    "How many proposals came in during 2016?" is not answered by a count from a paragraph about
    2013: for a count or an amount the sentence's ``context`` (heading, neighbour) sets its period,
    and a context that names no year at all may still be about the asked period. A date asked within
    given years ("when in 2018 was the conference") is checked on the date the sentence itself gives
    (``stated_text``): one in other years is another occurrence, or another thing ("the report,
    published in February 2016"). Never for a duration, nor when the asker offers years as
    alternatives.
    """
    frame = analysis.time_frame
    if frame is None or analysis.asks_conflict or analysis.answer_type == "duration":
        return True
    named = years_spanned(stated_text if analysis.answer_type in {"date", "deadline"} else context)
    return not named or any(frame[0] <= y <= frame[1] for y in named)


def stated(snap: Snapshot, cand: Candidate) -> str:
    """The text a sentence states its value in: an event listed under a date (a timeline's
    "Evaluations begin for Round 2 projects" under "January 2016") happened on that date, though the
    sentence never says it."""
    date = snap.chunks[cand.row].entry_date()
    return f"{date}: {cand.text}" if date else cand.text
