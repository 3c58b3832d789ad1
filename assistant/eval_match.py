"""The reference scorer's matching rules: when a quote is real and when a snippet was cited.

The shared reference scorer (``../shared/eval/score.py``) is the yardstick the product is judged
by, but the project has to run without it, so its rules are re-implemented here and must stay
character-for-character equivalent (``tests/test_evaluate.py`` scores the same responses with
both and requires the same figures to 1e-9). The reference docstring is the authority:

* answers are matched after a light clean-up that keeps case (``light``); ``must_include``
  regexes are searched case-insensitively and averaged per item (:mod:`assistant.eval_score`);
* evidence and citations are compared in a normalised form (``normalise``): a snippet is found in
  a passage when it is a substring, or when >= 80% of its word tokens occur in the passage;
* a citation is valid when it is a substring of a corpus file, or when a window of ~1.1x its
  length in one file holds >= 90% of its tokens *and* every token containing a digit (so an altered
  figure is not a real quote); fewer than 4 tokens is invalid; "..." elisions are checked part by part;
* passages are cut to 2,000 characters before matching, so citing a whole document earns nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.manifest import corpus_files

# The reference scorer's rules (../shared/eval/score.py: --max-passage-chars, --min-citation-tokens,
# --validity-overlap, its evidence coverage), not tuning knobs of the assistant: they must stay equal
# to the scorer's so that `csc-assistant eval` scores as it does, so they are not settings
MAX_PASSAGE_CHARS = 2000
MIN_CITATION_TOKENS = 4
VALIDITY_OVERLAP = 0.9
EVIDENCE_COVERAGE = 0.8


# ------------------------------------------------------------------------------------------------
# normalisation (must stay character-for-character equivalent to the reference)
# ------------------------------------------------------------------------------------------------
def _table(chars: str, to: str | None) -> dict[int, str | None]:
    return {ord(c): to for c in chars}


_SUPERSCRIPTS = _table("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾", None)
_PUNCT = {
    **_table("‘’‚‛′`´", "'"),
    **_table("“”„‟″«»", '"'),
    **_table("‐‑‒–—―−", "-"),
    **_table("•·▪●◦\u00a0\u2009\u200b\t|", " "),
}
_WORD = re.compile(r"[a-z0-9]+")
_FOOTNOTE_REF = re.compile(r"\^\{[^}]*\}")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_UNDERLINE = re.compile(r"</?u>")
_ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")
_EMPHASIS = re.compile(r"[*_#]")
_LOOSE_DASH = re.compile(r"(?:(?<=\s)|^)-+(?=\s|$)")
_ELLIPSIS = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…")


def light(text: str) -> str:
    """Unicode, link and markdown clean-up that keeps case: what fact regexes are run against."""
    t = text.translate(_SUPERSCRIPTS)
    t = _FOOTNOTE_REF.sub(" ", t)
    t = _MD_LINK.sub(r"\1", t)
    t = _UNDERLINE.sub("", t)
    t = _ANGLE_URL.sub(r"\1", t)
    t = unicodedata.normalize("NFKC", t)
    t = t.translate(_PUNCT).replace("…", "...")
    return _EMPHASIS.sub("", t)


def normalise(text: str) -> str:
    """Canonical form for quote matching: ``light``, bullet dashes dropped, lower case, single spaces."""
    return " ".join(_LOOSE_DASH.sub(" ", light(text)).lower().split())


def tokens(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def coverage(needle: Sequence[str], hay: Counter[str]) -> float:
    """Share of needle tokens, counted with multiplicity, that the haystack can supply."""
    if not needle:
        return 0.0
    return sum(min(n, hay.get(t, 0)) for t, n in Counter(needle).items()) / len(needle)


class Passage:
    """A citation text or context, cut to the passage limit and pre-tokenised once."""

    __slots__ = ("norm", "toks", "counter", "ntok")

    def __init__(self, text: str, max_chars: int = MAX_PASSAGE_CHARS) -> None:
        self.norm = normalise(text[:max_chars])
        self.toks = _WORD.findall(self.norm)
        self.counter = Counter(self.toks)
        self.ntok = len(self.toks)


class Snippet:
    """An evidence snippet from a gold item."""

    __slots__ = ("norm", "toks")

    def __init__(self, text: str) -> None:
        self.norm = normalise(text)
        self.toks = _WORD.findall(self.norm)


def snippet_in(snippet: Snippet, passage: Passage, min_cov: float = EVIDENCE_COVERAGE) -> bool:
    """Substring after normalisation, or enough of the snippet's words in any order."""
    if snippet.norm and snippet.norm in passage.norm:
        return True
    return coverage(snippet.toks, passage.counter) >= min_cov


