"""What every tab reads from the index: the documents, their text and outline, and the viewer.

One :class:`Library` per app, over the :class:`assistant.api.Assistant` (or a test's fake of the
same shape, :class:`AssistantLike`). It only reads: the UI holds no answering logic.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Protocol

from ui import render_documents
from ui.labels import doc_labels

log = logging.getLogger(__name__)


class AssistantLike(Protocol):
    """The part of :class:`assistant.api.Assistant` the UI uses (tests pass fakes of this shape)."""

    def ask(self, question: str, history: list[dict] | None = None) -> Any: ...

    def documents(self) -> list[dict]: ...

    def document_text(self, doc_id: str) -> str: ...

    def document_outline(self, doc_id: str) -> list[dict]: ...


class Library:
    """The library as the tabs see it; text and outlines cached (a build's documents do not change)."""

    def __init__(self, assistant: AssistantLike) -> None:
        self.assistant = assistant
        self.docs = assistant.documents()  # as at start-up: the first render of the tables
        self.by_id: dict[str, dict] = {d["doc_id"]: d for d in self.docs}
        self.text = lru_cache(maxsize=64)(assistant.document_text)
        self._outline = lru_cache(maxsize=64)(lambda doc_id: tuple(assistant.document_outline(doc_id)))

    def outline(self, doc_id: str) -> tuple[dict, ...]:
        return self._outline(doc_id)

    def labels(self) -> dict[str, str]:
        """Short document labels ("Guidance, Apr 2016") of the library as it is now."""
        return doc_labels(list(self.by_id.values()))

    def refresh(self) -> list[dict]:
        """The documents the index has now (staff uploads appear without a restart)."""
        current = self.assistant.documents()
        self.by_id.update({d["doc_id"]: d for d in current})
        return current

    def texts_for(self, citations: Iterable[dict]) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in citations:
            try:
                out[c["doc_id"]] = self.text(c["doc_id"])
            except Exception:  # a document missing from the index: show the quote alone
                log.warning("no text for %s", c.get("doc_id"))
        return out

    def viewer(
        self,
        doc_id: str,
        span: tuple[int, int] | None,
        kind: str = "quote",
        back: str = "",
        back_to: str = "",
    ) -> str:
        """A document in the viewer, ``span`` highlighted; "Back to ..." returns to ``back_to``."""
        if doc_id not in self.by_id:  # added since start-up (staff upload): look it up in the index
            self.refresh()
        doc = self.by_id.get(doc_id, {"doc_id": doc_id, "title": doc_id})
        return render_documents.document_html(
            doc,
            self.text(doc_id),
            self.outline(doc_id),
            highlight=span,
            kind=kind,
            back=back,
            back_to=back_to,
        )
