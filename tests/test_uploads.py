"""Staff uploads: names, de-duplication, the size limit, the login, and upload -> searchable.

A small two-document corpus is indexed once per module (the model is already loaded by the
session), and each test that writes uploads gets its own copy of that data dir.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from support import CORPUS, EOI, NEWS, free_port, indexed_small_corpus, pdf_bytes, private_copy

from ingest import store
from ingest.config import Settings, load_settings
from ingest.pipeline import run_ingest
from ingest.uploads import (
    add_documents,
    check_file,
    remove_upload,
    sanitise_name,
    store_upload,
    unique_name,
    uploaded_documents,
)

KNOWN_Q = "How much did the DfE spend on the original innovation fund?"
NEW_DOC = """# Quillfeather kinship pilot: evaluation summary

The Quillfeather kinship pilot in Wolverhampton recruited 48 kinship carers in its first year.

Each carer received a weekly visit from a named social worker, and the pilot cost £7.3m over two years.
"""
NEW_Q = "How many kinship carers did the Quillfeather pilot recruit?"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return indexed_small_corpus(tmp_path_factory.mktemp("uploads-base"))


@pytest.fixture
def work(base: Settings, tmp_path: Path) -> Settings:
    return private_copy(base, tmp_path)


def known_answer_ok(settings: Settings) -> None:
    """The index still answers a question it could answer before (nothing indexed was lost)."""
    from assistant.api import Assistant

    ans = Assistant(settings).ask(KNOWN_Q)
    assert not ans.abstained, ans.answer
    assert any("£110m" in c.text for c in ans.citations), [c.text for c in ans.citations]


# -- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("/abs/path/Notes 2016 (final).TXT", "Notes-2016-final.txt"),
        ("..", "document"),
        ("", "document"),
        ("bad\x00name\n.txt", "badname.txt"),
        ("Ünïcödé résumé.md", "Unicode-resume.md"),
        (".hidden.txt", "hidden.txt"),
        ("manifest.toml", "manifest.toml"),
    ],
)
def test_sanitise_name(raw: str, safe: str) -> None:
    out = sanitise_name(raw)
    assert out == safe
    assert "/" not in out and "\\" not in out and not out.startswith(".")


def test_unique_name_adds_a_suffix() -> None:
    assert unique_name("a.txt", set()) == "a.txt"
    assert unique_name("a.txt", {"a.txt"}) == "a-2.txt"
    assert unique_name("a.txt", {"A.TXT", "a-2.txt"}) == "a-3.txt"
    assert unique_name("manifest.toml", set()) == "manifest-2.toml"


# -- storing -------------------------------------------------------------------------------------


def test_store_dedupes_by_content_and_suffixes_clashing_names(work: Settings, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    a = src / "notes.md"
    a.write_text(NEW_DOC, encoding="utf-8")
    first = store_upload(work, a, "notes.md", title="Quillfeather", date="2019-03", kind="report")
    assert first.status == "added" and first.file == "notes.md", first
    # the same bytes again, under another name: stored once
    again = store_upload(work, a, "copy of notes.md")
    assert again.status == "duplicate" and again.file == "notes.md", again
    # another document with the same name: kept, under a new name
    b = src / "b.md"
    b.write_text(NEW_DOC.replace("48", "49"), encoding="utf-8")
    second = store_upload(work, b, "notes.md")
    assert second.status == "added" and second.file == "notes-2.md", second
    assert (work.uploads_dir / "notes.md").read_text(encoding="utf-8") == NEW_DOC
    # a name that is already a corpus file: never shadows it
    c = src / "c.txt"
    c.write_text("A different text about Staying Close.\n", encoding="utf-8")
    third = store_upload(work, c, NEWS)
    assert third.status == "added" and third.file != NEWS and third.file.startswith("community-care")
    # content identical to a corpus file: not stored again
    dup = store_upload(work, CORPUS / EOI, "eoi-copy.txt")
    assert dup.status == "duplicate" and EOI in dup.message
    # path traversal in the uploaded name stays inside the uploads folder
    d = src / "d.txt"
    d.write_text("Escaping text.\n", encoding="utf-8")
    fourth = store_upload(work, d, "../../../outside.txt")
    assert fourth.status == "added" and fourth.file == "outside.txt"
    assert not (work.data_dir.parent / "outside.txt").exists()
    files = sorted(p.name for p in work.uploads_dir.iterdir() if p.is_file())
    assert files == sorted(["manifest.toml", "notes.md", "notes-2.md", third.file, "outside.txt"])
    entries = {e["file"]: e for e in uploaded_documents(work)}
    assert set(entries) == {"notes.md", "notes-2.md", third.file, "outside.txt"}
    assert entries["notes.md"]["title"] == "Quillfeather" and entries["notes.md"]["date"] == "2019-03"
    assert entries["notes.md"]["kind"] == "report" and len(entries["notes.md"]["sha256"]) == 64
    assert len({e["id"] for e in entries.values()}) == 4
    assert entries["notes-2.md"]["title"].startswith("Quillfeather kinship pilot")  # guessed from the text
    assert not list((work.uploads_dir / ".staging").iterdir())
    assert remove_upload(work, "notes-2.md")
    assert "notes-2.md" not in {e["file"] for e in uploaded_documents(work)}


def test_metadata_with_quotes_and_control_characters_round_trips(work: Settings, tmp_path: Path) -> None:
    src = tmp_path / "m.txt"
    src.write_text("Some text about the programme.\n", encoding="utf-8")
    title = 'A "quoted" title\\with\x07 a bell\nand a newline [[document]]'
    res = store_upload(work, src, "m.txt", title=title, licence="OGL v3.0 ‘quoted’")
    assert res.status == "added"
    entry = uploaded_documents(work)[0]
    assert entry["title"] == 'A "quoted" title\\with a bell and a newline [[document]]'
    assert entry["licence"] == "OGL v3.0 ‘quoted’"


def test_bad_metadata_is_refused(work: Settings, tmp_path: Path) -> None:
    src = tmp_path / "m.txt"
    src.write_text("Some text about the programme.\n", encoding="utf-8")
    bad_date = store_upload(work, src, "m.txt", date="next tuesday")
    assert bad_date.status == "refused" and "YYYY" in bad_date.message
    bad_kind = store_upload(work, src, "m.txt", kind="directory")
    assert bad_kind.status == "refused" and "kind" in bad_kind.message
    assert uploaded_documents(work) == []


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus", max_upload_mb=1)
    (tmp_path / "corpus").mkdir()
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 2 MB without writing 2 MB
        fh.truncate(2 * 1024 * 1024)
    res = store_upload(settings, big, "big.txt")
    assert res.status == "refused" and "too large" in res.message and "1 MB" in res.message
    assert not (settings.uploads_dir / "big.txt").exists()
    small = tmp_path / "ok.txt"
    small.write_text("fine " * 1000, encoding="utf-8")
    check_file(small, settings)
    os.environ["CSC_MAX_UPLOAD_MB"] = "7"
    try:
        assert load_settings().max_upload_mb == 7
    finally:
        del os.environ["CSC_MAX_UPLOAD_MB"]
    assert load_settings().max_upload_mb == 50


# -- upload -> ingest -> searchable ---------------------------------------------------------------


def test_uploaded_document_is_searchable_after_ingest(work: Settings, tmp_path: Path) -> None:
    from assistant.api import Assistant

    assistant = Assistant(work)
    before = assistant.ask(NEW_Q)
    assert before.abstained or not any(c.file.startswith("quill") for c in before.citations)
    src = tmp_path / "Quillfeather pilot.md"
    src.write_text(NEW_DOC, encoding="utf-8")
    steps: list[tuple[float, str]] = []
    batch = add_documents(
        work,
        [(src, src.name)],
        title="Quillfeather kinship pilot evaluation",
        date="2019-06",
        kind="learning report",
        licence="Open Government Licence v3.0",
        on_step=lambda f, m: steps.append((f, m)),
    )
    assert [r.status for r in batch.results] == ["added"], batch.results
    assert batch.results[0].file == "Quillfeather-pilot.md"
    assert batch.report is not None and batch.report.published
    assert steps[0][0] < steps[-1][0] == 1.0 and any("Indexing" in m for _f, m in steps)
    meta = store.read_meta(store.current_build(work.index_root))
    doc = next(d for d in meta["documents"] if d["file"] == "Quillfeather-pilot.md")
    assert doc["title"] == "Quillfeather kinship pilot evaluation" and doc["date"] == "2019-06"
    assert doc["licence"] == "Open Government Licence v3.0" and doc["kind"] == "learning report"
    # the same Assistant (as in the running app) sees the new build at its next question
    ans = assistant.ask(NEW_Q)
    assert not ans.abstained, ans.answer
    assert any(c.file == "Quillfeather-pilot.md" and "48 kinship carers" in c.text for c in ans.citations)
    assert any(c.title == "Quillfeather kinship pilot evaluation" for c in ans.citations)
    known_answer_ok(work)
    # the corpus documents are all still indexed, and a plain re-ingest keeps the upload
    assert {d["file"] for d in meta["documents"]} == {NEWS, EOI, "Quillfeather-pilot.md"}
    again = run_ingest(work)
    assert not again.published and sorted(again.unchanged) == sorted([NEWS, EOI, "Quillfeather-pilot.md"])
    # uploading it again changes nothing
    dup = add_documents(work, [(src, "again.md")])
    assert [r.status for r in dup.results] == ["duplicate"] and dup.report is None


# -- login ---------------------------------------------------------------------------------------


@pytest.fixture
def no_admin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSC_ADMIN_USER", raising=False)
    monkeypatch.delenv("CSC_ADMIN_PASSWORD", raising=False)


def test_login_from_environment(tmp_path: Path, no_admin_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.admin import auth_message, check_login, credentials_source

    settings = load_settings(data_dir=tmp_path / "data")
    assert credentials_source(settings) is None
    assert not check_login(settings, "", "")
    assert not check_login(settings, "admin", "admin")
    assert "CSC_ADMIN_USER" in auth_message(settings) and "nobody" in auth_message(settings)
    monkeypatch.setenv("CSC_ADMIN_USER", "staff")
    monkeypatch.setenv("CSC_ADMIN_PASSWORD", "s3cret pass")
    assert credentials_source(settings) == "environment"
    assert check_login(settings, "staff", "s3cret pass")
    assert not check_login(settings, "staff", "s3cret")
    assert not check_login(settings, "Staff", "s3cret pass")
    assert "sign in" in auth_message(settings)


def test_login_from_hashed_file(tmp_path: Path, no_admin_env: None) -> None:
    from ui.admin import check_login, credentials_source, main, write_admin_file

    settings = load_settings(data_dir=tmp_path / "data")
    path = write_admin_file(settings.data_dir, "editor", "correct horse")
    record = json.loads(path.read_text(encoding="utf-8"))
    assert "correct horse" not in path.read_text(encoding="utf-8")
    assert record["algorithm"] == "pbkdf2_sha256" and len(record["salt"]) == 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert credentials_source(settings) == str(path)
    assert check_login(settings, "editor", "correct horse")
    assert not check_login(settings, "editor", "wrong")
    # a second hash of the same password uses a new salt
    again = json.loads(write_admin_file(settings.data_dir, "editor", "correct horse").read_text())
    assert again["salt"] != record["salt"] and again["hash"] != record["hash"]
    path.write_text("{not json", encoding="utf-8")  # a damaged file lets nobody in
    assert not check_login(settings, "editor", "correct horse")
    os.environ["CSC_DATA_DIR"] = str(settings.data_dir)
    os.environ["CSC_NEW_ADMIN_PASSWORD"] = "via the command"
    try:
        assert main(["set-password", "boss"]) == 0
        assert main(["oops"]) == 1
    finally:
        del os.environ["CSC_DATA_DIR"], os.environ["CSC_NEW_ADMIN_PASSWORD"]
    assert check_login(settings, "boss", "via the command")


def test_server_public_open_admin_behind_login(
    work: Settings, no_admin_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from assistant.api import Assistant
    from ui.admin import ADMIN_PATH
    from ui.app import build_app
    from ui.server import launch_with_admin

    app = build_app(Assistant(work), feedback_path=work.data_dir / "fb.sqlite", admin_path=ADMIN_PATH)
    port = free_port()
    server = launch_with_admin(app, work, "127.0.0.1", port, block=False)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            assert c.get("/").status_code == 200
            assert c.get("/config").status_code == 200  # the public app needs no login
            assert "Staff: add documents" in c.get("/config").text
            # no credentials configured: the login page explains, and nobody gets in
            denied = c.get(f"{ADMIN_PATH}/config")
            assert denied.status_code == 401 and "CSC_ADMIN_USER" in denied.text
            empty = c.post(f"{ADMIN_PATH}/login", data={"username": "", "password": ""})
            assert empty.status_code in (400, 422)  # refused (422: FastAPI rejects the empty form)
            assert (
                c.post(f"{ADMIN_PATH}/login", data={"username": "admin", "password": "admin"}).status_code
                == 400
            )
            monkeypatch.setenv("CSC_ADMIN_USER", "staff")
            monkeypatch.setenv("CSC_ADMIN_PASSWORD", "pw-123")
            assert (
                c.post(f"{ADMIN_PATH}/login", data={"username": "staff", "password": "no"}).status_code == 400
            )
            assert c.get(f"{ADMIN_PATH}/config").status_code == 401
            ok = c.post(f"{ADMIN_PATH}/login", data={"username": "staff", "password": "pw-123"})
            assert ok.status_code == 200
            config = c.get(f"{ADMIN_PATH}/config")
            assert config.status_code == 200 and "Add and index" in config.text
    finally:
        server.close()


@pytest.mark.browser
@pytest.mark.slow
def test_admin_upload_in_browser(
    work: Settings, tmp_path: Path, no_admin_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Log in, upload a document, watch the progress, then ask about it in the public chat."""
    from test_app_browser import CHROMIUM_ARGS, _ask, _chromium

    from assistant.api import Assistant
    from ui.admin import ADMIN_PATH
    from ui.app import build_app
    from ui.server import launch_with_admin

    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("CSC_ADMIN_USER", "staff")
    monkeypatch.setenv("CSC_ADMIN_PASSWORD", "pw-123")
    app = build_app(Assistant(work), feedback_path=work.data_dir / "fb.sqlite", admin_path=ADMIN_PATH)
    port = free_port()
    server = launch_with_admin(app, work, "127.0.0.1", port, block=False)
    src = tmp_path / "upload" / "Quillfeather pilot.md"
    src.parent.mkdir()
    src.write_text(NEW_DOC, encoding="utf-8")

    def scenario() -> None:  # in its own thread: the session's browser fixture owns this one's loop
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # a reader who opened the public app before the upload (checked after it, without a reload)
            # (its own browser context, as another person's browser would be)
            reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            reader.goto(f"http://127.0.0.1:{port}/")
            reader.get_by_role("tab", name="Documents").wait_for(timeout=30_000)
            page.bring_to_front()  # a background tab's rendering is throttled
            # the public chat is open; its header links to the staff area
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("link", name="Staff: add documents").click()
            page.wait_for_url(f"**{ADMIN_PATH}/**")
            # a wrong password is refused, the right one lets staff in
            page.get_by_label("User name").fill("staff")
            page.get_by_label("Password").fill("wrong")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("alert").get_by_text("do not match a staff login").wait_for(timeout=30_000)
            page.get_by_label("Password").fill("pw-123")  # the password is cleared after a failed login
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="Add and index").wait_for(timeout=30_000)
            page.locator("#upload-files input[type=file]").set_input_files(str(src))
            page.locator("#upload-files").get_by_text("Quillfeather pilot.md").wait_for(timeout=30_000)
            page.locator("#upload-title textarea, #upload-title input").first.fill("Quillfeather evaluation")
            page.locator("#upload-date textarea, #upload-date input").first.fill("2019-06")
            page.get_by_role("button", name="Add and index").click()
            # progress shows while it runs, then the result and the list of added documents
            page.locator("#upload-status .running, #upload-status .progress, .progress-text").first.wait_for(
                timeout=30_000
            )
            page.locator("#upload-status li.ok").first.wait_for(timeout=120_000)
            status = page.locator("#upload-status").inner_text()
            assert "indexed" in status and "Quillfeather pilot.md" in status, status
            assert "Quillfeather evaluation" in page.locator("#uploads-table").inner_text()
            # the reader's Documents tab lists it as soon as they open the tab, and can open it
            reader.bring_to_front()
            reader.get_by_role("tab", name="Documents").click()
            reader.locator("#docs-table", has_text="Quillfeather evaluation").wait_for(timeout=30_000)
            reader.locator("#doc-select input").first.click()
            reader.get_by_role("option", name="Quillfeather evaluation").click()
            reader.locator("#reader", has_text="48 kinship carers").wait_for(timeout=30_000)
            # the new document answers in the public chat at once
            page.bring_to_front()
            page.goto(f"http://127.0.0.1:{port}/")
            answer = _ask(page, NEW_Q)
            assert "48 kinship carers" in answer.inner_text()
            page.locator("#sources .src-card").first.wait_for()
            assert "Quillfeather evaluation" in page.locator("#sources").inner_text()
            # its passage opens in the viewer under the title given at upload
            page.locator("#sources .src-card", has_text="Quillfeather evaluation").first.click()
            page.locator("#viewer mark.hl").first.wait_for(timeout=30_000)
            assert "Quillfeather evaluation" in page.locator("#viewer").inner_text()
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
        t.join(timeout=300)
        assert not t.is_alive(), "the browser scenario did not finish"
        if errors:
            raise errors[0]
    finally:
        server.close()


