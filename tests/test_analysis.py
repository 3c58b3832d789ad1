"""The one question analysis: each intent in several phrasings (plain, colloquial, misspelt, long).

The phrasings are our own, written for the kind of reading each intent needs; none comes from an
evaluation set. A failure here means a whole class of questions is read wrongly.
"""

from __future__ import annotations

import pytest

from assistant.analysis import analyse
from assistant.answer_types import answer_type


@pytest.mark.parametrize(
    "question",
    [
        "Give me paragraph 12 word for word",
        "para. 30 please",
        "can u quote para 7 exactly",
        "What does paragraph no. 55 of the guidance say, verbatim?",
        "I'm drafting a briefing note for my director and need the precise wording of paragraph 19 so I "
        "can quote it accurately",
        "¶ 44",
    ],
)
def test_paragraph_references_carry_their_number(question: str) -> None:
    a = analyse(question)
    assert a.intent == "reference"
    assert a.reference and a.reference["kind"] == "paragraph"
    assert a.reference["number"] in question


@pytest.mark.parametrize(
    "question",
    [
        "the Q&A about timescales",
        "What does the FAQ say about partners?",
        "show me the questions and answers item on costs",
        "q and a on whether we can bid twice",
        "Could you pull up the Q & A entry that covers match funding, I need it for a meeting",
    ],
)
def test_qa_references(question: str) -> None:
    a = analyse(question)
    assert a.intent == "reference" and a.reference == {"kind": "qa"}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did the workshops take place?", "date"),
        ("whens the closing date", "date"),
        ("What was the closing date for bids?", "date"),
        ("by what date did proposals have to be in", "date"),
        ("Which month were the results announced?", "date"),
        ("How much did the pilot in Leeds receive?", "money"),
        ("how much money was avaliable overall", "money"),
        ("What was the total budget for the scheme?", "money"),
        ("what savings do they expect to make", "money"),
        ("How many councils signed up?", "count"),
        ("number of young people supported by the hub", "count"),
        ("how many staff did they recruit in the first year?", "count"),
        ("What proportion of projects were led by charities?", "share"),
        ("what percentage of authorities took part", "share"),
        ("How long can funding last?", "duration"),
        ("Over what sort of timescale should a pilot show results?", "duration"),
        ("what time frame do they expect change over", "duration"),
        ("whats the time-scale for seeing an impact?", "duration"),
        ("Which timeframe does the department work to for measurable change?", "duration"),
        ("who launched the programme?", "person"),
        ("Who runs the helpline?", "person"),
        ("Could I get a telephone no for whoever runs the scheme?", "contact"),
        ("how do I contact the team", "contact"),
        ("How often are the sessions held?", "frequency"),
    ],
)
def test_answer_types(question: str, kind: str) -> None:
    assert answer_type(analyse(question).query) == kind
    assert analyse(question).answer_type == kind


@pytest.mark.parametrize(
    "question",
    [
        "Who can apply?",
        "who is eligible to bid",
        "Can a housing association put in a bid?",
        "is it ok for a school to apply",
        "Would a partnership of two boroughs be considered?",
    ],
)
def test_eligibility_questions_are_yes_no_not_a_name(question: str) -> None:
    a = analyse(question)
    assert a.answer_type != "person"
    assert a.intent in {"yesno", "fact"}


@pytest.mark.parametrize(
    "question",
    [
        "What did the projects learn about working with schools?",
        "what lessons came out of the pilots on staff turnover",
        "Why did some projects struggle to engage partners?",
        "what worked well for family group conferences",
        "Tell us what the report found on caseloads",
    ],
)
def test_lessons_are_explanations_and_never_directory_lists(question: str) -> None:
    a = analyse(question)
    assert a.intent == "explain"
    assert a.directory is None


@pytest.mark.parametrize(
    "question",
    [
        "I'm applying for a support worker job at my council - can you write me a cover letter?",
        "Quick one - could you draft a tweet about our mentoring scheme",
        "we have a funding panel next week – please write a speech for it",
        "Not about the programme — could you compose a poem for my team's leaving card?",
        "I run a youth club - write me a newsletter intro",
    ],
)
def test_a_writing_task_after_a_dash_is_not_for_the_documents(question: str) -> None:
    # a dash marks where a typed ask begins after its preamble
    a = analyse(question)
    assert a.intent == "not_documents" and a.not_documents, a


