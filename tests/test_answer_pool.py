"""``ui.answer_pool``: answers from worker processes are the in-process answers, errors included.

``ui.server.serve(answer_workers=N)`` answers through the pool (off by default: see
``CSC_ANSWER_WORKERS`` in the settings); these tests run it over the two small documents, and
through the app's ``/ask`` endpoint once. Nothing here is timed: waits for a process to end are
bounded, never asserted on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import free_port, indexed_small_corpus, private_copy
from test_uploads import KNOWN_Q, NEW_DOC, NEW_Q

from ingest.config import Settings

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = [KNOWN_Q, "Who can apply for funding?", "What did the Zephyrine team do?"]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return indexed_small_corpus(tmp_path_factory.mktemp("answer-pool"))


@pytest.fixture
def work(base: Settings, tmp_path: Path) -> Settings:
    return private_copy(base, tmp_path)


@pytest.fixture
def pooled(work: Settings) -> Iterator[tuple[object, object]]:
    from assistant.api import Assistant
    from ui.answer_pool import AnswerPool

    assistant = Assistant(work, llm="none")
    pool = AnswerPool(assistant, 2)
    try:
        yield assistant, pool
    finally:
        pool.close()


def _same(a: dict, b: dict) -> None:
    a, b = dict(a), dict(b)
    a.pop("seconds"), b.pop("seconds")  # how long it took: the only field that may differ
    assert a == b


def test_pool_answers_are_the_in_process_answers(pooled) -> None:  # type: ignore[no-untyped-def]
    assistant, pool = pooled
    for q in QUESTIONS:
        _same(pool.ask(q).to_dict(), assistant.ask(q).to_dict())
    history = [{"q": KNOWN_Q, "a": assistant.ask(KNOWN_Q).answer}]
    _same(
        pool.ask("And when?", history=history).to_dict(),
        assistant.ask("And when?", history=history).to_dict(),
    )
    # everything but ask is the wrapped assistant's
    assert pool.documents() == assistant.documents() and pool.settings is assistant.settings


def test_refused_input_raises_the_same_error_with_its_field(pooled) -> None:  # type: ignore[no-untyped-def]
    from assistant.api import QuestionError

    _assistant, pool = pooled
    with pytest.raises(QuestionError) as caught:
        pool.ask("   ")
    with pytest.raises(QuestionError) as direct:
        _assistant.ask("   ")
    assert str(caught.value) == str(direct.value) and caught.value.field == direct.value.field == "question"


def test_workers_answer_from_a_build_published_after_they_started(pooled, work: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ingest.uploads import add_documents

    _assistant, pool = pooled
    assert not any(c.file == "quillfeather.md" for c in pool.ask(NEW_Q).citations)
    src = tmp_path / "quillfeather.md"
    src.write_text(NEW_DOC, encoding="utf-8")
    assert [r.status for r in add_documents(work, [(src, "quillfeather.md")]).results] == ["added"]
    for _ in range(4):  # each worker checks for a newer build before each answer
        assert any(c.file == "quillfeather.md" for c in pool.ask(NEW_Q).citations)


def test_a_killed_worker_is_replaced_and_the_question_still_answered(pooled) -> None:  # type: ignore[no-untyped-def]
    _assistant, pool = pooled
    victim = next(iter(pool._pool._processes.values()))  # type: ignore[attr-defined]
    victim.kill()
    victim.join(timeout=30)
    answers = [pool.ask(KNOWN_Q) for _ in range(3)]  # the first may meet the broken pool
    assert all(not a.abstained and a.citations for a in answers)
    assert all(p.is_alive() for p in pool._pool._processes.values())  # type: ignore[attr-defined]


ORPHAN = """
import os, sys
from assistant.api import Assistant
from ingest.config import load_settings
from ui.answer_pool import AnswerPool

if __name__ == "__main__":
    pool = AnswerPool(Assistant(load_settings(data_dir=sys.argv[1]), llm="none"), 2)
    print(" ".join(str(p) for p in pool._pool._processes), flush=True)
    os._exit(0)  # the app process dies without closing its pool
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie has exited; only its parent (here: init) has not collected it yet
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def test_workers_end_when_the_app_process_dies_without_closing_them(work: Settings, tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script), str(work.data_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 60
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in pids if _alive(p)]
    for p in left:  # do not leave them behind if the check failed
        os.kill(p, 9)
    assert left == []


@pytest.mark.slow
def test_the_ask_endpoint_answers_through_the_pool(pooled) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import Client

    from ui.app import build_app
    from ui.server import launch

    assistant, pool = pooled
    app = build_app(pool, feedback_path=Path(tempfile.mkdtemp(prefix="csc-pool-")) / "feedback.sqlite")
    port = free_port()
    launch(app, "127.0.0.1", port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False, download_files=False)
        got = client.predict(KNOWN_Q, None, api_name="/ask")
    finally:
        app.close()
    _same(got, assistant.ask(KNOWN_Q).to_dict())
