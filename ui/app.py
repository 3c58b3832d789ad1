"""The web front end: a cited chat beside its sources, a corpus browser, feedback and export.

Built on Gradio 6 ``Blocks``. The design choices that matter:

* Every string shown comes from :mod:`ui.render`, which escapes document and
  user text; the chat's own HTML sanitiser stays on as a second line.
* ``[n]`` markers are ordinary links (``#cite-<turn>-<n>``). One delegated
  click listener, installed by the sources panel's ``js_on_load``, turns a
  click on a marker or a source card into a ``click`` event of that panel
  carrying ``{turn, n}``; the server then renders the document viewer with
  the span highlighted and the viewer scrolls to it. No hidden inputs.
* The answer is computed in one call and then streamed sentence by sentence,
  so the reader starts reading at once and citations never arrive half-drawn.
  With a language model configured (``CSC_LLM``), its tokens are shown as they
  arrive and the checked answer, citations resolved, replaces the draft at the end.
* The Projects tab is the project directory as data: filters map onto
  ``ProjectStore.query`` (reached through the Assistant, no retrieval here),
  sorting is a header button, and a row opens its verbatim entry in a viewer.
* Nothing is fetched from the internet: the theme uses local fonts, the CSS
  is served from ``ui/static``, analytics are off.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402  (the environment must be set before Gradio reads it)

from ingest.config import ServerSettings, Settings, load_settings  # noqa: E402
from ui import render  # noqa: E402
from ui.export import answer_with_sources, conversation_markdown  # noqa: E402
from ui.feedback import FeedbackStore, feedback_db_path  # noqa: E402
from ui.followups import followups_html, suggest  # noqa: E402
from ui.labels import doc_labels  # noqa: E402

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Defaults of Settings.server (ingest/config.py says why each exists), kept here for readers and
# benchmarks: every way of asking (chat box, Ask button, example buttons, the /ask API) shares one
# pool of ASK_CONCURRENCY workers, and up to QUEUE_MAX events wait their turn; other events
# (sources, documents, projects) are cheap and keep Gradio's per-event default of ASK_CONCURRENCY.
# Overridable per replica with CSC_CONCURRENCY / CSC_QUEUE_MAX.
DEFAULT_HOST: str = ServerSettings.model_fields["host"].default
DEFAULT_PORT: int = ServerSettings.model_fields["port"].default
STREAM_DELAY = 0.04  # seconds between streamed sentences: visible progress, negligible wait
ASK_CONCURRENCY: int = ServerSettings.model_fields["concurrency"].default
QUEUE_MAX: int = ServerSettings.model_fields["queue_max"].default
FALLBACK_NOTE = (
    "The language model's draft did not pass the citation checks, so this answer is quoted from the "
    "documents instead."
)


def static_js(name: str) -> str:
    """A script from ``ui/static`` (read at build time: Gradio takes ``js_on_load`` as a string)."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")


# One font stack for every text (the theme's own would mix a web font with the fallback).
FONT_STACK = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
MONO_STACK = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")


