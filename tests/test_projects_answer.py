"""Directory answers: complete expected sets worked out by hand from the corpus file."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest
from support import DIRECTORY, projects_store

from assistant.projects import DirectoryAnswer, answer_from_directory
from ingest.config import AnswerSettings, SpellingSettings
from ingest.projects_store import ProjectStore, build_projects_db
from ui.projects_cli import add_subparser, run

SOURCE = DIRECTORY


SPELLING = SpellingSettings()  # the settings' spelling group as it is by default
ANSWER = AnswerSettings()  # and its answer group (how short a list says what each project does)


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ProjectStore:
    return projects_store(tmp_path_factory.mktemp("projects"))


def ask(question: str, store: ProjectStore, text: str) -> DirectoryAnswer:
    ans = answer_from_directory(question, store, text, SPELLING, ANSWER)
    assert ans is not None, question
    check_citations(ans, text)
    return ans


def check_citations(ans: DirectoryAnswer, text: str) -> None:
    """Every citation quotes the source verbatim and every [n] in the text has one."""
    assert [c["n"] for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    assert [r["n"] for r in ans.rows] == [c["n"] for c in ans.citations]
    for c in ans.citations:
        assert text[c["start"] : c["end"]] == c["text"]
        assert c["text"] in text and c["text"].startswith("### ")
        assert c["paragraph"] is None and c["page"] is None
        assert c["doc_id"] == "programme-journey-directory"
    markers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", ans.answer)})
    assert markers == [c["n"] for c in ans.citations]


def numbers(ans: DirectoryAnswer) -> list[int]:
    return [r["number"] for r in ans.rows]


def names(ans: DirectoryAnswer) -> set[str]:
    return {r["name"] for r in ans.rows}


def test_greater_london_care_leavers(store: ProjectStore, text: str) -> None:
    ans = ask("Which projects in Greater London work with care leavers?", store, text)
    assert ans.kind == "list"
    assert ans.filters == {"region": "Greater London", "themes": ["CL"]}
    assert names(ans) == {
        "Care Leavers Partnership",
        "Face to Face Pathways",
        "I-Aspire",
        "Newham Delivering for Children",
        "Staying Close",
    }
    assert numbers(ans) == [16, 21, 26, 30, 36]
    assert "- Staying Close (St Christopher’s Fellowship), Oct 2017, £585k [5]" in ans.answer
    assert "partial extract" in ans.answer and "inference" in ans.answer


def test_everything_in_west_midlands(store: ProjectStore, text: str) -> None:
    ans = ask("List every project the directory has for the West Midlands", store, text)
    assert ans.kind == "list" and ans.filters == {"region": "West Midlands"}
    assert names(ans) == {
        "Coventry Children in Need Innovation Programme",
        "FutureSocial",
        "The House Project",
        "Supporting Long-term Foster Placements",
    }
    assert numbers(ans) == [83, 84, 85, 86]
    # an entry with two awards shows both
    house = "- The House Project (The National House Project), Feb 2015, £588k; April 2017, £3.75m [3]"
    assert house in ans.answer


def test_cse_theme_code(store: ProjectStore, text: str) -> None:
    ans = ask("Which directory entries are tagged CSE?", store, text)
    assert names(ans) == {
        "Contextual Safeguarding Pilot",
        "Family Learning Intervention Programme (FLIP)",
        "London Child House Pilot",
        "Safe Steps",
    }
    assert ans.filters["themes"] == ["CSE"]
    # the directory's comma-decimal amount is shown as printed and as read
    assert "£1,97m (= £1.97m)" in ans.answer


def test_east_of_england_all(store: ProjectStore, text: str) -> None:
    ans = ask("What was funded in the East of England?", store, text)
    assert numbers(ans) == list(range(5, 13))
    assert "Dec 2014, £4.8m; May 2017, £11.6m" in ans.answer


def test_east_of_england_care_leavers(store: ProjectStore, text: str) -> None:
    ans = ask("Which projects in the East of England work with care leavers?", store, text)
    assert names(ans) == {
        "Staying Close - Leaving Care Doesn’t Mean Care Leaves You",
        "Staying Close, Staying Connected",
    }


def test_count_south_west(store: ProjectStore, text: str) -> None:
    ans = ask("How many projects in the South West?", store, text)
    assert ans.kind == "count"
    assert numbers(ans) == [77, 78, 79, 80, 81, 82]
    assert ans.answer.startswith("The project directory lists 6 projects in the South West.")
    assert "partial extract" in ans.answer


def test_staying_close_total(store: ProjectStore, text: str) -> None:
    ans = ask("How much went to Staying Close projects in total?", store, text)
    assert ans.kind == "total"
    assert numbers(ans) == [4, 10, 11, 36, 75, 76, 82]
    # 887k + 787k + 1.3m + 585k + 649k + 483k + 567k
    assert "£5.258m" in ans.answer
    assert "sum of the awards listed for the 7 matching entries; shared awards excluded" in ans.answer
    assert "75–76 have no known region" in ans.answer
    assert "partial extract" in ans.answer


def test_total_excludes_shared_awards(store: ProjectStore, text: str) -> None:
    ans = ask("How much in total went to projects with the FA theme code listed as nationwide?", store, text)
    assert ans.kind == "total"
    assert numbers(ans) == [39, 44, 47, 50, 51, 54]
    # 1.6m + 3.8m + 600k + 916k + 1.1m + 365k; AdOpt and KEEP only have a share of £4.1m
    assert "£8.381m" in ans.answer
    assert "2 matching entries list only a shared award" in ans.answer
    assert "Not counted: shared awards" in ans.answer


def test_lookup_safecore(store: ProjectStore, text: str) -> None:
    ans = ask("Who delivers SafeCORE, and what was it awarded?", store, text)
    assert ans.kind == "lookup" and numbers(ans) == [35]
    assert "Royal Borough of Greenwich" in ans.answer and "£1,95m (= £1.95m)" in ans.answer
    assert "supporting families in which there has been domestic abuse" in ans.answer
    assert ans.citations[0]["section"] == "GREATER LONDON > 35. SafeCORE"
    assert ans.citations[0]["text"].endswith("between children and their parents.")


def test_lookup_by_lower_case_name_with_extra_words(store: ProjectStore, text: str) -> None:
    question = "which organisation leads the new orleans intervention model work, what does it aim to do"
    ans = ask(question, store, text)
    assert ans.kind == "lookup" and numbers(ans) == [28]
    assert "NSPCC and London Borough of Croydon" in ans.answer and "£1m" in ans.answer
    assert "infant mental health approach" in ans.answer


def test_lookup_by_words_of_the_name_out_of_order(store: ProjectStore, text: str) -> None:
    ans = ask("Who is running the Torbay social work innovation fund?", store, text)
    assert ans.kind == "lookup" and numbers(ans) == [81]
    assert "Torbay Council" in ans.answer and "£1,25m (= £1.25m)" in ans.answer


def test_lookup_places_named_in_the_description(store: ProjectStore, text: str) -> None:
    ans = ask("In which boroughs is Action for Children running Step Change?", store, text)
    assert ans.kind == "lookup" and numbers(ans) == [37]
    assert "Barnet, Harrow and Hounslow" in ans.answer
    assert "£3.3m" in ans.answer


def test_lookup_by_organisation_with_shared_awards(store: ProjectStore, text: str) -> None:
    ans = ask("How much did the National Implementation Service get?", store, text)
    assert ans.kind == "lookup" and numbers(ans) == [39, 44, 48, 52]
    assert ans.answer.count("share of £4.1m") == 4 and "one pot split" in ans.answer


def test_shared_award_filter(store: ProjectStore, text: str) -> None:
    ans = ask("How many projects got a share of the £4.1m?", store, text)
    assert ans.kind == "count" and numbers(ans) == [39, 44, 48, 52]
    assert ans.filters == {"shared": True}


def test_lookup_tolerates_a_typo(store: ProjectStore, text: str) -> None:
    ans = ask("Who runs the Mockinbird Family Model?", store, text)
    assert numbers(ans) == [47] and "The Fostering Network" in ans.answer


def test_org_with_straight_apostrophe(store: ProjectStore, text: str) -> None:
    ans = ask("Which projects does St Christopher's Fellowship run?", store, text)
    assert numbers(ans) == [34, 36]


def test_year_and_amount(store: ProjectStore, text: str) -> None:
    ans = ask("Which projects were funded in 2017 for over £2m?", store, text)
    # an award dated 2017 and a non-shared total strictly above £2m (18 and 30 are exactly £2m)
    assert numbers(ans) == [1, 8, 9, 21, 29, 46, 49, 85]


def test_description_phrase(store: ProjectStore, text: str) -> None:
    ans = ask("Which projects tackle domestic abuse?", store, text)
    assert numbers(ans) == [8, 29, 35, 73]
    assert "Entry 73 has no known region" in ans.answer
    assert all(c["text"].endswith(".") for c in ans.citations)  # full entries: the phrase is quoted


def test_region_with_missing_heading(store: ProjectStore, text: str) -> None:
    ans = ask("How many projects in the South East?", store, text)
    assert ans.kind == "count"
    assert ans.answer.startswith("The project directory lists no projects in the South East.")
    assert numbers(ans) == [73, 74, 75, 76]
    assert "region unknown" in ans.answer and "not counted" in ans.answer
    assert all(r["region"] == "unknown" for r in ans.rows)


@pytest.mark.parametrize(
    "question",
    [
        "What has Ealing learned from its Brighter Futures work?",
        "How many local authorities had Ofsted inspected by June 2015?",
        "Who can apply for funding?",
        "What is the Innovation Programme?",
        "What is Signs of Safety?",
        "How many projects were funded in Round 1?",
        "How much funding was available in the 2017 targeted funding opportunity?",
        "What did the evaluation find about Family Safeguarding?",
        "What did the projects working with care leavers find?",
        "Who runs the programme?",
        "How many projects did the programme fund?",
        "What are the key findings about care leavers?",
        "",
    ],
)
def test_not_a_directory_question(question: str, store: ProjectStore, text: str) -> None:
    assert answer_from_directory(question, store, text, SPELLING, ANSWER) is None


def test_store_query_filters(store: ProjectStore) -> None:
    assert [r.number for r in store.query(region="London", theme="CL")] == [16, 21, 26, 30, 36]
    assert [r.number for r in store.query(theme="cin")] == [r.number for r in store.query(theme="EOC/CIN")]
    assert [r.number for r in store.query(region="unknown")] == [73, 74, 75, 76]
    assert [r.number for r in store.query(org="hackney", year=2014)] == [23]
    assert [r.number for r in store.query(search="STAYING CLOSE")] == [4, 10, 11, 36, 75, 76, 82]
    assert [r.number for r in store.query(min_amount=5e6)] == [8, 40, 43, 46, 47]
    assert store.get(55) is not None and not store.get(55).complete  # type: ignore[union-attr]
    assert len(store.all()) == 69 and len(store.rounds()) == 3 and len(store.events()) == 22
    assert store.metadata()["doc_id"] == "programme-journey-directory"


def test_rebuild_replaces_atomically(text: str, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    tiny = "### 1. Only (CL)\n\n*Org*  \n Jan 2015 (£1m)\n\nX."
    build_projects_db(tiny, db, doc_id="a", file="a", title="a", date="2020")
    first = ProjectStore(db)
    assert len(first.all()) == 1
    assert build_projects_db(text, db, doc_id="b", file="b", title="b", date="2020") == 69
    assert len(first.all()) == 69  # a fresh connection per call sees the new file
    assert [p.name for p in tmp_path.iterdir()] == ["p.sqlite"]  # no temp file left behind


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_subparser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["projects", *argv])


def test_cli_table(store: ProjectStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_cli(["--region", "East of England", "--theme", "CL"]), store) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if re.match(r"^\d+\s{2,}", line)]
    assert [int(r.split()[0]) for r in rows] == [10, 11]
    assert "Staying Close, Staying Connected" in out and "Break Chartry" in out
    assert "2 projects; awards listed total £2.087m" in out and "partial extract" in out


def test_cli_json_and_errors(store: ProjectStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_cli(["--region", "east of england", "--theme", "CL", "--json"]), store) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [p["number"] for p in payload["projects"]] == [10, 11]
    assert payload["count"] == 2 and payload["source"]["file"] == SOURCE.name
    assert run(_cli(["--region", "Atlantis"]), store) == 2
    assert run(_cli(["--min-amount", "£5m", "--year", "2016"]), store) == 0
    out = capsys.readouterr().out
    assert [int(r.split()[0]) for r in out.splitlines() if re.match(r"^\d+\s{2,}", r)] == [40, 43, 47]
    with pytest.raises(SystemExit):
        _cli(["--min-amount", "lots"])


@pytest.mark.parametrize(
    "question",
    [
        "Our borough wants to try supported lodgings with mentoring for young people leaving care - "
        "would that be eligible?",
        "We run a fostering project in the East Midlands; could we get funding to scale it?",
        "Could someone from the programme look over our draft bid before we submit it?",
    ],
)
def test_first_person_eligibility_questions_are_not_directory_questions(
    question: str, store: ProjectStore, text: str
) -> None:
    assert answer_from_directory(question, store, text, SPELLING, ANSWER) is None


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("How much was given out in the second funding round?", ["£63M", "23 projects"]),
        ("round two - total and number of projects?", ["£63M", "23 projects"]),
        ("what did the 3rd round fund and how many projects", ["£29M", "22 projects"]),
    ],
)
def test_a_round_is_found_however_it_is_numbered(
    store: ProjectStore, question: str, figures: list[str]
) -> None:
    from assistant.projects import answer_rounds

    answer = answer_rounds(question, store, DIRECTORY.read_text(encoding="utf-8"))
    assert answer is not None
    for figure in figures:
        assert figure.lower() in answer.answer.lower(), answer.answer


@pytest.mark.parametrize(
    ("question", "where", "name"),
    [
        ("which project in Greater London got the largest award?", "to a project in Greater London", None),
        ("biggest award in the East of England", "to a project in the East of England", None),
        ("smallest grant to a care leavers project", "theme code CL", None),
    ],
)
def test_a_superlative_is_ranked_within_the_asked_region_or_theme(
    store: ProjectStore, text: str, question: str, where: str, name: str | None
) -> None:
    from assistant.projects import answer_superlative

    ans = answer_superlative(question, store, text, SPELLING)
    assert ans is not None and where in ans.answer, ans
    check_citations(ans, text)
    (row,) = ans.rows
    if "London" in where:
        assert row["region"] == "Greater London"
    if "East of England" in where:
        assert row["region"] == "East of England"
    if "CL" in where:
        assert "CL" in row["themes"]
    # the winner's award is the largest (smallest) single award of that region / theme
    records = {r.number: r for r in store.all()}

    def awards(r):  # type: ignore[no-untyped-def]
        return [a.amount_gbp for a in r.awards if a.amount_gbp is not None and not a.shared]

    pool = [r for r in records.values() if awards(r)]
    if "London" in where or "East of England" in where:
        pool = [r for r in pool if r.region_known and r.region == row["region"]]
    if "CL" in where:
        pool = [r for r in pool if any("CL" in t.split("/") or t == "CL" for t in r.themes)]
    pick = min if "smallest" in question else max
    assert pick(awards(records[row["number"]])) == pick(a for r in pool for a in awards(r))


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Our leaving care team heard about Local Area Co-ordination for Care Leavers. Who leads that "
         "project?", "Derby City Council"),
        ("we were told to look at the Staying Close Project - which organisation runs it?",
         "North East Lincolnshire Council"),
        ("My manager mentioned Local Area Co-ordination for Care Leavers; which council is behind that "
         "project and what did it get?", "Derby City Council"),
    ],
)  # fmt: skip
def test_a_named_lookup_with_the_asker_in_it_is_still_a_lookup(
    store: ProjectStore, text: str, question: str, lead: str
) -> None:
    # "our", "we", "my" mark an applicant's own plans, but a named project asked about is a record
    ans = ask(question, store, text)
    assert lead in ans.answer.split("\n")[0], ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "Which projects got two separate awards?",
        "which projects were funded twice",
        "list the projects with more than one grant",
        "any projects that got a second award?",
        "Which directory entries received multiple awards, and when?",
    ],
)
def test_projects_funded_more_than_once(store: ProjectStore, text: str, question: str) -> None:
    # counted by hand from the file: the seven entries whose award line gives two dated amounts
    ans = ask(question, store, text)
    expected = {
        "Family Safeguarding", "Creating Space for Change", "Firstline", "Mockingbird Family Model",
        "National FGM Centre", "Permanence Improvement Project", "The House Project",
    }  # fmt: skip
    assert {r["name"] for r in ans.rows} == expected, ans.answer
    assert ans.answer.startswith("The project directory lists 7 projects")


@pytest.mark.parametrize(
    "question",
    [
        "Which projects in the East of England were funded, and for what?",
        "east of england projects - what are they for?",
        "what do the projects in the east of england do? list them",
        "Could you describe the projects funded in the East of England?",
    ],
)
def test_a_list_that_asks_what_for_describes_each_project(
    question: str, store: ProjectStore, text: str
) -> None:
    ans = ask(question, store, text)
    assert ans.kind == "list" and len(ans.rows) > 3
    lines = [ln for ln in ans.answer.split("\n") if ln.startswith("- ")]
    assert len(lines) == len(ans.rows)
    for line, cit in zip(lines, ans.citations, strict=True):
        quoted = re.search(r": “(.+)” \[\d+\]$", line)
        assert quoted, line
        assert quoted.group(1) in cit["text"]  # the description is quoted from the cited entry


def test_a_short_list_describes_each_project_and_a_long_one_does_not(store: ProjectStore, text: str) -> None:
    short = ask("Which projects involve Dorset County Council?", store, text)
    assert len(short.rows) <= 3 and all("“" in ln for ln in short.answer.split("\n") if ln.startswith("- "))
    long = ask("Which projects are in the East of England?", store, text)
    assert len(long.rows) > 3 and not any("“" in ln for ln in long.answer.split("\n") if ln.startswith("- "))


def test_how_short_a_described_list_is_is_a_setting(store: ProjectStore, text: str) -> None:
    """answer.short_list (CSC_SHORT_LIST): at most this many projects, each line says what it does."""

    def described(question: str, answering: AnswerSettings) -> bool:
        ans = answer_from_directory(question, store, text, SPELLING, answering)
        assert ans is not None and ans.kind == "list", question
        return all("“" in ln for ln in ans.answer.split("\n") if ln.startswith("- "))

    short = "Which projects involve Dorset County Council?"
    long = "Which projects are in the East of England?"
    assert described(short, ANSWER) and not described(long, ANSWER)
    assert not described(short, AnswerSettings(short_list=0))
    assert described(long, AnswerSettings(short_list=100))


@pytest.mark.parametrize(
    "question",
    [
        "Which directory projects had awards dated October 2017?",
        "list the projects with an award in Oct 2017",
        "which projects were funded in october 2017?",
    ],
)
def test_a_month_with_the_year_narrows_the_list_to_that_month(
    question: str, store: ProjectStore, text: str
) -> None:
    ans = ask(question, store, text)
    assert ans.kind == "list" and ans.rows, ans.answer
    for row in ans.rows:
        assert "Oct 2017" in row["awards"], row
    assert "October 2017" in ans.answer.split("\n")[0]
    year = ask("which projects were funded in 2017?", store, text)
    assert len(year.rows) > len(ans.rows)  # the year alone keeps every month


@pytest.mark.parametrize(
    "question",
    [
        "whats the Slough childrens trust project in the directory and how much was it worth",
        "Slough children's trust - what did they get funding for?",
        "tell me about the Slough childrens trust's project",
    ],
)
def test_a_lookup_keeps_the_record_whose_organisation_has_the_askers_own_words(
    question: str, store: ProjectStore, text: str
) -> None:
    # "children's trust" is in two organisations' names; only one of them is Slough's (a name typed in
    # lower case reaches this step capitalised: tests/test_directory_routing.py)
    ans = ask(question, store, text)
    assert ans.kind == "lookup"
    assert [r["organisations"] for r in ans.rows] == ["Slough Children’s Services Trust"], ans.answer


@pytest.mark.parametrize(
    "question",
    [
        "Which projects involve Southwark in any role?",
        "Which projects is Southwark involved in?",
        "List the projects that include the London Borough of Southwark, leading or as a partner",
    ],
)
def test_involving_an_organisation_reads_the_descriptions_too(
    question: str, store: ProjectStore, text: str
) -> None:
    # entry 53 names Southwark only in its description ("in five local authorities (...)"); two others
    # name it in their organisations line
    ans = ask(question, store, text)
    assert 53 in {r["number"] for r in ans.rows}, ans.answer
    assert "five local authorities" in ans.answer, ans.answer  # shown, so the reader sees why


def test_led_by_reads_only_the_organisations(store: ProjectStore, text: str) -> None:
    ans = ask("Which projects are led by Southwark?", store, text)
    numbers = {r["number"] for r in ans.rows}
    assert numbers and 53 not in numbers, ans.answer
