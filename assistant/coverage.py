"""How much of what is asked a text mentions: the question's focus words, found in a sentence.

A sentence that holds a value of the asked type answers only if it is about what is asked: its
words (or the words of an acronym the documents define, or a word for the same thing) must cover
enough of the question's focus, weighted by how rare each word is, and with a named subject the
sentence must also say something of what is asked about it besides the name. Split from
``assistant.answerability``, whose judge weighs candidates with these scores; directory answers use
them too.
"""

from __future__ import annotations

import math

from assistant.acronyms import acronyms
from assistant.analysis import QuestionAnalysis
from assistant.candidates import idf_table
from assistant.snapshot import Snapshot
from assistant.subjects import _name_stems, asked_names, proper_nouns
from assistant.text import MONTHS, SAME_THING, content_stems
from ingest.config import AnswerSettings, ReadingSettings


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


# months and seasons as stems: the time frame of an ask, not what it asks about (made once)
_CALENDAR_STEMS = frozenset(content_stems(MONTHS.replace("|", " ") + " spring summer autumn winter"))


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