class AssistantLike(Protocol):
    """The part of :class:`assistant.api.Assistant` the UI uses (tests pass fakes of this shape)."""

    def ask(self, question: str, history: list[dict] | None = None) -> Any: ...

    def documents(self) -> list[dict]: ...

    def document_text(self, doc_id: str) -> str: ...

    def document_outline(self, doc_id: str) -> list[dict]: ...


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors whose message is written for the user (a refused question, an index that cannot be
    searched just now): shown as they are, where anything else gets the generic message."""
    from assistant.api import IndexUnavailableError, QuestionError

    return QuestionError, IndexUnavailableError


def _answer_dict(ans: Any) -> dict[str, Any]:
    return ans.to_dict() if hasattr(ans, "to_dict") else dict(ans)


def _parse_range(value: str | None) -> tuple[int, int] | None:
    if not value or "-" not in value:
        return None
    a, b = value.split("-", 1)
    try:
        return int(a), int(b)
    except ValueError:
        return None


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
    if region and region != render.ANY:
        args["region"] = region
    if theme and theme != render.ANY:
        args["theme"] = theme
    if org and org.strip():
        args["org"] = org.strip()
    if year not in (None, "", render.ANY):
        try:
            args["year"] = int(str(year))
        except ValueError:
            problems.append(f"Year: could not read {str(year)!r} as a year.")
    for key, label, value in (("min_amount", "Min", min_amount), ("max_amount", "Max", max_amount)):
        try:
            amount = render.parse_gbp(value)
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
    table = render.projects_table_html(matches, sort=sort, descending=descending, selected=selected)
    summary = render.projects_summary_html(
        matches,
        total_entries=len(everything),
        missing_numbers=store.missing_numbers,
        cut_off=[r.number for r in everything if not r.complete],
        problems=problems or [],
    )
    return table, summary


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


def build_app(assistant: AssistantLike, *, feedback_path: Path, admin_path: str | None = None) -> gr.Blocks:
    """Wire the UI to ``assistant``; feedback goes to the SQLite file at ``feedback_path``.

    ``admin_path``: where the staff area is mounted (``ui.admin``); the header links to it.
    """
    store = FeedbackStore(feedback_path)
    user_errors = _user_errors()
    export_dir = Path(tempfile.mkdtemp(prefix="csc-export-"))
    docs = assistant.documents()
    doc_by_id = {d["doc_id"]: d for d in docs}

    def labels() -> dict[str, str]:
        """Short document labels ("Guidance, Apr 2016") of the library as it is now."""
        return doc_labels(list(doc_by_id.values()))

    @lru_cache(maxsize=64)
    def doc_text(doc_id: str) -> str:
        return assistant.document_text(doc_id)

    @lru_cache(maxsize=64)
    def doc_outline(doc_id: str) -> tuple[dict, ...]:
        return tuple(assistant.document_outline(doc_id))

    def texts_for(citations: list[dict]) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in citations:
            try:
                out[c["doc_id"]] = doc_text(c["doc_id"])
            except Exception:  # a document missing from the index: show the quote alone
                log.warning("no text for %s", c.get("doc_id"))
        return out

    def viewer_for(
        doc_id: str, span: tuple[int, int] | None, kind: str = "quote", back: str = "", back_to: str = ""
    ) -> str:
        if doc_id not in doc_by_id:  # added since start-up (staff upload): look it up in the index
            doc_by_id.update({d["doc_id"]: d for d in assistant.documents()})
        doc = doc_by_id.get(doc_id, {"doc_id": doc_id, "title": doc_id})
        return render.document_html(
            doc, doc_text(doc_id), doc_outline(doc_id), highlight=span, kind=kind, back=back, back_to=back_to
        )

    def sources_for(turns: list[dict], idx: int, active: int | None = None) -> str:
        ans = turns[idx]["answer"]
        cits = [*ans["citations"], *(ans.get("more_citations") or [])]
        return render.sources_panel_html(
            cits,
            texts_for(cits),
            turn=idx,
            abstained=ans["abstained"],
            active=active,
            labels=labels(),
            copy_text=answer_with_sources(ans),
        )

    def write_export(turns: list[dict], session_id: str) -> str:
        folder = export_dir / session_id / str(len(turns))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "csc-assistant-conversation.md"
        path.write_text(conversation_markdown(turns), encoding="utf-8")
        return str(path)

    # ------------------------------------------------------------------ handlers

    def respond(
        message: str, chat: list[dict], turns: list[dict], session_id: str
    ) -> Iterator[dict[Any, Any]]:
        """Ask, then stream the answer into the chat; afterwards fill the sources panel."""
        chat = list(chat or [])
        turns = list(turns or [])
        message = message or ""
        if not message.strip():  # nothing to ask: say so beside the box, leave the chat as it is
            yield {ask_hint: render.ask_hint_html("Type a question first, or pick one of the examples.")}
            return
        chat.append({"role": "user", "content": render.user_message_html(message)})
        chat.append({"role": "assistant", "content": render.thinking_html()})
        # the box stays editable (and focused): disabling it would drop the keyboard focus to <body>
        yield {
            chatbot: gr.update(value=chat, visible=True),
            question: gr.update(value=""),
            start_screen: gr.update(visible=False),
            ask_hint: render.ask_hint_html(""),
            followups: followups_html([]),
        }
        history = [{"q": t["question"], "a": t["answer"]["answer"]} for t in turns]
        drafted = False  # a language model's tokens were shown as they arrived
        try:
            if getattr(assistant, "llm", None) is not None and hasattr(assistant, "ask_stream"):
                draft, result, shown_at = "", None, 0.0
                for item in assistant.ask_stream(message, history=history):
                    if not isinstance(item, str):
                        result = item
                        continue
                    draft, drafted = draft + item, True
                    if time.monotonic() - shown_at >= STREAM_DELAY:
                        shown_at = time.monotonic()
                        chat[-1] = {
                            "role": "assistant",
                            "content": render.answer_html(draft, turn=len(turns), partial=True),
                        }
                        yield {chatbot: chat}
                ans = _answer_dict(result)
            else:
                ans = _answer_dict(assistant.ask(message, history=history))
        except user_errors as exc:
            chat[-1] = {"role": "assistant", "content": render.error_html(str(exc))}
            yield {chatbot: chat, question: gr.update(value=message)}
            return
        except Exception:
            log.exception("ask failed")
            chat[-1] = {
                "role": "assistant",
                "content": render.error_html(
                    "Something went wrong while answering. Please try again or rephrase the question."
                ),
            }
            yield {chatbot: chat, question: gr.update(value=message)}
            return
        turn_idx = len(turns)
        for prefix in [] if drafted else render.sentence_prefixes(ans["answer"])[:-1]:
            chat[-1] = {
                "role": "assistant",
                "content": render.answer_html(
                    prefix, turn=turn_idx, citations=ans["citations"], partial=True
                ),
            }
            yield {chatbot: chat}
            time.sleep(STREAM_DELAY)
        chat[-1] = {
            "role": "assistant",
            "content": render.answer_html(
                ans["answer"],
                turn=turn_idx,
                citations=[*ans["citations"], *(ans.get("more_citations") or [])],
                more=ans.get("more") or "",
                query=ans.get("query") or "",
                question=ans.get("question") or message,
                notes=[*(ans.get("notes") or []), *([FALLBACK_NOTE] if ans.get("fallback_reason") else [])],
                table=ans.get("table"),
                abstained=ans["abstained"],
            ),
        }
        nexts = [] if ans["abstained"] else suggest(ans["citations"], doc_outline, asked=message)
        turns.append({"question": message, "answer": ans, "msg_index": len(chat) - 1, "followups": nexts})
        yield {
            followups: followups_html(nexts, turn=turn_idx),
            chatbot: chat,
            turns_state: turns,
            sources: sources_for(turns, turn_idx),
            shown_turn: turn_idx,
            viewer: render.viewer_placeholder_html(),
            open_in_docs: gr.update(visible=False),
            export_btn: gr.update(value=write_export(turns, session_id), interactive=True),
            feedback_status: "",
        }

    def open_citation(turns: list[dict], current: int, evt: gr.EventData) -> tuple[Any, ...]:
        """A marker or card was clicked: show that answer's sources and the passage in its document."""
        data = getattr(evt, "_data", None) or {}
        try:
            idx, n = int(data.get("turn", -1)), int(data.get("n", -1))
            shown = turns[idx]["answer"]
            every = [*shown["citations"], *(shown.get("more_citations") or [])]
            cit = next(c for c in every if int(c["n"]) == n)
        except (ValueError, TypeError, IndexError, StopIteration):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        panel = sources_for(turns, idx, active=n) if idx != current else gr.skip()
        span = (int(cit["start"]), int(cit["end"]))
        html = viewer_for(cit["doc_id"], span, back="Back to the answer", back_to="#chat")
        target = {"doc_id": cit["doc_id"], "start": span[0], "end": span[1]}
        return panel, idx, html, target, gr.update(visible=True)

    def pick_followup(turns: list[dict], evt: gr.EventData) -> Any:
        """A suggested follow-up was clicked: put the question the server offered in the box.

        The page sends only (turn, position); the text comes from the turn, so nothing else is asked.
        """
        data = getattr(evt, "_data", None) or {}
        try:
            return turns[int(data.get("turn", -1))]["followups"][int(data.get("i", -1))]
        except (ValueError, TypeError, IndexError, KeyError):
            return gr.skip()

    def show_in_documents(target: dict | None) -> tuple[Any, ...]:
        """Carry the open passage over to the Documents tab's reader.

        The target is also left in ``reader_focus`` because changing the
        document dropdown re-renders the reader; that handler keeps the span.
        """
        if not target:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        doc_id = target["doc_id"]
        html = viewer_for(doc_id, (target["start"], target["end"]))
        return gr.Tabs(selected="documents"), gr.update(value=doc_id), html, target

    def rate(
        rating: str, comment: str, turns: list[dict], session_id: str, turn_idx: int | None = None
    ) -> str:
        if not turns:
            return "Ask a question first, then rate the answer."
        idx = len(turns) - 1 if turn_idx is None else turn_idx
        ans = turns[idx]["answer"]
        store.record(
            question=turns[idx]["question"],
            answer=ans["answer"],
            rating=rating,
            comment=comment or None,
            citations=ans["citations"],
            query=ans.get("query") or "",
            abstained=bool(ans["abstained"]),
            session_id=session_id,
            turn=idx,
        )
        verdict = "helpful" if rating == "up" else "not helpful"
        return f"Thanks — answer {idx + 1} recorded as {verdict}{' with your comment' if comment else ''}."

    def rate_up(comment: str, turns: list[dict], session_id: str) -> tuple[str, str]:
        return rate("up", comment, turns, session_id), ""

    def rate_down(comment: str, turns: list[dict], session_id: str) -> tuple[str, str]:
        return rate("down", comment, turns, session_id), ""

    def new_conversation() -> tuple[Any, ...]:
        """The one reset: chat, turns (so no earlier question bends the next one), sources, viewer,
        export and feedback status all go; the start screen comes back."""
        return (
            gr.update(value=[], visible=False),
            [],
            -1,
            render.sources_placeholder_html(),
            render.viewer_placeholder_html(),
            gr.update(visible=False),
            gr.update(visible=True),
            gr.update(value=None, interactive=False),
            "",
            render.ask_hint_html(""),
            followups_html([]),
        )

    def pick_document(doc_id: str | None, focus: dict | None) -> tuple[Any, ...]:
        """Show a whole document; keep the highlighted span if one was carried over from a source."""
        if not doc_id or doc_id not in doc_by_id:
            return (
                render.viewer_placeholder_html(),
                gr.update(choices=[], value=None),
                gr.update(visible=False),
                None,
            )
        outline = doc_outline(doc_id)
        pages = render.page_choices(outline)
        span = (focus["start"], focus["end"]) if focus and focus.get("doc_id") == doc_id else None
        return (
            viewer_for(doc_id, span),
            gr.update(choices=render.outline_choices(outline, doc_text(doc_id)), value=None),
            gr.update(choices=pages, value=None, visible=bool(pages)),
            None,
        )

    def refresh_documents(selected: str | None) -> tuple[Any, ...]:
        """The library as the index has it now: staff uploads appear without a restart."""
        current = assistant.documents()
        doc_by_id.update({d["doc_id"]: d for d in current})
        choices = [(d["title"], d["doc_id"]) for d in current]
        keep = not selected or any(doc_id == selected for _t, doc_id in choices)
        # the value is left alone while it still exists: re-setting it would reset the reader
        picker = gr.update(choices=choices) if keep else gr.update(choices=choices, value=None)
        return render.documents_table_html(current), picker

    def open_from_table(evt: gr.EventData) -> Any:
        """A title in the documents table was selected: pick it in the reader's dropdown."""
        data = getattr(evt, "_data", None) or {}
        doc_id = str(data.get("doc_id") or "")
        if doc_id not in doc_by_id:
            return gr.skip()
        return gr.update(value=doc_id)

    def jump(doc_id: str | None, value: str | None) -> Any:
        span = _parse_range(value)
        if not doc_id or span is None:
            return gr.skip()
        return viewer_for(doc_id, span, kind="jump")

    # ------------------------------------------------------------------ projects tab

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
    no_store_html = render.projects_entry_placeholder_html(
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
        keys = {k for k, _ in render.PROJECT_COLUMNS}
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
            return (gr.skip(), gr.skip(), number, render.project_entry_html(rec, None), *skip7[4:])
        title = doc_by_id.get(doc_id, {}).get("title") or store.title
        entry = render.project_entry_html(rec, text, doc_title=title)
        target = {"doc_id": doc_id, "start": int(rec.start), "end": int(rec.end)}
        html = viewer_for(
            doc_id, (target["start"], target["end"]), back="Back to the table", back_to="#proj-table"
        )
        return gr.skip(), gr.skip(), number, entry, html, target, gr.update(visible=True)

    def clear_project_filters() -> tuple[Any, ...]:
        return render.ANY, render.ANY, "", render.ANY, "", "", ""

    def api_ask(question: str, history: list[dict] | None = None) -> dict:
        """Ask one question (with optional earlier turns [{"q", "a"}]); returns the Answer as JSON."""
        try:
            return _answer_dict(assistant.ask(question, history=history or None))
        except user_errors as exc:
            raise gr.Error(str(exc)) from exc

    # ------------------------------------------------------------------ layout

    with gr.Blocks(title="CSC Innovation Programme assistant", analytics_enabled=False) as app:
        turns_state = gr.State([])
        session = gr.State(lambda: uuid.uuid4().hex)
        shown_turn = gr.State(-1)
        viewer_target = gr.State(None)
        reader_focus = gr.State(None)

        gr.HTML(
            '<header class="app-head"><h1>Children\'s Social Care Innovation Programme assistant</h1>'
            f"{render.intro_html()}"
            + (
                f'<p class="staff-link"><a href="{render.esc(admin_path.strip("/"))}/">Staff: add documents'
                "</a></p>"
                if admin_path
                else ""
            )
            + "</header>",
            js_on_load=None,
        )
        with gr.Tabs(elem_id="tabs") as tabs:
            with gr.Tab("Ask", id="ask", elem_id="tab-ask"):  # noqa: SIM117  (layout nesting reads as the page)
                with gr.Row(equal_height=False, elem_id="ask-row"):
                    with gr.Column(scale=3, min_width=320, elem_id="chat-col"):
                        with gr.Column(visible=True, elem_id="start-screen") as start_screen:
                            gr.HTML('<h2 class="start-title">Try a question</h2>', js_on_load=None)
                            example_buttons: list[tuple[gr.Button, str]] = []
                            with gr.Row(elem_classes="example-groups"):
                                for group, examples in render.EXAMPLE_GROUPS.items():
                                    with gr.Column(min_width=200, elem_classes="example-group"):
                                        gr.HTML(
                                            f'<h3 class="group-title">{render.esc(group)}</h3>',
                                            js_on_load=None,
                                        )
                                        for q in examples:
                                            b = gr.Button(
                                                q, size="sm", variant="secondary", elem_classes="example"
                                            )
                                            example_buttons.append((b, q))
                        gr.HTML(
                            '<h2 class="sr-only" id="conversation-heading">Conversation</h2>', js_on_load=None
                        )
                        # no label (it covered the text when scrolled), no per-message copy/like icons and
                        # no trash button (hidden in app.css): one rating panel and one "New conversation";
                        # hidden until the first question so the first screen is the title and examples
                        chatbot = gr.Chatbot(
                            label="Conversation",
                            show_label=False,
                            elem_id="chat",
                            height="58vh",
                            min_height=260,
                            feedback_options=None,
                            buttons=[],
                            sanitize_html=True,
                            render_markdown=True,
                            autoscroll=False,  # static/app.js scrolls to the newest question instead
                            visible=False,
                        )
                        with gr.Row(elem_id="ask-bar"):
                            question = gr.Textbox(
                                label="Your question",
                                placeholder="Ask about the Innovation Programme…",
                                lines=1,
                                max_lines=5,
                                scale=8,
                                elem_id="question",
                                autofocus=False,  # autofocus scrolled the first screen past the title
                                submit_btn=False,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="send")
                        ask_hint = gr.HTML(render.ask_hint_html(""), js_on_load=None, elem_id="ask-hint-wrap")
                        followups = gr.HTML(
                            followups_html([]), js_on_load=static_js("followups.js"), elem_id="followups"
                        )
                        with gr.Accordion("Rate the latest answer", open=True, elem_id="feedback"):
                            with gr.Row():
                                comment = gr.Textbox(
                                    label="Comment (optional)",
                                    lines=1,
                                    max_lines=3,
                                    scale=6,
                                    elem_id="feedback-comment",
                                )
                                up = gr.Button(
                                    "Helpful",
                                    scale=1,
                                    min_width=120,
                                    elem_id="thumbs-up",
                                )
                                down = gr.Button(
                                    "Not helpful",
                                    scale=1,
                                    min_width=140,
                                    elem_id="thumbs-down",
                                )
                            feedback_status = gr.Markdown("", elem_id="feedback-status")
                        with gr.Row(elem_id="chat-actions"):
                            export_btn = gr.DownloadButton(
                                "Download conversation (Markdown)",
                                value=None,
                                interactive=False,
                                size="sm",
                                elem_id="export",
                            )
                            clear = gr.Button("New conversation", size="sm", elem_id="new-conversation")
                    with gr.Column(scale=2, min_width=300, elem_id="side-col", elem_classes="side-panel"):
                        sources = gr.HTML(
                            render.sources_placeholder_html(),
                            js_on_load=static_js("sources.js"),
                            elem_id="sources",
                        )
                        viewer = gr.HTML(
                            render.viewer_placeholder_html(),
                            js_on_load=static_js("viewer.js"),
                            elem_id="viewer",
                        )
                        open_in_docs = gr.Button(
                            "Open in the Documents tab", size="sm", visible=False, elem_id="open-in-docs"
                        )
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
                        choices=render.region_choices(first_records),
                        value=render.ANY,
                        label="Region",
                        min_width=160,
                        elem_id="proj-region",
                    )
                    proj_theme = gr.Dropdown(
                        choices=render.theme_choices(
                            first_store.theme_codes() if first_store is not None else [], first_records
                        ),
                        value=render.ANY,
                        label="Theme code (labels inferred)",
                        min_width=200,
                        elem_id="proj-theme",
                    )
                    proj_year = gr.Dropdown(
                        choices=render.year_choices(first_records),
                        value=render.ANY,
                        label="Award year",
                        min_width=110,
                        elem_id="proj-year",
                    )
                    proj_org = _filter_box("Organisation contains", "proj-org", min_width=160)
                with gr.Row(elem_id="proj-filters-2"):
                    proj_search = _filter_box("Search name and description", "proj-search", scale=3)
                    proj_min = _filter_box("Min total £", "proj-min", placeholder="e.g. 500k")
                    proj_max = _filter_box("Max total £", "proj-max", placeholder="e.g. 2m")
                    proj_clear = gr.Button(
                        "Clear filters", size="sm", scale=0, min_width=120, elem_id="proj-clear"
                    )
                if first_store is not None:
                    first_table, first_summary = projects_view(first_store, {})
                else:
                    first_table, first_summary = "", no_store_html
                with gr.Row(equal_height=False, elem_id="proj-row"):
                    with gr.Column(scale=3, min_width=320, elem_id="proj-table-col"):
                        proj_table = gr.HTML(
                            first_table, js_on_load=static_js("projects.js"), elem_id="proj-table"
                        )
                        proj_summary = gr.HTML(first_summary, js_on_load=None, elem_id="proj-summary")
                    with gr.Column(scale=2, min_width=300, elem_id="proj-side", elem_classes="side-panel"):
                        proj_entry = gr.HTML(
                            render.projects_entry_placeholder_html(), js_on_load=None, elem_id="proj-entry"
                        )
                        proj_viewer = gr.HTML(
                            render.viewer_placeholder_html(),
                            js_on_load=static_js("viewer.js"),
                            elem_id="proj-viewer",
                        )
                        proj_open_docs = gr.Button(
                            "Open in the Documents tab", size="sm", visible=False, elem_id="proj-open-in-docs"
                        )
            with gr.Tab("Documents", id="documents", elem_id="tab-documents") as docs_tab:
                docs_table = gr.HTML(
                    render.documents_table_html(docs),
                    js_on_load=static_js("documents.js"),
                    elem_id="docs-table",
                )
                with gr.Row():
                    doc_select = gr.Dropdown(
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
                    render.viewer_placeholder_html(
                        "Choose a document, or select a title above, to read it here."
                    ),
                    js_on_load=static_js("viewer.js"),
                    elem_id="reader",
                )

        # ------------------------------------------------------------------ events
        ask_outputs = [
            chatbot,
            question,
            start_screen,
            turns_state,
            sources,
            shown_turn,
            viewer,
            open_in_docs,
            export_btn,
            feedback_status,
            ask_hint,
            followups,
        ]
        ask_inputs = [question, chatbot, turns_state, session]
        question.submit(respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask")
        send.click(respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask")
        for button, text in example_buttons:
            button.click(_const(text), None, question, api_visibility="private").then(
                respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask"
            )
        sources.click(
            open_citation,
            [turns_state, shown_turn],
            [sources, shown_turn, viewer, viewer_target, open_in_docs],
            api_visibility="private",
        )
        open_in_docs.click(
            show_in_documents,
            viewer_target,
            [tabs, doc_select, reader, reader_focus],
            api_visibility="private",
        )
        up.click(
            rate_up, [comment, turns_state, session], [feedback_status, comment], api_visibility="private"
        )
        down.click(
            rate_down, [comment, turns_state, session], [feedback_status, comment], api_visibility="private"
        )
        clear.click(
            new_conversation,
            None,
            [
                chatbot,
                turns_state,
                shown_turn,
                sources,
                viewer,
                open_in_docs,
                start_screen,
                export_btn,
                feedback_status,
                ask_hint,
                followups,
            ],
            api_visibility="private",
        )
        followups.click(pick_followup, turns_state, question, api_visibility="private").then(
            respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask"
        )
        docs_table.click(open_from_table, None, doc_select, api_visibility="private")
        doc_select.change(
            pick_document,
            [doc_select, reader_focus],
            [reader, jump_to, jump_page, reader_focus],
            api_visibility="private",
        )
        jump_to.change(jump, [doc_select, jump_to], reader, api_visibility="private")
        for refresh_on in (docs_tab.select, app.load):
            refresh_on(
                refresh_documents, doc_select, [docs_table, doc_select], api_visibility="private",
                show_progress="hidden",
            )  # fmt: skip
        jump_page.change(jump, [doc_select, jump_page], reader, api_visibility="private")
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
        proj_open_docs.click(
            show_in_documents,
            proj_target,
            [tabs, doc_select, reader, reader_focus],
            api_visibility="private",
        )
        gr.api(api_ask, api_name="ask", concurrency_id="ask")
    return app


def _filter_box(
    label: str, elem_id: str, *, placeholder: str | None = None, scale: int = 1, min_width: int | None = None
) -> gr.Textbox:
    """One single-line filter of the Projects tab (its elem_id is what the browser tests find)."""
    width = min_width or (200 if scale > 1 else 110)
    return gr.Textbox(
        label=label, placeholder=placeholder, min_width=width, scale=scale, elem_id=elem_id, max_lines=1
    )


def _const(value: str) -> Callable[[], str]:
    """A handler returning ``value`` (a fresh function per example button, no late-binding bug)."""

    def fn() -> str:
        return value

    return fn


def launch(
    app: gr.Blocks, host: str, port: int, *, block: bool = True, settings: Settings | None = None
) -> None:
    """Start the server on ``host:port`` with the offline options; ``block=False`` returns at once (tests).

    The ask queue's size comes from ``settings.server`` (default: read from the environment now).
    """
    server = (settings or load_settings()).server
    app.queue(default_concurrency_limit=server.concurrency, max_size=server.queue_max)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, **launch_options())


def serve(host: str | None = None, port: int | None = None, assistant: AssistantLike | None = None) -> None:
    """``csc-assistant serve``: load the index and serve the UI (blocks until interrupted).

    Host and port come from the arguments, else ``CSC_HOST``/``CSC_PORT`` (``settings.server``),
    else 127.0.0.1:7860 — loopback by default, because the app has no login.
    """
    settings = load_settings()
    host = host or settings.server.host
    port = int(port or settings.server.port)
    if assistant is None:
        from assistant.api import Assistant

        assistant = Assistant(settings)
    from ui.admin import ADMIN_PATH, launch_with_admin

    app = build_app(assistant, feedback_path=feedback_db_path(settings.data_dir), admin_path=ADMIN_PATH)
    print(f"csc-assistant: serving on http://{host}:{port} (staff area: {ADMIN_PATH}/)", flush=True)
    launch_with_admin(app, settings, host, port, block=True)
