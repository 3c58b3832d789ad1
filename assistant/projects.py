"""Answer list / lookup / count / total questions about funded projects from the directory store.

Retrieval sees a few passages, so it cannot say "which projects in X" completely or add
up awards. When a question clearly targets the project directory we filter the parsed
store instead and cite each entry verbatim. Anything else returns None so normal
retrieval answers it: precision matters more than coverage here. Reading the question
lives in ``assistant/directory_query.py`` (question -> filters), ``directory_kind.py``
(which kind, if any) and ``directory_words.py`` (the words they know); this module
matches records, locates them in the source, and phrases and cites the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.directory_kind import _classify, _strong
from assistant.directory_query import _parse, _Parsed
from assistant.directory_words import GENERIC_NAME_WORDS, _contains, _content, _norm, _norm_seq
from ingest.config import AnswerSettings, SpellingSettings
from ingest.directory import THEME_LABELS_INFERRED
from ingest.projects_store import ProjectRecord, ProjectStore, fold_text
from ingest.values import format_gbp

__all__ = ["DirectoryAnswer", "answer_from_directory", "answer_rounds", "answer_superlative"]


@dataclass
class DirectoryAnswer:
    """A directory answer: text with [n] markers, one verbatim citation per entry used."""

    answer: str
    citations: list[dict]
    rows: list[dict]
    kind: str  # "list" | "lookup" | "count" | "total"
    filters: dict
    notes: list[str] = field(default_factory=list)


def number_ranges(numbers: Iterable[int], last: str = ", ") -> str:
    """[56, 57, ..., 72, 80] -> "56–72, 80"; ``last=" and "`` joins the final span in words (the app)."""
    nums = sorted(set(numbers))
    out: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return last.join([", ".join(out[:-1]), out[-1]]) if len(out) > 1 else "".join(out)


# --------------------------------------------------------------------------- matching


# the words of an organisation's name that say what kind of body it is, not which one: a description
# names the place ("... in five local authorities (..., Hull, and Southwark)"), not "London Borough of"
_BODY_WORDS = frozenset(
    [
        "london",
        "borough",
        "royal",
        "city",
        "county",
        "metropolitan",
        "district",
        "council",
        "councils",
        "of",
        "the",
        "and",
    ]
)


def _in_organisations(p: _Parsed, r: ProjectRecord) -> bool:
    """An asked organisation that ``r``'s organisations line names."""
    return any(fold_text(o) in fold_text(r.organisations) for o in p.orgs)


def _named_in_description(p: _Parsed, r: ProjectRecord) -> bool:
    """An asked organisation whose own words (its kind of body aside) ``r``'s description names."""
    text = fold_text(r.description)
    for o in p.orgs:
        core = [w for w in fold_text(o).split() if w not in _BODY_WORDS]
        if core and all(re.search(rf"\b{re.escape(w)}\b", text) for w in core):
            return True
    return False


def _matches(p: _Parsed, kind: str, store: ProjectStore) -> tuple[list[ProjectRecord], list[ProjectRecord]]:
    """(matches, possibles): possibles are unknown-region entries that could be in the asked region."""

    def keep(r: ProjectRecord) -> bool:
        if p.shared and not r.has_shared_award:
            return False
        if p.min_awards is not None and len(r.awards) < p.min_awards:
            return False
        if any(not any(code == t or code in t.split("/") for t in r.themes) for code in p.themes):
            return False
        # "which projects involve X": one whose description names X among those taking part counts
        if (
            p.orgs
            and not _in_organisations(p, r)
            and not (p.involve and kind != "lookup" and _named_in_description(p, r))
        ):
            return False
        if p.year_from is not None:
            dated = [a for a in r.awards if a.year is not None and (p.month is None or a.month == p.month)]
            if not any(p.year_from <= a.year <= (p.year_to or p.year_from) for a in dated):
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
    if p.min_awards is not None:
        bits.append(f"with {p.min_awards} or more awards")
    if p.year_from is not None:
        yr = str(p.year_from) if p.year_to in (None, p.year_from) else f"{p.year_from}–{p.year_to}"
        bits.append(f"with an award dated {p.month + ' ' if p.month else ''}{yr}")
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
        if p.month:
            out["month"] = p.month
    if p.min_amount is not None:
        out["min_amount"] = p.min_amount
    if p.max_amount is not None:
        out["max_amount"] = p.max_amount
    if p.phrase_texts:
        out["search"] = list(p.phrase_texts)
    if p.shared:
        out["shared"] = True
    if p.min_awards is not None:
        out["min_awards"] = p.min_awards
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
        bits.append(f"entries {number_ranges(missing)} are missing")
    if cut:
        one = len(cut) == 1
        bits.append(f"entr{'y' if one else 'ies'} {number_ranges(cut)} {'is' if one else 'are'} cut off")
    detail = f" ({' and '.join(bits)})" if bits else ""
    return (
        f"The project directory in the corpus is a partial extract{detail}, so the programme's full "
        "list may include more."
    )


