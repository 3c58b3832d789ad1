"""The staff sign-in page, in the app's own style, served instead of Gradio's before sign-in.

Gradio's login page has its own orange button (below AA contrast), no page title, says only
"Incorrect Credentials" and ignores the 429 that ``ui.security`` answers to a burst of guesses;
and before sign-in Gradio refuses ``/config``, so the app's CSS never reaches it. This page is
plain HTML with the CSS and script of ``ui/static/login.{css,js}`` inlined, answered only to a
GET or HEAD of the staff area's root by a visitor who is not signed in. It posts to the same
login endpoint as Gradio's page, so every protection of ``ui.security`` (throttle, same-origin
rule, Strict cookies) still applies; once signed in, Gradio's staff page is served as before.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent / "static"
TITLE = "Staff sign-in · CSC Innovation Programme assistant"


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    return (STATIC / "login.css").read_text(encoding="utf-8"), (STATIC / "login.js").read_text(
        encoding="utf-8"
    )


def login_html(admin_path: str, message: str) -> str:
    """The page: title, labelled fields, an alert region for errors, a link back to the public app."""
    css, js = _assets()
    base = admin_path.rstrip("/")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(TITLE)}</title><style>{css}</style></head><body><main>"
        '<p class="site">Children\'s Social Care Innovation Programme assistant</p>'
        "<h1>Staff sign-in</h1>"
        f'<p class="intro" id="login-intro">{html.escape(message)}</p>'
        f'<form id="login-form" method="post" action="{html.escape(base)}/login" '
        f'data-next="{html.escape(base)}/" aria-describedby="login-intro" novalidate>'
        '<p id="login-error" class="error" role="alert"></p>'
        '<label for="username">User name</label>'
        '<input id="username" name="username" autocomplete="username" autocapitalize="none" '
        'spellcheck="false" required>'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" required>'
        '<button type="submit">Sign in</button></form>'
        '<p class="back"><a href="/">Back to the public assistant</a> (no sign-in needed)</p>'
        f"</main><script>{js}</script></body></html>"
    )


# the page runs only its own inline style and script and talks only to this server
HEADERS: Mapping[str, str] = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


class LoginPageMiddleware:
    """Answer ``GET``/``HEAD`` of the staff area's root with :func:`login_html` until signed in.

    ``signed_in(cookies)`` says whether the cookies carry a live staff session (Gradio's own token
    table, see :func:`gradio_session_check`); ``message()`` is the line under the heading
    (``ui.admin.auth_message``: how to sign in, or that no login is configured).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        admin_path: str,
        signed_in: Callable[[Mapping[str, str]], bool],
        message: Callable[[], str],
    ) -> None:
        self.app = app
        self.base = admin_path.rstrip("/")
        self.signed_in = signed_in
        self.message = message

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope.get("method") in ("GET", "HEAD")
            and scope.get("path") in (self.base, self.base + "/")
            and not self.signed_in(HTTPConnection(scope).cookies)
        ):
            body = login_html(self.base, self.message()).encode("utf-8")
            headers = [(k.encode(), v.encode()) for k, v in HEADERS.items()]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return
        await self.app(scope, receive, send)


def gradio_session_check(gradio_app: object) -> Callable[[Mapping[str, str]], bool]:
    """Whether cookies hold a token of the mounted Gradio app's sign-in (the names its login sets)."""

    def signed_in(cookies: Mapping[str, str]) -> bool:
        cookie_id = getattr(gradio_app, "cookie_id", "")
        tokens = getattr(gradio_app, "tokens", {})
        token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
        return bool(token) and token in tokens

    return signed_in
