"""Structure a reader sees: events listed under dates, a document named by its kind's head noun,
"when and where" asking for both, and an acronym the documents only ever spell out.

An invented markdown timeline and a plain-text report are indexed once; the questions are our own,
each intent in several phrasings (terse, colloquial, misspelt).
"""

from __future__ import annotations

import pytest
from support import index_invented

from assistant.acronyms import implied_long_form
from assistant.analysis import analyse
from assistant.api import Assistant
from assistant.units import named_document
from ingest.config import load_settings

TIMELINE = """# HOW THE HARBOUR FUND UNFOLDED

**OCTOBER 2019**

**PUBLICATION**

Mid-point review of the harbour pilots

**MAY 2019**

**LEARNING EVENT**

Regional harbour symposium

**MAY 2019**

**PUBLICATION**

Toolkit for harbour mentors

**MARCH 2018**

**LEARNING EVENT**

Regional harbour symposium

**JANUARY 2018**

**PUBLICATION**

Independent evaluations begin for the first harbour pilots
"""

REPORT = (
    "Harbour fund learning report\n\n"
    "Partners\n\n"
    "The Coastal Youth Trust works with the Centre for Maritime Learning and Skills to train mentors "
    "for young people leaving care. The partnership has trained 40 mentors so far.\n\n"
    "Events\n\n"
    "The harbour symposium brought together mentors from every pilot to share what they had learned "
    "about keeping young people engaged.\n\n"
    "Applicants should hold in their diary the 12th June 2019 in Plymouth for a workshop to develop "
    "their mentoring plans.\n\n"
    "A mentoring workshop was first offered to pilots in 2018, and mentors found it useful.\n"
)

MANIFEST = """[[document]]
id = "timeline"
file = "timeline.md"
title = "Harbour fund journey"
publisher = "Test"
date = "2020-01"
kind = "directory"

[[document]]
id = "report"
file = "report.txt"
title = "Harbour fund learning report"
publisher = "Test"
date = "2019-11"
kind = "learning report"
"""


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    files = {"timeline.md": TIMELINE, "report.txt": REPORT}
    settings = index_invented(tmp_path_factory.mktemp("dated"), files, MANIFEST)
    return Assistant(settings)


def test_each_event_is_a_unit_headed_by_its_date(harbour: Assistant) -> None:
    snap = harbour.snapshot()
    events = {c.text.split("\n\n")[-1]: c for c in snap.chunks if c.block == "timeline"}
    toolkit = events["Toolkit for harbour mentors"]
    assert toolkit.section.endswith("> May 2019") and toolkit.entry_date() == "May 2019"
    # the same event name under two dates is two events (a repeated short line is content here)
    symposia = [c for c in snap.chunks if c.block == "timeline" and "symposium" in c.text]
    assert sorted(c.entry_date() for c in symposia) == ["March 2018", "May 2019"]
    # the labels head the entry; they are never sentences to quote
    row = snap.row_of[toolkit.chunk_id]
    said = [snap.texts[toolkit.doc_id][a:b] for _r, a, b in snap.sent_spans[snap.sentences_of[row]]]
    assert said == ["Toolkit for harbour mentors"]


@pytest.mark.parametrize(
    "question",
    [
        "When did the independent evaluations of the first harbour pilots begin?",
        "when did evaluations start for the harbour pilots",
        "harbour pilot evaluations - start date?",
        "wen did the evaluations of the harbor pilots kick off",
    ],
)
def test_an_event_under_a_date_answers_when(harbour: Assistant, question: str) -> None:
    answer = harbour.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith("January 2018: Independent evaluations begin"), answer.answer
    cited = answer.citations[0]
    assert cited.text == "Independent evaluations begin for the first harbour pilots"  # verbatim
    assert cited.section.endswith("January 2018")


@pytest.mark.parametrize(
    "question",
    [
        "When was the regional harbour symposium held in 2019?",
        "when was the 2019 harbour symposium",
    ],
)
def test_the_occurrence_in_the_asked_year(harbour: Assistant, question: str) -> None:
    answer = harbour.ask(question)
    assert not answer.abstained, answer.answer
    assert "May 2019" in answer.answer.split("\n\n")[0], answer.answer
    assert "March 2018" not in answer.answer.split("\n\n")[0], answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "When and where does the mentoring plan workshop take place?",
        "where and when is the mentoring workshop",
        "whats the date and venue for the mentoring plan workshop?",
    ],
)
def test_when_and_where_wants_the_sentence_with_both(harbour: Assistant, question: str) -> None:
    assert analyse(question).also_place
    answer = harbour.ask(question)
    assert not answer.abstained, answer.answer
    assert "Plymouth" in answer.answer.split("\n\n")[0], answer.answer


def test_the_place_too_bonus_is_read_from_its_variable(
    harbour: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """answer.place_too_bonus (CSC_PLACE_TOO_BONUS) is what makes the sentence with the place lead."""
    question = "where and when is the mentoring workshop"
    monkeypatch.setenv("CSC_PLACE_TOO_BONUS", "0")
    settings = load_settings(data_dir=harbour.settings.data_dir, corpus_dir=harbour.settings.corpus_dir)
    without = Assistant(settings, llm="none").ask(question)
    assert "Plymouth" not in without.answer.split("\n\n")[0], without.answer
    assert "Plymouth" in harbour.ask(question).answer.split("\n\n")[0]


def test_a_date_question_alone_does_not_ask_for_a_place() -> None:
    assert not analyse("When is the workshop on mentoring plans?").also_place
    assert not analyse("Where do the mentors work?").also_place  # a place, not a date, is asked


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("what does the learning report say about mentors?", "report"),
        ("In the harbour report, how many mentors were trained?", "report"),
        ("when was the learning event on mentoring?", None),  # "learning" alone names no report
        ("what was learned at the symposium?", None),
    ],
)
def test_a_document_is_named_by_its_kinds_head_noun(
    harbour: Assistant, question: str, named: str | None
) -> None:
    assert named_document(harbour.snapshot(), question) == named


@pytest.mark.parametrize(
    "question",
    [
        "What does the CMLS do with the Coastal Youth Trust?",
        "who does CMLS work with",
        "CMLS - what's their role?",
    ],
)
def test_an_acronym_the_documents_only_spell_out_is_known(harbour: Assistant, question: str) -> None:
    answer = harbour.ask(question)
    assert not answer.abstained, answer.answer
    assert "Centre for Maritime Learning and Skills" in answer.answer


def test_only_an_acronym_the_documents_spell_out_is_read_as_their_words(harbour: Assistant) -> None:
    snap = harbour.snapshot()
    assert implied_long_form(snap, "CMLS") == "Centre for Maritime Learning and Skills"
    assert implied_long_form(snap, "CYT") == "Coastal Youth Trust"
    assert implied_long_form(snap, "QZRT") == ""  # no run of capitalised words has these initials
    assert implied_long_form(snap, "cmls") == ""  # a lower-case word is a word, not an acronym
