"""One reading of the question, made once and read by everything downstream.

Retrieval, directory routing, composition, answerability and notes all need to know the same
things about a question: is it asking for a passage by its reference (paragraph 41, the Q&A on
X), for a list of projects, for a value of some type (a date, an amount, a count, a name), for an
explanation, or for something the documents cannot give at all (a poem, a personal matter)? Each
of those used to be re-derived by its own regexes; now :func:`analyse` decides once and the
result travels with the answer (``Answer.analysis``) so that a wrong answer can be traced to a
wrong reading.

The rules are about the *form* of English questions (interrogatives, the nouns that name a kind
of value), never about particular questions of any evaluation set.

The vocabulary it reads with lives beside it: the value types in ``assistant.answer_types``, the
cues of intent in ``assistant.question_cues``, and the asking clause, focus and time frame in
``assistant.question_parts``. This module holds the reading itself (:class:`QuestionAnalysis`) and
:func:`analyse`, which makes it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from assistant.answer_types import _LENGTH_LIMIT, answer_type
from assistant.question_cues import (
    _A_CALL,
    _ABOUT_A_DOCUMENT,
    _ALTERNATIVES,
    _APPLICANT,
    _CONFLICT_CUE,
    _COULD_ASK_FOR,
    _CRITERIA,
    _DEFINITION,
    _DIRECTORY_NOUN,
    _EXPLAIN,
    _FINDING_SOURCE_ASK,
    _IN_CASE,
    _LATE_CONTEXT,
    _LESSON_ASK,
    _LIST_ASK,
    _LIST_REF,
    _MAY_APPLY,
    _NAMED_CUES,
    _OBSTACLE_ASK,
    _PARAGRAPH_REF,
    _PAST_ASK,
    _PERSONAL,
    _PLACE_ASK,
    _QA_REF,
    _QUOTE,
    _QUOTE_VERB,
    _RESPONSE_ASK,
    _RESULT_ASK,
    _SERIES,
    _STILL_DO,
    _STILL_OPEN,
    _SUPERLATIVE,
    _TABLE_REF,
    _TELL_A,
    _TIMING_STEMS,
    _VERBATIM,
    _WRITING_TASK,
    _YESNO,
    _YESNO_LATE,
    _YESNO_RESULT,
    _YESNO_TIMING,
)
from assistant.question_parts import (
    _SENTENCE_END,
    _focus,
    _quoted_value_type,
    _tidy,
    _time_frame,
    ask_clause,
    ask_parts,
)
from assistant.text import FRAME_STEMS, YEAR_SPAN, content_stems
from ingest.values import MONTH_ALT, WEEKDAY_ALT


@dataclass
class QuestionAnalysis:
    """How a question was read. ``to_dict`` is what ``Answer.analysis`` carries."""

    question: str
    query: str  # the stand-alone form searched (after follow-up rewriting)
    intent: str  # reference | directory | fact | explain | yesno | not_documents
    answer_type: str | None = None  # date | money | count | share | duration | person | place
    focus: list[str] = field(default_factory=list)  # content stems the answer must be about
    focus_words: list[str] = field(default_factory=list)  # the same, as written (for messages)
    reference: dict | None = None  # {"kind": "paragraph", "number": "41"} | {"kind": "qa"} | table | list
    verbatim: bool = False  # the asker wants the source text itself, whole
    directory: str | None = None  # list | lookup | superlative, when the directory may answer
    count_noun: list[str] = field(default_factory=list)  # "how many women": the stems a count must be of
    years: list[int] = field(default_factory=list)  # a time frame named in the question
    # the years the ask covers, first and last: "in 2016" (2016, 2016), "2014-16" (2014, 2016),
    # "from 2016" / "since 2016" (2016, open), "before 2016" (open, 2015); None: no time frame
    time_frame: tuple[int, int] | None = None
    not_documents: str | None = None  # why no document can answer (a writing task, a personal matter)
    asks_conflict: bool = False  # the asker has seen differing values: show each document's
    clause: str = ""  # the asking clause of the query (``ask_clause``): what the answer must address
    # the clause's asks when it asks two or more things ("what held them up, and how did they get
    # round it?"): each needs its own sentence in the answer
    parts: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # title-case subjects the ask names ("Spring Consortium")
    terms: list[str] = field(default_factory=list)  # capitalised words, acronyms and years of the ask
    # the ask's acronyms, without a plural "s" ("EOIs" -> "EOI"), in order: searched in their long form
    acronyms: list[str] = field(default_factory=list)
    # asked as (or for) an applicant: eligibility, scope, process ("can we apply", "is X fundable")
    applicant: bool = False
    # asks whether some kind of organisation or person may apply ("can a housing association bid?"):
    # the rule on who can apply answers it, whatever words it is in
    who_may_apply: bool = False
    # the words naming who would apply ("youth offending team"): an organisation the documents never
    # name is still answered by the general rule on who may apply
    applying_who: list[str] = field(default_factory=list)
    # the words of that whole ask ("could a youth offending team lead an application"): they frame
    # the ask; what is applied for ("a passport") is not among them
    applying_ask: list[str] = field(default_factory=list)
    # asks for every member of a series ("when did evaluations begin for each of the rounds?"): a
    # dated entry that answers for one member is joined by its like for the others
    series: bool = False
    # asks how bids are judged: the assessment criteria, as a whole or one of them
    criteria: bool = False
    # asks whether a call is still open ("too late to apply?"): answered by its deadline, which is
    # also what it is searched for, as the asker's words rarely say "deadline"
    still_open: bool = False
    # "when and where does the session take place?": a place is asked as well as the date, so a sentence that
    # gives both answers the whole question
    also_place: bool = False
    # the asker's words replaced by the documents' ("saftey" -> "safety", "councils" -> "local authorities")
    corrections: dict[str, str] = field(default_factory=dict)
    # a finding asked of a source ("what did the final *evaluation* conclude?"), as written: only a
    # sentence that gives that source's finding answers it, unless the source is a document read here
    finding_source: str | None = None
    # asked of what happened ("how did it go?", "what has X achieved?"), in the past or perfect tense
    past: bool = False
    # asks about a document itself ("when was the interim report published?", "who wrote it?"), not
    # about what it says: the document it names is not the only one read
    about_document: bool = False
    # asks when something was published: for a document the assistant holds, its own dated line
    # answers first
    publication: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def wants_prose(self) -> bool:
        """Lessons, findings, reasons: answered from the documents' prose even when projects are named."""
        return self.intent == "explain"


