"""The thresholds and weights of answering are settings: each one's CSC_* variable reaches the code.

Every knob lives in ``ingest.config.Settings`` (its groups in ``ingest/settings_groups.py``), and
the answering code reads it from the Settings its Assistant was built with, never from a constant of
its own. These tests set a knob the way an operator would, through its short variable, and check
that the code answering a question uses it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import index_invented

from assistant import compose, retrieve
from assistant.api import Assistant
from ingest.config import Settings, load_settings, variables

# an invented report: the same subject (the mentors) in four sections, so that a question about it
# is answered by the best of them and, as runners-up, by the others
REPORT = (
    "\n\n".join(
        [
            "Mentoring in three towns",
            "Recruiting the mentors",
            "Volunteer mentors were recruited from local churches, colleges and sports clubs in each town.",
            "The three towns differ in size, and each council ran its own advertising.",
            "Training the mentors",
            "Volunteer mentors were trained over six evenings in listening and in keeping young people safe.",
            "Sessions were held in libraries, which stayed open late for them.",
            "What the mentors did",
            "Volunteer mentors met each young person weekly and helped them back into school or training.",
            "Schools reported fewer exclusions in the second year of the scheme.",
            "Keeping the mentors",
            "Volunteer mentors stayed on for two years on average, longer than the scheme had expected.",
            "The budget for the scheme was agreed each spring by the three councils.",
        ]
    )
    + "\n"
)

MANIFEST = """[[document]]
id = "mentoring"
file = "mentoring.txt"
title = "Mentoring in three towns"
publisher = "Test"
date = "2016-05"
kind = "learning report"
"""

QUESTION = "What did the volunteer mentors do?"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return index_invented(tmp_path_factory.mktemp("knobs"), {"mentoring.txt": REPORT}, MANIFEST)


def _assistant(built: Settings) -> Assistant:
    """An assistant on the invented index with whatever CSC_* variables the test has set."""
    return Assistant(load_settings(data_dir=built.data_dir, corpus_dir=built.corpus_dir), llm="none")


def _quotes(built: Settings) -> int:
    answer = _assistant(built).ask(QUESTION)
    assert not answer.abstained, answer.answer
    return len(answer.citations) + len(answer.more_citations)


def _numeric_knobs() -> list:
    return [
        pytest.param(v, id=v.env)
        for v in variables()
        if v.group and type(v.default) in (int, float) and not isinstance(v.default, bool)
    ]


@pytest.mark.parametrize("var", _numeric_knobs())
def test_every_numeric_knob_is_read_from_its_variable(monkeypatch: pytest.MonkeyPatch, var) -> None:  # type: ignore[no-untyped-def]
    model = type(getattr(Settings(), var.group))
    field = model.model_fields[var.name]
    # a value other than the default that its bounds allow
    bound = {type(m).__name__: m for m in field.metadata}
    step = 1 if isinstance(var.default, int) else 0.01
    value = var.default - step if "Le" in bound or "Lt" in bound else var.default + step
    monkeypatch.setenv(var.env, str(value))
    got = getattr(getattr(load_settings(), var.group), var.name)
    assert got == pytest.approx(value) and got != var.default, (var.env, got)


def test_the_quote_limit_comes_from_its_variable(built: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """CSC_MAX_QUOTES (ranking.max_quotes): the runners-up join the answer up to the limit."""
    default = _quotes(built)
    assert default >= 3  # the four sections answer it alike
    monkeypatch.setenv("CSC_MAX_QUOTES", "1")
    assert _quotes(built) == 1
    monkeypatch.setenv("CSC_MAX_QUOTES", "2")
    assert _quotes(built) == 2


def test_the_runner_up_margin_comes_from_its_variable(
    built: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CSC_RUNNER_UP_MARGIN (ranking.runner_up_margin): with none, only the best sentence is quoted."""
    assert _quotes(built) >= 3
    monkeypatch.setenv("CSC_RUNNER_UP_MARGIN", "0")
    assert _quotes(built) == 1


