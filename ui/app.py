"""The public web app: the page's header and its three tabs, each built in its own module.

Built on Gradio 6 ``Blocks``. The design choices that matter:

* Every string shown comes from the ``ui/render_*`` modules (chat, sources, documents, projects),
  which escape document and user text with :func:`ui.render_common.esc`; the chat's own HTML
  sanitiser stays on as a second line.
* One module per tab: :mod:`ui.chat_tab` (Ask: the cited chat, sources, follow-ups, feedback,
  export), :mod:`ui.projects_tab` (the project directory as data) and :mod:`ui.documents_tab`
  (the library and its reader). They share one :class:`ui.library.Library` (documents, text,
  outlines, the viewer). "Open in the Documents tab" in the other two is wired by the Documents tab.
* Nothing is fetched from the internet: the theme uses local fonts, the CSS
  is served from ``ui/static``, analytics are off. Serving (with the staff area) is ``ui.server``.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402  (the environment must be set before Gradio reads it)

from ui.chat_tab import answer_dict, build_chat_tab, user_errors  # noqa: E402
from ui.documents_tab import build_documents_tab  # noqa: E402
from ui.library import AssistantLike, Library  # noqa: E402
from ui.projects_tab import build_projects_tab, projects_query_args, projects_view  # noqa: E402
from ui.render_chat import intro_html  # noqa: E402
from ui.render_common import esc  # noqa: E402

__all__ = ["AssistantLike", "build_app", "projects_query_args", "projects_view"]


def build_app(assistant: AssistantLike, *, feedback_path: Path, admin_path: str | None = None) -> gr.Blocks:
    """Wire the UI to ``assistant``; feedback goes to the SQLite file at ``feedback_path``.

    ``admin_path``: where the staff area is mounted (``ui.server``); the header links to it.
    """
    lib = Library(assistant)
    errors = user_errors()

    def api_ask(question: str, history: list[dict] | None = None) -> dict:
        """Ask one question (with optional earlier turns [{"q", "a"}]); returns the Answer as JSON."""
        try:
            return answer_dict(assistant.ask(question, history=history or None))
        except errors as exc:
            raise gr.Error(str(exc)) from exc

    with gr.Blocks(title="CSC Innovation Programme assistant", analytics_enabled=False) as app:
        gr.HTML(
            '<header class="app-head"><h1>Children\'s Social Care Innovation Programme assistant</h1>'
            f"{intro_html()}"
            + (
                f'<p class="staff-link"><a href="{esc(admin_path.strip("/"))}/">Staff: add documents</a></p>'
                if admin_path
                else ""
            )
            + "</header>",
            js_on_load=None,
        )
        with gr.Tabs(elem_id="tabs") as tabs:
            chat_passage = build_chat_tab(lib, feedback_path=feedback_path)
            project_passage = build_projects_tab(lib)
            documents = build_documents_tab(lib, tabs)
        documents.wire(app)
        for button, target in (chat_passage, project_passage):
            documents.carry(button, target)
        gr.api(api_ask, api_name="ask", concurrency_id="ask")
    return app
