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
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from assistant.text import FRAME_STEMS, YEAR_SPAN, content_stems, years_spanned
from ingest.values import MONTH_ALT, WEEKDAY_ALT

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

# -- intents ------------------------------------------------------------------------------------
_PARAGRAPH_REF = re.compile(
    r"(?:\b(?:paragraph|para(?:graph)?s?\.?)|¶)\s*(?:no\.?\s*|number\s*)?(\d{1,3})\b", re.I
)
_VERBATIM = re.compile(
    r"\bword[- ]for[- ]word\b|\bverbatim\b|\bexact(?:ly)? (?:wording|words|text|what)\b"
    r"|\bfull text\b|\bin full\b|\bwhat exactly does\b|\bexact terms\b|\bprecise wording\b|\bwording\b"
    # "exactly as written", "as it is worded in", "the exact quote / list / table", "reproduce it"
    r"|\b(?:exactly )?as (?:it is |it's |they are |they're )?(?:written|worded|printed|set out)\b"
    r"|\b(?:exact|precise|actual|original) (?:\w+ ){0,3}(?:quote|quotation|text|words|passage|sentences?"
    r"|lines?|list|table|paragraph|footnote)\b|\bquotation\b|\breproduce\b|\bcopy out\b"
    # "quoted in full" asks for the words; "different amounts quoted" is what the asker has seen
    r"|\bquoted (?:in full|exactly|verbatim|word for word)\b",
    re.I,
)
# "quote" as a request ("quote me", "the Munro quote"); after "does"/"did"/"do" it is what a document
# does ("what does the guidance quote from Munro?"), a question about its content
_QUOTE = re.compile(r"\bquote\b", re.I)
_QUOTE_VERB = re.compile(r"\b(?:does|did|do)\b[^.?!]*\bquote\b", re.I)
_QA_REF = re.compile(r"\bq\s*&\s*a\b|\bq and a\b|\bquestions? and answers?\b|\bfaqs?\b", re.I)
_TABLE_REF = re.compile(r"\btable\b|\bgrid\b|\bmatrix\b", re.I)
_LIST_REF = re.compile(
    r"\b(?:bullet(?:ed)? (?:points?|list)|lettered list|numbered list|(?:the|a|that|this) list)\b", re.I
)
_YESNO = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:is|are|can|could|does|do|did|will|would|should|may|might|must|has|have"
    r"|am|was|were|shall)\b",
    re.I,
)
# a yes/no ask after a fragment: "idea from another sector - can we still apply?"
_YESNO_LATE = re.compile(
    r"(?:\s[-–]\s|[,;:]\s*)(?:is|are|can|could|does|do|will|would|should|may|must|am)\s+"
    r"(?:we|i|it|they|that|this|an?|our|the|there|you|dfe|the department|[A-Z][A-Za-z]+)\b[^?]*\?\s*$",
    re.I,
)
# "what did the pilots teach us", "the main takeaways": a lesson asked in other words
_TAUGHT = r"taught|takeaways?|what (?:did|do|does|has|have) (?:[\w'’-]+ ){1,5}teach"
_EXPLAIN = re.compile(
    # "find" as what someone found ("what did they find?"), not "help them find a job"
    r"\b(?:learn\w*|lessons?|" + _TAUGHT + r"|found|findings?"
    r"|find(?=\s*(?:[?.]|$|about|that|out|so far|when))|worked|works|working well|what works|achiev\w*|impact"
    r"|outcomes?|results?|evidence|insights?|why"
    # "how did / how is X trying to / how are they going to": the manner of something, told in prose
    r"|how (?:did|do|does|can|could|should|would|will|is|are|was|were|has|have)"
    r"|challenges?|barriers?|difficult\w*|success\w*|recommend\w*|advice|tips?|say about|said about"
    r"|tell us|what (?:helped|helps|made|makes)|get round|overc[oa]me?|conclu\w*|problems?)\b",
    re.I,
)  # (and every ask for a difficulty or for what was done about one: _OBSTACLE_ASK, _RESPONSE_ASK)
# A request to write something new: the product only quotes the documents, it never writes.
_WRITING_TASK = re.compile(
    r"^\s*(?:(?:please|can you|could you|would you|will you|i need you to|i want you to|help me)\s+)*"
    r"(?:write|compose|draft|pen|create|generate|make up|invent|sing|rewrite|translate)\b(?!-)"
    r"(?!\s+(?:out\s+)?(?:down\s+)?(?:the|a)?\s*(?:summary|list|quote)\b)",
    re.I,
)
_TELL_A = re.compile(
    r"^\s*(?:please\s+)?tell (?:me|us) (?:a|an|some) (?:joke|poem|riddle|bedtime story|story about)\b",
                     re.I)  # fmt: skip
