"""Answer list / lookup / count / total questions about funded projects from the directory store.

Retrieval sees a few passages, so it cannot say "which projects in X" completely or add
up awards. When a question clearly targets the project directory we filter the parsed
store instead and cite each entry verbatim. Anything else returns None so normal
retrieval answers it: precision matters more than coverage here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ingest.directory import THEME_LABELS_INFERRED, format_gbp, parse_amount
from ingest.projects_store import ProjectRecord, ProjectStore, fold_text

# --------------------------------------------------------------------------- vocabulary

# Readable words -> raw theme code. The codes are undefined in the document; the
# mapping is our reading of the descriptions and is reported as inferred.
THEME_WORDS: list[tuple[str, str]] = [
    (r"care[- ]?leav\w*|leaving care|leave care|leavers? care", "CL"),
    (r"adopt(?:ion|ive|ers?)|foster(?:ing|ed)?|foster[- ]care(?:rs?)?|kinship", "FA"),
    (r"mental (?:ill[- ])?health", "MH"),
    (r"residential(?: care)?|children'?s homes?", "RES"),
    (r"looked[- ]after(?: children)?|children looked after|children in care", "LAC"),
    (r"adolescen\w*|teenagers?", "AD"),
    (r"edge of care|children in need", "EOC/CIN"),
    (r"alternative delivery models?", "ADM"),
    (r"(?:child )?sexual exploitation", "CSE"),
    (r"female genital mutilation", "FGM"),
    (r"disabilit\w*|disabled", "YPD"),
    (r"parents|parental|parenting", "PAR"),
    (r"social work practice|social work reform", "SWP"),
    (r"education(?:al)?|schools?", "ED"),
]

# Region words as users type them. Deliberately no bare "national"/"England".
QUESTION_REGIONS: dict[str, str] = {
    "east midlands": "East Midlands",
    "east of england": "East of England",
    "greater london": "Greater London",
    "london": "Greater London",
    "multiple or nationwide": "Multiple or Nationwide",
    "nationwide": "Multiple or Nationwide",
    "national projects": "Multiple or Nationwide",
    "multiple regions": "Multiple or Nationwide",
    "north east": "North East",
    "north-east": "North East",
    "north west": "North West",
    "north-west": "North West",
    "south east": "South East",
    "south-east": "South East",
    "south west": "South West",
    "south-west": "South West",
    "west midlands": "West Midlands",
    "yorkshire and the humber": "Yorkshire and the Humber",
    "yorkshire and humber": "Yorkshire and the Humber",
    "yorkshire": "Yorkshire and the Humber",
}

_STOPWORD_TEXT = """
    a an the and or of in on at to for from by with without about into across within as is are was were
    be been being has have had do does did done which what who whom whose where when why how many much
    me my i we our us you your they their them it its this that these those there here any all every
    everything anything some each other show list tell give find get got gets getting receive received
    went go goes gone given awarded funded funding fund funds money total totals altogether combined
    overall sum number count project projects programme programmes directory theme themes code codes
    coded tagged marked carry carries carrying run runs ran running lead leads led
    behind deliver delivers delivering delivered support supports supporting help helps helping
    focus focuses focusing involve involves involving use uses using cover covers covering tackle
    tackles tackling organisation organisations organization organizations council councils
    local authority authorities charity charities body bodies partner partners over under above below
    more less than least most between up just only also please can could would should will did
    name names called known entry entries area areas region regions based located rolling out
    year years award awards grant grants million m k £ s"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
PHRASE_START_STOP = frozenset({"work", "works", "working", "focu", "aim", "aiming"})
GENERIC_NAME_WORDS = frozenset({"project", "programme", "pilot", "service", "model", "scheme"})
GENERIC_PHRASES = frozenset(
    {
        "young people",
        "young person",
        "children and young people",
        "social care",
        "children's social care",
        "social work",
        "local authority",
        "local authorities",
        "children's service",
        "children and family",
    }
)

