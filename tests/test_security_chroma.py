"""A copied data dir sharing one Chroma server with the original (issue 14, point 7).

Reproduction: ingest data dir A into a Chroma server; copy A to B; change the corpus and ingest B
twice with the server unset. Before the fix B's pruning dropped A's live collection (same build
names, same collection names); and ``ingest`` on A then said "up to date" without repairing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import indexed_small_corpus
from test_chroma_server import CHROMA, ChromaServer, server  # noqa: F401  (the module's server fixture)
from test_crash_safety import _touch
from test_uploads import known_answer_ok

from ingest import store
from ingest.config import Settings, load_settings
from ingest.pipeline import run_ingest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI is not installed in this venv"),
]


def _collection(settings: Settings) -> str:
    build = store.current_build(settings.index_root)
    assert build is not None
    return str(store.read_meta(build)["vectors"]["collection"])


def test_a_copy_never_drops_the_originals_collection_and_a_lost_one_is_rebuilt(
    server: ChromaServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CSC_CHROMA_FALLBACK", "0")  # a lost collection must show, not be papered over
    base = indexed_small_corpus(tmp_path / "a")
    a = load_settings(data_dir=base.data_dir, corpus_dir=base.corpus_dir, chroma_url=server.url)
    assert run_ingest(a).published  # embedded -> server
    live_a = _collection(a)
    assert live_a in server.collections()

    corpus_b = tmp_path / "b-corpus"
    shutil.copytree(a.corpus_dir, corpus_b)
    shutil.copytree(a.data_dir, tmp_path / "b-data", symlinks=True)
    b = load_settings(data_dir=tmp_path / "b-data", corpus_dir=corpus_b)  # the server unset
    for n in (1, 2):
        _touch(b, n)
        assert run_ingest(b).published
    assert live_a in server.collections(), "B's pruning dropped A's live collection"
    known_answer_ok(a)  # A answers from its server collection (fallback off)

    # the live collection lost anyway (dropped by hand): ingest on A notices and rebuilds it
    store.http_client(server.url).delete_collection(live_a)
    report = run_ingest(a)
    assert report.published, report
    assert any("missing from the Chroma server" in w for w in report.warnings), report.warnings
    assert _collection(a) in server.collections()
    known_answer_ok(a)