# Matters about the asker's own life that no programme document can speak to.
_PERSONAL = re.compile(
    r"\b(?:my|our) (?:own )?(?:birthday|wedding|marriage|divorce|girlfriend|boyfriend|wife|husband|partner's"
    r"|holiday|diet|horoscope|pet|dog|cat|mortgage|tax return|lottery|love life|relationship)\b"
    r"|\b(?:should i (?:marry|date|break up|divorce)|am i in love|what should i eat|lottery numbers)\b"
    r"|\b(?:my|our) (?:own )?(?:sister|brother|mum|mother|dad|father|son|daughter|niece|nephew|grand\w+"
    r"|ex|neighbour|friend)(?:'s|’s)?\b|\bwhat are (?:my|her|his|their) rights\b"
    # taking on a caring role or a job yourself: the local council's matter, not the programme's
    r"|\bhow (?:do|can|could|would|should|might) (?:i|we|my \w+) (?:become|train as|qualify as|register as"
    r"|sign up as|apply to be) an? (?:foster carer|foster parent|adopter|adoptive parent|social worker"
    r"|childminder|kinship carer|special guardian|carer)s?\b",
    re.I,
)
_DIRECTORY_NOUN = re.compile(
    r"\bprojects?\b|\bfunded\b|\bawards?\b|\bawarded\b|\bgrants?\b|\bwho got\b|\bwhich (?:councils?|local "
    r"authorities|las|organisations?|charities|boroughs?)\b|\binitiatives?\b|\bschemes?\b|\bpilots?\b",
    re.I,
)
_SUPERLATIVE = re.compile(
    r"\b(?:largest|biggest|highest|most money|most funding|smallest|lowest|least|largest award|top)\b", re.I
)
_LIST_ASK = re.compile(r"^\s*(?:(?:please |(?:can|could|would|will) (?:you|u) (?:please )?)?(?:list|name|show"
                       r"|give me|tell me))\b|\bwhich\b|\bwhat (?:projects|councils)\b"
                       r"|\ball (?:the )?projects\b|\bany projects\b", re.I)  # fmt: skip