_COUNT_RE = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b")
_TOTAL_RE = re.compile(
    r"\bin total\b|\btotal(?:led|ed)?\b|\baltogether\b|\bcombined\b|\bin all\b|\bsum of\b"
    r"|\bhow much (?:money |funding |in funding )?(?:went|has gone|was (?:spent|given|awarded) to)\b"
)
_LOOKUP_RE = re.compile(
    r"\b(?:which|what) (?:organi[sz]ations?|councils?|local authorit(?:y|ies)|charit(?:y|ies)|bod(?:y|ies)"
    r"|partners?|areas?|places?|boroughs?)\b"
    r"|\bwho(?:'s| is| was| are| were)? (?:runs?|ran|leads?|led|behind|delivers?|delivered|running"
    r"|manages?|operates?|in charge|got)\b"
    r"|\bhow much (?:\w+ )?(?:did|was|were|has|have)\b|\btell me (?:about|more)\b"
    r"|\bdetails? (?:of|for|on)\b|\bwhere (?:is|was|does|did)\b"
    r"|\bwhat (?:is|was|does|did) (?:the )?[\w'’ -]+ (?:project|do|get|receive)\b"
)
_LIST_RE = re.compile(
    r"\b(?:which|what) (?:\w+ )?projects?\b|\bshow(?: me)?\b|\blist\b"
    r"|\bwhat (?:was|were|got|has been|have been) funded\b|\beverything funded\b"
    r"|\ball (?:the )?projects\b|\bany projects\b"
)
_PROJECT_WORD_RE = re.compile(
    r"\bprojects?\b|\bdirectory\b|\btheme codes?\b|\bfunded\b|\bawards?\b|\bawarded\b|\bgrants?\b"
)
# "we", "our", "I": the asker's own project or bid, an eligibility question, not a directory search
_FIRST_PERSON_RE = re.compile(r"\b(?:we|we're|we've|our|ours|us|i|i'm|i've|my)\b")
_ROUND_RE = re.compile(
    r"\bround\s*(?:[123]|one|two|three)\b|\brounds\b"
    r"|\b(?:first|second|third|1st|2nd|3rd|original|last) (?:round|phase)\b"
)
# words of the programme's own name and generic nouns: in a project name they identify nothing
_GENERIC_WORDS = frozenset(
    [
        "innovation",
        "innovations",
        "programme",
        "program",
        "children",
        "childrens",
        "social",
        "care",
        "project",
        "projects",
        "council",
        "councils",
        "service",
        "services",
        "fund",
        "funding",
        "department",
        "dfe",
    ]
)
_LEARNING_RE = re.compile(
    r"\b(?:found|find|findings?|learn(?:ed|t|ing)?|lessons?|evidence|evaluat\w*|impact|effective"
    r"|conclu\w*|say about|said about|what worked|outcomes? (?:for|of))\b"
)
_AMOUNT_RE = re.compile(
    r"\b(?P<op>over|more than|above|at least|greater than|exceeding|under|less than|below|at most|up to"
    r"|between)\s+£\s?(?P<a>\d[\d.,]*)\s*(?P<ua>bn|million|thousand|m|k)?(?![a-z])"
    r"(?:\s+(?:and|to)\s+£\s?(?P<b>\d[\d.,]*)\s*(?P<ub>bn|million|thousand|m|k)?(?![a-z]))?"
)
_YEAR_RANGE_RE = re.compile(r"\b(?:between|from)\s+((?:19|20)\d{2})\s+(?:and|to|-)\s+((?:19|20)\d{2})\b")
_YEAR_RE = re.compile(r"\b((?:19|20)\d{2})\b")
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-/]*")


@dataclass
class DirectoryAnswer:
    """A directory answer: text with [n] markers, one verbatim citation per entry used."""

    answer: str
    citations: list[dict]
    rows: list[dict]
    kind: str  # "list" | "lookup" | "count" | "total"
    filters: dict
    notes: list[str] = field(default_factory=list)


