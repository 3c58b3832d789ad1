"""What the chat shows when answering fails: the user's own message for known causes, else a generic one."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_generate import _chat_frames, _StreamingFake

from assistant.api import IndexUnavailableError


class _Failing(_StreamingFake):
    def __init__(self, exc: Exception) -> None:
        super().__init__(llm=None)
        self.exc = exc

    def ask(self, q: str, history: list | None = None):  # type: ignore[no-untyped-def]
        raise self.exc


def test_unavailable_index_is_explained_in_the_chat(tmp_path: Path) -> None:
    frames = _chat_frames(_Failing(IndexUnavailableError("http://chroma.internal:8000")), tmp_path)
    assert "cannot be searched right now" in frames[-1] and "chroma.internal:8000" in frames[-1]
    assert "try again in a minute" in frames[-1]
    assert "Something went wrong" not in frames[-1]


def test_other_failures_stay_generic_and_hide_internals(tmp_path: Path) -> None:
    frames = _chat_frames(_Failing(RuntimeError("secret internal path /srv/x")), tmp_path)
    assert "Something went wrong" in frames[-1] and "/srv/x" not in frames[-1]


def test_api_reports_the_unavailable_index_as_a_gradio_error(tmp_path: Path) -> None:
    import gradio as gr

    from ui.app import build_app

    failing = _Failing(IndexUnavailableError("http://10.0.0.5:8000"))
    app = build_app(failing, feedback_path=tmp_path / "f.sqlite")
    api_ask = next(f.fn for f in app.fns.values() if getattr(f.fn, "__name__", "") == "api_ask")
    with pytest.raises(gr.Error, match="cannot be searched right now"):
        api_ask("Who can apply?")
