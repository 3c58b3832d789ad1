"""Records that cross the assistant boundary: a retrieved passage, a citation, an answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.models import Chunk

ABSTAIN_TEXT = (
    "I'm sorry, but the programme documents I have do not cover that, so I can't answer it from them."
)


@dataclass
class Passage:
    """A chunk as retrieved for one query, with the scores that put it there."""

    chunk: Chunk
    score: float
    dense: float = 0.0
    lexical: float = 0.0


@dataclass
class Citation:
    """One numbered source: a verbatim span of a corpus file and where to find it."""

    n: int
    doc_id: str
    title: str
    file: str
    date: str
    section: str
    paragraph: str | None
    page: int | None
    text: str  # verbatim quote: source_text[start:end] == text
    start: int
    end: int
    chunk_id: str = ""

    @classmethod
    def from_span(cls, chunk: Chunk, source: str, start: int, end: int, n: int) -> Citation:
        """The citation of ``source[start:end]``, located by the chunk it lies in."""
        return cls(
            n=n,
            doc_id=chunk.doc_id,
            title=chunk.title,
            file=chunk.file,
            date=chunk.date,
            section=chunk.section,
            paragraph=chunk.paragraph,
            page=chunk.page_at(start),
            text=source[start:end],
            start=start,
            end=end,
            chunk_id=chunk.chunk_id,
        )

    def locator(self) -> str:
        """ "section 'X', paragraph 27, page 3" in the order a reader looks for them."""
        bits = []
        if self.section:
            bits.append(self.section)
        if self.paragraph:
            bits.append(f"para {self.paragraph}")
        if self.page is not None:
            bits.append(f"p. {self.page}")
        return ", ".join(bits)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """What every front end renders. ``answer`` holds ``[n]`` markers into ``citations``."""

    question: str
    query: str  # the stand-alone query actually searched (after follow-up rewriting)
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "this deadline has passed"
    mode: str = "extractive"  # "generative" when a language model wrote it (see assistant.generate)
    table: list[dict] | None = None  # rows for list answers (project directory)
    seconds: float = 0.0
    fallback_reason: str | None = None  # why a generative answer was replaced by the extractive one
    analysis: dict[str, Any] | None = None  # how the question was read (assistant.analysis), for tracing
    more: str = ""  # what the documents add beyond the short answer (shown on request: --full, "more")
    more_citations: list[Citation] = field(default_factory=list)  # the sources of ``more``, numbered on

    def to_dict(self) -> dict:
        data = asdict(self)
        return data

    def to_json(self, full: bool = False) -> dict:
        """The stable JSON protocol of ``ask --json`` / ``--jsonl`` and of the evaluator (see README).

        ``full`` appends ``more`` to the answer text, for readers who asked for everything.
        """
        text = f"{self.answer}\n\n{self.more}" if full and self.more else self.answer
        cits = [*self.citations, *self.more_citations] if full else self.citations
        return {
            "answer": text,
            "abstained": self.abstained,
            "query": self.query,
            "citations": [
                {
                    "n": c.n,
                    "title": c.title,
                    "file": c.file,
                    "date": c.date,
                    "section": c.section,
                    "paragraph": c.paragraph,
                    "page": c.page,
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                }
                for c in cits
            ],
            "contexts": self.contexts,
            "notes": self.notes,
            "mode": self.mode,
            "fallback_reason": self.fallback_reason,
            "table": self.table,
            "analysis": self.analysis,
            "more": self.more,
            "more_citations": [c.to_dict() for c in self.more_citations],
            "seconds": round(self.seconds, 4),
        }


def abstained(question: str, query: str, contexts: list[str], mode: str = "extractive",
              reason: str = "") -> Answer:  # fmt: skip
    """The answer that says the documents do not answer this (the same first line in every mode).

    ``reason`` (what is missing, and what the documents say nearby) follows the fixed sentence,
    so that the refusal stays unmistakable and still tells the reader something useful.
    """
    text = f"{ABSTAIN_TEXT}\n\n{reason}" if reason else ABSTAIN_TEXT
    return Answer(question=question, query=query, answer=text, abstained=True, contexts=contexts, mode=mode)