@dataclass
class _Tok:
    start: int
    end: int
    orig: str
    norm: str


@dataclass
class _Parsed:
    kind: str
    region: str | None = None
    themes: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
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


# --------------------------------------------------------------------------- text helpers


def _norm(token: str) -> str:
    """Token for matching: lowercase, straight quotes, no possessive, crude singular."""
    t = token.lower().replace("’", "'").strip("'-/")
    if t.endswith("'s"):
        t = t[:-2]
    if len(t) > 4 and t.endswith("s") and not t.endswith("ss"):
        t = t[:-1]
    return t


_STOP = frozenset(STOPWORDS | {_norm(w) for w in STOPWORDS})


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group(), _norm(m.group())) for m in _TOKEN_RE.finditer(text)]


def _norm_seq(text: str) -> tuple[str, ...]:
    return tuple(t.norm for t in _tokens(text) if t.norm)


def _contains(hay: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


def _content(seq: tuple[str, ...]) -> list[str]:
    return [t for t in seq if t not in _STOP and t not in GENERIC_NAME_WORDS]


def _name_variants(name: str) -> list[str]:
    """Full name, name without "(ACRONYM)", and the acronym itself."""
    out = [name]
    stripped = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if stripped and stripped != name:
        out.append(stripped)
    out += re.findall(r"\(([A-Z][A-Za-z]{2,})\)", name)
    return out


def _org_fragments(orgs: str) -> list[str]:
    parts = [orgs, *re.split(r",|\band\b|\bwith\b", orgs)]
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _ranges(numbers: list[int]) -> str:
    """[56, 57, ..., 72, 80] -> "56–72, 80"."""
    nums = sorted(set(numbers))
    out: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return ", ".join(out)


# --------------------------------------------------------------------------- question parsing


FUZZY_NAME_SCORE = 88  # rapidfuzz similarity (0-100) at which a typed name is taken to mean an entry's


def _fuzzy_names(q: str, qf: str, name_index: list, p: _Parsed, mark_span) -> None:  # type: ignore[no-untyped-def, type-arg]
    """Entry names the question spells loosely: one or two slips, words run together or split."""
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
        al = fuzz.partial_ratio_alignment(target, qf, score_cutoff=FUZZY_NAME_SCORE)
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


def _parse(question: str, records: list[ProjectRecord], codes: list[str]) -> tuple[_Parsed, bool] | None:
    """Pull filters out of the question; returns (parsed, has_filters) or None if not ours."""
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

    # 1. exact entry names (longest first); single-word names only with their own casing
    name_index: list[tuple[tuple[str, ...], str, int]] = []
    for r in records:
        for variant in _name_variants(r.name):
            seq = _norm_seq(variant)
            if seq:
                name_index.append((seq, variant, r.number))
    name_index.sort(key=lambda x: -len(x[0]))
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
        _fuzzy_names(q, qf, name_index, p, mark_span)

    # 2. organisation names written out in full
    frags: dict[tuple[str, ...], str] = {}
    for r in records:
        for frag in _org_fragments(r.organisations):
            seq = _norm_seq(frag)
            if len(seq) >= 2 or (len(seq) == 1 and len(frag) >= 4 and frag[0].isupper()):
                frags.setdefault(seq, frag)
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

    # 6. phrases that occur in entry names/descriptions (longest first, >= 2 content words)
    texts = [_norm_seq(f"{r.name} \n {r.description}") for r in records]
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
            if any(_contains(t, seq) for t in texts):
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
        span_re = r"[A-Z][\w'’-]*(?:\s+(?:of|and|the|for|to|on|[A-Z][\w'’-]*))*\s+[A-Z][\w'’-]*"
        for m in re.finditer(span_re, q):
            idx = [k for k, t in enumerate(toks) if t.start < m.end() and t.end > m.start()]
            while idx and toks[idx[0]].orig.lower() in STOPWORDS:
                idx.pop(0)
            if len(idx) < 2 or not free(idx[0], idx[-1] + 1):
                continue
            span = q[toks[idx[0]].start : toks[idx[-1]].end]
            best: tuple[float, ProjectRecord | None] = (0.0, None)
            for r in records:
                for variant in _name_variants(r.name):
                    ratio = difflib.SequenceMatcher(None, fold_text(span), fold_text(variant)).ratio()
                    if ratio > best[0]:
                        best = (ratio, r)
            if best[1] is not None and best[0] >= 0.86:
                p.names.append(_norm_seq(best[1].name))
                p.name_texts.append(best[1].name)
                p.name_spans.append(span)
                p.name_numbers.add(best[1].number)
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
    )
    return p, has_filters


