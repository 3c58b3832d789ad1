"""The real app, real index, driven in headless Chromium (Debian's, no browser download).

One server per test session over the session index (``built_settings`` in conftest.py),
launched on a free loopback port in a thread and shared through :func:`served_app` with
``test_app_client.py`` and ``test_projects_tab_browser.py``.
"""

from __future__ import annotations

import atexit
import html
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from support import free_port

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ELIGIBILITY = "Who can apply for funding?"
OFF_TOPIC = "Compose a haiku about the sea"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    url: str
    port: int
    data_dir: Path
    feedback_db: Path
    assistant: object


_SERVED: Served | None = None



def served_app(settings) -> Served:  # type: ignore[no-untyped-def]
    """Start the app over the session index once per process; later calls reuse it."""
    global _SERVED
    if _SERVED is not None:
        return _SERVED
    from assistant.api import Assistant
    from ui.app import build_app, launch

    data_dir = settings.data_dir
    assistant = Assistant(settings)
    feedback_db = data_dir / "feedback.sqlite"
    app = build_app(assistant, feedback_path=feedback_db)
    port = free_port()
    launch(app, "127.0.0.1", port, block=False)
    atexit.register(app.close)
    _SERVED = Served(f"http://127.0.0.1:{port}/", port, data_dir, feedback_db, assistant)
    return _SERVED


def _chromium() -> str | None:
    for cand in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or ""):
        if cand and Path(cand).exists():
            return cand
    return None


@pytest.fixture(scope="session")
def server(built_settings) -> Served:  # type: ignore[no-untyped-def]
    return served_app(built_settings)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium: run `make browser` (apt-get install chromium) to enable the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Screenshots go to the test's tmp dir, and to docs/screenshots when CSC_UPDATE_SCREENSHOTS=1."""
    return tmp_path


def _save(page, shots: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(shots / name), full_page=True)
    if os.environ.get("CSC_UPDATE_SCREENSHOTS") == "1":
        out = REPO / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / name), full_page=True)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _ask(page, question: str) -> object:  # type: ignore[no-untyped-def]
    """Type, press Enter (keyboard path), wait for the streamed answer to finish; return its element."""
    bots_before = page.locator("#chat [data-testid='bot']").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    last = page.locator("#chat [data-testid='bot']").nth(bots_before)
    last.locator(".answer:not(.pending)").wait_for(timeout=60_000)
    page.wait_for_function(
        "n => { const b = document.querySelectorAll(\"#chat [data-testid='bot']\"); "
        "return b.length > n && !b[n].querySelector('.cursor, .pending'); }",
        arg=bots_before,
        timeout=60_000,
    )
    return last


