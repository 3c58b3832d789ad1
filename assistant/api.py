"""The one entry point the CLI and the UI call: ``Assistant.ask``.

Retrieval, composition and citation checks all happen behind it; front ends
only render the :class:`~assistant.models.Answer` it returns.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from copy import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.acronyms import acronym_names, implied_long_form, long_forms
from assistant.analysis import QuestionAnalysis, analyse
from assistant.directory_answer import from_directory, with_other_documents
from assistant.extractive import answer_extractively
from assistant.inputs import IndexUnavailableError, QuestionError, clean_history, clean_question
from assistant.models import ABSTAIN_TEXT, Answer, Passage
from assistant.retrieve import hybrid_search
from assistant.rewrite import rewrite
from assistant.snapshot import IndexMissingError, Snapshot
from assistant.vocab import normalise
from ingest import store
from ingest.config import Settings, load_settings
from ingest.embeddings import embed_query, embed_texts

if TYPE_CHECKING:  # the LangChain retriever is imported only when asked for
    from assistant.lc_retriever import HybridRetriever

_LLM_OFF = ("", "none", "off", "extractive", "0", "false", "no")  # as assistant.llm.OFF


__all__ = ["ABSTAIN_TEXT", "Assistant", "IndexMissingError", "IndexUnavailableError", "QuestionError"]


class _Embedder:
    """The assistant's embedding as a callable, with ``many`` for texts embedded together."""

    def __init__(self, assistant: Assistant) -> None:
        self._one = assistant.embed
        self.many = assistant.embed_many

    def __call__(self, text: str) -> np.ndarray:
        return self._one(text)


