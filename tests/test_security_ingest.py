"""Ingest that a careless operator or a hostile file cannot turn against the index (issue 14, 6-9, 12).

Symlinks out of the corpus, dangling links, a flood of identical pages, a copied data dir, and
``kill -9`` at every step of publishing and pruning. A small two-document corpus is indexed once
per module; each test works on its own copy.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support import EOI, NEWS, indexed_small_corpus, private_copy, small_corpus
from test_crash_safety import _assert_complete, _readline, _touch
from test_uploads import KNOWN_Q, known_answer_ok

from ingest import store
from ingest.config import Settings, load_settings
from ingest.loaders import LoadError, load_file
from ingest.pipeline import run_ingest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return indexed_small_corpus(tmp_path_factory.mktemp("security-ingest"))


@pytest.fixture
def work(base: Settings, tmp_path: Path) -> Settings:
    """A private data dir *and* corpus (these tests add files to the corpus)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(base.corpus_dir, corpus)
    copy = private_copy(base, tmp_path)
    return load_settings(data_dir=copy.data_dir, corpus_dir=corpus)


# -- 9: symbolic links -----------------------------------------------------------------------------


def test_symlinks_out_of_the_corpus_are_refused_by_name_and_dangling_ones_reported(
    work: Settings, tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "private-notes.txt"
    secret.parent.mkdir()
    secret.write_text("Private: the server's backup key is ZEBRA-4419.\n", encoding="utf-8")
    (work.corpus_dir / "notes-link.txt").symlink_to(secret)
    (work.corpus_dir / "gone.txt").symlink_to(tmp_path / "no-such-file.txt")
    (work.corpus_dir / "same-news.txt").symlink_to(work.corpus_dir / NEWS)  # inside: followed
    report = run_ingest(work)
    skipped = dict(report.skipped)
    assert "outside the corpus/ folder" in skipped["notes-link.txt"], skipped
    assert "dangling" in skipped["gone.txt"] and "no-such-file.txt" in skipped["gone.txt"]
    assert "same-news.txt" in report.added
    chunks = store.read_chunks(store.current_build(work.index_root))  # type: ignore[arg-type]
    assert not any("ZEBRA-4419" in c.text for c in chunks)
    assert {c.file for c in chunks} == {NEWS, EOI, "same-news.txt"}


# -- 6: repetitive content -------------------------------------------------------------------------


def test_repeated_passages_are_stored_once_and_answers_do_not_change(work: Settings) -> None:
    from assistant.api import Assistant

    before = Assistant(work).ask(KNOWN_Q)
    page = (
        "Quarterly template. This page intentionally repeats the same boilerplate text about "
        "funding, innovation, councils and children's social care programmes for every page.\n\n"
    )
    (work.corpus_dir / "repetitive-template.txt").write_text(page * 3000, encoding="utf-8")
    report = run_ingest(work)
    assert report.published and "repetitive-template.txt" in report.added
    note = next(n for n in report.notes if n.startswith("repetitive-template.txt: "))
    assert int(note.split()[1]) > 100 and note.endswith("repeated passages stored once"), note
    build = store.current_build(work.index_root)
    assert build is not None
    rows = [c for c in store.read_chunks(build) if c.file == "repetitive-template.txt"]
    assert len(rows) <= 2, len(rows)  # 3,000 identical pages: the repeated chunk once (and the tail)
    after = Assistant(work).ask(KNOWN_Q)
    assert (after.answer, [c.doc_id for c in after.citations]) == (
        before.answer,
        [c.doc_id for c in before.citations],
    )


def test_dedupe_keeps_same_text_under_different_headings() -> None:
    from ingest.models import Chunk
    from ingest.pipeline import dedupe_chunks

    def chunk(i: int, section: str, text: str) -> Chunk:
        return Chunk(f"d:{i}", "d", "d.txt", "T", "", "other", section, None, None, 0, 1, text)

    chunks = [chunk(0, "A", "Same  text."), chunk(1, "A", "same text."), chunk(2, "B", "Same text.")]
    kept, collapsed = dedupe_chunks(chunks)
    assert [c.chunk_id for c in kept] == ["d:0", "d:2"] and collapsed == 1


# -- 7: a copied data dir ------------------------------------------------------------------------


def test_a_copied_data_dir_gets_its_own_owner_id(work: Settings, tmp_path: Path) -> None:
    original = store.owner_id(work.index_root)
    assert store.owner_id(work.index_root) == original  # stable in place
    copy = tmp_path / "copy"
    shutil.copytree(work.data_dir, copy, symlinks=True)
    assert store.owner_id(copy / "index") != original  # a copy never passes for the original
    assert store.owner_id(work.index_root) == original
    moved = tmp_path / "moved-index"
    os.rename(work.index_root, moved)  # a move (same folder) keeps it
    assert store.owner_id(moved) == original
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "owner-id").write_text("0123456789abcdef", encoding="utf-8")  # the older plain form
    assert store.owner_id(legacy) == "0123456789abcdef"
    assert json.loads((legacy / "owner-id").read_text())["id"] == "0123456789abcdef"


