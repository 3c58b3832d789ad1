"""The words of directory questions: theme words, region names, stop words, and token matching.

What a question's words mean to the directory (readable theme words -> the directory's raw codes,
regions as users type them, words that carry no filter) and how words are compared: tokens are
normalised (lower case, straight quotes, no possessive, crude singular) so "Children's Homes"
matches "children's home". Shared by :mod:`assistant.directory_query` (question -> filters) and
:mod:`assistant.projects` (matching records); nothing here reads a whole question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-/]*")


@dataclass
class _Tok:
    start: int
    end: int
    orig: str
    norm: str


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
