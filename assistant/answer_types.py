"""What kind of value a question asks for: a date, an amount, a count, a share, a name, a place.

The interrogatives and value nouns of English questions ("how many", "how much", "when", "the
word limit", "who runs") fix the type of the value a reply must contain. This module is that
vocabulary and :func:`answer_type`, which picks the earliest one in the question. Split from
``assistant.analysis``, which reads a whole question with it; ``assistant.question_parts`` uses it
to find the asking sentence of a long question.
"""

from __future__ import annotations

import re

# -- answer types: what kind of value a reply must contain --------------------------------------
# Interrogatives and value nouns that fix the type of the answer. Order matters: "how many"
# outranks a "when" later in the sentence only when it comes first, so we take the earliest hit.
# "the word limit", "how many pages can it be", "how long can our EOI be": a length in words or pages
_LENGTH_LIMIT = re.compile(
    r"\b(?:word|page|character)s? (?:limit|count|maximum|max|length|allowance)\b"
    # "how long can our EOI be?" (not "how long can a project be funded for": that is a duration)
    r"|\bhow long (?:can|should|must|may) (?:the|our|my|an?|each|this) (?:[\w-]+ ){0,4}be\s*(?:[?.!]|$)",
    re.I,
)
_TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "contact",
        re.compile(
            r"\b(?:phone|telephone|tel\.?|mobile|fax) (?:number|no)\b|\be-?mail address\b"
            r"|\bcontact details\b|\bpostal address\b|\bpostcode\b"
            r"|\bhow (?:can|do|could) (?:i|we) (?:contact|reach|phone|email|ring)\b"
            r"|\bnumber (?:i|we) (?:can|could) (?:ring|call|phone|text)\b",
            re.I,
        ),
    ),  # fmt: skip
    (
        "share",
        re.compile(
            r"\bwhat (?:share|proportion|percentage|fraction|per ?cent)\b|\bhow big a share\b"
            r"|\bwhat % |\bhow many per ?cent\b|\bas an? (?:percentage|proportion|share|per ?cent)\b"
            # "how much of the entry into care is down to neglect" asks a part of a whole; "how much
            # of the funding / the £200m" still asks money (the money pattern takes it)
            r"|\bhow much of (?!(?:(?:the|their|its|this|that|all) )?(?:£|\$|\d|funding|money|budget"
            r"|grants?|funds?|pot|cash|spend\w*|investment|allocation|awards?|it|that|this|them|those"
            r"|these)\b)(?=[a-z])",
            re.I,
        ),
    ),  # fmt: skip
    (
        "count",
        re.compile(
            r"\bhow many\b(?!\s+(?:years|months|weeks|days)\b)|\bnumber of\b|\bhow much of\b(?=\s+\w+s\b)"
            # the length a form or bid may run to: counted in words or pages
            rf"|{_LENGTH_LIMIT.pattern}",
            re.I,
        ),
    ),
    (
        "money",
        re.compile(
            r"\bhow much\b"
            # "how big is the overall pot", "how large were the grants": the size of a sum of money
            r"|\bhow (?:big|large) (?:was|were|is|are) (?:the|its|their|each) (?:\w+ ){0,2}(?:awards?|grants?"
            r"|budgets?|pots?|funds?|funding|investment|allocations?)\b"
            r"|\b(?:award|grant) sizes?\b|\bsizes? of (?:the |an? |each )?(?:awards?|grants?)\b"
            r"|\bwhat (?:was |is )?the (?:total |overall )?(?:budget|cost|value|amount)\b"
            r"|\bhow expensive\b|\bwhat did \w+ (?:cost|receive|get)\b"
            # "the largest grant you could bid for", "the biggest award": an amount answers it
            r"|\b(?:largest|biggest|maximum|max|smallest|minimum)\s+(?:\w+\s+)?(?:grant|award|amount|sum)s?\b"
            r"|\bwhat(?:'s)? (?:\w+ ){0,3}(?:savings?|budget|costs?|price|sum|fees?|payments?|salary"
            r"|wages?)\b",
            re.I,
        ),
    ),  # fmt: skip
    ("frequency", re.compile(r"\bhow (?:often|frequently|regularly)\b", re.I)),
    (
        "duration",
        re.compile(
            r"\bhow long\b|\bfor what period\b|\bover what period\b|\bhow many (?:years|months|weeks|days)\b"
            r"|\b(?:funding|grant|project|contract) (?:period|length|duration)\b|\blength of time\b"
            # "over what sort of timescale", "what time frame": a stretch of time, not a date
            r"|\b(?:what|which)(?:['’]s| is| was)? (?:the )?(?:sort of |kind of )?"
            r"(?:time[- ]?scales?|time[- ]?frames?|periods? of time)\b",
            re.I,
        ),
    ),  # fmt: skip
    (
        "date",
        re.compile(
            r"(?:^|[,;:(\-–—]\s*|\b(?:and|so|but|or|by|since|until|know|ask|tell me|wondering)\s+)"
            r"when\b(?!\s+(?:i|we|you|they|it|a|an|the|my|our)\s)|^\s*when\b"
            r"|\bwhat (?:date|day|time|month|year)s?\b|\bwhich (?:date|day|month|year)s?\b"
            r"|\bby what date\b|\bwhat(?:'s| is| was| were) the (?:\w+ )?(?:deadline|closing date)s?\b"
            # a date asked for by name: "the date of the workshop", "workshop - date and venue?"
            r"|\b(?:the |its |their )?dates? (?:of|for|and)\b|[-–:]\s*(?:the )?(?:date|deadline)s?\b",
            re.I,
        ),
    ),  # fmt: skip
    (
        "person",
        re.compile(
            r"^\s*(?:and\s+)?who\b(?!\s+(?:can|could|is eligible|are eligible|should|may|might"
            r"|would|will be able|is allowed|are allowed|qualif\w*))"
            # "who's in the partnership / who is involved": members are councils and bodies, not people
            r"(?!(?:['’]s|\s+is|\s+are|\s+was|\s+were)\s+(?:actually\s+|exactly\s+)?(?:in|part of|involved"
            r"|behind|members?|the (?:partners|members))\b)"
            r"|\bwhich (?:minister|person|people|official)\b"
            r"|\bwhat (?:is|was) the name of\b|\bwho (?:launched|announced|wrote|chairs|led|leads"
            r"|runs|ran|is responsible)\b",
            re.I,
        ),
    ),  # fmt: skip
    (
        "place",
        re.compile(r"^\s*where\b(?!\s+(?:can|do|should) (?:i|we) (?:find|get|read|send|submit))", re.I),
    ),
]


# "how did X reduce the number of ...": the number is what was changed, not what is asked
_CHANGED_NUMBER = re.compile(
    r"\b(?:reduc|cut|lower|increas|rais|grow|grew|halv|doubl|decreas|limit|minimi[sz]|boost|improv|bring"
    r"|brought|driv|drove|keep|kept)\w*\s+(?:down\s+|up\s+)?(?:the\s+|their\s+|its\s+)?numbers?\s+of\b",
    re.I,
)


def answer_type(text: str) -> str | None:
    """The type of value the question asks for: the earliest interrogative that fixes one wins."""
    text = _CHANGED_NUMBER.sub(lambda m: "x" * len(m.group(0)), text)
    best: tuple[int, str] | None = None
    for kind, pattern in _TYPE_PATTERNS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    return best[1] if best else None
