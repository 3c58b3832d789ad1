"""Server mode: the index's vectors in a real ``chroma run`` server on a loopback port.

The server runs from the project's venv with a temporary ``--path``; the data dir is temporary too
and starts from the session index's per-document caches, so nothing is re-embedded here (the
server write path, the build, the swap and the questions are all real). The server is stopped and
started again on the same port and path to show that answers survive a restart.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support import free_port

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHROMA = Path(sys.executable).with_name("chroma")
# one question of each kind the assistant meets (eligibility, a date, a directory lookup and list,
# a figure, lessons learnt, something the documents do not give, a writing task: last, as it abstains)
QUESTIONS = [
    "Who can apply for funding?",
    "Can a charity put in a bid on its own, without a council as partner?",
    "By what date did first-deadline applicants have to send in their full proposals?",
    "How much money did Pause get for Creating Space for Change?",
    "Which projects in the South West work with care leavers?",
    "For how long can a project be funded?",
    "What did Ealing's Brighter Futures project achieve?",
    "What is the direct phone line of the programme's minister?",
    "Compose a haiku about the sea",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI is not installed in this venv"),
]


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
    srv = ChromaServer(root / "db", free_port(), root / "chroma.log")
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
    """What the reader sees first: the answer and its sources.

    "More from the documents" is left out: it is drawn from the passages that rank near the cut,
    where the server's and the embedded approximate (HNSW) search may order near-ties differently.
    Its quotes are still checked verbatim by the caller.
    """
    return (
        ans.answer,
        ans.abstained,
        [(c.doc_id, c.start, c.end) for c in ans.citations],
    )


def test_published_build_names_its_server_collection(server_settings, server: ChromaServer) -> None:  # type: ignore[no-untyped-def]
    meta = _meta(server_settings)
    build = server_settings.current_link.resolve()
    assert meta["vectors"]["backend"] == "server"
    assert meta["vectors"]["collection"] == f"csc_chunks-{build.name}"
    assert not (build / "chroma").exists()  # no embedded store in a server-mode build
    chunks = sum(1 for line in (build / "chunks.jsonl").open() if line.strip())
    assert server.collections()[meta["vectors"]["collection"]] == chunks


def test_answers_through_the_server_match_embedded_mode(server_settings, assistant_instance) -> None:  # type: ignore[no-untyped-def]
    from assistant.api import ABSTAIN_TEXT, Assistant
    from ingest.store import ServerVectors

    served = Assistant(server_settings)
    assert isinstance(served.snapshot().vectors, ServerVectors)
    for q in QUESTIONS:
        ans = served.ask(q)
        for c in [*ans.citations, *ans.more_citations]:  # every quote verbatim from its document
            assert served.document_text(c.doc_id)[c.start : c.end] == c.text
        assert _summary(ans) == _summary(assistant_instance.ask(q)), q
    assert served.snapshot().vectors.degraded is False
    assert served.ask(QUESTIONS[0]).citations
    declined = served.ask(QUESTIONS[-1])
    assert declined.abstained and declined.answer.splitlines()[0] == ABSTAIN_TEXT, declined.answer


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
    server_settings, server: ChromaServer
) -> None:
    from dataclasses import replace

    from assistant.api import Assistant, IndexUnavailableError
    from ingest.store import VectorStoreUnavailableError

    question = QUESTIONS[1]
    live = Assistant(server_settings)
    before = _summary(live.ask(question))
    collection = _meta(server_settings)["vectors"]["collection"]
    count = server.collections()[collection]

    server.stop()
    try:
        # strict mode: a specific error naming the server, not a traceback from the HTTP client
        strict = Assistant(replace(server_settings, chroma_fallback=False))  # starts while it is down
        with pytest.raises(IndexUnavailableError, match=re.escape(f"vector server ({server.url})")) as info:
            strict.ask(question)
        assert isinstance(info.value.__cause__, VectorStoreUnavailableError)
        # default: the same answer from the build's local copy of the chunk vectors, flagged
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


def _fresh_data(built_settings, tmp_path: Path, **overrides):  # type: ignore[no-untyped-def]
    """A new data dir seeded with the session index's per-document caches (nothing re-embedded)."""
    from ingest.config import load_settings

    data = tmp_path / "data"
    shutil.copytree(built_settings.data_dir / "cache", data / "cache")
    return load_settings(data_dir=data, **overrides)


