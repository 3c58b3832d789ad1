"""The command line under bad input: clear one-line messages, never tracebacks (issue 14, 10-11).

Runs ``ui.cli.main`` in-process over a small indexed corpus (the model is loaded once per session).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from support import NEWS, free_port, indexed_small_corpus, private_copy
from test_uploads import KNOWN_Q

from ingest import store
from ingest.config import Settings
from ui.cli import EXIT_ERROR, EXIT_OK, main


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return indexed_small_corpus(tmp_path_factory.mktemp("security-cli"))


@pytest.fixture
def env(base: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CSC_DATA_DIR", str(base.data_dir))
    monkeypatch.setenv("CSC_CORPUS_DIR", str(base.corpus_dir))
    return base


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_jsonl_bad_lines_get_one_error_each_and_later_lines_are_answered(
    env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the parser's recursion limit
        b'{"question": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b"\xff\xfe not utf-8 {}",
        b'{"question": 42}',
        b'{"question": "x", "history": "not a list"}',
        b'{"question": "x", "history": [{"q": {"deep": 1}}]}',
        b"not json",
        json.dumps({"question": KNOWN_Q}).encode(),
    ]
    _stdin(monkeypatch, b"\n".join(lines) + b"\n")
    assert main(["ask", "--jsonl"]) == EXIT_OK
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == len(lines)
    for i, obj in enumerate(out[:-1], 1):
        assert obj["error"].startswith(f"line {i}"), obj
    assert "nested too deeply" in out[0]["error"] and "nested too deeply" in out[1]["error"]
    assert "not UTF-8" in out[2]["error"]
    assert "error" not in out[-1] and "£110m" in json.dumps(out[-1], ensure_ascii=False)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        ("{not json", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"q": "a"}', "expected a JSON list"),
        ('[{"q": 1}]', "turn 1"),
    ],
)
def test_history_file_problems_are_one_line_messages(
    env: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    expected: str,
) -> None:
    path = tmp_path / "history.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["ask", "--history", str(path), KNOWN_Q]) == EXIT_ERROR
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: --history {path}") and expected in err, err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_ingest_with_the_chroma_server_down_says_so_and_keeps_the_index(
    base: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = private_copy(base, tmp_path)
    live = store.current_build(work.index_root)
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    monkeypatch.setenv("CSC_DATA_DIR", str(work.data_dir))
    monkeypatch.setenv("CSC_CORPUS_DIR", str(work.corpus_dir))
    monkeypatch.setenv("CSC_CHROMA_URL", down)
    assert main(["ingest", "--quiet"]) == EXIT_ERROR
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and down in lines[0] and "previous index is kept" in lines[0], err
    assert "Traceback" not in err
    assert store.current_build(work.index_root) == live
    assert any(d["file"] == NEWS for d in store.read_meta(live)["documents"])  # type: ignore[arg-type]


def test_help_documents_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "exit status: 0" in capsys.readouterr().out