@pytest.mark.browser
@pytest.mark.slow
def test_full_flow_in_browser(server: Served, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.api import ABSTAIN_TEXT

    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    hosts: set[str] = set()
    page.on(
        "request", lambda r: hosts.add(urlparse(r.url).netloc) if r.url.startswith(("http", "ws")) else None
    )
    page.on("websocket", lambda ws: hosts.add(urlparse(ws.url).netloc))
    page.goto(server.url)

    # start screen: scope statement with the 2016-2020 dates, three groups of one-click examples
    page.locator("#start-screen").wait_for()
    assert "2016 to 2020" in page.locator(".app-head .intro").inner_text()
    for group in ("Applying for funding", "What has worked", "Checking guidance wording"):
        assert page.get_by_role("heading", name=group).is_visible()
    page.get_by_role("button", name=ELIGIBILITY).wait_for()
    _save(page, shots, "start-screen.png")

    # eligibility question: [1] marker, source card whose quote is verbatim in the corpus file
    answer = _ask(page, ELIGIBILITY)
    assert "[1]" in answer.inner_text()
    assert answer.locator("a.cite-ref").count() >= 1
    card = page.locator("#sources .src-card").first
    card.wait_for()
    quote = card.locator("mark.quote").inner_text()
    title = card.locator(".src-title").inner_text()
    docs = {d["title"]: d for d in server.assistant.documents()}  # type: ignore[attr-defined]
    corpus_text = (REPO / "corpus" / docs[title]["file"]).read_text(encoding="utf-8")
    assert _norm(quote) in _norm(corpus_text)
    assert page.locator("#start-screen").is_hidden()
    _save(page, shots, "answered-eligibility.png")

    # clicking the marker opens the passage in the viewer, highlighted and scrolled into view
    answer.locator("a.cite-ref").first.click()
    mark = page.locator("#viewer mark.hl").first
    mark.wait_for(timeout=15_000)
    page.wait_for_timeout(400)
    assert _norm(page.locator("#viewer mark.hl").all_inner_texts()[0]) in _norm(quote) or _norm(
        quote
    ) in _norm(" ".join(page.locator("#viewer mark.hl").all_inner_texts()))
    body_box = page.locator("#viewer .doc-body").bounding_box()
    mark_box = mark.bounding_box()
    assert body_box and mark_box and body_box["y"] <= mark_box["y"] <= body_box["y"] + body_box["height"]
    assert page.locator("#sources .src-card.active").count() == 1
    _save(page, shots, "source-passage.png")

    # keyboard: a focused source card opens with Enter
    page.locator("#viewer").evaluate("el => el.querySelector('.doc-body').scrollTop = 0")
    card.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    assert page.locator("#viewer .doc-body").evaluate("el => el.scrollTop") > 0 or mark.is_visible()

    # thumbs-down with a comment lands in the SQLite store with question, answer and citations
    page.locator("#feedback-comment textarea").fill("Too short")
    page.locator("#thumbs-down").click()
    page.get_by_text("recorded as not helpful").wait_for(timeout=10_000)
    with sqlite3.connect(server.feedback_db) as con:
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM feedback WHERE question = ?", (ELIGIBILITY,))]
    assert rows and rows[-1]["rating"] == "down" and rows[-1]["comment"] == "Too short"
    assert "[1]" in rows[-1]["answer"] and _norm(quote) in _norm(html.unescape(rows[-1]["citations_json"]))

    # export: the Markdown download carries the sources
    with page.expect_download() as dl_info:
        page.locator("#export").click()
    md = Path(dl_info.value.path()).read_text(encoding="utf-8")
    assert f"## 1. {ELIGIBILITY}" in md and "### Sources" in md and "**[1]**" in md
    assert _norm(quote.split("\n")[0])[:40] in _norm(md)

    # off-topic: abstention text, no source cards
    off = _ask(page, OFF_TOPIC)
    assert _norm(ABSTAIN_TEXT) in _norm(off.inner_text())
    page.get_by_text("No sources: the documents do not answer this question.").wait_for(timeout=10_000)
    assert page.locator("#sources .src-card").count() == 0
    # the thumbs on each chat message also record (here: the abstention, as helpful)
    page.locator("#chat button[aria-label='Like']").last.click()
    page.get_by_text("recorded as helpful").wait_for(timeout=10_000)
    with sqlite3.connect(server.feedback_db) as con:
        liked = con.execute("SELECT rating FROM feedback WHERE question = ?", (OFF_TOPIC,)).fetchall()
    assert liked == [("up",)]

    # an empty question shows the field-named message in the chat instead of failing
    bots = page.locator("#chat [data-testid='bot']").count()
    page.locator("#question textarea").fill("   ")
    page.locator("#send").click()
    page.locator("#chat [data-testid='bot']").nth(bots).locator(".answer.error").wait_for(timeout=15_000)
    assert "question" in page.locator("#chat .answer.error").last.inner_text()

    # nothing left the machine
    assert hosts and all(h.split(":")[0] == "127.0.0.1" for h in hosts), hosts
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_documents_tab_and_phone_width(server: Served, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url)
    page.get_by_role("tab", name="Documents").click()
    table = page.locator("#docs-table table")
    table.wait_for()
    assert table.locator("tbody tr").count() == len(server.assistant.documents())  # type: ignore[attr-defined]
    assert re.search(r"Licence", table.inner_text())
    # read a document and jump to a paragraph: the reader highlights that span
    page.locator("#doc-select input").click()
    page.get_by_role("option", name=re.compile("How to get involved")).click()
    page.locator("#reader .doc-body").wait_for(timeout=15_000)
    page.locator("#jump-to input").click()
    page.get_by_role("option").nth(5).click()
    page.locator("#reader mark.hl.jump").first.wait_for(timeout=15_000)
    # usable at phone width: no sideways scrolling of the page
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    _save(page, shots, "documents-phone.png")
    context.close()
