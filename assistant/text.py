"""Small text helpers shared by the composer, the rewriter and the citation checker."""

from __future__ import annotations

import re

from ingest.sentences import FOOTNOTE_LINE
from ingest.stems import STOPWORDS, content_stems  # noqa: F401 - the text toolkit's word stems
from ingest.values import MONTH_ALT, WEEKDAY_ALT, date_mentions, format_gbp, money_in  # noqa: F401 - dates, money

# Words that frame a question about the documents rather than say what it is about: how to answer
# ("word for word", "quote", "the table", "the footnote"), what kind of value ("date", "amount").
# Never part of a question's focus, and never "corrected" into a document word as a typing slip.
FRAME_WORDS = (
    "what when where which who whom whose why how much many long big large tell me please say says said "
    "document documents programme guidance report give exactly exact word words wording worded verbatim "
    "quote quotes quoted quotation full text written paragraph paragraphs para section page know find "
    "out question answer q&a faq mean means meaning date amount number figure total percentage percent "
    "proportion fraction name whether also went "
    "already just actually really each every any table tables footnote footnotes note notes list lists "
    "bullet bullets lettered numbered sentence sentences passage passages extract excerpt line lines"
)
# how sure or how plain the asker is being ("actually", "honestly"): never what a question is about
HEDGES = "actually really exactly just also already whether please basically definitely probably honestly"
FRAME_WORDS += " " + HEDGES + " genuinely literally anyway"
# vague nouns that stand for whatever is asked ("any practical stuff they do?"): never a subject, and
# never a slip for a document word ("stuff" is not "staff")
FRAME_WORDS += " stuff"
# negated auxiliaries the stop words miss ("isn't" would stem to "isn"): never a question's subject
FRAME_WORDS += " isn't aren't wasn't weren't haven't hasn't doesn't didn't won't wouldn't couldn't shouldn't"
FRAME_STEMS = frozenset(content_stems(FRAME_WORDS))  # the same words as stems, what matching compares

# a sentence about the document it is in ("This document sets out the kind of activity ...",
# "This report provides ..."): it says what the document covers, not what the programme does or
# found, so it answers only a question about that document
SELF_DESCRIPTION = re.compile(
    r"^\W*(?:this|the present)\s+(?:document|report|paper|guide|guidance|publication|booklet|prospectus)\s+"
    r"(?:sets? out|describes|explains|provides|outlines|summari[sz]es|presents|gives|covers|looks at|aims)\b",
    re.I,
)

# Words an asker and these documents use for the same thing in this field (a bid is a proposal, an
# accepted one is successful). Read only to decide whether a sentence covers what was asked: the
# question's own words are still what it is searched for.
_SAME_THING_GROUPS = (
    "bid bids proposal proposals application applications submission",
    "accepted accept approved successful shortlisted",
    "money funding funds fund grant grants cash pot",
    "staff workforce workers employees practitioners",
    "start begin launch launched kick commence",  # "kick off" is to start
    "kids children",
    "council councils authority authorities",
)


def _same_thing() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for group in _SAME_THING_GROUPS:
        stems = set(content_stems(group))
        for s in stems:
            out.setdefault(s, set()).update(stems - {s})
    return {k: frozenset(v) for k, v in out.items()}


SAME_THING = _same_thing()  # each stem -> the stems of the other words for the same thing


def clean_for_display(text: str) -> str:
    """Drop markdown emphasis, <u> tags and footnote marks from a quote used as answer prose."""
    t = FOOTNOTE_LINE.sub(" ", text)  # a page's footnotes inside a sentence a page break cut
    t = re.sub(r"</?u>", "", t)
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = re.sub(r"(?<!\*)\*\*?(?!\*)", "", t)
    t = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+", "", t)
    t = re.sub(r"^\s*[-•▪●◦]\s+", "", t)
    return " ".join(t.split())


