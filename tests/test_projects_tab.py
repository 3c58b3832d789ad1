"""The Projects tab's pure parts: filters through the real store, rows, sorting, summary, escaping.

Expected sets are worked out from the corpus file itself (a small independent
reading of its ``## REGION`` / ``### N. Name (CODES)`` lines), not from the parser.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from support import DIRECTORY, projects_store

from ingest.directory import Award
from ingest.projects_store import ProjectRecord, ProjectStore
from ui import render_documents, render_projects
from ui.app import projects_query_args, projects_view

SOURCE = DIRECTORY


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ProjectStore:
    return projects_store(tmp_path_factory.mktemp("projects-tab"))


def headings_by_number(text: str) -> dict[int, tuple[str, list[str]]]:
    """{number: (heading it is printed under, codes)} read straight from the file's lines."""
    out: dict[int, tuple[str, list[str]]] = {}
    heading = ""
    for line in text.splitlines():
        if m := re.match(r"^## (?!#)(.+?)\s*$", line):
            heading = m.group(1)
        elif m := re.match(r"^### (\d+)\. .*\(([A-Z/, ]+)\)\s*$", line):
            out[int(m.group(1))] = (heading, [c.strip() for c in m.group(2).split(",")])
    return out


def query(store: ProjectStore, **boxes: str) -> list[int]:
    args, problems = projects_query_args(**boxes)
    assert problems == []
    return [r.number for r in store.query(**args)]


def fake(**over: object) -> ProjectRecord:
    base = ProjectRecord(
        number=99,
        name="Plain",
        themes=["CL"],
        organisations="Some Council",
        region="Greater London",
        region_known=True,
        region_note="Under the GREATER LONDON heading.",
        region_candidates=[],
        heading_region="Greater London",
        description="Text.",
        complete=True,
        start=0,
        end=10,
        head_end=5,
        heading_end=5,
        description_start=6,
        description_end=10,
        awards_text="Jan 2015 (£1m)",
        amount_total=1_000_000.0,
        has_shared_award=False,
        awards=[Award("January", 2015, 1_000_000.0, False, "Jan 2015 (£1m)", "Jan 2015", "£1m")],
    )
    return replace(base, **over)


# --------------------------------------------------------------------------- filtering via the store


def test_east_of_england_and_care_leavers_is_exactly_entries_10_and_11(
    store: ProjectStore, text: str
) -> None:
    by_file = headings_by_number(text)
    expected = sorted(n for n, (h, codes) in by_file.items() if h == "EAST OF ENGLAND" and "CL" in codes)
    assert expected == [10, 11]
    assert query(store, region="East of England", theme="CL") == [10, 11]
    rendered = projects_view(store, projects_query_args(region="East of England", theme="CL")[0])[0]
    assert rendered.count('class="proj-row') == 2
    assert "Staying Close, Staying Connected" in rendered and "Break Chartry" in rendered


def test_region_unknown_theme_org_year_amount_and_search_filters(store: ProjectStore, text: str) -> None:
    assert query(store, region="unknown") == [73, 74, 75, 76]
    # raw codes as printed; the combined code is one choice
    assert "EOC/CIN" in [v for _, v in render_projects.theme_choices(store.theme_codes())]
    assert query(store, theme="FGM") == [24, 49]
    assert query(store, org="north east lincolnshire") == [2, 4]
    assert 8 in query(store, year="2017") and 8 in query(store, year="2014")
    # Family Safeguarding: £4.8m + £11.6m = £16.4m, the largest non-shared total
    assert query(store, min_amount="10m") == [8, 40]
    # the award lines with £1m-£1.1m: entries 2 (£1,06m), 5, 7 (£1,05m), 13 (£1.1m), 17, 19 (£1,09m),
    # 28 and 51 (£1.1m); each of those entries has that one award only
    assert query(store, min_amount="1m", max_amount="1,100,000") == [2, 5, 7, 13, 17, 19, 28, 51]
    assert query(store, region="East of England", min_amount="£1m", max_amount="1.1m") == [5, 7]
    assert query(store, search="moving on") == [11]
    # "any" choices and blank boxes are no filter at all
    assert projects_query_args("any", "any", " ", "any", "", "", "") == ({}, [])


