"""Crash safety: ``kill -9`` an ingest at random moments, over and over, then start again.

A warm "zygote" subprocess imports the pipeline and loads the embedding model once, then
forks one child per ingest, so each child starts working at once and the random kill lands
inside real ingest work (loading, chunking, embedding, writing caches, writing the build,
publishing) rather than in Python start-up. Before every run one corpus file is changed,
so every run re-embeds and writes a new build. After at least 20 kills, the index must
still be the last complete build, answer questions, and a normal re-run must complete and
leave no half-written junk behind.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import small_corpus
from test_uploads import KNOWN_Q, known_answer_ok

from ingest import store
from ingest.config import Settings, load_settings
from ingest.pipeline import run_ingest

REPO = Path(__file__).resolve().parent.parent
KILLS = 20
MAX_RUNS = 60

ZYGOTE = r"""
import os, sys, json
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
import torch
torch.set_num_threads(1)  # no OpenMP pool in the parent: forked children compute safely
from pathlib import Path
from ingest.config import load_settings
from ingest.embeddings import embedder
from ingest.tokens import token_counter
from ingest.pipeline import run_ingest
import ingest.lexical, ingest.store, chromadb, langchain_chroma  # noqa: F401  (imported once, here)
settings = load_settings(data_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2]))
embedder(settings.model_path)
token_counter(settings.model_path)
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            report = run_ingest(settings)
            code = 0 if report.published else 3
        finally:
            os._exit(code)
    print(f"child {pid}", flush=True)
    _, status = os.waitpid(pid, 0)
    print(f"exit {pid} {status}", flush=True)
"""


def _readline(proc: subprocess.Popen, timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        raise TimeoutError(f"no output from the ingest zygote within {timeout} s")
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("the ingest zygote exited")
    return line.strip()


def _touch(settings: Settings, n: int) -> None:
    """Change a corpus file, so the next ingest must re-embed it and write a new build."""
    for path in sorted(settings.corpus_dir.glob("community-care-*.txt")):
        text = path.read_text(encoding="utf-8").split("\nRevision marker", 1)[0]
        path.write_text(
            f"{text}\nRevision marker {n}: this copy was revised for run {n}.\n", encoding="utf-8"
        )


def _assert_complete(settings: Settings) -> Path:
    """``current`` points at a complete build whose parts agree with its meta.json."""
    link = settings.index_root / "current"
    assert link.is_symlink()
    build = store.current_build(settings.index_root)
    assert build is not None and (build / "meta.json").exists()
    meta = store.read_meta(build)
    chunks = store.read_chunks(build)
    assert len(chunks) == sum(d["chunks"] for d in meta["documents"]) > 0
    for d in meta["documents"]:
        assert (build / "texts" / f"{d['doc_id']}.txt").exists()
    for part in ("chunk_vecs.npy", "sent_spans.npy", "sent_vecs.npy", "bm25", "chroma"):
        assert (build / part).exists(), part
    return build


@pytest.mark.slow
def test_kill_dash_nine_during_ingest_never_breaks_the_index(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=small_corpus(tmp_path))
    for p in settings.corpus_dir.glob("*.txt"):
        p.chmod(0o644)
    assert run_ingest(settings).published
    rng = random.Random(int(os.environ.get("CSC_CRASH_SEED", "20161")))
    proc = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(settings.data_dir), str(settings.corpus_dir)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    kills = completed = runs = 0
    log: list[dict] = []
    try:
        assert _readline(proc, 180) == "ready"
        assert proc.stdin is not None

        def start(n: int) -> tuple[int, float]:
            _touch(settings, n)
            proc.stdin.write("go\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            line = _readline(proc, 60)
            assert line.startswith("child "), line
            return int(line.split()[1]), time.monotonic()

        def finish(pid: int, timeout: float) -> int:
            line = _readline(proc, timeout)
            assert line.startswith(f"exit {pid} "), line
            return int(line.split()[2])

        # calibrate: how long one uninterrupted, re-embedding ingest takes here
        pid, t0 = start(0)
        assert finish(pid, 120) == 0
        duration = time.monotonic() - t0
        last_complete = _assert_complete(settings)
        while kills < KILLS and runs < MAX_RUNS:
            runs += 1
            pid, t0 = start(runs)
            delay = rng.uniform(0.0, duration * 1.1)
            time.sleep(delay)
            killed = True
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # already finished
                killed = False
            status = finish(pid, 120)
            killed = killed and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            if killed:
                kills += 1
            else:
                assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
                completed += 1
            build = _assert_complete(settings)
            # a kill before the swap leaves the previous build current, one after it the new one;
            # either way ``current`` is complete (checked above)
            last_complete = build
            log.append({"run": runs, "delay": round(delay, 3), "killed": killed, "build": build.name})
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert kills >= KILLS, json.dumps(log, indent=1)

    # the next start serves the last complete index
    assert _assert_complete(settings) == last_complete
    from assistant.api import Assistant

    ans = Assistant(settings).ask(KNOWN_Q)
    assert not ans.abstained and any("£110m" in c.text for c in ans.citations)

    # a normal re-run completes, brings the index up to date and clears what the kills left
    report = run_ingest(settings)
    assert report.ok, report.skipped
    final = _assert_complete(settings)
    assert report.build == final
    marker = f"Revision marker {runs}:"
    assert any(marker in c.text for c in store.read_chunks(final)), "the last revision is indexed"
    known_answer_ok(settings)
    assert not list((settings.data_dir / "cache").glob("*.tmp"))
    assert not list(settings.index_root.glob(".current-*"))
    builds = list((settings.index_root / "builds").iterdir())
    assert all((b / "meta.json").exists() for b in builds), builds
    assert len(builds) <= 2


def test_leftovers_of_a_killed_ingest_are_cleared_and_the_fallback_kept(tmp_path: Path) -> None:
    """What a kill leaves (a ``.tmp`` cache, a build without meta.json, a stray swap link) is removed
    by the next ingest, and the pruning keeps the last *complete* build as the fallback."""
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=small_corpus(tmp_path))
    for p in settings.corpus_dir.glob("*.txt"):
        p.chmod(0o644)
    assert run_ingest(settings).published
    first = _assert_complete(settings)
    _touch(settings, 1)
    assert run_ingest(settings).published
    second = _assert_complete(settings)
    # simulate a kill during the third run: half a cache, half a build (newest), a stray link
    half_cache = settings.data_dir / "cache" / "0123abcd.tmp"
    half_cache.mkdir()
    (half_cache / "text.txt").write_text("partial", encoding="utf-8")
    time.sleep(0.05)
    half_build = store.new_build_dir(settings.index_root)
    (half_build / "chunks.jsonl").write_text("{half", encoding="utf-8")
    os.symlink(half_build.name, settings.index_root / ".current-99999")
    assert store.current_build(settings.index_root) == second  # the kill changed nothing visible
    _touch(settings, 2)
    report = run_ingest(settings)
    assert report.published
    third = _assert_complete(settings)
    assert not half_cache.exists() and not half_build.exists()
    assert not (settings.index_root / ".current-99999").is_symlink()
    builds = sorted((settings.index_root / "builds").iterdir())
    assert builds == sorted([second, third]), builds  # the fallback is the last complete build
    assert not first.exists()