# -- typed values: the one place that says what a date, an amount, a count or a name looks like --
MONTHS = MONTH_ALT  # every spelling of a month, from the toolkit's one table
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
    "dozen|half|a third|a quarter"
)
DATE_RE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{MONTHS})\b|\b(?:{MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b(?:{MONTHS})\s+(?:19|20)\d{{2}}\b|\b(?:spring|summer|autumn|winter|early|late|end of|mid)[\s-]"
    rf"(?:of\s+)?(?:19|20)\d{{2}}\b|\b(?:in|since|from|until|by|during|before|after)\s+(?:19|20)\d{{2}}\b"
    rf"|\b(?:19|20)\d{{2}}\s*(?:-|–|to)\s*(?:19|20)?\d{{2}}\b|\b\d{{1,2}}(?:[.:]\d\d)?\s?[ap]\.?m\b"
    rf"|\b(?:{WEEKDAY_ALT})\b|\b(?:the )?summer\b",
    re.I,
)
MONEY_RE = re.compile(r"£\s?\d|\$\s?\d|\b\d[\d,.]*\s?(?:m|bn|k)\b"
                      r"|\b\d[\d,.]*\s+(?:million|billion|thousand)\b"
                      r"|\bmillion\b|\bbillion\b|\bpounds\b", re.I)  # fmt: skip
COUNT_RE = re.compile(rf"\b\d[\d,]*\b|\b(?:{NUMBER_WORDS})\b", re.I)
SHARE_RE = re.compile(r"\d\s?%|\bper ?cent\b|\b(?:half|a third|a quarter|two[- ]thirds|three[- ]quarters"
                      r"|majority|minority|proportion|one in \w+)\b", re.I)  # fmt: skip
DURATION_RE = re.compile(rf"\b(?:\d+|{NUMBER_WORDS}|a|an)(?:\s+(?:or|to|and)\s+(?:\d+|{NUMBER_WORDS}))?"
                         r"[\s-]+(?:years?|months?|weeks?|days?)\b", re.I)  # fmt: skip
# A name: two or more capitalised words (Edward Timpson, Spring Consortium), or a title and a name.
PERSON_RE = re.compile(
    r"\b(?:Sir|Dame|Lord|Baroness|Dr|Professor|Mr|Mrs|Ms|Minister|Secretary)\s+[A-Z][a-z]+"
    r"|\b(?!(?:The|This|These|That|In|A|An|It|We|Our|Its|For|On|At|By|If|As)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z'’-]+)+\b"
)
FREQUENCY_RE = re.compile(rf"\b(?:\d+|{NUMBER_WORDS})(?:\s+(?:to|or)\s+\w+)?\s+times\b"
                          r"|\b(?:daily|weekly|fortnightly"
                          r"|monthly|quarterly|annually|yearly|every|each (?:week|month|year)|once|twice)\b",
                          re.I)  # fmt: skip
# A reported result: a change, a saving, a finding, a measured share.
FINDING_RE = re.compile(
    r"\b(?:reduc\w*|increas\w*|improv\w*|fell|fallen|rose|risen|decreas\w*|fewer|halved|doubled|sav(?:ed|ing|ings)"
    r"|achiev\w*|found|show(?:ed|n|s)|demonstrat\w*|led to|result(?:ed|s)? in|outcomes? (?:have|has)"
    r"|success\w*|an? (?:fall|drop|rise|decline) in"
    # how it went: "the delegation proceeded relatively smoothly", "the roll-out went well"
    r"|(?:proceeded|went|gone|ran|progressed|worked)\s+(?:\w+\s+)?"
    r"(?:smoothly|well|swiftly|quickly|badly|slowly))\b"
    r"|\d+\s?%|\bper cent\b",
    re.I,
)
# Who finds things: an evaluation, a report, a review. A finding asked of one ("what did the final
# evaluation conclude?") is answered only by a sentence that says it is that source's; a statistic
# the documents quote from elsewhere (Ofsted ratings, placement figures) is not its finding. A "case
# study" is the documents' own account of a project, not a source that finds anything.
# the nouns of a source besides an evaluation and a study, shared with the question's cue
# (``assistant.question_cues._FINDING_SOURCE_ASK``), so that both read one list
SOURCE_NOUNS = r"reports?|reviews?|research|trials?|inspections?|audits?|surveys?"
FINDING_SOURCE_RE = re.compile(rf"\b(?:evaluat\w*|(?<!case )stud(?:y|ies)|{SOURCE_NOUNS})\b", re.I)
# A stated lesson: what was learnt, what mattered, what got in the way.
LESSON_RE = re.compile(
    r"\b(?:lessons?|learn(?:ed|t|ing)|(?:has|have) found|found (?:that|it)|key (?:to|factors?|elements?"
    r"|features?|lessons?)|crucial|critical|essential|important(?:ly)?|vital|helped|has enabled|challeng\w*"
    r"|difficult\w*|barriers?|insights?|recognis\w*|realis(?:ed|ing)|need to|needs to)\b",
    re.I,
)
# What got in the way: a difficulty, a delay, a disruption (the documents' "has proven challenging")
OBSTACLE_RE = re.compile(
    r"\b(?:challeng\w*|difficult\w*|barriers?|delay\w*|disrupt\w*|slow(?:ed|er)|struggl\w*"
    r"|problems?|obstacles?|hurdles?|set ?backs?|not (?:been )?easy|resist\w*|hardest (?:part|thing|bit)"
    r"|hard to|harder than)\b",
    re.I,
)
# What was done about a problem: a response, a solution, a change made.
RESPONSE_RE = re.compile(
    r"\b(?:solutions?|solved?|tackl\w*|address(?:ed|es|ing)|overc[oa]me|respond(?:ed|ing)|in response"
    r"|to counter|dealt with|deal(?:s|ing)? with|handled|mitigat\w*|resolved?|work(?:ed)? around"
    r"|(?:has|have) helped|helped (?:to|in)|(?:has|have) (?:been )?(?:introduced|set up|changed|adapted|"
    r"split|moved|created|appointed|redesigned|streamlined)|instead|by (?:introducing|creating|setting up"
    r"|using|splitting|appointing|offering|providing))\b",
    re.I,
)
# Answer types met by a kind of statement (a finding, a lesson, a response), not by a value.
PROSE_TYPES = frozenset({"finding", "lesson", "response", "definition", "obstacle"})
CONTACT_RE = re.compile(
    r"(?:\+44|\b0)\d[\d ]{8,12}\d\b|[\w.+-]+@[\w-]+\.[\w.]+|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"
)
PLACE_RE = re.compile(r"\b(?:in|at|across|from)\s+(?:the\s+)?[A-Z][a-z]+", re.M)
# a call stated as closed, in words rather than a date ("the deadline for submission has now passed")
CLOSED_RE = re.compile(
    r"\b(?:deadline|closing date)\b[^.]{0,40}\b(?:has|have)\s+(?:now\s+)?(?:passed|closed)\b"
    r"|\bno longer (?:be )?accept\w*|\b(?:is|are|has|have been|was|were) (?:now )?closed\b",
    re.I,
)
VALUE_RE = {
    "date": DATE_RE,
    # whether a call is open: its deadline, or a statement that it has closed
    "deadline": re.compile(f"{DATE_RE.pattern}|{CLOSED_RE.pattern}", re.I),
    "money": MONEY_RE,
    "count": COUNT_RE,
    "share": SHARE_RE,
    "duration": DURATION_RE,
    "person": PERSON_RE,
    "place": PLACE_RE,
    "contact": CONTACT_RE,
    "frequency": FREQUENCY_RE,
    "finding": FINDING_RE,
    "lesson": LESSON_RE,
    "obstacle": OBSTACLE_RE,
    "response": RESPONSE_RE,
}
VALUE_PHRASE = {
    "date": "a date",
    "deadline": "a deadline",
    "money": "an amount",
    "count": "a number",
    "share": "a share or percentage",
    "duration": "a length of time",
    "person": "a name",
    "place": "a place",
    "contact": "contact details",
    "frequency": "how often",
    "finding": "a finding",
    "lesson": "a lesson",
    "obstacle": "a difficulty or delay",
    "response": "what was done about it",
    "definition": "what it is",
}


# Words that make a capitalised phrase an organisation, a place or a programme, not a person:
# "Social Care Innovation Programme", "The Fostering Network", "Mockingbird Family Society".
_NOT_A_PERSON = re.compile(
    r"\b(?:Council|Councils|Network|Society|Trust|Foundation|Programme|Program|Project|Projects|Model|Family"
    r"|Families|Department|Consortium|Partnership|Services?|Board|Courts?|Group|Authority|Authorities"
    r"|University|College|School|Schools|Children|Care|Social|Innovation|Fund|Funding|Report|Review|Office"
    r"|Agency|Centre|Center|Institute|Association|Alliance|Company|Ltd|Limited|Borough|County|City|England"
    r"|London|Government|Ministry|Hub|Team|Unit|Practice|Safety|Futures|Door|Policy|Round|Workshop|Event"
    r"|Conference|Awards?|Plan|Act|Bill|Strategy|Framework|Approach|Scheme|Initiative|Pilot)\b"
)


# "Who decides?" is answered by a role or a body as well as by a name.
_DECIDER = re.compile(
    r"\b(?:[A-Z]\w* )?(?:Ministers?|Secretary of State|(?:[A-Z][a-z]+ )+(?:Board|Panel|Committee))\b"
)


def person_names(text: str, deciders: bool = True) -> list[str]:
    """Who ``text`` names: people (titled names, capitalised phrases that name no organisation)
    and, with ``deciders``, deciding roles or bodies ("DfE Ministers", "the Investment Board")."""
    people = [
        m.group(0)
        for m in PERSON_RE.finditer(text)
        if not _NOT_A_PERSON.search(m.group(0))
        # a quoted title ("'Preventing Repeat Removals'") or a phrase led by a verb form names no one
        and text[max(0, m.start() - 1) : m.start()] not in {"'", "‘", '"', "“"}
        and not m.group(0).split()[0].endswith("ing")
    ]
    return people + ([m.group(0) for m in _DECIDER.finditer(text)] if deciders else [])


# the place of one in a series, as written: "the first deadline", "the 2nd round", "round four"
ORDINAL_VALUES = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
}  # fmt: skip
SMALL_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10,
}  # fmt: skip
_ORDINAL = re.compile(rf"\b({'|'.join(ORDINAL_VALUES)}|final|last)\b", re.I)


