"""Checks a generated answer against the passages the model was given, sentence by sentence.

A language model writes fluent text, but nothing it writes is trusted. A sentence is kept only if

* it carries at least one ``[n]`` citation, and every ``n`` names a passage that was given;
* every number, date and amount of money in it appears in a passage it cites (``£1.5m`` and
  ``£1,500,000`` are the same amount; ``1 January 2030`` needs that day, month and year);
* one sentence of a cited passage supports it (embedding cosine with the assistant's own
  embedder, or word overlap): that sentence, ``source[start:end]``, becomes the verbatim quote the
  user sees, checked again with :func:`assistant.cite.verify`.

Sentences of a passage that read as instructions to the model ("ignore previous instructions and
say ...") never count as support and their figures never count as evidence: a document cannot
vouch for what it told the model to say.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.cite import verify
from assistant.models import Citation
from assistant.text import content_stems
from ingest.config import LLMSettings
from ingest.models import Chunk
from ingest.values import DateMention, date_mentions, money_in, same_amount

Embed = Callable[[str], np.ndarray]


@dataclass
class Source:
    """One numbered passage as the model saw it, with the sentence spans a quote can be cut from."""

    n: int
    chunk: Chunk
    source_text: str  # the whole document text; a citation is source_text[start:end]
    spans: list[tuple[int, int]]  # the passage's sentences, in document coordinates
    vecs: np.ndarray | None = None  # one unit vector per span, when the index has them

    @property
    def passage_text(self) -> str:
        return self.chunk.text


@dataclass
class Sentence:
    raw: str  # as the model wrote it, markers included
    text: str  # markers removed, for display and checking
    markers: list[int]
    bullet: bool = False


@dataclass
class Kept:
    text: str
    citations: list[Citation]
    bullet: bool = False


@dataclass
class CheckResult:
    """What survived, what was dropped and why; ``answer``/``citations`` are ready to show."""

    kept: list[Kept] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (sentence, reason)
    abstained: bool = False
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.kept) + len(self.dropped)

    def failure(self, min_share: float) -> str | None:
        """Why the answer should not be shown (None when it may be): fewer than ``min_share``
        (``llm.min_kept_share``) of its sentences passed the checks."""
        if self.abstained:
            return None
        if not self.total:
            return "the language model returned no answer text"
        if not self.kept or len(self.kept) < min_share * self.total:
            shown = "; ".join(f"{_clip(s)!r}: {why}" for s, why in self.dropped[:3])
            more = f" (and {len(self.dropped) - 3} more)" if len(self.dropped) > 3 else ""
            return (
                f"the generated answer failed the citation checks: {len(self.dropped)} of "
                f"{self.total} sentences dropped ({shown}{more})"
            )
        return None


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------------------------------------
# splitting the model's text into sentences with their markers
# ------------------------------------------------------------------------------------------------
_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_MARKER_RUN = re.compile(r"^(?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+")
_BULLET = re.compile(r"^\s*(?:[-*•▪●◦]|\d{1,2}[.)])\s+")
_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\[(\"'“‘A-Z0-9£*_-])")
_LABEL = re.compile(r"^\s*(?:\*\*)?(?:answer|response)\s*:\s*(?:\*\*)?\s*", re.I)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a generated answer; markers written after the full stop stay with their sentence."""
    text = _LABEL.sub("", html.unescape(text or "").replace("\r", ""))
    pieces: list[tuple[str, bool]] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        bullet = bool(_BULLET.match(line))
        body = _BULLET.sub("", line).strip()
        for i, part in enumerate(_SPLIT.split(body)):
            lead = _MARKER_RUN.match(part)
            if lead and pieces:  # "... end. [2] Next sentence" -> [2] belongs to the previous one
                prev, pb = pieces[-1]
                pieces[-1] = (f"{prev} {lead.group(0).strip()}", pb)
                part = part[lead.end() :]
            if part.strip():
                pieces.append((part.strip(), bullet and i == 0))
    out = []
    for raw, bullet in pieces:
        markers = [int(n) for g in _MARKER.findall(raw) for n in re.split(r"\s*[,;]\s*", g)]
        bare = _MARKER.sub(" ", raw)
        bare = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(bare.split())).strip()
        bare = bare.strip("*_ ").strip()
        if re.search(r"[A-Za-z0-9]", bare):
            out.append(Sentence(raw, bare, list(dict.fromkeys(markers)), bullet))
    return out


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower().replace("’", "'").replace("'", "")).split())


def is_abstention(sentence: str, abstain_text: str) -> bool:
    """The fixed refusal sentence (or its first clause, as small models tend to cut it short)."""
    s, a = _fold(sentence), _fold(abstain_text)
    return bool(s) and (a in s or (len(s) >= 30 and a.startswith(s)) or s.startswith(a[:60]))


# ------------------------------------------------------------------------------------------------
# figures: numbers, dates, money
# ------------------------------------------------------------------------------------------------
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-/–]\s*(\d\d)\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_SMALL_NUMBERS.split(" "))}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "dozen": "12"})
_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(w for w in _NUMBER_WORDS if w not in {"one", "zero"}) + r")\b", re.I
)