def test_failed_ingest_takes_the_new_upload_out_again(
    work: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.pipeline as pipeline

    build = store.current_build(work.index_root)
    src = tmp_path / "n.md"
    src.write_text(NEW_DOC, encoding="utf-8")

    def boom(settings: Settings, *a, **k):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device (simulated)")

    monkeypatch.setattr(pipeline, "run_ingest", boom)
    with pytest.raises(OSError, match="simulated"):
        add_documents(work, [(src, "n.md")])
    assert uploaded_documents(work) == [] and not (work.uploads_dir / "n.md").exists()
    assert store.current_build(work.index_root) == build
    known_answer_ok(work)


def test_pdf_upload_is_searchable_with_its_page(work: Settings, tmp_path: Path) -> None:
    from assistant.api import Assistant

    src = tmp_path / "Harbourview review.pdf"
    src.write_bytes(pdf_bytes([
        "Harbourview review of family support services.",
        "The Harbourview family hub supported 230 families in its first year.",
    ]))  # fmt: skip
    batch = add_documents(work, [(src, src.name)], title="Harbourview review", date="2018")
    assert [r.status for r in batch.results] == ["added"], batch.results
    ans = Assistant(work).ask("How many families did the Harbourview family hub support?")
    cit = next(c for c in ans.citations if c.file == "Harbourview-review.pdf")
    assert "230 families" in cit.text and cit.title == "Harbourview review"
    # the quote's own page, though its chunk (the whole short document) starts on page 1
    build = store.current_build(work.index_root)
    assert build is not None
    [chunk] = [c for c in store.read_chunks(build) if c.chunk_id == cit.chunk_id]
    assert chunk.page == 1 and chunk.start < cit.start
    assert cit.page == 2
