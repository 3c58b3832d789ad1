"""Turn a follow-up ("and the second deadline?", "how many areas is it in?") into a stand-alone query.

Rule-based and visible: the rewritten query is returned with every answer so
a user can see what was actually searched.
"""

from __future__ import annotations

import re

_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|she|him|her)\b", re.I)
# the words that stand for the earlier subject; "there" ("is there a ...?") and determiners
# ("this deadline") do not, so substituting the subject for them garbles the question
_SUBJECT_PRONOUN = re.compile(r"\b(it|its|they|them|their|he|she|him|her)\b", re.I)
_PERSON_PRONOUN = re.compile(r"\b(they|them|their|he|she|him|her)\b", re.I)
_FOLLOW_START = re.compile(r"^\s*(and|also|what about|how about|so|but|then|ok(ay)?|what else)\b", re.I)
_WH = {
    "who",
    "what",
    "which",
    "when",
    "where",
    "why",
    "how",
    "is",
    "are",
    "does",
    "do",
    "can",
    "could",
    "would",
}
_ENTITY = re.compile(
    r"(?:[A-Z][\w'’&-]*|[A-Z]{2,})(?:\s+(?:(?:and|of|for|the|&|on|in|to)\s+)*(?:[A-Z][\w'’&-]*|[A-Z]{2,}))*"
)


# joining words a capitalised phrase may carry at its start once a question word is cut off
_LEADING_JOINERS = {"and", "of", "for", "the", "&", "on", "in", "to"}


# words that open a sentence, and so are capitalised, without naming anything
_OPENERS = frozenset(
    re.findall(
        r"\w+",
        "yes no not the this that these those it its they there we you our a an in on at by as so but or"
        " if when while although however also only some all most many each both",
    )
)


_YES_NO = re.compile(r"\s*(?:yes|no|possibly|probably|not)\b", re.I)


_FUNDER_THEY = re.compile(
    r"\bthey\s+(?:(?:will|would|do|did|might|may)\s+)?(?:want|need|expect|require|ask|look for|decide"
    r"|fund|pay|accept|judge|assess|choose|pick|announce|tell|let)\b",
    re.I,
)


def _entity(text: str) -> str | None:
    """The longest capitalised phrase that is not just a question word ("What's the Step Change"
    names "Step Change")."""
    found = []
    for m in _ENTITY.finditer(text):
        phrase = m.group(0)
        words = phrase.split()
        while words and re.split(r"['’]", words[0].lower())[0] in _WH:
            words = words[1:]
        while words and words[0].lower() in _LEADING_JOINERS:
            words = words[1:]
        while words and words[0].lower() in _OPENERS:
            words = words[1:]  # "Yes, Doncaster ...": an answer's opening word names nothing
        if words and not (len(words) == 1 and words[0] in {"I", "DfE"}):
            found.append(" ".join(words))
    return max(found, key=len) if found else None


# a verb makes a short question whole: "Who can apply?" asks about the programme, not the last answer
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|can|could|do|does|did|will|would|should|shall|may|might|must|has|have|had"
    r"|apply|applies|get|gets|got|run|runs|ran|fund|funds|funded|work|works|worked|mean|means)\b",
    re.I,
)


# "the partnership", "the scheme": a kind of thing named before, when the question names nothing
# itself ("the programme" is left out: in these documents it is the Innovation Programme itself)
_DEFINITE_BACK = re.compile(
    r"\bthe (project|scheme|partnership|service|model|pilot|trust|initiative|approach|consortium"
    r"|collaboration)\b",
    re.I,
)


def _points_back(question: str) -> bool:
    """A definite "the partnership" in a question that names no subject of its own."""
    return bool(_DEFINITE_BACK.search(question)) and _entity(question) is None


def is_follow_up(question: str) -> bool:
    """Whether ``question`` leans on the turn before: a connector, a pronoun, a definite "the
    project" with no name of its own, or a verbless fragment."""
    words = re.findall(r"[A-Za-z']+", question)
    short_fragment = len(words) <= 4 and not _VERB.search(question)
    return bool(
        _FOLLOW_START.match(question) or _PRONOUN.search(question) or short_fragment or _points_back(question)
    )


def _asks_itself(q: str) -> bool:
    """A follow-up that holds its own ask and subject: a question word or a verb, and no pronoun."""
    if _PRONOUN.search(q):
        return False
    words = re.findall(r"[A-Za-z']+", q)
    asks = bool(re.match(r"\s*(?:who|what|which|when|where|why|how)\b", q, re.I) or _VERB.search(q))
    any_ask = bool(re.search(r"\bany\s+\w+", q, re.I))  # "care leavers - any projects?"
    return len(words) >= 3 and (asks or any_ask)


