"""The staff area's replace / remove / reset (ui/admin_views.py) on the small indexed corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import indexed_small_corpus, private_copy

from ingest import store
from ingest.config import Settings
from ingest.uploads import add_documents, uploaded_documents
from ui.admin_views import remove_document, replace_document, reset_after_upload, upload_choices

V1 = """Briefing on the Marrowby family hub pilot

The Marrowby family hub pilot ran weekend family group conferences
and 40 families took part in its first year.
"""
V2 = """Briefing on the Marrowby family hub pilot (revised)

The Marrowby family hub pilot ran weekend family group conferences
and 55 families took part in its first year.
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return indexed_small_corpus(tmp_path_factory.mktemp("admin-views-base"))


@pytest.fixture
def work(base: Settings, tmp_path: Path) -> Settings:
    settings = private_copy(base, tmp_path)
    src = tmp_path / "marrowby.txt"
    src.write_text(V1, encoding="utf-8")
    batch = add_documents(
        settings, [(src, src.name)], title="Marrowby briefing", date="2019-03", kind="report"
    )
    assert [r.status for r in batch.results] == ["added"], batch.results
    return settings


def indexed_texts(settings: Settings) -> str:
    """Every chunk's text in the live build, as one string."""
    from assistant.api import Assistant

    assistant = Assistant(settings)
    return "\n".join(assistant.document_text(d["doc_id"]) for d in assistant.documents())


def test_replace_keeps_the_description_and_drops_the_old_text(work: Settings, tmp_path: Path) -> None:
    new = tmp_path / "marrowby-v2.txt"
    new.write_text(V2, encoding="utf-8")
    msg = replace_document(work, "marrowby.txt", str(new))
    assert 'class="ok"' in msg and "Replaced marrowby.txt" in msg, msg
    entries = uploaded_documents(work)
    assert [e["file"] for e in entries] == ["marrowby-v2.txt"]
    assert entries[0]["title"] == "Marrowby briefing" and entries[0]["date"] == "2019-03"
    assert entries[0]["kind"] == "report"
    text = indexed_texts(work)
    assert "55 families" in text and "40 families" not in text  # the old version's chunks are gone
    files = {d["file"] for d in store.read_meta(store.current_build(work.index_root))["documents"]}
    assert "marrowby.txt" not in files and "marrowby-v2.txt" in files


def test_a_refused_new_version_keeps_the_old_one(work: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    msg = replace_document(work, "marrowby.txt", str(bad))
    assert 'class="error"' in msg and "marrowby.txt was kept" in msg, msg
    assert [e["file"] for e in uploaded_documents(work)] == ["marrowby.txt"]
    assert "40 families" in indexed_texts(work)


def test_remove_takes_it_out_of_the_index(work: Settings) -> None:
    assert upload_choices(work) == [("Marrowby briefing (marrowby.txt)", "marrowby.txt")]
    msg = remove_document(work, "marrowby.txt")
    assert 'class="ok"' in msg and "Removed" in msg, msg
    assert uploaded_documents(work) == [] and upload_choices(work) == []
    assert "Marrowby" not in indexed_texts(work)


def test_nothing_chosen_is_an_error_not_a_crash(work: Settings) -> None:
    assert 'role="alert"' in remove_document(work, None)
    assert "not among the documents" in remove_document(work, "corpus-file.txt")
    assert 'role="alert"' in replace_document(work, "marrowby.txt", None)


def test_form_resets_only_after_a_successful_upload() -> None:
    import gradio as gr

    from ui.admin import _status_html

    ok = _status_html([("ok", "a.txt: stored and indexed"), ("ok", "Done in 2 s.")])
    failed = _status_html([("error", "The upload failed; the index was left as it was.")])
    partly = _status_html([("ok", "a.txt: stored"), ("error", "b.pdf: no text layer")])
    running = _status_html([("progress", "Indexing… (3 s)")], running=True)
    assert reset_after_upload(ok) == (None, "", "", "", "")
    for status in (failed, partly, running, ""):
        assert reset_after_upload(status) == tuple(gr.skip() for _ in range(5)), status