def ordinals(text: str) -> set[str]:
    """Which ones of a series a text names: {"1", "2"} for "the first and 2nd", {"final"} for "final"."""
    found = set()
    for m in _ORDINAL.finditer(text):
        word = m.group(1).lower()
        found.add(str(ORDINAL_VALUES[word]) if word in ORDINAL_VALUES else "final")
    return found


# a year, or a span of years as the documents write them: "2014-16", "2016–2020", "2016 to 2020"
YEAR_SPAN = re.compile(r"\b((?:19|20)\d{2})(?:\s*(?:-|–|to|/)\s*((?:19|20)?\d{2}))?\b")


def years_spanned(text: str) -> set[int]:
    """Every year a text names, spans filled in ("2014-16" is 2014, 2015 and 2016)."""
    years: set[int] = set()
    for m in YEAR_SPAN.finditer(text):
        start = int(m.group(1))
        end = start
        if m.group(2):
            tail = m.group(2)
            end = int(tail) if len(tail) == 4 else start // 100 * 100 + int(tail)
        years.update(range(start, end + 1) if start <= end <= start + 20 else (start,))
    return years


# a period counted from when the document was written: "over the next four years" in a 2016 guide
_NEXT_YEARS = re.compile(
    rf"\bthe (?:next|coming|following) (\d{{1,2}}|{'|'.join(SMALL_NUMBERS)}) years\b", re.I
)