# -- 8: pruning chooses by the record, never by folder times --------------------------------------


def test_pruning_keeps_the_recorded_fallback_not_the_newest_folder(work: Settings) -> None:
    first = store.current_build(work.index_root)
    _touch(work, 1)
    assert run_ingest(work).published
    second = store.current_build(work.index_root)
    assert store.read_record(work.index_root) == {"live": second.name, "fallback": first.name}  # type: ignore[union-attr]
    # a build killed after its meta.json (never published, no derived tables), newer than both
    stray = store.new_build_dir(work.index_root)
    shutil.copytree(second, stray, dirs_exist_ok=True)  # type: ignore[arg-type]
    half = work.index_root / "builds" / f"{store.TRASH_PREFIX}{first.name}-old"  # type: ignore[union-attr]
    half.mkdir()
    _touch(work, 2)
    assert run_ingest(work).published
    third = store.current_build(work.index_root)
    names = sorted(p.name for p in (work.index_root / "builds").iterdir())
    assert names == sorted([second.name, third.name])  # type: ignore[union-attr]
    assert store.fallback_build(work.index_root) == second
    assert store.rollback(work.index_root) == second
    assert store.current_build(work.index_root) == second
    known_answer_ok(work)


ZYGOTE = r"""
import os, sys, signal
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
import torch
torch.set_num_threads(1)
from pathlib import Path
from ingest.config import load_settings
from ingest.embeddings import embedder
from ingest.tokens import token_counter
from ingest.pipeline import run_ingest
import ingest.lexical, ingest.store, chromadb, langchain_chroma  # noqa: F401
settings = load_settings(data_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2]))
embedder(settings.model_path)
token_counter(settings.model_path)
print("ready", flush=True)
for line in sys.stdin:
    step = line.split()[1]
    pid = os.fork()
    if pid == 0:
        seen = set()
        def hook(name, step=step):
            seen.add(name)
            # the step of this run's own publish (cleaning up after the last kill prunes too)
            if name == step and "meta-written" in seen:
                os.kill(os.getpid(), signal.SIGKILL)  # kill -9 exactly here
        ingest.store._hook = hook
        code = 1
        try:
            code = 0 if run_ingest(settings).published else 3
        finally:
            os._exit(code)
    print(f"child {pid}", flush=True)
    _, status = os.waitpid(pid, 0)
    print(f"exit {pid} {status}", flush=True)
"""

STEPS = ("meta-written", "swapped", "recorded", "trashed", "deleting")


