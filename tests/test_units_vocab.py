"""Sentences read in their paragraph, results told from aims, and the asker's words in the documents'.

A small invented learning report (two case studies) is indexed once for the module; the questions
are our own, each intent in several phrasings.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from support import index_invented, sentence_starting

from assistant.analysis import analyse
from assistant.api import Assistant
from assistant.text import result_strength
from assistant.units import named_document, paragraph, paragraph_text, subject_context
from assistant.vocab import normalise
from ingest.config import AnswerSettings, ReadingSettings, SpellingSettings
from ingest.models import DocumentInfo

# the settings' groups as they are by default (no CSC_* variable is set in tests)
READING, SPELLING = ReadingSettings(), SpellingSettings()

REPORT = (
    "\n\n".join(
        [
            "Learning from two projects",
            "This report draws on the evaluation of two projects and on interviews with their staff.",
            "Case study: Harbour Lane Trust 'Open Door' for teenagers",
            (
                "Harbour Lane Trust runs Open Door, a drop-in hub where teenagers on the edge of care can "
                "meet a key worker without an appointment. The hub opens every evening and at weekends."
            ),
            (
                "Harbour Lane Trust aims to reduce the number of teenagers entering care from 120 to 80 "
                "by 2019. This would represent savings of more than £2 million."
            ),
            (
                "It has seen more families asking for help early. The impact of these changes has been a "
                "fall in emergency placements from 40 to 22 in the first year, with 15 young people "
                "returned home."
            ),
            "Lessons from implementation",
            (
                "Recruitment has been the hardest part: the hub needed youth workers willing to work "
                "evenings. The trust found that sharing staff with the local college was key to covering "
                "the late shifts."
            ),
            "Case study: Millbrook Council 'Kinship First'",
            (
                "Millbrook Council supports grandparents and other relatives who take on the care of a "
                "child. Kinship carers get a named adviser and a small monthly allowance."
            ),
            (
                "An evaluation of the pilot revealed that 71% of placements were still stable after a "
                "year, compared with 55% before the project."
            ),
            (
                "Millbrook learned that carers valued the named adviser more than the allowance. Its "
                "advisers now hold regular drop-in sessions for carers."
            ),
        ]
    )
    + "\n"
)

GUIDANCE = (
    "\n\n".join(
        [
            "Applying to the fund",
            "This guidance explains who may apply and how.",
            "Questions and Answers",
            "Who decides?",
            "Ministers decide.",
            "Who can apply?",
            "Voluntary organisations, local authorities and private providers can all apply.",
            "My idea is about prevention before a family needs a social worker. Can that be funded?",
            (
                "The fund supports work with children who already receive social care. It is not intended "
                "to pay for prevention projects."
            ),
            "When must expressions of interest arrive?",
            "Expressions of interest must reach us by Friday 6 May 2016 at 3pm.",
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "guide"
file = "guide.txt"
title = "Applying to the fund"
publisher = "Test"
date = "2016-04"
kind = "guidance"

[[document]]
id = "learning"
file = "learning.txt"
title = "Learning from two projects"
publisher = "Test"
date = "2016-05"
kind = "learning report"
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(
        tmp_path_factory.mktemp("units"), {"learning.txt": REPORT, "guide.txt": GUIDANCE}, MANIFEST
    )
    return Assistant(settings)


def test_paragraph_holds_its_sentences_and_stops_at_a_blank_line(small: Assistant) -> None:
    snap = small.snapshot()
    idx = sentence_starting(small, "The impact of these changes")
    first, last = paragraph(snap, idx, READING)
    assert paragraph_text(snap, idx, READING).startswith("It has seen more families")
    assert paragraph_text(snap, idx, READING).endswith("returned home.")
    assert first == sentence_starting(small, "It has seen more families")
    assert last == idx  # the next paragraph starts after a blank line


def test_a_sentence_is_about_the_project_its_case_study_names(small: Assistant) -> None:
    snap = small.snapshot()
    context = subject_context(snap, sentence_starting(small, "The impact of these changes"), READING)
    assert "Harbour Lane Trust" in context  # from the case-study heading, not the sentence
    other = subject_context(snap, sentence_starting(small, "An evaluation of the pilot"), READING)
    assert "Millbrook" in other and "Harbour" not in other


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("An evaluation revealed that 64% of young people stayed at home.", 3),
        ("The impact has been a fall in placements from 30 to 18.", 3),
        ("It has seen more families asking for help early.", 2),
        ("The council aims to reduce placements from 300 to 200 by 2019.", 1),
        ("This would represent savings of more than £3 million.", 1),
        ("The hub opens every evening.", 0),
        # "reports" the noun is no result; the verb is
        ("Final evaluation reports for six pilots in the first wave", 0),
        ("Reports on all the hubs are due in 2018.", 0),
        ("The hub also reports fewer missed appointments.", 2),
        ("The trust reports that 40 carers stayed on.", 2),
    ],
)
def test_result_strength_tells_achieved_results_from_aims(sentence: str, strength: int) -> None:
    assert result_strength(sentence) == strength


@pytest.mark.parametrize(
    "question",
    [
        "What has Open Door at Harbour Lane achieved?",
        "harbour lane open door - results so far?",
        "wat impact has the harbour lane trusts hub had for teenagers",
        "I'm writing a briefing on drop-in hubs for teenagers. What impact has the Open Door project run by "
        "Harbour Lane Trust had so far, in numbers if possible?",
    ],
)
def test_a_results_question_leads_with_the_achieved_result_not_the_aim(
    small: Assistant, question: str
) -> None:
    ans = small.ask(question)
    assert not ans.abstained, ans.answer
    first = ans.answer.split("[1]")[0]
    assert "40 to 22" in first, ans.answer  # the result, though a sentence above states a target
    assert not first.startswith("Harbour Lane Trust aims"), ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "What did Millbrook learn from Kinship First?",
        "millbrook kinship first - lessons?",
        "what lessons has millbrook councl learnt about supporting kinship carers",
    ],
)
def test_a_lessons_question_leads_with_the_stated_lesson(small: Assistant, question: str) -> None:
    ans = small.ask(question)
    assert not ans.abstained, ans.answer
    assert ans.answer.startswith("Millbrook learned that carers valued"), ans.answer


def test_the_rest_of_a_case_study_is_read_for_a_named_project(small: Assistant) -> None:
    # the lesson sits under a sub-heading that names no project and shares no words with the question
    ans = small.ask("What helped Harbour Lane Trust cover the late shifts at Open Door?")
    assert not ans.abstained, ans.answer
    assert "local college" in ans.answer.split("\n\n")[0], ans.answer


@pytest.mark.parametrize(
    ("question", "changed"),
    [
        ("wat shud teenagers do at the hub", {"wat": "what", "shud": "should"}),
        ("how many kids were returned home", {"kids": "children"}),
        ("how many councils run kinship projects", {"councils": "local authorities"}),
        ("what did the evaluaton reveal", {"evaluaton": "evaluation"}),
        ("what did the evalution reveal", {"evalution": "evaluation"}),
        ("what does the VfM test ask", {"VfM": "value for money"}),
        ("wich hub did the teenagers use", {"wich": "which"}),
        ("is resi care part of the hub", {"resi": "residential"}),
        ("what did the dept say about CP plans", {"dept": "department", "CP": "child protection"}),
        ("we cant find the hub, isnt it open?", {"cant": "can't", "isnt": "isn't"}),
        ("could the hub run for 3 yrs?", {"yrs": "years"}),
        ("is it 6 mths or a yr at the hub", {"mths": "months", "yr": "year"}),
        ("how many wks does the hub stay open", {"wks": "weeks"}),
    ],
)
def test_the_askers_words_are_put_in_the_documents_words(
    small: Assistant, question: str, changed: dict
) -> None:
    fixed, changes = normalise(small.snapshot(), question, SPELLING)
    assert changes == changed
    for new in changed.values():
        assert new in fixed


@pytest.mark.parametrize(
    "question",
    [
        "Which projects are in Wales?",  # a name the documents lack is news, not a slip
        "Quote the Q&A on allowances",  # "Q&A" stays whole
        "What did the DfE say?",  # an acronym
        "Is the score published?",  # not one slip from a document word with the same first letter
    ],
)
def test_names_acronyms_and_real_words_are_left_alone(small: Assistant, question: str) -> None:
    fixed, changes = normalise(small.snapshot(), question, SPELLING)
    assert fixed == question and changes == {}


def test_corrections_are_shown_in_the_analysis(small: Assistant) -> None:
    ans = small.ask("what did the evaluaton at millbrook reveal")
    assert ans.analysis["corrections"] == {"evaluaton": "evaluation"}


@pytest.mark.parametrize(
    "question",
    [
        "What did the project learn about recruiting?",
        "any lessons from the hub about staffing?",
        "what helped them get round the late-shift problem",
        "What were the main barriers to setting it up?",
    ],
)
def test_lesson_questions_are_read_as_asking_for_a_lesson(question: str) -> None:
    assert analyse(question, question).answer_type == "lesson"


def test_a_month_is_a_time_not_a_subject() -> None:
    q = "How many applications came in during October 2013?"
    assert analyse(q, q).names == []
    q = "What did the Spring Consortium publish?"
    assert analyse(q, q).names == ["Spring Consortium"]


def test_module_corpus_is_the_invented_one(small: Assistant) -> None:
    assert Path(small.settings.corpus_dir).joinpath("learning.txt").exists()


@pytest.mark.parametrize(
    "question",
    [
        "early help for families before any social worker is involved - fundable?",
        "could we get money for a prevenshun project that helps families early on",
        "Our charity wants to work with families well before social care gets involved. Would the fund "
        "pay for that kind of early help?",
    ],
)
def test_an_applicant_question_is_answered_under_the_guidance_question_it_repeats(
    small: Assistant, question: str
) -> None:
    ans = small.ask(question)
    assert ans.analysis["applicant"], ans.analysis
    assert not ans.abstained, ans.answer
    assert ans.citations[0].doc_id == "guide", ans.answer
    assert "not intended" in ans.answer.split("[1]")[0], ans.answer


@pytest.mark.parametrize(
    ("question", "applicant"),
    [
        ("Could a charity apply?", True),
        ("r we eligible if we're a housing association", True),
        ("When is the deadline for expressions of interest?", True),
        ("What did Millbrook learn?", False),
        ("How many placements were stable after a year?", False),
    ],
)
def test_applicant_questions_are_recognised(question: str, applicant: bool) -> None:
    assert analyse(question, question).applicant is applicant


@pytest.mark.parametrize(
    ("question", "doc"),
    [
        ("In the guidance, what is said on prevention projects?", "guide"),
        ("in the 2016 guide, who can apply?", "guide"),
        ("What did the learning report find at Millbrook?", "learning"),
        ("wat does the report say about recruitment", "learning"),
        ("What did Millbrook learn?", None),  # no document named
        ("Could a charity apply?", None),
        # by its year and two words of its title that no other title has
        ("what does 'Applying to the fund' (2016) say about prevention?", "guide"),
        ("how do i apply to the fund", None),  # no year: an ordinary question
        ("what did the fund do in 2016", None),  # one title word is not a title
    ],
)
def test_a_document_is_named_by_what_it_is(small: Assistant, question: str, doc: str | None) -> None:
    fixed, _changes = normalise(small.snapshot(), question, SPELLING)
    assert named_document(small.snapshot(), fixed) == doc


def test_a_question_about_a_named_document_is_answered_from_it(small: Assistant) -> None:
    ans = small.ask("What is the guidance's position on projects that help families early?")
    assert not ans.abstained, ans.answer
    assert {c.doc_id for c in ans.citations} == {"guide"}, ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "Could a charity apply?",
        "idea borrowed from another sector - can we still apply?",
        "We run a youth club. Would an organisation like ours be eligible?",
        "not a council, just a small trust: are we allowed to bid?",
    ],
)
def test_yes_no_asks_are_recognised_after_a_preamble_or_fragment(question: str) -> None:
    a = analyse(question, question)
    assert a.intent == "yesno" and a.applicant, a


def test_an_applicants_yes_no_question_is_answered_from_the_rules(small: Assistant) -> None:
    ans = small.ask("We're a voluntary organisation running a youth club - could we apply?")
    assert not ans.abstained, ans.answer
    assert {c.doc_id for c in ans.citations} == {"guide"}, ans.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Do they have any other projects?", "Harbour Lane Trust"),
        ("what else does she do", "Harbour Lane Trust"),
    ],
)
def test_after_a_who_question_the_pronoun_is_whoever_the_answer_named(question: str, expected: str) -> None:
    from assistant.rewrite import rewrite

    history = [{"q": "Who runs Open Door?", "a": "Harbour Lane Trust runs Open Door, a drop-in hub."}]
    assert expected in rewrite(question, history)
    # after any other question the pronoun is still the question's subject
    other = [{"q": "What is Open Door?", "a": "Harbour Lane Trust runs Open Door, a drop-in hub."}]
    assert "Open Door" in rewrite(question, other)


def test_a_preamble_sets_no_intent_and_lends_its_name_to_a_pointing_ask() -> None:
    q = (
        "We like evidence-based programmes for carers. Which of the projects in the directory are run by "
        "Harbour Lane Trust?"
    )
    assert analyse(q, q).intent != "explain"  # "evidence" in the preamble asks for no lesson
    q = "A colleague recommended Open Door for our teenagers. Which organisation runs that project?"
    a = analyse(q, q)
    assert "Open" in a.focus_words and "Door" in a.focus_words, a.focus_words


@pytest.mark.parametrize(
    ("question", "passed"),
    [
        ("when do expressions of interest have to be in by?", True),
        ("How many placements were stable after a year?", False),
    ],
)
def test_a_passed_note_only_for_something_due(small: Assistant, question: str, passed: bool) -> None:
    ans = small.ask(question)
    assert not ans.abstained, ans.answer
    assert any("has passed" in n for n in ans.notes) is passed, (ans.answer, ans.notes)


def test_an_answer_does_not_run_on_into_the_next_qa_item(small: Assistant) -> None:
    ans = small.ask("who decides which bids are funded?")
    assert not ans.abstained, ans.answer
    first = ans.answer.split("\n\n")[0]
    assert "Ministers decide" in first, ans.answer
    assert "Who can apply" not in first, ans.answer  # the short answer is not padded with the next item


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("How many projects were funded in the first year?", ["project"]),
        ("how many carers got an adviser", ["carer"]),
        ("How many expressions of interest came in?", ["express", "interest"]),
        ("how many local authorities took part", ["local", "author"]),
    ],
)
def test_the_counted_noun_stops_where_the_verb_starts(question: str, noun: list[str]) -> None:
    assert analyse(question, question).count_noun == noun


def _docs(**kinds: str) -> SimpleNamespace:
    """A stand-in snapshot holding only document entries (what ``named_document`` reads)."""
    docs = {
        doc_id: DocumentInfo(doc_id, f"{doc_id}.txt", f"{doc_id.title()} notes", "Test", "2017-01", kind, "")
        for doc_id, kind in kinds.items()
    }
    return SimpleNamespace(docs=docs)


@pytest.mark.parametrize(
    ("question", "doc"),
    [
        ("what does the web page say about the deadline?", "page"),
        ("on the website, when did bids close", "page"),
        ("How did the council stop its model drifting from site to site?", None),
        ("which sites is the project running in?", None),
        ("Did the pilot keep the same staff on each site?", None),
    ],
)
def test_a_site_where_a_service_runs_is_not_the_web_page(question: str, doc: str | None) -> None:
    snap = _docs(page="web page", report="learning report")
    assert named_document(snap, question) == doc  # type: ignore[arg-type]


def test_a_near_sentence_must_name_the_asked_subject(small: Assistant) -> None:
    from assistant.abstain import _named_sentence_close

    pool = small.settings.abstention.named_sentence_pool
    snap = small.snapshot()
    about = analyse("How did Millbrook Council keep carers involved?")
    sims = snap.sent_vecs @ small.embed(about.query)  # the question's cosine with every sentence
    assert _named_sentence_close(snap, about, sims, 0.0, pool)
    assert not _named_sentence_close(snap, about, sims, 1.01, pool)  # none is that close
    elsewhere = analyse("How did Riverton Council keep carers involved?")  # a council no document names
    far = snap.sent_vecs @ small.embed(elsewhere.query)
    assert not _named_sentence_close(snap, elsewhere, far, 0.0, pool)
    # a sentence that only follows one naming the subject still counts ("Its advisers now hold ...")
    its = analyse("Do the Millbrook advisers hold drop-in sessions?")
    own = snap.sent_vecs @ small.embed("Its advisers now hold regular drop-in sessions for carers.")
    assert _named_sentence_close(snap, its, own, 0.95, pool)


@pytest.mark.parametrize(
    "question",
    [
        "What does the learning report say about kinship carers?",
        "in the report, what do kinship carers value most",
        "wat did the learning report find about kinship carers",
    ],
)
def test_the_words_naming_the_document_do_not_score_its_sentences(small: Assistant, question: str) -> None:
    from assistant.reading import what_to_read
    from assistant.retrieve import hybrid_search

    snap = small.snapshot()
    fixed, _ = normalise(snap, question, SPELLING)
    a = analyse(fixed, fixed)
    qvec = small.embed(fixed)
    passages = hybrid_search(snap, fixed, qvec, 8, small.settings.retrieval)
    reading = what_to_read(snap, a, passages, qvec, small.embed, "guidance", READING)
    assert reading.query is not None and reading.qvec is not None
    assert "report" not in reading.query.lower() and "kinship" in reading.query.lower()
    # every sentence read is from the named document, so its name says nothing about which answers
    assert {p.chunk.doc_id for p in reading.passages} == {"learning"}


@pytest.mark.parametrize(
    ("question", "meant"),
    [
        ("could our early help service for families get funded?", True),  # its subject in other words
        ("Can a service that stops problems before a social worker is needed be funded?", True),
        ("we're a charity wanting a joint venture with three councils - could that get funded?", False),
        ("Could we get funding to commission places for disabled teenagers?", False),
        ("Could our idea for a new case recording IT system be funded?", False),
    ],
)
def test_a_question_heading_is_the_askers_only_when_it_is_about_the_same_thing(
    small: Assistant, question: str, meant: bool
) -> None:
    from assistant.units import with_question_heading

    snap = small.snapshot()
    qvec = small.embed(question)
    _passages, row = with_question_heading(snap, [], qvec, small.embed, READING, question)
    prevention = row is not None and "prevention projects" in snap.chunks[row].text
    assert prevention is meant


@pytest.mark.parametrize(
    ("question", "fixed"),
    [
        ("What did Millbrok learn about carers?", "Millbrook"),
        ("what does Milbrook Council offer kinship carers", "Millbrook Council"),
        ("is the Harbuor Lane Trust hub open at weekends", "Harbour"),
    ],
)
def test_a_misspelt_name_is_read_as_the_name_the_documents_use(
    small: Assistant, question: str, fixed: str
) -> None:
    out, changes = normalise(small.snapshot(), question, SPELLING)
    assert fixed in out, (out, changes)


@pytest.mark.parametrize("question", ["Are any pilots in Wales?", "What did Milton Keynes do?"])
def test_a_name_the_documents_never_use_is_left_as_typed(small: Assistant, question: str) -> None:
    out, changes = normalise(small.snapshot(), question, SPELLING)
    assert out == question and not changes


def _vocabulary(**counts: int):
    from collections import Counter

    from assistant.vocab import Vocabulary

    by_length: dict[int, list[str]] = {}
    for word in counts:
        by_length.setdefault(len(word), []).append(word)
    return Vocabulary(SPELLING.min_word_length, counts=Counter(counts), by_length=by_length)


@pytest.mark.parametrize(
    ("typed", "meant", "counts"),
    [
        # a dropped double letter beats a same-distance substitution into a word almost as common
        ("asses", "assess", {"assess": 5, "asset": 2}),
        ("sucess", "success", {"success": 4, "sucker": 3}),
        # a short word is read only as a dropped double letter
        ("aply", "apply", {"apply": 9}),
        ("stil", "still", {"still": 3, "stir": 3}),
    ],
)
def test_a_dropped_double_letter_is_the_slip_read(typed: str, meant: str, counts: dict[str, int]) -> None:
    assert _vocabulary(**counts).correction(typed) == meant


@pytest.mark.parametrize(
    ("typed", "counts"),
    [
        ("form", {"from": 50, "farm": 3}),  # short, and not a dropped double letter: left alone
        ("cart", {"card": 4, "care": 40}),
        ("aple", {"ample": 3}),  # a slip, but not a dropped double letter
        ("bose", {"bosse": 3, "boose": 3}),  # two equally likely restorations: no clear reading
    ],
)
def test_short_words_are_not_guessed_at(typed: str, counts: dict[str, int]) -> None:
    assert _vocabulary(**counts).correction(typed) is None


@pytest.mark.parametrize(
    "question", ["does the hub honestly open at weekends", "is the hub basically open every evening?"]
)
def test_a_hedge_is_not_what_the_question_is_about(question: str) -> None:
    focus = " ".join(analyse(question, question).focus)
    assert "honest" not in focus and "basic" not in focus and "hub" in focus


def test_the_generic_word_of_many_names_is_not_a_subject() -> None:
    from assistant.subjects import proper_nouns

    text = (
        "Funding came from the Department for Education and the Department of Health. We met staff "
        "at Ashdown County, Belford County, Corran County and Dunmore County, and the Ashdown team "
        "shared notes. The work in Ashdown was reviewed on Thursday and the next review is on Thursday."
    )
    proper = proper_nouns(SimpleNamespace(texts={"d": text}), READING)
    assert "ashdown" in proper  # a place, written capitalised every time
    assert "department" not in proper  # heads names ("Department for ...")
    assert "county" not in proper  # ends the names of four places
    assert "thursday" not in proper  # a weekday is a time


@pytest.mark.parametrize(
    "question",
    [
        "social impact bonds - will the fund pay to set one up?",
        "SIB set-up costs: would they cover them?",
        "we run an evidence-based parenting programme - can we bid?",
        "Could an outcomes-based contract be funded?",
    ],
)
def test_a_field_term_with_a_result_word_asks_no_result(question: str) -> None:
    a = analyse(question, question)
    assert a.intent == "yesno" and a.answer_type is None, a.to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "is it too late to apply?",
        "can we still send in an expression of interest",
        "is it too late to send in an expression of interest?",
    ],
)
def test_whether_it_is_too_late_is_answered_by_the_deadline_and_its_date_has_passed(
    small: Assistant, question: str
) -> None:
    answer = small.ask(question)
    assert not answer.abstained
    assert answer.answer.startswith("Expressions of interest must reach us by Friday 6 May 2016"), (
        answer.answer
    )
    assert any("has passed" in note for note in answer.notes), answer.notes


@pytest.mark.parametrize(
    "question", ["who has the final say on funding?", "who makes the final call on bids"]
)
def test_who_has_the_final_say_is_answered_by_a_deciding_body(question: str) -> None:
    from assistant.typed_values import states_value

    a = analyse(question, question)
    assert a.answer_type == "person"
    assert states_value(None, a, "Final decisions rest with the Investment Board.", 3, None)  # type: ignore[arg-type]
    assert not states_value(None, a, "Funding decisions are made against the criteria.", 3, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "changed"),
    [
        ("whats the closing date for expressions of interest", {"closing date": "deadline"}),
        ("first cut-off for an EOI?", {"cut-off": "deadline"}),
    ],
)
def test_an_everyday_phrase_is_read_as_the_documents_word(question: str, changed: dict) -> None:
    snap = SimpleNamespace(texts={"d": "Expressions of interest must arrive by the deadline, 6 May."})
    fixed, changes = normalise(snap, question, SPELLING)  # type: ignore[arg-type]
    assert {k: v for k, v in changes.items() if k in changed} == changed and "deadline" in fixed


def test_a_phrase_the_documents_use_themselves_is_left_alone() -> None:
    snap = SimpleNamespace(texts={"d": "The closing date for bids is 6 May."})
    fixed, changes = normalise(snap, "what is the closing date?", SPELLING)  # type: ignore[arg-type]
    assert "closing date" in fixed and "closing date" not in changes


@pytest.mark.parametrize(
    "question",
    [
        "What slowed the hub down at the start?",
        "whats been the hardest bit for them?",
        "what went wrong early on at Millbrook",
        "Any hurdles the trust ran into?",
        "what held the Kinship First pilot up",
    ],
)
def test_what_got_in_the_way_asks_for_a_difficulty(question: str) -> None:
    a = analyse(question, question)
    assert a.intent == "explain" and a.answer_type == "obstacle", a.to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "What was the hardest part for Harbour Lane Trust's Open Door?",
        "What slowed Harbour Lane Trust down with Open Door?",
    ],
)
def test_the_difficulty_leads_from_the_case_study_of_either_name(small: Assistant, question: str) -> None:
    answer = small.ask(question)
    assert answer.answer.startswith("Recruitment has been the hardest part"), answer.answer


def test_a_county_written_short_is_the_county_the_documents_name() -> None:
    snap = SimpleNamespace(texts={"d": "Projects run in North Yorkshire, in Hertfordshire and in Leeds."})
    fixed, changes = normalise(snap, "what runs in North Yorks or in Herts?", SPELLING)  # type: ignore[arg-type]
    assert changes == {"Yorks": "Yorkshire", "Herts": "Hertfordshire"} and "North Yorkshire" in fixed
    same, none = normalise(snap, "Are there projects in Wales?", SPELLING)  # type: ignore[arg-type]
    assert same == "Are there projects in Wales?" and none == {}


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("once our bid is accepted what happens", "Successful proposals are invited to a design day."),
        ("how much cash can a council get", "Each local authority may receive funding of up to £1m."),
        ("is there training for the staff", "Training is offered to the whole workforce."),
    ],
)
def test_the_askers_word_for_the_same_thing_covers_the_question(
    small: Assistant, question: str, sentence: str
) -> None:
    from assistant.coverage import focus_coverage

    snap = small.snapshot()
    fixed, _ = normalise(snap, question, SPELLING)
    coverage = focus_coverage(snap, analyse(fixed, fixed), sentence, AnswerSettings())
    assert coverage >= 0.25  # 0 without the rule


def test_a_month_written_short_is_read_in_full() -> None:
    snap = SimpleNamespace(texts={"d": "The programme launched in October 2013."})
    question = "how many bids came in at the Oct 2013 launch?"
    fixed, changes = normalise(snap, question, SPELLING)  # type: ignore[arg-type]
    assert changes == {"Oct": "October"} and "October 2013" in fixed


def test_the_acronyms_the_documents_define_are_read_with_their_words() -> None:
    from assistant.acronyms import long_forms

    snap = SimpleNamespace(
        texts={"d": "Send your Expressions of Interest (EOIs) by May. Munro, Turnell and Murphy (MTM)"}
    )
    assert long_forms(snap) == {"eoi": "Expressions of Interest"}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "question", ["how many people has the hub trained?", "how many ppl work evenings at the hub"]
)
def test_a_count_of_people_is_answered_by_a_count_of_staff(small: Assistant, question: str) -> None:
    from assistant.typed_values import states_value

    snap = small.snapshot()
    fixed, _ = normalise(snap, question, SPELLING)
    a = analyse(fixed, fixed)
    assert a.answer_type == "count"
    assert states_value(snap, a, "The hub has trained 45 staff so far.", 3, None)


def test_a_length_limit_the_documents_never_give_is_declined_as_such(small: Assistant) -> None:
    answer = small.ask("whats the word limit for an expression of interest?")
    assert answer.abstained and "a length limit" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Did the hub actually work?",
        "has the hub made any difference for teenagers?",
        "did the hub work or not",
        "What did the hub achieve?",
        "I chair a scrutiny panel and we want to know whether the hub really worked for the young people.",
    ],
)
def test_a_results_question_is_searched_in_the_words_results_are_reported_in(
    small: Assistant, question: str
) -> None:
    # "did it work" is settled by what an evaluation showed: the search asks for that too
    ans = small.ask(question)
    assert ans.analysis["answer_type"] == "finding", ans.analysis
    assert "evaluation" in ans.query.lower() and "evaluation" not in question.lower()


@pytest.mark.parametrize(
    "question",
    ["any practical stuff the hub does for carers?", "what stuff do kinship carers get from Millbrook?"],
)
def test_a_vague_word_is_not_a_slip_for_a_document_word(small: Assistant, question: str) -> None:
    # "stuff" is one letter from "staff", a word of the documents; it stands for whatever is asked
    out, changes = normalise(small.snapshot(), question, SPELLING)
    assert "stuff" in out and "stuff" not in changes, (out, changes)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        (
            "How does the hub keep carers coming back? Any practical things they do?",
            "keep carers coming back",
        ),
        ("What did Millbrook change in its training? And did it help the carers?", "change in its training"),
        ("Did the pilot work? Any hard numbers?", "pilot work"),
    ],
)
def test_a_follow_on_fragment_joins_the_question_before_it(question: str, asks: str) -> None:
    from assistant.question_parts import ask_clause

    assert asks in ask_clause(question), ask_clause(question)