def _has_digit(tok: str) -> bool:
    return any(ch.isdigit() for ch in tok)


@dataclass(frozen=True)
class Check:
    """Outcome of checking one citation against the corpus."""

    valid: bool
    overlap: float
    file: str | None


class Corpus:
    """The source documents, normalised, for deciding whether a citation is a real quote."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.texts: dict[str, str] = {}
        self.toks: dict[str, list[str]] = {}
        self.vocab: dict[str, set[str]] = {}
        for path in sorted(files):
            # read exactly as the reference does: undecodable bytes replaced, not skipped
            norm = normalise(path.read_text(encoding="utf-8", errors="replace"))
            self.texts[path.name] = norm
            self.toks[path.name] = _WORD.findall(norm)
            self.vocab[path.name] = set(self.toks[path.name])
        if not self.texts:
            raise ValueError("no corpus files to check citations against")
        self._cache: dict[tuple[str, float, bool], Check] = {}

    @classmethod
    def from_dir(cls, directory: Path) -> Corpus:
        """The ingestible documents of a corpus folder; the manifest is metadata, not a source."""
        return cls(corpus_files(directory))

    def verify(
        self,
        p: Passage,
        min_overlap: float = VALIDITY_OVERLAP,
        min_tokens: int = MIN_CITATION_TOKENS,
        strict_numbers: bool = True,
    ) -> Check:
        if p.ntok < min_tokens:
            return Check(False, 0.0, None)
        key = (p.norm, min_overlap, strict_numbers)
        if key not in self._cache:
            self._cache[key] = self._verify(p, min_overlap, strict_numbers)
        return self._cache[key]

    def _verify(self, p: Passage, min_overlap: float, strict_numbers: bool) -> Check:
        for name, text in self.texts.items():
            if p.norm in text:
                return Check(True, 1.0, name)
        need = p.counter
        numbers = {t: c for t, c in need.items() if _has_digit(t)} if strict_numbers else {}
        thresh = math.ceil(min_overlap * p.ntok - 1e-9)
        # the reference computes the window as ceil(n * 1.1) in floating point; keep that exactly
        width = max(p.ntok, int(math.ceil(p.ntok * 1.1)))
        best, best_file = 0.0, None
        for name, ftoks in self.toks.items():
            vocab = self.vocab[name]
            if sum(c for t, c in need.items() if t in vocab) < thresh or any(t not in vocab for t in numbers):
                continue  # no window of this file can qualify
            top, found = self._best_window(ftoks, need, numbers, thresh, min(len(ftoks), width))
            if found:
                return Check(True, top / p.ntok, name)
            if top / p.ntok > best:
                best, best_file = top / p.ntok, name
        return Check(False, best, best_file)

    @staticmethod
    def _best_window(
        ftoks: list[str], need: Counter[str], numbers: dict[str, int], thresh: int, w: int
    ) -> tuple[int, bool]:
        """Slide a w-token window; return (best overlap seen, whether some window qualifies)."""
        win: Counter[str] = Counter()
        ov = 0
        for tok in ftoks[:w]:
            if win[tok] < need.get(tok, 0):
                ov += 1
            win[tok] += 1
        top = ov

        def qualifies() -> bool:
            return ov >= thresh and all(win[t] >= c for t, c in numbers.items())

        if qualifies():
            return top, True
        for i in range(w, len(ftoks)):
            out_t, in_t = ftoks[i - w], ftoks[i]
            win[out_t] -= 1
            if win[out_t] < need.get(out_t, 0):
                ov -= 1
            if win[in_t] < need.get(in_t, 0):
                ov += 1
            win[in_t] += 1
            top = max(top, ov)
            if qualifies():
                return top, True
        return top, False


def verify_citation(corpus: Corpus, text: str, passage: Passage | None = None) -> Check:
    """Whole text first; a quote elided with "..." passes if every substantial part is real."""
    cut = text[:MAX_PASSAGE_CHARS]
    res = corpus.verify(passage or Passage(text))
    if res.valid or not _ELLIPSIS.search(cut):
        return res
    parts = [q for q in (Passage(x) for x in _ELLIPSIS.split(cut)) if q.ntok >= MIN_CITATION_TOKENS]
    if not parts:
        return res
    checks = [corpus.verify(q) for q in parts]
    if all(c.valid for c in checks):
        return Check(True, min(c.overlap for c in checks), checks[0].file)
    return res