_RESULT_ASK = re.compile(
    # "how did it go", "how has the pilot turned out": how it went is a result
    r"\bhow (?:did|has|have|is|was|are) (?:[\w'’-]+ ){0,4}(?:go|gone|going|turn(?:ed)? out|work(?:ed)? out)\b"
    r"|\b(?:achiev\w*|results?|outcomes?|impact|found|findings?"
    r"|find(?=\s*(?:[?.]|$|about|that|out|so far|when))|worked|work well|succe\w*|difference"
    r"|effect\w*|conclu\w*"
    r"|evidence|seen)\b",
    re.I,
)
_IN_CASE = re.compile(r"\b(?:just )?in (?:case|the event)\b[^?.;]*", re.I)
_LESSON_ASK = re.compile(
    r"\b(?:learn\w*|lessons?|" + _TAUGHT + r"|insights?|what (?:helped|helps|made|makes|worked)"
    r"|key to|advice|tips?|recommend\w*|challenges?|barriers?|difficult\w*|problems?|get round"
    r"|overc[oa]me?)\b",
    re.I,
)
# asking what got in a project's way: "what slowed them down", "the hardest bit", "what went wrong"
_OBSTACLE_ASK = re.compile(
    r"\b(?:slow(?:ed|s|ing)? (?:\w+ ){0,4}down|held (?:\w+ ){0,4}up|hold(?:ing|s)? (?:\w+ ){0,4}up|delay\w*"
    r"|set ?backs?|went wrong|go(?:ne)? wrong|hardest|toughest|trickiest|struggl\w*|hurdles?|obstacles?"
    r"|got in (?:the|their) way|get in the way|stood in (?:the|their) way|stumbling blocks?|teething"
    # "what problems did X have / hit", "what did they run into"
    r"|problems? (?:did|do|does|have|has|had|were|was)\b|r[au]n into)\b",
    re.I,
)
# asking what was done about a problem: "what did X do when...", "how did they tackle it",
# "what have they done about it"
_RESPONSE_ASK = re.compile(
    r"\bwhat (?:did|have|has|do|does|can|could|should) (?:[\w'’-]+ ){0,5}(?:do|done|doing) (?:when|about"
    r"|after|once|if|so (?:that|as)|in order to|to [a-z]+)\b"
    r"|\bhow (?:did|have|has|do|does) (?:[\w'’-]+ ){0,5}(?:tackle|tackled|deal|dealt|handle|handled|address"
    r"|addressed|solve|solved|respond|responded|cope|coped|get round|got round|overcome|work around)\b"
    r"|\b(?:tackled|addressed|solved|handled|dealt with|responded to|overcame|overcome) (?:it|this|that|them"
    r"|these|the problem|the challenge)",
    re.I,
)
# "the largest grant you could bid for": the most a call allows, a rule of the guidance, not the largest
# award the directory records
_COULD_ASK_FOR = re.compile(
    r"\b(?:could|can|may|might|allowed to|able to)\s+(?:\w+\s+){0,2}(?:bid|apply|ask|request|get|receive"
    r"|claim)\b|\b(?:maximum|max|most)\s+(?:\w+\s+){0,2}(?:per|for each|for a|for one)\s+"
    r"(?:bid|project|application)\b",
    re.I,
)
# a yes/no question about an outcome: did it work, show, prove, cut, reduce, improve ...
_YESNO_RESULT = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:did|does|do|has|have|had|was|were|is|are)\b[^?]*\b"
    r"(?:show(?:s|ed|n)?|prove[sdn]?|demonstrat\w*|succeed\w*|reduc\w*|cut|lower(?:ed)?|improv\w*"
    # "work" the verb ("did it work?", "has it worked well"), not the noun ("the sort of work")
    r"|work(?:s|ed)?(?=\s*(?:[?.!]|$|well\b|out\b|for\b|or not\b|at all\b))"
    r"|increas\w*|result(?:s|ed)? in|le(?:a)?d to"
    r"|make a difference|made a difference|ha(?:ve|s|d) an? (?:effect|impact)|ma(?:de|ke) (?:\w+ ){0,2}better"
    # "made a dent in", "any real change in", "brought numbers down"
    r"|ma(?:de|ke) (?:\w+ ){0,2}(?:dent|difference|change|impact)|brought (?:\w+ ){0,3}down|come down"
    r"|went down|gone down|fall(?:en)?|fell|dropp\w*)\b",
    re.I,
)
# asking whether a call is still open: "too late", "can we still apply", "has it closed", "any more"
_STILL_OPEN = re.compile(
    r"\btoo late\b|\bstill\s+(?:be\s+|being\s+)?(?:open|time|accept\w*)\b"
    r"|\b(?:is|are)\s+(?:it|they|the(?: [\w-]+){1,3}|applications?|bids?)\s+(?:still\s+)?open\b"
    r"|\b(?:has|have)\s+(?:it|they|the(?: [\w-]+){1,3}|applications?|bids?)\s+(?:now\s+)?closed\b"
    r"|\bclosed yet\b"
    r"|\bany ?more\b|\bmissed\s+(?:the|a|our)\s+(?:deadline|chance)\b",
    re.I,
)
_A_CALL = re.compile(r"\b(?:calls?|rounds?|funding|fund|grants?|programme|applications?|bids?)\b", re.I)
# "can we still apply / bid / send in": about timing only when nothing before it sets a condition;
# "our idea comes from another sector - can we still apply?" means "even so"
_STILL_DO = re.compile(
    r"^\W*(?:(?:can|could|may|is it|are we|am i)\s+)(?:\w+\s+)?still\s+(?:be\s+)?"
    r"(?:possible\s+(?:for \w+\s+)?to\s+)?(?:able to\s+)?"
    r"(?:apply|bid|submit|send|get (?:an? )?(?:bid|application|eoi|expression)|put in)\b",
    re.I,
)
_TIMING_STEMS = frozenset(
    content_stems(
        "late still open opened closed close closing accepted accept time possible able deadline "
        "any more now apply applying application applications bid bids bidding submit send"
    )
)
_LATE_CONTEXT = re.compile(r"\b(?:just|only now|recently|late|missed|this week|today)\b", re.I)
# terms of the field whose words are also cues for a result or a lesson: a "social impact bond" is a
# way of paying for a service, an "evidence-based programme" a kind of programme; neither asks what
# was achieved or found
_NAMED_CUES = re.compile(
    r"\b(?:social )?impact bonds?\b|\bsibs?\b|\b(?:evidence|outcomes?|results?|payment by results)[- ]"
    r"(?:based|informed|focused|led)\b",
    re.I,
)
_APPLICANT = re.compile(
    r"\b(?:appl(?:y|ying|ied|icants?|ications?)|eligib\w*|bids?|bidding|proposals?|expressions? of interest"
    r"|eois?|gets? involved|in scope|out of scope|fundable|funded|fund (?:us|it|this|that|them)|get funding"
    r"|pay for|allowed|permitted|register\w*|deadlines?|submit\w*|coaching|too (?:early|late|soon)"
    r"|get in touch"
    r"|can (?:we|i|our|an?|they)|could (?:we|i|our|an?|they)|would (?:we|our|an?|the department|the dept|dfe)"
    r"|approach (?:the|you)|are we|am i)\b",
    re.I,
)
_CRITERIA = re.compile(
    r"\b(?:criteri\w*|critera|assess(?:ed|es|ors?|ing)?|judg\w*|scor\w*|strongest|weigh\w*|selected on)\b",
    re.I,
)


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
    names: list[str] = field(default_factory=list)  # title-case subjects the ask names ("Spring Consortium")
    terms: list[str] = field(default_factory=list)  # capitalised words, acronyms and years of the ask
    # asked as (or for) an applicant: eligibility, scope, process ("can we apply", "is X fundable")
    applicant: bool = False
    # asks whether some kind of organisation or person may apply ("can a housing association bid?"):
    # the rule on who can apply answers it, whatever words it is in
    who_may_apply: bool = False
    # asks how bids are judged: the assessment criteria, as a whole or one of them
    criteria: bool = False
    # asks whether a call is still open ("too late to apply?"): answered by its deadline, which is
    # also what it is searched for, as the asker's words rarely say "deadline"
    still_open: bool = False
    # "when and where is the workshop?": a place is asked as well as the date, so a sentence that
    # gives both answers the whole question
    also_place: bool = False
    # the asker's words replaced by the documents' ("saftey" -> "safety", "councils" -> "local authorities")
    corrections: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def wants_prose(self) -> bool:
        """Lessons, findings, reasons: answered from the documents' prose even when projects are named."""
        return self.intent == "explain"


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
        if at > 0 and len(re.findall(r"[A-Za-z']+", text)) <= 4 and parts[at - 1].endswith("?"):
            # "Did X work? Any hard numbers?": a fragment adds to the question before it, which asks
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


