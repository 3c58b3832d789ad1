"""The hybrid search as a LangChain retriever, for use in chains (e.g. the LLM mode).

Kept apart from :mod:`assistant.retrieve` so that answering without a chain never imports
langchain_core's retriever machinery (over a second of start-up on this machine).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieve import hybrid_search
from assistant.snapshot import Snapshot
from ingest.config import RetrievalSettings


class HybridRetriever(BaseRetriever):
    """The same hybrid search as a LangChain retriever, for use in chains (e.g. the LLM mode)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    snapshot: Callable[[], Snapshot]
    embed: Callable[[str], np.ndarray]
    k: int = 8
    retrieval: RetrievalSettings  # the assistant's settings: how the rankings are fused

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        snap = self.snapshot()
        return [
            Document(
                page_content=p.chunk.text,
                metadata={**p.chunk.to_dict(), "score": p.score, "dense": p.dense, "lexical": p.lexical},
                id=p.chunk.chunk_id,
            )
            for p in hybrid_search(snap, query, self.embed(query), self.k, self.retrieval)
        ]