def test_select_is_handed_the_assistants_ranking_group(
    built: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ranking group select() reads is the Settings' own, as built from the environment."""
    seen = []
    real = compose.select

    def spy(snap, cands, ranking, **kw):  # type: ignore[no-untyped-def]
        seen.append(ranking)
        return real(snap, cands, ranking, **kw)

    import assistant.extractive as extractive

    monkeypatch.setattr(extractive, "select", spy)
    monkeypatch.setenv("CSC_CONTINUATION_MARGIN", "0.05")
    monkeypatch.setenv("CSC_RANKING__TITLE_MATCH", "95")  # the nested form reaches the same field
    asst = _assistant(built)
    asst.ask(QUESTION)
    assert seen and seen[-1] is asst.settings.ranking
    assert (seen[-1].continuation_margin, seen[-1].title_match) == (0.05, 95)


def test_the_fusion_depth_and_k_come_from_their_variables(
    built: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CSC_FUSION_CANDIDATES and CSC_RRF_K (retrieval group) reach hybrid search."""
    depths: list[int] = []
    for name in ("dense_ranking", "lexical_ranking", "sentence_ranking"):
        real = getattr(retrieve, name)

        def spy(snap, arg, n, real=real):  # type: ignore[no-untyped-def]
            depths.append(n)
            return real(snap, arg, n)

        monkeypatch.setattr(retrieve, name, spy)
    asst = _assistant(built)
    asst.ask(QUESTION)
    assert set(depths) == {30}  # the default
    depths.clear()
    monkeypatch.setenv("CSC_FUSION_CANDIDATES", "7")
    _assistant(built).ask(QUESTION)
    assert set(depths) == {7}
    # the fused score of the first passage is 1 / (k + 1) per ranking that puts it first
    monkeypatch.setenv("CSC_RRF_K", "0")
    snap = asst.snapshot()
    qvec = asst.embed(QUESTION)
    low_k = retrieve.hybrid_search(snap, QUESTION, qvec, 3, load_settings().retrieval)
    usual = retrieve.hybrid_search(snap, QUESTION, qvec, 3, asst.settings.retrieval)
    assert low_k[0].score > 1.0 > usual[0].score


def test_a_bad_knob_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.config import ConfigError

    monkeypatch.setenv("CSC_ROW_MARGIN", "-0.1")
    with pytest.raises(
        ConfigError, match=r"reading\.row_margin \(CSC_ROW_MARGIN or CSC_READING__ROW_MARGIN\)"
    ):
        load_settings()


def test_no_tuning_constant_is_left_beside_the_code() -> None:
    """The answering code holds no module-level numeric constant but the few that are not knobs."""
    import re

    root = Path(__file__).resolve().parent.parent
    constant = re.compile(r"^([A-Z_]{3,}) *(?::[^=]*)?= *[0-9.]+", re.M)
    # not knobs: a lookup's size (speed only), the reference scorer's rules, model facts, formats,
    # limits on input size, batching speed
    allowed = {
        "GRAM_MAX",
        "MAX_PASSAGE_CHARS",
        "MIN_CITATION_TOKENS",
        "VALIDITY_OVERLAP",
        "EVIDENCE_COVERAGE",
        "ANSWER_HEAD_CHARS",
        "DIM",
        "FORMAT",
        "FORMAT_VERSION",
        "MAX_TOKENS",
        "MODEL_WINDOW",
        "BATCH_TOKENS",
        "MAX_FILE_BYTES",
        "MAX_NAME_CHARS",
        "_MIN_CHARS",
    }
    found = {
        f"{path.relative_to(root)}:{m.group(1)}"
        for folder in ("assistant", "ingest")
        for path in sorted((root / folder).glob("*.py"))
        for m in constant.finditer(path.read_text(encoding="utf-8"))
        if m.group(1) not in allowed
    }
    assert found == set()
