"""The Projects tab: the project directory as data, filtered, sorted, each entry quoted in its document.

Filters map onto ``ProjectStore.query`` (reached through the Assistant, no retrieval here), sorting
is a header button, and a row opens its verbatim entry in a viewer beside the table.
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from ui import render_documents, render_projects
from ui.assets import static_js
from ui.library import Library

log = logging.getLogger(__name__)


def projects_query_args(
    region: str | None = None,
    theme: str | None = None,
    org: str | None = None,
    year: str | int | None = None,
    min_amount: str | None = None,
    max_amount: str | None = None,
    search: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The Projects tab's filter boxes as ``ProjectStore.query`` keyword arguments.

    Blank boxes and the "any" choices mean no filter. Returns the arguments and
    the problems to show (an amount that could not be read is left out, not guessed).
    """
    args: dict[str, Any] = {}
    problems: list[str] = []
    if region and region != render_projects.ANY:
        args["region"] = region
    if theme and theme != render_projects.ANY:
        args["theme"] = theme
    if org and org.strip():
        args["org"] = org.strip()
    if year not in (None, "", render_projects.ANY):
        try:
            args["year"] = int(str(year))
        except ValueError:
            problems.append(f"Year: could not read {str(year)!r} as a year.")
    for key, label, value in (("min_amount", "Min", min_amount), ("max_amount", "Max", max_amount)):
        try:
            amount = render_projects.parse_gbp(value)
        except ValueError:
            problems.append(f"{label} £: could not read {value!r}; try 500k, 1.5m or 1200000.")
            continue
        if amount is not None:
            args[key] = amount
    if search and search.strip():
        args["search"] = search.strip()
    lo, hi = args.get("min_amount"), args.get("max_amount")
    if lo is not None and hi is not None and lo > hi:
        problems.append("Min £ is above max £, so nothing can match.")
    return args, problems


def projects_view(
    store: Any,
    args: dict[str, Any],
    *,
    problems: list[str] | None = None,
    sort: str = "number",
    descending: bool = False,
    selected: int | None = None,
) -> tuple[str, str]:
    """(table, summary) HTML for the entries ``store.query(**args)`` returns."""
    everything = store.all()
    matches = store.query(**args)
    table = render_projects.projects_table_html(matches, sort=sort, descending=descending, selected=selected)
    summary = render_projects.projects_summary_html(
        matches,
        total_entries=len(everything),
        missing_numbers=store.missing_numbers,
        cut_off=[r.number for r in everything if not r.complete],
        problems=problems or [],
    )
    return table, summary


def _filter_box(
    label: str, elem_id: str, *, placeholder: str | None = None, scale: int = 1, min_width: int | None = None
) -> gr.Textbox:
    """One single-line filter of the Projects tab (its elem_id is what the browser tests find)."""
    width = min_width or (200 if scale > 1 else 110)
    return gr.Textbox(
        label=label, placeholder=placeholder, min_width=width, scale=scale, elem_id=elem_id, max_lines=1
    )