def _fallback_complete(settings: Settings) -> Path | None:
    fallback = store.fallback_build(settings.index_root)
    if fallback is None:
        return None
    meta = store.read_meta(fallback)
    assert len(store.read_chunks(fallback)) == sum(d["chunks"] for d in meta["documents"])
    for part in ("chunk_vecs.npy", "sent_spans.npy", "sent_vecs.npy", "bm25", "chroma"):
        assert (fallback / part).exists(), (fallback, part)
    return fallback


@pytest.mark.slow
def test_kill_dash_nine_at_every_publish_and_prune_step(tmp_path: Path) -> None:
    """20 kills, four at each step from "meta.json written" to "half the old build deleted"."""
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=small_corpus(tmp_path))
    for p in settings.corpus_dir.glob("*.txt"):
        p.chmod(0o644)
    assert run_ingest(settings).published
    _touch(settings, 0)
    assert run_ingest(settings).published  # a live build and a fallback from the start
    proc = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(settings.data_dir), str(settings.corpus_dir)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    log = []
    try:
        assert _readline(proc, 180) == "ready"
        for run in range(1, 21):
            step = STEPS[run % len(STEPS)]
            _touch(settings, run)
            before = store.current_build(settings.index_root)
            proc.stdin.write(f"go {step}\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            pid = _readline(proc, 60).split()[1]
            line = _readline(proc, 180).split()
            assert line[1] == pid, line
            status = int(line[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (run, step, status)
            live = _assert_complete(settings)
            assert (live == before) == (step == "meta-written"), (run, step)
            fallback = _fallback_complete(settings)  # a rollback target is always whole
            assert fallback is not None and fallback != live, (run, step)
            log.append((run, step, live.name, fallback.name))
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert len(log) == 20
    # the next ingest clears what the kills left and keeps exactly the live and the fallback build
    report = run_ingest(settings)
    assert report.ok
    live = _assert_complete(settings)
    fallback = _fallback_complete(settings)
    builds = sorted(p.name for p in (settings.index_root / "builds").iterdir())
    assert builds == sorted([live.name, fallback.name])  # type: ignore[union-attr]
    known_answer_ok(settings)
    # and rolling back works
    assert store.rollback(settings.index_root) == fallback
    known_answer_ok(settings)


# -- 12: the smaller items -------------------------------------------------------------------------


def test_size_limit_reads_in_the_documented_unit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (51 * 1024 * 1024))
    with pytest.raises(LoadError) as err:
        load_file(big, max_bytes=50 * 1024 * 1024)
    assert "the limit is 50 MB" in err.value.reason and "52.4" not in err.value.reason, err.value.reason


def test_utf16_without_a_bom_is_named_as_such(tmp_path: Path) -> None:
    for enc in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes("Children's social care innovation programme report.\n".encode(enc))
        with pytest.raises(LoadError) as err:
            load_file(path)
        assert "looks like UTF-16 without a byte-order mark" in err.value.reason, err.value.reason


def test_refused_file_is_not_also_warned_about_the_manifest(work: Settings) -> None:
    (work.corpus_dir / "empty-notes.txt").write_text("   \n", encoding="utf-8")
    report = run_ingest(work)
    assert "empty-notes.txt" in dict(report.skipped)
    assert not any("empty-notes.txt" in w for w in report.warnings), report.warnings


def test_pypdf_warnings_do_not_reach_stderr(tmp_path: Path) -> None:
    from support import pdf_bytes

    data = pdf_bytes(["Innovation programme page one."])
    broken = data.replace(b"startxref", b"startxref\n999999\n%%", 1)  # a wrong xref offset: pypdf warns
    path = tmp_path / "odd.pdf"
    path.write_bytes(broken)
    code = (
        "import sys, logging; from pathlib import Path; from ingest.loaders import load_file\n"
        "logging.basicConfig(level=logging.WARNING)\n"
        f"print(load_file(Path({str(path)!r})).text.strip()[:40])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Innovation programme page one." in out.stdout
    assert "pypdf" not in out.stderr and "startxref" not in out.stderr.lower(), out.stderr