@pytest.mark.parametrize(
    "question",
    [
        "Round 2 - could you write out the list of projects?",
        "The Q&A - what does it say about who can apply?",
        "Pause - what did it achieve?",
    ],
)
def test_a_question_after_a_dash_is_still_a_question(question: str) -> None:
    assert analyse(question).intent != "not_documents"


@pytest.mark.parametrize(
    "question",
    [
        "write me a poem about foster carers",
        "Please compose a song about the programme",
        "can you draft a cover letter for my job application",
        "Tell me a joke about social workers",
        "make up a story about a care leaver",
        "should I marry my girlfriend?",
        "what should i eat for dinner tonight",
    ],
)
def test_writing_tasks_and_personal_matters_are_not_for_the_documents(question: str) -> None:
    a = analyse(question)
    assert a.intent == "not_documents" and a.not_documents


@pytest.mark.parametrize(
    "question",
    [
        "Tell me the story of how the programme started",
        "is there one call for bids or several?",
        "Can I call the team to discuss my idea?",
        "Write-ups of the evaluations: where are they published?",
    ],
)
def test_ordinary_questions_with_writing_words_are_still_questions(question: str) -> None:
    assert analyse(question).intent != "not_documents"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which projects in Yorkshire were funded?", "list"),
        ("list the projects working with care leavers", "list"),
        ("which award was the biggest", "superlative"),
        ("What was the largest grant given to a single project?", "superlative"),
        ("How many projects got funding in the north west?", "list"),
    ],
)
def test_directory_questions(question: str, kind: str) -> None:
    assert analyse(question).directory == kind


def test_focus_keeps_the_subject_and_drops_question_framing() -> None:
    a = analyse("When was the deadline for the Staying Close bids?")
    assert {"stay", "close"} <= set(a.focus) or {"stai", "close"} <= set(a.focus) or "close" in a.focus
    assert "when" not in a.focus
    assert "deadlin" in a.focus


def test_count_questions_name_what_is_counted() -> None:
    a = analyse("How many foster carers were recruited?")
    assert a.count_noun and a.count_noun[0].startswith("foster")


def test_analysis_serialises() -> None:
    d = analyse("how much did the hub get in 2016?").to_dict()
    assert d["answer_type"] == "money" and d["years"] == [2016] and d["intent"] == "fact"


@pytest.mark.parametrize(
    "question",
    [
        "How much of the rise in referrals is down to domestic abuse?",
        "how much of their caseload was neglect cases",
        "By age ten, how much of the demand comes from families in crisis?",
        "I'm writing a briefing and wondered: how much of the workforce had been trained by the end?",
        "how much of teh work is with adolescents?",
    ],
)
def test_how_much_of_a_whole_asks_a_share(question: str) -> None:
    assert analyse(question).answer_type == "share"


@pytest.mark.parametrize(
    "question",
    [
        "How much of the funding went to the North West?",
        "how much of the £40m was spent on evaluation",
        "How much of that went to each theme?",
        "how much of the budget is for coaching?",
        "How much of it was capital money?",
    ],
)
def test_how_much_of_an_amount_still_asks_money(question: str) -> None:
    assert analyse(question).answer_type == "money"


@pytest.mark.parametrize(
    "question",
    [
        "How is Oldham trying to raise money from other funders?",
        "how are they going to keep the service running after the grant ends",
        "How was the Brightwater pilot rolled out to the second site?",
        "how has Kirklees got schools on board?",
        "We run a similar scheme, so I'm curious: how were the Lakeside teams persuaded to change their "
        "recording practice?",
    ],
)
def test_how_questions_about_what_was_done_are_told_in_prose(question: str) -> None:
    a = analyse(question)
    assert a.intent == "explain"
    assert a.directory is None


@pytest.mark.parametrize(
    "question",
    [
        "What did the Harbour Trust do to make sure partners stayed involved?",
        "what did they do so that foster carers felt supported",
        "What have the Riverside councils done in order to cut agency spend?",
        "what did Millbrook do to keep its model the same at every site?",
        "wat did the project do to get famlies to trust them",
    ],
)
def test_what_was_done_to_achieve_something_asks_for_the_response(question: str) -> None:
    a = analyse(question)
    assert a.intent == "explain" and a.answer_type == "response"


@pytest.mark.parametrize(
    "question",
    [
        "would a project helping care leavers find a mentor be the sort of thing they want?",
        "Could a scheme that trains grandparents as carers get funded?",
        "is a project for young carers eligible??",
        "Would an app for social workers be fundable under this programme?",
        "We're a small charity running a befriending service for teenagers in care - would a bid for that "
        "be in scope?",
    ],
)
def test_an_applicants_yes_no_question_is_not_a_directory_question(question: str) -> None:
    a = analyse(question)
    assert a.intent == "yesno"
    assert a.directory is None