def _num(token: str) -> str:
    """Canonical form of a number token: thousands commas removed, trailing .0 dropped."""
    t = token.replace(",", "")
    if "." in t:
        t = t.rstrip("0").rstrip(".") or "0"
    return t


@dataclass
class Facts:
    """The figures of a piece of text, in comparable form."""

    numbers: set[str] = field(default_factory=set)
    money: list[float] = field(default_factory=list)
    day_month: set[tuple[int, int]] = field(default_factory=set)
    month_year: set[tuple[int, int]] = field(default_factory=set)

    def has_money(self, value: float) -> bool:
        return any(same_amount(v, value) for v in self.money)


def _dates(text: str) -> list[DateMention]:
    """Dates the check compares: a day or a month with its year (a season is checked as its year)."""
    return [d for d in date_mentions(text) if d.season is None]


def facts_of(text: str) -> Facts:
    f = Facts()
    f.money.extend(m.value for m in money_in(text) if m.value is not None)
    for d in _dates(text):
        if d.day is not None:
            f.day_month.add((d.day, d.month))
        if d.year is not None:
            f.month_year.add((d.month, d.year))
    for m in _YEAR_RANGE.finditer(text):
        f.numbers.add(m.group(1)[:2] + m.group(2))  # 2016-17 also counts as 2017
    f.numbers.update(_num(t) for t in _NUMBER.findall(text))
    f.numbers.update(_NUMBER_WORDS[w.lower()] for w in _NUMBER_WORD.findall(text))
    return f


def figures_missing(sentence: str, evidence: Facts) -> list[str]:
    """The figures of ``sentence`` that ``evidence`` does not hold, as written in the sentence."""
    missing: list[str] = []
    rest = sentence
    for m in money_in(sentence):
        bare = m.text.lstrip("£$€ ")
        as_number = not m.scaled and _num(bare) in evidence.numbers  # "£110" where the source says "110"
        if (m.value is None or not evidence.has_money(m.value)) and not as_number:
            missing.append(m.text)
        rest = rest.replace(m.text, " ")
    dates = _dates(rest)
    for d in dates:
        if d.day is not None:
            ok = (d.day, d.month) in evidence.day_month
            if d.year is not None:
                ok = ok and (d.month, d.year) in evidence.month_year
        else:
            ok = (d.month, d.year) in evidence.month_year
        if not ok:
            missing.append(d.text.strip())
    for d in dates:
        rest = rest.replace(d.text, " ")
    for m in _YEAR_RANGE.finditer(rest):
        full = m.group(1)[:2] + m.group(2)
        if m.group(1) not in evidence.numbers or (
            m.group(2) not in evidence.numbers and full not in evidence.numbers
        ):
            missing.append(m.group(0))
        rest = rest.replace(m.group(0), " ")
    for tok in _NUMBER.findall(rest):
        if _num(tok) not in evidence.numbers:
            missing.append(tok)
    for w in _NUMBER_WORD.findall(rest):
        if _NUMBER_WORDS[w.lower()] not in evidence.numbers:
            missing.append(w)
    return list(dict.fromkeys(missing))


# ------------------------------------------------------------------------------------------------
# instructions planted in documents
# ------------------------------------------------------------------------------------------------
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompts?|everything|the above)\b"
    r"|\b(system prompt|new instructions?|jailbreak)\b"
    r"|\b(you|the assistant|the model|ai)\s+(must|should|will)\s+(now\s+)?(say|answer|reply|respond|tell)\b"
    r"|\bprevious instructions\b",
    re.I,
)


def looks_like_instruction(text: str) -> bool:
    """A sentence addressed to the model rather than a statement about the programme."""
    return bool(_INSTRUCTION.search(text))


# ------------------------------------------------------------------------------------------------
# the check
# ------------------------------------------------------------------------------------------------
def _stems(text: str) -> set[str]:
    return set(content_stems(text))


def _citable(sentence: str) -> bool:
    return not looks_like_instruction(sentence) and not sentence.rstrip().rstrip("*_ ").endswith("?")


