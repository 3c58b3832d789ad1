"""Answers on the real index: verbatim quotes, abstention, passed dates, follow-ups, input checks, the CLI.

Uses the session fixtures ``built_settings`` / ``assistant_instance`` from conftest.py (one real index).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assistant.api import ABSTAIN_TEXT, Assistant, QuestionError
from assistant.cite import keep_verified, verify
from assistant.models import Answer, Citation
from assistant.rewrite import rewrite
from ingest.loaders import load_file
from ui.cli import answer_json

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CLI = ROOT / ".venv" / "bin" / "csc-assistant"
WHO_CAN_APPLY = (
    "Local authorities and organisations from across the private, public and voluntary sectors "
    "can all apply for funding."
)
IN_SCOPE = [
    "Who can apply for funding?",
    "What is the Mockingbird Family Model?",
    "How long can projects receive funding for?",
    "What is the second deadline for expressions of interest?",
    "What did the interim learning report say about No Wrong Door?",
]
OFF_TOPIC = [
    "Compose a limerick about my cat.",
    "How do I renew my driving licence?",
    "Will it rain in Leeds on Saturday?",
]


@pytest.fixture(scope="module")
def answers(assistant_instance: Assistant) -> dict[str, Answer]:
    return {q: assistant_instance.ask(q) for q in IN_SCOPE + OFF_TOPIC}


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    return {p.name: load_file(p).text for p in CORPUS.iterdir() if p.name != "manifest.toml"}


def _citation(source: str, start: int, end: int, **kw: object) -> Citation:
    fields: dict = dict(
        n=1, doc_id="d", title="T", file="f.txt", date="2016-04", section="", paragraph=None, page=None
    )
    fields.update(kw)
    return Citation(text=fields.pop("text", source[start:end]), start=start, end=end, **fields)


# -- the quote check -------------------------------------------------------------------------------


def test_verify_accepts_exact_span_and_rejects_everything_else() -> None:
    source = "Intro line.\n\nLocal authorities can all apply for funding. We are keen to have a mix."
    start = source.index("Local")
    end = source.index(" We are")
    good = _citation(source, start, end)
    assert good.text == "Local authorities can all apply for funding."
    assert verify(good, source)
    assert not verify(replace(good, text="Local authorities can all apply for grants."), source)  # altered
    assert not verify(replace(good, text=good.text.upper()), source)
    assert not verify(replace(good, start=start + 1, end=end + 1), source)  # shifted offsets
    assert not verify(replace(good, end=end - 1), source)
    assert not verify(replace(good, start=-1), source)
    assert not verify(replace(good, end=len(source) + 5), source)
    assert not verify(replace(good, start=end, end=start), source)
    assert not verify(_citation(source, 0, 0, text=""), source)  # empty
    blank = source.index("\n\n")
    assert not verify(_citation(source, blank, blank + 2), source)  # white space only
    assert not verify(good, source.replace("Local", "Lokal"))  # the source changed under the quote

    other = replace(good, n=2, doc_id="other")
    kept = keep_verified([good, replace(good, text="invented"), other], {"d": source})
    assert kept == [good]


def test_real_citations_are_verbatim(answers: dict[str, Answer], corpus_texts: dict[str, str]) -> None:
    cited = 0
    for q in IN_SCOPE:
        ans = answers[q]
        assert ans.citations, q
        assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
        for c in ans.citations:
            source = corpus_texts[c.file]
            assert source[c.start : c.end] == c.text, (q, c.n)
            assert c.text in source
            assert c.text.strip() == c.text and c.text
            assert f"[{c.n}]" in ans.answer
            cited += 1
    assert cited >= len(IN_SCOPE)


def test_who_can_apply_cites_the_guidance_answer(answers: dict[str, Answer]) -> None:
    ans = answers["Who can apply for funding?"]
    first = ans.citations[0]
    assert first.file == "how-to-get-involved-2016.txt"
    assert WHO_CAN_APPLY in first.text
    assert first.section.endswith("Who can apply for funding?")


# -- abstention ------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_abstains(answers: dict[str, Answer], question: str) -> None:
    ans = answers[question]
    assert ans.abstained is True
    assert ans.answer.splitlines()[0] == ABSTAIN_TEXT  # the refusal is unmistakable: it comes first
    assert ans.notes == []
    assert len(ans.answer.split("\n\n")) >= 2, "a refusal says why"


@pytest.mark.parametrize(
    "question",
    [
        "Who can apply for funding?",
        "What is the Mockingbird Family Model?",
        "How long can projects receive funding for?",
    ],
)
def test_in_scope_does_not_abstain(answers: dict[str, Answer], question: str) -> None:
    ans = answers[question]
    assert ans.abstained is False
    assert ans.answer != ABSTAIN_TEXT and ABSTAIN_TEXT not in ans.answer


def test_funding_length_answer(answers: dict[str, Answer]) -> None:
    ans = answers["How long can projects receive funding for?"]
    assert any("up to four years" in c.text for c in ans.citations)


# -- dates that have passed ------------------------------------------------------------------------


def test_passed_note_depends_on_today(built_settings) -> None:  # type: ignore[no-untyped-def]
    q = "When did the 2016 guidance expect funding to be released from?"
    after = Assistant(replace(built_settings, today=date(2017, 1, 10))).ask(q)
    assert not after.abstained, after.answer
    assert any("summer" in c.text for c in after.citations), [c.text for c in after.citations]
    notes = [n for n in after.notes if "summer" in n.lower()]
    assert notes, after.notes
    assert "has passed" in notes[0] and "10 January 2017" in notes[0]

    # asked before that summer was over, the same answer carries no passed note
    before = Assistant(replace(built_settings, today=date(2016, 5, 1))).ask(q)
    assert any("summer" in c.text for c in before.citations)
    assert not any("summer" in n.lower() for n in before.notes), before.notes


def test_notes_stay_off_answers_that_are_not_about_dates(assistant_instance: Assistant) -> None:
    """A statistic's or a publication's date is not a deadline: no "has passed" note on it."""
    ans = assistant_instance.ask("How many children were looked after in England in 2015?")
    assert not ans.abstained
    assert not any("has passed" in n for n in ans.notes), ans.notes


# -- follow-ups -------------------------------------------------------------------------------------


def test_rewrite_resolves_the_pronoun() -> None:
    history = [
        {"q": "What is the Pause project?", "a": "Pause works with women who have had children removed."}
    ]
    query = rewrite("How many areas is it in?", history)
    assert "Pause" in query
    assert " it " not in f" {query} "
    assert rewrite("How many areas is it in?", []) == "How many areas is it in?"
    standalone = "What is the Mockingbird Family Model?"
    assert rewrite(standalone, history) == standalone


def test_ask_reports_the_rewritten_query(assistant_instance: Assistant) -> None:
    history = [{"q": "What is the Pause project?", "a": "Pause works with women."}]
    ans = assistant_instance.ask("How many areas is it in?", history)
    assert ans.question == "How many areas is it in?"
    assert "Pause" in ans.query
    assert answer_json(ans)["query"] == ans.query


# -- input checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   \n\t  ", "\x00\x07"])
def test_empty_question_is_refused(assistant_instance: Assistant, question: str) -> None:
    with pytest.raises(QuestionError) as info:
        assistant_instance.ask(question)
    assert info.value.field == "question"
    assert str(info.value).startswith("question:")
    assert "empty" in str(info.value)


def test_huge_question_is_refused(assistant_instance: Assistant) -> None:
    with pytest.raises(QuestionError) as info:
        assistant_instance.ask("funding " * 12_500)  # 100,000 characters
    assert info.value.field == "question"
    assert "100,000" in str(info.value) or "99,999" in str(info.value)
    assert "2,000" in str(info.value)


def test_non_text_question_is_refused(assistant_instance: Assistant) -> None:
    with pytest.raises(QuestionError) as info:
        assistant_instance.ask(None)  # type: ignore[arg-type]
    assert info.value.field == "question"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "<script>alert('x')</script> Who can apply for funding?",
            "<script>alert('x')</script> Who can apply for funding?",
        ),
        ("<b>Who</b> can apply for funding?", "<b>Who</b> can apply for funding?"),
        (
            "Who can apply for funding?'; DROP TABLE chunks; --",
            "Who can apply for funding?'; DROP TABLE chunks; --",
        ),
        ("Who can\x00 apply\x07 for funding?\x1b[31m\r\n", "Who can apply for funding? [31m"),
        (
            "{{7*7}} ${jndi:ldap://x} Who can apply for funding?",
            "{{7*7}} ${jndi:ldap://x} Who can apply for funding?",
        ),
    ],
)
def test_hostile_input_comes_back_as_plain_text(
    assistant_instance: Assistant, corpus_texts: dict[str, str], question: str, expected: str
) -> None:
    ans = assistant_instance.ask(question)
    assert ans.question == expected
    assert not any(ord(ch) < 32 for ch in ans.question + ans.query)
    payload = json.loads(json.dumps(answer_json(ans)))
    assert payload["query"] == ans.query
    assert "<script>" not in ans.answer and "&lt;" not in ans.answer
    if not ans.abstained:
        for c in ans.citations:
            assert c.text in corpus_texts[c.file]
    else:
        assert ans.answer.splitlines()[0] == ABSTAIN_TEXT


# -- the CLI end to end ----------------------------------------------------------------------------


def _cli(built_settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    exe = [str(CLI)] if CLI.exists() else [sys.executable, "-m", "ui.cli"]
    env = {**os.environ, "CSC_DATA_DIR": str(built_settings.data_dir), "HF_HUB_OFFLINE": "1"}
    env.pop("CSC_CORPUS_DIR", None)
    return subprocess.run(
        [*exe, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_cli_ask_json(built_settings, corpus_texts: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    proc = _cli(built_settings, "ask", "--json", "Who can apply for funding?")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["abstained"] is False
    assert out["query"] == "Who can apply for funding?"
    cit = out["citations"][0]
    assert cit["file"] == "how-to-get-involved-2016.txt"
    assert WHO_CAN_APPLY in cit["text"]
    for c in out["citations"]:
        assert corpus_texts[c["file"]][c["start"] : c["end"]] == c["text"]
    assert "[1]" in out["answer"]


def test_cli_ask_jsonl(built_settings) -> None:  # type: ignore[no-untyped-def]
    lines = [
        json.dumps({"question": "Who can apply for funding?"}),
        "{this is not json",
        "",
        json.dumps({"question": "Please write a sonnet about the sea."}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"question": ""}),
        json.dumps(
            {
                "question": "How many areas is it in?",
                "history": [{"q": "What is the Pause project?", "a": "Pause works with women."}],
            }
        ),
        json.dumps({"question": "How long can projects receive funding for?"}),
    ]
    proc = _cli(built_settings, "ask", "--jsonl", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out_lines = proc.stdout.splitlines()
    assert len(out_lines) == 7  # one per non-blank input line
    objs = [json.loads(line) for line in out_lines]

    assert WHO_CAN_APPLY in objs[0]["citations"][0]["text"] and "error" not in objs[0]
    assert objs[1]["error"] and objs[1]["citations"] == [] and objs[1]["answer"] == ""
    assert objs[2]["abstained"] is True and objs[2]["answer"].splitlines()[0] == ABSTAIN_TEXT
    assert "JSON object" in objs[3]["error"]
    assert objs[4]["error"].startswith("question:")
    assert "Pause" in objs[5]["query"] and "error" not in objs[5]
    assert any("up to four years" in c["text"] for c in objs[6]["citations"])


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("What fee was the Spring Consortium paid for its role?", "amount"),  # sums exist, none for it
        ("whats the telephone number for the programme team", "contact"),  # an email exists, no phone
        ("Which projects got money in Wales?", None),  # a place the documents never mention
        ("How many social workers did the Rees Centre employ?", "number"),  # counts exist, not this one
        ("On what date did the Rees Centre sign its contract?", "date"),
    ],
)
def test_in_topic_but_unanswered_abstains(
    assistant_instance: Assistant, corpus_texts: dict[str, str], question: str, missing: str | None
) -> None:
    ans = assistant_instance.ask(question)
    assert ans.abstained, ans.answer
    first, *rest = ans.answer.split("\n\n")
    assert first == ABSTAIN_TEXT and rest, "the refusal comes first and then says what is missing"
    if missing:
        assert missing in rest[0] or "do not" in rest[0], rest[0]
    for c in ans.citations:  # a nearby sentence may be quoted: it must be verbatim
        assert corpus_texts[c.file][c.start : c.end] == c.text


def test_how_much_with_a_sourced_amount_is_answered(assistant_instance: Assistant) -> None:
    ans = assistant_instance.ask("How much funding did Hertfordshire's Family Safeguarding receive?")
    assert not ans.abstained
    assert "£4.8m" in ans.answer and "£11.6m" in ans.answer
    assert any("Family Safeguarding" in c.text and "£11.6m" in c.text for c in ans.citations)


@pytest.mark.parametrize(
    "question",
    [
        "could a university apply on its own?",
        "can a private company apply?",
        "Are social enterprises allowed to bid on their own?",
    ],
)
def test_an_applicants_yes_no_question_is_read_against_the_general_rule(
    assistant_instance, question: str
) -> None:  # type: ignore[no-untyped-def]
    # the guidance's rule shares few words with such questions (CSC_APPLICANT_MIN_SENTENCE_COS)
    answer = assistant_instance.ask(question)
    assert not answer.abstained, answer.answer
    assert "can all apply" in answer.answer


@pytest.mark.parametrize("question", ["can I apply for a passport?", "could I apply for a mortgage here?"])
def test_applying_for_something_the_documents_never_mention_is_declined(
    assistant_instance, question: str
) -> None:  # type: ignore[no-untyped-def]
    assert assistant_instance.ask(question).abstained
