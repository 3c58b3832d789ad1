"""The Ask tab: a cited chat beside its sources, follow-up questions, feedback and export.

The answer is computed in one call and then streamed sentence by sentence, so the reader starts
reading at once and citations never arrive half-drawn. With a language model configured
(``CSC_LLM``), its tokens are shown as they arrive and the checked answer, citations resolved,
replaces the draft at the end. ``[n]`` markers are ordinary links; one delegated click listener,
installed by the sources panel's ``js_on_load`` (``static/sources.js``), turns a click on a marker
or a source card into a ``click`` event of that panel carrying ``{turn, n}``.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ui import render_chat, render_common, render_documents, render_sources
from ui.assets import static_js
from ui.export import answer_with_sources, conversation_markdown
from ui.feedback import FeedbackStore
from ui.followups import followups_html, suggest
from ui.library import Library

log = logging.getLogger(__name__)

STREAM_DELAY = 0.04  # seconds between streamed sentences: visible progress, negligible wait
FALLBACK_NOTE = (
    "The language model's draft did not pass the citation checks, so this answer is quoted from the "
    "documents instead."
)


def user_errors() -> tuple[type[Exception], ...]:
    """Errors whose message is written for the user (a refused question, an index that cannot be
    searched just now): shown as they are, where anything else gets the generic message."""
    from assistant.api import IndexUnavailableError, QuestionError

    return QuestionError, IndexUnavailableError


def answer_dict(ans: Any) -> dict[str, Any]:
    return ans.to_dict() if hasattr(ans, "to_dict") else dict(ans)


def _const(value: str) -> Callable[[], str]:
    """A handler returning ``value`` (a fresh function per example button, no late-binding bug)."""

    def fn() -> str:
        return value

    return fn


def build_chat_tab(lib: Library, *, feedback_path: Path) -> tuple[gr.Button, gr.State]:
    """Lay out and wire the tab (inside the page's ``gr.Tabs``); feedback goes to ``feedback_path``.

    Returns "Open in the Documents tab" and the state holding the open passage, for the Documents
    tab to wire (:meth:`~ui.documents_tab.DocumentsTab.carry`; it is built later).
    """
    assistant = lib.assistant
    store = FeedbackStore(feedback_path)
    errors = user_errors()
    export_dir = Path(tempfile.mkdtemp(prefix="csc-export-"))
    texts_for = lib.texts_for
    labels = lib.labels
    doc_outline = lib.outline
    viewer_for = lib.viewer

    def sources_for(turns: list[dict], idx: int, active: int | None = None) -> str:
        ans = turns[idx]["answer"]
        cits = [*ans["citations"], *(ans.get("more_citations") or [])]
        return render_sources.sources_panel_html(
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

    def respond(
        message: str, chat: list[dict], turns: list[dict], session_id: str
    ) -> Iterator[dict[Any, Any]]:
        """Ask, then stream the answer into the chat; afterwards fill the sources panel."""
        chat = list(chat or [])
        turns = list(turns or [])
        message = message or ""
        if not message.strip():  # nothing to ask: say so beside the box, leave the chat as it is
            yield {ask_hint: render_chat.ask_hint_html("Type a question first, or pick one of the examples.")}
            return
        chat.append({"role": "user", "content": render_chat.user_message_html(message)})
        chat.append({"role": "assistant", "content": render_chat.thinking_html()})
        # the box stays editable (and focused): disabling it would drop the keyboard focus to <body>
        yield {
            chatbot: gr.update(value=chat, visible=True),
            question: gr.update(value=""),
            start_screen: gr.update(visible=False),
            ask_hint: render_chat.ask_hint_html(""),
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
                            "content": render_chat.answer_html(draft, turn=len(turns), partial=True),
                        }
                        yield {chatbot: chat}
                ans = answer_dict(result)
            else:
                ans = answer_dict(assistant.ask(message, history=history))
        except errors as exc:
            chat[-1] = {"role": "assistant", "content": render_chat.error_html(str(exc))}
            yield {chatbot: chat, question: gr.update(value=message)}
            return
        except Exception:
            log.exception("ask failed")
            chat[-1] = {
                "role": "assistant",
                "content": render_chat.error_html(
                    "Something went wrong while answering. Please try again or rephrase the question."
                ),
            }
            yield {chatbot: chat, question: gr.update(value=message)}
            return
        turn_idx = len(turns)
        for prefix in [] if drafted else render_chat.sentence_prefixes(ans["answer"])[:-1]:
            chat[-1] = {
                "role": "assistant",
                "content": render_chat.answer_html(
                    prefix, turn=turn_idx, citations=ans["citations"], partial=True
                ),
            }
            yield {chatbot: chat}
            time.sleep(STREAM_DELAY)
        chat[-1] = {
            "role": "assistant",
            "content": render_chat.answer_html(
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
            viewer: render_documents.viewer_placeholder_html(),
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
            render_sources.sources_placeholder_html(),
            render_documents.viewer_placeholder_html(),
            gr.update(visible=False),
            gr.update(visible=True),
            gr.update(value=None, interactive=False),
            "",
            render_chat.ask_hint_html(""),
            followups_html([]),
        )

    turns_state = gr.State([])
    session = gr.State(lambda: uuid.uuid4().hex)
    shown_turn = gr.State(-1)
    viewer_target = gr.State(None)
    with gr.Tab("Ask", id="ask", elem_id="tab-ask"):  # noqa: SIM117  (layout nesting reads as the page)
        with gr.Row(equal_height=False, elem_id="ask-row"):
            with gr.Column(scale=3, min_width=320, elem_id="chat-col"):
                with gr.Column(visible=True, elem_id="start-screen") as start_screen:
                    gr.HTML('<h2 class="start-title">Try a question</h2>', js_on_load=None)
                    example_buttons: list[tuple[gr.Button, str]] = []
                    with gr.Row(elem_classes="example-groups"):
                        for group, examples in render_chat.EXAMPLE_GROUPS.items():
                            with gr.Column(min_width=200, elem_classes="example-group"):
                                gr.HTML(
                                    f'<h3 class="group-title">{render_common.esc(group)}</h3>',
                                    js_on_load=None,
                                )
                                for q in examples:
                                    b = gr.Button(q, size="sm", variant="secondary", elem_classes="example")
                                    example_buttons.append((b, q))
                gr.HTML('<h2 class="sr-only" id="conversation-heading">Conversation</h2>', js_on_load=None)
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
                ask_hint = gr.HTML(render_chat.ask_hint_html(""), js_on_load=None, elem_id="ask-hint-wrap")
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
                    render_sources.sources_placeholder_html(),
                    js_on_load=static_js("sources.js"),
                    elem_id="sources",
                )
                viewer = gr.HTML(
                    render_documents.viewer_placeholder_html(),
                    js_on_load=static_js("viewer.js"),
                    elem_id="viewer",
                )
                open_in_docs = gr.Button(
                    "Open in the Documents tab", size="sm", visible=False, elem_id="open-in-docs"
                )

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
    up.click(rate_up, [comment, turns_state, session], [feedback_status, comment], api_visibility="private")
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
    return open_in_docs, viewer_target
