"""Answers computed in worker processes, so that the app's own process keeps its GIL for serving.

Why: the app process serves HTTP, Gradio's queue and its event streams on one event loop, and
computed each answer (~20-50 ms of pure Python) in a worker thread of the same process. Under 20
concurrent users the answering threads and the event loop took turns at one GIL, so the app kept
about one core busy however many it had. :class:`AnswerPool` sends each ``ask`` to one of a few
processes that each hold their own :class:`assistant.api.Assistant` (index and model loaded once
per process, kept fresh by its own snapshot check as in the app's process); the app's thread only
waits for the result, without the GIL.

The pool is a drop-in :class:`ui.library.AssistantLike`: ``ask`` goes to a worker, everything else
(documents, text, outlines, the language model's streaming) to the in-process assistant it wraps.
There is no answering logic here: a worker calls the same ``Assistant.ask``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

log = logging.getLogger(__name__)

WARM_QUESTION = "Who can apply for funding?"

_WORKER_ASSISTANT: Any = None  # the worker process's own Assistant (set by _start_worker)


def _exit_with_parent(parent: int) -> None:
    """A worker whose app process has gone (killed, crashed) ends too instead of lingering."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _start_worker(settings: Any, parent: int) -> None:
    global _WORKER_ASSISTANT
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="csc-orphan-check").start()
    from assistant.api import Assistant

    # extractive only: the pool is used only when the app's assistant has no language model
    _WORKER_ASSISTANT = Assistant(settings, llm="none")


def _ask(question: str, history: list[dict] | None) -> tuple[str, Any]:
    """``("answer", Answer)`` or ``("error", (class, args, attributes))`` of what ``ask`` raised.

    Why not let the exception travel by itself: pickling re-creates it by calling its class with
    ``args``, which fails or garbles the message for exceptions whose ``__init__`` builds it
    (``QuestionError(field, message)``); here it is rebuilt without calling ``__init__``.
    """
    try:
        return "answer", _WORKER_ASSISTANT.ask(question, history=history)
    except Exception as exc:
        state = (type(exc), exc.args, dict(vars(exc)))
        try:
            pickle.dumps(state)
        except Exception:  # noqa: BLE001  (something unpicklable in it: its text at least)
            state = (RuntimeError, (f"{type(exc).__name__}: {exc}",), {})
        if not isinstance(exc, _expected_errors()):
            log.exception("answering %r failed", question[:200])
        return "error", state


def _expected_errors() -> tuple[type[Exception], ...]:
    from assistant.api import IndexUnavailableError, QuestionError

    return QuestionError, IndexUnavailableError


def _unwrap(result: tuple[str, Any]) -> Any:
    kind, value = result
    if kind == "answer":
        return value
    cls, args, attributes = value
    exc = cls.__new__(cls, *args)
    exc.args = args
    vars(exc).update(attributes)
    raise exc


class AnswerPool:
    """``assistant``'s answers from ``workers`` processes (``close()`` stops them)."""

    def __init__(self, assistant: Any, workers: int, *, warm: bool = True) -> None:
        if workers < 1:
            raise ValueError("an answer pool needs at least one worker")
        if getattr(assistant, "llm", None) is not None:
            raise ValueError("an answer pool answers extractively; this assistant has a language model")
        self.assistant = assistant
        self.workers = workers
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        if warm:  # one question per worker at once: every process starts and loads before serving
            for f in [self._pool.submit(_ask, WARM_QUESTION, None) for _ in range(workers)]:
                _unwrap(f.result())

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the app process has threads (uvicorn, ONNX Runtime) a fork would copy mid-use
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.assistant.settings, os.getpid()),
        )

    def ask(self, question: str, history: list[dict] | None = None) -> Any:
        pool = self._pool
        try:
            result = pool.submit(_ask, question, history).result()
        except BrokenProcessPool:
            # a worker died (killed, out of memory): start a new pool; this question is answered here
            log.exception("answer pool broken; starting new workers")
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new_pool()
            return self.assistant.ask(question, history=history)
        return _unwrap(result)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __getattr__(self, name: str) -> Any:  # documents, document_text, ask_stream, settings, llm, ...
        return getattr(self.assistant, name)