def build_projects_tab(lib: Library) -> tuple[gr.Button, gr.State]:
    """Lay out and wire the tab (inside the page's ``gr.Tabs``).

    Returns "Open in the Documents tab" and the state holding the open entry's passage, for the
    Documents tab to wire (:meth:`~ui.documents_tab.DocumentsTab.carry`; it is built later).
    """
    assistant = lib.assistant
    doc_text = lib.text
    doc_by_id = lib.by_id
    viewer_for = lib.viewer

    def project_store() -> Any:
        """The directory store of the current build via the Assistant (None if there is none)."""
        getter = getattr(assistant, "project_store", None)
        if getter is None:
            return None
        try:
            return getter()
        except Exception:
            log.exception("project store unavailable")
            return None

    first_store = project_store()
    first_records = first_store.all() if first_store is not None else []
    no_store_html = render_projects.projects_entry_placeholder_html(
        "The project directory is not available in this index (run ingest with the directory file)."
    )

    def filter_projects(
        region: str | None,
        theme: str | None,
        org: str | None,
        year: str | None,
        lo: str | None,
        hi: str | None,
        search: str | None,
        sort_state: dict | None,
        selected: int | None,
    ) -> tuple[str, str]:
        """Re-query the store with the filter boxes; keeps the current sort and selection."""
        store = project_store()
        if store is None:
            return "", no_store_html
        args, problems = projects_query_args(region, theme, org, year, lo, hi, search)
        sort_state = sort_state or {"key": "number", "desc": False}
        return projects_view(
            store,
            args,
            problems=problems,
            sort=sort_state["key"],
            descending=bool(sort_state["desc"]),
            selected=selected,
        )

    def project_table_event(
        region: str | None,
        theme: str | None,
        org: str | None,
        year: str | None,
        lo: str | None,
        hi: str | None,
        search: str | None,
        sort_state: dict | None,
        selected: int | None,
        evt: gr.EventData,
    ) -> tuple[Any, ...]:
        """A header button re-sorts the table; a row opens its entry, quoted and highlighted."""
        data = getattr(evt, "_data", None) or {}
        skip7 = tuple(gr.skip() for _ in range(7))
        sort_state = sort_state or {"key": "number", "desc": False}
        keys = {k for k, _ in render_projects.PROJECT_COLUMNS}
        if data.get("sort") in keys:
            key = str(data["sort"])
            desc = not sort_state["desc"] if sort_state["key"] == key else False
            new_sort = {"key": key, "desc": desc}
            table, _ = filter_projects(region, theme, org, year, lo, hi, search, new_sort, selected)
            return (table, new_sort, *skip7[2:])
        store = project_store()
        try:
            number = int(data["number"])
        except (KeyError, TypeError, ValueError):
            return skip7
        rec = store.get(number) if store is not None else None
        if rec is None:
            return skip7
        doc_id = store.doc_id
        try:
            text = doc_text(doc_id)
        except Exception:
            log.warning("no text for the directory document %s", doc_id)
            return (gr.skip(), gr.skip(), number, render_projects.project_entry_html(rec, None), *skip7[4:])
        title = doc_by_id.get(doc_id, {}).get("title") or store.title
        entry = render_projects.project_entry_html(rec, text, doc_title=title)
        target = {"doc_id": doc_id, "start": int(rec.start), "end": int(rec.end)}
        html = viewer_for(
            doc_id, (target["start"], target["end"]), back="Back to the table", back_to="#proj-table"
        )
        return gr.skip(), gr.skip(), number, entry, html, target, gr.update(visible=True)

    def clear_project_filters() -> tuple[Any, ...]:
        return render_projects.ANY, render_projects.ANY, "", render_projects.ANY, "", "", ""

    with gr.Tab("Projects", id="projects", elem_id="tab-projects"):
        proj_sort = gr.State({"key": "number", "desc": False})
        proj_selected = gr.State(None)
        proj_target = gr.State(None)
        gr.HTML(
            '<p class="intro">The project directory as data: filter and sort the entries, then '
            "select one to read it, quoted verbatim, in the directory document.</p>",
            js_on_load=None,
        )
        with gr.Row(elem_id="proj-filters"):
            proj_region = gr.Dropdown(
                choices=render_projects.region_choices(first_records),
                value=render_projects.ANY,
                label="Region",
                min_width=160,
                elem_id="proj-region",
            )
            proj_theme = gr.Dropdown(
                choices=render_projects.theme_choices(
                    first_store.theme_codes() if first_store is not None else [], first_records
                ),
                value=render_projects.ANY,
                label="Theme code (labels inferred)",
                min_width=200,
                elem_id="proj-theme",
            )
            proj_year = gr.Dropdown(
                choices=render_projects.year_choices(first_records),
                value=render_projects.ANY,
                label="Award year",
                min_width=110,
                elem_id="proj-year",
            )
            proj_org = _filter_box("Organisation contains", "proj-org", min_width=160)
        with gr.Row(elem_id="proj-filters-2"):
            proj_search = _filter_box("Search name and description", "proj-search", scale=3)
            proj_min = _filter_box("Min total £", "proj-min", placeholder="e.g. 500k")
            proj_max = _filter_box("Max total £", "proj-max", placeholder="e.g. 2m")
            proj_clear = gr.Button("Clear filters", size="sm", scale=0, min_width=120, elem_id="proj-clear")
        if first_store is not None:
            first_table, first_summary = projects_view(first_store, {})
        else:
            first_table, first_summary = "", no_store_html
        with gr.Row(equal_height=False, elem_id="proj-row"):
            with gr.Column(scale=3, min_width=320, elem_id="proj-table-col"):
                proj_table = gr.HTML(first_table, js_on_load=static_js("projects.js"), elem_id="proj-table")
                proj_summary = gr.HTML(first_summary, js_on_load=None, elem_id="proj-summary")
            with gr.Column(scale=2, min_width=300, elem_id="proj-side", elem_classes="side-panel"):
                proj_entry = gr.HTML(
                    render_projects.projects_entry_placeholder_html(), js_on_load=None, elem_id="proj-entry"
                )
                proj_viewer = gr.HTML(
                    render_documents.viewer_placeholder_html(),
                    js_on_load=static_js("viewer.js"),
                    elem_id="proj-viewer",
                )
                proj_open_docs = gr.Button(
                    "Open in the Documents tab", size="sm", visible=False, elem_id="proj-open-in-docs"
                )

    proj_filters = [proj_region, proj_theme, proj_org, proj_year, proj_min, proj_max, proj_search]
    proj_inputs = [*proj_filters, proj_sort, proj_selected]
    for box in proj_filters:
        box.change(
            filter_projects,
            proj_inputs,
            [proj_table, proj_summary],
            api_visibility="private",
            trigger_mode="always_last",
            show_progress="hidden",
        )
    proj_table.click(
        project_table_event,
        proj_inputs,
        [proj_table, proj_sort, proj_selected, proj_entry, proj_viewer, proj_target, proj_open_docs],
        api_visibility="private",
    )
    proj_clear.click(clear_project_filters, None, proj_filters, api_visibility="private")
    return proj_open_docs, proj_target