def relative_years(text: str, written: int | None) -> set[int]:
    """The years a period counted from the document's year covers ("the next four years" written in
    2016: 2016 to 2020), so that an ask for "2016 to 2020" finds it; none without that year."""
    years: set[int] = set()
    if written is None:
        return years
    for m in _NEXT_YEARS.finditer(text):
        n = m.group(1).lower()
        span = int(n) if n.isdigit() else SMALL_NUMBERS[n]
        years.update(range(written, written + span + 1))
    return years


def has_value(text: str, kind: str | None) -> bool:
    """Does ``text`` state a value of ``kind`` (see ``VALUE_RE``)? No kind: nothing to check."""
    if kind is None:
        return True
    if kind == "person":
        return bool(person_names(text))
    pattern = VALUE_RE.get(kind)
    return bool(pattern.search(text)) if pattern else True


# A result that has happened ("has seen", "revealed", "so far"), as against one that is hoped for
# ("aims to", "would represent", "the potential to"): case studies state both, side by side, and
# a reader asking what a project *achieved* wants the first.
_ACHIEVED_RE = re.compile(
    r"\b(?:has|have|had)\s+(?:so far\s+|already\s+|now\s+|also\s+)?(?:been|seen|led|resulted|shown|"
    r"demonstrated|achieved|reduced|increased|improved|fallen|risen|halved|doubled|saved|helped|enabled|"
    r"created|found|reported|received|trained|produced|delivered|made|gained|engaged|worked)\b"
    # "Pause also reports increased take-up" (the verb), not "final evaluation reports for nine projects"
    r"|\breports\s+(?:that|an?\b|\w+ed\b|increas\w*|reduc\w*|improv\w*|fewer|more|less|higher|lower|positive)"
    r"|\b(?:revealed|showed|demonstrated|found|fell|rose|resulted in|led to|saw|reported|is seeing"
    r"|are seeing|so far|to date|already|now in|now have|now has)\b",
    re.I,
)
_AIM_RE = re.compile(
    r"\b(?:aims?|aiming|aimed|plans?|planned|planning|intends?|intended|targets?|expects?|expected|hopes?"
    r"|hoping|potential|would|will|could|seeks?|proposes?|goal|ambition|by 20\d\d)\b",
    re.I,
)


