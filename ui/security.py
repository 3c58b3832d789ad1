"""The guard in front of the served apps: who may reach the staff area, and how often.

Gradio alone, mounted on our FastAPI server, leaves the staff area open to other sites and to
password guessing: its CORS middleware grants credentialed access to any origin once the server
has a real host name (and to any localhost port on 127.0.0.1), its login cookie is
``SameSite=None``, the PBKDF2 check runs on the event loop (a login flood stalls every user),
nothing limits wrong passwords, and the public app's ``/gradio_api/upload`` takes files from
anyone. :class:`SecurityMiddleware` wraps the whole server (``ui.admin.create_server``) and:

- refuses cross-origin requests to the staff area (preflights, state-changing calls and
  WebSockets whose ``Origin`` is not the server's own or in ``CSC_ALLOWED_ORIGINS``), and strips
  credentialed CORS grants for other origins everywhere;
- rewrites the staff login cookies to ``SameSite=Strict``, ``Secure`` only over HTTPS;
- answers staff sign-ins itself: throttled per client address and per user name
  (:class:`LoginThrottle`), the password checked in a worker thread, and only a verified
  sign-in passed on to Gradio, which then finds it in :class:`VerifiedLogins` (no second hash);
- refuses uploads to the public app, and staff uploads larger than ``CSC_MAX_UPLOAD_MB``
  before a byte is stored.

It is plain ASGI (no request buffering except the small login form), so answers stream as before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
MAX_LOGIN_FORM_BYTES = 16 * 1024
MAX_TRACKED_KEYS = 10_000  # bounded memory under a flood of made-up user names or addresses


# ----------------------------------------------------------------------------------- throttling


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    strikes: int = 0  # pauses so far; each doubles the next
    last_failure: float = 0.0


class LoginThrottle:
    """Failed sign-ins per key (a client address, a user name): a pause that doubles, then a lockout.

    ``max_failures`` wrong passwords within ``window_s`` start a pause of ``delay_s``; every
    further failure after a pause doubles it, up to ``max_delay_s``. A success clears the key.
    Thread-safe; the clock is injectable so tests need not sleep.
    """

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 60.0,
        delay_s: float = 30.0,
        max_delay_s: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures, self.window_s = max_failures, window_s
        self.delay_s, self.max_delay_s = delay_s, max_delay_s
        self.clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def retry_after(self, keys: list[str]) -> float:
        """Seconds until any of ``keys`` may try again (0: go ahead)."""
        now = self.clock()
        with self._lock:
            waits = [r.blocked_until - now for k in keys if (r := self._records.get(k))]
        return max([0.0, *waits])

    def failure(self, keys: list[str]) -> float:
        """Record a wrong password for each key; returns the pause it started (0: none)."""
        now = self.clock()
        started = 0.0
        with self._lock:
            self._forget_stale(now)
            for key in keys:
                rec = self._records.setdefault(key, _Record())
                if rec.strikes and now - rec.last_failure > self.max_delay_s + self.window_s:
                    rec.strikes = 0  # quiet for long enough: start again from the first pause
                rec.last_failure = now
                rec.failures.append(now)
                while rec.failures and now - rec.failures[0] > self.window_s:
                    rec.failures.popleft()
                if len(rec.failures) >= self.max_failures or rec.strikes:
                    delay = min(self.delay_s * 2**rec.strikes, self.max_delay_s)
                    rec.strikes += 1
                    rec.blocked_until = now + delay
                    rec.failures.clear()
                    started = max(started, delay)
                    what = "locked out" if delay >= self.max_delay_s else "paused"
                    log.warning(
                        "staff sign-in %s for %s for %.0f s after repeated wrong passwords", what, key, delay
                    )
        return started

    def success(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def clear(self) -> None:
        """Forget every failure (staff lifting a lockout without a restart; tests)."""
        with self._lock:
            self._records.clear()

    def _forget_stale(self, now: float) -> None:
        if len(self._records) < MAX_TRACKED_KEYS:
            return
        horizon = self.max_delay_s + self.window_s
        stale = [k for k, r in self._records.items() if now - r.last_failure > horizon]
        for k in stale:
            del self._records[k]
        if len(self._records) >= MAX_TRACKED_KEYS:  # still full: drop the oldest half
            oldest = sorted(self._records, key=lambda k: self._records[k].last_failure)
            for k in oldest[: len(oldest) // 2]:
                del self._records[k]


class VerifiedLogins:
    """Sign-ins the middleware has just verified, so Gradio's ``auth`` callable need not hash again.

    Holds a keyed digest of (user, password) for a few seconds and answers each once; the
    password itself is never stored.
    """

    def __init__(self, ttl_s: float = 10.0) -> None:
        self._key = secrets.token_bytes(32)
        self._ttl = ttl_s
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def _digest(self, user: str, password: str) -> str:
        return hmac.new(self._key, f"{user}\0{password}".encode(), hashlib.sha256).hexdigest()

    def add(self, user: str, password: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._seen = {k: t for k, t in self._seen.items() if now - t < self._ttl}
            self._seen[self._digest(user, password)] = now

    def take(self, user: str, password: str) -> bool:
        with self._lock:
            t = self._seen.pop(self._digest(user, password), None)
        return t is not None and time.monotonic() - t < self._ttl


# ----------------------------------------------------------------------------------- origins


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _netloc(origin: str) -> str:
    parts = urlsplit(origin)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme)
    port = parts.port if parts.port and parts.port != default else None
    return f"{host}:{port}" if port else host


def _host_netloc(host: str, scheme: str) -> str:
    return _netloc(f"{scheme}://{host}")


def same_origin(scope: Scope, origin: str, allowed: frozenset[str]) -> bool:
    """True when ``origin`` is the server itself (as the request's ``Host`` names it) or allowed."""
    if not origin or origin == "null":
        return False
    if origin.rstrip("/") in allowed:
        return True
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    host = _headers(scope).get("host", "")
    return bool(host) and _netloc(origin) == _host_netloc(host, scheme)


def parse_origins(value: str) -> frozenset[str]:
    return frozenset(o.strip().rstrip("/") for o in value.split(",") if o.strip())


# ----------------------------------------------------------------------------------- middleware


@dataclass(frozen=True)
class GuardConfig:
    admin_path: str  # e.g. "/admin"
    max_upload_bytes: int
    allowed_origins: frozenset[str] = frozenset()


LoginCheck = Callable[[str, str], bool]


class SecurityMiddleware:
    """See the module docstring; ``check`` is the (blocking) password check, run in a thread."""

    def __init__(
        self,
        app: ASGIApp,
        config: GuardConfig,
        check: LoginCheck,
        throttle: LoginThrottle,
        verified: VerifiedLogins,
    ) -> None:
        self.app, self.config, self.check = app, config, check
        self.throttle, self.verified = throttle, verified
        import anyio

        self._hash_slots = anyio.CapacityLimiter(1)  # a login flood uses at most one core

    def _is_admin(self, path: str) -> bool:
        base = self.config.admin_path.rstrip("/")
        return path == base or path.startswith(base + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = _headers(scope)
        origin = headers.get("origin", "")
        foreign = bool(origin) and not same_origin(scope, origin, self.config.allowed_origins)
        admin = self._is_admin(path)
        if scope["type"] == "websocket":
            if admin and foreign:
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET")
        cross_site = headers.get("sec-fetch-site") == "cross-site"
        if admin and (foreign or cross_site) and (method in STATE_CHANGING or method == "OPTIONS"):
            log.warning("refused a cross-origin %s %s from %s", method, path, origin or "(cross-site)")
            await _plain(send, 403, "cross-origin requests to the staff area are refused")
            return
        if method == "POST" and path.rstrip("/").endswith("/gradio_api/upload"):
            if not admin:
                await _plain(send, 403, "this app accepts no uploads")
                return
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.config.max_upload_bytes + 64 * 1024:
                limit = self.config.max_upload_bytes / 2**20
                msg = f"the upload is larger than the {limit:.0f} MB limit (CSC_MAX_UPLOAD_MB)"
                await _plain(send, 413, msg)
                return
        if admin and method == "POST" and path.rstrip("/") == self.config.admin_path.rstrip("/") + "/login":
            await self._login(scope, receive, send)
            return
        await self.app(scope, receive, self._filtered_send(send, scope, foreign, admin))

    def _filtered_send(self, send: Send, scope: Scope, foreign: bool, admin: bool) -> Send:
        """Strip credentialed CORS grants for other origins; make the staff cookies Strict."""
        https = scope.get("scheme") == "https"

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = []
                for k, v in message.get("headers", []):
                    name = k.decode("latin-1").lower()
                    grant = name.startswith("access-control-allow-")
                    if foreign and grant and (admin or name == "access-control-allow-credentials"):
                        continue
                    if admin and name == "set-cookie":
                        v = _strict_cookie(v.decode("latin-1"), https).encode("latin-1")
                    out.append((k, v))
                message["headers"] = out
            await send(message)

        return wrapped

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        import anyio

        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_LOGIN_FORM_BYTES:
                await _plain(send, 413, "sign-in form too large")
                return
        user, password = await _login_form(scope, body)
        client = (scope.get("client") or ("unknown", 0))[0]
        keys = [f"client {client}", f"user {user.lower()!r}"]
        wait = self.throttle.retry_after(keys)
        if wait > 0:
            await _json(
                send,
                429,
                {"detail": f"Too many failed sign-ins; try again in {int(wait) + 1} s."},
                [(b"retry-after", str(int(wait) + 1).encode())],
            )
            return
        if not user or not password:
            ok = False
        else:
            ok = await anyio.to_thread.run_sync(self.check, user, password, limiter=self._hash_slots)
        if not ok:
            self.throttle.failure(keys)
            await _json(send, 400, {"detail": "Incorrect credentials."})
            return
        self.throttle.success(keys)
        self.verified.add(user, password)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, self._filtered_send(send, scope, False, True))


async def _login_form(scope: Scope, body: bytes) -> tuple[str, str]:
    """User name and password from the sign-in form, urlencoded or multipart (Gradio's page
    posts ``FormData``, i.e. multipart); ("", "") when it cannot be read."""
    from starlette.requests import Request

    async def once() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, receive=once).form(max_files=0, max_fields=10)
    except Exception:  # noqa: BLE001  (a malformed form is a failed sign-in, not a server error)
        return "", ""
    user, password = form.get("username"), form.get("password")
    if not isinstance(user, str) or not isinstance(password, str):
        return "", ""
    return user.strip(), password


def _strict_cookie(value: str, https: bool) -> str:
    parts = [p.strip() for p in value.split(";")]
    kept = [p for p in parts if p and p.lower().split("=")[0] not in ("samesite", "secure")]
    kept.append("SameSite=strict")
    if https:
        kept.append("Secure")
    return "; ".join(kept)


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(
    send: Send, status: int, payload: dict, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(payload).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})