# "Which projects in the East of England were funded?": the set asked about, up to its verb
_SET_ASKED = re.compile(
    r"^\s*(?:which|what|list(?: the)?|show(?: me)?(?: the)?)\s+((?:\w[\w'’-]*\s+){0,8}?\w+)\s+"
    r"(?:are|were|is|was|did|do|does|have|has|got|get|received|work|working|run|ran)\b",
    re.I,
)
# "which of those ...", "how many of them ...": a part of the set the last question asked about
_OF_THOSE = re.compile(r"\b(which|how many|what|any)\s+of\s+(?:those|these|them)\b", re.I)
# "the biggest one", "the largest": one of that set
_ONE_OF_SET = re.compile(
    r"\bthe\s+(biggest|largest|smallest|newest|oldest|latest|earliest)(?:\s+one)?\b", re.I
)


def _within_set(q: str, prev_q: str) -> str | None:
    """``q`` about part of the set ``prev_q`` asked for, spelt out ("which of those work with care
    leavers" after "Which projects in the East of England were funded?")."""
    m = _SET_ASKED.match(prev_q)
    if m is None:
        return None
    group = m.group(1).strip()
    rest = prev_q[m.end() :].strip(" ?")
    if re.match(r"(?:(?:based|located|running|working)\s+)?(?:in|across|within|at|from)\b", rest, re.I):
        # "Which projects are in the North West?": where they are is part of the set
        group = f"{group} {rest}"
    if _OF_THOSE.search(q):
        return _OF_THOSE.sub(lambda x: f"{x.group(1)} {group}", q, count=1)
    if _ONE_OF_SET.search(q):
        return _ONE_OF_SET.sub(lambda x: f"the {x.group(1)} of the {group}", q, count=1)
    return None


# a plural noun phrase the question names itself ("the girls", "the young people", "the children"),
# which a following "they / them / their" points back to
_OWN_PLURAL = re.compile(
    r"\bthe\s+(?:[a-z]+\s+)?(?:[a-z]+(?<!s)s|children|people|staff|women|men)\b(?!['’])", re.I
)


def _names_entity(question: str, entity: str) -> bool:
    """Whether ``question`` writes a distinctive (capitalised, not sentence-opening) word of ``entity``."""
    words = [w for w in re.findall(r"[A-Z][\w'’&-]+", entity) if w.lower() not in _OPENERS]
    return any(re.search(rf"\b{re.escape(w)}\b", question) for w in words)


def rewrite(question: str, history: list[dict] | None) -> str:
    """Stand-alone version of ``question`` given earlier turns ``[{"q", "a"}]`` (newest last)."""
    if not history or not (is_follow_up(question) or _ONE_OF_SET.search(question)):
        return question
    last = history[-1]
    prev_q = str(last.get("q", ""))
    spelt = _within_set(_FOLLOW_START.sub("", question).strip(" ,"), prev_q)
    if spelt:
        return spelt[0].upper() + spelt[1:]
    answer = str(last.get("a", ""))[:300]
    # after a yes or a no, "they" / "it" is still what the question asked about, not a name the
    # answer goes on to mention
    entity = _entity(prev_q) or (None if _YES_NO.match(answer) else _entity(answer))
    q = _FOLLOW_START.sub("", question).strip(" ,")
    if re.match(r"^\s*who\b", prev_q, re.I) and _PERSON_PRONOUN.search(q):
        # after "Who runs X?", "they" / "she" is whoever the answer named, not X
        entity = _entity(answer) or entity
    if entity and _FUNDER_THEY.search(q):
        # "when do they want the full bid?": "they" who want, expect or decide is the funder, not
        # the project or form talked about before
        entity = None
    if entity and _names_entity(q, entity):
        # "... a problem with the foster carers or with Match itself?": the question names the subject
        # itself, so its pronouns are about something else ("speak up for them": the children)
        return q[0].upper() + q[1:]
    pronoun = _SUBJECT_PRONOUN.search(q)
    if entity and pronoun and _OWN_PLURAL.search(q, 0, pronoun.start()):
        # "why keep the girls in their own area?": "their" is the girls', named just before it; the
        # earlier subject is context, not the word to put in its place
        return f"{q[0].upper() + q[1:]} ({entity})"
    if entity and pronoun:
        replaced = _SUBJECT_PRONOUN.sub(entity, q, count=1)
        return replaced[0].upper() + replaced[1:]
    if entity and _points_back(q):
        # "Who's in the partnership?" after "What is <X>?": the partnership is <X>
        named = _DEFINITE_BACK.sub(lambda m: f"the {entity} {m.group(1)}", q, count=1)
        return named[0].upper() + named[1:]
    if q and _asks_itself(q):
        # "and what about care leavers - any projects?": a question of its own on a new subject
        return q[0].upper() + q[1:]
    new_subject = _entity(q)
    if new_subject and entity and entity in prev_q and len(re.findall(r"[A-Za-z']+", q)) <= 4:
        # "what about Pause?" after "How much did Mockingbird get?": the same question of Pause
        return prev_q.replace(entity, new_subject, 1)
    core = re.sub(
        r"^\s*(who|what|which|when|where|why|how)\b[^?]*?\b(is|are|was|were|does|do|did)\b",
        "",
        prev_q,
        flags=re.I,
    )
    return f"{q} ({core.strip(' ?')})" if core.strip(" ?") else q
