"""Acronyms and the words they stand for, as the documents define them.

Readers write the short form ("how many EOIs", "MTM", "SCIE") where the documents often write the
long one ("1,200 expressions of interest", "Munro, Turnell and Murphy", "Social Care Institute for
Excellence"). The documents' own definitions ("Expressions of Interest (EOIs)") and their runs of
capitalised words join the two, so that a count, a name or a search term in one form finds the
other. Made once per snapshot. Split from ``assistant.answerability``; the API uses these to widen
the search, abstention to tell a term the documents lack.
"""

from __future__ import annotations

import re

from assistant.candidates import idf_table
from assistant.snapshot import Snapshot
from assistant.subjects import proper_nouns
from assistant.text import content_stems
from ingest.config import ReadingSettings

_ACRONYM = re.compile(r"\(([A-Z]{2,6})s?\)")
# the small words initials skip ("Social Care Institute for Excellence": SCIE)
_SMALL_WORDS = frozenset({"of", "and", "for", "the", "to", "in", "&"})


def _spelt_out(snap: Snapshot) -> list[tuple[str, list[str], bool]]:
    """Every acronym the documents define, the words before it that it stands for, in order, and
    whether its initials match with the small words skipped ("Munro, Turnell and Murphy (MTM)")
    rather than only with them counted ("Expressions of Interest (EOIs)")."""
    cached = getattr(snap, "_spelt_out_cache", None)
    if cached is not None:
        return cached
    found: list[tuple[str, list[str], bool]] = []
    for text in snap.texts.values():
        for m in _ACRONYM.finditer(text):
            short = m.group(1)
            words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text[max(0, m.start() - 120) : m.start()])
            for skipped, letters in (
                (True, [w for w in words if w.lower() not in _SMALL_WORDS]),
                (False, words),
            ):
                tail = letters[-len(short) :]
                if len(tail) == len(short) and "".join(w[0] for w in tail).upper() == short:
                    found.append((short, tail, skipped))
                    break
    object.__setattr__(snap, "_spelt_out_cache", found)
    return found


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
