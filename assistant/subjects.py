"""Whose value is asked: the names in a question, and whether a sentence is about them.

A question names its subject ("the Rees Centre", "Leeds"), in title case or not; a sentence that
shares the question's common words but is about another project does not answer it. These checks
find the asked names (the documents' own capitalisation says which lower-case words are names),
test whether a text writes them (allowing typing slips), and read a sentence in its paragraph and
under its headings to tell whether it is about the asked subject. Split from
``assistant.answerability``, which judges answers with them; reading and directory answers use them
too.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from assistant.analysis import QuestionAnalysis
from assistant.candidates import Candidate
from assistant.snapshot import Snapshot
from assistant.text import content_stems
from assistant.units import subject_context
from ingest.config import ReadingSettings
from ingest.values import MONTH_NUMBER, WEEKDAYS


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


_NAME_HEAD = re.compile(r"\b([A-Z][a-z]{3,}) (?:of|for) [A-Z]")
_NAME_END = re.compile(r"\b([A-Z][\w'’-]*) ([A-Z][a-z]{3,})\b")


_MONTH_WORDS = frozenset(MONTH_NUMBER) | frozenset(WEEKDAYS)


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
