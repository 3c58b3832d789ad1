"""The staff area: "Add documents", behind a login, mounted at ``/admin`` beside the public app.

The public chat stays open to everyone; only this area needs a login. Credentials come
from the environment (``CSC_ADMIN_USER`` / ``CSC_ADMIN_PASSWORD``) or from
``<data dir>/admin.json`` (a salted PBKDF2 hash, written by
``python -m ui.admin set-password USER``); nothing is hard-coded. With neither set, the
login page says how to configure them and every login is refused.

``ui.server`` mounts this page and the public app on one FastAPI server (``create_server``) and
serves them with uvicorn (``launch_with_admin``); this module imports neither the app nor the server.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import hmac
import html
import json
import logging
import os
import queue
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from ingest.config import Settings, load_settings  # noqa: E402
from ingest.uploads import UPLOAD_KINDS, add_documents, uploaded_documents  # noqa: E402
from ui.admin_views import manage_section, reset_after_upload  # noqa: E402
from ui.security import (  # noqa: E402
    VerifiedLogins,
)

log = logging.getLogger(__name__)

ADMIN_PATH = "/admin"
ADMIN_FILE = "admin.json"
PBKDF2_ITERATIONS = 240_000


# ---------------------------------------------------------------------------------- credentials


def hash_password(password: str, salt: bytes, iterations: int = PBKDF2_ITERATIONS) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations).hex()


def write_admin_file(data_dir: Path, user: str, password: str) -> Path:
    """Store ``user`` with a salted PBKDF2-SHA256 hash of ``password`` (never the password)."""
    if not user.strip() or not password:
        raise ValueError("user name and password must not be empty")
    salt = secrets.token_bytes(16)
    record = {
        "user": user.strip(),
        "algorithm": "pbkdf2_sha256",
        "iterations": PBKDF2_ITERATIONS,
        "salt": salt.hex(),
        "hash": hash_password(password, salt),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ADMIN_FILE
    tmp = path.with_name(f".{ADMIN_FILE}.tmp")
    tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def _env_login() -> tuple[str, str] | None:
    """``CSC_ADMIN_USER`` / ``CSC_ADMIN_PASSWORD`` (``Settings.admin``), read afresh at every sign-in."""
    admin = load_settings().admin
    password = admin.password.get_secret_value() if admin.password else ""
    return (admin.user, password) if admin.user and password else None


def credentials_source(settings: Settings) -> str | None:
    """Where the admin login comes from ("environment" or the file's path), or None if unset."""
    if _env_login():
        return "environment"
    path = settings.data_dir / ADMIN_FILE
    return str(path) if path.is_file() else None


def check_login(settings: Settings, user: str, password: str) -> bool:
    """True only for the configured user and password (constant-time comparisons)."""
    env_login = _env_login()
    if env_login:
        env_user, env_pw = env_login
        ok_user = hmac.compare_digest(user.encode(), env_user.encode())
        ok_pw = hmac.compare_digest(password.encode(), env_pw.encode())
        return ok_user and ok_pw
    path = settings.data_dir / ADMIN_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        salt = bytes.fromhex(record["salt"])
        iterations = int(record.get("iterations", PBKDF2_ITERATIONS))
        expected_user, expected_hash = str(record["user"]), str(record["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no file, or one we cannot trust: nobody gets in
    ok_user = hmac.compare_digest(user.encode(), expected_user.encode())
    ok_pw = hmac.compare_digest(hash_password(password, salt, iterations), expected_hash)
    return ok_user and ok_pw


def login_checker(settings: Settings, verified: VerifiedLogins | None = None) -> Callable[[str, str], bool]:
    """The ``auth`` callable for Gradio; re-reads the configuration at every login.

    Gradio calls it on the event loop; served by ``ui.server.create_server``, the security middleware
    has already checked the password in a worker thread (``verified``), so no hash runs here.
    """

    def check(user: str, password: str) -> bool:
        if verified is not None and verified.take((user or "").strip(), password or ""):
            return True
        return check_login(settings, user or "", password or "")

    return check


def auth_message(settings: Settings) -> str:
    if credentials_source(settings):
        return "Staff area: sign in to add documents. The public assistant needs no login."
    return (
        "No staff login is configured, so nobody can sign in. Set CSC_ADMIN_USER and "
        "CSC_ADMIN_PASSWORD in the server's environment, or run "
        f"`python -m ui.admin set-password USER` to store a salted hash in {settings.data_dir / ADMIN_FILE} "
        "(the file takes effect at the next sign-in; environment variables need a restart)."
    )


# ---------------------------------------------------------------------------------- the page


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def uploads_table_html(settings: Settings) -> str:
    docs = uploaded_documents(settings)
    if not docs:
        return '<p class="muted" id="no-uploads">No documents have been added yet.</p>'
    rows = "".join(
        f"<tr><td>{_esc(d.get('title', ''))}</td><td><code>{_esc(d.get('file', ''))}</code></td>"
        f"<td>{_esc(d.get('date', ''))}</td><td>{_esc(d.get('kind', ''))}</td>"
        f"<td>{_esc(d.get('licence', ''))}</td></tr>"
        for d in docs
    )
    return (
        '<table class="uploads"><thead><tr><th>Title</th><th>File</th><th>Date</th><th>Kind</th>'
        f"<th>Licence</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _status_html(lines: list[tuple[str, str]], running: bool = False) -> str:
    items = "".join(f'<li class="{_esc(cls)}">{_esc(text)}</li>' for cls, text in lines)
    return f'<div class="upload-status{" running" if running else ""}"><ul>{items}</ul></div>'


def upload_folder() -> Path:
    """Gradio's upload cache (``GRADIO_TEMP_DIR``, else ``<tmp>/gradio``), resolved."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder()).resolve()


def received_file(value: object, received: set[str] | None) -> Path | None:
    """The uploaded file ``value`` names, if it really arrived through the upload route; else None.

    A client can post any ``path`` in a file object; without this check the handler would read,
    index and publish any file the server can read. Accepted: a regular file (not a symlink)
    inside Gradio's upload cache and, when the app's record of received files is given, on it.
    """
    raw = value if isinstance(value, str | Path) else getattr(value, "name", None)
    if not raw:
        return None
    path = Path(str(raw))
    try:
        if path.is_symlink() or not path.is_file():
            return None
        real = path.resolve(strict=True)
    except OSError:
        return None
    if not real.is_relative_to(upload_folder()):
        return None
    if received is not None and str(path) not in received and str(real) not in received:
        return None
    return real


def discard_received(paths: list[Path], received: set[str] | None) -> None:
    """Remove uploaded temp files once handled (stored copies live in the uploads folder)."""
    root = upload_folder()
    for path in paths:
        if not path.resolve().is_relative_to(root):
            continue  # never delete outside the upload cache
        path.unlink(missing_ok=True)
        if received is not None:
            received.discard(str(path))
        parent = path.parent
        if parent != root and parent.is_relative_to(root):
            with contextlib.suppress(OSError):
                parent.rmdir()  # Gradio's per-file folder, when now empty


def upload_handler(
    settings: Settings, received: Callable[[], set[str] | None] = lambda: None
) -> Callable[..., Iterator[tuple[str, str]]]:
    """The "Add and index" handler: store, ingest, and report progress while it runs.

    ``received``: the app's record of files that arrived through its upload route (Gradio's
    ``upload_file_set``); only those are read, and each is deleted from the cache after use.
    """

    def run(
        files: list[Any] | None,
        title: str,
        date: str,
        kind: str,
        licence: str,
        publisher: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008  (Gradio's progress-tracker idiom)
    ) -> Iterator[tuple[str, str]]:
        if not files:
            yield _status_html([("error", "Choose one or more files first (PDF, .txt or .md).")]), gr.skip()
            return
        pairs = []
        got = received()
        refused = []
        for f in files:
            path = received_file(f, got)
            if path is None:
                name = Path(str(f if isinstance(f, str | Path) else getattr(f, "name", "") or "?")).name
                log.warning("refused an upload that did not arrive through the upload form: %r", f)
                refused.append(("error", f"{name}: refused: it did not arrive through this upload form"))
            else:
                pairs.append((path, path.name))
        if refused:
            discard_received([p for p, _n in pairs], got)
            yield _status_html(refused), gr.skip()
            return
        steps: queue.Queue[tuple[float, str] | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["batch"] = add_documents(
                    settings,
                    pairs,
                    title=title or "",
                    date=date or "",
                    kind=kind or "other",
                    licence=licence or "",
                    publisher=publisher or "",
                    on_step=lambda frac, msg: steps.put((frac, msg)),
                )
            except Exception as exc:  # shown to the user below; the index is untouched by a failure
                log.exception("upload failed")
                outcome["error"] = exc
            finally:
                discard_received([p for p, _n in pairs], got)
                steps.put(None)

        t0 = time.monotonic()
        threading.Thread(target=work, daemon=True, name="csc-upload").start()
        current = (0.0, "Starting")
        while True:
            try:
                item = steps.get(timeout=0.5)
            except queue.Empty:
                item = current
            if item is None:
                break
            current = item
            progress(item[0], desc=item[1])
            line = f"{item[1]}… ({time.monotonic() - t0:.0f} s)"
            yield _status_html([("progress", line)], running=True), gr.skip()
        if "error" in outcome:
            msg = f"The upload failed ({outcome['error']}); the index was left as it was."
            yield _status_html([("error", msg)]), uploads_table_html(settings)
            return
        batch = outcome["batch"]
        lines = [
            ({"added": "ok", "duplicate": "info"}.get(r.status, "error"), r.message) for r in batch.results
        ]
        if batch.added:
            lines.append(("ok", f"Done in {time.monotonic() - t0:.0f} s."))
        yield _status_html(lines), uploads_table_html(settings)

    return run


def build_admin(settings: Settings | None = None) -> gr.Blocks:
    """The "Add documents" page (mount it behind ``auth``; see ``ui.server.create_server``)."""
    settings = settings or load_settings()
    with gr.Blocks(
        title="Add documents — CSC assistant staff area",
        analytics_enabled=False,
        delete_cache=(600, 3600),  # uploads left in Gradio's cache (a closed tab) go within the hour
    ) as admin:
        gr.HTML(
            '<header class="app-head"><h1>Add documents</h1>'
            f'<p class="intro">PDF, plain text (.txt) or Markdown (.md), up to {settings.max_upload_mb} MB '
            "each. A document can be asked about as soon as its indexing finishes. Scanned PDFs without a "
            "text layer cannot be read (no OCR). "
            '<a href="../">Back to the assistant</a> · <a href="logout">Sign out</a></p></header>',
            js_on_load=None,
        )
        files = gr.File(
            label="Documents",
            file_count="multiple",
            file_types=[".pdf", ".txt", ".md"],
            type="filepath",
            elem_id="upload-files",
        )
        with gr.Row():
            title = gr.Textbox(
                label="Title (one file only; blank: taken from the text)", elem_id="upload-title"
            )
            date = gr.Textbox(label="Publication date (YYYY, YYYY-MM or YYYY-MM-DD)", elem_id="upload-date")
        with gr.Row():
            kind = gr.Dropdown(choices=list(UPLOAD_KINDS), value="other", label="Kind", elem_id="upload-kind")
            licence = gr.Textbox(label="Licence", placeholder="e.g. Open Government Licence v3.0")
            publisher = gr.Textbox(label="Publisher", placeholder="e.g. Department for Education")
        add = gr.Button("Add and index", variant="primary", elem_id="upload-add")
        status = gr.HTML("", elem_id="upload-status", js_on_load=None)
        gr.HTML("<h2>Documents added here</h2>", js_on_load=None)
        table = gr.HTML(uploads_table_html(settings), elem_id="uploads-table", js_on_load=None)
        add.click(
            upload_handler(settings, lambda: admin.upload_file_set),
            [files, title, date, kind, licence, publisher],
            [status, table],
            api_visibility="private",
            concurrency_limit=1,
        ).then(reset_after_upload, status, [files, title, date, licence, publisher], api_visibility="private")
        manage_section(settings, table, uploads_table_html)
        admin.load(lambda: uploads_table_html(settings), None, table, api_visibility="private")
    return admin


# ---------------------------------------------------------------------------------- serving


def main(argv: list[str] | None = None) -> int:
    """``python -m ui.admin set-password USER``: store a salted hash in the data directory."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "set-password":
        print("usage: python -m ui.admin set-password USER", file=sys.stderr)
        return 1
    settings = load_settings()
    preset = settings.admin.new_password  # CSC_NEW_ADMIN_PASSWORD: scripted set-ups, no prompt
    password = preset.get_secret_value() if preset else getpass.getpass("Password: ")
    if not password:
        print("error: empty password", file=sys.stderr)
        return 1
    path = write_admin_file(settings.data_dir, args[1], password)
    print(f"stored a salted hash for {args[1]!r} in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