def test_settings_url_alone_reaches_the_store_and_a_backend_switch_republishes(  # type: ignore[no-untyped-def]
    server: ChromaServer, built_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from assistant.api import Assistant
    from ingest.pipeline import run_ingest
    from ingest.store import ServerVectors

    monkeypatch.delenv("CSC_CHROMA_URL", raising=False)  # the Settings value must be enough
    embedded = _fresh_data(built_settings, tmp_path, chroma_url="")
    assert run_ingest(embedded).published
    assert _meta(embedded)["vectors"]["backend"] == "embedded"

    served = replace(embedded, chroma_url=server.url)
    report = run_ingest(served)  # the same files: only the vectors' home changed
    assert report.published and report.added == report.changed == report.removed == []
    assert any("vector store changed" in w and server.url in w for w in report.warnings), report.warnings
    vectors = _meta(served)["vectors"]
    assert vectors["backend"] == "server" and vectors["url"] == server.url
    assert server.collections()[vectors["collection"]] == report.chunks
    live = Assistant(served)
    assert isinstance(live.snapshot().vectors, ServerVectors) and live.snapshot().vectors.url == server.url
    assert _summary(live.ask(QUESTIONS[0])) == _summary(Assistant(embedded).ask(QUESTIONS[0]))

    assert run_ingest(served).published is False  # nothing changed now
    back = run_ingest(embedded)
    assert back.published and _meta(embedded)["vectors"]["backend"] == "embedded"


def test_orphan_collections_of_this_data_dir_only_are_swept(  # type: ignore[no-untyped-def]
    server: ChromaServer, built_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import store
    from ingest.pipeline import run_ingest

    monkeypatch.delenv("CSC_CHROMA_URL", raising=False)
    settings = _fresh_data(built_settings, tmp_path, chroma_url=server.url)
    assert run_ingest(settings).published
    live = _meta(settings)["vectors"]["collection"]
    owner = store.owner_id(settings.index_root)
    client = store.http_client(server.url)
    ours = "csc_chunks-19990101T000000-1-1"  # a build killed after its vectors were written
    theirs = "csc_chunks-19990101T000000-2-2"  # another data dir's, sharing the server
    client.create_collection(ours, metadata={store.OWNER_KEY: owner})
    client.create_collection(theirs, metadata={store.OWNER_KEY: "another-data-dir"})
    client.create_collection("unrelated", metadata={store.OWNER_KEY: owner})
    try:
        report = run_ingest(settings)  # unchanged sources: nothing published, orphans swept
        assert report.published is False
        on_server = server.collections()
        assert ours not in on_server
        assert theirs in on_server and "unrelated" in on_server and live in on_server
    finally:
        for name in (theirs, "unrelated"):
            store.drop_collection(server.url, name)


def test_the_server_s_dense_ranking_is_the_exact_one(server_settings, assistant_instance) -> None:  # type: ignore[no-untyped-def]
    # the server's approximate search is asked for twice as many and cut by exact distance, so the
    # ranking fusion reads is the embedded build's exact one, in order
    from assistant.api import Assistant
    from assistant.retrieve import dense_ranking, exact_ranking

    served = Assistant(server_settings)
    snap = served.snapshot()
    depth = served.settings.retrieval.fusion_candidates  # how deep hybrid_search asks
    for q in QUESTIONS:
        qvec = served.embed(q)
        got = [row for row, _s in dense_ranking(snap, qvec, depth)]
        want = [row for row, _s in exact_ranking(snap.chunk_vecs, qvec, depth)]
        assert got == want, q
