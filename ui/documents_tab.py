"""The Documents tab: the library as a table, and a reader that jumps to a heading or a page.

Other tabs send a passage here ("Open in the Documents tab") through :meth:`DocumentsTab.carry`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui import render_documents
from ui.assets import static_js
from ui.library import Library


def _parse_range(value: str | None) -> tuple[int, int] | None:
    if not value or "-" not in value:
        return None
    a, b = value.split("-", 1)
    try:
        return int(a), int(b)
    except ValueError:
        return None


@dataclass
class DocumentsTab:
    """The tab's components, and the handlers other tabs wire to them."""

    lib: Library
    tabs: gr.Tabs
    tab: gr.Tab
    table: gr.HTML
    select: gr.Dropdown
    jump_to: gr.Dropdown
    jump_page: gr.Dropdown
    reader: gr.HTML
    focus: gr.State

    def carry(self, button: gr.Button, target: gr.State) -> None:
        """``button`` opens the passage held in ``target`` ({doc_id, start, end}) in this tab's reader.

        The target is also left in ``focus`` because changing the document dropdown re-renders the
        reader; :meth:`pick` keeps the span.
        """

        def show(target: dict | None) -> tuple[Any, ...]:
            if not target:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip()
            html = self.lib.viewer(target["doc_id"], (target["start"], target["end"]))
            return gr.Tabs(selected="documents"), gr.update(value=target["doc_id"]), html, target

        button.click(
            show, target, [self.tabs, self.select, self.reader, self.focus], api_visibility="private"
        )

    def pick(self, doc_id: str | None, focus: dict | None) -> tuple[Any, ...]:
        """Show a whole document; keep the highlighted span if one was carried over from a source."""
        if not doc_id or doc_id not in self.lib.by_id:
            return (
                render_documents.viewer_placeholder_html(),
                gr.update(choices=[], value=None),
                gr.update(visible=False),
                None,
            )
        outline = self.lib.outline(doc_id)
        pages = render_documents.page_choices(outline)
        span = (focus["start"], focus["end"]) if focus and focus.get("doc_id") == doc_id else None
        return (
            self.lib.viewer(doc_id, span),
            gr.update(choices=render_documents.outline_choices(outline, self.lib.text(doc_id)), value=None),
            gr.update(choices=pages, value=None, visible=bool(pages)),
            None,
        )

    def refresh(self, selected: str | None) -> tuple[Any, ...]:
        """The library as the index has it now: staff uploads appear without a restart."""
        current = self.lib.refresh()
        choices = [(d["title"], d["doc_id"]) for d in current]
        keep = not selected or any(doc_id == selected for _t, doc_id in choices)
        # the value is left alone while it still exists: re-setting it would reset the reader
        picker = gr.update(choices=choices) if keep else gr.update(choices=choices, value=None)
        return render_documents.documents_table_html(current), picker

    def open_from_table(self, evt: gr.EventData) -> Any:
        """A title in the documents table was selected: pick it in the reader's dropdown."""
        data = getattr(evt, "_data", None) or {}
        doc_id = str(data.get("doc_id") or "")
        if doc_id not in self.lib.by_id:
            return gr.skip()
        return gr.update(value=doc_id)

    def jump(self, doc_id: str | None, value: str | None) -> Any:
        span = _parse_range(value)
        if not doc_id or span is None:
            return gr.skip()
        return self.lib.viewer(doc_id, span, kind="jump")

    def wire(self, app: gr.Blocks) -> None:
        self.table.click(self.open_from_table, None, self.select, api_visibility="private")
        self.select.change(
            self.pick,
            [self.select, self.focus],
            [self.reader, self.jump_to, self.jump_page, self.focus],
            api_visibility="private",
        )
        self.jump_to.change(self.jump, [self.select, self.jump_to], self.reader, api_visibility="private")
        for refresh_on in (self.tab.select, app.load):
            refresh_on(
                self.refresh, self.select, [self.table, self.select], api_visibility="private",
                show_progress="hidden",
            )  # fmt: skip
        self.jump_page.change(self.jump, [self.select, self.jump_page], self.reader, api_visibility="private")


def build_documents_tab(lib: Library, tabs: gr.Tabs) -> DocumentsTab:
    """Lay the tab out (inside ``tabs``); wire it with :meth:`DocumentsTab.wire` once the page exists."""
    docs = lib.docs
    focus = gr.State(None)
    with gr.Tab("Documents", id="documents", elem_id="tab-documents") as tab:
        table = gr.HTML(
            render_documents.documents_table_html(docs),
            js_on_load=static_js("documents.js"),
            elem_id="docs-table",
        )
        with gr.Row():
            select = gr.Dropdown(
                choices=[(d["title"], d["doc_id"]) for d in docs],
                label="Read a document",
                value=None,
                scale=3,
                elem_id="doc-select",
            )
            jump_to = gr.Dropdown(
                choices=[], label="Jump to paragraph", value=None, scale=3, elem_id="jump-to"
            )
            jump_page = gr.Dropdown(
                choices=[],
                label="Jump to page",
                value=None,
                scale=1,
                visible=False,
                elem_id="jump-page",
            )
        reader = gr.HTML(
            render_documents.viewer_placeholder_html(
                "Choose a document, or select a title above, to read it here."
            ),
            js_on_load=static_js("viewer.js"),
            elem_id="reader",
        )
    return DocumentsTab(lib, tabs, tab, table, select, jump_to, jump_page, reader, focus)