# a name: title-case words not opening a sentence ("Spring Consortium", "Tri-Borough", "Safe Steps")
_NAMED = re.compile(
    r"(?<!^)(?<![.?!]\s)\b([A-Z][a-z]{2,}(?:-[A-Za-z]+)*(?:\s+(?:of\s+|and\s+)?[A-Z][a-z]{2,}(?:-[A-Za-z]+)*)*)"
)
_BACK_REFERENCE = re.compile(
    r"\b(?:it|its|they|them|their|that (?:project|scheme|programme|model|service|approach|pilot|one)"
    r"|this (?:project|scheme|programme|model|service|approach|pilot)|the project|the scheme)\b",
    re.I,
)
_POINTING_IT = re.compile(r"\b(?:it|its|they|them)\b", re.I)
# the object of a preamble's verb: "I missed the live webinar about ..." -> "live webinar"
_PREAMBLE_OBJECT = re.compile(
    r"\b(?:the|a|an|this|that)\s+((?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]*)(?=\s+(?:about|on|for|in|at|of|"
    r"from|with|that|which|and|but)\b|\s*[.,;!?]|\s*$)",
    re.I,
)
_CALENDAR = re.compile(
    rf"(?:(?:{MONTH_ALT.title()}|{WEEKDAY_ALT.title()}|Spring|Summer|Autumn|Winter)\.?\s*)+",
)
_ASKING = frozenset({"what", "when", "who", "how", "which", "where", "why", "can", "could", "would", "does"})


# a term the documents must use if they answer: a capitalised word not opening a sentence, an
# acronym, a year ("Wales", "MTM", "2019")
_TERM = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+|[A-Z]{2,}|\d{4})\b")
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")  # "EOI", "EOIs", "SCIE"