def test_unreadable_amount_is_reported_not_guessed() -> None:
    args, problems = projects_query_args(min_amount="lots", max_amount="£2m")
    assert args == {"max_amount": 2_000_000.0}
    assert len(problems) == 1 and "Min" in problems[0]
    assert projects_query_args(min_amount="3m", max_amount="1m")[1]


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [
        ("1.5m", 1_500_000.0),
        ("£750k", 750_000.0),
        ("1,200,000", 1_200_000.0),
        ("2 million", 2_000_000.0),
        ("1,5m", 1_500_000.0),
        ("", None),
    ],
)
def test_parse_gbp(typed: str, pounds: float | None) -> None:
    assert render_projects.parse_gbp(typed) == pounds


def test_summary_counts_totals_and_says_the_directory_is_partial(store: ProjectStore) -> None:
    _, summary = projects_view(store, {"region": "East of England"})
    plain = html.unescape(re.sub(r"<[^>]+>", "", summary))
    assert "8 of 69 entries match." in plain
    # 1m + 589k + 1.05m + (4.8m + 11.6m) + 3m + 787k + 1.3m + 1.2m, worked out from the file
    assert "£25.326m (£25,326,000)" in plain
    assert "partial extract" in plain and "56–72 are missing" in plain and "entry 55 is cut off" in plain
    _, shared = projects_view(store, {"search": "RESuLT"})
    assert "Not counted: 1 with only a shared award" in html.unescape(shared)


# --------------------------------------------------------------------------- rows


def test_row_with_two_awards_shows_both_as_written(store: ProjectStore) -> None:
    row = render_projects.project_row_html(store.get(8))
    assert (
        '<li class="award">Dec 2014, £4.8m</li>' in row and '<li class="award">May 2017, £11.6m</li>' in row
    )
    assert "£16.4m" in row
    odd = render_projects.project_row_html(store.get(2))
    assert "Feb 2015, £1,06m (= £1.06m)" in odd


def test_shared_award_is_flagged_and_not_totalled(store: ProjectStore) -> None:
    row = render_projects.project_row_html(store.get(39))
    assert '<li class="shared">Jan 2015, share of £4.1m (shared award)</li>' in row
    assert "shared award only" in row


def test_region_markers_for_unknown_and_inferred_regions(store: ProjectStore) -> None:
    unknown = render_projects.project_row_html(store.get(73))
    assert "Region unknown" in unknown and "could be Multiple or Nationwide, North East" in unknown
    # printed under SOUTH WEST, numbered as Nationwide
    inferred = render_projects.project_row_html(store.get(44))
    assert "Multiple or Nationwide" in inferred and "inferred from numbering" in inferred
    assert "printed under South West" in inferred
    plain = render_projects.project_row_html(store.get(5))
    assert "badge" not in plain
    assert "cut off in the extract" in render_projects.project_row_html(store.get(55))


def test_theme_codes_are_raw_and_labels_marked_inferred(store: ProjectStore) -> None:
    choices = dict((v, label) for label, v in render_projects.theme_choices(store.theme_codes(), store.all()))
    assert choices["CL"].startswith("CL — care leavers (inferred)")
    assert choices["EOC/CIN"].startswith("EOC/CIN — ")
    row11 = render_projects.project_row_html(store.get(11))
    assert '<code class="theme" title="care leavers (inferred)">CL</code>' in row11
    regions = [v for _, v in render_projects.region_choices(store.all())]
    assert regions[0] == render_projects.ANY and regions[-1] == "unknown" and "East of England" in regions


# --------------------------------------------------------------------------- sorting


