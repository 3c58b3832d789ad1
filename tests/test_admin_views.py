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


@pytest.mark.browser
@pytest.mark.slow
def test_staff_page_in_browser_resets_replaces_and_passes_axe(
    work: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed in: axe finds no serious issue; an upload empties the form; a replace swaps the text."""
    import threading

    from support import free_port
    from test_app_browser import CHROMIUM_ARGS, _axe_serious, _chromium

    from assistant.api import Assistant
    from ui.admin import ADMIN_PATH
    from ui.app import build_app
    from ui.server import launch_with_admin

    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium: run `make browser` (apt-get install chromium) to enable the browser tests")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("CSC_ADMIN_USER", "staff")
    monkeypatch.setenv("CSC_ADMIN_PASSWORD", "pw-456")
    app = build_app(Assistant(work), feedback_path=work.data_dir / "fb.sqlite", admin_path=ADMIN_PATH)
    port = free_port()
    server = launch_with_admin(app, work, "127.0.0.1", port, block=False)
    upload = tmp_path / "upload" / "other-note.txt"
    upload.parent.mkdir()
    upload.write_text("A note on the Brackenfold respite service.\n\nIt served 12 families in 2019.\n")
    v2 = tmp_path / "upload" / "marrowby-v2.txt"
    v2.write_text(V2, encoding="utf-8")

    def scenario() -> None:  # own thread: the session's browser fixture owns the main thread's loop
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)

            def signed_in(viewport: dict):  # type: ignore[no-untyped-def]
                page = browser.new_page(viewport=viewport)  # a fresh context: sign in
                page.goto(f"http://127.0.0.1:{port}{ADMIN_PATH}/")
                page.get_by_label("User name").fill("staff")  # our sign-in page (ui/login_page.py)
                page.get_by_label("Password").fill("pw-456")
                page.get_by_role("button", name="Sign in").click()
                page.get_by_role("button", name="Add and index").wait_for(timeout=30_000)
                page.wait_for_timeout(500)
                return page

            for viewport in ({"width": 1366, "height": 768}, {"width": 390, "height": 844}):
                page = signed_in(viewport)
                assert _axe_serious(page) == [], viewport
                page.close()
            page = signed_in({"width": 1366, "height": 768})
            # an upload that works empties the form: the next "Add and index" cannot re-send it
            page.locator("#upload-files input[type=file]").set_input_files(str(upload))
            page.locator("#upload-files").get_by_text("other-note.txt").wait_for(timeout=30_000)
            title = page.locator("#upload-title textarea, #upload-title input").first
            title.fill("Brackenfold note")
            page.get_by_role("button", name="Add and index").click()
            page.locator("#upload-status li.ok", has_text="Done").wait_for(timeout=120_000)
            page.wait_for_function(
                "() => { const t = document.querySelector('#upload-title textarea, #upload-title input');"
                " return t && t.value === ''; }",
                timeout=15_000,
            )
            assert page.locator("#upload-files").get_by_text("other-note.txt").count() == 0
            # replace the Marrowby briefing with its new version
            page.locator("#manage-doc input").click()
            page.get_by_role("option", name="Marrowby briefing (marrowby.txt)").click()
            # choosing a document updates the form: a file set while that update is pending can land
            # on an input the update then replaces, so wait until Gradio has nothing pending, and
            # give the file again if its name does not show (the upload itself is what is tested)
            idle = "() => !document.querySelector('.progress-text, .pending, .generating')"
            for attempt in range(3):
                page.wait_for_function(idle, timeout=30_000)
                page.locator("#manage-file input[type=file]").set_input_files(str(v2))
                try:
                    page.locator("#manage-file").get_by_text("marrowby-v2.txt").wait_for(timeout=20_000)
                    break
                except Exception:  # noqa: BLE001
                    if attempt == 2:
                        raise
            page.get_by_role("button", name="Replace with the new version").click()
            page.locator("#manage-status li.ok", has_text="Replaced marrowby.txt").wait_for(timeout=120_000)
            assert "marrowby-v2.txt" in page.locator("#uploads-table").inner_text()
            browser.close()

    errors: list[BaseException] = []

    def run() -> None:
        try:
            scenario()
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    try:
        t = threading.Thread(target=run)
        t.start()
        t.join(timeout=400)
        assert not t.is_alive(), "the browser scenario did not finish"
        if errors:
            raise errors[0]
        assert "55 families" in indexed_texts(work) and "40 families" not in indexed_texts(work)
    finally:
        server.close()
