"""Serving: the public app and the staff area on one FastAPI server, behind ``ui.security``.

This is the one module that knows both apps: ``ui.app`` (the public tabs) and ``ui.admin`` (the
staff page) import neither each other nor this module. ``csc-assistant serve`` calls :func:`serve`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402  (the environment must be set before Gradio reads it)
from starlette.routing import Mount  # noqa: E402

from ingest.config import ServerSettings, Settings, load_settings  # noqa: E402
from ui import admin as staff  # noqa: E402
from ui.admin import ADMIN_PATH, auth_message, build_admin, login_checker  # noqa: E402
from ui.app import build_app  # noqa: E402
from ui.assets import FONT_STACK, MONO_STACK, STATIC_DIR, static_js  # noqa: E402
from ui.feedback import feedback_db_path  # noqa: E402
from ui.library import AssistantLike  # noqa: E402
from ui.login_page import LoginPageMiddleware, gradio_session_check  # noqa: E402
from ui.security import (  # noqa: E402
    GuardConfig,
    LoginThrottle,
    SecurityMiddleware,
    VerifiedLogins,
    parse_origins,
)

# Defaults of Settings.server (ingest/config.py says why each exists), kept here for readers and
# benchmarks: every way of asking (chat box, Ask button, example buttons, the /ask API) shares one
# pool of ASK_CONCURRENCY workers, and up to QUEUE_MAX events wait their turn; other events
# (sources, documents, projects) are cheap and keep Gradio's per-event default of ASK_CONCURRENCY.
# Overridable per replica with CSC_CONCURRENCY / CSC_QUEUE_MAX.
DEFAULT_HOST: str = ServerSettings.model_fields["host"].default
DEFAULT_PORT: int = ServerSettings.model_fields["port"].default
ASK_CONCURRENCY: int = ServerSettings.model_fields["concurrency"].default
QUEUE_MAX: int = ServerSettings.model_fields["queue_max"].default


def launch_options() -> dict[str, Any]:
    """Arguments every launch needs (Gradio 6 takes theme/CSS/head at launch, not in Blocks)."""
    theme = gr.themes.Default(font=list(FONT_STACK), font_mono=list(MONO_STACK))  # system fonts, no request
    return {
        "theme": theme,
        "css_paths": [STATIC_DIR / "app.css"],
        "head": f'<meta name="color-scheme" content="light dark"><script>{static_js("app.js")}</script>',
        "footer_links": ["api"],
        "ssr_mode": False,
        "show_error": False,
        "quiet": True,
    }


def create_server(public: gr.Blocks, admin: gr.Blocks, settings: Settings):  # type: ignore[no-untyped-def]
    """One FastAPI app: the public assistant at ``/`` (no login), the staff area at ``/admin``."""
    from fastapi import FastAPI

    opts = {k: v for k, v in launch_options().items() if k != "quiet"}
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # the same queue as :func:`launch` gives the public app when it is served alone
    public.queue(default_concurrency_limit=settings.server.concurrency, max_size=settings.server.queue_max)
    admin.queue(default_concurrency_limit=1)
    verified = VerifiedLogins()
    gr.mount_gradio_app(
        server,
        admin,
        path=ADMIN_PATH,
        auth=login_checker(settings, verified),
        auth_message=auth_message(settings),
        max_file_size=settings.max_upload_bytes,
        **opts,
    )
    gr.mount_gradio_app(server, public, path="/", **opts)
    # Gradio only checks that a posted file object names a file it received once its app "has
    # launched", which mount_gradio_app never records: without this, any server path is read
    for blocks in (admin, public):
        blocks.has_launched = True
    guard = settings.admin
    throttle = LoginThrottle(
        guard.login_max_failures, guard.login_window_s, guard.login_delay_s, guard.login_max_delay_s
    )
    server.state.login_throttle = throttle
    # our own sign-in page instead of Gradio's (added first, so the security middleware wraps it)
    staff_app = next(
        r.app for r in server.routes if isinstance(r, Mount) and r.path == ADMIN_PATH.rstrip("/")
    )
    server.add_middleware(
        LoginPageMiddleware,
        admin_path=ADMIN_PATH,
        signed_in=gradio_session_check(staff_app),
        message=lambda: auth_message(settings),
    )
    server.add_middleware(
        SecurityMiddleware,
        config=GuardConfig(
            admin_path=ADMIN_PATH,
            max_upload_bytes=settings.max_upload_bytes,
            allowed_origins=parse_origins(settings.server.allowed_origins),
        ),
        # looked up at each sign-in (not bound at import), as when this lived in ui.admin
        check=lambda user, password: staff.check_login(settings, user, password),
        throttle=throttle,
        verified=verified,
    )
    return server


class RunningServer:
    """A uvicorn server started by :func:`launch_with_admin`; ``close()`` stops it."""

    def __init__(self, server, thread: threading.Thread | None) -> None:  # type: ignore[no-untyped-def]
        self.server = server
        self.thread = thread

    def close(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)


def launch_with_admin(
    public: gr.Blocks, settings: Settings, host: str, port: int, *, block: bool = True
) -> RunningServer:
    """Serve the public app and the staff area on ``host:port``; ``block=False`` returns once listening."""
    import uvicorn

    app = create_server(public, build_admin(settings), settings)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    if block:
        server.run()
        return RunningServer(server, None)
    thread = threading.Thread(target=server.run, daemon=True, name="csc-uvicorn")
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError(f"the server did not start on {host}:{port}")
    return RunningServer(server, thread)


def launch(
    app: gr.Blocks, host: str, port: int, *, block: bool = True, settings: Settings | None = None
) -> None:
    """Start the server on ``host:port`` with the offline options; ``block=False`` returns at once (tests).

    The ask queue's size comes from ``settings.server`` (default: read from the environment now).
    """
    server = (settings or load_settings()).server
    app.queue(default_concurrency_limit=server.concurrency, max_size=server.queue_max)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, **launch_options())


def serve(
    host: str | None = None,
    port: int | None = None,
    assistant: AssistantLike | None = None,
    *,
    answer_workers: int | None = None,
) -> None:
    """``csc-assistant serve``: load the index and serve the UI (blocks until interrupted).

    Host and port come from the arguments, else ``CSC_HOST``/``CSC_PORT`` (``settings.server``),
    else 127.0.0.1:7860 — loopback by default, because the app has no login.

    ``answer_workers`` > 0: answers are computed by that many processes
    (:class:`ui.answer_pool.AnswerPool`); default ``settings.server.answer_workers`` (0: in this
    process). An assistant with a language model always answers in this process (its text streams
    as it is generated), as does an ``assistant`` passed in that is not an
    :class:`assistant.api.Assistant`.
    """
    settings = load_settings()
    host = host or settings.server.host
    port = int(port or settings.server.port)
    from assistant.api import Assistant

    if assistant is None:
        assistant = Assistant(settings)
    if answer_workers is None:
        answer_workers = settings.server.answer_workers
    pool = None
    if answer_workers > 0 and isinstance(assistant, Assistant) and assistant.llm is None:
        from ui.answer_pool import AnswerPool

        pool = AnswerPool(assistant, answer_workers)
    app = build_app(
        pool or assistant, feedback_path=feedback_db_path(settings.data_dir), admin_path=ADMIN_PATH
    )
    workers = f"{pool.workers} answer processes" if pool else "answers in this process"
    print(
        f"csc-assistant: serving on http://{host}:{port} (staff area: {ADMIN_PATH}/; {workers})", flush=True
    )
    if pool is not None and threading.current_thread() is threading.main_thread():
        # uvicorn re-raises the SIGTERM it stopped on once it has shut down; by default that ends
        # the process on the spot, before the pool below is closed (its workers would only notice
        # a second later, and multiprocessing warns of leaked semaphores): exit normally instead
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        launch_with_admin(app, settings, host, port, block=True)
    finally:
        if pool is not None:
            pool.close()