def _focus(text: str) -> tuple[list[str], list[str]]:
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*|\d+", text)
    stems = content_stems(" ".join(words))
    seen: dict[str, str] = {}
    for word in words:
        st = content_stems(word)
        if st and st[0] not in FRAME_STEMS and st[0] not in seen:
            seen[st[0]] = word
    kept = [s for s in dict.fromkeys(stems) if s not in FRAME_STEMS]
    return kept, [seen.get(s, s) for s in kept]


_CONFLICT_CUE = re.compile(
    r"\b(?:differ\w*|disagree\w*|conflict\w*|contradict\w*|inconsisten\w*|don'?t match|do not match"
    r"|two (?:numbers|figures|dates|amounts|answers)|different (?:numbers|figures|dates|amounts|answers))\b"
    # one source set against another: "the directory gives one figure but the report talks about ..."
    r"|\b(?:directory|report|guidance|document|page|website|article)\b[^.?!]{0,60}\bbut\b[^.?!]{0,80}"
    r"\b(?:directory|report|guidance|document|page|website|article|other one)\b",
    re.I,
)
_ALTERNATIVES = re.compile(r"\b(?:or|both|either|versus|vs)\b", re.I)
# "what is X?", "what's the X model", "what does X involve / mean?", "what is meant by X?" (X short)
_DEFINITION = re.compile(
    r"^\s*(?:so\s+|and\s+)?(?:what(?:'s|’s| is| are)\s+(?:meant by\s+)?(?:a |an |the )?"
    r"(?!(?:it|this|that|there|they|you|we|i)\b)(?:[\w'’&-]+\s*){1,6}"
    r"|what does\s+(?:a |an |the )?(?:[\w'’&-]+\s+){1,6}(?:involve|mean|do))\s*\??\s*$",
    re.I,
)
# "can a housing association lead a bid", "are universities eligible", "could we apply on our own"
_MAY_APPLY = re.compile(
    r"\b(?:can|could|may|might|are|is|am|would)\s+(?:(?:a|an|the|our|we|i|my|your|they)\s+)?"
    r"(?:[\w'’-]+\s+){0,4}?(?:apply|bid|lead (?:a|the) bid|put in a bid|submit a bid|be eligible|eligible"
    r"|allowed to (?:apply|bid|lead))\b",
    re.I,
)
_SLOPPY = re.compile(r"\b(what|when|where|who|how|that|there)s\b", re.I)


