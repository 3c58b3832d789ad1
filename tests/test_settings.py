"""``ingest.config.Settings``: CSC_* variables (short and nested), keyword overrides, clear errors,
immutability, and documentation (every field says why it exists and is in the README)."""

from __future__ import annotations

import dataclasses
import os
import re
from datetime import date
from pathlib import Path

import pytest

from ingest.config import (
    FLAT_GROUPS,
    PROJECT_ROOT,
    ConfigError,
    Settings,
    _flat_names,
    load_settings,
    variables,
)


def test_defaults_without_any_variable() -> None:
    harness = {"CSC_CRASH_SEED", "CSC_UPDATE_SCREENSHOTS"}  # kept by conftest, as are CSC_TEST_*
    assert not [k for k in os.environ if k.startswith("CSC_") and k not in harness and "_TEST_" not in k]
    s = load_settings()
    assert s.data_dir == PROJECT_ROOT / "data" and s.corpus_dir == PROJECT_ROOT / "corpus"
    assert (s.top_k, s.max_chunk_tokens, s.max_upload_mb) == (10, 230, 50)
    assert s.chroma_url == "" and s.chroma_fallback is True
    assert s.today == date.today() and s.llm.backend == "" and s.admin.user is None
    assert (s.server.host, s.server.port) == ("127.0.0.1", 7860)
    assert s.index_root == s.data_dir / "index" and s.max_upload_bytes == 50 * 1024 * 1024