def test_sort_by_every_column(store: ProjectStore) -> None:
    recs = store.all()
    assert [r.number for r in render_projects.sort_projects(recs, "number", True)][:2] == [86, 85]
    by_total = render_projects.sort_projects(recs, "total", True)
    assert by_total[0].number == 8 and by_total[-1].amount_total is None  # no total: last either way
    assert render_projects.sort_projects(recs, "total")[-1].amount_total is None
    names = [r.name.casefold() for r in render_projects.sort_projects(recs, "name")]
    assert names == sorted(names)
    assert render_projects.sort_projects(recs, "region")[-1].region == "unknown"
    first_award = render_projects.sort_projects(recs, "awards")[0]
    assert first_award.awards[0].year == 2014
    for key, _ in render_projects.PROJECT_COLUMNS:
        assert len(render_projects.sort_projects(recs, key)) == len(recs)
    table = render_projects.projects_table_html(recs, sort="total", descending=True, selected=8)
    assert (
        '<th scope="col" aria-sort="descending"><button type="button" class="sort" data-sort="total"' in table
    )
    assert 'class="proj-row selected" data-number="8"' in table


# --------------------------------------------------------------------------- the entry and escaping


def test_entry_quote_is_the_verbatim_span(store: ProjectStore, text: str) -> None:
    rec = store.get(11)
    quote = text[rec.start : rec.end]
    assert quote.startswith("### 11. Staying Close, Staying Connected (CL)")
    out = render_projects.project_entry_html(rec, text, doc_title="Directory")
    # the Markdown heading reads as a heading: its hashes are hidden, never shown raw
    shown = re.sub(r'<span class="md-x" aria-hidden="true">[^<]*</span>', "", out)
    assert "###" not in shown and '<span class="md-h">11. Staying Close, Staying Connected (CL)</span>' in out
    block = out.split('<blockquote class="proj-quote">', 1)[1].split("</blockquote>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", block)) == quote  # verbatim: the syntax is hidden, not cut
    assert "characters" not in out and "Directory, entry 11" in out
    assert "EAST OF ENGLAND &gt; 11. Staying Close, Staying Connected" in out
    viewer = render_documents.document_html({"title": "Directory"}, text, highlight=(rec.start, rec.end))
    assert '<mark class="hl quote" id="viewer-hl">' in viewer
    marked = viewer.split('<mark class="hl quote" id="viewer-hl">', 1)[1].split("</mark>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == quote  # every character of the span, in order


def test_markup_in_a_record_is_escaped_everywhere() -> None:
    evil = "<script>alert(1)</script>"
    rec = fake(
        name=f"Bad {evil}",
        organisations='Org "<b>bold</b>"',
        themes=["<i>X</i>"],
        region="unknown",
        region_known=False,
        region_note=f'note" onmouseover="{evil}',
        region_candidates=["<img src=x onerror=alert(1)>"],
        awards=[Award("January", 2015, 1e6, False, "r", "Jan 2015", f"£1m {evil}")],
    )
    doc = f"### 99. Bad {evil}\n"
    rec = replace(rec, start=0, end=len(doc))
    outputs = [
        render_projects.project_row_html(rec),
        render_projects.projects_table_html([rec]),
        render_projects.project_entry_html(rec, doc, doc_title=f"T {evil}"),
        render_projects.projects_summary_html([rec], total_entries=1, problems=[evil]),
    ]
    for out in outputs:
        assert "<script>" not in out and "<b>" not in out and "<i>" not in out and "<img" not in out
        assert 'onmouseover="' not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outputs[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in outputs[0]


def test_number_ranges() -> None:
    assert render_projects.number_ranges([56, 57, 58, 60]) == "56–58 and 60"
    assert render_projects.number_ranges([55]) == "55"
    assert render_projects.number_ranges([]) == ""


def test_number_ranges_are_the_directory_answers_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """One wording of entry numbers: the app's summary line and the assistant's directory answers
    come from ``assistant.projects.number_ranges`` (the app only joins the last span with "and")."""
    import assistant.projects as projects

    assert projects.number_ranges([56, 57, 58, 60, 62]) == "56–58, 60, 62"
    assert projects.number_ranges([56, 57, 58, 60, 62], last=" and ") == "56–58, 60 and 62"
    calls: list[tuple] = []
    monkeypatch.setattr(
        projects, "number_ranges", lambda nums, last=", ": calls.append((list(nums), last)) or "x"
    )
    assert render_projects.number_ranges([3, 4]) == "x" and calls == [([3, 4], " and ")]
