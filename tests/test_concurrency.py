"""Consistency under concurrency: questions during ingests, and ingests that overlap.

Questions asked while an ingest runs must be answered from the old index or the new one,
never fail and never see a half-built build; two ingests at once (threads or processes)
are serialised by the ingest lock, and two uploads at once both end up indexed.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import indexed_small_corpus, private_copy
from test_uploads import KNOWN_Q, NEW_DOC, NEW_Q

from ingest import store
from ingest.config import Settings
from ingest.pipeline import run_ingest
from ingest.uploads import add_documents

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return indexed_small_corpus(tmp_path_factory.mktemp("concurrency"))


@pytest.fixture
def work(base: Settings, tmp_path: Path) -> Settings:
    return private_copy(base, tmp_path)


def test_questions_during_ingests_see_old_or_new_never_half(work: Settings, tmp_path: Path) -> None:
    from assistant.api import Assistant
    from assistant.snapshot import Snapshot

    assistant = Assistant(work)
    assistant.ask(KNOWN_Q)  # warm: loaded snapshot and embedder
    published: list[Path] = [store.current_build(work.index_root)]  # type: ignore[list-item]
    loaded: list[tuple[Path, bool, int]] = []  # (build, had meta.json, number of documents)
    real_load = Snapshot.load.__func__  # type: ignore[attr-defined]

    def recording_load(cls, index_root: Path, *args, **kwargs) -> Snapshot:  # type: ignore[no-untyped-def]
        snap = real_load(cls, index_root, *args, **kwargs)
        loaded.append((snap.build, (snap.build / "meta.json").exists(), len(snap.docs)))
        return snap

    errors: list[BaseException] = []
    answers: list[tuple[str, bool, set[str], bool]] = []  # (question, abstained, files, ingests done)
    done = threading.Event()
    all_done = threading.Event()

    def asker(i: int) -> None:
        qs = [KNOWN_Q, NEW_Q, "Who can apply for funding?", "What did the Zephyrine team do?"]
        deadline = time.monotonic() + 240
        n = 0
        while time.monotonic() < deadline and n < 400:
            q = qs[(i + n) % len(qs)]
            finished = all_done.is_set()
            try:
                ans = assistant.ask(q)
            except BaseException as exc:  # collected and asserted on below
                errors.append(exc)
                return
            answers.append((q, ans.abstained, {c.file for c in ans.citations}, finished))
            n += 1
            if finished and n > 8:
                return

    Snapshot.load = classmethod(recording_load)  # type: ignore[method-assign, assignment]
    try:
        threads = [threading.Thread(target=asker, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        zeph = "# Zephyrine outreach\n\nThe Zephyrine outreach team supported 312 young people.\n"
        third = "# Third note\n\nThe Larkspur panel met 14 times in 2018 to review placements.\n"
        docs = {"quillfeather.md": NEW_DOC, "zephyrine.md": zeph, "third.md": third}
        for k, name in enumerate(docs):  # enough text that each ingest embeds for a while
            docs[name] += "".join(
                f"\nParagraph {j} of note {k}: the panel reviewed placement {j * 7 + k} and agreed a plan "
                f"for family time, schooling and health, recorded in review {j + 100 * k}.\n"
                for j in range(60)
            )
        for name, text in docs.items():  # three ingests in a row, each publishing a new build
            src = tmp_path / name
            src.write_text(text, encoding="utf-8")
            batch = add_documents(work, [(src, name)])
            assert [r.status for r in batch.results] == ["added"]
            published.append(batch.report.build)  # type: ignore[union-attr]
        done.set()
        all_done.set()
        for t in threads:
            t.join(timeout=300)
        assert not any(t.is_alive() for t in threads)
    finally:
        Snapshot.load = classmethod(real_load)  # type: ignore[method-assign, assignment]

    assert errors == [], errors
    assert len(answers) >= 20
    assert sum(1 for *_x, finished in answers if not finished) >= 6  # many asked while ingests ran
    # every build a question was answered from was a complete, published one
    assert loaded and all(meta for _b, meta, _n in loaded)
    assert {b for b, _m, _n in loaded} <= set(published)
    for q, abstained, files, finished in answers:
        if q == KNOWN_Q:
            assert not abstained and "community-care-innovation-plans-2016.txt" in files
        if q == NEW_Q and finished:
            assert "quillfeather.md" in files
        if q == NEW_Q and not abstained and files & {"quillfeather.md"}:
            assert files <= {"quillfeather.md", *(f.name for f in work.corpus_dir.iterdir()), *docs}
    assert store.current_build(work.index_root) == published[-1]


def test_two_uploads_at_once_both_get_indexed(work: Settings, tmp_path: Path) -> None:
    from assistant.api import Assistant

    srcs = []
    alpha = "# Alpha note\n\nThe Alderbrook scheme trained 27 family group conference coordinators.\n"
    beta = "# Beta note\n\nThe Birchmere project opened 5 supported lodgings in 2019.\n"
    for name, text in {"alpha.md": alpha, "beta.md": beta}.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        srcs.append(p)
    results: list[object] = []
    errors: list[BaseException] = []

    def upload(p: Path) -> None:
        try:
            results.append(add_documents(work, [(p, p.name)]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(p,)) for p in srcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == [] and len(results) == 2
    meta = store.read_meta(store.current_build(work.index_root))  # type: ignore[arg-type]
    assert {"alpha.md", "beta.md"} <= {d["file"] for d in meta["documents"]}
    a = Assistant(work)
    assert any(
        c.file == "alpha.md"
        for c in a.ask("How many coordinators did the Alderbrook scheme train?").citations
    )
    assert any(
        c.file == "beta.md" for c in a.ask("How many supported lodgings did Birchmere open?").citations
    )


HOLD_LOCK = """
import sys, time
from pathlib import Path
from ingest.pipeline import ingest_lock
with ingest_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    print(f"released {time.time()!r}", flush=True)
"""


def test_ingest_waits_for_another_process_holding_the_lock(work: Settings) -> None:
    """A second ingest (here: in another process) cannot start its work until the first is done."""
    import ingest.pipeline as pipeline

    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(work.lock_path), "2.0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        started: list[float] = []
        real_previous = pipeline._previous

        def spy(settings: Settings) -> dict:
            started.append(time.time())
            return real_previous(settings)

        pipeline._previous = spy  # first step inside the lock
        try:
            report = run_ingest(work)
        finally:
            pipeline._previous = real_previous
        released = float(proc.stdout.readline().split()[1])
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert started and started[0] >= released, (started, released)
    assert not report.published and report.unchanged  # nothing changed meanwhile


def test_two_ingest_threads_are_serialised(work: Settings, tmp_path: Path) -> None:
    """Both ingests see a changed upload folder; serialised, only the first publishes."""
    work.uploads_dir.mkdir(parents=True, exist_ok=True)
    (work.uploads_dir / "gamma.md").write_text(
        "# Gamma\n\nThe Gorsefield team ran 9 family network meetings a week.\n", encoding="utf-8"
    )
    inside: list[tuple[float, float]] = []
    reports = []
    import ingest.pipeline as pipeline

    real_remove = pipeline._remove_leftovers
    lock = threading.Lock()

    def run() -> None:
        reports.append(run_ingest(work))

    def spy(settings: Settings, cache_root: Path) -> None:  # called first thing inside the lock
        with lock:
            inside.append((time.monotonic(), 0.0))
        real_remove(settings, cache_root)

    pipeline._remove_leftovers = spy
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    finally:
        pipeline._remove_leftovers = real_remove
    assert len(reports) == 2 and len(inside) == 2
    assert sorted(r.published for r in reports) == [False, True]
    first = next(r for r in reports if r.published)
    second = next(r for r in reports if not r.published)
    assert first.added == ["gamma.md"] and "gamma.md" in second.unchanged
    assert second.build == first.build == store.current_build(work.index_root)