def _strong(p: _Parsed) -> bool:
    return bool(
        p.region
        or p.themes
        or p.orgs
        or p.year_from
        or p.names
        or p.shared
        or p.min_amount is not None
        or p.max_amount is not None
    )


def _classify(question: str, p: _Parsed, has_filters: bool) -> str | None:
    """Decide the kind, or None when the question is not clearly about the directory."""
    qf = fold_text(question)
    lookup_cue = bool(_LOOKUP_RE.search(qf))
    entity = bool(p.names or p.orgs or p.partial_name_numbers)
    project_word = bool(_PROJECT_WORD_RE.search(qf))
    if _COUNT_RE.search(qf):
        kind = "count"
    elif _TOTAL_RE.search(qf) and (project_word or not p.names):
        kind = "total"
    elif (lookup_cue and entity) or (
        (p.names or p.partial_name_numbers) and not _LIST_RE.search(qf) and not p.region and not p.themes
    ):
        kind = "lookup"
    else:
        kind = "list"
    if _FIRST_PERSON_RE.search(qf) and not _LIST_RE.search(qf) and not re.search(r"\bdirectory\b", qf):
        return None
    if _ROUND_RE.search(qf) and kind != "lookup":
        return None  # programme-level round figures live in the timeline text; retrieval cites them
    if kind == "lookup":
        return kind if (lookup_cue or project_word) and entity else None
    if not project_word:
        return None
    if not has_filters and not re.search(r"\bdirectory\b", qf):
        return None
    explicit_list = re.search(r"\bwhich (?:\w+ )?projects?\b|\blist\b|\bshow\b|\bdirectory\b", qf)
    only_years = p.year_from is not None and not (
        p.region
        or p.themes
        or p.orgs
        or p.phrases
        or p.names
        or p.shared
        or p.min_amount is not None
        or p.max_amount is not None
    )
    if only_years and kind == "list" and not explicit_list and not re.search(r"funded|awarded", qf):
        return None  # "how long can a project run in 2016-2020?" is about the programme, not a list
    if _LEARNING_RE.search(qf) and (not _strong(p) or not explicit_list):
        return None  # a question about what was learned, not about who was funded
    return kind


# --------------------------------------------------------------------------- matching


def _matches(p: _Parsed, kind: str, store: ProjectStore) -> tuple[list[ProjectRecord], list[ProjectRecord]]:
    """(matches, possibles): possibles are unknown-region entries that could be in the asked region."""

    def keep(r: ProjectRecord) -> bool:
        if p.shared and not r.has_shared_award:
            return False
        if any(not any(code == t or code in t.split("/") for t in r.themes) for code in p.themes):
            return False
        if p.orgs and not any(fold_text(o) in fold_text(r.organisations) for o in p.orgs):
            return False
        if p.year_from is not None:
            yrs = [a.year for a in r.awards if a.year is not None]
            if not any(p.year_from <= y <= (p.year_to or p.year_from) for y in yrs):
                return False
        amt = r.amount_total
        if p.min_amount is not None and (
            amt is None or amt < p.min_amount or (not p.min_inclusive and amt == p.min_amount)
        ):
            return False
        if p.max_amount is not None and (
            amt is None or amt > p.max_amount or (not p.max_inclusive and amt == p.max_amount)
        ):
            return False
        if kind == "lookup" and p.name_numbers:
            return r.number in p.name_numbers
        text = _norm_seq(f"{r.name} \n {r.description}")
        name = _norm_seq(r.name)
        for seq in p.phrases:
            if kind == "lookup" and not p.orgs and not p.name_numbers:
                if not _contains(name, seq) and not _contains(text, seq):
                    return False
            elif not _contains(text, seq):
                return False
        if kind != "lookup":
            for seq in p.names:
                core = seq
                while len(core) > 1 and core[-1] in GENERIC_NAME_WORDS:
                    core = core[:-1]
                if not _contains(text, core):
                    return False
        return True

    everything = store.all()
    pool = [r for r in everything if keep(r)]
    if kind == "lookup" and p.phrases and not p.name_numbers:
        named = [r for r in pool if any(_contains(_norm_seq(r.name), s) for s in p.phrases)]
        pool = named or pool
    if p.region is None:
        return pool, []
    matches = [r for r in pool if r.region_known and r.region == p.region]
    possibles = [r for r in pool if not r.region_known and p.region in r.region_candidates]
    return matches, possibles