def analyse(question: str, query: str | None = None) -> QuestionAnalysis:
    """Read ``question`` (and its stand-alone ``query`` when it is a follow-up) once."""
    q = _tidy(query or question)
    clause = ask_clause(q)
    focus, focus_words = _focus(clause)
    a = QuestionAnalysis(question=question, query=q, intent="fact", focus=focus, focus_words=focus_words)
    a.clause = clause
    a.parts = ask_parts(clause)
    # a month or a weekday is when, not who: "launched in October" names no subject
    a.names = [
        m.group(1)
        for m in _NAMED.finditer(clause.strip())
        if m.group(1).lower() not in _ASKING and not _CALENDAR.fullmatch(m.group(1))
    ]
    a.terms = [m.group(1) for m in _TERM.finditer(clause.strip())]
    a.acronyms = list(dict.fromkeys(m.group(1) for m in _ACRONYM.finditer(clause)))
    preamble = q[: len(q) - len(clause)] if clause != q and q.endswith(clause) else ""
    # the asking sentence whole ("If it is accepted, what happens next?"): a scene-setting clause left
    # out of the ask may still point back at the preamble
    asking = [p for p in _SENTENCE_END.split(q) if p and p.strip()][-1] if q.strip() else clause
    if preamble and _BACK_REFERENCE.search(f"{asking} {clause}"):
        # "Our neighbours use Harbour Homes. Who runs that scheme?": the ask
        # points back at what the preamble named, so that name is the subject
        named = [m.group(1) for m in _NAMED.finditer(preamble) if m.group(1).lower() not in _ASKING]
        named = [n for n in named if not _CALENDAR.fullmatch(n) and n not in a.names]
        # an acronym it points back to is named too ("We sent in an EOI ... If it gets through, ...")
        named += [t for t in re.findall(r"\b[A-Z]{2,6}s?\b", preamble) if t not in named]
        if not named and _POINTING_IT.search(clause):
            # "I missed the webinar. When was it?": with no name to point at, "it" is the thing the
            # preamble talks about; its nouns (the last words of its object phrase) join the focus
            m = _PREAMBLE_OBJECT.search(preamble)
            named = [m.group(1)] if m else []
        # the focus, not a required name: the ask may use another form of it ("Professor Munro")
        more_focus, more_words = _focus(" ".join(named))
        a.focus += [f for f in more_focus if f not in a.focus]
        a.focus_words += [w for w in more_words if w not in a.focus_words]
    a.years = sorted({int(m.group(1)) for m in YEAR_SPAN.finditer(q)})
    a.time_frame = _time_frame(clause)
    a.asks_conflict = bool(_CONFLICT_CUE.search(q))
    asked = ask_clause(_tidy(question))
    # a dash marks where a typed ask begins after its preamble ("I'm applying for a job - can you
    # write me a cover letter?")
    dashed = re.split(r"\s[-–—]+\s", _tidy(question))[1:]
    if any(_WRITING_TASK.search(t) or _TELL_A.search(t) for t in (question, asked, *dashed)):
        a.intent, a.not_documents = "not_documents", "a request to write something new"
        return a
    if _PERSONAL.search(question):
        a.intent, a.not_documents = (
            "not_documents",
            "a personal matter the programme documents do not address",
        )
        return a
    a.verbatim = bool(_VERBATIM.search(q)) or bool(_QUOTE.search(q) and not _QUOTE_VERB.search(q))
    if a.verbatim and not a.focus and preamble:
        # "There's a lettered list in the transitions section. Can you give it to me verbatim?": the
        # ask says only how to answer; which text is meant is in the sentence before
        a.focus, a.focus_words = _focus(preamble)
    para = _PARAGRAPH_REF.search(q)
    if para:
        a.intent, a.reference = "reference", {"kind": "paragraph", "number": para.group(1)}
        return a
    if _QA_REF.search(q):
        a.intent, a.reference = "reference", {"kind": "qa"}
        return a
    if a.verbatim and _TABLE_REF.search(q):
        a.intent, a.reference = "reference", {"kind": "table"}
        return a
    if a.verbatim and _LIST_REF.search(q):
        a.intent, a.reference = "reference", {"kind": "list"}
        return a
    if a.verbatim:
        a.intent, a.reference = "reference", {"kind": "passage"}
        return a
    a.answer_type = answer_type(clause)
    if (
        a.answer_type == "count"
        and _YESNO.match(clause)
        and not re.search(r"\bhow many\b", clause, re.I)
        and not _LENGTH_LIMIT.search(clause)
    ):
        # "has X made a dent in the number of teenagers in care?" asks whether it changed, not a count
        a.answer_type = None
    if a.answer_type == "place" and re.search(r"\bwhen\b", clause, re.I):
        a.answer_type = "date"  # "where and when": the date is the narrower value, the place goes with it
    a.also_place = a.answer_type in {"date", "deadline"} and bool(_PLACE_ASK.search(clause))
    quoted = _quoted_value_type(q)
    offered = quoted in {"money", "date"}  # bare numbers are often labels ("phase 1 vs phase 2")
    if not a.asks_conflict and offered and a.answer_type in {None, quoted} and _ALTERNATIVES.search(q):
        # "when was it launched? I've seen both 2013 and 2014", "£100m or £110m?": two values of the
        # asked kind offered as alternatives are candidates to check against each document, not
        # values the asker already has (which would be blanked as no answer)
        a.asks_conflict = True
    if a.answer_type is None and a.asks_conflict:
        # "Was it £100m or £110m? The numbers don't match.": the values the asker quotes say what
        # kind of value the documents must be searched for, each document's own
        a.answer_type = quoted
    if a.asks_conflict:
        # the values the asker has seen are the candidates, not the subject: the subject is the rest
        kept = [(f, w) for f, w in zip(a.focus, a.focus_words, strict=False) if not f[:1].isdigit()]
        a.focus, a.focus_words = [f for f, _w in kept], [w for _f, w in kept]
    a.applicant = bool(_APPLICANT.search(q))
    # a preamble about coming to it late ("I've only just heard about it") keeps it about timing
    late = bool(preamble) and bool(_LATE_CONTEXT.search(preamble))
    still = _STILL_OPEN.search(q) or _STILL_DO.search(clause if not preamble or late else q)
    if (a.applicant or _A_CALL.search(q)) and a.answer_type is None and still:
        # "is it too late to apply?", "can we still bid?": whether a call is open is settled by its
        # deadline, which the documents state (and which has passed: their notes say so)
        a.answer_type, a.intent, a.still_open = "deadline", "fact", True
        # "late", "still", "open" frame the ask; what it is about is the call ("the targeted fund")
        kept = [(f, w) for f, w in zip(a.focus, a.focus_words, strict=False) if f not in _TIMING_STEMS]
        a.focus, a.focus_words = [f for f, _w in kept], [w for _f, w in kept]
    # "when / how can we apply" asks about the process, not who may
    may_apply = _MAY_APPLY.search(clause)
    if (
        may_apply
        and not may_apply.group("who")
        and re.search(r"\s(?:a|an|the|our|my|your|their)\s+bid$", may_apply.group(0), re.I)
    ):
        may_apply = None  # "can the bid include ...": the bid is a thing here, not who is bidding
    a.who_may_apply = bool(may_apply) and not re.match(r"\s*(?:when|how|where|why)\b", clause, re.I)
    if may_apply and a.who_may_apply:
        a.applying_who = may_apply.group("who").split()
        a.applying_ask = may_apply.group(0).split()
    a.criteria = bool(_CRITERIA.search(q))
    a.series = bool(_SERIES.search(clause))
    if a.answer_type == "count" and _LENGTH_LIMIT.search(q):
        # counted in words or pages (which frame other asks, "word for word", "the page")
        unit = re.search(r"\b(word|page|character)s?\b", q, re.I)
        a.count_noun = [unit.group(1).lower()] if unit else ["word", "page"]
    elif a.answer_type == "count":
        m = re.search(r"\b(?:how many|number of)\s+((?:[\w'’-]+\s*){1,3})", q, re.I)
        if m:
            # the counted noun ends where the verb begins: "how many projects were funded" counts projects
            noun = re.split(
                r"\b(?:were|was|are|is|have|has|had|did|do|does|got|get|gets|received|took|take|came|come"
                r"|will|would|can|could|in|at|by|for|from|during|since|set|sets|setting|started|start"
                r"|use|used|using|involved|offer|offered|made|make|ran|run|runs|running)\b",
                m.group(1),
                maxsplit=1,
                flags=re.I,
            )[0]
            # the head noun ends the phrase ("round 1 projects", "looked after children"), before any
            # participle ("staff trained"); the first word stays too ("local authority areas" is
            # counted in the documents as "local authorities")
            words = re.findall(r"[A-Za-z][A-Za-z'’-]*", noun or m.group(1))
            while len(words) > 1 and re.search(r"(?:ed|ing)$", words[-1], re.I):
                words.pop()
            stems = [s for s in content_stems(" ".join(words)) if s not in FRAME_STEMS]
            a.count_noun = list(dict.fromkeys(stems[:1] + stems[-1:]))
    # "we like evidence-based programmes. Which ..." asks no lesson; "what did they do about it" does
    cues = _NAMED_CUES.sub(" ", clause)  # "social impact bond" names a contract, it asks for no impact
    # "... someone to speak up for them, in case there's a problem?": a condition, not what is asked
    cues = _IN_CASE.sub(" ", cues)
    explain = any(p.search(cues) for p in (_EXPLAIN, _RESPONSE_ASK, _OBSTACLE_ASK))
    # how bids are judged is the guidance's matter, even when it mentions "projects"
    if _DIRECTORY_NOUN.search(q) and not explain and not a.criteria:
        if _SUPERLATIVE.search(q) and not _COULD_ASK_FOR.search(q):
            a.directory = "superlative"
        elif a.answer_type in {"count", "money"} or _LIST_ASK.search(q):
            a.directory = "list"
        else:
            a.directory = "lookup"
    if a.answer_type is None and not a.criteria and not explain and _DEFINITION.match(clause):
        # "what is Signs of Safety?": the sentence that says what it is answers, not any about it
        a.intent, a.answer_type = "fact", "definition"
        return a
    yes_no_form = bool(
        _YESNO.match(q) or _YESNO.match(clause) or _YESNO_LATE.search(q) or _YESNO_TIMING.search(q)
    )
    # "is a project that improves outcomes eligible?" asks whether it may apply, not for a result
    if explain and a.answer_type is None and not (a.applicant and yes_no_form):
        a.intent = "explain"
        if _RESPONSE_ASK.search(clause):
            a.answer_type = "response"  # "what did X do about it": what was done answers it
        elif _OBSTACLE_ASK.search(cues):
            a.answer_type = "obstacle"  # "what slowed X down": a stated difficulty or delay answers it
        elif _RESULT_ASK.search(cues):
            a.answer_type = "finding"  # "what did X achieve / find": a reported result answers it
        elif _LESSON_ASK.search(cues):
            a.answer_type = "lesson"  # "what did X learn / what helped": a stated lesson answers it
    elif a.answer_type is None and yes_no_form:
        a.intent = "yesno"
        if not a.applicant and _YESNO_RESULT.search(cues):
            # "did the trial show that caseloads fell?", "has X cut placements?": only a reported
            # result answers it, not a description of what X does
            a.answer_type = "finding"
    else:
        a.intent = "fact" if a.answer_type or not explain else "explain"
    a.past = bool(_PAST_ASK.search(cues))
    a.about_document = bool(_ABOUT_A_DOCUMENT.search(q))
    a.publication = a.about_document and a.answer_type == "date"
    if a.answer_type == "finding" and (source := _FINDING_SOURCE_ASK.search(cues)):
        a.finding_source = source.group(1).lower()
    if a.intent == "yesno" and a.applicant and not a.names and not _LIST_ASK.search(q):
        # "would a project helping care leavers be the kind of thing they fund?" asks what the
        # guidance invites, not which recorded projects share a theme: the prose answers it
        a.directory = None
    return a
