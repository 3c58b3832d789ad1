"""The staff sign-in page (``ui.login_page``): the app's style, clear messages, issue 14's guards kept.

The page is served over the real server (``ui.server.launch_with_admin``) in headless Chromium:
a wrong password, the throttle's 429 and a good sign-in each show what they mean.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import free_port, indexed_small_corpus

from ingest.config import Settings

USER, PASSWORD = "staff", "pw-789"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Settings, str]]:
    from assistant.api import Assistant
    from ui.admin import ADMIN_PATH, write_admin_file
    from ui.app import build_app
    from ui.server import launch_with_admin

    monkeypatch.setenv("CSC_LOGIN_MAX_FAILURES", "2")  # the third wrong try in a minute is paused
    settings = indexed_small_corpus(tmp_path)
    write_admin_file(settings.data_dir, USER, PASSWORD)
    app = build_app(Assistant(settings), feedback_path=settings.data_dir / "fb.sqlite", admin_path=ADMIN_PATH)
    port = free_port()
    server = launch_with_admin(app, settings, "127.0.0.1", port, block=False)
    try:
        yield settings, f"http://127.0.0.1:{port}"
    finally:
        server.close()


def test_our_page_before_sign_in_and_gradios_staff_page_after(served: tuple[Settings, str]) -> None:
    _, url = served
    with httpx.Client(base_url=url, timeout=30) as c:
        for path in ("/admin", "/admin/"):
            page = c.get(path, follow_redirects=False)
            assert page.status_code == 200, path
            assert "<title>Staff sign-in" in page.text and 'for="username"' in page.text
            assert (
                'action="/admin/login"' in page.text
                and "frame-ancestors 'none'" in page.headers["content-security-policy"]
            )
            assert page.headers["cache-control"] == "no-store"
        assert c.get("/admin/config").status_code in (401, 403)  # Gradio still refuses the rest
        assert c.get("/").status_code == 200 and "Staff sign-in" not in c.get("/").text  # public app
        assert c.post("/admin/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        after = c.get("/admin/")
        assert after.status_code == 200 and "Staff sign-in" not in after.text
        assert c.get("/admin/config").status_code == 200


@pytest.mark.browser
@pytest.mark.slow
def test_sign_in_page_in_browser_says_what_went_wrong_and_passes_axe(served: tuple[Settings, str]) -> None:
    from test_app_browser import CHROMIUM_ARGS, CONTRAST_JS, _axe_serious, _chromium

    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium: run `make browser` (apt-get install chromium) to enable the browser tests")
    from playwright.sync_api import sync_playwright

    _, url = served
    errors: list[BaseException] = []

    def scenario() -> None:  # own thread: the session's browser fixture may own the main thread's loop
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            for viewport in ({"width": 1366, "height": 768}, {"width": 390, "height": 844}):
                page = browser.new_page(viewport=viewport)
                page.goto(f"{url}/admin/")
                assert page.title().startswith("Staff sign-in")
                assert page.get_by_role("heading", level=1, name="Staff sign-in").is_visible()
                assert _axe_serious(page) == [], viewport
                page.close()
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(f"{url}/admin/")
            # empty: said beside the form, nothing sent
            page.get_by_role("button", name="Sign in").click()
            assert page.get_by_role("alert").inner_text() == "Enter your user name."
            # a wrong password: announced (role=alert), readable, focus back in the password field
            page.get_by_label("User name").fill(USER)
            page.get_by_label("Password").fill("wrong-1")
            page.get_by_role("button", name="Sign in").click()
            alert = page.get_by_role("alert")
            page.wait_for_function(
                "() => document.getElementById('login-error').textContent.includes('do not match')"
            )
            assert page.evaluate("document.activeElement.id") == "password"
            assert alert.evaluate(CONTRAST_JS) >= 4.5
            assert _axe_serious(page) == []
            # the right one: Gradio's staff page
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="Add and index").wait_for(timeout=30_000)
            page.close()
            # repeated wrong passwords: the throttle's 429 becomes "wait N seconds" and the button waits
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{url}/admin/")
            page.get_by_label("User name").fill(USER)
            for i in range(3):
                page.get_by_label("Password").fill(f"wrong-{i}")
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_function(
                    "() => !document.querySelector('#login-form button').disabled || "
                    "document.getElementById('login-error').textContent.includes('Wait')"
                )
                page.wait_for_timeout(200)
            text = page.get_by_role("alert").inner_text()
            assert text.startswith("Too many failed sign-ins. Wait ") and "seconds" in text, text
            assert page.get_by_role("button", name="Sign in").is_disabled()
            browser.close()

    def run() -> None:
        try:
            scenario()
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    t.join(timeout=300)
    assert not t.is_alive(), "the browser scenario did not finish"
    if errors:
        raise errors[0]