def test_a_polite_request_for_a_list_stays_a_directory_question() -> None:
    assert analyse("can you list the projects funded in the North East?").directory == "list"
    assert analyse("could u show me which projects were funded in Kent").directory == "list"


@pytest.mark.parametrize(
    "question",
    [
        "Did the Riverside pilot cut the number of placements?",
        "has the hub model worked?",
        "Did the trial show that caseloads fell?",
        "does family group conferencing reduce re-referrals",
        "Was the new model shown to make a difference for teenagers?",
    ],
)
def test_a_yes_no_question_about_an_outcome_asks_for_a_finding(question: str) -> None:
    a = analyse(question)
    assert a.intent in {"yesno", "explain"} and a.answer_type == "finding"


@pytest.mark.parametrize(
    "question",
    [
        "Is that the sort of work the programme is meant to fund?",  # "work" the noun
        "Is a project that improves outcomes for care leavers eligible?",  # an applicant's question
        "Did the department extend the fund to 2020?",
    ],
)
def test_other_yes_no_questions_ask_for_no_finding(question: str) -> None:
    assert analyse(question).answer_type != "finding"


@pytest.mark.parametrize(
    "question",
    [
        "What was the largest grant you could bid for in the second round?",
        "whats the biggest award a council can apply for",
        "What is the maximum amount per bid?",
        "what's the largest sum a project could get?",
    ],
)
def test_the_most_a_call_allows_is_not_a_directory_superlative(question: str) -> None:
    a = analyse(question)
    assert a.directory != "superlative"
    assert a.answer_type == "money"


@pytest.mark.parametrize(
    "question",
    ["Which project got the largest award?", "biggest grant in the directory?", "smallest award in Kent"],
)
def test_the_largest_award_recorded_is_a_directory_superlative(question: str) -> None:
    a = analyse(question)
    assert a.directory == "superlative" and a.answer_type == "money"


@pytest.mark.parametrize(
    "question",
    [
        "how do i become a foster carer?",
        "How can I register as an adopter?",
        "how could i train as a social worker",
        "How do we become kinship carers for my niece?",
        "how would i sign up as a childminder in Leeds",
    ],
)
def test_taking_on_a_caring_role_yourself_is_a_personal_matter(question: str) -> None:
    a = analyse(question)
    assert a.intent == "not_documents" and a.not_documents.startswith("a personal matter")


@pytest.mark.parametrize(
    "question",
    ["How can we become a Partner in Practice?", "How did the hub recruit foster carers?"],
)
def test_joining_the_programme_or_how_projects_recruited_are_questions_about_it(question: str) -> None:
    assert analyse(question).intent != "not_documents"


@pytest.mark.parametrize(
    "question",
    [
        "is it too late to apply?",
        "r applications still open",
        "Has the funding round closed?",
        "can we still send in an expression of interest?",
        "We only just found out about the fund. Can we still bid?",
        "are bids still being accepted for the programme",
    ],
)
def test_whether_a_call_is_still_open_asks_for_its_deadline(question: str) -> None:
    a = analyse(question, question)
    assert a.answer_type == "deadline" and a.still_open, a.to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "our idea comes from the health sector - can we still apply?",  # "even so", not timing
        "We are a charity. Can we still apply?",
        "can I still get coaching once our EOI is in?",
        "is the programme still running projects in London?",
    ],
)
def test_still_after_a_condition_is_not_about_timing(question: str) -> None:
    assert not analyse(question, question).still_open


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("how many councils set up a children's trust?", ["council"]),
        ("How many local authorities used the model?", ["local", "author"]),
        ("how many charities ran a pilot", ["chariti"]),
    ],
)
def test_the_counted_noun_stops_at_the_verb_that_follows_it(question: str, noun: list[str]) -> None:
    assert analyse(question, question).count_noun == noun


@pytest.mark.parametrize(
    "question",
    [
        "When councils copied a model from the US, what made it stick?",
        "if a pilot stalls in its first year, how do projects get it going again?",
        "Once the funding stopped, did any of the hubs keep running?",
    ],
)
def test_a_scene_setting_clause_is_not_the_ask(question: str) -> None:
    a = analyse(question, question)
    assert a.answer_type != "date" and not a.clause.lower().startswith(("when", "if", "once")), a.to_dict()


