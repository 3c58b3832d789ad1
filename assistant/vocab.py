"""The asker's words in the documents' words: typing slips, chat shorthand and everyday synonyms.

People type "saftey", "guidence", "wat shud we do", "how many councils"; the documents say
"safety", "guidance", "what should", "local authorities". A word the documents never use cannot
match anything (lexically), and the answerability check reads a missing word as a sign that the
documents do not cover the question. So before anything else reads the question, each word that
the documents never use (not even in another form of the word) is replaced by the documents' own
word one typing slip away, if there is exactly one obvious one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from assistant.snapshot import Snapshot
from assistant.text import FRAME_STEMS, STOPWORDS, content_stems
from ingest.config import SpellingSettings

# Chat shorthand and everyday words for what the documents name formally. General English and
# English local-government usage, not phrases of any one question.
SHORTHAND = {
    "wat": "what",
    "wot": "what",
    "wen": "when",
    "wich": "which",
    "whch": "which",
    "wher": "where",
    "hw": "how",
    "cn": "can",
    "hav": "have",
    "ther": "there",
    "wil": "will",
    "whats": "what is",
    "shud": "should",
    "cud": "could",
    "wud": "would",
    "ppl": "people",
    "thru": "through",
    "abt": "about",
    "pls": "please",
    "plz": "please",
    "govt": "government",
    "r": "are",
    "u": "you",
    "ur": "your",
    "n": "and",
    "&": "and",
    "w/": "with",
    "b4": "before",
    "kids": "children",
    "kid": "child",
    "councils": "local authorities",
    "council's": "local authority's",
    "las": "local authorities",
    "la": "local authority",
    "cash": "funding",
    "pot": "funding",  # "the overall pot", "which pot of money": a fund, a word the documents never use
    "pots": "funding",
    # sector shorthand for what the documents spell out ("resi care", "CP plans", "the dept")
    "resi": "residential",
    "cp": "child protection",
    "dept": "department",
    "uni": "university",
    "org": "organisation",
    "orgs": "organisations",
    # months written short, as the documents never do ("the Oct 2013 launch")
    "jan": "January",
    "feb": "February",
    "apr": "April",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sept": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
    # contractions typed without their apostrophe ("cant make it", "isnt strong yet")
    "cant": "can't",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "theyre": "they're",
    "youre": "you're",
    "ive": "I've",
    # units written short ("3 or 4 yrs")
    "yrs": "years",
    "yr": "year",
    "mths": "months",
    "mnths": "months",
    "wks": "weeks",
    # sector abbreviations an asker uses and these documents spell out
    "vfm": "value for money",
    "sib": "social impact bond",
    "sibs": "social impact bonds",
}
# everyday phrases for what the documents call by one name; used only where the documents never
# use the asker's phrase themselves
PHRASES = {
    "closing date": "deadline",
    "cut off date": "deadline",
    "cut-off date": "deadline",
    "cut off": "deadline",
    "cut-off": "deadline",
    "cutoff": "deadline",
    "submission date": "deadline",
    "pot of money": "funding",
    "pots of money": "funding",
}
_PHRASE = re.compile(rf"\b(?:{'|'.join(sorted(map(re.escape, PHRASES), key=len, reverse=True))})\b", re.I)
_COUNTY_SHORT = re.compile(r"[A-Z][a-z]{2,4}s")  # "Yorks", "Herts", "Lancs": a county's short form
# "&" only between spaces: "Q&A" is a name, "FGCs & restorative practice" a shorthand
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*|(?<=\s)&(?=\s)|\bw/|\bb4\b")


@dataclass
class Vocabulary:
    """The documents' words (lower case) with their counts, and the stems they reduce to."""

    # ``spelling.min_word_length``: the shortest word read as any slip (one letter shorter: only a
    # dropped double letter); shorter words have too many neighbours one slip away ("form"/"from")
    min_length: int
    counts: Counter[str] = field(default_factory=Counter)
    stems: frozenset[str] = frozenset()
    by_length: dict[int, list[str]] = field(default_factory=dict)
    # words the documents write capitalised inside a sentence (names and the words of names,
    # "Signs of Safety"): a capitalised word one slip from one of these is a misspelt name
    capitalised: frozenset[str] = frozenset()
    phrases: dict[str, bool] = field(default_factory=dict)  # everyday phrase -> the documents use it

    @classmethod
    def of(cls, snap: Snapshot, min_length: int) -> Vocabulary:
        """The documents' vocabulary, made once per snapshot (and ``min_length``)."""
        caches: dict[int, Vocabulary] = getattr(snap, "_vocabulary_cache", None) or {}
        cached = caches.get(min_length)
        if cached is not None:
            return cached
        counts: Counter[str] = Counter()
        capitalised: set[str] = set()
        for text in snap.texts.values():
            counts.update(w.lower() for w in re.findall(r"[A-Za-z]{2,}", text))
            # not after a sentence's end or a line's start, where every word is capitalised; the
            # look-behind lets names overlap ("North Yorkshire" gives both words)
            after_word = re.finditer(r"(?<=[A-Za-z,;:'’(] )([A-Z][a-z]{3,})\b", text)
            capitalised.update(m.group(1).lower() for m in after_word)
        by_length: dict[int, list[str]] = {}
        for word in counts:
            if len(word) >= min_length - 1:
                by_length.setdefault(len(word), []).append(word)
        stems = frozenset(content_stems(" ".join(counts)))
        vocab = cls(min_length, counts, stems, by_length, frozenset(capitalised))
        object.__setattr__(snap, "_vocabulary_cache", {**caches, min_length: vocab})
        return vocab

    def uses(self, snap: Snapshot, phrase: str) -> bool:
        """Whether the documents themselves write ``phrase`` (remembered per phrase)."""
        if phrase not in self.phrases:
            self.phrases[phrase] = any(phrase in text.lower() for text in snap.texts.values())
        return self.phrases[phrase]

    def known(self, word: str) -> bool:
        low = word.lower()
        if low in self.counts or low in STOPWORDS:
            return True
        stems = content_stems(low)
        # a word that frames the ask ("quote", "footnote") is the asker's own, never a slip
        return not stems or stems[0] in self.stems or stems[0] in FRAME_STEMS

    def _by_use(self, words: list[str]) -> list[str]:
        return sorted(words, key=lambda w: -self.counts[w])

    def _short_readings(self, low: str) -> list[str]:
        """A short word is read only as a dropped double letter ("aply", "stil"), the one slip that
        rarely lands on another short word: the documents' words it could be, most used first."""
        return self._by_use([w for w in self.by_length.get(len(low) + 1, []) if _drops_double(low, w)])

    def _readings(self, low: str) -> list[str]:
        """The documents' words nearest ``low`` (most used first), one slip away (two for long words)."""
        limit = 1 if len(low) < 10 else 2  # two slips in a shorter word reach real words ("mentions")
        # a slip rarely changes the first letter, and allowing it finds unrelated words ("score"/"core")
        pool = [
            w
            for n in range(len(low) - limit, len(low) + limit + 1)
            for w in self.by_length.get(n, [])
            if w[0] == low[0]
        ]
        found = process.extract(low, pool, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=8)
        if not found:
            return []
        best = min(d for _w, d, _i in found)
        closest = self._by_use([w for w, d, _i in found if d == best])
        doubled = [w for w in closest if _drops_double(low, w)]
        if best == 1 and len(doubled) == 1:
            # leaving out one of a double letter is the commonest slip ("asses" for "assess",
            # "sucess"): that reading beats a same-distance substitution ("asset")
            return doubled
        return closest

    def correction(self, word: str) -> str | None:
        """The documents' word one slip away from ``word`` (two for long words), if one is clear."""
        low = word.lower()
        if len(low) < self.min_length - 1 or self.known(low):
            return None
        closest = self._short_readings(low) if len(low) < self.min_length else self._readings(low)
        if not closest:
            return None
        if self.counts[closest[0]] < 2:
            return None  # a word the documents use once is no surer a reading than the asker's
        # two equally close words of similar frequency: no clear reading, leave the word alone
        if len(closest) > 1 and self.counts[closest[1]] * 3 > self.counts[closest[0]]:
            return None
        return closest[0]