# a term the documents must use if they answer: a capitalised word not opening a sentence, an
# acronym, a year ("Wales", "MTM", "2019")
_TERM = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+|[A-Z]{2,}|\d{4})\b")


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


_PLACE_ASK = re.compile(r"\bwhere\b|\b(?:venue|location)s?\b", re.I)


def analyse(question: str, query: str | None = None) -> QuestionAnalysis:
    """Read ``question`` (and its stand-alone ``query`` when it is a follow-up) once."""
    q = _tidy(query or question)
    clause = ask_clause(q)
    focus, focus_words = _focus(clause)
    a = QuestionAnalysis(question=question, query=q, intent="fact", focus=focus, focus_words=focus_words)
    a.clause = clause
    # a month or a weekday is when, not who: "launched in October" names no subject
    a.names = [
        m.group(1)
        for m in _NAMED.finditer(clause.strip())
        if m.group(1).lower() not in _ASKING and not _CALENDAR.fullmatch(m.group(1))
    ]
    a.terms = [m.group(1) for m in _TERM.finditer(clause.strip())]
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
    a.who_may_apply = bool(_MAY_APPLY.search(clause)) and not re.match(
        r"\s*(?:when|how|where|why)\b", clause, re.I
    )
    a.criteria = bool(_CRITERIA.search(q))
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
    yes_no_form = bool(_YESNO.match(q) or _YESNO.match(clause) or _YESNO_LATE.search(q))
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
    if a.intent == "yesno" and a.applicant and not a.names and not _LIST_ASK.search(q):
        # "would a project helping care leavers be the kind of thing they fund?" asks what the
        # guidance invites, not which recorded projects share a theme: the prose answers it
        a.directory = None
    return a