@pytest.mark.parametrize(
    "question",
    [
        "Has the hub made any real dent in the number of teenagers in care?",
        "did the number of emergency placements actually come down?",
        "Have the numbers of children looked after fallen since the pilot?",
    ],
)
def test_whether_a_number_changed_asks_for_a_result_not_a_count(question: str) -> None:
    a = analyse(question, question)
    assert a.intent == "yesno" and a.answer_type == "finding", a.to_dict()


def test_how_many_is_still_a_count_in_a_yes_no_form() -> None:
    assert analyse("is it known how many families used the hub?").answer_type == "count"


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("I missed the online briefing. When was it?", "briefing"),
        ("We never got the application pack for this round. Where can we find it?", "pack"),
        ("Our team keeps hearing about the design day. When is it held?", "design"),
    ],
)
def test_it_in_the_ask_points_at_what_the_preamble_talks_about(question: str, word: str) -> None:
    assert any(f.startswith(word[:5]) for f in analyse(question, question).focus)


@pytest.mark.parametrize(
    "question",
    [
        "Did the hub actually work? Any figures?",
        "has the kinship pilot made things better for the children",
        "How did the new contract arrangement go in the end?",
        "how has the trust's first year turned out?",
    ],
)
def test_whether_it_worked_and_how_it_went_ask_for_a_result(question: str) -> None:
    assert analyse(question, question).answer_type == "finding", analyse(question, question).to_dict()


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("whats the word limit on the application form?", "word"),
        ("is there a page limit for the full bid", "page"),
        ("How long can our expression of interest be?", None),
        ("max character count for the summary box?", "character"),
    ],
)
def test_a_length_limit_asks_for_a_count_of_words_or_pages(question: str, unit: str | None) -> None:
    a = analyse(question, question)
    assert a.answer_type == "count", a.to_dict()
    assert a.count_noun == ([unit] if unit else ["word", "page"])


def test_how_long_a_project_can_be_funded_is_a_duration_not_a_length() -> None:
    assert analyse("How long can a project be funded for?").answer_type == "duration"


@pytest.mark.parametrize(
    "question",
    [
        "How big is the overall pot for the mentoring fund?",
        "how large were the grants for the pilots",
        "How big was each award in the second wave?",
        "how big is the funding pot for care leavers projects",
        "Roughly, how large is the total budget for the new scheme?",
    ],
)
def test_the_size_of_a_sum_asks_money(question: str) -> None:
    a = analyse(question)
    assert a.answer_type == "money", a
    assert not {"big", "larg"} & set(a.focus)  # "how big" says what kind of value, not its subject


@pytest.mark.parametrize(
    "question",
    [
        "How much did the mentoring pilot get? I keep seeing different amounts quoted.",
        "what did the fostering scheme cost, the figures quoted online vary",
        "When did the pilots start? Two dates get quoted.",
        "Which councils ran the pilots - the numbers quoted don't add up",
        "how many carers were trained? different totals are quoted in the press",
    ],
)
def test_figures_the_asker_has_seen_quoted_are_no_request_for_wording(question: str) -> None:
    a = analyse(question)
    assert a.reference is None and not a.verbatim, a


@pytest.mark.parametrize(
    "question",
    [
        "Can I have the paragraph on mentors quoted in full?",
        "the line about volunteers, quoted exactly please",
        "give me the exact line the report uses about volunteer mentors",
        "What's the original quotation from the minister?",
        "quote me the sentence about safeguarding training",
    ],
)
def test_requests_for_the_words_are_references(question: str) -> None:
    assert analyse(question).reference is not None


@pytest.mark.parametrize(
    "question",
    [
        "What did the pilots teach people about recruiting mentors?",
        "what were the main takeaways from the first year?",
        "Key takeaway for councils from the fostering pilots?",
        "what has the programme taught DfE about scaling up",
        "any takeaways on working with schools",
    ],
)
def test_what_was_taught_asks_for_a_lesson(question: str) -> None:
    a = analyse(question)
    assert a.intent == "explain" and a.answer_type == "lesson", a


@pytest.mark.parametrize(
    ("question", "acronyms"),
    [
        ("How many EOIs came in?", ["EOI"]),
        ("what did the NSPCC and SCIE find about SCRs", ["NSPCC", "SCIE", "SCR"]),
        ("Is the DfE funding still open?", []),  # "DfE" is written in mixed case: a name, not an acronym here
        ("when is the deadline", []),
    ],
)
def test_the_asks_acronyms_are_read_once(question: str, acronyms: list[str]) -> None:
    # read by the analysis, so no later step re-parses the question for them
    assert analyse(question).acronyms == acronyms