# --------------------------------------------------------------------------- composing


def _locate(r: ProjectRecord, source_text: str) -> tuple[int, int, int] | None:
    """(start, head_end, end) in ``source_text``; re-found by heading if the offsets drifted."""
    head = f"### {r.number}."
    if source_text[r.start : r.start + len(head)] == head and r.end <= len(source_text):
        return r.start, r.head_end, r.end
    pos = source_text.find(head + " ")
    if pos < 0:
        return None
    shift = pos - r.start
    if source_text[pos : r.heading_end + shift].find(r.name) < 0:
        return None
    return pos, r.head_end + shift, r.end + shift


def _core_text(span: str) -> str:
    """ "Staying Close projects" -> "Staying Close": the generic tail is not part of the topic."""
    words = span.split()
    while len(words) > 1 and _norm(words[-1]) in GENERIC_NAME_WORDS:
        words.pop()
    return " ".join(words)


def _region_phrase(region: str) -> str:
    if region == "Multiple or Nationwide":
        return "listed as Multiple or Nationwide"
    if region == "Greater London":
        return "in Greater London"
    if region.split()[0].lower() in ("north", "south", "east", "west"):
        return f"in the {region}"
    return f"in {region}"


def _theme_phrase(code: str) -> str:
    label = THEME_LABELS_INFERRED.get(code)
    if not label:
        return f"theme code {code}"
    return f"theme code {code} ({label.replace(' (inferred)', '')}, our reading)"


def _filter_phrase(p: _Parsed) -> str:
    bits: list[str] = []
    if p.names and p.kind == "lookup":
        bits.append("matching " + " / ".join(f"“{t}”" for t in p.name_texts))
    elif p.names:
        bits.append("mentioning " + " or ".join(f"“{_core_text(t)}”" for t in p.name_spans))
    if p.phrase_texts:
        bits.append("mentioning " + " and ".join(f"“{t}”" for t in p.phrase_texts))
    if p.region:
        bits.append(_region_phrase(p.region))
    if p.themes:
        bits.append("with " + " and ".join(_theme_phrase(c) for c in p.themes))
    if p.orgs:
        bits.append("involving " + " or ".join(p.orgs))
    if p.shared:
        bits.append("with a shared (“share of”) award")
    if p.year_from is not None:
        yr = str(p.year_from) if p.year_to in (None, p.year_from) else f"{p.year_from}–{p.year_to}"
        bits.append(f"with an award dated {yr}")
    if p.min_amount is not None and p.max_amount is not None:
        bits.append(f"awarded between {format_gbp(p.min_amount)} and {format_gbp(p.max_amount)} in all")
    elif p.min_amount is not None:
        op = "over" if not p.min_inclusive else "at least"
        bits.append(f"awarded {op} {format_gbp(p.min_amount)} in all")
    elif p.max_amount is not None:
        op = "under" if not p.max_inclusive else "at most"
        bits.append(f"awarded {op} {format_gbp(p.max_amount)} in all")
    return (" " + ", ".join(bits)) if bits else ""