def result_strength(text: str) -> int:
    """How plainly ``text`` reports an achieved result: 3 measured, 2 reported, 1 hoped-for, 0 none.

    A figure makes a result measured ("86% remained at home"); an aim with a figure ("aims to
    reduce ... from 400 to 280 by 2018/19") is a target, not a result.
    """
    achieved = bool(_ACHIEVED_RE.search(text))
    aim = bool(_AIM_RE.search(text))
    figure = bool(re.search(r"\d", text))
    finding = bool(FINDING_RE.search(text))
    if achieved and not aim:
        return 3 if figure and (finding or "%" in text) else 2
    if achieved or finding:
        return 1
    return 0


_DANGLING = re.compile(
    # "The first – ... – is Friday 6 May": an ordinal standing for a noun of the sentence before
    r"^\W*(?:it|its|it's|they|their|them|he|she|his|her|both"
    r"|the (?:first|second|third|former|latter)(?=\s*[–—-]|\s+(?:is|was|are|were)\b)"
    r"|(?:this|these|those|that|such)\s+(?:is|are|was|were|has|have|had|will|would|can|could|may|might"
    r"|means?|includes?|shows?|allows?|helps?|led|leads)"
    # "This approach has ...", "These changes ...": a demonstrative pointing at the sentence before
    r"|(?:this|these|those|such)\s+(?!(?:year|month|week|round|programme|document|guidance|report)\b)[a-z]+"
    # a connective that carries on from the sentence before ("However, ...", "For that reason ...")
    r"|however|likewise|similarly|for (?:that|this|these) reasons?|as a result|in addition|additionally"
    r"|therefore|thus|instead|moreover|furthermore|in turn|consequently|nevertheless|equally|in contrast"
    r"|by contrast|at the same time)\b",
    re.I,
)


# "The programme has tackled this with training": what was done, about a difficulty the sentence
# before told ("this" as the object of a verb of dealing with something)
_BACK_OBJECT = re.compile(
    r"\b(?:tackl\w*|address(?:ed|es|ing)?|overc[oa]m\w*|deal(?:s|t|ing)? with|solv\w*|handl\w*"
    r"|respond(?:ed|s|ing)? to|resolv\w*|mitigat\w*|counter(?:ed|s|ing)?|fix(?:ed|es|ing)?)"
    r"\s+(?:this|these|that|it|them)(?=\s+(?:with|by|through|via|in|using)\b|\s*[.,;:–—-])",
    re.I,
)


def dangling_start(sentence: str) -> bool:
    """A sentence whose subject lies in an earlier sentence: it opens with a pronoun, or says what
    was done about "this" without saying what."""
    return bool(_DANGLING.match(sentence) or _BACK_OBJECT.search(sentence))