def answer_from_directory(
    question: str,
    store: ProjectStore,
    source_text: str,
    spelling: SpellingSettings,
    answering: AnswerSettings,
) -> DirectoryAnswer | None:
    """Answer a directory question from the store, or None to let retrieval handle it.

    ``spelling``: the settings' spelling group (how loosely typed entry names are read);
    ``answering``: its answer group (``short_list``: how short a list says what each project does).
    """
    if not question or not question.strip():
        return None
    records = store.all()
    parsed = _parse(question, records, store.theme_codes(), spelling)
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
    if kind == "lookup" and len(matches) > 1:
        # "the slough children's trust project": several records share "children's trust"; the one
        # whose organisation has more of the asker's own words ("slough") is the one meant (names are
        # left out: "the staying close project" means every Staying Close entry, not the ones whose
        # names also end in "Project")
        said = {r.number: len(p.words & set(_content(_norm_seq(r.organisations)))) for r in matches}
        top = max(said.values())
        matches = [r for r in matches if said[r.number] == top]
    if not matches and not possibles and not _strong(p):
        return None

    citations: list[dict] = []
    rows: list[dict] = []
    meta = store.metadata()
    # a short list can say what each project does, which is what a reader asking "which projects
    # involve X" goes on to ask (quoted, so its citation runs to the description); a long one stays
    # one line per project
    described = kind == "list" and (p.describe or len(matches) + len(possibles) <= answering.short_list)
    use_full = kind == "lookup" or bool(p.phrases) or described

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
        # an entry that is in the list because its description names the asked organisation shows it
        via_description = bool(p.orgs) and not _in_organisations(p, r)
        what = f": “{r.description}”" if (described or via_description) and r.description else ""
        return f"- {r.name} ({org}), {r.awards_display()}{where}{what}{marker(n)}"

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
            nums = number_ranges([r.number for r in unknown])
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
    r"\bround\s*(1|2|3|one|two|three)\b|\b(first|second|third|1st|2nd|3rd)\s+(?:funding\s+)?round\b|\bround\s+(1|2|3)'s\b"
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


def answer_superlative(
    question: str, store: ProjectStore, source_text: str, spelling: SpellingSettings
) -> DirectoryAnswer | None:
    """ "Which award was the largest?": one line with the record and its value, not a list of 69.

    Awards are compared one by one as printed (a shared pot is not one project's award, so it is
    left out); the extract is partial, so the answer says the ranking is within the extract.
    """
    smallest = bool(_SMALLEST.search(question))
    best: tuple[float, ProjectRecord, str] | None = None
    pool, where = store.all(), ""
    parsed = _parse(question, pool, store.theme_codes(), spelling)
    if parsed is not None:
        # "the biggest award in the East of England", "... to a care leavers project": within those
        p = parsed[0]
        if p.region:
            pool = [r for r in pool if r.region_known and r.region == p.region]
            article = "the " if p.region.split()[0] in {"East", "West", "North", "South"} else ""
            where = f" to a project in {article}{p.region}"
        if p.themes:
            pool = [
                r for r in pool if all(any(c == t or c in t.split("/") for t in r.themes) for c in p.themes)
            ]
            where += f"{' with' if where else ' to a project with'} theme code {', '.join(p.themes)}"
    for r in pool:
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
        f"The {word} single award{where} in the project directory is {value} to {r.name} "
        f"({r.organisations}) [1]. {_partial_note(store)}"
    )
    row = {"n": 1, "number": r.number, "name": r.name, "themes": ", ".join(r.themes),
           "organisations": r.organisations, "region": r.region if r.region_known else "unknown",
           "awards": r.awards_display(), "amount_total": r.amount_total}  # fmt: skip
    return DirectoryAnswer(text, [citation], [row], "superlative", {"order": word})
