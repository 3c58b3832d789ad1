"""The text toolkit's one reading of words, months, dates and money (ingest/stems.py, ingest/values.py).

Every module that compares figures (the citation check, conflict notes, "this date has passed",
the directory's awards) reads them here, so these tests pin down the forms the documents use.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant import conflicts, dates, groundcheck
from ingest.stems import content_stems
from ingest.values import (
    MONTH_NUMBER,
    date_mentions,
    format_gbp,
    full_month,
    money_in,
    month_number,
    parse_amount,
    same_amount,
)


@pytest.mark.parametrize(
    ("word", "number"),
    [("January", 1), ("sept", 9), ("Sept.", 9), ("SEP", 9), ("march", 3), ("Dec", 12), ("Mayor", None)],
)
def test_one_month_table_reads_every_spelling(word: str, number: int | None) -> None:
    assert month_number(word) == number


def test_month_table_has_twelve_months() -> None:
    assert sorted(set(MONTH_NUMBER.values())) == list(range(1, 13))
    assert full_month("oct") == "October"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a grant of £4.8m in total", 4_800_000.0),
        ("£ 771k for the pilot", 771_000.0),
        ("£1,06m (directory style: comma as decimal mark in millions)", 1_060_000.0),
        ("£1,500,000 was set aside", 1_500_000.0),
        ("up to 110 million pounds", 110_000_000.0),
        ("$2 million from a foundation", 2_000_000.0),
        ("a £2bn economy", 2_000_000_000.0),
    ],
)
def test_money_forms(text: str, value: float) -> None:
    found = money_in(text)
    assert len(found) == 1
    assert same_amount(found[0].value or 0.0, value)
    assert text[found[0].start : found[0].end].strip() == found[0].text


def test_a_bare_number_is_not_money_and_an_unscaled_amount_says_so() -> None:
    assert money_in("53 projects in 2016") == []
    (amount,) = money_in("costs of £110 a week")
    assert amount.value == 110.0 and not amount.scaled and amount.currency == "£"


def test_parse_amount_rejects_digitless_input() -> None:
    assert parse_amount(",", "m") is None
    assert format_gbp(None) == "n/a"
    assert format_gbp(parse_amount("2,065", "m")) == "£2.065m"


def test_dates_are_counted_once_with_their_parts() -> None:
    found = date_mentions("Bids close on 31 March 2016; results in May 2016, the pilot ends spring 2017.")
    assert [(d.day, d.month, d.year, d.season) for d in found] == [
        (31, 3, 2016, None),
        (None, 5, 2016, None),
        (None, 5, 2017, "spring"),
    ]


def test_month_day_order_and_missing_year() -> None:
    (d,) = date_mentions("The deadline is March 4th.")
    assert (d.day, d.month, d.year) == (4, 3, None)
    assert d.resolved(2016) == date(2016, 3, 4)
    (m,) = date_mentions("published in February 2016")
    assert m.resolved(2020) == date(2016, 2, 29)  # a month alone is its last day (2016 is a leap year)


def test_impossible_date_resolves_to_none() -> None:
    (d,) = date_mentions("on 31 February 2016")
    assert d.resolved(2016) is None


def test_citation_check_and_passed_note_read_dates_alike() -> None:
    evidence = groundcheck.facts_of("Expressions of interest close at noon on 12 April 2016.")
    assert groundcheck.figures_missing("The deadline was 12 April 2016.", evidence) == []
    assert groundcheck.figures_missing("The deadline was 13 April 2016.", evidence) == ["13 April 2016"]
    note = dates.passed_note("Applications close on 12 April 2016.", "2016-04", "Guide", date(2026, 12, 2))
    assert note is not None and note.startswith("12 April 2016:")


def test_citation_check_reads_money_as_the_directory_does() -> None:
    evidence = groundcheck.facts_of("Awarded £1,06m in January 2015.")
    assert groundcheck.figures_missing("It received £1.06m.", evidence) == []
    assert groundcheck.figures_missing("It received £2m.", evidence) == ["£2m"]


def test_conflict_figures_treat_spellings_of_one_amount_as_equal() -> None:
    assert conflicts.figures("a fund of £110 million") == conflicts.figures("a fund of £110m")
    assert not conflicts.disagree("The fund is worth £110 million.", "The fund is worth £110m.")
    assert conflicts.disagree("The fund is worth £110m.", "The fund is worth £200m.")


TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    "text",
    [
        "Expressions of interest must be submitted by 12 May 2016.",
        "The workshop will be held on 3 March 2017 in Leeds.",
        "Please hold in your diary the 9th February 2017.",
        "The webinar is on 14 April 2016 at 2pm.",
        "Applications close on 30 June 2016.",
    ],
)
def test_a_passed_deadline_or_event_gets_a_note(text: str) -> None:
    note = dates.passed_note(text, "2016-04", "Guide", TODAY)
    assert note and "has passed" in note


@pytest.mark.parametrize(
    "text",
    [
        "In March 2015 the number of looked after children reached 69,540.",
        "By March 2016, 1,200 staff had been trained across the region.",
        "The survey of 2014 found that 12% of children in care achieved five GCSEs.",
        "Published in January 2016 by the Department.",
    ],
)
def test_a_statistic_or_publication_date_gets_no_note(text: str) -> None:
    assert dates.passed_note(text, "2016-01", "Report", TODAY) is None


def test_one_date_is_noted_once_per_answer() -> None:
    seen: set = set()
    first = dates.passed_note("The webinar is on 12 April.", "2016-04", "Guide", TODAY, seen)
    again = dates.passed_note("Join the webinar on 12 April 2016.", "2016-04", "Guide", TODAY, seen)
    assert first and "12 April" in first
    assert again is None


def test_shares_of_different_things_do_not_disagree() -> None:
    a = "More than 20% of those entering care aged 13 or older have had three placements."
    b = "By age 14, abuse or neglect accounts for just 42% of entries to care."
    assert not conflicts.disagree(a, b)
    assert conflicts.disagree("Half of the pilots, 40% of projects, were led by charities.",
                              "In all, 55% of projects were led by charities.")  # fmt: skip


@pytest.mark.parametrize(
    "sentence",
    [
        "However, the council generated two lessons from this work.",
        "Likewise, the charity is taking a phased roll-out approach.",
        "For that reason we are launching one single call now.",
        "That might be about finding new ways to support young people.",
        "This approach has reduced the number of placements.",
        "These changes took longer than planned.",
        "As a result, caseloads fell.",
        "It has seen more families asking for help early.",
    ],
)
def test_a_sentence_leaning_on_the_one_before_is_dangling(sentence: str) -> None:
    from assistant.text import dangling_start

    assert dangling_start(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Harbour Lane Trust runs a drop-in hub.",
        "This year the fund doubled.",  # a time, not a pointer to the sentence before
        "The deadline is Friday 6 May.",
        "Thereafter the panel meets monthly.",
        "Howard League research shows a fall in custody.",
    ],
)
def test_a_self_contained_sentence_is_not_dangling(sentence: str) -> None:
    from assistant.text import dangling_start

    assert not dangling_start(sentence)


def test_a_sentence_cut_by_a_page_break_and_its_footnotes_is_one_sentence() -> None:
    from assistant.text import clean_for_display
    from ingest.sentences import join_broken, sentence_spans

    text = (
        "Projects such as the Riverside one are placing the\n\n"
        "³ https://example.org/footnote-three\n\n"
        "family at the heart of planning. The next sentence stands alone.\n"
    )
    first = sentence_spans(text, 0, 50)
    second = sentence_spans(text, text.index("family"), len(text))
    joined = join_broken(text, first + second)
    a, b = joined[0]
    assert text[a:b].startswith("Projects such as") and text[a:b].endswith("heart of planning.")
    assert clean_for_display(text[a:b]) == (
        "Projects such as the Riverside one are placing the family at the heart of planning."
    )
    # a new paragraph that starts a sentence of its own is not joined
    other = "The hub opens at six\n\n³ note\n\nThe team meets weekly."
    parts = sentence_spans(other, 0, 20) + sentence_spans(other, other.index("The team"), len(other))
    assert len(join_broken(other, parts)) == 2


@pytest.mark.parametrize(
    "text",
    [
        "The hub opened in 2015, its first for a decade.¹⁴ Councils now refer 400 families a year.",
        "Waiting times fell by a third.² 40% of families were seen within a week.",
        'The report calls it "a turning point."³ Since then two more hubs have opened.',
    ],
)
def test_a_footnote_mark_after_a_full_stop_ends_the_sentence(text: str) -> None:
    from ingest.sentences import sentence_spans

    spans = sentence_spans(text)
    assert len(spans) == 2, [text[a:b] for a, b in spans]
    a, b = spans[1]
    assert text[a:b][0] in "C4S", text[a:b]


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("staff", "staffing staffed"),
        ("add", "adding added"),
        ("stuff", "stuffing stuffed"),
        ("fill", "filling filled"),  # a double the stemmer keeps in both stays
        ("assess", "assessing assessed"),
    ],
)
def test_a_word_and_its_ing_and_ed_forms_share_one_stem(word: str, forms: str) -> None:
    # the stemmer undoubles the consonant it leaves after -ing / -ed but not the word's own
    assert set(content_stems(f"{word} {forms}")) == set(content_stems(word))