def _filters_dict(p: _Parsed) -> dict:
    out: dict = {}
    if p.region:
        out["region"] = p.region
    if p.themes:
        out["themes"] = list(p.themes)
    if p.orgs:
        out["orgs"] = list(p.orgs)
    if p.year_from is not None:
        out["year"] = p.year_from if p.year_to in (None, p.year_from) else [p.year_from, p.year_to]
    if p.min_amount is not None:
        out["min_amount"] = p.min_amount
    if p.max_amount is not None:
        out["max_amount"] = p.max_amount
    if p.phrase_texts:
        out["search"] = list(p.phrase_texts)
    if p.shared:
        out["shared"] = True
    if p.name_texts and p.kind == "lookup":
        out["names"] = list(p.name_texts)
    elif p.name_spans:
        out.setdefault("search", []).extend(_core_text(t) for t in p.name_spans)
    return out


def _partial_note(store: ProjectStore) -> str:
    missing = store.missing_numbers
    cut = [r.number for r in store.all() if not r.complete]
    bits = []
    if missing:
        bits.append(f"entries {_ranges(missing)} are missing")
    if cut:
        one = len(cut) == 1
        bits.append(f"entr{'y' if one else 'ies'} {_ranges(cut)} {'is' if one else 'are'} cut off")
    detail = f" ({' and '.join(bits)})" if bits else ""
    return (
        f"The project directory in the corpus is a partial extract{detail}, so the programme's full "
        "list may include more."
    )


