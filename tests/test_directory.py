"""The directory parser against the real corpus file (and a small synthetic one for the region rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.directory import (
    CANONICAL_REGIONS,
    UNKNOWN_REGION,
    DirectoryData,
    ProjectEntry,
    parse_directory,
)
from ingest.values import format_gbp, parse_amount

SOURCE = Path(__file__).resolve().parent.parent / "corpus" / "programme-journey-and-project-directory.md"
MON = "Multiple or Nationwide"


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(text: str) -> DirectoryData:
    return parse_directory(text)


def entry(data: DirectoryData, number: int) -> ProjectEntry:
    e = data.get(number)
    assert e is not None, number
    return e


def test_every_heading_becomes_one_entry(text: str, data: DirectoryData) -> None:
    headings = re.findall(r"^### (\d+)\.", text, flags=re.M)
    assert len(data.entries) == len(headings) == 69
    assert [e.number for e in data.entries] == sorted(int(n) for n in headings)
    assert data.missing_numbers == list(range(56, 73))


def test_offsets_are_verbatim(text: str, data: DirectoryData) -> None:
    for e in data.entries:
        chunk = text[e.start : e.end]
        assert chunk.startswith(f"### {e.number}. ")
        assert chunk == chunk.strip()
        assert "\n## " not in chunk and chunk.count("### ") == 1
        assert text[e.start : e.head_end].endswith(e.awards_text or e.name + (f" ({', '.join(e.themes)})"))
        if e.complete:
            assert chunk.endswith(e.description)
            assert text[e.description_start : e.description_end] == e.description
        for a in e.awards:
            assert text[a.start : a.end] == a.raw
    first = entry(data, 1)
    assert text[first.start : first.end] == (
        "### 1. Children’s Services Transformation Programme (SWP, ADM)\n\n"
        "*Northamptonshire County Council*  \n March 2017 (£4m)\n\n"
        "Developing an alternative delivery model for children’s services, embedding Signs of Safety "
        "to ensure a ‘team around the child’ approach."
    )


def test_names_codes_and_organisations(data: DirectoryData) -> None:
    fash = entry(data, 22)
    assert fash.name == "Family and Adolescent Support Hub (FASH)"
    assert fash.themes == ["AD", "EOC/CIN"]
    assert fash.organisations == "London Borough of Enfield"
    assert entry(data, 2).themes == ["SWP", "EOC/CIN"]  # EOC/CIN stays one raw code
    assert entry(data, 25).organisations.startswith("Westminster City Council, Royal Borough of Kensington")


def test_every_award_amount_parses(text: str, data: DirectoryData) -> None:
    printed = sum(line.count("£") for line in text.splitlines() if re.match(r"^\s+[A-Z][a-z]+ \d{4}", line))
    awards = [a for e in data.entries for a in e.awards]
    assert len(awards) == printed == 75  # 68 single-award lines + 7 second awards
    for a in awards:
        assert a.amount_gbp is not None and a.amount_gbp > 0
        assert a.month is not None and a.year is not None and 2014 <= a.year <= 2018
    assert all(e.awards for e in data.entries if e.number != 55)


def test_two_awards_for_one_project(data: DirectoryData) -> None:
    fs = entry(data, 8)
    assert [(a.month, a.year, a.amount_gbp) for a in fs.awards] == [
        ("December", 2014, 4_800_000.0),
        ("May", 2017, 11_600_000.0),
    ]
    assert fs.amount_total == 16_400_000.0


def test_decimal_comma_and_units(data: DirectoryData) -> None:
    assert entry(data, 2).awards[0].amount_gbp == 1_060_000.0  # "£1,06m"
    assert entry(data, 2).awards[0].amount_text == "£1,06m"
    assert entry(data, 22).awards[0].amount_gbp == 2_065_000.0  # "£2,065m"
    assert entry(data, 20).awards[0].amount_gbp == 2_970_000.0  # "£2.97m"
    assert entry(data, 3).awards[0].amount_gbp == 771_000.0  # "£771k"
    assert entry(data, 11).awards[0].month == "September"  # "Sept"
    assert entry(data, 11).awards[0].date_text == "Sept 2018"
    assert parse_amount("1,500", "k") == 1_500_000.0  # thousands separator outside millions
    assert parse_amount("1,000", None) == 1000.0
    assert format_gbp(2_065_000.0) == "£2.065m" and format_gbp(771_000.0) == "£771k"


def test_shared_awards_are_flagged_and_never_totalled(data: DirectoryData) -> None:
    shared = [e.number for e in data.entries if e.has_shared_award]
    assert shared == [39, 44, 48, 52]
    for n in shared:
        e = entry(data, n)
        assert e.awards[0].shared and e.awards[0].amount_gbp == 4_100_000.0
        assert e.amount_total is None
        assert e.organisations == "National Implementation Service"


def test_missing_bracket_award(data: DirectoryData) -> None:
    fgm = entry(data, 49)
    assert [(a.month, a.year, a.amount_gbp) for a in fgm.awards] == [
        ("October", 2015, 2_140_000.0),
        ("July", 2017, 1_700_000.0),
    ]
    assert fgm.awards[1].raw == "July 2017 £1.7m)"
    assert "bracket" in fgm.awards[1].note


def test_cut_off_last_entry(data: DirectoryData) -> None:
    sos = entry(data, 55)
    assert sos.name == "Signs of Safety" and sos.themes == ["SWP"]
    assert not sos.complete and sos.awards == [] and sos.organisations == "" and sos.description == ""
    assert [e.number for e in data.entries if not e.complete] == [55]


def test_regions_follow_the_numbering_not_the_scrambled_headings(data: DirectoryData) -> None:
    for n in range(44, 52):
        e = entry(data, n)
        assert e.heading_region == "South West" and e.region == MON and e.region_known
        assert "continues the Multiple or Nationwide run" in e.region_note
    for n in range(52, 56):
        e = entry(data, n)
        assert e.heading_region == "West Midlands" and e.region == MON and e.region_known
    for n in (80, 81, 82):
        assert entry(data, n).region == "South West"
    expected = {
        **dict.fromkeys(range(1, 5), "East Midlands"),
        **dict.fromkeys(range(5, 13), "East of England"),
        **dict.fromkeys(range(13, 39), "Greater London"),
        **dict.fromkeys(range(39, 56), MON),
        **dict.fromkeys(range(77, 83), "South West"),
        **dict.fromkeys(range(83, 87), "West Midlands"),
    }
    assert {e.number: e.region for e in data.entries if e.region_known} == expected


def test_unknowable_regions_are_marked_unknown(data: DirectoryData) -> None:
    for n in (73, 74, 75, 76):
        e = entry(data, n)
        assert e.region == UNKNOWN_REGION and not e.region_known
        assert e.heading_region == MON
        assert e.region_candidates == [MON, "North East", "North West", "South East"]
        assert "South East" in e.region_note
    assert "56–72 are missing" in entry(data, 73).region_note


def test_known_regions_are_in_alphabetical_number_order(data: DirectoryData) -> None:
    order = [CANONICAL_REGIONS.index(e.region) for e in data.entries if e.region_known]
    assert order == sorted(order)


def test_region_rule_on_synthetic_scramble() -> None:
    text = (
        "## EAST MIDLANDS\n\n### 1. Alpha (CL)\n\n*Org A*  \n Jan 2015 (£1m)\n\nA.\n\n"
        "### 7. Gamma (CL)\n\n*Org G*  \n Jan 2015 (£1m)\n\nG.\n\n"
        "## NORTH WEST\n\n### 9. Iota (CL)\n\n*Org I*  \n Jan 2015 (£1m)\n\nI.\n\n"
        "### 2. Beta (FA)\n\n*Org B*  \n Feb 2016 (£500k)\n\nB.\n"
    )
    data = parse_directory(text)
    regions = {e.number: (e.region, e.region_known) for e in data.entries}
    assert regions[1] == ("East Midlands", True)
    assert regions[2] == ("East Midlands", True)  # under NORTH WEST, but continues 1
    assert regions[9] == ("North West", True)
    assert regions[7] == (UNKNOWN_REGION, False)  # after a gap, no heading of its own
    assert data.get(7).region_candidates == [  # type: ignore[union-attr]
        "East Midlands",
        "East of England",
        "Greater London",
        MON,
        "North East",
    ]


def test_rounds(text: str, data: DirectoryData) -> None:
    got = [(r.name, r.years, r.year_from, r.year_to, r.projects, r.funding_gbp) for r in data.rounds]
    assert got == [
        ("Round 1", "2014-16", 2014, 2016, 57, 101_000_000.0),
        ("Round 2", "2016-20", 2016, 2020, 23, 63_000_000.0),
        ("Round 3", "2017-20", 2017, 2020, 22, 29_000_000.0),
    ]
    assert data.rounds[2].focus == [
        "Residential care and Staying Close",
        "Targeted early support",
        "Alternative delivery models",
    ]
    assert text[data.rounds[0].start : data.rounds[0].end] == "**ROUND 1: 2014-16**  \n57 PROJECTS"
    r2 = data.rounds[1]
    assert text[r2.funding_start : r2.funding_end].startswith("**£63M OF TOTAL FUNDING")
    assert all(r.note == "" for r in data.rounds)


def test_events(text: str, data: DirectoryData) -> None:
    assert len(data.events) == len(re.findall(r"^\*\*[A-Z]+ \d{4}\*\*$", text, flags=re.M)) == 22
    first = data.events[0]
    assert (first.month, first.year, first.kind) == ("March", 2020, "LEARNING EVENT")
    assert first.description.startswith("Six regional learning events")
    guides = next(e for e in data.events if e.description.startswith("Quick Guides"))
    assert (guides.month, guides.year, guides.kind) == ("August", 2017, "PUBLICATION")
    assert guides.items[1:] == [
        "Whole-family approaches to tackling domestic abuse",
        "Meeting the needs of complex adolescents",
        "Implementing a system model of social work",
    ]
    assert {e.kind for e in data.events} == {"PUBLICATION", "LEARNING EVENT", "LEARNING EVENTS"}
    for ev in data.events:
        chunk = text[ev.start : ev.end]
        assert chunk.startswith(f"**{ev.month.upper()} {ev.year}**")
        assert chunk.endswith(ev.items[-1])
