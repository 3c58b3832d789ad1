"""Is a question about the project directory at all, and of which kind: list, lookup, count, total?

:func:`_classify` reads cue phrases ("how many", "in total", "who runs", "which projects") beside
the filters :func:`assistant.directory_query._parse` found, and returns None whenever the
question is not clearly about the directory's records (the asker's own bid, programme-level
round figures, what was learned), so normal retrieval answers it: precision matters more than
coverage here.
"""

from __future__ import annotations

import re

from assistant.directory_query import _Parsed
from ingest.projects_store import fold_text

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
    # "which councils got funding in the West Midlands": the funded bodies are the directory's records
    r"|\b(?:got|get|received|were given|have had|had) (?:funding|money|grants?|an award)\b"
)
# "we", "our", "I": the asker's own project or bid, an eligibility question, not a directory search
_FIRST_PERSON_RE = re.compile(r"\b(?:we|we're|we've|our|ours|us|i|i'm|i've|my)\b")
_ROUND_RE = re.compile(
    r"\bround\s*(?:[123]|one|two|three)\b|\brounds\b"
    r"|\b(?:first|second|third|1st|2nd|3rd|original|last) (?:round|phase)\b"
)
_LEARNING_RE = re.compile(
    r"\b(?:found|find|findings?|learn(?:ed|t|ing)?|lessons?|evidence|evaluat\w*|impact|effective"
    r"|conclu\w*|say about|said about|what worked|outcomes? (?:for|of))\b"
)
# asking for the whole directory: "all the projects", "every project", "the full list"
_ALL_PROJECTS_RE = re.compile(
    r"\b(?:all|every|each)\b(?:\s+(?:of\s+)?(?:the\s+)?(?:funded\s+)?(?:projects?|entries|directory))"
    r"|\b(?:full|complete|whole|entire)\s+(?:list|directory)\b|\blist\s+(?:of\s+)?(?:the\s+)?(?:funded\s+)?projects"
    r"(?:\s+in\s+the\s+directory)?\s*\??$"
    r"|^\s*(?:which|what)\s+projects\s+are\s+(?:in|listed in|on)\s+the\s+directory\s*\??$",
    re.I,
)


def _strong(p: _Parsed) -> bool:
    return bool(
        p.region
        or p.themes
        or p.orgs
        or p.year_from
        or p.names
        or p.shared
        or p.min_awards is not None
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
    named_lookup = kind == "lookup" and entity and (lookup_cue or project_word)
    if (
        _FIRST_PERSON_RE.search(qf)
        and not _LIST_RE.search(qf)
        and not re.search(r"\bdirectory\b", qf)
        and not named_lookup  # "we were told about <project>: who runs it?" still asks about that record
    ):
        return None
    if _ROUND_RE.search(qf) and kind != "lookup":
        return None  # programme-level round figures live in the timeline text; retrieval cites them
    if kind == "lookup":
        return kind if (lookup_cue or project_word) and entity else None
    if not project_word:
        return None
    if not has_filters and not _ALL_PROJECTS_RE.search(qf):
        # no filter understood: every record is no answer to a question that asked for some of them
        # (a misspelt name, "two awards", a filter the directory has no field for); only an asker
        # who wants them all gets all 69
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
