"""The Projects tab in headless Chromium against the real app (the shared ``served_app`` server)."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest
from test_app_browser import CHROMIUM_ARGS, REPO, Served, _chromium, _norm, _save, served_app

DIRECTORY = REPO / "corpus" / "programme-journey-and-project-directory.md"


@pytest.fixture(scope="session")
def projects_server(built_settings) -> Served:  # type: ignore[no-untyped-def]
    return served_app(built_settings)


def in_own_thread(fn: Callable[[], None]) -> None:
    """Run ``fn`` in a worker thread and re-raise what it raised.

    Playwright's sync API allows one running instance per thread, and
    test_app_browser's session-wide ``browser`` may still be open in the main
    thread when this module runs; a worker thread gets its own.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(fn).result()


@pytest.mark.browser
@pytest.mark.slow
def test_projects_tab_filter_sort_and_open_entry(projects_server: Served, tmp_path: Path) -> None:
    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium: run `make browser` (apt-get install chromium) to enable the browser tests")

    def drive() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                check_projects_tab(browser, projects_server, tmp_path)
            finally:
                browser.close()

    in_own_thread(drive)


def check_projects_tab(browser, server: Served, shots: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    hosts: set[str] = set()
    page.on(
        "request", lambda r: hosts.add(urlparse(r.url).netloc) if r.url.startswith(("http", "ws")) else None
    )
    page.goto(server.url)
    page.get_by_role("tab", name="Projects").click()
    table = page.locator("#proj-table table.projects-table")
    table.wait_for()
    summary = page.locator("#proj-summary")
    assert "69 of 69 entries match" in summary.inner_text()
    assert "partial extract" in summary.inner_text()

    # filter by region: the East of England has entries 5-12 in the file
    page.locator("#proj-region input").click()
    page.get_by_role("option", name=re.compile(r"^East of England")).click()
    page.wait_for_function(
        "() => document.querySelector('#proj-summary').innerText.includes('8 of 69 entries match')",
        timeout=15_000,
    )
    rows = table.locator("tbody tr.proj-row")
    assert rows.count() == 8
    assert "Belhaven Service" in table.inner_text()
    assert "Family Safeguarding" in table.inner_text()

    # sort by the non-shared total, twice: largest first (Family Safeguarding, £4.8m + £11.6m)
    sort_total = table.locator("button.sort[data-sort='total']")
    sort_total.click()
    page.locator("#proj-table th[aria-sort='ascending'] button[data-sort='total']").wait_for(timeout=15_000)
    page.locator("#proj-table button.sort[data-sort='total']").click()
    page.locator("#proj-table th[aria-sort='descending'] button[data-sort='total']").wait_for(timeout=15_000)
    assert rows.first.get_attribute("data-number") == "8"

    # select a row: the entry is quoted verbatim and highlighted in the directory viewer
    row = table.locator("tr.proj-row[data-number='5']")
    row.click()
    mark = page.locator("#proj-viewer mark.hl").first
    mark.wait_for(timeout=15_000)
    source = DIRECTORY.read_text(encoding="utf-8")
    start = source.index("### 5. Belhaven Service (AD, RES, MH)")
    entry = source[start : source.index("### 6.", start)].strip()
    # verbatim: every character is in the page (textContent), the Markdown syntax only hidden, so
    # what the reader sees (innerText) has no "###" or "*...*"
    highlighted = " ".join(page.locator("#proj-viewer mark.hl").all_text_contents())
    assert _norm(highlighted) == _norm(entry)
    quote = page.locator("#proj-entry .proj-quote")
    assert _norm(quote.text_content() or "") == _norm(entry)
    seen = quote.inner_text() + " ".join(page.locator("#proj-viewer mark.hl").all_inner_texts())
    assert "###" not in seen and "*Priory" not in seen and "5. Belhaven Service" in seen
    assert page.locator("#proj-table tr.proj-row.selected").get_attribute("data-number") == "5"
    page.wait_for_timeout(400)
    body_box = page.locator("#proj-viewer .doc-body").bounding_box()
    mark_box = mark.bounding_box()
    assert body_box and mark_box and body_box["y"] <= mark_box["y"] <= body_box["y"] + body_box["height"]
    _save(page, shots, "projects-tab.png")

    # keyboard: Enter on a focused row opens that entry
    table.locator("tr.proj-row[data-number='11']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => (document.querySelector('#proj-entry .proj-quote') || {}).innerText"
        "?.startsWith('11. Staying Close, Staying Connected')",
        timeout=15_000,
    )

    # the unknown-region filter shows the marker
    page.locator("#proj-region input").click()
    page.get_by_role("option", name=re.compile(r"^Region unknown")).click()
    page.wait_for_function(
        "() => document.querySelector('#proj-summary').innerText.includes('4 of 69 entries match')",
        timeout=15_000,
    )
    assert table.locator(".badge.warn", has_text="Region unknown").count() == 4

    assert hosts and all(h.split(":")[0] == "127.0.0.1" for h in hosts), hosts
    context.close()
