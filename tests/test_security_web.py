"""Security of the served apps, replayed as an attacker would on loopback (issue 14, points 1-5).

One server (public app + staff area) runs per module over a small indexed corpus; each test
sends the exact requests of a reproduction and checks they are refused and nothing was indexed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import free_port, indexed_small_corpus

from ingest import store
from ingest.config import Settings
from ui.security import LoginThrottle, same_origin

USER, PASSWORD = "staff", "pw-123"
EVIL = "https://evil.example"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, str, object]]:
    from assistant.api import Assistant
    from ui.admin import ADMIN_PATH, write_admin_file
    from ui.app import build_app
    from ui.server import launch_with_admin

    settings = indexed_small_corpus(tmp_path_factory.mktemp("security-web"))
    write_admin_file(settings.data_dir, USER, PASSWORD)  # the hashed file: PBKDF2 runs at each sign-in
    app = build_app(Assistant(settings), feedback_path=settings.data_dir / "fb.sqlite", admin_path=ADMIN_PATH)
    port = free_port()
    server = launch_with_admin(app, settings, "127.0.0.1", port, block=False)
    try:
        yield settings, f"http://127.0.0.1:{port}", server
    finally:
        server.close()


def _login(c: httpx.Client) -> httpx.Response:
    return c.post("/admin/login", data={"username": USER, "password": PASSWORD})


def _upload_dependency(c: httpx.Client) -> tuple[int, int]:
    config = c.get("/admin/config").json()
    for i, dep in enumerate(config["dependencies"]):
        if len(dep.get("inputs", [])) == 6:  # files, title, date, kind, licence, publisher
            return i, dep["targets"][0][0]
    raise AssertionError("no upload event in the staff page")


def _join_and_wait(c: httpx.Client, payload: dict, session: str) -> list[str]:
    joined = c.post("/admin/gradio_api/queue/join", json={**payload, "session_hash": session})
    assert joined.status_code == 200, joined.text
    lines = []
    with c.stream("GET", "/admin/gradio_api/queue/data", params={"session_hash": session}) as resp:
        for line in resp.iter_lines():
            lines.append(line)
            if "process_completed" in line:
                break
    return lines


# -- 1: a file object naming any server path ------------------------------------------------------


def test_path_injection_in_the_staff_upload_is_refused_and_nothing_indexed(served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, base, _server = served
    secret = tmp_path / "server-secret.txt"
    secret.write_text("The server's private launch code is QX-7741-ZULU.\n" * 5, encoding="utf-8")
    before = store.current_build(settings.index_root)
    with httpx.Client(base_url=base, timeout=60) as c:
        assert _login(c).status_code == 200
        fn_index, trigger = _upload_dependency(c)
        file_obj = {"path": str(secret), "meta": {"_type": "gradio.FileData"}, "orig_name": "notes.txt"}
        lines = _join_and_wait(
            c,
            {"data": [[file_obj], "", "", "other", "", ""], "fn_index": fn_index, "trigger_id": trigger},
            "inject1",
        )
    done = next(line for line in lines if "process_completed" in line)
    assert '"success":false' in done, done
    assert not any("stored and indexed" in line for line in lines)
    uploads = settings.uploads_dir
    assert not uploads.exists() or not [p for p in uploads.iterdir() if p.suffix == ".txt"]
    assert store.current_build(settings.index_root) == before
    assert not any("QX-7741" in ch.text for ch in store.read_chunks(before))


def test_handler_reads_only_files_received_by_the_upload_route(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Defence in depth: even if Gradio's own check were skipped, the handler refuses the path."""
    from ui import admin

    cache = tmp_path / "gradio-cache"
    (cache / "abc").mkdir(parents=True)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(cache))
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    inside = cache / "abc" / "report.txt"
    inside.write_text("uploaded", encoding="utf-8")
    planted = cache / "abc" / "link.txt"
    planted.symlink_to(outside)
    received = {str(inside)}
    assert admin.received_file(str(outside), received) is None
    assert admin.received_file(str(planted), received | {str(planted)}) is None  # a symlink: refused
    assert admin.received_file(str(cache / "abc" / ".." / ".." / "secret.txt"), received) is None
    other = cache / "abc" / "someone-elses.txt"
    other.write_text("x", encoding="utf-8")
    assert admin.received_file(str(other), received) is None  # in the cache, but not received here
    assert admin.received_file(str(inside), received) == inside.resolve()
    admin.discard_received([inside], received)
    assert not inside.exists() and str(inside) not in received
    admin.discard_received([outside], None)
    assert outside.exists()  # never deletes outside the upload cache


# -- 2: cross-origin requests to the staff area ---------------------------------------------------