class Assistant:
    """Answers questions from the current index build; safe to share between threads.

    ``llm`` chooses the optional language model (see :mod:`assistant.llm`): ``None`` reads
    ``CSC_LLM`` (unset: extractive only), a backend name such as ``"openai-compatible"`` overrides
    it, ``"none"`` switches it off, and a LangChain chat model object is used as it is. A backend
    that cannot be used is reported once and the assistant stays extractive.
    """

    def __init__(self, settings: Settings | None = None, llm: Any = None) -> None:
        self.settings = settings or load_settings()
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None
        self._embed_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._projects = None
        self._projects_build: Path | None = None
        # the model is configured from the environment at start-up (as load_chat_model reads it);
        # its packages are imported only when one is wanted
        backend = (self.settings.llm.backend or load_settings().llm.backend).strip().lower()
        if isinstance(llm, str) or (llm is None and backend not in _LLM_OFF):
            from assistant.llm import load_chat_model  # langchain_core: imported only when a model is wanted

            llm = load_chat_model(llm)
        self.llm = llm

    def with_llm(self, llm: Any) -> Assistant:
        """The same assistant (index, caches) answering with another chat model (``None``: extractive)."""
        other = copy(self)
        other.llm = llm
        return other

    # -- index -----------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The current build, reloaded when ingest has published a newer one."""
        build = store.current_build(self.settings.index_root)
        with self._lock:
            if self._snap is None or (build is not None and build != self._snap.build):
                s = self.settings
                self._snap = Snapshot.load(s.index_root, s.model_path, s.chroma_url, s.chroma_fallback)
            return self._snap

    def embed(self, text: str) -> np.ndarray:
        # with the precision the live build's vectors were made with, whatever the setting says now
        key = ((self._snap or self.snapshot()).embed_precision, text)
        with self._lock:
            hit = self._embed_cache.get(key)
        if hit is not None:
            return hit
        vec = embed_query(self.settings.model_path, text, precision=key[0])
        with self._lock:
            self._embed_cache[key] = vec
            while len(self._embed_cache) > 512:
                self._embed_cache.popitem(last=False)
        return vec

    def embed_many(self, texts: list[str]) -> np.ndarray:
        """Vectors of ``texts`` in one pass of the model, with the live build's precision.

        For what every question of an index compares with (the documents' question headings, the
        criteria table's rows): embedded together on first use, one model call instead of one each.
        """
        precision = (self._snap or self.snapshot()).embed_precision
        return embed_texts(self.settings.model_path, texts, precision=precision)

    def retriever(self, k: int | None = None) -> HybridRetriever:
        """The hybrid search as a LangChain ``BaseRetriever``."""
        from assistant.lc_retriever import HybridRetriever

        return HybridRetriever(
            snapshot=self.snapshot,
            embed=self.embed,
            k=k or self.settings.top_k,
            retrieval=self.settings.retrieval,
        )

    def project_store(self):  # type: ignore[no-untyped-def]
        """The project directory table of the current build, if one was derived."""
        snap = self.snapshot()
        path = snap.build / "projects.sqlite"
        if not path.exists():
            return None
        if self._projects is None or self._projects_build != snap.build:
            from ingest.projects_store import ProjectStore

            self._projects = ProjectStore(path)
            self._projects_build = snap.build
        return self._projects

    # -- documents -------------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        snap = self.snapshot()
        return [
            {**info.__dict__, "display_date": info.display_date, "chunks": snap.chunk_counts.get(doc_id, 0)}
            for doc_id, info in snap.docs.items()
        ]

    def document_text(self, doc_id: str) -> str:
        snap = self.snapshot()
        if doc_id not in snap.texts:
            raise KeyError(f"unknown document id {doc_id!r}")
        return snap.texts[doc_id]

    def document_outline(self, doc_id: str) -> list[dict]:
        return [
            {"section": c.section, "paragraph": c.paragraph, "page": c.page, "start": c.start, "end": c.end}
            for c in self.snapshot().chunks
            if c.doc_id == doc_id
        ]

    # -- answering -------------------------------------------------------------------------------
    def _extractive(
        self,
        snap: Snapshot,
        analysis: QuestionAnalysis,
        question: str,
        query: str,
        qvec: np.ndarray,
        passages: list[Passage],
        contexts: list[str],
        decline: bool = True,
    ) -> Answer:
        return answer_extractively(
            snap, analysis, question, query, qvec, passages, contexts, self.settings, _Embedder(self), decline
        )

    def ask(self, question: str, history: list[dict] | None = None, *, mode: str | None = None) -> Answer:
        """The answer; ``mode="extractive"`` skips the language model even when one is configured."""
        answer = None
        for item in self.ask_stream(question, history, mode=mode):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self, question: str, history: list[dict] | None = None, *, mode: str | None = None
    ) -> Iterator[str | Answer]:
        """Yield the language model's text as it arrives (nothing without one), then the final Answer.

        The streamed text is a draft: the Answer holds only the sentences that passed the citation
        checks (``mode == "generative"``), or the extractive answer with ``fallback_reason`` set.
        """
        t0 = time.perf_counter()
        limit = self.settings.max_question_chars
        text = clean_question(question, limit)
        turns = clean_history(history, limit, self.settings.retrieval.max_history_turns)
        snap = self.snapshot()
        # the asker's spelling and shorthand in the documents' words, before anything reads it
        fixed, corrections = normalise(snap, text, self.settings.spelling)
        query = rewrite(fixed, turns)
        analysis = analyse(fixed, query)
        analysis.corrections = corrections
        # "MTM" is a subject, as a name is
        analysis.names += acronym_names(snap, analysis.terms, self.settings.reading)
        spelt = long_forms(snap)
        written = [spelt.get(t.lower()) or implied_long_form(snap, t) for t in analysis.acronyms]
        if written := [w for w in dict.fromkeys(written) if w and w.lower() not in query.lower()]:
            # "EOIs": the documents write "Expressions of Interest" far more often than the acronym
            query = f"{query} ({'; '.join(written)})"
        if analysis.still_open:
            query = f"{query} When is the deadline?"  # what settles it, asked in the documents' word
        elif analysis.answer_type == "finding":
            # "did it work?" is settled by a reported result, which the documents tell as what an
            # evaluation showed: searched for in those words too
            query = f"{query} What did its evaluation show?"
        qvec = self.embed(query)
        try:
            passages = hybrid_search(snap, query, qvec, self.settings.top_k, self.settings.retrieval)
        except store.VectorStoreUnavailableError as exc:
            raise IndexUnavailableError(exc.url) from exc
        contexts = [p.chunk.text for p in passages]
        s = self.settings
        answer = from_directory(
            snap, analysis, text, query, contexts, self.project_store(), s.answer, s.spelling
        )
        if answer is None and self.llm is not None and mode != "extractive" and not analysis.reference:
            from assistant.generate import generate

            reason = None
            stream = generate(self, self.llm, snap, text, query, qvec, passages, contexts, analysis=analysis)
            for item in stream:
                if isinstance(item, str):
                    yield item
                else:
                    answer, reason = item.answer, item.fallback_reason
            if answer is None:
                answer = self._extractive(snap, analysis, text, query, qvec, passages, contexts)
                answer.fallback_reason = reason
        elif answer is None:
            answer = self._extractive(snap, analysis, text, query, qvec, passages, contexts)
        else:
            answer = with_other_documents(
                snap,
                analysis,
                answer,
                query,
                qvec,
                passages,
                self.settings.retrieval,
                lambda others: self._extractive(
                    snap, analysis, text, query, qvec, others, contexts, decline=False
                ),
            )
        answer.analysis = analysis.to_dict()
        answer.seconds = time.perf_counter() - t0
        yield answer