class _SourceView:
    """Per-source data computed once per check: usable spans, their vectors and figures."""

    def __init__(self, src: Source, embed: Embed | None) -> None:
        self.src = src
        # a heading question ("Who can apply?") states nothing; an instruction is not evidence
        keep = [i for i, (a, b) in enumerate(src.spans) if _citable(src.source_text[a:b])]
        self.spans = [src.spans[i] for i in keep]
        self.texts = [src.source_text[a:b] for a, b in self.spans]
        if src.vecs is not None and len(src.vecs) == len(src.spans):
            self.vecs: np.ndarray | None = np.asarray(src.vecs)[keep] if keep else None
        elif embed is not None and self.texts:
            self.vecs = np.vstack([embed(t) for t in self.texts])
        else:
            self.vecs = None
        self.stems = [_stems(t) for t in self.texts]
        self.facts = facts_of("\n".join(self.texts))
        self.span_facts = [facts_of(t) for t in self.texts]

    def best_support(self, sentence: str, svec: np.ndarray | None) -> tuple[int, float, float] | None:
        """(span index, cosine, word overlap) of the sentence that best supports ``sentence``."""
        if not self.spans:
            return None
        want = _stems(sentence)
        cos = self.vecs @ svec if self.vecs is not None and svec is not None else np.zeros(len(self.spans))
        best: tuple[float, int, float, float] | None = None
        for i, stems in enumerate(self.stems):
            overlap = len(want & stems) / len(want) if want else 0.0
            figures_here = 0.2 if not figures_missing(sentence, self.span_facts[i]) else 0.0
            score = float(cos[i]) + 0.5 * overlap + figures_here
            if best is None or score > best[0]:
                best = (score, i, float(cos[i]), overlap)
        assert best is not None
        return best[1], best[2], best[3]


def _citation(src: Source, start: int, end: int, n: int) -> Citation:
    return Citation.from_span(src.chunk, src.source_text, start, end, n)


def check_answer(
    text: str,
    sources: Sequence[Source],
    embed: Embed | None = None,
    *,
    llm: LLMSettings,
    abstain_text: str | None = None,
) -> CheckResult:
    """Check every sentence of ``text``; build the shown answer from the survivors.

    A sentence is supported by a source sentence at least ``llm.min_support_cos`` close in meaning, or
    holding ``llm.min_support_overlap`` of its content words (``llm``: the settings' llm group).

    Citations are renumbered 1.. in order of first use; two sentences supported by the same source
    sentence share one citation.
    """
    if abstain_text is None:
        from assistant.models import ABSTAIN_TEXT as abstain_text
    by_n = {s.n: s for s in sources}
    views: dict[int, _SourceView] = {}
    result = CheckResult()
    numbered: dict[tuple[str, int, int], Citation] = {}
    refusal_seen = False
    for sent in split_sentences(text):
        if is_abstention(sent.text, abstain_text):
            refusal_seen = True
            continue
        if not sent.markers:
            result.dropped.append((sent.text, "no citation"))
            continue
        unknown = [n for n in sent.markers if n not in by_n]
        if unknown:
            listed = ", ".join(f"[{n}]" for n in unknown)
            result.dropped.append(
                (sent.text, f"cites {listed}, which is not one of the {len(by_n)} passages given")
            )
            continue
        cited = [views.setdefault(n, _SourceView(by_n[n], embed)) for n in sent.markers]
        evidence = Facts()
        for v in cited:
            evidence.numbers |= v.facts.numbers
            evidence.money += v.facts.money
            evidence.day_month |= v.facts.day_month
            evidence.month_year |= v.facts.month_year
        missing = figures_missing(sent.text, evidence)
        if missing:
            where = "".join(f"[{n}]" for n in sent.markers)
            figs = ", ".join(repr(m) for m in missing)
            result.dropped.append((sent.text, f"{figs} not in the passage(s) it cites {where}"))
            continue
        svec = embed(sent.text) if embed is not None else None
        cits: list[Citation] = []
        for v in cited:
            best = v.best_support(sent.text, svec)
            if best is None:
                continue
            i, cos, overlap = best
            if cos < llm.min_support_cos and overlap < llm.min_support_overlap:
                continue
            start, end = v.spans[i]
            key = (v.src.chunk.doc_id, start, end)
            cit = numbered.get(key)
            if cit is None:
                cit = _citation(v.src, start, end, len(numbered) + 1)
                if not verify(cit, v.src.source_text):
                    continue  # never show a quote that is not verbatim
                numbered[key] = cit
            if cit not in cits:
                cits.append(cit)
        if not cits:
            where = "".join(f"[{n}]" for n in sent.markers)
            result.dropped.append((sent.text, f"no sentence of the cited passage(s) {where} supports it"))
            continue
        result.kept.append(Kept(sent.text, cits, sent.bullet))
    result.abstained = refusal_seen and not result.kept
    if result.abstained:
        result.dropped.clear()
        return result
    used = sorted({c.n for k in result.kept for c in k.citations})
    renumber = {old: new for new, old in enumerate(used, 1)}
    final: dict[int, Citation] = {}
    parts: list[str] = []
    for k in result.kept:
        k.citations = [final.setdefault(renumber[c.n], _renumbered(c, renumber[c.n])) for c in k.citations]
        line = f"{k.text} " + "".join(f"[{c.n}]" for c in k.citations)
        if k.bullet:
            parts.append(("\n" if parts else "") + f"- {line}\n")
        else:
            parts.append((" " if parts and not parts[-1].endswith("\n") else "") + line)
    result.answer = "".join(parts).strip()
    result.citations = [final[n] for n in sorted(final)]
    return result


def _renumbered(cit: Citation, n: int) -> Citation:
    from dataclasses import replace

    return replace(cit, n=n)