@pytest.mark.parametrize("host", ["csc.example.org", None])
def test_cross_origin_preflight_and_join_to_the_staff_area_are_refused(served, host: str | None) -> None:  # type: ignore[no-untyped-def]
    _settings, base, _server = served
    # under a real host name any origin used to be granted; on 127.0.0.1 any localhost port was
    origin = EVIL if host else "http://localhost:9999"
    headers = {"Host": host} if host else {}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as c:
        assert _login(c).status_code == 200
        pre = c.options(
            "/admin/gradio_api/queue/join",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        assert pre.status_code == 403
        assert "access-control-allow-origin" not in pre.headers
        assert "access-control-allow-credentials" not in pre.headers
        fn_index, trigger = _upload_dependency(c)
        data = {"data": [None, "", "", "other", "", ""], "fn_index": fn_index, "trigger_id": trigger}
        join = c.post(
            "/admin/gradio_api/queue/join", json={**data, "session_hash": "x1"}, headers={"Origin": origin}
        )
        assert join.status_code == 403
        upload = c.post(
            "/admin/gradio_api/upload", files={"files": ("a.txt", b"hi")}, headers={"Origin": origin}
        )
        assert upload.status_code == 403
        # the server's own origin is still served
        own = f"http://{host}" if host else base
        ok = c.post(
            "/admin/gradio_api/queue/join", json={**data, "session_hash": "x2"}, headers={"Origin": own}
        )
        assert ok.status_code == 200, ok.text
        # the public app may still be read cross-origin, but never with credentials
        public = c.options(
            "/gradio_api/queue/join", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-credentials" not in public.headers


def test_login_cookie_is_samesite_strict_and_secure_only_over_https(served) -> None:  # type: ignore[no-untyped-def]
    _settings, base, _server = served
    with httpx.Client(base_url=base, timeout=30) as c:
        # as the login page sends it: multipart FormData
        multipart = {"username": (None, USER), "password": (None, PASSWORD)}
        assert c.post("/admin/login", files=multipart).status_code == 200
        assert c.get("/admin/config").status_code == 200
    with httpx.Client(base_url=base, timeout=30) as c:
        cookies = _login(c).headers.get_list("set-cookie")
    assert len(cookies) == 2
    for cookie in cookies:
        attrs = [a.strip().lower() for a in cookie.split(";")]
        assert "samesite=strict" in attrs and "samesite=none" not in attrs, cookie
        assert "secure" not in attrs, cookie  # plain http: a Secure cookie would be dropped anyway


def test_same_origin_rules() -> None:
    scope = {"scheme": "http", "headers": [(b"host", b"csc.example.org")]}
    assert same_origin(scope, "http://csc.example.org", frozenset())
    assert same_origin(scope, "http://csc.example.org:80", frozenset())
    assert not same_origin(scope, "https://evil.example", frozenset())
    assert not same_origin(scope, "http://csc.example.org.evil.example", frozenset())
    assert not same_origin(scope, "null", frozenset())
    assert same_origin(scope, "https://public.example", frozenset({"https://public.example"}))
    local = {"scheme": "http", "headers": [(b"host", b"127.0.0.1:7860")]}
    assert not same_origin(local, "http://127.0.0.1:9999", frozenset())
    assert not same_origin(local, "http://localhost:7860", frozenset())


# -- 3 and 4: password guessing, and what a flood does to everyone else ----------------------------


def test_login_burst_is_throttled_and_checked_off_the_event_loop(served, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui import admin

    _settings, base, _server = served
    threads: list[str] = []
    real = admin.check_login

    def spy(settings, user, password):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(settings, user, password)

    monkeypatch.setattr(admin, "check_login", spy)
    statuses = []
    with httpx.Client(base_url=base, timeout=30) as c:
        for i in range(60):
            r = c.post("/admin/login", data={"username": "burst-user", "password": f"guess-{i}"})
            statuses.append(r.status_code)
        assert statuses[:5] == [400] * 5
        assert set(statuses[5:]) == {429}, statuses
        assert len(threads) == 5  # the other 55 never reached the password check
        assert all(t != threading.main_thread().name and "uvicorn" not in t for t in threads), threads
        blocked = c.post("/admin/login", data={"username": USER, "password": PASSWORD})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert "try again" in blocked.json()["detail"]
        # the public app keeps answering while sign-in is paused
        assert c.get("/gradio_api/info").status_code == 200
    _server.server.config.app.state.login_throttle.clear()  # the later tests sign in from here too


def test_throttle_pauses_grow_to_a_lockout_and_success_clears() -> None:
    now = [1000.0]
    t = LoginThrottle(max_failures=5, window_s=60, delay_s=30, max_delay_s=900, clock=lambda: now[0])
    keys = ["client 10.0.0.1", "user 'staff'"]
    for _ in range(4):
        assert t.failure(keys) == 0
    assert t.retry_after(keys) == 0
    assert t.failure(keys) == 30  # the fifth failure within the minute
    assert t.retry_after(["client 10.0.0.1"]) == 30 and t.retry_after(["user 'staff'"]) == 30
    delays = []
    for _ in range(8):
        now[0] += t.retry_after(keys) + 1
        delays.append(t.failure(keys))
    assert delays == [60, 120, 240, 480, 900, 900, 900, 900]
    t.success(keys)
    assert t.retry_after(keys) == 0
    assert t.retry_after(["client 10.0.0.2"]) == 0  # another client was never paused


# -- 5: the public app takes no uploads -----------------------------------------------------------


def test_public_app_refuses_uploads_and_admin_limits_size(served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.admin import upload_folder

    settings, base, _server = served
    cache = upload_folder()
    before = set(cache.rglob("*")) if cache.exists() else set()
    with httpx.Client(base_url=base, timeout=30) as c:
        r = c.post("/gradio_api/upload", files={"files": ("big.txt", b"x" * 2_000_000)})
        assert r.status_code == 403 and "no uploads" in r.text
        assert _login(c).status_code == 200
        token = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
    # a declared size over the limit is refused before a byte of the body is read (raw socket:
    # an HTTP client will not send a body shorter than its Content-Length)
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        head = (
            f"POST /admin/gradio_api/upload HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {token}\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {settings.max_upload_bytes + 10**6}\r\n\r\n"
        )
        sock.sendall(head.encode())
        reply = sock.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413") and "MB limit" in reply, reply
    time.sleep(0.2)
    after = set(cache.rglob("*")) if cache.exists() else set()
    assert not [p for p in after - before if p.is_file() and p.name == "big.txt"]
