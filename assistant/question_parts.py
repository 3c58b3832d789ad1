"""The parts of a typed question: which sentence asks, its focus words, its time frame, its quoted values.

A long question carries context (who is asking, why) around its ask; only the asking clause says
what the answer must address, and its content words (stemmed, without the words that only frame an
ask) are the focus the answer must be about. The same clause gives the years the ask covers and
the kind of the values an asker quotes. Split from ``assistant.analysis``, whose
:func:`~assistant.analysis.analyse` builds its reading from these parts.
"""

from __future__ import annotations

import re

from assistant.answer_types import answer_type
from assistant.text import FRAME_STEMS, YEAR_SPAN, content_stems, years_spanned

_SENTENCE_END = re.compile(r"(?<=[.?!;])\s+|\n+")
_INTERROGATIVE = re.compile(r"\b(?:what|whats|when|where|which|who|whom|whose|why|how|whether)\b", re.I)
_EMBEDDED = re.compile(
    r"\b(?:know|find out|tell (?:me|us)|wondering|wonder|asked|check|understand|confirm|clarify|see)\s+"
    r"(?=(?:whether|if|what|when|where|which|who|how)\b)",
    re.I,
)


_LEADING_CLAUSE = re.compile(
    r"^\s*(?:when|if|once|after|before|while|whenever|since|as)\b[^,?]{3,100},\s*(?=(?:what|how|which|who"
    r"|where|why|when|is|are|was|were|do|does|did|can|could|would|should|will|has|have)\b)",
    re.I,
)


def ask_clause(text: str) -> str:
    """The part of a long question that asks: the sentence with the interrogative, from the asking word on.

    "I'm compiling figures for a report. For round two, what was the total?" asks only its last
    sentence; "my manager wants to know whether X" asks X. Context around the ask (who is asking,
    why) must not count as what the answer has to be about.
    """
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    if len(parts) > 1:
        asks = [p for p in parts if p.endswith("?")] or [p for p in parts if _INTERROGATIVE.search(p)]
        typed = [p for p in asks if answer_type(p)]
        text = (typed or asks or parts)[-1] if (typed or asks) else text
        at = parts.index(text) if text in parts else -1
        short = len(re.findall(r"[A-Za-z']+", text)) <= 4 or re.match(
            r"(?:any|and|or|also|plus)\b", text, re.I
        )
        if at > 0 and short and parts[at - 1].endswith("?"):
            # "Did X work? Any hard numbers?": a fragment (short, or "any ..." / "and ...") adds to the
            # question before it, which asks
            text = f"{parts[at - 1]} {text}"
    m = _EMBEDDED.search(text)
    if m:
        text = text[m.end() :]
    m = _LEADING_CLAUSE.match(text)
    if m:
        # "When projects brought a model from abroad, what helped them ...?": the "when" sets the
        # scene; the question is the main clause after it
        text = text[m.end() :]
    return text


# the words of a period ("the twelve months ending March 2015", "the year to March"): they set the
# time frame, which is checked on its own, and say nothing of what the answer is about
_PERIOD_WORDS = re.compile(
    r"\b(?:(?:the\s+)?(?:twelve|\d{1,2}|six|three|eighteen|24)\s+months?|(?:the\s+)?(?:financial\s+)?year)"
    r"\s+(?:ending|ended|to|up to|until|before)\b",
    re.I,
)


def _focus(text: str) -> tuple[list[str], list[str]]:
    text = _PERIOD_WORDS.sub(" ", text)
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*|\d+", text)
    stems = content_stems(" ".join(words))
    seen: dict[str, str] = {}
    for word in words:
        st = content_stems(word)
        if st and st[0] not in FRAME_STEMS and st[0] not in seen:
            seen[st[0]] = word
    kept = [s for s in dict.fromkeys(stems) if s not in FRAME_STEMS]
    return kept, [seen.get(s, s) for s in kept]


# where a question asks a second thing ("What held them up, and how did they get round it?")
_SECOND_ASK = re.compile(
    r",?\s+(?:and|but)\s+(?=(?:what(?:'s|’s)?|how|when|where|who|which|why|has|have|had|did|does|do|is|are"
    r"|was|were|can|could|will|would)\b)",
    re.I,
)


def ask_parts(clause: str) -> list[str]:
    """The asks of a clause that asks two or more things, each with a word of its own; else [].

    "What does their daily routine look like, and has it helped the staff?" is answered only when
    both are; the second ask shares few words with the first's best sentence.
    """
    parts = [p.strip(" ,;-") for p in _SECOND_ASK.split(clause)]
    parts = [p for p in parts if content_stems(p)]
    return parts if len(parts) > 1 else []


_SLOPPY = re.compile(r"\b(what|when|where|who|how|that|there)s\b", re.I)


def _tidy(text: str) -> str:
    """Typed-in-a-hurry forms read as written out: "whats" is "what's", "wat" is "what"."""
    text = _SLOPPY.sub(r"\1's", text)
    return re.sub(r"\bwat\b", "what", re.sub(r"\bhw\b", "how", text, flags=re.I), flags=re.I)


_OPEN_START = re.compile(r"\b(?:from|since|after|beyond|onwards? from)\s+(?:\w+\s+)?((?:19|20)\d{2})\b", re.I)
_OPEN_END = re.compile(r"\b(?:before|until|till|up to|prior to)\s+(?:\w+\s+)?((?:19|20)\d{2})\b", re.I)


def _time_frame(text: str) -> tuple[int, int] | None:
    """The first and last year the ask covers (see ``QuestionAnalysis.time_frame``)."""
    years = years_spanned(text)
    if not years:
        return None
    lo, hi = min(years), max(years)
    if m := _OPEN_START.search(text):
        lo, hi = int(m.group(1)), 2100
    elif m := _OPEN_END.search(text):
        lo, hi = 1900, int(m.group(1)) - (0 if "up to" in m.group(0).lower() else 1)
    return (lo, hi)


def _quoted_value_type(text: str) -> str | None:
    """The kind of the values an asker quotes: amounts, years (dates) or plain counts."""
    if len(re.findall(r"£\s?\d", text)) >= 2:
        return "money"
    if len(YEAR_SPAN.findall(text)) >= 2:
        return "date"
    if len(re.findall(r"(?<![£\d.,])\d[\d,]*(?![\d%])", text)) >= 2:
        return "count"
    return None