def answer_from_directory(question: str, store: ProjectStore, source_text: str) -> DirectoryAnswer | None:
    """Answer a directory question from the store, or None to let retrieval handle it."""
    if not question or not question.strip():
        return None
    records = store.all()
    parsed = _parse(question, records, store.theme_codes())
    if parsed is None:
        return None
    p, has_filters = parsed
    kind = _classify(question, p, has_filters)
    if kind is None:
        return None
    p.kind = kind
    matches, possibles = _matches(p, kind, store)
    if kind == "lookup" and not matches:
        return None
    if not matches and not possibles and not _strong(p):
        return None

    citations: list[dict] = []
    rows: list[dict] = []
    meta = store.metadata()
    use_full = kind == "lookup" or bool(p.phrases)

    def cite(r: ProjectRecord) -> int | None:
        loc = _locate(r, source_text)
        if loc is None:
            return None
        start, head_end, end = loc
        qend = end if use_full else head_end
        n = len(citations) + 1
        citations.append(
            {
                "n": n,
                "text": source_text[start:qend],
                "start": start,
                "end": qend,
                "section": r.section(),
                "paragraph": None,
                "page": None,
                **meta,
            }
        )
        rows.append(
            {
                "n": n,
                "number": r.number,
                "name": r.name,
                "themes": ", ".join(r.themes),
                "organisations": r.organisations,
                "region": r.region if r.region_known else "unknown",
                "awards": r.awards_display(),
                "amount_total": r.amount_total,
            }
        )
        return n

    def marker(n: int | None) -> str:
        return f" [{n}]" if n else ""

    def line(r: ProjectRecord, with_region: bool) -> str:
        n = cite(r)
        where = ""
        if with_region:
            where = f"; {r.region}" if r.region_known else "; region unknown"
        org = r.organisations or "organisation not given"
        return f"- {r.name} ({org}), {r.awards_display()}{where}{marker(n)}"

    notes: list[str] = []
    desc = _filter_phrase(p)
    out: list[str] = []
    with_region = p.region is None

    if kind == "lookup":
        for r in matches:
            n = cite(r)
            where = r.region if r.region_known else "region unknown in the extract"
            org = r.organisations or "an organisation the extract does not name"
            parts = [f"{r.name} is run by {org} ({where})."]
            if r.awards:
                parts.append(f"Award: {r.awards_display()}.")
            if r.description:
                parts.append(f"The directory describes it as: “{r.description}”")
            themes = ", ".join(r.themes)
            if themes:
                parts.append(f"Theme codes: {themes}.")
            if not r.complete:
                parts.append("The entry is cut off in the extract.")
            out.append(" ".join(parts) + marker(n))
        if any(r.has_shared_award for r in matches):
            notes.append(
                "A “share of” award is one pot split between several projects, not this project's own total."
            )
    else:
        count = len(matches)
        noun = "project" if count == 1 else "projects"
        if kind == "total":
            counted = [r for r in matches if r.amount_total is not None]
            shared_only = [r for r in matches if r.amount_total is None and r.has_shared_award]
            partly_shared = [r for r in counted if r.has_shared_award]
            total = sum(r.amount_total or 0.0 for r in counted)
            method = f"sum of the awards listed for the {len(counted)} matching entries"
            method += "; shared awards excluded"
            if len(counted) != count:
                method += f"; {count - len(counted)} matching entries list only a shared award"
            out.append(
                f"The awards listed for the {count} {noun}{desc} add up to {format_gbp(total)} ({method})."
            )
            if shared_only or partly_shared:
                names = ", ".join(r.name for r in shared_only + partly_shared)
                notes.append(f"Not counted: shared awards (“share of …”) for {names}.")
        elif kind == "count":
            out.append(f"The project directory lists {count or 'no'} {noun if count else 'projects'}{desc}.")
        else:
            if count:
                out.append(f"The project directory lists {count} {noun}{desc}:")
            else:
                out.append(f"The project directory lists no projects{desc}.")
        out += [line(r, with_region) for r in matches]
        if possibles:
            out.append(
                f"Possibly {'also ' if count else ''}{_region_phrase(p.region)} — region unknown because "
                "the heading that introduces "
                f"{'this entry' if len(possibles) == 1 else 'these entries'} is missing from the extract "
                "(not counted above):"
            )
            out += [line(r, True) for r in possibles]
        unknown = [r for r in matches if not r.region_known]
        if unknown:
            nums = _ranges([r.number for r in unknown])
            notes.append(
                f"Entr{'y' if len(unknown) == 1 else 'ies'} {nums} {'has' if len(unknown) == 1 else 'have'} "
                "no known region: the heading that introduces "
                f"{'it' if len(unknown) == 1 else 'them'} is missing from the extract."
            )
        notes.append(_partial_note(store))
    if p.themes:
        notes.append("Theme codes are not defined in the document; readable labels are our inference.")

    answer = "\n".join(out)
    if notes:
        answer += "\n\n" + " ".join(notes)
    return DirectoryAnswer(
        answer=answer, citations=citations, rows=rows, kind=kind, filters=_filters_dict(p), notes=notes
    )


# --------------------------------------------------------------------------- rounds (the timeline)

_ROUND_NUMBER = {
    "1": 1, "one": 1, "first": 1, "1st": 1, "original": 1,
    "2": 2, "two": 2, "second": 2, "2nd": 2,
    "3": 3, "three": 3, "third": 3, "3rd": 3,
}  # fmt: skip
_ROUND_REF = re.compile(
    r"\bround\s*(1|2|3|one|two|three)\b|\b(first|second|third|1st|2nd|3rd)\s+round\b|\bround\s+(1|2|3)'s\b"
)
_ROUND_FACT = re.compile(
    r"budget|funding|money|£|how much|worth|projects?|how many|focus|about|themes?|years?|when|cover|run|ran"
)


