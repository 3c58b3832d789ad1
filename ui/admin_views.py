"""The staff area's forms beyond "Add and index": reset after success, replace and remove a document.

Kept apart from :mod:`ui.admin` (which owns the login and the upload handler) so the page's
behaviour can change without touching how files are checked, stored and indexed. Everything
here goes through :mod:`ingest.uploads` and :func:`ingest.pipeline.run_ingest`, the same path
as an upload: a removed or replaced document's old chunks leave the index exactly as they do
when a corpus file changes (the ingest compares the sources with the live build).

Replacing is add-then-remove: the new file is stored and indexed first, with the old entry's
title, date, kind, licence and publisher; only when that succeeded is the old one taken out.
A new version the loader refuses therefore leaves the old one searchable.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.config import Settings
from ingest.uploads import add_documents, remove_upload, uploaded_documents

log = logging.getLogger(__name__)

# The status markup of a finished upload that stored at least one file (ui.admin._status_html).
_ADDED = '<li class="ok">'
_FAILED = '<li class="error">'


def status_html(lines: list[tuple[str, str]]) -> str:
    """Lines of (ok | info | error, text) as the staff area shows them; an error is announced."""
    items = "".join(f'<li class="{html.escape(cls)}">{html.escape(text)}</li>' for cls, text in lines)
    role = ' role="alert"' if any(cls == "error" for cls, _ in lines) else ' role="status"'
    return f'<div class="upload-status"{role}><ul>{items}</ul></div>'


def upload_succeeded(status: str | None) -> bool:
    """True when the upload's final status reports a stored file and no failure."""
    text = status or ""
    return _ADDED in text and _FAILED not in text and "running" not in text


def reset_after_upload(status: str | None) -> tuple[Any, ...]:
    """Empty the form once an upload worked, so the next "Add and index" cannot re-send the same file.

    After a failure the form is kept as it was: the member of staff fixes one field and retries.
    """
    if not upload_succeeded(status):
        return tuple(gr.skip() for _ in range(5))
    return None, "", "", "", ""


def upload_choices(settings: Settings) -> list[tuple[str, str]]:
    """(label, stored file name) for each document added through the staff area."""
    out = []
    for d in uploaded_documents(settings):
        file = str(d.get("file") or "")
        if file:
            title = str(d.get("title") or file)
            out.append((f"{title} ({file})", file))
    return out


def _entry(settings: Settings, file: str) -> dict | None:
    return next((d for d in uploaded_documents(settings) if d.get("file") == file), None)


def remove_document(settings: Settings, file: str | None) -> str:
    """Take an added document out of the store and the index; the status line to show."""
    from ingest.pipeline import run_ingest

    if not file:
        return status_html([("error", "Choose a document to remove first.")])
    entry = _entry(settings, file)
    if entry is None:
        return status_html([("error", f"{file} is not among the documents added here.")])
    try:
        remove_upload(settings, file)
        run_ingest(settings)
    except Exception as exc:  # shown to the member of staff; the next ingest finishes the job
        log.exception("remove failed")
        return status_html([("error", f"Removing {file} failed ({exc}). Try again.")])
    title = entry.get("title") or file
    return status_html([("ok", f"Removed “{title}” ({file}); it is no longer searched or cited.")])


def replace_document(settings: Settings, file: str | None, new_file: Any) -> str:
    """Index ``new_file`` with the old entry's description, then remove the old version."""
    from ingest.pipeline import run_ingest

    if not file:
        return status_html([("error", "Choose the document to replace first.")])
    if not new_file:
        return status_html([("error", "Choose the new version's file first (PDF, .txt or .md).")])
    entry = _entry(settings, file)
    if entry is None:
        return status_html([("error", f"{file} is not among the documents added here.")])
    path = Path(new_file if isinstance(new_file, str | Path) else getattr(new_file, "name", str(new_file)))
    try:
        batch = add_documents(
            settings,
            [(path, path.name)],
            title=str(entry.get("title") or ""),
            date=str(entry.get("date") or ""),
            kind=str(entry.get("kind") or "other"),
            licence=str(entry.get("licence") or ""),
            publisher=str(entry.get("publisher") or ""),
        )
    except Exception as exc:
        log.exception("replace failed")
        return status_html([("error", f"The new version could not be added ({exc}); {file} was kept.")])
    if not batch.added:
        lines = [("error", r.message) for r in batch.results]
        lines.append(("error", f"{file} was kept as it was."))
        return status_html(lines)
    try:
        remove_upload(settings, file)
        run_ingest(settings)
    except Exception as exc:
        log.exception("removing the old version failed")
        return status_html([("error", f"The new version was added, but removing {file} failed ({exc}).")])
    new_name = batch.added[0].file or path.name
    return status_html([("ok", f"Replaced {file} with {new_name}; answers now cite the new version.")])


def manage_section(settings: Settings, uploads_table: gr.HTML, table_html: Callable[[Settings], str]) -> None:
    """The "Replace or remove a document" form, placed in the admin page being built.

    ``uploads_table`` / ``table_html``: the page's list of added documents and its renderer,
    refreshed after every change.
    """
    gr.HTML("<h2>Replace or remove a document</h2>", js_on_load=None)
    with gr.Row():
        which = gr.Dropdown(
            choices=upload_choices(settings),
            value=None,
            label="Document added here",
            scale=3,
            elem_id="manage-doc",
        )
        new_file = gr.File(
            label="New version (to replace it)",
            file_count="single",
            file_types=[".pdf", ".txt", ".md"],
            type="filepath",
            scale=3,
            elem_id="manage-file",
        )
    with gr.Row():
        replace = gr.Button("Replace with the new version", elem_id="manage-replace")
        remove = gr.Button("Remove this document", variant="stop", elem_id="manage-remove")
    status = gr.HTML("", elem_id="manage-status", js_on_load=None)

    def refreshed() -> tuple[Any, str]:
        return gr.update(choices=upload_choices(settings), value=None), table_html(settings)

    def do_replace(file: str | None, new: Any) -> tuple[Any, ...]:
        msg = replace_document(settings, file, new)
        picker, table = refreshed()
        return msg, picker, table, None

    def do_remove(file: str | None) -> tuple[Any, ...]:
        msg = remove_document(settings, file)
        picker, table = refreshed()
        return msg, picker, table

    # the list also changes when a document is added above: read it afresh whenever it is opened
    which.focus(lambda: gr.update(choices=upload_choices(settings)), None, which, api_visibility="private")
    replace.click(
        do_replace,
        [which, new_file],
        [status, which, uploads_table, new_file],
        api_visibility="private",
        concurrency_limit=1,
        concurrency_id="admin-ingest",
    )
    remove.click(
        do_remove,
        [which],
        [status, which, uploads_table],
        api_visibility="private",
        concurrency_limit=1,
        concurrency_id="admin-ingest",
    )
