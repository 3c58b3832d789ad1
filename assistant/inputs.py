"""What the assistant accepts: a question and a conversation history, checked before anything reads them.

Kept apart from answering so that front ends (the CLI, the app, the evaluator) can name the errors
they catch without importing the answering machinery.
"""

from __future__ import annotations

import unicodedata


class IndexUnavailableError(RuntimeError):
    """The index cannot be searched just now (its Chroma server is down and fallback is off).

    ``str()`` is the message for users: front ends show it instead of a generic failure, because
    "try again shortly" is the right advice for this error and for no other.
    """

    def __init__(self, url: str) -> None:
        super().__init__(
            f"The document index cannot be searched right now: its vector server ({url}) is not "
            "answering. Please try again in a minute; if it persists, tell the service's staff."
        )
        self.url = url


class QuestionError(ValueError):
    """Input the assistant refuses; ``field`` names what was wrong, ``str()`` is the user message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def clean_question(question: object, limit: int) -> str:
    """Validate and normalise a question (control characters removed, white space folded)."""
    if not isinstance(question, str):
        raise QuestionError("question", "must be text")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("question", "is empty; please type a question")
    if len(text) > limit:
        raise QuestionError(
            "question", f"is {len(text):,} characters long; the limit is {limit:,}. Please shorten it."
        )
    return text


def clean_history(history: object, limit: int, max_turns: int) -> list[dict]:
    """Keep the last ``max_turns`` well-formed turns (``retrieval.max_history_turns``); anything else in
    the history is ignored, not fatal."""
    if not isinstance(history, list):
        return []
    turns = []
    for turn in history[-max_turns:]:
        if isinstance(turn, dict):
            q = str(turn.get("q", ""))[:limit]
            a = str(turn.get("a", ""))[: limit * 2]
            if q.strip():
                turns.append({"q": q, "a": a})
    return turns
