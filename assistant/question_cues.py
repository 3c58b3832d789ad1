"""The cues of what a question wants besides a typed value: the vocabulary of its intent.

A reference to a passage ("paragraph 41", "the Q&A", "word for word"), a request to write
something new or a personal matter (no document can answer), a list or a superlative of projects
(the directory answers), a lesson, a finding, a difficulty or what was done about it (the prose
answers), a yes/no ask, whether a call is still open, who may apply, how bids are judged. Each is a
pattern over the form of English questions, never over particular questions of any evaluation set.
Split from ``assistant.analysis``, whose :func:`~assistant.analysis.analyse` reads them in order.
"""

from __future__ import annotations

import re

from assistant.text import SOURCE_NOUNS, content_stems

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
# "(is it) too soon to get in touch?": whether it is, asked without its verb
_YESNO_TIMING = re.compile(
    r"(?:^|\s[-–]\s|[,;:.]\s*)(?:is it |it's |isn't it )?(?:too|to) (?:early|late|soon) to\b[^?]*\?\s*$", re.I
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
    r"\bhow (?:did|has|have|is|was|are) (?:[\w'’-]+ ){0,15}?"
    r"(?:go|gone|going|turn(?:ed)? out|work(?:ed)? out)\b"
    # (the subject may be long, "how did delegating duties from councils to X go"; "go about" asks how
    # something was done, "go on" what happened next)
    r"(?!\s+(?:about|on)\b)"
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
    r"|addressed|solve|solved|respond|responded|cope|coped|get round|got round|overcome|work around"
    # "how did they ease fears about ...", "how have projects avoided ...": what was done about it
    r"|ease|eased|allay|allayed|reassure|reassured|avoid|avoided|prevent|prevented|mitigate|mitigated"
    r"|fix|fixed|get past|got past|get over|got over)\b"
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
    r"|pay for|allowed|permitted|register\w*|deadlines?|submit\w*|coaching"
    # "too soon to get in touch?", typed "to early to contact ...?"
    r"|too (?:early|late|soon)|to (?:early|late|soon)(?= to\b|\s*\?)"
    r"|get in touch"
    # "would DfE back something like that?", "would the programme fund a mutual?": whether the
    # programme takes such a project on is the guidance's matter, as eligibility is
    r"|(?:would|will|might) (?:[\w'’-]+ ){0,5}?(?:fund|back|finance|support)"
    r" (?:it|this|that|us|an?|the|projects?)"
    r"|(?:kind|sort|type) of (?:thing|project|idea|bid)s? (?:that )?(?:[\w'’-]+ ){0,3}?"
    r"(?:would|will|wants?|are looking|is looking|funds?|backs?)|want to hear from"
    r"|(?:something|anything) (?:that )?(?:they|you|dfe|the \w+)(?:'d| would| will| might)?"
    r" (?:fund|back|finance|support|pay for)"
    # "does a project have to be run by social workers?", "must our bid include a partner?": what a
    # project must be or do is a rule of the programme (present tense; "did projects have to ..." asks
    # what happened)
    r"|(?:do|does|will)\b[^?.!]{0,60}?\b(?:projects?|bids?|proposals?|ideas?|schemes?)\b[^?.!]{0,40}?"
    r"\b(?:have|hav|has|need|needs) to"
    r"|must (?:a|an|the|our|my|each|every|all|any)\s+(?:[\w'’-]+\s+){0,3}?(?:projects?|bids?|proposals?)"
    r"|can (?:we|i|our|an?|they)|could (?:we|i|our|an?|they)|would (?:we|our|an?|the department|the dept|dfe)"
    r"|approach (?:the|you)|are we|am i)\b",
    re.I,
)
_CRITERIA = re.compile(
    r"\b(?:criteri\w*|critera|assess(?:ed|es|ors?|ing)?|judg\w*|scor\w*|strongest|weigh\w*|selected on)\b",
    re.I,
)


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
# "can a housing association lead a bid", "are universities eligible", "could we apply on our own";
# the one leading may be named in a few words ("a youth offending team")
_MAY_APPLY = re.compile(
    r"\b(?:can|could|may|might|are|is|am|would)\s+(?:(?:a|an|the|our|we|i|my|your|they)\s+)?"
    r"(?P<who>(?:[\w'’-]+\s+){0,4}?)(?:apply|bid"
    r"|lead (?:a|an|the|any|our|its|their) (?:bid|project|application|proposal)"
    r"|put in a bid|submit a bid|be eligible|eligible"
    r"|allowed to (?:apply|bid|lead))\b",
    re.I,
)


# asks for every member of a series ("for each of the three rounds", "every round", "in batches"):
# one dated entry answers for one member only
_SERIES = re.compile(
    r"\b(?:each|every)\b(?! other)"
    r"|\ball (?:of )?(?:the )?(?:\w+ )?(?:rounds|batches|phases|stages|deadlines|waves)\b"
    r"|\bin batches\b|\bround by round\b",
    re.I,
)


_PLACE_ASK = re.compile(r"\bwhere\b|\b(?:venue|location)s?\b", re.I)


# the source a finding is asked of: "what did *the final evaluation* conclude", "the review's
# findings"; a noun after a determiner or a qualifier, so that "what did Pause report" (a verb) is not
_FINDING_SOURCE_ASK = re.compile(
    r"\b(?:the|an?|its|their|this|that|final|interim|independent|external|overall|end|formal)\s+"
    rf"(?:[\w'’-]+\s+){{0,3}}?(evaluations?|study|studies|{SOURCE_NOUNS})\b",
    re.I,
)

# asked in the past or perfect ("how did it go", "what has X achieved"): what happened, not what is
# wanted or planned ("what do they want to see on impact")
_PAST_ASK = re.compile(r"\b(?:did|didn'?t|has|hasn'?t|have|haven'?t|had|was|were|went|gone)\b", re.I)

# asking about a document itself, not what it says: "when was the report published", "who wrote it"
_ABOUT_A_DOCUMENT = re.compile(
    r"\b(?:publish\w*|released?|came out|come out|issued|dated|written|produced|put out|author\w*)\b", re.I
)