def test_short_variables_set_their_fields(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CSC_TOP_K", "7")
    monkeypatch.setenv("CSC_DATA_DIR", str(tmp_path / "d" / ".." / "data"))
    monkeypatch.setenv("CSC_CHROMA_FALLBACK", "0")
    monkeypatch.setenv("CSC_CHROMA_URL", "  http://chroma:8000 ")
    monkeypatch.setenv("CSC_TODAY", "2016-08-01")
    monkeypatch.setenv("CSC_MIN_FOCUS", "0.5")
    monkeypatch.setenv("CSC_LLM", "ollama")  # the backend's name, not the llm group as JSON
    monkeypatch.setenv("CSC_LLM_BASE_URL", "http://gpu:11434")
    monkeypatch.setenv("CSC_LLM_MAX_TOKENS", "99")
    monkeypatch.setenv("CSC_HOST", "0.0.0.0")
    monkeypatch.setenv("CSC_PORT", "8123")
    monkeypatch.setenv("CSC_QUEUE_MAX", "5")
    s = load_settings()
    assert s.top_k == s.retrieval.top_k == 7
    assert s.data_dir == (tmp_path / "data").resolve()  # made absolute, as before
    assert s.chroma_fallback is False and s.chroma_url == "http://chroma:8000"
    assert s.today == date(2016, 8, 1)
    assert s.min_focus == s.answer.min_focus == 0.5
    assert (s.llm.backend, s.llm.base_url, s.llm.max_tokens) == ("ollama", "http://gpu:11434", 99)
    assert (s.server.host, s.server.port, s.server.queue_max) == ("0.0.0.0", 8123, 5)


def test_nested_variables_and_which_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSC_ANSWER__ANSWER_CHARS", "450")
    monkeypatch.setenv("CSC_SERVER__CONCURRENCY", "2")
    s = load_settings()
    assert s.answer_chars == s.answer.answer_chars == 450 and s.server.concurrency == 2
    monkeypatch.setenv("CSC_TOP_K", "7")
    monkeypatch.setenv("CSC_RETRIEVAL__TOP_K", "9")
    assert load_settings().top_k == 9  # the nested form is the more specific one


def test_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CSC_TOP_K", "CSC_CHROMA_FALLBACK", "CSC_TODAY", "CSC_DATA_DIR", "CSC_LLM", "CSC_PORT"):
        monkeypatch.setenv(name, "")
    s = load_settings()
    assert (s.top_k, s.chroma_fallback, s.today) == (10, True, date.today())
    assert s.data_dir == PROJECT_ROOT / "data"
    assert s.llm.backend == "" and s.server.port == 7860


def test_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CSC_TOP_K", "7")
    monkeypatch.setenv("CSC_RETRIEVAL__TOP_K", "9")
    monkeypatch.setenv("CSC_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("CSC_LLM_MODEL", "from-env")
    s = load_settings(top_k=3, data_dir=tmp_path / "kw", answer_chars=300, today=date(2020, 1, 2))
    assert (s.top_k, s.data_dir, s.answer_chars, s.today) == (3, tmp_path / "kw", 300, date(2020, 1, 2))
    assert s.llm.model == "from-env"  # groups not overridden still come from the environment
    assert load_settings(llm={"model": "kw"}).llm.model == "kw"


def test_a_bad_value_names_the_field_and_its_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSC_TOP_K", "abc")
    with pytest.raises(ConfigError) as err:
        load_settings()
    msg = str(err.value)
    assert "retrieval.top_k" in msg and "CSC_TOP_K" in msg and "CSC_RETRIEVAL__TOP_K" in msg
    assert "integer" in msg and "'abc'" in msg
    assert isinstance(err.value, ValueError)
    monkeypatch.delenv("CSC_TOP_K")
    monkeypatch.setenv("CSC_PORT", "99999")
    with pytest.raises(ConfigError, match=r"server\.port \(CSC_PORT or CSC_SERVER__PORT\)"):
        load_settings()
    monkeypatch.delenv("CSC_PORT")
    with pytest.raises(ConfigError, match="top_kk"):  # a misspelt keyword is not silently ignored
        load_settings(top_kk=3)
    with pytest.raises(ConfigError, match="answer.min_focus"):
        load_settings(min_focus=2.0)


def test_secrets_stay_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.llm import LLMConfig

    monkeypatch.setenv("CSC_ADMIN_USER", "staff")
    monkeypatch.setenv("CSC_ADMIN_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("CSC_LLM", "openai-compatible")
    monkeypatch.setenv("CSC_LLM_API_KEY", "sk-very-secret")
    s = load_settings()
    assert s.admin.password is not None and s.admin.password.get_secret_value() == "hunter2-secret"
    assert "hunter2" not in repr(s) and "sk-very" not in repr(s)
    config = LLMConfig.from_settings(s)
    assert config is not None and config.api_key == "sk-very-secret" and "sk-very" not in repr(config)


def test_settings_are_immutable_hashable_and_replaceable(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path)
    with pytest.raises(ValueError):
        s.top_k = 3  # type: ignore[misc]
    with pytest.raises(ValueError):
        s.retrieval.top_k = 3  # type: ignore[misc]
    assert hash(s) == hash(load_settings(data_dir=tmp_path, today=s.today)) and s == s.replace()
    later = dataclasses.replace(s, today=date(2016, 8, 1), chroma_fallback=False)  # as older code does
    assert isinstance(later, Settings) and later.today == date(2016, 8, 1) and not later.chroma_fallback
    assert s.chroma_fallback and s.today == date.today() and later.data_dir == s.data_dir
    assert s.replace(top_k=4).top_k == 4 and s.top_k == 10
    with pytest.raises(ConfigError, match="retrieval.top_k"):
        s.replace(top_k="many")


def test_every_field_says_why_it_exists() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) >= 20, name
    for var in variables():
        assert len(var.description) >= 30 and var.description[0].isupper(), (var.env, var.description)
        assert var.env.startswith("CSC_") and var.env == var.env.upper(), var
    envs = [v.env for v in variables()] + [v.nested_env for v in variables() if v.nested_env != v.env]
    assert len(envs) == len(set(envs)), "two settings share a variable"


def test_flat_names_are_attributes_and_keywords() -> None:
    s = load_settings()
    flat = _flat_names()
    # the names used before the groups existed stay flat; fields added since go by their group
    assert {"data_dir", "model_path", "top_k", "min_focus", "unknown_name_cos"} <= flat.keys()
    assert not {"hnsw_ef", "rrf_k", "coverage_tie", "sentence_rescue_cos"} & flat.keys()
    assert set(flat.values()) == set(FLAT_GROUPS)
    for name, group in flat.items():
        assert getattr(s, name) == getattr(getattr(s, group), name), name
        assert getattr(load_settings(**{name: getattr(s, name)}), group) == getattr(s, group), name
    with pytest.raises(ConfigError, match="rrf_k"):
        load_settings(rrf_k=10)  # not flat: load_settings(retrieval={"rrf_k": 10})
    assert load_settings(retrieval={"rrf_k": 10}).retrieval.rrf_k == 10


def test_readme_documents_every_variable() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(CSC_[A-Z_]+)`", table))
    missing = [v.env for v in variables() if v.env not in documented]
    assert not missing, f"add to README's Configuration table: {missing}"


def test_readme_gives_each_numeric_default_as_the_settings_have_it() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(CSC_[A-Z_]+)` \| ([0-9.]+) \|", table, re.M)
    assert len(rows) >= 8
    s = Settings()
    by_env = {v.env: v for v in variables()}
    wrong = []
    for env, written in rows:
        var = by_env.get(env)
        if var is None:
            continue
        actual = getattr(getattr(s, var.group), var.name)
        if float(written) != float(actual):
            wrong.append(f"{env}: README {written}, Settings {actual}")
    assert wrong == []


def test_the_language_model_is_configured_through_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.llm import LLMConfig, load_chat_model

    assert LLMConfig.from_settings(load_settings()) is None  # default: extractive, no model
    s = load_settings(llm={"backend": "llama.cpp", "model_path": "/models/x.gguf", "n_ctx": 1024})
    config = LLMConfig.from_settings(s)
    assert config is not None and config.backend == "llamacpp"  # the alias is normalised
    assert (config.model_path, config.n_ctx) == ("/models/x.gguf", 1024)
    assert LLMConfig.from_settings(s, backend="none") is None  # --llm none
    monkeypatch.setenv("CSC_LLM", "ollama")
    monkeypatch.setenv("CSC_LLM_MODEL", "llama3.1:8b")
    from_env = LLMConfig.from_env()
    assert from_env is not None and (from_env.backend, from_env.model) == ("ollama", "llama3.1:8b")
    assert load_chat_model(settings=load_settings(llm={"backend": "none"})) is None


def test_server_defaults_come_from_settings() -> None:
    from ui import server as app_server

    server = load_settings().server
    assert (server.host, server.port) == (app_server.DEFAULT_HOST, app_server.DEFAULT_PORT)
    assert (server.concurrency, server.queue_max) == (app_server.ASK_CONCURRENCY, app_server.QUEUE_MAX)


def test_cli_reports_a_bad_setting_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import EXIT_ERROR, build_parser, main

    args = build_parser().parse_args(["serve"])
    assert args.host is None and args.port is None  # resolved by Settings when serving
    monkeypatch.setenv("CSC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CSC_MAX_UPLOAD_MB", "lots")
    assert main(["feedback", "export", str(tmp_path / "fb.csv")]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "error: invalid setting" in err and "CSC_MAX_UPLOAD_MB" in err and "Traceback" not in err
