"""Tables read as the documents lay them out, and the words that frame a request for exact text.

A small invented guidance document holds a scoring table: a row that runs on over lines with an
empty first cell, a header repeated after a page break with the row above carrying on under it,
two rows marked "*" and the footnote that explains the star. The questions are our own.
"""

from __future__ import annotations

import pytest
from support import index_invented, sentence_starting

from assistant import table_rows
from assistant.analysis import analyse
from assistant.api import Assistant
from assistant.vocab import normalise

GUIDE = (
    "Harbourside Fund: how to bid\n\n"
    "How bids are scored\n\n"
    "12. Bids will be scored against these standards:\n\n"
    "Standard\tA strong bid will\n"
    "The idea is new\t Try something not tried before Question accepted practice\n"
    "The idea is affordable*\t Show costs that are complete and checked Name the other funders\n"
    "The idea can grow*\t Be likely to be taken up by other towns Have a plan for growth and, "
    "for expansion bids:\n"
    "\t Have a business model that pays for itself Have partners across the country\n\n"
    "Standard\tA strong bid will\n"
    "\tBe keeping faithful to the original model\n\n"
    "* For bids that expand an existing service, these standards carry more weight.\n\n"
    "Writing your bid\n\n"
    "When you write your bid you will want to think about:\n\n"
    + "".join(
        f"- The {n}. You should say clearly what the {n} covers and how it links to the other parts. "
        f"Reviewers read the {n} first when they score a bid, so keep it short and specific. "
        f"Say who in your team owns the {n}, and how often they will report on it to the board.\n"
        for n in ("problem", "outcomes", "solution", "evidence")
    )
    + "- How you will deliver it. You will need to name who does what and when. You will also want to "
    "plan for the likely risks early.\n\n"
    "Questions and Answers\n\n"
    "When will we hear?\n\n"
    "Bidders will hear by the end of June whether their bid goes forward.\n"
)

