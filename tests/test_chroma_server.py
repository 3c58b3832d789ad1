"""Server mode: the index's vectors in a real ``chroma run`` server on a loopback port.

The server runs from the project's venv with a temporary ``--path``; the data dir is temporary too
and starts from the session index's per-document caches, so nothing is re-embedded here (the
server write path, the build, the swap and the questions are all real). The server is stopped and
started again on the same port and path to show that answers survive a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHROMA = Path(sys.executable).with_name("chroma")
QUESTIONS = [
    "Who can apply for funding?",
    "Could our bid be built on an approach we've borrowed from a completely different industry?",
    "When is the second deadline for expressions of interest?",
    "How many staff did Tri-Borough train?",
    "Write me a poem about autumn leaves",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI is not installed in this venv"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """``chroma run`` in its own process group; stop() ends exactly that group."""

    def __init__(self, path: Path, port: int, log: Path) -> None:
        self.path, self.port, self.log = path, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> None:
        with self.log.open("a") as out:
            cmd = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1"]
            cmd += ["--port", str(self.port)]
            self.proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text()[-2000:]
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}: {tail}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"chroma run did not answer within {timeout:.0f}s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def collections(self) -> dict[str, int]:
        from ingest.store import http_client

        client = http_client(self.url)
        return {c.name: c.count() for c in client.list_collections()}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("chroma-server")
    srv = ChromaServer(root / "db", _free_port(), root / "chroma.log")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def server_env(server: ChromaServer):  # type: ignore[no-untyped-def]
    mp = pytest.MonkeyPatch()
    mp.setenv("CSC_CHROMA_URL", server.url)
    mp.delenv("CSC_CHROMA_FALLBACK", raising=False)
    yield server
    mp.undo()


@pytest.fixture(scope="module")
def server_settings(server_env: ChromaServer, built_settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A data dir indexed in server mode (the per-document caches are copied from the session index)."""
    from ingest.config import load_settings
    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("csc-server-data")
    shutil.copytree(built_settings.data_dir / "cache", data / "cache")
    settings = load_settings(data_dir=data)
    assert settings.chroma_url == server_env.url
    report = run_ingest(settings)
    assert report.published and report.chunks > 0, report
    return settings


def _meta(settings) -> dict:  # type: ignore[no-untyped-def]
    return json.loads((settings.current_link / "meta.json").read_text(encoding="utf-8"))


def _summary(ans) -> tuple:  # type: ignore[no-untyped-def]
    return ans.answer, ans.abstained, [(c.doc_id, c.start, c.end) for c in ans.citations]


def test_published_build_names_its_server_collection(server_settings, server: ChromaServer) -> None:  # type: ignore[no-untyped-def]
    meta = _meta(server_settings)
    build = server_settings.current_link.resolve()
    assert meta["vectors"]["backend"] == "server"
    assert meta["vectors"]["collection"] == f"csc_chunks-{build.name}"
    assert not (build / "chroma").exists()  # no embedded store in a server-mode build
    chunks = sum(1 for line in (build / "chunks.jsonl").open() if line.strip())
    assert server.collections()[meta["vectors"]["collection"]] == chunks


def test_answers_through_the_server_match_embedded_mode(server_settings, assistant_instance) -> None:  # type: ignore[no-untyped-def]
    from assistant.api import Assistant
    from assistant.evaluate import default_sets, load_set, request_for
    from ingest.store import ServerVectors

    served = Assistant(server_settings)
    assert isinstance(served.snapshot().vectors, ServerVectors)
    items = [it for p in default_sets() for it in load_set(p) if not it.get("history")][:6]
    questions = QUESTIONS + [request_for(it)["question"] for it in items]
    for q in questions:
        ans = served.ask(q)
        for c in ans.citations:  # every quote verbatim from its document
            assert served.document_text(c.doc_id)[c.start : c.end] == c.text
        assert _summary(ans) == _summary(assistant_instance.ask(q)), q
    assert served.snapshot().vectors.degraded is False
    assert served.ask(QUESTIONS[0]).citations and served.ask(QUESTIONS[-1]).abstained


def test_new_builds_get_new_collections_and_pruned_ones_are_dropped(  # type: ignore[no-untyped-def]
    server_settings, server: ChromaServer, tmp_path: Path
) -> None:
    from dataclasses import replace

    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    shutil.copytree(server_settings.corpus_dir, corpus)
    settings = replace(server_settings, corpus_dir=corpus, data_dir=tmp_path / "data")
    shutil.copytree(server_settings.data_dir / "cache", settings.data_dir / "cache")
    names = []
    dropped = corpus / "community-care-innovation-plans-2016.txt"
    text = dropped.read_bytes()
    for step in range(3):  # full corpus, one document removed, restored: three builds, two kept
        if step == 1:
            dropped.unlink()
        if step == 2:
            dropped.write_bytes(text)
        report = run_ingest(settings)
        assert report.published
        names.append(_meta(settings)["vectors"]["collection"])
    on_server = server.collections()
    assert len(set(names)) == 3
    assert names[0] not in on_server  # pruned with its build
    assert names[1] in on_server and names[2] in on_server
    assert on_server[names[1]] < on_server[names[2]]


def test_server_restart_clear_error_fallback_and_recovery(  # type: ignore[no-untyped-def]
    server_settings, server: ChromaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.api import Assistant
    from ingest.store import VectorStoreUnavailableError

    question = QUESTIONS[1]
    live = Assistant(server_settings)
    before = _summary(live.ask(question))
    collection = _meta(server_settings)["vectors"]["collection"]
    count = server.collections()[collection]

    server.stop()
    try:
        # strict mode: a specific error naming the server, not a traceback from the HTTP client
        monkeypatch.setenv("CSC_CHROMA_FALLBACK", "0")
        strict = Assistant(server_settings)  # starting while the server is down works (lazy connect)
        with pytest.raises(VectorStoreUnavailableError, match=f"vector store unavailable at {server.url}"):
            strict.ask(question)
        # default: the same answer from the build's local copy of the chunk vectors, flagged
        monkeypatch.setenv("CSC_CHROMA_FALLBACK", "1")
        t0 = time.perf_counter()
        during = live.ask(question)
        assert time.perf_counter() - t0 < 30
        assert _summary(during) == before
        assert live.snapshot().vectors.degraded is True
        assert server.url in (live.snapshot().vectors.last_error or "")
    finally:
        server.start()

    after = live.ask(question)
    assert _summary(after) == before
    assert live.snapshot().vectors.degraded is False  # back on the server
    assert server.collections()[collection] == count  # persisted in the server's path: nothing lost
    assert _summary(strict.ask(question)) == before  # the strict one reconnects too
