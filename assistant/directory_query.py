"""Read a question against the project directory: question -> filters.

Split out of ``assistant/projects.py`` so that reading a question (entry names typed exactly or
loosely, organisations, regions, theme words and codes, amounts, years, phrases from the entries)
can be read and tested apart from answering it (matching records, locating them in the source,
phrasing and citing), which stays in ``assistant/projects.py``. ``_parse`` turns a question into a
``_Parsed`` set of filters; the words it knows and how tokens are compared are in
:mod:`assistant.directory_words`; whether the question is a directory question at all, and of
which kind (list, lookup, count, total), is decided by :mod:`assistant.directory_kind`. Nothing
here imports ``assistant.projects``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.directory_words import (
    _GENERIC_WORDS,
    _STOP,
    GENERIC_PHRASES,
    PHRASE_START_STOP,
    QUESTION_REGIONS,
    STOPWORDS,
    THEME_WORDS,
    _contains,
    _content,
    _name_variants,
    _norm_seq,
    _org_fragments,
    _tokens,
)
from ingest.config import SpellingSettings
from ingest.projects_store import ProjectRecord, fold_text
from ingest.values import MONTH_ALT, MONTH_NAMES, MONTH_NUMBER, parse_amount

_AMOUNT_RE = re.compile(
    r"\b(?P<op>over|more than|above|at least|greater than|exceeding|under|less than|below|at most|up to"
    r"|between)\s+£\s?(?P<a>\d[\d.,]*)\s*(?P<ua>bn|million|thousand|m|k)?(?![a-z])"
    r"(?:\s+(?:and|to)\s+£\s?(?P<b>\d[\d.,]*)\s*(?P<ub>bn|million|thousand|m|k)?(?![a-z]))?"
)
_YEAR_RANGE_RE = re.compile(r"\b(?:between|from)\s+((?:19|20)\d{2})\s+(?:and|to|-)\s+((?:19|20)\d{2})\b")
_YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")
# a month written just before the year ("October 2017", "oct. 2017"): the award's month is asked too
_MONTH_BEFORE_YEAR = re.compile(rf"\b({MONTH_ALT})\.?\s*$", re.I)
# funded more than once: "two separate awards", "more than one grant", "funded twice", "repeat funding"
_AWARD_COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3, "several": 2, "multiple": 2, "more than one": 2}
_REPEAT_AWARDS_RE = re.compile(
    r"\b(?:(?:got|received|had|with|have|has|given)\s+)?(?P<n>two|2|three|3|several|multiple|more than one)"
    r"\s+(?:separate\s+|different\s+|distinct\s+)?(?:awards?|grants?|rounds? of funding|funding awards?)\b"
    r"|\bfunded (?:twice|more than once|again)\b|\brepeat (?:funding|awards?|grants?)\b"
    r"|\b(?:a )?second (?:award|grant)\b",
    re.I,
)


# "which projects involve / include / work with X", "X taking part": any role, not "led by"
_INVOLVE = re.compile(
    r"\b(?:involv\w*|includ\w*|work(?:s|ing|ed)? with|tak(?:e|es|ing) part|partner\w*)\b", re.I
)


@dataclass
class _Parsed:
    kind: str
    region: str | None = None
    themes: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    month: str | None = None  # with a single year: "awards dated October 2017" (full month name)
    min_amount: float | None = None
    min_inclusive: bool = True
    max_amount: float | None = None
    max_inclusive: bool = True
    phrases: list[tuple[str, ...]] = field(default_factory=list)  # normalised token tuples
    phrase_texts: list[str] = field(default_factory=list)
    names: list[tuple[str, ...]] = field(default_factory=list)  # exact entry-name matches
    name_texts: list[str] = field(default_factory=list)
    name_spans: list[str] = field(default_factory=list)  # as typed in the question
    name_numbers: set[int] = field(default_factory=set)
    partial_name_numbers: set[int] = field(default_factory=set)
    shared: bool = False  # only entries with a shared ("share of") award
    min_awards: int | None = None  # only entries funded at least this many times ("two awards")
    words: frozenset[str] = frozenset()  # the question's own words (normalised), stop words aside
    describe: bool = False  # asks what the projects do ("funded, and for what?"): each with its description
    # asks which projects involve an organisation in any role ("involving Southwark, leading or as a
    # partner"): one its description names as taking part counts too, not only its organisations line
    involve: bool = False


# --------------------------------------------------------------------------- question parsing


@lru_cache(maxsize=4)
def _record_index(records: tuple[tuple[int, str, str, str], ...]):  # type: ignore[no-untyped-def]
    """Normalised names, organisation fragments and texts of the records, computed once per store.

    Every question is matched against all of them; normalising 69 records per question was most
    of a directory answer's time.
    """
    name_index: list[tuple[tuple[str, ...], str, int]] = []
    frags: dict[tuple[str, ...], str] = {}
    texts = []
    for number, name, orgs, desc in records:
        for variant in _name_variants(name):
            seq = _norm_seq(variant)
            if seq:
                name_index.append((seq, variant, number))
        for frag in _org_fragments(orgs):
            seq = _norm_seq(frag)
            if len(seq) >= 2 or (len(seq) == 1 and len(frag) >= 4 and frag[0].isupper()):
                frags.setdefault(seq, frag)
        texts.append(_norm_seq(f"{name} \n {desc}"))
    name_index.sort(key=lambda x: -len(x[0]))
    # every run of up to GRAM_MAX tokens of any record: "is this phrase in some record?" is then one
    # set lookup, not a scan of 69 texts for each of a long question's many spans
    grams = frozenset(
        t[i : i + n] for t in texts for n in range(1, GRAM_MAX + 1) for i in range(len(t) - n + 1)
    )
    return name_index, frags, texts, grams


# Not a setting: how long a phrase the lookup set holds changes only speed and memory, never a
# result (a longer phrase is looked for by scanning the texts, with the same outcome)
GRAM_MAX = 8


def _fuzzy_names(q: str, qf: str, name_index: list, p: _Parsed, mark_span, min_score: int) -> None:  # type: ignore[no-untyped-def, type-arg]
    """Entry names the question spells loosely: one or two slips, words run together or split.

    ``min_score``: ``spelling.fuzzy_name_score``, the rapidfuzz partial ratio that counts as the name.
    """
    from rapidfuzz import fuzz

    squeezed_q = re.sub(r"[^a-z0-9]", "", qf)
    best: tuple[float, str, int, int, int] | None = None
    for seq, variant, number in name_index:
        words = _content(seq)
        if len(words) < 2 and len(variant) < 8:
            continue  # short one-word names match too much by accident
        target = variant.lower().replace("’", "'")
        if len(target) < 6:
            continue
        al = fuzz.partial_ratio_alignment(target, qf, score_cutoff=min_score)
        squeezed = re.sub(r"[^a-z0-9]", "", target)
        score = al.score if al is not None else 0.0
        if al is None and len(squeezed) >= 8 and squeezed in squeezed_q:
            score, al = 100.0, None
        if score and (best is None or score > best[0] or (score == best[0] and len(target) > len(best[1]))):
            span = (al.dest_start, al.dest_end) if al is not None else (0, 0)
            best = (score, variant, number, *span)
    if best is None:
        return
    _score, variant, number, start, end = best
    if end > start:
        mark_span(start, end)
    p.names.append(_norm_seq(variant))
    p.name_texts.append(variant)
    p.name_spans.append(q[start:end] if end > start else variant)
    p.name_numbers.add(number)


# "which projects were funded, and for what?", "what do they do", "what are they about": the asker
# wants each project's description, not only its name and award
_ASKS_WHAT_FOR = re.compile(
    r"\bfor what\b"
    r"|\bwhat (?:for|(?:is|was|are|were) (?:it|they|each|these|those)(?: \w+)? (?:for|about|doing))\b"
    r"|\bwhat (?:do|does|did)\b[^?.]{0,60}?\b(?:do|deliver|offer|provide|test)\b"
    r"|\bwhat (?:they|it|each) (?:do|does|did|is|are|was|were)\b|\bdescri\w+"
    r"|\bwhat (?:sort|kind) of (?:work|projects?)\b",
    re.I,
)


def _parse(
    question: str, records: list[ProjectRecord], codes: list[str], spelling: SpellingSettings
) -> tuple[_Parsed, bool] | None:
    """Pull filters out of the question; returns (parsed, has_filters) or None if not ours.

    ``spelling``: the settings' spelling group (the scores at which a loosely typed name counts).
    """
    q = question.strip()
    qf = q.lower().replace("’", "'").replace("‘", "'").replace("–", "-")  # same length as q
    toks = _tokens(q)
    used = [False] * len(toks)
    norms = tuple(t.norm for t in toks)

    def mark(i: int, j: int) -> None:
        for k in range(i, j):
            used[k] = True

    def free(i: int, j: int) -> bool:
        return not any(used[i:j])

    def mark_span(s: int, e: int) -> None:
        for k, t in enumerate(toks):
            if t.start < e and t.end > s:
                used[k] = True

    p = _Parsed(kind="list")
    p.describe = bool(_ASKS_WHAT_FOR.search(q))
    p.involve = bool(_INVOLVE.search(q))
    p.words = frozenset(_content(norms))

    # 1. exact entry names (longest first); single-word names only with their own casing
    keyed = tuple((r.number, r.name, r.organisations, r.description) for r in records)
    name_index, frags, texts, grams = _record_index(keyed)
    for seq, variant, number in name_index:
        n = len(seq)
        for i in range(len(toks) - n + 1):
            if norms[i : i + n] != seq:
                continue
            if n == 1 and toks[i].orig.replace("’", "'") != variant.replace("’", "'"):
                continue
            if n > 1 and not _content(seq):
                continue
            if not free(i, i + n) and seq not in p.names:
                continue
            mark(i, i + n)
            if seq not in p.names:
                p.names.append(seq)
                p.name_texts.append(variant)
                p.name_spans.append(q[toks[i].start : toks[i + n - 1].end])
            p.name_numbers.add(number)

    # 1b. a misspelt or re-spaced entry name ("life long links", "belhaven servise"): typo-tolerant match
    if not p.names:
        _fuzzy_names(q, qf, name_index, p, mark_span, spelling.fuzzy_name_score)

    # 2. organisation names written out in full
    for seq in sorted(frags, key=len, reverse=True):
        n = len(seq)
        for i in range(len(toks) - n + 1):
            if norms[i : i + n] != seq or not free(i, i + n):
                continue
            if n == 1 and toks[i].orig != frags[seq]:
                continue
            mark(i, i + n)
            if frags[seq] not in p.orgs:
                p.orgs.append(frags[seq])

    # 3. region
    for alias in sorted(QUESTION_REGIONS, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(alias)}\b", qf):
            idx = [k for k, t in enumerate(toks) if t.start < m.end() and t.end > m.start()]
            if idx and free(idx[0], idx[-1] + 1) and p.region is None:
                p.region = QUESTION_REGIONS[alias]
                mark(idx[0], idx[-1] + 1)

    # 4. themes: raw codes in capitals (or next to "code"), then readable words
    code_parts = {c: c for c in codes}
    for c in codes:
        for part in c.split("/"):
            code_parts.setdefault(part, c)
    near_code = bool(re.search(r"\b(?:theme|code|codes|tagged|coded)\b", qf))
    for k, t in enumerate(toks):
        if used[k]:
            continue
        cand = t.orig.upper()
        if cand in code_parts and (t.orig.isupper() or (near_code and len(cand) >= 2)):
            code = code_parts[cand] if cand not in codes else cand
            if code not in p.themes:
                p.themes.append(code)
            used[k] = True
    for pattern, code in THEME_WORDS:
        for m in re.finditer(rf"\b(?:{pattern})\b", qf):
            idx = [k for k, t in enumerate(toks) if t.start < m.end() and t.end > m.start()]
            if idx and free(idx[0], idx[-1] + 1):
                mark(idx[0], idx[-1] + 1)
                if code not in p.themes:
                    p.themes.append(code)

    # 5. amounts and years
    for m in _AMOUNT_RE.finditer(qf):
        a = parse_amount(m.group("a"), m.group("ua"))
        op = m.group("op")
        if op == "between" and m.group("b"):
            p.min_amount, p.max_amount = a, parse_amount(m.group("b"), m.group("ub") or m.group("ua"))
        elif op in ("over", "more than", "above", "greater than", "exceeding"):
            p.min_amount, p.min_inclusive = a, False
        elif op == "at least":
            p.min_amount = a
        elif op in ("under", "less than", "below"):
            p.max_amount, p.max_inclusive = a, False
        else:
            p.max_amount = a
        mark_span(m.start(), m.end())
    am = _REPEAT_AWARDS_RE.search(qf)
    if am:
        p.min_awards = _AWARD_COUNTS.get(am.group("n") or "", 2)
        mark_span(am.start(), am.end())
    sm = re.search(r"\bshare of\b|\bshared (?:award|pot|funding|grant)s?\b", qf)
    if sm:
        p.shared = True
        mark_span(sm.start(), sm.end())
    rm = _YEAR_RANGE_RE.search(qf)
    if rm:
        p.year_from, p.year_to = int(rm.group(1)), int(rm.group(2))
        mark_span(rm.start(), rm.end())
    else:
        years = [
            m
            for m in _YEAR_RE.finditer(qf)
            if any(not used[k] for k, t in enumerate(toks) if t.start == m.start())
        ]
        if years:
            p.year_from = p.year_to = int(years[0].group(1))
            mark_span(years[0].start(), years[0].end())
            month = _MONTH_BEFORE_YEAR.search(qf, 0, years[0].start())
            if month:
                p.month = MONTH_NAMES[MONTH_NUMBER[month.group(1).lower()] - 1]
                mark_span(month.start(), month.end())

    # 6. phrases that occur in entry names/descriptions (longest first, >= 2 content words)
    i = 0
    while i < len(toks):
        found = False
        for j in range(len(toks), i + 1, -1):
            if not free(i, j):
                continue
            seq = norms[i:j]
            if seq[0] in _STOP or seq[0] in PHRASE_START_STOP or seq[-1] in _STOP:
                continue
            if len(_content(seq)) < 2:
                continue
            text = " ".join(seq)
            if text in GENERIC_PHRASES:
                continue
            if (seq in grams) if len(seq) <= GRAM_MAX else any(_contains(t, seq) for t in texts):
                p.phrases.append(seq)
                p.phrase_texts.append(q[toks[i].start : toks[j - 1].end])
                mark(i, j)
                i = j
                found = True
                break
        if not found:
            i += 1

    # 7. fuzzy entry names for capitalised spans nothing else explained (typos)
    if not p.names:
        from rapidfuzz import fuzz, process

        span_re = r"[A-Z][\w'’-]*(?:\s+(?:of|and|the|for|to|on|[A-Z][\w'’-]*))*\s+[A-Z][\w'’-]*"
        for m in re.finditer(span_re, q):
            idx = [k for k, t in enumerate(toks) if t.start < m.end() and t.end > m.start()]
            while idx and toks[idx[0]].orig.lower() in STOPWORDS:
                idx.pop(0)
            if len(idx) < 2 or not free(idx[0], idx[-1] + 1):
                continue
            span = q[toks[idx[0]].start : toks[idx[-1]].end]
            # rapidfuzz's ratio is difflib's (2 x matched / total), computed in C: a span against
            # every name variant of every record was 15 ms of a directory question in difflib
            choices = [(fold_text(v), r) for r in records for v in _name_variants(r.name)]
            hit = process.extractOne(
                fold_text(span),
                [c for c, _r in choices],
                scorer=fuzz.ratio,
                score_cutoff=spelling.name_span_score,
            )
            if hit is not None:
                record = choices[hit[2]][1]
                p.names.append(_norm_seq(record.name))
                p.name_texts.append(record.name)
                p.name_spans.append(span)
                p.name_numbers.add(record.number)
                mark(idx[0], idx[-1] + 1)

    # 8. remaining capitalised words: an organisation, a word of a project's name, or a place
    orgs_fold = [(r.number, fold_text(r.organisations)) for r in records]
    for k, t in enumerate(toks):
        if used[k] or not t.orig[0].isupper() or t.norm in _STOP or len(t.orig) < 3:
            continue
        if k == 0 and t.orig.lower() in STOPWORDS:
            continue
        word = fold_text(t.orig)
        pat = re.compile(rf"\b{re.escape(word)}\b")
        lower_word = re.compile(rf"\b{re.escape(t.orig.lower())}\b")
        common = any(lower_word.search(f"{r.name} {r.description}") for r in records)
        if not common and any(pat.search(o) for _, o in orgs_fold):
            p.orgs.append(t.orig)
            used[k] = True
            continue
        if t.norm in _GENERIC_WORDS:
            continue
        in_name = {r.number for r in records if t.norm in _norm_seq(r.name)}
        if in_name:
            p.partial_name_numbers |= in_name
            p.phrases.append((t.norm,))
            p.phrase_texts.append(t.orig)
            used[k] = True
        elif any(t.norm in tx for tx in texts):
            p.phrases.append((t.norm,))
            p.phrase_texts.append(t.orig)
            used[k] = True

    has_filters = bool(
        p.region
        or p.themes
        or p.orgs
        or p.year_from
        or p.min_amount is not None
        or p.max_amount is not None
        or p.phrases
        or p.names
        or p.shared
        or p.min_awards is not None
    )
    return p, has_filters