def answer_rounds(question: str, store: ProjectStore, source_text: str) -> DirectoryAnswer | None:
    """A question about one or more funding rounds, answered from the parsed timeline.

    The journey page gives each round's years and project count in one place and
    its funding and focus areas in another, matched only by position; the parsed
    records put them together, and both source spans are cited.
    """
    qf = fold_text(question)
    numbers = []
    for m in _ROUND_REF.finditer(qf):
        word = next(g for g in m.groups() if g)
        n = _ROUND_NUMBER.get(word)
        if n and n not in numbers:
            numbers.append(n)
    if not numbers or not _ROUND_FACT.search(qf):
        return None
    if re.search(
        r"\bsplit\b|breakdown|broken down|divided|per (?:area|theme|project)|each (?:focus|area|theme)", qf
    ):
        return None  # the record holds a round's total, not how it was shared out
    rounds = {r.number: r for r in store.rounds()}
    chosen = [rounds[n] for n in numbers if n in rounds]
    if not chosen:
        return None
    citations: list[dict] = []
    lines: list[str] = []
    meta = store.metadata()
    for r in chosen:
        marks = []
        for start, end in ((r.start, r.end), (r.funding_start, r.funding_end)):
            if 0 <= start < end <= len(source_text):
                citations.append(
                    {
                        "n": len(citations) + 1,
                        "text": source_text[start:end],
                        "start": start,
                        "end": end,
                        "section": f"JOURNEY OF THE INNOVATION PROGRAMME > {r.name}",
                        "paragraph": None,
                        "page": None,
                        **meta,
                    }
                )
                marks.append(f"[{len(citations)}]")
        money = r.funding_text or (format_gbp(r.funding_gbp) if r.funding_gbp else "an unstated amount")
        focus = "; ".join(r.focus) if r.focus else "not listed"
        lines.append(
            f"{r.name} ({r.years}): {money} of total funding to {r.projects} projects, "
            f"focusing on: {focus}. {' '.join(marks)}"
        )
    if not citations:
        return None
    rows = [
        {
            "round": r.name,
            "years": r.years,
            "projects": r.projects,
            "funding": r.funding_text,
            "focus": r.focus,
        }
        for r in chosen
    ]
    return DirectoryAnswer(
        answer="\n\n".join(lines),
        citations=citations,
        rows=rows,
        kind="round",
        filters={"rounds": numbers},
    )


_SMALLEST = re.compile(r"\b(?:smallest|lowest|least|tiniest|minimum)\b", re.I)


def answer_superlative(question: str, store: ProjectStore, source_text: str) -> DirectoryAnswer | None:
    """ "Which award was the largest?": one line with the record and its value, not a list of 69.

    Awards are compared one by one as printed (a shared pot is not one project's award, so it is
    left out); the extract is partial, so the answer says the ranking is within the extract.
    """
    smallest = bool(_SMALLEST.search(question))
    best: tuple[float, ProjectRecord, str] | None = None
    for r in store.all():
        for a in r.awards:
            if a.amount_gbp is None or a.shared:
                continue
            if best is None or (a.amount_gbp < best[0] if smallest else a.amount_gbp > best[0]):
                best = (a.amount_gbp, r, a.raw)
    if best is None:
        return None
    _amount, r, raw = best
    loc = _locate(r, source_text)
    if loc is None:
        return None
    start, head_end, _end = loc
    meta = store.metadata()
    citation = {"n": 1, "text": source_text[start:head_end], "start": start, "end": head_end,
                "section": r.section(), "paragraph": None, "page": None, **meta}  # fmt: skip
    word = "smallest" if smallest else "largest"
    money = re.search(r"£\s?[\d.,]+\s?(?:m|bn|k|million)?", raw)
    when = raw[: money.start()].strip(" (") if money else ""
    value = f"{money.group(0).strip()}{f', awarded {when},' if when else ''}" if money else raw.strip()
    text = (
        f"The {word} single award in the project directory is {value} to {r.name} "
        f"({r.organisations}) [1]. {_partial_note(store)}"
    )
    row = {"n": 1, "number": r.number, "name": r.name, "themes": ", ".join(r.themes),
           "organisations": r.organisations, "region": r.region if r.region_known else "unknown",
           "awards": r.awards_display(), "amount_total": r.amount_total}  # fmt: skip
    return DirectoryAnswer(text, [citation], [row], "superlative", {"order": word})