def _drops_double(typed: str, word: str) -> bool:
    """``typed`` is ``word`` with one letter of a double letter left out."""
    return len(word) == len(typed) + 1 and any(
        word[i] == word[i + 1] and word[:i] + word[i + 1 :] == typed for i in range(len(word) - 1)
    )


def _cased(original: str, replacement: str) -> str:
    if original.isupper():
        return replacement
    # only a capitalised ordinary word ("Wat") keeps its capital; "VfM" and "LAs" are abbreviations
    title = original[:1].isupper() and original[1:].islower()
    return replacement[:1].upper() + replacement[1:] if title else replacement


def normalise(snap: Snapshot, question: str, spelling: SpellingSettings) -> tuple[str, dict[str, str]]:
    """``question`` in the documents' words, and what was changed (shown in the analysis).

    ``spelling``: the settings' spelling group (which words are read as typing slips).
    """
    vocab = Vocabulary.of(snap, spelling.min_word_length)
    changes: dict[str, str] = {}

    def phrase(m: re.Match[str]) -> str:
        said = m.group(0)
        if vocab.uses(snap, said.lower()):
            return said
        changes[said] = PHRASES[said.lower()]
        return PHRASES[said.lower()]

    question = _PHRASE.sub(phrase, question)

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        new = SHORTHAND.get(low)
        if new is None and word[:1].isupper() and _COUNTY_SHORT.fullmatch(word) and low not in vocab.counts:
            # "North Yorks", "Herts", "Notts": a county written short, as English readers do
            shires = [w for w in vocab.capitalised if w.startswith(low[:4]) and w.endswith("shire")]
            if len(shires) == 1:
                changes[word] = shires[0].title()
                return shires[0].title()
        if new is None and word[:1].isupper() and m.start() > 0:
            # a name ("Wales", "EOI") the documents lack is news, not a typing slip; but one slip
            # from a word the documents capitalise in a name ("Saftey" for "Safety") is a misspelling
            long_enough = len(word) >= vocab.min_length
            fixed = vocab.correction(word) if word[1:].islower() and long_enough else None
            if fixed is None or fixed not in vocab.capitalised:
                return word
            new = fixed
        if new is None:
            new = vocab.correction(word)
        if new is None or new == low:
            return word
        changes[word] = new
        return _cased(word, new)

    return _TOKEN.sub(fix, question), changes


def only_capitalised(snap: Snapshot, word: str) -> str | None:
    """``word`` as the documents write it ("Newham") when they never write it in lower case, else None.

    Many such words are names; some are ordinary words the documents happen to use only in names
    ("Safety" in "Signs of Safety"), so callers narrow them further (the directory asks only about
    words of an organisation's name). Looked up per word and remembered: a scan of every text for
    every word would cost a quarter of a second here and far more on a larger corpus.
    """
    low = word.lower()
    cache: dict[str, str | None] = getattr(snap, "_only_capitalised_cache", None) or {}
    if low not in cache:
        pattern = re.compile(rf"\b{re.escape(low)}\b", re.I)
        found: str | None = None
        for form in (m.group(0) for text in snap.texts.values() for m in pattern.finditer(text)):
            if form[:1].islower():
                found = None  # written in lower case somewhere: an ordinary word
                break
            found = found or form
        cache[low] = found
        object.__setattr__(snap, "_only_capitalised_cache", cache)
    return cache[low]
