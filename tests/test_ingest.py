"""ingest.pipeline on a small temporary corpus: incremental runs, bad files, crash safety, the lock."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from support import EOI, NEWS, SMALL, small_corpus

from ingest import store
from ingest.config import Settings, load_settings
from ingest.pipeline import IngestReport, run_ingest

OLD_SENTENCE = (
    "The original innovation fund, which ran from 2014 to 2015, saw the Department for Education (DfE) "
    "spend £110m on 53 projects across England."
)
NEW_SENTENCE = (
    "The Quillfeather kinship pilot in Wolverhampton received £7.3m to recruit and train kinship carers."
)


def _settings(root: Path, corpus: Path) -> Settings:
    return load_settings(data_dir=root / "data", corpus_dir=corpus)


def _chunk_texts(settings: Settings) -> list[str]:
    build = store.current_build(settings.index_root)
    assert build is not None
    return [c.text for c in store.read_chunks(build)]


def _meta_files(settings: Settings) -> dict[str, str]:
    build = store.current_build(settings.index_root)
    assert build is not None
    return {d["file"]: d["cache_key"] for d in store.read_meta(build)["documents"]}


def _builds(settings: Settings) -> list[Path]:
    return sorted((settings.index_root / "builds").iterdir())


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestReport]:
    """The two small files ingested once; tests copy this folder instead of re-embedding."""
    root = tmp_path_factory.mktemp("ingest-base")
    corpus = small_corpus(root)
    report = run_ingest(_settings(root, corpus))
    return root, report


@pytest.fixture
def work(base: tuple[Path, IngestReport], tmp_path: Path) -> Settings:
    """A private copy of the base corpus and its index (the ``current`` symlink is relative)."""
    root, _report = base
    shutil.copytree(root, tmp_path / "w", symlinks=True)
    settings = _settings(tmp_path / "w", tmp_path / "w" / "corpus")
    assert store.current_build(settings.index_root) is not None
    return settings


def _ask_cites(settings: Settings, question: str, expected: str) -> None:
    from assistant.api import Assistant

    ans = Assistant(settings).ask(question)
    assert not ans.abstained, (question, ans.answer)
    assert any(expected in c.text for c in ans.citations), [c.text for c in ans.citations]


def test_first_ingest_adds_both_files(base: tuple[Path, IngestReport]) -> None:
    root, report = base
    assert sorted(report.added) == sorted(SMALL)
    assert report.changed == report.unchanged == report.removed == []
    assert report.skipped == [] and report.warnings == []
    assert report.published and report.ok
    settings = _settings(root, root / "corpus")
    assert store.current_build(settings.index_root) == report.build
    assert set(_meta_files(settings)) == set(SMALL)
    texts = _chunk_texts(settings)
    assert len(texts) == report.chunks > 2
    assert any(OLD_SENTENCE in t for t in texts)


def test_second_run_is_idempotent(work: Settings) -> None:
    before = store.current_build(work.index_root)
    builds = _builds(work)
    report = run_ingest(work)
    assert report.published is False
    assert sorted(report.unchanged) == sorted(SMALL)
    assert report.added == report.changed == report.removed == report.skipped == []
    assert store.current_build(work.index_root) == before
    assert _builds(work) == builds


def test_modify_delete_and_add_unlisted(work: Settings) -> None:
    news = work.corpus_dir / NEWS
    text = news.read_text(encoding="utf-8")
    assert OLD_SENTENCE in text
    news.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    old_keys = _meta_files(work)

    report = run_ingest(work)
    assert report.changed == [NEWS]
    assert report.unchanged == [EOI]
    assert report.published
    assert _meta_files(work)[NEWS] != old_keys[NEWS]
    assert _meta_files(work)[EOI] == old_keys[EOI]
    texts = _chunk_texts(work)
    assert not any(OLD_SENTENCE in t for t in texts)
    assert sum(NEW_SENTENCE in t for t in texts) == 1
    _ask_cites(work, "How much did the Quillfeather kinship pilot receive?", NEW_SENTENCE)

    (work.corpus_dir / EOI).unlink()
    report = run_ingest(work)
    assert report.removed == [EOI]
    assert report.unchanged == [NEWS]
    assert set(_meta_files(work)) == {NEWS}
    build = store.current_build(work.index_root)
    assert build is not None
    assert {c.file for c in store.read_chunks(build)} == {NEWS}
    assert not (build / "texts" / "targeted-funding-eoi.txt").exists()

    extra = work.corpus_dir / "local-pilot-notes-2018.md"
    extra.write_text(
        "# Kinship Care Pilot Notes\n\nThe pilot met foster carers monthly in Dudley to share learning.\n",
        encoding="utf-8",
    )
    report = run_ingest(work)
    assert report.added == ["local-pilot-notes-2018.md"]
    assert any("local-pilot-notes-2018.md" in w and "manifest" in w for w in report.warnings)
    build = store.current_build(work.index_root)
    assert build is not None
    [doc] = [d for d in store.read_meta(build)["documents"] if d["file"] == extra.name]
    assert doc["title"] == "Kinship Care Pilot Notes"
    assert doc["in_manifest"] is False
    assert doc["date"] == "2018"
    assert doc["doc_id"] == "local-pilot-notes-2018"
    assert any("met foster carers monthly in Dudley" in t for t in _chunk_texts(work))


def _bad_files(corpus: Path) -> dict[str, str]:
    """Write three unreadable files; returns name -> a word their skip reason must contain."""
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(3000))
    (corpus / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    (corpus / "empty.md").write_bytes(b"")
    return {"broken.pdf": "PDF", "photo.txt": "binary", "empty.md": "empty"}


def test_bad_files_are_skipped_and_the_rest_indexed(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, (EOI,))
    bad = _bad_files(corpus)
    settings = _settings(tmp_path, corpus)
    report = run_ingest(settings)
    assert report.added == [EOI]
    skipped = dict(report.skipped)
    assert set(skipped) == set(bad)
    for name, word in bad.items():
        assert word in skipped[name], skipped[name]
    assert not report.ok and report.published
    assert set(_meta_files(settings)) == {EOI}


def test_cli_ingest_exit_status_2_on_skipped_files(
    work: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import EXIT_OK, EXIT_SKIPPED, main

    monkeypatch.setenv("CSC_DATA_DIR", str(work.data_dir))
    monkeypatch.setenv("CSC_CORPUS_DIR", str(work.corpus_dir))
    assert main(["ingest", "--quiet"]) == EXIT_OK
    capsys.readouterr()

    bad = _bad_files(work.corpus_dir)
    assert main(["ingest", "--quiet"]) == EXIT_SKIPPED == 2
    err = capsys.readouterr().err
    for name in bad:
        assert re.search(rf"^skipped: {re.escape(name)}: \S", err, re.M), err
    assert "2 unchanged" in err and "3 skipped" in err
    assert set(_meta_files(work)) == set(SMALL)


def test_file_that_becomes_corrupt_keeps_previous_version(work: Settings) -> None:
    before = _meta_files(work)
    build = store.current_build(work.index_root)
    eoi_chunks = [t for t in _chunk_texts(work) if "Staying Close" in t]
    assert eoi_chunks
    (work.corpus_dir / EOI).write_bytes(b"\x00\x01\x02 corrupted " * 100)
    report = run_ingest(work)
    [(name, reason)] = report.skipped
    assert name == EOI
    assert "binary" in reason and "previously indexed version is kept" in reason
    assert EOI in report.unchanged and NEWS in report.unchanged
    assert report.published is False
    assert store.current_build(work.index_root) == build
    assert _meta_files(work) == before
    assert [t for t in _chunk_texts(work) if "Staying Close" in t] == eoi_chunks

    # a change elsewhere rebuilds, and the corrupt file still contributes its previous version
    (work.corpus_dir / NEWS).write_text(
        (work.corpus_dir / NEWS).read_text(encoding="utf-8").replace(OLD_SENTENCE, NEW_SENTENCE),
        encoding="utf-8",
    )
    report = run_ingest(work)
    assert report.published and report.changed == [NEWS]
    assert [n for n, _r in report.skipped] == [EOI]
    assert _meta_files(work)[EOI] == before[EOI]
    assert [t for t in _chunk_texts(work) if "Staying Close" in t] == eoi_chunks


def test_failed_build_leaves_previous_index_usable(work: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.api import Assistant

    before = store.current_build(work.index_root)
    builds = _builds(work)
    real_write = store.write_build
    calls: list[Path] = []

    def write_then_crash(folder: Path, docs, chunks, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(folder)
        (folder / "texts").mkdir(exist_ok=True)
        (folder / "chunks.jsonl").write_text("{half a build", encoding="utf-8")
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(store, "write_build", write_then_crash)
    news = work.corpus_dir / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    with pytest.raises(RuntimeError, match="simulated"):
        run_ingest(work)
    assert len(calls) == 1
    assert not calls[0].exists()  # the half build was removed
    assert store.current_build(work.index_root) == before
    assert _builds(work) == builds
    assert any(OLD_SENTENCE in t for t in _chunk_texts(work))
    ans = Assistant(work).ask("How much did the DfE spend on the original innovation fund?")
    assert not ans.abstained
    assert any("£110m" in c.text for c in ans.citations), [c.text for c in ans.citations]
    assert all(c.doc_id != "" and c.start < c.end for c in ans.citations)

    # once the fault is gone, the next run publishes the change
    monkeypatch.setattr(store, "write_build", real_write)
    report = run_ingest(work)
    assert report.published and report.changed == [NEWS]
    assert any(NEW_SENTENCE in t for t in _chunk_texts(work))


def test_concurrent_ingests_are_serialised(work: Settings) -> None:
    news = work.corpus_dir / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    reports: list[IngestReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            reports.append(run_ingest(work))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert len(reports) == 2
    # interleaved runs would both see the old index and both publish; serialised, the second sees the first's
    assert sorted(r.published for r in reports) == [False, True]
    first = next(r for r in reports if r.published)
    second = next(r for r in reports if not r.published)
    assert first.changed == [NEWS]
    assert sorted(second.unchanged) == sorted(SMALL)
    build = store.current_build(work.index_root)
    assert build == first.build == second.build
    meta = store.read_meta(build)
    chunks = store.read_chunks(build)
    assert {d["file"] for d in meta["documents"]} == set(SMALL)
    assert sum(d["chunks"] for d in meta["documents"]) == len(chunks) == first.chunks
    assert any(NEW_SENTENCE in c.text for c in chunks)
    assert not any(OLD_SENTENCE in c.text for c in chunks)
    assert not list(work.index_root.glob(".current-*"))


def test_caches_no_kept_build_uses_are_pruned(work: Settings) -> None:
    cache_root = work.data_dir / "cache"
    news = work.corpus_dir / NEWS
    original = news.read_text(encoding="utf-8")
    first = _meta_files(work)
    keys = [first[NEWS]]
    for k in range(3):  # three edits: four versions of NEWS, two builds kept after each publish
        news.write_text(original.replace(OLD_SENTENCE, NEW_SENTENCE + f" Revision {k}."), encoding="utf-8")
        assert run_ingest(work).published
        keys.append(_meta_files(work)[NEWS])
    assert len(set(keys)) == 4
    kept = {d["cache_key"] for b in _builds(work) for d in store.read_meta(b)["documents"]}
    on_disk = {p.name for p in cache_root.iterdir()}
    assert on_disk == kept  # the caches of the live and the fallback build, nothing else
    assert keys[-1] in on_disk and keys[-2] in on_disk
    assert keys[0] not in on_disk and keys[1] not in on_disk
    assert first[EOI] in on_disk  # unchanged documents keep their one cache
    # the fallback build still re-assembles from what is left: restoring it re-embeds nothing
    news.write_text(original.replace(OLD_SENTENCE, NEW_SENTENCE + " Revision 1."), encoding="utf-8")
    report = run_ingest(work)
    assert report.changed == [NEWS] and _meta_files(work)[NEWS] == keys[-2]