MANIFEST = """[[document]]
id = "harbour"
file = "harbour.txt"
title = "Harbourside Fund: how to bid"
publisher = "Test"
date = "2016-04"
kind = "guidance"
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = index_invented(tmp_path_factory.mktemp("tables"), {"harbour.txt": GUIDE}, MANIFEST)
    return Assistant(settings)


def _text(asst: Assistant, idx: int) -> str:
    snap = asst.snapshot()
    row, a, b = (int(v) for v in snap.sent_spans[idx])
    return snap.texts[snap.chunks[row].doc_id][a:b]


def test_a_row_runs_on_over_lines_with_an_empty_first_cell_and_past_a_repeated_header(
    guide: Assistant,
) -> None:
    snap = guide.snapshot()
    grow = sentence_starting(guide, "The idea can grow")
    span = [_text(guide, i) for i in table_rows.row_span(snap, grow)]
    assert span[0].startswith("The idea can grow")
    assert any(s.startswith("Have a business model") for s in span)
    assert any(s.startswith("Be keeping faithful") for s in span)  # carried on after the page break
    assert not any(s.startswith("For bids that expand") for s in span)  # the footnote is not the row's
    # the row above ends where the next row starts
    new = sentence_starting(guide, "The idea is new")
    assert [_text(guide, i) for i in table_rows.row_span(snap, new)] == [_text(guide, new)]


def test_a_star_ties_rows_and_their_footnote_both_ways(guide: Assistant) -> None:
    snap = guide.snapshot()
    footnote = sentence_starting(guide, "For bids that expand")
    affordable = sentence_starting(guide, "The idea is affordable")
    grow = sentence_starting(guide, "The idea can grow")
    reach = guide.settings.ranking.footnote_reach
    assert table_rows.starred_partners(snap, footnote, reach) == [affordable, grow]
    assert table_rows.starred_partners(snap, grow, reach) == [affordable, footnote]
    assert table_rows.starred_partners(snap, sentence_starting(guide, "The idea is new"), reach) == []


def test_rows_render_as_cells_with_the_star_and_without_the_repeated_header(guide: Assistant) -> None:
    snap = guide.snapshot()
    source = snap.texts["harbour"]
    start = source.index("The idea is affordable")
    end = source.index("carry more weight.") + len("carry more weight.")
    shown = table_rows.render(source, start, end)
    lines = shown.split("\n")
    assert lines[0].startswith("- The idea is affordable* | Show costs")
    assert lines[1].startswith("- The idea can grow* | Be likely")
    assert "Have partners across the country Be keeping faithful to the original model" in lines[1]
    assert lines[2] == "* For bids that expand an existing service, these standards carry more weight."
    assert "Standard" not in shown and "\t" not in shown


@pytest.mark.parametrize(
    "question",
    [
        "Which standards matter more if we want to expand an existing service?",
        "we're expanding a service we already run - what gets extra weight when bids are scored?",
        "For an expansion bid, which of the scoring standards carry more weight?",
    ],
)
def test_a_question_about_the_footnote_gets_the_starred_rows(guide: Assistant, question: str) -> None:
    answer = guide.ask(question)
    assert not answer.abstained
    assert "these standards carry more weight" in answer.answer
    assert "The idea is affordable*" in answer.answer and "The idea can grow*" in answer.answer
    assert "Standard | A strong bid will" not in answer.answer  # a header is not a row of the answer
    assert "The idea is new" not in answer.answer


def test_a_starred_row_comes_with_its_footnote(guide: Assistant) -> None:
    answer = guide.ask("What does a strong bid that can grow need to show?")
    assert answer.answer.startswith("The idea can grow* | Be likely to be taken up by other towns")
    assert "these standards carry more weight" in answer.answer


@pytest.mark.parametrize(
    ("question", "verbatim"),
    [
        ("Show me the scoring table exactly as written", True),
        ("What's the exact quote from the chair about growth?", True),
        ("quote me the footnote under the table", True),
        ("set out the standards as they are worded in the guidance", True),
        ("What does the guidance quote from the chair about growth?", False),
        ("when exactly will we hear back?", False),
        ("what is the actual deadline?", False),
    ],
)
def test_requests_for_exact_text_are_told_from_questions_about_content(question: str, verbatim: bool) -> None:
    assert analyse(question).verbatim is verbatim


def test_words_that_frame_the_ask_are_never_corrected_or_searched_for(guide: Assistant) -> None:
    snap = guide.snapshot()
    fixed, changes = normalise(snap, "Could you quote the footnote under the table", guide.settings.spelling)
    assert changes == {} and fixed == "Could you quote the footnote under the table"
    focus = analyse("what does the footnote under the scoring table say").focus
    assert "footnot" not in focus and "tabl" not in focus and "score" in " ".join(focus)


@pytest.mark.parametrize(
    "question",
    [
        "In the section on scoring there's a table of standards. Could you give it to me word for word?",
        "There's a table of standards for scoring bids - can I have it verbatim please?",
    ],
)
def test_what_a_bare_request_for_exact_text_means_is_read_from_the_sentence_before(question: str) -> None:
    analysis = analyse(question)
    assert analysis.verbatim
    assert "standard" in analysis.focus and "score" in " ".join(analysis.focus)


def test_a_bare_count_question_does_not_take_the_askers_context_as_its_subject() -> None:
    analysis = analyse("For my slides on the fund I need a figure. How many bids were there?")
    assert "slide" not in analysis.focus


def test_a_runner_up_naming_someone_else_is_not_put_in_front_of_a_quote() -> None:
    from assistant.candidates import Candidate
    from assistant.compose import merge_adjacent

    def cand(idx: int, text: str) -> Candidate:
        return Candidate(idx, 0, idx * 100, idx * 100 + len(text), text, 0.5, 0.5, 0.5)

    lead = [cand(2, "Harbourside trains 700 carers a year.")]
    kept = [cand(9, "Likewise, Harbourside aims to train 600 more.")]
    other = [cand(8, "In Millbay, 1,500 staff have been trained.")]
    same = [cand(8, "The training runs over two days.")]
    assert merge_adjacent([lead, kept, other]) == [lead, kept, other]  # its own quote, not merged in
    assert merge_adjacent([lead, kept, same]) == [lead, [*same, *kept]]


def test_a_list_cut_at_its_size_limit_keeps_its_last_item_whole(guide: Assistant) -> None:
    from assistant.compose import _at, _finish_line

    snap = guide.snapshot()
    first = sentence_starting(guide, "The problem.")
    # each item is four sentences ("The problem." is one); cut inside the second, as the size limit may
    cut = [_at(snap, k) for k in range(first, first + 6)]
    done = _finish_line(snap, cut)
    assert [c.text for c in done][-1].startswith("Say who in your team owns the outcomes")
    assert len(done) == 8  # completed to the end of its line, not into the next item


@pytest.mark.parametrize(
    "question",
    [
        "How will the Fund decide whether our idea is affordable?",
        "how does the Board score whether a bid is affordable",
        "Affordability - what will the Fund's reviewers look for when they score it?",
    ],
)
def test_the_row_a_criteria_question_names_leads_whoever_else_it_mentions(
    guide: Assistant, question: str
) -> None:
    # "the Fund" / "the Board" is who judges, not a subject the row must name: the row is in the
    # answer's first lines (alone, or in the whole table when the rows read alike)
    answer = guide.ask(question)
    assert not answer.abstained and "The idea is affordable" in answer.answer[:400], answer.answer
